//! Engine speed: metrics from a two-year ledger of 500 entries, scorecard evaluation from
//! metrics (target ≥ 2 million a second a core), and the whole ledger → assessment path
//! (target well under 1 ms).
//!
//! `cargo bench -p credence-shared --bench engine -- --warm-up-time 1 --measurement-time 3`

// Criterion is a native dev-dependency only; on wasm32 the bench is an empty program.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::run();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use credence_shared::engine::*;
    use credence_shared::{Currency, Money};
    use criterion::{Criterion, criterion_group};
    use rust_decimal::Decimal;
    use std::hint::black_box;
    use time::{Date, Duration, macros::date};

    const AS_OF: Date = date!(2024 - 06 - 30);

    fn cny(cents: i64) -> Money {
        Money::new(Decimal::new(cents, 2), Currency::CNY)
    }

    fn doc(s: String) -> DocRef {
        DocRef::parse(&s).unwrap()
    }

    /// 125 orders over two years, each placed, shipped, invoiced on 30 days and paid (some late,
    /// some partly, some in advance): 500 entries.
    fn ledger() -> Vec<LedgerEntry> {
        let start = date!(2022 - 07 - 01);
        let mut entries = Vec::with_capacity(500);
        for i in 0..125i64 {
            let placed = start + Duration::days(i * 5);
            let shipped = placed + Duration::days(2);
            let due = shipped + Duration::days(30);
            let amount = cny(1_000_000 + (i * 7_919) % 500_000);
            let (order, invoice) = (doc(format!("SO-{i}")), doc(format!("INV-{i}")));
            entries.push(LedgerEntry::new(
                placed,
                LedgerEvent::OrderPlaced {
                    order: order.clone(),
                    amount,
                },
            ));
            entries.push(LedgerEntry::new(
                shipped,
                LedgerEvent::OrderShipped {
                    order: order.clone(),
                    amount,
                },
            ));
            entries.push(LedgerEntry::new(
                shipped,
                LedgerEvent::Invoice {
                    invoice,
                    order: Some(order),
                    due_date: due,
                    amount,
                },
            ));
            let late = (i * 13) % 50 - 10;
            entries.push(LedgerEntry::new(
                due + Duration::days(late),
                LedgerEvent::Payment {
                    payment: doc(format!("PAY-{i}")),
                    amount,
                    allocations: Vec::new(),
                },
            ));
        }
        entries
    }

    /// A big account: 10,000 invoices of 10.00 over two years and 500 unallocated payments
    /// of 100.00 (paying the oldest first): 10,500 entries, 5,000 invoices still open.
    fn big_ledger() -> Vec<LedgerEntry> {
        let start = date!(2022 - 07 - 01);
        let mut entries = Vec::with_capacity(10_500);
        for i in 0..10_000i64 {
            let issued = start + Duration::days(i % 700);
            entries.push(LedgerEntry::new(
                issued,
                LedgerEvent::Invoice {
                    invoice: doc(format!("INV-{i}")),
                    order: None,
                    due_date: issued + Duration::days(30),
                    amount: cny(1_000),
                },
            ));
        }
        for j in 0..500i64 {
            entries.push(LedgerEntry::new(
                start + Duration::days(100 + j),
                LedgerEvent::Payment {
                    payment: doc(format!("PAY-{j}")),
                    amount: cny(10_000),
                    allocations: Vec::new(),
                },
            ));
        }
        entries
    }

    fn customer() -> CustomerInfo {
        serde_json::from_str(
            r#"{"profile":{"founded":"2012-03-15"},"signals":{"lawsuits_24m":1,"negative_news_12m":0,
                "bureau_rating":{"agency":"Dagong","class":3}},"credit_limit":{"amount":"3000000","currency":"CNY"}}"#,
        )
        .unwrap()
    }

    fn engine(c: &mut Criterion) {
        let entries = ledger();
        assert_eq!(entries.len(), 500);
        let (model, policy) = (default_model(), default_policy());
        let book = Book::fold(Currency::CNY, &entries, AS_OF).unwrap();
        let facts = Facts::gather(&book, customer(), policy.exposure());
        let assessment = assess(&facts, &model);
        let file = file_from(
            &recommend(&assessment, &facts, &policy).unwrap(),
            &facts.customer,
        );
        let items = book.open_items();
        let order = OrderRequest::new(cny(5_000_000)).unwrap();

        c.bench_function("fold 500 entries", |b| {
            b.iter(|| Book::fold(Currency::CNY, black_box(&entries), AS_OF).unwrap())
        });
        c.bench_function("metrics from a 500-entry ledger (fold + gather)", |b| {
            b.iter(|| {
                let book = Book::fold(Currency::CNY, black_box(&entries), AS_OF).unwrap();
                Facts::gather(&book, customer(), policy.exposure())
            })
        });
        // What a posting to a big account pays per write (issue 11, defect 8).
        let big = big_ledger();
        let big_open = Book::fold(Currency::CNY, &big, AS_OF)
            .unwrap()
            .open_items()
            .invoices
            .len();
        assert_eq!(big_open, 5_000);
        c.bench_function("fold a 10,500-entry ledger with 5,000 open invoices", |b| {
            b.iter(|| Book::fold(Currency::CNY, black_box(&big), AS_OF).unwrap())
        });
        c.bench_function(
            "metrics from a 10,500-entry ledger with 5,000 open invoices (fold + gather)",
            |b| {
                b.iter(|| {
                    let book = Book::fold(Currency::CNY, black_box(&big), AS_OF).unwrap();
                    Facts::gather(&book, customer(), policy.exposure())
                })
            },
        );
        c.bench_function("scorecard evaluation from metrics (assess)", |b| {
            b.iter(|| assess(black_box(&facts), black_box(&model)))
        });
        c.bench_function("ledger to assessment and recommendation", |b| {
            b.iter(|| {
                let book = Book::fold(Currency::CNY, black_box(&entries), AS_OF).unwrap();
                let facts = Facts::gather(&book, customer(), policy.exposure());
                let assessment = assess(&facts, &model);
                recommend(&assessment, &facts, &policy).unwrap()
            })
        });
        c.bench_function("order check", |b| {
            b.iter(|| {
                check_order(black_box(&file), black_box(&items), &order, &policy, AS_OF).unwrap()
            })
        });
    }

    criterion_group!(benches, engine);

    pub fn run() {
        benches();
        Criterion::default().configure_from_args().final_summary();
    }
}
