use super::calibration::{agreement, competition_ranks};
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
