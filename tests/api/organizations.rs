//! Organisations: creation, members (who join by an invitation they accept, leave, and hand
//! ownership over), and the people who must be refused.

use reqwest::Method;
use serde_json::json;

use crate::both_backends;
use crate::helpers::{
    PASSWORD, Page, Person, TestApp, extract_link, join, organization_invitation_token,
};

both_backends!(
    a_brand_creates_an_organisation_and_adds_members,
    only_owners_add_members,
    adding_members_is_validated,
    organisations_are_seen_by_members_and_admins_only,
    slugs_stay_unique,
    adding_an_address_invites_it_and_never_tells_whether_it_has_an_account,
    an_invitation_is_accepted_once_by_its_verified_address_only,
    members_leave_and_owners_hand_over_then_their_account_can_be_deleted,
    a_sole_member_leaves_and_an_organisation_without_contests_goes,
    an_organisation_that_held_a_contest_is_not_deleted,
    unverified_accounts_create_no_organisation_and_invite_nobody,
    the_invitation_page_asks_before_joining_in_english_and_french,
    the_dashboard_invites_and_leaves,
);

async fn a_brand_creates_an_organisation_and_adds_members(app: &TestApp) {
    let Person {
        token: owner,
        id: owner_id,
    } = app.person("owner@acme.example", "Olive Owner").await;
    app.person("member@acme.example", "Max Member").await;
    let created = app
        .post(
            "/api/v1/organizations",
            Some(&owner),
            json!({"name": "  Acme Café  "}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(created["name"], "Acme Café");
    assert_eq!(created["slug"], "acme-cafe");
    let org = created["id"].as_str().unwrap();

    // Adding a member invites them; they are a member once they accept.
    let invited = app
        .post(
            &format!("/api/v1/organizations/{org}/members"),
            Some(&owner),
            json!({"email": "MEMBER@acme.example"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(invited["status"], "invited");
    assert_eq!(invited["email"], "member@acme.example");
    assert_eq!(invited["role"], "member");
    let token = organization_invitation_token(app, "member@acme.example").await;
    let max = app.login("member@acme.example").await;
    let member = app
        .post(
            &format!("/api/v1/organization-invitations/{token}/accept"),
            Some(&max),
            json!({}),
        )
        .await
        .expect(200)
        .json();
    assert_eq!(member["email"], "member@acme.example");
    assert_eq!(member["role"], "member");

    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .expect(200)
        .json();
    let members = details["members"].as_array().unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["user_id"], owner_id);
    assert_eq!(members[0]["role"], "owner");

    let mine = app
        .get("/api/v1/organizations", Some(&max))
        .await
        .expect(200)
        .json();
    assert_eq!(mine["organizations"][0]["id"], org);
    assert_eq!(mine["organizations"][0]["role"], "member");

    // Someone else's list does not show it.
    let stranger = app.person("someone@else.example", "Sam").await.token;
    let theirs = app
        .get("/api/v1/organizations", Some(&stranger))
        .await
        .expect(200)
        .json();
    assert_eq!(theirs["organizations"], json!([]));
}

async fn only_owners_add_members(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Owner").await.token;
    app.person("member@acme.example", "Member").await;
    let stranger = app.person("stranger@other.example", "Stranger").await.token;
    let other_owner = app.person("boss@other.example", "Other boss").await.token;
    app.register("newcomer@acme.example", "Newcomer").await;
    let org = app.organization(&owner, "Acme").await;
    app.organization(&other_owner, "Other").await;
    let path = format!("/api/v1/organizations/{org}/members");
    let member = join(app, &owner, &org, "member@acme.example", "member").await;

    let body = json!({"email": "newcomer@acme.example"});
    app.post(&path, None, body.clone())
        .await
        .expect_error(401, "unauthorized");
    app.post(&path, Some(&member), body.clone())
        .await
        .expect_error(403, "forbidden");
    // Outsiders, including the owner of another organisation, do not learn it exists.
    app.post(&path, Some(&stranger), body.clone())
        .await
        .expect_error(404, "not_found");
    app.post(&path, Some(&other_owner), body.clone())
        .await
        .expect_error(404, "not_found");
    // Nobody could make themselves owner by adding a field.
    app.post(
        &path,
        Some(&stranger),
        json!({"email": "stranger@other.example", "role": "owner"}),
    )
    .await
    .expect_error(404, "not_found");
    app.post(&path, Some(&owner), body).await.expect(201);
    // An owner may invite another owner.
    app.register("co@acme.example", "Co-owner").await;
    let co = app
        .post(
            &path,
            Some(&owner),
            json!({"email": "co@acme.example", "role": "owner"}),
        )
        .await
        .expect(201)
        .json();
    assert_eq!(co["role"], "owner");
}

async fn adding_members_is_validated(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Owner").await.token;
    let org = app.organization(&owner, "Acme").await;
    let path = format!("/api/v1/organizations/{org}/members");
    // An address without an account is invited too (the answer says nothing about accounts).
    app.post(&path, Some(&owner), json!({"email": "nobody@acme.example"}))
        .await
        .expect(201);
    let invalid = app
        .post(
            &path,
            Some(&owner),
            json!({"email": "nope", "role": "king"}),
        )
        .await
        .expect_error(422, "validation_failed")
        .json();
    assert_eq!(invalid["error"]["fields"].as_array().unwrap().len(), 2);
    app.post(&path, Some(&owner), json!({"email": "owner@acme.example"}))
        .await
        .expect_error(409, "already_member");
    app.post(
        &path,
        Some(&owner),
        json!({"email": "a@b.example", "user_id": "x"}),
    )
    .await
    .expect_error(400, "bad_request");
    app.post("/api/v1/organizations", Some(&owner), json!({"name": " "}))
        .await
        .expect_error(422, "validation_failed");
    app.post(
        "/api/v1/organizations",
        None,
        json!({"name": "Anonymous Inc"}),
    )
    .await
    .expect_error(401, "unauthorized");
    app.post(
        "/api/v1/organizations/not-a-real-id/members",
        Some(&owner),
        json!({"email": "owner@acme.example"}),
    )
    .await
    .expect_error(404, "not_found");
}

async fn organisations_are_seen_by_members_and_admins_only(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Owner").await.token;
    let stranger = app.person("stranger@other.example", "Stranger").await.token;
    let admin = app.person("admin@concours.example", "Admin").await.token;
    let org = app.organization(&owner, "Acme").await;
    let path = format!("/api/v1/organizations/{org}");
    app.get(&path, None).await.expect_error(401, "unauthorized");
    app.get(&path, Some(&stranger))
        .await
        .expect_error(404, "not_found");
    app.get(&path, Some(&admin))
        .await
        .expect_error(404, "not_found");

    concours::app::accounts::grant_admin(&mut app.conn(), "admin@concours.example").unwrap();
    let me = app.get("/api/v1/me", Some(&admin)).await.expect(200).json();
    assert_eq!(me["is_admin"], true);
    app.get(&path, Some(&admin)).await.expect(200);
    // Seeing is not managing.
    app.post(
        &format!("{path}/members"),
        Some(&admin),
        json!({"email": "stranger@other.example"}),
    )
    .await
    .expect_error(404, "not_found");
}

async fn slugs_stay_unique(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Owner").await.token;
    let mut slugs = Vec::new();
    for _ in 0..3 {
        let answer = app
            .post(
                "/api/v1/organizations",
                Some(&owner),
                json!({"name": "Acme"}),
            )
            .await
            .expect(201)
            .json();
        slugs.push(answer["slug"].as_str().unwrap().to_owned());
    }
    assert_eq!(slugs, ["acme", "acme-2", "acme-3"]);
}

/// Finding 16.7, the attack: an owner adds a stranger's address. The answer is the same
/// whether the address has an account or not, and nobody becomes a member without accepting.
async fn adding_an_address_invites_it_and_never_tells_whether_it_has_an_account(app: &TestApp) {
    let owner = app.person("owner@shady.example", "Owner").await.token;
    let Person {
        token: victim,
        id: victim_id,
    } = app.person("victim@example.org", "Vic").await;
    let org = app.organization(&owner, "Shady").await;
    let path = format!("/api/v1/organizations/{org}/members");
    let with_account = app
        .post(&path, Some(&owner), json!({"email": "victim@example.org"}))
        .await
        .expect(201);
    let without = app
        .post(&path, Some(&owner), json!({"email": "nobody@example.org"}))
        .await
        .expect(201);
    let (a, b) = (with_account.json(), without.json());
    assert_eq!(a["status"], "invited");
    assert_eq!(b["status"], "invited");
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&a), keys(&b), "the same answer for both");
    assert!(a.get("user_id").is_none() && a.get("display_name").is_none());

    // Not a member: the organisation is not theirs, its mail does not reach them, and their
    // account can still be deleted.
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .json();
    assert_eq!(details["members"].as_array().unwrap().len(), 1);
    let mine = app.get("/api/v1/organizations", Some(&victim)).await.json();
    assert_eq!(mine["organizations"], json!([]));
    // Both got an invitation, the one without an account told how to create one.
    assert!(
        !organization_invitation_token(app, "victim@example.org")
            .await
            .is_empty()
    );
    let mails = app.mail_to("nobody@example.org").await;
    let mail = mails.last().unwrap();
    assert!(mail.text.contains("/register"), "{}", mail.text);
    assert!(
        !mail.subject.contains("Shady"),
        "the brand's words stay out of the subject: {}",
        mail.subject
    );
    app.request(
        Method::DELETE,
        "/api/v1/me",
        Some(&victim),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .expect(204);
    let _ = victim_id;
}

async fn an_invitation_is_accepted_once_by_its_verified_address_only(app: &TestApp) {
    let owner = app.person("owner@acme.example", "Owner").await.token;
    let other = app.person("other@example.org", "Other").await.token;
    app.register("late@example.org", "Late").await;
    let org = app.organization(&owner, "Acme").await;
    let path = format!("/api/v1/organizations/{org}/members");
    app.post(&path, Some(&owner), json!({"email": "late@example.org"}))
        .await
        .expect(201);
    let token = organization_invitation_token(app, "late@example.org").await;
    let accept = format!("/api/v1/organization-invitations/{token}/accept");
    app.post(&accept, None, json!({}))
        .await
        .expect_error(401, "unauthorized");
    // Someone else's account cannot use the link.
    app.post(&accept, Some(&other), json!({}))
        .await
        .expect_error(403, "forbidden");
    // The invited address, not yet verified: not yet.
    let late = app.login("late@example.org").await;
    app.post(&accept, Some(&late), json!({}))
        .await
        .expect_error(403, "email_not_verified");
    let mails = app.mail_to("late@example.org").await;
    let link = mails
        .iter()
        .find_map(|m| extract_link(&m.text, "/verify?token="))
        .unwrap_or_else(|| {
            panic!(
                "{:?}",
                mails
                    .iter()
                    .map(|m| (&m.subject, &m.text))
                    .collect::<Vec<_>>()
            )
        });
    let verification = link.split_once("token=").unwrap().1.to_owned();
    app.post("/api/v1/auth/verify", None, json!({"token": verification}))
        .await
        .expect(200);
    let late = app.login("late@example.org").await;
    let joined = app.post(&accept, Some(&late), json!({})).await.expect(200);
    assert_eq!(joined.json()["role"], "member");
    // Once used: the same person sees their membership; anyone else learns nothing.
    app.post(&accept, Some(&late), json!({})).await.expect(200);
    app.post(&accept, Some(&other), json!({}))
        .await
        .expect_error(404, "not_found");
    app.post(
        "/api/v1/organization-invitations/not-a-token/accept",
        Some(&late),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    // A newer invitation replaces the older link; an expired one is refused.
    app.post(&path, Some(&owner), json!({"email": "other@example.org"}))
        .await
        .expect(201);
    let first = organization_invitation_token(app, "other@example.org").await;
    app.post(&path, Some(&owner), json!({"email": "other@example.org"}))
        .await
        .expect(201);
    let second = organization_invitation_token(app, "other@example.org").await;
    assert_ne!(first, second);
    app.post(
        &format!("/api/v1/organization-invitations/{first}/accept"),
        Some(&other),
        json!({}),
    )
    .await
    .expect_error(404, "not_found");
    app.advance(chrono::Duration::days(15));
    let other = app.login("other@example.org").await;
    app.post(
        &format!("/api/v1/organization-invitations/{second}/accept"),
        Some(&other),
        json!({}),
    )
    .await
    .expect_error(409, "token_expired");
    let owner = app.login("owner@acme.example").await;
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .json();
    assert_eq!(details["members"].as_array().unwrap().len(), 2);
}

async fn members_leave_and_owners_hand_over_then_their_account_can_be_deleted(app: &TestApp) {
    let Person {
        token: owner,
        id: owner_id,
    } = app.person("owner@acme.example", "Owner").await;
    let heir_id = app.person("heir@acme.example", "Heir").await.id;
    let leaver_id = app.person("leaver@acme.example", "Leaver").await.id;
    let stranger = app.person("stranger@example.org", "Stranger").await.token;
    let org = app.organization(&owner, "Acme").await;
    // A contest keeps the organisation alive: someone must answer for it.
    app.post(
        "/api/v1/contests",
        Some(&owner),
        json!({"organization_id": org, "title": "Kept", "brief": "b",
               "rules": crate::helpers::rules(app)}),
    )
    .await
    .expect(201);
    let heir = join(app, &owner, &org, "heir@acme.example", "member").await;
    let leaver = join(app, &owner, &org, "leaver@acme.example", "member").await;
    let member = |id: &str| format!("/api/v1/organizations/{org}/members/{id}");

    // Deleting the account is refused while a member…
    app.request(
        Method::DELETE,
        "/api/v1/me",
        Some(&leaver),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .expect_error(409, "organization_member");
    // …so a member leaves, and then can.
    app.request(Method::DELETE, &member(&owner_id), Some(&leaver), None)
        .await
        .expect_error(403, "forbidden");
    app.request(Method::DELETE, &member(&leaver_id), Some(&stranger), None)
        .await
        .expect_error(404, "not_found");
    app.request(Method::DELETE, &member(&leaver_id), Some(&leaver), None)
        .await
        .expect(204);
    app.request(
        Method::DELETE,
        "/api/v1/me",
        Some(&leaver),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .expect(204);

    // The last owner cannot leave…
    app.request(Method::DELETE, &member(&owner_id), Some(&owner), None)
        .await
        .expect_error(409, "last_owner");
    // …only a member can be handed the organisation, and only by an owner…
    let owner_path = format!("/api/v1/organizations/{org}/owner");
    app.post(&owner_path, Some(&heir), json!({"user_id": heir_id}))
        .await
        .expect_error(403, "forbidden");
    app.post(&owner_path, Some(&owner), json!({"user_id": leaver_id}))
        .await
        .expect_error(422, "validation_failed");
    let handed = app
        .post(&owner_path, Some(&owner), json!({"user_id": heir_id}))
        .await
        .expect(200)
        .json();
    assert_eq!(handed["role"], "owner");
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&heir))
        .await
        .json();
    let roles: Vec<(String, String)> = details["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["user_id"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        roles.contains(&(owner_id.clone(), "member".into())),
        "{roles:?}"
    );
    assert!(
        roles.contains(&(heir_id.clone(), "owner".into())),
        "{roles:?}"
    );
    // …then the former owner leaves and deletes their account.
    app.request(Method::DELETE, &member(&owner_id), Some(&owner), None)
        .await
        .expect(204);
    app.request(
        Method::DELETE,
        "/api/v1/me",
        Some(&owner),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .expect(204);
    // The sole remaining owner of an organisation with a contest stays.
    app.request(Method::DELETE, &member(&heir_id), Some(&heir), None)
        .await
        .expect_error(409, "last_owner");
}

async fn a_sole_member_leaves_and_an_organisation_without_contests_goes(app: &TestApp) {
    let Person {
        token: owner,
        id: owner_id,
    } = app.person("owner@acme.example", "Owner").await;
    let org = app.organization(&owner, "Acme").await;
    let leave = format!("/api/v1/organizations/{org}/members/{owner_id}");
    // Leaving does not delete it behind the member's back: the sole member deletes it, and
    // says so (a DELETE of a sub-resource that removed the whole organisation surprised API
    // clients, schemathesis among them).
    app.request(Method::DELETE, &leave, Some(&owner), None)
        .await
        .expect_error(409, "last_owner");
    app.get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .expect(200);
    // Only an owner deletes it; anyone else learns nothing.
    let Person {
        token: stranger, ..
    } = app.person("stranger@else.example", "Stranger").await;
    app.request(
        Method::DELETE,
        &format!("/api/v1/organizations/{org}"),
        Some(&stranger),
        None,
    )
    .await
    .expect_error(404, "not_found");
    app.request(
        Method::DELETE,
        &format!("/api/v1/organizations/{org}"),
        None,
        None,
    )
    .await
    .expect(401);
    app.request(
        Method::DELETE,
        &format!("/api/v1/organizations/{org}"),
        Some(&owner),
        None,
    )
    .await
    .expect(204);
    app.get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .expect_error(404, "not_found");
    app.request(
        Method::DELETE,
        &format!("/api/v1/organizations/{org}"),
        Some(&owner),
        None,
    )
    .await
    .expect_error(404, "not_found");
    app.request(
        Method::DELETE,
        "/api/v1/me",
        Some(&owner),
        Some(json!({"password": PASSWORD})),
    )
    .await
    .expect(204);
}

/// An organisation that held a contest stays: its contests, money and audit chain need it.
async fn an_organisation_that_held_a_contest_is_not_deleted(app: &TestApp) {
    let Person { token: owner, .. } = app.person("owner@acme.example", "Owner").await;
    let org = app.organization(&owner, "Acme").await;
    app.post(
        "/api/v1/contests",
        Some(&owner),
        json!({"organization_id": org, "title": "Kept", "brief": "b",
               "rules": crate::helpers::rules(app)}),
    )
    .await
    .expect(201);
    app.request(
        Method::DELETE,
        &format!("/api/v1/organizations/{org}"),
        Some(&owner),
        None,
    )
    .await
    .expect_error(409, "has_contests");
    app.get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .expect(200);
}

/// Finding 16.12: an unverified account can make the platform write to nobody but itself.
async fn unverified_accounts_create_no_organisation_and_invite_nobody(app: &TestApp) {
    app.register("fresh@evil.example", "Fresh").await;
    let fresh = app.login("fresh@evil.example").await;
    app.post(
        "/api/v1/organizations",
        Some(&fresh),
        json!({"name": "Your account is suspended - verify at http://evil.example"}),
    )
    .await
    .expect_error(403, "email_not_verified");
    // A member whose address is not verified (one from before this rule) invites nobody,
    // neither to the organisation nor to a jury.
    let owner = app.person("owner@acme.example", "Owner").await.token;
    let org = app.organization(&owner, "Acme").await;
    let contest = app
        .post(
            "/api/v1/contests",
            Some(&owner),
            json!({"organization_id": org, "title": "Your account is suspended", "brief": "b",
                   "rules": crate::helpers::rules(app)}),
        )
        .await
        .expect(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let fresh_id = app.get("/api/v1/me", Some(&fresh)).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    concours::store::organizations::add_member(
        &mut app.conn(),
        &org,
        &fresh_id,
        "owner",
        chrono::Utc::now().naive_utc(),
    )
    .unwrap();
    app.post(
        &format!("/api/v1/organizations/{org}/members"),
        Some(&fresh),
        json!({"email": "victim@example.org"}),
    )
    .await
    .expect_error(403, "email_not_verified");
    app.post(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&fresh),
        json!({"email": "victim@example.org"}),
    )
    .await
    .expect_error(403, "email_not_verified");
    app.post(
        &format!("/api/v1/contests/{contest}/open"),
        Some(&fresh),
        json!({}),
    )
    .await
    .expect_error(403, "email_not_verified");
    assert!(app.mail_to("victim@example.org").await.is_empty());
    // A verified owner's invitation reaches the stranger, but the subject line is the
    // platform's own words: the brand's title stays in the body, quoted.
    app.post(
        &format!("/api/v1/contests/{contest}/jurors"),
        Some(&owner),
        json!({"email": "victim@example.org"}),
    )
    .await
    .expect(201);
    let mails = app.mail_to("victim@example.org").await;
    let mail = mails.last().expect("the jury invitation");
    assert!(!mail.subject.contains("suspended"), "{}", mail.subject);
    assert!(
        mail.text.contains("“Your account is suspended”"),
        "{}",
        mail.text
    );
}

async fn the_invitation_page_asks_before_joining_in_english_and_french(app: &TestApp) {
    use crate::helpers::{browser, csrf_of, page};
    use reqwest::header::{ACCEPT_LANGUAGE, LOCATION};
    let owner = app.person("owner@acme.example", "Owner").await.token;
    app.person("marie@example.fr", "Marie").await;
    let org = app.organization(&owner, "Acme Café").await;
    app.post(
        &format!("/api/v1/organizations/{org}/members"),
        Some(&owner),
        json!({"email": "marie@example.fr"}),
    )
    .await
    .expect(201);
    let token = organization_invitation_token(app, "marie@example.fr").await;
    let link = format!("/organization-invitations/{token}");

    // Signed out: to the sign-in page, which comes back here.
    let client = browser();
    let answer = client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(answer.status(), 303);
    assert_eq!(
        answer.headers()[LOCATION].to_str().unwrap(),
        format!("/login?next={link}")
    );
    let form = page(&client, app, "/login", None).await.html;
    let signed_in = client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("email", "marie@example.fr"),
            ("password", PASSWORD),
            ("next", link.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.headers()[LOCATION].to_str().unwrap(), link);

    let Page { status, html } = page(&client, app, &format!("{link}?lang=fr"), None).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Invitation à une organisation") && html.contains("Acme Café"),
        "{html}"
    );
    let Page { status, html } = page(&client, app, &format!("{link}?lang=en"), None).await;
    assert_eq!(status, 200);
    assert!(html.contains("Join the organisation"), "{html}");
    // Seeing the page joins nothing.
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .json();
    assert_eq!(details["members"].as_array().unwrap().len(), 1);
    let refused = client
        .post(app.url(&link))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let joined = client
        .post(app.url(&link))
        .header(ACCEPT_LANGUAGE, "fr")
        .form(&[("csrf", csrf_of(&html).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(joined.status(), 303);
    let html = page(&client, app, &format!("{link}?lang=fr"), None)
        .await
        .html;
    assert!(
        html.contains("Vous êtes membre de cette organisation."),
        "{html}"
    );
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .json();
    assert_eq!(details["members"].as_array().unwrap().len(), 2);
    let status = page(&client, app, "/organization-invitations/not-a-token", None)
        .await
        .status;
    assert_eq!(status, 404);
}

/// A browser signed in as `email`, the CSRF token of its dashboard, and the dashboard.
struct Dashboard {
    client: reqwest::Client,
    csrf: String,
    html: String,
}

/// A browser signed in as `email`, and the CSRF token of its dashboard.
async fn dashboard_browser(app: &TestApp, email: &str) -> Dashboard {
    use crate::helpers::{browser, csrf_of, page};
    let client = browser();
    let form = page(&client, app, "/login", None).await.html;
    client
        .post(app.url("/login"))
        .form(&[
            ("csrf", csrf_of(&form).as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let html = page(&client, app, "/dashboard?lang=en", None).await.html;
    let csrf = csrf_of(&html);
    Dashboard { client, csrf, html }
}

async fn the_dashboard_invites_and_leaves(app: &TestApp) {
    let Person {
        token: owner,
        id: owner_id,
    } = app.person("owner@acme.example", "Owner").await;
    app.person("max@acme.example", "Max").await;
    let org = app.organization(&owner, "Acme").await;
    let Dashboard { client, csrf, html } = dashboard_browser(app, "owner@acme.example").await;
    assert!(html.contains(&format!("action=\"/organizations/{org}/invite\"")));
    let sent = client
        .post(app.url(&format!("/organizations/{org}/invite")))
        .form(&[("csrf", csrf.as_str()), ("email", "max@acme.example")])
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 303);
    // Invited, not a member until they accept.
    let token = organization_invitation_token(app, "max@acme.example").await;
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .json();
    assert_eq!(details["members"].as_array().unwrap().len(), 1);
    let max = app.login("max@acme.example").await;
    app.post(
        &format!("/api/v1/organization-invitations/{token}/accept"),
        Some(&max),
        json!({}),
    )
    .await
    .expect(200);
    // A member sees no invitation form, and leaves.
    let Dashboard {
        client: member_client,
        csrf: member_csrf,
        html,
    } = dashboard_browser(app, "max@acme.example").await;
    assert!(!html.contains(&format!("action=\"/organizations/{org}/invite\"")));
    let left = member_client
        .post(app.url(&format!("/organizations/{org}/leave")))
        .form(&[("csrf", member_csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 303);
    // The last owner is told to hand over first (while someone else is invited to stay).
    client
        .post(app.url(&format!("/organizations/{org}/invite")))
        .form(&[("csrf", csrf.as_str()), ("email", "max@acme.example")])
        .send()
        .await
        .unwrap();
    let token = organization_invitation_token(app, "max@acme.example").await;
    app.post(
        &format!("/api/v1/organization-invitations/{token}/accept"),
        Some(&max),
        json!({}),
    )
    .await
    .expect(200);
    let refused = client
        .post(app.url(&format!("/organizations/{org}/leave")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
    assert!(refused.text().await.unwrap().contains("hand ownership"));
    let details = app
        .get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .json();
    let members: Vec<&str> = details["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["user_id"].as_str().unwrap())
        .collect();
    assert_eq!(members.len(), 2);
    assert!(members.contains(&owner_id.as_str()));
    // Forged forms change nothing.
    let forged = member_client
        .post(app.url(&format!("/organizations/{org}/leave")))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    // An organisation without contests is deleted by an owner, once they confirm: a member
    // cannot, an unticked box or a forged form changes nothing.
    assert!(html.contains(&format!("action=\"/organizations/{org}/leave\"")));
    let delete = app.url(&format!("/organizations/{org}/delete"));
    let by_member = member_client
        .post(&delete)
        .form(&[("csrf", member_csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(by_member.status(), 403);
    for form in [
        vec![("csrf", csrf.as_str())],
        vec![("csrf", "forged"), ("confirm", "yes")],
    ] {
        let refused = client.post(&delete).form(&form).send().await.unwrap();
        assert!(refused.status().is_client_error(), "{form:?}");
    }
    app.get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .expect(200);
    let deleted = client
        .post(&delete)
        .form(&[("csrf", csrf.as_str()), ("confirm", "yes")])
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 303);
    let back = deleted.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back, "/dashboard?done=deleted");
    let html = client
        .get(app.url(&back))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("class=\"notice success\""), "{html}");
    assert!(html.contains("The organisation is deleted."));
    app.get(&format!("/api/v1/organizations/{org}"), Some(&owner))
        .await
        .expect_error(404, "not_found");
}
