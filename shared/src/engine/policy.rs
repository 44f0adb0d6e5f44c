//! A tenant's credit policy as data: what each grade gets (terms, prepayment, limit), who must
//! approve a limit change, what counts as exposure, and how strict the order check is.
//!
//! Versioned JSON, one per tenant; changing it needs no deploy. Like the model, a [`Policy`]
//! is checked when it is read, so applying it cannot fail on its contents.

use super::model::PerGrade;
use super::open_items::ExposureComposition;
use super::quantity::{Multiplier, Share};
use crate::money::{ConversionError, FxRate};
use crate::{Currency, Grade, Money, TenantId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What a grade earns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeTerms {
    /// The longest payment terms offered, in days (0 = cash on delivery).
    pub max_terms_days: u16,
    /// Share of an order to collect before shipping.
    pub prepayment_share: Share,
    /// Scales the formula limit: generous for good grades, 0 for grades not sold on credit.
    pub limit_multiplier: Multiplier,
    /// How many months a reviewed credit line lasts before its next review (1 to 36;
    /// unset: [`DEFAULT_REVIEW_MONTHS`] for the grade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_months: Option<u8>,
}

/// The review cycle when the policy names none: A and B yearly, C half-yearly, D quarterly,
/// E monthly.
pub const DEFAULT_REVIEW_MONTHS: [u8; 5] = [12, 12, 6, 3, 1];

/// The longest review cycle a policy may set.
pub const MAX_REVIEW_MONTHS: u8 = 36;

/// The limit formula: expected monthly purchases × (terms + tolerance) / 30 × the grade's
/// multiplier, then capped. The first factor is what the customer would owe at its peak if it
/// paid exactly on terms, with `tolerance_days` of slack for ordinary lateness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitFormula {
    pub tolerance_days: u16,
    /// No limit above this share of the customer's net worth (when statements are known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_worth_cap: Option<Share>,
    /// Our own annual sales, for the concentration cap below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub our_annual_sales: Option<Money>,
    /// No single customer's limit above this share of our annual sales.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub our_sales_cap: Option<Share>,
    /// An absolute ceiling, whatever the formula says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Money>,
    /// Limits are rounded down to a multiple of this (in the account currency), so they read
    /// like decisions, not calculations.
    pub rounding: Decimal,
}

/// Who must approve a limit change. Ordered: each level can approve what those before can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalLevel {
    /// Kept so stored policies that name it still read; the shipped policy does not use it
    /// and no approval is automatic: the tenant's matrix routes every request to a person.
    Automatic,
    Analyst,
    CreditManager,
    Director,
    Committee,
}

/// Limits up to `up_to` (inclusive; `None` = any amount) need `levels[grade]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBand {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Money>,
    pub levels: PerGrade<ApprovalLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
/// The policy's recommendation of who should approve a limit, by amount band and grade.
/// (Not the tenant's multi-step approval workflow: that is
/// [`crate::workflow::ApprovalMatrix`].)
pub struct GradeApprovalLevels {
    /// Ascending by `up_to`; the last has none.
    pub bands: Vec<ApprovalBand>,
    /// A lower limit reduces risk: it needs only this level.
    pub decrease: ApprovalLevel,
}

/// How a check rule acts when it applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RuleSeverity {
    /// The rule is not used.
    Off,
    Warn,
    Block,
}

/// The severity of each order-check rule: which warnings apply and what blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSeverities {
    pub over_limit: RuleSeverity,
    pub near_limit: RuleSeverity,
    pub overdue: RuleSeverity,
    pub oldest_open_item: RuleSeverity,
    pub on_hold: RuleSeverity,
    pub blacklisted: RuleSeverity,
    pub limit_expired: RuleSeverity,
    pub review_expired: RuleSeverity,
    pub prepayment_required: RuleSeverity,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckPolicy {
    /// Overdue rule: open amounts more than this many days past due...
    pub overdue_days: u32,
    /// ...above this total (so a few yuan of bank charges do not stop a shipment).
    pub overdue_tolerance: Money,
    /// Whether disputed amounts count as overdue.
    pub count_disputed_as_overdue: bool,
    /// Oldest-item rule: an open invoice older than this many days since issue.
    pub oldest_open_item_max_days: u32,
    /// Near-limit rule: warn when the order leaves less than this share of the limit free.
    pub warn_band: Share,
    pub severity: CheckSeverities,
    /// At which steps of an order the check runs, and where it blocks.
    #[serde(default)]
    pub steps: CheckSteps,
}

/// The steps of an order the check runs at (tenant policy). Only placement can block: a
/// blocked order waits on the desk; a shipment or an invoice already happened, so their
/// check is answered to the ERP (and a shipment of a blocked or rejected order always
/// raises the alarm, whatever these say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckSteps {
    /// At placement: `block` (a failing order waits on the desk), `warn` (the check is only
    /// answered) or `off`.
    #[serde(default = "block")]
    pub order: RuleSeverity,
    /// A shipment dated today is checked against the file of the day (its order's share
    /// of the exposure left out) and the answer carries the check.
    #[serde(default = "yes")]
    pub shipment: bool,
    /// An invoice dated today is checked likewise.
    #[serde(default)]
    pub invoice: bool,
}

fn block() -> RuleSeverity {
    RuleSeverity::Block
}

fn yes() -> bool {
    true
}

impl Default for CheckSteps {
    fn default() -> Self {
        CheckSteps {
            order: RuleSeverity::Block,
            shipment: true,
            invoice: false,
        }
    }
}

/// A checked policy. Build it by deserialising JSON or with [`Policy::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PolicySpec", into = "PolicySpec")]
pub struct Policy {
    spec: PolicySpec,
}

/// The policy's content, unchecked. [`Policy::new`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicySpec {
    pub id: Arc<str>,
    pub version: u32,
    /// The tenant it belongs to; `None` for Credence's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantId>,
    /// The currency of every amount in the policy.
    pub currency: Currency,
    pub grades: PerGrade<GradeTerms>,
    pub limit: LimitFormula,
    pub approval: GradeApprovalLevels,
    pub exposure: ExposureComposition,
    pub check: CheckPolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("a policy needs an id and a version of 1 or more")]
    Identity,
    #[error("{0} is not in the policy's currency {1}")]
    Currency(&'static str, Currency),
    #[error("limit rounding must be positive")]
    Rounding,
    #[error("approval bands must ascend by `up_to` and end with one without `up_to`")]
    Bands,
    #[error("an over-limit order must be treated at least as strictly as a near-limit one")]
    LimitSeverities,
    #[error(
        "a grade's terms must not get longer, nor its prepayment or multiplier better, as the grade gets worse"
    )]
    GradeOrder,
    #[error("a grade's review cycle is 1 to 36 months, and never longer for a worse grade")]
    ReviewMonths,
}

impl Policy {
    pub fn new(spec: PolicySpec) -> Result<Self, PolicyError> {
        if spec.id.trim().is_empty() || spec.version == 0 {
            return Err(PolicyError::Identity);
        }
        let currency = spec.currency;
        let money_fields = [
            ("limit.our_annual_sales", spec.limit.our_annual_sales),
            ("limit.maximum", spec.limit.maximum),
            (
                "check.overdue_tolerance",
                Some(spec.check.overdue_tolerance),
            ),
        ];
        for (name, money) in money_fields {
            if money.is_some_and(|m| m.currency != currency) {
                return Err(PolicyError::Currency(name, currency));
            }
        }
        if spec
            .approval
            .bands
            .iter()
            .any(|b| b.up_to.is_some_and(|m| m.currency != currency))
        {
            return Err(PolicyError::Currency("approval.bands.up_to", currency));
        }
        if spec.limit.rounding <= Decimal::ZERO {
            return Err(PolicyError::Rounding);
        }
        let bands = &spec.approval.bands;
        let ascending = bands.windows(2).all(|w| match (w[0].up_to, w[1].up_to) {
            (Some(a), Some(b)) => a.amount < b.amount,
            (Some(_), None) => true,
            _ => false,
        });
        if bands.is_empty() || bands[bands.len() - 1].up_to.is_some() || !ascending {
            return Err(PolicyError::Bands);
        }
        if spec.check.severity.over_limit < spec.check.severity.near_limit {
            return Err(PolicyError::LimitSeverities);
        }
        // A worse grade never gets better terms: otherwise a lower score could raise a limit.
        let grades: Vec<&GradeTerms> = spec.grades.iter().map(|(_, t)| t).collect();
        let monotone = grades.windows(2).all(|w| {
            w[0].max_terms_days >= w[1].max_terms_days
                && w[0].prepayment_share <= w[1].prepayment_share
                && w[0].limit_multiplier >= w[1].limit_multiplier
        });
        if !monotone {
            return Err(PolicyError::GradeOrder);
        }
        let policy = Self { spec };
        let cycles: Vec<u8> = Grade::ALL
            .iter()
            .map(|g| policy.review_months(*g))
            .collect();
        if cycles.iter().any(|m| !(1..=MAX_REVIEW_MONTHS).contains(m))
            || cycles.windows(2).any(|w| w[0] < w[1])
        {
            return Err(PolicyError::ReviewMonths);
        }
        Ok(policy)
    }

    /// How many months a credit line of `grade` lasts before its next review.
    pub fn review_months(&self, grade: Grade) -> u8 {
        let i = Grade::ALL.iter().position(|g| *g == grade).unwrap_or(0);
        self.grade(grade)
            .review_months
            .unwrap_or(DEFAULT_REVIEW_MONTHS[i])
    }

    /// When a credit line of `grade` reviewed on `on` is due for its next review.
    pub fn next_review(&self, grade: Grade, on: time::Date) -> time::Date {
        super::calendar::months_after(on, u32::from(self.review_months(grade)))
    }

    pub fn spec(&self) -> &PolicySpec {
        &self.spec
    }
    pub fn id(&self) -> &Arc<str> {
        &self.spec.id
    }
    pub fn version(&self) -> u32 {
        self.spec.version
    }
    pub fn currency(&self) -> Currency {
        self.spec.currency
    }
    pub fn grade(&self, grade: Grade) -> &GradeTerms {
        self.spec.grades.get(grade)
    }
    pub fn limit(&self) -> &LimitFormula {
        &self.spec.limit
    }
    pub fn approval(&self) -> &GradeApprovalLevels {
        &self.spec.approval
    }
    pub fn exposure(&self) -> &ExposureComposition {
        &self.spec.exposure
    }
    pub fn check(&self) -> &CheckPolicy {
        &self.spec.check
    }

    /// The same policy with every amount converted by `rate` into `rate.to()`: how a policy
    /// kept in the tenant's base currency applies to a customer billed in another.
    pub fn converted(&self, rate: &FxRate) -> Result<Policy, ConversionError> {
        let mut spec = self.spec.clone();
        let convert = |m: Money| m.convert(rate);
        spec.limit.our_annual_sales = spec.limit.our_annual_sales.map(convert).transpose()?;
        spec.limit.maximum = spec.limit.maximum.map(convert).transpose()?;
        spec.check.overdue_tolerance = convert(spec.check.overdue_tolerance)?;
        for band in &mut spec.approval.bands {
            band.up_to = band.up_to.map(convert).transpose()?;
        }
        spec.currency = rate.to();
        Ok(Policy { spec })
    }
}

impl TryFrom<PolicySpec> for Policy {
    type Error = PolicyError;
    fn try_from(spec: PolicySpec) -> Result<Self, PolicyError> {
        Policy::new(spec)
    }
}

impl From<Policy> for PolicySpec {
    fn from(policy: Policy) -> Self {
        policy.spec
    }
}

const DEFAULT_POLICY_JSON: &str = include_str!("../../defaults/policy.json");

/// The policy a new tenant starts with (see `shared/MODEL.md`).
pub fn default_policy() -> Policy {
    // The file is part of the crate and a test parses it; failing here is a build defect.
    serde_json::from_str(DEFAULT_POLICY_JSON).expect("shared/defaults/policy.json is valid")
}

/// The default policy's JSON, for a tenant to start its own from.
pub fn default_policy_json() -> &'static str {
    DEFAULT_POLICY_JSON
}

#[cfg(test)]
mod tests {
    // Case tables are tuples; naming each shape would only hide the table.
    #![allow(clippy::type_complexity)]

    use super::*;
    use crate::engine::testkit::*;

    #[test]
    fn the_default_policy_reads_and_writes_back_unchanged() {
        let policy = default_policy();
        let json = serde_json::to_string(&policy).unwrap();
        assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
    }

    #[test]
    fn a_grade_is_reviewed_on_its_own_cycle_and_the_policy_may_shorten_it() {
        // Arrange
        let mut spec = default_policy().spec().clone();
        spec.grades.b.review_months = Some(9);
        let tuned = Policy::new(spec).unwrap();
        let on = time::macros::date!(2026 - 01 - 31);

        // Act
        let cycles: Vec<u8> = Grade::ALL
            .iter()
            .map(|g| default_policy().review_months(*g))
            .collect();

        // Assert
        assert_eq!(cycles, DEFAULT_REVIEW_MONTHS.to_vec());
        assert_eq!(tuned.review_months(Grade::B), 9);
        assert_eq!(
            default_policy().next_review(Grade::E, on),
            time::macros::date!(2026 - 02 - 28),
            "a month after the 31st is the month's last day"
        );
        assert_eq!(
            tuned.next_review(Grade::B, on),
            time::macros::date!(2026 - 10 - 31)
        );
    }

    #[test]
    fn a_broken_policy_is_refused_when_read() {
        let cases: Vec<(fn(&mut PolicySpec), PolicyError)> = vec![
            (|s| s.version = 0, PolicyError::Identity),
            (|s| s.limit.rounding = Decimal::ZERO, PolicyError::Rounding),
            (
                |s| s.limit.maximum = Some(Money::new(Decimal::ONE, Currency::USD)),
                PolicyError::Currency("limit.maximum", Currency::CNY),
            ),
            (
                |s| {
                    s.approval.bands.pop();
                },
                PolicyError::Bands,
            ),
            (|s| s.approval.bands.swap(0, 1), PolicyError::Bands),
            (
                |s| s.check.severity.over_limit = RuleSeverity::Off,
                PolicyError::LimitSeverities,
            ),
            (|s| s.grades.e.max_terms_days = 90, PolicyError::GradeOrder),
            (
                |s| s.grades.a.limit_multiplier = Multiplier::ZERO,
                PolicyError::GradeOrder,
            ),
            (
                |s| s.grades.c.review_months = Some(0),
                PolicyError::ReviewMonths,
            ),
            (
                |s| s.grades.a.review_months = Some(37),
                PolicyError::ReviewMonths,
            ),
            (
                |s| s.grades.e.review_months = Some(6),
                PolicyError::ReviewMonths,
            ),
        ];
        for (breaks, expected) in cases {
            let mut s = default_policy().spec().clone();
            breaks(&mut s);
            assert_eq!(Policy::new(s), Err(expected.clone()), "{expected}");
        }
        let _ = cny("0");
    }
}
