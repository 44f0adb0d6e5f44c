//! Use cases: the rules between a handler and the store (validation, authorisation).
//!
//! Every entry point takes a [`Ctx`] first: what a use case may touch (the store, the
//! per-tenant engines, the clock). Pure helpers take plain values (`today: Date`) instead.

pub mod challenger;
pub mod credit;
pub mod customers;
pub mod disputes;
pub mod evidence;
pub mod exports;
pub mod feeds;
mod gate;
pub mod groups;
pub mod identity;
pub mod imports;
pub mod lab;
pub mod ledger;
pub mod master;
pub mod mfa;
pub mod orders;
pub mod people;
pub mod projection;
pub mod regrade;
pub mod report;
pub mod rescore;
pub mod reviews;
pub mod tenant;
pub mod tenants;
pub mod watch;
pub mod whatif;
pub mod workflow;

use crate::{clock::Clock, egress::Egress, error::ApiError, store::Store};
use credence_shared::TenantId;
use credit::CreditEngine;
use tenant::Engines;

/// What a service needs from the application state. Cheap to copy (three references);
/// `AppState::ctx` and `Watcher::ctx` make one, tests and the seed build their own.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub engines: &'a Engines,
    pub clock: &'a Clock,
    /// The only way out to tenant-chosen targets (webhooks).
    pub egress: &'a Egress,
}

impl Ctx<'_> {
    /// The scorecard model and policy in force for `tenant` (cached by [`Engines`]).
    pub async fn engine(&self, tenant: &TenantId) -> Result<CreditEngine, ApiError> {
        self.engines.get(self.store, tenant).await
    }
}
