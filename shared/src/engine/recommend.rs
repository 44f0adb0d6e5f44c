//! From an assessment to a recommendation: the limit, terms and prepayment the policy gives
//! the grade, and who must approve moving the customer's limit there.

use super::assess::Assessment;
use super::facts::Facts;
use super::policy::{ApprovalLevel, Policy};
use super::quantity::{Multiplier, Share};
use crate::{Currency, Grade, Money};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// What the policy recommends for an assessed customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Recommendation {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub policy_id: Arc<str>,
    pub policy_version: u32,
    pub grade: Grade,
    /// Never negative; 0 means no credit (cash or prepayment only).
    pub limit: Money,
    pub terms_days: u16,
    pub prepayment_share: Share,
    /// Who must approve moving the current limit to `limit`.
    pub approval: ApprovalLevel,
    /// How the limit was reached, step by step.
    pub basis: LimitBasis,
}

/// The limit calculation, for the analyst who has to defend it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LimitBasis {
    pub expected_monthly_purchases: Money,
    pub purchases_source: PurchasesSource,
    pub terms_days: u16,
    pub tolerance_days: u16,
    /// Expected monthly purchases × (terms + tolerance) / 30.
    pub formula: Money,
    pub multiplier: Multiplier,
    /// `formula × multiplier`.
    pub scaled: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub net_worth_cap: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub our_sales_cap: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Money>,
    /// Which figure set the limit.
    pub binding: LimitBinding,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PurchasesSource {
    /// Stated by sales (`expected_monthly_purchases` in the customer's file).
    Stated,
    /// The ledger's average over the last 12 months.
    Ledger,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LimitBinding {
    Formula,
    NetWorth,
    OurSales,
    Maximum,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecommendError {
    #[error("{what} is in {found}, expected {expected}: convert the policy or the amounts first")]
    Currency {
        what: &'static str,
        expected: Currency,
        found: Currency,
    },
}

fn same_currency(what: &'static str, expected: Currency, m: Money) -> Result<(), RecommendError> {
    if m.currency == expected {
        Ok(())
    } else {
        Err(RecommendError::Currency {
            what,
            expected,
            found: m.currency,
        })
    }
}

fn cents(m: Money) -> Money {
    m.rounded()
}

/// The limit, terms and prepayment `policy` gives `assessment.grade`, and the approval the
/// change from the customer's current limit needs. The policy must be in the facts'
/// currency ([`Policy::converted`] makes it so).
pub fn recommend(
    assessment: &Assessment,
    facts: &Facts,
    policy: &Policy,
) -> Result<Recommendation, RecommendError> {
    let currency = facts.currency;
    if policy.currency() != currency {
        return Err(RecommendError::Currency {
            what: "the policy",
            expected: currency,
            found: policy.currency(),
        });
    }
    let grade = assessment.grade;
    let terms = policy.grade(grade);
    let formula = policy.limit();
    let money = |amount: Decimal| Money::new(amount, currency);

    let (purchases, purchases_source) = match facts.customer.expected_monthly_purchases {
        Some(stated) => {
            same_currency("expected monthly purchases", currency, stated)?;
            (stated, PurchasesSource::Stated)
        }
        None => (
            facts.behaviour.average_monthly_purchases,
            PurchasesSource::Ledger,
        ),
    };
    let days = Decimal::from(terms.max_terms_days) + Decimal::from(formula.tolerance_days);
    let base = purchases.amount.max(Decimal::ZERO) * days / Decimal::from(30);
    let scaled = base * terms.limit_multiplier.value();

    let net_worth_cap = match (&facts.customer.financials, formula.net_worth_cap) {
        (Some(statements), Some(share)) if statements.is_current(facts.as_of) => {
            let net_worth = statements.net_worth();
            same_currency("the financial statements", currency, net_worth)?;
            // Negative equity: the company owes more than it owns; nothing on credit.
            Some(net_worth.amount.max(Decimal::ZERO) * share.value())
        }
        _ => None,
    };
    let our_sales_cap = match (formula.our_annual_sales, formula.our_sales_cap) {
        (Some(sales), Some(share)) => Some(sales.amount * share.value()),
        _ => None,
    };
    let maximum = formula.maximum.map(|m| m.amount);

    let mut limit = scaled;
    let mut binding = LimitBinding::Formula;
    for (cap, why) in [
        (net_worth_cap, LimitBinding::NetWorth),
        (our_sales_cap, LimitBinding::OurSales),
        (maximum, LimitBinding::Maximum),
    ] {
        if let Some(cap) = cap
            && cap < limit
        {
            limit = cap;
            binding = why;
        }
    }
    let limit = round_down(limit.max(Decimal::ZERO), formula.rounding);
    let limit = money(limit);

    let approval = approval_level(policy, grade, facts.customer.credit_limit, limit)?;
    Ok(Recommendation {
        policy_id: policy.id().clone(),
        policy_version: policy.version(),
        grade,
        limit,
        terms_days: terms.max_terms_days,
        prepayment_share: terms.prepayment_share,
        approval,
        basis: LimitBasis {
            expected_monthly_purchases: cents(purchases),
            purchases_source,
            terms_days: terms.max_terms_days,
            tolerance_days: formula.tolerance_days,
            formula: cents(money(base)),
            multiplier: terms.limit_multiplier,
            scaled: cents(money(scaled)),
            net_worth_cap: net_worth_cap.map(|c| cents(money(c))),
            our_sales_cap: our_sales_cap.map(|c| cents(money(c))),
            maximum: maximum.map(|c| cents(money(c))),
            binding,
        },
    })
}

/// Rounds a non-negative amount down to a multiple of `unit`.
fn round_down(amount: Decimal, unit: Decimal) -> Decimal {
    let units = (amount / unit).round_dp_with_strategy(0, RoundingStrategy::ToZero);
    (units * unit).normalize().max(Decimal::ZERO)
}

/// Who must approve changing a `grade` customer's limit from `current` to `proposed`.
/// Lowering a limit (or keeping it) needs only the policy's `decrease` level; raising it
/// needs the level of the band `proposed` falls in.
pub fn approval_level(
    policy: &Policy,
    grade: Grade,
    current: Option<Money>,
    proposed: Money,
) -> Result<ApprovalLevel, RecommendError> {
    same_currency("the proposed limit", policy.currency(), proposed)?;
    if let Some(current) = current {
        same_currency("the current limit", policy.currency(), current)?;
        if proposed.amount <= current.amount {
            return Ok(policy.approval().decrease);
        }
    }
    let band = policy
        .approval()
        .bands
        .iter()
        .find(|b| b.up_to.is_none_or(|up_to| proposed.amount <= up_to.amount));
    // A checked policy ends with an open band, so one is always found.
    Ok(band.map_or(ApprovalLevel::Committee, |b| *b.levels.get(grade)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess::assess;
    use crate::engine::facts::{CustomerInfo, Facts, Financials, StatementLines};
    use crate::engine::model::default_model;
    use crate::engine::policy::default_policy;
    use crate::engine::testkit::*;
    use time::macros::date;

    fn recommend_for(grade: Grade, customer: CustomerInfo) -> Recommendation {
        let facts = Facts::without_history(Currency::CNY, date!(2024 - 06 - 30), customer);
        let mut assessment = assess(&facts, &default_model());
        assessment.grade = grade;
        recommend(&assessment, &facts, &default_policy()).unwrap()
    }

    fn buying(monthly: &str) -> CustomerInfo {
        CustomerInfo {
            expected_monthly_purchases: Some(cny(monthly)),
            ..Default::default()
        }
    }

    #[test]
    fn the_limit_is_purchases_times_terms_and_tolerance_scaled_by_grade() {
        // 100 000 a month × (terms + 15) / 30 × multiplier, rounded down to 1 000.
        let cases = [
            (Grade::A, "375000", 60, "0"),
            (Grade::B, "240000", 45, "0"),
            (Grade::C, "150000", 30, "0"),
            (Grade::D, "50000", 15, "0.3"),
            (Grade::E, "0", 0, "1"),
        ];
        for (grade, limit, terms, prepay) in cases {
            let r = recommend_for(grade, buying("100000"));
            assert_eq!(r.limit, cny(limit), "{grade:?}");
            assert_eq!(r.terms_days, terms);
            assert_eq!(r.prepayment_share.value(), dec(prepay));
            assert_eq!(r.basis.binding, LimitBinding::Formula);
        }
        assert_eq!(
            recommend_for(Grade::C, buying("1234.56")).limit,
            cny("1000")
        );
    }

    #[test]
    fn the_limit_is_capped_by_net_worth_and_the_maximum() {
        let statements = Financials::new(
            Currency::CNY,
            date!(2023 - 12 - 31),
            StatementLines {
                total_assets: dec("2000000"),
                current_assets: dec("1000000"),
                current_liabilities: dec("500000"),
                total_liabilities: dec("1500000"),
                retained_earnings: dec("100000"),
                ebit: dec("50000"),
                equity: dec("500000"),
            },
        )
        .unwrap();
        let capped = recommend_for(
            Grade::A,
            CustomerInfo {
                financials: Some(statements),
                ..buying("100000")
            },
        );
        assert_eq!(capped.limit, cny("100000"));
        assert_eq!(capped.basis.binding, LimitBinding::NetWorth);
        let huge = recommend_for(Grade::A, buying("100000000"));
        assert_eq!(huge.limit, cny("20000000"));
        assert_eq!(huge.basis.binding, LimitBinding::Maximum);
    }

    #[test]
    fn raising_a_limit_needs_the_level_of_its_band_and_lowering_it_the_least() {
        let policy = default_policy();
        let cases = [
            (Grade::A, None, "100000", ApprovalLevel::Analyst),
            (Grade::C, None, "100000", ApprovalLevel::Analyst),
            (Grade::C, None, "100001", ApprovalLevel::CreditManager),
            (Grade::E, Some("0"), "6000000", ApprovalLevel::Committee),
            (Grade::E, Some("6000000"), "0", ApprovalLevel::Analyst),
        ];
        for (grade, current, proposed, level) in cases {
            let got = approval_level(&policy, grade, current.map(cny), cny(proposed)).unwrap();
            assert_eq!(got, level, "{grade:?} {current:?} → {proposed}");
        }
    }

    #[test]
    fn a_policy_in_another_currency_must_be_converted_first() {
        let facts = Facts::without_history(
            Currency::USD,
            date!(2024 - 06 - 30),
            CustomerInfo::default(),
        );
        let a = assess(&facts, &default_model());
        assert!(matches!(
            recommend(&a, &facts, &default_policy()),
            Err(RecommendError::Currency { .. })
        ));
        let rate = crate::money::FxRate::new(
            Currency::CNY,
            Currency::USD,
            dec("0.14"),
            date!(2024 - 06 - 28),
        )
        .unwrap();
        let converted = default_policy().converted(&rate).unwrap();
        assert_eq!(
            recommend(&a, &facts, &converted).unwrap().limit.currency,
            Currency::USD
        );
    }
}
