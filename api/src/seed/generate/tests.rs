use super::*;
use std::sync::OnceLock;
use time::macros::date;

const AS_OF: Date = date!(2026 - 11 - 28);

/// The demo book, generated once for the tests that only read it.
fn book() -> &'static [DemoCustomer] {
    static BOOK: OnceLock<DemoData> = OnceLock::new();
    &BOOK.get_or_init(|| generate(42, AS_OF, 220)).customers
}

fn entries() -> impl Iterator<Item = &'static DemoEntry> {
    book().iter().flat_map(|c| &c.ledger)
}

fn count(pred: impl Fn(&DemoCustomer) -> bool) -> usize {
    book().iter().filter(|c| pred(c)).count()
}

/// A hand-made entry dated in 2026.
fn e(kind: EntryKind, id: &str, (m, d): (u8, u8), cents: i64, link: &str) -> DemoEntry {
    let date = Date::from_calendar_date(2026, m.try_into().unwrap(), d).unwrap();
    entry(kind, id, date, cents, Some(link).filter(|l| !l.is_empty()))
}

/// A hand-made invoice, due 30 days after issue.
fn inv(id: &str, date: (u8, u8), cents: i64, order: &str) -> DemoEntry {
    let invoice = e(EntryKind::Invoice, id, date, cents, order);
    DemoEntry {
        due: Some(invoice.date + days(30)),
        ..invoice
    }
}

#[test]
fn the_same_seed_date_and_count_give_identical_data() {
    // Arrange
    let (seed, customers) = (7, 40);
    // Act
    let first = generate(seed, AS_OF, customers);
    let again = generate(seed, AS_OF, customers);
    let other = generate(seed + 1, AS_OF, customers);
    // Assert
    assert_eq!(first, again);
    assert_ne!(first, other);
}

#[test]
fn asking_for_200_customers_gives_200_with_unique_ids_and_names() {
    // Act
    let customers = generate(1, AS_OF, 200).customers;
    // Assert
    assert_eq!(customers.len(), 200);
    assert_eq!(
        (customers[16].id.as_str(), customers[16].number.as_str()),
        ("KH-10017", "KH-10017")
    );
    let unique = |f: fn(&DemoCustomer) -> Option<&str>| {
        let all: Vec<&str> = customers.iter().filter_map(f).collect();
        all.iter().collect::<HashSet<_>>().len() == all.len()
    };
    assert!(unique(|c| Some(c.id.as_str())) && unique(|c| Some(&c.number)));
    assert!(unique(|c| Some(&c.name)) && unique(|c| c.name_en.as_deref()));
}

#[test]
fn every_chinese_customer_has_a_valid_unique_usci_from_its_city() {
    // Arrange
    let codes: Vec<&Usci> = book().iter().filter_map(|c| c.usci.as_ref()).collect();
    for c in book() {
        // Act
        let city = names::CITIES.iter().find(|city| c.name.starts_with(city.0));
        // Assert
        assert_eq!(c.usci.is_some(), c.country == "CN", "{}", c.name);
        assert_eq!(c.name_en.is_some(), c.country == "CN", "{}", c.name);
        if let (Some(code), Some(city)) = (&c.usci, city) {
            assert_eq!(Usci::parse(code.as_str()).as_ref(), Ok(code));
            assert!(code.as_str().starts_with("91"), "{code}");
            assert!(city.3.contains(&code.as_str()[2..8]), "{} {code}", city.0);
        }
    }
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), codes.len());
    assert!(count(|c| c.country != "CN") > 0);
}

#[test]
fn history_spans_at_least_17_months_and_ends_by_as_of() {
    // Act
    let first = entries().map(|e| e.date).min().unwrap();
    let last = entries().map(|e| e.date).max().unwrap();
    // Assert
    assert!(first <= date!(2025 - 06 - 28), "{first}");
    assert!(last <= AS_OF && last >= AS_OF - days(7), "{last}");
    assert_eq!(count(|c| c.ledger.is_empty()), 0);
    assert!(
        count(|c| c.ledger[0].date > AS_OF - days(180)) > 0,
        "some joined lately"
    );
}

#[test]
fn behaviours_come_in_the_requested_mix_and_set_the_grade() {
    // Act
    let mix = [
        Behaviour::Prompt,
        Behaviour::Slow,
        Behaviour::Late,
        Behaviour::Stopped,
    ]
    .map(|b| count(|c| c.behaviour == b));
    // Assert
    assert_eq!(mix, [154, 33, 22, 11]);
    for c in book() {
        let allowed = match c.behaviour {
            Behaviour::Prompt => [Grade::A, Grade::B],
            Behaviour::Slow => [Grade::B, Grade::C],
            Behaviour::Late => [Grade::C, Grade::D],
            Behaviour::Stopped => [Grade::E, Grade::E],
        };
        assert!(allowed.contains(&c.grade), "{} {:?}", c.id, c.grade);
        assert!([30, 45, 60, 90].contains(&c.terms_days));
    }
    assert!(count(|c| c.grade == Grade::A) > 0 && count(|c| c.grade == Grade::D) > 0);
}

#[test]
fn stopped_payers_are_on_hold_long_overdue_and_the_worst_two_blacklisted() {
    // Arrange
    let stopped = |c: &DemoCustomer| c.behaviour == Behaviour::Stopped;
    // Act
    let long_overdue = count(|c| stopped(c) && c.oldest_overdue_days > 60);
    let blacklisted = count(|c| c.blacklisted);
    // Assert
    assert_eq!(count(|c| stopped(c) && !c.on_hold), 0);
    assert!(long_overdue * 2 > count(stopped));
    assert_eq!(
        (blacklisted, count(|c| c.blacklisted && stopped(c))),
        (2, 2)
    );
}

#[test]
fn payments_never_exceed_the_open_amount_precede_the_invoice_or_follow_as_of() {
    for c in book() {
        // Arrange
        let mut open: HashMap<&str, (Date, Decimal)> = HashMap::new();
        for e in &c.ledger {
            // Act
            if e.kind == EntryKind::Invoice {
                open.insert(&e.id, (e.date, e.amount.amount));
            }
            if let Some(invoice) = &e.applies_to {
                let (issued, left) = open.get_mut(invoice.as_str()).unwrap();
                *left -= e.amount.amount;
                // Assert
                assert!(*left >= Decimal::ZERO, "{} {}", c.id, e.id);
                assert!(e.date > *issued && e.date <= AS_OF, "{}", e.id);
            }
        }
    }
}

#[test]
fn ledgers_are_sorted_linked_and_in_positive_cny_with_two_decimals() {
    for c in book() {
        // Arrange
        let kinds: HashMap<&str, EntryKind> =
            c.ledger.iter().map(|e| (e.id.as_str(), e.kind)).collect();
        // Act
        let sorted = c
            .ledger
            .windows(2)
            .all(|w| (w[0].date, w[0].kind.rank()) <= (w[1].date, w[1].kind.rank()));
        // Assert
        assert!(sorted, "{}", c.id);
        assert_eq!(kinds.len(), c.ledger.len());
        for e in &c.ledger {
            assert_eq!(e.due.is_some(), e.kind == EntryKind::Invoice);
            assert_eq!(
                e.order.as_deref().map(|o| kinds[o]),
                e.due.map(|_| EntryKind::Order)
            );
            assert!(
                e.applies_to
                    .as_deref()
                    .is_none_or(|i| kinds[i] == EntryKind::Invoice)
            );
            assert_eq!(
                (e.amount.currency, e.amount.amount.scale()),
                (Currency::CNY, 2)
            );
            let range = Decimal::from(match e.kind {
                EntryKind::Payment => 0,
                _ => 5_000,
            })..=Decimal::from(800_000);
            assert!(
                range.contains(&e.amount.amount) && !e.amount.amount.is_zero(),
                "{}",
                e.id
            );
        }
    }
}

#[test]
fn stored_figures_match_the_ledger() {
    for c in book() {
        // Act
        let computed = figures(&c.ledger, AS_OF);
        // Assert
        assert_eq!(computed, (c.exposure, c.overdue, c.oldest_overdue_days));
    }
}

#[test]
fn figures_count_open_invoices_uninvoiced_orders_and_the_oldest_overdue() {
    // Arrange
    let (o, p) = (EntryKind::Order, EntryKind::Payment);
    let ledger = [
        e(o, "SO-1", (1, 2), 100_000, ""),
        inv("INV-1", (1, 5), 100_000, "SO-1"),
        e(o, "SO-2", (1, 20), 50_050, ""),
        inv("INV-2", (1, 22), 50_050, "SO-2"),
        e(p, "PAY-1", (2, 3), 40_000, "INV-1"),
        e(o, "SO-3", (3, 1), 25_000, ""),
        inv("INV-3", (3, 2), 25_000, "SO-3"),
        e(p, "PAY-2", (3, 10), 50_050, "INV-2"),
        e(o, "SO-4", (3, 29), 8_025, ""),
        e(p, "PAY-3", (4, 2), 25_000, "INV-3"),
    ];
    // Act
    let result = figures(&ledger, date!(2026 - 03 - 31));
    // Assert: INV-1 has 600.00 open, 55 days past due; INV-2 is paid; INV-3 is open but
    // due on 1 April (its payment comes after as_of); SO-4 is not invoiced yet.
    assert_eq!(result, (cny(93_025), cny(60_000), 55));
}

#[test]
fn figures_of_a_ledger_settled_in_two_payments_are_zero() {
    // Arrange
    let ledger = [
        e(EntryKind::Order, "SO-1", (1, 2), 100_000, ""),
        inv("INV-1", (1, 5), 100_000, "SO-1"),
        e(EntryKind::Payment, "PAY-1", (2, 1), 30_000, "INV-1"),
        e(EntryKind::Payment, "PAY-2", (2, 4), 70_000, "INV-1"),
    ];
    // Act
    let result = figures(&ledger, date!(2026 - 03 - 31));
    // Assert
    assert_eq!(result, (cny(0), cny(0), 0));
    assert_eq!(result.0.amount.to_string(), "0.00");
}

#[test]
fn the_book_has_the_awkward_cases_a_demo_needs() {
    // Arrange
    let mut payments: HashMap<&str, usize> = HashMap::new();
    for invoice in entries().filter_map(|e| e.applies_to.as_deref()) {
        *payments.entry(invoice).or_default() += 1;
    }
    let invoiced: HashSet<&str> = entries().filter_map(|e| e.order.as_deref()).collect();
    // Act
    let over_limit = count(|c| c.exposure.amount > c.credit_limit.amount);
    let not_due: Vec<&DemoEntry> = entries().filter(|e| e.due > Some(AS_OF)).collect();
    let not_due_open = not_due
        .iter()
        .filter(|e| !payments.contains_key(e.id.as_str()))
        .count();
    let uninvoiced =
        entries().filter(|e| e.kind == EntryKind::Order && !invoiced.contains(e.id.as_str()));
    // Assert
    assert!((5..book().len() / 3).contains(&over_limit), "{over_limit}");
    assert!(payments.values().any(|&n| n == 2), "a partial payment");
    assert!(uninvoiced.count() > 0);
    assert!(not_due_open * 10 > not_due.len() * 9);
    assert!((70..110).contains(&count(|c| c.owner.as_ref().unwrap().as_str() == "sales")));
}
