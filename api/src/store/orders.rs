//! Orders of the blocked-order desk: each kept under its customer (`B#{key}`) for good, the
//! ones still blocked also in the tenant's queue on GSI1 (oldest first). Every change after
//! the first write is a put over the version that was read.

use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use credence_shared::orders::{BlockedOrder, OrderStatus};
use credence_shared::{CustomerId, TenantId};

use super::codec::{decode, json, n, s};
use super::{Item, Store, StoreError, decode_cursor, encode_cursor, keys, resumed};

/// A page of the tenant's queue.
pub struct QueuePage {
    pub items: Vec<BlockedOrder>,
    pub next_cursor: Option<String>,
}

/// The item of an order (in the queue's index while it is blocked).
fn order_item(tenant: &TenantId, order: &BlockedOrder) -> Result<Item, StoreError> {
    let id = CustomerId::parse(&order.customer_id)
        .map_err(|e| StoreError::Corrupt(format!("blocked order of {}: {e}", order.customer_id)))?;
    let mut item = Item::new();
    item.insert(keys::PK.into(), s(keys::customer_pk(tenant, &id)));
    item.insert(keys::SK.into(), s(keys::blocked_sk(&order.idempotency_key)));
    if order.status == OrderStatus::Blocked {
        item.insert(keys::GSI1PK.into(), s(keys::blocked_gsi1pk(tenant)));
        item.insert(
            keys::GSI1SK.into(),
            s(keys::blocked_gsi1sk(
                &order.date.to_string(),
                &id,
                &order.idempotency_key,
            )),
        );
    }
    item.insert("entity".into(), s("blocked_order"));
    item.insert("order".into(), s(json(order)?));
    item.insert("status".into(), s(order.status.as_str()));
    item.insert("version".into(), n(order.version));
    Ok(item)
}

/// The order as read: its version is the item's (orders written before versions were kept
/// read as version 0).
fn read_order(item: &Item) -> Result<BlockedOrder, StoreError> {
    let mut order: BlockedOrder = decode(item, "order", "blocked order")?;
    order.version = item
        .get("version")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    // The attribute is the truth for orders closed before the JSON kept the status.
    order.status = match item
        .get("status")
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
    {
        Some("released") => OrderStatus::Released,
        Some("released_by_recheck") => OrderStatus::ReleasedByRecheck,
        Some("rejected") => OrderStatus::Rejected,
        _ => order.status,
    };
    Ok(order)
}

impl Store {
    /// A new order of the queue, in the transaction that records the blocking check.
    pub fn order_new(
        &self,
        tenant: &TenantId,
        order: &BlockedOrder,
    ) -> Result<TransactWriteItem, StoreError> {
        super::codec::new_item(self.table(), order_item(tenant, order)?)
    }

    /// `order` over the version `seen` that was read (its own `version` is the next one).
    pub fn order_put(
        &self,
        tenant: &TenantId,
        order: &BlockedOrder,
        seen: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(order_item(tenant, order)?));
        let put = if seen == 0 {
            put.condition_expression("attribute_exists(PK) AND attribute_not_exists(version)")
        } else {
            put.condition_expression("version = :v")
                .expression_attribute_values(":v", n(seen))
        };
        Ok(TransactWriteItem::builder()
            .put(put.build().map_err(|e| StoreError::Other(e.into()))?)
            .build())
    }

    /// One order of a customer, whatever its status, or `None`.
    pub async fn order(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        key: &str,
    ) -> Result<Option<BlockedOrder>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::customer_pk(tenant, customer)))
            .key(keys::SK, s(keys::blocked_sk(key)))
            .consistent_read(true)
            .send()
            .await?;
        out.item.as_ref().map(read_order).transpose()
    }

    /// Every order of a customer the check ever blocked, oldest key first (strongly
    /// consistent: the watcher re-checks from it).
    pub async fn customer_orders(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
    ) -> Result<Vec<BlockedOrder>, StoreError> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let page = self
                .query_sk_prefix(keys::customer_pk(tenant, customer), keys::BLOCKED_PREFIX)
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in page.items() {
                out.push(read_order(item)?);
            }
            match page.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok(out),
            }
        }
    }

    /// The tenant's queue of blocked orders, oldest first, a page at a time.
    pub async fn blocked_orders(
        &self,
        tenant: &TenantId,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<QueuePage, StoreError> {
        let pk = keys::blocked_gsi1pk(tenant);
        let start = cursor
            .map(|c| {
                decode_cursor(
                    c,
                    &[keys::PK, keys::SK, keys::GSI1PK, keys::GSI1SK],
                    (keys::GSI1PK, &pk),
                    (keys::GSI1SK, &|_| true),
                )
            })
            .transpose()?;
        let from_cursor = start.is_some();
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", keys::GSI1PK)
            .expression_attribute_values(":pk", s(pk))
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| resumed(e, from_cursor))?;
        let items = out
            .items()
            .iter()
            .map(read_order)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(QueuePage {
            items,
            next_cursor: out.last_evaluated_key().and_then(encode_cursor),
        })
    }
}
