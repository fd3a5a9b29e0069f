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
