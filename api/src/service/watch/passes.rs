//! The two passes that call the watcher: [`on_changes`] for a batch of stream keys and
//! [`daily`] for the customers whose wake day has come (or all of them), each followed by
//! the webhook deliveries due; [`run`] is the daily pass on an admin's request.

use credence_shared::messages::code;
use std::collections::BTreeSet;
use std::time::Instant;

use credence_shared::watch::{RunReport, RunRequest};
use credence_shared::{CustomerId, TenantId};

use super::Tally;
use super::evaluate::evaluate_counted;
use super::webhooks::deliver_due;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
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

/// Handles one batch of stream records (their keys). Idempotent: a batch seen twice
/// raises nothing twice. Then delivers what is due for the tenants touched.
#[instrument(skip_all, fields(records = changed.len()))]
pub async fn on_changes(
    ctx: &Ctx<'_>,
    changed: &[(String, String)],
) -> Result<RunReport, ApiError> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let mut tenants = BTreeSet::new();
    for (tenant, customer) in customers_to_watch(changed) {
        let (Ok(t), Ok(c)) = (TenantId::parse(&tenant), CustomerId::parse(&customer)) else {
            continue;
        };
        let tally = evaluate_counted(ctx, &t, &c).await?;
        add(&mut report, tally);
        tenants.insert(t);
    }
    for t in &tenants {
        report.deliveries_sent += deliver_due(ctx, t).await?;
    }
    report.millis = started.elapsed().as_millis() as u64;
    Ok(report)
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
#[instrument(skip_all, fields(tenant = %tenant))]
pub async fn daily(ctx: &Ctx<'_>, tenant: &TenantId, all: bool) -> Result<RunReport, ApiError> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let today = ctx.clock.today();
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
        let tally = evaluate_counted(ctx, tenant, &id).await?;
        add(&mut report, tally);
    }
    report.deliveries_sent += deliver_due(ctx, tenant).await?;
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
