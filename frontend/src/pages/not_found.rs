//! The page for addresses the app does not know.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{t, use_i18n};

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main class="centered-page" id="main">
            <section class="card narrow" data-testid="not-found">
                <h1>{t!(i18n, not_found_title)}</h1>
                <p class="muted">{t!(i18n, not_found_body)}</p>
                <A href="/" attr:class="button button-primary">{t!(i18n, go_home)}</A>
            </section>
        </main>
    }
}
