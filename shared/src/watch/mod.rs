//! Early warning and collections: warning rules as data, the figures they watch, alerts
//! (one open per rule and customer), the dunning ladder, promises to pay, collection tasks
//! and portfolio KPIs.
//!
//! Everything here is pure and takes its "today"; the API decides when to run it (on every
//! change of a credit file, and once a day for what time alone changes).

mod alerts;
mod collections;
mod disputes;
mod dunning;
mod feeds;
mod inputs;
mod kpis;
mod letters;
mod rules;
mod severity;
pub mod target;
mod webhooks;

#[cfg(test)]
mod tests;

pub use alerts::*;
pub use collections::*;
pub use disputes::*;
pub use dunning::*;
pub use feeds::*;
pub use inputs::*;
pub use kpis::*;
pub use letters::*;
pub use rules::*;
pub use severity::*;
pub use webhooks::*;
