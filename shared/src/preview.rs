//! What activating a candidate model and policy would do to the portfolio, before it is
//! published: counted page by page on the server (each page recomputes its customers with
//! the engine in force and with the candidate, both as of today, so only the difference the
//! candidate makes is counted) and summed in the browser.

use crate::engine::Share;
use crate::{Currency, Grade, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// `POST /v1/admin/engine-versions/preview`: the candidate, and where this page starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnginePreviewRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    /// The page's start (`next_cursor` of the last page; none for the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// The customers of one page (or of all pages summed) whose grade, recommended limit or
/// recommended terms the candidate would change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnginePreview {
    /// Customers with a credit file looked at.
    pub looked: u32,
    pub grade_changed: u32,
    pub limit_changed: u32,
    pub terms_changed: u32,
    /// Grade moves, largest first: the migration matrix, old grade × new grade.
    pub moves: Vec<GradeMove>,
    /// Customers whose recommended limit the candidate raises, and lowers.
    #[serde(default)]
    pub gain_credit: u32,
    #[serde(default)]
    pub lose_credit: u32,
    /// Customers whose recommended limit would fall below what they owe today, while the
    /// engine in force's does not.
    #[serde(default)]
    pub limit_below_exposure: u32,
    /// Expected loss (the grade's PD × today's exposure) under each engine, per currency.
    #[serde(default)]
    pub expected_loss: Vec<ExpectedLoss>,
    /// Where the next page starts; none when this was the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// How many customers would move from one grade to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeMove {
    pub from: Grade,
    pub to: Grade,
    pub customers: u32,
}

/// Expected loss in one currency, under the engine in force and under the candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExpectedLoss {
    pub currency: Currency,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub now: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub candidate: Decimal,
}

/// One customer as the engine in force and the candidate see it today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub grade: Grade,
    pub limit: Decimal,
    pub terms_days: u16,
    /// The grade's calibrated PD.
    pub pd: Share,
    /// What the customer owes today (the same under both engines).
    pub exposure: Money,
}

impl EnginePreview {
    /// Counts one customer.
    pub fn count(&mut self, now: Outcome, candidate: Outcome) {
        self.looked += 1;
        self.limit_changed += u32::from(now.limit != candidate.limit);
        self.terms_changed += u32::from(now.terms_days != candidate.terms_days);
        if now.grade != candidate.grade {
            self.grade_changed += 1;
            self.add_move(now.grade, candidate.grade, 1);
        }
        self.gain_credit += u32::from(candidate.limit > now.limit);
        self.lose_credit += u32::from(candidate.limit < now.limit);
        let owes = now.exposure.amount;
        self.limit_below_exposure += u32::from(candidate.limit < owes && now.limit >= owes);
        let loss = |o: &Outcome| (o.pd.value() * o.exposure.amount.max(Decimal::ZERO)).round_dp(2);
        self.add_loss(now.exposure.currency, loss(&now), loss(&candidate));
    }

    fn add_loss(&mut self, currency: Currency, now: Decimal, candidate: Decimal) {
        match self
            .expected_loss
            .iter_mut()
            .find(|l| l.currency == currency)
        {
            Some(l) => {
                l.now += now;
                l.candidate += candidate;
            }
            None => self.expected_loss.push(ExpectedLoss {
                currency,
                now,
                candidate,
            }),
        }
    }

    /// Adds another page's counts (its cursor becomes this one's).
    pub fn add(&mut self, page: &EnginePreview) {
        self.looked += page.looked;
        self.grade_changed += page.grade_changed;
        self.limit_changed += page.limit_changed;
        self.terms_changed += page.terms_changed;
        for m in &page.moves {
            self.add_move(m.from, m.to, m.customers);
        }
        self.gain_credit += page.gain_credit;
        self.lose_credit += page.lose_credit;
        self.limit_below_exposure += page.limit_below_exposure;
        for l in &page.expected_loss {
            self.add_loss(l.currency, l.now, l.candidate);
        }
        self.next_cursor.clone_from(&page.next_cursor);
    }

    fn add_move(&mut self, from: Grade, to: Grade, customers: u32) {
        match self.moves.iter_mut().find(|m| m.from == from && m.to == to) {
            Some(m) => m.customers += customers,
            None => self.moves.push(GradeMove {
                from,
                to,
                customers,
            }),
        }
        self.moves
            .sort_by(|a, b| b.customers.cmp(&a.customers).then(a.from.cmp(&b.from)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn outcome(grade: Grade, limit: i64, terms_days: u16) -> Outcome {
        let pd = match grade {
            Grade::A | Grade::B => "0.01",
            _ => "0.1",
        };
        Outcome {
            grade,
            limit: Decimal::from(limit),
            terms_days,
            pd: Share::new(pd.parse().unwrap()).unwrap(),
            exposure: Money::new(Decimal::from(90), Currency::CNY),
        }
    }

    #[test]
    fn pages_summed_count_each_change_once_and_rank_the_grade_moves() {
        // Arrange
        let mut first = EnginePreview::default();
        first.count(outcome(Grade::B, 100, 30), outcome(Grade::C, 80, 30));
        first.count(outcome(Grade::A, 200, 45), outcome(Grade::A, 200, 45));
        let mut second = EnginePreview::default();
        second.count(outcome(Grade::B, 100, 30), outcome(Grade::C, 100, 15));
        second.count(outcome(Grade::D, 10, 0), outcome(Grade::C, 10, 0));
        let mut total = EnginePreview::default();

        // Act
        total.add(&first);
        total.add(&second);

        // Assert
        assert_eq!(total.looked, 4);
        assert_eq!(total.grade_changed, 3);
        assert_eq!(total.limit_changed, 1);
        assert_eq!(total.terms_changed, 1);
        assert_eq!((total.gain_credit, total.lose_credit), (0, 1));
        assert_eq!(
            total.limit_below_exposure, 1,
            "B at 100 → C at 80 against 90 owed"
        );
        // Now: B, A, B, D → 0.9 + 0.9 + 0.9 + 9; candidate: C, A, C, C → 9 + 0.9 + 9 + 9.
        assert_eq!(
            total.expected_loss,
            vec![ExpectedLoss {
                currency: Currency::CNY,
                now: Decimal::new(117, 1),
                candidate: Decimal::new(279, 1),
            }]
        );
        assert_eq!(
            total.moves,
            vec![
                GradeMove {
                    from: Grade::B,
                    to: Grade::C,
                    customers: 2
                },
                GradeMove {
                    from: Grade::D,
                    to: Grade::C,
                    customers: 1
                },
            ]
        );
    }
}
