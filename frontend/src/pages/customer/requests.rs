//! Asking for a change to the file: the "Request" button and its form, the customer's
//! requests and the audit trail of who changed what.

use credence_shared::CustomerId;
use credence_shared::credit::CreditView;
use credence_shared::workflow::NewRequest;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

use crate::api::{self, ApiError, Sent};
use crate::components::audit_list::AuditList;
use crate::components::collections::new_key;
use crate::components::form::FieldErrors;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::offline::PendingChanges;
use crate::components::request_form::{FileNow, RequestForm};
use crate::components::request_list::RequestList;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

use super::Section;

/// What the request form needs from a credit file.
pub(super) fn file_now(view: &CreditView) -> FileNow {
    FileNow {
        currency: view.file.limit.currency,
        // The permanent limit: a temporary one does not decide increase or decrease.
        limit: view
            .decision
            .limit
            .as_ref()
            .map(|l| l.amount)
            .unwrap_or(view.recommendation.limit),
        recommended_limit: view.recommendation.limit,
        terms_days: u32::from(view.file.terms_days),
        on_hold: view.file.on_hold,
        blacklisted: view.file.blacklisted,
        prepayment_set: view.decision.prepayment.is_some(),
    }
}

/// The "Request" button and, once opened, the form; a filed request opens its page.
#[component]
pub(super) fn RequestAction(id: CustomerId, file: FileNow) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let customer = id.as_str().to_owned();
    let id = StoredValue::new(id);
    // One key per request typed: sent again (from the offline queue, or after a lost
    // answer) it is filed once.
    let key = StoredValue::new(new_key());
    let submit = Action::new_local(move |body: &NewRequest| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            let id = id.get_value();
            match api::file_request_or_queue(session, &id, &body).await {
                Ok(Sent::Now(request)) => {
                    navigate(
                        &format!("/customers/{id}/requests/{}", request.id),
                        NavigateOptions::default(),
                    );
                }
                // Offline: it waits in the queue (listed under the button) and is filed
                // when the network returns.
                Ok(Sent::Queued) => {
                    key.set_value(new_key());
                    open.set(false);
                }
                Err(error) => {
                    server_errors.set(FieldErrors::from_api(&error));
                    failure.set(Some(error));
                }
            }
        }
    });
    let on_submit = Callback::new(move |(change, justification)| {
        server_errors.set(FieldErrors::default());
        failure.set(None);
        submit.dispatch_local(NewRequest {
            change,
            justification,
            idempotency_key: Some(key.get_value()),
        });
    });
    let busy = submit.pending();
    let file = StoredValue::new(file);
    view! {
        <div class="page-actions">
            <button
                type="button"
                class="button button-secondary"
                data-testid="request-open"
                aria-expanded=move || open.get().to_string()
                aria-controls="request-panel"
                hidden=move || open.get()
                on:click=move |_| open.set(true)
            >
                <span aria-hidden="true">"＋"</span>
                {t!(i18n, request_action)}
            </button>
        </div>
        <PendingChanges customer requests=true />
        <Show when=move || open.get()>
            <section class="card request-panel" id="request-panel" aria-labelledby="request-panel-title">
                <h2 class="section-title" id="request-panel-title">{t!(i18n, request_title)}</h2>
                {move || failure.get().filter(|e| FieldErrors::from_api(e).is_empty()).map(|error| view! {
                    <ErrorNotice error />
                })}
                <RequestForm
                    file=file.get_value()
                    on_submit
                    busy
                    server_errors
                    on_cancel=Callback::new(move |()| open.set(false))
                    submit_label=Signal::derive(move || t_string!(i18n, request_submit).to_owned())
                />
            </section>
        </Show>
    }
}

/// The customer's requests, newest first.
#[component]
pub(super) fn RequestsSection(id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let requests = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::customer_requests(session, &id).await }
    });
    view! {
        <Section id="section-requests" title=move || t_string!(i18n, requests_title)>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match requests.await {
                        Ok(items) => view! {
                            <RequestList
                                items
                                show_customer=false
                                empty=t_string!(i18n, requests_none)
                                testid="customer-requests"
                            />
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || requests.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Section>
    }
}

/// Who changed this customer's file, when, and why.
#[component]
pub(super) fn AuditSection(id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let audit = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::customer_audit(session, &id).await }
    });
    view! {
        <Section id="section-audit" title=move || t_string!(i18n, audit_title)>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match audit.await {
                        Ok(page) => view! { <AuditList items=page.items /> }.into_any(),
                        // Roles without audit rights simply do not get the section's content.
                        Err(ApiError::Forbidden) => view! {
                            <p class="muted">{t!(i18n, error_forbidden)}</p>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || audit.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Section>
    }
}
