//! Running as councils deploy: the metrics a monitoring system scrapes,
//! off unless a token is set, and nothing personal in them.

use reqwest::StatusCode;

use crate::helpers::{Backend, Options, TestApp};

const TOKEN: &str = "a metrics token for the tests";

async fn scrape(app: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let client = reqwest::Client::new();
    let mut request = client.get(format!("{}/metrics", app.address));
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = request.send().await.expect("GET /metrics");
    let status = response.status();
    (status, response.text().await.expect("body"))
}

/// The metrics of the instance at `address`, with the token.
async fn scrape_at(address: &str) -> String {
    reqwest::Client::new()
        .get(format!("{address}/metrics"))
        .header("authorization", format!("Bearer {TOKEN}"))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("body")
}

#[tokio::test]
async fn metrics_are_off_by_default() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert_eq!(scrape(&app, Some(TOKEN)).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_need_their_token_and_count_requests_and_responses() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            metrics_token: Some(TOKEN.to_owned()),
            ..Options::default()
        },
    )
    .await
    .expect("sqlite");
    app.seed_2019();
    assert_eq!(scrape(&app, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&app, Some("not the token at all")).await.0,
        StatusCode::UNAUTHORIZED
    );
    let officer = app.signed_in("analyst").await;
    assert_eq!(
        officer.get("/surveys/csp-2019/results").await.status,
        StatusCode::OK
    );
    let (status, text) = scrape(&app, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains("civic_http_requests_total{method=\"GET\",route=\"/surveys/{slug}/results\",status=\"200\"}"),
        "{text}"
    );
    assert!(
        text.contains(
            "civic_http_request_duration_seconds_bucket{route=\"/surveys/{slug}/results\""
        )
    );
    assert!(
        text.contains("civic_responses_completed{survey=\"csp-2019\"} 420"),
        "{text}"
    );
    assert!(text.contains("civic_responses_started{survey=\"csp-2019\"} 420"));
    assert!(text.contains("civic_db_pool_wait_seconds_count"));
    assert!(text.contains("civic_sqlite_writer_wait_seconds_count"));
    // Nothing personal: no officer's address, no client address, no token.
    assert!(!text.contains('@') && !text.contains("127.0.0.1") && !text.contains(TOKEN));
}

/// The live figures of one view asked for by many pages at once are worked
/// out once and given to all: a busy survey's updates cost the same whether
/// one officer watches or twenty.
#[tokio::test]
async fn many_pages_watching_one_view_share_its_figures() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            metrics_token: Some(TOKEN.to_owned()),
            ..Options::default()
        },
    )
    .await
    .expect("sqlite");
    app.seed_2019();
    let officer = app.signed_in("analyst").await;
    let view = "/surveys/csp-2019/results?f-borough=dartford&partial=1";
    let started = std::time::Instant::now();
    let pages = futures_util::future::join_all((0..12).map(|_| officer.get(view))).await;
    let elapsed = started.elapsed();
    for page in &pages {
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(page.body, pages[0].body, "the same figures for all");
    }
    let dartford: u32 = pages[0].text("#completed").parse().expect("a count");
    assert!(
        dartford > 0 && dartford < 420,
        "Dartford's responses: {dartford}"
    );
    let (_, text) = scrape(&app, Some(TOKEN)).await;
    let count = |how: &str| -> u64 {
        let line = format!("civic_live_views_total{{how=\"{how}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(line.as_str()))
            .unwrap_or_else(|| panic!("{line} in {text}"))
            .parse()
            .expect("a count")
    };
    let worked_out = count("worked_out");
    assert_eq!(worked_out + count("shared"), 12);
    // A view is worked out again at most once a second.
    assert!(
        worked_out <= elapsed.as_secs() + 1,
        "{worked_out} times in {elapsed:?}"
    );
    // Another view is its own.
    let all = officer.get("/surveys/csp-2019/results?partial=1").await;
    assert_eq!(all.text("#completed"), "420");
    let (_, text) = scrape(&app, Some(TOKEN)).await;
    assert!(text.contains(&format!(
        "civic_live_views_total{{how=\"worked_out\"}} {}",
        worked_out + 1
    )));
}

/// An instance builds every survey's results cells as it starts, before any
/// officer looks: the first views after a restart are summed from them.
#[tokio::test]
async fn an_instance_builds_the_results_cells_as_it_starts() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.seed_2019();
    let restarted = app
        .another_instance_with(Options {
            metrics_token: Some(TOKEN.to_owned()),
            ..Options::default()
        })
        .await;
    let built = "civic_results_cells_responses{survey=\"csp-2019\"} 420";
    let mut text = String::new();
    for _ in 0..100 {
        text = scrape_at(&restarted).await;
        if text.contains(built) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no {built} within 10 s: {text}");
}

/// An officer's live page open on one instance, a response submitted
/// through another: the page hears of it. On PostgreSQL through `NOTIFY`
/// (the second instance never polls while it listens), on SQLite through the
/// once-a-second look at the newest response.
mod live_across_instances {
    use std::time::Duration;

    use super::*;
    use crate::helpers::{choose, on_both_backends};

    on_both_backends! {
        async fn a_response_taken_by_one_instance_reaches_a_live_page_on_another(app) {
            let postgres = app.is_postgres();
            let b = app
                .another_instance_with(Options {
                    metrics_token: Some(TOKEN.to_owned()),
                    ..Options::default()
                })
                .await;
            app.add_officer("live@example.gov.uk", "a long enough password", "analyst");
            let mut officer = app.browser_at(&b);
            officer.sign_in("live@example.gov.uk", "a long enough password").await;
            let mut stream = officer
                .client
                .get(format!("{b}/surveys/csp-2019/results/live"))
                .send()
                .await
                .expect("open the stream on instance B");
            let ready = stream.chunk().await.expect("read").expect("a first event");
            assert!(String::from_utf8_lossy(&ready).contains("event: ready"));

            if postgres {
                // B's listener connects as B starts; wait for it, so the
                // response below is heard as it is stored.
                let mut listening = false;
                for _ in 0..100 {
                    if scrape_at(&b).await.contains("civic_live_listening 1") {
                        listening = true;
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                assert!(listening, "instance B listens: {}", scrape_at(&b).await);
            }
            // Submitted through instance A (the app's own address).
            let mut resident = app.resident();
            resident.start("csp-2019").await;
            resident.answer("/surveys/csp-2019/questions/borough", &choose(&["dartford"])).await;
            let submitted = resident.post("/surveys/csp-2019/submit", &[]).await;
            assert_eq!(submitted.location(), "/surveys/csp-2019/done");
            let id: i64 = {
                let mut conn = civic_survey::db::get(&app.pool).expect("connection");
                civic_survey::db::responses::latest_id(&mut conn).expect("query").expect("stored")
            };

            let next = tokio::time::timeout(Duration::from_secs(10), stream.chunk())
                .await
                .expect("an update reaches instance B")
                .expect("read")
                .expect("an event");
            let text = String::from_utf8_lossy(&next).to_string();
            assert_eq!(text, format!("event: update\ndata: {{\"latest\":{id}}}\n\n"));

            let metrics = scrape_at(&b).await;
            let received = |source: &str| -> i64 {
                let line = format!("civic_live_updates_received_total{{source=\"{source}\"}} ");
                metrics
                    .lines()
                    .find_map(|l| l.strip_prefix(&line))
                    .unwrap_or_else(|| panic!("{line} in {metrics}"))
                    .parse()
                    .expect("a number")
            };
            assert_eq!(received("own"), 0, "B stored nothing");
            if postgres {
                assert_eq!(received("notify"), 1, "{metrics}");
                assert_eq!(received("poll"), 0, "B listens, it does not poll: {metrics}");
            } else {
                assert_eq!(received("poll"), 1, "{metrics}");
                assert_eq!(received("notify"), 0, "{metrics}");
            }
        }
    }
}
