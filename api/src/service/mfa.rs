//! Two-step verification (TOTP) of the signed-in person: set up at the user directory
//! (Cognito, or the local directory), recorded in the registry so that the roles the
//! deployment guards with it (`MFA_REQUIRED_ROLES`) work from the next call, and audited.

use super::people::People;
use super::tenant::audit;
use crate::auth::Principal;
use crate::directory::{MfaSetup, totp};
use crate::error::ApiError;
use credence_shared::dto::{MfaConfirm, MfaConfirmed, MfaSecret};
use credence_shared::messages::code;
use credence_shared::workflow::AuditEntity;

/// The directory and who is setting up: people only (a machine client has no app to set
/// up).
fn setup<'a>(
    people: &'a People<'a>,
    who: &'a Principal,
    access_token: &'a str,
) -> Result<(&'a dyn crate::directory::Directory, MfaSetup<'a>), ApiError> {
    if !who.scopes.is_empty() {
        return Err(ApiError::Forbidden);
    }
    let directory = people.directory.ok_or_else(|| {
        ApiError::Unavailable("this deployment has no user directory to set it up in".into())
    })?;
    Ok((
        directory,
        MfaSetup {
            subject: who.user_id.as_str(),
            username: &who.username,
            access_token,
            now: crate::auth::local::now_secs(),
        },
    ))
}

/// `POST /v1/me/mfa`: a new secret for the person's authenticator app.
pub async fn begin(
    people: &People<'_>,
    who: &Principal,
    access_token: &str,
) -> Result<MfaSecret, ApiError> {
    let (directory, setup) = setup(people, who, access_token)?;
    let secret = directory.begin_mfa(setup).await?;
    Ok(MfaSecret {
        uri: totp::otpauth_uri(&who.username, &secret),
        secret,
    })
}

/// `POST /v1/me/mfa/confirm`: the app's current code turns it on.
pub async fn confirm(
    people: &People<'_>,
    who: &Principal,
    access_token: &str,
    body: MfaConfirm,
) -> Result<MfaConfirmed, ApiError> {
    let (directory, setup) = setup(people, who, access_token)?;
    let given = body.code.trim();
    if given.is_empty() {
        return Err(ApiError::field(
            "code",
            code::REQUIRED,
            "enter the code your authenticator app shows",
        ));
    }
    directory.confirm_mfa(setup, given).await?;
    let entry = audit(
        who,
        people.clock,
        AuditEntity::User,
        who.username.clone(),
        None,
        "mfa_enabled",
        None,
        Some(serde_json::json!({"mfa": "totp", "directory": directory.kind()})),
        "two-step verification set up",
    );
    let store = people.store;
    store
        .transact(vec![
            store.subject_mfa_write(setup.subject, &who.tenant, people.clock.now())?,
            store.audit_write(&who.tenant, &entry)?,
        ])
        .await?;
    if let Some(verifier) = people.verifier {
        verifier.forget(setup.subject);
    }
    Ok(MfaConfirmed { enabled: true })
}
