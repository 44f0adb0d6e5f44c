//! The default model on a generated portfolio: grade default rates fall from E to A.
//!
//! A real portfolio of 6,000 customers ranked well with the default model but its grades
//! were not monotone: most A's owed nothing on the day because they had stopped buying, and
//! such quiet accounts failed more often than active ones. This portfolio is generated the
//! same way: each customer has a hidden quality that sets how late it pays and how likely it
//! fails in the next 12 months, and a quarter of them went quiet some months ago (a firm in
//! trouble, or one moving its orders to suppliers it still pays), which raises that chance.
//! The test checks that the default model's grade default rates fall from E to A on it, and
//! that its dormancy bins rank the portfolio better than the same model without them (the
//! area under the ROC curve: the chance a customer that did not fail scores above one that
//! did).

use credence_shared::engine::*;
use credence_shared::{Currency, Grade, Money};
use rust_decimal::Decimal;
use time::{Date, Duration, macros::date};

const AS_OF: Date = date!(2026 - 06 - 30);
const CUSTOMERS: usize = 4_000;

/// A small deterministic generator (xorshift64*): the same portfolio on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1), in millionths.
    fn unit(&mut self) -> Decimal {
        Decimal::new(i64::try_from(self.next() % 1_000_000).unwrap_or(0), 6)
    }

    fn below(&mut self, n: u64) -> i64 {
        i64::try_from(self.next() % n).unwrap_or(0)
    }
}

struct Customer {
    entries: Vec<LedgerEntry>,
    info: CustomerInfo,
    defaults: bool,
}

fn doc(s: String) -> DocRef {
    DocRef::parse(&s).unwrap()
}

/// One customer: invoices every month it is active (with gaps), each paid `lateness` days
/// after its due date give or take, all paid by the day unless the last ones are not due.
fn customer(rng: &mut Rng, n: usize) -> Customer {
    let quality = rng.unit();
    let months = 12 + rng.below(25);
    let quiet_for = if rng.below(4) == 0 {
        4 + rng.below(11)
    } else {
        0
    };
    // How late it pays: a good payer a few days early or on time, a poor one weeks late.
    let bad = Decimal::ONE - quality;
    let lateness = (bad * bad * Decimal::from(75))
        .round()
        .try_into()
        .unwrap_or(0i64)
        - 5;
    // Its size: a typical month's invoice; the limit is sized to it as the policy would
    // (about two months of purchases), so an active customer uses a good part of it.
    let size = 10_000 + rng.below(90_000);
    let mut entries = Vec::new();
    for m in (quiet_for..months).rev() {
        if rng.below(10) < 2 {
            continue;
        }
        let issued = AS_OF - Duration::days(30 * m + rng.below(28));
        let due = issued + Duration::days(30);
        let amount = Money::new(
            Decimal::from(size / 2 + rng.below(size as u64)),
            Currency::CNY,
        );
        let invoice = doc(format!("INV-{n}-{m}"));
        entries.push(LedgerEntry::new(
            issued,
            LedgerEvent::Invoice {
                invoice: invoice.clone(),
                order: None,
                due_date: due,
                amount,
            },
        ));
        let paid = due + Duration::days((lateness + rng.below(11) - 5).max(-20));
        if paid <= AS_OF {
            entries.push(LedgerEntry::new(
                paid,
                LedgerEvent::Payment {
                    payment: doc(format!("PAY-{n}-{m}")),
                    amount,
                    allocations: vec![Allocation { invoice, amount }],
                },
            ));
        }
    }
    entries.sort_by_key(|e| e.date);
    // The chance it fails within 12 months: 2% for the best, 27% for the worst; a quiet
    // account three times that (at most 60%).
    let base = Decimal::new(2, 2) + Decimal::new(25, 2) * bad * bad * bad;
    let chance = if quiet_for > 0 {
        (base * Decimal::from(3)).min(Decimal::new(60, 2))
    } else {
        base
    };
    // What risk knows of it: founded 1 to 25 years ago, and (for most) sources checked
    // with nothing found.
    let checked = rng.below(10) < 7;
    let info = CustomerInfo {
        profile: Profile {
            founded: Some(AS_OF - Duration::days(365 * (1 + rng.below(25)))),
            ..Profile::default()
        },
        signals: ExternalSignals {
            lawsuits_24m: checked.then_some(0),
            negative_news_12m: checked.then_some(0),
            ..ExternalSignals::default()
        },
        credit_limit: Some(Money::new(Decimal::from(size * 2), Currency::CNY)),
        ..CustomerInfo::default()
    };
    Customer {
        entries,
        info,
        defaults: rng.unit() < chance,
    }
}

fn assessed(model: &ScorecardModel, portfolio: &[Customer]) -> Vec<(Assessment, bool)> {
    portfolio
        .iter()
        .map(|c| {
            let book = Book::fold(Currency::CNY, &c.entries, AS_OF).unwrap();
            let facts = Facts::gather(&book, c.info.clone(), default_policy().exposure());
            (assess(&facts, model), c.defaults)
        })
        .collect()
}

/// The chance a customer that did not fail scores above one that did (ties count half), in
/// per mille.
fn auc(assessed: &[(Assessment, bool)]) -> i64 {
    let bad: Vec<Decimal> = assessed.iter().filter(|a| a.1).map(|a| a.0.score).collect();
    let good: Vec<Decimal> = assessed
        .iter()
        .filter(|a| !a.1)
        .map(|a| a.0.score)
        .collect();
    let mut halves = 0i64;
    for b in &bad {
        for g in &good {
            halves += match g.cmp(b) {
                std::cmp::Ordering::Greater => 2,
                std::cmp::Ordering::Equal => 1,
                std::cmp::Ordering::Less => 0,
            };
        }
    }
    let pairs = i64::try_from(bad.len() * good.len()).unwrap_or(i64::MAX);
    halves * 500 / pairs
}

/// Default rate per grade (in per mille) for grades with at least 100 customers.
fn default_rates(assessed: &[(Assessment, bool)]) -> Vec<(Grade, usize, i64)> {
    let mut by_grade: std::collections::BTreeMap<Grade, (usize, usize)> = Default::default();
    for (a, defaults) in assessed {
        let grade = a.grade;
        let slot = by_grade.entry(grade).or_default();
        slot.0 += 1;
        slot.1 += usize::from(*defaults);
    }
    by_grade
        .into_iter()
        .filter(|(_, (n, _))| *n >= 100)
        .map(|(g, (n, bad))| (g, n, i64::try_from(bad * 1000 / n).unwrap_or(0)))
        .collect()
}

fn falls_from_e_to_a(rates: &[(Grade, usize, i64)]) -> bool {
    // Ordered A first: each grade defaults no more often than the next worse one.
    rates.windows(2).all(|w| w[0].2 <= w[1].2)
}

#[test]
fn grade_default_rates_fall_from_e_to_a_and_the_dormancy_bins_rank_quiet_accounts_better() {
    // Arrange
    let mut rng = Rng(0x5EED_CAFE_F00D_0001);
    let portfolio: Vec<Customer> = (0..CUSTOMERS).map(|n| customer(&mut rng, n)).collect();
    let mut spec: serde_json::Value = serde_json::from_str(default_model_json()).unwrap();
    for c in spec["characteristics"].as_array_mut().unwrap() {
        if c["code"] == "DORMANCY" {
            for bin in c["bins"].as_array_mut().unwrap() {
                bin["points"] = "0".into();
            }
        }
    }
    let without = ScorecardModel::new(serde_json::from_value(spec).unwrap()).unwrap();

    // Act
    let with_bins = assessed(&default_model(), &portfolio);
    let without_bins = assessed(&without, &portfolio);

    // Assert
    let rates = default_rates(&with_bins);
    assert!(
        rates.len() >= 4,
        "at least four grades hold 100 customers: {rates:?}"
    );
    assert!(falls_from_e_to_a(&rates), "rates per grade (‰): {rates:?}");
    let (with_auc, without_auc) = (auc(&with_bins), auc(&without_bins));
    println!(
        "default rates per grade (‰): {rates:?}; AUC {with_auc}‰ (without the bins {without_auc}‰)"
    );
    assert!(
        with_auc > without_auc,
        "AUC with the bins {with_auc}‰, without {without_auc}‰; rates without: {:?}",
        default_rates(&without_bins)
    );
}
