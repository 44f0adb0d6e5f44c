//! Early-warning and collections items: the per-customer watch state (indexed by the next
//! day time alone changes it), alerts, collection tasks, promises, signals, activity and
//! webhook deliveries. Each is a JSON document with a version, written through
//! [`Store::doc_write`] so every read-then-write is guarded.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use credence_shared::watch::{DunningSummary, Reference, Watch};
use credence_shared::{CustomerId, TenantId};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use time::Date;

use super::credit::{decode, json, n, s, versioned_put};
use super::{Item, Store, StoreError, keys};

/// Where one document item lives, and the indexes it is listed in.
#[derive(Debug, Clone)]
pub struct DocKeys {
    pub pk: String,
    pub sk: String,
    pub gsi1: Option<(String, String)>,
    pub gsi2: Option<(String, String)>,
}

impl DocKeys {
    pub fn new(pk: String, sk: String) -> Self {
        Self {
            pk,
            sk,
            gsi1: None,
            gsi2: None,
        }
    }

    pub fn gsi1(mut self, pk: String, sk: String) -> Self {
        self.gsi1 = Some((pk, sk));
        self
    }

    pub fn gsi2(mut self, pk: String, sk: String) -> Self {
        self.gsi2 = Some((pk, sk));
        self
    }
}

/// A customer's watch state: what the watcher saw last, and the dunning steps taken.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WatchState {
    pub customer_id: CustomerId,
    pub watch: Watch,
    pub reference: Reference,
    /// Invoice → dunning steps taken.
    #[serde(default)]
    pub taken: BTreeMap<String, usize>,
    #[serde(default)]
    pub last_dunning: Option<DunningSummary>,
    /// The next day time alone may change something (`None`: only a change can).
    #[serde(default, with = "credence_shared::engine::calendar::iso_date::option")]
    pub wake: Option<Date>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub name: String,
    /// The grade's probability of default (collection priority).
    #[serde(default)]
    pub pd: rust_decimal::Decimal,
    /// Open items by days past due on `watch.as_of`.
    #[serde(default)]
    pub aging: Vec<credence_shared::watch::AgingBucket>,
}

fn version_of(item: &Item) -> Result<u64, StoreError> {
    item.get("version")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StoreError::Corrupt("document without a version".into()))
}

impl Store {
    /// Puts a document: new when `expected` is `None`, else only over version `expected`.
    pub fn doc_write<T: Serialize>(
        &self,
        at: DocKeys,
        entity: &str,
        version: u64,
        expected: Option<u64>,
        doc: &T,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(at.pk));
        item.insert(keys::SK.into(), s(at.sk));
        if let Some((pk, sk)) = at.gsi1 {
            item.insert(keys::GSI1PK.into(), s(pk));
            item.insert(keys::GSI1SK.into(), s(sk));
        }
        if let Some((pk, sk)) = at.gsi2 {
            item.insert(keys::GSI2PK.into(), s(pk));
            item.insert(keys::GSI2SK.into(), s(sk));
        }
        item.insert("entity".into(), s(entity));
        item.insert("version".into(), n(version));
        item.insert("doc".into(), s(json(doc)?));
        versioned_put(&self.table, item, expected)
    }

    /// One document and its version.
    pub async fn doc_get<T: DeserializeOwned>(
        &self,
        pk: &str,
        sk: &str,
    ) -> Result<Option<(u64, T)>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(pk))
            .key(keys::SK, s(sk))
            .consistent_read(true)
            .send()
            .await?;
        match out.item {
            None => Ok(None),
            Some(item) => Ok(Some((version_of(&item)?, decode(&item, "doc", sk)?))),
        }
    }

    /// Documents of a partition whose sort key starts with `prefix`.
    pub async fn doc_query<T: DeserializeOwned>(
        &self,
        pk: &str,
        prefix: &str,
        newest_first: bool,
        max: usize,
    ) -> Result<Vec<T>, StoreError> {
        let items = self
            .query_all(keys::PK, pk, Some(prefix), None, !newest_first, max)
            .await?;
        items.iter().map(|i| decode(i, "doc", prefix)).collect()
    }

    /// Documents listed under one GSI1 partition.
    pub async fn doc_index<T: DeserializeOwned>(
        &self,
        gsi1pk: &str,
        newest_first: bool,
        max: usize,
    ) -> Result<Vec<T>, StoreError> {
        let items = self
            .query_all(
                keys::GSI1PK,
                gsi1pk,
                None,
                Some(keys::GSI1),
                !newest_first,
                max,
            )
            .await?;
        items.iter().map(|i| decode(i, "doc", gsi1pk)).collect()
    }

    /// Customers whose watch state wakes on or before `date` (GSI2; never a scan), with
    /// the number of queries made.
    pub async fn waking(
        &self,
        tenant: &TenantId,
        date: Date,
    ) -> Result<(Vec<CustomerId>, u32), StoreError> {
        let mut ids = Vec::new();
        let mut start = None;
        let mut reads = 0;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(keys::GSI2)
                .key_condition_expression("#pk = :pk AND #sk <= :until")
                .expression_attribute_names("#pk", keys::GSI2PK)
                .expression_attribute_names("#sk", keys::GSI2SK)
                .expression_attribute_values(":pk", s(keys::wake_gsi2pk(tenant)))
                .expression_attribute_values(":until", s(keys::wake_until(&date.to_string())))
                .projection_expression("#sk")
                .set_exclusive_start_key(start.take())
                .send()
                .await?;
            reads += 1;
            for item in out.items.unwrap_or_default() {
                let Some(sk) = item.get(keys::GSI2SK).and_then(|v| v.as_s().ok()) else {
                    continue;
                };
                if let Some(id) = sk.split('#').nth(1)
                    && let Ok(id) = CustomerId::parse(id)
                {
                    ids.push(id);
                }
            }
            match out.last_evaluated_key {
                Some(key) => start = Some(key),
                None => break,
            }
        }
        Ok((ids, reads))
    }

    pub async fn watch_state(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Option<(u64, WatchState)>, StoreError> {
        self.doc_get(&keys::customer_pk(tenant, id), keys::WATCH_SK)
            .await
    }

    /// Writes a customer's watch state over `expected` (None: must not exist yet).
    pub fn watch_state_write(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        state: &WatchState,
        expected: Option<u64>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut at = DocKeys::new(keys::customer_pk(tenant, id), keys::WATCH_SK.into())
            .gsi1(keys::watched_gsi1pk(tenant), id.to_string());
        if let Some(wake) = state.wake {
            at = at.gsi2(
                keys::wake_gsi2pk(tenant),
                keys::wake_gsi2sk(&wake.to_string(), id),
            );
        }
        self.doc_write(at, "watch", expected.map_or(1, |v| v + 1), expected, state)
    }

    /// Adds a signal unless one with its key is there already (`false` then).
    pub async fn put_signal<T: Serialize>(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        key: &str,
        signal: &T,
    ) -> Result<bool, StoreError> {
        let write = self.doc_write(
            DocKeys::new(keys::customer_pk(tenant, id), keys::signal_sk(key)),
            "signal",
            1,
            None,
            signal,
        )?;
        match self.transact(vec![write]).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Webhook deliveries waiting for an attempt due at or before `now` (RFC 3339).
    pub async fn pending_deliveries<T: DeserializeOwned>(
        &self,
        tenant: &TenantId,
        now: &str,
    ) -> Result<Vec<(u64, T)>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(keys::GSI1)
            .key_condition_expression("#pk = :pk AND #sk <= :now")
            .expression_attribute_names("#pk", keys::GSI1PK)
            .expression_attribute_names("#sk", keys::GSI1SK)
            .expression_attribute_values(":pk", s(keys::deliveries_pending_gsi1pk(tenant)))
            .expression_attribute_values(":now", AttributeValue::S(format!("{now}~")))
            .limit(50)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .iter()
            .map(|i| Ok((version_of(i)?, decode(i, "doc", "delivery")?)))
            .collect()
    }
}
