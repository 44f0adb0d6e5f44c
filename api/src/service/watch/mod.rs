//! Early warning and collections. [`evaluate`] is the one place a customer is watched:
//! it builds the customer's figures for today, runs the tenant's warning rules and dunning
//! ladder over them, writes what changed (each alert guarded by its version, the watch state
//! by its own), tells people (activity, webhooks) and takes the automatic actions. It is
//! called by the stream consumer for every changed credit file or new signal, by the daily
//! pass for the customers the wake index names, and after a promise is recorded.
//!
//! Running it twice on the same facts does nothing the second time: alerts change only when
//! a rule's level or figures change, and dunning steps taken are kept per invoice.
//!
//! Its configuration (warning rules, dunning ladder, webhooks) is tenant documents, read with
//! [`crate::service::tenant::document`]. One file per part: `evaluate` (the watcher) and
//! `actions` (what it does on the credit file), `passes` (stream and daily pass),
//! `webhooks`, `orders` (the ERP told of blocked orders and credit terms), `alerts`,
//! `collections` and `portfolio` (aging and KPIs).

mod actions;
mod alerts;
pub(crate) mod collections;
mod evaluate;
mod letters;
mod orders;
mod passes;
mod portfolio;
mod tasks;
mod webhooks;

pub(crate) use actions::system;
pub use alerts::{AlertQuery, alerts, customer_alerts, update_alert};
pub use collections::{
    WorklistQuery, add_note, add_promise, add_signal, collections, task_done, worklist,
};
pub use evaluate::evaluate;
pub use letters::{letter_pdf, letters, send_letter, send_letters_due};
pub use passes::{BatchOutcome, customers_to_watch, daily, on_changes, run};
pub use portfolio::{aging_of_all, kpis, portfolio_aging};
pub use tasks::{open_task, reassign as reassign_task};
pub use webhooks::{DeliveryList, deliver_due, delivery_log, signature};

use credence_shared::CustomerId;
use time::OffsetDateTime;

use crate::error::ApiError;

/// What one evaluation did (summed into a [`RunReport`](credence_shared::watch::RunReport)).
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    opened: u32,
    raised: u32,
    dunning: u32,
    tasks: u32,
    broken: u32,
    requests: u32,
}

fn stamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn unique() -> String {
    format!("{:08x}", rand::random::<u32>())
}

/// The customer a path names, by the tenant's number or Credence's id.
pub(crate) fn parse_customer(raw: &str) -> Result<CustomerId, ApiError> {
    Ok(credence_shared::customer::customer_id_of(raw))
}
