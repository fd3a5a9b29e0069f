//! Previewing a draft: an officer walks it exactly as a resident would (the
//! same pages, routing and validation, from [`super::resident`]'s helpers
//! and [`crate::views::resident`]'s views), under
//! `/admin/drafts/{slug}/preview`, with "Preview" on every page. The answers
//! live in the officer's session, never in the drafts or responses tables,
//! so nothing is stored as a response and no count moves.

use actix_session::SessionExt;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::{BuilderPage, SignedIn};
use super::builder::find_draft;
use super::form::{Form, read_form};
use super::resident::{
    ChangeQuery, QuestionView, checked_answer, is_shown, last_question_url, next_url, not_shown,
    question_page, resume_url, unanswered_items,
};
use super::{AppState, html, redirect};
use crate::domain::{Availability, DraftAnswers, Entered, Submission, SurveyDefinition};
use crate::error::AppError;
use crate::paths::Walk;
use crate::views::SummaryItem;
use crate::views::resident as view;

/// What a form whose page had expired (its CSRF token is not this
/// session's) gets, as a resident's does.
const EXPIRED: &str = "This page had expired. Check your answer and select Continue again";

/// The session key of a draft's preview answers.
fn answers_key(slug: &str) -> String {
    format!("preview:{slug}")
}

/// The answers given so far in this officer's preview of the draft.
fn answers_of(req: &HttpRequest, slug: &str) -> DraftAnswers {
    req.get_session()
        .get::<DraftAnswers>(&answers_key(slug))
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// Keeps the preview's answers in the officer's session.
fn keep(req: &HttpRequest, slug: &str, answers: &DraftAnswers) -> Result<(), AppError> {
    req.get_session()
        .insert(answers_key(slug), answers)
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot keep the preview answers: {e}")))
}

/// The draft's definition, or 404.
async fn definition(state: &web::Data<AppState>, slug: &str) -> Result<SurveyDefinition, AppError> {
    Ok(find_draft(state, slug).await?.definition)
}

/// GET `/admin/drafts/{slug}/preview`: the start page, open whatever its dates.
pub async fn show_start(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let def = definition(&state, &slug).await?;
    let walk = Walk::preview(&slug);
    Ok(html(
        StatusCode::OK,
        view::start_page(&def, &walk, Availability::Open, &who.csrf, None),
    ))
}

/// A posted preview form, or the page that says why it was not taken: one
/// that could not be read, or whose CSRF token is not this session's.
async fn posted(
    state: &AppState,
    req: &HttpRequest,
    who: &SignedIn,
    payload: web::Payload,
) -> Result<Form, (StatusCode, String)> {
    let form = read_form(req, payload, state.max_form_bytes)
        .await
        .map_err(|e| (e.status(), e.message()))?;
    if who.form_has_session_token(&state.csrf, &form) {
        Ok(form)
    } else {
        Err((StatusCode::FORBIDDEN, EXPIRED.to_owned()))
    }
}

/// POST `/admin/drafts/{slug}/preview/start`: starts the preview afresh.
pub async fn begin(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let def = definition(&state, &slug).await?;
    let walk = Walk::preview(&slug);
    if let Err((status, message)) = posted(&state, &req, &who, payload).await {
        return Ok(html(
            status,
            crate::views::errors::error_page(
                "This page has expired",
                &[&message],
                Some((&walk.start(), "Go to the start of the preview")),
            ),
        ));
    }
    let fresh = DraftAnswers::default();
    keep(&req, &slug, &fresh)?;
    Ok(redirect(&resume_url(&walk, &def, &fresh)))
}

/// GET `/admin/drafts/{slug}/preview/questions/{question}`.
pub async fn show_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let def = definition(&state, &slug).await?;
    question_page(
        &Walk::preview(&slug),
        &def,
        &answers_of(&req, &slug),
        &question_id,
        query.is_change(),
        who.csrf.clone(),
    )
}

/// POST `/admin/drafts/{slug}/preview/questions/{question}`: the resident's
/// checks, the answer kept in the session, then the next page.
pub async fn save_answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let def = definition(&state, &slug).await?;
    let walk = Walk::preview(&slug);
    let question = def.question(&question_id).ok_or(AppError::NotFound)?;
    let mut answers = answers_of(&req, &slug);
    let view = QuestionView {
        def: &def,
        walk: &walk,
        question,
        answers: &answers,
        change: query.is_change(),
        csrf: who.csrf.clone(),
    };
    if !is_shown(&def, &answers, question) {
        let elsewhere = not_shown(&walk, &def, question);
        return Ok(view.render(
            StatusCode::CONFLICT,
            &Entered::default(),
            None,
            Some(elsewhere),
        ));
    }
    let form = read_form(&req, payload, state.max_form_bytes).await;
    let answer = match checked_answer(&view, form, |f| who.form_has_session_token(&state.csrf, f)) {
        Ok(answer) => answer,
        Err(page) => return Ok(*page),
    };
    let change = query.is_change();
    answers.record(&def, question.id(), answer);
    keep(&req, &slug, &answers)?;
    Ok(redirect(&next_url(
        &walk,
        &def,
        &answers,
        question.id(),
        change,
    )))
}

fn render_check(
    def: &SurveyDefinition,
    walk: &Walk,
    answers: &DraftAnswers,
    who: &SignedIn,
    status: StatusCode,
    errors: &[SummaryItem],
) -> HttpResponse {
    let back = last_question_url(walk, def, answers);
    html(
        status,
        view::check_page(def, walk, answers, errors, &back, &who.csrf),
    )
}

/// GET `/admin/drafts/{slug}/preview/check`.
pub async fn show_check(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let def = definition(&state, &slug).await?;
    let answers = answers_of(&req, &slug);
    let walk = Walk::preview(&slug);
    Ok(render_check(
        &def,
        &walk,
        &answers,
        &who,
        StatusCode::OK,
        &[],
    ))
}

/// POST `/admin/drafts/{slug}/preview/submit`: the resident's completeness
/// check; a complete preview ends on the confirmation, storing nothing.
pub async fn submit(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let def = definition(&state, &slug).await?;
    let answers = answers_of(&req, &slug);
    let walk = Walk::preview(&slug);
    if let Err((status, message)) = posted(&state, &req, &who, payload).await {
        let item = SummaryItem {
            message,
            href: "#main-content".to_owned(),
        };
        return Ok(render_check(&def, &walk, &answers, &who, status, &[item]));
    }
    match Submission::from_draft(&def, &answers) {
        Ok(_) => {
            req.get_session().remove(&answers_key(&slug));
            Ok(redirect(&walk.done()))
        }
        Err(missing) => Ok(render_check(
            &def,
            &walk,
            &answers,
            &who,
            StatusCode::UNPROCESSABLE_ENTITY,
            &unanswered_items(&walk, missing),
        )),
    }
}

/// GET `/admin/drafts/{slug}/preview/done`: the confirmation a resident
/// would see, saying that nothing was stored.
pub async fn show_done(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    BuilderPage(_who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let def = definition(&state, &slug).await?;
    Ok(html(
        StatusCode::OK,
        view::done_page(&def, &Walk::preview(&slug)),
    ))
}
