//! The credit report: one customer's file as a manager prints, shares or files it (the
//! skeleton of a bureau report applied to our own data).
//!
//! [`CreditReport`] is the data, gathered by the server from the credit file, the ledger,
//! orders, alerts, collections, signals and requests. [`document`] lays it out in one
//! language as a [`Doc`] of sections, facts, tables and charts; [`html`] renders a `Doc` as a
//! print-ready A4 page and the server renders the same `Doc` as a PDF. One layout, two
//! renderings: the page and the PDF never disagree.

mod build;
mod doc;
mod html;
mod letter;
mod svg;
mod words;

pub use build::document;
pub use doc::{Block, Chart, Column, Doc, Fact, Section, Series, Table, Tone};
pub use html::html;
pub use letter::{Addressee, letter};

use crate::{
    Grade, Money,
    credit::{ExposureView, GroupView, HistoryPoint},
    dto::CustomerSummary,
    engine::{Assessment, CreditFile, calendar::iso_date, quantity::Share},
    orders::BlockedOrder,
    watch::{Activity, Alert, RecordedSignal},
    workflow::{RequestKind, RequestStatus, Step},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// The report's language.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    /// `zh-CN`, `zh`, `en`, `en-GB` ... (case-insensitive); `None` for anything else.
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header the report speaks.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        header
            .split(',')
            .map(|part| part.split(';').next().unwrap_or(""))
            .find_map(Lang::parse)
    }

    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// Everything the report shows, as of one moment. Kept whole with an approved decision (the
/// snapshot), so a report of that decision can always be shown again exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditReport {
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Who asked for it (or, for a snapshot, who gave the approval it was kept for).
    pub generated_by: String,
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// Set when the report is the snapshot kept with an approved decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotOf>,
    pub customer: CustomerSummary,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupView>,
    pub assessment: Assessment,
    /// The file that counts today (decisions over the recommendation).
    pub file: CreditFile,
    pub recommended_limit: Money,
    pub exposure: ExposureView,
    /// Payment behaviour now; `None` for a reader without finance rights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub behaviour: Option<Behaviour>,
    /// The last twelve month-ends, oldest first.
    #[serde(default)]
    pub months: Vec<MonthFigures>,
    /// Changes of score, grade or limit over the last twelve months, newest first.
    #[serde(default)]
    pub history: Vec<HistoryPoint>,
    /// Orders the check blocked, newest first; `None` when the reader may not see them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orders: Option<Vec<BlockedOrder>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Vec<Alert>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Vec<Activity>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signals: Option<Vec<RecordedSignal>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decisions: Option<Vec<Decision>>,
}

/// The approved request a snapshot was kept for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotOf {
    pub request_id: String,
    pub kind: RequestKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    pub approved_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub approved_at: OffsetDateTime,
}

/// Payment behaviour as the engine measures it (see `engine::metrics`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Behaviour {
    /// The paydex-style payment index, 1 to 100 (80: pays on time).
    #[serde(default)]
    pub paydex: Option<u8>,
    /// Amount-weighted days paid beyond terms, last 12 months.
    #[serde(default)]
    pub days_beyond_terms: Option<Decimal>,
    #[serde(default)]
    pub on_time_share: Option<Share>,
    #[serde(default)]
    pub max_dpd_12m: Option<u32>,
    /// Days from invoice to payment, recent window.
    #[serde(default)]
    pub days_to_pay: Option<Decimal>,
    /// Days to pay, recent window minus the one before (positive: paying slower).
    #[serde(default)]
    pub days_to_pay_trend: Option<Decimal>,
    #[serde(default)]
    pub dso: Option<Decimal>,
    #[serde(default)]
    pub return_rate: Option<Decimal>,
    #[serde(default)]
    pub dispute_rate: Option<Decimal>,
    pub average_monthly_purchases: Money,
    pub orders_per_month: Decimal,
    #[serde(default)]
    pub tenure_months: Option<u32>,
    pub write_offs_12m: u32,
    pub written_off_12m: Money,
}

/// One month-end of the trend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthFigures {
    #[serde(with = "iso_date")]
    pub month_end: Date,
    /// The score in force that day (the latest history point on or before it).
    #[serde(default)]
    pub score: Option<Decimal>,
    #[serde(default)]
    pub grade: Option<Grade>,
    /// The payment index as of that day (finance rights only).
    #[serde(default)]
    pub paydex: Option<u8>,
    #[serde(default)]
    pub days_beyond_terms: Option<Decimal>,
    /// Overdue receivables that day (finance rights only).
    #[serde(default)]
    pub overdue: Option<Money>,
}

/// A credit decision requested on the customer, and who approved it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub request_id: String,
    pub kind: RequestKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    pub status: RequestStatus,
    pub requester: String,
    pub justification: String,
    #[serde(with = "time::serde::rfc3339")]
    pub filed_at: OffsetDateTime,
    pub steps: Vec<Step>,
}
