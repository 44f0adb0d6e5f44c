//! The wire shape of an import: a batch of rows the browser or the command-line importer
//! read (`POST /v1/imports/{kind}`), what each row did, and the import history.

use super::cells::DayOrder;
use super::columns::{ImportKind, normalise};
use super::rows::RowIssue;
use crate::Currency;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Most rows one batch takes.
pub const MAX_ROWS: usize = 500;
/// Most columns a row has, and characters a cell has.
pub const MAX_COLUMNS: usize = 100;
pub const MAX_CELL: usize = 2000;

/// `POST /v1/imports/{kind}`: one batch of a file's rows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// Only check the rows and say what each would do.
    #[serde(default)]
    pub dry_run: bool,
    /// The field each column holds (`customer`, `name`, `limit`, …; `null` to skip it).
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub mapping: Vec<Option<String>>,
    /// How `05.01.2026` reads (default day first).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub day_order: DayOrder,
    /// The currency of amounts without a currency column (default: the tenant's).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub currency: Option<Currency>,
    /// The import this batch belongs to, for the history (a commit without it is not
    /// recorded there).
    #[serde(default)]
    pub run: Option<RunInfo>,
    #[cfg_attr(feature = "openapi", schema(max_items = 500))]
    pub rows: Vec<BatchRow>,
}

/// Which import a batch belongs to and where it is in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RunInfo {
    /// The client's id for this import (1 to 64 of `A-Z a-z 0-9 - _`): the file's SHA-256
    /// prefix and the time it was started, say.
    pub id: String,
    /// The file's name as the user picked it (at most 255 characters).
    pub file_name: String,
    /// The SHA-256 of the file's bytes, 64 hex digits.
    pub sha256: String,
    /// The file's header layout ([`layout_of`]): the mapping is remembered under it.
    pub layout: String,
    /// This batch's number in the file, from 0: a batch sent twice is counted once.
    pub batch: u32,
    /// How many data rows the file has.
    pub rows_total: u32,
}

/// A row of the file: its line number (for the error file) and its cells as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BatchRow {
    pub line: u32,
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub cells: Vec<String>,
}

impl super::rows::RowCells for BatchRow {
    fn cell(&self, column: usize) -> Option<&str> {
        self.cells.get(column).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    Created,
    Updated,
    Unchanged,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowResult {
    pub line: u32,
    pub outcome: RowOutcome,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub issues: Vec<RowIssue>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchCounts {
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub errors: u32,
}

impl BatchCounts {
    pub fn add(&mut self, outcome: RowOutcome) {
        match outcome {
            RowOutcome::Created => self.created += 1,
            RowOutcome::Updated => self.updated += 1,
            RowOutcome::Unchanged => self.unchanged += 1,
            RowOutcome::Error => self.errors += 1,
        }
    }

    /// Adds another batch's counts.
    pub fn merge(&mut self, other: &BatchCounts) {
        self.created += other.created;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.errors += other.errors;
    }

    pub fn rows(&self) -> u32 {
        self.created + self.updated + self.unchanged + self.errors
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchResult {
    pub dry_run: bool,
    pub counts: BatchCounts,
    pub results: Vec<RowResult>,
}

/// One import in the tenant's history (`GET /v1/imports`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportRun {
    pub id: String,
    pub kind: ImportKind,
    pub file_name: String,
    pub sha256: String,
    pub started_by: String,
    pub started_at: String,
    pub updated_at: String,
    pub rows_total: u32,
    /// Batches committed so far.
    pub batches: u32,
    pub counts: BatchCounts,
}

impl ImportRun {
    /// Every row of the file has been committed.
    pub fn finished(&self) -> bool {
        self.counts.rows() >= self.rows_total
    }
}

/// A row that failed in a committed import: its line, cells and problems
/// (`GET /v1/imports/{id}/errors`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorRow {
    pub line: u32,
    pub cells: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub issues: Vec<RowIssue>,
}

/// A remembered mapping (`GET /v1/imports/mappings/{layout}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SavedMapping {
    pub kind: ImportKind,
    pub mapping: Vec<Option<String>>,
}

/// A file's header layout: a digest of its kind and normalised headers, so next month's
/// export with the same columns finds the mapping the user fixed this month.
pub fn layout_of(kind: ImportKind, headers: &[String]) -> String {
    let mut h = Sha256::new();
    h.update(serde_json::to_string(&kind).unwrap_or_default().as_bytes());
    for header in headers {
        h.update(b"\x1f");
        h.update(normalise(header).as_bytes());
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `id` is a run id: 1 to 64 of `A-Z a-z 0-9 - _`.
pub fn valid_run_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether `sha` is 64 lowercase hex digits.
pub fn valid_sha256(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The SHA-256 of a file's bytes as 64 lowercase hex digits (the import history's
/// fingerprint of the file).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// [`sha256_hex`] of everything `reader` gives, read in pieces.
pub fn sha256_of(mut reader: impl std::io::Read) -> std::io::Result<String> {
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buffer)?;
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}
