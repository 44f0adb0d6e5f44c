//! Structured logs with `tracing`: JSON under Lambda (CloudWatch), readable text locally.
//!
//! In JSON each line carries its span and the whole list of spans above it, so a line logged
//! in a service span (`tenant`, `user`, `customer`) also shows the `request` span's
//! `request_id`, `method` and `path`. Each span also logs one line when it closes, with its
//! fields and how long it took (`time.busy`, `time.idle`): a slow request is found by its
//! `request` line and followed by its `request_id` into the services it called.

use crate::settings::LogFormat;
use tracing::Level;
use tracing_subscriber::{filter::Targets, fmt, fmt::format::FmtSpan, prelude::*};

/// What is logged: `RUST_LOG` (levels by target, e.g. `info,credence_api=debug`; no regex
/// field filters, which would cost every function a regex engine), else info and the SDK's
/// and HTTP client's warnings.
fn filter() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| {
            Targets::new()
                .with_default(Level::INFO)
                .with_target("aws_smithy_runtime", Level::WARN)
                .with_target("aws_config", Level::WARN)
                .with_target("hyper", Level::WARN)
        })
}

pub fn init(format: LogFormat) {
    let filter = filter();
    let registry = tracing_subscriber::registry().with(filter);
    let result = match format {
        LogFormat::Json => registry
            .with(
                fmt::layer()
                    .json()
                    .with_span_events(FmtSpan::CLOSE)
                    // No timestamp (CloudWatch adds one) but spans keep their timings:
                    // the layer's `without_time` would drop `time.busy` as well.
                    .event_format(
                        fmt::format()
                            .json()
                            .flatten_event(true)
                            .with_current_span(true)
                            .with_span_list(true)
                            .without_time(),
                    ),
            )
            .try_init(),
        LogFormat::Text => registry.with(fmt::layer().compact()).try_init(),
    };
    // A second init (tests) keeps the first subscriber.
    let _ = result;
}
