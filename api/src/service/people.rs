//! The tenant's people: who may sign in, with which roles, whether they are active, and
//! "sign out everywhere". Every change goes to the user directory first (Cognito in AWS,
//! the local directory beside the local issuer; idempotent, so a retry converges), then the
//! user record, the registry entry the API checks on every call and the audit entry are
//! written in one transaction, guarded by the record's version.

use super::tenant::{audit, conflict_or, reason_ok, to_value};
use crate::{
    auth::{
        Principal, Verifier,
        policy::{self, Action},
    },
    clock::Clock,
    directory::{Directory, DirectoryError, NewPerson},
    error::ApiError,
    store::{Store, registry::PersonAccess},
};
use credence_shared::messages::code;
use credence_shared::{
    Role, TenantId,
    dto::FieldError,
    workflow::{AuditEntity, PersonName, SignedOut, UserRecord, UserSignOut, UserUpdate},
};

/// What the people service needs. `directory` and `verifier` are absent only when the demo
/// tenant is seeded (records for the configured demo accounts, linked on their first edit).
pub struct People<'a> {
    pub store: &'a Store,
    pub clock: &'a Clock,
    pub directory: Option<&'a dyn Directory>,
    pub verifier: Option<&'a Verifier>,
}

impl From<DirectoryError> for ApiError {
    fn from(e: DirectoryError) -> Self {
        match e {
            DirectoryError::Invalid {
                field,
                code,
                message,
            } => ApiError::field(field, code, message),
            DirectoryError::Unavailable(why) => {
                tracing::warn!(error = %why, "user directory call failed");
                ApiError::Unavailable(
                    "the user directory did not answer; nothing was saved, try again".into(),
                )
            }
        }
    }
}

/// The wall clock in epoch seconds, as tokens' `iat` (the issuer's clock, not the tenant's
/// business day, which tests may stop).
fn wall_clock_secs() -> u64 {
    crate::auth::local::now_secs()
}

pub async fn users(store: &Store, who: &Principal) -> Result<Vec<UserRecord>, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    Ok(store.users(&who.tenant).await?)
}

/// `GET /v1/people`: how screens name the tenant's people (every person may read it; a
/// machine client has no screen).
pub async fn names(store: &Store, who: &Principal) -> Result<Vec<PersonName>, ApiError> {
    policy::require(who, Action::FileRequest)?;
    Ok(store
        .users(&who.tenant)
        .await?
        .into_iter()
        .filter(|u| !u.display_name.is_empty())
        .map(|u| PersonName {
            username: u.username,
            display_name: u.display_name,
        })
        .collect())
}

/// The record an admin keeps of `username`, if any.
pub async fn stored_user(
    store: &Store,
    tenant: &TenantId,
    username: &str,
) -> Result<Option<UserRecord>, ApiError> {
    Ok(store.user(tenant, username).await?)
}

pub fn valid_username(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.@-".contains(&b))
}

/// An email address as people type it: one `@` with text on both sides, a dot in the
/// domain, no spaces, at most 254 characters.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(char::is_whitespace)
}

fn check_update(username: &str, body: &UserUpdate) -> Result<(), ApiError> {
    if !valid_username(username) {
        return Err(ApiError::from(
            FieldError::new(
                "username",
                code::TEXT_PATTERN,
                "1 to 64 of A-Z a-z 0-9 _ . @ -",
            )
            .with("min", 1)
            .with("max", 64)
            .with("allowed", "A-Z a-z 0-9 _ . @ -"),
        ));
    }
    if body.roles.is_empty() {
        return Err(ApiError::field(
            "roles",
            code::ROLES_REQUIRED,
            "give at least one role",
        ));
    }
    if body.display_name.chars().count() > 100 {
        return Err(ApiError::from(
            FieldError::new(
                "display_name",
                code::TEXT_TOO_LONG,
                "at most 100 characters",
            )
            .with("max", 100),
        ));
    }
    if let Some(email) = body.email.as_deref().map(str::trim)
        && !email.is_empty()
        && !valid_email(email)
    {
        return Err(ApiError::field(
            "email",
            code::EMAIL_INVALID,
            "an email address such as li.wei@example.com",
        ));
    }
    Ok(())
}

/// `PUT /v1/admin/users/{username}`: creates (with an invitation) or changes a person.
pub async fn put_user(
    people: &People<'_>,
    who: &Principal,
    username: &str,
    body: UserUpdate,
) -> Result<UserRecord, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    check_update(username, &body)?;
    let reason = reason_ok(&body.reason)?;
    if username == who.username && !body.roles.contains(&Role::Admin) {
        return Err(ApiError::field(
            "roles",
            code::ROLES_SELF_ADMIN,
            "you cannot take the admin role from yourself",
        ));
    }
    let store = people.store;
    let before = stored_user(store, &who.tenant, username).await?;
    let current = before.as_ref().map_or(0, |u| u.version);
    if current != body.version {
        return Err(ApiError::stale(format!(
            "the user is at version {current}, you edited version {}; reload",
            body.version
        )));
    }
    let email = body
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(str::to_owned);
    let mut subject = before.as_ref().and_then(|u| u.id.clone());
    if subject.is_some()
        && let Some(had) = before.as_ref().and_then(|u| u.email.as_deref())
        && email.as_deref().is_some_and(|e| e != had)
    {
        return Err(ApiError::field(
            "email",
            code::INVALID_VALUE,
            "the email an invitation went to stays; create a new user for another address",
        ));
    }
    let email = email.or_else(|| before.as_ref().and_then(|u| u.email.clone()));
    let mut roles = body.roles.clone();
    roles.sort();
    roles.dedup();
    let was_active = before.as_ref().is_none_or(|u| u.active);
    let disabling = was_active && !body.active;
    let display_name = body.display_name.trim().to_owned();
    let mut invitation = None;
    if let Some(directory) = people.directory {
        if subject.is_none() {
            subject = directory
                .find(&who.tenant, username, email.as_deref())
                .await?;
        }
        if subject.is_none() {
            let invited = directory
                .invite(NewPerson {
                    tenant: &who.tenant,
                    username,
                    email: email.as_deref(),
                    display_name: &display_name,
                })
                .await?;
            subject = Some(invited.subject);
            invitation = invited.temporary_password;
        }
        if let Some(s) = subject.as_deref() {
            directory.set_roles(s, &roles).await?;
            if was_active != body.active || !body.active {
                directory.set_enabled(s, body.active).await?;
            }
            if disabling {
                directory.sign_out_everywhere(s, username).await?;
            }
        }
    }
    let next = UserRecord {
        username: username.to_owned(),
        display_name,
        roles,
        active: body.active,
        version: current + 1,
        id: subject.clone(),
        email,
        invitation: None,
    };
    let entry = audit(
        who,
        people.clock,
        AuditEntity::User,
        username,
        None,
        if before.is_some() { "update" } else { "create" },
        before.as_ref().and_then(to_value),
        to_value(&next),
        reason,
    );
    let mut items = vec![
        store.user_write(&who.tenant, &next, current)?,
        store.audit_write(&who.tenant, &entry)?,
    ];
    if let Some(s) = subject.as_deref() {
        items.push(store.person_access_write(
            &who.tenant,
            &PersonAccess {
                subject: s,
                username,
                roles: Some(&next.roles),
                active: next.active,
                signed_out_at: disabling.then(wall_clock_secs),
                now: people.clock.now(),
            },
        )?);
    }
    store
        .transact(items)
        .await
        .map_err(|e| conflict_or(e, "user"))?;
    if let (Some(verifier), Some(s)) = (people.verifier, subject.as_deref()) {
        verifier.forget(s);
    }
    Ok(UserRecord { invitation, ..next })
}

/// `POST /v1/admin/users/{username}/sign-out`: ends every session of the person — their
/// refresh tokens at the directory, and every access token issued before now at the API.
pub async fn sign_out_everywhere(
    people: &People<'_>,
    who: &Principal,
    username: &str,
    body: UserSignOut,
) -> Result<SignedOut, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let reason = reason_ok(&body.reason)?;
    let store = people.store;
    let record = stored_user(store, &who.tenant, username).await?;
    let directory = people
        .directory
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("no user directory to sign out from")))?;
    let known = record.as_ref().and_then(|r| r.id.clone());
    let subject = match known {
        Some(s) => s,
        None => directory
            .find(
                &who.tenant,
                username,
                record.as_ref().and_then(|r| r.email.as_deref()),
            )
            .await?
            .ok_or(ApiError::NotFound)?,
    };
    directory.sign_out_everywhere(&subject, username).await?;
    let entry = audit(
        who,
        people.clock,
        AuditEntity::User,
        username,
        None,
        "sign-out-everywhere",
        None,
        None,
        reason,
    );
    store
        .transact(vec![
            store.person_access_write(
                &who.tenant,
                &PersonAccess {
                    subject: &subject,
                    username,
                    roles: record.as_ref().map(|r| r.roles.as_slice()),
                    active: record.as_ref().is_none_or(|r| r.active),
                    signed_out_at: Some(wall_clock_secs()),
                    now: people.clock.now(),
                },
            )?,
            store.audit_write(&who.tenant, &entry)?,
        ])
        .await
        .map_err(|e| conflict_or(e, "user"))?;
    if let Some(verifier) = people.verifier {
        verifier.forget(&subject);
    }
    Ok(SignedOut {
        username: username.to_owned(),
        id: subject,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_needs_one_at_sign_a_dotted_domain_and_no_spaces() {
        for good in ["li.wei@example.com", "a@b.cn", "张@例子.中国"] {
            assert!(valid_email(good), "{good}");
        }
        for bad in [
            "",
            "li.wei",
            "@example.com",
            "a@b",
            "a@@b.com",
            "a b@c.com",
            "a@.com",
            "a@b.com.",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
