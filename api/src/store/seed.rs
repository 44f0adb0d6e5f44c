//! Bulk writes for seeding a tenant: ledger entries and the "seeded" marker.

use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::AttributeValue;
use credence_shared::{CustomerId, Money, TenantId};
use serde::Serialize;

/// One immutable ledger entry as stored. `doc_id` is the source system's document
/// number and the idempotency key of the event that created the entry.
#[derive(Debug, Clone)]
pub struct LedgerRecord {
    pub customer: CustomerId,
    pub kind: &'static str,
    pub doc_id: String,
    pub date: String,
    pub due: Option<String>,
    pub amount: Money,
    pub applies_to: Option<String>,
    pub order: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LedgerItem<'a> {
    #[serde(rename = "PK")]
    pk: String,
    #[serde(rename = "SK")]
    sk: String,
    entity: &'static str,
    kind: &'a str,
    doc_id: &'a str,
    date: &'a str,
    due: Option<&'a str>,
    amount: rust_decimal::Decimal,
    currency: String,
    applies_to: Option<&'a str>,
    order: Option<&'a str>,
}

impl Store {
    pub async fn put_ledger(
        &self,
        tenant: &TenantId,
        entries: &[LedgerRecord],
    ) -> Result<(), StoreError> {
        let items = entries
            .iter()
            .map(|e| {
                serde_dynamo::to_item(LedgerItem {
                    pk: keys::customer_pk(tenant, &e.customer),
                    sk: keys::ledger_sk(&e.date, e.kind, &e.doc_id),
                    entity: "ledger",
                    kind: e.kind,
                    doc_id: &e.doc_id,
                    date: &e.date,
                    due: e.due.as_deref(),
                    amount: e.amount.amount,
                    currency: e.amount.currency.to_string(),
                    applies_to: e.applies_to.as_deref(),
                    order: e.order.as_deref(),
                })
                .map_err(|err| StoreError::Corrupt(err.to_string()))
            })
            .collect::<Result<Vec<Item>, _>>()?;
        self.batch_put(items).await
    }

    /// Whether the tenant's demo data is complete.
    pub async fn is_seeded(&self, tenant: &TenantId) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, AttributeValue::S(keys::meta_pk(tenant)))
            .key(keys::SK, AttributeValue::S(keys::SEED_SK.to_owned()))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item.is_some())
    }

    /// Records that seeding finished. Conditional, so two seeders racing cannot both
    /// believe they finished first; the loser gets `ConditionFailed`.
    pub async fn mark_seeded(
        &self,
        tenant: &TenantId,
        customers: usize,
        as_of: &str,
    ) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .item(keys::PK, AttributeValue::S(keys::meta_pk(tenant)))
            .item(keys::SK, AttributeValue::S(keys::SEED_SK.to_owned()))
            .item("customers", AttributeValue::N(customers.to_string()))
            .item("asOf", AttributeValue::S(as_of.to_owned()))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .send()
            .await?;
        Ok(())
    }
}
