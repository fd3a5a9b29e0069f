//! Reading complete responses page by page for exports (so memory stays flat
//! whatever their number), and the log of exports.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{answers, export_log, officers, response_weights, responses};
use super::{AnyConnection, DbError, now, responses_choosing, write};
use crate::domain::audit::ExportEntry;
use crate::domain::{Filter, OfficerId, ResponseRow, SurveyId};

/// Up to `limit` complete responses with ids above `after`, oldest first,
/// among those matching every filter. Two queries: the responses, then the
/// answers in their id range (through the answers' primary key).
pub fn page_of_responses(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[Filter],
    after: i64,
    limit: i64,
    weighted: bool,
) -> Result<Vec<ResponseRow>, DbError> {
    let mut query = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .filter(responses::id.gt(after))
        .order_by(responses::id)
        .limit(limit)
        .select((responses::id, responses::submitted_at))
        .into_boxed();
    for filter in filters {
        query = query.filter(responses_choosing!(responses::id, survey, filter));
    }
    let heads: Vec<(i64, NaiveDateTime)> = query.load(conn)?;
    let (Some(first), Some(last)) = (heads.first(), heads.last()) else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, String, String, Option<String>)> = answers::table
        .filter(answers::response_id.between(first.0, last.0))
        .select((
            answers::response_id,
            answers::question_id,
            answers::option_id,
            answers::detail,
        ))
        .load(conn)?;
    let mut weights: HashMap<i64, f64> = if weighted {
        response_weights::table
            .filter(response_weights::response_id.between(first.0, last.0))
            .select((response_weights::response_id, response_weights::weight))
            .load::<(i64, f64)>(conn)?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };
    let mut by_response: HashMap<i64, Vec<(String, String, Option<String>)>> = HashMap::new();
    for (response, question, option, detail) in rows {
        by_response
            .entry(response)
            .or_default()
            .push((question, option, detail));
    }
    Ok(heads
        .into_iter()
        .map(|(id, submitted_at)| ResponseRow {
            id,
            submitted_at,
            answers: by_response.remove(&id).unwrap_or_default(),
            weight: weights.remove(&id),
        })
        .collect())
}

/// Records that `officer` exported `kind` of a survey with these filters.
pub fn log_export(
    conn: &mut AnyConnection,
    officer: OfficerId,
    survey_slug: &str,
    kind: &str,
    filters: &str,
) -> Result<(), DbError> {
    write(conn, |conn| {
        diesel::insert_into(export_log::table)
            .values((
                export_log::officer_id.eq(officer.0),
                export_log::survey_slug.eq(survey_slug),
                export_log::kind.eq(kind),
                export_log::filters.eq(filters),
                export_log::created_at.eq(now()),
            ))
            .execute(conn)
    })?;
    Ok(())
}

/// The newest `limit` exports, newest first.
pub fn list_exports(conn: &mut AnyConnection, limit: i64) -> Result<Vec<ExportEntry>, DbError> {
    let rows: Vec<(String, String, String, String, NaiveDateTime)> = export_log::table
        .inner_join(officers::table)
        .order_by(export_log::id.desc())
        .limit(limit)
        .select((
            officers::email,
            export_log::survey_slug,
            export_log::kind,
            export_log::filters,
            export_log::created_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(officer_email, survey_slug, kind, filters, created_at)| ExportEntry {
                officer_email,
                survey_slug,
                kind,
                filters,
                created_at,
            },
        )
        .collect())
}
