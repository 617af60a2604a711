//! Rounds and categories (issue 20) as people meet them: the contest page explains the
//! structure; an author submits choosing a category; the scheduler starts judging; the
//! juror's page names the first round and its end, with its own criteria; once the round has
//! ended and the scheduler closed it, the juror's page shows the final with only the idea that
//! went on. In English and in French, on a laptop and on a phone. The data is made through the
//! JSON API.

use chrono::Duration;
use serde_json::{Value, json};

use crate::calls::{api, at, login, opened_with_jurors, person, post};
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contest_judged_in_rounds_and_categories_sqlite() {
    rounds(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contest_judged_in_rounds_and_categories_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    rounds(Backend::Postgres).await;
}

const OWNER: &str = "owner@acme.example";
const JUROR: &str = "jules@jury.example";
const ANN: &str = "ann@example.org";
const BOB: &str = "bob@example.org";

/// An opened contest with two categories and a shortlist round (the best idea goes on),
/// taking ideas: its id.
async fn make(app: &TestApp) -> String {
    let now = app.now();
    let rules = json!({
        "opens_at": at(now + Duration::days(1)),
        "submission_deadline": at(now + Duration::days(10)),
        "judging_deadline": at(now + Duration::days(20)),
        "criteria": [{"key": "impact", "label": "Environmental impact", "weight": 1, "max": 10}],
        "currency": "EUR",
        "prizes": [{"label": "Grand prize", "amount_cents": 300_000}],
        "tracks": [
            {"key": "green", "label": "Green materials",
             "prizes": [{"label": "Materials prize", "amount_cents": 100_000}]},
            {"key": "reuse", "label": "Reuse and refill",
             "prizes": [{"label": "Refill prize", "amount_cents": 100_000}]}
        ],
        "rounds": [{
            "key": "shortlist", "label": "Shortlist", "ends_at": at(now + Duration::days(14)),
            "criteria": [{"key": "promise", "label": "Promise", "weight": 1, "max": 10}],
            "advance": {"top": 1}
        }],
        "minimum_score": 10,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1
    });
    opened_with_jurors(app, rules, &[(JUROR, "Jules Juror")]).await
}

/// Looks at the page at `path` in `lang` (signed in as `email` if given): shows `texts`, is
/// saved at laptop and phone width, and fits the phone. Returns the last step.
async fn look(
    app: &TestApp,
    (lang, suffix, step): (&str, &str, u32),
    email: Option<&str>,
    path: &str,
    texts: &[&str],
    name: &str,
) -> u32 {
    let mut browser = Browser::start(app, lang, suffix, step).await;
    if let Some(email) = email {
        browser.sign_in(email).await;
    }
    // The page's language is asked for: a signed-in reader's account says English.
    browser.goto(&format!("{path}?lang={lang}")).await;
    browser.expect(texts).await;
    // Tall windows, so that a screenshot holds the whole page.
    browser.client.set_window_size(1280, 2400).await.unwrap();
    browser.shot(&format!("{name}-{lang}-laptop")).await;
    browser.client.set_window_size(390, 4200).await.unwrap();
    browser.fits(390).await;
    browser.shot(&format!("{name}-{lang}-phone")).await;
    let step = browser.step();
    browser.close().await;
    step
}

async fn rounds(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let contest = make(&app).await;
    let suffix = format!("rounds-{}", backend.name());
    let page = format!("/contests/{contest}");
    let mut step = 0;

    // The contest page explains the structure.
    for (lang, texts) in [
        (
            "en",
            [
                "How the ideas are judged",
                "Judging runs in 2 rounds.",
                "The best-scored idea goes on to the final, with any tied with it.",
                "Promise (weight 1, 0 to 10)",
                "Green materials",
                "The prize pool, 5,000.00 EUR, is the overall prizes plus every category’s.",
                "An idea wins at most one prize",
            ],
        ),
        (
            "fr",
            [
                "Comment les idées sont évaluées",
                "L’évaluation se déroule en 2 tours.",
                "L’idée la mieux notée passe en finale, ainsi que toutes celles à égalité avec elle.",
                "Promise (poids 1, de 0 à 10)",
                "Green materials",
                "La dotation, 5\u{202f}000,00 EUR, réunit les prix généraux et ceux de chaque catégorie.",
                "Une idée gagne au plus un prix",
            ],
        ),
    ] {
        step = look(&app, (lang, &suffix, step), None, &page, &texts, "contest").await;
    }

    // An author submits, choosing a category; the form says it is needed first.
    person(&app, ANN, "Ann Author").await;
    let submit = format!("{page}/submit");
    for (lang, texts) in [
        ("en", ["Category", "Choose a category", "Green materials"]),
        (
            "fr",
            ["Catégorie", "Choisissez une catégorie", "Reuse and refill"],
        ),
    ] {
        step = look(
            &app,
            (lang, &suffix, step),
            Some(ANN),
            &submit,
            &texts,
            "submit-form",
        )
        .await;
    }
    let mut browser = Browser::start(&app, "en", &suffix, step).await;
    browser.sign_in(ANN).await;
    browser.goto(&format!("{page}/submit")).await;
    browser.expect(&["Category", "Choose a category"]).await;
    browser
        .fill("#title", "Refill stations in every post office")
        .await;
    browser.fill("#summary", "A station in every office").await;
    browser.fill("#body", "Bring your own **jar**.").await;
    browser.tick("#accept_terms").await;
    browser.shot("submit-en-laptop").await;
    // Without a category the browser asks for one (the select is required): nothing is sent.
    let before = browser.path().await;
    browser
        .find("button[value=\"submit\"]")
        .await
        .click()
        .await
        .unwrap();
    assert_eq!(browser.path().await, before, "no category, nothing sent");
    let chosen = browser.find("#track").await;
    chosen
        .select_by_value("green")
        .await
        .expect("a category is chosen");
    browser.click("button[value=\"submit\"]").await;
    browser.expect(&["Category: Green materials"]).await;
    browser.shot("submitted-en-laptop").await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    browser.shot("submitted-en-phone").await;
    step = browser.step();
    browser.close().await;

    // A second idea, in the other category, through the API.
    let bob = person(&app, BOB, "Bob Author").await;
    let body = json!({"title": "Edible wrapping", "summary": "s", "body": "b",
                      "accept_terms": true, "track": "reuse"});
    post(&app, &format!("/api/v1{page}/ideas"), Some(&bob), body, 201).await;

    // The scheduler starts judging: the juror's page names the first round and its end.
    app.advance(Duration::days(9));
    app.tick().await;
    let jury = format!("{page}/jury");
    for (lang, texts) in [
        (
            "en",
            [
                "Round: Shortlist",
                "scores can be changed until",
                "Promise",
                "Category: ",
            ],
        ),
        (
            "fr",
            [
                "Tour\u{202f}: Shortlist",
                "les notes peuvent être modifiées jusqu’au",
                "Promise",
                "Catégorie\u{202f}: ",
            ],
        ),
    ] {
        step = look(
            &app,
            (lang, &suffix, step),
            Some(JUROR),
            &jury,
            &texts,
            "jury-shortlist",
        )
        .await;
    }

    // The juror scores the round's criterion: Ann's idea best.
    let juror = login(&app, JUROR).await;
    let list_path = format!("/api/v1{page}/jury/entries");
    let list = api(
        &app,
        reqwest::Method::GET,
        &list_path,
        Some(&juror),
        Value::Null,
        200,
    )
    .await;
    assert_eq!(list["round"]["key"], "shortlist");
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    for entry in entries {
        let promise = if entry["track"] == "green" { 9 } else { 3 };
        let body = json!({"scores": {"promise": promise}});
        let scores = format!("{list_path}/{}/scores", entry["entry_id"].as_str().unwrap());
        api(&app, reqwest::Method::PUT, &scores, Some(&juror), body, 200).await;
    }

    // The management page follows the round.
    for (lang, texts) in [
        (
            "en",
            [
                "Rounds",
                "Being judged now",
                "2 of 2 sheets scored in this round.",
                "Entries per category",
            ],
        ),
        (
            "fr",
            [
                "Tours",
                "En cours d’évaluation",
                "2 fiche(s) notée(s) sur 2 dans ce tour.",
                "Participations par catégorie",
            ],
        ),
    ] {
        let manage = format!("{page}/manage");
        step = look(
            &app,
            (lang, &suffix, step),
            Some(OWNER),
            &manage,
            &texts,
            "manage-shortlist",
        )
        .await;
    }

    // The round ends and the scheduler closes it: the final, with only the idea that went on.
    app.advance(Duration::days(5));
    app.tick().await;
    for (lang, texts) in [
        ("en", ["Round: Final", "Environmental impact", "Entry 1"]),
        (
            "fr",
            [
                "Tour\u{202f}: Finale",
                "Environmental impact",
                "Participation 1",
            ],
        ),
    ] {
        step = look(
            &app,
            (lang, &suffix, step),
            Some(JUROR),
            &jury,
            &texts,
            "jury-final",
        )
        .await;
    }
    // Sessions do not outlive the days the clock went on: sign in again.
    let juror = login(&app, JUROR).await;
    let list = api(
        &app,
        reqwest::Method::GET,
        &list_path,
        Some(&juror),
        Value::Null,
        200,
    )
    .await;
    assert_eq!(list["round"]["key"], "final");
    let entries = list["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "only the idea that went on: {list}");
    assert_eq!(entries[0]["track"], "green");
    // The contest page says how many went on.
    for (lang, texts) in [
        (
            "en",
            [
                "Closed: 1 of 2 idea(s) went on.",
                "Round being judged: Final",
            ],
        ),
        (
            "fr",
            [
                "Terminé\u{202f}: 1 idée(s) retenue(s) sur 2.",
                "Tour en cours\u{202f}: Finale",
            ],
        ),
    ] {
        step = look(
            &app,
            (lang, &suffix, step),
            None,
            &page,
            &texts,
            "contest-final",
        )
        .await;
    }
    let _ = step;
    app.finish().await;
}
