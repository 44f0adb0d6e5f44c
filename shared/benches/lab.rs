//! The scoring lab's speed: fitting 30,000 customers × 15 characteristics (binning, selection,
//! regression, points, grades and the report; target ≤ 5 s on the 2-core machine), and the
//! ranking figures alone.
//!
//! `cargo bench -p credence-shared --bench lab -- --warm-up-time 1 --measurement-time 10`

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::run();
}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/common/synthetic.rs"]
#[allow(dead_code)]
mod synthetic;

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::synthetic::sample;
    use credence_shared::engine::default_model;
    use credence_shared::lab::{FitOptions, Observation, fit, stats};
    use criterion::Criterion;
    use std::hint::black_box;

    pub fn run() {
        let (candidates, drawn) = sample(30_000, 0x1AB5_EED5, 30);
        let observations: Vec<Observation> = drawn.into_iter().map(|d| d.observation).collect();
        let champion = default_model();
        let options = FitOptions::default();
        let mut c = Criterion::default().sample_size(10).configure_from_args();
        c.bench_function("lab/fit 30000 customers x 15 characteristics", |b| {
            b.iter(|| {
                fit(
                    &champion,
                    &candidates,
                    black_box(&observations),
                    &options,
                    "bench".into(),
                    2,
                )
                .unwrap()
            })
        });
        let fitted = fit(
            &champion,
            &candidates,
            &observations,
            &options,
            "bench".into(),
            2,
        )
        .unwrap();
        let scores: Vec<(i64, bool)> = (0..30_000i64).map(|i| (i % 700, i % 13 == 0)).collect();
        c.bench_function("lab/performance of 30000 scores (AUC, KS, ROC)", |b| {
            b.iter(|| stats::performance(black_box(&scores)).unwrap())
        });
        eprintln!(
            "fitted: {} characteristics, development AUC {}, validation AUC {:?}",
            fitted.model.characteristics().len(),
            fitted.report.development.auc,
            fitted.report.validation.as_ref().map(|v| &v.auc)
        );
        c.final_summary();
    }
}
