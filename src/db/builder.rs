//! Surveys built in the browser: drafts (a whole definition, always valid,
//! one per slug, with a revision so saves cannot overwrite each other
//! unseen), publishing a draft as a frozen version, and the audit of who did
//! what to which survey.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{officers, survey_drafts, surveys};
use super::{AnyConnection, DbError, now, write_transaction};
use crate::domain::audit::AuditAction;
use crate::domain::{OfficerId, SurveyDefinition};

/// A draft as stored.
#[derive(Debug, Clone)]
pub struct SurveyDraft {
    pub definition: SurveyDefinition,
    pub revision: i32,
    /// The slug of the survey it was copied from, if it is a copy.
    pub copied_from: Option<String>,
    /// The version of the published survey (same slug) it was made from,
    /// if it is that survey's next version rather than a new survey.
    pub revises: Option<i32>,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}

/// What became of creating a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum NewDraft {
    Created,
    /// A survey or a draft already has the slug; nothing changed.
    SlugTaken,
}

/// Stores `definition` as the draft of a new survey, unless its slug is
/// already a survey's or a draft's, and records who did it.
pub fn create_draft(
    conn: &mut AnyConnection,
    definition: &SurveyDefinition,
    copied_from: Option<&str>,
    by: OfficerId,
) -> Result<NewDraft, DbError> {
    let slug = definition.slug().as_str();
    let outcome = write_transaction(conn, |conn| {
        let published: i64 = surveys::table
            .filter(surveys::slug.eq(slug))
            .count()
            .get_result(conn)?;
        let drafted: i64 = survey_drafts::table.find(slug).count().get_result(conn)?;
        if published + drafted > 0 {
            return Ok::<_, DbError>(NewDraft::SlugTaken);
        }
        let at = now();
        diesel::insert_into(survey_drafts::table)
            .values((
                survey_drafts::slug.eq(slug),
                survey_drafts::definition.eq(definition.to_frozen_json()),
                survey_drafts::revision.eq(first_revision(conn, slug)?),
                survey_drafts::copied_from.eq(copied_from),
                survey_drafts::updated_by.eq(by.0),
                survey_drafts::updated_at.eq(at),
            ))
            .execute(conn)?;
        let detail = match copied_from {
            Some(from) => format!("created as the next wave of {from}"),
            None => "created".to_owned(),
        };
        super::audit::survey_change(conn, by, slug, AuditAction::Create, &detail, at)?;
        Ok(NewDraft::Created)
    });
    match outcome {
        // Two officers creating the same slug at once: the second loses.
        Err(e) if e.is_unique_violation() => Ok(NewDraft::SlugTaken),
        other => other,
    }
}

/// What became of starting the next version of a published survey.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum NewVersion {
    /// A draft of the next version, a copy of version `.0`, was created.
    Created(i32),
    /// The survey already has a draft (of a next version); nothing changed.
    AlreadyDrafting,
    /// No survey has the slug.
    NoSuchSurvey,
}

/// Starts the next version of the published survey `slug`: its latest
/// version, copied as a draft under the same slug, remembering which
/// version it was made from.
pub fn create_next_version(
    conn: &mut AnyConnection,
    slug: &str,
    by: OfficerId,
) -> Result<NewVersion, DbError> {
    let outcome = write_transaction(conn, |conn| {
        let Some(survey) = super::surveys::find_survey_id(conn, slug)? else {
            return Ok::<_, DbError>(NewVersion::NoSuchSurvey);
        };
        let drafted: i64 = survey_drafts::table.find(slug).count().get_result(conn)?;
        if drafted > 0 {
            return Ok(NewVersion::AlreadyDrafting);
        }
        let Some((number, definition)) = super::surveys::find_latest(conn, survey)? else {
            return Ok(NewVersion::NoSuchSurvey);
        };
        let at = now();
        diesel::insert_into(survey_drafts::table)
            .values((
                survey_drafts::slug.eq(slug),
                survey_drafts::definition.eq(definition.to_frozen_json()),
                survey_drafts::revision.eq(first_revision(conn, slug)?),
                survey_drafts::updated_by.eq(by.0),
                survey_drafts::updated_at.eq(at),
                survey_drafts::revises.eq(Some(number)),
            ))
            .execute(conn)?;
        let detail = format!("started version {} from version {number}", number + 1);
        super::audit::survey_change(conn, by, slug, AuditAction::Create, &detail, at)?;
        Ok(NewVersion::Created(number))
    });
    match outcome {
        Err(e) if e.is_unique_violation() => Ok(NewVersion::AlreadyDrafting),
        other => other,
    }
}

/// Removes the draft `slug` if it is still at `revision`; false when it
/// changed or is gone, and nothing was removed.
pub fn discard_draft(
    conn: &mut AnyConnection,
    slug: &str,
    revision: i32,
    by: OfficerId,
) -> Result<bool, DbError> {
    write_transaction(conn, |conn| {
        let removed = diesel::delete(
            survey_drafts::table
                .filter(survey_drafts::slug.eq(slug))
                .filter(survey_drafts::revision.eq(revision)),
        )
        .execute(conn)?;
        if removed == 1 {
            super::audit::survey_change(
                conn,
                by,
                slug,
                AuditAction::Discard,
                "discarded the draft",
                now(),
            )?;
        }
        Ok(removed == 1)
    })
}

/// The revision a new draft of `slug` starts at: above every revision any
/// earlier draft of that slug reached, so a form read from a draft that was
/// since published or discarded can never act on a new one. Every change to
/// a draft is audited, one row each, so one more than the slug's audit rows
/// is always higher (1 for a slug never used).
fn first_revision(conn: &mut AnyConnection, slug: &str) -> Result<i32, DbError> {
    let changes = super::audit::count_for_survey(conn, slug)?;
    Ok(i32::try_from(changes)
        .unwrap_or(i32::MAX - 1)
        .saturating_add(1))
}

/// A stored draft's columns, with the email of who last changed it.
type DraftRow = (
    String,
    String,
    i32,
    Option<String>,
    String,
    NaiveDateTime,
    Option<i32>,
);

macro_rules! draft_columns {
    () => {
        (
            survey_drafts::slug,
            survey_drafts::definition,
            survey_drafts::revision,
            survey_drafts::copied_from,
            officers::email,
            survey_drafts::updated_at,
            survey_drafts::revises,
        )
    };
}

fn draft(row: DraftRow) -> Result<SurveyDraft, DbError> {
    let (slug, json, revision, copied_from, updated_by, updated_at, revises) = row;
    let definition = SurveyDefinition::from_frozen_json(&format!("draft {slug}"), &json)
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok(SurveyDraft {
        definition,
        revision,
        copied_from,
        revises,
        updated_by,
        updated_at,
    })
}

/// The draft with this slug, if there is one.
pub fn find_draft(conn: &mut AnyConnection, slug: &str) -> Result<Option<SurveyDraft>, DbError> {
    survey_drafts::table
        .inner_join(officers::table)
        .filter(survey_drafts::slug.eq(slug))
        .select(draft_columns!())
        .first::<DraftRow>(conn)
        .optional()?
        .map(draft)
        .transpose()
}

/// Every draft that still reads as a valid definition, by slug, in one
/// query. One that no longer does (a rule tightened since it was saved) is
/// left out with a warning, so one bad draft cannot take the survey list down.
pub fn list_drafts(conn: &mut AnyConnection) -> Result<Vec<SurveyDraft>, DbError> {
    let rows: Vec<DraftRow> = survey_drafts::table
        .inner_join(officers::table)
        .order_by(survey_drafts::slug)
        .select(draft_columns!())
        .load(conn)?;
    let mut drafts = Vec::with_capacity(rows.len());
    for row in rows {
        let slug = row.0.clone();
        match draft(row) {
            Ok(found) => drafts.push(found),
            Err(e) => tracing::warn!(draft = %slug, "a draft cannot be read: {e}"),
        }
    }
    Ok(drafts)
}

/// What became of saving a draft.
#[derive(Debug, Clone)]
#[must_use]
pub enum Saving {
    /// Saved as this revision.
    Saved(i32),
    /// Someone saved the draft since it was read at the given revision (or
    /// published it): nothing saved; this is the draft as it is now.
    Stale(Option<Box<SurveyDraft>>),
}

/// Saves `definition` (already through the checks) as the draft `slug`, if
/// the draft is still at `revision`, and records what changed.
pub fn save_draft(
    conn: &mut AnyConnection,
    slug: &str,
    revision: i32,
    definition: &SurveyDefinition,
    by: OfficerId,
    change: &str,
) -> Result<Saving, DbError> {
    let saved = write_transaction(conn, |conn| {
        let at = now();
        let updated = diesel::update(
            survey_drafts::table
                .filter(survey_drafts::slug.eq(slug))
                .filter(survey_drafts::revision.eq(revision)),
        )
        .set((
            survey_drafts::definition.eq(definition.to_frozen_json()),
            survey_drafts::revision.eq(revision.saturating_add(1)),
            survey_drafts::updated_by.eq(by.0),
            survey_drafts::updated_at.eq(at),
        ))
        .execute(conn)?;
        if updated == 1 {
            super::audit::survey_change(conn, by, slug, AuditAction::Edit, change, at)?;
        }
        Ok::<_, DbError>(updated == 1)
    })?;
    if saved {
        Ok(Saving::Saved(revision.saturating_add(1)))
    } else {
        Ok(Saving::Stale(find_draft(conn, slug)?.map(Box::new)))
    }
}

/// What became of publishing a draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Publishing {
    /// Published as this version (1 for a new survey).
    Published(i32),
    /// The draft of a next version was identical to the survey's latest
    /// version: nothing new was stored, the draft is gone, this version stands.
    Unchanged(i32),
    /// The draft changed since the officer read it (revision), or is gone
    /// (published or deleted by someone else): nothing published.
    Stale,
    /// A survey with the draft's slug was published since the draft was
    /// made (from a file, at a start): nothing published, the draft kept.
    SlugTaken,
    /// The draft is the next version of a survey that has had another
    /// version (`.0`) published since the draft was made from an earlier
    /// one: nothing published, the draft kept.
    Overtaken(i32),
}

/// Publishes the draft `slug` as read at `revision`, all in one
/// transaction: the draft is claimed (removed, if still at `revision`), the
/// definition is frozen through the same path as a file (a new survey's
/// version 1, or a published survey's next version), and the audit records
/// it. A publish that loses a race with a save or another publish stores
/// nothing.
pub fn publish_draft(
    conn: &mut AnyConnection,
    slug: &str,
    revision: i32,
    by: OfficerId,
) -> Result<Publishing, DbError> {
    let Some(draft) = find_draft(conn, slug)?.filter(|d| d.revision == revision) else {
        return Ok(Publishing::Stale);
    };
    write_transaction(conn, |conn| {
        let latest = match super::surveys::find_survey_id(conn, slug)? {
            Some(survey) => super::surveys::find_latest(conn, survey)?.map(|(n, _)| n),
            None => None,
        };
        match (draft.revises, latest) {
            (None, Some(_)) => return Ok(Publishing::SlugTaken),
            (Some(base), Some(latest)) if latest != base => {
                return Ok(Publishing::Overtaken(latest));
            }
            _ => {}
        }
        // What is frozen takes the full checks a file takes, whatever the
        // caller checked on its own read of the draft.
        if SurveyDefinition::from_raw("the draft", draft.definition.raw().clone()).is_err() {
            return Ok(Publishing::Stale);
        }
        let claimed = diesel::delete(
            survey_drafts::table
                .filter(survey_drafts::slug.eq(slug))
                .filter(survey_drafts::revision.eq(revision)),
        )
        .execute(conn)?;
        if claimed != 1 {
            return Ok(Publishing::Stale);
        }
        let published = super::surveys::publish_within(conn, &draft.definition)?;
        let (outcome, detail) = if published.is_new {
            (
                Publishing::Published(published.version),
                format!("published version {}", published.version),
            )
        } else {
            (
                Publishing::Unchanged(published.version),
                format!(
                    "published the draft unchanged: version {} stands",
                    published.version
                ),
            )
        };
        super::audit::survey_change(conn, by, slug, AuditAction::Publish, &detail, now())?;
        Ok(outcome)
    })
}
