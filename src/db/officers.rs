//! Officer accounts, their sessions and their API tokens.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, officer_sessions, officers};
use super::{
    AnyConnection, DbError, audit, is_unique_violation, now, secrets, write, write_transaction,
};
use crate::domain::OfficerId;
use crate::domain::audit::{AuditAction, NewAuditEntry};
use crate::domain::officer::{Email, Officer, Role};

type OfficerRow = (i64, String, String, NaiveDateTime, Option<NaiveDateTime>);

fn officer(row: OfficerRow) -> Result<Officer, DbError> {
    let (id, email, role, created_at, disabled_at) = row;
    Ok(Officer {
        id: OfficerId(id),
        email,
        role: Role::parse(&role).map_err(DbError::Corrupt)?,
        created_at,
        disabled: disabled_at.is_some(),
    })
}

macro_rules! officer_columns {
    () => {
        (
            officers::id,
            officers::email,
            officers::role,
            officers::created_at,
            officers::disabled_at,
        )
    };
}

/// What became of adding an officer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum NewOfficer {
    Added(OfficerId),
    /// An officer with that email address already exists; nothing changed.
    EmailTaken,
}

/// Where the first-admin setup token's hash is kept, while there is no admin.
const SETUP_TOKEN: &str = "admin_setup_token";

fn insert_row(
    conn: &mut AnyConnection,
    email: &Email,
    password_hash: &str,
    role: Role,
) -> QueryResult<i64> {
    diesel::insert_into(officers::table)
        .values((
            officers::email.eq(email.as_str()),
            officers::password_hash.eq(password_hash),
            officers::role.eq(role.as_str()),
            officers::created_at.eq(now()),
        ))
        .returning(officers::id)
        .get_result(conn)
}

/// Adds an officer with an already hashed password, and records in the
/// audit log who added them (none: the command line), in one transaction.
pub fn insert_officer(
    conn: &mut AnyConnection,
    email: &Email,
    password_hash: &str,
    role: Role,
    by: Option<OfficerId>,
) -> Result<NewOfficer, DbError> {
    let inserted = write_transaction(conn, |conn| {
        let id = insert_row(conn, email, password_hash, role)?;
        audit::insert(
            conn,
            &NewAuditEntry {
                at: now(),
                officer: by,
                action: AuditAction::OfficerAdded,
                survey_slug: None,
                detail: format!(
                    "added {} as {}{}",
                    email.as_str(),
                    role.as_str(),
                    if by.is_none() {
                        " from the command line"
                    } else {
                        ""
                    }
                ),
            },
        )?;
        Ok::<_, diesel::result::Error>(id)
    });
    match inserted {
        Ok(id) => Ok(NewOfficer::Added(OfficerId(id))),
        Err(e) if is_unique_violation(&e) => Ok(NewOfficer::EmailTaken),
        Err(e) => Err(e.into()),
    }
}

/// With no admin yet, stores the hash of a new first-admin setup token
/// (replacing any earlier one) and says true; with an admin, forgets any
/// setup token and says false.
pub fn renew_setup_token(conn: &mut AnyConnection, token_hash: &str) -> Result<bool, DbError> {
    if count_admins(conn)? > 0 {
        secrets::delete(conn, SETUP_TOKEN)?;
        return Ok(false);
    }
    secrets::put(conn, SETUP_TOKEN, token_hash)?;
    Ok(true)
}

/// Whether `token_hash` is the current setup token's and no admin exists yet.
pub fn setup_token_is_current(conn: &mut AnyConnection, token_hash: &str) -> Result<bool, DbError> {
    Ok(count_admins(conn)? == 0 && secrets::get(conn, SETUP_TOKEN)?.as_deref() == Some(token_hash))
}

/// Creates the first admin with the setup token, in one transaction that
/// claims the token: of a double click, one creates the admin and the other
/// finds the token used (`None`).
pub fn create_first_admin(
    conn: &mut AnyConnection,
    token_hash: &str,
    email: &Email,
    password_hash: &str,
) -> Result<Option<OfficerId>, DbError> {
    write_transaction(conn, |conn| {
        if !secrets::delete_if(conn, SETUP_TOKEN, token_hash)? {
            return Ok(None);
        }
        let id = match insert_row(conn, email, password_hash, Role::Admin) {
            Ok(id) => OfficerId(id),
            Err(e) if is_unique_violation(&e) => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        audit::insert(
            conn,
            &NewAuditEntry {
                at: now(),
                officer: Some(id),
                action: AuditAction::Setup,
                survey_slug: None,
                detail: format!(
                    "created the first administrator, {}, with the setup link",
                    email.as_str()
                ),
            },
        )?;
        Ok::<_, DbError>(Some(id))
    })
}

/// The officer with this email address and their password hash, for sign-in.
pub fn find_credentials(
    conn: &mut AnyConnection,
    email: &Email,
) -> Result<Option<(Officer, String)>, DbError> {
    let row: Option<(OfficerRow, String)> = officers::table
        .filter(officers::email.eq(email.as_str()))
        .select((officer_columns!(), officers::password_hash))
        .first(conn)
        .optional()?;
    row.map(|(row, hash)| Ok((officer(row)?, hash))).transpose()
}

pub fn find_by_id(conn: &mut AnyConnection, id: OfficerId) -> Result<Option<Officer>, DbError> {
    officers::table
        .find(id.0)
        .select(officer_columns!())
        .first::<OfficerRow>(conn)
        .optional()?
        .map(officer)
        .transpose()
}

/// Every officer, by email.
pub fn list_officers(conn: &mut AnyConnection) -> Result<Vec<Officer>, DbError> {
    officers::table
        .order(officers::email)
        .select(officer_columns!())
        .load::<OfficerRow>(conn)?
        .into_iter()
        .map(officer)
        .collect()
}

/// How many active admins there are.
pub fn count_admins(conn: &mut AnyConnection) -> Result<i64, DbError> {
    Ok(officers::table
        .filter(officers::role.eq(Role::Admin.as_str()))
        .filter(officers::disabled_at.is_null())
        .count()
        .get_result(conn)?)
}

/// Stores an API token (its hash) for an officer, and records it in the
/// audit log, in one transaction.
pub fn insert_api_token(
    conn: &mut AnyConnection,
    officer: OfficerId,
    token_hash: &str,
    label: &str,
) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::officer_id.eq(officer.0),
                api_tokens::token_hash.eq(token_hash),
                api_tokens::label.eq(label),
                api_tokens::created_at.eq(now()),
            ))
            .execute(conn)?;
        audit::insert(
            conn,
            &NewAuditEntry {
                at: now(),
                officer: Some(officer),
                action: AuditAction::TokenIssued,
                survey_slug: None,
                detail: format!("issued an API token for \u{201c}{label}\u{201d}"),
            },
        )?;
        Ok::<_, DbError>(())
    })
}

/// The active officer an unrevoked API token belongs to.
pub fn find_by_api_token(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<Officer>, DbError> {
    let id: Option<i64> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select(api_tokens::officer_id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => Ok(find_by_id(conn, OfficerId(id))?.filter(|o| !o.disabled)),
        None => Ok(None),
    }
}

/// A session's stored state, if the session exists and has not expired.
pub fn load_session(conn: &mut AnyConnection, key_hash: &str) -> Result<Option<String>, DbError> {
    Ok(officer_sessions::table
        .find(key_hash)
        .filter(officer_sessions::expires_at.gt(now()))
        .select(officer_sessions::state)
        .first(conn)
        .optional()?)
}

/// Creates or replaces a session's state and expiry.
pub fn save_session(
    conn: &mut AnyConnection,
    key_hash: &str,
    state: &str,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        let updated = diesel::update(officer_sessions::table.find(key_hash))
            .set((
                officer_sessions::state.eq(state),
                officer_sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(officer_sessions::table)
                .values((
                    officer_sessions::key_hash.eq(key_hash),
                    officer_sessions::state.eq(state),
                    officer_sessions::expires_at.eq(expires_at),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
}

/// Moves a session's expiry.
pub fn touch_session(
    conn: &mut AnyConnection,
    key_hash: &str,
    expires_at: NaiveDateTime,
) -> Result<(), DbError> {
    write(conn, |conn| {
        diesel::update(officer_sessions::table.find(key_hash))
            .set(officer_sessions::expires_at.eq(expires_at))
            .execute(conn)
    })?;
    Ok(())
}

/// Ends a session.
pub fn delete_session(conn: &mut AnyConnection, key_hash: &str) -> Result<(), DbError> {
    write(conn, |conn| {
        diesel::delete(officer_sessions::table.find(key_hash)).execute(conn)
    })?;
    Ok(())
}

/// Deletes expired sessions.
pub fn purge_expired_sessions(conn: &mut AnyConnection) -> Result<usize, DbError> {
    Ok(write(conn, |conn| {
        diesel::delete(officer_sessions::table.filter(officer_sessions::expires_at.le(now())))
            .execute(conn)
    })?)
}
