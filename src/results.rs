//! A survey's results for one view: counts from storage, turned into
//! breakdowns by [`crate::stats`]. Shared by the results page, the JSON
//! endpoint and (later) the exports.

use chrono::NaiveDate;
use serde::Serialize;

use crate::catalogue::CurrentSurvey;
use crate::db::{AnyConnection, DbError, drafts, results};
use crate::domain::{Filter, OptionId, QuestionId};
use crate::stats::{self, QuestionResult};

/// Everything the results of one view show.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyResults {
    /// Drafts started (not filtered: drafts are not counted by answer).
    pub started: u64,
    /// Complete responses matching the filters.
    pub completed: u64,
    /// Complete responses of the whole survey.
    pub completed_all: u64,
    /// Complete responses per UTC day, matching the filters.
    pub per_day: Vec<(NaiveDate, u64)>,
    pub questions: Vec<QuestionResult>,
}

impl SurveyResults {
    /// Completed as a percentage of started, for the whole survey.
    pub fn completion_rate(&self) -> Option<f64> {
        (self.started > 0).then(|| stats::percent(self.completed_all, self.started))
    }

    pub fn question(&self, id: &QuestionId) -> Option<&QuestionResult> {
        self.questions.iter().find(|q| &q.id == id)
    }

    /// The follow-up questions shown to those who chose `option` of `question`.
    pub fn follow_ups<'a>(
        &'a self,
        question: &'a QuestionId,
        option: &'a OptionId,
    ) -> impl Iterator<Item = &'a QuestionResult> + 'a {
        self.questions.iter().filter(move |q| {
            q.parent
                .as_ref()
                .is_some_and(|p| &p.question == question && &p.option == option)
        })
    }

    /// Questions that have follow-ups: the "most important issue" kind.
    pub fn categories(&self) -> impl Iterator<Item = &QuestionResult> {
        self.questions.iter().filter(|q| {
            self.questions
                .iter()
                .any(|f| f.parent.as_ref().is_some_and(|p| p.question == q.id))
        })
    }
}

/// Counts and breaks down the results of `survey` among responses matching `filters`.
pub fn load(
    conn: &mut AnyConnection,
    survey: &CurrentSurvey,
    filters: &[Filter],
) -> Result<SurveyResults, DbError> {
    let (counts, per_day) = results::count_results(conn, survey.survey, filters)?;
    let completed_all = if filters.is_empty() {
        counts.completed
    } else {
        crate::db::responses::count_completed(conn, survey.survey)?.unsigned_abs()
    };
    Ok(SurveyResults {
        started: drafts::count_started(conn, survey.survey)?.unsigned_abs(),
        completed: counts.completed,
        completed_all,
        per_day,
        questions: stats::breakdown(&survey.definition, &counts),
    })
}
