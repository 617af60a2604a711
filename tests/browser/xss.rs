//! Script and HTML typed into every text field a person can fill, then every page that shows
//! it visited in Chromium: nothing runs, no element or handler is injected, the text is shown
//! as typed where it is plain text, and every page is served with a Content-Security-Policy
//! that allows no inline script.

use chrono::Duration;
use serde_json::Value;

use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_typed_anywhere_never_runs_sqlite() {
    script_typed_anywhere_never_runs(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn script_typed_anywhere_never_runs_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    script_typed_anywhere_never_runs(Backend::Postgres).await;
}

const ATTACK: &str = r#"<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">"'><svg onload=window.__pwned=1>"#;

/// The same for display names, which have at most 80 characters.
const NAME_ATTACK: &str =
    r#"<script>window.__pwned=1</script>"'><img src=x onerror=window.__pwned=1>"#;

const BRAND: &str = "mallory.brand@example.org";
const ADMIN: &str = "admin@concours.example";
const AUTHOR: &str = "mallory.author@example.org";
const JUROR: &str = "mallory.juror@example.org";

/// `ATTACK` with a distinguishing prefix.
fn attack(prefix: &str) -> String {
    format!("{prefix} {ATTACK}")
}

/// The page shows `typed` as text, exactly as it was typed (escaped, not interpreted).
async fn shows_as_typed(browser: &Browser, typed: &str) {
    let text = browser.check().await;
    assert!(
        text.contains(typed),
        "{} does not show {typed:?} as text:\n{text}",
        browser.path().await
    );
}

/// `NAME_ATTACK` with a prefix, for the shorter fields (an organisation's name: 100).
fn short_attack(prefix: &str) -> String {
    format!("{prefix} {NAME_ATTACK}")
}

fn at(app: &TestApp, days: i64) -> String {
    (app.now() + Duration::days(days))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn script_typed_anywhere_never_runs(backend: Backend) {
    let started = std::time::Instant::now();
    let app = TestApp::spawn(backend).await;
    // Screenshots 51 and up: `51-xss-editor-error-sqlite.png`.
    let mut browser = Browser::start(&app, "en-GB,en", backend.name(), 50).await;

    // Display names.
    browser.register(&app, BRAND, NAME_ATTACK, false).await;
    browser.register(&app, ADMIN, "Admin", false).await;
    app.grant_admin(ADMIN);
    browser.sign_in(BRAND).await;
    shows_as_typed(&browser, NAME_ATTACK).await;

    // The organisation's name.
    browser.goto("/dashboard").await;
    browser.fill("#org-name", &short_attack("Org")).await;
    browser
        .click("form[action=\"/organizations/new\"] button[type=submit]")
        .await;
    shows_as_typed(&browser, &short_attack("Org")).await;

    // Every text of the editor; a wrong amount first, so that the page shows them back.
    browser
        .click("a[href^=\"/contests/new?organization=\"]")
        .await;
    browser.fill("#title", &attack("Title")).await;
    browser.fill("#brief", &attack("Brief")).await;
    browser.set_value("#opens_at", &at(&app, 1)).await;
    browser
        .set_value("#submission_deadline", &at(&app, 5))
        .await;
    browser.set_value("#judging_deadline", &at(&app, 10)).await;
    browser
        .fill("input[name=criterion_0_label]", &short_attack("Impact"))
        .await;
    browser
        .fill("input[name=criterion_1_label]", "Feasibility")
        .await;
    browser.fill("input[name=criterion_1_weight]", "1").await;
    browser.fill("input[name=criterion_1_max]", "5").await;
    browser
        .fill("input[name=prize_0_label]", &short_attack("First"))
        .await;
    browser.fill("input[name=prize_0_amount]", "600").await;
    browser
        .fill("input[name=prize_1_label]", &short_attack("Second"))
        .await;
    browser
        .fill("input[name=prize_1_amount]", "four hundred")
        .await;
    browser
        .fill("#no_entry_beneficiary", &short_attack("Beneficiary"))
        .await;
    browser.fill("#max_ideas_per_person", "2").await;
    browser.fill("#eligibility", &attack("Eligibility")).await;
    browser.fill("#ip_terms", &attack("Terms")).await;
    browser
        .click("form[action=\"/contests/new\"] button[type=submit]")
        .await;
    let text = browser.check().await;
    assert!(
        browser.exists("#prize_1_amount-error").await,
        "the error is shown beside the prize:\n{text}"
    );
    let kept = browser.find("#title").await.prop("value").await.unwrap();
    assert_eq!(kept.as_deref(), Some(attack("Title").as_str()));
    browser.shot("xss-editor-error").await;
    browser.fill("input[name=prize_1_amount]", "400").await;
    browser
        .click("form[action=\"/contests/new\"] button[type=submit]")
        .await;
    let manage_path = browser.path().await;
    let Some(contest) = manage_path
        .strip_prefix("/contests/")
        .and_then(|rest| rest.strip_suffix("/manage"))
        .map(str::to_owned)
    else {
        panic!("the contest is not saved:\n{}", browser.check().await);
    };
    shows_as_typed(&browser, &attack("Title")).await;
    browser.goto(&format!("/contests/{contest}/edit")).await;

    // The funding's reference; a juror to invite.
    browser.goto(&manage_path).await;
    browser.fill("#amount", "1000").await;
    browser.fill("#reference", &attack("Reference")).await;
    browser
        .click("form[action$=\"/manage/fundings\"] button[type=submit]")
        .await;
    shows_as_typed(&browser, &attack("Reference")).await;
    browser.fill("#juror-email", JUROR).await;
    browser
        .click("form[action$=\"/manage/jurors\"] button[type=submit]")
        .await;
    browser.shot("xss-manage-draft").await;
    browser.sign_out().await;

    // The admin's page shows the contest's title and the reference.
    browser.sign_in(ADMIN).await;
    browser.goto("/admin").await;
    shows_as_typed(&browser, &attack("Reference")).await;
    shows_as_typed(&browser, &attack("Title")).await;
    browser
        .click("form[action^=\"/admin/fundings/\"] button[type=submit]")
        .await;
    // The summary before the confirmation shows them as typed too.
    shows_as_typed(&browser, &attack("Reference")).await;
    browser.click("button.danger.confirm").await;
    browser.sign_out().await;

    // Opening, then an announcement.
    browser.sign_in(BRAND).await;
    browser.goto(&format!("/contests/{contest}/open")).await;
    shows_as_typed(&browser, &attack("Title")).await;
    browser.tick("input[name=confirm]").await;
    browser
        .click("form[action$=\"/open\"] button[type=submit]")
        .await;
    browser.goto(&manage_path).await;
    browser.fill("#announcement", &attack("News")).await;
    browser
        .click("form[action$=\"/manage/announcements\"] button[type=submit]")
        .await;
    // Previewed as it will be published, then sent.
    shows_as_typed(&browser, &attack("News")).await;
    browser.click("button[name=send]").await;
    shows_as_typed(&browser, &attack("News")).await;
    browser.goto(&format!("/contests/{contest}")).await;
    for typed in ["Title", "Eligibility", "Terms", "News"] {
        shows_as_typed(&browser, &attack(typed)).await;
    }
    for typed in ["First", "Second", "Beneficiary"] {
        shows_as_typed(&browser, &short_attack(typed)).await;
    }
    browser.shot("xss-contest").await;
    browser.sign_out().await;

    app.advance(Duration::days(1) + Duration::hours(1));
    app.tick().await;

    // An author with the same name follows the brand, then writes two ideas.
    browser.register(&app, AUTHOR, NAME_ATTACK, false).await;
    browser.sign_in(AUTHOR).await;
    browser.goto("/").await;
    shows_as_typed(&browser, &attack("Title")).await;
    browser.goto(&format!("/contests/{contest}")).await;
    browser.click("form.follow button[type=submit]").await;
    browser.goto("/settings").await;
    shows_as_typed(&browser, &short_attack("Org")).await;
    let mut ideas = Vec::new();
    for which in ["One", "Two"] {
        browser.goto(&format!("/contests/{contest}/submit")).await;
        shows_as_typed(&browser, &attack("Eligibility")).await;
        browser.fill("#title", &attack(which)).await;
        browser.fill("#summary", &attack("Summary")).await;
        browser
            .fill(
                "#body",
                &format!("{}\n\n[link](javascript:window.__pwned=1)", attack("Body")),
            )
            .await;
        browser.click("button[value=preview]").await;
        browser.expect(&["Preview"]).await;
        if which == "One" {
            browser.shot("xss-idea-preview").await;
        }
        browser.tick("#accept_terms").await;
        browser.click("button[value=submit]").await;
        browser.expect(&["Your idea is submitted"]).await;
        shows_as_typed(&browser, &attack(which)).await;
        shows_as_typed(&browser, &attack("Summary")).await;
        let links = browser
            .client
            .execute(
                "return Array.from(document.querySelectorAll('a[href]')).filter(a => \
                 a.getAttribute('href').toLowerCase().startsWith('javascript')).length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(links, Value::from(0), "no javascript: link survives");
        ideas.push(browser.path().await.split('?').next().unwrap().to_owned());
    }
    browser.goto("/me/ideas").await;
    shows_as_typed(&browser, &attack("One")).await;
    browser.sign_out().await;

    // A juror with the same name accepts.
    browser.register(&app, JUROR, NAME_ATTACK, false).await;
    let link = app.link_in_mail(JUROR, "/jury-invitations/").await;
    browser.goto(&link).await;
    browser.sign_in(JUROR).await;
    shows_as_typed(&browser, &attack("Title")).await;
    browser
        .click("form[action^=\"/jury-invitations/\"] button[type=submit]")
        .await;
    browser.goto(&format!("/contests/{contest}")).await;
    browser.sign_out().await;

    app.advance(Duration::days(4));
    app.tick().await;

    // The juror declares a conflict on the first entry, and scores the other one; a score out
    // of range first, so that the page shows the comment back.
    browser.sign_in(JUROR).await;
    browser.goto(&format!("/contests/{contest}/jury")).await;
    shows_as_typed(&browser, &short_attack("Impact")).await;
    browser
        .find("details.conflict summary")
        .await
        .click()
        .await
        .unwrap();
    browser.fill("#reason", &attack("Conflict")).await;
    browser
        .click("form[action$=\"/conflict\"] button[type=submit]")
        .await;
    browser
        .expect(&["Your conflict of interest is recorded"])
        .await;
    browser.fill("[data-first-score]", "99").await;
    browser
        .fill(
            "#score-form input[type=number]:not([data-first-score])",
            "3",
        )
        .await;
    browser.fill("#comment", &attack("Comment")).await;
    // The browser itself refuses 99 (the field's max is 10): switched off, to reach the server.
    browser
        .client
        .execute(
            "document.getElementById('score-form').noValidate = true",
            vec![],
        )
        .await
        .unwrap();
    browser.click("#score-form button[type=submit]").await;
    let kept = browser.find("#comment").await.prop("value").await.unwrap();
    assert!(
        kept.is_some_and(|c| c.contains(&attack("Comment"))),
        "the comment is kept after the error"
    );
    browser.shot("xss-jury-error").await;
    browser.fill("[data-first-score]", "9").await;
    browser.click("#score-form button[type=submit]").await;
    browser.expect(&["Your scores are saved."]).await;
    browser.sign_out().await;

    // The brand disqualifies one of the ideas, with a reason.
    browser.sign_in(BRAND).await;
    browser.goto(&manage_path).await;
    shows_as_typed(&browser, &attack("One")).await;
    browser
        .fill("input[name=reason]", &attack("Disqualified"))
        .await;
    browser
        .click("form[action$=\"/disqualify\"] button[type=submit]")
        .await;
    // The confirmation names the idea and shows the reason as typed.
    shows_as_typed(&browser, &attack("Disqualified")).await;
    browser.click("button.danger.confirm").await;
    browser.expect(&["disqualified"]).await;
    browser.shot("xss-manage-judging").await;
    browser.sign_out().await;

    app.advance(Duration::days(6));
    app.tick().await;

    // The admin marks the payouts paid with a reference.
    browser.sign_in(ADMIN).await;
    browser.goto("/admin").await;
    for _ in 0..5 {
        if !browser.exists("input[name=reference]").await {
            break;
        }
        browser.fill("input[name=reference]", &attack("Paid")).await;
        browser
            .click("form[action^=\"/admin/payouts/\"] button[type=submit]")
            .await;
    }
    browser.sign_out().await;

    // Every page that shows what they typed, to everyone.
    browser.goto(&format!("/contests/{contest}/results")).await;
    shows_as_typed(&browser, NAME_ATTACK).await;
    browser.shot("xss-results").await;
    browser.goto("/").await;
    browser.goto(&format!("/contests/{contest}")).await;
    browser.sign_in(AUTHOR).await;
    for idea in &ideas {
        browser.goto(idea).await;
    }
    browser.goto("/me/ideas").await;
    browser.goto("/settings").await;
    browser.sign_out().await;
    browser.sign_in(JUROR).await;
    browser.goto(&format!("/contests/{contest}/jury")).await;
    browser.sign_out().await;
    browser.sign_in(BRAND).await;
    browser.goto(&manage_path).await;
    browser.goto("/dashboard").await;
    for idea in &ideas {
        browser.goto(idea).await;
    }
    browser.sign_out().await;

    // The pages are sent with a policy that allows no inline script.
    browser.goto(&format!("/contests/{contest}")).await;
    let policy = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1]; \
             fetch(location.href).then(r => done(r.headers.get('content-security-policy')));",
            vec![],
        )
        .await
        .unwrap();
    let policy = policy.as_str().expect("a Content-Security-Policy header");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(
        !policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"),
        "{policy}"
    );

    browser.close().await;
    app.finish().await;
    eprintln!("xss on {} took {:?}", backend.name(), started.elapsed());
}
