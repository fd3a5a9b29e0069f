//! The builder's question and option handlers: add, change, move and
//! remove, each saved through the one validation path (the pure edits of
//! [`crate::domain::SurveyDefinition`]) and only if nobody saved the draft
//! since the form was read. Problems are shown at the fields their
//! [`Place`] names; what was typed comes back with them.
//!
//! Questions are in [`questions`], options in [`options`]; what both use
//! (reading a typed field, a move's direction, saving a change to a list)
//! is here.

mod options;
mod questions;

use questions::{QuestionContext, stored_question_form};

pub use options::{
    add_option, change_option, move_option, remove_option, show_add_option, show_option,
};
pub use questions::{
    add_question, change_question, move_question, remove_question, show_add_question, show_question,
};

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};

use super::auth::{BuilderPage, SignedIn};
use super::builder::{
    conflict, draft_gone_unsaved, expired_unsaved, find_draft, form_revision, in_form_order,
    render_draft, save,
};
use super::form::{Form, read_form};
use super::{AppState, html, redirect};
use crate::db::builder::{Saving, SurveyDraft};
use crate::domain::SurveyDefinition;
use crate::domain::definition::{
    Move, Place, Problem, RawCondition, RawKind, RawOption, RawQuestion, RawSpecify, Refused,
    option_id_for, options_from_lines,
};
use crate::error::AppError;
use crate::views::SummaryItem;
use crate::views::builder::Conflict;
use crate::views::editor::{
    self as view, OptionForm, OptionPage, QuestionForm, QuestionPage, show_if_choices,
};
use crate::{fields, paths};

/// "Max length is 3" → "Max length is 3": a message starts with a capital.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// An optional whole number typed into `field`, or the error at it.
fn whole_number(field: &str, value: &str, errors: &mut Vec<SummaryItem>) -> Option<i64> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match value.parse::<i64>() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(SummaryItem::at(
                field,
                "Enter a whole number, such as 3, or leave it empty",
            ));
            None
        }
    }
}

/// Text as typed: line breaks as LF, trimmed.
fn typed(form: &Form, name: &str) -> String {
    form.get(name)
        .unwrap_or_default()
        .replace("\r\n", "\n")
        .trim()
        .to_owned()
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

// Questions.

/// The stored question at `index`, as its form shows it.
/// The direction a move form posts, or `None`.
fn direction(form: &Form) -> Option<Move> {
    match form.get(fields::DIRECTION) {
        Some("up") => Some(Move::Up),
        Some("down") => Some(Move::Down),
        _ => None,
    }
}

/// What a move or removal form asks of a draft.
enum Change {
    MoveQuestion(usize, Move),
    RemoveQuestion(usize),
    MoveOption(usize, usize, Move),
    RemoveOption(usize, usize),
}

impl Change {
    fn apply(&self, def: &SurveyDefinition) -> Result<SurveyDefinition, Refused> {
        match *self {
            Change::MoveQuestion(i, way) => def.move_question(i, way),
            Change::RemoveQuestion(i) => def.without_question(i),
            Change::MoveOption(i, o, way) => def.move_option(i, o, way),
            Change::RemoveOption(i, o) => def.without_option(i, o),
        }
    }

    fn question(&self) -> usize {
        match *self {
            Change::MoveQuestion(i, _)
            | Change::RemoveQuestion(i)
            | Change::MoveOption(i, _, _)
            | Change::RemoveOption(i, _) => i,
        }
    }

    fn is_about_options(&self) -> bool {
        matches!(self, Change::MoveOption(..) | Change::RemoveOption(..))
    }
}

/// Applies a move or a removal, if the draft is as the form saw it; on a
/// refusal or a conflict, shows the page the button was on with why.
async fn change_list(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: String,
    who: SignedIn,
    payload: web::Payload,
    what: impl FnOnce(&SurveyDraft, &Form) -> Result<(Change, String), AppError>,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let form = read_form(&req, payload, state.max_form_bytes)
        .await
        .map_err(|e| {
            crate::error::Refusal::page(
                e.status(),
                crate::views::errors::error_page(
                    "Nothing was changed",
                    &[&e.message()],
                    Some((&paths::draft(&slug), "Back to the draft")),
                ),
            )
        })?;
    let revision = form_revision(&form, &slug, "Nothing was changed")?;
    let (change, described) = what(&draft, &form)?;
    let show = |draft: &SurveyDraft, status: StatusCode, message: String| {
        let errors = [SummaryItem::at("main-content", message)];
        if change.is_about_options() {
            let index = change.question();
            let page = QuestionContext {
                who: &who,
                draft,
                index: Some(index),
            };
            let form = stored_question_form(&draft.definition, index);
            page.render(status, &form, draft.revision, &errors, None)
        } else {
            render_draft(&who, draft, status, &errors)
        }
    };
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(show(
            &draft,
            StatusCode::FORBIDDEN,
            "This page had expired, so nothing was changed. Try again".to_owned(),
        ));
    }
    if revision != draft.revision {
        return Ok(show(
            &draft,
            StatusCode::CONFLICT,
            format!(
                "{} saved this draft after you opened the page, so nothing was changed. This is the draft as it is now: check it and try again",
                draft.updated_by
            ),
        ));
    }
    let definition = match change.apply(&draft.definition) {
        Ok(definition) => definition,
        Err(Refused(why)) => return Ok(show(&draft, StatusCode::UNPROCESSABLE_ENTITY, why)),
    };
    let saved = save(&state, &who, &slug, revision, definition, described).await?;
    let back = if change.is_about_options() {
        paths::draft_question(
            &slug,
            draft.definition.questions()[change.question()]
                .id()
                .as_str(),
        )
    } else {
        paths::draft(&slug)
    };
    match saved {
        Saving::Saved(_) => Ok(redirect(&back)),
        Saving::Stale(Some(now)) => Ok(show(
            &now,
            StatusCode::CONFLICT,
            format!(
                "{} saved this draft just before you, so nothing was changed. This is the draft as it is now: check it and try again",
                now.updated_by
            ),
        )),
        Saving::Stale(None) => Err(AppError::NotFound),
    }
}

fn bad_direction() -> AppError {
    AppError::Refused(crate::error::Refusal::page(
        StatusCode::BAD_REQUEST,
        crate::views::errors::error_page(
            "Nothing was moved",
            &[
                "The form did not say which way to move. Go back and use the Move up or Move down button.",
            ],
            None,
        ),
    ))
}

/// The index of question `id` in the draft, or 404.
fn question_index(draft: &SurveyDraft, id: &str) -> Result<usize, AppError> {
    draft
        .definition
        .question_index(id)
        .ok_or(AppError::NotFound)
}
