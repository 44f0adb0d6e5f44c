//! Credence in the browser: the app root, its routes, and the modules behind them.
//!
//! `api` is the only module that talks HTTP; `session` keeps the access token; `i18n`
//! holds the translations and the language choice; `pages` are the routes and
//! `components` the pieces they share.

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
    admin::AdminPage, alerts::AlertsPage, apply::ApplyPage, audit::AuditPage,
    blacklist::BlacklistPage, customer::CustomerPage, dashboard::DashboardPage, home::Home,
    inbox::InboxPage, not_found::NotFound, request::RequestPage, signin::SignIn,
    worklist::WorklistPage,
};
use crate::session::Session;

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
                    <Route path=path!("worklist") view=WorklistPage />
                    <Route path=path!("dashboard") view=DashboardPage />
                    <Route path=path!("apply") view=ApplyPage />
                    <Route path=path!("blacklist") view=BlacklistPage />
                    <Route path=path!("audit") view=AuditPage />
                    <Route path=path!("admin") view=AdminPage />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
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
