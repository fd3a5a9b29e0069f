//! Hostile input and abuse: security headers everywhere, rate limits, the
//! honeypot, script and SQL in answers, forged sessions, and random bodies
//! (property-based) that must never cause a 5xx or store anything.

use std::num::NonZeroU32;

use proptest::prelude::*;
use reqwest::StatusCode;

use crate::helpers::{Backend, Options, TestApp, choose, on_both_backends};

const SLUG: &str = "csp-2019";

fn q(question: &str) -> String {
    format!("/surveys/{SLUG}/questions/{question}")
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.resident();
    let mut responses = Vec::new();
    for path in [
        "/",
        "/surveys/csp-2019",
        "/assets/civic.css",
        "/no-such-page",
        "/officers",
        "/api/surveys/csp-2019/results",
        "/health",
    ] {
        responses.push((
            path.to_owned(),
            client
                .client
                .get(format!("{}{path}", app.address))
                .send()
                .await
                .expect("GET"),
        ));
    }
    let post = client
        .client
        .post(format!("{}{}", app.address, q("borough")))
        .body("x")
        .send()
        .await
        .expect("POST");
    responses.push(("POST a question without a draft".to_owned(), post));
    for (what, response) in responses {
        let h = response.headers();
        let csp = h
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{what}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert_eq!(
            h.get("x-content-type-options").map(|v| v.as_bytes()),
            Some(&b"nosniff"[..]),
            "{what}"
        );
        assert_eq!(
            h.get("referrer-policy").map(|v| v.as_bytes()),
            Some(&b"no-referrer"[..]),
            "{what}"
        );
        assert_eq!(
            h.get("x-frame-options").map(|v| v.as_bytes()),
            Some(&b"DENY"[..]),
            "{what}"
        );
    }
}

#[tokio::test]
async fn a_client_over_the_submission_limit_gets_a_clear_page_and_nothing_stored() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            submissions_per_minute: NonZeroU32::new(2).expect("non-zero"),
            ..Options::default()
        },
    )
    .await
    .expect("sqlite");
    let r = app.resident();
    let start = r.get("/surveys/csp-2019").await;
    let token = start.csrf().expect("csrf");
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let fresh = app.resident();
        let page = fresh
            .post_raw(
                "/surveys/csp-2019/start",
                Some("application/x-www-form-urlencoded"),
                format!("csrf={token}").into_bytes(),
            )
            .await;
        statuses.push(page.status);
        if page.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(page.text("h1"), "Too many attempts from your connection");
        }
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(app.started(SLUG), 2);
}

on_both_backends! {
    async fn a_filled_honeypot_is_refused_and_nothing_stored(app) {
        let r = app.resident();
        let start = r.get("/surveys/csp-2019").await;
        assert_eq!(start.attrs(".honeypot input", "name"), ["website"]);
        let token = start.csrf().expect("csrf");
        let bot = r.post_raw("/surveys/csp-2019/start", Some("application/x-www-form-urlencoded"), format!("csrf={token}&website=http%3A%2F%2Fspam.example").into_bytes()).await;
        assert_eq!(bot.status, StatusCode::BAD_REQUEST);
        assert_eq!(app.started(SLUG), 0);
        let mut person = app.resident();
        person.start(SLUG).await;
        let page = person.answer(&q("borough"), &[("answer", "dartford"), ("website", "x")]).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(person.get(&q("borough")).await.checked().is_empty(), "nothing saved");
    }

    async fn script_and_sql_in_answers_are_stored_verbatim_and_shown_escaped(app) {
        let nasty = "<script>alert('x')</script>'; DROP TABLE answers; --";
        let mut r = app.resident();
        r.start(SLUG).await;
        r.answer(&q("borough"), &choose(&["gravesham"])).await;
        r.answer(&q("most-important"), &choose(&["asb"])).await;
        r.answer(&q("asb-concerns"), &[("answer", "other"), ("specify-other", nasty)]).await;
        let check = r.get("/surveys/csp-2019/check").await;
        assert!(!check.body.contains("<script>alert"), "escaped on check-your-answers");
        assert!(check.text(".summary-list").contains(nasty));
        r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(app.details(SLUG, "asb-concerns", "other"), [nasty], "stored as typed");
        assert_eq!(app.completed(SLUG), 1, "the answers table is still there");
        let officer = app.signed_in("analyst").await;
        for path in ["/surveys/csp-2019/results", "/surveys/csp-2019/report"] {
            let page = officer.get(path).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(!page.body.contains("<script>alert"), "{path}");
        }
        let (_, _, csv) = officer.get_bytes("/surveys/csp-2019/exports/responses.csv").await;
        assert!(String::from_utf8_lossy(&csv).contains("<script>alert('x')</script>'; DROP TABLE answers; --"));
    }

    async fn a_forged_or_expired_officer_session_is_refused(app) {
        let forged = app
            .resident()
            .client
            .get(format!("{}/officers", app.address))
            .header("cookie", "civic_officer=forged-value-that-was-never-issued")
            .send()
            .await
            .expect("GET");
        assert_eq!(forged.status(), StatusCode::SEE_OTHER);
        let officer = app.signed_in("analyst").await;
        assert_eq!(officer.get("/officers").await.status, StatusCode::OK);
        {
            use diesel::RunQueryDsl;
            let mut conn = app.pool.get().expect("connection");
            let sql = "UPDATE officer_sessions SET expires_at = '2001-01-01 00:00:00'";
            match &mut **conn {
                civic_survey::db::AnyConnection::Sqlite(c) => diesel::sql_query(sql).execute(c),
                civic_survey::db::AnyConnection::Postgresql(c) => diesel::sql_query(sql).execute(c),
            }
            .expect("expire the sessions");
        }
        assert_eq!(officer.get("/officers").await.status, StatusCode::SEE_OTHER, "an expired session is refused");
    }
}

/// A form field name: the ones the page uses, and junk.
fn field_name() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("answer".to_owned()),
        Just("specify-other".to_owned()),
        Just("csrf".to_owned()),
        Just("website".to_owned()),
        "[a-z%+&=-]{0,12}",
        any::<String>(),
    ]
}

/// A field value: option ids, long text, percent escapes, anything.
fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("fly-tipping".to_owned()),
        Just("other".to_owned()),
        "[a-z-]{0,20}",
        "(%[0-9A-Fa-f]{2}){0,8}",
        "[=+@\t\r\n<>'\";\\\\]{0,20}",
        any::<String>(),
        "x{190,210}",
    ]
}

/// A raw body: an encoded form, or bytes.
fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec((field_name(), field_value()), 0..8).prop_map(|fields| {
            fields
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        }),
        prop::collection::vec(any::<u8>(), 0..300),
    ]
}

#[test]
fn random_bodies_never_cause_a_server_error_or_store_anything() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (app, resident, token) = runtime.block_on(async {
        let app = TestApp::spawn(Backend::Sqlite).await;
        let mut r = app.resident();
        r.start(SLUG).await;
        r.answer(&q("borough"), &choose(&["gravesham"])).await;
        r.answer(&q("most-important"), &choose(&["asb"])).await;
        let token = r.get(&q("asb-concerns")).await.csrf().expect("csrf");
        (app, r, token)
    });
    let mut config = ProptestConfig::with_cases(200);
    config.failure_persistence = None;
    proptest!(config, |(raw in body(), with_token in any::<bool>(), path in prop_oneof![
        Just(q("asb-concerns")), Just(q("borough")), Just(q("no-such-question")),
        Just("/surveys/csp-2019/start".to_owned()), Just("/officers/sign-in".to_owned())
    ], content_type in prop_oneof![
        Just(Some("application/x-www-form-urlencoded")), Just(Some("text/plain")), Just(None),
        Just(Some("application/x-www-form-urlencoded; charset=utf-8"))
    ])| {
        // Half the bodies carry the draft's real CSRF token, to reach the
        // answer parser; a refused request must change nothing.
        let mut raw = raw;
        if with_token {
            raw.extend(format!("&csrf={token}").as_bytes());
        }
        let before = runtime.block_on(resident.get(&q("asb-concerns"))).checked();
        let page = runtime.block_on(resident.post_raw(&path, content_type, raw));
        prop_assert!(!page.status.is_server_error(), "{path}: {}", page.status);
        if page.status.is_client_error() {
            let after = runtime.block_on(resident.get(&q("asb-concerns"))).checked();
            prop_assert_eq!(before, after, "a refused request changed the saved answer");
            prop_assert!(!page.body.is_empty(), "a refusal says why");
        }
    });
    assert_eq!(app.completed(SLUG), 0, "no random body submits a response");
    assert_eq!(
        app.started(SLUG),
        1,
        "no random body starts a draft without the start token"
    );
}

/// Starts the survey as a browser whose request arrives with these
/// forwarding headers; the status.
async fn start_with_headers(app: &TestApp, token: &str, headers: &[(&str, &str)]) -> StatusCode {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let mut request = client
        .post(format!("{}/surveys/csp-2019/start", app.address))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={token}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.expect("POST").status()
}

async fn limited_app(trusted: &str) -> (TestApp, String) {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        Options {
            submissions_per_minute: NonZeroU32::new(2).expect("non-zero"),
            trusted_proxies: civic_survey::proxies::TrustedProxies::parse(trusted).expect("valid"),
            ..Options::default()
        },
    )
    .await
    .expect("sqlite");
    let token = app
        .resident()
        .get("/surveys/csp-2019")
        .await
        .csrf()
        .expect("csrf");
    (app, token)
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_allowance() {
    let (app, token) = limited_app("127.0.0.1").await;
    let (a, b) = (
        [("x-forwarded-for", "198.51.100.1")],
        [("forwarded", "for=198.51.100.2;proto=https")],
    );
    let mut statuses = Vec::new();
    for headers in [&a[..], &a[..], &a[..], &b[..], &b[..], &b[..]] {
        statuses.push(start_with_headers(&app, &token, headers).await);
    }
    let (ok, limited) = (StatusCode::SEE_OTHER, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(statuses, [ok, ok, limited, ok, ok, limited]);
    // A malformed or endless chain falls back to the peer (the proxy
    // itself), which has its own allowance; nothing fails.
    let endless = vec!["198.51.100.9"; 1000].join(", ");
    let odd = [
        start_with_headers(&app, &token, &[("x-forwarded-for", "not an address")]).await,
        start_with_headers(&app, &token, &[("x-forwarded-for", &endless)]).await,
        start_with_headers(&app, &token, &[("x-forwarded-for", "::1, ,")]).await,
    ];
    assert_eq!(odd, [ok, ok, limited]);
}

#[tokio::test]
async fn a_forged_forwarding_header_from_an_untrusted_peer_changes_nothing() {
    // No trusted proxy, or a list that does not hold this peer: the same.
    for trusted in ["", "10.0.0.0/8"] {
        let (app, token) = limited_app(trusted).await;
        let mut statuses = Vec::new();
        for forged in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
            statuses.push(start_with_headers(&app, &token, &[("x-forwarded-for", forged)]).await);
        }
        assert_eq!(
            statuses,
            [
                StatusCode::SEE_OTHER,
                StatusCode::SEE_OTHER,
                StatusCode::TOO_MANY_REQUESTS
            ],
            "every request is the peer's, whatever it claims (trusted: {trusted:?})"
        );
    }
}
