//! Offline: the rep's last-known figures and what they typed without a network.
//!
//! - **Kept answers.** The answers a rep needs in the field (who they are, each credit card
//!   they open and its collections) are kept in IndexedDB with the time they were fetched.
//!   When the network is gone, [`crate::api`] answers from them, marked with that time, and
//!   the page says how old they are: stale figures never look live.
//! - **Saved cards.** Each card opened (or saved with "keep my customers offline") leaves
//!   its customer's summary, so search works offline over them with the server's own
//!   matching rules (`shared::search`). At most [`MAX_CARDS`]; the least recently used go
//!   first, and when the browser's quota is full the oldest are evicted and the write tried
//!   again.
//! - **The queue.** Changes that are safe to send late (a note, a promise to pay) are kept
//!   with their idempotency key when they cannot be sent, shown as pending, and sent when
//!   the network returns; the server records each once however often it is replayed.
//! - **Sign-out** deletes all of it.
//!
//! Every key starts with the signed-in person's subject, so one person never sees what
//! another kept on a shared device.

mod idb;

use std::cell::Cell;

use credence_shared::dto::CustomerSummary;
use credence_shared::search::{index_terms, matches};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use idb::IdbError;

/// How many customers' cards are kept at most (a rep's portfolio is rarely larger).
pub const MAX_CARDS: usize = 500;

/// How many of the oldest cards are evicted at once when the browser's quota is full.
const EVICT_ON_QUOTA: usize = 25;

/// A kept answer: its JSON and when it was fetched (ms since the epoch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Kept {
    pub saved_ms: f64,
    pub body: String,
}

/// A saved card's summary, for offline search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedCard {
    pub saved_ms: f64,
    pub used_ms: f64,
    pub customer: CustomerSummary,
}

/// What a queued change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueuedKind {
    Note,
    Promise,
    /// A credit request (a limit, terms…) filed offline.
    Request,
}

/// A change typed without a network, waiting to be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    /// The change's idempotency key (also its key in the queue).
    pub key: String,
    pub kind: QueuedKind,
    pub customer: String,
    /// Where it is POSTed and what is sent.
    pub url: String,
    pub body: String,
    /// What the rep sees in the pending list (the note's text, the promise's amount).
    pub summary: String,
    pub queued_ms: f64,
    /// Why the server refused it, once it has; it then stays until the rep discards it.
    #[serde(default)]
    pub refused: Option<String>,
}

/// The network as the page sees it, and the queue; one for the whole app.
#[derive(Debug, Clone, Copy)]
pub struct Network {
    online: RwSignal<bool>,
    queue: RwSignal<Vec<Queued>>,
    /// Bumped each time queued changes reach the server, so lists showing them reload.
    synced: RwSignal<u32>,
    /// The oldest as-of time of the kept figures shown since the network went.
    oldest_shown: RwSignal<Option<f64>>,
}

thread_local! {
    static NETWORK: Cell<Option<Network>> = const { Cell::new(None) };
}

/// The app's [`Network`]; made on first use.
pub fn network() -> Network {
    NETWORK.with(|cell| {
        if let Some(network) = cell.get() {
            return network;
        }
        let network = Network {
            online: RwSignal::new(navigator_online()),
            queue: RwSignal::new(Vec::new()),
            synced: RwSignal::new(0),
            oldest_shown: RwSignal::new(None),
        };
        cell.set(Some(network));
        network
    })
}

impl Network {
    /// Whether the browser believes it has a network; reactive.
    pub fn online(&self) -> bool {
        self.online.get()
    }

    pub fn set_online(&self, online: bool) {
        if self.online.get_untracked() != online {
            self.online.set(online);
            if online {
                self.oldest_shown.set(None);
            }
        }
    }

    /// Kept figures of this age are on the page.
    pub fn showing_kept(&self, saved_ms: f64) {
        let oldest = self.oldest_shown.get_untracked();
        if oldest.is_none_or(|o| saved_ms < o) {
            self.oldest_shown.set(Some(saved_ms));
        }
    }

    /// The oldest as-of time of the kept figures shown while offline; reactive.
    pub fn oldest_shown(&self) -> Option<f64> {
        self.oldest_shown.get()
    }

    /// The queued changes, oldest first; reactive.
    pub fn queue(&self) -> Vec<Queued> {
        self.queue.get()
    }

    pub fn queue_untracked(&self) -> Vec<Queued> {
        self.queue.get_untracked()
    }

    /// A counter that moves whenever queued changes were sent; reactive.
    pub fn synced(&self) -> u32 {
        self.synced.get()
    }

    fn set_queue(&self, mut queue: Vec<Queued>) {
        queue.sort_by(|a, b| a.queued_ms.total_cmp(&b.queued_ms));
        self.queue.set(queue);
    }

    fn bump_synced(&self) {
        self.synced.update(|n| *n = n.wrapping_add(1));
    }
}

/// `navigator.onLine`: `false` means surely offline; `true` only that a network exists.
pub fn navigator_online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn scoped(subject: &str, key: &str) -> String {
    format!("{subject} {key}")
}

/// Keeps an answer (best effort: a full or missing store only means less offline).
pub async fn keep(subject: &str, url: &str, body: String) {
    let kept = Kept {
        saved_ms: now_ms(),
        body,
    };
    let Ok(value) = serde_json::to_string(&kept) else {
        return;
    };
    let key = scoped(subject, url);
    write_evicting(idb::ANSWERS, &[(&key, &value)]).await;
}

/// The answer kept for `url`, if any.
pub async fn kept(subject: &str, url: &str) -> Option<Kept> {
    let raw = idb::get(idb::ANSWERS, &scoped(subject, url)).await.ok()??;
    serde_json::from_str(&raw).ok()
}

/// Records that a customer's card is kept, for offline search; evicts the least recently
/// used cards (and their answers) beyond [`MAX_CARDS`].
pub async fn save_card(subject: &str, customer: &CustomerSummary) {
    let now = now_ms();
    let card = SavedCard {
        saved_ms: now,
        used_ms: now,
        customer: customer.clone(),
    };
    let Ok(value) = serde_json::to_string(&card) else {
        return;
    };
    let key = scoped(subject, customer.id.as_str());
    write_evicting(idb::CARDS, &[(&key, &value)]).await;
    let cards = saved_cards(subject).await;
    if cards.len() > MAX_CARDS {
        evict(subject, cards.len() - MAX_CARDS).await;
    }
}

/// The cards kept for this person, most recently used first.
pub async fn saved_cards(subject: &str) -> Vec<SavedCard> {
    let mut cards: Vec<SavedCard> = this_persons(idb::CARDS, subject).await;
    cards.sort_by(|a, b| b.used_ms.total_cmp(&a.used_ms));
    cards
}

/// Offline search over the kept cards, with the server's matching rules; `None` lists all.
/// Returns the matches and the oldest of their as-of times.
pub async fn search(subject: &str, query: Option<&str>) -> (Vec<CustomerSummary>, Option<f64>) {
    let cards = saved_cards(subject).await;
    let found: Vec<SavedCard> = cards
        .into_iter()
        .filter(|card| {
            query.is_none_or(|q| {
                let c = &card.customer;
                let usci = c.usci.as_ref().map(|u| u.to_string());
                matches(
                    &index_terms(&c.name, c.name_en.as_deref(), &c.number, usci.as_deref()),
                    q,
                )
            })
        })
        .collect();
    let oldest = found.iter().map(|c| c.saved_ms).reduce(f64::min);
    (found.into_iter().map(|c| c.customer).collect(), oldest)
}

/// Drops the `count` least recently used cards and the answers kept for them.
async fn evict(subject: &str, count: usize) {
    let cards = saved_cards(subject).await;
    let gone: Vec<&SavedCard> = cards.iter().rev().take(count).collect();
    let card_keys: Vec<String> = gone
        .iter()
        .map(|c| scoped(subject, c.customer.id.as_str()))
        .collect();
    let answer_keys: Vec<String> = gone
        .iter()
        .flat_map(|c| {
            let id = c.customer.id.as_str();
            [
                scoped(subject, &format!("/v1/customers/{id}/credit")),
                scoped(subject, &format!("/v1/customers/{id}/collections")),
            ]
        })
        .collect();
    let card_keys: Vec<&str> = card_keys.iter().map(String::as_str).collect();
    let answer_keys: Vec<&str> = answer_keys.iter().map(String::as_str).collect();
    let _ = idb::write(idb::CARDS, &[], &card_keys).await;
    let _ = idb::write(idb::ANSWERS, &[], &answer_keys).await;
}

/// A write that, when the browser's quota is full, evicts the oldest cards of every
/// person on the device and tries once more.
async fn write_evicting(store: &str, put: &[(&str, &str)]) {
    if let Err(IdbError::Quota) = idb::write(store, put, &[]).await {
        let mut subjects: Vec<String> = idb::all(idb::CARDS)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(key, _)| key.split_once(' ').map(|(s, _)| s.to_owned()))
            .collect();
        subjects.sort();
        subjects.dedup();
        for subject in &subjects {
            evict(subject, EVICT_ON_QUOTA).await;
        }
        let _ = idb::write(store, put, &[]).await;
    }
}

/// Puts a change in the queue (shown as pending at once).
pub async fn enqueue(subject: &str, change: Queued) -> Result<(), IdbError> {
    let value = serde_json::to_string(&change).map_err(|e| IdbError::Failed(e.to_string()))?;
    let key = scoped(subject, &change.key);
    idb::write(idb::QUEUE, &[(&key, &value)], &[]).await?;
    load_queue(subject).await;
    Ok(())
}

/// Reads this person's queue into [`Network`].
pub async fn load_queue(subject: &str) {
    let queue = this_persons(idb::QUEUE, subject).await;
    network().set_queue(queue);
}

/// The values of a store kept for this person (the ones that still read).
async fn this_persons<T: serde::de::DeserializeOwned>(store: &str, subject: &str) -> Vec<T> {
    let prefix = scoped(subject, "");
    idb::all(store)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|(key, _)| key.starts_with(&prefix))
        .filter_map(|(_, value)| serde_json::from_str(&value).ok())
        .collect()
}

/// Takes a change out of the queue: it was sent, or the rep discarded it.
pub async fn dequeue(subject: &str, key: &str) {
    let _ = idb::write(idb::QUEUE, &[], &[&scoped(subject, key)]).await;
    load_queue(subject).await;
}

/// Marks a change the server refused (it stays, with the reason, until discarded).
pub async fn mark_refused(subject: &str, mut change: Queued, reason: String) {
    change.refused = Some(reason);
    if let Ok(value) = serde_json::to_string(&change) {
        let key = scoped(subject, &change.key);
        let _ = idb::write(idb::QUEUE, &[(&key, &value)], &[]).await;
    }
    load_queue(subject).await;
}

/// Tells lists showing queued changes that some reached the server.
pub fn changes_sent() {
    network().bump_synced();
}

/// Deletes everything kept on this device (sign-out).
pub fn forget_everything() {
    idb::wipe();
}

/// "10:42" today, "12-03 10:42" another day: when kept figures were fetched.
pub fn as_of_text(ms: f64) -> String {
    let then = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let today = js_sys::Date::new_0();
    let time = format!("{:02}:{:02}", then.get_hours(), then.get_minutes());
    let same_day = then.get_full_year() == today.get_full_year()
        && then.get_month() == today.get_month()
        && then.get_date() == today.get_date();
    if same_day {
        time
    } else {
        format!("{:02}-{:02} {time}", then.get_month() + 1, then.get_date())
    }
}
