//! The user directory: where people are created, given their role groups, disabled and
//! signed out everywhere. The admin page's users & roles go through one [`Directory`] with
//! two implementations — [`cognito::CognitoDirectory`] in AWS (Cognito users and groups of
//! the stack's user pool) and [`local::LocalDirectory`] with the local issuer — so the API,
//! its checks and its audit trail are the same in both.
//!
//! What the API itself relies on on every call (tenant, username, roles, active, signed out
//! at) is written to the registry in the table by the service in the same transaction as
//! the user record; the directory is told first, and every call to it is idempotent, so a
//! retry after a failure converges.

pub mod cognito;
pub mod local;
pub mod totp;

use credence_shared::{Role, TenantId};
use futures_util::future::BoxFuture;

/// A person created in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Their stable id in the directory (Cognito's `sub`; the local issuer's user id).
    pub subject: String,
    /// How they learn to sign in, for the admin to read: Cognito emails a temporary
    /// password; the local directory has no mail, so it answers one here, once.
    pub temporary_password: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    /// The input the directory refuses, named by its field (e.g. an email it needs).
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        code: &'static str,
        message: String,
    },
    /// The directory did not answer or failed.
    #[error("the user directory failed: {0}")]
    Unavailable(String),
}

/// Who is being created.
#[derive(Debug, Clone, Copy)]
pub struct NewPerson<'a> {
    pub tenant: &'a TenantId,
    pub username: &'a str,
    pub email: Option<&'a str>,
    pub display_name: &'a str,
}

pub trait Directory: Send + Sync {
    /// `cognito` or `local` (for the audit trail and the admin page).
    fn kind(&self) -> &'static str;

    /// The stable id of the account `username` (with `email`, when known) already has, if any.
    fn find<'a>(
        &'a self,
        tenant: &'a TenantId,
        username: &'a str,
        email: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Option<String>, DirectoryError>>;

    /// Creates the person with an invitation to sign in (or returns the account they have).
    fn invite<'a>(
        &'a self,
        person: NewPerson<'a>,
    ) -> BoxFuture<'a, Result<Invitation, DirectoryError>>;

    /// Makes `subject`'s role groups exactly `roles`.
    fn set_roles<'a>(
        &'a self,
        subject: &'a str,
        roles: &'a [Role],
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// Enables or disables the account (a disabled one cannot sign in or refresh).
    fn set_enabled<'a>(
        &'a self,
        subject: &'a str,
        enabled: bool,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// Ends every session of `subject` (Credence username `username`) at the directory:
    /// their refresh tokens stop working.
    fn sign_out_everywhere<'a>(
        &'a self,
        subject: &'a str,
        username: &'a str,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;

    /// Starts setting up two-step verification (TOTP): the base32 secret to put into an
    /// authenticator app. Until confirmed, signing in is unchanged.
    fn begin_mfa<'a>(&'a self, who: MfaSetup<'a>) -> BoxFuture<'a, Result<String, DirectoryError>>;

    /// Confirms the set-up with the app's current `code`; from then on signing in asks for
    /// a code. A wrong code is [`wrong_code`].
    fn confirm_mfa<'a>(
        &'a self,
        who: MfaSetup<'a>,
        code: &'a str,
    ) -> BoxFuture<'a, Result<(), DirectoryError>>;
}

/// Who is setting up two-step verification, with the access token they called with
/// (Cognito ties the authenticator to the signed-in session).
#[derive(Debug, Clone, Copy)]
pub struct MfaSetup<'a> {
    pub subject: &'a str,
    pub username: &'a str,
    pub access_token: &'a str,
    /// Now, in Unix seconds (the codes are of this time).
    pub now: u64,
}

/// A code that is not the authenticator's current one.
pub fn wrong_code() -> DirectoryError {
    DirectoryError::Invalid {
        field: "code",
        code: credence_shared::messages::code::MFA_CODE_WRONG,
        message: "this is not the code your authenticator app shows now".into(),
    }
}

/// A temporary password: 16 characters from a CSPRNG, with an upper and a lower case
/// letter, a digit and a symbol (Cognito's default password policy accepts it).
pub fn temporary_password() -> String {
    use rand::Rng;
    use rand::seq::SliceRandom;
    const LOWER: &[u8] = b"abcdefghijkmnopqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const SYMBOL: &[u8] = b"!#%+=?@";
    let mut rng = rand::rngs::OsRng;
    let all: Vec<u8> = [LOWER, UPPER, DIGIT, SYMBOL].concat();
    let mut chars: Vec<u8> = [LOWER, UPPER, DIGIT, SYMBOL]
        .iter()
        .map(|set| set[rng.gen_range(0..set.len())])
        .collect();
    while chars.len() < 16 {
        chars.push(all[rng.gen_range(0..all.len())]);
    }
    chars.shuffle(&mut rng);
    String::from_utf8(chars).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_password_has_every_kind_of_character_and_differs_each_time() {
        // Arrange / Act
        let a = temporary_password();
        let b = temporary_password();

        // Assert
        assert_eq!(a.chars().count(), 16);
        assert!(a.chars().any(|c| c.is_ascii_lowercase()));
        assert!(a.chars().any(|c| c.is_ascii_uppercase()));
        assert!(a.chars().any(|c| c.is_ascii_digit()));
        assert!(a.chars().any(|c| !c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
    }
}
