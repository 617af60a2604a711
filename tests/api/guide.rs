//! The brand's management page guides each phase (issue 19): "What needs you now" at the top,
//! the opening checklist with every failing condition at once (the same list `open` refuses
//! with), the confirmation steps before disqualifying and awarding, the announcement's
//! preview, the success notices; and the people it must refuse.

use chrono::Duration;
use reqwest::header::LOCATION;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{
    Draft, Judging, LoggedIn, Opened, Page, TestApp, admin, draft, fund, judging, logged_in,
    opened, page, rules_at,
};

both_backends!(
    the_checklist_shows_every_failing_condition_and_opening_waits_for_it,
    disqualifying_and_awarding_ask_first,
    an_announcement_is_previewed_before_it_is_sent,
    another_brand_gets_nothing_from_the_guide,
);

async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let answer = client.post(app.url(path)).form(form).send().await.unwrap();
    let status = answer.status().as_u16();
    let location = answer
        .headers()
        .get(LOCATION)
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, answer.text().await.unwrap())
}

fn at(app: &TestApp, days: i64) -> String {
    (concours::clock::Clock::now(&app.clock) + Duration::days(days))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// The part of the page before `marker` (the guide sits above every section).
fn before<'a>(html: &'a str, marker: &str) -> &'a str {
    &html[..html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker}: {html}"))]
}

async fn phase(app: &TestApp, owner: &str, contest: &str) -> String {
    app.get(&format!("/api/v1/contests/{contest}"), Some(owner))
        .await
        .expect(200)
        .json()["phase"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn the_checklist_shows_every_failing_condition_and_opening_waits_for_it(app: &TestApp) {
    let Draft { contest, .. } = draft(app).await;
    // The submission deadline passes while the draft waits: dates, escrow and jury all fail.
    app.advance(Duration::days(11));
    let owner = app.login("owner@acme.example").await;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    let manage_path = format!("/contests/{contest}/manage");
    let Page { status, html } = page(&client, app, &manage_path, None).await;
    assert_eq!(status, 200);
    let guide = before(&html, r#"id="fundings""#);
    assert!(guide.contains("What needs you now"), "{guide}");
    assert_eq!(guide.matches(r#"<li class="todo">"#).count(), 3, "{guide}");
    assert_eq!(guide.matches(r#"<li class="ok">"#).count(), 1, "{guide}");
    for wanted in [
        "The submission deadline has passed",
        "Escrow confirmed: 0.00 EUR of 7,000.00 EUR",
        "Jurors: 0 invited of the 1 the rules ask for (0 accepted)",
        "Invite 1 more juror(s) below",
    ] {
        assert!(guide.contains(wanted), "{wanted}: {guide}");
    }
    // Open is disabled, and the confirmation is not asked for.
    assert!(guide.contains("disabled"), "{guide}");
    assert!(!html.contains(&format!(r#"href="/contests/{contest}/open""#)));
    let answer = client
        .get(app.url(&format!("/contests/{contest}/open")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(answer.headers()[LOCATION], format!("{manage_path}#guide"));
    for form in [
        vec![("csrf", csrf.as_str()), ("confirm", "yes")],
        vec![("csrf", csrf.as_str())],
    ] {
        let (status, _, body) =
            post(&client, app, &format!("/contests/{contest}/open"), &form).await;
        assert_eq!(status, 422, "{body}");
        let top = before(&body, r#"id="fundings""#);
        assert!(
            top.contains("error-summary") && top.contains(r#"id="open""#),
            "{top}"
        );
        assert!(!body.contains("frozen for good"), "no confirmation: {body}");
    }
    assert_eq!(phase(app, &owner, &contest).await, "draft");
    // The API refuses with its status and code as before, the dates first.
    let refused = app
        .post(
            &format!("/api/v1/contests/{contest}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(422)
        .json();
    assert_eq!(refused["error"]["code"], "validation_failed");
    assert_eq!(
        refused["error"]["fields"][0]["path"],
        "rules.submission_deadline"
    );

    // The dates fixed: escrow and jury still fail, both named at once.
    let mut rules = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json()["rules"]
        .clone();
    let fresh = rules_at(&at(app, 1), &at(app, 10), &at(app, 20));
    for key in ["opens_at", "submission_deadline", "judging_deadline"] {
        rules[key] = fresh[key].clone();
    }
    app.request(
        reqwest::Method::PATCH,
        &format!("/api/v1/contests/{contest}"),
        Some(&owner),
        Some(json!({"rules": rules})),
    )
    .await
    .expect(200);
    let refused = app
        .post(
            &format!("/api/v1/contests/{contest}/open"),
            Some(&owner),
            json!({}),
        )
        .await
        .expect(409)
        .json();
    assert_eq!(refused["error"]["code"], "not_funded");
    let message = refused["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("escrow") && message.contains("juror"),
        "{message}"
    );
    let (status, _, body) = post(
        &client,
        app,
        &format!("/contests/{contest}/open"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 409);
    let top = before(&body, r#"id="fundings""#);
    assert_eq!(top.matches(r#"<li class="todo">"#).count(), 2, "{top}");
    assert!(top.contains("Confirmed escrow covers") && top.contains("juror(s) invited"));

    // Each form of the draft says it worked.
    let (status, location, _) = post(
        &client,
        app,
        &format!("{manage_path}/fundings"),
        &[("csrf", &csrf), ("amount", "7000"), ("reference", "T-1")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, &*format!("{manage_path}?done=funding#fundings"))
    );
    let shown = page(&client, app, &location, None).await.html;
    assert!(
        shown.contains(
            r#"<p class="notice success" role="status" data-focus>The transfer is recorded."#
        ),
        "{shown}"
    );
    let (_, location, _) = post(
        &client,
        app,
        &format!("{manage_path}/jurors"),
        &[("csrf", &csrf), ("email", "jo@jury.example")],
    )
    .await;
    assert_eq!(location, format!("{manage_path}?done=juror#jurors"));
    assert!(
        page(&client, app, &location, None)
            .await
            .html
            .contains("The invitation is sent.")
    );
    let (_, location, _) = post(
        &client,
        app,
        &format!("{manage_path}/jury-settings"),
        &[("csrf", &csrf), ("reviews_per_entry", "")],
    )
    .await;
    assert_eq!(
        location,
        format!("{manage_path}?done=settings#jury-settings")
    );
    assert!(
        page(&client, app, &location, None)
            .await
            .html
            .contains("The jury settings are saved.")
    );
    let (status, _, body) = post(
        &client,
        app,
        &format!("{manage_path}/jurors"),
        &[("csrf", &csrf), ("email", "not an address")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains(r##"<a href="#juror-email">"##), "{body}");
    // An unknown notice shows nothing.
    let shown = page(&client, app, &format!("{manage_path}?done=bogus"), None)
        .await
        .html;
    assert!(!shown.contains("notice success"));

    // Confirmed by an admin: every line ticked, Open enabled, then the confirmation.
    let staff = admin(app).await;
    fund(app, &owner, &staff, &contest, 700_000).await;
    let html = page(&client, app, &manage_path, None).await.html;
    let guide = before(&html, r#"id="fundings""#);
    assert_eq!(guide.matches(r#"<li class="ok">"#).count(), 4, "{guide}");
    assert!(!guide.contains("todo"));
    assert!(guide.contains(&format!(r#"href="/contests/{contest}/open""#)));
    let confirm = page(&client, app, &format!("/contests/{contest}/open"), None).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.html.contains("frozen for good") && confirm.html.contains("danger confirm"));
    let (status, _, body) = post(
        &client,
        app,
        &format!("/contests/{contest}/open"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("error-summary") && body.contains("Tick the box"));
    let (status, location, _) = post(
        &client,
        app,
        &format!("/contests/{contest}/open"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, &*format!("{manage_path}?done=opened#guide"))
    );
    // Open: no set-up text any more; the unaccepted invitation is a warning at the top.
    for lang in [None, Some("fr")] {
        let path = match lang {
            Some(lang) => format!("{manage_path}?done=opened&lang={lang}"),
            None => location.clone(),
        };
        let html = page(&client, app, &path, None).await.html;
        let top = before(&html, r#"id="jurors""#);
        if lang.is_none() {
            assert!(top.contains("The contest is open"), "{top}");
            assert!(
                top.contains("1 jury invitation(s) not accepted yet")
                    && top.contains("jo@jury.example")
            );
            assert!(top.contains("Ideas submitted so far: 0."));
            assert!(
                !html.contains("juror(s) to open")
                    && !html.contains("before the contest can open")
                    && !html.contains("checklist"),
                "{html}"
            );
        } else {
            assert!(top.contains("Le concours est ouvert"), "{top}");
            assert!(top.contains("invitation(s) au jury pas encore acceptée(s)"));
            assert!(
                !html.contains("pour ouvrir") && !html.contains("checklist"),
                "{html}"
            );
        }
    }
    assert_eq!(phase(app, &owner, &contest).await, "upcoming");
}

async fn disqualifying_and_awarding_ask_first(app: &TestApp) {
    let Judging {
        owner,
        contest,
        ideas,
        ..
    } = judging(app, None, &["one@jury.example"]).await;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    let manage_path = format!("/contests/{contest}/manage");
    let html = page(&client, app, &manage_path, None).await.html;
    let top = before(&html, r#"id="ideas""#);
    assert!(
        top.contains("0 of 1 juror(s) have finished scoring"),
        "{top}"
    );
    assert!(top.contains("manage/remind") && top.contains(r#"class="danger">Award"#));
    assert!(html.contains(r#"<button type="submit" class="danger">Disqualify</button>"#));
    let disqualify = format!("{manage_path}/ideas/{}/disqualify", ideas[0]);
    let disqualified = |html: &str| html.matches(">disqualified</td>").count();
    assert_eq!(disqualified(&html), 0);

    // Without its confirmation, nothing changes: the step names the idea and what follows.
    let (status, _, body) = post(
        &client,
        app,
        &disqualify,
        &[("csrf", &csrf), ("reason", "Copied <b>word</b> for word")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let step = before(&body, r#"id="guide""#);
    assert!(step.contains("Disqualify “Idea A”?"), "{step}");
    assert!(step.contains("goes as the rules say") && step.contains("Copied &lt;b&gt;word"));
    assert!(
        step.contains(r#"class="danger confirm""#)
            && step.contains(r#"name="confirm" value="yes""#)
    );
    assert_eq!(
        disqualified(&page(&client, app, &manage_path, None).await.html),
        0
    );
    // An empty reason is asked for, in the ideas' section.
    let (status, _, body) = post(
        &client,
        app,
        &disqualify,
        &[("csrf", &csrf), ("reason", " ")],
    )
    .await;
    assert_eq!(status, 422);
    let section = &body[body.find(r#"id="ideas""#).unwrap()..];
    assert!(section.contains("error-summary") && section.contains("Write the reason"));
    // The confirmation needs its CSRF token like every form.
    let (status, _, _) = post(
        &client,
        app,
        &disqualify,
        &[("csrf", "forged"), ("reason", "Copied"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        disqualified(&page(&client, app, &manage_path, None).await.html),
        0
    );
    // An idea of no contest: nothing to confirm.
    let (status, _, _) = post(
        &client,
        app,
        &format!("{manage_path}/ideas/00000000-0000-0000-0000-000000000000/disqualify"),
        &[("csrf", &csrf), ("reason", "Copied")],
    )
    .await;
    assert_eq!(status, 404);
    let (status, location, _) = post(
        &client,
        app,
        &disqualify,
        &[("csrf", &csrf), ("reason", "Copied"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, &*format!("{manage_path}?done=disqualified#ideas"))
    );
    let html = page(&client, app, &location, None).await.html;
    assert!(html.contains("The idea is disqualified"));
    assert_eq!(disqualified(&html), 1);

    // Reminders say they went.
    let (_, location, _) = post(
        &client,
        app,
        &format!("{manage_path}/remind"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(location, format!("{manage_path}?done=reminded#guide"));

    // Awarding asks first; the refusal (sheets left) shows at the top, in the guide.
    let award = format!("{manage_path}/award");
    let (status, _, body) = post(&client, app, &award, &[("csrf", &csrf)]).await;
    assert_eq!(status, 200);
    let step = before(&body, r#"id="guide""#);
    assert!(
        step.contains("Award the contest now?") && step.contains("danger confirm"),
        "{step}"
    );
    assert_eq!(phase(app, &owner, &contest).await, "judging");
    let (status, _, body) =
        post(&client, app, &award, &[("csrf", &csrf), ("confirm", "yes")]).await;
    assert_eq!(status, 409, "{body}");
    let top = before(&body, r#"id="ideas""#);
    assert!(
        top.contains(r#"id="guide""#) && top.contains("error-summary"),
        "{top}"
    );
    assert_eq!(phase(app, &owner, &contest).await, "judging");
}

async fn an_announcement_is_previewed_before_it_is_sent(app: &TestApp) {
    let Opened { owner, contest } = opened(app).await;
    let LoggedIn { client, csrf } = logged_in(app, "owner@acme.example", None).await;
    let path = format!("/contests/{contest}/manage/announcements");
    let news = || async {
        app.get(&format!("/api/v1/contests/{contest}/announcements"), None)
            .await
            .text
    };
    let (status, _, body) = post(
        &client,
        app,
        &path,
        &[("csrf", &csrf), ("body", "  The <i>deadline</i> stays.  ")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let step = before(&body, r#"id="guide""#);
    assert!(step.contains("Preview of your announcement"), "{step}");
    assert!(step.contains("The &lt;i&gt;deadline&lt;&#x2F;i&gt; stays."));
    assert!(step.contains(r#"name="send""#) && step.contains(r#"name="edit""#));
    // The preview sends nothing.
    assert!(!news().await.contains("deadline"));
    let audit = app
        .get(&format!("/api/v1/contests/{contest}/audit"), None)
        .await
        .text;
    assert!(!audit.contains(r#""kind":"announcement""#), "{audit}");
    // "Edit": the text back in its form, no preview.
    let (status, _, body) = post(
        &client,
        app,
        &path,
        &[
            ("csrf", &csrf),
            ("body", "The deadline stays."),
            ("edit", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(!body.contains("Preview of your announcement"));
    assert!(
        body.contains("autofocus>The deadline stays.</textarea>"),
        "{body}"
    );
    // An empty text is refused in its section, before any preview.
    let (status, _, body) = post(&client, app, &path, &[("csrf", &csrf), ("body", " ")]).await;
    assert_eq!(status, 422);
    let section = &body[body.find(r#"id="announcements""#).unwrap()..];
    assert!(section.contains("error-summary") && section.contains(r#"id="announcement-error""#));
    // Forged: refused, nothing sent.
    let (status, _, _) = post(
        &client,
        app,
        &path,
        &[("csrf", "forged"), ("body", "Forged"), ("send", "yes")],
    )
    .await;
    assert_eq!(status, 403);
    // "Send" from the preview.
    let (status, location, _) = post(
        &client,
        app,
        &path,
        &[
            ("csrf", &csrf),
            ("body", "The deadline stays."),
            ("send", "yes"),
        ],
    )
    .await;
    assert_eq!(
        (status, location),
        (
            303,
            format!("/contests/{contest}/manage?done=announced#announcements")
        )
    );
    let shown = news().await;
    assert!(shown.contains("The deadline stays.") && !shown.contains("Forged"));
    let html = page(
        &client,
        app,
        &format!("/contests/{contest}/manage?done=announced"),
        None,
    )
    .await
    .html;
    assert!(html.contains("The announcement is published"));
    let _ = owner;
}

async fn another_brand_gets_nothing_from_the_guide(app: &TestApp) {
    // A contest in judging, and a draft of the same brand.
    let Judging {
        owner,
        contest: judged,
        ideas,
        ..
    } = judging(app, None, &["one@jury.example"]).await;
    let organization = app.get("/api/v1/organizations", Some(&owner)).await.json()["organizations"]
        [0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let contest = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": organization, "title": "Secret plans", "brief": "b", "rules": crate::helpers::rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rival = app.person("rival@else.example", "Rival").await.token;
    app.organization(&rival, "Else").await;
    let LoggedIn { client, csrf } = logged_in(app, "rival@else.example", None).await;
    // A draft of another brand: no such page, no checklist, no confirmation, no opening.
    for path in [
        format!("/contests/{contest}/manage"),
        format!("/contests/{contest}/manage?done=opened"),
        format!("/contests/{contest}/open"),
    ] {
        assert_eq!(page(&client, app, &path, None).await.status, 404, "{path}");
    }
    for form in [
        vec![("csrf", csrf.as_str()), ("confirm", "yes")],
        vec![("csrf", csrf.as_str())],
    ] {
        let (status, _, body) =
            post(&client, app, &format!("/contests/{contest}/open"), &form).await;
        assert_eq!(status, 404);
        assert!(!body.contains("Secret plans") && !body.contains("checklist"));
    }
    assert_eq!(phase(app, &owner, &contest).await, "draft");
    // Signed out: to the sign-in page.
    let anonymous = crate::helpers::browser();
    let answer = anonymous
        .get(app.url(&format!("/contests/{contest}/open")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303);

    // Judging: another brand learns nothing of the ideas, and cannot disqualify.
    let disqualify = format!("/contests/{judged}/manage/ideas/{}/disqualify", ideas[0]);
    for form in [
        vec![("csrf", csrf.as_str()), ("reason", "Mine now")],
        vec![
            ("csrf", csrf.as_str()),
            ("reason", "Mine now"),
            ("confirm", "yes"),
        ],
    ] {
        let (status, _, body) = post(&client, app, &disqualify, &form).await;
        assert_eq!(status, 404, "{body}");
        assert!(!body.contains("Idea A"));
    }
    let (status, _, body) = post(
        &client,
        app,
        &format!("/contests/{judged}/manage/award"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 403, "as for the page itself");
    assert!(!body.contains("Award the contest now?"));
}
