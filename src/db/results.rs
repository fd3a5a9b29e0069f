//! Counting answers for results: every figure is a GROUP BY over the
//! `answers_by_option` index, filtered by other answers of the same response
//! with `response_id IN (SELECT response_id … WHERE question_id = ? AND
//! option_id = ?)`, one sub-select per filter. Nothing is loaded row by row.
//! The counts become percentages in [`crate::stats::SurveyResults::from_counts`].

use chrono::NaiveDate;
use diesel::prelude::*;

use super::responses_choosing;
use super::schema::{answers, response_weights, responses};
use super::{AnyConnection, DbError, drafts};
use crate::domain::{Filter, SurveyId};
use crate::stats::{Counts, WeightSums, WeightedCounts};

/// Everything one view of a survey's results counts: the figures among the
/// responses matching every filter, and the survey's started and completed
/// totals.
pub fn load(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[Filter],
) -> Result<Counts, DbError> {
    load_view(conn, survey, filters, false)
}

/// [`load`], or with `weighted` the figures of the responses that have a
/// weight, with the sums of their weights (see [`count_weighted`]).
pub fn load_view(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[Filter],
    weighted: bool,
) -> Result<Counts, DbError> {
    let mut counts = if weighted {
        count_weighted(conn, survey, filters)?
    } else {
        count_results(conn, survey, filters)?
    };
    counts.completed_all = if filters.is_empty() && !weighted {
        counts.completed
    } else {
        super::responses::count_completed(conn, survey)?.unsigned_abs()
    };
    counts.started = drafts::count_started(conn, survey)?.unsigned_abs();
    Ok(counts)
}

/// Responses, answered questions and chosen options of a survey, among the
/// responses that match every filter, with the complete responses per UTC
/// day (oldest first) that the completed count is the sum of. Leaves the
/// survey-wide totals (`started`, `completed_all`) to [`load`].
///
/// Two queries: one GROUP BY (question, option) over the answers index gives
/// every option's count and, as `SUM(first_choice)` (one row per response and
/// question carries 1), every question's respondents; one GROUP BY day over
/// the responses index gives the days and the completed count.
fn count_results(
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
            diesel::dsl::sum(answers::first_choice),
        ))
        .into_boxed();
    for filter in filters {
        chosen_query =
            chosen_query.filter(responses_choosing!(answers::response_id, survey, filter));
    }
    let chosen: Vec<(String, String, i64, Option<i64>)> = chosen_query.load(conn)?;
    let per_day = count_per_day(conn, survey, filters)?;
    let mut counts = Counts {
        completed: per_day.iter().map(|(_, n)| n).sum(),
        per_day,
        ..Counts::default()
    };
    for (question, option, n, first) in chosen {
        *counts.answered.entry(question.clone()).or_default() += first.unwrap_or(0).unsigned_abs();
        counts.chosen.insert((question, option), n.unsigned_abs());
    }
    Ok(counts)
}

/// The weighted view's counts: the same one GROUP BY as [`count_results`],
/// joined to each answer's response weight (SQLite finds it by rowid,
/// PostgreSQL by a hash join), summing the weights and their squares beside
/// the counts. Only responses with a weight are counted: those that arrived
/// after the weights were computed wait for the next computation.
fn count_weighted(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[Filter],
) -> Result<Counts, DbError> {
    use diesel::dsl::sql;
    use diesel::sql_types::{Double, Nullable};
    let mut chosen_query = answers::table
        .inner_join(response_weights::table)
        .filter(answers::survey_id.eq(survey.0))
        .group_by((answers::question_id, answers::option_id))
        .select((
            answers::question_id,
            answers::option_id,
            diesel::dsl::count_star(),
            diesel::dsl::sum(answers::first_choice),
            sql::<Nullable<Double>>("SUM(response_weights.weight)"),
            sql::<Nullable<Double>>("SUM(response_weights.weight * response_weights.weight)"),
            sql::<Nullable<Double>>("SUM(answers.first_choice * response_weights.weight)"),
            sql::<Nullable<Double>>(
                "SUM(answers.first_choice * response_weights.weight * response_weights.weight)",
            ),
        ))
        .into_boxed();
    for filter in filters {
        chosen_query =
            chosen_query.filter(responses_choosing!(answers::response_id, survey, filter));
    }
    type Row = (
        String,
        String,
        i64,
        Option<i64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
        Option<f64>,
    );
    let chosen: Vec<Row> = chosen_query.load(conn)?;
    // Responses per day and the weight totals, from the weights alone
    // (each carries its response's day).
    let mut day_query = response_weights::table
        .filter(response_weights::survey_id.eq(survey.0))
        .group_by(response_weights::submitted_on)
        .select((
            response_weights::submitted_on,
            diesel::dsl::count_star(),
            sql::<Nullable<Double>>("SUM(response_weights.weight)"),
            sql::<Nullable<Double>>("SUM(response_weights.weight * response_weights.weight)"),
        ))
        .order_by(response_weights::submitted_on)
        .into_boxed();
    for filter in filters {
        day_query = day_query.filter(responses_choosing!(
            response_weights::response_id,
            survey,
            filter
        ));
    }
    type Day = (NaiveDate, i64, Option<f64>, Option<f64>);
    let days: Vec<Day> = day_query.load(conn)?;
    let mut weighted = WeightedCounts {
        responses: WeightSums {
            sum: days.iter().filter_map(|d| d.2).sum(),
            sum_sq: days.iter().filter_map(|d| d.3).sum(),
        },
        ..WeightedCounts::default()
    };
    let per_day: Vec<(NaiveDate, u64)> = days
        .into_iter()
        .map(|(d, n, _, _)| (d, n.unsigned_abs()))
        .collect();
    let mut counts = Counts {
        completed: per_day.iter().map(|(_, n)| n).sum(),
        per_day,
        ..Counts::default()
    };
    for (question, option, n, first, w, w2, first_w, first_w2) in chosen {
        *counts.answered.entry(question.clone()).or_default() += first.unwrap_or(0).unsigned_abs();
        let answered = weighted.answered.entry(question.clone()).or_default();
        answered.sum += first_w.unwrap_or(0.0);
        answered.sum_sq += first_w2.unwrap_or(0.0);
        weighted.chosen.insert(
            (question.clone(), option.clone()),
            WeightSums {
                sum: w.unwrap_or(0.0),
                sum_sq: w2.unwrap_or(0.0),
            },
        );
        counts.chosen.insert((question, option), n.unsigned_abs());
    }
    counts.weighted = Some(weighted);
    Ok(counts)
}

/// Complete responses per UTC day, oldest first, among those matching the filters.
fn count_per_day(
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

/// Drafts started and responses completed for each of `surveys`, in order:
/// the survey list's figures.
pub fn count_progress(
    conn: &mut AnyConnection,
    surveys: &[SurveyId],
) -> Result<Vec<(i64, i64)>, DbError> {
    surveys
        .iter()
        .map(|&survey| {
            Ok((
                drafts::count_started(conn, survey)?,
                super::responses::count_completed(conn, survey)?,
            ))
        })
        .collect()
}
