//! Loading many synthetic responses quickly, for benchmarks and large demo
//! data sets: explicit ids, multi-row INSERTs, one transaction per batch.
//! Real submissions never come this way (see `responses::insert_submission`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::responses::NewAnswer;
use super::schema::{answers, drafts, responses};
use super::{AnyConnection, DbError, write_transaction};
use crate::domain::answers::AnswerRow;
use crate::domain::{SurveyId, VersionId};

#[derive(Insertable)]
#[diesel(table_name = drafts)]
struct NewDraft {
    id: i64,
    token_hash: String,
    survey_id: i64,
    survey_version_id: i64,
    answers: &'static str,
    revision: i32,
    started_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    completed_at: Option<NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = responses)]
struct NewResponse {
    id: i64,
    survey_id: i64,
    survey_version_id: i64,
    draft_id: i64,
    submitted_at: NaiveDateTime,
    submitted_on: chrono::NaiveDate,
}

/// Rows per multi-row INSERT: under SQLite's 32,766 and PostgreSQL's 65,535
/// bound parameters for the widest table (9 columns).
const ROWS_PER_INSERT: usize = 3_000;

macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr) => {
        for chunk in $rows.chunks(ROWS_PER_INSERT) {
            let insert = diesel::insert_into($table).values(chunk);
            match $conn {
                AnyConnection::Sqlite(c) => insert.execute(c)?,
                AnyConnection::Postgresql(c) => insert.execute(c)?,
            };
        }
    };
}

/// Stores complete responses (each its answer rows and submission time),
/// with a completed draft each, in one transaction.
pub fn insert_responses(
    conn: &mut AnyConnection,
    survey: SurveyId,
    version: VersionId,
    batch: &[(Vec<AnswerRow>, NaiveDateTime)],
) -> Result<(), DbError> {
    write_transaction(conn, |conn| {
        let next_draft: Option<i64> = drafts::table
            .select(diesel::dsl::max(drafts::id))
            .first(conn)?;
        let next_response: Option<i64> = responses::table
            .select(diesel::dsl::max(responses::id))
            .first(conn)?;
        let (first_draft, first_response) =
            (next_draft.unwrap_or(0) + 1, next_response.unwrap_or(0) + 1);
        let new_drafts: Vec<NewDraft> = batch
            .iter()
            .enumerate()
            .map(|(i, (_, at))| NewDraft {
                id: first_draft + i as i64,
                token_hash: format!("bulk-{}", first_draft + i as i64),
                survey_id: survey.0,
                survey_version_id: version.0,
                answers: "{}",
                revision: 1,
                started_at: *at,
                updated_at: *at,
                completed_at: Some(*at),
            })
            .collect();
        insert_chunks!(conn, drafts::table, new_drafts);
        let new_responses: Vec<NewResponse> = batch
            .iter()
            .enumerate()
            .map(|(i, (_, at))| NewResponse {
                id: first_response + i as i64,
                survey_id: survey.0,
                survey_version_id: version.0,
                draft_id: first_draft + i as i64,
                submitted_at: *at,
                submitted_on: at.date(),
            })
            .collect();
        insert_chunks!(conn, responses::table, new_responses);
        let new_answers: Vec<NewAnswer> = batch
            .iter()
            .enumerate()
            .flat_map(|(i, (rows, _))| {
                NewAnswer::of_response(first_response + i as i64, survey.0, rows)
            })
            .collect();
        insert_chunks!(conn, answers::table, new_answers);
        // PostgreSQL's sequences do not see explicit ids: move them past.
        if let AnyConnection::Postgresql(c) = conn {
            for table in ["drafts", "responses"] {
                diesel::sql_query(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .execute(c)?;
            }
        }
        Ok(())
    })
}
