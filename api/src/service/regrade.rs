//! Publishing re-grades the portfolio. Publishing or putting back an engine version (or
//! starting or stopping a challenger) writes a fresh [`RegradeJob`] in the same
//! transaction; a step recomputes the credit files of the next page of customers with the
//! engine in force (a file already computed with that version, carrying the challenger's
//! shadow score where it should, is left alone, so a step done twice changes nothing) and
//! moves the job's cursor over the version it read. The admin page runs steps while it is
//! open and shows the progress; the daily pass finishes whatever is left, so stored grades,
//! recommendations and the order check agree with the new version by the next morning at
//! the latest.

use credence_shared::TenantId;
use credence_shared::credit::RegradeJob;
use credence_shared::engine::LedgerEntry;

use super::Ctx;
use super::rescore::recomputed;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::store::StoreError;

/// Customers one step looks at: well inside an API request's time.
pub const STEP: u32 = 200;

/// `GET /v1/admin/regrade`: the last re-grade (`None` before the first publish).
pub async fn status(ctx: &Ctx<'_>, who: &Principal) -> Result<Option<RegradeJob>, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    Ok(ctx.store.regrade_job(&who.tenant).await?.map(|(_, j)| j))
}

/// `POST /v1/admin/regrade`: one step of the re-grade.
pub async fn step_for(ctx: &Ctx<'_>, who: &Principal) -> Result<Option<RegradeJob>, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    step(ctx, &who.tenant, STEP).await
}

/// Finishes the tenant's re-grade (the daily pass). Returns the customers looked at.
pub async fn finish(ctx: &Ctx<'_>, tenant: &TenantId) -> Result<u32, ApiError> {
    let mut looked = 0;
    loop {
        let before = ctx.store.regrade_job(tenant).await?.map(|(_, j)| j.done);
        let Some(job) = step(ctx, tenant, STEP).await? else {
            return Ok(looked);
        };
        looked += job.done.saturating_sub(before.unwrap_or(0));
        if job.finished || Some(job.done) == before {
            return Ok(looked);
        }
    }
}

/// Recomputes the next `budget` customers' credit files with the engine in force.
pub async fn step(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    budget: u32,
) -> Result<Option<RegradeJob>, ApiError> {
    let Some((version, mut job)) = ctx.store.regrade_job(tenant).await? else {
        return Ok(None);
    };
    if job.finished {
        return Ok(Some(job));
    }
    let engine = ctx.engine(tenant).await?;
    if engine.version != job.engine_version || engine.challenger_id() != job.challenger {
        // Another process still holds the engine it had cached: the next step goes on.
        return Ok(Some(job));
    }
    let page = ctx
        .store
        .list_customers(tenant, job.cursor.as_deref(), budget, &|_| true)
        .await?;
    let reason = format!("engine version {}", job.engine_version);
    for customer in &page.items {
        for _attempt in 0..3 {
            let Some(record) = ctx.store.get_credit(tenant, &customer.id).await? else {
                break;
            };
            if record.state.engine_version == job.engine_version
                && engine.shadow_current(customer.id.as_str(), record.state.shadow.as_ref())
            {
                break;
            }
            let Some(write) = recomputed(ctx, tenant, &customer.id, &record, None, &reason).await?
            else {
                break;
            };
            let moved = write.history.is_some();
            match ctx
                .store
                .write_credit(tenant, &customer.id, &write, &ctx.clock.stamp())
                .await
            {
                Ok(_) => {
                    job.recomputed += 1;
                    job.changed += u32::from(moved);
                    break;
                }
                Err(crate::store::credit::WriteConflict::Store(e)) => return Err(e.into()),
                // Someone changed the file meanwhile: read it again.
                Err(_) => continue,
            }
        }
    }
    job.done += u32::try_from(page.items.len()).unwrap_or(u32::MAX);
    job.finished = page.next_cursor.is_none();
    job.cursor = page.next_cursor;
    let write = ctx.store.regrade_job_write(tenant, &job, version)?;
    match ctx.store.transact(vec![write]).await {
        Ok(()) => Ok(Some(job)),
        Err(StoreError::ConditionFailed) => Err(ApiError::stale(
            "the re-grade moved on meanwhile (another step, or a new version published); read it again",
        )),
        Err(e) => Err(e.into()),
    }
}

/// A page of every customer of the tenant for a walk a client drives page by page (the
/// preview, the lab's sample); a cursor the walk did not issue is the `cursor` field's 422.
pub(super) async fn customer_page(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    cursor: Option<&str>,
    limit: u32,
) -> Result<credence_shared::dto::CustomerPage, ApiError> {
    ctx.store
        .walk_customers(tenant, cursor, limit)
        .await
        .map_err(|e| match e {
            StoreError::BadCursor => ApiError::field(
                "cursor",
                credence_shared::messages::code::INVALID_CURSOR,
                "not a cursor this walk gave out",
            ),
            e => e.into(),
        })
}

/// Credit files and ledgers a walk reads at the same time.
const READS_IN_FLIGHT: usize = 32;

/// A customer of a walk, with its credit file and whole ledger (none without a file).
pub(super) type Walked = (
    credence_shared::dto::CustomerSummary,
    Option<(crate::store::credit::CreditRecord, Vec<LedgerEntry>)>,
);

/// The credit files and ledgers of a page of customers, in the page's order: the files
/// with their ledger packs in `BatchGetItem`s of fifty customers, then the ledgers no pack
/// holds [`READS_IN_FLIGHT`] at a time.
pub(super) fn files_of<'a>(
    ctx: &'a Ctx<'a>,
    tenant: &'a TenantId,
    customers: Vec<credence_shared::dto::CustomerSummary>,
) -> impl futures_util::Stream<Item = Result<Walked, ApiError>> + 'a {
    use futures_util::future::Either;
    use futures_util::{StreamExt, stream};
    stream::once(async move {
        let ids: Vec<_> = customers.iter().map(|c| c.id.clone()).collect();
        let records = ctx.store.get_credits_and_ledgers(tenant, &ids).await;
        (customers, records)
    })
    .flat_map(move |(customers, records)| match records {
        Err(e) => Either::Left(stream::once(std::future::ready(Err(e.into())))),
        Ok(mut records) => Either::Right(
            stream::iter(customers)
                .map(move |customer| {
                    let file = records.remove(&customer.id);
                    async move {
                        let Some((record, packed)) = file else {
                            return Ok((customer, None));
                        };
                        // A file known to have no ledger is not asked for one, nor one
                        // whose pack holds all of it.
                        let entries = if record.entries == Some(0) {
                            Vec::new()
                        } else if let Some(entries) = packed {
                            entries
                        } else {
                            ctx.store
                                .get_ledger(tenant, &customer.id)
                                .await?
                                .into_iter()
                                .map(|e| e.entry)
                                .collect()
                        };
                        Ok((customer, Some((record, entries))))
                    }
                })
                .buffered(READS_IN_FLIGHT),
        ),
    })
}
