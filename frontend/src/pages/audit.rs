//! The tenant's audit trail, `/audit`: every change between two dates (last 30 days to start
//! with), page by page, and a CSV export of the same range.

use credence_shared::workflow::AuditEntry;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use time::Date;

use crate::api::{self, ApiError};
use crate::components::audit_list::AuditList;
use crate::components::download::download;
use crate::components::form::{days_after, parse_date, today};
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

/// Days shown when the page opens.
const DEFAULT_DAYS: i64 = 30;

/// The range to ask for, or `None` when a date is missing or the range is backwards.
pub fn range(from: &str, to: &str) -> Option<(Date, Date)> {
    let (from, to) = (parse_date(from)?, parse_date(to)?);
    (from <= to).then_some((from, to))
}

#[derive(Debug, Clone, Default)]
struct Pages {
    items: Vec<AuditEntry>,
    next: Option<String>,
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let today = today();
    let from = RwSignal::new(days_after(today, -DEFAULT_DAYS).to_string());
    let to = RwSignal::new(today.to_string());
    let asked = RwSignal::new(range(&from.get_untracked(), &to.get_untracked()));
    let more = RwSignal::new(Pages::default());
    let more_error = RwSignal::new(None::<ApiError>);

    let first = LocalResource::new(move || {
        let asked = asked.get();
        async move {
            let (from, to) = asked?;
            Some(api::audit(session, &from.to_string(), &to.to_string(), None).await)
        }
    });
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        more.set(Pages::default());
        more_error.set(None);
        asked.set(range(&from.get_untracked(), &to.get_untracked()));
    };
    let load_more = Action::new_local(move |cursor: &String| {
        let cursor = cursor.clone();
        let range = asked.get_untracked();
        async move {
            let Some((from, to)) = range else { return };
            match api::audit(session, &from.to_string(), &to.to_string(), Some(cursor)).await {
                Ok(page) => more.update(|m| {
                    m.items.extend(page.items);
                    m.next = page.next_cursor;
                }),
                Err(error) => more_error.set(Some(error)),
            }
        }
    });
    let export = Action::new_local(move |_: &()| {
        let range = asked.get_untracked();
        async move {
            let (from, to) = range?;
            let (from, to) = (from.to_string(), to.to_string());
            match api::audit_csv(session, &from, &to).await {
                Ok(csv) => {
                    download(&format!("audit-{from}-{to}.csv"), &csv);
                    None
                }
                Err(error) => Some(error),
            }
        }
    });
    let exporting = export.pending();
    let bad_range = move || asked.with(Option::is_none);

    view! {
        <div class="page page-audit">
            <h1 class="page-title">{t!(i18n, audit_page_title)}</h1>
            <form class="card filter-bar" on:submit=on_submit data-testid="audit-filter">
                <div class="field">
                    <label for="audit-from">{t!(i18n, date_from)}</label>
                    <input id="audit-from" type="date" data-testid="audit-from" bind:value=from />
                </div>
                <div class="field">
                    <label for="audit-to">{t!(i18n, date_to)}</label>
                    <input id="audit-to" type="date" data-testid="audit-to" bind:value=to />
                </div>
                <div class="form-actions">
                    <button type="submit" class="button button-primary" data-testid="audit-apply">{t!(i18n, show)}</button>
                    <button
                        type="button"
                        class="button button-secondary"
                        data-testid="audit-export"
                        disabled=move || exporting.get() || bad_range()
                        on:click=move |_| { export.dispatch_local(()); }
                    >
                        {t!(i18n, export_csv)}
                    </button>
                </div>
                <Show when=bad_range>
                    <p class="field-error">{t!(i18n, date_range_invalid)}</p>
                </Show>
                {move || export.value().get().flatten().map(|error| view! { <ErrorNotice error /> })}
            </form>
            <section class="card section">
                <Transition fallback=|| view! { <Loading /> }>
                    {move || Suspend::new(async move {
                        match first.await {
                            None => ().into_any(),
                            Some(Ok(page)) => {
                                let next = page.next_cursor.clone();
                                view! {
                                    <AuditList items=page.items link_customers=true />
                                    <For each=move || more.with(|m| m.items.clone()).into_iter().enumerate() key=|(i, _)| *i let((_, entry))>
                                        <crate::components::audit_list::AuditLine entry link_customers=true />
                                    </For>
                                    {move || more_error.get().map(|error| view! { <ErrorNotice error /> })}
                                    {move || {
                                        let cursor = if more.with(|m| m.items.is_empty()) { next.clone() } else { more.with(|m| m.next.clone()) };
                                        cursor.map(|c| view! {
                                            <button
                                                type="button"
                                                class="button button-secondary load-more"
                                                data-testid="audit-more"
                                                disabled=move || load_more.pending().get()
                                                on:click=move |_| { load_more.dispatch_local(c.clone()); }
                                            >
                                                {t!(i18n, load_more)}
                                            </button>
                                        })
                                    }}
                                }
                                .into_any()
                            }
                            Some(Err(error)) => view! {
                                <ErrorNotice error retry=move || first.refetch() />
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_range_needs_two_dates_in_order() {
        assert_eq!(
            range("2026-10-01", "2026-11-02"),
            Some((date!(2026 - 10 - 01), date!(2026 - 11 - 02)))
        );
        assert_eq!(range("2026-11-03", "2026-11-02"), None);
        assert_eq!(range("", "2026-11-02"), None);
    }
}
