//! How well scores rank and how true their PDs are: AUC, Gini, KS, the ROC curve, score
//! distributions of goods and bads, calibration per grade, and population stability.
//!
//! Scores are whole points, higher is better; a "bad" is a customer that went bad.

use crate::Grade;
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;
use serde::{Deserialize, Serialize};

/// A float as a report figure, to 4 places.
pub(crate) fn figure(x: f64) -> Decimal {
    Decimal::from_f64(x).unwrap_or_default().round_dp(4)
}

/// How well a set of scores separates goods from bads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Performance {
    pub customers: u32,
    pub bads: u32,
    /// The chance a good customer scores above a bad one (ties count half).
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.7812"))]
    pub auc: Decimal,
    /// `2 · AUC − 1`.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub gini: Decimal,
    /// The largest gap between the cumulative score distributions of bads and goods.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ks: Decimal,
    /// Points of the ROC curve, rejecting from the lowest score up: (share of goods
    /// rejected, share of bads caught), at most about 50, from (0, 0) to (1, 1).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub roc: Vec<(Decimal, Decimal)>,
    /// The KS curve: (score, share of bads at or below it, share of goods at or below it).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub ks_curve: Vec<(i64, Decimal, Decimal)>,
    /// Score distribution in bands of [`BAND_POINTS`]: (band's lowest score, goods, bads).
    pub distribution: Vec<(i64, u32, u32)>,
}

/// Width of a band of the score distribution.
pub const BAND_POINTS: i64 = 20;

/// Ties grouped, ascending: (score, goods, bads).
fn by_score(scores: &[(i64, bool)]) -> Vec<(i64, u32, u32)> {
    let mut sorted = scores.to_vec();
    sorted.sort_unstable();
    let mut groups: Vec<(i64, u32, u32)> = Vec::new();
    for (score, bad) in sorted {
        match groups.last_mut() {
            Some(g) if g.0 == score => {
                if bad {
                    g.2 += 1
                } else {
                    g.1 += 1
                }
            }
            _ => groups.push((score, u32::from(!bad), u32::from(bad))),
        }
    }
    groups
}

/// The performance of `scores` (score, went bad). `None` without both goods and bads.
pub fn performance(scores: &[(i64, bool)]) -> Option<Performance> {
    let groups = by_score(scores);
    let goods: u64 = groups.iter().map(|g| u64::from(g.1)).sum();
    let bads: u64 = groups.iter().map(|g| u64::from(g.2)).sum();
    if goods == 0 || bads == 0 {
        return None;
    }
    let (g_total, b_total) = (goods as f64, bads as f64);
    // Walking up from the lowest score: goods below each bad, ties half.
    let (mut goods_below, mut bads_below) = (0u64, 0u64);
    let mut wins = 0.0;
    let mut ks: f64 = 0.0;
    let mut curve = vec![(0.0, 0.0)];
    let mut ks_curve = Vec::new();
    for &(score, g, b) in &groups {
        // A good above a bad is a win: for each good here, the bads already below.
        wins += f64::from(g) * bads_below as f64 + 0.5 * f64::from(g) * f64::from(b);
        goods_below += u64::from(g);
        bads_below += u64::from(b);
        let (fg, fb) = (goods_below as f64 / g_total, bads_below as f64 / b_total);
        ks = ks.max(fb - fg);
        curve.push((fg, fb));
        ks_curve.push((score, fb, fg));
    }
    let auc = wins / (g_total * b_total);
    let step = curve.len().div_ceil(50).max(1);
    let roc = thin(&curve, step)
        .map(|(x, y)| (figure(*x), figure(*y)))
        .collect();
    let ks_curve = thin(&ks_curve, step)
        .map(|(s, b, g)| (*s, figure(*b), figure(*g)))
        .collect();
    let mut distribution: Vec<(i64, u32, u32)> = Vec::new();
    for &(score, g, b) in &groups {
        let band = score.div_euclid(BAND_POINTS) * BAND_POINTS;
        match distribution.last_mut() {
            Some(d) if d.0 == band => {
                d.1 += g;
                d.2 += b;
            }
            _ => distribution.push((band, g, b)),
        }
    }
    Some(Performance {
        customers: u32::try_from(goods + bads).unwrap_or(u32::MAX),
        bads: u32::try_from(bads).unwrap_or(u32::MAX),
        auc: figure(auc),
        gini: figure(2.0 * auc - 1.0),
        ks: figure(ks),
        roc,
        ks_curve,
        distribution,
    })
}

/// Every `step`-th point and the last.
fn thin<T>(points: &[T], step: usize) -> impl Iterator<Item = &T> {
    let last = points.len().saturating_sub(1);
    points
        .iter()
        .enumerate()
        .filter(move |(i, _)| i % step == 0 || *i == last)
        .map(|(_, p)| p)
}

/// Predicted against observed default rate in one grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Calibration {
    pub grade: Grade,
    pub customers: u32,
    pub bads: u32,
    /// The grade's PD in the model.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub predicted: Decimal,
    /// Bads ÷ customers; absent for an empty grade.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub observed: Option<Decimal>,
}

/// Population stability of today's scores against the development sample's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stability {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub psi: Decimal,
    pub verdict: StabilityVerdict,
    /// Per band of the development scores' deciles: (band's lowest score — the first band
    /// is open below —, development share, current share).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<String>>))]
    pub bands: Vec<(i64, Decimal, Decimal)>,
}

/// The usual reading of a PSI: under 0.10 stable, under 0.25 worth watching, else the
/// population has shifted and the model should be refitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StabilityVerdict {
    Stable,
    Watch,
    Shifted,
}

/// The development scores' distribution a later population is compared with: the deciles'
/// lower edges (equal edges merged) and the share of the development sample in each band.
pub fn bands(development: &[i64]) -> Vec<(i64, Decimal)> {
    if development.is_empty() {
        return Vec::new();
    }
    let mut dev = development.to_vec();
    dev.sort_unstable();
    let mut lows: Vec<i64> = std::iter::once(dev[0])
        .chain((1..10).map(|d| dev[dev.len() * d / 10]))
        .collect();
    lows.dedup();
    let shares = shares(&lows, &dev);
    lows.into_iter()
        .zip(shares)
        .map(|(l, s)| (l, figure(s)))
        .collect()
}

fn shares(lows: &[i64], scores: &[i64]) -> Vec<f64> {
    let mut counts = vec![0u32; lows.len()];
    for s in scores {
        let band = lows.partition_point(|low| *low <= *s).saturating_sub(1);
        counts[band] += 1;
    }
    let total = scores.len().max(1) as f64;
    counts.into_iter().map(|c| f64::from(c) / total).collect()
}

/// PSI of `current` scores against the development `bands` ([`bands`]). `None` if either is
/// empty.
pub fn stability(bands: &[(i64, Decimal)], current: &[i64]) -> Option<Stability> {
    use rust_decimal::prelude::ToPrimitive;
    if bands.is_empty() || current.is_empty() {
        return None;
    }
    let lows: Vec<i64> = bands.iter().map(|b| b.0).collect();
    let e: Vec<f64> = bands.iter().map(|b| b.1.to_f64().unwrap_or(0.0)).collect();
    let a = shares(&lows, current);
    let psi: f64 = e
        .iter()
        .zip(&a)
        .map(|(e, a)| {
            let (e, a) = (e.max(1e-4), a.max(1e-4));
            (a - e) * libm::log(a / e)
        })
        .sum();
    let verdict = if psi < 0.10 {
        StabilityVerdict::Stable
    } else if psi < 0.25 {
        StabilityVerdict::Watch
    } else {
        StabilityVerdict::Shifted
    };
    Some(Stability {
        psi: figure(psi),
        verdict,
        bands: bands
            .iter()
            .zip(&a)
            .map(|(b, a)| (b.0, b.1, figure(*a)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_ranking_has_auc_one_and_ks_one() {
        let scores: Vec<(i64, bool)> = (0..100).map(|s| (s, s < 30)).collect();
        let p = performance(&scores).unwrap();
        assert_eq!(p.auc, Decimal::ONE);
        assert_eq!(p.gini, Decimal::ONE);
        assert_eq!(p.ks, Decimal::ONE);
        assert_eq!(p.roc.first(), Some(&(Decimal::ZERO, Decimal::ZERO)));
        assert_eq!(p.roc.last(), Some(&(Decimal::ONE, Decimal::ONE)));
    }

    #[test]
    fn one_score_for_everyone_ranks_no_better_than_a_coin() {
        let scores: Vec<(i64, bool)> = (0..100).map(|i| (600, i % 4 == 0)).collect();
        let p = performance(&scores).unwrap();
        assert_eq!(p.auc, Decimal::new(5, 1));
        assert_eq!(p.ks, Decimal::ZERO);
        assert_eq!(p.distribution, vec![(600, 75, 25)]);
    }

    #[test]
    fn a_sample_without_bads_has_no_performance() {
        assert_eq!(performance(&[(600, false), (610, false)]), None);
    }

    #[test]
    fn the_same_population_is_stable_and_a_shifted_one_is_not() {
        let dev: Vec<i64> = (0..1_000).map(|i| 400 + i % 400).collect();
        let bands = bands(&dev);
        let same = stability(&bands, &dev).unwrap();
        assert_eq!(same.psi, Decimal::ZERO);
        assert_eq!(same.verdict, StabilityVerdict::Stable);
        let shifted: Vec<i64> = dev.iter().map(|s| s - 150).collect();
        assert_eq!(
            stability(&bands, &shifted).unwrap().verdict,
            StabilityVerdict::Shifted
        );
    }
}
