//! The frame around signed-in pages: navigation (a bottom bar on phones, a side bar
//! from 900px up), the account area with language switch and sign-out, and `<main>`.

use credence_shared::Role;
use credence_shared::dto::Me;
use leptos::ev;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

use crate::api;
use crate::i18n::{LocaleExt, other, t, t_string, use_i18n};
use crate::session::use_session;

#[component]
pub fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = LocalResource::new(move || api::me(session));
    // The account panel is a pop-up above the bottom bar on phones; always shown on laptops.
    let account_open = RwSignal::new(false);
    // Customer pages belong to the Customers section, so its tab stays marked there.
    let location = use_location();
    let in_customers = move || {
        let path = location.pathname.get();
        path == "/" || path.starts_with("/customers/")
    };
    let close_on_escape = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            account_open.set(false);
        }
    };

    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <div class="shell">
            // Phones: tapping outside the open account menu closes it.
            <div
                class="backdrop"
                aria-hidden="true"
                hidden=move || !account_open.get()
                on:click=move |_| account_open.set(false)
            ></div>
            <nav
                class="nav"
                data-testid="nav"
                aria-label=move || t_string!(i18n, nav_label)
                on:keydown=close_on_escape
            >
                <A href="/" attr:class="brand">
                    <Logo />
                    <span class="brand-name">{t!(i18n, app_name)}</span>
                </A>
                <ul class="nav-items">
                    <li>
                        <a
                            href="/"
                            class="nav-item"
                            aria-current=move || in_customers().then_some("page")
                            on:click=move |_| account_open.set(false)
                        >
                            <IconCustomers />
                            <span class="nav-label">{t!(i18n, nav_customers)}</span>
                        </a>
                    </li>
                    <li class="nav-account-toggle">
                        <button
                            type="button"
                            class="nav-item"
                            data-testid="account-menu"
                            aria-controls="account-panel"
                            aria-expanded=move || account_open.get().to_string()
                            on:click=move |_| account_open.update(|open| *open = !*open)
                        >
                            <IconAccount />
                            <span class="nav-label">{t!(i18n, nav_account)}</span>
                        </button>
                    </li>
                </ul>
                <section
                    id="account-panel"
                    class="account"
                    class:open=move || account_open.get()
                    aria-label=move || t_string!(i18n, account_menu)
                >
                    <Transition fallback=|| view! { <p class="who muted">"…"</p> }>
                        {move || Suspend::new(async move {
                            // Who is signed in is a courtesy; a failure here must not block the page.
                            me.await.ok().map(|me| view! { <Who me /> })
                        })}
                    </Transition>
                    <LangSwitch />
                    <button
                        type="button"
                        class="button button-secondary signout"
                        data-testid="signout"
                        on:click=move |_| session.end()
                    >
                        <IconSignOut />
                        {t!(i18n, sign_out)}
                    </button>
                </section>
            </nav>
            <main id="main" class="main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    }
}

#[component]
fn Who(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let roles = me.roles.clone();
    view! {
        <div class="who" data-testid="who">
            <span class="who-label muted">{t!(i18n, signed_in_as)}</span>
            <strong class="who-name">{me.username.clone()}</strong>
            <span class="who-roles">
                {move || {
                    roles.iter().map(|role| role_label(*role)).collect::<Vec<_>>().join(" · ")
                }}
            </span>
            <span class="who-tenant muted">{t!(i18n, tenant)} ": " {me.tenant.to_string()}</span>
        </div>
    }
}

/// The translated name of a role; reactive when called inside a closure.
pub fn role_label(role: Role) -> &'static str {
    let i18n = use_i18n();
    match role {
        Role::Sales => t_string!(i18n, role_sales),
        Role::Risk => t_string!(i18n, role_risk),
        Role::Finance => t_string!(i18n, role_finance),
        Role::Approver => t_string!(i18n, role_approver),
        Role::Admin => t_string!(i18n, role_admin),
    }
}

/// Offers the other language, named in that language.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let target = move || other(i18n.get_locale());
    view! {
        <button
            type="button"
            class="button button-ghost lang-switch"
            data-testid="lang-switch"
            on:click=move |_| i18n.set_locale(target())
        >
            <IconGlobe />
            <span class="sr-only">{t!(i18n, switch_language_label)} ": "</span>
            <span lang=move || target().as_str()>{t!(i18n, other_language)}</span>
        </button>
    }
}

#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path
                d="M20.4 10.7A6.9 6.9 0 1 0 20.4 21.3"
                fill="none"
                stroke="#fff"
                stroke-width="3"
                stroke-linecap="round"
            />
            <circle cx="24" cy="16" r="1.75" fill="#5fd3a5" />
        </svg>
    }
}

#[component]
fn IconCustomers() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16M15 9h4a1 1 0 0 1 1 1v11M2 21h20M8 8h3M8 12h3M8 16h3" />
        </svg>
    }
}

#[component]
fn IconAccount() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="8" r="4" />
            <path d="M4 21a8 8 0 0 1 16 0" />
        </svg>
    }
}

#[component]
fn IconGlobe() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" />
            <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
        </svg>
    }
}

#[component]
fn IconSignOut() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l5-5-5-5M15 12H3" />
        </svg>
    }
}
