//! The two passes that call the watcher: [`on_changes`] for a batch of stream keys and
//! [`daily`] for the customers whose wake day has come (or all of them), each re-scored as
//! of today first (`service::rescore`); [`run`] is the daily pass on an admin's request. Neither sends a webhook: they write deliveries, which
//! the delivery worker sends (`watcher::deliver_for`), so a slow receiver delays no pass.
//!
//! One bad customer never stops a pass: each customer is watched on its own, and one that
//! fails is logged, counted ([`RunReport::failed`]), kept in the wake index for today so
//! the next pass tries again, and (for the stream) named so its records are handed back.

use credence_shared::messages::code;
use std::collections::BTreeSet;
use std::panic::AssertUnwindSafe;
use std::time::Instant;

use futures_util::FutureExt;

use credence_shared::watch::{RunReport, RunRequest};
use credence_shared::{CustomerId, TenantId};

use super::Tally;
use super::evaluate::evaluate_counted;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::service::rescore::{Rescored, rescore};
use crate::store::watch::customer_of_changed_key;
use tracing::instrument;

/// The customers a batch of changed keys (`PK`, `SK`) asks to look at again: changed credit
/// files and new signals. The watcher's own writes (watch state, alerts, tasks, activity)
/// are not among them, so it does not wake itself.
pub fn customers_to_watch(changed: &[(String, String)]) -> BTreeSet<(String, String)> {
    changed
        .iter()
        .filter_map(|(pk, sk)| customer_of_changed_key(pk, sk))
        .collect()
}

/// What a stream batch did, and the customers (tenant and customer as written in the
/// keys) whose evaluation failed: the records that named them go back to the stream.
#[derive(Debug, Default)]
pub struct BatchOutcome {
    pub report: RunReport,
    pub failed: BTreeSet<(String, String)>,
}

impl BatchOutcome {
    /// Whether the record with this key must be seen again (its customer failed).
    pub fn failed_key(&self, pk: &str, sk: &str) -> bool {
        customer_of_changed_key(pk, sk).is_some_and(|c| self.failed.contains(&c))
    }
}

/// Handles one batch of stream records (their keys). Idempotent: a batch seen twice
/// raises nothing twice. Webhooks are only written here (see `deliver_due`). One failing
/// customer never stops the others: it is logged, counted and named in the outcome.
#[instrument(skip_all, fields(records = changed.len()))]
pub async fn on_changes(ctx: &Ctx<'_>, changed: &[(String, String)]) -> BatchOutcome {
    let started = Instant::now();
    let today = ctx.clock.today();
    let mut outcome = BatchOutcome::default();
    for (tenant, customer) in customers_to_watch(changed) {
        let (Ok(t), Ok(c)) = (TenantId::parse(&tenant), CustomerId::parse(&customer)) else {
            continue;
        };
        if !watch_one(ctx, &t, &c, today, false, &mut outcome.report).await {
            outcome.failed.insert((tenant, customer));
        }
    }
    outcome.report.millis = started.elapsed().as_millis() as u64;
    outcome
}

/// Watches one customer (the daily pass first re-scores it as of today: `rescore`), adding
/// what it did to `report`. A failure (an error, or even a panic) is logged with the tenant
/// and customer, counted in `report.failed`, and leaves the customer in the wake index for
/// `today`, so the next pass tries it again. Returns whether it succeeded.
async fn watch_one(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
    today: time::Date,
    rescore: bool,
    report: &mut RunReport,
) -> bool {
    let work = async {
        let mut rescored = Rescored::default();
        if rescore {
            rescored = rescore_counted(ctx, tenant, id).await?;
        }
        let tally = evaluate_counted(ctx, tenant, id).await?;
        Ok::<_, ApiError>((rescored, tally))
    };
    let attempt = AssertUnwindSafe(work).catch_unwind();
    let error = match attempt.await {
        Ok(Ok((rescored, tally))) => {
            report.rescored += u32::from(rescored.written);
            report.scores_moved += u32::from(rescored.moved);
            report.dynamodb_requests += rescored.requests;
            add(report, tally);
            return true;
        }
        Ok(Err(e)) => format!("{e:#}"),
        Err(panic) => panic_message(panic.as_ref()),
    };
    report.failed += 1;
    tracing::error!(
        %tenant,
        customer = %id,
        error,
        "watching a customer failed; the next pass tries it again"
    );
    if let Err(e) = ctx.store.keep_awake(tenant, id, today).await {
        tracing::error!(%tenant, customer = %id, error = %e, "could not keep the customer awake");
    }
    false
}

/// [`rescore`], reading again when a concurrent change of the credit file won.
async fn rescore_counted(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
) -> Result<Rescored, ApiError> {
    let mut requests = 0;
    for _ in 0..4 {
        match rescore(ctx, tenant, id).await {
            Err(ApiError::Conflict { .. }) => requests += 2,
            Ok(mut done) => {
                done.requests += requests;
                return Ok(done);
            }
            Err(e) => return Err(e),
        }
    }
    Err(ApiError::stale(format!(
        "customer {id} kept changing while it was re-scored"
    )))
}

/// What a caught panic said, for the log.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    let text = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    format!("panicked: {text}")
}

fn add(report: &mut RunReport, tally: Tally) {
    report.customers += 1;
    report.alerts_opened += tally.opened;
    report.alerts_raised += tally.raised;
    report.dunning_summaries += tally.dunning;
    report.tasks += tally.tasks;
    report.promises_broken += tally.broken;
    report.dynamodb_requests += tally.requests;
}

/// The daily pass for one tenant: the customers whose wake day has come (GSI2, never a
/// scan), or every customer when `all`. Running the same day twice does nothing twice.
/// A customer that fails is counted in `failed` and the pass goes on; only failing to
/// find the customers at all fails the pass.
#[instrument(skip_all, fields(tenant = %tenant))]
pub async fn daily(ctx: &Ctx<'_>, tenant: &TenantId, all: bool) -> Result<RunReport, ApiError> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let today = ctx.clock.today();
    // A re-grade the admin page left unfinished is finished first (boxed: its future nests
    // the whole recompute, and the pass's own future would grow past the compiler's
    // layout depth in a release build). It never stops the pass: a step that lost a race
    // with the admin page's is simply taken up again tomorrow or by the page.
    if let Err(e) = Box::pin(crate::service::regrade::finish(ctx, tenant)).await {
        tracing::warn!(%tenant, error = %e, "the re-grade did not finish in this pass");
    }
    // What the outside data providers have new (each failure logged; never stops the pass).
    crate::service::feeds::pull_all(ctx, tenant).await;
    let ids = if all {
        let mut ids = Vec::new();
        let mut cursor = None;
        loop {
            let page = ctx
                .store
                .list_customers(tenant, cursor.as_deref(), 50, &|_| true)
                .await?;
            report.dynamodb_requests += 1;
            ids.extend(page.items.into_iter().map(|c| c.id));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        ids
    } else {
        let (ids, reads) = ctx.store.waking(tenant, today).await?;
        report.dynamodb_requests += reads;
        ids
    };
    for id in ids {
        watch_one(ctx, tenant, &id, today, true, &mut report).await;
    }
    report.millis = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// `POST /v1/watch/run` (admin).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn run(ctx: &Ctx<'_>, who: &Principal, body: RunRequest) -> Result<RunReport, ApiError> {
    policy::require(who, Action::RunDailyPass)?;
    if let Some(date) = body.date
        && date != ctx.clock.today()
    {
        return Err(ApiError::field(
            "date",
            code::DATE_TODAY_ONLY,
            "the pass runs for today only (the server's clock)",
        ));
    }
    daily(ctx, &who.tenant, body.all).await
}
