//! The what-if before a model or policy is published (`POST
//! /v1/admin/engine-versions/preview`): each customer of a page recomputed as of today with
//! the engine in force and with the candidate, and its orders of the last
//! [`ORDER_DAYS`] days checked again under both as of their day. Nothing is written; the
//! browser sums the pages ([`EnginePreview::add`]).

use credence_shared::engine::{
    Book, CreditFile, Facts, LedgerEntry, LedgerEvent, OrderRequest, Profile, assess, check_order,
    recommend,
};
use credence_shared::lab;
use credence_shared::preview::{EnginePreview, EnginePreviewRequest, ORDER_DAYS, Outcome};
use credence_shared::workflow::EngineVersion;
use futures_util::StreamExt;
use time::{Date, Duration};

use super::Ctx;
use super::credit::{CreditEngine, customer_info, profile_of};
use super::regrade::{STEP, customer_page, files_of};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::store::credit::{CreditRecord, CreditState};

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

/// A customer's file as of a day under both engines: its book is folded once and its facts
/// gathered once (twice only when the engines count exposure differently); only the
/// scorecard and the policy run per engine.
struct Judged {
    outcomes: [Outcome; 2],
    files: [CreditFile; 2],
}

fn judge(
    engines: [&CreditEngine; 2],
    state: &CreditState,
    profile: &Profile,
    book: &Book,
    as_of: Date,
) -> Result<Judged, super::credit::ComputeError> {
    let info = customer_info(
        profile.clone(),
        Some(state),
        &state.evidence,
        &state.decision,
        as_of,
    );
    let first = Facts::gather(book, info.clone(), engines[0].policy.exposure());
    let second = (engines[1].policy.exposure() != engines[0].policy.exposure())
        .then(|| Facts::gather(book, info, engines[1].policy.exposure()));
    let facts = [&first, second.as_ref().unwrap_or(&first)];
    let one = |n: usize| -> Result<(Outcome, CreditFile), super::credit::ComputeError> {
        let engine = engines[n];
        let assessment = assess(facts[n], &engine.model);
        let recommendation = recommend(&assessment, facts[n], &engine.policy)?;
        let file = state.decision.effective_file(&recommendation, as_of);
        let outcome = Outcome {
            grade: recommendation.grade,
            limit: recommendation.limit.amount,
            terms_days: recommendation.terms_days,
            pd: assessment.pd,
            exposure: facts[n].behaviour.exposure,
        };
        Ok((outcome, file))
    };
    let ((now, now_file), (candidate, candidate_file)) = (one(0)?, one(1)?);
    Ok(Judged {
        outcomes: [now, candidate],
        files: [now_file, candidate_file],
    })
}

/// Counts one customer: today under both engines, then its recent orders.
fn count_customer(
    preview: &mut EnginePreview,
    engines: [&CreditEngine; 2],
    customer: &credence_shared::dto::CustomerSummary,
    record: &CreditRecord,
    entries: &[LedgerEntry],
    today: Date,
) -> Result<(), super::credit::ComputeError> {
    let state = &record.state;
    let profile = profile_of(customer);
    let book = Book::fold(state.currency, entries, today)?;
    let was_bad = lab::sample::went_bad(&book, BAD_MONTHS, BAD_DPD_DAYS);
    let [now, candidate] = judge(engines, state, &profile, &book, today)?.outcomes;
    preview.count(now, candidate, was_bad);

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
        let then = Book::fold(state.currency, &entries[..at], entry.date)?;
        let files = judge(engines, state, &profile, &then, entry.date)?.files;
        let open_items = then.open_items();
        let blocked = |n: usize| {
            check_order(
                &files[n],
                &open_items,
                &order,
                &engines[n].policy,
                entry.date,
            )
            .ok()
            .map(|r| r.decision == credence_shared::engine::Decision::Block)
        };
        // An order the check cannot judge (another currency) is not counted.
        if let (Some(by_now), Some(by_candidate)) = (blocked(0), blocked(1)) {
            preview.orders.count(*amount, by_now, by_candidate);
        }
    }
    Ok(())
}
