//! The `api` Lambda function: the shared Router behind API Gateway (HTTP API, payload v2).

use credence_api::{AppState, Config, router, telemetry};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let config = Config::from_env().map_err(|e| {
        eprintln!("configuration error: {e}");
        e
    })?;
    telemetry::init(config.log_format);
    // The local issuer hands out tokens for demo passwords: refuse to run it in AWS.
    if matches!(
        config.issuer,
        credence_api::config::IssuerConfig::Local { .. }
    ) {
        return Err(
            "LOCAL_ISSUER_KEY is set: the local issuer never runs in Lambda; set JWKS_URL".into(),
        );
    }
    let state = AppState::from_config(&config, Vec::new()).await?;
    lambda_http::run(router(state)).await
}
