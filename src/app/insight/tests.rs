use super::dashboard::{source_counts, timeline};
use super::*;

#[test]
fn csv_quotes_every_field_and_neutralises_formulas() {
    let mut csv = Csv::default();
    csv.row([
        "=cmd|' /C calc'!A0",
        "say \"hi\"",
        "a,b",
        "-1",
        "@SUM(A1)",
        "plain",
    ]);
    assert_eq!(
        csv.text,
        "\"'=cmd|' /C calc'!A0\",\"say \"\"hi\"\"\",\"a,b\",\"'-1\",\"'@SUM(A1)\",\"plain\"\r\n"
    );
}

#[test]
fn sources_count_people_once_and_the_rest_as_direct() {
    let recorded = vec![
        ("ann".into(), "newsletter".into(), "spring".into()),
        ("bob".into(), "newsletter".into(), "spring".into()),
        ("cat".into(), "example.org".into(), String::new()),
    ];
    let counts = source_counts(
        recorded,
        ["ann", "ann", "bob", "cat", "dan"].into_iter(),
        false,
    );
    let got: Vec<(&str, &str, usize)> = counts
        .iter()
        .map(|c| (c.source.as_str(), c.campaign.as_str(), c.participants))
        .collect();
    assert_eq!(got[0], ("newsletter", "spring", 2));
    assert!(got.contains(&("direct", "", 1)) && got.contains(&("example.org", "", 1)));
    assert_eq!(tag(" News Letter<script>! "), "newsletterscript");
    assert_eq!(tag(&"x".repeat(100)).len(), 64);
}

#[test]
fn blind_sources_name_only_buckets_that_cannot_single_anyone_out() {
    let mut recorded: Vec<(String, String, String)> = (0..5)
        .map(|i| (format!("n{i}"), "newsletter".into(), String::new()))
        .collect();
    recorded.push(("lea".into(), "lea-0417".into(), String::new()));
    let people: Vec<String> = (0..5)
        .map(|i| format!("n{i}"))
        .chain(["lea".into(), "dan".into()])
        .collect();
    let counts = source_counts(recorded, people.iter().map(String::as_str), true);
    let got: Vec<(&str, usize)> = counts
        .iter()
        .map(|c| (c.source.as_str(), c.participants))
        .collect();
    assert_eq!(got, [("newsletter", 5), ("other", 2)]);
}

#[test]
fn the_timeline_counts_each_day_cumulatively() {
    let at = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
    let firsts = [
        (at("2026-03-01T10:00:00Z"), "ann"),
        (at("2026-03-01T11:00:00Z"), "ann"),
        (at("2026-03-03T09:00:00Z"), "bob"),
    ];
    let days = timeline(
        &firsts,
        at("2026-03-01T00:00:00Z"),
        at("2026-03-04T12:00:00Z"),
    );
    let got: Vec<(&str, usize, usize)> = days
        .iter()
        .map(|d| (d.date.as_str(), d.submitted, d.submitters))
        .collect();
    assert_eq!(
        got,
        [
            ("2026-03-01", 2, 1),
            ("2026-03-02", 2, 1),
            ("2026-03-03", 3, 2),
            ("2026-03-04", 3, 2)
        ]
    );
}
