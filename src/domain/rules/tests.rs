use super::*;
use chrono::Duration;
use proptest::prelude::*;
use serde_json::json;

/// A valid rules document.
pub fn example() -> Value {
    json!({
        "opens_at": "2027-01-01T00:00:00Z",
        "submission_deadline": "2027-02-01T00:00:00Z",
        "judging_deadline": "2027-03-01T00:00:00Z",
        "criteria": [
            {"key": "impact", "label": "Impact", "weight": 3, "max": 10},
            {"key": "feasibility", "label": "Feasibility", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [
            {"label": "First prize", "amount_cents": 500_000},
            {"label": "Second prize", "amount_cents": 200_000}
        ],
        "minimum_score": 60,
        "fallback": {"policy": "split_top", "n": 3},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 2,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights; the brand gets a licence to evaluate.",
        "min_jurors": 2
    })
}

fn errors_of(value: Value) -> Vec<String> {
    Rules::parse(&value)
        .expect_err("should be refused")
        .into_iter()
        .map(|e| e.path)
        .collect()
}

fn with(key: &str, value: Value) -> Value {
    let mut rules = example();
    rules[key] = value;
    rules
}

fn without(key: &str) -> Value {
    let mut rules = example();
    rules.as_object_mut().unwrap().remove(key);
    rules
}

#[test]
fn the_example_is_valid() {
    let rules = Rules::parse(&example()).unwrap();
    assert_eq!(rules.prize_pool_cents(), 700_000);
    assert_eq!(rules.criteria[0].weight, 3);
    assert_eq!(rules.fallback, Fallback::SplitTop { n: 3 });
    assert_eq!(Rules::parse(&rules.to_json()).unwrap(), rules, "round trip");
}

#[test]
fn every_field_is_required() {
    for key in FIELDS.iter().filter(|k| !OPTIONAL.contains(k)) {
        assert_eq!(errors_of(without(key)), [format!("rules.{key}")], "{key}");
    }
}

#[test]
fn publishing_the_ideas_is_optional_and_left_out_when_off() {
    let off = Rules::parse(&example()).unwrap();
    assert!(!off.publish_ideas);
    // Left out of the document when off, so that contests written before it keep their hash.
    assert_eq!(off.to_json(), example());
    let on = Rules::parse(&with("publish_ideas", json!(true))).unwrap();
    assert!(on.publish_ideas);
    assert_eq!(on.to_json()["publish_ideas"], json!(true));
    assert_eq!(Rules::parse(&on.to_json()).unwrap(), on);
    assert_eq!(
        Rules::parse(&with("publish_ideas", json!(false))).unwrap(),
        off
    );
    assert_eq!(
        errors_of(with("publish_ideas", json!("yes"))),
        ["rules.publish_ideas"]
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut rules = example();
    rules["currency"] = json!("euros");
    rules["prizes"][1]["amount_cents"] = json!(12.5);
    rules["criteria"][0]["max"] = json!(0);
    rules["min_jurors"] = json!(0);
    rules["surprise"] = json!(1);
    let paths = errors_of(rules);
    for expected in [
        "rules.currency",
        "rules.prizes[1].amount_cents",
        "rules.criteria[0].max",
        "rules.min_jurors",
        "rules.surprise",
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected} missing from {paths:?}"
        );
    }
    assert_eq!(paths.len(), 5, "{paths:?}");
}

#[test]
fn instants_are_utc_and_strictly_increasing() {
    assert_eq!(
        errors_of(with("opens_at", json!("2027-01-01T01:00:00+01:00"))),
        ["rules.opens_at"]
    );
    assert_eq!(
        errors_of(with("opens_at", json!("next monday"))),
        ["rules.opens_at"]
    );
    assert_eq!(
        errors_of(with("opens_at", json!(1_800_000_000))),
        ["rules.opens_at"]
    );
    assert_eq!(
        errors_of(with("submission_deadline", json!("2027-01-01T00:00:00Z"))),
        ["rules.submission_deadline"]
    );
    assert_eq!(
        errors_of(with("judging_deadline", json!("2027-01-15T00:00:00Z"))),
        ["rules.judging_deadline"]
    );
    assert!(Rules::parse(&with("opens_at", json!("2026-12-31T23:59:59.5Z"))).is_ok());
}

#[test]
fn the_deadline_must_be_ahead_when_opening() {
    let rules = Rules::parse(&example()).unwrap();
    assert!(
        rules
            .check_can_open(rules.submission_deadline - Duration::seconds(1))
            .is_ok()
    );
    let errors = rules.check_can_open(rules.submission_deadline).unwrap_err();
    assert_eq!(errors[0].path, "rules.submission_deadline");
}

#[test]
fn criteria_are_checked() {
    assert_eq!(errors_of(with("criteria", json!([]))), ["rules.criteria"]);
    let eleven: Vec<Value> = (0..11)
        .map(|i| json!({"key": format!("c{i}"), "label": "C", "weight": 1, "max": 10}))
        .collect();
    assert_eq!(
        errors_of(with("criteria", json!(eleven))),
        ["rules.criteria"]
    );
    let ten: Vec<Value> = eleven[..10].to_vec();
    assert!(Rules::parse(&with("criteria", json!(ten))).is_ok());
    let duplicate = json!([
        {"key": "a", "label": "A", "weight": 1, "max": 10},
        {"key": "a", "label": "B", "weight": 1, "max": 10}
    ]);
    assert_eq!(
        errors_of(with("criteria", duplicate)),
        ["rules.criteria[1].key"]
    );
    let bad = json!([{"key": "Big Key", "label": "", "weight": 0, "max": 101, "extra": 1}]);
    let mut paths = errors_of(with("criteria", bad));
    paths.sort();
    assert_eq!(
        paths,
        [
            "rules.criteria[0].extra",
            "rules.criteria[0].key",
            "rules.criteria[0].label",
            "rules.criteria[0].max",
            "rules.criteria[0].weight"
        ]
    );
    let edges = json!([{"key": "a", "label": "A", "weight": 1, "max": 1}, {"key": "b", "label": "B", "weight": 100, "max": 100}]);
    assert!(Rules::parse(&with("criteria", edges)).is_ok());
}

#[test]
fn prizes_are_whole_positive_cents() {
    assert_eq!(errors_of(with("prizes", json!([]))), ["rules.prizes"]);
    let many: Vec<Value> = (0..21)
        .map(|_| json!({"label": "P", "amount_cents": 1}))
        .collect();
    assert_eq!(errors_of(with("prizes", json!(many))), ["rules.prizes"]);
    for bad in [json!(0), json!(-5), json!(10.0), json!("100"), json!(null)] {
        let prizes = json!([{"label": "P", "amount_cents": bad}]);
        assert_eq!(
            errors_of(with("prizes", prizes)),
            ["rules.prizes[0].amount_cents"],
            "{bad}"
        );
    }
    let huge = json!([
        {"label": "A", "amount_cents": MAX_POOL_CENTS},
        {"label": "B", "amount_cents": MAX_POOL_CENTS}
    ]);
    assert_eq!(errors_of(with("prizes", huge)), ["rules.prizes"]);
    let one = json!([{"label": "Only", "amount_cents": 1}]);
    assert_eq!(
        Rules::parse(&with("prizes", one))
            .unwrap()
            .prize_pool_cents(),
        1
    );
}

#[test]
fn currencies_are_iso_4217() {
    assert!(Rules::parse(&with("currency", json!("USD"))).is_ok());
    for bad in ["usd", "EURO", "XYZ", ""] {
        assert_eq!(
            errors_of(with("currency", json!(bad))),
            ["rules.currency"],
            "{bad}"
        );
    }
}

#[test]
fn scores_limits_and_flags_are_checked() {
    assert!(Rules::parse(&with("minimum_score", json!(0))).is_ok());
    assert!(Rules::parse(&with("minimum_score", json!(100))).is_ok());
    assert_eq!(
        errors_of(with("minimum_score", json!(101))),
        ["rules.minimum_score"]
    );
    assert_eq!(
        errors_of(with("minimum_score", json!(50.5))),
        ["rules.minimum_score"]
    );
    assert_eq!(
        errors_of(with("max_ideas_per_person", json!(0))),
        ["rules.max_ideas_per_person"]
    );
    assert_eq!(
        errors_of(with("min_jurors", json!(0))),
        ["rules.min_jurors"]
    );
    assert_eq!(
        errors_of(with("blind_judging", json!("yes"))),
        ["rules.blind_judging"]
    );
    assert_eq!(
        errors_of(with("no_entry_beneficiary", json!("  "))),
        ["rules.no_entry_beneficiary"]
    );
    assert_eq!(
        errors_of(with("eligibility", json!(""))),
        ["rules.eligibility"]
    );
    assert_eq!(
        errors_of(with("ip_terms", json!("x".repeat(20_001)))),
        ["rules.ip_terms"]
    );
}

#[test]
fn fallback_policies() {
    for (value, expected) in [
        (json!({"policy": "best_anyway"}), Fallback::BestAnyway),
        (json!({"policy": "split_all"}), Fallback::SplitAll),
        (
            json!({"policy": "split_top", "n": 1}),
            Fallback::SplitTop { n: 1 },
        ),
    ] {
        assert_eq!(
            Rules::parse(&with("fallback", value)).unwrap().fallback,
            expected
        );
    }
    assert_eq!(
        errors_of(with("fallback", json!({"policy": "split_top"}))),
        ["rules.fallback.n"]
    );
    assert_eq!(
        errors_of(with("fallback", json!({"policy": "split_top", "n": 0}))),
        ["rules.fallback.n"]
    );
    assert_eq!(
        errors_of(with("fallback", json!({"policy": "lottery"}))),
        ["rules.fallback.policy"]
    );
    assert_eq!(
        errors_of(with("fallback", json!("best_anyway"))),
        ["rules.fallback"]
    );
    assert_eq!(
        errors_of(with("fallback", json!({"policy": "best_anyway", "n": 2}))),
        ["rules.fallback.n"]
    );
}

#[test]
fn the_rules_must_be_an_object() {
    assert_eq!(errors_of(json!([1, 2])), ["rules"]);
}

proptest! {
    #[test]
    fn any_json_is_answered_without_panicking(text in ".{0,64}") {
        if let Ok(value) = serde_json::from_str::<Value>(&text) {
            let _ = Rules::parse(&value);
        }
    }

    #[test]
    fn valid_rules_survive_a_round_trip(pool in 1i64..1_000_000_000, weight in 1u32..100, max in 1u32..100) {
        let mut value = example();
        value["prizes"] = json!([{"label": "P", "amount_cents": pool}]);
        value["criteria"][0]["weight"] = json!(weight);
        value["criteria"][0]["max"] = json!(max);
        let rules = Rules::parse(&value).unwrap();
        prop_assert_eq!(rules.prize_pool_cents(), pool);
        prop_assert_eq!(Rules::parse(&rules.to_json()).unwrap(), rules);
    }
}

/// Issue 17, finding 10: hidden characters in the rules' texts are found under their paths,
/// but `Rules::parse` (which also reads back frozen rules) still accepts them, so that a
/// contest opened before the check keeps loading, its hash unchanged.
#[test]
fn hidden_characters_are_reported_without_making_frozen_rules_unreadable() {
    let mut value = example();
    value["criteria"][0]["label"] = json!("Imp\u{202E}act");
    value["prizes"][1]["label"] = json!("Second\u{0}prize");
    value["no_entry_beneficiary"] = json!("Fund\r\nBcc: x");
    value["eligibility"] = json!("Anyone\u{200B} of age.");
    value["ip_terms"] = json!("Line one.\nLine two.\tTabbed.");
    let rules = Rules::parse(&value).expect("frozen rules are read back whatever they hold");
    let paths: Vec<String> = rules
        .check_characters()
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert_eq!(
        paths,
        [
            "rules.criteria[0].label",
            "rules.prizes[1].label",
            "rules.no_entry_beneficiary",
            "rules.eligibility",
        ]
    );
    assert!(
        Rules::parse(&example())
            .unwrap()
            .check_characters()
            .is_empty()
    );
}

#[test]
fn the_required_fields_are_the_list_without_the_optional_ones() {
    let required: Vec<&str> = FIELDS
        .iter()
        .filter(|k| !OPTIONAL.contains(k))
        .copied()
        .collect();
    assert_eq!(REQUIRED, required);
    assert_eq!(&FIELDS[REQUIRED.len()..], OPTIONAL);
}

/// Issue 19: a criterion may say what its scores mean. Absent, it stays out of the document, so
/// that the rules of every contest opened before keep their hash (pinned here).
#[test]
fn a_criterion_description_is_optional_and_left_out_when_absent() {
    let rules = Rules::parse(&example()).unwrap();
    assert!(rules.criteria.iter().all(|c| c.description.is_none()));
    assert_eq!(rules.to_json(), example());
    let document = crate::domain::canonical::to_string(&rules.to_json());
    assert_eq!(
        crate::domain::canonical::sha256_hex(document.as_bytes()),
        // The canonical text of `example()` as written before descriptions existed (computed
        // apart, with Python's json.dumps(sort_keys=True, separators=(",", ":"))).
        "86b78186f636bc698b89a04d44aa057dd9a0aeae1aa80051e3249f7391f00169"
    );
    // Blank or null is no description (an editor's empty field).
    for blank in [json!(""), json!("  "), json!(null)] {
        let mut value = example();
        value["criteria"][0]["description"] = blank;
        assert_eq!(Rules::parse(&value).unwrap(), rules);
    }
    let mut value = example();
    value["criteria"][1]["description"] = json!("  0: not feasible; 5: ready tomorrow. <b>ok</b> ");
    let described = Rules::parse(&value).unwrap();
    assert_eq!(
        described.criteria[1].description.as_deref(),
        Some("0: not feasible; 5: ready tomorrow. <b>ok</b>")
    );
    assert_eq!(described.criteria[0].description, None);
    assert_eq!(Rules::parse(&described.to_json()).unwrap(), described);
    assert!(described.check_characters().is_empty());
}

#[test]
fn a_criterion_description_is_bounded_plain_text() {
    let mut value = example();
    value["criteria"][0]["description"] = json!("x".repeat(MAX_DESCRIPTION));
    assert!(Rules::parse(&value).is_ok());
    value["criteria"][0]["description"] = json!("x".repeat(MAX_DESCRIPTION + 1));
    value["criteria"][1]["description"] = json!(7);
    assert_eq!(
        errors_of(value),
        [
            "rules.criteria[0].description",
            "rules.criteria[1].description"
        ]
    );
    let mut value = example();
    value["criteria"][1]["description"] = json!("Line\nbreak \u{202E}");
    let rules = Rules::parse(&value).expect("read back whatever it holds");
    let paths: Vec<String> = rules
        .check_characters()
        .into_iter()
        .map(|e| e.path)
        .collect();
    assert_eq!(paths, ["rules.criteria[1].description"]);
}
