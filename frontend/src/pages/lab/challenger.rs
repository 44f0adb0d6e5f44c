//! Champion / challenger on the lab screen: what runs in shadow now (or ran last); for an
//! admin with a fitted model, starting it as the challenger on a share of the customers
//! (with the policy in force) and stopping it; for risk and admins, the comparison — both
//! scored as of the challenger's start and judged on the outcomes since, read page by page —
//! and the request to put the challenger in force, which goes through the approval matrix.

use std::sync::Arc;

use credence_shared::lab::challenger::{
    Challenger, ComparisonPage, ComparisonRequest, StartChallenger,
};
use credence_shared::lab::{OutcomeSource, Performance};
use leptos::prelude::*;

use super::Fit;
use super::words::headline;
use crate::api::{self, ApiError};
use crate::components::doc_editor::{ReasonField, required_reason};
use crate::components::form::{FieldErrors, TextField, local_datetime, settle};
use crate::components::notice::ErrorNotice;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

#[component]
pub fn ChallengerSection(fitted: RwSignal<Option<Arc<Fit>>>, is_admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = LocalResource::new(move || api::challenger(session));
    let reload = Callback::new(move |()| current.refetch());
    view! {
        <section class="card section lab-challenger" data-testid="lab-challenger" aria-labelledby="lab-challenger-title">
            <h2 class="section-title" id="lab-challenger-title">{t!(i18n, challenger_title)}</h2>
            <p class="muted small">{t!(i18n, challenger_hint)}</p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match current.await {
                        Ok(challenger) => view! {
                            <Status challenger=challenger.clone() />
                            {challenger.filter(Challenger::is_running).map(|_| view! {
                                <Compare />
                                <Promote />
                                {is_admin.then(|| view! { <Stop reload /> })}
                            })}
                        }
                        .into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
            {move || (is_admin && fitted.get().is_some()).then(|| view! { <Start fitted reload /> })}
        </section>
    }
}

#[component]
fn Status(challenger: Option<Challenger>) -> impl IntoView {
    let i18n = use_i18n();
    let Some(c) = challenger else {
        return view! { <p data-testid="challenger-status" data-state="none">{t!(i18n, challenger_none)}</p> }
            .into_any();
    };
    let model = c
        .model
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("—")
        .to_owned();
    let (id, share, since, by) = (
        c.id,
        c.share_percent,
        local_datetime(c.started_at),
        c.started_by.clone(),
    );
    let state = match &c.ended {
        None => "running",
        Some(end) if end.promoted_to.is_some() => "promoted",
        Some(_) => "stopped",
    };
    let ended = c.ended.clone().map(|end| {
        let at = local_datetime(end.at);
        match end.promoted_to {
            Some(version) => t!(i18n, challenger_promoted, version, at).into_any(),
            None => t!(
                i18n,
                challenger_stopped,
                by = end.by.clone(),
                at,
                reason = end.reason.clone()
            )
            .into_any(),
        }
    });
    view! {
        <div data-testid="challenger-status" data-state=state>
            <p>{t!(i18n, challenger_running, id, model = model.clone(), share, since, by = by.clone())}</p>
            <p class="muted small">{c.reason.clone()}</p>
            {ended.map(|e| view! { <p class="notice">{e}</p> })}
        </div>
    }
    .into_any()
}

/// Reads every page of the comparison and shows both figures side by side.
#[component]
fn Compare() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let total = RwSignal::new(None::<(ComparisonPage, bool)>);
    let failure = RwSignal::new(None::<ApiError>);
    let source = RwSignal::new(OutcomeSource::Ledger);
    let run = Action::new_local(move |_: &()| async move {
        failure.set(None);
        let mut sum: Option<ComparisonPage> = None;
        let mut cursor = None;
        loop {
            let body = ComparisonRequest {
                bad_dpd_days: 90,
                outcome_source: source.get_untracked(),
                cursor: cursor.take(),
            };
            match api::challenger_comparison(session, &body).await {
                Ok(page) => {
                    let done = page.next_cursor.is_none();
                    let next = page.next_cursor.clone();
                    match sum.as_mut() {
                        Some(s) => s.add(&page),
                        None => sum = Some(page),
                    }
                    total.set(sum.clone().map(|s| (s, done)));
                    if done {
                        return;
                    }
                    cursor = next;
                }
                Err(error) => return failure.set(Some(error)),
            }
        }
    });
    view! {
        <div class="lab-compare-challenger">
            <div class="field">
                <label for="challenger-source">{t!(i18n, lab_outcome_source)}</label>
                <select id="challenger-source" data-testid="challenger-source"
                    on:change=move |e| source.set(if event_target_value(&e) == "imported" { OutcomeSource::Imported } else { OutcomeSource::Ledger })>
                    <option value="ledger">{t!(i18n, lab_source_ledger)}</option>
                    <option value="imported">{t!(i18n, lab_source_imported)}</option>
                </select>
            </div>
            <button type="button" class="button button-secondary" data-testid="challenger-compare"
                disabled=move || run.pending().get() on:click=move |_| { run.dispatch_local(()); }>
                {t!(i18n, challenger_compare)}
            </button>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {move || total.get().map(|(page, done)| view! { <ComparisonTable page done /> })}
        </div>
    }
}

#[component]
fn ComparisonTable(page: ComparisonPage, done: bool) -> impl IntoView {
    let i18n = use_i18n();
    let compared = page.compare();
    let cell = |p: &Option<Performance>, f: fn(&Performance) -> String| {
        p.as_ref().map(f).unwrap_or_else(|| "—".to_owned())
    };
    let row = |label: fn() -> &'static str, f: fn(&Performance) -> String| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td class="num">{cell(&compared.champion, f)}</td>
                <td class="num">{cell(&compared.challenger, f)}</td>
            </tr>
        }
    };
    let (customers, bads) = (compared.customers, compared.bads);
    let (same, other, not_judged) = (page.same_grade, page.other_grade, page.not_judged);
    let since = page.since.to_string();
    view! {
        <div class="table-scroll" data-testid="challenger-comparison" data-finished=done.to_string()>
            <p class="small">{t!(i18n, challenger_judged, customers, bads, since, not_judged)}</p>
            {(bads == 0 || bads == customers).then(|| view! {
                <p class="notice small" data-testid="challenger-no-outcomes">{t!(i18n, challenger_no_outcomes)}</p>
            })}
            <table class="table lab-compare">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, lab_figure)}</th>
                        <th scope="col" class="num">{t!(i18n, lab_champion)}</th>
                        <th scope="col" class="num">{t!(i18n, challenger_label)}</th>
                    </tr>
                </thead>
                <tbody>
                    {row(|| t_string!(use_i18n(), lab_auc), |p| headline(p.auc))}
                    {row(|| t_string!(use_i18n(), lab_gini), |p| headline(p.gini))}
                    {row(|| t_string!(use_i18n(), lab_ks), |p| headline(p.ks))}
                </tbody>
            </table>
            <p class="small muted" data-testid="challenger-agreement">{t!(i18n, challenger_agreement, same, other)}</p>
        </div>
    }
}

/// Asks for the challenger to be put in force (through the approval matrix).
#[component]
fn Promote() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let justification = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let filed = RwSignal::new(None::<String>);
    let file = Action::new_local(move |text: &String| {
        let text = text.clone();
        async move {
            match api::promote_challenger(session, &text).await {
                Ok(request) => filed.set(Some(request.subject.app_path(&request.id))),
                Err(error) => settle(error, fields, failure, || {}),
            }
        }
    });
    let on_file = move |_| {
        failure.set(None);
        fields.set(FieldErrors::default());
        file.dispatch_local(justification.get_untracked().trim().to_owned());
    };
    view! {
        <div class="lab-promote">
            <TextField id="challenger-justification" label=move || t_string!(use_i18n(), challenger_justification)
                value=justification on_input=Callback::new(move |v| justification.set(v))
                message=Signal::derive(move || fields.with(|e| e.get("justification"))) rows=2 />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {move || filed.get().map(|path| view! {
                <p class="notice notice-ok" role="status" data-testid="challenger-promotion-filed">
                    {t!(i18n, challenger_promotion_filed)} " " <a href=path>{t!(i18n, challenger_open_request)}</a>
                </p>
            })}
            <button type="button" class="button button-primary" data-testid="challenger-promote"
                disabled=move || file.pending().get() on:click=on_file>
                {t!(i18n, challenger_promote)}
            </button>
        </div>
    }
}

#[component]
fn Stop(reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let stop = Action::new_local(move |reason: &String| {
        let reason = reason.clone();
        async move {
            match api::stop_challenger(session, &reason).await {
                Ok(_) => reload.run(()),
                Err(error) => settle(error, fields, failure, || reload.run(())),
            }
        }
    });
    let on_stop = move |_| {
        failure.set(None);
        if let Some(missing) = required_reason(reason) {
            fields.set(missing);
            return;
        }
        fields.set(FieldErrors::default());
        stop.dispatch_local(reason.get_untracked().trim().to_owned());
    };
    view! {
        <div class="lab-stop lab-no-print">
            <ReasonField id="challenger-stop-reason" value=reason error=Signal::derive(move || fields.with(|e| e.get("reason"))) />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <button type="button" class="button button-secondary" data-testid="challenger-stop"
                disabled=move || stop.pending().get() on:click=on_stop>
                {t!(i18n, challenger_stop)}
            </button>
        </div>
    }
}

/// Starts the fitted model as the challenger, with the policy in force (admin).
#[component]
fn Start(fitted: RwSignal<Option<Arc<Fit>>>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let share = RwSignal::new("100".to_owned());
    let reason = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let start = Action::new_local(move |(share, reason): &(u8, String)| {
        let (share, reason) = (*share, reason.clone());
        let fit = fitted.get_untracked();
        async move {
            let Some(fit) = fit else { return };
            let (_, model, policy) = match super::model::with_policy_in_force(session, &fit).await {
                Ok(parts) => parts,
                Err(error) => return failure.set(Some(error)),
            };
            let body = StartChallenger {
                model,
                policy,
                share_percent: share,
                reason,
            };
            match api::start_challenger(session, &body).await {
                Ok(_) => reload.run(()),
                Err(error) => settle(error, fields, failure, || {}),
            }
        }
    });
    let on_start = move |_| {
        failure.set(None);
        fields.set(FieldErrors::default());
        let Some(percent) = share
            .get_untracked()
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|p| (1..=100).contains(p))
        else {
            let message = t_string!(i18n, challenger_share_range).to_owned();
            fields.set(FieldErrors::one("share_percent", &message));
            return;
        };
        if let Some(missing) = required_reason(reason) {
            fields.set(missing);
            return;
        }
        start.dispatch_local((percent, reason.get_untracked().trim().to_owned()));
    };
    view! {
        <div class="lab-start lab-no-print" data-testid="challenger-start-form">
            <h3 class="subheading">{t!(i18n, challenger_start_title)}</h3>
            <TextField id="challenger-share" label=move || t_string!(use_i18n(), challenger_share)
                value=share on_input=Callback::new(move |v| share.set(v))
                message=Signal::derive(move || fields.with(|e| e.get("share_percent")))
                inputmode="numeric" testid="challenger-share" />
            <ReasonField id="challenger-reason" value=reason error=Signal::derive(move || fields.with(|e| e.get("reason"))) />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <button type="button" class="button button-primary" data-testid="challenger-start"
                disabled=move || start.pending().get() on:click=on_start>
                {t!(i18n, challenger_start)}
            </button>
        </div>
    }
}
