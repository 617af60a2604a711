//! The judging structure of issue 20 through the API: a contest with two earlier rounds before
//! the final one, two tracks with their own prizes, the median, and a panel for one track; the
//! scheduler closes each round by itself, every author hears whether their idea advanced, and
//! the published score sheet recomputes advancement, ranking and payouts (`concours verify`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use concours::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, admin, fund, juror};

both_backends!(
    three_rounds_two_tracks_run_by_the_scheduler_and_verify,
    the_structure_is_validated_with_every_error_at_once,
    an_idea_names_its_track_and_the_track_is_in_its_receipt,
    when_nobody_advances_the_pool_is_still_paid,
    a_disqualification_or_a_conflict_after_a_round_leaves_the_outcome_verifiable,
    a_panel_whose_track_was_edited_away_holds_the_opening,
);

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn criterion(key: &str) -> Value {
    json!([{"key": key, "label": key, "weight": 1, "max": 10}])
}

/// Rules with two tracks, the median, and two rounds before the final: `open` (the best 4 and
/// those tied with the 4th) ending 12 days after now, `short` (the best of each track) ending
/// after 14; submissions close after 10 days, judging after 20.
fn structured_rules(app: &TestApp) -> Value {
    let now = app.clock.now();
    let day = |d| at(now + Duration::days(d));
    json!({
        "opens_at": day(1),
        "submission_deadline": day(10),
        "judging_deadline": day(20),
        "criteria": criterion("impact"),
        "currency": "EUR",
        "prizes": [{"label": "Grand prize", "amount_cents": 100_000}],
        "minimum_score": 50,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1,
        "aggregation": "median",
        "tracks": [
            {"key": "pack", "label": "Packaging", "prizes": [{"label": "Best packaging", "amount_cents": 30_000}]},
            {"key": "ship", "label": "Shipping", "prizes": [{"label": "Best shipping", "amount_cents": 20_000}]}
        ],
        "rounds": [
            {"key": "open", "label": "Open call", "ends_at": day(12), "criteria": criterion("promise"),
             "advance": {"top": 4}},
            {"key": "short", "label": "Shortlist", "ends_at": day(14), "criteria": criterion("fit"),
             "advance": {"top": 1, "per_track": true}}
        ]
    })
}

/// The ideas: (author email, name, title, track).
const IDEAS: [(&str, &str, &str, &str); 6] = [
    ("ann@example.org", "Ann", "A1", "pack"),
    ("bob@example.org", "Bob", "A2", "pack"),
    ("cat@example.org", "Cat", "A3", "pack"),
    ("dan@example.org", "Dan", "S1", "ship"),
    ("eve@example.org", "Eve", "S2", "ship"),
    ("fay@example.org", "Fay", "S3", "ship"),
];

struct Contest {
    owner: String,
    id: String,
    /// j1 and j2 score every entry, j3 the shipping panel only.
    jurors: Vec<String>,
    /// Idea id by title.
    ideas: HashMap<String, String>,
}

/// A draft of Acme's with these rules, funded in full: its id.
async fn funded(app: &TestApp, owner: &str, org: &str, admin: &str, rules: Value) -> String {
    let contest = app
        .post(
            "/api/v1/contests",
            Some(owner),
            json!({"organization_id": org, "title": "Greener packaging", "brief": "Ideas.", "rules": rules}),
        )
        .await
        .expect(201)
        .json();
    let id = contest["id"].as_str().unwrap().to_owned();
    let pool = contest["prize_pool_cents"].as_i64().unwrap();
    fund(app, owner, admin, &id, pool).await;
    id
}

/// The contest opened with three jurors (the third on the shipping panel), the six ideas
/// submitted, and judging started.
async fn in_judging(app: &TestApp, rules: Value) -> Contest {
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let org = app.organization(&owner, "Acme").await;
    let admin = admin(app).await;
    let id = funded(app, &owner, &org, &admin, rules).await;
    let jurors_path = format!("/api/v1/contests/{id}/jurors");
    for (email, track) in [
        ("j1@jury.example", None),
        ("j2@jury.example", None),
        ("j3@jury.example", Some("ship")),
    ] {
        let invited = app
            .post(
                &jurors_path,
                Some(&owner),
                json!({"email": email, "track": track}),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(invited["track"], json!(track));
    }
    // A panel names one of the rules' tracks.
    app.post(
        &jurors_path,
        Some(&owner),
        json!({"email": "j4@jury.example", "track": "logistics"}),
    )
    .await
    .expect_error(422, "validation_failed");
    app.post(
        &format!("/api/v1/contests/{id}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    let mut jurors = Vec::new();
    for (i, email) in ["j1@jury.example", "j2@jury.example", "j3@jury.example"]
        .iter()
        .enumerate()
    {
        jurors.push(juror(app, email, &format!("Juror {}", i + 1)).await);
    }
    app.advance(Duration::days(1));
    app.scheduler.tick().await.unwrap();
    let mut ideas = HashMap::new();
    for (email, name, title, track) in IDEAS {
        let author = app.person(email, name).await.token;
        let idea = app
            .post(
                &format!("/api/v1/contests/{id}/ideas"),
                Some(&author),
                json!({"title": title, "summary": "s", "body": "b", "accept_terms": true, "track": track}),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(idea["track"], track);
        ideas.insert(title.to_owned(), idea["id"].as_str().unwrap().to_owned());
    }
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    // Sessions last hours: everyone signs in again.
    let owner = app.login("owner@acme.example").await;
    let mut fresh = Vec::new();
    for email in ["j1@jury.example", "j2@jury.example", "j3@jury.example"] {
        fresh.push(app.login(email).await);
    }
    Contest {
        owner,
        id,
        jurors: fresh,
        ideas,
    }
}

/// Time passes by `by`, the scheduler ticks, and everyone signs in again (sessions last hours).
async fn later(app: &TestApp, c: &mut Contest, by: Duration) {
    app.advance(by);
    app.scheduler.tick().await.unwrap();
    c.owner = app.login("owner@acme.example").await;
    for (i, email) in ["j1@jury.example", "j2@jury.example", "j3@jury.example"]
        .iter()
        .enumerate()
    {
        c.jurors[i] = app.login(email).await;
    }
}

/// A juror's list: (title → entry id), the round's key, the criteria's keys.
async fn list_of(app: &TestApp, contest: &str, juror: &str) -> (HashMap<String, String>, Value) {
    let list = app
        .get(
            &format!("/api/v1/contests/{contest}/jury/entries"),
            Some(juror),
        )
        .await
        .expect(200)
        .json();
    let entries = (list["entries"].as_array().unwrap().iter())
        .map(|e| {
            (
                e["title"].as_str().unwrap().to_owned(),
                e["entry_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (entries, list)
}

/// Each juror scores `criterion` of the listed titles with their value, where they can.
async fn score(app: &TestApp, c: &Contest, criterion: &str, scores: &[(&str, [u32; 3])]) {
    for (j, juror) in c.jurors.iter().enumerate() {
        let (entries, _) = list_of(app, &c.id, juror).await;
        for (title, values) in scores {
            let Some(entry) = entries.get(*title) else {
                continue;
            };
            app.request(
                Method::PUT,
                &format!("/api/v1/contests/{}/jury/entries/{entry}/scores", c.id),
                Some(juror),
                Some(json!({"scores": {criterion: values[j]}})),
            )
            .await
            .expect(200);
        }
    }
}

fn titles(list: &HashMap<String, String>) -> Vec<&str> {
    let mut titles: Vec<&str> = list.keys().map(String::as_str).collect();
    titles.sort_unstable();
    titles
}

async fn three_rounds_two_tracks_run_by_the_scheduler_and_verify(app: &TestApp) {
    let mut c = in_judging(app, structured_rules(app)).await;
    let path = format!("/api/v1/contests/{}", c.id);
    let contest = app.get(&path, None).await.expect(200).json();
    assert_eq!(contest["phase"], "judging");
    assert_eq!(contest["round"]["key"], "open");
    assert_eq!(contest["round"]["label"], "Open call");

    // Round 1: every entry, its own criterion; the shipping panel sees shipping only.
    let (all, list) = list_of(app, &c.id, &c.jurors[0]).await;
    assert_eq!(titles(&all), ["A1", "A2", "A3", "S1", "S2", "S3"]);
    assert_eq!(list["round"]["key"], "open");
    assert_eq!(list["criteria"][0]["key"], "promise");
    let (panel, _) = list_of(app, &c.id, &c.jurors[2]).await;
    assert_eq!(titles(&panel), ["S1", "S2", "S3"]);
    // The juror's list of contests names the round and its end.
    let seats = crate::helpers::text_of(
        &crate::helpers::signed_in(app, &c.jurors[0]),
        app,
        "/me/juries",
    )
    .await;
    assert!(seats.contains("Open call, until"), "{seats}");
    // A packaging entry is not on the shipping panel's list: the same 404 as no entry.
    app.request(
        Method::PUT,
        &format!("{path}/jury/entries/{}/scores", all["A1"]),
        Some(&c.jurors[2]),
        Some(json!({"scores": {"promise": 10}})),
    )
    .await
    .expect_error(404, "not_found");
    // The final round's criteria are not this round's.
    app.request(
        Method::PUT,
        &format!("{path}/jury/entries/{}/scores", all["A1"]),
        Some(&c.jurors[0]),
        Some(json!({"scores": {"impact": 10}})),
    )
    .await
    .expect_error(422, "validation_failed");
    // Medians: A1 9, A2 (6, 8) 7, A3 2, S1 7, S2 (3, 5, 9) 5, S3 (5, 5, 10) 5: the best four
    // are A1, A2, S1 and S2, and S3 is tied with the fourth: five advance, A3 does not.
    score(
        app,
        &c,
        "promise",
        &[
            ("A1", [9, 9, 0]),
            ("A2", [8, 6, 0]),
            ("A3", [2, 2, 0]),
            ("S1", [7, 7, 7]),
            ("S2", [5, 9, 3]),
            ("S3", [5, 5, 10]),
        ],
    )
    .await;
    let rounds = app
        .get(&format!("{path}/rounds"), None)
        .await
        .expect(200)
        .json();
    let statuses: Vec<&str> = (rounds["rounds"].as_array().unwrap().iter())
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["judging", "pending", "pending"]);
    assert_eq!(rounds["rounds"][2]["key"], "final");

    // The round's end: its sheets are frozen at once, even before the scheduler closes it.
    app.advance(Duration::days(2) + Duration::hours(1));
    c.jurors[0] = app.login("j1@jury.example").await;
    app.request(
        Method::PUT,
        &format!("{path}/jury/entries/{}/scores", all["A3"]),
        Some(&c.jurors[0]),
        Some(json!({"scores": {"promise": 10}})),
    )
    .await
    .expect_error(409, "judging_closed");
    later(app, &mut c, Duration::zero()).await;
    let rounds = app
        .get(&format!("{path}/rounds"), None)
        .await
        .expect(200)
        .json();
    let open = &rounds["rounds"][0];
    assert_eq!(open["status"], "closed");
    assert_eq!(open["entrants"], 6);
    let mut advanced: Vec<&str> = (open["advanced"].as_array().unwrap().iter())
        .map(|id| id.as_str().unwrap())
        .collect();
    advanced.sort_unstable();
    let mut expected: Vec<&str> = ["A1", "A2", "S1", "S2", "S3"]
        .iter()
        .map(|t| c.ideas[*t].as_str())
        .collect();
    expected.sort_unstable();
    assert_eq!(advanced, expected);
    assert_eq!(rounds["rounds"][1]["status"], "judging");
    // A second tick closes nothing again.
    app.scheduler.tick().await.unwrap();
    // Every author hears, once, in their language, whether their idea advanced.
    app.deliver_mail().await;
    let told = |mails: Vec<concours::mail::SentMail>, subject: &str| {
        mails
            .iter()
            .filter(|m| m.subject.starts_with(subject))
            .count()
    };
    assert_eq!(
        told(app.mail_to("ann@example.org").await, "Your idea advances"),
        1
    );
    assert_eq!(
        told(
            app.mail_to("cat@example.org").await,
            "Your idea does not advance"
        ),
        1
    );
    assert_eq!(
        told(app.mail_to("cat@example.org").await, "Your idea advances"),
        0
    );
    assert_eq!(
        told(
            app.mail_to("owner@acme.example").await,
            "The round “Open call” has closed"
        ),
        1
    );
    assert_eq!(
        told(
            app.mail_to("j3@jury.example").await,
            "The round “Open call” has closed"
        ),
        1
    );
    let audit = app
        .get(&format!("{path}/audit"), None)
        .await
        .expect(200)
        .json();
    let closes: Vec<&Value> = (audit["events"].as_array().unwrap().iter())
        .filter(|e| e["kind"] == "round_closed")
        .collect();
    assert_eq!(closes.len(), 1, "{audit}");
    assert_eq!(closes[0]["data"]["advanced"], 5);
    assert_eq!(closes[0]["data"]["round"], "open");

    // Round 2: only the advanced entries, the round's own criterion.
    let contest = app.get(&path, None).await.json();
    assert_eq!(contest["round"]["key"], "short");
    let (all, list) = list_of(app, &c.id, &c.jurors[1]).await;
    assert_eq!(titles(&all), ["A1", "A2", "S1", "S2", "S3"]);
    assert_eq!(list["criteria"][0]["key"], "fit");
    let (panel, _) = list_of(app, &c.id, &c.jurors[2]).await;
    assert_eq!(titles(&panel), ["S1", "S2", "S3"]);
    // The best of each track goes on: A2 (8) for packaging, S1 (9) for shipping.
    score(
        app,
        &c,
        "fit",
        &[
            ("A1", [6, 6, 0]),
            ("A2", [8, 8, 0]),
            ("S1", [9, 9, 9]),
            ("S2", [4, 4, 4]),
            ("S3", [2, 2, 2]),
        ],
    )
    .await;
    // An early award is refused while an earlier round is judged.
    app.post(&format!("{path}/award"), Some(&c.owner), json!({}))
        .await
        .expect_error(409, "invalid_phase");
    later(app, &mut c, Duration::days(2)).await;
    let (finalists, list) = list_of(app, &c.id, &c.jurors[0]).await;
    assert_eq!(titles(&finalists), ["A2", "S1"]);
    assert_eq!(list["round"]["key"], "final");
    assert_eq!(list["criteria"][0]["key"], "impact");
    // A2 scores 3 in the final (under the minimum of 50), S1 9.
    score(app, &c, "impact", &[("A2", [3, 3, 0]), ("S1", [9, 9, 9])]).await;

    // The judging deadline: the scheduler awards.
    later(app, &mut c, Duration::days(6)).await;
    let results = app
        .get(&format!("{path}/results"), None)
        .await
        .expect(200)
        .json();
    let rows: Vec<(&str, &str, &str)> = (results["ranking"].as_array().unwrap().iter())
        .map(|r| {
            (
                r["title"].as_str().unwrap(),
                r["round_reached"].as_str().unwrap(),
                r["track"].as_str().unwrap(),
            )
        })
        .collect();
    // Finalists by the final round, then the shortlist by its scores, then the open call.
    assert_eq!(
        rows,
        [
            ("S1", "final", "ship"),
            ("A2", "final", "pack"),
            ("A1", "short", "pack"),
            ("S2", "short", "ship"),
            ("S3", "short", "ship"),
            ("A3", "open", "pack"),
        ]
    );
    let title_of: HashMap<&str, &str> = c
        .ideas
        .iter()
        .map(|(title, id)| (id.as_str(), title.as_str()))
        .collect();
    let paid: Vec<(&str, i64, &str, Option<&str>)> = (results["payouts"].as_array().unwrap())
        .iter()
        .map(|p| {
            (
                title_of[p["entry_id"].as_str().unwrap()],
                p["amount_cents"].as_i64().unwrap(),
                p["reason"].as_str().unwrap(),
                p["track"].as_str(),
            )
        })
        .collect();
    // S1 wins the grand prize on merit; nobody reaches the minimum in packaging (A2 scored
    // 30): its prize goes to the best of the track by the fallback; shipping's to the best of
    // its entries that won nothing.
    assert_eq!(
        paid,
        [
            ("S1", 100_000, "prize", None),
            ("A2", 30_000, "fallback", Some("pack")),
            ("S2", 20_000, "fallback", Some("ship")),
        ]
    );
    assert_eq!(results["total_paid_cents"], 150_000);

    // Anyone recomputes it all from the published score sheet.
    let sheet = app
        .get(&format!("{path}/scoresheet"), None)
        .await
        .expect(200)
        .text;
    let parsed: Value = serde_json::from_str(&sheet).unwrap();
    let keys: Vec<&String> = parsed.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "contest_id",
            "entries",
            "jurors",
            "rounds",
            "rules",
            "rules_hash"
        ]
    );
    assert_eq!(parsed["rounds"][0]["entrants"].as_array().unwrap().len(), 6);
    assert_eq!(parsed["rounds"][1]["entrants"].as_array().unwrap().len(), 5);
    assert_eq!(
        concours::app::award::verify(&sheet, &results).unwrap(),
        Vec::<String>::new()
    );
    let mut forged = results.clone();
    forged["ranking"][2]["round_reached"] = json!("final");
    assert!(
        !concours::app::award::verify(&sheet, &forged)
            .unwrap()
            .is_empty()
    );
    app.assert_verified_by_the_cli(&path);
}

async fn the_structure_is_validated_with_every_error_at_once(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let org = app.organization(&owner, "Acme").await;
    let mut rules = structured_rules(app);
    rules["aggregation"] = json!("average");
    rules["tracks"] = json!([{"key": "pack", "label": "Packaging", "prizes": []}]);
    rules["rounds"][0]["key"] = json!("final");
    rules["rounds"][1]["ends_at"] = rules["rounds"][0]["ends_at"].clone();
    rules["rounds"][0]["advance"] = json!({"top": 3, "min_score": 50});
    let answer = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "T", "brief": "B", "rules": rules}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    let mut paths: Vec<&str> = (answer["error"]["fields"].as_array().unwrap().iter())
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "rules.aggregation",
            "rules.rounds[0].advance",
            "rules.rounds[0].key",
            // The tracks being invalid, advancing per track has none to work in.
            "rules.rounds[1].advance.per_track",
            "rules.rounds[1].ends_at",
            "rules.tracks",
        ],
        "{answer}"
    );
    // Without the new keys the rules document is as it always was: no key appears.
    let plain = crate::helpers::rules(app);
    let created = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "T", "brief": "B", "rules": plain}),
        )
        .await
        .expect(201)
        .json();
    let id = created["id"].as_str().unwrap();
    let document = app.get(&format!("/api/v1/contests/{id}/rules"), None).await;
    let text = document.text;
    for key in ["\"aggregation\"", "\"tracks\"", "\"rounds\""] {
        assert!(!text.contains(key), "{text}");
    }
    assert_eq!(created["round"], Value::Null);
}

async fn an_idea_names_its_track_and_the_track_is_in_its_receipt(app: &TestApp) {
    let mut rules = structured_rules(app);
    rules.as_object_mut().unwrap().remove("rounds");
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let org = app.organization(&owner, "Acme").await;
    let admin = admin(app).await;
    let id = funded(app, &owner, &org, &admin, rules).await;
    // A second contest, without tracks, opening at the same time.
    let plain = funded(app, &owner, &org, &admin, crate::helpers::rules(app)).await;
    for contest in [&id, &plain] {
        crate::helpers::invite_juror(app, &owner, contest, "j1@jury.example").await;
        app.post(
            &format!("/api/v1/contests/{contest}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(200);
    }
    app.advance(Duration::days(1));
    let author = app.person("ann@example.org", "Ann").await.token;
    let ideas = format!("/api/v1/contests/{id}/ideas");
    // Submitting needs a track, one of the rules' (every problem at once).
    for track in [json!(null), json!("logistics")] {
        let answer = app
            .post(
                &ideas,
                Some(&author),
                json!({"title": "T", "summary": "", "body": "b", "accept_terms": true, "track": track}),
            )
            .await
            .expect_error(422, "validation_failed")
            .json();
        let paths: Vec<&str> = (answer["error"]["fields"].as_array().unwrap().iter())
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths, ["summary", "track"], "{answer}");
    }
    // A draft may leave it out.
    let draft = app
        .post(
            &ideas,
            Some(&author),
            json!({"title": "Draft", "draft": true}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(draft["track"], Value::Null);
    let idea = app
        .post(
            &ideas,
            Some(&author),
            json!({"title": "Refills", "summary": "s", "body": "b", "accept_terms": true, "track": "pack"}),
        )
        .await
        .expect(201)
        .json();
    let idea_id = idea["id"].as_str().unwrap();
    let first = idea["receipt"]["sha256"].as_str().unwrap().to_owned();
    assert_eq!(
        first,
        concours::domain::ideas::receipt_digest("Refills", "s", "b", &[], Some("pack"))
    );
    // Moving it to another track while submissions are open is a new receipt.
    let moved = app
        .request(
            Method::PUT,
            &format!("/api/v1/ideas/{idea_id}"),
            Some(&author),
            Some(json!({"title": "Refills", "summary": "s", "body": "b", "track": "ship"})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(moved["track"], "ship");
    assert_ne!(moved["receipt"]["sha256"], json!(first));
    assert_eq!(moved["receipt"]["revision"], 2);
    // Left out of an edit, the track stays.
    let kept = app
        .request(
            Method::PUT,
            &format!("/api/v1/ideas/{idea_id}"),
            Some(&author),
            Some(json!({"title": "Refills!", "summary": "s", "body": "b"})),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(kept["track"], "ship");
    // A contest without tracks refuses one.
    let answer = app
        .post(
            &format!("/api/v1/contests/{plain}/ideas"),
            Some(&author),
            json!({"title": "T", "summary": "s", "body": "b", "accept_terms": true, "track": "pack"}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    assert_eq!(answer["error"]["fields"][0]["path"], "track", "{answer}");
}

async fn when_nobody_advances_the_pool_is_still_paid(app: &TestApp) {
    let mut rules = structured_rules(app);
    // Nobody can reach 100 in the open call: nobody advances.
    rules["rounds"][0]["advance"] = json!({"min_score": 100});
    let mut c = in_judging(app, rules).await;
    let path = format!("/api/v1/contests/{}", c.id);
    score(app, &c, "promise", &[("A1", [9, 9, 0]), ("S1", [5, 5, 5])]).await;
    // A day before the open call ends, the jurors with entries left in it are reminded, once,
    // with the round's end.
    later(app, &mut c, Duration::days(1) + Duration::hours(1)).await;
    app.scheduler.tick().await.unwrap();
    app.deliver_mail().await;
    let reminders: Vec<concours::mail::SentMail> = (app.mail_to("j3@jury.example").await)
        .into_iter()
        .filter(|m| m.subject.starts_with("Entries are waiting for your scores"))
        .collect();
    assert_eq!(reminders.len(), 1);
    assert!(
        reminders[0].text.contains("The round “Open call” ends"),
        "{}",
        reminders[0].text
    );
    later(app, &mut c, Duration::days(2)).await;
    let rounds = app
        .get(&format!("{path}/rounds"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(rounds["rounds"][0]["advanced"], json!([]));
    // The next rounds have nobody to judge.
    let (list, _) = list_of(app, &c.id, &c.jurors[0]).await;
    assert!(list.is_empty());
    later(app, &mut c, Duration::days(10)).await;
    let results = app
        .get(&format!("{path}/results"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(results["total_paid_cents"], 150_000);
    // Everyone reached the open call only; the best of it take the prizes by the fallback.
    assert!((results["ranking"].as_array().unwrap().iter()).all(|r| r["round_reached"] == "open"));
    assert_eq!(
        results["payouts"][0]["entry_id"].as_str(),
        Some(c.ideas["A1"].as_str())
    );
    let sheet = app
        .get(&format!("{path}/scoresheet"), None)
        .await
        .expect(200)
        .text;
    assert_eq!(
        concours::app::award::verify(&sheet, &results).unwrap(),
        Vec::<String>::new()
    );
}

/// The attacks of a brand or a juror on a round already closed: disqualifying an entry that
/// advanced must not pull in the next one, a conflict declared later must not rewrite the
/// round's sheets, and a juror cannot reach an entry of another round; the published outcome
/// still recomputes.
async fn a_disqualification_or_a_conflict_after_a_round_leaves_the_outcome_verifiable(
    app: &TestApp,
) {
    let mut c = in_judging(app, structured_rules(app)).await;
    let path = format!("/api/v1/contests/{}", c.id);
    score(
        app,
        &c,
        "promise",
        &[
            ("A1", [9, 9, 0]),
            ("A2", [8, 6, 0]),
            ("A3", [2, 2, 0]),
            ("S1", [7, 7, 7]),
            ("S2", [5, 9, 3]),
            ("S3", [5, 5, 10]),
        ],
    )
    .await;
    let (round_one, _) = list_of(app, &c.id, &c.jurors[0]).await;
    later(app, &mut c, Duration::days(2) + Duration::hours(1)).await;
    // A3 did not advance: its entry id now answers like one that does not exist.
    app.request(
        Method::PUT,
        &format!("{path}/jury/entries/{}/scores", round_one["A3"]),
        Some(&c.jurors[0]),
        Some(json!({"scores": {"fit": 10}})),
    )
    .await
    .expect_error(404, "not_found");
    // j1 declares a conflict with A1 now: A1 leaves j1's list; j1's open-call sheet stays.
    app.post(
        &format!("{path}/jury/entries/{}/conflict", round_one["A1"]),
        Some(&c.jurors[0]),
        json!({"reason": "A former colleague."}),
    )
    .await
    .expect(200);
    let (list, _) = list_of(app, &c.id, &c.jurors[0]).await;
    assert_eq!(titles(&list), ["A2", "S1", "S2", "S3"]);
    // The brand disqualifies S1, who advanced: nobody takes its place.
    app.post(
        &format!("/api/v1/ideas/{}/disqualify", c.ideas["S1"]),
        Some(&c.owner),
        json!({"reason": "Copied."}),
    )
    .await
    .expect(200);
    let (list, _) = list_of(app, &c.id, &c.jurors[1]).await;
    assert_eq!(titles(&list), ["A1", "A2", "S2", "S3"]);
    score(
        app,
        &c,
        "fit",
        &[
            ("A1", [0, 6, 0]),
            ("A2", [8, 8, 0]),
            ("S2", [4, 4, 4]),
            ("S3", [2, 2, 2]),
        ],
    )
    .await;
    later(app, &mut c, Duration::days(2)).await;
    let (finalists, _) = list_of(app, &c.id, &c.jurors[1]).await;
    assert_eq!(titles(&finalists), ["A2", "S2"]);
    score(app, &c, "impact", &[("A2", [9, 9, 0]), ("S2", [7, 7, 7])]).await;
    later(app, &mut c, Duration::days(6)).await;
    let results = app
        .get(&format!("{path}/results"), None)
        .await
        .expect(200)
        .json();
    let sheet = app
        .get(&format!("{path}/scoresheet"), None)
        .await
        .expect(200)
        .text;
    let parsed: Value = serde_json::from_str(&sheet).unwrap();
    // The open call's record keeps S1 (its sheets decided who advanced); the shortlist, which
    // closed after the disqualification, and the entries at the award do not.
    let ids = |list: &Value| -> Vec<String> {
        (list.as_array().unwrap().iter())
            .map(|e| e["entry_id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(ids(&parsed["rounds"][0]["entrants"]).contains(&c.ideas["S1"]));
    assert!(!ids(&parsed["rounds"][1]["entrants"]).contains(&c.ideas["S1"]));
    assert!(!ids(&parsed["entries"]).contains(&c.ideas["S1"]));
    assert_eq!(
        concours::app::award::verify(&sheet, &results).unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(results["total_paid_cents"], 150_000);
}

/// A juror invited to a track's panel, then the track renamed in the draft: the contest does
/// not open with a juror who would have nothing to score, and says why.
async fn a_panel_whose_track_was_edited_away_holds_the_opening(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let org = app.organization(&owner, "Acme").await;
    let admin = admin(app).await;
    let mut rules = structured_rules(app);
    let id = funded(app, &owner, &org, &admin, rules.clone()).await;
    let path = format!("/api/v1/contests/{id}");
    app.post(
        &format!("{path}/jurors"),
        Some(&owner),
        json!({"email": "j1@jury.example", "track": "ship"}),
    )
    .await
    .expect(201);
    rules["tracks"][1]["key"] = json!("logistics");
    app.request(
        Method::PATCH,
        &path,
        Some(&owner),
        Some(json!({"rules": rules})),
    )
    .await
    .expect(200);
    let refused = app
        .post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect_error(422, "validation_failed")
        .json();
    let field = &refused["error"]["fields"][0];
    assert_eq!(field["path"], "rules.tracks", "{refused}");
    assert!(
        field["message"]
            .as_str()
            .unwrap()
            .contains("j1@jury.example"),
        "{refused}"
    );
    // Back to a track the rules have: it opens.
    rules["tracks"][1]["key"] = json!("ship");
    app.request(
        Method::PATCH,
        &path,
        Some(&owner),
        Some(json!({"rules": rules})),
    )
    .await
    .expect(200);
    app.post(&format!("{path}/open"), Some(&owner), json!({}))
        .await
        .expect(200);
}
