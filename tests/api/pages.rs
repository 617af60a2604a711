//! The pages, over HTTP as a browser sends it: languages, sign-in with the session cookie,
//! CSRF tokens on every form, escaping of what people write.

use reqwest::header::{ACCEPT_LANGUAGE, SET_COOKIE};
use serde_json::json;

use crate::both_backends;
use crate::helpers::{
    Draft, Opened, PASSWORD, Page, TestApp, admin, browser, csrf_of, draft, fund, invite_juror,
    opened, page,
};

both_backends!(
    the_home_and_contest_pages_speak_english_and_french,
    people_sign_in_and_out_through_the_pages,
    forms_without_their_csrf_token_are_refused,
    what_people_write_is_escaped,
    unknown_pages_and_drafts_are_html_404s,
    assets_are_served_with_cache_headers_and_no_inline_script_is_allowed,
    the_contest_page_and_json_are_revalidated_with_etags_and_never_stale,
);

async fn the_home_and_contest_pages_speak_english_and_french(app: &TestApp) {
    let contest = opened(app).await.contest;
    let client = browser();
    let Page { status, html: home } = page(&client, app, "/", Some("en-GB,en;q=0.9")).await;
    assert_eq!(status, 200);
    assert!(home.contains("<html lang=\"en\">") && home.contains("Idea contests"));
    assert!(
        home.contains("Greener packaging") && home.contains("7,000.00 EUR"),
        "{home}"
    );
    let accueil = page(&browser(), app, "/", Some("fr-FR,fr;q=0.9,en;q=0.5"))
        .await
        .html;
    assert!(accueil.contains("<html lang=\"fr\">") && accueil.contains("Ouverts aux idées"));
    assert!(accueil.contains("7\u{202f}000,00 EUR"), "{accueil}");

    let Page { status, html: show } =
        page(&client, app, &format!("/contests/{contest}"), None).await;
    assert_eq!(status, 200);
    assert!(
        show.contains("<strong>less plastic</strong>"),
        "the brief is rendered Markdown"
    );
    let hash = app
        .get(&format!("/api/v1/contests/{contest}"), None)
        .await
        .json()["rules_hash"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(show.contains(&hash) && show.contains("Download the rules document"));
    assert!(show.contains("each unclaimed prize goes to the next best idea"));
    assert!(show.contains("The Open Science Fund"));
    assert!(show.contains("60 out of 100"));
    // The switch remembers the choice.
    let french = page(
        &client,
        app,
        &format!("/contests/{contest}?lang=fr"),
        Some("en"),
    )
    .await
    .html;
    assert!(french.contains("Le défi") && french.contains("Empreinte du règlement"));
    let still_french = page(&client, app, "/", Some("en")).await.html;
    assert!(still_french.contains("<html lang=\"fr\">"));
}

async fn people_sign_in_and_out_through_the_pages(app: &TestApp) {
    app.person("page@example.org", "Paige").await;
    let client = browser();
    let form = page(&client, app, "/login", None).await.html;
    let csrf = csrf_of(&form);
    let wrong = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "page@example.org"),
            ("password", "wrong password!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let text = wrong.text().await.unwrap();
    assert!(
        text.contains("do not match") && text.contains("value=\"page@example.org\""),
        "the page keeps the email"
    );
    let signed_in = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "page@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303);
    let cookie = signed_in.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let home = page(&client, app, "/", None).await.html;
    assert!(home.contains("Paige") && home.contains("Sign out"));
    let out = client
        .post(app.url("/logout"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let home = page(&client, app, "/", None).await.html;
    assert!(!home.contains("Paige") && home.contains("Sign in"));

    // Registration from the page, in French, with every error next to its field.
    let client = browser();
    let form = page(&client, app, "/register", Some("fr")).await.html;
    let csrf = csrf_of(&form);
    let refused = client
        .post(app.url("/register"))
        .header(ACCEPT_LANGUAGE, "fr")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "nope"),
            ("display_name", ""),
            ("password", "short"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.unwrap();
    assert!(
        html.contains("id=\"email-error\"")
            && html.contains("id=\"display_name-error\"")
            && html.contains("id=\"password-error\"")
    );
    let done = client
        .post(app.url("/register"))
        .header(ACCEPT_LANGUAGE, "fr")
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", "nouvelle@example.org"),
            ("display_name", "Nouvelle"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    // Signed in at once, and back home (no `next`, no page of the site before).
    assert_eq!(done.status(), 303);
    assert_eq!(done.headers()["location"], "/");
    assert!(
        page(&client, app, "/", Some("fr"))
            .await
            .html
            .contains("/logout")
    );
    let mail = app.mail_to("nouvelle@example.org").await.pop().unwrap();
    assert_eq!(
        mail.subject, "Confirmez votre adresse e-mail",
        "the account speaks French"
    );
}

async fn forms_without_their_csrf_token_are_refused(app: &TestApp) {
    app.person("csrf@example.org", "Csrf").await;
    let client = browser();
    // No cookie, no token: refused, and nobody is signed in.
    let forged = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", "0".repeat(64).as_str()),
            ("email", "csrf@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(
        forged
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("concours_session"))
    );
    // A cookie but another token: refused too.
    let form = page(&client, app, "/register", None).await.html;
    let _ = csrf_of(&form);
    let forged = client
        .post(app.url("/register"))
        .form(&[
            ("csrf", "f".repeat(64).as_str()),
            ("email", "x@example.org"),
            ("display_name", "X"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert!(
        app.mail_to("x@example.org").await.is_empty(),
        "no account was created"
    );
}

async fn what_people_write_is_escaped(app: &TestApp) {
    let Draft {
        owner,
        organization: org,
        ..
    } = draft(app).await;
    let attack = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let mut rules = crate::helpers::rules(app);
    rules["eligibility"] = json!(attack);
    rules["no_entry_beneficiary"] = json!(attack);
    rules["prizes"][0]["label"] = json!(attack);
    let contest = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": attack, "brief": format!("Brief {attack} [x](javascript:alert(1))"), "rules": rules}),
        )
        .await
        .expect(201)
        .json();
    let id = contest["id"].as_str().unwrap();
    let admin = admin(app).await;
    fund(app, &owner, &admin, id, 700_000).await;
    invite_juror(app, &owner, id, "juror@jury.example").await;
    app.post(
        &format!("/api/v1/contests/{id}/open"),
        Some(&owner),
        json!({}),
    )
    .await
    .expect(200);
    app.post(
        &format!("/api/v1/contests/{id}/announcements"),
        Some(&owner),
        json!({"body": attack}),
    )
    .await
    .expect(201);
    for path in ["/".to_owned(), format!("/contests/{id}")] {
        let Page { status, html } = page(&browser(), app, &path, None).await;
        assert_eq!(status, 200);
        assert!(
            !html.contains("<script>alert"),
            "{path}: script not escaped"
        );
        assert!(!html.contains("<img src=x"), "{path}: element not escaped");
        assert!(!html.contains("javascript:"), "{path}: javascript URL kept");
        assert!(
            html.contains("&lt;script&gt;"),
            "{path}: the text is shown, escaped"
        );
    }
}

async fn unknown_pages_and_drafts_are_html_404s(app: &TestApp) {
    let draft_id = draft(app).await.contest;
    for path in [
        "/no/such/page".to_owned(),
        format!("/contests/{draft_id}"),
        format!("/contests/{draft_id}/results"),
    ] {
        let response = browser()
            .get(app.url(&path))
            .header(ACCEPT_LANGUAGE, "fr")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(response.text().await.unwrap().contains("Page introuvable"));
    }
    app.get("/api/v1/no/such/route", None)
        .await
        .expect_error(404, "not_found");
}

async fn assets_are_served_with_cache_headers_and_no_inline_script_is_allowed(app: &TestApp) {
    let css = browser()
        .get(app.url("/assets/concours.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.status(), 200);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    let etag = css.headers()["etag"].to_str().unwrap().to_owned();
    let again = browser()
        .get(app.url("/assets/concours.css"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let home = browser().get(app.url("/")).send().await.unwrap();
    let csp = home.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(
        browser()
            .get(app.url("/assets/nope.css"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
}

/// The contest page and JSON carry ETags (304 on a match), anonymous readers share one rendering
/// but never one CSRF token, and an announcement, a phase change or a signed-in reader's own
/// view is never answered from what was kept.
async fn the_contest_page_and_json_are_revalidated_with_etags_and_never_stale(app: &TestApp) {
    let Opened { owner, contest } = opened(app).await;
    app.person("inno@example.org", "Inno").await;
    let path = format!("/contests/{contest}");
    let api = format!("/api/v1/contests/{contest}");
    let get = |url: String, tag: Option<String>, client: reqwest::Client| async move {
        let mut request = client.get(url);
        if let Some(tag) = tag {
            request = request.header("if-none-match", tag);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().to_owned())
                .unwrap_or_default()
        };
        let (etag, cache_control) = (header("etag"), header("cache-control"));
        (status, etag, cache_control, response.text().await.unwrap())
    };

    // The JSON: public, revalidated, 304 on a match, with no body.
    let (status, etag, cache_control, body) = get(app.url(&api), None, browser()).await;
    assert_eq!(status, 200);
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");
    assert_eq!(cache_control, "public, no-cache");
    let (status, again, _, empty) = get(app.url(&api), Some(etag.clone()), browser()).await;
    assert_eq!(
        (status, again.as_str(), empty.as_str()),
        (304, etag.as_str(), "")
    );
    let (status, _, _, _) = get(app.url(&api), Some("\"stale\"".into()), browser()).await;
    assert_eq!(status, 200);
    let (_, same, _, same_body) = get(app.url(&api), None, browser()).await;
    assert_eq!((same, same_body), (etag.clone(), body));

    // The page: anonymous readers share one rendering, revalidated the same way; it holds no
    // form, so no CSRF token that one reader could pass to another.
    let (ann, bob) = (browser(), browser());
    let (status, ann_tag, cache_control, ann_page) = get(app.url(&path), None, ann.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(cache_control, "private, no-cache");
    assert!(!ann_page.contains(r#"name="csrf""#));
    let (_, bob_tag, _, bob_page) = get(app.url(&path), None, bob.clone()).await;
    assert_eq!((&ann_tag, &ann_page), (&bob_tag, &bob_page));
    let (status, _, _, empty) = get(app.url(&path), Some(ann_tag.clone()), bob.clone()).await;
    assert_eq!((status, empty.as_str()), (304, ""));
    // French readers get their own.
    let (_, french_tag, _, french) =
        get(app.url(&format!("{path}?lang=fr")), None, browser()).await;
    assert_ne!(french_tag, ann_tag);
    assert!(french.contains(r#"<html lang="fr">"#));
    // A signed-in reader gets their own page (a follow form with their token), never the kept one.
    let signed = browser();
    let form = page(&signed, app, "/login", None).await.html;
    let login = signed
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("email", "inno@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let (status, own_tag, _, own) = get(app.url(&path), None, signed.clone()).await;
    assert_eq!(status, 200);
    assert_ne!(own_tag, ann_tag);
    assert!(own.contains(&csrf_of(&own)) && own.contains("/follow"));

    // An announcement shows at once, on the page and in the ETag.
    app.post(
        &format!("/api/v1/contests/{contest}/announcements"),
        Some(&owner),
        json!({"body": "Sketches are welcome."}),
    )
    .await
    .expect(201);
    let (status, tag, _, page) = get(app.url(&path), Some(ann_tag.clone()), ann.clone()).await;
    assert_eq!(status, 200);
    assert_ne!(tag, ann_tag);
    assert!(page.contains("Sketches are welcome."));

    // When the clock moves on, the phase follows.
    let phase =
        |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap()["phase"].clone();
    assert_eq!(
        phase(&get(app.url(&api), None, browser()).await.3),
        "upcoming"
    );
    app.advance(chrono::Duration::days(2));
    let (_, _, _, json_now) = get(app.url(&api), None, browser()).await;
    assert_eq!(phase(&json_now), "submission");

    // A signed-in reader's JSON is private and their own (sessions last hours: sign in again).
    let owner = app.login("owner@acme.example").await;
    let signed_in = reqwest::Client::new()
        .get(app.url(&api))
        .bearer_auth(&owner)
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 200);
    assert_eq!(signed_in.headers()["cache-control"], "private, no-cache");
}
