//! Session tokens: JWTs signed with HS256 only, carrying `iss`, `aud`, `exp`, a `jti` that
//! sign-out revokes and the account's session epoch (a password change ends earlier tokens).
//! Expiry is checked against the injected clock, not the OS clock.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::config::AuthSettings;
use crate::store::{self, DbConnection};

use super::access::UserActor;
use super::{AppError, Ctx};

/// The keys and checks for session tokens.
pub struct SessionKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    issuer: String,
    audience: String,
    ttl: Duration,
}

impl fmt::Debug for SessionKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionKeys").finish_non_exhaustive()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    iss: String,
    aud: String,
    exp: i64,
    iat: i64,
    jti: String,
    /// The account's session epoch when the token was issued: a password change or reset
    /// moves the account's epoch on, and every earlier token is refused.
    #[serde(default)]
    epoch: i32,
}

/// A token that checked out, and the account behind it.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: store::users::User,
    pub jti: String,
    pub expires_at: DateTime<Utc>,
}

impl Session {
    pub fn actor(&self) -> UserActor {
        UserActor {
            id: self.user.id.clone(),
            is_admin: self.user.is_admin(),
            email_verified: self.user.email_verified(),
        }
    }
}

impl SessionKeys {
    pub fn new(secret: &[u8], settings: &AuthSettings) -> SessionKeys {
        // One algorithm, fixed: a token that names another (or "none") is refused.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&settings.jwt_issuer]);
        validation.set_audience(&[&settings.jwt_audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is compared with the application's clock in `authenticate`.
        validation.validate_exp = false;
        SessionKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            ttl: Duration::hours(i64::from(settings.token_ttl_hours)),
        }
    }

    /// A new token for `user_id`, valid from `now` for the configured time.
    pub fn issue(
        &self,
        user_id: &str,
        epoch: i32,
        now: DateTime<Utc>,
    ) -> Result<(String, DateTime<Utc>), AppError> {
        let expires_at = now + self.ttl;
        let claims = Claims {
            sub: user_id.to_owned(),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            exp: expires_at.timestamp(),
            iat: now.timestamp(),
            jti: uuid::Uuid::new_v4().to_string(),
            epoch,
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(AppError::internal)?;
        Ok((token, expires_at))
    }
}

fn refused() -> AppError {
    AppError::Unauthorized("Your session is not valid or has ended; sign in again.".into())
}

/// Checks a presented token: signature, algorithm, issuer, audience, expiry, revocation, and
/// that the account still exists and its password did not change since the token was issued
/// (the epoch is read with the account, which is loaded anyway: no extra query).
pub fn authenticate(ctx: &Ctx, conn: &mut DbConnection, token: &str) -> Result<Session, AppError> {
    let data = jsonwebtoken::decode::<Claims>(token, &ctx.keys.decoding, &ctx.keys.validation)
        .map_err(|_| refused())?;
    let claims = data.claims;
    let now = ctx.now();
    if claims.exp <= now.timestamp() {
        return Err(refused());
    }
    if store::tokens::is_revoked(conn, &claims.jti)? {
        return Err(refused());
    }
    let user = store::users::find(conn, &claims.sub)?
        .filter(|user| user.deleted_at.is_none() && user.session_epoch == claims.epoch)
        .ok_or_else(refused)?;
    let expires_at = DateTime::from_timestamp(claims.exp, 0).ok_or_else(refused)?;
    Ok(Session {
        user,
        jti: claims.jti,
        expires_at,
    })
}

/// Sign-out: the token's `jti` is refused from now on, on every instance.
pub fn revoke(conn: &mut DbConnection, session: &Session) -> Result<(), AppError> {
    store::tokens::revoke(conn, &session.jti, store::to_db(session.expires_at))?;
    Ok(())
}
