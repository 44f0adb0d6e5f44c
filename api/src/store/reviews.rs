//! The review queue: each customer with a review date has one small `REVIEW` item, which
//! GSI2 orders by date under the tenant's `REVIEWS` partition, so "due this week or
//! overdue" is one query by date (never a scan). The item is written in the same
//! transaction as the decision that sets the date.

use super::codec::{attr, s};
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::{Delete, Put, TransactWriteItem};
use credence_shared::{CustomerId, TenantId};
use time::Date;

impl Store {
    /// The write that puts the customer into the queue at `due` (or takes it out).
    pub(crate) fn review_write(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        due: Option<Date>,
    ) -> Result<TransactWriteItem, StoreError> {
        let pk = keys::customer_pk(tenant, id);
        let Some(due) = due else {
            let delete = Delete::builder()
                .table_name(self.table())
                .key(keys::PK, s(pk))
                .key(keys::SK, s(keys::REVIEW_SK))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            return Ok(TransactWriteItem::builder().delete(delete).build());
        };
        let put = Put::builder()
            .table_name(self.table())
            .set_item(Some(review_item(tenant, id, due)))
            .build()
            .map_err(|e| StoreError::Other(e.into()))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Customers whose review is due on or before `until`, earliest first: at most
    /// `limit`, and whether there are more.
    pub async fn reviews_due(
        &self,
        tenant: &TenantId,
        until: Date,
        limit: usize,
    ) -> Result<(Vec<(CustomerId, Date)>, bool), StoreError> {
        let mut due = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(self.table())
                .index_name(keys::GSI2)
                .key_condition_expression("#pk = :pk AND #sk <= :until")
                .expression_attribute_names("#pk", keys::GSI2PK)
                .expression_attribute_names("#sk", keys::GSI2SK)
                .expression_attribute_values(":pk", s(keys::reviews_gsi2pk(tenant)))
                .expression_attribute_values(":until", s(keys::wake_until(&until.to_string())))
                .limit(i32::try_from(limit + 1 - due.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start.take())
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                if due.len() == limit {
                    return Ok((due, true));
                }
                let id = CustomerId::parse(attr(&item, "customer")?)
                    .map_err(|_| StoreError::Corrupt("review of a bad customer id".into()))?;
                let date = Date::parse(
                    attr(&item, "due")?,
                    &time::format_description::well_known::Iso8601::DATE,
                )
                .map_err(|_| StoreError::Corrupt("review without a date".into()))?;
                due.push((id, date));
            }
            match out.last_evaluated_key {
                Some(key) => start = Some(key),
                None => return Ok((due, false)),
            }
        }
    }
}

/// The `REVIEW` item of a customer due at `due` (also for seeding).
pub fn review_item(tenant: &TenantId, id: &CustomerId, due: Date) -> Item {
    let date = due.to_string();
    let mut item = Item::new();
    item.insert(keys::PK.into(), s(keys::customer_pk(tenant, id)));
    item.insert(keys::SK.into(), s(keys::REVIEW_SK));
    item.insert(keys::GSI2PK.into(), s(keys::reviews_gsi2pk(tenant)));
    item.insert(keys::GSI2SK.into(), s(keys::review_gsi2sk(&date, id)));
    item.insert("entity".into(), s("review"));
    item.insert("customer".into(), s(id.to_string()));
    item.insert("due".into(), s(date));
    item
}
