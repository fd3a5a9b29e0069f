//! The statements: each survey's privacy notice, the service's privacy
//! page and the accessibility statement. Public, no sign-in; built from
//! the survey's and the service's settings and the survey's retention.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};

use super::{AppState, with_db};
use crate::db::retention as storage;
use crate::error::AppError;
use crate::views::statements::{
    RetentionWords, ServiceDetails, accessibility_page, service_privacy_page, survey_privacy_page,
};

/// The service's settings the statements use (`ORGANISATION_NAME`,
/// `CONTACT_EMAIL`, `LAWFUL_BASIS`).
#[derive(Debug, Clone)]
pub struct StatementSettings {
    pub organisation: Option<String>,
    pub contact_email: Option<String>,
    pub lawful_basis: String,
}

fn details(state: &AppState) -> ServiceDetails<'_> {
    let s = &state.statements;
    ServiceDetails {
        organisation: s.organisation.as_deref(),
        contact_email: s.contact_email.as_deref(),
        lawful_basis: &s.lawful_basis,
        public_url: state.public_url.as_deref(),
        draft_hours: state.draft_lifetime.as_std().as_secs().div_ceil(3600),
        public_min_count: state.public_min_count,
    }
}

/// A statement page: cacheable for a few minutes, like any public page.
fn statement(markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(StatusCode::OK)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(markup.into_string())
}

/// GET `/surveys/{slug}/privacy`: the survey's privacy notice, with its
/// retention periods as they stand.
pub async fn survey_privacy(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let id = survey.id;
    let stored = with_db(&state, move |c| storage::find(c, id)).await?;
    let (free_text, responses) = stored.map(|s| s.retention).unwrap_or_default().describe();
    Ok(statement(survey_privacy_page(
        &survey.definition,
        &details(&state),
        &RetentionWords {
            free_text,
            responses,
        },
    )))
}

/// GET `/privacy`: officers' data, cookies, and each survey's notice.
pub async fn service_privacy(state: web::Data<AppState>) -> HttpResponse {
    let surveys = state.catalogue.all();
    let definitions: Vec<_> = surveys.iter().map(|s| s.definition.as_ref()).collect();
    statement(service_privacy_page(&definitions, &details(&state)))
}

/// GET `/accessibility`: the accessibility statement.
pub async fn accessibility(state: web::Data<AppState>) -> HttpResponse {
    statement(accessibility_page(&details(&state)))
}
