//! Disputes on the customer's collections: the cases (invoice, amount, reason, owner,
//! status), the form to open one on an open invoice, and per open case the hand-over and
//! the resolution.

use credence_shared::engine::open_items::OpenInvoice;
use credence_shared::watch::{
    DisputeCase, DisputeOutcome, DisputeReason, DisputeResolution, DisputeStatus, DisputeUpdate,
    NewDispute,
};
use credence_shared::{CustomerId, Money};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::case_words::{OUTCOMES, outcome_word, reason_word};
use crate::components::form::{FieldErrors, parse_money, report, required, settle};
use crate::components::money::{Amount, format_money};
use crate::components::notice::ErrorNotice;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

fn fresh_key() -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!("app-dispute:{}:{random}", js_sys::Date::now() as u64)
}

/// What of `invoice` may still be disputed.
fn disputable(invoice: &OpenInvoice) -> Money {
    let left = (invoice.open.amount - invoice.disputed.amount).max(rust_decimal::Decimal::ZERO);
    Money::new(left, invoice.open.currency)
}

/// An amount typed into a form, as money in `currency`, or the field's message.
fn read_amount(
    text: &str,
    field: &str,
    currency: credence_shared::Currency,
) -> Result<Money, FieldErrors> {
    match parse_money(text) {
        Ok(Some(amount)) => Ok(Money::new(amount, currency)),
        Ok(None) => Err(FieldErrors(vec![required(field)])),
        Err(e) => Err(FieldErrors(vec![e.to_field_error(field)])),
    }
}

fn field_message(
    fields: RwSignal<FieldErrors>,
    field: &'static str,
) -> impl Fn() -> Option<String> {
    move || fields.get().get(field)
}

#[component]
pub fn DisputesPanel(id: CustomerId, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let list = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::disputes(session, &id).await }
    });
    let changed = Callback::new(move |()| {
        list.refetch();
        on_changed.run(());
    });
    view! {
        <div class="disputes" data-testid="disputes">
            <h3 class="subheading">{t!(i18n, disputes_title)}</h3>
            {move || list.get().map(|answer| match answer {
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
                Ok(list) => {
                    let cases = list.items;
                    view! {
                        <NewDisputeForm id=id.get_value() invoices=list.open_invoices on_saved=changed />
                        {if cases.is_empty() {
                            view! { <p class="muted small">{t!(i18n, disputes_none)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="dispute-list">
                                    {cases.into_iter().map(|case| view! {
                                        <DisputeLine case on_changed=changed />
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    }.into_any()
                }
            })}
        </div>
    }
}

#[component]
fn NewDisputeForm(
    id: CustomerId,
    invoices: Vec<OpenInvoice>,
    on_saved: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let open = RwSignal::new(false);
    let invoices = StoredValue::new(invoices);
    let chosen = RwSignal::new(
        invoices.with_value(|list| list.first().map(|i| i.invoice.as_str().to_owned())),
    );
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(DisputeReason::Quality);
    let note = RwSignal::new(String::new());
    let key = StoredValue::new(fresh_key());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let selected = move || {
        let number = chosen.get()?;
        invoices.with_value(|list| list.iter().find(|i| i.invoice.as_str() == number).cloned())
    };
    let save = Action::new_local(move |body: &NewDispute| {
        let body = body.clone();
        async move {
            match api::open_dispute(session, &id.get_value(), &body).await {
                Ok(_) => {
                    key.set_value(fresh_key());
                    note.set(String::new());
                    amount.set(String::new());
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
        let Some(invoice) = selected() else {
            fields.set(FieldErrors(vec![required("invoice")]));
            return;
        };
        let typed = amount.get_untracked();
        let money = if typed.trim().is_empty() {
            Ok(disputable(&invoice))
        } else {
            read_amount(&typed, "amount", invoice.open.currency)
        };
        let money = match money {
            Ok(m) => m,
            Err(errors) => return fields.set(errors),
        };
        let body = NewDispute {
            idempotency_key: key.get_value(),
            invoice: invoice.invoice.as_str().to_owned(),
            amount: money,
            reason: reason.get_untracked(),
            note: note.get_untracked(),
            owner: None,
        };
        if let Err(errors) = body.validate(Some(disputable(&invoice))) {
            return fields.set(FieldErrors(errors));
        }
        fields.set(FieldErrors::default());
        save.dispatch_local(body);
    };
    let none_to_dispute = invoices.with_value(Vec::is_empty);
    view! {
        <Show when=move || !open.get() && !none_to_dispute>
            <button type="button" class="button button-secondary button-small"
                data-testid="dispute-new" on:click=move |_| open.set(true)>
                {t!(i18n, dispute_new)}
            </button>
        </Show>
        <Show when=move || open.get()>
            <form class="card dispute-form" data-testid="dispute-form" on:submit=submit novalidate>
                <label class="field">
                    <span class="field-label">{t!(i18n, dispute_invoice)}</span>
                    <select class="input" data-testid="dispute-invoice"
                        on:change=move |ev| chosen.set(Some(event_target_value(&ev)))>
                        {invoices.get_value().into_iter().map(|inv| {
                            let number = inv.invoice.as_str().to_owned();
                            let left = format_money(&disputable(&inv));
                            let label = format!("{number} · {} · {}", inv.due, left);
                            let value = number.clone();
                            view! {
                                <option value=value selected=move || chosen.get().as_deref() == Some(number.as_str())>
                                    {label}
                                </option>
                            }
                        }).collect_view()}
                    </select>
                    {move || field_message(fields, "invoice")().map(|m| view! {
                        <span class="field-error" role="alert">{m}</span>
                    })}
                </label>
                <label class="field">
                    <span class="field-label">{t!(i18n, dispute_amount)}</span>
                    <input class="input" inputmode="decimal" data-testid="dispute-amount"
                        placeholder=move || selected().map(|i| format_money(&disputable(&i))).unwrap_or_default()
                        aria-invalid=move || field_message(fields, "amount")().is_some().to_string()
                        prop:value=move || amount.get()
                        on:input=move |ev| amount.set(event_target_value(&ev)) />
                    <span class="field-hint muted small">
                        {move || selected().map(|i| t_string!(i18n, dispute_disputable)
                            .replace("{amount}", &format_money(&disputable(&i))))}
                    </span>
                    {move || field_message(fields, "amount")().map(|m| view! {
                        <span class="field-error" role="alert" data-testid="dispute-amount-error">{m}</span>
                    })}
                </label>
                <label class="field">
                    <span class="field-label">{t!(i18n, dispute_reason)}</span>
                    <select class="input" data-testid="dispute-reason"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(r) = DisputeReason::ALL.into_iter().find(|r| r.as_str() == v) {
                                reason.set(r);
                            }
                        }>
                        {DisputeReason::ALL.into_iter().map(|r| view! {
                            <option value=r.as_str() selected=move || reason.get() == r>
                                {move || reason_word(i18n.get_locale(), r)}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span class="field-label">{t!(i18n, dispute_note)}</span>
                    <textarea class="input" rows="2" data-testid="dispute-note"
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                    {move || field_message(fields, "note")().map(|m| view! {
                        <span class="field-error" role="alert">{m}</span>
                    })}
                </label>
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                <div class="form-actions">
                    <button type="submit" class="button button-primary button-small"
                        data-testid="dispute-submit" disabled=move || save.pending().get()>
                        {t!(i18n, dispute_open_submit)}
                    </button>
                    <button type="button" class="button button-ghost button-small"
                        on:click=move |_| open.set(false)>
                        {t!(i18n, cancel)}
                    </button>
                </div>
            </form>
        </Show>
    }
}

#[component]
fn DisputeLine(case: DisputeCase, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let is_open = case.status == DisputeStatus::Open;
    let reason = case.reason;
    let owner = case.owner.clone();
    let opened = case.opened.to_string();
    let closed = case.closed.map(|d| d.to_string());
    let from_erp = case.opened_by == "ledger";
    let resolution = case.resolution.clone();
    let note = case.note.clone();
    let status_badge = if is_open {
        "badge badge-warn"
    } else {
        "badge badge-ok"
    };
    view! {
        <li class="dispute-line" data-testid="dispute-line">
            <div class="dispute-main">
                <strong>{case.invoice.clone()}</strong>
                <Amount money=case.amount />
                <span class="muted">{move || reason_word(i18n.get_locale(), reason)}</span>
                <span class=status_badge data-testid="dispute-status">
                    {move || if is_open { t_string!(i18n, dispute_status_open) } else { t_string!(i18n, dispute_status_resolved) }}
                </span>
            </div>
            <div class="muted small">
                {case.id.clone()} " · "
                {move || t_string!(i18n, dispute_opened_on).replace("{date}", &opened)}
                {from_erp.then(|| view! { " · " {t!(i18n, dispute_from_erp)} })}
                " · " {t!(i18n, dispute_owner)} " "
                <span data-testid="dispute-owner">
                    {match owner.clone() {
                        Some(o) => o.into_any(),
                        None => t!(i18n, dispute_nobody).into_any(),
                    }}
                </span>
                {closed.clone().map(|d| view! {
                    " · " {move || t_string!(i18n, dispute_closed_on).replace("{date}", &d)}
                })}
            </div>
            {(!note.is_empty()).then(|| view! { <p class="small">{note.clone()}</p> })}
            {is_open.then(|| view! { <p class="small muted">{t!(i18n, dispute_paused)}</p> })}
            {resolution.map(|r| view! {
                <p class="small" data-testid="dispute-resolution">
                    {move || outcome_word(i18n.get_locale(), r.outcome)}
                    {r.credited.map(|c| view! { " · " <Amount money=c /> })}
                    {(!r.note.is_empty()).then(|| format!(" · {}", r.note))}
                    " · " {r.by.clone()}
                </p>
            })}
            {is_open.then(|| view! { <CaseActions case=case.clone() on_changed /> })}
        </li>
    }
}

/// Hand-over and resolution of an open case.
#[component]
fn CaseActions(case: DisputeCase, on_changed: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let mode = RwSignal::new(None::<&'static str>);
    let people = LocalResource::new(move || api::people(session));
    let owner = RwSignal::new(case.owner.clone().unwrap_or_default());
    let outcome = RwSignal::new(DisputeOutcome::CustomerPays);
    let credited = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let case = StoredValue::new(case);
    let done = move || {
        mode.set(None);
        on_changed.run(());
    };
    let hand = Action::new_local(move |owner: &String| {
        let c = case.get_value();
        let body = DisputeUpdate {
            version: c.version,
            reason: c.reason,
            note: c.note.clone(),
            owner: (!owner.is_empty()).then(|| owner.clone()),
        };
        async move {
            match api::update_dispute(session, &c.customer_id, &c.id, &body).await {
                Ok(_) => done(),
                Err(error) => settle(error, fields, failure, move || on_changed.run(())),
            }
        }
    });
    let resolve = Action::new_local(move |body: &DisputeResolution| {
        let body = body.clone();
        let c = case.get_value();
        async move {
            match api::resolve_dispute(session, &c.customer_id, &c.id, &body).await {
                Ok(_) => done(),
                Err(error) => settle(error, fields, failure, move || on_changed.run(())),
            }
        }
    });
    let submit_resolution = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        failure.set(None);
        let c = case.get_value();
        let kind = outcome.get_untracked();
        let amount = if kind.credits() {
            match read_amount(&credited.get_untracked(), "credited", c.amount.currency) {
                Ok(m) => Some(m),
                Err(errors) => return fields.set(errors),
            }
        } else {
            None
        };
        let body = DisputeResolution {
            version: c.version,
            outcome: kind,
            credited: amount,
            note: note.get_untracked(),
        };
        if let Err(errors) = body.validate(c.amount) {
            return fields.set(FieldErrors(errors));
        }
        fields.set(FieldErrors::default());
        resolve.dispatch_local(body);
    };
    view! {
        <div class="button-row">
            <button type="button" class="button button-ghost button-small" data-testid="dispute-hand"
                on:click=move |_| mode.set(Some("hand"))>{t!(i18n, dispute_hand_over)}</button>
            <button type="button" class="button button-secondary button-small" data-testid="dispute-resolve"
                on:click=move |_| mode.set(Some("resolve"))>{t!(i18n, dispute_resolve)}</button>
        </div>
        <Show when=move || mode.get() == Some("hand")>
            <div class="inline-form">
                <select class="input" data-testid="dispute-owner-select" aria-label=move || t_string!(i18n, dispute_owner)
                    on:change=move |ev| owner.set(event_target_value(&ev))>
                    <option value="" selected=move || owner.get().is_empty()>{t!(i18n, dispute_nobody)}</option>
                    {move || people.get().and_then(Result::ok).map(|list| list.into_iter().map(|p| {
                        let name = p.username.clone();
                        let label = format!("{} ({})", p.display_name, p.username);
                        view! { <option value=name.clone() selected=move || owner.get() == name>{label}</option> }
                    }).collect_view())}
                </select>
                <button type="button" class="button button-primary button-small" data-testid="dispute-hand-save"
                    disabled=move || hand.pending().get()
                    on:click=move |_| { hand.dispatch_local(owner.get_untracked()); }>
                    {t!(i18n, dispute_save)}
                </button>
            </div>
        </Show>
        <Show when=move || mode.get() == Some("resolve")>
            <form class="card dispute-form" data-testid="dispute-resolve-form" on:submit=submit_resolution novalidate>
                <label class="field">
                    <span class="field-label">{t!(i18n, dispute_outcome)}</span>
                    <select class="input" data-testid="dispute-outcome"
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(o) = OUTCOMES.into_iter().find(|o| o.as_str() == v) {
                                outcome.set(o);
                            }
                        }>
                        {OUTCOMES.into_iter().map(|o| view! {
                            <option value=o.as_str() selected=move || outcome.get() == o>
                                {move || outcome_word(i18n.get_locale(), o)}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || outcome.get().credits()>
                    <label class="field">
                        <span class="field-label">{t!(i18n, dispute_credited)}</span>
                        <input class="input" inputmode="decimal" data-testid="dispute-credited"
                            aria-invalid=move || field_message(fields, "credited")().is_some().to_string()
                            prop:value=move || credited.get()
                            on:input=move |ev| credited.set(event_target_value(&ev)) />
                        {move || field_message(fields, "credited")().map(|m| view! {
                            <span class="field-error" role="alert" data-testid="dispute-credited-error">{m}</span>
                        })}
                    </label>
                </Show>
                <label class="field">
                    <span class="field-label">{t!(i18n, dispute_note)}</span>
                    <textarea class="input" rows="2" data-testid="dispute-resolve-note"
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                </label>
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                <div class="form-actions">
                    <button type="submit" class="button button-primary button-small"
                        data-testid="dispute-resolve-submit" disabled=move || resolve.pending().get()>
                        {t!(i18n, dispute_resolve_submit)}
                    </button>
                    <button type="button" class="button button-ghost button-small"
                        on:click=move |_| mode.set(None)>{t!(i18n, cancel)}</button>
                </div>
            </form>
        </Show>
    }
}
