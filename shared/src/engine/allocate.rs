//! How a payment is applied to open invoices: as the customer says, or oldest first.
//!
//! One function serves both the server (applying a payment as it arrives) and the ledger fold,
//! so a payment is allocated the same way wherever it is looked at.

use super::ledger::{Allocation, DocRef};
use super::open_items::OpenInvoice;
use crate::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::{cmp::Reverse, collections::BinaryHeap};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    #[error("an allocation must be a positive amount, got {0}")]
    Amount(Decimal),
    #[error("an allocation is in {found}, the payment is in {expected}")]
    Currency { expected: Currency, found: Currency },
    #[error("invoice {0} is not open")]
    NotOpen(DocRef),
    #[error("{amount} is more than the {open} open on invoice {invoice}")]
    ExceedsOpen {
        invoice: DocRef,
        amount: Decimal,
        open: Decimal,
    },
    #[error("the allocations add up to {allocated}, more than the payment of {payment}")]
    ExceedsPayment {
        allocated: Decimal,
        payment: Decimal,
    },
}

/// Where a payment goes: the invoices it settles and what stays on account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AllocationPlan {
    pub applied: Vec<Allocation>,
    /// Not applied to any open invoice: an overpayment or a prepayment. It settles invoices
    /// issued later.
    pub unapplied: Money,
}

/// Allocates `payment` to the open invoices `open`.
///
/// With `explicit` allocations, exactly those are applied (each must fit what is open on its
/// invoice, and together they must fit the payment) and the rest of the payment stays on
/// account: the customer told us what it pays, and we do not guess what the rest is for.
/// Without them the payment settles invoices oldest due date first (then oldest issue date,
/// then the order given), first their undisputed part and only then any disputed part,
/// because a customer paying "the account" is not conceding a dispute.
pub fn allocate(
    payment: Money,
    explicit: &[Allocation],
    open: &[OpenInvoice],
) -> Result<AllocationPlan, AllocationError> {
    let candidates: Vec<Candidate<'_>> = open
        .iter()
        .map(|inv| Candidate {
            invoice: &inv.invoice,
            issued: inv.issued,
            due: inv.due,
            open: if inv.open.currency == payment.currency {
                inv.open.amount
            } else {
                // An invoice in another currency cannot take this payment.
                Decimal::ZERO
            },
            disputed: inv.disputed.amount,
        })
        .collect();
    let (applied, unapplied) = plan(payment, explicit, &candidates)?;
    Ok(AllocationPlan {
        applied: applied
            .into_iter()
            .map(|(i, amount)| Allocation {
                invoice: candidates[i].invoice.clone(),
                amount: Money::new(amount, payment.currency),
            })
            .collect(),
        unapplied: Money::new(unapplied, payment.currency),
    })
}

/// An open invoice as the allocation sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    pub invoice: &'a DocRef,
    pub issued: Date,
    pub due: Date,
    pub open: Decimal,
    pub disputed: Decimal,
}

/// The allocation itself, on indices into `candidates`: `(index, amount)` pairs in the order
/// applied, and the amount left over.
pub(crate) fn plan(
    payment: Money,
    explicit: &[Allocation],
    candidates: &[Candidate<'_>],
) -> Result<(Vec<(usize, Decimal)>, Decimal), AllocationError> {
    if payment.amount <= Decimal::ZERO {
        return Err(AllocationError::Amount(payment.amount));
    }
    let mut left = payment.amount;
    let mut applied: Vec<(usize, Decimal)> = Vec::new();

    if !explicit.is_empty() {
        let mut allocated = Decimal::ZERO;
        for allocation in explicit {
            let amount = allocation.amount.amount;
            if allocation.amount.currency != payment.currency {
                return Err(AllocationError::Currency {
                    expected: payment.currency,
                    found: allocation.amount.currency,
                });
            }
            if amount <= Decimal::ZERO {
                return Err(AllocationError::Amount(amount));
            }
            let index = candidates
                .iter()
                .position(|c| c.invoice == &allocation.invoice && c.open > Decimal::ZERO)
                .ok_or_else(|| AllocationError::NotOpen(allocation.invoice.clone()))?;
            // Two allocations to one invoice share what is open on it.
            let already: Decimal = applied
                .iter()
                .filter(|(i, _)| *i == index)
                .map(|(_, a)| *a)
                .sum();
            let open = candidates[index].open - already;
            if amount > open {
                return Err(AllocationError::ExceedsOpen {
                    invoice: allocation.invoice.clone(),
                    amount,
                    open,
                });
            }
            allocated += amount;
            applied.push((index, amount));
        }
        if allocated > payment.amount {
            return Err(AllocationError::ExceedsPayment {
                allocated,
                payment: payment.amount,
            });
        }
        return Ok((applied, payment.amount - allocated));
    }

    // Oldest due first (then oldest issued, then as given). A heap, not a sort: a payment
    // usually settles a few of a big account's thousands of open invoices.
    let mut queue: BinaryHeap<Reverse<(Date, Date, usize)>> = (0..candidates.len())
        .filter(|&i| candidates[i].open > Decimal::ZERO)
        .map(|i| Reverse((candidates[i].due, candidates[i].issued, i)))
        .collect();
    let mut taken = vec![Decimal::ZERO; candidates.len()];
    let mut take = |i: usize, room: Decimal, left: &mut Decimal, taken: &mut Vec<Decimal>| {
        let amount = room.min(*left);
        if amount > Decimal::ZERO {
            taken[i] += amount;
            *left -= amount;
            match applied.iter_mut().find(|(j, _)| *j == i) {
                Some((_, a)) => *a += amount,
                None => applied.push((i, amount)),
            }
        }
    };
    // First what is not disputed…
    let mut visited: Vec<usize> = Vec::new();
    while !left.is_zero() {
        let Some(Reverse((_, _, i))) = queue.pop() else {
            break;
        };
        visited.push(i);
        let c = &candidates[i];
        let undisputed = (c.open - c.disputed.min(c.open)).max(Decimal::ZERO);
        take(i, undisputed, &mut left, &mut taken);
    }
    // …then, with money left (so every candidate was visited, in order), the disputed rest.
    for &i in &visited {
        if left.is_zero() {
            break;
        }
        let room = candidates[i].open - taken[i];
        take(i, room, &mut left, &mut taken);
    }
    Ok((applied, left))
}

#[cfg(test)]
mod tests {
    // Case tables are tuples; naming each shape would only hide the table.
    #![allow(clippy::type_complexity)]

    use super::*;
    use rust_decimal::dec;
    use time::macros::date;

    fn cny(amount: Decimal) -> Money {
        Money::new(amount, Currency::CNY)
    }

    fn doc(s: &str) -> DocRef {
        DocRef::parse(s).unwrap()
    }

    fn open(invoice: &str, due: Date, amount: Decimal, disputed: Decimal) -> OpenInvoice {
        OpenInvoice {
            invoice: doc(invoice),
            order: None,
            issued: date!(2024 - 01 - 01),
            due,
            amount: cny(amount),
            open: cny(amount),
            disputed: cny(disputed),
        }
    }

    fn book() -> Vec<OpenInvoice> {
        vec![
            open("INV-3", date!(2024 - 03 - 31), dec!(300), dec!(0)),
            open("INV-1", date!(2024 - 01 - 31), dec!(100), dec!(40)),
            open("INV-2", date!(2024 - 02 - 29), dec!(200), dec!(0)),
        ]
    }

    fn check(
        payment: Decimal,
        explicit: &[(&str, Decimal)],
        expected: Result<(&[(&str, Decimal)], Decimal), AllocationError>,
    ) {
        let explicit: Vec<Allocation> = explicit
            .iter()
            .map(|(i, a)| Allocation {
                invoice: doc(i),
                amount: cny(*a),
            })
            .collect();
        let got = allocate(cny(payment), &explicit, &book()).map(|plan| {
            let applied: Vec<(String, Decimal)> = plan
                .applied
                .into_iter()
                .map(|a| (a.invoice.as_str().to_owned(), a.amount.amount))
                .collect();
            (applied, plan.unapplied.amount)
        });
        let expected = expected.map(|(applied, unapplied)| {
            (
                applied
                    .iter()
                    .map(|(i, a)| ((*i).to_owned(), *a))
                    .collect::<Vec<_>>(),
                unapplied,
            )
        });
        assert_eq!(got, expected, "payment {payment}");
    }

    #[test]
    fn a_payment_without_allocations_settles_the_oldest_due_invoice_first() {
        check(
            dec!(250),
            &[],
            Ok((&[("INV-1", dec!(60)), ("INV-2", dec!(190))], dec!(0))),
        );
    }

    #[test]
    fn disputed_amounts_are_settled_only_after_everything_undisputed() {
        check(
            dec!(600),
            &[],
            Ok((
                &[
                    ("INV-1", dec!(100)),
                    ("INV-2", dec!(200)),
                    ("INV-3", dec!(300)),
                ],
                dec!(0),
            )),
        );
        check(
            dec!(570),
            &[],
            Ok((
                &[
                    ("INV-1", dec!(70)),
                    ("INV-2", dec!(200)),
                    ("INV-3", dec!(300)),
                ],
                dec!(0),
            )),
        );
    }

    #[test]
    fn an_overpayment_stays_on_account() {
        check(
            dec!(700.005),
            &[],
            Ok((
                &[
                    ("INV-1", dec!(100)),
                    ("INV-2", dec!(200)),
                    ("INV-3", dec!(300)),
                ],
                dec!(100.005),
            )),
        );
    }

    #[test]
    fn explicit_allocations_are_applied_as_given_and_the_rest_stays_on_account() {
        check(
            dec!(500),
            &[("INV-3", dec!(300)), ("INV-1", dec!(50))],
            Ok((&[("INV-3", dec!(300)), ("INV-1", dec!(50))], dec!(150))),
        );
    }

    #[test]
    fn explicit_allocations_must_fit_the_invoice_and_the_payment() {
        check(
            dec!(500),
            &[("INV-1", dec!(60)), ("INV-1", dec!(60))],
            Err(AllocationError::ExceedsOpen {
                invoice: doc("INV-1"),
                amount: dec!(60),
                open: dec!(40),
            }),
        );
        check(
            dec!(100),
            &[("INV-2", dec!(200))],
            Err(AllocationError::ExceedsPayment {
                allocated: dec!(200),
                payment: dec!(100),
            }),
        );
        check(
            dec!(100),
            &[("INV-9", dec!(10))],
            Err(AllocationError::NotOpen(doc("INV-9"))),
        );
        check(
            dec!(100),
            &[("INV-1", dec!(0))],
            Err(AllocationError::Amount(dec!(0))),
        );
    }

    #[test]
    fn a_payment_with_nothing_open_stays_on_account_entirely() {
        let plan = allocate(cny(dec!(80)), &[], &[]).unwrap();
        assert!(plan.applied.is_empty());
        assert_eq!(plan.unapplied, cny(dec!(80)));
    }
}
