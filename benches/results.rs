//! Results at scale: fills csp-2019 with N synthetic responses (default
//! 1,000,000, shaped like the 2019 data set) and times the full results,
//! unfiltered and with two filters, on SQLite and (when
//! CIVIC_TEST_POSTGRES_URL is set) on PostgreSQL.
//!
//! Each time is set beside a baseline measured in the same run on the same
//! database: one `COUNT(*)` over the survey's answers, the least any
//! results computation must read.
//!
//! It also exports the raw responses CSV at 10,000 and at N responses,
//! reporting rows per second beside reading the same pages without writing
//! CSV (the storage ceiling), and the growth of the process's resident
//! memory during each export (flat means the same at both sizes).
//!
//! Then results from cells (`stats::cells`, issue 14) at 10,000 and N
//! responses beside the same results from the GROUP BY, and what building
//! the cells from storage costs.
//!
//! Run: `cargo bench --bench results` (BENCH_RESPONSES=100000 for a quick look).

use std::time::{Duration, Instant};

use civic_survey::catalogue::CurrentSurvey;
use civic_survey::config::{DatabaseUrl, Redacted};
use civic_survey::db::{self, AnyConnection, bulk, surveys};
use civic_survey::domain::answers::AnswerRow;
use civic_survey::domain::{Filter, OptionId, QuestionId, SurveyDefinition};
use civic_survey::synthetic::{Fixture, plan_2019};
use diesel::{Connection, RunQueryDsl};

const BATCH: usize = 20_000;
const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut times = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let start = Instant::now();
        std::hint::black_box(f());
        times.push(start.elapsed());
    }
    median(times)
}

/// Resident memory of this process now, in KiB.
fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// The results page's figures: the counts from storage, broken down.
fn full_results(
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    filters: &[Filter],
) -> Result<civic_survey::stats::SurveyResults, civic_survey::db::DbError> {
    let counts = civic_survey::db::results::load(conn, survey.id, filters)?;
    Ok(civic_survey::stats::SurveyResults::from_counts(
        &survey.definition,
        counts,
    ))
}

/// The weighted results page's figures: the weighted counts, broken down.
fn weighted_results(
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    filters: &[Filter],
) -> Result<civic_survey::stats::SurveyResults, civic_survey::db::DbError> {
    let counts = civic_survey::db::results::load_view(conn, survey.id, filters, true)?;
    Ok(civic_survey::stats::SurveyResults::from_counts(
        &survey.definition,
        counts,
    ))
}

/// Weights every response to the made-up targets of the tests (borough by
/// age by sex) and times each step, then the weighted results beside the
/// unweighted ones (`unweighted`: unfiltered, filtered) measured in the same
/// run.
fn weighting_rows(
    name: &str,
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    filters: &[Filter],
    unweighted: (Duration, Duration),
) -> Vec<String> {
    use civic_survey::stats::weighting::{DEFAULT_CAP, parse_targets, rake};
    let csv = include_str!("../tests/api/fixtures/targets-2019.csv");
    let targets = parse_targets(&survey.definition, csv).expect("targets");
    let started = Instant::now();
    let (weighed, cells) =
        civic_survey::db::weighting::positions(conn, survey.id, &targets).expect("positions");
    let read = started.elapsed();
    let shares = targets.shares();
    let raking_time = time(|| rake(&shares, &cells, DEFAULT_CAP).expect("rakes"));
    let raking = rake(&shares, &cells, DEFAULT_CAP).expect("rakes");
    let officer = match db::officers::insert_officer(
        conn,
        &civic_survey::domain::officer::Email::parse("bench@example.org").expect("email"),
        "not a hash: never signs in",
        civic_survey::domain::officer::Role::Admin,
        None,
    )
    .expect("officer")
    {
        db::officers::NewOfficer::Added(id) => id,
        db::officers::NewOfficer::EmailTaken => panic!("a fresh database"),
    };
    let started = Instant::now();
    civic_survey::db::weighting::save(
        conn,
        survey.id,
        "csp-2019",
        officer,
        csv,
        DEFAULT_CAP,
        &weighed,
        &raking,
    )
    .expect("save");
    let stored = started.elapsed();
    match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query("ANALYZE").execute(c),
        AnyConnection::Postgresql(c) => diesel::sql_query("VACUUM ANALYZE").execute(c),
    }
    .expect("analyze");
    let all = time(|| weighted_results(conn, survey, &[]).expect("results"));
    let filtered = time(|| weighted_results(conn, survey, filters).expect("results"));
    let check = weighted_results(conn, survey, &[]).expect("results");
    assert_eq!(
        check.completed as usize,
        weighed.ids.len(),
        "every response weighted"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let n = weighed.ids.len();
    vec![
        format!(
            "| {name} | {n} responses: reading their answers to the 3 weighting questions | {:.1} ms | |",
            ms(read)
        ),
        format!(
            "| {name} | {n} responses: raking ({} passes, {}) | {:.1} ms | |",
            raking.iterations,
            if raking.converged {
                "converged"
            } else {
                "not converged"
            },
            ms(raking_time)
        ),
        format!(
            "| {name} | {n} responses: storing the weights | {:.1} ms | |",
            ms(stored)
        ),
        format!(
            "| {name} | {n} responses, unfiltered: full results unweighted (baseline) | {:.1} ms | 1.00 |",
            ms(unweighted.0)
        ),
        format!(
            "| {name} | {n} responses, unfiltered: full results weighted | {:.1} ms | {:.2} |",
            ms(all),
            all.as_secs_f64() / unweighted.0.as_secs_f64()
        ),
        format!(
            "| {name} | {n} responses, two filters: full results unweighted (baseline) | {:.1} ms | 1.00 |",
            ms(unweighted.1)
        ),
        format!(
            "| {name} | {n} responses, two filters: full results weighted | {:.1} ms | {:.2} |",
            ms(filtered),
            filtered.as_secs_f64() / unweighted.1.as_secs_f64()
        ),
    ]
}

/// Exports the raw CSV to nowhere: (rows per second, peak RSS growth in KiB).
fn export_csv(conn: &mut AnyConnection, survey: &CurrentSurvey) -> (f64, u64, u64) {
    use civic_survey::export::columns::Naming;
    use civic_survey::export::raw_csv::{RawOptions, write_responses};
    let before = rss_kib();
    let mut peak = before;
    let start = Instant::now();
    let rows = write_responses(
        &survey.definition,
        RawOptions {
            naming: Naming::Labels,
            bom: false,
            long: false,
            weighted: false,
        },
        |after| {
            civic_survey::db::exports::page_of_responses(
                conn,
                survey.id,
                &[],
                after,
                civic_survey::export::raw_csv::PAGE,
                false,
            )
        },
        std::io::sink(),
        |_| peak = peak.max(rss_kib()),
    )
    .expect("export");
    let elapsed = start.elapsed().as_secs_f64();
    (rows as f64 / elapsed, peak.saturating_sub(before), rows)
}

/// Reads every page the export reads, writing nothing: rows per second.
fn read_pages(conn: &mut AnyConnection, survey: &CurrentSurvey) -> f64 {
    use civic_survey::db::exports::page_of_responses;
    let start = Instant::now();
    let (mut after, mut rows) = (0, 0usize);
    loop {
        let page = page_of_responses(
            conn,
            survey.id,
            &[],
            after,
            civic_survey::export::raw_csv::PAGE,
            false,
        )
        .expect("page");
        let Some(last) = page.last() else { break };
        after = last.id;
        rows += page.len();
    }
    rows as f64 / start.elapsed().as_secs_f64()
}

fn fill(conn: &mut AnyConnection, survey: &CurrentSurvey, n: usize, first_seed: u64) {
    let fixture = Fixture::shipped().expect("fixture");
    let bar = indicatif::ProgressBar::new(n as u64).with_style(
        indicatif::ProgressStyle::with_template(
            "  filling [{bar:40}] {pos}/{len} responses ({per_sec}, {eta} left)",
        )
        .expect("template")
        .progress_chars("=> "),
    );
    let at = chrono::NaiveDate::from_ymd_opt(2019, 2, 18)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .expect("date");
    let mut batch: Vec<(Vec<AnswerRow>, chrono::NaiveDateTime)> = Vec::with_capacity(BATCH);
    let mut seed = first_seed;
    let mut stored = 0usize;
    while stored < n {
        let plan = plan_2019(&survey.definition, &fixture, seed).expect("plan");
        seed += 1;
        for (i, response) in plan.into_iter().enumerate() {
            if stored + batch.len() >= n {
                break;
            }
            let rows = response
                .into_iter()
                .flat_map(|(question, options): (QuestionId, Vec<OptionId>)| {
                    options.into_iter().map(move |option| AnswerRow {
                        question: question.clone(),
                        option,
                        detail: None,
                    })
                })
                .collect();
            let when =
                at + chrono::Duration::minutes(((seed as usize * 420 + i) % (14 * 24 * 60)) as i64);
            batch.push((rows, when));
            if batch.len() == BATCH {
                bulk::insert_responses(conn, survey.id, survey.version, &batch)
                    .expect("bulk insert");
                stored += batch.len();
                bar.set_position(stored as u64);
                batch.clear();
            }
        }
        if stored + batch.len() >= n && !batch.is_empty() {
            bulk::insert_responses(conn, survey.id, survey.version, &batch).expect("bulk insert");
            stored += batch.len();
            bar.set_position(stored as u64);
            batch.clear();
        }
    }
    bar.finish_and_clear();
    match conn {
        AnyConnection::Sqlite(c) => diesel::sql_query("ANALYZE").execute(c),
        AnyConnection::Postgresql(c) => diesel::sql_query("VACUUM ANALYZE").execute(c),
    }
    .expect("analyze");
}

/// The same GROUP BY the results page starts from, run in the database's
/// own command-line client (`sqlite3` or `psql`) against the same database:
/// the median of RUNS timings the client itself prints, after one warm-up.
fn cli_group_by(url: &DatabaseUrl, survey: i64, filters: &[Filter]) -> Option<Duration> {
    use std::io::Write;
    let mut sql =
        format!("SELECT question_id, option_id, COUNT(*) FROM answers WHERE survey_id = {survey}");
    for f in filters {
        sql.push_str(&format!(
            " AND response_id IN (SELECT response_id FROM answers WHERE survey_id = {survey} \
             AND question_id = '{}' AND option_id = '{}')",
            f.question.as_str(),
            f.option.as_str()
        ));
    }
    sql.push_str(" GROUP BY question_id, option_id;\n");
    let (mut command, script) = match url {
        DatabaseUrl::Sqlite(path) => {
            let mut c = std::process::Command::new("sqlite3");
            c.arg(path);
            (
                c,
                format!(".output /dev/null\n{sql}.timer on\n{}", sql.repeat(RUNS)),
            )
        }
        DatabaseUrl::Postgres(url) => {
            let mut c = std::process::Command::new("psql");
            c.args(["-X", "-q", url.expose()]);
            (
                c,
                format!("\\o /dev/null\n{sql}\\timing on\n{}", sql.repeat(RUNS)),
            )
        }
    };
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(script.as_bytes()).ok()?;
    let out = child.wait_with_output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let times: Vec<Duration> = text
        .lines()
        .filter_map(|line| {
            if let Some(rest) = line.strip_prefix("Run Time: real ") {
                rest.split_whitespace()
                    .next()?
                    .parse::<f64>()
                    .ok()
                    .map(Duration::from_secs_f64)
            } else if let Some(rest) = line.strip_prefix("Time: ") {
                rest.split_whitespace()
                    .next()?
                    .parse::<f64>()
                    .ok()
                    .map(|ms| Duration::from_secs_f64(ms / 1000.0))
            } else {
                None
            }
        })
        .collect();
    (times.len() == RUNS).then(|| median(times))
}

/// Table rows for the results page beside the command-line GROUP BY.
fn results_beside_cli(
    name: &str,
    url: &DatabaseUrl,
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    filters: &[Filter],
    n: usize,
) -> Vec<String> {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut rows = Vec::new();
    for (what, filters) in [("unfiltered", &[][..]), ("two filters", filters)] {
        let page = time(|| full_results(conn, survey, filters).expect("results"));
        let client = if matches!(url, DatabaseUrl::Sqlite(_)) {
            "sqlite3"
        } else {
            "psql"
        };
        match cli_group_by(url, survey.id.0, filters) {
            Some(cli) => {
                rows.push(format!(
                    "| {name} | {n} responses, {what}: the GROUP BY in `{client}` (baseline) | {:.1} ms | 1.00 |",
                    ms(cli)
                ));
                rows.push(format!(
                    "| {name} | {n} responses, {what}: full results | {:.1} ms | {:.2} |",
                    ms(page),
                    page.as_secs_f64() / cli.as_secs_f64().max(1e-4)
                ));
            }
            None => rows.push(format!(
                "| {name} | {n} responses, {what}: full results (no `{client}` to compare) | {:.1} ms | |",
                ms(page)
            )),
        }
    }
    rows
}

/// Results from cells (issue 14) beside the same results from the GROUP BY
/// (`db::results`), the reference, in the same run: the cells are built
/// from storage a page at a time (what a start-up pays), then each view is
/// summed from them and broken down. The views: unfiltered, the two filters,
/// a comparison (one view per borough), and with `weighted` the weighted
/// view with the two filters.
fn cells_rows(
    name: &str,
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    filters: &[Filter],
    n: usize,
    weighted: bool,
) -> Vec<String> {
    use civic_survey::stats::SurveyResults;
    use civic_survey::stats::cells::Cells;
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let keyed = civic_survey::domain::filters::splits(&survey.definition)
        .iter()
        .map(|s| s.id.as_str().to_owned())
        .collect::<Vec<_>>();
    let before = rss_kib();
    let started = Instant::now();
    let mut cells = Cells::new(keyed.clone());
    let mut after = 0;
    loop {
        let page = db::cells::page_after(conn, after, 20_000).expect("page");
        let Some(&(last, _, _)) = page.last() else {
            break;
        };
        for (_, of, response) in &page {
            if *of == survey.id {
                cells.add(response);
            }
        }
        after = last;
    }
    let built = started.elapsed();
    let grown = rss_kib().saturating_sub(before);
    assert_eq!(cells.responses() as usize, n, "every response in the cells");
    let by_borough: Vec<Vec<Filter>> = ["dartford", "gravesham"]
        .iter()
        .map(|o| {
            vec![Filter {
                question: QuestionId::parse("borough").expect("id"),
                option: OptionId::parse(o).expect("id"),
            }]
        })
        .collect();
    let from_cells = |filters: &[Filter], weighted: bool| {
        let mut counts = cells.count(filters, weighted).expect("keyed");
        counts.completed_all = cells.responses();
        SurveyResults::from_counts(&survey.definition, counts)
    };
    let mut rows = vec![format!(
        "| {name} | {n} responses: building the cells from storage ({} cells, {grown} KiB) | {:.1} ms | |",
        cells.len(),
        ms(built)
    )];
    let mut pair = |what: &str, group_by: Duration, summed: Duration| {
        rows.push(format!(
            "| {name} | {n} responses, {what}: GROUP BY (baseline) | {:.1} ms | 1.00 |",
            ms(group_by)
        ));
        rows.push(format!(
            "| {name} | {n} responses, {what}: from cells | {:.3} ms | {:.4} ({:.0}× faster) |",
            ms(summed),
            summed.as_secs_f64() / group_by.as_secs_f64().max(1e-9),
            group_by.as_secs_f64() / summed.as_secs_f64().max(1e-9)
        ));
    };
    // The whole view as the service gets it: through the cell store, which
    // builds on the first view and then, on each, reads what was stored
    // since (nothing here, but the reads are made) and sums.
    let store = civic_survey::db::cells::CellStore::default();
    let through_store = |conn: &mut AnyConnection, filters: &[Filter], weighted: bool| {
        let counts = store
            .view(conn, survey.id, &keyed, filters, weighted)
            .expect("view")
            .expect("from the cells");
        SurveyResults::from_counts(&survey.definition, counts)
    };
    let first = Instant::now();
    through_store(conn, &[], false);
    let store_built = first.elapsed();
    let mut whole = Vec::new();
    for (what, filters) in [("unfiltered", &[][..]), ("two filters", filters)] {
        let group_by = time(|| full_results(conn, survey, filters).expect("results"));
        let summed = time(|| from_cells(filters, false));
        pair(what, group_by, summed);
        let viewed = time(|| through_store(conn, filters, false));
        whole.push((what, group_by, viewed));
    }
    let mut store_rows = vec![format!(
        "| {name} | {n} responses: the cell store's first view, building them | {:.1} ms | |",
        ms(store_built)
    )];
    for (what, group_by, viewed) in whole {
        store_rows.push(format!(
            "| {name} | {n} responses, {what}: the whole view through the cell store (its reads of what is new included) | {:.3} ms | {:.4} ({:.0}× faster) |",
            ms(viewed),
            viewed.as_secs_f64() / group_by.as_secs_f64().max(1e-9),
            group_by.as_secs_f64() / viewed.as_secs_f64().max(1e-9)
        ));
    }
    let group_by = time(|| {
        for group in &by_borough {
            full_results(conn, survey, group).expect("results");
        }
    });
    let summed = time(|| {
        for group in &by_borough {
            from_cells(group, false);
        }
    });
    pair("compared by borough", group_by, summed);
    if weighted {
        let group_by = time(|| weighted_results(conn, survey, filters).expect("results"));
        let summed = time(|| from_cells(filters, true));
        pair("weighted, two filters", group_by, summed);
    }
    rows.extend(store_rows);
    rows
}

fn run(name: &str, url: &DatabaseUrl, n: usize) -> Vec<String> {
    let pool = db::connect(url, 2).expect("database");
    let mut conn = db::get(&pool).expect("connection");
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml");
    let definition = SurveyDefinition::load_file(&path).expect("csp-2019");
    let published = surveys::publish(&mut conn, &definition).expect("publish");
    let survey = CurrentSurvey {
        id: published.survey,
        version: published.version_id,
        version_number: published.version,
        definition: std::sync::Arc::new(definition),
    };
    const SMALL: usize = 10_000;
    println!("{name}: filling {SMALL} responses");
    fill(&mut conn, &survey, SMALL.min(n), 0);
    let filters = vec![
        Filter {
            question: QuestionId::parse("borough").expect("id"),
            option: OptionId::parse("dartford").expect("id"),
        },
        Filter {
            question: QuestionId::parse("gender").expect("id"),
            option: OptionId::parse("female").expect("id"),
        },
    ];
    let mut page_rows = results_beside_cli(name, url, &mut conn, &survey, &filters, SMALL.min(n));
    let mut cell_rows = cells_rows(name, &mut conn, &survey, &filters, SMALL.min(n), false);
    let (small_rate, small_growth, small_rows) = export_csv(&mut conn, &survey);
    println!("{name}: filling {} more responses", n.saturating_sub(SMALL));
    let started = Instant::now();
    fill(&mut conn, &survey, n.saturating_sub(SMALL), 1_000_000);
    println!("{name}: filled in {:.1} s", started.elapsed().as_secs_f64());
    let read_rate = read_pages(&mut conn, &survey);
    let (big_rate, big_growth, big_rows) = export_csv(&mut conn, &survey);
    assert_eq!(big_rows as usize, n, "every response exported");
    page_rows.extend(results_beside_cli(
        name, url, &mut conn, &survey, &filters, n,
    ));
    let sid = survey.id.0;
    let baseline = time(|| {
        use civic_survey::db::AnyConnection as C;
        let sql = format!("SELECT COUNT(*) AS n FROM answers WHERE survey_id = {sid}");
        #[derive(diesel::QueryableByName)]
        struct Count {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let rows: Vec<Count> = match &mut **conn {
            C::Sqlite(c) => diesel::sql_query(&sql).load(c),
            C::Postgresql(c) => diesel::sql_query(&sql).load(c),
        }
        .expect("count");
        rows[0].n
    });
    let all = time(|| full_results(&mut conn, &survey, &[]).expect("results"));
    let filtered = time(|| full_results(&mut conn, &survey, &filters).expect("results"));
    let check = full_results(&mut conn, &survey, &[]).expect("results");
    assert_eq!(check.completed as usize, n, "every response counted");
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    let mut table = vec![
        format!(
            "| {name} | reading every response page, no CSV (baseline) | {read_rate:.0} rows/s | 1.00 |"
        ),
        format!(
            "| {name} | raw CSV export of {big_rows} responses | {big_rate:.0} rows/s | {:.2} |",
            big_rate / read_rate
        ),
        format!(
            "| {name} | raw CSV export of {small_rows} responses | {small_rate:.0} rows/s | {:.2} |",
            small_rate / read_rate
        ),
        format!(
            "| {name} | memory growth exporting {small_rows} responses (baseline) | {small_growth} KiB | 1.00 |"
        ),
        format!(
            "| {name} | memory growth exporting {big_rows} responses | {big_growth} KiB | {:.2} |",
            big_growth as f64 / small_growth.max(1) as f64
        ),
        format!(
            "| {name} | one COUNT(*) over the answers (baseline) | {:.1} ms | 1.0 |",
            ms(baseline)
        ),
        format!(
            "| {name} | full results, unfiltered | {:.1} ms | {:.1} |",
            ms(all),
            ratio(all)
        ),
        format!(
            "| {name} | full results, borough and gender filters | {:.1} ms | {:.1} |",
            ms(filtered),
            ratio(filtered)
        ),
    ];
    table.extend(page_rows);
    table.extend(weighting_rows(
        name,
        &mut conn,
        &survey,
        &filters,
        (all, filtered),
    ));
    cell_rows.extend(cells_rows(name, &mut conn, &survey, &filters, n, true));
    table.extend(cell_rows);
    table
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("BENCH_RESPONSES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let mut rows = Vec::new();

    let dir = tempfile::tempdir().expect("temp dir");
    rows.extend(run(
        "SQLite",
        &DatabaseUrl::Sqlite(dir.path().join("bench.db")),
        n,
    ));

    match std::env::var("CIVIC_TEST_POSTGRES_URL") {
        Ok(server) if !server.is_empty() => {
            let server = server.trim_end_matches('/').to_owned();
            let name = format!("civic_bench_{}", std::process::id());
            let mut admin =
                diesel::PgConnection::establish(&format!("{server}/postgres")).expect("postgres");
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .expect("create");
            let url = DatabaseUrl::Postgres(Redacted::new(format!("{server}/{name}")));
            rows.extend(run("PostgreSQL", &url, n));
            diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
                .execute(&mut admin)
                .expect("drop");
        }
        _ => println!("PostgreSQL: skipped (set CIVIC_TEST_POSTGRES_URL)"),
    }

    println!("\nResults at {n} responses (median of {RUNS} runs)\n");
    println!("| backend | what | figure | × baseline |");
    println!("| --- | --- | ---: | ---: |");
    for row in rows {
        println!("{row}");
    }
}
