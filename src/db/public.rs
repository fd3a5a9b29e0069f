//! A survey's public results page as stored: what an admin chose to show,
//! whether it is published, and the published figures (a snapshot of
//! `stats::public::PublicResults`, already suppressed).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{officers, public_pages};
use super::{AnyConnection, DbError, now, write_transaction};
use crate::domain::{OfficerId, SurveyId};

/// What an admin chose, and what is published.
#[derive(Debug, Clone, PartialEq, Queryable)]
pub struct PublicPage {
    /// Question ids, in order.
    pub questions: String,
    pub breakdown: Option<String>,
    pub you_said: String,
    pub published: bool,
    /// The published figures (JSON).
    pub snapshot: Option<String>,
    /// Complete responses the snapshot counts.
    pub snapshot_responses: i64,
    pub snapshot_at: Option<NaiveDateTime>,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
    /// Shown only once the survey has closed (else live).
    pub after_closing: bool,
}

impl PublicPage {
    pub fn question_ids(&self) -> Vec<String> {
        self.questions
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The survey's public page, if an admin has set one up.
pub fn page(conn: &mut AnyConnection, survey: SurveyId) -> Result<Option<PublicPage>, DbError> {
    Ok(public_pages::table
        .inner_join(officers::table)
        .filter(public_pages::survey_id.eq(survey.0))
        .select((
            public_pages::questions,
            public_pages::breakdown,
            public_pages::you_said,
            public_pages::published,
            public_pages::snapshot,
            public_pages::snapshot_responses,
            public_pages::snapshot_at,
            officers::email,
            public_pages::updated_at,
            public_pages::after_closing,
        ))
        .first(conn)
        .optional()?)
}

/// What an admin saves.
#[derive(Debug, Clone)]
pub struct Choice<'a> {
    pub questions: &'a [String],
    pub breakdown: Option<&'a str>,
    pub you_said: &'a str,
    pub published: bool,
    /// Shown only once the survey has closed (else live).
    pub after_closing: bool,
    /// The figures to publish now and the responses they count; none keeps
    /// the stored snapshot (unpublishing keeps it too, for a later publish).
    pub snapshot: Option<(&'a str, i64)>,
}

/// Saves the page and records it in the survey audit, in one transaction.
pub fn save(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    by: OfficerId,
    choice: &Choice,
    audit: &str,
) -> Result<(), DbError> {
    let at = now();
    let questions = choice.questions.join("\n");
    write_transaction(conn, |conn| {
        let existing: Option<i64> = public_pages::table
            .filter(public_pages::survey_id.eq(survey.0))
            .select(public_pages::survey_id)
            .first(conn)
            .optional()?;
        if existing.is_none() {
            diesel::insert_into(public_pages::table)
                .values((
                    public_pages::survey_id.eq(survey.0),
                    public_pages::questions.eq(&questions),
                    public_pages::breakdown.eq(choice.breakdown),
                    public_pages::you_said.eq(choice.you_said),
                    public_pages::published.eq(choice.published),
                    public_pages::after_closing.eq(choice.after_closing),
                    public_pages::snapshot_responses.eq(0i64),
                    public_pages::updated_by.eq(by.0),
                    public_pages::updated_at.eq(at),
                ))
                .execute(conn)?;
        } else {
            diesel::update(public_pages::table.filter(public_pages::survey_id.eq(survey.0)))
                .set((
                    public_pages::questions.eq(&questions),
                    public_pages::breakdown.eq(choice.breakdown),
                    public_pages::you_said.eq(choice.you_said),
                    public_pages::published.eq(choice.published),
                    public_pages::after_closing.eq(choice.after_closing),
                    public_pages::updated_by.eq(by.0),
                    public_pages::updated_at.eq(at),
                ))
                .execute(conn)?;
        }
        if let Some((json, responses)) = choice.snapshot {
            diesel::update(public_pages::table.filter(public_pages::survey_id.eq(survey.0)))
                .set((
                    public_pages::snapshot.eq(Some(json)),
                    public_pages::snapshot_responses.eq(responses),
                    public_pages::snapshot_at.eq(Some(at)),
                ))
                .execute(conn)?;
        }
        super::audit::survey_change(
            conn,
            by,
            slug,
            crate::domain::audit::AuditAction::PublicResults,
            audit,
            at,
        )
    })
}

/// Replaces the published figures if they still count `previous`
/// responses (another instance may have moved them on already); true if
/// this call did.
pub fn refresh_snapshot(
    conn: &mut AnyConnection,
    survey: SurveyId,
    previous: i64,
    json: &str,
    responses: i64,
) -> Result<bool, DbError> {
    let changed = write_transaction(conn, |conn| {
        diesel::update(
            public_pages::table
                .filter(public_pages::survey_id.eq(survey.0))
                .filter(public_pages::published.eq(true))
                .filter(public_pages::snapshot_responses.eq(previous)),
        )
        .set((
            public_pages::snapshot.eq(Some(json)),
            public_pages::snapshot_responses.eq(responses),
            public_pages::snapshot_at.eq(Some(now())),
        ))
        .execute(conn)
    })?;
    Ok(changed > 0)
}

/// Surveys whose public page is published: (survey, responses its figures count).
pub fn published(conn: &mut AnyConnection) -> Result<Vec<(SurveyId, i64)>, DbError> {
    let rows: Vec<(i64, i64)> = public_pages::table
        .filter(public_pages::published.eq(true))
        .select((public_pages::survey_id, public_pages::snapshot_responses))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n)| (SurveyId(id), n)).collect())
}

/// Which version of the published page is current, if it is published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublishedVersion {
    /// When its figures were taken.
    pub snapshot_at: Option<NaiveDateTime>,
    /// When its choice was last changed.
    pub updated_at: NaiveDateTime,
    /// Shown only once the survey has closed.
    pub after_closing: bool,
}

/// The published page's version: a cheap read that tells whether a page
/// rendered earlier is still the one to serve, and whether to wait for
/// closing.
pub fn published_version(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Option<PublishedVersion>, DbError> {
    let row: Option<(Option<NaiveDateTime>, NaiveDateTime, bool)> = public_pages::table
        .filter(public_pages::survey_id.eq(survey.0))
        .filter(public_pages::published.eq(true))
        .select((
            public_pages::snapshot_at,
            public_pages::updated_at,
            public_pages::after_closing,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(
        |(snapshot_at, updated_at, after_closing)| PublishedVersion {
            snapshot_at,
            updated_at,
            after_closing,
        },
    ))
}
