//! The HTTP layer: one route table, shared state, thin handlers, and the
//! middleware every response passes through (security headers, error pages).

pub mod assets;
pub mod auth;
pub mod exports;
pub mod form;
pub mod limits;
pub mod officer;
pub mod resident;
pub mod results;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse};
use actix_web::{HttpResponse, web};
use maud::Markup;

use crate::catalogue::Catalogue;
use crate::csrf::CsrfKey;
use crate::db::Pool;

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub pool: Pool,
    pub catalogue: Catalogue,
    pub csrf: CsrfKey,
    pub draft_lifetime: std::time::Duration,
    pub max_form_bytes: usize,
    pub throttle: auth::SignInThrottle,
    pub live: results::LiveHub,
    pub limits: limits::Limits,
}

/// The one route table, used by the server and by tests.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(resident::home))
        .route("/health", web::get().to(health))
        .route("/assets/{name}", web::get().to(assets::serve))
        .route("/officers", web::get().to(officer::dashboard))
        .route("/officers/sign-in", web::get().to(officer::show_sign_in))
        .route("/officers/sign-in", web::post().to(officer::submit_sign_in))
        .route("/officers/sign-out", web::post().to(officer::sign_out))
        .route(
            "/officers/setup/{token}",
            web::get().to(officer::show_setup),
        )
        .route(
            "/officers/setup/{token}",
            web::post().to(officer::create_first_admin),
        )
        .route("/admin/officers", web::get().to(officer::list_officers))
        .route("/admin/exports", web::get().to(exports::export_log))
        .route(
            "/admin/surveys/{slug}/state",
            web::post().to(officer::set_survey_state),
        )
        .route("/admin/officers", web::post().to(officer::add_officer))
        .route(
            "/admin/api-tokens",
            web::post().to(officer::create_api_token),
        )
        .route(
            "/api/surveys/{slug}/results",
            web::get().to(results::results_json),
        )
        .service(
            web::scope("/surveys/{slug}")
                .route("", web::get().to(resident::show_start))
                .route("/start", web::post().to(resident::begin_survey))
                .route(
                    "/questions/{question}",
                    web::get().to(resident::show_question),
                )
                .route(
                    "/questions/{question}",
                    web::post().to(resident::save_answer),
                )
                .route("/check", web::get().to(resident::show_check))
                .route("/submit", web::post().to(resident::submit_response))
                .route("/done", web::get().to(resident::show_done))
                .route("/results", web::get().to(results::show_results))
                .route("/results/live", web::get().to(results::live))
                .route(
                    "/exports/responses.csv",
                    web::get().to(exports::responses_csv),
                )
                .route(
                    "/exports/responses-long.csv",
                    web::get().to(exports::responses_long_csv),
                )
                .route("/exports/summary.csv", web::get().to(exports::summary_csv))
                .route(
                    "/exports/summary.xlsx",
                    web::get().to(exports::summary_xlsx),
                )
                .route("/charts/{file}", web::get().to(exports::chart))
                .route("/report", web::get().to(exports::report_html))
                .route("/report.docx", web::get().to(exports::report_docx)),
        );
}

/// GET `/health`: 200 when the database answers, 503 when it does not.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let ok = web::block(move || {
        crate::db::get(&pool).is_ok_and(|mut conn| {
            use diesel::r2d2::R2D2Connection;
            conn.ping().is_ok()
        })
    })
    .await
    .unwrap_or(false);
    if ok {
        HttpResponse::Ok().content_type("text/plain").body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable")
    }
}

/// Runs a storage operation on a pooled connection, off the async threads.
pub async fn with_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, crate::error::AppError>
where
    F: FnOnce(&mut crate::db::AnyConnection) -> Result<T, crate::db::DbError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    Ok(web::block(move || f(&mut *crate::db::get(&pool)?)).await??)
}

/// An HTML page with a status.
pub fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

/// 303 See Other: after a POST, the browser GETs `location`.
pub fn redirect(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Security headers on every response. Pages use no inline script or style,
/// so the policy allows only our own files.
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "no-referrer"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ))
        .add((header::CROSS_ORIGIN_OPENER_POLICY, "same-origin"))
        .add((header::CACHE_CONTROL, "no-store"))
}

/// Whether a request came from a page on another site: the browser says so
/// in `Sec-Fetch-Site`, or its `Origin` names another host. Requests without
/// either (old browsers, scripts) are judged by their CSRF token alone.
pub fn is_cross_site(req: &actix_web::HttpRequest) -> bool {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if let Some(site) = header("sec-fetch-site") {
        return !(site == "same-origin" || site == "none");
    }
    match header("origin") {
        Some(origin) => {
            let host = origin.split_once("://").map(|(_, h)| h).unwrap_or("");
            host != req.connection_info().host()
        }
        None => false,
    }
}

/// Refuses every POST that a page on another site sent: a second line of
/// defence beside each form's CSRF token, which also covers the forms whose
/// token cannot be tied to a session (the survey start and sign-in).
pub async fn refuse_cross_site_posts(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == actix_web::http::Method::POST && is_cross_site(req.request()) {
        let page = crate::views::errors::error_page(
            "This form came from another website",
            &["Nothing has been saved. Open the survey or service directly and try again."],
            Some(("/", "Go to the start page")),
        );
        let response = html(StatusCode::FORBIDDEN, page);
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Gives error responses that have no page of their own (a 404 from routing,
/// a 405, an extractor's 400) the service's HTML error page.
pub fn render_plain_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    // Pages and JSON already say what went wrong; plain text and empty
    // bodies (routing, extractors) get the HTML error page.
    let has_own_body = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if has_own_body {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let (req, old) = res.into_parts();
    let mut new = HttpResponse::build(status);
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.append_header((name.clone(), value.clone()));
        }
    }
    let body: BoxBody = BoxBody::new(crate::error::status_page(status).into_string());
    let response = new.content_type("text/html; charset=utf-8").body(body);
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}
