//! The watcher's order-to-cash stage: the ERP is told by webhook of every change of a
//! blocked order (`order.blocked`, `order.released`, `order.rejected`) and of the
//! customer's credit terms (`credit.changed`, `customer.hold`, `customer.released`), each
//! once; a shipment against a blocked or rejected order raises a high-severity alert.
//! Deliveries are written in the same transaction as the order's `told` mark (an outbox),
//! so a change is told exactly once however often the customer is watched.

use credence_shared::dto::CustomerSummary;
use credence_shared::orders::{BlockedOrder, CreditChanged, CreditTerms};
use credence_shared::watch::{
    Alert, AlertAction, AlertEvent, AlertStatus, Delivery, Figure, Severity, WebhookConfig,
};
use credence_shared::{Role, TenantId};
use time::OffsetDateTime;

use super::webhooks::new_deliveries;

/// The alert rule id of a shipment against an order that must not ship (the app words it).
pub const SHIPPED_BLOCKED_RULE: &str = "order_shipped_blocked";

/// What the stage decided: deliveries, the orders to write over the version read, and the
/// alert (with the version it replaces).
#[derive(Default)]
pub(super) struct Told {
    pub deliveries: Vec<Delivery>,
    pub orders: Vec<(BlockedOrder, u64)>,
    pub alert: Option<(Alert, Option<u64>)>,
}

/// Tells the ERP of each order whose status it has not been told yet, and raises the alert
/// for orders shipped while they must not ship.
pub(super) fn tell_orders(
    tenant: &TenantId,
    hooks: &WebhookConfig,
    customer: &CustomerSummary,
    (orders, existing): (&[BlockedOrder], Option<&Alert>),
    now: OffsetDateTime,
) -> Told {
    let mut told = Told::default();
    let mut shipped = Vec::new();
    for order in orders {
        let tell = order.told != Some(order.status);
        let alarm = order.shipped.as_ref().is_some_and(|s| !s.alerted);
        if !tell && !alarm {
            continue;
        }
        let mut next = order.clone();
        if tell {
            told.deliveries.extend(new_deliveries(
                tenant,
                hooks,
                order.status.event(),
                &order.event(),
                now,
            ));
            next.told = Some(order.status);
        }
        if let Some(s) = next.shipped.as_mut().filter(|s| !s.alerted) {
            s.alerted = true;
            shipped.push(order);
        }
        next.version += 1;
        told.orders.push((next, order.version));
    }
    if !shipped.is_empty() {
        let alert = shipped_alert(customer, &shipped, existing, now);
        told.deliveries.extend(new_deliveries(
            tenant,
            hooks,
            if alert.0.level == 1 {
                "alert.opened"
            } else {
                "alert.raised"
            },
            &alert.0,
            now,
        ));
        told.alert = Some(alert);
    }
    told
}

/// The high-severity alert for goods shipped against orders that must not ship: opened,
/// or raised again on the customer's existing one.
fn shipped_alert(
    customer: &CustomerSummary,
    shipped: &[&BlockedOrder],
    existing: Option<&Alert>,
    now: OffsetDateTime,
) -> (Alert, Option<u64>) {
    let figures: Vec<Figure> = shipped
        .iter()
        .filter_map(|o| {
            o.shipped.as_ref().map(|s| Figure {
                name: "order".into(),
                value: format!(
                    "{} ({}, shipped {} on {})",
                    o.order,
                    s.status_then.as_str(),
                    s.amount,
                    s.date
                ),
            })
        })
        .collect();
    let note = format!(
        "shipped against {} order(s) that must not ship",
        shipped.len()
    );
    let event = |action, level| AlertEvent {
        at: now,
        action,
        by: "system".into(),
        level,
        note: note.clone(),
    };
    match existing {
        Some(before) => (
            before.raised_again(figures, ("system", &note), now),
            Some(before.version),
        ),
        None => (
            Alert {
                customer_id: customer.id.clone(),
                customer_name: customer.name.clone(),
                rule_id: SHIPPED_BLOCKED_RULE.into(),
                rule_name: "Goods shipped against a blocked or rejected order".into(),
                severity: Severity::High,
                level: 1,
                figures,
                owner: customer.owner.as_ref().map(ToString::to_string),
                notify: vec![Role::Risk, Role::Finance],
                status: AlertStatus::Open,
                opened_at: now,
                updated_at: now,
                events: vec![event(AlertAction::Opened, 1)],
                version: 1,
            },
            None,
        ),
    }
}

/// Tells the ERP when the customer's credit terms changed since it was last told:
/// `credit.changed`, and `customer.hold` or `customer.released` when the hold flipped.
/// The first look at a customer records its terms without telling.
pub(super) fn tell_credit(
    tenant: &TenantId,
    hooks: &WebhookConfig,
    customer: &CustomerSummary,
    (before, after): (Option<&CreditTerms>, &CreditTerms),
    now: OffsetDateTime,
) -> Vec<Delivery> {
    let Some(before) = before else {
        return Vec::new();
    };
    let changed = before.changes(after);
    if changed.is_empty() {
        return Vec::new();
    }
    let data = CreditChanged {
        customer_id: customer.id.to_string(),
        customer_number: customer.number.clone(),
        changed,
        before: before.clone(),
        after: after.clone(),
    };
    let mut out = new_deliveries(tenant, hooks, "credit.changed", &data, now);
    if before.on_hold != after.on_hold {
        let event = if after.on_hold {
            "customer.hold"
        } else {
            "customer.released"
        };
        out.extend(new_deliveries(tenant, hooks, event, &data, now));
    }
    out
}
