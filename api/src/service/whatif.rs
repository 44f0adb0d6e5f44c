//! The what-if before a model or policy is published (`POST
//! /v1/admin/engine-versions/preview`): each customer of a page recomputed as of today with
//! the engine in force and with the candidate, and its orders of the last
//! [`ORDER_DAYS`] days checked again under both as of their day. Nothing is written; the
//! browser sums the pages ([`EnginePreview::add`]).

use credence_shared::engine::{LedgerEntry, LedgerEvent, OrderRequest, check_order};
use credence_shared::lab;
use credence_shared::preview::{EnginePreview, EnginePreviewRequest, ORDER_DAYS, Outcome};
use credence_shared::workflow::EngineVersion;
use futures_util::StreamExt;
use time::{Date, Duration};

use super::Ctx;
use super::credit::{CreditEngine, compute_state, profile_of};
use super::regrade::{STEP, customer_page, files_of};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::store::credit::CreditRecord;

/// The swap set's history: bad when an invoice reached this many days past due…
const BAD_DPD_DAYS: u32 = 90;
/// …or was written off in this many months before today.
const BAD_MONTHS: u32 = 12;

/// `POST /v1/admin/engine-versions/preview`: the what-if of the next page of customers.
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
        has_report: false,
    })
    .map_err(ApiError::Validation)?;
    let tenant = &who.tenant;
    // The what-if compares two engines; a running challenger's shadow scores are not asked.
    let engine = CreditEngine {
        challenger: None,
        ..ctx.engine(tenant).await?
    };
    let page = customer_page(ctx, tenant, body.cursor.as_deref(), STEP).await?;
    let today = ctx.clock.today();
    let next_cursor = page.next_cursor;
    let mut preview = EnginePreview::default();
    let mut files = std::pin::pin!(files_of(ctx, tenant, page.items));
    while let Some((customer, file)) = files.next().await.transpose()? {
        let Some((record, entries)) = file else {
            continue;
        };
        count_customer(
            &mut preview,
            [&engine, &candidate],
            &customer,
            &record,
            &entries,
            today,
        )
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("ledger of {}: {e}", customer.id)))?;
    }
    preview.next_cursor = next_cursor;
    Ok(preview)
}

/// Counts one customer: today under both engines, then its recent orders.
fn count_customer(
    preview: &mut EnginePreview,
    [now, candidate]: [&CreditEngine; 2],
    customer: &credence_shared::dto::CustomerSummary,
    record: &CreditRecord,
    entries: &[LedgerEntry],
    today: Date,
) -> Result<(), super::credit::ComputeError> {
    let state = &record.state;
    let profile = profile_of(customer);
    let outcome = |engine: &CreditEngine| -> Result<Outcome, super::credit::ComputeError> {
        let (next, summary) = compute_state(
            engine,
            customer.id.as_str(),
            Some(state),
            state.currency,
            entries,
            profile.clone(),
            state.decision.clone(),
            today,
        )?;
        Ok(Outcome {
            grade: next.recommendation.grade,
            limit: next.recommendation.limit.amount,
            terms_days: next.recommendation.terms_days,
            pd: next.assessment.pd,
            exposure: summary.exposure,
        })
    };
    let book = credence_shared::engine::Book::fold(state.currency, entries, today)?;
    let was_bad = lab::sample::went_bad(&book, BAD_MONTHS, BAD_DPD_DAYS);
    preview.count(outcome(now)?, outcome(candidate)?, was_bad);

    let since = today
        .checked_sub(Duration::days(ORDER_DAYS))
        .unwrap_or(today);
    for (at, entry) in entries.iter().enumerate() {
        let LedgerEvent::OrderPlaced { amount, .. } = &entry.event else {
            continue;
        };
        if entry.date < since || entry.date > today {
            continue;
        }
        let Ok(order) = OrderRequest::new(*amount) else {
            continue;
        };
        // The ledger as it stood when the order came in.
        let before = &entries[..at];
        let blocked = |engine: &CreditEngine| -> Result<Option<bool>, super::credit::ComputeError> {
            let (then, _) = compute_state(
                engine,
                customer.id.as_str(),
                Some(state),
                state.currency,
                before,
                profile.clone(),
                state.decision.clone(),
                entry.date,
            )?;
            let file = then
                .decision
                .effective_file(&then.recommendation, entry.date);
            Ok(
                check_order(&file, &then.open_items, &order, &engine.policy, entry.date)
                    .ok()
                    .map(|r| r.decision == credence_shared::engine::Decision::Block),
            )
        };
        // An order the check cannot judge (another currency) is not counted.
        if let (Some(by_now), Some(by_candidate)) = (blocked(now)?, blocked(candidate)?) {
            preview.orders.count(*amount, by_now, by_candidate);
        }
    }
    Ok(())
}
