//! Champion / challenger (`/v1/lab/challengers`): an admin starts a challenger — a model and
//! policy, usually fitted in the lab — on all customers or a random share of them; from then
//! on every recompute of a credit file in the share also scores it with the challenger and
//! keeps that beside the file, never deciding on it (`credit::compute_state`). Starting or
//! stopping writes a fresh re-grade job in the same transaction as the challenger and its
//! audit entry, so every file of the share gets its shadow score by the next morning (the
//! admin page and the daily pass run the job), and a stopped challenger's scores are taken
//! off. The comparison scores both as of the day the challenger started, on the share, and
//! judges them by the outcomes that have arrived since, page by page like the lab's sample.

use credence_shared::credit::RegradeJob;
use credence_shared::engine::assess;
use credence_shared::lab::challenger::{
    Challenger, ChallengerEnd, ComparisonPage, ComparisonRequest, ComparisonRow, StartChallenger,
};
use credence_shared::messages::code;
use credence_shared::workflow::{AuditEntity, EngineVersion};
use futures_util::StreamExt;
use rust_decimal::prelude::ToPrimitive;

use credence_shared::engine::{Facts, Policy, ScorecardModel, recommend};
use credence_shared::lab::challenger::Shadow;

use super::Ctx;
use super::credit::CreditEngine;
use super::lab::{Observed, Window, observe_by};
use super::tenant::{self, audit, engine_of, reason_ok};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::store::StoreError;

/// A running challenger's model and policy, parsed (held by the engine in force).
pub struct ChallengerEngine {
    pub challenger: Challenger,
    pub model: ScorecardModel,
    pub policy: Policy,
}

impl CreditEngine {
    /// The challenger that scores the customer keyed `key` in shadow, if any.
    pub fn challenger_of(&self, key: &str) -> Option<&ChallengerEngine> {
        self.challenger
            .as_deref()
            .filter(|c| c.challenger.scores(key))
    }

    /// Whether a file of the customer keyed `key` carries the shadow this engine gives it
    /// (a challenger's, or none).
    pub fn shadow_current(&self, key: &str, shadow: Option<&Shadow>) -> bool {
        self.challenger_of(key).map(|c| c.challenger.id) == shadow.map(|s| s.challenger)
    }

    /// The running challenger's id (a re-grade is for one engine and one challenger).
    pub fn challenger_id(&self) -> Option<u32> {
        self.challenger.as_ref().map(|c| c.challenger.id)
    }
}

/// The challenger's score of the customer keyed `key` on the facts the engine in force just
/// scored: never decided on; none outside its share, and none when it cannot recommend.
pub fn shadow_of(engine: &CreditEngine, key: &str, facts: &Facts) -> Option<Shadow> {
    let c = engine.challenger_of(key)?;
    let assessment = assess(facts, &c.model);
    let recommendation = recommend(&assessment, facts, &c.policy).ok()?;
    Some(Shadow {
        challenger: c.challenger.id,
        score: assessment.score,
        grade: recommendation.grade,
        pd: assessment.pd,
        limit: recommendation.limit.amount,
    })
}

/// `GET /v1/lab/challengers`: the running challenger, or the last one (none before the first).
pub async fn current(ctx: &Ctx<'_>, who: &Principal) -> Result<Option<Challenger>, ApiError> {
    policy::require(who, Action::UseScoringLab)?;
    Ok(ctx.store.challenger(&who.tenant).await?.map(|(_, c)| c))
}

/// `POST /v1/lab/challengers`: starts a challenger (a running one stops in its favour).
pub async fn start(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: StartChallenger,
) -> Result<Challenger, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let reason = reason_ok(&body.reason)?.to_owned();
    if !(1..=100).contains(&body.share_percent) {
        return Err(ApiError::field(
            "share_percent",
            code::INVALID_VALUE,
            "from 1 to 100 percent of the customers",
        ));
    }
    // The same checks as a version about to be published.
    engine_of(&EngineVersion {
        version: 0,
        model: body.model.clone(),
        policy: body.policy.clone(),
        published_by: who.username.clone(),
        published_at: ctx.clock.now(),
        reason: String::new(),
        active: false,
        has_report: false,
    })
    .map_err(ApiError::Validation)?;
    let tenant = &who.tenant;
    let before = ctx.store.challenger(tenant).await?;
    let now = ctx.clock.now();
    let challenger = Challenger {
        id: before.as_ref().map_or(1, |(_, c)| c.id + 1),
        model: body.model,
        policy: body.policy,
        share_percent: body.share_percent,
        reason: reason.clone(),
        started_by: who.username.clone(),
        started_at: now,
        started_on: ctx.clock.today(),
        ended: None,
    };
    let shown = |c: &Challenger| {
        serde_json::json!({
            "challenger": c.id,
            "model": c.model.get("id").zip(c.model.get("version")),
            "policy": c.policy.get("id").zip(c.policy.get("version")),
            "share_percent": c.share_percent,
        })
    };
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::Model,
        format!("challenger-{}", challenger.id),
        None,
        "start-challenger",
        before
            .as_ref()
            .filter(|(_, c)| c.is_running())
            .map(|(_, c)| shown(c)),
        Some(shown(&challenger)),
        &reason,
    );
    write(ctx, who, &challenger, before.map_or(0, |(v, _)| v), entry).await?;
    Ok(challenger)
}

/// `POST /v1/lab/challengers/stop`: stops the running challenger; its shadow scores are
/// taken off the files by the re-grade.
pub async fn stop(ctx: &Ctx<'_>, who: &Principal, reason: &str) -> Result<Challenger, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let reason = reason_ok(reason)?;
    let Some((version, mut challenger)) = ctx.store.challenger(&who.tenant).await? else {
        return Err(ApiError::NotFound);
    };
    if !challenger.is_running() {
        return Err(ApiError::conflict(
            code::NOT_APPLICABLE,
            format!("challenger {} has stopped already", challenger.id),
        ));
    }
    challenger.ended = Some(ChallengerEnd {
        by: who.username.clone(),
        at: ctx.clock.now(),
        reason: reason.to_owned(),
        promoted_to: None,
    });
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::Model,
        format!("challenger-{}", challenger.id),
        None,
        "stop-challenger",
        Some(serde_json::json!({ "challenger": challenger.id })),
        None,
        reason,
    );
    write(ctx, who, &challenger, version, entry).await?;
    Ok(challenger)
}

/// The challenger, a fresh re-grade job for it (over the last job) and the audit entry, in
/// one transaction over the versions read.
async fn write(
    ctx: &Ctx<'_>,
    who: &Principal,
    challenger: &Challenger,
    replaces: u64,
    entry: credence_shared::workflow::AuditEntry,
) -> Result<(), ApiError> {
    let tenant = &who.tenant;
    let engine_version = ctx
        .store
        .engine_pointer(tenant)
        .await?
        .map_or(0, |p| p.engine_version);
    let job = ctx.store.regrade_job(tenant).await?;
    let items = vec![
        ctx.store.challenger_write(tenant, challenger, replaces)?,
        ctx.store.regrade_job_write(
            tenant,
            &RegradeJob {
                engine_version,
                challenger: challenger.is_running().then_some(challenger.id),
                started_at: ctx.clock.now(),
                done: 0,
                recomputed: 0,
                changed: 0,
                cursor: None,
                finished: false,
            },
            job.map_or(0, |(v, _)| v),
        )?,
        ctx.store.audit_write(tenant, &entry)?,
    ];
    match ctx.store.transact(items).await {
        Ok(()) => {
            ctx.engines.invalidate(tenant);
            Ok(())
        }
        Err(StoreError::ConditionFailed) => Err(ApiError::stale(
            "the challenger or the re-grade changed meanwhile; read them again",
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /v1/lab/challengers/comparison`: the next page of customers of the challenger's
/// share, each scored by the engine in force and by the challenger as of the day it
/// started, with whether it went bad since (by the ledger, or by the imported outcomes); and
/// how many stored files the two grade alike.
pub async fn comparison(
    ctx: &Ctx<'_>,
    who: &Principal,
    request: ComparisonRequest,
) -> Result<ComparisonPage, ApiError> {
    policy::require(who, Action::UseScoringLab)?;
    if !(1..=3650).contains(&request.bad_dpd_days) {
        return Err(ApiError::field(
            "bad_dpd_days",
            code::INVALID_VALUE,
            "from 1 to 3650 days",
        ));
    }
    let tenant = &who.tenant;
    let Some((_, challenger)) = ctx.store.challenger(tenant).await? else {
        return Err(ApiError::NotFound);
    };
    let engine = ctx.engine(tenant).await?;
    let candidate = tenant::engine_of(&EngineVersion {
        version: 0,
        model: challenger.model.clone(),
        policy: challenger.policy.clone(),
        published_by: challenger.started_by.clone(),
        published_at: challenger.started_at,
        reason: String::new(),
        active: false,
        has_report: false,
    })
    .map_err(|e| StoreError::Corrupt(format!("challenger {}: {e:?}", challenger.id)))?;
    let today = ctx.clock.today();
    let days = (today - challenger.started_on).whole_days().max(0);
    let window = Window {
        observed_on: challenger.started_on,
        end: today,
        // Whole months since the start, at least one: went_bad looks that far back from today.
        months: u32::try_from(days / 30 + 1).unwrap_or(u32::MAX),
        bad_dpd_days: u32::from(request.bad_dpd_days),
    };
    let page =
        super::regrade::customer_page(ctx, tenant, request.cursor.as_deref(), super::lab::PAGE)
            .await?;
    let mut out = ComparisonPage::empty(challenger.id, challenger.started_on);
    let next_cursor = page.next_cursor;
    let share: Vec<_> = page
        .items
        .into_iter()
        .filter(|c| challenger.scores(c.id.as_str()))
        .collect();
    let mut files = std::pin::pin!(super::regrade::files_of(ctx, tenant, share));
    while let Some((customer, file)) = files.next().await.transpose()? {
        let Some((record, entries)) = file else {
            continue;
        };
        if let Some(shadow) = record
            .state
            .shadow
            .filter(|s| s.challenger == challenger.id)
        {
            if shadow.grade == record.state.recommendation.grade {
                out.same_grade += 1;
            } else {
                out.other_grade += 1;
            }
        }
        let seen = (&customer, &record.state, entries.as_slice());
        let observed =
            observe_by(ctx, tenant, &engine, seen, &window, request.outcome_source).await?;
        match observed {
            Observed::TooNew | Observed::AlreadyBad => out.not_judged += 1,
            Observed::Seen { facts, bad } => {
                let score = |m: &credence_shared::engine::ScorecardModel| {
                    assess(&facts, m).score.round().to_i64().unwrap_or_default()
                };
                out.rows.push(ComparisonRow {
                    champion: score(&engine.model),
                    challenger: score(&candidate.model),
                    bad,
                });
            }
        }
    }
    out.next_cursor = next_cursor;
    Ok(out)
}
