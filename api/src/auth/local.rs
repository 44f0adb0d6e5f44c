//! The local development issuer: signs RS256 tokens for configured users with a key
//! generated on first run, and publishes that key as a JWKS.
//!
//! It exists only when `LOCAL_ISSUER_KEY` is set (never in AWS, where Cognito issues
//! tokens). Its tokens go through the same [`Verifier`](super::Verifier) as Cognito's.

use super::verify::Claims;
use crate::error::ApiError;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use credence_shared::{Role, TenantId, UserId, dto::TokenResponse};
use jsonwebtoken::{
    Algorithm, EncodingKey, Header,
    jwk::{
        AlgorithmParameters, CommonParameters, Jwk, JwkSet, KeyAlgorithm, PublicKeyUse,
        RSAKeyParameters, RSAKeyType,
    },
};
use rsa::{
    RsaPrivateKey, RsaPublicKey,
    pkcs8::{DecodePrivateKey, EncodePrivateKey, LineEnding},
    traits::PublicKeyParts,
};
use std::path::Path;

/// Lifetime of a token from `POST /auth/token` (scripts and tests; the app signs in
/// through the authorization-code flow, whose tokens live [`ACCESS_TTL_SECS`]).
pub const TOKEN_TTL_SECS: u64 = 8 * 60 * 60;
/// Lifetime of an access token of the OAuth grants (refreshed before it ends).
pub const ACCESS_TTL_SECS: u64 = 15 * 60;

/// A user the local issuer knows. Passwords are plain text: this is a development issuer
/// for demo accounts only and is never configured in AWS.
#[derive(Debug, Clone)]
pub struct LocalUser {
    pub username: String,
    pub password: String,
    pub user_id: UserId,
    pub tenant: TenantId,
    pub roles: Vec<Role>,
}

pub struct LocalIssuer {
    issuer: String,
    audience: String,
    kid: String,
    encoding_key: EncodingKey,
    public: RsaPublicKey,
    users: Vec<LocalUser>,
    machine_clients: Vec<super::oauth::MachineClient>,
    /// The codes and refresh tokens given out.
    pub grants: super::oauth::Grants,
    /// Content-Security-Policy violations the browser reported to the local server
    /// (`/csp-report`; the browser tests read them at `/csp-reports`).
    pub csp_reports: std::sync::Mutex<Vec<serde_json::Value>>,
}

impl LocalIssuer {
    /// Loads the key at `path`, or generates and saves one (mode 0600) on first run.
    pub fn load_or_create(
        path: &Path,
        issuer: &str,
        audience: &str,
        users: Vec<LocalUser>,
    ) -> anyhow::Result<Self> {
        use anyhow::Context;
        let private = if path.exists() {
            let pem = std::fs::read_to_string(path)
                .with_context(|| format!("reading the local issuer key {}", path.display()))?;
            RsaPrivateKey::from_pkcs8_pem(&pem)
                .with_context(|| format!("{} is not a PKCS#8 RSA key", path.display()))?
        } else {
            let key = RsaPrivateKey::new(&mut rand::thread_rng(), 2048)?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let pem = key.to_pkcs8_pem(LineEnding::LF)?;
            write_private(path, pem.as_bytes())
                .with_context(|| format!("writing the local issuer key {}", path.display()))?;
            key
        };
        Self::from_key(private, issuer, audience, users)
    }

    pub fn from_key(
        private: RsaPrivateKey,
        issuer: &str,
        audience: &str,
        users: Vec<LocalUser>,
    ) -> anyhow::Result<Self> {
        let pem = private.to_pkcs8_pem(LineEnding::LF)?;
        let encoding_key = EncodingKey::from_rsa_pem(pem.as_bytes())?;
        let public = RsaPublicKey::from(&private);
        // The key id is derived from the public modulus, so it changes when the key does.
        let n = public.n().to_bytes_be();
        let kid = URL_SAFE_NO_PAD.encode(&n[n.len().saturating_sub(12)..]);
        Ok(Self {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            kid,
            encoding_key,
            public,
            users,
            machine_clients: Vec::new(),
            grants: super::oauth::Grants::default(),
            csp_reports: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// The machine clients of the client-credentials grant this issuer knows.
    #[must_use]
    pub fn with_machine_clients(mut self, clients: Vec<super::oauth::MachineClient>) -> Self {
        self.machine_clients = clients;
        self
    }

    pub fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![Jwk {
                common: CommonParameters {
                    public_key_use: Some(PublicKeyUse::Signature),
                    key_algorithm: Some(KeyAlgorithm::RS256),
                    key_id: Some(self.kid.clone()),
                    ..Default::default()
                },
                algorithm: AlgorithmParameters::RSA(RSAKeyParameters {
                    key_type: RSAKeyType::RSA,
                    n: URL_SAFE_NO_PAD.encode(self.public.n().to_bytes_be()),
                    e: URL_SAFE_NO_PAD.encode(self.public.e().to_bytes_be()),
                }),
            }],
        }
    }

    /// Checks the password and issues a token. Wrong username and wrong password get
    /// the same answer, so usernames cannot be probed.
    pub fn sign_in(&self, username: &str, password: &str) -> Result<TokenResponse, ApiError> {
        self.sign_in_as(self.check_password(username, password)?, None)
    }

    /// The user with this username and password. An unknown user and a wrong password get
    /// the same answer after the same work ([`matching_user`]).
    pub fn check_password(&self, username: &str, password: &str) -> Result<&LocalUser, ApiError> {
        matching_user(&self.users, username, password)
            .ok_or_else(|| ApiError::Unauthorized("wrong username or password".into()))
    }

    /// A token for `user`, with `roles` instead of the configured ones when an admin
    /// manages the user's roles in the tenant's user directory.
    pub fn sign_in_as(
        &self,
        user: &LocalUser,
        roles: Option<&[Role]>,
    ) -> Result<TokenResponse, ApiError> {
        Ok(TokenResponse {
            access_token: self
                .user_token(user, roles, "access", TOKEN_TTL_SECS)
                .map_err(ApiError::Internal)?,
            token_type: "Bearer".into(),
            expires_in: TOKEN_TTL_SECS,
        })
    }

    /// The user this issuer knows by `username`.
    pub fn user(&self, username: &str) -> Option<&LocalUser> {
        self.users.iter().find(|u| u.username == username)
    }

    /// Everyone this issuer can sign in (the authorize page lists them: demo accounts).
    pub fn users(&self) -> &[LocalUser] {
        &self.users
    }

    /// An access token (`token_use = access`, the app client's `client_id`) or an ID token
    /// (`token_use = id`, the app client as `aud`) for `user`, living `ttl` seconds.
    pub fn user_token(
        &self,
        user: &LocalUser,
        roles: Option<&[Role]>,
        token_use: &str,
        ttl: u64,
    ) -> anyhow::Result<String> {
        let roles = roles.unwrap_or(&user.roles);
        let now = now_secs();
        let access = token_use == "access";
        let claims = Claims {
            sub: user.user_id.to_string(),
            iss: self.issuer.clone(),
            aud: (!access).then(|| self.audience.clone()),
            token_use: Some(token_use.to_owned()),
            client_id: access.then(|| self.audience.clone()),
            scope: access.then(|| "openid profile".to_owned()),
            exp: now + ttl,
            iat: now,
            nbf: Some(now),
            tenant: Some(user.tenant.to_string()),
            cognito_tenant: None,
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
            cognito_groups: vec![],
            username: Some(user.username.clone()),
            cognito_username: None,
        };
        self.sign(&claims)
    }

    /// The machine client with this id and secret (compared in constant time).
    pub fn machine_client(
        &self,
        client_id: &str,
        secret: &str,
    ) -> Result<&super::oauth::MachineClient, super::oauth::OAuthError> {
        use sha2::{Digest, Sha256};
        use subtle::ConstantTimeEq;
        let given = Sha256::digest(secret.as_bytes());
        self.machine_clients
            .iter()
            .find(|c| {
                c.client_id == client_id
                    && bool::from(Sha256::digest(c.secret.as_bytes()).ct_eq(&given))
            })
            .ok_or_else(|| {
                super::oauth::OAuthError::new("invalid_client", "unknown client or wrong secret")
            })
    }

    /// A client-credentials access token: the client's tenant, the `scopes` granted.
    pub fn machine_token(
        &self,
        client: &super::oauth::MachineClient,
        scopes: &[super::policy::Scope],
    ) -> anyhow::Result<String> {
        let now = now_secs();
        let scope: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
        let claims = Claims {
            sub: client.client_id.clone(),
            iss: self.issuer.clone(),
            aud: None,
            token_use: Some("access".into()),
            client_id: Some(client.client_id.clone()),
            scope: Some(scope.join(" ")),
            exp: now + ACCESS_TTL_SECS,
            iat: now,
            nbf: Some(now),
            tenant: Some(client.tenant.to_string()),
            cognito_tenant: None,
            roles: vec![],
            cognito_groups: vec![],
            username: None,
            cognito_username: None,
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims with this issuer's key (tests use it to forge expired or
    /// foreign-audience tokens that are otherwise genuine).
    pub fn sign(&self, claims: &Claims) -> anyhow::Result<String> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(self.kid.clone());
        Ok(jsonwebtoken::encode(&header, claims, &self.encoding_key)?)
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }
    pub fn audience(&self) -> &str {
        &self.audience
    }
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The user whose username and password both match, found in constant time: every user is
/// compared, username and password alike, as SHA-256 digests (fixed length) with `subtle`'s
/// constant-time equality. How long it takes says neither whether the user exists nor how
/// much of a password was right.
fn matching_user<'a>(
    users: &'a [LocalUser],
    username: &str,
    password: &str,
) -> Option<&'a LocalUser> {
    use sha2::{Digest, Sha256};
    use subtle::ConstantTimeEq;
    let name = Sha256::digest(username.as_bytes());
    let given = Sha256::digest(password.as_bytes());
    let mut found = None;
    for user in users {
        let same_name = Sha256::digest(user.username.as_bytes()).ct_eq(&name);
        let same_password = Sha256::digest(user.password.as_bytes()).ct_eq(&given);
        if bool::from(same_name & same_password) && found.is_none() {
            found = Some(user);
        }
    }
    found
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(name: &str, password: &str) -> LocalUser {
        LocalUser {
            username: name.into(),
            password: password.into(),
            user_id: UserId::parse(name).unwrap(),
            tenant: TenantId::parse("alpha").unwrap(),
            roles: vec![Role::Sales],
        }
    }

    #[test]
    fn only_the_whole_password_of_that_user_signs_in() {
        // Arrange
        let users = [user("sales", "secret-one"), user("risk", "secret-two")];
        // Act / Assert
        assert_eq!(
            matching_user(&users, "risk", "secret-two").map(|u| u.username.as_str()),
            Some("risk")
        );
        for (name, password) in [
            ("risk", "secret-one"),
            ("risk", "secret-tw"),
            ("risk", "secret-two-and-more"),
            ("risk", ""),
            ("nobody", "secret-two"),
            ("", ""),
        ] {
            assert!(
                matching_user(&users, name, password).is_none(),
                "{name}/{password}"
            );
        }
    }
}
