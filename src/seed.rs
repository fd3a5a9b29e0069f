//! Filling the shipped 2019 survey with synthetic responses that reproduce
//! every published count, through the same storage path as real
//! submissions: a draft, its answers, and one transaction that completes it.

use crate::db::drafts::{self, Draft};
use crate::db::responses::{self, SubmitOutcome};
use crate::db::surveys::{SurveyId, VersionId};
use crate::db::{AnyConnection, DbError};
use crate::domain::{Answer, DraftAnswers, DraftToken, Entered, Submission, SurveyDefinition};
use crate::synthetic::{Fixture, plan_2019};

/// Why seeding stopped.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("{0}")]
    Plan(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Stores the planned 2019 responses for `seed`, calling `progress` after
/// each one; returns how many were stored.
pub fn seed_2019(
    conn: &mut AnyConnection,
    survey: SurveyId,
    version: VersionId,
    definition: &SurveyDefinition,
    seed: u64,
    mut progress: impl FnMut(u64, u64),
) -> Result<u64, SeedError> {
    let fixture = Fixture::shipped().map_err(SeedError::Plan)?;
    let plan = plan_2019(definition, &fixture, seed).map_err(SeedError::Plan)?;
    let total = plan.len() as u64;
    for (done, planned) in plan.into_iter().enumerate() {
        let mut answers = DraftAnswers::default();
        for (question_id, options) in planned {
            let question = definition
                .question(question_id.as_str())
                .ok_or_else(|| SeedError::Plan(format!("no question {question_id}")))?;
            let entered = Entered {
                chosen: options.iter().map(ToString::to_string).collect(),
                specify: Default::default(),
            };
            let answer = Answer::parse(question, &entered)
                .map_err(|e| SeedError::Plan(format!("{question_id}: {}", e.message)))?;
            answers.record(definition, &question_id, answer);
        }
        let submission = Submission::from_draft(definition, &answers)
            .map_err(|missing| SeedError::Plan(format!("incomplete response: {missing:?}")))?;
        let token = DraftToken::generate();
        let id = drafts::insert_draft(conn, &token.hash(), survey, version)?;
        let now = crate::db::now();
        let draft = Draft {
            id,
            survey,
            version,
            answers,
            revision: 0,
            started_at: now,
            updated_at: now,
            completed_at: None,
        };
        match responses::insert_submission(conn, &draft, &submission)? {
            SubmitOutcome::Stored(_) => {}
            other => {
                return Err(SeedError::Plan(format!(
                    "a fresh draft was not stored: {other:?}"
                )));
            }
        }
        progress(done as u64 + 1, total);
    }
    Ok(total)
}
