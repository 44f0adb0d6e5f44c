//! The form's repeated and optional parts: contact and reference rows, the statement lines
//! and the tenant's custom fields.

use credence_shared::workflow::{FieldDef, FieldKind};
use leptos::prelude::*;

use crate::components::form::FieldMessage;
use crate::i18n::{Locale, t, t_string, use_i18n};

use super::input::{Input, label};
use super::{ApplicationDraft, ContactDraft, FinancialsDraft, ReferenceDraft};

#[component]
pub(super) fn ContactRow(
    i: usize,
    draft: RwSignal<ApplicationDraft>,
    edited: impl Fn() + Copy + Send + Sync + 'static,
    errors: Callback<String, Option<String>>,
    touch: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let part = move |get: fn(&ContactDraft) -> &String, set: fn(&mut ContactDraft, String)| {
        (
            Signal::derive(move || {
                draft.with(|d| {
                    d.contacts
                        .get(i)
                        .map(|c| get(c).clone())
                        .unwrap_or_default()
                })
            }),
            Callback::new(move |v: String| {
                edited();
                draft.update(|d| {
                    if let Some(c) = d.contacts.get_mut(i) {
                        set(c, v);
                    }
                })
            }),
        )
    };
    let (name, set_name) = part(|c| &c.name, |c, v| c.name = v);
    let (title, set_title) = part(|c| &c.title, |c, v| c.title = v);
    let (phone, set_phone) = part(|c| &c.phone, |c, v| c.phone = v);
    let (email, set_email) = part(|c| &c.email, |c, v| c.email = v);
    let at = |f: &str| format!("contacts[{i}].{f}");
    view! {
        <div class="row-group" data-testid="apply-contact">
            <div class="row-head">
                <span class="label">{t!(i18n, apply_contact)} " " {i + 1}</span>
                <button
                    type="button"
                    class="button button-ghost button-small"
                    data-testid="apply-remove-contact"
                    on:click=move |_| draft.update(|d| {
                        if i < d.contacts.len() {
                            d.contacts.remove(i);
                        }
                    })
                >
                    {t!(i18n, remove)}
                </button>
            </div>
            <div class="grid-fields">
                <Input id=format!("apply-contact-{i}-name") field=at("name") label=label(|| t_string!(use_i18n(), contact_name))
                    value=name on_input=set_name errors touch required=true autocomplete="name" />
                <Input id=format!("apply-contact-{i}-title") field=at("title") label=label(|| t_string!(use_i18n(), contact_title))
                    value=title on_input=set_title errors touch />
                <Input id=format!("apply-contact-{i}-phone") field=at("phone") label=label(|| t_string!(use_i18n(), contact_phone))
                    value=phone on_input=set_phone errors touch kind="tel" inputmode="tel" autocomplete="tel" />
                <Input id=format!("apply-contact-{i}-email") field=at("email") label=label(|| t_string!(use_i18n(), contact_email))
                    value=email on_input=set_email errors touch kind="email" inputmode="email" autocomplete="email" />
            </div>
        </div>
    }
}

#[component]
pub(super) fn ReferenceRow(
    i: usize,
    draft: RwSignal<ApplicationDraft>,
    edited: impl Fn() + Copy + Send + Sync + 'static,
    errors: Callback<String, Option<String>>,
    touch: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let part = move |get: fn(&ReferenceDraft) -> &String, set: fn(&mut ReferenceDraft, String)| {
        (
            Signal::derive(move || {
                draft.with(|d| {
                    d.references
                        .get(i)
                        .map(|r| get(r).clone())
                        .unwrap_or_default()
                })
            }),
            Callback::new(move |v: String| {
                edited();
                draft.update(|d| {
                    if let Some(r) = d.references.get_mut(i) {
                        set(r, v);
                    }
                })
            }),
        )
    };
    let (company, set_company) = part(|r| &r.company, |r, v| r.company = v);
    let (contact, set_contact) = part(|r| &r.contact, |r, v| r.contact = v);
    let (phone, set_phone) = part(|r| &r.phone, |r, v| r.phone = v);
    let (years, set_years) = part(|r| &r.years, |r, v| r.years = v);
    let at = |f: &str| format!("trade_references[{i}].{f}");
    view! {
        <div class="row-group" data-testid="apply-reference">
            <div class="row-head">
                <span class="label">{t!(i18n, apply_reference)} " " {i + 1}</span>
                <button
                    type="button"
                    class="button button-ghost button-small"
                    on:click=move |_| draft.update(|d| {
                        if i < d.references.len() {
                            d.references.remove(i);
                        }
                    })
                >
                    {t!(i18n, remove)}
                </button>
            </div>
            <div class="grid-fields">
                <Input id=format!("apply-reference-{i}-company") field=at("company") label=label(|| t_string!(use_i18n(), reference_company))
                    value=company on_input=set_company errors touch required=true />
                <Input id=format!("apply-reference-{i}-contact") field=at("contact") label=label(|| t_string!(use_i18n(), contact_name))
                    value=contact on_input=set_contact errors touch />
                <Input id=format!("apply-reference-{i}-phone") field=at("phone") label=label(|| t_string!(use_i18n(), contact_phone))
                    value=phone on_input=set_phone errors touch kind="tel" inputmode="tel" />
                <Input id=format!("apply-reference-{i}-years") field=at("years") label=label(|| t_string!(use_i18n(), reference_years))
                    value=years on_input=set_years errors touch inputmode="numeric" />
            </div>
        </div>
    }
}

/// One statement line: its key, label, and how to read and write it in the draft.
type StatementLine = (
    &'static str,
    fn() -> &'static str,
    fn(&FinancialsDraft) -> &String,
    fn(&mut FinancialsDraft, String),
);

#[component]
pub(super) fn FinancialsFields(
    draft: RwSignal<ApplicationDraft>,
    edited: impl Fn() + Copy + Send + Sync + 'static,
    errors: Callback<String, Option<String>>,
    touch: Callback<String>,
    symbol: &'static str,
) -> impl IntoView {
    let part = move |get: fn(&FinancialsDraft) -> &String,
                     set: fn(&mut FinancialsDraft, String)| {
        (
            Signal::derive(move || draft.with(|d| get(&d.financials).clone())),
            Callback::new(move |v: String| {
                edited();
                draft.update(|d| set(&mut d.financials, v))
            }),
        )
    };
    let (period, set_period) = part(|f| &f.period_end, |f, v| f.period_end = v);
    let lines: [StatementLine; 7] = [
        (
            "total_assets",
            || t_string!(use_i18n(), fin_total_assets),
            |f| &f.total_assets,
            |f, v| f.total_assets = v,
        ),
        (
            "current_assets",
            || t_string!(use_i18n(), fin_current_assets),
            |f| &f.current_assets,
            |f, v| f.current_assets = v,
        ),
        (
            "current_liabilities",
            || t_string!(use_i18n(), fin_current_liabilities),
            |f| &f.current_liabilities,
            |f, v| f.current_liabilities = v,
        ),
        (
            "total_liabilities",
            || t_string!(use_i18n(), fin_total_liabilities),
            |f| &f.total_liabilities,
            |f, v| f.total_liabilities = v,
        ),
        (
            "retained_earnings",
            || t_string!(use_i18n(), fin_retained_earnings),
            |f| &f.retained_earnings,
            |f, v| f.retained_earnings = v,
        ),
        (
            "ebit",
            || t_string!(use_i18n(), fin_ebit),
            |f| &f.ebit,
            |f, v| f.ebit = v,
        ),
        (
            "equity",
            || t_string!(use_i18n(), fin_equity),
            |f| &f.equity,
            |f, v| f.equity = v,
        ),
    ];
    view! {
        <div class="grid-fields">
            <Input id="apply-fin-period_end" field="financials.period_end" label=label(|| t_string!(use_i18n(), fin_period_end))
                value=period on_input=set_period errors touch kind="date" required=true />
            {lines.into_iter().map(|(key, name, get, set)| {
                let (value, on_input) = part(get, set);
                view! {
                    <Input id=format!("apply-fin-{key}") field=format!("financials.{key}") label=label(name)
                        value on_input errors touch inputmode="decimal" prefix=symbol required=true />
                }
            }).collect_view()}
        </div>
    }
}

/// A custom field in the control its kind calls for.
#[component]
pub(super) fn CustomField(
    def: FieldDef,
    draft: RwSignal<ApplicationDraft>,
    edited: impl Fn() + Copy + Send + Sync + 'static,
    errors: Callback<String, Option<String>>,
    touch: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = StoredValue::new(def.key.clone());
    let field = format!("custom.{}", def.key);
    let id = format!("apply-custom-{}", def.key);
    let value = Signal::derive(move || {
        key.with_value(|k| draft.with(|d| d.custom.get(k).cloned().unwrap_or_default()))
    });
    let set = Callback::new(move |v: String| {
        edited();
        let k = key.get_value();
        draft.update(|d| {
            d.custom.insert(k, v);
        });
    });
    let (zh, en) = (def.label.clone(), def.label_en.clone());
    let label = Signal::derive(move || match (i18n.get_locale(), &en) {
        (Locale::en, Some(en)) => en.clone(),
        _ => zh.clone(),
    });
    let required = def.required;
    match def.kind {
        FieldKind::Text => view! { <Input id field label value on_input=set errors touch required /> }.into_any(),
        FieldKind::Number => view! { <Input id field label value on_input=set errors touch required inputmode="decimal" /> }.into_any(),
        FieldKind::Money => view! { <Input id field label value on_input=set errors touch required inputmode="decimal" prefix="¥" /> }.into_any(),
        FieldKind::Date => view! { <Input id field label value on_input=set errors touch required kind="date" /> }.into_any(),
        FieldKind::Choice { options } => {
            let error_id = format!("{id}-error");
            let field = StoredValue::new(field);
            let message = Signal::derive(move || errors.run(field.get_value()));
            view! {
                <div class="field">
                    <label for=id.clone()>{move || label.get()}{required.then_some(" *")}</label>
                    <select
                        id=id.clone()
                        data-testid=id.clone()
                        aria-describedby=error_id.clone()
                        aria-invalid=move || message.with(Option::is_some).to_string()
                        on:change=move |event| set.run(event_target_value(&event))
                        on:blur=move |_| touch.run(field.get_value())
                    >
                        <option value="" selected=move || value.with(String::is_empty)>{t!(i18n, choose)}</option>
                        {options.into_iter().map(|o| {
                            let (v, test, text) = (o.clone(), o.clone(), o);
                            view! { <option value=v selected=move || value.get() == test>{text}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage id=error_id message />
                </div>
            }
            .into_any()
        }
        FieldKind::YesNo => {
            let error_id = format!("{id}-error");
            let field = StoredValue::new(field);
            let message = Signal::derive(move || errors.run(field.get_value()));
            view! {
                <div class="field" role="radiogroup" aria-labelledby=format!("{id}-label") data-testid=id.clone()>
                    <span class="field-label" id=format!("{id}-label")>{move || label.get()}{required.then_some(" *")}</span>
                    <div class="choices">
                        <label class="check">
                            <input type="radio" name=id.clone() value="yes"
                                prop:checked=move || value.get() == "yes"
                                on:change=move |_| set.run("yes".into()) />
                            {t!(i18n, yes)}
                        </label>
                        <label class="check">
                            <input type="radio" name=id.clone() value="no"
                                prop:checked=move || value.get() == "no"
                                on:change=move |_| set.run("no".into()) />
                            {t!(i18n, no)}
                        </label>
                    </div>
                    <FieldMessage id=error_id message />
                </div>
            }
            .into_any()
        }
    }
}
