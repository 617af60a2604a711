//! Statistics for the contest dashboard and the jury's calibration, pure: how spread a list of
//! scores is, how each juror scores compared with the rest of the panel, how the ranking looks
//! once each juror's own scale is taken out, and how far the jurors agree (Kendall's W).
//!
//! Nothing here decides a prize: the binding ranking is `award::rank`. These figures help the
//! organizer see a harsh or lenient juror before the results are published.
//!
//! Every function takes any input without panicking and never returns NaN: values that are not
//! finite are left out, and very large or very small values are computed at a power-of-two scale
//! (exact to divide by) so that squares neither overflow nor vanish.

use std::collections::BTreeMap;

use serde::Serialize;

mod calibration;

pub use calibration::{
    Calibration, JurorCalibration, NormalisedEntry, Sheet, calibration, kendalls_w,
};

/// Mean and spread of a list of numbers.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Summary {
    /// How many (finite) values were summarised.
    pub n: usize,
    /// The arithmetic mean.
    pub mean: f64,
    /// The sample standard deviation (divided by n − 1); 0 for a single value.
    pub sd: f64,
    /// The smallest value.
    pub min: f64,
    /// The largest value.
    pub max: f64,
}

/// None for an empty list; sd is the sample standard deviation (n-1), 0 when n == 1.
///
/// Values that are not finite (NaN, ±∞) are left out, so a list of only those is empty too.
pub fn summary(values: &[f64]) -> Option<Summary> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    let first = *finite.first()?;
    let scale = safe_scale(finite.iter().copied());
    let scaled: Vec<f64> = finite.iter().map(|v| v / scale).collect();
    let (mean, squares) = mean_and_squares(&scaled);
    let n = finite.len();
    let sd = if n > 1 {
        (squares / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    let (min, max) = finite
        .iter()
        .fold((first, first), |(low, high), &v| (low.min(v), high.max(v)));
    Some(Summary {
        n,
        mean: unscale(mean, scale),
        sd: unscale(sd, scale),
        min,
        max,
    })
}

/// z-scores of a list (population sd); all 0.0 when sd is 0 or the list has < 2 values.
///
/// The result has one z-score per value, in order; a value that is not finite gets 0.0 and is
/// left out of the mean and sd of the others.
pub fn z_scores(values: &[f64]) -> Vec<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
    if finite.len() < 2 {
        return vec![0.0; values.len()];
    }
    let scale = safe_scale(finite.iter().copied());
    let scaled: Vec<f64> = finite.iter().map(|v| v / scale).collect();
    let (mean, squares) = mean_and_squares(&scaled);
    let sd = (squares / finite.len() as f64).sqrt();
    values
        .iter()
        .map(|&v| {
            let z = (v / scale - mean) / sd;
            if v.is_finite() && sd > 0.0 && z.is_finite() {
                z
            } else {
                0.0
            }
        })
        .collect()
}

/// Counts of integer values in 0..=max (values outside are clamped into the range).
///
/// A negative `max` gives an empty vector. `max` is capped at [`HISTOGRAM_LARGEST_VALUE`], so
/// that a wrong bound cannot allocate gigabytes; larger values count in the last bucket.
pub fn histogram(values: &[i64], max: i64) -> Vec<u64> {
    if max < 0 {
        return Vec::new();
    }
    let top = max.min(HISTOGRAM_LARGEST_VALUE);
    let mut counts = vec![0u64; top as usize + 1];
    for &value in values {
        counts[value.clamp(0, top) as usize] += 1;
    }
    counts
}

/// The largest bucket [`histogram`] draws: far above any score scale, far below a memory problem.
pub const HISTOGRAM_LARGEST_VALUE: i64 = 100_000;

/// The mean of the values and the sum of their squared deviations from it (two passes, which is
/// accurate where the one-pass formula cancels badly). (0, 0) for no values.
fn mean_and_squares(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0);
    }
    let mean = mean_of(values);
    let squares = values.iter().map(|v| (v - mean).powi(2)).sum();
    (mean, squares)
}

/// The arithmetic mean; 0 for no values.
fn mean_of(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// A power of two to divide the values by before squaring them: 1 for ordinary magnitudes, and
/// near the largest magnitude when that is so large that squares would overflow, or so small that
/// they would vanish. Dividing and multiplying by a power of two is exact.
fn safe_scale(values: impl Iterator<Item = f64>) -> f64 {
    let largest = values.fold(0.0_f64, |acc, v| acc.max(v.abs()));
    if largest.is_normal() && !(1e-100..=1e100).contains(&largest) {
        // The largest's own power of two: its bits with the sign and mantissa cleared. (Not
        // `2^floor(log2)`, which rounds to 2^1024 = ∞ near f64::MAX.)
        f64::from_bits(largest.to_bits() & 0x7ff0_0000_0000_0000)
    } else {
        1.0
    }
}

/// Back from the scaled computation, saturating instead of overflowing to infinity.
fn unscale(value: f64, scale: f64) -> f64 {
    (value * scale).clamp(-f64::MAX, f64::MAX)
}

#[cfg(test)]
mod tests;
