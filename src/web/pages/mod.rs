//! Server-rendered HTML pages (tera), in English and French. Every page gets a [`Page`]: the
//! reader's language, their session (from the HttpOnly cookie), and the CSRF token that every
//! form carries and every POST checks.

pub mod accounts;
pub mod assets;
pub mod contests;
pub mod form_errors;
pub mod ideas;
pub mod insight;
pub mod jury;
pub mod kit;
pub mod mail_links;
pub mod manage;
pub mod organizations;
pub mod payouts;
pub mod results;
pub mod settings;

use std::future::Future;
use std::pin::Pin;

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Deserialize;
use tera::{Context, Tera};

use crate::app::access::Actor;
use crate::app::accounts::AccountView;
use crate::app::sessions;

use super::AppState;
use super::auth::SESSION_COOKIE;
use super::i18n;

pub use kit::{CsrfForm, PageError, SignedInPage, t, t_with};

pub const LANG_COOKIE: &str = "concours_lang";
pub const CSRF_COOKIE: &str = "concours_csrf";
/// Where a visitor came from to a contest (`contest id|source|campaign`), until they submit.
pub const SOURCE_COOKIE: &str = "concours_source";

/// What every page knows about its reader.
pub struct Page {
    pub lang: &'static str,
    pub actor: Actor,
    pub user: Option<AccountView>,
    pub path: String,
    csrf: String,
    new_csrf: bool,
    remember_lang: bool,
    secure: bool,
}

#[derive(Debug, Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

impl FromRequest for Page {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Page, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .expect("AppState")
                .clone();
            // A page never fails for a stale cookie: the reader is simply signed out.
            let session = match req.cookie(SESSION_COOKIE) {
                Some(cookie) => {
                    let token = cookie.value().to_owned();
                    state
                        .run(move |ctx, conn| sessions::authenticate(ctx, conn, &token))
                        .await
                        .ok()
                }
                None => None,
            };
            let asked = web::Query::<LangQuery>::from_query(req.query_string())
                .ok()
                .and_then(|q| q.lang.clone())
                .and_then(|l| i18n::LANGUAGES.into_iter().find(|x| *x == l));
            let remembered = req
                .cookie(LANG_COOKIE)
                .and_then(|c| i18n::LANGUAGES.into_iter().find(|x| *x == c.value()));
            let from_account = session
                .as_ref()
                .and_then(|s| i18n::LANGUAGES.into_iter().find(|x| *x == s.user.locale));
            let from_browser = req
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(i18n::from_accept_language);
            let lang = asked
                .or(remembered)
                .or(from_account)
                .or(from_browser)
                .unwrap_or("en");
            let (csrf, new_csrf) = match req.cookie(CSRF_COOKIE) {
                Some(c) if c.value().len() == 64 => (c.value().to_owned(), false),
                _ => (crate::app::accounts::new_secret_token(), true),
            };
            Ok(Page {
                lang,
                actor: session
                    .as_ref()
                    .map_or(Actor::Anonymous, |s| Actor::User(s.actor())),
                user: session.as_ref().map(|s| AccountView::from(&s.user)),
                path: req.path().to_owned(),
                csrf,
                new_csrf,
                remember_lang: asked.is_some(),
                secure: state.ctx.settings.public_url().starts_with("https://"),
            })
        })
    }
}

/// The fields of a form that has nothing but its CSRF token ([`CsrfForm<NoFields>`]).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

impl Page {
    /// The context every template gets: `lang`, `t` (the texts), `user`, `csrf`, `path`.
    pub fn context(&self) -> Context {
        let mut context = Context::new();
        context.insert("lang", self.lang);
        context.insert("t", i18n::texts(self.lang));
        context.insert("user", &self.user);
        context.insert("csrf", &self.csrf);
        context.insert("path", &self.path);
        context
    }

    /// The context of a page that shows a typed view: [`Page::context`] and every field of
    /// `view` (a `#[derive(Serialize)]` struct; tera reads its fields as it read `json!`).
    pub fn view(&self, view: &impl serde::Serialize) -> Context {
        let mut context = self.context();
        add_view(&mut context, view);
        context
    }

    /// Whether a posted form carries this reader's token (double-submit: cookie and field).
    /// For the multipart upload form, which [`CsrfForm`] (a urlencoded body) cannot read.
    pub fn csrf_ok(&self, submitted: &str) -> bool {
        !self.new_csrf
            && !submitted.is_empty()
            && constant_time_eq(submitted.as_bytes(), self.csrf.as_bytes())
    }

    fn cookie(
        &self,
        name: &'static str,
        value: String,
        max_age: Option<CookieDuration>,
    ) -> Cookie<'static> {
        let mut cookie = Cookie::build(name, value)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .secure(self.secure)
            .finish();
        if let Some(age) = max_age {
            cookie.set_max_age(age);
        }
        cookie
    }

    /// The session cookie for a new sign-in.
    pub fn session_cookie(&self, token: String, hours: u32) -> Cookie<'static> {
        self.cookie(
            SESSION_COOKIE,
            token,
            Some(CookieDuration::hours(i64::from(hours))),
        )
    }

    /// A cookie that removes the session.
    pub fn clear_session_cookie(&self) -> Cookie<'static> {
        let mut cookie = self.cookie(SESSION_COOKIE, String::new(), Some(CookieDuration::ZERO));
        cookie.make_removal();
        cookie
    }

    /// Adds the cookies this page must set (a new CSRF token, a chosen language).
    pub fn finish(&self, mut response: HttpResponse) -> HttpResponse {
        if self.new_csrf {
            let _ = response.add_cookie(&self.cookie(CSRF_COOKIE, self.csrf.clone(), None));
        }
        if self.remember_lang {
            let _ = response.add_cookie(&self.cookie(
                LANG_COOKIE,
                self.lang.to_owned(),
                Some(CookieDuration::days(365)),
            ));
        }
        response
    }

    pub fn render(&self, tera: &Tera, template: &str, context: &Context) -> HttpResponse {
        self.finish(render_with(
            tera,
            template,
            context,
            actix_web::http::StatusCode::OK,
        ))
    }

    pub fn render_status(
        &self,
        tera: &Tera,
        template: &str,
        context: &Context,
        status: actix_web::http::StatusCode,
    ) -> HttpResponse {
        self.finish(render_with(tera, template, context, status))
    }

    /// A posted form without this reader's CSRF token: refused, with a page that says why.
    pub fn csrf_refused(&self, tera: &Tera) -> HttpResponse {
        let mut context = self.context();
        context.insert("message", &t(self.lang, "csrf_refused"));
        self.render_status(
            tera,
            "errors/refused.html",
            &context,
            actix_web::http::StatusCode::FORBIDDEN,
        )
    }

    /// Puts an error into a page's context: `error` (a sentence in the reader's language,
    /// chosen by the error's code) and `field_errors` (path → message) for the fields.
    /// Returns the status the page should have.
    pub fn insert_error(
        &self,
        context: &mut Context,
        error: &crate::app::AppError,
    ) -> actix_web::http::StatusCode {
        use crate::app::AppError;
        let texts = i18n::texts(self.lang);
        let code = error.code();
        let summary = match error {
            // Messages written for the person (English); the French pages use the catalogue's
            // sentence for the code when there is one.
            AppError::Internal(_) => t(self.lang, "error_internal"),
            _ => texts
                .get(&format!("error_{code}"))
                .filter(|_| self.lang != "en")
                .cloned()
                .unwrap_or_else(|| error.to_string()),
        };
        let summary = if let AppError::Validation(_) = error {
            t(self.lang, "error_validation_failed")
        } else {
            summary
        };
        context.insert("error", &summary);
        context.insert("error_code", code);
        let fields: std::collections::BTreeMap<String, String> = match error {
            AppError::Validation(fields) => fields
                .iter()
                .map(|f| (f.path.clone(), f.message.clone()))
                .collect(),
            _ => Default::default(),
        };
        context.insert("field_errors", &fields);
        actix_web::ResponseError::status_code(error)
    }

    /// The page for a refused or missing object.
    pub fn not_found(&self, tera: &Tera) -> HttpResponse {
        self.render_status(
            tera,
            "errors/not_found.html",
            &self.context(),
            actix_web::http::StatusCode::NOT_FOUND,
        )
    }
}

/// Adds every field of `view` (a `#[derive(Serialize)]` struct) to `context`.
pub fn add_view(context: &mut Context, view: &impl serde::Serialize) {
    match Context::from_serialize(view) {
        Ok(fields) => context.extend(fields),
        // A view that is not a struct: a bug, and the template says what is missing.
        Err(error) => tracing::error!(error = ?error, "page view"),
    }
}

/// A redirect after a form (303, so that reloading does not post again).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_owned()))
        .finish()
}

/// A path or value made safe to put in a query string.
pub fn url_escape(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Where to go after a form that names its own next page (`next`, `back`): only a path of this
/// site, else `/`. A browser drops tabs and line breaks from a `Location` and reads `\` as `/`,
/// so `/\t/evil.example` or `/\evil.example` would leave the site: any control character,
/// backslash or leading `//` refuses the value, before and after percent-decoding (a page may
/// decode it once more). What is kept is printable ASCII, so the header can always be written
/// (a CR/LF never becomes a 500). The one function for every user-given redirect target.
pub fn safe_next(next: Option<&str>) -> String {
    fn plain_path(path: &str) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c.is_control() || c == '\\')
    }
    match next {
        Some(path)
            if path.is_ascii()
                && plain_path(path)
                && plain_path(&String::from_utf8_lossy(&percent_decode(path))) =>
        {
            path.to_owned()
        }
        // A path of this site with letters beyond ASCII: kept, percent-encoded.
        Some(path) if !path.is_ascii() && plain_path(path) => {
            let encoded: String = path
                .chars()
                .map(|c| {
                    if c.is_ascii() {
                        c.to_string()
                    } else {
                        let mut buffer = [0; 4];
                        url_escape(c.encode_utf8(&mut buffer))
                    }
                })
                .collect();
            safe_next(Some(&encoded))
        }
        _ => "/".to_owned(),
    }
}

/// `%XX` sequences decoded to their bytes (others kept as they are).
fn percent_decode(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(high), Some(low)) if hex(high).is_some() && hex(low).is_some() => {
                decoded.push((hex(high).unwrap_or(0) * 16 + hex(low).unwrap_or(0)) as u8);
                i += 3;
            }
            (b, _, _) => {
                decoded.push(b);
                i += 1;
            }
        }
    }
    decoded
}

/// A posted field of a form whose fields are named at run time (a map), empty when absent.
pub fn field<'a>(form: &'a std::collections::HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map(String::as_str).unwrap_or_default()
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Renders a template, or a plain error page when it fails (a bug, logged, never shown).
pub fn render_with(
    tera: &Tera,
    template: &str,
    context: &Context,
    status: actix_web::http::StatusCode,
) -> HttpResponse {
    match tera.render(template, context) {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(error) => {
            tracing::error!(error = ?error, template, "page template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain; charset=utf-8")
                .body("Something went wrong on our side; it has been logged.")
        }
    }
}

/// Renders a page (kept for handlers that build their context by hand).
pub fn render(tera: &Tera, template: &str, context: &Context) -> HttpResponse {
    render_with(tera, template, context, actix_web::http::StatusCode::OK)
}

#[cfg(test)]
mod tests {
    use super::safe_next;
    use proptest::prelude::*;

    /// Where a browser on `http://concours.test/` goes for this `Location`.
    fn same_site(location: &str) -> bool {
        let base = reqwest::Url::parse("http://concours.test/").unwrap();
        !location.bytes().any(|b| b.is_ascii_control())
            && base
                .join(location)
                .is_ok_and(|target| target.origin() == base.origin())
    }

    #[test]
    fn hostile_targets_fall_back_to_the_home_page() {
        for target in [
            "/\t/evil.example/phish",
            "/\r\n/evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "http://evil.example",
            "javascript:alert(1)",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%0A",
            "/\u{85}",
            "",
        ] {
            assert_eq!(safe_next(Some(target)), "/", "{target:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn paths_of_this_site_are_kept() {
        assert_eq!(safe_next(Some("/dashboard")), "/dashboard");
        assert_eq!(
            safe_next(Some("/ideas/1?done=saved#x")),
            "/ideas/1?done=saved#x"
        );
        assert_eq!(safe_next(Some("/caf\u{e9}")), "/caf%C3%A9");
        // Decoded twice, `%2509` is a tab: a literal `%09` in a path stays a path.
        assert_eq!(safe_next(Some("/%2509")), "/%2509");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn every_answer_stays_on_this_site(
            pieces in proptest::collection::vec(
                prop_oneof![
                    Just("/".to_owned()),
                    Just("\\".to_owned()),
                    Just("%".to_owned()),
                    Just("%2F".to_owned()),
                    Just("%5C".to_owned()),
                    Just("%09".to_owned()),
                    Just("%0d%0A".to_owned()),
                    Just("http:".to_owned()),
                    Just("evil.example".to_owned()),
                    Just(":".to_owned()),
                    Just("@".to_owned()),
                    (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap().to_string()),
                    Just("\u{7f}".to_owned()),
                    any::<char>().prop_map(|c| c.to_string()),
                ],
                0..8,
            )
        ) {
            let target = pieces.concat();
            let location = safe_next(Some(&target));
            prop_assert!(same_site(&location), "{:?} -> {:?}", target, location);
            prop_assert!(actix_web::http::header::HeaderValue::from_str(&location).is_ok());
        }
    }
}
