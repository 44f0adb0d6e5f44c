//! A customer's collections on their page: aging (disputed parts included), promises to
//! pay, open tasks, open alerts and the activity log, with the forms to record a promise
//! and to add a note. The open promise also shows on the position card, so whoever takes
//! the next order sees it.

use credence_shared::watch::{
    Activity, AgingBucket, CollectionsView, DunningSummary, NewNote, NewPromise, Promise,
    PromiseStatus,
};
use credence_shared::{Currency, CustomerId, Money};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::api::{self, ApiError};
use crate::components::form::{
    FieldErrors, TextField, days_after, invalid_date, local_datetime, message_about, parse_date,
    parse_money, report, required, today,
};
use crate::components::layout::{CASE_WORKERS, refresh_nav_counts};
use crate::components::money::{Amount, format_money};
use crate::components::notice::{ErrorNotice, Loaded};
use crate::components::people::Person;
use crate::components::watch::{
    AlertLine, DunningBadge, TaskLine, activity_label, promise_status_label, promise_status_name,
};
use crate::components::wording::{RuleNames, activity_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// The loaded collections of the customer on the page.
pub type CollectionsResource = LocalResource<Result<CollectionsView, ApiError>>;

/// Activity lines shown before "Show all".
const ACTIVITY_PREVIEW: usize = 10;

/// Open promises, soonest first.
pub fn open_promises(promises: &[Promise]) -> Vec<Promise> {
    let mut open: Vec<Promise> = promises
        .iter()
        .filter(|p| p.status == PromiseStatus::Open)
        .cloned()
        .collect();
    open.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    open
}

/// Open promises first (soonest first), then the others, newest first.
fn promises_in_order(promises: &[Promise]) -> Vec<Promise> {
    let mut rest: Vec<Promise> = promises
        .iter()
        .filter(|p| p.status != PromiseStatus::Open)
        .cloned()
        .collect();
    rest.sort_by_key(|p| std::cmp::Reverse(p.date));
    let mut all = open_promises(promises);
    all.extend(rest);
    all
}

/// The next open promise, prominent on the position card, and how many more there are.
#[component]
pub fn PromiseShown(collections: CollectionsResource) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let open = collections
            .get()
            .and_then(Result::ok)
            .map(|v| open_promises(&v.promises))
            .unwrap_or_default();
        let more = open.len().saturating_sub(1);
        open.into_iter().next().map(|p| {
            let date = p.date.to_string();
            let data_date = date.clone();
            let amount = format_money(&p.amount);
            view! {
                <p class="promise-shown" data-testid="promise-shown" data-date=data_date>
                    <span class="promise-mark" aria-hidden="true">"◷"</span>
                    <span class="promise-body">
                        <strong>{t!(i18n, promise_shown, date, amount)}</strong>
                        {(more > 0).then(|| view! {
                            <span class="muted small block">{t!(i18n, promise_more, count = more)}</span>
                        })}
                    </span>
                </p>
            }
        })
    }
}

/// The collections section of the customer page.
#[component]
pub fn CollectionsSection(
    id: CustomerId,
    currency: Currency,
    overdue: Money,
    collections: CollectionsResource,
) -> impl IntoView {
    let i18n = use_i18n();
    let promising = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let id = StoredValue::new(id);
    let reload = Callback::new(move |()| collections.refetch());
    // Scroll here once per visit, not again each time the data reloads.
    let scrolled = StoredValue::new(false);
    let on_promised = Callback::new(move |()| {
        promising.set(false);
        saved.set(true);
        collections.refetch();
    });
    view! {
        <section
            class="card section collections"
            id="section-collections"
            data-testid="collections"
            aria-labelledby="section-collections-title"
        >
            <div class="section-head">
                <h2 class="section-title" id="section-collections-title">{t!(i18n, collections_title)}</h2>
                <button
                    type="button"
                    class="button button-primary button-small"
                    data-testid="promise-open"
                    aria-expanded=move || promising.get().to_string()
                    aria-controls="promise-form"
                    hidden=move || promising.get()
                    on:click=move |_| {
                        saved.set(false);
                        promising.set(true);
                    }
                >
                    <span aria-hidden="true">"＋ "</span>
                    {t!(i18n, promise_open)}
                </button>
            </div>
            <Show when=move || saved.get()>
                <p class="notice notice-ok small" role="status" data-testid="promise-saved">{t!(i18n, promise_saved)}</p>
            </Show>
            <Show when=move || promising.get()>
                <PromiseForm
                    id=id.get_value()
                    currency
                    overdue
                    on_saved=on_promised
                    on_cancel=Callback::new(move |()| promising.set(false))
                />
            </Show>
            <Loaded resource=collections let:loaded>
                <CollectionsBody view=loaded reload scrolled />
            </Loaded>
        </section>
    }
}

#[component]
fn CollectionsBody(
    view: CollectionsView,
    reload: Callback<()>,
    scrolled: StoredValue<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    scroll_here_when_linked(scrolled);
    let promises = promises_in_order(&view.promises);
    let tasks = view.tasks;
    // The tenant's names of its rules, for the tasks and activity lines that name a rule.
    let rule_names: RuleNames = view
        .alerts
        .iter()
        .map(|a| (a.rule_id.clone(), a.rule_name.clone()))
        .collect();
    let alerts: Vec<_> = view
        .alerts
        .into_iter()
        .filter(|a| a.status.is_open())
        .collect();
    let mut activity = view.activity;
    activity.sort_by_key(|a| std::cmp::Reverse(a.at));
    let id = view.customer_id;
    let case_id = id.clone();
    let user = crate::components::layout::use_current_user();
    view! {
        <div class="collections-grid">
            <div class="collections-main">
                {view.last_dunning.map(|d| view! { <LastDunning summary=d /> })}
                <h3 class="subheading">{t!(i18n, tasks_title)}</h3>
                <crate::components::task_forms::NewTaskForm id=id.clone() on_saved=reload />
                {if tasks.is_empty() {
                    view! { <p class="muted small">{t!(i18n, tasks_none)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="task-list">
                            {tasks.into_iter().map(|task| view! {
                                <TaskLine task link=false rule_names=rule_names.clone() on_changed=reload />
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
                {move || user.has_any(&CASE_WORKERS).then(|| view! {
                    <crate::components::disputes::DisputesPanel id=case_id.clone() on_changed=reload />
                    <crate::components::letters::LettersPanel id=case_id.clone() />
                })}
                <h3 class="subheading">{t!(i18n, promises_title)}</h3>
                <PromiseList promises />
                <h3 class="subheading">{t!(i18n, aging)} <span class="muted small">" · " {t!(i18n, aging_incl_disputed)}</span></h3>
                <AgingBuckets buckets=view.aging />
                <h3 class="subheading">{t!(i18n, customer_alerts_title)}</h3>
                {if alerts.is_empty() {
                    view! { <p class="muted small">{t!(i18n, customer_alerts_none)}</p> }.into_any()
                } else {
                    view! {
                        <ul class="alert-list">
                            {alerts.into_iter().map(|alert| view! {
                                <AlertLine alert show_customer=false on_changed=reload />
                            }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </div>
            <div class="collections-side">
                <h3 class="subheading">{t!(i18n, activity_title)}</h3>
                <NoteForm id on_saved=reload />
                <ActivityList items=activity rule_names />
            </div>
        </div>
    }
}

/// A link to `#section-collections` (from the worklist) lands here once the data is in:
/// the router's own scroll ran before the section existed. `done` keeps it to once.
fn scroll_here_when_linked(done: StoredValue<bool>) {
    let location = use_location();
    // Syncing with the world outside Leptos: the window's scroll position.
    Effect::new(move |_| {
        let linked = location.hash.get().trim_start_matches('#') == "section-collections";
        if linked && !done.get_value() {
            done.set_value(true);
            if let Some(section) = document().get_element_by_id("section-collections") {
                section.scroll_into_view();
            }
        }
    });
}

#[component]
fn LastDunning(summary: DunningSummary) -> impl IntoView {
    let i18n = use_i18n();
    let date = summary.date.to_string();
    let invoices = summary.lines.len();
    view! {
        <p class="last-dunning small" data-testid="last-dunning">
            <span class="label">{t!(i18n, last_dunning)}</span> " "
            <DunningBadge action=summary.strongest /> " "
            {date} " · " <Amount money=summary.total /> " · "
            {t!(i18n, invoices_count, count = invoices)}
        </p>
    }
}

#[component]
fn PromiseList(promises: Vec<Promise>) -> impl IntoView {
    let i18n = use_i18n();
    if promises.is_empty() {
        return view! { <p class="muted small">{t!(i18n, promises_none)}</p> }.into_any();
    }
    view! {
        <ul class="promise-list" data-testid="promises">
            {promises.into_iter().map(|p| {
                let status = p.status;
                let (who, on) = (p.made_by.clone(), p.made_on.to_string());
                let paid = (!p.paid.amount.is_zero()).then_some(p.paid);
                view! {
                    <li class="promise-line" data-testid="promise-line" data-status=promise_status_name(status)>
                        <div class="promise-head">
                            <strong class="nowrap">{p.date.to_string()}</strong>
                            <Amount money=p.amount />
                            <span class=format!("badge promise-status promise-{}", promise_status_name(status))>
                                {move || promise_status_label(status)}
                            </span>
                        </div>
                        {(!p.note.is_empty()).then(|| view! { <p class="small">{p.note.clone()}</p> })}
                        <p class="muted small">
                            {t!(i18n, promise_made_by, who, date = on)}
                            {paid.map(|money| {
                                let amount = format_money(&money);
                                view! { " · " {t!(i18n, promise_paid, amount)} }
                            })}
                        </p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The CSS name of an aging bucket (`90+` is not a class name).
pub fn bucket_class(bucket: &str) -> &'static str {
    match bucket {
        "current" => "aging-current",
        "1-30" => "aging-1-30",
        "31-60" => "aging-31-60",
        "61-90" => "aging-61-90",
        _ => "aging-90-plus",
    }
}

/// An aging bucket in words; reactive when called inside a closure.
pub fn bucket_label(bucket: &str) -> String {
    let i18n = use_i18n();
    match bucket {
        "current" => t_string!(i18n, aging_current),
        "1-30" => t_string!(i18n, aging_1_30),
        "31-60" => t_string!(i18n, aging_31_60),
        "61-90" => t_string!(i18n, aging_61_90),
        "90+" => t_string!(i18n, aging_over_90),
        other => return other.to_owned(),
    }
    .to_owned()
}

#[component]
fn AgingBuckets(buckets: Vec<AgingBucket>) -> impl IntoView {
    view! {
        <dl class="aging-buckets">
            {buckets.into_iter().map(|b| {
                let overdue = b.bucket != "current" && !b.amount.amount.is_zero();
                let name = b.bucket.clone();
                view! {
                    <div class="aging-bucket" class:warn=overdue data-testid="aging-bucket" data-bucket=b.bucket.clone()>
                        <dt>
                            <span class=format!("swatch {}", bucket_class(&b.bucket)) aria-hidden="true"></span>
                            {move || bucket_label(&name)}
                        </dt>
                        <dd><Amount money=b.amount /></dd>
                    </div>
                }
            }).collect_view()}
        </dl>
    }
}

#[component]
fn ActivityList(items: Vec<Activity>, rule_names: RuleNames) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="muted small" data-testid="activity-empty">{t!(i18n, activity_none)}</p> }
            .into_any();
    }
    let total = items.len();
    let show_all = RwSignal::new(false);
    let items = StoredValue::new(items);
    let rule_names = StoredValue::new(rule_names);
    let rows = move || {
        let limit = if show_all.get() {
            usize::MAX
        } else {
            ACTIVITY_PREVIEW
        };
        items.with_value(|items| {
            items
                .iter()
                .take(limit)
                .map(|a| {
                    let kind = a.kind;
                    let line = a.clone();
                    let text = move || {
                        rule_names.with_value(|names| activity_text(i18n.get_locale(), &line, names))
                    };
                    view! {
                        <li class="activity-line" data-testid="activity-line">
                            <p class="activity-head small">
                                <span class="badge badge-neutral">{move || activity_label(kind)}</span>
                                <span class="muted"><Person name=a.by.clone() /> " · " {local_datetime(a.at)}</span>
                            </p>
                            <p class="activity-text">{text}</p>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <ul class="activity-list" data-testid="activity">{rows}</ul>
        {(total > ACTIVITY_PREVIEW).then(|| view! {
            <button
                type="button"
                class="button button-secondary button-small"
                hidden=move || show_all.get()
                on:click=move |_| show_all.set(true)
            >
                {t!(i18n, show_all, count = total)}
            </button>
        })}
    }
    .into_any()
}

/// What the promise form holds, as typed, and the key it is sent under: one per form, so
/// sending it again (a double tap, a retry after a lost answer) records one promise.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PromiseDraft {
    pub key: String,
    pub date: String,
    pub amount: String,
    pub note: String,
}

/// Reads the draft into a promise the shared rules accept, or says what is wrong per field.
pub fn read_promise(
    draft: &PromiseDraft,
    today: time::Date,
    currency: Currency,
) -> Result<NewPromise, FieldErrors> {
    let mut errors = Vec::new();
    let mut error = |e: credence_shared::dto::FieldError| errors.push(e);
    let date = if draft.date.trim().is_empty() {
        error(required("date"));
        None
    } else {
        let date = parse_date(&draft.date);
        if date.is_none() {
            error(invalid_date("date"));
        }
        date
    };
    let amount = match parse_money(&draft.amount) {
        Ok(Some(amount)) => Some(amount),
        Ok(None) => {
            error(required("amount"));
            None
        }
        Err(e) => {
            error(e.to_field_error("amount"));
            None
        }
    };
    let (Some(date), Some(amount)) = (date, amount) else {
        return Err(FieldErrors(errors));
    };
    let promise = NewPromise {
        idempotency_key: draft.key.clone(),
        date,
        amount: Money::new(amount, currency),
        note: draft.note.trim().to_owned(),
    };
    promise.validate(today, currency).map_err(FieldErrors)?;
    Ok(promise)
}

/// A key no other promise form has used: the browser's clock and a random number.
/// A fresh idempotency key for a change typed in the app (sent now or queued offline).
pub(crate) fn new_key() -> String {
    let random = (js_sys::Math::random() * 1e15) as u64;
    format!("app:{}:{random}", js_sys::Date::now() as u64)
}

#[component]
fn PromiseForm(
    id: CustomerId,
    currency: Currency,
    overdue: Money,
    on_saved: Callback<()>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let draft = RwSignal::new(PromiseDraft {
        key: new_key(),
        ..PromiseDraft::default()
    });
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let save = Action::new_local(move |body: &NewPromise| {
        let body = body.clone();
        async move {
            match api::record_promise(session, &id.get_value(), &body)
                .await
                .map(drop)
            {
                Ok(_) => {
                    refresh_nav_counts();
                    on_saved.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let first_day = today();
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        match draft.with_untracked(|d| read_promise(d, today(), currency)) {
            Ok(promise) => {
                fields.set(FieldErrors::default());
                save.dispatch_local(promise);
            }
            Err(errors) => fields.set(errors),
        }
    };
    let error = move |f: &'static str| Signal::derive(move || fields.with(|e| e.get(f)));
    let value = move |get: fn(&PromiseDraft) -> String| Signal::derive(move || draft.with(get));
    let edit = move |set: fn(&mut PromiseDraft, String)| {
        Callback::new(move |v: String| draft.update(|d| set(d, v)))
    };
    let code = currency.to_string();
    let hint = (!overdue.amount.is_zero()).then(|| {
        let overdue = format_money(&overdue);
        ViewFn::from(move || t!(i18n, promise_overdue_hint, overdue = overdue.clone()))
    });
    view! {
        <form class="promise-form editor" id="promise-form" data-testid="promise-form" on:submit=on_submit novalidate>
            <h3 class="subheading">{t!(i18n, promise_title)}</h3>
            <div class="grid-fields">
                <TextField
                    id="promise-date"
                    kind="date"
                    label=move || t!(i18n, promise_date)
                    min=first_day.to_string()
                    max=days_after(first_day, 180).to_string()
                    value=value(|d| d.date.clone())
                    on_input=edit(|d, v| d.date = v)
                    message=error("date")
                />
                <TextField
                    id="promise-amount"
                    label=move || view! { {t!(i18n, promise_amount)} " (" {code.clone()} ")" }
                    inputmode="decimal"
                    autocomplete="off"
                    prefix=currency.symbol().unwrap_or("")
                    hint=hint
                    value=value(|d| d.amount.clone())
                    on_input=edit(|d, v| d.amount = v)
                    message=error("amount")
                />
            </div>
            <TextField
                id="promise-note"
                rows=2
                label=move || t!(i18n, promise_note)
                placeholder=move || t_string!(i18n, promise_note_hint).to_owned()
                value=value(|d| d.note.clone())
                on_input=edit(|d, v| d.note = v)
                message=error("note")
            />
            {move || {
                let others = fields.with(|e| e.others(&["date", "amount", "note"]));
                (!others.is_empty()).then(|| view! {
                    <ul class="notice notice-error message-list" role="alert">
                        {others.into_iter().map(|e| view! { <li>{e.message}</li> }).collect_view()}
                    </ul>
                })
            }}
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <div class="form-actions">
                <button type="submit" class="button button-primary" data-testid="promise-submit" disabled=move || save.pending().get()>
                    {t!(i18n, promise_submit)}
                </button>
                <button type="button" class="button button-secondary" on:click=move |_| on_cancel.run(())>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </form>
    }
}

/// The message code for an empty note, which [`NoteForm`] words.
const NOTE_EMPTY: &str = "note:empty";

#[component]
fn NoteForm(id: CustomerId, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let text = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let save = Action::new_local(move |body: &NewNote| {
        let body = body.clone();
        async move {
            match api::add_note(session, &id.get_value(), &body).await {
                Ok(_) => {
                    text.set(String::new());
                    on_saved.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let customer = id.with_value(|id| id.as_str().to_owned());
    let on_submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        let note = text.get_untracked().trim().to_owned();
        if note.is_empty() {
            fields.set(FieldErrors::one("text", NOTE_EMPTY));
            return;
        }
        fields.set(FieldErrors::default());
        save.dispatch_local(NewNote {
            text: note,
            idempotency_key: Some(new_key()),
        });
    };
    view! {
        <form class="note-form" data-testid="note-form" on:submit=on_submit novalidate>
            <TextField
                id="note-text"
                rows=2
                label=move || t!(i18n, note_text)
                label_hidden=true
                placeholder=move || t_string!(i18n, note_text_hint).to_owned()
                value=text
                on_input=Callback::new(move |v| {
                    text.set(v);
                    fields.set(FieldErrors::default());
                })
                message=message_about(fields, "text", NOTE_EMPTY, || t_string!(use_i18n(), note_empty))
            />
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" class="button button-secondary button-small" data-testid="note-submit" disabled=move || save.pending().get()>
                {t!(i18n, note_submit)}
            </button>
            <crate::components::offline::PendingChanges customer />
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use time::macros::date;

    fn draft(date: &str, amount: &str) -> PromiseDraft {
        PromiseDraft {
            key: "app:1".into(),
            date: date.into(),
            amount: amount.into(),
            note: String::new(),
        }
    }

    #[test]
    fn a_promise_reads_from_what_was_typed() {
        let today = date!(2026 - 11 - 30);

        let promise = read_promise(&draft("2026-12-05", "10,000"), today, Currency::CNY).unwrap();

        assert_eq!(promise.date, date!(2026 - 12 - 05));
        assert_eq!(
            promise.amount,
            Money::new(Decimal::from(10_000), Currency::CNY)
        );
    }

    #[test]
    fn each_field_gets_its_own_message() {
        let today = date!(2026 - 11 - 30);

        let empty = read_promise(&draft("", ""), today, Currency::CNY).unwrap_err();
        let past = read_promise(&draft("2026-11-01", "5"), today, Currency::CNY).unwrap_err();
        let zero = read_promise(&draft("2026-12-01", "0"), today, Currency::CNY).unwrap_err();

        assert_eq!(empty.get("date").as_deref(), Some("required"));
        assert_eq!(empty.get("amount").as_deref(), Some("required"));
        assert!(past.get("date").is_some() && past.get("amount").is_none());
        assert!(zero.get("amount").is_some() && zero.get("date").is_none());
    }

    #[test]
    fn the_soonest_open_promise_comes_first() {
        let promise = |id: &str, day: time::Date, status| Promise {
            id: id.into(),
            customer_id: CustomerId::parse("C1").unwrap(),
            date: day,
            amount: Money::new(Decimal::ONE, Currency::CNY),
            note: String::new(),
            made_by: "collector".into(),
            made_on: date!(2026 - 11 - 01),
            status,
            paid: Money::zero(Currency::CNY),
            version: 1,
        };
        let all = [
            promise("kept", date!(2026 - 11 - 10), PromiseStatus::Kept),
            promise("later", date!(2026 - 12 - 20), PromiseStatus::Open),
            promise("sooner", date!(2026 - 12 - 05), PromiseStatus::Open),
        ];

        let ids: Vec<String> = promises_in_order(&all).into_iter().map(|p| p.id).collect();

        assert_eq!(ids, ["sooner", "later", "kept"]);
        assert_eq!(open_promises(&all).len(), 2);
    }

    #[test]
    fn buckets_have_class_names() {
        assert_eq!(bucket_class("90+"), "aging-90-plus");
        assert_eq!(bucket_class("1-30"), "aging-1-30");
    }
}
