//! The admin page's early-warning and collections tabs: warning rules, the dunning ladder,
//! and webhooks with their delivery log. Each document is edited as JSON, checked by the
//! same shared code the server runs (messages name the field), and shown as a table; a save
//! says why and replaces the version that was read.

use credence_shared::watch::{
    AutoAction, Condition, Delivery, DunningLadder, Expiring, WarningRules, WebhookConfig,
};
use credence_shared::workflow::Versioned;
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::{self, ApiError};
use crate::components::finding::percent;
use crate::components::form::{FieldErrors, local_datetime};
use crate::components::layout::role_label;
use crate::components::money::format_money;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::watch::{
    DunningBadge, SeverityBadge, delivery_status_label, delivery_status_name, rule_label,
};
use crate::i18n::{t, t_string, use_i18n};
use crate::pages::admin::{MessageList, ReasonField, required_reason, settle};
use crate::session::{Session, use_session};

/// The three documents these tabs edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Doc {
    WarningRules,
    Dunning,
    Webhooks,
}

/// Reads edited JSON as `T` and checks it; the message says where it went wrong.
pub fn parse_doc<T: DeserializeOwned>(
    text: &str,
    validate: fn(&T) -> Result<(), Vec<credence_shared::dto::FieldError>>,
) -> Result<T, FieldErrors> {
    let doc: T = serde_json::from_str(text).map_err(|e| {
        FieldErrors(vec![credence_shared::dto::FieldError {
            field: "document".into(),
            message: e.to_string(),
        }])
    })?;
    validate(&doc).map_err(FieldErrors)?;
    Ok(doc)
}

impl Doc {
    fn name(self) -> &'static str {
        match self {
            Doc::WarningRules => "warning-rules",
            Doc::Dunning => "dunning",
            Doc::Webhooks => "webhooks",
        }
    }

    fn title(self) -> &'static str {
        let i18n = use_i18n();
        match self {
            Doc::WarningRules => t_string!(i18n, admin_warning_rules),
            Doc::Dunning => t_string!(i18n, admin_dunning),
            Doc::Webhooks => t_string!(i18n, admin_webhooks),
        }
    }

    fn hint(self) -> &'static str {
        let i18n = use_i18n();
        match self {
            Doc::WarningRules => t_string!(i18n, warning_rules_hint),
            Doc::Dunning => t_string!(i18n, dunning_hint),
            Doc::Webhooks => t_string!(i18n, webhooks_hint),
        }
    }

    /// Whether `text` is a document of this kind the server will take.
    pub fn check(self, text: &str) -> Result<(), FieldErrors> {
        match self {
            Doc::WarningRules => parse_doc(text, WarningRules::validate).map(|_| ()),
            Doc::Dunning => parse_doc(text, DunningLadder::validate).map(|_| ()),
            Doc::Webhooks => parse_doc(text, WebhookConfig::validate).map(|_| ()),
        }
    }

    /// The document as a table, when it reads.
    fn preview(self, text: &str) -> Option<AnyView> {
        Some(match self {
            Doc::WarningRules => {
                let rules = parse_doc(text, WarningRules::validate).ok()?;
                view! { <RulesTable rules /> }.into_any()
            }
            Doc::Dunning => {
                let ladder = parse_doc(text, DunningLadder::validate).ok()?;
                view! { <LadderTable ladder /> }.into_any()
            }
            Doc::Webhooks => {
                let config = parse_doc(text, WebhookConfig::validate).ok()?;
                view! { <EndpointsTable config /> }.into_any()
            }
        })
    }

    async fn save(
        self,
        session: Session,
        replaces: u32,
        reason: String,
        text: String,
    ) -> Result<(), ApiError> {
        // The text was checked before saving; a failure here is the same message again.
        let rejected = |errors: FieldErrors| {
            ApiError::Rejected(credence_shared::dto::Problem {
                kind: "about:blank".into(),
                title: "invalid".into(),
                status: 422,
                detail: None,
                instance: None,
                request_id: None,
                errors: errors.0,
            })
        };
        match self {
            Doc::WarningRules => {
                let document = parse_doc(&text, WarningRules::validate).map_err(rejected)?;
                let body = Versioned {
                    replaces,
                    reason,
                    document,
                };
                api::save_warning_rules(session, &body).await
            }
            Doc::Dunning => {
                let document = parse_doc(&text, DunningLadder::validate).map_err(rejected)?;
                let body = Versioned {
                    replaces,
                    reason,
                    document,
                };
                api::save_dunning_ladder(session, &body).await
            }
            Doc::Webhooks => {
                let document = parse_doc(&text, WebhookConfig::validate).map_err(rejected)?;
                let body = Versioned {
                    replaces,
                    reason,
                    document,
                };
                api::save_webhooks(session, &body).await
            }
        }
    }
}

/// What an editor starts from: the version read and the document as pretty JSON (its
/// `version` left out: the server sets it, and the save says which one it replaces).
fn loaded<T: Serialize>(version: u32, doc: &T) -> (u32, String) {
    let mut value = serde_json::to_value(doc).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.remove("version");
    }
    (
        version,
        serde_json::to_string_pretty(&value).unwrap_or_default(),
    )
}

#[component]
pub fn WarningRulesTab() -> impl IntoView {
    let session = use_session();
    let doc = LocalResource::new(move || async move {
        api::warning_rules(session)
            .await
            .map(|d| loaded(d.version, &d))
    });
    view! { <DocTab which=Doc::WarningRules doc /> }
}

#[component]
pub fn DunningTab() -> impl IntoView {
    let session = use_session();
    let doc = LocalResource::new(move || async move {
        api::dunning_ladder(session)
            .await
            .map(|d| loaded(d.version, &d))
    });
    view! { <DocTab which=Doc::Dunning doc /> }
}

#[component]
pub fn WebhooksTab() -> impl IntoView {
    let session = use_session();
    let doc = LocalResource::new(move || async move {
        api::webhooks(session).await.map(|d| loaded(d.version, &d))
    });
    view! {
        <DocTab which=Doc::Webhooks doc />
        <DeliveryLog />
    }
}

#[component]
fn DocTab(which: Doc, doc: LocalResource<Result<(u32, String), ApiError>>) -> impl IntoView {
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match doc.await {
                    Ok((version, text)) => view! {
                        <DocEditor which version text reload=Callback::new(move |()| doc.refetch()) />
                    }
                    .into_any(),
                    Err(error) => view! { <ErrorNotice error retry=move || doc.refetch() /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DocEditor(which: Doc, version: u32, text: String, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let name = which.name();
    let original = StoredValue::new(text.clone());
    let text = RwSignal::new(text);
    let reason = RwSignal::new(String::new());
    let server = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let checked = Memo::new(move |_| text.with(|t| which.check(t)));
    let shown = Signal::derive(move || {
        let s = server.get();
        if !s.is_empty() {
            return s;
        }
        checked.with(|c| c.as_ref().err().cloned().unwrap_or_default())
    });
    let save = Action::new_local(move |(reason, text): &(String, String)| {
        let (reason, text) = (reason.clone(), text.clone());
        async move {
            match which.save(session, version, reason, text).await {
                Ok(()) => {
                    saved.set(true);
                    reload.run(());
                }
                Err(error) => settle(error, || reload.run(()), server, failure),
            }
        }
    });
    let on_save = move |_| {
        failure.set(None);
        saved.set(false);
        server.set(FieldErrors::default());
        if let Some(e) = required_reason(reason) {
            server.set(e);
            return;
        }
        if checked.with_untracked(Result::is_ok) {
            save.dispatch_local((
                reason.get_untracked().trim().to_owned(),
                text.get_untracked(),
            ));
        }
    };
    // The table follows the JSON while it reads, and otherwise shows what was loaded.
    let preview = move || {
        text.with(|t| which.preview(t))
            .or_else(|| original.with_value(|t| which.preview(t)))
    };
    let json_id = format!("{name}-json");
    view! {
        <section class="card section" data-testid=format!("admin-{name}")>
            <div class="section-head">
                <h2 class="section-title">{move || which.title()}</h2>
                <span class="muted small">{t!(i18n, version_n, version)}</span>
            </div>
            <p class="muted small">{move || which.hint()}</p>
            {preview}
            <details class="json-editor">
                <summary>{t!(i18n, edit_json)}</summary>
                <div class="field">
                    <label for=json_id.clone() class="sr-only">{t!(i18n, edit_json)}</label>
                    <textarea id=json_id.clone() class="mono code" rows="18" spellcheck="false" data-testid=json_id.clone()
                        aria-invalid=move || checked.with(Result::is_err).to_string()
                        prop:value=move || text.get()
                        on:input=move |event| { server.set(FieldErrors::default()); text.set(event_target_value(&event)); }></textarea>
                </div>
            </details>
            <div class="save-bar">
                <ReasonField id=format!("{name}-reason") value=reason error=Signal::derive(move || shown.with(|e| e.get("reason"))) />
                <MessageList errors=Signal::derive(move || FieldErrors(shown.with(|e| e.others(&["reason"])))) />
                {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
                <Show when=move || saved.get()>
                    <p class="notice notice-ok small" role="status">{t!(i18n, saved)}</p>
                </Show>
                <button type="button" class="button button-primary" data-testid=format!("{name}-save")
                    disabled=move || save.pending().get() || checked.with(Result::is_err) on:click=on_save>
                    {t!(i18n, save)}
                </button>
            </div>
        </section>
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
        <div class="table-scroll">
            <table class="table stack-table rules-table" data-testid="warning-rules-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, alerts_rule)}</th>
                        <th scope="col">{t!(i18n, severity)}</th>
                        <th scope="col">{t!(i18n, rule_when)}</th>
                        <th scope="col">{t!(i18n, rule_notify)}</th>
                        <th scope="col">{t!(i18n, rule_actions)}</th>
                    </tr>
                </thead>
                <tbody>
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
                </tbody>
            </table>
        </div>
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
        <div class="table-scroll">
            <table class="table stack-table" data-testid="webhooks-table">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, rule_id)}</th>
                        <th scope="col">"URL"</th>
                        <th scope="col">{t!(i18n, rule_enabled)}</th>
                    </tr>
                </thead>
                <tbody>
                    {config.endpoints.into_iter().map(|e| view! {
                        <tr>
                            <td class="mono">{e.id}</td>
                            <td class="mono break">{e.url}</td>
                            <td>{if e.enabled { "✓" } else { "—" }}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
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
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match deliveries.await {
                        Ok(items) if items.is_empty() => view! {
                            <p class="empty muted">{t!(i18n, deliveries_none)}</p>
                        }
                        .into_any(),
                        Ok(items) => view! { <DeliveryTable items /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error retry=move || deliveries.refetch() /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DeliveryTable(items: Vec<Delivery>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table class="table stack-table deliveries" data-testid="deliveries">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, created)}</th>
                        <th scope="col">{t!(i18n, delivery_event)}</th>
                        <th scope="col">{t!(i18n, delivery_endpoint)}</th>
                        <th scope="col">{t!(i18n, status)}</th>
                        <th scope="col">{t!(i18n, delivery_attempts)}</th>
                    </tr>
                </thead>
                <tbody>
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
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_rules_and_ladder_read_back_from_their_json() {
        let rules = serde_json::to_string_pretty(&WarningRules::default_rules()).unwrap();
        let ladder = serde_json::to_string_pretty(&DunningLadder::default_ladder()).unwrap();

        assert!(Doc::WarningRules.check(&rules).is_ok());
        assert!(Doc::Dunning.check(&ladder).is_ok());
        assert!(Doc::Webhooks.check("{\"endpoints\": []}").is_ok());
    }

    #[test]
    fn a_broken_document_names_the_field() {
        let falling =
            r#"{"steps": [{"day": 30, "action": "call"}, {"day": 1, "action": "reminder"}]}"#;
        let short_secret = r#"{"endpoints": [{"id": "erp", "url": "https://erp.example/hook", "secret": "short"}]}"#;

        assert_eq!(Doc::Dunning.check(falling).unwrap_err().0[0].field, "steps");
        assert_eq!(
            Doc::Webhooks.check(short_secret).unwrap_err().0[0].field,
            "endpoints[0].secret"
        );
        assert_eq!(
            Doc::WarningRules.check("{").unwrap_err().0[0].field,
            "document"
        );
    }
}
