//! The whole life of a contest in Chromium, through the pages only: a brand writes, funds and
//! opens a contest; an admin confirms the funding; two innovators submit; two jurors accept
//! their invitations from their mail and score with the keyboard; the brand awards; everyone
//! sees the results, in English and then in French, on a laptop and on a phone.

use chrono::Duration;
use serde_json::Value;

use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contest_from_draft_to_results_in_the_browser_sqlite() {
    journey(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contest_from_draft_to_results_in_the_browser_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    journey(Backend::Postgres).await;
}

const BRAND: &str = "brenda@acme.example";
const ADMIN: &str = "ada@concours.example";
const INES: &str = "ines@example.org";
const OMAR: &str = "omar@example.org";
const JULES: &str = "jules@jury.example";
const JADE: &str = "jade@jury.example";

/// A `datetime-local` value `days` (and `hours`) after the test clock's start, in UTC.
fn at(app: &TestApp, days: i64, hours: i64) -> String {
    (app.now() + Duration::days(days) + Duration::hours(hours))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Scores the entry on the page with the keyboard only: the first score field has the focus
/// on arrival; Tab moves on; Ctrl+Enter saves.
async fn score_with_keyboard(
    browser: &mut Browser,
    impact: &str,
    feasibility: &str,
    comment: &str,
) {
    let focused = browser
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(
        focused,
        Value::from("score-impact"),
        "the first score has the focus"
    );
    let field = browser.client.active_element().await.unwrap();
    let ctrl_enter = format!(
        "{}{}",
        fantoccini::key::Key::Control,
        fantoccini::key::Key::Enter
    );
    let tab = fantoccini::key::Key::Tab.to_string();
    browser.mark_page().await;
    field
        .send_keys(&format!(
            "{impact}{tab}{feasibility}{tab}{comment}{ctrl_enter}"
        ))
        .await
        .unwrap();
    browser.wait_for_url("done=").await;
    browser.expect(&["Your scores are saved."]).await;
}

/// The current page's entry id (from the score form's address).
async fn current_entry(browser: &Browser) -> String {
    let action = browser
        .find("#score-form")
        .await
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    action.split('/').rev().nth(1).unwrap().to_owned()
}

async fn journey(backend: Backend) {
    let started = std::time::Instant::now();
    let app = TestApp::spawn(backend).await;
    let mut browser = Browser::start(&app, "en-GB,en", backend.name(), 0).await;

    // A visitor arrives.
    browser.goto("/").await;
    browser.expect(&["Idea contests", "Sign in"]).await;
    browser.shot("home-empty").await;

    // The brand manager registers and verifies from the mail; so does the admin-to-be.
    browser.register(&app, BRAND, "Brenda Brand", true).await;
    browser.register(&app, ADMIN, "Ada Admin", false).await;
    app.grant_admin(ADMIN);

    // An organisation, then a contest written in the editor.
    browser.sign_in(BRAND).await;
    browser.click("a[href=\"/dashboard\"]").await;
    browser.expect(&["You belong to no organisation yet"]).await;
    browser.fill("#org-name", "Acme Packaging").await;
    browser
        .click("form[action=\"/organizations/new\"] button[type=submit]")
        .await;
    browser.expect(&["Acme Packaging", "owner"]).await;
    browser.shot("dashboard").await;
    browser
        .click("a[href^=\"/contests/new?organization=\"]")
        .await;
    browser.expect(&["A new contest"]).await;
    browser.fill("#title", "Greener packaging").await;
    browser
        .fill(
            "#brief",
            "We want **less plastic** in every parcel.\n\n- cheap\n- simple",
        )
        .await;
    browser.set_value("#opens_at", &at(&app, 1, 0)).await;
    browser
        .set_value("#submission_deadline", &at(&app, 10, 0))
        .await;
    browser
        .set_value("#judging_deadline", &at(&app, 20, 0))
        .await;
    browser
        .fill("input[name=criterion_0_label]", "Impact")
        .await;
    browser.fill("input[name=criterion_0_weight]", "3").await;
    browser.fill("input[name=criterion_0_max]", "10").await;
    browser
        .fill("input[name=criterion_1_label]", "Feasibility")
        .await;
    browser.fill("input[name=criterion_1_weight]", "2").await;
    browser.fill("input[name=criterion_1_max]", "5").await;
    browser
        .fill("input[name=prize_0_label]", "First prize")
        .await;
    browser.fill("input[name=prize_0_amount]", "5000").await;
    browser
        .fill("input[name=prize_1_label]", "Second prize")
        .await;
    browser.fill("input[name=prize_1_amount]", "2000").await;
    browser.fill("#minimum_score", "50").await;
    browser
        .find("input[name=fallback_policy][value=split_top]")
        .await
        .click()
        .await
        .unwrap();
    browser.fill("#fallback_n", "2").await;
    browser
        .fill("#no_entry_beneficiary", "The Ocean Fund")
        .await;
    browser.fill("#eligibility", "Anyone of age.").await;
    browser
        .fill("#ip_terms", "Authors keep their rights.")
        .await;
    browser.shot("editor-filled").await;
    browser
        .click("form[action=\"/contests/new\"] button[type=submit]")
        .await;
    let manage_path = browser.path().await;
    let contest = manage_path
        .strip_prefix("/contests/")
        .and_then(|rest| rest.strip_suffix("/manage"))
        .unwrap_or_else(|| panic!("the editor leads to the management page, not {manage_path}"))
        .to_owned();
    browser
        .expect(&[
            "Greener packaging",
            "Draft",
            "7,000.00 EUR are still missing",
        ])
        .await;
    browser.shot("manage-draft").await;

    // Funding, recorded by the brand.
    browser.fill("#amount", "7000").await;
    browser.fill("#reference", "ACME-TRANSFER-1").await;
    browser
        .click("form[action$=\"/manage/fundings\"] button[type=submit]")
        .await;
    browser.expect(&["ACME-TRANSFER-1"]).await;
    // Two jurors invited.
    for juror in [JULES, JADE] {
        browser.fill("#juror-email", juror).await;
        browser
            .click("form[action$=\"/manage/jurors\"] button[type=submit]")
            .await;
        browser.expect(&[juror]).await;
    }
    browser.shot("manage-funded-jurors-invited").await;
    browser.sign_out().await;

    // The admin confirms the transfer.
    browser.sign_in(ADMIN).await;
    browser.click("header a[href=\"/admin\"]").await;
    browser.expect(&["ACME-TRANSFER-1", "7,000.00 EUR"]).await;
    browser.shot("admin-pending-funding").await;
    browser
        .click("form[action^=\"/admin/fundings/\"] button[type=submit]")
        .await;
    browser.expect(&["Summary", "ACME-TRANSFER-1"]).await;
    browser.click("button.danger.confirm").await;
    browser.expect(&["No transfer is waiting."]).await;
    browser.sign_out().await;

    // The brand opens the contest, after reading what freezes.
    browser.sign_in(BRAND).await;
    browser.goto(&manage_path).await;
    assert!(
        !browser.check().await.contains("still missing"),
        "the confirmed funding covers the pool"
    );
    browser
        .click(&format!("a[href=\"/contests/{contest}/open\"]"))
        .await;
    browser.expect(&["frozen for good"]).await;
    browser.tick("input[name=confirm]").await;
    browser.shot("open-confirmation").await;
    browser
        .click("form[action$=\"/open\"] button[type=submit]")
        .await;
    assert_eq!(browser.path().await, format!("{manage_path}?done=opened"));
    browser.expect(&["The contest is open"]).await;
    browser.goto(&format!("/contests/{contest}")).await;
    browser
        .expect(&[
            "Greener packaging",
            "Coming soon",
            "7,000.00 EUR",
            "less plastic",
            "Rules fingerprint (SHA-256)",
            "The Ocean Fund",
        ])
        .await;
    browser.shot("contest-upcoming").await;
    browser.sign_out().await;

    // Open for ideas.
    app.advance(Duration::days(1) + Duration::hours(1));
    app.tick().await;

    // Inès registers, finds the contest from the home page, previews and submits.
    browser
        .register(&app, INES, "Inès Innovatrice", false)
        .await;
    browser.sign_in(INES).await;
    browser.goto("/").await;
    browser
        .expect(&["Open for ideas", "Greener packaging"])
        .await;
    browser
        .click(&format!("a[href=\"/contests/{contest}\"]"))
        .await;
    browser
        .click(&format!("a[href=\"/contests/{contest}/submit\"]"))
        .await;
    browser
        .expect(&["Anyone of age.", "Authors keep their rights."])
        .await;
    browser.fill("#title", "Refill stations").await;
    browser
        .fill("#summary", "Refill stations in every shop.")
        .await;
    browser
        .fill(
            "#body",
            "Bring your own **jar**.\n\n1. Fill it\n2. Pay by weight",
        )
        .await;
    browser.click("button[value=preview]").await;
    browser.expect(&["Preview"]).await;
    let strong = browser.find(".preview strong").await.text().await.unwrap();
    assert_eq!(strong, "jar", "the preview renders the Markdown");
    assert_eq!(
        browser.find("#title").await.prop("value").await.unwrap(),
        Some("Refill stations".into()),
        "the preview keeps what was typed"
    );
    browser.shot("idea-preview").await;
    browser.tick("#accept_terms").await;
    browser.click("button[value=submit]").await;
    browser
        .expect(&["Your idea is submitted", "Refill stations", "Submitted"])
        .await;
    assert!(browser.path().await.starts_with("/ideas/"));
    browser.shot("idea-receipt").await;
    browser.sign_out().await;

    // Omar submits straight away.
    browser.register(&app, OMAR, "Omar Ouedraogo", false).await;
    browser.sign_in(OMAR).await;
    browser.goto(&format!("/contests/{contest}/submit")).await;
    browser.fill("#title", "Edible wrapping").await;
    browser
        .fill("#summary", "Wrap parcels in seaweed film.")
        .await;
    browser
        .fill("#body", "Seaweed film dissolves in water.")
        .await;
    browser.tick("#accept_terms").await;
    browser.click("button[value=submit]").await;
    browser.expect(&["Your idea is submitted"]).await;
    browser.sign_out().await;

    // The jurors accept from their invitation mails (the link asks them to sign in first).
    for (email, name) in [(JULES, "Jules Juré"), (JADE, "Jade Jury")] {
        browser.register(&app, email, name, false).await;
        let link = app.link_in_mail(email, "/jury-invitations/").await;
        browser.goto(&link).await;
        assert!(browser.path().await.starts_with("/login?next="));
        browser.sign_in(email).await;
        browser
            .expect(&["Jury invitation", "Greener packaging"])
            .await;
        if email == JULES {
            browser.shot("jury-invitation").await;
        }
        browser
            .click("form[action^=\"/jury-invitations/\"] button[type=submit]")
            .await;
        browser
            .expect(&["You are on this jury.", "Scoring opens when judging starts"])
            .await;
        browser.sign_out().await;
    }

    // The deadline passes; the scheduler starts the judging.
    app.advance(Duration::days(9));
    app.tick().await;

    // Each juror scores both entries with the keyboard (in the order the page shows them,
    // which differs between jurors); Refill stations is the better idea for both.
    for (email, refill, edible) in [
        (
            JULES,
            ("9", "4", "Clear and cheap."),
            ("6", "3", "Nice but costly."),
        ),
        (
            JADE,
            ("8", "5", "Ready tomorrow."),
            ("5", "2", "Hard to scale."),
        ),
    ] {
        browser.sign_in(email).await;
        browser.goto(&format!("/contests/{contest}")).await;
        browser
            .click(&format!("a[href=\"/contests/{contest}/jury\"]"))
            .await;
        browser.expect(&["Scoring", "0 of 2"]).await;
        if email == JULES {
            browser.shot("jury-scoring").await;
            // j and k move between entries once no field has the focus.
            let first = current_entry(&browser).await;
            let field = browser.client.active_element().await.unwrap();
            browser.mark_page().await;
            field
                .send_keys(&format!("{}j", fantoccini::key::Key::Escape))
                .await
                .unwrap();
            browser.wait_for_url("entry=").await;
            assert_ne!(
                current_entry(&browser).await,
                first,
                "j shows the next entry"
            );
            browser.mark_page().await;
            browser.find("body").await.send_keys("k").await.unwrap();
            browser.wait_for_url(&format!("entry={first}")).await;
            browser.check().await;
        }
        for _ in 0..2 {
            let title = browser.find("#entry-title").await.text().await.unwrap();
            let (impact, feasibility, comment) = if title.contains("Refill stations") {
                refill
            } else {
                assert!(title.contains("Edible wrapping"), "{title}");
                edible
            };
            score_with_keyboard(&mut browser, impact, feasibility, comment).await;
        }
        browser.expect(&["You have scored every entry"]).await;
        if email == JULES {
            browser.shot("jury-all-scored").await;
            // On a phone, the scoring page stays within the screen.
            browser.client.set_window_size(390, 844).await.unwrap();
            browser.fits(390).await;
            browser.shot("jury-scoring-phone").await;
            browser.client.set_window_size(1280, 900).await.unwrap();
        }
        browser.sign_out().await;
    }

    // The brand sees the jury's progress and awards.
    browser.sign_in(BRAND).await;
    browser.goto(&manage_path).await;
    let manage = browser
        .expect(&["Being judged", "Refill stations", "Edible wrapping"])
        .await;
    assert_eq!(
        manage.matches("2/2").count(),
        2,
        "both jurors done:\n{manage}"
    );
    browser.shot("manage-judging").await;
    browser
        .click("form[action$=\"/manage/award\"] button[type=submit]")
        .await;
    browser.expect(&["Award the contest now?"]).await;
    browser.click("button.danger.confirm").await;
    browser.goto(&manage_path).await;
    browser.expect(&["Awarded", "Payouts"]).await;
    browser.shot("manage-awarded").await;
    // The dashboard: how the contest went, in charts and numbers, and whether the jury agreed.
    browser
        .click(&format!("a[href=\"/contests/{contest}/insight\"]"))
        .await;
    let insight = browser
        .expect(&[
            "How the contest is going",
            "Ideas over time",
            "How the scores spread",
            "Jury calibration",
            "Kendall",
            "Official rank",
            "Refill stations",
        ])
        .await;
    assert!(
        browser.exists("svg.chart[role=img] title").await,
        "the charts are drawn, with their titles:\n{insight}"
    );
    browser.shot("insight").await;
    browser.goto(&manage_path).await;
    browser
        .click(&format!("a[href=\"/contests/{contest}/results\"]"))
        .await;
    let results = browser
        .expect(&[
            "Results",
            "Refill stations",
            "Edible wrapping",
            "Inès Innovatrice",
            "Omar Ouedraogo",
            "5,000.00 EUR",
            "2,000.00 EUR",
        ])
        .await;
    assert!(
        results.find("Refill stations") < results.find("Edible wrapping"),
        "the better idea ranks first:\n{results}"
    );
    browser.shot("results").await;
    browser.sign_out().await;

    // Everyone sees the results: the innovator in her ideas, the juror on the jury page,
    // a visitor from the home page.
    browser.sign_in(INES).await;
    browser.click("a[href=\"/me/ideas\"]").await;
    browser
        .expect(&["Refill stations", "Awarded", "Rank 1"])
        .await;
    browser.shot("my-ideas-awarded").await;
    browser
        .click(&format!("a[href=\"/contests/{contest}/results\"]"))
        .await;
    browser.expect(&["Results", "Refill stations"]).await;
    // Inès opens her public page from her settings: her win is on it, her address is not.
    browser.click("a[href=\"/settings\"]").await;
    browser.tick("input[name=public]").await;
    browser.fill("#bio", "I design refill systems.").await;
    browser
        .click("form[action=\"/settings/profile\"] button[type=submit]")
        .await;
    browser.click("a[href^=\"/people/\"]").await;
    let profile = browser
        .expect(&[
            "Inès Innovatrice",
            "I design refill systems.",
            "Results in finished contests",
            "Refill stations",
            "5,000.00 EUR",
        ])
        .await;
    assert!(
        !profile.contains("@"),
        "no email on a public page:\n{profile}"
    );
    browser.shot("profile").await;
    browser.sign_out().await;
    browser.sign_in(JADE).await;
    browser.goto(&format!("/contests/{contest}/jury")).await;
    browser.expect(&["Judging is over"]).await;
    browser
        .click(&format!("a[href=\"/contests/{contest}/results\"]"))
        .await;
    browser.expect(&["Refill stations"]).await;
    browser.sign_out().await;
    browser.goto("/").await;
    browser
        .expect(&["Recently awarded", "Greener packaging"])
        .await;
    browser
        .click(&format!("a[href=\"/contests/{contest}\"]"))
        .await;
    browser
        .click(&format!("a[href=\"/contests/{contest}/results\"]"))
        .await;
    browser.expect(&["Results", "Refill stations"]).await;

    // On a phone: the contest and results pages fit the screen.
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    browser.shot("results-phone").await;
    browser.goto(&format!("/contests/{contest}")).await;
    browser.fits(390).await;
    browser.shot("contest-phone").await;
    browser.client.set_window_size(1280, 900).await.unwrap();

    // In French, through the switch in the header; the choice is remembered.
    browser.click("header a[hreflang=fr]").await;
    browser
        .expect(&["Attribué", "Voir les résultats", "Empreinte du règlement"])
        .await;
    browser.shot("contest-fr").await;
    browser
        .click(&format!("a[href=\"/contests/{contest}/results\"]"))
        .await;
    browser
        .expect(&["Résultats", "Versements", "5\u{202f}000,00 EUR"])
        .await;
    browser.shot("results-fr").await;
    browser.goto("/").await;
    browser.expect(&["Concours d’idées", "Se connecter"]).await;
    browser.sign_in(BRAND).await;
    browser.goto(&manage_path).await;
    browser
        .expect(&["Financement", "Versements", "Attribué"])
        .await;
    browser.shot("manage-fr").await;
    browser.client.set_window_size(390, 844).await.unwrap();
    // Its tables are labelled cards on a phone: nothing scrolls sideways.
    browser.fits(390).await;
    browser.shot("manage-fr-phone").await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.click("a[href=\"/dashboard\"]").await;
    browser.expect(&["Mes organisations"]).await;
    browser.sign_out().await;
    browser.sign_in(OMAR).await;
    browser.click("a[href=\"/me/ideas\"]").await;
    browser
        .expect(&["Mes idées", "Edible wrapping", "Rang 2"])
        .await;
    browser.shot("my-ideas-fr").await;
    browser.sign_out().await;
    browser.sign_in(JULES).await;
    browser.goto(&format!("/contests/{contest}/jury")).await;
    browser
        .expect(&["Notation", "L’évaluation de ce concours est terminée"])
        .await;
    browser.sign_out().await;
    let step = browser.step();
    browser.close().await;

    // A new visitor whose browser asks for French gets French without choosing.
    let mut french = Browser::start(&app, "fr-FR,fr", backend.name(), step).await;
    french.goto("/").await;
    french
        .expect(&["Concours d’idées", "Récemment attribués"])
        .await;
    french.goto(&format!("/contests/{contest}")).await;
    french.expect(&["Attribué", "Le défi"]).await;
    french.goto("/register").await;
    french.expect(&["Créer un compte"]).await;
    french.shot("register-fr-from-browser").await;
    french.close().await;

    app.finish().await;
    let elapsed = started.elapsed();
    eprintln!("journey on {} took {elapsed:?}", backend.name());
}
