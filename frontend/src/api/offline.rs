//! The calls a rep needs in the field, working offline: answers kept for when the network
//! is gone ([`kept_get`]) and changes queued until it returns ([`post_or_queue`],
//! [`send_queued`]). The store itself is [`crate::offline`].

use std::cell::Cell;

use credence_shared::dto::{CustomerPage, CustomerSummary};
use gloo_net::http::Request;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{ApiError, authorised, authorised_with_body};
use crate::offline::{self, Queued, QueuedKind};
use crate::session::Session;

/// A live answer (`None`) or one kept offline, with when it was fetched (ms since epoch).
pub type AsOf = Option<f64>;

/// A GET whose answer is kept for offline use. With a network it is the server's answer
/// (kept in the background); without one, or when the request never reaches the server,
/// it is the answer kept last time with its time, or the network error when none was.
pub async fn kept_get<T: DeserializeOwned + Serialize>(
    session: Session,
    url: &str,
) -> Result<(T, AsOf), ApiError> {
    let subject = session.subject();
    let failure = if offline::navigator_online() {
        match authorised::<T>(session, Request::get(url)).await {
            Ok(value) => {
                offline::network().set_online(true);
                if let (Some(subject), Ok(json)) = (subject, serde_json::to_string(&value)) {
                    let url = url.to_owned();
                    leptos::task::spawn_local(async move {
                        offline::keep(&subject, &url, json).await;
                    });
                }
                return Ok((value, None));
            }
            Err(ApiError::Network(error)) => ApiError::Network(error),
            Err(error) => return Err(error),
        }
    } else {
        ApiError::Network("offline".into())
    };
    offline::network().set_online(false);
    let Some(subject) = subject else {
        return Err(failure);
    };
    let Some(kept) = offline::kept(&subject, url).await else {
        return Err(failure);
    };
    let value = serde_json::from_str(&kept.body).map_err(|_| failure)?;
    offline::network().showing_kept(kept.saved_ms);
    Ok((value, Some(kept.saved_ms)))
}

/// Records that this customer's card is kept (for offline search).
pub fn card_opened(session: Session, customer: &CustomerSummary) {
    let Some(subject) = session.subject() else {
        return;
    };
    let customer = customer.clone();
    leptos::task::spawn_local(async move {
        offline::save_card(&subject, &customer).await;
    });
}

/// Offline search: the kept cards matching the query, as one last page.
pub async fn search_kept(session: Session, query: Option<&str>) -> (CustomerPage, AsOf) {
    let Some(subject) = session.subject() else {
        return (
            CustomerPage {
                items: Vec::new(),
                next_cursor: None,
            },
            None,
        );
    };
    let (items, oldest) = offline::search(&subject, query).await;
    if let Some(oldest) = oldest {
        offline::network().showing_kept(oldest);
    }
    (
        CustomerPage {
            items,
            next_cursor: None,
        },
        oldest.or(Some(js_sys::Date::now())),
    )
}

/// What became of a change: the server has it, or it waits in the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent<T> {
    Now(T),
    Queued,
}

/// POSTs a change that is safe to send late (it carries its idempotency key); when the
/// network is gone it is queued instead, shown as pending and sent by [`send_queued`].
pub async fn post_or_queue<T: DeserializeOwned, B: Serialize>(
    session: Session,
    url: String,
    body: &B,
    change: (QueuedKind, &str, &str, String),
) -> Result<Sent<T>, ApiError> {
    let (kind, customer, key, summary) = change;
    if offline::navigator_online() {
        match authorised_with_body::<T, B>(session, Request::post(&url), body).await {
            Ok(value) => return Ok(Sent::Now(value)),
            Err(ApiError::Network(_)) => {}
            Err(error) => return Err(error),
        }
    }
    offline::network().set_online(false);
    let subject = session.subject().ok_or(ApiError::Unauthorized)?;
    let body = serde_json::to_string(body).map_err(|e| ApiError::Decode(e.to_string()))?;
    let queued = Queued {
        key: key.to_owned(),
        kind,
        customer: customer.to_owned(),
        url,
        body,
        summary,
        queued_ms: js_sys::Date::now(),
        refused: None,
    };
    offline::enqueue(&subject, queued)
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    Ok(Sent::Queued)
}

/// `POST /v1/customers/{id}/requests` with the request's idempotency key; without a
/// network it is queued (a request needs the server's checks and routing: it is filed when
/// it is sent).
pub async fn file_request_or_queue(
    session: Session,
    id: &credence_shared::CustomerId,
    body: &credence_shared::workflow::NewRequest,
) -> Result<Sent<credence_shared::workflow::CreditRequest>, ApiError> {
    let url = format!("/v1/customers/{id}/requests");
    let key = body.idempotency_key.clone().unwrap_or_default();
    // The amount asked for first, then the rep's reason.
    let summary = match body.change.amount() {
        Some(amount) => format!(
            "{} · {}",
            credence_shared::money::format_money(&amount),
            body.justification
        ),
        None => body.justification.clone(),
    };
    let change = (QueuedKind::Request, id.as_str(), key.as_str(), summary);
    post_or_queue(session, url, body, change).await
}

thread_local! {
    static SENDING: Cell<bool> = const { Cell::new(false) };
}

/// Sends the queued changes, oldest first, once each: a change the server takes (or had
/// already, by its key) leaves the queue; one it refuses stays with the reason; when the
/// network is gone again, the rest wait.
pub async fn send_queued(session: Session) {
    let Some(subject) = session.subject() else {
        return;
    };
    if SENDING.with(|s| s.replace(true)) {
        return;
    }
    offline::load_queue(&subject).await;
    let mut sent = false;
    for change in offline::network().queue_untracked() {
        if change.refused.is_some() {
            continue;
        }
        let Ok(body) = serde_json::from_str::<serde_json::Value>(&change.body) else {
            offline::dequeue(&subject, &change.key).await;
            continue;
        };
        let answer = authorised_with_body::<serde_json::Value, _>(
            session,
            Request::post(&change.url),
            &body,
        )
        .await;
        match answer {
            Ok(_) => {
                offline::dequeue(&subject, &change.key).await;
                sent = true;
            }
            Err(ApiError::Network(_)) => {
                offline::network().set_online(false);
                break;
            }
            Err(error) => {
                let reason = match &error {
                    ApiError::Rejected(problem) => problem
                        .errors
                        .first()
                        .map(|e| e.message.clone())
                        .unwrap_or_else(|| problem.title.clone()),
                    other => other.to_string(),
                };
                offline::mark_refused(&subject, change, reason).await;
            }
        }
    }
    SENDING.with(|s| s.set(false));
    if sent {
        offline::changes_sent();
    }
}

/// Takes a refused change out of the queue.
pub async fn discard_queued(session: Session, key: &str) {
    if let Some(subject) = session.subject() {
        offline::dequeue(&subject, key).await;
    }
}

/// Keeps the person's own customers on the device ("keep my customers offline"): their
/// first `cap` customers in the search's order (a rep's search lists only their own), each
/// card and its collections fetched and kept. `progress` hears (done, total) after each.
pub async fn keep_portfolio(
    session: Session,
    cap: usize,
    progress: impl Fn(usize, usize),
) -> Result<usize, ApiError> {
    if !offline::navigator_online() {
        return Err(ApiError::Network("offline".into()));
    }
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let page: CustomerPage = super::customers(session, None, cursor).await?;
        ids.extend(page.items.into_iter().map(|c| c.id));
        match page.next_cursor {
            Some(next) if ids.len() < cap => cursor = Some(next),
            _ => break,
        }
    }
    ids.truncate(cap);
    let total = ids.len();
    for (done, id) in ids.iter().enumerate() {
        let (_, as_of) = super::credit(session, id).await?;
        if as_of.is_some() {
            // The network went meanwhile: what is kept stays, the rest waits.
            return Err(ApiError::Network("offline".into()));
        }
        super::collections(session, id).await?;
        progress(done + 1, total);
    }
    Ok(total)
}
