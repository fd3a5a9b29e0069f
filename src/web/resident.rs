//! Resident handlers: parse the request, call the domain and storage, render.
//!
//! A resident's answers in progress live in a draft found by the token in
//! the `civic_draft` cookie. Where the resident stands (no draft yet, a draft
//! they cannot use, a completed draft, or an active one) is the domain's
//! [`draft::standing`]; the extractors below find the survey, refuse it when
//! it is closed, and resolve the standing before a handler begins:
//! [`OpenSurvey`] for the start form, [`ActiveDraft`] for every page that
//! needs a draft in progress.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use super::form::{Form, FormError, read_form};
use super::{AppState, html, redirect, with_db, with_drafts};
use crate::catalogue::CurrentSurvey;
use crate::db::drafts;
use crate::db::responses::{self, Submitted};
use crate::domain::draft::{self, Draft, DraftProblem, Standing};
use crate::domain::{
    Answer, Availability, DraftAnswers, DraftToken, Entered, Question, QuestionId,
    SurveyDefinition, Unanswered,
};
use crate::error::{AppError, Refusal};
use crate::fields;
use crate::paths::{self, Walk};
use crate::views::resident::{self as view, QuestionPage};
use crate::views::{FieldError, SummaryItem};

/// The cookie that holds the draft token, and nothing else.
pub use crate::fields::DRAFT_COOKIE;

/// An active draft: its token, the draft, and the frozen version of the
/// survey it was started under.
struct Active {
    token: DraftToken,
    draft: Draft,
    definition: Arc<SurveyDefinition>,
}

/// `?channel=website` names the distribution channel a start page's link is for.
#[derive(Debug, Deserialize)]
pub struct ChannelQuery {
    channel: Option<String>,
}

/// `?change=1` marks a visit from check-your-answers.
#[derive(Debug, Deserialize)]
pub struct ChangeQuery {
    change: Option<String>,
}

impl ChangeQuery {
    pub(super) fn is_change(&self) -> bool {
        self.change.is_some()
    }
}

fn start_scope(survey: &SurveyDefinition) -> String {
    format!("start:{}", survey.slug())
}

fn draft_scope(token: &DraftToken) -> String {
    format!("draft:{}", token.expose())
}

/// Where the resident who sent `req` stands with `survey`, reading the draft
/// their cookie names and the survey version it was started under.
async fn standing(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    survey: &CurrentSurvey,
) -> Result<Standing<Active>, AppError> {
    let Some(cookie) = req.cookie(DRAFT_COOKIE) else {
        return Ok(Standing::NoDraft);
    };
    let Some(token) = DraftToken::parse(cookie.value()) else {
        return Ok(Standing::Problem(DraftProblem::NotRecognised));
    };
    let hash = token.hash();
    let draft = with_drafts(state, move |conn| drafts::find_draft(conn, &hash)).await?;
    let found = match draft {
        None => None,
        Some(draft) => {
            // Read from storage only for a version not read before.
            let definition = match state.catalogue.cached_version(draft.version) {
                Some(definition) => Some(definition),
                None => {
                    let (shared, version) = (state.clone(), draft.version);
                    with_db(state, move |conn| shared.catalogue.version(conn, version)).await?
                }
            };
            Some((draft, definition))
        }
    };
    Ok(
        match draft::standing(
            found,
            survey.id,
            state.draft_lifetime,
            Utc::now().naive_utc(),
        ) {
            Standing::NoDraft => Standing::NoDraft,
            Standing::Problem(problem) => Standing::Problem(problem),
            Standing::Completed => Standing::Completed,
            Standing::Active((draft, Some(definition))) => Standing::Active(Active {
                token,
                draft,
                definition,
            }),
            Standing::Active((draft, None)) => {
                return Err(anyhow::anyhow!(
                    "draft {:?} names survey version {:?}, which is not stored",
                    draft.id,
                    draft.version
                )
                .into());
            }
        },
    )
}

/// The application state, the survey named by the path's `{slug}`, and the
/// refusal of a survey that does not accept answers now.
fn open_survey(req: &HttpRequest) -> Result<(web::Data<AppState>, CurrentSurvey), AppError> {
    let state = super::app_state(req)?;
    let survey = state.survey(req.match_info().get("slug").unwrap_or_default())?;
    match state.catalogue.availability(&survey, Utc::now()) {
        Availability::Open => Ok((state, survey)),
        closed => Err(Refusal::page(
            StatusCode::FORBIDDEN,
            view::closed_page(&survey.definition, closed),
        )
        .into()),
    }
}

type Extracting<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// The survey of the path, open to answers now; a closed or not-yet-open
/// survey is refused with a page that says so.
pub struct OpenSurvey(pub CurrentSurvey);

impl FromRequest for OpenSurvey {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(open_survey(req).map(|(_, survey)| OpenSurvey(survey)))
    }
}

/// A resident with a draft in progress of the path's survey, which is open.
/// Any other standing is refused: no draft goes to the start page, a
/// completed one to the confirmation, a lost or expired one to a page that
/// offers a new start.
pub struct ActiveDraft(Active);

impl FromRequest for ActiveDraft {
    type Error = AppError;
    type Future = Extracting<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let (state, survey) = open_survey(&req)?;
            let def = &survey.definition;
            match standing(&state, &req, &survey).await? {
                Standing::Active(active) => Ok(ActiveDraft(active)),
                Standing::NoDraft => Err(Refusal::see_other(paths::start(def.slug())).into()),
                Standing::Completed => Err(Refusal::see_other(paths::done(def.slug())).into()),
                Standing::Problem(problem) => {
                    let status = match problem {
                        DraftProblem::NotRecognised => StatusCode::FORBIDDEN,
                        DraftProblem::Expired => StatusCode::GONE,
                    };
                    let csrf = state.csrf.token(&start_scope(def));
                    Err(Refusal::page(status, view::draft_problem_page(def, problem, &csrf)).into())
                }
            }
        })
    }
}

/// Where a resident resumes: the first question not yet seen, or the check page.
pub(super) fn resume_url(walk: &Walk, def: &SurveyDefinition, answers: &DraftAnswers) -> String {
    match answers.first_unseen(def) {
        Some(q) => walk.question(q.id(), false),
        None => walk.check(),
    }
}

pub(super) fn is_shown(
    def: &SurveyDefinition,
    answers: &DraftAnswers,
    question: &Question,
) -> bool {
    answers.applicable(def).any(|q| q.id() == question.id())
}

/// Where a resident goes once an answer is saved: from check-your-answers,
/// the first question not yet seen; otherwise the next question shown;
/// the check page when there is none.
pub(super) fn next_url(
    walk: &Walk,
    def: &SurveyDefinition,
    answers: &DraftAnswers,
    question: &QuestionId,
    change: bool,
) -> String {
    let next = if change {
        answers
            .first_unseen(def)
            .map(|q| walk.question(q.id(), true))
    } else {
        answers
            .next_after(def, question)
            .map(|q| walk.question(q.id(), false))
    };
    next.unwrap_or_else(|| walk.check())
}

/// The error of an answer posted to a question its earlier answers do not
/// show: answer the question it follows from first.
pub(super) fn not_shown(walk: &Walk, def: &SurveyDefinition, question: &Question) -> SummaryItem {
    let parent = question
        .show_if()
        .and_then(|c| def.question(c.question.as_str()));
    match parent {
        Some(parent) => SummaryItem {
            message: format!(
                "Answer \u{201c}{}\u{201d} first: this question follows from it",
                parent.title()
            ),
            href: walk.question(parent.id(), false),
        },
        None => SummaryItem {
            message: "This question does not apply to your answers".to_owned(),
            href: walk.check(),
        },
    }
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
            Some((paths::home(), "Go to the start page")),
        ),
    )
}

/// Required questions left unanswered, as error summary items that link to
/// each question (which returns to the check page afterwards).
pub(super) fn unanswered_items(walk: &Walk, missing: Vec<Unanswered>) -> Vec<SummaryItem> {
    missing
        .into_iter()
        .map(|m| SummaryItem {
            href: walk.question(&m.question, true),
            message: m.message,
        })
        .collect()
}

/// `/`: the default survey's start page, or a list of surveys.
pub async fn home(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    match state.catalogue.default_survey() {
        Some(survey) => Ok(render_start(&state, &survey, None)),
        None => {
            let surveys = state.catalogue.all();
            let all: Vec<&SurveyDefinition> =
                surveys.iter().map(|s| s.definition.as_ref()).collect();
            Ok(html(StatusCode::OK, view::survey_list(&all)))
        }
    }
}

/// The start page; its form carries the channel of the link, if the survey
/// has that channel (an unknown one is the plain link: a resident is never
/// refused for a mistyped link).
fn render_start(state: &AppState, survey: &CurrentSurvey, channel: Option<&str>) -> HttpResponse {
    let def = &survey.definition;
    let csrf = state.csrf.token(&start_scope(def));
    let channel = channel.and_then(|c| def.channel(c));
    html(
        StatusCode::OK,
        view::start_page(
            def,
            &Walk::live(def.slug()),
            state.catalogue.availability(survey, Utc::now()),
            &csrf,
            channel.map(|c| c.id().as_str()),
        ),
    )
}

/// GET `/surveys/{slug}`: the start page (`?channel=` for a channel's link).
pub async fn show_start(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: Option<web::Query<ChannelQuery>>,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    // A link that cannot be read (`?channel=a&channel=b`) is the plain link.
    let channel = query.as_ref().and_then(|q| q.channel.as_deref());
    Ok(render_start(&state, &survey, channel))
}

/// POST `/surveys/{slug}/start`: starts a draft (or resumes the one in
/// progress) and goes to the first question.
pub async fn begin_survey(
    state: web::Data<AppState>,
    req: HttpRequest,
    OpenSurvey(survey): OpenSurvey,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if let Err(wait) = state.limits.check_submission(&req) {
        return Ok(super::limits::too_many(wait));
    }
    let def = Arc::clone(&survey.definition);
    let form = read_form(&req, payload, state.max_form_bytes).await;
    if form.as_ref().is_ok_and(Form::filled_honeypot) {
        return Ok(bot_refused());
    }
    let csrf_ok = form
        .as_ref()
        .is_ok_and(|f| state.csrf.verify(&start_scope(&def), f.csrf()));
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
            &Walk::live(def.slug()),
            &active.definition,
            &active.draft.answers,
        )));
    }
    let channel = form.ok().and_then(|f| {
        f.get(fields::CHANNEL)
            .and_then(|c| def.channel(c))
            .map(|c| c.id().clone())
    });
    let token = DraftToken::generate();
    let hash = token.hash();
    let (survey_id, version) = (survey.id, survey.version);
    with_drafts(&state, move |conn| {
        drafts::insert_draft(
            conn,
            &hash,
            survey_id,
            version,
            channel.as_ref(),
            crate::db::now(),
        )
    })
    .await?;
    let first = resume_url(&Walk::live(def.slug()), &def, &DraftAnswers::default());
    let mut response = redirect(&first);
    response
        .add_cookie(&draft_cookie(
            &req,
            &def,
            &token,
            state.draft_lifetime.as_std(),
        ))
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

/// A question page as it stands: the survey, the question, the answers so
/// far, whether it was reached from check-your-answers, the CSRF token, and
/// whose pages (the live survey's or a preview's).
pub(super) struct QuestionView<'a> {
    pub def: &'a SurveyDefinition,
    pub walk: &'a Walk,
    pub question: &'a Question,
    pub answers: &'a DraftAnswers,
    pub change: bool,
    pub csrf: String,
}

impl QuestionView<'_> {
    pub(super) fn render(
        &self,
        status: StatusCode,
        entered: &Entered,
        error: Option<&FieldError>,
        elsewhere: Option<SummaryItem>,
    ) -> HttpResponse {
        let walk = self.walk;
        let back = if self.change {
            walk.check()
        } else {
            match self.answers.previous_before(self.def, self.question.id()) {
                Some(previous) => walk.question(previous.id(), false),
                None => walk.start(),
            }
        };
        let action = walk.question(self.question.id(), self.change);
        html(
            status,
            view::question_page(&QuestionPage {
                survey: self.def,
                question: self.question,
                entered,
                error,
                elsewhere,
                back_href: &back,
                action: &action,
                csrf: &self.csrf,
                walk,
            }),
        )
    }

    pub(super) fn saved(&self) -> Entered {
        self.answers
            .get(self.question.id())
            .map(Answer::to_entered)
            .unwrap_or_default()
    }
}

/// GET `/surveys/{slug}/questions/{question}`: one question, with the saved answer.
pub async fn show_question(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ChangeQuery>,
    ActiveDraft(active): ActiveDraft,
) -> Result<HttpResponse, AppError> {
    let (_, question_id) = path.into_inner();
    let def = &active.definition;
    question_page(
        &Walk::live(def.slug()),
        def,
        &active.draft.answers,
        &question_id,
        query.is_change(),
        state.csrf.token(&draft_scope(&active.token)),
    )
}

/// A question's page with its saved answer, for the live survey or a
/// preview; a question the answers so far do not show goes to where the
/// resident resumes, an unknown one is 404.
pub(super) fn question_page(
    walk: &Walk,
    def: &SurveyDefinition,
    answers: &DraftAnswers,
    question_id: &str,
    change: bool,
    csrf: String,
) -> Result<HttpResponse, AppError> {
    let question = def.question(question_id).ok_or(AppError::NotFound)?;
    if !is_shown(def, answers, question) {
        return Ok(redirect(&resume_url(walk, def, answers)));
    }
    let view = QuestionView {
        def,
        walk,
        question,
        answers,
        change,
        csrf,
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
    ActiveDraft(active): ActiveDraft,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (_, question_id) = path.into_inner();
    let def = Arc::clone(&active.definition);
    let question = def.question(&question_id).ok_or(AppError::NotFound)?;
    let walk = Walk::live(def.slug());
    let view = QuestionView {
        def: &def,
        walk: &walk,
        question,
        answers: &active.draft.answers,
        change: query.is_change(),
        csrf: state.csrf.token(&draft_scope(&active.token)),
    };

    if !is_shown(&def, &active.draft.answers, question) {
        return Ok(view.render(
            StatusCode::CONFLICT,
            &Entered::default(),
            None,
            Some(not_shown(&walk, &def, question)),
        ));
    }

    let form = read_form(&req, payload, state.max_form_bytes).await;
    if form.as_ref().is_ok_and(Form::filled_honeypot) {
        return Ok(bot_refused());
    }
    let answer = match checked_answer(&view, form, |f| {
        state.csrf.verify(&draft_scope(&active.token), f.csrf())
    }) {
        Ok(answer) => answer,
        Err(page) => return Ok(*page),
    };

    let change = query.is_change();
    let hash = active.token.hash();
    let draft = active.draft;
    let question_id = question.id().clone();
    let saved_def = Arc::clone(&def);
    let saved = with_drafts(&state, move |conn| {
        drafts::record_answer(conn, &hash, draft, &saved_def, &question_id, answer)
    })
    .await?;
    let Some(answers) = saved else {
        return Ok(redirect(&walk.done()));
    };
    Ok(redirect(&next_url(
        &walk,
        &def,
        &answers,
        question.id(),
        change,
    )))
}

/// The answer a question's form carries, through the resident's checks:
/// the form could be read, its CSRF token is good (`csrf_ok`), and the
/// answer is one the question takes. Otherwise the question's page again,
/// saying what to fix and keeping what was entered.
pub(super) fn checked_answer(
    view: &QuestionView<'_>,
    form: Result<Form, FormError>,
    csrf_ok: impl FnOnce(&Form) -> bool,
) -> Result<Answer, Box<HttpResponse>> {
    let at_answer = |message: String| FieldError {
        field: fields::ANSWER.to_owned(),
        message,
    };
    let form = form.map_err(|e| {
        view.render(
            e.status(),
            &view.saved(),
            Some(&at_answer(e.message())),
            None,
        )
    })?;
    let entered = super::form::entered(view.question, &form);
    if !csrf_ok(&form) {
        let error = at_answer(
            "This page had expired. Check your answer and select Continue again".to_owned(),
        );
        return Err(Box::new(view.render(
            StatusCode::FORBIDDEN,
            &entered,
            Some(&error),
            None,
        )));
    }
    Answer::parse(view.question, &entered).map_err(|refused| {
        let (status, error) = super::form::answer_error(&refused);
        Box::new(view.render(status, &entered, Some(&error), None))
    })
}

/// The back link of check-your-answers: the last question shown.
pub(super) fn last_question_url(
    walk: &Walk,
    def: &SurveyDefinition,
    answers: &DraftAnswers,
) -> String {
    match answers.applicable(def).last() {
        Some(q) => walk.question(q.id(), false),
        None => walk.start(),
    }
}

/// GET `/surveys/{slug}/check`: check your answers.
pub async fn show_check(
    state: web::Data<AppState>,
    ActiveDraft(active): ActiveDraft,
) -> Result<HttpResponse, AppError> {
    let def = &active.definition;
    let answers = &active.draft.answers;
    let csrf = state.csrf.token(&draft_scope(&active.token));
    let walk = Walk::live(def.slug());
    let back = last_question_url(&walk, def, answers);
    Ok(html(
        StatusCode::OK,
        view::check_page(def, &walk, answers, &[], &back, &csrf),
    ))
}

/// POST `/surveys/{slug}/submit`: stores the response, once, then confirms.
pub async fn submit_response(
    state: web::Data<AppState>,
    req: HttpRequest,
    ActiveDraft(active): ActiveDraft,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    if let Err(wait) = state.limits.check_submission(&req) {
        return Ok(super::limits::too_many(wait));
    }
    let def = Arc::clone(&active.definition);
    let csrf = state.csrf.token(&draft_scope(&active.token));
    let walk = Walk::live(def.slug());
    let back = last_question_url(&walk, &def, &active.draft.answers);
    let check_with = |status: StatusCode, errors: &[SummaryItem]| {
        html(
            status,
            view::check_page(&def, &walk, &active.draft.answers, errors, &back, &csrf),
        )
    };
    let form_problem = match read_form(&req, payload, state.max_form_bytes).await {
        Err(e) => Some((e.status(), e.message())),
        Ok(form) if !state.csrf.verify(&draft_scope(&active.token), form.csrf()) => Some((
            StatusCode::FORBIDDEN,
            "This page had expired. Check your answers and select Submit response again".to_owned(),
        )),
        Ok(_) => None,
    };
    if let Some((status, message)) = form_problem {
        let item = SummaryItem {
            message,
            href: "#main-content".to_owned(),
        };
        return Ok(check_with(status, &[item]));
    }

    let hash = active.token.hash();
    let draft = active.draft.clone();
    let stored_def = Arc::clone(&def);
    let outcome = with_db(&state, move |conn| {
        responses::submit_draft(conn, &hash, draft, &stored_def)
    })
    .await?;
    match outcome {
        Submitted::Stored(id) => {
            state.live.notify(id.0, super::live::Source::Own);
            Ok(redirect(&paths::done(def.slug())))
        }
        Submitted::AlreadySubmitted => Ok(redirect(&paths::done(def.slug()))),
        Submitted::Stale => Err(anyhow::anyhow!("draft kept changing during submit").into()),
        Submitted::Incomplete(missing) => Ok(check_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &unanswered_items(&walk, missing),
        )),
    }
}

/// GET `/surveys/{slug}/done`: the confirmation, for a draft that is stored.
pub async fn show_done(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    Ok(match standing(&state, &req, &survey).await? {
        Standing::Completed => html(
            StatusCode::OK,
            view::done_page(&survey.definition, &Walk::live(survey.definition.slug())),
        ),
        Standing::Active(_) => redirect(&paths::check(survey.definition.slug())),
        Standing::NoDraft | Standing::Problem(_) => {
            redirect(&paths::start(survey.definition.slug()))
        }
    })
}
