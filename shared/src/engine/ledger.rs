//! The ledger as the engine sees it: what happened between us and one customer, dated.
//!
//! These are domain events, not wire DTOs or stored items: the server maps what it stores to
//! them, and [`Book::fold`](super::book::Book::fold) turns them into open items and history.
//! Entries are immutable facts; a correction is a new entry (a credit note, a cancellation).
//! Every amount in one ledger is in the customer's account currency: the server converts with
//! a dated [`FxRate`](crate::money::FxRate) before folding.

use super::calendar::iso_date;
use crate::bounds::{DateWindow, check_amount};
use crate::dto::FieldError;
use crate::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::Date;

/// The largest amount one entry may carry: [`crate::bounds::MAX_AMOUNT`]. Far above any real
/// invoice, far below where products of amounts and day counts could overflow a `Decimal`.
pub const MAX_ENTRY_AMOUNT: Decimal = crate::bounds::MAX_AMOUNT;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocRefError {
    #[error("a document number must not be empty")]
    Empty,
    #[error("a document number has at most {max} characters")]
    TooLong { max: usize },
    #[error("a document number must not contain control characters")]
    Control,
}

/// A document number from the source system: an order, invoice, payment, credit note or
/// dispute number. Unique per kind within one customer's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "INV-2025-000123"))]
#[serde(try_from = "String", into = "String")]
pub struct DocRef(String);

const MAX_DOC_REF: usize = 128;

impl DocRef {
    pub fn parse(raw: &str) -> Result<Self, DocRefError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            Err(DocRefError::Empty)
        } else if trimmed.chars().count() > MAX_DOC_REF {
            Err(DocRefError::TooLong { max: MAX_DOC_REF })
        } else if trimmed.chars().any(char::is_control) {
            Err(DocRefError::Control)
        } else {
            Ok(DocRef(trimmed.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DocRef {
    type Error = DocRefError;
    fn try_from(raw: String) -> Result<Self, DocRefError> {
        DocRef::parse(&raw)
    }
}
impl From<DocRef> for String {
    fn from(r: DocRef) -> String {
        r.0
    }
}
impl fmt::Display for DocRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One dated ledger entry. `date` is when it happened in business terms: the order date, the
/// invoice's issue date, the value date of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    #[serde(with = "iso_date")]
    pub date: Date,
    pub event: LedgerEvent,
}

impl LedgerEntry {
    pub fn new(date: Date, event: LedgerEvent) -> Self {
        Self { date, event }
    }
}

/// What happened. JSON: `{"type":"invoice","invoice":"INV-1",...}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum LedgerEvent {
    /// The customer ordered goods worth `amount`.
    OrderPlaced { order: DocRef, amount: Money },
    /// Part or all of an order will not be delivered.
    OrderCancelled { order: DocRef, amount: Money },
    /// Goods worth `amount` left our warehouse against an order.
    OrderShipped { order: DocRef, amount: Money },
    /// An invoice, issued on the entry's date and due on `due_date`. `order`, when given, is
    /// the order it bills, so the order stops counting as open or shipped-not-invoiced.
    Invoice {
        invoice: DocRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        order: Option<DocRef>,
        #[serde(with = "iso_date")]
        due_date: Date,
        amount: Money,
    },
    /// Money received. With no `allocations` it settles open invoices oldest first (see
    /// [`allocate`](super::allocate::allocate)); whatever is not allocated stays on account and
    /// settles later invoices as they are issued.
    Payment {
        payment: DocRef,
        amount: Money,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        allocations: Vec<Allocation>,
    },
    /// A credit note: a return or a price correction. Against `invoice` it reduces what that
    /// invoice asks for; otherwise it is credit on account, used like unallocated cash.
    CreditNote {
        note: DocRef,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        invoice: Option<DocRef>,
        amount: Money,
        reason: CreditReason,
    },
    /// The customer disputes `amount` of an invoice.
    DisputeOpened {
        dispute: DocRef,
        invoice: DocRef,
        amount: Money,
    },
    /// A dispute is settled. Any money given back comes as its own credit note.
    DisputeResolved { dispute: DocRef },
    /// We gave up on `amount` of an invoice.
    WriteOff { invoice: DocRef, amount: Money },
}

/// Part of a payment applied to one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Allocation {
    pub invoice: DocRef,
    pub amount: Money,
}

/// Why a credit note was issued. Only returns count towards the return rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CreditReason {
    Return,
    PriceAdjustment,
    DisputeSettlement,
    Other,
}

/// Why an entry cannot be folded into the book. The server runs the same checks when an event
/// arrives, so a stored ledger always folds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("entry {index}: amount is in {found}, the account is in {account}")]
    Currency {
        index: usize,
        account: Currency,
        found: Currency,
    },
    #[error("entry {index}: amount must be positive and at most 10^15, got {amount}")]
    Amount { index: usize, amount: Decimal },
    #[error("entry {index}: invoice {invoice} is due before it is issued")]
    DueBeforeIssue { index: usize, invoice: DocRef },
    #[error("entry {index}: {kind} {reference} already exists")]
    Duplicate {
        index: usize,
        kind: &'static str,
        reference: DocRef,
    },
    #[error("entry {index}: no invoice {invoice} has been issued by then")]
    UnknownInvoice { index: usize, invoice: DocRef },
    #[error("entry {index}: no open dispute {dispute}")]
    UnknownDispute { index: usize, dispute: DocRef },
    #[error("entry {index}: {source}")]
    Allocation {
        index: usize,
        #[source]
        source: super::allocate::AllocationError,
    },
    #[error("entry {index}: {amount} is more than the {open} still open on invoice {invoice}")]
    ExceedsOpen {
        index: usize,
        invoice: DocRef,
        amount: Decimal,
        open: Decimal,
    },
}

impl LedgerEvent {
    /// The amounts this event carries, for the currency and range checks.
    fn amounts(&self) -> impl Iterator<Item = &Money> {
        let (main, allocations): (Option<&Money>, &[Allocation]) = match self {
            LedgerEvent::OrderPlaced { amount, .. }
            | LedgerEvent::OrderCancelled { amount, .. }
            | LedgerEvent::OrderShipped { amount, .. }
            | LedgerEvent::Invoice { amount, .. }
            | LedgerEvent::CreditNote { amount, .. }
            | LedgerEvent::DisputeOpened { amount, .. }
            | LedgerEvent::WriteOff { amount, .. } => (Some(amount), &[]),
            LedgerEvent::Payment {
                amount,
                allocations,
                ..
            } => (Some(amount), allocations),
            LedgerEvent::DisputeResolved { .. } => (None, &[]),
        };
        main.into_iter()
            .chain(allocations.iter().map(|a| &a.amount))
    }

    /// The amounts this event carries, to convert them into the account currency.
    pub fn amounts_mut(&mut self) -> Vec<&mut Money> {
        match self {
            LedgerEvent::OrderPlaced { amount, .. }
            | LedgerEvent::OrderCancelled { amount, .. }
            | LedgerEvent::OrderShipped { amount, .. }
            | LedgerEvent::Invoice { amount, .. }
            | LedgerEvent::CreditNote { amount, .. }
            | LedgerEvent::DisputeOpened { amount, .. }
            | LedgerEvent::WriteOff { amount, .. } => vec![amount],
            LedgerEvent::Payment {
                amount,
                allocations,
                ..
            } => std::iter::once(amount)
                .chain(allocations.iter_mut().map(|a| &mut a.amount))
                .collect(),
            LedgerEvent::DisputeResolved { .. } => Vec::new(),
        }
    }

    /// Checks what can be checked without the rest of the ledger: the currency, that amounts
    /// are positive and in range, that an invoice is not due before it is issued.
    /// `index` only labels the error.
    pub fn validate(&self, index: usize, date: Date, account: Currency) -> Result<(), LedgerError> {
        for money in self.amounts() {
            if money.currency != account {
                return Err(LedgerError::Currency {
                    index,
                    account,
                    found: money.currency,
                });
            }
            if money.amount <= Decimal::ZERO || money.amount > MAX_ENTRY_AMOUNT {
                return Err(LedgerError::Amount {
                    index,
                    amount: money.amount,
                });
            }
        }
        if let LedgerEvent::Invoice {
            invoice, due_date, ..
        } = self
            && *due_date < date
        {
            return Err(LedgerError::DueBeforeIssue {
                index,
                invoice: invoice.clone(),
            });
        }
        Ok(())
    }

    /// Checks what a client sent against [`crate::bounds`]: the due date in the window around
    /// `today`, every amount at most 10^15 with at most 4 decimals. Run at the door only, not
    /// when a stored ledger is folded, so entries stored before the bounds still fold. The
    /// error names the field inside the event (`due_date`, `allocations[0].amount.amount`).
    pub fn check_bounds(&self, today: Date) -> Result<(), FieldError> {
        if let LedgerEvent::Invoice { due_date, .. } = self {
            DateWindow::around(today)
                .check(*due_date)
                .map_err(|e| e.at("due_date"))?;
        }
        let allocations: &[Allocation] = match self {
            LedgerEvent::Payment { allocations, .. } => allocations,
            _ => &[],
        };
        // The event's own amount comes first, then a payment's allocations.
        if let Some(money) = self.amounts().next() {
            check_amount(money.amount).map_err(|e| e.at("amount.amount"))?;
        }
        for (i, a) in allocations.iter().enumerate() {
            check_amount(a.amount.amount)
                .map_err(|e| e.at(format!("allocations[{i}].amount.amount")))?;
        }
        Ok(())
    }

    /// Same-day order of processing: orders before the invoices that bill them, invoices and
    /// credit notes before the payments that settle them, write-offs last.
    pub(crate) fn same_day_rank(&self) -> u8 {
        match self {
            LedgerEvent::OrderPlaced { .. } => 0,
            LedgerEvent::OrderCancelled { .. } => 1,
            LedgerEvent::OrderShipped { .. } => 2,
            LedgerEvent::Invoice { .. } => 3,
            LedgerEvent::CreditNote { .. } => 4,
            LedgerEvent::DisputeOpened { .. } => 5,
            LedgerEvent::DisputeResolved { .. } => 6,
            LedgerEvent::Payment { .. } => 7,
            LedgerEvent::WriteOff { .. } => 8,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;
    use time::macros::date;

    fn cny(amount: Decimal) -> Money {
        Money::new(amount, Currency::CNY)
    }

    fn doc(s: &str) -> DocRef {
        DocRef::parse(s).unwrap()
    }

    #[test]
    fn the_largest_entry_amount_is_ten_to_the_fifteenth() {
        assert_eq!(MAX_ENTRY_AMOUNT, dec!(1_000_000_000_000_000));
    }

    #[test]
    fn a_document_number_is_trimmed_and_must_not_be_empty() {
        assert_eq!(doc(" INV-1 ").as_str(), "INV-1");
        assert_eq!(DocRef::parse("  "), Err(DocRefError::Empty));
        assert_eq!(DocRef::parse("a\u{7}b"), Err(DocRefError::Control));
        assert!(DocRef::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn entries_read_and_write_as_tagged_json() {
        let json = r#"{"date":"2024-02-29","event":{"type":"invoice","invoice":"INV-1","due_date":"2024-03-30","amount":{"amount":"100.00","currency":"CNY"}}}"#;
        let entry: LedgerEntry = serde_json::from_str(json).unwrap();
        assert_eq!(entry.date, date!(2024 - 02 - 29));
        assert_eq!(serde_json::to_string(&entry).unwrap(), json);
    }

    #[test]
    fn validation_rejects_bad_amounts_currencies_and_dates() {
        let check = |event: LedgerEvent, expected: Result<(), LedgerError>| {
            assert_eq!(
                event.validate(7, date!(2024 - 01 - 10), Currency::CNY),
                expected
            );
        };
        check(
            LedgerEvent::OrderPlaced {
                order: doc("SO-1"),
                amount: cny(dec!(0)),
            },
            Err(LedgerError::Amount {
                index: 7,
                amount: dec!(0),
            }),
        );
        check(
            LedgerEvent::OrderPlaced {
                order: doc("SO-1"),
                amount: Money::new(dec!(5), Currency::USD),
            },
            Err(LedgerError::Currency {
                index: 7,
                account: Currency::CNY,
                found: Currency::USD,
            }),
        );
        check(
            LedgerEvent::Payment {
                payment: doc("P-1"),
                amount: cny(dec!(5)),
                allocations: vec![Allocation {
                    invoice: doc("INV-1"),
                    amount: cny(dec!(-1)),
                }],
            },
            Err(LedgerError::Amount {
                index: 7,
                amount: dec!(-1),
            }),
        );
        check(
            LedgerEvent::Invoice {
                invoice: doc("INV-1"),
                order: None,
                due_date: date!(2024 - 01 - 09),
                amount: cny(dec!(5)),
            },
            Err(LedgerError::DueBeforeIssue {
                index: 7,
                invoice: doc("INV-1"),
            }),
        );
        check(
            LedgerEvent::WriteOff {
                invoice: doc("INV-1"),
                amount: cny(dec!(0.000000001)),
            },
            Ok(()),
        );
    }
}
