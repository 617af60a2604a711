//! The page kit: what every page handler is made of, so that a handler reads like an API
//! handler — extract, call one use case, render one template.
//!
//! - [`SignedInPage`]: the [`Page`] of a signed-in reader; extracting it sends anyone else to
//!   the sign-in page, with the way back.
//! - [`CsrfForm<T>`]: a typed form whose CSRF token was checked (double submit: cookie and
//!   field); a form without it gets the 403 page that says why.
//! - [`PageError`] and [`Page::error`] / [`Page::error_on`]: the one mapping from a use case's
//!   error to a page.
//! - [`t`] / [`t_with`]: a text of the catalogue by a key made at run time; never panics.
//! - [`rules`]: a contest's rules as the domain type, for pages that read them.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, dev::Payload, web};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tera::{Context, Tera};

use crate::app::AppError;
use crate::app::accounts::AccountView;
use crate::app::contests::ContestView;
use crate::domain::rules::Rules;
use crate::web::AppState;
use crate::web::i18n;

use super::{CSRF_COOKIE, Page, constant_time_eq, see_other, url_escape};

/// A text of the catalogue by a key made at run time (tera cannot build keys); the key itself
/// when the catalogue has no such text, so that a missing text shows instead of failing.
pub fn t(lang: &str, key: &str) -> String {
    i18n::texts(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_owned())
}

/// A text of the catalogue with its `{placeholders}` filled.
pub fn t_with(lang: &str, key: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(t(lang, key), |acc, (name, value)| {
        acc.replace(&format!("{{{name}}}"), value)
    })
}

/// A contest's rules as the domain reads them; `None` for a draft whose rules are not complete
/// yet (the editor shows those as they were typed).
pub fn rules(contest: &ContestView) -> Option<Rules> {
    Rules::parse(&contest.rules).ok()
}

/// The page of a signed-in reader. A signed-out reader is sent to the sign-in page, which
/// comes back to this path.
pub struct SignedInPage(pub Page);

impl SignedInPage {
    /// The reader (always present: that is what this extractor checked).
    pub fn user(&self) -> &AccountView {
        self.0
            .user
            .as_ref()
            .expect("a SignedInPage always has a user")
    }
}

impl Deref for SignedInPage {
    type Target = Page;

    fn deref(&self) -> &Page {
        &self.0
    }
}

/// Marks a request whose handler needs a signed-in reader, so that every extractor of that
/// handler (they run concurrently) answers a signed-out reader the same way.
#[derive(Clone, Copy)]
struct SignInNeeded;

/// The answer for a signed-out reader of a page that needs one.
fn sign_in_redirect(page: &Page) -> HttpResponse {
    let next = url_escape(&page.path);
    page.finish(see_other(&format!("/login?next={next}")))
}

/// A handler's early answer, carried through actix's extractor error.
fn early(answer: HttpResponse, why: &'static str) -> actix_web::Error {
    InternalError::from_response(why, answer).into()
}

impl FromRequest for SignedInPage {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<SignedInPage, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        req.extensions_mut().insert(SignInNeeded);
        let page = Page::from_request(req, payload);
        Box::pin(async move {
            let page = page.await?;
            if page.user.is_none() {
                return Err(early(sign_in_redirect(&page), "sign-in needed"));
            }
            Ok(SignedInPage(page))
        })
    }
}

/// A posted form of type `T` that carries this reader's CSRF token. `T` names the form's other
/// fields; they are strings (or `Option<String>`, or a map of them), which the handler parses
/// itself so that a bad value gets a message beside its field.
pub struct CsrfForm<T>(pub T);

impl<T> CsrfForm<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for CsrfForm<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

#[derive(Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    fields: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<CsrfForm<T>, actix_web::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let form = web::Form::<WithCsrf<T>>::from_request(req, payload);
        let req = req.clone();
        Box::pin(async move {
            let form = form.await?.into_inner();
            let cookie = req.cookie(CSRF_COOKIE);
            let expected = cookie.as_ref().map(|c| c.value()).unwrap_or_default();
            if expected.len() == 64
                && !form.csrf.is_empty()
                && constant_time_eq(form.csrf.as_bytes(), expected.as_bytes())
            {
                return Ok(CsrfForm(form.fields));
            }
            let page = Page::from_request(&req, &mut Payload::None).await?;
            if page.user.is_none() && req.extensions().get::<SignInNeeded>().is_some() {
                return Err(early(sign_in_redirect(&page), "sign-in needed"));
            }
            let state = req
                .app_data::<web::Data<AppState>>()
                .expect("AppState")
                .clone();
            Err(early(page.csrf_refused(&state.tera), "csrf refused"))
        })
    }
}

/// Why a page handler stops short of its page. Every page turns these into what the reader
/// sees by one mapping, [`Page::error`] (or [`Page::error_on`] when a form is shown again).
#[derive(Debug)]
pub enum PageError {
    /// A use case refused or failed.
    App(AppError),
    /// There is nothing here for this reader (a missing or hidden object, a bad link).
    NotFound,
}

impl From<AppError> for PageError {
    fn from(error: AppError) -> PageError {
        PageError::App(error)
    }
}

impl Page {
    /// A text of the catalogue in this reader's language ([`t`]).
    pub fn t(&self, key: &str) -> String {
        t(self.lang, key)
    }

    /// A text of the catalogue with its `{placeholders}` filled ([`t_with`]).
    pub fn t_with(&self, key: &str, values: &[(&str, &str)]) -> String {
        t_with(self.lang, key, values)
    }

    /// The refused page: `message` (already in the reader's language), with `status`.
    pub fn refused(&self, tera: &Tera, message: &str, status: StatusCode) -> HttpResponse {
        let mut context = self.context();
        context.insert("message", message);
        self.render_status(tera, "errors/refused.html", &context, status)
    }

    /// The answer to an error that is about the page itself rather than about what was typed:
    /// not found for what the reader may not see, the sign-in page for a signed-out reader,
    /// the refused page for a forbidden action. `None` for any other error.
    pub fn refusal(&self, tera: &Tera, error: &PageError) -> Option<HttpResponse> {
        let error = match error {
            PageError::NotFound => return Some(self.not_found(tera)),
            PageError::App(error) => error,
        };
        match error {
            AppError::NotFound(_) => Some(self.not_found(tera)),
            AppError::Unauthorized(_) if self.user.is_none() => Some(sign_in_redirect(self)),
            AppError::Unauthorized(_) => Some(self.not_found(tera)),
            AppError::Forbidden(_) => {
                Some(self.refused(tera, &self.t("error_forbidden"), StatusCode::FORBIDDEN))
            }
            _ => None,
        }
    }

    /// The page for an error when there is no form to show again: [`Page::refusal`], else the
    /// refused page with the error's sentence and status.
    pub fn error(&self, tera: &Tera, error: impl Into<PageError>) -> HttpResponse {
        let error = match self.shown_error(tera, error.into()) {
            Ok(error) => error,
            Err(answer) => return answer,
        };
        let mut context = self.context();
        let status = self.insert_error(&mut context, &error);
        let message = context
            .get("error")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned();
        self.refused(tera, &message, status)
    }

    /// The page for an error on a form: [`Page::refusal`], else `template` rendered again with
    /// `context` (what the person typed) and the error: `error`, `error_code` and
    /// `field_errors` (see [`Page::insert_error`]).
    pub fn error_on(
        &self,
        tera: &Tera,
        template: &str,
        mut context: Context,
        error: impl Into<PageError>,
    ) -> HttpResponse {
        let error = match self.shown_error(tera, error.into()) {
            Ok(error) => error,
            Err(answer) => return answer,
        };
        let status = self.insert_error(&mut context, &error);
        self.render_status(tera, template, &context, status)
    }

    /// The error a page shows in its own words, or the answer [`Page::refusal`] gives instead.
    /// An internal error is logged here, with its cause, once.
    #[expect(
        clippy::result_large_err,
        reason = "the answer is what the handler returns at once"
    )]
    fn shown_error(&self, tera: &Tera, error: PageError) -> Result<AppError, HttpResponse> {
        if let Some(answer) = self.refusal(tera, &error) {
            return Err(answer);
        }
        let PageError::App(error) = error else {
            return Err(self.not_found(tera));
        };
        if let AppError::Internal(cause) = &error {
            tracing::error!(error = ?cause, path = %self.path, "page use case failed");
        }
        Ok(error)
    }
}

#[cfg(test)]
mod tests {
    use super::{t, t_with};

    #[test]
    fn a_missing_text_shows_its_key_instead_of_failing() {
        assert_eq!(t("fr", "no_such_text_anywhere"), "no_such_text_anywhere");
        assert_eq!(t("xx", "no_such_text_anywhere"), "no_such_text_anywhere");
        assert_ne!(t("en", "csrf_refused"), "csrf_refused");
    }

    #[derive(Debug, serde::Deserialize)]
    struct Sample {
        title: String,
        #[serde(default)]
        accept: Option<String>,
    }

    #[actix_web::test]
    async fn a_form_with_its_token_gives_its_fields_without_the_token() {
        use actix_web::FromRequest;
        let token = "a".repeat(64);
        let (req, mut payload) = actix_web::test::TestRequest::post()
            .cookie(actix_web::cookie::Cookie::new(
                super::CSRF_COOKIE,
                token.clone(),
            ))
            .set_form([("csrf", token.as_str()), ("title", "Hello"), ("extra", "x")])
            .to_http_parts();
        let form = super::CsrfForm::<Sample>::from_request(&req, &mut payload)
            .await
            .unwrap();
        assert_eq!(form.title, "Hello");
        assert_eq!(form.accept, None);
    }

    #[test]
    fn placeholders_are_filled() {
        assert_eq!(
            t_with("en", "no_such {n} {m}", &[("n", "1"), ("m", "2")]),
            "no_such 1 2"
        );
    }
}
