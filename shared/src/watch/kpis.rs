//! Portfolio KPIs (overdue share, DSO, turnover, bad debt, grade mix and drift, top exposures),
//! computed from one input per customer in the reporting currency.

use crate::{Currency, CustomerId, Grade, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// One customer's contribution to the portfolio KPIs, in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiInput {
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<Grade>,
    pub receivables: Decimal,
    pub overdue: Decimal,
    pub exposure: Decimal,
    pub limit: Decimal,
    /// Invoiced over the last 12 months.
    pub sales_12m: Decimal,
    /// Written off over the last 12 months.
    pub write_offs_12m: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeCount {
    /// `A`..`E`, or `-` for not graded.
    pub grade: String,
    pub customers: u32,
    /// Change since the previous snapshot (`None` without one).
    pub drift: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopExposure {
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<Grade>,
    pub exposure: Money,
    pub limit: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCount {
    pub rule_id: String,
    pub rule_name: String,
    pub open: u32,
}

/// The portfolio dashboard. Shares are 0..1, days are days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    pub currency: Currency,
    pub customers: u32,
    pub receivables: Money,
    pub overdue: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub overdue_share: Decimal,
    /// Days sales outstanding: receivables ÷ (12-month sales ÷ 365).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dso: Option<Decimal>,
    /// 12-month sales ÷ receivables.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ar_turnover: Option<Decimal>,
    /// 12-month write-offs ÷ 12-month sales.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub bad_debt_rate: Option<Decimal>,
    pub grades: Vec<GradeCount>,
    pub top_exposures: Vec<TopExposure>,
    pub alerts_by_rule: Vec<RuleCount>,
    /// Customers whose amounts are in another currency and were left out.
    pub other_currency_customers: u32,
}

impl Kpis {
    /// The KPIs of `inputs` (all in `currency`), with grade drift against `previous`.
    pub fn compute(
        as_of: Date,
        currency: Currency,
        inputs: &[KpiInput],
        other_currency_customers: u32,
        previous_grades: Option<&[GradeCount]>,
        alerts_by_rule: Vec<RuleCount>,
    ) -> Kpis {
        let sum = |f: fn(&KpiInput) -> Decimal| inputs.iter().map(f).sum::<Decimal>();
        let receivables = sum(|i| i.receivables);
        let overdue = sum(|i| i.overdue);
        let sales = sum(|i| i.sales_12m);
        let write_offs = sum(|i| i.write_offs_12m);
        let ratio = |a: Decimal, b: Decimal| (!b.is_zero()).then(|| (a / b).round_dp(4));
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for i in inputs {
            *counts
                .entry(i.grade.map_or("-".to_owned(), |g| g.as_str().to_owned()))
                .or_default() += 1;
        }
        let grades = Grade::ALL
            .iter()
            .map(|g| g.as_str().to_owned())
            .chain(std::iter::once("-".to_owned()))
            .map(|grade| {
                let customers = counts.get(&grade).copied().unwrap_or(0);
                let drift = previous_grades.map(|p| {
                    let before = p
                        .iter()
                        .find(|c| c.grade == grade)
                        .map_or(0, |c| c.customers);
                    i64::from(customers) - i64::from(before)
                });
                GradeCount {
                    grade,
                    customers,
                    drift,
                }
            })
            .collect();
        let mut top: Vec<&KpiInput> = inputs.iter().collect();
        top.sort_by(|a, b| b.exposure.cmp(&a.exposure).then(a.name.cmp(&b.name)));
        Kpis {
            as_of,
            currency,
            customers: inputs.len() as u32,
            receivables: Money::new(receivables, currency),
            overdue: Money::new(overdue, currency),
            overdue_share: ratio(overdue, receivables).unwrap_or_default(),
            dso: ratio(receivables * Decimal::from(365), sales).map(|d| d.round_dp(1)),
            ar_turnover: ratio(sales, receivables).map(|d| d.round_dp(2)),
            bad_debt_rate: ratio(write_offs, sales),
            grades,
            top_exposures: top
                .into_iter()
                .take(10)
                .map(|i| TopExposure {
                    customer_id: i.customer_id.clone(),
                    name: i.name.clone(),
                    grade: i.grade,
                    exposure: Money::new(i.exposure, currency),
                    limit: Money::new(i.limit, currency),
                })
                .collect(),
            alerts_by_rule,
            other_currency_customers,
        }
    }
}
