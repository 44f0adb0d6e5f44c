//! Collection tasks by hand: opening one for someone (`NewTaskForm`, on the customer's
//! collections) and handing an open one to someone else (`HandOver`, on each task).

use credence_shared::CustomerId;
use credence_shared::watch::{CollectionTask, DunningAction, NewTask, TaskReassign};
use credence_shared::workflow::PersonName;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::form::{FieldErrors, report};
use crate::components::notice::ErrorNotice;
use crate::components::wording::dunning_word;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

const ACTIONS: [DunningAction; 5] = [
    DunningAction::Call,
    DunningAction::Reminder,
    DunningAction::Escalate,
    DunningAction::Legal,
    DunningAction::Hold,
];

/// The people a task can go to, by display name.
fn people_options(people: &[PersonName], chosen: RwSignal<String>) -> impl IntoView + use<> {
    people
        .iter()
        .map(|p| {
            let username = p.username.clone();
            let selected = {
                let username = username.clone();
                move || chosen.get() == username
            };
            view! {
                <option value=username.clone() selected=selected>
                    {format!("{} ({})", p.display_name, p.username)}
                </option>
            }
        })
        .collect_view()
}

/// A unique key for a form filled once (a second click sends the same task).
fn fresh_key() -> String {
    format!("app-task:{}", js_sys::Date::now() as u64)
}

#[component]
pub fn NewTaskForm(id: CustomerId, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let action = RwSignal::new(DunningAction::Call);
    let reason = RwSignal::new(String::new());
    let assignee = RwSignal::new(String::new());
    let key = StoredValue::new(fresh_key());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let people = LocalResource::new(move || api::people(session));
    let id = StoredValue::new(id);
    let save = Action::new_local(move |body: &NewTask| {
        let body = body.clone();
        async move {
            match api::open_task(session, &id.get_value(), &body).await {
                Ok(_) => {
                    reason.set(String::new());
                    key.set_value(fresh_key());
                    open.set(false);
                    on_saved.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let text = reason.get_untracked().trim().to_owned();
        if text.is_empty() {
            fields.set(FieldErrors::one("reason", "1 to 500 characters"));
            return;
        }
        fields.set(FieldErrors::default());
        let who = assignee.get_untracked();
        save.dispatch_local(NewTask {
            idempotency_key: key.get_value(),
            action: action.get_untracked(),
            reason: text,
            assignee: (!who.is_empty()).then_some(who),
        });
    };
    let reason_error = move || {
        fields
            .get()
            .get("reason")
            .map(|_| t_string!(i18n, task_reason_required).to_owned())
    };
    view! {
        <div class="task-new">
            <Show when=move || !open.get()>
                <button type="button" class="button button-secondary button-small"
                    data-testid="task-new" on:click=move |_| open.set(true)>
                    {t!(i18n, task_new)}
                </button>
            </Show>
            <Show when=move || open.get()>
                <form class="card task-form" data-testid="task-form" on:submit=submit novalidate>
                    <label class="field">
                        <span class="field-label">{t!(i18n, task_action)}</span>
                        <select class="input" data-testid="task-action"
                            on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(a) = ACTIONS.into_iter().find(|a| a.as_str() == v) {
                                    action.set(a);
                                }
                            }>
                            {ACTIONS.into_iter().map(|a| view! {
                                <option value=a.as_str() selected=move || action.get() == a>
                                    {move || dunning_word(i18n.get_locale(), a)}
                                </option>
                            }).collect_view()}
                        </select>
                    </label>
                    <label class="field">
                        <span class="field-label">{t!(i18n, task_reason)}</span>
                        <textarea class="input" rows="2" data-testid="task-reason"
                            aria-invalid=move || reason_error().is_some().to_string()
                            prop:value=move || reason.get()
                            on:input=move |ev| {
                                reason.set(event_target_value(&ev));
                                fields.set(FieldErrors::default());
                            }></textarea>
                        {move || reason_error().map(|m| view! {
                            <span class="field-error" role="alert" data-testid="task-reason-error">{m}</span>
                        })}
                    </label>
                    <label class="field">
                        <span class="field-label">{t!(i18n, task_assignee)}</span>
                        <select class="input" data-testid="task-assignee"
                            on:change=move |ev| assignee.set(event_target_value(&ev))>
                            <option value="" selected=move || assignee.get().is_empty()>
                                {t!(i18n, task_assignee_me)}
                            </option>
                            {move || people.get().and_then(Result::ok).map(|list| people_options(&list, assignee))}
                        </select>
                        {move || fields.get().get("assignee").map(|_| view! {
                            <span class="field-error" role="alert">{t!(i18n, task_assignee_unknown)}</span>
                        })}
                    </label>
                    {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                    <div class="form-actions">
                        <button type="submit" class="button button-primary button-small"
                            data-testid="task-submit" disabled=move || save.pending().get()>
                            {t!(i18n, task_open)}
                        </button>
                        <button type="button" class="button button-ghost button-small"
                            on:click=move |_| open.set(false)>
                            {t!(i18n, cancel)}
                        </button>
                    </div>
                </form>
            </Show>
        </div>
    }
}

/// "Hand over…" on an open task: choose the person, and the task moves to their worklist.
#[component]
pub fn HandOver(task: CollectionTask, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let to = RwSignal::new(String::new());
    let failure = RwSignal::new(None::<ApiError>);
    let fields = RwSignal::new(FieldErrors::default());
    let people = LocalResource::new(move || api::people(session));
    let target = StoredValue::new((task.customer_id.clone(), task.id.clone(), task.version));
    let current = task.assignee.clone();
    let hand = Action::new_local(move |assignee: &String| {
        let assignee = assignee.clone();
        let (customer, id, version) = target.get_value();
        async move {
            let body = TaskReassign {
                assignee,
                version,
                note: String::new(),
            };
            match api::reassign_task(session, &customer, &id, &body).await {
                Ok(_) => {
                    open.set(false);
                    on_changed.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    view! {
        <div class="task-handover">
            <Show when=move || !open.get()>
                <button type="button" class="button button-ghost button-small"
                    data-testid="task-handover" on:click=move |_| open.set(true)>
                    {t!(i18n, task_handover)}
                </button>
            </Show>
            <Show when=move || open.get()>
                <div class="inline-form">
                    <select class="input" data-testid="task-handover-to"
                        aria-label=move || t_string!(i18n, task_assignee)
                        on:change=move |ev| to.set(event_target_value(&ev))>
                        <option value="" selected=move || to.get().is_empty()>"—"</option>
                        {
                            let current = current.clone();
                            move || people.get().and_then(Result::ok).map(|list| {
                                let others: Vec<PersonName> =
                                    list.into_iter().filter(|p| p.username != current).collect();
                                people_options(&others, to)
                            })
                        }
                    </select>
                    <button type="button" class="button button-primary button-small"
                        data-testid="task-handover-submit"
                        disabled=move || to.get().is_empty() || hand.pending().get()
                        on:click=move |_| { hand.dispatch_local(to.get_untracked()); }>
                        {t!(i18n, task_handover_submit)}
                    </button>
                </div>
            </Show>
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        </div>
    }
}
