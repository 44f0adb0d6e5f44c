//! Tenant configuration: the tenant documents (approval matrix, custom application fields,
//! warning rules, dunning ladder, webhooks — one generic path for all), the engine (scorecard
//! model + credit policy) versions in force and the users' roles. Every change is guarded by
//! the version it replaces and recorded in the audit trail in the same transaction. Tenants
//! without their own configuration use the shipped defaults.

use crate::service::Ctx;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    clock::Clock,
    error::ApiError,
    service::credit::CreditEngine,
    store::{Store, StoreError, documents},
};
use credence_shared::messages::code;
use credence_shared::{
    TenantId,
    document::TenantDocument,
    dto::FieldError,
    engine::{Policy, ScorecardModel},
    workflow::{
        ApprovalMatrix, AuditEntity, AuditEntry, EngineInForce, EngineVersion, FieldSet,
        PublishEngine, Versioned,
    },
};
use serde::Serialize;
use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// How long an instance keeps a tenant's engine before reading the pointer again. Another
/// Lambda instance sees a newly published version within this time.
pub const ENGINE_TTL: Duration = Duration::from_secs(30);

/// The engine in force per tenant, cached for [`ENGINE_TTL`]. One request reads an engine
/// that expired while the others in flight wait for it: a busy process reads it once, not
/// once per request.
#[derive(Clone, Default)]
pub struct Engines {
    cache: Arc<Mutex<HashMap<TenantId, (Instant, CreditEngine)>>>,
    loading: Arc<tokio::sync::Mutex<()>>,
}

impl Engines {
    fn cached(&self, tenant: &TenantId) -> Option<CreditEngine> {
        let cache = self.cache.lock().expect("engine cache");
        let (at, engine) = cache.get(tenant)?;
        (at.elapsed() < ENGINE_TTL).then(|| engine.clone())
    }

    pub async fn get(&self, store: &Store, tenant: &TenantId) -> Result<CreditEngine, ApiError> {
        if let Some(engine) = self.cached(tenant) {
            return Ok(engine);
        }
        let _loading = self.loading.lock().await;
        // Another request may have read it while this one waited.
        if let Some(engine) = self.cached(tenant) {
            return Ok(engine);
        }
        let engine = match store.engine_pointer(tenant).await? {
            None => CreditEngine::defaults(),
            Some(pointer) => {
                let v = pointer.engine_version;
                let version = store
                    .engine_version(tenant, v)
                    .await?
                    .ok_or_else(|| StoreError::Corrupt(format!("engine version {v} missing")))?;
                engine_of(&version)
                    .map_err(|e| StoreError::Corrupt(format!("engine version {v}: {e:?}")))?
            }
        };
        let engine = CreditEngine {
            challenger: challenger_engine(store, tenant).await?,
            ..engine
        };
        self.cache
            .lock()
            .expect("engine cache")
            .insert(tenant.clone(), (Instant::now(), engine.clone()));
        Ok(engine)
    }

    pub fn invalidate(&self, tenant: &TenantId) {
        self.cache.lock().expect("engine cache").remove(tenant);
    }
}

pub(crate) fn engine_of(v: &EngineVersion) -> Result<CreditEngine, Vec<FieldError>> {
    let model: ScorecardModel = parse_json("model", &v.model)?;
    let policy: Policy = parse_json("policy", &v.policy)?;
    Ok(CreditEngine {
        model: Arc::new(model),
        policy: Arc::new(policy),
        version: v.version,
        challenger: None,
    })
}

/// The id of the running challenger, if one runs.
pub(crate) async fn running_challenger(
    store: &Store,
    tenant: &TenantId,
) -> Result<Option<u32>, ApiError> {
    Ok(store
        .challenger(tenant)
        .await?
        .filter(|(_, c)| c.is_running())
        .map(|(_, c)| c.id))
}

/// The running challenger, parsed (none when none runs).
async fn challenger_engine(
    store: &Store,
    tenant: &TenantId,
) -> Result<Option<Arc<crate::service::challenger::ChallengerEngine>>, ApiError> {
    let Some((_, challenger)) = store.challenger(tenant).await? else {
        return Ok(None);
    };
    if !challenger.is_running() {
        return Ok(None);
    }
    let id = challenger.id;
    let corrupt = |e: Vec<FieldError>| StoreError::Corrupt(format!("challenger {id}: {e:?}"));
    let model = parse_json("model", &challenger.model).map_err(corrupt)?;
    let policy = parse_json("policy", &challenger.policy).map_err(corrupt)?;
    Ok(Some(Arc::new(
        crate::service::challenger::ChallengerEngine {
            challenger,
            model,
            policy,
        },
    )))
}

/// Parses a JSON document, naming the path of the first problem (`policy.grades.A.terms_days`).
fn parse_json<T: serde::de::DeserializeOwned>(
    root: &str,
    value: &serde_json::Value,
) -> Result<T, Vec<FieldError>> {
    let text = value.to_string();
    let de = &mut serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let field = if path == "." || path.is_empty() {
            root.to_owned()
        } else {
            format!("{root}.{path}")
        };
        vec![FieldError::new(
            field,
            code::INVALID_VALUE,
            e.into_inner().to_string(),
        )]
    })
}

/// An audit entry for `who` doing `action`.
#[allow(clippy::too_many_arguments)]
pub fn audit(
    who: &Principal,
    clock: &Clock,
    entity: AuditEntity,
    entity_id: impl Into<String>,
    customer: Option<&credence_shared::CustomerId>,
    action: &str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    reason: &str,
) -> AuditEntry {
    AuditEntry {
        at: clock.now(),
        actor: who.username.clone(),
        entity,
        entity_id: entity_id.into(),
        customer_id: customer.cloned(),
        action: action.to_owned(),
        before,
        after,
        reason: reason.to_owned(),
    }
}

/// A reason of 1 to 500 characters, trimmed; else a 422 naming `reason`.
pub(super) fn reason_ok(reason: &str) -> Result<&str, ApiError> {
    Ok(FieldError::required_text(
        "reason",
        reason,
        500,
        "give a reason of 1 to 500 characters",
    )?)
}

pub(super) fn conflict_or(e: StoreError, what: &str) -> ApiError {
    match e {
        StoreError::ConditionFailed => ApiError::stale(format!(
            "the {what} changed since you loaded it; reload and edit again"
        )),
        e => e.into(),
    }
}

pub(super) fn to_value<T: Serialize>(v: &T) -> Option<serde_json::Value> {
    serde_json::to_value(v).ok()
}

// ----- tenant documents --------------------------------------------------------------------

/// The tenant's document `T` (the shipped default, version 0, until an admin saves one).
pub async fn document<T: TenantDocument>(store: &Store, tenant: &TenantId) -> Result<T, ApiError> {
    Ok(store
        .document::<T>(tenant)
        .await?
        .unwrap_or_else(T::shipped))
}

/// `GET` of a tenant document by an admin, to edit: its secrets as fingerprints.
pub async fn document_to_edit<T: TenantDocument>(
    store: &Store,
    who: &Principal,
) -> Result<T, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    Ok(document::<T>(store, &who.tenant).await?.redacted())
}

/// `PUT` of a tenant document by an admin: checked, over the version the admin edited, and
/// audited (before and after, secrets as fingerprints) in the same transaction. A
/// fingerprint sent where a secret was keeps the stored secret. Answers the new version,
/// its secrets as fingerprints.
pub async fn put_document<T: TenantDocument>(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: Versioned<T>,
) -> Result<T, ApiError> {
    let (store, clock) = (ctx.store, ctx.clock);
    policy::require(who, Action::ManageConfiguration)?;
    let reason = reason_ok(&body.reason)?;
    body.document.validate().map_err(in_document)?;
    body.document
        .check_deployment(ctx.egress.allows_loopback())
        .map_err(in_document)?;
    let before = document::<T>(store, &who.tenant).await?;
    let current = before.version();
    if current != body.replaces {
        return Err(ApiError::stale(format!(
            "the {} changed: version {current} is stored, you edited version {}; reload",
            T::KIND.label(),
            body.replaces
        )));
    }
    let next = body
        .document
        .with_secrets_of(&before)
        .map_err(in_document)?
        .at_version(current + 1);
    let (entity, id) = documents::audited_as(T::KIND);
    let entry = audit(
        who,
        clock,
        entity,
        id,
        None,
        "publish",
        to_value(&before.redacted()),
        to_value(&next.clone().redacted()),
        reason,
    );
    store
        .put_document(&who.tenant, &next, current, &entry)
        .await
        .map_err(|e| conflict_or(e, T::KIND.label()))?;
    Ok(next.redacted())
}

/// Field errors of a document, named under `document.` as the request body has it.
fn in_document(errors: Vec<FieldError>) -> ApiError {
    ApiError::Validation(
        errors
            .into_iter()
            .map(|e| FieldError {
                field: format!("document.{}", e.field),
                ..e
            })
            .collect(),
    )
}

/// An audit entry as it may be shown: the secrets of a tenant document in its before and
/// after as fingerprints. Entries are recorded that way; this also covers entries recorded
/// before secrets were redacted.
pub fn shown_audit(mut entry: AuditEntry) -> AuditEntry {
    use credence_shared::document::DocumentKind as K;
    use credence_shared::watch::{DataFeeds, DunningLadder, WarningRules, WebhookConfig};
    let Some(kind) = K::ALL
        .into_iter()
        .find(|k| documents::audited_as(*k) == (entry.entity, entry.entity_id.as_str()))
    else {
        return entry;
    };
    let redact: fn(serde_json::Value) -> serde_json::Value = match kind {
        K::ApprovalMatrix => redacted_json::<ApprovalMatrix>,
        K::CustomFields => redacted_json::<FieldSet>,
        K::WarningRules => redacted_json::<WarningRules>,
        K::DunningLadder => redacted_json::<DunningLadder>,
        K::Webhooks => redacted_json::<WebhookConfig>,
        K::DataFeeds => redacted_json::<DataFeeds>,
    };
    entry.before = entry.before.map(redact);
    entry.after = entry.after.map(redact);
    entry
}

/// A document's JSON with its secrets as fingerprints (unchanged when it holds none, or is
/// not a `T`).
fn redacted_json<T: TenantDocument>(value: serde_json::Value) -> serde_json::Value {
    let Ok(doc) = serde_json::from_value::<T>(value.clone()) else {
        return value;
    };
    let as_read = serde_json::to_value(&doc).ok();
    match serde_json::to_value(doc.redacted()) {
        Ok(shown) if Some(&shown) != as_read.as_ref() => shown,
        _ => value,
    }
}

/// The tenant's approval matrix.
pub async fn matrix(store: &Store, tenant: &TenantId) -> Result<ApprovalMatrix, ApiError> {
    document::<ApprovalMatrix>(store, tenant).await
}

/// The tenant's custom application fields.
pub async fn fields(store: &Store, tenant: &TenantId) -> Result<FieldSet, ApiError> {
    document::<FieldSet>(store, tenant).await
}

// ----- engine versions ---------------------------------------------------------------------

/// Published versions, oldest first, with the one in force marked. A tenant that never
/// published sees the shipped defaults as version 0.
pub async fn engine_versions(
    store: &Store,
    who: &Principal,
) -> Result<Vec<EngineVersion>, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let active = store
        .engine_pointer(&who.tenant)
        .await?
        .map(|p| p.engine_version);
    let mut versions = store.engine_versions(&who.tenant).await?;
    if versions.is_empty() {
        versions.push(default_version());
    }
    for v in &mut versions {
        v.active = Some(v.version) == active || (active.is_none() && v.version == 0);
    }
    Ok(versions)
}

fn default_version() -> EngineVersion {
    let d = CreditEngine::defaults();
    EngineVersion {
        version: 0,
        model: serde_json::to_value(&*d.model).unwrap_or_default(),
        policy: serde_json::to_value(&*d.policy).unwrap_or_default(),
        published_by: "credence".into(),
        published_at: time::OffsetDateTime::UNIX_EPOCH,
        reason: "shipped defaults".into(),
        active: true,
        has_report: false,
    }
}

/// `GET /v1/engine`: the model and policy in force, for the browser's previews (every
/// signed-in role).
pub async fn engine_in_force(
    store: &Store,
    engines: &Engines,
    who: &Principal,
) -> Result<EngineInForce, ApiError> {
    policy::require(who, Action::ReadCustomers)?;
    let engine = engines.get(store, &who.tenant).await?;
    let version = store
        .engine_pointer(&who.tenant)
        .await?
        .map_or(0, |p| p.engine_version);
    Ok(EngineInForce {
        version,
        model: (*engine.model).clone(),
        policy: (*engine.policy).clone(),
    })
}

/// Publishes a new version and puts it in force at once.
pub async fn publish_engine(
    store: &Store,
    engines: &Engines,
    clock: &Clock,
    who: &Principal,
    body: PublishEngine,
) -> Result<EngineVersion, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let reason = reason_ok(&body.reason)?;
    let candidate = EngineVersion {
        version: 0,
        model: body.model,
        policy: body.policy,
        published_by: who.username.clone(),
        published_at: clock.now(),
        reason: reason.to_owned(),
        active: true,
        has_report: body.report.is_some(),
    };
    engine_of(&candidate).map_err(ApiError::Validation)?;
    if let Some(report) = &body.report {
        report_fits(report)?;
    }
    let versions = store.engine_versions(&who.tenant).await?;
    let last = versions.last().map_or(0, |v| v.version);
    let version = EngineVersion {
        version: last + 1,
        ..candidate
    };
    let new = Publish {
        report: body.report.as_deref(),
    };
    activate_write(store, engines, clock, who, &version, Some(new), reason).await?;
    Ok(version)
}

/// The largest fitting report kept with a version (a DynamoDB item holds 400 KB; a report
/// of 15 characteristics with their curves is about 30 KB).
const MAX_REPORT_BYTES: usize = 300_000;

fn report_fits(report: &credence_shared::lab::FitReport) -> Result<(), ApiError> {
    let bytes = serde_json::to_vec(report).map_or(usize::MAX, |b| b.len());
    if bytes > MAX_REPORT_BYTES {
        return Err(ApiError::field(
            "report",
            credence_shared::messages::code::TEXT_TOO_LONG,
            format!("the report is {bytes} bytes; at most {MAX_REPORT_BYTES} are kept"),
        ));
    }
    Ok(())
}

/// `GET /v1/lab/reports/{version}`: the fitting report kept with an engine version.
pub async fn engine_report(
    store: &Store,
    who: &Principal,
    version: u32,
) -> Result<credence_shared::lab::FitReport, ApiError> {
    policy::require(who, Action::UseScoringLab)?;
    store
        .engine_report(&who.tenant, version)
        .await?
        .ok_or(ApiError::NotFound)
}

/// Puts an earlier version back in force.
pub async fn activate_engine(
    store: &Store,
    engines: &Engines,
    clock: &Clock,
    who: &Principal,
    version: u32,
    reason: &str,
) -> Result<EngineVersion, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    let reason = reason_ok(reason)?;
    let found = store
        .engine_version(&who.tenant, version)
        .await?
        .ok_or(ApiError::NotFound)?;
    activate_write(store, engines, clock, who, &found, None, reason).await?;
    Ok(EngineVersion {
        active: true,
        ..found
    })
}

/// The audit entry of putting `version` in force over version `before` (published new, or
/// put back).
pub(crate) fn engine_audit(
    who: &Principal,
    clock: &Clock,
    version: &EngineVersion,
    before: u32,
    new: bool,
    reason: &str,
) -> AuditEntry {
    audit(
        who,
        clock,
        AuditEntity::Policy,
        format!("engine-v{}", version.version),
        None,
        if new { "publish" } else { "activate" },
        Some(serde_json::json!({ "version": before })),
        Some(serde_json::json!({
            "version": version.version,
            "model": version.model.get("id").zip(version.model.get("version")),
            "policy": version.policy.get("id").zip(version.policy.get("version")),
        })),
        reason,
    )
}

/// What a new version brings besides itself.
struct Publish<'a> {
    report: Option<&'a credence_shared::lab::FitReport>,
}

async fn activate_write(
    store: &Store,
    engines: &Engines,
    clock: &Clock,
    who: &Principal,
    version: &EngineVersion,
    new: Option<Publish<'_>>,
    reason: &str,
) -> Result<(), ApiError> {
    let pointer = store.engine_pointer(&who.tenant).await?;
    let before = pointer.map_or(0, |p| p.engine_version);
    let mut items = Vec::new();
    let is_new = new.is_some();
    if let Some(new) = new {
        items.push(store.engine_version_write(&who.tenant, version)?);
        if let Some(report) = new.report {
            items.push(store.engine_report_write(&who.tenant, version.version, report)?);
        }
    }
    items.push(store.engine_pointer_write(&who.tenant, version.version, pointer)?);
    // Every credit file is re-assessed with it: a fresh job, over the last one.
    let job = store.regrade_job(&who.tenant).await?;
    items.push(store.regrade_job_write(
        &who.tenant,
        &credence_shared::credit::RegradeJob {
            engine_version: version.version,
            challenger: running_challenger(store, &who.tenant).await?,
            started_at: clock.now(),
            done: 0,
            recomputed: 0,
            changed: 0,
            cursor: None,
            finished: false,
        },
        job.map_or(0, |(v, _)| v),
    )?);
    let entry = engine_audit(who, clock, version, before, is_new, reason);
    items.push(store.audit_write(&who.tenant, &entry)?);
    store
        .transact(items)
        .await
        .map_err(|e| conflict_or(e, "engine version"))?;
    engines.invalidate(&who.tenant);
    Ok(())
}
