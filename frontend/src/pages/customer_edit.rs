//! The customer master, `/customers/:id/edit` (risk and admin): a customer's master record as
//! the tenant keeps it, saved with `PUT /v1/customers/{number}` over the version read. A
//! number that is not a customer yet opens an empty form that creates it. The server checks
//! every field with the same rules as `credence_shared::customer` and names the wrong one.

use credence_shared::Money;
use credence_shared::customer::{CustomerMaster, CustomerStatus, MasterRecord};
use credence_shared::dto::CustomerSummary;
use credence_shared::engine::facts::CompanySize;
use credence_shared::engine::identity::CountryCode;
use credence_shared::workflow::Contact;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_params_map};

use crate::api::{self, ApiError};
use crate::components::form::{FieldErrors, TextField, parse_date, parse_money, report};
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// The form's texts, one signal per field.
#[derive(Clone, Copy)]
struct Form {
    name: RwSignal<String>,
    name_en: RwSignal<String>,
    country: RwSignal<String>,
    registration: RwSignal<String>,
    industry: RwSignal<String>,
    size: RwSignal<String>,
    capital: RwSignal<String>,
    founded: RwSignal<String>,
    address: RwSignal<String>,
    owner: RwSignal<String>,
    parent: RwSignal<String>,
    tags: RwSignal<String>,
    contacts: RwSignal<Vec<Contact>>,
    archived: RwSignal<bool>,
    reason: RwSignal<String>,
}

impl Form {
    fn of(customer: Option<&CustomerSummary>) -> Self {
        let text = |s: Option<String>| RwSignal::new(s.unwrap_or_default());
        let master: Option<&MasterRecord> = customer.and_then(|c| c.master.as_ref());
        Form {
            name: text(customer.map(|c| c.name.clone())),
            name_en: text(customer.and_then(|c| c.name_en.clone())),
            country: text(Some(
                customer.map_or_else(|| "CN".to_owned(), |c| c.country.clone()),
            )),
            registration: text(
                master
                    .and_then(|m| m.registration.as_ref())
                    .and_then(|r| serde_json::to_value(r).ok())
                    .and_then(|v| v["number"].as_str().map(str::to_owned))
                    .or_else(|| customer.and_then(|c| c.usci.as_ref().map(ToString::to_string))),
            ),
            industry: text(master.and_then(|m| m.industry.clone())),
            size: text(master.and_then(|m| m.size).and_then(|s| {
                serde_json::to_value(s)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
            })),
            capital: text(
                master
                    .and_then(|m| m.registered_capital)
                    .map(|m| m.amount.to_string()),
            ),
            founded: text(customer.and_then(|c| c.founded.map(|d| d.to_string()))),
            address: text(master.and_then(|m| m.address.clone())),
            owner: text(customer.and_then(|c| c.owner.as_ref().map(ToString::to_string))),
            parent: text(master.and_then(|m| m.parent.clone())),
            tags: text(master.map(|m| m.tags.join(", "))),
            contacts: RwSignal::new(master.map(|m| m.contacts.clone()).unwrap_or_default()),
            archived: RwSignal::new(customer.is_some_and(|c| c.archived)),
            reason: RwSignal::new(String::new()),
        }
    }
}

#[component]
pub fn CustomerEditPage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let number = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let loaded = LocalResource::new(move || {
        let number = number.get();
        async move {
            let id = credence_shared::customer::customer_id_of(&number);
            match api::customer(session, &id).await {
                Ok(customer) => Ok(Some(customer)),
                Err(ApiError::NotFound) => Ok(None),
                Err(e) => Err(e),
            }
        }
    });
    view! {
        <div class="page page-customer-edit">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match loaded.await {
                        Ok(customer) => view! { <EditForm number=number.get_untracked() customer /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error retry=move || loaded.refetch() /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn EditForm(number: String, customer: Option<CustomerSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let form = Form::of(customer.as_ref());
    let version = customer.as_ref().map(|c| c.version);
    let currency = customer
        .as_ref()
        .map(|c| c.credit_limit.currency)
        .or_else(|| credence_shared::Currency::parse("CNY").ok());
    let creating = customer.is_none();
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let target = StoredValue::new(number.clone());
    let save = Action::new_local(move |body: &CustomerMaster| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            match api::put_customer(session, &target.get_value(), &body).await {
                Ok(saved) => navigate(
                    &format!("/customers/{}", saved.id),
                    NavigateOptions::default(),
                ),
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        let opt = |s: RwSignal<String>| {
            Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty())
        };
        let mut errors = Vec::new();
        let capital = match parse_money(&form.capital.get_untracked()) {
            Ok(amount) => amount.zip(currency).map(|(a, c)| Money::new(a, c)),
            Err(_) => {
                errors.push(crate::components::form::invalid_number(
                    "registered_capital.amount",
                ));
                None
            }
        };
        let founded = match opt(form.founded) {
            Some(text) => match parse_date(&text) {
                Some(d) => Some(d),
                None => {
                    errors.push(crate::components::form::invalid_date("founded"));
                    None
                }
            },
            None => None,
        };
        let Ok(country) = CountryCode::parse(form.country.get_untracked().trim()) else {
            errors.push(crate::components::form::invalid_country("country"));
            fields.set(FieldErrors(errors));
            return;
        };
        if !errors.is_empty() {
            fields.set(FieldErrors(errors));
            return;
        }
        fields.set(FieldErrors::default());
        let size = opt(form.size)
            .and_then(|s| serde_json::from_value::<CompanySize>(serde_json::Value::String(s)).ok());
        save.dispatch_local(CustomerMaster {
            version,
            name: form.name.get_untracked(),
            name_en: opt(form.name_en),
            country,
            registration_id: opt(form.registration),
            industry: opt(form.industry),
            size,
            registered_capital: capital,
            founded,
            address: opt(form.address),
            contacts: form
                .contacts
                .get_untracked()
                .into_iter()
                .map(|c| Contact {
                    name: c.name.trim().to_owned(),
                    title: c.title.trim().to_owned(),
                    phone: c.phone.trim().to_owned(),
                    email: c.email.trim().to_owned(),
                })
                .filter(|c| !(c.name.is_empty() && c.phone.is_empty() && c.email.is_empty()))
                .collect(),
            owner: opt(form.owner),
            parent: opt(form.parent),
            status: if form.archived.get_untracked() {
                CustomerStatus::Archived
            } else {
                CustomerStatus::Active
            },
            tags: form
                .tags
                .get_untracked()
                .split([',', '，'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            custom: customer
                .as_ref()
                .and_then(|c| c.master.as_ref())
                .map(|m| m.custom.clone())
                .unwrap_or_default(),
            reason: opt(form.reason),
        });
    };
    let field = move |id: &'static str,
                      name: &'static str,
                      label: fn() -> &'static str,
                      value: RwSignal<String>| {
        view! {
            <TextField
                id
                label
                value
                on_input=Callback::new(move |v| value.set(v))
                message=Signal::derive(move || fields.with(|e| e.get(name)))
            />
        }
    };
    let busy = save.pending();
    view! {
        <h1 class="page-title">
            {if creating { t_string!(i18n, customer_new_title) } else { t_string!(i18n, customer_edit_title) }}
            " " <span class="mono">{number.clone()}</span>
        </h1>
        <form class="form card section master-form" data-testid="customer-edit" on:submit=on_submit novalidate>
            {field("master-name", "name", || t_string!(use_i18n(), apply_name), form.name)}
            {field("master-name-en", "name_en", || t_string!(use_i18n(), apply_name_en), form.name_en)}
            {field("master-country", "country", || t_string!(use_i18n(), country), form.country)}
            {field("master-registration", "registration_id", || t_string!(use_i18n(), registration_id), form.registration)}
            {field("master-industry", "industry", || t_string!(use_i18n(), apply_industry), form.industry)}
            <div class="field">
                <label for="master-size">{t!(i18n, apply_size)}</label>
                <select id="master-size" data-testid="master-size" prop:value=move || form.size.get()
                    on:change=move |ev| form.size.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    <option value="micro">{t!(i18n, size_micro)}</option>
                    <option value="small">{t!(i18n, size_small)}</option>
                    <option value="medium">{t!(i18n, size_medium)}</option>
                    <option value="large">{t!(i18n, size_large)}</option>
                </select>
            </div>
            {field("master-capital", "registered_capital.amount", || t_string!(use_i18n(), apply_capital), form.capital)}
            {field("master-founded", "founded", || t_string!(use_i18n(), apply_founded), form.founded)}
            {field("master-address", "address", || t_string!(use_i18n(), address), form.address)}
            {field("master-owner", "owner", || t_string!(use_i18n(), owner), form.owner)}
            {field("master-parent", "parent", || t_string!(use_i18n(), parent_number), form.parent)}
            {field("master-tags", "tags", || t_string!(use_i18n(), tags), form.tags)}
            <ContactsEditor contacts=form.contacts fields />
            <label class="check">
                <input type="checkbox" data-testid="master-archived" prop:checked=move || form.archived.get()
                    on:change=move |ev| form.archived.set(event_target_checked(&ev)) />
                {t!(i18n, customer_archived)}
            </label>
            {field("master-reason", "reason", || t_string!(use_i18n(), change_reason), form.reason)}
            {move || failure.get().filter(|_| fields.with(FieldErrors::is_empty)).map(|error| view! { <ErrorNotice error /> })}
            <button type="submit" class="button button-primary" data-testid="master-save" disabled=move || busy.get()>
                {t!(i18n, save)}
            </button>
        </form>
    }
}

/// The customer's contacts: a row of name, title, phone and email each, added and removed
/// in place; the server names a wrong one as `contacts[i].field`.
#[component]
fn ContactsEditor(
    contacts: RwSignal<Vec<Contact>>,
    fields: RwSignal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let count = move || contacts.with(Vec::len);
    let full = move || count() >= credence_shared::customer::MAX_CONTACTS;
    let part = move |i: usize, f: &'static str| {
        let value = Signal::derive(move || {
            contacts.with(|all| {
                all.get(i)
                    .map(|c| match f {
                        "name" => c.name.clone(),
                        "title" => c.title.clone(),
                        "phone" => c.phone.clone(),
                        _ => c.email.clone(),
                    })
                    .unwrap_or_default()
            })
        });
        let set = Callback::new(move |v: String| {
            contacts.update(|all| {
                if let Some(c) = all.get_mut(i) {
                    match f {
                        "name" => c.name = v,
                        "title" => c.title = v,
                        "phone" => c.phone = v,
                        _ => c.email = v,
                    }
                }
            })
        });
        let message = Signal::derive(move || fields.with(|e| e.get(&format!("contacts[{i}].{f}"))));
        (value, set, message)
    };
    view! {
        <fieldset class="master-contacts" data-testid="master-contacts">
            <legend>{t!(i18n, apply_contacts)}</legend>
            <For each=move || 0..count() key=|i| *i let(i)>
                {
                    let (name, set_name, name_error) = part(i, "name");
                    let (title, set_title, title_error) = part(i, "title");
                    let (phone, set_phone, phone_error) = part(i, "phone");
                    let (email, set_email, email_error) = part(i, "email");
                    view! {
                        <div class="row-group" data-testid="master-contact">
                            <div class="row-head">
                                <span class="label">{t!(i18n, apply_contact)} " " {i + 1}</span>
                                <button type="button" class="button button-ghost button-small"
                                    data-testid="master-remove-contact"
                                    on:click=move |_| contacts.update(|all| {
                                        if i < all.len() {
                                            all.remove(i);
                                        }
                                    })>
                                    {t!(i18n, remove)}
                                </button>
                            </div>
                            <div class="grid-fields">
                                <TextField id=format!("master-contact-{i}-name") label=move || t_string!(i18n, contact_name)
                                    value=name on_input=set_name message=name_error />
                                <TextField id=format!("master-contact-{i}-title") label=move || t_string!(i18n, contact_title)
                                    value=title on_input=set_title message=title_error />
                                <TextField id=format!("master-contact-{i}-phone") label=move || t_string!(i18n, contact_phone)
                                    value=phone on_input=set_phone message=phone_error kind="tel" />
                                <TextField id=format!("master-contact-{i}-email") label=move || t_string!(i18n, contact_email)
                                    value=email on_input=set_email message=email_error kind="email" />
                            </div>
                        </div>
                    }
                }
            </For>
            <button type="button" class="button button-secondary button-small" data-testid="master-add-contact"
                disabled=full
                on:click=move |_| contacts.update(|all| all.push(Contact::default()))>
                "＋ " {t!(i18n, apply_add_contact)}
            </button>
        </fieldset>
    }
}
