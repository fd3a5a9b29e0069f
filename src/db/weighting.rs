//! Storing weights: a survey's population targets, how raking to them went,
//! and one weight per response. The arithmetic is in
//! [`crate::stats::weighting`]; this module reads the answers raking needs
//! and writes what it gives, in one transaction, so a failed computation
//! leaves the previous weights in force.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{answers, officers, response_weights, responses, weighting_schemes};
use super::{AnyConnection, DbError, now, write_transaction};
use crate::domain::{OfficerId, SurveyId};
use crate::stats::weighting::{Raking, Targets};

/// A survey's weighting as stored: its targets and the last computation.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct Scheme {
    pub targets: String,
    pub cap: f64,
    pub computed_by: String,
    pub computed_at: NaiveDateTime,
    /// Responses weighted.
    pub responses: i64,
    /// The newest response weighted: later ones have no weight yet.
    pub last_response_id: i64,
    pub iterations: i32,
    pub converged: bool,
    pub max_gap: f64,
    pub trimmed: i64,
    pub min_weight: f64,
    pub max_weight: f64,
}

/// The survey's weighting, if an admin has set one.
pub fn scheme(conn: &mut AnyConnection, survey: SurveyId) -> Result<Option<Scheme>, DbError> {
    Ok(weighting_schemes::table
        .inner_join(officers::table)
        .filter(weighting_schemes::survey_id.eq(survey.0))
        .select((
            weighting_schemes::targets,
            weighting_schemes::cap,
            officers::email,
            weighting_schemes::computed_at,
            weighting_schemes::responses,
            weighting_schemes::last_response_id,
            weighting_schemes::iterations,
            weighting_schemes::converged,
            weighting_schemes::max_gap,
            weighting_schemes::trimmed,
            weighting_schemes::min_weight,
            weighting_schemes::max_weight,
        ))
        .first(conn)
        .optional()?)
}

/// Complete responses of the survey newer than `last`: those a weighted
/// view leaves out until the weights are computed again.
pub fn responses_since(
    conn: &mut AnyConnection,
    survey: SurveyId,
    last: i64,
    filters: &[crate::domain::Filter],
) -> Result<i64, DbError> {
    let mut query = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .filter(responses::id.gt(last))
        .count()
        .into_boxed();
    for filter in filters {
        query = query.filter(super::responses_choosing!(responses::id, survey, filter));
    }
    Ok(query.get_result(conn)?)
}

/// Each response's position in each margin (see [`positions`]).
pub type Cells = Vec<Vec<Option<usize>>>;

/// The responses weighed: their ids (ascending) and UTC days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Weighed {
    pub ids: Vec<i64>,
    pub days: Vec<chrono::NaiveDate>,
}

/// Every complete response of the survey (by id, ascending) with its
/// position in each of the targets' margins: the option it chose among the
/// targeted ones, or none (not answered, or an option with no target).
pub fn positions(
    conn: &mut AnyConnection,
    survey: SurveyId,
    targets: &Targets,
) -> Result<(Weighed, Cells), DbError> {
    let rows: Vec<(i64, chrono::NaiveDate)> = responses::table
        .filter(responses::survey_id.eq(survey.0))
        .order_by(responses::id)
        .select((responses::id, responses::submitted_on))
        .load(conn)?;
    let (ids, days): (Vec<i64>, Vec<chrono::NaiveDate>) = rows.into_iter().unzip();
    let mut positions = vec![vec![None; targets.margins.len()]; ids.len()];
    for (m, margin) in targets.margins.iter().enumerate() {
        let index: HashMap<&str, usize> = margin
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| (o.id.as_str(), i))
            .collect();
        let rows: Vec<(i64, String)> = answers::table
            .filter(answers::survey_id.eq(survey.0))
            .filter(answers::question_id.eq(margin.question.as_str()))
            .select((answers::response_id, answers::option_id))
            .load(conn)?;
        for (response, option) in rows {
            if let (Ok(r), Some(&p)) = (ids.binary_search(&response), index.get(option.as_str())) {
                positions[r][m] = Some(p);
            }
        }
    }
    Ok((Weighed { ids, days }, positions))
}

#[derive(Insertable)]
#[diesel(table_name = response_weights)]
struct NewWeight {
    response_id: i64,
    survey_id: i64,
    weight: f64,
    submitted_on: chrono::NaiveDate,
}

/// Rows per multi-row INSERT (4 columns each).
const ROWS_PER_INSERT: usize = 8_000;

/// Replaces the survey's targets and weights with a new computation, in one
/// transaction, and records who did it in the survey audit.
#[allow(clippy::too_many_arguments)]
pub fn save(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    by: OfficerId,
    targets_csv: &str,
    cap: f64,
    weighed: &Weighed,
    raking: &Raking,
) -> Result<(), DbError> {
    let ids = &weighed.ids;
    let at = now();
    let min = raking.weights.iter().copied().fold(f64::INFINITY, f64::min);
    let max = raking.weights.iter().copied().fold(0.0, f64::max);
    write_transaction(conn, |conn| {
        diesel::delete(response_weights::table.filter(response_weights::survey_id.eq(survey.0)))
            .execute(conn)?;
        diesel::delete(weighting_schemes::table.filter(weighting_schemes::survey_id.eq(survey.0)))
            .execute(conn)?;
        let rows: Vec<NewWeight> = ids
            .iter()
            .zip(&weighed.days)
            .zip(&raking.weights)
            .map(|((&response_id, &submitted_on), &weight)| NewWeight {
                response_id,
                survey_id: survey.0,
                weight,
                submitted_on,
            })
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let insert = diesel::insert_into(response_weights::table).values(chunk);
            match conn {
                AnyConnection::Sqlite(c) => insert.execute(c)?,
                AnyConnection::Postgresql(c) => insert.execute(c)?,
            };
        }
        diesel::insert_into(weighting_schemes::table)
            .values((
                weighting_schemes::survey_id.eq(survey.0),
                weighting_schemes::targets.eq(targets_csv),
                weighting_schemes::cap.eq(cap),
                weighting_schemes::officer_id.eq(by.0),
                weighting_schemes::computed_at.eq(at),
                weighting_schemes::responses.eq(i64::try_from(ids.len()).unwrap_or(i64::MAX)),
                weighting_schemes::last_response_id.eq(ids.last().copied().unwrap_or(0)),
                weighting_schemes::iterations
                    .eq(i32::try_from(raking.iterations).unwrap_or(i32::MAX)),
                weighting_schemes::converged.eq(raking.converged),
                weighting_schemes::max_gap.eq(raking.max_gap),
                weighting_schemes::trimmed.eq(i64::try_from(raking.trimmed).unwrap_or(i64::MAX)),
                weighting_schemes::min_weight.eq(if min.is_finite() { min } else { 0.0 }),
                weighting_schemes::max_weight.eq(max),
            ))
            .execute(conn)?;
        super::audit::survey_change(
            conn,
            by,
            slug,
            crate::domain::audit::AuditAction::Weights,
            &format!(
                "weighted {} responses ({} passes, {}; cap {cap}, {} at the cap)",
                ids.len(),
                raking.iterations,
                if raking.converged {
                    "converged"
                } else {
                    "did not converge"
                },
                raking.trimmed
            ),
            at,
        )
    })
}

/// Removes the survey's weighting: views go back to unweighted only.
pub fn remove(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    by: OfficerId,
) -> Result<bool, DbError> {
    write_transaction(conn, |conn| {
        diesel::delete(response_weights::table.filter(response_weights::survey_id.eq(survey.0)))
            .execute(conn)?;
        let removed = diesel::delete(
            weighting_schemes::table.filter(weighting_schemes::survey_id.eq(survey.0)),
        )
        .execute(conn)?;
        if removed > 0 {
            super::audit::survey_change(
                conn,
                by,
                slug,
                crate::domain::audit::AuditAction::Weights,
                "removed the weighting",
                now(),
            )?;
        }
        Ok(removed > 0)
    })
}
