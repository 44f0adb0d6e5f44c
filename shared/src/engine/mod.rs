//! The credit engine: ledger → metrics → facts → score, grade and reasons → limit and terms,
//! and the order credit check. Pure and deterministic; the browser and the server run it
//! alike, and the server's answer is the one that counts.
//!
//! ```text
//! ledger entries ──Book::fold──▶ Book ──open_items()──▶ OpenItems ──check_order──▶ CheckResult
//!                                 │                          ▲            ▲
//!                                 └─Facts::gather─▶ Facts ──assess──▶ Assessment ──recommend──▶ Recommendation
//!                                                   (+ CustomerInfo)   (model)                 (policy)
//! ```
//!
//! A typical server call:
//!
//! ```
//! use credence_shared::engine::*;
//! use credence_shared::{Currency, Money};
//! use rust_decimal::Decimal;
//! use time::macros::date;
//!
//! let (model, policy) = (default_model(), default_policy());
//! let as_of = date!(2024 - 06 - 30);
//! let entries: Vec<LedgerEntry> = Vec::new(); // the customer's stored events
//! let book = Book::fold(Currency::CNY, &entries, as_of).unwrap();
//! let facts = Facts::gather(&book, CustomerInfo::default(), policy.exposure());
//! let assessment = assess(&facts, &model);
//! let recommendation = recommend(&assessment, &facts, &policy).unwrap();
//!
//! let file = CreditFile {
//!     limit: recommendation.limit,
//!     limit_expires: None,
//!     review_due: None,
//!     terms_days: recommendation.terms_days,
//!     prepayment_share: recommendation.prepayment_share,
//!     grade: Some(assessment.grade),
//!     on_hold: false,
//!     blacklisted: false,
//! };
//! let order = OrderRequest::new(Money::new(Decimal::from(5_000), Currency::CNY)).unwrap();
//! let result = check_order(&file, &book.open_items(), &order, &policy, as_of).unwrap();
//! assert_eq!(result.decision, Decision::Block); // no history, no limit yet
//! ```
//!
//! Invariants: no floats, no clocks (every function takes its "as of" date), no I/O; models and
//! policies are data, checked when read. Every metric is defined once, in [`metrics`].

pub mod allocate;
pub mod assess;
pub mod book;
pub mod calendar;
pub mod check;
pub mod evaluate;
pub mod evidence;
pub mod facts;
pub mod identity;
pub mod ledger;
pub mod metrics;
pub mod model;
pub mod open_items;
pub mod policy;
pub mod quantity;
pub mod recommend;
#[cfg(test)]
pub(crate) mod testkit;
pub mod windows;

pub use allocate::{AllocationError, AllocationPlan, allocate};
pub use assess::{Assessment, Effect, KnockOut, Reason, assess, breakdown};
pub use book::Book;
pub use check::{
    CheckError, CheckReason, CheckResult, CreditFile, Decision, Finding, OrderRequest, Severity,
    check_order,
};
pub use evaluate::{EvaluateError, Evaluation, Scenario, evaluate, file_from};
pub use evidence::{Evidence, SignalFact, SignalKind};
pub use facts::{
    BureauRating, CompanySize, CustomerInfo, ExternalSignals, Facts, FactsError, Financials, Flag,
    Metric, Profile, StatementLines,
};
pub use identity::{CountryCode, RegistrationError, RegistrationId};
pub use ledger::{Allocation, CreditReason, DocRef, LedgerEntry, LedgerError, LedgerEvent};
pub use metrics::{Behaviour, Metrics, Paydex};
pub use model::{
    LocalizedText, ModelError, ModelSpec, PerGrade, ScorecardModel, default_model,
    default_model_json,
};
pub use open_items::{Aging, ExposureComposition, OpenInvoice, OpenItems};
pub use policy::{
    ApprovalLevel, Policy, PolicyError, PolicySpec, RuleSeverity, default_policy,
    default_policy_json,
};
pub use quantity::{Multiplier, QuantityError, Share};
pub use recommend::{
    LimitBasis, LimitBinding, RecommendError, Recommendation, approval_level, recommend,
};
