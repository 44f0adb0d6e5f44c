//! The local directory, beside the local development issuer: the demo accounts the issuer
//! is configured with, and the people an admin creates, kept in the table with a salted
//! password digest and a temporary password shown once (there is no mail locally). Roles
//! and whether an account is active live in the user record and the registry, which the
//! issuer reads at every sign-in and refresh, so those calls have nothing more to do here.

use super::{
    Directory, DirectoryError, Invitation, MfaSetup, NewPerson, temporary_password, totp,
    wrong_code,
};
use crate::auth::local::{LocalIssuer, LocalUser};
use crate::store::{Store, registry::LocalCredential, registry::RegisterError};
use credence_shared::{Role, TenantId, UserId, messages::code};
use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub struct LocalDirectory {
    store: Store,
    issuer: Arc<LocalIssuer>,
}

impl LocalDirectory {
    pub fn new(store: Store, issuer: Arc<LocalIssuer>) -> Self {
        Self { store, issuer }
    }
}

fn unavailable(e: impl std::fmt::Display) -> DirectoryError {
    DirectoryError::Unavailable(e.to_string())
}

/// Hex SHA-256 of `salt ‖ password`.
pub fn digest(salt: &str, password: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(salt.as_bytes());
    hash.update(password.as_bytes());
    hex::encode(hash.finalize())
}

/// The person the local directory created with this username and password (compared in
/// constant time), as the issuer signs them in: their roles come from the user record.
pub async fn created_user(
    store: &Store,
    username: &str,
    password: Option<&str>,
) -> Result<Option<LocalUser>, crate::store::StoreError> {
    use subtle::ConstantTimeEq;
    let Some(credential) = store.local_credential(username).await? else {
        return Ok(None);
    };
    if let Some(password) = password {
        let given = digest(&credential.salt, password);
        if !bool::from(given.as_bytes().ct_eq(credential.digest.as_bytes())) {
            return Ok(None);
        }
    }
    Ok(UserId::parse(&credential.user_id)
        .ok()
        .map(|user_id| LocalUser {
            username: username.to_owned(),
            password: String::new(),
            user_id,
            tenant: credential.tenant,
            roles: Vec::new(),
        }))
}

impl Directory for LocalDirectory {
    fn kind(&self) -> &'static str {
        "local"
    }

    fn find<'a>(
        &'a self,
        tenant: &'a TenantId,
        username: &'a str,
        _email: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<String>, DirectoryError>> {
        Box::pin(async move {
            if let Some(user) = self.issuer.user(username) {
                return Ok((&user.tenant == tenant).then(|| user.user_id.to_string()));
            }
            let created = created_user(&self.store, username, None)
                .await
                .map_err(unavailable)?;
            Ok(created
                .filter(|u| &u.tenant == tenant)
                .map(|u| u.user_id.to_string()))
        })
    }

    fn invite<'a>(
        &'a self,
        person: NewPerson<'a>,
    ) -> BoxFuture<'a, Result<Invitation, DirectoryError>> {
        Box::pin(async move {
            let taken = || DirectoryError::Invalid {
                field: "username",
                code: code::USERNAME_TAKEN,
                message: "this username is taken (in another tenant)".into(),
            };
            if self.issuer.user(person.username).is_some() {
                return match self.find(person.tenant, person.username, None).await? {
                    Some(subject) => Ok(Invitation {
                        subject,
                        temporary_password: None,
                    }),
                    None => Err(taken()),
                };
            }
            if let Some(subject) = self.find(person.tenant, person.username, None).await? {
                return Ok(Invitation {
                    subject,
                    temporary_password: None,
                });
            }
            let password = temporary_password();
            let salt = hex::encode(uuid::Uuid::new_v4().as_bytes());
            let subject = uuid::Uuid::new_v4().to_string();
            let credential = LocalCredential {
                tenant: person.tenant.clone(),
                user_id: subject.clone(),
                digest: digest(&salt, &password),
                salt,
            };
            match self
                .store
                .local_credential_new(person.username, &credential)
                .await
            {
                Ok(()) => Ok(Invitation {
                    subject,
                    temporary_password: Some(password),
                }),
                Err(RegisterError::Taken { .. }) => Err(taken()),
                Err(RegisterError::Store(e)) => Err(unavailable(e)),
            }
        })
    }

    fn set_roles<'a>(
        &'a self,
        _subject: &'a str,
        _roles: &'a [Role],
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async { Ok(()) })
    }

    fn set_enabled<'a>(
        &'a self,
        _subject: &'a str,
        _enabled: bool,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async { Ok(()) })
    }

    fn sign_out_everywhere<'a>(
        &'a self,
        _subject: &'a str,
        username: &'a str,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            self.issuer.grants.revoke_user(username);
            Ok(())
        })
    }

    fn begin_mfa<'a>(&'a self, who: MfaSetup<'a>) -> BoxFuture<'a, Result<String, DirectoryError>> {
        Box::pin(async move {
            let secret = totp::new_secret();
            self.store
                .begin_local_totp(who.username, &secret)
                .await
                .map_err(unavailable)?;
            Ok(secret)
        })
    }

    fn confirm_mfa<'a>(
        &'a self,
        who: MfaSetup<'a>,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), DirectoryError>> {
        Box::pin(async move {
            let stored = self
                .store
                .local_totp(who.username)
                .await
                .map_err(unavailable)?;
            let Some(pending) = stored.pending else {
                return Err(wrong_code());
            };
            // Guarded: only the secret whose code was checked is put in force.
            let confirmed = totp::accepts(&pending, code, who.now)
                && self
                    .store
                    .confirm_local_totp(who.username, &pending)
                    .await
                    .map_err(unavailable)?;
            if confirmed { Ok(()) } else { Err(wrong_code()) }
        })
    }
}

/// Whether `username`'s sign-in passes the local directory's two-step verification:
/// `Ok(true)` with no second step set up, or with the current `code`.
pub async fn second_step_passes(
    store: &Store,
    username: &str,
    code: Option<&str>,
    now: u64,
) -> Result<bool, crate::store::StoreError> {
    let stored = store.local_totp(username).await?;
    Ok(match (stored.secret, code) {
        (None, _) => true,
        (Some(secret), Some(code)) => totp::accepts(&secret, code, now),
        (Some(_), None) => false,
    })
}
