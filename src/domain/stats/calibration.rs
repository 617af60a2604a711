//! The jury's calibration: how each juror scores compared with the rest of the panel, the
//! ranking once each juror's own scale is taken out, and how far the jurors agree (Kendall's W).

use super::*;

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

/// The words for a Kendall's W (see [`Calibration::agreement`]).
pub(super) fn agreement(w: f64) -> &'static str {
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
pub(super) fn competition_ranks(scores: &[(usize, f64)]) -> Vec<usize> {
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
