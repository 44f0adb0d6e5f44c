//! Collection tasks opened and handed over by hand (the watcher opens its own in
//! `evaluate.rs`; closing one is `collections::task_done`).

use credence_shared::CustomerId;
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, CollectionTask, NewTask, TaskReassign, TaskStatus,
    priority,
};
use credence_shared::{dto::FieldError, messages::code};
use sha2::{Digest, Sha256};
use tracing::instrument;

use super::parse_customer;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::store::StoreError;

/// The task id a key opens (the same key, the same task).
fn task_id_of(key: &str) -> String {
    let digest = Sha256::digest(format!("manual\u{1f}{key}").as_bytes());
    digest[..10].iter().map(|b| format!("{b:02x}")).collect()
}

/// `assignee` when it is the caller or names an active user of the tenant's directory, else
/// the field error.
async fn check_assignee(ctx: &Ctx<'_>, who: &Principal, assignee: &str) -> Result<(), ApiError> {
    if assignee == who.username {
        return Ok(());
    }
    let known = ctx
        .store
        .users(&who.tenant)
        .await?
        .iter()
        .any(|u| u.active && u.username == assignee);
    if known {
        Ok(())
    } else {
        Err(ApiError::field(
            "assignee",
            code::NOT_ALLOWED,
            "name an active user of your organisation",
        ))
    }
}

fn check_text(field: &str, text: &str, required: bool) -> Result<(), ApiError> {
    let n = text.trim().chars().count();
    if (required && n == 0) || n > 500 {
        return Err(ApiError::from(
            FieldError::new(field, code::TEXT_LENGTH, "1 to 500 characters")
                .with("min", usize::from(required))
                .with("max", 500),
        ));
    }
    Ok(())
}

/// `POST /v1/customers/{id}/tasks`: `true` when opened now, `false` when the key had
/// opened it before (the task as it is now is answered).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn open_task(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewTask,
) -> Result<(CollectionTask, bool), ApiError> {
    let id = parse_customer(raw_id)?;
    let customer = crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    if !credence_shared::credit::valid_idempotency_key(&body.idempotency_key) {
        return Err(ApiError::field(
            "idempotency_key",
            code::TEXT_PATTERN,
            "1-128 letters, digits or - _ . : /",
        ));
    }
    check_text("reason", &body.reason, true)?;
    let assignee = body
        .assignee
        .as_deref()
        .map(str::trim)
        .unwrap_or(&who.username)
        .to_owned();
    check_assignee(ctx, who, &assignee).await?;
    let task_id = task_id_of(&body.idempotency_key);
    if let Some((_, task)) = existing(ctx, who, &id, &task_id).await? {
        return Ok((task, false));
    }
    let pd = ctx
        .store
        .get_credit(&who.tenant, &id)
        .await?
        .map(|r| r.state.assessment.pd.value())
        .unwrap_or_default();
    let now = ctx.clock.now();
    let task = CollectionTask {
        id: task_id.clone(),
        customer_id: id.clone(),
        customer_name: customer.name.clone(),
        action: body.action,
        reason: body.reason.trim().to_owned(),
        assignee,
        priority: priority(customer.overdue.amount, customer.oldest_overdue_days, pd),
        overdue: customer.overdue,
        days_late: customer.oldest_overdue_days,
        status: TaskStatus::Open,
        created_at: now,
        note: String::new(),
        version: 1,
        rule_ids: Vec::new(),
        dunning: None,
    };
    let activity = Activity {
        at: now,
        kind: ActivityKind::TaskAssigned,
        by: who.username.clone(),
        text: format!(
            "{}: {} → {}",
            task.action.as_str(),
            task.reason,
            task.assignee
        ),
        detail: ActivityDetail {
            action: Some(task.action),
            ..ActivityDetail::default()
        },
    };
    let mut writes = ctx.store.watch_writes();
    writes.task(&who.tenant, &task, None)?;
    writes.activity(&who.tenant, &id, &activity)?;
    match writes.commit().await {
        Ok(_) => Ok((task, true)),
        // The same key at the same moment: the other call opened it.
        Err(StoreError::ConditionFailed) => existing(ctx, who, &id, &task_id)
            .await?
            .map(|(_, t)| (t, false))
            .ok_or_else(|| ApiError::stale("the task is being opened; try again")),
        Err(e) => Err(e.into()),
    }
}

async fn existing(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    task_id: &str,
) -> Result<Option<(u64, CollectionTask)>, ApiError> {
    Ok(ctx.store.task(&who.tenant, id, task_id).await?)
}

/// The open task `task_id` of customer `id` as read at `version`: 404 when there is none,
/// 409 when it changed since or is done.
pub(super) async fn open_task_at(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    task_id: &str,
    version: u64,
) -> Result<CollectionTask, ApiError> {
    if task_id.is_empty()
        || task_id.len() > 40
        || !task_id.chars().all(|c| c.is_ascii_alphanumeric())
    {
        return Err(ApiError::NotFound);
    }
    let (_, task) = existing(ctx, who, id, task_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if task.version != version {
        return Err(ApiError::stale("the task changed; reload"));
    }
    if task.status == TaskStatus::Done {
        return Err(ApiError::conflict(
            code::NOT_APPLICABLE,
            "the task is done already",
        ));
    }
    Ok(task)
}

/// Writes `next` over the task's version `seen`, with the activity line that says why.
pub(super) async fn write_task(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    next: &CollectionTask,
    seen: u64,
    activity: &Activity,
) -> Result<(), ApiError> {
    let mut writes = ctx.store.watch_writes();
    writes.task(&who.tenant, next, Some(seen))?;
    writes.activity(&who.tenant, id, activity)?;
    writes.commit().await.map_err(|e| match e {
        StoreError::ConditionFailed => ApiError::stale("the task changed; reload"),
        e => e.into(),
    })?;
    Ok(())
}

/// `PUT /v1/customers/{id}/tasks/{task}/assignee`: an open task to another person, over the
/// version read.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn reassign(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    task_id: &str,
    body: TaskReassign,
) -> Result<CollectionTask, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::WorkCollections)?;
    check_text("note", &body.note, false)?;
    let task = open_task_at(ctx, who, &id, task_id, body.version).await?;
    let assignee = body.assignee.trim().to_owned();
    check_assignee(ctx, who, &assignee).await?;
    let now = ctx.clock.now();
    let mut next = task.clone();
    next.assignee = assignee;
    next.version += 1;
    let note = body.note.trim();
    let activity = Activity {
        at: now,
        kind: ActivityKind::TaskAssigned,
        by: who.username.clone(),
        text: format!(
            "{}: {} → {}{}",
            task.action.as_str(),
            task.assignee,
            next.assignee,
            if note.is_empty() {
                String::new()
            } else {
                format!(" ({note})")
            }
        ),
        detail: ActivityDetail {
            action: Some(task.action),
            ..ActivityDetail::default()
        },
    };
    // The task's item moves to the new assignee's worklist in the same write.
    write_task(ctx, who, &id, &next, task.version, &activity).await?;
    Ok(next)
}
