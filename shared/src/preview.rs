//! What activating a candidate model and policy would do to the portfolio, before it is
//! published: counted page by page on the server (each page recomputes its customers with
//! the engine in force and with the candidate, both as of today, so only the difference the
//! candidate makes is counted; and replays their orders of the last [`ORDER_DAYS`] days
//! against both as of each order's day) and summed in the browser.

use crate::engine::Share;
use crate::{Currency, Grade, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How far back the orders replayed against both engines go.
pub const ORDER_DAYS: i64 = 90;

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
    /// The swap set: customers whose recommended limit the candidate raises…
    #[serde(default)]
    pub gain: Swap,
    /// …and lowers.
    #[serde(default)]
    pub lose: Swap,
    /// Customers whose recommended limit would fall below what they owe today, while the
    /// engine in force's does not.
    #[serde(default)]
    pub limit_below_exposure: u32,
    /// Expected loss (the grade's PD × today's exposure) under each engine, per currency.
    #[serde(default)]
    pub expected_loss: Vec<ExpectedLoss>,
    /// Customers, recommended limits and exposure per grade and currency, under each engine.
    #[serde(default)]
    pub by_grade: Vec<GradeBook>,
    /// The orders of the last [`ORDER_DAYS`] days checked again under each engine.
    #[serde(default)]
    pub orders: OrderReplay,
    /// Where the next page starts; none when this was the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One side of the swap set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Swap {
    pub customers: u32,
    /// Of those, customers who went bad in the last 12 months (an invoice 90 or more days
    /// past due, or a write-off): the swap set's historical bad rate is this over `customers`.
    pub were_bad: u32,
    /// What they owe today, per currency.
    pub exposure: Vec<Money>,
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

/// One grade in one currency: the customers an engine puts there, their recommended limits
/// and what they owe today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeBook {
    pub grade: Grade,
    pub currency: Currency,
    pub now: GradeFigures,
    pub candidate: GradeFigures,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeFigures {
    pub customers: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub limit: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub exposure: Decimal,
}

/// Orders placed in the last [`ORDER_DAYS`] days, each checked again as of its day with the
/// engine in force and with the candidate (the people's decisions on the file as they are
/// today, the ledger as it was before the order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderReplay {
    pub looked: u32,
    pub blocked_now: u32,
    pub blocked_candidate: u32,
    /// Orders the engine in force passes and the candidate would block, and their amounts
    /// per currency.
    pub newly_blocked: u32,
    pub newly_blocked_amount: Vec<Money>,
    /// Orders the engine in force blocks and the candidate would pass.
    pub newly_passed: u32,
    pub newly_passed_amount: Vec<Money>,
}

impl OrderReplay {
    /// Counts one order: whether each engine blocks it.
    pub fn count(&mut self, amount: Money, blocked_now: bool, blocked_candidate: bool) {
        self.looked += 1;
        self.blocked_now += u32::from(blocked_now);
        self.blocked_candidate += u32::from(blocked_candidate);
        match (blocked_now, blocked_candidate) {
            (false, true) => {
                self.newly_blocked += 1;
                add_money(&mut self.newly_blocked_amount, amount);
            }
            (true, false) => {
                self.newly_passed += 1;
                add_money(&mut self.newly_passed_amount, amount);
            }
            _ => {}
        }
    }

    fn add(&mut self, other: &OrderReplay) {
        self.looked += other.looked;
        self.blocked_now += other.blocked_now;
        self.blocked_candidate += other.blocked_candidate;
        self.newly_blocked += other.newly_blocked;
        self.newly_passed += other.newly_passed;
        for m in &other.newly_blocked_amount {
            add_money(&mut self.newly_blocked_amount, *m);
        }
        for m in &other.newly_passed_amount {
            add_money(&mut self.newly_passed_amount, *m);
        }
    }
}

impl Swap {
    fn count(&mut self, exposure: Money, was_bad: bool) {
        self.customers += 1;
        self.were_bad += u32::from(was_bad);
        add_money(&mut self.exposure, exposure);
    }

    fn add(&mut self, other: &Swap) {
        self.customers += other.customers;
        self.were_bad += other.were_bad;
        for m in &other.exposure {
            add_money(&mut self.exposure, *m);
        }
    }
}

/// Adds `money` to the sum of its currency.
fn add_money(sums: &mut Vec<Money>, money: Money) {
    match sums.iter_mut().find(|m| m.currency == money.currency) {
        Some(sum) => sum.amount += money.amount,
        None => sums.push(money),
    }
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
    /// Counts one customer; `was_bad`: it went bad in the last 12 months.
    pub fn count(&mut self, now: Outcome, candidate: Outcome, was_bad: bool) {
        self.looked += 1;
        self.limit_changed += u32::from(now.limit != candidate.limit);
        self.terms_changed += u32::from(now.terms_days != candidate.terms_days);
        if now.grade != candidate.grade {
            self.grade_changed += 1;
            self.add_move(now.grade, candidate.grade, 1);
        }
        let owed = now.exposure;
        if candidate.limit > now.limit {
            self.gain.count(owed, was_bad);
        }
        if candidate.limit < now.limit {
            self.lose.count(owed, was_bad);
        }
        let owes = owed.amount;
        self.limit_below_exposure += u32::from(candidate.limit < owes && now.limit >= owes);
        let loss = |o: &Outcome| (o.pd.value() * o.exposure.amount.max(Decimal::ZERO)).round_dp(2);
        self.add_loss(owed.currency, loss(&now), loss(&candidate));
        let one = |o: &Outcome| GradeFigures {
            customers: 1,
            limit: o.limit,
            exposure: owes,
        };
        self.add_book(now.grade, owed.currency, one(&now), GradeFigures::default());
        self.add_book(
            candidate.grade,
            owed.currency,
            GradeFigures::default(),
            one(&candidate),
        );
    }

    fn add_book(
        &mut self,
        grade: Grade,
        currency: Currency,
        now: GradeFigures,
        candidate: GradeFigures,
    ) {
        let sum = |a: &mut GradeFigures, b: GradeFigures| {
            a.customers += b.customers;
            a.limit += b.limit;
            a.exposure += b.exposure;
        };
        match self
            .by_grade
            .iter_mut()
            .find(|b| b.grade == grade && b.currency == currency)
        {
            Some(book) => {
                sum(&mut book.now, now);
                sum(&mut book.candidate, candidate);
            }
            None => {
                self.by_grade.push(GradeBook {
                    grade,
                    currency,
                    now,
                    candidate,
                });
                self.by_grade
                    .sort_by(|a, b| a.currency.cmp(&b.currency).then(a.grade.cmp(&b.grade)));
            }
        }
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
        self.gain.add(&page.gain);
        self.lose.add(&page.lose);
        self.limit_below_exposure += page.limit_below_exposure;
        for l in &page.expected_loss {
            self.add_loss(l.currency, l.now, l.candidate);
        }
        for b in &page.by_grade {
            self.add_book(b.grade, b.currency, b.now, b.candidate);
        }
        self.orders.add(&page.orders);
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
        first.count(outcome(Grade::B, 100, 30), outcome(Grade::C, 80, 30), true);
        first.count(
            outcome(Grade::A, 200, 45),
            outcome(Grade::A, 200, 45),
            false,
        );
        let mut second = EnginePreview::default();
        second.count(
            outcome(Grade::B, 100, 30),
            outcome(Grade::C, 100, 15),
            false,
        );
        second.count(outcome(Grade::D, 10, 0), outcome(Grade::C, 10, 0), false);
        let mut total = EnginePreview::default();

        // Act
        total.add(&first);
        total.add(&second);

        // Assert
        assert_eq!(total.looked, 4);
        assert_eq!(total.grade_changed, 3);
        assert_eq!(total.limit_changed, 1);
        assert_eq!(total.terms_changed, 1);
        assert_eq!(total.gain.customers, 0);
        assert_eq!(
            total.lose,
            Swap {
                customers: 1,
                were_bad: 1,
                exposure: vec![Money::new(Decimal::from(90), Currency::CNY)]
            }
        );
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
        let book = |g: Grade| {
            total
                .by_grade
                .iter()
                .find(|b| b.grade == g)
                .copied()
                .unwrap()
        };
        let figures = |customers, limit: i64, exposure: i64| GradeFigures {
            customers,
            limit: Decimal::from(limit),
            exposure: Decimal::from(exposure),
        };
        assert_eq!(book(Grade::B).now, figures(2, 200, 180));
        assert_eq!(book(Grade::B).candidate, figures(0, 0, 0));
        assert_eq!(book(Grade::C).candidate, figures(3, 190, 270));
        assert_eq!(
            total.by_grade.iter().map(|b| b.grade).collect::<Vec<_>>(),
            vec![Grade::A, Grade::B, Grade::C, Grade::D],
            "grades in order"
        );
    }

    #[test]
    fn an_order_counts_as_newly_blocked_or_passed_only_when_the_engines_disagree() {
        // Arrange
        let cny = |n: i64| Money::new(Decimal::from(n), Currency::CNY);
        let mut first = OrderReplay::default();
        first.count(cny(100), false, true);
        first.count(cny(50), true, true);
        let mut second = OrderReplay::default();
        second.count(cny(30), false, true);
        second.count(cny(7), true, false);
        second.count(cny(9), false, false);
        let mut total = EnginePreview::default();

        // Act
        for orders in [first, second] {
            total.add(&EnginePreview {
                orders,
                ..EnginePreview::default()
            });
        }

        // Assert
        let o = &total.orders;
        assert_eq!((o.looked, o.blocked_now, o.blocked_candidate), (5, 2, 3));
        assert_eq!((o.newly_blocked, o.newly_passed), (2, 1));
        assert_eq!(o.newly_blocked_amount, vec![cny(130)]);
        assert_eq!(o.newly_passed_amount, vec![cny(7)]);
    }
}
