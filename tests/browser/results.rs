//! The results page in the browser: its sentences, and "Check these results", which
//! recomputes the ranking, the payouts and the fingerprints from the published score sheet
//! (assets/check.js) and must agree with the server on a tie, a fallback to the next best and
//! a split with a leftover cent; in English and French, on a laptop and a phone. A tampered
//! score sheet, or a page whose figures were changed, shows a cross.

use chrono::Duration;
use serde_json::{Value, json};

use crate::calls::{api, at, login, person, post};
use crate::checking::press_check;
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_check_themselves_in_the_browser_sqlite() {
    check_in_the_browser(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_check_themselves_in_the_browser_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    check_in_the_browser(Backend::Postgres).await;
}

const OWNER: &str = "owner@acme.example";
const ADMIN: &str = "admin@concours.example";
const JUROR: &str = "juror@jury.example";
const AUTHORS: [(&str, &str); 3] = [
    ("ann@example.org", "Ann Author"),
    ("bob@example.org", "Bob Author"),
    ("cat@example.org", "Cat Author"),
];

fn rules(app: &TestApp, minimum_score: u32, fallback: Value) -> Value {
    let now = app.now();
    json!({
        "opens_at": at(now + Duration::days(1)),
        "submission_deadline": at(now + Duration::days(10)),
        "judging_deadline": at(now + Duration::days(20)),
        "criteria": [
            {"key": "impact", "label": "Environmental impact", "weight": 3, "max": 10},
            {"key": "feasibility", "label": "Feasibility", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [
            {"label": "Gold", "amount_cents": 500_000},
            {"label": "Silver", "amount_cents": 200_000}
        ],
        "minimum_score": minimum_score,
        "fallback": fallback,
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1
    })
}

/// A contest under these rules, entered by the authors in order with these titles, scored
/// (impact /10, feasibility /5) by one juror, awarded by its owner.
async fn awarded(
    app: &TestApp,
    organization: &str,
    title: &str,
    rules: Value,
    entries: &[(&str, u32, u32)],
) -> String {
    let owner = login(app, OWNER).await;
    let body = json!({"organization_id": organization, "title": title,
                      "brief": "Ideas for **less plastic**.", "rules": rules});
    let contest = post(app, "/api/v1/contests", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/contests/{contest}");
    let body = json!({"amount_cents": 700_000, "reference": "TRANSFER-1"});
    let funding = post(app, &format!("{path}/fundings"), Some(&owner), body, 201).await;
    let confirm = format!(
        "/api/v1/admin/fundings/{}/confirm",
        funding["id"].as_str().unwrap()
    );
    post(
        app,
        &confirm,
        Some(&login(app, ADMIN).await),
        json!({}),
        200,
    )
    .await;
    post(
        app,
        &format!("{path}/jurors"),
        Some(&owner),
        json!({"email": JUROR}),
        201,
    )
    .await;
    post(app, &format!("{path}/open"), Some(&owner), json!({}), 200).await;
    let invitation = app.link_in_mail(JUROR, "/jury-invitations/").await;
    let invitation = invitation.rsplit('/').next().unwrap().to_owned();
    let accept = format!("/api/v1/jury-invitations/{invitation}/accept");
    post(app, &accept, Some(&login(app, JUROR).await), json!({}), 200).await;
    app.advance(Duration::days(1));
    app.tick().await;
    for ((idea, ..), (email, _)) in entries.iter().zip(AUTHORS) {
        let body = json!({"title": idea, "summary": "s", "body": "b", "accept_terms": true});
        let token = login(app, email).await;
        post(app, &format!("{path}/ideas"), Some(&token), body, 201).await;
        app.advance(Duration::minutes(1));
    }
    app.advance(Duration::days(9));
    app.tick().await;
    let juror = login(app, JUROR).await;
    let list_path = format!("{path}/jury/entries");
    let get = reqwest::Method::GET;
    let list = api(app, get, &list_path, Some(&juror), Value::Null, 200).await;
    for entry in list["entries"].as_array().unwrap() {
        let title = entry["title"].as_str().unwrap();
        let (_, impact, feasibility) = entries.iter().find(|(t, ..)| *t == title).unwrap();
        let body = json!({"scores": {"impact": impact, "feasibility": feasibility}});
        let scores = format!("{list_path}/{}/scores", entry["entry_id"].as_str().unwrap());
        api(app, reqwest::Method::PUT, &scores, Some(&juror), body, 200).await;
    }
    let owner = login(app, OWNER).await;
    post(app, &format!("{path}/award"), Some(&owner), json!({}), 200).await;
    contest
}

/// Scrolls the check's verdict into view, for the screenshot.
async fn scroll_to_verdict(browser: &Browser) {
    browser
        .client
        .execute(
            "document.getElementById('check').scrollIntoView({block: 'end'})",
            vec![],
        )
        .await
        .unwrap();
}

/// What the server publishes, as the check reads it: the ranking (id, rank, score) and the
/// payouts (entry, cents, reason).
async fn server_figures(app: &TestApp, contest: &str) -> (Value, String) {
    let path = format!("/api/v1/contests/{contest}");
    let results = api(
        app,
        reqwest::Method::GET,
        &format!("{path}/results"),
        None,
        Value::Null,
        200,
    )
    .await;
    let sheet = reqwest::get(format!("{}{path}/scoresheet", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let figures = json!({
        "ranking": results["ranking"].as_array().unwrap().iter()
            .map(|r| json!({"id": r["entry_id"], "rank": r["rank"], "score": r["score"]}))
            .collect::<Vec<_>>(),
        "payouts": results["payouts"].as_array().unwrap().iter()
            .map(|p| json!({"entry": p["entry_id"], "cents": p["amount_cents"], "reason": p["reason"]}))
            .collect::<Vec<_>>(),
        "hash": results["scoresheet_hash"],
    });
    (figures, sheet)
}

/// The browser's own figures for `sheet`, with both SHA-256 implementations.
async fn browser_figures(browser: &Browser, sheet: &str) -> Value {
    browser
        .client
        .execute_async(
            "const [text, done] = arguments; const c = window.concoursCheck; \
             const computed = c.compute(JSON.parse(text)); \
             c.sha256(text).then(hash => done({ranking: computed.ranking, \
               payouts: computed.payouts, hash: hash, \
               fallback: c.sha256Fallback(new TextEncoder().encode(text)), \
               canonical: c.canonical(JSON.parse(text)) === text}));",
            vec![json!(sheet)],
        )
        .await
        .unwrap()
}

async fn check_in_the_browser(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    person(&app, OWNER, "Olive Owner").await;
    person(&app, ADMIN, "Ada Admin").await;
    app.grant_admin(ADMIN);
    person(&app, JUROR, "Jules Juror").await;
    for (email, name) in AUTHORS {
        person(&app, email, name).await;
    }
    let owner = login(&app, OWNER).await;
    let body = json!({"name": "Acme Packaging"});
    let organization = post(&app, "/api/v1/organizations", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // A tie at 65/100 that the first criterion breaks (the later submission wins).
    let tie = awarded(
        &app,
        &organization,
        "A tie",
        rules(&app, 60, json!({"policy": "best_anyway"})),
        &[
            ("Refill stations", 6, 4),
            ("Edible wrapping", 8, 1),
            ("Paper tape", 2, 1),
        ],
    )
    .await;
    // Only one idea reaches 90: the second prize goes to the next best.
    let fallback = awarded(
        &app,
        &organization,
        "A fallback",
        rules(&app, 90, json!({"policy": "best_anyway"})),
        &[("Refill stations", 10, 4), ("Edible wrapping", 5, 5)],
    )
    .await;
    // Nobody reaches 90: all three share 7,000.00 EUR, the leftover cent to the best.
    let split = awarded(
        &app,
        &organization,
        "A split",
        rules(&app, 90, json!({"policy": "split_all"})),
        &[
            ("Refill stations", 6, 4),
            ("Edible wrapping", 8, 1),
            ("Paper tape", 2, 1),
        ],
    )
    .await;
    let suffix = format!("results-{}", backend.name());
    let mut step = 0;
    for (lang, accept) in [("en", "en-GB,en"), ("fr", "fr-FR,fr")] {
        let mut browser = Browser::start(&app, accept, &suffix, step).await;
        let (all_ok, sentence) = if lang == "fr" {
            (
                "Tout concorde",
                "1er prix (Gold), 5\u{202f}000,00 EUR\u{202f}: «\u{202f}Edible wrapping\u{202f}» de Bob Author, note pondérée 65/100.",
            )
        } else {
            (
                "Everything matches",
                "1st prize (Gold), 5,000.00 EUR: “Edible wrapping” by Bob Author, weighted score 65/100.",
            )
        };
        for (name, contest) in [("tie", &tie), ("fallback", &fallback), ("split", &split)] {
            let path = format!("/contests/{contest}/results");
            for (width, height, size) in [(1280, 900, "laptop"), (390, 3400, "phone")] {
                browser.client.set_window_size(width, height).await.unwrap();
                browser.goto(&path).await;
                if name == "tie" {
                    browser.expect(&[sentence]).await;
                }
                let (verdict, items) = press_check(&browser).await;
                assert_eq!(verdict, "ok", "{name} {lang} {size}: {items:?}");
                assert_eq!(items.len(), 7, "{items:?}");
                assert!(items.iter().all(|(_, ok)| *ok), "{items:?}");
                let status = browser.find("#check-status").await.text().await.unwrap();
                assert!(status.contains(all_ok), "{status}");
                if size == "phone" {
                    browser.fits(390).await;
                }
                if size == "laptop" {
                    browser
                        .client
                        .execute("window.scrollTo(0, 0)", vec![])
                        .await
                        .unwrap();
                    browser.shot(&format!("{name}-{lang}-{size}-top")).await;
                }
                scroll_to_verdict(&browser).await;
                browser.shot(&format!("{name}-{lang}-{size}")).await;
            }
            browser.client.set_window_size(1280, 900).await.unwrap();
            // The browser's figures are the server's, to the cent and the hash.
            let (server, sheet) = server_figures(&app, contest).await;
            let computed = browser_figures(&browser, &sheet).await;
            // Scores compared as numbers (JavaScript writes 65, serde_json 65.0).
            let scores = |figures: &Value| -> Vec<(Value, Value, Option<f64>)> {
                figures["ranking"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| (r["id"].clone(), r["rank"].clone(), r["score"].as_f64()))
                    .collect()
            };
            assert_eq!(scores(&computed), scores(&server), "{name}");
            assert_eq!(computed["payouts"], server["payouts"], "{name}");
            assert_eq!(computed["hash"], server["hash"], "{name}");
            assert_eq!(
                computed["fallback"], server["hash"],
                "{name}: the fallback SHA-256"
            );
            assert_eq!(computed["canonical"], json!(true), "{name}");
            if name == "split" {
                let cents: Vec<&Value> = server["payouts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| &p["cents"])
                    .collect();
                assert_eq!(cents, [&json!(233_334), &json!(233_333), &json!(233_333)]);
            }
        }

        // A tampered score sheet: one score changed on its way to the browser.
        browser.goto(&format!("/contests/{tie}/results")).await;
        browser
            .client
            .execute(
                "const real = window.fetch; window.fetch = (url, options) => real(url, options).then(r => \
                 String(url).includes('scoresheet') ? r.text().then(t => new Response(t.replace('\"impact\":8', '\"impact\":5'))) : r);",
                vec![],
            )
            .await
            .unwrap();
        let (verdict, items) = press_check(&browser).await;
        assert_eq!(verdict, "wrong", "{items:?}");
        let failed: Vec<&str> = items
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(failed, ["sheet_hash", "ranking", "payouts"], "{items:?}");
        let status = browser.find("#check-status").await.text().await.unwrap();
        let wrong = if lang == "fr" {
            "ne concorde pas"
        } else {
            "does not match"
        };
        assert!(status.contains(wrong), "{status}");
        scroll_to_verdict(&browser).await;
        browser.shot(&format!("tampered-sheet-{lang}")).await;

        // A page whose figures were changed: the payout shown is not the one computed.
        browser.goto(&format!("/contests/{split}/results")).await;
        browser
            .client
            .execute(
                "document.querySelector('#payouts tbody tr').setAttribute('data-cents', '233335');",
                vec![],
            )
            .await
            .unwrap();
        let (verdict, items) = press_check(&browser).await;
        assert_eq!(verdict, "wrong", "{items:?}");
        let failed: Vec<&str> = items
            .iter()
            .filter(|(_, ok)| !ok)
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(failed, ["payouts"], "{items:?}");
        scroll_to_verdict(&browser).await;
        browser.shot(&format!("tampered-page-{lang}")).await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
