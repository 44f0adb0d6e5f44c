//! The alert centre, `/alerts`: what the warning rules found, mine first. Open or
//! resolved and "only mine" are asked of the server; severity and rule narrow the list
//! in the browser. Open alerts can be acknowledged, and resolved with a note.

use credence_shared::Role;
use credence_shared::watch::{Alert, Severity};
use leptos::prelude::*;

use crate::components::download::ExportButtons;

use crate::api::{self, AlertStatusFilter};
use crate::components::layout::use_current_user;
use crate::components::notice::Loaded;
use crate::components::watch::{AlertLine, rule_label, severity_label};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

const SEVERITIES: [Severity; 4] = [
    Severity::Critical,
    Severity::High,
    Severity::Medium,
    Severity::Low,
];

/// What the browser narrows the loaded list by.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrowing {
    pub severity: Option<Severity>,
    pub rule: Option<String>,
}

impl Narrowing {
    pub fn keeps(&self, alert: &Alert) -> bool {
        self.severity.is_none_or(|s| alert.severity == s)
            && self.rule.as_ref().is_none_or(|r| &alert.rule_id == r)
    }
}

/// Alerts meant for me first, then the most severe, then the most recently changed.
pub fn in_order(mut items: Vec<Alert>, me: Option<&str>, roles: &[Role]) -> Vec<Alert> {
    let mine = |a: &Alert| me.is_some_and(|me| a.is_for(me, roles));
    items.sort_by(|a, b| {
        mine(b)
            .cmp(&mine(a))
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| b.updated_at.cmp(&a.updated_at))
    });
    items
}

/// The rules the list has alerts of, by id, for the rule filter.
pub fn rules_in(items: &[Alert]) -> Vec<(String, String)> {
    let mut rules: Vec<(String, String)> = items
        .iter()
        .map(|a| (a.rule_id.clone(), a.rule_name.clone()))
        .collect();
    rules.sort();
    rules.dedup_by(|a, b| a.0 == b.0);
    rules
}

#[component]
pub fn AlertsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let status = RwSignal::new(AlertStatusFilter::Open);
    let mine = RwSignal::new(false);
    let severity = RwSignal::new(None::<Severity>);
    let rule = RwSignal::new(None::<String>);
    let alerts = LocalResource::new(move || {
        let (status, mine) = (status.get(), mine.get());
        async move { api::alerts(session, status, mine).await }
    });
    let reload = Callback::new(move |()| alerts.refetch());
    let status_tab = move |which: AlertStatusFilter, label: fn() -> &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="tab"
                data-testid=format!("alerts-status-{}", which.as_str())
                aria-selected=move || (status.get() == which).to_string()
                on:click=move |_| status.set(which)
            >
                {label}
            </button>
        }
    };

    view! {
        <div class="page page-alerts">
            <h1 class="page-title">{t!(i18n, alerts_title)}</h1>
            <ExportButtons what="alerts" />
            <div class="tabs" role="tablist" aria-label=move || t_string!(i18n, status)>
                {status_tab(AlertStatusFilter::Open, || t_string!(use_i18n(), alerts_filter_open))}
                {status_tab(AlertStatusFilter::Resolved, || t_string!(use_i18n(), alerts_filter_resolved))}
            </div>
            <div class="alert-filters">
                <div class="field">
                    <label for="alerts-severity">{t!(i18n, severity)}</label>
                    <select
                        id="alerts-severity"
                        data-testid="alerts-severity"
                        on:change=move |event| {
                            let v = event_target_value(&event);
                            severity.set(SEVERITIES.into_iter().find(|s| s.as_str() == v));
                        }
                    >
                        <option value="" selected=move || severity.get().is_none()>{t!(i18n, all_option)}</option>
                        {SEVERITIES.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=move || severity.get() == Some(s)>
                                {move || severity_label(s)}
                            </option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="alerts-rule">{t!(i18n, alerts_rule)}</label>
                    <select
                        id="alerts-rule"
                        data-testid="alerts-rule"
                        on:change=move |event| {
                            let v = event_target_value(&event);
                            rule.set(Some(v).filter(|v| !v.is_empty()));
                        }
                    >
                        <option value="" selected=move || rule.with(Option::is_none)>{t!(i18n, all_option)}</option>
                        {move || {
                            let listed = alerts
                                .get()
                                .and_then(Result::ok)
                                .map(|list| rules_in(&list.items))
                                .unwrap_or_default();
                            listed.into_iter().map(|(id, name)| {
                                let value = id.clone();
                                let chosen = id.clone();
                                view! {
                                    <option value=value selected=move || rule.with(|r| r.as_deref() == Some(chosen.as_str()))>
                                        {move || rule_label(&id, &name)}
                                    </option>
                                }
                            }).collect_view()
                        }}
                    </select>
                </div>
                <label class="check mine-only">
                    <input type="checkbox" data-testid="alerts-mine" bind:checked=mine />
                    {t!(i18n, alerts_mine_only)}
                </label>
            </div>
            <Loaded resource=alerts let:list>
                <AlertList items=list.items severity rule reload />
            </Loaded>
        </div>
    }
}

/// The loaded alerts, narrowed and ordered as the filters say.
#[component]
fn AlertList(
    items: Vec<Alert>,
    severity: RwSignal<Option<Severity>>,
    rule: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let user = use_current_user();
    let items = StoredValue::new(items);
    move || {
        let narrowing = Narrowing {
            severity: severity.get(),
            rule: rule.get(),
        };
        let kept: Vec<Alert> =
            items.with_value(|all| all.iter().filter(|a| narrowing.keeps(a)).cloned().collect());
        let shown = in_order(kept, user.username().as_deref(), &user.roles());
        if shown.is_empty() {
            return view! { <p class="empty muted" data-testid="alerts-empty">{t!(i18n, alerts_none)}</p> }
                .into_any();
        }
        let count = shown.len();
        view! {
            <p class="muted small list-count">{t!(i18n, alerts_count, count)}</p>
            <ul class="alert-list" data-testid="alerts">
                {shown.into_iter().map(|alert| view! { <AlertLine alert on_changed=reload /> }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::CustomerId;
    use credence_shared::watch::AlertStatus;
    use time::macros::datetime;

    fn alert(rule: &str, severity: Severity, owner: Option<&str>, hour: u8) -> Alert {
        Alert {
            customer_id: CustomerId::parse("C1").unwrap(),
            customer_name: "Acme".into(),
            rule_id: rule.into(),
            rule_name: format!("Rule {rule}"),
            severity,
            level: 1,
            figures: vec![],
            owner: owner.map(str::to_owned),
            notify: vec![Role::Risk],
            status: AlertStatus::Open,
            opened_at: datetime!(2026-11-02 00:00 UTC),
            updated_at: datetime!(2026-11-02 00:00 UTC) + time::Duration::hours(hour.into()),
            events: vec![],
            version: 1,
        }
    }

    #[test]
    fn my_alerts_come_first_then_the_most_severe_then_the_newest() {
        let items = vec![
            alert("low-new", Severity::Low, None, 9),
            alert("high-old", Severity::High, None, 1),
            alert("high-new", Severity::High, None, 5),
            alert("mine", Severity::Low, Some("sales"), 0),
        ];

        let ids: Vec<String> = in_order(items, Some("sales"), &[Role::Sales])
            .into_iter()
            .map(|a| a.rule_id)
            .collect();

        assert_eq!(ids, ["mine", "high-new", "high-old", "low-new"]);
    }

    #[test]
    fn severity_and_rule_narrow_the_list() {
        let a = alert("overdue_steps", Severity::High, None, 0);
        let everything = Narrowing::default();
        let high = Narrowing {
            severity: Some(Severity::High),
            rule: None,
        };
        let other_rule = Narrowing {
            severity: None,
            rule: Some("score_drop".into()),
        };

        assert!(everything.keeps(&a));
        assert!(high.keeps(&a));
        assert!(!other_rule.keeps(&a));
        assert_eq!(rules_in(&[a.clone(), a]).len(), 1);
    }
}
