//! Monotone binning with weight of evidence and information value.
//!
//! Values are sorted and cut into about [`PRE_BINS`] bins of equal count (equal values never
//! split), bins under the minimum share are merged into the neighbour with the closer bad
//! rate, and adjacent bins whose weight of evidence runs against the characteristic's
//! direction are merged until it is strictly monotone. Unknown values get their own bin.
//!
//! Weight of evidence is `ln(share of goods / share of bads)` with half a customer added to
//! each count (so an all-good bin has a finite weight); positive means better than average.

use super::sample::Direction;
use rust_decimal::Decimal;

/// How many bins of equal count the values are first cut into.
pub const PRE_BINS: usize = 20;

/// Counts and weight of one bin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinStat {
    /// The smallest value in the bin; `None` for the first bin (open below) and the
    /// missing bin.
    pub from: Option<Decimal>,
    pub goods: u32,
    pub bads: u32,
    pub woe: f64,
}

impl BinStat {
    pub fn count(&self) -> u32 {
        self.goods + self.bads
    }
}

/// A characteristic, binned.
#[derive(Debug, Clone, PartialEq)]
pub struct Binned {
    /// Ascending by value; the first is open below.
    pub bins: Vec<BinStat>,
    pub missing: BinStat,
    pub iv: f64,
}

impl Binned {
    /// Whether the characteristic says anything: more than one bin, or known and unknown
    /// values both present.
    pub fn varies(&self) -> bool {
        let known = self.bins.iter().map(BinStat::count).sum::<u32>();
        self.bins.len() > 1 || (known > 0 && self.missing.count() > 0)
    }

    /// The weight of evidence of a value.
    pub fn woe_of(&self, value: Option<Decimal>) -> f64 {
        let Some(value) = value else {
            return self.missing.woe;
        };
        for bin in self.bins.iter().rev() {
            match bin.from {
                Some(from) if value < from => continue,
                _ => return bin.woe,
            }
        }
        self.missing.woe
    }
}

/// Totals the weights are relative to.
#[derive(Debug, Clone, Copy)]
struct Totals {
    goods: f64,
    bads: f64,
}

fn woe(goods: u32, bads: u32, totals: Totals) -> f64 {
    let g = (f64::from(goods) + 0.5) / (totals.goods + 0.5);
    let b = (f64::from(bads) + 0.5) / (totals.bads + 0.5);
    libm::log(g / b)
}

fn iv_part(bin: &BinStat, totals: Totals) -> f64 {
    let g = f64::from(bin.goods) / totals.goods.max(1.0);
    let b = f64::from(bin.bads) / totals.bads.max(1.0);
    (g - b) * bin.woe
}

/// Bins one characteristic. `values` and `bad` are aligned, one per customer; `min_count` is
/// the fewest customers a bin may hold (the minimum share of the whole sample).
pub fn bin(
    values: &[Option<Decimal>],
    bad: &[bool],
    direction: Direction,
    min_count: u32,
) -> Binned {
    let totals = Totals {
        goods: bad.iter().filter(|b| !**b).count() as f64,
        bads: bad.iter().filter(|b| **b).count() as f64,
    };
    let mut known: Vec<(Decimal, bool)> = Vec::with_capacity(values.len());
    let mut missing = BinStat {
        from: None,
        goods: 0,
        bads: 0,
        woe: 0.0,
    };
    for (value, bad) in values.iter().zip(bad) {
        match value {
            Some(v) => known.push((*v, *bad)),
            None if *bad => missing.bads += 1,
            None => missing.goods += 1,
        }
    }
    known.sort_unstable_by_key(|k| k.0);

    let mut bins = pre_bins(&known);
    merge_small(&mut bins, min_count.max(1));
    for b in &mut bins {
        b.woe = woe(b.goods, b.bads, totals);
    }
    make_monotone(&mut bins, direction, totals);
    if let Some(first) = bins.first_mut() {
        first.from = None;
    }

    if missing.count() > 0 {
        // A handful of unknowns says little: their weight shrinks toward the average in
        // proportion to how far they fall short of a bin's minimum.
        let full = woe(missing.goods, missing.bads, totals);
        let trust = (f64::from(missing.count()) / f64::from(min_count.max(1))).min(1.0);
        missing.woe = full * trust;
    }
    // Never below 0: the half-customer smoothing can tip a near-empty bin's weight against
    // its shares by a hair.
    let iv =
        (bins.iter().map(|b| iv_part(b, totals)).sum::<f64>() + iv_part(&missing, totals)).max(0.0);
    Binned { bins, missing, iv }
}

/// About [`PRE_BINS`] bins of equal count over sorted values, never splitting equal values.
fn pre_bins(known: &[(Decimal, bool)]) -> Vec<BinStat> {
    let target = known.len().div_ceil(PRE_BINS).max(1);
    let mut bins: Vec<BinStat> = Vec::new();
    let mut i = 0;
    while i < known.len() {
        let from = known[i].0;
        let mut bin = BinStat {
            from: Some(from),
            goods: 0,
            bads: 0,
            woe: 0.0,
        };
        let mut taken = 0;
        while i < known.len() && (taken < target || known[i].0 == known[i - 1].0) {
            if known[i].1 {
                bin.bads += 1;
            } else {
                bin.goods += 1;
            }
            taken += 1;
            i += 1;
        }
        bins.push(bin);
    }
    bins
}

fn bad_rate(b: &BinStat) -> f64 {
    f64::from(b.bads) / f64::from(b.count().max(1))
}

/// Merges bin `i + 1` into bin `i` (keeping `i`'s lower edge).
fn merge_next(bins: &mut Vec<BinStat>, i: usize) {
    let next = bins.remove(i + 1);
    bins[i].goods += next.goods;
    bins[i].bads += next.bads;
}

/// Merges every bin under `min_count` into the neighbour with the closer bad rate, smallest
/// first.
fn merge_small(bins: &mut Vec<BinStat>, min_count: u32) {
    while bins.len() > 1 {
        let Some((i, _)) = bins
            .iter()
            .enumerate()
            .filter(|(_, b)| b.count() < min_count)
            .min_by_key(|(i, b)| (b.count(), *i))
        else {
            return;
        };
        let rate = bad_rate(&bins[i]);
        let with_left = match (i.checked_sub(1), bins.get(i + 1)) {
            (Some(l), Some(r)) => (bad_rate(&bins[l]) - rate).abs() <= (bad_rate(r) - rate).abs(),
            (Some(_), None) => true,
            _ => false,
        };
        if with_left {
            merge_next(bins, i - 1);
        } else {
            merge_next(bins, i);
        }
    }
}

/// Merges adjacent bins until weight of evidence strictly rises (higher is better) or falls
/// (lower is better) with the value.
fn make_monotone(bins: &mut Vec<BinStat>, direction: Direction, totals: Totals) {
    loop {
        let violation = bins.windows(2).position(|w| match direction {
            Direction::HigherIsBetter => w[1].woe <= w[0].woe,
            Direction::LowerIsBetter => w[1].woe >= w[0].woe,
        });
        let Some(i) = violation else { return };
        merge_next(bins, i);
        bins[i].woe = woe(bins[i].goods, bins[i].bads, totals);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(n: i64) -> Vec<Option<Decimal>> {
        (0..n).map(|i| Some(Decimal::from(i))).collect()
    }

    #[test]
    fn bins_follow_the_direction_even_when_the_data_wobble() {
        // Arrange: bad rate falls with the value overall, with a bump in the middle.
        let v = values(1_000);
        let bad: Vec<bool> = (0..1_000)
            .map(|i| {
                let bump = (450..550).contains(&i);
                (i * 7919) % 100 < if bump { 40 } else { 40 - i / 30 }
            })
            .collect();

        // Act
        let binned = bin(&v, &bad, Direction::HigherIsBetter, 50);

        // Assert
        assert!(binned.bins.len() > 1);
        assert!(binned.bins.windows(2).all(|w| w[1].woe > w[0].woe));
        assert!(binned.bins.iter().all(|b| b.count() >= 50));
        assert_eq!(binned.bins[0].from, None);
        assert!(binned.iv > 0.1, "{}", binned.iv);
    }

    #[test]
    fn a_characteristic_against_its_direction_collapses_to_one_bin() {
        // Arrange: higher values are worse, but the direction says higher is better.
        let v = values(1_000);
        let bad: Vec<bool> = (0..1_000).map(|i| (i * 7919) % 100 < i / 20).collect();

        // Act
        let binned = bin(&v, &bad, Direction::HigherIsBetter, 50);

        // Assert
        assert_eq!(binned.bins.len(), 1);
        assert!(!binned.varies());
        assert!(binned.iv.abs() < 1e-12);
    }

    #[test]
    fn a_telling_value_rarer_than_the_minimum_share_is_merged_away_until_the_share_is_lowered() {
        // Arrange: 3% of customers have a write-off and go bad half the time; the others 5%.
        let v: Vec<Option<Decimal>> = (0..1_000)
            .map(|i| Some(Decimal::from(u8::from(i % 100 < 3))))
            .collect();
        let bad: Vec<bool> = (0..1_000)
            .map(|i| {
                if i % 100 < 3 {
                    i % 2 == 0
                } else {
                    (i * 7919) % 100 < 5
                }
            })
            .collect();

        // Act
        let at_five = bin(&v, &bad, Direction::LowerIsBetter, 50);
        let at_two = bin(&v, &bad, Direction::LowerIsBetter, 20);

        // Assert
        assert_eq!(
            at_five.bins.len(),
            1,
            "30 customers are under a 50-customer bin"
        );
        assert_eq!(at_two.bins.len(), 2);
        assert!(at_two.bins[1].woe < -1.0 && at_two.iv > 0.1, "{at_two:?}");
    }

    #[test]
    fn equal_values_stay_in_one_bin_and_unknowns_get_their_own() {
        // Arrange: half the customers have 0 and are all good, the higher values are bad one
        // time in five, and a tenth are unknown and bad one time in two.
        let mut v: Vec<Option<Decimal>> = (0..900)
            .map(|i| Some(Decimal::from(if i < 500 { 0 } else { i })))
            .collect();
        v.extend((0..100).map(|_| None));
        let bad: Vec<bool> = (0..1_000)
            .map(|i| (i >= 900 && i % 2 == 0) || ((500..900).contains(&i) && i % 5 == 0))
            .collect();

        // Act
        let binned = bin(&v, &bad, Direction::LowerIsBetter, 50);

        // Assert
        let zero = binned.bins[0];
        assert_eq!(zero.count(), 500);
        assert_eq!(binned.missing.count(), 100);
        assert!(binned.missing.woe < 0.0);
        assert!(binned.varies());
        assert_eq!(binned.woe_of(None), binned.missing.woe);
        assert_eq!(binned.woe_of(Some(Decimal::ZERO)), zero.woe);
    }
}
