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
        DatabaseUrl::Sqlite(_) => backup_sqlite(url, &partial),
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

fn backup_sqlite(url: &DatabaseUrl, partial: &Path) -> anyhow::Result<Contents> {
    let mut conn = db::connect_once(url)?;
    let db::AnyConnection::Sqlite(c) = &mut conn else {
        unreachable!("a SQLite URL gives a SQLite connection")
    };
    let target = partial
        .to_str()
        .context("the backup's path must be valid UTF-8")?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(target)
        .execute(c)
        .with_context(|| format!("cannot write the backup {}", partial.display()))?;
    let mut copy = open_sqlite_read_only(partial)?;
    counts(&mut copy)
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
    let incoming = partial_name(target);
    std::fs::copy(file, &incoming)
        .with_context(|| format!("cannot copy {} beside the database", file.display()))?;
    File::open(&incoming)?.sync_all()?;
    // The old database's journal must not be replayed onto the new one.
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

/// The `PG*` variables that point libpq's tools at the database in `url`.
fn pg_environment(url: &str) -> anyhow::Result<Vec<(&'static str, String)>> {
    let config: tokio_postgres::Config = url
        .parse()
        .context("DATABASE_URL cannot be read as a PostgreSQL URL")?;
    let mut env = Vec::new();
    if let Some(host) = config.get_hosts().first() {
        env.push((
            "PGHOST",
            match host {
                tokio_postgres::config::Host::Tcp(name) => name.clone(),
                tokio_postgres::config::Host::Unix(path) => path.to_string_lossy().into_owned(),
            },
        ));
    }
    if let Some(port) = config.get_ports().first() {
        env.push(("PGPORT", port.to_string()));
    }
    if let Some(user) = config.get_user() {
        env.push(("PGUSER", user.to_owned()));
    }
    if let Some(password) = config.get_password() {
        env.push(("PGPASSWORD", String::from_utf8_lossy(password).into_owned()));
    }
    if let Some(name) = config.get_dbname() {
        env.push(("PGDATABASE", name.to_owned()));
    }
    // sslmode is the one query option councils set; the listener's parse
    // already refuses the others.
    if let Some(mode) = url
        .split_once('?')
        .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("sslmode=")))
    {
        env.push(("PGSSLMODE", mode.to_owned()));
    }
    Ok(env)
}

/// Runs a libpq tool with the database's settings in its environment.
fn run_pg_tool(tool: &str, url: &str, args: &[&str]) -> anyhow::Result<()> {
    let mut command = Command::new(tool);
    command.args(args);
    for var in [
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
        "PGSSLMODE",
    ] {
        command.env_remove(var);
    }
    command.envs(pg_environment(url)?);
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
    // pg_restore only writes to a database named on its command line: the
    // name alone, the rest is in the environment.
    let config: tokio_postgres::Config = url.parse()?;
    let name = config
        .get_dbname()
        .or(config.get_user())
        .context("DATABASE_URL names no database")?
        .to_owned();
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
            &format!("--dbname={name}"),
            source,
        ],
    )
    .map_err(|e| e.context(format!("the restore of {} was undone", file.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_reaches_the_tools_in_their_environment() {
        let env =
            pg_environment("postgres://civic:s%40cret@db.internal:6432/civic?sslmode=require")
                .expect("parses");
        let get = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("PGHOST"), Some("db.internal"));
        assert_eq!(get("PGPORT"), Some("6432"));
        assert_eq!(get("PGUSER"), Some("civic"));
        assert_eq!(get("PGPASSWORD"), Some("s@cret"));
        assert_eq!(get("PGDATABASE"), Some("civic"));
        assert_eq!(get("PGSSLMODE"), Some("require"));
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
