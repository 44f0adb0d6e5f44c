//! Workflow items: credit requests, the audit trail, the blacklist and credit applications
//! (tenant documents, engine versions and users are in [`super::documents`]).
//!
//! Writes are built as `TransactWriteItem`s so a service can put a request's new state, its
//! audit entries and the credit file change in one transaction ([`Store::transact`] or
//! [`CreditWrite::extra`](super::credit::CreditWrite)). Every versioned document is guarded
//! by the version that was read; audit entries are conditioned on not existing and never
//! updated or deleted (append-only).

use super::codec::{Cancellation, attr, decode, json, n, new_item, plain_put, s, versioned_put};
pub use super::workflow_writes::{StoredApplication, WorkflowWrite};
use super::{Item, Store, StoreError, decode_cursor, encode_cursor, keys, resumed};
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem};
use credence_shared::{
    CustomerId, TenantId,
    workflow::{AuditEntry, AuditPage, BlacklistEntry, CreditRequest, Subject},
};
use serde::Serialize;
use time::Date;

/// Most open requests an inbox reads (a tenant with more has a backlog to fix first).
pub const MAX_OPEN_REQUESTS: usize = 2000;

fn other(e: impl Into<super::Cause>) -> StoreError {
    StoreError::Other(e.into())
}

fn stamp(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn unique() -> String {
    format!("{:08x}", rand::random::<u32>())
}

impl Store {
    /// Runs items as one transaction. A failed condition is [`StoreError::ConditionFailed`].
    pub async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => match Cancellation::of(&e) {
                Some(c) if c.failed_from(0) || c.conflict() => Err(StoreError::ConditionFailed),
                Some(c) => Err(c.unavailable(e)),
                None => Err(e.into()),
            },
        }
    }

    // ----- requests ------------------------------------------------------------------------

    /// Puts `request`: new when `expected` is `None`, else only over version `expected`.
    pub fn request_write(
        &self,
        tenant: &TenantId,
        request: &CreditRequest,
        expected: Option<u64>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::new();
        item.insert(
            keys::PK.into(),
            s(keys::request_pk(tenant, &request.subject)),
        );
        item.insert(keys::SK.into(), s(keys::request_sk(&request.id)));
        let (gsi_pk, at) = if request.status.is_open() {
            (keys::requests_open_gsi1pk(tenant), request.created_at)
        } else {
            (keys::requests_closed_gsi1pk(tenant), request.updated_at)
        };
        item.insert(keys::GSI1PK.into(), s(gsi_pk));
        item.insert(
            keys::GSI1SK.into(),
            s(keys::request_gsi1sk(&stamp(at), &request.id)),
        );
        item.insert("entity".into(), s("request"));
        item.insert("version".into(), n(request.version));
        item.insert("request".into(), s(json(request)?));
        versioned_put(self.table(), item, expected)
    }

    pub async fn get_request(
        &self,
        tenant: &TenantId,
        subject: &Subject,
        rid: &str,
    ) -> Result<Option<CreditRequest>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::request_pk(tenant, subject)))
            .key(keys::SK, s(keys::request_sk(rid)))
            .consistent_read(true)
            .send()
            .await?;
        out.item
            .map(|i| decode(&i, "request", "credit request"))
            .transpose()
    }

    /// A subject's requests (a customer's, a group's, or every party's), oldest first.
    pub async fn subject_requests(
        &self,
        tenant: &TenantId,
        subject: &Subject,
    ) -> Result<Vec<CreditRequest>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::request_pk(tenant, subject),
                Some(keys::REQUEST_PREFIX),
                None,
                true,
                500,
            )
            .await?;
        items
            .iter()
            .map(|i| decode(i, "request", "credit request"))
            .collect()
    }

    /// Open requests of the tenant, oldest first (eventually consistent index).
    pub async fn open_requests(&self, tenant: &TenantId) -> Result<Vec<CreditRequest>, StoreError> {
        let items = self
            .query_all(
                keys::GSI1PK,
                &keys::requests_open_gsi1pk(tenant),
                None,
                Some(keys::GSI1),
                true,
                MAX_OPEN_REQUESTS,
            )
            .await?;
        items
            .iter()
            .map(|i| decode(i, "request", "credit request"))
            .collect()
    }

    /// The most recently closed requests of the tenant, newest first.
    pub async fn closed_requests(
        &self,
        tenant: &TenantId,
        limit: usize,
    ) -> Result<Vec<CreditRequest>, StoreError> {
        let items = self
            .query_all(
                keys::GSI1PK,
                &keys::requests_closed_gsi1pk(tenant),
                None,
                Some(keys::GSI1),
                false,
                limit,
            )
            .await?;
        items
            .iter()
            .map(|i| decode(i, "request", "credit request"))
            .collect()
    }

    /// Records that the requester has seen `version` (only if it is still the latest).
    pub async fn mark_request_seen(
        &self,
        tenant: &TenantId,
        request: &CreditRequest,
    ) -> Result<(), StoreError> {
        let mut seen = request.clone();
        seen.requester_seen = request.version;
        // Same version: a seen-marker is not a change of the request.
        let write = self.request_write(tenant, &seen, Some(request.version))?;
        match self.transact(vec![write]).await {
            Ok(()) | Err(StoreError::ConditionFailed) => Ok(()),
            Err(e) => Err(e),
        }
    }

    // ----- audit ---------------------------------------------------------------------------

    /// An append-only audit item: under its customer (or the tenant's configuration audit
    /// partition) and listed by month on GSI1.
    pub fn audit_write(
        &self,
        tenant: &TenantId,
        entry: &AuditEntry,
    ) -> Result<TransactWriteItem, StoreError> {
        let at = stamp(entry.at);
        let unique = unique();
        let pk = match &entry.customer_id {
            Some(c) => keys::customer_pk(tenant, c),
            None => keys::audit_pk(tenant),
        };
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(pk));
        item.insert(keys::SK.into(), s(keys::audit_sk(&at, &unique)));
        item.insert(
            keys::GSI1PK.into(),
            s(keys::audit_gsi1pk(tenant, &at[..7.min(at.len())])),
        );
        item.insert(keys::GSI1SK.into(), s(keys::audit_gsi1sk(&at, &unique)));
        item.insert("entity".into(), s("audit"));
        item.insert("entry".into(), s(json(entry)?));
        new_item(self.table(), item)
    }

    /// A customer's audit trail, newest first, a page at a time.
    pub async fn customer_audit(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<AuditPage, StoreError> {
        let pk = keys::customer_pk(tenant, customer);
        let in_audit = |sk: &str| sk.starts_with(keys::AUDIT_PREFIX);
        let start = cursor
            .map(|c| {
                decode_cursor(
                    c,
                    &[keys::PK, keys::SK],
                    (keys::PK, &pk),
                    (keys::SK, &in_audit),
                )
            })
            .transpose()?;
        let from_cursor = start.is_some();
        let out = self
            .query_sk_prefix(pk, keys::AUDIT_PREFIX)
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| resumed(e, from_cursor))?;
        let items = out
            .items()
            .iter()
            .map(|i| decode(i, "entry", "audit entry"))
            .collect::<Result<Vec<AuditEntry>, _>>()?;
        Ok(AuditPage {
            items,
            next_cursor: out.last_evaluated_key().and_then(encode_cursor),
        })
    }

    /// The tenant's audit trail from `from` to `to` (inclusive), oldest first, month by month.
    /// The cursor carries the month and the position in it.
    pub async fn tenant_audit(
        &self,
        tenant: &TenantId,
        from: Date,
        to: Date,
        cursor: Option<&str>,
        limit: i32,
    ) -> Result<AuditPage, StoreError> {
        let lo = format!("{from}");
        let hi = format!("{to}T99");
        let mut month = match cursor {
            Some(c) => c
                .split_once('~')
                .map(|(m, _)| m.to_owned())
                .ok_or(StoreError::BadCursor)?,
            None => lo[..7].to_owned(),
        };
        let in_range = |sk: &str| lo.as_str() <= sk && sk <= hi.as_str();
        let mut start = match cursor.and_then(|c| c.split_once('~')) {
            Some((m, rest)) if !rest.is_empty() => Some(decode_cursor(
                rest,
                &[keys::PK, keys::SK, keys::GSI1PK, keys::GSI1SK],
                (keys::GSI1PK, &keys::audit_gsi1pk(tenant, m)),
                (keys::GSI1SK, &in_range),
            )?),
            _ => None,
        };
        // Only the first query starts where the client's cursor says.
        let mut from_cursor = start.is_some();
        if month.len() != 7 || month.as_str() < &lo[..7] || month.as_str() > &hi[..7] {
            return Err(StoreError::BadCursor);
        }
        let mut items = Vec::new();
        loop {
            let out = self
                .client
                .query()
                .table_name(self.table())
                .index_name(keys::GSI1)
                .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                .expression_attribute_names("#pk", keys::GSI1PK)
                .expression_attribute_names("#sk", keys::GSI1SK)
                .expression_attribute_values(":pk", s(keys::audit_gsi1pk(tenant, &month)))
                .expression_attribute_values(":lo", s(lo.clone()))
                .expression_attribute_values(":hi", s(hi.clone()))
                .limit(limit - items.len() as i32)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| resumed(e, from_cursor))?;
            from_cursor = false;
            for i in out.items() {
                items.push(decode::<AuditEntry>(i, "entry", "audit entry")?);
            }
            if let Some(key) = out.last_evaluated_key() {
                let next = encode_cursor(key).map(|c| format!("{month}~{c}"));
                return Ok(AuditPage {
                    items,
                    next_cursor: next,
                });
            }
            let Some(next_month) = next_month(&month).filter(|m| m.as_str() <= &hi[..7]) else {
                return Ok(AuditPage {
                    items,
                    next_cursor: None,
                });
            };
            month = next_month;
            if items.len() as i32 >= limit {
                return Ok(AuditPage {
                    items,
                    next_cursor: Some(format!("{month}~")),
                });
            }
        }
    }

    // ----- blacklist -----------------------------------------------------------------------

    pub async fn blacklist(&self, tenant: &TenantId) -> Result<Vec<BlacklistEntry>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::blacklist_pk(tenant),
                None,
                None,
                true,
                10_000,
            )
            .await?;
        items
            .iter()
            .map(|i| decode(i, "entry", "blacklist entry"))
            .collect()
    }

    /// The entries for any of `keys_` (a code and a name key), at most two reads.
    pub async fn blacklist_lookup(
        &self,
        tenant: &TenantId,
        lookup: &[String],
    ) -> Result<Vec<BlacklistEntry>, StoreError> {
        let mut found = Vec::new();
        for key in lookup {
            let out = self
                .client
                .get_item()
                .table_name(self.table())
                .key(keys::PK, s(keys::blacklist_pk(tenant)))
                .key(keys::SK, s(keys::blacklist_sk(key)))
                .send()
                .await?;
            if let Some(item) = out.item {
                found.push(decode(&item, "entry", "blacklist entry")?);
            }
        }
        Ok(found)
    }

    /// A new blacklist entry (fails if the party is already on it).
    pub fn blacklist_put(
        &self,
        tenant: &TenantId,
        entry: &BlacklistEntry,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::blacklist_pk(tenant)));
        item.insert(keys::SK.into(), s(keys::blacklist_sk(&entry.key)));
        item.insert("entity".into(), s("blacklist"));
        item.insert("entry".into(), s(json(entry)?));
        new_item(self.table(), item)
    }

    /// Deletes the entry under `key`; when `must_exist`, only if it is still there.
    pub fn blacklist_delete(
        &self,
        tenant: &TenantId,
        key: &str,
        must_exist: bool,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut delete = Delete::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::blacklist_pk(tenant)))
            .key(keys::SK, s(keys::blacklist_sk(key)));
        if must_exist {
            delete = delete.condition_expression("attribute_exists(PK)");
        }
        Ok(TransactWriteItem::builder()
            .delete(delete.build().map_err(other)?)
            .build())
    }

    // ----- applications and blocked orders ------------------------------------------------

    /// The application a customer was onboarded with (kept as filed).
    /// The marker naming the request filed under `key` (new).
    pub fn request_key_put(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        key: &str,
        request_id: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::customer_pk(tenant, customer)));
        item.insert(keys::SK.into(), s(keys::request_key_sk(key)));
        item.insert("entity".into(), s("requestKey"));
        item.insert("request".into(), s(request_id));
        new_item(self.table(), item)
    }

    /// The id of the request filed for `customer` under idempotency key `key`, if one was.
    pub async fn request_by_key(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        key: &str,
    ) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::customer_pk(tenant, customer)))
            .key(keys::SK, s(keys::request_key_sk(key)))
            .consistent_read(true)
            .send()
            .await?;
        out.item
            .map(|item| attr(&item, "request").map(str::to_owned))
            .transpose()
    }

    pub fn application_put<T: Serialize>(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        application: &T,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::customer_pk(tenant, customer)));
        item.insert(keys::SK.into(), s(keys::APPLICATION_SK));
        item.insert("entity".into(), s("application"));
        item.insert("application".into(), s(json(application)?));
        plain_put(self.table(), item)
    }

    /// Creates a customer (an applicant, an imported or a new master record) in one
    /// transaction: its profile, its first credit file, the guard item of its unified social
    /// credit code (one customer per code, even when two applications race), and the
    /// workflow items (application, request, audit entries), each new.
    ///
    /// Its search terms are written before, by `BatchWriteItem`, not in the transaction: they
    /// are most of a new customer's items (eight for a typical Chinese name), a transaction
    /// writes each item twice, and a term is harmless without its customer (a search reads
    /// the profiles its terms name and drops the missing). A failed onboarding can leave its
    /// terms behind; the next attempt writes the same ones.
    pub async fn onboard(
        &self,
        tenant: &TenantId,
        customer: &super::customers::CustomerRecord,
        state: &super::credit::CreditState,
        extra: Vec<TransactWriteItem>,
    ) -> Result<(), OnboardConflict> {
        let mut items = super::customers::customer_items(tenant, customer)?;
        let profile = items.remove(0);
        let credit = super::credit::seed_items(
            tenant,
            &customer.id,
            customer.owner.as_ref(),
            state,
            &[],
            &[],
        )?
        .into_iter()
        .next()
        .ok_or_else(|| StoreError::Other("no credit item".into()))?;
        let mut tx = vec![
            new_item(self.table(), profile)?,
            new_item(self.table(), credit)?,
        ];
        let guard_at = match &customer.usci {
            Some(usci) => {
                tx.push(new_item(
                    self.table(),
                    super::customers::usci_guard_item(tenant, usci, &customer.id),
                )?);
                Some(tx.len() - 1)
            }
            None => None,
        };
        tx.extend(extra);
        if tx.len() > MAX_TRANSACTION_ITEMS {
            return Err(StoreError::Other("an onboarding of more than 100 items".into()).into());
        }
        self.batch_put(items).await?;
        match self
            .client
            .transact_write_items()
            .set_transact_items(Some(tx))
            .send()
            .await
        {
            Ok(_) => {}
            Err(e) => {
                return Err(match Cancellation::of(&e) {
                    Some(c) if guard_at.is_some_and(|i| c.failed(i)) => OnboardConflict::CodeTaken,
                    Some(c) if c.failed(0) || c.failed(1) => OnboardConflict::IdTaken,
                    Some(c) if c.failed_from(0) || c.conflict() => {
                        OnboardConflict::Store(StoreError::ConditionFailed)
                    }
                    Some(c) => OnboardConflict::Store(c.unavailable(e)),
                    None => OnboardConflict::Store(e.into()),
                });
            }
        }
        Ok(())
    }

    // ----- helpers -------------------------------------------------------------------------

    /// Reads up to `max` items of one partition (optionally with a sort-key prefix).
    pub(crate) async fn query_all(
        &self,
        pk_attr: &str,
        pk: &str,
        prefix: Option<&str>,
        index: Option<&str>,
        forward: bool,
        max: usize,
    ) -> Result<Vec<Item>, StoreError> {
        let sk_attr = if pk_attr == keys::PK {
            keys::SK
        } else {
            keys::GSI1SK
        };
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(self.table())
                .set_index_name(index.map(str::to_owned))
                .expression_attribute_names("#pk", pk_attr)
                .expression_attribute_values(":pk", s(pk))
                .scan_index_forward(forward)
                .set_exclusive_start_key(start.take());
            q = match prefix {
                Some(p) => q
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :p)")
                    .expression_attribute_names("#sk", sk_attr)
                    .expression_attribute_values(":p", s(p)),
                None => q.key_condition_expression("#pk = :pk"),
            };
            let out = q.send().await?;
            items.extend(out.items().iter().cloned());
            match out.last_evaluated_key() {
                Some(key) if items.len() < max => start = Some(key.clone()),
                _ => break,
            }
        }
        items.truncate(max);
        Ok(items)
    }
}

/// The most items DynamoDB takes in one transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;

/// Why an onboarding did not happen.
#[derive(Debug, thiserror::Error)]
pub enum OnboardConflict {
    /// The new customer id is taken (ids are 48 random bits: practically never).
    #[error("the new customer id is taken")]
    IdTaken,
    /// Another customer has this unified social credit code (perhaps created a moment ago
    /// by a concurrent application).
    #[error("another customer has this unified social credit code")]
    CodeTaken,
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn next_month(month: &str) -> Option<String> {
    let (y, m) = month.split_once('-')?;
    let (y, m): (u32, u32) = (y.parse().ok()?, m.parse().ok()?);
    Some(if m >= 12 {
        format!("{:04}-01", y + 1)
    } else {
        format!("{y:04}-{:02}", m + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_month_after_december_is_january_of_the_next_year() {
        assert_eq!(next_month("2026-12").as_deref(), Some("2027-01"));
        assert_eq!(next_month("2026-09").as_deref(), Some("2026-10"));
    }
}
