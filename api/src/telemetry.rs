//! Structured logs with `tracing`: JSON under Lambda (CloudWatch), readable text locally.
//!
//! In JSON each line carries its span and the whole list of spans above it, so a line logged
//! in a service span (`tenant`, `user`, `customer`) also shows the `request` span's
//! `request_id`, `method` and `path`. Each span also logs one line when it closes, with its
//! fields and how long it took (`time.busy`, `time.idle`): a slow request is found by its
//! `request` line and followed by its `request_id` into the services it called.

use crate::settings::LogFormat;
use tracing_subscriber::{EnvFilter, fmt, fmt::format::FmtSpan, prelude::*};

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        EnvFilter::new("info,aws_smithy_runtime=warn,aws_config=warn,hyper=warn")
    });
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
