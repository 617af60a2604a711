//! Innovators never lose work (issue 19), in Chromium: a draft saved with its title only, and
//! a file chosen on the submission form that the receipt then lists with its SHA-256; in
//! English and in French, on a laptop and on a phone. The data is the demo's ("Better school
//! lunches" is open for ideas; Inès and Omar have not entered it).

use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_only_draft_and_a_file_on_the_submission_form_sqlite() {
    for lang in ["en", "fr"] {
        entry(Backend::Sqlite, lang).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_title_only_draft_and_a_file_on_the_submission_form_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    for lang in ["en", "fr"] {
        entry(Backend::Postgres, lang).await;
    }
}

/// What the pages say, in each language.
struct Texts {
    accept_language: &'static str,
    submit_idea: &'static str,
    draft_saved: &'static str,
    continue_draft: &'static str,
    submitted: &'static str,
    files: &'static str,
}

const EN: Texts = Texts {
    accept_language: "en-GB,en",
    submit_idea: "Submit an idea",
    draft_saved: "Your draft is saved",
    continue_draft: "Continue your draft",
    submitted: "Your idea is submitted",
    files: "Files",
};

const FR: Texts = Texts {
    accept_language: "fr-FR,fr",
    submit_idea: "Proposer une idée",
    draft_saved: "Votre brouillon est enregistré",
    continue_draft: "Reprendre votre brouillon",
    submitted: "Votre idée est soumise",
    files: "Fichiers",
};

/// Signs in, the language chosen on the way (the demo's accounts are in English).
async fn sign_in(browser: &mut Browser, email: &str, lang: &str) {
    browser.goto(&format!("/login?lang={lang}")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", concours::demo::PASSWORD).await;
    browser
        .click("form[action=\"/login\"] button[type=submit]")
        .await;
    assert!(!browser.path().await.starts_with("/login"), "signed in");
}

/// The open contest's page, from the home page's link.
async fn open_contest(browser: &mut Browser) -> String {
    browser.goto("/").await;
    let href = browser
        .client
        .execute(
            "return Array.from(document.querySelectorAll('a')).find(a => \
             a.textContent.includes('Better school lunches')).getAttribute('href')",
            vec![],
        )
        .await
        .unwrap();
    let href = href
        .as_str()
        .expect("a link to the open contest")
        .to_owned();
    browser.goto(&href).await;
    href
}

/// A screenshot at a laptop's width, then at a phone's, which must fit.
async fn both_widths(browser: &mut Browser, name: &str) {
    browser.shot(&format!("{name}-laptop")).await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    browser.shot(&format!("{name}-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
}

async fn entry(backend: Backend, lang: &str) {
    let texts = if lang == "fr" { &FR } else { &EN };
    let app = TestApp::spawn(backend).await;
    let secret = concours::startup::jwt_secret(&app.ctx.settings).unwrap();
    concours::demo::run(&app.ctx.settings, &app.pool, &secret).unwrap();
    app.tick().await;
    let suffix = format!("{}-entry-{lang}", backend.name());

    // Inès saves a draft with nothing but its title.
    let mut browser = Browser::start(&app, texts.accept_language, &suffix, 0).await;
    sign_in(&mut browser, "ines@innovators.example", lang).await;
    let contest = open_contest(&mut browser).await;
    browser.expect(&[texts.submit_idea]).await;
    browser
        .click(&format!("main a.button[href=\"{contest}/submit\"]"))
        .await;
    both_widths(&mut browser, "submit-form").await;
    browser.fill("#title", "Lunch boxes that come back").await;
    browser.click("button[value=draft]").await;
    assert!(browser.path().await.ends_with("?done=draft"));
    browser
        .expect(&[texts.draft_saved, "Lunch boxes that come back"])
        .await;
    both_widths(&mut browser, "title-only-draft").await;
    // The contest page now leads back to the draft, not to a new idea.
    browser.goto(&contest).await;
    browser.expect(&[texts.continue_draft]).await;
    both_widths(&mut browser, "contest-continue-draft").await;
    let step = browser.step();
    browser.close().await;

    // Omar submits with a file chosen on the submission form; the receipt lists it.
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("lunch-plan.txt");
    std::fs::write(&file, "Reusable boxes, washed at school.\n").unwrap();
    let mut browser = Browser::start(&app, texts.accept_language, &suffix, step).await;
    sign_in(&mut browser, "omar@innovators.example", lang).await;
    browser.goto(&format!("{contest}/submit")).await;
    browser.fill("#title", "Soup on Mondays").await;
    browser
        .fill("#summary", "A warm soup to start the week.")
        .await;
    browser
        .fill("#body", "Seasonal vegetables, **cooked on site**.")
        .await;
    browser
        .find("#file")
        .await
        .send_keys(file.to_str().unwrap())
        .await
        .expect("the file is chosen");
    browser.tick("#accept_terms").await;
    both_widths(&mut browser, "submit-with-file").await;
    browser.click("button[value=submit]").await;
    assert!(browser.path().await.ends_with("?done=submitted"));
    let text = browser
        .expect(&[texts.submitted, "lunch-plan.txt", texts.files])
        .await;
    let receipt = browser.find(".receipt-files").await.text().await.unwrap();
    assert!(
        receipt.contains("lunch-plan.txt") && receipt.contains("SHA-256"),
        "{text}"
    );
    browser
        .client
        .execute(
            "document.getElementById('receipt-heading').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    both_widths(&mut browser, "receipt-with-file").await;
    browser.close().await;
    app.finish().await;
}
