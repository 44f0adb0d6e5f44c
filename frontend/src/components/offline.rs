//! What the page shows about the network: the offline banner, how old kept figures are,
//! and the changes waiting to be sent. [`watch_network`] follows the browser's network
//! and sends the queue when it returns.

use leptos::prelude::*;

use crate::api;
use crate::i18n::{t, use_i18n};
use crate::offline::{self, QueuedKind, as_of_text};
use crate::session::Session;

/// Follows the browser's `online`/`offline` events; when the network returns (or at
/// start, when it is there) the queued changes are sent. Called once, by the shell.
pub fn watch_network(session: Session) {
    let network = offline::network();
    let on = window_event_listener(leptos::ev::online, move |_| network.set_online(true));
    let off = window_event_listener(leptos::ev::offline, move |_| network.set_online(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    if let Some(subject) = session.subject() {
        leptos::task::spawn_local(async move { offline::load_queue(&subject).await });
    }
    Effect::new(move |_| {
        if network.online() {
            leptos::task::spawn_local(api::send_queued(session));
        }
    });
}

/// Sign-out deletes what is kept on the device, the changes still waiting to be sent too:
/// when there are any, the person is asked first.
/// `question` has `{count}` where the number goes.
pub fn may_sign_out(question: &str) -> bool {
    let waiting = offline::network()
        .queue_untracked()
        .iter()
        .filter(|q| q.refused.is_none())
        .count();
    if waiting == 0 {
        return true;
    }
    let question = question.replace("{count}", &waiting.to_string());
    web_sys::window()
        .and_then(|w| w.confirm_with_message(&question).ok())
        .unwrap_or(true)
}

/// The styles of the offline pieces (the banner, the age of a kept card, the dashed stale
/// figures, the pending changes, "keep my customers offline"). They come with the signed-in
/// frame, which always shows [`OfflineBanner`], rather than in `style.css`: the sign-in
/// page's first load has no use for them.
const OFFLINE_CSS: &str = ".offline-banner, .kept-since { display: flex; align-items: center; gap: 0.5rem; margin: 0 0 0.75rem; padding: 0.5rem 0.75rem; border-radius: var(--radius); background: var(--warn-soft); color: var(--warn); font-weight: 600; font-size: 0.9rem; } .offline-dot { flex: none; width: 0.6rem; height: 0.6rem; border-radius: 50%; background: var(--warn); } .credit-file.stale .card { border: 1px dashed var(--warn); box-shadow: none; } .credit-file.stale .amount { color: var(--muted); } .pending-changes { margin-top: 0.75rem; padding: 0.5rem 0.75rem; border: 1px dashed var(--warn); border-radius: var(--radius); background: var(--warn-soft); } .pending-change { padding: 0.25rem 0; overflow-wrap: anywhere; } .pending-kind { font-weight: 600; color: var(--warn); } .keep-portfolio { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-bottom: 0.75rem; } .main:has(.offline-banner) .customer-card { border: 1px dashed var(--warn); box-shadow: none; } .main:has(.offline-banner) .customer-card .amount { color: var(--muted); }";

/// The bar under the header while offline: the figures are the ones kept on this device,
/// and how many changes wait to be sent.
#[component]
pub fn OfflineBanner() -> impl IntoView {
    let i18n = use_i18n();
    let network = offline::network();
    let waiting = move || {
        network
            .queue()
            .iter()
            .filter(|q| q.refused.is_none())
            .count()
    };
    view! {
        <style>{OFFLINE_CSS}</style>
        <Show when=move || !network.online()>
            <p class="offline-banner" role="status" data-testid="offline-banner">
                <span class="offline-dot" aria-hidden="true"></span>
                {move || match network.oldest_shown() {
                    Some(ms) => t!(i18n, offline_as_of, time = as_of_text(ms)).into_any(),
                    None => t!(i18n, offline_banner).into_any(),
                }}
                {move || (waiting() > 0).then(|| {
                    let count = waiting();
                    view! { " · " {t!(i18n, offline_waiting, count = count)} }
                })}
            </p>
        </Show>
    }
}

/// On a card shown from the device's store: "离线 · 数据截至 10:42".
#[component]
pub fn KeptSince(ms: f64) -> impl IntoView {
    let i18n = use_i18n();
    let time = as_of_text(ms);
    view! {
        <p class="kept-since" role="status" data-testid="offline-as-of">
            <span class="offline-dot" aria-hidden="true"></span>
            {t!(i18n, offline_as_of, time = time)}
        </p>
    }
}

/// The changes for this customer that wait to be sent (or that the server refused): its
/// credit requests (`requests`), or its notes and promises.
#[component]
pub fn PendingChanges(customer: String, #[prop(optional)] requests: bool) -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let network = offline::network();
    let mine = move || {
        network
            .queue()
            .into_iter()
            .filter(|q| q.customer == customer && (q.kind == QueuedKind::Request) == requests)
            .collect::<Vec<_>>()
    };
    view! {
        {move || {
            let changes = mine();
            (!changes.is_empty()).then(|| view! {
                <div class="pending-changes" data-testid="pending-changes">
                    <h3 class="subheading">{t!(i18n, pending_title)}</h3>
                    <ul class="plain-list">
                        {changes.into_iter().map(|change| {
                            let key = change.key.clone();
                            let refused = change.refused.clone();
                            let was_refused = refused.is_some();
                            view! {
                                <li class="pending-change" class:refused=was_refused
                                    data-testid="pending-change">
                                    <span class="pending-kind">
                                        {match change.kind {
                                            QueuedKind::Note => t!(i18n, pending_note).into_any(),
                                            QueuedKind::Promise => t!(i18n, pending_promise).into_any(),
                                            QueuedKind::Request => t!(i18n, request_action).into_any(),
                                        }}
                                    </span>
                                    " "
                                    <span class="pending-summary">{change.summary.clone()}</span>
                                    " · "
                                    <span class="muted small">{as_of_text(change.queued_ms)}</span>
                                    {refused.map(|reason| {
                                        let key = key.clone();
                                        view! {
                                            <span class="field-error">
                                                {t!(i18n, pending_refused, reason = reason)}
                                            </span>
                                            <button type="button" class="button button-ghost button-small"
                                                on:click=move |_| {
                                                    let key = key.clone();
                                                    leptos::task::spawn_local(async move {
                                                        api::discard_queued(session, &key).await;
                                                    });
                                                }>
                                                {t!(i18n, pending_discard)}
                                            </button>
                                        }
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
    }
}

/// How many customers "keep my customers offline" keeps, as chosen on this device.
const CAP_KEY: &str = "credence.offline.cap";
const CAPS: [usize; 3] = [50, 200, offline::MAX_CARDS];
const DEFAULT_CAP: usize = 200;

fn stored_cap() -> usize {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(CAP_KEY).ok().flatten())
        .and_then(|v| v.parse().ok())
        .filter(|cap| CAPS.contains(cap))
        .unwrap_or(DEFAULT_CAP)
}

fn store_cap(cap: usize) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(CAP_KEY, &cap.to_string());
    }
}

/// "Keep my customers offline": the rep's own customers, up to a cap they choose, fetched
/// and kept on the device before they go where the network is weak.
#[component]
pub fn KeepPortfolio() -> impl IntoView {
    let i18n = use_i18n();
    let session = crate::session::use_session();
    let network = offline::network();
    let cap = RwSignal::new(stored_cap());
    let progress = RwSignal::new(None::<(usize, usize)>);
    let outcome = RwSignal::new(None::<Result<usize, api::ApiError>>);
    let keep = Action::new_local(move |cap: &usize| {
        let cap = *cap;
        async move {
            outcome.set(None);
            progress.set(Some((0, 0)));
            let kept = api::keep_portfolio(session, cap, |done, total| {
                progress.set(Some((done, total)));
            })
            .await;
            progress.set(None);
            outcome.set(Some(kept));
        }
    });
    view! {
        <div class="keep-portfolio" data-testid="keep-portfolio">
            <label for="keep-cap" class="muted small">{t!(i18n, keep_offline_cap)}</label>
            <select id="keep-cap" data-testid="keep-cap"
                on:change=move |ev| {
                    if let Ok(value) = event_target_value(&ev).parse::<usize>() {
                        cap.set(value);
                        store_cap(value);
                    }
                }>
                {CAPS.into_iter().map(|n| view! {
                    <option value=n.to_string() selected=move || cap.get() == n>{n}</option>
                }).collect_view()}
            </select>
            <button type="button" class="button button-secondary button-small" data-testid="keep-offline"
                disabled=move || keep.pending().get() || !network.online()
                on:click=move |_| { keep.dispatch_local(cap.get_untracked()); }>
                {t!(i18n, keep_offline)}
            </button>
            <span class="muted small" role="status" data-testid="keep-offline-status">
                {move || match (progress.get(), outcome.get()) {
                    (Some((done, total)), _) => Some(t!(i18n, keep_offline_progress, done = done, total = total).into_any()),
                    (None, Some(Ok(count))) => Some(t!(i18n, keep_offline_done, count = count).into_any()),
                    (None, Some(Err(_))) => Some(t!(i18n, keep_offline_failed).into_any()),
                    (None, None) => None,
                }}
            </span>
        </div>
    }
}
