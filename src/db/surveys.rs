//! Publishing survey definitions as frozen versions, and reading them back.

use diesel::prelude::*;

use super::schema::{officers, survey_controls, survey_sources, survey_versions, surveys};
use super::{AnyConnection, DbError, now, write_transaction};
use crate::domain::{Control, ControlRecord, OfficerId, SurveyDefinition, SurveyId, VersionId};

/// The version of a survey that residents now answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Published {
    pub survey: SurveyId,
    pub version_id: VersionId,
    /// 1 for the first version, counting up.
    pub version: i32,
    /// True when this call stored a new version.
    pub is_new: bool,
}

/// Stores `definition` as the survey's current version, unless the latest
/// stored version is already identical. Earlier versions are never changed,
/// so answers always keep the meaning they were given under.
pub fn publish(
    conn: &mut AnyConnection,
    definition: &SurveyDefinition,
) -> Result<Published, DbError> {
    // Two instances starting together may race to insert the same survey or
    // version; the loser sees a unique violation and reads the winner's row.
    match publish_once(conn, definition) {
        Err(e) if e.is_unique_violation() => publish_once(conn, definition),
        other => other,
    }
}

/// Publishes a definition read from its file at start, unless the file's
/// content is what was last published from it: then the survey's latest
/// version stands, even one published since from the browser. `None` when
/// the file was left alone.
pub fn publish_file(
    conn: &mut AnyConnection,
    definition: &SurveyDefinition,
) -> Result<Option<Published>, DbError> {
    let slug = definition.slug().as_str();
    let hash = crate::domain::token::sha256_hex(&definition.to_frozen_json());
    let last: Option<String> = survey_sources::table
        .find(slug)
        .select(survey_sources::content_hash)
        .first(conn)
        .optional()?;
    if last.as_deref() == Some(hash.as_str()) && find_survey_id(conn, slug)?.is_some() {
        return Ok(None);
    }
    let published = publish(conn, definition)?;
    let record = |conn: &mut AnyConnection| {
        write_transaction(conn, |conn| {
            diesel::delete(survey_sources::table.find(slug)).execute(conn)?;
            diesel::insert_into(survey_sources::table)
                .values((
                    survey_sources::slug.eq(slug),
                    survey_sources::content_hash.eq(&hash),
                    survey_sources::loaded_at.eq(now()),
                ))
                .execute(conn)?;
            Ok::<_, DbError>(())
        })
    };
    // Two instances starting together: the second meets the first's row.
    match record(conn) {
        Err(e) if e.is_unique_violation() => record(conn)?,
        other => other?,
    }
    Ok(Some(published))
}

/// The latest published version of every survey, by slug order.
pub fn list_current(
    conn: &mut AnyConnection,
) -> Result<Vec<(SurveyId, String, VersionId, i32)>, DbError> {
    let rows: Vec<(i64, String, i64, i32)> = survey_versions::table
        .inner_join(surveys::table)
        .select((
            surveys::id,
            surveys::slug,
            survey_versions::id,
            survey_versions::version,
        ))
        .order_by((surveys::slug, survey_versions::version.desc()))
        .load(conn)?;
    let mut current: Vec<(SurveyId, String, VersionId, i32)> = Vec::new();
    for (survey, slug, version, number) in rows {
        if current.last().is_none_or(|(s, _, _, _)| s.0 != survey) {
            current.push((SurveyId(survey), slug, VersionId(version), number));
        }
    }
    Ok(current)
}

fn publish_once(
    conn: &mut AnyConnection,
    definition: &SurveyDefinition,
) -> Result<Published, DbError> {
    write_transaction(conn, |conn| publish_within(conn, definition))
}

/// [`publish`]'s work, inside a transaction the caller holds.
pub(super) fn publish_within(
    conn: &mut AnyConnection,
    definition: &SurveyDefinition,
) -> Result<Published, DbError> {
    let frozen = definition.to_frozen_json();
    let hash = crate::domain::token::sha256_hex(&frozen);
    let slug = definition.slug().as_str();
    {
        let existing: Option<i64> = surveys::table
            .filter(surveys::slug.eq(slug))
            .select(surveys::id)
            .first(conn)
            .optional()?;
        let survey_id = match existing {
            Some(id) => id,
            None => diesel::insert_into(surveys::table)
                .values((surveys::slug.eq(slug), surveys::created_at.eq(now())))
                .returning(surveys::id)
                .get_result(conn)?,
        };
        let latest: Option<(i64, i32, String)> = survey_versions::table
            .filter(survey_versions::survey_id.eq(survey_id))
            .order(survey_versions::version.desc())
            .select((
                survey_versions::id,
                survey_versions::version,
                survey_versions::content_hash,
            ))
            .first(conn)
            .optional()?;
        if let Some((id, version, latest_hash)) = &latest
            && *latest_hash == hash
        {
            return Ok(Published {
                survey: SurveyId(survey_id),
                version_id: VersionId(*id),
                version: *version,
                is_new: false,
            });
        }
        let version = latest.map_or(1, |(_, v, _)| v + 1);
        let id: i64 = diesel::insert_into(survey_versions::table)
            .values((
                survey_versions::survey_id.eq(survey_id),
                survey_versions::version.eq(version),
                survey_versions::definition.eq(&frozen),
                survey_versions::content_hash.eq(&hash),
                survey_versions::published_at.eq(now()),
            ))
            .returning(survey_versions::id)
            .get_result(conn)?;
        Ok(Published {
            survey: SurveyId(survey_id),
            version_id: VersionId(id),
            version,
            is_new: true,
        })
    }
}

/// A stored version's survey and definition, if it exists.
pub fn find_version(
    conn: &mut AnyConnection,
    version: VersionId,
) -> Result<Option<(SurveyId, i32, SurveyDefinition)>, DbError> {
    let row: Option<(i64, i32, String)> = survey_versions::table
        .find(version.0)
        .select((
            survey_versions::survey_id,
            survey_versions::version,
            survey_versions::definition,
        ))
        .first(conn)
        .optional()?;
    row.map(|(survey, number, json)| {
        SurveyDefinition::from_frozen_json(&format!("stored version {}", version.0), &json)
            .map(|def| (SurveyId(survey), number, def))
            .map_err(|e| DbError::Corrupt(e.to_string()))
    })
    .transpose()
}

/// A survey's latest version: its number and definition.
pub fn find_latest(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Option<(i32, SurveyDefinition)>, DbError> {
    let row: Option<(i32, String)> = survey_versions::table
        .filter(survey_versions::survey_id.eq(survey.0))
        .order(survey_versions::version.desc())
        .select((survey_versions::version, survey_versions::definition))
        .first(conn)
        .optional()?;
    row.map(|(number, json)| {
        SurveyDefinition::from_frozen_json(&format!("stored version {number}"), &json)
            .map(|def| (number, def))
            .map_err(|e| DbError::Corrupt(e.to_string()))
    })
    .transpose()
}

/// How many complete responses each version of a survey has, among those
/// matching every filter: (version id, version number, responses), oldest first.
pub fn count_per_version(
    conn: &mut AnyConnection,
    survey: SurveyId,
    filters: &[crate::domain::Filter],
) -> Result<Vec<(VersionId, i32, u64)>, DbError> {
    use super::schema::responses;
    let mut query = responses::table
        .inner_join(survey_versions::table)
        .filter(responses::survey_id.eq(survey.0))
        .group_by((survey_versions::id, survey_versions::version))
        .select((
            survey_versions::id,
            survey_versions::version,
            diesel::dsl::count_star(),
        ))
        .order_by(survey_versions::version)
        .into_boxed();
    for filter in filters {
        query = query.filter(super::responses_choosing!(responses::id, survey, filter));
    }
    let rows: Vec<(i64, i32, i64)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, number, n)| (VersionId(id), number, n.unsigned_abs()))
        .collect())
}

/// Every version of a survey: its id and number (1 for the first).
pub fn version_numbers(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<Vec<(VersionId, i32)>, DbError> {
    let rows: Vec<(i64, i32)> = survey_versions::table
        .filter(survey_versions::survey_id.eq(survey.0))
        .select((survey_versions::id, survey_versions::version))
        .order_by(survey_versions::version)
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, n)| (VersionId(id), n)).collect())
}

/// Version `number` (1 for the first) of a survey, if it was published.
pub fn find_version_number(
    conn: &mut AnyConnection,
    survey: SurveyId,
    number: i32,
) -> Result<Option<SurveyDefinition>, DbError> {
    let json: Option<String> = survey_versions::table
        .filter(survey_versions::survey_id.eq(survey.0))
        .filter(survey_versions::version.eq(number))
        .select(survey_versions::definition)
        .first(conn)
        .optional()?;
    json.map(|json| {
        SurveyDefinition::from_frozen_json(&format!("stored version {number}"), &json)
            .map_err(|e| DbError::Corrupt(e.to_string()))
    })
    .transpose()
}

/// The id of the survey with this slug, if it was ever published.
pub fn find_survey_id(conn: &mut AnyConnection, slug: &str) -> Result<Option<SurveyId>, DbError> {
    Ok(surveys::table
        .filter(surveys::slug.eq(slug))
        .select(surveys::id)
        .first(conn)
        .optional()?
        .map(SurveyId))
}

/// Records an administrator's decision for the survey `slug` (`None`:
/// follow the definition's dates again), replacing any earlier one, and
/// audits it, in one transaction: a decision is never stored unaudited.
pub fn set_control(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    control: Option<Control>,
    officer: OfficerId,
    at: chrono::NaiveDateTime,
) -> Result<(), DbError> {
    // Two administrators (or a double click) at once on PostgreSQL: both
    // delete, one insert wins, the other meets the primary key and tries
    // again, replacing it. The last decision stands.
    let mut tries = 0;
    loop {
        let outcome = write_transaction(conn, |conn| {
            diesel::delete(survey_controls::table.find(survey.0)).execute(conn)?;
            if let Some(control) = control {
                diesel::insert_into(survey_controls::table)
                    .values((
                        survey_controls::survey_id.eq(survey.0),
                        survey_controls::state.eq(control.as_str()),
                        survey_controls::officer_id.eq(officer.0),
                        survey_controls::changed_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            let state = control.map_or("dates", Control::as_str);
            super::audit::survey_change(
                conn,
                officer,
                slug,
                crate::domain::audit::AuditAction::State,
                &format!("set to {state}"),
                at,
            )?;
            Ok::<_, DbError>(())
        });
        match outcome {
            Err(e) if e.is_unique_violation() && tries < 3 => tries += 1,
            other => return other,
        }
    }
}

/// Every survey's standing decision, with the administrator's email.
pub fn load_controls(conn: &mut AnyConnection) -> Result<Vec<(SurveyId, ControlRecord)>, DbError> {
    let rows: Vec<(i64, String, String, chrono::NaiveDateTime)> = survey_controls::table
        .inner_join(officers::table)
        .select((
            survey_controls::survey_id,
            survey_controls::state,
            officers::email,
            survey_controls::changed_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(survey, state, by, at)| {
            let control = Control::parse(&state)
                .ok()
                .flatten()
                .ok_or_else(|| DbError::Corrupt(format!("survey {survey}: state {state:?}")))?;
            Ok((
                SurveyId(survey),
                ControlRecord {
                    control,
                    by,
                    at: at.and_utc(),
                },
            ))
        })
        .collect()
}
