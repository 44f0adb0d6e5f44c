//! A new customer's credit application, `/apply`.
//!
//! As the rep types, the browser checks the form with the shared rules
//! (`Application::validate`, `FieldSet::check_values`), screens the code and name against
//! existing customers and the blacklist (debounced, on the server), and scores the applicant
//! with the tenant's model and policy (`/v1/engine`) to preview the grade and the limit the
//! engine would recommend. Submitting files the customer and its first credit request, whose
//! page opens next.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use credence_shared::dto::FieldError;
use credence_shared::engine::{
    CompanySize, Evaluation, Financials, Scenario, StatementLines, evaluate,
};
use credence_shared::workflow::{
    Application, Contact, FieldDef, FieldKind, FieldSet, ScreenRequest, ScreenResult,
    TradeReference,
};
use credence_shared::{Currency, Money, Role};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use rust_decimal::Decimal;
use time::Date;

use crate::api::{self, ApiError, ApplicationForm, EngineInForce};
use crate::components::customer_card::GradeBadge;
use crate::components::finding::percent;
use crate::components::form::{
    FieldErrors, FieldMessage, NumberError, parse_date, parse_days, parse_decimal, parse_money,
    today, translate_message,
};
use crate::components::labels::{ReasonList, localized_text};
use crate::components::layout::use_current_user;
use crate::components::money::{Amount, format_money};
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::session::use_session;

/// Quiet time after typing a code or name before screening it.
const SCREEN_DEBOUNCE: Duration = Duration::from_millis(500);

/// At most this many contacts and references (the shared rule's limit).
const MAX_ROWS: usize = 10;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactDraft {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferenceDraft {
    pub company: String,
    pub contact: String,
    pub phone: String,
    pub years: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinancialsDraft {
    pub period_end: String,
    pub total_assets: String,
    pub current_assets: String,
    pub current_liabilities: String,
    pub total_liabilities: String,
    pub retained_earnings: String,
    pub ebit: String,
    pub equity: String,
}

/// The application as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationDraft {
    pub name: String,
    pub name_en: String,
    pub usci: String,
    pub industry: String,
    pub size: CompanySize,
    pub registered_capital: String,
    pub founded: String,
    pub expected_monthly_purchases: String,
    pub requested_limit: String,
    pub requested_terms_days: String,
    pub contacts: Vec<ContactDraft>,
    pub references: Vec<ReferenceDraft>,
    pub with_financials: bool,
    pub financials: FinancialsDraft,
    pub custom: BTreeMap<String, String>,
    pub justification: String,
}

impl Default for ApplicationDraft {
    fn default() -> Self {
        ApplicationDraft {
            name: String::new(),
            name_en: String::new(),
            usci: String::new(),
            industry: String::new(),
            size: CompanySize::Small,
            registered_capital: String::new(),
            founded: String::new(),
            expected_monthly_purchases: String::new(),
            requested_limit: String::new(),
            requested_terms_days: "30".into(),
            contacts: vec![ContactDraft::default()],
            references: Vec::new(),
            with_financials: false,
            financials: FinancialsDraft::default(),
            custom: BTreeMap::new(),
            justification: String::new(),
        }
    }
}

/// What the draft gives: the application when everything is right, the messages otherwise,
/// and what the score preview can use as soon as the figures it needs are there.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub application: Option<Application>,
    pub errors: FieldErrors,
    pub preview: Option<Application>,
}

pub const SIZES: [CompanySize; 4] = [
    CompanySize::Micro,
    CompanySize::Small,
    CompanySize::Medium,
    CompanySize::Large,
];

pub fn size_value(size: CompanySize) -> &'static str {
    match size {
        CompanySize::Micro => "micro",
        CompanySize::Small => "small",
        CompanySize::Medium => "medium",
        CompanySize::Large => "large",
    }
}

impl ApplicationDraft {
    pub fn check(
        &self,
        currency: Currency,
        fields: &FieldSet,
        roles: &[Role],
        today: Date,
    ) -> Checked {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut bad = BTreeSet::new();
        let mut note = |errors: &mut Vec<FieldError>, field: &str, message: String| {
            bad.insert(field.to_owned());
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            });
        };
        let mut money =
            |errors: &mut Vec<FieldError>, field: &str, text: &str| match parse_money(text) {
                Ok(Some(d)) => Some(Money::new(d, currency)),
                Ok(None) => {
                    note(errors, field, "required".into());
                    None
                }
                Err(e) => {
                    note(errors, field, e.code());
                    None
                }
            };
        let capital = money(&mut errors, "registered_capital", &self.registered_capital);
        let purchases = money(
            &mut errors,
            "expected_monthly_purchases",
            &self.expected_monthly_purchases,
        );
        let limit = money(&mut errors, "requested_limit", &self.requested_limit);
        let mut note = |errors: &mut Vec<FieldError>, field: &str, message: String| {
            bad.insert(field.to_owned());
            errors.push(FieldError {
                field: field.to_owned(),
                message,
            });
        };
        let founded = if self.founded.trim().is_empty() {
            note(&mut errors, "founded", "required".into());
            None
        } else {
            let d = parse_date(&self.founded);
            if d.is_none() {
                note(&mut errors, "founded", "date:invalid".into());
            }
            d
        };
        let terms = match parse_days(&self.requested_terms_days) {
            Ok(Some(days)) => Some(days),
            Ok(None) => {
                note(&mut errors, "requested_terms_days", "required".into());
                None
            }
            Err(e) => {
                note(&mut errors, "requested_terms_days", e.code());
                None
            }
        };
        let mut references = Vec::new();
        for (i, r) in self.references.iter().enumerate() {
            let years = match parse_days(&r.years) {
                Ok(y) => u32::from(y.unwrap_or(0)),
                Err(e) => {
                    note(
                        &mut errors,
                        &format!("trade_references[{i}].years"),
                        e.code(),
                    );
                    0
                }
            };
            references.push(TradeReference {
                company: r.company.trim().to_owned(),
                contact: r.contact.trim().to_owned(),
                phone: r.phone.trim().to_owned(),
                years,
            });
        }
        let financials = if self.with_financials {
            self.financials(currency, &mut errors, &mut bad)
        } else {
            None
        };
        let custom: BTreeMap<String, String> = self
            .custom
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.trim().to_owned()))
            .collect();

        let zero = Money::zero(currency);
        let candidate = Application {
            name: self.name.trim().to_owned(),
            name_en: Some(self.name_en.trim().to_owned()).filter(|s| !s.is_empty()),
            usci: self.usci.trim().to_uppercase(),
            industry: self.industry.trim().to_owned(),
            size: self.size,
            registered_capital: capital.unwrap_or(zero),
            founded: founded.unwrap_or(today),
            expected_monthly_purchases: purchases.unwrap_or(zero),
            requested_limit: limit.unwrap_or(zero),
            requested_terms_days: terms.unwrap_or(0),
            contacts: self
                .contacts
                .iter()
                .map(|c| Contact {
                    name: c.name.trim().to_owned(),
                    title: c.title.trim().to_owned(),
                    phone: c.phone.trim().to_owned(),
                    email: c.email.trim().to_owned(),
                })
                .collect(),
            trade_references: references,
            financials,
            custom: custom.clone(),
            justification: self.justification.trim().to_owned(),
        };
        if let Err(found) = candidate.validate(currency, today) {
            // A field that could not be read already says so; placeholders must not add more.
            errors.extend(
                found
                    .into_iter()
                    .filter(|e| !bad.iter().any(|b| e.field.starts_with(b.as_str()))),
            );
        }
        if let Err(found) = fields.check_values(&custom, roles) {
            errors.extend(found);
        }
        let preview = (founded.is_some() && purchases.is_some()).then(|| candidate.clone());
        let application = errors.is_empty().then_some(candidate);
        Checked {
            application,
            errors: FieldErrors(errors),
            preview,
        }
    }

    fn financials(
        &self,
        currency: Currency,
        errors: &mut Vec<FieldError>,
        bad: &mut BTreeSet<String>,
    ) -> Option<Financials> {
        let f = &self.financials;
        let mut failed = false;
        let mut line = |errors: &mut Vec<FieldError>, name: &str, text: &str, signed: bool| {
            let field = format!("financials.{name}");
            let result =
                parse_decimal(text, 2, signed).and_then(|d| d.ok_or(NumberError::NotANumber));
            match result {
                Ok(d) => d,
                Err(e) => {
                    failed = true;
                    let message = if text.trim().is_empty() {
                        "required".to_owned()
                    } else {
                        e.code()
                    };
                    bad.insert(field.clone());
                    errors.push(FieldError { field, message });
                    Decimal::ZERO
                }
            }
        };
        let lines = StatementLines {
            total_assets: line(errors, "total_assets", &f.total_assets, false),
            current_assets: line(errors, "current_assets", &f.current_assets, false),
            current_liabilities: line(errors, "current_liabilities", &f.current_liabilities, false),
            total_liabilities: line(errors, "total_liabilities", &f.total_liabilities, false),
            retained_earnings: line(errors, "retained_earnings", &f.retained_earnings, true),
            ebit: line(errors, "ebit", &f.ebit, true),
            equity: line(errors, "equity", &f.equity, true),
        };
        let period_end = parse_date(&f.period_end);
        if period_end.is_none() {
            failed = true;
            let field = "financials.period_end".to_owned();
            bad.insert(field.clone());
            let message = if f.period_end.trim().is_empty() {
                "required"
            } else {
                "date:invalid"
            };
            errors.push(FieldError {
                field,
                message: message.into(),
            });
        }
        if failed {
            return None;
        }
        match Financials::new(currency, period_end?, lines) {
            Ok(f) => Some(f),
            Err(e) => {
                bad.insert("financials".into());
                errors.push(FieldError {
                    field: "financials.total_assets".into(),
                    message: e.to_string(),
                });
                None
            }
        }
    }
}

/// The engine's view of the applicant, as the server will compute it on filing.
pub fn preview(
    application: &Application,
    engine: &EngineInForce,
    blacklisted: bool,
    today: Date,
) -> Option<Evaluation> {
    let scenario = Scenario {
        as_of: today,
        currency: engine.policy.currency(),
        entries: Vec::new(),
        customer: application.customer_info(blacklisted),
        credit_file: None,
        order: None,
    };
    evaluate(&scenario, &engine.model, &engine.policy).ok()
}

/// What to screen: the code once it has its 18 characters, the name once it has two.
pub fn screen_request(usci: &str, name: &str) -> Option<ScreenRequest> {
    let usci = usci.trim().to_uppercase();
    let name = name.trim();
    let usci = if usci.chars().count() == 18 {
        usci
    } else {
        String::new()
    };
    let name = if name.chars().count() >= 2 {
        name.to_owned()
    } else {
        String::new()
    };
    (!usci.is_empty() || !name.is_empty()).then_some(ScreenRequest { usci, name })
}

#[component]
pub fn ApplyPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = LocalResource::new(move || api::application_form(session));
    view! {
        <div class="page page-apply">
            <h1 class="page-title">{t!(i18n, apply_title)}</h1>
            <p class="muted page-lead">{t!(i18n, apply_lead)}</p>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match form.await {
                        Ok(form) => view! { <ApplyForm form /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || form.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

/// A text input bound to one part of the draft, with its message.
#[component]
fn Input(
    #[prop(into)] id: String,
    /// The field name errors use (`registered_capital`, `contacts[0].name`, …).
    #[prop(into)]
    field: String,
    label: Signal<String>,
    value: Signal<String>,
    on_input: Callback<String>,
    errors: Callback<String, Option<String>>,
    touch: Callback<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] prefix: Option<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    #[prop(default = false)] required: bool,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let field = StoredValue::new(field);
    let message = Signal::derive(move || errors.run(field.get_value()));
    let described = format!("{error_id} {hint_id}");
    let input = view! {
        <input
            id=id.clone()
            type=kind
            inputmode=inputmode
            autocomplete=autocomplete.unwrap_or("off")
            data-testid=id.clone()
            aria-describedby=described
            aria-invalid=move || message.with(Option::is_some).to_string()
            aria-required=required.then_some("true")
            prop:value=move || value.get()
            on:input=move |event| on_input.run(event_target_value(&event))
            on:blur=move |_| touch.run(field.get_value())
        />
    };
    view! {
        <div class="field">
            <label for=id.clone()>
                {move || label.get()}
                {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
            </label>
            {match prefix {
                Some(p) => view! {
                    <div class="amount-input">
                        <span class="amount-prefix" aria-hidden="true">{p}</span>
                        {input}
                    </div>
                }
                .into_any(),
                None => input.into_any(),
            }}
            {hint.map(|h| view! { <p id=hint_id.clone() class="muted small">{move || h.get()}</p> })}
            <FieldMessage id=error_id message />
        </div>
    }
}

fn label(f: fn() -> &'static str) -> Signal<String> {
    Signal::derive(move || f().to_owned())
}

/// `(value, setter)` for one `String` part of the draft.
macro_rules! bind {
    ($draft:ident, $edited:ident, $($path:tt)+) => {
        (
            Signal::derive(move || $draft.with(|d| d.$($path)+.clone())),
            Callback::new(move |v: String| {
                $edited();
                $draft.update(|d| d.$($path)+ = v)
            }),
        )
    };
}

#[component]
fn ApplyForm(form: ApplicationForm) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let navigate = use_navigate();
    let today = today();
    let currency = form.currency;
    let symbol = currency.symbol().unwrap_or("¤");
    let fields = StoredValue::new(form.fields);
    let engine = LocalResource::new(move || api::engine(session));

    let draft = RwSignal::new(ApplicationDraft::default());
    let touched = RwSignal::new(BTreeSet::<String>::new());
    let tried = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let edited = move || {
        if !server_errors.with_untracked(FieldErrors::is_empty) {
            server_errors.set(FieldErrors::default());
        }
    };

    let checked = Memo::new(move |_| {
        let roles = user.roles();
        draft.with(|d| fields.with_value(|f| d.check(currency, f, &roles, today)))
    });
    let errors = Callback::new(move |field: String| {
        if let Some(m) = server_errors.with(|e| e.get(&field)) {
            return Some(m);
        }
        if !tried.get() && !touched.with(|t| t.contains(&field)) {
            return None;
        }
        checked.with(|c| c.errors.get(&field))
    });
    let touch = Callback::new(move |field: String| {
        if !touched.with_untracked(|t| t.contains(&field)) {
            touched.update(|t| {
                t.insert(field);
            });
        }
    });

    // Screening follows the code and name a moment after the typing stops.
    let screen_key = Memo::new(move |_| draft.with(|d| screen_request(&d.usci, &d.name)));
    let screened = RwSignal::new(None::<ScreenRequest>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        let key = screen_key.get();
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
        timer.set_value(set_timeout_with_handle(move || screened.set(key), SCREEN_DEBOUNCE).ok());
    });
    on_cleanup(move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    });
    let screening = LocalResource::new(move || {
        let asked = screened.get();
        async move {
            match asked {
                Some(body) => api::screen(session, &body).await.ok(),
                None => None,
            }
        }
    });
    let screen_result = move || screening.get().flatten().unwrap_or_default();
    let blacklist_hit = move || !screen_result().blacklisted.is_empty();

    let evaluation = Memo::new(move |_| {
        let preview_app = checked.with(|c| c.preview.clone())?;
        let engine = engine.get()?.ok()?;
        let hit = blacklist_hit();
        preview(&preview_app, &engine, hit, today)
    });

    let submit = Action::new_local(move |application: &Application| {
        let application = application.clone();
        let navigate = navigate.clone();
        async move {
            match api::apply(session, &application).await {
                Ok(created) => navigate(
                    &format!(
                        "/customers/{}/requests/{}",
                        created.customer_id, created.request_id
                    ),
                    NavigateOptions::default(),
                ),
                Err(error) => {
                    let found = FieldErrors::from_api(&error);
                    if found.is_empty() {
                        failure.set(Some(error));
                    } else {
                        server_errors.set(found);
                    }
                }
            }
        }
    });
    let busy = submit.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        tried.set(true);
        failure.set(None);
        if let Some(application) = checked.with_untracked(|c| c.application.clone()) {
            submit.dispatch_local(application);
        }
    };
    let problem_count = move || {
        if !server_errors.with(FieldErrors::is_empty) {
            return server_errors.with(|e| e.0.len());
        }
        if tried.get() {
            checked.with(|c| c.errors.0.len())
        } else {
            0
        }
    };

    let (name, set_name) = bind!(draft, edited, name);
    let (name_en, set_name_en) = bind!(draft, edited, name_en);
    let (usci, set_usci) = bind!(draft, edited, usci);
    let (industry, set_industry) = bind!(draft, edited, industry);
    let (capital, set_capital) = bind!(draft, edited, registered_capital);
    let (founded, set_founded) = bind!(draft, edited, founded);
    let (purchases, set_purchases) = bind!(draft, edited, expected_monthly_purchases);
    let (limit, set_limit) = bind!(draft, edited, requested_limit);
    let (terms, set_terms) = bind!(draft, edited, requested_terms_days);
    let (justification, set_justification) = bind!(draft, edited, justification);

    let contact_count = move || draft.with(|d| d.contacts.len());
    let reference_count = move || draft.with(|d| d.references.len());
    let with_financials = move || draft.with(|d| d.with_financials);
    let visible_fields = move || {
        let roles = user.roles();
        fields.with_value(|f| {
            f.fields
                .iter()
                .filter(|d| d.visible_to_any(&roles))
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    view! {
        <form class="apply-form" data-testid="apply-form" on:submit=on_submit novalidate>
            <fieldset class="card apply-section">
                <legend class="section-title">{t!(i18n, apply_company)}</legend>
                <div class="grid-fields">
                    <Input id="apply-name" field="name" label=label(|| t_string!(use_i18n(), apply_name))
                        value=name on_input=set_name errors touch required=true autocomplete="organization" />
                    <Input id="apply-name-en" field="name_en" label=label(|| t_string!(use_i18n(), apply_name_en))
                        value=name_en on_input=set_name_en errors touch />
                    <Input id="apply-usci" field="usci" label=label(|| t_string!(use_i18n(), usci))
                        value=usci on_input=set_usci errors touch required=true
                        hint=Signal::derive(move || t_string!(i18n, apply_usci_hint).to_owned()) />
                    <Input id="apply-industry" field="industry" label=label(|| t_string!(use_i18n(), apply_industry))
                        value=industry on_input=set_industry errors touch required=true />
                    <div class="field">
                        <label for="apply-size">{t!(i18n, apply_size)}</label>
                        <select
                            id="apply-size"
                            data-testid="apply-size"
                            on:change=move |event| {
                                let value = event_target_value(&event);
                                if let Some(size) = SIZES.into_iter().find(|s| size_value(*s) == value) {
                                    draft.update(|d| d.size = size);
                                }
                            }
                        >
                            {SIZES.into_iter().map(|s| view! {
                                <option value=size_value(s) selected=move || draft.with(|d| d.size == s)>
                                    {move || size_label(s)}
                                </option>
                            }).collect_view()}
                        </select>
                    </div>
                    <Input id="apply-capital" field="registered_capital" label=label(|| t_string!(use_i18n(), apply_registered_capital))
                        value=capital on_input=set_capital errors touch required=true inputmode="decimal" prefix=symbol />
                    <Input id="apply-founded" field="founded" label=label(|| t_string!(use_i18n(), apply_founded))
                        value=founded on_input=set_founded errors touch required=true kind="date" />
                </div>
                <ScreenWarnings result=Signal::derive(screen_result) />
            </fieldset>

            <fieldset class="card apply-section">
                <legend class="section-title">{t!(i18n, apply_credit)}</legend>
                <div class="grid-fields">
                    <Input id="apply-purchases" field="expected_monthly_purchases" label=label(|| t_string!(use_i18n(), apply_expected_purchases))
                        value=purchases on_input=set_purchases errors touch required=true inputmode="decimal" prefix=symbol />
                    <Input id="apply-limit" field="requested_limit" label=label(|| t_string!(use_i18n(), apply_requested_limit))
                        value=limit on_input=set_limit errors touch required=true inputmode="decimal" prefix=symbol />
                    <Input id="apply-terms" field="requested_terms_days" label=label(|| t_string!(use_i18n(), request_terms_days))
                        value=terms on_input=set_terms errors touch required=true inputmode="numeric" />
                </div>
            </fieldset>

            <fieldset class="card apply-section" data-testid="apply-contacts">
                <legend class="section-title">{t!(i18n, apply_contacts)}</legend>
                <FieldMessage id="apply-contacts-error" message=Signal::derive(move || {
                    errors.run("contacts".into()).filter(|_| contact_count() == 0 || tried.get())
                }) />
                <For each=move || 0..contact_count() key=|i| *i let(i)>
                    <ContactRow i draft edited errors touch />
                </For>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid="apply-add-contact"
                    disabled=move || { contact_count() >= MAX_ROWS }
                    on:click=move |_| draft.update(|d| d.contacts.push(ContactDraft::default()))
                >
                    "＋ " {t!(i18n, apply_add_contact)}
                </button>
            </fieldset>

            <fieldset class="card apply-section" data-testid="apply-references">
                <legend class="section-title">{t!(i18n, apply_references)}</legend>
                <Show when=move || reference_count() == 0>
                    <p class="muted small">{t!(i18n, apply_references_none)}</p>
                </Show>
                <For each=move || 0..reference_count() key=|i| *i let(i)>
                    <ReferenceRow i draft edited errors touch />
                </For>
                <button
                    type="button"
                    class="button button-secondary button-small"
                    data-testid="apply-add-reference"
                    disabled=move || { reference_count() >= MAX_ROWS }
                    on:click=move |_| draft.update(|d| d.references.push(ReferenceDraft::default()))
                >
                    "＋ " {t!(i18n, apply_add_reference)}
                </button>
            </fieldset>

            <fieldset class="card apply-section" data-testid="apply-financials">
                <legend class="section-title">{t!(i18n, apply_financials)}</legend>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="apply-with-financials"
                        prop:checked=with_financials
                        on:change=move |event| {
                            let on = event_target_checked(&event);
                            draft.update(|d| d.with_financials = on);
                        }
                    />
                    {t!(i18n, apply_with_financials)}
                </label>
                <Show when=with_financials>
                    <FinancialsFields draft edited errors touch symbol />
                </Show>
            </fieldset>

            {move || {
                let defs = visible_fields();
                (!defs.is_empty()).then(|| view! {
                    <fieldset class="card apply-section" data-testid="apply-custom">
                        <legend class="section-title">{t!(i18n, apply_custom)}</legend>
                        <div class="grid-fields">
                            {defs.into_iter().map(|def| view! { <CustomField def draft edited errors touch /> }).collect_view()}
                        </div>
                    </fieldset>
                })
            }}

            // Phones: the preview's gist stays in sight above the navigation while typing.
            {move || evaluation.get().map(|ev| {
                let score = ev.assessment.score.round_dp(0).to_string();
                let grade = ev.assessment.grade;
                let limit = ev.recommendation.limit;
                view! {
                    <a class="preview-mini" href="#apply-preview" data-testid="apply-preview-mini">
                        <span class="label">{t!(i18n, score)}</span>
                        <strong>{score}</strong>
                        <GradeBadge grade=Some(grade) />
                        <span class="label">{t!(i18n, recommended_limit)}</span>
                        <Amount money=limit />
                    </a>
                }
            })}
            <aside class="card apply-preview" id="apply-preview" data-testid="apply-preview" aria-live="polite">
                <h2 class="section-title">{t!(i18n, apply_preview)}</h2>
                {move || match (evaluation.get(), engine.get()) {
                    (Some(ev), _) => {
                        let asked = checked.with(|c| c.preview.as_ref().map(|a| a.requested_limit));
                        view! { <PreviewFigures ev asked /> }.into_any()
                    }
                    (None, Some(Err(_))) => view! { <p class="muted small">{t!(i18n, apply_preview_unavailable)}</p> }.into_any(),
                    (None, None) => view! { <Loading /> }.into_any(),
                    (None, Some(Ok(_))) => view! { <p class="muted small">{t!(i18n, apply_preview_needs)}</p> }.into_any(),
                }}
                <p class="muted small">{t!(i18n, apply_preview_note)}</p>
            </aside>

            <fieldset class="card apply-section apply-submit">
                <legend class="section-title">{t!(i18n, justification)}</legend>
                <div class="field">
                    <label for="apply-justification" class="sr-only">{t!(i18n, justification)}</label>
                    <textarea
                        id="apply-justification"
                        rows="4"
                        data-testid="apply-justification"
                        placeholder=move || t_string!(i18n, justification_hint)
                        aria-describedby="apply-justification-error"
                        aria-invalid=move || errors.run("justification".into()).is_some().to_string()
                        prop:value=move || justification.get()
                        on:input=move |event| set_justification.run(event_target_value(&event))
                        on:blur=move |_| touch.run("justification".into())
                    ></textarea>
                    <FieldMessage id="apply-justification-error" message=Signal::derive(move || errors.run("justification".into())) />
                </div>
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                {move || {
                    let n = problem_count();
                    (n > 0).then(|| view! {
                        <p class="notice notice-error" role="alert" data-testid="apply-problems">
                            {t!(i18n, apply_problems, count = n)}
                        </p>
                    })
                }}
                {move || {
                    let list = server_errors.with(|e| e.others(&KNOWN_FIELDS));
                    (!list.is_empty()).then(|| view! {
                        <ul class="field-error">
                            {list.into_iter().map(|e| view! {
                                <li><span class="mono">{e.field}</span> ": " {translate_message(&e.message)}</li>
                            }).collect_view()}
                        </ul>
                    })
                }}
                <button
                    type="submit"
                    class="button button-primary button-block"
                    data-testid="apply-submit"
                    disabled=move || busy.get()
                >
                    {move || if busy.get() { t_string!(i18n, sending) } else { t_string!(i18n, apply_submit) }}
                </button>
            </fieldset>
        </form>
    }
}

/// Fields the form shows messages next to (prefixes); anything else is listed at the end.
const KNOWN_FIELDS: [&str; 16] = [
    "name",
    "name_en",
    "usci",
    "industry",
    "size",
    "registered_capital",
    "founded",
    "expected_monthly_purchases",
    "requested_limit",
    "requested_terms_days",
    "contacts",
    "trade_references",
    "financials",
    "custom",
    "justification",
    "currency",
];

fn size_label(size: CompanySize) -> &'static str {
    let i18n = use_i18n();
    match size {
        CompanySize::Micro => t_string!(i18n, size_micro),
        CompanySize::Small => t_string!(i18n, size_small),
        CompanySize::Medium => t_string!(i18n, size_medium),
        CompanySize::Large => t_string!(i18n, size_large),
    }
}

#[component]
fn ScreenWarnings(result: Signal<ScreenResult>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            let r = result.get();
            (!r.blacklisted.is_empty()).then(|| view! {
                <div class="notice notice-error" role="alert" data-testid="screen-blacklisted">
                    <p><strong>{t!(i18n, screen_blacklisted)}</strong></p>
                    <ul>
                        {r.blacklisted.into_iter().map(|b| view! {
                            <li>{b.name} " — " {b.reason} <span class="small">" (" {b.source} ", " {b.added_on.to_string()} ")"</span></li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
        {move || {
            let r = result.get();
            (!r.duplicates.is_empty()).then(|| view! {
                <div class="notice notice-warn" data-testid="screen-duplicates">
                    <p><strong>{t!(i18n, screen_duplicates)}</strong></p>
                    <ul>
                        {r.duplicates.into_iter().map(|c| view! {
                            <li>
                                <a href=format!("/customers/{}", c.id)>{c.name}</a>
                                <span class="small muted">" " {c.number}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
    }
}

#[component]
fn PreviewFigures(ev: Evaluation, asked: Option<Money>) -> impl IntoView {
    let i18n = use_i18n();
    let a = ev.assessment;
    let r = ev.recommendation;
    let score = a.score.round_dp(0).to_string();
    let above = asked.filter(|m| m.amount > r.limit.amount);
    let reasons: Vec<_> = a.reasons.into_iter().take(3).collect();
    view! {
        <div class="preview-top">
            <div class="score-figure">
                <span class="label">{t!(i18n, score)}</span>
                <strong class="score" data-testid="preview-score">{score}</strong>
            </div>
            <div class="score-figure">
                <span class="label">{t!(i18n, grade)}</span>
                <GradeBadge grade=Some(a.grade) />
            </div>
            <div class="score-figure">
                <span class="label">{t!(i18n, pd)}</span>
                <strong>{percent(a.pd)}</strong>
            </div>
        </div>
        <dl class="facts two">
            <div>
                <dt>{t!(i18n, recommended_limit)}</dt>
                <dd><Amount money=r.limit testid="preview-limit" /></dd>
            </div>
            <div>
                <dt>{t!(i18n, terms)}</dt>
                <dd>{t!(i18n, days, days = r.terms_days)}</dd>
            </div>
        </dl>
        {above.map(|m| {
            let (asked, recommended) = (format_money(&m), format_money(&r.limit));
            view! {
                <p class="notice notice-warn small" data-testid="preview-above">
                    {t!(i18n, apply_above_recommendation, asked, recommended)}
                </p>
            }
        })}
        {(!a.knocked_out.is_empty()).then(|| view! {
            <div class="notice notice-error small">
                <strong>{t!(i18n, knocked_out)}</strong>
                <ul>
                    {a.knocked_out.into_iter().map(|k| view! { <li>{localized_text(k.text)}</li> }).collect_view()}
                </ul>
            </div>
        })}
        {(!reasons.is_empty()).then(|| view! {
            <h3 class="subheading">{t!(i18n, reasons_title)}</h3>
            <ReasonList reasons />
        })}
    }
}

#[component]
fn ContactRow(
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
fn ReferenceRow(
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
fn FinancialsFields(
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
fn CustomField(
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

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Usci;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 02);

    /// A code with a valid check character.
    fn usci() -> String {
        let first17 = "91310000MA1FL0000";
        let check = credence_shared::usci::check_character(first17).unwrap();
        let code = format!("{first17}{check}");
        Usci::parse(&code).unwrap();
        code
    }

    fn filled() -> ApplicationDraft {
        ApplicationDraft {
            name: "上海示例贸易有限公司".into(),
            usci: usci(),
            industry: "wholesale".into(),
            registered_capital: "5,000,000".into(),
            founded: "2015-03-01".into(),
            expected_monthly_purchases: "200000".into(),
            requested_limit: "300000".into(),
            contacts: vec![ContactDraft {
                name: "王经理".into(),
                phone: "13800000000".into(),
                ..ContactDraft::default()
            }],
            justification: "new distributor in the east region".into(),
            ..ApplicationDraft::default()
        }
    }

    fn fields(c: &Checked) -> Vec<&str> {
        c.errors.0.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_complete_application_passes_the_shared_checks() {
        let checked = filled().check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);

        assert_eq!(fields(&checked), Vec::<&str>::new());
        let app = checked.application.unwrap();
        assert_eq!(app.registered_capital.amount, Decimal::from(5_000_000));
        assert_eq!(app.requested_terms_days, 30);
    }

    #[test]
    fn an_unreadable_amount_is_reported_once_and_the_rest_still_checked() {
        let mut draft = filled();
        draft.requested_limit = "lots".into();
        draft.name = " ".into();
        draft.contacts[0].phone.clear();

        let checked = draft.check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);

        assert_eq!(
            fields(&checked),
            ["requested_limit", "name", "contacts[0].phone"]
        );
        assert!(checked.application.is_none());
        assert!(
            checked.preview.is_some(),
            "founded and purchases are enough to preview"
        );
    }

    #[test]
    fn statements_are_checked_line_by_line_when_given() {
        let mut draft = filled();
        draft.with_financials = true;
        draft.financials = FinancialsDraft {
            period_end: "2025-12-31".into(),
            total_assets: "1000000".into(),
            current_assets: "400000".into(),
            current_liabilities: "300000".into(),
            total_liabilities: "600000".into(),
            retained_earnings: "-50,000".into(),
            ebit: "80000".into(),
            equity: "".into(),
        };

        let missing = draft.check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);
        draft.financials.equity = "400000".into();
        let complete = draft.check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY);

        assert_eq!(fields(&missing), ["financials.equity"]);
        assert!(complete.application.unwrap().financials.is_some());
    }

    #[test]
    fn custom_fields_are_checked_against_the_tenants_definitions() {
        let set = FieldSet {
            version: 1,
            fields: vec![FieldDef {
                key: "bank".into(),
                label: "开户行".into(),
                label_en: None,
                kind: FieldKind::Text,
                required: true,
                visible_to: vec![],
            }],
        };

        let checked = filled().check(Currency::CNY, &set, &[Role::Sales], TODAY);

        assert_eq!(fields(&checked), ["custom.bank"]);
    }

    #[test]
    fn screening_waits_for_a_whole_code_or_a_two_character_name() {
        assert_eq!(screen_request("9131", "a"), None);
        assert_eq!(
            screen_request("9131", "示例"),
            Some(ScreenRequest {
                usci: String::new(),
                name: "示例".into()
            })
        );
        let code = usci().to_lowercase();
        assert_eq!(screen_request(&code, "").map(|s| s.usci), Some(usci()));
    }

    #[test]
    fn the_preview_scores_a_new_applicant_with_the_default_engine() {
        let app = filled()
            .check(Currency::CNY, &FieldSet::default(), &[Role::Sales], TODAY)
            .preview
            .unwrap();
        let engine = EngineInForce {
            version: 1,
            model: credence_shared::engine::default_model(),
            policy: credence_shared::engine::default_policy(),
        };

        let clean = preview(&app, &engine, false, TODAY).unwrap();
        let listed = preview(&app, &engine, true, TODAY).unwrap();

        assert!(clean.recommendation.limit.amount >= Decimal::ZERO);
        assert!(listed.assessment.is_knocked_out());
    }
}
