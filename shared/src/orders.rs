//! The blocked-order desk: an order the credit check blocked, and everything that happened
//! to it since — the checks made again as the customer's file changed, a release (whole, in
//! part, or on a prepayment), a rejection, a shipment — and what the ERP has been told.
//!
//! Pure: the API stores a [`BlockedOrder`] under its customer and the watcher re-checks it
//! with [`recheck`]; the app shows the same shape.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::Money;
use crate::engine::calendar::iso_date;
use crate::engine::check::{CheckReason, CheckResult, CreditFile, Decision, OrderRequest};
use crate::engine::open_items::OpenItems;
use crate::engine::policy::Policy;
use crate::engine::quantity::Share;

/// Where an order of the blocked queue stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting in the queue for a release or a rejection.
    #[default]
    Blocked,
    /// Released by a person (through the approval matrix), whole or in part.
    Released,
    /// Released by the watcher: the customer's file changed and the order now passes.
    ReleasedByRecheck,
    /// Rejected: must not ship.
    Rejected,
}

impl OrderStatus {
    /// The webhook event that tells the ERP of this status.
    pub fn event(self) -> &'static str {
        match self {
            OrderStatus::Blocked => "order.blocked",
            OrderStatus::Released | OrderStatus::ReleasedByRecheck => "order.released",
            OrderStatus::Rejected => "order.rejected",
        }
    }

    /// The name stored in the item's `status` attribute (and in the wire JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Blocked => "blocked",
            OrderStatus::Released => "released",
            OrderStatus::ReleasedByRecheck => "released_by_recheck",
            OrderStatus::Rejected => "rejected",
        }
    }

    /// Whether the order may ship (some or all of it).
    pub fn may_ship(self) -> bool {
        matches!(self, OrderStatus::Released | OrderStatus::ReleasedByRecheck)
    }
}

/// Which step of order-to-cash a check was made at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStep {
    /// When the order was placed (the check that blocked it).
    Order,
    /// Again, because the customer's file changed (a payment, a limit, a hold lifted).
    Recheck,
    /// When goods left against it.
    Shipment,
}

/// One check of a blocked order, as it came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderCheck {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub step: CheckStep,
    pub result: CheckResult,
}

/// A person's release: what may ship, and on what condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderRelease {
    /// How much of the order may ship (the whole order unless released in part).
    pub allowed: Money,
    /// The share of what ships the customer pays before it ships, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepayment: Option<Share>,
    pub by: String,
    pub reason: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
}

/// Goods shipped against the order while it was in the queue or after it was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shipment {
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub amount: Money,
    /// The order's status when it shipped (blocked or rejected: it should not have).
    pub status_then: OrderStatus,
    /// Whether the watcher has raised the alert for it.
    #[serde(default)]
    pub alerted: bool,
}

/// An order the credit check blocked, kept under its customer for as long as the customer
/// is: the queue lists those still [`OrderStatus::Blocked`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockedOrder {
    pub customer_id: String,
    /// The customer's name when the order was blocked (for the queue, without a read per row).
    #[serde(default)]
    pub customer_name: String,
    /// The customer's number in the tenant's ERP.
    #[serde(default)]
    pub customer_number: String,
    /// The idempotency key of the `order_placed` event: the order's key in the queue.
    pub idempotency_key: String,
    /// The order's date.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    /// The order number.
    pub order: String,
    pub amount: Money,
    /// The findings of the check that blocked it.
    pub reasons: Vec<CheckReason>,
    #[serde(default)]
    pub status: OrderStatus,
    /// When it entered the queue (absent on orders queued before this was kept).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub blocked_at: Option<OffsetDateTime>,
    /// Every check of it, oldest first: the one that blocked it, then each one since.
    #[serde(default)]
    pub checks: Vec<OrderCheck>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<OrderRelease>,
    /// Who closed it (a person, or `system` for a re-check) and why, once it left the queue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipped: Option<Shipment>,
    /// The last status the ERP was told by webhook (the watcher tells each change once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told: Option<OrderStatus>,
    /// Optimistic-concurrency version of the stored order.
    #[serde(default)]
    pub version: u64,
}

impl BlockedOrder {
    /// How much may ship now: nothing while blocked or rejected, the released amount once
    /// released.
    pub fn allowed(&self) -> Money {
        match (&self.status, &self.release) {
            (s, Some(r)) if s.may_ship() => r.allowed,
            (OrderStatus::ReleasedByRecheck, None) => self.amount,
            _ => Money::zero(self.amount.currency),
        }
    }

    /// The reason code the ERP acts on: the most severe finding's rule of the latest check
    /// (or of the blocking one), e.g. `over_limit`, `on_hold`.
    pub fn reason_code(&self) -> Option<String> {
        let reasons = self
            .checks
            .last()
            .map_or(&self.reasons, |c| &c.result.reasons);
        reasons.iter().max_by_key(|r| r.severity).and_then(|r| {
            serde_json::to_value(&r.finding)
                .ok()
                .and_then(|v| v.get("rule").and_then(|r| r.as_str()).map(str::to_owned))
        })
    }

    /// Whether a shipment of this order on its status should raise the alarm.
    pub fn must_not_ship(&self) -> bool {
        matches!(self.status, OrderStatus::Blocked | OrderStatus::Rejected)
    }

    /// What a webhook tells the ERP about this order.
    pub fn event(&self) -> OrderEvent {
        OrderEvent {
            customer_id: self.customer_id.clone(),
            customer_number: self.customer_number.clone(),
            order: self.order.clone(),
            order_key: self.idempotency_key.clone(),
            decision: self.status,
            amount: self.amount,
            allowed_to_ship: self.allowed(),
            prepayment: self.release.as_ref().and_then(|r| r.prepayment),
            reason_code: self.reason_code(),
            by: self.closed_by.clone(),
            reason: self.close_reason.clone(),
        }
    }
}

/// The `data` of the `order.blocked`, `order.released` and `order.rejected` webhooks: what
/// an ERP needs to act on its order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrderEvent {
    pub customer_id: String,
    /// The customer's number in the ERP.
    pub customer_number: String,
    /// The ERP's order number.
    pub order: String,
    /// The idempotency key the order was sent with.
    pub order_key: String,
    pub decision: OrderStatus,
    pub amount: Money,
    /// How much may ship now (zero while blocked or once rejected).
    pub allowed_to_ship: Money,
    /// The share to collect before shipping, when released on a prepayment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prepayment: Option<Share>,
    /// The rule of the most severe finding (`over_limit`, `overdue`, `on_hold`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason_code: Option<String>,
    /// Who decided (`system` for a re-check).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What an ERP keeps of a customer's credit; `credit.changed` says when any of it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditTerms {
    pub limit: Money,
    pub terms_days: u16,
    /// Share of each order to collect before shipping (0: none).
    pub prepayment: Share,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<crate::Grade>,
    pub on_hold: bool,
    pub blacklisted: bool,
}

impl CreditTerms {
    pub fn of(file: &CreditFile) -> Self {
        Self {
            limit: file.limit,
            terms_days: file.terms_days,
            prepayment: file.prepayment_share,
            grade: file.grade,
            on_hold: file.on_hold,
            blacklisted: file.blacklisted,
        }
    }

    /// The names of the terms that differ in `after`, in a fixed order.
    pub fn changes(&self, after: &CreditTerms) -> Vec<String> {
        let mut changed = Vec::new();
        let mut note = |differs: bool, name: &str| {
            if differs {
                changed.push(name.to_owned());
            }
        };
        note(self.limit != after.limit, "limit");
        note(self.terms_days != after.terms_days, "terms_days");
        note(self.prepayment != after.prepayment, "prepayment");
        note(self.grade != after.grade, "grade");
        note(self.on_hold != after.on_hold, "on_hold");
        note(self.blacklisted != after.blacklisted, "blacklisted");
        changed
    }
}

/// The `data` of the `credit.changed` webhook (and, with the same shape, of
/// `customer.hold` and `customer.released` when the hold is what changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditChanged {
    pub customer_id: String,
    pub customer_number: String,
    /// Which terms changed: `limit`, `terms_days`, `prepayment`, `grade`, `on_hold`,
    /// `blacklisted`.
    pub changed: Vec<String>,
    pub before: CreditTerms,
    pub after: CreditTerms,
}

/// A row of the desk: the order, its age and its service level from the approval matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockedOrderRow {
    pub order: BlockedOrder,
    /// Whole days since it entered the queue (since the order's date when that is unknown).
    pub age_days: u32,
    /// When the first approval step of its release falls due under the approval matrix.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub due_at: Option<OffsetDateTime>,
    /// Whether it waits past that.
    pub past_due: bool,
}

/// The exposure before the order: the customer's open items without what this order still
/// adds as an open order (it was recorded when it was placed, blocked or not).
pub fn exposure_without(items: &OpenItems, order: Money) -> OpenItems {
    let mut without = items.clone();
    if order.currency == without.open_orders.currency {
        let left = (without.open_orders.amount - order.amount).max(rust_decimal::Decimal::ZERO);
        without.open_orders = Money::new(left, without.open_orders.currency);
    }
    without
}

/// Checks a queued order again against the customer's `file` and open items of today:
/// passes (anything but a block) means it may leave the queue.
pub fn recheck(
    order: &BlockedOrder,
    file: &CreditFile,
    items: &OpenItems,
    policy: &Policy,
    today: Date,
) -> Option<CheckResult> {
    let request = OrderRequest::new(order.amount).ok()?;
    let before = exposure_without(items, order.amount);
    crate::engine::check::check_order(file, &before, &request, policy, today).ok()
}

/// Whether a check lets the order out of the queue.
pub fn passes(result: &CheckResult) -> bool {
    result.decision != Decision::Block
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use rust_decimal::dec;

    fn cny(v: rust_decimal::Decimal) -> Money {
        Money::new(v, Currency::CNY)
    }

    fn order(status: OrderStatus) -> BlockedOrder {
        BlockedOrder {
            customer_id: "C-1".into(),
            customer_name: "甲".into(),
            customer_number: "N-1".into(),
            idempotency_key: "k-1".into(),
            date: time::macros::date!(2026 - 11 - 30),
            order: "SO-1".into(),
            amount: cny(dec!(1000)),
            reasons: Vec::new(),
            status,
            blocked_at: None,
            checks: Vec::new(),
            release: None,
            closed_by: None,
            close_reason: None,
            shipped: None,
            told: None,
            version: 1,
        }
    }

    #[test]
    fn a_blocked_or_rejected_order_may_ship_nothing() {
        // Arrange
        let blocked = order(OrderStatus::Blocked);
        let rejected = order(OrderStatus::Rejected);

        // Act / Assert
        assert_eq!(blocked.allowed(), cny(dec!(0)));
        assert_eq!(rejected.allowed(), cny(dec!(0)));
        assert!(blocked.must_not_ship() && rejected.must_not_ship());
    }

    #[test]
    fn a_partial_release_allows_only_its_amount_and_a_recheck_the_whole_order() {
        // Arrange
        let mut partial = order(OrderStatus::Released);
        partial.release = Some(OrderRelease {
            allowed: cny(dec!(400)),
            prepayment: Some(Share::new(dec!(0.3)).expect("a share")),
            by: "risk".into(),
            reason: "ship what the limit takes".into(),
            at: time::OffsetDateTime::UNIX_EPOCH,
        });
        let rechecked = order(OrderStatus::ReleasedByRecheck);

        // Act
        let event = partial.event();

        // Assert
        assert_eq!(event.allowed_to_ship, cny(dec!(400)));
        assert_eq!(event.prepayment.map(Share::value), Some(dec!(0.3)));
        assert_eq!(event.decision.event(), "order.released");
        assert_eq!(rechecked.allowed(), cny(dec!(1000)));
        assert!(!partial.must_not_ship());
    }

    #[test]
    fn a_change_of_terms_names_exactly_what_changed() {
        // Arrange
        let before = CreditTerms {
            limit: cny(dec!(1000)),
            terms_days: 30,
            prepayment: Share::ZERO,
            grade: None,
            on_hold: false,
            blacklisted: false,
        };
        let after = CreditTerms {
            limit: cny(dec!(2000)),
            on_hold: true,
            ..before.clone()
        };

        // Act
        let changed = before.changes(&after);

        // Assert
        assert_eq!(changed, vec!["limit".to_owned(), "on_hold".to_owned()]);
        assert!(before.changes(&before).is_empty());
    }

    #[test]
    fn the_exposure_before_an_order_leaves_out_what_it_adds_and_never_goes_below_zero() {
        // Arrange
        let mut items = OpenItems::empty(Currency::CNY, time::macros::date!(2026 - 12 - 01));
        items.open_orders = cny(dec!(1500));

        // Act
        let without = exposure_without(&items, cny(dec!(1000)));
        let more_than_open = exposure_without(&items, cny(dec!(2000)));

        // Assert
        assert_eq!(without.open_orders, cny(dec!(500)));
        assert_eq!(more_than_open.open_orders, cny(dec!(0)));
    }

    #[test]
    fn orders_stored_before_the_desk_kept_their_history_still_read() {
        // Arrange: the shape the queue stored before statuses and checks were kept.
        let old = r#"{"customer_id":"C-1","idempotency_key":"k","date":"2026-11-30",
            "order":"SO-9","amount":{"amount":"10","currency":"CNY"},"reasons":[]}"#;

        // Act
        let read: BlockedOrder = serde_json::from_str(old).expect("an old order reads");

        // Assert
        assert_eq!(read.status, OrderStatus::Blocked);
        assert!(read.checks.is_empty() && read.told.is_none());
    }
}
