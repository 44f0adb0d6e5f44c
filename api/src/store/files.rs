//! Customers' profiles and credit files read together: what a ledger import needs of every
//! customer of a batch before it folds their rows, in one `BatchGetItem` per 50 customers
//! instead of two `GetItem`s each; and one customer's, for the order check and the card.

use super::codec::s;
use super::credit::{CreditRecord, record_of};
use super::customers::summary_of;
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::KeysAndAttributes;
use credence_shared::{CustomerId, TenantId, dto::CustomerSummary};
use std::collections::HashMap;

/// A customer's profile and credit file as read together (`None`: not there).
#[derive(Debug, Clone, Default)]
pub struct File {
    pub customer: Option<CustomerSummary>,
    pub credit: Option<CreditRecord>,
}

/// Keys per `BatchGetItem` (DynamoDB takes 100): two per customer.
const CUSTOMERS_PER_READ: usize = 50;

impl Store {
    /// One customer's profile and credit file in one `BatchGetItem` (strongly consistent):
    /// an order check or a credit card that needs the profile too (its owner decides whether
    /// a sales rep may see it) pays one call, not two.
    pub async fn get_file(&self, tenant: &TenantId, id: &CustomerId) -> Result<File, StoreError> {
        let mut files = self.get_files(tenant, std::slice::from_ref(id)).await?;
        Ok(files.remove(id).unwrap_or_default())
    }

    /// The profiles and credit files of `ids` (strongly consistent). A credit file whose
    /// open invoices are on pages is read whole, as [`Store::get_credit`] reads it.
    pub async fn get_files(
        &self,
        tenant: &TenantId,
        ids: &[CustomerId],
    ) -> Result<HashMap<CustomerId, File>, StoreError> {
        let mut files: HashMap<CustomerId, File> =
            ids.iter().map(|id| (id.clone(), File::default())).collect();
        let by_pk: HashMap<String, CustomerId> = ids
            .iter()
            .map(|id| (keys::customer_pk(tenant, id), id.clone()))
            .collect();
        let mut paged = Vec::new();
        for chunk in ids.chunks(CUSTOMERS_PER_READ) {
            let mut request = KeysAndAttributes::builder().consistent_read(true);
            for id in chunk {
                for sk in [keys::PROFILE_SK, keys::CREDIT_SK] {
                    let mut key = Item::new();
                    key.insert(keys::PK.into(), s(keys::customer_pk(tenant, id)));
                    key.insert(keys::SK.into(), s(sk));
                    request = request.keys(key);
                }
            }
            let request = request.build().map_err(|e| StoreError::Other(e.into()))?;
            for item in self.batch_get(request, "credit files").await? {
                let pk = item.get(keys::PK).and_then(|v| v.as_s().ok());
                let Some(id) = pk.and_then(|pk| by_pk.get(pk)) else {
                    continue;
                };
                let sk = item.get(keys::SK).and_then(|v| v.as_s().ok());
                let file = files.entry(id.clone()).or_default();
                if sk.map(String::as_str) == Some(keys::CREDIT_SK) {
                    let record = record_of(&item)?;
                    if record.pages.is_empty() {
                        file.credit = Some(record);
                    } else {
                        paged.push(id.clone());
                    }
                } else {
                    file.customer = Some(summary_of(item)?);
                }
            }
        }
        for id in paged {
            let credit = self.get_credit(tenant, &id).await?;
            files.entry(id).or_default().credit = credit;
        }
        Ok(files)
    }
}
