//! The inbox, `/inbox`: what waits for me (late ones first), what was returned to me, and my
//! own requests (a dot on those that moved since I last looked). Risk, approvers and admins
//! also get every open request of the tenant.

use credence_shared::Role;
use credence_shared::workflow::{Inbox, RequestSummary};
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::layout::use_current_user;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::request_list::RequestList;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// Who sees the tenant's whole list of open requests.
const SEE_ALL: [Role; 4] = [Role::Risk, Role::Approver, Role::Finance, Role::Admin];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Waiting,
    Returned,
    Mine,
    All,
}

impl Tab {
    fn name(self) -> &'static str {
        match self {
            Tab::Waiting => "waiting",
            Tab::Returned => "returned",
            Tab::Mine => "mine",
            Tab::All => "all",
        }
    }
}

/// The tab to open on: whatever needs me first.
fn first_tab(inbox: &Inbox) -> Tab {
    if inbox.counts.waiting > 0 || !inbox.waiting.is_empty() {
        Tab::Waiting
    } else if inbox.counts.returned > 0 || !inbox.returned.is_empty() {
        Tab::Returned
    } else if !inbox.mine.is_empty() {
        Tab::Mine
    } else {
        Tab::Waiting
    }
}

/// Late requests first, then by due time (soonest first), then oldest change first.
pub fn by_urgency(mut items: Vec<RequestSummary>) -> Vec<RequestSummary> {
    items.sort_by(|a, b| {
        b.overdue
            .cmp(&a.overdue)
            .then_with(|| match (a.due, b.due) {
                (Some(x), Some(y)) => x.cmp(&y),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.updated_at.cmp(&b.updated_at))
    });
    items
}

#[component]
pub fn InboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let user = use_current_user();
    let inbox = LocalResource::new(move || api::inbox(session));
    let chosen = RwSignal::new(None::<Tab>);
    let sees_all = move || user.has_any(&SEE_ALL);

    view! {
        <div class="page page-inbox">
            <h1 class="page-title">{t!(i18n, inbox_title)}</h1>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match inbox.await {
                        Ok(inbox) => view! { <InboxTabs inbox chosen sees_all=Signal::derive(sees_all) /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || inbox.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn InboxTabs(inbox: Inbox, chosen: RwSignal<Option<Tab>>, sees_all: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let counts = inbox.counts;
    let default = first_tab(&inbox);
    let tab = move || chosen.get().unwrap_or(default);
    let waiting = by_urgency(inbox.waiting);
    let returned = inbox.returned;
    let mine = inbox.mine;

    let tab_button =
        move |which: Tab, label: fn() -> &'static str, count: Option<u32>, alert: bool| {
            view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id=format!("tab-{}", which.name())
                    data-testid=format!("inbox-tab-{}", which.name())
                    aria-selected=move || (tab() == which).to_string()
                    aria-controls=format!("panel-{}", which.name())
                    on:click=move |_| chosen.set(Some(which))
                >
                    {label}
                    {count.filter(|n| *n > 0).map(|n| view! {
                        <span class="tab-count" class:alert=alert>{n.to_string()}</span>
                    })}
                </button>
            }
        };
    let panel = move |which: Tab, body: AnyView| {
        view! {
            <div
                role="tabpanel"
                id=format!("panel-{}", which.name())
                aria-labelledby=format!("tab-{}", which.name())
                hidden=move || tab() != which
            >
                {body}
            </div>
        }
    };

    view! {
        <div class="tabs" role="tablist" aria-label=move || t_string!(i18n, inbox_title)>
            {tab_button(Tab::Waiting, || t_string!(use_i18n(), inbox_waiting), Some(counts.waiting), counts.overdue > 0)}
            {tab_button(Tab::Returned, || t_string!(use_i18n(), inbox_returned), Some(counts.returned), counts.returned > 0)}
            {tab_button(Tab::Mine, || t_string!(use_i18n(), inbox_mine), Some(counts.moved), false)}
            <Show when=move || sees_all.get()>
                {tab_button(Tab::All, || t_string!(use_i18n(), inbox_all), None, false)}
            </Show>
        </div>
        {(counts.overdue > 0).then(|| {
            let count = counts.overdue;
            view! {
                <p class="notice notice-warn small" data-testid="inbox-overdue">
                    {t!(i18n, inbox_overdue_count, count)}
                </p>
            }
        })}
        {panel(Tab::Waiting, view! {
            <RequestList items=waiting empty=t_string!(i18n, inbox_waiting_none) testid="inbox-waiting" />
        }.into_any())}
        {panel(Tab::Returned, view! {
            <RequestList items=returned empty=t_string!(i18n, inbox_returned_none) testid="inbox-returned" />
        }.into_any())}
        {panel(Tab::Mine, view! {
            <RequestList items=mine show_moved=true empty=t_string!(i18n, inbox_mine_none) testid="inbox-mine" />
        }.into_any())}
        <Show when=move || sees_all.get() && tab() == Tab::All>
            <AllOpen />
        </Show>
    }
}

/// Every open request of the tenant, loaded when the tab is opened.
#[component]
fn AllOpen() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let all = LocalResource::new(move || api::open_requests(session));
    view! {
        <div role="tabpanel" id="panel-all" aria-labelledby="tab-all">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match all.await {
                        Ok(items) => view! {
                            <RequestList items=by_urgency(items) empty=t_string!(i18n, inbox_all_none) testid="inbox-all" />
                        }
                        .into_any(),
                        Err(ApiError::Forbidden) => ().into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || all.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::CustomerId;
    use credence_shared::workflow::{RequestKind, RequestStatus};
    use time::macros::datetime;

    fn summary(id: &str, overdue: bool, due_hour: Option<u8>) -> RequestSummary {
        RequestSummary {
            id: id.into(),
            subject: credence_shared::workflow::Subject::Customer {
                customer_id: CustomerId::parse("C1").unwrap(),
            },
            customer_name: "Acme".into(),
            kind: RequestKind::LimitIncrease,
            amount: None,
            status: RequestStatus::Pending,
            requester: "sales".into(),
            waiting_for: Some(Role::Risk),
            since: None,
            due: due_hour
                .map(|h| datetime!(2026-11-02 00:00 UTC) + time::Duration::hours(h.into())),
            overdue,
            updated_at: datetime!(2026-11-01 00:00 UTC),
            moved: false,
        }
    }

    #[test]
    fn late_requests_come_first_then_the_soonest_due() {
        let items = vec![
            summary("later", false, Some(20)),
            summary("late", true, Some(1)),
            summary("soon", false, Some(5)),
            summary("no-due", false, None),
        ];

        let ids: Vec<String> = by_urgency(items).into_iter().map(|s| s.id).collect();

        assert_eq!(ids, ["late", "soon", "later", "no-due"]);
    }

    #[test]
    fn the_inbox_opens_on_what_needs_me_first() {
        let mut inbox = Inbox::default();
        assert_eq!(first_tab(&inbox), Tab::Waiting);

        inbox.returned.push(summary("r", false, None));
        inbox.counts.returned = 1;
        assert_eq!(first_tab(&inbox), Tab::Returned);

        inbox.waiting.push(summary("w", false, None));
        inbox.counts.waiting = 1;
        assert_eq!(first_tab(&inbox), Tab::Waiting);
    }
}
