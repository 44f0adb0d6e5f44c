//! The credit review queue, `/reviews` (risk, finance, approvers, admin): customers whose
//! review is due within a window (a week to start with) or overdue, earliest first, with
//! what a reviewer looks at first. A review is completed from the customer's page, as a
//! "credit review" request through the approval matrix.

use credence_shared::dto::{ReviewItem, ReviewQueue};
use leptos::prelude::*;

use crate::api;
use crate::components::customer_card::{GradeBadge, StatusBadges};
use crate::components::money::Amount;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

/// The windows offered, in days.
const WINDOWS: [i64; 3] = [7, 30, 90];

#[component]
pub fn ReviewsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let within = RwSignal::new(WINDOWS[0]);
    let queue = LocalResource::new(move || {
        let within = within.get();
        async move { api::reviews(session, within).await }
    });
    let window_label = move |days: i64| match days {
        7 => t!(i18n, reviews_week).into_any(),
        30 => t!(i18n, reviews_month).into_any(),
        _ => t!(i18n, reviews_quarter).into_any(),
    };

    view! {
        <div class="page page-reviews">
            <h1 class="page-title">{t!(i18n, reviews_title)}</h1>
            <p class="muted">{t!(i18n, reviews_lede)}</p>
            <div class="card review-window" role="group" aria-labelledby="reviews-within-label">
                <span id="reviews-within-label" class="label">{t!(i18n, reviews_within)}</span>
                <div class="segmented" data-testid="reviews-within">
                    {WINDOWS.into_iter().map(|days| view! {
                        <button
                            type="button"
                            class="button button-ghost"
                            aria-pressed=move || (within.get() == days).to_string()
                            data-testid=format!("reviews-within-{days}")
                            on:click=move |_| within.set(days)
                        >
                            {window_label(days)}
                        </button>
                    }).collect_view()}
                </div>
            </div>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(queue) => view! { <Queue queue /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error retry=move || queue.refetch() /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Queue(queue: ReviewQueue) -> impl IntoView {
    let i18n = use_i18n();
    if queue.items.is_empty() {
        return view! { <p class="card muted" data-testid="reviews-empty">{t!(i18n, reviews_empty)}</p> }
            .into_any();
    }
    view! {
        <ul class="results review-list" data-testid="review-list">
            {queue.items.into_iter().map(|item| view! { <Row item /> }).collect_view()}
        </ul>
        {queue.truncated.then(|| view! { <p class="muted">{t!(i18n, reviews_truncated)}</p> })}
    }
    .into_any()
}

#[component]
fn Row(item: ReviewItem) -> impl IntoView {
    let i18n = use_i18n();
    let c = item.customer;
    let href = format!("/customers/{}", c.id);
    let days = item.days_overdue;
    let (class, when) = match days {
        d if d > 0 => (
            "badge badge-danger",
            t!(i18n, reviews_overdue_days, days = d).into_any(),
        ),
        0 => ("badge badge-warn", t!(i18n, reviews_due_today).into_any()),
        d => ("badge", t!(i18n, reviews_due_in_days, days = -d).into_any()),
    };
    let overdue = (!c.overdue.amount.is_zero()).then_some(c.overdue);
    view! {
        <li>
            <a class="card customer-card review-row" href=href data-testid="review-row">
                <div class="card-head">
                    <div class="names">
                        <h3 class="name">{c.name.clone()}</h3>
                        <p class="number muted">{c.number.clone()}</p>
                    </div>
                    <GradeBadge grade=c.grade />
                </div>
                <div class="card-foot">
                    <span class="due">
                        <span class="label">{t!(i18n, reviews_due)}</span>
                        " "
                        <span class="mono" data-testid="review-due">{item.due.to_string()}</span>
                    </span>
                    <span class=class data-testid="review-when">{when}</span>
                </div>
                <div class="card-foot">
                    <span class="limit">
                        <span class="label">{t!(i18n, credit_limit)}</span>
                        " "
                        <Amount money=c.credit_limit />
                    </span>
                    <span class="limit">
                        <span class="label">{t!(i18n, exposure)}</span>
                        " "
                        <Amount money=c.exposure />
                    </span>
                    <StatusBadges on_hold=c.on_hold blacklisted=c.blacklisted />
                    {overdue.map(|money| view! {
                        <span class="badge badge-warn overdue">
                            {t!(i18n, overdue)} " " <Amount money />
                        </span>
                    })}
                </div>
            </a>
        </li>
    }
}
