//! The split points: one lazy route per page. The router loads a page's wasm chunk the
//! first time the page is opened (wasm-split, run by `cargo xtask` after `cargo build`),
//! so the first download is only the router and sign-in. The frame around the pages
//! (`Shell`: navigation, badges, account) is lazy too; it loads with the first page.
//!
//! A page goes here when it is added to the app, into the group it belongs with (a new
//! back-office screen into [`OfficePage`]); a page routed directly (not through
//! [`lazy_page!`]) lands in the first download and counts against the byte budget.
//!
//! Leptos's own `#[lazy_route]` panics when a chunk cannot be fetched, which on a phone
//! with a weak signal would stop the whole app. These routes are split with the
//! `fallible` option instead: a chunk that does not arrive shows the network error with a
//! "Try again" that loads the page afresh (a failed fetch is not cached).

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::LazyRoute;

use crate::api::ApiError;
use crate::components::notice::ErrorNotice;

/// A route to `$page`, whose code is in the module of the split function `$group`. The
/// pages read their own parameters and data, so the route carries nothing.
macro_rules! lazy_page {
    ($route:ident, $group:ident, $page:expr) => {
        #[doc = concat!("The lazy route to ", stringify!($page), ".")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $group($page).await.unwrap_or_else(|_| not_loaded())
            }
        }
    };
}

/// What shows when a page's chunk could not be fetched.
fn not_loaded() -> AnyView {
    let retry = Callback::new(|()| {
        let _ = window().location().reload();
    });
    view! {
        <div class="page">
            <ErrorNotice error=ApiError::Network("the page's code did not load".into()) retry />
        </div>
    }
    .into_any()
}

/// The pages are split in three groups, one split function each, so that a page costs a
/// handful of requests, not hundreds (wasm-split makes one module per set of split points
/// that share code, so twelve split points would make hundreds of small modules): the
/// signed-in first screen, the rest of the field app, and the back office.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub enum FirstScreen {
    Shell,
    Home,
}

#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub enum FieldPage {
    Customer,
    Request,
    Inbox,
    Alerts,
}

#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub enum OfficePage {
    Worklist,
    Dashboard,
    Apply,
    Blacklist,
    Audit,
    Admin,
    CustomerEdit,
    Imports,
    Evidence,
    Reviews,
    Orders,
    Lab,
    LabReport,
    CreditReport,
}

#[wasm_split(first_screen, wasm_split_path = ::leptos::wasm_split, fallible)]
fn first_screen(page: FirstScreen) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        FirstScreen::Shell => view! { <crate::components::layout::Shell /> }.into_any(),
        FirstScreen::Home => view! { <super::home::Home /> }.into_any(),
    })
}

#[wasm_split(field_pages, wasm_split_path = ::leptos::wasm_split, fallible)]
fn field_pages(page: FieldPage) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        FieldPage::Customer => view! { <super::customer::CustomerPage /> }.into_any(),
        FieldPage::Request => view! { <super::request::RequestPage /> }.into_any(),
        FieldPage::Inbox => view! { <super::inbox::InboxPage /> }.into_any(),
        FieldPage::Alerts => view! { <super::alerts::AlertsPage /> }.into_any(),
    })
}

#[wasm_split(office_pages, wasm_split_path = ::leptos::wasm_split, fallible)]
fn office_pages(page: OfficePage) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        OfficePage::Worklist => view! { <super::worklist::WorklistPage /> }.into_any(),
        OfficePage::Dashboard => view! { <super::dashboard::DashboardPage /> }.into_any(),
        OfficePage::Apply => view! { <super::apply::ApplyPage /> }.into_any(),
        OfficePage::Blacklist => view! { <super::blacklist::BlacklistPage /> }.into_any(),
        OfficePage::Audit => view! { <super::audit::AuditPage /> }.into_any(),
        OfficePage::Admin => view! { <super::admin::AdminPage /> }.into_any(),
        OfficePage::CustomerEdit => view! { <super::customer_edit::CustomerEditPage /> }.into_any(),
        OfficePage::Imports => view! { <super::imports::ImportsPage /> }.into_any(),
        OfficePage::Evidence => view! { <super::evidence::EvidencePage /> }.into_any(),
        OfficePage::Reviews => view! { <super::reviews::ReviewsPage /> }.into_any(),
        OfficePage::Orders => view! { <super::orders::OrdersPage /> }.into_any(),
        OfficePage::Lab => view! { <super::lab::LabPage /> }.into_any(),
        OfficePage::LabReport => view! { <super::lab::KeptReportPage /> }.into_any(),
        OfficePage::CreditReport => view! { <super::report::CreditReportPage /> }.into_any(),
    })
}

lazy_page!(ShellRoute, first_screen, FirstScreen::Shell);
lazy_page!(HomeRoute, first_screen, FirstScreen::Home);
lazy_page!(CustomerRoute, field_pages, FieldPage::Customer);
lazy_page!(RequestRoute, field_pages, FieldPage::Request);
lazy_page!(InboxRoute, field_pages, FieldPage::Inbox);
lazy_page!(AlertsRoute, field_pages, FieldPage::Alerts);
lazy_page!(WorklistRoute, office_pages, OfficePage::Worklist);
lazy_page!(DashboardRoute, office_pages, OfficePage::Dashboard);
lazy_page!(ApplyRoute, office_pages, OfficePage::Apply);
lazy_page!(BlacklistRoute, office_pages, OfficePage::Blacklist);
lazy_page!(AuditRoute, office_pages, OfficePage::Audit);
lazy_page!(AdminRoute, office_pages, OfficePage::Admin);
lazy_page!(CustomerEditRoute, office_pages, OfficePage::CustomerEdit);
lazy_page!(ImportsRoute, office_pages, OfficePage::Imports);
lazy_page!(EvidenceRoute, office_pages, OfficePage::Evidence);
lazy_page!(ReviewsRoute, office_pages, OfficePage::Reviews);
lazy_page!(OrdersRoute, office_pages, OfficePage::Orders);
lazy_page!(LabRoute, office_pages, OfficePage::Lab);
lazy_page!(LabReportRoute, office_pages, OfficePage::LabReport);
lazy_page!(CreditReportRoute, office_pages, OfficePage::CreditReport);
