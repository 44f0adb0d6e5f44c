//! `/lab/reports/{version}` (risk, admin): the fitting report kept with an engine version
//! published from the lab, read only and printable — what the risk committee approved.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::LAB_USERS;
use crate::api::{self, ApiError};
use crate::components::layout::use_current_user;
use crate::components::notice::{ErrorNotice, Loaded, Loading};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

#[component]
pub fn KeptReportPage() -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let session = use_session();
    let params = use_params_map();
    let version = move || {
        params
            .with(|p| p.get("version"))
            .and_then(|v| v.parse::<u32>().ok())
    };
    let report = LocalResource::new(move || {
        let version = version();
        async move {
            match version {
                Some(v) => api::lab_report(session, v).await.map(Arc::new),
                None => Err(ApiError::NotFound),
            }
        }
    });
    let loaded = move || user.0.get().is_some();
    let allowed = move || user.has_any(&LAB_USERS);
    let shown = move || version().map_or_else(|| "—".to_owned(), |v| v.to_string());
    view! {
        <style>{super::LAB_CSS}</style>
        <div class="page page-lab">
            <h1 class="page-title">{move || t!(i18n, lab_stored_report, version = shown())}</h1>
            <p class="muted page-lead">{move || t!(i18n, lab_stored_report_lead, version = shown())}</p>
            <Show when=loaded fallback=|| view! { <Loading /> }>
                <Show when=allowed fallback=|| view! { <ErrorNotice error=ApiError::Forbidden /> }>
                    <Loaded resource=report children=|report| view! { <super::report::KeptReport report /> } />
                </Show>
            </Show>
        </div>
    }
}
