//! Reading stored responses for [`crate::stats::cells`]: a page at a time,
//! in response id order, each with its answer rows, day and weight.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{answers, response_weights, responses};
use super::{AnyConnection, DbError};
use crate::domain::SurveyId;
use crate::stats::cells::{CellResponse, Cells};

/// Up to `limit` of the responses with an id above `after`, of every
/// survey, oldest first, with their ids and surveys: three range reads over
/// primary keys, joined here.
///
/// Every survey's, not one's: "this survey's responses above an id" would
/// be read through the survey's index, every row of the survey each time
/// (SQLite's planner takes the equality on `survey_id` over the range on
/// the key), where the key's range reads only what is new. The caller keeps
/// its survey's.
pub fn page_after(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, SurveyId, CellResponse)>, DbError> {
    Ok(page_with_times(conn, after, limit)?
        .into_iter()
        .map(|(id, survey, _, response)| (id, survey, response))
        .collect())
}

/// [`page_after`], with when each response was submitted.
fn page_with_times(
    conn: &mut AnyConnection,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, SurveyId, NaiveDateTime, CellResponse)>, DbError> {
    let heads: Vec<(i64, i64, i64, NaiveDateTime, chrono::NaiveDate)> = responses::table
        .filter(responses::id.gt(after))
        .order_by(responses::id)
        .limit(limit)
        .select((
            responses::id,
            responses::survey_id,
            responses::survey_version_id,
            responses::submitted_at,
            responses::submitted_on,
        ))
        .load(conn)?;
    let Some(&(last, _, _, _, _)) = heads.last() else {
        return Ok(Vec::new());
    };
    let rows: Vec<(i64, String, String)> = answers::table
        .filter(answers::response_id.gt(after))
        .filter(answers::response_id.le(last))
        .order_by(answers::response_id)
        .select((
            answers::response_id,
            answers::question_id,
            answers::option_id,
        ))
        .load(conn)?;
    let weights: Vec<(i64, f64)> = response_weights::table
        .filter(response_weights::response_id.gt(after))
        .filter(response_weights::response_id.le(last))
        .select((response_weights::response_id, response_weights::weight))
        .load(conn)?;
    let weights: std::collections::HashMap<i64, f64> = weights.into_iter().collect();
    let mut rows = rows.into_iter().peekable();
    Ok(heads
        .into_iter()
        .map(|(id, survey, version, at, day)| {
            // Rows of a response not read (none: every answer has its
            // response) would be skipped.
            while rows.next_if(|(r, _, _)| *r < id).is_some() {}
            let mut own = Vec::new();
            while let Some((_, question, option)) = rows.next_if(|(r, _, _)| *r == id) {
                own.push((question, option));
            }
            (
                id,
                SurveyId(survey),
                at,
                CellResponse {
                    rows: own,
                    day,
                    weight: weights.get(&id).copied(),
                    version,
                },
            )
        })
        .collect())
}

/// Ids read so far from a table whose ids are handed out in order but may
/// commit out of order: on PostgreSQL a transaction that took id 7 from the
/// sequence can commit after the one that took 8. Every id at or below
/// `low` has been read (or never will be); those above it that were read
/// are kept with when their row was written, so each read starts from `low`
/// and skips them. `low` moves up to the highest id written at least `wait`
/// ago: an id below it still missing would belong to a transaction that
/// stayed open for longer than `wait` after a later one was written, which a
/// submission (milliseconds) does not. On SQLite, where ids commit in order,
/// `wait` is zero.
#[derive(Debug)]
struct Seen {
    low: i64,
    recent: std::collections::BTreeMap<i64, NaiveDateTime>,
    wait: chrono::TimeDelta,
}

impl Seen {
    fn new(wait: chrono::TimeDelta) -> Seen {
        Seen {
            low: 0,
            recent: std::collections::BTreeMap::new(),
            wait,
        }
    }

    /// Whether `id` (written `at`) is new, marking it read.
    fn take(&mut self, id: i64, at: NaiveDateTime) -> bool {
        if id <= self.low || self.recent.contains_key(&id) {
            return false;
        }
        self.recent.insert(id, at);
        true
    }

    /// Moves `low` up to the highest id written at least `wait` before `now`.
    fn settle(&mut self, now: NaiveDateTime) {
        let settled = self
            .recent
            .iter()
            .filter(|(_, at)| now - **at >= self.wait)
            .map(|(id, _)| *id)
            .max();
        if let Some(low) = settled {
            self.low = low;
            self.recent = self.recent.split_off(&(low + 1));
        }
    }
}

/// How long ago a row must have been written for the ids below it to be
/// taken as complete, on PostgreSQL (several instances' clocks included).
const COMMIT_ORDER_WAIT: chrono::TimeDelta = chrono::TimeDelta::seconds(5);

/// What changes a survey's stored responses other than new ones arriving:
/// weights computed or removed, responses deleted under the retention
/// period, and the questions that key the cells. When it differs from what
/// the cells were built with, they are built again.
#[derive(Debug, Clone, PartialEq)]
struct Fingerprint {
    weights: Option<chrono::NaiveDateTime>,
    purged: Option<chrono::NaiveDateTime>,
    keyed: Vec<String>,
}

fn fingerprint(
    conn: &mut AnyConnection,
    survey: SurveyId,
    keyed: &[String],
) -> Result<Fingerprint, DbError> {
    use super::schema::{survey_retention, weighting_schemes};
    let weights: Option<chrono::NaiveDateTime> = weighting_schemes::table
        .find(survey.0)
        .select(weighting_schemes::computed_at)
        .load(conn)?
        .into_iter()
        .next();
    let purged: Option<chrono::NaiveDateTime> = survey_retention::table
        .find(survey.0)
        .select(survey_retention::responses_deleted_at)
        .load::<Option<chrono::NaiveDateTime>>(conn)?
        .into_iter()
        .next()
        .flatten();
    Ok(Fingerprint {
        weights,
        purged,
        keyed: keyed.to_vec(),
    })
}

/// One survey's cells, brought up to date on each view.
#[derive(Debug)]
struct SurveyCells {
    fingerprint: Fingerprint,
    cells: Cells,
    responses: Seen,
    drafts: Seen,
    started: u64,
}

/// Responses read per page while catching up.
const PAGE: i64 = 20_000;

impl SurveyCells {
    fn new(fingerprint: Fingerprint, postgres: bool) -> SurveyCells {
        let wait = if postgres {
            COMMIT_ORDER_WAIT
        } else {
            chrono::TimeDelta::zero()
        };
        SurveyCells {
            cells: Cells::new(fingerprint.keyed.iter().cloned()),
            fingerprint,
            responses: Seen::new(wait),
            drafts: Seen::new(wait),
            started: 0,
        }
    }

    /// Reads what was stored since the last time: new responses into the
    /// cells, new drafts into the started count. Other surveys' are read
    /// too, and passed over (see [`page_after`]): the ids seen move on
    /// whichever survey was answered.
    fn catch_up(&mut self, conn: &mut AnyConnection, survey: SurveyId) -> Result<(), DbError> {
        let now = super::now();
        let mut after = self.responses.low;
        loop {
            let page = page_with_times(conn, after, PAGE)?;
            for (id, of, at, response) in &page {
                if self.responses.take(*id, *at) && *of == survey {
                    self.cells.add(response);
                }
            }
            match page.last() {
                Some(&(last, _, _, _)) if page.len() as i64 == PAGE => after = last,
                _ => break,
            }
        }
        self.responses.settle(now);
        use super::schema::drafts;
        let ids: Vec<(i64, i64, NaiveDateTime)> = drafts::table
            .filter(drafts::id.gt(self.drafts.low))
            .select((drafts::id, drafts::survey_id, drafts::started_at))
            .load(conn)?;
        for (id, of, at) in ids {
            if self.drafts.take(id, at) && of == survey.0 {
                self.started += 1;
            }
        }
        self.drafts.settle(now);
        Ok(())
    }
}

/// Every survey's cells in this process, built on a survey's first view and
/// then brought up to date from the responses stored since (by this
/// instance or any other) on each view: results at a million responses cost
/// a sum over a few thousand cells, not a GROUP BY over millions of rows.
#[derive(Debug, Default)]
pub struct CellStore {
    surveys: parking_lot::Mutex<
        std::collections::HashMap<
            SurveyId,
            std::sync::Arc<parking_lot::Mutex<Option<SurveyCells>>>,
        >,
    >,
}

impl CellStore {
    /// The figures of one view among the responses matching every filter
    /// (weighted or not), with the survey's started and completed totals:
    /// what [`super::results::load_view`] gives, from the cells. `None` when
    /// the cells cannot give them now: a filter on a question that does not
    /// key them, or another view of the survey is building them (the first
    /// view after a start, seconds at a million responses). The caller then
    /// counts in storage.
    pub fn view(
        &self,
        conn: &mut AnyConnection,
        survey: SurveyId,
        keyed: &[String],
        filters: &[crate::domain::Filter],
        weighted: bool,
    ) -> Result<Option<crate::stats::Counts>, DbError> {
        let entry = std::sync::Arc::clone(self.surveys.lock().entry(survey).or_default());
        let Some(mut guard) = entry.try_lock_for(std::time::Duration::from_millis(50)) else {
            return Ok(None);
        };
        let now = fingerprint(conn, survey, keyed)?;
        let cells = match guard.as_mut() {
            Some(cells) if cells.fingerprint == now => cells,
            _ => {
                let postgres = matches!(conn, AnyConnection::Postgresql(_));
                guard.insert(SurveyCells::new(now, postgres))
            }
        };
        if let Err(e) = cells.catch_up(conn, survey) {
            // Half read: build again next time.
            *guard = None;
            return Err(e);
        }
        let Some(mut counts) = cells.cells.count(filters, weighted) else {
            return Ok(None);
        };
        counts.completed_all = cells.cells.responses();
        counts.started = cells.started;
        Ok(Some(counts))
    }

    /// The responses matching every filter per survey version (by id), from
    /// the survey's cells as the last view left them (call after
    /// [`Self::view`]); `None` when they are not built, are busy, or cannot
    /// give it (a filter on a question that does not key them).
    pub fn versions(
        &self,
        survey: SurveyId,
        filters: &[crate::domain::Filter],
    ) -> Option<std::collections::BTreeMap<i64, u64>> {
        let entry = std::sync::Arc::clone(self.surveys.lock().get(&survey)?);
        let guard = entry.try_lock_for(std::time::Duration::from_millis(50))?;
        guard.as_ref()?.cells.per_version(filters)
    }

    /// For each survey whose cells are built and not being read now: how
    /// many responses they hold.
    pub fn built(&self) -> Vec<(SurveyId, u64)> {
        let surveys: Vec<_> = self
            .surveys
            .lock()
            .iter()
            .map(|(id, entry)| (*id, std::sync::Arc::clone(entry)))
            .collect();
        surveys
            .into_iter()
            .filter_map(|(id, entry)| {
                let guard = entry.try_lock()?;
                Some((id, guard.as_ref()?.cells.responses()))
            })
            .collect()
    }
}
