//! What a customer owes and has on order at a date: the exposure snapshot.
//!
//! The server stores one per customer and updates it with every event; the order check and
//! the aging report read it. The figures derived from it (aging, exposure, overdue) are
//! computed in [`metrics`](super::metrics), nowhere else.

use super::calendar::iso_date;
use super::ledger::DocRef;
use crate::{Currency, Money};
use serde::{Deserialize, Serialize};
use time::Date;

/// An invoice with something still to pay on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenInvoice {
    pub invoice: DocRef,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<DocRef>,
    #[serde(with = "iso_date")]
    pub issued: Date,
    #[serde(with = "iso_date")]
    pub due: Date,
    /// The invoice's original amount.
    pub amount: Money,
    /// What is still to pay after payments, credit notes and write-offs.
    pub open: Money,
    /// The part the customer disputes (at most `open` counts).
    pub disputed: Money,
}

impl OpenInvoice {
    /// The order of [`OpenItems::invoices`]: oldest due date first, then issue date, then
    /// invoice number (numbers are unique per customer, so the order is total and a store
    /// that keeps open invoices in several items can restore it exactly).
    pub fn canonical_order(a: &OpenInvoice, b: &OpenInvoice) -> std::cmp::Ordering {
        (a.due, a.issued, &a.invoice).cmp(&(b.due, b.issued, &b.invoice))
    }
}

/// Open items of one customer at `as_of`, in its account currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenItems {
    pub currency: Currency,
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// In [`OpenInvoice::canonical_order`].
    pub invoices: Vec<OpenInvoice>,
    /// Ordered, not yet shipped nor invoiced, not cancelled.
    pub open_orders: Money,
    /// Shipped but not yet invoiced.
    pub shipped_not_invoiced: Money,
    /// Cash and credit on account, not yet applied to an invoice (prepayments, overpayments,
    /// credit notes beyond what their invoice still owed).
    pub unapplied_credit: Money,
}

impl OpenItems {
    /// Nothing open: a customer with no history.
    pub fn empty(currency: Currency, as_of: Date) -> Self {
        Self {
            currency,
            as_of,
            invoices: Vec::new(),
            open_orders: Money::zero(currency),
            shipped_not_invoiced: Money::zero(currency),
            unapplied_credit: Money::zero(currency),
        }
    }
}

/// Open receivables by days past due. Buckets are by days after the due date:
/// current (not yet due), 1–30, 31–60, 61–90, over 90.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Aging {
    pub current: Money,
    pub days_1_30: Money,
    pub days_31_60: Money,
    pub days_61_90: Money,
    pub days_over_90: Money,
}

impl Aging {
    pub fn zero(currency: Currency) -> Self {
        let z = Money::zero(currency);
        Self {
            current: z,
            days_1_30: z,
            days_31_60: z,
            days_61_90: z,
            days_over_90: z,
        }
    }

    /// Everything past due (all buckets but `current`).
    pub fn overdue(&self) -> Money {
        Money::new(
            self.days_1_30.amount
                + self.days_31_60.amount
                + self.days_61_90.amount
                + self.days_over_90.amount,
            self.current.currency,
        )
    }

    pub fn total(&self) -> Money {
        Money::new(
            self.current.amount + self.overdue().amount,
            self.current.currency,
        )
    }
}

/// Which open items count against the credit limit; a tenant's choice, in its policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ExposureComposition {
    pub open_receivables: bool,
    pub open_orders: bool,
    pub shipped_not_invoiced: bool,
    /// Subtract cash and credit on account (a prepayment makes room for the order it pays).
    pub net_unapplied_credit: bool,
}

impl ExposureComposition {
    /// Everything counts: the usual choice, and the most cautious.
    pub const ALL: ExposureComposition = ExposureComposition {
        open_receivables: true,
        open_orders: true,
        shipped_not_invoiced: true,
        net_unapplied_credit: true,
    };
}
