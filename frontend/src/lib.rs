//! Credence in the browser: the app root, its routes, and the modules behind them.
//!
//! `api` is the only module that talks HTTP; `session` keeps the access token (`oidc`
//! gets it, `renew` asks for a new sign-in when it lapses); `i18n`
//! holds the translations and the language choice; `pages` are the routes and
//! `components` the pieces they share; `offline` keeps the rep's last-known figures and
//! the changes typed without a network (IndexedDB), beside the service worker
//! (`public/sw.js`) that keeps the app itself.
//!
//! Every page but sign-in is a lazy route ([`pages::lazy`]): `cargo xtask` splits the
//! wasm there (wasm-split), so a phone first downloads only the router and sign-in; the
//! frame (`Shell`) and search come when signed in, the rest of the field app with the
//! first customer, request, inbox or alert page, and the back office (admin, audit,
//! dashboard, the scoring lab, …) only for someone who opens it.

pub mod api;
pub mod components;
pub mod first_paint;
pub mod i18n;
pub mod offline;
pub mod oidc;
pub mod pages;
pub mod renew;
pub mod session;

use leptos::prelude::*;
use leptos_router::Lazy;
use leptos_router::components::{Outlet, ParentRoute, ProtectedParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::pages::lazy::{
    AdminRoute, AlertsRoute, ApplyRoute, AuditRoute, BlacklistRoute, CreditReportRoute,
    CustomerEditRoute, CustomerRoute, DashboardRoute, EvidenceRoute, HomeRoute, ImportsRoute,
    InboxRoute, LabReportRoute, LabRoute, OrdersRoute, RequestRoute, ReviewsRoute, ShellRoute,
    WorklistRoute,
};
use crate::pages::{
    not_found::NotFound,
    signin::{SignIn, SignInCallback},
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
                <Route path=path!("/signin/callback") view=SignInCallback />
                <ProtectedParentRoute
                    path=path!("")
                    view=Outlet
                    condition=move || Some(session.is_signed_in())
                    redirect_path=signin_path
                >
                <ParentRoute path=path!("") view={Lazy::<ShellRoute>::new()}>
                    <Route path=path!("") view={Lazy::<HomeRoute>::new()} />
                    <Route path=path!("customers/:id") view={Lazy::<CustomerRoute>::new()} />
                    <Route path=path!("customers/:id/edit") view={Lazy::<CustomerEditRoute>::new()} />
                    <Route path=path!("customers/:id/evidence") view={Lazy::<EvidenceRoute>::new()} />
                    <Route path=path!("customers/:id/report") view={Lazy::<CreditReportRoute>::new()} />
                    <Route path=path!("customers/:id/requests/:rid") view={Lazy::<RequestRoute>::new()} />
                    <Route path=path!("groups/:group/requests/:rid") view={Lazy::<RequestRoute>::new()} />
                    <Route path=path!("blacklist/requests/:rid") view={Lazy::<RequestRoute>::new()} />
                    <Route path=path!("lab/requests/:rid") view={Lazy::<RequestRoute>::new()} />
                    <Route path=path!("inbox") view={Lazy::<InboxRoute>::new()} />
                    <Route path=path!("alerts") view={Lazy::<AlertsRoute>::new()} />
                    <Route path=path!("worklist") view={Lazy::<WorklistRoute>::new()} />
                    <Route path=path!("dashboard") view={Lazy::<DashboardRoute>::new()} />
                    <Route path=path!("apply") view={Lazy::<ApplyRoute>::new()} />
                    <Route path=path!("blacklist") view={Lazy::<BlacklistRoute>::new()} />
                    <Route path=path!("imports") view={Lazy::<ImportsRoute>::new()} />
                    <Route path=path!("audit") view={Lazy::<AuditRoute>::new()} />
                    <Route path=path!("reviews") view={Lazy::<ReviewsRoute>::new()} />
                    <Route path=path!("orders") view={Lazy::<OrdersRoute>::new()} />
                    <Route path=path!("lab") view={Lazy::<LabRoute>::new()} />
                    <Route path=path!("lab/reports/:version") view={Lazy::<LabReportRoute>::new()} />
                    <Route path=path!("admin") view={Lazy::<AdminRoute>::new()} />
                </ParentRoute>
                </ProtectedParentRoute>
            </Routes>
            <renew::RenewSession />
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
