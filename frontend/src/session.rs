//! Who is signed in: the access token, when it expires, the refresh token, and where they
//! are kept.
//!
//! Tokens live in `sessionStorage`: they survive a reload of the tab but not its closing,
//! and no other site's script can read them. The access token lives minutes
//! ([`crate::oidc`] refreshes it before it ends); the session ends when the issuer refuses
//! the refresh token or the user signs out. The session is a `Copy` handle provided as
//! context, read with [`use_session`].
//!
//! When the issuer refuses the refresh token mid-session the session *lapses* instead of
//! ending: the page stays as it is (with whatever the user typed), calls wait in
//! [`Session::renewed`], and `renew.rs` asks the same person to sign in again in a
//! pop-up window; the waiting calls then go on with the new token.

use std::cell::RefCell;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use futures_channel::oneshot;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "credence.session";

/// Treat a token as expired a little early, so a request never races its expiry.
const EXPIRY_MARGIN_MS: f64 = 30_000.0;

/// What the token endpoint gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Tokens {
    pub access_token: String,
    /// Seconds the access token lives.
    pub expires_in: u64,
    pub refresh_token: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredToken {
    access_token: String,
    /// Milliseconds since the epoch (the browser clock), as `Date.now()` gives them.
    expires_at_ms: f64,
    #[serde(default)]
    refresh_token: Option<String>,
}

impl StoredToken {
    fn is_live(&self) -> bool {
        js_sys::Date::now() < self.expires_at_ms
    }
    /// Live, or able to become live again by a refresh.
    fn is_held(&self) -> bool {
        self.is_live() || self.refresh_token.is_some()
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<StoredToken>>,
    /// While lapsed: who was signed in (the token's `sub`), so that only the same person's
    /// new sign-in carries on the page's work.
    lapsed: RwSignal<Option<String>>,
    /// Whether someone is signed in, changing only when that answer does: a renewed or
    /// lapsed token must not re-render the guarded pages (and lose what was typed).
    signed_in: Memo<bool>,
}

thread_local! {
    /// The calls waiting for a lapsed session to be renewed (`true`) or ended (`false`).
    static WAITING: RefCell<Vec<oneshot::Sender<bool>>> = const { RefCell::new(Vec::new()) };
}

fn wake_waiting(renewed: bool) {
    for waiting in WAITING.with(|w| std::mem::take(&mut *w.borrow_mut())) {
        let _ = waiting.send(renewed);
    }
}

/// The `sub` claim of a JWT access token (read, not verified: the API verifies it).
pub fn subject_of(access_token: &str) -> Option<String> {
    let payload = access_token.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("sub")?.as_str().map(str::to_owned)
}

impl Session {
    /// Picks up the tab's session from before a reload.
    pub fn restore() -> Self {
        let token = read_storage().filter(StoredToken::is_held);
        if token.is_none() {
            write_storage(None);
        }
        let token = RwSignal::new(token);
        let lapsed = RwSignal::new(None::<String>);
        let signed_in = Memo::new(move |_| {
            lapsed.with(Option::is_some)
                || token.with(|token| token.as_ref().is_some_and(StoredToken::is_held))
        });
        Self {
            token,
            lapsed,
            signed_in,
        }
    }

    /// Keeps the tokens the token endpoint returned.
    pub fn start(&self, tokens: &Tokens) {
        let lifetime_ms = (tokens.expires_in as f64) * 1000.0 - EXPIRY_MARGIN_MS;
        let token = StoredToken {
            access_token: tokens.access_token.clone(),
            expires_at_ms: js_sys::Date::now() + lifetime_ms.max(0.0),
            refresh_token: tokens.refresh_token.clone(),
        };
        write_storage(Some(&token));
        self.token.set(Some(token));
        if self.lapsed.get_untracked().is_some() {
            self.lapsed.set(None);
            wake_waiting(true);
        }
    }

    /// Whether someone is signed in (a lapsed session still is: its page stays); reactive,
    /// so guarded routes redirect on sign-out.
    pub fn is_signed_in(&self) -> bool {
        self.signed_in.get()
    }

    /// Whether the session lapsed and waits for the person to sign in again; reactive.
    pub fn is_lapsed(&self) -> bool {
        self.lapsed.with(Option::is_some)
    }

    /// Who was signed in when the session lapsed (`Some("")` when the token named no one).
    pub fn lapsed_subject(&self) -> Option<String> {
        self.lapsed.get_untracked()
    }

    /// The issuer refused to renew the session: the tokens are forgotten, the page stays,
    /// and calls wait in [`Self::renewed`] until the person signs in again or signs out.
    pub fn lapse(&self) {
        if self.lapsed.get_untracked().is_some() {
            return;
        }
        let subject = self
            .token
            .with_untracked(|t| t.as_ref().and_then(|t| subject_of(&t.access_token)))
            .unwrap_or_default();
        write_storage(None);
        self.lapsed.set(Some(subject));
        self.token.set(None);
    }

    /// Waits while the session is lapsed: `true` once it is renewed (or when it never
    /// lapsed), `false` when it ended instead.
    pub async fn renewed(&self) -> bool {
        if self.lapsed.get_untracked().is_none() {
            return self.token.with_untracked(Option::is_some);
        }
        let (sender, receiver) = oneshot::channel();
        WAITING.with(|w| w.borrow_mut().push(sender));
        receiver.await.unwrap_or(false)
    }

    /// Who is signed in (the token's subject, or the lapsed session's), also when the
    /// token has expired: the offline store keys what it keeps by it.
    pub fn subject(&self) -> Option<String> {
        self.token
            .with_untracked(|t| t.as_ref().and_then(|t| subject_of(&t.access_token)))
            .or_else(|| self.lapsed.get_untracked().filter(|s| !s.is_empty()))
    }

    /// Whether the access token ends within `ms` milliseconds (or has ended).
    pub fn expires_within(&self, ms: f64) -> bool {
        self.token.with_untracked(|token| {
            token
                .as_ref()
                .is_some_and(|t| t.expires_at_ms - js_sys::Date::now() < ms)
        })
    }

    /// The refresh token, when the issuer gave one.
    pub fn refresh_token(&self) -> Option<String> {
        self.token
            .with_untracked(|token| token.as_ref().and_then(|t| t.refresh_token.clone()))
    }

    /// The token to send, or `None` when it has expired (and the session ends unless a
    /// refresh token can renew it).
    pub fn bearer(&self) -> Option<String> {
        let token = self.token.get_untracked()?;
        if token.is_live() {
            Some(token.access_token)
        } else {
            if token.refresh_token.is_none() {
                self.end();
            }
            None
        }
    }

    /// Forgets the tokens without telling the page (it is about to leave for the issuer's
    /// sign-out): nothing can be sent with them any more, and a reload finds none.
    pub fn forget(&self) {
        write_storage(None);
        self.token.update_untracked(|t| *t = None);
    }

    /// Forgets the tokens; guarded pages then send the user to `/signin`.
    pub fn end(&self) {
        write_storage(None);
        self.token.set(None);
        if self.lapsed.get_untracked().is_some() {
            self.lapsed.set(None);
        }
        wake_waiting(false);
    }
}

/// The session provided by `App`.
pub fn use_session() -> Session {
    expect_context::<Session>()
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn read_storage() -> Option<StoredToken> {
    let raw = storage()?.get_item(STORAGE_KEY).ok().flatten()?;
    serde_json::from_str(&raw).ok()
}

fn write_storage(token: Option<&StoredToken>) {
    let Some(storage) = storage() else { return };
    // Storage can be full or disabled (private mode); the in-memory session still works.
    let _ = match token.and_then(|t| serde_json::to_string(t).ok()) {
        Some(json) => storage.set_item(STORAGE_KEY, &json),
        None => storage.remove_item(STORAGE_KEY),
    };
}
