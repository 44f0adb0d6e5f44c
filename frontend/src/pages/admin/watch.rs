//! The admin page's early-warning and collections tabs: warning rules, the dunning ladder,
//! and webhooks with their delivery log. Each is a tenant document edited as JSON
//! (`components::doc_editor`); this module says how each is loaded, saved and shown as a
//! table.

use credence_shared::watch::{
    AutoAction, Condition, DataFeeds, Delivery, DunningLadder, Expiring, WarningRules,
    WebhookConfig,
};
use leptos::prelude::*;

use crate::api;
use crate::components::doc_editor::{DocTab, tenant_doc};
use crate::components::finding::percent;
use crate::components::form::local_datetime;
use crate::components::layout::role_label;
use crate::components::money::format_money;
use crate::components::notice::{ErrorNotice, Loaded};
use crate::components::table::{Col, StackTable};
use crate::components::watch::{
    DunningBadge, SeverityBadge, delivery_status_label, delivery_status_name, rule_label,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

tenant_doc!(WarningRules {
    name: "warning-rules",
    title: admin_warning_rules,
    hint: warning_rules_hint,
    load: api::warning_rules,
    save: api::save_warning_rules,
    show: |rules| view! { <RulesTable rules /> },
});

tenant_doc!(DunningLadder {
    name: "dunning",
    title: admin_dunning,
    hint: dunning_hint,
    load: api::dunning_ladder,
    save: api::save_dunning_ladder,
    show: |ladder| view! { <LadderTable ladder /> },
});

tenant_doc!(DataFeeds {
    name: "data-feeds",
    title: admin_data_feeds,
    hint: data_feeds_hint,
    load: api::data_feeds,
    save: api::save_data_feeds,
    show: |feeds| view! { <ProvidersTable feeds /> },
});

tenant_doc!(WebhookConfig {
    name: "webhooks",
    title: admin_webhooks,
    hint: webhooks_hint,
    load: api::webhooks,
    save: api::save_webhooks,
    show: |config| view! { <EndpointsTable config /> },
});

#[component]
pub fn WarningRulesTab() -> impl IntoView {
    view! { <DocTab<WarningRules> /> }
}

#[component]
pub fn DunningTab() -> impl IntoView {
    view! { <DocTab<DunningLadder> /> }
}

#[component]
pub fn DataFeedsTab() -> impl IntoView {
    view! {
        <DocTab<DataFeeds> />
        <FeedImport />
    }
}

/// A file a provider delivered (its records in the feed format, JSON), landed as if the
/// provider had pushed it.
#[component]
fn FeedImport() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let provider = RwSignal::new(String::new());
    let report = RwSignal::new(None::<credence_shared::watch::FeedReport>);
    let failed = RwSignal::new(None::<crate::api::ApiError>);
    let file_error = RwSignal::new(None::<String>);
    let on_file = move |ev: leptos::ev::Event| {
        let Some(file) = crate::components::form::picked_file(&ev) else {
            return;
        };
        report.set(None);
        failed.set(None);
        file_error.set(None);
        let provider = provider.get_untracked();
        leptos::task::spawn_local(async move {
            let Some(bytes) = crate::components::form::file_bytes(&file).await else {
                file_error.set(Some(t_string!(i18n, feed_file_unreadable).to_owned()));
                return;
            };
            match serde_json::from_slice::<credence_shared::watch::FeedBatch>(&bytes) {
                Err(e) => file_error.set(Some(format!(
                    "{} ({e})",
                    t_string!(i18n, feed_file_not_batch)
                ))),
                Ok(batch) => match api::import_feed(session, provider.trim(), &batch).await {
                    Ok(r) => report.set(Some(r)),
                    Err(e) => failed.set(Some(e)),
                },
            }
        });
    };
    view! {
        <section class="card section" data-testid="feed-import">
            <h2 class="section-title">{t!(i18n, feed_import_title)}</h2>
            <p class="muted small">{t!(i18n, feed_import_hint)}</p>
            <div class="form-row">
                <label class="field">
                    <span class="field-label">{t!(i18n, feed_import_provider)}</span>
                    <input class="input mono" data-testid="feed-import-provider"
                        prop:value=move || provider.get()
                        on:input=move |ev| provider.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span class="field-label">{t!(i18n, feed_import_file)}</span>
                    <input type="file" accept=".json,application/json" data-testid="feed-import-file"
                        disabled=move || provider.get().trim().is_empty()
                        on:change=on_file />
                    {move || file_error.get().map(|e| view! { <span class="field-error" role="alert">{e}</span> })}
                </label>
            </div>
            {move || failed.get().map(|e| view! { <ErrorNotice error=e /> })}
            {move || report.get().map(|r| view! {
                <p class="notice notice-ok" role="status" data-testid="feed-import-report">
                    {t!(i18n, feed_import_done, accepted = r.accepted, duplicate = r.duplicate,
                        ignored = r.ignored.len(), rejected = r.rejected.len())}
                </p>
            })}
        </section>
    }
}

#[component]
pub fn WebhooksTab() -> impl IntoView {
    view! {
        <DocTab<WebhookConfig> />
        <DeliveryLog />
    }
}

// ----- the documents as tables ---------------------------------------------------------------

/// A condition as a name and its threshold in figures (`> 95%`, `≥ 30 / 60 / 90`).
fn condition_text(condition: &Condition) -> (&'static str, String) {
    let i18n = use_i18n();
    match condition {
        Condition::DaysToPayTrend { above_days } => (
            t_string!(i18n, cond_days_to_pay_trend),
            format!("> {}", above_days.normalize()),
        ),
        Condition::OverdueDays { steps } => (
            t_string!(i18n, cond_overdue_days),
            format!(
                "≥ {}",
                steps
                    .iter()
                    .map(u32::to_string)
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        ),
        Condition::OverdueAmount { above } => (
            t_string!(i18n, cond_overdue_amount),
            format!(
                "> {}",
                above
                    .iter()
                    .map(format_money)
                    .collect::<Vec<_>>()
                    .join(" / ")
            ),
        ),
        Condition::Utilisation { above } => (
            t_string!(i18n, cond_utilisation),
            format!(
                "> {}%",
                (above * rust_decimal::Decimal::ONE_HUNDRED).normalize()
            ),
        ),
        Condition::ScoreDrop { points } => (
            t_string!(i18n, cond_score_drop),
            format!("≥ {}", points.normalize()),
        ),
        Condition::GradeDowngrade { steps } => {
            (t_string!(i18n, cond_grade_downgrade), format!("≥ {steps}"))
        }
        Condition::ReturnRate { above } => (
            t_string!(i18n, cond_return_rate),
            format!(
                "> {}%",
                (above * rust_decimal::Decimal::ONE_HUNDRED).normalize()
            ),
        ),
        Condition::DisputeRate { above } => (
            t_string!(i18n, cond_dispute_rate),
            format!(
                "> {}%",
                (above * rust_decimal::Decimal::ONE_HUNDRED).normalize()
            ),
        ),
        Condition::ExternalSignal => (t_string!(i18n, cond_external_signal), String::new()),
        Condition::Expiry { of, within_days } => (
            match of {
                Expiring::TemporaryLimit => t_string!(i18n, cond_expiry_temporary),
                Expiring::Review => t_string!(i18n, cond_expiry_review),
            },
            format!("≤ {within_days}"),
        ),
        Condition::BrokenPromise => (t_string!(i18n, cond_broken_promise), String::new()),
    }
}

fn auto_action_text(action: &AutoAction) -> String {
    let i18n = use_i18n();
    match action {
        AutoAction::Hold => t_string!(i18n, dun_hold).to_owned(),
        AutoAction::RequirePrepayment { share } => {
            format!(
                "{} {}",
                t_string!(i18n, auto_prepayment),
                share_text(*share)
            )
        }
        AutoAction::ProposeLimitCut { by_share } => {
            format!(
                "{} {}",
                t_string!(i18n, auto_limit_cut),
                share_text(*by_share)
            )
        }
        AutoAction::CollectionTask => t_string!(i18n, auto_task).to_owned(),
    }
}

fn share_text(share: rust_decimal::Decimal) -> String {
    match credence_shared::engine::Share::new(share) {
        Ok(share) => percent(share),
        Err(_) => share.to_string(),
    }
}

#[component]
fn RulesTable(rules: WarningRules) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <StackTable class="rules-table" testid="warning-rules-table" cols=vec![
            Col::text(|| t_string!(use_i18n(), alerts_rule)),
            Col::text(|| t_string!(use_i18n(), severity)),
            Col::text(|| t_string!(use_i18n(), rule_when)),
            Col::text(|| t_string!(use_i18n(), rule_notify)),
            Col::text(|| t_string!(use_i18n(), rule_actions)),
        ]>
            {rules.rules.into_iter().map(|rule| {
                let (id, name) = (rule.id.clone(), rule.name.clone());
                let when = rule.when.clone();
                let notify = rule.notify.clone();
                let actions = rule.actions.clone();
                view! {
                    <tr class:muted=!rule.enabled data-rule=rule.id.clone()>
                        <td>
                            <strong>{move || rule_label(&id, &name)}</strong>
                            <span class="block small muted mono">{rule.id.clone()}</span>
                            {(!rule.enabled).then(|| view! { <span class="badge badge-neutral">{t!(i18n, rule_disabled)}</span> })}
                        </td>
                        <td><SeverityBadge severity=rule.severity /></td>
                        <td>
                            {move || {
                                let (label, figure) = condition_text(&when);
                                view! { {label} " " <span class="mono">{figure}</span> }
                            }}
                        </td>
                        <td>
                            <span class="chips">
                                {notify.into_iter().map(|r| view! {
                                    <span class="badge badge-neutral">{move || role_label(r)}</span>
                                }).collect_view()}
                            </span>
                        </td>
                        <td>
                            {move || actions.iter().map(auto_action_text).collect::<Vec<_>>().join(" · ")}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </StackTable>
    }
}

#[component]
fn LadderTable(ladder: DunningLadder) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ol class="ladder" data-testid="dunning-table">
            {ladder.steps.into_iter().map(|step| {
                let days = step.day.unsigned_abs();
                view! {
                    <li class="ladder-step">
                        <span class="ladder-day">
                            {match step.day {
                                d if d < 0 => t!(i18n, dunning_before, days).into_any(),
                                0 => t!(i18n, dunning_on_due).into_any(),
                                _ => t!(i18n, dunning_after, days).into_any(),
                            }}
                        </span>
                        <DunningBadge action=step.action />
                        {step.letter.map(|letter| view! {
                            <span class="muted small">
                                {move || t_string!(i18n, ladder_letter).replace(
                                    "{letter}",
                                    crate::components::case_words::letter_kind_word(i18n.get_locale(), letter),
                                )}
                            </span>
                        })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

#[component]
fn EndpointsTable(config: WebhookConfig) -> impl IntoView {
    let i18n = use_i18n();
    if config.endpoints.is_empty() {
        return view! { <p class="empty muted">{t!(i18n, webhooks_none)}</p> }.into_any();
    }
    view! {
        <StackTable testid="webhooks-table" cols=vec![
            Col::text(|| t_string!(use_i18n(), rule_id)),
            Col::text(|| "URL"),
            Col::text(|| t_string!(use_i18n(), rule_enabled)),
        ]>
            {config.endpoints.into_iter().map(|e| view! {
                <tr>
                    <td class="mono">{e.id}</td>
                    <td class="mono break">{e.url}</td>
                    <td>{if e.enabled { "✓" } else { "—" }}</td>
                </tr>
            }).collect_view()}
        </StackTable>
    }
    .into_any()
}

/// The providers, each with how it reaches us and whom it watches.
#[component]
fn ProvidersTable(feeds: DataFeeds) -> impl IntoView {
    let i18n = use_i18n();
    if feeds.providers.is_empty() {
        return view! { <p class="empty muted">{t!(i18n, data_feeds_none)}</p> }.into_any();
    }
    view! {
        <StackTable testid="data-feeds-table" cols=vec![
            Col::text(|| t_string!(use_i18n(), rule_id)),
            Col::text(|| t_string!(use_i18n(), data_feed_source)),
            Col::text(|| t_string!(use_i18n(), data_feed_way)),
            Col::text(|| t_string!(use_i18n(), data_feed_watch)),
            Col::text(|| t_string!(use_i18n(), rule_enabled)),
        ]>
            {feeds.providers.into_iter().map(|p| {
                let way = match &p.pull_url {
                    Some(url) => format!("{} · {url}", t_string!(i18n, data_feed_pull)),
                    None => t_string!(i18n, data_feed_push).to_owned(),
                };
                let watch = if p.watch.all {
                    t_string!(i18n, data_feed_watch_all).to_owned()
                } else {
                    p.watch.customers.iter().chain(p.watch.tags.iter()).cloned()
                        .collect::<Vec<_>>().join("、")
                };
                view! {
                    <tr>
                        <td class="mono">{p.id}</td>
                        <td>{p.name}</td>
                        <td class="mono break">{way}</td>
                        <td>{watch}</td>
                        <td>{if p.enabled { "✓" } else { "—" }}</td>
                    </tr>
                }
            }).collect_view()}
        </StackTable>
    }
    .into_any()
}

#[component]
fn DeliveryLog() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let deliveries = LocalResource::new(move || api::deliveries(session));
    view! {
        <section class="card section" data-testid="admin-deliveries">
            <div class="section-head">
                <h2 class="section-title">{t!(i18n, deliveries_title)}</h2>
                <button type="button" class="button button-secondary button-small" on:click=move |_| deliveries.refetch()>
                    {t!(i18n, refresh)}
                </button>
            </div>
            <Loaded resource=deliveries let:items>
                {if items.is_empty() {
                    view! { <p class="empty muted">{t!(i18n, deliveries_none)}</p> }.into_any()
                } else {
                    view! { <DeliveryTable items /> }.into_any()
                }}
            </Loaded>
        </section>
    }
}

#[component]
fn DeliveryTable(items: Vec<Delivery>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <StackTable class="deliveries" testid="deliveries" cols=vec![
            Col::text(|| t_string!(use_i18n(), created)),
            Col::text(|| t_string!(use_i18n(), delivery_event)),
            Col::text(|| t_string!(use_i18n(), delivery_endpoint)),
            Col::text(|| t_string!(use_i18n(), status)),
            Col::text(|| t_string!(use_i18n(), delivery_attempts)),
        ]>
            {items.into_iter().map(|d| {
                let status = d.status;
                let name = delivery_status_name(status);
                let last = d.attempts.last().map(|a| {
                    let answer = match (&a.status, &a.error) {
                        (Some(code), _) => format!("HTTP {code}"),
                        (None, Some(error)) => error.clone(),
                        (None, None) => String::new(),
                    };
                    format!("{} {answer}", local_datetime(a.at))
                });
                let count = d.attempts.len();
                let next = (status == credence_shared::watch::DeliveryStatus::Pending)
                    .then(|| local_datetime(d.next_attempt_at));
                view! {
                    <tr data-testid="delivery" data-status=name>
                        <td class="nowrap">{local_datetime(d.created_at)}</td>
                        <td class="mono">{d.event.clone()}</td>
                        <td>
                            <span class="mono">{d.endpoint_id.clone()}</span>
                            <span class="block small muted break">{d.url.clone()}</span>
                        </td>
                        <td>
                            <span class=format!("badge delivery-status delivery-{name}")>
                                {move || delivery_status_label(status)}
                            </span>
                        </td>
                        <td>
                            {count}
                            {last.map(|l| view! { <span class="block small muted">{l}</span> })}
                            {next.map(|time| view! { <span class="block small muted">{t!(i18n, delivery_next, time)}</span> })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </StackTable>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::doc_editor::{json_text, parse_doc};

    #[test]
    fn the_shipped_rules_and_ladder_read_back_from_their_json() {
        let rules = json_text(&WarningRules::default_rules());
        let ladder = json_text(&DunningLadder::default_ladder());

        assert!(parse_doc::<WarningRules>(&rules).is_ok());
        assert!(parse_doc::<DunningLadder>(&ladder).is_ok());
        assert!(parse_doc::<WebhookConfig>("{\"endpoints\": []}").is_ok());
    }

    #[test]
    fn a_broken_document_names_the_field() {
        let falling =
            r#"{"steps": [{"day": 30, "action": "call"}, {"day": 1, "action": "reminder"}]}"#;
        let short_secret = r#"{"endpoints": [{"id": "erp", "url": "https://erp.example/hook", "secret": "short"}]}"#;

        assert_eq!(
            parse_doc::<DunningLadder>(falling).unwrap_err().0[0].field,
            "steps"
        );
        assert_eq!(
            parse_doc::<WebhookConfig>(short_secret).unwrap_err().0[0].field,
            "endpoints[0].secret"
        );
        assert_eq!(
            parse_doc::<WarningRules>("{").unwrap_err().0[0].field,
            "document"
        );
    }
}
