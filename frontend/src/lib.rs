//! Credence in the browser: the app root, its routes, and the modules behind them.
//!
//! `api` is the only module that talks HTTP; `session` keeps the access token; `i18n`
//! holds the translations and the language choice; `pages` are the routes and
//! `components` the pieces they share.
//!
//! Two bundles are built from this crate. Without the `office` feature the app routes
//! only the field app (sign-in, customers and their requests, inbox, alerts): what a
//! phone downloads first. With it, the back-office pages
//! ([`credence_shared::routes::OFFICE_PREFIXES`]) are routed too; that build is served
//! from `/office/` for those paths. Links into the back office from the field app are
//! full page loads (see [`office_rel`]); the session token in localStorage is shared.

pub mod api;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod session;

use leptos::prelude::*;
use leptos_router::components::{ProtectedParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::layout::Shell;
use crate::pages::{
    alerts::AlertsPage, customer::CustomerPage, home::Home, inbox::InboxPage, not_found::NotFound,
    request::RequestPage, signin::SignIn,
};
use crate::session::Session;

/// The `rel` of a link to `href`: `external` when `href` is a back-office page and this
/// build is the field app, so the router leaves the click to the browser, which loads
/// the back-office bundle; none otherwise.
pub fn office_rel(href: &str) -> Option<&'static str> {
    (!cfg!(feature = "office") && credence_shared::routes::is_office_path(href))
        .then_some("external")
}

#[component]
pub fn App() -> impl IntoView {
    i18n::provide_i18n();
    let session = Session::restore();
    provide_context(session);

    view! {
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/signin") view=SignIn />
                <ProtectedParentRoute
                    path=path!("")
                    view=Shell
                    condition=move || Some(session.is_signed_in())
                    redirect_path=signin_path
                >
                    <Route path=path!("") view=Home />
                    <Route path=path!("customers/:id") view=CustomerPage />
                    <Route path=path!("customers/:id/requests/:rid") view=RequestPage />
                    <Route path=path!("inbox") view=InboxPage />
                    <Route path=path!("alerts") view=AlertsPage />
                    <Route path=path!("worklist") view=office::WorklistPage />
                    <Route path=path!("dashboard") view=office::DashboardPage />
                    <Route path=path!("apply") view=office::ApplyPage />
                    <Route path=path!("blacklist") view=office::BlacklistPage />
                    <Route path=path!("audit") view=office::AuditPage />
                    <Route path=path!("admin") view=office::AdminPage />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}

/// The back-office pages. The `office` build routes them; in the field app each one is
/// [`LoadOffice`], so even a client-side navigation there ends in the back office.
#[cfg(feature = "office")]
mod office {
    pub(super) use crate::pages::{
        admin::AdminPage, apply::ApplyPage, audit::AuditPage, blacklist::BlacklistPage,
        dashboard::DashboardPage, worklist::WorklistPage,
    };
}
#[cfg(not(feature = "office"))]
mod office {
    pub(super) use super::LoadOffice as AdminPage;
    pub(super) use super::LoadOffice as ApplyPage;
    pub(super) use super::LoadOffice as AuditPage;
    pub(super) use super::LoadOffice as BlacklistPage;
    pub(super) use super::LoadOffice as DashboardPage;
    pub(super) use super::LoadOffice as WorklistPage;
}

/// A back-office address reached inside the field app: load it afresh, and the server
/// answers with the back office's page.
#[cfg(not(feature = "office"))]
#[component]
fn LoadOffice() -> impl IntoView {
    let _ = window().location().reload();
    view! { <crate::components::notice::Loading /> }
}

/// Where an unauthenticated visitor is sent: the sign-in page, remembering the page they
/// wanted so a shared link to a customer still lands there after signing in.
fn signin_path() -> String {
    let location = use_location();
    let wanted = location.pathname.get_untracked();
    if wanted.is_empty() || wanted == "/" {
        "/signin".to_owned()
    } else {
        format!(
            "/signin?next={}",
            String::from(js_sys::encode_uri_component(&wanted))
        )
    }
}
