//! The scoring lab's server half: the development sample, built page by page from every
//! customer's ledger as of a past observation date, and a fit of a sample.
//!
//! The sample is read like the engine preview (a page of customers per call, the browser
//! gathers the pages), because reading every ledger of a large tenant does not fit in one
//! API request. Each customer's figures are the engine's own `Facts` folded as of the
//! observation date, its outcome is read from the ledger folded to the end of the window
//! (or from the outcomes the tenant imported, when the sample asks for them),
//! and the champion's score is the model in force on the same facts. Fitting is pure
//! (`credence_shared::lab`) and runs here for API callers; nothing is published — a fitted
//! model goes live through `POST /v1/admin/engine-versions` like any other.

use credence_shared::engine::calendar::months_after;
use credence_shared::engine::{Book, Facts, LedgerEntry, Metric, assess};
use credence_shared::lab::{
    self, FitRequest, FitResponse, ImportedOutcome, LabError, Observation, OutcomeSource,
    SamplePage, SampleRequest, SampleRow,
};
use credence_shared::messages::code;

use futures_util::StreamExt;

use super::Ctx;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;

/// Customers one sample page reads.
pub const PAGE: u32 = 200;

/// The most observations one fit takes (well over the 30,000-customer target).
pub const MAX_OBSERVATIONS: usize = 200_000;

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::field(field, code::INVALID_VALUE, message)
}

fn check(request: &SampleRequest, today: time::Date) -> Result<(), ApiError> {
    if !(1..=36).contains(&request.outcome_months) {
        return Err(invalid("outcome_months", "from 1 to 36 months"));
    }
    if !(1..=3650).contains(&request.bad_dpd_days) {
        return Err(invalid("bad_dpd_days", "from 1 to 3650 days"));
    }
    if request.validation_percent > 90 {
        return Err(invalid("validation_percent", "at most 90 percent"));
    }
    let window_end = months_after(request.observation_date, u32::from(request.outcome_months));
    if window_end > today {
        return Err(invalid(
            "observation_date",
            format!(
                "the outcome window must have ended: observe on or before {} for a {}-month window",
                credence_shared::engine::calendar::months_before(
                    today,
                    u32::from(request.outcome_months)
                ),
                request.outcome_months
            ),
        ));
    }
    if let Some(tag) = &request.tag
        && (tag.trim().is_empty() || tag.chars().count() > 100)
    {
        return Err(invalid("tag", "a tag of 1 to 100 characters, or none"));
    }
    if let Some(run) = &request.import_run
        && !credence_shared::import::batch::valid_run_id(run)
    {
        return Err(invalid(
            "import_run",
            "an import's id (1 to 64 of A-Z a-z 0-9 - _), or none",
        ));
    }
    if request.observation_date < credence_shared::bounds::EARLIEST {
        return Err(invalid("observation_date", "too far in the past"));
    }
    Ok(())
}

/// `POST /v1/lab/sample`: the next page of the development sample.
pub async fn sample(
    ctx: &Ctx<'_>,
    who: &Principal,
    request: SampleRequest,
) -> Result<SamplePage, ApiError> {
    policy::require(who, Action::UseScoringLab)?;
    check(&request, ctx.clock.today())?;
    let tenant = &who.tenant;
    let engine = ctx.engine(tenant).await?;
    let candidates = lab::candidates_of(&engine.model);
    let page = super::regrade::customer_page(ctx, tenant, request.cursor.as_deref(), PAGE).await?;
    let observed_on = request.observation_date;
    let window_end = months_after(observed_on, u32::from(request.outcome_months));
    let mut out = SamplePage {
        characteristics: candidates.iter().map(|c| c.code.to_string()).collect(),
        ..SamplePage::default()
    };
    let next_cursor = page.next_cursor;
    let tag = request.tag.as_deref().map(str::trim);
    let run = request.import_run.as_deref();
    let restricted = |c: &credence_shared::dto::CustomerSummary| {
        let master = c.master.as_ref();
        tag.is_none_or(|t| master.is_some_and(|m| m.tags.iter().any(|x| x == t)))
            && run.is_none_or(|r| master.is_some_and(|m| m.origin.as_deref() == Some(r)))
    };
    let (inside, outside): (Vec<_>, Vec<_>) = page.items.into_iter().partition(restricted);
    out.other_tags = u32::try_from(outside.len()).unwrap_or(u32::MAX);
    let mut files = std::pin::pin!(super::regrade::files_of(ctx, tenant, inside));
    while let Some((customer, file)) = files.next().await.transpose()? {
        let Some((record, entries)) = file else {
            out.excluded += 1;
            continue;
        };
        let window = Window {
            observed_on,
            end: window_end,
            months: u32::from(request.outcome_months),
            bad_dpd_days: u32::from(request.bad_dpd_days),
        };
        let seen = (&customer, &record.state, entries.as_slice());
        let observed =
            observe_by(ctx, tenant, &engine, seen, &window, request.outcome_source).await?;
        let (facts, bad) = match observed {
            Observed::TooNew => {
                out.excluded += 1;
                continue;
            }
            Observed::AlreadyBad => {
                out.already_bad += 1;
                continue;
            }
            Observed::Seen { facts, bad } => (facts, bad),
        };
        let mut observation = Observation::from_facts(&facts, &candidates, bad);
        observation.validation =
            lab::in_validation(&customer.number, request.seed, request.validation_percent);
        observation.champion_score = Some(assess(&facts, &engine.model).score);
        out.rows.push(SampleRow {
            customer: customer.number.clone(),
            observation,
        });
    }
    out.next_cursor = next_cursor;
    Ok(out)
}

/// The days a customer is observed on and judged over.
pub(super) struct Window {
    pub observed_on: time::Date,
    pub end: time::Date,
    pub months: u32,
    pub bad_dpd_days: u32,
}

/// A customer as it was on the observation day, and how it did until the window's end.
pub(super) enum Observed {
    /// Not invoiced by the observation day: nothing to learn from.
    TooNew,
    /// Already as far past due as bad is on the observation day.
    AlreadyBad,
    Seen {
        facts: Box<Facts>,
        bad: bool,
    },
}

/// [`observe`], judged by `source`: the ledger, or the customer's imported outcomes (read
/// here).
pub(super) async fn observe_by(
    ctx: &Ctx<'_>,
    tenant: &credence_shared::TenantId,
    engine: &super::credit::CreditEngine,
    (customer, state, entries): (
        &credence_shared::dto::CustomerSummary,
        &crate::store::credit::CreditState,
        &[LedgerEntry],
    ),
    window: &Window,
    source: OutcomeSource,
) -> Result<Observed, ApiError> {
    let imported = match source {
        OutcomeSource::Ledger => None,
        OutcomeSource::Imported => Some(ctx.store.outcomes(tenant, &customer.id).await?),
    };
    observe(
        engine,
        customer,
        state,
        entries,
        window,
        imported.as_deref(),
    )
}

/// Observes one customer: the engine's facts folded as of the observation day (today's
/// decision and limit stand for that day's: past decisions are in the audit trail, not on
/// the file), and its outcome from the ledger folded to the window's end — or, when
/// `imported` outcomes are given, from them: bad when one is dated in the window.
fn observe(
    engine: &super::credit::CreditEngine,
    customer: &credence_shared::dto::CustomerSummary,
    state: &crate::store::credit::CreditState,
    entries: &[LedgerEntry],
    window: &Window,
    imported: Option<&[ImportedOutcome]>,
) -> Result<Observed, ApiError> {
    let fold = |day| {
        Book::fold(state.currency, entries, day)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("ledger of {}: {e}", customer.id)))
    };
    let then = fold(window.observed_on)?;
    let info = super::credit::customer_info(
        super::credit::profile_of(customer),
        Some(state),
        &state.evidence,
        &state.decision,
        window.observed_on,
    );
    let facts = Facts::gather(&then, info, engine.policy.exposure());
    if facts.value(Metric::TenureMonths).is_none() {
        return Ok(Observed::TooNew);
    }
    if let Some(outcomes) = imported {
        if ImportedOutcome::bad_by(outcomes, window.observed_on) {
            return Ok(Observed::AlreadyBad);
        }
        let bad = ImportedOutcome::bad_between(outcomes, window.observed_on, window.end);
        return Ok(Observed::Seen {
            facts: Box::new(facts),
            bad,
        });
    }
    let overdue_then = facts.value(Metric::OldestOverdueDays).unwrap_or_default();
    if overdue_then >= rust_decimal::Decimal::from(window.bad_dpd_days) {
        return Ok(Observed::AlreadyBad);
    }
    let bad = lab::sample::went_bad(&fold(window.end)?, window.months, window.bad_dpd_days);
    Ok(Observed::Seen {
        facts: Box::new(facts),
        bad,
    })
}

fn lab_error(e: LabError) -> ApiError {
    invalid(e.field(), e.to_string())
}

/// `POST /v1/lab/fits`: fits a scorecard to a sample. The model is named after the model in
/// force with the next version number; nothing is stored.
pub async fn fit(
    ctx: &Ctx<'_>,
    who: &Principal,
    request: FitRequest,
) -> Result<FitResponse, ApiError> {
    policy::require(who, Action::UseScoringLab)?;
    if request.observations.len() > MAX_OBSERVATIONS {
        return Err(invalid(
            "observations",
            format!("at most {MAX_OBSERVATIONS} customers in one fit"),
        ));
    }
    let engine = ctx.engine(&who.tenant).await?;
    let candidates = lab::candidates_of(&engine.model);
    let codes: Vec<&str> = candidates.iter().map(|c| &*c.code).collect();
    if request
        .characteristics
        .iter()
        .map(String::as_str)
        .ne(codes.iter().copied())
    {
        return Err(invalid(
            "characteristics",
            format!(
                "the sample was built for other characteristics than the model in force's ({}); build it again",
                codes.join(", ")
            ),
        ));
    }
    if let Some(at) = request
        .observations
        .iter()
        .position(|o| o.values.len() != candidates.len())
    {
        return Err(invalid(
            &format!("observations[{at}].values"),
            format!(
                "{} values expected, one per characteristic",
                candidates.len()
            ),
        ));
    }
    let version = engine.model.version().saturating_add(1);
    let fitted = lab::fit(
        &engine.model,
        &candidates,
        &request.observations,
        &request.options,
        engine.model.id().clone(),
        version,
    )
    .map_err(lab_error)?;
    Ok(FitResponse {
        model: fitted.model,
        report: fitted.report,
    })
}
