//! What a person hears from Concours, and how they choose: preferences, one-click unsubscribe
//! links (signed, no sign-in needed), following a brand, password resets, and the fan-outs that
//! queue mail for many people in batches, outside the request that caused it.

use chrono::Duration;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::domain::account::{Email, check_password};
use crate::mail::{self, Category, Outgoing};
use crate::store::notifications::{Fanout, Preferences};
use crate::store::{self, DbConnection, contests::Contest, write_tx};

use super::access::{self, Action, Actor};
use super::{AppError, AppResult, Ctx, ErrorCode, notify};

/// A person's choices, as the API shows and takes them.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferencesView {
    /// Announcements of contests one takes part in.
    pub announcements: bool,
    /// Reminders before a deadline (drafts, scoring).
    pub reminders: bool,
    /// A followed brand opened a contest.
    pub brand_news: bool,
}

impl From<Preferences> for PreferencesView {
    fn from(p: Preferences) -> PreferencesView {
        PreferencesView {
            announcements: p.announcements,
            reminders: p.reminders,
            brand_news: p.brand_news,
        }
    }
}

/// The link in every mail of `category`: it turns that kind off for `email`, with one click
/// (built by [`mail::Links`], which the mail worker holds too).
pub fn unsubscribe_url(ctx: &Ctx, email: &str, category: Category) -> String {
    ctx.mail_links().unsubscribe_url(email, category)
}

/// An unsubscribe link, as it came back.
#[derive(Debug, Clone, Deserialize, Serialize, utoipa::ToSchema)]
pub struct Unsubscribe {
    pub email: String,
    pub kind: String,
    pub sig: String,
}

fn invalid_link() -> AppError {
    AppError::conflict(
        ErrorCode::InvalidToken,
        "This link is not valid; change your preferences from your settings instead.",
    )
}

/// Checks an unsubscribe link without changing anything (the page that asks to confirm).
pub fn check_unsubscribe(ctx: &Ctx, link: &Unsubscribe) -> AppResult<Category> {
    let category = Category::parse(&link.kind).ok_or_else(invalid_link)?;
    let given = hex::decode(&link.sig).map_err(|_| invalid_link())?;
    if !ctx
        .mail_links()
        .unsubscribe_signed(&link.email, category, &given)
    {
        return Err(invalid_link());
    }
    Ok(category)
}

fn with(p: Preferences, category: Category, on: bool) -> Preferences {
    match category {
        Category::Announcements => Preferences {
            announcements: on,
            ..p
        },
        Category::Reminders => Preferences { reminders: on, ..p },
        Category::BrandNews => Preferences {
            brand_news: on,
            ..p
        },
    }
}

/// Saves preferences; what was turned off and is still queued is not sent.
fn save(
    conn: &mut DbConnection,
    user_id: &str,
    email: &str,
    p: Preferences,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    store::notifications::set_preferences(conn, user_id, p, store::to_db(now))?;
    for category in Category::ALL {
        if !category.wanted(&p) {
            store::notifications::drop_pending(
                conn,
                email,
                &category.templates(),
                category.as_str(),
            )?;
        }
    }
    Ok(())
}

/// Follows a signed unsubscribe link: that kind of mail stops for that address.
pub fn unsubscribe(ctx: &Ctx, conn: &mut DbConnection, link: &Unsubscribe) -> AppResult<Category> {
    let category = check_unsubscribe(ctx, link)?;
    write_tx(conn, |conn| {
        if let Some((user_id, p)) = store::notifications::preferences_by_email(conn, &link.email)? {
            save(
                conn,
                &user_id,
                &link.email,
                with(p, category, false),
                ctx.now(),
            )?;
        }
        Ok(category)
    })
}

pub fn preferences(conn: &mut DbConnection, actor: &Actor) -> AppResult<PreferencesView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    Ok(store::notifications::preferences(conn, &user.id)?.into())
}

pub fn update_preferences(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    input: PreferencesView,
) -> AppResult<PreferencesView> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in").clone();
    write_tx(conn, |conn| {
        let account = store::users::find(conn, &user.id)?
            .ok_or_else(|| AppError::Unauthorized("Sign in again.".into()))?;
        let p = Preferences {
            announcements: input.announcements,
            reminders: input.reminders,
            brand_news: input.brand_news,
        };
        save(conn, &user.id, &account.email, p, ctx.now())?;
        Ok(p.into())
    })
}

/// An organisation a person follows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Followed {
    pub organization_id: String,
    pub name: String,
}

/// Follows a brand: its next contests are announced by mail (opt-in).
pub fn follow(
    ctx: &Ctx,
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
    on: bool,
) -> AppResult<bool> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in").clone();
    write_tx(conn, |conn| {
        if store::organizations::find(conn, organization_id)?.is_none() {
            return Err(AppError::not_found("organisation"));
        }
        if on {
            store::notifications::follow(conn, &user.id, organization_id, store::to_db(ctx.now()))?;
        } else {
            store::notifications::unfollow(conn, &user.id, organization_id)?;
        }
        Ok(on)
    })
}

pub fn following(conn: &mut DbConnection, actor: &Actor) -> AppResult<Vec<Followed>> {
    access::require(conn, actor, Action::UseOwnAccount)?;
    let user = actor.user().expect("signed in");
    Ok(store::notifications::followed_by(conn, &user.id)?
        .into_iter()
        .map(|(organization_id, name)| Followed {
            organization_id,
            name,
        })
        .collect())
}

pub fn is_following(
    conn: &mut DbConnection,
    actor: &Actor,
    organization_id: &str,
) -> AppResult<bool> {
    match actor.user() {
        Some(user) => Ok(store::notifications::is_following(
            conn,
            &user.id,
            organization_id,
        )?),
        None => Ok(false),
    }
}

/// How long a password reset link works.
const RESET_TTL_HOURS: i64 = 2;
/// Reset requests per address and per client address within the sign-in window.
const RESET_MAX_PER_WINDOW: i32 = 5;

/// Asks for a password reset link. The answer never says whether the address has an account;
/// only its owner, by mail, learns that.
pub fn request_password_reset(
    ctx: &Ctx,
    conn: &mut DbConnection,
    email: &str,
    client_ip: &str,
) -> AppResult<()> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let now = ctx.now();
    let window = i64::from(ctx.settings.auth.login_window_seconds);
    let window_start = store::to_db(now - Duration::seconds(window));
    let buckets = [
        format!("reset:account:{}", email.as_str()),
        format!("reset:ip:{client_ip}"),
    ];
    write_tx(conn, |conn| {
        for bucket in &buckets {
            if store::rate_limits::hits(conn, bucket, window_start)? >= RESET_MAX_PER_WINDOW {
                return Err(AppError::RateLimited {
                    retry_after_secs: window as u64,
                });
            }
        }
        for bucket in &buckets {
            store::rate_limits::hit(conn, bucket, store::to_db(now), window_start)?;
        }
        // The mail itself, like every mail somebody can ask for, counts per recipient over the
        // longer mail window (whether or not the address has an account: same answer).
        super::mail_request_limit(ctx, conn, &[format!("mail:to:{}", email.as_str())])?;
        let Some(user) = store::users::find_by_email(conn, email.as_str())? else {
            return Ok(());
        };
        let token = super::accounts::new_secret_token();
        store::notifications::insert_reset(
            conn,
            &super::accounts::token_digest(&token),
            &user.id,
            store::to_db(now + Duration::hours(RESET_TTL_HOURS)),
            store::to_db(now),
        )?;
        mail::enqueue(
            ctx,
            conn,
            now,
            &Outgoing {
                template: "password_reset",
                to: &user.email,
                locale: &user.locale,
                context: json!({
                    "display_name": user.display_name,
                    "link": format!("{}/password-reset?token={token}", ctx.settings.public_url()),
                    "ttl_hours": RESET_TTL_HOURS,
                }),
            },
        )?;
        Ok(())
    })
}

/// What a password reset carries from its first stage to its second.
#[derive(Debug)]
pub struct PendingReset {
    digest: String,
}

/// A reset's first stage, for a request from `client_ip`: refused (429) once that address has
/// presented too many links that were not valid, and (409) for a link that is not valid, all
/// before anything is hashed.
pub fn stage_reset(
    ctx: &Ctx,
    conn: &mut DbConnection,
    token: &str,
    password: &str,
    client_ip: &str,
) -> AppResult<super::passwords::Staged<PendingReset>> {
    let now = ctx.now();
    let auth = &ctx.settings.auth;
    let window = i64::from(auth.login_window_seconds);
    let window_start = store::to_db(now - Duration::seconds(window));
    let bucket = format!("reset-confirm:ip:{client_ip}");
    if store::rate_limits::hits(conn, &bucket, window_start)?
        >= auth.login_max_failures_per_ip as i32
    {
        return Err(AppError::RateLimited {
            retry_after_secs: window as u64,
        });
    }
    let digest = super::accounts::token_digest(token.trim());
    if store::notifications::usable_reset(conn, &digest, store::to_db(now))?.is_none() {
        write_tx(conn, |conn| {
            store::rate_limits::hit(conn, &bucket, store::to_db(now), window_start)
                .map_err(AppError::from)
        })?;
        return Err(invalid_reset());
    }
    check_password(password).map_err(|m| AppError::field("password", m))?;
    Ok(super::passwords::Staged {
        state: PendingReset { digest },
        work: super::passwords::PasswordWork::Hash(password.to_owned()),
    })
}

fn invalid_reset() -> AppError {
    AppError::conflict(
        ErrorCode::InvalidToken,
        "This link has expired or was already used; ask for a new one.",
    )
}

/// A reset's second stage: the link is used (once, even under concurrency), the password set,
/// every earlier session and every other outstanding reset link of the account ended.
pub fn finish_reset(
    ctx: &Ctx,
    conn: &mut DbConnection,
    pending: PendingReset,
    hashed: super::passwords::PasswordOutcome,
) -> AppResult<()> {
    let hash = hashed.hashed()?;
    let now = store::to_db(ctx.now());
    write_tx(conn, |conn| {
        let user_id = store::notifications::use_reset(conn, &pending.digest, now)?
            .ok_or_else(invalid_reset)?;
        store::users::set_password(conn, &user_id, &hash)?;
        store::notifications::end_resets_of(conn, &user_id, now)?;
        if let Some(user) = store::users::find(conn, &user_id)? {
            super::passwords::SignInLimits::forget_account_failures(conn, &user.email)?;
        }
        Ok(())
    })
}

/// Sets a new password with a reset link (once; the link then stops working), both stages at
/// once.
pub fn reset_password(
    ctx: &Ctx,
    conn: &mut DbConnection,
    token: &str,
    password: &str,
    client_ip: &str,
) -> AppResult<()> {
    super::passwords::run_inline(
        ctx,
        conn,
        |ctx, conn| stage_reset(ctx, conn, token, password, client_ip),
        finish_reset,
    )
}

/// Queues `template` for an audience, to be expanded by the worker in batches.
pub fn fanout(
    conn: &mut DbConnection,
    now: chrono::DateTime<chrono::Utc>,
    template: &str,
    audience: &str,
    contest: &Contest,
    context: Value,
) -> AppResult<()> {
    store::notifications::insert_fanout(
        conn,
        &Fanout {
            id: store::new_id(),
            template: template.to_owned(),
            audience: audience.to_owned(),
            contest_id: contest.id.clone(),
            context: context.to_string(),
            after_user: String::new(),
            done_at: None,
            created_at: store::to_db(now),
        },
    )?;
    Ok(())
}

/// Expands pending fan-outs into outbox messages, one batch per transaction, until none is
/// left; returns how many messages were queued. Several workers may run it at once: each batch
/// is claimed with its fan-out's row locked.
pub fn run_fanouts(ctx: &Ctx, conn: &mut DbConnection) -> AppResult<usize> {
    let batch = i64::from(ctx.settings.mail.fanout_batch.max(1));
    let mut queued = 0;
    loop {
        let done = write_tx(conn, |conn| {
            let Some(fanout) = store::notifications::claim_fanout(conn)? else {
                return Ok::<_, AppError>(None);
            };
            let recipients = match fanout.audience.as_str() {
                "followers" => {
                    let contest = store::contests::find(conn, &fanout.contest_id)?
                        .ok_or_else(|| AppError::internal("a fan-out's contest vanished"))?;
                    store::notifications::followers_after(
                        conn,
                        &contest.organization_id,
                        &fanout.after_user,
                        batch,
                    )?
                }
                _ => store::notifications::participants_after(
                    conn,
                    &fanout.contest_id,
                    &fanout.after_user,
                    batch,
                )?,
            };
            let context: Value =
                serde_json::from_str(&fanout.context).map_err(AppError::internal)?;
            let now = ctx.now();
            let mut count = 0;
            for (_, email, locale, display_name) in &recipients {
                let mut context = context.clone();
                context["display_name"] = json!(display_name);
                if mail::enqueue(
                    ctx,
                    conn,
                    now,
                    &Outgoing {
                        template: &fanout.template,
                        to: email,
                        locale,
                        context,
                    },
                )?
                .is_some()
                {
                    count += 1;
                }
            }
            let last = recipients
                .last()
                .map(|(id, ..)| id.clone())
                .unwrap_or(fanout.after_user.clone());
            let finished = (recipients.len() as i64) < batch;
            store::notifications::advance_fanout(
                conn,
                &fanout.id,
                &last,
                finished.then(|| store::to_db(now)),
            )?;
            Ok(Some(count))
        })?;
        match done {
            Some(count) => queued += count,
            None => return Ok(queued),
        }
    }
}

/// The people who follow a contest's brand hear that it opened (in batches, by the worker).
pub fn contest_opened(
    ctx: &Ctx,
    conn: &mut DbConnection,
    contest: &Contest,
    extra: Value,
) -> AppResult<()> {
    let mut context = notify::contest_context(ctx, contest);
    if let (Some(base), Value::Object(extra)) = (context.as_object_mut(), extra) {
        base.extend(extra);
    }
    fanout(
        conn,
        ctx.now(),
        "contest_opened",
        "followers",
        contest,
        context,
    )
}
