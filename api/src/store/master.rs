//! The customer master's update: the profile's master fields over the version read, the
//! owner's copy on the credit file (`file_owner.rs`), its search terms and code guard moved
//! with it, and the audit entry, in one transaction. (A new customer is written like an
//! onboarded one: [`Store::onboard_with`].)
//!
//! The credit summary on the same `PROFILE` item is written by credit-file changes, which
//! touch only their own attributes; a master update touches only the master's, so neither
//! overwrites the other.

use super::codec::{Cancellation, n, plain_put, s};
use super::customers::{CustomerRecord, customer_items, usci_guard_item};
use super::workflow::OnboardConflict;
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::{Delete, TransactWriteItem, Update};
use credence_shared::{TenantId, Usci, dto::CustomerSummary, search, workflow::AuditEntry};

/// The profile attributes a master update sets (or removes when the record has none).
const MASTER_ATTRIBUTES: [&str; 11] = [
    "number", "name", "nameEn", "usci", "country", "industry", "owner", "founded", "status",
    "master", "GSI1SK",
];

/// Most items of one transaction.
const MAX_TRANSACTION: usize = 100;

/// Where the owner's copy goes in the transaction: after the profile.
const COPY_AT: usize = 1;

/// Most attempts when a credit file appears (or goes) between its read and the update, or
/// a write of the file (which touches the profile's summary) runs at the same moment.
const ATTEMPTS: u32 = 6;

fn terms_of(name: &str, name_en: Option<&str>, number: &str, usci: Option<&Usci>) -> Vec<String> {
    search::index_terms(name, name_en, number, usci.map(Usci::as_str))
}

impl Store {
    /// Writes `after` (the customer's new master fields) over `before`, read at version
    /// `before.version`: a lost race is [`StoreError::ConditionFailed`], a code another
    /// customer holds [`OnboardConflict::CodeTaken`].
    pub async fn update_master(
        &self,
        tenant: &TenantId,
        before: &CustomerSummary,
        after: &CustomerRecord,
        audit: &AuditEntry,
    ) -> Result<(), OnboardConflict> {
        let pk = keys::customer_pk(tenant, &after.id);
        let new_profile = customer_items(tenant, after)?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Other("no profile item".into()))?;
        let mut sets = vec!["version = :next".to_owned()];
        let mut removes = Vec::new();
        let mut update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(pk.clone()))
            .key(keys::SK, s(keys::PROFILE_SK))
            .condition_expression("version = :seen")
            .expression_attribute_values(":seen", n(before.version))
            .expression_attribute_values(":next", n(before.version + 1));
        for (i, attr) in MASTER_ATTRIBUTES.iter().enumerate() {
            update = update.expression_attribute_names(format!("#a{i}"), *attr);
            match new_profile.get(*attr).filter(|v| !v.is_null()) {
                Some(value) => {
                    sets.push(format!("#a{i} = :a{i}"));
                    update = update.expression_attribute_values(format!(":a{i}"), value.clone());
                }
                None => removes.push(format!("#a{i}")),
            }
        }
        let mut expression = format!("SET {}", sets.join(", "));
        if !removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        let update = update
            .update_expression(expression)
            .build()
            .map_err(|e| StoreError::Other(e.into()))?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];

        // The search terms that change.
        let old = terms_of(
            &before.name,
            before.name_en.as_deref(),
            &before.number,
            before.usci.as_ref(),
        );
        let new = terms_of(
            &after.name,
            after.name_en.as_deref(),
            &after.number,
            after.usci.as_ref(),
        );
        let mut later = Vec::new();
        for term in old.iter().filter(|t| !new.contains(t)) {
            let key: Item = [
                (keys::PK.to_owned(), s(keys::search_pk(tenant))),
                (keys::SK.to_owned(), s(keys::search_sk(term, &after.id))),
            ]
            .into();
            let delete = Delete::builder()
                .table_name(self.table())
                .set_key(Some(key))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?;
            later.push(TransactWriteItem::builder().delete(delete).build());
        }
        for term in new.iter().filter(|t| !old.contains(t)) {
            let item: Item = [
                (keys::PK.to_owned(), s(keys::search_pk(tenant))),
                (keys::SK.to_owned(), s(keys::search_sk(term, &after.id))),
            ]
            .into();
            later.push(plain_put(self.table(), item)?);
        }

        // The code guard moves with the code.
        let mut guard_at = None;
        if before.usci != after.usci {
            if let Some(old) = &before.usci {
                let key: Item = [
                    (
                        keys::PK.to_owned(),
                        s(keys::usci_guard_pk(tenant, old.as_str())),
                    ),
                    (keys::SK.to_owned(), s(keys::USCI_GUARD_SK)),
                ]
                .into();
                let delete = Delete::builder()
                    .table_name(self.table())
                    .set_key(Some(key))
                    .condition_expression("customer_id = :id")
                    .expression_attribute_values(":id", s(after.id.as_str()))
                    .build()
                    .map_err(|e| StoreError::Other(e.into()))?;
                items.push(TransactWriteItem::builder().delete(delete).build());
            }
            if let Some(new) = &after.usci {
                items.push(super::codec::new_item(
                    self.table(),
                    usci_guard_item(tenant, new, &after.id),
                )?);
                guard_at = Some(items.len() - 1);
            }
        }
        items.push(self.audit_write(tenant, audit)?);
        // Room for the owner's copy, inserted at `COPY_AT` below.
        let guard_at = guard_at.map(|i| i + 1);
        let room = (MAX_TRANSACTION - 1)
            .saturating_sub(items.len())
            .min(later.len());
        let rest = later.split_off(room);
        items.extend(later);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let exists = self.has_credit(tenant, &after.id).await?;
            let mut tx = items.clone();
            tx.insert(
                COPY_AT,
                self.owner_copy(tenant, &after.id, after.owner.as_ref(), exists)?,
            );
            let Err(e) = self
                .client
                .transact_write_items()
                .set_transact_items(Some(tx))
                .send()
                .await
            else {
                break;
            };
            return Err(match Cancellation::of(&e) {
                // A credit file appeared since it was looked for, or was being written: the
                // version read still holds, so look again.
                Some(c)
                    if !c.failed(0)
                        && (c.failed(COPY_AT) || c.conflict())
                        && attempt < ATTEMPTS =>
                {
                    let jitter = u64::from(rand::random::<u8>()) % 20;
                    let wait = (5 << attempt) + jitter;
                    tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
                    continue;
                }
                Some(c) if guard_at.is_some_and(|i| c.failed(i)) => OnboardConflict::CodeTaken,
                Some(c) if c.failed_from(0) || c.conflict() => {
                    OnboardConflict::Store(StoreError::ConditionFailed)
                }
                Some(c) => OnboardConflict::Store(c.unavailable(e)),
                None => OnboardConflict::Store(e.into()),
            });
        }
        for chunk in rest.chunks(MAX_TRANSACTION) {
            self.transact(chunk.to_vec()).await?;
        }
        Ok(())
    }
}
