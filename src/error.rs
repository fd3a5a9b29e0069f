//! The error policy.
//!
//! - A resident's mistake is not an error here: handlers show the page again
//!   with an error summary, what was entered, and a 4xx status.
//! - [`AppError`] covers what a handler cannot answer itself: a page that does
//!   not exist (404), a database that is away (503, and the service recovers
//!   by itself when it is back), and anything unexpected (500).
//! - An unexpected error is logged with its whole cause chain; the person
//!   sees a plain page that says what to do, never the cause.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;
use crate::views::errors::error_page;

/// What a handler returns when it cannot answer with a page of its own.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("the database is unavailable")]
    Unavailable(#[source] DbError),
    #[error("unexpected error")]
    Unexpected(#[from] anyhow::Error),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(_) => AppError::Unavailable(e),
            DbError::Query(ref q) if crate::db::is_connection_lost(q) || crate::db::is_busy(q) => {
                AppError::Unavailable(e)
            }
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
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            AppError::Unavailable(cause) => tracing::warn!(%cause, "database unavailable"),
            AppError::Unexpected(cause) => tracing::error!("unexpected error: {cause:#}"),
            AppError::NotFound => {}
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
    let home = Some(("/", "Go to the start page"));
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
    use diesel::result::{DatabaseErrorKind, Error};

    fn query_error(kind: DatabaseErrorKind, message: &str) -> AppError {
        DbError::Query(Error::DatabaseError(kind, Box::new(message.to_owned()))).into()
    }

    #[test]
    fn a_lost_database_connection_is_a_503_not_a_500() {
        for e in [
            query_error(DatabaseErrorKind::ClosedConnection, "closed"),
            query_error(
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
            DbError::Unavailable("timed out".into()).into(),
            query_error(DatabaseErrorKind::Unknown, "database is locked"),
        ] {
            assert_eq!(e.status_code(), StatusCode::SERVICE_UNAVAILABLE, "{e:?}");
        }
        let bug = query_error(DatabaseErrorKind::UniqueViolation, "duplicate key");
        assert_eq!(bug.status_code(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
