//! The results page explains itself: one plain sentence per payout in the reader's language
//! (a tie, a fallback to the next best, a split with its leftover cent, no entry at all),
//! each idea's score-sheet id beside its title, authors linked to their public page only when
//! they have one, the check's texts and the same-origin script; nothing before the award.
//! And the charts' text alternatives (insight page) in the reader's language.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, admin, browser, draft, fund, invite_juror, juror, page, signed_in};

both_backends!(
    a_tie_and_two_prizes_read_as_sentences,
    the_fallback_to_the_next_best_is_explained,
    a_split_says_who_shares_what,
    with_no_entry_the_pool_goes_to_the_beneficiary,
);

/// The score each title gets: (impact /10, feasibility /5).
type Scores = &'static [(&'static str, u32, u32)];

/// A contest with these rules changes, entered by Ann, Bob and Cat (as many as `scores`
/// names), scored by one juror, awarded by its owner. Ann's page is public.
async fn awarded(app: &TestApp, change: impl FnOnce(&mut Value), scores: Scores) -> String {
    let d = draft(app).await;
    let path = format!("/api/v1/contests/{}", d.contest);
    let mut rules = app.get(&path, Some(&d.owner)).await.expect(200).json()["rules"].clone();
    change(&mut rules);
    app.request(
        Method::PATCH,
        &path,
        Some(&d.owner),
        Some(json!({"rules": rules})),
    )
    .await
    .expect(200);
    let admin = admin(app).await;
    fund(app, &d.owner, &admin, &d.contest, 700_000).await;
    invite_juror(app, &d.owner, &d.contest, "juror@jury.example").await;
    app.post(&format!("{path}/open"), Some(&d.owner), json!({}))
        .await
        .expect(200);
    juror(app, "juror@jury.example", "Jules").await;
    app.advance(Duration::days(1));
    let people = [
        ("ann@example.org", "Ann Author"),
        ("bob@example.org", "Bob Author"),
        ("cat@example.org", "Cat Author"),
    ];
    for ((title, ..), (email, name)) in scores.iter().zip(people) {
        let author = app.person(email, name).await.token;
        app.post(
            &format!("{path}/ideas"),
            Some(&author),
            json!({"title": title, "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201);
        if email == "ann@example.org" {
            app.request(
                Method::PUT,
                "/api/v1/me/profile",
                Some(&author),
                Some(json!({"public": true})),
            )
            .await
            .expect(200);
        }
        app.advance(Duration::minutes(1));
    }
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let juror = app.login("juror@jury.example").await;
    let entries = format!("{path}/jury/entries");
    let list = app.get(&entries, Some(&juror)).await.expect(200).json();
    for entry in list["entries"].as_array().unwrap() {
        let title = entry["title"].as_str().unwrap();
        let (_, impact, feasibility) = scores.iter().find(|(t, ..)| *t == title).unwrap();
        let id = entry["entry_id"].as_str().unwrap();
        app.request(
            Method::PUT,
            &format!("{entries}/{id}/scores"),
            Some(&juror),
            Some(json!({"scores": {"impact": impact, "feasibility": feasibility}})),
        )
        .await
        .expect(200);
    }
    // Before the award the page shows no ranking, no score, no author.
    let before = page(
        &browser(),
        app,
        &format!("/contests/{}/results", d.contest),
        None,
    )
    .await;
    assert_eq!(before.status, 409, "{}", before.html);
    for hidden in ["Ann Author", "weighted score", "data-entry"] {
        assert!(!before.html.contains(hidden), "{hidden} before the award");
    }
    if scores.is_empty() {
        // Nothing to score: the scheduler awards at the judging deadline.
        app.advance(Duration::days(10));
        app.scheduler.tick().await.unwrap();
    } else {
        let owner = app.login("owner@acme.example").await;
        app.post(&format!("{path}/award"), Some(&owner), json!({}))
            .await
            .expect(200);
    }
    d.contest
}

/// The results page in English and in French.
async fn both(app: &TestApp, contest: &str) -> (String, String) {
    let path = format!("/contests/{contest}/results");
    let en = page(&browser(), app, &path, Some("en")).await;
    let fr = page(&browser(), app, &path, Some("fr")).await;
    assert_eq!((en.status, fr.status), (200, 200));
    (en.html, fr.html)
}

/// Whether the page says `text` (the templates escape `/` as `&#x2F;`).
fn has(html: &str, text: &str) {
    let html = html.replace("&#x2F;", "/");
    assert!(html.contains(text), "missing {text:?} in:\n{html}");
}

async fn a_tie_and_two_prizes_read_as_sentences(app: &TestApp) {
    // A and B tie at 65/100; A, submitted after B (by Bob), has the better impact, so A is
    // first: the criteria decide before the time of submission.
    let contest = awarded(
        app,
        |_| {},
        &[("Idea B", 6, 4), ("Idea A", 8, 1), ("Idea C", 2, 1)],
    )
    .await;
    let (en, fr) = both(app, &contest).await;
    has(
        &en,
        "1st prize (First prize), 5,000.00 EUR: “Idea A” by Bob Author, weighted score 65/100.",
    );
    has(
        &en,
        "2nd prize (Second prize), 2,000.00 EUR: “Idea B” by Ann Author, weighted score 65/100.",
    );
    has(
        &fr,
        "1er prix (First prize), 5\u{202f}000,00 EUR\u{202f}: «\u{202f}Idea A\u{202f}» de Bob Author, note pondérée 65/100.",
    );
    has(&fr, "2e prix (Second prize)");
    // The tie, explained.
    has(
        &en,
        "“Idea A” and “Idea B” have the same weighted score, 65/100: the better mean on Impact puts “Idea A” first.",
    );
    has(
        &fr,
        "«\u{202f}Idea A\u{202f}» et «\u{202f}Idea B\u{202f}» ont la même note pondérée, 65/100\u{202f}: la meilleure moyenne sur le critère Impact place «\u{202f}Idea A\u{202f}» devant.",
    );
    // Each idea's id in the score sheet beside its title, the one the sheet names.
    let results = app
        .get(&format!("/api/v1/contests/{contest}/results"), None)
        .await
        .expect(200)
        .json();
    let ranking = results["ranking"].as_array().unwrap();
    assert_eq!(ranking[0]["title"], "Idea A");
    for row in ranking {
        let id = row["entry_id"].as_str().unwrap();
        has(&en, &format!(r#"<code class="entry-id">{id}</code>"#));
        has(&en, &format!(r#"data-entry="{id}""#));
    }
    // Ann's page is public: linked. Bob's is private: his name only.
    let ann = app.login("ann@example.org").await;
    let ann_id = app.get("/api/v1/me/profile", Some(&ann)).await.json()["user_id"]
        .as_str()
        .unwrap()
        .to_owned();
    has(
        &en,
        &format!(r#"<a href="/people/{ann_id}">Ann Author</a>"#),
    );
    assert!(!en.contains(">Bob Author</a>"), "{en}");
    // The raw JSON, the check in both languages, its same-origin script, no inline code.
    has(&en, &format!("/api/v1/contests/{contest}/scoresheet"));
    has(&en, r#"<script src="/assets/check.js" defer></script>"#);
    has(&en, r#"data-t-check-ranking="The ranking recomputed"#);
    has(&fr, r#"data-t-check-ranking="Le classement recalculé"#);
    has(&fr, "Vérifier ces résultats");
    assert!(!en.contains("<script>") && !en.contains("onclick"), "{en}");
    has(&en, &format!("/api/v1/contests/{contest}</code>"));
    has(&en, "concours verify http");
    // The charts of the insight page say what they show in the reader's language.
    let owner = signed_in(app, &app.login("owner@acme.example").await);
    let insight = format!("/contests/{contest}/insight");
    let english = page(&owner, app, &insight, None).await.html;
    has(&english, "points, from ");
    let french = page(&owner, app, &format!("{insight}?lang=fr"), None)
        .await
        .html;
    has(&french, "points, de ");
    has(&french, " barres\u{202f}; la plus haute est ");
    assert!(
        !french.contains(" bars; ") && !french.contains("points, from"),
        "{french}"
    );
    let script = reqwest::get(app.url("/assets/check.js")).await.unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.text().await.unwrap().contains("function compute("));
}

async fn the_fallback_to_the_next_best_is_explained(app: &TestApp) {
    let contest = awarded(
        app,
        |rules| rules["minimum_score"] = json!(90),
        &[("Idea A", 10, 4), ("Idea B", 5, 5)],
    )
    .await;
    let (en, fr) = both(app, &contest).await;
    // A: 95 qualifies for the first prize; B (62.5) takes the second by the fallback.
    has(
        &en,
        "1st prize (First prize), 5,000.00 EUR: “Idea A” by Ann Author, weighted score 95/100.",
    );
    has(
        &en,
        "Only one idea reached 90/100: per the fallback rule, the 2nd prize (Second prize), 2,000.00 EUR, goes to the next best idea, “Idea B” by Bob Author, weighted score 62.5/100.",
    );
    has(
        &fr,
        "Une seule idée a atteint 90/100\u{202f}: selon la règle de repli, le 2e prix (Second prize), 2\u{202f}000,00 EUR, revient à l’idée suivante du classement, «\u{202f}Idea B\u{202f}» de Bob Author, note pondérée 62,5/100.",
    );
}

async fn a_split_says_who_shares_what(app: &TestApp) {
    let contest = awarded(
        app,
        |rules| {
            rules["minimum_score"] = json!(90);
            rules["fallback"] = json!({"policy": "split_all"});
        },
        &[("Idea A", 8, 1), ("Idea B", 6, 4), ("Idea C", 2, 1)],
    )
    .await;
    let (en, fr) = both(app, &contest).await;
    has(
        &en,
        "No idea reached 90/100: per the fallback rule, the best 3 ideas that won no prize share 7,000.00 EUR.",
    );
    // 700,000 cents over three: the leftover cent to the best ranked.
    has(
        &en,
        "2,333.34 EUR of it to “Idea A” by Ann Author, weighted score 65/100.",
    );
    has(
        &en,
        "2,333.33 EUR of it to “Idea B” by Bob Author, weighted score 65/100.",
    );
    has(
        &en,
        "2,333.33 EUR of it to “Idea C” by Cat Author, weighted score 20/100.",
    );
    has(
        &fr,
        "Aucune idée n’a atteint 90/100\u{202f}: selon la règle de repli, les 3 meilleures idées sans prix se partagent 7\u{202f}000,00 EUR.",
    );
    has(&en, "share of the unclaimed prizes, 2,333.34 EUR");
}

async fn with_no_entry_the_pool_goes_to_the_beneficiary(app: &TestApp) {
    let contest = awarded(app, |_| {}, &[]).await;
    let (en, fr) = both(app, &contest).await;
    has(
        &en,
        "No entry: the pool, 7,000.00 EUR, goes to The Open Science Fund.",
    );
    has(
        &fr,
        "Aucune idée en lice\u{202f}: la dotation, 7\u{202f}000,00 EUR, revient à The Open Science Fund.",
    );
}
