//! Credit requests through the approval matrix, the inbox, the blacklist, onboarding
//! applications and the audit trail.
//!
//! The state machine is `credence_shared::workflow`; this module loads, authorises, and
//! writes. A request's every change is one transaction guarded by the request's version, so
//! of two people acting on the same step exactly one wins. The final approval writes the
//! request, the audit entries and the credit file in one transaction guarded by both versions;
//! if the credit file changed since the request was filed it is re-checked first (routed
//! again by the matrix, or returned when it can no longer apply) rather than applied blindly.
//!
//! One file per part: [`filing`], [`reading`] (detail, lists, inbox), [`acting`] (review,
//! resubmit, withdraw), [`subjects`] (requests on a group's limit or a party's blacklist
//! entry: addressing, evidence, applying), [`blacklist`], [`decision`] (a changed decision
//! written to the credit file), [`onboarding`] and [`audit`]. What they share is here. Writes are described as
//! [`WorkflowWrite`]s; the store builds the transaction items.

mod acting;
mod audit;
mod blacklist;
mod decision;
mod filing;
mod onboarding;
mod promotion;
mod reading;
mod subjects;
#[cfg(test)]
mod tests;

pub use acting::{WithdrawBody, resubmit, review, withdraw};
pub use audit::{AUDIT_PAGE, AuditQuery, MAX_EXPORT, customer_audit, export_audit, tenant_audit};
pub use blacklist::{BlacklistList, add_to_blacklist, blacklist, remove_from_blacklist};
pub(crate) use decision::{apply_decision, recompute_and_write};
pub use filing::file;
pub use onboarding::{application_form, screen, submit_application};
pub use promotion::{PromotionRequest, file_promotion};
pub use reading::{RequestList, customer_requests, detail, inbox, open_requests};
pub use subjects::{Home, file_for_group, file_for_party};

use crate::{
    auth::Principal,
    error::ApiError,
    service::{
        Ctx,
        credit::{self, CreditEngine},
    },
    store::{credit::CreditRecord, workflow::WorkflowWrite},
};
use credence_shared::messages::code;
use credence_shared::orders::OrderStatus;
use credence_shared::{
    CustomerId, Money,
    dto::{CustomerSummary, FieldError},
    workflow::{Actor, AuditEntry, Change, CreditRequest, Evidence, WorkflowError},
};
use serde::Serialize;
use time::OffsetDateTime;

/// The customer a path names, by the tenant's number or Credence's id.
fn parse_customer(raw: &str) -> Result<CustomerId, ApiError> {
    Ok(credence_shared::customer::customer_id_of(raw))
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
        WorkflowError::NoteRequired => ApiError::field("note", code::NOTE_REQUIRED, e.to_string()),
        WorkflowError::NotPending(_) | WorkflowError::NotReturned | WorkflowError::Closed => {
            ApiError::conflict(code::NOT_APPLICABLE, e.to_string())
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
        return Err(ApiError::from(
            FieldError::new(
                "change.limit.currency",
                code::CURRENCY_ACCOUNT,
                format!("limits are kept in the account currency {currency}"),
            )
            .with("currency", currency),
        ));
    }
    match change {
        Change::HoldRelease if !state.decision.on_hold => Err(ApiError::field(
            "change.type",
            code::CUSTOMER_NOT_ON_HOLD,
            "the customer is not on hold",
        )),
        Change::PrepaymentLift if state.decision.prepayment.is_none() => Err(ApiError::field(
            "change.type",
            code::NO_PREPAYMENT_SET,
            "no prepayment share is set on the file (the policy's own share for the grade is lifted only by a better grade)",
        )),
        Change::BlacklistAdd { .. } if state.decision.blacklisted => Err(ApiError::field(
            "change.type",
            code::CUSTOMER_ALREADY_BLACKLISTED,
            "the customer is already on the blacklist",
        )),
        Change::BlacklistRemove if !state.decision.blacklisted => Err(ApiError::field(
            "change.type",
            code::CUSTOMER_NOT_BLACKLISTED,
            "the customer is not on the blacklist",
        )),
        Change::NewCreditLine { .. } => Err(ApiError::field(
            "change.type",
            code::CHANGE_NEEDS_APPLICATION,
            "a new credit line is requested with a credit application",
        )),
        Change::PromoteChallenger { .. } => Err(ApiError::from(
            FieldError::new(
                "change.type",
                code::CHANGE_NOT_FOR_SUBJECT,
                "a challenger is promoted in the scoring lab (POST /v1/lab/challengers/promotion)",
            )
            .with("allowed", "not promote_challenger"),
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
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
) -> Result<(CreditEngine, CreditRecord), ApiError> {
    let engine = ctx.engine(&who.tenant).await?;
    let record = credit::load_or_init(ctx, &engine, who, id).await?;
    Ok((engine, record))
}

/// Fills in what the server knows for a blocked-order request (the order's amount).
async fn order_evidence(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    change: &Change,
    evidence: &mut Evidence,
) -> Result<(), ApiError> {
    if let Change::BlockedOrderRelease { order_key, .. }
    | Change::BlockedOrderReject { order_key } = change
    {
        let order = ctx
            .store
            .order(&who.tenant, id, order_key)
            .await?
            .filter(|o| o.status == OrderStatus::Blocked)
            .ok_or_else(|| {
                ApiError::field(
                    "change.order_key",
                    code::ORDER_NOT_BLOCKED,
                    "no such order waiting in the blocked queue",
                )
            })?;
        if let Change::BlockedOrderRelease {
            ship: Some(ship), ..
        } = change
        {
            if ship.currency != order.amount.currency {
                return Err(ApiError::from(
                    FieldError::new(
                        "change.ship.currency",
                        code::CURRENCY_ACCOUNT,
                        "release in the order's currency",
                    )
                    .with("currency", order.amount.currency),
                ));
            }
            if ship.amount > order.amount.amount {
                return Err(ApiError::from(
                    FieldError::new(
                        "change.ship.amount",
                        code::NUMBER_RANGE,
                        "release at most the order's amount",
                    )
                    .with("min", "0.01")
                    .with("max", order.amount.amount.to_string()),
                ));
            }
        }
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

impl From<crate::store::StoreError> for ApiErrorOr {
    fn from(e: crate::store::StoreError) -> Self {
        ApiErrorOr::Api(e.into())
    }
}

/// The writes of a request's new state (over version `seen`) and its audit entries.
fn request_writes(
    request: &CreditRequest,
    seen: u64,
    entries: Vec<AuditEntry>,
) -> Vec<WorkflowWrite> {
    let mut writes = vec![WorkflowWrite::Request {
        request: request.clone(),
        expected: Some(seen),
    }];
    writes.extend(entries.into_iter().map(WorkflowWrite::Audit));
    writes
}
