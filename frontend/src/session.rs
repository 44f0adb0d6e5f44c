//! Who is signed in: the access token, when it expires, the refresh token, and where they
//! are kept.
//!
//! Tokens live in `sessionStorage`: they survive a reload of the tab but not its closing,
//! and no other site's script can read them. The access token lives minutes
//! ([`crate::oidc`] refreshes it before it ends); the session ends when the issuer refuses
//! the refresh token or the user signs out. The session is a `Copy` handle provided as
//! context, read with [`use_session`].

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
}

impl Session {
    /// Picks up the tab's session from before a reload.
    pub fn restore() -> Self {
        let token = read_storage().filter(StoredToken::is_held);
        if token.is_none() {
            write_storage(None);
        }
        Self {
            token: RwSignal::new(token),
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
    }

    /// Whether someone is signed in; reactive, so guarded routes redirect on sign-out.
    pub fn is_signed_in(&self) -> bool {
        self.token
            .with(|token| token.as_ref().is_some_and(StoredToken::is_held))
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
