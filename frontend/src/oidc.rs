//! Signing in with OAuth 2.0 authorization code + PKCE against the OpenID Connect issuer
//! named in `/config.json` — Cognito's managed login in AWS, the local issuer in
//! development and tests: one code path, configured only by the issuer URL and client id.
//!
//! [`begin`] sends the browser to the issuer's authorize page with a fresh PKCE verifier
//! (kept in `sessionStorage` with the `state` and where to go afterwards); the issuer sends
//! it back to `/signin/callback`, where [`finish`] exchanges the code for tokens. Tokens are
//! refreshed shortly before they expire ([`fresh_token`]) and once more after a 401.
//!
//! When the issuer refuses the refresh token the session lapses ([`Session::lapse`]) and
//! [`renew_in_popup`] runs the same flow in a pop-up window: the callback page there hands
//! the code back to this page ([`hand_back`]), which exchanges it with the verifier it kept
//! in memory. The page never leaves, so what was typed stays.

use std::cell::RefCell;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::api::ApiError;
use crate::session::{Session, Tokens};

/// Where the sign-in in flight keeps its verifier, state and destination.
const PENDING_KEY: &str = "credence.signin";
/// Refresh when the access token has less than this left.
const REFRESH_AHEAD_MS: f64 = 60_000.0;

/// The app's runtime configuration (`/config.json`, written beside the app at deploy).
#[derive(Debug, Clone, Deserialize)]
pub struct AuthConfig {
    pub issuer: String,
    pub client_id: String,
    /// Cognito's `/logout` (it has no `end_session_endpoint` in its discovery).
    #[serde(default)]
    pub logout_endpoint: Option<String>,
}

/// What the issuer publishes at `/.well-known/openid-configuration`.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    authorization_endpoint: String,
    token_endpoint: String,
    #[serde(default)]
    revocation_endpoint: Option<String>,
    #[serde(default)]
    end_session_endpoint: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Pending {
    verifier: String,
    state: String,
    next: String,
}

/// The token endpoint's answer (RFC 6749 §5.1) or its error (§5.2).
#[derive(Debug, Clone, Deserialize)]
struct TokenAnswer {
    access_token: String,
    expires_in: u64,
    #[serde(default)]
    refresh_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
struct TokenError {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

async fn get_json<T: for<'de> Deserialize<'de>>(url: &str) -> Result<T, ApiError> {
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if !response.ok() {
        return Err(ApiError::Server {
            status: response.status(),
            request_id: None,
        });
    }
    response
        .json()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))
}

async fn config() -> Result<AuthConfig, ApiError> {
    get_json("/config.json").await
}

async fn discovery(config: &AuthConfig) -> Result<Discovery, ApiError> {
    let issuer = config.issuer.trim_end_matches('/');
    get_json(&format!("{issuer}/.well-known/openid-configuration")).await
}

fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// The redirect registered for the app: its own `/signin/callback`.
pub fn redirect_uri() -> String {
    format!("{}/signin/callback", origin())
}

/// `n` random bytes from the browser's CSPRNG, as base64url text (none without one).
fn random_text(n: usize) -> Option<String> {
    let mut bytes = vec![0u8; n];
    let crypto = web_sys::window().and_then(|w| w.crypto().ok())?;
    crypto.get_random_values_with_u8_array(&mut bytes).ok()?;
    Some(URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 challenge of a PKCE verifier (RFC 7636).
pub fn challenge_of(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The `state` of a sign-in in a pop-up starts with this, so its callback hands back.
const POPUP_STATE: &str = "popup.";

/// A fresh verifier and state (`None`: this browser gives no random numbers).
fn pending(next: &str, state_prefix: &str) -> Option<Pending> {
    Some(Pending {
        verifier: random_text(32)?,
        state: format!("{state_prefix}{}", random_text(16)?),
        next: next.to_owned(),
    })
}

fn no_random() -> ApiError {
    ApiError::Decode("this browser gives no random numbers".into())
}

/// The issuer's authorize URL for a sign-in in flight.
fn authorize_url(config: &AuthConfig, discovery: &Discovery, pending: &Pending) -> String {
    let challenge = challenge_of(&pending.verifier);
    let redirect = redirect_uri();
    let query = form(&[
        ("response_type", "code"),
        ("client_id", &config.client_id),
        ("redirect_uri", &redirect),
        ("state", &pending.state),
        ("code_challenge", &challenge),
        ("code_challenge_method", "S256"),
        // The last lets a person's own token set up their authenticator app at Cognito.
        ("scope", "openid profile aws.cognito.signin.user.admin"),
    ]);
    format!("{}?{query}", discovery.authorization_endpoint)
}

/// Sends the browser to the issuer's sign-in page; afterwards the app opens `next`.
pub async fn begin(next: &str) -> Result<(), ApiError> {
    let config = config().await?;
    let discovery = discovery(&config).await?;
    let pending = pending(next, "").ok_or_else(no_random)?;
    let saved = serde_json::to_string(&pending).map_err(|e| ApiError::Decode(e.to_string()))?;
    storage()
        .and_then(|s| s.set_item(PENDING_KEY, &saved).ok())
        .ok_or_else(|| ApiError::Decode("this browser keeps no session storage".into()))?;
    let url = authorize_url(&config, &discovery, &pending);
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(&url);
    }
    Ok(())
}

type OnMessage = Closure<dyn Fn(web_sys::MessageEvent)>;

thread_local! {
    /// The pop-up sign-in in flight: its verifier and state stay in this page's memory.
    static POPUP: RefCell<Option<Pending>> = const { RefCell::new(None) };
    /// The listener for the pop-up's hand-back, added once.
    static LISTENING: RefCell<Option<OnMessage>> = const { RefCell::new(None) };
}

/// What the pop-up's callback page posts back to the page that opened it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct HandBack {
    #[serde(default)]
    code: Option<String>,
    state: String,
    #[serde(default)]
    error: Option<String>,
}

/// Why a lapsed session could not be renewed in a pop-up.
#[derive(Debug, Clone, PartialEq)]
pub enum RenewError {
    /// The browser blocked the pop-up window.
    Blocked,
    Failed(CallbackError),
}

/// Opens the issuer's sign-in in a pop-up window for a lapsed session. Call it from the
/// click itself: the window is opened at once (browsers block pop-ups opened later) and
/// pointed at the issuer once its configuration is read. `on_done` hears how it ended;
/// on success the session is renewed and the calls waiting in [`Session::renewed`] go on.
pub fn renew_in_popup(session: Session, on_done: impl Fn(Result<(), RenewError>) + 'static) {
    let Some(window) = web_sys::window() else {
        return on_done(Err(RenewError::Blocked));
    };
    let popup = window
        .open_with_url_and_target_and_features(
            "about:blank",
            "credence-signin",
            "popup=yes,width=480,height=700",
        )
        .ok()
        .flatten();
    let Some(popup) = popup else {
        return on_done(Err(RenewError::Blocked));
    };
    let on_done = std::rc::Rc::new(on_done);
    listen(session, on_done.clone());
    wasm_bindgen_futures::spawn_local(async move {
        let opened = async {
            let config = config().await?;
            let discovery = discovery(&config).await?;
            let pending = pending("", POPUP_STATE).ok_or_else(no_random)?;
            let url = authorize_url(&config, &discovery, &pending);
            POPUP.with(|p| *p.borrow_mut() = Some(pending));
            popup
                .location()
                .set_href(&url)
                .map_err(|_| ApiError::Decode("the sign-in window closed".into()))
        };
        if let Err(e) = opened.await {
            let _ = popup.close();
            on_done(Err(RenewError::Failed(CallbackError::Failed(e))));
        }
    });
}

/// Listens (once per page) for the pop-up's hand-back and finishes its sign-in.
fn listen(session: Session, on_done: std::rc::Rc<dyn Fn(Result<(), RenewError>)>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    LISTENING.with(|listening| {
        let mut listening = listening.borrow_mut();
        if let Some(old) = listening.take() {
            let _ =
                window.remove_event_listener_with_callback("message", old.as_ref().unchecked_ref());
        }
        let handler =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                // Only this app's own pages may hand a code back.
                if event.origin() != origin() {
                    return;
                }
                let Some(back) = event
                    .data()
                    .as_string()
                    .and_then(|raw| serde_json::from_str::<HandBack>(&raw).ok())
                else {
                    return;
                };
                let pending = POPUP.with(|p| p.borrow_mut().take());
                let Some(pending) = pending.filter(|p| p.state == back.state) else {
                    return;
                };
                let on_done = on_done.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    on_done(finish_popup(session, pending, back).await);
                });
            });
        let _ =
            window.add_event_listener_with_callback("message", handler.as_ref().unchecked_ref());
        *listening = Some(handler);
    });
}

async fn finish_popup(
    session: Session,
    pending: Pending,
    back: HandBack,
) -> Result<(), RenewError> {
    let code = match (back.code, back.error) {
        (_, Some(error)) => return Err(RenewError::Failed(CallbackError::Refused(error))),
        (Some(code), None) => code,
        (None, None) => return Err(RenewError::Failed(CallbackError::NotOurs)),
    };
    let config = config()
        .await
        .map_err(|e| RenewError::Failed(CallbackError::Failed(e)))?;
    let discovery = discovery(&config)
        .await
        .map_err(|e| RenewError::Failed(CallbackError::Failed(e)))?;
    let redirect = redirect_uri();
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("client_id", &config.client_id),
        ("code", &code),
        ("redirect_uri", &redirect),
        ("code_verifier", &pending.verifier),
    ]);
    let tokens = token_call(&discovery.token_endpoint, body)
        .await
        .map_err(RenewError::Failed)?;
    let before = session.lapsed_subject().unwrap_or_default();
    let now = crate::session::subject_of(&tokens.access_token).unwrap_or_default();
    session.start(&tokens);
    if before != now {
        // Someone else signed in: the page's work was the other person's; start afresh.
        if let Some(window) = web_sys::window() {
            let _ = window.location().assign("/");
        }
    }
    Ok(())
}

/// On the callback page inside a pop-up: hands the issuer's answer to the page that opened
/// the pop-up and closes it. `false` when this is no pop-up sign-in (the page finishes
/// the sign-in itself).
pub fn hand_back(code: Option<&str>, state: Option<&str>, error: Option<&str>) -> bool {
    let Some(state) = state.filter(|s| s.starts_with(POPUP_STATE)) else {
        return false;
    };
    let Some(window) = web_sys::window() else {
        return false;
    };
    // Another window's object fails `instanceof` here (another realm): checked by hand.
    let Some(opener) = window
        .opener()
        .ok()
        .filter(|o| o.is_object())
        .map(|o| o.unchecked_into::<web_sys::Window>())
    else {
        return false;
    };
    let back = HandBack {
        code: code.map(str::to_owned),
        state: state.to_owned(),
        error: error.map(str::to_owned),
    };
    let Ok(message) = serde_json::to_string(&back) else {
        return false;
    };
    if opener
        .post_message(&wasm_bindgen::JsValue::from_str(&message), &origin())
        .is_err()
    {
        return false;
    }
    let _ = window.close();
    true
}

/// Why the way back from the issuer did not sign anyone in.
#[derive(Debug, Clone, PartialEq)]
pub enum CallbackError {
    /// No sign-in was started here, or the `state` is not the one sent (a forged link).
    NotOurs,
    /// The issuer said no (`error` and its description).
    Refused(String),
    Failed(ApiError),
}

/// Exchanges the code the issuer sent back for tokens; returns where to go next.
pub async fn finish(session: Session, code: &str, state: &str) -> Result<String, CallbackError> {
    let pending: Pending = storage()
        .and_then(|s| {
            let raw = s.get_item(PENDING_KEY).ok().flatten();
            let _ = s.remove_item(PENDING_KEY);
            raw
        })
        .and_then(|raw| serde_json::from_str(&raw).ok())
        .ok_or(CallbackError::NotOurs)?;
    if pending.state != state {
        return Err(CallbackError::NotOurs);
    }
    let config = config().await.map_err(CallbackError::Failed)?;
    let discovery = discovery(&config).await.map_err(CallbackError::Failed)?;
    let redirect = redirect_uri();
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("client_id", &config.client_id),
        ("code", code),
        ("redirect_uri", &redirect),
        ("code_verifier", &pending.verifier),
    ]);
    let answer = token_call(&discovery.token_endpoint, body).await?;
    session.start(&answer);
    Ok(pending.next)
}

async fn token_call(endpoint: &str, body: String) -> Result<Tokens, CallbackError> {
    let response = Request::post(endpoint)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .map_err(|e| CallbackError::Failed(ApiError::Decode(e.to_string())))?
        .send()
        .await
        .map_err(|e| CallbackError::Failed(ApiError::Network(e.to_string())))?;
    if response.ok() {
        let answer: TokenAnswer = response
            .json()
            .await
            .map_err(|e| CallbackError::Failed(ApiError::Decode(e.to_string())))?;
        return Ok(Tokens {
            access_token: answer.access_token,
            expires_in: answer.expires_in,
            refresh_token: answer.refresh_token,
        });
    }
    let status = response.status();
    match response.json::<TokenError>().await {
        Ok(e) => Err(CallbackError::Refused(
            e.error_description.unwrap_or(e.error),
        )),
        Err(_) => Err(CallbackError::Failed(ApiError::Server {
            status,
            request_id: None,
        })),
    }
}

/// Trades the refresh token for a new access token; `false` (and the session lapses) when
/// the issuer says no — a disabled account, a revoked or expired refresh token.
pub async fn refresh(session: Session) -> bool {
    let Some(refresh_token) = session.refresh_token() else {
        session.lapse();
        return false;
    };
    let Ok(config) = config().await else {
        return false;
    };
    let Ok(discovery) = discovery(&config).await else {
        return false;
    };
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("client_id", &config.client_id),
        ("refresh_token", &refresh_token),
    ]);
    match token_call(&discovery.token_endpoint, body).await {
        Ok(mut tokens) => {
            // Cognito does not rotate refresh tokens: keep the one we have.
            tokens.refresh_token.get_or_insert(refresh_token);
            session.start(&tokens);
            true
        }
        Err(CallbackError::Refused(_)) => {
            session.lapse();
            false
        }
        // The network or the issuer failed: keep the session, the next call tries again.
        Err(_) => false,
    }
}

/// The access token to send: refreshed first when it has under a minute left.
pub async fn fresh_token(session: Session) -> Option<String> {
    if session.expires_within(REFRESH_AHEAD_MS) && session.refresh_token().is_some() {
        refresh(session).await;
    }
    session.bearer()
}

/// Signs out here and at the issuer: the refresh token is revoked, the tokens forgotten,
/// and the browser goes through the issuer's sign-out back to the sign-in page.
pub async fn sign_out(session: Session) {
    let refresh_token = session.refresh_token();
    // Forgotten at once; the page keeps showing until the browser leaves for the issuer's
    // sign-out (ending the session here would send it to sign in again meanwhile).
    session.forget();
    // Nothing the person kept on this device outlives their session.
    crate::offline::forget_everything();
    let Ok(config) = config().await else {
        session.end();
        return;
    };
    let discovery = discovery(&config).await.ok();
    if let (Some(token), Some(endpoint)) = (
        refresh_token,
        discovery
            .as_ref()
            .and_then(|d| d.revocation_endpoint.clone()),
    ) {
        let body = form(&[("token", &token), ("client_id", &config.client_id)]);
        if let Ok(request) = Request::post(&endpoint)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
        {
            let _ = request.send().await;
        }
    }
    let logout = config
        .logout_endpoint
        .or_else(|| discovery.and_then(|d| d.end_session_endpoint));
    match (logout, web_sys::window()) {
        (Some(logout), Some(window)) => {
            let back = format!("{}/signin?signed_out=1", origin());
            let query = form(&[
                ("client_id", &config.client_id),
                ("logout_uri", &back),
                ("post_logout_redirect_uri", &back),
            ]);
            if window
                .location()
                .assign(&format!("{logout}?{query}"))
                .is_err()
            {
                session.end();
            }
        }
        _ => session.end(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_challenge_is_the_rfc_7636_example() {
        assert_eq!(
            challenge_of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
