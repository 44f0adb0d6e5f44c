//! Properties of the engine that must hold for any ledger, checked with proptest: lateness
//! never helps, paying never hurts, limits are never negative, a larger order never gets a
//! milder answer, and the same inputs always give the same output. The scoring promises hold
//! for the default model and for a model the scoring lab fitted.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use credence_shared::engine::*;
use credence_shared::{Currency, Grade, Money};
use proptest::prelude::*;
use rust_decimal::Decimal;
use time::{Date, Duration, macros::date};

const START: Date = date!(2022 - 07 - 01);
const AS_OF: Date = date!(2024 - 06 - 30);

/// An invoice and, if it was paid, how many days after its due date (negative = early).
#[derive(Debug, Clone)]
struct Invoice {
    issued_day: i64,
    terms: i64,
    cents: i64,
    paid_after_due: Option<i64>,
}

fn invoice() -> impl Strategy<Value = Invoice> {
    (
        0i64..730,
        0i64..=90,
        1i64..50_000_000,
        prop::option::weighted(0.8, -90i64..240),
    )
        .prop_map(|(issued_day, terms, cents, paid)| Invoice {
            issued_day,
            terms,
            cents,
            // Never paid before it was issued: an allocation needs the invoice.
            paid_after_due: paid.map(|d| d.max(-terms)),
        })
}

fn cny(amount: Decimal) -> Money {
    Money::new(amount, Currency::CNY)
}

fn doc(s: String) -> DocRef {
    DocRef::parse(&s).unwrap()
}

fn ledger(invoices: &[Invoice]) -> Vec<LedgerEntry> {
    let mut entries = Vec::new();
    for (i, inv) in invoices.iter().enumerate() {
        let issued = START + Duration::days(inv.issued_day);
        let due = issued + Duration::days(inv.terms);
        let amount = cny(Decimal::new(inv.cents, 2));
        entries.push(LedgerEntry::new(
            issued,
            LedgerEvent::Invoice {
                invoice: doc(format!("INV-{i}")),
                order: None,
                due_date: due,
                amount,
            },
        ));
        if let Some(after) = inv.paid_after_due {
            entries.push(LedgerEntry::new(
                due + Duration::days(after),
                LedgerEvent::Payment {
                    payment: doc(format!("PAY-{i}")),
                    amount,
                    allocations: vec![Allocation {
                        invoice: doc(format!("INV-{i}")),
                        amount,
                    }],
                },
            ));
        }
    }
    entries
}

fn customer() -> CustomerInfo {
    CustomerInfo {
        credit_limit: Some(cny(Decimal::from(2_000_000))),
        ..CustomerInfo::default()
    }
}

/// A model the scoring lab fitted to synthetic customers.
static FITTED: std::sync::LazyLock<ScorecardModel> = std::sync::LazyLock::new(|| {
    let (candidates, drawn) = common::synthetic::sample(5_000, 3, 0);
    let sample: Vec<_> = drawn.into_iter().map(|d| d.observation).collect();
    let options = credence_shared::lab::FitOptions::default();
    let champion = default_model();
    credence_shared::lab::fit(
        &champion,
        &candidates,
        &sample,
        &options,
        "fitted".into(),
        2,
    )
    .unwrap()
    .model
});

/// The assessment under the default model and under the fitted one.
fn assess_ledger(entries: &[LedgerEntry]) -> [Assessment; 2] {
    let book = Book::fold(Currency::CNY, entries, AS_OF).unwrap();
    let facts = Facts::gather(&book, customer(), default_policy().exposure());
    [assess(&facts, &default_model()), assess(&facts, &FITTED)]
}

fn no_better(later: &Assessment, earlier: &Assessment) -> bool {
    later.score <= earlier.score && later.grade >= earlier.grade
}

proptest! {
    #[test]
    fn paying_later_never_raises_the_score(
        invoices in prop::collection::vec(invoice(), 1..25),
        pick in any::<prop::sample::Index>(),
        extra in 1i64..200,
        never in any::<bool>(),
    ) {
        let i = pick.index(invoices.len());
        let mut later = invoices.clone();
        later[i].paid_after_due = match (invoices[i].paid_after_due, never) {
            (None, _) | (Some(_), true) => None,
            (Some(d), false) => Some(d + extra),
        };
        let (before, after) = (assess_ledger(&ledger(&invoices)), assess_ledger(&ledger(&later)));
        for (before, after) in before.iter().zip(&after) {
            prop_assert!(no_better(after, before), "{} {:?} → {} {:?} ({})", before.score, before.grade, after.score, after.grade, before.model_id);
        }
    }

    #[test]
    fn paying_an_open_invoice_today_never_lowers_the_score(
        invoices in prop::collection::vec(invoice(), 1..25),
        pick in any::<prop::sample::Index>(),
    ) {
        let entries = ledger(&invoices);
        let book = Book::fold(Currency::CNY, &entries, AS_OF).unwrap();
        let open = book.open_items();
        prop_assume!(!open.invoices.is_empty());
        let target = &open.invoices[pick.index(open.invoices.len())];
        let mut paid = entries.clone();
        paid.push(LedgerEntry::new(AS_OF, LedgerEvent::Payment {
            payment: doc("PAY-TODAY".into()),
            amount: target.open,
            allocations: vec![Allocation { invoice: target.invoice.clone(), amount: target.open }],
        }));
        let (before, after) = (assess_ledger(&entries), assess_ledger(&paid));
        for (before, after) in before.iter().zip(&after) {
            prop_assert!(no_better(before, after), "{} → {} ({})", before.score, after.score, before.model_id);
        }
    }

    #[test]
    fn a_recommended_limit_is_never_negative(
        invoices in prop::collection::vec(invoice(), 0..25),
        grade in prop::sample::select(Grade::ALL.to_vec()),
        stated in prop::option::of(-1_000_000i64..1_000_000_000),
    ) {
        let book = Book::fold(Currency::CNY, &ledger(&invoices), AS_OF).unwrap();
        let customer = CustomerInfo {
            expected_monthly_purchases: stated.map(|c| cny(Decimal::new(c, 2))),
            ..customer()
        };
        let policy = default_policy();
        let facts = Facts::gather(&book, customer, policy.exposure());
        let mut assessment = assess(&facts, &default_model());
        assessment.grade = grade;
        let r = recommend(&assessment, &facts, &policy).unwrap();
        prop_assert!(r.limit.amount >= Decimal::ZERO);
    }

    #[test]
    fn a_larger_order_never_gets_a_milder_decision(
        invoices in prop::collection::vec(invoice(), 0..15),
        limit in 0i64..100_000_000,
        prepay in 0u32..=100,
        flags in any::<(bool, bool)>(),
        small in 1i64..50_000_000,
        more in 0i64..50_000_000,
    ) {
        let book = Book::fold(Currency::CNY, &ledger(&invoices), AS_OF).unwrap();
        let items = book.open_items();
        let file = CreditFile {
            limit: cny(Decimal::new(limit, 2)),
            limit_expires: None,
            review_due: None,
            terms_days: 30,
            prepayment_share: Share::new(Decimal::new(i64::from(prepay), 2)).unwrap(),
            grade: None,
            on_hold: flags.0,
            blacklisted: flags.1,
        };
        let policy = default_policy();
        let check = |cents: i64| {
            let order = OrderRequest::new(cny(Decimal::new(cents, 2))).unwrap();
            check_order(&file, &items, &order, &policy, AS_OF).unwrap()
        };
        let (a, b) = (check(small), check(small + more));
        prop_assert!(a.decision <= b.decision, "{:?} then {:?}", a.decision, b.decision);
        prop_assert!(b.available_after.amount <= a.available_after.amount);
        prop_assert_eq!(a.available_before, b.available_before);
    }

    #[test]
    fn the_same_inputs_give_the_same_output_even_after_a_json_round_trip(
        invoices in prop::collection::vec(invoice(), 0..25),
        cents in 1i64..10_000_000,
    ) {
        let scenario = Scenario {
            as_of: AS_OF,
            currency: Currency::CNY,
            entries: ledger(&invoices),
            customer: customer(),
            credit_file: None,
            order: Some(OrderRequest::new(cny(Decimal::new(cents, 2))).unwrap()),
        };
        let (model, policy) = (default_model(), default_policy());
        let first = serde_json::to_string(&evaluate(&scenario, &model, &policy).unwrap()).unwrap();
        let again: Scenario = serde_json::from_str(&serde_json::to_string(&scenario).unwrap()).unwrap();
        let second = serde_json::to_string(&evaluate(&again, &model, &policy).unwrap()).unwrap();
        prop_assert_eq!(&first, &second);
        let back: Evaluation = serde_json::from_str(&first).unwrap();
        prop_assert_eq!(serde_json::to_string(&back).unwrap(), first);
    }
}
