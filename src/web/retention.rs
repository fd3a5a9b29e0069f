//! Retention for administrators: a survey's periods, what will be deleted
//! and when, deleting what is due now; and the job that deletes it on a
//! schedule.

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::{AdminPage, SignedIn};
use super::form::read_officer_form;
use super::{AppState, html, on_pool, redirect, with_db};
use crate::catalogue::CurrentSurvey;
use crate::db::retention as storage;
use crate::domain::retention::{Retention, fields};
use crate::error::AppError;
use crate::paths;
use crate::retention;
use crate::views::SummaryItem;
use crate::views::retention::{RetentionPage, RunLine, retention_page};

/// How the job names itself in the runs and the audit log.
const SCHEDULED: &str = "scheduled job";
const BY_HAND: &str = "an administrator";

async fn render(
    state: &web::Data<AppState>,
    who: &SignedIn,
    survey: &CurrentSurvey,
    status: StatusCode,
    errors: &[SummaryItem],
    typed: Option<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let now = chrono::Utc::now();
    let id = survey.id;
    let shared = state.clone();
    let (stored, plan, runs) = with_db(state, move |c| {
        let stored = storage::find(c, id)?;
        let periods = stored.as_ref().map(|s| s.retention).unwrap_or_default();
        let plan = retention::plan_one(c, &shared.catalogue, id, periods, now)?;
        Ok((stored, plan, storage::recent_runs(c, 10)?))
    })
    .await?;
    let plan = plan.ok_or(AppError::NotFound)?;
    let shown = |m: Option<u32>| m.map(|m| m.to_string()).unwrap_or_default();
    let (free_text, responses) = typed.unwrap_or_else(|| {
        (
            shown(plan.retention.free_text_months()),
            shown(plan.retention.responses_months()),
        )
    });
    let runs: Vec<RunLine> = runs
        .into_iter()
        .map(|r| RunLine {
            at: r.at,
            started_by: r.started_by,
            free_texts: r.free_texts,
            responses: r.responses,
        })
        .collect();
    let definition = &survey.definition;
    Ok(html(
        status,
        retention_page(
            &who.viewer(),
            &RetentionPage {
                slug: definition.slug().as_str(),
                title: definition.title(),
                free_text: &free_text,
                responses: &responses,
                free_text_fate: plan.free_text,
                responses_fate: plan.responses,
                set: stored.as_ref().map(|s| (s.set_by.as_str(), s.set_at)),
                closed: plan.closed,
                free_texts_held: plan.holding.free_texts,
                responses_held: plan.holding.responses,
                free_text_deleted_at: stored.as_ref().and_then(|s| s.free_text_deleted_at),
                responses_deleted_at: stored.as_ref().and_then(|s| s.responses_deleted_at),
                deletes_now: plan.deletes_now(),
                runs: &runs,
            },
            errors,
        ),
    ))
}

/// GET `/admin/surveys/{slug}/retention`.
pub async fn show(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    render(&state, &who, &survey, StatusCode::OK, &[], None).await
}

/// POST `/admin/surveys/{slug}/retention`: sets the periods.
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
            let errors = [SummaryItem::at(fields::FREE_TEXT, message)];
            return render(&state, &who, &survey, status, &errors, None).await;
        }
    };
    let typed = (
        form.get(fields::FREE_TEXT).unwrap_or_default().to_owned(),
        form.get(fields::RESPONSES).unwrap_or_default().to_owned(),
    );
    let definition = &survey.definition;
    let parsed = Retention::parse(&typed.0, &typed.1, definition.fieldwork_window());
    let periods = match parsed {
        Ok(periods) => periods,
        Err(problems) => {
            let errors: Vec<SummaryItem> = problems
                .into_iter()
                .map(|p| SummaryItem::at(p.field, p.message))
                .collect();
            return render(
                &state,
                &who,
                &survey,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                Some(typed),
            )
            .await;
        }
    };
    let (id, officer, slug_text) = (survey.id, who.officer.id, slug.to_string());
    with_db(&state, move |c| {
        storage::set(c, id, &slug_text, periods, officer)
    })
    .await?;
    Ok(redirect(&paths::retention(&slug)))
}

/// POST `/admin/surveys/{slug}/retention/purge`: deletes what is due of
/// this survey now, rather than at the job's next run.
pub async fn purge_now(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    AdminPage(who): AdminPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    if let Err((status, message)) = read_officer_form(&state, &req, &who, payload).await {
        let errors = [SummaryItem::at("main-content", message)];
        return render(&state, &who, &survey, status, &errors, None).await;
    }
    let (id, slug_text, shared) = (survey.id, slug.to_string(), state.clone());
    let by = format!("{BY_HAND}, {}", who.officer.email);
    let officer = who.officer.id;
    with_db(&state, move |c| {
        let now = chrono::Utc::now();
        let periods = storage::find(c, id)?
            .map(|s| s.retention)
            .unwrap_or_default();
        let Some(plan) = retention::plan_one(c, &shared.catalogue, id, periods, now)? else {
            return Ok(());
        };
        let purged = if plan.deletes_now() {
            storage::purge(c, id, &slug_text, plan.due_now, &by, Some(officer))?
        } else {
            storage::Purged::default()
        };
        storage::record_run(c, &by, purged)
    })
    .await?;
    Ok(redirect(&paths::retention(&slug)))
}

/// Runs the retention job now and then every `every`, for as long as the
/// service runs. Several instances may run it at once: a purge deletes
/// only what is still there, so a second finds nothing.
pub async fn keep(state: web::Data<AppState>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        let shared = state.clone();
        let outcome: anyhow::Result<storage::Purged> = on_pool(&state.pool, move |c| {
            Ok(retention::run(
                c,
                &shared.catalogue,
                chrono::Utc::now(),
                SCHEDULED,
            )?)
        })
        .await;
        if let Err(e) = outcome {
            tracing::warn!("the retention job could not run: {e}");
        }
    }
}
