//! Customer files: each row is the master record of one customer (created, or updated over
//! its version) and, for an admin, the credit line it carries over (limit, terms, temporary
//! limit, hold), written like a decision and audited as `import`.

use super::RowOutcome;
use crate::{
    auth::Principal,
    error::ApiError,
    service::{Ctx, credit, master, workflow},
    store::credit::WriteConflict,
};
use credence_shared::{
    credit::{CreditDecision, DecidedLimit, TemporaryLimit},
    customer::{CustomerStatus, customer_id_of},
    import::rows::{self, CreditLine},
    workflow::AuditEntity,
};

/// The mapped fields only an admin may import.
pub const CREDIT_FIELDS: [&str; 5] = [
    "limit",
    "terms_days",
    "temporary_limit",
    "temporary_until",
    "on_hold",
];

/// The decision a carried-over credit line makes, over `base` (what people decided before).
fn decision_of(
    credit: &CreditLine,
    base: &CreditDecision,
    who: &Principal,
    today: time::Date,
) -> CreditDecision {
    let mut d = base.clone();
    if let Some(limit) = credit.limit {
        d.limit = Some(DecidedLimit {
            amount: limit,
            reason: "imported credit line".into(),
            decided_by: who.username.clone(),
            decided_on: today,
            valid_until: None,
        });
    }
    if let Some(terms) = credit.terms_days {
        d.terms_days = Some(terms);
    }
    if let Some((amount, expires)) = credit.temporary {
        d.temporary = Some(TemporaryLimit {
            amount,
            expires,
            reason: "imported temporary limit".into(),
            decided_by: who.username.clone(),
            decided_on: today,
        });
    }
    if let Some(hold) = credit.on_hold {
        d.on_hold = hold;
    }
    d
}

/// Whether two decisions carry the same credit line (who decided it, and when, aside).
fn same_line(a: &CreditDecision, b: &CreditDecision) -> bool {
    a.limit.as_ref().map(|l| l.amount) == b.limit.as_ref().map(|l| l.amount)
        && a.terms_days == b.terms_days
        && a.temporary.as_ref().map(|t| (t.amount, t.expires))
            == b.temporary.as_ref().map(|t| (t.amount, t.expires))
        && a.on_hold == b.on_hold
}

/// Writes (or, in a dry run, weighs) one customer row; a customer it creates keeps `run`
/// (the import's id) as its origin.
pub async fn import_one(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: rows::CustomerRow,
    run: Option<&str>,
    dry_run: bool,
) -> Result<RowOutcome, ApiError> {
    let today = ctx.clock.today();
    let owner = master::owner_of(ctx, who, read.master.owner.as_deref()).await?;
    let id = customer_id_of(&read.master.number);
    let before = ctx.store.get_customer(&who.tenant, &id).await?;
    let Some(before) = before else {
        if dry_run {
            return Ok(RowOutcome::Created);
        }
        let decision = decision_of(&read.credit, &CreditDecision::default(), who, today);
        let mut master = read.master;
        master.origin = run.map(str::to_owned);
        master::create(ctx, who, master, owner, decision, "import").await?;
        return Ok(RowOutcome::Created);
    };
    // The file is the tenant's master: it replaces the record, keeping what the file has no
    // column for (contacts, custom fields, parent, archived).
    let mut master = read.master;
    if let Some(old) = &before.master {
        master.contacts = old.contacts.clone();
        master.custom = old.custom.clone();
        master.parent = old.parent.clone();
        master.status = old.status;
        master.origin = old.origin.clone();
    } else if before.archived {
        master.status = CustomerStatus::Archived;
    }
    let engine = ctx.engine(&who.tenant).await?;
    let record = credit::load_or_init(ctx, &engine, who, &id).await?;
    let decision = decision_of(&read.credit, &record.state.decision, who, today);
    let master_changes = before.master.as_ref() != Some(&master) || before.owner != owner;
    let credit_changes = !same_line(&decision, &record.state.decision);
    if dry_run {
        return Ok(if master_changes || credit_changes {
            RowOutcome::Updated
        } else {
            RowOutcome::Unchanged
        });
    }
    if master_changes {
        let version = Some(before.version);
        master::update(ctx, who, before.clone(), master, owner, version, "import").await?;
    }
    if credit_changes {
        let customer = ctx
            .store
            .get_customer(&who.tenant, &id)
            .await?
            .ok_or(ApiError::NotFound)?;
        let entry = crate::service::tenant::audit(
            who,
            ctx.clock,
            AuditEntity::CreditFile,
            id.as_str(),
            Some(&id),
            "import",
            serde_json::to_value(&record.state.decision).ok(),
            serde_json::to_value(&decision).ok(),
            "imported credit line",
        );
        let extra = vec![crate::store::workflow::WorkflowWrite::Audit(entry)];
        workflow::recompute_and_write(
            ctx, who, &engine, &customer, &record, decision, "import", extra,
        )
        .await
        .map_err(|e| match e {
            WriteConflict::Store(e) => e.into(),
            other => ApiError::stale(other.to_string()),
        })?;
    }
    Ok(if master_changes || credit_changes {
        RowOutcome::Updated
    } else {
        RowOutcome::Unchanged
    })
}
