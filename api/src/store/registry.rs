//! The registry: which tenant a token's subject belongs to. Cognito's access tokens carry
//! neither a person's tenant nor a machine client's, so the API keeps the mapping itself,
//! keyed by the subject's stable id (a person's `sub`, a client's `client_id`). A subject
//! is registered once, to one tenant, and never moves.

use super::codec::{attr, s};
use super::{Item, Store, StoreError, keys};
use credence_shared::TenantId;

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
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(keys::PK, s(keys::subject_pk(subject)))
            .key(keys::SK, s(keys::SUBJECT_TENANT_SK))
            .send()
            .await?;
        let Some(item) = out.item else {
            return Ok(None);
        };
        let tenant = attr(&item, "tenant")?;
        TenantId::parse(tenant)
            .map(Some)
            .map_err(|_| StoreError::Corrupt(format!("registry names tenant {tenant:?}")))
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
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                match self.tenant_of_subject(subject).await? {
                    Some(t) if &t == tenant => Ok(()),
                    other => Err(RegisterError::Taken {
                        subject: subject.to_owned(),
                        tenant: other.map(|t| t.to_string()).unwrap_or_default(),
                    }),
                }
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
    }
}
