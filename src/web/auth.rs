//! Authentication extractors: who is calling, from a Bearer token (API) or the session cookie
//! (pages). They only establish identity; what that identity may do is `app::access`'s job.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::app::AppError;
use crate::app::access::Actor;
use crate::app::sessions::{self, Session};

use super::AppState;

/// The name of the HttpOnly cookie that carries the session token for pages.
pub const SESSION_COOKIE: &str = "concours_session";

/// The token a request presents, if any: the Authorization header first, then the cookie.
fn presented_token(req: &HttpRequest) -> Result<Option<String>, AppError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value
            .to_str()
            .map_err(|_| AppError::Unauthorized("The Authorization header is not valid.".into()))?;
        let Some(token) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        else {
            return Err(AppError::Unauthorized(
                "Use Authorization: Bearer <token>.".into(),
            ));
        };
        return Ok(Some(token.trim().to_owned()));
    }
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    // A browser sends the cookie with any request to us, also one another site made it send:
    // a request that changes something and rides on the cookie must prove it comes from our
    // own pages, with the CSRF token they carry in a header.
    if !req.method().is_safe() && !csrf_header_ok(req) {
        return Err(AppError::Forbidden(
            "A request signed in by cookie must carry the page's X-CSRF-Token header; API clients use Authorization: Bearer.".into(),
        ));
    }
    Ok(Some(cookie.value().to_owned()))
}

/// Header `X-CSRF-Token` equal to the CSRF cookie (double submit).
fn csrf_header_ok(req: &HttpRequest) -> bool {
    let header = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let cookie = req
        .cookie(super::pages::CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    !cookie.is_empty() && super::pages::constant_time_eq(header.as_bytes(), cookie.as_bytes())
}

/// The header in which scripts of our pages send the CSRF token with an API call.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

async fn load_session(req: &HttpRequest) -> Result<Option<Session>, AppError> {
    let Some(token) = presented_token(req)? else {
        return Ok(None);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .expect("AppState is registered")
        .clone();
    let session = state
        .run(move |ctx, conn| sessions::authenticate(ctx, conn, &token))
        .await?;
    Ok(Some(session))
}

/// A signed-in caller; a request without a valid session is answered 401.
#[derive(Debug, Clone)]
pub struct SignedIn(pub Session);

impl SignedIn {
    pub fn actor(&self) -> Actor {
        Actor::User(self.0.actor())
    }
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<SignedIn, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            load_session(&req)
                .await?
                .map(SignedIn)
                .ok_or_else(|| AppError::Unauthorized("Sign in first.".into()))
        })
    }
}

/// Any caller: anonymous when no token is presented. A token that is presented but not valid
/// is still answered 401, so that a client learns its session has ended.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            Ok(Caller(match load_session(&req).await? {
                Some(session) => Actor::User(session.actor()),
                None => Actor::Anonymous,
            }))
        })
    }
}

/// The client's address, for rate limits: the TCP peer, or, when the peer is one of
/// `server.trusted_proxies`, the rightmost `X-Forwarded-For` entry that is not (see
/// [`crate::proxies`]). The leftmost entries are the client's own words and never believed.
/// An IPv6 client is named by its /64 network ([`crate::proxies::rate_limit_key`]).
pub fn client_ip(req: &HttpRequest, proxies: &crate::proxies::TrustedProxies) -> String {
    let Some(peer) = req.peer_addr().map(|addr| addr.ip()) else {
        return "unknown".into();
    };
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        // A value that is not text is an entry that is not an address.
        .map(|value| value.to_str().unwrap_or(""))
        .collect();
    crate::proxies::rate_limit_key(proxies.client(peer, &forwarded))
}
