//! Scoring without losing a score (issue 19): each criterion's optional description (accepted,
//! returned, bounded, shown as text), the running weighted total of the juror's own saved
//! scores, the notice after saving and "Save and finish" on the last entry to score.

use chrono::Duration;
use reqwest::Method;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    Draft, Page, TestApp, admin, browser, csrf_of, draft, fund, invite_juror, juror, page, rules,
    signed_in,
};

both_backends!(
    criterion_descriptions_are_accepted_returned_and_bounded,
    the_scoring_page_describes_totals_my_own_scores_and_finishes,
);

const MARKUP: &str = "<script>alert('x')</script><b>bold</b>";

/// Rules whose first criterion says what its scores mean (with markup, to be shown as text).
fn described(app: &TestApp) -> Value {
    let mut r = rules(app);
    r["criteria"][0]["description"] = json!(format!("0: none; 10: a market changed. {MARKUP}"));
    r
}

async fn patch_rules(
    app: &TestApp,
    owner: &str,
    contest: &str,
    rules: Value,
) -> crate::helpers::Answer {
    app.request(
        Method::PATCH,
        &format!("/api/v1/contests/{contest}"),
        Some(owner),
        Some(json!({"rules": rules})),
    )
    .await
}

/// The paths of a 422's fields.
fn paths(answer: &Value) -> Vec<String> {
    answer["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect()
}

async fn criterion_descriptions_are_accepted_returned_and_bounded(app: &TestApp) {
    let Draft {
        owner,
        contest,
        organization,
    } = draft(app).await;
    let path = format!("/api/v1/contests/{contest}");
    // Without one, the document has no description at all.
    let shown = app.get(&path, Some(&owner)).await.expect(200).json();
    assert_eq!(shown["rules"], rules(app));
    let text = app
        .get(&format!("{path}/rules"), Some(&owner))
        .await
        .expect(200)
        .text;
    assert!(!text.contains("description"), "{text}");

    // Accepted and returned as written (markup is text; pages escape it).
    let contest_json = patch_rules(app, &owner, &contest, described(app))
        .await
        .expect(200)
        .json();
    assert_eq!(
        contest_json["rules"]["criteria"][0]["description"],
        described(app)["criteria"][0]["description"]
    );
    assert!(
        contest_json["rules"]["criteria"][1]
            .get("description")
            .is_none()
    );
    let shown = app.get(&path, Some(&owner)).await.expect(200).json();
    assert_eq!(shown["rules"], described(app));
    // On creation too.
    app.post(
        "/api/v1/contests",
        Some(&owner),
        json!({"organization_id": organization, "title": "T", "brief": "B", "rules": described(app)}),
    )
    .await
    .expect(201);

    // Too long, not text, hidden characters: refused under the criterion's path, nothing
    // changed.
    for (bad, why) in [
        (json!("x".repeat(501)), "too long"),
        (json!(["a list"]), "not text"),
        (json!("Impact\u{202E}reversed"), "a hidden character"),
        (json!("two\nlines"), "a line break"),
    ] {
        let mut r = described(app);
        r["criteria"][1]["description"] = bad;
        let answer = patch_rules(app, &owner, &contest, r)
            .await
            .expect_error(422, "validation_failed")
            .json();
        assert_eq!(paths(&answer), ["rules.criteria[1].description"], "{why}");
    }
    let shown = app.get(&path, Some(&owner)).await.expect(200).json();
    assert_eq!(shown["rules"], described(app));
    // 500 characters is the most.
    let mut r = described(app);
    r["criteria"][1]["description"] = json!("y".repeat(500));
    patch_rules(app, &owner, &contest, r).await.expect(200);
}

/// A contest in judging whose rules describe a criterion: two jurors, two entries.
struct Described {
    contest: String,
    jurors: Vec<String>,
}

async fn judging_described(app: &TestApp) -> Described {
    let Draft { owner, contest, .. } = draft(app).await;
    patch_rules(app, &owner, &contest, described(app))
        .await
        .expect(200);
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    let emails = ["jules@jury.example", "jade@jury.example"];
    for email in emails {
        invite_juror(app, &owner, &contest, email).await;
    }
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    for (i, email) in emails.iter().enumerate() {
        juror(app, email, &format!("Juror {}", i + 1)).await;
    }
    app.advance(Duration::days(1));
    for (email, title) in [("ann@example.org", "Idea A"), ("bob@example.org", "Idea B")] {
        let author = app.person(email, email).await.token;
        app.post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&author),
            json!({"title": title, "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201);
    }
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let mut jurors = Vec::new();
    for email in emails {
        jurors.push(app.login(email).await);
    }
    Described { contest, jurors }
}

/// The entry id in the score form's action.
fn scored_entry(html: &str) -> String {
    let start = html.find("/jury/entries/").expect("a score form") + "/jury/entries/".len();
    html[start..start + 32].to_owned()
}

/// The value of the first `attribute="…"` in `html`.
fn attribute<'h>(html: &'h str, attribute: &str) -> &'h str {
    let needle = format!("{attribute}=\"");
    let start = html.find(&needle).expect(attribute) + needle.len();
    let end = start + html[start..].find('"').unwrap();
    &html[start..end]
}

/// The running total as the page renders it (tera writes `/` as `&#x2F;`).
fn total(html: &str) -> String {
    let start = html.find("id=\"score-total\"").expect("a running total");
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = start + html[start..].find('<').unwrap();
    html[start..end].replace("&#x2F;", "/")
}

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let response = client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (response.status().as_u16(), location)
}

async fn the_scoring_page_describes_totals_my_own_scores_and_finishes(app: &TestApp) {
    let Described { contest, jurors } = judging_described(app).await;
    let jury = format!("/contests/{contest}/jury");
    let jules = signed_in(app, &jurors[0]);
    let jade = signed_in(app, &jurors[1]);

    // The description beside its criterion, as text; nothing saved yet, no total.
    let Page { status, html } = page(&jules, app, &jury, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"score-impact-description\""));
    assert!(html.contains("10: a market changed. &lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2F;script&gt;&lt;b&gt;bold&lt;&#x2F;b&gt;"), "{html}");
    assert!(!html.contains(MARKUP));
    assert!(html.contains("aria-describedby=\"score-impact-description\""));
    assert!(!html.contains("score-feasibility-description"));
    assert_eq!(total(&html), "— / 100");
    assert!(html.contains("Save and go to the next entry") && !html.contains("Save and finish"));
    assert!(!html.contains("name=\"finish\""));
    let csrf = csrf_of(&html);
    let first = scored_entry(&html);
    // The key of what jury.js keeps in the tab is the juror's own, and names nobody.
    let key = attribute(&html, "data-draft-key").to_owned();
    assert!(
        key.starts_with("concours.scores.") && key.ends_with(&first),
        "{key}"
    );

    // Saved: a success notice, on to the next entry, which finishes the work.
    let scores = format!("{jury}/entries/{first}/scores");
    let form = [
        ("csrf", csrf.as_str()),
        ("score_impact", "7"),
        ("score_feasibility", "4"),
    ];
    let (status, location) = post(&jules, app, &scores, &form).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("{jury}?after={first}&done=saved"));
    let html = page(&jules, app, &location, None).await.html;
    assert!(
        html.contains("<p class=\"notice success\" role=\"status\">Your scores are saved.</p>"),
        "{html}"
    );
    assert!(html.contains("1 of 2 entries scored"));
    let second = scored_entry(&html);
    assert_ne!(second, first);
    assert!(html.contains("Save and finish") && html.contains("name=\"finish\" value=\"1\""));
    assert_eq!(total(&html), "— / 100");
    // The saved entry shows its weighted total: 100 × (3·7/10 + 1·4/5) ÷ 4 = 72.5.
    let html = page(&jules, app, &format!("{jury}?entry={first}"), None)
        .await
        .html;
    assert_eq!(total(&html), "72.5 / 100");
    assert!(html.contains("data-saved=\"7\"") && html.contains("data-weight=\"3\""));
    let html = page(&jules, app, &format!("{jury}?entry={first}&lang=fr"), None)
        .await
        .html;
    assert_eq!(total(&html), "72,5 / 100");
    assert!(
        html.contains("Votre total pondéré")
            && html.contains("Enregistrer et passer à la suivante")
    );
    // Back to English (the language sticks to the browser); unknown notices show nothing.
    let html = page(&jules, app, &format!("{jury}?done=nonsense&lang=en"), None)
        .await
        .html;
    assert!(!html.contains("notice success"));

    // The other juror sees none of it: no total on any of their entries, other keys.
    let html = page(&jade, app, &jury, None).await.html;
    let jade_first = scored_entry(&html);
    for entry in [jade_first.clone(), first.clone(), second.clone()] {
        let html = page(&jade, app, &format!("{jury}?entry={entry}"), None)
            .await
            .html;
        assert_eq!(total(&html), "— / 100", "another juror's total");
        assert!(!html.contains("data-saved=\"7\"") && !html.contains("72.5"));
        assert_ne!(attribute(&html, "data-draft-key"), key);
        assert!(!attribute(&html, "data-draft-key").contains(&jurors[1]));
    }
    // Jade scores the entry Jules has not saved yet: Jules's total for it stays unknown. A
    // `finish` she sends only chooses where she lands: her page tells her real progress.
    let jade_csrf = csrf_of(&page(&jade, app, &jury, None).await.html);
    let (status, location) = post(
        &jade,
        app,
        &format!("{jury}/entries/{second}/scores"),
        &[
            ("csrf", &jade_csrf),
            ("score_impact", "1"),
            ("score_feasibility", "1"),
            ("finish", "1"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let html = page(&jade, app, &location, None).await.html;
    assert!(
        html.contains("1 of 2 entries scored") && !html.contains("You have scored every entry")
    );
    let html = page(&jules, app, &format!("{jury}?entry={second}"), None)
        .await
        .html;
    assert_eq!(total(&html), "— / 100", "another juror's scores");
    assert!(!html.contains("data-saved=\"1\""));
    // Someone not on the jury can neither score nor finish.
    let eve = app.person("eve@example.org", "Eve").await.token;
    let eve = signed_in(app, &eve);
    let eve_csrf = csrf_of(&page(&eve, app, "/", None).await.html);
    let (status, location) = post(
        &eve,
        app,
        &format!("{jury}/entries/{second}/scores"),
        &[
            ("csrf", &eve_csrf),
            ("score_impact", "1"),
            ("score_feasibility", "1"),
            ("finish", "1"),
        ],
    )
    .await;
    assert!(status == 403 || status == 404, "{status}");
    assert!(location.is_empty());

    // An error keeps the finishing button; then "Save and finish" leads to the progress.
    let scores = format!("{jury}/entries/{second}/scores");
    let response = jules
        .post(app.url(&scores))
        .form(&[
            ("csrf", csrf.as_str()),
            ("score_impact", "11"),
            ("score_feasibility", "5"),
            ("finish", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Save and finish") && html.contains("value=\"11\""),
        "{html}"
    );
    assert_eq!(total(&html), "— / 100", "a score out of range has no total");
    let form = [
        ("csrf", csrf.as_str()),
        ("score_impact", "10"),
        ("score_feasibility", "5"),
        ("finish", "1"),
    ];
    let (status, location) = post(&jules, app, &scores, &form).await;
    assert_eq!(status, 303);
    assert_eq!(location, format!("{jury}?done=finished"));
    let html = page(&jules, app, &location, None).await.html;
    assert!(
        html.contains(
            "<p class=\"notice success\" role=\"status\" data-focus>Your scores are saved.</p>"
        ),
        "{html}"
    );
    assert!(html.contains("2 of 2 entries scored") && html.contains("You have scored every entry"));
    assert!(html.contains("href=\"/me/juries\">Back to My juries</a>"));
    let html = page(&jules, app, &format!("{jury}?entry={second}"), None)
        .await
        .html;
    assert_eq!(total(&html), "100 / 100");

    // Signed out: to the sign-in page.
    let anonymous = browser().get(app.url(&jury)).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
}
