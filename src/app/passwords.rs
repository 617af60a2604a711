//! Passwords: hashing, and the sign-in limits every route that checks a password shares.
//!
//! Argon2 is slow on purpose, so a route that hashes is a lever for whoever floods it. Each
//! such use case is therefore *staged*: a first transaction checks the limits (and a token,
//! when there is one) and says what to hash or verify ([`Staged`]); the hashing then runs
//! without a database connection, on a bounded pool (the web layer's `AppState::run_staged`;
//! [`run_inline`] for the command line); a second transaction finishes with the outcome.
//!
//! Sign-in limits aim at the attacker, not the owner: failures are counted per client address,
//! per account *and* address (both hard limits, for a window), and per account from anywhere.
//! Past the account-wide limit, an address the account signed in from before is not held up at
//! all, and any other address waits a short delay after the last failure, growing with each
//! further failure: never a lock that somebody else can renew for the owner.

use std::sync::LazyLock;

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Argon2, PasswordHash};
use chrono::{DateTime, Duration, Utc};

use crate::store::{self, DbConnection, write_tx};

use super::{AppError, AppResult, Ctx};

static ARGON2: LazyLock<Argon2<'static>> = LazyLock::new(Argon2::default);

/// A hash of a password nobody has, checked when the account does not exist, so that a wrong
/// email takes as long to refuse as a wrong password.
pub(crate) static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash_password("not a real password, only for timing").expect("argon2 works"));

/// Argon2id with the crate's defaults, in PHC string form.
pub(crate) fn hash_password(password: &str) -> AppResult<String> {
    ARGON2
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

/// Whether `password` matches a PHC `hash`; a malformed hash matches nothing.
pub(crate) fn password_matches(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| ARGON2.verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// The slow work a staged use case needs done between its two transactions.
#[derive(Debug)]
pub enum PasswordWork {
    /// Hash a new password.
    Hash(String),
    /// Check a password against a stored hash.
    Verify { password: String, hash: String },
}

/// What [`PasswordWork`] found.
#[derive(Debug)]
pub enum PasswordOutcome {
    Hashed(String),
    Matches(bool),
}

impl PasswordWork {
    /// Does the work: CPU only, no database.
    pub fn run(self) -> AppResult<PasswordOutcome> {
        match self {
            PasswordWork::Hash(password) => hash_password(&password).map(PasswordOutcome::Hashed),
            PasswordWork::Verify { password, hash } => {
                Ok(PasswordOutcome::Matches(password_matches(&password, &hash)))
            }
        }
    }
}

impl PasswordOutcome {
    /// The new hash (a `Hash` stage always yields one).
    pub fn hashed(self) -> AppResult<String> {
        match self {
            PasswordOutcome::Hashed(hash) => Ok(hash),
            PasswordOutcome::Matches(_) => Err(AppError::internal("expected a hash")),
        }
    }

    /// Whether the password matched (a `Verify` stage always yields this).
    pub fn matches(&self) -> bool {
        matches!(self, PasswordOutcome::Matches(true))
    }
}

/// The first stage's answer: what to carry to the second stage, and what to hash meanwhile.
#[derive(Debug)]
pub struct Staged<S> {
    pub state: S,
    pub work: PasswordWork,
}

/// Runs a staged use case on one connection, hashing in between (the command line and tests;
/// the web layer runs the hashing on its bounded pool without a connection instead).
pub fn run_inline<S, T>(
    ctx: &Ctx,
    conn: &mut DbConnection,
    stage: impl FnOnce(&Ctx, &mut DbConnection) -> AppResult<Staged<S>>,
    finish: impl FnOnce(&Ctx, &mut DbConnection, S, PasswordOutcome) -> AppResult<T>,
) -> AppResult<T> {
    let Staged { state, work } = stage(ctx, conn)?;
    let outcome = work.run()?;
    finish(ctx, conn, state, outcome)
}

/// The first delay past the account-wide limit, for addresses the account never signed in
/// from; it doubles with each further failure, up to the window.
pub const FIRST_DELAY_SECONDS: i64 = 30;

/// The counters that limit password guesses on one account from one address.
#[derive(Debug, Clone)]
pub struct SignInLimits {
    ip: String,
    pair: String,
    account: String,
    last: String,
    /// The digest of (account, address) when the account exists.
    known_key: Option<(String, String)>,
}

impl SignInLimits {
    /// The counters for `email` (normalised) from `client_ip`; `user_id` when it has an account.
    pub fn new(email: &str, user_id: Option<&str>, client_ip: &str) -> SignInLimits {
        SignInLimits {
            ip: format!("login:ip:{client_ip}"),
            pair: format!("login:pair:{email}:{client_ip}"),
            account: format!("login:account:{email}"),
            last: format!("login:last:{email}"),
            known_key: user_id.map(|id| {
                (
                    id.to_owned(),
                    super::accounts::token_digest(&format!("{id}\n{client_ip}")),
                )
            }),
        }
    }

    /// Refuses (429, with when to try again) before any hashing when this address, this
    /// address on this account, or (for an address the account never signed in from) the
    /// account's recent failures say so.
    pub fn check(&self, ctx: &Ctx, conn: &mut DbConnection) -> AppResult<()> {
        let auth = &ctx.settings.auth;
        let now = ctx.now();
        let window = i64::from(auth.login_window_seconds);
        let window_start = store::to_db(now - Duration::seconds(window));
        let hard = AppError::RateLimited {
            retry_after_secs: window as u64,
        };
        if store::rate_limits::hits(conn, &self.ip, window_start)?
            >= auth.login_max_failures_per_ip as i32
            || store::rate_limits::hits(conn, &self.pair, window_start)?
                >= auth.login_max_failures_per_account as i32
        {
            return Err(hard);
        }
        let failures = store::rate_limits::hits(conn, &self.account, window_start)?;
        let over = failures - auth.login_max_failures_per_account as i32;
        if over < 0 || self.is_known(conn)? {
            return Ok(());
        }
        let Some(last) = store::rate_limits::started(conn, &self.last)? else {
            return Ok(());
        };
        let delay = Duration::seconds(
            FIRST_DELAY_SECONDS
                .saturating_mul(1_i64 << over.min(20))
                .min(window),
        );
        let until: DateTime<Utc> = store::from_db(last) + delay;
        if now < until {
            let secs = (until - now).num_seconds().max(1);
            return Err(AppError::RateLimited {
                retry_after_secs: secs as u64,
            });
        }
        Ok(())
    }

    fn is_known(&self, conn: &mut DbConnection) -> AppResult<bool> {
        match &self.known_key {
            Some((id, digest)) => Ok(store::users::knows_address(conn, id, digest)?),
            None => Ok(false),
        }
    }

    /// Counts a wrong password in every counter (one transaction).
    pub fn record_failure(&self, ctx: &Ctx, conn: &mut DbConnection) -> AppResult<()> {
        let now = ctx.now();
        let window = i64::from(ctx.settings.auth.login_window_seconds);
        let window_start = store::to_db(now - Duration::seconds(window));
        write_tx(conn, |conn| {
            for bucket in [&self.ip, &self.pair, &self.account] {
                store::rate_limits::hit(conn, bucket, store::to_db(now), window_start)?;
            }
            store::rate_limits::clear(conn, &self.last)?;
            store::rate_limits::hit(conn, &self.last, store::to_db(now), window_start)?;
            Ok::<_, AppError>(())
        })
    }

    /// A right password: this address on this account starts afresh and is remembered as one
    /// the owner uses.
    pub fn record_success(&self, ctx: &Ctx, conn: &mut DbConnection) -> AppResult<()> {
        let now = store::to_db(ctx.now());
        write_tx(conn, |conn| {
            store::rate_limits::clear(conn, &self.pair)?;
            if let Some((id, digest)) = &self.known_key {
                store::users::remember_address(conn, id, digest, now)?;
            }
            Ok::<_, AppError>(())
        })
    }

    /// After a password reset (which proves the mailbox): the account-wide count starts afresh.
    pub fn forget_account_failures(conn: &mut DbConnection, email: &str) -> AppResult<()> {
        store::rate_limits::clear(conn, &format!("login:account:{email}"))?;
        store::rate_limits::clear(conn, &format!("login:last:{email}"))?;
        Ok(())
    }
}
