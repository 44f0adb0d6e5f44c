//! The application form: the draft, its messages, screening, the preview and the submit.

use std::collections::BTreeSet;
use std::time::Duration;

use credence_shared::engine::CompanySize;
use credence_shared::workflow::{Application, ScreenRequest};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError};
use crate::components::customer_card::GradeBadge;
use crate::components::form::{FieldErrors, FieldMessage, today, word};
use crate::components::layout::use_current_user;
use crate::components::money::Amount;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;
use credence_shared::workflow::ApplicationForm;

use super::input::{Input, label};
use super::sections::{ContactRow, CustomField, FinancialsFields, ReferenceRow};
use super::summary::{PreviewFigures, ScreenWarnings};
use super::{
    ApplicationDraft, ContactDraft, ReferenceDraft, SIZES, preview, screen_request, size_value,
};

/// Quiet time after typing a code or name before screening it.
const SCREEN_DEBOUNCE: Duration = Duration::from_millis(500);

/// At most this many contacts and references (the shared rule's limit).
const MAX_ROWS: usize = 10;

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
pub(super) fn ApplyForm(form: ApplicationForm) -> impl IntoView {
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
                                <li><span class="mono">{e.field.clone()}</span> ": " {word(&e)}</li>
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
