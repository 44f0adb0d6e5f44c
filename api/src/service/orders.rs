//! The blocked-order desk: the tenant's queue (with each order's age and its service level
//! from the approval matrix), one order with every check since it was blocked, a
//! customer's orders for its file, and the two things that happen to a queued order
//! without a person: a re-check when the customer's file changes ([`recheck_customer`],
//! from the watcher, taken as `system`) and a shipment against it ([`shipped_against`],
//! from ledger ingestion). Releases and rejections by people are requests
//! (`workflow::acting`).

use credence_shared::CustomerId;
use credence_shared::dto::Page;
use credence_shared::orders::{
    BlockedOrder, BlockedOrderRow, CheckStep, OrderCheck, OrderStatus, Shipment, passes, recheck,
};
use credence_shared::workflow::{ApprovalMatrix, AuditEntity, AuditEntry, RequestKind};
use time::{Duration, OffsetDateTime};
use tracing::instrument;

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::credit::CreditEngine;
use crate::service::{Ctx, tenant};
use crate::store::StoreError;
use crate::store::credit::CreditState;

/// The most orders of the queue one page shows.
pub const MAX_PAGE: i32 = 200;

/// The row of an order: its age in the queue and when the first step of its release falls
/// due under the approval matrix.
fn row(order: BlockedOrder, matrix: &ApprovalMatrix, now: OffsetDateTime) -> BlockedOrderRow {
    let since = order
        .blocked_at
        .unwrap_or_else(|| order.date.midnight().assume_utc());
    let age_days = u32::try_from((now - since).whole_days()).unwrap_or(0);
    let due_at = (order.status == OrderStatus::Blocked)
        .then(|| {
            matrix
                .route(
                    RequestKind::BlockedOrderRelease,
                    Some(order.amount.amount),
                    None,
                )
                .steps
                .first()
                .map(|step| since + Duration::hours(i64::from(step.sla_hours)))
        })
        .flatten();
    BlockedOrderRow {
        past_due: due_at.is_some_and(|due| now > due),
        order,
        age_days,
        due_at,
    }
}

/// `GET /v1/blocked-orders`: the queue, oldest first (risk, finance, approver, admin).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn queue(
    ctx: &Ctx<'_>,
    who: &Principal,
    cursor: Option<&str>,
    limit: Option<i32>,
) -> Result<Page<BlockedOrderRow>, ApiError> {
    policy::require(who, Action::ReadBlockedOrders)?;
    let limit = limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let page = ctx.store.blocked_orders(&who.tenant, cursor, limit).await?;
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let now = ctx.clock.now();
    Ok(Page {
        items: page
            .items
            .into_iter()
            .map(|o| row(o, &matrix, now))
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// `GET /v1/blocked-orders/{customer}/{key}`: one order, whatever its status, with every
/// check since it was blocked (anyone who may see the customer).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn one(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    key: &str,
) -> Result<BlockedOrderRow, ApiError> {
    let id = credence_shared::customer::customer_id_of(raw_id);
    super::customers::require_visible(ctx, who, &id).await?;
    let order = ctx
        .store
        .order(&who.tenant, &id, key)
        .await?
        .ok_or(ApiError::NotFound)?;
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    Ok(row(order, &matrix, ctx.clock.now()))
}

/// `GET /v1/customers/{id}/orders`: the customer's orders the check blocked, newest first,
/// with where each stands (the sales rep sees theirs).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn of_customer(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<Vec<BlockedOrderRow>, ApiError> {
    let id = credence_shared::customer::customer_id_of(raw_id);
    super::customers::visible_customer(ctx, who, &id).await?;
    let mut orders = ctx.store.customer_orders(&who.tenant, &id).await?;
    orders.sort_by(|a, b| (b.blocked_at, b.date, &b.order).cmp(&(a.blocked_at, a.date, &a.order)));
    let matrix = tenant::matrix(ctx.store, &who.tenant).await?;
    let now = ctx.clock.now();
    Ok(orders.into_iter().map(|o| row(o, &matrix, now)).collect())
}

/// Checks each of the customer's queued orders again against its file as it is now: one
/// that passes leaves the queue as released by re-check (taken as `system`, audited);
/// one that still fails keeps the new check when its findings changed. Each order is
/// written over the version read; one that changed meanwhile is left to the next pass.
/// Returns the DynamoDB requests made.
pub(super) async fn recheck_customer(
    ctx: &Ctx<'_>,
    engine: &CreditEngine,
    tenant: &credence_shared::TenantId,
    id: &CustomerId,
    state: &CreditState,
    orders: &[BlockedOrder],
) -> Result<u32, ApiError> {
    let now = ctx.clock.now();
    let today = now.date();
    let file = state.decision.effective_file(&state.recommendation, today);
    let mut requests = 0;
    let queued: Vec<&BlockedOrder> = orders
        .iter()
        .filter(|o| o.status == OrderStatus::Blocked)
        .collect();
    // The group's shared limit: its exposure already counts the queued orders (they are
    // open orders of its members), so the group side passes while it is within the limit.
    let group_over = match (&state.group, queued.is_empty()) {
        (Some(group), false) => {
            requests += 1;
            ctx.store
                .get_group(tenant, group)
                .await?
                .is_some_and(|g| g.exposure > g.limit.amount)
        }
        _ => false,
    };
    for order in queued {
        let Some(mut result) = recheck(order, &file, &state.open_items, &engine.policy, today)
        else {
            continue;
        };
        if group_over {
            result.decision = credence_shared::engine::Decision::Block;
        }
        let last = order.checks.last().map(|c| &c.result.reasons);
        if !passes(&result) && last == Some(&result.reasons) {
            continue;
        }
        let mut next = order.clone();
        let released = passes(&result);
        next.checks.push(OrderCheck {
            at: now,
            step: CheckStep::Recheck,
            result,
        });
        // Keep the history bounded: the first check (why it was blocked) and the latest.
        if next.checks.len() > 20 {
            next.checks.drain(1..next.checks.len() - 19);
        }
        next.version += 1;
        let mut writes = Vec::new();
        if released {
            next.status = OrderStatus::ReleasedByRecheck;
            next.closed_by = Some("system".into());
            next.close_reason = Some("the order passes the credit check now".into());
            writes.push(ctx.store.audit_write(
                tenant,
                &AuditEntry {
                    at: now,
                    actor: "system".into(),
                    entity: AuditEntity::Order,
                    entity_id: order.order.clone(),
                    customer_id: Some(id.clone()),
                    action: "released_by_recheck".into(),
                    before: Some(serde_json::json!({ "status": OrderStatus::Blocked.as_str() })),
                    after: Some(serde_json::json!({
                        "status": OrderStatus::ReleasedByRecheck.as_str(),
                        "amount": order.amount,
                    })),
                    reason:
                        "the customer's file changed and the order passes the credit check".into(),
                },
            )?);
        }
        writes.push(ctx.store.order_put(tenant, &next, order.version)?);
        requests += 1;
        match ctx.store.transact(writes).await {
            Ok(()) => {}
            Err(StoreError::ConditionFailed) => {
                tracing::debug!(customer = %id, order = %order.order, "order changed meanwhile");
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(requests)
}

/// The orders of `orders` that goods were just shipped against while blocked or after
/// their rejection, marked (the watcher raises the alert): each with the version it was
/// read at. An order is marked once, on its first such shipment.
pub(super) fn shipped_against(
    orders: &[BlockedOrder],
    shipments: &[(String, credence_shared::Money, time::Date)],
) -> Vec<(BlockedOrder, u64)> {
    let mut marked = Vec::new();
    for order in orders
        .iter()
        .filter(|o| o.must_not_ship() && o.shipped.is_none())
    {
        if let Some((_, amount, date)) = shipments.iter().find(|(no, _, _)| *no == order.order) {
            let mut next = order.clone();
            next.shipped = Some(Shipment {
                date: *date,
                amount: *amount,
                status_then: order.status,
                alerted: false,
            });
            next.version += 1;
            marked.push((next, order.version));
        }
    }
    marked
}
