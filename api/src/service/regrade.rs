//! Publishing re-grades the portfolio. Publishing or putting back an engine version writes a
//! fresh [`RegradeJob`] in the same transaction; a step recomputes the credit files of the
//! next page of customers with the engine in force (a file already computed with that
//! version is left alone, so a step done twice changes nothing) and moves the job's cursor
//! over the version it read. The admin page runs steps while it is open and shows the
//! progress; the daily pass finishes whatever is left, so stored grades, recommendations
//! and the order check agree with the new version by the next morning at the latest.

use credence_shared::TenantId;
use credence_shared::credit::RegradeJob;
use credence_shared::engine::LedgerEntry;
use credence_shared::preview::{EnginePreview, EnginePreviewRequest, Outcome};
use credence_shared::workflow::EngineVersion;

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
    if engine.version != job.engine_version {
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
            if record.state.engine_version == job.engine_version {
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
        .list_customers(tenant, cursor, limit, &|_| true)
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

/// `POST /v1/admin/engine-versions/preview`: of the next page of customers, how many the
/// candidate model and policy would move to another grade, limit or terms. Each credit
/// file is recomputed as of today twice, with the engine in force and with the candidate,
/// so what time alone changed is not counted. Nothing is written.
pub async fn preview(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: EnginePreviewRequest,
) -> Result<EnginePreview, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let candidate = super::tenant::engine_of(&EngineVersion {
        version: 0,
        model: body.model,
        policy: body.policy,
        published_by: who.username.clone(),
        published_at: ctx.clock.now(),
        reason: String::new(),
        active: false,
    })
    .map_err(ApiError::Validation)?;
    let tenant = &who.tenant;
    let engine = ctx.engine(tenant).await?;
    let page = customer_page(ctx, tenant, body.cursor.as_deref(), STEP).await?;
    let today = ctx.clock.today();
    let mut preview = EnginePreview::default();
    for customer in &page.items {
        let Some(record) = ctx.store.get_credit(tenant, &customer.id).await? else {
            continue;
        };
        let entries: Vec<LedgerEntry> = ctx
            .store
            .get_ledger(tenant, &customer.id)
            .await?
            .into_iter()
            .map(|e| e.entry)
            .collect();
        let state = &record.state;
        let outcome = |engine: &super::credit::CreditEngine| -> Result<Outcome, ApiError> {
            let (next, summary) = super::credit::compute_state(
                engine,
                Some(state),
                state.currency,
                &entries,
                super::credit::profile_of(customer),
                state.decision.clone(),
                today,
            )
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("ledger of {}: {e}", customer.id)))?;
            Ok(Outcome {
                grade: next.recommendation.grade,
                limit: next.recommendation.limit.amount,
                terms_days: next.recommendation.terms_days,
                pd: next.assessment.pd,
                exposure: summary.exposure,
            })
        };
        preview.count(outcome(&engine)?, outcome(&candidate)?);
    }
    preview.next_cursor = page.next_cursor;
    Ok(preview)
}
