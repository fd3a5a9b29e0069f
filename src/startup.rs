//! Building the application: open the database and migrate it, load and
//! publish the survey definitions, settle the secret key, bind the listener
//! (port 0 allowed), and only then report the port.

use std::net::TcpListener;
use std::time::Duration;

use actix_session::SessionMiddleware;
use actix_session::config::BrowserSession;
use actix_web::cookie::{Key, SameSite, time};
use actix_web::dev::Server;
use actix_web::middleware::ErrorHandlers;
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::catalogue::{Catalogue, load_definitions};
use crate::config::Settings;
use crate::csrf::CsrfKey;
use crate::db::{self, secrets};
use crate::domain::SetupToken;
use crate::domain::draft::DraftLifetime;
use crate::domain::token::random_hex;
use crate::paths;
use crate::web::auth::{DbSessionStore, SESSION_COOKIE, SignInThrottle};
use crate::web::limits::{Limit, Limits};
use crate::web::live::LiveHub;
use crate::web::{
    AppState, configure, on_pool, refuse_cross_site_posts, render_plain_errors, security_headers,
};

/// A built application, bound and ready to run.
pub struct Application {
    port: u16,
    host: String,
    public_url: Option<String>,
    /// The one-time link that creates the first admin, while there is none.
    setup_path: Option<String>,
    server: Server,
    pool: db::Pool,
    draft_lifetime: DraftLifetime,
    state: web::Data<AppState>,
    /// Where to hear other instances' responses (PostgreSQL).
    listen: Option<db::notify::ListenTarget>,
    /// The SQLite file's "in use" lock, held while serving.
    claim: Option<std::fs::File>,
    /// How often published public figures are brought up to date.
    public_refresh: Duration,
    /// How often the retention job runs.
    retention_interval: Duration,
}

/// How often abandoned drafts are cleared.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// With no admin yet, a new one-time setup token (its hash stored, replacing
/// any earlier one) and the path that uses it.
fn first_admin_setup(conn: &mut db::AnyConnection) -> anyhow::Result<Option<String>> {
    let token = SetupToken::generate();
    let needed = db::officers::renew_setup_token(conn, &token.hash())?;
    Ok(needed.then(|| paths::setup(token.expose())))
}

/// How often versions published and open/close decisions made on other
/// instances are read.
const CATALOGUE_POLL: Duration = Duration::from_secs(1);

/// Keeps the catalogue's published versions and open/close decisions in
/// step with the database.
async fn watch_catalogue(state: web::Data<AppState>) {
    let mut every = tokio::time::interval(CATALOGUE_POLL);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut failing = false;
    loop {
        every.tick().await;
        let shared = state.clone();
        let refreshed: anyhow::Result<()> =
            on_pool(&state.pool, move |c| Ok(shared.catalogue.refresh(c)?)).await;
        // Said once when it starts failing, not every second of an outage.
        match refreshed {
            Ok(()) => failing = false,
            Err(e) if !failing => {
                failing = true;
                tracing::warn!("could not read the published surveys and their state: {e}");
            }
            _ => {}
        }
    }
}

/// Threads each HTTP worker may run blocking work on (database calls,
/// password hashing, charts): together, as many as a pool has connections,
/// and at least two per worker. Each worker has its own blocking pool;
/// actix-web's default is 512 threads shared out among the workers. With a
/// thread per waiting request, 32 residents at once kept 32 threads waking
/// and sleeping on 8 connections and SQLite's one writer: bounded to the
/// pool, a request waits in the worker's queue instead, and the service
/// spent about a fifth less CPU per completed survey (bench/README.md).
/// Work that may last (a raw export's download) runs on its own thread.
fn blocking_threads(pool_size: u32, workers: usize) -> usize {
    usize::try_from(pool_size)
        .unwrap_or(usize::MAX)
        .div_ceil(workers.max(1))
        .max(2)
}

/// A new random secret key: 64 bytes, hex-encoded.
fn generate_secret() -> String {
    random_hex(64)
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let definitions = load_definitions(&settings.surveys_dir)?;
        for definition in &definitions {
            let needed = definition.largest_answer_form();
            if needed > settings.max_form_bytes {
                anyhow::bail!(
                    "survey {}: an answer may need up to {needed} bytes as a browser sends it, \
                     but MAX_FORM_BYTES is {}: raise MAX_FORM_BYTES or lower the question's max_length",
                    definition.slug(),
                    settings.max_form_bytes
                );
            }
        }
        let prepared = settings.clone();
        let (pool, drafts, catalogue, secret, setup_path, claim) =
            web::block(move || -> anyhow::Result<_> {
                let settings = prepared;
                let pool = db::connect(&settings.database_url, settings.db_pool_size)?;
                let drafts = db::DraftPool::connect(&settings.database_url, settings.db_pool_size)?;
                let mut conn = db::get(&pool)?;
                let catalogue =
                    Catalogue::publish(&mut conn, definitions, settings.default_survey.clone())?;
                let secret = match &settings.secret_key {
                    Some(key) => key.expose().to_owned(),
                    None => secrets::get_or_create(&mut conn, "secret_key", generate_secret)
                        .context("cannot read or store the generated secret key")?,
                };
                let setup_path = first_admin_setup(&mut conn)?;
                let claim = db::claim_sqlite(&settings.database_url)?;
                Ok((pool, drafts, catalogue, secret, setup_path, claim))
            })
            .await??;

        let state = web::Data::new(AppState {
            pool: pool.clone(),
            drafts,
            cells: Default::default(),
            catalogue,
            csrf: CsrfKey::new(secret.as_bytes()),
            draft_lifetime: DraftLifetime::new(settings.draft_lifetime),
            max_form_bytes: settings.max_form_bytes,
            public_url: settings.public_url.clone(),
            metrics_token: settings.metrics_token.as_ref().map(|t| {
                use sha2::Digest;
                sha2::Sha256::digest(t.expose().as_bytes()).to_vec()
            }),
            small_base: settings.small_base,
            public_min_count: settings.public_min_count,
            public_pages: Default::default(),
            statements: crate::web::statements::StatementSettings {
                organisation: settings.organisation.clone(),
                contact_email: settings.contact_email.clone(),
                lawful_basis: settings.lawful_basis.clone(),
            },
            live: LiveHub::default(),
            live_views: Default::default(),
            limits: Limits {
                submissions: Limit::per_minute(settings.submissions_per_minute),
                sign_ins: Limit::per_minute(settings.sign_ins_per_minute),
                trusted_proxies: settings.trusted_proxies.clone(),
            },
            unknown_sign_ins: crate::web::auth::FailureLogBudget::new(10),
            throttle: SignInThrottle::new(
                settings.sign_in_max_failures,
                settings.sign_in_lockout,
                Duration::from_millis(250),
            ),
        });
        let poller_state = state.clone();
        let session_key = Key::derive_from(secret.as_bytes());
        let session_store = DbSessionStore::new(pool.clone());
        let secure_cookies = settings.serves_https();
        let listener = TcpListener::bind(&settings.bind_address)
            .with_context(|| format!("cannot listen on {}", settings.bind_address))?;
        let address = listener.local_addr()?;
        let workers = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        let server = HttpServer::new(move || {
            let sessions = SessionMiddleware::builder(session_store.clone(), session_key.clone())
                .cookie_name(SESSION_COOKIE.to_owned())
                .cookie_same_site(SameSite::Strict)
                .cookie_http_only(true)
                .cookie_secure(secure_cookies)
                .session_lifecycle(BrowserSession::default().state_ttl(time::Duration::hours(8)))
                .build();
            App::new()
                .app_data(state.clone())
                .wrap(sessions)
                .wrap(actix_web::middleware::from_fn(refuse_cross_site_posts))
                .wrap(ErrorHandlers::new().default_handler(render_plain_errors))
                .wrap(security_headers())
                .wrap(actix_web::middleware::from_fn(crate::web::metrics::record))
                .configure(configure)
        })
        .workers(workers)
        .worker_max_blocking_threads(blocking_threads(settings.db_pool_size, workers))
        .listen(listener)?
        .run();
        let host = if address.ip().is_unspecified() {
            "localhost".to_owned()
        } else {
            address.ip().to_string()
        };
        Ok(Application {
            port: address.port(),
            host,
            public_url: settings.public_url.clone(),
            setup_path,
            server,
            pool,
            draft_lifetime: DraftLifetime::new(settings.draft_lifetime),
            state: poller_state,
            listen: db::notify::ListenTarget::of(&settings.database_url),
            claim,
            public_refresh: settings.public_refresh,
            retention_interval: settings.retention_interval,
        })
    }

    /// The port bound, useful when the settings asked for port 0.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The address to open in a browser.
    pub fn url(&self) -> String {
        match &self.public_url {
            Some(url) => format!("{url}/"),
            None => format!("http://{}:{}/", self.host, self.port),
        }
    }

    /// The one-time link that creates the first admin, while there is none.
    pub fn setup_url(&self) -> Option<String> {
        let base = self.url();
        self.setup_path
            .as_ref()
            .map(|path| format!("{}{path}", base.trim_end_matches('/')))
    }

    /// Serves until the server stops; meanwhile clears abandoned drafts at
    /// start and every hour.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let (pool, lifetime) = (self.pool, self.draft_lifetime);
        let limits_state = self.state.clone();
        let forget = tokio::spawn(async move {
            let mut every = tokio::time::interval(Duration::from_secs(60));
            loop {
                every.tick().await;
                limits_state.limits.submissions.forget_idle();
                limits_state.limits.sign_ins.forget_idle();
            }
        });
        let purge = tokio::spawn(async move {
            let mut every = tokio::time::interval(PURGE_EVERY);
            loop {
                every.tick().await;
                let purged: anyhow::Result<usize> = on_pool(&pool, move |conn| {
                    db::officers::purge_expired_sessions(conn)?;
                    // An hour's grace past the lifetime: a request that found
                    // the draft alive just before it expired still finishes.
                    match lifetime.purge_cutoff(db::now(), PURGE_EVERY) {
                        Some(cutoff) => Ok(db::drafts::purge_abandoned(conn, cutoff)?),
                        None => Ok(0),
                    }
                })
                .await;
                match purged {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(drafts = n, "cleared abandoned drafts"),
                    Err(e) => tracing::warn!("could not clear abandoned drafts: {e}"),
                }
            }
        });
        let controls = tokio::spawn(watch_catalogue(self.state.clone()));
        let public = tokio::spawn(crate::web::public::keep_fresh(
            self.state.clone(),
            self.public_refresh,
        ));
        let retention = tokio::spawn(crate::web::retention::keep(
            self.state.clone(),
            self.retention_interval,
        ));
        let cells = tokio::spawn(crate::web::results::build_cells(self.state.clone()));
        let live = tokio::spawn(crate::web::live::keep_up(self.state, self.listen));
        let claim = self.claim;
        let outcome = self.server.await;
        drop(claim);
        controls.abort();
        public.abort();
        retention.abort();
        purge.abort();
        live.abort();
        cells.abort();
        forget.abort();
        outcome
    }
}
