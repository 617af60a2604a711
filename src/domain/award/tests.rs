use super::*;
use proptest::prelude::*;

fn criteria() -> Vec<Criterion> {
    vec![
        Criterion {
            key: "impact".into(),
            label: "Impact".into(),
            weight: 3,
            max: 10,
            description: None,
        },
        Criterion {
            key: "cost".into(),
            label: "Cost".into(),
            weight: 1,
            max: 5,
            description: None,
        },
    ]
}

fn sheet(impact: u32, cost: u32) -> BTreeMap<String, u32> {
    [("impact".to_owned(), impact), ("cost".to_owned(), cost)]
        .into_iter()
        .collect()
}

fn at(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
}

fn entry(id: &str, submitted: i64, sheets: Vec<BTreeMap<String, u32>>) -> Entry {
    Entry {
        id: id.into(),
        first_submitted_at: at(submitted),
        sheets,
        track: None,
    }
}

fn prizes(amounts: &[i64]) -> Vec<Prize> {
    amounts
        .iter()
        .enumerate()
        .map(|(i, a)| Prize {
            label: format!("P{i}"),
            amount_cents: *a,
        })
        .collect()
}

fn ids(ranking: &[Ranked]) -> Vec<&str> {
    ranking.iter().map(|r| r.id.as_str()).collect()
}

fn paid(payouts: &[Payout]) -> Vec<(String, i64, Reason)> {
    payouts
        .iter()
        .map(|p| {
            let who = match &p.recipient {
                Recipient::Entry(id) => id.clone(),
                Recipient::Beneficiary => "beneficiary".into(),
            };
            (who, p.amount_cents, p.reason)
        })
        .collect()
}

#[test]
fn sheet_scores_follow_the_formula() {
    assert_eq!(sheet_score(&criteria(), &sheet(10, 5)), 100_000_000);
    assert_eq!(sheet_score(&criteria(), &sheet(0, 0)), 0);
    // 100 × (3 × 5/10 + 1 × 0/5) / 4 = 37.5
    assert_eq!(sheet_score(&criteria(), &sheet(5, 0)), 37_500_000);
    // 100 × (3 × 0.7 + 0.6) / 4 = 67.5
    assert_eq!(sheet_score(&criteria(), &sheet(7, 3)), 67_500_000);
}

#[test]
fn an_entry_scores_the_mean_of_its_sheets() {
    let ranking = rank(
        Aggregation::Mean,
        &criteria(),
        &[entry("a", 0, vec![sheet(10, 5), sheet(5, 0)])],
    );
    let score = ranking[0].score.unwrap();
    assert!((score.points() - 68.75).abs() < 1e-9);
    assert!(score.at_least(68) && !score.at_least(69));
}

#[test]
fn ties_are_broken_by_criteria_then_submission_then_id() {
    // Both 67.5; b is better on impact, the first criterion.
    let ranking = rank(
        Aggregation::Mean,
        &criteria(),
        &[
            entry("a", 0, vec![sheet(7, 3)]),
            entry("b", 5, vec![sheet(9, 0)]),
        ],
    );
    assert_eq!(ids(&ranking), ["b", "a"]);
    // All equal: the earlier submission first, then the smaller id.
    let ranking = rank(
        Aggregation::Mean,
        &criteria(),
        &[
            entry("z", 10, vec![sheet(7, 3)]),
            entry("y", 5, vec![sheet(7, 3)]),
            entry("x", 10, vec![sheet(7, 3)]),
        ],
    );
    assert_eq!(ids(&ranking), ["y", "x", "z"]);
    assert_eq!(
        ranking.iter().map(|r| r.rank).collect::<Vec<_>>(),
        [1, 2, 3]
    );
}

#[test]
fn unscored_entries_come_after_every_scored_one() {
    let ranking = rank(
        Aggregation::Mean,
        &criteria(),
        &[
            entry("none", 0, vec![]),
            entry("low", 1, vec![sheet(0, 0)]),
            entry("high", 2, vec![sheet(10, 5)]),
        ],
    );
    assert_eq!(ids(&ranking), ["high", "low", "none"]);
    assert_eq!(ranking[2].score, None);
}

fn ranked(criteria: &[Criterion], entries: &[Entry]) -> Vec<Ranked> {
    rank(Aggregation::Mean, criteria, entries)
}

#[test]
fn one_winner_and_the_rest_to_the_next_best() {
    let r = ranked(
        &criteria(),
        &[
            entry("a", 0, vec![sheet(10, 5)]),
            entry("b", 1, vec![sheet(5, 0)]),
            entry("c", 2, vec![]),
        ],
    );
    let payouts = allocate(&prizes(&[500, 200]), 60, Fallback::BestAnyway, &r);
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 500, Reason::Prize),
            ("b".into(), 200, Reason::Fallback)
        ]
    );
}

#[test]
fn no_winner_split_among_the_best_n() {
    let r = ranked(
        &criteria(),
        &[
            entry("a", 0, vec![sheet(5, 0)]),
            entry("b", 1, vec![sheet(4, 0)]),
            entry("c", 2, vec![sheet(1, 0)]),
        ],
    );
    let payouts = allocate(&prizes(&[500, 200]), 60, Fallback::SplitTop { n: 2 }, &r);
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 350, Reason::Fallback),
            ("b".into(), 350, Reason::Fallback)
        ]
    );
}

#[test]
fn leftover_cents_go_one_each_to_the_best_ranked() {
    let r = ranked(
        &criteria(),
        &[
            entry("a", 0, vec![sheet(3, 0)]),
            entry("b", 1, vec![sheet(2, 0)]),
            entry("c", 2, vec![sheet(1, 0)]),
        ],
    );
    let payouts = allocate(&prizes(&[100, 1]), 90, Fallback::SplitAll, &r);
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 34, Reason::Fallback),
            ("b".into(), 34, Reason::Fallback),
            ("c".into(), 33, Reason::Fallback)
        ]
    );
    // One cent among three: the best gets it, nobody gets a zero payout.
    let payouts = allocate(&prizes(&[1]), 90, Fallback::SplitAll, &r);
    assert_eq!(paid(&payouts), [("a".into(), 1, Reason::Fallback)]);
}

#[test]
fn with_no_entries_everything_goes_to_the_beneficiary() {
    for fallback in [
        Fallback::BestAnyway,
        Fallback::SplitTop { n: 3 },
        Fallback::SplitAll,
    ] {
        let payouts = allocate(&prizes(&[500, 200]), 60, fallback, &[]);
        assert_eq!(
            paid(&payouts),
            [("beneficiary".into(), 700, Reason::NoEntries)]
        );
    }
}

#[test]
fn more_prizes_than_entries() {
    let r = ranked(&criteria(), &[entry("a", 0, vec![sheet(10, 5)])]);
    let payouts = allocate(&prizes(&[300, 200, 100]), 60, Fallback::BestAnyway, &r);
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 300, Reason::Prize),
            ("beneficiary".into(), 300, Reason::NoEntries)
        ]
    );
    let payouts = allocate(
        &prizes(&[300, 200, 100]),
        60,
        Fallback::SplitTop { n: 5 },
        &r,
    );
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 300, Reason::Prize),
            ("beneficiary".into(), 300, Reason::NoEntries)
        ]
    );
}

#[test]
fn every_entry_wins_outright() {
    let r = ranked(
        &criteria(),
        &[
            entry("a", 0, vec![sheet(10, 5)]),
            entry("b", 1, vec![sheet(9, 5)]),
        ],
    );
    let payouts = allocate(&prizes(&[500, 200]), 60, Fallback::SplitAll, &r);
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 500, Reason::Prize),
            ("b".into(), 200, Reason::Prize)
        ]
    );
}

#[test]
fn a_tie_at_the_prize_boundary_goes_to_the_earlier_submission() {
    let r = ranked(
        &criteria(),
        &[
            entry("late", 9, vec![sheet(8, 4)]),
            entry("early", 1, vec![sheet(8, 4)]),
        ],
    );
    let payouts = allocate(&prizes(&[500]), 60, Fallback::BestAnyway, &r);
    assert_eq!(paid(&payouts), [("early".into(), 500, Reason::Prize)]);
}

#[test]
fn nobody_scored_anything_best_anyway_follows_submission_order() {
    let r = ranked(&criteria(), &[entry("b", 2, vec![]), entry("a", 1, vec![])]);
    let payouts = allocate(&prizes(&[500, 200]), 0, Fallback::BestAnyway, &r);
    assert_eq!(
        paid(&payouts),
        [
            ("a".into(), 500, Reason::Fallback),
            ("b".into(), 200, Reason::Fallback)
        ]
    );
}

fn arbitrary_contest()
-> impl Strategy<Value = (Vec<Criterion>, Vec<Entry>, Vec<Prize>, u32, Fallback)> {
    let criteria = prop::collection::vec((1u32..5, 1u32..11), 1..4).prop_map(|c| {
        c.into_iter()
            .enumerate()
            .map(|(i, (weight, max))| Criterion {
                key: format!("c{i}"),
                label: format!("C{i}"),
                weight,
                max,
                description: None,
            })
            .collect::<Vec<_>>()
    });
    (
        criteria,
        0usize..200,
        0usize..10,
        prop::collection::vec(1i64..1_000_000, 1..20),
        0u32..=100,
        0u8..3,
        1u32..10,
        any::<u64>(),
    )
        .prop_map(
            |(criteria, n_entries, n_jurors, amounts, minimum, policy, n, seed)| {
                let mut state = seed | 1;
                let mut next = move |m: u32| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state % u64::from(m.max(1))) as u32
                };
                let entries = (0..n_entries)
                    .map(|i| {
                        let mut sheets = Vec::new();
                        for _ in 0..n_jurors {
                            // Some jurors leave an entry unscored.
                            if next(3) > 0 {
                                sheets.push(
                                    criteria
                                        .iter()
                                        .map(|c| (c.key.clone(), next(c.max + 1)))
                                        .collect(),
                                );
                            }
                        }
                        Entry {
                            id: format!("e{i:03}"),
                            first_submitted_at: at(i64::from(next(1000))),
                            sheets,
                            track: None,
                        }
                    })
                    .collect();
                let prizes = prizes(&amounts);
                let fallback = match policy {
                    0 => Fallback::BestAnyway,
                    1 => Fallback::SplitTop { n },
                    _ => Fallback::SplitAll,
                };
                (criteria, entries, prizes, minimum, fallback)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn payouts_always_add_up_to_the_pool_and_nobody_is_paid_twice(
        (criteria, entries, prizes, minimum, fallback) in arbitrary_contest()
    ) {
        let pool: i64 = prizes.iter().map(|p| p.amount_cents).sum();
        let ranking = rank(
        Aggregation::Mean,
        &criteria, &entries);
        let payouts = allocate(&prizes, minimum, fallback, &ranking);
        prop_assert_eq!(payouts.iter().map(|p| p.amount_cents).sum::<i64>(), pool);
        prop_assert!(payouts.iter().all(|p| p.amount_cents > 0));
        let mut paid_entries: Vec<&String> = payouts
            .iter()
            .filter_map(|p| match &p.recipient { Recipient::Entry(id) => Some(id), Recipient::Beneficiary => None })
            .collect();
        let total = paid_entries.len();
        paid_entries.sort();
        paid_entries.dedup();
        prop_assert_eq!(paid_entries.len(), total, "an entry was paid twice");
        prop_assert!(paid_entries.iter().all(|id| entries.iter().any(|e| &e.id == *id)));
        prop_assert!(payouts.iter().filter(|p| p.recipient == Recipient::Beneficiary).count() <= 1);
        if entries.is_empty() {
            prop_assert_eq!(payouts.len(), 1);
        }
    }

    #[test]
    fn the_result_does_not_depend_on_the_order_rows_come_in(
        (criteria, entries, prizes, minimum, fallback) in arbitrary_contest(), rotate in 0usize..200
    ) {
        let reference = allocate(&prizes, minimum, fallback, &rank(
        Aggregation::Mean,
        &criteria, &entries));
        let mut shuffled = entries.clone();
        shuffled.reverse();
        if !shuffled.is_empty() {
            let k = rotate % shuffled.len();
            shuffled.rotate_left(k);
        }
        for entry in &mut shuffled {
            entry.sheets.reverse();
        }
        let again = allocate(&prizes, minimum, fallback, &rank(
        Aggregation::Mean,
        &criteria, &shuffled));
        prop_assert_eq!(reference, again);
    }

    #[test]
    fn ranks_are_a_permutation_and_scored_entries_come_first(
        (criteria, entries, _prizes, _minimum, _fallback) in arbitrary_contest()
    ) {
        let ranking = rank(
        Aggregation::Mean,
        &criteria, &entries);
        prop_assert_eq!(ranking.len(), entries.len());
        prop_assert!(ranking.iter().enumerate().all(|(i, r)| r.rank == i + 1));
        let first_unscored = ranking.iter().position(|r| r.score.is_none()).unwrap_or(ranking.len());
        prop_assert!(ranking[first_unscored..].iter().all(|r| r.score.is_none()));
        for pair in ranking[..first_unscored].windows(2) {
            let (a, b) = (pair[0].score.unwrap(), pair[1].score.unwrap());
            prop_assert!(i128::from(a.sum) * i128::from(b.count) >= i128::from(b.sum) * i128::from(a.count));
        }
    }
}
