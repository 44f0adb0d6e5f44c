//! The lab's API shapes: a page of the development sample built from the ledger, and a fit
//! of a sample.

use super::fit::{FitOptions, FitReport};
use super::sample::Observation;
use crate::engine::calendar::iso_date;
use serde::{Deserialize, Serialize};
use time::Date;

/// `POST /v1/lab/sample`: which customers, observed when, judged how, and where this page
/// starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SampleRequest {
    /// The day the customers are seen as they were; the outcome window must have ended.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2025-06-30"))]
    pub observation_date: Date,
    /// The outcome window after the observation date, 1 to 36 months (default 12).
    #[serde(default = "twelve")]
    pub outcome_months: u8,
    /// Days past due that make a customer bad (default 90); a write-off always does.
    #[serde(default = "ninety")]
    pub bad_dpd_days: u16,
    /// Share of customers kept apart for validation, 0 to 90 percent (default 30).
    #[serde(default = "thirty")]
    pub validation_percent: u8,
    /// Seeds the split: the same seed keeps the same customers apart.
    #[serde(default = "one")]
    pub seed: u64,
    /// Where bad comes from: the ledger (default) or the imported outcomes.
    #[serde(default)]
    pub outcome_source: OutcomeSource,
    /// Only the customers with this tag (on their master record); none: everyone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub tag: Option<String>,
    /// Only the customers this import brought in (the id of a customer-file import, `GET
    /// /v1/imports`); none: however they came.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub import_run: Option<String>,
    /// The page's start (`next_cursor` of the last page; none for the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

fn twelve() -> u8 {
    12
}
fn ninety() -> u16 {
    90
}
fn thirty() -> u8 {
    30
}
fn one() -> u64 {
    1
}

/// One customer of the sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SampleRow {
    /// The tenant's customer number.
    pub customer: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub observation: Observation,
}

/// A page of the sample: the characteristics the values are for (the codes of the model in
/// force, in order), the customers with enough history, and how many were left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SamplePage {
    pub characteristics: Vec<String>,
    pub rows: Vec<SampleRow>,
    /// Customers of this page without an invoice by the observation date.
    pub excluded: u32,
    /// Customers of this page already bad on the observation date (an invoice open that many
    /// days past due): there is nothing left to predict about them, and counting them would
    /// flatter any model.
    #[serde(default)]
    pub already_bad: u32,
    /// Customers of this page outside the restriction (without its tag, or not brought in
    /// by its import).
    #[serde(default)]
    pub other_tags: u32,
    /// Where the next page starts; none when this was the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// `POST /v1/lab/fits`: a sample (rows of `POST /v1/lab/sample`, all pages) and the
/// analyst's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FitRequest {
    /// The characteristic codes the rows' values are for, as the sample pages gave them.
    pub characteristics: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub observations: Vec<Observation>,
    #[serde(default)]
    pub options: FitOptions,
}

/// A fitted model (the engine's JSON, ready for `POST /v1/admin/engine-versions`) and its
/// report. Nothing is published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FitResponse {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: crate::engine::ScorecardModel,
    pub report: FitReport,
}

/// A customer's outcome on a day, imported from a file (`outcomes` import): whether it went
/// bad then. A sample may judge customers by these instead of by their ledger.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportedOutcome {
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub bad: bool,
}

impl ImportedOutcome {
    /// Whether `outcomes` say the customer was bad on or before `day`…
    pub fn bad_by(outcomes: &[ImportedOutcome], day: Date) -> bool {
        outcomes.iter().any(|o| o.bad && o.date <= day)
    }

    /// …and whether they say it went bad after `from`, up to and with `to`.
    pub fn bad_between(outcomes: &[ImportedOutcome], from: Date, to: Date) -> bool {
        outcomes
            .iter()
            .any(|o| o.bad && o.date > from && o.date <= to)
    }
}

/// Where a sample's outcomes come from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OutcomeSource {
    /// The ledger: days past due or a write-off in the window.
    #[default]
    Ledger,
    /// The imported outcomes: a bad one dated in the window (a customer without one is good).
    Imported,
}
