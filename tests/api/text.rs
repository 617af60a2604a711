//! Names and text people type (issue 17, finding 10): control and format characters (NUL, ESC,
//! CR/LF where one line belongs, bidirectional overrides and isolates, zero-width characters,
//! the BOM…) are refused with 422 `validation_failed` naming the field, on both backends (a NUL
//! never reaches PostgreSQL); names that impersonate the platform or a deleted account are
//! reserved. Frozen rules are never checked again (the database refuses to change them; the
//! domain tests show that `Rules::parse`, which reads them back, does not check characters).

use diesel::prelude::*;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    Answer, Draft, Opened, PASSWORD, TestApp, admin, draft, fund, invite_juror, judging, opened,
    rules,
};

both_backends!(
    display_and_organisation_names_cannot_hide_characters_or_impersonate_the_platform,
    contest_title_brief_and_rule_labels_refuse_control_and_format_characters,
    idea_texts_refuse_control_and_format_characters,
    jury_comments_and_reasons_refuse_control_and_format_characters,
    announcements_profiles_and_references_refuse_control_and_format_characters,
);

/// The attack's display name: a right-to-left override, a zero-width space and an isolate.
const SPOOF: &str = "Ines\u{202E}\u{200B}\u{2066} Concours Support";

/// Texts that must never pass in a one-line field.
const ONE_LINE_ATTACKS: &[&str] = &[
    "a\u{0}b",
    "a\u{1b}[31mb",
    "a\r\nb",
    "a\nb",
    "Invoice\u{202E}fdp.exe",
    "a\u{200B}b",
    "\u{FEFF}a",
    "a\u{AD}b",
    "a\u{2066}b\u{2069}",
];

/// Texts that must never pass in a multi-line field (line breaks and tabs are fine there).
const MULTI_LINE_ATTACKS: &[&str] = &["a\u{0}b", "a\u{1b}[2Jb", "a\u{202E}b", "a\u{200B}b", "a\rb"];

/// The answer is a 422 `validation_failed` that names `path`.
fn refused(answer: Answer, path: &str, what: &str) {
    assert_eq!(answer.status, 422, "{what}: {}", answer.text);
    let body = answer.json();
    assert_eq!(body["error"]["code"], "validation_failed", "{what}: {body}");
    let named = body["error"]["fields"]
        .as_array()
        .is_some_and(|fields| fields.iter().any(|f| f["path"] == path));
    assert!(named, "{what}: {path} is not named in {body}");
}

async fn register(app: &TestApp, email: &str, name: &str) -> Answer {
    app.post(
        "/api/v1/auth/register",
        None,
        json!({"email": email, "password": PASSWORD, "display_name": name}),
    )
    .await
}

async fn display_and_organisation_names_cannot_hide_characters_or_impersonate_the_platform(
    app: &TestApp,
) {
    let mut names: Vec<&str> = vec![
        SPOOF,
        "Concours",
        "Concours Support",
        "concours   SUPPORT",
        "Concours-Team",
        "The Concours Team",
        "former participant",
        "Former Participant",
        "ancien participant",
    ];
    names.extend(ONE_LINE_ATTACKS);
    for (i, name) in names.iter().enumerate() {
        let answer = register(app, &format!("spoof{i}@example.org"), name).await;
        refused(answer, "display_name", &format!("display name {name:?}"));
    }
    // Ordinary names, in any script, still pass.
    for (i, name) in ["Inès Núñez", "李小龍", "Concours Lépine fan"]
        .iter()
        .enumerate()
    {
        register(app, &format!("fine{i}@example.org"), name)
            .await
            .expect(201);
    }
    let token = app.person("brand@acme.example", "Brand Owner").await.token;
    let mut brands: Vec<&str> = vec![
        SPOOF,
        "Concours",
        "CONCOURS support",
        "Concours Team",
        "Équipe Concours",
        "former participant",
    ];
    brands.extend(ONE_LINE_ATTACKS);
    for brand in brands {
        let answer = app
            .post(
                "/api/v1/organizations",
                Some(&token),
                json!({"name": brand}),
            )
            .await;
        refused(answer, "name", &format!("organisation {brand:?}"));
    }
    app.organization(&token, "Concours Lépine").await;
}

async fn contest_title_brief_and_rule_labels_refuse_control_and_format_characters(app: &TestApp) {
    let Draft {
        owner,
        organization: org,
        contest,
    } = draft(app).await;
    let create = |title: &str, brief: &str, rules: Value| json!({"organization_id": org, "title": title, "brief": brief, "rules": rules});
    for bad in ONE_LINE_ATTACKS {
        let answer = app
            .post(
                "/api/v1/contests",
                Some(&owner),
                create(bad, "Fine.", rules(app)),
            )
            .await;
        refused(answer, "title", &format!("title {bad:?}"));
        let answer = app
            .request(
                Method::PATCH,
                &format!("/api/v1/contests/{contest}"),
                Some(&owner),
                Some(json!({"title": bad})),
            )
            .await;
        refused(answer, "title", &format!("patched title {bad:?}"));
    }
    for bad in MULTI_LINE_ATTACKS {
        let answer = app
            .post(
                "/api/v1/contests",
                Some(&owner),
                create("Fine", bad, rules(app)),
            )
            .await;
        refused(answer, "brief", &format!("brief {bad:?}"));
    }
    // Line breaks belong in a brief.
    app.post(
        "/api/v1/contests",
        Some(&owner),
        create("Fine", "One line.\r\nAnother.\n\tIndented.", rules(app)),
    )
    .await
    .expect(201);
    // Every label of the rules.
    // Every label of the rules: (the error's path, where it sits in the document).
    let labels = [
        ("rules.criteria[0].label", "/criteria/0/label"),
        ("rules.prizes[1].label", "/prizes/1/label"),
        ("rules.no_entry_beneficiary", "/no_entry_beneficiary"),
    ];
    for (path, pointer) in labels {
        for bad in ONE_LINE_ATTACKS {
            let mut r = rules(app);
            *r.pointer_mut(pointer).expect("in the example") = json!(bad);
            let answer = app
                .post(
                    "/api/v1/contests",
                    Some(&owner),
                    create("Fine", "Fine.", r.clone()),
                )
                .await;
            refused(answer, path, &format!("{path} {bad:?}"));
            let answer = app
                .request(
                    Method::PATCH,
                    &format!("/api/v1/contests/{contest}"),
                    Some(&owner),
                    Some(json!({"rules": r})),
                )
                .await;
            refused(answer, path, &format!("patched {path} {bad:?}"));
        }
    }
    for path in ["eligibility", "ip_terms"] {
        for bad in MULTI_LINE_ATTACKS {
            let mut r = rules(app);
            r[path] = json!(bad);
            let answer = app
                .post("/api/v1/contests", Some(&owner), create("Fine", "Fine.", r))
                .await;
            refused(answer, &format!("rules.{path}"), &format!("{path} {bad:?}"));
        }
    }

    // A draft written before these checks (its title has an override) is refused at opening,
    // before anything freezes.
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "juror@jury.example").await;
    {
        use concours::store::schema::contests;
        let mut conn = app.conn();
        diesel::update(contests::table.find(&contest))
            .set(contests::title.eq("Greener\u{202E} packaging"))
            .execute(&mut conn)
            .unwrap();
    }
    let answer = app
        .post(
            &format!("/api/v1/contests/{contest}/open"),
            Some(&owner),
            json!({}),
        )
        .await;
    refused(answer, "title", "an old draft's title at opening");
}

async fn idea_texts_refuse_control_and_format_characters(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(chrono::Duration::days(1));
    let token = app.person("ann@example.org", "Ann").await.token;
    let path = format!("/api/v1/contests/{contest}/ideas");
    let idea = |title: &str, summary: &str, body: &str| json!({"title": title, "summary": summary, "body": body, "accept_terms": true});
    for bad in ONE_LINE_ATTACKS {
        let answer = app.post(&path, Some(&token), idea(bad, "s", "b")).await;
        refused(answer, "title", &format!("idea title {bad:?}"));
    }
    for bad in MULTI_LINE_ATTACKS {
        let answer = app.post(&path, Some(&token), idea("T", bad, "b")).await;
        refused(answer, "summary", &format!("summary {bad:?}"));
        let answer = app.post(&path, Some(&token), idea("T", "s", bad)).await;
        refused(answer, "body", &format!("body {bad:?}"));
    }
    app.post(&path, Some(&token), idea("T", "One\r\ntwo", "a\n\tb"))
        .await
        .expect(201);
}

async fn jury_comments_and_reasons_refuse_control_and_format_characters(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let entries = app.get(&path, Some(&j.jurors[0])).await.expect(200).json();
    let entry = entries["entries"][0]["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    for bad in MULTI_LINE_ATTACKS {
        let answer = app
            .request(
                Method::PUT,
                &format!("{path}/{entry}/scores"),
                Some(&j.jurors[0]),
                Some(json!({"scores": {"impact": 5, "feasibility": 3}, "comment": bad})),
            )
            .await;
        refused(answer, "comment", &format!("comment {bad:?}"));
        let answer = app
            .post(
                &format!("{path}/{entry}/conflict"),
                Some(&j.jurors[0]),
                json!({"reason": bad}),
            )
            .await;
        refused(answer, "reason", &format!("conflict reason {bad:?}"));
        let answer = app
            .post(
                &format!("/api/v1/ideas/{}/disqualify", j.ideas[1]),
                Some(&j.owner),
                json!({"reason": bad}),
            )
            .await;
        refused(
            answer,
            "reason",
            &format!("disqualification reason {bad:?}"),
        );
    }
    app.request(
        Method::PUT,
        &format!("{path}/{entry}/scores"),
        Some(&j.jurors[0]),
        Some(json!({"scores": {"impact": 5, "feasibility": 3}, "comment": "Clear.\r\nBold."})),
    )
    .await
    .expect(200);
}

async fn announcements_profiles_and_references_refuse_control_and_format_characters(app: &TestApp) {
    let Opened { owner, contest } = opened(app).await;
    // A second draft of the same brand, to record fundings on.
    let org = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .expect(200)
        .json()["organization_id"]
        .clone();
    let second = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "Second", "brief": "More.", "rules": rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for bad in MULTI_LINE_ATTACKS {
        let answer = app
            .post(
                &format!("/api/v1/contests/{contest}/announcements"),
                Some(&owner),
                json!({"body": bad}),
            )
            .await;
        refused(answer, "body", &format!("announcement {bad:?}"));
        let answer = app
            .request(
                Method::PUT,
                "/api/v1/me/profile",
                Some(&owner),
                Some(json!({"public": true, "bio": bad})),
            )
            .await;
        refused(answer, "bio", &format!("bio {bad:?}"));
    }
    for bad in ONE_LINE_ATTACKS {
        let answer = app
            .request(
                Method::PUT,
                "/api/v1/me/profile",
                Some(&owner),
                Some(json!({"public": true, "links": [format!("https://example.org/{bad}")]})),
            )
            .await;
        refused(answer, "links[0]", &format!("link {bad:?}"));
        let answer = app
            .post(
                &format!("/api/v1/contests/{second}/fundings"),
                Some(&owner),
                json!({"amount_cents": 100, "reference": bad}),
            )
            .await;
        refused(answer, "reference", &format!("funding reference {bad:?}"));
    }
    app.request(
        Method::PUT,
        "/api/v1/me/profile",
        Some(&owner),
        Some(json!({"public": true, "bio": "Line one.\nLine two.", "links": ["https://example.org/me"]})),
    )
    .await
    .expect(200);
}
