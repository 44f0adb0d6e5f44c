//! A new customer's credit application, `/apply`.
//!
//! As the rep types, the browser checks the form with the shared rules
//! (`Application::validate`, `FieldSet::check_values`), screens the code and name against
//! existing customers and the blacklist (debounced, on the server), and scores the applicant
//! with the tenant's model and policy (`/v1/engine`) to preview the grade and the limit the
//! engine would recommend. Submitting files the customer and its first credit request, whose
//! page opens next.
//!
//! Here: the page; `draft` the application as typed and its checks; `form` the form itself;
//! `input` its text input; `sections` the contact, reference, statement and custom-field
//! parts; `summary` the screening warnings and the preview's figures.

mod draft;
mod form;
mod input;
mod sections;
mod summary;
#[cfg(test)]
mod tests;

pub use draft::{
    ApplicationDraft, Checked, ContactDraft, FinancialsDraft, ReferenceDraft, SIZES, preview,
    screen_request, size_value,
};

use leptos::prelude::*;

use crate::api;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

use form::ApplyForm;

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
