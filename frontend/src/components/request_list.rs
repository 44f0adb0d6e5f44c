//! A list of credit requests (inbox, customer page): what is asked, for whom, where it
//! waits and whether it is late. Each line opens the request.

use credence_shared::workflow::RequestSummary;
use leptos::prelude::*;

use crate::components::form::local_datetime;
use crate::components::labels::{OverdueBadge, StatusBadge, kind_label};
use crate::components::layout::role_label;
use crate::components::money::Amount;
use crate::components::people::Person;
use crate::i18n::{t, t_string, use_i18n};

/// The page of one request.
pub fn request_href(summary: &RequestSummary) -> String {
    summary.subject.app_path(&summary.id)
}

#[component]
pub fn RequestList(
    items: Vec<RequestSummary>,
    /// Name the customer on each line (off on the customer's own page).
    #[prop(default = true)]
    show_customer: bool,
    /// Mark requests with news for their requester ("My requests").
    #[prop(default = false)]
    show_moved: bool,
    /// Shown when there is nothing.
    empty: &'static str,
    #[prop(optional)] testid: Option<&'static str>,
) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty muted" data-testid="requests-empty">{empty}</p> }
            .into_any();
    }
    view! {
        <ul class="request-list" data-testid=testid.unwrap_or("request-list")>
            {items
                .into_iter()
                .map(|item| view! { <RequestLine item show_customer show_moved /> })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn RequestLine(item: RequestSummary, show_customer: bool, show_moved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let href = request_href(&item);
    let moved = show_moved && item.moved;
    let kind = item.kind;
    let waiting = item.waiting_for.map(|role| {
        let since = item.since.map(local_datetime);
        let due = item.due.map(local_datetime);
        (role, since, due)
    });
    view! {
        <li>
            <a
                class="card request-line"
                class:overdue=item.overdue
                href=href
                data-testid="request-line"
                data-request=item.id.clone()
            >
                <div class="request-line-head">
                    <span class="request-kind">
                        {moved.then(|| view! {
                            <span
                                class="moved-dot"
                                data-testid="moved-dot"
                                title=move || t_string!(i18n, moved_hint)
                            >
                                <span class="sr-only">{t!(i18n, moved_hint)}</span>
                            </span>
                        })}
                        {move || kind_label(kind)}
                    </span>
                    {item.amount.map(|money| view! { <Amount money class="request-amount" /> })}
                    <StatusBadge status=item.status />
                </div>
                <p class="request-line-who muted small">
                    {show_customer.then(|| view! {
                        <strong class="request-customer">{item.customer_name.clone()}</strong>
                        " · "
                    })}
                    {t!(i18n, requested_by)} " " <Person name=item.requester.clone() />
                </p>
                {waiting.map(|(role, since, due)| view! {
                    <p class="request-line-wait small">
                        <span>{t!(i18n, waiting_for)} " " <strong>{move || role_label(role)}</strong></span>
                        {since.map(|s| view! { <span class="muted">" · " {t!(i18n, since_time, time = s)}</span> })}
                        {due.map(|d| view! { <span class="muted">" · " {t!(i18n, due_time, time = d)}</span> })}
                        {item.overdue.then(|| view! { " " <OverdueBadge /> })}
                    </p>
                })}
            </a>
        </li>
    }
}
