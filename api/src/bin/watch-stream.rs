//! The `watch-stream` Lambda function: DynamoDB Streams batches of the table → the early
//! warning watcher (changed credit files and new signals). Idempotent: Lambda may deliver
//! a batch twice, and the second time raises nothing. It answers with the records whose
//! customer failed (a partial batch response), so one bad customer neither blocks the
//! batch nor is silently dropped: Lambda retries those, then sends them to the DLQ.

// The watcher's future nests the services' tracing spans (`Instrumented`) a few levels deep;
// computing its layout needs more than the default 128 query levels.
#![recursion_limit = "256"]

use credence_api::{telemetry, watcher};
use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    telemetry::init(credence_api::settings::LogFormat::Json);
    watcher::refuse_shifted_clock()?;
    let watcher = watcher::Watcher::from_env().await?;
    let watcher = &watcher;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        // The partial batch response: the records of customers that failed go back to the
        // stream (`FunctionResponseTypes: [ReportBatchItemFailures]` in the template).
        Ok::<Value, lambda_runtime::Error>(watcher::on_stream_event(watcher, &event.payload).await)
    }))
    .await
}
