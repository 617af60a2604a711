//! The forms that help (issue 19), in headless Chromium, English and French, laptop and phone:
//! an editor save with errors gives the summary the focus and puts each message on its input;
//! a sign-up started from a contest's page lands back on it, signed in.

use crate::calls::contest_taking_ideas;
use crate::support::{Backend, Browser, PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_errors_and_the_sign_up_way_back_sqlite() {
    editor_errors_and_the_sign_up_way_back(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editor_errors_and_the_sign_up_way_back_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    editor_errors_and_the_sign_up_way_back(Backend::Postgres).await;
}

/// Whether the focused element is the error summary.
async fn summary_has_focus(browser: &Browser) -> bool {
    let answer = browser
        .client
        .execute(
            "return document.activeElement && document.activeElement.className;",
            vec![],
        )
        .await
        .unwrap();
    answer.as_str() == Some("error-summary")
}

/// The text of the message under input `id`.
async fn message_of(browser: &Browser, id: &str) -> String {
    browser
        .find(&format!("#{id}-error"))
        .await
        .text()
        .await
        .unwrap()
}

async fn editor_errors_and_the_sign_up_way_back(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let contest = contest_taking_ideas(&app).await;
    let suffix = format!("{}-editor", backend.name());
    let mut step = 0;
    let cases = [
        (
            "en-GB,en",
            "Criterion 1 — weight: use a whole number from 1 to 100.",
            "Prize 1 — amount: use an amount greater than zero, such as 1500 or 1500.50.",
        ),
        (
            "fr-FR,fr",
            "Critère 1 — poids\u{202f}: indiquez un nombre entier de 1 à 100.",
            "Prix 1 — montant\u{202f}: indiquez un montant supérieur à zéro, par exemple 1500 ou 1500,50.",
        ),
    ];
    for (lang, weight_message, amount_message) in cases {
        let short = &lang[..2];
        let mut browser = Browser::start(&app, lang, &suffix, step).await;
        // A sign-up from the contest's page (the header's link) comes back to it, signed in.
        browser.goto(&format!("/contests/{contest}")).await;
        browser.click("header a[href=\"/register\"]").await;
        browser
            .fill("#email", &format!("brand-{short}@brand.example"))
            .await;
        browser.fill("#display_name", "Brenda").await;
        browser.fill("#password", PASSWORD).await;
        browser
            .click("form[action=\"/register\"] button[type=submit]")
            .await;
        assert_eq!(browser.path().await, format!("/contests/{contest}"));
        assert!(
            browser.exists("form[action=\"/logout\"]").await,
            "signed in"
        );
        browser.shot(&format!("back-on-contest-{short}")).await;
        // She verifies her address, creates her organisation, then a contest with two mistakes.
        let link = app
            .link_in_mail(&format!("brand-{short}@brand.example"), "/verify?token=")
            .await;
        browser.goto(&link).await;
        browser
            .click("form[action=\"/verify\"] button[type=submit]")
            .await;
        browser.goto("/dashboard").await;
        browser.fill("#org-name", &format!("Brand {short}")).await;
        browser
            .click("form[action=\"/organizations/new\"] button[type=submit]")
            .await;
        for (width, height) in [(1280, 900), (390, 844)] {
            browser.client.set_window_size(width, height).await.unwrap();
            browser.goto("/contests/new").await;
            browser.fill("#title", "Refills").await;
            browser.fill("#criterion_0_weight", "0").await;
            browser.fill("#prize_0_label", "First").await;
            browser.fill("#prize_0_amount", "lots").await;
            browser.fill("#no_entry_beneficiary", "A fund").await;
            browser.fill("#eligibility", "Anyone").await;
            browser.fill("#ip_terms", "Authors keep them").await;
            browser
                .click("form[action=\"/contests/new\"] button[type=submit]")
                .await;
            assert!(
                summary_has_focus(&browser).await,
                "the summary has the focus"
            );
            assert_eq!(
                message_of(&browser, "criterion_0_weight").await,
                weight_message
            );
            assert_eq!(message_of(&browser, "prize_0_amount").await, amount_message);
            assert!(!browser.exists("#criterion_0_label-error").await);
            assert!(!browser.exists("#prize_0_label-error").await);
            assert!(
                browser
                    .exists(".error-summary a[href=\"#prize_0_amount\"]")
                    .await
            );
            browser.fits(width).await;
            browser
                .shot(&format!("editor-errors-{short}-{width}"))
                .await;
            // The criteria, with the input that says what a score means, in view.
            browser
                .fill("#criterion_0_description", "10: changes the market")
                .await;
            browser
                .client
                .execute(
                    "document.getElementById('criterion_0_weight').scrollIntoView({block: 'center'})",
                    vec![],
                )
                .await
                .unwrap();
            browser.fits(width).await;
            browser
                .shot(&format!("editor-criteria-{short}-{width}"))
                .await;
        }
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
