//! What the benches share: a DynamoDB client for DynamoDB Local with a call-counting
//! interceptor ([`CountCalls`]), and a fresh table. Each bench uses part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_types::config_bag::ConfigBag;

/// A client of the DynamoDB Local at `DYNAMODB_ENDPOINT` that runs `interceptor` on every
/// call, and a fresh table named `{prefix}-{pid}` on it.
pub async fn local_table(
    prefix: &str,
    interceptor: impl Intercept + 'static,
) -> anyhow::Result<(aws_sdk_dynamodb::Client, String)> {
    let client = local_client(interceptor)?;
    let table = format!("{prefix}-{}", std::process::id());
    credence_api::store::schema::ensure_table(&client, &table).await?;
    Ok((client, table))
}

/// DynamoDB calls by operation name.
#[derive(Debug, Clone, Default)]
pub struct CountCalls(Arc<Mutex<BTreeMap<String, u64>>>);

impl CountCalls {
    pub fn take(&self) -> BTreeMap<String, u64> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

impl Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation as op;
        let input = context.input();
        let name = if input.downcast_ref::<op::get_item::GetItemInput>().is_some() {
            "GetItem"
        } else if input.downcast_ref::<op::query::QueryInput>().is_some() {
            "Query"
        } else if input
            .downcast_ref::<op::batch_get_item::BatchGetItemInput>()
            .is_some()
        {
            "BatchGetItem"
        } else {
            "write"
        };
        *self.0.lock().unwrap().entry(name.to_owned()).or_default() += 1;
        Ok(())
    }
}

pub fn split(calls: &BTreeMap<String, u64>) -> (u64, u64) {
    let reads = ["GetItem", "Query", "BatchGetItem"];
    calls.iter().fold((0, 0), |(r, w), (op, n)| {
        if reads.contains(&op.as_str()) {
            (r + n, w)
        } else {
            (r, w + n)
        }
    })
}

/// A size from the environment, or `default`.
pub fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A client of the DynamoDB Local at `DYNAMODB_ENDPOINT` that runs `interceptor` on every
/// call.
pub fn local_client(
    interceptor: impl Intercept + 'static,
) -> anyhow::Result<aws_sdk_dynamodb::Client> {
    let endpoint = std::env::var("DYNAMODB_ENDPOINT")
        .map_err(|_| anyhow::anyhow!("set DYNAMODB_ENDPOINT to a running DynamoDB Local"))?;
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .http_client(credence_api::aws::https_client())
        .region(aws_config::Region::new("local"))
        .endpoint_url(&endpoint)
        .credentials_provider(aws_credential_types::Credentials::new(
            "local", "local", None, None, "static",
        ))
        .interceptor(interceptor)
        .build();
    Ok(aws_sdk_dynamodb::Client::from_conf(config))
}
