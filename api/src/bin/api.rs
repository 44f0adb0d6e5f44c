//! The `api` Lambda function: the field's routes ([`credence_api::router::field_router`])
//! behind API Gateway (HTTP API, payload v2) — everything but the office's work.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    credence_api::lambda::serve(credence_api::router::field_router).await
}
