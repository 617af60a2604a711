//! Blind judging's side channels (issues 16.2, 16.3, 16.13 and 17.1), each written as the
//! attack, and the blind differential test: what an organiser and a juror can read before and
//! after one author submits through a tagged link must not tie anything to that author.

use std::collections::BTreeSet;

use chrono::Duration;
use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::both_backends;
use crate::helpers::{
    Draft, Person, TestApp, admin, arrive_and_submit, draft, fund, invite_juror, signed_in, text_of,
};

both_backends!(
    a_personal_link_does_not_single_out_its_holder_in_a_blind_contests_sources,
    an_organiser_cannot_invite_themself_to_their_own_jury_nor_accept,
    a_juror_who_joins_the_organisation_loses_the_jury_and_reads_no_scores,
    a_conflict_answers_exactly_like_an_entry_that_is_not_yours,
    a_jurors_export_and_the_audit_chain_never_name_the_idea,
    the_blind_differential_test,
);

fn stats_path(contest: &str) -> String {
    format!("/api/v1/contests/{contest}/stats")
}

/// The (source, campaign, participants) rows of the stats.
async fn sources(app: &TestApp, owner: &str, contest: &str) -> Vec<(String, String, u64)> {
    let stats = app
        .get(&stats_path(contest), Some(owner))
        .await
        .expect(200)
        .json();
    stats["sources"]
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
        .collect()
}

/// Issue 16.2: the brand sends Lea a personal link `?ref=lea-0417` and watches the sources
/// and `ideas.csv` for the moment it flips to `lea-0417: 1`.
async fn a_personal_link_does_not_single_out_its_holder_in_a_blind_contests_sources(app: &TestApp) {
    let contest = crate::helpers::opened(app).await.contest;
    app.advance(Duration::days(1));
    for i in 0..5 {
        arrive_and_submit(
            app,
            &contest,
            &format!("reader{i}@example.org"),
            "?utm_source=newsletter",
            None,
        )
        .await;
    }
    app.advance(Duration::days(1));
    let owner = app.login("owner@acme.example").await;
    let before = sources(app, &owner, &contest).await;
    // Counted as of the start of the day, the newsletter is large enough to be named.
    assert_eq!(before, [("newsletter".into(), String::new(), 5)]);
    let csv_path = format!("/api/v1/contests/{contest}/exports/ideas.csv");
    let page_path = format!("/contests/{contest}/insight");
    let browser = signed_in(app, &owner);

    arrive_and_submit(app, &contest, "lea@example.org", "?ref=lea-0417", None).await;
    // The moment her idea appears, nothing changes in the sources.
    assert_eq!(sources(app, &owner, &contest).await, before);
    let csv = app.get(&csv_path, Some(&owner)).await.expect(200).text;
    assert!(!csv.contains("lea-0417"), "{csv}");
    let page = text_of(&browser, app, &page_path).await;
    assert!(!page.contains("lea-0417"));

    // Nor the next day: a source of one is never named, she is one of "other".
    app.advance(Duration::days(1));
    let owner = app.login("owner@acme.example").await;
    let after = sources(app, &owner, &contest).await;
    assert_eq!(
        after,
        [
            ("newsletter".into(), String::new(), 5),
            ("other".into(), String::new(), 1)
        ]
    );
    let stats = app
        .get(&stats_path(&contest), Some(&owner))
        .await
        .expect(200);
    assert!(!stats.text.contains("lea-0417"));
    let csv = app.get(&csv_path, Some(&owner)).await.expect(200).text;
    assert!(!csv.contains("lea-0417"));
    let page = text_of(&signed_in(app, &owner), app, &page_path).await;
    assert!(!page.contains("lea-0417") && page.contains("newsletter"));
}

async fn user_id_of(app: &TestApp, email: &str) -> String {
    concours::store::users::find_by_email(&mut app.conn(), email)
        .unwrap()
        .expect("an account")
        .id
}

fn make_member(app: &TestApp, organization: &str, user_id: &str) {
    concours::store::organizations::add_member(
        &mut app.conn(),
        organization,
        user_id,
        "member",
        concours::store::to_db(concours::clock::Clock::now(&app.clock)),
    )
    .unwrap();
}

/// Issue 16.3: an organisation member invites themself to their contest's jury (to read the
/// entries beside the stats).
async fn an_organiser_cannot_invite_themself_to_their_own_jury_nor_accept(app: &TestApp) {
    let Draft {
        owner,
        organization: org,
        contest,
    } = draft(app).await;
    let jurors = format!("/api/v1/contests/{contest}/jurors");
    app.post(
        &jurors,
        Some(&owner),
        json!({"email": "owner@acme.example"}),
    )
    .await
    .expect_error(409, "organizer_on_jury");
    // Invited before they joined the organisation: the accept is refused while a member.
    let Person {
        token: pal,
        id: pal_id,
    } = app.person("pal@jury.example", "Pal").await;
    invite_juror(app, &owner, &contest, "pal@jury.example").await;
    let token = crate::helpers::jury_invitation_token(app, "pal@jury.example").await;
    make_member(app, &org, &pal_id);
    app.post(
        &format!("/api/v1/jury-invitations/{token}/accept"),
        Some(&pal),
        json!({}),
    )
    .await
    .expect_error(409, "organizer_on_jury");
}

/// Issue 16.3: a juror who joins the organisation during judging loses the juror's access
/// while a member, and the stats they can now read show nobody's scores before the award.
async fn a_juror_who_joins_the_organisation_loses_the_jury_and_reads_no_scores(app: &TestApp) {
    let j = crate::helpers::judging(app, None, &["one@jury.example", "two@jury.example"]).await;
    let contest = app
        .get(&format!("/api/v1/contests/{}", j.contest), Some(&j.owner))
        .await
        .expect(200)
        .json();
    let org = contest["organization_id"].as_str().unwrap().to_owned();
    let entries = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let list = app
        .get(&entries, Some(&j.jurors[0]))
        .await
        .expect(200)
        .json();
    let eid = list["entries"][0]["entry_id"].as_str().unwrap().to_owned();
    for juror in &j.jurors {
        app.request(
            Method::PUT,
            &format!("{entries}/{eid}/scores"),
            Some(juror),
            Some(json!({"scores": {"impact": 9, "feasibility": 3}})),
        )
        .await
        .expect(200);
    }
    make_member(app, &org, &user_id_of(app, "one@jury.example").await);
    app.get(&entries, Some(&j.jurors[0]))
        .await
        .expect_error(403, "forbidden");
    app.request(
        Method::PUT,
        &format!("{entries}/{eid}/scores"),
        Some(&j.jurors[0]),
        Some(json!({"scores": {"impact": 1, "feasibility": 1}})),
    )
    .await
    .expect_error(403, "forbidden");
    // And the stats they can now read as a member show no score of anyone's.
    let stats = app
        .get(&stats_path(&j.contest), Some(&j.jurors[0]))
        .await
        .expect(200)
        .json();
    assert_eq!(stats["judging"]["sheets_saved"], 2);
    assert_eq!(stats["sheet_scores"], Value::Null);
    assert_eq!(stats["calibration"]["entries"], json!([]));
    for juror in stats["calibration"]["jurors"].as_array().unwrap() {
        assert_eq!(juror["mean"], Value::Null, "{juror}");
        assert_eq!(juror["sd"], Value::Null, "{juror}");
    }
    for c in stats["criteria"].as_array().unwrap() {
        assert_eq!(c["histogram"], json!([]));
        assert_eq!(c["summary"], Value::Null);
    }
    assert!(!stats.to_string().contains("Idea A"));
}

/// Issue 16.13: a juror at lab.example probes entry ids: a conflicted entry (Cat's, at
/// lab.example) must answer exactly like an id that is not on their list.
async fn a_conflict_answers_exactly_like_an_entry_that_is_not_yours(app: &TestApp) {
    let j = crate::helpers::judging(app, None, &["one@jury.example", "two@lab.example"]).await;
    let salt = &app.ctx.entry_salt;
    let conflicted = concours::domain::jury::entry_id(salt, &j.contest, &j.ideas[2]);
    let unknown = concours::domain::jury::entry_id(salt, &j.contest, "no-such-idea");
    let base = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let probe = |eid: String, token: String| {
        let base = base.clone();
        async move {
            let scores = app
                .request(
                    Method::PUT,
                    &format!("{base}/{eid}/scores"),
                    Some(&token),
                    Some(json!({"scores": {"impact": 1, "feasibility": 1}})),
                )
                .await;
            let conflict = app
                .post(
                    &format!("{base}/{eid}/conflict"),
                    Some(&token),
                    json!({"reason": "probe"}),
                )
                .await;
            let attachment = app
                .get(&format!("{base}/{eid}/attachments/1"), Some(&token))
                .await;
            [scores, conflict, attachment].map(|a| (a.status.as_u16(), a.text))
        }
    };
    let juror = j.jurors[1].clone();
    let seen = probe(conflicted.clone(), juror.clone()).await;
    let not_mine = probe(unknown.clone(), juror.clone()).await;
    assert_eq!(seen, not_mine);
    for (status, text) in &seen {
        assert_eq!(*status, 404, "{text}");
        assert!(!text.contains("conflict"), "{text}");
    }
    // The list never says how many entries it leaves out: numbers run without a gap and the
    // progress counts the list.
    let list = app.get(&base, Some(&juror)).await.expect(200).json();
    let numbers: Vec<u64> = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (1..=numbers.len() as u64).collect::<Vec<_>>());
    assert_eq!(list["progress"]["assigned"], numbers.len());
    assert!(!list.to_string().contains("hidden") && !list.to_string().contains(&conflicted));

    // A declared conflict, likewise (Ann's entry, which has an attachment).
    let ann = concours::domain::jury::entry_id(salt, &j.contest, &j.ideas[0]);
    app.post(
        &format!("{base}/{ann}/conflict"),
        Some(&juror),
        json!({"reason": "I know her."}),
    )
    .await
    .expect(200);
    assert_eq!(probe(ann, juror.clone()).await, not_mine);
}

fn hmac_hex(key: &str, message: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Issue 17.1: a juror scores, then reads `GET /me/export` for the real idea ids, and hashes
/// the text they see to find each entry's events (and their times) in the audit chain.
async fn a_jurors_export_and_the_audit_chain_never_name_the_idea(app: &TestApp) {
    let j = crate::helpers::judging(app, None, &["one@jury.example"]).await;
    let base = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let list = app.get(&base, Some(&j.jurors[0])).await.expect(200).json();
    let eid = list["entries"][0]["entry_id"].as_str().unwrap().to_owned();
    app.request(
        Method::PUT,
        &format!("{base}/{eid}/scores"),
        Some(&j.jurors[0]),
        Some(json!({"scores": {"impact": 5, "feasibility": 3}})),
    )
    .await
    .expect(200);
    let export = app
        .get("/api/v1/me/export", Some(&j.jurors[0]))
        .await
        .expect(200);
    for idea in &j.ideas {
        assert!(!export.text.contains(idea.as_str()), "{}", export.text);
    }
    let sheets = &export.json()["jury"][0]["sheets"];
    assert_eq!(sheets[0]["entry_id"], eid.as_str());
    assert_eq!(sheets[0].get("idea_id"), None);

    // The chain's commitments are keyed: the juror's hash of what they see finds nothing.
    let chain = app
        .get(
            &format!("/api/v1/contests/{}/audit", j.contest),
            Some(&j.jurors[0]),
        )
        .await
        .expect(200)
        .text;
    for (i, idea) in j.ideas.iter().enumerate() {
        let own = app
            .get(&format!("/api/v1/ideas/{idea}"), Some(&j.authors[i].token))
            .await
            .expect(200)
            .json();
        let digest = own["receipt"]["sha256"].as_str().unwrap();
        // The latest revision: a file attached after submitting gets the idea a new receipt.
        let revision = own["receipt"]["revision"].as_i64().unwrap();
        let unkeyed = hex::encode(Sha256::digest(
            format!("{idea}:{revision}:{digest}").as_bytes(),
        ));
        assert!(!chain.contains(&unkeyed), "an unkeyed commitment");
        assert!(!chain.contains(idea.as_str()));
        // The author checks theirs with the key their receipt carries.
        let key = own["receipt"]["audit_key"]
            .as_str()
            .expect("the author's key");
        assert!(chain.contains(&hmac_hex(key, &format!("{revision}:{digest}"))));
        // The receipt mail carries it too.
        let mails = app.mail_to(&j.authors[i].email).await;
        assert!(
            mails.iter().any(|m| m.text.contains(key)),
            "the receipt mail"
        );
        // Nobody else gets the key: not the organisers.
        let as_owner = app
            .get(&format!("/api/v1/ideas/{idea}"), Some(&j.owner))
            .await
            .expect(200)
            .json();
        assert_eq!(as_owner["receipt"]["audit_key"], Value::Null);
    }
    // Nor does anything a juror reads carry it.
    assert!(!list.to_string().contains("audit_key"));
}

/// Every string of a JSON text (keys and values), or every line of any other text.
fn pieces(text: &str) -> BTreeSet<String> {
    fn walk(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.insert(k.clone());
                walk(v, out);
            }),
            other => {
                out.insert(other.to_string());
            }
        }
    }
    let mut out = BTreeSet::new();
    match serde_json::from_str::<Value>(text) {
        Ok(value) => walk(&value, &mut out),
        Err(_) => out.extend(text.lines().map(str::to_owned)),
    }
    out
}

/// What changed between two snapshots: the pieces of `after` that `before` did not have.
fn changed(before: &[(String, String)], after: &[(String, String)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (name, text) in after {
        let old = before
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| pieces(t))
            .unwrap_or_default();
        for piece in pieces(text).difference(&old) {
            out.push((name.clone(), piece.clone()));
        }
    }
    out
}

/// What an organiser can read about the contest: figures, exports, chain, pages.
async fn organiser_snapshot(app: &TestApp, owner: &str, contest: &str) -> Vec<(String, String)> {
    let browser = signed_in(app, owner);
    let mut out = Vec::new();
    for path in [
        stats_path(contest),
        format!("/api/v1/contests/{contest}/exports/ideas.csv"),
        format!("/api/v1/contests/{contest}/audit"),
        format!("/api/v1/contests/{contest}/jurors"),
        format!("/api/v1/contests/{contest}"),
    ] {
        let text = app.get(&path, Some(owner)).await.expect(200).text;
        out.push((path, text));
    }
    for path in [
        format!("/contests/{contest}/insight"),
        format!("/contests/{contest}/manage"),
        format!("/contests/{contest}"),
    ] {
        let text = text_of(&browser, app, &path).await;
        out.push((path, text));
    }
    out
}

/// What a juror can read in judging: their list, its attachments, the page, their export, the
/// chain.
async fn juror_snapshot(app: &TestApp, juror: &str, contest: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let list_path = format!("/api/v1/contests/{contest}/jury/entries");
    let list = app.get(&list_path, Some(juror)).await.expect(200);
    for entry in list.json()["entries"].as_array().unwrap() {
        for attachment in entry["attachments"].as_array().unwrap() {
            let url = attachment["url"].as_str().unwrap();
            let got = app
                .client
                .get(app.url(url))
                .bearer_auth(juror)
                .send()
                .await
                .unwrap();
            assert_eq!(got.status(), 200);
            let headers = format!("{:?}", got.headers());
            let bytes = got.bytes().await.unwrap();
            out.push((
                format!("{url} bytes"),
                format!("{headers}\n{}", String::from_utf8_lossy(&bytes)),
            ));
        }
    }
    out.push((list_path, list.text));
    for path in [
        "/api/v1/me/export".to_owned(),
        format!("/api/v1/contests/{contest}/audit"),
        format!("/api/v1/contests/{contest}"),
    ] {
        let text = app.get(&path, Some(juror)).await.expect(200).text;
        out.push((path, text));
    }
    let page = text_of(
        &signed_in(app, juror),
        app,
        &format!("/contests/{contest}/jury"),
    )
    .await;
    out.push((format!("/contests/{contest}/jury"), page));
    out
}

/// The blind differential test (issue 16, "Tests"): Lea submits through a tagged link, with an
/// attachment; everything the organisers could read before and after is compared, and nothing
/// that changed may name her, her address, her account, her tag, or (in the figures) her
/// idea's id or exact time; in judging, nothing a juror reads may carry any of those, nor the
/// idea's id (the public chain keeps the moment of each event, tied to no entry).
async fn the_blind_differential_test(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "one@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    crate::helpers::juror(app, "one@jury.example", "Juror One").await;
    app.advance(Duration::days(1));
    for i in 0..6 {
        arrive_and_submit(
            app,
            &contest,
            &format!("reader{i}@example.org"),
            "?utm_source=newsletter&utm_campaign=spring",
            None,
        )
        .await;
    }
    // An odd moment, so that her exact time is recognisable wherever it is printed.
    app.advance(Duration::seconds(86_400 + 3 * 3600 + 17 * 60 + 42));
    let owner = app.login("owner@acme.example").await;
    let before = organiser_snapshot(app, &owner, &contest).await;

    let Person {
        token: lea,
        id: lea_id,
    } = app
        .person("lea.lunch@innovators.example", "Lea Lunch")
        .await;
    let browser = signed_in(app, &lea);
    let visit = browser
        .get(app.url(&format!(
            "/contests/{contest}?ref=lea-0417&utm_campaign=lea-0417-camp"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(visit.status(), 200);
    let path = format!("/contests/{contest}/submit");
    let form = text_of(&browser, app, &path).await;
    let csrf = crate::helpers::csrf_of(&form);
    let posted = browser
        .post(app.url(&path))
        .form(&[
            ("csrf", csrf.as_str()),
            ("title", "Lunch idea"),
            ("summary", "Lunch for everyone"),
            ("body", "Plain text, nothing personal."),
            ("accept_terms", "yes"),
            ("action", "submit"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), 303);
    let mine = app
        .get("/api/v1/me/ideas", Some(&lea))
        .await
        .expect(200)
        .json()["ideas"]
        .clone();
    let idea = mine[0]["id"].as_str().unwrap().to_owned();
    let received = mine[0]["receipt"]["received_at"]
        .as_str()
        .unwrap()
        .to_owned();
    let exact = received[..16].to_owned(); // YYYY-MM-DDTHH:MM
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(crate::helpers::tiny_pdf()).file_name("lea-lunch-0417.pdf"),
    );
    let uploaded = app
        .client
        .post(app.url(&format!("/api/v1/ideas/{idea}/attachments")))
        .bearer_auth(&lea)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 201);

    let mut after = organiser_snapshot(app, &owner, &contest).await;
    // Her idea and its attachment, as the organisers open them.
    let as_organiser = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&owner))
        .await
        .expect(200);
    let attachment = as_organiser.json()["attachments"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    after.push((format!("/api/v1/ideas/{idea}"), as_organiser.text));
    let file = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{attachment}")))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    let headers = format!("{:?}", file.headers());
    let bytes = file.bytes().await.unwrap();
    after.push((
        format!("/api/v1/attachments/{attachment} bytes"),
        format!("{headers}\n{}", String::from_utf8_lossy(&bytes)),
    ));
    let identity = [
        "Lea Lunch",
        "lea.lunch",
        "innovators.example",
        lea_id.as_str(),
        "lea-0417",
        "lea-lunch-0417",
    ];
    let diff = changed(&before, &after);
    assert!(!diff.is_empty(), "her idea shows somewhere");
    for (surface, piece) in &diff {
        for secret in identity {
            assert!(
                !piece.contains(secret),
                "{surface} changed to show {secret:?}: {piece}"
            );
        }
        // The figures are where sources live: no id or time of hers beside them.
        if surface.ends_with("/stats") {
            assert!(!piece.contains(&idea) && !piece.contains(&exact), "{piece}");
        }
    }

    // Judging: nothing a juror reads ties to her.
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let juror = app.login("one@jury.example").await;
    // The juror scores everything first, so that their export holds sheets.
    let list_path = format!("/api/v1/contests/{contest}/jury/entries");
    let list = app.get(&list_path, Some(&juror)).await.expect(200).json();
    for entry in list["entries"].as_array().unwrap() {
        app.request(
            Method::PUT,
            &format!("{list_path}/{}/scores", entry["entry_id"].as_str().unwrap()),
            Some(&juror),
            Some(json!({"scores": {"impact": 5, "feasibility": 3}})),
        )
        .await
        .expect(200);
    }
    let seen = juror_snapshot(app, &juror, &contest).await;
    assert!(
        seen.iter().any(|(_, text)| text.contains("Lunch idea")),
        "the juror judges her idea"
    );
    for (surface, text) in &seen {
        for secret in identity.iter().copied().chain([idea.as_str()]) {
            assert!(
                !text.contains(secret),
                "{surface} shows {secret:?} to a juror"
            );
        }
        // The chain keeps the time of every event, bound to no entry; nothing else shows it.
        if !surface.ends_with("/audit") {
            assert!(!text.contains(&exact), "{surface} shows her exact time");
        }
    }
}
