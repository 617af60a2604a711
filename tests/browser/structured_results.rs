//! The results page of a contest with a judging structure (issue 20): three tracks (one left
//! without entries), a shortlist round advancing the top idea of each track (ties too), and
//! the median of three jurors. The page lists the winners per track, each entry's track and
//! the round it reached; "Check these results" (assets/check.js) recomputes advancement, the
//! ranking and the payouts from the score sheet exactly as the server does, and a row whose
//! track was changed shows a cross. In English and French, on a laptop and a phone.

use chrono::Duration;
use serde_json::{Value, json};

use crate::calls::{api, at, login, person, post};
use crate::checking::press_check;
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_results_check_themselves_sqlite() {
    structured(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_results_check_themselves_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    structured(Backend::Postgres).await;
}

const OWNER: &str = "owner@acme.example";
const ADMIN: &str = "admin@concours.example";
const JURORS: [&str; 3] = ["jo@jury.example", "kim@jury.example", "lou@jury.example"];

/// Title, author, track; the three jurors' shortlist `promise` (/10), and their final
/// (impact /10, feasibility /5).
type Idea = (
    &'static str,
    &'static str,
    &'static str,
    [u32; 3],
    [(u32, u32); 3],
);

/// Shortlist (median of promise × 10): Refill 80 and Edible 80 tie at the top of packaging
/// (by the mean, Edible alone would advance), Paper tape 60 stays; Cargo bikes 70 advances in
/// transport, Night deliveries 60 stays. Final (median): Refill 87.5 takes the overall prize,
/// Cargo bikes 72.5 transport's; Edible 55 (mean 65) is under 60 and takes packaging's by the
/// fallback; refill's prize goes to the beneficiary.
const IDEAS: [Idea; 5] = [
    (
        "Refill stations",
        "ann@example.org",
        "packaging",
        [9, 8, 2],
        [(10, 5), (9, 4), (2, 1)],
    ),
    (
        "Edible wrapping",
        "bob@example.org",
        "packaging",
        [8, 8, 9],
        [(5, 2), (6, 2), (9, 5)],
    ),
    (
        "Paper tape",
        "cat@example.org",
        "packaging",
        [5, 6, 7],
        [(0, 0); 3],
    ),
    (
        "Cargo bikes",
        "dan@example.org",
        "transport",
        [7, 7, 7],
        [(8, 4), (7, 4), (6, 3)],
    ),
    (
        "Night deliveries",
        "eve@example.org",
        "transport",
        [6, 9, 1],
        [(0, 0); 3],
    ),
];

fn rules(app: &TestApp) -> Value {
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
        "prizes": [{"label": "Gold", "amount_cents": 100_000}],
        "aggregation": "median",
        "tracks": [
            {"key": "packaging", "label": "Packaging",
             "prizes": [{"label": "Best packaging", "amount_cents": 50_000}]},
            {"key": "transport", "label": "Transport",
             "prizes": [{"label": "Best transport", "amount_cents": 30_000}]},
            {"key": "refill", "label": "Refill",
             "prizes": [{"label": "Best refill", "amount_cents": 20_000}]}
        ],
        "rounds": [{
            "key": "shortlist", "label": "Shortlist", "ends_at": at(now + Duration::days(15)),
            "criteria": [{"key": "promise", "label": "Promise", "weight": 1, "max": 10}],
            "advance": {"top": 1, "per_track": true}
        }],
        "minimum_score": 60,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1
    })
}

/// Every juror scores the current round's entries: `scores(idea, juror)` gives the body.
async fn score_round(app: &TestApp, path: &str, scores: impl Fn(&Idea, usize) -> Value) {
    for (j, juror) in JURORS.iter().enumerate() {
        let token = login(app, juror).await;
        let list_path = format!("{path}/jury/entries");
        let get = reqwest::Method::GET;
        let list = api(app, get, &list_path, Some(&token), Value::Null, 200).await;
        for entry in list["entries"].as_array().unwrap() {
            let title = entry["title"].as_str().unwrap();
            let idea = IDEAS.iter().find(|i| i.0 == title).unwrap();
            let url = format!("{list_path}/{}/scores", entry["entry_id"].as_str().unwrap());
            let body = json!({"scores": scores(idea, j)});
            api(app, reqwest::Method::PUT, &url, Some(&token), body, 200).await;
        }
    }
}

/// The contest, entered, judged over both rounds and awarded at its judging deadline.
async fn awarded(app: &TestApp) -> String {
    let owner = login(app, OWNER).await;
    let body = json!({"name": "Acme Packaging"});
    let organization = post(app, "/api/v1/organizations", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"organization_id": organization, "title": "Greener shops",
                      "brief": "Ideas for **less plastic**.", "rules": rules(app)});
    let contest = post(app, "/api/v1/contests", Some(&owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/contests/{contest}");
    let body = json!({"amount_cents": 200_000, "reference": "TRANSFER-1"});
    let funding = post(app, &format!("{path}/fundings"), Some(&owner), body, 201).await;
    let confirm = format!(
        "/api/v1/admin/fundings/{}/confirm",
        funding["id"].as_str().unwrap()
    );
    let admin = login(app, ADMIN).await;
    post(app, &confirm, Some(&admin), json!({}), 200).await;
    for juror in JURORS {
        let body = json!({"email": juror});
        post(app, &format!("{path}/jurors"), Some(&owner), body, 201).await;
    }
    post(app, &format!("{path}/open"), Some(&owner), json!({}), 200).await;
    for juror in JURORS {
        let invitation = app.link_in_mail(juror, "/jury-invitations/").await;
        let invitation = invitation.rsplit('/').next().unwrap().to_owned();
        let accept = format!("/api/v1/jury-invitations/{invitation}/accept");
        post(app, &accept, Some(&login(app, juror).await), json!({}), 200).await;
    }
    app.advance(Duration::days(1));
    app.tick().await;
    for (title, email, track, ..) in IDEAS {
        let body = json!({"title": title, "summary": "s", "body": "b", "accept_terms": true,
                          "track": track});
        let token = login(app, email).await;
        post(app, &format!("{path}/ideas"), Some(&token), body, 201).await;
        app.advance(Duration::minutes(1));
    }
    app.advance(Duration::days(9));
    app.tick().await;
    score_round(app, &path, |idea, j| json!({"promise": idea.3[j]})).await;
    app.advance(Duration::days(5));
    app.tick().await;
    let rounds = api(
        app,
        reqwest::Method::GET,
        &format!("{path}/rounds"),
        None,
        Value::Null,
        200,
    )
    .await;
    assert_eq!(rounds["rounds"][0]["status"], "closed", "{rounds}");
    assert_eq!(
        rounds["rounds"][0]["advanced"].as_array().map(Vec::len),
        Some(3),
        "{rounds}"
    );
    score_round(
        app,
        &path,
        |idea, j| json!({"impact": idea.4[j].0, "feasibility": idea.4[j].1}),
    )
    .await;
    app.advance(Duration::days(5));
    app.tick().await;
    contest
}

fn failed(items: &[(String, bool)]) -> Vec<&str> {
    items
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(k, _)| k.as_str())
        .collect()
}

/// The ranking (id, rank, score, track, round) and payouts (entry, cents, reason, track) as
/// the results API publishes them, and the score sheet.
async fn published(app: &TestApp, contest: &str) -> (Value, String) {
    let path = format!("/api/v1/contests/{contest}");
    let get = reqwest::Method::GET;
    let results = api(app, get, &format!("{path}/results"), None, Value::Null, 200).await;
    let sheet = reqwest::get(format!("{}{path}/scoresheet", app.address))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let figures = json!({
        "ranking": results["ranking"].as_array().unwrap().iter()
            .map(|r| json!([r["entry_id"], r["rank"], r["score"].as_f64(), r["track"], r["round_reached"]]))
            .collect::<Vec<_>>(),
        "payouts": results["payouts"].as_array().unwrap().iter()
            .map(|p| json!([p["entry_id"], p["amount_cents"], p["reason"], p["track"]]))
            .collect::<Vec<_>>(),
    });
    (figures, sheet)
}

/// The server's `compute` of the score sheet, in the same shape.
fn server_compute(sheet: &str) -> Value {
    let computed =
        concours::domain::scoresheet::compute(&serde_json::from_str(sheet).unwrap()).unwrap();
    json!({
        "ranking": computed.ranking.iter()
            .map(|r| json!([r.entry_id, r.rank, r.score, r.track, r.round_reached]))
            .collect::<Vec<_>>(),
        "payouts": computed.payouts.iter()
            .map(|p| json!([p.entry_id, p.amount_cents, p.reason, p.track]))
            .collect::<Vec<_>>(),
    })
}

/// check.js's `compute` of the score sheet, in the same shape.
async fn browser_compute(browser: &Browser, sheet: &str) -> Value {
    browser
        .client
        .execute(
            "const c = window.concoursCheck.compute(JSON.parse(arguments[0])); \
             return {ranking: c.ranking.map(r => [r.id, r.rank, r.score, r.track, r.round]), \
                     payouts: c.payouts.map(p => [p.entry, p.cents, p.reason, p.track])};",
            vec![json!(sheet)],
        )
        .await
        .unwrap()
}

/// The score sheet under other rules (the other aggregations, advancement by a minimum score
/// or over all tracks, the other fallbacks, no overall prize), to compare both computes on.
fn variants(sheet: &str) -> Vec<(&'static str, Value)> {
    let sheet: Value = serde_json::from_str(sheet).unwrap();
    let with = |name: &'static str, change: &dyn Fn(&mut Value)| {
        let mut variant = sheet.clone();
        change(&mut variant);
        (name, variant)
    };
    // Five sheets per entry (one of its sheets twice more), for a trimmed mean that drops some.
    // The sheet is chosen by content (the greatest by its scores' JSON text), not by position:
    // jurors are numbered in an order keyed with the server's secret, different in every run,
    // and the outcomes compared must not depend on it.
    let five = |v: &mut Value| {
        for list in ["/entries", "/rounds/0/entrants"] {
            for entry in v.pointer_mut(list).unwrap().as_array_mut().unwrap() {
                let sheets = entry["sheets"].as_array_mut().unwrap();
                let highest = sheets
                    .iter()
                    .max_by_key(|s| s["scores"].to_string())
                    .cloned();
                if let Some(highest) = highest {
                    sheets.push(highest.clone());
                    sheets.push(highest);
                }
            }
        }
    };
    vec![
        with("mean", &|v| v["rules"]["aggregation"] = json!("mean")),
        with("no aggregation", &|v| {
            v["rules"].as_object_mut().unwrap().remove("aggregation");
        }),
        with("trimmed mean of three", &|v| {
            v["rules"]["aggregation"] = json!("trimmed_mean");
        }),
        with("trimmed mean of five", &|v| {
            v["rules"]["aggregation"] = json!("trimmed_mean");
            five(v);
        }),
        with("median of five", &|v| five(v)),
        with("min_score", &|v| {
            v["rules"]["rounds"][0]["advance"] = json!({"min_score": 65});
        }),
        with("min_score per track", &|v| {
            v["rules"]["rounds"][0]["advance"] = json!({"min_score": 80, "per_track": true});
        }),
        with("top 2 overall", &|v| {
            v["rules"]["rounds"][0]["advance"] = json!({"top": 2});
        }),
        with("split_all", &|v| {
            v["rules"]["fallback"] = json!({"policy": "split_all"});
            v["rules"]["minimum_score"] = json!(90);
        }),
        with("split_top", &|v| {
            v["rules"]["fallback"] = json!({"policy": "split_top", "n": 2});
            v["rules"]["minimum_score"] = json!(75);
        }),
        with("no overall prize", &|v| v["rules"]["prizes"] = json!([])),
    ]
}

/// Scores as numbers (JavaScript writes 87.5 and 60, serde_json 87.5 and 60.0).
fn normalised(figures: &Value) -> Value {
    let mut figures = figures.clone();
    for row in figures["ranking"].as_array_mut().unwrap() {
        row[2] = json!(row[2].as_f64().map(|s| s.to_string()));
    }
    figures
}

async fn structured(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    person(&app, OWNER, "Olive Owner").await;
    person(&app, ADMIN, "Ada Admin").await;
    app.grant_admin(ADMIN);
    for (i, juror) in JURORS.iter().enumerate() {
        person(&app, juror, &format!("Juror {}", i + 1)).await;
    }
    for (i, (_, email, ..)) in IDEAS.iter().enumerate() {
        person(
            &app,
            email,
            &format!("Author {}", ["A", "B", "C", "D", "E"][i]),
        )
        .await;
    }
    let contest = awarded(&app).await;

    // The server's three answers agree: the results it published, its `compute` of the sheet.
    let (server, sheet) = published(&app, &contest).await;
    assert_eq!(normalised(&server), normalised(&server_compute(&sheet)));
    let ids: Vec<&str> = server["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 5, "{server}");
    let payouts: Vec<(Value, Value, Value)> = server["payouts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[1].clone(), p[2].clone(), p[3].clone()))
        .collect();
    assert_eq!(
        payouts,
        [
            (json!(100_000), json!("prize"), json!(null)),
            (json!(50_000), json!("fallback"), json!("packaging")),
            (json!(30_000), json!("prize"), json!("transport")),
            (json!(20_000), json!("no_entries"), json!("refill")),
        ],
        "{server}"
    );
    let rounds: Vec<&str> = server["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[4].as_str().unwrap())
        .collect();
    assert_eq!(
        rounds,
        ["final", "final", "final", "shortlist", "shortlist"]
    );

    let suffix = format!("structured-results-{}", backend.name());
    let mut step = 0;
    let path = format!("/contests/{contest}/results");
    for (lang, accept) in [("en", "en-GB,en"), ("fr", "fr-FR,fr")] {
        let mut browser = Browser::start(&app, accept, &suffix, step).await;
        let texts: [&str; 5] = if lang == "fr" {
            [
                "Prix généraux",
                "Packaging",
                "revient à l’idée suivante de la catégorie, «\u{202f}Edible wrapping\u{202f}»",
                "Aucune idée dans cette catégorie\u{202f}: ses prix, 200,00 EUR, reviennent à The Open Science Fund.",
                "Les finalistes sont classés selon la finale",
            ]
        } else {
            [
                "Overall prizes",
                "Packaging",
                "goes to the track’s next best idea, “Edible wrapping”",
                "No idea in this track: its prizes, 200.00 EUR, go to The Open Science Fund.",
                "Finalists are ranked by the final round",
            ]
        };
        for (width, height, size) in [(1280, 900, "laptop"), (390, 3400, "phone")] {
            browser.client.set_window_size(width, height).await.unwrap();
            browser.goto(&path).await;
            browser.expect(&texts).await;
            let (verdict, items) = press_check(&browser).await;
            assert_eq!(verdict, "ok", "{lang} {size}: {items:?}");
            assert_eq!(items.len(), 7, "{items:?}");
            assert!(failed(&items).is_empty(), "{items:?}");
            if size == "phone" {
                browser.fits(390).await;
            }
            browser
                .client
                .execute("window.scrollTo(0, 0)", vec![])
                .await
                .unwrap();
            browser.shot(&format!("{lang}-{size}-top")).await;
            browser
                .client
                .execute(
                    "document.getElementById('ranking').scrollIntoView({block: 'start'})",
                    vec![],
                )
                .await
                .unwrap();
            browser.shot(&format!("{lang}-{size}-ranking")).await;
            browser
                .client
                .execute(
                    "document.getElementById('check').scrollIntoView({block: 'end'})",
                    vec![],
                )
                .await
                .unwrap();
            browser.shot(&format!("{lang}-{size}-check")).await;
        }
        browser.client.set_window_size(1280, 900).await.unwrap();

        // check.js's compute is the server's, row by row: tracks, rounds, median, payouts.
        let computed = browser_compute(&browser, &sheet).await;
        assert_eq!(normalised(&computed), normalised(&server), "{lang}");
        if lang == "en" {
            // And on the same sheet under other rules: both computes agree on each.
            let mut outcomes = vec![normalised(&server)];
            for (name, variant) in variants(&sheet) {
                let text = variant.to_string();
                let expected = normalised(&server_compute(&text));
                assert_eq!(
                    normalised(&browser_compute(&browser, &text).await),
                    expected,
                    "{name}"
                );
                if !outcomes.contains(&expected) {
                    outcomes.push(expected);
                }
            }
            // The variants do change the outcome: the comparison tells something.
            assert!(outcomes.len() >= 8, "{}", outcomes.len());
        }

        // A forged track on a ranking row, then on a payout row: a cross each time.
        for (css, check) in [
            ("#ranking tbody tr", "ranking"),
            ("#payouts tbody tr", "payouts"),
        ] {
            browser.goto(&path).await;
            browser
                .client
                .execute(
                    &format!(
                        "const tr = document.querySelector('{css}'); \
                         tr.setAttribute('data-track', tr.getAttribute('data-track') === 'transport' ? 'packaging' : 'transport');"
                    ),
                    vec![],
                )
                .await
                .unwrap();
            let (verdict, items) = press_check(&browser).await;
            assert_eq!(verdict, "wrong", "{items:?}");
            assert_eq!(failed(&items), [check], "{items:?}");
        }
        // And a forged round.
        browser.goto(&path).await;
        browser
            .client
            .execute(
                "document.querySelector('#ranking tbody tr:last-child').setAttribute('data-round', 'final');",
                vec![],
            )
            .await
            .unwrap();
        let (verdict, items) = press_check(&browser).await;
        assert_eq!(verdict, "wrong", "{items:?}");
        assert_eq!(failed(&items), ["ranking"], "{items:?}");
        browser
            .client
            .execute(
                "document.getElementById('check').scrollIntoView({block: 'end'})",
                vec![],
            )
            .await
            .unwrap();
        browser.shot(&format!("forged-{lang}")).await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
