//! Reading stored responses for [`crate::stats::cells`]: a page at a time,
//! in response id order, each with its answer rows, day and weight.

use diesel::prelude::*;

use super::schema::{answers, response_weights, responses};
use super::{AnyConnection, DbError};
use crate::domain::SurveyId;
use crate::stats::cells::CellResponse;

/// Up to `limit` of the survey's responses with an id above `after`, oldest
/// first, with their ids: three range reads over primary keys, joined here.
pub fn page_after(
    conn: &mut AnyConnection,
    survey: SurveyId,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, CellResponse)>, DbError> {
    let heads: Vec<(i64, chrono::NaiveDate)> = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .filter(responses::id.gt(after))
        .order_by(responses::id)
        .limit(limit)
        .select((responses::id, responses::submitted_on))
        .load(conn)?;
    let Some(&(last, _)) = heads.last() else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, String, String)> = answers::table
        .filter(answers::response_id.gt(after))
        .filter(answers::response_id.le(last))
        .filter(answers::survey_id.eq(survey.0))
        .order_by(answers::response_id)
        .select((
            answers::response_id,
            answers::question_id,
            answers::option_id,
        ))
        .load(conn)?;
    let weights: Vec<(i64, f64)> = response_weights::table
        .filter(response_weights::response_id.gt(after))
        .filter(response_weights::response_id.le(last))
        .filter(response_weights::survey_id.eq(survey.0))
        .select((response_weights::response_id, response_weights::weight))
        .load(conn)?;
    let weights: std::collections::HashMap<i64, f64> = weights.into_iter().collect();
    let mut rows = rows.into_iter().peekable();
    Ok(heads
        .into_iter()
        .map(|(id, day)| {
            // Rows of responses of other surveys cannot fall in between:
            // the filter on the survey keeps them out.
            while rows.next_if(|(r, _, _)| *r < id).is_some() {}
            let mut own = Vec::new();
            while let Some((_, question, option)) = rows.next_if(|(r, _, _)| *r == id) {
                own.push((question, option));
            }
            (
                id,
                CellResponse {
                    rows: own,
                    day,
                    weight: weights.get(&id).copied(),
                },
            )
        })
        .collect())
}
