//! Early-warning and collections items: the per-customer watch state (indexed by the next
//! day time alone changes it), alerts, collection tasks, promises, signals, activity and
//! webhook deliveries, plus the KPI snapshots. Each is a JSON document with a version;
//! callers read them as domain types and write them through [`WatchWrites`], which builds
//! the keys and guards every read-then-write by the version read. Also here: which stream
//! keys wake the watcher, decoded from either kind of stream record.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::TransactWriteItem;
use credence_shared::watch::{
    Activity, Alert, CollectionTask, Delivery, DeliveryStatus, DunningSummary, Kpis, Promise,
    Reference, TaskStatus, Watch,
};
use credence_shared::{CustomerId, TenantId};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use time::{Date, OffsetDateTime};

use super::codec::{decode, json, n, s, stamp, unique, version_of, versioned_put};
use super::{Item, Store, StoreError, keys};

/// Where one document item lives, and the indexes it is listed in.
#[derive(Debug, Clone)]
pub(super) struct DocKeys {
    pk: String,
    sk: String,
    gsi1: Option<(String, String)>,
    gsi2: Option<(String, String)>,
}

impl DocKeys {
    pub(super) fn new(pk: String, sk: String) -> Self {
        Self {
            pk,
            sk,
            gsi1: None,
            gsi2: None,
        }
    }

    pub(super) fn gsi1(mut self, pk: String, sk: String) -> Self {
        self.gsi1 = Some((pk, sk));
        self
    }

    fn gsi2(mut self, pk: String, sk: String) -> Self {
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
    /// The credit terms the ERP was last told of (`credit.changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told: Option<credence_shared::orders::CreditTerms>,
}

/// A signal as stored: what was reported, by whom and when (the item is the DTO
/// `GET /v1/customers/{id}/signals` lists).
pub type StoredSignal = credence_shared::watch::RecordedSignal;

/// The KPIs as they were on the first read of a day (grade drift is measured against it).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct KpiSnapshot {
    #[serde(with = "credence_shared::engine::calendar::iso_date")]
    pub date: Date,
    pub kpis: Kpis,
}

impl Store {
    /// Puts a document: new when `expected` is `None`, else only over version `expected`.
    pub(super) fn doc_write<T: Serialize>(
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
        versioned_put(self.table(), item, expected)
    }

    /// One document and its version (also the tenant's configuration items).
    pub(super) async fn doc_get<T: DeserializeOwned>(
        &self,
        pk: &str,
        sk: &str,
    ) -> Result<Option<(u64, T)>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
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
    pub(super) async fn doc_query<T: DeserializeOwned>(
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
                .table_name(self.table())
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

    /// Puts a customer whose evaluation failed back into the wake index on `day`, so the
    /// next daily pass tries it again whatever wake day its watch state had. Only the index
    /// keys of an existing watch state change (its document and version stay as written;
    /// the next evaluation rewrites both). A customer never watched has no watch state and
    /// is left alone: the stream hands its change back instead.
    pub async fn keep_awake(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        day: Date,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::customer_pk(tenant, id)))
            .key(keys::SK, s(keys::WATCH_SK))
            .update_expression("SET #wpk = :wpk, #wsk = :wsk")
            .condition_expression("attribute_exists(#pk)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#wpk", keys::GSI2PK)
            .expression_attribute_names("#wsk", keys::GSI2SK)
            .expression_attribute_values(":wpk", s(keys::wake_gsi2pk(tenant)))
            .expression_attribute_values(":wsk", s(keys::wake_gsi2sk(&day.to_string(), id)))
            .send()
            .await;
        match result.map_err(StoreError::from) {
            Ok(_) | Err(StoreError::ConditionFailed) => Ok(()),
            Err(e) => Err(e),
        }
    }

    pub async fn watch_state(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Option<(u64, WatchState)>, StoreError> {
        self.doc_get(&keys::customer_pk(tenant, id), keys::WATCH_SK)
            .await
    }

    /// The customer's promises to pay.
    pub async fn promises(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        newest_first: bool,
        max: usize,
    ) -> Result<Vec<Promise>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::PROMISE_PREFIX,
            newest_first,
            max,
        )
        .await
    }

    /// The promise recorded under `key` for the customer, if any (a replay answers it).
    pub async fn promise_by_key(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        key: &str,
    ) -> Result<Option<Promise>, StoreError> {
        let pk = keys::customer_pk(tenant, id);
        let Some((_, promise_id)) = self
            .doc_get::<String>(&pk, &keys::promise_key_sk(key))
            .await?
        else {
            return Ok(None);
        };
        let promise = self
            .doc_get::<Promise>(&pk, &keys::promise_sk(&promise_id))
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("promise key {key} names no promise {promise_id}"))
            })?;
        Ok(Some(promise.1))
    }

    /// The note recorded under an idempotency key, if one was.
    pub async fn note_by_key(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        key: &str,
    ) -> Result<Option<Activity>, StoreError> {
        let pk = keys::customer_pk(tenant, id);
        Ok(self
            .doc_get::<Activity>(&pk, &keys::note_key_sk(key))
            .await?
            .map(|(_, note)| note))
    }

    /// The customer's signals, oldest first.
    pub async fn signals(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        max: usize,
    ) -> Result<Vec<StoredSignal>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::SIGNAL_PREFIX,
            false,
            max,
        )
        .await
    }

    /// The signal recorded under its natural key ([`credence_shared::watch::NewSignal::natural_key`]),
    /// with its version.
    pub async fn signal(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        key: &str,
    ) -> Result<Option<(u64, StoredSignal)>, StoreError> {
        self.doc_get(&keys::customer_pk(tenant, id), &keys::signal_sk(key))
            .await
    }

    /// The write of a signal under its natural key: new (`expected` `None`, conditioned on
    /// none being there) or replacing the version read.
    pub fn signal_write(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        key: &str,
        signal: &StoredSignal,
        expected: Option<u64>,
    ) -> Result<TransactWriteItem, StoreError> {
        self.doc_write(
            DocKeys::new(keys::customer_pk(tenant, id), keys::signal_sk(key)),
            "signal",
            expected.map_or(1, |v| v + 1),
            expected,
            signal,
        )
    }

    /// The customer's alerts, one per rule, in rule-id order.
    pub async fn customer_alerts(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Vec<Alert>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::ALERT_PREFIX,
            false,
            100,
        )
        .await
    }

    /// The customer's alert of one rule, and its version.
    pub async fn alert(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        rule: &str,
    ) -> Result<Option<(u64, Alert)>, StoreError> {
        self.doc_get(&keys::customer_pk(tenant, id), &keys::alert_sk(rule))
            .await
    }

    /// The tenant's open (open and acknowledged) or resolved alerts (GSI1).
    pub async fn alerts(
        &self,
        tenant: &TenantId,
        open: bool,
        newest_first: bool,
        max: usize,
    ) -> Result<Vec<Alert>, StoreError> {
        self.doc_index(&keys::alerts_gsi1pk(tenant, open), newest_first, max)
            .await
    }

    /// The customer's collection tasks.
    pub async fn customer_tasks(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        newest_first: bool,
        max: usize,
    ) -> Result<Vec<CollectionTask>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::TASK_PREFIX,
            newest_first,
            max,
        )
        .await
    }

    /// One collection task of the customer, and its version.
    pub async fn task(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        task: &str,
    ) -> Result<Option<(u64, CollectionTask)>, StoreError> {
        self.doc_get(&keys::customer_pk(tenant, id), &keys::task_sk(task))
            .await
    }

    /// The open tasks assigned to `assignee`, oldest first (GSI1).
    pub async fn open_tasks_of(
        &self,
        tenant: &TenantId,
        assignee: &str,
        max: usize,
    ) -> Result<Vec<CollectionTask>, StoreError> {
        self.doc_index(&keys::tasks_gsi1pk(tenant, assignee), false, max)
            .await
    }

    /// The customer's activity, newest first.
    pub async fn activity(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        max: usize,
    ) -> Result<Vec<Activity>, StoreError> {
        self.doc_query(
            &keys::customer_pk(tenant, id),
            keys::ACTIVITY_PREFIX,
            true,
            max,
        )
        .await
    }

    /// Every watched customer's watch state (GSI1).
    pub async fn watched(&self, tenant: &TenantId) -> Result<Vec<WatchState>, StoreError> {
        self.doc_index(&keys::watched_gsi1pk(tenant), false, 100_000)
            .await
    }

    /// The newest KPI snapshots, newest first.
    pub async fn kpi_snapshots(
        &self,
        tenant: &TenantId,
        max: usize,
    ) -> Result<Vec<KpiSnapshot>, StoreError> {
        self.doc_query(&keys::kpi_pk(tenant), keys::KPI_PREFIX, true, max)
            .await
    }

    /// Keeps the day's KPI snapshot unless one is there already (`false` then).
    pub async fn put_kpi_snapshot(
        &self,
        tenant: &TenantId,
        snapshot: &KpiSnapshot,
    ) -> Result<bool, StoreError> {
        let write = self.doc_write(
            DocKeys::new(
                keys::kpi_pk(tenant),
                keys::kpi_sk(&snapshot.date.to_string()),
            ),
            "kpis",
            1,
            None,
            snapshot,
        )?;
        match self.transact(vec![write]).await {
            Ok(()) => Ok(true),
            Err(StoreError::ConditionFailed) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The webhook delivery log, newest first.
    pub async fn delivery_log(
        &self,
        tenant: &TenantId,
        max: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        self.doc_query(&keys::webhook_pk(tenant), keys::DELIVERY_PREFIX, true, max)
            .await
    }

    /// Webhook deliveries waiting for an attempt due at or before `now`, with their versions.
    pub async fn pending_deliveries(
        &self,
        tenant: &TenantId,
        now: OffsetDateTime,
    ) -> Result<Vec<(u64, Delivery)>, StoreError> {
        let out = self
            .client
            .query()
            .table_name(self.table())
            .index_name(keys::GSI1)
            .key_condition_expression("#pk = :pk AND #sk <= :now")
            .expression_attribute_names("#pk", keys::GSI1PK)
            .expression_attribute_names("#sk", keys::GSI1SK)
            .expression_attribute_values(":pk", s(keys::deliveries_pending_gsi1pk(tenant)))
            .expression_attribute_values(":now", s(format!("{}~", stamp(now))))
            .limit(50)
            .send()
            .await?;
        out.items
            .unwrap_or_default()
            .iter()
            .map(|i| Ok((version_of(i)?, decode(i, "doc", "delivery")?)))
            .collect()
    }

    /// The ARN of the table's latest stream (`None` when the table has no stream).
    pub async fn latest_stream_arn(&self) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .describe_table()
            .table_name(self.table())
            .send()
            .await?;
        Ok(out
            .table()
            .and_then(|t| t.latest_stream_arn())
            .map(str::to_owned))
    }

    /// An empty set of watch writes, to be made together by [`WatchWrites::commit`].
    pub fn watch_writes(&self) -> WatchWrites<'_> {
        WatchWrites {
            store: self,
            items: Vec::new(),
        }
    }
}

/// Watch documents to write together, each guarded by the version it replaces (`None`:
/// must not exist yet). [`commit`](Self::commit) writes them in the order they were added.
pub struct WatchWrites<'a> {
    store: &'a Store,
    items: Vec<TransactWriteItem>,
}

impl WatchWrites<'_> {
    /// A write made elsewhere (an order told of), in the same transaction.
    pub fn raw(&mut self, item: TransactWriteItem) {
        self.items.push(item);
    }

    /// A promise to pay (its own `version`), over `expected`.
    pub fn promise(
        &mut self,
        tenant: &TenantId,
        promise: &Promise,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let at = DocKeys::new(
            keys::customer_pk(tenant, &promise.customer_id),
            keys::promise_sk(&promise.id),
        );
        self.push(at, "promise", promise.version, expected, promise)
    }

    /// A new promise and the marker of its idempotency key, both conditioned on not
    /// existing: a second promise under the same key fails the transaction
    /// ([`StoreError::ConditionFailed`]).
    pub fn new_promise(
        &mut self,
        tenant: &TenantId,
        promise: &Promise,
        key: &str,
    ) -> Result<(), StoreError> {
        self.promise(tenant, promise, None)?;
        let at = DocKeys::new(
            keys::customer_pk(tenant, &promise.customer_id),
            keys::promise_key_sk(key),
        );
        self.push(at, "promise_key", 1, None, &promise.id)
    }

    /// An alert, listed among the tenant's open or resolved alerts by its status.
    pub fn alert(
        &mut self,
        tenant: &TenantId,
        alert: &Alert,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let open = alert.status.is_open();
        let at = DocKeys::new(
            keys::customer_pk(tenant, &alert.customer_id),
            keys::alert_sk(&alert.rule_id),
        )
        .gsi1(
            keys::alerts_gsi1pk(tenant, open),
            keys::alert_gsi1sk(&stamp(alert.updated_at), &alert.customer_id, &alert.rule_id),
        );
        self.push(at, "alert", alert.version, expected, alert)
    }

    /// A new line of the customer's activity.
    pub fn activity(
        &mut self,
        tenant: &TenantId,
        id: &CustomerId,
        activity: &Activity,
    ) -> Result<(), StoreError> {
        let at = DocKeys::new(
            keys::customer_pk(tenant, id),
            keys::activity_sk(&stamp(activity.at), &unique()),
        );
        self.push(at, "activity", 1, None, activity)
    }

    /// A note with its idempotency key's marker, which holds a copy of the note: the
    /// marker is written only if it is new, so the same key never records a second note.
    pub fn new_note(
        &mut self,
        tenant: &TenantId,
        id: &CustomerId,
        note: &Activity,
        key: &str,
    ) -> Result<(), StoreError> {
        self.activity(tenant, id, note)?;
        let at = DocKeys::new(keys::customer_pk(tenant, id), keys::note_key_sk(key));
        self.push(at, "note_key", 1, None, note)
    }

    /// A webhook delivery; while pending it is listed by when it is next due.
    pub fn delivery(
        &mut self,
        tenant: &TenantId,
        delivery: &Delivery,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let mut at = DocKeys::new(
            keys::webhook_pk(tenant),
            keys::delivery_sk(&stamp(delivery.created_at), &delivery.id),
        );
        if delivery.status == DeliveryStatus::Pending {
            at = at.gsi1(
                keys::deliveries_pending_gsi1pk(tenant),
                format!("{}#{}", stamp(delivery.next_attempt_at), delivery.id),
            );
        }
        self.push(at, "delivery", delivery.version, expected, delivery)
    }

    /// A collection task; while open it is on its assignee's worklist.
    pub fn task(
        &mut self,
        tenant: &TenantId,
        task: &CollectionTask,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let mut at = DocKeys::new(
            keys::customer_pk(tenant, &task.customer_id),
            keys::task_sk(&task.id),
        );
        if task.status == TaskStatus::Open {
            at = at.gsi1(
                keys::tasks_gsi1pk(tenant, &task.assignee),
                format!("{}#{}", stamp(task.created_at), task.id),
            );
        }
        self.push(at, "task", task.version, expected, task)
    }

    /// A customer's watch state over `expected` (None: must not exist yet), listed among
    /// the watched customers and, when it has a wake day, in the wake index.
    pub fn watch_state(
        &mut self,
        tenant: &TenantId,
        id: &CustomerId,
        state: &WatchState,
        expected: Option<u64>,
    ) -> Result<(), StoreError> {
        let mut at = DocKeys::new(keys::customer_pk(tenant, id), keys::WATCH_SK.into())
            .gsi1(keys::watched_gsi1pk(tenant), id.to_string());
        if let Some(wake) = state.wake {
            at = at.gsi2(
                keys::wake_gsi2pk(tenant),
                keys::wake_gsi2sk(&wake.to_string(), id),
            );
        }
        self.push(at, "watch", expected.map_or(1, |v| v + 1), expected, state)
    }

    pub(super) fn push<T: Serialize>(
        &mut self,
        at: DocKeys,
        entity: &str,
        version: u64,
        expected: Option<u64>,
        doc: &T,
    ) -> Result<(), StoreError> {
        let item = self.store.doc_write(at, entity, version, expected, doc)?;
        self.items.push(item);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Writes everything, at most 100 items per transaction (DynamoDB's limit), in the order
    /// added; a failed condition is [`StoreError::ConditionFailed`]. Returns the number of
    /// transactions made.
    /// The writes gathered, to join another transaction (a credit write's `extra`).
    pub fn into_items(self) -> Vec<TransactWriteItem> {
        self.items
    }

    pub async fn commit(self) -> Result<u32, StoreError> {
        let mut made = 0;
        for chunk in self.items.chunks(100) {
            self.store.transact(chunk.to_vec()).await?;
            made += 1;
        }
        Ok(made)
    }
}

/// The tenant and customer (as written in the key) a changed item asks the watcher to look
/// at again: a changed credit file, a new signal or a blocked order that changed. The watcher's own writes (watch state,
/// alerts, tasks, activity) are not among them, so it does not wake itself.
pub fn customer_of_changed_key(pk: &str, sk: &str) -> Option<(String, String)> {
    if sk != keys::CREDIT_SK
        && !sk.starts_with(keys::SIGNAL_PREFIX)
        && !sk.starts_with(keys::BLOCKED_PREFIX)
    {
        return None;
    }
    let tenant = keys::tenant_of_pk(pk)?;
    let t = TenantId::parse(tenant).ok()?;
    let customer = keys::customer_of_pk(&t, pk)?;
    Some((tenant.to_owned(), customer.to_owned()))
}

/// The key (`PK`, `SK`) of one record of a DynamoDB Streams Lambda event (its JSON).
pub fn changed_key_of_lambda_record(record: &serde_json::Value) -> Option<(String, String)> {
    let k = &record["dynamodb"]["Keys"];
    Some((
        k[keys::PK]["S"].as_str()?.to_owned(),
        k[keys::SK]["S"].as_str()?.to_owned(),
    ))
}

/// The key (`PK`, `SK`) of one record read from the table's stream.
pub fn changed_key_of_stream_record(
    record: &aws_sdk_dynamodbstreams::types::Record,
) -> Option<(String, String)> {
    let keys = record.dynamodb()?.keys()?;
    let get = |k: &str| keys.get(k).and_then(|v| v.as_s().ok()).cloned();
    Some((get(keys::PK)?, get(keys::SK)?))
}
