//! The approval-matrix gate on direct credit decisions: which of a decision's changes the
//! tenant's matrix gives to more people than the caller, and the alert an admin's override
//! raises for risk and the approvers (written in the decision's transaction).

use super::Ctx;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::store::credit::CreditState;
use crate::store::watch::WatchWrites;
use credence_shared::Role;
use credence_shared::credit::DecisionRequest;
use credence_shared::dto::CustomerSummary;
use credence_shared::workflow::Change;
use time::Date;

/// The matrix rules a direct decision needs more than `who` for, in words ("Credit up to
/// 1M (risk, then approver)"); empty when `who` alone may take every change it makes.
/// Placing a hold is not routed: it only protects (as the watcher's automatic holds do).
pub(super) async fn matrix_routes(
    ctx: &Ctx<'_>,
    who: &Principal,
    state: &CreditState,
    request: &DecisionRequest,
    as_of: Date,
) -> Result<Vec<String>, ApiError> {
    let mut changes = Vec::new();
    if let Some(limit) = request.limit {
        changes.push(Change::Limit { limit });
    }
    if let (Some(limit), Some(until)) = (request.temporary_limit, request.temporary_until) {
        changes.push(Change::TemporaryLimit { limit, until });
    }
    if let Some(terms_days) = request.terms_days {
        changes.push(Change::TermsChange { terms_days });
    }
    if request.on_hold == Some(false) && state.decision.on_hold {
        changes.push(Change::HoldRelease);
    }
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    let matrix = super::tenant::matrix(ctx.store, &who.tenant).await?;
    let current = state
        .decision
        .effective_file(&state.recommendation, as_of)
        .limit
        .amount;
    let grade = Some(state.assessment.grade);
    Ok(changes
        .iter()
        .filter_map(|change| {
            let kind = change.kind(Some(current));
            let rule = matrix.route(kind, change.amount().map(|m| m.amount), grade);
            let alone = rule.steps.len() == 1 && who.roles.contains(&rule.steps[0].role);
            (!alone).then(|| {
                let roles: Vec<&str> = rule.steps.iter().map(|s| s.role.as_str()).collect();
                format!("'{}' ({})", rule.name, roles.join(", then "))
            })
        })
        .collect())
}

/// The rule id of the alert an admin's override raises.
pub const OVERRIDE_ALERT: &str = "credit_override";

/// The alert that tells risk and the approvers of an admin's override (opened, or raised
/// again on an open one), as writes for the decision's transaction.
pub(super) async fn override_alert<'a>(
    ctx: &Ctx<'a>,
    who: &Principal,
    customer: &CustomerSummary,
    routed: &[String],
    reason: &str,
) -> Result<WatchWrites<'a>, ApiError> {
    use credence_shared::watch::{Alert, AlertAction, AlertEvent, AlertStatus, Figure, Severity};
    let now = ctx.clock.now();
    let existing = ctx
        .store
        .alert(&who.tenant, &customer.id, OVERRIDE_ALERT)
        .await?;
    let event = |action, level| AlertEvent {
        at: now,
        action,
        by: who.username.clone(),
        level,
        note: reason.to_owned(),
    };
    let figures = vec![Figure {
        name: "bypassed_rules".into(),
        value: routed.join("; "),
    }];
    let (alert, expected) = match existing {
        Some((version, mut alert)) => {
            let action = if alert.status.is_open() {
                AlertAction::Raised
            } else {
                AlertAction::Reopened
            };
            alert.level = alert.level.saturating_add(1);
            alert.status = AlertStatus::Open;
            alert.updated_at = now;
            alert.figures = figures;
            alert.events.push(event(action, alert.level));
            alert.version = version + 1;
            (alert, Some(version))
        }
        None => (
            Alert {
                customer_id: customer.id.clone(),
                customer_name: customer.name.clone(),
                rule_id: OVERRIDE_ALERT.into(),
                rule_name: "Credit decision overridden by an admin".into(),
                severity: Severity::High,
                level: 1,
                figures,
                owner: None,
                notify: vec![Role::Risk, Role::Approver],
                status: AlertStatus::Open,
                opened_at: now,
                updated_at: now,
                events: vec![event(AlertAction::Opened, 1)],
                version: 1,
            },
            None,
        ),
    };
    let mut writes = ctx.store.watch_writes();
    writes.alert(&who.tenant, &alert, expected)?;
    Ok(writes)
}
