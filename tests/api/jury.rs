//! The jury: invitations, blind and independent scoring, conflicts, assignment, progress,
//! reminders, disqualification, and everyone who must be refused.

use chrono::Duration;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    Author, Draft, Judging, TestApp, admin, draft, fund, invite_juror, judging, juror,
    jury_invitation_token,
};

both_backends!(
    jurors_are_invited_accept_and_appear_on_the_roster,
    invitations_refuse_everyone_but_their_verified_addressee,
    jurors_score_blind_and_independently,
    a_declared_conflict_takes_the_entry_off_the_list,
    entries_are_shared_out_when_reviews_per_entry_is_set,
    a_member_disqualifies_an_entry_and_its_author_is_told,
    late_jurors_are_reminded_once_per_reminder,
);

/// Every string anywhere in a JSON value.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
        Value::Object(map) => map.iter().for_each(|(k, v)| {
            out.push(k.clone());
            strings(v, out)
        }),
        _ => {}
    }
}

/// Asserts that nothing in `body` names an author or an idea's real id.
fn assert_blind(body: &str, j: &Judging) {
    let value: Value = serde_json::from_str(body).unwrap_or(Value::String(body.to_owned()));
    let mut all = Vec::new();
    strings(&value, &mut all);
    let secrets: Vec<&str> = j
        .authors
        .iter()
        .flat_map(
            |Author {
                 email, name, id, ..
             }| [email.as_str(), name.as_str(), id.as_str()],
        )
        .chain(j.ideas.iter().map(String::as_str))
        .collect();
    for text in &all {
        for secret in &secrets {
            assert!(
                !text.contains(secret),
                "a juror can read {secret:?} in {text:?}"
            );
        }
    }
}

/// Follows every same-site link a signed-in juror is shown, from `starts`, and asserts that no
/// page names an author or an idea's real id. Returns the paths read.
async fn crawl(app: &TestApp, j: &Judging, token: &str, starts: &[String]) -> Vec<String> {
    let client = crate::helpers::signed_in(app, token);
    let mut queue: std::collections::VecDeque<String> = starts.iter().cloned().collect();
    let mut seen: std::collections::BTreeSet<String> = starts.iter().cloned().collect();
    let mut read = Vec::new();
    while let Some(path) = queue.pop_front() {
        if read.len() >= 80 {
            break;
        }
        let response = client.get(app.url(&path)).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = format!("{:?}", response.headers());
        assert_blind(&headers, j);
        let html = String::from_utf8_lossy(&response.bytes().await.unwrap()).into_owned();
        assert!(status < 500, "{path} answered {status}");
        read.push(path.clone());
        assert_blind(&html, j);
        for link in html.split("href=\"").skip(1) {
            let Some(end) = link.find('"') else { continue };
            let link = link[..end].replace("&amp;", "&");
            let link = link.split('#').next().unwrap_or_default().to_owned();
            let same_site = link.starts_with('/') && !link.starts_with("//");
            if same_site
                && !link.starts_with("/assets/")
                && (!link.starts_with("/api/") || link.contains("/attachments/"))
                && seen.insert(link.clone())
            {
                queue.push_back(link);
            }
        }
    }
    read
}

fn sheet(impact: i64, feasibility: i64) -> Value {
    json!({"scores": {"impact": impact, "feasibility": feasibility}, "comment": "Clear and bold."})
}

async fn jurors_are_invited_accept_and_appear_on_the_roster(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    let listed = invite_juror(app, &owner, &contest, "Jo@Jury.example").await;
    assert_eq!(listed["email"], "jo@jury.example");
    assert_eq!(listed["status"], "invited");
    assert_eq!(listed["display_name"], Value::Null);
    app.post(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&owner),
        json!({"email": "jo@jury.example"}),
    )
    .await
    .expect_error(409, "already_invited");
    let mail = app.mail_to("jo@jury.example").await.pop().unwrap();
    assert!(mail.subject.contains("jury"), "{}", mail.subject);
    assert!(mail.text.contains("http://concours.test/jury-invitations/"));

    let session = juror(app, "jo@jury.example", "Jo Juror").await;
    let jurors = app
        .get(&format!("/api/v1/contests/{contest}/jurors"), Some(&owner))
        .await
        .expect(200)
        .json();
    assert_eq!(jurors["jurors"][0]["status"], "accepted");
    assert_eq!(jurors["jurors"][0]["display_name"], "Jo Juror");
    // Accepting twice is harmless.
    let token = jury_invitation_token(app, "jo@jury.example").await;
    app.post(
        &format!("/api/v1/jury-invitations/{token}/accept"),
        Some(&session),
        json!({}),
    )
    .await
    .expect(200);
    // In draft the roster is the organisation's; once open, everyone's, names only.
    app.get(&format!("/api/v1/contests/{contest}/jury"), None)
        .await
        .expect_error(404, "not_found");
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    // Before the submission deadline there is nothing to judge.
    app.get(
        &format!("/api/v1/contests/{contest}/jury/entries"),
        Some(&session),
    )
    .await
    .expect_error(409, "invalid_phase");
    let roster = app
        .get(&format!("/api/v1/contests/{contest}/jury"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(roster, json!({"jurors": [{"display_name": "Jo Juror"}]}));
    // The public chain says a juror joined, not who or which invitation: its order must not
    // let anyone number the jurors of the published score sheet.
    let audit = app
        .get(&format!("/api/v1/contests/{contest}/audit"), None)
        .await
        .expect(200)
        .text;
    assert!(audit.contains("juror_joined"), "{audit}");
    assert!(!audit.contains("Jo Juror"), "{audit}");
    let juror_id = jurors["jurors"][0]["id"].as_str().unwrap_or("no id field");
    assert!(!audit.contains(juror_id), "{audit}");
    // The list of invitations (with addresses) stays with the organisation.
    let stranger = app.person("stranger@else.example", "Stranger").await.token;
    app.get(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&stranger),
    )
    .await
    .expect_error(403, "forbidden");
    app.get(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&session),
    )
    .await
    .expect_error(403, "forbidden");
    app.get(&format!("/api/v1/contests/{contest}/jurors"), None)
        .await
        .expect_error(401, "unauthorized");
    app.post(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&stranger),
        json!({"email": "x@y.example"}),
    )
    .await
    .expect_error(403, "forbidden");
    app.post(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&owner),
        json!({"email": "not an email"}),
    )
    .await
    .expect_error(422, "validation_failed");
}

async fn invitations_refuse_everyone_but_their_verified_addressee(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    invite_juror(app, &owner, &contest, "invited@jury.example").await;
    let token = jury_invitation_token(app, "invited@jury.example").await;
    let path = format!("/api/v1/jury-invitations/{token}/accept");
    app.post(&path, None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    let other = app.person("other@jury.example", "Other").await.token;
    app.post(&path, Some(&other), json!({}))
        .await
        .expect_error(403, "forbidden");
    app.register("invited@jury.example", "Invited").await;
    let unverified = app.login("invited@jury.example").await;
    app.post(&path, Some(&unverified), json!({}))
        .await
        .expect_error(403, "email_not_verified");
    app.post(
        "/api/v1/jury-invitations/not-a-token/accept",
        Some(&other),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    // An invitation expires after 14 days.
    let verify = app.verification_token("invited@jury.example").await;
    app.post("/api/v1/auth/verify", None, json!({"token": verify}))
        .await
        .expect(200);
    app.advance(Duration::days(15));
    let session = app.login("invited@jury.example").await;
    app.post(&path, Some(&session), json!({}))
        .await
        .expect_error(409, "token_expired");
    // The winner of a race keeps it: someone else cannot take an accepted invitation.
    app.advance(Duration::days(-15));
    let owner = app.login("owner@acme.example").await;
    invite_juror(app, &owner, &contest, "late@jury.example").await;
    let late = juror(app, "late@jury.example", "Late").await;
    let late_token = jury_invitation_token(app, "late@jury.example").await;
    let other = app.login("other@jury.example").await;
    app.post(
        &format!("/api/v1/jury-invitations/{late_token}/accept"),
        Some(&other),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    let _ = late;
}

async fn jurors_score_blind_and_independently(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example", "two@lab.example"]).await;
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);

    // Judging started: the jurors were told.
    assert!(
        app.mail_to("one@jury.example")
            .await
            .iter()
            .any(|m| m.subject.starts_with("Judging has started"))
    );

    let first = app.get(&path, Some(&j.jurors[0])).await.expect(200);
    assert_blind(&first.text, &j);
    let first = first.json();
    let entries = first["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 3);
    let numbers: Vec<i64> = entries
        .iter()
        .map(|e| e["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(first["progress"], json!({"scored": 0, "assigned": 3}));
    // The second juror works at lab.example, like Cat: Cat's entry is not theirs to see.
    let second = app.get(&path, Some(&j.jurors[1])).await.expect(200);
    assert_blind(&second.text, &j);
    let second = second.json();
    assert_eq!(second["entries"].as_array().unwrap().len(), 2);
    // Numbered without a gap: a missing number would say that a colleague entered.
    let numbers: Vec<i64> = second["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [1, 2]);
    // The organisers read entries blind too: the file name that gives Ann away is hidden from
    // them until the award, and shown to Ann herself.
    let as_owner = app
        .get(&format!("/api/v1/ideas/{}", j.ideas[0]), Some(&j.owner))
        .await
        .expect(200)
        .json();
    assert_eq!(as_owner["attachments"][0]["filename"], "attachment-1.pdf");
    let as_author = app
        .get(
            &format!("/api/v1/ideas/{}", j.ideas[0]),
            Some(&j.authors[0].token),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(as_author["attachments"][0]["filename"], "Ann Author CV.pdf");
    let cat_entry = entries.iter().find(|e| e["title"] == "Idea C").unwrap()["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ann_entry = entries.iter().find(|e| e["title"] == "Idea A").unwrap()["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let scores = |entry: &str| format!("{path}/{entry}/scores");

    // Attachments come by number, under a neutral name.
    let ann = entries.iter().find(|e| e["title"] == "Idea A").unwrap();
    let url = ann["attachments"][0]["url"].as_str().unwrap().to_owned();
    assert!(
        !ann.to_string().contains("CV"),
        "the file name is not shown: {ann}"
    );
    let file = app
        .client
        .get(app.url(&url))
        .bearer_auth(&j.jurors[0])
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    let disposition = file.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains("attachment-1.pdf") && !disposition.contains("Ann"),
        "{disposition}"
    );
    // The stored file, re-serialised without its metadata (issue 16.4).
    let bytes = file.bytes().await.unwrap();
    assert_eq!(
        as_owner["attachments"][0]["sha256"],
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes))
    );
    app.get(&url, Some(&j.authors[1].token))
        .await
        .expect_error(403, "forbidden");
    app.get(&url, None).await.expect_error(401, "unauthorized");

    // Validation at the edges: impact 0..=10, feasibility 0..=5, both required, nothing else.
    for (bad, field) in [
        (
            json!({"scores": {"impact": 11, "feasibility": 5}}),
            "scores.impact",
        ),
        (
            json!({"scores": {"impact": -1, "feasibility": 5}}),
            "scores.impact",
        ),
        (
            json!({"scores": {"impact": 10, "feasibility": 6}}),
            "scores.feasibility",
        ),
        (json!({"scores": {"impact": 10}}), "scores.feasibility"),
        (
            json!({"scores": {"impact": 1, "feasibility": 1, "charm": 2}}),
            "scores.charm",
        ),
    ] {
        let answer = app
            .request(
                Method::PUT,
                &scores(&ann_entry),
                Some(&j.jurors[0]),
                Some(bad),
            )
            .await
            .expect_error(422, "validation_failed")
            .json();
        assert_eq!(answer["error"]["fields"][0]["path"], field);
    }
    app.request(
        Method::PUT,
        &scores(&ann_entry),
        Some(&j.jurors[0]),
        Some(json!({"scores": {"impact": 2.5, "feasibility": 1}})),
    )
    .await
    .expect_error(400, "bad_request");
    let saved = app
        .request(
            Method::PUT,
            &scores(&ann_entry),
            Some(&j.jurors[0]),
            Some(sheet(10, 0)),
        )
        .await
        .expect(200);
    assert_blind(&saved.text, &j);
    assert_eq!(
        saved.json()["my_scores"],
        json!({"feasibility": 0, "impact": 10})
    );
    // Revisable until the deadline: one row per criterion, the last one counts.
    app.request(
        Method::PUT,
        &scores(&ann_entry),
        Some(&j.jurors[0]),
        Some(sheet(7, 3)),
    )
    .await
    .expect(200);

    // Independent: the other juror sees none of it.
    let second = app.get(&path, Some(&j.jurors[1])).await.json();
    for entry in second["entries"].as_array().unwrap() {
        assert_eq!(entry["my_scores"], json!({}));
        assert_eq!(entry["my_comment"], Value::Null);
    }
    let first = app.get(&path, Some(&j.jurors[0])).await.json();
    let ann = first["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["entry_id"] == ann_entry.as_str())
        .unwrap()
        .clone();
    assert_eq!(ann["my_scores"], json!({"feasibility": 3, "impact": 7}));
    assert_eq!(ann["my_comment"], "Clear and bold.");
    assert_eq!(first["progress"], json!({"scored": 1, "assigned": 3}));

    // The conflicted juror can neither score nor read Cat's entry: it answers like an entry
    // that is not theirs (issue 16.13), not with a code that tells them it is conflicted.
    app.request(
        Method::PUT,
        &scores(&cat_entry),
        Some(&j.jurors[1]),
        Some(sheet(1, 1)),
    )
    .await
    .expect_error(404, "not_found");
    // Authors, members and strangers are not jurors.
    for token in [&j.authors[0].token, &j.owner] {
        app.get(&path, Some(token))
            .await
            .expect_error(403, "forbidden");
        app.request(
            Method::PUT,
            &scores(&ann_entry),
            Some(token),
            Some(sheet(1, 1)),
        )
        .await
        .expect_error(403, "forbidden");
    }
    app.get(&path, None).await.expect_error(401, "unauthorized");
    app.request(
        Method::PUT,
        &format!("{path}/no-such-entry/scores"),
        Some(&j.jurors[0]),
        Some(sheet(1, 1)),
    )
    .await
    .expect_error(404, "not_found");

    // Members follow progress; jurors may not.
    let progress = app
        .get(
            &format!("/api/v1/contests/{}/jury/progress", j.contest),
            Some(&j.owner),
        )
        .await
        .expect(200)
        .json();
    let rows = progress["jurors"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[0]["scored"].as_i64(), rows[0]["assigned"].as_i64()),
        (Some(1), Some(3))
    );
    assert_eq!(
        (rows[1]["scored"].as_i64(), rows[1]["assigned"].as_i64()),
        (Some(0), Some(2))
    );
    app.get(
        &format!("/api/v1/contests/{}/jury/progress", j.contest),
        Some(&j.jurors[0]),
    )
    .await
    .expect_error(403, "forbidden");

    // Everything else a juror can read during judging is blind too.
    for page in [
        format!("/api/v1/contests/{}", j.contest),
        format!("/api/v1/contests/{}/jury", j.contest),
        format!("/api/v1/contests/{}/announcements", j.contest),
        format!("/api/v1/contests/{}/audit", j.contest),
        "/api/v1/me".to_owned(),
        "/api/v1/contests".to_owned(),
    ] {
        let answer = app.get(&page, Some(&j.jurors[0])).await.expect(200);
        assert_blind(&answer.text, &j);
    }
    for idea in &j.ideas {
        app.get(&format!("/api/v1/ideas/{idea}"), Some(&j.jurors[0]))
            .await
            .expect_error(404, "not_found");
    }
    // And every page: the juror's browser follows every link it is shown, from the home page,
    // the contest page and the jury page, in both languages.
    let pages = crawl(
        app,
        &j,
        &j.jurors[0],
        &[
            "/".to_owned(),
            format!("/contests/{}", j.contest),
            format!("/contests/{}/jury", j.contest),
            format!("/contests/{}/jury?lang=fr", j.contest),
        ],
    )
    .await;
    assert!(
        pages.iter().any(|p| p.contains("/jury?entry=")),
        "the crawl reached the entries: {pages:?}"
    );
    assert!(
        pages.iter().any(|p| p.contains("/attachments/")),
        "the crawl downloaded the attachment: {pages:?}"
    );
    assert!(
        pages.len() >= 6,
        "the crawl reached too few pages: {pages:?}"
    );

    // At the judging deadline, scores freeze.
    app.advance(Duration::days(10));
    let juror = app.login("one@jury.example").await;
    app.request(
        Method::PUT,
        &scores(&ann_entry),
        Some(&juror),
        Some(sheet(1, 1)),
    )
    .await
    .expect_error(409, "judging_closed");
}

async fn a_declared_conflict_takes_the_entry_off_the_list(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let entries = app.get(&path, Some(&j.jurors[0])).await.json();
    let entry = entries["entries"][0]["entry_id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.request(
        Method::PUT,
        &format!("{path}/{entry}/scores"),
        Some(&j.jurors[0]),
        Some(sheet(5, 5)),
    )
    .await
    .expect(200);
    app.post(
        &format!("{path}/{entry}/conflict"),
        Some(&j.jurors[0]),
        json!({"reason": " "}),
    )
    .await
    .expect_error(422, "validation_failed");
    app.post(
        &format!("{path}/{entry}/conflict"),
        Some(&j.authors[0].token),
        json!({"reason": "x"}),
    )
    .await
    .expect_error(403, "forbidden");
    let declared = app
        .post(
            &format!("{path}/{entry}/conflict"),
            Some(&j.jurors[0]),
            json!({"reason": "I mentored the team."}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(declared["conflict"], true);
    let after = app.get(&path, Some(&j.jurors[0])).await.json();
    assert_eq!(after["entries"].as_array().unwrap().len(), 2);
    // Its sheet no longer counts, and the progress does not mention it.
    assert_eq!(after["progress"], json!({"scored": 0, "assigned": 2}));
    app.request(
        Method::PUT,
        &format!("{path}/{entry}/scores"),
        Some(&j.jurors[0]),
        Some(sheet(5, 5)),
    )
    .await
    .expect_error(404, "not_found");
}

async fn entries_are_shared_out_when_reviews_per_entry_is_set(app: &TestApp) {
    let j = judging(
        app,
        Some(2),
        &["one@jury.example", "two@jury.example", "three@jury.example"],
    )
    .await;
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let mut per_entry = std::collections::HashMap::new();
    let mut loads = Vec::new();
    for juror in &j.jurors {
        let entries = app.get(&path, Some(juror)).await.json();
        let list = entries["entries"].as_array().unwrap();
        loads.push(list.len());
        for e in list {
            *per_entry
                .entry(e["entry_id"].as_str().unwrap().to_owned())
                .or_insert(0) += 1;
        }
    }
    assert_eq!(per_entry.len(), 3);
    assert!(per_entry.values().all(|n| *n == 2), "{per_entry:?}");
    assert!(
        loads.iter().max().unwrap() - loads.iter().min().unwrap() <= 1,
        "{loads:?}"
    );
    // The choice is fixed once judging has started.
    app.request(
        Method::PUT,
        &format!("/api/v1/contests/{}/jury/settings", j.contest),
        Some(&j.owner),
        Some(json!({"reviews_per_entry": 1})),
    )
    .await
    .expect_error(409, "invalid_phase");
}

async fn a_member_disqualifies_an_entry_and_its_author_is_told(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    let idea = &j.ideas[1];
    let path = format!("/api/v1/ideas/{idea}/disqualify");
    app.post(&path, Some(&j.authors[0].token), json!({"reason": "x"}))
        .await
        .expect_error(404, "not_found");
    app.post(&path, Some(&j.jurors[0]), json!({"reason": "x"}))
        .await
        .expect_error(404, "not_found");
    app.post(&path, None, json!({"reason": "x"}))
        .await
        .expect_error(401, "unauthorized");
    app.post(&path, Some(&j.owner), json!({"reason": ""}))
        .await
        .expect_error(422, "validation_failed");
    let done = app
        .post(
            &path,
            Some(&j.owner),
            json!({"reason": "The idea copies an existing product."}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(done["status"], "disqualified");
    app.post(&path, Some(&j.owner), json!({"reason": "again"}))
        .await
        .expect_error(409, "invalid_phase");
    let mails = app.mail_to("bob@example.org").await;
    let told = mails
        .iter()
        .find(|m| m.subject.starts_with("Your idea was disqualified"))
        .expect("told");
    assert!(told.text.contains("The idea copies an existing product."));
    // It stays on record but leaves the jurors' lists.
    let entries = app
        .get(
            &format!("/api/v1/contests/{}/jury/entries", j.contest),
            Some(&j.jurors[0]),
        )
        .await
        .json();
    assert_eq!(entries["entries"].as_array().unwrap().len(), 2);
    let audit = app
        .get(&format!("/api/v1/contests/{}/audit", j.contest), None)
        .await
        .text;
    assert!(audit.contains("idea_disqualified"));
}

async fn late_jurors_are_reminded_once_per_reminder(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example", "two@jury.example"]).await;
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    // The second juror scores everything; only the first is late.
    let entries = app.get(&path, Some(&j.jurors[1])).await.json();
    for e in entries["entries"].as_array().unwrap() {
        let id = e["entry_id"].as_str().unwrap();
        app.request(
            Method::PUT,
            &format!("{path}/{id}/scores"),
            Some(&j.jurors[1]),
            Some(sheet(3, 3)),
        )
        .await
        .expect(200);
    }
    let reminders = |mails: Vec<concours::mail::SentMail>| {
        mails
            .into_iter()
            .filter(|m| m.subject.starts_with("Entries are waiting"))
            .count()
    };
    let reminded = app
        .post(
            &format!("/api/v1/contests/{}/jury/remind", j.contest),
            Some(&j.owner),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(reminded["reminded"], 1);
    app.post(
        &format!("/api/v1/contests/{}/jury/remind", j.contest),
        Some(&j.jurors[0]),
        json!({}),
    )
    .await
    .expect_error(403, "forbidden");
    assert_eq!(reminders(app.mail_to("one@jury.example").await), 1);
    assert_eq!(reminders(app.mail_to("two@jury.example").await), 0);
    // The scheduler: 48 h and 24 h before the judging deadline, once each.
    app.advance(Duration::days(8) + Duration::hours(1));
    app.scheduler.tick().await.unwrap();
    app.scheduler.tick().await.unwrap();
    assert_eq!(reminders(app.mail_to("one@jury.example").await), 2);
    app.advance(Duration::hours(24));
    app.scheduler.tick().await.unwrap();
    app.scheduler.tick().await.unwrap();
    assert_eq!(reminders(app.mail_to("one@jury.example").await), 3);
    assert_eq!(reminders(app.mail_to("two@jury.example").await), 0);
}
