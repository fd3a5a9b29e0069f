//! The retention job: for each survey with a period set, when its free
//! text and responses fall due (from the day it closed, by an
//! administrator's decision or its dates), what it still holds, and the
//! purge of what is due. The service runs it on a schedule; `civic-survey
//! purge [--dry-run]` runs or previews the same plan from the command line.

use chrono::{DateTime, Utc};

use crate::catalogue::Catalogue;
use crate::db::retention::{self as storage, Holding, Purged};
use crate::db::{AnyConnection, DbError};
use crate::domain::retention::{Due, Fate, Retention};
use crate::domain::{Availability, SurveyId};

/// One survey's place in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyPlan {
    pub survey: SurveyId,
    pub slug: String,
    pub title: String,
    pub retention: Retention,
    /// When it closed; none while it is open or not yet open.
    pub closed: Option<DateTime<Utc>>,
    pub free_text: Fate,
    pub responses: Fate,
    pub holding: Holding,
    /// What a run now deletes.
    pub due_now: Due,
}

impl SurveyPlan {
    /// Whether a run now deletes anything of this survey.
    pub fn deletes_now(&self) -> bool {
        (self.due_now.free_text && self.holding.free_texts > 0)
            || (self.due_now.responses && self.holding.responses > 0)
    }
}

/// The plan for the survey `survey` (also with no period set: nothing due).
pub fn plan_one(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    survey: SurveyId,
    retention: Retention,
    now: DateTime<Utc>,
) -> Result<Option<SurveyPlan>, DbError> {
    let Some(current) = catalogue.all().into_iter().find(|s| s.id == survey) else {
        return Ok(None);
    };
    let closed = match catalogue.availability(&current, now) {
        Availability::Closed(at) => Some(at),
        Availability::Open | Availability::NotYetOpen(_) => None,
    };
    Ok(Some(SurveyPlan {
        survey,
        slug: current.definition.slug().as_str().to_owned(),
        title: current.definition.title().to_owned(),
        retention,
        closed,
        free_text: retention.free_text_fate(closed, now),
        responses: retention.responses_fate(closed, now),
        holding: storage::holding(conn, survey)?,
        due_now: retention.due_at(closed, now),
    }))
}

/// The plan for every survey with a period set, by survey id.
pub fn plan(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
) -> Result<Vec<SurveyPlan>, DbError> {
    let mut plans = Vec::new();
    for (survey, retention) in storage::all(conn)? {
        if let Some(plan) = plan_one(conn, catalogue, survey, retention, now)? {
            plans.push(plan);
        }
    }
    Ok(plans)
}

/// Carries out the plan at `now`: each survey's purge is its own
/// transaction and audit entry; the run is logged whatever it deleted.
pub fn run(
    conn: &mut AnyConnection,
    catalogue: &Catalogue,
    now: DateTime<Utc>,
    started_by: &str,
) -> Result<Purged, DbError> {
    let mut total = Purged::default();
    for plan in plan(conn, catalogue, now)? {
        if !plan.deletes_now() {
            continue;
        }
        let purged = storage::purge(
            conn,
            plan.survey,
            &plan.slug,
            plan.due_now,
            started_by,
            None,
        )?;
        tracing::info!(
            survey = %plan.slug,
            free_texts = purged.free_texts,
            responses = purged.responses,
            "retention: deleted what was due"
        );
        total.free_texts += purged.free_texts;
        total.responses += purged.responses;
    }
    storage::record_run(conn, started_by, total)?;
    Ok(total)
}

/// The plan in words, one survey a paragraph, for `purge --dry-run` and
/// the log.
pub fn describe(plans: &[SurveyPlan]) -> String {
    let day = |d: DateTime<Utc>| d.format("%Y-%m-%d").to_string();
    let when = |fate: Fate| match fate {
        Fate::Kept => "kept (no period set)".to_owned(),
        Fate::WhileOpen => {
            "kept while the survey is open; the period starts when it closes".to_owned()
        }
        Fate::DueSince(d) => format!("due since {}: deleted now", day(d)),
        Fate::DueOn(d) => format!("due on {}", day(d)),
    };
    if plans.is_empty() {
        return "No survey has a retention period: nothing is due.\n".to_owned();
    }
    let mut out = String::new();
    for p in plans {
        let closed = p
            .closed
            .map_or("open".to_owned(), |c| format!("closed {}", day(c)));
        out.push_str(&format!("{} ({}, {closed})\n", p.slug, p.title));
        out.push_str(&format!(
            "  free text: {} answers held; {}\n",
            p.holding.free_texts,
            when(p.free_text)
        ));
        out.push_str(&format!(
            "  responses: {} held; {}\n",
            p.holding.responses,
            when(p.responses)
        ));
    }
    out
}
