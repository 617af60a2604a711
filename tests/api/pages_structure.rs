//! The judging structure on the pages (issue 20): a contest with two categories and a round
//! explains them on its page, in English and French; the submission form asks for the
//! category and refuses an idea without one beside the select, keeping what was typed; the
//! idea page and the management page name each idea's category.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use concours::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    Draft, Page, TestApp, admin, browser, csrf_of, draft, fund, invite_juror, logged_in, page,
    signed_in,
};

both_backends!(
    a_contest_with_categories_and_a_round_explains_them_in_english_and_french,
    the_submission_form_asks_for_a_category_and_keeps_the_text_without_one,
);

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An opened contest whose rules have two categories with a prize each and a shortlist round
/// (the 10 best go on to the final), judged by the median.
async fn structured(app: &TestApp) -> Draft {
    let d = draft(app).await;
    let path = format!("/api/v1/contests/{}", d.contest);
    let mut rules: Value = app.get(&path, Some(&d.owner)).await.expect(200).json()["rules"].clone();
    let now = app.clock.now();
    rules["aggregation"] = json!("median");
    rules["tracks"] = json!([
        {"key": "green", "label": "Green materials", "prizes": [{"label": "Green prize", "amount_cents": 100_000}]},
        {"key": "reuse", "label": "Reuse and refill", "prizes": [{"label": "Reuse prize", "amount_cents": 50_000}]}
    ]);
    rules["rounds"] = json!([{
        "key": "shortlist",
        "label": "Shortlist",
        "ends_at": at(now + Duration::days(14)),
        "criteria": [{"key": "promise", "label": "Promise", "weight": 1, "max": 10}],
        "advance": {"top": 10}
    }]);
    app.request(
        Method::PATCH,
        &path,
        Some(&d.owner),
        Some(json!({"rules": rules})),
    )
    .await
    .expect(200);
    let admin = admin(app).await;
    fund(app, &d.owner, &admin, &d.contest, 850_000).await;
    invite_juror(app, &d.owner, &d.contest, "juror@jury.example").await;
    app.post(&format!("{path}/open"), Some(&d.owner), json!({}))
        .await
        .expect(200);
    d
}

async fn a_contest_with_categories_and_a_round_explains_them_in_english_and_french(app: &TestApp) {
    let d = structured(app).await;
    let path = format!("/contests/{}", d.contest);
    let client = browser();

    let Page { status, html } = page(&client, app, &path, Some("en")).await;
    assert_eq!(status, 200);
    for sentence in [
        "How the ideas are judged",
        "Judging runs in 2 rounds.",
        "<h3 class=\"user-text\">Shortlist</h3>",
        "Promise (weight 1, 0 to 10)",
        "The 10 best-scored ideas go on to the final, with any tied with the 10th.",
        "The final’s scores decide the prizes.",
        "(the judging deadline)",
        "An idea’s score is the median of its jurors’ sheets",
        "Categories",
        "Green materials",
        "Reuse and refill",
        "The prize pool, 8,500.00 EUR, is the overall prizes plus every category’s.",
        "An idea wins at most one prize",
        "A category’s unclaimed prizes follow the rule above within that category.",
    ] {
        assert!(
            html.contains(sentence),
            "the English page says {sentence:?}"
        );
    }
    // The round's end is a <time> with its instant.
    let end = at(app.clock.now() + Duration::days(14));
    assert!(
        html.contains(&format!("<time datetime=\"{end}\">")),
        "{end}"
    );

    let Page { html, .. } = page(&client, app, &path, Some("fr")).await;
    for sentence in [
        "Comment les idées sont évaluées",
        "L’évaluation se déroule en 2 tours.",
        "Promise (poids 1, de 0 à 10)",
        "Les 10 idées les mieux notées passent en finale, ainsi que toutes celles à égalité avec la 10e.",
        "Les notes de la finale décident des prix.",
        "La note d’une idée est la médiane des fiches de ses jurés",
        "Catégories",
        "La dotation, 8\u{202f}500,00 EUR, réunit les prix généraux et ceux de chaque catégorie.",
        "Une idée gagne au plus un prix\u{202f}:",
        "Les prix non attribués d’une catégorie suivent la règle ci-dessus au sein de cette catégorie.",
    ] {
        assert!(html.contains(sentence), "the French page says {sentence:?}");
    }

    // A contest without rounds or categories says nothing of them.
    let other = app.person("other@brand.example", "Otto").await.token;
    let org = app.organization(&other, "Brand").await;
    let body = json!({"organization_id": org, "title": "Plain", "brief": "Plain.", "rules": crate::helpers::rules(app)});
    let plain = app
        .post("/api/v1/contests", Some(&other), body)
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = app.person("admin2@concours.example", "Ada").await.token;
    concours::app::accounts::grant_admin(&mut app.conn(), "admin2@concours.example").unwrap();
    fund(app, &other, &admin, &plain, 700_000).await;
    invite_juror(app, &other, &plain, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{plain}/open"),
        Some(&other),
        json!({}),
    )
    .await
    .expect(200);
    let Page { html, .. } = page(&client, app, &format!("/contests/{plain}"), Some("en")).await;
    assert!(!html.contains("How the ideas are judged") && !html.contains("Categories"));
}

async fn the_submission_form_asks_for_a_category_and_keeps_the_text_without_one(app: &TestApp) {
    let d = structured(app).await;
    app.advance(Duration::days(1));
    let token = app.person("inna@example.org", "Inna").await.token;
    let client = signed_in(app, &token);
    let submit_path = format!("/contests/{}/submit", d.contest);
    let Page { status, html } = page(&client, app, &submit_path, Some("en")).await;
    assert_eq!(status, 200);
    assert!(html.contains("<select id=\"track\" name=\"track\" required"));
    assert!(html.contains("<option value=\"green\">Green materials</option>"));
    let csrf = csrf_of(&html);
    let fields = |track: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("track", track.to_owned()),
            ("title", "Refill stations".to_owned()),
            ("summary", "A station in every shop".to_owned()),
            ("body", "Bring your own **jar**.".to_owned()),
            ("accept_terms", "yes".to_owned()),
            ("action", "submit".to_owned()),
        ]
    };

    // No category: the message beside the select and in the summary, the text kept.
    for (lang, message) in [
        ("en", "Choose the category your idea enters."),
        (
            "fr",
            "Choisissez la catégorie dans laquelle votre idée concourt.",
        ),
    ] {
        let response = client
            .post(app.url(&format!("{submit_path}?lang={lang}")))
            .form(&fields(""))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!(
                "<p id=\"track-error\" class=\"field-error\">{message}</p>"
            )),
            "{lang}: the message beside the select"
        );
        assert!(
            html.contains(&format!("<a href=\"#track\">{message}</a>")),
            "{lang}: in the summary"
        );
        assert!(html.contains("aria-invalid=\"true\"") && html.contains("track-error\""));
        assert!(
            html.contains("value=\"Refill stations\"") && html.contains("Bring your own **jar**.")
        );
    }

    // With one: submitted, and the idea page names it.
    let response = client
        .post(app.url(&format!("{submit_path}?lang=en")))
        .form(&fields("reuse"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let Page { html, .. } = page(&client, app, &format!("{location}&lang=en"), None).await;
    assert!(html.contains("Category: <strong class=\"user-text\">Reuse and refill</strong>"));
    assert!(html.contains("<option value=\"reuse\" selected>Reuse and refill</option>"));

    // The management page counts the entries of each category and offers a panel per category.
    let owner = logged_in(app, "owner@acme.example", None).await.client;
    let Page { html, .. } = page(
        &owner,
        app,
        &format!("/contests/{}/manage?lang=en", d.contest),
        None,
    )
    .await;
    assert!(
        html.contains("Entries per category"),
        "{}",
        &html[html.len().saturating_sub(3000)..]
    );
    assert!(html.contains("Reuse and refill</span>: <strong>1</strong>"));
    assert!(html.contains("Green materials</span>: <strong>0</strong>"));
}
