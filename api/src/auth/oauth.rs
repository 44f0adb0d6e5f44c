//! The local issuer's OAuth 2.0 grants, as Cognito's managed login offers them: the
//! authorization code with PKCE (S256) for the app, refresh tokens, and client credentials
//! for machine clients. Codes and refresh tokens live in this process's memory: the local
//! issuer is a development server, never run in Lambda.
//!
//! Everything here is checked the way RFC 6749 and RFC 7636 say; the endpoints that use it
//! are in `routes/oauth.rs`, the account checks (disabled users) in `service/identity.rs`.

use super::policy::Scope;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use credence_shared::TenantId;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long an authorization code may wait for its exchange.
pub const CODE_TTL: Duration = Duration::from_secs(120);
/// How long a refresh token lasts (Cognito's default is 30 days).
pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 24 * 60 * 60);

/// A machine client of the client-credentials grant: it belongs to one tenant and may ask
/// for its scopes only. Local only; in AWS these are Cognito app clients.
#[derive(Debug, Clone)]
pub struct MachineClient {
    pub client_id: String,
    pub secret: String,
    pub tenant: TenantId,
    pub scopes: Vec<Scope>,
}

/// An OAuth error answer (RFC 6749 §5.2): `error` is one of the standard codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    pub error: &'static str,
    pub description: String,
}

impl OAuthError {
    pub fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            error,
            description: description.into(),
        }
    }
    /// The HTTP status: 401 for a client that failed to authenticate, 400 otherwise.
    pub fn status(&self) -> u16 {
        if self.error == "invalid_client" {
            401
        } else {
            400
        }
    }
}

/// What a code was issued for, kept until its one exchange.
#[derive(Debug, Clone)]
struct CodeGrant {
    username: String,
    client_id: String,
    redirect_uri: String,
    challenge: String,
    expires: Instant,
}

/// Whom a refresh token signs in again.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub username: String,
    pub client_id: String,
    expires: Instant,
}

/// The codes and refresh tokens given out and not yet used up.
#[derive(Debug, Default)]
pub struct Grants {
    codes: Mutex<HashMap<String, CodeGrant>>,
    refresh: Mutex<HashMap<String, RefreshGrant>>,
}

/// A PKCE `code_challenge` (S256) or `code_verifier` is 43 to 128 unreserved characters.
pub fn valid_pkce_text(text: &str) -> bool {
    (43..=128).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b))
}

/// The S256 challenge of `verifier`: base64url (no padding) of its SHA-256.
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

impl Grants {
    /// A single-use code for `username`, bound to the client, redirect and PKCE challenge.
    pub fn issue_code(
        &self,
        username: &str,
        client_id: &str,
        redirect_uri: &str,
        challenge: &str,
    ) -> String {
        let code = random_token();
        let mut codes = self.codes.lock().unwrap_or_else(|e| e.into_inner());
        codes.retain(|_, g| g.expires > Instant::now());
        codes.insert(
            code.clone(),
            CodeGrant {
                username: username.to_owned(),
                client_id: client_id.to_owned(),
                redirect_uri: redirect_uri.to_owned(),
                challenge: challenge.to_owned(),
                expires: Instant::now() + CODE_TTL,
            },
        );
        code
    }

    /// Exchanges a code (once) for the username it was issued to, when the client, the
    /// redirect and the PKCE verifier all match what it was issued for.
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: &str,
        verifier: &str,
    ) -> Result<String, OAuthError> {
        let grant = self
            .codes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(code)
            .filter(|g| g.expires > Instant::now())
            .ok_or_else(|| {
                OAuthError::new("invalid_grant", "the code is unknown, used or expired")
            })?;
        if grant.client_id != client_id {
            return Err(OAuthError::new(
                "invalid_grant",
                "the code was issued to another client",
            ));
        }
        if grant.redirect_uri != redirect_uri {
            return Err(OAuthError::new(
                "invalid_grant",
                "redirect_uri is not the one authorized",
            ));
        }
        if !valid_pkce_text(verifier) || challenge_of(verifier) != grant.challenge {
            return Err(OAuthError::new(
                "invalid_grant",
                "code_verifier does not match the challenge",
            ));
        }
        Ok(grant.username)
    }

    /// A refresh token for `username` of `client_id`.
    pub fn issue_refresh(&self, username: &str, client_id: &str) -> String {
        let token = random_token();
        let mut refresh = self.refresh.lock().unwrap_or_else(|e| e.into_inner());
        refresh.retain(|_, g| g.expires > Instant::now());
        refresh.insert(
            token.clone(),
            RefreshGrant {
                username: username.to_owned(),
                client_id: client_id.to_owned(),
                expires: Instant::now() + REFRESH_TTL,
            },
        );
        token
    }

    /// Whom a live refresh token of `client_id` stands for.
    pub fn refresh_of(&self, token: &str, client_id: &str) -> Result<RefreshGrant, OAuthError> {
        self.refresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .filter(|g| g.expires > Instant::now() && g.client_id == client_id)
            .cloned()
            .ok_or_else(|| {
                OAuthError::new(
                    "invalid_grant",
                    "the refresh token is unknown, revoked or expired",
                )
            })
    }

    /// Revokes a refresh token (sign-out); an unknown one is not an error (RFC 7009).
    pub fn revoke(&self, token: &str) {
        self.refresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(token);
    }

    /// Revokes every refresh token of `username` (a disabled account, a global sign-out).
    pub fn revoke_user(&self, username: &str) {
        self.refresh
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, g| g.username != username);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[test]
    fn the_s256_challenge_is_the_one_rfc_7636_gives_for_its_example() {
        assert_eq!(
            challenge_of(VERIFIER),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn a_code_is_redeemed_once_and_only_with_its_client_redirect_and_verifier() {
        // Arrange
        let grants = Grants::default();
        let challenge = challenge_of(VERIFIER);
        let issue = || grants.issue_code("risk", "app", "http://h/signin/callback", &challenge);

        // Act
        let good = issue();
        let redeemed = grants.redeem_code(&good, "app", "http://h/signin/callback", VERIFIER);
        let again = grants.redeem_code(&good, "app", "http://h/signin/callback", VERIFIER);
        let wrong_verifier =
            grants.redeem_code(&issue(), "app", "http://h/signin/callback", &"x".repeat(43));
        let wrong_client =
            grants.redeem_code(&issue(), "other", "http://h/signin/callback", VERIFIER);
        let wrong_redirect = grants.redeem_code(&issue(), "app", "http://evil/cb", VERIFIER);

        // Assert
        assert_eq!(redeemed, Ok("risk".to_owned()));
        for refused in [again, wrong_verifier, wrong_client, wrong_redirect] {
            assert_eq!(refused.unwrap_err().error, "invalid_grant");
        }
    }

    #[test]
    fn a_revoked_refresh_token_no_longer_signs_in() {
        // Arrange
        let grants = Grants::default();
        let token = grants.issue_refresh("collector", "app");
        let other = grants.issue_refresh("collector", "app");

        // Act
        let before = grants.refresh_of(&token, "app").map(|g| g.username);
        let for_another_client = grants.refresh_of(&token, "erp").is_err();
        grants.revoke(&token);
        let after = grants.refresh_of(&token, "app").is_err();
        grants.revoke_user("collector");

        // Assert
        assert_eq!(before, Ok("collector".to_owned()));
        assert!(for_another_client);
        assert!(after);
        assert!(grants.refresh_of(&other, "app").is_err());
    }
}
