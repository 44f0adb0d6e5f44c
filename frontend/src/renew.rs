//! The dialog of a lapsed session: the issuer would not renew it (the refresh token was
//! revoked or has expired), so the person signs in again in a pop-up window while this
//! page — and whatever they typed on it — stays. Calls made meanwhile wait and go on once
//! the session is renewed ([`crate::session::Session::renewed`]).

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{t, use_i18n};
use crate::oidc::{self, CallbackError, RenewError};
use crate::pages::signin::callback_problem;
use crate::session::use_session;

#[derive(Debug, Clone, PartialEq)]
enum Renewing {
    Asking,
    /// The pop-up is open; the person signs in there.
    Open,
    Blocked,
    Failed(CallbackError),
}

/// Shown over any page while the session is lapsed.
#[component]
pub fn RenewSession() -> impl IntoView {
    let session = use_session();
    view! {
        <Show when=move || session.is_lapsed()>
            <RenewDialog />
        </Show>
    }
}

#[component]
fn RenewDialog() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let renewing = RwSignal::new(Renewing::Asking);
    let open = move |_| {
        renewing.set(Renewing::Open);
        oidc::renew_in_popup(session, move |done| {
            renewing.set(match done {
                Ok(()) => Renewing::Asking,
                Err(RenewError::Blocked) => Renewing::Blocked,
                Err(RenewError::Failed(e)) => Renewing::Failed(e),
            });
        });
    };
    let here = move |_| {
        let next = web_sys::window()
            .and_then(|w| w.location().pathname().ok())
            .unwrap_or_else(|| "/".to_owned());
        spawn_local(async move {
            let _ = oidc::begin(&next).await;
        });
    };
    let sign_out = move |_| spawn_local(oidc::sign_out(session));
    view! {
        <div class="lapsed-overlay">
            <div class="lapsed-card card" role="alertdialog" aria-modal="true"
                aria-labelledby="lapsed-title" aria-describedby="lapsed-body"
                data-testid="session-lapsed">
                <h2 id="lapsed-title">{t!(i18n, session_lapsed_title)}</h2>
                <p id="lapsed-body">{t!(i18n, session_lapsed_body)}</p>
                {move || match renewing.get() {
                    Renewing::Asking => ().into_any(),
                    Renewing::Open => view! {
                        <p class="muted" role="status" data-testid="session-lapsed-open">
                            {t!(i18n, session_lapsed_open)}
                        </p>
                    }.into_any(),
                    Renewing::Blocked => view! {
                        <div class="notice notice-error" role="alert" data-testid="session-lapsed-blocked">
                            {t!(i18n, session_lapsed_blocked)}
                        </div>
                        <button type="button" class="button button-block" on:click=here
                            data-testid="session-lapsed-here">
                            {t!(i18n, session_lapsed_here)}
                        </button>
                    }.into_any(),
                    Renewing::Failed(problem) => view! {
                        <div class="notice notice-error" role="alert" data-testid="session-lapsed-error">
                            {callback_problem(problem)}
                        </div>
                    }.into_any(),
                }}
                <div class="lapsed-actions">
                    <button type="button" class="button button-primary" on:click=open
                        data-testid="session-renew">
                        {t!(i18n, session_lapsed_renew)}
                    </button>
                    <button type="button" class="button" on:click=sign_out
                        data-testid="session-lapsed-sign-out">
                        {t!(i18n, session_lapsed_sign_out)}
                    </button>
                </div>
            </div>
        </div>
    }
}
