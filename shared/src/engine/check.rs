//! The order credit check: may this order ship on credit? Pass, warn or block, with every
//! reason that applies and the available credit before and after.
//!
//! Every rule is evaluated (not just the first that fails) so the rep and the approver see the
//! whole picture. The policy decides which rules apply and whether each warns or blocks.

use super::calendar::iso_date;
use super::ledger::DocRef;
use super::metrics;
use super::open_items::OpenItems;
use super::policy::{Policy, RuleSeverity};
use super::quantity::Share;
use crate::{Currency, Grade, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// The decisions on a customer's credit, as the order check needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreditFile {
    /// The limit in force, in the account currency (0 = no credit).
    pub limit: Money,
    /// The last day the limit is valid, if it expires.
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub limit_expires: Option<Date>,
    /// When the credit review is due; past it the file is stale.
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub review_due: Option<Date>,
    pub terms_days: u16,
    /// Share of each order to collect before shipping.
    pub prepayment_share: Share,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
    #[serde(default)]
    pub on_hold: bool,
    #[serde(default)]
    pub blacklisted: bool,
}

/// An order to check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawOrder", into = "RawOrder")]
pub struct OrderRequest {
    amount: Money,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOrder {
    amount: Money,
}

impl OrderRequest {
    /// An order of `amount`, which must be positive and within [`crate::bounds`] (at most
    /// 10^15, at most 4 decimals).
    pub fn new(amount: Money) -> Result<Self, CheckError> {
        if amount.amount <= Decimal::ZERO || crate::bounds::check_amount(amount.amount).is_err() {
            return Err(CheckError::OrderAmount(amount.amount));
        }
        Ok(Self { amount })
    }
    pub fn amount(&self) -> Money {
        self.amount
    }
}

impl TryFrom<RawOrder> for OrderRequest {
    type Error = CheckError;
    fn try_from(raw: RawOrder) -> Result<Self, CheckError> {
        OrderRequest::new(raw.amount)
    }
}
impl From<OrderRequest> for RawOrder {
    fn from(o: OrderRequest) -> Self {
        RawOrder { amount: o.amount }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    #[error("an order amount must be positive, at most 10^15 with at most 4 decimals, got {0}")]
    OrderAmount(Decimal),
    #[error("{what} is in {found}, the account is in {expected}: convert it first")]
    Currency {
        what: &'static str,
        expected: Currency,
        found: Currency,
    },
}

/// Pass, warn or block; ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Pass,
    Warn,
    Block,
}

/// How severe one reason is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Warn,
    Block,
}

/// One reason the check did not simply pass. JSON: `{"severity":"block","rule":"over_limit",...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckReason {
    pub severity: Severity,
    #[serde(flatten)]
    pub finding: Finding,
}

/// What a rule found, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Finding {
    /// Exposure with the order would exceed the limit.
    OverLimit {
        limit: Money,
        exposure_after: Money,
        excess: Money,
    },
    /// The order leaves less than the warn band of the limit free.
    NearLimit {
        limit: Money,
        exposure_after: Money,
        available_after: Money,
        warn_band: Share,
    },
    /// Money more than `days` past due beyond the tolerance.
    Overdue {
        days: u32,
        amount: Money,
        oldest_overdue_days: u32,
    },
    /// An open invoice older than the policy allows.
    OldestOpenItem {
        invoice: DocRef,
        age_days: u32,
        max_days: u32,
    },
    OnHold,
    Blacklisted,
    LimitExpired {
        #[serde(with = "iso_date")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        expired_on: Date,
    },
    ReviewExpired {
        #[serde(with = "iso_date")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        due_on: Date,
    },
    /// Part of the order must be paid before it ships.
    PrepaymentRequired {
        share: Share,
        amount: Money,
    },
}

/// The answer to "can I take this order?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckResult {
    pub decision: Decision,
    /// Every rule that applied, in a fixed order (limit, overdue, age, status, prepayment).
    pub reasons: Vec<CheckReason>,
    pub limit: Money,
    pub exposure_before: Money,
    pub exposure_after: Money,
    /// `limit − exposure_before`; negative when already over the limit.
    pub available_before: Money,
    /// `limit − exposure_after`.
    pub available_after: Money,
    /// To collect before shipping (0 when no prepayment is required).
    pub prepayment: Money,
}

/// Checks `order` against the customer's `file` and open items (`exposure`) on `as_of`.
///
/// The order adds to exposure what is not prepaid: an order of 100 with 30% prepayment uses 70
/// of the limit. Rules, each with the policy's severity: over the limit with the order; near
/// the limit (within the warn band); overdue beyond N days above a tolerance; the oldest open
/// invoice too old; on hold; blacklisted; limit expired; review overdue; prepayment required.
/// A larger order never gets a milder decision (the policy guarantees over-limit is at
/// least as strict as near-limit).
pub fn check_order(
    file: &CreditFile,
    exposure: &OpenItems,
    order: &OrderRequest,
    policy: &Policy,
    as_of: Date,
) -> Result<CheckResult, CheckError> {
    let currency = exposure.currency;
    let mismatch = |what: &'static str, found: Currency| CheckError::Currency {
        what,
        expected: currency,
        found,
    };
    if order.amount.currency != currency {
        return Err(mismatch("the order", order.amount.currency));
    }
    if file.limit.currency != currency {
        return Err(mismatch("the credit limit", file.limit.currency));
    }
    let rules = policy.check();
    if rules.overdue_tolerance.currency != currency {
        return Err(mismatch("the policy", rules.overdue_tolerance.currency));
    }
    let severity = &rules.severity;
    let money = |amount: Decimal| Money::new(amount, currency);

    let before = metrics::exposure(exposure, policy.exposure()).amount;
    let prepayment = file.prepayment_share.value() * order.amount.amount;
    let after = before.saturating_add(order.amount.amount - prepayment);
    let limit = file.limit.amount;
    // Saturating: a limit stored before amounts were bounded must not make the check panic.
    let available = |exposure: Decimal| limit.saturating_sub(exposure);

    let mut reasons: Vec<CheckReason> = Vec::new();
    let mut add = |rule: RuleSeverity, finding: Finding| {
        let severity = match rule {
            RuleSeverity::Off => return,
            RuleSeverity::Warn => Severity::Warn,
            RuleSeverity::Block => Severity::Block,
        };
        reasons.push(CheckReason { severity, finding });
    };

    let headroom = limit * rules.warn_band.value();
    if after > limit {
        add(
            severity.over_limit,
            Finding::OverLimit {
                limit: file.limit,
                exposure_after: money(after),
                excess: money(after.saturating_sub(limit)),
            },
        );
    } else if available(after) < headroom {
        add(
            severity.near_limit,
            Finding::NearLimit {
                limit: file.limit,
                exposure_after: money(after),
                available_after: money(available(after)),
                warn_band: rules.warn_band,
            },
        );
    }

    let overdue = metrics::overdue_beyond(
        exposure,
        as_of,
        rules.overdue_days,
        rules.count_disputed_as_overdue,
    );
    if overdue.amount > rules.overdue_tolerance.amount {
        add(
            severity.overdue,
            Finding::Overdue {
                days: rules.overdue_days,
                amount: overdue,
                oldest_overdue_days: metrics::oldest_overdue_days(exposure, as_of),
            },
        );
    }

    if let Some((age, invoice)) = metrics::oldest_open_item(exposure, as_of)
        && age > rules.oldest_open_item_max_days
    {
        add(
            severity.oldest_open_item,
            Finding::OldestOpenItem {
                invoice: invoice.clone(),
                age_days: age,
                max_days: rules.oldest_open_item_max_days,
            },
        );
    }

    if file.on_hold {
        add(severity.on_hold, Finding::OnHold);
    }
    if file.blacklisted {
        add(severity.blacklisted, Finding::Blacklisted);
    }
    if let Some(expires) = file.limit_expires
        && expires < as_of
    {
        add(
            severity.limit_expired,
            Finding::LimitExpired {
                expired_on: expires,
            },
        );
    }
    if let Some(due) = file.review_due
        && due < as_of
    {
        add(
            severity.review_expired,
            Finding::ReviewExpired { due_on: due },
        );
    }
    if !file.prepayment_share.value().is_zero() {
        add(
            severity.prepayment_required,
            Finding::PrepaymentRequired {
                share: file.prepayment_share,
                amount: money(prepayment).rounded(),
            },
        );
    }

    let decision = reasons
        .iter()
        .map(|r| match r.severity {
            Severity::Warn => Decision::Warn,
            Severity::Block => Decision::Block,
        })
        .max()
        .unwrap_or(Decision::Pass);

    Ok(CheckResult {
        decision,
        reasons,
        limit: file.limit,
        exposure_before: money(before),
        exposure_after: money(after),
        available_before: money(available(before)),
        available_after: money(available(after)),
        prepayment: money(prepayment).rounded(),
    })
}

#[cfg(test)]
mod tests {
    // Case tables are tuples; naming each shape would only hide the table.
    #![allow(clippy::type_complexity)]

    use super::*;
    use crate::engine::policy::default_policy;
    use crate::engine::testkit::*;
    use time::macros::date;

    const AS_OF: Date = date!(2024 - 06 - 30);

    fn file(limit: &str) -> CreditFile {
        CreditFile {
            limit: cny(limit),
            limit_expires: None,
            review_due: None,
            terms_days: 30,
            prepayment_share: Share::ZERO,
            grade: Some(Grade::B),
            on_hold: false,
            blacklisted: false,
        }
    }

    fn rules(result: &CheckResult) -> Vec<(Severity, String)> {
        result
            .reasons
            .iter()
            .map(|r| {
                let json = serde_json::to_value(&r.finding).unwrap();
                (r.severity, json["rule"].as_str().unwrap().to_owned())
            })
            .collect()
    }

    fn check(
        file: &CreditFile,
        entries: &[crate::engine::ledger::LedgerEntry],
        amount: &str,
    ) -> CheckResult {
        let items = fold(entries, AS_OF).open_items();
        let order = OrderRequest::new(cny(amount)).unwrap();
        check_order(file, &items, &order, &default_policy(), AS_OF).unwrap()
    }

    #[test]
    fn each_rule_that_applies_is_reported_with_its_severity() {
        use Severity::{Block, Warn};
        let overdue = [invoice(
            date!(2024 - 02 - 01),
            "I1",
            date!(2024 - 03 - 01),
            "500",
        )];
        let cases: Vec<(
            &str,
            CreditFile,
            Vec<_>,
            &str,
            Decision,
            Vec<(Severity, &str)>,
        )> = vec![
            (
                "within the limit",
                file("10000"),
                vec![],
                "1000",
                Decision::Pass,
                vec![],
            ),
            (
                "near the limit",
                file("10000"),
                vec![],
                "9500",
                Decision::Warn,
                vec![(Warn, "near_limit")],
            ),
            (
                "over the limit",
                file("10000"),
                vec![],
                "10001",
                Decision::Block,
                vec![(Block, "over_limit")],
            ),
            (
                "a zero limit",
                file("0"),
                vec![],
                "1",
                Decision::Block,
                vec![(Block, "over_limit")],
            ),
            (
                "overdue and too old",
                file("10000"),
                overdue.to_vec(),
                "100",
                Decision::Block,
                vec![(Block, "overdue"), (Warn, "oldest_open_item")],
            ),
            (
                "on hold",
                CreditFile {
                    on_hold: true,
                    ..file("10000")
                },
                vec![],
                "1",
                Decision::Block,
                vec![(Block, "on_hold")],
            ),
            (
                "blacklisted",
                CreditFile {
                    blacklisted: true,
                    ..file("10000")
                },
                vec![],
                "1",
                Decision::Block,
                vec![(Block, "blacklisted")],
            ),
            (
                "limit expired yesterday",
                CreditFile {
                    limit_expires: Some(date!(2024 - 06 - 29)),
                    ..file("10000")
                },
                vec![],
                "1",
                Decision::Block,
                vec![(Block, "limit_expired")],
            ),
            (
                "limit valid through today",
                CreditFile {
                    limit_expires: Some(AS_OF),
                    ..file("10000")
                },
                vec![],
                "1",
                Decision::Pass,
                vec![],
            ),
            (
                "review overdue",
                CreditFile {
                    review_due: Some(date!(2024 - 06 - 01)),
                    ..file("10000")
                },
                vec![],
                "1",
                Decision::Warn,
                vec![(Warn, "review_expired")],
            ),
            (
                "prepayment required",
                CreditFile {
                    prepayment_share: Share::new(dec("0.3")).unwrap(),
                    ..file("10000")
                },
                vec![],
                "1000",
                Decision::Warn,
                vec![(Warn, "prepayment_required")],
            ),
        ];
        for (name, file, entries, amount, decision, expected) in cases {
            let result = check(&file, &entries, amount);
            let expected: Vec<(Severity, String)> = expected
                .into_iter()
                .map(|(s, r)| (s, r.to_owned()))
                .collect();
            assert_eq!(rules(&result), expected, "{name}");
            assert_eq!(result.decision, decision, "{name}");
        }
    }

    #[test]
    fn available_credit_is_shown_before_and_after_the_order() {
        let entries = [invoice(
            date!(2024 - 06 - 01),
            "I1",
            date!(2024 - 07 - 01),
            "3000",
        )];
        let prepaid = CreditFile {
            prepayment_share: Share::new(dec("0.3")).unwrap(),
            ..file("10000")
        };
        let result = check(&prepaid, &entries, "1000");
        assert_eq!(result.exposure_before, cny("3000"));
        assert_eq!(result.available_before, cny("7000"));
        // Only the 700 not prepaid uses the limit.
        assert_eq!(result.exposure_after, cny("3700.0"));
        assert_eq!(result.available_after, cny("6300.0"));
        assert_eq!(result.prepayment, cny("300.00"));
    }

    #[test]
    fn a_finding_is_written_flat_with_its_rule_and_severity() {
        let result = check(&file("100"), &[], "150");
        let json = serde_json::to_string(&result.reasons[0]).unwrap();
        assert_eq!(
            json,
            r#"{"severity":"block","rule":"over_limit","limit":{"amount":"100","currency":"CNY"},"exposure_after":{"amount":"150","currency":"CNY"},"excess":{"amount":"50","currency":"CNY"}}"#
        );
        assert_eq!(
            serde_json::from_str::<CheckReason>(&json).unwrap(),
            result.reasons[0]
        );
        let whole = serde_json::to_string(&result).unwrap();
        assert_eq!(serde_json::from_str::<CheckResult>(&whole).unwrap(), result);
    }

    #[test]
    fn an_order_in_another_currency_is_refused() {
        let items = OpenItems::empty(Currency::CNY, AS_OF);
        let order = OrderRequest::new(Money::new(dec("1"), Currency::USD)).unwrap();
        let got = check_order(&file("1"), &items, &order, &default_policy(), AS_OF);
        assert!(matches!(got, Err(CheckError::Currency { .. })));
        assert!(OrderRequest::new(cny("0")).is_err());
    }

    #[test]
    fn an_order_above_ten_to_the_fifteen_or_with_more_than_four_decimals_is_refused() {
        assert!(OrderRequest::new(cny("1000000000000000")).is_ok());
        assert!(OrderRequest::new(cny("1000000000000000.01")).is_err());
        assert!(OrderRequest::new(cny("79228162514264337593543950335")).is_err());
        assert!(OrderRequest::new(cny("10.00001")).is_err());
    }
}
