//! Complete responses and their answers: one row per chosen option.

use diesel::prelude::*;

use super::schema::{answers, drafts, responses};
use super::{AnyConnection, DbError, write_transaction};
use crate::domain::draft::Draft;
use crate::domain::{
    Filter, ResponseId, Submission, SurveyDefinition, SurveyId, TextAnswer, Unanswered,
};

/// What became of storing a submission once ([`insert_submission`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// Stored now, in one transaction with the draft's completion.
    Stored(ResponseId),
    /// The draft was completed before (a double click or a retry): nothing new stored.
    AlreadySubmitted,
    /// The draft changed since it was read: read it again and retry.
    Stale,
}

/// What became of a resident's submission ([`submit_draft`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored now, in one transaction with the draft's completion.
    Stored(ResponseId),
    /// The draft was completed before (a double click or a retry): nothing new stored.
    AlreadySubmitted,
    /// The draft kept changing through every retry, or is gone: nothing stored.
    Stale,
    /// The draft, as read at the last try, leaves these required questions
    /// unanswered: nothing stored.
    Incomplete(Vec<Unanswered>),
}

/// Stores the response of `draft` (as the resident whose token has
/// `token_hash` last read it), reading the draft again if another request
/// changed it first, so what is stored is what the draft holds at commit.
pub fn submit_draft(
    conn: &mut AnyConnection,
    token_hash: &str,
    mut draft: Draft,
    definition: &SurveyDefinition,
) -> Result<Submitted, DbError> {
    for _ in 0..super::drafts::RETRIES {
        let submission = match Submission::from_draft(definition, &draft.answers) {
            Ok(s) => s.through(draft.channel.as_ref()),
            Err(missing) => return Ok(Submitted::Incomplete(missing)),
        };
        match insert_submission(conn, &draft, &submission, super::now())? {
            SubmitOutcome::Stored(id) => return Ok(Submitted::Stored(id)),
            SubmitOutcome::AlreadySubmitted => return Ok(Submitted::AlreadySubmitted),
            SubmitOutcome::Stale => match super::drafts::find_draft(conn, token_hash)? {
                Some(fresh) => draft = fresh,
                None => return Ok(Submitted::Stale),
            },
        }
    }
    Ok(Submitted::Stale)
}

/// One answer row to insert.
#[derive(Insertable)]
#[diesel(table_name = answers)]
pub(crate) struct NewAnswer<'a> {
    pub response_id: i64,
    pub survey_id: i64,
    pub question_id: &'a str,
    pub option_id: &'a str,
    pub detail: Option<&'a str>,
    /// 1 on the first row of each question of a response, else 0: the
    /// question's respondents are `SUM(first_choice)`.
    pub first_choice: i32,
}

impl<'a> NewAnswer<'a> {
    /// The rows of one response, the first of each question marked.
    pub(crate) fn of_response(
        response_id: i64,
        survey_id: i64,
        rows: &'a [crate::domain::answers::AnswerRow],
    ) -> impl Iterator<Item = NewAnswer<'a>> + 'a {
        rows.iter().enumerate().map(move |(i, row)| NewAnswer {
            response_id,
            survey_id,
            question_id: row.question.as_str(),
            option_id: row.option.as_str(),
            detail: row.detail.as_deref(),
            first_choice: i32::from(!rows[..i].iter().any(|r| r.question == row.question)),
        })
    }
}

/// Stores `submission` as the response of `draft`, submitted `at` (now,
/// except when seeding), and marks the draft
/// completed, all in one transaction; the draft's copy of the answers is
/// cleared, the response now holds them. The draft is claimed first with a
/// conditional update, so of two concurrent submits exactly one stores
/// anything; the unique `responses.draft_id` backs that up.
pub fn insert_submission(
    conn: &mut AnyConnection,
    draft: &Draft,
    submission: &Submission,
    at: chrono::NaiveDateTime,
) -> Result<SubmitOutcome, DbError> {
    write_transaction(conn, |conn| {
        let claimed = diesel::update(drafts::table)
            .filter(drafts::id.eq(draft.id.0))
            .filter(drafts::revision.eq(draft.revision))
            .filter(drafts::completed_at.is_null())
            .set((
                drafts::completed_at.eq(at),
                drafts::updated_at.eq(at),
                drafts::answers.eq("{}"),
                drafts::revision.eq(draft.revision + 1),
            ))
            .execute(conn)?;
        if claimed == 0 {
            let completed: Option<Option<chrono::NaiveDateTime>> = drafts::table
                .find(draft.id.0)
                .select(drafts::completed_at)
                .first(conn)
                .optional()?;
            return Ok(match completed {
                Some(Some(_)) => SubmitOutcome::AlreadySubmitted,
                _ => SubmitOutcome::Stale,
            });
        }
        let response_id: i64 = diesel::insert_into(responses::table)
            .values((
                responses::survey_id.eq(draft.survey.0),
                responses::survey_version_id.eq(draft.version.0),
                responses::draft_id.eq(draft.id.0),
                responses::submitted_at.eq(at),
                responses::submitted_on.eq(at.date()),
            ))
            .returning(responses::id)
            .get_result(conn)?;
        let rows: Vec<NewAnswer> =
            NewAnswer::of_response(response_id, draft.survey.0, submission.rows()).collect();
        if !rows.is_empty() {
            // One multi-row INSERT; the multi-backend connection cannot
            // express batch inserts, so each backend runs its own.
            let insert = diesel::insert_into(answers::table).values(&rows);
            match conn {
                AnyConnection::Sqlite(c) => insert.execute(c)?,
                AnyConnection::Postgresql(c) => insert.execute(c)?,
            };
        }
        // Other instances' live pages: delivered at commit, never for a
        // response rolled back (web::live).
        if let AnyConnection::Postgresql(c) = conn {
            diesel::sql_query("SELECT pg_notify($1, $2)")
                .bind::<diesel::sql_types::Text, _>(NOTIFY_CHANNEL)
                .bind::<diesel::sql_types::Text, _>(response_id.to_string())
                .execute(c)?;
        }
        Ok(SubmitOutcome::Stored(ResponseId(response_id)))
    })
}

/// The PostgreSQL channel on which each stored response's id is announced.
pub const NOTIFY_CHANNEL: &str = "civic_responses";

/// The id of the newest response of any survey, if there is one.
pub fn latest_id(conn: &mut AnyConnection) -> Result<Option<i64>, DbError> {
    Ok(responses::table
        .select(diesel::dsl::max(responses::id))
        .first(conn)?)
}

/// How many complete responses a survey has.
pub fn count_completed(conn: &mut AnyConnection, survey: SurveyId) -> Result<i64, DbError> {
    Ok(responses::table
        .filter(responses::survey_id.eq(survey.0))
        .count()
        .get_result(conn)?)
}

/// How many responses chose each option of each question, from one GROUP BY
/// over the answers index. Options nobody chose are absent.
pub fn count_options(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Vec<(String, String, i64)>, DbError> {
    Ok(answers::table
        .filter(answers::survey_id.eq(survey.0))
        .group_by((answers::question_id, answers::option_id))
        .select((
            answers::question_id,
            answers::option_id,
            diesel::dsl::count_star(),
        ))
        .order_by((answers::question_id, answers::option_id))
        .load(conn)?)
}

/// How many responses answered each question (chose at least one option).
pub fn count_respondents_per_question(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Vec<(String, i64)>, DbError> {
    Ok(answers::table
        .filter(answers::survey_id.eq(survey.0))
        .group_by(answers::question_id)
        .select((
            answers::question_id,
            diesel::dsl::count(answers::response_id).aggregate_distinct(),
        ))
        .order_by(answers::question_id)
        .load(conn)?)
}

/// The "please specify" texts stored for a question's option, oldest first.
pub fn list_details(
    conn: &mut AnyConnection,
    survey: SurveyId,
    question: &str,
    option: &str,
) -> Result<Vec<String>, DbError> {
    let details: Vec<Option<String>> = answers::table
        .filter(answers::survey_id.eq(survey.0))
        .filter(answers::question_id.eq(question))
        .filter(answers::option_id.eq(option))
        .filter(answers::detail.is_not_null())
        .order_by(answers::response_id)
        .select(answers::detail)
        .load(conn)?;
    Ok(details.into_iter().flatten().collect())
}

diesel::define_sql_function! {
    /// SQL's `lower()`, for case-insensitive search on both backends.
    fn lower(text: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// `text` as a LIKE pattern that matches it anywhere, lower-cased, with
/// `%`, `_` and the escape character itself taken literally.
pub(super) fn contains_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// A question's free-text answer rows (under `options`), among the
/// responses matching every filter, whose text contains `search` (ignoring
/// case) when it is not blank: a boxed query on `answers`, for a page of
/// them or for the responses they belong to.
macro_rules! free_texts {
    ($survey:expr, $question:expr, $options:expr, $filters:expr, $search:expr) => {{
        use $crate::db::schema::answers;
        let mut query = answers::table
            .filter(answers::survey_id.eq($survey.0))
            .filter(answers::question_id.eq($question))
            .filter(answers::option_id.eq_any($options))
            // Emptied by retention: the answer counts, its text is gone.
            .filter(answers::detail.is_not_null())
            .into_boxed();
        for filter in $filters {
            query = query.filter($crate::db::responses_choosing!(
                answers::response_id,
                $survey,
                filter
            ));
        }
        let search: &str = $search;
        if !search.trim().is_empty() {
            query = query.filter(
                $crate::db::responses::lower(answers::detail)
                    .like($crate::db::responses::contains_pattern(search.trim()))
                    .escape('\\'),
            );
        }
        query
    }};
}
pub(super) use free_texts;

/// One page of a question's free-text answers (its text, or its "please
/// specify" details: the rows under `options`), newest first, among the
/// responses matching every filter and (when `search` is not blank) whose
/// text contains it, ignoring case; with how many match in all.
#[expect(clippy::too_many_arguments, reason = "one query's inputs")]
pub fn page_of_texts(
    conn: &mut AnyConnection,
    survey: SurveyId,
    question: &str,
    options: &[String],
    filters: &[Filter],
    search: &str,
    offset: i64,
    limit: i64,
) -> Result<(i64, Vec<TextAnswer>), DbError> {
    let matching = || free_texts!(survey, question, options, filters, search);
    let total: i64 = matching().count().get_result(conn)?;
    let rows: Vec<(i64, Option<String>, chrono::NaiveDateTime)> = matching()
        .inner_join(responses::table)
        .order_by(answers::response_id.desc())
        .offset(offset)
        .limit(limit)
        .select((
            answers::response_id,
            answers::detail,
            responses::submitted_at,
        ))
        .load(conn)?;
    Ok((
        total,
        rows.into_iter()
            .map(|(response, text, submitted_at)| TextAnswer {
                response,
                submitted_at,
                text: text.unwrap_or_default(),
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_taken_literally_and_ignores_case() {
        assert_eq!(contains_pattern("Bins"), "%bins%");
        assert_eq!(contains_pattern("50%_\\x"), "%50\\%\\_\\\\x%");
    }
}
