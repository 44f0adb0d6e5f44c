//! Folding a customer's ledger into its book at a date: every invoice with how and when it was
//! settled, every order with what became of it, and what is open.
//!
//! The fold is the only place ledger entries are interpreted. Metrics read the [`Book`]; the
//! order check reads its [`OpenItems`].

use super::allocate::{self, Candidate};
use super::ledger::{CreditReason, DocRef, LedgerEntry, LedgerError, LedgerEvent};
use super::open_items::{OpenInvoice, OpenItems};
use crate::{Currency, Money};
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet, VecDeque};
use time::Date;

/// How part of an invoice was settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettlementKind {
    /// Paid: the only kind that says how the customer pays.
    Cash,
    /// Reduced by a credit note.
    Credit,
    /// Given up on.
    WriteOff,
}

/// One reduction of what an invoice asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settlement {
    /// When it took effect. Cash paid in advance settles an invoice on its issue date.
    pub date: Date,
    pub amount: Decimal,
    pub kind: SettlementKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRecord {
    pub invoice: DocRef,
    pub order: Option<DocRef>,
    pub issued: Date,
    pub due: Date,
    pub amount: Decimal,
    /// In the order they happened.
    pub settlements: Vec<Settlement>,
    /// Currently disputed (open disputes only).
    pub disputed: Decimal,
    open: Decimal,
}

impl InvoiceRecord {
    /// What is still to pay.
    pub fn open(&self) -> Decimal {
        self.open
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    pub order: DocRef,
    /// `None` when we only saw the order shipped or invoiced (placed before the ledger starts).
    pub placed_on: Option<Date>,
    pub placed: Decimal,
    pub cancelled: Decimal,
    pub shipped: Decimal,
    pub invoiced: Decimal,
}

impl OrderRecord {
    /// Not yet shipped (an invoice without a shipment counts as shipped), not cancelled.
    pub fn open(&self) -> Decimal {
        (self.placed - self.cancelled - self.shipped.max(self.invoiced)).max(Decimal::ZERO)
    }

    pub fn shipped_not_invoiced(&self) -> Decimal {
        (self.shipped - self.invoiced).max(Decimal::ZERO)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
/// A credit note in the book. (The stored, versioned credit file is
/// `credence_api::store::credit::CreditRecord`.)
pub struct CreditNoteRecord {
    pub note: DocRef,
    pub date: Date,
    pub amount: Decimal,
    pub reason: CreditReason,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisputeRecord {
    pub dispute: DocRef,
    /// Index into [`Book::invoices`].
    pub invoice: usize,
    pub opened: Date,
    pub resolved: Option<Date>,
    pub amount: Decimal,
}

/// Cash or credit waiting on account, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct OnAccount {
    amount: Decimal,
    kind: SettlementKind,
}

/// A customer's ledger folded up to and including `as_of`. Entries dated later are ignored,
/// so the same ledger answers "as of" any past date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Book {
    pub currency: Currency,
    pub as_of: Date,
    /// The first entry's date: where tenure starts.
    pub first_activity: Option<Date>,
    /// In issue order.
    pub invoices: Vec<InvoiceRecord>,
    pub orders: Vec<OrderRecord>,
    pub credit_notes: Vec<CreditNoteRecord>,
    pub disputes: Vec<DisputeRecord>,
    on_account: VecDeque<OnAccount>,
}

impl Book {
    /// Folds `entries` (any order; same-day entries are taken orders first, payments late,
    /// write-offs last) into the book as of `as_of`. Every amount must be in `currency`.
    pub fn fold(
        currency: Currency,
        entries: &[LedgerEntry],
        as_of: Date,
    ) -> Result<Book, LedgerError> {
        let mut order: Vec<usize> = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            if entry.date <= as_of {
                entry.event.validate(index, entry.date, currency)?;
                order.push(index);
            }
        }
        order.sort_by_key(|&i| (entries[i].date, entries[i].event.same_day_rank()));

        let mut fold = Fold {
            book: Book {
                currency,
                as_of,
                first_activity: order.first().map(|&i| entries[i].date),
                invoices: Vec::new(),
                orders: Vec::new(),
                credit_notes: Vec::new(),
                disputes: Vec::new(),
                on_account: VecDeque::new(),
            },
            invoice_index: HashMap::new(),
            order_index: HashMap::new(),
            dispute_index: HashMap::new(),
            payments: HashSet::new(),
            open: Vec::new(),
            settled_out: false,
        };
        for index in order {
            fold.apply(index, &entries[index])?;
        }
        Ok(fold.book)
    }

    /// The open items at the book's date: the exposure snapshot.
    pub fn open_items(&self) -> OpenItems {
        let money = |amount: Decimal| Money::new(amount, self.currency);
        let mut invoices: Vec<OpenInvoice> = self
            .invoices
            .iter()
            .filter(|inv| inv.open > Decimal::ZERO)
            .map(|inv| OpenInvoice {
                invoice: inv.invoice.clone(),
                order: inv.order.clone(),
                issued: inv.issued,
                due: inv.due,
                amount: money(inv.amount),
                open: money(inv.open),
                disputed: money(inv.disputed.min(inv.open)),
            })
            .collect();
        invoices.sort_by(OpenInvoice::canonical_order);
        OpenItems {
            currency: self.currency,
            as_of: self.as_of,
            invoices,
            open_orders: money(self.orders.iter().map(OrderRecord::open).sum()),
            shipped_not_invoiced: money(
                self.orders
                    .iter()
                    .map(OrderRecord::shipped_not_invoiced)
                    .sum(),
            ),
            unapplied_credit: money(self.on_account.iter().map(|c| c.amount).sum()),
        }
    }
}

struct Fold<'e> {
    book: Book,
    invoice_index: HashMap<&'e str, usize>,
    order_index: HashMap<&'e str, usize>,
    dispute_index: HashMap<&'e str, usize>,
    /// Payment and credit note numbers seen, to refuse a second posting of one document.
    payments: HashSet<(&'static str, &'e str)>,
    /// Indices of invoices with something open, oldest due first (then oldest issued, then
    /// first posted): the order payments settle them in (see [`Fold::prune`]).
    open: Vec<usize>,
    /// Whether an invoice in `open` was settled in full since the last prune.
    settled_out: bool,
}

impl<'e> Fold<'e> {
    fn apply(&mut self, index: usize, entry: &'e LedgerEntry) -> Result<(), LedgerError> {
        let date = entry.date;
        match &entry.event {
            LedgerEvent::OrderPlaced { order, amount } => {
                let i = self.order(order);
                let record = &mut self.book.orders[i];
                if record.placed_on.is_some() {
                    return Err(duplicate(index, "order", order));
                }
                record.placed_on = Some(date);
                record.placed = amount.amount;
            }
            LedgerEvent::OrderCancelled { order, amount } => {
                let i = self.order(order);
                self.book.orders[i].cancelled += amount.amount;
            }
            LedgerEvent::OrderShipped { order, amount } => {
                let i = self.order(order);
                self.book.orders[i].shipped += amount.amount;
            }
            LedgerEvent::Invoice {
                invoice,
                order,
                due_date,
                amount,
            } => {
                if self.invoice_index.contains_key(invoice.as_str()) {
                    return Err(duplicate(index, "invoice", invoice));
                }
                if let Some(order) = order {
                    let i = self.order(order);
                    self.book.orders[i].invoiced += amount.amount;
                }
                let i = self.book.invoices.len();
                self.book.invoices.push(InvoiceRecord {
                    invoice: invoice.clone(),
                    order: order.clone(),
                    issued: date,
                    due: *due_date,
                    amount: amount.amount,
                    settlements: Vec::new(),
                    disputed: Decimal::ZERO,
                    open: amount.amount,
                });
                self.invoice_index.insert(invoice.as_str(), i);
                self.enqueue(i);
                // Cash or credit already on account pays the new invoice at once.
                while let Some(front) = self.book.on_account.front_mut() {
                    let take = front.amount.min(self.book.invoices[i].open);
                    if take.is_zero() {
                        break;
                    }
                    let kind = front.kind;
                    front.amount -= take;
                    if front.amount.is_zero() {
                        self.book.on_account.pop_front();
                    }
                    self.settle(i, date, take, kind);
                }
            }
            LedgerEvent::Payment {
                payment,
                amount,
                allocations,
            } => {
                if !self.payments.insert(("payment", payment.as_str())) {
                    return Err(duplicate(index, "payment", payment));
                }
                self.prune();
                let n = if allocations.is_empty() {
                    self.reaching(amount.amount)
                } else {
                    self.open.len()
                };
                let candidates = self.candidates(n);
                let (applied, left) = allocate::plan(*amount, allocations, &candidates)
                    .map_err(|source| LedgerError::Allocation { index, source })?;
                let targets: Vec<usize> = self.open[..n].to_vec();
                for (c, part) in applied {
                    self.settle(targets[c], date, part, SettlementKind::Cash);
                }
                self.park(left, SettlementKind::Cash);
            }
            LedgerEvent::CreditNote {
                note,
                invoice,
                amount,
                reason,
            } => {
                if !self.payments.insert(("credit note", note.as_str())) {
                    return Err(duplicate(index, "credit note", note));
                }
                self.book.credit_notes.push(CreditNoteRecord {
                    note: note.clone(),
                    date,
                    amount: amount.amount,
                    reason: *reason,
                });
                let mut left = amount.amount;
                if let Some(invoice) = invoice {
                    let i = self.invoice(index, invoice)?;
                    let take = left.min(self.book.invoices[i].open);
                    if take > Decimal::ZERO {
                        self.settle(i, date, take, SettlementKind::Credit);
                    }
                    left -= take;
                }
                if left > Decimal::ZERO {
                    // Credit beyond its invoice, or for no invoice: like cash paid on account.
                    self.prune();
                    let n = self.reaching(left);
                    let candidates = self.candidates(n);
                    let remaining = Money::new(left, self.book.currency);
                    let (applied, rest) = allocate::plan(remaining, &[], &candidates)
                        .map_err(|source| LedgerError::Allocation { index, source })?;
                    let targets: Vec<usize> = self.open[..n].to_vec();
                    for (c, part) in applied {
                        self.settle(targets[c], date, part, SettlementKind::Credit);
                    }
                    self.park(rest, SettlementKind::Credit);
                }
            }
            LedgerEvent::DisputeOpened {
                dispute,
                invoice,
                amount,
            } => {
                if self.dispute_index.contains_key(dispute.as_str()) {
                    return Err(duplicate(index, "dispute", dispute));
                }
                let i = self.invoice(index, invoice)?;
                self.book.invoices[i].disputed += amount.amount;
                self.dispute_index
                    .insert(dispute.as_str(), self.book.disputes.len());
                self.book.disputes.push(DisputeRecord {
                    dispute: dispute.clone(),
                    invoice: i,
                    opened: date,
                    resolved: None,
                    amount: amount.amount,
                });
            }
            LedgerEvent::DisputeResolved { dispute } => {
                let d = self
                    .dispute_index
                    .get(dispute.as_str())
                    .copied()
                    .filter(|&d| self.book.disputes[d].resolved.is_none())
                    .ok_or_else(|| LedgerError::UnknownDispute {
                        index,
                        dispute: dispute.clone(),
                    })?;
                let record = &mut self.book.disputes[d];
                record.resolved = Some(date);
                let invoice = &mut self.book.invoices[record.invoice];
                invoice.disputed = (invoice.disputed - record.amount).max(Decimal::ZERO);
            }
            LedgerEvent::WriteOff { invoice, amount } => {
                let i = self.invoice(index, invoice)?;
                let open = self.book.invoices[i].open;
                if amount.amount > open {
                    return Err(LedgerError::ExceedsOpen {
                        index,
                        invoice: invoice.clone(),
                        amount: amount.amount,
                        open,
                    });
                }
                self.settle(i, date, amount.amount, SettlementKind::WriteOff);
            }
        }
        Ok(())
    }

    fn order(&mut self, order: &'e DocRef) -> usize {
        if let Some(&i) = self.order_index.get(order.as_str()) {
            return i;
        }
        let i = self.book.orders.len();
        self.book.orders.push(OrderRecord {
            order: order.clone(),
            placed_on: None,
            placed: Decimal::ZERO,
            cancelled: Decimal::ZERO,
            shipped: Decimal::ZERO,
            invoiced: Decimal::ZERO,
        });
        self.order_index.insert(order.as_str(), i);
        i
    }

    fn invoice(&self, index: usize, invoice: &DocRef) -> Result<usize, LedgerError> {
        self.invoice_index
            .get(invoice.as_str())
            .copied()
            .ok_or_else(|| LedgerError::UnknownInvoice {
                index,
                invoice: invoice.clone(),
            })
    }

    /// Drops the invoices settled in full from `open`, once for all of them: removing each
    /// as it is settled made a big account's fold quadratic (a payment settles many).
    fn prune(&mut self) {
        if self.settled_out {
            let invoices = &self.book.invoices;
            self.open.retain(|&j| invoices[j].open > Decimal::ZERO);
            self.settled_out = false;
        }
    }

    /// Puts a new invoice into `open` at its place in settling order.
    fn enqueue(&mut self, i: usize) {
        let invoices = &self.book.invoices;
        let key = |j: usize| (invoices[j].due, invoices[j].issued, j);
        let at = self.open.partition_point(|&j| key(j) < key(i));
        self.open.insert(at, i);
    }

    /// How many of the first open invoices an unallocated `amount` can reach: those whose
    /// undisputed open amounts add up to it (all, when they do not). The allocation settles
    /// the undisputed part oldest due first, so it never goes past them; a payment to a big
    /// account then costs what it settles, not the whole book.
    fn reaching(&self, amount: Decimal) -> usize {
        let mut sum = Decimal::ZERO;
        for (n, &j) in self.open.iter().enumerate() {
            let inv = &self.book.invoices[j];
            sum += (inv.open - inv.disputed.min(inv.open)).max(Decimal::ZERO);
            if sum >= amount {
                return n + 1;
            }
        }
        self.open.len()
    }

    /// The first `n` open invoices, in the shape the allocation takes (index `c` is
    /// `self.open[c]`; [`Fold::prune`] first).
    fn candidates(&self, n: usize) -> Vec<Candidate<'_>> {
        self.open[..n]
            .iter()
            .map(|&i| {
                let inv = &self.book.invoices[i];
                Candidate {
                    invoice: &inv.invoice,
                    issued: inv.issued,
                    due: inv.due,
                    open: inv.open,
                    disputed: inv.disputed,
                }
            })
            .collect()
    }

    fn settle(&mut self, i: usize, date: Date, amount: Decimal, kind: SettlementKind) {
        let invoice = &mut self.book.invoices[i];
        invoice.open -= amount;
        invoice.settlements.push(Settlement { date, amount, kind });
        if invoice.open <= Decimal::ZERO {
            self.settled_out = true;
        }
    }

    fn park(&mut self, amount: Decimal, kind: SettlementKind) {
        if amount > Decimal::ZERO {
            self.book.on_account.push_back(OnAccount { amount, kind });
        }
    }
}

fn duplicate(index: usize, kind: &'static str, reference: &DocRef) -> LedgerError {
    LedgerError::Duplicate {
        index,
        kind,
        reference: reference.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::testkit::*;
    use time::macros::date;

    #[test]
    fn a_payment_before_its_invoice_waits_on_account_and_then_settles_it() {
        let entries = [
            payment(date!(2024 - 04 - 01), "P1", "150"),
            invoice(date!(2024 - 04 - 15), "I1", date!(2024 - 05 - 15), "100"),
        ];
        let b = fold(&entries, date!(2024 - 06 - 30));
        assert_eq!(b.invoices[0].open(), Decimal::ZERO);
        assert_eq!(b.invoices[0].settlements[0].date, date!(2024 - 04 - 15));
        assert_eq!(b.open_items().unapplied_credit, cny("50"));
    }

    #[test]
    fn entries_after_the_as_of_date_are_ignored() {
        let entries = [
            invoice(date!(2024 - 04 - 15), "I1", date!(2024 - 05 - 15), "100"),
            payment(date!(2024 - 07 - 01), "P1", "100"),
        ];
        assert_eq!(
            fold(&entries, date!(2024 - 06 - 30)).invoices[0].open(),
            dec("100")
        );
        assert_eq!(
            fold(&entries, date!(2024 - 07 - 01)).invoices[0].open(),
            Decimal::ZERO
        );
    }

    #[test]
    fn same_day_entries_are_taken_invoice_before_payment_whatever_their_order() {
        let on = date!(2024 - 05 - 01);
        let entries = [payment(on, "P1", "100"), invoice(on, "I1", on, "100")];
        let b = fold(&entries, on);
        assert_eq!(b.invoices[0].settlements[0].kind, SettlementKind::Cash);
        assert_eq!(b.open_items().unapplied_credit, cny("0"));
    }

    #[test]
    fn only_credit_notes_leave_credit_on_account_and_no_invoices() {
        let entries = [credit(
            date!(2024 - 05 - 01),
            "CN1",
            None,
            "80",
            crate::engine::ledger::CreditReason::Other,
        )];
        let b = fold(&entries, date!(2024 - 06 - 30));
        assert!(b.invoices.is_empty());
        assert_eq!(b.open_items().unapplied_credit, cny("80"));
    }

    #[test]
    fn orders_are_open_until_shipped_or_invoiced_and_shipped_until_invoiced() {
        let on = date!(2024 - 05 - 01);
        let entries = [
            order(on, "O1", "100"),
            shipped(on, "O1", "60"),
            invoice_for(
                date!(2024 - 05 - 02),
                "I1",
                "O1",
                date!(2024 - 06 - 01),
                "40",
            ),
        ];
        let items = fold(&entries, on.next_day().unwrap()).open_items();
        assert_eq!(items.open_orders, cny("40"));
        assert_eq!(items.shipped_not_invoiced, cny("20"));
    }

    #[test]
    fn a_ledger_that_contradicts_itself_does_not_fold() {
        let on = date!(2024 - 05 - 01);
        let cases: Vec<(Vec<LedgerEntry>, &str)> = vec![
            (
                vec![invoice(on, "I1", on, "1"), invoice(on, "I1", on, "2")],
                "Duplicate",
            ),
            (
                vec![payment(on, "P1", "1"), payment(on, "P1", "1")],
                "Duplicate",
            ),
            (vec![write_off(on, "I9", "1")], "UnknownInvoice"),
            (
                vec![invoice(on, "I1", on, "1"), write_off(on, "I1", "2")],
                "ExceedsOpen",
            ),
            (
                vec![
                    invoice(on, "I1", on, "1"),
                    payment_to(on, "P1", "5", &[("I2", "1")]),
                ],
                "Allocation",
            ),
        ];
        for (entries, kind) in cases {
            let err = Book::fold(Currency::CNY, &entries, on).unwrap_err();
            assert!(
                format!("{err:?}").starts_with(kind),
                "{err:?} is not {kind}"
            );
        }
    }
}
