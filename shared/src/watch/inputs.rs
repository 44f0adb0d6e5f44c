//! What the warning rules read: a customer's figures on one day ([`Watch`]) and where score and
//! grade stood about a month ago ([`Reference`]).

use crate::engine::calendar::days_between;
use crate::{Currency, Grade, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// Behaviour figures the credit engine computes and the credit file keeps for the watcher.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchFigures {
    /// Days to pay, recent window minus the one before (positive: paying slower).
    #[serde(default)]
    pub days_to_pay_trend: Option<Decimal>,
    /// Returns (credit notes) as a share of invoiced, last 12 months.
    #[serde(default)]
    pub return_rate: Option<Decimal>,
    /// Disputed as a share of invoiced, last 12 months.
    #[serde(default)]
    pub dispute_rate: Option<Decimal>,
    /// Exposure as a share of the limit in force.
    #[serde(default)]
    pub utilisation: Option<Decimal>,
    /// Open receivables (for the portfolio KPIs).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub receivables: Decimal,
    /// Invoiced over the last 12 months (average month × 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sales_12m: Decimal,
    /// Written off over the last 12 months.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub written_off_12m: Decimal,
}

impl WatchFigures {
    /// The figures the watcher keeps from a customer's computed behaviour.
    pub fn of(b: &crate::engine::metrics::Behaviour) -> Self {
        WatchFigures {
            days_to_pay_trend: b.days_to_pay_trend,
            return_rate: b.return_rate,
            dispute_rate: b.dispute_rate,
            utilisation: b.utilisation,
            receivables: b.receivables.amount,
            sales_12m: b.average_monthly_purchases.amount * Decimal::from(12),
            written_off_12m: b.written_off_12m.amount,
        }
    }
}

/// One customer's figures on one day: everything a warning rule can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Watch {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    pub currency: Currency,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub score: Decimal,
    pub grade: Grade,
    pub limit: Money,
    pub exposure: Money,
    /// Overdue and not disputed.
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    #[serde(default)]
    pub figures: WatchFigures,
    #[serde(default, with = "crate::engine::calendar::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub temporary_expires: Option<Date>,
    #[serde(default, with = "crate::engine::calendar::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub review_due: Option<Date>,
    /// Negative external signals recorded so far (lawsuits, enforcement, news).
    #[serde(default)]
    pub signals: u32,
    /// The newest signal, in words.
    #[serde(default)]
    pub last_signal: Option<String>,
    /// Promises to pay that were broken so far.
    #[serde(default)]
    pub broken_promises: u32,
}

/// Where score and grade stood about a month ago: score drops and downgrades are measured
/// from here, so a slow slide fires too (consecutive changes may each be small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reference {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub since: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub score: Decimal,
    pub grade: Grade,
}

/// Days a reference is kept before it moves to the current figures.
pub const REFERENCE_DAYS: i64 = 30;

impl Reference {
    /// The reference to keep after seeing `now`: the old one while it is younger than
    /// [`REFERENCE_DAYS`], else `now`'s figures.
    pub fn roll(previous: Option<&Reference>, now: &Watch) -> Reference {
        match previous {
            Some(r) if days_between(r.since, now.as_of) < REFERENCE_DAYS => r.clone(),
            _ => Reference {
                since: now.as_of,
                score: now.score,
                grade: now.grade,
            },
        }
    }
}
