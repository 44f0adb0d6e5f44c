//! Credit files: the ledger of immutable events, the computed credit state of each customer
//! (one `CREDIT` item, versioned), its history, idempotency markers, blocked orders, and the
//! exposure a member adds to its group (the groups themselves: `groups.rs`; exchange rates:
//! `fx_rates.rs`).
//!
//! Every change to a credit file is one `TransactWriteItems`: the new state conditioned on the
//! version that was read, the customer's summary, the new ledger entries with their
//! idempotency markers (each conditioned on not existing), a history point and any blocked
//! orders. A concurrent writer makes the transaction fail as a whole; the caller re-reads and
//! tries again, so no update is ever lost.

use super::codec::{Cancellation, attr, decode, json, n, new_item, plain_put, s};
use super::file_owner::{self, FileOwner};
use super::open_pages::{self, Layout, PageDigests};
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, KeysAndAttributes, Put, TransactWriteItem, Update,
};
use credence_shared::{
    Currency, CustomerId, Money, TenantId, UserId,
    credit::{CreditDecision, HistoryPoint},
    engine::{Assessment, LedgerEntry, OpenItems, Recommendation},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use time::Date;

/// What the server computed for a customer the last time its credit file changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreditState {
    pub currency: Currency,
    #[serde(with = "credence_shared::engine::calendar::iso_date")]
    pub computed_on: Date,
    pub decision: CreditDecision,
    pub recommendation: Recommendation,
    pub assessment: Assessment,
    pub open_items: OpenItems,
    /// Amount-weighted days to pay over the recent window (for the history chart).
    #[serde(default)]
    pub days_to_pay: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// What the early-warning rules read (behaviour trends and rates).
    #[serde(default)]
    pub watch: credence_shared::watch::WatchFigures,
    /// The day of the customer's last invoice (its dormancy counts from it).
    #[serde(
        default,
        with = "credence_shared::engine::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_invoiced: Option<Date>,
    /// The next day a dated fact of the ledger leaves one of the metrics' look-back windows
    /// (the daily pass wakes the customer then: time alone may move its score).
    #[serde(
        default,
        with = "credence_shared::engine::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub window_edge: Option<Date>,
    /// The tenant's engine version it was computed with (0: the shipped defaults).
    #[serde(default)]
    pub engine_version: u32,
    /// Outside signals and financial statements, read by every recompute.
    #[serde(default)]
    pub evidence: credence_shared::engine::Evidence,
    /// The running challenger's score of the file, when the customer is in its share.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shadow: Option<credence_shared::lab::challenger::Shadow>,
    /// How many of the customer's orders the check ever blocked: only a customer with some
    /// pays for reading them (the watcher's re-check, a shipment's check).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub orders_blocked: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// A credit file as read, with the version that guards the next write.
#[derive(Debug, Clone)]
pub struct CreditRecord {
    pub version: u64,
    pub state: CreditState,
    /// The pages its open invoices were read from (empty: inline).
    pub pages: PageDigests,
    /// How many ledger entries the file has (`None`: a file written before it was counted),
    /// so a file known to have none is folded without reading its ledger.
    pub entries: Option<u64>,
    /// The customer's owner as the file carries it (`file_owner.rs`).
    pub owner: FileOwner,
}

impl CreditRecord {
    /// The file as [`Store::write_credit`] just wrote it at `version` (`owner`:
    /// [`CreditWrite::owner`]).
    pub fn written(
        version: u64,
        state: CreditState,
        entries: Option<u64>,
        owner: FileOwner,
    ) -> Result<Self, StoreError> {
        let pages = open_pages::digests(&open_pages::layout(&state.open_items)?);
        Ok(Self {
            version,
            state,
            pages,
            entries,
            owner,
        })
    }

    /// What a write of a new state needs to know of the file it replaces.
    pub fn expected(record: Option<&CreditRecord>) -> Expected {
        Expected(record.map(|r| Replaced {
            version: r.version,
            pages: r.pages.clone(),
            entries: r.entries,
            owner: r.owner.clone(),
        }))
    }
}

/// What a write needs to know of the credit file it replaces (`None`: the customer has no
/// credit file yet).
#[derive(Debug, Clone, Default)]
pub struct Expected(Option<Replaced>);

#[derive(Debug, Clone)]
struct Replaced {
    version: u64,
    pages: PageDigests,
    entries: Option<u64>,
    owner: FileOwner,
}

impl Expected {
    pub fn version(&self) -> Option<u64> {
        self.0.as_ref().map(|r| r.version)
    }

    /// The ledger count after `added` new entries (`None` while the file's is unknown: a
    /// file written before it was counted, or a first file over a ledger already stored).
    pub fn entries_after(&self, added: usize) -> Option<u64> {
        self.0.as_ref()?.entries.map(|n| n + added as u64)
    }

    /// The owner the file carries (unknown for a file not there yet).
    pub fn owner(&self) -> FileOwner {
        self.0
            .as_ref()
            .map_or(FileOwner::Unknown, |r| r.owner.clone())
    }
}

/// A stored ledger entry with the key of the event that created it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredEntry {
    pub idempotency_key: String,
    pub entry: LedgerEntry,
}

/// The summary fields of the customer's profile item (what lists and the card show).
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryUpdate {
    pub grade: credence_shared::Grade,
    pub credit_limit: Money,
    pub exposure: Money,
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    pub terms_days: u32,
    pub on_hold: bool,
    pub blacklisted: bool,
}

pub use credence_shared::orders::BlockedOrder;

/// Everything one guarded write changes.
#[derive(Debug, Clone)]
pub struct CreditWrite {
    /// The file read ([`CreditRecord::expected`]).
    pub expected: Expected,
    pub state: CreditState,
    pub summary: SummaryUpdate,
    pub new_entries: Vec<StoredEntry>,
    /// The customer's whole ledger after this write, when it adds entries: its pack
    /// (`ledger_pack.rs`) is rewritten in the same transaction. `None` leaves the pack as
    /// it is (a walk then sees its count fall behind the file's and queries the ledger).
    pub ledger: Option<Vec<StoredEntry>>,
    pub history: Option<HistoryPoint>,
    pub blocked: Vec<BlockedOrder>,
    /// Change of the customer's exposure to add to its group's (same transaction).
    pub group_delta: Option<(String, Decimal)>,
    /// Further items written in the same transaction (a request's new state guarded by its
    /// version, audit entries, a blacklist entry). If one of their conditions fails, the
    /// write is [`WriteConflict::Stale`].
    pub extra: Vec<TransactWriteItem>,
    /// The owner on the customer's profile as the writer read it with the file (`None`: it
    /// did not read the profile). A file that carries no owner yet takes it, on condition
    /// that the profile still names it (`file_owner.rs`).
    pub profile_owner: Option<Option<UserId>>,
}

impl CreditWrite {
    /// The owner the write leaves on the file: the one it carries, else the profile's.
    pub fn owner(&self) -> FileOwner {
        match (self.expected.owner(), &self.profile_owner) {
            (FileOwner::Unknown, Some(owner)) => FileOwner::Known(owner.clone()),
            (carried, _) => carried,
        }
    }

    /// The file as this write left it at `version` (`entries`: its ledger count).
    pub fn into_record(
        self,
        version: u64,
        entries: Option<u64>,
    ) -> Result<CreditRecord, StoreError> {
        let owner = self.owner();
        CreditRecord::written(version, self.state, entries, owner)
    }

    /// Whether the write copies the profile's owner onto the file (and so is conditioned on
    /// the profile still naming it).
    fn copies_profile_owner(&self) -> Option<Option<&UserId>> {
        match (self.expected.owner(), &self.profile_owner) {
            (FileOwner::Unknown, Some(owner)) => Some(owner.as_ref()),
            _ => None,
        }
    }
}

/// Why a guarded write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteConflict {
    /// Someone changed the credit file since it was read: read again and retry.
    #[error("the credit file changed since it was read")]
    Version,
    /// One of the events was applied meanwhile by another request: read again and retry.
    #[error("an event was applied concurrently")]
    Duplicate,
    /// A condition on one of the [`CreditWrite::extra`] items failed (someone acted on the
    /// same request meanwhile).
    #[error("a related item changed since it was read")]
    Stale,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// DynamoDB allows 100 items per transaction. Each event takes up to three (entry, marker,
/// blocked order); this leaves room for the state, summary, history, group and ledger-pack
/// items and the [`open_pages::PAGES`] pages a paged file may rewrite.
pub const MAX_EVENTS_PER_WRITE: usize = 25;

impl Store {
    /// The customer's credit file (strongly consistent), or `None` if it has none yet. Its
    /// open invoices are read from their pages when it has too many to keep inline.
    pub async fn get_credit(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Option<CreditRecord>, StoreError> {
        let pk = keys::customer_pk(tenant, id);
        for _ in 0..5 {
            let out = self
                .client
                .get_item()
                .table_name(self.table())
                .key(keys::PK, s(pk.clone()))
                .key(keys::SK, s(keys::CREDIT_SK))
                .consistent_read(true)
                .send()
                .await?;
            let Some(item) = out.item else {
                return Ok(None);
            };
            let mut record = record_of(&item)?;
            if !record.pages.is_empty() {
                let items = self
                    .query_prefix(pk.clone(), keys::OPEN_PAGE_PREFIX, true)
                    .await?;
                match open_pages::restore(&items, &record.pages, record.state.currency)? {
                    Some(invoices) => record.state.open_items.invoices = invoices,
                    // A write landed between the two reads: read the new file.
                    None => continue,
                }
            }
            return Ok(Some(record));
        }
        Err(StoreError::Unavailable {
            code: "credit file kept changing while read".into(),
            source: format!("the open-items pages of {id} kept changing").into(),
        })
    }

    /// The customer's whole ledger in date order (strongly consistent).
    pub async fn get_ledger(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let items = self
            .query_prefix(keys::customer_pk(tenant, id), keys::LEDGER_PREFIX, true)
            .await?;
        items
            .iter()
            .map(|item| decode(item, "event", "ledger entry"))
            .collect()
    }

    /// The customer's newest `limit` ledger entries, newest first, and whether there are
    /// older ones (what a page shows; a long-standing customer has tens of thousands).
    pub async fn get_ledger_latest(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        limit: usize,
    ) -> Result<(Vec<StoredEntry>, bool), StoreError> {
        let mut entries = Vec::with_capacity(limit);
        let mut start = None;
        loop {
            let out = self
                .query_sk_prefix(keys::customer_pk(tenant, id), keys::LEDGER_PREFIX)
                .scan_index_forward(false)
                .limit(i32::try_from(limit + 1 - entries.len()).unwrap_or(i32::MAX))
                .set_exclusive_start_key(start)
                .send()
                .await?;
            for item in out.items.unwrap_or_default() {
                if entries.len() == limit {
                    return Ok((entries, true));
                }
                entries.push(decode(&item, "event", "ledger entry")?);
            }
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok((entries, false)),
            }
        }
    }

    /// The customer's credit history, oldest first.
    pub async fn get_history(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
    ) -> Result<Vec<HistoryPoint>, StoreError> {
        let items = self
            .query_prefix(keys::customer_pk(tenant, id), keys::HISTORY_PREFIX, false)
            .await?;
        items
            .iter()
            .map(|item| decode(item, "point", "history point"))
            .collect()
    }

    async fn query_prefix(
        &self,
        pk: String,
        prefix: &str,
        consistent: bool,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .query_sk_prefix(pk.clone(), prefix)
                .consistent_read(consistent)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(items),
            }
        }
    }

    /// Which of `keys` have already been applied (one BatchGetItem per 100 keys).
    pub async fn applied_keys(
        &self,
        tenant: &TenantId,
        event_keys: &[&str],
    ) -> Result<HashSet<String>, StoreError> {
        let mut seen = HashSet::new();
        let unique: Vec<&str> = {
            let mut set = HashSet::new();
            event_keys
                .iter()
                .copied()
                .filter(|k| set.insert(*k))
                .collect()
        };
        for chunk in unique.chunks(100) {
            let mut request = KeysAndAttributes::builder().consistent_read(true);
            for key in chunk {
                let mut k = Item::new();
                k.insert(keys::PK.into(), s(keys::idempotency_pk(tenant, key)));
                k.insert(keys::SK.into(), s(keys::IDEMPOTENCY_SK));
                request = request.keys(k);
            }
            let mut pending = Some(HashMap::from([(
                self.table().to_owned(),
                request.build().map_err(|e| StoreError::Other(e.into()))?,
            )]));
            let mut backoff = super::Backoff::new("idempotency lookup", 40);
            let mut first = true;
            while let Some(request) = pending.take().filter(|r| !r.is_empty()) {
                if !first {
                    backoff.wait().await?;
                }
                first = false;
                let out = self
                    .client
                    .batch_get_item()
                    .set_request_items(Some(request))
                    .send()
                    .await?;
                for item in out
                    .responses
                    .unwrap_or_default()
                    .remove(self.table())
                    .unwrap_or_default()
                {
                    seen.insert(attr(&item, "key")?.to_owned());
                }
                pending = out.unprocessed_keys;
            }
        }
        Ok(seen)
    }

    /// Applies one change to a credit file as a single transaction (see the module docs).
    pub async fn write_credit(
        &self,
        tenant: &TenantId,
        id: &CustomerId,
        write: &CreditWrite,
        now: &str,
    ) -> Result<u64, WriteConflict> {
        let pk = keys::customer_pk(tenant, id);
        let version = write.expected.version().map_or(1, |v| v + 1);
        let mut items = Vec::new();

        // 0: the credit state, guarded by its version.
        // Counted exactly when the write carries the whole ledger (a file the ledger's first
        // events create included); otherwise from the count read.
        let entries = match &write.ledger {
            Some(ledger) => Some(ledger.len() as u64),
            None => write.expected.entries_after(write.new_entries.len()),
        };
        let (mut state, layout) = credit_item(&pk, version, &write.state, entries)?;
        write.owner().put_into(&mut state);
        let mut put = Put::builder()
            .table_name(self.table())
            .set_item(Some(state));
        put = match write.expected.version() {
            // The version, and the owner's copy (a master update sets it without a version).
            Some(v) => {
                let (owner_is, value) = write.expected.owner().unchanged();
                let put = put
                    .condition_expression(format!("version = :v AND {owner_is}"))
                    .expression_attribute_names(file_owner::NAME, file_owner::OWNER_ATTR)
                    .expression_attribute_values(":v", n(v));
                match value {
                    Some(value) => put.expression_attribute_values(file_owner::VALUE, value),
                    None => put,
                }
            }
            None => put.condition_expression("attribute_not_exists(PK)"),
        };
        items.push(
            TransactWriteItem::builder()
                .put(put.build().map_err(|e| StoreError::Other(e.into()))?)
                .build(),
        );

        // 1: the customer's summary (the profile must exist, and still name the owner the
        // write copies from it).
        let sum = &write.summary;
        let copied = write.copies_profile_owner();
        let mut update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(pk.clone()))
            .key(keys::SK, s(keys::PROFILE_SK))
            .update_expression(
                "SET #g = :g, #l = :l, #e = :e, #o = :o, #d = :d, #t = :t, #h = :h, #b = :b, #c = :c",
            );
        update = match copied {
            Some(owner) => {
                let (names, value) = file_owner::profile_names(owner);
                update
                    .condition_expression(format!("attribute_exists(PK) AND {names}"))
                    .expression_attribute_names(file_owner::NAME, file_owner::OWNER_ATTR)
                    .expression_attribute_values(file_owner::VALUE, value)
            }
            None => update.condition_expression("attribute_exists(PK)"),
        };
        let update = update
            .expression_attribute_names("#g", "grade")
            .expression_attribute_names("#l", "creditLimit")
            .expression_attribute_names("#e", "exposure")
            .expression_attribute_names("#o", "overdue")
            .expression_attribute_names("#d", "oldestOverdueDays")
            .expression_attribute_names("#t", "termsDays")
            .expression_attribute_names("#h", "onHold")
            .expression_attribute_names("#b", "blacklisted")
            .expression_attribute_names("#c", "currency")
            .expression_attribute_values(":g", s(sum.grade.to_string()))
            .expression_attribute_values(":l", n(sum.credit_limit.amount))
            .expression_attribute_values(":e", n(sum.exposure.amount))
            .expression_attribute_values(":o", n(sum.overdue.amount))
            .expression_attribute_values(":d", n(sum.oldest_overdue_days))
            .expression_attribute_values(":t", n(sum.terms_days))
            .expression_attribute_values(":h", AttributeValue::Bool(sum.on_hold))
            .expression_attribute_values(":b", AttributeValue::Bool(sum.blacklisted))
            .expression_attribute_values(":c", s(sum.credit_limit.currency.to_string()))
            .build()
            .map_err(|e| StoreError::Other(e.into()))?;
        items.push(TransactWriteItem::builder().update(update).build());

        // Ledger entries and their idempotency markers, each new.
        for e in &write.new_entries {
            let date = e.entry.date.to_string();
            let mut entry = Item::new();
            entry.insert(keys::PK.into(), s(pk.clone()));
            entry.insert(
                keys::SK.into(),
                s(keys::ledger_sk(&date, &e.idempotency_key)),
            );
            entry.insert("entity".into(), s("ledger"));
            entry.insert("event".into(), s(json(e)?));
            entry.insert("recordedAt".into(), s(now));
            items.push(new_item(self.table(), entry)?);

            let mut marker = Item::new();
            marker.insert(
                keys::PK.into(),
                s(keys::idempotency_pk(tenant, &e.idempotency_key)),
            );
            marker.insert(keys::SK.into(), s(keys::IDEMPOTENCY_SK));
            marker.insert("entity".into(), s("idempotency"));
            marker.insert("key".into(), s(e.idempotency_key.clone()));
            marker.insert("customer".into(), s(id.to_string()));
            marker.insert("recordedAt".into(), s(now));
            items.push(new_item(self.table(), marker)?);
        }

        // The pack of the whole ledger, or none when it is too long to pack.
        if let Some(ledger) = &write.ledger {
            match super::ledger_pack::pack_item(&pk, ledger)? {
                Some(pack) => items.push(plain_put(self.table(), pack)?),
                None => {
                    let delete = Delete::builder()
                        .table_name(self.table())
                        .key(keys::PK, s(pk.clone()))
                        .key(keys::SK, s(keys::LEDGER_PACK_SK))
                        .build()
                        .map_err(|e| StoreError::Other(e.into()))?;
                    items.push(TransactWriteItem::builder().delete(delete).build());
                }
            }
        }

        if let Some(point) = &write.history {
            let mut h = Item::new();
            h.insert(keys::PK.into(), s(pk.clone()));
            h.insert(
                keys::SK.into(),
                s(keys::history_sk(&point.date.to_string(), version)),
            );
            h.insert("entity".into(), s("history"));
            h.insert("point".into(), s(json(point)?));
            items.push(plain_put(self.table(), h)?);
        }

        for b in &write.blocked {
            items.push(self.order_new(tenant, b)?);
        }

        if let Some((group, delta)) = &write.group_delta
            && !delta.is_zero()
        {
            let update = Update::builder()
                .table_name(self.table())
                .key(keys::PK, s(keys::group_pk(tenant, group)))
                .key(keys::SK, s(keys::GROUP_SK))
                .update_expression("ADD exposure :d")
                .condition_expression("attribute_exists(PK)")
                .expression_attribute_values(":d", n(delta))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            items.push(TransactWriteItem::builder().update(update).build());
        }

        // The open-invoice pages that changed (none while they fit inline).
        let previous = write
            .expected
            .0
            .as_ref()
            .map(|r| r.pages.clone())
            .unwrap_or_default();
        let (put_pages, delete_pages) = open_pages::changes(&previous, &layout);
        for (page, content) in put_pages {
            items.push(plain_put(
                self.table(),
                open_pages::page_item(&pk, page, content),
            )?);
        }
        for page in delete_pages {
            let delete = Delete::builder()
                .table_name(self.table())
                .key(keys::PK, s(pk.clone()))
                .key(keys::SK, s(keys::open_page_sk(page)))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            items.push(TransactWriteItem::builder().delete(delete).build());
        }

        let extra_start = items.len();
        items.extend(write.extra.iter().cloned());
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        let err = match result {
            Ok(_) => return Ok(version),
            Err(err) => err,
        };
        let Some(cancelled) = Cancellation::of(&err) else {
            return Err(WriteConflict::Store(err.into()));
        };
        if cancelled.failed(0) {
            Err(WriteConflict::Version)
        } else if cancelled.failed_from(extra_start) {
            Err(WriteConflict::Stale)
        } else if cancelled.failed_from(2) {
            Err(WriteConflict::Duplicate)
        } else if cancelled.conflict() {
            Err(WriteConflict::Version)
        } else if cancelled.failed(1) && copied.is_some() {
            // The owner changed since it was read with the file: read both again.
            Err(WriteConflict::Version)
        } else if cancelled.failed(1) {
            Err(WriteConflict::Store(StoreError::Corrupt(format!(
                "credit file of {id} without a customer profile"
            ))))
        } else {
            Err(WriteConflict::Store(cancelled.unavailable(err)))
        }
    }
}

/// A `CREDIT` item as read; when it names pages, its open invoices are still to be read
/// from them.
pub(super) fn record_of(item: &Item) -> Result<CreditRecord, StoreError> {
    let version = item
        .get("version")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StoreError::Corrupt("credit file without version".into()))?;
    Ok(CreditRecord {
        version,
        state: decode(item, "state", "credit file")?,
        pages: PageDigests::of_item(item)?,
        entries: entries_of(item),
        owner: FileOwner::of_item(item)?,
    })
}

/// The `CREDIT` item's ledger count.
const ENTRIES_ATTR: &str = "entries";

fn entries_of(item: &Item) -> Option<u64> {
    item.get(ENTRIES_ATTR)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

/// Seeding: items for a customer's initial credit file (carrying its `owner`), ledger and
/// history, for [`Store::batch_put`] into an empty table.
pub fn seed_items(
    tenant: &TenantId,
    id: &CustomerId,
    owner: Option<&UserId>,
    state: &CreditState,
    entries: &[StoredEntry],
    history: &[HistoryPoint],
) -> Result<Vec<Item>, StoreError> {
    let pk = keys::customer_pk(tenant, id);
    let mut items = Vec::new();
    let (mut credit, layout) = credit_item(&pk, 1, state, Some(entries.len() as u64))?;
    FileOwner::Known(owner.cloned()).put_into(&mut credit);
    items.push(credit);
    if let Layout::Paged(pages) = &layout {
        items.extend(
            pages
                .iter()
                .map(|(page, content)| open_pages::page_item(&pk, *page, content)),
        );
    }
    if let Some(pack) = super::ledger_pack::pack_item(&pk, entries)? {
        items.push(pack);
    }
    for e in entries {
        let mut entry = Item::new();
        entry.insert(keys::PK.into(), s(pk.clone()));
        entry.insert(
            keys::SK.into(),
            s(keys::ledger_sk(
                &e.entry.date.to_string(),
                &e.idempotency_key,
            )),
        );
        entry.insert("entity".into(), s("ledger"));
        entry.insert("event".into(), s(json(e)?));
        items.push(entry);
        let mut marker = Item::new();
        marker.insert(
            keys::PK.into(),
            s(keys::idempotency_pk(tenant, &e.idempotency_key)),
        );
        marker.insert(keys::SK.into(), s(keys::IDEMPOTENCY_SK));
        marker.insert("entity".into(), s("idempotency"));
        marker.insert("key".into(), s(e.idempotency_key.clone()));
        marker.insert("customer".into(), s(id.to_string()));
        items.push(marker);
    }
    for (i, point) in history.iter().enumerate() {
        let mut h = Item::new();
        h.insert(keys::PK.into(), s(pk.clone()));
        h.insert(
            keys::SK.into(),
            s(keys::history_sk(&point.date.to_string(), i as u64)),
        );
        h.insert("entity".into(), s("history"));
        h.insert("point".into(), s(json(point)?));
        items.push(h);
    }
    Ok(items)
}

/// The `CREDIT` item of a state at `version`, and where its open invoices go: inside it, or
/// (then the stored state leaves them out and the item names the pages) on pages.
fn credit_item(
    pk: &str,
    version: u64,
    state: &CreditState,
    entries: Option<u64>,
) -> Result<(Item, Layout), StoreError> {
    let layout = open_pages::layout(&state.open_items)?;
    let mut item = Item::new();
    item.insert(keys::PK.into(), s(pk));
    item.insert(keys::SK.into(), s(keys::CREDIT_SK));
    item.insert("entity".into(), s("credit"));
    item.insert("version".into(), n(version));
    if let Some(entries) = entries {
        item.insert(ENTRIES_ATTR.into(), n(entries));
    }
    match &layout {
        Layout::Inline => {
            item.insert("state".into(), s(json(state)?));
        }
        Layout::Paged(_) => {
            let mut stored = state.clone();
            stored.open_items.invoices.clear();
            item.insert("state".into(), s(json(&stored)?));
            item.insert(
                open_pages::PAGES_ATTR.into(),
                open_pages::digests(&layout).to_attr(),
            );
        }
    }
    Ok((item, layout))
}
