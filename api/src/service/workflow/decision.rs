//! A changed decision written to the credit file: the file recomputed with the engine and
//! written guarded by the version read, with the workflow writes in the same transaction.

use super::{Ctx, to_value};
use crate::{
    auth::Principal,
    error::ApiError,
    service::{
        credit::{CreditEngine, compute_state, profile_of},
        tenant::audit,
    },
    store::{
        StoreError,
        credit::{CreditRecord, WriteConflict},
        workflow::WorkflowWrite,
    },
};
use credence_shared::{
    CustomerId, credit::CreditDecision, dto::CustomerSummary, engine::LedgerEntry,
    workflow::AuditEntity,
};

/// Writes a changed decision (an automatic action) with its audit entry, guarded by the
/// credit file's version: a concurrent change is a conflict the caller retries.
pub(crate) async fn apply_decision(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    record: &CreditRecord,
    decision: CreditDecision,
    reason: &str,
) -> Result<(), ApiError> {
    let customer = ctx
        .store
        .get_customer(&who.tenant, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let engine = ctx.engines.get(ctx.store, &who.tenant).await?;
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::CreditFile,
        id.as_str(),
        Some(id),
        "automatic-action",
        to_value(&record.state.decision),
        to_value(&decision),
        reason,
    );
    let extra = vec![WorkflowWrite::Audit(entry)];
    recompute_and_write(
        ctx, who, &engine, &customer, record, decision, reason, extra,
    )
    .await
    .map_err(|e| match e {
        WriteConflict::Store(e) => e.into(),
        other => ApiError::stale(other.to_string()),
    })
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn recompute_and_write(
    ctx: &Ctx<'_>,
    who: &Principal,
    engine: &CreditEngine,
    customer: &CustomerSummary,
    record: &CreditRecord,
    mut decision: CreditDecision,
    reason: &str,
    mut extra: Vec<WorkflowWrite>,
) -> Result<(), WriteConflict> {
    let state = &record.state;
    let today = ctx.clock.today();
    decision.ensure_review(&engine.policy, state.recommendation.grade, today);
    if decision.review_due != state.decision.review_due {
        extra.push(WorkflowWrite::ReviewDue {
            customer: customer.id.clone(),
            due: decision.review_due,
        });
    }
    let ledger: Vec<LedgerEntry> = ctx
        .store
        .get_ledger(&who.tenant, &customer.id)
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect();
    let (next, summary) = compute_state(
        engine,
        customer.id.as_str(),
        Some(state),
        state.currency,
        &ledger,
        profile_of(customer),
        decision,
        today,
    )
    .map_err(|e| StoreError::Corrupt(format!("stored ledger of {}: {e}", customer.id)))?;
    let write = crate::service::credit::recomputed_write(record, next, summary, reason);
    ctx.store
        .write_credit_with(&who.tenant, &customer.id, write, extra, &ctx.clock.stamp())
        .await
        .map(|_| ())
}
