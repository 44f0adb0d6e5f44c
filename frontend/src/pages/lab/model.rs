//! What to do with a fitted model: download it as the engine's JSON, print the report, and
//! (admins) run the what-if of the model with the policy in force and publish it with its
//! report, through the same calls the engine tab uses. Risk users are told that an admin
//! publishes.

use std::sync::Arc;

use credence_shared::lab::candidates_of;
use credence_shared::preview::EnginePreview;
use credence_shared::workflow::{EngineInForce, PublishEngine};
use leptos::prelude::*;

use super::Fit;
use crate::api::{self, ApiError};
use crate::components::doc_editor::{MessageList, ReasonField, required_reason};
use crate::components::download::download_bytes;
use crate::components::form::{FieldErrors, settle};
use crate::components::notice::ErrorNotice;
use crate::components::what_if::{self, WhatIf};
use crate::i18n::{t, use_i18n};
use crate::session::{Session, use_session};

/// The file name of a downloaded model: `{id}-v{version}.json`.
pub fn file_name(fit: &Fit) -> String {
    let id: String = fit
        .model
        .id()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{id}-v{}.json", fit.model.version())
}

/// The fitted model and the policy in force as the engine's JSON (what the what-if, a
/// challenger and a publish send), with the engine in force they were read beside.
pub(super) async fn with_policy_in_force(
    session: Session,
    fit: &Fit,
) -> Result<(EngineInForce, serde_json::Value, serde_json::Value), ApiError> {
    let engine = api::engine(session).await?;
    match (
        serde_json::to_value(&fit.model),
        serde_json::to_value(&engine.policy),
    ) {
        (Ok(model), Ok(policy)) => Ok((engine, model, policy)),
        _ => Err(ApiError::Decode("the model did not serialise".into())),
    }
}

#[component]
pub fn ModelSection(fit: Arc<Fit>, is_admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let stored = StoredValue::new(fit);
    let download = move |_| {
        stored.with_value(|fit| {
            if let Ok(json) = serde_json::to_string_pretty(&fit.model) {
                download_bytes(&file_name(fit), json.as_bytes(), "application/json");
            }
        });
    };
    let print = move |_| {
        let _ = window().print();
    };
    view! {
        <section class="card section lab-model" data-testid="lab-model" aria-labelledby="lab-model-title">
            <h2 class="section-title" id="lab-model-title">{t!(i18n, lab_model_title)}</h2>
            <div class="form-actions lab-no-print">
                <button type="button" class="button button-secondary" data-testid="lab-download" on:click=download>
                    {t!(i18n, lab_download)}
                </button>
                <button type="button" class="button button-ghost" data-testid="lab-print" on:click=print>
                    {t!(i18n, lab_print)}
                </button>
            </div>
            {if is_admin {
                view! { <LabWhatIf fit=stored /> <Publish fit=stored /> }.into_any()
            } else {
                view! {
                    <p class="notice small" data-testid="lab-publish-note">{t!(i18n, lab_publish_risk_note)}</p>
                }
                .into_any()
            }}
        </section>
    }
}

/// The admin's what-if: the fitted model with the policy in force over every customer.
#[component]
fn LabWhatIf(fit: StoredValue<Arc<Fit>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let failure = RwSignal::new(None::<ApiError>);
    let result = RwSignal::new(None::<(EnginePreview, bool)>);
    let run = Action::new_local(move |_: &()| {
        let fit = fit.get_value();
        async move {
            failure.set(None);
            let (_, model, policy) = match with_policy_in_force(session, &fit).await {
                Ok(parts) => parts,
                Err(error) => return failure.set(Some(error)),
            };
            let progress = move |total, done| result.set(Some((total, done)));
            if let Err(error) = what_if::run(session, model, policy, progress).await {
                failure.set(Some(error));
            }
        }
    });
    view! {
        <div class="lab-what-if lab-no-print" data-testid="lab-what-if">
            <h3 class="subheading">{t!(i18n, lab_what_if)}</h3>
            <p class="muted small">{t!(i18n, lab_what_if_hint)}</p>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {move || result.get().map(|(preview, done)| view! { <WhatIf preview done /> })}
            <button type="button" class="button button-secondary" data-testid="lab-what-if-run"
                disabled=move || run.pending().get() on:click=move |_| { run.dispatch_local(()); }>
                {t!(i18n, engine_preview)}
            </button>
        </div>
    }
}

/// The admin's publish: a reason, then the model with the policy in force.
#[component]
fn Publish(fit: StoredValue<Arc<Fit>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let changed = RwSignal::new(false);
    let published = RwSignal::new(false);
    let publish = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        let fit = fit.get_value();
        async move {
            // The policy in force now, and a check that the model is still the one the
            // sample was read for.
            let (engine, model, policy) = match with_policy_in_force(session, &fit).await {
                Ok(parts) => parts,
                Err(error) => return failure.set(Some(error)),
            };
            let codes: Vec<String> = candidates_of(&engine.model)
                .iter()
                .map(|c| c.code.to_string())
                .collect();
            if codes != fit.codes {
                changed.set(true);
                return;
            }
            let body = PublishEngine {
                model,
                policy,
                reason,
                report: Some(Box::new((*fit.report).clone())),
            };
            match api::publish_engine(session, &body).await {
                Ok(()) => published.set(true),
                Err(error) => settle(error, fields, failure, || {}),
            }
        }
    });
    let on_publish = move |_| {
        failure.set(None);
        changed.set(false);
        published.set(false);
        fields.set(FieldErrors::default());
        if let Some(missing) = required_reason(reason) {
            fields.set(missing);
            return;
        }
        publish.dispatch_local(reason.get_untracked().trim().to_owned());
    };
    view! {
        <div class="save-bar lab-no-print">
            <p class="muted small">{t!(i18n, lab_publish_hint)}</p>
            <ReasonField id="lab-reason" value=reason error=Signal::derive(move || fields.with(|e| e.get("reason"))) />
            <MessageList errors=Signal::derive(move || FieldErrors(fields.with(|e| e.others(&["reason"])))) />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <Show when=move || changed.get()>
                <p class="notice notice-error" role="alert" data-testid="lab-publish-changed">{t!(i18n, lab_model_changed)}</p>
            </Show>
            <Show when=move || published.get()>
                <p class="notice notice-ok" role="status" data-testid="lab-published">{t!(i18n, lab_published)}</p>
            </Show>
            <button type="button" class="button button-primary" data-testid="lab-publish"
                disabled=move || publish.pending().get() on:click=on_publish>
                {t!(i18n, publish)}
            </button>
        </div>
    }
}
