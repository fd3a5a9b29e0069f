//! `cargo bench --bench load -- --live` (or `bench/perf.sh live`): issue
//! 14's fourth target, officers watching live results do not slow
//! residents.
//!
//! On each backend, two runs of the release binary on a fresh database
//! each, the same for both but for the officers:
//!
//! 1. residents start at a steady 500 a second for 15 seconds (an open
//!    load: each starts on time whatever the others are doing), and their
//!    journeys are timed, start page to confirmation;
//! 2. the same, while 20 officers have the live results page open, as
//!    `assets/static/live.js` does: each holds the live stream and, on each
//!    update, fetches its view's figures (`partial=1`), one fetch at a time.
//!    Eight watch the whole survey, six a filtered view, six a comparison.
//!
//! It reports the residents' p99 journey in both runs and their ratio
//! (target ≤ 1.2), and for the officers watching the whole survey how long
//! each acknowledged response took to reach each of them (target ≤ 2 s): a
//! response acknowledged at `a` is seen at the first figures, fetched after
//! `a`, whose count of completed responses reaches it. Then how often the
//! server worked the figures out, and how often it gave ones worked out for
//! another page (`civic_live_views_total`), and each run's server CPU per
//! completed response.

use std::sync::atomic::{AtomicBool, Ordering};

use super::instances::sign_in;
use super::perf::{METRICS_TOKEN, Scratch, Server, cpu_of, postgres_cpu, start_app};
use super::*;

/// Residents a second, and for how long.
const RATE: f64 = 500.0;
const SECONDS: f64 = 15.0;
/// Alone and watched take turns this many times: one run's p99 moves by
/// half on these shared cores, so the ratio is the median of the rounds'.
const ROUNDS: usize = 3;
/// The officers' views: eight the whole survey, six filtered, six compared.
const VIEWS: [&str; 20] = [
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "",
    "f-borough=dartford",
    "f-borough=gravesham",
    "f-most-important=asb",
    "f-borough=dartford",
    "f-borough=gravesham&f-most-important=asb",
    "f-most-important=asb",
    "compare=borough",
    "compare=borough",
    "compare=gender",
    "compare=age",
    "f-borough=gravesham&compare=age",
    "compare=most-important",
];
const OFFICER: (&str, &str) = ("live-bench@example.gov.uk", "a live bench password");

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// What residents at a steady rate gave.
struct Paced {
    /// Journeys, sorted.
    latencies: Vec<Duration>,
    /// When each acknowledged submission was answered, sorted.
    acknowledged: Vec<Instant>,
    failed: usize,
    elapsed: Duration,
}

/// Residents starting at `RATE` a second for `SECONDS`.
async fn paced(base: &str) -> Paced {
    let n = (RATE * SECONDS) as usize;
    let started = Instant::now();
    let run = format!(
        "live-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_millis()
    );
    let outcomes: Vec<(Duration, Result<Option<Instant>, Failure>)> =
        futures_util::stream::iter(0..n)
            .map(|i| {
                let marker = format!("{run}-{i}");
                async move {
                    let due = started + Duration::from_secs_f64(i as f64 / RATE);
                    tokio::time::sleep_until(due.into()).await;
                    let t = Instant::now();
                    let borough = if i % 10 < 7 { "gravesham" } else { "dartford" };
                    let outcome = resident(base, &marker, borough, None).await;
                    (t.elapsed(), outcome)
                }
            })
            // Enough room that a slow moment delays nobody's start.
            .buffer_unordered(2_000)
            .collect()
            .await;
    let elapsed = started.elapsed();
    let mut latencies = Vec::new();
    let mut acknowledged = Vec::new();
    let mut failed = 0;
    for (d, outcome) in outcomes {
        match outcome {
            Ok(Some(at)) => {
                latencies.push(d);
                acknowledged.push(at);
            }
            _ => failed += 1,
        }
    }
    latencies.sort();
    acknowledged.sort();
    Paced {
        latencies,
        acknowledged,
        failed,
        elapsed,
    }
}

/// The number in `id="completed"` of a results page.
fn completed(page: &str) -> Option<u64> {
    let at = page.find("id=\"completed\"")?;
    let rest = &page[at..];
    let rest = &rest[rest.find('>')? + 1..];
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// What one officer's page saw.
#[derive(Default)]
struct Watched {
    /// (when the figures arrived, completed responses they count).
    figures: Vec<(Instant, u64)>,
    updates: usize,
    failed_fetches: usize,
    /// How long each fetch took.
    fetches: Vec<Duration>,
}

/// Fetches a view's figures, as the page does on an update.
async fn fetch(client: &reqwest::Client, partial: &str, watched: &mut Watched) {
    let started = Instant::now();
    let page = async { client.get(partial).send().await?.text().await }.await;
    match page.ok().as_deref().and_then(completed) {
        Some(n) => {
            watched.figures.push((Instant::now(), n));
            watched.fetches.push(started.elapsed());
        }
        None => watched.failed_fetches += 1,
    }
}

/// One officer's live page, until `stop`.
async fn officer(
    client: reqwest::Client,
    base: String,
    view: &'static str,
    stop: Arc<AtomicBool>,
    ready: Arc<std::sync::atomic::AtomicUsize>,
) -> Watched {
    let partial = if view.is_empty() {
        format!("{base}/surveys/csp-2019/results?partial=1")
    } else {
        format!("{base}/surveys/csp-2019/results?{view}&partial=1")
    };
    let mut watched = Watched::default();
    // The page as it opens.
    fetch(&client, &partial, &mut watched).await;
    let mut stream = client
        .get(format!("{base}/surveys/csp-2019/results/live"))
        .send()
        .await
        .expect("the live stream");
    ready.fetch_add(1, Ordering::Relaxed);
    while !stop.load(Ordering::Relaxed) {
        match tokio::time::timeout(Duration::from_millis(250), stream.chunk()).await {
            Err(_) => continue,
            Ok(Ok(Some(chunk))) => {
                if String::from_utf8_lossy(&chunk).contains("event: update") {
                    watched.updates += 1;
                    fetch(&client, &partial, &mut watched).await;
                }
            }
            Ok(_) => panic!("the live stream ended"),
        }
    }
    watched
}

/// The officers' browsers are other machines in life; here they share the
/// two cores with the residents' client, so their thread yields to it
/// (nice 19), lest reading 20 pages a second be counted as the residents'
/// wait.
fn officers_below_residents() {
    if let Err(e) = civic_survey::priority::lower_thread_priority(19) {
        println!("live: the officers' thread keeps its priority ({e})");
    }
}

/// For each response acknowledged at `a`, how long until the figures an
/// officer fetched after `a` counted it; `None` if they never did.
fn delays(
    acknowledged: &[Instant],
    baseline: u64,
    figures: &[(Instant, u64)],
) -> Vec<Option<Duration>> {
    acknowledged
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let needed = baseline + k as u64 + 1;
            figures
                .iter()
                .find(|(t, n)| t >= a && *n >= needed)
                .map(|(t, _)| t.duration_since(*a))
        })
        .collect()
}

async fn scrape(base: &str) -> String {
    reqwest::Client::new()
        .get(format!("{base}/metrics"))
        .header("authorization", format!("Bearer {METRICS_TOKEN}"))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("metrics")
}

fn metric(text: &str, line: &str) -> u64 {
    text.lines()
        .find_map(|l| l.strip_prefix(line)?.trim().parse().ok())
        .unwrap_or(0)
}

fn add_officer(database: &DatabaseUrl) {
    use std::io::Write;
    let url = match database {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.expose().to_owned(),
    };
    let mut child = std::process::Command::new(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/civic-survey"),
    )
    .args(["officer", "add", OFFICER.0, "--role", "analyst"])
    .env("DATABASE_URL", url)
    .stdin(std::process::Stdio::piped())
    .stdout(std::process::Stdio::null())
    .spawn()
    .expect("civic-survey officer add");
    writeln!(child.stdin.take().expect("stdin"), "{}", OFFICER.1).expect("the password");
    assert!(
        child.wait().expect("officer add").success(),
        "officer add failed"
    );
}

struct Run {
    residents: Paced,
    server_cpu: f64,
    database_cpu: Option<f64>,
    officers: Vec<(&'static str, Watched)>,
    baseline: Vec<u64>,
    metrics: String,
}

async fn one_run(postgres: bool, officers: usize) -> Run {
    let scratch = Scratch::new(postgres, "live");
    let database = scratch.url();
    let app: Server = start_app(&database);
    add_officer(&database);
    println!("live: {} officers opening their pages", officers);
    let stop = Arc::new(AtomicBool::new(false));
    // The officers' browsers run on a thread of their own, so that reading
    // their pages never delays the residents' requests in this client: in
    // life they are other machines.
    let ready = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let officers_thread = {
        let (base, stop, ready) = (app.base.clone(), stop.clone(), ready.clone());
        std::thread::spawn(move || {
            officers_below_residents();
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the officers' runtime")
                .block_on(async move {
                    let mut watching = Vec::new();
                    for (n, view) in VIEWS.iter().take(officers).enumerate() {
                        // Each from an address of its own, as officers at
                        // their desks (sign-ins are limited per address),
                        // one after another (parallel attempts on one
                        // account count as failures until one succeeds).
                        let client = browser(Some(client_address(60_000 + n)))
                            .unwrap_or_else(|e| panic!("a client: {e:?}"));
                        sign_in(&client, &base, OFFICER.0, OFFICER.1).await;
                        watching.push((
                            *view,
                            tokio::spawn(officer(
                                client,
                                base.clone(),
                                view,
                                stop.clone(),
                                ready.clone(),
                            )),
                        ));
                    }
                    let mut seen = Vec::new();
                    for (view, task) in watching {
                        seen.push((view, task.await.expect("an officer's page")));
                    }
                    seen
                })
        })
    };
    // Every page open, with its first figures.
    while ready.load(Ordering::Relaxed) < officers {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pid = app.child.id().to_string();
    let (cpu_before, pg_before) = (cpu_of(&pid), postgres_cpu());
    println!("live: residents start");
    let residents = paced(&app.base).await;
    let done = residents.acknowledged.len().max(1) as f64;
    let server_cpu = ms(cpu_of(&pid).saturating_sub(cpu_before)) / done;
    let database_cpu = postgres.then(|| ms(postgres_cpu().saturating_sub(pg_before)) / done);
    // The last responses reach the pages.
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.store(true, Ordering::Relaxed);
    let seen = officers_thread.join().expect("the officers' thread");
    let baseline = seen
        .iter()
        .map(|(_, w)| w.figures.first().map_or(0, |(_, n)| *n))
        .collect();
    let metrics = scrape(&app.base).await;
    drop(app);
    Run {
        residents,
        server_cpu,
        database_cpu,
        officers: seen,
        baseline,
        metrics,
    }
}

pub async fn run(a: &Args) {
    let backends: Vec<(&str, bool)> =
        if a.postgres || std::env::var("CIVIC_TEST_POSTGRES_URL").is_ok() {
            vec![("SQLite", false), ("PostgreSQL", true)]
        } else {
            println!("live: PostgreSQL skipped (set CIVIC_TEST_POSTGRES_URL)");
            vec![("SQLite", false)]
        };
    let mut table = vec![
        "| backend | residents/s asked | done/s alone | p99 alone | done/s watched | p99 watched | × (≤ 1.2) | slowest response to reach an officer (≤ 2 s) | p99 of those | figures worked out /s | given shared /s | updates per page /s | server CPU ms per response alone / watched |".to_owned(),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    let mut summary = Vec::new();
    for (backend, postgres) in backends {
        let mut ratios = Vec::new();
        let mut slowest_all = Duration::ZERO;
        for round in 1..=ROUNDS {
            let name = format!("{backend}, round {round}");
            let name = name.as_str();
            let alone = one_run(postgres, 0).await;
            let watched = one_run(postgres, VIEWS.len()).await;
            let (p99_alone, p99_watched) = (
                percentile(&alone.residents.latencies, 0.99),
                percentile(&watched.residents.latencies, 0.99),
            );
            let mut reach: Vec<Duration> = Vec::new();
            let mut never = 0;
            for ((view, w), baseline) in watched.officers.iter().zip(&watched.baseline) {
                if !view.is_empty() {
                    continue;
                }
                for d in delays(&watched.residents.acknowledged, *baseline, &w.figures) {
                    match d {
                        Some(d) => reach.push(d),
                        None => never += 1,
                    }
                }
            }
            reach.sort();
            let mut fetches: Vec<Duration> = watched
                .officers
                .iter()
                .flat_map(|(_, w)| w.fetches.iter().copied())
                .collect();
            fetches.sort();
            let slowest = reach.last().copied().unwrap_or_default();
            let seconds = watched.residents.elapsed.as_secs_f64() + 3.0;
            let worked = metric(
                &watched.metrics,
                "civic_live_views_total{how=\"worked_out\"}",
            );
            let shared = metric(&watched.metrics, "civic_live_views_total{how=\"shared\"}");
            let updates: usize = watched.officers.iter().map(|(_, w)| w.updates).sum();
            let failed_fetches: usize =
                watched.officers.iter().map(|(_, w)| w.failed_fetches).sum();
            let rate = |p: &Paced| p.acknowledged.len() as f64 / p.elapsed.as_secs_f64();
            println!(
                "live: {name}: alone {} acknowledged ({} failed), {:.0}/s, p50 {:.0} ms, p99 {:.0} ms; watched {} acknowledged ({} failed), {:.0}/s, p50 {:.0} ms, p99 {:.0} ms",
                alone.residents.acknowledged.len(),
                alone.residents.failed,
                rate(&alone.residents),
                ms(percentile(&alone.residents.latencies, 0.5)),
                ms(p99_alone),
                watched.residents.acknowledged.len(),
                watched.residents.failed,
                rate(&watched.residents),
                ms(percentile(&watched.residents.latencies, 0.5)),
                ms(p99_watched),
            );
            println!(
                "live: {name}: officers: {updates} updates, {failed_fetches} failed fetches (each p50 {:.0} ms, p99 {:.0} ms); figures worked out {worked}, shared {shared}; responses never seen {never}; slowest to reach an officer {:.0} ms, p99 {:.0} ms, p50 {:.0} ms",
                ms(percentile(&fetches, 0.5)),
                ms(percentile(&fetches, 0.99)),
                ms(slowest),
                ms(percentile(&reach, 0.99)),
                ms(percentile(&reach, 0.5)),
            );
            println!(
                "live: {name}: server CPU per response {:.2} ms alone, {:.2} ms watched{}",
                alone.server_cpu,
                watched.server_cpu,
                match (alone.database_cpu, watched.database_cpu) {
                    (Some(a), Some(w)) => format!("; PostgreSQL {a:.2} ms, {w:.2} ms"),
                    _ => String::new(),
                }
            );
            ratios.push(p99_watched.as_secs_f64() / p99_alone.as_secs_f64().max(1e-9));
            slowest_all = slowest_all.max(if never > 0 { Duration::MAX } else { slowest });
            table.push(format!(
            "| {name} | {RATE:.0} | {:.0} | {:.0} ms | {:.0} | {:.0} ms | {:.2} | {} | {:.0} ms | {:.1} | {:.1} | {:.2} | {:.2} / {:.2} |",
            rate(&alone.residents),
            ms(p99_alone),
            rate(&watched.residents),
            ms(p99_watched),
            p99_watched.as_secs_f64() / p99_alone.as_secs_f64().max(1e-9),
            if never > 0 {
                format!("{never} never seen")
            } else {
                format!("{:.0} ms", ms(slowest))
            },
            ms(percentile(&reach, 0.99)),
            worked as f64 / seconds,
            shared as f64 / seconds,
            updates as f64 / VIEWS.len() as f64 / seconds,
            alone.server_cpu,
            watched.server_cpu,
        ));
        }
        ratios.sort_by(f64::total_cmp);
        summary.push(format!(
          "live: {backend}: p99 watched / alone, median of {ROUNDS} rounds: {:.2} (target ≤ 1.2; each round {}); slowest response to reach an officer in any round: {}",
          ratios[ratios.len() / 2],
          ratios.iter().map(|r| format!("{r:.2}")).collect::<Vec<_>>().join(", "),
          if slowest_all == Duration::MAX { "one was never seen".to_owned() } else { format!("{:.0} ms (target ≤ 2,000 ms)", ms(slowest_all)) },
      ));
    }
    println!(
        "\nResidents at {RATE:.0} a second for {SECONDS:.0} s, alone and with {} officers watching live, in {ROUNDS} rounds taking turns\n",
        VIEWS.len()
    );
    for row in table {
        println!("{row}");
    }
    println!();
    for row in summary {
        println!("{row}");
    }
}
