//! The start of an HTTP Lambda function (`api`, `office`): settings, telemetry, the
//! refusals that keep local-only powers out of AWS, the DynamoDB connection opened during
//! init, then `lambda_http` serving the function's Router.

use crate::{AppState, Settings, telemetry};

/// Runs the function whose Router `router` builds, until Lambda stops it.
pub async fn serve(router: fn(AppState) -> axum::Router) -> Result<(), lambda_http::Error> {
    let settings = Settings::from_env().map_err(|e| {
        eprintln!("configuration error: {e}");
        e
    })?;
    telemetry::init(settings.log_format);
    // The local issuer hands out tokens for demo passwords: refuse to run it in AWS.
    if matches!(
        settings.issuer,
        crate::settings::IssuerSettings::Local { .. }
    ) {
        return Err(
            "LOCAL_ISSUER_KEY is set: the local issuer never runs in Lambda; set JWKS_URL".into(),
        );
    }
    crate::watcher::refuse_shifted_clock()?;
    let state = AppState::from_settings(&settings, Vec::new(), Vec::new()).await?;
    // Open the DynamoDB connection during init: otherwise the first request after a cold
    // start pays for the TLS handshake. A failure here is the first request's to report.
    if let Err(e) = state.store.warm().await {
        let e = anyhow::Error::from(e);
        tracing::warn!(
            error = format!("{e:#}"),
            "could not open the DynamoDB connection at start"
        );
    }
    lambda_http::run(router(state)).await
}
