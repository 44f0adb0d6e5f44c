//! The "seeded" marker of a tenant.

use super::{Store, StoreError, keys};
use aws_sdk_dynamodb::types::AttributeValue;
use credence_shared::TenantId;

impl Store {
    /// Whether the tenant's demo data is complete.
    pub async fn is_seeded(&self, tenant: &TenantId) -> Result<bool, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
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
            .table_name(self.table())
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
