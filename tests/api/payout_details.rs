//! Money people can act on (issue 19): escrow instructions with the contest's structured
//! reference, payout details only their payee gives and reads (sealed in the database), the
//! admins' summaries that act only once confirmed, the paid history.

use diesel::prelude::*;
use reqwest::Method;
use reqwest::header::LOCATION;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{
    Backend, Draft, Judging, LoggedIn, TestApp, admin, draft, judging, logged_in, page,
    skip_postgres, spawn_app_with,
};

both_backends!(
    only_the_payee_gives_and_reads_payout_details,
    payout_details_are_sealed_and_an_iban_is_checked,
    the_admin_pays_through_a_summary_then_the_payee_sees_it_paid,
    the_admin_confirms_a_funding_through_a_summary,
    the_escrow_panel_says_how_to_pay,
);

const IBAN: &str = "GB82 WEST 1234 5698 7654 32";
const IBAN_COMPACT: &str = "GB82WEST12345698765432";

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

/// A contest awarded with one juror who scored Idea A (Ann's) highest; Ann's first payout.
async fn awarded(app: &TestApp) -> (Judging, String) {
    let j = judging(app, None, &["one@jury.example"]).await;
    let path = format!("/api/v1/contests/{}/jury/entries", j.contest);
    for juror in &j.jurors {
        let entries = app.get(&path, Some(juror)).await.expect(200).json();
        for e in entries["entries"].as_array().unwrap() {
            let (impact, feasibility) = match e["title"].as_str().unwrap() {
                "Idea A" => (10, 5),
                "Idea B" => (6, 3),
                _ => (2, 1),
            };
            let id = e["entry_id"].as_str().unwrap();
            app.request(
                Method::PUT,
                &format!("{path}/{id}/scores"),
                Some(juror),
                Some(json!({"scores": {"impact": impact, "feasibility": feasibility}, "comment": "ok"})),
            )
            .await
            .expect(200);
        }
    }
    app.post(
        &format!("/api/v1/contests/{}/award", j.contest),
        Some(&j.owner),
        json!({}),
    )
    .await
    .expect(200);
    let mine = app
        .get("/api/v1/me/payouts", Some(&j.authors[0].token))
        .await
        .expect(200)
        .json();
    let first = &mine["payouts"][0];
    assert_eq!(first["status"], "due", "{mine}");
    assert_eq!(first["details"], Value::Null, "{mine}");
    let payout = first["id"].as_str().unwrap().to_owned();
    // The mail that tells Ann of her prize leads to where she says how to be paid.
    let told = app.mail_to(&j.authors[0].email).await;
    assert!(
        told.iter()
            .any(|m| m.text.contains("http://concours.test/me/payouts")
                && m.html.contains("concours.test&#x2F;me&#x2F;payouts")),
        "{told:?}"
    );
    (j, payout)
}

fn details_path(payout: &str) -> String {
    format!("/api/v1/me/payouts/{payout}/details")
}

async fn give(
    app: &TestApp,
    token: Option<&str>,
    payout: &str,
    body: Value,
) -> crate::helpers::Answer {
    app.request(Method::PUT, &details_path(payout), token, Some(body))
        .await
}

async fn only_the_payee_gives_and_reads_payout_details(app: &TestApp) {
    let (j, payout) = awarded(app).await;
    let iban = json!({"kind": "iban", "iban": IBAN});
    // Nobody but Ann: not the brand, not the juror, not another winner, not a stranger; the
    // payout is not even there for them.
    let stranger = app.person("eve@example.org", "Eve").await.token;
    let bob = &j.authors[1].token;
    for token in [&j.owner, &j.jurors[0], bob, &stranger] {
        give(app, Some(token), &payout, iban.clone())
            .await
            .expect_error(404, "not_found");
        let theirs = app
            .get("/api/v1/me/payouts", Some(token))
            .await
            .expect(200)
            .text;
        assert!(!theirs.contains(&payout), "{theirs}");
    }
    give(app, None, &payout, iban.clone())
        .await
        .expect_error(401, "unauthorized");
    app.get("/api/v1/me/payouts", None)
        .await
        .expect_error(401, "unauthorized");
    give(
        app,
        Some(&j.authors[0].token),
        "no-such-payout",
        iban.clone(),
    )
    .await
    .expect_error(404, "not_found");
    let given = give(app, Some(&j.authors[0].token), &payout, iban)
        .await
        .expect(200)
        .json();
    assert_eq!(given["details"]["kind"], "iban");
    assert_eq!(given["details"]["iban"], IBAN_COMPACT);

    // The brand, the public and the audit chain learn that details were given, never what.
    let admin_token = app.login("admin@concours.example").await;
    for (path, token) in [
        (format!("/api/v1/contests/{}/results", j.contest), None),
        (format!("/api/v1/contests/{}/audit", j.contest), None),
        (
            format!("/api/v1/contests/{}/results", j.contest),
            Some(j.owner.as_str()),
        ),
        (
            format!("/api/v1/contests/{}/exports/payouts.csv", j.contest),
            Some(j.owner.as_str()),
        ),
        (
            "/api/v1/me/export".to_owned(),
            Some(j.authors[0].token.as_str()),
        ),
    ] {
        let text = app.get(&path, token).await.text;
        assert!(
            !text.contains(IBAN_COMPACT) && !text.contains("WEST"),
            "{path}: {text}"
        );
    }
    let audit = app
        .get(&format!("/api/v1/contests/{}/audit", j.contest), None)
        .await
        .text;
    assert!(audit.contains("payout_details_given"), "{audit}");
    let brand = crate::helpers::signed_in(app, &j.owner);
    let manage = page(
        &brand,
        app,
        &format!("/contests/{}/manage", j.contest),
        None,
    )
    .await
    .html;
    assert!(manage.contains(r#"id="payouts""#), "{manage}");
    assert!(!manage.contains("WEST"), "{manage}");
    // The admin's list says they were given.
    let staff = crate::helpers::signed_in(app, &admin_token);
    let listed = page(&staff, app, "/admin", None).await.html;
    assert!(listed.contains("given"), "{listed}");
    assert!(!listed.contains("WEST"), "{listed}");

    // On the page: Bob cannot post to Ann's payout; a form without its token is refused.
    let LoggedIn { client, csrf } = logged_in(app, &j.authors[1].email, None).await;
    let form = [("csrf", csrf.as_str()), ("kind", "iban"), ("iban", IBAN)];
    let path = format!("/me/payouts/{payout}/details");
    let (status, _, _) = post(&client, app, &path, &form).await;
    assert_eq!(status, 404);
    let LoggedIn { client, csrf } = logged_in(app, &j.authors[0].email, None).await;
    let (status, _, _) = post(&client, app, &path, &[("kind", "iban"), ("iban", IBAN)]).await;
    assert_eq!(status, 403);
    let (status, location, _) = post(
        &client,
        app,
        &path,
        &[
            ("csrf", csrf.as_str()),
            ("kind", "other"),
            ("other", "PayPal ann@example.org"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/me/payouts?done=details")
    );
    let shown = page(&client, app, "/me/payouts?done=details", None)
        .await
        .html;
    assert!(
        shown.contains(r#"class="notice success""#) && shown.contains("PayPal ann@example.org"),
        "{shown}"
    );
    let shown = page(&client, app, "/me/payouts?done=nonsense", None)
        .await
        .html;
    assert!(!shown.contains(r#"class="notice success""#), "{shown}");
}

async fn payout_details_are_sealed_and_an_iban_is_checked(app: &TestApp) {
    let (j, payout) = awarded(app).await;
    let ann = j.authors[0].token.as_str();
    // A wrong check digit, a wrong shape, a missing kind, an unknown field.
    for bad in ["GB83 WEST 1234 5698 7654 32", "12345", ""] {
        let answer = give(
            app,
            Some(ann),
            &payout,
            json!({"kind": "iban", "iban": bad}),
        )
        .await
        .expect_error(422, "validation_failed");
        assert_eq!(answer.json()["error"]["fields"][0]["path"], "iban", "{bad}");
    }
    let answer = give(app, Some(ann), &payout, json!({"kind": "cash"}))
        .await
        .expect_error(422, "validation_failed");
    assert_eq!(answer.json()["error"]["fields"][0]["path"], "kind");
    let answer = give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "other", "other": " "}),
    )
    .await
    .expect_error(422, "validation_failed");
    assert_eq!(answer.json()["error"]["fields"][0]["path"], "other");
    give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "iban", "iban": IBAN, "bic": "X"}),
    )
    .await
    .expect(400);
    give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "iban", "iban": IBAN}),
    )
    .await
    .expect(200);
    // A second time replaces the first.
    give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "iban", "iban": "DE89370400440532013000"}),
    )
    .await
    .expect(200);
    give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "iban", "iban": IBAN}),
    )
    .await
    .expect(200);

    // In the database: the kind, and a sealed text that is not the IBAN in any form.
    use concours::store::schema::payout_details as d;
    let rows: Vec<(String, String, String)> = d::table
        .select((d::payout_id, d::kind, d::sealed))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(rows.len(), 1);
    let (id, kind, sealed) = &rows[0];
    assert_eq!((id.as_str(), kind.as_str()), (payout.as_str(), "iban"));
    let upper = sealed.to_uppercase();
    for clear in [
        IBAN_COMPACT,
        "WEST",
        &hex::encode(IBAN_COMPACT).to_uppercase(),
    ] {
        assert!(!upper.contains(clear), "{clear} in {sealed}");
    }
    // The key was generated once, in the data folder, for its owner only.
    let key = app.settings.storage.data_dir.join("payout_details_key");
    assert_eq!(std::fs::read_to_string(&key).unwrap().trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "{mode:o}");
    }

    // The page shows an invalid IBAN beside its field, in French too.
    let LoggedIn { client, csrf } = logged_in(app, &j.authors[0].email, Some("fr")).await;
    page(&client, app, "/me/payouts?lang=fr", None).await;
    let (status, _, html) = post(
        &client,
        app,
        &format!("/me/payouts/{payout}/details"),
        &[
            ("csrf", csrf.as_str()),
            ("kind", "iban"),
            ("iban", "GB83 WEST 1234 5698 7654 32"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains(r#"class="error-summary""#)
            && html.contains(&format!(r##"href="#iban-{payout}""##))
            && html.contains(&format!(r#"id="iban-{payout}-error""#))
            && html.contains("Indiquez un IBAN valide"),
        "{html}"
    );
}

async fn the_admin_pays_through_a_summary_then_the_payee_sees_it_paid(app: &TestApp) {
    let (j, payout) = awarded(app).await;
    let ann = j.authors[0].token.as_str();
    give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "iban", "iban": IBAN}),
    )
    .await
    .expect(200);
    let LoggedIn { client, csrf } = logged_in(app, "admin@concours.example", None).await;
    let path = format!("/admin/payouts/{payout}");
    // Without its confirmation, the form shows the summary and changes nothing.
    let (status, _, summary) = post(
        &client,
        app,
        &path,
        &[("csrf", csrf.as_str()), ("reference", "TX-9")],
    )
    .await;
    assert_eq!(status, 200, "{summary}");
    assert!(
        summary.contains("GB82 WEST 1234 5698 7654 32")
            && summary.contains("Ann Author")
            && summary.contains(r#"name="confirm" value="yes""#)
            && summary.contains(r#"class="danger confirm""#),
        "{summary}"
    );
    let mine = app.get("/api/v1/me/payouts", Some(ann)).await.json();
    assert_eq!(mine["payouts"][0]["status"], "due");
    // Without the token: refused.
    let (status, _, _) = post(
        &client,
        app,
        &path,
        &[("reference", "TX-9"), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 403);
    // Nobody but admins reads the summary.
    let LoggedIn {
        client: brand,
        csrf: brand_csrf,
    } = logged_in(app, "owner@acme.example", None).await;
    let (status, _, body) = post(
        &brand,
        app,
        &path,
        &[("csrf", brand_csrf.as_str()), ("reference", "X")],
    )
    .await;
    assert_eq!(status, 403);
    assert!(!body.contains("WEST"));
    // An empty reference is refused beside its field.
    let (status, _, body) = post(
        &client,
        app,
        &path,
        &[
            ("csrf", csrf.as_str()),
            ("reference", " "),
            ("confirm", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains(r##"href="#reference""##), "{body}");
    let (status, location, _) = post(
        &client,
        app,
        &path,
        &[
            ("csrf", csrf.as_str()),
            ("reference", "TX-9"),
            ("confirm", "yes"),
        ],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin?done=payout_paid")
    );
    let notice = page(&client, app, "/admin?done=payout_paid", None)
        .await
        .html;
    assert!(notice.contains(r#"class="notice success""#), "{notice}");

    // The paid history: Ann sees it paid with its date and reference; the brand sees the date.
    let mine = app.get("/api/v1/me/payouts", Some(ann)).await.json();
    let paid = &mine["payouts"][0];
    assert_eq!(
        (&paid["status"], &paid["paid_reference"]),
        (&json!("paid"), &json!("TX-9"))
    );
    assert!(paid["paid_at"].is_string());
    let LoggedIn {
        client: ann_page, ..
    } = logged_in(app, &j.authors[0].email, None).await;
    let history = page(&ann_page, app, "/me/payouts", None).await.html;
    assert!(history.contains("TX-9"), "{history}");
    let manage = page(
        &brand,
        app,
        &format!("/contests/{}/manage", j.contest),
        None,
    )
    .await
    .html;
    assert!(
        manage.contains("Paid on") && manage.contains("UTC"),
        "{manage}"
    );
    assert!(!manage.contains("WEST"));
    // Paid, its details no longer change.
    give(
        app,
        Some(ann),
        &payout,
        json!({"kind": "other", "other": "cash"}),
    )
    .await
    .expect_error(409, "already_paid");
}

async fn the_admin_confirms_a_funding_through_a_summary(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    let recorded = app
        .post(
            &format!("/api/v1/contests/{contest}/fundings"),
            Some(&owner),
            json!({"amount_cents": 200_000, "reference": "ACME-2000"}),
        )
        .await
        .expect(201)
        .json();
    let funding = recorded["id"].as_str().unwrap().to_owned();
    let admin_token = admin(app).await;
    let LoggedIn { client, csrf } = logged_in(app, "admin@concours.example", None).await;
    let path = format!("/admin/fundings/{funding}");
    let form = [
        ("csrf", csrf.as_str()),
        ("amount_cents", "200000"),
        ("currency", "EUR"),
    ];
    let (status, _, summary) = post(&client, app, &path, &form).await;
    assert_eq!(status, 200, "{summary}");
    assert!(
        summary.contains("2,000.00 EUR")
            && summary.contains("ACME-2000")
            && summary.contains("Acme")
            && summary.contains("RF"),
        "{summary}"
    );
    let pending = app
        .get("/api/v1/admin/fundings", Some(&admin_token))
        .await
        .json();
    assert_eq!(
        pending["fundings"].as_array().unwrap().len(),
        1,
        "{pending}"
    );
    let mut confirmed = form.to_vec();
    confirmed.push(("confirm", "yes"));
    let (status, location, _) = post(&client, app, &path, &confirmed).await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin?done=funding_confirmed")
    );
    let shown = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json();
    assert_eq!(shown["funded_cents"], 200_000);
    // Confirmed, the summary has nothing left to confirm.
    let (_, _, again) = post(&client, app, &path, &form).await;
    assert!(!again.contains(r#"class="danger confirm""#), "{again}");
}

async fn the_escrow_panel_says_how_to_pay(app: &TestApp) {
    let Draft { owner, contest, .. } = draft(app).await;
    let brand = crate::helpers::signed_in(app, &owner);
    let html = page(&brand, app, &format!("/contests/{contest}/manage"), None)
        .await
        .html;
    let reference = concours::app::fundings::escrow_reference(&contest);
    assert!(concours::domain::banking::is_creditor_reference(&reference));
    let grouped = concours::domain::banking::grouped(&reference);
    assert!(html.contains(&grouped), "{html}");
    assert!(html.contains("ask") || html.contains("Ask"), "{html}");
    // The form is filled with the reference and the missing amount.
    assert!(
        html.contains(&format!(
            r#"name="reference" type="text" maxlength="200" value="{grouped}""#
        )),
        "{html}"
    );
    let pool = app
        .get(&format!("/api/v1/contests/{contest}"), Some(&owner))
        .await
        .json()["prize_pool_cents"]
        .as_i64()
        .unwrap();
    let missing = concours::domain::money::input_value(pool, "EUR");
    assert!(
        html.contains(&format!(r#"inputmode="decimal" value="{missing}""#)),
        "{missing}: {html}"
    );
    // A transfer recorded and not yet confirmed is no longer asked for.
    app.post(
        &format!("/api/v1/contests/{contest}/fundings"),
        Some(&owner),
        json!({"amount_cents": pool - 100_000, "reference": grouped}),
    )
    .await
    .expect(201);
    let html = page(&brand, app, &format!("/contests/{contest}/manage"), None)
        .await
        .html;
    let rest = concours::domain::money::input_value(100_000, "EUR");
    assert!(
        html.contains(&format!(r#"inputmode="decimal" value="{rest}""#)),
        "{rest}: {html}"
    );
    let fr = page(
        &brand,
        app,
        &format!("/contests/{contest}/manage?lang=fr"),
        None,
    )
    .await
    .html;
    assert!(fr.contains("Demandez aux administrateurs"), "{fr}");
}

/// With `payments.bank_details` set, the brand reads it as is (and a configured key is used).
async fn bank_details_from_settings(backend: Backend) {
    let app = spawn_app_with(backend, |s| {
        s.payments.bank_details = "IBAN FR76 3000 6000 0112 3456 7890 189 · Concours SAS".into();
        s.payments.details_key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=".into();
    })
    .await;
    let Draft { owner, contest, .. } = draft(&app).await;
    let brand = crate::helpers::signed_in(&app, &owner);
    let html = page(&brand, &app, &format!("/contests/{contest}/manage"), None)
        .await
        .html;
    assert!(
        html.contains("IBAN FR76 3000 6000 0112 3456 7890 189 · Concours SAS"),
        "{html}"
    );
    assert!(
        !app.settings
            .storage
            .data_dir
            .join("payout_details_key")
            .exists()
    );
    app.assert_invariants().await;
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_details_from_settings_sqlite() {
    bank_details_from_settings(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bank_details_from_settings_postgres() {
    if skip_postgres() {
        return;
    }
    bank_details_from_settings(Backend::Postgres).await;
}
