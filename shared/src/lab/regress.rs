//! Ridge-regularised logistic regression by Newton's method (iteratively reweighted least
//! squares). The model predicts the chance a customer is *good*, so a positive coefficient on
//! a weight of evidence (positive = better than average) is the expected sign.
//!
//! A scorecard has at most a few dozen columns, so each step forms the small normal matrix
//! and solves it by Cholesky decomposition: exact, and the same bits on every platform (sums
//! run in row order; `exp` is `libm`'s).

/// The most Newton steps before giving up.
pub const MAX_ITERATIONS: u32 = 100;

/// A fitted regression: the intercept and one coefficient per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    pub intercept: f64,
    pub coefficients: Vec<f64>,
    pub iterations: u32,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + libm::exp(-z))
}

/// Fits `good ~ columns`. `columns[j][i]` is column `j` of row `i`; `ridge` penalises the
/// squared coefficients (not the intercept). `None` if it does not converge or the numbers
/// stop being finite.
pub fn logistic(columns: &[Vec<f64>], good: &[bool], ridge: f64) -> Option<Regression> {
    let n = good.len();
    let p = columns.len() + 1;
    let x = |j: usize, i: usize| if j == 0 { 1.0 } else { columns[j - 1][i] };
    let goods = good.iter().filter(|g| **g).count() as f64;
    // Start at the sample's log-odds: the first step is then already close.
    let mut beta = vec![0.0; p];
    beta[0] = libm::log((goods + 0.5) / (n as f64 - goods + 0.5));
    for iteration in 1..=MAX_ITERATIONS {
        let mut hessian = vec![0.0; p * p];
        let mut gradient = vec![0.0; p];
        for (i, is_good) in good.iter().enumerate() {
            let z: f64 = (0..p).map(|j| beta[j] * x(j, i)).sum();
            let mu = sigmoid(z);
            let w = (mu * (1.0 - mu)).max(1e-12);
            let r = f64::from(u8::from(*is_good)) - mu;
            for a in 0..p {
                let xa = x(a, i);
                gradient[a] += xa * r;
                for b in 0..=a {
                    hessian[a * p + b] += w * xa * x(b, i);
                }
            }
        }
        for a in 1..p {
            hessian[a * p + a] += ridge;
            gradient[a] -= ridge * beta[a];
        }
        let step = solve_spd(&mut hessian, &gradient, p)?;
        // Damped Newton: halve the step until the penalised likelihood does not fall, so a
        // sample with few bads (large weights, flat curvature) converges too.
        let before = objective(columns, good, ridge, &beta);
        let mut t = 1.0;
        let mut next = beta.clone();
        for _ in 0..40 {
            for ((n, b), s) in next.iter_mut().zip(&beta).zip(&step) {
                *n = b + t * s;
            }
            if objective(columns, good, ridge, &next) >= before - 1e-12 * before.abs() {
                break;
            }
            t *= 0.5;
        }
        let largest = step.iter().fold(0.0_f64, |m, s| m.max((t * s).abs()));
        let scale = 1.0 + beta.iter().fold(0.0_f64, |m, b| m.max(b.abs()));
        beta = next;
        if !beta.iter().all(|b| b.is_finite()) {
            return None;
        }
        if largest < 1e-9 * scale {
            return Some(Regression {
                intercept: beta[0],
                coefficients: beta[1..].to_vec(),
                iterations: iteration,
            });
        }
    }
    None
}

/// The penalised log-likelihood of `beta`: Σ [y·z − ln(1 + eᶻ)] − ridge/2 · Σ βⱼ² (not the
/// intercept), with `ln(1 + eᶻ)` computed without overflow.
fn objective(columns: &[Vec<f64>], good: &[bool], ridge: f64, beta: &[f64]) -> f64 {
    let mut total = 0.0;
    for (i, is_good) in good.iter().enumerate() {
        let z = beta[0]
            + columns
                .iter()
                .zip(&beta[1..])
                .map(|(c, b)| b * c[i])
                .sum::<f64>();
        let softplus = if z > 0.0 {
            z + libm::log1p(libm::exp(-z))
        } else {
            libm::log1p(libm::exp(z))
        };
        total += if *is_good { z } else { 0.0 } - softplus;
    }
    total - 0.5 * ridge * beta[1..].iter().map(|b| b * b).sum::<f64>()
}

/// Solves `A x = b` for a symmetric positive definite `A` whose lower triangle is filled
/// (row-major, `p × p`), by Cholesky decomposition in place. `None` if `A` is not positive
/// definite.
fn solve_spd(a: &mut [f64], b: &[f64], p: usize) -> Option<Vec<f64>> {
    for j in 0..p {
        let mut d = a[j * p + j];
        for k in 0..j {
            d -= a[j * p + k] * a[j * p + k];
        }
        if d.is_nan() || d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = libm::sqrt(d);
        a[j * p + j] = d;
        for i in j + 1..p {
            let mut s = a[i * p + j];
            for k in 0..j {
                s -= a[i * p + k] * a[j * p + k];
            }
            a[i * p + j] = s / d;
        }
    }
    // L y = b, then Lᵀ x = y.
    let mut y = b.to_vec();
    for i in 0..p {
        for k in 0..i {
            y[i] -= a[i * p + k] * y[k];
        }
        y[i] /= a[i * p + i];
    }
    for i in (0..p).rev() {
        for k in i + 1..p {
            y[i] -= a[k * p + i] * y[k];
        }
        y[i] /= a[i * p + i];
    }
    Some(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_regression_recovers_a_known_coefficient() {
        // Arrange: P(good) = σ(1 + 2x) over x in [−2, 2], with outcomes placed at their
        // expected share in each small slice of x.
        let mut x = Vec::new();
        let mut good = Vec::new();
        for slice in 0..400 {
            let xi = -2.0 + 4.0 * f64::from(slice) / 400.0;
            let p = sigmoid(1.0 + 2.0 * xi);
            let goods = libm::round(p * 50.0) as usize;
            for k in 0..50 {
                x.push(xi);
                good.push(k < goods);
            }
        }

        // Act
        let fit = logistic(&[x], &good, 0.0).unwrap();

        // Assert
        assert!((fit.intercept - 1.0).abs() < 0.05, "{fit:?}");
        assert!((fit.coefficients[0] - 2.0).abs() < 0.05, "{fit:?}");
    }

    #[test]
    fn a_perfectly_separated_sample_stays_finite_under_the_ridge() {
        let x: Vec<f64> = (0..100).map(f64::from).collect();
        let good: Vec<bool> = (0..100).map(|i| i >= 50).collect();
        let fit = logistic(&[x], &good, 1.0).unwrap();
        assert!(fit.coefficients[0] > 0.0 && fit.coefficients[0].is_finite());
    }

    #[test]
    fn cholesky_solves_a_small_system() {
        let mut a = vec![4.0, 0.0, 2.0, 3.0];
        let x = solve_spd(&mut a, &[6.0, 5.0], 2).unwrap();
        // [[4, 2], [2, 3]] x = [6, 5] → x = [1, 1].
        assert!((x[0] - 1.0).abs() < 1e-12 && (x[1] - 1.0).abs() < 1e-12);
    }
}
