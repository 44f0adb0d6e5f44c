//! The `watch-stream` Lambda function: DynamoDB Streams batches of the table → the early
//! warning watcher (changed credit files and new signals). Idempotent: Lambda may deliver
//! a batch twice, and the second time raises nothing.

// The watcher's future nests the services' tracing spans (`Instrumented`) a few levels deep;
// computing its layout needs more than the default 128 query levels.
#![recursion_limit = "256"]

use credence_api::{telemetry, watcher};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    telemetry::init(credence_api::settings::LogFormat::Json);
    let watcher = watcher::Watcher::from_env().await?;
    let watcher = &watcher;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let keys = watcher::keys_of_stream_event(&event.payload);
        let report = credence_api::service::watch::on_changes(&watcher.ctx(), &keys)
            .await
            .map_err(|e| lambda_runtime::Error::from(e.to_string()))?;
        tracing::info!(records = keys.len(), ?report, "stream batch");
        Ok::<Value, lambda_runtime::Error>(json!({ "customers": report.customers }))
    }))
    .await
}
