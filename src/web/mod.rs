//! The HTTP layer: one route table, shared state, the handlers, and the
//! middleware every response passes through (security headers, error pages).
//!
//! A handler reads like its route's story: extractors find what the request
//! is about and refuse what cannot go on (a signed-in officer in [`auth`], an
//! open survey or an active draft in [`resident`]); the handler parses the
//! form ([`form`]), calls the domain, storage through [`with_db`], and a view,
//! and answers. Rules live in `domain`, storage work (transactions, retries)
//! in `db`, figures in `stats`, markup in `views`. What is still thick, and
//! why: the streamed CSV export (`exports::stream_responses`) pumps storage
//! pages into the response body on a blocking thread, which only the HTTP
//! layer can own; and sign-in (`officer::submit_sign_in`) orders the
//! throttle, the lookup and the constant-time password check, an order that
//! is itself the security rule.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod builder;
pub mod channels;
pub mod editor;
pub mod exports;
pub mod form;
pub mod limits;
pub mod live;
pub mod metrics;
pub mod officer;
pub mod preview;
pub mod public;
pub mod resident;
pub mod results;
pub mod retention;
pub mod statements;
pub mod themes;
pub mod upload;
pub mod weighting;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{DefaultHeaders, ErrorHandlerResponse};
use actix_web::{HttpResponse, web};
use maud::Markup;

use crate::catalogue::{Catalogue, CurrentSurvey};
use crate::csrf::CsrfKey;
use crate::db::{AnyConnection, DbError, Pool};
use crate::domain::draft::DraftLifetime;
use crate::error::{AppError, Refusal};
use crate::paths::{self, route};

/// What every handler can reach.
#[derive(Debug)]
pub struct AppState {
    pub pool: Pool,
    /// Residents' drafts, whose commits do not wait for the disk
    /// ([`crate::db::DraftPool`]); responses are stored through `pool`.
    pub drafts: crate::db::DraftPool,
    /// Every survey's results as cells, kept up to date on each view.
    pub cells: crate::db::cells::CellStore,
    pub catalogue: Catalogue,
    pub csrf: CsrfKey,
    pub draft_lifetime: DraftLifetime,
    pub max_form_bytes: usize,
    pub throttle: auth::SignInThrottle,
    /// Failed sign-ins to unknown addresses the audit log takes one by one.
    pub unknown_sign_ins: auth::FailureLogBudget,
    pub live: live::LiveHub,
    /// Live pages' figures, worked out once for all who watch a view.
    pub live_views: results::LiveViews,
    pub limits: limits::Limits,
    /// The address residents reach (`PUBLIC_URL`), for links and QR codes
    /// that leave the service; none when not configured.
    pub public_url: Option<String>,
    /// The SHA-256 digest of the bearer token `/metrics` asks for; none:
    /// no metrics.
    pub metrics_token: Option<Vec<u8>>,
    /// Fewer respondents than this to a question: a small base.
    pub small_base: u64,
    /// The smallest count a public results page shows.
    pub public_min_count: u64,
    /// Public results pages as last rendered.
    pub public_pages: public::PageCache,
    /// What the privacy notices and the accessibility statement are built from.
    pub statements: statements::StatementSettings,
}

impl AppState {
    /// The current version of the survey with this slug, or 404.
    pub fn survey(&self, slug: &str) -> Result<CurrentSurvey, AppError> {
        self.catalogue.current(slug).ok_or(AppError::NotFound)
    }
}

/// The one route table, used by the server and by tests. Requests are
/// matched against the routes in order, each with a parameter being a
/// regular expression: the residents' pages, most of the traffic, come
/// first, so they are found after a handful of tries rather than sixty.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route(route::HOME, web::get().to(resident::home))
        .route(route::SURVEY_START, web::get().to(resident::show_start))
        .route(route::SURVEY_BEGIN, web::post().to(resident::begin_survey))
        .route(
            route::SURVEY_QUESTION,
            web::get().to(resident::show_question),
        )
        .route(
            route::SURVEY_QUESTION,
            web::post().to(resident::save_answer),
        )
        .route(route::SURVEY_CHECK, web::get().to(resident::show_check))
        .route(
            route::SURVEY_SUBMIT,
            web::post().to(resident::submit_response),
        )
        .route(route::SURVEY_DONE, web::get().to(resident::show_done))
        .route(route::PRIVACY, web::get().to(statements::service_privacy))
        .route(
            route::ACCESSIBILITY,
            web::get().to(statements::accessibility),
        )
        .route(
            route::SURVEY_PRIVACY,
            web::get().to(statements::survey_privacy),
        )
        .route(route::HEALTH, web::get().to(health))
        .route(route::METRICS, web::get().to(metrics::metrics))
        .route(route::ASSET, web::get().to(assets::serve))
        .route(route::OFFICERS, web::get().to(officer::dashboard))
        .route(route::SIGN_IN, web::get().to(officer::show_sign_in))
        .route(route::SIGN_IN, web::post().to(officer::submit_sign_in))
        .route(route::SIGN_OUT, web::post().to(officer::sign_out))
        .route(route::SETUP, web::get().to(officer::show_setup))
        .route(route::SETUP, web::post().to(officer::create_first_admin))
        .route(route::ADMIN_OFFICERS, web::get().to(officer::list_officers))
        .route(route::ADMIN_OFFICERS, web::post().to(officer::add_officer))
        .route(route::ADMIN_EXPORTS, web::get().to(exports::export_log))
        .route(
            route::ADMIN_SURVEY_STATE,
            web::post().to(officer::set_survey_state),
        )
        .route(
            route::ADMIN_NEW_SURVEY,
            web::get().to(builder::show_new_survey),
        )
        .route(
            route::ADMIN_NEW_SURVEY,
            web::post().to(builder::create_survey),
        )
        .route(route::ADMIN_DRAFT, web::get().to(builder::show_draft))
        .route(route::ADMIN_DRAFT_TOML, web::get().to(builder::draft_toml))
        .route(route::ADMIN_DRAFT_PUBLISH, web::post().to(builder::publish))
        .route(route::ADMIN_DRAFT_DISCARD, web::post().to(builder::discard))
        .route(route::CHANNELS, web::get().to(channels::show_channels))
        .route(route::WEIGHTING, web::get().to(weighting::show_weighting))
        .route(
            route::ADMIN_WEIGHTING_UPLOAD,
            web::post().to(weighting::upload_targets),
        )
        .route(
            route::ADMIN_WEIGHTING_RECOMPUTE,
            web::post().to(weighting::recompute),
        )
        .route(
            route::ADMIN_WEIGHTING_REMOVE,
            web::post().to(weighting::remove),
        )
        .route(route::PUBLIC_RESULTS, web::get().to(public::show))
        .route(route::PUBLIC_RESULTS_CSV, web::get().to(public::csv))
        .route(route::ADMIN_PUBLIC, web::get().to(public::show_admin))
        .route(route::ADMIN_PUBLIC, web::post().to(public::save))
        .route(route::CHANNEL_QR, web::get().to(channels::qr_code))
        .route(
            route::ADMIN_UPLOAD_SURVEY,
            web::get().to(upload::show_upload),
        )
        .route(
            route::ADMIN_UPLOAD_SURVEY,
            web::post().to(upload::create_from_file),
        )
        .route(
            route::ADMIN_DRAFT_UPLOAD,
            web::post().to(upload::replace_from_file),
        )
        .route(route::PREVIEW_START, web::get().to(preview::show_start))
        .route(route::PREVIEW_BEGIN, web::post().to(preview::begin))
        .route(
            route::PREVIEW_QUESTION,
            web::get().to(preview::show_question),
        )
        .route(
            route::PREVIEW_QUESTION,
            web::post().to(preview::save_answer),
        )
        .route(route::PREVIEW_CHECK, web::get().to(preview::show_check))
        .route(route::PREVIEW_SUBMIT, web::post().to(preview::submit))
        .route(route::PREVIEW_DONE, web::get().to(preview::show_done))
        .route(
            route::ADMIN_NEXT_VERSION,
            web::post().to(builder::start_next_version),
        )
        .route(
            route::ADMIN_DRAFT_SETTINGS,
            web::get().to(builder::show_settings),
        )
        .route(
            route::ADMIN_DRAFT_SETTINGS,
            web::post().to(builder::save_settings),
        )
        .route(
            route::ADMIN_DRAFT_ADD_QUESTION,
            web::get().to(editor::show_add_question),
        )
        .route(
            route::ADMIN_DRAFT_ADD_QUESTION,
            web::post().to(editor::add_question),
        )
        .route(
            route::ADMIN_DRAFT_QUESTION,
            web::get().to(editor::show_question),
        )
        .route(
            route::ADMIN_DRAFT_QUESTION,
            web::post().to(editor::change_question),
        )
        .route(
            route::ADMIN_DRAFT_QUESTION_MOVE,
            web::post().to(editor::move_question),
        )
        .route(
            route::ADMIN_DRAFT_QUESTION_REMOVE,
            web::post().to(editor::remove_question),
        )
        .route(
            route::ADMIN_DRAFT_ADD_OPTION,
            web::get().to(editor::show_add_option),
        )
        .route(
            route::ADMIN_DRAFT_ADD_OPTION,
            web::post().to(editor::add_option),
        )
        .route(
            route::ADMIN_DRAFT_OPTION,
            web::get().to(editor::show_option),
        )
        .route(
            route::ADMIN_DRAFT_OPTION,
            web::post().to(editor::change_option),
        )
        .route(
            route::ADMIN_DRAFT_OPTION_MOVE,
            web::post().to(editor::move_option),
        )
        .route(
            route::ADMIN_DRAFT_OPTION_REMOVE,
            web::post().to(editor::remove_option),
        )
        .route(route::ADMIN_AUDIT, web::get().to(audit::show))
        .route(route::ADMIN_AUDIT_CSV, web::get().to(audit::csv))
        .route(route::ADMIN_RETENTION, web::get().to(retention::show))
        .route(route::ADMIN_RETENTION, web::post().to(retention::save))
        .route(
            route::ADMIN_RETENTION_PURGE,
            web::post().to(retention::purge_now),
        )
        .route(
            route::ADMIN_API_TOKENS,
            web::post().to(officer::create_api_token),
        )
        .route(route::API_RESULTS, web::get().to(results::results_json))
        .route(route::RESULTS, web::get().to(results::show_results))
        .route(route::RESULTS_LIVE, web::get().to(results::live))
        .route(route::TEXT_ANSWERS, web::get().to(themes::show))
        .route(route::TEXT_THEMES, web::post().to(themes::add_theme))
        .route(route::TEXT_CODING, web::post().to(themes::save_coding))
        .route(route::TEXT_ASSIGN, web::post().to(themes::assign_matching))
        .route(
            route::EXPORT_RESPONSES,
            web::get().to(exports::responses_csv),
        )
        .route(
            route::EXPORT_RESPONSES_LONG,
            web::get().to(exports::responses_long_csv),
        )
        .route(
            route::EXPORT_SUMMARY_CSV,
            web::get().to(exports::summary_csv),
        )
        .route(
            route::EXPORT_SUMMARY_XLSX,
            web::get().to(exports::summary_xlsx),
        )
        .route(route::CHART, web::get().to(exports::chart))
        .route(route::REPORT, web::get().to(exports::report_html))
        .route(route::REPORT_DOCX, web::get().to(exports::report_docx))
        .route(route::DEFINITION, web::get().to(exports::definition_toml));
}

/// GET `/health`: 200 when the database answers, 503 when it does not.
async fn health(state: web::Data<AppState>) -> HttpResponse {
    let reached: anyhow::Result<bool> =
        on_pool(&state.pool, |conn| Ok(crate::db::answers_ping(conn))).await;
    let ok = reached.unwrap_or(false);
    if ok {
        HttpResponse::Ok().content_type("text/plain").body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body("database unavailable")
    }
}

/// Runs a storage operation on a connection from `pool`, off the async
/// threads: how the HTTP layer (handlers, extractors, the session store,
/// background tasks) reaches the database. The one exception is the raw CSV
/// export, whose blocking task holds a connection for the whole download.
pub async fn on_pool<T, E, F>(pool: &Pool, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
    T: Send + 'static,
    E: From<DbError> + From<actix_web::error::BlockingError> + Send + 'static,
{
    let pool = pool.clone();
    web::block(move || f(&mut *crate::db::get(&pool)?)).await?
}

/// [`on_pool`] on the service's pool, for handlers.
pub async fn with_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    on_pool(&state.pool, move |conn| Ok(f(conn)?)).await
}

/// Runs a drafts' operation ([`crate::db::drafts`]) on a connection of the
/// drafts' pool, off the async threads.
pub async fn with_drafts<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut crate::db::DraftConnection) -> Result<T, DbError> + Send + 'static,
    T: Send + 'static,
{
    let drafts = state.drafts.clone();
    let result: Result<T, DbError> = web::block(move || f(&mut drafts.get()?)).await?;
    Ok(result?)
}

/// The application state, for extractors (handlers take `web::Data<AppState>`).
pub fn app_state(req: &actix_web::HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("application state missing").into())
}

/// The refusal of a results view whose filters cannot be used.
pub fn bad_filters(slug: &str, message: &str) -> Refusal {
    Refusal::page(
        StatusCode::BAD_REQUEST,
        crate::views::errors::error_page(
            "Those filters cannot be used",
            &[message],
            Some((&paths::results(slug, ""), "See all the results")),
        ),
    )
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
            Some((paths::home(), "Go to the start page")),
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
