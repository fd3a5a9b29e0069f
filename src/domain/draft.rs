//! A resident's draft: their answers in progress, how long it stays usable,
//! and where a resident stands with a survey given the draft their cookie
//! names.

use chrono::NaiveDateTime;

use super::answers::DraftAnswers;
use super::ids::{DraftId, SurveyId, VersionId};

/// A draft as stored.
#[derive(Debug, Clone)]
pub struct Draft {
    pub id: DraftId,
    pub survey: SurveyId,
    pub version: VersionId,
    pub answers: DraftAnswers,
    /// Goes up by one on every change; a write names the revision it read,
    /// so two tabs cannot overwrite each other unseen.
    pub revision: i32,
    pub started_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub completed_at: Option<NaiveDateTime>,
    /// The distribution channel the resident's link named, if any.
    pub channel: Option<crate::domain::OptionId>,
}

/// How long an unfinished draft stays usable after its last change
/// (`DRAFT_LIFETIME_HOURS`). Past that a resident is told it has expired and
/// may start again, and the hourly clean-up clears its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftLifetime(std::time::Duration);

impl DraftLifetime {
    pub fn new(lifetime: std::time::Duration) -> Self {
        DraftLifetime(lifetime)
    }

    pub fn as_std(self) -> std::time::Duration {
        self.0
    }

    /// Whether a draft last changed at `last_change` has expired at `now`:
    /// strictly more than the lifetime has passed.
    pub fn has_expired(self, last_change: NaiveDateTime, now: NaiveDateTime) -> bool {
        let lifetime = chrono::Duration::from_std(self.0).unwrap_or(chrono::Duration::MAX);
        now.signed_duration_since(last_change) > lifetime
    }

    /// The clean-up's cut-off at `now`: drafts unchanged since before it have
    /// expired, with `grace` more, so a request that found a draft alive just
    /// before it expired still finishes. `None` when that reaches before time.
    pub fn purge_cutoff(
        self,
        now: NaiveDateTime,
        grace: std::time::Duration,
    ) -> Option<NaiveDateTime> {
        chrono::Duration::from_std(self.0 + grace)
            .ok()
            .and_then(|age| now.checked_sub_signed(age))
    }
}

/// Where a resident stands with a survey.
#[derive(Debug)]
pub enum Standing<T> {
    /// No draft cookie: the resident has not started.
    NoDraft,
    /// A draft the resident cannot use: unknown, or expired.
    Problem(DraftProblem),
    /// The draft's response is stored.
    Completed,
    /// A draft in progress, with what came with it.
    Active(T),
}

/// Why a resident's draft cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftProblem {
    /// The cookie names no draft of this survey (malformed, unknown, or
    /// another survey's).
    NotRecognised,
    /// The draft was left unchanged for longer than its lifetime.
    Expired,
}

/// Where the resident whose cookie found `draft` (with `extra`, such as its
/// survey version) stands with `survey` at `now`.
pub fn standing<T>(
    draft: Option<(Draft, T)>,
    survey: SurveyId,
    lifetime: DraftLifetime,
    now: NaiveDateTime,
) -> Standing<(Draft, T)> {
    match draft {
        None => Standing::Problem(DraftProblem::NotRecognised),
        Some((draft, _)) if draft.survey != survey => {
            Standing::Problem(DraftProblem::NotRecognised)
        }
        Some((draft, _)) if draft.completed_at.is_some() => Standing::Completed,
        Some((draft, _)) if lifetime.has_expired(draft.updated_at, now) => {
            Standing::Problem(DraftProblem::Expired)
        }
        Some(found) => Standing::Active(found),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + minutes * 60, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default()
    }

    fn draft(survey: i64, updated: i64, completed: bool) -> Draft {
        Draft {
            id: DraftId(1),
            survey: SurveyId(survey),
            version: VersionId(1),
            answers: DraftAnswers::default(),
            revision: 0,
            started_at: at(0),
            updated_at: at(updated),
            completed_at: completed.then(|| at(updated)),
            channel: None,
        }
    }

    #[test]
    fn a_draft_expires_only_after_its_whole_lifetime_since_the_last_change() {
        let day = DraftLifetime::new(std::time::Duration::from_secs(24 * 3600));
        assert!(!day.has_expired(at(0), at(24 * 60)), "exactly a day: alive");
        assert!(day.has_expired(at(0), at(24 * 60 + 1)));
        assert!(
            !day.has_expired(at(10), at(24 * 60 + 1)),
            "a change renews it"
        );
    }

    #[test]
    fn the_clean_up_waits_a_grace_period_past_the_lifetime() {
        let hour = std::time::Duration::from_secs(3600);
        let day = DraftLifetime::new(24 * hour);
        assert_eq!(day.purge_cutoff(at(25 * 60), hour), Some(at(0)));
    }

    #[test]
    fn standing_follows_the_draft() {
        let hour = DraftLifetime::new(std::time::Duration::from_secs(3600));
        let now = at(30);
        let of = |d: Draft| standing(Some((d, ())), SurveyId(1), hour, now);
        assert!(matches!(of(draft(1, 0, false)), Standing::Active(_)));
        assert!(matches!(of(draft(1, 0, true)), Standing::Completed));
        assert!(matches!(
            of(draft(2, 0, false)),
            Standing::Problem(DraftProblem::NotRecognised)
        ));
        assert!(matches!(
            standing(Some((draft(1, 0, false), ())), SurveyId(1), hour, at(61)),
            Standing::Problem(DraftProblem::Expired)
        ));
        assert!(matches!(
            standing::<()>(None, SurveyId(1), hour, now),
            Standing::Problem(DraftProblem::NotRecognised)
        ));
    }
}
