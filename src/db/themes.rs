//! Free-text themes: each question's themes, which answers have which
//! (and who gave it, when), coding a page of answers, coding every answer
//! a search finds, and the counts per theme with their bases. Every change
//! is one transaction with its audit entry (which names themes and counts,
//! never an answer).

use std::collections::BTreeSet;

use diesel::prelude::*;

use super::responses::free_texts;
use super::schema::{answers, text_themes, theme_assignments};
use super::{AnyConnection, DbError, audit, now, responses_choosing, write_transaction};
use crate::domain::audit::AuditAction;
use crate::domain::themes::{Theme, ThemeName};
use crate::domain::{Filter, OfficerId, SurveyId};
use crate::stats::themes::ThemeTable;

/// What became of adding a theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum NewTheme {
    Added,
    /// The question already has a theme of that name; nothing changed.
    Duplicate,
}

/// The question's themes, by name.
pub fn list(
    conn: &mut AnyConnection,
    survey: SurveyId,
    question: &str,
) -> Result<Vec<Theme>, DbError> {
    let rows: Vec<(i64, String)> = text_themes::table
        .filter(text_themes::survey_id.eq(survey.0))
        .filter(text_themes::question_id.eq(question))
        .order_by(text_themes::name_key)
        .select((text_themes::id, text_themes::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Theme { id, name })
        .collect())
}

/// The questions of the survey that have at least one theme: one query, so
/// a results view of a survey with no themes costs no more than that.
pub fn questions_with_themes(
    conn: &mut AnyConnection,
    survey: SurveyId,
) -> Result<BTreeSet<String>, DbError> {
    Ok(text_themes::table
        .filter(text_themes::survey_id.eq(survey.0))
        .select(text_themes::question_id)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect())
}

/// Adds a theme to the question, and audits it.
pub fn create(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    question: &str,
    name: &ThemeName,
    by: OfficerId,
) -> Result<NewTheme, DbError> {
    let at = now();
    let outcome = write_transaction(conn, |conn| {
        let taken: i64 = text_themes::table
            .filter(text_themes::survey_id.eq(survey.0))
            .filter(text_themes::question_id.eq(question))
            .filter(text_themes::name_key.eq(name.key()))
            .count()
            .get_result(conn)?;
        if taken > 0 {
            return Ok(NewTheme::Duplicate);
        }
        diesel::insert_into(text_themes::table)
            .values((
                text_themes::survey_id.eq(survey.0),
                text_themes::question_id.eq(question),
                text_themes::name.eq(name.as_str()),
                text_themes::name_key.eq(name.key()),
                text_themes::created_by.eq(by.0),
                text_themes::created_at.eq(at),
            ))
            .execute(conn)?;
        audit::survey_change(
            conn,
            by,
            slug,
            AuditAction::Themes,
            &format!(
                "added the theme \u{201c}{}\u{201d} to question {question}",
                name.as_str()
            ),
            at,
        )?;
        Ok::<_, DbError>(NewTheme::Added)
    });
    match outcome {
        // Two officers adding the same name at once: the second finds it taken.
        Err(e) if e.is_unique_violation() => Ok(NewTheme::Duplicate),
        other => other,
    }
}

/// Which of `responses` have which of `themes`, as (response, theme).
pub fn assigned(
    conn: &mut AnyConnection,
    themes: &[i64],
    responses: &[i64],
) -> Result<Vec<(i64, i64)>, DbError> {
    if themes.is_empty() || responses.is_empty() {
        return Ok(Vec::new());
    }
    Ok(theme_assignments::table
        .filter(theme_assignments::theme_id.eq_any(themes))
        .filter(theme_assignments::response_id.eq_any(responses))
        .select((theme_assignments::response_id, theme_assignments::theme_id))
        .load(conn)?)
}

/// A page of coding as the officer sent it: the (response, theme) pairs
/// the page was rendered with, and the pairs ticked when it was saved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coding {
    pub before: BTreeSet<(i64, i64)>,
    pub after: BTreeSet<(i64, i64)>,
}

/// Applies what the officer changed on one page of answers: the ticks
/// added are given, the ticks taken away are removed, and nothing else is
/// touched (so themes added, or answers coded by someone else, since the
/// page was rendered stay as they are). Only the question's themes and
/// responses with free text to it count; anything else in the form is
/// ignored. Returns how many were given and taken away; audits a change.
pub fn save_coding(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    question: &str,
    options: &[String],
    by: OfficerId,
    coding: &Coding,
) -> Result<(usize, usize), DbError> {
    let at = now();
    let named: BTreeSet<i64> = coding
        .before
        .iter()
        .chain(&coding.after)
        .map(|(response, _)| *response)
        .collect();
    write_transaction(conn, |conn| {
        let themes: BTreeSet<i64> = list(conn, survey, question)?
            .into_iter()
            .map(|t| t.id)
            .collect();
        let named: Vec<i64> = named.into_iter().collect();
        let answered: BTreeSet<i64> = free_texts!(survey, question, options, &[] as &[Filter], "")
            .filter(answers::response_id.eq_any(&named))
            .select(answers::response_id)
            .load::<i64>(conn)?
            .into_iter()
            .collect();
        let valid =
            |(response, theme): &&(i64, i64)| answered.contains(response) && themes.contains(theme);
        let theme_ids: Vec<i64> = themes.iter().copied().collect();
        let existing: BTreeSet<(i64, i64)> =
            assigned(conn, &theme_ids, &named)?.into_iter().collect();
        let removed: Vec<(i64, i64)> = coding
            .before
            .difference(&coding.after)
            .filter(valid)
            .filter(|pair| existing.contains(pair))
            .copied()
            .collect();
        let added: Vec<(i64, i64)> = coding
            .after
            .difference(&coding.before)
            .filter(valid)
            .filter(|pair| !existing.contains(pair))
            .copied()
            .collect();
        for (response, theme) in &removed {
            diesel::delete(theme_assignments::table.find((*theme, *response))).execute(conn)?;
        }
        for (response, theme) in &added {
            diesel::insert_into(theme_assignments::table)
                .values((
                    theme_assignments::theme_id.eq(*theme),
                    theme_assignments::response_id.eq(*response),
                    theme_assignments::assigned_by.eq(by.0),
                    theme_assignments::assigned_at.eq(at),
                ))
                .execute(conn)?;
        }
        if !added.is_empty() || !removed.is_empty() {
            audit::survey_change(
                conn,
                by,
                slug,
                AuditAction::Themes,
                &format!(
                    "coded answers to question {question}: {} themes given, {} taken away",
                    added.len(),
                    removed.len()
                ),
                at,
            )?;
        }
        Ok((added.len(), removed.len()))
    })
}

/// The responses whose free text to the question (under `options`) matches
/// every filter and contains `search` (any answer with text when empty).
fn matching_responses(
    conn: &mut AnyConnection,
    survey: SurveyId,
    question: &str,
    options: &[String],
    filters: &[Filter],
    search: &str,
) -> Result<Vec<i64>, DbError> {
    Ok(
        super::responses::free_texts!(survey, question, options, filters, search)
            .select(answers::response_id)
            .distinct()
            .load(conn)?,
    )
}

/// Gives `theme` to every answer the search finds (in the filters), those
/// that have it already kept as they were. Returns how many were added.
#[expect(clippy::too_many_arguments, reason = "one business operation's inputs")]
pub fn assign_matching(
    conn: &mut AnyConnection,
    survey: SurveyId,
    slug: &str,
    question: &str,
    options: &[String],
    theme: &Theme,
    filters: &[Filter],
    search: &str,
    by: OfficerId,
) -> Result<usize, DbError> {
    let at = now();
    write_transaction(conn, |conn| {
        let found = matching_responses(conn, survey, question, options, filters, search)?;
        // In chunks: a broad search can find more answers than one
        // statement may bind.
        let mut has = BTreeSet::new();
        for chunk in found.chunks(1000) {
            has.extend(
                assigned(conn, &[theme.id], chunk)?
                    .into_iter()
                    .map(|(response, _)| response),
            );
        }
        let new: Vec<i64> = found.into_iter().filter(|r| !has.contains(r)).collect();
        // One statement per row: diesel's MultiConnection has no batch
        // insert. One transaction keeps it to one commit.
        for response in &new {
            diesel::insert_into(theme_assignments::table)
                .values((
                    theme_assignments::theme_id.eq(theme.id),
                    theme_assignments::response_id.eq(*response),
                    theme_assignments::assigned_by.eq(by.0),
                    theme_assignments::assigned_at.eq(at),
                ))
                .execute(conn)?;
        }
        if !new.is_empty() {
            audit::survey_change(
                conn,
                by,
                slug,
                AuditAction::Themes,
                &format!(
                    "gave the theme \u{201c}{}\u{201d} to {} answers to question {question} found by a search",
                    theme.name,
                    new.len()
                ),
                at,
            )?;
        }
        Ok(new.len())
    })
}

/// The question's theme table: its answers (rows under `options`, with
/// their text or with it deleted under retention), how many are coded, and
/// each theme's count, all among the responses matching the filters.
pub fn counts(
    conn: &mut AnyConnection,
    survey: SurveyId,
    question: &str,
    options: &[String],
    filters: &[Filter],
) -> Result<ThemeTable, DbError> {
    let themes = list(conn, survey, question)?;
    let mut answered = answers::table
        .filter(answers::survey_id.eq(survey.0))
        .filter(answers::question_id.eq(question))
        .filter(answers::option_id.eq_any(options))
        .select(answers::response_id)
        .distinct()
        .into_boxed();
    for filter in filters {
        answered = answered.filter(responses_choosing!(answers::response_id, survey, filter));
    }
    let answered: BTreeSet<i64> = answered.load::<i64>(conn)?.into_iter().collect();
    let ids: Vec<i64> = themes.iter().map(|t| t.id).collect();
    let pairs: Vec<(i64, i64)> = if ids.is_empty() {
        Vec::new()
    } else {
        theme_assignments::table
            .filter(theme_assignments::theme_id.eq_any(&ids))
            .select((theme_assignments::response_id, theme_assignments::theme_id))
            .load(conn)?
    };
    let pairs: Vec<(i64, i64)> = pairs
        .into_iter()
        .filter(|(r, _)| answered.contains(r))
        .collect();
    let coded: BTreeSet<i64> = pairs.iter().map(|(r, _)| *r).collect();
    let per_theme = themes
        .into_iter()
        .map(|t| {
            let n = pairs.iter().filter(|(_, theme)| *theme == t.id).count();
            (t.name, n as u64)
        })
        .collect();
    Ok(ThemeTable::new(
        question,
        answered.len() as u64,
        coded.len() as u64,
        per_theme,
    ))
}
