//! Credit workflow: requests, the approval matrix that routes them, the state machine an
//! approval walks through, SLAs, custom application fields, the onboarding application, the
//! blacklist and the audit trail's wire types.
//!
//! Everything here is pure: the server runs [`act`] / [`resubmit`] inside a guarded write, and
//! the browser uses the same types (and [`Application::customer_info`] for the live score
//! preview). Times are passed in; nothing here reads a clock.

use crate::dto::FieldError;
use crate::engine::calendar::iso_date;
use crate::engine::{CompanySize, CustomerInfo, Financials, Profile};
use crate::role::Grade;
use crate::{Currency, CustomerId, Money, Role, Usci};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::{Date, Duration, OffsetDateTime};

/// The kinds of request, as the approval matrix names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    NewCreditLine,
    LimitIncrease,
    LimitDecrease,
    TemporaryLimit,
    TermsChange,
    HoldRelease,
    BlockedOrderRelease,
    BlockedOrderReject,
    BlacklistAdd,
    BlacklistRemove,
}

impl RequestKind {
    pub const ALL: [RequestKind; 10] = [
        RequestKind::NewCreditLine,
        RequestKind::LimitIncrease,
        RequestKind::LimitDecrease,
        RequestKind::TemporaryLimit,
        RequestKind::TermsChange,
        RequestKind::HoldRelease,
        RequestKind::BlockedOrderRelease,
        RequestKind::BlockedOrderReject,
        RequestKind::BlacklistAdd,
        RequestKind::BlacklistRemove,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::NewCreditLine => "new_credit_line",
            RequestKind::LimitIncrease => "limit_increase",
            RequestKind::LimitDecrease => "limit_decrease",
            RequestKind::TemporaryLimit => "temporary_limit",
            RequestKind::TermsChange => "terms_change",
            RequestKind::HoldRelease => "hold_release",
            RequestKind::BlockedOrderRelease => "blocked_order_release",
            RequestKind::BlockedOrderReject => "blocked_order_reject",
            RequestKind::BlacklistAdd => "blacklist_add",
            RequestKind::BlacklistRemove => "blacklist_remove",
        }
    }
}

/// What a request asks to change. The request's [`RequestKind`] follows from it (and, for a
/// limit, from the limit in force when it is filed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A first credit line for a new customer (from an application).
    NewCreditLine {
        limit: Money,
        terms_days: u16,
    },
    /// A new permanent limit (an increase or a decrease).
    Limit {
        limit: Money,
    },
    /// A temporary limit until `until` (inclusive).
    TemporaryLimit {
        limit: Money,
        #[serde(with = "iso_date")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        until: Date,
    },
    TermsChange {
        terms_days: u16,
    },
    HoldRelease,
    /// Release a blocked order (`order_key` is its idempotency key in the blocked queue).
    BlockedOrderRelease {
        order_key: String,
    },
    BlockedOrderReject {
        order_key: String,
    },
    BlacklistAdd {
        reason: String,
        source: String,
    },
    BlacklistRemove,
}

impl Change {
    /// The kind the matrix routes on, given the permanent limit in force.
    pub fn kind(&self, current_limit: Option<Decimal>) -> RequestKind {
        match self {
            Change::NewCreditLine { .. } => RequestKind::NewCreditLine,
            Change::Limit { limit } => match current_limit {
                Some(now) if limit.amount < now => RequestKind::LimitDecrease,
                _ => RequestKind::LimitIncrease,
            },
            Change::TemporaryLimit { .. } => RequestKind::TemporaryLimit,
            Change::TermsChange { .. } => RequestKind::TermsChange,
            Change::HoldRelease => RequestKind::HoldRelease,
            Change::BlockedOrderRelease { .. } => RequestKind::BlockedOrderRelease,
            Change::BlockedOrderReject { .. } => RequestKind::BlockedOrderReject,
            Change::BlacklistAdd { .. } => RequestKind::BlacklistAdd,
            Change::BlacklistRemove => RequestKind::BlacklistRemove,
        }
    }

    /// The amount the matrix bands on: the limit asked for (the order's amount for a blocked
    /// order is filled in by the server from the queue).
    pub fn amount(&self) -> Option<Money> {
        match self {
            Change::NewCreditLine { limit, .. }
            | Change::Limit { limit }
            | Change::TemporaryLimit { limit, .. } => Some(*limit),
            _ => None,
        }
    }

    /// Checks what can be checked without the credit file; errors name `change.*` fields.
    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let money = |errors: &mut Vec<FieldError>, field: &str, m: &Money| {
            if m.amount.is_sign_negative() || m.amount.scale() > 2 {
                errors.push(fe(
                    &format!("change.{field}.amount"),
                    "must be zero or more, with at most 2 decimals",
                ));
            }
        };
        let terms = |errors: &mut Vec<FieldError>, days: u16| {
            if days > 365 {
                errors.push(fe("change.terms_days", "at most 365 days"));
            }
        };
        match self {
            Change::NewCreditLine { limit, terms_days } => {
                money(&mut errors, "limit", limit);
                terms(&mut errors, *terms_days);
            }
            Change::Limit { limit } => money(&mut errors, "limit", limit),
            Change::TemporaryLimit { limit, until } => {
                money(&mut errors, "limit", limit);
                if *until < today {
                    errors.push(fe("change.until", "must be today or later"));
                }
                if *until > today + Duration::days(366) {
                    errors.push(fe("change.until", "at most one year ahead"));
                }
            }
            Change::TermsChange { terms_days } => terms(&mut errors, *terms_days),
            Change::BlockedOrderRelease { order_key }
            | Change::BlockedOrderReject { order_key } => {
                if !crate::credit::valid_idempotency_key(order_key) {
                    errors.push(fe("change.order_key", "not an order of the blocked queue"));
                }
            }
            Change::BlacklistAdd { reason, source } => {
                text(&mut errors, "change.reason", reason, 500);
                text(&mut errors, "change.source", source, 200);
            }
            Change::HoldRelease | Change::BlacklistRemove => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

fn fe(field: &str, message: &str) -> FieldError {
    FieldError {
        field: field.to_owned(),
        message: message.to_owned(),
    }
}

fn text(errors: &mut Vec<FieldError>, field: &str, value: &str, max: usize) {
    let n = value.trim().chars().count();
    if n == 0 {
        errors.push(fe(field, "required"));
    } else if n > max {
        errors.push(fe(field, &format!("at most {max} characters")));
    }
}

// ---------------------------------------------------------------------------------------------
// The approval matrix
// ---------------------------------------------------------------------------------------------

/// One approval step: a role must approve within `sla_hours` of the step starting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    pub role: Role,
    pub sla_hours: u32,
}

/// A row of the matrix. Empty `kinds`/`grades` match any; amounts are in the matrix currency,
/// `min_amount` inclusive and `max_amount` inclusive. A request without an amount matches
/// only rows without amount bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MatrixRule {
    pub name: String,
    #[serde(default)]
    pub kinds: Vec<RequestKind>,
    #[serde(default)]
    pub grades: Vec<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_amount: Option<Decimal>,
    pub steps: Vec<StepSpec>,
}

/// Which roles approve which requests, in which order: per tenant, as data. The first rule that
/// matches wins; the last rule must match everything so every request has a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApprovalMatrix {
    /// Set by the server when stored (1, 2, …); ignored on input.
    #[serde(default)]
    pub version: u32,
    pub currency: Currency,
    pub rules: Vec<MatrixRule>,
}

pub const MAX_STEPS: usize = 6;
pub const MAX_SLA_HOURS: u32 = 24 * 30;

impl MatrixRule {
    fn matches(&self, kind: RequestKind, amount: Option<Decimal>, grade: Option<Grade>) -> bool {
        let kind_ok = self.kinds.is_empty() || self.kinds.contains(&kind);
        let grade_ok = self.grades.is_empty() || grade.is_some_and(|g| self.grades.contains(&g));
        let amount_ok = match (amount, self.min_amount, self.max_amount) {
            (_, None, None) => true,
            (None, _, _) => false,
            (Some(a), min, max) => min.is_none_or(|m| a >= m) && max.is_none_or(|m| a <= m),
        };
        kind_ok && grade_ok && amount_ok
    }

    fn is_catch_all(&self) -> bool {
        self.kinds.is_empty()
            && self.grades.is_empty()
            && self.min_amount.is_none()
            && self.max_amount.is_none()
    }
}

impl ApprovalMatrix {
    /// The shipped default for a new tenant (see `defaults/approval_matrix.json`).
    pub fn default_matrix() -> Self {
        serde_json::from_str(include_str!("../defaults/approval_matrix.json"))
            .expect("the shipped approval matrix parses")
    }

    /// The rule a request is routed by.
    pub fn route(
        &self,
        kind: RequestKind,
        amount: Option<Decimal>,
        grade: Option<Grade>,
    ) -> &MatrixRule {
        self.rules
            .iter()
            .find(|r| r.matches(kind, amount, grade))
            .or(self.rules.last())
            .expect("a validated matrix has rules")
    }

    /// Errors name the field (`rules[2].steps[0].role`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.rules.is_empty() {
            errors.push(fe("rules", "add at least one rule"));
        }
        if self.rules.len() > 100 {
            errors.push(fe("rules", "at most 100 rules"));
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |f: &str| format!("rules[{i}].{f}");
            text(&mut errors, &at("name"), &rule.name, 80);
            if rule.steps.is_empty() || rule.steps.len() > MAX_STEPS {
                errors.push(fe(&at("steps"), &format!("1 to {MAX_STEPS} steps")));
            }
            for (j, step) in rule.steps.iter().enumerate() {
                if step.role == Role::Sales {
                    errors.push(fe(
                        &at(&format!("steps[{j}].role")),
                        "sales reps request; they cannot approve",
                    ));
                }
                if step.sla_hours == 0 || step.sla_hours > MAX_SLA_HOURS {
                    errors.push(fe(
                        &at(&format!("steps[{j}].sla_hours")),
                        &format!("1 to {MAX_SLA_HOURS} hours"),
                    ));
                }
            }
            for (name, v) in [
                ("min_amount", rule.min_amount),
                ("max_amount", rule.max_amount),
            ] {
                if v.is_some_and(|v| v.is_sign_negative()) {
                    errors.push(fe(&at(name), "must be zero or more"));
                }
            }
            if let (Some(min), Some(max)) = (rule.min_amount, rule.max_amount)
                && min > max
            {
                errors.push(fe(&at("max_amount"), "must not be below min_amount"));
            }
        }
        if let Some(last) = self.rules.last()
            && !last.is_catch_all()
        {
            errors.push(fe(
                &format!("rules[{}]", self.rules.len() - 1),
                "the last rule must match every request (no kinds, grades or amounts)",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests and their state machine
// ---------------------------------------------------------------------------------------------

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
    fn new(spec: &StepSpec) -> Self {
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
        self.since
            .map(|s| s + Duration::hours(i64::from(self.sla_hours)))
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

/// A request to change a credit file, and its way through the approval matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditRequest {
    pub id: String,
    pub customer_id: CustomerId,
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

/// Who is acting on a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor<'a> {
    pub username: &'a str,
    pub roles: &'a [Role],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Approve,
    Reject,
    /// Send back to the requester, saying what is missing.
    Return,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("the request is {0:?}; only a pending request can be decided")]
    NotPending(RequestStatus),
    #[error("this step waits for the {0} role")]
    NotYourStep(Role),
    #[error("you filed this request; someone else must approve it")]
    OwnRequest,
    #[error("you already approved an earlier step of this request")]
    AlreadyApproved,
    #[error("say why (a note is required)")]
    NoteRequired,
    #[error("only the requester may do this")]
    NotRequester,
    #[error("only a returned request can be amended and resubmitted")]
    NotReturned,
    #[error("the request is closed")]
    Closed,
}

/// What an approval step led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActOutcome {
    /// Moved on to the next step.
    NextStep,
    /// The last step approved: the caller applies the change (in the same guarded write).
    FinalApproval,
    Rejected,
    Returned,
}

impl CreditRequest {
    /// A new request routed by `rule`, waiting at its first step from `now`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        customer_id: CustomerId,
        customer_name: String,
        change: Change,
        kind: RequestKind,
        justification: String,
        requester: &str,
        rule: &MatrixRule,
        matrix_version: u32,
        evidence: Evidence,
        now: OffsetDateTime,
    ) -> Self {
        let mut steps: Vec<Step> = rule.steps.iter().map(Step::new).collect();
        if let Some(first) = steps.first_mut() {
            first.since = Some(now);
        }
        CreditRequest {
            id,
            customer_id,
            customer_name,
            kind,
            change,
            justification,
            requester: requester.to_owned(),
            status: RequestStatus::Pending,
            rule: rule.name.clone(),
            matrix_version,
            steps,
            timeline: vec![TimelineEvent {
                at: now,
                by: requester.to_owned(),
                action: TimelineAction::Submitted,
                note: String::new(),
            }],
            evidence,
            created_at: now,
            updated_at: now,
            version: 1,
            requester_seen: 1,
        }
    }

    /// The step waiting for a decision, if the request is pending.
    pub fn current_step(&self) -> Option<&Step> {
        if self.status != RequestStatus::Pending {
            return None;
        }
        self.steps.iter().find(|s| s.outcome.is_none())
    }

    fn current_index(&self) -> Option<usize> {
        if self.status != RequestStatus::Pending {
            return None;
        }
        self.steps.iter().position(|s| s.outcome.is_none())
    }

    /// Whether `actor` may decide the current step now.
    pub fn can_decide(&self, actor: &Actor) -> Result<(), WorkflowError> {
        let Some(step) = self.current_step() else {
            return Err(WorkflowError::NotPending(self.status));
        };
        if actor.username == self.requester {
            return Err(WorkflowError::OwnRequest);
        }
        if !actor.roles.contains(&step.role) {
            return Err(WorkflowError::NotYourStep(step.role));
        }
        if self
            .steps
            .iter()
            .any(|s| s.decided_by.as_deref() == Some(actor.username))
        {
            return Err(WorkflowError::AlreadyApproved);
        }
        Ok(())
    }

    /// Approves, rejects or returns the current step. Reject and return need a note.
    pub fn act(
        &mut self,
        actor: &Actor,
        action: ReviewAction,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<ActOutcome, WorkflowError> {
        self.can_decide(actor)?;
        let note = note.trim();
        if action != ReviewAction::Approve && note.is_empty() {
            return Err(WorkflowError::NoteRequired);
        }
        let i = self.current_index().expect("checked by can_decide");
        let step = &mut self.steps[i];
        step.decided_by = Some(actor.username.to_owned());
        step.decided_at = Some(now);
        let (outcome, timeline) = match action {
            ReviewAction::Approve => {
                step.outcome = Some(StepOutcome::Approved);
                match self.steps.get_mut(i + 1) {
                    Some(next) => {
                        next.since = Some(now);
                        (ActOutcome::NextStep, TimelineAction::Approved)
                    }
                    None => {
                        self.status = RequestStatus::Approved;
                        (ActOutcome::FinalApproval, TimelineAction::Approved)
                    }
                }
            }
            ReviewAction::Reject => {
                step.outcome = Some(StepOutcome::Rejected);
                self.status = RequestStatus::Rejected;
                (ActOutcome::Rejected, TimelineAction::Rejected)
            }
            ReviewAction::Return => {
                step.outcome = Some(StepOutcome::Returned);
                self.status = RequestStatus::Returned;
                (ActOutcome::Returned, TimelineAction::Returned)
            }
        };
        self.timeline.push(TimelineEvent {
            at: now,
            by: actor.username.to_owned(),
            action: timeline,
            note: note.to_owned(),
        });
        self.touch(now);
        Ok(outcome)
    }

    /// The requester amends a returned request; it starts again from the first step of the
    /// rule it is routed by now (earlier approvals were given on other facts).
    #[allow(clippy::too_many_arguments)]
    pub fn resubmit(
        &mut self,
        actor: &Actor,
        change: Change,
        kind: RequestKind,
        justification: String,
        rule: &MatrixRule,
        matrix_version: u32,
        evidence: Evidence,
        now: OffsetDateTime,
    ) -> Result<(), WorkflowError> {
        if actor.username != self.requester {
            return Err(WorkflowError::NotRequester);
        }
        if self.status != RequestStatus::Returned {
            return Err(WorkflowError::NotReturned);
        }
        self.change = change;
        self.kind = kind;
        self.justification = justification;
        self.rule = rule.name.clone();
        self.matrix_version = matrix_version;
        self.evidence = evidence;
        self.steps = rule.steps.iter().map(Step::new).collect();
        if let Some(first) = self.steps.first_mut() {
            first.since = Some(now);
        }
        self.status = RequestStatus::Pending;
        self.timeline.push(TimelineEvent {
            at: now,
            by: actor.username.to_owned(),
            action: TimelineAction::Resubmitted,
            note: String::new(),
        });
        self.touch(now);
        Ok(())
    }

    /// The requester withdraws an open request.
    pub fn withdraw(&mut self, actor: &Actor, now: OffsetDateTime) -> Result<(), WorkflowError> {
        if actor.username != self.requester {
            return Err(WorkflowError::NotRequester);
        }
        if !self.status.is_open() {
            return Err(WorkflowError::Closed);
        }
        if let Some(i) = self.current_index() {
            self.steps.truncate(i);
        }
        self.status = RequestStatus::Withdrawn;
        self.timeline.push(TimelineEvent {
            at: now,
            by: actor.username.to_owned(),
            action: TimelineAction::Withdrawn,
            note: String::new(),
        });
        self.touch(now);
        Ok(())
    }

    /// After the final approval, the credit file had changed since the request was filed and
    /// the matrix now routes it by a rule with roles that have not approved yet: those steps
    /// are added and the request waits again instead of being applied.
    pub fn reroute(&mut self, rule: &MatrixRule, why: &str, now: OffsetDateTime) -> bool {
        let approved: Vec<Role> = self
            .steps
            .iter()
            .filter(|s| s.outcome == Some(StepOutcome::Approved))
            .map(|s| s.role)
            .collect();
        let missing: Vec<&StepSpec> = rule
            .steps
            .iter()
            .filter(|s| !approved.contains(&s.role))
            .collect();
        if missing.is_empty() {
            return false;
        }
        let start = self.steps.len();
        self.steps.extend(missing.into_iter().map(Step::new));
        self.steps[start].since = Some(now);
        self.status = RequestStatus::Pending;
        self.rule = rule.name.clone();
        self.timeline.push(TimelineEvent {
            at: now,
            by: "credence".into(),
            action: TimelineAction::Rechecked,
            note: why.to_owned(),
        });
        true
    }

    /// The final approval was given, but the credit file changed so that the request can no
    /// longer be applied as asked (for example the customer was blacklisted meanwhile): it
    /// goes back to the requester with the reason.
    pub fn bounce(&mut self, why: &str, now: OffsetDateTime) {
        if let Some(last) = self.steps.iter_mut().rev().find(|s| s.outcome.is_some()) {
            last.outcome = Some(StepOutcome::Returned);
        }
        self.status = RequestStatus::Returned;
        self.timeline.push(TimelineEvent {
            at: now,
            by: "credence".into(),
            action: TimelineAction::Rechecked,
            note: why.to_owned(),
        });
    }

    /// Records that the change was written to the credit file.
    pub fn applied(&mut self, by: &str, note: &str, now: OffsetDateTime) {
        self.timeline.push(TimelineEvent {
            at: now,
            by: by.to_owned(),
            action: TimelineAction::Applied,
            note: note.to_owned(),
        });
        self.updated_at = now;
    }

    fn touch(&mut self, now: OffsetDateTime) {
        self.updated_at = now;
        self.version += 1;
    }

    /// Whether the requester has news they have not looked at.
    pub fn moved_for_requester(&self) -> bool {
        self.version > self.requester_seen
    }

    pub fn summary(&self, now: OffsetDateTime) -> RequestSummary {
        let step = self.current_step();
        RequestSummary {
            id: self.id.clone(),
            customer_id: self.customer_id.clone(),
            customer_name: self.customer_name.clone(),
            kind: self.kind,
            amount: self.change.amount().or(self.evidence.order_amount),
            status: self.status,
            requester: self.requester.clone(),
            waiting_for: step.map(|s| s.role),
            since: step.and_then(|s| s.since),
            due: step.and_then(Step::due),
            overdue: step.is_some_and(|s| s.overdue(now)),
            updated_at: self.updated_at,
            moved: self.moved_for_requester(),
        }
    }
}

/// A line of a request list or inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSummary {
    pub id: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub kind: RequestKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    pub status: RequestStatus,
    pub requester: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_for: Option<Role>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub since: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub due: Option<OffsetDateTime>,
    pub overdue: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub updated_at: OffsetDateTime,
    /// For the requester: something happened they have not seen.
    pub moved: bool,
}

/// `GET /v1/inbox`: what waits for me, what of mine came back, and what of mine moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    /// Pending requests whose current step is for one of my roles (not my own).
    pub waiting: Vec<RequestSummary>,
    /// My requests sent back to me for more information.
    pub returned: Vec<RequestSummary>,
    /// My requests, open ones and recently closed ones, newest change first.
    pub mine: Vec<RequestSummary>,
    pub counts: InboxCounts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxCounts {
    pub waiting: u32,
    pub overdue: u32,
    pub returned: u32,
    /// Requests of mine with news I have not opened.
    pub moved: u32,
}

impl InboxCounts {
    /// The number on the navigation badge.
    pub fn badge(&self) -> u32 {
        self.waiting + self.returned + self.moved
    }
}

/// `POST /v1/customers/{id}/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    pub change: Change,
    pub justification: String,
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

// ---------------------------------------------------------------------------------------------
// Custom application fields
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    Text,
    Number,
    Money,
    Date,
    Choice { options: Vec<String> },
    YesNo,
}

/// A field an admin added to the credit application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Stable key, `a-z 0-9 _`, 1–40 characters.
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Roles that see the field (empty: everyone).
    #[serde(default)]
    pub visible_to: Vec<Role>,
}

impl FieldDef {
    pub fn visible_to_any(&self, roles: &[Role]) -> bool {
        self.visible_to.is_empty() || roles.iter().any(|r| self.visible_to.contains(r))
    }
}

/// The tenant's custom fields, versioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldSet {
    #[serde(default)]
    pub version: u32,
    pub fields: Vec<FieldDef>,
}

pub const MAX_CUSTOM_FIELDS: usize = 50;
pub const MAX_CUSTOM_TEXT: usize = 500;

impl FieldSet {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.fields.len() > MAX_CUSTOM_FIELDS {
            errors.push(fe("fields", &format!("at most {MAX_CUSTOM_FIELDS} fields")));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, f) in self.fields.iter().enumerate() {
            let at = |n: &str| format!("fields[{i}].{n}");
            let key_ok = !f.key.is_empty()
                && f.key.len() <= 40
                && f.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !key_ok {
                errors.push(fe(&at("key"), "1 to 40 of a-z, 0-9 and _"));
            } else if !seen.insert(f.key.as_str()) {
                errors.push(fe(&at("key"), "another field has this key"));
            }
            text(&mut errors, &at("label"), &f.label, 80);
            if let FieldKind::Choice { options } = &f.kind {
                if options.is_empty() || options.len() > 50 {
                    errors.push(fe(&at("kind.options"), "1 to 50 options"));
                }
                if options
                    .iter()
                    .any(|o| o.trim().is_empty() || o.chars().count() > 80)
                {
                    errors.push(fe(&at("kind.options"), "each option 1 to 80 characters"));
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks the values a person entered (as typed) against the fields they can see.
    /// Errors name `custom.{key}`. Values for fields the person cannot see, or that do not
    /// exist, are refused rather than dropped.
    pub fn check_values(
        &self,
        values: &BTreeMap<String, String>,
        roles: &[Role],
    ) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut out = BTreeMap::new();
        for key in values.keys() {
            if !self
                .fields
                .iter()
                .any(|f| &f.key == key && f.visible_to_any(roles))
            {
                errors.push(fe(&format!("custom.{key}"), "no such field"));
            }
        }
        for f in self.fields.iter().filter(|f| f.visible_to_any(roles)) {
            let field = format!("custom.{}", f.key);
            let raw = values.get(&f.key).map(|v| v.trim()).unwrap_or("");
            if raw.is_empty() {
                if f.required {
                    errors.push(fe(&field, "required"));
                }
                continue;
            }
            match check_value(&f.kind, raw) {
                Ok(v) => {
                    out.insert(f.key.clone(), v);
                }
                Err(message) => errors.push(fe(&field, message)),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// One value against its kind; the normalised value or why not.
pub fn check_value(kind: &FieldKind, raw: &str) -> Result<String, &'static str> {
    match kind {
        FieldKind::Text => {
            if raw.chars().count() > MAX_CUSTOM_TEXT {
                Err("at most 500 characters")
            } else {
                Ok(raw.to_owned())
            }
        }
        FieldKind::Number => raw
            .parse::<Decimal>()
            .map(|d| d.normalize().to_string())
            .map_err(|_| "must be a number"),
        FieldKind::Money => match raw.replace(',', "").parse::<Decimal>() {
            Ok(d) if d.is_sign_negative() => Err("must be zero or more"),
            Ok(d) if d.scale() > 2 => Err("at most 2 decimals"),
            Ok(d) => Ok(d.to_string()),
            Err(_) => Err("must be an amount such as 12000.00"),
        },
        FieldKind::Date => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(raw, format)
                .map(|d| d.to_string())
                .map_err(|_| "must be a date YYYY-MM-DD")
        }
        FieldKind::Choice { options } => options
            .iter()
            .find(|o| o.as_str() == raw)
            .cloned()
            .ok_or("choose one of the options"),
        FieldKind::YesNo => match raw {
            "yes" | "true" => Ok("yes".into()),
            "no" | "false" => Ok("no".into()),
            _ => Err("yes or no"),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The credit application (onboarding)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TradeReference {
    pub company: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub phone: String,
    /// Years the reference has traded with the applicant.
    #[serde(default)]
    pub years: u32,
}

/// `POST /v1/applications`: a new customer asking for credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Unified social credit code (统一社会信用代码), 18 characters with its check character.
    pub usci: String,
    pub industry: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub size: CompanySize,
    pub registered_capital: Money,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub founded: Date,
    pub expected_monthly_purchases: Money,
    pub requested_limit: Money,
    pub requested_terms_days: u16,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub trade_references: Vec<TradeReference>,
    /// Latest financial statements, if the applicant gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub financials: Option<Financials>,
    /// Custom fields by key, as typed.
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
    pub justification: String,
}

impl Application {
    /// Checks the standard part; `custom` is checked against the tenant's [`FieldSet`].
    pub fn validate(&self, currency: Currency, today: Date) -> Result<Usci, Vec<FieldError>> {
        let mut errors = Vec::new();
        text(&mut errors, "name", &self.name, 200);
        text(&mut errors, "industry", &self.industry, 100);
        text(&mut errors, "justification", &self.justification, 2000);
        let usci = Usci::parse(self.usci.trim());
        if let Err(e) = &usci {
            errors.push(fe("usci", &e.to_string()));
        }
        for (field, m) in [
            ("registered_capital", &self.registered_capital),
            (
                "expected_monthly_purchases",
                &self.expected_monthly_purchases,
            ),
            ("requested_limit", &self.requested_limit),
        ] {
            if m.currency != currency {
                errors.push(fe(
                    &format!("{field}.currency"),
                    &format!("amounts are in the account currency {currency}"),
                ));
            }
            if m.amount.is_sign_negative() || m.amount.scale() > 2 {
                errors.push(fe(
                    &format!("{field}.amount"),
                    "must be zero or more, with at most 2 decimals",
                ));
            }
        }
        if self.founded > today {
            errors.push(fe("founded", "cannot be in the future"));
        }
        if self.requested_terms_days > 365 {
            errors.push(fe("requested_terms_days", "at most 365 days"));
        }
        if self.contacts.is_empty() {
            errors.push(fe("contacts", "add at least one contact"));
        }
        if self.contacts.len() > 10 {
            errors.push(fe("contacts", "at most 10 contacts"));
        }
        for (i, c) in self.contacts.iter().enumerate() {
            text(&mut errors, &format!("contacts[{i}].name"), &c.name, 100);
            if c.phone.trim().is_empty() && c.email.trim().is_empty() {
                errors.push(fe(
                    &format!("contacts[{i}].phone"),
                    "give a phone or an email",
                ));
            }
            if !c.email.trim().is_empty() && !c.email.contains('@') {
                errors.push(fe(&format!("contacts[{i}].email"), "not an email address"));
            }
        }
        if self.trade_references.len() > 10 {
            errors.push(fe("trade_references", "at most 10 references"));
        }
        for (i, r) in self.trade_references.iter().enumerate() {
            text(
                &mut errors,
                &format!("trade_references[{i}].company"),
                &r.company,
                200,
            );
        }
        if let Some(f) = &self.financials
            && f.currency() != currency
        {
            errors.push(fe(
                "financials.currency",
                &format!("statements are in the account currency {currency}"),
            ));
        }
        match (errors.is_empty(), usci) {
            (true, Ok(u)) => Ok(u),
            _ => Err(errors),
        }
    }

    /// What the engine scores for the applicant (no ledger yet).
    pub fn customer_info(&self, blacklisted: bool) -> CustomerInfo {
        CustomerInfo {
            profile: Profile {
                founded: Some(self.founded),
                registered_capital: Some(self.registered_capital),
                industry: Some(self.industry.trim().to_owned()).filter(|s| !s.is_empty()),
                size: Some(self.size),
                registration: None,
            },
            financials: self.financials.clone(),
            blacklisted,
            expected_monthly_purchases: Some(self.expected_monthly_purchases),
            ..CustomerInfo::default()
        }
    }
}

/// `POST /v1/applications/screen`: what the form checks as it is filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    #[serde(default)]
    pub usci: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenResult {
    /// Existing customers with the same code or name.
    pub duplicates: Vec<crate::dto::CustomerSummary>,
    /// Blacklist entries with the same code or name.
    pub blacklisted: Vec<BlacklistEntry>,
}

/// `POST /v1/applications` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationCreated {
    pub customer_id: CustomerId,
    pub request_id: String,
}

// ---------------------------------------------------------------------------------------------
// Blacklist
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlacklistEntry {
    /// The code, or `NAME:{normalised name}` when the party has no code.
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub usci: Option<Usci>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    pub reason: String,
    /// Where it came from (court list, own experience, industry association, …).
    pub source: String,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub added_on: Date,
    pub added_by: String,
}

/// `POST /v1/blacklist`: risk adds a party (a customer or not) to the blacklist at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlacklistAdd {
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub usci: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    pub reason: String,
    pub source: String,
}

// ---------------------------------------------------------------------------------------------
// Audit trail
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditEntity {
    CreditFile,
    Request,
    Customer,
    Blacklist,
    Policy,
    Model,
    Matrix,
    CustomFields,
    User,
}

impl AuditEntity {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEntity::CreditFile => "credit_file",
            AuditEntity::Request => "request",
            AuditEntity::Customer => "customer",
            AuditEntity::Blacklist => "blacklist",
            AuditEntity::Policy => "policy",
            AuditEntity::Model => "model",
            AuditEntity::Matrix => "matrix",
            AuditEntity::CustomFields => "custom_fields",
            AuditEntity::User => "user",
        }
    }
}

/// One append-only record: who changed what, when, from what to what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: OffsetDateTime,
    pub actor: String,
    pub entity: AuditEntity,
    pub entity_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// What was done (`decide`, `approve`, `publish`, `add`, …).
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Users and engine configuration
// ---------------------------------------------------------------------------------------------

/// A user of the tenant as the admin pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRecord {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub roles: Vec<Role>,
    #[serde(default = "yes")]
    pub active: bool,
    pub version: u64,
}

fn yes() -> bool {
    true
}

/// `PUT /v1/admin/users/{username}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// The version seen; 0 to create.
    pub version: u64,
    #[serde(default)]
    pub display_name: String,
    pub roles: Vec<Role>,
    #[serde(default = "yes")]
    pub active: bool,
    pub reason: String,
}

/// A published version of the tenant's scorecard model and credit policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EngineVersion {
    pub version: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    pub published_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub published_at: OffsetDateTime,
    pub reason: String,
    /// Whether this version is the one in force.
    #[serde(default)]
    pub active: bool,
}

/// `POST /v1/admin/engine-versions`: publish a new model and policy (in force at once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishEngine {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    pub reason: String,
}

/// `PUT /v1/admin/approval-matrix` and `PUT /v1/admin/custom-fields` carry the new document,
/// the version it replaces and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Versioned<T> {
    /// The version being replaced (0 when there is none yet).
    pub replaces: u32,
    pub reason: String,
    pub document: T,
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros_free::*;

    mod rust_decimal_macros_free {
        pub fn d(s: &str) -> rust_decimal::Decimal {
            s.parse().unwrap()
        }
    }

    fn cny(s: &str) -> Money {
        Money::new(d(s), Currency::CNY)
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2026-11-02 09:00 UTC)
    }

    fn evidence() -> Evidence {
        Evidence {
            credit_version: 3,
            grade: Some(Grade::C),
            score: Some(Decimal::from(600)),
            reasons: vec![],
            limit: cny("100000"),
            exposure: cny("50000"),
            overdue: cny("0"),
            oldest_overdue_days: 0,
            terms_days: 30,
            on_hold: false,
            blacklisted: false,
            recommended_limit: cny("120000"),
            order_amount: None,
        }
    }

    fn request(matrix: &ApprovalMatrix, limit: &str, grade: Grade) -> CreditRequest {
        let change = Change::Limit { limit: cny(limit) };
        let kind = change.kind(Some(d("100000")));
        let rule = matrix.route(kind, change.amount().map(|m| m.amount), Some(grade));
        CreditRequest::new(
            "R1".into(),
            CustomerId::parse("C1").unwrap(),
            "Acme".into(),
            change,
            kind,
            "big season".into(),
            "sales",
            rule,
            matrix.version,
            evidence(),
            now(),
        )
    }

    fn actor<'a>(name: &'a str, roles: &'a [Role]) -> Actor<'a> {
        Actor {
            username: name,
            roles,
        }
    }

    #[test]
    fn the_shipped_matrix_is_valid_and_routes_every_kind_and_grade() {
        let m = ApprovalMatrix::default_matrix();

        m.validate().unwrap();

        for kind in RequestKind::ALL {
            for grade in [Grade::A, Grade::C, Grade::E] {
                for amount in [None, Some(d("0")), Some(d("50000000"))] {
                    assert!(!m.route(kind, amount, Some(grade)).steps.is_empty());
                }
            }
        }
    }

    #[test]
    fn a_larger_increase_or_a_worse_grade_needs_more_approvers() {
        let m = ApprovalMatrix::default_matrix();
        let steps = |amount: &str, grade| {
            m.route(RequestKind::LimitIncrease, Some(d(amount)), Some(grade))
                .steps
                .len()
        };

        assert!(steps("50000", Grade::B) < steps("800000", Grade::B));
        assert!(steps("800000", Grade::B) < steps("5000000", Grade::B));
        assert!(steps("50000", Grade::B) < steps("50000", Grade::E));
    }

    #[test]
    fn a_matrix_without_a_catch_all_last_rule_or_with_a_sales_approver_is_refused() {
        let mut m = ApprovalMatrix::default_matrix();
        m.rules.last_mut().unwrap().kinds = vec![RequestKind::HoldRelease];
        m.rules[0].steps[0].role = Role::Sales;
        m.rules[0].steps.push(StepSpec {
            role: Role::Risk,
            sla_hours: 0,
        });

        let errors = m.validate().unwrap_err();

        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(fields.contains(&"rules[0].steps[0].role"), "{fields:?}");
        assert!(
            fields.iter().any(|f| f.ends_with("sla_hours")),
            "{fields:?}"
        );
        assert!(fields.contains(&format!("rules[{}]", m.rules.len() - 1).as_str()));
    }

    #[test]
    fn a_request_walks_every_step_and_the_last_approval_is_final() {
        let m = ApprovalMatrix::default_matrix();
        let mut r = request(&m, "800000", Grade::B);
        let roles: Vec<Role> = r.steps.iter().map(|s| s.role).collect();
        assert!(roles.len() >= 2);

        let mut outcomes = Vec::new();
        for (i, role) in roles.iter().enumerate() {
            let name = format!("user{i}");
            let who = [*role];
            outcomes.push(
                r.act(&actor(&name, &who), ReviewAction::Approve, "", now())
                    .unwrap(),
            );
        }

        assert_eq!(outcomes.last(), Some(&ActOutcome::FinalApproval));
        assert!(
            outcomes[..outcomes.len() - 1]
                .iter()
                .all(|o| *o == ActOutcome::NextStep)
        );
        assert_eq!(r.status, RequestStatus::Approved);
        assert_eq!(r.version, 1 + roles.len() as u64);
    }

    #[test]
    fn the_requester_cannot_approve_and_the_wrong_role_cannot_either() {
        let m = ApprovalMatrix::default_matrix();
        let mut r = request(&m, "50000", Grade::B);
        let role = r.steps[0].role;

        let own = r.act(&actor("sales", &[role]), ReviewAction::Approve, "", now());
        let wrong = r.act(
            &actor("x", &[Role::Finance, Role::Sales]),
            ReviewAction::Approve,
            "",
            now(),
        );

        assert_eq!(own, Err(WorkflowError::OwnRequest));
        if role != Role::Finance {
            assert_eq!(wrong, Err(WorkflowError::NotYourStep(role)));
        }
        assert_eq!(r.version, 1);
    }

    #[test]
    fn one_person_cannot_approve_two_steps() {
        let m = ApprovalMatrix::default_matrix();
        let mut r = request(&m, "800000", Grade::B);
        let all = Role::ALL;
        r.act(&actor("boss", &all), ReviewAction::Approve, "", now())
            .unwrap();

        let again = r.act(&actor("boss", &all), ReviewAction::Approve, "", now());

        assert_eq!(again, Err(WorkflowError::AlreadyApproved));
    }

    #[test]
    fn reject_and_return_need_a_note_and_a_returned_request_can_be_resubmitted() {
        let m = ApprovalMatrix::default_matrix();
        let mut r = request(&m, "50000", Grade::B);
        let role = [r.steps[0].role];
        let reviewer = actor("rita", &role);
        assert_eq!(
            r.act(&reviewer, ReviewAction::Return, "  ", now()),
            Err(WorkflowError::NoteRequired)
        );

        r.act(
            &reviewer,
            ReviewAction::Return,
            "need last year's accounts",
            now(),
        )
        .unwrap();
        assert_eq!(r.status, RequestStatus::Returned);
        assert!(r.moved_for_requester());
        let change = Change::Limit {
            limit: cny("60000"),
        };
        let rule = m.route(RequestKind::LimitIncrease, Some(d("60000")), Some(Grade::B));
        let later = now() + Duration::hours(5);
        r.resubmit(
            &actor("sales", &[Role::Sales]),
            change.clone(),
            RequestKind::LimitIncrease,
            "accounts attached".into(),
            rule,
            m.version,
            evidence(),
            later,
        )
        .unwrap();

        assert_eq!(r.status, RequestStatus::Pending);
        assert_eq!(r.change, change);
        assert_eq!(r.steps[0].since, Some(later));
        assert!(r.steps.iter().all(|s| s.outcome.is_none()));
        let actions: Vec<TimelineAction> = r.timeline.iter().map(|t| t.action).collect();
        assert_eq!(
            actions,
            [
                TimelineAction::Submitted,
                TimelineAction::Returned,
                TimelineAction::Resubmitted
            ]
        );
    }

    #[test]
    fn a_step_past_its_sla_is_overdue() {
        let m = ApprovalMatrix::default_matrix();
        let r = request(&m, "50000", Grade::B);
        let step = r.current_step().unwrap();
        let sla = Duration::hours(i64::from(step.sla_hours));

        assert!(!step.overdue(now() + sla));
        assert!(step.overdue(now() + sla + Duration::minutes(1)));
        assert!(r.summary(now() + sla + Duration::minutes(1)).overdue);
    }

    #[test]
    fn rerouting_adds_only_the_roles_that_have_not_approved() {
        let m = ApprovalMatrix::default_matrix();
        let mut r = request(&m, "50000", Grade::B);
        let first = [r.steps[0].role];
        r.act(&actor("rita", &first), ReviewAction::Approve, "", now())
            .unwrap();
        let stricter = m.route(RequestKind::LimitIncrease, Some(d("50000")), Some(Grade::E));

        let added = r.reroute(stricter, "grade B → E", now());

        assert!(added);
        assert_eq!(r.status, RequestStatus::Pending);
        let waiting = r.current_step().unwrap().role;
        assert!(!first.contains(&waiting));
    }

    #[test]
    fn custom_fields_check_each_kind_and_refuse_unknown_or_hidden_ones() {
        let set = FieldSet {
            version: 1,
            fields: vec![
                FieldDef {
                    key: "bank".into(),
                    label: "开户行".into(),
                    label_en: None,
                    kind: FieldKind::Text,
                    required: true,
                    visible_to: vec![],
                },
                FieldDef {
                    key: "deposit".into(),
                    label: "保证金".into(),
                    label_en: None,
                    kind: FieldKind::Money,
                    required: false,
                    visible_to: vec![],
                },
                FieldDef {
                    key: "channel".into(),
                    label: "渠道".into(),
                    label_en: None,
                    kind: FieldKind::Choice {
                        options: vec!["直销".into(), "经销".into()],
                    },
                    required: false,
                    visible_to: vec![],
                },
                FieldDef {
                    key: "internal".into(),
                    label: "内部评级".into(),
                    label_en: None,
                    kind: FieldKind::Text,
                    required: true,
                    visible_to: vec![Role::Risk],
                },
            ],
        };
        set.validate().unwrap();
        let values: BTreeMap<String, String> = [
            ("deposit", "12.345"),
            ("channel", "代理"),
            ("internal", "A"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();

        let errors = set.check_values(&values, &[Role::Sales]).unwrap_err();

        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "custom.internal",
                "custom.bank",
                "custom.deposit",
                "custom.channel"
            ]
        );
        let ok: BTreeMap<String, String> = [("bank", "工行"), ("deposit", "1,000.5")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let checked = set.check_values(&ok, &[Role::Sales]).unwrap();
        assert_eq!(checked["deposit"], "1000.5");
    }

    #[test]
    fn a_field_set_with_duplicate_or_bad_keys_is_refused() {
        let f = |key: &str| FieldDef {
            key: key.into(),
            label: "x".into(),
            label_en: None,
            kind: FieldKind::YesNo,
            required: false,
            visible_to: vec![],
        };
        let set = FieldSet {
            version: 0,
            fields: vec![f("a"), f("a"), f("Bad Key")],
        };

        let errors = set.validate().unwrap_err();

        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["fields[1].key", "fields[2].key"]);
    }

    #[test]
    fn a_limit_below_the_current_one_is_a_decrease() {
        let change = Change::Limit { limit: cny("10") };

        assert_eq!(change.kind(Some(d("100"))), RequestKind::LimitDecrease);
        assert_eq!(change.kind(Some(d("5"))), RequestKind::LimitIncrease);
        assert_eq!(change.kind(None), RequestKind::LimitIncrease);
    }
}
