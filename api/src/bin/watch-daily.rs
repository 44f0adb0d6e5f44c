//! The `watch-daily` Lambda function, on two EventBridge schedules: `{"task": "daily"}`
//! runs the daily early-warning and dunning pass for every tenant in the registry (read at
//! each run, so a tenant created since needs no redeploy);
//! `{"task": "deliver"}` retries webhook deliveries that are due. Running a day twice
//! does nothing twice.

use credence_api::{telemetry, watcher};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    telemetry::init(credence_api::settings::LogFormat::Json);
    watcher::refuse_shifted_clock()?;
    let watcher = watcher::Watcher::from_env().await?;
    let watcher = &watcher;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let tenants = &watcher::registered_tenants(watcher).await?;
        match event.payload["task"].as_str() {
            Some("deliver") => {
                let sent = watcher::deliver_for(watcher, tenants).await?;
                Ok::<Value, lambda_runtime::Error>(json!({ "delivered": sent }))
            }
            _ => {
                watcher::daily_for(watcher, tenants).await?;
                Ok(json!({ "tenants": tenants.len() }))
            }
        }
    }))
    .await
}
