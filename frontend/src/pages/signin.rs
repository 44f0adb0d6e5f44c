//! Sign-in: username and password for a token. Field problems show next to the field,
//! anything else above the form; the typed username is never lost.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiError};
use crate::components::layout::{LangSwitch, Logo};
use crate::components::notice::error_message;
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

/// A message next to a field: ours (translated) or the server's own words.
#[derive(Debug, Clone, PartialEq)]
enum FieldMessage {
    Required,
    Server(String),
}

/// A message above the form.
#[derive(Debug, Clone, PartialEq)]
enum FormMessage {
    WrongCredentials,
    Failed(ApiError),
    Server(String),
}

#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let username_error = RwSignal::new(None::<FieldMessage>);
    let password_error = RwSignal::new(None::<FieldMessage>);
    let form_error = RwSignal::new(None::<FormMessage>);
    let username_input = NodeRef::<html::Input>::new();
    let password_input = NodeRef::<html::Input>::new();

    // Only same-app paths, so a crafted link cannot send the user elsewhere.
    let next = move || {
        query
            .read_untracked()
            .get("next")
            .filter(|path| path.starts_with('/') && !path.starts_with("//"))
            .unwrap_or_else(|| "/".to_owned())
    };

    // Success starts the session, and the `<Redirect>` below takes the user on.
    let submit = Action::new_local(move |(user, pass): &(String, String)| {
        let (user, pass) = (user.clone(), pass.clone());
        async move {
            match api::sign_in(&user, &pass).await {
                Ok(token) => session.start(&token),
                Err(error) => {
                    show_error(error, username_error, password_error, form_error);
                    password.set(String::new());
                    if let Some(input) = password_input.get_untracked() {
                        let _ = input.focus();
                    }
                }
            }
        }
    });

    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        let user = username.get_untracked().trim().to_owned();
        let pass = password.get_untracked();
        username_error.set(user.is_empty().then_some(FieldMessage::Required));
        password_error.set(pass.is_empty().then_some(FieldMessage::Required));
        form_error.set(None);
        if user.is_empty() {
            if let Some(input) = username_input.get_untracked() {
                let _ = input.focus();
            }
        } else if pass.is_empty() {
            if let Some(input) = password_input.get_untracked() {
                let _ = input.focus();
            }
        } else {
            submit.dispatch_local((user, pass));
        }
    };

    let busy = submit.pending();

    view! {
        <Show when=move || session.is_signed_in()>
            <Redirect path=next() />
        </Show>
        <main class="signin-page" id="main">
            <div class="signin-top">
                <LangSwitch />
            </div>
            <section class="card signin-card">
                <header class="signin-header">
                    <span class="signin-logo"><Logo /></span>
                    <div>
                        <p class="signin-brand">{t!(i18n, app_name)}</p>
                        <p class="muted">{t!(i18n, app_tagline)}</p>
                    </div>
                </header>
                <h1>{t!(i18n, signin_title)}</h1>
                {move || form_error.get().map(|message| view! {
                    <div class="notice notice-error" role="alert" data-testid="signin-error">
                        {form_message(message)}
                    </div>
                })}
                <form class="form" on:submit=on_submit novalidate>
                    <div class="field">
                        <label for="signin-username">{t!(i18n, username)}</label>
                        <input
                            id="signin-username"
                            name="username"
                            type="text"
                            autocomplete="username"
                            autocapitalize="none"
                            spellcheck="false"
                            required
                            data-testid="signin-username"
                            aria-invalid=move || username_error.with(Option::is_some).to_string()
                            aria-describedby="signin-username-error"
                            node_ref=username_input
                            bind:value=username
                        />
                        <FieldErrorText id="signin-username-error" message=username_error />
                    </div>
                    <div class="field">
                        <label for="signin-password">{t!(i18n, password)}</label>
                        <input
                            id="signin-password"
                            name="password"
                            type="password"
                            autocomplete="current-password"
                            required
                            data-testid="signin-password"
                            aria-invalid=move || password_error.with(Option::is_some).to_string()
                            aria-describedby="signin-password-error"
                            node_ref=password_input
                            bind:value=password
                        />
                        <FieldErrorText id="signin-password-error" message=password_error />
                    </div>
                    <button
                        type="submit"
                        class="button button-primary button-block"
                        data-testid="signin-submit"
                        disabled=move || busy.get()
                    >
                        {move || if busy.get() {
                            t!(i18n, signin_busy).into_any()
                        } else {
                            t!(i18n, signin_submit).into_any()
                        }}
                    </button>
                </form>
                <p class="demo-hint muted" data-testid="demo-hint">{t!(i18n, signin_demo_hint)}</p>
            </section>
        </main>
    }
}

#[component]
fn FieldErrorText(id: &'static str, message: RwSignal<Option<FieldMessage>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="field-error" id=id data-testid="field-error" hidden=move || message.with(Option::is_none)>
            {move || message.get().map(|m| match m {
                FieldMessage::Required => t!(i18n, field_required).into_any(),
                FieldMessage::Server(text) => text.into_any(),
            })}
        </p>
    }
}

fn form_message(message: FormMessage) -> AnyView {
    let i18n = use_i18n();
    match message {
        FormMessage::WrongCredentials => t!(i18n, signin_wrong_credentials).into_any(),
        FormMessage::Failed(error) => error_message(error).into_any(),
        FormMessage::Server(text) => text.into_any(),
    }
}

/// Sorts a failed sign-in into messages: per field where the server named one.
fn show_error(
    error: ApiError,
    username_error: RwSignal<Option<FieldMessage>>,
    password_error: RwSignal<Option<FieldMessage>>,
    form_error: RwSignal<Option<FormMessage>>,
) {
    if error == ApiError::Unauthorized {
        form_error.set(Some(FormMessage::WrongCredentials));
        return;
    }
    let mut others = Vec::new();
    for field in error.field_errors() {
        match field.field.as_str() {
            "username" => username_error.set(Some(FieldMessage::Server(field.message.clone()))),
            "password" => password_error.set(Some(FieldMessage::Server(field.message.clone()))),
            _ => others.push(field.message.clone()),
        }
    }
    if error.field_errors().is_empty() {
        form_error.set(Some(FormMessage::Failed(error)));
    } else if !others.is_empty() {
        form_error.set(Some(FormMessage::Server(others.join(" "))));
    }
}
