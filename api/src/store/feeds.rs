//! Where the daily pass pulls each outside data provider from next: its cursor, one item
//! per provider under the tenant's configuration partition.

use aws_sdk_dynamodb::types::AttributeValue;
use credence_shared::TenantId;

use super::codec::s;
use super::{Item, Store, StoreError, keys};

impl Store {
    /// The cursor the provider gave last, if any.
    pub async fn feed_cursor(
        &self,
        tenant: &TenantId,
        provider: &str,
    ) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, AttributeValue::S(keys::config_pk(tenant)))
            .key(keys::SK, AttributeValue::S(keys::feed_cursor_sk(provider)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out
            .item
            .as_ref()
            .and_then(|i| i.get("cursor"))
            .and_then(|v| v.as_s().ok())
            .cloned())
    }

    /// Keeps `cursor` as where to pull the provider from next. Only the daily pass (one at
    /// a time per tenant) and an admin's pull write it; the later write wins, and a pull
    /// from an older cursor only fetches records again, which land as duplicates.
    pub async fn put_feed_cursor(
        &self,
        tenant: &TenantId,
        provider: &str,
        cursor: &str,
    ) -> Result<(), StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::config_pk(tenant)));
        item.insert(keys::SK.into(), s(keys::feed_cursor_sk(provider)));
        item.insert("entity".into(), s("feed_cursor"));
        item.insert("cursor".into(), s(cursor));
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }
}
