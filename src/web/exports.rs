//! Export handlers: raw responses (streamed), summary tables, charts, the
//! report; each honours the results page's filters and is logged.

use std::io::Write;

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use tokio::sync::mpsc;

use super::auth::{AdminPage, OfficerPage, SignedIn};
use super::results::{load_results, query_pairs, requested_view};
use super::{AppState, bad_filters, html, redirect, with_db};
use crate::catalogue::CurrentSurvey;
use crate::charts::Svg;
use crate::db::{self, exports};
use crate::domain::ResultsQuery;
use crate::domain::audit::{AuditAction, AuditFilter};
use crate::error::AppError;
use crate::export::columns::Naming;
use crate::export::raw_csv::{ExportError, PAGE, RawOptions, write_responses};
use crate::export::{docx, png, summary};
use crate::paths;
use crate::report::Report;
use crate::stats::SurveyResults;
use crate::stats::waves::WaveChanges;

/// Records the export: who, what, which survey and filters.
async fn log(
    state: &web::Data<AppState>,
    who: &SignedIn,
    slug: &str,
    kind: &str,
    query: &ResultsQuery,
) -> Result<(), AppError> {
    let (officer, slug, kind, filters) = (
        who.officer.id,
        slug.to_owned(),
        kind.to_owned(),
        query.to_query_string(),
    );
    with_db(state, move |c| {
        exports::log_export(c, officer, &slug, &kind, &filters)
    })
    .await
}

pub(super) fn attachment(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body)
}

fn flag(req: &HttpRequest, name: &str) -> bool {
    query_pairs(req).is_ok_and(|pairs| pairs.iter().any(|(k, v)| k == name && v == "1"))
}

/// A `Write` that hands the bytes, 64 KiB at a time, to the response stream;
/// the channel holds a few chunks, so a slow download slows the export
/// rather than filling memory.
struct ChannelWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<web::Bytes, std::io::Error>>,
}

const CHUNK: usize = 64 * 1024;

impl Write for ChannelWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(bytes);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = web::Bytes::from(std::mem::take(&mut self.buffer));
        self.sender
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "download stopped"))
    }
}

async fn stream_responses(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: String,
    who: SignedIn,
    long: bool,
) -> Result<HttpResponse, AppError> {
    let (survey, query) = requested_view(&state, &req, &slug)?;
    if long && query.weighted {
        return Err(bad_filters(
            &slug,
            "Weights come with the export of one row per response (responses.csv?weights=on), which has a weight column; the export of one row per answer has none",
        )
        .into());
    }
    // A weight column only when asked for and the survey has weights.
    let weighted = query.weighted && {
        let id = survey.id;
        with_db(&state, move |c| db::weighting::scheme(c, id))
            .await?
            .is_some()
    };
    let options = RawOptions {
        naming: if flag(&req, "ids") {
            Naming::Ids
        } else {
            Naming::Labels
        },
        bom: flag(&req, "bom"),
        long,
        weighted,
    };
    let kind = if long {
        "responses-long.csv"
    } else {
        "responses.csv"
    };
    log(&state, &who, &slug, kind, &query).await?;
    let (sender, mut receiver) = mpsc::channel(4);
    let pool = state.pool.clone();
    // A thread of its own, not the worker's blocking pool: a slow download
    // holds it for as long as it lasts, and the pool's few threads are kept
    // for residents' pages (see `startup::blocking_threads`).
    let spawned = std::thread::Builder::new()
        .name("raw-export".to_owned())
        .spawn(move || {
            let writer = ChannelWriter {
                buffer: Vec::with_capacity(CHUNK),
                sender: sender.clone(),
            };
            let outcome = db::get(&pool)
                .map_err(|e| ExportError::Read(e.into()))
                .and_then(|mut conn| {
                    let mut writer = writer;
                    let rows = write_responses(
                        &survey.definition,
                        options,
                        |after| {
                            exports::page_of_responses(
                                &mut conn,
                                survey.id,
                                &query.filters,
                                after,
                                PAGE,
                                weighted,
                            )
                        },
                        &mut writer,
                        |_| {},
                    )?;
                    writer.flush()?;
                    Ok(rows)
                });
            if let Err(e) = outcome {
                tracing::error!("raw export stopped: {e}");
                // Ending the body with an error makes the download fail visibly
                // rather than look complete.
                let _ = sender.blocking_send(Err(std::io::Error::other("the export stopped")));
            }
        });
    if let Err(e) = spawned {
        return Err(anyhow::anyhow!("cannot start the export: {e}").into());
    }
    let body = futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx));
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{slug}-{kind}\""),
        ))
        .streaming(body))
}

/// GET `/surveys/{slug}/exports/responses.csv`: one row per response
/// (`?ids=1` for ids instead of labels, `?bom=1` for Excel).
pub async fn responses_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    stream_responses(state, req, slug.into_inner(), who, false).await
}

/// GET `/surveys/{slug}/exports/responses-long.csv`: one row per chosen option.
pub async fn responses_long_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    stream_responses(state, req, slug.into_inner(), who, true).await
}

/// A view asked for, as the exports and the report need it: its results,
/// the compared groups (with `compare=`, each answer marked where it really
/// differs) and the changes since the reference wave (with `wave=`).
struct View {
    survey: CurrentSurvey,
    query: ResultsQuery,
    results: SurveyResults,
    groups: Vec<crate::views::results::Group>,
    changes: Option<WaveChanges>,
}

impl View {
    /// The compared groups as the summary exports take them.
    fn compared(&self) -> Vec<summary::Compared<'_>> {
        self.groups
            .iter()
            .map(|g| summary::Compared {
                label: &g.label,
                filters: &g.query,
                results: &g.results,
            })
            .collect()
    }

    /// Every test of difference across the groups; empty without `compare=`.
    fn differences(&self) -> Vec<crate::stats::difference::QuestionComparison> {
        let Some(split) = &self.query.compare else {
            return Vec::new();
        };
        crate::stats::difference::compare(&self.tested(), split.as_str())
    }

    fn tested(&self) -> Vec<crate::stats::difference::Group<'_>> {
        crate::views::results::tested(&self.groups)
    }
}

/// The view asked for and its results, or the refusal of bad filters.
async fn view_results(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    slug: &str,
) -> Result<View, AppError> {
    let (survey, query) = requested_view(state, req, slug)?;
    if query.waves.is_empty() && query.compare.is_none() {
        let results = results_of(state, &survey, &query).await?;
        return Ok(View {
            survey,
            query,
            results,
            groups: Vec::new(),
            changes: None,
        });
    }
    let (results, groups, waves) = super::results::load(state, &survey, &query).await?;
    let changes =
        crate::views::results::current_and_reference(&waves).map(|(current, reference)| {
            WaveChanges {
                current: current.label.clone(),
                since: reference.label.clone(),
                changes: crate::stats::waves::changes(&current.results, &reference.results),
                unweighted_because: current.unweighted_because.clone(),
            }
        });
    Ok(View {
        survey,
        query,
        results,
        groups,
        changes,
    })
}

/// The results of `survey` for the view `query`.
async fn results_of(
    state: &web::Data<AppState>,
    survey: &CurrentSurvey,
    query: &ResultsQuery,
) -> Result<SurveyResults, AppError> {
    let (current, filters, weighted) = (survey.clone(), query.filters.clone(), query.weighted);
    let shared = state.clone();
    with_db(state, move |c| {
        load_results(c, &shared, &current, &filters, weighted)
    })
    .await
}

/// GET `/surveys/{slug}/exports/summary.csv`.
pub async fn summary_csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let view = view_results(&state, &req, &slug).await?;
    let query = &view.query;
    let mut body = Vec::new();
    summary::write_summary_csv(
        &view.survey.definition,
        &view.results,
        &view.compared(),
        view.changes.as_ref(),
        &query.to_query_string(),
        &mut body,
    )
    .map_err(|e| AppError::Unexpected(e.into()))?;
    log(&state, &who, &slug, "summary.csv", query).await?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        &format!("{slug}-summary.csv"),
        body,
    ))
}

/// GET `/surveys/{slug}/exports/summary.xlsx`.
pub async fn summary_xlsx(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let view = view_results(&state, &req, &slug).await?;
    let differences = view.differences();
    let labels: Vec<&str> = view.groups.iter().map(|g| g.label.as_str()).collect();
    let body = summary::summary_xlsx(
        &view.survey.definition,
        &view.results,
        &view.query.to_query_string(),
        &summary::Beside {
            groups: &labels,
            differences: &differences,
            changes: view.changes.as_ref(),
        },
    )
    .map_err(|e| AppError::Unexpected(anyhow::anyhow!("the workbook could not be written: {e}")))?;
    log(&state, &who, &slug, "summary.xlsx", &view.query).await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!("{slug}-summary.xlsx"),
        body,
    ))
}

fn png_refused(e: &png::PngError) -> HttpResponse {
    html(
        StatusCode::SERVICE_UNAVAILABLE,
        crate::views::errors::error_page(
            "The PNG chart cannot be made here",
            &[&e.to_string()],
            None,
        ),
    )
}

/// GET `/surveys/{slug}/charts/{name}.svg` or `.png` (300 dpi).
pub async fn chart(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let (slug, file) = path.into_inner();
    let (name, extension) = file.rsplit_once('.').ok_or(AppError::NotFound)?;
    if extension != "svg" && extension != "png" {
        return Err(AppError::NotFound);
    }
    let (survey, query) = requested_view(&state, &req, &slug)?;
    if name != crate::charts::PER_DAY && survey.definition.question(name).is_none() {
        return Err(AppError::NotFound);
    }
    let results = results_of(&state, &survey, &query).await?;
    // For print, pies are drawn larger so their edge stays smooth at 300 dpi.
    let scale = if extension == "png" {
        crate::charts::PRINT_DRAWING_SCALE
    } else {
        1
    };
    let svg = crate::charts::named_at(&survey.definition, &results, name, "chart", scale)
        .ok_or(AppError::NotFound)?
        .map_err(|e| AppError::Unexpected(e.into()))?;
    log(&state, &who, &slug, &format!("chart {file}"), &query).await?;
    let filename = format!("{slug}-{file}");
    if extension == "svg" {
        let document = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
            svg.as_str()
        );
        return Ok(attachment(
            "image/svg+xml",
            &filename,
            document.into_bytes(),
        ));
    }
    let rendered = web::block(move || png::chart_to_png(&svg)).await?;
    match rendered {
        Ok(bytes) => Ok(attachment("image/png", &filename, bytes)),
        Err(e) => Ok(png_refused(&e)),
    }
}

/// GET `/surveys/{slug}/report`: the consultation section, ready to print.
pub async fn report_html(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let (query, report, pie, title) = report_for(&state, &req, &slug, 1).await?;
    log(&state, &who, &slug, "report", &query).await?;
    let docx_href = paths::report_docx(&slug, &query.to_query_string());
    Ok(html(
        StatusCode::OK,
        crate::views::report::report_page(&who.viewer(), &title, &report, pie, &docx_href),
    ))
}

/// The report of the view asked for, with its pie chart drawn `scale` times
/// larger (for print), and the survey's title; or the refusal of bad filters.
async fn report_for(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    slug: &str,
    scale: u32,
) -> Result<(ResultsQuery, Report, Option<Svg>, String), AppError> {
    let view = view_results(state, req, slug).await?;
    let mut report = crate::report::build(&view.survey.definition, &view.results);
    if let Some(changes) = &view.changes {
        report.add_changes(&view.survey.definition, changes);
    }
    if let Some(split) = &view.query.compare {
        let tested = view.tested();
        let page = crate::stats::difference::compare(&tested, split.as_str());
        report.add_differences(&tested, &page);
    }
    let View {
        survey,
        query,
        results,
        ..
    } = view;
    let pie = report
        .pie_question
        .as_deref()
        .and_then(|q| crate::charts::named_at(&survey.definition, &results, q, "report-pie", scale))
        .and_then(Result::ok);
    Ok((query, report, pie, survey.definition.title().to_owned()))
}

/// GET `/surveys/{slug}/report.docx`.
pub async fn report_docx(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let scale = crate::charts::PRINT_DRAWING_SCALE;
    let (query, report, svg, _) = report_for(&state, &req, &slug, scale).await?;
    let body = web::block(move || {
        let png = svg.and_then(|svg| png::chart_to_png(&svg).ok());
        docx::report_docx(&report, png.as_deref())
    })
    .await?
    .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    log(&state, &who, &slug, "report.docx", &query).await?;
    Ok(attachment(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &format!("{slug}-report.docx"),
        body,
    ))
}

/// GET `/admin/exports`: the exports are in the audit log now; this
/// address, kept for bookmarks, shows them there.
pub async fn export_log(AdminPage(_who): AdminPage) -> HttpResponse {
    let exports = AuditFilter {
        action: Some(AuditAction::Export),
        ..AuditFilter::default()
    };
    redirect(&paths::audit_with(&exports.query_string()))
}

/// GET `/surveys/{slug}/definition.toml`: the survey's definition file, as
/// residents answer it now or (`?version=N`) as published version N, to keep,
/// edit and load again.
pub async fn definition_toml(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    OfficerPage(_who): OfficerPage,
) -> Result<HttpResponse, AppError> {
    let survey = state.survey(&slug)?;
    let pairs = query_pairs(&req).map_err(|_| AppError::NotFound)?;
    let asked = pairs.iter().find(|(k, _)| k == "version").map(|(_, v)| v);
    let (number, text) = match asked {
        None => (survey.version_number, survey.definition.to_toml()),
        Some(value) => {
            let number: i32 = value
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or(AppError::NotFound)?;
            let id = survey.id;
            let found = with_db(&state, move |c| {
                db::surveys::find_version_number(c, id, number)
            })
            .await?
            .ok_or(AppError::NotFound)?;
            (number, found.to_toml())
        }
    };
    Ok(attachment(
        "application/toml; charset=utf-8",
        &format!("{slug}-version-{number}.toml"),
        text.into_bytes(),
    ))
}
