//! Storage: one code path over SQLite and PostgreSQL.
//!
//! [`AnyConnection`] is a `diesel::MultiConnection` over both backends; the
//! backend is chosen from the `DATABASE_URL` scheme by [`Manager`], which
//! keeps the backend's own connection error (the derive's `establish` would
//! replace it with a generic one). SQLite connections get their pragmas when
//! they are opened. Migrations for each backend are embedded in the binary.
//!
//! Each business operation is one function taking `&mut AnyConnection`; one
//! that writes more than one row owns its transaction, and its retries where
//! another request may change a row first (`drafts::record_answer`,
//! `responses::submit_draft`). Reads run statement by statement. Callers
//! above this module hold an `AnyConnection` only to hand it back to these
//! functions: what they return are domain and stats types or small outcome
//! enums of their own (`Submitted`, `NewOfficer`, `Published`), and
//! [`DbError`] says what went wrong without a diesel type. No module outside
//! `db` names diesel (`tests/api/architecture.rs` checks).

pub mod audit;
pub mod backup;
pub mod builder;
pub mod bulk;
pub mod cells;
pub mod drafts;
pub mod exports;
pub mod notify;
pub mod officers;
pub mod public;
pub mod responses;
pub mod results;
pub mod retention;
pub(crate) mod schema;
pub mod secrets;
pub mod surveys;
pub mod themes;
pub mod weighting;

use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::config::DatabaseUrl;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

diesel::alias!(schema::answers as filter_answers: FilterAnswers);

/// The answers table again, for sub-selects on itself.
///
/// `response_id IN (responses that chose the filter's option)`, for any
/// column that holds a response id.
macro_rules! responses_choosing {
    ($column:expr, $survey:expr, $filter:expr) => {
        $column.eq_any(
            $crate::db::filter_answers
                .filter(
                    $crate::db::filter_answers
                        .field($crate::db::schema::answers::survey_id)
                        .eq($survey.0),
                )
                .filter(
                    $crate::db::filter_answers
                        .field($crate::db::schema::answers::question_id)
                        .eq($filter.question.as_str()),
                )
                .filter(
                    $crate::db::filter_answers
                        .field($crate::db::schema::answers::option_id)
                        .eq($filter.option.as_str()),
                )
                .select($crate::db::filter_answers.field($crate::db::schema::answers::response_id)),
        )
    };
}
pub(crate) use responses_choosing;

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// A pool of connections to the configured database.
pub type Pool = r2d2::Pool<Manager>;

/// Why a storage operation failed. Callers above this module see what
/// happened (away, busy, a bug, a bad row), never a diesel type.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// No connection could be had, or the one in use was lost: the database
    /// is down, restarting or unreachable. Try again later.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// SQLite's write lock could not be had in time ("database is locked"):
    /// the service is busy, the request not wrong. Try again later.
    #[error("the database is busy: {0}")]
    Busy(String),
    /// A query failed for another reason: a bug, or a constraint the
    /// operation did not expect.
    #[error(transparent)]
    Query(QueryError),
    /// A stored value could not be read back (a bug or a hand-edited row).
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
}

/// A query that failed for a reason other than a lost or busy database.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct QueryError(diesel::result::Error);

impl From<diesel::result::Error> for DbError {
    /// Every query error passes here and is sorted by what it means. A lost
    /// connection seen anywhere (a page, the session store, a background
    /// task) also makes the pool check its connections for the next minute.
    fn from(e: diesel::result::Error) -> Self {
        if is_connection_lost(&e) {
            note_connection_lost();
            DbError::Unavailable(e.to_string())
        } else if is_busy(&e) {
            DbError::Busy(e.to_string())
        } else {
            DbError::Query(QueryError(e))
        }
    }
}

impl DbError {
    /// Whether the failure was a UNIQUE constraint (a row that raced in).
    pub(crate) fn is_unique_violation(&self) -> bool {
        matches!(self, DbError::Query(QueryError(e)) if is_unique_violation(e))
    }
}

/// Opens connections for the pool, choosing the backend from the URL.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
    commits: Commits,
}

/// When a commit on a pool's connections returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Commits {
    /// Once it is on disk (SQLite `synchronous = FULL`, PostgreSQL
    /// `synchronous_commit = on`): every pool but the drafts'.
    Durable,
    /// Before it is flushed to disk (SQLite `synchronous = NORMAL` in WAL
    /// mode, PostgreSQL `synchronous_commit = off`), for [`DraftPool`]. Such a
    /// commit is visible at once, survives the process being killed, and is
    /// made durable by the next durable commit of any connection (which
    /// flushes the log it was appended to); only a power cut or an operating
    /// system crash before then can lose it.
    Lazy,
}

/// A connection that could not be opened, with the backend's own message.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Connection(#[from] diesel::ConnectionError),
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
}

/// SQLite settings for every new connection. `busy_timeout` comes first: with
/// `journal_mode` first, connections opened together fail with "database is
/// locked". `synchronous = FULL` makes a commit durable before the resident
/// is told their response is stored.
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

/// What a [`Commits::Lazy`] connection runs after its backend's settings.
const SQLITE_LAZY: &str = "PRAGMA synchronous = NORMAL;";
const POSTGRES_LAZY: &str = "SET synchronous_commit = off;";

/// A pooled connection: the connection, and when it was last known alive.
pub struct Pooled {
    conn: AnyConnection,
    checked: std::time::Instant,
}

impl std::ops::Deref for Pooled {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.conn
    }
}

impl std::ops::DerefMut for Pooled {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.conn
    }
}

/// A connection used within this long needs no ping before its next use.
const TRUSTED_FOR: Duration = Duration::from_secs(1);

/// When a query last found its connection lost, in seconds since start-up
/// of the process (0: never). For a minute after, every connection is
/// pinged before use, so those left dead by a database restart are dropped
/// instead of failing a request each.
static LOST_AT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
static STARTED: std::sync::LazyLock<std::time::Instant> =
    std::sync::LazyLock::new(std::time::Instant::now);

fn recently_lost() -> bool {
    let lost = LOST_AT.load(std::sync::atomic::Ordering::Relaxed);
    lost > 0 && STARTED.elapsed().as_secs() < lost + 60
}

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = ConnectError;

    fn connect(&self) -> Result<Pooled, ConnectError> {
        let conn = match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                if self.commits == Commits::Lazy {
                    conn.batch_execute(SQLITE_LAZY)?;
                }
                // SQLite's own lower() folds ASCII only: "ÉCOLE" would not
                // find "école". Rust's is Unicode's, as PostgreSQL's is.
                responses::lower_utils::register_impl(&mut conn, |text: Option<String>| {
                    text.map(|t| t.to_lowercase())
                })?;
                AnyConnection::Sqlite(conn)
            }
            DatabaseUrl::Postgres(url) => {
                let mut conn = diesel::PgConnection::establish(url.expose())?;
                if self.commits == Commits::Lazy {
                    conn.batch_execute(POSTGRES_LAZY)?;
                }
                AnyConnection::Postgresql(conn)
            }
        };
        Ok(Pooled {
            conn,
            checked: std::time::Instant::now(),
        })
    }

    /// Pings a connection before use only when it has been idle (more than
    /// a second) or a connection was lost lately: a round trip per request
    /// cost about a fifth of PostgreSQL's throughput under load.
    fn is_valid(&self, pooled: &mut Pooled) -> Result<(), ConnectError> {
        use diesel::r2d2::R2D2Connection;
        if pooled.checked.elapsed() > TRUSTED_FOR || recently_lost() {
            pooled.conn.ping()?;
        }
        pooled.checked = std::time::Instant::now();
        Ok(())
    }

    fn has_broken(&self, pooled: &mut Pooled) -> bool {
        use diesel::r2d2::R2D2Connection;
        std::thread::panicking() || pooled.conn.is_broken()
    }
}

/// While a service runs on a SQLite file it holds a shared advisory lock on
/// it (`flock`, apart from SQLite's own locks), so `restore` can tell the
/// file is in use by taking the lock exclusively. Several instances on one
/// file each hold a share. `None` for PostgreSQL, where restore asks the
/// server who is connected.
pub fn claim_sqlite(url: &DatabaseUrl) -> anyhow::Result<Option<std::fs::File>> {
    let DatabaseUrl::Sqlite(path) = url else {
        return Ok(None);
    };
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    file.lock_shared()
        .map_err(|e| anyhow::anyhow!("cannot lock {}: {e}", path.display()))?;
    Ok(Some(file))
}

/// Opens a pool on `url`, creating the SQLite file (and its folder) if
/// missing, and runs pending migrations.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<Pool> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(folder) = path.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the folder {} for the SQLite database: {e}",
                folder.display()
            )
        })?;
    }
    let manager = Manager {
        url: url.clone(),
        commits: Commits::Durable,
    };
    // Open one connection first so a wrong URL or password is reported with
    // the database's own words, not as a pool time-out.
    let mut first = r2d2::ManageConnection::connect(&manager)
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", url.describe()))?;
    run_migrations(&mut first)?;
    drop(first);
    build_pool(manager, max_size)
}

fn build_pool(manager: Manager, max_size: u32) -> anyhow::Result<Pool> {
    let url = manager.url.describe();
    r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(Duration::from_secs(5))
        .build(manager)
        .map_err(|e| anyhow::anyhow!("cannot open a connection pool on {url}: {e}"))
}

/// The pool for residents' drafts: answers in progress, saved page by page.
/// Its commits return before they reach the disk ([`Commits::Lazy`]): a
/// completed survey then costs one wait for the disk, the response's own
/// commit (which also makes every draft write before it durable), instead of
/// one per page. A draft lost to a power cut costs its resident the pages
/// since the last durable commit, never an acknowledged response: the
/// response is stored through the durable pool ([`Pool`]). Only the drafts'
/// functions (`db::drafts`) take it, so nothing else can be written lazily.
#[derive(Clone, Debug)]
pub struct DraftPool(Pool);

impl DraftPool {
    /// Opens the drafts' pool on a database [`connect`] has migrated.
    pub fn connect(url: &DatabaseUrl, max_size: u32) -> anyhow::Result<DraftPool> {
        let manager = Manager {
            url: url.clone(),
            commits: Commits::Lazy,
        };
        Ok(DraftPool(build_pool(manager, max_size)?))
    }

    /// A connection whose commits do not wait for the disk, for `db::drafts`.
    pub fn get(&self) -> Result<DraftConnection, DbError> {
        Ok(DraftConnection(get(&self.0)?))
    }
}

/// A connection of the [`DraftPool`]. Only `db::drafts` takes it (through
/// [`DraftStorage`]): no other function can be handed a connection whose
/// commits do not wait for the disk.
pub struct DraftConnection(r2d2::PooledConnection<Manager>);

/// What the drafts' functions run on: a [`DraftConnection`], or any durable
/// connection (seeding, the benchmarks' storage loop), since writing a draft
/// durably is never wrong.
pub trait DraftStorage: sealed::Connection {}

mod sealed {
    /// The connection inside, reachable from `db` alone (this module is private).
    pub trait Connection {
        fn connection(&mut self) -> &mut super::AnyConnection;
    }
}

impl sealed::Connection for DraftConnection {
    fn connection(&mut self) -> &mut AnyConnection {
        &mut self.0
    }
}
impl DraftStorage for DraftConnection {}

impl sealed::Connection for AnyConnection {
    fn connection(&mut self) -> &mut AnyConnection {
        self
    }
}
impl DraftStorage for AnyConnection {}

/// One connection outside any pool, migrated: for a command that runs once
/// and must leave nothing open behind it (a pool tops itself up in the
/// background).
pub fn connect_once(url: &DatabaseUrl) -> anyhow::Result<AnyConnection> {
    let manager = Manager {
        url: url.clone(),
        commits: Commits::Durable,
    };
    let mut first = r2d2::ManageConnection::connect(&manager)
        .map_err(|e| anyhow::anyhow!("cannot connect to {}: {e}", url.describe()))?;
    run_migrations(&mut first)?;
    Ok(first.conn)
}

/// Whether a commit on this connection returns only once it is on disk:
/// true for the service's pool, false for the drafts' ([`DraftPool`]).
pub fn commits_wait_for_disk(conn: &mut impl DraftStorage) -> Result<bool, DbError> {
    #[derive(diesel::QueryableByName)]
    struct Setting {
        #[diesel(sql_type = diesel::sql_types::Text)]
        value: String,
    }
    let conn = sealed::Connection::connection(conn);
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    let query = if sqlite {
        "SELECT CAST(synchronous AS TEXT) AS value FROM pragma_synchronous"
    } else {
        "SELECT current_setting('synchronous_commit') AS value"
    };
    let setting: Setting = diesel::sql_query(query).get_result(conn)?;
    Ok(if sqlite {
        // 2 (FULL) or 3 (EXTRA) sync the WAL at every commit; 1 (NORMAL)
        // and 0 (OFF) do not.
        setting.value.parse::<u8>().is_ok_and(|level| level >= 2)
    } else {
        setting.value != "off"
    })
}

/// The versions of the migrations this build carries for one backend, as
/// diesel records them in `__diesel_schema_migrations`.
pub fn known_migrations(sqlite: bool) -> Vec<String> {
    use diesel::migration::MigrationSource;
    if sqlite {
        MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
            .map(|all| all.iter().map(|m| m.name().version().to_string()).collect())
            .unwrap_or_default()
    } else {
        MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
            .map(|all| all.iter().map(|m| m.name().version().to_string()).collect())
            .unwrap_or_default()
    }
}

fn run_migrations(conn: &mut AnyConnection) -> anyhow::Result<()> {
    let applied = match conn {
        AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        AnyConnection::Postgresql(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.len()),
    }
    .map_err(|e| anyhow::anyhow!("database migrations failed: {e}"))?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(())
}

/// Takes a connection from the pool, mapping a time-out to [`DbError::Unavailable`].
pub fn get(pool: &Pool) -> Result<r2d2::PooledConnection<Manager>, DbError> {
    let _wait = crate::telemetry::METRICS.pool_wait.start_timer();
    pool.get().map_err(|e| DbError::Unavailable(e.to_string()))
}

/// Whether the database answers a ping on this connection now.
pub fn answers_ping(conn: &mut AnyConnection) -> bool {
    use diesel::r2d2::R2D2Connection;
    conn.ping().is_ok()
}

/// SQLite lets one connection write at a time. A writer that finds the lock
/// taken sleeps in SQLite's busy handler (1, 2, 5, 10, … 100 ms between
/// tries), so under many concurrent residents the database sat idle between
/// writes. Writers of this process queue on this lock instead and each is
/// handed the database the moment the last one commits; `busy_timeout` still
/// covers other processes on the same file. Held per thread, so a write
/// begun inside another cannot deadlock.
static SQLITE_WRITER: parking_lot::Mutex<()> = parking_lot::const_mutex(());

/// How long a writer waits for its turn before giving up, as SQLite's own
/// `busy_timeout` does: the request is then answered 503, try again.
const WRITER_WAIT: Duration = Duration::from_secs(10);

thread_local! {
    static HOLDS_SQLITE_WRITER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// This thread's turn to write to SQLite, until dropped.
struct SqliteWriter(Option<parking_lot::MutexGuard<'static, ()>>);

impl SqliteWriter {
    fn enter() -> diesel::QueryResult<SqliteWriter> {
        if HOLDS_SQLITE_WRITER.with(|h| h.get()) {
            return Ok(SqliteWriter(None));
        }
        let _wait = crate::telemetry::METRICS.writer_wait.start_timer();
        let guard = SQLITE_WRITER.try_lock_for(WRITER_WAIT).ok_or_else(|| {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::Unknown,
                Box::new(format!(
                    "database is locked: waited {} s for this process's other writers",
                    WRITER_WAIT.as_secs()
                )),
            )
        })?;
        HOLDS_SQLITE_WRITER.with(|h| h.set(true));
        Ok(SqliteWriter(Some(guard)))
    }
}

impl Drop for SqliteWriter {
    fn drop(&mut self) {
        if self.0.is_some() {
            HOLDS_SQLITE_WRITER.with(|h| h.set(false));
        }
    }
}

/// Runs one writing statement `f` (autocommit), on SQLite in this process's
/// writer queue (see [`SQLITE_WRITER`]).
pub(crate) fn write<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> diesel::QueryResult<T>,
) -> diesel::QueryResult<T> {
    let _writer = match conn {
        AnyConnection::Sqlite(_) => Some(SqliteWriter::enter()?),
        AnyConnection::Postgresql(_) => None,
    };
    f(conn)
}

/// Runs `f` in a transaction that takes the write lock at once. On SQLite a
/// deferred transaction that reads and then writes can fail with "database is
/// locked" when another writer got in between; `BEGIN IMMEDIATE` waits for the
/// lock (up to `busy_timeout`) instead. PostgreSQL uses a normal transaction.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    type Tm = <AnyConnection as Connection>::TransactionManager;
    let _writer = match conn {
        AnyConnection::Sqlite(c) => {
            let writer = SqliteWriter::enter()?;
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?;
            Some(writer)
        }
        AnyConnection::Postgresql(_) => {
            Tm::begin_transaction(conn)?;
            None
        }
    };
    match f(conn) {
        Ok(value) => match Tm::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(commit_error) => {
                let _ = Tm::rollback_transaction(conn);
                Err(commit_error.into())
            }
        },
        Err(e) => {
            Tm::rollback_transaction(conn)?;
            Err(e)
        }
    }
}

/// The current time as stored: UTC, to the microsecond (both backends keep
/// microseconds, so a value reads back equal to what was written).
pub fn now() -> chrono::NaiveDateTime {
    let now = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(now, chrono::TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Makes the pool ping every connection it hands out for the next minute
/// (see [`Manager`]'s `is_valid`), after a query found its connection lost.
fn note_connection_lost() {
    LOST_AT.store(
        STARTED.elapsed().as_secs().max(1),
        std::sync::atomic::Ordering::Relaxed,
    );
}

/// True when a query failed because the connection to the database was
/// lost (the server restarted or went away): the database is unavailable,
/// not the request wrong.
fn is_connection_lost(e: &diesel::result::Error) -> bool {
    use diesel::result::DatabaseErrorKind::{ClosedConnection, UnableToSendCommand};
    match e {
        diesel::result::Error::DatabaseError(ClosedConnection | UnableToSendCommand, _) => true,
        diesel::result::Error::DatabaseError(_, info) => {
            let message = info.message();
            message.contains("terminating connection")
                || message.contains("server closed the connection")
                || message.contains("no connection to the server")
                || message.contains("the database system is shutting down")
                || message.contains("the database system is starting up")
        }
        diesel::result::Error::BrokenTransactionManager => true,
        _ => false,
    }
}

/// True when SQLite gave up waiting for the write lock ("database is
/// locked"): the service is busy, the request not wrong.
fn is_busy(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(_, info)
        if info.message().contains("database is locked")
            || info.message().contains("database table is locked"))
}

/// True when a query failed on a UNIQUE constraint.
pub(crate) fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn query_error(kind: DatabaseErrorKind, message: &str) -> DbError {
        Error::DatabaseError(kind, Box::new(message.to_owned())).into()
    }

    #[test]
    fn query_errors_are_sorted_by_what_they_mean() {
        for lost in [
            query_error(DatabaseErrorKind::ClosedConnection, "closed"),
            query_error(
                DatabaseErrorKind::Unknown,
                "terminating connection due to administrator command",
            ),
        ] {
            assert!(matches!(lost, DbError::Unavailable(_)), "{lost:?}");
        }
        assert!(recently_lost(), "a lost connection makes the pool check");
        assert!(matches!(
            query_error(DatabaseErrorKind::Unknown, "database is locked"),
            DbError::Busy(_)
        ));
        let taken = query_error(DatabaseErrorKind::UniqueViolation, "duplicate key");
        assert!(taken.is_unique_violation());
        assert!(matches!(taken, DbError::Query(_)));
    }

    /// Answers stored before `first_choice` existed get it from the
    /// migration: one row per response and question, so SUM(first_choice)
    /// per question equals COUNT(DISTINCT response_id).
    #[test]
    fn the_first_choice_migration_marks_one_row_per_response_and_question() {
        let mut c = diesel::SqliteConnection::establish(":memory:").expect("in-memory SQLite");
        for _ in 0..3 {
            c.run_next_migration(SQLITE_MIGRATIONS).expect("migration");
        }
        diesel::connection::SimpleConnection::batch_execute(
            &mut c,
            "INSERT INTO surveys VALUES (1, 's', '2026-01-01 00:00:00');
             INSERT INTO survey_versions VALUES (1, 1, 1, '', 'h', '2026-01-01 00:00:00');
             INSERT INTO drafts VALUES
                (1, 'a', 1, 1, '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL),
                (2, 'b', 1, 1, '{}', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00', NULL);
             INSERT INTO responses VALUES (1, 1, 1, 1, '2026-01-01 00:00:00', '2026-01-01'),
                                          (2, 1, 1, 2, '2026-01-01 00:00:00', '2026-01-01');
             INSERT INTO answers VALUES
                (1, 1, 'where', 'dartford', NULL), (1, 1, 'concerns', 'b', NULL),
                (1, 1, 'concerns', 'a', NULL), (1, 1, 'concerns', 'c', 'x'),
                (2, 1, 'where', 'gravesham', NULL), (2, 1, 'concerns', 'c', NULL);",
        )
        .expect("rows stored before the migration");
        c.run_pending_migrations(SQLITE_MIGRATIONS)
            .expect("the rest of the migrations");
        let mut conn = AnyConnection::Sqlite(c);
        let counts = results::load(&mut conn, crate::domain::SurveyId(1), &[]).expect("results");
        assert_eq!(counts.answered.get("where"), Some(&2));
        assert_eq!(counts.answered.get("concerns"), Some(&2));
        assert_eq!(
            counts.chosen.get(&("concerns".to_owned(), "c".to_owned())),
            Some(&2)
        );
    }
}
