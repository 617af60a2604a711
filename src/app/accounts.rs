//! Accounts: register, verify the email address, sign in and out, read oneself.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::account::{DisplayName, Email, check_password};
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, write_tx};

use super::access::{self, Action, Actor};
use super::sessions::{self, Session};
use super::{AppError, AppResult, Ctx, Validator};

/// An account as its owner sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub email_verified: bool,
    pub is_admin: bool,
}

impl From<&store::users::User> for AccountView {
    fn from(user: &store::users::User) -> AccountView {
        AccountView {
            id: user.id.clone(),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            email_verified: user.email_verified(),
            is_admin: user.is_admin(),
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub email: String,
    #[schema(min_length = 10)]
    pub password: String,
    pub display_name: String,
    /// `en` or `fr`; the language of the mail this account receives. Defaults to `en`.
    #[serde(default)]
    pub locale: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// A new session: the token to present as `Authorization: Bearer …`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user: AccountView,
}

/// The languages Concours speaks.
pub const LOCALES: [&str; 2] = ["en", "fr"];

static ARGON2: LazyLock<Argon2<'static>> = LazyLock::new(Argon2::default);

/// A hash of a password nobody has, checked when the account does not exist, so that a wrong
/// email takes as long to refuse as a wrong password.
static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password, only for timing").expect("argon2 works"));

pub(crate) fn hash_password(password: &str) -> AppResult<String> {
    ARGON2
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

pub(crate) fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| ARGON2.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// SHA-256 in hex: how single-use tokens are stored.
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// 32 random bytes in hex: the secret in an emailed link.
pub fn new_secret_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// `register`, for a request from `client_ip`: at most `auth.register_max_per_ip` accounts per
/// address and window.
pub fn register_from(
    ctx: &Ctx,
    conn: &mut DbConnection,
    input: Registration,
    client_ip: &str,
) -> AppResult<AccountView> {
    write_tx(conn, |conn| {
        super::rate_limit(
            ctx,
            conn,
            &format!("register:ip:{client_ip}"),
            ctx.settings.auth.register_max_per_ip,
        )
    })?;
    register(ctx, conn, input)
}

/// Creates an account and mails a link that verifies its address.
pub fn register(ctx: &Ctx, conn: &mut DbConnection, input: Registration) -> AppResult<AccountView> {
    let mut v = Validator::new();
    let email = v.check("email", Email::parse(&input.email));
    v.check("password", check_password(&input.password));
    let display_name = v.check("display_name", DisplayName::parse(&input.display_name));
    let locale = input.locale.unwrap_or_else(|| "en".into());
    if !LOCALES.contains(&locale.as_str()) {
        v.add("locale", "Choose en or fr.");
    }
    v.finish()?;
    let (Some(email), Some(display_name)) = (email, display_name) else {
        unreachable!("the validator reported every missing value");
    };
    let password_hash = hash_password(&input.password)?;

    let result = write_tx(conn, |conn| {
        if store::users::find_by_email(conn, email.as_str())?.is_some() {
            return Err(email_taken());
        }
        let now = ctx.now();
        let id = store::new_id();
        store::users::insert(
            conn,
            &store::users::NewUser {
                id: &id,
                email: email.as_str(),
                display_name: display_name.as_str(),
                password_hash: &password_hash,
                locale: &locale,
                created_at: store::to_db(now),
            },
        )?;
        send_verification(
            ctx,
            conn,
            &id,
            email.as_str(),
            display_name.as_str(),
            &locale,
            now,
        )?;
        store::users::find(conn, &id)?.ok_or_else(|| AppError::internal("user vanished"))
    });
    match result {
        Ok(user) => Ok(AccountView::from(&user)),
        Err(AppError::Internal(e))
            if e.downcast_ref::<diesel::result::Error>()
                .is_some_and(store::is_unique_violation) =>
        {
            Err(email_taken())
        }
        Err(e) => Err(e),
    }
}

fn email_taken() -> AppError {
    AppError::conflict(
        "email_taken",
        "An account already uses this email address; sign in instead.",
    )
}

/// Writes a fresh verification link and its email; inside the caller's transaction.
fn send_verification(
    ctx: &Ctx,
    conn: &mut DbConnection,
    user_id: &str,
    email: &str,
    display_name: &str,
    locale: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let token = new_secret_token();
    let ttl_hours = i64::from(ctx.settings.auth.verification_ttl_hours);
    store::tokens::insert_verification(
        conn,
        &token_digest(&token),
        user_id,
        store::to_db(now + Duration::hours(ttl_hours)),
        store::to_db(now),
    )?;
    mail::enqueue(
        ctx,
        conn,
        now,
        &Outgoing {
            template: "verify_email",
            to: email,
            locale,
            context: serde_json::json!({
                "display_name": display_name,
                "link": format!("{}/verify?token={token}", ctx.settings.public_url()),
                "ttl_hours": ttl_hours,
            }),
        },
    )?;
    Ok(())
}

/// Marks the address behind a verification link as verified. Using a link twice is harmless.
pub fn verify_email(ctx: &Ctx, conn: &mut DbConnection, token: &str) -> AppResult<AccountView> {
    let digest = token_digest(token.trim());
    write_tx(conn, |conn| {
        let invalid = || AppError::NotFound("This verification link is not valid.".into());
        let link = store::tokens::find_verification(conn, &digest)?.ok_or_else(invalid)?;
        let now = ctx.now();
        if link.used_at.is_none() {
            if store::from_db(link.expires_at) <= now {
                return Err(AppError::conflict(
                    "token_expired",
                    "This verification link has expired; sign in and ask for a new one.",
                ));
            }
            store::tokens::use_verification(conn, &digest, store::to_db(now))?;
            store::users::mark_verified(conn, &link.user_id, store::to_db(now))?;
        }
        let user = store::users::find(conn, &link.user_id)?.ok_or_else(invalid)?;
        Ok(AccountView::from(&user))
    })
}

/// Sends a new verification link to a signed-in person whose address is not verified yet.
pub fn resend_verification(ctx: &Ctx, conn: &mut DbConnection, session: &Session) -> AppResult<()> {
    let user = &session.user;
    if user.email_verified() {
        return Err(AppError::conflict(
            "already_verified",
            "Your email address is already verified.",
        ));
    }
    write_tx(conn, |conn| {
        send_verification(
            ctx,
            conn,
            &user.id,
            &user.email,
            &user.display_name,
            &user.locale,
            ctx.now(),
        )
    })
}

/// Signs in. Failed attempts are counted per account and per client address; past the limit
/// the answer is 429 whatever the password, until the window has passed.
pub fn login(
    ctx: &Ctx,
    conn: &mut DbConnection,
    credentials: Credentials,
    client_ip: &str,
) -> AppResult<SignedIn> {
    let auth = &ctx.settings.auth;
    let now = ctx.now();
    let window = Duration::seconds(i64::from(auth.login_window_seconds));
    let window_start = store::to_db(now - window);
    let email = credentials.email.trim().to_lowercase();
    let account_bucket = format!("login:account:{email}");
    let ip_bucket = format!("login:ip:{client_ip}");

    let account_hits = store::rate_limits::hits(conn, &account_bucket, window_start)?;
    let ip_hits = store::rate_limits::hits(conn, &ip_bucket, window_start)?;
    if account_hits >= auth.login_max_failures_per_account as i32
        || ip_hits >= auth.login_max_failures_per_ip as i32
    {
        return Err(AppError::RateLimited {
            retry_after_secs: u64::from(auth.login_window_seconds),
        });
    }

    let user = store::users::find_by_email(conn, &email)?;
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH.as_str(), |u| u.password_hash.as_str());
    let matches = password_matches(&credentials.password, hash);
    match user {
        Some(user) if matches => {
            write_tx(conn, |conn| {
                store::rate_limits::clear(conn, &account_bucket).map_err(AppError::from)
            })?;
            let (token, expires_at) = ctx.keys.issue(&user.id, now)?;
            Ok(SignedIn {
                token,
                expires_at,
                user: AccountView::from(&user),
            })
        }
        _ => {
            write_tx(conn, |conn| {
                store::rate_limits::hit(conn, &account_bucket, store::to_db(now), window_start)?;
                store::rate_limits::hit(conn, &ip_bucket, store::to_db(now), window_start)?;
                Ok::<_, AppError>(())
            })?;
            Err(AppError::Unauthorized(
                "That email and password do not match an account.".into(),
            ))
        }
    }
}

/// Signs out: this token stops working everywhere.
pub fn logout(conn: &mut DbConnection, session: &Session) -> AppResult<()> {
    let actor = Actor::User(session.actor());
    access::require(conn, &actor, Action::UseOwnAccount)?;
    write_tx(conn, |conn| sessions::revoke(conn, session))
}

pub fn me(conn: &mut DbConnection, session: &Session) -> AppResult<AccountView> {
    let actor = Actor::User(session.actor());
    access::require(conn, &actor, Action::UseOwnAccount)?;
    Ok(AccountView::from(&session.user))
}

/// `concours admin grant EMAIL`: makes an existing account a platform admin.
pub fn grant_admin(conn: &mut DbConnection, email: &str) -> AppResult<()> {
    let email = Email::parse(email).map_err(|m| AppError::field("email", m))?;
    let found = write_tx(conn, |conn| store::users::grant_admin(conn, email.as_str()))?;
    if found {
        Ok(())
    } else {
        Err(AppError::NotFound(format!("No account uses {email}.")))
    }
}
