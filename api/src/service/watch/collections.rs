//! Collections: the worklist and closing a task, promises to pay, notes, external
//! signals, and a customer's collections view (aging, promises, tasks, alerts, activity).

use credence_shared::Money;
use credence_shared::UserId;
use credence_shared::bounds::DateWindow;
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, CollectionTask, CollectionsView, NewNote, NewPromise,
    NewSignal, Promise, PromiseStatus, TaskStatus, TaskUpdate, Worklist, aging_buckets,
};
use credence_shared::{dto::FieldError, messages::code};
use serde::Deserialize;

use super::evaluate::evaluate;
use super::{parse_customer, unique};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::store::StoreError;
use crate::store::watch::StoredSignal;
use tracing::instrument;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorklistQuery {
    /// Whose worklist (default: mine). Risk, finance and admins may look at anyone's.
    pub assignee: Option<String>,
}

/// `GET /v1/worklist`: open tasks, highest priority first.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn worklist(
    ctx: &Ctx<'_>,
    who: &Principal,
    q: WorklistQuery,
) -> Result<Worklist, ApiError> {
    let store = ctx.store;
    policy::require(who, Action::WorkCollections)?;
    let assignee = match q.assignee.as_deref().map(str::trim) {
        None | Some("") => who.username.clone(),
        Some(other) if other == who.username => other.to_owned(),
        Some(other) => {
            policy::require(who, Action::ReadKpis)?;
            if UserId::parse(other).is_err() {
                return Err(ApiError::field(
                    "assignee",
                    code::USER_UNKNOWN,
                    "not a user name",
                ));
            }
            other.to_owned()
        }
    };
    let mut items = store.open_tasks_of(&who.tenant, &assignee, 1000).await?;
    items.retain(|t| t.status == TaskStatus::Open);
    items.sort_by(|a, b| {
        b.priority
            .cmp(&a.priority)
            .then(a.created_at.cmp(&b.created_at))
    });
    Ok(Worklist { items })
}

/// `POST /v1/customers/{id}/tasks/{task}/done`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn task_done(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    task_id: &str,
    body: TaskUpdate,
) -> Result<CollectionTask, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let note = body.note.trim();
    if note.is_empty() || note.chars().count() > 1000 {
        return Err(ApiError::from(
            FieldError::new(
                "note",
                code::NOTE_REQUIRED,
                "say what was done (at most 1000 characters)",
            )
            .with("max", 1000),
        ));
    }
    let task = super::tasks::open_task_at(ctx, who, &id, task_id, body.version).await?;
    let now = ctx.clock.now();
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
    super::tasks::write_task(ctx, who, &id, &next, task.version, &activity).await?;
    Ok(next)
}

/// `POST /v1/customers/{id}/promises`: a promise to pay, watched from then on. Replays are
/// no-ops: a promise sent again with the key it was recorded under answers the stored one
/// and `false` (nothing written).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn add_promise(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewPromise,
) -> Result<(Promise, bool), ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let record = ctx
        .store
        .get_credit(&who.tenant, &id)
        .await?
        .ok_or_else(|| {
            ApiError::field(
                "amount",
                code::CUSTOMER_NO_ACCOUNT,
                "the customer has no account yet",
            )
        })?;
    let today = ctx.clock.today();
    body.validate(today, record.state.currency)
        .map_err(ApiError::Validation)?;
    let key = body.idempotency_key.as_str();
    if let Some(seen) = ctx.store.promise_by_key(&who.tenant, &id, key).await? {
        return Ok((seen, false));
    }
    let now = ctx.clock.now();
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
    let mut writes = ctx.store.watch_writes();
    writes.new_promise(&who.tenant, &promise, key)?;
    writes.activity(&who.tenant, &id, &activity)?;
    match writes.commit().await {
        Ok(_) => {}
        // The same promise sent twice at once: the other request recorded it.
        Err(StoreError::ConditionFailed) => {
            let seen = ctx.store.promise_by_key(&who.tenant, &id, key).await?;
            return seen.map(|p| (p, false)).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("promise key {key} failed its condition"))
            });
        }
        Err(e) => return Err(e.into()),
    }
    // So the daily pass looks at it again the day after it falls due.
    evaluate(ctx, &who.tenant, &id).await?;
    Ok((promise, true))
}

/// `POST /v1/customers/{id}/notes`. `true` when new, `false` when its key was seen.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn add_note(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewNote,
) -> Result<(Activity, bool), ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let text = FieldError::required_text(
        "text",
        &body.text,
        2000,
        "write a note of at most 2000 characters",
    )?;
    let key = body.idempotency_key.as_deref();
    if let Some(key) = key {
        if !credence_shared::credit::valid_idempotency_key(key) {
            return Err(ApiError::Validation(vec![key_pattern_error()]));
        }
        if let Some(seen) = ctx.store.note_by_key(&who.tenant, &id, key).await? {
            return Ok((seen, false));
        }
    }
    let activity = Activity {
        at: ctx.clock.now(),
        kind: ActivityKind::Note,
        by: who.username.clone(),
        text: text.to_owned(),
        detail: ActivityDetail::default(),
    };
    let mut writes = ctx.store.watch_writes();
    match key {
        Some(key) => writes.new_note(&who.tenant, &id, &activity, key)?,
        None => writes.activity(&who.tenant, &id, &activity)?,
    }
    match (writes.commit().await, key) {
        (Ok(_), _) => Ok((activity, true)),
        // The same note sent twice at once: the other request recorded it.
        (Err(StoreError::ConditionFailed), Some(key)) => ctx
            .store
            .note_by_key(&who.tenant, &id, key)
            .await?
            .map(|seen| (seen, false))
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("note key {key} failed its condition"))
            }),
        (Err(e), _) => Err(e.into()),
    }
}

/// `POST /v1/customers/{id}/signals`. `true` when new, `false` when its key was seen.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn add_signal(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewSignal,
) -> Result<bool, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::RecordSignals)?;
    let key_ok = credence_shared::credit::valid_idempotency_key(&body.idempotency_key);
    let mut errors = Vec::new();
    if !key_ok {
        errors.push(key_pattern_error());
    }
    if body.date > ctx.clock.today() {
        errors.push(field_error(
            "date",
            code::DATE_FUTURE,
            "a signal cannot be dated in the future",
        ));
    } else if let Err(e) = DateWindow::until_today(ctx.clock.today()).check(body.date) {
        errors.push(e.at("date"));
    }
    if let Err(e) = FieldError::required_text(
        "source",
        &body.source,
        200,
        "name the source (at most 200 characters)",
    ) {
        errors.push(e);
    }
    if body
        .checked_on
        .is_some_and(|c| c > ctx.clock.today() || c < body.date)
    {
        errors.push(field_error(
            "checked_on",
            code::DATE_ORDER,
            "the source is checked on or after the signal's date, and not in the future",
        ));
    }
    let fact = match body.fact() {
        Ok(fact) => Some(fact),
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let Some(fact) = fact.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let checked_on = body.checked_on.unwrap_or(body.date);
    let stored = StoredSignal {
        signal: body.clone(),
        recorded_by: who.username.clone(),
        recorded_at: ctx.clock.now(),
    };
    let activity = Activity {
        at: ctx.clock.now(),
        kind: ActivityKind::Signal,
        by: who.username.clone(),
        text: format!("{:?} ({}): {}", body.kind, body.source, body.summary),
        detail: ActivityDetail {
            date: Some(body.date),
            signal: Some(body.kind),
            ..ActivityDetail::default()
        },
    };
    let engine = ctx.engine(&who.tenant).await?;
    // The signal, its activity and the credit file recomputed with it: one transaction,
    // tried again when someone else changed the file meanwhile.
    for attempt in 0.. {
        let existing = ctx.store.signal(&who.tenant, &id, &fact.key).await?;
        if existing
            .as_ref()
            .is_some_and(|(_, s)| same_signal(&s.signal, &body))
        {
            return Ok(false);
        }
        let record = crate::service::credit::load_or_init(ctx, &engine, who, &id).await?;
        let mut evidence = record.state.evidence.clone();
        evidence.record(fact.clone(), checked_on, ctx.clock.today());
        let written = crate::service::rescore::recompute_with(
            ctx,
            &who.tenant,
            &id,
            &record,
            evidence,
            "signal recorded",
            |write| {
                let version = existing.as_ref().map(|(v, _)| *v);
                write.extra.push(ctx.store.signal_write(
                    &who.tenant,
                    &id,
                    &fact.key,
                    &stored,
                    version,
                )?);
                let mut writes = ctx.store.watch_writes();
                writes.activity(&who.tenant, &id, &activity)?;
                write.extra.extend(writes.into_items());
                Ok(())
            },
        )
        .await;
        match written {
            Ok(_) => break,
            Err(ApiError::Conflict { .. }) if attempt < 3 => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// The same signal posted again (under any idempotency key, recorded by anyone).
fn same_signal(a: &NewSignal, b: &NewSignal) -> bool {
    NewSignal {
        idempotency_key: String::new(),
        ..a.clone()
    } == NewSignal {
        idempotency_key: String::new(),
        ..b.clone()
    }
}

/// An idempotency key that is not 1-128 letters, digits or `- _ . : /`.
pub(crate) fn key_pattern_error() -> credence_shared::dto::FieldError {
    field_error(
        "idempotency_key",
        code::TEXT_PATTERN,
        "1-128 letters, digits or - _ . : /",
    )
    .with("min", 1)
    .with("max", 128)
    .with("allowed", "A-Z a-z 0-9 - _ . : /")
}

fn field_error(field: &str, code: &str, message: &str) -> credence_shared::dto::FieldError {
    credence_shared::dto::FieldError::new(field, code, message)
}

/// `GET /v1/customers/{id}/collections`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn collections(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<CollectionsView, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    let (store, tenant) = (ctx.store, &who.tenant);
    let today = ctx.clock.today();
    let aging = match store.get_credit(tenant, &id).await? {
        Some(r) => aging_buckets(&r.state.open_items.invoices, today, r.state.currency),
        None => Vec::new(),
    };
    let mut promises = store.promises(tenant, &id, true, 50).await?;
    promises.sort_by(|a, b| b.made_on.cmp(&a.made_on).then(b.date.cmp(&a.date)));
    let tasks = store.customer_tasks(tenant, &id, true, 50).await?;
    let alerts = store.customer_alerts(tenant, &id).await?;
    let activity = store.activity(tenant, &id, 50).await?;
    let last_dunning = store
        .watch_state(tenant, &id)
        .await?
        .and_then(|(_, w)| w.last_dunning);
    let view = CollectionsView {
        customer_id: id,
        aging,
        promises,
        tasks,
        alerts,
        activity,
        last_dunning,
    };
    Ok(crate::service::projection::collections_for(who, view))
}
