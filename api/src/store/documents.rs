//! The tenant's configuration items under `T#{t}#CFG`: the tenant documents (approval
//! matrix, custom fields, warning rules, dunning ladder, webhooks), the engine versions and
//! the pointer to the one in force, and the user directory. Every item carries its version;
//! each write is guarded by the version that was read (0: the item must not exist).
//!
//! Which sort key keeps a [`DocumentKind`] and how the audit trail names it is decided
//! here, once.

use super::codec::{decode, json, n, s, versioned_put};
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::TransactWriteItem;
use credence_shared::{
    TenantId,
    document::{DocumentKind, TenantDocument},
    workflow::{AuditEntity, AuditEntry, EngineVersion, UserRecord},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};

/// The sort key that keeps a tenant document.
fn sort_key(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ApprovalMatrix => keys::MATRIX_SK,
        DocumentKind::CustomFields => keys::FIELDS_SK,
        DocumentKind::WarningRules => keys::WARNING_RULES_SK,
        DocumentKind::DunningLadder => keys::DUNNING_SK,
        DocumentKind::Webhooks => keys::WEBHOOKS_SK,
        DocumentKind::DataFeeds => keys::DATA_FEEDS_SK,
    }
}

/// How the audit trail names a tenant document: its entity and id.
pub fn audited_as(kind: DocumentKind) -> (AuditEntity, &'static str) {
    match kind {
        DocumentKind::ApprovalMatrix => (AuditEntity::Matrix, "approval-matrix"),
        DocumentKind::CustomFields => (AuditEntity::CustomFields, "custom-fields"),
        DocumentKind::WarningRules => (AuditEntity::Policy, "warning-rules"),
        DocumentKind::DunningLadder => (AuditEntity::Policy, "dunning-ladder"),
        DocumentKind::Webhooks => (AuditEntity::Policy, "webhooks"),
        DocumentKind::DataFeeds => (AuditEntity::Policy, "data-feeds"),
    }
}

/// The pointer item: which engine version is in force.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct EnginePointer {
    version: u32,
}

/// The engine pointer as read: its own item version and the engine version it points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineInForceAt {
    pub item_version: u64,
    pub engine_version: u32,
}

impl Store {
    /// The tenant's stored document `T` at its stored version; `None` until one is saved.
    pub async fn document<T: TenantDocument>(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<T>, StoreError> {
        Ok(self
            .get_config::<T>(tenant, sort_key(T::KIND))
            .await?
            .map(|(version, doc)| doc.at_version(version as u32)))
    }

    /// Stores `next` (at `next.version()`) over version `replaces`, with its audit entry, in
    /// one transaction. [`StoreError::ConditionFailed`] when the stored version moved.
    pub async fn put_document<T: TenantDocument>(
        &self,
        tenant: &TenantId,
        next: &T,
        replaces: u32,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        self.transact(vec![
            self.config_write(
                tenant,
                sort_key(T::KIND),
                u64::from(next.version()),
                u64::from(replaces),
                next,
            )?,
            self.audit_write(tenant, entry)?,
        ])
        .await
    }

    // ----- engine versions -----------------------------------------------------------------

    /// Which engine version is in force; `None` while the tenant uses the shipped defaults.
    pub async fn engine_pointer(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<EngineInForceAt>, StoreError> {
        Ok(self
            .get_config::<EnginePointer>(tenant, keys::ENGINE_SK)
            .await?
            .map(|(item_version, p)| EngineInForceAt {
                item_version,
                engine_version: p.version,
            }))
    }

    /// One published engine version.
    pub async fn engine_version(
        &self,
        tenant: &TenantId,
        version: u32,
    ) -> Result<Option<EngineVersion>, StoreError> {
        Ok(self
            .get_config::<EngineVersion>(tenant, &keys::engine_version_sk(version))
            .await?
            .map(|(_, v)| v))
    }

    /// Adds a newly published engine version (it must not exist yet).
    pub fn engine_version_write(
        &self,
        tenant: &TenantId,
        version: &EngineVersion,
    ) -> Result<TransactWriteItem, StoreError> {
        self.config_write(
            tenant,
            &keys::engine_version_sk(version.version),
            1,
            0,
            version,
        )
    }

    /// The challenger (running or the last) with its item version.
    pub async fn challenger(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<(u64, credence_shared::lab::challenger::Challenger)>, StoreError> {
        self.get_config(tenant, keys::CHALLENGER_SK).await
    }

    /// Writes the challenger over the version read (`replaces` 0: none yet).
    pub fn challenger_write(
        &self,
        tenant: &TenantId,
        challenger: &credence_shared::lab::challenger::Challenger,
        replaces: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        self.config_write(
            tenant,
            keys::CHALLENGER_SK,
            replaces + 1,
            replaces,
            challenger,
        )
    }

    /// The fitting report kept with engine version `version`, if the lab made it.
    pub async fn engine_report(
        &self,
        tenant: &TenantId,
        version: u32,
    ) -> Result<Option<credence_shared::lab::FitReport>, StoreError> {
        Ok(self
            .get_config(tenant, &keys::engine_report_sk(version))
            .await?
            .map(|(_, r)| r))
    }

    /// Keeps a newly published version's fitting report (it must not exist yet).
    pub fn engine_report_write(
        &self,
        tenant: &TenantId,
        version: u32,
        report: &credence_shared::lab::FitReport,
    ) -> Result<TransactWriteItem, StoreError> {
        self.config_write(tenant, &keys::engine_report_sk(version), 1, 0, report)
    }

    /// Points at engine version `engine_version`, over the pointer as read (`None`: none yet).
    pub fn engine_pointer_write(
        &self,
        tenant: &TenantId,
        engine_version: u32,
        read: Option<EngineInForceAt>,
    ) -> Result<TransactWriteItem, StoreError> {
        let replaces = read.map_or(0, |p| p.item_version);
        self.config_write(
            tenant,
            keys::ENGINE_SK,
            replaces + 1,
            replaces,
            &EnginePointer {
                version: engine_version,
            },
        )
    }

    /// The re-grade of the portfolio after the last publish or activation, with its version.
    pub async fn regrade_job(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<(u64, credence_shared::credit::RegradeJob)>, StoreError> {
        self.get_config(tenant, keys::REGRADE_SK).await
    }

    /// Writes the re-grade job over the version read (`replaces` 0: none yet).
    pub fn regrade_job_write(
        &self,
        tenant: &TenantId,
        job: &credence_shared::credit::RegradeJob,
        replaces: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        self.config_write(tenant, keys::REGRADE_SK, replaces + 1, replaces, job)
    }

    /// Every published engine version, oldest first.
    pub async fn engine_versions(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<EngineVersion>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::config_pk(tenant),
                Some(keys::ENGINE_VERSION_PREFIX),
                None,
                true,
                1000,
            )
            .await?;
        items
            .iter()
            .map(|i| decode(i, "doc", "engine version"))
            .collect()
    }

    // ----- users ---------------------------------------------------------------------------

    /// The user `username` as an admin stored it, at its stored version.
    pub async fn user(
        &self,
        tenant: &TenantId,
        username: &str,
    ) -> Result<Option<UserRecord>, StoreError> {
        Ok(self
            .get_config::<UserRecord>(tenant, &keys::user_sk(username))
            .await?
            .map(|(version, mut u)| {
                u.version = version;
                u
            }))
    }

    /// Stores `user` (at `user.version`) over version `replaces` (0: a new user).
    pub fn user_write(
        &self,
        tenant: &TenantId,
        user: &UserRecord,
        replaces: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        self.config_write(
            tenant,
            &keys::user_sk(&user.username),
            user.version,
            replaces,
            user,
        )
    }

    pub async fn users(&self, tenant: &TenantId) -> Result<Vec<UserRecord>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::config_pk(tenant),
                Some(keys::USER_PREFIX),
                None,
                true,
                5000,
            )
            .await?;
        items
            .iter()
            .map(|i| {
                let mut u: UserRecord = decode(i, "doc", "user")?;
                u.version = i
                    .get("version")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0);
                Ok(u)
            })
            .collect()
    }

    // ----- the configuration items ---------------------------------------------------------

    /// A versioned configuration item and its version.
    async fn get_config<T: DeserializeOwned>(
        &self,
        tenant: &TenantId,
        sk: &str,
    ) -> Result<Option<(u64, T)>, StoreError> {
        self.doc_get(&keys::config_pk(tenant), sk).await
    }

    /// Writes configuration item `sk` as `version`, over `replaces` (0: must not exist).
    fn config_write<T: Serialize>(
        &self,
        tenant: &TenantId,
        sk: &str,
        version: u64,
        replaces: u64,
        doc: &T,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::config_pk(tenant)));
        item.insert(keys::SK.into(), s(sk));
        item.insert("entity".into(), s("config"));
        item.insert("version".into(), n(version));
        item.insert("doc".into(), s(json(doc)?));
        versioned_put(self.table(), item, (replaces != 0).then_some(replaces))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_document_has_its_own_sort_key_and_audit_id() {
        let mut sks: Vec<_> = DocumentKind::ALL.iter().map(|k| sort_key(*k)).collect();
        let mut ids: Vec<_> = DocumentKind::ALL.iter().map(|k| audited_as(*k).1).collect();
        sks.sort();
        sks.dedup();
        ids.sort();
        ids.dedup();
        assert_eq!(sks.len(), DocumentKind::ALL.len());
        assert_eq!(ids.len(), DocumentKind::ALL.len());
    }
}
