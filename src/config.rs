//! Settings from environment variables, with defaults that work on a fresh
//! machine. Secrets are wrapped in [`Redacted`] so they never reach a log.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

/// A value that prints as `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Redacted(String);

impl Redacted {
    pub fn new(value: impl Into<String>) -> Self {
        Redacted(value.into())
    }
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Redacted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Where the data lives: a SQLite file, or a PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    /// The whole URL, which may hold a password.
    Postgres(Redacted),
}

/// The default database: a SQLite file under `./data/`.
/// `SMALL_BASE` when unset: `stats::DEFAULT_SMALL_BASE`, which results
/// use when no setting reaches them (a test checks the two agree).
pub const DEFAULT_SMALL_BASE: u64 = 30;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/civic-survey.db";

impl DatabaseUrl {
    /// Reads `sqlite://PATH` (relative, or absolute as `sqlite:///abs/path`),
    /// `sqlite:PATH`, `postgres://…` or `postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() || path.contains(":memory:") {
                return Err(
                    "DATABASE_URL: a SQLite URL needs a file path, such as sqlite://data/civic-survey.db"
                        .to_owned(),
                );
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(Redacted::new(url)));
        }
        Err(format!(
            "DATABASE_URL must start with sqlite:// or postgres:// (got {:?})",
            url.split("://").next().unwrap_or_default()
        ))
    }

    /// A description safe to print: the SQLite path, or the PostgreSQL URL
    /// without its password.
    pub fn describe(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("SQLite database {}", path.display()),
            DatabaseUrl::Postgres(url) => {
                // Parameters may hold a password (?password=…): never shown.
                let url = url.expose().split('?').next().unwrap_or_default();
                let shown = match (url.find("://"), url.rfind('@')) {
                    (Some(scheme_end), Some(at)) if at > scheme_end => {
                        let credentials = &url[scheme_end + 3..at];
                        let user = credentials.split(':').next().unwrap_or_default();
                        format!("{}{}@{}", &url[..scheme_end + 3], user, &url[at + 1..])
                    }
                    _ => url.to_owned(),
                };
                format!("PostgreSQL database {shown}")
            }
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, DatabaseUrl::Sqlite(_))
    }
}

/// Everything the service is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: DatabaseUrl,
    /// `host:port`; port 0 picks a free port.
    pub bind_address: String,
    /// When absent, one is generated on first start and kept in the database.
    pub secret_key: Option<Redacted>,
    /// Folder of survey definition files.
    pub surveys_dir: PathBuf,
    /// The survey shown at `/`; when absent, the only survey, or a list.
    pub default_survey: Option<String>,
    /// How long a draft lives after its last change.
    pub draft_lifetime: Duration,
    /// The largest form body accepted, in bytes.
    pub max_form_bytes: usize,
    /// Connections in the database pool.
    pub db_pool_size: u32,
    /// The address people use, such as `https://survey.example.gov.uk`; when
    /// it is HTTPS, cookies are marked Secure. Links printed at start use it.
    pub public_url: Option<String>,
    /// A question answered by fewer respondents than this is marked as a
    /// small base, its percentages too unsure to lean on.
    pub small_base: u64,
    /// The smallest count a public results page shows (`PUBLIC_MIN_COUNT`).
    pub public_min_count: u64,
    /// How often published figures are brought up to date
    /// (`PUBLIC_REFRESH_SECONDS`).
    pub public_refresh: Duration,
    /// How often the retention job runs (`RETENTION_INTERVAL_SECONDS`).
    pub retention_interval: Duration,
    /// Failed sign-ins for one address before it is locked out.
    pub sign_in_max_failures: u32,
    /// How long a lock-out lasts.
    pub sign_in_lockout: Duration,
    /// Survey starts and submissions one client address may make a minute.
    pub submissions_per_minute: NonZeroU32,
    /// Sign-in attempts one client address may make a minute.
    pub sign_ins_per_minute: NonZeroU32,
    /// The reverse proxies whose `X-Forwarded-For` / `Forwarded` headers
    /// name the client (none by default: the client is the peer).
    pub trusted_proxies: crate::proxies::TrustedProxies,
    /// The bearer token of `GET /metrics`; none (the default): no metrics.
    pub metrics_token: Option<Redacted>,
    /// `LOG_FORMAT=json`: one JSON object per log line.
    pub json_logs: bool,
    /// Who runs the service, for the privacy notices and the accessibility
    /// statement (`ORGANISATION_NAME`); none: each survey's organisation.
    pub organisation: Option<String>,
    /// Where residents write about their data or accessibility (`CONTACT_EMAIL`).
    pub contact_email: Option<String>,
    /// The lawful basis the privacy notices give (`LAWFUL_BASIS`).
    pub lawful_basis: String,
}

/// The lawful basis a council's consultation usually rests on.
pub const DEFAULT_LAWFUL_BASIS: &str = "Public task: the partnership's duty under the Crime and Disorder Act 1998 to assess crime and disorder in the area and to set a strategy to reduce it (UK GDPR Article 6(1)(e)).";

impl Settings {
    /// Whether people reach the service over HTTPS, so cookies are Secure.
    pub fn serves_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings from any lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let get = |name: &str| get(name).filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: u64| -> Result<u64, String> {
            get(name).map_or(Ok(default), |v| {
                v.trim()
                    .parse()
                    .map_err(|_| format!("{name} must be a whole number (got {v:?})"))
            })
        };
        let database_url = DatabaseUrl::parse(
            &get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned()),
        )?;
        let secret_key = match get("SECRET_KEY") {
            Some(key) if key.len() < 32 => {
                return Err("SECRET_KEY must be at least 32 characters long".to_owned());
            }
            other => other.map(Redacted::new),
        };
        let default_pool = if database_url.is_sqlite() { 8 } else { 16 };
        Ok(Settings {
            database_url,
            bind_address: get("BIND_ADDRESS").unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            secret_key,
            surveys_dir: PathBuf::from(
                get("SURVEYS_DIR").unwrap_or_else(|| "assets/surveys".to_owned()),
            ),
            default_survey: get("DEFAULT_SURVEY"),
            draft_lifetime: Duration::from_secs(3600 * number("DRAFT_LIFETIME_HOURS", 24)?),
            max_form_bytes: usize::try_from(number("MAX_FORM_BYTES", 64 * 1024)?)
                .map_err(|_| "MAX_FORM_BYTES is too large".to_owned())?,
            db_pool_size: u32::try_from(number("DB_POOL_SIZE", default_pool)?)
                .ok()
                .filter(|n| *n > 0)
                .ok_or("DB_POOL_SIZE must be between 1 and 4294967295")?,
            public_url: get("PUBLIC_URL").map(|u| u.trim_end_matches('/').to_owned()),
            small_base: number("SMALL_BASE", DEFAULT_SMALL_BASE)?,
            public_min_count: match number("PUBLIC_MIN_COUNT", 5)? {
                k if (2..=1000).contains(&k) => k,
                _ => return Err("PUBLIC_MIN_COUNT must be from 2 to 1000".to_owned()),
            },
            public_refresh: Duration::from_secs(match number("PUBLIC_REFRESH_SECONDS", 60)? {
                n if (1..=86_400).contains(&n) => n,
                _ => return Err("PUBLIC_REFRESH_SECONDS must be from 1 to 86400".to_owned()),
            }),
            organisation: get("ORGANISATION_NAME").map(|o| o.trim().to_owned()),
            contact_email: match get("CONTACT_EMAIL") {
                Some(e) if e.contains('@') && !e.chars().any(char::is_whitespace) => Some(e),
                Some(_) => return Err("CONTACT_EMAIL must be an email address".to_owned()),
                None => None,
            },
            lawful_basis: get("LAWFUL_BASIS").unwrap_or_else(|| DEFAULT_LAWFUL_BASIS.to_owned()),
            retention_interval: Duration::from_secs(
                match number("RETENTION_INTERVAL_SECONDS", 3600)? {
                    n if (1..=86_400).contains(&n) => n,
                    _ => {
                        return Err("RETENTION_INTERVAL_SECONDS must be from 1 to 86400".to_owned());
                    }
                },
            ),
            sign_in_max_failures: u32::try_from(number("SIGN_IN_MAX_FAILURES", 5)?)
                .ok()
                .filter(|n| *n > 0)
                .ok_or("SIGN_IN_MAX_FAILURES must be at least 1")?,
            sign_in_lockout: Duration::from_secs(60 * number("SIGN_IN_LOCKOUT_MINUTES", 15)?),
            submissions_per_minute: u32::try_from(number("RATE_LIMIT_SUBMISSIONS_PER_MINUTE", 60)?)
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or("RATE_LIMIT_SUBMISSIONS_PER_MINUTE must be at least 1")?,
            sign_ins_per_minute: u32::try_from(number("RATE_LIMIT_SIGN_INS_PER_MINUTE", 10)?)
                .ok()
                .and_then(NonZeroU32::new)
                .ok_or("RATE_LIMIT_SIGN_INS_PER_MINUTE must be at least 1")?,
            trusted_proxies: crate::proxies::TrustedProxies::parse(
                &get("TRUSTED_PROXIES").unwrap_or_default(),
            )?,
            metrics_token: match get("METRICS_TOKEN") {
                Some(token) if token.trim().len() < 16 => {
                    return Err("METRICS_TOKEN must be at least 16 characters long".to_owned());
                }
                other => other.map(|t| Redacted::new(t.trim().to_owned())),
            },
            json_logs: match get("LOG_FORMAT").as_deref().map(str::trim) {
                None | Some("text") => false,
                Some("json") => true,
                Some(other) => {
                    return Err(format!("LOG_FORMAT must be text or json (got {other:?})"));
                }
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_no_configuration() {
        let s = settings(&[]).expect("defaults");
        assert_eq!(
            s.database_url,
            DatabaseUrl::Sqlite(PathBuf::from("data/civic-survey.db"))
        );
        assert_eq!(s.bind_address, "127.0.0.1:8080");
        assert!(s.secret_key.is_none());
    }

    #[test]
    fn trusted_proxies_parse_or_refuse_naming_the_entry() {
        let s = settings(&[("TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]).expect("valid");
        assert!(
            s.trusted_proxies
                .contains("10.20.30.40".parse().expect("ip"))
        );
        assert!(settings(&[]).expect("defaults").trusted_proxies.is_empty());
        let e = settings(&[("TRUSTED_PROXIES", "10.0.0.0/8 nginx")]).expect_err("bad");
        assert!(
            e.contains("TRUSTED_PROXIES") && e.contains("\"nginx\""),
            "{e}"
        );
    }

    #[test]
    fn metrics_and_log_format_settings() {
        let s = settings(&[]).expect("defaults");
        assert!(s.metrics_token.is_none() && !s.json_logs);
        assert!(
            settings(&[("METRICS_TOKEN", "short")])
                .expect_err("short")
                .contains("16")
        );
        let s = settings(&[
            ("METRICS_TOKEN", "a long enough metrics token"),
            ("LOG_FORMAT", "json"),
        ])
        .expect("valid");
        assert!(s.metrics_token.is_some() && s.json_logs);
        assert!(
            settings(&[("LOG_FORMAT", "xml")])
                .expect_err("bad")
                .contains("LOG_FORMAT")
        );
    }

    #[test]
    fn database_urls_choose_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db"),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/tmp/x.db")))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u:p@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("mysql://x").is_err());
        assert!(DatabaseUrl::parse("sqlite://:memory:").is_err());
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::parse("postgres://civic:hunter2@db:5432/civic").expect("valid");
        assert_eq!(
            url.describe(),
            "PostgreSQL database postgres://civic@db:5432/civic"
        );
        assert!(!format!("{url:?}").contains("hunter2"));
        let s = settings(&[("SECRET_KEY", &"k".repeat(40))]).expect("valid");
        assert!(!format!("{s:?}").contains("kkkk"));
    }

    #[test]
    fn bad_values_are_explained() {
        assert_eq!(
            settings(&[("SECRET_KEY", "short")]).expect_err("short key"),
            "SECRET_KEY must be at least 32 characters long"
        );
        assert_eq!(
            settings(&[("MAX_FORM_BYTES", "lots")]).expect_err("not a number"),
            "MAX_FORM_BYTES must be a whole number (got \"lots\")"
        );
    }
}
