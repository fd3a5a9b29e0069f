//! Reading complete responses page by page for exports (so memory stays flat
//! whatever their number), and recording each export in the audit log.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{answers, response_weights, responses};
use super::{AnyConnection, DbError, responses_choosing};
use crate::domain::audit::{AuditAction, export_detail};
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

/// Records in the audit log that `officer` exported `kind` of a survey
/// with these filters.
pub fn log_export(
    conn: &mut AnyConnection,
    officer: OfficerId,
    survey_slug: &str,
    kind: &str,
    filters: &str,
) -> Result<(), DbError> {
    super::audit::append(
        conn,
        Some(officer),
        AuditAction::Export,
        Some(survey_slug),
        &export_detail(kind, filters),
    )
}
