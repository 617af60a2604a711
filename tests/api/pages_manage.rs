//! The pages of brand members and admins, over HTTP as a browser sends it: the dashboard, the
//! contest editor with every rule error next to its field, funding, opening with its
//! confirmation, the jury, announcements, and the admin's escrow page; and the people they
//! must refuse.

use chrono::Duration;
use reqwest::header::{ACCEPT_LANGUAGE, LOCATION};

use crate::both_backends;
use crate::helpers::{
    LoggedIn, Opened, Page, TestApp, admin, browser, draft, logged_in, opened, page, test_epoch,
};

both_backends!(
    a_brand_writes_funds_and_opens_a_contest_in_the_browser,
    the_editor_shows_every_rule_error_next_to_its_field,
    manage_pages_refuse_everyone_but_members_and_admins,
);

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

fn at(days: i64) -> String {
    (test_epoch() + Duration::days(days))
        .format("%Y-%m-%dT12:00")
        .to_string()
}

/// A complete editor form; `changes` replace fields.
fn editor_form(csrf: &str, organization: &str, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let (opens, deadline, judged) = (at(2), at(12), at(20));
    let mut form: Vec<(String, String)> = [
        ("csrf", csrf),
        ("organization_id", organization),
        ("title", "Greener <b>packaging</b>"),
        ("brief", "We want **less plastic**."),
        ("opens_at", &opens),
        ("submission_deadline", &deadline),
        ("judging_deadline", &judged),
        ("criterion_0_label", "Impact"),
        ("criterion_0_weight", "3"),
        ("criterion_0_max", "10"),
        ("criterion_2_label", "Feasibility"),
        ("criterion_2_weight", "2"),
        ("criterion_2_max", "5"),
        ("currency", "eur"),
        ("prize_0_label", "First prize"),
        ("prize_0_amount", "5 000"),
        ("prize_1_label", "Second prize"),
        ("prize_1_amount", "2000,00"),
        ("minimum_score", "60"),
        ("fallback_policy", "split_top"),
        ("fallback_n", "2"),
        ("no_entry_beneficiary", "The Ocean Fund"),
        ("max_ideas_per_person", "2"),
        ("blind_judging", "on"),
        ("eligibility", "Anyone of age."),
        ("ip_terms", "Authors keep their rights."),
        ("min_jurors", "1"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    for (key, value) in changes {
        match form.iter_mut().find(|(k, _)| k == key) {
            Some(entry) => entry.1 = (*value).to_owned(),
            None => form.push(((*key).to_owned(), (*value).to_owned())),
        }
    }
    form
}

fn as_pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn a_brand_writes_funds_and_opens_a_contest_in_the_browser(app: &TestApp) {
    app.person("brand@acme.example", "Brenda Brand").await;
    let LoggedIn {
        client: brand,
        csrf,
    } = logged_in(app, "brand@acme.example", None).await;
    let Page {
        status,
        html: dashboard,
    } = page(&brand, app, "/dashboard", None).await;
    assert_eq!(status, 200);
    assert!(
        dashboard.contains("You belong to no organisation yet"),
        "{dashboard}"
    );
    // Writing a contest before having an organisation leads to the dashboard.
    let answer = brand.get(app.url("/contests/new")).send().await.unwrap();
    assert_eq!(answer.headers()[LOCATION], "/dashboard");

    let (status, location, _) = post(
        &brand,
        app,
        "/organizations/new",
        &[("csrf", &csrf), ("name", "Acme")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/dashboard?done=created")
    );
    let dashboard = page(&brand, app, &location, None).await.html;
    assert!(dashboard.contains("Acme") && dashboard.contains("owner"));
    assert!(dashboard.contains("Your organisation is created."));

    let Page {
        status,
        html: editor,
    } = page(&brand, app, "/contests/new", None).await;
    assert_eq!(status, 200);
    let organization = {
        let marker = r#"name="organization_id" value=""#;
        let start = editor.find(marker).unwrap() + marker.len();
        editor[start..start + 36].to_owned()
    };
    let form = editor_form(&csrf, &organization, &[]);
    let (status, location, body) = post(&brand, app, "/contests/new", &as_pairs(&form)).await;
    assert_eq!(status, 303, "{body}");
    let contest = location
        .strip_prefix("/contests/")
        .and_then(|rest| rest.strip_suffix("/manage"))
        .expect("the management page")
        .to_owned();
    let stored = app
        .get(
            &format!("/api/v1/contests/{contest}"),
            Some(&app.login("brand@acme.example").await),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(stored["rules"]["prizes"][0]["amount_cents"], 500_000);
    assert_eq!(stored["rules"]["prizes"][1]["amount_cents"], 200_000);
    assert_eq!(stored["rules"]["currency"], "EUR");
    assert_eq!(stored["rules"]["criteria"][1]["key"], "feasibility");
    assert_eq!(
        stored["rules"]["fallback"],
        serde_json::json!({"policy": "split_top", "n": 2})
    );
    assert_eq!(stored["rules"]["opens_at"], format!("{}:00Z", at(2)));

    // The editor shows the draft as saved, escaped.
    let edit = page(&brand, app, &format!("/contests/{contest}/edit"), None)
        .await
        .html;
    assert!(
        edit.contains("Greener &lt;b&gt;packaging&lt;&#x2F;b&gt;"),
        "{edit}"
    );
    assert!(edit.contains(r#"value="5000""#) && edit.contains(r#"value="2000""#));

    // Funding: recorded by the brand, confirmed by an admin on the escrow page.
    let manage_path = format!("/contests/{contest}/manage");
    let Page {
        status,
        html: manage,
    } = page(&brand, app, &manage_path, None).await;
    assert_eq!(status, 200);
    assert!(
        manage.contains("7,000.00 EUR are still missing"),
        "{manage}"
    );
    let (status, _, body) = post(
        &brand,
        app,
        &format!("{manage_path}/fundings"),
        &[
            ("csrf", &csrf),
            ("amount", "seven"),
            ("reference", "ACME-1"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("Write an amount like") && body.contains(r#"value="ACME-1""#));
    let (status, location, _) = post(
        &brand,
        app,
        &format!("{manage_path}/fundings"),
        &[("csrf", &csrf), ("amount", "7000"), ("reference", "ACME-1")],
    )
    .await;
    assert_eq!(
        (status, location),
        (303, format!("{manage_path}?done=funding#fundings"))
    );

    admin(app).await;
    let LoggedIn {
        client: staff,
        csrf: staff_csrf,
    } = logged_in(app, "admin@concours.example", None).await;
    let Page {
        status,
        html: escrow,
    } = page(&staff, app, "/admin", None).await;
    assert_eq!(status, 200);
    assert!(
        escrow.contains("ACME-1") && escrow.contains("7,000.00 EUR"),
        "{escrow}"
    );
    let marker = r#"action="/admin/fundings/"#;
    let start = escrow.find(marker).unwrap() + marker.len();
    let funding = escrow[start..start + 36].to_owned();
    let (status, location, _) = post(
        &staff,
        app,
        &format!("/admin/fundings/{funding}"),
        &[("csrf", &staff_csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(
        (status, location.as_str()),
        (303, "/admin?done=funding_confirmed")
    );
    let escrow = page(&staff, app, "/admin", None).await.html;
    assert!(escrow.contains("No transfer is waiting"));

    // Opening needs a juror: the page says so, where the opening is.
    let (status, _, body) = post(
        &brand,
        app,
        &format!("/contests/{contest}/open"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains(r#"id="open""#) && body.contains("role=\"alert\""));
    let (status, _, _) = post(
        &brand,
        app,
        &format!("{manage_path}/jurors"),
        &[("csrf", &csrf), ("email", "jo@jury.example")],
    )
    .await;
    assert_eq!(status, 303);
    let manage = page(&brand, app, &manage_path, None).await.html;
    assert!(manage.contains("jo@jury.example") && manage.contains("invited"));

    // The confirmation says what freezes; without ticking it nothing happens.
    let confirm = page(&brand, app, &format!("/contests/{contest}/open"), None)
        .await
        .html;
    assert!(confirm.contains("frozen for good"), "{confirm}");
    let (status, _, body) = post(
        &brand,
        app,
        &format!("/contests/{contest}/open"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 422);
    assert!(body.contains("Tick the box"));
    let (status, location, _) = post(
        &brand,
        app,
        &format!("/contests/{contest}/open"),
        &[("csrf", &csrf), ("confirm", "yes")],
    )
    .await;
    assert_eq!(
        (status, location),
        (303, format!("{manage_path}?done=opened#guide"))
    );
    // Frozen: the editor is gone, announcements are the way to speak.
    let answer = brand
        .get(app.url(&format!("/contests/{contest}/edit")))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.headers()[LOCATION].to_str().unwrap(), manage_path);
    let (status, _, _) = post(
        &brand,
        app,
        &format!("{manage_path}/announcements"),
        &[
            ("csrf", &csrf),
            ("body", "Deadline <script>alert(1)</script> stays."),
            ("send", "yes"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let public = page(&browser(), app, &format!("/contests/{contest}"), None)
        .await
        .html;
    assert!(public.contains("Deadline &lt;script&gt;alert(1)&lt;&#x2F;script&gt; stays."));
    assert!(!public.contains("<script>alert(1)"));
    assert!(public.contains("Opens in"), "a countdown: {public}");

    // The same pages in French.
    let tableau = page(&brand, app, &format!("{manage_path}?lang=fr"), None)
        .await
        .html;
    assert!(tableau.contains("Financement") && tableau.contains("7\u{202f}000,00 EUR"));
}

async fn the_editor_shows_every_rule_error_next_to_its_field(app: &TestApp) {
    let organization = draft(app).await.organization;
    let LoggedIn {
        client: brand,
        csrf,
    } = logged_in(app, "owner@acme.example", None).await;
    let form = editor_form(
        &csrf,
        &organization,
        &[
            ("title", ""),
            ("prize_1_amount", "12,3,4"),
            ("criterion_2_weight", "0"),
            ("fallback_n", "0"),
            ("submission_deadline", &at(1)),
            ("currency", "EURO"),
        ],
    );
    let (status, _, body) = post(&brand, app, "/contests/new", &as_pairs(&form)).await;
    assert_eq!(status, 422, "{body}");
    for (id, what) in [
        ("title-error", "title"),
        ("prize_1_amount-error", "the second prize's amount"),
        (
            "criterion_2_weight-error",
            "the weight typed on the third row",
        ),
        ("fallback_n-error", "the fallback's number"),
        ("currency-error", "the currency"),
    ] {
        assert!(
            body.contains(&format!(r#"id="{id}""#)),
            "no error next to {what}: {body}"
        );
    }
    assert!(body.contains("Prize 2 — amount: use an amount greater than zero"));
    // Everything typed is still there.
    assert!(body.contains(r#"value="12,3,4""#) && body.contains(r#"value="EURO""#));
    assert!(body.contains("We want **less plastic**."));
    // Nothing was created.
    let dashboard = page(&brand, app, "/dashboard", None).await.html;
    assert_eq!(dashboard.matches("/manage\"").count(), 1, "{dashboard}");
    // In French, the summary is French.
    let fr_form = page(&brand, app, "/contests/new?lang=fr", None).await.html;
    assert!(fr_form.contains("Un nouveau concours"));
    let (status, _, body) = post(&brand, app, "/contests/new", &as_pairs(&form)).await;
    assert_eq!(status, 422);
    assert!(body.contains("Il y a un problème"), "{body}");
}

async fn manage_pages_refuse_everyone_but_members_and_admins(app: &TestApp) {
    let Opened { owner, contest } = opened(app).await;
    let organization = app.get("/api/v1/organizations", Some(&owner)).await.json()["organizations"]
        [0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let draft_contest = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            serde_json::json!({"organization_id": organization, "title": "Secret plans", "brief": "b", "rules": crate::helpers::rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.person("stranger@else.example", "Stranger").await;
    let LoggedIn {
        client: stranger,
        csrf,
    } = logged_in(app, "stranger@else.example", None).await;
    // A stranger does not learn that a draft exists, and may not manage an open contest.
    let status = page(
        &stranger,
        app,
        &format!("/contests/{draft_contest}/manage"),
        None,
    )
    .await
    .status;
    assert_eq!(status, 404);
    let status = page(
        &stranger,
        app,
        &format!("/contests/{draft_contest}/edit"),
        None,
    )
    .await
    .status;
    assert_eq!(status, 404);
    let status = page(&stranger, app, &format!("/contests/{contest}/manage"), None)
        .await
        .status;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &stranger,
        app,
        &format!("/contests/{contest}/manage/announcements"),
        &[("csrf", &csrf), ("body", "Hijacked")],
    )
    .await;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &stranger,
        app,
        &format!("/contests/{contest}/manage/award"),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 403);
    let status = page(&stranger, app, "/admin", None).await.status;
    assert_eq!(status, 403);
    let (status, _, _) = post(
        &stranger,
        app,
        "/admin/payouts/00000000-0000-0000-0000-000000000000",
        &[("csrf", &csrf), ("reference", "X")],
    )
    .await;
    assert_eq!(status, 403);
    let news = app
        .get(&format!("/api/v1/contests/{contest}/announcements"), None)
        .await
        .text;
    assert!(!news.contains("Hijacked"));

    // Signed out: to the sign-in page, which comes back here afterwards.
    let anonymous = browser();
    for path in [
        "/dashboard",
        "/admin",
        &format!("/contests/{contest}/manage"),
    ] {
        let answer = anonymous.get(app.url(path)).send().await.unwrap();
        assert_eq!(answer.status(), 303, "{path}");
        let location = answer.headers()[LOCATION].to_str().unwrap().to_owned();
        assert!(location.starts_with("/login?next=/"), "{location}");
    }
    let login = page(&anonymous, app, "/login?next=/dashboard", None)
        .await
        .html;
    assert!(
        login.contains(r#"name="next" value="&#x2F;dashboard""#),
        "{login}"
    );
    // Never a redirect to another site.
    let login = page(&anonymous, app, "/login?next=//evil.example", None)
        .await
        .html;
    assert!(!login.contains("evil.example"));

    // The owner's forms need their CSRF token.
    let member = logged_in(app, "owner@acme.example", Some("fr"))
        .await
        .client;
    let answer = member
        .post(app.url(&format!("/contests/{contest}/manage/announcements")))
        .header(ACCEPT_LANGUAGE, "fr")
        .form(&[("csrf", "forged"), ("body", "Forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    let news = app
        .get(&format!("/api/v1/contests/{contest}/announcements"), None)
        .await
        .text;
    assert!(!news.contains("Forged"));
}
