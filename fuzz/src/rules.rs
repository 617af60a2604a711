//! The rules parser and validator: `concours::domain::rules::Rules::parse` and what hangs off a
//! parsed `Rules` (`to_json`, `check_can_open`, `prize_pool_cents`, `timeline`).

use arbitrary::{Result, Unstructured};
use chrono::{DateTime, Duration, Utc};
use concours::domain::canonical;
use concours::domain::lifecycle::{Phase, phase};
use concours::domain::rules::{Fallback, MAX_POOL_CENTS, REQUIRED, Rules};
use serde_json::{Map, Value, json};

use crate::pick;

/// Checks every property of `Rules::parse(value)`, whatever `value` is.
pub fn check(value: &Value) {
    match Rules::parse(value) {
        Err(errors) => {
            assert!(!errors.is_empty(), "refused without saying why");
            for e in &errors {
                assert!(
                    e.path == "rules" || e.path.starts_with("rules."),
                    "error path {:?} is not under `rules`",
                    e.path
                );
                assert!(!e.message.trim().is_empty(), "empty message at {}", e.path);
            }
            assert_eq!(
                Rules::parse(value).unwrap_err(),
                errors,
                "the errors are not deterministic"
            );
        }
        Ok(rules) => check_valid(value, &rules),
    }
}

/// Properties of a document that was accepted.
fn check_valid(value: &Value, rules: &Rules) {
    // The promises of the type.
    assert!(rules.opens_at < rules.submission_deadline);
    assert!(rules.submission_deadline < rules.judging_deadline);
    assert!((1..=10).contains(&rules.criteria.len()));
    let mut keys = std::collections::BTreeSet::new();
    for c in &rules.criteria {
        assert!(
            !c.key.is_empty() && c.key.chars().count() <= 32,
            "key {:?}",
            c.key
        );
        assert!(
            c.key
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_'),
            "key {:?}",
            c.key
        );
        assert!(keys.insert(c.key.clone()), "duplicate key {:?}", c.key);
        check_text(&c.label, 100);
        assert!((1..=100).contains(&c.weight));
        assert!((1..=100).contains(&c.max));
    }
    assert_eq!(rules.currency.len(), 3);
    assert!(rules.currency.bytes().all(|b| b.is_ascii_uppercase()));
    assert!((1..=20).contains(&rules.prizes.len()));
    let mut total: i128 = 0;
    for p in &rules.prizes {
        check_text(&p.label, 100);
        assert!((1..=MAX_POOL_CENTS).contains(&p.amount_cents));
        total += i128::from(p.amount_cents);
    }
    assert!(
        total <= i128::from(MAX_POOL_CENTS),
        "pool {total} too large"
    );
    assert_eq!(i128::from(rules.prize_pool_cents()), total);
    assert!(rules.minimum_score <= 100);
    if let Fallback::SplitTop { n } = rules.fallback {
        assert!((1..=1000).contains(&n));
    }
    check_text(&rules.no_entry_beneficiary, 200);
    assert!((1..=100).contains(&rules.max_ideas_per_person));
    check_text(&rules.eligibility, 20_000);
    check_text(&rules.ip_terms, 20_000);
    assert!((1..=100).contains(&rules.min_jurors));

    // What is written down is what was accepted: to_json parses back to the same rules, and
    // its canonical text (what is hashed and published when the contest opens) is stable.
    let json = rules.to_json();
    let again = match Rules::parse(&json) {
        Ok(again) => again,
        Err(errors) => panic!("to_json() of accepted rules is refused: {errors:?}\n{json}"),
    };
    assert_eq!(&again, rules, "to_json() does not round-trip");
    let text = canonical::to_string(&json);
    assert_eq!(canonical::to_string(&again.to_json()), text);
    let reparsed: Value = serde_json::from_str(&text).expect("canonical rules are JSON");
    assert_eq!(Rules::parse(&reparsed).as_ref(), Ok(rules));

    // Opening: allowed exactly while the submission deadline is ahead and the award (the
    // judging deadline) lies within the horizon.
    let nanos = Duration::nanoseconds(1);
    for now in [
        rules.opens_at,
        rules.submission_deadline,
        rules.judging_deadline,
        rules
            .submission_deadline
            .checked_sub_signed(nanos)
            .unwrap_or(rules.opens_at),
        rules
            .submission_deadline
            .checked_add_signed(nanos)
            .unwrap_or(rules.judging_deadline),
        DateTime::<Utc>::MIN_UTC,
        DateTime::<Utc>::MAX_UTC,
    ] {
        let result = rules.check_can_open(now);
        let within_horizon = now
            .checked_add_signed(Duration::days(
                concours::domain::rules::MAX_AWARD_HORIZON_DAYS,
            ))
            .is_none_or(|limit| rules.judging_deadline <= limit);
        assert_eq!(
            result.is_ok(),
            now < rules.submission_deadline && within_horizon,
            "check_can_open({now}) = {result:?}"
        );
        if let Err(errors) = result {
            assert!(!errors.is_empty());
        }
        // The phase is a monotone function of time.
        let t = rules.timeline();
        let p = phase(true, &t, false, now);
        let expected = if now < t.opens_at {
            Phase::Upcoming
        } else if now < t.submission_deadline {
            Phase::Submission
        } else {
            Phase::Judging
        };
        assert_eq!(p, expected, "phase at {now}");
    }

    // Metamorphic: a missing field or an unknown one is always refused, at its own path.
    if let Some(object) = value.as_object() {
        for &field in REQUIRED {
            let mut without = object.clone();
            without.remove(field);
            let errors = Rules::parse(&Value::Object(without)).expect_err("field was required");
            let path = format!("rules.{field}");
            assert!(
                errors.iter().any(|e| e.path == path),
                "no error at {path}: {errors:?}"
            );
        }
        let mut extra = object.clone();
        extra.insert("zz_unknown".into(), json!(1));
        let errors = Rules::parse(&Value::Object(extra)).expect_err("unknown field accepted");
        assert!(
            errors.iter().any(|e| e.path == "rules.zz_unknown"),
            "{errors:?}"
        );
    }
}

/// Accepted text: trimmed, not empty, not over the limit.
fn check_text(text: &str, max: usize) {
    assert!(!text.is_empty(), "empty text accepted");
    assert_eq!(text, text.trim(), "text not trimmed");
    assert!(text.chars().count() <= max, "text over {max} characters");
}

/// A realistic, valid rules document (as in src/demo.rs and tests/api/contests.rs).
pub fn valid_document(fallback: Value) -> Value {
    json!({
        "opens_at": "2027-01-01T09:00:00Z",
        "submission_deadline": "2027-02-01T12:00:00Z",
        "judging_deadline": "2027-03-01T12:00:00Z",
        "criteria": [
            {"key": "impact", "label": "Impact", "weight": 3, "max": 10},
            {"key": "feasibility", "label": "Feasibility", "weight": 2, "max": 10},
            {"key": "originality", "label": "Originality", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [
            {"label": "First prize", "amount_cents": 300_000},
            {"label": "Second prize", "amount_cents": 100_000}
        ],
        "minimum_score": 60,
        "fallback": fallback,
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 2,
        "blind_judging": true,
        "eligibility": "Anyone of age, anywhere.",
        "ip_terms": "Authors keep their rights; Demo Brand may evaluate the ideas.",
        "min_jurors": 2
    })
}

/// A rules document built from fuzzer bytes: a valid document with a few edits, so that most
/// inputs are close to valid and reach the checks that only run once everything else passed.
pub fn generate(u: &mut Unstructured<'_>) -> Result<Value> {
    let fallback = match u.int_in_range(0..=3)? {
        0 => json!({"policy": "best_anyway"}),
        1 => json!({"policy": "split_all"}),
        2 => json!({"policy": "split_top", "n": u.int_in_range(0..=1001)?}),
        _ => value(u, 2)?,
    };
    let mut doc = valid_document(fallback);
    let edits = u.int_in_range(0..=6)?;
    for _ in 0..edits {
        edit(u, &mut doc)?;
    }
    Ok(doc)
}

fn edit(u: &mut Unstructured<'_>, doc: &mut Value) -> Result<()> {
    let object = doc.as_object_mut().expect("an object");
    match u.int_in_range(0..=7)? {
        0 => {
            let field = field(u)?;
            object.insert(field, value(u, 2)?);
        }
        1 => {
            let field = field(u)?;
            object.remove(&field);
        }
        2 => {
            // A timeline, in order or not, with the instants written in many ways.
            let base = u.int_in_range(-62_135_596_800i64..=253_402_300_799)?;
            let a = base.saturating_add(small_delta(u)?);
            let b = a.saturating_add(small_delta(u)?);
            for (field, secs) in REQUIRED[..3].iter().zip([base, a, b]) {
                let text = match DateTime::<Utc>::from_timestamp(
                    secs,
                    u.arbitrary::<u32>()? % 2_000_000_000,
                ) {
                    Some(at) if u.arbitrary()? => {
                        at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, u.arbitrary()?)
                    }
                    _ => instant(u)?,
                };
                object.insert((*field).into(), Value::String(text));
            }
        }
        3 => list_edit(u, object, "criteria", &["key", "label", "weight", "max"])?,
        4 => list_edit(u, object, "prizes", &["label", "amount_cents"])?,
        5 => {
            let n = u.int_in_range(0..=21)?;
            let mut prizes = Vec::new();
            for i in 0..n {
                prizes.push(
                    json!({"label": format!("Prize {i}"), "amount_cents": interesting_int(u)?}),
                );
            }
            object.insert("prizes".into(), Value::Array(prizes));
        }
        6 => {
            let n = u.int_in_range(0..=11)?;
            let mut criteria = Vec::new();
            for i in 0..n {
                let key: String = if u.arbitrary()? {
                    format!("c{i}")
                } else {
                    string(u)?
                };
                criteria.push(json!({"key": key, "label": string(u)?, "weight": interesting_int(u)?, "max": interesting_int(u)?}));
            }
            object.insert("criteria".into(), Value::Array(criteria));
        }
        _ => {
            let field = pick(
                u,
                &[
                    "currency",
                    "no_entry_beneficiary",
                    "eligibility",
                    "ip_terms",
                ],
            )?;
            object.insert(field.into(), Value::String(string(u)?));
        }
    }
    Ok(())
}

fn list_edit(
    u: &mut Unstructured<'_>,
    object: &mut Map<String, Value>,
    list: &str,
    fields: &[&str],
) -> Result<()> {
    let Some(Value::Array(items)) = object.get_mut(list) else {
        return Ok(());
    };
    if items.is_empty() {
        return Ok(());
    }
    let i = u.choose_index(items.len())?;
    match u.int_in_range(0..=3)? {
        0 => {
            let copy = items[i].clone();
            items.push(copy);
        }
        1 => {
            items.remove(i);
        }
        2 => items[i] = value(u, 2)?,
        _ => {
            if let Some(item) = items[i].as_object_mut() {
                let key = if u.arbitrary()? {
                    (*u.choose(fields)?).to_owned()
                } else {
                    string(u)?
                };
                if u.ratio(1, 4)? {
                    item.remove(&key);
                } else {
                    item.insert(key, value(u, 1)?);
                }
            }
        }
    }
    Ok(())
}

fn field(u: &mut Unstructured<'_>) -> Result<String> {
    if u.ratio(1, 8)? {
        string(u)
    } else {
        Ok((*u.choose(REQUIRED)?).to_owned())
    }
}

fn small_delta(u: &mut Unstructured<'_>) -> Result<i64> {
    Ok(match u.int_in_range(0..=3)? {
        0 => 0,
        1 => u.int_in_range(-2..=2)?,
        2 => u.int_in_range(-86_400..=86_400 * 60)?,
        _ => u.arbitrary()?,
    })
}

/// Integers around every limit the rules have.
pub fn interesting_int(u: &mut Unstructured<'_>) -> Result<Value> {
    const EDGES: [i64; 16] = [
        0,
        1,
        -1,
        5,
        10,
        100,
        101,
        1000,
        1001,
        MAX_POOL_CENTS / 20,
        MAX_POOL_CENTS,
        MAX_POOL_CENTS + 1,
        u32::MAX as i64,
        u32::MAX as i64 + 1,
        i64::MAX,
        i64::MIN,
    ];
    Ok(match u.int_in_range(0..=4)? {
        0 => json!(u.arbitrary::<u64>()?),
        1 => json!(u.arbitrary::<i64>()?),
        2 => serde_json::Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        _ => json!(*u.choose(&EDGES)?),
    })
}

/// A string, often one of the words the rules know.
pub fn string(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0..=3)? {
        0 => pick(
            u,
            &[
                "EUR",
                "USD",
                "eur",
                "XXX",
                "",
                " ",
                "\u{a0}",
                "best_anyway",
                "split_top",
                "split_all",
                "impact",
                "a_b1",
                "Impact",
                " padded ",
                "é",
                "\u{200b}",
            ],
        )?
        .to_owned(),
        1 => {
            let c: char = u.arbitrary()?;
            let n = *u.choose(&[1usize, 3, 31, 32, 33, 99, 100, 101, 199, 200, 201, 20_001])?;
            std::iter::repeat_n(c, n).collect()
        }
        2 => instant(u)?,
        _ => u.arbitrary()?,
    })
}

/// An instant written the many ways RFC 3339 and its near misses allow.
pub fn instant(u: &mut Unstructured<'_>) -> Result<String> {
    let year = if u.ratio(1, 8)? {
        u.int_in_range(0..=99_999)?
    } else {
        u.int_in_range(1970..=2100)?
    };
    let month = u.int_in_range(0..=13)?;
    let day = u.int_in_range(0..=32)?;
    let hour = u.int_in_range(0..=25)?;
    let minute = u.int_in_range(0..=60)?;
    let second = u.int_in_range(0..=61)?;
    let sep = pick(u, &["T", "t", " ", "_"])?;
    let frac = match u.int_in_range(0..=2)? {
        0 => String::new(),
        1 => format!(".{}", u.int_in_range(0..=999_999_999u32)?),
        _ => {
            let digits = u.int_in_range(1..=15)?;
            format!(".{}", "9".repeat(digits))
        }
    };
    let offset = pick(
        u,
        &[
            "Z", "z", "+00:00", "-00:00", "+01:00", "-23:59", "+24:00", "", "Z ", " Z",
        ],
    )?;
    Ok(format!(
        "{year:04}-{month:02}-{day:02}{sep}{hour:02}:{minute:02}:{second:02}{frac}{offset}"
    ))
}

/// Any JSON value, to `depth` levels.
pub fn value(u: &mut Unstructured<'_>, depth: u32) -> Result<Value> {
    let top = if depth == 0 { 6 } else { 8 };
    Ok(match u.int_in_range(0..=top)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 | 3 => interesting_int(u)?,
        4 | 5 => Value::String(string(u)?),
        6 => Value::String(instant(u)?),
        7 => {
            let n = u.int_in_range(0..=4)?;
            Value::Array((0..n).map(|_| value(u, depth - 1)).collect::<Result<_>>()?)
        }
        _ => {
            let n = u.int_in_range(0..=4)?;
            let mut map = Map::new();
            for _ in 0..n {
                let key = if u.arbitrary()? {
                    (*u.choose(&[
                        "policy",
                        "n",
                        "key",
                        "label",
                        "weight",
                        "max",
                        "amount_cents",
                    ])?)
                    .to_owned()
                } else {
                    string(u)?
                };
                map.insert(key, value(u, depth - 1)?);
            }
            Value::Object(map)
        }
    })
}
