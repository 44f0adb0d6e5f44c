//! RS256 JWT verification against a JWKS: signature, issuer, expiry and, when the token has
//! one, not-before (`nbf`); then that it is an **access token** (`token_use = access`, as
//! Cognito's are: an ID token is refused) issued to a client we know (`client_id`).
//!
//! Two kinds of caller: a person signed in through the app's client (`client_id` = the app
//! client's id; roles from `roles` or `cognito:groups`), and a machine client of the
//! client-credentials grant (any other client id; it acts by its `scope`s, never by roles).
//! Claims are read in both our local issuer's shape (`tenant`, `roles`) and Cognito's
//! (`custom:tenant`, `cognito:groups`, `username`), so the same code runs in both.

use super::Principal;
use crate::error::ApiError;
use credence_shared::{Role, TenantId, UserId};
use jsonwebtoken::{Algorithm, DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
use serde::{Deserialize, Serialize};
use std::{
    collections::HashMap,
    sync::RwLock,
    time::{Duration, Instant},
};

/// Seconds of clock skew tolerated on `exp`/`nbf`.
const LEEWAY_SECS: u64 = 30;
/// At most one JWKS refresh per this interval when an unknown key id shows up.
const REFRESH_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub iss: String,
    /// ID tokens carry the client as `aud`; access tokens (the only ones accepted) carry
    /// `client_id` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
    /// `access` or `id` (Cognito's claim; the local issuer signs it too).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_use: Option<String>,
    /// The OAuth client the token was issued to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Space-separated scopes (a machine client's `credence/…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub exp: u64,
    pub iat: u64,
    /// Not before: a token used earlier than this (less [`LEEWAY_SECS`]) is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    #[serde(
        default,
        rename = "custom:tenant",
        skip_serializing_if = "Option::is_none"
    )]
    pub cognito_tenant: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(
        default,
        rename = "cognito:groups",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub cognito_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(
        default,
        rename = "cognito:username",
        skip_serializing_if = "Option::is_none"
    )]
    pub cognito_username: Option<String>,
}

impl Claims {
    /// The caller of an access token ([`Verifier::verify`] checked `token_use`): a person
    /// when it was issued to `app_client`, otherwise a machine client acting by its scopes.
    fn into_principal(self, app_client: &str) -> Result<Principal, ApiError> {
        let bad = |what: &str| ApiError::Unauthorized(format!("token has no valid {what}"));
        let client = self.client_id.clone().ok_or_else(|| bad("client_id"))?;
        if client != app_client {
            return self.into_machine(&client);
        }
        let tenant = self
            .tenant
            .or(self.cognito_tenant)
            .and_then(|t| TenantId::parse(&t).ok())
            .ok_or_else(|| bad("tenant"))?;
        // Cognito `sub`s are UUIDs, which are valid ids.
        let user_id = UserId::parse(&self.sub).map_err(|_| bad("subject"))?;
        // Unknown group names (e.g. Cognito's own) are ignored, not fatal.
        let mut roles: Vec<Role> = self
            .roles
            .iter()
            .chain(&self.cognito_groups)
            .filter_map(|r| r.parse().ok())
            .collect();
        roles.sort();
        roles.dedup();
        let username = self
            .username
            .or(self.cognito_username)
            .unwrap_or_else(|| user_id.to_string());
        Ok(Principal {
            user_id,
            username,
            tenant,
            roles,
            scopes: Vec::new(),
            withheld: Vec::new(),
        })
    }

    /// A machine client: its tenant from the token (the issuer signs it for the client it
    /// registered), its scopes from `scope`; a client without a Credence scope is refused.
    fn into_machine(self, client: &str) -> Result<Principal, ApiError> {
        let bad = |what: &str| ApiError::Unauthorized(format!("token has no valid {what}"));
        let tenant = self
            .tenant
            .or(self.cognito_tenant)
            .and_then(|t| TenantId::parse(&t).ok())
            .ok_or_else(|| bad("tenant for this client"))?;
        let scopes = super::policy::Scope::parse_all(self.scope.as_deref().unwrap_or(""));
        if scopes.is_empty() {
            return Err(ApiError::Unauthorized(
                "this client is not the app and has no Credence scope".into(),
            ));
        }
        let user_id = UserId::parse(client).map_err(|_| bad("client_id"))?;
        Ok(Principal {
            user_id,
            username: format!("client:{client}"),
            tenant,
            roles: Vec::new(),
            scopes,
            withheld: Vec::new(),
        })
    }
}

/// What the registry says of a token's subject: its tenant, and for a person the admin
/// page manages, what the user cannot change and must hold on every call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub tenant: TenantId,
    /// The Credence username (the stable handle the app's records name).
    pub username: Option<String>,
    /// The roles the admin page gives (`None`: the token's own).
    pub roles: Option<Vec<Role>>,
    pub active: bool,
    /// Tokens issued before this second (epoch seconds) are refused: "sign out everywhere".
    /// One issued in the same second is let through, so a person may sign in again at once
    /// (tokens carry whole seconds).
    pub signed_out_at: Option<u64>,
    /// Whether the person set up two-step verification.
    pub mfa: bool,
}

/// Where the verifier finds the tenant of a token that carries none (Cognito's access
/// tokens), and whether a person may still act: the registry, by the token's subject (a
/// person's `sub`, a client's id).
pub trait TenantRegistry: Send + Sync {
    fn registered<'a>(
        &'a self,
        subject: &'a str,
    ) -> futures_util::future::BoxFuture<'a, Result<Option<Registered>, String>>;
}

/// How long what the registry says is remembered. A disabled account or a sign-out
/// everywhere takes effect at once in the process that made it, and within this in every
/// other — well inside an access token's 15 minutes.
const TENANT_CACHE_TTL: Duration = Duration::from_secs(120);
const TENANT_CACHE_MAX: usize = 10_000;

/// How many verified tokens are remembered (cleared when full): a token seen again skips
/// the RSA check and the parsing of its claims.
const VERIFIED_CACHE_MAX: usize = 1_000;

/// Verifies tokens with keys from a JWKS. Remote key sets are refreshed when a token
/// names a key id we have not seen (key rotation), at most once a minute.
pub struct Verifier {
    issuer: String,
    app_client: String,
    jwks_url: Option<String>,
    keys: RwLock<HashMap<String, DecodingKey>>,
    last_refresh: RwLock<Option<Instant>>,
    http: reqwest::Client,
    registry: Option<std::sync::Arc<dyn TenantRegistry>>,
    tenants: RwLock<HashMap<String, (Option<Registered>, Instant)>>,
    /// The claims of tokens whose signature and issuer were checked, by the token's text,
    /// with the id of the key that signed them. Their expiry, and that the key is still in
    /// the key set, are checked again at each use; everything after the signature (the
    /// token's use, its client, the registry) runs every time.
    verified: RwLock<HashMap<String, (Claims, String)>>,
    /// Roles a person may use only once they set up two-step verification.
    mfa_roles: Vec<Role>,
}

impl Verifier {
    /// A verifier with a fixed key set (the local issuer's, or a test's).
    pub fn with_jwks(issuer: &str, app_client: &str, jwks: &JwkSet) -> anyhow::Result<Self> {
        Ok(Self {
            issuer: issuer.to_owned(),
            app_client: app_client.to_owned(),
            jwks_url: None,
            keys: RwLock::new(keys_of(jwks)?),
            last_refresh: RwLock::new(None),
            http: reqwest::Client::new(),
            registry: None,
            tenants: RwLock::new(HashMap::new()),
            verified: RwLock::new(HashMap::new()),
            mfa_roles: Vec::new(),
        })
    }

    /// A verifier that fetches its keys from `jwks_url` (Cognito).
    pub async fn remote(issuer: &str, app_client: &str, jwks_url: &str) -> anyhow::Result<Self> {
        let verifier = Self {
            issuer: issuer.to_owned(),
            app_client: app_client.to_owned(),
            jwks_url: Some(jwks_url.to_owned()),
            keys: RwLock::new(HashMap::new()),
            last_refresh: RwLock::new(None),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()?,
            registry: None,
            tenants: RwLock::new(HashMap::new()),
            verified: RwLock::new(HashMap::new()),
            mfa_roles: Vec::new(),
        };
        verifier.refresh().await?;
        Ok(verifier)
    }

    /// Finds the tenant of tokens that carry none in `registry`.
    #[must_use]
    pub fn with_registry(mut self, registry: std::sync::Arc<dyn TenantRegistry>) -> Self {
        self.registry = Some(registry);
        self
    }

    /// Requires two-step verification for `roles`: a person who has not set it up acts
    /// without them (they are listed in [`Principal::withheld`]).
    #[must_use]
    pub fn with_mfa_roles(mut self, roles: Vec<Role>) -> Self {
        self.mfa_roles = roles;
        self
    }

    /// Withholds the roles that need two-step verification from a person without it.
    fn hold_back(&self, principal: &mut Principal, mfa: bool) {
        if mfa || self.mfa_roles.is_empty() {
            return;
        }
        let (withheld, kept) = principal
            .roles
            .iter()
            .partition(|r| self.mfa_roles.contains(r));
        principal.roles = kept;
        principal.withheld = withheld;
    }

    /// What the registry says of `subject` (remembered for a while; `None` without one).
    async fn registered(&self, subject: &str) -> Result<Option<Registered>, ApiError> {
        let cached = self
            .tenants
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(subject)
            .filter(|(_, at)| at.elapsed() < TENANT_CACHE_TTL)
            .map(|(t, _)| t.clone());
        if let Some(entry) = cached {
            return Ok(entry);
        }
        let Some(registry) = &self.registry else {
            return Ok(None);
        };
        let found = registry
            .registered(subject)
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("reading the tenant registry: {e}")))?;
        let mut tenants = self.tenants.write().unwrap_or_else(|e| e.into_inner());
        if tenants.len() >= TENANT_CACHE_MAX {
            tenants.clear();
        }
        tenants.insert(subject.to_owned(), (found.clone(), Instant::now()));
        Ok(found)
    }

    /// Forgets what was remembered of `subject`, so its next call reads the registry (the
    /// admin page changed it in this process).
    pub fn forget(&self, subject: &str) {
        self.tenants
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(subject);
    }

    async fn refresh(&self) -> anyhow::Result<()> {
        let Some(url) = &self.jwks_url else {
            return Ok(());
        };
        let jwks: JwkSet = self
            .http
            .get(url)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let keys = keys_of(&jwks)?;
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = keys;
        *self.last_refresh.write().unwrap_or_else(|e| e.into_inner()) = Some(Instant::now());
        Ok(())
    }

    fn key(&self, kid: &str) -> Option<DecodingKey> {
        self.keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(kid)
            .cloned()
    }

    /// The claims of `token` if it was verified before and has not expired since. A token
    /// whose key has left the key set (a refresh after a rotation dropped it) is forgotten,
    /// and so verified again, as if never seen.
    fn seen(&self, token: &str) -> Result<Option<Claims>, ApiError> {
        let Some((claims, kid)) = self
            .verified
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(token)
            .cloned()
        else {
            return Ok(None);
        };
        let now = super::local::now_secs();
        let key_kept = self
            .keys
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .contains_key(&kid);
        if !key_kept {
            self.verified
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(token);
            return Ok(None);
        }
        if claims.exp.saturating_add(LEEWAY_SECS) < now {
            self.verified
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .remove(token);
            return Err(ApiError::Unauthorized("token has expired".into()));
        }
        if claims
            .nbf
            .is_some_and(|nbf| nbf > now.saturating_add(LEEWAY_SECS))
        {
            return Err(ApiError::Unauthorized("token is not valid yet".into()));
        }
        Ok(Some(claims))
    }

    pub async fn verify(&self, token: &str) -> Result<Principal, ApiError> {
        let claims = match self.seen(token)? {
            Some(claims) => claims,
            None => {
                let (claims, kid) = self.signed(token).await?;
                let mut verified = self.verified.write().unwrap_or_else(|e| e.into_inner());
                if verified.len() >= VERIFIED_CACHE_MAX {
                    verified.clear();
                }
                verified.insert(token.to_owned(), (claims.clone(), kid));
                claims
            }
        };
        self.accepted(claims).await
    }

    /// The claims of a token whose signature, issuer, expiry and not-before hold, with the
    /// id of the key that signed it.
    async fn signed(&self, token: &str) -> Result<(Claims, String), ApiError> {
        let invalid = |why: &str| ApiError::Unauthorized(why.to_owned());
        let header = decode_header(token).map_err(|_| invalid("token is not a JWT"))?;
        if header.alg != Algorithm::RS256 {
            return Err(invalid("token must be signed with RS256"));
        }
        let kid = header.kid.ok_or_else(|| invalid("token has no key id"))?;
        let key = match self.key(&kid) {
            Some(key) => key,
            None => {
                let due = self
                    .last_refresh
                    .read()
                    .unwrap_or_else(|e| e.into_inner())
                    .is_none_or(|t| t.elapsed() > REFRESH_INTERVAL);
                if self.jwks_url.is_some()
                    && due
                    && let Err(e) = self.refresh().await
                {
                    tracing::warn!(error = %e, "JWKS refresh failed");
                }
                self.key(&kid)
                    .ok_or_else(|| invalid("token signed by an unknown key"))?
            }
        };
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        // Access tokens name their client in `client_id`, checked below, not in `aud`.
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "iss", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        let data = decode::<Claims>(token, &key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => invalid("token has expired"),
                ErrorKind::ImmatureSignature => invalid("token is not valid yet"),
                ErrorKind::InvalidIssuer => invalid("token is from another issuer"),
                ErrorKind::InvalidSignature => invalid("token signature is invalid"),
                _ => invalid("token is invalid"),
            }
        })?;
        Ok((data.claims, kid))
    }

    /// The caller of verified claims: an access token of a known client, and, for a
    /// person, what the registry says of them now.
    async fn accepted(&self, mut claims: Claims) -> Result<Principal, ApiError> {
        let invalid = |why: &str| ApiError::Unauthorized(why.to_owned());
        if claims.token_use.as_deref() != Some("access") {
            return Err(invalid("only access tokens are accepted (not ID tokens)"));
        }
        let machine = matches!(&claims.client_id, Some(c) if *c != self.app_client);
        // A person by their stable id, a machine client by its id.
        let subject = match &claims.client_id {
            Some(client) if machine => client.clone(),
            _ => claims.sub.clone(),
        };
        let claimed = claims.tenant.is_some() || claims.cognito_tenant.is_some();
        // A machine client that names its tenant needs no lookup; a person always has one
        // (cached), since the registry may have disabled or signed them out.
        if machine && claimed {
            return claims.into_principal(&self.app_client);
        }
        let entry = self.registered(&subject).await?;
        let Some(entry) = entry else {
            if claimed {
                let mut principal = claims.into_principal(&self.app_client)?;
                if !machine {
                    self.hold_back(&mut principal, false);
                }
                return Ok(principal);
            }
            return Err(invalid(
                "this account belongs to no tenant (not registered)",
            ));
        };
        let named = claims.tenant.as_ref().or(claims.cognito_tenant.as_ref());
        if named.is_some_and(|t| *t != entry.tenant.as_str()) {
            return Err(invalid("token names another tenant than its account's"));
        }
        if !entry.active {
            return Err(invalid("this account is disabled"));
        }
        if entry.signed_out_at.is_some_and(|at| claims.iat < at) {
            return Err(invalid(
                "this session was signed out everywhere; sign in again",
            ));
        }
        claims.tenant = Some(entry.tenant.to_string());
        let mut principal = claims.into_principal(&self.app_client)?;
        if !machine {
            if let Some(username) = entry.username {
                principal.username = username;
            }
            if let Some(roles) = entry.roles {
                principal.roles = roles;
            }
            self.hold_back(&mut principal, entry.mfa);
        }
        Ok(principal)
    }
}

fn keys_of(jwks: &JwkSet) -> anyhow::Result<HashMap<String, DecodingKey>> {
    let mut keys = HashMap::new();
    for jwk in &jwks.keys {
        let Some(kid) = &jwk.common.key_id else {
            continue;
        };
        keys.insert(kid.clone(), DecodingKey::from_jwk(jwk)?);
    }
    anyhow::ensure!(!keys.is_empty(), "the JWKS has no usable keys");
    Ok(keys)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::local::{LocalIssuer, now_secs};

    const ISSUER: &str = "https://issuer.test";
    const CLIENT: &str = "app";

    fn claims(exp: u64) -> Claims {
        Claims {
            sub: "sales".into(),
            iss: ISSUER.into(),
            aud: None,
            token_use: Some("access".into()),
            client_id: Some(CLIENT.into()),
            scope: None,
            exp,
            iat: now_secs(),
            nbf: None,
            tenant: Some("alpha".into()),
            cognito_tenant: None,
            roles: vec!["sales".into()],
            cognito_groups: Vec::new(),
            username: None,
            cognito_username: None,
        }
    }

    #[tokio::test]
    async fn a_remembered_token_is_accepted_again_and_refused_once_it_has_expired() {
        // Arrange: a token verified once, so remembered.
        let key = std::env::temp_dir().join(format!("credence-verify-{}.pem", std::process::id()));
        let issuer = LocalIssuer::load_or_create(&key, ISSUER, CLIENT, Vec::new()).unwrap();
        let _ = std::fs::remove_file(&key);
        let verifier = Verifier::with_jwks(ISSUER, CLIENT, &issuer.jwks()).unwrap();
        let token = issuer.sign(&claims(now_secs() + 600)).unwrap();
        let first = verifier.verify(&token).await.unwrap();

        // Act: used again; then its expiry passes (here: the remembered one is moved back).
        let again = verifier.verify(&token).await.unwrap();
        if let Some((kept, _)) = verifier.verified.write().unwrap().get_mut(&token) {
            kept.exp = now_secs() - 3600;
        }
        let expired = verifier.verify(&token).await;

        // Assert
        assert_eq!(again.user_id, first.user_id);
        assert_eq!(again.roles, first.roles);
        assert!(
            matches!(&expired, Err(ApiError::Unauthorized(why)) if why == "token has expired"),
            "{expired:?}"
        );
        assert!(!verifier.verified.read().unwrap().contains_key(&token));
    }

    #[tokio::test]
    async fn a_remembered_token_is_refused_once_its_key_has_left_the_key_set() {
        // Arrange: a token verified once, so remembered.
        let key = std::env::temp_dir().join(format!("credence-rotate-{}.pem", std::process::id()));
        let issuer = LocalIssuer::load_or_create(&key, ISSUER, CLIENT, Vec::new()).unwrap();
        let _ = std::fs::remove_file(&key);
        let verifier = Verifier::with_jwks(ISSUER, CLIENT, &issuer.jwks()).unwrap();
        let token = issuer.sign(&claims(now_secs() + 600)).unwrap();
        verifier.verify(&token).await.unwrap();

        // Act: the issuer's key set no longer holds the key (as after a refresh that
        // follows a rotation).
        verifier.keys.write().unwrap().clear();
        let after = verifier.verify(&token).await;

        // Assert
        assert!(
            matches!(&after, Err(ApiError::Unauthorized(why)) if why == "token signed by an unknown key"),
            "{after:?}"
        );
        assert!(!verifier.verified.read().unwrap().contains_key(&token));
    }
}
