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

/// One juror's total score for one entry (weighted total, as the ranking uses it).
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub juror: usize,
    pub entry: usize,
    pub score: f64,
}

/// Per juror: how they score compared with the panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JurorCalibration {
    /// The juror's index, as the sheets give it.
    pub juror: usize,
    /// How many entries this juror scored.
    pub sheets: usize,
    /// The mean of this juror's scores.
    pub mean: f64,
    /// The sample standard deviation of this juror's scores (as [`summary`]); 0 for one sheet.
    /// A small sd next to the panel's means the juror hardly tells entries apart.
    pub sd: f64,
    /// Mean of (this juror's score − the mean of the other jurors' scores for the same entry), over entries that others scored too; None if no such entry. Negative = harsher than the panel.
    pub offset_from_panel: Option<f64>,
}

/// Per entry: the raw mean and the mean of per-juror z-scores, with both ranks (1 = best; ties share the best rank, "1224" style; order by score desc then entry index asc).
///
/// Means closer than a billionth of the largest magnitude count as a tie, so that the same
/// scores added in a different order (last-bit differences) never split a tie.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NormalisedEntry {
    /// The entry's index, as the sheets give it.
    pub entry: usize,
    /// How many jurors scored this entry.
    pub sheets: usize,
    /// The mean of the jurors' scores for this entry.
    pub raw_mean: f64,
    /// The entry's place by `raw_mean`.
    pub raw_rank: usize,
    /// The mean, over the jurors who scored this entry, of each juror's z-score for it: how many
    /// of that juror's own standard deviations the entry sits above that juror's own mean. A
    /// juror who scored one entry, or gave every entry the same score, contributes 0.
    pub z_mean: f64,
    /// The entry's place by `z_mean`: the ranking with each juror's harshness and spread taken
    /// out, which matters when jurors scored different subsets of the entries.
    pub z_rank: usize,
}

/// The jury's calibration: each juror against the panel, each entry raw and normalised, and how
/// far the jurors agree on the order of the entries they all scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    /// One per juror who has a sheet, sorted by juror index.
    pub jurors: Vec<JurorCalibration>,
    /// One per entry that has a sheet, sorted by raw_rank, then entry index.
    pub entries: Vec<NormalisedEntry>,
    /// Kendall's coefficient of concordance over the entries every juror scored (with the tie correction); None when fewer than 2 jurors or 2 such entries, or when it is undefined (all ties).
    /// 0 = no agreement on the order, 1 = every juror put the entries in the same order.
    pub kendalls_w: Option<f64>,
    /// How many entries went into kendalls_w.
    /// (The entries every juror scored; 0 when fewer than 2 jurors.)
    pub w_entries: usize,
    /// The words for kendalls_w: one of "none" (< 0.1), "weak" (< 0.3), "moderate" (< 0.5), "strong" (< 0.7), "very_strong" (>= 0.7); None when kendalls_w is None. (Used as i18n keys: agreement_none, …)
    pub agreement: Option<&'static str>,
}

/// Calibrates the jury from its sheets.
///
/// Sheets whose score is not finite are left out; if a juror has two sheets for one entry, the
/// later one counts. Juror and entry indices may be sparse (juror 7 alone is fine).
pub fn calibration(sheets: &[Sheet]) -> Calibration {
    let mut scores: BTreeMap<(usize, usize), f64> = BTreeMap::new();
    for sheet in sheets.iter().filter(|s| s.score.is_finite()) {
        scores.insert((sheet.juror, sheet.entry), sheet.score);
    }
    let scale = safe_scale(scores.values().copied());
    let mut by_juror: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
    let mut by_entry: BTreeMap<usize, Vec<(usize, f64)>> = BTreeMap::new();
    for (&(juror, entry), &score) in &scores {
        by_juror
            .entry(juror)
            .or_default()
            .push((entry, score / scale));
        by_entry
            .entry(entry)
            .or_default()
            .push((juror, score / scale));
    }

    let mut z_by_entry: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
    let mut jurors = Vec::with_capacity(by_juror.len());
    for (&juror, own) in &by_juror {
        let values: Vec<f64> = own.iter().map(|&(_, score)| score).collect();
        for (&(entry, _), z) in own.iter().zip(z_scores(&values)) {
            z_by_entry.entry(entry).or_default().push(z);
        }
        let offsets: Vec<f64> = own
            .iter()
            .filter_map(|&(entry, score)| {
                let others: Vec<f64> = by_entry
                    .get(&entry)?
                    .iter()
                    .filter(|&&(other, _)| other != juror)
                    .map(|&(_, other_score)| other_score)
                    .collect();
                (!others.is_empty()).then(|| score - mean_of(&others))
            })
            .collect();
        let (mean, sd) = summary(&values).map_or((0.0, 0.0), |s| (s.mean, s.sd));
        jurors.push(JurorCalibration {
            juror,
            sheets: own.len(),
            mean: unscale(mean, scale),
            sd: unscale(sd, scale),
            offset_from_panel: (!offsets.is_empty()).then(|| unscale(mean_of(&offsets), scale)),
        });
    }

    let raw: Vec<(usize, f64)> = by_entry
        .iter()
        .map(|(&entry, list)| {
            let values: Vec<f64> = list.iter().map(|&(_, score)| score).collect();
            (entry, mean_of(&values))
        })
        .collect();
    let normalised: Vec<(usize, f64)> = raw
        .iter()
        .map(|&(entry, _)| (entry, z_by_entry.get(&entry).map_or(0.0, |z| mean_of(z))))
        .collect();
    let raw_ranks = competition_ranks(&raw);
    let z_ranks = competition_ranks(&normalised);
    let mut entries: Vec<NormalisedEntry> = raw
        .iter()
        .zip(&normalised)
        .zip(raw_ranks.into_iter().zip(z_ranks))
        .map(
            |((&(entry, raw_mean), &(_, z_mean)), (raw_rank, z_rank))| NormalisedEntry {
                entry,
                sheets: by_entry.get(&entry).map_or(0, Vec::len),
                raw_mean: unscale(raw_mean, scale),
                raw_rank,
                z_mean,
                z_rank,
            },
        )
        .collect();
    entries.sort_by_key(|e| (e.raw_rank, e.entry));

    // Kendall's W needs a complete matrix: the entries every juror scored. Each juror has at
    // most one score per entry, so "every juror" is "as many sheets as jurors".
    let common: Vec<usize> = if by_juror.len() >= 2 {
        by_entry
            .iter()
            .filter(|(_, list)| list.len() == by_juror.len())
            .map(|(&entry, _)| entry)
            .collect()
    } else {
        Vec::new()
    };
    let ratings: Vec<Vec<f64>> = by_juror
        .keys()
        .map(|&juror| {
            common
                .iter()
                .filter_map(|&entry| scores.get(&(juror, entry)).copied())
                .collect()
        })
        .collect();
    let w = kendalls_w(&ratings);
    Calibration {
        jurors,
        entries,
        kendalls_w: w,
        w_entries: common.len(),
        agreement: w.map(agreement),
    }
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

/// Kendall's W of `ratings[juror][entry]` (complete matrix: m jurors × n entries, higher = better). Ranks with average ranks for ties; W = 12·S / (m²(n³−n) − m·ΣT), T = Σ(t³−t) per juror's tie groups. None if m < 2 or n < 2 or the denominator is 0.
///
/// Also None when the rows differ in length or a rating is not finite. The ranks are kept
/// doubled (so that average ranks are integers) and S and the denominator are computed exactly in
/// integers: W = 0 and W = 1 come out exactly, and the undefined case is exactly detected.
pub fn kendalls_w(ratings: &[Vec<f64>]) -> Option<f64> {
    let entries = ratings.first()?.len();
    if ratings.len() < 2
        || entries < 2
        || ratings
            .iter()
            .any(|row| row.len() != entries || row.iter().any(|v| !v.is_finite()))
    {
        return None;
    }
    let m = u128::try_from(ratings.len()).ok()?;
    let n = u128::try_from(entries).ok()?;
    // Every tie term is at most n³ − n, so ΣT ≤ m(n³ − n) ≤ this: no overflow further on.
    let untied = m.checked_mul(m)?.checked_mul(n.checked_pow(3)? - n)?;
    let mut doubled_rank_sums = vec![0u128; entries];
    let mut ties = 0u128;
    for row in ratings {
        let (doubled, tie_term) = doubled_ranks(row);
        for (sum, rank) in doubled_rank_sums.iter_mut().zip(doubled) {
            *sum += rank;
        }
        ties += tie_term;
    }
    let denominator = untied - m * ties;
    if denominator == 0 {
        return None;
    }
    // Doubled, the mean rank sum m(n + 1)/2 is m(n + 1), and S = Σ(2R − m(n + 1))² / 4.
    let centre = m * (n + 1);
    let doubled_squares = doubled_rank_sums.iter().try_fold(0u128, |acc, &sum| {
        acc.checked_add(sum.abs_diff(centre).checked_pow(2)?)
    })?;
    // 12·S = 12 · doubled_squares / 4 = 3 · doubled_squares.
    let w = 3.0 * doubled_squares as f64 / denominator as f64;
    w.is_finite().then_some(w.clamp(0.0, 1.0))
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

/// The words for a Kendall's W (see [`Calibration::agreement`]).
fn agreement(w: f64) -> &'static str {
    match w {
        w if w < 0.1 => "none",
        w if w < 0.3 => "weak",
        w if w < 0.5 => "moderate",
        w if w < 0.7 => "strong",
        _ => "very_strong",
    }
}

/// Ranks of `(entry, score)` pairs, in the pairs' order: 1 = highest score, ties share the best
/// rank and the next rank skips ("1224"); equal scores are ordered by entry index.
fn competition_ranks(scores: &[(usize, f64)]) -> Vec<usize> {
    let largest = scores
        .iter()
        .fold(0.0_f64, |acc, &(_, score)| acc.max(score.abs()));
    // Rounded to a billionth of the largest magnitude; `+ 0.0` turns −0 into +0, which
    // `total_cmp` would otherwise order apart.
    let keys: Vec<f64> = scores
        .iter()
        .map(|&(_, score)| {
            let key = if largest > 0.0 {
                (score / largest * 1e9).round()
            } else {
                0.0
            };
            if key.is_finite() { key + 0.0 } else { 0.0 }
        })
        .collect();
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| {
        keys[b]
            .total_cmp(&keys[a])
            .then(scores[a].0.cmp(&scores[b].0))
    });
    let mut ranks = vec![0; scores.len()];
    for (position, &i) in order.iter().enumerate() {
        ranks[i] = match position.checked_sub(1).map(|p| order[p]) {
            Some(previous) if keys[previous] == keys[i] => ranks[previous],
            _ => position + 1,
        };
    }
    ranks
}

/// Twice the average rank of each value (1 = highest), and the row's tie term Σ(t³ − t).
fn doubled_ranks(row: &[f64]) -> (Vec<u128>, u128) {
    let mut order: Vec<usize> = (0..row.len()).collect();
    order.sort_by(|&a, &b| (row[b] + 0.0).total_cmp(&(row[a] + 0.0)));
    let mut doubled = vec![0u128; row.len()];
    let mut ties = 0u128;
    let mut before = 0u128;
    for group in order.chunk_by(|&a, &b| row[a] == row[b]) {
        let size = group.len() as u128;
        // The group holds ranks before + 1 ..= before + size; their mean, doubled.
        let doubled_rank = 2 * before + size + 1;
        for &i in group {
            doubled[i] = doubled_rank;
        }
        ties += size * size * size - size;
        before += size;
    }
    (doubled, ties)
}

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
mod tests {
    use super::*;

    fn close(actual: f64, expected: f64) -> bool {
        (actual - expected).abs() < 1e-9
    }

    fn sheet(juror: usize, entry: usize, score: f64) -> Sheet {
        Sheet {
            juror,
            entry,
            score,
        }
    }

    /// Ratings from ranks (1 = best): the rating is the negated rank, so higher is better.
    fn from_ranks(ranks: &[&[f64]]) -> Vec<Vec<f64>> {
        ranks
            .iter()
            .map(|row| row.iter().map(|r| -r).collect())
            .collect()
    }

    #[test]
    fn summary_of_the_textbook_list() {
        // [2, 4, 4, 4, 5, 5, 7, 9]: sum 40, n 8, mean 5. Squared deviations 9, 1, 1, 1, 0, 0, 4,
        // 16 sum to 32; sample variance 32 / 7 = 4.571428…, sd = √4.571428… ≈ 2.13809.
        let s = summary(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).expect("values");
        assert_eq!(s.n, 8);
        assert!(close(s.mean, 5.0));
        assert!(close(s.sd, (32.0_f64 / 7.0).sqrt()));
        assert!((s.sd - 2.138).abs() < 1e-3);
        assert_eq!((s.min, s.max), (2.0, 9.0));
    }

    #[test]
    fn summary_edges() {
        assert_eq!(summary(&[]), None);
        assert_eq!(summary(&[f64::NAN, f64::INFINITY]), None);
        let one = summary(&[3.5]).expect("one value");
        assert_eq!(
            (one.n, one.mean, one.sd, one.min, one.max),
            (1, 3.5, 0.0, 3.5, 3.5)
        );
        // NaN is left out: the summary of [1, NaN, 3] is that of [1, 3] (mean 2, sd √2).
        let skipped = summary(&[1.0, f64::NAN, 3.0]).expect("values");
        assert_eq!(skipped.n, 2);
        assert!(close(skipped.sd, 2.0_f64.sqrt()));
        // Magnitudes whose squares overflow: [−M, M] has mean 0 and sd M·√2, saturated to M.
        let huge = summary(&[-f64::MAX, f64::MAX]).expect("values");
        assert_eq!((huge.mean, huge.sd), (0.0, f64::MAX));
        // Magnitudes whose squares underflow: [1e-200, 3e-200] has sd √2·1e-200, not 0.
        let tiny = summary(&[1e-200, 3e-200]).expect("values");
        assert!((tiny.sd / 1e-200 - 2.0_f64.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn z_scores_by_hand() {
        // Same list: mean 5, population variance 32 / 8 = 4, sd 2; z = (x − 5) / 2.
        let z = z_scores(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]);
        let expected = [-1.5, -0.5, -0.5, -0.5, 0.0, 0.0, 1.0, 2.0];
        assert_eq!(z.len(), expected.len());
        assert!(z.iter().zip(expected).all(|(a, b)| close(*a, b)));
        assert_eq!(z_scores(&[]), Vec::<f64>::new());
        assert_eq!(z_scores(&[7.0]), vec![0.0]);
        assert_eq!(z_scores(&[3.0, 3.0, 3.0]), vec![0.0; 3]);
        // NaN gets 0 and is left out: [1, NaN, 3] has mean 2, population sd 1.
        assert_eq!(z_scores(&[1.0, f64::NAN, 3.0]), vec![-1.0, 0.0, 1.0]);
    }

    #[test]
    fn kendalls_w_perfect_and_reversed() {
        let same = vec![vec![1.0, 2.0, 3.0, 4.0]; 3];
        assert_eq!(kendalls_w(&same), Some(1.0));
        // Two jurors in exactly opposite order: every rank sum is 5 = m(n + 1)/2, S = 0, W = 0.
        let opposite = vec![vec![1.0, 2.0, 3.0, 4.0], vec![4.0, 3.0, 2.0, 1.0]];
        assert_eq!(kendalls_w(&opposite), Some(0.0));
    }

    #[test]
    fn kendalls_w_published_example() {
        // ProofWiki, "Kendall's Coefficient of Concordance/Examples/Arbitrary Example 1": judges
        // A–D rank competitors X, Y, Z. Rank sums X 1+1+2+3 = 7, Y 3+2+3+1 = 9, Z 2+3+1+2 = 8;
        // mean m(n+1)/2 = 4·4/2 = 8; S = 1 + 1 + 0 = 2; W = 12·2 / (4²·(3³−3)) = 24/384 = 1/16.
        let ratings = from_ranks(&[
            &[1.0, 3.0, 2.0],
            &[1.0, 2.0, 3.0],
            &[2.0, 3.0, 1.0],
            &[3.0, 1.0, 2.0],
        ]);
        assert!(close(kendalls_w(&ratings).expect("defined"), 1.0 / 16.0));
    }

    #[test]
    fn kendalls_w_four_judges_ten_projects() {
        // The worked example "The Kendall coefficient of concordance" (handout, Example 1: 4
        // judges A–D rank 10 projects). Rank sums per project 10, 8, 12, 16, 21, 22, 25, 31, 37,
        // 38 (total 220, mean 22 = 4·11/2); deviations −12, −14, −10, −6, −1, 0, 3, 9, 15, 16;
        // S = 144+196+100+36+1+0+9+81+225+256 = 1048.
        // W = 12·1048 / (4²·(10³−10)) = 12576 / 15840 = 131/165 ≈ 0.7939.
        let ratings = from_ranks(&[
            &[1.0, 3.0, 4.0, 5.0, 2.0, 8.0, 6.0, 7.0, 10.0, 9.0],
            &[2.0, 1.0, 4.0, 5.0, 6.0, 3.0, 8.0, 7.0, 10.0, 9.0],
            &[3.0, 2.0, 1.0, 5.0, 7.0, 4.0, 6.0, 8.0, 9.0, 10.0],
            &[4.0, 2.0, 3.0, 1.0, 6.0, 7.0, 5.0, 9.0, 8.0, 10.0],
        ]);
        assert!(close(kendalls_w(&ratings).expect("defined"), 131.0 / 165.0));
    }

    #[test]
    fn kendalls_w_with_ties_uses_the_correction() {
        // 3 jurors, 4 entries (ratings, higher = better):
        //   A: 10, 8, 8, 5  → ranks 1, 2.5, 2.5, 4   one tie of 2: T = 2³−2 = 6
        //   B:  9, 9, 7, 6  → ranks 1.5, 1.5, 3, 4   one tie of 2: T = 6
        //   C: 10, 9, 8, 7  → ranks 1, 2, 3, 4       T = 0
        // Rank sums 3.5, 6, 8.5, 12; mean 3·5/2 = 7.5; deviations −4, −1.5, 1, 4.5;
        // S = 16 + 2.25 + 1 + 20.25 = 39.5.
        // Corrected: 12·39.5 / (3²·(4³−4) − 3·12) = 474 / (540 − 36) = 474/504 = 79/84 ≈ 0.9405
        // (uncorrected it would be 474/540 ≈ 0.8778).
        let ratings = vec![
            vec![10.0, 8.0, 8.0, 5.0],
            vec![9.0, 9.0, 7.0, 6.0],
            vec![10.0, 9.0, 8.0, 7.0],
        ];
        assert!(close(kendalls_w(&ratings).expect("defined"), 79.0 / 84.0));
    }

    #[test]
    fn kendalls_w_undefined_cases() {
        assert_eq!(kendalls_w(&[]), None);
        assert_eq!(kendalls_w(&[vec![1.0, 2.0]]), None);
        assert_eq!(kendalls_w(&[vec![1.0], vec![2.0]]), None);
        // Every juror ties everything: m²(n³−n) − m·ΣT = 4·6 − 2·12 = 0.
        assert_eq!(kendalls_w(&[vec![5.0, 5.0], vec![3.0, 3.0]]), None);
        assert_eq!(kendalls_w(&[vec![1.0, 2.0], vec![1.0]]), None);
        assert_eq!(kendalls_w(&[vec![1.0, f64::NAN], vec![1.0, 2.0]]), None);
    }

    #[test]
    fn ranks_share_the_best_place() {
        let ranks = competition_ranks(&[(0, 5.0), (1, 3.0), (2, 3.0), (3, 1.0)]);
        assert_eq!(ranks, vec![1, 2, 2, 4]);
        // Given in another order, ties still share; 0.1 + 0.2 and 0.3 differ in the last bit
        // only and tie.
        let ranks = competition_ranks(&[(9, 0.1 + 0.2), (4, 0.3), (1, 7.0), (2, -0.0)]);
        assert_eq!(ranks, vec![2, 2, 1, 4]);
        assert_eq!(competition_ranks(&[]), Vec::<usize>::new());
    }

    #[test]
    fn harsh_juror_is_two_points_below() {
        // Jurors 0 and 1 agree; juror 2 always gives 2 points less.
        //   entry:     0  1  2
        //   juror 0:   8  6  7
        //   juror 1:   8  6  7
        //   juror 2:   6  4  5
        // Juror 2 against the others' mean (equal to juror 0's): −2 on every entry → −2.
        // Juror 0 against the mean of jurors 1 and 2: s − (s + s − 2)/2 = +1 → +1 (so juror 1).
        let mut sheets = Vec::new();
        for (entry, score) in [8.0, 6.0, 7.0].into_iter().enumerate() {
            sheets.push(sheet(0, entry, score));
            sheets.push(sheet(1, entry, score));
            sheets.push(sheet(2, entry, score - 2.0));
        }
        let c = calibration(&sheets);
        let offsets: Vec<Option<f64>> = c.jurors.iter().map(|j| j.offset_from_panel).collect();
        assert_eq!(offsets, vec![Some(1.0), Some(1.0), Some(-2.0)]);
        // Juror 2: mean of 6, 4, 5 is 5, sample sd 1.
        assert_eq!(
            (c.jurors[2].mean, c.jurors[2].sd, c.jurors[2].sheets),
            (5.0, 1.0, 3)
        );
        // Same order from everyone: W = 1, over the 3 entries.
        assert_eq!(c.kendalls_w, Some(1.0));
        assert_eq!(c.w_entries, 3);
        assert_eq!(c.agreement, Some("very_strong"));
        let order: Vec<usize> = c.entries.iter().map(|e| e.entry).collect();
        assert_eq!(order, vec![0, 2, 1]);
    }

    #[test]
    fn z_ranking_corrects_a_harsh_juror_on_a_subset() {
        // Juror 0 scores entries 0–2, juror 1 (harsh) only entries 2 and 3.
        //   entry:     0  1  2  3
        //   juror 0:   8  6  7  -
        //   juror 1:   -  -  5  3
        // Raw means: 8, 6, (7+5)/2 = 6, 3 → raw ranks 1, 2, 2, 4.
        // Juror 0: mean 7, population sd √(2/3); z = +√1.5, −√1.5, 0.
        // Juror 1: mean 4, population sd 1; z = +1, −1.
        // z means: e0 √1.5 ≈ 1.2247, e1 −1.2247, e2 (0 + 1)/2 = 0.5, e3 −1
        // → z ranks 1, 4, 2, 3: entry 2 overtakes entry 1, entry 3 too.
        // Offsets (only entry 2 is shared): juror 0: 7 − 5 = +2; juror 1: 5 − 7 = −2.
        let c = calibration(&[
            sheet(0, 0, 8.0),
            sheet(0, 1, 6.0),
            sheet(0, 2, 7.0),
            sheet(1, 2, 5.0),
            sheet(1, 3, 3.0),
        ]);
        let by_entry = |entry: usize| {
            c.entries
                .iter()
                .find(|e| e.entry == entry)
                .expect("entry present")
        };
        let ranks: Vec<(usize, usize)> = (0..4)
            .map(|e| (by_entry(e).raw_rank, by_entry(e).z_rank))
            .collect();
        assert_eq!(ranks, vec![(1, 1), (2, 4), (2, 2), (4, 3)]);
        assert!(close(by_entry(0).z_mean, 1.5_f64.sqrt()));
        assert!(close(by_entry(2).z_mean, 0.5));
        assert!(close(by_entry(2).raw_mean, 6.0));
        assert_eq!(by_entry(2).sheets, 2);
        let order: Vec<usize> = c.entries.iter().map(|e| e.entry).collect();
        assert_eq!(order, vec![0, 1, 2, 3]);
        assert_eq!(c.jurors[0].offset_from_panel, Some(2.0));
        assert_eq!(c.jurors[1].offset_from_panel, Some(-2.0));
        // Only entry 2 was scored by both: too few for W.
        assert_eq!((c.kendalls_w, c.w_entries, c.agreement), (None, 1, None));
    }

    #[test]
    fn calibration_of_sparse_and_odd_input() {
        let empty = calibration(&[]);
        assert!(empty.jurors.is_empty() && empty.entries.is_empty());
        assert_eq!(
            (empty.kendalls_w, empty.w_entries, empty.agreement),
            (None, 0, None)
        );

        // Juror 7 alone on entry 42; a NaN sheet is left out; a repeated sheet replaces.
        let c = calibration(&[sheet(7, 42, 3.0), sheet(7, 42, 4.0), sheet(3, 42, f64::NAN)]);
        assert_eq!(
            c.jurors,
            vec![JurorCalibration {
                juror: 7,
                sheets: 1,
                mean: 4.0,
                sd: 0.0,
                offset_from_panel: None,
            }]
        );
        assert_eq!(
            c.entries,
            vec![NormalisedEntry {
                entry: 42,
                sheets: 1,
                raw_mean: 4.0,
                raw_rank: 1,
                z_mean: 0.0,
                z_rank: 1,
            }]
        );
        assert_eq!((c.kendalls_w, c.w_entries), (None, 0));

        // Extreme magnitudes: no NaN, no infinity.
        let c = calibration(&[
            sheet(0, 0, f64::MAX),
            sheet(1, 0, -f64::MAX),
            sheet(0, 1, -f64::MAX),
            sheet(1, 1, f64::MAX),
        ]);
        assert!(c.jurors.iter().all(|j| j.mean.is_finite()
            && j.sd.is_finite()
            && j.offset_from_panel.is_some_and(f64::is_finite)));
        assert!(
            c.entries
                .iter()
                .all(|e| e.raw_mean == 0.0 && e.z_mean == 0.0)
        );
        assert_eq!(c.kendalls_w, Some(0.0));
    }

    #[test]
    fn agreement_words() {
        let words: Vec<&str> = [0.0, 0.09, 0.1, 0.29, 0.3, 0.5, 0.69, 0.7, 1.0]
            .into_iter()
            .map(agreement)
            .collect();
        assert_eq!(
            words,
            vec![
                "none",
                "none",
                "weak",
                "weak",
                "moderate",
                "strong",
                "strong",
                "very_strong",
                "very_strong"
            ]
        );
    }

    #[test]
    fn histogram_counts_and_clamps() {
        assert_eq!(histogram(&[0, 1, 1, 3, -5, 9], 3), vec![2, 2, 0, 2]);
        assert_eq!(histogram(&[], 2), vec![0, 0, 0]);
        assert_eq!(histogram(&[1, 2], 0), vec![2]);
        assert_eq!(histogram(&[1, 2], -1), Vec::<u64>::new());
        let capped = histogram(&[i64::MAX, i64::MIN], i64::MAX);
        assert_eq!(capped.len(), HISTOGRAM_LARGEST_VALUE as usize + 1);
        assert_eq!((capped[0], capped[capped.len() - 1]), (1, 1));
    }

    /// A linear congruential generator (Knuth's MMIX constants): deterministic noise for tests.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }

        fn below(&mut self, bound: u64) -> u64 {
            self.next() % bound
        }
    }

    #[test]
    fn random_inputs_stay_in_range() {
        let mut rng = Lcg(20_240_601);
        for round in 0..500 {
            let m = 2 + rng.below(5) as usize;
            let n = 2 + rng.below(7) as usize;
            // Half the rounds on a 0–4 scale (many ties), half on a fine one.
            let coarse = round % 2 == 0;
            let ratings: Vec<Vec<f64>> = (0..m)
                .map(|_| {
                    (0..n)
                        .map(|_| {
                            if coarse {
                                rng.below(5) as f64
                            } else {
                                rng.below(10_000) as f64 / 100.0
                            }
                        })
                        .collect()
                })
                .collect();
            if let Some(w) = kendalls_w(&ratings) {
                assert!((0.0..=1.0).contains(&w), "W = {w} for {ratings:?}");
            }

            // Sparse sheets over up to 6 jurors and 8 entries.
            let sheets: Vec<Sheet> = (0..rng.below(30))
                .map(|_| {
                    sheet(
                        rng.below(6) as usize * 3,
                        rng.below(8) as usize,
                        rng.below(101) as f64,
                    )
                })
                .collect();
            let c = calibration(&sheets);
            let entries = c.entries.len();
            for e in &c.entries {
                assert!(e.raw_mean.is_finite() && e.z_mean.is_finite());
                assert!((1..=entries).contains(&e.raw_rank) && (1..=entries).contains(&e.z_rank));
            }
            assert!(
                c.entries
                    .windows(2)
                    .all(|p| (p[0].raw_rank, p[0].entry) < (p[1].raw_rank, p[1].entry))
            );
            assert!(c.jurors.windows(2).all(|p| p[0].juror < p[1].juror));
            for j in &c.jurors {
                assert!(j.mean.is_finite() && j.sd.is_finite());
                assert!(j.offset_from_panel.is_none_or(f64::is_finite));
            }
            assert_eq!(c.kendalls_w.is_some(), c.agreement.is_some());
            if let Some(w) = c.kendalls_w {
                assert!((0.0..=1.0).contains(&w));
            }
        }
    }
}
