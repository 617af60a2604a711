//! People's pages and their data: a public page for those who want one (private by default),
//! with what they achieved in finished contests; and everything Concours holds about a person,
//! exported for them.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::access::{self, Action, Actor};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator};
use crate::domain::text;
use crate::store::{self, DbConnection, write_tx};

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProfileView {
    pub user_id: String,
    pub display_name: String,
    /// Whether anyone may see this page; private by default.
    pub public: bool,
    /// Plain text.
    pub bio: String,
    /// http(s) addresses.
    pub links: Vec<String>,
    /// Their ideas in awarded contests, newest first.
    pub results: Vec<ContestResult>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContestResult {
    pub contest_id: String,
    pub contest_title: String,
    pub idea_title: String,
    /// Null when the idea was not ranked (withdrawn, disqualified).
    pub rank: Option<usize>,
    /// Out of 100.
    pub score: Option<f64>,
    /// Money awarded to the idea, in cents.
    pub prize_cents: i64,
    pub currency: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProfileInput {
    pub public: bool,
    #[serde(default)]
    pub bio: String,
    #[serde(default)]
    pub links: Vec<String>,
}

const MAX_BIO: usize = 1000;
const MAX_LINKS: usize = 5;
const MAX_LINK: usize = 200;

fn view(conn: &mut DbConnection, user: &store::users::User) -> AppResult<ProfileView> {
    let (public, bio, links) = store::profiles::find(conn, &user.id)?.unwrap_or_default();
    let links: Vec<String> = serde_json::from_str(&links).unwrap_or_default();
    let mut results = Vec::new();
    for (contest_id, contest_title, currency, idea_id, idea_title, ranking) in
        store::profiles::entered_awarded(conn, &user.id)?
    {
        let rows: Vec<super::award::RankingRow> =
            serde_json::from_str(&ranking).map_err(AppError::internal)?;
        let row = rows.into_iter().find(|r| r.entry_id == idea_id);
        results.push(ContestResult {
            contest_id,
            contest_title,
            idea_title,
            rank: row.as_ref().map(|r| r.rank),
            score: row.and_then(|r| r.score),
            prize_cents: store::profiles::prize_of(conn, &idea_id)?,
            currency,
        });
    }
    Ok(ProfileView {
        user_id: user.id.clone(),
        display_name: user.display_name.clone(),
        public,
        bio,
        links,
        results,
    })
}

/// A person's page: anyone's if they made it public, one's own always; 404 otherwise.
pub fn show(conn: &mut DbConnection, actor: &Actor, user_id: &str) -> AppResult<ProfileView> {
    let user = store::users::find(conn, user_id)?.ok_or_else(|| AppError::not_found("person"))?;
    let public = store::profiles::find(conn, user_id)?.is_some_and(|(public, ..)| public);
    access::require(conn, actor, Action::ViewProfile { user_id, public })?;
    view(conn, &user)
}

pub fn mine(conn: &mut DbConnection, actor: &Actor) -> AppResult<ProfileView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let id = actor.user().map(|u| u.id.clone()).unwrap_or_default();
    show(conn, actor, &id)
}

pub fn update(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    input: ProfileInput,
) -> AppResult<ProfileView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let id = actor.user().map(|u| u.id.clone()).unwrap_or_default();
    let mut v = Validator::new();
    let bio = input.bio.trim().to_owned();
    if bio.chars().count() > MAX_BIO {
        v.add("bio", format!("Use at most {MAX_BIO} characters."));
    } else {
        v.check("bio", text::check_characters(&bio, text::Lines::Multi));
    }
    if input.links.len() > MAX_LINKS {
        v.add("links", format!("Give at most {MAX_LINKS} links."));
    }
    let mut links = Vec::new();
    for (i, link) in input.links.iter().enumerate() {
        let link = link.trim();
        if link.is_empty() {
            continue;
        }
        let web = link.starts_with("https://") || link.starts_with("http://");
        let clean = !link.chars().any(char::is_whitespace)
            && text::check_characters(link, text::Lines::Single).is_ok();
        if !web || !clean || link.len() > MAX_LINK {
            v.add(
                &format!("links[{i}]"),
                format!(
                    "Give a web address starting with https://, at most {MAX_LINK} characters."
                ),
            );
        } else {
            links.push(link.to_owned());
        }
    }
    v.finish()?;
    let links_json = serde_json::to_string(&links).map_err(AppError::internal)?;
    write_tx(conn, |conn| {
        store::profiles::save(
            conn,
            &id,
            input.public,
            &bio,
            &links_json,
            store::to_db(ctx.now()),
        )
    })?;
    mine(conn, actor)
}

/// Everything Concours holds about the caller, as JSON: account, preferences, follows,
/// organisations, page, ideas with every revision and attachment's details, jury work and
/// score sheets. Password hash and tokens excluded (they are not data about the person but
/// keys to their account). A juror's sheets name the opaque entry id they scored under, never
/// the idea's id (a UUIDv7 tells when the entry came in, and ties it to its audit events).
pub fn export(ctx: &super::Ctx, conn: &mut DbConnection, actor: &Actor) -> AppResult<Value> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let id = actor.user().map(|u| u.id.clone()).unwrap_or_default();
    let user = store::users::find(conn, &id)?.ok_or_else(|| AppError::not_found("account"))?;
    let mut ideas = Vec::new();
    for idea in store::ideas::of_author(conn, &id)? {
        let revisions: Vec<Value> = store::ideas::revisions(conn, &idea.id)?
            .into_iter()
            .map(|r| {
                json!({
                    "revision": r.revision,
                    "title": r.title,
                    "summary": r.summary,
                    "body": r.body,
                    "content_sha256": r.content_sha256,
                    "received_at": store::from_db(r.received_at),
                    "rules_hash": r.rules_hash,
                })
            })
            .collect();
        let attachments: Vec<Value> = store::ideas::attachments_of(conn, &idea.id)?
            .into_iter()
            .map(|a| json!({"filename": a.filename, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}))
            .collect();
        ideas.push(json!({
            "id": idea.id,
            "contest_id": idea.contest_id,
            "title": idea.title,
            "summary": idea.summary,
            "body": idea.body,
            "status": idea.status,
            "created_at": store::from_db(idea.created_at),
            "revisions": revisions,
            "attachments": attachments,
        }));
    }
    let mut jury = Vec::new();
    for juror in store::jury::memberships_of(conn, &id)? {
        let sheets: Vec<Value> = store::jury::sheets_of(conn, &juror.id)?
            .into_iter()
            .map(|s| json!({"entry_id": crate::domain::jury::entry_id(&ctx.entry_salt, &juror.contest_id, &s.idea_id), "round": s.round, "scores": s.values.into_iter().collect::<std::collections::BTreeMap<_, _>>(), "comment": s.comment}))
            .collect();
        jury.push(
            json!({"contest_id": juror.contest_id, "status": juror.status, "sheets": sheets}),
        );
    }
    let organizations: Vec<Value> = super::organizations::mine(conn, actor)?
        .into_iter()
        .map(|o| json!({"id": o.id, "name": o.name}))
        .collect();
    Ok(json!({
        "exported_for": user.id,
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "email_verified": user.email_verified_at.is_some(),
            "created_at": store::from_db(user.created_at),
        },
        "preferences": store::notifications::preferences(conn, &id)?,
        "following": store::notifications::followed_by(conn, &id)?
            .into_iter()
            .map(|(id, name)| json!({"organization_id": id, "name": name}))
            .collect::<Vec<_>>(),
        "organizations": organizations,
        "profile": view(conn, &user)?,
        "ideas": ideas,
        "jury": jury,
    }))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccount {
    /// The account's password, to confirm.
    pub password: String,
}

/// What account deletion carries from its first stage to its second.
#[derive(Debug)]
pub struct PendingDeletion {
    user: store::users::User,
    limits: super::passwords::SignInLimits,
}

/// Deletion's first stage, for a request from `client_ip`: the password guesses count in the
/// sign-in limits of the account (see [`super::passwords`]) and are refused (429) past them
/// before anything is hashed.
/// Tries at deleting one's account per sign-in window, right password or wrong (the wrong ones
/// also count as failed sign-ins).
const DELETION_ATTEMPTS_PER_WINDOW: u32 = 10;

pub fn stage_deletion(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    input: DeleteAccount,
    client_ip: &str,
) -> AppResult<super::passwords::Staged<PendingDeletion>> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let id = actor.user().map(|u| u.id.clone()).unwrap_or_default();
    let user = store::users::find(conn, &id)?.ok_or_else(|| AppError::not_found("account"))?;
    let limits = super::passwords::SignInLimits::new(&user.email, Some(&user.id), client_ip);
    limits.check(ctx, conn)?;
    // Every attempt costs a hash, a right password too (refused while one is an owner): counted
    // per address, with sign-in attempts, and per account, before hashing.
    store::write_tx(conn, |conn| {
        super::rate_limit(
            ctx,
            conn,
            &format!("login:attempts:ip:{client_ip}"),
            ctx.settings.auth.login_max_attempts_per_ip,
        )?;
        super::rate_limit(
            ctx,
            conn,
            &format!("delete:account:{}", user.id),
            DELETION_ATTEMPTS_PER_WINDOW,
        )
    })?;
    let hash = user.password_hash.clone();
    Ok(super::passwords::Staged {
        state: PendingDeletion { user, limits },
        work: super::passwords::PasswordWork::Verify {
            password: input.password,
            hash,
        },
    })
}

/// Deletes the caller's account (both stages at once). Refused while they belong to an
/// organisation (its contests need someone responsible) or sit on the jury of a contest not
/// yet awarded; a wrong password is answered as such before anything else is looked at. Ideas
/// in a contest still taking ideas are withdrawn; ideas never submitted are erased; ideas in
/// contests being judged or finished stay, under "former participant", as do payouts and the
/// audit chain. The account row stays, emptied of the person; its sessions stop working.
pub fn delete_account(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    input: DeleteAccount,
    client_ip: &str,
) -> AppResult<()> {
    let actor_for_finish = actor.clone();
    super::passwords::run_inline(
        ctx,
        conn,
        |ctx, conn| stage_deletion(ctx, conn, actor, input, client_ip),
        |ctx, conn, pending, outcome| {
            finish_deletion(ctx, conn, &actor_for_finish, pending, outcome)
        },
    )
}

/// Deletion's second stage: a wrong password is counted and refused; then the checks and the
/// deletion itself.
pub fn finish_deletion(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    pending: PendingDeletion,
    outcome: super::passwords::PasswordOutcome,
) -> AppResult<()> {
    let PendingDeletion { user, limits } = pending;
    if !outcome.matches() {
        limits.record_failure(ctx, conn)?;
        return Err(AppError::field("password", "This is not your password."));
    }
    let id = user.id.clone();
    if !super::organizations::mine(conn, actor)?.is_empty() {
        return Err(AppError::conflict(
            ErrorCode::OrganizationMember,
            "You belong to an organisation: hand it over or leave it first, so that its contests keep someone responsible.",
        ));
    }
    for juror in store::jury::memberships_of(conn, &id)? {
        let finished =
            store::contests::find(conn, &juror.contest_id)?.is_none_or(|c| c.awarded_at.is_some());
        if juror.status == crate::domain::status::JurorStatus::Accepted && !finished {
            return Err(AppError::conflict(
                ErrorCode::ActiveJuror,
                "You sit on the jury of a contest that is not finished; you can delete your account once it is awarded.",
            ));
        }
    }
    // Out of the running wherever the rules still allow it (each withdrawal is recorded in
    // its contest's audit chain, as any other).
    for idea in store::ideas::of_author(conn, &id)? {
        if matches!(
            idea.status,
            crate::domain::ideas::Status::Draft | crate::domain::ideas::Status::Submitted
        ) {
            match super::ideas::withdraw(ctx, conn, actor, &idea.id) {
                Ok(_) | Err(AppError::Conflict { .. }) => {}
                Err(error) => return Err(error),
            }
        }
    }
    let now = store::to_db(ctx.now());
    write_tx(conn, |conn| {
        store::profiles::erase_personal_data(conn, &id, &user.email)?;
        store::profiles::scrub_traces(
            conn,
            &id,
            &user.email,
            &user.display_name,
            &store::users::placeholder_email(&id),
            super::award::FORMER_PARTICIPANT,
        )?;
        store::users::anonymize(conn, &id, now)
    })?;
    Ok(())
}
