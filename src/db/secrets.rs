//! Values the service generates once and keeps, such as its secret key.
//!
//! They live in the database rather than a file so that every instance
//! behind a load balancer shares them.

use diesel::prelude::*;

use super::schema::app_secrets;
use super::{AnyConnection, DbError, is_unique_violation, write, write_transaction};

/// The stored value called `name`, storing `generate()` first if there is none.
pub fn get_or_create(
    conn: &mut AnyConnection,
    name: &str,
    generate: impl Fn() -> String,
) -> Result<String, DbError> {
    let attempt = |conn: &mut AnyConnection| {
        write_transaction(conn, |conn| {
            let stored: Option<String> = app_secrets::table
                .find(name)
                .select(app_secrets::value)
                .first(conn)
                .optional()?;
            if let Some(value) = stored {
                return Ok::<_, diesel::result::Error>(value);
            }
            let value = generate();
            diesel::insert_into(app_secrets::table)
                .values((app_secrets::name.eq(name), app_secrets::value.eq(&value)))
                .execute(conn)?;
            Ok(value)
        })
    };
    match attempt(conn) {
        // Another instance stored it first: read theirs.
        Err(e) if is_unique_violation(&e) => Ok(attempt(conn)?),
        other => Ok(other?),
    }
}

/// The stored value called `name`, if any.
pub fn get(conn: &mut AnyConnection, name: &str) -> Result<Option<String>, DbError> {
    Ok(app_secrets::table
        .find(name)
        .select(app_secrets::value)
        .first(conn)
        .optional()?)
}

/// Stores `value` as `name`, replacing what was there.
pub fn put(conn: &mut AnyConnection, name: &str, value: &str) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        diesel::delete(app_secrets::table.find(name)).execute(conn)?;
        diesel::insert_into(app_secrets::table)
            .values((app_secrets::name.eq(name), app_secrets::value.eq(value)))
            .execute(conn)?;
        Ok::<_, DbError>(())
    })
}

/// Removes the value called `name`.
pub fn delete(conn: &mut AnyConnection, name: &str) -> Result<(), DbError> {
    write(conn, |conn| {
        diesel::delete(app_secrets::table.find(name)).execute(conn)
    })?;
    Ok(())
}

/// Removes the value called `name` if it is `value`; true if it was.
pub fn delete_if(conn: &mut AnyConnection, name: &str, value: &str) -> Result<bool, DbError> {
    let deleted = write(conn, |conn| {
        diesel::delete(
            app_secrets::table
                .filter(app_secrets::name.eq(name))
                .filter(app_secrets::value.eq(value)),
        )
        .execute(conn)
    })?;
    Ok(deleted == 1)
}
