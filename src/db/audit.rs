//! The audit log: appending entries, and reading them filtered and paged.
//!
//! The table is append-only: triggers on both backends refuse to change or
//! delete a row (migration `000013_create_audit_log`), so nothing here, nor
//! anything with a database connection, can rewrite what happened.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{audit_log, officers};
use super::{AnyConnection, DbError, now, write};
use crate::domain::OfficerId;
use crate::domain::audit::{AuditAction, AuditEntry, AuditFilter, NewAuditEntry};

/// Appends an entry as part of the caller's transaction, so that what it
/// records and the record of it are stored together or not at all.
pub(super) fn insert(conn: &mut AnyConnection, entry: &NewAuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(entry.at),
            audit_log::officer_id.eq(entry.officer.map(|o| o.0)),
            audit_log::action.eq(entry.action.as_str()),
            audit_log::survey_slug.eq(entry.survey_slug.as_deref()),
            audit_log::detail.eq(&entry.detail),
        ))
        .execute(conn)?;
    Ok(())
}

/// Appends what `by` did to the survey `slug`, inside the caller's transaction.
pub(super) fn survey_change(
    conn: &mut AnyConnection,
    by: OfficerId,
    slug: &str,
    action: AuditAction,
    detail: &str,
    at: NaiveDateTime,
) -> Result<(), DbError> {
    let entry = NewAuditEntry {
        at,
        officer: Some(by),
        action,
        survey_slug: Some(slug.to_owned()),
        detail: detail.to_owned(),
    };
    Ok(insert(conn, &entry)?)
}

/// Appends one entry, now, on its own.
pub fn append(
    conn: &mut AnyConnection,
    officer: Option<OfficerId>,
    action: AuditAction,
    survey_slug: Option<&str>,
    detail: &str,
) -> Result<(), DbError> {
    let entry = NewAuditEntry {
        at: now(),
        officer,
        action,
        survey_slug: survey_slug.map(str::to_owned),
        detail: detail.to_owned(),
    };
    write(conn, |conn| insert(conn, &entry))?;
    Ok(())
}

/// How many entries name the survey `slug`.
pub(super) fn count_for_survey(conn: &mut AnyConnection, slug: &str) -> QueryResult<i64> {
    audit_log::table
        .filter(audit_log::survey_slug.eq(slug))
        .count()
        .get_result(conn)
}

type Row = (
    i64,
    NaiveDateTime,
    Option<String>,
    String,
    Option<String>,
    String,
);

/// Narrows a boxed query over the log joined to officers to the entries
/// matching an [`AuditFilter`].
macro_rules! matching {
    ($query:expr, $filter:expr) => {{
        let mut query = $query;
        let filter: &AuditFilter = $filter;
        if let Some(action) = filter.action {
            query = query.filter(audit_log::action.eq(action.as_str()));
        }
        if let Some(officer) = &filter.officer {
            query = query.filter(officers::email.eq(officer.clone()));
        }
        if let Some(survey) = &filter.survey {
            query = query.filter(audit_log::survey_slug.eq(survey.clone()));
        }
        if let Some(since) = filter.since() {
            query = query.filter(audit_log::at.ge(since));
        }
        if let Some(before) = filter.before() {
            query = query.filter(audit_log::at.lt(before));
        }
        query
    }};
}

/// The entries matching `filter`, newest first: how many there are, and up
/// to `limit` of them after skipping `offset`.
pub fn page(
    conn: &mut AnyConnection,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<AuditEntry>), DbError> {
    let total: i64 = matching!(
        audit_log::table
            .left_join(officers::table)
            .select(diesel::dsl::count_star())
            .into_boxed(),
        filter
    )
    .first(conn)?;
    let rows: Vec<Row> = matching!(
        audit_log::table
            .left_join(officers::table)
            .order_by(audit_log::id.desc())
            .offset(offset)
            .limit(limit)
            .select((
                audit_log::id,
                audit_log::at,
                officers::email.nullable(),
                audit_log::action,
                audit_log::survey_slug,
                audit_log::detail,
            ))
            .into_boxed(),
        filter
    )
    .load(conn)?;
    Ok((total, rows.into_iter().map(entry).collect()))
}

fn entry((id, at, officer_email, action, survey_slug, detail): Row) -> AuditEntry {
    AuditEntry {
        id,
        at,
        officer_email,
        action,
        survey_slug,
        detail,
    }
}

/// The distinct survey slugs the log names, for the filter.
pub fn surveys_named(conn: &mut AnyConnection) -> Result<Vec<String>, DbError> {
    let slugs: Vec<Option<String>> = audit_log::table
        .select(audit_log::survey_slug)
        .filter(audit_log::survey_slug.is_not_null())
        .distinct()
        .order_by(audit_log::survey_slug)
        .load(conn)?;
    Ok(slugs.into_iter().flatten().collect())
}
