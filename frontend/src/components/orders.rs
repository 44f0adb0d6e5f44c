//! Blocked orders as the app shows them: a status badge, the findings of the latest check
//! in words, and the customer's orders on its page (the sales rep sees "released" there).

use credence_shared::CustomerId;
use credence_shared::orders::{BlockedOrder, BlockedOrderRow, OrderStatus};
use leptos::prelude::*;

use crate::api;
use crate::components::finding::FindingText;
use crate::components::money::Amount;
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

/// Where an order stands, as a badge.
#[component]
pub fn OrderStatusBadge(status: OrderStatus) -> impl IntoView {
    let i18n = use_i18n();
    let (class, label) = match status {
        OrderStatus::Blocked => (
            "badge badge-danger",
            t!(i18n, order_status_blocked).into_any(),
        ),
        OrderStatus::Released => ("badge badge-ok", t!(i18n, order_status_released).into_any()),
        OrderStatus::ReleasedByRecheck => (
            "badge badge-ok",
            t!(i18n, order_status_released_by_recheck).into_any(),
        ),
        OrderStatus::Rejected => (
            "badge badge-warn",
            t!(i18n, order_status_rejected).into_any(),
        ),
    };
    view! { <span class=class data-testid="order-status" data-status=status.as_str()>{label}</span> }
}

/// The findings of the order's latest check (the one that blocked it when there is no
/// other), each as a sentence.
#[component]
pub fn OrderFindings(order: BlockedOrder) -> impl IntoView {
    let reasons = order
        .checks
        .last()
        .map_or(order.reasons.clone(), |c| c.result.reasons.clone());
    view! {
        <ul class="findings" data-testid="order-findings">
            {reasons.into_iter().map(|r| view! {
                <li class=format!("finding finding-{:?}", r.severity).to_lowercase()>
                    <FindingText finding=r.finding />
                </li>
            }).collect_view()}
        </ul>
    }
}

/// The customer's orders the check blocked, newest first, on its page; nothing when none.
#[component]
pub fn CustomerOrdersSection(id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let orders = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::customer_orders(session, &id).await }
    });
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match orders.await {
                    Ok(rows) if !rows.is_empty() => view! {
                        <section class="card section" id="section-orders" data-testid="section-orders"
                            aria-labelledby="section-orders-title">
                            <h2 class="section-title" id="section-orders-title">{t!(i18n, orders_section)}</h2>
                            <ul class="order-list">
                                {rows.into_iter().map(|row| view! { <CustomerOrder row /> }).collect_view()}
                            </ul>
                        </section>
                    }.into_any(),
                    // No blocked order, or one the app could not read: the rest of the page
                    // says what matters.
                    _ => ().into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerOrder(row: BlockedOrderRow) -> impl IntoView {
    let i18n = use_i18n();
    let order = row.order;
    let may_ship = order.status.may_ship().then(|| order.allowed());
    let prepayment = order.release.as_ref().and_then(|r| r.prepayment);
    view! {
        <li class="order-line" data-testid="customer-order" data-order=order.order.clone()>
            <div class="order-line-head">
                <span class="mono">{order.order.clone()}</span>
                <Amount money=order.amount />
                <OrderStatusBadge status=order.status />
            </div>
            <p class="muted small">{order.date.to_string()}</p>
            {may_ship.map(|money| {
                let amount = crate::components::money::format_money(&money);
                view! { <p data-testid="order-allowed">{t!(i18n, order_allowed, amount)}</p> }
            })}
            {prepayment.map(|share| {
                let share = crate::components::finding::percent(share);
                view! { <p class="muted small">{t!(i18n, order_prepayment_share, share)}</p> }
            })}
            {(order.status == OrderStatus::Blocked).then(|| view! { <OrderFindings order=order.clone() /> })}
            {order.shipped.as_ref().filter(|_| order.must_not_ship()).map(|_| view! {
                <p class="badge badge-danger">{t!(i18n, order_shipped_blocked)}</p>
            })}
        </li>
    }
}
