//! Use cases: one public function per thing a person can do, one transaction each, combining
//! the domain rules, the store, the outbox and the audit log ([`audit`]). Nothing here knows
//! HTTP.

pub mod access;
pub mod accounts;
pub mod announcements;
pub mod appreciation;
pub mod audit;
pub mod award;
pub mod caches;
pub mod check;
pub mod contests;
pub mod error;
pub mod fundings;
pub mod ideas;
pub mod idempotency;
pub mod insight;
pub mod jury;
pub mod memberships;
pub mod notifications;
pub mod notify;
pub mod organizations;
pub mod passwords;
pub mod payout_details;
pub mod phases;
pub mod profiles;
pub mod rounds;
pub mod sessions;
pub mod talent;

use std::sync::Arc;

pub use access::{Action, Actor};
pub use error::{AppError, ErrorCode, FieldError, Validator};

use crate::clock::Clock;
use crate::config::Settings;
use crate::store;

/// What every use case needs besides its input and a connection: settings, the clock and the
/// session keys. Built once at start-up and shared. Its `Debug` shows no secret: the settings
/// redact theirs, the keys print without their secret, and the salt derived from the session
/// secret is left out.
pub struct Ctx {
    pub settings: Settings,
    pub clock: Arc<dyn Clock>,
    pub keys: sessions::SessionKeys,
    /// Keys the ids jurors know entries by (derived from the session secret).
    pub entry_salt: String,
    /// What use cases keep in memory between requests (frozen rules, entry-id maps).
    pub caches: caches::Caches,
}

impl Ctx {
    pub fn new(settings: Settings, clock: Arc<dyn Clock>, jwt_secret: &[u8]) -> Ctx {
        let keys = sessions::SessionKeys::new(jwt_secret, &settings.auth);
        let entry_salt = crate::domain::canonical::sha256_hex(
            [b"concours entry ids:".as_slice(), jwt_secret]
                .concat()
                .as_slice(),
        );
        Ctx {
            settings,
            clock,
            keys,
            entry_salt,
            caches: caches::Caches::default(),
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// The links mail carries back (the public address, signed unsubscribe links), with the
    /// unsubscribe key derived from the session secret for this one purpose.
    pub fn mail_links(&self) -> crate::mail::Links {
        crate::mail::Links::new(
            self.settings.public_url(),
            format!("unsubscribe:{}", self.entry_salt).as_bytes(),
        )
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("settings", &self.settings)
            .field("clock", &self.clock)
            .field("keys", &self.keys)
            .finish_non_exhaustive()
    }
}

impl crate::mail::MailSettingsOf for Ctx {
    fn mail_settings(&self) -> &crate::config::MailSettings {
        &self.settings.mail
    }
}

/// Whether this instance can serve: its database answers. What `GET /healthz` reports.
pub fn ready(conn: &mut store::DbConnection) -> AppResult<()> {
    store::ping(conn)?;
    Ok(())
}

pub type AppResult<T> = Result<T, AppError>;

/// Counts one more mail that somebody asked the platform to send (a verification link, a reset
/// link, a reminder) in each of `buckets` (per account, per recipient address, per contest),
/// refusing it (429) when any of them already had `auth.mail_requests_max` within
/// `auth.mail_requests_window_seconds`: nobody can turn the platform into a mail cannon aimed
/// at someone else's mailbox. Runs in the caller's write transaction.
pub fn mail_request_limit(
    ctx: &Ctx,
    conn: &mut store::DbConnection,
    buckets: &[String],
) -> AppResult<()> {
    let auth = &ctx.settings.auth;
    let now = ctx.now();
    let window = i64::from(auth.mail_requests_window_seconds);
    let window_start = store::to_db(now - chrono::Duration::seconds(window));
    for bucket in buckets {
        if store::rate_limits::hits(conn, bucket, window_start)? >= auth.mail_requests_max as i32 {
            return Err(AppError::RateLimited {
                retry_after_secs: window as u64,
            });
        }
    }
    for bucket in buckets {
        store::rate_limits::hit(conn, bucket, store::to_db(now), window_start)?;
    }
    Ok(())
}

/// Counts one more request in `bucket` and refuses it (429) past `max` within the window of
/// `auth.login_window_seconds` (the scheduler forgets older counters). Runs in the caller's
/// write transaction: what is refused or rolled back is not counted.
pub fn rate_limit(
    ctx: &Ctx,
    conn: &mut store::DbConnection,
    bucket: &str,
    max: u32,
) -> AppResult<()> {
    let now = ctx.now();
    let window = i64::from(ctx.settings.auth.login_window_seconds);
    let window_start = store::to_db(now - chrono::Duration::seconds(window));
    if store::rate_limits::hits(conn, bucket, window_start)? >= max as i32 {
        return Err(AppError::RateLimited {
            retry_after_secs: window as u64,
        });
    }
    store::rate_limits::hit(conn, bucket, store::to_db(now), window_start)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A context is printed in logs and panics with `{:?}`: never the database password, the
    /// session secret, or the salt derived from it.
    #[test]
    fn debug_shows_no_secret() {
        let mut settings = Settings::load_without_env(None).expect("defaults");
        settings.database.url = "postgres://app:db-password-4711@db/concours"
            .to_owned()
            .into();
        let secret = "jwt-secret-of-more-than-32-characters-0815";
        settings.auth.jwt_secret = secret.to_owned().into();
        let ctx = Ctx::new(
            settings,
            Arc::new(crate::clock::SystemClock),
            secret.as_bytes(),
        );
        let printed = format!("{ctx:?}");
        for hidden in ["db-password-4711", secret, ctx.entry_salt.as_str()] {
            assert!(!printed.contains(hidden), "{hidden} in {printed}");
        }
        assert!(
            printed.contains("public_url"),
            "the rest is shown: {printed}"
        );
    }
}
