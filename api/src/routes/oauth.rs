//! The local issuer's OpenID Connect endpoints, shaped like Cognito's managed login so the
//! app runs one sign-in code path in tests and in AWS: discovery, the authorize page, the
//! token endpoint, revocation and sign-out, and the app's runtime configuration
//! (`/config.json`). Mounted only with the local issuer. OAuth answers its errors in its own
//! format (RFC 6749 §5.2), not as problem details, so these routes sit outside that layer.

use crate::service::identity::{self, AuthorizeRefusal, AuthorizeRequest, TokenForm};
use crate::state::AppState;
use axum::extract::{Form, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::json;

/// The routes, on the state of the app (only when the local issuer is configured).
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/oauth2/authorize", get(authorize_page).post(authorize))
        .route("/oauth2/token", post(token))
        .route("/oauth2/revoke", post(revoke))
        .route("/logout", get(logout))
        .route("/config.json", get(config))
        .route("/oauth2/style.css", get(style))
        .route("/csp-report", post(csp_report))
        .route("/csp-reports", get(csp_reports))
        .with_state(state)
}

fn issuer(state: &AppState) -> Option<&crate::auth::local::LocalIssuer> {
    state.local_issuer.as_deref()
}

fn base(state: &AppState) -> String {
    issuer(state)
        .map(|i| i.issuer().trim_end_matches('/').to_owned())
        .unwrap_or_default()
}

async fn discovery(State(state): State<AppState>) -> Response {
    let base = base(&state);
    no_store(Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/oauth2/authorize"),
        "token_endpoint": format!("{base}/oauth2/token"),
        "revocation_endpoint": format!("{base}/oauth2/revoke"),
        "end_session_endpoint": format!("{base}/logout"),
        "jwks_uri": format!("{base}/.well-known/jwks.json"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "credence/credit.check", "credence/ledger.write",
                             "credence/customers.write", "credence/imports.write"],
    })))
}

/// The app's runtime configuration: which issuer and client to sign in with (in AWS the
/// deploy writes the same file beside the app, from the stack's outputs).
async fn config(State(state): State<AppState>) -> Response {
    let Some(issuer) = issuer(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let base = base(&state);
    no_store(Json(json!({
        "issuer": base,
        "client_id": issuer.audience(),
        "logout_endpoint": format!("{base}/logout"),
    })))
}

async fn authorize_page(
    State(state): State<AppState>,
    Query(request): Query<AuthorizeRequest>,
) -> Response {
    let Some(issuer) = issuer(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match identity::check_authorize(issuer, &request) {
        Ok(()) => page(issuer, &request, None, StatusCode::OK),
        Err(refusal) => refused(&request, refusal),
    }
}

async fn authorize(
    State(state): State<AppState>,
    Form(request): Form<AuthorizeRequest>,
) -> Response {
    let Some(issuer) = issuer(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match identity::authorize(&state.ctx(), issuer, &request).await {
        Ok(code) => {
            let mut to = format!("{}?code={}", request.redirect_uri, urlencoding(&code));
            if let Some(s) = &request.state {
                to.push_str(&format!("&state={}", urlencoding(s)));
            }
            Redirect::to(&to).into_response()
        }
        Err(AuthorizeRefusal::Credentials(message)) => {
            page(issuer, &request, Some(message), StatusCode::UNAUTHORIZED)
        }
        Err(refusal) => refused(&request, refusal),
    }
}

/// A request that cannot be answered: an untrusted client or redirect gets a page here
/// (never a redirect), a wrong request of the app an error at its redirect.
fn refused(request: &AuthorizeRequest, refusal: AuthorizeRefusal) -> Response {
    match refusal {
        AuthorizeRefusal::ToApp(e) => {
            let mut to = format!(
                "{}?error={}&error_description={}",
                request.redirect_uri,
                e.error,
                urlencoding(&e.description)
            );
            if let Some(s) = &request.state {
                to.push_str(&format!("&state={}", urlencoding(s)));
            }
            Redirect::to(&to).into_response()
        }
        AuthorizeRefusal::Untrusted(why) | AuthorizeRefusal::Credentials(why) => (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("This sign-in request cannot be answered: {why}."),
        )
            .into_response(),
    }
}

async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let Some(issuer) = issuer(&state) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match identity::token(&state.ctx(), issuer, form, basic_auth(&headers)).await {
        Ok(tokens) => no_store(Json(tokens)),
        Err(e) => {
            let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::BAD_REQUEST);
            let mut response = (
                status,
                Json(json!({"error": e.error, "error_description": e.description})),
            )
                .into_response();
            if status == StatusCode::UNAUTHORIZED {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"credence\""),
                );
            }
            no_store(response)
        }
    }
}

#[derive(Debug, serde::Deserialize)]
struct RevokeForm {
    token: String,
}

/// RFC 7009: the refresh token stops working; an unknown token is answered the same.
async fn revoke(State(state): State<AppState>, Form(form): Form<RevokeForm>) -> Response {
    if let Some(issuer) = issuer(&state) {
        issuer.grants.revoke(&form.token);
    }
    StatusCode::OK.into_response()
}

#[derive(Debug, serde::Deserialize)]
struct LogoutQuery {
    #[serde(default)]
    logout_uri: Option<String>,
    #[serde(default)]
    post_logout_redirect_uri: Option<String>,
}

/// Sign-out at the issuer (Cognito's `/logout`): back to the app's sign-in page. Only the
/// app's own origin is a place to go back to.
async fn logout(State(state): State<AppState>, Query(query): Query<LogoutQuery>) -> Response {
    let base = base(&state);
    let back = query
        .logout_uri
        .or(query.post_logout_redirect_uri)
        .filter(|to| to == &base || to.starts_with(&format!("{base}/")))
        .unwrap_or_else(|| format!("{base}/signin"));
    Redirect::to(&back).into_response()
}

/// A Content-Security-Policy violation the browser reports (`application/csp-report`).
async fn csp_report(State(state): State<AppState>, body: axum::body::Bytes) -> Response {
    if let Some(issuer) = issuer(&state) {
        let report =
            serde_json::from_slice(&body).unwrap_or_else(|_| json!(String::from_utf8_lossy(&body)));
        tracing::warn!(%report, "Content-Security-Policy violation");
        let mut reports = issuer.csp_reports.lock().unwrap_or_else(|e| e.into_inner());
        if reports.len() < 1_000 {
            reports.push(report);
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

/// The violations reported so far (local only: the browser tests read them).
async fn csp_reports(State(state): State<AppState>) -> Response {
    let reports = issuer(&state)
        .map(|i| {
            i.csp_reports
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clone()
        })
        .unwrap_or_default();
    no_store(Json(json!({ "items": reports })))
}

/// The sign-in page's look: a file, so the page needs no inline style under the CSP.
async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

const STYLE: &str = "
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, 'Noto Sans CJK SC', 'PingFang SC', sans-serif;
       background: #f4f6f8; color: #1f2933; }
main { max-width: 24rem; margin: 2.5rem auto; padding: 1.5rem; background: #fff; border-radius: 12px;
       box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { margin: 0 0 .25rem; font-size: 1.5rem; color: #0b5cad; }
label { font-weight: 600; }
input { box-sizing: border-box; width: 100%; min-height: 44px; padding: .5rem .75rem; font: inherit;
        border: 1px solid #9aa5b1; border-radius: 8px; }
button { width: 100%; min-height: 44px; font: inherit; font-weight: 600; color: #fff; background: #0b5cad;
         border: 0; border-radius: 8px; cursor: pointer; }
#signin-error { color: #b42318; font-weight: 600; }
.muted, ul { color: #52606d; font-size: .9rem; }
@media (max-width: 30rem) { main { margin: 0; min-height: 100vh; border-radius: 0; box-shadow: none; } }
";

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn no_store(response: impl IntoResponse) -> Response {
    let mut response = response.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn urlencoding(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .map(|s| s.trim_start_matches('=').to_owned())
        .unwrap_or_default()
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The sign-in page: the person's username and password, the app's request carried in
/// hidden fields, the demo accounts named (this issuer only ever runs locally). No script,
/// no inline style: it works under the strictest Content-Security-Policy.
fn page(
    issuer: &crate::auth::local::LocalIssuer,
    request: &AuthorizeRequest,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let hidden = [
        ("response_type", request.response_type.as_str()),
        ("client_id", request.client_id.as_str()),
        ("redirect_uri", request.redirect_uri.as_str()),
        ("state", request.state.as_deref().unwrap_or("")),
        ("code_challenge", request.code_challenge.as_str()),
        (
            "code_challenge_method",
            request.code_challenge_method.as_str(),
        ),
        ("scope", request.scope.as_deref().unwrap_or("")),
    ]
    .iter()
    .map(|(name, value)| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(value)
        )
    })
    .collect::<String>();
    let username = escape(request.username.as_deref().unwrap_or(""));
    let users = issuer
        .users()
        .iter()
        .map(|u| format!("<li><code>{}</code></li>", escape(&u.username)))
        .collect::<String>();
    let error = error
        .map(|e| {
            format!(
                r#"<p id="signin-error" role="alert" data-testid="signin-error">{}</p>"#,
                escape(e)
            )
        })
        .unwrap_or_default();
    let body = format!(
        r#"<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>登录 Sign in · Credence</title>
<style>{STYLE}</style></head>
<body>
<main>
<h1>Credence</h1>
<p class="muted">本地开发登录 · Local development sign-in</p>
<form method="post" action="/oauth2/authorize">
{hidden}
<p><label for="signin-username">用户名 Username</label><br>
<input id="signin-username" data-testid="signin-username" name="username" autocomplete="username" value="{username}" required autofocus></p>
<p><label for="signin-password">密码 Password</label><br>
<input id="signin-password" data-testid="signin-password" name="password" type="password" autocomplete="current-password" required aria-describedby="signin-error"></p>
<p><label for="signin-otp">验证码 Code <span class="muted">（已开启两步验证时 · with two-step verification on）</span></label><br>
<input id="signin-otp" data-testid="signin-otp" name="otp" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="8"></p>
{error}
<p><button type="submit" data-testid="signin-submit">登录 Sign in</button></p>
</form>
<p class="muted">演示账号（密码 demo）· Demo accounts (password <code>demo</code>):</p>
<ul>{users}</ul>
</main>
</body></html>"#
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
