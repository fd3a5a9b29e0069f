//! Our own CSS and icons, compiled into the binary and served from
//! `/assets/`, so nothing is ever fetched from another site.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;

/// Each served file: name, content type, bytes.
const FILES: &[(&str, &str, &str)] = &[
    (
        "civic.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/static/civic.css"),
    ),
    (
        "live.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/static/live.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_str!("../../assets/static/favicon.svg"),
    ),
];

/// GET `/assets/{name}`.
pub async fn serve(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let (_, content_type, body) = FILES
        .iter()
        .find(|(file, _, _)| *file == name.as_str())
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, *content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(*body))
}
