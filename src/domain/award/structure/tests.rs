//! Rounds, tracks and aggregation, with hand-computed cases, and a property test that the
//! pool is always paid exactly and nobody twice.

use std::collections::BTreeMap;

use chrono::DateTime;
use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;
use crate::domain::award::{Mean, aggregate, sheet_score};
use crate::domain::rules::{Aggregation, Criterion};

/// The example rules with one criterion `q` out of 100 (a sheet's score is its value), the
/// given fallback and minimum, and `extra` keys merged in.
fn rules(extra: Value) -> Rules {
    let mut doc = crate::domain::rules::tests::example();
    doc["criteria"] = json!([{"key": "q", "label": "Quality", "weight": 1, "max": 100}]);
    for (key, value) in extra.as_object().unwrap() {
        doc[key] = value.clone();
    }
    Rules::parse(&doc).unwrap_or_else(|e| panic!("{e:?}"))
}

fn round(key: &str, ends: &str, advance: Value) -> Value {
    json!({"key": key, "label": key, "ends_at": ends,
        "criteria": [{"key": "q", "label": "Quality", "weight": 1, "max": 100}],
        "advance": advance})
}

fn tracks() -> Value {
    json!([
        {"key": "pack", "label": "Packaging", "prizes": [{"label": "Best packaging", "amount_cents": 300}]},
        {"key": "ship", "label": "Shipping", "prizes": [{"label": "Best shipping", "amount_cents": 100}]}
    ])
}

/// An entry with one sheet per score (none: unscored), submitted `at` seconds in.
fn entry(id: &str, track: Option<&str>, at: i64, scores: &[u32]) -> Entry {
    Entry {
        id: id.into(),
        first_submitted_at: DateTime::from_timestamp(1_800_000_000 + at, 0).unwrap(),
        sheets: scores
            .iter()
            .map(|s| BTreeMap::from([("q".to_owned(), *s)]))
            .collect(),
        track: track.map(str::to_owned),
    }
}

fn paid(payouts: &[Payout]) -> Vec<(Option<&str>, i64, Reason, Option<&str>)> {
    payouts
        .iter()
        .map(|p| {
            let who = match &p.recipient {
                Recipient::Entry(id) => Some(id.as_str()),
                Recipient::Beneficiary => None,
            };
            (who, p.amount_cents, p.reason, p.track.as_deref())
        })
        .collect()
}

fn micro(points: i64) -> i64 {
    points * 1_000_000
}

#[test]
fn median_of_an_odd_and_an_even_count() {
    let m = aggregate(Aggregation::Median, vec![micro(90), micro(10), micro(50)]).unwrap();
    assert_eq!(
        m,
        Mean {
            sum: micro(50),
            count: 1
        }
    );
    // Even: the mean of the two middle sheets, kept exactly (65 = (60 + 70) / 2).
    let m = aggregate(
        Aggregation::Median,
        vec![micro(100), micro(60), micro(0), micro(70)],
    )
    .unwrap();
    assert_eq!(
        m,
        Mean {
            sum: micro(130),
            count: 2
        }
    );
    assert!(m.at_least(65) && !m.at_least(66));
    assert_eq!(aggregate(Aggregation::Median, vec![]), None);
}

#[test]
fn trimmed_mean_with_three_and_with_four_sheets() {
    // Three sheets: nothing is dropped, a plain mean.
    let m = aggregate(
        Aggregation::TrimmedMean,
        vec![micro(0), micro(30), micro(90)],
    )
    .unwrap();
    assert_eq!(
        m,
        Mean {
            sum: micro(120),
            count: 3
        }
    );
    // Four: one highest (100) and one lowest (0) dropped, (40 + 50) / 2 = 45.
    let m = aggregate(
        Aggregation::TrimmedMean,
        vec![micro(100), micro(40), micro(0), micro(50)],
    )
    .unwrap();
    assert_eq!(
        m,
        Mean {
            sum: micro(90),
            count: 2
        }
    );
    // Equal extremes: only one of each is dropped.
    let m = aggregate(
        Aggregation::TrimmedMean,
        vec![micro(10), micro(10), micro(10), micro(90), micro(90)],
    )
    .unwrap();
    assert_eq!(
        m,
        Mean {
            sum: micro(110),
            count: 3
        }
    );
}

#[test]
fn the_declared_aggregation_changes_the_ranking() {
    // a: 0, 80, 80, 80 (mean 60, median 80, trimmed 80); b: 70 ×4 (70 each way).
    let entries = [
        entry("a", None, 0, &[0, 80, 80, 80]),
        entry("b", None, 1, &[70; 4]),
    ];
    let criteria = vec![Criterion {
        key: "q".into(),
        label: "Quality".into(),
        weight: 1,
        max: 100,
        description: None,
    }];
    assert_eq!(sheet_score(&criteria, &entries[0].sheets[1]), micro(80));
    let order = |aggregation| -> Vec<String> {
        rank(aggregation, &criteria, &entries)
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    assert_eq!(order(Aggregation::Mean), ["b", "a"]);
    assert_eq!(order(Aggregation::Median), ["a", "b"]);
    assert_eq!(order(Aggregation::TrimmedMean), ["a", "b"]);
}

#[test]
fn entries_tied_with_the_last_place_advance_too() {
    let r = rules(json!({"rounds": [round("short", "2027-02-10T00:00:00Z", json!({"top": 2}))]}));
    let entrants = [
        entry("a", None, 0, &[90]),
        entry("b", None, 1, &[70]),
        entry("c", None, 2, &[70]),
        entry("d", None, 3, &[69]),
        entry("e", None, 4, &[]),
    ];
    assert_eq!(advance(&r, &r.rounds[0], &entrants), ["a", "b", "c"]);
    // Fewer scored entries than places: every scored one, never an unscored one.
    let r = rules(json!({"rounds": [round("short", "2027-02-10T00:00:00Z", json!({"top": 9}))]}));
    assert_eq!(advance(&r, &r.rounds[0], &entrants), ["a", "b", "c", "d"]);
}

#[test]
fn advancement_by_minimum_score_and_nobody_advancing() {
    let r = rules(
        json!({"rounds": [round("short", "2027-02-10T00:00:00Z", json!({"min_score": 70}))]}),
    );
    let entrants = [
        entry("a", None, 0, &[90]),
        entry("b", None, 1, &[70]),
        entry("c", None, 2, &[69, 70]),
    ];
    assert_eq!(advance(&r, &r.rounds[0], &entrants), ["a", "b"]);
    let low = [entry("a", None, 0, &[10]), entry("b", None, 1, &[])];
    assert!(advance(&r, &r.rounds[0], &low).is_empty());
}

#[test]
fn advancement_per_track_takes_the_best_of_each() {
    let r = rules(json!({"tracks": tracks(), "prizes": [],
        "rounds": [round("short", "2027-02-10T00:00:00Z", json!({"top": 1, "per_track": true}))]}));
    let entrants = [
        entry("p1", Some("pack"), 0, &[90]),
        entry("p2", Some("pack"), 1, &[80]),
        entry("s1", Some("ship"), 2, &[20]),
        entry("s2", Some("ship"), 3, &[10]),
    ];
    assert_eq!(advance(&r, &r.rounds[0], &entrants), ["p1", "s1"]);
}

#[test]
fn finalists_rank_first_then_the_others_by_the_last_round_reached() {
    let r = rules(json!({"rounds": [
        round("open", "2027-02-10T00:00:00Z", json!({"top": 3})),
        round("short", "2027-02-20T00:00:00Z", json!({"top": 1}))
    ], "fallback": {"policy": "best_anyway"}}));
    let rounds = [
        RoundEntries {
            key: "open".into(),
            entrants: vec![
                entry("a", None, 0, &[90]),
                entry("b", None, 1, &[80]),
                entry("c", None, 2, &[70]),
                entry("d", None, 3, &[99]),
                entry("e", None, 4, &[10]),
            ],
        },
        RoundEntries {
            key: "short".into(),
            entrants: vec![
                entry("a", None, 0, &[10]),
                entry("b", None, 1, &[60]),
                entry("d", None, 3, &[50]),
            ],
        },
    ];
    // At the award, c has left the running; the final round's sheets are b's alone.
    let entries = [
        entry("a", None, 0, &[]),
        entry("b", None, 1, &[40]),
        entry("d", None, 3, &[]),
        entry("e", None, 4, &[]),
    ];
    let outcome = outcome(&r, &rounds, &entries);
    assert_eq!(outcome.advanced, [vec!["d", "a", "b"], vec!["b"]]);
    let rows: Vec<(&str, usize, usize)> = (outcome.ranking.iter())
        .map(|r| (r.id.as_str(), r.rank, r.round))
        .collect();
    // b reached the final; d and a the shortlist (by its scores: 50, 10); e only the first.
    assert_eq!(rows, [("b", 1, 2), ("d", 2, 1), ("a", 3, 1), ("e", 4, 0)]);
    // b scored 40 in the final, under the minimum of 60: the prizes go by the fallback, best
    // ranked first (500 to b, 200 to d), and nobody wins on merit.
    assert_eq!(
        paid(&outcome.payouts),
        [
            (Some("b"), 500_000, Reason::Fallback, None),
            (Some("d"), 200_000, Reason::Fallback, None),
        ]
    );
}

#[test]
fn when_nobody_advances_the_pool_is_still_paid() {
    let r = rules(
        json!({"rounds": [round("short", "2027-02-10T00:00:00Z", json!({"min_score": 95}))],
        "fallback": {"policy": "split_all"}}),
    );
    let rounds = [RoundEntries {
        key: "short".into(),
        entrants: vec![entry("a", None, 0, &[50]), entry("b", None, 1, &[])],
    }];
    let entries = [entry("a", None, 0, &[]), entry("b", None, 1, &[])];
    let outcome = outcome(&r, &rounds, &entries);
    assert_eq!(outcome.advanced, [Vec::<String>::new()]);
    // 700,000 split between the two, a (better ranked) first.
    assert_eq!(
        paid(&outcome.payouts),
        [
            (Some("a"), 350_000, Reason::Fallback, None),
            (Some("b"), 350_000, Reason::Fallback, None),
        ]
    );
    // Nobody at all: everything to the beneficiary.
    let outcome = super::outcome(
        &r,
        &[RoundEntries {
            key: "short".into(),
            entrants: vec![],
        }],
        &[],
    );
    assert_eq!(
        paid(&outcome.payouts),
        [(None, 700_000, Reason::NoEntries, None)]
    );
}

#[test]
fn overall_prizes_first_then_each_track_among_those_who_won_nothing() {
    let r = rules(
        json!({"tracks": tracks(), "prizes": [{"label": "Grand prize", "amount_cents": 1000}],
        "fallback": {"policy": "best_anyway"}}),
    );
    assert_eq!(r.prize_pool_cents(), 1400);
    let entries = [
        entry("p1", Some("pack"), 0, &[95]),
        entry("p2", Some("pack"), 1, &[80]),
        entry("s1", Some("ship"), 2, &[30]),
    ];
    let outcome = outcome(&r, &[], &entries);
    // p1 takes the grand prize; packaging goes to p2 (who won nothing); shipping's entry is
    // under the minimum (60): its prize goes to the next best in the track by best_anyway.
    assert_eq!(
        paid(&outcome.payouts),
        [
            (Some("p1"), 1000, Reason::Prize, None),
            (Some("p2"), 300, Reason::Prize, Some("pack")),
            (Some("s1"), 100, Reason::Fallback, Some("ship")),
        ]
    );
    let tracks: Vec<Option<&str>> = outcome.ranking.iter().map(|r| r.track.as_deref()).collect();
    assert_eq!(tracks, [Some("pack"), Some("pack"), Some("ship")]);
}

#[test]
fn a_track_without_entries_pays_the_beneficiary() {
    for (fallback, expected) in [
        (
            json!({"policy": "best_anyway"}),
            vec![(Some("p1"), 300, Reason::Prize, Some("pack"))],
        ),
        (
            json!({"policy": "split_top", "n": 2}),
            vec![(Some("p1"), 300, Reason::Prize, Some("pack"))],
        ),
        (
            json!({"policy": "split_all"}),
            vec![(Some("p1"), 300, Reason::Prize, Some("pack"))],
        ),
    ] {
        let r = rules(json!({"tracks": tracks(), "prizes": [], "fallback": fallback}));
        let outcome = outcome(&r, &[], &[entry("p1", Some("pack"), 0, &[90])]);
        let mut want = expected;
        want.push((None, 100, Reason::NoEntries, Some("ship")));
        assert_eq!(paid(&outcome.payouts), want);
    }
}

#[test]
fn a_track_prize_left_unclaimed_is_split_inside_the_track() {
    let r = rules(json!({"tracks": [
            {"key": "pack", "label": "Packaging", "prizes": [
                {"label": "Gold", "amount_cents": 301}, {"label": "Silver", "amount_cents": 100}]},
            {"key": "ship", "label": "Shipping", "prizes": [{"label": "Best", "amount_cents": 50}]}
        ], "prizes": [{"label": "Grand prize", "amount_cents": 1000}],
        "fallback": {"policy": "split_top", "n": 2}}));
    let entries = [
        entry("s1", Some("ship"), 0, &[99]),
        entry("p1", Some("pack"), 1, &[10]),
        entry("p2", Some("pack"), 2, &[5]),
        entry("p3", Some("pack"), 3, &[]),
        entry("s2", Some("ship"), 4, &[]),
    ];
    let outcome = outcome(&r, &[], &entries);
    assert_eq!(
        paid(&outcome.payouts),
        [
            // s1 wins the grand prize on merit;
            (Some("s1"), 1000, Reason::Prize, None),
            // nobody in packaging reaches 60: 401 split between its best two, the odd cent to p1;
            (Some("p1"), 201, Reason::Fallback, Some("pack")),
            (Some("p2"), 200, Reason::Fallback, Some("pack")),
            // shipping's only other entry is unscored: it takes its track's prize by the fallback.
            (Some("s2"), 50, Reason::Fallback, Some("ship")),
        ]
    );
}

#[test]
fn an_overall_split_leaves_nothing_for_the_tracks_but_the_beneficiary() {
    // Everyone shares the overall prize by split_all; nobody is paid twice, so the tracks'
    // prizes find no taker and go to the beneficiary.
    let r = rules(
        json!({"tracks": tracks(), "prizes": [{"label": "Grand prize", "amount_cents": 10}],
        "fallback": {"policy": "split_all"}}),
    );
    let entries = [
        entry("p1", Some("pack"), 0, &[1]),
        entry("s1", Some("ship"), 1, &[2]),
    ];
    let outcome = outcome(&r, &[], &entries);
    assert_eq!(
        paid(&outcome.payouts),
        [
            (Some("s1"), 5, Reason::Fallback, None),
            (Some("p1"), 5, Reason::Fallback, None),
            (None, 300, Reason::NoEntries, Some("pack")),
            (None, 100, Reason::NoEntries, Some("ship")),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Any tracks, prizes, fallback, scores and rounds: the payouts add up to the pool, no
    /// entry is paid twice, and every track payout goes to an entry of that track.
    #[test]
    fn allocation_with_tracks_pays_the_pool_exactly_and_nobody_twice(
        overall in proptest::collection::vec(1i64..10_000, 0..3),
        track_prizes in proptest::collection::vec(proptest::collection::vec(1i64..10_000, 1..3), 2..4),
        policy in 0u8..3,
        n in 1u32..4,
        minimum in 0u32..100,
        with_round in any::<bool>(),
        top in 1u32..5,
        scores in proptest::collection::vec(
            (0usize..4, proptest::collection::vec(0u32..=100, 0..4), proptest::collection::vec(0u32..=100, 0..3)),
            0..12,
        ),
    ) {
        prop_assume!(!overall.is_empty() || track_prizes.iter().any(|t| !t.is_empty()));
        let tracks: Vec<Value> = track_prizes.iter().enumerate().map(|(i, prizes)| json!({
            "key": format!("t{i}"), "label": format!("Track {i}"),
            "prizes": prizes.iter().map(|a| json!({"label": "P", "amount_cents": a})).collect::<Vec<_>>()
        })).collect();
        let fallback = match policy {
            0 => json!({"policy": "best_anyway"}),
            1 => json!({"policy": "split_top", "n": n}),
            _ => json!({"policy": "split_all"}),
        };
        let mut extra = json!({
            "tracks": tracks, "fallback": fallback, "minimum_score": minimum,
            "prizes": overall.iter().map(|a| json!({"label": "O", "amount_cents": a})).collect::<Vec<_>>(),
        });
        if with_round {
            extra["rounds"] = json!([round("r", "2027-02-10T00:00:00Z", json!({"top": top, "per_track": policy == 1}))]);
        }
        let r = rules(extra);
        let track_of = |t: usize| format!("t{}", t % track_prizes.len());
        let entries: Vec<Entry> = scores.iter().enumerate()
            .map(|(i, (t, _, last))| entry(&format!("e{i:02}"), Some(&track_of(*t)), i as i64, last))
            .collect();
        let rounds: Vec<RoundEntries> = if with_round {
            vec![RoundEntries { key: "r".into(), entrants: scores.iter().enumerate()
                .map(|(i, (t, first, _))| entry(&format!("e{i:02}"), Some(&track_of(*t)), i as i64, first))
                .collect() }]
        } else {
            vec![]
        };
        let outcome = outcome(&r, &rounds, &entries);
        let total: i64 = outcome.payouts.iter().map(|p| p.amount_cents).sum();
        prop_assert_eq!(total, r.prize_pool_cents());
        let mut seen = std::collections::HashSet::new();
        for p in &outcome.payouts {
            prop_assert!(p.amount_cents > 0);
            if let Recipient::Entry(id) = &p.recipient {
                prop_assert!(seen.insert(id.clone()), "{} paid twice", id);
                if let Some(track) = &p.track {
                    let entry = entries.iter().find(|e| &e.id == id).unwrap();
                    prop_assert_eq!(entry.track.as_ref(), Some(track));
                }
            }
        }
        // Every entry is ranked once, finalists first.
        prop_assert_eq!(outcome.ranking.len(), entries.len());
        let rounds_reached: Vec<usize> = outcome.ranking.iter().map(|r| r.round).collect();
        prop_assert!(rounds_reached.windows(2).all(|w| w[0] >= w[1]));
    }
}

#[test]
fn ties_are_told_within_each_group_by_the_declared_aggregation() {
    let r = rules(
        json!({"rounds": [round("short", "2027-02-10T00:00:00Z", json!({"top": 1}))],
        "aggregation": "median"}),
    );
    let rounds = [RoundEntries {
        key: "short".into(),
        entrants: vec![
            entry("a", None, 0, &[90]),
            // b and c are tied on the shortlist's median (60); c came in first.
            entry("b", None, 5, &[60, 10, 90]),
            entry("c", None, 1, &[60, 60]),
        ],
    }];
    let entries = [
        entry("a", None, 0, &[50]),
        entry("b", None, 5, &[]),
        entry("c", None, 1, &[]),
    ];
    // The medians tie; the mean of the criterion (60 against 53.3) decides, as in `rank`.
    assert_eq!(
        outcome_ties(&r, &rounds, &entries),
        [(
            "c".to_owned(),
            "b".to_owned(),
            Decided::Criterion("Quality".into())
        )]
    );
    // Equal on everything but the time: the earlier submission. The finalist's group has no
    // tie (a alone).
    let mut rounds = rounds;
    rounds[0].entrants[1] = entry("b", None, 5, &[60, 60]);
    assert_eq!(
        outcome_ties(&r, &rounds, &entries),
        [("c".to_owned(), "b".to_owned(), Decided::EarlierSubmission)]
    );
}
