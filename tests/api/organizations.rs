//! Organisations: creation, members, and the people who must be refused.

use serde_json::json;

use crate::both_backends;
use crate::helpers::TestApp;

both_backends!(
    a_brand_creates_an_organisation_and_adds_members,
    only_owners_add_members,
    adding_members_is_validated,
    organisations_are_seen_by_members_and_admins_only,
    slugs_stay_unique,
);

async fn a_brand_creates_an_organisation_and_adds_members(app: &TestApp) {
    let (owner, owner_id) = app.person("owner@acme.example", "Olive Owner").await;
    app.register("member@acme.example", "Max Member").await;
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

    let member = app
        .post(
            &format!("/api/v1/organizations/{org}/members"),
            Some(&owner),
            json!({"email": "MEMBER@acme.example"}),
        )
        .await
        .expect(201)
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

    let max = app.login("member@acme.example").await;
    let mine = app
        .get("/api/v1/organizations", Some(&max))
        .await
        .expect(200)
        .json();
    assert_eq!(mine["organizations"][0]["id"], org);
    assert_eq!(mine["organizations"][0]["role"], "member");

    // Someone else's list does not show it.
    let (stranger, _) = app.person("someone@else.example", "Sam").await;
    let theirs = app
        .get("/api/v1/organizations", Some(&stranger))
        .await
        .expect(200)
        .json();
    assert_eq!(theirs["organizations"], json!([]));
}

async fn only_owners_add_members(app: &TestApp) {
    let (owner, _) = app.person("owner@acme.example", "Owner").await;
    let (member, _) = app.person("member@acme.example", "Member").await;
    let (stranger, _) = app.person("stranger@other.example", "Stranger").await;
    let (other_owner, _) = app.person("boss@other.example", "Other boss").await;
    app.register("newcomer@acme.example", "Newcomer").await;
    let org = app.organization(&owner, "Acme").await;
    app.organization(&other_owner, "Other").await;
    let path = format!("/api/v1/organizations/{org}/members");
    app.post(&path, Some(&owner), json!({"email": "member@acme.example"}))
        .await
        .expect(201);

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
    // An owner may add another owner.
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
    let (owner, _) = app.person("owner@acme.example", "Owner").await;
    let org = app.organization(&owner, "Acme").await;
    let path = format!("/api/v1/organizations/{org}/members");
    app.post(&path, Some(&owner), json!({"email": "nobody@acme.example"}))
        .await
        .expect_error(404, "not_found");
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
    let (owner, _) = app.person("owner@acme.example", "Owner").await;
    let (stranger, _) = app.person("stranger@other.example", "Stranger").await;
    let (admin, _) = app.person("admin@concours.example", "Admin").await;
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
    let (owner, _) = app.person("owner@acme.example", "Owner").await;
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
