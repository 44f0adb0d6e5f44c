//! What the benches share: a DynamoDB client for DynamoDB Local with a call-counting
//! interceptor, and a fresh table.

use aws_smithy_runtime_api::client::interceptors::Intercept;

/// A client of the DynamoDB Local at `DYNAMODB_ENDPOINT` that runs `interceptor` on every
/// call, and a fresh table named `{prefix}-{pid}` on it.
pub async fn local_table(
    prefix: &str,
    interceptor: impl Intercept + 'static,
) -> anyhow::Result<(aws_sdk_dynamodb::Client, String)> {
    let endpoint = std::env::var("DYNAMODB_ENDPOINT")
        .map_err(|_| anyhow::anyhow!("set DYNAMODB_ENDPOINT to a running DynamoDB Local"))?;
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("local"))
        .endpoint_url(&endpoint)
        .credentials_provider(aws_credential_types::Credentials::new(
            "local", "local", None, None, "static",
        ))
        .interceptor(interceptor)
        .build();
    let client = aws_sdk_dynamodb::Client::from_conf(config);
    let table = format!("{prefix}-{}", std::process::id());
    credence_api::store::schema::ensure_table(&client, &table).await?;
    Ok((client, table))
}
