//! Resident handlers: parse the request, call the domain and storage, render.
//!
//! A resident's answers in progress live in a draft found by the token in
//! the `civic_draft` cookie. Every page first works out where the resident
//! stands ([`Standing`]): no draft yet, a draft we cannot use, a completed
//! draft, or an active one.

use std::ops::ControlFlow;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use maud::Markup;
use serde::Deserialize;

use super::form::{Form, FormError, read_form};
use super::{AppState, html, redirect};
use crate::catalogue::CurrentSurvey;
use crate::db::drafts::{self, Draft};
use crate::db::responses::{self, SubmitOutcome};
use crate::db::{AnyConnection, DbError};
use crate::domain::answers::ANSWER_FIELD;
use crate::domain::{
    Answer, Availability, DraftAnswers, DraftToken, Entered, FieldError, Question, QuestionId,
    Submission, SurveyDefinition,
};
use crate::error::AppError;
use crate::paths;
use crate::views::layout::SummaryItem;
use crate::views::resident::{self as view, DraftProblem, QuestionPage};

/// The cookie that holds the draft token, and nothing else.
pub const DRAFT_COOKIE: &str = "civic_draft";

/// How many times a write is retried when another request changed the draft.
const RETRIES: usize = 5;

/// Where a resident stands with a survey.
enum Standing {
    NoDraft,
    Problem(DraftProblem),
    Completed,
    Active(Active),
}

struct Active {
    token: DraftToken,
    draft: Draft,
    /// The frozen version the draft was started under.
    definition: Arc<SurveyDefinition>,
}

/// `?change=1` marks a visit from check-your-answers.
#[derive(Debug, Deserialize)]
pub struct ChangeQuery {
    change: Option<String>,
}

impl ChangeQuery {
    fn is_change(&self) -> bool {
        self.change.is_some()
    }
}

/// Runs a storage operation on a pooled connection, off the async threads.
async fn db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection, &AppState) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    let shared = state.clone();
    super::with_db(state, move |conn| f(conn, &shared)).await
}

fn survey(state: &AppState, slug: &str) -> Result<CurrentSurvey, AppError> {
    state
        .catalogue
        .current(slug)
        .cloned()
        .ok_or(AppError::NotFound)
}

fn start_scope(survey: &SurveyDefinition) -> String {
    format!("start:{}", survey.slug())
}

fn draft_scope(token: &DraftToken) -> String {
    format!("draft:{}", token.expose())
}

async fn standing(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    survey: &CurrentSurvey,
) -> Result<Standing, AppError> {
    let Some(cookie) = req.cookie(DRAFT_COOKIE) else {
        return Ok(Standing::NoDraft);
    };
    let Some(token) = DraftToken::parse(cookie.value()) else {
        return Ok(Standing::Problem(DraftProblem::NotRecognised));
    };
    let hash = token.hash();
    let found = db(state, move |conn, state| {
        let Some(draft) = drafts::find_draft(conn, &hash)? else {
            return Ok(None);
        };
        let definition = state.catalogue.version(conn, draft.version)?;
        Ok(Some((draft, definition)))
    })
    .await?;
    let lifetime =
        chrono::Duration::from_std(state.draft_lifetime).unwrap_or(chrono::Duration::MAX);
    Ok(match found {
        None => Standing::Problem(DraftProblem::NotRecognised),
        Some((draft, _)) if draft.survey != survey.survey => {
            Standing::Problem(DraftProblem::NotRecognised)
        }
        Some((draft, _)) if draft.completed_at.is_some() => Standing::Completed,
        Some((draft, _)) if Utc::now().naive_utc() - draft.updated_at > lifetime => {
            Standing::Problem(DraftProblem::Expired)
        }
        Some((draft, Some(definition))) => Standing::Active(Active {
            token,
            draft,
            definition,
        }),
        Some((draft, None)) => {
            return Err(anyhow::anyhow!(
                "draft {:?} names survey version {:?}, which is not stored",
                draft.id,
                draft.version
            )
            .into());
        }
    })
}

/// Goes on with an active draft, or breaks with the response for any other
/// standing: no draft goes to the start page, a completed one to the
/// confirmation, a lost or expired one to a page that offers a new start.
fn unless_active(
    state: &AppState,
    survey: &CurrentSurvey,
    standing: Standing,
) -> ControlFlow<HttpResponse, Active> {
    let def = &survey.definition;
    match standing {
        Standing::Active(active) => ControlFlow::Continue(active),
        Standing::NoDraft => ControlFlow::Break(redirect(&paths::start(def.slug()))),
        Standing::Completed => ControlFlow::Break(redirect(&paths::done(def.slug()))),
        Standing::Problem(problem) => {
            let status = match problem {
                DraftProblem::NotRecognised => StatusCode::FORBIDDEN,
                DraftProblem::Expired => StatusCode::GONE,
            };
            let csrf = state.csrf.token(&start_scope(def));
            ControlFlow::Break(html(status, view::draft_problem_page(def, problem, &csrf)))
        }
    }
}

/// A closed or not-yet-open survey refuses answers with a page that says so.
fn refuse_if_not_open(state: &AppState, survey: &CurrentSurvey) -> Option<HttpResponse> {
    match state.catalogue.availability(survey, Utc::now()) {
        Availability::Open => None,
        closed => Some(html(
            StatusCode::FORBIDDEN,
            view::closed_page(&survey.definition, closed),
        )),
    }
}

/// Where a resident resumes: the first question not yet seen, or the check page.
fn resume_url(def: &SurveyDefinition, answers: &DraftAnswers) -> String {
    match answers.first_unseen(def) {
        Some(q) => paths::question(def.slug(), q.id(), false),
        None => paths::check(def.slug()),
    }
}

fn is_shown(def: &SurveyDefinition, answers: &DraftAnswers, question: &Question) -> bool {
    answers.applicable(def).any(|q| q.id() == question.id())
}

/// The honeypot field: hidden from people by the stylesheet, filled in by
/// form-filling bots.
pub const HONEYPOT: &str = "website";

fn is_bot(form: &Form) -> bool {
    form.get(HONEYPOT).is_some_and(|v| !v.is_empty())
}

/// What a form that filled the honeypot gets: a refusal, and nothing stored.
fn bot_refused() -> HttpResponse {
    html(
        StatusCode::BAD_REQUEST,
        crate::views::errors::error_page(
            "This form could not be accepted",
            &[
                "A field that should stay empty was filled in. Go back to the start page and try again.",
            ],
            Some(("/", "Go to the start page")),
        ),
    )
}

/// `/`: the default survey's start page, or a list of surveys.
pub async fn home(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    match state.catalogue.default_survey() {
        Some(survey) => Ok(render_start(&state, survey)),
        None => {
            let all: Vec<&SurveyDefinition> = state
                .catalogue
                .all()
                .map(|s| s.definition.as_ref())
                .collect();
            Ok(html(StatusCode::OK, view::survey_list(&all)))
        }
    }
}

fn render_start(state: &AppState, survey: &CurrentSurvey) -> HttpResponse {
    let def = &survey.definition;
    let csrf = state.csrf.token(&start_scope(def));
    html(
        StatusCode::OK,
        view::start_page(def, state.catalogue.availability(survey, Utc::now()), &csrf),
    )
}

/// GET `/surveys/{slug}`: the start page.
pub async fn show_start(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = survey(&state, &slug)?;
    Ok(render_start(&state, &survey))
}

/// POST `/surveys/{slug}/start`: starts a draft (or resumes the one in
/// progress) and goes to the first question.
pub async fn begin_survey(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = survey(&state, &slug)?;
    if let Some(refusal) = refuse_if_not_open(&state, &survey) {
        return Ok(refusal);
    }
    if let Err(wait) = state.limits.submissions.check(&req) {
        return Ok(super::limits::too_many(wait));
    }
    let def = Arc::clone(&survey.definition);
    let form = read_form(&req, payload, state.max_form_bytes).await;
    if let Ok(form) = &form
        && is_bot(form)
    {
        return Ok(bot_refused());
    }
    let csrf_ok = form.as_ref().is_ok_and(|f| {
        state
            .csrf
            .verify(&start_scope(&def), f.get(crate::csrf::FIELD))
    });
    if !csrf_ok {
        let status = form.err().map_or(StatusCode::FORBIDDEN, FormError::status);
        return Ok(html(
            status,
            crate::views::errors::error_page(
                "This page has expired",
                &["Go back to the start page and select Start now again."],
                Some((&paths::start(def.slug()), "Go to the start page")),
            ),
        ));
    }
    if let Standing::Active(active) = standing(&state, &req, &survey).await? {
        return Ok(redirect(&resume_url(
            &active.definition,
            &active.draft.answers,
        )));
    }
    let token = DraftToken::generate();
    let hash = token.hash();
    let (survey_id, version) = (survey.survey, survey.version);
    db(&state, move |conn, _| {
        drafts::insert_draft(conn, &hash, survey_id, version, crate::db::now())
    })
    .await?;
    let first = resume_url(&def, &DraftAnswers::default());
    let mut response = redirect(&first);
    response
        .add_cookie(&draft_cookie(&req, &def, &token, state.draft_lifetime))
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot set the draft cookie: {e}")))?;
    Ok(response)
}

fn draft_cookie(
    req: &HttpRequest,
    def: &SurveyDefinition,
    token: &DraftToken,
    lifetime: std::time::Duration,
) -> Cookie<'static> {
    let seconds = i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX);
    Cookie::build(DRAFT_COOKIE, token.expose().to_owned())
        .path(paths::cookie_path(def.slug()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(req.connection_info().scheme() == "https")
        .max_age(time::Duration::seconds(seconds))
        .finish()
}

struct QuestionView<'a> {
    def: &'a SurveyDefinition,
    question: &'a Question,
    answers: &'a DraftAnswers,
    change: bool,
    csrf: String,
}

impl QuestionView<'_> {
    fn render(
        &self,
        status: StatusCode,
        entered: &Entered,
        error: Option<&FieldError>,
        elsewhere: Option<SummaryItem>,
    ) -> HttpResponse {
        let slug = self.def.slug();
        let back = if self.change {
            paths::check(slug)
        } else {
            match self.answers.previous_before(self.def, self.question.id()) {
                Some(previous) => paths::question(slug, previous.id(), false),
                None => paths::start(slug),
            }
        };
        let action = paths::question(slug, self.question.id(), self.change);
        let markup: Markup = view::question_page(&QuestionPage {
            survey: self.def,
            question: self.question,
            entered,
            error,
            elsewhere,
            back_href: &back,
            action: &action,
            csrf: &self.csrf,
        });
        html(status, markup)
    }

    fn saved(&self) -> Entered {
        self.answers
            .get(self.question.id())
            .map(Answer::to_entered)
            .unwrap_or_default()
    }
}

/// GET `/surveys/{slug}/questions/{question}`: one question, with the saved answer.
pub async fn show_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let survey = survey(&state, &slug)?;
    if let Some(refusal) = refuse_if_not_open(&state, &survey) {
        return Ok(refusal);
    }
    let active = match unless_active(&state, &survey, standing(&state, &req, &survey).await?) {
        ControlFlow::Continue(active) => active,
        ControlFlow::Break(response) => return Ok(response),
    };
    let def = &active.definition;
    let question = def.question(&question_id).ok_or(AppError::NotFound)?;
    if !is_shown(def, &active.draft.answers, question) {
        return Ok(redirect(&resume_url(def, &active.draft.answers)));
    }
    let view = QuestionView {
        def,
        question,
        answers: &active.draft.answers,
        change: query.is_change(),
        csrf: state.csrf.token(&draft_scope(&active.token)),
    };
    Ok(view.render(StatusCode::OK, &view.saved(), None, None))
}

/// POST `/surveys/{slug}/questions/{question}`: checks and saves one answer,
/// then goes to the next question (or back to check-your-answers).
pub async fn save_answer(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let survey = survey(&state, &slug)?;
    if let Some(refusal) = refuse_if_not_open(&state, &survey) {
        return Ok(refusal);
    }
    let active = match unless_active(&state, &survey, standing(&state, &req, &survey).await?) {
        ControlFlow::Continue(active) => active,
        ControlFlow::Break(response) => return Ok(response),
    };
    let def = Arc::clone(&active.definition);
    let question = def.question(&question_id).ok_or(AppError::NotFound)?;
    let view = QuestionView {
        def: &def,
        question,
        answers: &active.draft.answers,
        change: query.is_change(),
        csrf: state.csrf.token(&draft_scope(&active.token)),
    };

    if !is_shown(&def, &active.draft.answers, question) {
        let parent = question
            .show_if()
            .and_then(|c| def.question(c.question.as_str()));
        let (message, href) = match parent {
            Some(parent) => (
                format!(
                    "Answer \u{201c}{}\u{201d} first: this question follows from it",
                    parent.title()
                ),
                paths::question(def.slug(), parent.id(), false),
            ),
            None => (
                "This question does not apply to your answers".to_owned(),
                paths::check(def.slug()),
            ),
        };
        return Ok(view.render(
            StatusCode::CONFLICT,
            &Entered::default(),
            None,
            Some(SummaryItem { message, href }),
        ));
    }

    let form: Form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let error = FieldError::malformed(ANSWER_FIELD, e.message());
            return Ok(view.render(e.status(), &view.saved(), Some(&error), None));
        }
    };
    if is_bot(&form) {
        return Ok(bot_refused());
    }
    let entered = Entered::from_fields(question, form.fields());
    if !state
        .csrf
        .verify(&draft_scope(&active.token), form.get(crate::csrf::FIELD))
    {
        let error = FieldError::malformed(
            ANSWER_FIELD,
            "This page had expired. Check your answer and select Continue again",
        );
        return Ok(view.render(StatusCode::FORBIDDEN, &entered, Some(&error), None));
    }
    let answer = match Answer::parse(question, &entered) {
        Ok(answer) => answer,
        Err(error) => {
            let status = if error.malformed {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok(view.render(status, &entered, Some(&error), None));
        }
    };

    let change = query.is_change();
    let hash = active.token.hash();
    let draft = active.draft;
    let question_id = question.id().clone();
    let saved_def = Arc::clone(&def);
    let saved = db(&state, move |conn, _| {
        save_with_retry(conn, &hash, draft, &saved_def, &question_id, answer)
    })
    .await?;
    let Some(answers) = saved else {
        return Ok(redirect(&paths::done(def.slug())));
    };
    let next = if change {
        answers
            .first_unseen(&def)
            .map(|q| paths::question(def.slug(), q.id(), true))
    } else {
        answers
            .next_after(&def, question.id())
            .map(|q| paths::question(def.slug(), q.id(), false))
    };
    Ok(redirect(&next.unwrap_or_else(|| paths::check(def.slug()))))
}

/// Records `answer` in the draft, re-reading it if another request changed
/// it first. `None` when the draft was completed meanwhile.
fn save_with_retry(
    conn: &mut AnyConnection,
    token_hash: &str,
    mut draft: Draft,
    def: &SurveyDefinition,
    question: &QuestionId,
    answer: Answer,
) -> Result<Option<DraftAnswers>, DbError> {
    for _ in 0..RETRIES {
        let mut answers = draft.answers.clone();
        answers.record(def, question, answer.clone());
        if drafts::save_answers(conn, draft.id, draft.revision, &answers)? {
            return Ok(Some(answers));
        }
        match drafts::find_draft(conn, token_hash)? {
            Some(fresh) if fresh.completed_at.is_none() => draft = fresh,
            _ => return Ok(None),
        }
    }
    Err(DbError::Corrupt(format!(
        "draft {:?} changed {RETRIES} times while saving one answer",
        draft.id
    )))
}

fn last_question_url(def: &SurveyDefinition, answers: &DraftAnswers) -> String {
    match answers.applicable(def).last() {
        Some(q) => paths::question(def.slug(), q.id(), false),
        None => paths::start(def.slug()),
    }
}

/// GET `/surveys/{slug}/check`: check your answers.
pub async fn show_check(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = survey(&state, &slug)?;
    if let Some(refusal) = refuse_if_not_open(&state, &survey) {
        return Ok(refusal);
    }
    let active = match unless_active(&state, &survey, standing(&state, &req, &survey).await?) {
        ControlFlow::Continue(active) => active,
        ControlFlow::Break(response) => return Ok(response),
    };
    let def = &active.definition;
    let answers = &active.draft.answers;
    let csrf = state.csrf.token(&draft_scope(&active.token));
    Ok(html(
        StatusCode::OK,
        view::check_page(def, answers, &[], &last_question_url(def, answers), &csrf),
    ))
}

/// POST `/surveys/{slug}/submit`: stores the response, once, then confirms.
pub async fn submit_response(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = survey(&state, &slug)?;
    if let Some(refusal) = refuse_if_not_open(&state, &survey) {
        return Ok(refusal);
    }
    let active = match unless_active(&state, &survey, standing(&state, &req, &survey).await?) {
        ControlFlow::Continue(active) => active,
        ControlFlow::Break(response) => return Ok(response),
    };
    if let Err(wait) = state.limits.submissions.check(&req) {
        return Ok(super::limits::too_many(wait));
    }
    let def = Arc::clone(&active.definition);
    let csrf = state.csrf.token(&draft_scope(&active.token));
    let back = last_question_url(&def, &active.draft.answers);
    let check_with = |status: StatusCode, errors: &[SummaryItem]| {
        html(
            status,
            view::check_page(&def, &active.draft.answers, errors, &back, &csrf),
        )
    };
    let form_problem = match read_form(&req, payload, state.max_form_bytes).await {
        Err(e) => Some((e.status(), e.message())),
        Ok(form)
            if !state
                .csrf
                .verify(&draft_scope(&active.token), form.get(crate::csrf::FIELD)) =>
        {
            Some((
                StatusCode::FORBIDDEN,
                "This page had expired. Check your answers and select Submit response again"
                    .to_owned(),
            ))
        }
        Ok(_) => None,
    };
    if let Some((status, message)) = form_problem {
        let item = SummaryItem {
            message,
            href: "#main-content".to_owned(),
        };
        return Ok(check_with(status, &[item]));
    }
    if let Err(missing) = Submission::from_draft(&def, &active.draft.answers) {
        let items: Vec<SummaryItem> = missing
            .into_iter()
            .map(|m| SummaryItem {
                href: paths::question(def.slug(), &m.question, true),
                message: m.message,
            })
            .collect();
        return Ok(check_with(StatusCode::UNPROCESSABLE_ENTITY, &items));
    }

    let hash = active.token.hash();
    let draft = active.draft.clone();
    let stored_def = Arc::clone(&def);
    let outcome = db(&state, move |conn, _| {
        submit_with_retry(conn, &hash, draft, &stored_def)
    })
    .await?;
    match outcome {
        Ok(SubmitOutcome::Stored(id)) => {
            state.live.notify(id.0);
            Ok(redirect(&paths::done(def.slug())))
        }
        Ok(SubmitOutcome::AlreadySubmitted) => Ok(redirect(&paths::done(def.slug()))),
        Ok(SubmitOutcome::Stale) => {
            Err(anyhow::anyhow!("draft kept changing during submit").into())
        }
        Err(missing) => {
            let items: Vec<SummaryItem> = missing
                .into_iter()
                .map(|m| SummaryItem {
                    href: paths::question(def.slug(), &m.question, true),
                    message: m.message,
                })
                .collect();
            Ok(check_with(StatusCode::UNPROCESSABLE_ENTITY, &items))
        }
    }
}

/// Stores the draft's response, re-reading the draft if another request
/// changed it first, so what is stored is what the draft holds at commit.
fn submit_with_retry(
    conn: &mut AnyConnection,
    token_hash: &str,
    mut draft: Draft,
    def: &SurveyDefinition,
) -> Result<Result<SubmitOutcome, Vec<crate::domain::Unanswered>>, DbError> {
    for _ in 0..RETRIES {
        let submission = match Submission::from_draft(def, &draft.answers) {
            Ok(s) => s,
            Err(missing) => return Ok(Err(missing)),
        };
        match responses::insert_submission(conn, &draft, &submission, crate::db::now())? {
            SubmitOutcome::Stale => match drafts::find_draft(conn, token_hash)? {
                Some(fresh) => draft = fresh,
                None => return Ok(Ok(SubmitOutcome::Stale)),
            },
            done => return Ok(Ok(done)),
        }
    }
    Ok(Ok(SubmitOutcome::Stale))
}

/// GET `/surveys/{slug}/done`: the confirmation, for a draft that is stored.
pub async fn show_done(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = survey(&state, &slug)?;
    Ok(match standing(&state, &req, &survey).await? {
        Standing::Completed => html(StatusCode::OK, view::done_page(&survey.definition)),
        Standing::Active(_) => redirect(&paths::check(survey.definition.slug())),
        Standing::NoDraft | Standing::Problem(_) => {
            redirect(&paths::start(survey.definition.slug()))
        }
    })
}
