//! Reads for walks over the whole portfolio (the daily re-grade, the lab's sample, the
//! what-if): many customers' credit files at once.

use super::codec::{attr, s};
use super::credit::{CreditRecord, record_of};
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::KeysAndAttributes;
use credence_shared::{CustomerId, TenantId};
use std::collections::HashMap;

impl Store {
    /// The credit files of many customers (strongly consistent), read a hundred to a
    /// `BatchGetItem` (what a walk over the portfolio reads); customers without a file are
    /// absent. A file whose open invoices live on pages is read whole by [`Self::get_credit`].
    pub async fn get_credits(
        &self,
        tenant: &TenantId,
        ids: &[CustomerId],
    ) -> Result<HashMap<CustomerId, CreditRecord>, StoreError> {
        let by_pk: HashMap<String, &CustomerId> = ids
            .iter()
            .map(|id| (keys::customer_pk(tenant, id), id))
            .collect();
        let mut records = HashMap::with_capacity(ids.len());
        let mut paged = Vec::new();
        let pks: Vec<&String> = by_pk.keys().collect();
        for chunk in pks.chunks(100) {
            let mut request = KeysAndAttributes::builder().consistent_read(true);
            for pk in chunk {
                let mut k = Item::new();
                k.insert(keys::PK.into(), s((*pk).clone()));
                k.insert(keys::SK.into(), s(keys::CREDIT_SK));
                request = request.keys(k);
            }
            let request = request.build().map_err(|e| StoreError::Other(e.into()))?;
            for item in self.batch_get(request, "credit files").await? {
                let id = attr(&item, keys::PK)
                    .ok()
                    .and_then(|pk| by_pk.get(pk))
                    .ok_or_else(|| StoreError::Corrupt("a credit file nobody asked".into()))?;
                let record = record_of(&item)?;
                if record.pages.is_empty() {
                    records.insert((*id).clone(), record);
                } else {
                    paged.push((*id).clone());
                }
            }
        }
        for id in paged {
            if let Some(record) = self.get_credit(tenant, &id).await? {
                records.insert(id, record);
            }
        }
        Ok(records)
    }
}
