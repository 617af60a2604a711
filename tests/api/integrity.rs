//! Attacks on a fair judgment from inside the contest: a juror who enters it, an author who
//! joins its jury, and an organiser who awards before a real jury has scored.

use chrono::Duration;
use concours::clock::Clock;
use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{
    Draft, Opened, TestApp, admin, draft, fund, invite_juror, judging, juror, rules_at,
};

both_backends!(
    a_juror_cannot_enter_the_contest_they_judge,
    an_author_cannot_join_the_jury_of_a_contest_they_entered,
    an_early_award_needs_accepted_jurors,
    an_early_award_needs_a_sheet_for_every_entry,
    a_disqualified_idea_stays_off_its_authors_page,
    an_unsubmitted_draft_stays_out_of_the_organisers_export,
    a_contest_cannot_open_with_an_award_centuries_away,
    an_admin_in_the_brand_cannot_confirm_its_funding,
    the_public_chain_names_no_member,
    an_author_or_juror_cannot_join_the_organising_brand_and_a_member_cannot_enter,
    organisations_taking_turns_cannot_flood_one_mailbox,
    deletion_with_the_right_password_is_limited_too,
);

/// A funded, opened contest in its submission phase with `invited` jurors invited (none
/// accepted yet).
async fn in_submission(app: &TestApp, invited: &[&str]) -> Opened {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    for email in invited {
        invite_juror(app, &owner, &contest, email).await;
    }
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    app.advance(Duration::days(1));
    Opened { owner, contest }
}

async fn a_juror_cannot_enter_the_contest_they_judge(app: &TestApp) {
    let contest = in_submission(app, &["judge@jury.example"]).await.contest;
    let token = juror(app, "judge@jury.example", "Judge").await;
    let ideas = format!("/api/v1/contests/{contest}/ideas");
    let idea = json!({"title": "Mine", "summary": "s", "body": "b", "accept_terms": true});
    app.post(&ideas, Some(&token), idea)
        .await
        .expect_error(409, "conflict_of_interest");
    // Nor through a draft submitted later.
    let draft = app
        .post(
            &ideas,
            Some(&token),
            json!({"title": "Mine", "summary": "s", "body": "b", "accept_terms": false, "draft": true}),
        )
        .await
        .expect(201)
        .json();
    app.post(
        &format!("/api/v1/ideas/{}/submit", draft["id"].as_str().unwrap()),
        Some(&token),
        json!({"accept_terms": true}),
    )
    .await
    .expect_error(409, "conflict_of_interest");
    let mine = app
        .get("/api/v1/me/ideas", Some(&token))
        .await
        .expect(200)
        .json();
    assert!(
        mine["ideas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "draft"),
        "{mine}"
    );
}

async fn an_author_cannot_join_the_jury_of_a_contest_they_entered(app: &TestApp) {
    // Invited to the jury, the person submits first (an invitation must not be a way for a
    // brand to keep someone out of its contest), then tries to accept.
    let contest = in_submission(app, &["both@jury.example", "fair@jury.example"])
        .await
        .contest;
    let token = app.person("both@jury.example", "Both").await.token;
    app.post(
        &format!("/api/v1/contests/{contest}/ideas"),
        Some(&token),
        json!({"title": "Mine", "summary": "s", "body": "b", "accept_terms": true}),
    )
    .await
    .expect(201);
    let mails = app.mail_to("both@jury.example").await;
    let link = mails
        .iter()
        .find_map(|m| crate::helpers::extract_link(&m.text, "/jury-invitations/"))
        .expect("an invitation");
    let invitation = link.rsplit('/').next().unwrap();
    app.post(
        &format!("/api/v1/jury-invitations/{invitation}/accept"),
        Some(&token),
        json!({}),
    )
    .await
    .expect_error(409, "conflict_of_interest");
    // Still only invited; the roster shows no second juror.
    let (owner, _) = (app.login("owner@acme.example").await, ());
    let roster = app
        .get(&format!("/api/v1/contests/{contest}/jurors"), Some(&owner))
        .await
        .expect(200)
        .json();
    let both = roster["jurors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["email"] == "both@jury.example")
        .unwrap()
        .clone();
    assert_eq!(both["status"], "invited", "{roster}");
}

async fn an_early_award_needs_accepted_jurors(app: &TestApp) {
    // Jurors invited, none ever accepts: when judging starts the organiser cannot award at
    // once and let the fallback pay the earliest entries; the deadline's award still pays.
    let Opened { owner, contest } = in_submission(app, &["ghost@jury.example"]).await;
    for (email, name) in [("ann@example.org", "Ann"), ("bob@example.org", "Bob")] {
        let token = app.person(email, name).await.token;
        app.post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&token),
            json!({"title": name, "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201);
    }
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    let owner = {
        let _ = owner;
        app.login("owner@acme.example").await
    };
    let award = format!("/api/v1/contests/{contest}/award");
    app.post(&award, Some(&owner), json!({}))
        .await
        .expect_error(409, "invalid_phase");
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let results = app
        .get(&format!("/api/v1/contests/{contest}/results"), None)
        .await
        .expect(200)
        .json();
    assert_eq!(results["total_paid_cents"], results["prize_pool_cents"]);
}

async fn an_early_award_needs_a_sheet_for_every_entry(app: &TestApp) {
    // Two jurors; the second is in conflict with Cat's entry (same domain) and the first
    // never scores it: no early award until someone has.
    let j = judging(app, None, &["one@jury.example", "two@lab.example"]).await;
    let entries_path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    let mut cat_entry = None;
    for (i, juror) in j.jurors.iter().enumerate() {
        let entries = app.get(&entries_path, Some(juror)).await.expect(200).json();
        for e in entries["entries"].as_array().unwrap() {
            let id = e["entry_id"].as_str().unwrap().to_owned();
            if e["title"] == "Idea C" {
                assert_eq!(i, 0, "the conflicted juror sees no Idea C");
                cat_entry = Some(id);
                continue;
            }
            app.request(
                Method::PUT,
                &format!("{entries_path}/{id}/scores"),
                Some(juror),
                Some(json!({"scores": {"impact": 5, "feasibility": 3}})),
            )
            .await
            .expect(200);
        }
    }
    // The first juror declares a conflict with the one entry left on their list: every list
    // is then complete, yet nobody scored Idea C.
    app.post(
        &format!("{entries_path}/{}/conflict", cat_entry.unwrap()),
        Some(&j.jurors[0]),
        json!({"reason": "I know the author"}),
    )
    .await
    .expect(200);
    let award = format!("/api/v1/contests/{}/award", j.contest);
    app.post(&award, Some(&j.owner), json!({}))
        .await
        .expect_error(409, "invalid_phase");
}

async fn a_disqualified_idea_stays_off_its_authors_page(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    app.post(
        &format!("/api/v1/ideas/{}/disqualify", j.ideas[2]),
        Some(&j.owner),
        json!({"reason": "Entered twice under two names."}),
    )
    .await
    .expect(200);
    app.advance(Duration::days(10));
    app.scheduler.tick().await.unwrap();
    let cat = app.login(&j.authors[2].email).await;
    let ann = app.login(&j.authors[0].email).await;
    let page_of = |token: String| async move {
        app.get("/api/v1/me/profile", Some(&token))
            .await
            .expect(200)
            .text
    };
    let (cat_page, ann_page) = (page_of(cat).await, page_of(ann).await);
    assert!(ann_page.contains("Idea A"), "{ann_page}");
    assert!(!cat_page.contains("Idea C"), "{cat_page}");
}

async fn an_unsubmitted_draft_stays_out_of_the_organisers_export(app: &TestApp) {
    let contest = in_submission(app, &["one@jury.example"]).await.contest;
    let owner = app.login("owner@acme.example").await;
    let lea = app.person("lea@example.org", "Lea").await.token;
    let ideas = format!("/api/v1/contests/{contest}/ideas");
    app.post(
        &ideas,
        Some(&lea),
        json!({"title": "SECRET DRAFT lunch robots", "summary": "not sent yet", "body": "b", "accept_terms": false, "draft": true}),
    )
    .await
    .expect(201);
    app.post(
        &ideas,
        Some(&lea),
        json!({"title": "Sent idea", "summary": "s", "body": "b", "accept_terms": true}),
    )
    .await
    .expect(201);
    let csv = app
        .get(
            &format!("/api/v1/contests/{contest}/exports/ideas.csv"),
            Some(&owner),
        )
        .await
        .expect(200)
        .text;
    assert!(csv.contains("Sent idea"), "{csv}");
    assert!(!csv.contains("SECRET DRAFT"), "{csv}");
    assert!(!csv.contains("not sent yet"), "{csv}");
}

async fn a_contest_cannot_open_with_an_award_centuries_away(app: &TestApp) {
    // The escrow would be held until the year 9999 and the prize never paid.
    let Draft { owner, contest, .. } = draft(app).await;
    let now = app.clock.now();
    let at = |d: i64| (now + Duration::days(d)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for (deadline, opens) in [
        ("9999-12-31T23:59:59Z".to_owned(), false),
        (at(740), false),
        (at(700), true),
    ] {
        app.request(
            Method::PATCH,
            &format!("/api/v1/contests/{contest}"),
            Some(&owner),
            Some(json!({"rules": rules_at(&at(1), &at(10), &deadline)})),
        )
        .await
        .expect(200);
        if !opens {
            let answer = app
                .post(
                    &format!("/api/v1/contests/{contest}/open"),
                    Some(&owner),
                    json!({}),
                )
                .await
                .expect_error(422, "validation_failed")
                .json();
            assert_eq!(
                answer["error"]["fields"][0]["path"], "rules.judging_deadline",
                "{answer}"
            );
        } else {
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
        }
    }
}

async fn an_admin_in_the_brand_cannot_confirm_its_funding(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    concours::app::accounts::grant_admin(&mut app.conn(), "owner@acme.example").unwrap();
    let owner = {
        let _ = owner;
        app.login("owner@acme.example").await
    };
    let funding = app
        .post(
            &format!("/api/v1/contests/{contest}/fundings"),
            Some(&owner),
            json!({"amount_cents": 700_000, "reference": "SELF-1"}),
        )
        .await
        .expect(201)
        .json();
    let confirm = format!(
        "/api/v1/admin/fundings/{}/confirm",
        funding["id"].as_str().unwrap()
    );
    app.post(&confirm, Some(&owner), json!({}))
        .await
        .expect_error(403, "forbidden");
    let other = admin(app).await;
    app.post(&confirm, Some(&other), json!({}))
        .await
        .expect(200);
}

async fn the_public_chain_names_no_member(app: &TestApp) {
    let Opened { owner, contest } = in_submission(app, &["one@jury.example"]).await;
    let _ = owner;
    let owner = app.login("owner@acme.example").await;
    let me = app.get("/api/v1/me", Some(&owner)).await.expect(200).json();
    let chain = app
        .get(&format!("/api/v1/contests/{contest}/audit"), None)
        .await
        .expect(200)
        .text;
    assert!(chain.contains("contest_opened"), "{chain}");
    assert!(!chain.contains(me["id"].as_str().unwrap()), "{chain}");
}

async fn an_author_or_juror_cannot_join_the_organising_brand_and_a_member_cannot_enter(
    app: &TestApp,
) {
    // An author who became an organiser could disqualify every rival; a juror who joined the
    // organisation would read its dashboard and come back to score.
    let j = judging(app, None, &["one@jury.example"]).await;
    let contest = app
        .get(&format!("/api/v1/contests/{}", j.contest), None)
        .await
        .expect(200)
        .json();
    let org = contest["organization_id"].as_str().unwrap().to_owned();
    for email in [j.authors[0].email.as_str(), "one@jury.example"] {
        app.post(
            &format!("/api/v1/organizations/{org}/members"),
            Some(&j.owner),
            json!({"email": email}),
        )
        .await
        .expect(201);
        let token = crate::helpers::organization_invitation_token(app, email).await;
        let session = app.login(email).await;
        app.post(
            &format!("/api/v1/organization-invitations/{token}/accept"),
            Some(&session),
            json!({}),
        )
        .await
        .expect_error(409, "conflict_of_interest");
    }
    // And a member does not enter the organisation's own contest.
    let Opened {
        owner,
        contest: fresh,
    } = in_submission_of(app, &j.owner, &org).await;
    app.person("max@acme.example", "Max Member").await;
    let max = crate::helpers::join(app, &owner, &org, "max@acme.example", "member").await;
    app.post(
        &format!("/api/v1/contests/{fresh}/ideas"),
        Some(&max),
        json!({"title": "Mine", "summary": "s", "body": "b", "accept_terms": true}),
    )
    .await
    .expect_error(409, "conflict_of_interest");
}

/// A second contest of `org`, funded, opened and taking ideas; its owner signed in again.
async fn in_submission_of(app: &TestApp, owner: &str, org: &str) -> Opened {
    let contest = app
        .post(
            "/api/v1/contests",
            Some(owner),
            json!({"organization_id": org, "title": "Second", "brief": "b", "rules": crate::helpers::rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let admin = app.login("admin@concours.example").await;
    fund(app, owner, &admin, &contest, 700_000).await;
    invite_juror(app, owner, &contest, "two@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(owner),
        json!({}),
    )
    .await
    .expect(200);
    app.advance(Duration::days(1));
    Opened {
        owner: app.login("owner@acme.example").await,
        contest,
    }
}

async fn organisations_taking_turns_cannot_flood_one_mailbox(app: &TestApp) {
    let owner = app.person("spammer@acme.example", "Sam").await.token;
    let mut answers = Vec::new();
    for i in 0..8 {
        let org = app.organization(&owner, &format!("Brand {i}")).await;
        let answer = app
            .post(
                &format!("/api/v1/organizations/{org}/members"),
                Some(&owner),
                json!({"email": "victim@example.org"}),
            )
            .await;
        answers.push(answer.status.as_u16());
    }
    assert!(answers.contains(&429), "{answers:?}");
    app.deliver_mail().await;
    let mails = app.mail_to("victim@example.org").await;
    assert!(
        mails.len() <= 5,
        "{} invitations reached one mailbox",
        mails.len()
    );
}

async fn deletion_with_the_right_password_is_limited_too(app: &TestApp) {
    // An owner cannot delete their account (409): each try still costs a password hash.
    let owner = app.person("owner@acme.example", "Olive").await.token;
    app.organization(&owner, "Acme").await;
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let answer = app
            .request(
                Method::DELETE,
                "/api/v1/me",
                Some(&owner),
                Some(json!({"password": crate::helpers::PASSWORD})),
            )
            .await;
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses[0], 409, "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
}
