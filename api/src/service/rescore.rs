//! The daily re-score: a credit file recomputed as of today from its stored ledger, so time
//! alone moves a score. A customer who stops paying keeps no stale grade: on each day its
//! wake date names (an open invoice crossing one of the model's days-past-due edges, an
//! ageing bucket, a rule's or the dunning ladder's next step) the daily pass re-scores it
//! before it is watched, so the score-drop and downgrade rules see what time did.
//!
//! A file already computed today is left alone (one read). Otherwise the new assessment,
//! recommendation and summary are written over the version read, with a history point when
//! score, grade or limit moved; a concurrent change wins and the caller reads again.

use credence_shared::engine::{Evidence, LedgerEntry};
use credence_shared::{CustomerId, TenantId};

use super::Ctx;
use super::credit::{compute_state, profile_of, recomputed_write};
use crate::error::ApiError;
use crate::store::credit::{CreditRecord, CreditWrite, WriteConflict};

/// What a re-score did, and the DynamoDB requests it made.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rescored {
    /// The file was computed before today and is now computed as of today.
    pub written: bool,
    /// Its score, grade or limit moved (a history point was written).
    pub moved: bool,
    pub requests: u32,
}

/// Re-scores `id` as of the clock's today when its file was computed before. A lost race
/// is [`ApiError::Conflict`] (the watcher reads again).
pub async fn rescore(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
) -> Result<Rescored, ApiError> {
    let today = ctx.clock.today();
    let mut done = Rescored {
        requests: 1,
        ..Rescored::default()
    };
    let Some(record) = ctx.store.get_credit(tenant, id).await? else {
        return Ok(done);
    };
    if record.state.computed_on >= today {
        return Ok(done);
    }
    let Some(write) = recomputed(ctx, tenant, id, &record, None, "daily re-score").await? else {
        return Ok(done);
    };
    done.requests += 2;
    done.moved = write.history.is_some();
    match ctx
        .store
        .write_credit(tenant, id, &write, &ctx.clock.stamp())
        .await
    {
        Ok(_) => {
            done.written = true;
            done.requests += 1;
            Ok(done)
        }
        Err(WriteConflict::Store(e)) => Err(e.into()),
        Err(other) => Err(ApiError::stale(format!(
            "the credit file of {id} changed while it was re-scored: {other}"
        ))),
    }
}

/// The write of `record` recomputed as of today from its stored ledger, over `evidence` when
/// given (a signal or a statement just recorded); `None` when the customer is gone.
pub(crate) async fn recomputed(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
    record: &CreditRecord,
    evidence: Option<Evidence>,
    reason: &str,
) -> Result<Option<CreditWrite>, ApiError> {
    let Some(customer) = ctx.store.get_customer(tenant, id).await? else {
        return Ok(None);
    };
    let engine = ctx.engine(tenant).await?;
    let entries: Vec<LedgerEntry> = ctx
        .store
        .get_ledger(tenant, id)
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect();
    let mut state = record.state.clone();
    if let Some(evidence) = evidence {
        state.evidence = evidence;
    }
    let (next, summary) = compute_state(
        &engine,
        id.as_str(),
        Some(&state),
        state.currency,
        &entries,
        profile_of(&customer),
        state.decision.clone(),
        ctx.clock.today(),
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored ledger of {id}: {e}")))?;
    Ok(Some(recomputed_write(record, next, summary, reason)))
}

/// Records new evidence on a credit file — a signal, a statement — and recomputes it as of
/// today, in one transaction with what `amend` adds (the signal or statement item itself,
/// its activity). Returns whether score, grade or limit moved. A lost race is
/// [`ApiError::Conflict`]: the caller reads the file again.
pub async fn recompute_with(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
    record: &CreditRecord,
    evidence: Evidence,
    reason: &str,
    amend: impl FnOnce(&mut CreditWrite) -> Result<(), ApiError>,
) -> Result<bool, ApiError> {
    let Some(mut write) = recomputed(ctx, tenant, id, record, Some(evidence), reason).await? else {
        return Err(ApiError::NotFound);
    };
    amend(&mut write)?;
    let moved = write.history.is_some();
    match ctx
        .store
        .write_credit(tenant, id, &write, &ctx.clock.stamp())
        .await
    {
        Ok(_) => Ok(moved),
        Err(WriteConflict::Store(e)) => Err(e.into()),
        Err(other) => Err(ApiError::stale(format!(
            "the credit file of {id} changed while it was recomputed: {other}"
        ))),
    }
}
