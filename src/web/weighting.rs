//! Weighting handlers: the page that shows a survey's population targets
//! and how raking to them went, and (for admins) uploading targets,
//! computing the weights again to take in new responses, and removing the
//! weighting. Nothing changes unless the targets are valid and raking can
//! run: a bad file or impossible targets leave the previous weights in force.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::{AdminPage, OfficerPage, SignedIn};
use super::form::{read_officer_form, read_upload};
use super::results::load_results;
use super::{AppState, html, redirect, with_db};
use crate::catalogue::CurrentSurvey;
use crate::db::weighting::Weighed;
use crate::db::{self, AnyConnection, DbError};
use crate::error::AppError;
use crate::stats::weighting::{self, RakeError, Raking, Targets, parse_targets, rake};
use crate::views::SummaryItem;
use crate::views::weighting::{WeightingPage, weighting_page};
use crate::{fields, paths};

/// The largest targets file taken.
pub const TARGETS_LIMIT: usize = 1024 * 1024;

/// Why weights could not be computed, as messages for the page.
fn rake_problem(targets: &Targets, e: &RakeError) -> String {
    match *e {
        RakeError::NoResponses => {
            "There are no complete responses to weight yet, so nothing was changed".to_owned()
        }
        RakeError::EmptyTarget { margin, option } => {
            let m = &targets.margins[margin];
            let o = &m.options[option];
            format!(
                "No respondent chose \u{201c}{}\u{201d} for \u{201c}{}\u{201d}, but the targets give it {} people: no weight can make up a group nobody is in. Merge it with a neighbouring group in the file, so nothing was changed",
                o.label, m.label, o.population
            )
        }
        RakeError::NobodyAnswered { margin } => format!(
            "No respondent answered \u{201c}{}\u{201d} with an answer the targets name, so nothing was changed",
            targets.margins[margin].label
        ),
    }
}

/// What a computation gives: the responses weighted (by id) and their
/// weights, or the problems that stopped it.
type Computed = Result<(Weighed, Raking), Vec<String>>;

/// Reads the targets, the responses' answers to the weighting questions,
/// and rakes.
fn compute(
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    csv: &str,
    cap: f64,
) -> Result<Computed, DbError> {
    let targets = match parse_targets(&survey.definition, csv) {
        Ok(t) => t,
        Err(problems) => return Ok(Err(problems.iter().map(ToString::to_string).collect())),
    };
    let (weighed, positions) = db::weighting::positions(conn, survey.id, &targets)?;
    Ok(match rake(&targets.shares(), &positions, cap) {
        Ok(raking) => Ok((weighed, raking)),
        Err(e) => Err(vec![rake_problem(&targets, &e)]),
    })
}

/// The weight cap a form gives, or why it cannot be used.
fn read_cap(value: Option<&str>) -> Result<f64, String> {
    let text = value.map(str::trim).unwrap_or_default();
    if text.is_empty() {
        return Ok(weighting::DEFAULT_CAP);
    }
    match text.parse::<f64>() {
        Ok(cap) if cap.is_finite() && cap > 1.0 && cap <= 100.0 => Ok(cap),
        _ => Err(format!(
            "Enter the weight cap as a number above 1 and at most 100, such as {}",
            weighting::DEFAULT_CAP
        )),
    }
}

/// The weighting page, with `errors` at the top.
async fn render(
    state: &web::Data<AppState>,
    who: &SignedIn,
    survey: &CurrentSurvey,
    status: StatusCode,
    errors: &[SummaryItem],
    cap_entered: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (current, shared) = (survey.clone(), state.clone());
    let (scheme, results) = with_db(state, move |c| {
        let scheme = db::weighting::scheme(c, current.id)?;
        let results = match &scheme {
            Some(_) => Some(load_results(c, &shared, &current, &[], true)?),
            None => None,
        };
        Ok((scheme, results))
    })
    .await?;
    let targets = scheme
        .as_ref()
        .and_then(|s| parse_targets(&survey.definition, &s.targets).ok());
    Ok(html(
        status,
        weighting_page(
            &who.viewer(),
            &WeightingPage {
                survey: &survey.definition,
                computed_by: scheme.as_ref().map(|s| s.computed_by.as_str()),
                targets: targets.as_ref(),
                results: results.as_ref(),
                cap: cap_entered.unwrap_or_else(|| {
                    scheme
                        .as_ref()
                        .map_or(weighting::DEFAULT_CAP, |s| s.cap)
                        .to_string()
                }),
            },
            errors,
        ),
    ))
}

/// GET `/surveys/{slug}/weighting`.
pub async fn show_weighting(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    render(&state, &who, &survey, StatusCode::OK, &[], None).await
}

/// Computes and stores the weights, or renders the page with why not.
async fn compute_and_save(
    state: &web::Data<AppState>,
    who: &SignedIn,
    survey: &CurrentSurvey,
    csv: String,
    cap: f64,
    at: &str,
) -> Result<HttpResponse, AppError> {
    let (current, officer, slug) = (
        survey.clone(),
        who.officer.id,
        survey.definition.slug().to_string(),
    );
    let outcome = with_db(state, move |c| {
        Ok(match compute(c, &current, &csv, cap)? {
            Ok((weighed, raking)) => {
                db::weighting::save(c, current.id, &slug, officer, &csv, cap, &weighed, &raking)?;
                Ok(raking)
            }
            Err(problems) => Err(problems),
        })
    })
    .await?;
    match outcome {
        Ok(raking) => {
            tracing::info!(
                survey = %survey.definition.slug(),
                by = %who.officer.email,
                responses = raking.weights.len(),
                iterations = raking.iterations,
                converged = raking.converged,
                "weights computed"
            );
            Ok(redirect(&paths::weighting(
                survey.definition.slug().as_str(),
            )))
        }
        Err(problems) => {
            let errors: Vec<SummaryItem> = problems
                .into_iter()
                .map(|p| SummaryItem::at(at, p))
                .collect();
            render(
                state,
                who,
                survey,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                Some(cap.to_string()),
            )
            .await
        }
    }
}

/// POST `/admin/surveys/{slug}/weighting`: a targets file (and a cap).
pub async fn upload_targets(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    match read_targets_upload(&state, &req, &who, payload).await {
        Ok((text, cap)) => {
            compute_and_save(&state, &who, &survey, text, cap, fields::TARGETS_FILE).await
        }
        Err((status, errors, entered)) => {
            render(&state, &who, &survey, status, &errors, entered).await
        }
    }
}

/// A refused upload: its status, the problems, and the cap as entered.
type Refused = (StatusCode, Vec<SummaryItem>, Option<String>);

/// The targets file's text and the cap of an upload form, or why not.
async fn read_targets_upload(
    state: &AppState,
    req: &HttpRequest,
    who: &SignedIn,
    payload: web::Payload,
) -> Result<(String, f64), Refused> {
    let at_file = |m: &str| vec![SummaryItem::at(fields::TARGETS_FILE, m)];
    let upload = read_upload(req, payload, TARGETS_LIMIT, fields::TARGETS_FILE)
        .await
        .map_err(|e| (e.status(), at_file(&e.message()), None))?;
    if !who.form_has_session_token(&state.csrf, &upload.form) {
        let expired =
            "This page had expired, so nothing was uploaded. Choose the file and upload it again";
        return Err((
            StatusCode::FORBIDDEN,
            vec![SummaryItem::at("main-content", expired)],
            None,
        ));
    }
    let entered = upload.form.get(fields::WEIGHT_CAP).map(str::to_owned);
    let unprocessable = |errors| (StatusCode::UNPROCESSABLE_ENTITY, errors, entered.clone());
    let cap = read_cap(entered.as_deref())
        .map_err(|m| unprocessable(vec![SummaryItem::at(fields::WEIGHT_CAP, m)]))?;
    if upload.file.is_empty() {
        return Err(unprocessable(at_file(
            "Choose a targets file (CSV) to upload",
        )));
    }
    let text = String::from_utf8(upload.file).map_err(|_| {
        unprocessable(at_file(
            "The file is not UTF-8 text. Save it as CSV UTF-8 (in Excel: Save as, CSV UTF-8) and upload it again",
        ))
    })?;
    Ok((text, cap))
}

/// POST `/admin/surveys/{slug}/weighting/recompute`: the same targets, over
/// every response now stored.
pub async fn recompute(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    if let Some(response) = checked_form(&state, &req, &who, &survey, payload).await? {
        return Ok(response);
    }
    let id = survey.id;
    let Some(scheme) = with_db(&state, move |c| db::weighting::scheme(c, id)).await? else {
        return Ok(redirect(&paths::weighting(&slug)));
    };
    compute_and_save(
        &state,
        &who,
        &survey,
        scheme.targets,
        scheme.cap,
        "main-content",
    )
    .await
}

/// POST `/admin/surveys/{slug}/weighting/remove`.
pub async fn remove(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    if let Some(response) = checked_form(&state, &req, &who, &survey, payload).await? {
        return Ok(response);
    }
    let (id, key, officer) = (survey.id, slug.to_string(), who.officer.id);
    with_db(&state, move |c| db::weighting::remove(c, id, &key, officer)).await?;
    tracing::info!(survey = %slug, by = %who.officer.email, "weighting removed");
    Ok(redirect(&paths::weighting(&slug)))
}

/// The form of a weighting button, or the page again with why not.
async fn checked_form(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    who: &SignedIn,
    survey: &CurrentSurvey,
    payload: web::Payload,
) -> Result<Option<HttpResponse>, AppError> {
    match read_officer_form(state, req, who, payload).await {
        Ok(_) => Ok(None),
        Err((status, message)) => {
            let errors = [SummaryItem::at("main-content", message)];
            render(state, who, survey, status, &errors, None)
                .await
                .map(Some)
        }
    }
}
