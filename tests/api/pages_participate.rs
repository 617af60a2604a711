//! The pages of innovators and jurors, over HTTP as a browser sends it: submitting, previewing,
//! editing, attaching, withdrawing; accepting a jury invitation, scoring, declaring a conflict;
//! errors shown where they happen with the input kept, CSRF, escaping, French.

use chrono::Duration;
use reqwest::header::LOCATION;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{
    Draft, PASSWORD, Page, TestApp, admin, browser, csrf_of, draft, extract_link, fund,
    invite_juror, opened, page,
};

both_backends!(
    an_innovator_drafts_submits_edits_attaches_and_withdraws_through_the_pages,
    idea_pages_are_their_authors_and_need_a_signed_in_reader,
    idea_forms_escape_what_people_write_refuse_forms_without_csrf_and_speak_french,
    a_juror_accepts_scores_and_declares_a_conflict_through_the_pages,
);

const ATTACK: &str = "<script>alert('x')</script><img src=x onerror=alert(1)>";

/// A browser signed in through the sign-in page.
async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = browser();
    let form = page(&client, app, "/login", None).await.html;
    let csrf = csrf_of(&form);
    let response = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "{email} signs in");
    client
}

/// The CSRF token of this browser (every page of a signed-in reader has a form).
async fn token_of(client: &reqwest::Client, app: &TestApp) -> String {
    csrf_of(&page(client, app, "/", None).await.html)
}

/// Posts a form: (status, body, Location).
async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    let response = client
        .post(app.url(path))
        .form(fields)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let location = response
        .headers()
        .get(LOCATION)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, response.text().await.unwrap(), location)
}

/// The idea id in a redirect to its page.
fn idea_of(location: &str) -> String {
    location
        .strip_prefix("/ideas/")
        .and_then(|rest| rest.split('?').next())
        .unwrap_or_else(|| panic!("not an idea page: {location}"))
        .to_owned()
}

fn assert_escaped(html: &str, what: &str) {
    assert!(
        !html.contains("<script>alert"),
        "{what}: script not escaped"
    );
    assert!(!html.contains("<img src=x"), "{what}: element not escaped");
    assert!(
        html.contains("&lt;script&gt;"),
        "{what}: the text is shown, escaped"
    );
}

async fn an_innovator_drafts_submits_edits_attaches_and_withdraws_through_the_pages(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    let api_token = app.person("inna@example.org", "Inna").await.token;
    let client = signed_in(app, "inna@example.org").await;
    let submit_path = format!("/contests/{contest}/submit");

    let Page { status, html: form } = page(&client, app, &submit_path, None).await;
    assert_eq!(status, 200);
    assert!(form.contains("Anyone of age.") && form.contains("Authors keep their rights."));
    assert!(form.contains("name=\"accept_terms\"") && form.contains("value=\"draft\""));
    let csrf = csrf_of(&form);

    // An empty title: the error beside it, everything typed kept.
    let (status, html, _) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", " "),
            ("summary", "Refill stations in every shop"),
            ("body", "Bring your own **jar**."),
            ("accept_terms", "yes"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"title-error\"") && html.contains("aria-invalid=\"true\""));
    assert!(html.contains("Refill stations in every shop"));
    assert!(html.contains("Bring your own **jar**."));
    assert!(html.contains("name=\"accept_terms\" value=\"yes\" checked"));

    // A preview renders the Markdown below the form and saves nothing.
    let (status, html, _) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", "Refill"),
            ("summary", "Refill stations"),
            ("body", "Bring your own **jar**."),
            ("action", "preview"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("<strong>jar</strong>") && html.contains("preview-heading"));
    assert!(html.contains("value=\"Refill\""));
    let mine = app.get("/api/v1/me/ideas", Some(&api_token)).await.json();
    assert_eq!(mine["ideas"].as_array().unwrap().len(), 0);

    // Saved as a draft, then submitted from its page once the terms are accepted.
    let (status, _, location) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", "Refill"),
            ("summary", "Refill stations"),
            ("body", "Bring your own **jar**."),
            ("action", "draft"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.ends_with("?done=draft"), "{location}");
    let idea = idea_of(&location);
    let idea_path = format!("/ideas/{idea}");
    let Page { status, html } = page(&client, app, &location, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Your draft is saved") && html.contains("A draft has no receipt"));
    let (status, html, _) = post(
        &client,
        app,
        &format!("{idea_path}/submit"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"submit_accept_terms-error\""));
    let (status, _, location) = post(
        &client,
        app,
        &format!("{idea_path}/submit"),
        &[("csrf", &csrf), ("accept_terms", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.ends_with("?done=submitted"));

    // The receipt, as the API knows it.
    let html = page(&client, app, &location, None).await.html;
    let shown = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&api_token))
        .await
        .expect(200)
        .json();
    let receipt = &shown["receipt"];
    assert!(html.contains(receipt["sha256"].as_str().unwrap()));
    assert!(html.contains(receipt["rules_hash"].as_str().unwrap()));
    assert!(html.contains("Received") && html.contains(" UTC"));
    assert!(html.contains("<strong>jar</strong>"));
    assert!(html.contains("Your idea is submitted"));

    // An attachment through the upload form, downloaded with the session cookie.
    let upload = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(crate::helpers::tiny_pdf()).file_name("plan.pdf"),
        );
    let uploaded = client
        .post(app.url(&format!("{idea_path}/attachments")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), 303);
    let location = uploaded.headers()[LOCATION].to_str().unwrap().to_owned();
    let html = page(&client, app, &location, None).await.html;
    assert!(html.contains("plan.pdf") && html.contains("The file is attached"));
    let start = html.find("/api/v1/attachments/").unwrap();
    let end = start + html[start..].find('"').unwrap();
    let download = client.get(app.url(&html[start..end])).send().await.unwrap();
    assert_eq!(download.status(), 200);
    // The stored PDF, re-serialised without its metadata (issue 16.4).
    let stored = download.bytes().await.unwrap();
    lopdf::Document::load_mem(&stored).expect("a PDF");
    // A file of no accepted kind: said on the page.
    let upload = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "file",
            reqwest::multipart::Part::bytes(vec![0u8, 1, 2, 3]).file_name("x.exe"),
        );
    let refused = client
        .post(app.url(&format!("{idea_path}/attachments")))
        .multipart(upload)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 415);
    assert!(refused.text().await.unwrap().contains("role=\"alert\""));

    // An edit: a preview first, then a new revision.
    let (status, html, _) = post(
        &client,
        app,
        &format!("{idea_path}/edit"),
        &[
            ("csrf", &csrf),
            ("title", "Refill, everywhere"),
            ("summary", "Refill stations"),
            ("body", "Bring your own *jar*, anywhere."),
            ("action", "preview"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("<em>jar</em>") && html.contains("value=\"Refill, everywhere\""));
    let (status, _, location) = post(
        &client,
        app,
        &format!("{idea_path}/edit"),
        &[
            ("csrf", &csrf),
            ("title", "Refill, everywhere"),
            ("summary", "Refill stations"),
            ("body", "Bring your own *jar*, anywhere."),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let html = page(&client, app, &location, None).await.html;
    assert!(html.contains("<h1>Refill, everywhere</h1>"));
    // Revision 2 was the receipt that lists the file attached above; the edit is the third.
    assert!(html.contains("<dt>Revision</dt><dd>3</dd>"), "{html}");

    // Withdrawing asks for a confirmation.
    let Page { status, html } = page(&client, app, &format!("{idea_path}/withdraw"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains("name=\"confirm\""));
    let (status, html, _) = post(
        &client,
        app,
        &format!("{idea_path}/withdraw"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"confirm-error\""));
    let still = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&api_token))
        .await
        .json();
    assert_eq!(still["status"], "submitted");
    let (status, _, location) = post(
        &client,
        app,
        &format!("{idea_path}/withdraw"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 303);
    let html = page(&client, app, &location, None).await.html;
    assert!(html.contains("Your idea is withdrawn") && html.contains("can no longer be changed"));
    assert!(!html.contains("action=\"/ideas/"), "no form is left");

    // My ideas: the idea, its status, its contest and phase.
    let Page { status, html } = page(&client, app, "/me/ideas", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Refill, everywhere") && html.contains("Withdrawn"));
    assert!(html.contains("Greener packaging") && html.contains("Open for ideas"));
    assert!(html.contains(&format!("href=\"/ideas/{idea}\"")));
}

async fn idea_pages_are_their_authors_and_need_a_signed_in_reader(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    let token = app.person("ada@example.org", "Ada").await.token;
    let idea = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&token),
            json!({"title": "Ada's idea", "summary": "s", "body": "b", "accept_terms": true}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        format!("/ideas/{idea}"),
        format!("/ideas/{idea}/withdraw"),
        "/me/ideas".to_owned(),
        format!("/contests/{contest}/submit"),
        format!("/contests/{contest}/jury"),
        "/jury-invitations/whatever".to_owned(),
    ] {
        let response = browser().get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 303, "{path}");
        assert_eq!(
            response.headers()[LOCATION],
            format!("/login?next={path}").as_str(),
            "{path}"
        );
    }
    app.person("eve@example.org", "Eve").await;
    let eve = signed_in(app, "eve@example.org").await;
    for path in [format!("/ideas/{idea}"), format!("/ideas/{idea}/withdraw")] {
        let Page { status, html } = page(&eve, app, &path, None).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Page not found") && !html.contains("Ada&#x27;s idea"));
    }
    let csrf = token_of(&eve, app).await;
    let (status, _, _) = post(
        &eve,
        app,
        &format!("/ideas/{idea}/withdraw"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 404);
    let Page { status, html } = page(&eve, app, "/me/ideas", None).await;
    assert_eq!(status, 200);
    assert!(html.contains("You have not written an idea yet"));
    // The organisers read the idea without being able to change it.
    let owner = signed_in(app, "owner@acme.example").await;
    let Page { status, html } = page(&owner, app, &format!("/ideas/{idea}"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Ada&#x27;s idea") && html.contains("only its author can change it"));
    assert!(!html.contains("/edit\"") && !html.contains("/withdraw\""));
    // A page that does not exist.
    let status = page(&eve, app, "/ideas/no-such-idea", None).await.status;
    assert_eq!(status, 404);
}

async fn idea_forms_escape_what_people_write_refuse_forms_without_csrf_and_speak_french(
    app: &TestApp,
) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    let api_token = app.person("mallory@example.org", "Mallory").await.token;
    let client = signed_in(app, "mallory@example.org").await;
    let submit_path = format!("/contests/{contest}/submit");
    let csrf = token_of(&client, app).await;

    // Forms without the reader's token are refused, and nothing is written.
    for forged in [None, Some("0".repeat(64))] {
        let mut fields = vec![
            ("title", "Forged"),
            ("summary", "s"),
            ("body", "b"),
            ("accept_terms", "yes"),
            ("action", "submit"),
        ];
        if let Some(token) = forged.as_deref() {
            fields.push(("csrf", token));
        }
        let (status, html, _) = post(&client, app, &submit_path, &fields).await;
        assert_eq!(status, 403);
        assert!(html.contains("This form has expired"));
    }
    let mine = app.get("/api/v1/me/ideas", Some(&api_token)).await.json();
    assert!(mine["ideas"].as_array().unwrap().is_empty());

    // Script and HTML in every field: kept as typed in the form after an error, escaped.
    let body = format!("{ATTACK}\n\n[x](javascript:alert(1))");
    let (status, html, _) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", ATTACK),
            ("summary", ATTACK),
            ("body", &body),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(status, 422, "the terms are not accepted");
    assert_escaped(&html, "the form after an error");
    let (_, html, _) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", ATTACK),
            ("summary", ATTACK),
            ("body", &body),
            ("action", "preview"),
        ],
    )
    .await;
    assert_escaped(&html, "the preview");
    assert!(!html.contains("href=\"javascript:"));
    let (status, _, location) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", ATTACK),
            ("summary", ATTACK),
            ("body", &body),
            ("accept_terms", "yes"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let idea = idea_of(&location);
    for path in [format!("/ideas/{idea}"), "/me/ideas".to_owned()] {
        let Page { status, html } = page(&client, app, &path, None).await;
        assert_eq!(status, 200);
        assert_escaped(&html, &path);
        assert!(!html.contains("href=\"javascript:"), "{path}");
    }
    // Edits and withdrawals without the token are refused too.
    let (status, _, _) = post(
        &client,
        app,
        &format!("/ideas/{idea}/edit"),
        &[
            ("title", "t"),
            ("summary", "s"),
            ("body", "b"),
            ("action", "save"),
        ],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &client,
        app,
        &format!("/ideas/{idea}/withdraw"),
        &[("csrf", &"f".repeat(64)), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 403);

    // In French: the page, and the errors beside their fields.
    let Page { status, html } = page(&client, app, &format!("{submit_path}?lang=fr"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains("<html lang=\"fr\">") && html.contains("Proposer une idée"));
    assert!(html.contains("Aperçu") && html.contains("Enregistrer le brouillon"));
    let (status, html, _) = post(
        &client,
        app,
        &submit_path,
        &[
            ("csrf", &csrf),
            ("title", ""),
            ("summary", "Un résumé"),
            ("body", "Un texte"),
            ("action", "submit"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Donnez un titre") && html.contains("Acceptez les conditions"));
    assert!(html.contains("Un résumé"));
    let html = page(&client, app, &format!("/ideas/{idea}"), None)
        .await
        .html;
    assert!(html.contains("Accusé de réception") && html.contains("Soumise"));
    let html = page(&client, app, "/me/ideas", None).await.html;
    assert!(html.contains("Mes idées") && html.contains("Ouvert aux idées"));
}

/// The token of the last jury invitation `to` received.
async fn invitation_token(app: &TestApp, to: &str) -> String {
    let mails = app.mail_to(to).await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.text.contains("/jury-invitations/"))
        .expect("an invitation");
    let link = extract_link(&mail.text, "/jury-invitations/").unwrap();
    link.rsplit('/').next().unwrap().to_owned()
}

/// The entry id in the score form's action.
fn scored_entry(html: &str) -> String {
    let start = html.find("/jury/entries/").expect("a score form") + "/jury/entries/".len();
    html[start..start + 32].to_owned()
}

async fn a_juror_accepts_scores_and_declares_a_conflict_through_the_pages(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    let admin = admin(app).await;
    fund(app, &owner, &admin, &contest, 700_000).await;
    invite_juror(app, &owner, &contest, "jules@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    let token = invitation_token(app, "jules@jury.example").await;
    let invitation = format!("/jury-invitations/{token}");

    // The link asks to sign in first, and comes back.
    let anonymous = browser().get(app.url(&invitation)).send().await.unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(
        anonymous.headers()[LOCATION],
        format!("/login?next={invitation}").as_str()
    );
    app.person("jules@jury.example", "Jules").await;
    let jules = signed_in(app, "jules@jury.example").await;
    let Page { status, html } = page(&jules, app, &invitation, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Greener packaging") && html.contains("Accept the invitation"));
    let csrf = csrf_of(&html);
    let (status, _, _) = post(&jules, app, &invitation, &[]).await;
    assert_eq!(status, 403, "no CSRF token");
    let (status, _, location) = post(&jules, app, &invitation, &[("csrf", &csrf)]).await;
    assert_eq!(status, 303);
    assert_eq!(location, invitation, "judging has not started");
    let html = page(&jules, app, &invitation, None).await.html;
    assert!(html.contains("You are on this jury") && html.contains("Scoring opens"));
    let Page { status, html } = page(&jules, app, "/jury-invitations/not-a-token", None).await;
    assert_eq!(status, 404);
    assert!(html.contains("This invitation link is not valid"));

    // Two entries, one with script in every field; then judging.
    app.advance(Duration::days(1));
    for (email, title) in [("ann@example.org", ATTACK), ("bob@example.org", "Idea B")] {
        let author = app.person(email, email).await.token;
        app.post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&author),
            json!({"title": title, "summary": ATTACK, "body": format!("**{title}** {ATTACK}"), "accept_terms": true}),
        )
        .await
        .expect(201);
    }
    let jules = signed_in(app, "jules@jury.example").await;
    let Page { status, html } = page(&jules, app, &format!("/contests/{contest}/jury"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Judging starts on"), "not yet");
    app.advance(Duration::days(9));
    app.scheduler.tick().await.unwrap();
    // Sessions last hours: Jules signs in again.
    let jules = signed_in(app, "jules@jury.example").await;
    let jury = format!("/contests/{contest}/jury");
    let Page { status, html } = page(&jules, app, &jury, None).await;
    assert_eq!(status, 200);
    assert!(html.contains("<progress") && html.contains("0 of 2 entries scored"));
    assert!(html.contains("max=\"10\"") && html.contains("for=\"score-impact\""));
    assert!(html.contains("src=\"/assets/jury.js\""));
    assert_escaped(&html, "the scoring page");
    assert!(!html.contains("ann@example.org") && !html.contains("bob@example.org"));
    let csrf = csrf_of(&html);
    let first = scored_entry(&html);
    let scores = format!("{jury}/entries/{first}/scores");

    // Out of range: the same entry again, the typed values kept, the error beside it.
    let comment = format!("Nice {ATTACK}");
    let (status, html, _) = post(
        &jules,
        app,
        &scores,
        &[
            ("csrf", &csrf),
            ("score_impact", "11"),
            ("score_feasibility", "4"),
            ("comment", &comment),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("id=\"score-impact-error\"") && html.contains("value=\"11\""));
    assert!(html.contains("value=\"4\"") && !html.contains("score-feasibility-error"));
    assert_eq!(scored_entry(&html), first);
    assert_escaped(&html, "the comment kept");
    let (status, _, _) = post(
        &jules,
        app,
        &scores,
        &[("score_impact", "7"), ("score_feasibility", "4")],
    )
    .await;
    assert_eq!(status, 403, "no CSRF token");

    // Saved: on to the next entry.
    let (status, _, location) = post(
        &jules,
        app,
        &scores,
        &[
            ("csrf", &csrf),
            ("score_impact", "7"),
            ("score_feasibility", "4"),
            ("comment", &comment),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let html = page(&jules, app, &location, None).await.html;
    assert!(html.contains("Your scores are saved") && html.contains("1 of 2 entries scored"));
    let second = scored_entry(&html);
    assert_ne!(second, first);
    assert!(html.contains(&format!("?entry={first}\"")), "a link back");
    // The first entry shows what was saved.
    let html = page(&jules, app, &format!("{jury}?entry={first}"), None)
        .await
        .html;
    assert!(html.contains("value=\"7\"") && html.contains("Nice &lt;script&gt;"));

    // A conflict on the second: a reason is needed; then the entry leaves the list.
    let conflict = format!("{jury}/entries/{second}/conflict");
    let (status, html, _) = post(&jules, app, &conflict, &[("csrf", &csrf), ("reason", " ")]).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("id=\"reason-error\"") && html.contains("<details class=\"conflict\" open>")
    );
    let (status, _, location) = post(
        &jules,
        app,
        &conflict,
        &[("csrf", &csrf), ("reason", "I know the author")],
    )
    .await;
    assert_eq!(status, 303);
    let html = page(&jules, app, &location, None).await.html;
    assert!(html.contains("Your conflict of interest is recorded"));
    assert!(html.contains("1 of 1 entries scored") && html.contains("You have scored every entry"));
    let (status, _, _) = post(
        &jules,
        app,
        &format!("{jury}/entries/{second}/scores"),
        &[
            ("csrf", &csrf),
            ("score_impact", "1"),
            ("score_feasibility", "1"),
        ],
    )
    .await;
    // Answered like an entry that is not theirs (issue 16.13), not with a telling 403.
    assert_eq!(status, 404, "a conflicted entry cannot be scored");

    // In French, with the errors in French.
    let Page { status, html } = page(&jules, app, &format!("{jury}?lang=fr"), None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Notation")
            && html.contains("Vos notes")
            && html.contains("1 participations notées sur 1")
    );
    let (status, html, _) = post(
        &jules,
        app,
        &scores,
        &[
            ("csrf", &csrf),
            ("score_impact", "99"),
            ("score_feasibility", ""),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Notez Impact avec un nombre entier de 0 à 10."));
    assert!(html.contains("Notez Feasibility avec un nombre entier de 0 à 5."));
    assert!(html.contains("value=\"99\""));

    // Someone who is not on the jury is refused.
    let Page { status, html } =
        page(&signed_in(app, "ann@example.org").await, app, &jury, None).await;
    assert_eq!(status, 403);
    assert!(html.contains("You are not on this contest"));
}
