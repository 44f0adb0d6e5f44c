//! Champion / challenger: a candidate model and policy that scores in shadow beside the
//! engine in force (the champion). Every recompute of a credit file of a customer in the
//! challenger's share also scores it with the challenger and keeps that beside the file
//! ([`Shadow`]); nothing decides on it. The comparison scores both, as of the day the
//! challenger started, on the customers in its share, and judges them on the outcomes
//! that have arrived since ([`ComparisonPage`], summed by [`Comparison::add`]).

use crate::engine::Share;
use crate::engine::calendar::iso_date;
use crate::{Grade, lab};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// A challenger as stored (`GET /v1/lab/challengers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Challenger {
    /// 1, 2, … in the order they were started.
    pub id: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    /// Percent of the customers scored in shadow (a stable hash of the customer's id).
    pub share_percent: u8,
    pub reason: String,
    pub started_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub started_at: OffsetDateTime,
    /// The day both are scored as of in the comparison.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub started_on: Date,
    /// Set when it stopped scoring; none while it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<ChallengerEnd>,
}

/// How a challenger stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChallengerEnd {
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub reason: String,
    /// The engine version it became, when it was promoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promoted_to: Option<u32>,
}

impl Challenger {
    pub fn is_running(&self) -> bool {
        self.ended.is_none()
    }

    /// Whether the customer keyed `key` is in the challenger's share.
    pub fn scores(&self, key: &str) -> bool {
        in_share(key, self.id, self.share_percent)
    }
}

/// Whether the customer keyed `key` is in the share of challenger `id` (the lab's split
/// hash, seeded by the challenger, so each challenger draws its own share).
pub fn in_share(key: &str, id: u32, share_percent: u8) -> bool {
    lab::in_validation(key, u64::from(id), share_percent)
}

/// `POST /v1/lab/challengers`: start one (an admin; a running one is replaced).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StartChallenger {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    /// 1 to 100 percent of the customers (default 100).
    #[serde(default = "all")]
    pub share_percent: u8,
    /// Why (1 to 500 characters once trimmed); kept in the audit trail.
    pub reason: String,
}

fn all() -> u8 {
    100
}

/// What the challenger makes of a customer, kept beside the champion's assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Shadow {
    pub challenger: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub score: Decimal,
    pub grade: Grade,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub pd: Share,
    /// The challenger's recommended limit, in the account currency.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub limit: Decimal,
}

/// `POST /v1/lab/challengers/comparison`: a page of the comparison of the running (or the
/// last) challenger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ComparisonRequest {
    /// Days past due that make a customer bad since the start (default 90); a write-off
    /// always does.
    #[serde(default = "ninety")]
    pub bad_dpd_days: u16,
    /// Judge by the ledger (default) or by the outcomes the tenant imported.
    #[serde(default)]
    pub outcome_source: lab::OutcomeSource,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

fn ninety() -> u16 {
    90
}

/// One customer of the share: both scores as of the start, and whether it went bad since.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparisonRow {
    pub champion: i64,
    pub challenger: i64,
    pub bad: bool,
}

/// A page of the comparison, or all pages summed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComparisonPage {
    pub challenger: u32,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub since: Date,
    pub rows: Vec<ComparisonRow>,
    /// Of the share's credit files, those whose stored shadow grade is the champion's, and
    /// those where it is not (files not yet re-scored since the start are in neither).
    pub same_grade: u32,
    pub other_grade: u32,
    /// Customers of the share not judged: no invoices before the start, or already as far
    /// past due as bad is then.
    pub not_judged: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The comparison so far: how each ranks the customers that went bad since the start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub customers: u32,
    pub bads: u32,
    pub champion: Option<lab::Performance>,
    pub challenger: Option<lab::Performance>,
}

impl ComparisonPage {
    /// A page of challenger `challenger` started on `since`, with nothing in it yet.
    pub fn empty(challenger: u32, since: Date) -> Self {
        ComparisonPage {
            challenger,
            since,
            rows: Vec::new(),
            same_grade: 0,
            other_grade: 0,
            not_judged: 0,
            next_cursor: None,
        }
    }

    /// Adds another page (its cursor becomes this one's).
    pub fn add(&mut self, page: &ComparisonPage) {
        self.challenger = page.challenger;
        self.since = page.since;
        self.rows.extend_from_slice(&page.rows);
        self.same_grade += page.same_grade;
        self.other_grade += page.other_grade;
        self.not_judged += page.not_judged;
        self.next_cursor.clone_from(&page.next_cursor);
    }

    /// AUC, Gini and KS of each on the rows so far (none without both bads and goods).
    pub fn compare(&self) -> Comparison {
        let of = |pick: fn(&ComparisonRow) -> i64| {
            let scores: Vec<(i64, bool)> = self.rows.iter().map(|r| (pick(r), r.bad)).collect();
            lab::stats::performance(&scores)
        };
        Comparison {
            customers: u32::try_from(self.rows.len()).unwrap_or(u32::MAX),
            bads: u32::try_from(self.rows.iter().filter(|r| r.bad).count()).unwrap_or(u32::MAX),
            champion: of(|r| r.champion),
            challenger: of(|r| r.challenger),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_share_is_the_same_on_every_call_and_each_challenger_draws_its_own() {
        // Arrange
        let keys: Vec<String> = (0..2_000).map(|i| format!("C{i:05}")).collect();

        // Act
        let first: Vec<bool> = keys.iter().map(|k| in_share(k, 1, 30)).collect();
        let again: Vec<bool> = keys.iter().map(|k| in_share(k, 1, 30)).collect();
        let second: Vec<bool> = keys.iter().map(|k| in_share(k, 2, 30)).collect();

        // Assert
        assert_eq!(first, again);
        let taken = first.iter().filter(|t| **t).count();
        assert!((450..=750).contains(&taken), "about 30%: {taken}");
        assert_ne!(first, second, "another challenger, another share");
        assert!(keys.iter().all(|k| in_share(k, 7, 100)), "100% is everyone");
    }

    #[test]
    fn pages_summed_judge_both_scores_on_the_same_customers() {
        // Arrange: the challenger ranks the bads lowest, the champion highest.
        let row = |i: i64, bad: bool| ComparisonRow {
            champion: if bad { 700 + i } else { 400 + i },
            challenger: if bad { 400 + i } else { 700 + i },
            bad,
        };
        let since = date!(2026 - 09 - 01);
        let mut first = ComparisonPage::empty(3, since);
        first.rows = (0..10).map(|i| row(i, i % 3 == 0)).collect();
        first.same_grade = 4;
        let mut second = ComparisonPage::empty(3, since);
        second.rows = (10..20).map(|i| row(i, i % 3 == 0)).collect();
        second.other_grade = 2;
        second.not_judged = 5;
        let mut total = ComparisonPage::empty(3, since);

        // Act
        total.add(&first);
        total.add(&second);
        let compared = total.compare();

        // Assert
        assert_eq!((compared.customers, compared.bads), (20, 7));
        assert_eq!(
            (total.same_grade, total.other_grade, total.not_judged),
            (4, 2, 5)
        );
        let auc = |p: &Option<lab::Performance>| p.as_ref().map(|p| p.auc);
        assert_eq!(auc(&compared.challenger), Some(Decimal::ONE));
        assert_eq!(auc(&compared.champion), Some(Decimal::ZERO));
    }
}
