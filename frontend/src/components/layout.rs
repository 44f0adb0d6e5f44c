//! The frame around signed-in pages: navigation (a bottom bar on phones, a side bar
//! from 900px up), the account area with language switch and sign-out, and `<main>`.
//!
//! The bar on phones holds what each role works from: customers, the inbox and the alerts
//! with their counts, a new application for those who file them, and for collectors the
//! worklist. The desk pages (dashboard, blacklist, audit, the scoring lab, admin, and the worklist for
//! others who have tasks) sit in the account pop-up there and in the side bar on laptops;
//! the Account button then carries the open-task count.
//! Who is signed in is loaded once and shared as [`CurrentUser`], so pages can offer what
//! the roles allow; [`refresh_nav_counts`] lets a page that changed something update the
//! counts at once.

use credence_shared::Role;
use credence_shared::dto::Me;
use credence_shared::workflow::InboxCounts;
use leptos::ev;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

use crate::api::{self, AlertStatusFilter, ApiError};
use crate::i18n::{LocaleExt, other, t, t_string, use_i18n};
use crate::session::use_session;

/// Who is signed in, loaded once by the shell.
#[derive(Clone, Copy)]
pub struct CurrentUser(pub LocalResource<Result<Me, ApiError>>);

impl CurrentUser {
    /// The roles, once known (empty while loading or when the call failed).
    pub fn roles(&self) -> Vec<Role> {
        self.0
            .get()
            .and_then(Result::ok)
            .map(|me| me.roles)
            .unwrap_or_default()
    }

    pub fn username(&self) -> Option<String> {
        self.0.get().and_then(Result::ok).map(|me| me.username)
    }

    pub fn has_any(&self, roles: &[Role]) -> bool {
        self.roles().iter().any(|r| roles.contains(r))
    }
}

pub fn use_current_user() -> CurrentUser {
    expect_context::<CurrentUser>()
}

/// Who may file a credit application for a new customer.
pub const APPLICANTS: [Role; 3] = [Role::Sales, Role::Risk, Role::Admin];
/// Who may see the blacklist.
pub const BLACKLIST_READERS: [Role; 4] = [Role::Risk, Role::Finance, Role::Approver, Role::Admin];
/// Who may see the tenant's audit trail.
pub const AUDIT_READERS: [Role; 4] = [Role::Risk, Role::Finance, Role::Approver, Role::Admin];
/// Who may look at someone else's worklist.
pub const WORKLIST_OVERSEERS: [Role; 3] = [Role::Risk, Role::Finance, Role::Admin];
/// Who may see the portfolio dashboard and the tenant-wide aging.
pub const KPI_READERS: [Role; 5] = [
    Role::Risk,
    Role::Finance,
    Role::Approver,
    Role::Admin,
    Role::Collector,
];

/// Who works disputes and sends letters (people who work collections and see invoices).
pub const CASE_WORKERS: [Role; 5] = KPI_READERS;

/// Asks the navigation for its counts again (inbox, alerts, tasks); the shell provides it.
#[derive(Clone, Copy)]
struct NavCounts(RwSignal<u32>);

/// Called by a page after a change that may move a count (an alert resolved, a task done).
pub fn refresh_nav_counts() {
    if let Some(NavCounts(generation)) = use_context::<NavCounts>() {
        generation.update(|n| *n = n.wrapping_add(1));
    }
}

/// Whether `path` is within the section whose nav entry is `href`.
pub fn in_section(path: &str, href: &str) -> bool {
    match href {
        "/" => path == "/" || (path.starts_with("/customers/") && !path.contains("/requests/")),
        "/inbox" => path == "/inbox" || path.contains("/requests/"),
        _ => path == href || path.starts_with(&format!("{href}/")),
    }
}

#[component]
pub fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let me = LocalResource::new(move || api::me(session));
    crate::components::offline::watch_network(session);
    let user = CurrentUser(me);
    provide_context(user);
    let two_step_asked = RwSignal::new(false);
    provide_context(crate::components::mfa::TwoStepAsked(two_step_asked));
    crate::components::people::provide_people(session);
    // The account panel is a pop-up above the bottom bar on phones; always shown on laptops.
    let account_open = RwSignal::new(false);
    // Customer pages belong to the Customers section, so its tab stays marked there.
    let location = use_location();
    let current = move |href: &'static str| {
        let path = location.pathname.get();
        in_section(&path, href).then_some("page")
    };
    // The counts are asked for again on every navigation and after changes a page
    // reports, so they follow what was done.
    let generation = RwSignal::new(0_u32);
    provide_context(NavCounts(generation));
    let counts = LocalResource::new(move || {
        location.pathname.track();
        generation.track();
        async move { api::inbox(session).await.map(|inbox| inbox.counts) }
    });
    let badge = move || {
        counts
            .get()
            .and_then(Result::ok)
            .map(|c: InboxCounts| c.badge())
            .filter(|n| *n > 0)
    };
    let mine_open = LocalResource::new(move || {
        location.pathname.track();
        generation.track();
        async move {
            api::alerts(session, AlertStatusFilter::Open, true)
                .await
                .map(|list| list.mine_open)
        }
    });
    let alerts_badge =
        Signal::derive(move || mine_open.get().and_then(Result::ok).filter(|n| *n > 0));
    let open_tasks = LocalResource::new(move || {
        location.pathname.track();
        generation.track();
        async move { api::worklist(session, None).await.map(|w| w.items.len()) }
    });
    let tasks_badge = Signal::derive(move || {
        open_tasks
            .get()
            .and_then(Result::ok)
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
    });
    let close = move |_| account_open.set(false);
    let can_apply = move || user.has_any(&APPLICANTS);
    let can_blacklist = move || user.has_any(&BLACKLIST_READERS);
    let can_audit = move || user.has_any(&AUDIT_READERS);
    let can_import = move || user.has_any(&[Role::Risk, Role::Finance, Role::Admin]);
    let is_admin = move || user.has_any(&[Role::Admin]);
    let can_use_lab = move || user.has_any(&[Role::Risk, Role::Admin]);
    let can_read_kpis = move || user.has_any(&KPI_READERS);
    // Collectors work from the worklist, so it has a place in their bar; anyone else
    // with tasks finds it among the desk pages.
    let is_collector = move || user.has_any(&[Role::Collector]);
    let shows_worklist = move || is_collector() || tasks_badge.get().is_some();
    // On phones the worklist of someone who is not a collector sits in the account pop-up,
    // so the Account button carries its count.
    let account_badge = Signal::derive(move || tasks_badge.get().filter(|_| !is_collector()));
    let worklist_elsewhere = move || account_badge.get().is_some();
    let close_on_escape = move |event: ev::KeyboardEvent| {
        if event.key() == "Escape" {
            account_open.set(false);
        }
    };

    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <div class="shell">
            // Phones: tapping outside the open account menu closes it.
            <div
                class="backdrop"
                aria-hidden="true"
                hidden=move || !account_open.get()
                on:click=move |_| account_open.set(false)
            ></div>
            <nav
                class="nav"
                data-testid="nav"
                aria-label=move || t_string!(i18n, nav_label)
                on:keydown=close_on_escape
            >
                <A href="/" attr:class="brand">
                    <Logo />
                    <span class="brand-name">{t!(i18n, app_name)}</span>
                </A>
                <ul class="nav-items">
                    <li>
                        <a
                            href="/"
                            class="nav-item"
                            aria-current=move || current("/")
                            on:click=close
                        >
                            <IconCustomers />
                            <span class="nav-label">{t!(i18n, nav_customers)}</span>
                        </a>
                    </li>
                    <Show when=shows_worklist>
                        <li class:nav-desk=move || !is_collector()>
                            <a
                                href="/worklist"
                                class="nav-item"
                                data-testid="nav-worklist"
                                aria-current=move || current("/worklist")
                                on:click=close
                            >
                                <span class="nav-icon">
                                    <IconWorklist />
                                    <NavBadge count=tasks_badge testid="worklist-badge" label=|| t_string!(use_i18n(), worklist_badge_label) />
                                </span>
                                <span class="nav-label">{t!(i18n, nav_worklist)}</span>
                            </a>
                        </li>
                    </Show>
                    <li>
                        <a
                            href="/inbox"
                            class="nav-item"
                            data-testid="nav-inbox"
                            aria-current=move || current("/inbox")
                            on:click=close
                        >
                            <span class="nav-icon">
                                <IconInbox />
                                {move || badge().map(|n| view! {
                                    <span class="nav-badge" data-testid="inbox-badge">
                                        {n.to_string()}
                                        <span class="sr-only">" " {t!(i18n, inbox_badge_label)}</span>
                                    </span>
                                })}
                            </span>
                            <span class="nav-label">{t!(i18n, nav_inbox)}</span>
                        </a>
                    </li>
                    <li>
                        <a
                            href="/alerts"
                            class="nav-item"
                            data-testid="nav-alerts"
                            aria-current=move || current("/alerts")
                            on:click=close
                        >
                            <span class="nav-icon">
                                <IconAlerts />
                                <NavBadge count=alerts_badge testid="alerts-badge" label=|| t_string!(use_i18n(), alerts_badge_label) />
                            </span>
                            <span class="nav-label">{t!(i18n, nav_alerts)}</span>
                        </a>
                    </li>
                    <Show when=can_apply>
                        <li>
                            <a
                                href="/apply"
                                class="nav-item"
                                data-testid="nav-apply"
                                aria-current=move || current("/apply")
                                on:click=close
                            >
                                <IconApply />
                                <span class="nav-label">{t!(i18n, nav_apply)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_read_kpis>
                        <li class="nav-desk">
                            <a href="/dashboard" class="nav-item" data-testid="nav-dashboard" aria-current=move || current("/dashboard")>
                                <IconDashboard />
                                <span class="nav-label">{t!(i18n, nav_dashboard)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_blacklist>
                        <li class="nav-desk">
                            <a href="/blacklist" class="nav-item" aria-current=move || current("/blacklist")>
                                <IconBlacklist />
                                <span class="nav-label">{t!(i18n, nav_blacklist)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_import>
                        <li class="nav-desk">
                            <a href="/imports" class="nav-item" data-testid="nav-imports" aria-current=move || current("/imports")>
                                <IconApply />
                                <span class="nav-label">{t!(i18n, nav_imports)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_blacklist>
                        <li class="nav-desk">
                            <a href="/orders" class="nav-item" data-testid="nav-orders" aria-current=move || current("/orders")>
                                <IconBlacklist />
                                <span class="nav-label">{t!(i18n, nav_orders)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_blacklist>
                        <li class="nav-desk">
                            <a href="/reviews" class="nav-item" data-testid="nav-reviews" aria-current=move || current("/reviews")>
                                <IconAudit />
                                <span class="nav-label">{t!(i18n, nav_reviews)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_audit>
                        <li class="nav-desk">
                            <a href="/audit" class="nav-item" aria-current=move || current("/audit")>
                                <IconAudit />
                                <span class="nav-label">{t!(i18n, nav_audit)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=can_use_lab>
                        <li class="nav-desk">
                            <a href="/lab" class="nav-item" data-testid="nav-lab" aria-current=move || current("/lab")>
                                <IconLab />
                                <span class="nav-label">{t!(i18n, nav_lab)}</span>
                            </a>
                        </li>
                    </Show>
                    <Show when=is_admin>
                        <li class="nav-desk">
                            <a href="/admin" class="nav-item" data-testid="nav-admin" aria-current=move || current("/admin")>
                                <IconAdmin />
                                <span class="nav-label">{t!(i18n, nav_admin)}</span>
                            </a>
                        </li>
                    </Show>
                    <li class="nav-account-toggle">
                        <button
                            type="button"
                            class="nav-item"
                            data-testid="account-menu"
                            aria-controls="account-panel"
                            aria-expanded=move || account_open.get().to_string()
                            on:click=move |_| account_open.update(|open| *open = !*open)
                        >
                            <span class="nav-icon">
                                <IconAccount />
                                <NavBadge count=account_badge testid="account-badge" label=|| t_string!(use_i18n(), worklist_badge_label) />
                            </span>
                            <span class="nav-label">{t!(i18n, nav_account)}</span>
                        </button>
                    </li>
                </ul>
                <section
                    id="account-panel"
                    class="account"
                    class:open=move || account_open.get()
                    aria-label=move || t_string!(i18n, account_menu)
                >
                    <Transition fallback=|| view! { <p class="who muted">"…"</p> }>
                        {move || Suspend::new(async move {
                            // Who is signed in is a courtesy; a failure here must not block the page.
                            me.await.ok().map(|me| view! { <Who me /> })
                        })}
                    </Transition>
                    // Phones: the desk pages, which have no room in the bottom bar.
                    <ul class="account-links">
                        <Show when=worklist_elsewhere>
                            <li>
                                <a href="/worklist" class="button button-ghost" data-testid="nav-worklist" on:click=close>
                                    <IconWorklist />
                                    {t!(i18n, nav_worklist)}
                                    {move || tasks_badge.get().map(|n| view! {
                                        <span class="tab-count alert" data-testid="account-worklist-count">{n.to_string()}</span>
                                    })}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_read_kpis>
                            <li>
                                <a href="/dashboard" class="button button-ghost" data-testid="nav-dashboard" on:click=close>
                                    <IconDashboard />
                                    {t!(i18n, nav_dashboard)}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_blacklist>
                            <li>
                                <a href="/blacklist" class="button button-ghost" on:click=close>
                                    <IconBlacklist />
                                    {t!(i18n, nav_blacklist)}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_import>
                            <li>
                                <a href="/imports" class="button button-ghost" on:click=close>
                                    <IconApply />
                                    {t!(i18n, nav_imports)}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_blacklist>
                            <li>
                                <a href="/orders" class="button button-ghost" data-testid="more-orders" on:click=close>
                                    <IconBlacklist />
                                    {t!(i18n, nav_orders)}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_blacklist>
                            <li>
                                <a href="/reviews" class="button button-ghost" data-testid="more-reviews" on:click=close>
                                    <IconAudit />
                                    {t!(i18n, nav_reviews)}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_audit>
                            <li>
                                <a href="/audit" class="button button-ghost" on:click=close>
                                    <IconAudit />
                                    {t!(i18n, nav_audit)}
                                </a>
                            </li>
                        </Show>
                        <Show when=can_use_lab>
                            <li>
                                <a href="/lab" class="button button-ghost" data-testid="nav-lab" on:click=close>
                                    <IconLab />
                                    {t!(i18n, nav_lab)}
                                </a>
                            </li>
                        </Show>
                        <Show when=is_admin>
                            <li>
                                <a href="/admin" class="button button-ghost" data-testid="nav-admin" on:click=close>
                                    <IconAdmin />
                                    {t!(i18n, nav_admin)}
                                </a>
                            </li>
                        </Show>
                    </ul>
                    <button type="button" class="button button-ghost" data-testid="account-two-step"
                        on:click=move |_| { two_step_asked.set(true); account_open.set(false); }>
                        {t!(i18n, mfa_title)}
                    </button>
                    <LangSwitch />
                    <button
                        type="button"
                        class="button button-secondary signout"
                        data-testid="signout"
                        on:click=move |_| {
                            let question = t_string!(i18n, sign_out_with_pending);
                            if crate::components::offline::may_sign_out(question) {
                                leptos::task::spawn_local(crate::oidc::sign_out(session));
                            }
                        }
                    >
                        <IconSignOut />
                        {t!(i18n, sign_out)}
                    </button>
                </section>
            </nav>
            <main id="main" class="main" tabindex="-1">
                <crate::components::offline::OfflineBanner />
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        me.await.ok().map(|me| view! {
                            <crate::components::mfa::TwoStep withheld=me.withheld />
                        })
                    })}
                </Transition>
                <Outlet />
            </main>
        </div>
    }
}

/// A count on a navigation icon, with words for screen readers; nothing at zero.
#[component]
fn NavBadge(
    count: Signal<Option<u32>>,
    testid: &'static str,
    label: fn() -> &'static str,
) -> impl IntoView {
    move || {
        count.get().map(|n| {
            view! {
                <span class="nav-badge" data-testid=testid>
                    {n.to_string()}
                    <span class="sr-only">" " {label}</span>
                </span>
            }
        })
    }
}

#[component]
fn Who(me: Me) -> impl IntoView {
    let i18n = use_i18n();
    let roles = me.roles.clone();
    view! {
        <div class="who" data-testid="who">
            <span class="who-label muted">{t!(i18n, signed_in_as)}</span>
            <strong class="who-name" data-testid="who-name">
                <crate::components::people::Person name=me.username.clone() />
            </strong>
            <span class="who-roles">
                {move || {
                    roles.iter().map(|role| role_label(*role)).collect::<Vec<_>>().join(" · ")
                }}
            </span>
            <span class="who-tenant muted">{t!(i18n, tenant)} ": " {me.tenant.to_string()}</span>
        </div>
    }
}

/// The translated name of a role; reactive when called inside a closure.
pub fn role_label(role: Role) -> &'static str {
    let i18n = use_i18n();
    match role {
        Role::Sales => t_string!(i18n, role_sales),
        Role::Risk => t_string!(i18n, role_risk),
        Role::Finance => t_string!(i18n, role_finance),
        Role::Approver => t_string!(i18n, role_approver),
        Role::Admin => t_string!(i18n, role_admin),
        Role::Collector => t_string!(i18n, role_collector),
    }
}

/// Offers the other language, named in that language.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let target = move || other(i18n.get_locale());
    view! {
        <button
            type="button"
            class="button button-ghost lang-switch"
            data-testid="lang-switch"
            on:click=move |_| i18n.set_locale(target())
        >
            <IconGlobe />
            <span class="sr-only">{t!(i18n, switch_language_label)} ": "</span>
            <span lang=move || target().as_str()>{t!(i18n, other_language)}</span>
        </button>
    }
}

#[component]
pub fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path
                d="M20.4 10.7A6.9 6.9 0 1 0 20.4 21.3"
                fill="none"
                stroke="#fff"
                stroke-width="3"
                stroke-linecap="round"
            />
            <circle cx="24" cy="16" r="1.75" fill="#5fd3a5" />
        </svg>
    }
}

#[component]
fn IconCustomers() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 21V5a1 1 0 0 1 1-1h9a1 1 0 0 1 1 1v16M15 9h4a1 1 0 0 1 1 1v11M2 21h20M8 8h3M8 12h3M8 16h3" />
        </svg>
    }
}

#[component]
fn IconInbox() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M3 13h5l1.5 3h5L16 13h5M5.5 5h13L21 13v6a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1v-6z" />
        </svg>
    }
}

#[component]
fn IconAlerts() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6 16V11a6 6 0 0 1 12 0v5l2 2H4zM10 21h4" />
        </svg>
    }
}

#[component]
fn IconWorklist() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M9 6h11M9 12h11M9 18h11M3.5 6l1.5 1.5L7.5 5M3.5 12l1.5 1.5L7.5 11M3.5 18l1.5 1.5L7.5 17" />
        </svg>
    }
}

#[component]
fn IconDashboard() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />
        </svg>
    }
}

#[component]
fn IconApply() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8zM14 3v5h5M12 11v6M9 14h6" />
        </svg>
    }
}

#[component]
fn IconBlacklist() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" />
            <path d="M5.6 5.6l12.8 12.8" />
        </svg>
    }
}

#[component]
fn IconAudit() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M9 4h10M9 12h10M9 20h10M4 4h.01M4 12h.01M4 20h.01" />
        </svg>
    }
}

#[component]
fn IconAdmin() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="3" />
            <path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1" />
        </svg>
    }
}

#[component]
fn IconLab() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M9 3h6M10 3v6l-5.5 9.5A1.7 1.7 0 0 0 6 21h12a1.7 1.7 0 0 0 1.5-2.5L14 9V3M7.5 15h9" />
        </svg>
    }
}

#[component]
fn IconAccount() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="8" r="4" />
            <path d="M4 21a8 8 0 0 1 16 0" />
        </svg>
    }
}

#[component]
fn IconGlobe() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <circle cx="12" cy="12" r="9" />
            <path d="M3 12h18M12 3a14 14 0 0 1 0 18M12 3a14 14 0 0 0 0 18" />
        </svg>
    }
}

#[component]
fn IconSignOut() -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" aria-hidden="true">
            <path d="M15 4h3a2 2 0 0 1 2 2v12a2 2 0 0 1-2 2h-3M10 17l5-5-5-5M15 12H3" />
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::in_section;

    #[test]
    fn a_request_page_belongs_to_the_inbox_and_a_customer_page_to_customers() {
        assert!(in_section("/customers/C1", "/"));
        assert!(in_section("/", "/"));
        assert!(!in_section("/customers/C1/requests/R1", "/"));
        assert!(in_section("/customers/C1/requests/R1", "/inbox"));
        assert!(in_section("/admin", "/admin"));
        assert!(!in_section("/administrator", "/admin"));
        assert!(!in_section("/audit", "/"));
    }
}
