//! Accounts: register, verify the email address, sign in and out, read oneself.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::account::{DisplayName, Email, check_password};
use crate::mail::{self, Outgoing};
use crate::store::{self, DbConnection, write_tx};

use super::access::{self, Action, Actor};
use super::passwords::{PasswordOutcome, PasswordWork, SignInLimits, Staged, run_inline};
use super::sessions::{self, Session};
use super::{AppError, AppResult, Ctx, ErrorCode, Validator};

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

/// What registration carries from its first stage to its second.
#[derive(Debug)]
pub struct PendingRegistration {
    email: Email,
    display_name: DisplayName,
    locale: String,
}

/// `register`, for a request from `client_ip`: at most `auth.register_max_per_ip` accounts per
/// address and window (counted before anything is hashed).
pub fn register_from(
    ctx: &Ctx,
    conn: &mut DbConnection,
    input: Registration,
    client_ip: &str,
) -> AppResult<Staged<PendingRegistration>> {
    write_tx(conn, |conn| {
        super::rate_limit(
            ctx,
            conn,
            &format!("register:ip:{client_ip}"),
            ctx.settings.auth.register_max_per_ip,
        )
    })?;
    let staged = stage_registration(input)?;
    // A taken address is refused before anything is hashed (and again, under the race, at
    // the insert).
    if store::users::find_by_email(conn, staged.state.email.as_str())?.is_some() {
        return Err(email_taken());
    }
    Ok(staged)
}

/// Registration's first stage: every field checked, the password still to hash.
pub fn stage_registration(input: Registration) -> AppResult<Staged<PendingRegistration>> {
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
    Ok(Staged {
        state: PendingRegistration {
            email,
            display_name,
            locale,
        },
        work: PasswordWork::Hash(input.password),
    })
}

/// Creates an account and mails a link that verifies its address (both stages at once: the
/// command line and the demo).
pub fn register(ctx: &Ctx, conn: &mut DbConnection, input: Registration) -> AppResult<AccountView> {
    run_inline(
        ctx,
        conn,
        |_, _| stage_registration(input),
        finish_registration,
    )
}

/// Registration's second stage: the account and its verification mail.
pub fn finish_registration(
    ctx: &Ctx,
    conn: &mut DbConnection,
    pending: PendingRegistration,
    hashed: PasswordOutcome,
) -> AppResult<AccountView> {
    let PendingRegistration {
        email,
        display_name,
        locale,
    } = pending;
    let password_hash = hashed.hashed()?;
    let result = write_tx(conn, |conn| {
        if store::users::find_by_email(conn, email.as_str())?.is_some() {
            return Err(email_taken());
        }
        let now = ctx.now();
        let id = store::new_id();
        let outcome = store::users::insert(
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
        // Another sign-up with the same address got there first.
        if outcome == store::Insert::AlreadyExists {
            return Err(email_taken());
        }
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
    result.map(|user| AccountView::from(&user))
}

fn email_taken() -> AppError {
    AppError::conflict(
        ErrorCode::EmailTaken,
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
                    ErrorCode::TokenExpired,
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

/// Sends a new verification link to a signed-in person whose address is not verified yet; at
/// most `auth.mail_requests_max` per account and per address within the mail window (429).
pub fn resend_verification(ctx: &Ctx, conn: &mut DbConnection, session: &Session) -> AppResult<()> {
    let user = &session.user;
    if user.email_verified() {
        return Err(AppError::conflict(
            ErrorCode::AlreadyVerified,
            "Your email address is already verified.",
        ));
    }
    write_tx(conn, |conn| {
        super::mail_request_limit(
            ctx,
            conn,
            &[
                format!("mail:account:{}", user.id),
                format!("mail:to:{}", user.email),
            ],
        )?;
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

/// What sign-in carries from its first stage to its second.
#[derive(Debug)]
pub struct PendingLogin {
    user: Option<store::users::User>,
    limits: SignInLimits,
}

/// Sign-in's first stage: the limits (see [`super::passwords`]) are checked before anything
/// is hashed; then the password is to be verified against the account's hash (or a dummy one,
/// so that an unknown address takes as long to refuse).
pub fn stage_login(
    ctx: &Ctx,
    conn: &mut DbConnection,
    credentials: Credentials,
    client_ip: &str,
) -> AppResult<Staged<PendingLogin>> {
    // Spelled as registration stores it; what is not an address has no account, but its
    // failures are still counted under what was typed.
    let email = Email::parse(&credentials.email)
        .map(|e| e.as_str().to_owned())
        .unwrap_or_else(|_| credentials.email.trim().to_lowercase());
    let user = store::users::find_by_email(conn, &email)?.filter(|u| u.deleted_at.is_none());
    let limits = SignInLimits::new(&email, user.as_ref().map(|u| u.id.as_str()), client_ip);
    limits.check(ctx, conn)?;
    // Every attempt costs a hash, a right password too: counted per address before hashing.
    write_tx(conn, |conn| {
        super::rate_limit(
            ctx,
            conn,
            &format!("login:attempts:ip:{client_ip}"),
            ctx.settings.auth.login_max_attempts_per_ip,
        )
    })?;
    let hash = user
        .as_ref()
        .map_or(super::passwords::DUMMY_HASH.as_str(), |u| {
            u.password_hash.as_str()
        })
        .to_owned();
    Ok(Staged {
        state: PendingLogin { user, limits },
        work: PasswordWork::Verify {
            password: credentials.password,
            hash,
        },
    })
}

/// Sign-in's second stage: a session for the right password, a counted failure otherwise.
pub fn finish_login(
    ctx: &Ctx,
    conn: &mut DbConnection,
    pending: PendingLogin,
    outcome: PasswordOutcome,
) -> AppResult<SignedIn> {
    match pending.user {
        Some(user) if outcome.matches() => {
            pending.limits.record_success(ctx, conn)?;
            let (token, expires_at) = ctx.keys.issue(&user.id, user.session_epoch, ctx.now())?;
            Ok(SignedIn {
                token,
                expires_at,
                user: AccountView::from(&user),
            })
        }
        _ => {
            pending.limits.record_failure(ctx, conn)?;
            Err(AppError::Unauthorized(
                "That email and password do not match an account.".into(),
            ))
        }
    }
}

/// Signs in (both stages at once). Failed attempts are counted per client address, per
/// account and address, and per account; see [`super::passwords`] for what each limit does.
pub fn login(
    ctx: &Ctx,
    conn: &mut DbConnection,
    credentials: Credentials,
    client_ip: &str,
) -> AppResult<SignedIn> {
    run_inline(
        ctx,
        conn,
        |ctx, conn| stage_login(ctx, conn, credentials, client_ip),
        finish_login,
    )
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
