//! Fitting a scorecard: selection, regression, points, grades, and the report.

use super::LabError;
use super::binning::{BinStat, Binned, bin};
use super::regress::logistic;
use super::sample::{Candidate, Observation};
use super::stats::{self, Calibration, Performance, Stability, figure};
use crate::Grade;
use crate::engine::model::{Bin, Characteristic, GradeBand};
use crate::engine::{LocalizedText, Metric, ModelSpec, PerGrade, ScorecardModel, Share};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Share of the development sample in each grade, in percent, best first. They must add up
/// to 100 and each be at least 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GradeShares {
    #[serde(rename = "A")]
    pub a: u8,
    #[serde(rename = "B")]
    pub b: u8,
    #[serde(rename = "C")]
    pub c: u8,
    #[serde(rename = "D")]
    pub d: u8,
    #[serde(rename = "E")]
    pub e: u8,
}

impl Default for GradeShares {
    fn default() -> Self {
        GradeShares {
            a: 15,
            b: 25,
            c: 30,
            d: 20,
            e: 10,
        }
    }
}

/// The analyst's choices for a fit. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct FitOptions {
    /// The fewest customers a bin may hold, as a share of the development sample.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.05"))]
    pub min_bin_share: Decimal,
    /// Characteristics with a lower information value are left out.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.02"))]
    pub iv_threshold: Decimal,
    /// A characteristic whose weights correlate more than this with a stronger one's is
    /// left out.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.8"))]
    pub max_correlation: Decimal,
    /// The ridge penalty on the coefficients.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1"))]
    pub ridge: Decimal,
    /// Codes kept whatever their information value or correlation.
    pub force_in: Vec<String>,
    /// Codes never used.
    pub force_out: Vec<String>,
    pub grade_shares: GradeShares,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            min_bin_share: Decimal::new(5, 2),
            iv_threshold: Decimal::new(2, 2),
            max_correlation: Decimal::new(8, 1),
            ridge: Decimal::ONE,
            force_in: Vec::new(),
            force_out: Vec::new(),
            grade_shares: GradeShares::default(),
        }
    }
}

impl FitOptions {
    fn check(&self, candidates: &[Candidate]) -> Result<(), LabError> {
        let out = |field, why| Err(LabError::Option { field, why });
        if self.min_bin_share <= Decimal::ZERO || self.min_bin_share > Decimal::new(5, 1) {
            return out("min_bin_share", "must be above 0 and at most 0.5");
        }
        if self.iv_threshold < Decimal::ZERO || self.iv_threshold > Decimal::ONE {
            return out("iv_threshold", "must be from 0 to 1");
        }
        if self.max_correlation <= Decimal::ZERO || self.max_correlation > Decimal::ONE {
            return out("max_correlation", "must be above 0 and at most 1");
        }
        if self.ridge < Decimal::ZERO || self.ridge > Decimal::from(1_000_000) {
            return out("ridge", "must be from 0 to 1000000");
        }
        let g = self.grade_shares;
        let parts = [g.a, g.b, g.c, g.d, g.e];
        if parts.contains(&0) || parts.iter().map(|p| u32::from(*p)).sum::<u32>() != 100 {
            return out(
                "grade_shares",
                "each grade needs at least 1% and they must add up to 100",
            );
        }
        for code in self.force_in.iter().chain(&self.force_out) {
            if !candidates.iter().any(|c| &*c.code == code) {
                return Err(LabError::UnknownCharacteristic(code.clone()));
            }
        }
        if self.force_in.iter().any(|c| self.force_out.contains(c)) {
            return out(
                "force_out",
                "a characteristic cannot be forced both in and out",
            );
        }
        Ok(())
    }
}

/// Why a characteristic is not in the fitted model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum DropReason {
    ForcedOut,
    /// One value for everyone, or a relation against its direction that merged every bin.
    NoVariation,
    LowInformation,
    Correlated {
        with: String,
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        correlation: Decimal,
    },
    /// Beside the others, its weight came out against its direction; keeping it would let
    /// a worse value raise the score.
    WrongSign,
}

/// One bin in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BinReport {
    /// The smallest value in the bin; absent for the first bin and for unknown values.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub from: Option<Decimal>,
    pub customers: u32,
    pub bads: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub bad_rate: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub woe: Decimal,
    /// The points the fitted model gives; absent when the characteristic was left out.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub points: Option<Decimal>,
}

/// One characteristic in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CharacteristicReport {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: Arc<str>,
    pub metric: Metric,
    pub name: LocalizedText,
    /// Information value on the development sample.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub iv: Decimal,
    /// Absent when it is in the model.
    pub dropped: Option<DropReason>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub coefficient: Option<Decimal>,
    pub bins: Vec<BinReport>,
    pub missing: BinReport,
}

/// What a risk committee reads about a fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FitReport {
    pub options: FitOptions,
    pub characteristics: Vec<CharacteristicReport>,
    pub iterations: u32,
    /// The scorecard's ranking on the customers it was fitted to.
    pub development: Performance,
    /// On the customers kept apart; absent without a validation part.
    pub validation: Option<Performance>,
    /// The model in force on the same customers as `validation` (or `development` without
    /// one), by the scores it gave on the observation date.
    pub champion: Option<Performance>,
    /// Predicted PD against observed default rate per grade, on the validation part (or the
    /// development sample without one).
    pub calibration: Vec<Calibration>,
    /// The development scores' distribution, for stability against later portfolios.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub development_bands: Vec<(i64, Decimal)>,
    /// Today's portfolio against the development sample; filled in by whoever can score
    /// today's portfolio.
    pub stability: Option<Stability>,
}

/// A fitted model and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub model: ScorecardModel,
    pub report: FitReport,
}

fn dec(x: f64) -> Decimal {
    figure(x)
}

/// Fits a scorecard to `sample` (observations aligned with `candidates`). The fitted model
/// keeps `champion`'s scaling, knock-outs and reason count and is named `id`/`version`.
pub fn fit(
    champion: &ScorecardModel,
    candidates: &[Candidate],
    sample: &[Observation],
    options: &FitOptions,
    id: Arc<str>,
    version: u32,
) -> Result<Fitted, LabError> {
    options.check(candidates)?;
    let dev: Vec<&Observation> = sample.iter().filter(|o| !o.validation).collect();
    let val: Vec<&Observation> = sample.iter().filter(|o| o.validation).collect();
    if dev.is_empty() {
        return Err(LabError::EmptySample);
    }
    let bad: Vec<bool> = dev.iter().map(|o| o.bad).collect();
    if !bad.contains(&true) {
        return Err(LabError::NoBads);
    }
    if !bad.contains(&false) {
        return Err(LabError::NoGoods);
    }
    let share = options.min_bin_share.to_f64().unwrap_or(0.05);
    let min_count = libm::ceil(share * dev.len() as f64) as u32;
    let binned: Vec<Binned> = (0..candidates.len())
        .map(|j| {
            let values: Vec<Option<Decimal>> = dev.iter().map(|o| value(o, j)).collect();
            bin(&values, &bad, candidates[j].direction, min_count)
        })
        .collect();
    let woe_columns: Vec<Vec<f64>> = (0..candidates.len())
        .map(|j| dev.iter().map(|o| binned[j].woe_of(value(o, j))).collect())
        .collect();

    let mut dropped: Vec<Option<DropReason>> = select(candidates, &binned, &woe_columns, options)?;
    let good: Vec<bool> = bad.iter().map(|b| !b).collect();
    let ridge = options.ridge.to_f64().unwrap_or(1.0);
    let regression = loop {
        let kept: Vec<usize> = (0..candidates.len())
            .filter(|j| dropped[*j].is_none())
            .collect();
        if kept.is_empty() {
            return Err(LabError::NothingSelected);
        }
        let columns: Vec<Vec<f64>> = kept.iter().map(|j| woe_columns[*j].clone()).collect();
        let r = logistic(&columns, &good, ridge).ok_or(LabError::DidNotConverge)?;
        // The most negative weight goes first; the rest are refitted without it.
        let worst = kept
            .iter()
            .zip(&r.coefficients)
            .filter(|(_, c)| **c <= 0.0)
            .min_by(|a, b| a.1.total_cmp(b.1));
        match worst {
            Some((j, _)) => dropped[*j] = Some(DropReason::WrongSign),
            None => break (kept, r),
        }
    };
    let (kept, r) = regression;

    // Points: score = offset + factor · ln(odds of good), factor = pdo / ln 2.
    let scaling = *champion.scaling();
    let pdo = scaling.pdo.to_f64().unwrap_or(40.0);
    let factor = pdo / core::f64::consts::LN_2;
    let offset = scaling.base_score.to_f64().unwrap_or(600.0)
        - factor * libm::log(scaling.base_odds.to_f64().unwrap_or(1.0));
    let points = |beta: f64, woe: f64| Decimal::from(libm::round(factor * beta * woe) as i64);
    let base_points = Decimal::from(libm::round(offset + factor * r.intercept) as i64);
    let mut coefficient = vec![None; candidates.len()];
    let mut characteristics = Vec::with_capacity(kept.len());
    for (j, beta) in kept.iter().zip(&r.coefficients) {
        coefficient[*j] = Some(*beta);
        let c = &candidates[*j];
        characteristics.push(Characteristic {
            code: c.code.clone(),
            metric: c.metric,
            name: c.name.clone(),
            missing_points: points(*beta, binned[*j].missing.woe),
            bins: binned[*j]
                .bins
                .iter()
                .map(|b| Bin {
                    from: b.from,
                    points: points(*beta, b.woe),
                })
                .collect(),
            lowered: c.lowered.clone(),
            raised: c.raised.clone(),
        });
    }
    let score_of = |o: &Observation| -> i64 {
        let total = kept
            .iter()
            .zip(&characteristics)
            .map(|(j, c)| c.points_for(value(o, *j)))
            .sum::<Decimal>()
            + base_points;
        total.to_i64().unwrap_or(0)
    };
    let dev_scores: Vec<(i64, bool)> = dev.iter().map(|o| (score_of(o), o.bad)).collect();
    let grades = calibrate(&dev_scores, options.grade_shares);
    let spec = ModelSpec {
        id,
        version,
        description: format!(
            "Fitted on {} customers ({} bad) from model {} v{}",
            dev.len(),
            bad.iter().filter(|b| **b).count(),
            champion.id(),
            champion.version()
        ),
        scaling,
        base_points,
        characteristics: characteristics.clone(),
        grades,
        knock_outs: champion.knock_outs().to_vec(),
        knock_out_grade: champion.knock_out_grade(),
        reason_count: u8::try_from(champion.reason_count()).unwrap_or(3),
    };
    let model = ScorecardModel::new(spec)?;

    let val_scores: Vec<(i64, bool)> = val.iter().map(|o| (score_of(o), o.bad)).collect();
    let judged = if val.is_empty() { &dev } else { &val };
    let champion_scores: Vec<(i64, bool)> = judged
        .iter()
        .filter_map(|o| Some((o.champion_score?.round().to_i64()?, o.bad)))
        .collect();
    let calibration = calibration(
        &model,
        if val.is_empty() {
            &dev_scores
        } else {
            &val_scores
        },
    );
    let development = stats::performance(&dev_scores).ok_or(LabError::NoBads)?;
    let dev_only: Vec<i64> = dev_scores.iter().map(|s| s.0).collect();
    let report = FitReport {
        options: options.clone(),
        characteristics: candidates
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let kept_at = kept.iter().position(|k| *k == j);
                let model_c = kept_at.map(|k| &model.characteristics()[k]);
                report_of(c, &binned[j], dropped[j].clone(), coefficient[j], model_c)
            })
            .collect(),
        iterations: r.iterations,
        development,
        validation: stats::performance(&val_scores),
        champion: stats::performance(&champion_scores),
        calibration,
        development_bands: stats::bands(&dev_only),
        stability: None,
    };
    Ok(Fitted { model, report })
}

fn value(o: &Observation, j: usize) -> Option<Decimal> {
    o.values.get(j).copied().flatten()
}

/// Selection: forced out, no variation, low information value, then — strongest first —
/// correlation with a stronger characteristic already kept. Forced-in characteristics are
/// kept whatever their figures, and considered first.
fn select(
    candidates: &[Candidate],
    binned: &[Binned],
    woe: &[Vec<f64>],
    options: &FitOptions,
) -> Result<Vec<Option<DropReason>>, LabError> {
    let forced_in = |c: &Candidate| options.force_in.iter().any(|f| **f == *c.code);
    let threshold = options.iv_threshold.to_f64().unwrap_or(0.02);
    let max_corr = options.max_correlation.to_f64().unwrap_or(0.8);
    let mut dropped: Vec<Option<DropReason>> = vec![None; candidates.len()];
    for (j, c) in candidates.iter().enumerate() {
        if options.force_out.iter().any(|f| **f == *c.code) {
            dropped[j] = Some(DropReason::ForcedOut);
        } else if !binned[j].varies() {
            if forced_in(c) {
                return Err(LabError::ForcedWithoutVariation(c.code.to_string()));
            }
            dropped[j] = Some(DropReason::NoVariation);
        } else if binned[j].iv < threshold && !forced_in(c) {
            dropped[j] = Some(DropReason::LowInformation);
        }
    }
    let mut order: Vec<usize> = (0..candidates.len())
        .filter(|j| dropped[*j].is_none())
        .collect();
    order.sort_by(|a, b| {
        forced_in(&candidates[*b])
            .cmp(&forced_in(&candidates[*a]))
            .then(binned[*b].iv.total_cmp(&binned[*a].iv))
            .then(a.cmp(b))
    });
    let mut kept: Vec<usize> = Vec::new();
    for j in order {
        let clash = kept
            .iter()
            .map(|k| (*k, correlation(&woe[j], &woe[*k])))
            .find(|(_, r)| r.abs() > max_corr);
        match clash {
            Some((k, r)) if !forced_in(&candidates[j]) => {
                dropped[j] = Some(DropReason::Correlated {
                    with: candidates[k].code.to_string(),
                    correlation: dec(r),
                });
            }
            _ => kept.push(j),
        }
    }
    Ok(dropped)
}

/// Pearson correlation; 0 when either column is constant.
fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len().max(1) as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / libm::sqrt(sxx * syy)
    }
}

/// Grade cut-offs at the shares' quantiles of the development scores, and each grade's PD
/// from its observed default rate: half a default added (so no grade is certain), pooled
/// with its neighbour until they rise from A to E, then strictly by at least 0.0001.
fn calibrate(scores: &[(i64, bool)], shares: GradeShares) -> PerGrade<GradeBand> {
    let mut desc: Vec<i64> = scores.iter().map(|s| s.0).collect();
    desc.sort_unstable_by(|a, b| b.cmp(a));
    let n = desc.len();
    let mut cumulative = 0usize;
    let mut mins = [0i64; 4];
    for (i, share) in [shares.a, shares.b, shares.c, shares.d]
        .into_iter()
        .enumerate()
    {
        cumulative += usize::from(share);
        let at = (n * cumulative).div_ceil(100).clamp(1, n) - 1;
        mins[i] = desc[at];
        if i > 0 && mins[i] >= mins[i - 1] {
            mins[i] = mins[i - 1] - 1;
        }
    }
    let grade_of = |s: i64| mins.iter().position(|m| s >= *m).unwrap_or(4);
    let mut counts = [(0u32, 0u32); 5];
    for (s, bad) in scores {
        let g = grade_of(*s);
        counts[g].0 += 1;
        counts[g].1 += u32::from(*bad);
    }
    // Pool adjacent violators: blocks of (customers, bads) whose rates rise.
    let mut blocks: Vec<(f64, f64, usize)> = Vec::new();
    for (customers, bads) in counts {
        blocks.push((f64::from(customers) + 1.0, f64::from(bads) + 0.5, 1));
        while blocks.len() > 1 {
            let (b, a) = (blocks[blocks.len() - 1], blocks[blocks.len() - 2]);
            if a.1 / a.0 <= b.1 / b.0 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (a.0 + b.0, a.1 + b.1, a.2 + b.2);
        }
    }
    let mut pds = Vec::with_capacity(5);
    for (customers, bads, width) in blocks {
        pds.extend(std::iter::repeat_n(bads / customers, width));
    }
    let mut bands: Vec<GradeBand> = Vec::with_capacity(5);
    let step = Decimal::new(1, 4);
    for (i, pd) in pds.into_iter().enumerate() {
        let mut pd = dec(pd).max(step);
        if let Some(previous) = bands.last() {
            pd = pd.max(previous.pd.value() + step);
        }
        bands.push(GradeBand {
            min_score: mins.get(i).map(|m| Decimal::from(*m)),
            pd: Share::new(pd.min(Decimal::ONE)).unwrap_or(Share::ONE),
        });
    }
    PerGrade {
        a: bands[0],
        b: bands[1],
        c: bands[2],
        d: bands[3],
        e: bands[4],
    }
}

/// Predicted against observed per grade, the grade by score alone.
fn calibration(model: &ScorecardModel, scores: &[(i64, bool)]) -> Vec<Calibration> {
    let grades = model.grades();
    let grade_of = |s: i64| {
        grades
            .iter()
            .find(|(_, band)| band.min_score.is_none_or(|m| Decimal::from(s) >= m))
            .map_or(Grade::E, |(g, _)| g)
    };
    Grade::ALL
        .into_iter()
        .map(|grade| {
            let mine: Vec<&(i64, bool)> =
                scores.iter().filter(|s| grade_of(s.0) == grade).collect();
            let customers = u32::try_from(mine.len()).unwrap_or(u32::MAX);
            let bads = u32::try_from(mine.iter().filter(|s| s.1).count()).unwrap_or(u32::MAX);
            Calibration {
                grade,
                customers,
                bads,
                predicted: grades.get(grade).pd.value(),
                observed: (customers > 0)
                    .then(|| (Decimal::from(bads) / Decimal::from(customers)).round_dp(4)),
            }
        })
        .collect()
}

fn report_of(
    c: &Candidate,
    binned: &Binned,
    dropped: Option<DropReason>,
    coefficient: Option<f64>,
    in_model: Option<&Characteristic>,
) -> CharacteristicReport {
    let row = |b: &BinStat, points: Option<Decimal>| BinReport {
        from: b.from,
        customers: b.count(),
        bads: b.bads,
        bad_rate: (b.count() > 0)
            .then(|| (Decimal::from(b.bads) / Decimal::from(b.count())).round_dp(4)),
        woe: dec(b.woe),
        points,
    };
    CharacteristicReport {
        code: c.code.clone(),
        metric: c.metric,
        name: c.name.clone(),
        iv: dec(binned.iv),
        dropped,
        coefficient: coefficient.map(dec),
        bins: binned
            .bins
            .iter()
            .enumerate()
            .map(|(i, b)| row(b, in_model.map(|m| m.bins[i].points)))
            .collect(),
        missing: row(&binned.missing, in_model.map(|m| m.missing_points)),
    }
}
