//! Scoring without losing a score (issue 19): a juror types scores, sees the running weighted
//! total move, is warned before j, k or a link leaves them unsaved, finds them again on
//! return, and ends on "Save and finish"; a criterion's description (with markup) is text; a
//! second juror on the same browser never sees the first one's typed values. In English and in
//! French, on a laptop and on a phone. The data is made through the JSON API.

use chrono::Duration;
use fantoccini::key::Key;
use serde_json::json;

use crate::calls::{at, opened_with_jurors, person, post};
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_juror_never_loses_a_score_sqlite() {
    scoring(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_juror_never_loses_a_score_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    scoring(Backend::Postgres).await;
}

const JULES: &str = "jules@jury.example";
const JADE: &str = "jade@jury.example";
/// The description of the first criterion: its markup must show as text, its script never run.
const DESCRIPTION: &str =
    "0: no effect; 10: less plastic everywhere. <b>bold</b><script>window.__pwned=1</script>";

/// A contest in judging, with two jurors and two entries: its id.
async fn make(app: &TestApp) -> String {
    let now = app.now();
    let rules = json!({
        "opens_at": at(now + Duration::days(1)),
        "submission_deadline": at(now + Duration::days(10)),
        "judging_deadline": at(now + Duration::days(20)),
        "criteria": [
            {"key": "impact", "label": "Environmental impact", "weight": 3, "max": 10,
             "description": DESCRIPTION},
            {"key": "feasibility", "label": "Feasibility", "weight": 1, "max": 5}
        ],
        "currency": "EUR",
        "prizes": [{"label": "First prize", "amount_cents": 500_000}],
        "minimum_score": 10,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 1
    });
    let contest =
        opened_with_jurors(app, rules, &[(JULES, "Jules Juror"), (JADE, "Jade Juror")]).await;
    let path = format!("/api/v1/contests/{contest}");
    for (email, name, title) in [
        (
            "ann@example.org",
            "Ann Author",
            "Refill stations in every post office",
        ),
        ("bob@example.org", "Bob Author", "Edible wrapping"),
    ] {
        let token = person(app, email, name).await;
        let body = json!({"title": title, "summary": "s", "body": "b", "accept_terms": true});
        post(app, &format!("{path}/ideas"), Some(&token), body, 201).await;
    }
    app.advance(Duration::days(9));
    app.tick().await;
    contest
}

async fn text_of(browser: &Browser, css: &str) -> String {
    browser.find(css).await.text().await.unwrap()
}

async fn value_of(browser: &Browser, css: &str) -> String {
    browser
        .find(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn shown(browser: &Browser, css: &str) -> bool {
    browser.find(css).await.is_displayed().await.unwrap()
}

/// Scrolls the score panel (its warnings, then the form) into view: on a phone it sits below
/// the entry.
async fn show_scores(browser: &Browser) {
    browser
        .client
        .execute(
            "document.getElementById('scores-heading').scrollIntoView({block: 'start'})",
            vec![],
        )
        .await
        .unwrap();
}

/// Presses `key` outside the form fields (Esc first leaves the field that has the focus).
async fn press(browser: &Browser, key: &str) {
    let field = browser.client.active_element().await.unwrap();
    field
        .send_keys(&format!("{}{key}", Key::Escape))
        .await
        .unwrap();
}

/// The juror's scoring page, in the browser's language: (total, unsaved warning, restored,
/// save and finish, next, previous, done) as written there.
struct Words {
    unsaved: &'static str,
    restored: &'static str,
    save_next: &'static str,
    finish: &'static str,
    decimal: &'static str,
    all_done: &'static str,
}

const ENGLISH: Words = Words {
    unsaved: "You have unsaved scores — save first.",
    restored: "The scores you typed here earlier without saving are back",
    save_next: "Save and go to the next entry",
    finish: "Save and finish",
    decimal: "72.5 / 100",
    all_done: "You have scored every entry.",
};

const FRENCH: Words = Words {
    unsaved: "Vous avez des notes non enregistrées — enregistrez-les d’abord.",
    restored: "Les notes saisies ici sans être enregistrées sont revenues",
    save_next: "Enregistrer et passer à la suivante",
    finish: "Enregistrer et terminer",
    decimal: "72,5 / 100",
    all_done: "Vous avez noté toutes les participations.",
};

/// One juror scores both entries: types, is warned on j, leaves anyway, finds the typed
/// values again on k, saves, then finishes; the phone width is checked on the way.
async fn score_both(browser: &mut Browser, contest: &str, words: &Words, name: &str) {
    browser.goto(&format!("/contests/{contest}/jury")).await;
    // The description is text, beside its criterion.
    let description = text_of(browser, "#score-impact-description").await;
    assert!(description.contains("<b>bold</b><script>"), "{description}");
    assert_eq!(text_of(browser, "#score-total").await, "— / 100");
    assert_eq!(
        text_of(browser, "#score-form button[type=submit]").await,
        words.save_next
    );
    assert!(!shown(browser, "#scores-unsaved").await);
    let first = browser.path().await;

    // The total follows the typing: 100 × (3·7/10 + 1·4/5) ÷ 4 = 72.5.
    browser.fill("#score-impact", "7").await;
    assert_eq!(
        text_of(browser, "#score-total").await,
        words
            .decimal
            .replace("72,5", "52,5")
            .replace("72.5", "52.5")
    );
    browser.fill("#score-feasibility", "4").await;
    assert_eq!(text_of(browser, "#score-total").await, words.decimal);

    // j with unsaved scores: a warning, and the page stays.
    press(browser, "j").await;
    assert!(shown(browser, "#scores-unsaved").await, "warned");
    let warning = text_of(browser, "#scores-unsaved").await;
    assert!(warning.contains(words.unsaved), "{warning}");
    assert_eq!(browser.path().await, first, "j did not leave");
    browser.check().await;
    browser.shot(&format!("{name}-unsaved-warning")).await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    show_scores(browser).await;
    browser.shot(&format!("{name}-unsaved-warning-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();

    // A second j leaves; k comes back, and what was typed is there again.
    browser.mark_page().await;
    browser.find("body").await.send_keys("j").await.unwrap();
    browser.wait_for_url("entry=").await;
    assert_ne!(browser.path().await, first);
    assert_eq!(value_of(browser, "#score-impact").await, "");
    browser.mark_page().await;
    press(browser, "k").await;
    browser.wait_for_url("entry=").await;
    assert_eq!(value_of(browser, "#score-impact").await, "7");
    assert_eq!(value_of(browser, "#score-feasibility").await, "4");
    assert!(shown(browser, "#scores-restored").await, "said so");
    assert!(
        text_of(browser, "#scores-restored")
            .await
            .contains(words.restored)
    );
    assert_eq!(text_of(browser, "#score-total").await, words.decimal);
    browser.shot(&format!("{name}-restored")).await;

    // A link away is warned about too (the crumbs to the contest); the click stays here.
    browser.find(".crumbs a").await.click().await.unwrap();
    assert!(
        shown(browser, "#scores-unsaved").await,
        "a link is warned about"
    );
    assert!(browser.path().await.contains("/jury"));

    // Saved: the notice, then the last entry, whose button finishes.
    browser.click("#score-form button[type=submit]").await;
    assert!(browser.path().await.contains("done=saved"));
    assert!(shown(browser, ".notice.success").await);
    assert_eq!(
        text_of(browser, "#score-form button[type=submit]").await,
        words.finish
    );
    assert_eq!(text_of(browser, "#score-total").await, "— / 100");
    browser.fill("#score-impact", "10").await;
    browser.fill("#score-feasibility", "5").await;
    assert_eq!(text_of(browser, "#score-total").await, "100 / 100");
    browser.shot(&format!("{name}-finish")).await;
    browser.client.set_window_size(390, 844).await.unwrap();
    browser.fits(390).await;
    show_scores(browser).await;
    browser.shot(&format!("{name}-finish-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
    browser.click("#score-form button[type=submit]").await;
    assert!(browser.path().await.contains("done=finished"));
    browser.expect(&[words.all_done]).await;
    browser.shot(&format!("{name}-finished")).await;
    // Nothing is left unsaved: leaving is not warned about.
    browser.click("a[href=\"/me/juries\"]").await;
    assert_eq!(browser.path().await, "/me/juries");
}

async fn scoring(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let contest = make(&app).await;
    let suffix = format!("{}-scoring", backend.name());
    let jury = format!("/contests/{contest}/jury");

    let mut browser = Browser::start(&app, "en-GB,en", &suffix, 0).await;
    browser.sign_in(JULES).await;
    score_both(&mut browser, &contest, &ENGLISH, "scoring").await;
    // Jules revises an entry and leaves it unsaved (j, then j again), then signs out.
    browser.goto(&jury).await;
    let action = browser
        .find("#score-form")
        .await
        .attr("action")
        .await
        .unwrap()
        .unwrap();
    let entry = action.split('/').rev().nth(1).unwrap().to_owned();
    let revised = format!("{jury}?entry={entry}");
    browser.fill("#score-impact", "1").await;
    press(&browser, "j").await;
    browser.mark_page().await;
    browser.find("body").await.send_keys("j").await.unwrap();
    browser.wait_for_url("entry=").await;
    let kept = browser
        .client
        .execute(
            "return Object.keys(sessionStorage).filter(k => k.startsWith('concours.scores.') && k.endsWith(arguments[0])).length",
            vec![json!(entry)],
        )
        .await
        .unwrap();
    assert_eq!(kept, json!(1), "Jules's typed score is kept in the tab");
    browser.sign_out().await;
    // Jade, on the same browser and tab, sees her own empty sheet for that entry.
    browser.sign_in(JADE).await;
    browser.goto(&revised).await;
    let impact = value_of(&browser, "#score-impact").await;
    assert_ne!(impact, "1", "another juror's typed score");
    assert!(!shown(&browser, "#scores-restored").await);
    assert_eq!(text_of(&browser, "#score-total").await, "— / 100");
    browser.sign_out().await;
    let step = browser.step();
    browser.close().await;

    // In French, Jade scores hers.
    let mut french = Browser::start(&app, "fr-FR,fr", &suffix, step).await;
    french.sign_in(JADE).await;
    french.click("header.site a[hreflang=\"fr\"]").await;
    score_both(&mut french, &contest, &FRENCH, "notation").await;
    french.close().await;
    app.finish().await;
}
