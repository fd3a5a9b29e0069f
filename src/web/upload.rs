//! Definition files in: an uploaded TOML file creates a draft, or replaces
//! one, through the same checks as the files read at start. Every problem is
//! shown at the file field with the line of the file it is at; a file that
//! is not UTF-8 or is too large is refused before it is parsed; nothing
//! changes unless every check passes.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::{BuilderPage, SignedIn};
use super::builder::{find_draft, form_revision, render_draft, save};
use super::form::{Upload, read_upload};
use super::{AppState, html, redirect, with_db};
use crate::db::builder::{self as storage, NewDraft, Saving};
use crate::domain::SurveyDefinition;
use crate::domain::definition::line_of;
use crate::error::AppError;
use crate::views::SummaryItem;
use crate::views::builder as view;
use crate::{fields, paths};

/// The largest definition file taken: csp-2019's is about 10 KB.
pub const DEFINITION_LIMIT: usize = 1024 * 1024;

/// An error at the file field.
fn at_file(message: impl Into<String>) -> SummaryItem {
    SummaryItem::at(fields::DEFINITION_FILE, message)
}

/// The definition in an uploaded file, or every problem with it, each at
/// the file field and naming its line where the file shows one.
pub fn read_definition(upload: &Upload) -> Result<SurveyDefinition, Vec<SummaryItem>> {
    if upload.file.is_empty() {
        return Err(vec![at_file("Choose a definition file to upload")]);
    }
    let Ok(text) = std::str::from_utf8(&upload.file) else {
        return Err(vec![at_file(
            "The file is not UTF-8 text. Save it as UTF-8 (in most editors: Save as, Encoding, UTF-8) and upload it again",
        )]);
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let source = upload.file_name.as_deref().unwrap_or("the file");
    SurveyDefinition::from_toml(source, text).map_err(|errors| {
        errors
            .problems
            .iter()
            .map(|problem| match line_of(text, problem) {
                Some(line) => at_file(format!("Line {line}: {problem}")),
                None => at_file(problem.to_string()),
            })
            .collect()
    })
}

/// The upload of a form, or the errors of one that could not be read or
/// whose page had expired.
async fn uploaded(
    state: &AppState,
    req: &HttpRequest,
    who: &SignedIn,
    payload: web::Payload,
) -> Result<Upload, (StatusCode, Vec<SummaryItem>)> {
    let upload = read_upload(req, payload, DEFINITION_LIMIT, fields::DEFINITION_FILE)
        .await
        .map_err(|e| (e.status(), vec![at_file(e.message())]))?;
    if !who.form_has_session_token(&state.csrf, &upload.form) {
        return Err((
            StatusCode::FORBIDDEN,
            vec![SummaryItem::at(
                "main-content",
                "This page had expired, so nothing was uploaded. Choose the file and upload it again",
            )],
        ));
    }
    Ok(upload)
}

/// GET `/admin/surveys/upload`.
pub async fn show_upload(BuilderPage(who): BuilderPage) -> HttpResponse {
    html(StatusCode::OK, view::upload_page(&who.viewer(), &[]))
}

/// POST `/admin/surveys/upload`: a definition file becomes a new draft.
pub async fn create_from_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let again = |status: StatusCode, errors: &[SummaryItem]| {
        html(status, view::upload_page(&who.viewer(), errors))
    };
    let upload = match uploaded(&state, &req, &who, payload).await {
        Ok(upload) => upload,
        Err((status, errors)) => return Ok(again(status, &errors)),
    };
    let definition = match read_definition(&upload) {
        Ok(definition) => definition,
        Err(errors) => return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, &errors)),
    };
    let slug = definition.slug().to_string();
    let officer = who.officer.id;
    let created = with_db(&state, move |c| {
        storage::create_draft(c, &definition, None, officer)
    })
    .await?;
    match created {
        NewDraft::Created => {
            tracing::info!(survey = %slug, by = %who.officer.email, "survey draft created from a file");
            Ok(redirect(&paths::draft(&slug)))
        }
        NewDraft::SlugTaken => Ok(again(
            StatusCode::CONFLICT,
            &[at_file(format!(
                "A survey or a draft already has the slug \u{201c}{slug}\u{201d}, so nothing was created. To change that survey, start its next version (or open its draft) and upload the file there; for a new survey, change the slug in the file"
            ))],
        )),
    }
}

/// POST `/admin/drafts/{slug}/upload`: a definition file replaces the
/// draft, if nobody saved the draft since the page was read.
pub async fn replace_from_file(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let again =
        |status: StatusCode, errors: &[SummaryItem]| render_draft(&who, &draft, status, errors);
    let upload = match uploaded(&state, &req, &who, payload).await {
        Ok(upload) => upload,
        Err((status, errors)) => return Ok(again(status, &errors)),
    };
    let revision = form_revision(&upload.form, &slug, "Nothing was uploaded")?;
    let definition = match read_definition(&upload) {
        Ok(definition) => definition,
        Err(errors) => return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, &errors)),
    };
    if definition.slug().as_str() != slug.as_str() {
        return Ok(again(
            StatusCode::UNPROCESSABLE_ENTITY,
            &[at_file(format!(
                "The file is for the survey \u{201c}{}\u{201d}, not \u{201c}{slug}\u{201d}, so nothing was uploaded. Upload it from the survey list to create that survey, or change its slug",
                definition.slug()
            ))],
        ));
    }
    let saved = save(
        &state,
        &who,
        &slug,
        revision,
        definition,
        "replaced the draft with an uploaded definition file".to_owned(),
    )
    .await?;
    match saved {
        Saving::Saved(_) => Ok(redirect(&paths::draft(&slug))),
        Saving::Stale(None) => Ok(again(
            StatusCode::CONFLICT,
            &[at_file(
                "This draft was published or removed since you opened it, so the file was not uploaded",
            )],
        )),
        Saving::Stale(Some(now)) => Ok(render_draft(
            &who,
            &now,
            StatusCode::CONFLICT,
            &[at_file(format!(
                "{} saved this draft since you opened it, so the file was not uploaded. Check the draft below, then upload the file again",
                now.updated_by
            ))],
        )),
    }
}
