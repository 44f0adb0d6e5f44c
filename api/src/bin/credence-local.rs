//! The local server behind `cargo xtask dev`: the same Router as the Lambda, plus the
//! built frontend, the local token issuer, table creation and the demo tenant.
//!
//! Usage: `credence-local [--port N] [--seed-demo] [--today YYYY-MM-DD]` (env: the API's
//! variables, `PORT`). `--today` runs the server as if it were that day (today or later): the
//! daily pass runs first for every day from today to it, then the clock reads that day and
//! runs on. `cargo xtask dev --today` gives it a copy of the data folder.

use anyhow::Context;
use credence_api::{AppState, Settings, router, seed, store::schema, telemetry, watcher};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut port: u16 = std::env::var("PORT")
        .ok()
        .map(|p| p.parse().context("PORT must be a port number"))
        .transpose()?
        .unwrap_or(8080);
    let mut seed_demo = false;
    let mut shifted_to: Option<time::Date> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .context("--port needs a value")?
                    .parse()
                    .context("--port must be a port number")?
            }
            "--seed-demo" => seed_demo = true,
            "--today" => {
                let day = args.next().context("--today needs a date (YYYY-MM-DD)")?;
                let format = time::macros::format_description!("[year]-[month]-[day]");
                shifted_to = Some(
                    time::Date::parse(&day, &format)
                        .with_context(|| format!("--today {day}: not a date (YYYY-MM-DD)"))?,
                );
            }
            other => anyhow::bail!(
                "unknown argument {other}; usage: credence-local [--port N] [--seed-demo] [--today YYYY-MM-DD]"
            ),
        }
    }
    let settings = Settings::from_env().context("configuration")?;
    telemetry::init(settings.log_format);
    let mut state =
        AppState::from_settings(&settings, seed::demo_users(), seed::demo_machine_clients())
            .await?;
    schema::ensure_table(state.store.raw_client(), state.store.table())
        .await
        .context("creating the table in DynamoDB")?;
    if seed_demo {
        let today = time::OffsetDateTime::now_utc().date();
        let started = std::time::Instant::now();
        let outcome = seed::seed_demo(
            &state.store,
            &seed::demo_tenant(),
            today,
            seed::DEMO_CUSTOMERS,
        )
        .await?;
        tracing::info!(
            ?outcome,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "demo tenant"
        );
        if matches!(outcome, seed::SeedOutcome::Seeded { .. }) {
            // Watch every demo customer once; from then on changes and the daily pass do.
            let report =
                credence_api::service::watch::daily(&state.ctx(), &seed::demo_tenant(), true)
                    .await
                    .map_err(|e| anyhow::anyhow!("watching the demo tenant: {e}"))?;
            tracing::info!(?report, "first early-warning pass over the demo tenant");
        }
    }
    if let Some(day) = shifted_to {
        let today = time::OffsetDateTime::now_utc().date();
        anyhow::ensure!(
            day >= today,
            "--today {day} is before today ({today}): time only moves forward"
        );
        let system = watcher::Watcher::new(
            state.store.clone(),
            state.clock.clone(),
            state.egress.clone(),
        );
        let started = std::time::Instant::now();
        let tenants = watcher::registered_tenants(&system).await?;
        let days = watcher::catch_up(&system, &tenants, today, day).await?;
        tracing::info!(
            days,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "daily passes up to {day}"
        );
        state.clock = credence_api::clock::Clock::shifted_to(day);
    }
    // The early-warning consumers: in AWS two Lambda functions, here two tasks.
    let watcher = watcher::Watcher::new(
        state.store.clone(),
        state.clock.clone(),
        state.egress.clone(),
    );
    if let Some(endpoint) = settings.dynamodb_endpoint.clone() {
        tokio::spawn(watcher::consume_local_stream(
            watcher.clone(),
            endpoint,
            settings.region.clone(),
        ));
    }
    tokio::spawn(watcher::local_deliveries(watcher.clone()));
    tokio::spawn(watcher::local_schedule(watcher));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{port}"))?;
    tracing::info!("listening on http://127.0.0.1:{port}");
    // Compression here only: under Lambda, CloudFront compresses.
    let app = router(state).layer(tower_http::compression::CompressionLayer::new());
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
