//! Filling the shipped 2019 survey with synthetic responses that reproduce
//! every published count, through the same storage path as real
//! submissions: a draft, its answers, and one transaction that completes it.

use chrono::NaiveDateTime;

use crate::db::drafts;
use crate::db::responses::{self, SubmitOutcome};
use crate::db::{AnyConnection, DbError};
use crate::domain::draft::Draft;
use crate::domain::{
    Answer, DraftAnswers, DraftToken, Entered, Submission, SurveyDefinition, SurveyId, VersionId,
};
use crate::synthetic::{Fixture, plan_2019};

/// When each seeded response was submitted: spread over the survey's
/// fieldwork days (18 February to 3 March 2019 for csp-2019), busiest at
/// the start as a survey usually is, between 08:00 and 22:00. Without
/// fieldwork dates, over the last fortnight.
fn submission_times(definition: &SurveyDefinition, total: u64) -> Vec<NaiveDateTime> {
    let (from, to) = match definition.fieldwork() {
        Some(f) => (f.from, f.to),
        None => {
            let today = crate::db::now().date();
            (today - chrono::Duration::days(13), today)
        }
    };
    let days = (to - from).num_days().max(0) as u64 + 1;
    (0..total)
        .map(|i| {
            // Squaring the position crowds responses into the first days,
            // as the launch publicity does.
            let position = i as f64 / total.max(1) as f64;
            let day = ((position * position) * days as f64).floor() as i64;
            let minute = (i * 37) % (14 * 60);
            from.and_hms_opt(8, 0, 0).unwrap_or_default()
                + chrono::Duration::days(day.min(days as i64 - 1))
                + chrono::Duration::minutes(minute as i64)
        })
        .collect()
}

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
    let times = submission_times(definition, total);
    for ((done, planned), at) in plan.into_iter().enumerate().zip(times) {
        let mut answers = DraftAnswers::default();
        for (question_id, options) in planned {
            let question = definition
                .question(question_id.as_str())
                .ok_or_else(|| SeedError::Plan(format!("no question {question_id}")))?;
            let entered = Entered {
                chosen: options.iter().map(ToString::to_string).collect(),
                ..Entered::default()
            };
            let answer = Answer::parse(question, &entered)
                .map_err(|e| SeedError::Plan(format!("{question_id}: {}", e.message())))?;
            answers.record(definition, &question_id, answer);
        }
        let submission = Submission::from_draft(definition, &answers)
            .map_err(|missing| SeedError::Plan(format!("incomplete response: {missing:?}")))?;
        let token = DraftToken::generate();
        let started = at - chrono::Duration::minutes(3);
        let id = drafts::insert_draft(conn, &token.hash(), survey, version, None, started)?;
        let draft = Draft {
            id,
            survey,
            version,
            answers,
            revision: 0,
            started_at: started,
            updated_at: started,
            completed_at: None,
            channel: None,
        };
        match responses::insert_submission(conn, &draft, &submission, at)? {
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
