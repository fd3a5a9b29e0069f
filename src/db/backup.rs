//! `civic-survey backup FILE` and `civic-survey restore FILE [--force]`:
//! a consistent copy of the whole database taken while the service runs,
//! and putting one back.
//!
//! - **SQLite**: `VACUUM INTO` copies the database as one read transaction
//!   sees it (a snapshot: writers carry on), into a new file beside the
//!   target that is synced and then renamed into place, so a backup file
//!   is either whole or absent.
//! - **PostgreSQL**: `pg_dump --format=custom`, run inside a snapshot this
//!   module exports (`pg_export_snapshot()` in a repeatable-read
//!   transaction) so the counts it reports are the counts of exactly what
//!   was dumped. The connection settings reach `pg_dump` and `pg_restore`
//!   as `PG*` environment variables, never on their command line, where
//!   other users of the machine could read a password. Both tools must be
//!   on the `PATH` and at least as new as the server (the Docker image
//!   carries PostgreSQL 15's).
//!
//! A backup never overwrites a file. A restore refuses a database that
//! already holds tables unless told `--force`; stop every instance first,
//! as the restore replaces what they are using. A SQLite restore checks
//! the file (SQLite's integrity check, civic-survey's tables, no migration
//! newer than this build) before it touches the database, then swaps it in
//! with one rename; a PostgreSQL restore is one transaction
//! (`pg_restore --single-transaction --exit-on-error`), so a failure leaves
//! the database as it was. Either way the service's migrations then bring an
//! older backup up to date.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use diesel::connection::SimpleConnection;
use diesel::{Connection, QueryableByName, RunQueryDsl};

use crate::config::DatabaseUrl;
use crate::db;

/// What a backup holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contents {
    pub surveys: i64,
    pub responses: i64,
    pub officers: i64,
    /// The size of the backup file.
    pub bytes: u64,
}

impl std::fmt::Display for Contents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let plural =
            |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{} to {}, {} ({} bytes)",
            plural(self.responses, "response", "responses"),
            plural(self.surveys, "survey", "surveys"),
            plural(self.officers, "officer account", "officer accounts"),
            self.bytes
        )
    }
}

/// The kind of file a backup is, from its first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sqlite,
    PgDump,
}

impl Kind {
    fn of(file: &Path) -> anyhow::Result<Kind> {
        let mut head = [0u8; 16];
        let mut f = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
        let read = f.read(&mut head)?;
        if read == 16 && &head == b"SQLite format 3\0" {
            Ok(Kind::Sqlite)
        } else if read >= 5 && &head[..5] == b"PGDMP" {
            Ok(Kind::PgDump)
        } else {
            bail!(
                "{} is not a civic-survey backup: it is neither a SQLite database nor a pg_dump archive",
                file.display()
            )
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Sqlite => "a SQLite backup",
            Kind::PgDump => "a PostgreSQL backup (pg_dump)",
        }
    }
}

/// Copies the database at `url` into the new file `file`.
pub fn backup(url: &DatabaseUrl, file: &Path) -> anyhow::Result<Contents> {
    if file.exists() {
        bail!(
            "{} already exists: a backup never overwrites a file, choose a new name",
            file.display()
        );
    }
    let partial = partial_name(file);
    let _ = std::fs::remove_file(&partial);
    let result = match url {
        DatabaseUrl::Sqlite(path) => backup_sqlite(path, &partial),
        DatabaseUrl::Postgres(secret) => backup_postgres(secret.expose(), &partial),
    };
    let counts = match result {
        Ok(counts) => counts,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, file)
        .with_context(|| format!("cannot rename the backup to {}", file.display()))?;
    sync_folder(file);
    let bytes = std::fs::metadata(file)?.len();
    Ok(Contents { bytes, ..counts })
}

/// Replaces the database at `url` with the backup in `file`. Refuses a
/// database that holds tables unless `force`.
pub fn restore(url: &DatabaseUrl, file: &Path, force: bool) -> anyhow::Result<Contents> {
    let kind = Kind::of(file)?;
    let expected = match url {
        DatabaseUrl::Sqlite(_) => Kind::Sqlite,
        DatabaseUrl::Postgres(_) => Kind::PgDump,
    };
    if kind != expected {
        bail!(
            "{} is {}, but DATABASE_URL is {}: restore it into the kind of database it came from",
            file.display(),
            kind.describe(),
            match url {
                DatabaseUrl::Sqlite(_) => "SQLite",
                DatabaseUrl::Postgres(_) => "PostgreSQL",
            }
        );
    }
    if let Some(held) = holds_tables(url)?
        && !force
    {
        bail!(
            "{} already holds {held}: restoring would replace it. Stop every instance of the \
             service, then run the restore again with --force",
            url.describe()
        );
    }
    refuse_if_in_use(url)?;
    match url {
        DatabaseUrl::Sqlite(target) => restore_sqlite(file, target)?,
        DatabaseUrl::Postgres(secret) => restore_postgres(secret.expose(), file)?,
    }
    // The service's migrations bring an older backup up to date.
    let mut conn = db::connect_once(url)?;
    let bytes = std::fs::metadata(file)?.len();
    Ok(Contents {
        bytes,
        ..count(&mut conn)?
    })
}

/// `FILE.partial`, beside it: where a backup is written before it is whole.
fn partial_name(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

/// Makes a rename durable (best effort: not every platform can open a folder).
fn sync_folder(file: &Path) {
    let folder = match file.parent() {
        Some(f) if !f.as_os_str().is_empty() => f,
        _ => Path::new("."),
    };
    if let Ok(f) = File::open(folder) {
        let _ = f.sync_all();
    }
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count_of<C>(conn: &mut C, table: &str) -> anyhow::Result<i64>
where
    C: Connection,
    C::Backend: diesel::backend::Backend,
    Count: QueryableByName<C::Backend>,
    diesel::query_builder::SqlQuery: diesel::query_builder::QueryFragment<C::Backend>
        + diesel::query_builder::QueryId
        + diesel::query_dsl::LoadQuery<'static, C, Count>,
{
    let counted: Vec<Count> =
        diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).load(conn)?;
    Ok(counted.first().map_or(0, |c| c.n))
}

fn count(conn: &mut db::AnyConnection) -> anyhow::Result<Contents> {
    match conn {
        db::AnyConnection::Sqlite(c) => counts(c),
        db::AnyConnection::Postgresql(c) => counts(c),
    }
}

fn counts<C>(conn: &mut C) -> anyhow::Result<Contents>
where
    C: Connection,
    Count: QueryableByName<C::Backend>,
    diesel::query_builder::SqlQuery: diesel::query_builder::QueryFragment<C::Backend>
        + diesel::query_builder::QueryId
        + diesel::query_dsl::LoadQuery<'static, C, Count>,
{
    Ok(Contents {
        surveys: count_of(conn, "surveys")?,
        responses: count_of(conn, "responses")?,
        officers: count_of(conn, "officers")?,
        bytes: 0,
    })
}

fn backup_sqlite(database: &Path, partial: &Path) -> anyhow::Result<Contents> {
    // The database as it is: never created, never migrated by a backup.
    if !database.is_file() {
        bail!(
            "there is no SQLite database at {}: check DATABASE_URL",
            database.display()
        );
    }
    let mut c = diesel::SqliteConnection::establish(&database.to_string_lossy())
        .with_context(|| format!("cannot open {}", database.display()))?;
    c.batch_execute("PRAGMA busy_timeout = 5000")?;
    let target = partial
        .to_str()
        .context("the backup's path must be valid UTF-8")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target)
        .execute(&mut c)
        .with_context(|| format!("cannot write the backup {}", partial.display()))?;
    let mut copy = open_sqlite_read_only(partial)?;
    counts(&mut copy)
        .with_context(|| format!("{} is not a civic-survey database", database.display()))
}

fn open_sqlite_read_only(file: &Path) -> anyhow::Result<diesel::SqliteConnection> {
    let path = std::fs::canonicalize(file)?;
    const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'_')
        .remove(b'.');
    let uri = format!(
        "file:{}?mode=ro",
        percent_encoding::utf8_percent_encode(&path.to_string_lossy(), PATH)
    );
    let mut conn = diesel::SqliteConnection::establish(&uri)
        .with_context(|| format!("cannot open {}", file.display()))?;
    // Another connection may be closing the file (and checkpointing it).
    conn.batch_execute("PRAGMA busy_timeout = 5000")?;
    Ok(conn)
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

fn texts(conn: &mut diesel::SqliteConnection, sql: &str) -> anyhow::Result<Vec<String>> {
    let rows: Vec<Text> = diesel::sql_query(sql).load(conn)?;
    Ok(rows.into_iter().map(|r| r.value).collect())
}

/// Checks a SQLite backup before it replaces anything.
fn check_sqlite_backup(file: &Path) -> anyhow::Result<()> {
    let mut copy = open_sqlite_read_only(file)?;
    let integrity = texts(
        &mut copy,
        "SELECT integrity_check AS value FROM pragma_integrity_check()",
    )
    .with_context(|| format!("{} cannot be read as a SQLite database", file.display()))?;
    if integrity != ["ok"] {
        bail!(
            "{} is damaged (SQLite's integrity check: {})",
            file.display(),
            integrity.join("; ")
        );
    }
    let tables = texts(
        &mut copy,
        "SELECT name AS value FROM sqlite_master WHERE type = 'table'",
    )?;
    for needed in [
        "__diesel_schema_migrations",
        "surveys",
        "responses",
        "answers",
    ] {
        if !tables.iter().any(|t| t == needed) {
            bail!(
                "{} is a SQLite database but not a civic-survey backup (it has no {needed} table)",
                file.display()
            );
        }
    }
    let known = db::known_migrations(true);
    let applied = texts(
        &mut copy,
        "SELECT version AS value FROM __diesel_schema_migrations",
    )?;
    if let Some(newer) = applied.iter().find(|v| !known.contains(v)) {
        bail!(
            "{} was made by a newer civic-survey (its database has migration {newer}, which this \
             version does not know): restore it with that version or a later one",
            file.display()
        );
    }
    Ok(())
}

fn restore_sqlite(file: &Path, target: &Path) -> anyhow::Result<()> {
    check_sqlite_backup(file)?;
    if let Some(folder) = target.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder)?;
    }
    if target.is_file() {
        settle(target)?;
    }
    let incoming = partial_name(target);
    std::fs::copy(file, &incoming)
        .with_context(|| format!("cannot copy {} beside the database", file.display()))?;
    File::open(&incoming)?.sync_all()?;
    // The old database's journal (empty now) must not be read with the new one.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(side)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).context("cannot remove the old database's journal"),
        }
    }
    std::fs::rename(&incoming, target)
        .with_context(|| format!("cannot put the backup in place at {}", target.display()))?;
    sync_folder(target);
    Ok(())
}

/// A restore under a running instance would pull the database from under
/// it: acknowledged responses would go to a file nobody reads, or meet
/// tables being dropped. SQLite: a service holds a shared lock on the file
/// while it runs (`db::claim_sqlite`). PostgreSQL: any other connection to
/// the database.
fn refuse_if_in_use(url: &DatabaseUrl) -> anyhow::Result<()> {
    let in_use = match url {
        DatabaseUrl::Sqlite(path) => match File::open(path) {
            Ok(f) => match f.try_lock() {
                Ok(()) => None,
                Err(std::fs::TryLockError::WouldBlock) => {
                    Some("a civic-survey service is running on it".to_owned())
                }
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(e).with_context(|| format!("cannot lock {}", path.display()));
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e).with_context(|| format!("cannot open {}", path.display())),
        },
        DatabaseUrl::Postgres(secret) => {
            let mut conn = diesel::PgConnection::establish(secret.expose())
                .with_context(|| format!("cannot connect to {}", url.describe()))?;
            // A connection just closed takes a moment to leave the list.
            let mut others = 0;
            for _ in 0..20 {
                others = count_of(
                    &mut conn,
                    "pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
                )?;
                if others == 0 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            (others > 0).then(|| {
                format!(
                    "{others} other connection{} to it {} open",
                    if others == 1 { "" } else { "s" },
                    if others == 1 { "is" } else { "are" }
                )
            })
        }
    };
    match in_use {
        Some(why) => bail!(
            "{} is in use ({why}): stop every instance of the service, then restore",
            url.describe()
        ),
        None => Ok(()),
    }
}

#[derive(QueryableByName)]
struct Checkpoint {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    busy: i32,
}

/// Folds the old database's journal into it and empties the journal, so
/// nothing is lost if putting the backup in place fails; refuses if another
/// connection is reading or writing it (an instance still running).
fn settle(target: &Path) -> anyhow::Result<()> {
    let mut c = diesel::SqliteConnection::establish(&target.to_string_lossy())
        .with_context(|| format!("cannot open {}", target.display()))?;
    c.batch_execute("PRAGMA busy_timeout = 2000")?;
    let done: Vec<Checkpoint> =
        diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").load(&mut c)?;
    if done.first().is_some_and(|d| d.busy != 0) {
        bail!(
            "{} is in use: stop every instance of the service, then restore",
            target.display()
        );
    }
    Ok(())
}

/// Whether the database already holds tables, and what: `None` if empty
/// (or, for SQLite, not there yet).
fn holds_tables(url: &DatabaseUrl) -> anyhow::Result<Option<String>> {
    let (tables, responses) = match url {
        DatabaseUrl::Sqlite(path) => {
            if !path.exists() || std::fs::metadata(path)?.len() == 0 {
                return Ok(None);
            }
            let mut conn = open_sqlite_read_only(path)?;
            let tables = count_of(
                &mut conn,
                "sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )?;
            let responses = if tables > 0 {
                count_of(&mut conn, "responses").ok()
            } else {
                None
            };
            (tables, responses)
        }
        DatabaseUrl::Postgres(secret) => {
            let mut conn = diesel::PgConnection::establish(secret.expose())
                .with_context(|| format!("cannot connect to {}", url.describe()))?;
            let tables = count_of(&mut conn, "pg_tables WHERE schemaname = 'public'")?;
            let responses = if tables > 0 {
                count_of(&mut conn, "responses").ok()
            } else {
                None
            };
            (tables, responses)
        }
    };
    Ok((tables > 0).then(|| match responses {
        Some(n) => format!("{tables} tables and {n} responses"),
        None => format!("{tables} tables"),
    }))
}

/// What libpq's tools need to reach the database in `url`: the URL without
/// its password, for `--dbname` (every other setting, `sslmode` and
/// `sslrootcert` included, goes as it is), and the password, for
/// `PGPASSWORD`.
fn pg_target(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed =
        url::Url::parse(url).context("DATABASE_URL cannot be read as a PostgreSQL URL")?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    parsed
        .set_password(None)
        .map_err(|()| anyhow::anyhow!("DATABASE_URL cannot be read as a PostgreSQL URL"))?;
    Ok((parsed.to_string(), password))
}

/// Runs a libpq tool on the database in `url`; its password goes in the
/// tool's environment, never on its command line.
fn run_pg_tool(tool: &str, url: &str, args: &[&str]) -> anyhow::Result<()> {
    let (database, password) = pg_target(url)?;
    let mut command = Command::new(tool);
    command.args(args).arg(format!("--dbname={database}"));
    for var in [
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
        "PGSERVICE",
    ] {
        command.env_remove(var);
    }
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().map_err(|e| {
        anyhow::anyhow!(
            "cannot run {tool} ({e}): install PostgreSQL's client tools (Debian: postgresql-client) \
             at the server's version or newer"
        )
    })?;
    if !output.status.success() {
        bail!(
            "{tool} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

fn backup_postgres(url: &str, partial: &Path) -> anyhow::Result<Contents> {
    let mut conn = diesel::PgConnection::establish(url).context("cannot connect to PostgreSQL")?;
    // One snapshot for the counts and for pg_dump, held open until it is done.
    conn.batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
    let snapshot: Vec<Text> =
        diesel::sql_query("SELECT pg_export_snapshot() AS value").load(&mut conn)?;
    let snapshot = snapshot
        .into_iter()
        .next()
        .context("PostgreSQL exported no snapshot")?
        .value;
    let contents = counts(&mut conn)?;
    let target = partial
        .to_str()
        .context("the backup's path must be valid UTF-8")?;
    let dumped = run_pg_tool(
        "pg_dump",
        url,
        &[
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            &format!("--snapshot={snapshot}"),
            &format!("--file={target}"),
        ],
    );
    conn.batch_execute("COMMIT")?;
    dumped?;
    Ok(contents)
}

fn restore_postgres(url: &str, file: &Path) -> anyhow::Result<()> {
    let source = file
        .to_str()
        .context("the backup's path must be valid UTF-8")?;
    run_pg_tool(
        "pg_restore",
        url,
        &[
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            source,
        ],
    )
    .map_err(|e| {
        e.context(format!(
            "{} was not restored; the database is as it was",
            file.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_reaches_the_tools_apart_from_the_rest() {
        let (database, password) = pg_target(
            "postgres://civic:s%40cret@db.internal:6432/civic?sslmode=verify-full&sslrootcert=/etc/ca.pem",
        )
        .expect("parses");
        assert_eq!(
            database,
            "postgres://civic@db.internal:6432/civic?sslmode=verify-full&sslrootcert=/etc/ca.pem"
        );
        assert_eq!(password.as_deref(), Some("s@cret"));
        let (_, none) = pg_target("postgres://postgres@127.0.0.1:5432/civic").expect("parses");
        assert_eq!(none, None);
    }

    #[test]
    fn a_file_is_recognised_by_its_first_bytes() {
        let dir = tempfile::tempdir().expect("temp dir");
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "not a backup at all").expect("write");
        let e = Kind::of(&text).expect_err("refused").to_string();
        assert!(e.contains("is not a civic-survey backup"), "{e}");
        let dump = dir.path().join("x.dump");
        std::fs::write(&dump, b"PGDMP\x01\x0e\x00").expect("write");
        assert_eq!(Kind::of(&dump).expect("a dump"), Kind::PgDump);
        assert_eq!(
            partial_name(Path::new("/b/civic.db")),
            Path::new("/b/civic.db.partial")
        );
    }
}
