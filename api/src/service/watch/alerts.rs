//! Alerts: the tenant's list (open or resolved, and how many open ones are meant for the
//! reader), a customer's alerts, and acknowledging or resolving one.

use credence_shared::UserId;
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, Alert, AlertAction, AlertChange, AlertEvent, AlertList,
    AlertStatus, AlertUpdate,
};
use credence_shared::{dto::FieldError, messages::code};
use serde::Deserialize;

use super::parse_customer;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::store::StoreError;
use tracing::instrument;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
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
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn alerts(ctx: &Ctx<'_>, who: &Principal, q: AlertQuery) -> Result<AlertList, ApiError> {
    let store = ctx.store;
    policy::require(who, Action::ReadAlerts)?;
    let open = match q.status.as_deref() {
        None | Some("open") => true,
        Some("resolved") => false,
        Some(_) => {
            return Err(ApiError::from(
                FieldError::new("status", code::NOT_ALLOWED, "open or resolved")
                    .with("allowed", "open, resolved"),
            ));
        }
    };
    let open_alerts = store.alerts(&who.tenant, true, true, 2000).await?;
    let mine_open = open_alerts
        .iter()
        .filter(|a| {
            sees(who, a) && a.status == AlertStatus::Open && a.is_for(&who.username, &who.roles)
        })
        .count() as u32;
    let listed = if open {
        open_alerts
    } else {
        store.alerts(&who.tenant, false, true, 500).await?
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
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn customer_alerts(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<AlertList, ApiError> {
    let store = ctx.store;
    policy::require(who, Action::ReadAlerts)?;
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    let items = store.customer_alerts(&who.tenant, &id).await?;
    let mine_open = items
        .iter()
        .filter(|a| a.status == AlertStatus::Open && a.is_for(&who.username, &who.roles))
        .count() as u32;
    Ok(AlertList { items, mine_open })
}

/// `POST /v1/customers/{id}/alerts/{rule}`: acknowledge, or resolve with a note.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn update_alert(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    rule: &str,
    body: AlertUpdate,
) -> Result<Alert, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::HandleAlerts)?;
    let note = body.note.trim();
    if note.chars().count() > 1000 {
        return Err(ApiError::from(
            FieldError::new("note", code::TEXT_TOO_LONG, "at most 1000 characters")
                .with("max", 1000),
        ));
    }
    if body.action == AlertChange::Resolve && note.is_empty() {
        return Err(ApiError::field(
            "note",
            code::NOTE_REQUIRED,
            "say how it was resolved",
        ));
    }
    let valid_rule = !rule.is_empty()
        && rule.len() <= 40
        && rule
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !valid_rule {
        return Err(ApiError::NotFound);
    }
    let (_, alert) = ctx
        .store
        .alert(&who.tenant, &id, rule)
        .await?
        .ok_or(ApiError::NotFound)?;
    if alert.version != body.version {
        return Err(ApiError::stale(format!(
            "the alert changed (version {}); reload",
            alert.version
        )));
    }
    let (status, action) = match body.action {
        AlertChange::Acknowledge if alert.status == AlertStatus::Open => {
            (AlertStatus::Acknowledged, AlertAction::Acknowledged)
        }
        AlertChange::Resolve if alert.status.is_open() => {
            (AlertStatus::Resolved, AlertAction::Resolved)
        }
        _ => {
            return Err(ApiError::conflict(
                code::NOT_APPLICABLE,
                format!("the alert is {:?} already", alert.status),
            ));
        }
    };
    let now = ctx.clock.now();
    let mut next = alert.clone();
    next.status = status;
    next.updated_at = now;
    next.version += 1;
    next.events.push(AlertEvent {
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
    let mut writes = ctx.store.watch_writes();
    writes.alert(&who.tenant, &next, Some(alert.version))?;
    writes.activity(&who.tenant, &id, &activity)?;
    writes.commit().await.map_err(|e| match e {
        StoreError::ConditionFailed => ApiError::stale("the alert changed; reload"),
        e => e.into(),
    })?;
    Ok(next)
}
