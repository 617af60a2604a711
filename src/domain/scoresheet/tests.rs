use serde_json::json;

use super::*;

/// A sheet of two entries under the example rules: `a` scores full marks from both jurors,
/// `b` half marks from one.
fn sheet() -> Value {
    json!({
        "contest_id": "c1",
        "entries": [
            {"entry_id": "a", "first_submitted_at": "2027-01-10T00:00:00.000000Z", "sheets": [
                {"juror": 1, "scores": {"feasibility": 5, "impact": 10}},
                {"juror": 2, "scores": {"feasibility": 5, "impact": 10}}
            ]},
            {"entry_id": "b", "first_submitted_at": "2027-01-05T00:00:00.000000Z", "sheets": [
                {"juror": 1, "scores": {"feasibility": 2, "impact": 5}}
            ]}
        ],
        "jurors": 2,
        "rules": super::super::rules::tests::example(),
        "rules_hash": "h"
    })
}

/// Published results as the award writes them, from what the sheet computes to.
fn results_of(text: &str, computed: &Computed) -> Value {
    json!({
        "scoresheet_hash": canonical::sha256_hex(text.as_bytes()),
        "ranking": computed.ranking.iter()
            .map(|r| json!({"entry_id": r.entry_id, "rank": r.rank, "track": r.track,
                "round_reached": r.round_reached}))
            .collect::<Vec<_>>(),
        "payouts": computed.payouts.iter()
            .map(|p| json!({"entry_id": p.entry_id, "amount_cents": p.amount_cents,
                "reason": p.reason, "track": p.track}))
            .collect::<Vec<_>>(),
    })
}

#[test]
fn compute_ranks_the_entries_and_pays_the_whole_pool() {
    let computed = compute(&sheet()).unwrap();
    let ranking: Vec<(&str, usize)> = computed
        .ranking
        .iter()
        .map(|r| (r.entry_id.as_str(), r.rank))
        .collect();
    assert_eq!(ranking, [("a", 1), ("b", 2)]);
    assert_eq!(computed.ranking[0].score, Some(100.0));
    assert_eq!(computed.ranking[0].round_reached, "final");
    assert_eq!(
        computed.payouts[0],
        ComputedPayout {
            entry_id: Some("a".to_owned()),
            amount_cents: 500_000,
            reason: "prize",
            track: None
        }
    );
    let total: i64 = computed.payouts.iter().map(|p| p.amount_cents).sum();
    assert_eq!(total, 700_000);
}

#[test]
fn compute_refuses_a_sheet_it_cannot_read() {
    let mut broken = sheet();
    broken["entries"] = json!("none");
    assert!(compute(&broken).is_err());
    let mut broken = sheet();
    broken["rules"]["criteria"] = json!([]);
    assert!(compute(&broken).is_err());
}

#[test]
fn verify_accepts_matching_results_and_names_every_difference() {
    let text = canonical::to_string(&sheet());
    let computed = compute(&sheet()).unwrap();
    let results = results_of(&text, &computed);
    assert_eq!(verify(&text, &results).unwrap(), Vec::<String>::new());

    let mut forged = results.clone();
    forged["ranking"][0]["rank"] = json!(2);
    forged["payouts"][0]["amount_cents"] = json!(1);
    let problems = verify(&text, &forged).unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].starts_with("the ranking differs"));
    assert!(problems[1].starts_with("the payouts differ"));

    let mut other = text.clone();
    other.push(' ');
    let problems = verify(&other, &results).unwrap();
    assert!(problems[0].starts_with("the score sheet's SHA-256 is"));
    assert_eq!(problems[1], "the score sheet is not in canonical form");
}

#[test]
fn results_published_before_rounds_existed_still_verify() {
    // Rows and payouts without `track` or `round_reached`, as the award wrote them before.
    let text = canonical::to_string(&sheet());
    let computed = compute(&sheet()).unwrap();
    let mut results = results_of(&text, &computed);
    for row in results["ranking"].as_array_mut().unwrap() {
        row.as_object_mut().unwrap().remove("round_reached");
        row.as_object_mut().unwrap().remove("track");
    }
    for row in results["payouts"].as_array_mut().unwrap() {
        row.as_object_mut().unwrap().remove("track");
    }
    assert_eq!(verify(&text, &results).unwrap(), Vec::<String>::new());
}

/// Two tracks and a shortlist of the best one per track; `x` advanced, then was disqualified
/// before the award (it stays among the shortlist's entrants, not among the entries).
fn structured() -> Value {
    let mut rules = super::super::rules::tests::example();
    rules["prizes"] = json!([{"label": "Grand prize", "amount_cents": 1000}]);
    rules["tracks"] = json!([
        {"key": "pack", "label": "Packaging", "prizes": [{"label": "Best packaging", "amount_cents": 300}]},
        {"key": "ship", "label": "Shipping", "prizes": [{"label": "Best shipping", "amount_cents": 100}]}
    ]);
    rules["rounds"] = json!([{"key": "short", "label": "Shortlist", "ends_at": "2027-02-10T00:00:00Z",
        "criteria": [{"key": "promise", "label": "Promise", "weight": 1, "max": 10}],
        "advance": {"top": 2, "per_track": false}}]);
    rules["aggregation"] = json!("median");
    let at = "2027-01-10T00:00:00.000000Z";
    let promise = |j: u32, v: u32| json!({"juror": j, "scores": {"promise": v}});
    let full =
        |j: u32, i: u32, f: u32| json!({"juror": j, "scores": {"impact": i, "feasibility": f}});
    json!({
        "contest_id": "c1",
        "entries": [
            {"entry_id": "p1", "first_submitted_at": at, "track": "pack", "sheets": [full(1, 10, 5)]},
            {"entry_id": "p2", "first_submitted_at": at, "track": "pack", "sheets": []},
            {"entry_id": "s1", "first_submitted_at": at, "track": "ship", "sheets": []}
        ],
        "jurors": 2,
        "rounds": [{"key": "short", "entrants": [
            {"entry_id": "p1", "first_submitted_at": at, "track": "pack", "sheets": [promise(1, 9), promise(2, 9)]},
            {"entry_id": "p2", "first_submitted_at": at, "track": "pack", "sheets": [promise(1, 2)]},
            {"entry_id": "s1", "first_submitted_at": at, "track": "ship", "sheets": [promise(1, 5)]},
            {"entry_id": "x", "first_submitted_at": at, "track": "ship", "sheets": [promise(1, 10)]}
        ]}],
        "rules": rules,
        "rules_hash": "h"
    })
}

#[test]
fn a_sheet_with_rounds_and_tracks_recomputes_advancement_ranking_and_payouts() {
    let computed = compute(&structured()).unwrap();
    // x (10) and p1 (9) advanced; x left; p1 is the only finalist.
    assert_eq!(
        computed.advanced,
        [("short".to_owned(), vec!["x".to_owned(), "p1".to_owned()])]
    );
    let rows: Vec<(&str, &str, Option<&str>)> = (computed.ranking.iter())
        .map(|r| {
            (
                r.entry_id.as_str(),
                r.round_reached.as_str(),
                r.track.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("p1", "final", Some("pack")),
            ("s1", "short", Some("ship")),
            ("p2", "short", Some("pack"))
        ]
    );
    let paid: Vec<(Option<&str>, i64, &str, Option<&str>)> = (computed.payouts.iter())
        .map(|p| {
            (
                p.entry_id.as_deref(),
                p.amount_cents,
                p.reason,
                p.track.as_deref(),
            )
        })
        .collect();
    // p1 wins the grand prize; packaging's prize goes by the fallback (split_top, 3) to p2,
    // shipping's to s1: nobody else reached the final.
    assert_eq!(
        paid,
        [
            (Some("p1"), 1000, "prize", None),
            (Some("p2"), 300, "fallback", Some("pack")),
            (Some("s1"), 100, "fallback", Some("ship")),
        ]
    );
    let text = canonical::to_string(&structured());
    let results = results_of(&text, &computed);
    assert_eq!(verify(&text, &results).unwrap(), Vec::<String>::new());
    // Publishing that s1 reached the final is caught, as is a payout moved to another track.
    let mut forged = results.clone();
    forged["ranking"][1]["round_reached"] = json!("final");
    forged["payouts"][2]["track"] = json!("pack");
    let problems = verify(&text, &forged).unwrap();
    assert_eq!(problems.len(), 2, "{problems:?}");
}

#[test]
fn a_sheet_whose_rounds_do_not_follow_the_rules_is_refused() {
    // An entry at the award that was never in the first round.
    let mut sheet = structured();
    sheet["entries"]
        .as_array_mut()
        .unwrap()
        .push(json!({"entry_id": "new",
        "first_submitted_at": "2027-01-10T00:00:00.000000Z", "track": "pack", "sheets": []}));
    let error = compute(&sheet).unwrap_err();
    assert!(error.contains("new"), "{error}");
    // A round missing from the sheet.
    let mut sheet = structured();
    sheet.as_object_mut().unwrap().remove("rounds");
    assert!(compute(&sheet).is_err());
}
