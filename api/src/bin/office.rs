//! The `office` Lambda function: the office's routes ([`credence_api::router::office_router`]:
//! imports, exports, PDFs, the lab, portfolio walks) behind the same HTTP API.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    credence_api::lambda::serve(credence_api::router::office_router).await
}
