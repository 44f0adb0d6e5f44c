//! Sign-in: the app sends the browser to the identity provider's sign-in page
//! (authorization code + PKCE, [`crate::oidc`]) and takes the code back at
//! `/signin/callback`. The app never sees a password.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::components::layout::{LangSwitch, Logo};
use crate::components::notice::error_message;
use crate::i18n::{t, use_i18n};
use crate::oidc::{self, CallbackError};
use crate::session::use_session;

/// Only same-app paths, so a crafted link cannot send the user elsewhere.
fn same_app(path: Option<String>) -> String {
    path.filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".to_owned())
}

/// The card the sign-in pages show their state in.
#[component]
fn SignInCard(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
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
                {children()}
            </section>
        </main>
    }
}

/// `/signin`: straight on to the identity provider, unless the user just signed out.
#[component]
pub fn SignIn() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let next = move || same_app(query.read_untracked().get("next"));
    let signed_out = query.read_untracked().get("signed_out").is_some();
    let failure = RwSignal::new(None::<crate::api::ApiError>);
    let going = RwSignal::new(false);
    let start = move || {
        going.set(true);
        failure.set(None);
        spawn_local(async move {
            if let Err(error) = oidc::begin(&next()).await {
                going.set(false);
                failure.set(Some(error));
            }
        });
    };
    if !signed_out && !session.is_signed_in() {
        start();
    }
    view! {
        <Show when=move || session.is_signed_in()>
            <Redirect path=next() />
        </Show>
        <SignInCard>
            {signed_out.then(|| view! {
                <p class="notice" role="status" data-testid="signed-out">{t!(i18n, signin_signed_out)}</p>
            })}
            {move || failure.get().map(|error| view! {
                <div class="notice notice-error" role="alert" data-testid="signin-error">
                    {error_message(error)}
                </div>
            })}
            <Show when=move || going.get() && failure.with(Option::is_none)>
                <p class="muted" role="status" data-testid="signin-redirecting">{t!(i18n, signin_redirecting)}</p>
            </Show>
            <button type="button" class="button button-primary button-block" data-testid="signin-start"
                disabled=move || going.get() && failure.with(Option::is_none)
                on:click=move |_| start()>
                {t!(i18n, signin_submit)}
            </button>
        </SignInCard>
    }
}

/// `/signin/callback`: the identity provider's answer; the code becomes tokens.
#[component]
pub fn SignInCallback() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<CallbackError>);
    let read = query.read_untracked();
    let (code, state, error) = (read.get("code"), read.get("state"), read.get("error"));
    let described = read.get("error_description");
    drop(read);
    // Inside the pop-up of a lapsed session: the page that opened it takes the code.
    let handed_back = oidc::hand_back(
        code.as_deref(),
        state.as_deref(),
        described
            .as_deref()
            .or(error.as_deref())
            .filter(|_| error.is_some()),
    );
    match (code, state, error) {
        _ if handed_back => {}
        (_, _, Some(error)) => {
            problem.set(Some(CallbackError::Refused(described.unwrap_or(error))))
        }
        (Some(code), Some(state), None) => spawn_local(async move {
            match oidc::finish(session, &code, &state).await {
                Ok(next) => navigate(&same_app(Some(next)), Default::default()),
                Err(e) => problem.set(Some(e)),
            }
        }),
        _ => problem.set(Some(CallbackError::NotOurs)),
    }
    view! {
        <SignInCard>
            {move || match problem.get() {
                None => view! {
                    <p class="muted" role="status" data-testid="signin-finishing">{t!(i18n, signin_busy)}</p>
                }.into_any(),
                Some(problem) => view! {
                    <div class="notice notice-error" role="alert" data-testid="signin-error">
                        {callback_problem(problem)}
                    </div>
                    <a class="button button-primary button-block" href="/signin" data-testid="signin-again">
                        {t!(i18n, signin_again)}
                    </a>
                }.into_any(),
            }}
        </SignInCard>
    }
}

/// Why the issuer's answer signed no one in, in words.
pub fn callback_problem(problem: CallbackError) -> impl IntoView {
    let i18n = use_i18n();
    match problem {
        CallbackError::NotOurs => t!(i18n, signin_not_ours).into_any(),
        CallbackError::Refused(why) => why.into_any(),
        CallbackError::Failed(error) => error_message(error).into_any(),
    }
}
