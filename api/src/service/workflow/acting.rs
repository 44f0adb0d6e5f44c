//! Acting on a request: a reviewer's step (and the final approval that applies the change to
//! the credit file), the requester's resubmission of a returned request and withdrawal.

use super::{
    ApiErrorOr, Ctx, actor,
    blacklist::blacklist_entry,
    blacklist::blacklist_keys,
    check_applicable,
    decision::recompute_and_write,
    evidence_of, grants_credit, load_credit, order_evidence,
    reading::build_detail,
    request_writes, route_amount,
    subjects::{self, Home, Target, load_request},
    to_value, validation, workflow_error,
};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    clock::Clock,
    error::ApiError,
    service::{
        credit::{self, backoff},
        tenant::{self, audit},
    },
    store::{
        StoreError,
        credit::{CreditRecord, WriteConflict},
        workflow::WorkflowWrite,
    },
};
use credence_shared::orders::{BlockedOrder, OrderRelease, OrderStatus};
use credence_shared::{
    Money,
    credit::{DecidedLimit, TemporaryLimit},
    dto::CustomerSummary,
    workflow::{
        ActOutcome, AuditEntity, AuditEntry, BlacklistEntry, Change, CreditRequest, Evidence,
        RequestDetail, ResubmitRequest, ReviewAction, ReviewRequest, validate_justification,
    },
};
use credence_shared::{dto::FieldError, messages::code};
use serde::{Deserialize, Serialize};
use tracing::instrument;

/// `POST /v1/customers/{id}/requests/{rid}/review` (and a group's or party's request).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, home = ?home))]
pub async fn review(
    ctx: &Ctx<'_>,
    who: &Principal,
    home: Home<'_>,
    rid: &str,
    body: ReviewRequest,
) -> Result<RequestDetail, ApiError> {
    policy::require(who, Action::ReviewRequests)?;
    if body.note.chars().count() > 2000 {
        return Err(ApiError::from(
            FieldError::new("note", code::TEXT_TOO_LONG, "at most 2000 characters")
                .with("max", 2000),
        ));
    }
    for attempt in 0..credit::MAX_ATTEMPTS {
        let (target, mut request) = load_request(ctx, who, home, rid).await?;
        if request.version != body.version {
            return Err(ApiError::stale(format!(
                "someone acted on this request meanwhile (version {} now, you saw {}); reload",
                request.version, body.version
            )));
        }
        let seen = request.version;
        let now = ctx.clock.now();
        let outcome = request
            .act(&actor(who), body.action, &body.note, now)
            .map_err(workflow_error)?;
        let step_entry = audit(
            who,
            ctx.clock,
            AuditEntity::Request,
            &request.id,
            target.customer_id(),
            match body.action {
                ReviewAction::Approve => "approve",
                ReviewAction::Reject => "reject",
                ReviewAction::Return => "return",
            },
            None,
            to_value(&request.status),
            body.note.trim(),
        );
        if outcome != ActOutcome::FinalApproval {
            write_request(ctx, who, &request, seen, vec![step_entry]).await?;
            return build_detail(ctx, who, &target, request).await;
        }
        // The report the approvers decided on, kept with the decision once it is written.
        let snapshot = match &target {
            Target::Customer(_) => {
                match crate::service::report::snapshot(ctx, who, &request).await {
                    Ok(report) => Some(report),
                    Err(e) => {
                        tracing::error!(request = %request.id, error = %e, "no report snapshot for the decision");
                        None
                    }
                }
            }
            _ => None,
        };
        let applied = match &target {
            Target::Customer(customer) => {
                apply(ctx, who, customer, &mut request, seen, step_entry).await
            }
            Target::Group { id, group } => {
                let entries = vec![step_entry];
                subjects::apply_group(ctx, who, (id, group), &mut request, seen, entries).await
            }
            Target::Party { entry } => {
                let entries = vec![step_entry];
                subjects::apply_party(ctx, who, entry.as_ref(), &mut request, seen, entries).await
            }
            Target::Challenger { read } => {
                let entries = vec![step_entry];
                super::promotion::apply_promotion(
                    ctx,
                    who,
                    read.as_ref(),
                    &mut request,
                    seen,
                    entries,
                )
                .await
            }
        };
        match applied {
            Ok(()) => {
                if let Some(report) = snapshot {
                    crate::service::report::keep_snapshot(ctx, who, report).await;
                }
                return build_detail(ctx, who, &target, request).await;
            }
            Err(ApiErrorOr::Retry) => backoff(attempt).await,
            Err(ApiErrorOr::Api(e)) => return Err(e),
        }
    }
    Err(ApiError::Unavailable(
        "the credit file is busy; try again".into(),
    ))
}

pub(super) async fn write_request(
    ctx: &Ctx<'_>,
    who: &Principal,
    request: &CreditRequest,
    seen: u64,
    entries: Vec<AuditEntry>,
) -> Result<(), ApiError> {
    let writes = request_writes(request, seen, entries);
    ctx.store
        .commit_workflow(&who.tenant, writes)
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed => {
                ApiError::stale("someone acted on this request at the same moment; reload")
            }
            e => e.into(),
        })
}

/// The last approval: re-check against the credit file as it is now, then write the change,
/// the request and the audit entries in one transaction.
async fn apply(
    ctx: &Ctx<'_>,
    who: &Principal,
    customer: &CustomerSummary,
    request: &mut CreditRequest,
    seen: u64,
    step_entry: AuditEntry,
) -> Result<(), ApiErrorOr> {
    let (engine, record) = load_credit(ctx, who, &customer.id).await?;
    let now = ctx.clock.now();
    let as_of = now.date();
    let state = &record.state;
    let mut entries = vec![step_entry];

    if record.version != request.evidence.credit_version {
        let current = evidence_of(&record, customer, as_of);
        if let Some(why) = no_longer_applies(&request.change, &record, as_of) {
            request.bounce(&why, now);
            entries.push(recheck_entry(who, ctx.clock, request, &why));
            write_request(ctx, who, request, seen, entries).await?;
            return Ok(());
        }
        let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
        let rule = matrix.route(
            request.kind,
            route_amount(&request.change, &request.evidence),
            current.grade,
        );
        let why = changed_since_filing(&request.evidence, &current);
        if request.reroute(rule, &why, now) {
            entries.push(recheck_entry(who, ctx.clock, request, &why));
            write_request(ctx, who, request, seen, entries).await?;
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
            decision.review_due = Some(next_review(&engine, state, as_of));
        }
        Change::Limit { limit } => {
            decision.limit = Some(decided(*limit, &reason, who, as_of));
            decision.review_due = Some(next_review(&engine, state, as_of));
        }
        Change::Review {
            limit,
            terms_days,
            valid_until,
        } => {
            decision.limit = Some(DecidedLimit {
                valid_until: *valid_until,
                ..decided(*limit, &reason, who, as_of)
            });
            decision.terms_days = Some(*terms_days);
            decision.review_due = Some(next_review(&engine, state, as_of));
        }
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
        // Refused when filed on a customer (`check_applicable`).
        Change::PromoteChallenger { .. } => {
            return Err(ApiError::conflict(code::NOT_APPLICABLE, "not a customer's change").into());
        }
        Change::HoldRelease => decision.on_hold = false,
        Change::PrepaymentLift => decision.prepayment = None,
        Change::BlockedOrderRelease { order_key, .. }
        | Change::BlockedOrderReject { order_key } => {
            let order = ctx
                .store
                .order(&who.tenant, &customer.id, order_key)
                .await
                .map_err(ApiError::from)?
                .filter(|o| o.status == OrderStatus::Blocked);
            let Some(order) = order else {
                // Released by a re-check (or closed otherwise) since the request was filed.
                let why = "the order is no longer waiting in the blocked queue";
                request.bounce(why, now);
                entries.push(recheck_entry(who, ctx.clock, request, why));
                write_request(ctx, who, request, seen, entries).await?;
                return Ok(());
            };
            let seen_order = order.version;
            let closed = close_order(order, &change, who, &request.justification, now);
            request.applied(
                &who.username,
                &format!("order {}", closed.status.as_str()),
                now,
            );
            let mut writes = vec![
                WorkflowWrite::Request {
                    request: request.clone(),
                    expected: Some(seen),
                },
                WorkflowWrite::Order {
                    order: Box::new(closed),
                    seen: seen_order,
                },
            ];
            writes.extend(entries.into_iter().map(WorkflowWrite::Audit));
            return match ctx.store.commit_workflow(&who.tenant, writes).await {
                Ok(()) => Ok(()),
                Err(StoreError::ConditionFailed) => Err(ApiError::stale(
                    "the request or the order changed at the same moment; reload",
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
                extra.push(WorkflowWrite::BlacklistPut(under));
            }
        }
        Change::BlacklistRemove => {
            decision.blacklisted = false;
            for key in blacklist_keys(customer.usci.as_ref(), &customer.name) {
                extra.push(WorkflowWrite::BlacklistDelete(key));
            }
        }
    }
    request.applied(&who.username, "", now);
    entries.push(audit(
        who,
        ctx.clock,
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
        WorkflowWrite::Request {
            request: request.clone(),
            expected: Some(seen),
        },
    );
    extra.extend(entries.into_iter().map(WorkflowWrite::Audit));
    match recompute_and_write(
        ctx, who, &engine, customer, &record, decision, &reason, extra,
    )
    .await
    {
        Ok(()) => Ok(()),
        Err(WriteConflict::Version | WriteConflict::Duplicate) => Err(ApiErrorOr::Retry),
        Err(WriteConflict::Stale) => {
            Err(ApiError::stale("someone acted on this request at the same moment; reload").into())
        }
        Err(WriteConflict::Store(e)) => Err(ApiError::from(e).into()),
    }
}

/// Why a request filed against an earlier credit file can no longer apply to `record` as it
/// is on `as_of`, if it cannot (the request then goes back to the requester).
fn no_longer_applies(change: &Change, record: &CreditRecord, as_of: time::Date) -> Option<String> {
    if record.state.decision.blacklisted && grants_credit(change) {
        Some("the customer was put on the blacklist after this request was filed".to_owned())
    } else if let Change::TemporaryLimit { until, .. } = change
        && *until < as_of
    {
        Some("the temporary limit's last day has passed".to_owned())
    } else {
        check_applicable(change, record)
            .err()
            .map(|e| format!("no longer applicable: {}", problem_text(&e)))
    }
}

/// Why a request is routed again: how the credit file changed since filing.
fn changed_since_filing(filed: &Evidence, current: &Evidence) -> String {
    format!(
        "the credit file changed since filing (grade {} → {}, exposure {} → {})",
        grade_text(filed.grade),
        grade_text(current.grade),
        filed.exposure.amount,
        current.exposure.amount
    )
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

pub(super) fn recheck_entry(
    who: &Principal,
    clock: &Clock,
    request: &CreditRequest,
    why: &str,
) -> AuditEntry {
    audit(
        who,
        clock,
        AuditEntity::Request,
        &request.id,
        request.subject.customer(),
        "recheck",
        None,
        to_value(&request.status),
        why,
    )
}

/// A permanent limit decided on `on` is next reviewed after the policy's cycle for the
/// customer's grade.
fn next_review(
    engine: &crate::service::credit::CreditEngine,
    state: &crate::store::credit::CreditState,
    on: time::Date,
) -> time::Date {
    engine.policy.next_review(state.recommendation.grade, on)
}

fn decided(amount: Money, reason: &str, who: &Principal, on: time::Date) -> DecidedLimit {
    DecidedLimit {
        amount,
        reason: reason.to_owned(),
        decided_by: who.username.clone(),
        decided_on: on,
        valid_until: None,
    }
}

/// `PUT /v1/customers/{id}/requests/{rid}` (and a group's or party's request): the
/// requester amends a returned request.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, home = ?home))]
pub async fn resubmit(
    ctx: &Ctx<'_>,
    who: &Principal,
    home: Home<'_>,
    rid: &str,
    body: ResubmitRequest,
) -> Result<RequestDetail, ApiError> {
    // Only people file, resubmit and withdraw requests (a machine client never does).
    policy::require(who, Action::FileRequest)?;
    let (target, mut request) = load_request(ctx, who, home, rid).await?;
    if request.version != body.version {
        return Err(ApiError::stale(format!(
            "the request changed (version {} now, you saw {}); reload",
            request.version, body.version
        )));
    }
    let now = ctx.clock.now();
    body.change.validate(now.date()).map_err(validation)?;
    validate_justification("justification", &body.justification).map_err(validation)?;
    if std::mem::discriminant(&body.change) != std::mem::discriminant(&request.change) {
        return Err(ApiError::field(
            "change.type",
            code::CHANGE_SAME_KIND,
            "a resubmitted request asks for the same kind of change; file a new one otherwise",
        ));
    }
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let (kind, evidence, rule) = match &target {
        Target::Customer(customer) => {
            let (_, record) = load_credit(ctx, who, &customer.id).await?;
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
            let mut evidence = evidence_of(&record, customer, now.date());
            order_evidence(ctx, who, &customer.id, &body.change, &mut evidence).await?;
            let rule = matrix.route(kind, route_amount(&body.change, &evidence), evidence.grade);
            (kind, evidence, rule)
        }
        Target::Group { group, .. } => {
            let (kind, amount) = subjects::group_change(group, &body.change)?;
            let rule = matrix.route(kind, Some(amount), None);
            (kind, subjects::group_evidence(group), rule)
        }
        Target::Party { entry } => {
            subjects::party_change(&body.change)?;
            if entry.is_none() {
                return Err(ApiError::field(
                    "change.type",
                    code::BLACKLIST_UNKNOWN,
                    "the party is off the blacklist already",
                ));
            }
            let kind = request.kind;
            let currency = ctx.engine(&who.tenant).await?.policy.currency();
            let rule = matrix.route(kind, None, None);
            (kind, subjects::party_evidence(currency, true), rule)
        }
        Target::Challenger { read } => {
            let credence_shared::workflow::Subject::Challenger { challenger: id } = request.subject
            else {
                return Err(ApiError::NotFound);
            };
            super::promotion::promotion_change(&body.change, id)?;
            let Some((version, _)) = read.as_ref().filter(|(_, c)| c.id == id && c.is_running())
            else {
                return Err(ApiError::conflict(
                    code::NOT_APPLICABLE,
                    format!("challenger {id} has stopped; it can no longer be promoted"),
                ));
            };
            let kind = request.kind;
            let currency = ctx.engine(&who.tenant).await?.policy.currency();
            let rule = matrix.route(kind, None, None);
            (
                kind,
                super::promotion::challenger_evidence(*version, currency),
                rule,
            )
        }
    };
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
        ctx.clock,
        AuditEntity::Request,
        &request.id,
        target.customer_id(),
        "resubmit",
        before,
        to_value(&request.change),
        &request.justification,
    );
    write_request(ctx, who, &request, seen, vec![entry]).await?;
    build_detail(ctx, who, &target, request).await
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawBody {
    pub version: u64,
}

/// `POST /v1/customers/{id}/requests/{rid}/withdraw` (and a group's or party's request).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, home = ?home))]
pub async fn withdraw(
    ctx: &Ctx<'_>,
    who: &Principal,
    home: Home<'_>,
    rid: &str,
    body: WithdrawBody,
) -> Result<RequestDetail, ApiError> {
    // Only people file, resubmit and withdraw requests (a machine client never does).
    policy::require(who, Action::FileRequest)?;
    let (target, mut request) = load_request(ctx, who, home, rid).await?;
    if request.version != body.version {
        return Err(ApiError::stale(format!(
            "the request changed (version {} now, you saw {}); reload",
            request.version, body.version
        )));
    }
    let seen = request.version;
    request
        .withdraw(&actor(who), ctx.clock.now())
        .map_err(workflow_error)?;
    request.requester_seen = request.version;
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::Request,
        &request.id,
        target.customer_id(),
        "withdraw",
        None,
        None,
        "withdrawn by the requester",
    );
    write_request(ctx, who, &request, seen, vec![entry]).await?;
    build_detail(ctx, who, &target, request).await
}

/// The order as a person's release or rejection leaves it: released whole, in part
/// (`ship`) or on a prepayment, or rejected; who and why.
fn close_order(
    mut order: BlockedOrder,
    change: &Change,
    who: &Principal,
    reason: &str,
    now: time::OffsetDateTime,
) -> BlockedOrder {
    match change {
        Change::BlockedOrderRelease {
            ship, prepayment, ..
        } => {
            order.status = OrderStatus::Released;
            order.release = Some(OrderRelease {
                allowed: ship.unwrap_or(order.amount),
                prepayment: *prepayment,
                by: who.username.clone(),
                reason: reason.to_owned(),
                at: now,
            });
        }
        _ => order.status = OrderStatus::Rejected,
    }
    order.closed_by = Some(who.username.clone());
    order.close_reason = Some(reason.to_owned());
    order.version += 1;
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::workflow::tests::{TODAY, cny, customer, principal, record};
    use credence_shared::{Grade, Role, credit::CreditDecision};
    use time::macros::date;

    #[test]
    fn a_request_that_grants_credit_no_longer_applies_once_the_customer_is_blacklisted() {
        // Arrange
        let blacklisted = record(CreditDecision {
            blacklisted: true,
            on_hold: true,
            ..CreditDecision::default()
        });
        // Act
        let limit = no_longer_applies(&Change::Limit { limit: cny(1) }, &blacklisted, TODAY);
        let terms = no_longer_applies(&Change::TermsChange { terms_days: 60 }, &blacklisted, TODAY);
        // Assert
        assert_eq!(
            limit.as_deref(),
            Some("the customer was put on the blacklist after this request was filed")
        );
        assert_eq!(terms, None);
    }

    #[test]
    fn a_temporary_limit_no_longer_applies_after_its_last_day() {
        // Arrange
        let file = record(CreditDecision::default());
        let change = Change::TemporaryLimit {
            limit: cny(20_000),
            until: date!(2026 - 03 - 01),
        };
        // Act
        let after = no_longer_applies(&change, &file, TODAY);
        let on_the_day = no_longer_applies(&change, &file, date!(2026 - 03 - 01));
        // Assert
        assert_eq!(
            after.as_deref(),
            Some("the temporary limit's last day has passed")
        );
        assert_eq!(on_the_day, None);
    }

    #[test]
    fn a_change_the_credit_file_no_longer_allows_says_why_in_the_field_s_words() {
        // Arrange
        let file = record(CreditDecision::default());
        // Act
        let why = no_longer_applies(&Change::HoldRelease, &file, TODAY);
        // Assert
        assert_eq!(
            why.as_deref(),
            Some("no longer applicable: the customer is not on hold")
        );
    }

    #[test]
    fn a_reroute_says_how_the_grade_and_exposure_changed_since_filing() {
        // Arrange
        let file = record(CreditDecision::default());
        let mut filed = evidence_of(&file, &customer(), TODAY);
        filed.grade = None;
        let mut current = filed.clone();
        current.grade = Some(Grade::C);
        current.exposure = cny(55_000);
        // Act
        let why = changed_since_filing(&filed, &current);
        // Assert
        assert_eq!(
            why,
            "the credit file changed since filing (grade - → C, exposure 40000 → 55000)"
        );
    }

    #[test]
    fn a_problem_reads_as_its_first_field_message_else_its_detail_else_its_title() {
        // Arrange
        let field = ApiError::field("note", code::NOTE_REQUIRED, "say why");
        let conflict = ApiError::stale("reload");
        // Act / Assert
        assert_eq!(problem_text(&field), "say why");
        assert_eq!(problem_text(&conflict), "reload");
        assert_eq!(
            problem_text(&ApiError::Forbidden),
            ApiError::Forbidden.to_problem().title
        );
    }

    #[test]
    fn a_decided_limit_records_who_decided_it_when_and_why() {
        // Arrange
        let who = principal(Role::Approver);
        // Act
        let limit = decided(cny(30_000), "request R1: more volume", &who, TODAY);
        // Assert
        assert_eq!(limit.amount, cny(30_000));
        assert_eq!(limit.reason, "request R1: more volume");
        assert_eq!(limit.decided_by, "li.na");
        assert_eq!(limit.decided_on, TODAY);
    }
}
