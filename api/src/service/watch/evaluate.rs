//! The watcher: [`evaluate`] looks at one customer as of the clock's now, as a sequence of
//! stages — [`gather`] what is known, [`judge_promises`], [`todays_figures`], [`run_rules`]
//! (alert changes), [`run_dunning`], [`ask_for_task`] (the collection task), the blocked
//! orders (re-checked, `service::orders::recheck_customer`, then told: `super::orders`) and
//! the credit terms told, [`next_state`] (the watch state with its wake day), [`write`] all
//! of it in guarded transactions, and finally [`actions::take_actions`] on the credit file.
//! The stages in between add what they decide to a [`Plan`]; only `gather`, `ask_for_task`
//! and the orders' stage read, and besides the last two only the re-check writes (each
//! order it releases over the version read, in its own transaction).

use std::collections::BTreeMap;

use credence_shared::bounds::add_days;
use credence_shared::dto::CustomerSummary;
use credence_shared::engine::calendar::months_after;
use credence_shared::engine::ledger::LedgerEvent;
use credence_shared::engine::metrics;
use credence_shared::orders::CreditTerms;
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, Alert, AlertSubject, AutoAction, CollectionTask,
    Delivery, DunningAction, DunningLadder, DunningSummary, Outcome, Promise, PromiseStatus,
    Reference, TaskStatus, WarningRules, Watch, WatchFigures, WebhookConfig, aging_buckets, assign,
    priority,
};
use credence_shared::{CustomerId, Money, Role, TenantId};
use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};

use super::webhooks::new_deliveries;
use super::{Tally, actions, unique};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::service::tenant;
use crate::store::credit::{CreditState, StoredEntry};
use crate::store::watch::{StoredSignal, WatchState};
use crate::store::{Store, StoreError};
use tracing::instrument;

/// Watches one customer as of the clock's now. See the module doc.
pub async fn evaluate(ctx: &Ctx<'_>, tenant: &TenantId, id: &CustomerId) -> Result<(), ApiError> {
    evaluate_counted(ctx, tenant, id).await.map(|_| ())
}

/// [`evaluate`], reading again when a concurrent change of the same customer's watch state
/// or alerts won; says what it did.
#[instrument(level = "debug", skip_all, fields(tenant = %tenant, customer = %id))]
pub(super) async fn evaluate_counted(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
) -> Result<Tally, ApiError> {
    for _ in 0..4 {
        match evaluate_once(ctx, tenant, id).await {
            Err(ApiError::Conflict { .. }) => continue,
            other => return other,
        }
    }
    Err(ApiError::stale(format!(
        "customer {id} kept changing while it was evaluated"
    )))
}

async fn evaluate_once(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
) -> Result<Tally, ApiError> {
    let now = ctx.clock.now();
    let today = now.date();
    let mut tally = Tally {
        requests: 3,
        ..Tally::default()
    };
    let Some(mut seen) = gather(ctx.store, tenant, id, &mut tally).await? else {
        return Ok(tally);
    };
    let mut plan = Plan::default();
    judge_promises(&mut seen, now, &mut plan, &mut tally);
    let (watch, reference) = todays_figures(&seen, today);
    // Rules compare with the reference in force until today (about a month old), not the
    // one rolled to today's figures: a drop on the day the reference rolls is still a drop.
    let in_force = seen
        .previous
        .as_ref()
        .map_or(&reference, |(_, p)| &p.reference);
    run_rules(
        &seen, tenant, id, &watch, in_force, now, &mut plan, &mut tally,
    );
    let dunning = run_dunning(&seen, tenant, today, now, &mut plan, &mut tally);
    if let Some(ask) = plan.task_ask.take() {
        ask_for_task(ctx.store, tenant, id, &seen, &watch, ask, now, &mut plan).await?;
        tally.requests += 2;
    }
    let engine = ctx.engine(tenant).await?;
    let orders = if seen.state.orders_blocked > 0 {
        let orders = ctx.store.customer_orders(tenant, id).await?;
        tally.requests += 1;
        let rechecked = crate::service::orders::recheck_customer(
            ctx,
            &engine,
            tenant,
            id,
            &seen.state,
            &orders,
        )
        .await?;
        if rechecked > 0 {
            tally.requests += rechecked + 1;
            ctx.store.customer_orders(tenant, id).await?
        } else {
            orders
        }
    } else {
        Vec::new()
    };
    let told = super::orders::tell_orders(
        tenant,
        &seen.hooks,
        &seen.customer,
        (
            &orders,
            seen.alerts.get(super::orders::SHIPPED_BLOCKED_RULE),
        ),
        now,
    );
    plan.deliveries.extend(told.deliveries);
    plan.orders = told.orders;
    plan.alerts.extend(told.alert);
    let terms = CreditTerms::of(
        &seen
            .state
            .decision
            .effective_file(&seen.state.recommendation, today),
    );
    plan.deliveries.extend(super::orders::tell_credit(
        tenant,
        &seen.hooks,
        &seen.customer,
        (
            seen.previous.as_ref().and_then(|(_, p)| p.told.as_ref()),
            &terms,
        ),
        now,
    ));
    let model = &engine.model;
    let edges = (model.ageing_edges(), model.dormancy_edges());
    let mut next = next_state(&seen, id, (watch, reference), dunning, &edges, today);
    next.told = Some(terms);
    let previous = seen.previous.as_ref();
    if previous.map(|(_, p)| p) != Some(&next) {
        plan.state = Some((next, previous.map(|(v, _)| *v)));
    }
    tally.requests += write(ctx.store, tenant, id, &plan).await?;
    tally.requests += actions::take_actions(ctx, tenant, id, plan.follow_ups).await?;
    Ok(tally)
}

/// What one evaluation reads before it decides anything.
struct Seen {
    customer: CustomerSummary,
    /// The credit file as last computed.
    state: CreditState,
    /// The watch state written last time, and its version.
    previous: Option<(u64, WatchState)>,
    promises: Vec<Promise>,
    /// The ledger, read only when a promise is open.
    ledger: Vec<StoredEntry>,
    signals: Vec<StoredSignal>,
    rules: WarningRules,
    hooks: WebhookConfig,
    ladder: DunningLadder,
    /// The customer's alerts by rule id.
    alerts: BTreeMap<String, Alert>,
    owner: Option<String>,
}

/// What one evaluation decided, in the order it is written, and what it does afterwards.
#[derive(Default)]
struct Plan {
    /// Promises judged anew, each with the version it replaces.
    promises: Vec<(Promise, u64)>,
    alerts: Vec<(Alert, Option<u64>)>,
    deliveries: Vec<Delivery>,
    /// Letters a dunning step asks for (pending: the delivery worker sends them).
    letters: Vec<credence_shared::watch::Letter>,
    task: Option<(CollectionTask, Option<u64>)>,
    state: Option<(WatchState, Option<u64>)>,
    activity: Vec<Activity>,
    /// Automatic actions on the credit file, and why.
    follow_ups: Vec<(AutoAction, String)>,
    /// The collection task a rule or the dunning ladder asks for (the last one asking).
    task_ask: Option<TaskAsk>,
    /// Blocked orders told of or marked alerted, each over the version read.
    orders: Vec<(credence_shared::orders::BlockedOrder, u64)>,
}

/// What asks for a collection task: a rule that fired or a dunning step.
struct TaskAsk {
    action: DunningAction,
    reason: String,
    rule_id: Option<String>,
    dunning: Option<DunningAction>,
}

/// Reads the customer, its credit file, the last watch state, promises (and the ledger
/// when one is open), signals, the tenant's rules, webhooks and ladder, and the alerts.
/// `None` when the customer or its credit file is missing.
async fn gather(
    store: &Store,
    tenant: &TenantId,
    id: &CustomerId,
    tally: &mut Tally,
) -> Result<Option<Seen>, ApiError> {
    let (Some(customer), Some(record)) = (
        store.get_customer(tenant, id).await?,
        store.get_credit(tenant, id).await?,
    ) else {
        return Ok(None);
    };
    let previous = store.watch_state(tenant, id).await?;
    let promises = store.promises(tenant, id, false, 200).await?;
    tally.requests += 1;
    let ledger = if promises.iter().any(|p| p.status == PromiseStatus::Open) {
        tally.requests += 1;
        store.get_ledger(tenant, id).await?
    } else {
        Vec::new()
    };
    let signals = store.signals(tenant, id, 500).await?;
    tally.requests += 1;
    let rules = tenant::document::<WarningRules>(store, tenant).await?;
    let hooks = tenant::document::<WebhookConfig>(store, tenant).await?;
    let alerts = store
        .customer_alerts(tenant, id)
        .await?
        .into_iter()
        .map(|a| (a.rule_id.clone(), a))
        .collect();
    tally.requests += 3;
    let ladder = tenant::document::<DunningLadder>(store, tenant).await?;
    tally.requests += 1;
    let owner = customer.owner.as_ref().map(|o| o.to_string());
    Ok(Some(Seen {
        customer,
        state: record.state,
        previous,
        promises,
        ledger,
        signals,
        rules,
        hooks,
        ladder,
        alerts,
        owner,
    }))
}

/// Judges the open promises against what was paid since each was made: kept or broken
/// ones are rewritten and told in the activity.
fn judge_promises(seen: &mut Seen, now: OffsetDateTime, plan: &mut Plan, tally: &mut Tally) {
    let today = now.date();
    for p in seen
        .promises
        .iter_mut()
        .filter(|p| p.status == PromiseStatus::Open)
    {
        let paid: Decimal = seen
            .ledger
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
        if status == p.status && paid == p.paid {
            continue;
        }
        let expected = p.version;
        p.status = status;
        p.paid = paid;
        p.version += 1;
        plan.promises.push((p.clone(), expected));
        let detail = ActivityDetail {
            amount: Some(p.amount),
            date: Some(p.date),
            ..ActivityDetail::default()
        };
        match status {
            PromiseStatus::Kept => plan.activity.push(system_activity(
                now,
                ActivityKind::PromiseKept,
                format!("promise of {} by {} kept", p.amount, p.date),
                detail,
            )),
            PromiseStatus::Broken => {
                tally.broken += 1;
                plan.activity.push(system_activity(
                    now,
                    ActivityKind::PromiseBroken,
                    format!("promise of {} by {} broken (paid {paid})", p.amount, p.date),
                    detail,
                ));
            }
            PromiseStatus::Open => {}
        }
    }
}

/// The customer's figures for today, and the reference they are compared with (rolled on
/// from the last watch state).
fn todays_figures(seen: &Seen, today: Date) -> (Watch, Reference) {
    let state = &seen.state;
    let file = state.decision.effective_file(&state.recommendation, today);
    let items = &state.open_items;
    let exposure = seen.customer.exposure;
    let watch = Watch {
        as_of: today,
        currency: state.currency,
        score: state.assessment.score,
        grade: state.assessment.grade,
        limit: file.limit,
        exposure,
        overdue: metrics::overdue_beyond(items, today, 0, false),
        oldest_overdue_days: metrics::oldest_overdue_days(items, today),
        figures: WatchFigures {
            utilisation: metrics::utilisation(exposure, Some(file.limit)),
            ..state.watch.clone()
        },
        temporary_expires: state.decision.temporary.as_ref().map(|t| t.expires),
        review_due: state.decision.review_due,
        signals: seen.signals.len() as u32,
        last_signal: seen
            .signals
            .iter()
            .max_by_key(|s| (s.signal.date, s.recorded_at))
            .map(|s| format!("{:?}: {}", s.signal.kind, s.signal.summary)),
        broken_promises: seen
            .promises
            .iter()
            .filter(|p| p.status == PromiseStatus::Broken)
            .count() as u32,
    };
    let previous = seen.previous.as_ref().map(|(_, p)| &p.reference);
    let reference = Reference::roll(previous, &watch);
    (watch, reference)
}

/// Runs every warning rule over the figures and decides each alert's change: a new or
/// raised alert is written, told in the activity and to the webhooks, and asks for the
/// rule's actions; a resolved alert whose condition cleared is written as cleared.
#[allow(clippy::too_many_arguments)]
fn run_rules(
    seen: &Seen,
    tenant: &TenantId,
    id: &CustomerId,
    watch: &Watch,
    reference: &Reference,
    now: OffsetDateTime,
    plan: &mut Plan,
    tally: &mut Tally,
) {
    let subject = AlertSubject {
        customer_id: id,
        customer_name: &seen.customer.name,
        owner: seen.owner.as_deref(),
    };
    for rule in &seen.rules.rules {
        let before = seen.alerts.get(&rule.id);
        let Some(firing) = rule.fire(watch, Some(reference)) else {
            // A resolved alert whose condition cleared may open again later.
            if let Some(cleared) = before.and_then(|a| a.cleared(now)) {
                plan.alerts.push((cleared, before.map(|a| a.version)));
            }
            continue;
        };
        let (alert, outcome) = Alert::apply(before, rule, &subject, &firing, now);
        if outcome == Outcome::Unchanged {
            continue;
        }
        let tells = outcome.tells();
        if tells {
            let event = if outcome == Outcome::Opened {
                tally.opened += 1;
                "alert.opened"
            } else {
                tally.raised += 1;
                "alert.raised"
            };
            plan.activity.push(system_activity(
                now,
                ActivityKind::Alert,
                format!("{} (level {})", rule.name, alert.level),
                ActivityDetail {
                    rule_id: Some(rule.id.clone()),
                    level: Some(alert.level),
                    ..ActivityDetail::default()
                },
            ));
            plan.deliveries
                .extend(new_deliveries(tenant, &seen.hooks, event, &alert, now));
            for action in &rule.actions {
                match action {
                    AutoAction::CollectionTask => {
                        plan.task_ask = Some(TaskAsk {
                            action: DunningAction::Call,
                            reason: rule.name.clone(),
                            rule_id: Some(rule.id.clone()),
                            dunning: None,
                        });
                    }
                    other => plan.follow_ups.push((other.clone(), rule.name.clone())),
                }
            }
        }
        plan.alerts.push((alert, before.map(|a| a.version)));
    }
}

/// Runs the dunning ladder over the open invoices: the steps due today are told (activity,
/// webhooks) and may ask for a hold and a collection task. Returns today's summary (if a
/// step was due) and the steps taken per invoice.
fn run_dunning(
    seen: &Seen,
    tenant: &TenantId,
    today: Date,
    now: OffsetDateTime,
    plan: &mut Plan,
    tally: &mut Tally,
) -> (Option<DunningSummary>, BTreeMap<String, usize>) {
    let taken_before = seen
        .previous
        .as_ref()
        .map(|(_, p)| p.taken.clone())
        .unwrap_or_default();
    let invoices = &seen.state.open_items.invoices;
    let (summary, taken) = seen.ladder.due_today(invoices, today, &taken_before);
    if let Some(summary) = &summary {
        tally.dunning += 1;
        plan.activity.push(system_activity(
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
        plan.deliveries.extend(new_deliveries(
            tenant,
            &seen.hooks,
            "dunning.summary",
            summary,
            now,
        ));
        let state = &seen.state;
        plan.letters.extend(super::letters::from_dunning(
            &seen.customer.id,
            (&state.open_items.invoices, state.currency),
            summary,
            &seen.ladder,
            now,
        ));
        let action = summary.strongest;
        if action == DunningAction::Hold {
            plan.follow_ups
                .push((AutoAction::Hold, "dunning: hold".into()));
        }
        if action != DunningAction::Reminder {
            plan.task_ask = Some(TaskAsk {
                action,
                reason: format!("dunning: {}", action.as_str()),
                rule_id: None,
                dunning: Some(action),
            });
        }
    }
    (summary, taken)
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

/// Raises the customer's one open collection task to what `ask` wants, or opens a new one
/// for a collector (nothing when the open task already says as much, or nobody can take
/// it). A new task is told in the activity.
#[allow(clippy::too_many_arguments)]
async fn ask_for_task(
    store: &Store,
    tenant: &TenantId,
    id: &CustomerId,
    seen: &Seen,
    watch: &Watch,
    ask: TaskAsk,
    now: OffsetDateTime,
    plan: &mut Plan,
) -> Result<(), ApiError> {
    let (action, reason) = (ask.action, ask.reason.as_str());
    let (overdue, days_late) = (watch.overdue, watch.oldest_overdue_days);
    let rank = priority(overdue.amount, days_late, seen.state.assessment.pd.value());
    let tasks = store.customer_tasks(tenant, id, false, 200).await?;
    if let Some(open) = tasks.iter().find(|t| t.status == TaskStatus::Open) {
        let known_rule = ask
            .rule_id
            .as_ref()
            .is_none_or(|r| open.rule_ids.contains(r));
        if open.action >= action && open.priority == rank && known_rule {
            return Ok(());
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
        plan.task = Some((next, Some(open.version)));
        return Ok(());
    }
    let collectors = collectors_with_load(store, tenant).await?;
    let Some(assignee) = assign(action, seen.owner.as_deref(), &collectors) else {
        return Ok(());
    };
    let task = CollectionTask {
        id: format!("{}{}", now.unix_timestamp(), unique()),
        customer_id: id.clone(),
        customer_name: seen.customer.name.clone(),
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
    plan.task = Some((task, None));
    plan.activity.push(system_activity(
        now,
        ActivityKind::TaskOpened,
        format!("{}: {}", ask.action.as_str(), ask.reason),
        ActivityDetail {
            action: Some(ask.action),
            rule_id: ask.rule_id,
            ..ActivityDetail::default()
        },
    ));
    Ok(())
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
        let open = store.open_tasks_of(tenant, &user.username, 1000).await?;
        out.push((user.username.clone(), open.len() as u32));
    }
    Ok(out)
}

/// The watch state to keep (today's figures, the reference, the dunning steps taken), with
/// its wake day: the first day after today on which time
/// alone changes something — an ageing bucket, a rule's or the ladder's next step, a promise
/// falling due, an open invoice crossing one of the model's days-past-due `edges`, or the
/// months since the last invoice reaching one of its dormancy edges (the daily pass
/// re-scores the customer then).
fn next_state(
    seen: &Seen,
    id: &CustomerId,
    (watch, reference): (Watch, Reference),
    (summary, taken): (Option<DunningSummary>, BTreeMap<String, usize>),
    (edges, dormancy): &(Vec<i64>, Vec<u32>),
    today: Date,
) -> WatchState {
    let state = &seen.state;
    let invoices = &state.open_items.invoices;
    let open_promise_wake = seen
        .promises
        .iter()
        .filter(|p| p.status == PromiseStatus::Open)
        .map(|p| add_days(p.date, 1))
        .filter(|d| *d > today);
    let aging_wake = invoices
        .iter()
        .filter(|i| i.open.amount > Decimal::ZERO)
        .flat_map(|i| [1, 31, 61, 91].map(|d| add_days(i.due, d)))
        .filter(|d| *d > today);
    let score_wake = invoices
        .iter()
        .filter(|i| i.open.amount > Decimal::ZERO)
        .flat_map(|i| edges.iter().map(|d| add_days(i.due, *d)))
        .filter(|d| *d > today);
    let dormancy_wake = state
        .last_invoiced
        .into_iter()
        .flat_map(|last| dormancy.iter().map(move |m| months_after(last, *m)))
        .filter(|d| *d > today);
    let wake = seen
        .rules
        .rules
        .iter()
        .filter_map(|r| r.next_wake(&watch, invoices))
        .chain(seen.ladder.next_wake(invoices, today))
        .chain(open_promise_wake)
        .chain(aging_wake)
        .chain(score_wake)
        .chain(dormancy_wake)
        .chain(state.window_edge.filter(|d| *d > today))
        .min();
    let previous = seen.previous.as_ref().map(|(_, p)| p);
    WatchState {
        customer_id: id.clone(),
        watch,
        reference,
        taken,
        last_dunning: summary.or_else(|| previous.and_then(|p| p.last_dunning.clone())),
        wake,
        owner: seen.owner.clone(),
        name: seen.customer.name.clone(),
        pd: state.assessment.pd.value(),
        aging: aging_buckets(invoices, today, state.currency),
        told: previous.and_then(|p| p.told.clone()),
    }
}

/// Writes what the plan changes: promises, alerts, deliveries, the task, the watch state
/// and the activity, each guarded by the version read. DynamoDB takes at most 100 items
/// per transaction; the watch state comes after every change it sums up, so a part that
/// fails leaves it unwritten and the whole evaluation is retried. Returns the
/// transactions made.
async fn write(
    store: &Store,
    tenant: &TenantId,
    id: &CustomerId,
    plan: &Plan,
) -> Result<u32, StoreError> {
    let mut writes = store.watch_writes();
    for (promise, expected) in &plan.promises {
        writes.promise(tenant, promise, Some(*expected))?;
    }
    for (alert, expected) in &plan.alerts {
        writes.alert(tenant, alert, *expected)?;
    }
    for delivery in &plan.deliveries {
        writes.delivery(tenant, delivery, None)?;
    }
    for letter in &plan.letters {
        writes.letter(tenant, letter, None)?;
    }
    for (order, seen) in &plan.orders {
        writes.raw(store.order_put(tenant, order, *seen)?);
    }
    if let Some((task, expected)) = &plan.task {
        writes.task(tenant, task, *expected)?;
    }
    if let Some((state, expected)) = &plan.state {
        writes.watch_state(tenant, id, state, *expected)?;
    }
    for activity in &plan.activity {
        writes.activity(tenant, id, activity)?;
    }
    writes.commit().await
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
