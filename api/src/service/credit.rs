//! Credit files: recomputing a customer's credit state with the shared engine, reading it,
//! the order credit check, and decisions by a person (limit, temporary limit, terms, hold).
//!
//! The server is authoritative: whatever the browser previewed, the answer here is computed
//! again from the stored ledger with `credence_shared::engine`.

use super::Ctx;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    store::{
        Store,
        credit::{
            CreditRecord, CreditState, CreditWrite, StoredEntry, SummaryUpdate, WriteConflict,
        },
    },
};
use credence_shared::watch::WatchFigures;
use credence_shared::workflow::Change;
use credence_shared::{
    CustomerId, Money, bounds,
    credit::{
        CreditCheckRequest, CreditCheckResponse, CreditDecision, CreditView, DecidedLimit,
        DecisionRequest, ExposureView, GroupCheck, GroupView, HistoryPoint, LedgerLine,
        TemporaryLimit,
    },
    engine::{
        Book, CreditFile, CustomerInfo, DocRef, Facts, LedgerEntry, LedgerError, OpenItems,
        OrderRequest, Policy, Profile, RecommendError, ScorecardModel, assess, check_order,
        metrics, recommend,
    },
};
use credence_shared::{dto::FieldError, messages::code};
use rust_decimal::Decimal;
use std::sync::Arc;
use time::Date;
use tracing::instrument;

/// The scorecard model and policy in force. Tenants share the shipped defaults until the
/// admin pages (workflow issue) store per-tenant versions.
#[derive(Clone)]
pub struct CreditEngine {
    pub model: Arc<ScorecardModel>,
    pub policy: Arc<Policy>,
    /// The tenant's engine version (0: the shipped defaults); a credit file records the one
    /// it was computed with, so a re-grade knows what is left.
    pub version: u32,
    /// The challenger scoring in shadow beside it, if one runs.
    pub challenger: Option<Arc<super::challenger::ChallengerEngine>>,
}

impl CreditEngine {
    pub fn defaults() -> Self {
        Self {
            model: Arc::new(credence_shared::engine::default_model()),
            policy: Arc::new(credence_shared::engine::default_policy()),
            version: 0,
            challenger: None,
        }
    }
}

/// Why a credit state could not be computed from a ledger.
#[derive(Debug, thiserror::Error)]
pub enum ComputeError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Recommend(#[from] RecommendError),
}

/// What the customer record tells the scorecard about the company.
pub fn profile_of(customer: &credence_shared::dto::CustomerSummary) -> Profile {
    match &customer.master {
        Some(master) => master.profile(),
        None => Profile {
            founded: customer.founded,
            ..Profile::default()
        },
    }
}

/// What the engine is told about a customer on `as_of` besides its ledger: the profile, the
/// evidence of that day, the blacklist, and the limit the last file had in force then. The
/// one place this is decided, so a recompute and the lab's sample see the same customer.
pub fn customer_info(
    profile: Profile,
    previous: Option<&CreditState>,
    evidence: &credence_shared::engine::Evidence,
    decision: &CreditDecision,
    as_of: Date,
) -> CustomerInfo {
    CustomerInfo {
        profile,
        signals: evidence.signals_on(as_of),
        financials: evidence.financials_on(as_of),
        blacklisted: decision.blacklisted,
        credit_limit: previous.map(|p| p.decision.effective_file(&p.recommendation, as_of).limit),
        ..CustomerInfo::default()
    }
}

/// Recomputes a customer's credit state from its whole ledger as of `as_of`.
/// `decision` (what people decided) is carried over untouched. `key` (the customer id) picks
/// whether the running challenger scores it in shadow too.
#[allow(clippy::too_many_arguments)]
pub fn compute_state(
    engine: &CreditEngine,
    key: &str,
    previous: Option<&CreditState>,
    currency: credence_shared::Currency,
    entries: &[LedgerEntry],
    profile: Profile,
    decision: CreditDecision,
    as_of: Date,
) -> Result<(CreditState, SummaryUpdate), ComputeError> {
    let book = Book::fold(currency, entries, as_of)?;
    let evidence = previous.map(|p| p.evidence.clone()).unwrap_or_default();
    let info = customer_info(profile, previous, &evidence, &decision, as_of);
    let facts = Facts::gather(&book, info, engine.policy.exposure());
    let assessment = assess(&facts, &engine.model);
    let recommendation = recommend(&assessment, &facts, &engine.policy)?;
    let shadow = super::challenger::shadow_of(engine, key, &facts);
    let state = CreditState {
        currency,
        computed_on: as_of,
        decision,
        recommendation,
        assessment,
        open_items: book.open_items(),
        days_to_pay: facts.behaviour.days_to_pay_recent,
        group: previous.and_then(|p| p.group.clone()),
        watch: WatchFigures::of(&facts.behaviour),
        last_invoiced: book.invoices.iter().map(|i| i.issued).max(),
        window_edge: credence_shared::engine::windows::next_window_edge(entries, as_of),
        engine_version: engine.version,
        evidence,
        shadow,
        orders_blocked: previous.map_or(0, |p| p.orders_blocked),
    };
    let summary = summary_of(&state, &facts, as_of);
    Ok((state, summary))
}

fn summary_of(state: &CreditState, facts: &Facts, as_of: Date) -> SummaryUpdate {
    let file = state.decision.effective_file(&state.recommendation, as_of);
    let b = &facts.behaviour;
    SummaryUpdate {
        grade: state.assessment.grade,
        credit_limit: file.limit,
        exposure: b.exposure,
        overdue: b.aging.overdue(),
        oldest_overdue_days: b.oldest_overdue_days,
        terms_days: u32::from(file.terms_days),
        on_hold: file.on_hold,
        blacklisted: file.blacklisted,
    }
}

/// The history point a change leaves, when score, grade or limit moved (or on the first).
/// The write of a file recomputed over `record` without new ledger entries (a decision, a
/// re-score): its new state and summary, with a history point when score, grade or limit
/// moved.
pub fn recomputed_write(
    record: &CreditRecord,
    next: CreditState,
    summary: SummaryUpdate,
    reason: &str,
) -> CreditWrite {
    CreditWrite {
        expected: CreditRecord::expected(Some(record)),
        history: history_point(Some(&record.state), &next, reason),
        state: next,
        summary,
        new_entries: Vec::new(),
        ledger: None,
        blocked: Vec::new(),
        group_delta: None,
        extra: Vec::new(),
        profile_owner: None,
    }
}

pub fn history_point(
    previous: Option<&CreditState>,
    next: &CreditState,
    reason: &str,
) -> Option<HistoryPoint> {
    let limit = next
        .decision
        .effective_file(&next.recommendation, next.computed_on)
        .limit;
    if let Some(p) = previous {
        let before = p
            .decision
            .effective_file(&p.recommendation, next.computed_on)
            .limit;
        if p.assessment.score == next.assessment.score
            && p.assessment.grade == next.assessment.grade
            && before == limit
        {
            return None;
        }
    }
    Some(HistoryPoint {
        date: next.computed_on,
        score: next.assessment.score,
        grade: next.assessment.grade,
        limit,
        days_to_pay: next.days_to_pay,
        reason: reason.to_owned(),
    })
}

/// The customer a path names, by the tenant's number or Credence's id (one maps to the
/// other); a customer that does not exist is then simply not found.
fn parse_id(raw: &str) -> Result<CustomerId, ApiError> {
    Ok(credence_shared::customer::customer_id_of(raw))
}

fn has_finance_rights(who: &Principal) -> bool {
    policy::allows(who, Action::SeeInvoiceDetail)
}

/// The file as the engine in force computes it: a file the re-grade after a publish has
/// not reached yet is recomputed (and stored, guarded) when it is read, so the card, the
/// check and the decisions never answer from an engine that is no longer in force.
async fn on_engine(
    ctx: &Ctx<'_>,
    engine: &CreditEngine,
    who: &Principal,
    id: &CustomerId,
    mut record: CreditRecord,
) -> Result<CreditRecord, ApiError> {
    for _ in 0..MAX_ATTEMPTS {
        if record.state.engine_version == engine.version {
            return Ok(record);
        }
        let reason = format!("engine version {}", engine.version);
        let Some(write) =
            super::rescore::recomputed(ctx, &who.tenant, id, &record, None, &reason).await?
        else {
            return Ok(record);
        };
        match ctx
            .store
            .write_credit(&who.tenant, id, &write, &ctx.clock.stamp())
            .await
        {
            Ok(version) => return Ok(write.into_record(version, record.entries)?),
            Err(WriteConflict::Store(e)) => return Err(e.into()),
            Err(_) => match ctx.store.get_credit(&who.tenant, id).await? {
                Some(again) => record = again,
                None => return Err(ApiError::NotFound),
            },
        }
    }
    Ok(record)
}

/// Reads the credit file; a customer without one yet gets it computed (and stored) now.
/// `engine` is the tenant's, resolved once by the caller for the whole use case.
pub async fn load_or_init(
    ctx: &Ctx<'_>,
    engine: &CreditEngine,
    who: &Principal,
    id: &CustomerId,
) -> Result<CreditRecord, ApiError> {
    let record = ctx.store.get_credit(&who.tenant, id).await?;
    current_or_init(ctx, engine, who, id, record, None).await
}

/// [`load_or_init`] on a file already read (`None`: the customer has none yet), with the
/// customer's profile when it was read with it.
async fn current_or_init(
    ctx: &Ctx<'_>,
    engine: &CreditEngine,
    who: &Principal,
    id: &CustomerId,
    record: Option<CreditRecord>,
    customer: Option<&credence_shared::dto::CustomerSummary>,
) -> Result<CreditRecord, ApiError> {
    let (store, clock) = (ctx.store, ctx.clock);
    if let Some(record) = record {
        return on_engine(ctx, engine, who, id, record).await;
    }
    let read;
    let customer = match customer {
        Some(customer) => customer,
        None => {
            read = store
                .get_customer(&who.tenant, id)
                .await?
                .ok_or(ApiError::NotFound)?;
            &read
        }
    };
    let entries: Vec<LedgerEntry> = store
        .get_ledger(&who.tenant, id)
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect();
    let currency = customer.credit_limit.currency;
    let (state, summary) = compute_state(
        engine,
        id.as_str(),
        None,
        currency,
        &entries,
        profile_of(customer),
        CreditDecision::default(),
        clock.today(),
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored ledger of {id}: {e}")))?;
    let write = CreditWrite {
        expected: Default::default(),
        history: history_point(None, &state, "first assessment"),
        state: state.clone(),
        summary,
        new_entries: Vec::new(),
        ledger: None,
        blocked: Vec::new(),
        group_delta: None,
        extra: Vec::new(),
        profile_owner: Some(customer.owner.clone()),
    };
    match store
        .write_credit(&who.tenant, id, &write, &clock.stamp())
        .await
    {
        Ok(version) => Ok(write.into_record(version, None)?),
        // Someone else initialised it first: theirs is as good.
        Err(WriteConflict::Version | WriteConflict::Duplicate | WriteConflict::Stale) => store
            .get_credit(&who.tenant, id)
            .await?
            .ok_or_else(|| ApiError::Unavailable("credit file is being created".into())),
        Err(WriteConflict::Store(e)) => Err(e.into()),
    }
}

fn exposure_view(
    state: &CreditState,
    file: &CreditFile,
    policy: &Policy,
    as_of: Date,
) -> ExposureView {
    let items = &state.open_items;
    let exposure = metrics::exposure(items, policy.exposure());
    let aging = metrics::aging(items, as_of.max(items.as_of));
    // Saturating: one limit stored before amounts were bounded must not break the card.
    let receivables = items
        .invoices
        .iter()
        .fold(Decimal::ZERO, |sum, i| sum.saturating_add(i.open.amount));
    let c = items.currency;
    ExposureView {
        limit: cents(file.limit),
        exposure: cents(exposure),
        available: cents(Money::new(
            file.limit.amount.saturating_sub(exposure.amount),
            c,
        )),
        open_receivables: cents(Money::new(receivables, c)),
        open_orders: cents(items.open_orders),
        shipped_not_invoiced: cents(items.shipped_not_invoiced),
        unapplied_credit: cents(items.unapplied_credit),
        overdue: cents(aging.overdue()),
        oldest_overdue_days: metrics::oldest_overdue_days(items, as_of.max(items.as_of)),
        aging: credence_shared::engine::Aging {
            current: cents(aging.current),
            days_1_30: cents(aging.days_1_30),
            days_31_60: cents(aging.days_31_60),
            days_61_90: cents(aging.days_61_90),
            days_over_90: cents(aging.days_over_90),
        },
    }
}

/// Money as shown: rounded to cents, always with two decimals ("0.00", not "0").
fn cents(m: Money) -> Money {
    let mut amount = m.amount.round_dp(2);
    amount.rescale(2);
    Money::new(amount, m.currency)
}

/// Open items with invoice numbers replaced, for roles without finance rights.
fn redacted(items: &OpenItems) -> OpenItems {
    let mut items = items.clone();
    for (n, invoice) in items.invoices.iter_mut().enumerate() {
        if let Ok(placeholder) = DocRef::parse(&format!("OPEN-{}", n + 1)) {
            invoice.invoice = placeholder;
        }
        invoice.order = None;
    }
    items
}

async fn group_view(
    store: &Store,
    who: &Principal,
    state: &CreditState,
) -> Result<Option<GroupView>, ApiError> {
    let Some(group) = &state.group else {
        return Ok(None);
    };
    Ok(store
        .get_group(&who.tenant, group)
        .await?
        .map(|g| GroupView {
            id: group.clone(),
            name: g.name,
            limit: g.limit,
            exposure: Money::new(g.exposure, g.limit.currency),
            available: Money::new(g.limit.amount.saturating_sub(g.exposure), g.limit.currency),
        }))
}

/// Ledger lines the credit file page carries, newest first (the ledger itself may be far
/// longer; the rest is for exports).
pub const LEDGER_LINES_SHOWN: usize = 1_000;

/// `GET /v1/customers/{id}/credit`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn view(ctx: &Ctx<'_>, who: &Principal, raw_id: &str) -> Result<CreditView, ApiError> {
    let engine = ctx.engine(&who.tenant).await?;
    view_with(ctx, &engine, who, raw_id).await
}

/// [`view`] with the engine already resolved (also the answer to a decision).
async fn view_with(
    ctx: &Ctx<'_>,
    engine: &CreditEngine,
    who: &Principal,
    raw_id: &str,
) -> Result<CreditView, ApiError> {
    let (store, clock) = (ctx.store, ctx.clock);
    policy::require(who, Action::ReadCustomers)?;
    let id = parse_id(raw_id)?;
    // The profile and the file in one read.
    let (customer, record) = super::customers::visible_file(ctx, who, &id, true).await?;
    let customer = customer.ok_or(ApiError::NotFound)?;
    let record = current_or_init(ctx, engine, who, &id, record, Some(&customer)).await?;
    let as_of = clock.today();
    let state = &record.state;
    let file = state.decision.effective_file(&state.recommendation, as_of);
    let finance = has_finance_rights(who);
    let (ledger, ledger_truncated) = if finance {
        let (entries, more) = store
            .get_ledger_latest(&who.tenant, &id, LEDGER_LINES_SHOWN)
            .await?;
        let lines = entries
            .into_iter()
            .map(|e| LedgerLine {
                date: e.entry.date,
                idempotency_key: e.idempotency_key,
                event: e.entry.event,
            })
            .collect();
        (Some(lines), more)
    } else {
        (None, false)
    };
    let mut open_items = if finance {
        state.open_items.clone()
    } else {
        redacted(&state.open_items)
    };
    open_items.as_of = open_items.as_of.max(as_of);
    // The route a request to the recommended limit would take: what the matrix says, not a
    // level of the policy's own (a rule always has a person).
    let change = Change::Limit {
        limit: state.recommendation.limit,
    };
    let kind = change.kind(Some(file.limit.amount));
    let matrix = super::tenant::matrix(store, &who.tenant).await?;
    let recommended_route = matrix
        .route(
            kind,
            change.amount().map(|m| m.amount),
            Some(state.assessment.grade),
        )
        .steps
        .iter()
        .map(|s| s.role)
        .collect();
    Ok(CreditView {
        exposure: exposure_view(state, &file, &engine.policy, as_of),
        group: group_view(store, who, state).await?,
        history: store.get_history(&who.tenant, &id).await?,
        customer,
        as_of,
        file,
        decision: state.decision.clone(),
        recommendation: state.recommendation.clone(),
        assessment: state.assessment.clone(),
        open_items,
        policy: (*engine.policy).clone(),
        ledger,
        ledger_truncated,
        version: record.version,
        recommended_route,
    })
}

/// Runs the order check against a stored credit state (also used when an order is posted).
pub fn check_against(
    engine: &CreditEngine,
    state: &CreditState,
    order: &OrderRequest,
    as_of: Date,
) -> Result<credence_shared::engine::CheckResult, ApiError> {
    let file = state.decision.effective_file(&state.recommendation, as_of);
    check_order(&file, &state.open_items, order, &engine.policy, as_of).map_err(|e| {
        use credence_shared::engine::CheckError;
        match e {
            CheckError::OrderAmount(_) => {
                ApiError::field("amount.amount", code::NUMBER_NOT_POSITIVE, e.to_string())
            }
            CheckError::Currency { expected, .. } => ApiError::from(
                FieldError::new("amount.currency", code::CURRENCY_ACCOUNT, e.to_string())
                    .with("currency", expected),
            ),
        }
    })
}

/// `POST /v1/customers/{id}/credit-check`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn check(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    request: CreditCheckRequest,
) -> Result<CreditCheckResponse, ApiError> {
    let engine = ctx.engine(&who.tenant).await?;
    policy::require(who, Action::CheckOrder)?;
    let id = parse_id(raw_id)?;
    // One read: the file, with the profile only when its owner decides (a sales rep).
    let (customer, record) = super::customers::visible_file(ctx, who, &id, false).await?;
    let order = OrderRequest::new(request.amount)
        .map_err(|e| ApiError::field("amount.amount", code::NUMBER_NOT_POSITIVE, e.to_string()))?;
    let record = current_or_init(ctx, &engine, who, &id, record, customer.as_ref()).await?;
    let mut result = check_against(&engine, &record.state, &order, ctx.clock.today())?;
    let group = check_group(ctx, who, &record.state, &order, &mut result).await?;
    Ok(CreditCheckResponse { result, group })
}

/// The group side of an order check: the group's shared limit against its members' exposure
/// with the order. Over the group limit blocks the order. Used by the credit-check endpoint
/// and by order events alike.
pub async fn check_group(
    ctx: &Ctx<'_>,
    who: &Principal,
    state: &CreditState,
    order: &OrderRequest,
    result: &mut credence_shared::engine::CheckResult,
) -> Result<Option<GroupCheck>, ApiError> {
    let Some(g) = group_view(ctx.store, who, state).await? else {
        return Ok(None);
    };
    let after = g.exposure.amount.saturating_add(order.amount().amount);
    let check = GroupCheck {
        over_limit: after > g.limit.amount,
        id: g.id,
        limit: g.limit,
        exposure_before: g.exposure,
        exposure_after: Money::new(after, g.limit.currency),
        available_after: Money::new(g.limit.amount.saturating_sub(after), g.limit.currency),
    };
    if check.over_limit {
        result.decision = credence_shared::engine::Decision::Block;
    }
    Ok(Some(check))
}

/// Most attempts at a guarded write before giving up with 503 (the client may retry).
pub const MAX_ATTEMPTS: u32 = 40;

/// Exponential backoff with jitter between guarded-write attempts.
pub async fn backoff(attempt: u32) {
    let cap = 2u64.saturating_pow(attempt.min(7)) * 5;
    let jitter = u64::from(rand::random::<u16>()) % cap.max(1);
    tokio::time::sleep(std::time::Duration::from_millis(cap / 2 + jitter)).await;
}

/// `PUT /v1/customers/{id}/credit-decision`: a person sets the limit, a temporary limit,
/// terms or the hold. Risk, approvers and admins only; guarded by the version the person saw.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn decide(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    request: DecisionRequest,
) -> Result<CreditView, ApiError> {
    let engine = &ctx.engine(&who.tenant).await?;
    let (store, clock) = (ctx.store, ctx.clock);
    let id = parse_id(raw_id)?;
    if !policy::allows(who, Action::DecideCredit) {
        // Hide existence from other tenants first, then refuse.
        store
            .get_customer(&who.tenant, &id)
            .await?
            .ok_or(ApiError::NotFound)?;
        return Err(ApiError::Forbidden);
    }
    let reason = FieldError::required_text(
        "reason",
        &request.reason,
        500,
        "give a reason of 1 to 500 characters",
    )?;
    let customer = super::customers::visible_customer(ctx, who, &id).await?;
    let record = load_or_init(ctx, engine, who, &id).await?;
    let state = &record.state;
    let currency = state.currency;
    let as_of = clock.today();
    let mut decision = state.decision.clone();
    let money_ok = |field: &str, m: &Money| -> Result<(), ApiError> {
        if m.currency != currency {
            return Err(ApiError::from(
                FieldError::new(
                    format!("{field}.currency"),
                    code::CURRENCY_ACCOUNT,
                    format!("limits are kept in the account currency {currency}"),
                )
                .with("currency", currency),
            ));
        }
        if m.amount.is_sign_negative() || m.amount.scale() > 2 {
            return Err(ApiError::from(
                FieldError::new(
                    format!("{field}.amount"),
                    code::NUMBER_DECIMALS,
                    "must be zero or more, with at most 2 decimals",
                )
                .with("max", 2),
            ));
        }
        bounds::check_amount(m.amount)
            .map_err(|e| ApiError::from(e.at(format!("{field}.amount"))))?;
        Ok(())
    };
    if let Some(limit) = &request.limit {
        money_ok("limit", limit)?;
        decision.limit = Some(DecidedLimit {
            amount: *limit,
            reason: reason.to_owned(),
            decided_by: who.username.clone(),
            decided_on: as_of,
            valid_until: None,
        });
        // A person decided the line: its next review follows the policy's cycle.
        decision.review_due = Some(engine.policy.next_review(state.recommendation.grade, as_of));
    }
    match (&request.temporary_limit, request.temporary_until) {
        (Some(limit), Some(until)) => {
            money_ok("temporary_limit", limit)?;
            if until < as_of {
                return Err(ApiError::field(
                    "temporary_until",
                    code::DATE_PAST,
                    "must be today or later",
                ));
            }
            if !bounds::DateWindow::temporary(as_of).contains(until) {
                return Err(ApiError::from(
                    FieldError::new(
                        "temporary_until",
                        code::DATE_TOO_FAR,
                        "at most one year ahead",
                    )
                    .with("days", bounds::TEMPORARY_DAYS_AHEAD),
                ));
            }
            decision.temporary = Some(TemporaryLimit {
                amount: *limit,
                expires: until,
                reason: reason.to_owned(),
                decided_by: who.username.clone(),
                decided_on: as_of,
            });
        }
        (Some(_), None) => {
            return Err(ApiError::field(
                "temporary_until",
                code::REQUIRED,
                "a temporary limit needs its last day",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::field(
                "temporary_limit",
                code::REQUIRED,
                "give the temporary limit for this date",
            ));
        }
        (None, None) => {}
    }
    if let Some(days) = request.terms_days {
        if days > 365 {
            return Err(ApiError::from(
                FieldError::new("terms_days", code::DAYS_TOO_MANY, "at most 365 days")
                    .with("max", 365),
            ));
        }
        decision.terms_days = Some(days);
    }
    if let Some(hold) = request.on_hold {
        decision.on_hold = hold;
    }
    // The approval matrix decides who may take each change alone; more than that is a
    // request, or an admin's audited override that tells risk and the approvers.
    let routed = super::gate::matrix_routes(ctx, who, state, &request, as_of).await?;
    let overriding = !routed.is_empty();
    super::gate::refuse_unless_admin(
        who,
        &routed,
        &format!("file a request (POST /v1/customers/{id}/requests)"),
    )?;
    // Checked last: what is wrong (422) or not the caller's to decide (403) whatever the
    // version, then whether the file changed since it was read (409).
    if record.version != request.version {
        return Err(ApiError::stale(format!(
            "the credit file changed (version {} now, you saw {}); reload and decide again",
            record.version, request.version
        )));
    }
    let entries: Vec<LedgerEntry> = store
        .get_ledger(&who.tenant, &id)
        .await?
        .into_iter()
        .map(|e: StoredEntry| e.entry)
        .collect();
    let (next, summary) = compute_state(
        engine,
        id.as_str(),
        Some(state),
        currency,
        &entries,
        profile_of(&customer),
        decision,
        as_of,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("stored ledger of {id}: {e}")))?;
    let entry = super::tenant::audit(
        who,
        clock,
        credence_shared::workflow::AuditEntity::CreditFile,
        id.as_str(),
        Some(&id),
        if overriding { "override" } else { "decide" },
        serde_json::to_value(&state.decision).ok(),
        serde_json::to_value(&next.decision).ok(),
        reason,
    );
    let mut extra = vec![store.audit_write(&who.tenant, &entry)?];
    if next.decision.review_due != state.decision.review_due {
        extra.push(store.review_write(&who.tenant, &id, next.decision.review_due)?);
    }
    if overriding {
        let (alert, expected) = super::gate::override_alert(
            ctx,
            who,
            super::gate::Overridden::CreditDecision,
            (&customer.id, &customer.name),
            &routed,
            reason,
        )
        .await?;
        let mut writes = store.watch_writes();
        writes.alert(&who.tenant, &alert, expected)?;
        extra.extend(writes.into_items());
    }
    let write = CreditWrite {
        expected: CreditRecord::expected(Some(&record)),
        history: history_point(Some(state), &next, reason),
        state: next,
        summary,
        new_entries: Vec::new(),
        ledger: None,
        blocked: Vec::new(),
        group_delta: None,
        extra,
        profile_owner: None,
    };
    match store
        .write_credit(&who.tenant, &id, &write, &clock.stamp())
        .await
    {
        Ok(_) => view_with(ctx, engine, who, raw_id).await,
        Err(WriteConflict::Version | WriteConflict::Duplicate | WriteConflict::Stale) => Err(
            ApiError::stale("the credit file changed while you decided; reload and decide again"),
        ),
        Err(WriteConflict::Store(e)) => Err(e.into()),
    }
}
