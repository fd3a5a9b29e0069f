//! The audit log for administrators: the page, filtered and paged, and its
//! entries as CSV. Downloading the CSV is itself an entry.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::AdminPage;
use super::exports::attachment;
use super::results::query_pairs;
use super::{AppState, html, with_db};
use crate::db::{audit, officers};
use crate::domain::audit::{AuditAction, AuditFilter, export_detail, keys};
use crate::error::{AppError, Refusal};
use crate::paths;
use crate::views::audit::{AuditPage, audit_page};

/// Entries per page.
const PER_PAGE: u64 = 100;

/// The most entries one CSV holds: a year of a busy partnership's log.
const CSV_LIMIT: i64 = 100_000;

/// The filter and page asked for, or a 400 page that says what to fix.
fn requested(req: &HttpRequest) -> Result<(AuditFilter, u64), AppError> {
    let refuse = |message: &str| {
        AppError::Refused(Refusal::page(
            StatusCode::BAD_REQUEST,
            crate::views::errors::error_page(
                "That filter cannot be used",
                &[message],
                Some((paths::audit(), "See the whole audit log")),
            ),
        ))
    };
    let pairs = query_pairs(req).map_err(|m| refuse(&m))?;
    let filter = AuditFilter::parse(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|m| refuse(&m))?;
    let page = match pairs
        .iter()
        .find(|(k, v)| k == keys::PAGE && !v.trim().is_empty())
    {
        None => 1,
        Some((_, v)) => v
            .parse::<u64>()
            .ok()
            .filter(|p| (1..=1_000_000).contains(p))
            .ok_or_else(|| refuse("The page must be a whole number from 1"))?,
    };
    Ok((filter, page))
}

/// GET `/admin/audit`: who did what, when, to which survey.
pub async fn show(
    state: web::Data<AppState>,
    req: HttpRequest,
    AdminPage(who): AdminPage,
) -> Result<HttpResponse, AppError> {
    let (filter, page) = requested(&req)?;
    let offset = i64::try_from((page - 1) * PER_PAGE).unwrap_or(i64::MAX);
    let wanted = filter.clone();
    let (total, entries, officers, surveys) = with_db(&state, move |c| {
        let (total, entries) = audit::page(c, &wanted, offset, PER_PAGE as i64)?;
        let officers: Vec<String> = officers::list_officers(c)?
            .into_iter()
            .map(|o| o.email)
            .collect();
        Ok((total, entries, officers, audit::surveys_named(c)?))
    })
    .await?;
    let total = total.unsigned_abs();
    if page > total.div_ceil(PER_PAGE).max(1) {
        return Err(AppError::NotFound);
    }
    Ok(html(
        StatusCode::OK,
        audit_page(
            &who.viewer(),
            &AuditPage {
                filter: &filter,
                officers: &officers,
                surveys: &surveys,
                entries: &entries,
                total,
                page,
                per_page: PER_PAGE,
            },
        ),
    ))
}

/// GET `/admin/audit.csv`: the entries matching the filter, newest first.
pub async fn csv(
    state: web::Data<AppState>,
    req: HttpRequest,
    AdminPage(who): AdminPage,
) -> Result<HttpResponse, AppError> {
    let (filter, _) = requested(&req)?;
    let officer = who.officer.id;
    let detail = export_detail("audit.csv", &filter.query_string());
    let entries = with_db(&state, move |c| {
        let (_, entries) = audit::page(c, &filter, 0, CSV_LIMIT)?;
        audit::append(c, Some(officer), AuditAction::Export, None, &detail)?;
        Ok(entries)
    })
    .await?;
    let body = web::block(move || {
        let mut out = Vec::new();
        crate::export::audit::write_csv(&entries, &mut out).map(|()| out)
    })
    .await?
    .map_err(|e| AppError::Unexpected(anyhow::anyhow!(e)))?;
    Ok(attachment("text/csv; charset=utf-8", "audit-log.csv", body))
}
