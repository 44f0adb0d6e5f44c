//! Letters to the customer on their collections: the statements and reminders sent (or kept
//! to post), each with its PDF, and the buttons to send one now.

use credence_shared::CustomerId;
use credence_shared::watch::{Letter, LetterKind, LetterStatus, NewLetter};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::case_words::{letter_kind_word, letter_status_word};
use crate::components::download::download_bytes;
use crate::components::money::Amount;
use crate::components::notice::ErrorNotice;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// A key for one click of a send button (a second click of the same render sends nothing
/// twice).
fn fresh_key(kind: LetterKind) -> String {
    let random = (js_sys::Math::random() * 1e12) as u64;
    format!(
        "app-letter:{}:{}:{random}",
        kind.as_str(),
        js_sys::Date::now() as u64
    )
}

fn status_class(status: LetterStatus) -> &'static str {
    match status {
        LetterStatus::Sent => "badge badge-ok",
        LetterStatus::Pending => "badge badge-neutral",
        LetterStatus::NoAddress => "badge badge-warn",
        LetterStatus::Failed => "badge badge-danger",
    }
}

#[component]
pub fn LettersPanel(id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let list = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::letters(session, &id).await }
    });
    let failure = RwSignal::new(None::<ApiError>);
    let done = RwSignal::new(None::<String>);
    let send = Action::new_local(move |kind: &LetterKind| {
        let body = NewLetter {
            idempotency_key: fresh_key(*kind),
            kind: *kind,
            to: Vec::new(),
        };
        async move {
            failure.set(None);
            done.set(None);
            match api::send_letter(session, &id.get_value(), &body).await {
                Ok(letter) => {
                    let locale = i18n.get_locale_untracked();
                    let what = letter_kind_word(locale, letter.kind);
                    let template = if letter.status == LetterStatus::NoAddress {
                        t_string!(i18n, letter_kept_now)
                    } else {
                        t_string!(i18n, letter_sent_now)
                    };
                    done.set(Some(template.replace("{letter}", what)));
                    // Only the list: reloading the collections would draw this panel
                    // anew and lose the notice (the activity line shows on the next visit).
                    list.refetch();
                }
                Err(error) => failure.set(Some(error)),
            }
        }
    });
    view! {
        <div class="letters" data-testid="letters">
            <div class="section-head">
                <h3 class="subheading">{t!(i18n, letters_title)}</h3>
                <div class="button-row">
                    <button type="button" class="button button-secondary button-small"
                        data-testid="letter-statement" disabled=move || send.pending().get()
                        on:click=move |_| { send.dispatch_local(LetterKind::Statement); }>
                        {t!(i18n, letter_send_statement)}
                    </button>
                    <button type="button" class="button button-secondary button-small"
                        data-testid="letter-reminder" disabled=move || send.pending().get()
                        on:click=move |_| { send.dispatch_local(LetterKind::Reminder); }>
                        {t!(i18n, letter_send_reminder)}
                    </button>
                </div>
            </div>
            {move || done.get().map(|m| view! {
                <p class="notice notice-ok small" role="status" data-testid="letter-done">{m}</p>
            })}
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            {move || list.get().map(|answer| match answer {
                Err(error) => view! { <ErrorNotice error /> }.into_any(),
                Ok(list) if list.items.is_empty() => {
                    view! { <p class="muted small">{t!(i18n, letters_none)}</p> }.into_any()
                }
                Ok(list) => view! {
                    <ul class="letter-list">
                        {list.items.into_iter().map(|letter| view! {
                            <LetterLine letter id=id.get_value() />
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </div>
    }
}

#[component]
fn LetterLine(letter: Letter, id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let failure = RwSignal::new(None::<ApiError>);
    let (kind, status) = (letter.kind, letter.status);
    let letter_id = StoredValue::new(letter.id.clone());
    let has_pdf = letter.pdf_bytes > 0;
    let download = move |_| {
        let (id, letter) = (id.to_string(), letter_id.get_value());
        leptos::task::spawn_local(async move {
            match api::letter_pdf(session, &id, &letter).await {
                Ok(bytes) => download_bytes(&format!("{letter}.pdf"), &bytes, "application/pdf"),
                Err(e) => failure.set(Some(e)),
            }
        });
    };
    let to = letter.to.join(", ");
    view! {
        <li class="letter-line" data-testid="letter-line">
            <div class="letter-main">
                <strong>{move || letter_kind_word(i18n.get_locale(), kind)}</strong>
                <span class=status_class(status) data-testid="letter-status">
                    {move || letter_status_word(i18n.get_locale(), status)}
                </span>
                <Amount money=letter.total />
            </div>
            <div class="muted small">
                {letter.date.to_string()} " · " {letter.by.clone()} " · " {letter.id.clone()}
                {(!to.is_empty()).then(|| view! {
                    " · " {move || t_string!(i18n, letter_to).replace("{to}", &to)}
                })}
            </div>
            {letter.error.clone().map(|e| view! { <div class="small field-error">{e}</div> })}
            {has_pdf.then(|| view! {
                <button type="button" class="button button-ghost button-small"
                    data-testid="letter-pdf" on:click=download>
                    {t!(i18n, letter_pdf)}
                </button>
            })}
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
        </li>
    }
}
