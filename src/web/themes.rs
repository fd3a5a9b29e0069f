//! Reading and coding free-text answers: a question's text answers or
//! "please specify" details, paged and searchable in the view's filters;
//! its themes; coding a page of answers; and giving a theme to every
//! answer a search finds. Any signed-in officer may code.

use std::collections::BTreeSet;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::{OfficerPage, SignedIn};
use super::form::{Form, read_officer_form};
use super::results::{parse_query, query_pairs, requested_view};
use super::{AppState, bad_filters, html, redirect, with_db};
use crate::catalogue::CurrentSurvey;
use crate::db::{self, themes::Coding, themes::NewTheme};
use crate::domain::themes::ThemeName;
use crate::domain::{Question, ResultsQuery};
use crate::error::AppError;
use crate::paths;
use crate::views::SummaryItem;
use crate::views::results::{TextAnswersPage, text_answers_page};

/// Answers on one page.
const PER_PAGE: u64 = 50;
/// The longest search accepted.
const MAX_SEARCH: usize = 200;

/// The field names of the coding forms, and the page's own.
mod fields {
    pub use crate::fields::{THEME, THEME_FOR, THEME_NAME, THEME_WAS};
    pub const SEARCH: &str = "q";
    pub const PAGE: &str = "page";
}

/// Which answers a page shows: the view's filters, the search, the page.
struct Wanted {
    query: ResultsQuery,
    search: String,
    page: u64,
}

impl Wanted {
    /// Reads them from a query string's or a form's pairs.
    fn read(survey: &CurrentSurvey, pairs: &[(String, String)]) -> Result<Wanted, String> {
        let query = parse_query(survey, pairs)?;
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.trim().to_owned())
        };
        let search = value(fields::SEARCH).unwrap_or_default();
        if search.chars().count() > MAX_SEARCH || search.chars().any(char::is_control) {
            return Err(format!(
                "Search for {MAX_SEARCH} characters or fewer, without control characters"
            ));
        }
        let page = match value(fields::PAGE).filter(|v| !v.is_empty()) {
            None => 1,
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|p| (1..=1_000_000).contains(p))
                .ok_or("The page must be a whole number from 1")?,
        };
        Ok(Wanted {
            query,
            search,
            page,
        })
    }

    /// The page's address.
    fn href(&self, slug: &str, question: &str) -> String {
        paths::text_answers(
            slug,
            question,
            &self.query.to_query_string(),
            &self.search,
            self.page,
        )
    }
}

/// The survey and its question with free text, or 404.
fn question_of<'a>(survey: &'a CurrentSurvey, id: &str) -> Result<&'a Question, AppError> {
    survey
        .definition
        .question(id)
        .filter(|q| !q.free_text_options().is_empty())
        .ok_or(AppError::NotFound)
}

/// Renders the page of answers with its themes; errors from a form and
/// the theme name as typed are shown with it.
#[expect(
    clippy::too_many_arguments,
    reason = "the page and what a form got wrong"
)]
async fn render(
    state: &web::Data<AppState>,
    who: &SignedIn,
    survey: &CurrentSurvey,
    question: &Question,
    wanted: &Wanted,
    status: StatusCode,
    errors: &[SummaryItem],
    typed_name: &str,
) -> Result<HttpResponse, AppError> {
    let (id, filters, search) = (
        survey.id,
        wanted.query.filters.clone(),
        wanted.search.clone(),
    );
    let question_key = question.id().as_str().to_owned();
    let options = question.free_text_options();
    let offset = i64::try_from((wanted.page - 1) * PER_PAGE).unwrap_or(i64::MAX);
    let limit = i64::try_from(PER_PAGE).unwrap_or(50);
    let (total, answers, themes, assigned) = with_db(state, move |c| {
        let (total, answers) = db::responses::page_of_texts(
            c,
            id,
            &question_key,
            &options,
            &filters,
            &search,
            offset,
            limit,
        )?;
        let themes = db::themes::list(c, id, &question_key)?;
        let theme_ids: Vec<i64> = themes.iter().map(|t| t.id).collect();
        let shown: Vec<i64> = answers.iter().map(|a| a.response).collect();
        let assigned = db::themes::assigned(c, &theme_ids, &shown)?;
        Ok((total, answers, themes, assigned))
    })
    .await?;
    let pages = total.unsigned_abs().div_ceil(PER_PAGE).max(1);
    if wanted.page > pages {
        return Err(AppError::NotFound);
    }
    Ok(html(
        status,
        text_answers_page(
            &who.viewer(),
            &TextAnswersPage {
                survey: &survey.definition,
                question,
                query: &wanted.query,
                search: &wanted.search,
                page: wanted.page,
                per_page: PER_PAGE,
                total: total.unsigned_abs(),
                answers: &answers,
                themes: &themes,
                assigned: &assigned.into_iter().collect(),
                errors,
                typed_name,
            },
        ),
    ))
}

/// GET `/surveys/{slug}/results/text/{question}`: the question's free-text
/// answers among the view's responses, newest first, a page at a time
/// (`page`), searchable (`q`), each with its themes.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let (survey, _) = requested_view(&state, &req, &slug)?;
    let question = question_of(&survey, &question_id)?;
    let pairs = query_pairs(&req).map_err(|message| bad_filters(&slug, &message))?;
    let wanted = Wanted::read(&survey, &pairs).map_err(|m| bad_filters(&slug, &m))?;
    render(
        &state,
        &who,
        &survey,
        question,
        &wanted,
        StatusCode::OK,
        &[],
        "",
    )
    .await
}

/// A coding form, read with its CSRF check, and the page it came from.
async fn read(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    who: &SignedIn,
    survey: &CurrentSurvey,
    payload: web::Payload,
) -> Result<(Form, Wanted), AppError> {
    let slug = survey.definition.slug().as_str();
    let form = read_officer_form(state, req, who, payload)
        .await
        .map_err(|(status, message)| {
            AppError::Refused(crate::error::Refusal::page(
                status,
                crate::views::errors::error_page(
                    "Nothing was saved",
                    &[message.as_str()],
                    Some((&paths::results(slug, ""), "Back to the results")),
                ),
            ))
        })?;
    let pairs: Vec<(String, String)> = form
        .fields()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let wanted = Wanted::read(survey, &pairs).map_err(|m| bad_filters(slug, &m))?;
    Ok((form, wanted))
}

/// POST `/surveys/{slug}/results/text/{question}/themes`: adds a theme.
pub async fn add_theme(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    OfficerPage(who): OfficerPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let survey = state.survey(&slug)?;
    let question = question_of(&survey, &question_id)?;
    let (form, wanted) = read(&state, &req, &who, &survey, payload).await?;
    let typed = form.get(fields::THEME_NAME).unwrap_or_default().to_owned();
    let refuse = |status: StatusCode, message: String| {
        let errors = [SummaryItem::at(fields::THEME_NAME, message)];
        let (state, who, survey, wanted, typed) = (&state, &who, &survey, &wanted, &typed);
        async move { render(state, who, survey, question, wanted, status, &errors, typed).await }
    };
    let name = match ThemeName::parse(&typed) {
        Ok(name) => name,
        Err(message) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, message).await,
    };
    let (id, question_key, by) = (survey.id, question_id.clone(), who.officer.id);
    let shown_name = name.as_str().to_owned();
    let added = with_db(&state, move |c| {
        db::themes::create(c, id, &slug, &question_key, &name, by)
    })
    .await?;
    match added {
        NewTheme::Added => Ok(redirect(
            &wanted.href(survey.definition.slug().as_str(), &question_id),
        )),
        NewTheme::Duplicate => {
            refuse(
                StatusCode::CONFLICT,
                format!("This question already has a theme called \u{201c}{shown_name}\u{201d}"),
            )
            .await
        }
    }
}

/// POST `/surveys/{slug}/results/text/{question}/coding`: saves the themes
/// of the answers on one page.
pub async fn save_coding(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    OfficerPage(who): OfficerPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let survey = state.survey(&slug)?;
    let question = question_of(&survey, &question_id)?;
    let (form, wanted) = read(&state, &req, &who, &survey, payload).await?;
    let mut coding = Coding::default();
    for (key, value) in form.fields() {
        let pair = |prefix: &str| {
            let response = key.strip_prefix(prefix)?.parse::<i64>().ok()?;
            Some((response, value.parse::<i64>().ok()?))
        };
        if let Some(pair) = pair(fields::THEME_WAS) {
            coding.before.insert(pair);
        } else if let Some(pair) = pair(fields::THEME_FOR) {
            coding.after.insert(pair);
        }
    }
    let answers: BTreeSet<i64> = coding
        .before
        .iter()
        .chain(&coding.after)
        .map(|(r, _)| *r)
        .collect();
    if answers.len() as u64 > PER_PAGE {
        return Err(bad_filters(&slug, "Save the themes of one page of answers at a time").into());
    }
    let options = question.free_text_options();
    let (id, question_key, by, slug_text) =
        (survey.id, question_id.clone(), who.officer.id, slug.clone());
    with_db(&state, move |c| {
        db::themes::save_coding(c, id, &slug_text, &question_key, &options, by, &coding)
    })
    .await?;
    Ok(redirect(&wanted.href(&slug, &question_id)))
}

/// POST `/surveys/{slug}/results/text/{question}/assign`: gives one theme
/// to every answer the page's search finds, in its filters.
pub async fn assign_matching(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    OfficerPage(who): OfficerPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question_id) = path.into_inner();
    let survey = state.survey(&slug)?;
    let question = question_of(&survey, &question_id)?;
    let (form, wanted) = read(&state, &req, &who, &survey, payload).await?;
    let (id, question_key) = (survey.id, question_id.clone());
    let themes = with_db(&state, move |c| db::themes::list(c, id, &question_key)).await?;
    let theme = form
        .get(fields::THEME)
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|t| themes.into_iter().find(|theme| theme.id == t));
    let refusal = match (&theme, wanted.search.is_empty()) {
        (None, _) => Some("Choose one of this question's themes"),
        (Some(_), true) => Some("Search for the answers to give the theme to first"),
        (Some(_), false) => None,
    };
    let (Some(theme), None) = (theme, refusal) else {
        let errors = [SummaryItem::at(fields::THEME, refusal.unwrap_or_default())];
        return render(
            &state,
            &who,
            &survey,
            question,
            &wanted,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            "",
        )
        .await;
    };
    let options = question.free_text_options();
    let (question_key, filters, search, by, slug_text) = (
        question_id.clone(),
        wanted.query.filters.clone(),
        wanted.search.clone(),
        who.officer.id,
        slug.clone(),
    );
    with_db(&state, move |c| {
        db::themes::assign_matching(
            c,
            id,
            &slug_text,
            &question_key,
            &options,
            &theme,
            &filters,
            &search,
            by,
        )
    })
    .await?;
    Ok(redirect(&wanted.href(&slug, &question_id)))
}
