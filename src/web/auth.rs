//! Officer authentication: sessions (actix-session over our own database
//! store, so every instance behind a load balancer shares them and signing
//! out really ends them), the extractors that guard officer pages and the
//! API, and the throttle on failed sign-ins.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_session::{Session, SessionExt};
use actix_web::cookie::time;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpRequest, web};

use super::{AppState, on_pool, with_db};
use crate::db::officers;
use crate::db::{self, Pool};
use crate::domain::officer::Officer;
use crate::domain::token::sha256_hex;
use crate::domain::{ApiToken, CsrfSecret, OfficerId};
use crate::error::{AppError, Refusal};
use crate::paths;
use crate::views::Viewer;

/// The officer session cookie's name.
pub use crate::fields::SESSION_COOKIE;
/// Session keys: the officer, and the secret that scopes their CSRF tokens.
const OFFICER_ID: &str = "officer_id";
const CSRF_SECRET: &str = "csrf";

fn expiry(ttl: &time::Duration) -> chrono::NaiveDateTime {
    db::now() + chrono::Duration::seconds(ttl.whole_seconds())
}

/// actix-session's storage, in the `officer_sessions` table. Keys are stored
/// hashed, so the table cannot be used to take over a session.
#[derive(Clone)]
pub struct DbSessionStore {
    pool: Pool,
}

impl DbSessionStore {
    pub fn new(pool: Pool) -> Self {
        DbSessionStore { pool }
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut db::AnyConnection) -> Result<T, db::DbError> + Send + 'static,
    ) -> anyhow::Result<T> {
        on_pool(&self.pool, move |conn| Ok(f(conn)?)).await
    }
}

impl SessionStore for DbSessionStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        let hash = sha256_hex(key.as_ref());
        let state = self
            .run(move |c| officers::load_session(c, &hash))
            .await
            .map_err(LoadError::Other)?;
        state
            .map(|s| serde_json::from_str(&s).map_err(|e| LoadError::Deserialization(e.into())))
            .transpose()
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        ttl: &time::Duration,
    ) -> Result<SessionKey, SaveError> {
        let key = generate_session_key();
        let hash = sha256_hex(key.as_ref());
        let json = serde_json::to_string(&state).map_err(|e| SaveError::Serialization(e.into()))?;
        let expires = expiry(ttl);
        self.run(move |c| officers::save_session(c, &hash, &json, expires))
            .await
            .map_err(SaveError::Other)?;
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        ttl: &time::Duration,
    ) -> Result<SessionKey, UpdateError> {
        let hash = sha256_hex(key.as_ref());
        let json =
            serde_json::to_string(&state).map_err(|e| UpdateError::Serialization(e.into()))?;
        let expires = expiry(ttl);
        self.run(move |c| officers::save_session(c, &hash, &json, expires))
            .await
            .map_err(UpdateError::Other)?;
        Ok(key)
    }

    async fn update_ttl(&self, key: &SessionKey, ttl: &time::Duration) -> anyhow::Result<()> {
        let hash = sha256_hex(key.as_ref());
        let expires = expiry(ttl);
        self.run(move |c| officers::touch_session(c, &hash, expires))
            .await
    }

    async fn delete(&self, key: &SessionKey) -> anyhow::Result<()> {
        let hash = sha256_hex(key.as_ref());
        self.run(move |c| officers::delete_session(c, &hash)).await
    }
}

/// A signed-in officer, with the token their forms must carry.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub officer: Officer,
    /// The CSRF token for forms in this session.
    pub csrf: String,
    /// What the token is signed for; none for an API token, which posts no forms.
    csrf_scope: Option<String>,
}

impl SignedIn {
    /// Whether a posted form carries this session's CSRF token (checked in
    /// constant time by [`crate::csrf::CsrfKey::verify`]). An API token's
    /// officer posts no forms: never.
    pub fn form_has_session_token(
        &self,
        key: &crate::csrf::CsrfKey,
        form: &super::form::Form,
    ) -> bool {
        self.csrf_scope
            .as_deref()
            .is_some_and(|scope| key.verify(scope, form.csrf()))
    }

    pub fn is_admin(&self) -> bool {
        self.officer.is_admin()
    }

    /// What an officer page shows of the officer.
    pub fn viewer(&self) -> Viewer {
        Viewer {
            email: self.officer.email.clone(),
            csrf: self.csrf.clone(),
            is_admin: self.is_admin(),
            can_build: self.officer.can_build(),
        }
    }
}

/// A page that needs a signed-in officer: go to sign-in, then come back to `next`.
fn sign_in_required(next: &str) -> AppError {
    Refusal::see_other(paths::sign_in_then(next)).into()
}

/// The API without a session or a token: 401 with a JSON body.
fn unauthorized() -> AppError {
    Refusal::json(
        StatusCode::UNAUTHORIZED,
        "Sign in, or send an API token as 'Authorization: Bearer TOKEN'",
    )
    .with_header(header::WWW_AUTHENTICATE, "Bearer")
    .into()
}

/// Signed in, but without the role the page needs.
fn forbidden() -> AppError {
    Refusal::page(
        StatusCode::FORBIDDEN,
        crate::views::errors::error_page(
            "You do not have access to this page",
            &["Only administrators can use this page. Ask an administrator if you need it."],
            Some((paths::officers(), "Go to your surveys")),
        ),
    )
    .into()
}

/// The officer of the request's session, if one is signed in and active.
async fn from_session(
    state: &web::Data<AppState>,
    session: &Session,
) -> Result<Option<SignedIn>, AppError> {
    let Ok(Some(id)) = session.get::<i64>(OFFICER_ID) else {
        return Ok(None);
    };
    let Ok(Some(csrf_secret)) = session.get::<String>(CSRF_SECRET) else {
        return Ok(None);
    };
    let found = with_db(state, move |c| officers::find_by_id(c, OfficerId(id))).await?;
    let scope = format!("officer:{csrf_secret}");
    Ok(found.filter(|o| !o.disabled).map(|officer| SignedIn {
        officer,
        csrf: state.csrf.token(&scope),
        csrf_scope: Some(scope),
    }))
}

/// The officer an `Authorization: Bearer` API token belongs to.
async fn from_bearer(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Option<SignedIn>, AppError> {
    let Some(sent) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    else {
        return Ok(None);
    };
    // A value that is not even shaped like a token was never issued.
    let Some(token) = ApiToken::parse(sent.trim()) else {
        return Ok(None);
    };
    let hash = token.hash();
    let found = with_db(state, move |c| officers::find_by_api_token(c, &hash)).await?;
    Ok(found.map(|officer| SignedIn {
        officer,
        csrf: String::new(),
        csrf_scope: None,
    }))
}

type AuthFuture<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

/// Guards an officer page: a signed-in officer, or a redirect to sign-in.
pub struct OfficerPage(pub SignedIn);

impl FromRequest for OfficerPage {
    type Error = AppError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = super::app_state(&req)?;
            match from_session(&state, &req.get_session()).await? {
                Some(officer) => Ok(OfficerPage(officer)),
                None => Err(sign_in_required(
                    req.uri()
                        .path_and_query()
                        .map_or(paths::officers(), |p| p.as_str()),
                )),
            }
        })
    }
}

/// A signed-in officer whom `may` lets in, or 403 (or the way to sign in).
fn officer_who(
    req: &HttpRequest,
    payload: &mut actix_web::dev::Payload,
    may: fn(&Officer) -> bool,
) -> AuthFuture<SignedIn> {
    let page = OfficerPage::from_request(req, payload);
    Box::pin(async move {
        let OfficerPage(officer) = page.await?;
        if may(&officer.officer) {
            Ok(officer)
        } else {
            Err(forbidden())
        }
    })
}

/// Guards an admin page.
pub struct AdminPage(pub SignedIn);

impl FromRequest for AdminPage {
    type Error = AppError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let who = officer_who(req, payload, Officer::is_admin);
        Box::pin(async move { who.await.map(AdminPage) })
    }
}

/// Guards a survey builder's page: an administrator or an editor.
pub struct BuilderPage(pub SignedIn);

impl FromRequest for BuilderPage {
    type Error = AppError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let who = officer_who(req, payload, Officer::can_build);
        Box::pin(async move { who.await.map(BuilderPage) })
    }
}

/// Guards the API: a session or an API token, or 401.
pub struct OfficerApi(pub SignedIn);

impl FromRequest for OfficerApi {
    type Error = AppError;
    type Future = AuthFuture<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = super::app_state(&req)?;
            if let Some(officer) = from_bearer(&state, &req).await? {
                return Ok(OfficerApi(officer));
            }
            match from_session(&state, &req.get_session()).await? {
                Some(officer) => Ok(OfficerApi(officer)),
                None => Err(unauthorized()),
            }
        })
    }
}

/// Starts a signed-in session: a new session key (no fixation), the officer,
/// and a fresh secret for their CSRF tokens.
pub fn sign_in(session: &Session, officer: OfficerId) -> Result<(), AppError> {
    session.renew();
    session
        .insert(OFFICER_ID, officer.0)
        .and_then(|()| session.insert(CSRF_SECRET, CsrfSecret::generate().expose()))
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("cannot write the session: {e}")))
}

/// What the throttle says about a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// Go ahead, after waiting this long (longer with each recent failure).
    Allow(Duration),
    /// Refused until the lock-out ends.
    Locked(Duration),
}

/// How many failed sign-ins to addresses with no account go into the audit
/// log one by one each minute; the rest are counted and told in the next
/// entry. The log is append-only and these come from anyone, so without a
/// cap a stream of made-up addresses could grow it without end.
#[derive(Debug)]
pub struct FailureLogBudget {
    per_minute: u32,
    /// The current minute's start, entries written in it, and failures not
    /// written one by one since the last entry.
    state: Mutex<(Instant, u32, u64)>,
}

impl FailureLogBudget {
    pub fn new(per_minute: u32) -> Self {
        FailureLogBudget {
            per_minute,
            state: Mutex::new((Instant::now(), 0, 0)),
        }
    }

    /// Whether to write this failure at `now`: `Some(n)`, saying `n` more
    /// were not written since the last entry; `None`, counted instead.
    pub fn take(&self, now: Instant) -> Option<u64> {
        let Ok(mut state) = self.state.lock() else {
            return None;
        };
        let (start, used, skipped) = &mut *state;
        if now.duration_since(*start) >= Duration::from_secs(60) {
            *start = now;
            *used = 0;
        }
        if *used >= self.per_minute {
            *skipped += 1;
            return None;
        }
        *used += 1;
        Some(std::mem::take(skipped))
    }
}

/// Counts failed sign-ins per email address, in memory: each failure slows
/// the next attempt, and too many lock the address out for a while. Nothing
/// about the client is stored.
#[derive(Debug)]
pub struct SignInThrottle {
    max_failures: u32,
    lockout: Duration,
    step: Duration,
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl SignInThrottle {
    pub fn new(max_failures: u32, lockout: Duration, step: Duration) -> Self {
        SignInThrottle {
            max_failures: max_failures.max(1),
            lockout,
            step,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Begins a sign-in attempt for `email`: refused while locked out;
    /// otherwise counted as a failure at once (under the lock, so parallel
    /// attempts cannot all slip in before the first failure is recorded) and
    /// allowed after a delay that grows with the failures before it. A
    /// success clears the count with [`Self::record_success`].
    pub fn begin(&self, email: &str) -> Throttle {
        let Ok(mut map) = self.failures.lock() else {
            return Throttle::Locked(self.lockout);
        };
        let now = Instant::now();
        let entry = map.entry(email.to_owned()).or_insert((0, now));
        if entry.0 > 0 && now.duration_since(entry.1) >= self.lockout {
            *entry = (0, now);
        }
        if entry.0 >= self.max_failures {
            return Throttle::Locked(self.lockout.saturating_sub(now.duration_since(entry.1)));
        }
        let before = entry.0;
        *entry = (before + 1, now);
        Throttle::Allow(self.step * before)
    }

    pub fn record_success(&self, email: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(email);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_sign_ins_to_unknown_addresses_are_logged_ten_a_minute_then_counted() {
        let budget = FailureLogBudget::new(10);
        let start = Instant::now();
        for _ in 0..10 {
            assert_eq!(budget.take(start), Some(0));
        }
        for _ in 0..25 {
            assert_eq!(budget.take(start + Duration::from_secs(30)), None);
        }
        assert_eq!(
            budget.take(start + Duration::from_secs(61)),
            Some(25),
            "the next minute's first entry says how many were not written"
        );
        assert_eq!(budget.take(start + Duration::from_secs(62)), Some(0));
    }

    #[test]
    fn failures_slow_then_lock_then_expire() {
        let t = SignInThrottle::new(3, Duration::from_millis(50), Duration::from_millis(10));
        assert_eq!(t.begin("a"), Throttle::Allow(Duration::ZERO));
        assert_eq!(t.begin("a"), Throttle::Allow(Duration::from_millis(10)));
        assert_eq!(t.begin("a"), Throttle::Allow(Duration::from_millis(20)));
        assert!(matches!(t.begin("a"), Throttle::Locked(_)));
        assert_eq!(t.begin("b"), Throttle::Allow(Duration::ZERO), "per address");
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(t.begin("a"), Throttle::Allow(Duration::ZERO));
    }

    #[test]
    fn parallel_attempts_cannot_outrun_the_count() {
        let t = std::sync::Arc::new(SignInThrottle::new(
            5,
            Duration::from_secs(60),
            Duration::ZERO,
        ));
        let allowed: usize = (0..50)
            .map(|_| {
                let t = std::sync::Arc::clone(&t);
                std::thread::spawn(move || matches!(t.begin("a"), Throttle::Allow(_)))
            })
            .collect::<Vec<_>>()
            .into_iter()
            .map(|h| usize::from(h.join().unwrap_or(false)))
            .sum();
        assert_eq!(allowed, 5);
    }

    #[test]
    fn success_clears_failures() {
        let t = SignInThrottle::new(3, Duration::from_secs(60), Duration::from_millis(10));
        t.begin("a");
        t.record_success("a");
        assert_eq!(t.begin("a"), Throttle::Allow(Duration::ZERO));
    }
}
