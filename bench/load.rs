//! The load tool: N residents complete the 2019 survey concurrently over
//! HTTP exactly as a browser does (every page, every redirect, the draft
//! cookie, the CSRF token), bounded in count and time; then it checks that
//! every acknowledged response is stored exactly once.
//!
//! Each resident types a unique marker into the "Other" box of the ASB
//! follow-up, so the check can match stored responses to acknowledgements.
//!
//! ```text
//! cargo bench --bench load -- [--residents 400] [--concurrency 8] [--seconds 120] [--postgres]
//! cargo bench --bench load -- --url http://127.0.0.1:8080 --database-url sqlite://data/civic-survey.db
//! ```
//! Without `--url` it serves the app in-process on a fresh database (SQLite,
//! or a new PostgreSQL database on CIVIC_TEST_POSTGRES_URL with
//! `--postgres`). With `--url`, point `--database-url` at the server's
//! database for the check, and raise its RATE_LIMIT_SUBMISSIONS_PER_MINUTE:
//! every resident here shares one address.

use std::collections::{BTreeMap, HashSet};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::{Duration, Instant};

use civic_survey::config::{DatabaseUrl, Redacted, Settings};
use civic_survey::db::{self, responses, surveys};
use civic_survey::startup::Application;
use diesel::{Connection, RunQueryDsl};
use futures_util::StreamExt;

#[path = "perf.rs"]
mod perf;

#[path = "instances.rs"]
mod instances;

#[path = "live.rs"]
mod live;

struct Args {
    perf: bool,
    /// `--live`: residents at 500 a second with and without 20 officers
    /// watching live results (issue 14's fourth target).
    live: bool,
    trivial_server: Option<u16>,
    residents: usize,
    concurrency: usize,
    seconds: u64,
    postgres: bool,
    url: Option<String>,
    database_url: Option<String>,
    /// Each resident from its own loopback address (127.1.0.0/16), as
    /// distinct people reach a proxy.
    spread_clients: bool,
    /// `--instances A B`: the checks of several instances behind a proxy
    /// (bench/instances.sh), with the proxy at `--url`.
    instances: Option<(String, String)>,
    officer: Option<(String, String)>,
}

fn args() -> Args {
    let mut a = Args {
        perf: false,
        live: false,
        trivial_server: None,
        residents: 400,
        concurrency: 8,
        seconds: 120,
        postgres: false,
        url: None,
        database_url: None,
        spread_clients: false,
        instances: None,
        officer: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_default();
        match flag.as_str() {
            "--residents" => a.residents = value().parse().unwrap_or(a.residents),
            "--concurrency" => a.concurrency = value().parse().unwrap_or(a.concurrency).max(1),
            "--seconds" => a.seconds = value().parse().unwrap_or(a.seconds),
            "--postgres" => a.postgres = true,
            "--perf" => a.perf = true,
            "--live" => a.live = true,
            "--trivial-server" => a.trivial_server = value().parse().ok(),
            "--url" => a.url = Some(value().trim_end_matches('/').to_owned()),
            "--database-url" => a.database_url = Some(value()),
            "--spread-clients" => a.spread_clients = true,
            "--instances" => {
                let first = value().trim_end_matches('/').to_owned();
                a.instances = Some((first, value().trim_end_matches('/').to_owned()));
            }
            "--officer" => {
                let email = value();
                a.officer = Some((email, value()));
            }
            _ => {} // cargo bench passes --bench
        }
    }
    a
}

/// Why one resident did not finish.
#[derive(Debug)]
enum Failure {
    Http(String),
    Unexpected(String),
}

/// Requests that had to be tried again (connection refused or reset; 503,
/// or 502 and 504 from a proxy whose instance went away).
static RETRIED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Requests sent, answered or not.
static SENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Tries per request, and the pause between them (20 s in all).
const RETRIES: usize = 80;
const RETRY_PAUSE: Duration = Duration::from_millis(250);

fn csrf(page: &str) -> Option<String> {
    let at = page.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
    Some(page[at..].split('"').next()?.to_owned())
}

/// One GET (no form) or POST (a form), tried again after a refused
/// connection, a 503, or a proxy's 502 or 504: (status, Location, body).
async fn send(
    client: &reqwest::Client,
    path: String,
    form: Option<Vec<(&'static str, String)>>,
) -> Result<(reqwest::StatusCode, Option<String>, String), Failure> {
    let mut last = String::new();
    for _ in 0..RETRIES {
        SENT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let request = match &form {
            Some(fields) => client.post(&path).form(fields),
            None => client.get(&path),
        };
        match request.send().await {
            Ok(r) if ![502, 503, 504].contains(&r.status().as_u16()) => {
                let status = r.status();
                let location = r
                    .headers()
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = r.text().await.map_err(|e| Failure::Http(e.to_string()))?;
                return Ok((status, location, body));
            }
            Ok(r) => {
                let method = if form.is_some() { "POST" } else { "GET" };
                last = format!("{method} gave {}", r.status());
            }
            Err(e) => last = e.to_string(),
        }
        RETRIED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tokio::time::sleep(RETRY_PAUSE).await;
    }
    Err(Failure::Http(last))
}

/// The loopback address of the `i`th distinct client: 127.1.0.1 onwards.
fn client_address(i: usize) -> std::net::IpAddr {
    let n = (i % 65_000) + 1;
    std::net::IpAddr::V4(std::net::Ipv4Addr::new(
        127,
        1,
        (n / 256) as u8,
        (n % 256) as u8,
    ))
}

/// A browser: its own cookies, redirects not followed, connecting from
/// `from` if given.
fn browser(from: Option<std::net::IpAddr>) -> Result<reqwest::Client, Failure> {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(from)
        .build()
        .map_err(|e| Failure::Unexpected(e.to_string()))
}

/// One resident, start to confirmation. `Ok(Some(t))` when the confirmation
/// page was shown (the response is acknowledged), `t` when the submission
/// was answered.
async fn resident(
    base: &str,
    marker: &str,
    borough: &str,
    from: Option<std::net::IpAddr>,
) -> Result<Option<Instant>, Failure> {
    let client = browser(from)?;
    // A request that cannot connect, or meets a 503 (the server restarting,
    // the database away), is tried again with the same cookie, as a person
    // would press refresh: the draft is resumed where it was.
    let get = |path: String| send(&client, path, None);
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let client = &client;
        async move {
            let (status, location, _) = send(client, path, Some(fields)).await?;
            Ok::<_, Failure>((status, location))
        }
    };
    let (_, _, start) = get(format!("{base}/surveys/csp-2019")).await?;
    let token = csrf(&start).ok_or_else(|| Failure::Unexpected("no start token".into()))?;
    let (status, mut location) = post(
        format!("{base}/surveys/csp-2019/start"),
        vec![("csrf", token)],
    )
    .await?;
    if status.as_u16() != 303 {
        return Err(Failure::Unexpected(format!("start gave {status}")));
    }
    for _ in 0..20 {
        let Some(path) = location.clone() else {
            return Err(Failure::Unexpected("no redirect".into()));
        };
        if path.ends_with("/check") {
            break;
        }
        let (status, _, page) = get(format!("{base}{path}")).await?;
        if status.as_u16() != 200 {
            return Err(Failure::Unexpected(format!("GET {path} gave {status}")));
        }
        let token =
            csrf(&page).ok_or_else(|| Failure::Unexpected(format!("no token on {path}")))?;
        let mut fields = vec![("csrf", token)];
        let question = path.rsplit('/').next().unwrap_or_default();
        match question {
            "borough" => fields.push(("answer", borough.to_owned())),
            "most-important" => fields.push(("answer", "asb".to_owned())),
            "asb-concerns" => {
                fields.push(("answer", "fly-tipping".to_owned()));
                fields.push(("answer", "other".to_owned()));
                fields.push(("specify-other", marker.to_owned()));
            }
            _ => {}
        }
        let (status, next) = post(format!("{base}{path}"), fields).await?;
        if status.as_u16() != 303 {
            return Err(Failure::Unexpected(format!("POST {path} gave {status}")));
        }
        location = next;
    }
    let (_, _, check) = get(format!("{base}/surveys/csp-2019/check")).await?;
    let token = csrf(&check).ok_or_else(|| Failure::Unexpected("no token on check".into()))?;
    let (status, location) = post(
        format!("{base}/surveys/csp-2019/submit"),
        vec![("csrf", token)],
    )
    .await?;
    let answered = Instant::now();
    if status.as_u16() != 303 || location.as_deref() != Some("/surveys/csp-2019/done") {
        return Err(Failure::Unexpected(format!("submit gave {status}")));
    }
    let (status, _, done) = get(format!("{base}/surveys/csp-2019/done")).await?;
    Ok((status.as_u16() == 200 && done.contains("Response submitted")).then_some(answered))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// What a run of residents gave.
struct Drive {
    /// The run's marker prefix: every resident's "Other" text starts with it.
    run: String,
    acknowledged: HashSet<String>,
    /// Time per acknowledged resident, start page to confirmation, sorted.
    latencies: Vec<Duration>,
    elapsed: Duration,
    failures: BTreeMap<String, usize>,
    /// Requests sent in this run.
    requests: usize,
}

impl Drive {
    fn rate(&self) -> f64 {
        self.acknowledged.len() as f64 / self.elapsed.as_secs_f64()
    }
}

/// Runs `residents` residents against `base`, `concurrency` at a time, none
/// starting after `seconds`.
async fn drive(
    base: &str,
    residents: usize,
    concurrency: usize,
    seconds: u64,
    spread: bool,
) -> Drive {
    let run = format!(
        "load-{}-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis(),
        concurrency
    );
    let sent_before = SENT.load(std::sync::atomic::Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let base = Arc::new(base.to_owned());
    let outcomes: Vec<(String, Duration, Result<Option<Instant>, Failure>)> =
        futures_util::stream::iter(0..residents)
            .map(|i| {
                let base = Arc::clone(&base);
                let marker = format!("{run}-{i}");
                async move {
                    if Instant::now() > deadline {
                        return (
                            marker,
                            Duration::ZERO,
                            Err(Failure::Unexpected("time is up".into())),
                        );
                    }
                    let t = Instant::now();
                    let borough = if i % 10 < 7 { "gravesham" } else { "dartford" };
                    let from = spread.then(|| client_address(i));
                    let outcome = resident(&base, &marker, borough, from).await;
                    (marker, t.elapsed(), outcome)
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
    let elapsed = started.elapsed();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    for (_, _, o) in &outcomes {
        match o {
            Err(Failure::Http(e)) | Err(Failure::Unexpected(e)) => {
                *failures.entry(e.chars().take(80).collect()).or_default() += 1
            }
            Ok(None) => *failures.entry("no confirmation page".into()).or_default() += 1,
            Ok(Some(_)) => {}
        }
    }
    let mut latencies: Vec<Duration> = outcomes
        .iter()
        .filter(|(_, _, o)| matches!(o, Ok(Some(_))))
        .map(|(_, d, _)| *d)
        .collect();
    latencies.sort();
    Drive {
        run,
        acknowledged: outcomes
            .into_iter()
            .filter(|(_, _, o)| matches!(o, Ok(Some(_))))
            .map(|(m, _, _)| m)
            .collect(),
        latencies,
        elapsed,
        failures,
        requests: SENT.load(std::sync::atomic::Ordering::Relaxed) - sent_before,
    }
}

/// What the database holds of a run's residents.
struct Check {
    stored: usize,
    unique: usize,
    missing: usize,
    duplicates: usize,
    unacknowledged_stored: usize,
}

/// Every acknowledged marker of `drive` stored exactly once?
fn check(database: &DatabaseUrl, drive: &Drive) -> Check {
    let pool = db::connect(database, 1).expect("the database for the check");
    let mut conn = db::get(&pool).expect("connection");
    let survey = surveys::find_survey_id(&mut conn, "csp-2019")
        .expect("query")
        .expect("csp-2019 is published");
    let stored =
        responses::list_details(&mut conn, survey, "asb-concerns", "other").expect("markers");
    let ours: Vec<&String> = stored
        .iter()
        .filter(|m| m.starts_with(&format!("{}-", drive.run)))
        .collect();
    let unique: HashSet<&str> = ours.iter().map(|m| m.as_str()).collect();
    Check {
        stored: ours.len(),
        unique: unique.len(),
        missing: drive
            .acknowledged
            .iter()
            .filter(|m| !unique.contains(m.as_str()))
            .count(),
        duplicates: ours.len() - unique.len(),
        unacknowledged_stored: unique
            .iter()
            .filter(|m| !drive.acknowledged.contains(**m))
            .count(),
    }
}

/// A fresh PostgreSQL database on CIVIC_TEST_POSTGRES_URL, dropped with the value.
struct PgScratch {
    server: String,
    name: String,
}

impl PgScratch {
    fn create(label: &str) -> PgScratch {
        let server = std::env::var("CIVIC_TEST_POSTGRES_URL")
            .expect("PostgreSQL runs need CIVIC_TEST_POSTGRES_URL");
        let server = server.trim_end_matches('/').to_owned();
        let name = format!(
            "civic_{label}_{}_{}",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        );
        let mut admin =
            diesel::PgConnection::establish(&format!("{server}/postgres")).expect("postgres");
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .expect("create");
        PgScratch { server, name }
    }

    fn url(&self) -> DatabaseUrl {
        DatabaseUrl::Postgres(Redacted::new(format!("{}/{}", self.server, self.name)))
    }
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        if let Ok(mut admin) = diesel::PgConnection::establish(&format!("{}/postgres", self.server))
        {
            let _ = diesel::sql_query(format!("DROP DATABASE {} WITH (FORCE)", self.name))
                .execute(&mut admin);
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let a = args();
    if std::env::args().any(|x| x == "--list") {
        return;
    }
    if let Some(port) = a.trivial_server {
        return perf::serve_trivial(port).await;
    }
    if a.perf {
        return perf::run(&a).await;
    }
    if a.live {
        return live::run(&a).await;
    }
    if a.instances.is_some() {
        return instances::run(&a).await;
    }
    let _dir = tempfile::tempdir().expect("temp dir");
    let mut _pg: Option<PgScratch> = None;
    let (base, database) = match &a.url {
        Some(url) => (
            url.clone(),
            DatabaseUrl::parse(
                a.database_url
                    .as_deref()
                    .expect("--database-url goes with --url"),
            )
            .expect("database url"),
        ),
        None => {
            let database = if a.postgres {
                let scratch = PgScratch::create("load");
                let url = scratch.url();
                _pg = Some(scratch);
                url
            } else {
                DatabaseUrl::Sqlite(_dir.path().join("load.db"))
            };
            let mut settings = Settings::from_lookup(|_| None).expect("defaults");
            settings.database_url = database.clone();
            settings.bind_address = "127.0.0.1:0".into();
            settings.secret_key = Some(Redacted::new("a load test secret key that is long enough"));
            settings.surveys_dir =
                std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys");
            settings.submissions_per_minute = NonZeroU32::new(1_000_000).expect("non-zero");
            let app = Application::build(settings).await.expect("the app builds");
            let base = format!("http://127.0.0.1:{}", app.port());
            tokio::spawn(app.run_until_stopped());
            (base, database)
        }
    };
    println!(
        "load: {} residents, {} at a time, at most {} s, against {base} ({})",
        a.residents,
        a.concurrency,
        a.seconds,
        database.describe()
    );
    let d = drive(
        &base,
        a.residents,
        a.concurrency,
        a.seconds,
        a.spread_clients,
    )
    .await;
    let c = check(&database, &d);
    println!(
        "load: {} acknowledged in {:.1} s: {:.1} completed responses/s",
        d.acknowledged.len(),
        d.elapsed.as_secs_f64(),
        d.rate()
    );
    println!(
        "load: per completed response ({:.1} requests each): p50 {:.0} ms, p99 {:.0} ms",
        d.requests as f64 / d.acknowledged.len().max(1) as f64,
        percentile(&d.latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&d.latencies, 0.99).as_secs_f64() * 1000.0
    );
    println!(
        "load: {} requests were tried again after a refused connection, a 503, or a proxy's 502 or 504",
        RETRIED.load(std::sync::atomic::Ordering::Relaxed)
    );
    for (why, n) in &d.failures {
        println!("load: {n} residents did not finish: {why}");
    }
    println!(
        "check: acknowledged {}, stored {} ({} unique), missing {}, duplicates {}, stored without acknowledgement {}",
        d.acknowledged.len(),
        c.stored,
        c.unique,
        c.missing,
        c.duplicates,
        c.unacknowledged_stored
    );
    let server_errors: usize = d
        .failures
        .iter()
        .filter(|(why, _)| why.contains(" gave 5") && !why.contains(" gave 503"))
        .map(|(_, n)| n)
        .sum();
    if server_errors > 0 {
        eprintln!("check FAILED: {server_errors} residents met a server error other than 503");
        std::process::exit(1);
    }
    if c.missing > 0 || c.duplicates > 0 {
        eprintln!("check FAILED: an acknowledged response is missing or stored twice");
        std::process::exit(1);
    }
    println!("check: every acknowledged response is stored exactly once");
}
