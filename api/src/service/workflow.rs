//! Credit requests through the approval matrix, the inbox, the blacklist, onboarding
//! applications and the audit trail.
//!
//! The state machine is `credence_shared::workflow`; this module loads, authorises, and
//! writes. A request's every change is one transaction guarded by the request's version, so
//! of two people acting on the same step exactly one wins. The final approval writes the
//! request, the audit entries and the credit file in one transaction guarded by both versions;
//! if the credit file changed since the request was filed it is re-checked first (routed
//! again by the matrix, or returned when it can no longer apply) rather than applied blindly.

use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    clock::Clock,
    error::ApiError,
    service::{
        config::{self, Engines, audit},
        credit::{self, CreditEngine, backoff, compute_state, history_point, profile_of},
        customers::visible_customer,
    },
    store::{
        Store, StoreError,
        credit::{CreditRecord, CreditWrite, WriteConflict},
        customers::CustomerRecord,
    },
};
use credence_shared::{
    CustomerId, Money, Usci,
    credit::{CreditDecision, DecidedLimit, TemporaryLimit},
    dto::{CustomerSummary, FieldError},
    engine::{LedgerEntry, Scenario, evaluate},
    search,
    workflow::{
        ActOutcome, Actor, Application, ApplicationCreated, AuditEntity, AuditPage, BlacklistAdd,
        BlacklistEntry, Change, CreditRequest, Evidence, FieldSet, Inbox, InboxCounts, NewRequest,
        RequestDetail, RequestKind, RequestStatus, RequestSummary, ResubmitRequest, ReviewRequest,
        ScreenRequest, ScreenResult, WorkflowError, validate_justification,
    },
};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// What the workflow services need from the application state.
pub struct Env<'a> {
    pub store: &'a Store,
    pub engines: &'a Engines,
    pub clock: &'a Clock,
}

fn parse_customer(raw: &str) -> Result<CustomerId, ApiError> {
    CustomerId::parse(raw).map_err(|_| ApiError::NotFound)
}

fn valid_rid(rid: &str) -> bool {
    !rid.is_empty() && rid.len() <= 40 && rid.bytes().all(|b| b.is_ascii_alphanumeric())
}

fn new_request_id(now: OffsetDateTime) -> String {
    format!(
        "R{:04}{:02}{:02}{:02}{:02}{:02}{:04x}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        rand::random::<u16>()
    )
}

fn validation(errors: Vec<FieldError>) -> ApiError {
    ApiError::Validation(errors)
}

fn workflow_error(e: WorkflowError) -> ApiError {
    match e {
        WorkflowError::NoteRequired => ApiError::field("note", e.to_string()),
        WorkflowError::NotPending(_) | WorkflowError::NotReturned | WorkflowError::Closed => {
            ApiError::Conflict(e.to_string())
        }
        WorkflowError::NotYourStep(_)
        | WorkflowError::OwnRequest
        | WorkflowError::AlreadyApproved
        | WorkflowError::NotRequester => ApiError::Forbidden,
    }
}

fn actor(who: &Principal) -> Actor<'_> {
    Actor {
        username: &who.username,
        roles: &who.roles,
    }
}

fn to_value<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

/// The evidence a reviewer needs, from the credit file and the customer's summary.
fn evidence_of(record: &CreditRecord, customer: &CustomerSummary, as_of: time::Date) -> Evidence {
    let state = &record.state;
    let file = state.decision.effective_file(&state.recommendation, as_of);
    Evidence {
        credit_version: record.version,
        grade: Some(state.assessment.grade),
        score: Some(state.assessment.score),
        reasons: state.assessment.reasons.iter().take(6).cloned().collect(),
        limit: file.limit,
        exposure: customer.exposure,
        overdue: customer.overdue,
        oldest_overdue_days: customer.oldest_overdue_days,
        terms_days: u32::from(file.terms_days),
        on_hold: state.decision.on_hold,
        blacklisted: state.decision.blacklisted,
        recommended_limit: state.recommendation.limit,
        order_amount: None,
    }
}

/// Checks a change against the credit file it would apply to.
fn check_applicable(change: &Change, record: &CreditRecord) -> Result<(), ApiError> {
    let state = &record.state;
    let currency = state.currency;
    if let Some(m) = change.amount()
        && m.currency != currency
    {
        return Err(ApiError::field(
            "change.limit.currency",
            format!("limits are kept in the account currency {currency}"),
        ));
    }
    match change {
        Change::HoldRelease if !state.decision.on_hold => Err(ApiError::field(
            "change.type",
            "the customer is not on hold",
        )),
        Change::BlacklistAdd { .. } if state.decision.blacklisted => Err(ApiError::field(
            "change.type",
            "the customer is already on the blacklist",
        )),
        Change::BlacklistRemove if !state.decision.blacklisted => Err(ApiError::field(
            "change.type",
            "the customer is not on the blacklist",
        )),
        Change::NewCreditLine { .. } => Err(ApiError::field(
            "change.type",
            "a new credit line is requested with a credit application",
        )),
        _ => Ok(()),
    }
}

/// Whether a change gives the customer more room to buy on credit.
fn grants_credit(change: &Change) -> bool {
    matches!(
        change,
        Change::NewCreditLine { .. }
            | Change::Limit { .. }
            | Change::TemporaryLimit { .. }
            | Change::HoldRelease
            | Change::BlockedOrderRelease { .. }
    )
}

async fn load_credit(
    env: &Env<'_>,
    who: &Principal,
    id: &CustomerId,
) -> Result<(CreditEngine, CreditRecord), ApiError> {
    let engine = env.engines.get(env.store, &who.tenant).await?;
    let record = credit::load_or_init(env.store, &engine, env.clock, who, id).await?;
    Ok((engine, record))
}

/// Fills in what the server knows for a blocked-order request (the order's amount).
async fn order_evidence(
    env: &Env<'_>,
    who: &Principal,
    id: &CustomerId,
    change: &Change,
    evidence: &mut Evidence,
) -> Result<(), ApiError> {
    if let Change::BlockedOrderRelease { order_key } | Change::BlockedOrderReject { order_key } =
        change
    {
        let order = env
            .store
            .get_blocked_order(&who.tenant, id, order_key)
            .await?
            .ok_or_else(|| {
                ApiError::field(
                    "change.order_key",
                    "no such order waiting in the blocked queue",
                )
            })?;
        evidence.order_amount = Some(order.amount);
    }
    Ok(())
}

fn route_amount(change: &Change, evidence: &Evidence) -> Option<rust_decimal::Decimal> {
    change
        .amount()
        .or(evidence.order_amount)
        .map(|m: Money| m.amount)
}

// ----- filing ------------------------------------------------------------------------------

/// `POST /v1/customers/{id}/requests`.
pub async fn file(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewRequest,
) -> Result<CreditRequest, ApiError> {
    let id = parse_customer(raw_id)?;
    let customer = visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::FileRequest)?;
    let now = env.clock.now();
    body.change.validate(now.date()).map_err(validation)?;
    validate_justification("justification", &body.justification).map_err(validation)?;
    let (_, record) = load_credit(env, who, &id).await?;
    check_applicable(&body.change, &record)?;
    let open = env.store.customer_requests(&who.tenant, &id).await?;
    let current_limit = record
        .state
        .decision
        .effective_file(&record.state.recommendation, now.date())
        .limit
        .amount;
    let kind = body.change.kind(Some(current_limit));
    if record.state.decision.blacklisted
        && grants_credit(&body.change)
        && kind != RequestKind::LimitDecrease
    {
        return Err(ApiError::field(
            "change.type",
            "the customer is on the blacklist: no more credit until their removal is approved",
        ));
    }
    if let Some(same) = open
        .iter()
        .find(|r| r.status.is_open() && r.kind == kind && r.change == body.change)
    {
        return Err(ApiError::Conflict(format!(
            "the same request {} is already open",
            same.id
        )));
    }
    let mut evidence = evidence_of(&record, &customer, now.date());
    order_evidence(env, who, &id, &body.change, &mut evidence).await?;
    let matrix = config::matrix(env.store, &who.tenant).await?;
    let rule = matrix.route(kind, route_amount(&body.change, &evidence), evidence.grade);
    let request = CreditRequest::new(
        new_request_id(now),
        id.clone(),
        customer.name.clone(),
        body.change,
        kind,
        body.justification.trim().to_owned(),
        &who.username,
        rule,
        matrix.version,
        evidence,
        now,
    );
    let entry = audit(
        who,
        env.clock,
        AuditEntity::Request,
        &request.id,
        Some(&id),
        "submit",
        None,
        to_value(&request.change),
        &request.justification,
    );
    env.store
        .transact(vec![
            env.store.request_write(&who.tenant, &request, None)?,
            env.store.audit_write(&who.tenant, &entry)?,
        ])
        .await?;
    Ok(request)
}

// ----- reading -----------------------------------------------------------------------------

async fn load_request(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    rid: &str,
) -> Result<(CustomerSummary, CreditRequest), ApiError> {
    let id = parse_customer(raw_id)?;
    if !valid_rid(rid) {
        return Err(ApiError::NotFound);
    }
    let customer = visible_customer(env.store, who, &id).await?;
    let request = env
        .store
        .get_request(&who.tenant, &id, rid)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((customer, request))
}

/// `GET /v1/customers/{id}/requests/{rid}`. Opening their own request marks it seen.
pub async fn detail(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    rid: &str,
) -> Result<RequestDetail, ApiError> {
    let (customer, request) = load_request(env, who, raw_id, rid).await?;
    if request.requester == who.username && request.moved_for_requester() {
        env.store.mark_request_seen(&who.tenant, &request).await?;
    }
    build_detail(env, who, &customer, request).await
}

async fn build_detail(
    env: &Env<'_>,
    who: &Principal,
    customer: &CustomerSummary,
    request: CreditRequest,
) -> Result<RequestDetail, ApiError> {
    let (_, record) = load_credit(env, who, &customer.id).await?;
    let now = env.clock.now();
    let mut current = evidence_of(&record, customer, now.date());
    current.order_amount = request.evidence.order_amount;
    let mine = request.requester == who.username;
    Ok(RequestDetail {
        changed_since_filed: record.version != request.evidence.credit_version,
        can_review: policy::allows(who, Action::ReviewRequests)
            && request.can_decide(&actor(who)).is_ok(),
        can_resubmit: mine && request.status == RequestStatus::Returned,
        can_withdraw: mine && request.status.is_open(),
        overdue_steps: request
            .steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.overdue(now))
            .map(|(i, _)| i)
            .collect(),
        current,
        request,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<RequestSummary>,
}

/// `GET /v1/customers/{id}/requests`: newest first.
pub async fn customer_requests(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<RequestList, ApiError> {
    let id = parse_customer(raw_id)?;
    visible_customer(env.store, who, &id).await?;
    let now = env.clock.now();
    let mut items: Vec<RequestSummary> = env
        .store
        .customer_requests(&who.tenant, &id)
        .await?
        .iter()
        .map(|r| r.summary(now))
        .collect();
    items.reverse();
    Ok(RequestList { items })
}

/// `GET /v1/requests`: open requests the caller may see (a sales rep: their own).
pub async fn open_requests(env: &Env<'_>, who: &Principal) -> Result<RequestList, ApiError> {
    policy::require(who, Action::FileRequest)?;
    let now = env.clock.now();
    let all_visible = policy::may_see_customer(who, None);
    let items = env
        .store
        .open_requests(&who.tenant)
        .await?
        .iter()
        .filter(|r| all_visible || r.requester == who.username)
        .map(|r| r.summary(now))
        .collect();
    Ok(RequestList { items })
}

/// Requests of mine closed recently enough to show in the inbox.
const RECENTLY_CLOSED: usize = 200;

/// `GET /v1/inbox`.
pub async fn inbox(env: &Env<'_>, who: &Principal) -> Result<Inbox, ApiError> {
    let now = env.clock.now();
    let open = env.store.open_requests(&who.tenant).await?;
    let me = actor(who);
    let reviewer = policy::allows(who, Action::ReviewRequests);
    let waiting: Vec<RequestSummary> = open
        .iter()
        .filter(|r| reviewer && r.can_decide(&me).is_ok())
        .map(|r| r.summary(now))
        .collect();
    let returned: Vec<RequestSummary> = open
        .iter()
        .filter(|r| r.requester == who.username && r.status == RequestStatus::Returned)
        .map(|r| r.summary(now))
        .collect();
    let mut mine: Vec<RequestSummary> = open
        .iter()
        .filter(|r| r.requester == who.username)
        .map(|r| r.summary(now))
        .collect();
    mine.extend(
        env.store
            .closed_requests(&who.tenant, RECENTLY_CLOSED)
            .await?
            .iter()
            .filter(|r| r.requester == who.username)
            .map(|r| r.summary(now)),
    );
    mine.sort_by_key(|r| std::cmp::Reverse(r.updated_at));
    mine.truncate(50);
    let counts = InboxCounts {
        waiting: waiting.len() as u32,
        overdue: waiting.iter().filter(|r| r.overdue).count() as u32,
        returned: returned.len() as u32,
        moved: mine
            .iter()
            .filter(|r| r.moved && r.status != RequestStatus::Returned)
            .count() as u32,
    };
    Ok(Inbox {
        waiting,
        returned,
        mine,
        counts,
    })
}

// ----- acting ------------------------------------------------------------------------------

/// `POST /v1/customers/{id}/requests/{rid}/review`.
pub async fn review(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    rid: &str,
    body: ReviewRequest,
) -> Result<RequestDetail, ApiError> {
    policy::require(who, Action::ReviewRequests)?;
    if body.note.chars().count() > 2000 {
        return Err(ApiError::field("note", "at most 2000 characters"));
    }
    for attempt in 0..credit::MAX_ATTEMPTS {
        let (customer, mut request) = load_request(env, who, raw_id, rid).await?;
        if request.version != body.version {
            return Err(ApiError::Conflict(format!(
                "someone acted on this request meanwhile (version {} now, you saw {}); reload",
                request.version, body.version
            )));
        }
        let seen = request.version;
        let now = env.clock.now();
        let outcome = request
            .act(&actor(who), body.action, &body.note, now)
            .map_err(workflow_error)?;
        let step_entry = audit(
            who,
            env.clock,
            AuditEntity::Request,
            &request.id,
            Some(&customer.id),
            match body.action {
                credence_shared::workflow::ReviewAction::Approve => "approve",
                credence_shared::workflow::ReviewAction::Reject => "reject",
                credence_shared::workflow::ReviewAction::Return => "return",
            },
            None,
            to_value(&request.status),
            body.note.trim(),
        );
        if outcome != ActOutcome::FinalApproval {
            write_request(env, who, &request, seen, vec![step_entry]).await?;
            return build_detail(env, who, &customer, request).await;
        }
        match apply(env, who, &customer, &mut request, seen, step_entry).await {
            Ok(()) => return build_detail(env, who, &customer, request).await,
            Err(ApiErrorOr::Retry) => backoff(attempt).await,
            Err(ApiErrorOr::Api(e)) => return Err(e),
        }
    }
    Err(ApiError::Unavailable(
        "the credit file is busy; try again".into(),
    ))
}

async fn write_request(
    env: &Env<'_>,
    who: &Principal,
    request: &CreditRequest,
    seen: u64,
    entries: Vec<credence_shared::workflow::AuditEntry>,
) -> Result<(), ApiError> {
    let mut items = vec![env.store.request_write(&who.tenant, request, Some(seen))?];
    for e in &entries {
        items.push(env.store.audit_write(&who.tenant, e)?);
    }
    env.store.transact(items).await.map_err(|e| match e {
        StoreError::ConditionFailed => {
            ApiError::Conflict("someone acted on this request at the same moment; reload".into())
        }
        e => e.into(),
    })
}

/// The last approval: re-check against the credit file as it is now, then write the change,
/// the request and the audit entries in one transaction.
async fn apply(
    env: &Env<'_>,
    who: &Principal,
    customer: &CustomerSummary,
    request: &mut CreditRequest,
    seen: u64,
    step_entry: credence_shared::workflow::AuditEntry,
) -> Result<(), ApiErrorOr> {
    let (engine, record) = load_credit(env, who, &customer.id).await?;
    let now = env.clock.now();
    let as_of = now.date();
    let state = &record.state;
    let mut entries = vec![step_entry];

    if record.version != request.evidence.credit_version {
        let current = evidence_of(&record, customer, as_of);
        let bounce = if current.blacklisted && grants_credit(&request.change) {
            Some("the customer was put on the blacklist after this request was filed".to_owned())
        } else if let Change::TemporaryLimit { until, .. } = &request.change
            && *until < as_of
        {
            Some("the temporary limit's last day has passed".to_owned())
        } else {
            check_applicable(&request.change, &record)
                .err()
                .map(|e| format!("no longer applicable: {}", problem_text(&e)))
        };
        if let Some(why) = bounce {
            request.bounce(&why, now);
            entries.push(recheck_entry(who, env.clock, request, &why));
            write_request(env, who, request, seen, entries).await?;
            return Ok(());
        }
        let matrix = config::matrix(env.store, &who.tenant).await?;
        let rule = matrix.route(
            request.kind,
            route_amount(&request.change, &request.evidence),
            current.grade,
        );
        let why = format!(
            "the credit file changed since filing (grade {} → {}, exposure {} → {})",
            grade_text(request.evidence.grade),
            grade_text(current.grade),
            request.evidence.exposure.amount,
            current.exposure.amount
        );
        if request.reroute(rule, &why, now) {
            entries.push(recheck_entry(who, env.clock, request, &why));
            write_request(env, who, request, seen, entries).await?;
            return Ok(());
        }
    }

    let before = state.decision.clone();
    let mut decision = before.clone();
    let reason = format!("request {}: {}", request.id, request.justification);
    let mut extra = Vec::new();
    let change = request.change.clone();
    match &change {
        Change::NewCreditLine { limit, terms_days } => {
            decision.limit = Some(decided(*limit, &reason, who, as_of));
            decision.terms_days = Some(*terms_days);
        }
        Change::Limit { limit } => decision.limit = Some(decided(*limit, &reason, who, as_of)),
        Change::TemporaryLimit { limit, until } => {
            decision.temporary = Some(TemporaryLimit {
                amount: *limit,
                expires: *until,
                reason: reason.clone(),
                decided_by: who.username.clone(),
                decided_on: as_of,
            });
        }
        Change::TermsChange { terms_days } => decision.terms_days = Some(*terms_days),
        Change::HoldRelease => decision.on_hold = false,
        Change::BlockedOrderRelease { order_key } | Change::BlockedOrderReject { order_key } => {
            let status = if matches!(change, Change::BlockedOrderRelease { .. }) {
                "released"
            } else {
                "rejected"
            };
            request.applied(&who.username, &format!("order {status}"), now);
            let mut items = vec![
                env.store.request_write(&who.tenant, request, Some(seen))?,
                env.store.blocked_order_close(
                    &who.tenant,
                    &customer.id,
                    order_key,
                    status,
                    &who.username,
                )?,
            ];
            for e in &entries {
                items.push(env.store.audit_write(&who.tenant, e)?);
            }
            return match env.store.transact(items).await {
                Ok(()) => Ok(()),
                Err(StoreError::ConditionFailed) => Err(ApiError::Conflict(
                    "the request or the order changed at the same moment; reload".into(),
                )
                .into()),
                Err(e) => Err(ApiError::from(e).into()),
            };
        }
        Change::BlacklistAdd {
            reason: why,
            source,
        } => {
            decision.blacklisted = true;
            decision.on_hold = true;
            let entry = blacklist_entry(customer, why, source, who, as_of);
            for key in blacklist_keys(customer.usci.as_ref(), &customer.name) {
                let under = BlacklistEntry {
                    key,
                    ..entry.clone()
                };
                extra.push(env.store.blacklist_put(&who.tenant, &under)?);
            }
        }
        Change::BlacklistRemove => {
            decision.blacklisted = false;
            for key in blacklist_keys(customer.usci.as_ref(), &customer.name) {
                extra.push(env.store.blacklist_delete(&who.tenant, &key)?);
            }
        }
    }
    request.applied(&who.username, "", now);
    entries.push(audit(
        who,
        env.clock,
        AuditEntity::CreditFile,
        customer.id.as_str(),
        Some(&customer.id),
        "apply-request",
        to_value(&before),
        to_value(&decision),
        &reason,
    ));
    extra.insert(
        0,
        env.store.request_write(&who.tenant, request, Some(seen))?,
    );
    for e in &entries {
        extra.push(env.store.audit_write(&who.tenant, e)?);
    }
    match recompute_and_write(
        env, who, &engine, customer, &record, decision, &reason, extra,
    )
    .await
    {
        Ok(()) => Ok(()),
        Err(WriteConflict::Version | WriteConflict::Duplicate) => Err(ApiErrorOr::Retry),
        Err(WriteConflict::Stale) => Err(ApiError::Conflict(
            "someone acted on this request at the same moment; reload".into(),
        )
        .into()),
        Err(WriteConflict::Store(e)) => Err(ApiError::from(e).into()),
    }
}

/// An error, or "read again and retry".
enum ApiErrorOr {
    Api(ApiError),
    Retry,
}

impl From<ApiError> for ApiErrorOr {
    fn from(e: ApiError) -> Self {
        ApiErrorOr::Api(e)
    }
}

impl From<StoreError> for ApiErrorOr {
    fn from(e: StoreError) -> Self {
        ApiErrorOr::Api(e.into())
    }
}

fn problem_text(e: &ApiError) -> String {
    let p = e.to_problem();
    p.errors
        .first()
        .map(|f| f.message.clone())
        .or(p.detail)
        .unwrap_or(p.title)
}

fn grade_text(g: Option<credence_shared::Grade>) -> String {
    g.map_or_else(|| "-".into(), |g| g.to_string())
}

fn recheck_entry(
    who: &Principal,
    clock: &Clock,
    request: &CreditRequest,
    why: &str,
) -> credence_shared::workflow::AuditEntry {
    audit(
        who,
        clock,
        AuditEntity::Request,
        &request.id,
        Some(&request.customer_id),
        "recheck",
        None,
        to_value(&request.status),
        why,
    )
}

fn decided(amount: Money, reason: &str, who: &Principal, on: time::Date) -> DecidedLimit {
    DecidedLimit {
        amount,
        reason: reason.to_owned(),
        decided_by: who.username.clone(),
        decided_on: on,
    }
}

/// `PUT /v1/customers/{id}/requests/{rid}`: the requester amends a returned request.
pub async fn resubmit(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    rid: &str,
    body: ResubmitRequest,
) -> Result<RequestDetail, ApiError> {
    let (customer, mut request) = load_request(env, who, raw_id, rid).await?;
    if request.version != body.version {
        return Err(ApiError::Conflict(format!(
            "the request changed (version {} now, you saw {}); reload",
            request.version, body.version
        )));
    }
    let now = env.clock.now();
    body.change.validate(now.date()).map_err(validation)?;
    validate_justification("justification", &body.justification).map_err(validation)?;
    if std::mem::discriminant(&body.change) != std::mem::discriminant(&request.change) {
        return Err(ApiError::field(
            "change.type",
            "a resubmitted request asks for the same kind of change; file a new one otherwise",
        ));
    }
    let (_, record) = load_credit(env, who, &customer.id).await?;
    if !matches!(request.change, Change::NewCreditLine { .. }) {
        check_applicable(&body.change, &record)?;
    }
    let current_limit = record
        .state
        .decision
        .effective_file(&record.state.recommendation, now.date())
        .limit
        .amount;
    let kind = body.change.kind(Some(current_limit));
    let mut evidence = evidence_of(&record, &customer, now.date());
    order_evidence(env, who, &customer.id, &body.change, &mut evidence).await?;
    let matrix = config::matrix(env.store, &who.tenant).await?;
    let rule = matrix.route(kind, route_amount(&body.change, &evidence), evidence.grade);
    let seen = request.version;
    let before = to_value(&request.change);
    request
        .resubmit(
            &actor(who),
            body.change,
            kind,
            body.justification.trim().to_owned(),
            rule,
            matrix.version,
            evidence,
            now,
        )
        .map_err(workflow_error)?;
    request.requester_seen = request.version;
    let entry = audit(
        who,
        env.clock,
        AuditEntity::Request,
        &request.id,
        Some(&customer.id),
        "resubmit",
        before,
        to_value(&request.change),
        &request.justification,
    );
    write_request(env, who, &request, seen, vec![entry]).await?;
    build_detail(env, who, &customer, request).await
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    pub version: u64,
}

/// `POST /v1/customers/{id}/requests/{rid}/withdraw`.
pub async fn withdraw(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    rid: &str,
    body: WithdrawBody,
) -> Result<RequestDetail, ApiError> {
    let (customer, mut request) = load_request(env, who, raw_id, rid).await?;
    if request.version != body.version {
        return Err(ApiError::Conflict(format!(
            "the request changed (version {} now, you saw {}); reload",
            request.version, body.version
        )));
    }
    let seen = request.version;
    request
        .withdraw(&actor(who), env.clock.now())
        .map_err(workflow_error)?;
    request.requester_seen = request.version;
    let entry = audit(
        who,
        env.clock,
        AuditEntity::Request,
        &request.id,
        Some(&customer.id),
        "withdraw",
        None,
        None,
        "withdrawn by the requester",
    );
    write_request(env, who, &request, seen, vec![entry]).await?;
    build_detail(env, who, &customer, request).await
}

// ----- blacklist ---------------------------------------------------------------------------

/// The keys a party is blacklisted under: its code, and its normalised name.
fn blacklist_keys(usci: Option<&Usci>, name: &str) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(u) = usci {
        keys.push(u.as_str().to_owned());
    }
    let n = search::normalise(name);
    if !n.is_empty() {
        keys.push(format!("NAME:{n}"));
    }
    keys
}

fn blacklist_entry(
    customer: &CustomerSummary,
    reason: &str,
    source: &str,
    who: &Principal,
    on: time::Date,
) -> BlacklistEntry {
    BlacklistEntry {
        key: blacklist_keys(customer.usci.as_ref(), &customer.name)
            .into_iter()
            .next()
            .unwrap_or_else(|| format!("ID:{}", customer.id)),
        name: customer.name.clone(),
        usci: customer.usci.clone(),
        customer_id: Some(customer.id.clone()),
        reason: reason.trim().to_owned(),
        source: source.trim().to_owned(),
        added_on: on,
        added_by: who.username.clone(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BlacklistList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<BlacklistEntry>,
}

pub async fn blacklist(env: &Env<'_>, who: &Principal) -> Result<BlacklistList, ApiError> {
    policy::require(who, Action::ReadBlacklist)?;
    let mut items = env.store.blacklist(&who.tenant).await?;
    // A party is kept under its code and its name: list it once.
    items.retain(|e| !e.key.starts_with("NAME:") || e.usci.is_none());
    items.sort_by_key(|e| std::cmp::Reverse(e.added_on));
    Ok(BlacklistList { items })
}

/// `POST /v1/blacklist`: risk puts a party on the blacklist at once. A customer of ours is put
/// on hold and marked blacklisted in the same transaction.
pub async fn add_to_blacklist(
    env: &Env<'_>,
    who: &Principal,
    body: BlacklistAdd,
) -> Result<BlacklistEntry, ApiError> {
    policy::require(who, Action::AddToBlacklist)?;
    let mut errors = Vec::new();
    for (field, v, max) in [("reason", &body.reason, 500), ("source", &body.source, 200)] {
        let n = v.trim().chars().count();
        if n == 0 || n > max {
            errors.push(FieldError {
                field: field.into(),
                message: format!("1 to {max} characters"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let today = env.clock.today();
    if let Some(raw) = body.customer_id.as_deref().filter(|s| !s.trim().is_empty()) {
        let id = CustomerId::parse(raw.trim())
            .map_err(|_| ApiError::field("customer_id", "no such customer"))?;
        let customer = env
            .store
            .get_customer(&who.tenant, &id)
            .await?
            .ok_or_else(|| ApiError::field("customer_id", "no such customer"))?;
        let entry = blacklist_entry(&customer, &body.reason, &body.source, who, today);
        for attempt in 0..credit::MAX_ATTEMPTS {
            let (engine, record) = load_credit(env, who, &id).await?;
            if record.state.decision.blacklisted {
                return Err(ApiError::Conflict(
                    "the customer is already on the blacklist".into(),
                ));
            }
            let before = record.state.decision.clone();
            let mut decision = before.clone();
            decision.blacklisted = true;
            decision.on_hold = true;
            let why = format!("blacklisted: {}", entry.reason);
            let mut extra = Vec::new();
            for key in blacklist_keys(customer.usci.as_ref(), &customer.name) {
                let under = BlacklistEntry {
                    key,
                    ..entry.clone()
                };
                extra.push(env.store.blacklist_put(&who.tenant, &under)?);
            }
            extra.extend([
                env.store.audit_write(
                    &who.tenant,
                    &audit(
                        who,
                        env.clock,
                        AuditEntity::Blacklist,
                        &entry.key,
                        Some(&id),
                        "add",
                        None,
                        to_value(&entry),
                        &entry.reason,
                    ),
                )?,
                env.store.audit_write(
                    &who.tenant,
                    &audit(
                        who,
                        env.clock,
                        AuditEntity::CreditFile,
                        id.as_str(),
                        Some(&id),
                        "blacklist",
                        to_value(&before),
                        to_value(&decision),
                        &why,
                    ),
                )?,
            ]);
            match recompute_and_write(env, who, &engine, &customer, &record, decision, &why, extra)
                .await
            {
                Ok(()) => return Ok(entry),
                Err(WriteConflict::Version | WriteConflict::Duplicate) => backoff(attempt).await,
                Err(WriteConflict::Stale) => {
                    return Err(ApiError::Conflict(
                        "the party is already on the blacklist".into(),
                    ));
                }
                Err(WriteConflict::Store(e)) => return Err(e.into()),
            }
        }
        return Err(ApiError::Unavailable(
            "the credit file is busy; try again".into(),
        ));
    }
    // A party that is not (yet) our customer: by code, or by name.
    let usci = match body
        .usci
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(raw) => Some(Usci::parse(raw).map_err(|e| ApiError::field("usci", e.to_string()))?),
        None => None,
    };
    let name = body.name.as_deref().map(str::trim).unwrap_or("");
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::field(
            "name",
            "give the party's name (1 to 200 characters)",
        ));
    }
    let key = blacklist_keys(usci.as_ref(), name)
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::field("name", "give a name with letters or digits"))?;
    let entry = BlacklistEntry {
        key,
        name: name.to_owned(),
        usci,
        customer_id: None,
        reason: body.reason.trim().to_owned(),
        source: body.source.trim().to_owned(),
        added_on: today,
        added_by: who.username.clone(),
    };
    let record = audit(
        who,
        env.clock,
        AuditEntity::Blacklist,
        &entry.key,
        None,
        "add",
        None,
        to_value(&entry),
        &entry.reason,
    );
    let mut items = Vec::new();
    for key in blacklist_keys(entry.usci.as_ref(), &entry.name) {
        let under = BlacklistEntry {
            key,
            ..entry.clone()
        };
        items.push(env.store.blacklist_put(&who.tenant, &under)?);
    }
    items.push(env.store.audit_write(&who.tenant, &record)?);
    env.store.transact(items).await.map_err(|e| match e {
        StoreError::ConditionFailed => {
            ApiError::Conflict("the party is already on the blacklist".into())
        }
        e => e.into(),
    })?;
    Ok(entry)
}

/// Writes a changed decision (an automatic action) with its audit entry, guarded by the
/// credit file's version: a concurrent change is a conflict the caller retries.
pub(crate) async fn apply_decision(
    env: &Env<'_>,
    who: &Principal,
    id: &CustomerId,
    record: &CreditRecord,
    decision: CreditDecision,
    reason: &str,
) -> Result<(), ApiError> {
    let customer = env
        .store
        .get_customer(&who.tenant, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let engine = env.engines.get(env.store, &who.tenant).await?;
    let entry = audit(
        who,
        env.clock,
        AuditEntity::CreditFile,
        id.as_str(),
        Some(id),
        "automatic-action",
        to_value(&record.state.decision),
        to_value(&decision),
        reason,
    );
    let extra = vec![env.store.audit_write(&who.tenant, &entry)?];
    recompute_and_write(
        env, who, &engine, &customer, record, decision, reason, extra,
    )
    .await
    .map_err(|e| match e {
        WriteConflict::Store(e) => e.into(),
        other => ApiError::Conflict(other.to_string()),
    })
}

#[allow(clippy::too_many_arguments)]
async fn recompute_and_write(
    env: &Env<'_>,
    who: &Principal,
    engine: &CreditEngine,
    customer: &CustomerSummary,
    record: &CreditRecord,
    decision: CreditDecision,
    reason: &str,
    extra: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
) -> Result<(), WriteConflict> {
    let state = &record.state;
    let ledger: Vec<LedgerEntry> = env
        .store
        .get_ledger(&who.tenant, &customer.id)
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect();
    let (next, summary) = compute_state(
        engine,
        Some(state),
        state.currency,
        &ledger,
        profile_of(customer),
        decision,
        env.clock.today(),
    )
    .map_err(|e| StoreError::Corrupt(format!("stored ledger of {}: {e}", customer.id)))?;
    let write = CreditWrite {
        expected_version: Some(record.version),
        history: history_point(Some(state), &next, reason),
        state: next,
        summary,
        new_entries: Vec::new(),
        blocked: Vec::new(),
        group_delta: None,
        extra,
    };
    env.store
        .write_credit(&who.tenant, &customer.id, &write, &env.clock.stamp())
        .await
        .map(|_| ())
}

// ----- onboarding --------------------------------------------------------------------------

/// `GET /v1/applications/form`: the account currency and the custom fields the caller sees.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApplicationForm {
    #[schema(value_type = String)]
    pub currency: credence_shared::Currency,
    #[schema(value_type = Object)]
    pub fields: FieldSet,
}

pub async fn application_form(env: &Env<'_>, who: &Principal) -> Result<ApplicationForm, ApiError> {
    policy::require(who, Action::SubmitApplication)?;
    let engine = env.engines.get(env.store, &who.tenant).await?;
    let mut fields = config::fields(env.store, &who.tenant).await?;
    fields.fields.retain(|f| f.visible_to_any(&who.roles));
    Ok(ApplicationForm {
        currency: engine.policy.currency(),
        fields,
    })
}

/// `POST /v1/applications/screen`: same code or name among customers, and on the blacklist.
pub async fn screen(
    env: &Env<'_>,
    who: &Principal,
    body: ScreenRequest,
) -> Result<ScreenResult, ApiError> {
    policy::require(who, Action::SubmitApplication)?;
    let usci = body.usci.trim();
    let name = body.name.trim();
    if usci.chars().count() > 18 {
        return Err(ApiError::field("usci", "at most 18 characters"));
    }
    if name.chars().count() > 200 {
        return Err(ApiError::field("name", "at most 200 characters"));
    }
    let parsed = Usci::parse(usci).ok();
    let mut duplicates: Vec<CustomerSummary> = Vec::new();
    let norm_name = search::normalise(name);
    for q in [
        parsed.as_ref().map(|u| u.as_str().to_owned()),
        Some(norm_name.clone()),
    ]
    .into_iter()
    .flatten()
    .filter(|q| q.chars().count() >= 2)
    {
        let Ok(q) = search::normalise_query(&q) else {
            continue;
        };
        let page = env
            .store
            .search_customers(&who.tenant, &q, None, 20, &|_| true)
            .await?;
        for c in page.items {
            let same_code = parsed.is_some() && c.usci == parsed;
            let same_name = !norm_name.is_empty() && search::normalise(&c.name) == norm_name;
            if (same_code || same_name) && !duplicates.iter().any(|d| d.id == c.id) {
                duplicates.push(c);
            }
        }
    }
    let blacklisted = env
        .store
        .blacklist_lookup(&who.tenant, &blacklist_keys(parsed.as_ref(), name))
        .await?;
    // A rep does not learn about customers that are not theirs beyond the fact of a match.
    if !policy::may_see_customer(who, None) {
        for d in &mut duplicates {
            if !policy::may_see_customer(who, d.owner.as_ref()) {
                d.credit_limit = Money::zero(d.credit_limit.currency);
                d.exposure = Money::zero(d.exposure.currency);
                d.available = Money::zero(d.available.currency);
                d.overdue = Money::zero(d.overdue.currency);
                d.grade = None;
            }
        }
    }
    Ok(ScreenResult {
        duplicates,
        blacklisted,
    })
}

/// `POST /v1/applications`: a new customer with no credit until its credit line is approved.
pub async fn submit_application(
    env: &Env<'_>,
    who: &Principal,
    application: Application,
) -> Result<ApplicationCreated, ApiError> {
    policy::require(who, Action::SubmitApplication)?;
    let engine = env.engines.get(env.store, &who.tenant).await?;
    let currency = engine.policy.currency();
    let now = env.clock.now();
    let today = now.date();
    let mut errors = Vec::new();
    let usci = match application.validate(currency, today) {
        Ok(u) => Some(u),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let fields = config::fields(env.store, &who.tenant).await?;
    let custom = match fields.check_values(&application.custom, &who.roles) {
        Ok(c) => c,
        Err(e) => {
            errors.extend(e);
            Default::default()
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let usci = usci.expect("validated");
    let screen = screen(
        env,
        who,
        ScreenRequest {
            usci: usci.as_str().to_owned(),
            name: application.name.clone(),
        },
    )
    .await?;
    if let Some(b) = screen.blacklisted.first() {
        return Err(ApiError::field(
            if b.usci.as_ref() == Some(&usci) {
                "usci"
            } else {
                "name"
            },
            format!("on the blacklist since {}: {}", b.added_on, b.reason),
        ));
    }
    if let Some(d) = screen.duplicates.first() {
        let field = if d.usci.as_ref() == Some(&usci) {
            "usci"
        } else {
            "name"
        };
        return Err(ApiError::field(
            field,
            format!("already a customer: {} {}", d.number, d.name),
        ));
    }

    let suffix = format!("{:06X}", rand::random::<u32>() & 0xFF_FFFF);
    let id = CustomerId::parse(&format!("N{}{}", today.year() % 100, suffix))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("new customer id: {e}")))?;
    let owner = if who.roles.contains(&credence_shared::Role::Sales) {
        Some(who.user_id.clone())
    } else {
        None
    };
    let zero = Money::zero(currency);
    let record = CustomerRecord {
        id: id.clone(),
        number: format!("NEW-{}{}", today.year() % 100, suffix),
        name: application.name.trim().to_owned(),
        name_en: application
            .name_en
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        usci: Some(usci),
        country: "CN".into(),
        industry: application.industry.trim().to_owned(),
        owner,
        grade: None,
        credit_limit: zero,
        exposure: zero,
        overdue: zero,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: false,
        founded: Some(application.founded),
    };
    // No credit until the credit line is approved: a person's limit of zero, cash terms.
    let decision = CreditDecision {
        limit: Some(DecidedLimit {
            amount: zero,
            reason: "credit application pending".into(),
            decided_by: who.username.clone(),
            decided_on: today,
        }),
        terms_days: Some(0),
        ..CreditDecision::default()
    };
    let (state, _) = compute_state(
        &engine,
        None,
        currency,
        &[],
        application.customer_info(false).profile,
        decision,
        today,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("new customer {id}: {e}")))?;
    // The evidence is the application's own assessment (the engine on what the applicant
    // told us), not the empty ledger's.
    let preview = evaluate(
        &Scenario {
            as_of: today,
            currency,
            entries: vec![],
            customer: application.customer_info(false),
            credit_file: None,
            order: None,
        },
        &engine.model,
        &engine.policy,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("application preview: {e}")))?;
    let evidence = Evidence {
        credit_version: 1,
        grade: Some(preview.assessment.grade),
        score: Some(preview.assessment.score),
        reasons: preview.assessment.reasons.iter().take(6).cloned().collect(),
        limit: zero,
        exposure: zero,
        overdue: zero,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: false,
        recommended_limit: preview.recommendation.limit,
        order_amount: None,
    };
    let change = Change::NewCreditLine {
        limit: application.requested_limit,
        terms_days: application.requested_terms_days,
    };
    let matrix = config::matrix(env.store, &who.tenant).await?;
    let rule = matrix.route(
        RequestKind::NewCreditLine,
        Some(application.requested_limit.amount),
        evidence.grade,
    );
    let request = CreditRequest::new(
        new_request_id(now),
        id.clone(),
        record.name.clone(),
        change,
        RequestKind::NewCreditLine,
        application.justification.trim().to_owned(),
        &who.username,
        rule,
        matrix.version,
        evidence,
        now,
    );
    let stored = StoredApplication {
        application: Application {
            custom,
            ..application
        },
        submitted_by: who.username.clone(),
        submitted_at: now,
    };
    let entries = [
        audit(
            who,
            env.clock,
            AuditEntity::Customer,
            id.as_str(),
            Some(&id),
            "onboard",
            None,
            to_value(&stored.application),
            "credit application",
        ),
        audit(
            who,
            env.clock,
            AuditEntity::Request,
            &request.id,
            Some(&id),
            "submit",
            None,
            to_value(&request.change),
            &request.justification,
        ),
    ];
    let mut extra = vec![
        env.store.application_put(&who.tenant, &id, &stored)?,
        env.store.request_write(&who.tenant, &request, None)?,
    ];
    for e in &entries {
        extra.push(env.store.audit_write(&who.tenant, e)?);
    }
    env.store
        .onboard(&who.tenant, &record, &state, extra)
        .await?;
    Ok(ApplicationCreated {
        customer_id: id,
        request_id: request.id,
    })
}

/// The application as filed, kept with the customer.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredApplication {
    application: Application,
    submitted_by: String,
    #[serde(with = "time::serde::rfc3339")]
    submitted_at: OffsetDateTime,
}

// ----- audit -------------------------------------------------------------------------------

pub const AUDIT_PAGE: i32 = 50;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// First day (YYYY-MM-DD); default 30 days ago.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); default today.
    pub to: Option<String>,
    pub cursor: Option<String>,
}

pub async fn customer_audit(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    cursor: Option<String>,
) -> Result<AuditPage, ApiError> {
    let id = parse_customer(raw_id)?;
    visible_customer(env.store, who, &id).await?;
    env.store
        .customer_audit(&who.tenant, &id, cursor.as_deref(), AUDIT_PAGE)
        .await
        .map_err(|e| match e {
            StoreError::BadCursor => ApiError::field("cursor", "not a cursor this API issued"),
            e => e.into(),
        })
}

fn parse_day(field: &str, raw: Option<&str>, default: time::Date) -> Result<time::Date, ApiError> {
    match raw {
        None => Ok(default),
        Some(s) => time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| ApiError::field(field, "a date YYYY-MM-DD")),
    }
}

fn audit_range(env: &Env<'_>, q: &AuditQuery) -> Result<(time::Date, time::Date), ApiError> {
    let today = env.clock.today();
    let to = parse_day("to", q.to.as_deref(), today)?;
    let from = parse_day("from", q.from.as_deref(), to - time::Duration::days(30))?;
    if from > to {
        return Err(ApiError::field("from", "must not be after `to`"));
    }
    if (to - from).whole_days() > 366 {
        return Err(ApiError::field("from", "at most one year at a time"));
    }
    Ok((from, to))
}

pub async fn tenant_audit(
    env: &Env<'_>,
    who: &Principal,
    q: AuditQuery,
) -> Result<AuditPage, ApiError> {
    policy::require(who, Action::ReadTenantAudit)?;
    let (from, to) = audit_range(env, &q)?;
    env.store
        .tenant_audit(&who.tenant, from, to, q.cursor.as_deref(), AUDIT_PAGE)
        .await
        .map_err(|e| match e {
            StoreError::BadCursor => ApiError::field("cursor", "not a cursor this API issued"),
            e => e.into(),
        })
}

/// Most entries one export holds.
pub const MAX_EXPORT: usize = 50_000;

/// The tenant's audit trail for a date range as CSV (UTF-8 with BOM, so spreadsheets read the
/// Chinese text).
pub async fn export_audit(
    env: &Env<'_>,
    who: &Principal,
    q: AuditQuery,
) -> Result<Vec<u8>, ApiError> {
    policy::require(who, Action::ReadTenantAudit)?;
    let (from, to) = audit_range(env, &q)?;
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let header = [
        "at",
        "actor",
        "entity",
        "entity_id",
        "customer_id",
        "action",
        "reason",
        "before",
        "after",
    ];
    writer
        .write_record(header)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut cursor: Option<String> = None;
    let mut count = 0;
    loop {
        let page = env
            .store
            .tenant_audit(&who.tenant, from, to, cursor.as_deref(), 500)
            .await?;
        for e in &page.items {
            let json = |v: &Option<serde_json::Value>| {
                v.as_ref().map(|v| v.to_string()).unwrap_or_default()
            };
            writer
                .write_record([
                    e.at.format(&time::format_description::well_known::Rfc3339)
                        .unwrap_or_default(),
                    e.actor.clone(),
                    e.entity.as_str().to_owned(),
                    e.entity_id.clone(),
                    e.customer_id
                        .as_ref()
                        .map(|c| c.to_string())
                        .unwrap_or_default(),
                    e.action.clone(),
                    e.reason.clone(),
                    json(&e.before),
                    json(&e.after),
                ])
                .map_err(|e| ApiError::Internal(e.into()))?;
            count += 1;
        }
        match page.next_cursor {
            Some(c) if count < MAX_EXPORT => cursor = Some(c),
            _ => break,
        }
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))
}
