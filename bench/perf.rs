//! `cargo bench --bench load -- --perf`: completed responses per second and
//! latency at concurrency 1, 8 and 32 on SQLite and PostgreSQL, set beside
//! the machine's own ceilings measured in the same run:
//!
//! - the framework's ceiling: a trivial actix-web handler (`GET /` answering
//!   "ok", same worker count as the app) loaded by `wrk` at the same
//!   concurrency (`wrk -t2`), in requests per second, divided by the requests one
//!   resident makes (measured in this run) to give completions per second;
//!   and the same handler driven by this tool's own HTTP client, resident by
//!   resident, which shows what the client itself costs on the shared cores;
//! - the storage ceiling: a plain loop, no HTTP, of the writes one
//!   completion makes (start a draft, save each answer, store the response in
//!   one transaction), through the same storage functions and on the same
//!   pools: the drafts' (commits that do not wait for the disk) and the
//!   service's (the response's commit, which does).
//!
//! Beside each level it reports the CPU time per completed response of the
//! server process, of the PostgreSQL server's processes, and of this load
//! client, from /proc/PID/stat: all three share the two cores.
//!
//! The app runs as the release binary (`target/release/civic-survey`, built
//! first by `bench/perf.sh`) in its own process on a fresh database per
//! level, so its peak resident memory (VmHWM) is its own.

use std::process::{Child, Command, Stdio};

use civic_survey::db::drafts;
use civic_survey::domain::{Answer, DraftAnswers, DraftToken, Submission, SurveyDefinition};
use civic_survey::web::form;

use super::*;

/// `GET /` answering "ok": the least an actix-web handler can do.
pub async fn serve_trivial(port: u16) {
    actix_web::HttpServer::new(|| {
        actix_web::App::new().route("/", actix_web::web::get().to(|| async { "ok" }))
    })
    .bind(("127.0.0.1", port))
    .expect("bind the trivial server")
    .run()
    .await
    .expect("the trivial server runs");
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn root() -> &'static std::path::Path {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The servers' `/metrics` token.
pub(super) const METRICS_TOKEN: &str = "a performance run metrics token";

/// A server process, killed when dropped.
pub(super) struct Server {
    pub(super) child: Child,
    pub(super) base: String,
}

impl Server {
    fn wait_until_up(mut child: Child, port: u16, path: &str) -> Server {
        let base = format!("http://127.0.0.1:{port}");
        for _ in 0..300 {
            if http_ok(&format!("{base}{path}")) {
                return Server { child, base };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the server stopped at start: {status}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = child.kill();
        panic!("the server did not start");
    }

    /// A field of /proc/PID/status in KiB (VmRSS now, VmHWM the peak).
    fn memory_kib(&self, field: &str) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|l| l.starts_with(field))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// CPU time (user and system) a process has used, from /proc/PID/stat.
pub(super) fn cpu_of(pid: &str) -> Duration {
    let ticks = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|stat| {
            // The command name is in parentheses and may hold spaces: count
            // fields after its closing one (utime and stime are 14 and 15).
            let after = &stat[stat.rfind(')')? + 2..];
            let fields: Vec<&str> = after.split_whitespace().collect();
            Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
        })
        .unwrap_or(0);
    Duration::from_millis(ticks * 1000 / clock_ticks())
}

/// The kernel's clock ticks per second (USER_HZ), which /proc counts in:
/// asked of `getconf` once, not on every reading.
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100)
    })
}

/// CPU time used so far by every process named `postgres` on this machine
/// (the server and its backends; those that ended during a run are not
/// counted, so the figure is a lower bound).
pub(super) fn postgres_cpu() -> Duration {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Duration::ZERO;
    };
    entries
        .flatten()
        .filter_map(|e| {
            let pid = e.file_name().to_string_lossy().into_owned();
            pid.chars().all(|c| c.is_ascii_digit()).then_some(pid)
        })
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|c| c.trim() == "postgres")
        })
        .map(|pid| cpu_of(&pid))
        .sum()
}

/// A blocking `GET` answered 200? For start-up checks, without a client.
fn http_ok(url: &str) -> bool {
    use std::io::{Read, Write};
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(mut stream) = std::net::TcpStream::connect(host) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").is_err() {
        return false;
    }
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).is_ok() && &head[9..12] == b"200"
}

pub(super) fn start_app(database: &DatabaseUrl) -> Server {
    let port = free_port();
    let url = match database {
        DatabaseUrl::Sqlite(path) => format!("sqlite://{}", path.display()),
        DatabaseUrl::Postgres(url) => url.expose().to_owned(),
    };
    let child = Command::new(root().join("target/release/civic-survey"))
        .arg("serve")
        .current_dir(root())
        .env("DATABASE_URL", url)
        .env("BIND_ADDRESS", format!("127.0.0.1:{port}"))
        .env("SECRET_KEY", "a performance run secret key, long enough")
        .env("RATE_LIMIT_SUBMISSIONS_PER_MINUTE", "1000000")
        .env("METRICS_TOKEN", METRICS_TOKEN)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("target/release/civic-survey (bench/perf.sh builds it)");
    Server::wait_until_up(child, port, "/health")
}

fn start_trivial() -> Server {
    let port = free_port();
    let child = Command::new(std::env::current_exe().expect("this program"))
        .args(["--trivial-server", &port.to_string()])
        .stdout(Stdio::null())
        .spawn()
        .expect("the trivial server");
    Server::wait_until_up(child, port, "/")
}

/// `wrk` at `connections` for `seconds`: requests per second, if wrk is installed.
fn wrk(base: &str, connections: usize, seconds: u64) -> Option<f64> {
    let out = Command::new("wrk")
        .args([
            // Two threads for the two cores; wrk needs a connection per thread.
            &format!("-t{}", connections.min(2)),
            &format!("-c{connections}"),
            &format!("-d{seconds}s"),
            &format!("{base}/"),
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
}

/// This tool's client against the trivial handler: each "resident" a new
/// client with a cookie store making `requests` GETs, as `resident` does.
async fn trivial_residents(
    base: &str,
    residents: usize,
    concurrency: usize,
    requests: usize,
) -> f64 {
    let started = Instant::now();
    let done: usize = futures_util::stream::iter(0..residents)
        .map(|_| async move {
            let client = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client");
            for _ in 0..requests {
                let ok = match client.get(format!("{base}/")).send().await {
                    Ok(r) => r.text().await.is_ok(),
                    Err(_) => false,
                };
                if !ok {
                    return 0;
                }
            }
            1
        })
        .buffer_unordered(concurrency)
        .collect::<Vec<usize>>()
        .await
        .into_iter()
        .sum();
    done as f64 / started.elapsed().as_secs_f64()
}

/// The fields a resident posts for `question`, as `resident` posts them.
fn fields_for(question: &str, i: usize) -> Vec<(&'static str, String)> {
    match question {
        "borough" => vec![(
            "answer",
            if i % 10 < 7 { "gravesham" } else { "dartford" }.to_owned(),
        )],
        "most-important" => vec![("answer", "asb".to_owned())],
        "asb-concerns" => vec![
            ("answer", "fly-tipping".to_owned()),
            ("answer", "other".to_owned()),
            ("specify-other", format!("storage-loop-{i}")),
        ],
        _ => vec![],
    }
}

/// The storage ceiling: `n` completions' writes in a plain loop, as the
/// service makes them: the draft's pages on a connection of the drafts'
/// pool (commits that do not wait for the disk), the response on one of the
/// service's pool (a commit that does). Returns (completions per second,
/// writes per completion).
fn storage_loop(database: &DatabaseUrl, n: usize) -> (f64, f64) {
    let pool = db::connect(database, 1).expect("database");
    let mut conn = db::get(&pool).expect("connection");
    let draft_pool = db::DraftPool::connect(database, 1).expect("the drafts' pool");
    let mut lazy = draft_pool.get().expect("a drafts' connection");
    let definition = SurveyDefinition::load_file(&root().join("assets/surveys/csp-2019.toml"))
        .expect("csp-2019");
    let published = surveys::publish(&mut conn, &definition).expect("publish");
    let mut writes = 0usize;
    let started = Instant::now();
    for i in 0..n {
        let hash = DraftToken::generate().hash();
        let draft_id = drafts::insert_draft(
            &mut lazy,
            &hash,
            published.survey,
            published.version_id,
            None,
            db::now(),
        )
        .expect("draft");
        writes += 1;
        let mut answers = DraftAnswers::default();
        let mut revision = 0;
        let mut next = definition.questions().first().map(|q| q.id().clone());
        while let Some(id) = next {
            let question = definition.question(id.as_str()).expect("a question");
            let body: Vec<String> = fields_for(question.id().as_str(), i)
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            let form = form::parse_urlencoded(body.join("&").as_bytes()).expect("a form");
            let entered = form::entered(question, &form);
            let answer = Answer::parse(question, &entered).expect("a valid answer");
            answers.record(&definition, question.id(), answer);
            assert!(
                drafts::save_answers(&mut lazy, draft_id, revision, &answers).expect("save"),
                "nobody else writes this draft"
            );
            revision += 1;
            writes += 1;
            next = answers
                .next_after(&definition, question.id())
                .map(|q| q.id().clone());
        }
        let draft = drafts::find_draft(&mut lazy, &hash)
            .expect("read")
            .expect("the draft");
        let submission = Submission::from_draft(&definition, &answers).expect("complete");
        let outcome = responses::insert_submission(&mut conn, &draft, &submission, db::now())
            .expect("submission");
        assert!(matches!(outcome, responses::SubmitOutcome::Stored(_)));
        writes += 1;
    }
    (
        n as f64 / started.elapsed().as_secs_f64(),
        writes as f64 / n as f64,
    )
}

/// One backend's fresh database, kept alive for as long as it is used.
pub(super) enum Scratch {
    Sqlite(tempfile::TempDir),
    Postgres(PgScratch),
}

impl Scratch {
    pub(super) fn new(postgres: bool, label: &str) -> Scratch {
        if postgres {
            Scratch::Postgres(PgScratch::create(label))
        } else {
            Scratch::Sqlite(tempfile::tempdir().expect("temp dir"))
        }
    }

    pub(super) fn url(&self) -> DatabaseUrl {
        match self {
            Scratch::Sqlite(dir) => DatabaseUrl::Sqlite(dir.path().join("perf.db")),
            Scratch::Postgres(pg) => pg.url(),
        }
    }
}

struct Level {
    concurrency: usize,
    residents: usize,
}

const LEVELS: [Level; 3] = [
    Level {
        concurrency: 1,
        residents: 150,
    },
    Level {
        concurrency: 8,
        residents: 1_000,
    },
    Level {
        concurrency: 32,
        residents: 2_000,
    },
];

pub async fn run(a: &Args) {
    const WRK_SECONDS: u64 = 8;
    const STORAGE_LOOP: usize = 300;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut failed = false;

    // Requests per completed response, from one resident on a scratch app.
    let requests_per = {
        let scratch = Scratch::new(false, "probe");
        let app = start_app(&scratch.url());
        let d = drive(&app.base, 20, 1, 60, false).await;
        d.requests as f64 / d.acknowledged.len().max(1) as f64
    };
    println!("perf: one resident makes {requests_per:.1} requests");

    // The framework's ceiling, per level.
    let trivial = start_trivial();
    let mut framework = Vec::new();
    for level in &LEVELS {
        let rps = wrk(&trivial.base, level.concurrency, WRK_SECONDS);
        let client = trivial_residents(
            &trivial.base,
            level.residents,
            level.concurrency,
            requests_per.round() as usize,
        )
        .await;
        match rps {
            Some(rps) => println!(
                "perf: trivial handler at {}: wrk {rps:.0} requests/s = {:.0} completions/s; through this tool's client {client:.0} completions/s",
                level.concurrency,
                rps / requests_per
            ),
            None => println!(
                "perf: wrk is not installed (apt-get install wrk); client ceiling {client:.0}/s"
            ),
        }
        framework.push((rps.map(|r| r / requests_per), client));
    }
    drop(trivial);

    let mut table = vec![
        "| backend | concurrency | completed responses/s | p50 ms per resident | p99 ms per resident | server CPU ms per response | database server CPU ms | load client CPU ms | framework ceiling (wrk), completions/s | × | via this client | × | storage ceiling, completions/s | × | server peak RSS (idle) |".to_owned(),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |".to_owned(),
    ];
    let backends: Vec<(&str, bool)> =
        if a.postgres || std::env::var("CIVIC_TEST_POSTGRES_URL").is_ok() {
            vec![("SQLite", false), ("PostgreSQL", true)]
        } else {
            println!("perf: PostgreSQL skipped (set CIVIC_TEST_POSTGRES_URL)");
            vec![("SQLite", false)]
        };
    for (name, postgres) in backends {
        let scratch = Scratch::new(postgres, "storage");
        let (storage, writes) = storage_loop(&scratch.url(), STORAGE_LOOP);
        drop(scratch);
        println!(
            "perf: {name} storage loop: {storage:.0} completions/s ({writes:.0} writes each, one connection)"
        );
        for (level, (wrk_ceiling, client_ceiling)) in LEVELS.iter().zip(&framework) {
            let scratch = Scratch::new(postgres, "perf");
            let database = scratch.url();
            let app = start_app(&database);
            let idle = app.memory_kib("VmRSS:");
            let server_pid = app.child.id().to_string();
            let (server_before, own_before, pg_before) =
                (cpu_of(&server_pid), cpu_of("self"), postgres_cpu());
            let d = drive(&app.base, level.residents, level.concurrency, 120, false).await;
            let per =
                |used: Duration| used.as_secs_f64() * 1000.0 / d.acknowledged.len().max(1) as f64;
            let server_cpu = per(cpu_of(&server_pid).saturating_sub(server_before));
            let client_cpu = per(cpu_of("self").saturating_sub(own_before));
            let db_cpu = postgres.then(|| per(postgres_cpu().saturating_sub(pg_before)));
            let peak = app.memory_kib("VmHWM:");
            drop(app);
            let c = check(&database, &d);
            let rate = d.rate();
            println!(
                "perf: {name} at {}: {} acknowledged, {rate:.0}/s, p50 {:.0} ms, p99 {:.0} ms; stored {}, missing {}, duplicates {}; peak RSS {} KiB (idle {} KiB)",
                level.concurrency,
                d.acknowledged.len(),
                ms(percentile(&d.latencies, 0.5)),
                ms(percentile(&d.latencies, 0.99)),
                c.unique,
                c.missing,
                c.duplicates,
                peak,
                idle
            );
            println!(
                "perf: {name} at {}: CPU per completed response: server {server_cpu:.2} ms, load client {client_cpu:.2} ms{}",
                level.concurrency,
                db_cpu
                    .map(|c| format!(", PostgreSQL {c:.2} ms"))
                    .unwrap_or_default()
            );
            for (why, n) in &d.failures {
                println!("perf: {n} residents did not finish: {why}");
                failed = true;
            }
            if c.missing > 0 || c.duplicates > 0 {
                failed = true;
            }
            let wrk_cell = wrk_ceiling
                .map(|w| format!("{w:.0} | {:.2}", rate / w))
                .unwrap_or_else(|| "no wrk | ".to_owned());
            table.push(format!(
                "| {name} | {} | {rate:.0} | {:.0} | {:.0} | {server_cpu:.2} | {} | {client_cpu:.2} | {wrk_cell} | {client_ceiling:.0} | {:.2} | {storage:.0} | {:.2} | {:.1} MiB ({:.1} MiB) |",
                level.concurrency,
                ms(percentile(&d.latencies, 0.5)),
                ms(percentile(&d.latencies, 0.99)),
                db_cpu.map_or_else(|| "in the server".to_owned(), |c| format!("{c:.2}")),
                rate / client_ceiling,
                rate / storage,
                peak as f64 / 1024.0,
                idle as f64 / 1024.0,
            ));
        }
    }
    println!(
        "\nCompleted responses against the machine's ceilings ({requests_per:.1} requests per resident)\n"
    );
    for row in table {
        println!("{row}");
    }
    if failed {
        eprintln!("perf: some residents did not finish, or a response was lost or doubled");
        std::process::exit(1);
    }
}
