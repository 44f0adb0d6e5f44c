//! Early warning and collections. [`evaluate`] is the one place a customer is watched:
//! it builds the customer's figures for today, runs the tenant's warning rules and dunning
//! ladder over them, writes what changed (each alert guarded by its version, the watch state
//! by its own), tells people (activity, webhooks) and takes the automatic actions. It is
//! called by the stream consumer for every changed credit file or new signal, by the daily
//! pass for the customers the wake index names, and after a promise is recorded.
//!
//! Running it twice on the same facts does nothing the second time: alerts change only when
//! a rule's level or figures change, and dunning steps taken are kept per invoice.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use aws_sdk_dynamodb::types::TransactWriteItem;
use credence_shared::engine::ledger::LedgerEvent;
use credence_shared::engine::metrics;
use credence_shared::engine::quantity::Share;
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, AgingBucket, Alert, AlertChange, AlertList,
    AlertStatus, AlertSubject, AlertUpdate, AutoAction, CollectionTask, CollectionsView,
    CustomerAging, Delivery, DeliveryAttempt, DeliveryStatus, DunningAction, DunningLadder,
    DunningSummary, KpiInput, Kpis, NewNote, NewPromise, NewSignal, Outcome, PortfolioAging,
    Promise, PromiseStatus, Reference, RuleCount, RunReport, RunRequest, TaskStatus, TaskUpdate,
    WarningRules, Watch, WebhookConfig, Worklist, aging_buckets, assign, backoff_seconds, priority,
};
use credence_shared::workflow::{Change, NewRequest};
use credence_shared::{Currency, CustomerId, Money, Role, TenantId, UserId};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime};

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::config::{self, Configured, Document};
use crate::service::workflow::{self as wf, Env};
use crate::store::keys;
use crate::store::watch::{DocKeys, WatchState};
use crate::store::{Store, StoreError};

// ----- configuration ------------------------------------------------------------------------

/// A watch configuration document: where it is kept, its shipped default, its check.
macro_rules! configured {
    ($ty:ty, $doc:expr, $shipped:expr) => {
        impl Configured for $ty {
            const DOC: Document = $doc;
            fn shipped() -> Self {
                $shipped
            }
            fn version_mut(&mut self) -> &mut u32 {
                &mut self.version
            }
            fn check(&self) -> Result<(), Vec<credence_shared::dto::FieldError>> {
                self.validate()
            }
        }
    };
}

configured!(
    WarningRules,
    Document::WARNING_RULES,
    WarningRules::default_rules()
);
configured!(
    DunningLadder,
    Document::DUNNING,
    DunningLadder::default_ladder()
);
configured!(WebhookConfig, Document::WEBHOOKS, WebhookConfig::default());

/// The principal automatic actions are taken as (named `system` in the audit trail).
fn system(tenant: &TenantId) -> Principal {
    Principal {
        user_id: UserId::parse("system").expect("a valid user id"),
        username: "system".into(),
        tenant: tenant.clone(),
        roles: vec![Role::Risk],
    }
}

fn stamp(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

fn unique() -> String {
    format!("{:08x}", rand::random::<u32>())
}

fn parse_customer(raw: &str) -> Result<CustomerId, ApiError> {
    CustomerId::parse(raw).map_err(|_| ApiError::NotFound)
}

/// What one evaluation did (summed into a [`RunReport`]).
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    opened: u32,
    raised: u32,
    dunning: u32,
    tasks: u32,
    broken: u32,
    requests: u32,
}

/// A signal as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredSignal {
    signal: NewSignal,
    recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    recorded_at: OffsetDateTime,
}

// ----- the watcher --------------------------------------------------------------------------

/// Watches one customer as of the clock's now. See the module doc.
pub async fn evaluate(env: &Env<'_>, tenant: &TenantId, id: &CustomerId) -> Result<(), ApiError> {
    evaluate_counted(env, tenant, id).await.map(|_| ())
}

async fn evaluate_counted(
    env: &Env<'_>,
    tenant: &TenantId,
    id: &CustomerId,
) -> Result<Tally, ApiError> {
    // A concurrent change of the same customer's watch state or alerts: read again.
    for _ in 0..4 {
        match evaluate_once(env, tenant, id).await {
            Err(ApiError::Conflict(_)) => continue,
            other => return other,
        }
    }
    Err(ApiError::Conflict(format!(
        "customer {id} kept changing while it was evaluated"
    )))
}

async fn evaluate_once(
    env: &Env<'_>,
    tenant: &TenantId,
    id: &CustomerId,
) -> Result<Tally, ApiError> {
    let store = env.store;
    let now = env.clock.now();
    let today = now.date();
    let mut tally = Tally {
        requests: 3,
        ..Tally::default()
    };
    let (Some(customer), Some(record)) = (
        store.get_customer(tenant, id).await?,
        store.get_credit(tenant, id).await?,
    ) else {
        return Ok(tally);
    };
    let pk = keys::customer_pk(tenant, id);
    let state = &record.state;
    let previous = store.watch_state(tenant, id).await?;

    // Promises: judge the open ones against what was paid since they were made.
    let mut promises: Vec<Promise> = store
        .doc_query(&pk, keys::PROMISE_PREFIX, false, 200)
        .await?;
    tally.requests += 1;
    let mut writes: Vec<TransactWriteItem> = Vec::new();
    let mut activity: Vec<Activity> = Vec::new();
    if promises.iter().any(|p| p.status == PromiseStatus::Open) {
        let ledger = store.get_ledger(tenant, id).await?;
        tally.requests += 1;
        for p in promises
            .iter_mut()
            .filter(|p| p.status == PromiseStatus::Open)
        {
            let paid: Decimal = ledger
                .iter()
                .filter(|e| e.entry.date >= p.made_on)
                .filter_map(|e| match &e.entry.event {
                    LedgerEvent::Payment { amount, .. } if amount.currency == p.amount.currency => {
                        Some(amount.amount)
                    }
                    _ => None,
                })
                .sum();
            let paid = Money::new(paid, p.amount.currency);
            let status = p.judge(paid, today);
            if status != p.status || paid != p.paid {
                let expected = p.version;
                p.status = status;
                p.paid = paid;
                p.version += 1;
                writes.push(store.doc_write(
                    DocKeys::new(pk.clone(), keys::promise_sk(&p.id)),
                    "promise",
                    p.version,
                    Some(expected),
                    &*p,
                )?);
                match status {
                    PromiseStatus::Kept => activity.push(system_activity(
                        now,
                        ActivityKind::PromiseKept,
                        format!("promise of {} by {} kept", p.amount, p.date),
                        ActivityDetail {
                            amount: Some(p.amount),
                            date: Some(p.date),
                            ..ActivityDetail::default()
                        },
                    )),
                    PromiseStatus::Broken => {
                        tally.broken += 1;
                        activity.push(system_activity(
                            now,
                            ActivityKind::PromiseBroken,
                            format!("promise of {} by {} broken (paid {paid})", p.amount, p.date),
                            ActivityDetail {
                                amount: Some(p.amount),
                                date: Some(p.date),
                                ..ActivityDetail::default()
                            },
                        ));
                    }
                    PromiseStatus::Open => {}
                }
            }
        }
    }
    let signals: Vec<StoredSignal> = store
        .doc_query(&pk, keys::SIGNAL_PREFIX, false, 500)
        .await?;
    tally.requests += 1;

    // Today's figures.
    let file = state.decision.effective_file(&state.recommendation, today);
    let items = &state.open_items;
    let overdue = metrics::overdue_beyond(items, today, 0, false);
    let watch = Watch {
        as_of: today,
        currency: state.currency,
        score: state.assessment.score,
        grade: state.assessment.grade,
        limit: file.limit,
        exposure: customer.exposure,
        overdue,
        oldest_overdue_days: metrics::oldest_overdue_days(items, today),
        figures: credence_shared::watch::WatchFigures {
            utilisation: metrics::utilisation(customer.exposure, Some(file.limit)),
            ..state.watch.clone()
        },
        temporary_expires: state.decision.temporary.as_ref().map(|t| t.expires),
        review_due: state.decision.review_due,
        signals: signals.len() as u32,
        last_signal: signals
            .iter()
            .max_by_key(|s| (s.signal.date, s.recorded_at))
            .map(|s| format!("{:?}: {}", s.signal.kind, s.signal.summary)),
        broken_promises: promises
            .iter()
            .filter(|p| p.status == PromiseStatus::Broken)
            .count() as u32,
    };
    let (prev_version, prev) = match &previous {
        Some((v, p)) => (Some(*v), Some(p)),
        None => (None, None),
    };
    let reference = Reference::roll(prev.map(|p| &p.reference), &watch);

    // Rules.
    let rules = config::document::<WarningRules>(store, tenant).await?;
    let hooks = config::document::<WebhookConfig>(store, tenant).await?;
    let existing: BTreeMap<String, Alert> = store
        .doc_query::<Alert>(&pk, keys::ALERT_PREFIX, false, 100)
        .await?
        .into_iter()
        .map(|a| (a.rule_id.clone(), a))
        .collect();
    tally.requests += 3;
    let owner = customer.owner.as_ref().map(|o| o.to_string());
    let subject = AlertSubject {
        customer_id: id,
        customer_name: &customer.name,
        owner: owner.as_deref(),
    };
    let mut follow_ups: Vec<(AutoAction, String)> = Vec::new();
    let mut want_task: Option<TaskAsk> = None;
    for rule in &rules.rules {
        let before = existing.get(&rule.id);
        let Some(firing) = rule.fire(&watch, Some(&reference)) else {
            // A resolved alert whose condition cleared may open again later.
            if let Some(cleared) = before.and_then(|a| a.cleared(now)) {
                writes.push(alert_write(
                    store,
                    tenant,
                    &cleared,
                    before.map(|a| a.version),
                )?);
            }
            continue;
        };
        let (alert, outcome) = Alert::apply(before, rule, &subject, &firing, now);
        if outcome == Outcome::Unchanged {
            continue;
        }
        writes.push(alert_write(
            store,
            tenant,
            &alert,
            before.map(|a| a.version),
        )?);
        if !outcome.tells() {
            continue;
        }
        if outcome == Outcome::Opened {
            tally.opened += 1;
        } else {
            tally.raised += 1;
        }
        let event = if outcome == Outcome::Opened {
            "alert.opened"
        } else {
            "alert.raised"
        };
        activity.push(system_activity(
            now,
            ActivityKind::Alert,
            format!("{} (level {})", rule.name, alert.level),
            ActivityDetail {
                rule_id: Some(rule.id.clone()),
                level: Some(alert.level),
                ..ActivityDetail::default()
            },
        ));
        writes.extend(deliveries(store, tenant, &hooks, event, &alert, now)?);
        for action in &rule.actions {
            match action {
                AutoAction::CollectionTask => {
                    want_task = Some(TaskAsk {
                        action: DunningAction::Call,
                        reason: rule.name.clone(),
                        rule_id: Some(rule.id.clone()),
                        dunning: None,
                    });
                }
                other => follow_ups.push((other.clone(), rule.name.clone())),
            }
        }
    }

    // Dunning.
    let ladder = config::document::<DunningLadder>(store, tenant).await?;
    tally.requests += 1;
    let taken_before = prev.map(|p| p.taken.clone()).unwrap_or_default();
    let (summary, taken) = ladder.due_today(&items.invoices, today, &taken_before);
    if let Some(summary) = &summary {
        tally.dunning += 1;
        activity.push(system_activity(
            now,
            ActivityKind::Dunning,
            dunning_text(summary),
            ActivityDetail {
                amount: Some(summary.total),
                action: Some(summary.strongest),
                count: Some(summary.lines.len() as u32),
                ..ActivityDetail::default()
            },
        ));
        writes.extend(deliveries(
            store,
            tenant,
            &hooks,
            "dunning.summary",
            summary,
            now,
        )?);
        let action = summary.strongest;
        if action == DunningAction::Hold {
            follow_ups.push((AutoAction::Hold, "dunning: hold".into()));
        }
        if action != DunningAction::Reminder {
            want_task = Some(TaskAsk {
                action,
                reason: format!("dunning: {}", action.as_str()),
                rule_id: None,
                dunning: Some(action),
            });
        }
    }
    let pd = state.assessment.pd.value();
    if let Some(ask) = want_task {
        let overdue_days = watch.oldest_overdue_days;
        let (write, opened) = task_write(
            store,
            tenant,
            id,
            &customer.name,
            owner.as_deref(),
            &ask,
            watch.overdue,
            overdue_days,
            pd,
            now,
        )
        .await?;
        tally.requests += 2;
        if let Some(w) = write {
            writes.push(w);
            if opened {
                tally.tasks += 1;
                activity.push(system_activity(
                    now,
                    ActivityKind::TaskOpened,
                    format!("{}: {}", ask.action.as_str(), ask.reason),
                    ActivityDetail {
                        action: Some(ask.action),
                        rule_id: ask.rule_id.clone(),
                        ..ActivityDetail::default()
                    },
                ));
            }
        }
    }

    // The watch state, with the next day time alone changes something.
    let open_promise_wake = promises
        .iter()
        .filter(|p| p.status == PromiseStatus::Open)
        .map(|p| p.date + Duration::days(1))
        .filter(|d| *d > today);
    let aging_wake = items
        .invoices
        .iter()
        .filter(|i| i.open.amount > Decimal::ZERO)
        .flat_map(|i| [1, 31, 61, 91].map(|d| i.due + Duration::days(d)))
        .filter(|d| *d > today);
    let wake = rules
        .rules
        .iter()
        .filter_map(|r| r.next_wake(&watch, &items.invoices))
        .chain(ladder.next_wake(&items.invoices, today))
        .chain(open_promise_wake)
        .chain(aging_wake)
        .min();
    let next = WatchState {
        customer_id: id.clone(),
        watch,
        reference,
        taken,
        last_dunning: summary.or_else(|| prev.and_then(|p| p.last_dunning.clone())),
        wake,
        owner: owner.clone(),
        name: customer.name.clone(),
        pd,
        aging: aging_buckets(&items.invoices, today, state.currency),
    };
    if prev != Some(&next) {
        writes.push(store.watch_state_write(tenant, id, &next, prev_version)?);
    }
    for a in &activity {
        writes.push(activity_write(store, tenant, id, a)?);
    }
    if !writes.is_empty() {
        // DynamoDB takes at most 100 items per transaction; the watch state goes last, so
        // a part that fails leaves it unwritten and the whole evaluation is retried.
        let count = writes.len();
        for chunk in writes.chunks(100) {
            store.transact(chunk.to_vec()).await?;
        }
        tally.requests += count.div_ceil(100) as u32;
    }
    for (action, why) in follow_ups {
        tally.requests += take_action(env, tenant, id, &action, &why).await?;
    }
    Ok(tally)
}

fn system_activity(
    at: OffsetDateTime,
    kind: ActivityKind,
    text: String,
    detail: ActivityDetail,
) -> Activity {
    Activity {
        at,
        kind,
        by: "system".into(),
        text,
        detail,
    }
}

/// What asks for a collection task: a rule that fired or a dunning step.
struct TaskAsk {
    action: DunningAction,
    reason: String,
    rule_id: Option<String>,
    dunning: Option<DunningAction>,
}

fn dunning_text(summary: &DunningSummary) -> String {
    let lines: Vec<String> = summary
        .lines
        .iter()
        .map(|l| format!("{} {} ({} d)", l.invoice, l.action.as_str(), l.days))
        .collect();
    format!(
        "{}: {} invoice(s), {} — {}",
        summary.strongest.as_str(),
        summary.lines.len(),
        summary.total,
        lines.join(", ")
    )
}

fn alert_write(
    store: &Store,
    tenant: &TenantId,
    alert: &Alert,
    expected: Option<u64>,
) -> Result<TransactWriteItem, StoreError> {
    let open = alert.status.is_open();
    store.doc_write(
        DocKeys::new(
            keys::customer_pk(tenant, &alert.customer_id),
            keys::alert_sk(&alert.rule_id),
        )
        .gsi1(
            keys::alerts_gsi1pk(tenant, open),
            keys::alert_gsi1sk(&stamp(alert.updated_at), &alert.customer_id, &alert.rule_id),
        ),
        "alert",
        alert.version,
        expected,
        alert,
    )
}

fn activity_write(
    store: &Store,
    tenant: &TenantId,
    id: &CustomerId,
    activity: &Activity,
) -> Result<TransactWriteItem, StoreError> {
    store.doc_write(
        DocKeys::new(
            keys::customer_pk(tenant, id),
            keys::activity_sk(&stamp(activity.at), &unique()),
        ),
        "activity",
        1,
        None,
        activity,
    )
}

/// One pending delivery per enabled endpoint, written with the change that caused it.
fn deliveries<T: Serialize>(
    store: &Store,
    tenant: &TenantId,
    hooks: &WebhookConfig,
    event: &str,
    data: &T,
    now: OffsetDateTime,
) -> Result<Vec<TransactWriteItem>, StoreError> {
    let mut out = Vec::new();
    for endpoint in hooks.endpoints.iter().filter(|e| e.enabled) {
        let id = format!("{}-{}", now.unix_timestamp_nanos(), unique());
        let body = serde_json::json!({
            "id": id,
            "event": event,
            "tenant": tenant.to_string(),
            "at": stamp(now),
            "data": data,
        })
        .to_string();
        let delivery = Delivery {
            id: id.clone(),
            endpoint_id: endpoint.id.clone(),
            url: endpoint.url.clone(),
            event: event.to_owned(),
            body,
            status: DeliveryStatus::Pending,
            attempts: Vec::new(),
            created_at: now,
            next_attempt_at: now,
            version: 1,
        };
        out.push(delivery_write(store, tenant, &delivery, None)?);
    }
    Ok(out)
}

fn delivery_write(
    store: &Store,
    tenant: &TenantId,
    d: &Delivery,
    expected: Option<u64>,
) -> Result<TransactWriteItem, StoreError> {
    let mut at = DocKeys::new(
        keys::webhook_pk(tenant),
        keys::delivery_sk(&stamp(d.created_at), &d.id),
    );
    if d.status == DeliveryStatus::Pending {
        at = at.gsi1(
            keys::deliveries_pending_gsi1pk(tenant),
            format!("{}#{}", stamp(d.next_attempt_at), d.id),
        );
    }
    store.doc_write(at, "delivery", d.version, expected, d)
}

/// The customer's one open collection task, raised to `action` (or a new one). Returns the
/// write (none when the open task already says as much) and whether a task was opened.
#[allow(clippy::too_many_arguments)]
async fn task_write(
    store: &Store,
    tenant: &TenantId,
    id: &CustomerId,
    name: &str,
    owner: Option<&str>,
    ask: &TaskAsk,
    overdue: Money,
    days_late: u32,
    pd: Decimal,
    now: OffsetDateTime,
) -> Result<(Option<TransactWriteItem>, bool), ApiError> {
    let (action, reason) = (ask.action, ask.reason.as_str());
    let pk = keys::customer_pk(tenant, id);
    let tasks: Vec<CollectionTask> = store.doc_query(&pk, keys::TASK_PREFIX, false, 200).await?;
    let rank = priority(overdue.amount, days_late, pd);
    if let Some(open) = tasks.iter().find(|t| t.status == TaskStatus::Open) {
        let known_rule = ask
            .rule_id
            .as_ref()
            .is_none_or(|r| open.rule_ids.contains(r));
        if open.action >= action && open.priority == rank && known_rule {
            return Ok((None, false));
        }
        let mut next = open.clone();
        next.action = next.action.max(action);
        if let Some(rule) = &ask.rule_id
            && !next.rule_ids.contains(rule)
        {
            next.rule_ids.push(rule.clone());
        }
        next.dunning = next.dunning.max(ask.dunning);
        next.priority = rank;
        next.overdue = overdue;
        next.days_late = days_late;
        if !next.reason.contains(reason) {
            next.reason = format!("{}; {reason}", next.reason);
        }
        next.version += 1;
        return Ok((
            Some(task_item(store, tenant, &next, Some(open.version))?),
            false,
        ));
    }
    let collectors = collectors_with_load(store, tenant).await?;
    let Some(assignee) = assign(action, owner, &collectors) else {
        return Ok((None, false));
    };
    let task = CollectionTask {
        id: format!("{}{}", now.unix_timestamp(), unique()),
        customer_id: id.clone(),
        customer_name: name.to_owned(),
        action,
        reason: reason.to_owned(),
        assignee,
        priority: rank,
        overdue,
        days_late,
        status: TaskStatus::Open,
        created_at: now,
        note: String::new(),
        version: 1,
        rule_ids: ask.rule_id.iter().cloned().collect(),
        dunning: ask.dunning,
    };
    Ok((Some(task_item(store, tenant, &task, None)?), true))
}

fn task_item(
    store: &Store,
    tenant: &TenantId,
    task: &CollectionTask,
    expected: Option<u64>,
) -> Result<TransactWriteItem, StoreError> {
    let mut at = DocKeys::new(
        keys::customer_pk(tenant, &task.customer_id),
        keys::task_sk(&task.id),
    );
    if task.status == TaskStatus::Open {
        at = at.gsi1(
            keys::tasks_gsi1pk(tenant, &task.assignee),
            format!("{}#{}", stamp(task.created_at), task.id),
        );
    }
    store.doc_write(at, "task", task.version, expected, task)
}

/// The tenant's collectors (users with the collector role, enabled) and their open tasks.
async fn collectors_with_load(
    store: &Store,
    tenant: &TenantId,
) -> Result<Vec<(String, u32)>, ApiError> {
    let mut out = Vec::new();
    for user in store.users(tenant).await? {
        if !user.active || !user.roles.contains(&Role::Collector) {
            continue;
        }
        let open: Vec<CollectionTask> = store
            .doc_index(&keys::tasks_gsi1pk(tenant, &user.username), false, 1000)
            .await?;
        out.push((user.username.clone(), open.len() as u32));
    }
    Ok(out)
}

/// Takes an automatic action on the credit file (hold, prepayment) or files a limit cut.
/// Returns the DynamoDB requests made. Nothing happens when the file already says as much.
async fn take_action(
    env: &Env<'_>,
    tenant: &TenantId,
    id: &CustomerId,
    action: &AutoAction,
    why: &str,
) -> Result<u32, ApiError> {
    let who = system(tenant);
    let reason = format!("automatic: {why}");
    match action {
        AutoAction::Hold | AutoAction::RequirePrepayment { .. } => {
            for _ in 0..3 {
                let Some(record) = env.store.get_credit(tenant, id).await? else {
                    return Ok(1);
                };
                let mut decision = record.state.decision.clone();
                match action {
                    AutoAction::Hold if !decision.on_hold => decision.on_hold = true,
                    AutoAction::RequirePrepayment { share } => {
                        let share = Share::new(*share)
                            .map_err(|e| ApiError::Internal(anyhow::anyhow!("rule share: {e}")))?;
                        if decision.prepayment.is_some_and(|p| p >= share) {
                            return Ok(1);
                        }
                        decision.prepayment = Some(share);
                    }
                    _ => return Ok(1),
                }
                match wf::apply_decision(env, &who, id, &record, decision, &reason).await {
                    Ok(()) => return Ok(4),
                    Err(ApiError::Conflict(_)) => continue,
                    Err(e) => return Err(e),
                }
            }
            Ok(6)
        }
        AutoAction::ProposeLimitCut { by_share } => {
            let Some(record) = env.store.get_credit(tenant, id).await? else {
                return Ok(1);
            };
            let file = record
                .state
                .decision
                .effective_file(&record.state.recommendation, env.clock.today());
            let cut = (file.limit.amount * (Decimal::ONE - *by_share)).round_dp(0);
            if cut >= file.limit.amount {
                return Ok(1);
            }
            let body = NewRequest {
                change: Change::Limit {
                    limit: Money::new(cut, file.limit.currency),
                },
                justification: reason,
            };
            match wf::file(env, &who, id.as_str(), body).await {
                Ok(_) | Err(ApiError::Conflict(_)) => Ok(5),
                Err(ApiError::Validation(_)) => Ok(5),
                Err(e) => Err(e),
            }
        }
        AutoAction::CollectionTask => Ok(0),
    }
}

// ----- stream and daily pass ------------------------------------------------------------------

/// The customers a batch of changed keys (`PK`, `SK`) asks to look at again: changed credit
/// files and new signals. The watcher's own writes (watch state, alerts, tasks, activity)
/// are not among them, so it does not wake itself.
pub fn customers_to_watch(changed: &[(String, String)]) -> BTreeSet<(String, String)> {
    changed
        .iter()
        .filter(|(_, sk)| sk == keys::CREDIT_SK || sk.starts_with(keys::SIGNAL_PREFIX))
        .filter_map(|(pk, _)| {
            let tenant = keys::tenant_of_pk(pk)?;
            let t = TenantId::parse(tenant).ok()?;
            let customer = keys::customer_of_pk(&t, pk)?;
            Some((tenant.to_owned(), customer.to_owned()))
        })
        .collect()
}

/// Handles one batch of stream records (their keys). Idempotent: a batch seen twice
/// raises nothing twice. Then delivers what is due for the tenants touched.
pub async fn on_changes(
    env: &Env<'_>,
    changed: &[(String, String)],
) -> Result<RunReport, ApiError> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let mut tenants = BTreeSet::new();
    for (tenant, customer) in customers_to_watch(changed) {
        let (Ok(t), Ok(c)) = (TenantId::parse(&tenant), CustomerId::parse(&customer)) else {
            continue;
        };
        let tally = evaluate_counted(env, &t, &c).await?;
        add(&mut report, tally);
        tenants.insert(t);
    }
    for t in &tenants {
        report.deliveries_sent += deliver_due(env.store, t, env.clock.now()).await?;
    }
    report.millis = started.elapsed().as_millis() as u64;
    Ok(report)
}

fn add(report: &mut RunReport, tally: Tally) {
    report.customers += 1;
    report.alerts_opened += tally.opened;
    report.alerts_raised += tally.raised;
    report.dunning_summaries += tally.dunning;
    report.tasks += tally.tasks;
    report.promises_broken += tally.broken;
    report.dynamodb_requests += tally.requests;
}

/// The daily pass for one tenant: the customers whose wake day has come (GSI2, never a
/// scan), or every customer when `all`. Running the same day twice does nothing twice.
pub async fn daily(env: &Env<'_>, tenant: &TenantId, all: bool) -> Result<RunReport, ApiError> {
    let started = Instant::now();
    let mut report = RunReport::default();
    let today = env.clock.today();
    let ids = if all {
        let mut ids = Vec::new();
        let mut cursor = None;
        loop {
            let page = env
                .store
                .list_customers(tenant, cursor.as_deref(), 50, &|_| true)
                .await?;
            report.dynamodb_requests += 1;
            ids.extend(page.items.into_iter().map(|c| c.id));
            match page.next_cursor {
                Some(c) => cursor = Some(c),
                None => break,
            }
        }
        ids
    } else {
        let (ids, reads) = env.store.waking(tenant, today).await?;
        report.dynamodb_requests += reads;
        ids
    };
    for id in ids {
        let tally = evaluate_counted(env, tenant, &id).await?;
        add(&mut report, tally);
    }
    report.deliveries_sent += deliver_due(env.store, tenant, env.clock.now()).await?;
    report.millis = started.elapsed().as_millis() as u64;
    Ok(report)
}

/// `POST /v1/watch/run` (admin).
pub async fn run(env: &Env<'_>, who: &Principal, body: RunRequest) -> Result<RunReport, ApiError> {
    policy::require(who, Action::RunDailyPass)?;
    if let Some(date) = body.date
        && date != env.clock.today()
    {
        return Err(ApiError::field(
            "date",
            "the pass runs for today only (the server's clock)",
        ));
    }
    daily(env, &who.tenant, body.all).await
}

// ----- webhooks -------------------------------------------------------------------------------

/// `sha256=<hex>` of the body under the secret.
pub fn signature(secret: &str, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Sends every delivery due by `now`; a failure is retried later with backoff, up to
/// [`MAX_ATTEMPTS`](credence_shared::watch::MAX_ATTEMPTS). Returns how many were delivered.
pub async fn deliver_due(
    store: &Store,
    tenant: &TenantId,
    now: OffsetDateTime,
) -> Result<u32, ApiError> {
    let pending: Vec<(u64, Delivery)> = store.pending_deliveries(tenant, &stamp(now)).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let hooks = config::document::<WebhookConfig>(store, tenant).await?;
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("webhook client: {e}")))?;
    let mut sent = 0;
    for (_, mut d) in pending {
        if d.status != DeliveryStatus::Pending || d.next_attempt_at > now {
            continue;
        }
        let secret = hooks
            .endpoints
            .iter()
            .find(|e| e.id == d.endpoint_id)
            .map(|e| e.secret.clone());
        let attempt = match &secret {
            None => DeliveryAttempt {
                at: now,
                status: None,
                error: Some("the endpoint was removed".into()),
            },
            Some(secret) => {
                let answer = client
                    .post(&d.url)
                    .header("content-type", "application/json")
                    .header("x-credence-event", &d.event)
                    .header("x-credence-delivery", &d.id)
                    .header("x-credence-signature", signature(secret, &d.body))
                    .body(d.body.clone())
                    .send()
                    .await;
                match answer {
                    Ok(r) => DeliveryAttempt {
                        at: now,
                        status: Some(r.status().as_u16()),
                        error: (!r.status().is_success())
                            .then(|| format!("the receiver answered {}", r.status())),
                    },
                    Err(e) => DeliveryAttempt {
                        at: now,
                        status: None,
                        error: Some(e.to_string()),
                    },
                }
            }
        };
        let ok = attempt.error.is_none();
        d.attempts.push(attempt);
        d.status = if ok {
            sent += 1;
            DeliveryStatus::Delivered
        } else if d.attempts.len() >= credence_shared::watch::MAX_ATTEMPTS || secret.is_none() {
            DeliveryStatus::Failed
        } else {
            d.next_attempt_at = now + Duration::seconds(backoff_seconds(d.attempts.len()));
            DeliveryStatus::Pending
        };
        let expected = d.version;
        d.version += 1;
        // A concurrent deliverer got there first: its attempt stands.
        match store
            .transact(vec![delivery_write(store, tenant, &d, Some(expected))?])
            .await
        {
            Ok(()) | Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(sent)
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Delivery>,
}

/// `GET /v1/admin/webhooks/deliveries`: the delivery log, newest first.
pub async fn delivery_log(store: &Store, who: &Principal) -> Result<DeliveryList, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    Ok(DeliveryList {
        items: store
            .doc_query(
                &keys::webhook_pk(&who.tenant),
                keys::DELIVERY_PREFIX,
                true,
                200,
            )
            .await?,
    })
}

// ----- alerts ---------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct AlertQuery {
    /// `open` (default: open and acknowledged) or `resolved`.
    pub status: Option<String>,
    /// Only alerts meant for me.
    pub mine: Option<bool>,
}

fn sees(who: &Principal, alert: &Alert) -> bool {
    let owner = alert.owner.as_deref().and_then(|o| UserId::parse(o).ok());
    policy::may_see_customer(who, owner.as_ref())
}

/// `GET /v1/alerts`.
pub async fn alerts(store: &Store, who: &Principal, q: AlertQuery) -> Result<AlertList, ApiError> {
    policy::require(who, Action::ReadAlerts)?;
    let open = match q.status.as_deref() {
        None | Some("open") => true,
        Some("resolved") => false,
        Some(_) => return Err(ApiError::field("status", "open or resolved")),
    };
    let open_alerts: Vec<Alert> = store
        .doc_index(&keys::alerts_gsi1pk(&who.tenant, true), true, 2000)
        .await?;
    let mine_open = open_alerts
        .iter()
        .filter(|a| {
            sees(who, a) && a.status == AlertStatus::Open && a.is_for(&who.username, &who.roles)
        })
        .count() as u32;
    let listed = if open {
        open_alerts
    } else {
        store
            .doc_index(&keys::alerts_gsi1pk(&who.tenant, false), true, 500)
            .await?
    };
    let mine = q.mine.unwrap_or(false);
    Ok(AlertList {
        items: listed
            .into_iter()
            .filter(|a| sees(who, a) && (!mine || a.is_for(&who.username, &who.roles)))
            .collect(),
        mine_open,
    })
}

/// `GET /v1/customers/{id}/alerts`.
pub async fn customer_alerts(
    store: &Store,
    who: &Principal,
    raw_id: &str,
) -> Result<AlertList, ApiError> {
    policy::require(who, Action::ReadAlerts)?;
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(store, who, &id).await?;
    let items: Vec<Alert> = store
        .doc_query(
            &keys::customer_pk(&who.tenant, &id),
            keys::ALERT_PREFIX,
            false,
            100,
        )
        .await?;
    let mine_open = items
        .iter()
        .filter(|a| a.status == AlertStatus::Open && a.is_for(&who.username, &who.roles))
        .count() as u32;
    Ok(AlertList { items, mine_open })
}

/// `POST /v1/customers/{id}/alerts/{rule}`: acknowledge, or resolve with a note.
pub async fn update_alert(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    rule: &str,
    body: AlertUpdate,
) -> Result<Alert, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::HandleAlerts)?;
    let note = body.note.trim();
    if note.chars().count() > 1000 {
        return Err(ApiError::field("note", "at most 1000 characters"));
    }
    if body.action == AlertChange::Resolve && note.is_empty() {
        return Err(ApiError::field("note", "say how it was resolved"));
    }
    let valid_rule = !rule.is_empty()
        && rule.len() <= 40
        && rule
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_rule {
        return Err(ApiError::NotFound);
    }
    let (_, alert) = env
        .store
        .doc_get::<Alert>(&keys::customer_pk(&who.tenant, &id), &keys::alert_sk(rule))
        .await?
        .ok_or(ApiError::NotFound)?;
    if alert.version != body.version {
        return Err(ApiError::Conflict(format!(
            "the alert changed (version {}); reload",
            alert.version
        )));
    }
    let (status, action) = match body.action {
        AlertChange::Acknowledge if alert.status == AlertStatus::Open => (
            AlertStatus::Acknowledged,
            credence_shared::watch::AlertAction::Acknowledged,
        ),
        AlertChange::Resolve if alert.status.is_open() => (
            AlertStatus::Resolved,
            credence_shared::watch::AlertAction::Resolved,
        ),
        _ => {
            return Err(ApiError::Conflict(format!(
                "the alert is {:?} already",
                alert.status
            )));
        }
    };
    let now = env.clock.now();
    let mut next = alert.clone();
    next.status = status;
    next.updated_at = now;
    next.version += 1;
    next.events.push(credence_shared::watch::AlertEvent {
        at: now,
        action,
        by: who.username.clone(),
        level: alert.level,
        note: note.to_owned(),
    });
    let activity = Activity {
        at: now,
        kind: ActivityKind::Alert,
        by: who.username.clone(),
        text: format!("{}: {:?} — {note}", alert.rule_name, status),
        detail: ActivityDetail {
            rule_id: Some(alert.rule_id.clone()),
            level: Some(alert.level),
            alert_status: Some(status),
            ..ActivityDetail::default()
        },
    };
    env.store
        .transact(vec![
            alert_write(env.store, &who.tenant, &next, Some(alert.version))?,
            activity_write(env.store, &who.tenant, &id, &activity)?,
        ])
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed => ApiError::Conflict("the alert changed; reload".into()),
            e => e.into(),
        })?;
    Ok(next)
}

// ----- collections ----------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct WorklistQuery {
    /// Whose worklist (default: mine). Risk, finance and admins may look at anyone's.
    pub assignee: Option<String>,
}

/// `GET /v1/worklist`: open tasks, highest priority first.
pub async fn worklist(
    store: &Store,
    who: &Principal,
    q: WorklistQuery,
) -> Result<Worklist, ApiError> {
    policy::require(who, Action::WorkCollections)?;
    let assignee = match q.assignee.as_deref().map(str::trim) {
        None | Some("") => who.username.clone(),
        Some(other) if other == who.username => other.to_owned(),
        Some(other) => {
            policy::require(who, Action::ReadKpis)?;
            if UserId::parse(other).is_err() {
                return Err(ApiError::field("assignee", "not a user name"));
            }
            other.to_owned()
        }
    };
    let mut items: Vec<CollectionTask> = store
        .doc_index(&keys::tasks_gsi1pk(&who.tenant, &assignee), false, 1000)
        .await?;
    items.retain(|t| t.status == TaskStatus::Open);
    items.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.created_at.cmp(&b.created_at))
    });
    Ok(Worklist { items })
}

/// `POST /v1/customers/{id}/tasks/{task}/done`.
pub async fn task_done(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    task_id: &str,
    body: TaskUpdate,
) -> Result<CollectionTask, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 1000 {
        return Err(ApiError::field(
            "note",
            "say what was done (at most 1000 characters)",
        ));
    }
    if task_id.is_empty()
        || task_id.len() > 40
        || !task_id.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(ApiError::NotFound);
    }
    let pk = keys::customer_pk(&who.tenant, &id);
    let (_, task) = env
        .store
        .doc_get::<CollectionTask>(&pk, &keys::task_sk(task_id))
        .await?
        .ok_or(ApiError::NotFound)?;
    if task.version != body.version {
        return Err(ApiError::Conflict("the task changed; reload".into()));
    }
    if task.status == TaskStatus::Done {
        return Err(ApiError::Conflict("the task is done already".into()));
    }
    let now = env.clock.now();
    let mut next = task.clone();
    next.status = TaskStatus::Done;
    next.note = note.to_owned();
    next.version += 1;
    let activity = Activity {
        at: now,
        kind: ActivityKind::TaskDone,
        by: who.username.clone(),
        text: format!("{}: {note}", task.action.as_str()),
        detail: ActivityDetail {
            action: Some(task.action),
            ..ActivityDetail::default()
        },
    };
    env.store
        .transact(vec![
            task_item(env.store, &who.tenant, &next, Some(task.version))?,
            activity_write(env.store, &who.tenant, &id, &activity)?,
        ])
        .await
        .map_err(|e| match e {
            StoreError::ConditionFailed => ApiError::Conflict("the task changed; reload".into()),
            e => e.into(),
        })?;
    Ok(next)
}

/// `POST /v1/customers/{id}/promises`: a promise to pay, watched from then on.
pub async fn add_promise(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewPromise,
) -> Result<Promise, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let record = env
        .store
        .get_credit(&who.tenant, &id)
        .await?
        .ok_or_else(|| ApiError::field("amount", "the customer has no account yet"))?;
    let today = env.clock.today();
    body.validate(today, record.state.currency)
        .map_err(ApiError::Validation)?;
    let now = env.clock.now();
    let promise = Promise {
        id: format!("{}{}", now.unix_timestamp(), unique()),
        customer_id: id.clone(),
        date: body.date,
        amount: body.amount,
        note: body.note.trim().to_owned(),
        made_by: who.username.clone(),
        made_on: today,
        status: PromiseStatus::Open,
        paid: Money::zero(body.amount.currency),
        version: 1,
    };
    let activity = Activity {
        at: now,
        kind: ActivityKind::Promise,
        by: who.username.clone(),
        text: format!("promise to pay {} by {}", promise.amount, promise.date),
        detail: ActivityDetail {
            amount: Some(promise.amount),
            date: Some(promise.date),
            ..ActivityDetail::default()
        },
    };
    env.store
        .transact(vec![
            env.store.doc_write(
                DocKeys::new(
                    keys::customer_pk(&who.tenant, &id),
                    keys::promise_sk(&promise.id),
                ),
                "promise",
                1,
                None,
                &promise,
            )?,
            activity_write(env.store, &who.tenant, &id, &activity)?,
        ])
        .await?;
    // So the daily pass looks at it again the day after it falls due.
    evaluate(env, &who.tenant, &id).await?;
    Ok(promise)
}

/// `POST /v1/customers/{id}/notes`.
pub async fn add_note(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewNote,
) -> Result<Activity, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(ApiError::field(
            "text",
            "write a note of at most 2000 characters",
        ));
    }
    let activity = Activity {
        at: env.clock.now(),
        kind: ActivityKind::Note,
        by: who.username.clone(),
        text: text.to_owned(),
        detail: ActivityDetail::default(),
    };
    env.store
        .transact(vec![activity_write(
            env.store,
            &who.tenant,
            &id,
            &activity,
        )?])
        .await?;
    Ok(activity)
}

/// `POST /v1/customers/{id}/signals`. `true` when new, `false` when its key was seen.
pub async fn add_signal(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewSignal,
) -> Result<bool, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::RecordSignals)?;
    let key_ok = !body.idempotency_key.is_empty()
        && body.idempotency_key.len() <= 128
        && body
            .idempotency_key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:-".contains(c));
    let mut errors = Vec::new();
    if !key_ok {
        errors.push(field_error(
            "idempotency_key",
            "1-128 letters, digits or . _ : -",
        ));
    }
    if body.date > env.clock.today() {
        errors.push(field_error(
            "date",
            "a signal cannot be dated in the future",
        ));
    }
    if body.source.trim().is_empty() || body.source.chars().count() > 200 {
        errors.push(field_error(
            "source",
            "name the source (at most 200 characters)",
        ));
    }
    if body.summary.trim().is_empty() || body.summary.chars().count() > 1000 {
        errors.push(field_error(
            "summary",
            "say what happened (at most 1000 characters)",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let stored = StoredSignal {
        signal: body.clone(),
        recorded_by: who.username.clone(),
        recorded_at: env.clock.now(),
    };
    let new = env
        .store
        .put_signal(&who.tenant, &id, &body.idempotency_key, &stored)
        .await?;
    if new {
        let activity = Activity {
            at: env.clock.now(),
            kind: ActivityKind::Signal,
            by: who.username.clone(),
            text: format!("{:?} ({}): {}", body.kind, body.source, body.summary),
            detail: ActivityDetail {
                date: Some(body.date),
                signal: Some(body.kind),
                ..ActivityDetail::default()
            },
        };
        env.store
            .transact(vec![activity_write(
                env.store,
                &who.tenant,
                &id,
                &activity,
            )?])
            .await?;
    }
    Ok(new)
}

fn field_error(field: &str, message: &str) -> credence_shared::dto::FieldError {
    credence_shared::dto::FieldError {
        field: field.into(),
        message: message.into(),
    }
}

/// `GET /v1/customers/{id}/collections`.
pub async fn collections(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<CollectionsView, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(env.store, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let pk = keys::customer_pk(&who.tenant, &id);
    let today = env.clock.today();
    let aging = match env.store.get_credit(&who.tenant, &id).await? {
        Some(r) => aging_buckets(&r.state.open_items.invoices, today, r.state.currency),
        None => Vec::new(),
    };
    let mut promises: Vec<Promise> = env
        .store
        .doc_query(&pk, keys::PROMISE_PREFIX, true, 50)
        .await?;
    promises.sort_by(|a, b| b.made_on.cmp(&a.made_on).then(b.date.cmp(&a.date)));
    let tasks: Vec<CollectionTask> = env
        .store
        .doc_query(&pk, keys::TASK_PREFIX, true, 50)
        .await?;
    let alerts: Vec<Alert> = env
        .store
        .doc_query(&pk, keys::ALERT_PREFIX, false, 100)
        .await?;
    let activity: Vec<Activity> = env
        .store
        .doc_query(&pk, keys::ACTIVITY_PREFIX, true, 50)
        .await?;
    let last_dunning = env
        .store
        .watch_state(&who.tenant, &id)
        .await?
        .and_then(|(_, w)| w.last_dunning);
    Ok(CollectionsView {
        customer_id: id,
        aging,
        promises,
        tasks,
        alerts,
        activity,
        last_dunning,
    })
}

// ----- portfolio ------------------------------------------------------------------------------

/// Every watched customer of the tenant (GSI1), and the reporting currency (the most
/// common account currency).
async fn watched(
    store: &Store,
    tenant: &TenantId,
) -> Result<(Vec<WatchState>, Currency), ApiError> {
    let states: Vec<WatchState> = store
        .doc_index(&keys::watched_gsi1pk(tenant), false, 100_000)
        .await?;
    let mut counts: BTreeMap<Currency, usize> = BTreeMap::new();
    for s in &states {
        *counts.entry(s.watch.currency).or_default() += 1;
    }
    let currency = counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(c, _)| c)
        .unwrap_or_else(|| Currency::parse("CNY").expect("a currency"));
    Ok((states, currency))
}

/// `GET /v1/aging`: the portfolio by days past due (customers in the reporting currency).
pub async fn portfolio_aging(store: &Store, who: &Principal) -> Result<PortfolioAging, ApiError> {
    policy::require(who, Action::ReadKpis)?;
    let (states, currency) = watched(store, &who.tenant).await?;
    let mut sums: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut customers = Vec::new();
    let order = ["current", "1-30", "31-60", "61-90", "90+"];
    for s in states.iter().filter(|s| s.watch.currency == currency) {
        for b in &s.aging {
            *sums.entry(b.bucket.clone()).or_default() += b.amount.amount;
        }
        if !s.watch.overdue.amount.is_zero() {
            customers.push(CustomerAging {
                customer_id: s.customer_id.clone(),
                name: s.name.clone(),
                overdue: s.watch.overdue,
                oldest_overdue_days: s.watch.oldest_overdue_days,
                buckets: s.aging.clone(),
            });
        }
    }
    customers.sort_by_key(|c| std::cmp::Reverse(c.overdue.amount));
    customers.truncate(50);
    Ok(PortfolioAging {
        currency,
        buckets: order
            .iter()
            .map(|b| AgingBucket {
                bucket: (*b).to_owned(),
                amount: Money::new(sums.get(*b).copied().unwrap_or_default(), currency),
            })
            .collect(),
        customers,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct KpiSnapshot {
    #[serde(with = "credence_shared::engine::calendar::iso_date")]
    date: Date,
    kpis: Kpis,
}

/// `GET /v1/kpis`: computed from the watched customers; the first read of a day keeps a
/// snapshot, and grade drift is measured against the newest snapshot before today.
pub async fn kpis(env: &Env<'_>, who: &Principal) -> Result<Kpis, ApiError> {
    policy::require(who, Action::ReadKpis)?;
    let store = env.store;
    let today = env.clock.today();
    let (states, currency) = watched(store, &who.tenant).await?;
    let inputs: Vec<KpiInput> = states
        .iter()
        .filter(|s| s.watch.currency == currency)
        .map(|s| KpiInput {
            customer_id: s.customer_id.clone(),
            name: s.name.clone(),
            grade: Some(s.watch.grade),
            receivables: s.watch.figures.receivables,
            overdue: s.watch.overdue.amount,
            exposure: s.watch.exposure.amount,
            limit: s.watch.limit.amount,
            sales_12m: s.watch.figures.sales_12m,
            write_offs_12m: s.watch.figures.written_off_12m,
        })
        .collect();
    let other = states.len() - inputs.len();
    let snapshots: Vec<KpiSnapshot> = store
        .doc_query(&keys::kpi_pk(&who.tenant), keys::KPI_PREFIX, true, 2)
        .await?;
    let previous = snapshots.iter().find(|s| s.date < today);
    let open: Vec<Alert> = store
        .doc_index(&keys::alerts_gsi1pk(&who.tenant, true), false, 5000)
        .await?;
    let mut by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    for a in open {
        by_rule
            .entry(a.rule_id.clone())
            .or_insert_with(|| RuleCount {
                rule_id: a.rule_id.clone(),
                rule_name: a.rule_name.clone(),
                open: 0,
            })
            .open += 1;
    }
    let mut alerts_by_rule: Vec<RuleCount> = by_rule.into_values().collect();
    alerts_by_rule.sort_by(|a, b| b.open.cmp(&a.open).then(a.rule_id.cmp(&b.rule_id)));
    let kpis = Kpis::compute(
        today,
        currency,
        &inputs,
        other as u32,
        previous.map(|p| p.kpis.grades.as_slice()),
        alerts_by_rule,
    );
    if snapshots.first().is_none_or(|s| s.date < today) {
        let snapshot = KpiSnapshot {
            date: today,
            kpis: kpis.clone(),
        };
        let write = store.doc_write(
            DocKeys::new(keys::kpi_pk(&who.tenant), keys::kpi_sk(&today.to_string())),
            "kpis",
            1,
            None,
            &snapshot,
        )?;
        // Two first reads of the day race harmlessly: one snapshot stays.
        match store.transact(vec![write]).await {
            Ok(()) | Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(kpis)
}
