//! The customer master: `PUT /v1/customers/{number}` creates or updates a customer keyed by
//! the tenant's own customer number (risk and admin). A new customer gets its credit file
//! (the engine on its profile and an empty ledger) in the same transaction; an update writes
//! the master fields over the version read. Both are audited with before and after; sending
//! the same record again writes nothing (an import run twice changes nothing).

use super::Ctx;
use super::credit::compute_state;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::tenant::audit,
    store::{StoreError, customers::CustomerRecord, workflow::OnboardConflict},
};
use credence_shared::{
    Money, UserId,
    credit::CreditDecision,
    customer::{CustomerMaster, CustomerStatus, MasterRecord, customer_id_of},
    dto::{CustomerSummary, FieldError},
    messages::code,
    workflow::AuditEntity,
};
use tracing::instrument;

/// What a `PUT` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    Unchanged,
}

/// The owner named in a master record: a valid user id that is not a deactivated user of
/// the tenant (users the tenant's identity provider knows but nobody manages here pass).
pub(crate) async fn owner_of(
    ctx: &Ctx<'_>,
    who: &Principal,
    owner: Option<&str>,
) -> Result<Option<UserId>, ApiError> {
    let Some(name) = owner else { return Ok(None) };
    let unknown = || ApiError::field("owner", code::USER_UNKNOWN, "not an active user");
    let id = UserId::parse(name).map_err(|_| unknown())?;
    match ctx.store.user(&who.tenant, name).await? {
        Some(user) if !user.active => Err(unknown()),
        _ => Ok(Some(id)),
    }
}

fn code_taken() -> ApiError {
    ApiError::from(FieldError::new(
        "registration_id",
        code::CUSTOMER_EXISTS,
        "another customer has this unified social credit code",
    ))
}

/// `PUT /v1/customers/{number}`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, number = %raw_number))]
pub async fn put(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_number: &str,
    body: CustomerMaster,
) -> Result<(Outcome, CustomerSummary), ApiError> {
    policy::require(who, Action::ManageCustomers)?;
    let today = ctx.clock.today();
    let record = body
        .check(raw_number, today)
        .map_err(ApiError::Validation)?;
    let owner = owner_of(ctx, who, record.owner.as_deref()).await?;
    let id = customer_id_of(&record.number);
    let reason = body.reason.as_deref().map(str::trim).unwrap_or("");
    if reason.chars().count() > 500 {
        return Err(ApiError::from(
            FieldError::new("reason", code::TEXT_TOO_LONG, "at most 500 characters")
                .with("max", 500),
        ));
    }
    let before = ctx.store.get_customer(&who.tenant, &id).await?;
    let outcome = match before {
        None => {
            if body.version.is_some_and(|v| v > 0) {
                return Err(ApiError::stale(format!(
                    "there is no customer {} to update (yet); create it without a version",
                    record.number
                )));
            }
            create(ctx, who, record, owner, CreditDecision::default(), reason).await?
        }
        Some(before) => update(ctx, who, before, record, owner, body.version, reason).await?,
    };
    let customer = ctx
        .store
        .get_customer(&who.tenant, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok((outcome, customer))
}

fn record_of(master: &MasterRecord, owner: Option<UserId>, money: Money) -> CustomerRecord {
    CustomerRecord {
        id: customer_id_of(&master.number),
        number: master.number.clone(),
        name: master.name.clone(),
        name_en: master.name_en.clone(),
        usci: master.usci().cloned(),
        country: master.country.as_str().to_owned(),
        industry: master.industry.clone().unwrap_or_default(),
        owner,
        grade: None,
        credit_limit: money,
        exposure: money,
        overdue: money,
        oldest_overdue_days: 0,
        terms_days: 0,
        on_hold: false,
        blacklisted: false,
        founded: master.founded,
        archived: master.status == CustomerStatus::Archived,
        master: Some(master.clone()),
    }
}

/// Creates the customer with its credit file (on `decision`: a credit line carried over by an
/// import, or none).
pub(crate) async fn create(
    ctx: &Ctx<'_>,
    who: &Principal,
    master: MasterRecord,
    owner: Option<UserId>,
    decision: CreditDecision,
    reason: &str,
) -> Result<Outcome, ApiError> {
    let engine = ctx.engine(&who.tenant).await?;
    let currency = engine.policy.currency();
    let today = ctx.clock.today();
    let mut record = record_of(&master, owner, Money::zero(currency));
    let (mut state, summary) = compute_state(
        &engine,
        record.id.as_str(),
        None,
        currency,
        &[],
        master.profile(),
        decision,
        today,
    )
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("new customer {}: {e}", record.id)))?;
    // Lists and search show the profile's summary: it starts as the new file says (an
    // imported limit, terms and hold), not as zero until the next recompute.
    record.take_summary(&summary);
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::Customer,
        record.id.as_str(),
        Some(&record.id),
        "create",
        None,
        serde_json::to_value(&master).ok(),
        reason,
    );
    let mut writes = vec![crate::store::workflow::WorkflowWrite::Audit(entry)];
    // A carried-over credit line is reviewed on the policy's cycle for its grade.
    let grade = state.recommendation.grade;
    state.decision.ensure_review(&engine.policy, grade, today);
    if let Some(due) = state.decision.review_due {
        writes.push(crate::store::workflow::WorkflowWrite::ReviewDue {
            customer: record.id.clone(),
            due: Some(due),
        });
    }
    match ctx
        .store
        .onboard_with(&who.tenant, &record, &state, writes)
        .await
    {
        Ok(()) => Ok(Outcome::Created),
        Err(OnboardConflict::IdTaken) => Err(ApiError::stale(
            "this customer was created a moment ago; read it and update it",
        )),
        Err(OnboardConflict::CodeTaken) => Err(code_taken()),
        Err(OnboardConflict::Store(e)) => Err(e.into()),
    }
}

/// Writes `master` over `before` (read at `version`); nothing when it is the same.
pub(crate) async fn update(
    ctx: &Ctx<'_>,
    who: &Principal,
    before: CustomerSummary,
    mut master: MasterRecord,
    owner: Option<UserId>,
    version: Option<u64>,
    reason: &str,
) -> Result<Outcome, ApiError> {
    // Where the customer came from is not the editor's to change.
    master.origin = before.master.as_ref().and_then(|m| m.origin.clone());
    if before.number != master.number {
        return Err(ApiError::conflict(
            code::CUSTOMER_NUMBER_TAKEN,
            format!(
                "the record at this number is customer {} numbered {}",
                before.id, before.number
            ),
        ));
    }
    let archived = master.status == CustomerStatus::Archived;
    if before.master.as_ref() == Some(&master)
        && before.owner == owner
        && before.archived == archived
    {
        return Ok(Outcome::Unchanged);
    }
    match version {
        Some(v) if v == before.version => {}
        seen => {
            return Err(ApiError::stale(format!(
                "customer {} is at version {}; you sent {}: read it again",
                master.number,
                before.version,
                seen.map_or_else(|| "none".to_owned(), |v| v.to_string())
            )));
        }
    }
    let mut after = record_of(&master, owner, before.credit_limit);
    after.id = before.id.clone();
    let entry = audit(
        who,
        ctx.clock,
        AuditEntity::Customer,
        before.id.as_str(),
        Some(&before.id),
        "update",
        before
            .master
            .as_ref()
            .and_then(|m| serde_json::to_value(m).ok()),
        serde_json::to_value(&master).ok(),
        reason,
    );
    match ctx
        .store
        .update_master(&who.tenant, &before, &after, &entry)
        .await
    {
        Ok(()) => Ok(Outcome::Updated),
        Err(OnboardConflict::CodeTaken) => Err(code_taken()),
        Err(OnboardConflict::Store(StoreError::ConditionFailed) | OnboardConflict::IdTaken) => Err(
            ApiError::stale("the customer changed at the same moment; read it again"),
        ),
        Err(OnboardConflict::Store(e)) => Err(e.into()),
    }
}

/// `POST /v1/customers/owner`: hand customers (up to 500, by number or id) to another
/// sales rep at once (risk and admin). Each customer's master is updated over the version
/// read and audited like an edit; a customer that does not exist is reported, the rest go on.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reassign {
    /// Customer numbers (or ids), 1 to 500.
    #[schema(min_items = 1, max_items = 500)]
    pub customers: Vec<String>,
    /// The new owner (a user of the tenant); `null` leaves the customers without one.
    pub owner: Option<String>,
    /// Why (optional, at most 500 characters), kept in the audit trail.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// What a reassignment did.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct Reassigned {
    pub updated: u32,
    /// Already the owner's.
    pub unchanged: u32,
    /// The numbers that name no customer.
    pub unknown: Vec<String>,
}

/// Most customers one reassignment takes.
pub const MAX_REASSIGN: usize = 500;

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn reassign(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: Reassign,
) -> Result<Reassigned, ApiError> {
    policy::require(who, Action::ManageCustomers)?;
    if body.customers.is_empty() || body.customers.len() > MAX_REASSIGN {
        return Err(ApiError::from(
            FieldError::new("customers", code::TOO_MANY, "1 to 500 customers")
                .with("max", MAX_REASSIGN),
        ));
    }
    let owner_name = body
        .owner
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let owner = owner_of(ctx, who, owner_name).await?;
    let reason = body.reason.as_deref().map(str::trim).unwrap_or("");
    if reason.chars().count() > 500 {
        return Err(ApiError::from(
            FieldError::new("reason", code::TEXT_TOO_LONG, "at most 500 characters")
                .with("max", 500),
        ));
    }
    let mut done = Reassigned::default();
    for raw in &body.customers {
        let id = customer_id_of(raw);
        let Some(before) = ctx.store.get_customer(&who.tenant, &id).await? else {
            done.unknown.push(raw.clone());
            continue;
        };
        if before.owner == owner {
            done.unchanged += 1;
            continue;
        }
        let mut master = before
            .master
            .clone()
            .unwrap_or_else(|| master_of_summary(&before));
        master.owner = owner_name.map(str::to_owned);
        let version = Some(before.version);
        update(ctx, who, before, master, owner.clone(), version, reason).await?;
        done.updated += 1;
    }
    Ok(done)
}

/// A master record for a customer made before the master existed, from its summary.
fn master_of_summary(c: &CustomerSummary) -> MasterRecord {
    use credence_shared::engine::identity::{CountryCode, RegistrationId};
    MasterRecord {
        number: c.number.clone(),
        name: c.name.clone(),
        name_en: c.name_en.clone(),
        country: CountryCode::parse(&c.country).unwrap_or(CountryCode::CN),
        registration: c.usci.clone().map(RegistrationId::CnUsci),
        industry: None,
        size: None,
        registered_capital: None,
        founded: c.founded,
        address: None,
        contacts: Vec::new(),
        owner: c.owner.as_ref().map(ToString::to_string),
        parent: None,
        status: if c.archived {
            CustomerStatus::Archived
        } else {
            CustomerStatus::Active
        },
        tags: Vec::new(),
        custom: Default::default(),
        origin: None,
    }
}
