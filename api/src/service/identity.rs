//! Signing in with the local development issuer: the username and password it knows, then
//! the tenant's user directory (admin pages), which decides the roles and whether the
//! account may sign in at all. In AWS, Cognito signs people in and this is never mounted.
//!
//! Two ways in: `POST /auth/token` (scripts and tests) and the OAuth 2.0 grants the app and
//! machine clients use, exactly as against Cognito — the authorization code with PKCE, the
//! refresh token, and client credentials.

use super::{Ctx, people};
use crate::auth::local::{ACCESS_TTL_SECS, LocalIssuer, LocalUser};
use crate::auth::oauth::{self, OAuthError};
use crate::auth::policy::Scope;
use crate::error::ApiError;
use credence_shared::dto::{FieldError, TokenRequest, TokenResponse};
use credence_shared::messages::code;
use tracing::instrument;

/// `POST /auth/token`. The password is never logged; the span names the user once known.
#[instrument(skip_all, fields(tenant = tracing::field::Empty, user = tracing::field::Empty))]
pub async fn sign_in(
    ctx: &Ctx<'_>,
    issuer: &LocalIssuer,
    request: TokenRequest,
) -> Result<TokenResponse, ApiError> {
    let mut errors = Vec::new();
    if request.username.trim().is_empty() {
        errors.push(FieldError::new(
            "username",
            code::REQUIRED,
            "enter your username",
        ));
    }
    if request.password.is_empty() {
        errors.push(FieldError::new(
            "password",
            code::REQUIRED,
            "enter your password",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = known_user(
        ctx,
        issuer,
        request.username.trim(),
        Some(&request.password),
    )
    .await?
    .ok_or_else(|| ApiError::Unauthorized("wrong username or password".into()))?;
    if !second_step(ctx, &user.username, request.otp.as_deref()).await? {
        return Err(ApiError::field(
            "otp",
            code::MFA_CODE_WRONG,
            "enter the code your authenticator app shows now",
        ));
    }
    let user = &user;
    let span = tracing::Span::current();
    span.record("tenant", user.tenant.as_str());
    span.record("user", user.username.as_str());
    let stored = people::stored_user(ctx.store, &user.tenant, &user.username).await?;
    match stored {
        Some(u) if !u.active => Err(ApiError::Unauthorized("this account is disabled".into())),
        Some(u) => issuer.sign_in_as(user, Some(&u.roles)),
        None => issuer.sign_in_as(user, None),
    }
}

/// Whether the local directory's two-step verification of `username` passes with `code`
/// (it does when none is set up).
async fn second_step(
    ctx: &Ctx<'_>,
    username: &str,
    code: Option<&str>,
) -> Result<bool, crate::store::StoreError> {
    crate::directory::local::second_step_passes(
        ctx.store,
        username,
        code.filter(|c| !c.trim().is_empty()),
        crate::auth::local::now_secs(),
    )
    .await
}

/// The account `username` (with `password`, when it is being checked): one the issuer is
/// configured with, or one the local directory created (an admin's invitation).
async fn known_user(
    ctx: &Ctx<'_>,
    issuer: &LocalIssuer,
    username: &str,
    password: Option<&str>,
) -> Result<Option<LocalUser>, crate::store::StoreError> {
    let configured = match password {
        Some(p) => issuer.check_password(username, p).ok(),
        None => issuer.user(username),
    };
    if let Some(user) = configured {
        return Ok(Some(user.clone()));
    }
    if issuer.user(username).is_some() {
        // A configured account with a wrong password is not looked for elsewhere.
        return Ok(None);
    }
    crate::directory::local::created_user(ctx.store, username, password).await
}

/// The account a code or refresh token was given for, if it is still there.
async fn granted_user(
    ctx: &Ctx<'_>,
    issuer: &LocalIssuer,
    username: &str,
) -> Result<LocalUser, OAuthError> {
    known_user(ctx, issuer, username, None)
        .await
        .map_err(|_| {
            OAuthError::new(
                "temporarily_unavailable",
                "the user directory did not answer",
            )
        })?
        .ok_or_else(|| OAuthError::new("invalid_grant", "the account is gone"))
}

/// The account `username` may sign in, with the roles the tenant's user directory gives it
/// (the issuer's own when the directory does not know it). A disabled account is refused:
/// its codes and refresh tokens stop working at once.
async fn active_roles(
    ctx: &Ctx<'_>,
    user: &LocalUser,
) -> Result<Option<Vec<credence_shared::Role>>, OAuthError> {
    let stored = people::stored_user(ctx.store, &user.tenant, &user.username)
        .await
        .map_err(|_| {
            OAuthError::new(
                "temporarily_unavailable",
                "the user directory did not answer",
            )
        })?;
    match stored {
        Some(u) if !u.active => Err(OAuthError::new("invalid_grant", "this account is disabled")),
        Some(u) => Ok(Some(u.roles)),
        None => Ok(None),
    }
}

/// What the authorize page posts: the app's request and the person's credentials.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuthorizeRequest {
    #[serde(default)]
    pub response_type: String,
    #[serde(default)]
    pub client_id: String,
    #[serde(default)]
    pub redirect_uri: String,
    #[serde(default)]
    pub state: Option<String>,
    #[serde(default)]
    pub code_challenge: String,
    #[serde(default)]
    pub code_challenge_method: String,
    #[serde(default)]
    pub scope: Option<String>,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// The authenticator app's code, for a person who set up two-step verification.
    #[serde(default)]
    pub otp: Option<String>,
}

/// Why the authorize page cannot go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizeRefusal {
    /// The client or redirect is not one this issuer knows: never redirect (RFC 6749 §4.1.2.1).
    Untrusted(&'static str),
    /// A well-formed app request that is wrong: tell the app at its redirect.
    ToApp(OAuthError),
    /// The person's credentials: show the page again with the message.
    Credentials(&'static str),
}

/// The redirect the app registered: its `/signin/callback` on the issuer's origin (the local
/// server serves both).
pub fn app_redirect(issuer: &LocalIssuer) -> String {
    format!("{}/signin/callback", issuer.issuer().trim_end_matches('/'))
}

/// Checks the app's authorization request (before any credentials are asked).
pub fn check_authorize(
    issuer: &LocalIssuer,
    request: &AuthorizeRequest,
) -> Result<(), AuthorizeRefusal> {
    if request.client_id != issuer.audience() {
        return Err(AuthorizeRefusal::Untrusted("unknown client_id"));
    }
    if request.redirect_uri != app_redirect(issuer) {
        return Err(AuthorizeRefusal::Untrusted(
            "redirect_uri is not registered for this client",
        ));
    }
    if request.response_type != "code" {
        return Err(AuthorizeRefusal::ToApp(OAuthError::new(
            "unsupported_response_type",
            "only response_type=code",
        )));
    }
    if request.code_challenge_method != "S256" || !oauth::valid_pkce_text(&request.code_challenge) {
        return Err(AuthorizeRefusal::ToApp(OAuthError::new(
            "invalid_request",
            "PKCE is required: code_challenge (43-128 characters) with code_challenge_method=S256",
        )));
    }
    Ok(())
}

/// The authorize page's form: the code for the person who signed in, to send to the app.
pub async fn authorize(
    ctx: &Ctx<'_>,
    issuer: &LocalIssuer,
    request: &AuthorizeRequest,
) -> Result<String, AuthorizeRefusal> {
    check_authorize(issuer, request)?;
    let username = request.username.as_deref().map(str::trim).unwrap_or("");
    let password = request.password.as_deref().unwrap_or("");
    if username.is_empty() || password.is_empty() {
        return Err(AuthorizeRefusal::Credentials(
            "enter your username and password",
        ));
    }
    let wrong = || AuthorizeRefusal::Credentials("用户名或密码错误 · wrong username or password");
    let user = known_user(ctx, issuer, username, Some(password))
        .await
        .map_err(|_| {
            AuthorizeRefusal::ToApp(OAuthError::new(
                "temporarily_unavailable",
                "the user directory did not answer",
            ))
        })?
        .ok_or_else(wrong)?;
    let passes = second_step(ctx, &user.username, request.otp.as_deref())
        .await
        .map_err(|_| {
            AuthorizeRefusal::ToApp(OAuthError::new(
                "temporarily_unavailable",
                "the user directory did not answer",
            ))
        })?;
    if !passes {
        return Err(AuthorizeRefusal::Credentials(
            "请输入验证器应用当前显示的验证码 · enter the code your authenticator app shows now",
        ));
    }
    let user = &user;
    match active_roles(ctx, user).await {
        Ok(_) => {}
        Err(e) if e.error == "invalid_grant" => {
            return Err(AuthorizeRefusal::Credentials(
                "此账号已停用 · this account is disabled",
            ));
        }
        Err(e) => return Err(AuthorizeRefusal::ToApp(e)),
    }
    Ok(issuer.grants.issue_code(
        &user.username,
        &request.client_id,
        &request.redirect_uri,
        &request.code_challenge,
    ))
}

/// The token endpoint's form (RFC 6749 §4.1.3, §4.4.2, §6).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub grant_type: String,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub redirect_uri: Option<String>,
    #[serde(default)]
    pub code_verifier: Option<String>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub client_secret: Option<String>,
    #[serde(default)]
    pub scope: Option<String>,
}

/// A successful token answer (RFC 6749 §5.1).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    pub expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// `POST /oauth2/token`. `basic` is the client's HTTP Basic credentials, when it sent them.
pub async fn token(
    ctx: &Ctx<'_>,
    issuer: &LocalIssuer,
    form: TokenForm,
    basic: Option<(String, String)>,
) -> Result<Tokens, OAuthError> {
    let missing = |what: &str| OAuthError::new("invalid_request", format!("{what} is required"));
    let internal = |e: anyhow::Error| OAuthError::new("server_error", e.to_string());
    match form.grant_type.as_str() {
        "authorization_code" => {
            let client = form
                .client_id
                .as_deref()
                .ok_or_else(|| missing("client_id"))?;
            let username = issuer.grants.redeem_code(
                form.code.as_deref().ok_or_else(|| missing("code"))?,
                client,
                form.redirect_uri
                    .as_deref()
                    .ok_or_else(|| missing("redirect_uri"))?,
                form.code_verifier
                    .as_deref()
                    .ok_or_else(|| missing("code_verifier"))?,
            )?;
            let user = granted_user(ctx, issuer, &username).await?;
            let user = &user;
            let roles = active_roles(ctx, user).await?;
            Ok(Tokens {
                access_token: issuer
                    .user_token(user, roles.as_deref(), "access", ACCESS_TTL_SECS)
                    .map_err(internal)?,
                token_type: "Bearer",
                expires_in: ACCESS_TTL_SECS,
                id_token: Some(
                    issuer
                        .user_token(user, roles.as_deref(), "id", ACCESS_TTL_SECS)
                        .map_err(internal)?,
                ),
                refresh_token: Some(issuer.grants.issue_refresh(&username, client)),
                scope: Some("openid profile".into()),
            })
        }
        "refresh_token" => {
            let client = form
                .client_id
                .as_deref()
                .ok_or_else(|| missing("client_id"))?;
            let token = form
                .refresh_token
                .as_deref()
                .ok_or_else(|| missing("refresh_token"))?;
            let grant = issuer.grants.refresh_of(token, client)?;
            let user = granted_user(ctx, issuer, &grant.username).await?;
            let user = &user;
            let roles = match active_roles(ctx, user).await {
                Ok(roles) => roles,
                Err(e) => {
                    if e.error == "invalid_grant" {
                        issuer.grants.revoke_user(&user.username);
                    }
                    return Err(e);
                }
            };
            Ok(Tokens {
                access_token: issuer
                    .user_token(user, roles.as_deref(), "access", ACCESS_TTL_SECS)
                    .map_err(internal)?,
                token_type: "Bearer",
                expires_in: ACCESS_TTL_SECS,
                id_token: None,
                refresh_token: None,
                scope: Some("openid profile".into()),
            })
        }
        "client_credentials" => {
            let (id, secret) = match (basic, &form.client_id, &form.client_secret) {
                (Some(pair), _, _) => pair,
                (None, Some(id), Some(secret)) => (id.clone(), secret.clone()),
                _ => {
                    return Err(OAuthError::new(
                        "invalid_client",
                        "authenticate the client (HTTP Basic, or client_id and client_secret)",
                    ));
                }
            };
            let client = issuer.machine_client(&id, &secret)?;
            let scopes = match form
                .scope
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                None => client.scopes.clone(),
                Some(asked) => {
                    let wanted = Scope::parse_all(asked);
                    let known = asked.split_ascii_whitespace().count();
                    if wanted.len() < known || wanted.iter().any(|s| !client.scopes.contains(s)) {
                        return Err(OAuthError::new(
                            "invalid_scope",
                            "a scope this client was not granted",
                        ));
                    }
                    wanted
                }
            };
            let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
            Ok(Tokens {
                access_token: issuer.machine_token(client, &scopes).map_err(internal)?,
                token_type: "Bearer",
                expires_in: ACCESS_TTL_SECS,
                id_token: None,
                refresh_token: None,
                scope: Some(names.join(" ")),
            })
        }
        "" => Err(missing("grant_type")),
        _ => Err(OAuthError::new(
            "unsupported_grant_type",
            "authorization_code, refresh_token or client_credentials",
        )),
    }
}
