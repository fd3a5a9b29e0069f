//! The error policy.
//!
//! - A resident's mistake is not an error here: handlers show the page again
//!   with an error summary, what was entered, and a 4xx status.
//! - A request the service turns away before its handler's story begins (a
//!   closed survey, a lost draft, filters that cannot be used) is an
//!   [`AppError::Refused`] carrying the page that says so, so that the
//!   function that decides can refuse with `?`.
//! - [`AppError`] also covers what a handler cannot answer itself: a page that
//!   does not exist (404), a database that is away or busy (503, and the
//!   service recovers by itself when it is back), and anything unexpected (500).
//! - An unexpected error is logged with its whole cause chain; the person
//!   sees a plain page that says what to do, never the cause.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, ResponseError};
use maud::Markup;

use crate::db::DbError;
use crate::views::errors::error_page;

/// What a handler returns when it cannot answer with a page of its own.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Turned away, with the response that says why and what to do.
    #[error("refused: {}", .0.status)]
    Refused(Refusal),
    #[error("the database is unavailable")]
    Unavailable(#[source] DbError),
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

/// A response that turns a request away: a page with its status, a
/// redirect elsewhere, or (for the API) a JSON message.
#[derive(Debug, Clone)]
pub struct Refusal {
    status: StatusCode,
    body: RefusalBody,
    headers: Vec<(header::HeaderName, &'static str)>,
}

#[derive(Debug, Clone)]
enum RefusalBody {
    Page(String),
    SeeOther(String),
    Json(serde_json::Value),
}

impl Refusal {
    /// An HTML page with this status.
    pub fn page(status: StatusCode, markup: Markup) -> Self {
        Refusal {
            status,
            body: RefusalBody::Page(markup.into_string()),
            headers: Vec::new(),
        }
    }

    /// 303 See Other: go to `location` instead.
    pub fn see_other(location: impl Into<String>) -> Self {
        Refusal {
            status: StatusCode::SEE_OTHER,
            body: RefusalBody::SeeOther(location.into()),
            headers: Vec::new(),
        }
    }

    /// `{"error": message}` with this status, for the API.
    pub fn json(status: StatusCode, message: &str) -> Self {
        Refusal {
            status,
            body: RefusalBody::Json(serde_json::json!({ "error": message })),
            headers: Vec::new(),
        }
    }

    /// The same refusal with a header, such as `WWW-Authenticate`.
    pub fn with_header(mut self, name: header::HeaderName, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response that says it.
    pub fn response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        for (name, value) in &self.headers {
            response.insert_header((name.clone(), *value));
        }
        match &self.body {
            RefusalBody::Page(html) => response
                .content_type("text/html; charset=utf-8")
                .body(html.clone()),
            RefusalBody::SeeOther(location) => response
                .insert_header((header::LOCATION, location.as_str()))
                .finish(),
            RefusalBody::Json(value) => response.json(value),
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        AppError::Refused(refusal)
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(_) | DbError::Busy(_) => AppError::Unavailable(e),
            other => AppError::Unexpected(other.into()),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Unexpected(anyhow::anyhow!("a blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Refused(refusal) => refusal.status(),
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Refused(refusal) = self {
            return refusal.response();
        }
        match self {
            AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            AppError::Unexpected(cause) => tracing::error!("unexpected error: {cause:#}"),
            AppError::NotFound | AppError::Refused(_) => {}
        }
        let mut response = HttpResponse::build(self.status_code());
        if matches!(self, AppError::Unavailable(_)) {
            response.insert_header(("Retry-After", "10"));
        }
        response
            .content_type("text/html; charset=utf-8")
            .body(status_page(self.status_code()).into_string())
    }
}

/// The page for a status that has no page of its own.
pub fn status_page(status: StatusCode) -> maud::Markup {
    let home = Some((crate::paths::home(), "Go to the start page"));
    match status.as_u16() {
        404 => error_page(
            "Page not found",
            &[
                "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address.",
            ],
            home,
        ),
        413 => error_page(
            "What you sent was too large",
            &["Go back, shorten what you typed, and try again."],
            home,
        ),
        503 => error_page(
            "Sorry, the service is unavailable",
            &[
                "The survey cannot be reached for a moment. Your answers so far are kept.",
                "Try again in a minute.",
            ],
            home,
        ),
        400..=499 => error_page(
            "Sorry, that request could not be handled",
            &["Go back and try again. If it keeps happening, start again from the start page."],
            home,
        ),
        _ => error_page(
            "Sorry, there is a problem with the service",
            &[
                "Try again later. Nothing you sent has been stored unless you saw a confirmation page.",
            ],
            home,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How storage errors are sorted is tested in `db`; here, what each kind
    /// becomes.
    #[test]
    fn a_lost_or_busy_database_is_a_503_not_a_500() {
        for e in [
            DbError::Unavailable("timed out".into()),
            DbError::Busy("database is locked".into()),
        ] {
            let e = AppError::from(e);
            assert_eq!(e.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{e:?}");
        }
        let bug = AppError::from(DbError::Corrupt("a bad row".into()));
        assert_eq!(bug.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn a_refusal_answers_with_its_own_response() {
        let e = AppError::from(Refusal::see_other("/surveys/x"));
        let response = e.error_response();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            response
                .headers()
                .get(header::LOCATION)
                .map(|v| v.as_bytes()),
            Some(&b"/surveys/x"[..])
        );
        let page = AppError::from(Refusal::page(StatusCode::GONE, maud::html! { p { "x" } }));
        assert_eq!(page.error_response().status(), StatusCode::GONE);
    }
}
