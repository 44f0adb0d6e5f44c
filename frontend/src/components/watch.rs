//! Early warning and collections words and pieces the alert centre, the worklist and the
//! customer page share: severities, alert and task lines with their actions, dunning
//! actions, activity kinds, and the figures a rule fired on in words.

use std::str::FromStr;

use credence_shared::watch::{
    ActivityKind, Alert, AlertChange, AlertStatus, AlertUpdate, CollectionTask, DeliveryStatus,
    DunningAction, Figure, PromiseStatus, Severity, TaskUpdate,
};
use credence_shared::{Currency, Money};
use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api::{self, ApiError};
use crate::components::form::{FieldErrors, TextField, local_datetime, message_about, settle};
use crate::components::layout::{refresh_nav_counts, use_current_user};
use crate::components::money::{Amount, format_money};
use crate::components::notice::ErrorNotice;
use crate::components::people::Person;
use crate::components::wording::{RuleNames, dunning_word, named_rule_word, task_reason_text};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

// ----- words --------------------------------------------------------------------------------

pub fn severity_label(severity: Severity) -> &'static str {
    let i18n = use_i18n();
    match severity {
        Severity::Low => t_string!(i18n, sev_low),
        Severity::Medium => t_string!(i18n, sev_medium),
        Severity::High => t_string!(i18n, sev_high),
        Severity::Critical => t_string!(i18n, sev_critical),
    }
}

/// The severity as a coloured badge (`data-severity` for tests and styles).
#[component]
pub fn SeverityBadge(severity: Severity) -> impl IntoView {
    let name = severity.as_str();
    view! {
        <span class=format!("badge severity severity-{name}") data-severity=name>
            {move || severity_label(severity)}
        </span>
    }
}

pub fn alert_status_name(status: AlertStatus) -> &'static str {
    match status {
        AlertStatus::Open => "open",
        AlertStatus::Acknowledged => "acknowledged",
        AlertStatus::Resolved => "resolved",
    }
}

#[component]
pub fn AlertStatusBadge(status: AlertStatus) -> impl IntoView {
    let i18n = use_i18n();
    let name = alert_status_name(status);
    view! {
        <span class=format!("badge alert-status alert-status-{name}") data-status=name>
            {move || match status {
                AlertStatus::Open => t_string!(i18n, alert_open),
                AlertStatus::Acknowledged => t_string!(i18n, alert_acknowledged),
                AlertStatus::Resolved => t_string!(i18n, alert_resolved),
            }}
        </span>
    }
}

pub fn dunning_label(action: DunningAction) -> &'static str {
    dunning_word(use_i18n().get_locale(), action)
}

/// The dunning action as a badge, stronger actions in stronger colours.
#[component]
pub fn DunningBadge(action: DunningAction) -> impl IntoView {
    let name = action.as_str();
    view! {
        <span class=format!("badge dunning dunning-{name}") data-action=name>
            {move || dunning_label(action)}
        </span>
    }
}

pub fn activity_label(kind: ActivityKind) -> &'static str {
    let i18n = use_i18n();
    match kind {
        ActivityKind::Note => t_string!(i18n, act_note),
        ActivityKind::Promise => t_string!(i18n, act_promise),
        ActivityKind::PromiseKept => t_string!(i18n, act_promise_kept),
        ActivityKind::PromiseBroken => t_string!(i18n, act_promise_broken),
        ActivityKind::Dunning => t_string!(i18n, act_dunning),
        ActivityKind::TaskOpened => t_string!(i18n, act_task_opened),
        ActivityKind::TaskAssigned => t_string!(i18n, act_task_assigned),
        ActivityKind::TaskDone => t_string!(i18n, act_task_done),
        ActivityKind::Alert => t_string!(i18n, act_alert),
        ActivityKind::Signal => t_string!(i18n, act_signal),
        ActivityKind::AutoAction => t_string!(i18n, act_auto_action),
        ActivityKind::Letter => t_string!(i18n, act_letter),
        ActivityKind::DisputeOpened => t_string!(i18n, act_dispute_opened),
        ActivityKind::DisputeChanged => t_string!(i18n, act_dispute_changed),
        ActivityKind::DisputeResolved => t_string!(i18n, act_dispute_resolved),
    }
}

pub fn promise_status_name(status: PromiseStatus) -> &'static str {
    match status {
        PromiseStatus::Open => "open",
        PromiseStatus::Kept => "kept",
        PromiseStatus::Broken => "broken",
    }
}

pub fn promise_status_label(status: PromiseStatus) -> &'static str {
    let i18n = use_i18n();
    match status {
        PromiseStatus::Open => t_string!(i18n, promise_status_open),
        PromiseStatus::Kept => t_string!(i18n, promise_status_kept),
        PromiseStatus::Broken => t_string!(i18n, promise_status_broken),
    }
}

pub fn delivery_status_name(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "pending",
        DeliveryStatus::Delivered => "delivered",
        DeliveryStatus::Failed => "failed",
    }
}

pub fn delivery_status_label(status: DeliveryStatus) -> &'static str {
    let i18n = use_i18n();
    match status {
        DeliveryStatus::Pending => t_string!(i18n, delivery_pending),
        DeliveryStatus::Delivered => t_string!(i18n, delivery_delivered),
        DeliveryStatus::Failed => t_string!(i18n, delivery_failed),
    }
}

/// A rule's name in the language in use; reactive when called inside a closure.
pub fn rule_label(id: &str, name: &str) -> String {
    named_rule_word(use_i18n().get_locale(), id, name)
}

/// A figure's name in words; unknown names are shown as sent.
pub fn figure_label(name: &str) -> String {
    let i18n = use_i18n();
    match name {
        "days_to_pay_trend" => t_string!(i18n, fig_days_to_pay_trend),
        "oldest_overdue_days" => t_string!(i18n, fig_oldest_overdue_days),
        "overdue" => t_string!(i18n, fig_overdue),
        "utilisation" => t_string!(i18n, fig_utilisation),
        "exposure" => t_string!(i18n, exposure),
        "limit" => t_string!(i18n, credit_limit),
        "score_before" => t_string!(i18n, fig_score_before),
        "score" => t_string!(i18n, score),
        "grade_before" => t_string!(i18n, fig_grade_before),
        "grade" => t_string!(i18n, grade),
        "return_rate" => t_string!(i18n, fig_return_rate),
        "dispute_rate" => t_string!(i18n, fig_dispute_rate),
        "signals" => t_string!(i18n, fig_signals),
        "last_signal" => t_string!(i18n, fig_last_signal),
        "temporary_expires" => t_string!(i18n, fig_temporary_expires),
        "review_due" => t_string!(i18n, review_due),
        "days_left" => t_string!(i18n, fig_days_left),
        "broken_promises" => t_string!(i18n, fig_broken_promises),
        "bypassed_rules" => t_string!(i18n, fig_bypassed_rules),
        _ => return name.to_owned(),
    }
    .to_owned()
}

/// What kind of value a figure holds, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FigureKind {
    Money,
    Days,
    Plain,
}

pub fn figure_kind(name: &str) -> FigureKind {
    match name {
        "overdue" | "exposure" | "limit" => FigureKind::Money,
        "oldest_overdue_days" | "days_to_pay_trend" | "days_left" => FigureKind::Days,
        _ => FigureKind::Plain,
    }
}

/// Money as a figure carries it (`CNY 12345.60`, the shared `Display`).
pub fn parse_money_figure(value: &str) -> Option<Money> {
    let (currency, amount) = value.trim().split_once(' ')?;
    let currency = Currency::parse(currency).ok()?;
    let amount = Decimal::from_str(amount.trim()).ok()?;
    Some(Money::new(amount, currency))
}

/// A figure's value for people: money with its symbol, days with their unit.
pub fn figure_value(figure: &Figure) -> AnyView {
    let i18n = use_i18n();
    match figure_kind(&figure.name) {
        FigureKind::Money => match parse_money_figure(&figure.value) {
            Some(money) => format_money(&money).into_any(),
            None => figure.value.clone().into_any(),
        },
        FigureKind::Days => {
            let days = figure.value.clone();
            t!(i18n, days, days).into_any()
        }
        FigureKind::Plain => figure.value.clone().into_any(),
    }
}

/// The figures a rule fired on, as a compact list of name and value.
#[component]
pub fn Figures(figures: Vec<Figure>) -> impl IntoView {
    (!figures.is_empty()).then(|| {
        view! {
            <dl class="figures" data-testid="alert-figures">
                {figures.into_iter().map(|f| {
                    let name = f.name.clone();
                    view! {
                        <div data-figure=f.name.clone()>
                            <dt>{move || figure_label(&name)}</dt>
                            <dd>{figure_value(&f)}</dd>
                        </div>
                    }
                }).collect_view()}
            </dl>
        }
    })
}

// ----- saving with a note ---------------------------------------------------------------------

/// A required note that is missing: the message code [`NoteStep`] words.
const NOTE_REQUIRED: &str = "note:required";

/// A note field that opens on the first tap of its button; the second tap saves. The note
/// is required, and the message (local or the server's) shows under the field.
#[component]
fn NoteStep(
    /// Unique on the page: the field's element id.
    id: String,
    button_testid: &'static str,
    note_testid: &'static str,
    label: fn() -> &'static str,
    confirm_label: fn() -> &'static str,
    note_label: fn() -> &'static str,
    note_hint: fn() -> &'static str,
    required_message: fn() -> &'static str,
    #[prop(into)] busy: Signal<bool>,
    fields: RwSignal<FieldErrors>,
    on_save: Callback<String>,
    /// Buttons shown beside this one while the note is closed.
    #[prop(default = None)]
    beside: Option<ChildrenFn>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let note = RwSignal::new(String::new());
    let press = move |_| {
        if !open.get_untracked() {
            open.set(true);
            return;
        }
        let text = note.get_untracked().trim().to_owned();
        if text.is_empty() {
            fields.set(FieldErrors::one("note", NOTE_REQUIRED));
            return;
        }
        fields.set(FieldErrors::default());
        on_save.run(text);
    };
    view! {
        <Show when=move || open.get()>
            <TextField
                id=id.clone()
                class="note-step"
                testid=note_testid
                rows=2
                label=note_label
                placeholder=move || note_hint().to_owned()
                value=note
                on_input=Callback::new(move |v| {
                    note.set(v);
                    fields.set(FieldErrors::default());
                })
                message=message_about(fields, "note", NOTE_REQUIRED, required_message)
            />
        </Show>
        <div class="form-actions line-actions">
            {move || (!open.get()).then(|| beside.as_ref().map(|b| b()))}
            <button
                type="button"
                class="button button-small"
                class:button-secondary=move || !open.get()
                class:button-primary=move || open.get()
                data-testid=button_testid
                aria-expanded=move || open.get().to_string()
                disabled=move || busy.get()
                on:click=press
            >
                {move || if open.get() { confirm_label() } else { label() }}
            </button>
            <Show when=move || open.get()>
                <button
                    type="button"
                    class="button button-ghost button-small"
                    on:click=move |_| {
                        open.set(false);
                        fields.set(FieldErrors::default());
                    }
                >
                    {t!(i18n, cancel)}
                </button>
            </Show>
        </div>
    }
}

// ----- alerts ---------------------------------------------------------------------------------

/// One alert: what fired, on whom, how far, and (while open) acknowledge and resolve.
#[component]
pub fn AlertLine(
    alert: Alert,
    /// Name the customer (off on the customer's own page).
    #[prop(default = true)]
    show_customer: bool,
    /// Called after a change was saved, or when the alert changed meanwhile (409).
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let customer = alert.customer_id.clone();
    let rule_id = alert.rule_id.clone();
    let version = alert.version;
    let target = StoredValue::new((customer.clone(), rule_id.clone()));
    let change = Action::new_local(move |(action, note): &(AlertChange, String)| {
        let body = AlertUpdate {
            action: *action,
            note: note.clone(),
            version,
        };
        let (customer, rule) = target.get_value();
        async move {
            match api::update_alert(session, &customer, &rule, &body).await {
                Ok(_) => {
                    refresh_nav_counts();
                    on_changed.run(());
                }
                Err(error) => settle(error, fields, failure, || on_changed.run(())),
            }
        }
    });
    let busy = change.pending();
    let for_me = {
        let alert = alert.clone();
        move || {
            user.username()
                .is_some_and(|me| alert.is_for(&me, &user.roles()))
        }
    };
    let rule_name = alert.rule_name.clone();
    let rule_text = move || rule_label(&rule_id, &rule_name);
    let level = alert.level;
    let status = alert.status;
    let owner = alert.owner.clone();
    let opened = local_datetime(alert.opened_at);
    let updated = local_datetime(alert.updated_at);
    let resolution = (status == AlertStatus::Resolved)
        .then(|| {
            alert
                .events
                .iter()
                .rev()
                .find(|e| !e.note.is_empty())
                .map(|e| (e.by.clone(), e.note.clone()))
        })
        .flatten();
    let id_base = format!("alert-{}-{}", alert.customer_id, alert.rule_id);
    let href = format!("/customers/{}#section-collections", alert.customer_id);
    let can_ack = status == AlertStatus::Open;
    view! {
        <li
            class=format!("card alert-line severity-line-{}", alert.severity.as_str())
            data-testid="alert-line"
            data-customer=alert.customer_id.to_string()
            data-rule=alert.rule_id.clone()
            data-status=alert_status_name(status)
        >
            <div class="alert-head">
                <SeverityBadge severity=alert.severity />
                <strong class="alert-rule">{rule_text}</strong>
                <AlertStatusBadge status />
            </div>
            <p class="alert-about">
                {show_customer.then(|| view! {
                    <a class="alert-customer" href=href.clone()>{alert.customer_name.clone()}</a>
                })}
                <span class="alert-level">{t!(i18n, alert_level, level)}</span>
                {move || for_me().then(|| view! {
                    <span class="badge badge-neutral for-me">{t!(i18n, alert_for_me)}</span>
                })}
            </p>
            <Figures figures=alert.figures.clone() />
            <p class="alert-meta muted small">
                <span>
                    {t!(i18n, alert_owner)} ": "
                    {match owner {
                        Some(owner) => owner.into_any(),
                        None => t!(i18n, no_owner).into_any(),
                    }}
                </span>
                <span>{t!(i18n, alert_opened, time = opened)}</span>
                <span>{t!(i18n, alert_updated, time = updated)}</span>
            </p>
            {resolution.map(|(by, note)| view! {
                <p class="alert-resolution small">
                    <span class="label">{t!(i18n, alert_note)}</span> " " {note}
                    <span class="muted">" · " {by}</span>
                </p>
            })}
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {status.is_open().then(|| {
                let ack = move || view! {
                    <button
                        type="button"
                        class="button button-secondary button-small"
                        data-testid="alert-ack"
                        disabled=move || busy.get()
                        on:click=move |_| {
                            failure.set(None);
                            change.dispatch_local((AlertChange::Acknowledge, String::new()));
                        }
                    >
                        {t!(i18n, alert_ack)}
                    </button>
                };
                view! {
                    <NoteStep
                        id=format!("{id_base}-note")
                        button_testid="alert-resolve"
                        note_testid="alert-note"
                        label=|| t_string!(use_i18n(), alert_resolve)
                        confirm_label=|| t_string!(use_i18n(), alert_resolve_confirm)
                        note_label=|| t_string!(use_i18n(), alert_note)
                        note_hint=|| t_string!(use_i18n(), alert_note_hint)
                        required_message=|| t_string!(use_i18n(), alert_note_required)
                        busy
                        fields
                        on_save=Callback::new(move |note: String| {
                            failure.set(None);
                            change.dispatch_local((AlertChange::Resolve, note));
                        })
                        beside=if can_ack { Some(std::sync::Arc::new(move || ack().into_any()) as ChildrenFn) } else { None }
                    />
                }
            })}
        </li>
    }
}

// ----- collection tasks -----------------------------------------------------------------------

/// One collection task. On the worklist the line opens the customer's collections; on
/// the customer's page it does not need to.
#[component]
pub fn TaskLine(
    task: CollectionTask,
    /// Link to the customer's page (the worklist).
    #[prop(default = true)]
    link: bool,
    /// The tenant's names of the rules that asked for it, where known.
    #[prop(optional)]
    rule_names: RuleNames,
    on_changed: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let version = task.version;
    let target = StoredValue::new((task.customer_id.clone(), task.id.clone()));
    let done = Action::new_local(move |note: &String| {
        let body = TaskUpdate {
            note: note.clone(),
            version,
        };
        let (customer, id) = target.get_value();
        async move {
            match api::task_done(session, &customer, &id, &body).await {
                Ok(_) => {
                    refresh_nav_counts();
                    on_changed.run(());
                }
                Err(error) => settle(error, fields, failure, || on_changed.run(())),
            }
        }
    });
    let days = task.days_late;
    let created = local_datetime(task.created_at);
    let why = StoredValue::new((task.clone(), rule_names));
    let body = {
        let task = task.clone();
        move || {
            view! {
                <div class="task-head">
                    <DunningBadge action=task.action />
                    {link.then(|| view! { <strong class="task-customer">{task.customer_name.clone()}</strong> })}
                    // A task opened by hand on a customer with nothing overdue shows no
                    // overdue figures.
                    {(!task.overdue.amount.is_zero()).then(|| view! {
                        <Amount money=task.overdue class="task-overdue" />
                    })}
                </div>
                <p class="task-why small">
                    {(days > 0).then(|| view! {
                        <span class="task-late">{t!(i18n, task_days_late, days)}</span>
                    })}
                    {move || {
                        let reason = why.with_value(|(task, names)| {
                            task_reason_text(i18n.get_locale(), task, names)
                        });
                        let sep = if days > 0 { " · " } else { "" };
                        (!reason.is_empty()).then(|| view! { <span>{format!("{sep}{reason}")}</span> })
                    }}
                </p>
                <p class="muted small">
                    {t!(i18n, task_assignee)} ": " <Person name=task.assignee.clone() /> " · "
                    {t!(i18n, task_created, time = created.clone())}
                </p>
            }
        }
    };
    view! {
        <li
            class=format!("card task-line dunning-line-{}", task.action.as_str())
            data-task=task.id.clone()
            data-customer=task.customer_id.to_string()
            data-testid=if link { "task-line" } else { "collection-task" }
        >
            {if link {
                view! {
                    <a
                        class="task-link"
                        href=format!("/customers/{}#section-collections", task.customer_id)
                        data-testid="worklist-task"
                    >
                        {body()}
                    </a>
                }
                .into_any()
            } else {
                body().into_any()
            }}
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <NoteStep
                id=format!("task-{}-{}-note", task.customer_id, task.id)
                button_testid="task-done"
                note_testid="task-note"
                label=|| t_string!(use_i18n(), task_done)
                confirm_label=|| t_string!(use_i18n(), task_done_confirm)
                note_label=|| t_string!(use_i18n(), task_note)
                note_hint=|| t_string!(use_i18n(), task_note_hint)
                required_message=|| t_string!(use_i18n(), task_note_required)
                busy=done.pending()
                fields
                on_save=Callback::new(move |note: String| {
                    failure.set(None);
                    done.dispatch_local(note);
                })
            />
            <crate::components::task_forms::HandOver task=task.clone() on_changed />
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_figures_read_back_from_the_shared_display() {
        let money = Money::new(Decimal::new(1_234_560, 2), Currency::CNY);

        assert_eq!(parse_money_figure(&money.to_string()), Some(money));
        assert_eq!(parse_money_figure("64"), None);
        assert_eq!(parse_money_figure("XX 12"), None);
    }

    #[test]
    fn figures_are_known_by_name() {
        assert_eq!(figure_kind("overdue"), FigureKind::Money);
        assert_eq!(figure_kind("oldest_overdue_days"), FigureKind::Days);
        assert_eq!(figure_kind("utilisation"), FigureKind::Plain);
    }
}
