//! Retention: each survey's periods, what it still holds, the purge of one
//! survey (one transaction, audited), and the log of the job's runs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{
    answers, officers, response_weights, responses, retention_runs, survey_retention,
};
use super::{AnyConnection, DbError, audit, now, write, write_transaction};
use crate::domain::audit::{AuditAction, NewAuditEntry};
use crate::domain::retention::{Due, Retention};
use crate::domain::{OfficerId, SurveyId};

/// A survey's periods as set, who set them, and when each kind was deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRetention {
    pub retention: Retention,
    pub set_by: String,
    pub set_at: NaiveDateTime,
    pub free_text_deleted_at: Option<NaiveDateTime>,
    pub responses_deleted_at: Option<NaiveDateTime>,
}

/// What a survey holds that retention deletes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Holding {
    /// Text answers and "please specify" details still stored.
    pub free_texts: i64,
    pub responses: i64,
}

/// What one purge deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub free_texts: i64,
    pub responses: i64,
}

type Row = (
    Option<i32>,
    Option<i32>,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDateTime>,
);

/// The survey's periods, if any were ever set.
pub fn find(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Option<StoredRetention>, DbError> {
    let row: Option<Row> = survey_retention::table
        .inner_join(officers::table)
        .filter(survey_retention::survey_id.eq(survey.0))
        .select((
            survey_retention::free_text_months,
            survey_retention::responses_months,
            officers::email,
            survey_retention::updated_at,
            survey_retention::free_text_deleted_at,
            survey_retention::responses_deleted_at,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(text, all, set_by, set_at, free_text_deleted_at, responses_deleted_at)| StoredRetention {
            retention: Retention::from_stored(text, all),
            set_by,
            set_at,
            free_text_deleted_at,
            responses_deleted_at,
        },
    ))
}

/// Every survey with a period set.
pub fn all(conn: &mut AnyConnection) -> Result<Vec<(SurveyId, Retention)>, DbError> {
    let rows: Vec<(i64, Option<i32>, Option<i32>)> = survey_retention::table
        .filter(
            survey_retention::free_text_months
                .is_not_null()
                .or(survey_retention::responses_months.is_not_null()),
        )
        .order_by(survey_retention::survey_id)
        .select((
            survey_retention::survey_id,
            survey_retention::free_text_months,
            survey_retention::responses_months,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, text, all)| (SurveyId(id), Retention::from_stored(text, all)))
        .collect())
}

fn months(m: Option<u32>) -> Option<i32> {
    m.and_then(|m| i32::try_from(m).ok())
}

/// Sets the survey's periods and records the change in the audit log, in
/// one transaction.
pub fn set(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    retention: Retention,
    by: OfficerId,
) -> Result<(), DbError> {
    let at = now();
    let (text, all) = (
        months(retention.free_text_months()),
        months(retention.responses_months()),
    );
    let (text_words, responses_words) = retention.describe();
    write_transaction(conn, |conn| {
        let updated = diesel::update(survey_retention::table.find(survey.0))
            .set((
                survey_retention::free_text_months.eq(text),
                survey_retention::responses_months.eq(all),
                survey_retention::updated_by.eq(by.0),
                survey_retention::updated_at.eq(at),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(survey_retention::table)
                .values((
                    survey_retention::survey_id.eq(survey.0),
                    survey_retention::free_text_months.eq(text),
                    survey_retention::responses_months.eq(all),
                    survey_retention::updated_by.eq(by.0),
                    survey_retention::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        audit::survey_change(
            conn,
            by,
            slug,
            AuditAction::Retention,
            &format!("set retention: free text {text_words}; responses {responses_words}"),
            at,
        )
    })
}

/// How much free text and how many responses the survey holds.
pub fn holding(conn: &mut AnyConnection, survey: SurveyId) -> Result<Holding, DbError> {
    let free_texts = answers::table
        .filter(answers::survey_id.eq(survey.0))
        .filter(answers::detail.is_not_null())
        .count()
        .get_result(conn)?;
    let responses = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .count()
        .get_result(conn)?;
    Ok(Holding {
        free_texts,
        responses,
    })
}

/// Deletes what is due of one survey, in one transaction, and records it
/// in the audit log when anything went, as the officer's who asked (none:
/// the scheduled job or the command line). Free text is emptied, not its
/// answer, so every count stays as it was; responses go whole, with their
/// answers and weights.
pub fn purge(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    due: Due,
    started_by: &str,
    by: Option<OfficerId>,
) -> Result<Purged, DbError> {
    if !due.free_text && !due.responses {
        return Ok(Purged::default());
    }
    let at = now();
    write_transaction(conn, |conn| {
        // Counted from the rows each statement changed, so that a second
        // instance purging at the same moment (waiting on the first one's
        // row locks) reports nothing rather than the first one's work.
        let free_texts = i64::try_from(
            diesel::update(
                answers::table
                    .filter(answers::survey_id.eq(survey.0))
                    .filter(answers::detail.is_not_null()),
            )
            .set(answers::detail.eq(None::<String>))
            .execute(conn)?,
        )
        .unwrap_or(i64::MAX);
        let mut purged = Purged {
            free_texts,
            responses: 0,
        };
        if due.responses {
            diesel::delete(answers::table.filter(answers::survey_id.eq(survey.0))).execute(conn)?;
            diesel::delete(
                response_weights::table.filter(response_weights::survey_id.eq(survey.0)),
            )
            .execute(conn)?;
            purged.responses = i64::try_from(
                diesel::delete(responses::table.filter(responses::survey_id.eq(survey.0)))
                    .execute(conn)?,
            )
            .unwrap_or(i64::MAX);
        }
        if purged == Purged::default() {
            return Ok(purged);
        }
        if purged.free_texts > 0 {
            diesel::update(survey_retention::table.find(survey.0))
                .set(survey_retention::free_text_deleted_at.eq(at))
                .execute(conn)?;
        }
        if purged.responses > 0 {
            diesel::update(survey_retention::table.find(survey.0))
                .set(survey_retention::responses_deleted_at.eq(at))
                .execute(conn)?;
        }
        audit::insert(
            conn,
            &NewAuditEntry {
                at,
                officer: by,
                action: AuditAction::Purge,
                survey_slug: Some(slug.to_owned()),
                detail: format!(
                    "deleted {} free-text answers and {} responses under the retention period ({started_by})",
                    purged.free_texts, purged.responses
                ),
            },
        )?;
        Ok::<_, DbError>(purged)
    })
}

/// One run of the retention job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub at: NaiveDateTime,
    pub started_by: String,
    pub free_texts: i64,
    pub responses: i64,
}

/// Records a run of the job, whatever it deleted.
pub fn record_run(
    conn: &mut AnyConnection,
    started_by: &str,
    total: Purged,
) -> Result<(), DbError> {
    write(conn, |conn| {
        diesel::insert_into(retention_runs::table)
            .values((
                retention_runs::at.eq(now()),
                retention_runs::started_by.eq(started_by),
                retention_runs::free_text_deleted.eq(total.free_texts),
                retention_runs::responses_deleted.eq(total.responses),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// The newest `limit` runs, newest first.
pub fn recent_runs(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Run>, DbError> {
    let rows: Vec<(NaiveDateTime, String, i64, i64)> = retention_runs::table
        .order_by(retention_runs::id.desc())
        .limit(limit)
        .select((
            retention_runs::at,
            retention_runs::started_by,
            retention_runs::free_text_deleted,
            retention_runs::responses_deleted,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(at, started_by, free_texts, responses)| Run {
            at,
            started_by,
            free_texts,
            responses,
        })
        .collect())
}
