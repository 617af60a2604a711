//! Innovators never lose work (issue 19): title-only drafts, a refused submission kept as a
//! draft (with "resend the verification mail" beside it), files on the submission form,
//! removable by their author until the deadline and listed in the receipt, per-field errors
//! with their summary, the contest page's call to action and My ideas' next steps; and the
//! attacks: another author's file, the deadline, a withdrawn idea, a malformed form.

use chrono::Duration;
use reqwest::header::LOCATION;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, browser, judging, logged_in, opened, page, signed_in, tiny_pdf};

both_backends!(
    a_draft_needs_only_its_title_and_submitting_names_every_missing_field,
    files_on_the_submission_form_are_in_the_receipt_and_its_hash,
    a_refused_submission_is_kept_as_a_draft_with_a_resend_button,
    only_the_author_removes_a_file_and_only_before_the_deadline,
    a_malformed_submission_form_is_refused_without_a_server_error,
    the_contest_page_offers_what_the_reader_can_do_and_my_ideas_says_what_is_next,
    a_juror_and_the_organisers_never_get_the_authors_file_list_or_its_removal,
);

/// Posts a urlencoded form: (status, body, Location).
async fn post(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String) {
    answer(
        client
            .post(app.url(path))
            .form(fields)
            .send()
            .await
            .unwrap(),
    )
    .await
}

/// Posts a multipart form: (status, body, Location).
async fn post_multipart(
    client: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: Form,
) -> (u16, String, String) {
    answer(
        client
            .post(app.url(path))
            .multipart(form)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn answer(response: reqwest::Response) -> (u16, String, String) {
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
        .and_then(|rest| rest.split(['?', '#']).next())
        .unwrap_or_else(|| panic!("not an idea page: {location}"))
        .to_owned()
}

/// The submission form with its text fields, the button pressed and `files`.
fn submission(csrf: &str, fields: &[(&str, &str)], files: &[(&str, Vec<u8>)]) -> Form {
    let mut form = Form::new().text("csrf", csrf.to_owned());
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    for (name, bytes) in files {
        form = form.part(
            "file",
            Part::bytes(bytes.clone()).file_name(name.to_string()),
        );
    }
    form
}

const FULL: [(&str, &str); 4] = [
    ("title", "Refill"),
    ("summary", "Refill stations in every shop"),
    ("body", "Bring your own **jar**."),
    ("accept_terms", "yes"),
];

/// The first attachment id on an idea's page.
fn first_attachment(html: &str) -> String {
    let start = html.find("/api/v1/attachments/").expect("an attachment") + 20;
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn a_draft_needs_only_its_title_and_submitting_names_every_missing_field(app: &TestApp) {
    let contest = opened(app).await.contest;
    let inna = app.person("inna@example.org", "Inna").await.token;
    // Before the opening, a draft with nothing but a title (summary and body absent).
    let draft = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&inna),
            json!({"title": "Refill", "draft": true}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["summary"], "");
    let id = draft["id"].as_str().unwrap().to_owned();
    // An empty title is still refused, even in a draft.
    app.post(
        &format!("/api/v1/contests/{contest}/ideas"),
        Some(&inna),
        json!({"title": " ", "draft": true}),
    )
    .await
    .expect(422);
    app.advance(Duration::days(1));
    let inna = app.login("inna@example.org").await;
    // Submitting the draft names every missing field at once, and changes nothing.
    let refused = app
        .post(
            &format!("/api/v1/ideas/{id}/submit"),
            Some(&inna),
            json!({"accept_terms": false}),
        )
        .await
        .expect(422)
        .json();
    let fields: Vec<&str> = refused["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for field in ["summary", "body", "accept_terms"] {
        assert!(fields.contains(&field), "{field} named: {refused}");
    }
    let still = app.get(&format!("/api/v1/ideas/{id}"), Some(&inna)).await;
    assert_eq!(still.json()["status"], "draft");
    // A draft edited with its title only stays a draft; once complete, it is submitted.
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/ideas/{id}"),
        Some(&inna),
        Some(json!({"title": "Refill, everywhere"})),
    )
    .await
    .expect(200);
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/ideas/{id}"),
        Some(&inna),
        Some(json!({"title": "Refill", "summary": "Stations", "body": "Jars."})),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/ideas/{id}/submit"),
        Some(&inna),
        json!({"accept_terms": true}),
    )
    .await
    .expect(200);
    // A submitted idea still needs everything.
    app.request(
        reqwest::Method::PUT,
        &format!("/api/v1/ideas/{id}"),
        Some(&inna),
        Some(json!({"title": "Refill"})),
    )
    .await
    .expect(422);

    // Through the page: a title-only draft, in French, and the errors of a submission that
    // lacks its text, each naming its field, linked from the summary.
    let browser = logged_in(app, "inna@example.org", Some("fr")).await;
    let path = format!("/contests/{contest}/submit");
    let form = submission(
        &browser.csrf,
        &[("title", "Vrac"), ("action", "draft")],
        &[],
    );
    let (status, _, location) = post_multipart(&browser.client, app, &path, form).await;
    assert_eq!(status, 303);
    assert!(location.ends_with("?done=draft"), "{location}");
    let html = page(&browser.client, app, &location, Some("fr")).await.html;
    assert!(html.contains("class=\"notice success\" role=\"status\" data-focus"));
    let (status, html, _) = post(
        &browser.client,
        app,
        &format!("{}/submit?lang=fr", location.split('?').next().unwrap()),
        &[("csrf", &browser.csrf)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("class=\"error-summary\" role=\"alert\" tabindex=\"-1\""));
    assert!(
        html.contains("href=\"#summary\">Écrivez un résumé"),
        "{html}"
    );
    assert!(html.contains("href=\"#body\">Décrivez votre idée"));
    assert!(html.contains("href=\"#submit_accept_terms\">Acceptez les conditions"));
    assert!(html.contains("id=\"summary-error\"") && html.contains("id=\"body-error\""));
}

async fn files_on_the_submission_form_are_in_the_receipt_and_its_hash(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    let inna = app.person("inna@example.org", "Inna").await.token;
    let browser = logged_in(app, "inna@example.org", None).await;
    let path = format!("/contests/{contest}/submit");
    let form_page = page(&browser.client, app, &path, None).await.html;
    assert!(
        form_page.contains("enctype=\"multipart/form-data\"") && form_page.contains("multiple")
    );
    let mut fields = FULL.to_vec();
    fields.push(("action", "submit"));
    let form = submission(
        &browser.csrf,
        &fields,
        &[
            ("plan.pdf", tiny_pdf()),
            ("notes.txt", b"Jars on shelves.".to_vec()),
        ],
    );
    let (status, _, location) = post_multipart(&browser.client, app, &path, form).await;
    assert_eq!(status, 303, "submitted");
    assert!(location.ends_with("?done=submitted"));
    let id = idea_of(&location);
    let idea = app
        .get(&format!("/api/v1/ideas/{id}"), Some(&inna))
        .await
        .expect(200)
        .json();
    assert_eq!(idea["status"], "submitted");
    assert_eq!(
        idea["receipt"]["revision"], 1,
        "one receipt, files included"
    );
    let files = idea["attachments"].as_array().unwrap().clone();
    assert_eq!(files.len(), 2);
    // The receipt's hash covers the content and the files, in the order they are listed.
    let listed: Vec<Value> = files
        .iter()
        .map(|f| json!({"filename": f["filename"], "size": f["size"], "sha256": f["sha256"]}))
        .collect();
    let expected = concours::domain::canonical::hash(&json!({
        "title": "Refill", "summary": "Refill stations in every shop",
        "body": "Bring your own **jar**.", "attachments": listed,
    }));
    assert_eq!(idea["receipt"]["sha256"], expected.as_str());
    // The receipt page lists each file with its size and SHA-256; so does the mail.
    let html = page(&browser.client, app, &location, None).await.html;
    for file in &files {
        assert!(html.contains(file["filename"].as_str().unwrap()));
        assert!(html.contains(file["sha256"].as_str().unwrap()));
    }
    assert!(html.contains("<h3>Files</h3>"));
    let mails = app.mail_to("inna@example.org").await;
    let receipt = mails.last().unwrap();
    assert!(receipt.text.contains("plan.pdf") && receipt.html.contains("notes.txt"));
    assert!(receipt.text.contains(files[0]["sha256"].as_str().unwrap()));

    // An idea without files hashes exactly as receipts always did.
    let olga = app.person("olga@example.org", "Olga").await.token;
    let plain = app
        .post(
            &format!("/api/v1/contests/{contest}/ideas"),
            Some(&olga),
            json!({"title": "Bulk", "summary": "Sell in bulk", "body": "No packaging.", "accept_terms": true}),
        )
        .await
        .expect(201)
        .json();
    let before = concours::domain::ideas::content_digest("Bulk", "Sell in bulk", "No packaging.");
    assert_eq!(plain["receipt"]["sha256"], before.as_str());
}

async fn a_refused_submission_is_kept_as_a_draft_with_a_resend_button(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    // Registered, signed in, not verified.
    app.register("new@example.org", "Nina").await;
    let browser = logged_in(app, "new@example.org", None).await;
    let mails_before = app.mail_to("new@example.org").await.len();
    let path = format!("/contests/{contest}/submit");
    let mut fields = FULL.to_vec();
    fields.push(("action", "submit"));
    let form = submission(&browser.csrf, &fields, &[("plan.pdf", tiny_pdf())]);
    let (status, html, _) = post_multipart(&browser.client, app, &path, form).await;
    assert_eq!(status, 403, "not submitted");
    assert!(html.contains("Your text is saved as a draft"), "{html}");
    assert!(html.contains("Resend the verification mail"));
    assert!(html.contains("plan.pdf"), "the file is kept with the draft");
    let token = app.login("new@example.org").await;
    let mine = app.get("/api/v1/me/ideas", Some(&token)).await.json();
    let ideas = mine["ideas"].as_array().unwrap();
    assert_eq!(ideas.len(), 1);
    assert_eq!(ideas[0]["status"], "draft");
    assert_eq!(ideas[0]["attachments"].as_array().unwrap().len(), 1);
    let id = ideas[0]["id"].as_str().unwrap().to_owned();
    // The button sends a new link, with the account's usual limits.
    let (status, _, location) = post(
        &browser.client,
        app,
        &format!("/ideas/{id}/verification"),
        &[("csrf", &browser.csrf)],
    )
    .await;
    assert_eq!(status, 303);
    assert!(location.ends_with("?done=verification_sent"));
    assert_eq!(app.mail_to("new@example.org").await.len(), mails_before + 1);
    // Without its token the form is refused; for someone else's idea it is not found.
    let (status, _, _) = post(
        &browser.client,
        app,
        &format!("/ideas/{id}/verification"),
        &[],
    )
    .await;
    assert_eq!(status, 403);
    app.person("other@example.org", "Otto").await;
    let other = logged_in(app, "other@example.org", None).await;
    let (status, _, _) = post(
        &other.client,
        app,
        &format!("/ideas/{id}/verification"),
        &[("csrf", &other.csrf)],
    )
    .await;
    assert_eq!(status, 404);

    // A verified person who forgets the terms: kept as a draft too, the terms named.
    let form = submission(
        &other.csrf,
        &[
            ("title", "Bulk"),
            ("summary", "Bulk"),
            ("body", "Bulk."),
            ("action", "submit"),
        ],
        &[],
    );
    let (status, html, _) = post_multipart(&other.client, app, &path, form).await;
    assert_eq!(status, 422);
    assert!(html.contains("Your text is saved as a draft"));
    assert!(html.contains("href=\"#submit_accept_terms\""));
    assert!(!html.contains("Resend the verification mail"));
    // Without a title nothing can be saved: the form again, the title named.
    let form = submission(&other.csrf, &[("title", ""), ("action", "submit")], &[]);
    let (status, html, _) = post_multipart(&other.client, app, &path, form).await;
    assert_eq!(status, 422);
    assert!(html.contains("href=\"#title\">Give a title."), "{html}");
}

async fn only_the_author_removes_a_file_and_only_before_the_deadline(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    let inna = app.person("inna@example.org", "Inna").await.token;
    let author = logged_in(app, "inna@example.org", None).await;
    app.person("mallory@example.org", "Mallory").await;
    let mallory = logged_in(app, "mallory@example.org", None).await;
    let path = format!("/contests/{contest}/submit");
    let submit = |csrf: &str, title: &str, action: &str, file: &str| {
        let mut fields = FULL.to_vec();
        fields[0] = ("title", title);
        fields.push(("action", action));
        submission(csrf, &fields, &[(file, tiny_pdf())])
    };
    let (_, _, location) = post_multipart(
        &author.client,
        app,
        &path,
        submit(&author.csrf, "Refill", "submit", "a.pdf"),
    )
    .await;
    let idea = idea_of(&location);
    let html = page(&author.client, app, &location, None).await.html;
    let file = first_attachment(&html);
    let remove = format!("/ideas/{idea}/attachments/{file}/remove");
    assert!(html.contains(&remove) && html.contains("class=\"button danger\""));

    // Another person: the confirmation and the removal are not found, the file stays.
    assert_eq!(page(&mallory.client, app, &remove, None).await.status, 404);
    let (status, html, _) = post(&mallory.client, app, &remove, &[("csrf", &mallory.csrf)]).await;
    assert_eq!(status, 404);
    assert!(!html.contains("a.pdf"));
    // Nor may they attach a file to someone else's idea, or see its files.
    let upload = Form::new()
        .text("csrf", mallory.csrf.clone())
        .part("file", Part::bytes(tiny_pdf()).file_name("x.pdf"));
    let (status, html, _) = post_multipart(
        &mallory.client,
        app,
        &format!("/ideas/{idea}/attachments"),
        upload,
    )
    .await;
    assert_eq!(status, 404);
    assert!(!html.contains("a.pdf"));
    let html = page(&mallory.client, app, &format!("/ideas/{idea}"), None).await;
    assert_eq!(html.status, 404);
    assert!(!html.html.contains("a.pdf"));
    // A file of another idea of the author's, named through this idea: not found.
    let (_, _, draft_location) = post_multipart(
        &author.client,
        app,
        &path,
        submit(&author.csrf, "Bulk", "draft", "b.pdf"),
    )
    .await;
    let draft = idea_of(&draft_location);
    let draft_html = page(&author.client, app, &draft_location, None).await.html;
    let draft_file = first_attachment(&draft_html);
    let crossed = format!("/ideas/{idea}/attachments/{draft_file}/remove");
    let (status, _, _) = post(&author.client, app, &crossed, &[("csrf", &author.csrf)]).await;
    assert_eq!(status, 404);
    // Mallory cannot remove the draft's file either.
    let draft_remove = format!("/ideas/{draft}/attachments/{draft_file}/remove");
    let (status, _, _) = post(
        &mallory.client,
        app,
        &draft_remove,
        &[("csrf", &mallory.csrf)],
    )
    .await;
    assert_eq!(status, 404);
    // Without the CSRF token: refused.
    let (status, _, _) = post(&author.client, app, &remove, &[]).await;
    assert_eq!(status, 403);

    // The author: a confirmation step, then the file is gone with a new receipt.
    let confirm = page(&author.client, app, &remove, None).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.html.contains("class=\"danger confirm\"") && confirm.html.contains("a.pdf"));
    let (status, _, location) = post(&author.client, app, &remove, &[("csrf", &author.csrf)]).await;
    assert_eq!(status, 303);
    assert!(location.contains("?done=removed"), "{location}");
    let shown = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&inna))
        .await
        .json();
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 0);
    assert_eq!(shown["receipt"]["revision"], 2);
    let html = page(&author.client, app, &location, None).await.html;
    assert!(html.contains("The file is removed"));

    // A withdrawn idea's files are frozen.
    let (_, _, _) = post(
        &author.client,
        app,
        &format!("/ideas/{draft}/withdraw"),
        &[("csrf", &author.csrf), ("confirm", "yes")],
    )
    .await;
    let (status, _, _) = post(
        &author.client,
        app,
        &draft_remove,
        &[("csrf", &author.csrf)],
    )
    .await;
    assert_eq!(status, 409);
    let withdrawn = app
        .get(&format!("/api/v1/ideas/{draft}"), Some(&inna))
        .await
        .json();
    assert_eq!(withdrawn["attachments"].as_array().unwrap().len(), 1);

    // After the deadline: refused, nothing removed.
    let upload = Form::new()
        .text("csrf", author.csrf.clone())
        .part("file", Part::bytes(tiny_pdf()).file_name("c.pdf"));
    let (status, _, _) = post_multipart(
        &author.client,
        app,
        &format!("/ideas/{idea}/attachments"),
        upload,
    )
    .await;
    assert_eq!(status, 303);
    let html = page(&author.client, app, &format!("/ideas/{idea}"), None)
        .await
        .html;
    let late_file = first_attachment(&html);
    app.advance(Duration::days(10));
    let author = logged_in(app, "inna@example.org", None).await;
    let inna = app.login("inna@example.org").await;
    let late = format!("/ideas/{idea}/attachments/{late_file}/remove");
    let (status, html, _) = post(&author.client, app, &late, &[("csrf", &author.csrf)]).await;
    assert_eq!(status, 409);
    assert!(html.contains("role=\"alert\""));
    let shown = app
        .get(&format!("/api/v1/ideas/{idea}"), Some(&inna))
        .await
        .json();
    assert_eq!(shown["attachments"].as_array().unwrap().len(), 1);
    let html = page(&author.client, app, &format!("/ideas/{idea}"), None)
        .await
        .html;
    assert!(
        !html.contains("/remove\""),
        "no removal offered after the deadline"
    );
}

async fn a_malformed_submission_form_is_refused_without_a_server_error(app: &TestApp) {
    let contest = opened(app).await.contest;
    app.advance(Duration::days(1));
    app.person("inna@example.org", "Inna").await;
    let author = logged_in(app, "inna@example.org", None).await;
    let path = format!("/contests/{contest}/submit");
    for (content_type, body) in [
        (
            "multipart/form-data; boundary=xyz",
            "--xyz\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nno end",
        ),
        ("multipart/form-data", "garbage"),
        (
            "multipart/form-data; boundary=xyz",
            "--xyz\r\nnot a header\r\n\r\n--xyz--",
        ),
        ("application/x-www-form-urlencoded", "%%%"),
        ("application/json", "{}"),
    ] {
        let response = author
            .client
            .post(app.url(&path))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{content_type}: {status}");
    }
    // A file that is no accepted kind: the text is kept as a draft, the file named.
    let mut fields = FULL.to_vec();
    fields.push(("action", "submit"));
    let form = submission(&author.csrf, &fields, &[("x.exe", vec![0u8, 1, 2, 3])]);
    let (status, html, _) = post_multipart(&author.client, app, &path, form).await;
    assert_eq!(status, 415);
    assert!(html.contains("Your text is saved as a draft"));
    // Signed out: to the sign-in page, nothing read.
    let stranger = browser();
    let form = submission("x", &fields, &[]);
    let (status, _, location) = post_multipart(&stranger, app, &path, form).await;
    assert_eq!(status, 303);
    assert!(location.starts_with("/login"), "{location}");
}

async fn the_contest_page_offers_what_the_reader_can_do_and_my_ideas_says_what_is_next(
    app: &TestApp,
) {
    let contest = opened(app).await.contest;
    let contest_path = format!("/contests/{contest}");
    let submit_link = format!("href=\"/contests/{contest}/submit\">Submit an idea");
    // Not open yet: no "Submit an idea", but when it opens, and a draft may be prepared.
    let anonymous = browser();
    let html = page(&anonymous, app, &contest_path, None).await.html;
    assert!(!html.contains(&submit_link) && html.contains("Submissions open on"));
    assert!(html.contains("Prepare a draft"));
    app.advance(Duration::days(1));
    let html = page(&anonymous, app, &contest_path, None).await.html;
    assert!(html.contains(&submit_link));
    app.person("inna@example.org", "Inna").await;
    let author = logged_in(app, "inna@example.org", None).await;
    let path = format!("/contests/{contest}/submit");
    let form = submission(
        &author.csrf,
        &[("title", "Refill"), ("action", "draft")],
        &[],
    );
    let (_, _, location) = post_multipart(&author.client, app, &path, form).await;
    let draft = idea_of(&location);
    let html = page(&author.client, app, &contest_path, None).await.html;
    assert!(html.contains(&format!("href=\"/ideas/{draft}\">Continue your draft")));
    assert!(!html.contains(&submit_link));
    let html = page(&author.client, app, "/me/ideas", None).await.html;
    assert!(html.contains("Next step") && html.contains("Submit it before"));
    // Entered as many times as the rules accept (one): "See your idea", no "Submit an idea".
    let mut fields = FULL.to_vec();
    fields.push(("action", "submit"));
    let form = submission(&author.csrf, &fields, &[]);
    let (status, _, location) = post_multipart(&author.client, app, &path, form).await;
    assert_eq!(status, 303);
    let idea = idea_of(&location);
    let html = page(&author.client, app, &contest_path, None).await.html;
    assert!(html.contains(&format!("href=\"/ideas/{idea}\">See your idea")));
    assert!(!html.contains(&submit_link));
    let html = page(&author.client, app, "/me/ideas?lang=fr", None)
        .await
        .html;
    assert!(html.contains("Prochaine étape") && html.contains("Rien à faire"));
    app.advance(Duration::days(10));
    let author = logged_in(app, "inna@example.org", None).await;
    let html = page(&author.client, app, "/me/ideas", None).await.html;
    assert!(html.contains("The jury is judging") && html.contains("this draft was not submitted"));
    // The anonymous page says nothing of anyone's entries.
    let html = page(&anonymous, app, &contest_path, None).await.html;
    assert!(!html.contains(&idea) && !html.contains(&draft));
}

async fn a_juror_and_the_organisers_never_get_the_authors_file_list_or_its_removal(app: &TestApp) {
    let j = judging(app, None, &["one@jury.example"]).await;
    // "Idea A" carries "Ann Author CV.pdf", a name that gives its author away.
    let idea = &j.ideas[0];
    let ann = signed_in(app, &j.authors[0].token);
    let html = page(&ann, app, &format!("/ideas/{idea}"), None).await.html;
    assert!(html.contains("Ann Author CV.pdf"), "its author sees it");
    let file = first_attachment(&html);
    let remove = format!("/ideas/{idea}/attachments/{file}/remove");
    // Judging has begun: the author's file is frozen, and no removal is offered.
    assert!(!html.contains(&remove));
    for (who, token) in [("juror", &j.jurors[0]), ("organiser", &j.owner)] {
        let reader = signed_in(app, token);
        let shown = page(&reader, app, &format!("/ideas/{idea}"), None).await;
        assert!(
            !shown.html.contains("Ann Author CV.pdf"),
            "{who}: {}",
            shown.html
        );
        assert!(
            !shown.html.contains("receipt-files"),
            "{who} gets no receipt's file list"
        );
        assert!(!shown.html.contains("/remove"), "{who}");
        let confirm = page(&reader, app, &remove, None).await;
        assert_eq!(confirm.status, 404, "{who}");
        assert!(!confirm.html.contains("Ann Author CV.pdf"));
    }
}
