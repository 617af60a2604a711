//! The contest's figures, the jury's calibration, the dashboard page and the CSV exports: for
//! the organisation's members, and refused to everyone else.

use chrono::Duration;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    ATTACK, FORMULA, TestApp, arrive_and_submit, judged, opened_open_judging, signed_in, text_of,
};

both_backends!(
    members_see_how_the_contest_goes_and_how_the_jury_scored,
    the_exports_neutralise_formulas_and_name_authors_only_after_blind_judging,
    the_dashboard_draws_charts_with_their_numbers_in_both_languages,
    participants_are_counted_under_the_link_that_brought_them,
);

async fn members_see_how_the_contest_goes_and_how_the_jury_scored(app: &TestApp) {
    let j = judged(app).await;
    let path = format!("/api/v1/contests/{}/stats", j.contest);
    let stats = app.get(&path, Some(&j.owner)).await.expect(200).json();
    assert_eq!(stats["phase"], "judging");
    assert_eq!(stats["participants"], 5);
    assert_eq!(stats["submitters"], 4);
    assert_eq!(
        stats["ideas"],
        json!({"drafts": 1, "submitted": 4, "withdrawn": 0, "disqualified": 0})
    );
    // The ideas came the moment submissions opened; there is no hundredth yet.
    assert_eq!(stats["seconds_to_first_idea"], 0);
    assert_eq!(stats["seconds_to_hundredth_idea"], Value::Null);
    let timeline = stats["timeline"].as_array().unwrap();
    assert_eq!(timeline.first().unwrap()["submitted"], 4);
    assert_eq!(timeline.last().unwrap()["submitters"], 4);
    assert_eq!(stats["judging"]["jurors"], 3);
    assert_eq!(stats["judging"]["sheets_saved"], 12);
    assert_eq!(stats["judging"]["sheets_expected"], 12);
    // Until the award (issue 16.3) no score, mean, rank or distribution: the jury's progress
    // and each juror's offset from the panel only.
    let impact = &stats["criteria"][0];
    assert_eq!(impact["key"], "impact");
    assert_eq!(impact["histogram"], json!([]));
    assert_eq!(impact["summary"], Value::Null);
    assert_eq!(stats["sheet_scores"], Value::Null);
    assert_eq!(stats["calibration"]["entries"], json!([]));
    assert_eq!(stats["calibration"]["kendalls_w"], Value::Null);
    assert_eq!(stats["calibration"]["agreement"], Value::Null);
    for juror in stats["calibration"]["jurors"].as_array().unwrap() {
        assert_eq!(juror["mean"], Value::Null);
        assert_eq!(juror["sd"], Value::Null);
    }
    // Calibration: the third juror is harsher than the panel.
    let calibration = &stats["calibration"];
    let jurors = calibration["jurors"].as_array().unwrap();
    assert_eq!(jurors.len(), 3);
    // Two impact points of ten, weighted 3 of 4: 15 points of 100 below the other two, who
    // are 7.5 above the harsh one's company.
    for juror in jurors {
        let offset = juror["offset_from_panel"].as_f64().unwrap();
        let expected = if juror["display_name"] == "Juror 3" {
            -15.0
        } else {
            7.5
        };
        assert_eq!(offset, expected, "{juror}");
        assert_eq!(juror["sheets"], 4);
    }

    // Everyone else is refused: no figure says anything about an entry or a juror.
    app.get(&path, None).await.expect_error(401, "unauthorized");
    let admin = app.login("admin@concours.example").await;
    for token in [&j.authors[0], &j.jurors[0], &admin] {
        app.get(&path, Some(token))
            .await
            .expect_error(403, "forbidden");
    }
    let stranger = app.person("boss@other.example", "Other Boss").await.token;
    app.organization(&stranger, "Other brand").await;
    app.get(&path, Some(&stranger))
        .await
        .expect_error(403, "forbidden");
    app.get("/api/v1/contests/nope/stats", Some(&j.owner))
        .await
        .expect_error(404, "not_found");

    // Once awarded: how the scores spread, the jurors' means, the agreement, and per entry
    // the raw and calibrated ranks with the official rank beside them.
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let owner = app.login("owner@acme.example").await;
    let stats = app.get(&path, Some(&owner)).await.expect(200).json();
    assert_eq!(stats["phase"], "awarded");
    // Impact: out of 10, eleven bars; twelve scores in all.
    let impact = &stats["criteria"][0];
    let histogram: Vec<u64> = serde_json::from_value(impact["histogram"].clone()).unwrap();
    assert_eq!(histogram.len(), 11);
    assert_eq!(histogram.iter().sum::<u64>(), 12);
    assert_eq!(histogram[9], 2, "two jurors gave Idea D a 9");
    assert_eq!(histogram[7], 3, "Idea C twice, Idea D by the harsh juror");
    let calibration = &stats["calibration"];
    for juror in calibration["jurors"].as_array().unwrap() {
        assert!(
            juror["mean"].is_number() && juror["sd"].is_number(),
            "{juror}"
        );
    }
    assert_eq!(calibration["kendalls_w"], 1.0);
    assert_eq!(calibration["w_entries"], 4);
    assert_eq!(calibration["agreement"], "very_strong");
    let entries = calibration["entries"].as_array().unwrap();
    assert_eq!(entries[0]["title"], "Idea D");
    assert_eq!(
        (entries[0]["raw_rank"].clone(), entries[0]["z_rank"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(entries[0]["official_rank"], 1);
}

/// The rows of a CSV text (RFC 4180: quoted fields, doubled quotes, CRLF).
fn rows(csv: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let (mut quoted, mut chars) = (false, csv.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

async fn the_exports_neutralise_formulas_and_name_authors_only_after_blind_judging(app: &TestApp) {
    let j = judged(app).await;
    let export = |name: &str| format!("/api/v1/contests/{}/exports/{name}", j.contest);
    let ideas = app
        .get(&export("ideas.csv"), Some(&j.owner))
        .await
        .expect(200);
    assert_eq!(ideas.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        ideas.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ideas.csv")
    );
    let table = rows(&ideas.text);
    assert_eq!(table[0][1], "title");
    // A draft never submitted is its author's alone (no terms accepted): not exported.
    assert_eq!(table.len(), 5, "a header and the four submitted ideas");
    assert!(!ideas.text.contains("Unfinished"), "{}", ideas.text);
    // A spreadsheet shows the formula as text and never runs it.
    assert!(
        ideas.text.contains(&format!("\"'{FORMULA}\"")),
        "{}",
        ideas.text
    );
    assert!(!ideas.text.contains(&format!("\"{FORMULA}")));
    // Judging is blind: no author is named yet, and no email ever.
    assert!(table[1..].iter().all(|row| row[6].is_empty()), "{table:?}");
    assert!(!ideas.text.contains("Ann Author") && !ideas.text.contains("@example.org"));
    for name in ["scores.csv", "payouts.csv"] {
        app.get(&export(name), Some(&j.owner))
            .await
            .expect_error(409, "invalid_phase");
    }
    app.get(&export("passwords.csv"), Some(&j.owner))
        .await
        .expect_error(404, "not_found");
    for token in [&j.authors[1], &j.jurors[1]] {
        app.get(&export("ideas.csv"), Some(token))
            .await
            .expect_error(403, "forbidden");
    }
    app.get(&export("ideas.csv"), None)
        .await
        .expect_error(401, "unauthorized");

    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let owner = app.login("owner@acme.example").await;
    let ideas = app
        .get(&export("ideas.csv"), Some(&owner))
        .await
        .expect(200);
    assert!(ideas.text.contains("Ann Author"), "named once awarded");
    assert!(!ideas.text.contains("@example.org"));
    let scores = rows(
        &app.get(&export("scores.csv"), Some(&owner))
            .await
            .expect(200)
            .text,
    );
    assert_eq!(
        scores[0],
        [
            "idea_id",
            "title",
            "juror",
            "impact",
            "feasibility",
            "sheet_score"
        ]
    );
    assert_eq!(scores.len(), 13, "a header and twelve sheets");
    let payouts = rows(
        &app.get(&export("payouts.csv"), Some(&owner))
            .await
            .expect(200)
            .text,
    );
    assert_eq!(payouts[0][4], "amount");
    let total: f64 = payouts[1..]
        .iter()
        .map(|r| r[4].parse::<f64>().unwrap())
        .sum();
    assert_eq!(total, 7000.0, "the whole pool, to the cent");
    assert_eq!(payouts[1][2], "Idea D");
    assert!(payouts.iter().all(|r| r[5] == "EUR" || r[5] == "currency"));
}

async fn the_dashboard_draws_charts_with_their_numbers_in_both_languages(app: &TestApp) {
    let j = judged(app).await;
    let path = format!("/contests/{}/insight", j.contest);
    let owner = signed_in(app, &j.owner);
    let page = owner.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("How the contest is going"));
    // During judging, no score, mean, rank or agreement (issue 16.3), and no entry title in
    // a ranking table.
    assert!(html.contains("Scores, means and ranks are shown once the contest is awarded"));
    assert!(!html.contains("Kendall") && !html.contains("&lt;script&gt;"));
    // The manage page links to it.
    let manage = text_of(&owner, app, &format!("/contests/{}/manage", j.contest)).await;
    assert!(manage.contains(&path));
    let french = text_of(&owner, app, &format!("{path}?lang=fr")).await;
    assert!(french.contains("Calibrage du jury"));

    // Refused: a juror, an author (403 pages); a stranger to the draft world gets the sign-in.
    for token in [&j.jurors[0], &j.authors[0]] {
        let refused = signed_in(app, token)
            .get(app.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        let text = refused.text().await.unwrap();
        assert!(!text.contains("Kendall") && !text.contains("Juror 3"));
    }
    let anonymous = signed_in(app, "").get(app.url(&path)).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
    assert!(
        anonymous.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );

    // Once awarded, every chart.
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let owner = signed_in(app, &app.login("owner@acme.example").await);
    let html = text_of(&owner, app, &path).await;
    // Each chart is an accessible SVG with its numbers in a table beside it.
    assert!(
        html.matches("<svg").count() >= 4,
        "timeline, statuses, two criteria"
    );
    assert!(html.contains(r#"role="img""#) && html.contains("<desc"));
    assert!(html.matches("<table").count() >= 6);
    assert!(!html.contains("style="), "the CSP allows no inline style");
    assert!(html.contains("Kendall") && html.contains("very closely"));
    // What people wrote is escaped, in the tables and in the charts.
    assert!(!html.contains(ATTACK), "an idea title was not escaped");
    assert!(html.contains("&lt;script&gt;"));
    let french = text_of(&owner, app, &format!("{path}?lang=fr")).await;
    assert!(french.contains("Calibrage du jury") && french.contains("W de Kendall"));
}

/// Live and exact sources, in a contest not judged blind (a blind one's are in `blind.rs`).
async fn participants_are_counted_under_the_link_that_brought_them(app: &TestApp) {
    let contest = opened_open_judging(app).await.contest;
    app.advance(Duration::days(1));
    arrive_and_submit(
        app,
        &contest,
        "ann@example.org",
        "?utm_source=Newsletter&utm_campaign=spring",
        None,
    )
    .await;
    arrive_and_submit(
        app,
        &contest,
        "bob@example.org",
        "?utm_source=newsletter&utm_campaign=spring",
        None,
    )
    .await;
    arrive_and_submit(
        app,
        &contest,
        "cat@example.org",
        "",
        Some("https://blog.example/post?x=1"),
    )
    .await;
    arrive_and_submit(app, &contest, "dan@example.org", "?ref=<script>", None).await;
    arrive_and_submit(app, &contest, "eve@example.org", "", None).await;
    // Sessions last hours: the owner signs in again.
    let owner = app.login("owner@acme.example").await;
    let stats = app
        .get(&format!("/api/v1/contests/{contest}/stats"), Some(&owner))
        .await
        .expect(200)
        .json();
    let sources: Vec<(String, String, u64)> = stats["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["source"].as_str().unwrap().to_owned(),
                s["campaign"].as_str().unwrap().to_owned(),
                s["participants"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        sources[0],
        ("newsletter".into(), "spring".into(), 2),
        "{sources:?}"
    );
    for expected in [
        ("blog.example".to_owned(), String::new(), 1),
        ("script".to_owned(), String::new(), 1),
        ("direct".to_owned(), String::new(), 1),
    ] {
        assert!(sources.contains(&expected), "{expected:?} in {sources:?}");
    }
    let page = text_of(
        &signed_in(app, &owner),
        app,
        &format!("/contests/{contest}/insight"),
    )
    .await;
    assert!(page.contains("Where participants came from") && page.contains("newsletter / spring"));
}
