//! Public results: the page and open-data CSV residents read without
//! signing in, the admin page that chooses and publishes them, and the task
//! that moves published figures on.
//!
//! What is published is a snapshot ([`crate::db::public`]) of
//! [`crate::stats::public::PublicResults`], suppressed when it is made; the
//! public routes only read it, so they cost one small query and are served
//! with an `ETag` and `Cache-Control` for caches in front. A published page
//! moves on only once `k` more responses have arrived (checked every
//! `PUBLIC_REFRESH_SECONDS`), so two versions of it never differ by fewer
//! than `k` people.

use std::time::Duration;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::auth::{AdminPage, SignedIn};
use super::form::read_officer_form;
use super::results::load_results;
use super::{AppState, html, on_pool, redirect, with_db};
use crate::catalogue::CurrentSurvey;
use crate::db::public::{Choice, PublicPage};
use crate::db::{self, AnyConnection, DbError};
use crate::domain::Filter;
use crate::error::AppError;
use crate::stats::public::{Inputs, PublicResults, Republish, build, publishable_kind, republish};
use crate::views::SummaryItem;
use crate::views::public::{
    PublicAdminPage, PublicPageView, public_admin_page, public_page, public_waiting_page,
};
use crate::{fields, paths};

/// How long a cache may keep the public page before asking again.
const MAX_AGE: u32 = 60;

/// The published figures of `survey` from its responses now, with the
/// breakdown's groups.
fn compute(
    conn: &mut AnyConnection,
    state: &AppState,
    survey: &CurrentSurvey,
    questions: &[String],
    breakdown: Option<&str>,
) -> Result<PublicResults, DbError> {
    let whole = load_results(conn, state, survey, &[], false)?;
    let mut groups = Vec::new();
    let by = breakdown.and_then(|id| survey.definition.question(id));
    if let Some(by) = by {
        for option in by.options() {
            let filter = Filter {
                question: by.id().clone(),
                option: option.id().clone(),
            };
            let results = load_results(conn, state, survey, &[filter], false)?;
            groups.push((option.label().to_owned(), results));
        }
    }
    Ok(build(&Inputs {
        definition: &survey.definition,
        results: &whole,
        questions,
        breakdown: by.map(|q| (q.id().as_str(), groups.as_slice())),
        k: state.public_min_count,
    }))
}

/// The stored page and its published figures, if published.
async fn published(
    state: &web::Data<AppState>,
    survey: &CurrentSurvey,
) -> Result<(PublicPage, PublicResults), AppError> {
    let id = survey.id;
    let page = with_db(state, move |c| db::public::page(c, id))
        .await?
        .filter(|p| p.published)
        .ok_or(AppError::NotFound)?;
    let results: PublicResults = page
        .snapshot
        .as_deref()
        .and_then(|json| serde_json::from_str(json).ok())
        .ok_or(AppError::NotFound)?;
    Ok((page, results))
}

/// A response that a cache may keep, with an `ETag` of its body; `304`
/// when the reader already has it.
fn cacheable(req: &HttpRequest, content_type: &str, body: String) -> HttpResponse {
    let etag = format!(
        "\"{}\"",
        hex::encode(&Sha256::digest(body.as_bytes())[..16])
    );
    let cache = format!("public, max-age={MAX_AGE}");
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    if matches {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish();
    }
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .body(body)
}

/// Public pages as last rendered, per survey, with the version they show:
/// a page is rendered (its charts drawn) once per version, not per reader.
#[derive(Debug, Default)]
pub struct PageCache {
    pages: parking_lot::Mutex<std::collections::HashMap<i64, Rendered>>,
}

#[derive(Debug, Clone)]
struct Rendered {
    version: (Option<chrono::NaiveDateTime>, chrono::NaiveDateTime),
    html: std::sync::Arc<String>,
}

/// For a page shown only once the survey has closed, while it has not:
/// `Some` with the day it is due to close, if it has one.
fn waiting(
    state: &AppState,
    survey: &CurrentSurvey,
    after_closing: bool,
) -> Option<Option<chrono::DateTime<chrono::Utc>>> {
    if !after_closing {
        return None;
    }
    match state.catalogue.availability(survey, chrono::Utc::now()) {
        crate::domain::Availability::Closed(_) => None,
        _ => Some(survey.definition.closes()),
    }
}

/// GET `/surveys/{slug}/public-results`: no sign-in.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let id = survey.id;
    let version = with_db(&state, move |c| db::public::published_version(c, id))
        .await?
        .ok_or(AppError::NotFound)?;
    if let Some(closes) = waiting(&state, &survey, version.after_closing) {
        let body = public_waiting_page(&survey.definition, closes);
        return Ok(cacheable(
            &req,
            "text/html; charset=utf-8",
            body.into_string(),
        ));
    }
    let version = (version.snapshot_at, version.updated_at);
    let cached = state
        .public_pages
        .pages
        .lock()
        .get(&id.0)
        .filter(|r| r.version == version)
        .map(|r| r.html.clone());
    let html = match cached {
        Some(html) => html,
        None => {
            let (page, results) = published(&state, &survey).await?;
            let as_at = page
                .snapshot_at
                .map(|t| t.format("%-d %B %Y, %H:%M UTC").to_string())
                .unwrap_or_default();
            let body = public_page(&PublicPageView {
                survey: &survey.definition,
                results: &results,
                you_said: &page.you_said,
                as_at,
            });
            let html = std::sync::Arc::new(body.into_string());
            state.public_pages.pages.lock().insert(
                id.0,
                Rendered {
                    version: (page.snapshot_at, page.updated_at),
                    html: html.clone(),
                },
            );
            html
        }
    };
    Ok(cacheable(
        &req,
        "text/html; charset=utf-8",
        html.as_str().to_owned(),
    ))
}

/// The published tables as open data: one row per answer (and per group of
/// a breakdown), suppressed cells empty with a note.
fn open_data(results: &PublicResults) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "question_id",
        "question",
        "group",
        "answer",
        "count",
        "percent",
        "base",
        "note",
    ])?;
    let hidden = format!(
        "not shown: fewer than {} people, or would reveal one that is",
        results.k
    );
    for q in &results.questions {
        let base = q.base.map(|b| b.to_string()).unwrap_or_default();
        if let Some(why) = &q.withheld {
            out.write_record([q.id.as_str(), &q.label, "", "", "", "", "", why])?;
            continue;
        }
        for row in q.rows.iter().chain(&q.not_shown) {
            let count = row.count.map(|c| c.to_string()).unwrap_or_default();
            let percent = row.percent.map(|p| p.to_string()).unwrap_or_default();
            let note = if row.count.is_none() {
                hidden.as_str()
            } else {
                ""
            };
            out.write_record([
                q.id.as_str(),
                &q.label,
                "All",
                &row.label,
                &count,
                &percent,
                &base,
                note,
            ])?;
        }
        if let Some(b) = &q.breakdown
            && b.withheld.is_none()
        {
            for (g, (group, group_base)) in b.groups.iter().enumerate() {
                for (label, cells) in &b.rows {
                    let (count, percent) = cells[g];
                    out.write_record([
                        q.id.as_str(),
                        &q.label,
                        &format!("{}: {group}", b.by),
                        label,
                        &count.to_string(),
                        &percent.to_string(),
                        &group_base.to_string(),
                        "",
                    ])?;
                }
            }
        }
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// GET `/surveys/{slug}/public-results.csv`.
pub async fn csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let (page, results) = published(&state, &survey).await?;
    if waiting(&state, &survey, page.after_closing).is_some() {
        return Err(AppError::NotFound);
    }
    let body =
        open_data(&results).map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?;
    let mut response = cacheable(&req, "text/csv; charset=utf-8", body);
    response.headers_mut().insert(
        header::CONTENT_DISPOSITION,
        header::HeaderValue::from_str(&format!(
            "attachment; filename=\"{}-public-results.csv\"",
            survey.definition.slug()
        ))
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?,
    );
    Ok(response)
}

/// What the admin form asks for.
struct Entered {
    questions: Vec<String>,
    breakdown: Option<String>,
    you_said: String,
    after_closing: bool,
}

/// The admin page, with what was entered and any problems.
async fn render(
    state: &web::Data<AppState>,
    who: &SignedIn,
    survey: &CurrentSurvey,
    status: StatusCode,
    errors: &[SummaryItem],
    entered: Option<Entered>,
) -> Result<HttpResponse, AppError> {
    let id = survey.id;
    let stored = with_db(state, move |c| db::public::page(c, id)).await?;
    let preview: Option<PublicResults> = stored
        .as_ref()
        .and_then(|p| p.snapshot.as_deref())
        .and_then(|json| serde_json::from_str(json).ok());
    let entered = entered.unwrap_or_else(|| Entered {
        questions: stored
            .as_ref()
            .map(|p| p.question_ids())
            .unwrap_or_default(),
        breakdown: stored.as_ref().and_then(|p| p.breakdown.clone()),
        you_said: stored
            .as_ref()
            .map(|p| p.you_said.clone())
            .unwrap_or_default(),
        after_closing: stored.as_ref().is_some_and(|p| p.after_closing),
    });
    Ok(html(
        status,
        public_admin_page(
            &who.viewer(),
            &PublicAdminPage {
                survey: &survey.definition,
                questions: &entered.questions,
                breakdown: entered.breakdown.as_deref(),
                you_said: &entered.you_said,
                after_closing: entered.after_closing,
                published: stored.as_ref().is_some_and(|p| p.published),
                updated: stored.as_ref().map(|p| {
                    (
                        p.updated_by.clone(),
                        p.updated_at.format("%-d %B %Y %H:%M UTC").to_string(),
                    )
                }),
                preview: preview
                    .as_ref()
                    .filter(|_| stored.as_ref().is_some_and(|p| p.published)),
            },
            errors,
        ),
    ))
}

/// GET `/admin/surveys/{slug}/public`.
pub async fn show_admin(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    render(&state, &who, &survey, StatusCode::OK, &[], None).await
}

/// The longest "You said, we did".
const YOU_SAID_LIMIT: usize = 10_000;

/// POST `/admin/surveys/{slug}/public`: save, publish or unpublish.
pub async fn save(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let form = match read_officer_form(&state, &req, &who, payload).await {
        Ok(form) => form,
        Err((status, message)) => {
            let errors = [SummaryItem::at("main-content", message)];
            return render(&state, &who, &survey, status, &errors, None).await;
        }
    };
    let definition = &survey.definition;
    let mut errors = Vec::new();
    let mut questions = Vec::new();
    for (name, value) in form.fields() {
        if name != fields::PUBLIC_QUESTIONS {
            continue;
        }
        match definition.question(value) {
            Some(q) if publishable_kind(q.kind()) => {
                if !questions.iter().any(|c| c == value) {
                    questions.push(value.to_owned());
                }
            }
            Some(q) => errors.push(SummaryItem::at(
                fields::PUBLIC_QUESTIONS,
                format!(
                    "\u{201c}{}\u{201d} takes written answers, which are never published",
                    q.short_label()
                ),
            )),
            None => errors.push(SummaryItem::at(
                fields::PUBLIC_QUESTIONS,
                "Choose questions from this survey",
            )),
        }
    }
    // In the survey's own order.
    questions.sort_by_key(|id| {
        definition
            .questions()
            .iter()
            .position(|q| q.id().as_str() == id)
    });
    let breakdown = form
        .get(fields::PUBLIC_BREAKDOWN)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned);
    if let Some(by) = &breakdown {
        let fits = definition
            .question(by)
            .is_some_and(|q| q.kind().is_one_choice() && q.show_if().is_none());
        if !fits {
            errors.push(SummaryItem::at(
                fields::PUBLIC_BREAKDOWN,
                "Break down by a question everyone is asked that has one answer, such as where they live or their age",
            ));
        }
    }
    let you_said = form
        .get(fields::YOU_SAID)
        .unwrap_or_default()
        .replace("\r\n", "\n");
    if you_said.chars().count() > YOU_SAID_LIMIT {
        errors.push(SummaryItem::at(
            fields::YOU_SAID,
            format!(
                "Write \u{201c}You said, we did\u{201d} in {YOU_SAID_LIMIT} characters or fewer"
            ),
        ));
    }
    let after_closing = match form.get(fields::PUBLIC_WHEN).unwrap_or("live") {
        "live" => false,
        "after-closing" => true,
        _ => {
            errors.push(SummaryItem::at(
                fields::PUBLIC_WHEN,
                "Choose whether residents see the figures as responses come in or once the survey has closed",
            ));
            false
        }
    };
    let action = form.get(fields::PUBLIC_ACTION).unwrap_or("save").to_owned();
    if !["publish", "save", "unpublish"].contains(&action.as_str()) {
        errors.push(SummaryItem::at(
            "main-content",
            "Choose publish, save or unpublish",
        ));
    }
    if action == "publish" && questions.is_empty() && errors.is_empty() {
        errors.push(SummaryItem::at(
            fields::PUBLIC_QUESTIONS,
            "Choose at least one question to publish",
        ));
    }
    let entered = Entered {
        questions: questions.clone(),
        breakdown: breakdown.clone(),
        you_said: you_said.clone(),
        after_closing,
    };
    let id = survey.id;
    let mut responses = 0;
    // The figures to publish: computed only for a well-formed publish that
    // may show new ones, never two versions of the page fewer than k
    // responses apart.
    let mut figures: Option<PublicResults> = None;
    if errors.is_empty() && action == "publish" {
        let (counted, before) = with_db(&state, move |c| {
            Ok((
                db::responses::count_completed(c, id)?,
                db::public::page(c, id)?,
            ))
        })
        .await?;
        responses = counted;
        let previous: Option<(PublicResults, Option<String>)> = before.as_ref().and_then(|p| {
            let results = serde_json::from_str(p.snapshot.as_deref()?).ok()?;
            Some((results, p.breakdown.clone()))
        });
        match republish(
            previous.as_ref().map(|(r, b)| (r, b.as_deref())),
            &questions,
            breakdown.as_deref(),
            u64::try_from(responses).unwrap_or(0),
            state.public_min_count,
        ) {
            Republish::Fresh => {
                let (shared, current) = (state.clone(), survey.clone());
                let (chosen, by) = (questions.clone(), breakdown.clone());
                let fresh = with_db(&state, move |c| {
                    compute(c, &shared, &current, &chosen, by.as_deref())
                })
                .await?;
                errors = fresh
                    .empty_questions()
                    .iter()
                    .map(|q| {
                        SummaryItem::at(
                            fields::PUBLIC_QUESTIONS,
                            format!(
                                "\u{201c}{}\u{201d} would show no figure: {} Untick it to publish the rest, so nothing was published",
                                q.label,
                                q.withheld.as_deref().unwrap_or_default().trim_end_matches('.').to_owned() + "."
                            ),
                        )
                    })
                    .collect();
                figures = Some(fresh);
            }
            Republish::Keep(kept) => {
                responses = i64::try_from(kept.responses).unwrap_or(responses);
                figures = Some(kept);
            }
            Republish::Refuse { counted, arrived } => {
                let k = state.public_min_count;
                errors = vec![SummaryItem::at(
                    fields::PUBLIC_QUESTIONS,
                    format!(
                        "The figures last published count {counted} responses and only {arrived} more have arrived since. New questions or a new breakdown need {k} more, or comparing the two versions could reveal the answers of the few in between. Publish the same questions, or fewer, until then; nothing was changed"
                    ),
                )];
            }
        }
    }
    if !errors.is_empty() {
        return render(
            &state,
            &who,
            &survey,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            Some(entered),
        )
        .await;
    }
    let json = figures
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e.to_string())))?;
    let published = action == "publish";
    let audit = match action.as_str() {
        "publish" => format!(
            "published {} questions ({} responses){}",
            questions.len(),
            responses,
            if after_closing {
                ", shown once the survey has closed"
            } else {
                ""
            }
        ),
        "unpublish" => "unpublished".to_owned(),
        _ => "saved without publishing".to_owned(),
    };
    let (id, officer, slug_text) = (survey.id, who.officer.id, slug.to_string());
    with_db(&state, move |c| {
        db::public::save(
            c,
            id,
            &slug_text,
            officer,
            &Choice {
                questions: &questions,
                breakdown: breakdown.as_deref(),
                you_said: &you_said,
                published,
                after_closing,
                snapshot: json.as_deref().map(|j| (j, responses)),
            },
            &audit,
        )
    })
    .await?;
    Ok(redirect(&paths::public_admin(&slug)))
}

/// Moves published figures on, every `every`, for surveys with at least
/// `k` responses more than their figures count.
pub async fn keep_fresh(state: web::Data<AppState>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let shared = state.clone();
        let outcome: anyhow::Result<usize> =
            on_pool(&state.pool, move |c| Ok(refresh(c, &shared)?)).await;
        if let Err(e) = outcome {
            tracing::warn!("could not bring the public results up to date: {e}");
        }
    }
}

/// One pass: the surveys whose published figures moved on.
fn refresh(conn: &mut AnyConnection, state: &AppState) -> Result<usize, DbError> {
    let mut moved = 0;
    for (id, counted) in db::public::published(conn)? {
        let Some(survey) = state.catalogue.all().into_iter().find(|s| s.id == id) else {
            continue;
        };
        let now = db::responses::count_completed(conn, id)?;
        if now < counted + i64::try_from(state.public_min_count).unwrap_or(i64::MAX) {
            continue;
        }
        let Some(page) = db::public::page(conn, id)? else {
            continue;
        };
        let figures = compute(
            conn,
            state,
            &survey,
            &page.question_ids(),
            page.breakdown.as_deref(),
        )?;
        // The figures are of every response stored when they were counted:
        // count again so the snapshot says exactly how many.
        let responses = i64::try_from(figures.responses).unwrap_or(now);
        let json = serde_json::to_string(&figures).unwrap_or_default();
        if !json.is_empty() && db::public::refresh_snapshot(conn, id, counted, &json, responses)? {
            moved += 1;
        }
    }
    Ok(moved)
}
