//! Ledger builders for the engine's unit tests: one line per entry, amounts as strings.

use super::book::Book;
use super::ledger::{Allocation, CreditReason, DocRef, LedgerEntry, LedgerEvent};
use crate::{Currency, Money};
use rust_decimal::Decimal;
use std::str::FromStr;
use time::Date;

pub fn cny(amount: &str) -> Money {
    Money::new(Decimal::from_str(amount).unwrap(), Currency::CNY)
}

pub fn doc(s: &str) -> DocRef {
    DocRef::parse(s).unwrap()
}

pub fn order(on: Date, no: &str, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::OrderPlaced {
            order: doc(no),
            amount: cny(amount),
        },
    )
}

pub fn shipped(on: Date, no: &str, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::OrderShipped {
            order: doc(no),
            amount: cny(amount),
        },
    )
}

pub fn invoice(on: Date, no: &str, due: Date, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::Invoice {
            invoice: doc(no),
            order: None,
            due_date: due,
            amount: cny(amount),
        },
    )
}

pub fn invoice_for(on: Date, no: &str, order: &str, due: Date, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::Invoice {
            invoice: doc(no),
            order: Some(doc(order)),
            due_date: due,
            amount: cny(amount),
        },
    )
}

pub fn payment(on: Date, no: &str, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::Payment {
            payment: doc(no),
            amount: cny(amount),
            allocations: Vec::new(),
        },
    )
}

pub fn payment_to(on: Date, no: &str, amount: &str, to: &[(&str, &str)]) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::Payment {
            payment: doc(no),
            amount: cny(amount),
            allocations: to
                .iter()
                .map(|(inv, a)| Allocation {
                    invoice: doc(inv),
                    amount: cny(a),
                })
                .collect(),
        },
    )
}

pub fn credit(
    on: Date,
    no: &str,
    inv: Option<&str>,
    amount: &str,
    reason: CreditReason,
) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::CreditNote {
            note: doc(no),
            invoice: inv.map(doc),
            amount: cny(amount),
            reason,
        },
    )
}

pub fn dispute(on: Date, no: &str, inv: &str, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::DisputeOpened {
            dispute: doc(no),
            invoice: doc(inv),
            amount: cny(amount),
        },
    )
}

pub fn write_off(on: Date, inv: &str, amount: &str) -> LedgerEntry {
    LedgerEntry::new(
        on,
        LedgerEvent::WriteOff {
            invoice: doc(inv),
            amount: cny(amount),
        },
    )
}

pub fn fold(entries: &[LedgerEntry], as_of: Date) -> Book {
    Book::fold(Currency::CNY, entries, as_of).unwrap()
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
