//! The management page guides each phase (issue 19): a draft shows its opening checklist with
//! every failing line at once and Open disabled; once fixed, Open leads to the confirmation and
//! the page says the contest is open; in judging, a disqualification asks first, naming the
//! idea. In English and in French, on a laptop and on a phone.

use chrono::Duration;
use serde_json::json;

use crate::calls::{at, login, person, post};
use crate::support::{Backend, Browser, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_leads_from_checklist_to_disqualification_sqlite() {
    guide(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guide_leads_from_checklist_to_disqualification_postgres() {
    if crate::support::skip_postgres() {
        return;
    }
    guide(Backend::Postgres).await;
}

const OWNER: &str = "owner@acme.example";
const ADMIN: &str = "admin@concours.example";
/// The authors, and the idea each submits to every contest.
const AUTHORS: [(&str, &str); 2] = [
    ("ann@example.org", "Refill stations"),
    ("bob@example.org", "Edible wrapping"),
];

/// A draft asking for two jurors, with a transfer recorded but not confirmed and one juror
/// invited: two lines of its checklist fail. Returns the contest and its funding.
async fn draft(app: &TestApp, owner: &str, org: &str, juror: &str) -> (String, String) {
    let now = app.now();
    let rules = json!({
        "opens_at": at(now + Duration::days(1)),
        "submission_deadline": at(now + Duration::days(10)),
        "judging_deadline": at(now + Duration::days(20)),
        "criteria": [{"key": "impact", "label": "Impact", "weight": 1, "max": 10}],
        "currency": "EUR",
        "prizes": [{"label": "First prize", "amount_cents": 300_000}],
        "minimum_score": 10,
        "fallback": {"policy": "best_anyway"},
        "no_entry_beneficiary": "The Open Science Fund",
        "max_ideas_per_person": 1,
        "blind_judging": true,
        "eligibility": "Anyone of age.",
        "ip_terms": "Authors keep their rights.",
        "min_jurors": 2
    });
    let body = json!({"organization_id": org, "title": "Greener packaging", "brief": "Less plastic.", "rules": rules});
    let contest = post(app, "/api/v1/contests", Some(owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/contests/{contest}");
    let body = json!({"amount_cents": 300_000, "reference": "TRANSFER-7"});
    let funding = post(app, &format!("{path}/fundings"), Some(owner), body, 201).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = json!({"email": juror});
    post(app, &format!("{path}/jurors"), Some(owner), body, 201).await;
    (contest, funding)
}

/// Looks at the page at a phone's width (it fits), then back on a laptop.
async fn on_a_phone(browser: &mut Browser, name: &str) {
    browser.client.set_window_size(390, 2400).await.unwrap();
    browser.fits(390).await;
    browser.shot(&format!("{name}-phone")).await;
    browser.client.set_window_size(1280, 900).await.unwrap();
}

async fn guide(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let owner = person(&app, OWNER, "Olive Owner").await;
    let org = post(
        &app,
        "/api/v1/organizations",
        Some(&owner),
        json!({"name": "Acme"}),
        201,
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    person(&app, ADMIN, "Ada Admin").await;
    app.grant_admin(ADMIN);
    for (email, _) in AUTHORS {
        person(&app, email, "An Author").await;
    }
    let suffix = format!("guide-{}", backend.name());
    let mut step = 0;
    for (lang, accept) in [("en", "en-GB,en"), ("fr", "fr-FR,fr")] {
        let fr = lang == "fr";
        let owner = login(&app, OWNER).await;
        let (contest, funding) =
            draft(&app, &owner, &org, &format!("first-{lang}@jury.example")).await;
        let manage = format!("/contests/{contest}/manage");
        let mut browser = Browser::start(&app, accept, &suffix, step).await;
        browser.sign_in(OWNER).await;
        if fr && browser.exists("header a[hreflang=fr]").await {
            browser.click("header a[hreflang=fr]").await;
        }

        // The checklist: every failing line at once, Open disabled.
        browser.goto(&manage).await;
        let text = browser
            .expect(&if fr {
                [
                    "Ce qui vous attend",
                    "Séquestre confirmé",
                    "Invitez encore 1 juré(s)",
                ]
            } else {
                [
                    "What needs you now",
                    "Escrow confirmed: 0.00 EUR of 3,000.00 EUR",
                    "Invite 1 more juror(s) below",
                ]
            })
            .await;
        assert_eq!(
            browser
                .client
                .execute(
                    "return document.querySelectorAll('#guide li.todo').length",
                    vec![]
                )
                .await
                .unwrap(),
            json!(2),
            "{text}"
        );
        assert!(browser.exists("#open button[disabled]").await);
        assert!(
            !browser
                .exists(&format!("a[href=\"/contests/{contest}/open\"]"))
                .await
        );
        browser.shot(&format!("checklist-failing-{lang}")).await;
        on_a_phone(&mut browser, &format!("checklist-failing-{lang}")).await;

        // Fixed: the admin confirms the transfer, the brand invites a second juror.
        let confirm = format!("/api/v1/admin/fundings/{funding}/confirm");
        let admin = login(&app, ADMIN).await;
        post(&app, &confirm, Some(&admin), json!({}), 200).await;
        browser
            .fill("#juror-email", &format!("second-{lang}@jury.example"))
            .await;
        browser
            .click("form[action$=\"/manage/jurors\"] button[type=submit]")
            .await;
        browser
            .expect(&[if fr {
                "L’invitation est envoyée."
            } else {
                "The invitation is sent."
            }])
            .await;
        assert!(!browser.exists("#guide li.todo").await);
        browser.shot(&format!("checklist-passing-{lang}")).await;
        browser
            .click(&format!("a[href=\"/contests/{contest}/open\"]"))
            .await;
        browser.tick("input[name=confirm]").await;
        browser.shot(&format!("open-confirmation-{lang}")).await;
        browser.click("button.danger.confirm").await;
        assert_eq!(browser.path().await, format!("{manage}?done=opened"));
        let text = browser
            .expect(&[if fr {
                "Le concours est ouvert"
            } else {
                "The contest is open"
            }])
            .await;
        for setup in ["checklist", "juror(s) to open", "pour ouvrir"] {
            assert!(!text.contains(setup), "{setup} after opening:\n{text}");
        }
        assert!(!browser.exists("#guide .checklist").await);
        browser.shot(&format!("opened-{lang}")).await;
        on_a_phone(&mut browser, &format!("opened-{lang}")).await;

        // Two ideas, then judging: disqualifying one asks first.
        app.advance(Duration::days(1) + Duration::hours(1));
        app.tick().await;
        for (email, title) in AUTHORS {
            let token = login(&app, email).await;
            let body = json!({"title": title, "summary": "s", "body": "b", "accept_terms": true});
            let path = format!("/api/v1/contests/{contest}/ideas");
            post(&app, &path, Some(&token), body, 201).await;
        }
        app.advance(Duration::days(9));
        app.tick().await;
        browser.sign_in(OWNER).await;
        browser.goto(&manage).await;
        browser
            .fill("input[name=reason]", "Copied from a catalogue")
            .await;
        browser
            .click("form[action$=\"/disqualify\"] button[type=submit]")
            .await;
        browser
            .expect(&[
                "Copied from a catalogue",
                if fr {
                    "Oui, disqualifier cette idée"
                } else {
                    "Yes, disqualify this idea"
                },
            ])
            .await;
        browser
            .shot(&format!("disqualify-confirmation-{lang}"))
            .await;
        on_a_phone(&mut browser, &format!("disqualify-confirmation-{lang}")).await;
        browser.click("button.danger.confirm").await;
        browser
            .expect(&[if fr {
                "L’idée est disqualifiée"
            } else {
                "The idea is disqualified"
            }])
            .await;
        browser.shot(&format!("disqualified-{lang}")).await;
        browser.sign_out().await;
        step = browser.step();
        browser.close().await;
    }
    app.finish().await;
}
