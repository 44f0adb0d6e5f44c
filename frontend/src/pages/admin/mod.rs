//! Administration, `/admin` (admins only): users and their roles (`users`), the credit
//! application's custom fields (`fields`), the approval matrix (`matrix`), the scorecard model
//! and policy versions (`engines`), and (in `watch`) the warning rules, the dunning ladder and
//! the webhooks. Every change says why; a 409 means someone else saved first, and the page
//! reloads.

mod engines;
mod fields;
mod matrix;
#[cfg(test)]
mod tests;
mod users;
mod watch;

pub use engines::{PublishEngineDraft, check_engine};
pub use fields::{kind_from, options_from};

use credence_shared::Role;
use credence_shared::workflow::ApprovalMatrix;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::components::doc_editor::DocTab;
use crate::components::layout::use_current_user;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, t_string, use_i18n};

use engines::EngineTab;
use fields::FieldsTab;
use users::UsersTab;
use watch::{DataFeedsTab, DunningTab, WarningRulesTab, WebhooksTab};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Users,
    Fields,
    Matrix,
    Engine,
    WarningRules,
    Dunning,
    Webhooks,
    DataFeeds,
}

impl Tab {
    const ALL: [Tab; 8] = [
        Tab::Users,
        Tab::Fields,
        Tab::Matrix,
        Tab::Engine,
        Tab::WarningRules,
        Tab::Dunning,
        Tab::Webhooks,
        Tab::DataFeeds,
    ];

    fn name(self) -> &'static str {
        match self {
            Tab::Users => "users",
            Tab::Fields => "fields",
            Tab::Matrix => "matrix",
            Tab::Engine => "engine",
            Tab::WarningRules => "warning-rules",
            Tab::Dunning => "dunning",
            Tab::Webhooks => "webhooks",
            Tab::DataFeeds => "data-feeds",
        }
    }

    fn label(self) -> &'static str {
        let i18n = use_i18n();
        match self {
            Tab::Users => t_string!(i18n, admin_users),
            Tab::Fields => t_string!(i18n, admin_fields),
            Tab::Matrix => t_string!(i18n, admin_matrix),
            Tab::Engine => t_string!(i18n, admin_engine),
            Tab::WarningRules => t_string!(i18n, admin_warning_rules),
            Tab::Dunning => t_string!(i18n, admin_dunning),
            Tab::Webhooks => t_string!(i18n, admin_webhooks),
            Tab::DataFeeds => t_string!(i18n, admin_data_feeds),
        }
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let tab = RwSignal::new(Tab::Users);
    let is_admin = move || user.has_any(&[Role::Admin]);
    let loaded = move || user.0.get().is_some();
    view! {
        <div class="page page-admin">
            <h1 class="page-title">{t!(i18n, admin_title)}</h1>
            <Show when=loaded fallback=|| view! { <Loading /> }>
                <Show
                    when=is_admin
                    fallback=|| view! { <ErrorNotice error=ApiError::Forbidden /> }
                >
                    <div class="tabs" role="tablist">
                        {Tab::ALL.into_iter().map(|which| view! {
                            <button
                                type="button"
                                role="tab"
                                class="tab"
                                data-testid=format!("admin-tab-{}", which.name())
                                aria-selected=move || (tab.get() == which).to_string()
                                on:click=move |_| tab.set(which)
                            >
                                {move || which.label()}
                            </button>
                        }).collect_view()}
                    </div>
                    {move || match tab.get() {
                        Tab::Users => view! { <UsersTab /> }.into_any(),
                        Tab::Fields => view! { <FieldsTab /> }.into_any(),
                        Tab::Matrix => view! { <DocTab<ApprovalMatrix> /> }.into_any(),
                        Tab::Engine => view! { <EngineTab /> }.into_any(),
                        Tab::WarningRules => view! { <WarningRulesTab /> }.into_any(),
                        Tab::Dunning => view! { <DunningTab /> }.into_any(),
                        Tab::Webhooks => view! { <WebhooksTab /> }.into_any(),
                        Tab::DataFeeds => view! { <DataFeedsTab /> }.into_any(),
                    }}
                </Show>
            </Show>
        </div>
    }
}
