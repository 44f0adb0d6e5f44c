//! How the AWS SDK's clients reach AWS: HTTPS by rustls on *ring*, the crypto library the
//! rest of the API (tokens, webhooks) already links. The SDK's default would bring a second
//! one, aws-lc, about 2 MB of every function's binary.

use aws_smithy_http_client::{Builder, tls};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// A new HTTPS (and plain HTTP, for DynamoDB Local) client with its own connection pool.
pub fn https_client() -> SharedHttpClient {
    Builder::new()
        .tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::Ring,
        ))
        .build_https()
}

/// The SDK's configuration from the environment (Lambda's credentials and region, or the
/// developer's), over [`https_client`]; `region` overrides the environment's.
pub async fn config(region: Option<&str>) -> aws_config::SdkConfig {
    let loader =
        aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(https_client());
    match region {
        Some(region) => loader.region(aws_config::Region::new(region.to_owned())),
        None => loader,
    }
    .load()
    .await
}
