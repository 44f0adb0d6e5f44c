//! Who is signed in: the access token, when it expires, and where it is kept.
//!
//! The token lives in `localStorage` so a sales rep who reopens the app on a phone during
//! the day is still signed in; it is dropped as soon as it expires or any call answers 401.
//! The session is a `Copy` handle provided as context, read with [`use_session`].

use credence_shared::dto::TokenResponse;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const STORAGE_KEY: &str = "credence.session";

/// Treat a token as expired a little early, so a request never races its expiry.
const EXPIRY_MARGIN_MS: f64 = 30_000.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct StoredToken {
    access_token: String,
    /// Milliseconds since the epoch (the browser clock), as `Date.now()` gives them.
    expires_at_ms: f64,
}

impl StoredToken {
    fn is_live(&self) -> bool {
        js_sys::Date::now() < self.expires_at_ms
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<StoredToken>>,
}

impl Session {
    /// Picks up a still-valid token from an earlier visit.
    pub fn restore() -> Self {
        let token = read_storage().filter(StoredToken::is_live);
        if token.is_none() {
            write_storage(None);
        }
        Self {
            token: RwSignal::new(token),
        }
    }

    /// Keeps the token the sign-in call returned.
    pub fn start(&self, response: &TokenResponse) {
        let lifetime_ms = (response.expires_in as f64) * 1000.0 - EXPIRY_MARGIN_MS;
        let token = StoredToken {
            access_token: response.access_token.clone(),
            expires_at_ms: js_sys::Date::now() + lifetime_ms.max(0.0),
        };
        write_storage(Some(&token));
        self.token.set(Some(token));
    }

    /// Whether someone is signed in; reactive, so guarded routes redirect on sign-out.
    pub fn is_signed_in(&self) -> bool {
        self.token
            .with(|token| token.as_ref().is_some_and(StoredToken::is_live))
    }

    /// The token to send, or `None` (and the session ends) when it has expired.
    pub fn bearer(&self) -> Option<String> {
        let token = self.token.get_untracked()?;
        if token.is_live() {
            Some(token.access_token)
        } else {
            self.end();
            None
        }
    }

    /// Forgets the token; guarded pages then send the user to `/signin`.
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
    web_sys::window()?.local_storage().ok().flatten()
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
