//! Counting answers for results: every figure is a GROUP BY over the
//! `answers_by_option` index, filtered by other answers of the same response
//! with `response_id IN (SELECT response_id … WHERE question_id = ? AND
//! option_id = ?)`, one sub-select per filter. Nothing is loaded row by row.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::responses_choosing;
use super::schema::{answers, responses};
use super::surveys::SurveyId;
use super::{AnyConnection, DbError};
use crate::domain::Filter;
use crate::stats::Counts;

/// Responses, answered questions and chosen options of a survey, among the
/// responses that match every filter.
pub fn count_results(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[Filter],
) -> Result<Counts, DbError> {
    let mut chosen_query = answers::table
        .filter(answers::survey_id.eq(survey.0))
        .group_by((answers::question_id, answers::option_id))
        .select((
            answers::question_id,
            answers::option_id,
            diesel::dsl::count_star(),
        ))
        .into_boxed();
    let mut answered_query = answers::table
        .filter(answers::survey_id.eq(survey.0))
        .group_by(answers::question_id)
        .select((
            answers::question_id,
            diesel::dsl::count(answers::response_id).aggregate_distinct(),
        ))
        .into_boxed();
    let mut completed_query = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .count()
        .into_boxed();
    for filter in filters {
        chosen_query =
            chosen_query.filter(responses_choosing!(answers::response_id, survey, filter));
        answered_query =
            answered_query.filter(responses_choosing!(answers::response_id, survey, filter));
        completed_query =
            completed_query.filter(responses_choosing!(responses::id, survey, filter));
    }
    let chosen: Vec<(String, String, i64)> = chosen_query.load(conn)?;
    let answered: Vec<(String, i64)> = answered_query.load(conn)?;
    let completed: i64 = completed_query.get_result(conn)?;
    Ok(Counts {
        completed: completed.unsigned_abs(),
        answered: answered
            .into_iter()
            .map(|(q, n)| (q, n.unsigned_abs()))
            .collect(),
        chosen: chosen
            .into_iter()
            .map(|(q, o, n)| ((q, o), n.unsigned_abs()))
            .collect(),
    })
}

/// Complete responses per UTC day, oldest first, among those matching the filters.
pub fn count_per_day(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[Filter],
) -> Result<Vec<(NaiveDate, u64)>, DbError> {
    let mut query = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .group_by(responses::submitted_on)
        .select((responses::submitted_on, diesel::dsl::count_star()))
        .order_by(responses::submitted_on)
        .into_boxed();
    for filter in filters {
        query = query.filter(responses_choosing!(responses::id, survey, filter));
    }
    let rows: Vec<(NaiveDate, i64)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(d, n)| (d, n.unsigned_abs()))
        .collect())
}
