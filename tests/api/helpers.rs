//! `spawn_app` and the typed helpers the tests share.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use civic_survey::config::{DatabaseUrl, Redacted, Settings};
use civic_survey::db::{self, Pool};
use civic_survey::startup::Application;
use diesel::{Connection, RunQueryDsl};
use reqwest::StatusCode;
use scraper::{Html, Selector};

/// The environment variable naming the PostgreSQL server for tests, without
/// a database name, such as `postgres://postgres@127.0.0.1:5432`.
pub const POSTGRES_ENV: &str = "CIVIC_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each test body once per backend: `mod sqlite` always, `mod postgres`
/// when the server is configured (and in CI, where it must be).
macro_rules! on_both_backends {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        mod sqlite {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let $app = crate::helpers::TestApp::spawn(crate::helpers::Backend::Sqlite).await;
                    $body
                }
            )*
        }
        mod postgres {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some($app) = crate::helpers::TestApp::spawn_postgres().await else { return };
                    $body
                }
            )*
        }
    };
}
pub(crate) use on_both_backends;

/// Deletes the test's database when the test ends.
enum DbGuard {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { server: String, name: String },
}

impl Drop for DbGuard {
    fn drop(&mut self) {
        if let DbGuard::Postgres { server, name } = self
            && let Ok(mut conn) = diesel::PgConnection::establish(&format!("{server}/postgres"))
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

/// A new empty database of the test's own, deleted when the test ends.
pub struct Scratch {
    pub url: DatabaseUrl,
    guard: DbGuard,
}

impl Scratch {
    /// None (the test is skipped) for PostgreSQL when no server is configured.
    pub fn new(backend: Backend) -> Option<Scratch> {
        let (url, guard) = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = DatabaseUrl::Sqlite(dir.path().join("test.db"));
                (url, DbGuard::Sqlite(dir))
            }
            Backend::Postgres => {
                let server = postgres_server()?;
                let name = format!(
                    "civic_test_{}",
                    civic_survey::domain::DraftToken::generate().expose()[..16].to_owned()
                );
                let mut conn = diesel::PgConnection::establish(&format!("{server}/postgres"))
                    .expect("connect to the PostgreSQL test server");
                diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut conn)
                    .expect("create a test database");
                let url = DatabaseUrl::Postgres(Redacted::new(format!("{server}/{name}")));
                (url, DbGuard::Postgres { server, name })
            }
        };
        Some(Scratch { url, guard })
    }
}

/// A running application and a way to look inside its database.
pub struct TestApp {
    pub address: String,
    /// The first-admin setup link the service printed, if any.
    pub setup_url: Option<String>,
    pub pool: Pool,
    pub surveys_dir: PathBuf,
    database_url: DatabaseUrl,
    _db: DbGuard,
}

/// The settings a test instance runs with.
fn test_settings(url: DatabaseUrl, options: &Options) -> Settings {
    Settings {
        database_url: url,
        bind_address: "127.0.0.1:0".to_owned(),
        secret_key: Some(Redacted::new(
            "a test secret key that is long enough to use",
        )),
        surveys_dir: options.surveys_dir.clone(),
        default_survey: None,
        draft_lifetime: options.draft_lifetime,
        max_form_bytes: 16 * 1024,
        db_pool_size: 4,
        public_url: None,
        small_base: civic_survey::stats::DEFAULT_SMALL_BASE,
        public_min_count: 5,
        public_refresh: options.public_refresh,
        retention_interval: options.retention_interval,
        sign_in_max_failures: 5,
        sign_in_lockout: Duration::from_secs(900),
        submissions_per_minute: options.submissions_per_minute,
        sign_ins_per_minute: std::num::NonZeroU32::new(1000).expect("non-zero"),
        trusted_proxies: options.trusted_proxies.clone(),
        metrics_token: options.metrics_token.clone().map(Redacted::new),
        json_logs: false,
        organisation: None,
        contact_email: Some("community.safety@example.gov.uk".to_owned()),
        lawful_basis: civic_survey::config::DEFAULT_LAWFUL_BASIS.to_owned(),
    }
}

/// Options for a test application.
pub struct Options {
    pub surveys_dir: PathBuf,
    pub draft_lifetime: Duration,
    pub submissions_per_minute: std::num::NonZeroU32,
    pub trusted_proxies: civic_survey::proxies::TrustedProxies,
    pub metrics_token: Option<String>,
    /// How often published public figures are brought up to date.
    pub public_refresh: Duration,
    /// How often the retention job runs.
    pub retention_interval: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            surveys_dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys"),
            draft_lifetime: Duration::from_secs(3600),
            submissions_per_minute: std::num::NonZeroU32::new(100_000).expect("non-zero"),
            trusted_proxies: civic_survey::proxies::TrustedProxies::default(),
            metrics_token: None,
            public_refresh: Duration::from_secs(60),
            retention_interval: Duration::from_secs(3600),
        }
    }
}

fn postgres_server() -> Option<String> {
    match std::env::var(POSTGRES_ENV) {
        Ok(url) if !url.trim().is_empty() => {
            // Keep scheme, credentials and host; drop any database name.
            let url = url.trim();
            let host_start = url.find("://").map_or(0, |i| i + 3);
            Some(match url[host_start..].find('/') {
                Some(slash) => url[..host_start + slash].to_owned(),
                None => url.to_owned(),
            })
        }
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the PostgreSQL tests: set {POSTGRES_ENV}"
            );
            eprintln!("skipped on PostgreSQL: set {POSTGRES_ENV} to run it");
            None
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, Options::default())
            .await
            .expect("the backend is available")
    }

    /// None (the test is skipped) when no PostgreSQL server is configured.
    pub async fn spawn_postgres() -> Option<TestApp> {
        Self::spawn_with(Backend::Postgres, Options::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: Options) -> Option<TestApp> {
        Some(Self::spawn_on(Scratch::new(backend)?, options).await)
    }

    /// The service on a database of the test's own (perhaps restored).
    pub async fn spawn_on(scratch: Scratch, options: Options) -> TestApp {
        let Scratch { url, guard } = scratch;
        let settings = test_settings(url.clone(), &options);
        let app = Application::build(settings)
            .await
            .expect("the application builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        let setup_url = app.setup_url();
        tokio::spawn(app.run_until_stopped());
        let url_for_more = url.clone();
        let pool = tokio::task::spawn_blocking(move || db::connect(&url, 2))
            .await
            .expect("join")
            .expect("a pool for checks");
        TestApp {
            address,
            setup_url,
            pool,
            surveys_dir: options.surveys_dir,
            database_url: url_for_more,
            _db: guard,
        }
    }

    /// Starts another instance of the service on the same database, as a
    /// second server behind a load balancer, and returns its address.
    pub async fn another_instance(&self) -> String {
        self.another_instance_with(Options::default()).await
    }

    /// Another instance on the same database with its own options (the
    /// survey definitions stay this instance's).
    pub async fn another_instance_with(&self, options: Options) -> String {
        let options = Options {
            surveys_dir: self.surveys_dir.clone(),
            ..options
        };
        let app = Application::build(test_settings(self.database_url.clone(), &options))
            .await
            .expect("the second instance builds");
        let address = format!("http://127.0.0.1:{}", app.port());
        tokio::spawn(app.run_until_stopped());
        address
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.database_url, DatabaseUrl::Postgres(_))
    }

    pub fn backend(&self) -> Backend {
        if self.is_postgres() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// The database this instance uses.
    pub fn database_url(&self) -> &DatabaseUrl {
        &self.database_url
    }

    /// A new browser talking to the instance at `address`.
    pub fn browser_at(&self, address: &str) -> Resident {
        Resident {
            address: address.to_owned(),
            ..self.resident()
        }
    }

    /// A new browser: its own cookie jar, redirects not followed automatically.
    pub fn resident(&self) -> Resident {
        Resident {
            address: self.address.clone(),
            client: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            csrf: None,
        }
    }

    /// Fills csp-2019 with the synthetic 2019 responses, through the same
    /// storage path as real submissions.
    pub fn seed_2019(&self) {
        let def = civic_survey::domain::SurveyDefinition::load_file(
            &self.surveys_dir.join("csp-2019.toml"),
        )
        .expect("csp-2019");
        self.with_conn(|c| {
            let published = db::surveys::publish(c, &def).expect("published");
            civic_survey::seed::seed_2019(
                c,
                published.survey,
                published.version_id,
                &def,
                2019,
                |_, _| {},
            )
        })
        .expect("seeded");
    }

    /// Publishes a new version of a survey straight to the database, as the
    /// survey builder does; returns its version number.
    pub fn publish_version(&self, definition: &civic_survey::domain::SurveyDefinition) -> i32 {
        self.with_conn(|c| db::surveys::publish(c, definition))
            .expect("published")
            .version
    }

    /// Publishes csp-2019's next wave as csp-2020 (opening 1 February 2020)
    /// with the synthetic 2019 responses (seed 2020) and `extra` more, each
    /// choosing the given options; waits until the app serves it.
    pub async fn publish_2020_wave(&self, extra: usize, choices: &[(&str, &str)]) {
        use civic_survey::domain::answers::AnswerRow;
        use civic_survey::domain::{NextWave, OptionId, QuestionId, SurveyDefinition};
        let def = SurveyDefinition::load_file(&self.surveys_dir.join("csp-2019.toml"))
            .expect("csp-2019")
            .next_wave(&NextWave {
                slug: "csp-2020".to_owned(),
                title: "Community safety survey 2020".to_owned(),
                opens: chrono::NaiveDate::from_ymd_opt(2020, 2, 1),
                closes: None,
            })
            .expect("the next wave");
        let rows: Vec<AnswerRow> = choices
            .iter()
            .map(|(q, o)| AnswerRow {
                question: QuestionId::parse(q).expect("id"),
                option: OptionId::parse(o).expect("id"),
                detail: None,
            })
            .collect();
        self.with_conn(|c| {
            let published = db::surveys::publish(c, &def).expect("published");
            civic_survey::seed::seed_2019(
                c,
                published.survey,
                published.version_id,
                &def,
                2020,
                |_, _| {},
            )
            .expect("seeded");
            let at = chrono::NaiveDate::from_ymd_opt(2020, 2, 10)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .expect("a time");
            let batch: Vec<(Vec<AnswerRow>, chrono::NaiveDateTime)> =
                (0..extra).map(|_| (rows.clone(), at)).collect();
            db::bulk::insert_responses(c, published.survey, published.version_id, &batch)
                .expect("more responses");
        });
        for _ in 0..100 {
            if self.resident().get("/surveys/csp-2020").await.status == StatusCode::OK {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("csp-2020 was never served");
    }

    /// A resident's complete csp-2019 response from `borough`, with ASB
    /// the most important issue and an "Other" concern that says `specify`.
    pub async fn respond_with_other(&self, borough: &str, specify: &str) {
        let mut r = self.resident();
        r.start("csp-2019").await;
        r.answer("/surveys/csp-2019/questions/borough", &choose(&[borough]))
            .await;
        r.answer(
            "/surveys/csp-2019/questions/most-important",
            &choose(&["asb"]),
        )
        .await;
        let mut fields = choose(&["other"]);
        fields.push(("specify-other", specify));
        r.answer("/surveys/csp-2019/questions/asb-concerns", &fields)
            .await;
        let done = r.post("/surveys/csp-2019/submit", &[]).await;
        assert_eq!(done.location(), "/surveys/csp-2019/done", "{}", done.body);
    }

    /// Adds an officer straight to the database.
    pub fn add_officer(&self, email: &str, password: &str, role: &str) {
        use civic_survey::domain::officer::{Email, NewPassword, Role};
        let hash = NewPassword::parse(password)
            .expect("valid")
            .hash()
            .expect("hash");
        let email = Email::parse(email).expect("valid");
        let added = self.with_conn(|c| {
            db::officers::insert_officer(c, &email, &hash, Role::parse(role).expect("role"), None)
        });
        assert!(
            matches!(added, Ok(db::officers::NewOfficer::Added(_))),
            "officer added: {added:?}"
        );
    }

    /// A browser signed in as a new officer with this role.
    pub async fn signed_in(&self, role: &str) -> Resident {
        self.signed_in_as(&format!("{role}@example.gov.uk"), role)
            .await
    }

    /// A browser signed in as a new officer with this email and role.
    pub async fn signed_in_as(&self, email: &str, role: &str) -> Resident {
        self.add_officer(email, "correct horse battery staple", role);
        let mut officer = self.resident();
        let page = officer.sign_in(email, "correct horse battery staple").await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        officer
    }

    pub fn with_conn<T>(&self, f: impl FnOnce(&mut db::AnyConnection) -> T) -> T {
        let mut conn = self.pool.get().expect("a connection");
        f(&mut conn)
    }

    pub fn survey_id(&self, slug: &str) -> civic_survey::domain::SurveyId {
        self.with_conn(|c| db::surveys::find_survey_id(c, slug))
            .expect("query")
            .expect("survey is published")
    }

    /// Complete responses stored for a survey.
    pub fn completed(&self, slug: &str) -> i64 {
        let id = self.survey_id(slug);
        self.with_conn(|c| db::responses::count_completed(c, id))
            .expect("count")
    }

    /// Drafts started for a survey.
    pub fn started(&self, slug: &str) -> i64 {
        let id = self.survey_id(slug);
        self.with_conn(|c| db::drafts::count_started(c, id))
            .expect("count")
    }

    /// Stored answer rows per (question, option).
    pub fn option_counts(&self, slug: &str) -> BTreeMap<(String, String), i64> {
        let id = self.survey_id(slug);
        self.with_conn(|c| db::responses::count_options(c, id))
            .expect("count")
            .into_iter()
            .map(|(q, o, n)| ((q, o), n))
            .collect()
    }

    /// How many responses answered each question.
    pub fn answered(&self, slug: &str) -> BTreeMap<String, i64> {
        let id = self.survey_id(slug);
        self.with_conn(|c| db::responses::count_respondents_per_question(c, id))
            .expect("count")
            .into_iter()
            .collect()
    }

    /// The "please specify" texts stored for one option.
    pub fn details(&self, slug: &str, question: &str, option: &str) -> Vec<String> {
        let id = self.survey_id(slug);
        self.with_conn(|c| db::responses::list_details(c, id, question, option))
            .expect("query")
    }
}

/// One resident's browser.
pub struct Resident {
    pub address: String,
    pub client: reqwest::Client,
    csrf: Option<String>,
}

/// A response read whole: status, Location, cookies and the parsed page.
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub set_cookies: Vec<String>,
    pub body: String,
}

impl Page {
    /// A page from a status and body read elsewhere.
    pub fn from_body(status: StatusCode, body: String) -> Page {
        Page {
            status,
            location: None,
            set_cookies: Vec::new(),
            body,
        }
    }

    async fn read(response: reqwest::Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let set_cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect();
        let body = response.text().await.expect("body");
        Page {
            status,
            location,
            set_cookies,
            body,
        }
    }

    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }

    /// The text of every element matching `selector`, whitespace folded.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .map(|e| {
                e.text()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    pub fn text(&self, selector: &str) -> String {
        self.texts(selector).join(" | ")
    }

    /// The text of the first element matching `selector` exactly as sent
    /// (a text area's value, line breaks kept; HTML drops the one line
    /// break right after `<textarea>`), or empty.
    pub fn raw_text(&self, selector: &str) -> String {
        let selector = Selector::parse(selector).expect("valid selector");
        let text: String = self
            .html()
            .select(&selector)
            .next()
            .map(|e| e.text().collect())
            .unwrap_or_default();
        text.strip_prefix('\n').map(str::to_owned).unwrap_or(text)
    }

    /// An attribute of every element matching `selector`.
    pub fn attrs(&self, selector: &str, attribute: &str) -> Vec<String> {
        let selector = Selector::parse(selector).expect("valid selector");
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attribute).map(str::to_owned))
            .collect()
    }

    /// The option ids ticked on a question page.
    pub fn checked(&self) -> Vec<String> {
        self.attrs("input[name=answer][checked]", "value")
    }

    /// The error summary's (message, link) pairs.
    pub fn error_summary(&self) -> Vec<(String, String)> {
        let html = self.html();
        let selector = Selector::parse(".error-summary a").expect("selector");
        html.select(&selector)
            .map(|a| {
                (
                    a.text().collect::<String>(),
                    a.value().attr("href").unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    pub fn csrf(&self) -> Option<String> {
        self.attrs("input[name=csrf]", "value").into_iter().next()
    }

    pub fn location(&self) -> &str {
        self.location.as_deref().expect("a Location header")
    }
}

impl Resident {
    fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> Page {
        Page::read(self.client.get(self.url(path)).send().await.expect("GET")).await
    }

    /// POSTs a urlencoded form; the CSRF token of this resident's draft is added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(token) = &self.csrf {
            all.push(("csrf", token));
        }
        Page::read(
            self.client
                .post(self.url(path))
                .form(&all)
                .send()
                .await
                .expect("POST"),
        )
        .await
    }

    /// POSTs a `multipart/form-data` form: the text fields (with this
    /// browser's CSRF token) and one file, its bytes as given.
    pub async fn upload(
        &self,
        path: &str,
        fields: &[(&str, &str)],
        file_field: &str,
        file_name: &str,
        bytes: &[u8],
    ) -> Page {
        let boundary = "civic-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(token) = &self.csrf {
            all.push(("csrf", token));
        }
        for (name, value) in all {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{file_field}\"; filename=\"{file_name}\"\r\nContent-Type: application/toml\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.post_raw(
            path,
            Some(&format!("multipart/form-data; boundary={boundary}")),
            body,
        )
        .await
    }

    /// POSTs raw bytes with a content type (or none).
    pub async fn post_raw(&self, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Page {
        let mut request = self.client.post(self.url(path)).body(body);
        if let Some(ct) = content_type {
            request = request.header("content-type", ct);
        }
        Page::read(request.send().await.expect("POST")).await
    }

    /// Opens the start page, presses Start now, and returns where it leads.
    pub async fn start(&mut self, slug: &str) -> Page {
        self.start_from(&format!("/surveys/{slug}")).await
    }

    /// Opens a start page by its link (a channel's, say), presses Start
    /// now (posting the form's hidden fields, as a browser does), and
    /// returns where it leads.
    pub async fn start_from(&mut self, link: &str) -> Page {
        let start = self.get(link).await;
        assert_eq!(start.status, StatusCode::OK);
        let action = start
            .attrs("main form", "action")
            .pop()
            .expect("the start form");
        let names = start.attrs("main form input[type=hidden]", "name");
        let values = start.attrs("main form input[type=hidden]", "value");
        let fields: Vec<(String, String)> = names.into_iter().zip(values).collect();
        let page = Page::read(
            self.client
                .post(self.url(&action))
                .form(&fields)
                .send()
                .await
                .expect("POST start"),
        )
        .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        let first = self.get(page.location()).await;
        self.csrf = first.csrf();
        page
    }

    /// Answers the question at `path` (GET then POST, as a browser does) and
    /// returns the POST's response.
    pub async fn answer(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let form = self.get(path).await;
        assert_eq!(form.status, StatusCode::OK, "GET {path}: {}", form.body);
        self.csrf = form.csrf();
        self.post(path, fields).await
    }

    /// Signs in through the form (GET it for its token, POST it).
    pub async fn sign_in(&mut self, email: &str, password: &str) -> Page {
        let form = self.get("/officers/sign-in").await;
        let token = form.csrf().expect("the sign-in form has a CSRF token");
        let page = Page::read(
            self.client
                .post(self.url("/officers/sign-in"))
                .form(&[
                    ("csrf", token.as_str()),
                    ("email", email),
                    ("password", password),
                ])
                .send()
                .await
                .expect("POST sign-in"),
        )
        .await;
        if page.status == StatusCode::SEE_OTHER {
            self.csrf = self.get("/officers").await.csrf();
        }
        page
    }

    /// GETs raw bytes, returning the status, content type and body.
    pub async fn get_bytes(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let body = response.bytes().await.expect("body").to_vec();
        (status, content_type, body)
    }

    /// GETs JSON, returning the status and the parsed body.
    pub async fn get_json(&self, path: &str) -> (StatusCode, serde_json::Value) {
        let response = self.client.get(self.url(path)).send().await.expect("GET");
        let status = response.status();
        let body = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)),
        )
    }

    /// Forgets the CSRF token, to send forms without it.
    pub fn drop_csrf(&mut self) {
        self.csrf = None;
    }
}

/// `answer=a&answer=b…` fields for a list of option ids.
pub fn choose<'a>(options: &[&'a str]) -> Vec<(&'static str, &'a str)> {
    options.iter().map(|o| ("answer", *o)).collect()
}
