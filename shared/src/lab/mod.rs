//! The scoring lab: fit a scorecard to a tenant's own outcomes and prove it.
//!
//! The output is an ordinary [`ScorecardModel`](crate::engine::ScorecardModel) — the same
//! versioned JSON the engine runs in the browser and on the server — with a report a risk
//! committee reads. The steps, each its own module:
//!
//! 1. [`sample`]: one [`Observation`] per customer — the engine's own metric values as of an
//!    observation date (from `Facts`, so there is no second feature pipeline), whether it
//!    went bad in the window after, and whether it is in the development or the validation
//!    part.
//! 2. [`binning`]: per characteristic, bins with at least a minimum share of the sample,
//!    merged until their weight of evidence is monotone in the direction [`direction`] gives
//!    (so paying later never raises a fitted score either), a separate missing bin, and the
//!    information value.
//! 3. [`regress`]: a ridge-regularised logistic regression on the weights of evidence by
//!    Newton's method (IRLS): small, exact and deterministic.
//! 4. [`fit`]: selection (information value, correlation, the analyst's force in/out),
//!    scaling to whole points, grade cut-offs and PDs calibrated on the sample, and the
//!    model checked by `ScorecardModel::new` like a hand-written one.
//! 5. [`stats`]: AUC, Gini, KS, calibration and population stability.
//!
//! Statistics are computed in `f64` in these files only (tidy's `FLOAT_FILES`); logarithms
//! and exponentials come from `libm`, so native and wasm give the same bits. Everything a
//! report or a model carries is `Decimal`.

pub mod binning;
pub mod challenger;
pub mod fit;
pub mod regress;
pub mod sample;
pub mod stats;
pub mod wire;

pub use binning::{BinStat, Binned};
pub use fit::{CharacteristicReport, DropReason, FitOptions, FitReport, Fitted, GradeShares, fit};
pub use sample::{Candidate, Direction, Observation, candidates_of, direction, in_validation};
pub use stats::{Calibration, Performance, Stability, StabilityVerdict};
pub use wire::{
    FitRequest, FitResponse, ImportedOutcome, OutcomeSource, SamplePage, SampleRequest, SampleRow,
};

use crate::engine::ModelError;

/// Why a fit cannot give a model. Each is a clear message on the lab screen and a 422 from
/// the API; none leaves a broken model version behind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabError {
    #[error("the sample has no customers with enough history")]
    EmptySample,
    #[error(
        "the development sample has no bad customers: nothing to learn what bad looks like from"
    )]
    NoBads,
    #[error("the development sample has no good customers")]
    NoGoods,
    #[error("characteristic {0} was forced in but has a single value in the sample")]
    ForcedWithoutVariation(String),
    #[error("characteristic {0} is not one the model in force scores")]
    UnknownCharacteristic(String),
    #[error("no characteristic separates good from bad customers in this sample")]
    NothingSelected,
    #[error("the regression did not converge; try fewer characteristics or a larger sample")]
    DidNotConverge,
    #[error("the option {field} is out of range: {why}")]
    Option {
        field: &'static str,
        why: &'static str,
    },
    #[error("the fitted model is not valid: {0}")]
    Model(#[from] ModelError),
}

impl LabError {
    /// The input field the error is about, for problem+json and the lab screen.
    pub fn field(&self) -> &'static str {
        match self {
            LabError::EmptySample | LabError::NoBads | LabError::NoGoods => "sample",
            LabError::ForcedWithoutVariation(_) | LabError::UnknownCharacteristic(_) => "force_in",
            LabError::Option { field, .. } => field,
            LabError::NothingSelected | LabError::DidNotConverge | LabError::Model(_) => "model",
        }
    }
}
