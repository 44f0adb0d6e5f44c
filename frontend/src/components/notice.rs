//! Loading and error states, worded for the person using the app.

use leptos::prelude::*;

use std::collections::BTreeMap;

use crate::api::ApiError;
use crate::components::messages::{word_code, word_field_error};
use crate::i18n::{t, use_i18n};

/// A calm placeholder while data is on its way.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="loading" role="status" data-testid="loading">
            <span class="spinner" aria-hidden="true"></span>
            {t!(i18n, loading)}
        </p>
    }
}

/// What `resource` loaded, shown by `children`; a calm placeholder until then (the last
/// view stays while it reloads), and what went wrong with a way to try again.
#[component]
pub fn Loaded<T, F, V>(resource: LocalResource<Result<T, ApiError>>, children: F) -> impl IntoView
where
    T: Clone + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || {
                let children = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => children(value).into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || resource.refetch() />
                        }
                        .into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// What went wrong, with a way to try again when trying again can help.
#[component]
pub fn ErrorNotice(
    error: ApiError,
    /// Called by the "Try again" button; no button without it.
    #[prop(optional, into)]
    retry: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let retryable = matches!(
        error,
        ApiError::Network(_) | ApiError::Server { .. } | ApiError::Decode(_)
    );
    let reference = match &error {
        ApiError::Server {
            request_id: Some(id),
            ..
        } => Some(id.clone()),
        ApiError::Rejected(problem) => problem.request_id.clone(),
        _ => None,
    };
    view! {
        <div class="notice notice-error" role="alert" data-testid="error">
            <p>{error_message(error)}</p>
            {reference.map(|id| view! { <p class="notice-ref">"ref: " {id}</p> })}
            {retry
                .filter(|_| retryable)
                .map(|retry| {
                    view! {
                        <button type="button" class="button button-secondary" on:click=move |_| retry.run(())>
                            {t!(i18n, retry)}
                        </button>
                    }
                })}
        </div>
    }
}

/// The translated sentence for an error; reactive, so it follows the language switch.
/// A problem with a code (a 409's `conflict.version`, …) is worded from it; a rejected request
/// without one from its first field error, else it shows the server's detail.
pub fn error_message(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    move || match error.clone() {
        ApiError::Conflict(Some(problem)) | ApiError::Rejected(problem)
            if word_code(i18n.get_locale(), &problem.code, &BTreeMap::new()).is_some() =>
        {
            word_code(i18n.get_locale(), &problem.code, &BTreeMap::new())
                .unwrap_or_default()
                .into_any()
        }
        ApiError::Rejected(problem) if !problem.errors.is_empty() => {
            let detail = word_field_error(i18n.get_locale(), &problem.errors[0]);
            t!(i18n, error_request, detail).into_any()
        }
        ApiError::Network(_) => t!(i18n, error_network).into_any(),
        ApiError::Forbidden => t!(i18n, error_forbidden).into_any(),
        // A 401 has already sent the user to sign in; this shows only for an instant.
        ApiError::Unauthorized => t!(i18n, error_forbidden).into_any(),
        ApiError::NotFound => t!(i18n, customer_not_found).into_any(),
        ApiError::Conflict(_) => t!(i18n, error_conflict).into_any(),
        ApiError::Decode(_) => t!(i18n, error_bad_response).into_any(),
        ApiError::Server { status, .. } => t!(i18n, error_server, status).into_any(),
        ApiError::Rejected(problem) => {
            let detail = problem.detail.unwrap_or(problem.title);
            t!(i18n, error_request, detail).into_any()
        }
    }
}
