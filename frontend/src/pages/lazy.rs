//! The split points: one lazy route per page. The router loads a page's wasm chunk the
//! first time the page is opened (wasm-split, run by `cargo xtask` after `cargo build`),
//! so the first download is only the router and sign-in. The frame around the pages
//! (`Shell`: navigation, badges, account) is lazy too; it loads with the first page.
//!
//! A page goes here when it is added to the app; a page routed directly (not through
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

/// A route whose view is the page component `$page`, split into its own module `$module`
/// and loaded on first use. The pages read their own parameters and data, so the route
/// carries nothing.
macro_rules! lazy_page {
    ($route:ident, $module:ident, $page:path) => {
        #[doc = concat!("The lazy route to [`", stringify!($page), "`].")]
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $module().await.unwrap_or_else(|_| not_loaded())
            }
        }

        #[wasm_split($module, wasm_split_path = ::leptos::wasm_split, fallible)]
        fn $module() -> Result<AnyView, SplitLoaderError> {
            Ok(view! { <$page /> }.into_any())
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

lazy_page!(ShellRoute, shell_view, crate::components::layout::Shell);
lazy_page!(HomeRoute, home_view, super::home::Home);
lazy_page!(CustomerRoute, customer_view, super::customer::CustomerPage);
lazy_page!(RequestRoute, request_view, super::request::RequestPage);
lazy_page!(InboxRoute, inbox_view, super::inbox::InboxPage);
lazy_page!(AlertsRoute, alerts_view, super::alerts::AlertsPage);
lazy_page!(WorklistRoute, worklist_view, super::worklist::WorklistPage);
lazy_page!(
    DashboardRoute,
    dashboard_view,
    super::dashboard::DashboardPage
);
lazy_page!(ApplyRoute, apply_view, super::apply::ApplyPage);
lazy_page!(
    BlacklistRoute,
    blacklist_view,
    super::blacklist::BlacklistPage
);
lazy_page!(AuditRoute, audit_view, super::audit::AuditPage);
lazy_page!(AdminRoute, admin_view, super::admin::AdminPage);
