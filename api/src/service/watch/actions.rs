//! The watcher's automatic actions on a credit file: a hold or a prepayment share through
//! a guarded credit write, a limit cut filed as a request. Taken as `system`.

use credence_shared::engine::quantity::Share;
use credence_shared::watch::AutoAction;
use credence_shared::workflow::{Change, NewRequest};
use credence_shared::{CustomerId, Money, Role, TenantId, UserId};
use rust_decimal::Decimal;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::service::{Ctx, workflow as wf};
use credence_shared::messages::code;

/// The principal automatic actions are taken as (named `system` in the audit trail).
pub(crate) fn system(tenant: &TenantId) -> Principal {
    Principal {
        user_id: UserId::parse("system").expect("a valid user id"),
        username: "system".into(),
        tenant: tenant.clone(),
        roles: vec![Role::Risk],
        scopes: Vec::new(),
        withheld: Vec::new(),
    }
}

/// How often an automatic action is tried against a credit file that keeps changing.
const RACE_TRIES: usize = 5;

/// The error of an action that lost every race: the pass counts the customer as failed.
fn lost_race(id: &CustomerId, why: &str) -> ApiError {
    ApiError::Internal(anyhow::anyhow!(
        "the automatic action ({why}) on {id} lost {RACE_TRIES} version races; retried next pass"
    ))
}

/// Takes the automatic actions the rules and the ladder asked for, in order. Returns the
/// DynamoDB requests made.
pub(super) async fn take_actions(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
    follow_ups: Vec<(AutoAction, String)>,
) -> Result<u32, ApiError> {
    let mut requests = 0;
    for (action, why) in follow_ups {
        requests += take_action(ctx, tenant, id, &action, &why).await?;
    }
    Ok(requests)
}

/// Takes an automatic action on the credit file (hold, prepayment) or files a limit cut.
/// Returns the DynamoDB requests made. Nothing happens when the file already says as much.
async fn take_action(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    id: &CustomerId,
    action: &AutoAction,
    why: &str,
) -> Result<u32, ApiError> {
    let who = system(tenant);
    let reason = format!("automatic: {why}");
    match action {
        AutoAction::Hold | AutoAction::RequirePrepayment { .. } => {
            for _ in 0..RACE_TRIES {
                let Some(record) = ctx.store.get_credit(tenant, id).await? else {
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
                match wf::apply_decision(ctx, &who, id, &record, decision, &reason).await {
                    Ok(()) => return Ok(4),
                    Err(ApiError::Conflict { .. }) => continue,
                    Err(e) => return Err(e),
                }
            }
            // Never dropped: the customer fails this pass, stays in the wake index and
            // the next pass takes the action again.
            Err(lost_race(id, why))
        }
        AutoAction::ProposeLimitCut { by_share } => {
            let Some(record) = ctx.store.get_credit(tenant, id).await? else {
                return Ok(1);
            };
            let file = record
                .state
                .decision
                .effective_file(&record.state.recommendation, ctx.clock.today());
            let cut = (file.limit.amount * (Decimal::ONE - *by_share)).round_dp(0);
            if cut >= file.limit.amount {
                return Ok(1);
            }
            let body = NewRequest {
                change: Change::Limit {
                    limit: Money::new(cut, file.limit.currency),
                },
                justification: reason,
                idempotency_key: None,
            };
            for _ in 0..RACE_TRIES {
                match wf::file(ctx, &who, id.as_str(), body.clone()).await {
                    // Lost a version race: file it again on the new version.
                    Err(ApiError::Conflict { code, .. }) if code == code::VERSION_CONFLICT => {
                        continue;
                    }
                    // Filed, or a cut is already waiting (same kind), or not applicable.
                    Ok(_) | Err(ApiError::Conflict { .. }) | Err(ApiError::Validation(_)) => {
                        return Ok(5);
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(lost_race(id, why))
        }
        AutoAction::CollectionTask => Ok(0),
    }
}
