//! The development sample: what a customer looked like on the observation date, and whether
//! it went bad afterwards.

use crate::engine::metrics::{max_days_past_due, write_offs};
use crate::engine::model::Characteristic;
use crate::engine::{Book, Facts, LocalizedText, Metric, ScorecardModel};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Which way a metric points: whether more of it is better or worse for the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// The direction MODEL.md gives each scored metric. `None` for the metrics that are shown
/// but never scored: trends against the customer's own past (paying late in the baseline
/// would improve them), DSO and order counts (size, not risk).
pub fn direction(metric: Metric) -> Option<Direction> {
    use Direction::*;
    Some(match metric {
        Metric::Paydex
        | Metric::OnTimeShare
        | Metric::TenureMonths
        | Metric::BusinessAgeYears
        | Metric::AltmanZ
        | Metric::OrderVolumeTrend => HigherIsBetter,
        Metric::DaysBeyondTerms
        | Metric::MaxDpd3m
        | Metric::MaxDpd6m
        | Metric::MaxDpd12m
        | Metric::Utilisation
        | Metric::OldestOverdueDays
        | Metric::ReturnRate
        | Metric::DisputeRate
        | Metric::WriteOffs12m
        | Metric::Lawsuits24m
        | Metric::NegativeNews12m
        | Metric::BureauClass
        | Metric::MonthsSinceInvoice => LowerIsBetter,
        Metric::DaysToPayTrend | Metric::Dso | Metric::OrdersPerMonth => return None,
    })
}

/// A characteristic the fit may use: the model in force's code, metric and texts, so a
/// fitted model speaks the same reason codes and words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub code: Arc<str>,
    pub metric: Metric,
    pub direction: Direction,
    pub name: LocalizedText,
    pub lowered: LocalizedText,
    pub raised: LocalizedText,
}

impl Candidate {
    fn of(c: &Characteristic) -> Option<Self> {
        Some(Candidate {
            code: c.code.clone(),
            metric: c.metric,
            direction: direction(c.metric)?,
            name: c.name.clone(),
            lowered: c.lowered.clone(),
            raised: c.raised.clone(),
        })
    }
}

/// The characteristics of `model` that have a direction, in the model's order.
pub fn candidates_of(model: &ScorecardModel) -> Vec<Candidate> {
    model
        .characteristics()
        .iter()
        .filter_map(Candidate::of)
        .collect()
}

/// One customer in the sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// One value per candidate, in the candidates' order; `None` when unknown.
    pub values: Vec<Option<Decimal>>,
    /// It went bad in the outcome window.
    pub bad: bool,
    /// In the validation part, not used to fit.
    pub validation: bool,
    /// The score the model in force gave it on the observation date, for the comparison.
    pub champion_score: Option<Decimal>,
}

impl Observation {
    /// The candidates' values in `facts`.
    pub fn from_facts(facts: &Facts, candidates: &[Candidate], bad: bool) -> Self {
        Observation {
            values: candidates.iter().map(|c| facts.value(c.metric)).collect(),
            bad,
            validation: false,
            champion_score: None,
        }
    }
}

/// Whether a customer whose ledger is folded to the end of the outcome window went bad in
/// the `window_months` before it: an invoice `dpd_days` or more past due (paid that late in
/// the window, or still open that late at its end), or a write-off in the window.
pub fn went_bad(book_at_window_end: &Book, window_months: u32, dpd_days: u32) -> bool {
    let late = max_days_past_due(book_at_window_end, window_months).is_some_and(|d| d >= dpd_days);
    late || write_offs(book_at_window_end, window_months).0 > 0
}

/// Whether the customer keyed `key` falls in the validation part: a deterministic hash of the
/// key and `seed`, so the same seed splits the same way on every run, in any order.
pub fn in_validation(key: &str, seed: u64, validation_percent: u8) -> bool {
    // FNV-1a: tiny, stable across platforms and versions.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for byte in key.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash % 100 < u64::from(validation_percent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::default_model;

    #[test]
    fn every_characteristic_of_the_default_model_has_a_direction() {
        let model = default_model();
        assert_eq!(candidates_of(&model).len(), model.characteristics().len());
    }

    #[test]
    fn a_customer_is_bad_when_an_invoice_reached_the_days_past_due_in_the_window() {
        use crate::Currency;
        use crate::engine::testkit::{invoice, payment_to};
        use time::macros::date;
        // Arrange: observed 2025-06-30, window 12 months, bad at 90 days past due.
        let end = date!(2026 - 06 - 30);
        let due = date!(2025 - 08 - 31);
        let never_paid = [invoice(date!(2025 - 08 - 01), "I1", due, "100")];
        let paid_late = [
            invoice(date!(2025 - 08 - 01), "I1", due, "100"),
            payment_to(date!(2025 - 12 - 15), "P1", "100", &[("I1", "100")]),
        ];
        let paid_on_time = [
            invoice(date!(2025 - 08 - 01), "I1", due, "100"),
            payment_to(due, "P1", "100", &[("I1", "100")]),
        ];
        let book = |entries: &[crate::engine::LedgerEntry]| {
            Book::fold(Currency::CNY, entries, end).unwrap()
        };

        // Act / Assert
        assert!(went_bad(&book(&never_paid), 12, 90));
        assert!(
            went_bad(&book(&paid_late), 12, 90),
            "106 days late, paid in the window"
        );
        assert!(!went_bad(&book(&paid_late), 12, 120), "not 120 days late");
        assert!(!went_bad(&book(&paid_on_time), 12, 90));
    }

    #[test]
    fn the_split_is_stable_and_close_to_the_share_asked_for() {
        let keys: Vec<String> = (0..10_000).map(|i| format!("C{i:05}")).collect();
        let validation = keys.iter().filter(|k| in_validation(k, 7, 30)).count();
        assert!((2_800..3_200).contains(&validation), "{validation}");
        assert!(
            keys.iter()
                .all(|k| in_validation(k, 7, 30) == in_validation(k, 7, 30))
        );
        let other_seed = keys.iter().filter(|k| in_validation(k, 8, 30)).count();
        assert_ne!(validation, other_seed);
    }
}
