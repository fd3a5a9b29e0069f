//! `GET /metrics`: the Prometheus text format, off unless `METRICS_TOKEN`
//! is set, and then only for `Authorization: Bearer <token>` (401 without).
//! A middleware counts every request by route pattern, method and status
//! and times it.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::{AppState, with_db};
use crate::error::AppError;
use crate::telemetry::{InstanceFigures, METRICS};

/// Counts and times every request, by the route pattern it matched
/// (`unmatched` for none): never the path itself, which may hold tokens.
pub async fn record(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let response = next.call(req).await?;
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    METRICS
        .requests
        .with_label_values(&[route.as_str(), method.as_str(), response.status().as_str()])
        .inc();
    METRICS
        .latency
        .with_label_values(&[route.as_str()])
        .observe(started.elapsed().as_secs_f64());
    Ok(response)
}

/// Whether the request carries the metrics token (compared as digests, so
/// the comparison's time says nothing about the token).
fn authorised(req: &HttpRequest, digest: &[u8]) -> bool {
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    Sha256::digest(given.as_bytes()).as_slice() == digest
}

/// GET `/metrics`.
pub async fn metrics(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some(token) = &state.metrics_token else {
        return Err(AppError::NotFound);
    };
    if !authorised(&req, token) {
        return Ok(HttpResponse::build(StatusCode::UNAUTHORIZED)
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .content_type("text/plain; charset=utf-8")
            .body("the metrics need Authorization: Bearer METRICS_TOKEN"));
    }
    let surveys = state.catalogue.all();
    let ids: Vec<_> = surveys.iter().map(|s| s.id).collect();
    let progress = with_db(&state, move |c| crate::db::results::count_progress(c, &ids)).await?;
    let figures = InstanceFigures {
        surveys: surveys
            .iter()
            .zip(progress)
            .map(|(survey, (started, completed))| {
                (survey.definition.slug().as_str(), started, completed)
            })
            .collect(),
        live_updates: super::live::Source::ALL
            .iter()
            .map(|s| (s.label(), state.live.received(*s)))
            .collect(),
        live_listening: state.live.listening(),
        live_views: state.live_views.counts(),
        cells: state
            .cells
            .built()
            .into_iter()
            .filter_map(|(id, n)| {
                let survey = surveys.iter().find(|s| s.id == id)?;
                Some((survey.definition.slug().as_str(), n))
            })
            .collect(),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(METRICS.render(&figures)))
}
