//! Synthetic customers drawn from a known default model, for the scoring lab's tests and
//! benchmark: the true chance of going bad is a logistic function of the default model's
//! characteristics, each monotone in its direction (some with no effect at all), with
//! unknown values, ties and correlated characteristics as real portfolios have them.

use credence_shared::engine::default_model;
use credence_shared::lab::{Candidate, Observation, candidates_of, in_validation};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

/// A small deterministic generator (xorshift64*): the same sample on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// One synthetic customer: the candidates' values, and the true log-odds of being good.
pub struct Drawn {
    pub observation: Observation,
    pub true_log_odds: f64,
}

fn d(x: f64, places: u32) -> Option<Decimal> {
    Decimal::from_f64(x).map(|v| v.round_dp(places))
}

/// The codes whose value moves the true chance of going bad.
pub const EFFECTIVE: &[&str] = &[
    "PAY_INDEX",
    "MAX_DPD_12M",
    "ON_TIME_SHARE",
    "UTILISATION",
    "TENURE",
    "DORMANCY",
    "BUSINESS_AGE",
    "LAWSUITS",
    "BUREAU_RATING",
    "ALTMAN_Z",
    "WRITE_OFFS",
];

/// Draws `n` customers; `validation_percent` of them (by key) are in the validation part.
pub fn sample(n: usize, seed: u64, validation_percent: u8) -> (Vec<Candidate>, Vec<Drawn>) {
    let candidates = candidates_of(&default_model());
    let mut rng = Rng(seed | 1);
    let drawn = (0..n)
        .map(|i| {
            let mut draw = draw(&mut rng, &candidates);
            draw.observation.validation = in_validation(&format!("C{i}"), seed, validation_percent);
            draw
        })
        .collect();
    (candidates, drawn)
}

fn draw(rng: &mut Rng, candidates: &[Candidate]) -> Drawn {
    // A hidden quality drives payment behaviour, so the payment characteristics correlate.
    let quality = rng.unit();
    let history = rng.chance(0.9);
    let paydex =
        history.then(|| (40.0 + 60.0 * quality + 20.0 * (rng.unit() - 0.5)).clamp(0.0, 100.0));
    let max_dpd =
        history.then(|| libm::floor(120.0 * (1.0 - quality) * rng.unit() * 1.5).min(200.0));
    let on_time = history.then(|| (quality * 0.8 + 0.4 * rng.unit()).clamp(0.0, 1.0));
    let utilisation = rng.unit() * 1.4;
    let tenure = history.then(|| libm::floor(rng.unit() * 120.0));
    let dormancy = history.then(|| {
        if rng.chance(0.2) {
            libm::floor(3.0 + rng.unit() * 12.0)
        } else {
            0.0
        }
    });
    let business_age = rng.chance(0.85).then(|| libm::floor(rng.unit() * 30.0));
    let lawsuits = rng.chance(0.7).then(|| {
        if rng.chance(0.85) {
            0.0
        } else {
            libm::floor(1.0 + rng.unit() * 5.0)
        }
    });
    let news = rng.chance(0.7).then(|| {
        if rng.chance(0.9) {
            0.0
        } else {
            libm::floor(1.0 + rng.unit() * 3.0)
        }
    });
    let bureau = rng
        .chance(0.4)
        .then(|| libm::floor(1.0 + 9.0 * (1.0 - quality) * 0.5 + 4.5 * rng.unit()).min(10.0));
    let altman = rng.chance(0.3).then(|| -1.0 + 5.0 * rng.unit());
    let returns = history.then(|| 0.15 * rng.unit() * rng.unit());
    let disputes = history.then(|| 0.08 * rng.unit() * rng.unit());
    let write_offs = history.then(|| {
        if rng.chance(0.04 + 0.08 * (1.0 - quality)) {
            1.0
        } else {
            0.0
        }
    });
    let trend = history.then(|| 2.0 * rng.unit() - 1.0);

    // The true model: log-odds of being good.
    let mut z = 2.2;
    z += paydex.map_or(-0.2, |p| 0.035 * (p.min(90.0) - 65.0));
    z += max_dpd.map_or(0.0, |m| if m > 90.0 { -1.2 } else { -0.012 * m });
    z += on_time.map_or(0.0, |s| 0.8 * (s - 0.6));
    z += -1.1 * (utilisation - 0.6).max(0.0);
    z += tenure.map_or(-0.3, |t| 0.02 * (t.min(60.0) - 24.0));
    z += dormancy.map_or(0.0, |m| {
        if m >= 6.0 {
            -0.9
        } else if m >= 3.0 {
            -0.4
        } else {
            0.0
        }
    });
    z += business_age.map_or(-0.2, |a| {
        if a < 2.0 {
            -0.7
        } else {
            0.02 * (a.min(15.0) - 5.0)
        }
    });
    z += lawsuits.map_or(-0.1, |l| -0.35 * l);
    z += bureau.map_or(0.0, |b| -0.15 * (b - 5.0));
    z += altman.map_or(0.0, |a| {
        if a < 1.1 {
            -0.6
        } else if a > 2.6 {
            0.3
        } else {
            0.0
        }
    });
    z += write_offs.map_or(0.0, |w| -1.5 * w);
    let good = rng.unit() < 1.0 / (1.0 + libm::exp(-z));

    let value = |code: &str| -> Option<Decimal> {
        match code {
            "PAY_INDEX" => paydex.and_then(|v| d(libm::round(v), 0)),
            "MAX_DPD_12M" => max_dpd.and_then(|v| d(v, 0)),
            "ON_TIME_SHARE" => on_time.and_then(|v| d(v, 4)),
            "UTILISATION" => d(utilisation, 4),
            "TENURE" => tenure.and_then(|v| d(v, 0)),
            "DORMANCY" => dormancy.and_then(|v| d(v, 0)),
            "BUSINESS_AGE" => business_age.and_then(|v| d(v, 0)),
            "LAWSUITS" => lawsuits.and_then(|v| d(v, 0)),
            "NEGATIVE_NEWS" => news.and_then(|v| d(v, 0)),
            "BUREAU_RATING" => bureau.and_then(|v| d(v, 0)),
            "ALTMAN_Z" => altman.and_then(|v| d(v, 2)),
            "RETURN_RATE" => returns.and_then(|v| d(v, 4)),
            "DISPUTE_RATE" => disputes.and_then(|v| d(v, 4)),
            "WRITE_OFFS" => write_offs.and_then(|v| d(v, 0)),
            "ORDER_TREND" => trend.and_then(|v| d(v, 2)),
            other => panic!("no synthetic values for {other}"),
        }
    };
    Drawn {
        observation: Observation {
            values: candidates.iter().map(|c| value(&c.code)).collect(),
            bad: !good,
            validation: false,
            champion_score: None,
        },
        true_log_odds: z,
    }
}
