//! Home: customer search for every role. Results follow the typing (debounced), the
//! query is checked in the browser with the same rules the server applies, and
//! "Load more" continues from the server's cursor.

use std::time::Duration;

use credence_shared::dto::{CustomerPage, CustomerSummary};
use credence_shared::search::{MAX_QUERY_CHARS, QueryError, normalise_query};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::customer_card::CustomerCard;
use crate::components::download::ExportButtons;
use crate::components::later::Later;
use crate::components::layout::{APPLICANTS, use_current_user};
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// How many results render with the list; the rest of the page follows a task later.
const SHOWN_AT_ONCE: usize = 6;

/// Quiet time after the last keystroke before searching.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The query to send: `None` lists all customers (first page); an error means "don't ask".
type Query = Result<Option<String>, QueryError>;

fn parse_query(text: &str) -> Query {
    if text.trim().is_empty() {
        Ok(None)
    } else {
        normalise_query(text).map(Some)
    }
}

/// Pages fetched with "Load more" for the current query, after the first one.
#[derive(Debug, Clone, Default)]
struct MorePages {
    items: Vec<CustomerSummary>,
    /// `None` until a further page has been loaded; then that page's cursor.
    next_cursor: Option<Option<String>>,
    error: Option<ApiError>,
}

#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let can_apply = move || user.has_any(&APPLICANTS);
    // The desk roles take the list into Excel; a rep in the field has no use for a file.
    let at_a_desk = move || {
        use credence_shared::Role;
        user.has_any(&[
            Role::Risk,
            Role::Finance,
            Role::Approver,
            Role::Admin,
            Role::Collector,
        ])
    };

    let text = RwSignal::new(String::new());
    let query = RwSignal::new(Ok(None) as Query);
    let more = RwSignal::new(MorePages::default());
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let searching = RwSignal::new(false);

    // Applies the typed text now; clears "Load more" pages only when the query changed.
    let settle = move || {
        let parsed = parse_query(&text.get_untracked());
        if parsed != query.get_untracked() {
            more.set(MorePages::default());
            query.set(parsed);
        }
    };
    let cancel_timer = move || {
        if let Some(handle) = timer.get_value() {
            handle.clear();
        }
    };
    let on_input = move |event| {
        text.set(event_target_value(&event));
        cancel_timer();
        timer.set_value(set_timeout_with_handle(settle, DEBOUNCE).ok());
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        cancel_timer();
        settle();
    };
    on_cleanup(cancel_timer);

    let first_page = LocalResource::new(move || {
        let query = query.get();
        async move {
            match query {
                Ok(q) => Some(api::customers(session, q, None).await),
                Err(_) => None,
            }
        }
    });

    let load_more = Action::new_local(move |cursor: &String| {
        let cursor = cursor.clone();
        let asked = query.get_untracked();
        async move {
            let q = asked.clone().ok().flatten();
            let result = api::customers(session, q, Some(cursor)).await;
            // The user may have typed something else meanwhile; then this page is stale.
            if query.get_untracked() != asked {
                return;
            }
            more.update(|more| match result {
                Ok(page) => {
                    more.items.extend(page.items);
                    more.next_cursor = Some(page.next_cursor);
                    more.error = None;
                }
                Err(error) => more.error = Some(error),
            });
        }
    });
    let loading_more = load_more.pending();
    let on_load_more = Callback::new(move |cursor: String| {
        load_more.dispatch_local(cursor);
    });

    let query_problem = move || query.with(|q| q.as_ref().err().cloned());

    view! {
        <div class="page page-search">
            <h1 class="page-title">{t!(i18n, search_title)}</h1>
            <Show when=at_a_desk>
                <ExportButtons what="customers" />
            </Show>
            // A rep in the field keeps their own customers for when the network is gone.
            <Show when=move || user.has_any(&[credence_shared::Role::Sales])>
                <crate::components::offline::KeepPortfolio />
            </Show>
            <Show when=can_apply>
                <div class="page-actions">
                    <a href="/apply" class="button button-secondary" data-testid="home-apply">
                        <span aria-hidden="true">"＋"</span>
                        {t!(i18n, apply_title)}
                    </a>
                </div>
            </Show>
            <form class="search" role="search" on:submit=on_submit>
                <label for="customer-search" class="search-label">{t!(i18n, search_label)}</label>
                <div class="search-box" class:busy=move || searching.get()>
                    <svg class="icon search-icon" viewBox="0 0 24 24" aria-hidden="true">
                        <circle cx="11" cy="11" r="7" />
                        <path d="m20 20-4-4" />
                    </svg>
                    <input
                        id="customer-search"
                        type="search"
                        inputmode="search"
                        enterkeyhint="search"
                        autocomplete="off"
                        autocapitalize="none"
                        spellcheck="false"
                        data-testid="search-input"
                        placeholder=move || t_string!(i18n, search_hint)
                        aria-describedby="search-error"
                        aria-invalid=move || query_problem().is_some().to_string()
                        prop:value=move || text.get()
                        on:input=on_input
                    />
                    <span class="search-spinner spinner" aria-hidden="true"></span>
                </div>
                <p
                    id="search-error"
                    class="field-error"
                    data-testid="search-error"
                    aria-live="polite"
                    hidden=move || query_problem().is_none()
                >
                    {move || query_problem().map(|problem| match problem {
                        QueryError::TooLong => {
                            t!(i18n, search_too_long, max = MAX_QUERY_CHARS).into_any()
                        }
                        QueryError::Empty => t!(i18n, search_needs_text).into_any(),
                    })}
                </p>
            </form>
            <section class="results-section" aria-busy=move || searching.get().to_string()>
                <Transition fallback=|| view! { <Loading /> } set_pending=searching>
                    {move || Suspend::new(async move {
                        let page = first_page.await;
                        // The list is here: the figures painted before the app go.
                        crate::first_paint::release();
                        match page {
                            None => ().into_any(),
                            Some(Ok(page)) => view! {
                                <Results first=page more loading_more on_load_more />
                            }
                            .into_any(),
                            Some(Err(error)) => view! {
                                <ErrorNotice error retry=move || first_page.refetch() />
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn Results(
    first: CustomerPage,
    more: RwSignal<MorePages>,
    loading_more: Memo<bool>,
    on_load_more: Callback<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    if first.items.is_empty() {
        return view! {
            <p class="empty muted" data-testid="no-results">{t!(i18n, search_no_results)}</p>
        }
        .into_any();
    }
    let first_count = first.items.len();
    let first_cursor = first.next_cursor;
    let cursor = move || {
        more.with(|m| m.next_cursor.clone())
            .unwrap_or_else(|| first_cursor.clone())
    };
    let count = move || first_count + more.with(|m| m.items.len());
    // The cards a phone shows at once now, the rest of the page a task later.
    let mut shown = first.items;
    let below = StoredValue::new(shown.split_off(shown.len().min(SHOWN_AT_ONCE)));

    view! {
        <ul class="results" data-testid="results">
            {shown
                .into_iter()
                .map(|customer| view! { <CustomerCard customer /> })
                .collect_view()}
            <Later>
                {below
                    .get_value()
                    .into_iter()
                    .map(|customer| view! { <CustomerCard customer /> })
                    .collect_view()}
            </Later>
            <For
                each=move || more.with(|m| m.items.clone())
                key=|customer| customer.id.clone()
                let(customer)
            >
                <CustomerCard customer />
            </For>
        </ul>
        <div class="results-foot">
            <p class="muted" role="status">{t!(i18n, search_showing, count)}</p>
            {move || more.with(|m| m.error.clone()).map(|error| view! { <ErrorNotice error /> })}
            {move || cursor().map(|cursor| view! {
                <button
                    type="button"
                    class="button button-secondary load-more"
                    data-testid="load-more"
                    disabled=move || loading_more.get()
                    on:click=move |_| on_load_more.run(cursor.clone())
                >
                    {move || if loading_more.get() {
                        t!(i18n, loading).into_any()
                    } else {
                        t!(i18n, load_more).into_any()
                    }}
                </button>
            })}
        </div>
    }
    .into_any()
}
