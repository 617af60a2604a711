//! The authorization matrix: every API route × every role × every phase of a contest, with
//! what access control must answer. One world holds a contest in each phase; each row names a
//! route and a rule giving, per role and phase, either the refusal expected (401, 403 or 404,
//! and nothing changed) or that access is granted (any answer but a refusal or a 5xx: the
//! use case may still say 409 or 422). A meta-test fails when a route of the OpenAPI document
//! is missing from the table.
//!
//! Writes that a granted role would really perform (awarding, withdrawing…) are not sent for
//! granted roles here: their effects are the subject of the feature tests; here they are sent
//! by every role that must be refused, which is what this table is for.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use concours::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, admin, fund, invite_juror, rules_at};

both_backends!(every_route_answers_every_role_in_every_phase_as_the_table_says,);

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    Anonymous,
    Innovator,
    Author,
    Juror,
    Conflicted,
    Member,
    OtherMember,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Draft,
    Submission,
    Judging,
    Awarded,
}

/// What access control must answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Refused with this status.
    Refused(u16),
    /// Past access control: anything but 401/403/404 or a 5xx.
    Granted,
    /// Granted, but not sent: it would change the world the other rows need.
    GrantedNotSent,
    /// Refused with the first status, or the second once a limit is reached (sign-in).
    RefusedOr(u16, u16),
}

use Expect::{Granted, GrantedNotSent, Refused, RefusedOr};

/// The ids of one contest and what hangs off it.
#[derive(Debug, Clone, Default)]
struct Objects {
    contest: String,
    idea: String,
    attachment: String,
    entry: String,
    funding: String,
    payout: String,
}

struct World {
    tokens: Vec<(Role, Option<String>)>,
    organization: String,
    phases: Vec<(Phase, Objects)>,
}

fn at(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

async fn build(app: &TestApp) -> World {
    let now = app.clock.now();
    let day = |d: i64| at(now + Duration::days(d));
    let owner = app.person("owner@acme.example", "Olive").await.token;
    let organization = app.organization(&owner, "Acme").await;
    let other = app.person("other@globex.example", "Otto").await.token;
    app.organization(&other, "Globex").await;
    let admin = admin(app).await;
    app.person("author@example.org", "Ann Author").await;
    let innovator = app.person("innovator@example.org", "Ivo").await.token;
    let juror = app.person("juror@jury.example", "Jules").await.token;
    let conflicted = app.person("conflicted@jury.example", "Cleo").await.token;

    // One contest per phase, by its timeline (days from now).
    let timelines = [
        (Phase::Draft, (1, 10, 20)),
        (Phase::Submission, (1, 30, 40)),
        (Phase::Judging, (1, 2, 30)),
        (Phase::Awarded, (1, 2, 3)),
    ];
    let mut phases = Vec::new();
    for (phase, (opens, deadline, judged)) in timelines {
        let contest = app
            .post(
                "/api/v1/contests",
                Some(&owner),
                json!({"organization_id": organization, "title": format!("{phase:?} contest"), "brief": "b",
                       "rules": rules_at(&day(opens), &day(deadline), &day(judged))}),
            )
            .await
            .expect(201)
            .json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let funding = fund(app, &owner, &admin, &contest, 700_000).await;
        let mut objects = Objects {
            contest: contest.clone(),
            funding,
            ..Objects::default()
        };
        if phase != Phase::Draft {
            invite_juror(app, &owner, &contest, "juror@jury.example").await;
            invite_juror(app, &owner, &contest, "conflicted@jury.example").await;
            app.post(
                &format!("/api/v1/contests/{contest}/open"),
                Some(&owner),
                json!({}),
            )
            .await
            .expect(200);
        }
        phases.push((phase, objects.clone()));
        let _ = &mut objects;
    }
    // Jurors accept every invitation.
    for (email, token) in [
        ("juror@jury.example", &juror),
        ("conflicted@jury.example", &conflicted),
    ] {
        for mail in app.mail_to(email).await {
            if let Some(link) = crate::helpers::extract_link(&mail.text, "/jury-invitations/") {
                let invitation = link.rsplit('/').next().unwrap().to_owned();
                app.post(
                    &format!("/api/v1/jury-invitations/{invitation}/accept"),
                    Some(token),
                    json!({}),
                )
                .await
                .expect(200);
            }
        }
    }
    // Submissions open: the author enters each opened contest, with a file.
    app.advance(Duration::hours(36));
    let author = app.login("author@example.org").await;
    for (phase, objects) in &mut phases {
        if *phase == Phase::Draft {
            continue;
        }
        let idea = app
            .post(
                &format!("/api/v1/contests/{}/ideas", objects.contest),
                Some(&author),
                json!({"title": "An idea", "summary": "s", "body": "b", "accept_terms": true}),
            )
            .await
            .expect(201)
            .json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let form = reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(crate::helpers::tiny_pdf()).file_name("plan.pdf"),
        );
        let uploaded: Value = app
            .client
            .post(app.url(&format!("/api/v1/ideas/{idea}/attachments")))
            .bearer_auth(&author)
            .multipart(form)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        objects.attachment = uploaded["id"].as_str().unwrap().to_owned();
        objects.idea = idea;
    }
    // Judging starts for two of them; the second juror declares a conflict there.
    app.advance(Duration::days(1));
    app.scheduler.tick().await.unwrap();
    let juror = app.login("juror@jury.example").await;
    let conflicted = app.login("conflicted@jury.example").await;
    for (phase, objects) in &mut phases {
        if !matches!(phase, Phase::Judging | Phase::Awarded) {
            continue;
        }
        let entries = app
            .get(
                &format!("/api/v1/contests/{}/jury/entries", objects.contest),
                Some(&juror),
            )
            .await
            .expect(200)
            .json();
        objects.entry = entries["entries"][0]["entry_id"]
            .as_str()
            .unwrap()
            .to_owned();
        app.post(
            &format!(
                "/api/v1/contests/{}/jury/entries/{}/conflict",
                objects.contest, objects.entry
            ),
            Some(&conflicted),
            json!({"reason": "I know the author."}),
        )
        .await
        .expect(200);
    }
    // The last one is awarded at its judging deadline.
    app.advance(Duration::days(1));
    app.scheduler.tick().await.unwrap();
    for (phase, objects) in &mut phases {
        if *phase == Phase::Awarded {
            let results = app
                .get(
                    &format!("/api/v1/contests/{}/results", objects.contest),
                    None,
                )
                .await
                .expect(200)
                .json();
            objects.payout = results["payouts"][0]["id"].as_str().unwrap().to_owned();
        }
    }
    let fresh = |email: &'static str| async move { app.login(email).await };
    let tokens = vec![
        (Role::Anonymous, None),
        (Role::Innovator, Some(fresh("innovator@example.org").await)),
        (Role::Author, Some(fresh("author@example.org").await)),
        (Role::Juror, Some(fresh("juror@jury.example").await)),
        (
            Role::Conflicted,
            Some(fresh("conflicted@jury.example").await),
        ),
        (Role::Member, Some(fresh("owner@acme.example").await)),
        (Role::OtherMember, Some(fresh("other@globex.example").await)),
        (Role::Admin, Some(fresh("admin@concours.example").await)),
    ];
    let _ = (innovator, other, juror, conflicted);
    World {
        tokens,
        organization,
        phases,
    }
}

type Rule = fn(Role, Phase) -> Expect;

/// One row: a route, the body sent, and the rule.
struct Row {
    method: Method,
    path: &'static str,
    body: Option<Value>,
    rule: Rule,
}

fn signed_in(role: Role) -> Expect {
    if role == Role::Anonymous {
        Refused(401)
    } else {
        Granted
    }
}

/// Everyone sees an opened contest; a draft only its organisation and admins.
fn contest_read(role: Role, phase: Phase) -> Expect {
    match (phase, role) {
        (Phase::Draft, Role::Member | Role::Admin) => Granted,
        (Phase::Draft, _) => Refused(404),
        _ => Granted,
    }
}

/// The organisation's business: members; others learn it exists once it is open (admins,
/// who may see drafts, learn it always).
fn members_only(role: Role, phase: Phase) -> Expect {
    match role {
        Role::Member => Granted,
        Role::Anonymous => Refused(401),
        Role::Admin => Refused(403),
        _ if phase == Phase::Draft => Refused(404),
        _ => Refused(403),
    }
}

fn members_only_not_sent(role: Role, phase: Phase) -> Expect {
    match members_only(role, phase) {
        Granted => GrantedNotSent,
        other => other,
    }
}

fn admins_only(role: Role, _: Phase) -> Expect {
    match role {
        Role::Admin => Granted,
        Role::Anonymous => Refused(401),
        _ => Refused(403),
    }
}

fn admins_only_not_sent(role: Role, phase: Phase) -> Expect {
    match admins_only(role, phase) {
        Granted => GrantedNotSent,
        other => other,
    }
}

/// Fundings: the organisation and admins.
fn fundings_read(role: Role, phase: Phase) -> Expect {
    match role {
        Role::Member | Role::Admin => Granted,
        Role::Anonymous => Refused(401),
        _ if phase == Phase::Draft => Refused(404),
        _ => Refused(403),
    }
}

/// An idea: its author, the organisation and admins (no idea exists in the draft).
fn idea_read(role: Role, _: Phase) -> Expect {
    match role {
        Role::Author | Role::Member | Role::Admin => Granted,
        Role::Anonymous => Refused(401),
        _ => Refused(404),
    }
}

/// Changing an idea: its author only (not sent: the author's own changes are tested
/// elsewhere).
fn idea_write(role: Role, _: Phase) -> Expect {
    match role {
        Role::Author => GrantedNotSent,
        Role::Anonymous => Refused(401),
        _ => Refused(404),
    }
}

/// A juror's list and sheets: the jurors of that contest (nobody was invited to the draft).
fn jurors_only(role: Role, phase: Phase) -> Expect {
    match role {
        Role::Anonymous => Refused(401),
        _ if phase == Phase::Draft => Refused(404),
        Role::Juror | Role::Conflicted => Granted,
        _ => Refused(403),
    }
}

/// One entry: its jurors, except the one in conflict with it, who gets the same 404 as for an
/// entry not on their list (issue 16.13: a 403 told them which ids are conflicted). After the
/// award every juror is told judging is closed, 409: nothing is secret any more.
fn entry_only(role: Role, phase: Phase) -> Expect {
    match (role, phase) {
        (Role::Conflicted, Phase::Awarded) => Granted,
        (Role::Conflicted, _) => Refused(404),
        _ => jurors_only(role, phase),
    }
}

fn entry_write(role: Role, phase: Phase) -> Expect {
    match entry_only(role, phase) {
        Granted => GrantedNotSent,
        other => other,
    }
}

fn public(_: Role, _: Phase) -> Expect {
    Granted
}

fn signed_in_rule(role: Role, _: Phase) -> Expect {
    signed_in(role)
}

fn signed_in_not_sent(role: Role, _: Phase) -> Expect {
    match signed_in(role) {
        Granted => GrantedNotSent,
        other => other,
    }
}

/// An organisation: its members and admins.
fn organization_read(role: Role, _: Phase) -> Expect {
    match role {
        Role::Member | Role::Admin => Granted,
        Role::Anonymous => Refused(401),
        _ => Refused(404),
    }
}

/// An object that does not exist (or is private): the same 404 for everyone.
fn nobody(_: Role, _: Phase) -> Expect {
    Refused(404)
}

/// The organisation's members only; nobody else learns it exists.
fn organization_members(role: Role, _: Phase) -> Expect {
    match role {
        Role::Member => Granted,
        Role::Anonymous => Refused(401),
        _ => Refused(404),
    }
}

/// Adding members: the owner.
fn organization_owner(role: Role, _: Phase) -> Expect {
    match role {
        Role::Member => GrantedNotSent,
        Role::Anonymous => Refused(401),
        _ => Refused(404),
    }
}

fn rows() -> Vec<Row> {
    let row = |method: Method, path: &'static str, body: Option<Value>, rule: Rule| Row {
        method,
        path,
        body,
        rule,
    };
    let none = None;
    vec![
        row(Method::GET, "/healthz", none.clone(), public),
        row(Method::GET, "/api/v1/openapi.json", none.clone(), public),
        row(
            Method::POST,
            "/api/v1/auth/register",
            Some(json!({"email": "bad", "password": "x", "display_name": ""})),
            public,
        ),
        row(
            Method::POST,
            "/api/v1/auth/verify",
            Some(json!({"token": "nothing"})),
            |_, _| Refused(404),
        ),
        row(
            Method::POST,
            "/api/v1/auth/verify/resend",
            Some(json!({})),
            signed_in_rule,
        ),
        row(
            Method::POST,
            "/api/v1/auth/login",
            Some(json!({"email": "nobody@example.org", "password": "wrong password"})),
            |_, _| RefusedOr(401, 429),
        ),
        row(
            Method::POST,
            "/api/v1/auth/logout",
            Some(json!({})),
            signed_in_not_sent,
        ),
        row(
            Method::POST,
            "/api/v1/auth/password-reset",
            Some(json!({"email": "nobody@example.org"})),
            public,
        ),
        row(
            Method::POST,
            "/api/v1/auth/password-reset/confirm",
            Some(json!({"token": "nothing", "password": "long enough password"})),
            public,
        ),
        row(Method::GET, "/api/v1/me", none.clone(), signed_in_rule),
        row(
            Method::GET,
            "/api/v1/me/ideas",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::GET,
            "/api/v1/me/preferences",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::PUT,
            "/api/v1/me/preferences",
            Some(json!({"announcements": true, "reminders": true, "brand_news": true})),
            signed_in_rule,
        ),
        row(
            Method::GET,
            "/api/v1/me/following",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::POST,
            "/api/v1/organizations",
            Some(json!({"name": ""})),
            signed_in_rule,
        ),
        row(
            Method::GET,
            "/api/v1/organizations",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::GET,
            "/api/v1/organizations/{org}",
            none.clone(),
            organization_read,
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/members",
            Some(json!({"email": "innovator@example.org"})),
            organization_owner,
        ),
        row(
            Method::POST,
            "/api/v1/organization-invitations/{token}/accept",
            Some(json!({})),
            |role, _| match role {
                Role::Anonymous => Refused(401),
                _ => Refused(404),
            },
        ),
        row(
            Method::DELETE,
            "/api/v1/organizations/{org}/members/nobody",
            none.clone(),
            organization_owner,
        ),
        row(
            Method::DELETE,
            "/api/v1/organizations/{org}",
            none.clone(),
            organization_owner,
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/owner",
            Some(json!({"user_id": "nobody"})),
            organization_owner,
        ),
        row(
            Method::POST,
            "/api/v1/organizations/{org}/follow",
            Some(json!({})),
            signed_in_not_sent,
        ),
        row(
            Method::DELETE,
            "/api/v1/organizations/{org}/follow",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::POST,
            "/api/v1/contests",
            Some(json!({"organization_id": "{org}", "title": "", "brief": "", "rules": {}})),
            |role, _| match role {
                Role::Member => Granted,
                Role::Anonymous => Refused(401),
                _ => Refused(404),
            },
        ),
        row(Method::GET, "/api/v1/contests", none.clone(), public),
        row(
            Method::GET,
            "/api/v1/contests/{contest}",
            none.clone(),
            contest_read,
        ),
        row(
            Method::PATCH,
            "/api/v1/contests/{contest}",
            Some(json!({"title": "Renamed"})),
            members_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/rules",
            none.clone(),
            contest_read,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/open",
            Some(json!({})),
            members_only_not_sent,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/fundings",
            Some(json!({"amount_cents": 1, "reference": "R"})),
            members_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/fundings",
            none.clone(),
            fundings_read,
        ),
        row(
            Method::GET,
            "/api/v1/admin/fundings",
            none.clone(),
            admins_only,
        ),
        row(
            Method::POST,
            "/api/v1/admin/fundings/{funding}/confirm",
            Some(json!({})),
            admins_only,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/announcements",
            Some(json!({"body": "News"})),
            members_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/announcements",
            none.clone(),
            contest_read,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/audit",
            none.clone(),
            contest_read,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/ideas",
            Some(json!({"title": "", "summary": "", "body": ""})),
            |role, phase| match (role, phase) {
                (Role::Anonymous, _) => Refused(401),
                (Role::Member | Role::Admin, _) => Granted,
                (_, Phase::Draft) => Refused(404),
                _ => Granted,
            },
        ),
        row(Method::GET, "/api/v1/ideas/{idea}", none.clone(), idea_read),
        row(
            Method::PUT,
            "/api/v1/ideas/{idea}",
            Some(json!({"title": "Taken over", "summary": "s", "body": "b"})),
            idea_write,
        ),
        row(
            Method::DELETE,
            "/api/v1/ideas/{idea}",
            none.clone(),
            idea_write,
        ),
        row(
            Method::POST,
            "/api/v1/ideas/{idea}/submit",
            Some(json!({"accept_terms": true})),
            idea_write,
        ),
        row(
            Method::POST,
            "/api/v1/ideas/{idea}/attachments",
            none.clone(),
            idea_write,
        ),
        row(
            Method::GET,
            "/api/v1/attachments/{attachment}",
            none.clone(),
            idea_read,
        ),
        row(
            Method::POST,
            "/api/v1/ideas/{idea}/disqualify",
            Some(json!({"reason": "Because."})),
            |role, phase| match role {
                Role::Member => GrantedNotSent,
                Role::Admin | Role::Anonymous => idea_write(role, phase),
                _ => Refused(404),
            },
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/jurors",
            Some(json!({"email": "new@jury.example"})),
            members_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/jurors",
            none.clone(),
            members_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/jury",
            none.clone(),
            contest_read,
        ),
        row(
            Method::POST,
            "/api/v1/jury-invitations/{token}/accept",
            Some(json!({})),
            |role, _| match role {
                Role::Anonymous => Refused(401),
                _ => Refused(404),
            },
        ),
        row(
            Method::PUT,
            "/api/v1/contests/{contest}/jury/settings",
            Some(json!({"reviews_per_entry": null})),
            members_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/jury/entries",
            none.clone(),
            jurors_only,
        ),
        row(
            Method::PUT,
            "/api/v1/contests/{contest}/jury/entries/{entry}/scores",
            Some(json!({"scores": {"impact": 1, "feasibility": 1}})),
            entry_write,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/jury/entries/{entry}/conflict",
            Some(json!({"reason": "Hm."})),
            entry_write,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/jury/entries/{entry}/attachments/1",
            none.clone(),
            entry_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/jury/progress",
            none.clone(),
            members_only,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/jury/remind",
            Some(json!({})),
            members_only_not_sent,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/award",
            Some(json!({})),
            members_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/public-ideas",
            none.clone(),
            contest_read,
        ),
        row(
            Method::POST,
            "/api/v1/ideas/{idea}/appreciation",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::DELETE,
            "/api/v1/ideas/{idea}/appreciation",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::GET,
            "/api/v1/me/profile",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::PUT,
            "/api/v1/me/profile",
            Some(json!({"public": false})),
            signed_in_rule,
        ),
        row(
            Method::DELETE,
            "/api/v1/me",
            Some(json!({"password": "wrong"})),
            signed_in_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/me/export",
            none.clone(),
            signed_in_rule,
        ),
        row(Method::GET, "/api/v1/people/nobody", none.clone(), nobody),
        row(
            Method::GET,
            "/api/v1/organizations/{org}/talent",
            none.clone(),
            organization_members,
        ),
        row(
            Method::POST,
            "/api/v1/contests/{contest}/invitations",
            Some(json!({"user_ids": ["nobody"]})),
            members_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/stats",
            none.clone(),
            members_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/exports/ideas.csv",
            none.clone(),
            members_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/exports/scores.csv",
            none.clone(),
            members_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/exports/payouts.csv",
            none.clone(),
            members_only,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/results",
            none.clone(),
            contest_read,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/scoresheet",
            none.clone(),
            contest_read,
        ),
        row(
            Method::GET,
            "/api/v1/contests/{contest}/rounds",
            none.clone(),
            contest_read,
        ),
        row(
            Method::POST,
            "/api/v1/admin/payouts/{payout}/paid",
            Some(json!({"reference": "T-1"})),
            admins_only_not_sent,
        ),
        row(
            Method::GET,
            "/api/v1/me/payouts",
            none.clone(),
            signed_in_rule,
        ),
        row(
            Method::PUT,
            "/api/v1/me/payouts/{payout}/details",
            Some(json!({"kind": "iban", "iban": "GB82 WEST 1234 5698 7654 32"})),
            payee_only,
        ),
    ]
}

/// A payout's details: its payee (the author of its idea) only; nobody else learns it exists
/// (not sent: the payee's own details are tested in `payout_details`).
fn payee_only(role: Role, _: Phase) -> Expect {
    match role {
        Role::Author => GrantedNotSent,
        Role::Anonymous => Refused(401),
        _ => Refused(404),
    }
}

/// The OpenAPI path a row stands for (`/api/v1/ideas/{idea}` → `/api/v1/ideas/{id}`).
fn openapi_path(path: &str) -> String {
    path.replace("{org}", "{id}")
        .replace("{contest}", "{id}")
        .replace("{idea}", "{id}")
        .replace("{attachment}", "{id}")
        .replace("{funding}", "{id}")
        .replace("{payout}", "{id}")
        .replace("{entry}", "{entry_id}")
        .replace("/attachments/1", "/attachments/{number}")
        .replace("/people/nobody", "/people/{id}")
        .replace("/members/nobody", "/members/{user_id}")
        .replace("/exports/ideas.csv", "/exports/{name}")
        .replace("/exports/scores.csv", "/exports/{name}")
        .replace("/exports/payouts.csv", "/exports/{name}")
}

fn needs(path: &str) -> Option<&'static str> {
    [
        ("{idea}", "idea"),
        ("{attachment}", "idea"),
        ("{entry}", "entry"),
        ("{payout}", "payout"),
    ]
    .into_iter()
    .find(|(marker, _)| path.contains(marker))
    .map(|(_, what)| what)
}

async fn every_route_answers_every_role_in_every_phase_as_the_table_says(app: &TestApp) {
    let table = rows();
    // The meta-test: every route the server documents is in the table, and no row is stale.
    let doc = app
        .get("/api/v1/openapi.json", None)
        .await
        .expect(200)
        .json();
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.to_uppercase(), path.clone()))
        })
        .collect();
    let named: BTreeSet<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), openapi_path(r.path)))
        .collect();
    let missing: Vec<_> = documented.difference(&named).collect();
    assert!(
        missing.is_empty(),
        "routes the matrix does not name: {missing:?}"
    );
    let stale: Vec<_> = named.difference(&documented).collect();
    assert!(
        stale.is_empty(),
        "rows for routes that do not exist: {stale:?}"
    );

    let world = build(app).await;
    let audit_before = app
        .get(
            &format!("/api/v1/contests/{}/audit", world.phases[1].1.contest),
            None,
        )
        .await
        .text;
    let mut failures = Vec::new();
    let mut checked = 0;
    for row in &table {
        for (phase, objects) in &world.phases {
            // A route about no contest answers the same in every phase: asked once.
            let about_a_contest = [
                "{contest}",
                "{idea}",
                "{attachment}",
                "{entry}",
                "{funding}",
                "{payout}",
            ]
            .iter()
            .any(|marker| row.path.contains(marker));
            if !about_a_contest && *phase != Phase::Draft {
                continue;
            }
            if let Some(what) = needs(row.path) {
                let present = match what {
                    "idea" => !objects.idea.is_empty(),
                    "entry" => !objects.entry.is_empty(),
                    _ => !objects.payout.is_empty(),
                };
                if !present {
                    continue;
                }
            }
            let path = row
                .path
                .replace("{org}", &world.organization)
                .replace("{contest}", &objects.contest)
                .replace("{idea}", &objects.idea)
                .replace("{attachment}", &objects.attachment)
                .replace("{entry}", &objects.entry)
                .replace("{funding}", &objects.funding)
                .replace("{payout}", &objects.payout)
                .replace("{token}", "0123456789abcdef0123456789abcdef");
            let body = row.body.as_ref().map(|b| {
                serde_json::from_str::<Value>(&b.to_string().replace("{org}", &world.organization))
                    .unwrap()
            });
            for (role, token) in &world.tokens {
                let expect = (row.rule)(*role, *phase);
                if expect == GrantedNotSent {
                    continue;
                }
                let answer = if path.ends_with("/attachments") {
                    // An upload is refused for who it is from, not for how it is sent.
                    let form = reqwest::multipart::Form::new().part(
                        "file",
                        reqwest::multipart::Part::bytes(crate::helpers::tiny_pdf())
                            .file_name("intruder.pdf"),
                    );
                    let mut request = app.client.post(app.url(&path)).multipart(form);
                    if let Some(token) = token {
                        request = request.bearer_auth(token);
                    }
                    let response = request.send().await.unwrap();
                    crate::helpers::Answer {
                        status: response.status(),
                        headers: response.headers().clone(),
                        text: response.text().await.unwrap(),
                    }
                } else {
                    app.request(row.method.clone(), &path, token.as_deref(), body.clone())
                        .await
                };
                let status = answer.status.as_u16();
                checked += 1;
                let ok = match expect {
                    Refused(expected) => status == expected,
                    RefusedOr(first, second) => status == first || status == second,
                    Granted => status < 500 && ![401, 403, 404].contains(&status),
                    GrantedNotSent => unreachable!(),
                };
                if !ok {
                    failures.push(format!(
                        "{} {} as {role:?} in {phase:?}: expected {expect:?}, got {status} {}",
                        row.method,
                        row.path,
                        answer.text.chars().take(120).collect::<String>()
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} answers differ from the table:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Refused writes changed nothing: the contest in submission has the same audit chain
    // (the only granted writes sent are idempotent or refused by validation).
    let audit_after = app
        .get(
            &format!("/api/v1/contests/{}/audit", world.phases[1].1.contest),
            None,
        )
        .await
        .text;
    assert_eq!(audit_before, audit_after);
}
