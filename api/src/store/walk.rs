//! Reads for walks over the whole portfolio (the daily re-grade, the lab's sample, the
//! what-if): many customers' credit files, and their whole ledgers, at once.

use super::codec::{attr, s};
use super::credit::{CreditRecord, record_of};
use super::{Item, Store, StoreError, keys, ledger_pack};
use aws_sdk_dynamodb::types::KeysAndAttributes;
use credence_shared::engine::LedgerEntry;
use credence_shared::{CustomerId, TenantId};
use futures_util::{StreamExt, stream};
use std::collections::HashMap;

/// The `BatchGetItem`s of one walk's page read at the same time.
const BATCHES_IN_FLIGHT: usize = 4;

/// A customer's credit file, with its whole ledger when its pack holds all of it (`None`:
/// query the ledger).
pub type FileAndLedger = (CreditRecord, Option<Vec<LedgerEntry>>);

impl Store {
    /// The credit files of many customers (strongly consistent), read a hundred to a
    /// `BatchGetItem` (what a walk over the portfolio reads); customers without a file are
    /// absent. A file whose open invoices live on pages is read whole by [`Self::get_credit`].
    pub async fn get_credits(
        &self,
        tenant: &TenantId,
        ids: &[CustomerId],
    ) -> Result<HashMap<CustomerId, CreditRecord>, StoreError> {
        let files = self.walk_files(tenant, ids, false).await?;
        Ok(files
            .into_iter()
            .map(|(id, (record, _))| (id, record))
            .collect())
    }

    /// [`Self::get_credits`] with each file's whole ledger from its pack
    /// (`ledger_pack.rs`): the `CREDIT` and `LPACK` items of fifty customers to a
    /// `BatchGetItem`. A pack is used only when it counts the entries its file counts; for
    /// any other file (written before packs, a ledger too long to pack) the ledger is
    /// `None` and the caller queries it.
    pub async fn get_credits_and_ledgers(
        &self,
        tenant: &TenantId,
        ids: &[CustomerId],
    ) -> Result<HashMap<CustomerId, FileAndLedger>, StoreError> {
        self.walk_files(tenant, ids, true).await
    }

    async fn walk_files(
        &self,
        tenant: &TenantId,
        ids: &[CustomerId],
        packs: bool,
    ) -> Result<HashMap<CustomerId, FileAndLedger>, StoreError> {
        let by_pk: HashMap<String, &CustomerId> = ids
            .iter()
            .map(|id| (keys::customer_pk(tenant, id), id))
            .collect();
        let sks: &[&str] = if packs {
            &[keys::CREDIT_SK, keys::LEDGER_PACK_SK]
        } else {
            &[keys::CREDIT_SK]
        };
        let mut records = HashMap::with_capacity(ids.len());
        let mut pack_items: HashMap<&CustomerId, Item> = HashMap::new();
        let mut paged = Vec::new();
        let pks: Vec<&String> = by_pk.keys().collect();
        let requests = pks
            .chunks(100 / sks.len())
            .map(|chunk| {
                let mut request = KeysAndAttributes::builder().consistent_read(true);
                for pk in chunk {
                    for sk in sks {
                        let mut k = Item::new();
                        k.insert(keys::PK.into(), s((*pk).clone()));
                        k.insert(keys::SK.into(), s(*sk));
                        request = request.keys(k);
                    }
                }
                request.build().map_err(|e| StoreError::Other(e.into()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        // The batches of a page at the same time: a walk waits on DynamoDB, not on work.
        let mut batches = stream::iter(requests)
            .map(|request| self.batch_get(request, "credit files"))
            .buffer_unordered(BATCHES_IN_FLIGHT);
        while let Some(items) = batches.next().await {
            for item in items? {
                let id = attr(&item, keys::PK)
                    .ok()
                    .and_then(|pk| by_pk.get(pk))
                    .ok_or_else(|| StoreError::Corrupt("a credit file nobody asked".into()))?;
                if attr(&item, keys::SK)? == keys::LEDGER_PACK_SK {
                    pack_items.insert(*id, item);
                    continue;
                }
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
        records
            .into_iter()
            .map(|(id, record)| {
                let ledger = match pack_items.remove(&id) {
                    Some(pack)
                        if record.entries.is_some()
                            && ledger_pack::count_of(&pack) == record.entries =>
                    {
                        Some(ledger_pack::unpack(&pack)?)
                    }
                    _ => None,
                };
                Ok((id, (record, ledger)))
            })
            .collect()
    }
}
