//! File imports, server side: the browser (or the command-line importer) reads the file and
//! sends its rows in batches of at most [`MAX_ROWS`] with the column mapping; each row is
//! read again here with the same shared code (`credence_shared::import`), so nothing the
//! browser missed gets in, and written like the API's own change of that kind: a customer
//! row like `PUT /v1/customers/{number}` ([`customers`]), an open item or ledger row like a
//! ledger event, a rate like `PUT /v1/fx-rates`, a signal like a recorded signal
//! ([`facts`]). A dry run answers what each row would do without writing.
//!
//! Why batches of rows and not the file: API Gateway takes at most 10 MB and Lambda 6 MB per
//! request with a 29 s timeout, so a file cannot be posted whole; rows read in the browser
//! need no object store (locally or in AWS), the browser shows every row's error at once as
//! the file is read, and a batch is small enough to retry. Every row is idempotent by its
//! key (a customer by its number, a ledger row by its document number), so a batch sent
//! twice, or a file imported twice, changes nothing the second time. A committed batch that
//! names its run ([`RunInfo`]) is added to the tenant's import history once, by its number,
//! with its error rows; the run's first batch remembers the mapping for its header layout.

mod customers;
mod facts;

use super::Ctx;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
};
use credence_shared::{
    dto::FieldError,
    import::{
        batch::{
            Batch, BatchCounts, BatchResult, ErrorRow, ImportRun, MAX_CELL, MAX_COLUMNS, MAX_ROWS,
            RowOutcome, RowResult, SavedMapping, valid_run_id, valid_sha256,
        },
        columns::{self, ImportKind},
        events::{ImportRow, read_row},
        rows::{ReadOptions, RowIssue},
    },
    messages::code,
};
use futures_util::StreamExt;
use tracing::instrument;

/// Customer rows written at once (each is a few reads and one transaction).
const CUSTOMERS_AT_ONCE: usize = 8;

/// Who may import a kind of file: whoever may make that change through the API.
fn action_for(kind: ImportKind) -> Action {
    match kind {
        ImportKind::Customers => Action::ManageCustomers,
        ImportKind::OpenItems | ImportKind::Ledger => Action::PostLedgerEvents,
        ImportKind::ExchangeRates => Action::ManageFxRates,
        ImportKind::Signals => Action::RecordSignals,
        // The scoring lab's outcomes: who uses the lab.
        ImportKind::Outcomes => Action::UseScoringLab,
    }
}

/// The mapping as field keys of `kind`; an unknown or repeated field, or a required one no
/// column holds, is a 422 naming it.
fn checked_mapping(
    kind: ImportKind,
    mapping: &[Option<String>],
) -> Result<Vec<Option<&'static str>>, ApiError> {
    if mapping.len() > MAX_COLUMNS {
        return Err(ApiError::from(
            FieldError::new("mapping", code::TOO_MANY, "at most 100 columns")
                .with("max", MAX_COLUMNS),
        ));
    }
    let fields = kind.fields();
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
                            "not a field of this kind of file",
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
    let missing = columns::missing(kind, &out);
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

fn checked_run(batch: &Batch) -> Result<(), ApiError> {
    let Some(run) = &batch.run else {
        return Ok(());
    };
    let bad = |field: &str, message: &str| {
        Err(ApiError::field(
            format!("run.{field}"),
            code::TEXT_PATTERN,
            message.to_owned(),
        ))
    };
    if !valid_run_id(&run.id) {
        return bad("id", "1 to 64 of A-Z a-z 0-9 - _");
    }
    if !valid_sha256(&run.sha256) {
        return bad("sha256", "the file's SHA-256 in 64 lowercase hex digits");
    }
    if !valid_sha256(&format!("{:0<64}", run.layout)) || run.layout.len() > 64 {
        return bad("layout", "hex digits, as layout_of writes them");
    }
    if run.file_name.trim().is_empty() || run.file_name.chars().count() > 255 {
        return Err(ApiError::field(
            "run.file_name",
            code::TEXT_LENGTH,
            "1 to 255 characters",
        ));
    }
    Ok(())
}

pub(super) fn issue(field: &str, code: &str, message: impl Into<String>) -> RowIssue {
    RowIssue {
        column: None,
        field: field.to_owned(),
        code: code.to_owned(),
        message: message.into(),
    }
}

/// An error the API gave for one row, as the row's issues.
pub(super) fn issues_of(e: &ApiError) -> Vec<RowIssue> {
    let p = e.to_problem();
    if p.errors.is_empty() {
        vec![issue("row", &p.code, p.detail.unwrap_or(p.title))]
    } else {
        p.errors
            .into_iter()
            .map(|f| issue(&f.field, &f.code, f.message))
            .collect()
    }
}

fn failed(line: u32, issues: Vec<RowIssue>) -> RowResult {
    RowResult {
        line,
        outcome: RowOutcome::Error,
        issues,
    }
}

/// `POST /v1/imports/{kind}`: one batch of a file.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, kind = ?kind, rows = batch.rows.len()))]
pub async fn import(
    ctx: &Ctx<'_>,
    who: &Principal,
    kind: ImportKind,
    batch: Batch,
) -> Result<BatchResult, ApiError> {
    policy::require_import(who, action_for(kind))?;
    if batch.rows.is_empty() || batch.rows.len() > MAX_ROWS {
        return Err(ApiError::from(
            FieldError::new("rows", code::TOO_MANY, "1 to 500 rows a batch").with("max", MAX_ROWS),
        ));
    }
    checked_run(&batch)?;
    let mapping = checked_mapping(kind, &batch.mapping)?;
    if kind == ImportKind::Customers
        && customers::CREDIT_FIELDS
            .iter()
            .any(|k| mapping.contains(&Some(*k)))
        && !policy::allows(who, Action::ManageConfiguration)
    {
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

    // Read every row; a row that does not read, or repeats one before it, is done.
    let mut results: Vec<Option<RowResult>> = vec![None; batch.rows.len()];
    let mut read: Vec<(usize, ImportRow)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, row) in batch.rows.iter().enumerate() {
        if row.cells.len() > MAX_COLUMNS || row.cells.iter().any(|c| c.chars().count() > MAX_CELL) {
            let too_long = issue(
                "cells",
                code::TEXT_TOO_LONG,
                "at most 100 cells of 2000 characters",
            );
            results[i] = Some(failed(row.line, vec![too_long]));
            continue;
        }
        match read_row(kind, &mapping, &row.cells, &options) {
            Err(issues) => results[i] = Some(failed(row.line, issues)),
            Ok(r) if !seen.insert(r.identity()) => {
                let twice = issue(
                    "row",
                    code::ALREADY_EXISTS,
                    "the same row is in the file twice",
                );
                results[i] = Some(failed(row.line, vec![twice]));
            }
            Ok(r) => read.push((i, r)),
        }
    }

    let outcomes: Vec<(usize, Result<RowOutcome, Vec<RowIssue>>)> = match kind {
        ImportKind::Customers => {
            let run = batch.run.as_ref().map(|r| r.id.as_str());
            futures_util::stream::iter(read)
                .map(|(i, row)| async move {
                    let ImportRow::Customer(c) = row else {
                        unreachable!("a customer file reads customer rows")
                    };
                    let outcome = customers::import_one(ctx, who, *c, run, batch.dry_run)
                        .await
                        .map_err(|e| issues_of(&e));
                    (i, outcome)
                })
                .buffered(CUSTOMERS_AT_ONCE)
                .collect()
                .await
        }
        ImportKind::OpenItems | ImportKind::Ledger => {
            facts::events(ctx, who, read, batch.dry_run).await?
        }
        ImportKind::ExchangeRates => facts::rates(ctx, who, read, batch.dry_run).await?,
        ImportKind::Signals => facts::signals(ctx, who, read, batch.dry_run).await?,
        ImportKind::Outcomes => facts::outcomes(ctx, who, read, batch.dry_run).await?,
    };
    for (i, outcome) in outcomes {
        let line = batch.rows[i].line;
        results[i] = Some(match outcome {
            Ok(outcome) => RowResult {
                line,
                outcome,
                issues: Vec::new(),
            },
            Err(issues) => failed(line, issues),
        });
    }
    let results: Vec<RowResult> = results
        .into_iter()
        .zip(&batch.rows)
        .map(|(r, row)| {
            r.unwrap_or_else(|| {
                failed(
                    row.line,
                    vec![issue("row", code::INVALID_VALUE, "not processed")],
                )
            })
        })
        .collect();
    let mut counts = BatchCounts::default();
    for r in &results {
        counts.add(r.outcome);
    }
    if !batch.dry_run
        && let Some(run) = &batch.run
    {
        let errors: Vec<ErrorRow> = results
            .iter()
            .zip(&batch.rows)
            .filter(|(r, _)| r.outcome == RowOutcome::Error)
            .map(|(r, row)| ErrorRow {
                line: row.line,
                cells: row.cells.clone(),
                issues: r.issues.clone(),
            })
            .collect();
        let at = crate::store::codec::stamp(ctx.clock.now());
        ctx.store
            .record_import_batch(&who.tenant, kind, run, &who.username, &at, &counts, &errors)
            .await?;
        if run.batch == 0 {
            let saved = SavedMapping {
                kind,
                mapping: batch.mapping.clone(),
            };
            ctx.store
                .put_import_mapping(&who.tenant, &run.layout, &saved)
                .await?;
        }
    }
    Ok(BatchResult {
        dry_run: batch.dry_run,
        counts,
        results,
    })
}

/// Who may read the import history: whoever may import some kind of file.
fn require_importer(who: &Principal) -> Result<(), ApiError> {
    match ImportKind::ALL
        .iter()
        .find(|k| policy::allows(who, action_for(**k)))
    {
        Some(kind) => policy::require_import(who, action_for(*kind)),
        None => policy::require_import(who, Action::ManageCustomers),
    }
}

/// `GET /v1/imports`: the tenant's imports, newest first.
pub async fn runs(ctx: &Ctx<'_>, who: &Principal) -> Result<Vec<ImportRun>, ApiError> {
    require_importer(who)?;
    Ok(ctx.store.import_runs(&who.tenant).await?)
}

/// `GET /v1/imports/{id}/errors`: the rows of a committed import that failed, with their cells.
pub async fn errors(ctx: &Ctx<'_>, who: &Principal, id: &str) -> Result<Vec<ErrorRow>, ApiError> {
    require_importer(who)?;
    if !valid_run_id(id) {
        return Err(ApiError::NotFound);
    }
    Ok(ctx.store.import_errors(&who.tenant, id).await?)
}

/// `GET /v1/imports/mappings/{layout}`: the mapping a file of this header layout was last
/// committed with (`None` when no such file was committed).
pub async fn mapping(
    ctx: &Ctx<'_>,
    who: &Principal,
    layout: &str,
) -> Result<Option<SavedMapping>, ApiError> {
    require_importer(who)?;
    if layout.is_empty() || layout.len() > 64 || !layout.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(ctx.store.import_mapping(&who.tenant, layout).await?)
}

/// `GET /v1/imports/templates/{kind}`: an empty workbook with the kind's columns, headed in
/// the reader's language so that it maps itself when it comes back filled in (required
/// fields first as the kind lists them).
pub fn template(
    who: &Principal,
    kind: ImportKind,
    zh: bool,
) -> Result<crate::export::Table, ApiError> {
    require_importer(who)?;
    let sheet = kind.as_str().to_owned();
    Ok(crate::export::Table {
        sheet,
        headers: kind
            .fields()
            .iter()
            .map(|f| columns::label(f.key, zh).to_owned())
            .collect(),
        rows: Vec::new(),
    })
}
