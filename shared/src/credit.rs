//! Wire types of a customer's credit file: what `GET /v1/customers/{id}/credit` returns, what
//! the ledger and credit-check endpoints take and answer. The browser runs
//! [`crate::engine::check_order`] on a [`CreditView`] to preview a decision as the rep types;
//! the server runs the same function on the same data and its answer counts.

use crate::Money;
use crate::dto::CustomerSummary;
use crate::engine::calendar::iso_date;
use crate::engine::{
    Aging, Assessment, CheckResult, CreditFile, LedgerEvent, OpenItems, Policy, Recommendation,
};
use crate::role::Grade;
use serde::{Deserialize, Serialize};
use time::Date;

/// Longest idempotency key a source system may send.
pub const MAX_IDEMPOTENCY_KEY: usize = 128;
/// Most events one `POST /v1/ledger/events` may carry.
pub const MAX_EVENTS_PER_BATCH: usize = 500;

/// Checks an idempotency key: 1–128 of `A-Z a-z 0-9 - _ . : /`.
pub fn valid_idempotency_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:/".contains(&b))
}

/// What a person decided, kept apart from what the engine recommends: a recommendation never
/// overwrites a decision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditDecision {
    /// The limit set by a person; `None` means "use the recommendation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<DecidedLimit>,
    /// A temporary limit that replaces the limit until `expires` (inclusive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temporary: Option<TemporaryLimit>,
    /// Payment terms set by a person; `None` means "use the recommendation".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_days: Option<u16>,
    /// When the credit file must be reviewed again.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date::option"
    )]
    pub review_due: Option<Date>,
    #[serde(default)]
    pub on_hold: bool,
    #[serde(default)]
    pub blacklisted: bool,
    /// A share of each order to be paid in advance that a person or a warning rule set; the
    /// policy's share applies when it is higher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepayment: Option<crate::engine::quantity::Share>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecidedLimit {
    pub amount: Money,
    pub reason: String,
    pub decided_by: String,
    #[serde(with = "iso_date")]
    pub decided_on: Date,
    /// The last day the limit is valid: after it the check finds the limit expired (what
    /// the policy makes of that: usually a block until the line is reviewed).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date::option"
    )]
    pub valid_until: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemporaryLimit {
    pub amount: Money,
    /// Last day the temporary limit applies.
    #[serde(with = "iso_date")]
    pub expires: Date,
    pub reason: String,
    pub decided_by: String,
    #[serde(with = "iso_date")]
    pub decided_on: Date,
}

impl CreditDecision {
    /// A person's limit always has a review date: when it has none, the policy's review
    /// cycle for `grade`, counted from `on`, sets it.
    pub fn ensure_review(&mut self, policy: &Policy, grade: Grade, on: Date) {
        if self.limit.is_some() && self.review_due.is_none() {
            self.review_due = Some(policy.next_review(grade, on));
        }
    }

    /// The credit file that counts on `as_of`: decisions first, then the recommendation.
    /// An expired temporary limit simply stops applying.
    pub fn effective_file(&self, rec: &Recommendation, as_of: Date) -> CreditFile {
        let temporary = self.temporary.as_ref().filter(|t| as_of <= t.expires);
        let limit = match (temporary, &self.limit) {
            (Some(t), _) => t.amount,
            (None, Some(l)) => l.amount,
            (None, None) => rec.limit,
        };
        let expires = match temporary {
            Some(t) => Some(t.expires),
            None => self.limit.as_ref().and_then(|l| l.valid_until),
        };
        CreditFile {
            limit,
            limit_expires: expires,
            review_due: self.review_due,
            terms_days: self.terms_days.unwrap_or(rec.terms_days),
            prepayment_share: self
                .prepayment
                .map_or(rec.prepayment_share, |p| p.max(rec.prepayment_share)),
            grade: Some(rec.grade),
            on_hold: self.on_hold,
            blacklisted: self.blacklisted,
        }
    }
}

/// Exposure and available credit, in the account currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExposureView {
    pub limit: Money,
    /// What counts against the limit under the tenant's exposure composition.
    pub exposure: Money,
    pub available: Money,
    pub open_receivables: Money,
    pub open_orders: Money,
    pub shipped_not_invoiced: Money,
    pub unapplied_credit: Money,
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    pub aging: Aging,
}

/// A customer group whose limit its members share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub limit: Money,
    pub exposure: Money,
    pub available: Money,
}

/// One point of the credit file's history (after each change that moved it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPoint {
    #[serde(with = "iso_date")]
    pub date: Date,
    pub score: rust_decimal::Decimal,
    pub grade: Grade,
    pub limit: Money,
    /// Amount-weighted days from invoice to payment over the recent window, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_to_pay: Option<rust_decimal::Decimal>,
    pub reason: String,
}

/// A ledger entry as shown on the credit file page (finance rights only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerLine {
    #[serde(with = "iso_date")]
    pub date: Date,
    pub idempotency_key: String,
    pub event: LedgerEvent,
}

/// `GET /v1/customers/{id}/credit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditView {
    pub customer: CustomerSummary,
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// The file that counts today (decisions over recommendation).
    pub file: CreditFile,
    pub decision: CreditDecision,
    pub recommendation: Recommendation,
    pub assessment: Assessment,
    pub exposure: ExposureView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupView>,
    /// What the order check needs. For roles without finance rights, invoice numbers are
    /// replaced by placeholders.
    pub open_items: OpenItems,
    /// The tenant's policy in force, so the browser can preview a check.
    pub policy: Policy,
    /// Invoice-level ledger lines, newest first; only for roles with finance rights. At
    /// most the newest 1,000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ledger: Option<Vec<LedgerLine>>,
    /// Whether the ledger has older lines than `ledger` carries.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ledger_truncated: bool,
    pub history: Vec<HistoryPoint>,
    /// The credit file's version (changes with every accepted event or decision).
    pub version: u64,
    /// Who must approve a request to move the limit to the recommended one: the roles of the
    /// tenant's approval matrix, in order (the route the request would take today).
    #[serde(default)]
    pub recommended_route: Vec<crate::Role>,
}

/// `GET`/`POST /v1/admin/regrade`: the portfolio re-assessed with the engine version in
/// force after it was published or put back (each credit file recomputed once; resumable:
/// each step goes on from `cursor`, and the daily pass finishes what the admin page did not).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegradeJob {
    pub engine_version: u32,
    /// The challenger scoring in shadow when it started (files of its share get its
    /// score; the others lose a stale one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub challenger: Option<u32>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub started_at: time::OffsetDateTime,
    /// Customers looked at so far.
    pub done: u32,
    /// Of those, files recomputed (the others were already on this version).
    pub recomputed: u32,
    /// Of those, files whose score, grade or limit moved.
    pub changed: u32,
    /// Where the next step starts (`None` at the start and at the end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    pub finished: bool,
}

/// `POST /v1/customers/{id}/credit-check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditCheckRequest {
    pub amount: Money,
}

/// The server's answer to a credit check, with the group check when the customer has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditCheckResponse {
    #[serde(flatten)]
    pub result: CheckResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupCheck>,
}

/// The group side of a credit check: the group's limit shared by its members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCheck {
    pub id: String,
    pub limit: Money,
    pub exposure_before: Money,
    pub exposure_after: Money,
    pub available_after: Money,
    pub over_limit: bool,
}

/// One event of `POST /v1/ledger/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IncomingEvent {
    /// The source system's key for this event; the same key is never applied twice.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_.:/-]{1,128}$"))]
    pub idempotency_key: String,
    pub customer_id: String,
    #[serde(with = "iso_date")]
    pub date: Date,
    pub event: LedgerEvent,
}

impl IncomingEvent {
    /// Checks the event's dates and amounts against [`crate::bounds`]: it happened between
    /// 1900-01-01 and `today`, an invoice falls due at most ten years ahead, no amount is
    /// above 10^15 or has more than 4 decimals. The error names the field inside the event
    /// (`date`, `event.due_date`, `event.amount.amount`).
    pub fn check_bounds(&self, today: Date) -> Result<(), crate::dto::FieldError> {
        crate::bounds::DateWindow::until_today(today)
            .check(self.date)
            .map_err(|e| e.at("date"))?;
        self.event.check_bounds(today).map_err(|mut e| {
            e.field = format!("event.{}", e.field);
            e
        })
    }
}

/// Per-event outcome, in the order the events were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum EventOutcome {
    Accepted {
        index: usize,
        idempotency_key: String,
        /// The credit check of an `order_placed` (on the file before it), or of an
        /// `order_shipped` dated today or later (would its order pass on today's file?).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        check: Option<CheckResult>,
    },
    /// Already applied earlier: nothing changed.
    Duplicate {
        index: usize,
        idempotency_key: String,
    },
    Rejected {
        index: usize,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        idempotency_key: Option<String>,
        /// The field that is wrong, as a JSON path inside the event.
        field: String,
        detail: String,
    },
}

/// `POST /v1/ledger/events` response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestResponse {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: usize,
    pub results: Vec<EventOutcome>,
}

/// `PUT /v1/customers/{id}/credit-decision` (risk, approver, admin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The version of the credit file this decision was made on (optimistic lock).
    pub version: u64,
    /// Why (1 to 500 characters once trimmed); kept with the decision and in the history.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    /// A permanent limit (`null` clears a person's limit so the recommendation applies).
    #[serde(default)]
    pub limit: Option<Money>,
    /// A temporary limit and its last day.
    #[serde(default)]
    pub temporary_limit: Option<Money>,
    #[serde(default, with = "iso_date::option")]
    pub temporary_until: Option<Date>,
    #[serde(default)]
    pub terms_days: Option<u16>,
    #[serde(default)]
    pub on_hold: Option<bool>,
}

/// `PUT /v1/groups/{group}` (risk, approver, admin): a group whose members share a limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GroupRequest {
    /// 1 to 200 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    pub limit: Money,
    /// Customer ids to add to the group (a customer belongs to at most one group).
    #[serde(default)]
    pub members: Vec<String>,
    /// Why; kept in the audit trail. Required when an admin overrides the approval matrix.
    #[serde(default)]
    pub reason: Option<String>,
}

/// `PUT /v1/fx-rates` (finance, admin): one dated rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FxRateRequest {
    pub from: crate::Currency,
    pub to: crate::Currency,
    #[serde(with = "iso_date")]
    pub date: Date,
    pub rate: rust_decimal::Decimal,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{CustomerInfo, Facts, assess, default_model, default_policy, recommend};
    use crate::{Currency, Money};
    use rust_decimal::Decimal;
    use time::macros::date;

    fn recommendation() -> Recommendation {
        let facts = Facts::without_history(
            Currency::CNY,
            date!(2026 - 01 - 01),
            CustomerInfo::default(),
        );
        let assessment = assess(&facts, &default_model());
        recommend(&assessment, &facts, &default_policy()).unwrap()
    }

    fn cny(n: i64) -> Money {
        Money::new(Decimal::from(n), Currency::CNY)
    }

    #[test]
    fn a_permanent_limit_past_its_validity_still_applies_but_the_check_finds_it_expired() {
        // Arrange
        let decision = CreditDecision {
            limit: Some(DecidedLimit {
                amount: cny(1000),
                reason: "reviewed".into(),
                decided_by: "risk".into(),
                decided_on: date!(2026 - 01 - 01),
                valid_until: Some(date!(2026 - 06 - 30)),
            }),
            ..CreditDecision::default()
        };
        let rec = recommendation();
        let order = crate::engine::OrderRequest::new(cny(10)).unwrap();
        let policy = default_policy();
        let expired = |file: &CreditFile, on: Date| {
            let open = OpenItems::empty(Currency::CNY, on);
            crate::engine::check_order(file, &open, &order, &policy, on)
                .expect("one currency")
                .reasons
                .iter()
                .any(|r| matches!(r.finding, crate::engine::Finding::LimitExpired { .. }))
        };

        // Act
        let last_day = decision.effective_file(&rec, date!(2026 - 06 - 30));
        let day_after = decision.effective_file(&rec, date!(2026 - 07 - 01));

        // Assert
        assert_eq!(day_after.limit, cny(1000));
        assert_eq!(day_after.limit_expires, Some(date!(2026 - 06 - 30)));
        assert!(!expired(&last_day, date!(2026 - 06 - 30)));
        assert!(expired(&day_after, date!(2026 - 07 - 01)));
    }

    #[test]
    fn a_temporary_limit_applies_through_its_last_day_and_then_the_decided_limit_returns() {
        let decision = CreditDecision {
            limit: Some(DecidedLimit {
                amount: cny(1000),
                reason: "agreed".into(),
                decided_by: "risk".into(),
                decided_on: date!(2026 - 01 - 01),
                valid_until: None,
            }),
            temporary: Some(TemporaryLimit {
                amount: cny(5000),
                expires: date!(2026 - 02 - 28),
                reason: "season".into(),
                decided_by: "risk".into(),
                decided_on: date!(2026 - 01 - 01),
            }),
            ..CreditDecision::default()
        };
        let rec = recommendation();

        let last_day = decision.effective_file(&rec, date!(2026 - 02 - 28));
        let day_after = decision.effective_file(&rec, date!(2026 - 03 - 01));

        assert_eq!(last_day.limit, cny(5000));
        assert_eq!(last_day.limit_expires, Some(date!(2026 - 02 - 28)));
        assert_eq!(day_after.limit, cny(1000));
        assert_eq!(day_after.limit_expires, None);
    }

    #[test]
    fn without_a_decision_the_recommendation_is_the_file() {
        let rec = recommendation();

        let file = CreditDecision::default().effective_file(&rec, date!(2026 - 01 - 01));

        assert_eq!(file.limit, rec.limit);
        assert_eq!(file.terms_days, rec.terms_days);
    }

    #[test]
    fn an_incoming_event_out_of_bounds_names_the_field_inside_it() {
        let today = date!(2026 - 03 - 15);
        let event = |json: &str| -> IncomingEvent { serde_json::from_str(json).unwrap() };
        let field = |e: IncomingEvent| e.check_bounds(today).err().map(|e| e.field);

        let ancient = event(
            r#"{"idempotency_key":"k","customer_id":"C1","date":"-9999-01-01",
                "event":{"type":"payment","payment":"P1","amount":{"amount":"1","currency":"CNY"}}}"#,
        );
        let far_due = event(
            r#"{"idempotency_key":"k","customer_id":"C1","date":"2026-03-01",
                "event":{"type":"invoice","invoice":"I1","due_date":"9999-12-31",
                         "amount":{"amount":"1","currency":"CNY"}}}"#,
        );
        let huge_allocation = event(
            r#"{"idempotency_key":"k","customer_id":"C1","date":"2026-03-01",
                "event":{"type":"payment","payment":"P1","amount":{"amount":"1","currency":"CNY"},
                         "allocations":[{"invoice":"I1","amount":{"amount":"1e20","currency":"CNY"}}]}}"#,
        );
        let fine = event(
            r#"{"idempotency_key":"k","customer_id":"C1","date":"2026-03-15",
                "event":{"type":"invoice","invoice":"I1","due_date":"2036-03-15",
                         "amount":{"amount":"1000000000000000","currency":"CNY"}}}"#,
        );

        assert_eq!(field(ancient).as_deref(), Some("date"));
        assert_eq!(field(far_due).as_deref(), Some("event.due_date"));
        assert_eq!(
            field(huge_allocation).as_deref(),
            Some("event.allocations[0].amount.amount")
        );
        assert_eq!(field(fine), None);
    }

    #[test]
    fn an_idempotency_key_is_short_printable_ascii() {
        assert!(valid_idempotency_key("erp:INV-2026/0001"));
        assert!(!valid_idempotency_key(""));
        assert!(!valid_idempotency_key("a b"));
        assert!(!valid_idempotency_key("k#1"));
        assert!(!valid_idempotency_key(&"x".repeat(129)));
    }
}
