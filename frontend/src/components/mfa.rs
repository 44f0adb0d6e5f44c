//! Two-step verification: setting up an authenticator app (TOTP). Shown above the page
//! when the deployment withholds some of the person's roles until they do, and from the
//! account panel for anyone who wants it.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::form::{FieldErrors, message_about, report};
use super::layout::role_label;
use super::notice::error_message;
use crate::api::{self, ApiError};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;
use credence_shared::Role;
use credence_shared::dto::MfaSecret;

/// Asked open from the account panel.
#[derive(Debug, Clone, Copy)]
pub struct TwoStepAsked(pub RwSignal<bool>);

/// The set-up card: a notice naming the withheld roles, or the card asked for.
#[component]
pub fn TwoStep(withheld: Vec<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let asked = use_context::<TwoStepAsked>().map(|a| a.0);
    let needed = !withheld.is_empty();
    let shown = move || needed || asked.is_some_and(|a| a.get());
    let roles = withheld.clone();
    view! {
        <Show when=shown>
            <section class="card two-step" data-testid="two-step" aria-labelledby="two-step-title">
                <h2 id="two-step-title">{t!(i18n, mfa_title)}</h2>
                {
                    let roles = roles.clone();
                    (!roles.is_empty()).then(move || view! {
                        <p data-testid="two-step-withheld">
                            {t!(i18n, mfa_withheld)} " "
                            <strong>{move || roles.iter().map(|r| role_label(*r)).collect::<Vec<_>>().join("、")}</strong>
                        </p>
                    })
                }
                <Setup />
                {(!needed).then(|| view! {
                    <button type="button" class="button button-ghost" data-testid="two-step-close"
                        on:click=move |_| { if let Some(a) = asked { a.set(false) } }>
                        {t!(i18n, mfa_close)}
                    </button>
                })}
            </section>
        </Show>
    }
}

#[component]
fn Setup() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let secret = RwSignal::new(None::<MfaSecret>);
    let code = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let begin = move |_| {
        busy.set(true);
        failure.set(None);
        spawn_local(async move {
            match api::begin_mfa(session).await {
                Ok(s) => secret.set(Some(s)),
                Err(e) => failure.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let confirm = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        fields.set(FieldErrors::default());
        failure.set(None);
        spawn_local(async move {
            match api::confirm_mfa(session, code.get_untracked()).await {
                Ok(_) => {
                    done.set(true);
                    // The withheld roles apply from the next call: load the app again.
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }
                Err(e) => report(e, fields, failure),
            }
            busy.set(false);
        });
    };
    let code_error = message_about(fields, "code", "", || "");
    view! {
        {move || failure.get().map(|e| view! {
            <div class="notice notice-error" role="alert">{error_message(e)}</div>
        })}
        {move || match (secret.get(), done.get()) {
            (_, true) => view! {
                <p class="notice" role="status" data-testid="two-step-done">{t!(i18n, mfa_done)}</p>
            }.into_any(),
            (None, false) => view! {
                <p class="muted">{t!(i18n, mfa_explain)}</p>
                <button type="button" class="button button-primary" data-testid="two-step-begin"
                    disabled=move || busy.get() on:click=begin>
                    {t!(i18n, mfa_begin)}
                </button>
            }.into_any(),
            (Some(s), false) => view! {
                <ol class="two-step-steps">
                    <li>
                        {t!(i18n, mfa_step_add)} " "
                        <a href=s.uri.clone() data-testid="two-step-link">{t!(i18n, mfa_open_app)}</a>
                        <br />
                        <span class="muted">{t!(i18n, mfa_key)} ": "</span>
                        <code class="two-step-secret" data-testid="two-step-secret">{s.secret.clone()}</code>
                    </li>
                    <li>
                        <form on:submit=confirm novalidate>
                            <label for="two-step-code">{t!(i18n, mfa_step_code)}</label>
                            <input id="two-step-code" data-testid="two-step-code" class="input"
                                inputmode="numeric" autocomplete="one-time-code" maxlength="8"
                                aria-invalid=move || code_error.with(Option::is_some).to_string()
                                aria-describedby="two-step-code-error"
                                prop:value=move || code.get()
                                on:input=move |ev| code.set(event_target_value(&ev)) />
                            <p id="two-step-code-error" class="field-error" data-testid="two-step-code-error">
                                {move || code_error.get()}
                            </p>
                            <button type="submit" class="button button-primary" data-testid="two-step-confirm"
                                disabled=move || busy.get()>
                                {t!(i18n, mfa_confirm)}
                            </button>
                        </form>
                    </li>
                </ol>
            }.into_any(),
        }}
    }
}
