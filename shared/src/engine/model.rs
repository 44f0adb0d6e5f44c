//! The scorecard model as data: characteristics with bins and points, the score scaling,
//! grade cut-offs with their calibrated probability of default, knock-out rules and the reason
//! texts in Chinese and English.
//!
//! A model is versioned JSON. A risk team changes it without a deploy; browser and server
//! load the same file and score the same way. A model is checked when it is read
//! ([`ScorecardModel`] can only hold a valid one), so evaluating it cannot fail.

use super::facts::{Flag, Metric};
use super::quantity::Share;
use crate::Grade;
use rust_decimal::{Decimal, MathematicalOps};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A text shown to people, in each language Credence speaks.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LocalizedText {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub zh_cn: Arc<str>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub en: Arc<str>,
}

/// One value per grade. In JSON an object with keys `"A"` to `"E"`, all required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PerGrade<T> {
    #[serde(rename = "A")]
    pub a: T,
    #[serde(rename = "B")]
    pub b: T,
    #[serde(rename = "C")]
    pub c: T,
    #[serde(rename = "D")]
    pub d: T,
    #[serde(rename = "E")]
    pub e: T,
}

impl<T> PerGrade<T> {
    pub fn get(&self, grade: Grade) -> &T {
        match grade {
            Grade::A => &self.a,
            Grade::B => &self.b,
            Grade::C => &self.c,
            Grade::D => &self.d,
            Grade::E => &self.e,
        }
    }

    /// Best grade first.
    pub fn iter(&self) -> impl Iterator<Item = (Grade, &T)> {
        Grade::ALL.into_iter().map(move |g| (g, self.get(g)))
    }
}

/// How scores relate to odds: `base_score` points mean good:bad odds of `base_odds`, and every
/// `pdo` more points double the odds. The points in the bins are on this scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scaling {
    pub base_score: Decimal,
    pub base_odds: Decimal,
    /// Points to double the odds.
    pub pdo: Decimal,
}

impl Scaling {
    /// Good:bad odds at `score`: `base_odds · 2^((score − base_score) / pdo)`. `None` if the
    /// power overflows (scores far outside any model's range).
    pub fn odds_at(&self, score: Decimal) -> Option<Decimal> {
        let exponent = (score - self.base_score).checked_div(self.pdo)?;
        Decimal::TWO
            .checked_powd(exponent)
            .and_then(|p| p.checked_mul(self.base_odds))
    }

    /// The probability of default the scale implies at `score`: `1 / (1 + odds)`.
    pub fn pd_at(&self, score: Decimal) -> Option<Share> {
        let odds = self.odds_at(score)?;
        Share::new(Decimal::ONE.checked_div(Decimal::ONE + odds)?).ok()
    }
}

/// A bin covers values from `from` (inclusive) up to the next bin's `from`; the first bin has
/// no `from` and starts at minus infinity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bin {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Decimal>,
    pub points: Decimal,
}

/// One scored question about the customer: which metric, its bins, and what to say when it
/// lowers or raises the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Characteristic {
    /// The reason code analysts and integrations quote, e.g. `PAY_INDEX`.
    pub code: Arc<str>,
    pub metric: Metric,
    pub name: LocalizedText,
    /// Points when the metric is unknown (no history, not checked).
    pub missing_points: Decimal,
    /// Ascending by `from`.
    pub bins: Vec<Bin>,
    /// Said when this characteristic cost points.
    pub lowered: LocalizedText,
    /// Said when it earned points.
    pub raised: LocalizedText,
}

impl Characteristic {
    /// Points for a value: the last bin whose `from` is at or below it.
    pub fn points_for(&self, value: Option<Decimal>) -> Decimal {
        let Some(value) = value else {
            return self.missing_points;
        };
        for bin in self.bins.iter().rev() {
            match bin.from {
                Some(from) if value < from => continue,
                _ => return bin.points,
            }
        }
        // Unreachable for a checked model (its first bin is open below).
        self.missing_points
    }
}

/// A grade's band: scores from `min_score` up (to the better grade's `min_score`), and the
/// calibrated probability of default of customers in it over 12 months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// Absent for the worst grade, which takes every lower score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_score: Option<Decimal>,
    pub pd: Share,
}

/// When a knock-out rule fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The flag is set.
    Flag { flag: Flag },
    /// The metric is known and at least `value`.
    AtLeast { metric: Metric, value: Decimal },
}

/// A rule that overrides the score: if it fires, the grade is at best the model's
/// `knock_out_grade`, whatever the points say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KnockOutRule {
    pub code: Arc<str>,
    pub when: Condition,
    pub text: LocalizedText,
}

/// A checked scorecard model. Build it by deserialising JSON or with [`ScorecardModel::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ModelSpec", into = "ModelSpec")]
pub struct ScorecardModel {
    spec: ModelSpec,
}

/// The model's content, unchecked. [`ScorecardModel::new`] checks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    pub id: Arc<str>,
    pub version: u32,
    #[serde(default)]
    pub description: String,
    pub scaling: Scaling,
    /// Points everyone starts with; characteristic points are deviations from an average
    /// customer, so an average customer scores about this.
    pub base_points: Decimal,
    pub characteristics: Vec<Characteristic>,
    pub grades: PerGrade<GradeBand>,
    pub knock_outs: Vec<KnockOutRule>,
    pub knock_out_grade: Grade,
    /// How many reasons an assessment gives.
    pub reason_count: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    #[error("a model needs an id and a version of 1 or more")]
    Identity,
    #[error("the scaling needs positive base odds and points to double the odds")]
    Scaling,
    #[error("characteristic {0}: the first bin must have no `from` and the others must ascend")]
    Bins(String),
    #[error("characteristic code {0} is used twice")]
    DuplicateCode(String),
    #[error("metric {0:?} is scored twice; its weight would count double")]
    DuplicateMetric(Metric),
    #[error(
        "grades: A to D need a `min_score`, descending; E must have none; PDs must rise from A to E"
    )]
    Grades,
    #[error("reason_count must be 1 to 10")]
    ReasonCount,
    #[error(
        "points (the base and every bin's) must be within ±100000 with at most 4 decimals, and a model has at most 100 characteristics"
    )]
    Points,
}

/// The most points a base or a bin may carry, either way: far beyond any scorecard, and
/// small enough that no sum of [`MAX_CHARACTERISTICS`] of them can overflow.
pub const MAX_POINTS: i64 = 100_000;

/// The most characteristics a model may have.
pub const MAX_CHARACTERISTICS: usize = 100;

/// The most reasons an assessment can carry; fixed so scoring needs no heap for ranking.
pub const MAX_REASONS: usize = 10;

impl ScorecardModel {
    pub fn new(spec: ModelSpec) -> Result<Self, ModelError> {
        if spec.id.trim().is_empty() || spec.version == 0 {
            return Err(ModelError::Identity);
        }
        if spec.scaling.base_odds <= Decimal::ZERO || spec.scaling.pdo <= Decimal::ZERO {
            return Err(ModelError::Scaling);
        }
        let within = |p: Decimal| p.abs() <= Decimal::from(MAX_POINTS) && p.scale() <= 4;
        if spec.characteristics.len() > MAX_CHARACTERISTICS
            || !within(spec.base_points)
            || spec
                .characteristics
                .iter()
                .any(|c| !within(c.missing_points) || c.bins.iter().any(|b| !within(b.points)))
        {
            return Err(ModelError::Points);
        }
        for (i, c) in spec.characteristics.iter().enumerate() {
            let ascending = c.bins.windows(2).all(|w| match (w[0].from, w[1].from) {
                (None, Some(_)) => true,
                (Some(a), Some(b)) => a < b,
                _ => false,
            });
            if c.bins.is_empty() || c.bins[0].from.is_some() || !ascending {
                return Err(ModelError::Bins(c.code.to_string()));
            }
            if spec.characteristics[..i].iter().any(|o| o.code == c.code) {
                return Err(ModelError::DuplicateCode(c.code.to_string()));
            }
            if spec.characteristics[..i]
                .iter()
                .any(|o| o.metric == c.metric)
            {
                return Err(ModelError::DuplicateMetric(c.metric));
            }
        }
        let bands: Vec<(Grade, &GradeBand)> = spec.grades.iter().collect();
        let cut_offs_ok = bands.windows(2).all(|w| {
            let (better, worse) = (w[0].1, w[1].1);
            let pd_rises = better.pd < worse.pd;
            match (better.min_score, worse.min_score) {
                (Some(a), Some(b)) => a > b && pd_rises,
                (Some(_), None) => w[1].0 == Grade::E && pd_rises,
                _ => false,
            }
        });
        if !cut_offs_ok || spec.grades.e.min_score.is_some() {
            return Err(ModelError::Grades);
        }
        if spec.reason_count == 0 || usize::from(spec.reason_count) > MAX_REASONS {
            return Err(ModelError::ReasonCount);
        }
        Ok(Self { spec })
    }

    pub fn spec(&self) -> &ModelSpec {
        &self.spec
    }
    pub fn id(&self) -> &Arc<str> {
        &self.spec.id
    }
    pub fn version(&self) -> u32 {
        self.spec.version
    }
    pub fn scaling(&self) -> &Scaling {
        &self.spec.scaling
    }
    pub fn base_points(&self) -> Decimal {
        self.spec.base_points
    }
    pub fn characteristics(&self) -> &[Characteristic] {
        &self.spec.characteristics
    }
    pub fn grades(&self) -> &PerGrade<GradeBand> {
        &self.spec.grades
    }
    pub fn knock_outs(&self) -> &[KnockOutRule] {
        &self.spec.knock_outs
    }
    pub fn knock_out_grade(&self) -> Grade {
        self.spec.knock_out_grade
    }
    pub fn reason_count(&self) -> usize {
        usize::from(self.spec.reason_count)
    }

    /// The days past due at which an open invoice, by ageing alone, can change this model's
    /// score or fire one of its knock-outs: the bin edges of the characteristics that measure
    /// days past due and the knock-out thresholds on them, ascending. The daily pass wakes a
    /// customer on `due + edge` of each open invoice, and re-scores it then.
    pub fn ageing_edges(&self) -> Vec<i64> {
        use rust_decimal::prelude::ToPrimitive;
        let ages = |m: Metric| {
            matches!(
                m,
                Metric::MaxDpd3m | Metric::MaxDpd6m | Metric::MaxDpd12m | Metric::OldestOverdueDays
            )
        };
        let bins = self
            .spec
            .characteristics
            .iter()
            .filter(|c| ages(c.metric))
            .flat_map(|c| c.bins.iter().filter_map(|b| b.from));
        let knock_outs = self.spec.knock_outs.iter().filter_map(|k| match k.when {
            Condition::AtLeast { metric, value } if ages(metric) => Some(value),
            _ => None,
        });
        let mut edges: Vec<i64> = bins
            .chain(knock_outs)
            .filter_map(|d| d.ceil().to_i64())
            .filter(|d| *d > 0)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    /// The months since the last invoice at which, by time alone, this model's score can
    /// change (the bin edges of the characteristics on [`Metric::MonthsSinceInvoice`]),
    /// ascending. The daily pass wakes a quiet customer on those anniversaries.
    pub fn dormancy_edges(&self) -> Vec<u32> {
        use rust_decimal::prelude::ToPrimitive;
        let mut edges: Vec<u32> = self
            .spec
            .characteristics
            .iter()
            .filter(|c| c.metric == Metric::MonthsSinceInvoice)
            .flat_map(|c| c.bins.iter().filter_map(|b| b.from))
            .filter_map(|m| m.ceil().to_u32())
            .filter(|m| *m > 0)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        edges
    }

    /// The grade a score earns: the best grade whose `min_score` it reaches.
    pub fn grade_for(&self, score: Decimal) -> Grade {
        self.spec
            .grades
            .iter()
            .find(|(_, band)| band.min_score.is_none_or(|min| score >= min))
            .map_or(Grade::E, |(grade, _)| grade)
    }

    /// The lowest and highest score the characteristics allow (knock-outs aside).
    pub fn score_range(&self) -> (Decimal, Decimal) {
        let mut low = self.spec.base_points;
        let mut high = self.spec.base_points;
        for c in &self.spec.characteristics {
            let points = c.bins.iter().map(|b| b.points).chain([c.missing_points]);
            low += points.clone().min().unwrap_or(Decimal::ZERO);
            high += points.max().unwrap_or(Decimal::ZERO);
        }
        (low, high)
    }
}

impl TryFrom<ModelSpec> for ScorecardModel {
    type Error = ModelError;
    fn try_from(spec: ModelSpec) -> Result<Self, ModelError> {
        ScorecardModel::new(spec)
    }
}

impl From<ScorecardModel> for ModelSpec {
    fn from(model: ScorecardModel) -> Self {
        model.spec
    }
}

const DEFAULT_MODEL_JSON: &str = include_str!("../../defaults/model.json");

/// The model Credence ships with (see `shared/MODEL.md` for why each weight is what it is).
pub fn default_model() -> ScorecardModel {
    // The file is part of the crate and a test parses it; failing here is a build defect.
    serde_json::from_str(DEFAULT_MODEL_JSON).expect("shared/defaults/model.json is valid")
}

/// The default model's JSON, for a risk team to start its own from.
pub fn default_model_json() -> &'static str {
    DEFAULT_MODEL_JSON
}

#[cfg(test)]
mod tests {
    // Case tables are tuples; naming each shape would only hide the table.
    #![allow(clippy::type_complexity)]

    use super::*;
    use crate::engine::testkit::dec;

    fn spec() -> ModelSpec {
        default_model().spec().clone()
    }

    #[test]
    fn the_default_model_reads_and_writes_back_unchanged() {
        let model = default_model();
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(
            serde_json::from_str::<ScorecardModel>(&json).unwrap(),
            model
        );
        let (low, high) = model.score_range();
        assert!(low < dec("500") && high > dec("680"), "{low}..{high}");
    }

    #[test]
    fn the_default_model_can_change_as_an_invoice_ages_at_its_dpd_bins_and_knock_out() {
        // Act
        let edges = default_model().ageing_edges();

        // Assert: max_dpd_12m's bins and the 180-day knock-out.
        assert_eq!(edges, [1, 16, 31, 61, 91, 180]);
    }

    #[test]
    fn a_broken_model_is_refused_when_read() {
        let cases: Vec<(fn(&mut ModelSpec), ModelError)> = vec![
            (|s| s.version = 0, ModelError::Identity),
            (|s| s.scaling.pdo = Decimal::ZERO, ModelError::Scaling),
            (
                |s| s.characteristics[0].bins[0].from = Some(Decimal::ONE),
                ModelError::Bins("PAY_INDEX".into()),
            ),
            (
                |s| s.characteristics[0].bins.swap(1, 2),
                ModelError::Bins("PAY_INDEX".into()),
            ),
            (
                |s| s.characteristics[1].code = "PAY_INDEX".into(),
                ModelError::DuplicateCode("PAY_INDEX".into()),
            ),
            (
                |s| s.characteristics[1].metric = Metric::Paydex,
                ModelError::DuplicateMetric(Metric::Paydex),
            ),
            (
                |s| s.grades.b.min_score = Some(Decimal::from(700)),
                ModelError::Grades,
            ),
            (
                |s| s.grades.e.min_score = Some(Decimal::ZERO),
                ModelError::Grades,
            ),
            (|s| s.grades.c.pd = s.grades.d.pd, ModelError::Grades),
            (|s| s.reason_count = 11, ModelError::ReasonCount),
            (|s| s.base_points = Decimal::MAX, ModelError::Points),
            (
                |s| s.characteristics[1].bins[1].points = Decimal::from(-100_001),
                ModelError::Points,
            ),
            (
                |s| s.characteristics[0].bins[0].points = Decimal::new(1, 28),
                ModelError::Points,
            ),
            (
                |s| s.characteristics[0].missing_points = Decimal::MAX,
                ModelError::Points,
            ),
        ];
        for (breaks, expected) in cases {
            let mut s = spec();
            breaks(&mut s);
            assert_eq!(ScorecardModel::new(s), Err(expected.clone()), "{expected}");
        }
    }

    #[test]
    fn a_value_earns_the_points_of_the_last_bin_it_reaches() {
        let model = default_model();
        let paydex = &model.characteristics()[0];
        let cases = [
            (None, "-10"),
            (Some("1"), "-60"),
            (Some("30"), "-35"),
            (Some("79"), "0"),
            (Some("80"), "20"),
            (Some("100"), "30"),
        ];
        for (value, points) in cases {
            assert_eq!(paydex.points_for(value.map(dec)), dec(points), "{value:?}");
        }
    }

    #[test]
    fn grades_follow_the_cut_offs_and_the_scaling_implies_the_odds() {
        let model = default_model();
        let cases = [
            ("780", Grade::A),
            ("680", Grade::A),
            ("679.99", Grade::B),
            ("620", Grade::B),
            ("560", Grade::C),
            ("500", Grade::D),
            ("499", Grade::E),
        ];
        for (score, grade) in cases {
            assert_eq!(model.grade_for(dec(score)), grade, "{score}");
        }
        // 600 points = 30:1; 40 more double it.
        assert_eq!(model.scaling().odds_at(dec("600")), Some(dec("30")));
        assert_eq!(
            model.scaling().odds_at(dec("640")).map(|o| o.round_dp(6)),
            Some(dec("60"))
        );
    }
}
