//! The engine tab: the scorecard model and policy versions, and publishing a new one.

use credence_shared::engine::{Policy, ScorecardModel};
use credence_shared::preview::EnginePreview;
use credence_shared::workflow::{EngineVersion, PublishEngine};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::doc_editor::{MessageList, ReasonField, required_reason};
use crate::components::form::{FieldErrors, FieldMessage, local_datetime, settle};
use crate::components::notice::{ErrorNotice, Loaded};
use crate::components::people::Person;
use crate::components::what_if::{self, WhatIf};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

/// Checks the model and policy JSON as the engine would read them.
pub fn check_engine(model: &str, policy: &str) -> Result<PublishEngineDraft, FieldErrors> {
    let mut errors = Vec::new();
    let mut parse =
        |field: &str, text: &str, check: fn(&serde_json::Value) -> Result<(), String>| {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(value) => match check(&value) {
                    Ok(()) => Some(value),
                    Err(message) => {
                        errors.push(credence_shared::dto::FieldError::new(
                            field,
                            credence_shared::messages::code::DOCUMENT_INVALID,
                            message,
                        ));
                        None
                    }
                },
                Err(e) => {
                    errors.push(credence_shared::dto::FieldError::new(
                        field,
                        credence_shared::messages::code::MALFORMED_JSON,
                        e.to_string(),
                    ));
                    None
                }
            }
        };
    let model = parse("model", model, |v| {
        serde_json::from_value::<ScorecardModel>(v.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    let policy = parse("policy", policy, |v| {
        serde_json::from_value::<Policy>(v.clone())
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
    match (model, policy) {
        (Some(model), Some(policy)) => Ok(PublishEngineDraft { model, policy }),
        _ => Err(FieldErrors(errors)),
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PublishEngineDraft {
    pub model: serde_json::Value,
    pub policy: serde_json::Value,
}

#[component]
pub(super) fn EngineTab() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let versions = LocalResource::new(move || api::engine_versions(session));
    let reload = Callback::new(move |()| versions.refetch());
    view! {
        <Loaded resource=versions let:list>
            {
                let active = list.iter().find(|v| v.active).cloned().or_else(|| list.first().cloned());
                view! {
                    <section class="card section" data-testid="admin-engine">
                        <h2 class="section-title">{t!(i18n, admin_engine)}</h2>
                        <ul class="version-list">
                            {list.into_iter().map(|v| view! { <VersionLine v reload /> }).collect_view()}
                        </ul>
                        <RegradeProgress />
                    </section>
                    <PublishForm active reload />
                }
            }
        </Loaded>
    }
}

/// The re-grade after a publish or an activation: while this page is open it runs the
/// job's steps one after another and shows how far it is (the daily pass finishes it
/// otherwise).
#[component]
fn RegradeProgress() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let job = RwSignal::new(None::<credence_shared::credit::RegradeJob>);
    let failure = RwSignal::new(None::<ApiError>);
    leptos::task::spawn_local(async move {
        let mut current = api::regrade_status(session).await;
        loop {
            match current {
                Ok(Some(j)) => {
                    let finished = j.finished;
                    job.set(Some(j));
                    if finished {
                        break;
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    failure.set(Some(e));
                    break;
                }
            }
            current = api::regrade_step(session).await;
        }
    });
    view! {
        {move || job.get().map(|j| {
            let (version, done, recomputed, changed) = (j.engine_version, j.done, j.recomputed, j.changed);
            let status = if j.finished {
                t!(i18n, regrade_finished, version, done, recomputed, changed).into_any()
            } else {
                t!(i18n, regrade_running, version, done, recomputed, changed).into_any()
            };
            view! {
                <p class="notice" role="status" data-testid="engine-regrade" data-finished=j.finished.to_string()>
                    {status}
                </p>
            }
        })}
        {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
    }
}

#[component]
fn VersionLine(v: EngineVersion, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let version = v.version;
    let activate = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        async move {
            match api::activate_engine(session, version, &reason).await {
                Ok(()) => reload.run(()),
                Err(error) => settle(error, fields, failure, || reload.run(())),
            }
        }
    });
    let on_activate = move |_| {
        failure.set(None);
        if let Some(e) = required_reason(reason) {
            fields.set(e);
            return;
        }
        fields.set(FieldErrors::default());
        activate.dispatch_local(reason.get_untracked().trim().to_owned());
    };
    view! {
        <li class="version-line" class:active=v.active data-testid="engine-version">
            <div class="version-head">
                <strong>{t!(i18n, version_n, version)}</strong>
                {v.active.then(|| view! { <span class="badge status-approved">{t!(i18n, in_force_badge)}</span> })}
                <span class="muted small"><Person name=v.published_by.clone() /> " · " {local_datetime(v.published_at)}</span>
                {(!v.active).then(|| view! {
                    <button type="button" class="button button-secondary button-small version-activate" data-testid="engine-activate"
                        hidden=move || open.get() on:click=move |_| open.set(true)>
                        {t!(i18n, activate)}
                    </button>
                })}
            </div>
            <p class="small">{v.reason.clone()}</p>
            {v.has_report.then(|| view! {
                <a class="small" href=format!("/lab/reports/{version}") data-testid="engine-report-link">{t!(i18n, engine_report_link)}</a>
            })}
            <Show when=move || open.get()>
                <div class="editor">
                    <ReasonField id=format!("activate-{version}-reason") value=reason error=Signal::derive(move || fields.with(|e| e.get("reason"))) />
                    {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                    <div class="form-actions">
                        <button type="button" class="button button-primary" data-testid="engine-activate-confirm"
                            disabled=move || activate.pending().get() on:click=on_activate>
                            {t!(i18n, activate_version, version)}
                        </button>
                        <button type="button" class="button button-secondary" on:click=move |_| open.set(false)>{t!(i18n, cancel)}</button>
                    </div>
                </div>
            </Show>
        </li>
    }
}

#[component]
fn PublishForm(active: Option<EngineVersion>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let model = RwSignal::new(
        active
            .as_ref()
            .map(|a| pretty(&a.model))
            .unwrap_or_default(),
    );
    let policy = RwSignal::new(
        active
            .as_ref()
            .map(|a| pretty(&a.policy))
            .unwrap_or_default(),
    );
    let reason = RwSignal::new(String::new());
    let server = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let checked = Memo::new(move |_| model.with(|m| policy.with(|p| check_engine(m, p))));
    let shown = Signal::derive(move || {
        let s = server.get();
        if !s.is_empty() {
            return s;
        }
        checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())
    });
    let publish = Action::new_local(move |body: &PublishEngine| {
        let body = body.clone();
        async move {
            match api::publish_engine(session, &body).await {
                Ok(()) => reload.run(()),
                Err(error) => settle(error, server, failure, || reload.run(())),
            }
        }
    });
    let on_publish = move |_| {
        failure.set(None);
        server.set(FieldErrors::default());
        if let Some(e) = required_reason(reason) {
            server.set(e);
            return;
        }
        if let Ok(draft) = checked.get_untracked() {
            publish.dispatch_local(PublishEngine {
                model: draft.model,
                policy: draft.policy,
                reason: reason.get_untracked().trim().to_owned(),
                report: None,
            });
        }
    };
    // What the candidate would change, counted page by page before anything is published.
    let preview = RwSignal::new(None::<(EnginePreview, bool)>);
    let run_preview = Action::new_local(move |_: &()| async move {
        let Ok(draft) = checked.get_untracked() else {
            return;
        };
        failure.set(None);
        let progress = move |total, done| preview.set(Some((total, done)));
        if let Err(error) = what_if::run(session, draft.model, draft.policy, progress).await {
            settle(error, server, failure, || {});
        }
    });
    let error = move |f: &'static str| Signal::derive(move || shown.with(|e| e.get(f)));
    view! {
        <section class="card section" data-testid="engine-publish">
            <h2 class="section-title">{t!(i18n, engine_publish)}</h2>
            <p class="muted small">{t!(i18n, engine_publish_hint)}</p>
            <div class="grid-fields wide">
                <div class="field">
                    <label for="engine-model">{t!(i18n, engine_model_json)}</label>
                    <textarea id="engine-model" class="mono code" rows="16" spellcheck="false" data-testid="engine-model"
                        aria-invalid=move || error("model").with(Option::is_some).to_string()
                        prop:value=move || model.get() on:input=move |e| model.set(event_target_value(&e))></textarea>
                    <FieldMessage id="engine-model-error" message=error("model") />
                </div>
                <div class="field">
                    <label for="engine-policy">{t!(i18n, engine_policy_json)}</label>
                    <textarea id="engine-policy" class="mono code" rows="16" spellcheck="false" data-testid="engine-policy"
                        aria-invalid=move || error("policy").with(Option::is_some).to_string()
                        prop:value=move || policy.get() on:input=move |e| policy.set(event_target_value(&e))></textarea>
                    <FieldMessage id="engine-policy-error" message=error("policy") />
                </div>
            </div>
            <div class="save-bar">
                <ReasonField id="engine-reason" value=reason error=error("reason") />
                <MessageList errors=Signal::derive(move || FieldErrors(shown.with(|e| e.others(&["reason", "model", "policy"])))) />
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                {move || preview.get().map(|(p, done)| view! { <WhatIf preview=p done /> })}
                <button type="button" class="button button-secondary" data-testid="engine-preview"
                    disabled=move || run_preview.pending().get() || checked.with(Result::is_err)
                    on:click=move |_| { run_preview.dispatch_local(()); }>
                    {t!(i18n, engine_preview)}
                </button>
                <button type="button" class="button button-primary" data-testid="engine-publish-submit"
                    disabled=move || publish.pending().get() || checked.with(Result::is_err) on:click=on_publish>
                    {t!(i18n, publish)}
                </button>
            </div>
        </section>
    }
}
