//! The registry: which tenant a token's subject belongs to. Cognito's access tokens carry
//! neither a person's tenant nor a machine client's, so the API keeps the mapping itself,
//! keyed by the subject's stable id (a person's `sub`, a client's `client_id`). A subject
//! is registered once, to one tenant, and never moves.
//!
//! A person the admin page manages also has here what the API must know on every call and
//! the user cannot change: their Credence username (the stable handle tasks, requests and
//! the audit trail name), their roles, whether the account is active, and when they were
//! last signed out everywhere (tokens issued before that are refused).

use super::codec::{attr, n, s, stamp};
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use credence_shared::{Role, TenantId};

/// What the registry says of a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectEntry {
    pub tenant: TenantId,
    /// The Credence username of a person the admin page manages.
    pub username: Option<String>,
    /// Their roles as the admin page set them (`None`: the token's own).
    pub roles: Option<Vec<Role>>,
    pub active: bool,
    /// Epoch seconds of the last "sign out everywhere".
    pub signed_out_at: Option<u64>,
    /// Whether they set up two-step verification (TOTP) at the directory.
    pub mfa: bool,
}

/// What the admin page writes for a person (in the same transaction as the user record).
#[derive(Debug, Clone)]
pub struct PersonAccess<'a> {
    pub subject: &'a str,
    pub username: &'a str,
    /// `None` (a person the admin page has no record of): the token's roles stay.
    pub roles: Option<&'a [Role]>,
    pub active: bool,
    pub signed_out_at: Option<u64>,
    pub now: time::OffsetDateTime,
}

/// Registering a subject that already belongs to a tenant.
#[derive(Debug, thiserror::Error)]
pub enum RegisterError {
    #[error("{subject} already belongs to tenant {tenant}")]
    Taken { subject: String, tenant: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// The tenant `subject` belongs to, if it was registered.
    pub async fn tenant_of_subject(&self, subject: &str) -> Result<Option<TenantId>, StoreError> {
        Ok(self.subject(subject).await?.map(|e| e.tenant))
    }

    /// Everything the registry says of `subject`, if it was registered.
    pub async fn subject(&self, subject: &str) -> Result<Option<SubjectEntry>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::subject_pk(subject)))
            .key(keys::SK, s(keys::SUBJECT_TENANT_SK))
            .consistent_read(true)
            .send()
            .await?;
        out.item.map(|item| entry_of(&item)).transpose()
    }

    /// Writes what the admin page decides for a person, in the caller's transaction: the
    /// subject is registered to `tenant` if it was not, and refused if it belongs to another.
    pub fn person_access_write(
        &self,
        tenant: &TenantId,
        access: &PersonAccess<'_>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::subject_pk(access.subject)))
            .key(keys::SK, s(keys::SUBJECT_TENANT_SK))
            .condition_expression("attribute_not_exists(PK) OR tenant = :t")
            .expression_attribute_values(":t", s(tenant.to_string()))
            .expression_attribute_values(":e", s("subject"))
            .expression_attribute_values(":k", s("user"))
            .expression_attribute_values(":u", s(access.username))
            .expression_attribute_values(":a", AttributeValue::Bool(access.active))
            .expression_attribute_values(":now", s(stamp(access.now)));
        let mut set = "SET tenant = :t, entity = :e, kind = :k, username = :u, active = :a, \
                       registeredAt = if_not_exists(registeredAt, :now)"
            .to_owned();
        if let Some(roles) = access.roles {
            set.push_str(", #r = :r");
            let roles = roles.iter().map(|r| s(r.as_str())).collect();
            update = update
                .expression_attribute_names("#r", "roles")
                .expression_attribute_values(":r", AttributeValue::L(roles));
        }
        if let Some(at) = access.signed_out_at {
            set.push_str(", signedOutAt = :so");
            update = update.expression_attribute_values(":so", n(at));
        }
        Ok(TransactWriteItem::builder()
            .update(
                update
                    .update_expression(set)
                    .build()
                    .map_err(|e| StoreError::Other(e.into()))?,
            )
            .build())
    }

    /// Registers `subject` (`kind`: `user` or `client`) to `tenant`; registering it again
    /// to the same tenant is a no-op, to another is refused.
    pub async fn register_subject(
        &self,
        subject: &str,
        tenant: &TenantId,
        kind: &str,
        now: &str,
    ) -> Result<(), RegisterError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::subject_pk(subject)));
        item.insert(keys::SK.into(), s(keys::SUBJECT_TENANT_SK));
        item.insert("entity".into(), s("subject"));
        item.insert("tenant".into(), s(tenant.to_string()));
        item.insert("kind".into(), s(kind));
        item.insert("registeredAt".into(), s(now));
        if self.put_new(item).await? {
            return Ok(());
        }
        match self.tenant_of_subject(subject).await? {
            Some(t) if &t == tenant => Ok(()),
            other => Err(RegisterError::Taken {
                subject: subject.to_owned(),
                tenant: other.map(|t| t.to_string()).unwrap_or_default(),
            }),
        }
    }

    /// Puts `item` if no item has its key yet: `false` when one had.
    async fn put_new(&self, item: Item) -> Result<bool, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A tenant in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantEntry {
    pub tenant: TenantId,
    pub name: String,
    pub created_at: String,
}

impl Store {
    /// Registers `tenant`; `false` when it was already registered (nothing changes then).
    pub async fn register_tenant(
        &self,
        tenant: &TenantId,
        name: &str,
        now: time::OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::TENANTS_PK));
        item.insert(keys::SK.into(), s(keys::tenant_registry_sk(tenant)));
        item.insert("entity".into(), s("tenant"));
        item.insert("tenant".into(), s(tenant.to_string()));
        item.insert("name".into(), s(name));
        item.insert("createdAt".into(), s(stamp(now)));
        self.put_new(item).await
    }

    /// Every registered tenant, by id.
    pub async fn registered_tenants(&self) -> Result<Vec<TenantEntry>, StoreError> {
        let items = self
            .query_all(keys::PK, keys::TENANTS_PK, None, None, true, 100_000)
            .await?;
        items
            .iter()
            .map(|item| {
                let tenant = attr(item, "tenant")?;
                Ok(TenantEntry {
                    tenant: TenantId::parse(tenant).map_err(|_| {
                        StoreError::Corrupt(format!("registry names tenant {tenant:?}"))
                    })?,
                    name: attr(item, "name")?.to_owned(),
                    created_at: attr(item, "createdAt")?.to_owned(),
                })
            })
            .collect()
    }
}

/// The local directory's two-step verification of a person (never used in AWS): the
/// base32 secret in force, and one being set up until its first code is confirmed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocalTotp {
    pub secret: Option<String>,
    pub pending: Option<String>,
}

impl Store {
    /// Records, in the caller's transaction, that `subject` (a person of `tenant`) set up
    /// two-step verification; refused if the subject belongs to another tenant.
    pub fn subject_mfa_write(
        &self,
        subject: &str,
        tenant: &TenantId,
        now: time::OffsetDateTime,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::subject_pk(subject)))
            .key(keys::SK, s(keys::SUBJECT_TENANT_SK))
            .condition_expression("attribute_not_exists(PK) OR tenant = :t")
            .update_expression(
                "SET tenant = :t, entity = :e, kind = if_not_exists(kind, :k), mfa = :m, \
                 mfaAt = :now, registeredAt = if_not_exists(registeredAt, :now)",
            )
            .expression_attribute_values(":t", s(tenant.to_string()))
            .expression_attribute_values(":e", s("subject"))
            .expression_attribute_values(":k", s("user"))
            .expression_attribute_values(":m", AttributeValue::Bool(true))
            .expression_attribute_values(":now", s(stamp(now)))
            .build()
            .map_err(|e| StoreError::Other(e.into()))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// The local directory's two-step verification of `username`.
    pub async fn local_totp(&self, username: &str) -> Result<LocalTotp, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::local_totp_pk(username)))
            .key(keys::SK, s(keys::LOCAL_CREDENTIAL_SK))
            .consistent_read(true)
            .send()
            .await?;
        let text = |item: &Item, name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        Ok(out
            .item
            .map(|item| LocalTotp {
                secret: text(&item, "secret"),
                pending: text(&item, "pending"),
            })
            .unwrap_or_default())
    }

    /// Starts a set-up of `username`'s two-step verification: `secret` waits for its first
    /// code (one in force stays until then).
    pub async fn begin_local_totp(&self, username: &str, secret: &str) -> Result<(), StoreError> {
        self.client
            .update_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::local_totp_pk(username)))
            .key(keys::SK, s(keys::LOCAL_CREDENTIAL_SK))
            .update_expression("SET entity = :e, pending = :p")
            .expression_attribute_values(":e", s("totp"))
            .expression_attribute_values(":p", s(secret))
            .send()
            .await?;
        Ok(())
    }

    /// Puts the waiting `pending` secret in force, if it is still the one waiting (a set-up
    /// started again meanwhile wins): `false` when it was not.
    pub async fn confirm_local_totp(
        &self,
        username: &str,
        pending: &str,
    ) -> Result<bool, StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::local_totp_pk(username)))
            .key(keys::SK, s(keys::LOCAL_CREDENTIAL_SK))
            .condition_expression("pending = :p")
            .update_expression("SET secret = :p REMOVE pending")
            .expression_attribute_values(":p", s(pending))
            .send()
            .await;
        match update {
            Ok(_) => Ok(true),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }
}

/// A person the local directory created (never used in AWS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCredential {
    pub tenant: TenantId,
    pub user_id: String,
    /// Hex salt and hex SHA-256 of salt ‖ password.
    pub salt: String,
    pub digest: String,
}

impl Store {
    /// The local directory's person `username`, if it created one.
    pub async fn local_credential(
        &self,
        username: &str,
    ) -> Result<Option<LocalCredential>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::local_credential_pk(username)))
            .key(keys::SK, s(keys::LOCAL_CREDENTIAL_SK))
            .consistent_read(true)
            .send()
            .await?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let tenant = attr(&item, "tenant")?;
        Ok(Some(LocalCredential {
            tenant: TenantId::parse(tenant)
                .map_err(|_| StoreError::Corrupt(format!("credential names tenant {tenant:?}")))?,
            user_id: attr(&item, "userId")?.to_owned(),
            salt: attr(&item, "salt")?.to_owned(),
            digest: attr(&item, "digest")?.to_owned(),
        }))
    }

    /// Saves a new local person; a username already taken (in any tenant) is refused.
    pub async fn local_credential_new(
        &self,
        username: &str,
        credential: &LocalCredential,
    ) -> Result<(), RegisterError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::local_credential_pk(username)));
        item.insert(keys::SK.into(), s(keys::LOCAL_CREDENTIAL_SK));
        item.insert("entity".into(), s("local-credential"));
        item.insert("tenant".into(), s(credential.tenant.to_string()));
        item.insert("userId".into(), s(&credential.user_id));
        item.insert("salt".into(), s(&credential.salt));
        item.insert("digest".into(), s(&credential.digest));
        if self.put_new(item).await? {
            return Ok(());
        }
        Err(RegisterError::Taken {
            subject: username.to_owned(),
            tenant: String::new(),
        })
    }
}

fn entry_of(item: &Item) -> Result<SubjectEntry, StoreError> {
    let tenant = attr(item, "tenant")?;
    let tenant = TenantId::parse(tenant)
        .map_err(|_| StoreError::Corrupt(format!("registry names tenant {tenant:?}")))?;
    let roles = item.get("roles").and_then(|v| v.as_l().ok()).map(|list| {
        list.iter()
            .filter_map(|r| r.as_s().ok().and_then(|r| r.parse().ok()))
            .collect()
    });
    Ok(SubjectEntry {
        tenant,
        username: item.get("username").and_then(|v| v.as_s().ok()).cloned(),
        roles,
        active: item
            .get("active")
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(true),
        signed_out_at: item
            .get("signedOutAt")
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok()),
        mfa: item
            .get("mfa")
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(false),
    })
}
