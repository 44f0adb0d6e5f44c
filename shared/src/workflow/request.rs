//! A credit request as stored (status, route steps with their SLAs, timeline, the evidence it
//! was filed on) and the bodies of the request endpoints.

use super::{Change, RequestKind, ReviewAction, StepSpec, text};
use crate::dto::FieldError;
use crate::{CustomerId, Grade, Money, Role};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    /// Waiting for the current step's role.
    Pending,
    /// Sent back to the requester for more information.
    Returned,
    /// Every step approved and the change applied to the credit file.
    Approved,
    Rejected,
    Withdrawn,
}

impl RequestStatus {
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Pending | RequestStatus::Returned)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    Approved,
    Rejected,
    Returned,
}

/// A step of a request's route and what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Step {
    pub role: Role,
    pub sla_hours: u32,
    /// When the step started waiting (absent until it is reached).
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub since: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub decided_at: Option<OffsetDateTime>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<StepOutcome>,
}

impl Step {
    pub(super) fn new(spec: &StepSpec) -> Self {
        Step {
            role: spec.role,
            sla_hours: spec.sla_hours,
            since: None,
            decided_by: None,
            decided_at: None,
            outcome: None,
        }
    }

    /// When the step is due (its start plus the SLA).
    pub fn due(&self) -> Option<OffsetDateTime> {
        self.since.map(|s| {
            s.checked_add(Duration::hours(i64::from(self.sla_hours)))
                .unwrap_or(s)
        })
    }

    /// Whether the step is past its SLA at `now` (for a waiting step) or was decided late.
    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        match (self.due(), self.decided_at) {
            (Some(due), Some(at)) => at > due,
            (Some(due), None) => now > due,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TimelineAction {
    Submitted,
    Approved,
    Rejected,
    Returned,
    Resubmitted,
    Withdrawn,
    /// Approved against a credit file that changed since submission: routed again.
    Rechecked,
    /// The change was written to the credit file.
    Applied,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimelineEvent {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: OffsetDateTime,
    pub by: String,
    pub action: TimelineAction,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// What the reviewer needs, as it was when the request was filed (or last resubmitted).
/// For a group's request, `credit_version` is the group's version and `limit`/`exposure`
/// the group's; for a party's, `credit_version` is 0 and the figures are zero: neither has a
/// grade, overdue items or terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evidence {
    /// Version of the credit file the request was filed against.
    pub credit_version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub score: Option<Decimal>,
    /// The assessment's reasons, strongest first.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub reasons: Vec<crate::engine::Reason>,
    pub limit: Money,
    pub exposure: Money,
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    pub terms_days: u32,
    pub on_hold: bool,
    pub blacklisted: bool,
    /// The engine's recommended limit.
    pub recommended_limit: Money,
    /// Amount of the blocked order, for order requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_amount: Option<Money>,
}

/// What a request changes: a customer's credit file (most requests), the shared limit of a
/// customer group (a `limit` change), the blacklist entry of a party that is not a
/// customer (a `blacklist_remove`), or the engine in force (a challenger's promotion). On the
/// wire it is one field beside the request's others: `customer_id`, `group`, `party` (the
/// entry's key) or `challenger`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum Subject {
    Customer {
        customer_id: CustomerId,
    },
    Group {
        group: String,
    },
    Party {
        party: String,
    },
    /// A challenger of the scoring lab (its promotion).
    Challenger {
        challenger: u32,
    },
}

impl Subject {
    /// The customer whose credit file the request changes, if it is a customer's.
    pub fn customer(&self) -> Option<&CustomerId> {
        match self {
            Subject::Customer { customer_id } => Some(customer_id),
            _ => None,
        }
    }

    /// Where the subject's requests are listed and filed in the API.
    pub fn api_base(&self) -> String {
        match self {
            Subject::Customer { customer_id } => format!("/v1/customers/{customer_id}/requests"),
            Subject::Group { group } => format!("/v1/groups/{group}/requests"),
            Subject::Party { .. } => "/v1/blacklist/requests".to_owned(),
            Subject::Challenger { .. } => "/v1/lab/requests".to_owned(),
        }
    }

    /// The API address of request `rid` of this subject.
    pub fn api_path(&self, rid: &str) -> String {
        format!("{}/{rid}", self.api_base())
    }

    /// The app's page of request `rid` of this subject.
    pub fn app_path(&self, rid: &str) -> String {
        match self {
            Subject::Customer { customer_id } => format!("/customers/{customer_id}/requests/{rid}"),
            Subject::Group { group } => format!("/groups/{group}/requests/{rid}"),
            Subject::Party { .. } => format!("/blacklist/requests/{rid}"),
            Subject::Challenger { .. } => format!("/lab/requests/{rid}"),
        }
    }
}

/// A request to change a credit file (or a group's limit, or a party's blacklist entry), and
/// its way through the approval matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditRequest {
    pub id: String,
    #[serde(flatten)]
    pub subject: Subject,
    /// The customer's name (the group's, or the party's, for their requests).
    pub customer_name: String,
    pub kind: RequestKind,
    pub change: Change,
    pub justification: String,
    pub requester: String,
    pub status: RequestStatus,
    /// The matrix rule and version that routed it.
    pub rule: String,
    pub matrix_version: u32,
    pub steps: Vec<Step>,
    pub timeline: Vec<TimelineEvent>,
    pub evidence: Evidence,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub updated_at: OffsetDateTime,
    /// Optimistic lock: every action names the version it was taken on.
    pub version: u64,
    /// The last version the requester has looked at ("moved" = newer than this).
    #[serde(default)]
    pub requester_seen: u64,
}

/// `POST /v1/customers/{id}/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    pub change: Change,
    pub justification: String,
    /// Sent with a request typed offline and sent late: the same key again answers with
    /// the request filed the first time (200) instead of filing it twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency_key: Option<String>,
}

/// `POST /v1/customers/{id}/requests/{rid}/review`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub action: ReviewAction,
    #[serde(default)]
    pub note: String,
    /// The request version the reviewer saw.
    pub version: u64,
}

/// `PUT /v1/customers/{id}/requests/{rid}`: amend and resubmit a returned request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResubmitRequest {
    pub version: u64,
    pub change: Change,
    pub justification: String,
}

/// `GET /v1/customers/{id}/requests/{rid}`: the request with the live credit file beside the
/// snapshot it was filed on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub request: CreditRequest,
    /// Evidence as it is now.
    pub current: Evidence,
    /// Whether the credit file changed since the request was filed.
    pub changed_since_filed: bool,
    /// Whether the caller may approve, reject or return it now.
    pub can_review: bool,
    /// Whether the caller may amend and resubmit it (the requester, when returned).
    pub can_resubmit: bool,
    pub can_withdraw: bool,
    /// SLA state of each step, computed at read time.
    pub overdue_steps: Vec<usize>,
}

/// Checks a justification (1–2000 characters).
pub fn validate_justification(field: &str, s: &str) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    text(&mut errors, field, s, 2000);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
