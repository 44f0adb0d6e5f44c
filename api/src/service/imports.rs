//! File imports, server side: the browser (or the command-line importer) reads the file and
//! sends its rows in batches of at most [`MAX_ROWS`] with the column mapping; each row is
//! read again here with the same shared code (`credence_shared::import`), so nothing the
//! browser missed gets in, and written like the API's own changes. A dry run answers what
//! each row would do without writing.
//!
//! Why batches of rows and not the file: API Gateway takes at most 10 MB and Lambda 6 MB per
//! request with a 29 s timeout, so a file cannot be posted whole; rows read in the browser
//! need no object store (locally or in AWS), the browser shows every row's error at once as
//! the file is read, and a batch is small enough to retry. Every row is idempotent by its
//! key (a customer by its number), so a batch sent twice, or a file imported twice, changes
//! nothing the second time.

use super::Ctx;
use super::master;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::{credit, workflow},
    store::credit::WriteConflict,
};
use credence_shared::{
    Currency,
    credit::{CreditDecision, DecidedLimit, TemporaryLimit},
    customer::{CustomerStatus, customer_id_of},
    dto::FieldError,
    import::{
        cells::DayOrder,
        columns::{self, ImportKind},
        rows::{self, CreditLine, ReadOptions, RowIssue},
    },
    messages::code,
    workflow::AuditEntity,
};
use serde::{Deserialize, Serialize};
use tracing::instrument;

/// Most rows one batch takes.
pub const MAX_ROWS: usize = 500;
/// Most columns a row has, and characters a cell has.
pub const MAX_COLUMNS: usize = 100;
pub const MAX_CELL: usize = 2000;

/// `POST /v1/imports/customers`: one batch of a customer file.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerBatch {
    /// Only check the rows and say what each would do.
    #[serde(default)]
    pub dry_run: bool,
    /// The field each column holds (`customer`, `name`, `limit`, …; `null` to skip it).
    #[schema(max_items = 100)]
    pub mapping: Vec<Option<String>>,
    /// How `05.01.2026` reads (default day first).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub day_order: DayOrder,
    /// The currency of amounts without a currency column (default: the tenant's).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Currency>,
    #[schema(max_items = 500)]
    pub rows: Vec<BatchRow>,
}

/// A row of the file: its line number (for the error file) and its cells as text.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRow {
    pub line: u32,
    #[schema(max_items = 100)]
    pub cells: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
    Error,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowResult {
    pub line: u32,
    pub outcome: RowOutcome,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub issues: Vec<RowIssue>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct BatchCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub errors: u32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchResult {
    pub dry_run: bool,
    pub counts: BatchCounts,
    pub results: Vec<RowResult>,
}

/// The mapping as field keys of the customer kind; an unknown or repeated field, or a
/// required one no column holds, is a 422 naming it.
fn checked_mapping(mapping: &[Option<String>]) -> Result<Vec<Option<&'static str>>, ApiError> {
    if mapping.len() > MAX_COLUMNS {
        return Err(ApiError::from(
            FieldError::new("mapping", code::TOO_MANY, "at most 100 columns")
                .with("max", MAX_COLUMNS),
        ));
    }
    let fields = ImportKind::Customers.fields();
    let mut out = Vec::with_capacity(mapping.len());
    for (i, m) in mapping.iter().enumerate() {
        let key = match m.as_deref() {
            None | Some("") => None,
            Some(k) => {
                let Some(spec) = fields.iter().find(|f| f.key == k) else {
                    let allowed: Vec<&str> = fields.iter().map(|f| f.key).collect();
                    return Err(ApiError::from(
                        FieldError::new(
                            format!("mapping[{i}]"),
                            code::NOT_ALLOWED,
                            "not a field of a customer file",
                        )
                        .with("allowed", allowed.join(", ")),
                    ));
                };
                if out.contains(&Some(spec.key)) {
                    return Err(ApiError::field(
                        format!("mapping[{i}]"),
                        code::NOT_ALLOWED,
                        format!("{} is mapped to two columns", spec.key),
                    ));
                }
                Some(spec.key)
            }
        };
        out.push(key);
    }
    let missing = columns::missing(ImportKind::Customers, &out);
    if !missing.is_empty() {
        return Err(ApiError::from(
            FieldError::new(
                "mapping",
                code::REQUIRED,
                format!("no column holds {}", missing.join(", ")),
            )
            .with("missing", missing.join(", ")),
        ));
    }
    Ok(out)
}

fn row_error(line: u32, issues: Vec<RowIssue>) -> RowResult {
    RowResult {
        line,
        outcome: RowOutcome::Error,
        issues,
    }
}

fn issue(field: &str, code: &str, message: impl Into<String>) -> RowIssue {
    RowIssue {
        column: None,
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

/// `POST /v1/imports/customers` (risk and admin; a credit line — limit, terms, temporary
/// limit, hold — only an admin carries over, audited as `import`).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, rows = batch.rows.len()))]
pub async fn customers(
    ctx: &Ctx<'_>,
    who: &Principal,
    batch: CustomerBatch,
) -> Result<BatchResult, ApiError> {
    policy::require(who, Action::ManageCustomers)?;
    if batch.rows.is_empty() || batch.rows.len() > MAX_ROWS {
        return Err(ApiError::from(
            FieldError::new("rows", code::TOO_MANY, "1 to 500 rows a batch").with("max", MAX_ROWS),
        ));
    }
    let mapping = checked_mapping(&batch.mapping)?;
    let carries_credit = [
        "limit",
        "terms_days",
        "temporary_limit",
        "temporary_until",
        "on_hold",
    ]
    .iter()
    .any(|k| mapping.contains(&Some(*k)));
    if carries_credit && !policy::allows(who, Action::ManageConfiguration) {
        return Err(ApiError::Refused {
            code: code::NEEDS_APPROVAL,
            detail: "only an admin carries credit lines over in an import; leave the limit, terms, temporary limit and hold columns unmapped, or ask an admin".into(),
        });
    }
    let engine = ctx.engine(&who.tenant).await?;
    let options = ReadOptions {
        day_order: batch.day_order,
        currency: batch.currency.unwrap_or_else(|| engine.policy.currency()),
        today: ctx.clock.today(),
    };
    let mut seen: Vec<String> = Vec::new();
    let mut results = Vec::with_capacity(batch.rows.len());
    let mut counts = BatchCounts::default();
    for row in &batch.rows {
        let result = if row.cells.len() > MAX_COLUMNS
            || row.cells.iter().any(|c| c.chars().count() > MAX_CELL)
        {
            row_error(
                row.line,
                vec![issue(
                    "cells",
                    code::TEXT_TOO_LONG,
                    "at most 100 cells of 2000 characters",
                )],
            )
        } else {
            match rows::customer_row(&mapping, &row.cells, &options) {
                Err(issues) => row_error(row.line, issues),
                Ok(read) if seen.contains(&read.master.number) => row_error(
                    row.line,
                    vec![issue(
                        "customer",
                        code::ALREADY_EXISTS,
                        "this customer is in the file twice",
                    )],
                ),
                Ok(read) => {
                    seen.push(read.master.number.clone());
                    match import_one(ctx, who, read, batch.dry_run).await {
                        Ok(outcome) => RowResult {
                            line: row.line,
                            outcome,
                            issues: Vec::new(),
                        },
                        Err(e) => {
                            let p = e.to_problem();
                            let issues = if p.errors.is_empty() {
                                vec![issue("customer", &p.code, p.detail.unwrap_or(p.title))]
                            } else {
                                p.errors
                                    .into_iter()
                                    .map(|f| issue(&f.field, &f.code, f.message))
                                    .collect()
                            };
                            row_error(row.line, issues)
                        }
                    }
                }
            }
        };
        match result.outcome {
            RowOutcome::Created => counts.created += 1,
            RowOutcome::Updated => counts.updated += 1,
            RowOutcome::Unchanged => counts.unchanged += 1,
            RowOutcome::Error => counts.errors += 1,
        }
        results.push(result);
    }
    Ok(BatchResult {
        dry_run: batch.dry_run,
        counts,
        results,
    })
}

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

async fn import_one(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: rows::CustomerRow,
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
        master::create(ctx, who, read.master, owner, decision, "import").await?;
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
        let entry = super::tenant::audit(
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
