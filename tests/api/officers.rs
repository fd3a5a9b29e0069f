//! Officer sign-in, sessions, roles, CSRF and the first-admin setup link.

use reqwest::StatusCode;

use crate::helpers::{TestApp, on_both_backends};

/// Officer pages that must never be shown to anyone not signed in.
const OFFICER_PAGES: &[&str] = &["/officers", "/admin/officers"];
/// Officer forms that must refuse anyone not signed in.
const OFFICER_FORMS: &[&str] = &["/officers/sign-out", "/admin/officers", "/admin/api-tokens"];

on_both_backends! {
    async fn anonymous_requests_to_officer_pages_are_refused(app) {
        let anonymous = app.resident();
        for path in OFFICER_PAGES {
            let page = anonymous.get(path).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(page.location().starts_with("/officers/sign-in?next="), "{path}: {}", page.location());
        }
        for path in OFFICER_FORMS {
            let page = anonymous.post(path, &[("email", "x@example.gov.uk")]).await;
            assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
            assert!(page.location().starts_with("/officers/sign-in"), "{path}");
        }
    }

    async fn an_officer_signs_in_and_out(app) {
        app.add_officer("ana@example.gov.uk", "correct horse battery staple", "analyst");
        let mut officer = app.resident();
        let before = officer.get("/officers").await;
        assert_eq!(before.location(), "/officers/sign-in?next=%2Fofficers");

        let page = officer.sign_in("ANA@example.gov.uk", "correct horse battery staple").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER);
        assert_eq!(page.location(), "/officers");
        let cookie = page.set_cookies.iter().find(|c| c.starts_with("civic_officer=")).expect("session cookie");
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
        }
        let session_value = cookie.split(';').next().expect("value").to_owned();

        let dashboard = officer.get("/officers").await;
        assert_eq!(dashboard.status, StatusCode::OK);
        assert_eq!(dashboard.text("h1"), "Surveys");
        assert_eq!(dashboard.texts("tbody td a:not([download]):not(.secondary-link)"), ["Community safety in Dartford and Gravesham"]);
        assert!(dashboard.texts("header nav a").iter().all(|a| a != "Officers"), "analysts see no admin link");
        let admin_only = officer.get("/admin/officers").await;
        assert_eq!(admin_only.status, StatusCode::FORBIDDEN);

        let out = officer.post("/officers/sign-out", &[]).await;
        assert_eq!(out.location(), "/officers/sign-in?signed_out=1");
        assert_eq!(officer.get("/officers").await.status, StatusCode::SEE_OTHER);
        // The old session cookie, replayed, is dead: signing out ended it on the server.
        let replay = app
            .resident()
            .client
            .get(format!("{}/officers", app.address))
            .header("cookie", &session_value)
            .send()
            .await
            .expect("GET");
        assert_eq!(replay.status(), StatusCode::SEE_OTHER);
    }

    async fn a_wrong_password_is_refused_and_repeated_failures_lock_out(app) {
        app.add_officer("ana@example.gov.uk", "correct horse battery staple", "analyst");
        let mut officer = app.resident();
        let wrong = officer.sign_in("ana@example.gov.uk", "wrong horse battery staple").await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        assert_eq!(wrong.error_summary()[0].0, "Email address or password is not right");
        assert_eq!(wrong.attrs("#email", "value"), ["ana@example.gov.uk"], "the email is kept");
        let unknown = officer.sign_in("nobody@example.gov.uk", "correct horse battery staple").await;
        assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.error_summary()[0].0, "Email address or password is not right");

        for _ in 0..4 {
            let page = officer.sign_in("ana@example.gov.uk", "wrong horse battery staple").await;
            assert_eq!(page.status, StatusCode::UNAUTHORIZED);
        }
        let locked = officer.sign_in("ana@example.gov.uk", "correct horse battery staple").await;
        assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
        assert!(
            locked.error_summary()[0].0.starts_with("Too many failed sign-ins for this account. Try again in 15 minutes"),
            "{:?}", locked.error_summary()
        );
        assert_eq!(officer.get("/officers").await.status, StatusCode::SEE_OTHER);
    }

    async fn forms_posted_without_their_csrf_token_are_refused(app) {
        app.add_officer("ana@example.gov.uk", "correct horse battery staple", "analyst");
        let anonymous = app.resident();
        let page = anonymous
            .post("/officers/sign-in", &[("email", "ana@example.gov.uk"), ("password", "correct horse battery staple")])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert_eq!(anonymous.get("/officers").await.status, StatusCode::SEE_OTHER, "not signed in");

        let mut admin = app.signed_in("admin").await;
        admin.drop_csrf();
        let refused = admin
            .post("/admin/officers", &[("email", "new@example.gov.uk"), ("password", "another long password"), ("role", "analyst")])
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        let list = admin.get("/admin/officers").await;
        assert!(!list.texts("tbody td").contains(&"new@example.gov.uk".to_owned()));
        let out = admin.post("/officers/sign-out", &[]).await;
        assert_eq!(out.status, StatusCode::FORBIDDEN, "sign-out needs its token too");
    }

    async fn an_admin_adds_an_officer_who_can_then_sign_in(app) {
        let admin = app.signed_in("admin").await;
        let added = admin
            .post("/admin/officers", &[("email", "new@example.gov.uk"), ("password", "another long password"), ("role", "analyst")])
            .await;
        assert_eq!(added.location(), "/admin/officers");
        let list = admin.get("/admin/officers").await;
        assert!(list.texts("tbody td").contains(&"new@example.gov.uk".to_owned()));
        let again = admin
            .post("/admin/officers", &[("email", "new@example.gov.uk"), ("password", "another long password"), ("role", "analyst")])
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let short = admin
            .post("/admin/officers", &[("email", "short@example.gov.uk"), ("password", "short"), ("role", "analyst")])
            .await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(short.error_summary()[0].1, "#password");
        let mut new = app.resident();
        assert_eq!(new.sign_in("new@example.gov.uk", "another long password").await.status, StatusCode::SEE_OTHER);
    }

    async fn the_setup_link_creates_the_first_admin_once(app) {
        let link = app.setup_url.clone().expect("a fresh database has no admin, so a setup link");
        let path = link.trim_start_matches(&app.address).to_owned();
        let mut browser = app.resident();
        let form = browser.get(&path).await;
        assert_eq!(form.status, StatusCode::OK);
        assert_eq!(form.text("h1"), "Create the first administrator");
        let token = form.csrf().expect("csrf");
        let mismatch = browser
            .post(&path, &[("csrf", &token), ("email", "first@example.gov.uk"), ("password", "a long first password"), ("confirm", "a different password")])
            .await;
        assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(mismatch.error_summary(), [("The two passwords do not match".to_owned(), "#confirm".to_owned())]);
        let created = browser
            .post(&path, &[("csrf", &token), ("email", "first@example.gov.uk"), ("password", "a long first password"), ("confirm", "a long first password")])
            .await;
        assert_eq!(created.location(), "/officers");
        assert_eq!(browser.get("/admin/officers").await.status, StatusCode::OK, "signed in as admin");
        let used = app.resident().get(&path).await;
        assert_eq!(used.status, StatusCode::NOT_FOUND, "the link works once");
        assert_eq!(browser.sign_in("first@example.gov.uk", "a long first password").await.status, StatusCode::SEE_OTHER);
        let guessed = app.resident().get("/officers/setup/0000000000000000000000000000000000000000000000000000000000000000").await;
        assert_eq!(guessed.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn sign_in_returns_to_the_page_asked_for_but_never_off_site() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    app.add_officer(
        "ana@example.gov.uk",
        "correct horse battery staple",
        "analyst",
    );
    let browser = app.resident();
    let form = browser.get("/officers/sign-in?next=/admin/officers").await;
    assert_eq!(form.attrs("input[name=next]", "value"), ["/admin/officers"]);
    let off_site = browser.get("/officers/sign-in?next=//evil.example").await;
    assert_eq!(off_site.attrs("input[name=next]", "value"), ["/officers"]);
}

#[tokio::test]
async fn posts_sent_by_another_site_are_refused() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    app.add_officer(
        "ana@example.gov.uk",
        "correct horse battery staple",
        "analyst",
    );
    let browser = app.resident();
    let start = browser.get("/surveys/csp-2019").await;
    let token = start.csrf().expect("csrf");
    for (name, value) in [
        ("origin", "http://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = browser
            .client
            .post(format!("{}/surveys/csp-2019/start", app.address))
            .header(name, value)
            .form(&[("csrf", token.as_str())])
            .send()
            .await
            .expect("POST");
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{name}");
        assert!(
            response.headers().get("set-cookie").is_none(),
            "no draft replaces the resident's"
        );
    }
    assert_eq!(app.started("csp-2019"), 0);
    let same = browser
        .client
        .post(format!("{}/surveys/csp-2019/start", app.address))
        .header("origin", app.address.clone())
        .header("sec-fetch-site", "same-origin")
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("POST");
    assert_eq!(same.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_never_redirects_off_site_even_with_hidden_characters() {
    let app = TestApp::spawn(crate::helpers::Backend::Sqlite).await;
    let browser = app.resident();
    for next in [
        "/%09/evil.example",
        "/%0d%0aLocation:x",
        "//evil.example",
        "https://evil.example",
        "/\\evil",
    ] {
        let form = browser.get(&format!("/officers/sign-in?next={next}")).await;
        assert_eq!(
            form.attrs("input[name=next]", "value"),
            ["/officers"],
            "{next}"
        );
    }
}

/// `civic-survey officer add EMAIL --role ROLE`, the password on standard
/// input, against the SQLite database at `database`.
fn officer_add(database: &std::path::Path, email: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_civic-survey"))
        .args(["officer", "add", email, "--role", "admin"])
        .env("DATABASE_URL", format!("sqlite://{}", database.display()))
        .env("RUST_LOG", "warn")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the civic-survey binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"correct horse battery staple\n")
        .expect("password written");
    child.wait_with_output().expect("it finishes")
}

#[test]
fn the_command_line_adds_an_officer_once_and_refuses_a_taken_email() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let database = folder.path().join("cli.db");
    let first = officer_add(&database, "admin@example.gov.uk");
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(String::from_utf8_lossy(&first.stdout).contains("Added admin@example.gov.uk as admin"));
    let again = officer_add(&database, "ADMIN@example.gov.uk");
    assert!(!again.status.success(), "a taken email fails");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already exists"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(!String::from_utf8_lossy(&again.stdout).contains("Added"));
}
