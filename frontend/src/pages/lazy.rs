//! The split points: one lazy route per page. The router loads a page's wasm chunk the
//! first time the page is opened (wasm-split, run by `cargo xtask` after `cargo build`),
//! so the first download is only the router and sign-in. The frame around the pages
//! (`Shell`: navigation, badges, account) is lazy too; it loads with the first page.
//!
//! A page goes here when it is added to the app; a page routed directly (not through
//! [`lazy_page!`]) lands in the first download and counts against the byte budget.

use leptos::prelude::*;
use leptos_router::{LazyRoute, lazy_route};

/// A route whose view is the page component `$page`, loaded on first use. The pages read
/// their own parameters and data, so the route carries nothing.
macro_rules! lazy_page {
    ($route:ident, $page:path) => {
        #[doc = concat!("The lazy route to [`", stringify!($page), "`].")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page /> }.into_any()
            }
        }
    };
}

lazy_page!(ShellRoute, crate::components::layout::Shell);
lazy_page!(HomeRoute, super::home::Home);
lazy_page!(CustomerRoute, super::customer::CustomerPage);
lazy_page!(RequestRoute, super::request::RequestPage);
lazy_page!(InboxRoute, super::inbox::InboxPage);
lazy_page!(AlertsRoute, super::alerts::AlertsPage);
lazy_page!(WorklistRoute, super::worklist::WorklistPage);
lazy_page!(DashboardRoute, super::dashboard::DashboardPage);
lazy_page!(ApplyRoute, super::apply::ApplyPage);
lazy_page!(BlacklistRoute, super::blacklist::BlacklistPage);
lazy_page!(AuditRoute, super::audit::AuditPage);
lazy_page!(AdminRoute, super::admin::AdminPage);
