//! A challenger's promotion: risk or an admin asks, through the approval matrix (kind
//! `model_promotion`), that the running challenger's model and policy be put in force. The
//! request lives in the lab's request partition and walks the same state machine, inbox,
//! SLAs and audit trail as any other. Its final approval publishes the challenger as a new
//! engine version — the version, the engine pointer, a fresh re-grade of the portfolio, the
//! challenger marked promoted, the request and the audit entries in one transaction over
//! everything read — or, when the challenger stopped meanwhile, returns it to the requester.

use super::{
    ApiErrorOr, Ctx,
    acting::{recheck_entry, write_request},
    request_writes,
    subjects::file_new,
    validation,
};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::tenant::{self, audit, engine_audit},
    store::{StoreError, workflow::WorkflowWrite},
};
use credence_shared::{
    Currency,
    credit::RegradeJob,
    lab::challenger::{Challenger, ChallengerEnd},
    messages::code,
    workflow::{
        AuditEntity, AuditEntry, Change, CreditRequest, EngineVersion, Evidence, NewRequest,
        RequestKind, Subject, validate_justification,
    },
};
use serde::{Deserialize, Serialize};

/// `POST /v1/lab/challengers/promotion`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PromotionRequest {
    pub justification: String,
}

/// What a reviewer of a promotion sees: the challenger's item version (a stopped or
/// replaced challenger is a changed one); no figures, the lab's comparison is the evidence.
pub(super) fn challenger_evidence(version: u64, currency: Currency) -> Evidence {
    Evidence {
        credit_version: version,
        ..super::subjects::party_evidence(currency, false)
    }
}

/// How a promotion names its subject in lists and inboxes.
pub(super) fn challenger_name(challenger: &Challenger) -> String {
    let model = challenger
        .model
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("model");
    format!("challenger {} ({model})", challenger.id)
}

/// A promotion asks only for the challenger it was filed on.
pub(super) fn promotion_change(change: &Change, id: u32) -> Result<(), ApiError> {
    match change {
        Change::PromoteChallenger { challenger } if *challenger == id => Ok(()),
        _ => Err(ApiError::from(
            credence_shared::dto::FieldError::new(
                "change.type",
                code::CHANGE_NOT_FOR_SUBJECT,
                "a challenger's request promotes it (type promote_challenger)",
            )
            .with("allowed", "promote_challenger"),
        )),
    }
}

/// `POST /v1/lab/challengers/promotion` (risk, admin): files the running challenger's
/// promotion, routed by the approval matrix.
pub async fn file_promotion(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: PromotionRequest,
) -> Result<CreditRequest, ApiError> {
    policy::require(who, Action::UseScoringLab)?;
    validate_justification("justification", &body.justification).map_err(validation)?;
    let tenant = &who.tenant;
    let Some((version, challenger)) = ctx
        .store
        .challenger(tenant)
        .await?
        .filter(|(_, c)| c.is_running())
    else {
        return Err(ApiError::conflict(
            code::NOT_APPLICABLE,
            "no challenger runs: start one in the scoring lab first",
        ));
    };
    let currency = ctx.engine(tenant).await?.policy.currency();
    let subject = Subject::Challenger {
        challenger: challenger.id,
    };
    let request = NewRequest {
        change: Change::PromoteChallenger {
            challenger: challenger.id,
        },
        justification: body.justification,
        idempotency_key: None,
    };
    let kind = RequestKind::ModelPromotion;
    let rule_of =
        |matrix: &credence_shared::workflow::ApprovalMatrix| matrix.route(kind, None, None).clone();
    let evidence = challenger_evidence(version, currency);
    let name = challenger_name(&challenger);
    file_new(ctx, who, subject, name, request, kind, evidence, rule_of).await
}

/// The last approval of a promotion: the challenger in force as a new engine version, or the
/// request returned when it stopped meanwhile.
pub(super) async fn apply_promotion(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: Option<&(u64, Challenger)>,
    request: &mut CreditRequest,
    seen: u64,
    mut entries: Vec<AuditEntry>,
) -> Result<(), ApiErrorOr> {
    let now = ctx.clock.now();
    let Change::PromoteChallenger { challenger: id } = request.change else {
        return Err(ApiError::conflict(code::NOT_APPLICABLE, "not a promotion").into());
    };
    let Some((item_version, challenger)) = read.filter(|(_, c)| c.id == id && c.is_running())
    else {
        let why = format!("no longer applicable: challenger {id} has stopped");
        request.bounce(&why, now);
        entries.push(recheck_entry(who, ctx.clock, request, &why));
        return Ok(write_request(ctx, who, request, seen, entries).await?);
    };
    let tenant = &who.tenant;
    let versions = ctx
        .store
        .engine_versions(tenant)
        .await
        .map_err(ApiError::from)?;
    let pointer = ctx
        .store
        .engine_pointer(tenant)
        .await
        .map_err(ApiError::from)?;
    let job = ctx
        .store
        .regrade_job(tenant)
        .await
        .map_err(ApiError::from)?;
    let reason = format!(
        "challenger {id} promoted by request {}: {}",
        request.id, request.justification
    );
    let version = EngineVersion {
        version: versions.last().map_or(0, |v| v.version) + 1,
        model: challenger.model.clone(),
        policy: challenger.policy.clone(),
        published_by: who.username.clone(),
        published_at: now,
        reason: reason.clone(),
        active: true,
        has_report: false,
    };
    tenant::engine_of(&version).map_err(ApiError::Validation)?;
    let mut promoted = challenger.clone();
    promoted.ended = Some(ChallengerEnd {
        by: who.username.clone(),
        at: now,
        reason: format!("promoted by request {}", request.id),
        promoted_to: Some(version.version),
    });
    request.applied(&who.username, "", now);
    let before = pointer.map_or(0, |p| p.engine_version);
    entries.push(engine_audit(
        who, ctx.clock, &version, before, true, &reason,
    ));
    entries.push(audit(
        who,
        ctx.clock,
        AuditEntity::Model,
        format!("challenger-{id}"),
        None,
        "promote-challenger",
        Some(serde_json::json!({ "challenger": id })),
        Some(serde_json::json!({ "engine_version": version.version })),
        &reason,
    ));
    let mut writes = request_writes(request, seen, entries);
    writes.extend([
        WorkflowWrite::EnginePointer {
            version: version.version,
            read: pointer,
        },
        WorkflowWrite::Regrade {
            job: RegradeJob {
                engine_version: version.version,
                challenger: None,
                started_at: now,
                done: 0,
                recomputed: 0,
                changed: 0,
                cursor: None,
                finished: false,
            },
            replaces: job.map_or(0, |(v, _)| v),
        },
        WorkflowWrite::Challenger {
            challenger: Box::new(promoted),
            replaces: *item_version,
        },
        WorkflowWrite::EngineVersion(Box::new(version)),
    ]);
    match ctx.store.commit_workflow(tenant, writes).await {
        Ok(()) => {
            ctx.engines.invalidate(tenant);
            Ok(())
        }
        Err(StoreError::ConditionFailed) => Err(ApiErrorOr::Retry),
        Err(e) => Err(ApiError::from(e).into()),
    }
}
