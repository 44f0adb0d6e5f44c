//! The whole engine in one call: ledger and customer file → facts → assessment →
//! recommendation → order check. What the test vectors run, natively and in the browser, and
//! what the API calls when it recomputes a credit file.

use super::assess::{Assessment, assess};
use super::book::Book;
use super::calendar::iso_date;
use super::check::{CheckError, CheckResult, CreditFile, OrderRequest, check_order};
use super::facts::{CustomerInfo, Facts};
use super::ledger::{LedgerEntry, LedgerError};
use super::model::ScorecardModel;
use super::policy::Policy;
use super::recommend::{RecommendError, Recommendation, recommend};
use crate::Currency;
use serde::{Deserialize, Serialize};
use time::Date;

/// Everything the engine needs about one customer on one date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// The account currency; every ledger amount is in it.
    pub currency: Currency,
    #[serde(default)]
    pub entries: Vec<LedgerEntry>,
    #[serde(default)]
    pub customer: CustomerInfo,
    /// The decisions in force. Absent: the order is checked against the recommendation, as
    /// if it had been adopted (a what-if preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_file: Option<CreditFile>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderRequest>,
}

/// What the engine says about a [`Scenario`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    pub facts: Facts,
    pub assessment: Assessment,
    pub recommendation: Recommendation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<CheckResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluateError {
    #[error(transparent)]
    Ledger(#[from] LedgerError),
    #[error(transparent)]
    Recommend(#[from] RecommendError),
    #[error(transparent)]
    Check(#[from] CheckError),
}

/// The credit file a recommendation would give: no expiry, no review date, not on hold.
/// Blacklisted as the customer's file says.
pub fn file_from(recommendation: &Recommendation, customer: &CustomerInfo) -> CreditFile {
    CreditFile {
        limit: recommendation.limit,
        limit_expires: None,
        review_due: None,
        terms_days: recommendation.terms_days,
        prepayment_share: recommendation.prepayment_share,
        grade: Some(recommendation.grade),
        on_hold: false,
        blacklisted: customer.blacklisted,
    }
}

/// Runs the whole engine on `scenario` with `model` and `policy` (in the account currency).
pub fn evaluate(
    scenario: &Scenario,
    model: &ScorecardModel,
    policy: &Policy,
) -> Result<Evaluation, EvaluateError> {
    let book = Book::fold(scenario.currency, &scenario.entries, scenario.as_of)?;
    let facts = Facts::gather(&book, scenario.customer.clone(), policy.exposure());
    let assessment = assess(&facts, model);
    let recommendation = recommend(&assessment, &facts, policy)?;
    let check = match &scenario.order {
        Some(order) => {
            let file = scenario
                .credit_file
                .clone()
                .unwrap_or_else(|| file_from(&recommendation, &scenario.customer));
            Some(check_order(
                &file,
                &book.open_items(),
                order,
                policy,
                scenario.as_of,
            )?)
        }
        None => None,
    };
    Ok(Evaluation {
        facts,
        assessment,
        recommendation,
        check,
    })
}
