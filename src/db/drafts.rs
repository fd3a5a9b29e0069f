//! Drafts: a resident's answers in progress, kept server-side against the
//! hash of their draft token. A draft is "started" when created and
//! "completed" when its response is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::drafts;
use super::{AnyConnection, DbError, DraftStorage, now};
use crate::domain::draft::Draft;
use crate::domain::{
    Answer, DraftAnswers, DraftId, OptionId, QuestionId, SurveyDefinition, SurveyId, VersionId,
};

type DraftRow = (
    i64,
    i64,
    i64,
    String,
    i32,
    NaiveDateTime,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
);

/// Starts a draft for a survey version at `at` (now, except when seeding),
/// through `channel`'s link if one was named.
pub fn insert_draft(
    conn: &mut impl DraftStorage,
    token_hash: &str,
    survey: SurveyId,
    version: VersionId,
    channel: Option<&OptionId>,
    at: NaiveDateTime,
) -> Result<DraftId, DbError> {
    let id = super::write(conn.connection(), |conn| {
        diesel::insert_into(drafts::table)
            .values((
                drafts::token_hash.eq(token_hash),
                drafts::survey_id.eq(survey.0),
                drafts::survey_version_id.eq(version.0),
                drafts::answers.eq("{}"),
                drafts::revision.eq(0),
                drafts::started_at.eq(at),
                drafts::updated_at.eq(at),
                drafts::channel.eq(channel.map(OptionId::as_str)),
            ))
            .returning(drafts::id)
            .get_result::<i64>(conn)
    })?;
    Ok(DraftId(id))
}

/// The draft whose token has this hash, if there is one.
pub fn find_draft(
    conn: &mut impl DraftStorage,
    token_hash: &str,
) -> Result<Option<Draft>, DbError> {
    let row: Option<DraftRow> = drafts::table
        .filter(drafts::token_hash.eq(token_hash))
        .select((
            drafts::id,
            drafts::survey_id,
            drafts::survey_version_id,
            drafts::answers,
            drafts::revision,
            drafts::started_at,
            drafts::updated_at,
            drafts::completed_at,
            drafts::channel,
        ))
        // Loaded, not `.first()`: the token hash is UNIQUE, and the bundled
        // SQLite (built with STAT4) prepares a `LIMIT ?` statement afresh each
        // time the limit is bound, which was a tenth of a resident's page.
        .load::<DraftRow>(conn.connection())?
        .into_iter()
        .next();
    row.map(
        |(
            id,
            survey,
            version,
            answers,
            revision,
            started_at,
            updated_at,
            completed_at,
            channel,
        )| {
            let answers = serde_json::from_str(&answers)
                .map_err(|e| DbError::Corrupt(format!("draft {id}: {e}")))?;
            let channel = channel
                .map(|c| OptionId::parse(&c))
                .transpose()
                .map_err(|e| DbError::Corrupt(format!("draft {id}: channel: {e}")))?;
            Ok(Draft {
                id: DraftId(id),
                survey: SurveyId(survey),
                version: VersionId(version),
                answers,
                revision,
                started_at,
                updated_at,
                completed_at,
                channel,
            })
        },
    )
    .transpose()
}

/// Saves a draft's answers if it is still at `revision` and not completed.
/// Returns false when someone else changed it first (read it again).
pub fn save_answers(
    conn: &mut impl DraftStorage,
    draft: DraftId,
    revision: i32,
    answers: &DraftAnswers,
) -> Result<bool, DbError> {
    let json = serde_json::to_string(answers)
        .map_err(|e| DbError::Corrupt(format!("draft answers do not serialise: {e}")))?;
    let changed = super::write(conn.connection(), |conn| {
        diesel::update(drafts::table)
            .filter(drafts::id.eq(draft.0))
            .filter(drafts::revision.eq(revision))
            .filter(drafts::completed_at.is_null())
            .set((
                drafts::answers.eq(json),
                drafts::revision.eq(revision + 1),
                drafts::updated_at.eq(now()),
            ))
            .execute(conn)
    })?;
    Ok(changed == 1)
}

/// How many times a write is retried when another request changed the draft.
pub(super) const RETRIES: usize = 5;

/// Records `answer` to `question` in `draft` (as the resident whose token
/// has `token_hash` last read it), reading the draft again and re-applying
/// the answer if another request changed it first. The draft's answers
/// afterwards, or `None` when the draft was completed meanwhile.
pub fn record_answer(
    conn: &mut impl DraftStorage,
    token_hash: &str,
    mut draft: Draft,
    definition: &SurveyDefinition,
    question: &QuestionId,
    answer: Answer,
) -> Result<Option<DraftAnswers>, DbError> {
    for _ in 0..RETRIES {
        let mut answers = draft.answers.clone();
        answers.record(definition, question, answer.clone());
        if save_answers(conn, draft.id, draft.revision, &answers)? {
            return Ok(Some(answers));
        }
        match find_draft(conn, token_hash)? {
            Some(fresh) if fresh.completed_at.is_none() => draft = fresh,
            _ => return Ok(None),
        }
    }
    Err(DbError::Corrupt(format!(
        "draft {:?} changed {RETRIES} times while saving one answer",
        draft.id
    )))
}

/// How many drafts were started for a survey.
pub fn count_started(conn: &mut AnyConnection, survey: SurveyId) -> Result<i64, DbError> {
    Ok(drafts::table
        .filter(drafts::survey_id.eq(survey.0))
        .count()
        .get_result(conn)?)
}

/// Drafts started and completed for a survey per channel its link named
/// (`None`: the plain link): (channel, started, completed).
pub fn count_per_channel(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Vec<(Option<String>, i64, i64)>, DbError> {
    Ok(drafts::table
        .filter(drafts::survey_id.eq(survey.0))
        .group_by(drafts::channel)
        .select((
            drafts::channel,
            diesel::dsl::count_star(),
            diesel::dsl::count(drafts::completed_at),
        ))
        .load(conn)?)
}

/// Clears the answers of drafts left unfinished since before `cutoff`: they
/// can no longer be submitted, and answers nobody sent are not kept. The
/// draft row stays, so it still counts as started.
pub fn purge_abandoned(conn: &mut AnyConnection, cutoff: NaiveDateTime) -> Result<usize, DbError> {
    Ok(super::write(conn, |conn| {
        diesel::update(drafts::table)
            .filter(drafts::completed_at.is_null())
            .filter(drafts::updated_at.lt(cutoff))
            .filter(drafts::answers.ne("{}"))
            .set((
                drafts::answers.eq("{}"),
                drafts::revision.eq(drafts::revision + 1),
            ))
            .execute(conn)
    })?)
}
