//! The builder's question and option handlers: add, change, move and
//! remove, each saved through the one validation path (the pure edits of
//! [`crate::domain::SurveyDefinition`]) and only if nobody saved the draft
//! since the form was read. Problems are shown at the fields their
//! [`Place`] names; what was typed comes back with them.

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
fn stored_question_form(def: &SurveyDefinition, index: usize) -> QuestionForm {
    let Some(raw) = def.raw().questions.get(index) else {
        return QuestionForm::default();
    };
    let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    QuestionForm {
        id: raw.id.clone(),
        kind: match raw.kind {
            RawKind::Single => "single",
            RawKind::Multiple => "multiple",
            RawKind::Scale => "scale",
            RawKind::Text => "text",
        }
        .to_owned(),
        title: raw.title.clone(),
        hint: raw.hint.clone().unwrap_or_default(),
        short_label: raw.short_label.clone().unwrap_or_default(),
        chart_title: raw.chart_title.clone().unwrap_or_default(),
        required: raw.required,
        required_message: raw.required_message.clone().unwrap_or_default(),
        demographic: raw.demographic,
        max_selections: number(raw.max_selections),
        positive: number(raw.positive),
        max_length: number(raw.max_length),
        show_if: raw
            .show_if
            .as_ref()
            .map(|c| format!("{}:{}", c.question, c.option))
            .unwrap_or_default(),
        options: String::new(),
    }
}

fn typed_question(form: &Form) -> QuestionForm {
    QuestionForm {
        id: typed(form, fields::QUESTION_ID),
        kind: typed(form, fields::KIND),
        title: typed(form, fields::TITLE),
        hint: typed(form, fields::HINT),
        short_label: typed(form, fields::SHORT_LABEL),
        chart_title: typed(form, fields::CHART_TITLE),
        required: form.get(fields::REQUIRED).is_some(),
        required_message: typed(form, fields::REQUIRED_MESSAGE),
        demographic: form.get(fields::DEMOGRAPHIC).is_some(),
        max_selections: typed(form, fields::MAX_SELECTIONS),
        positive: typed(form, fields::POSITIVE),
        max_length: typed(form, fields::MAX_LENGTH),
        show_if: typed(form, fields::SHOW_IF),
        options: typed(form, fields::OPTIONS),
    }
}

/// The question as the file format holds it, or the errors of fields that
/// are not even the right shape. A question that has options keeps them
/// (they are changed on their own pages); one without takes those typed one
/// per line.
fn raw_question(
    typed: &QuestionForm,
    stored_options: &[RawOption],
    errors: &mut Vec<SummaryItem>,
) -> Option<RawQuestion> {
    let kind = match typed.kind.as_str() {
        "single" => Some(RawKind::Single),
        "multiple" => Some(RawKind::Multiple),
        "scale" => Some(RawKind::Scale),
        "text" => Some(RawKind::Text),
        _ => {
            errors.push(SummaryItem::at(fields::KIND, "Choose the kind of answer"));
            None
        }
    };
    let max_selections = whole_number(fields::MAX_SELECTIONS, &typed.max_selections, errors);
    let positive = whole_number(fields::POSITIVE, &typed.positive, errors);
    let max_length = whole_number(fields::MAX_LENGTH, &typed.max_length, errors);
    let show_if = match typed.show_if.split_once(':') {
        _ if typed.show_if.is_empty() => None,
        Some((question, option)) => Some(RawCondition {
            question: question.to_owned(),
            option: option.to_owned(),
        }),
        None => {
            errors.push(SummaryItem::at(
                fields::SHOW_IF,
                "Choose when to ask it from the list",
            ));
            None
        }
    };
    let kind = kind?;
    let options = if !stored_options.is_empty() {
        stored_options.to_vec()
    } else if kind == RawKind::Text {
        Vec::new()
    } else {
        options_from_lines(&typed.options)
    };
    Some(RawQuestion {
        id: typed.id.clone(),
        kind,
        title: typed.title.clone(),
        short_label: optional(&typed.short_label),
        chart_title: optional(&typed.chart_title),
        hint: optional(&typed.hint),
        required: typed.required,
        demographic: typed.demographic,
        required_message: optional(&typed.required_message),
        // Settings of other kinds are not the question's: ignored.
        max_selections: max_selections.filter(|_| kind == RawKind::Multiple),
        positive: positive.filter(|_| kind == RawKind::Scale),
        max_length: max_length.filter(|_| kind == RawKind::Text),
        show_if,
        options,
    })
}

/// A problem of the one validation path, at the question form's field.
fn question_error(problem: &Problem, index: usize, has_options: bool) -> SummaryItem {
    if problem.question_index() != Some(index) {
        return SummaryItem::at("main-content", sentence(&problem.to_string()));
    }
    let m = problem.message.as_str();
    let (field, message) = match &problem.place {
        Place::Question { field, .. } => match *field {
            "id" if m == "duplicate question id" => (
                fields::QUESTION_ID,
                "Another question already has this id: choose another".to_owned(),
            ),
            "id" if m.starts_with("the id cannot change") => (fields::QUESTION_ID, sentence(m)),
            "id" => (
                fields::QUESTION_ID,
                format!(
                    "Enter an id of lower-case letters, digits and hyphens, such as feel-safe (it {})",
                    m.trim_start_matches("id: ")
                ),
            ),
            "title" if m.ends_with("must not be empty") => {
                (fields::TITLE, "Enter the question".to_owned())
            }
            "title" => (fields::TITLE, sentence(&m.replace("title", "the question"))),
            "short_label" => (fields::SHORT_LABEL, sentence(&m.replace("short_label", "the short label"))),
            "chart_title" => (fields::CHART_TITLE, sentence(&m.replace("chart_title", "the chart title"))),
            "hint" => (fields::HINT, sentence(&m.replace("hint", "the hint"))),
            "required_message" => (fields::REQUIRED_MESSAGE, sentence(&m.replace("required_message", "the message"))),
            "options" if m.contains("text question has no options") => (
                fields::KIND,
                "A free-text question has no options: remove its options first, or choose another kind".to_owned(),
            ),
            "options" if !has_options => (
                fields::OPTIONS,
                if m.contains("at least two") {
                    "Enter at least two options, one per line".to_owned()
                } else {
                    sentence(m)
                },
            ),
            "options" => (fields::OPTIONS, sentence(m)),
            "max_selections" => (
                fields::MAX_SELECTIONS,
                sentence(&m.replace("max_selections", "the most answers")),
            ),
            "positive" => (
                fields::POSITIVE,
                sentence(&m.replace("positive is", "the positive end is")),
            ),
            "max_length" if m.contains("needs max_length") => (
                fields::MAX_LENGTH,
                "Enter the longest answer a resident may type, such as 500".to_owned(),
            ),
            "max_length" => (
                fields::MAX_LENGTH,
                sentence(&m.replace("max_length", "the longest answer")),
            ),
            "demographic" => (
                fields::DEMOGRAPHIC,
                "A free-text question cannot be about the respondent: untick it, or choose another kind".to_owned(),
            ),
            "show_if" => (
                fields::SHOW_IF,
                format!("Choose an answer to an earlier question ({m})"),
            ),
            "required" => (
                fields::REQUIRED,
                "A follow-up question cannot be required: untick it, or choose to ask it always"
                    .to_owned(),
            ),
            _ => (fields::TITLE, sentence(m)),
        },
        _ => (fields::OPTIONS, sentence(&problem.to_string())),
    };
    SummaryItem::at(field, message)
}

/// The order of the question form's fields, for its error summary.
const QUESTION_ORDER: [&str; 14] = [
    fields::TITLE,
    fields::QUESTION_ID,
    fields::KIND,
    fields::MAX_SELECTIONS,
    fields::POSITIVE,
    fields::MAX_LENGTH,
    fields::OPTIONS,
    fields::HINT,
    fields::SHORT_LABEL,
    fields::CHART_TITLE,
    fields::SHOW_IF,
    fields::REQUIRED,
    fields::REQUIRED_MESSAGE,
    fields::DEMOGRAPHIC,
];

struct QuestionContext<'a> {
    who: &'a SignedIn,
    draft: &'a SurveyDraft,
    index: Option<usize>,
}

impl QuestionContext<'_> {
    fn render(
        &self,
        status: StatusCode,
        form: &QuestionForm,
        revision: i32,
        errors: &[SummaryItem],
        conflict: Option<&Conflict>,
    ) -> HttpResponse {
        let def = &self.draft.definition;
        let choices = show_if_choices(def, self.index);
        html(
            status,
            view::question_page(
                &self.who.viewer(),
                &QuestionPage {
                    slug: def.slug().as_str(),
                    stored: self.index.and_then(|i| def.questions().get(i)),
                    form,
                    revision,
                    show_if: &choices,
                    errors,
                    conflict,
                },
            ),
        )
    }
}

/// The index of question `id` in the draft, or 404.
fn question_index(draft: &SurveyDraft, id: &str) -> Result<usize, AppError> {
    draft
        .definition
        .question_index(id)
        .ok_or(AppError::NotFound)
}

/// GET `/admin/drafts/{slug}/add-question`.
pub async fn show_add_question(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let form = QuestionForm {
        kind: "single".to_owned(),
        ..QuestionForm::default()
    };
    let page = QuestionContext {
        who: &who,
        draft: &draft,
        index: None,
    };
    Ok(page.render(StatusCode::OK, &form, draft.revision, &[], None))
}

/// GET `/admin/drafts/{slug}/questions/{question}`.
pub async fn show_question(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let (slug, question) = path.into_inner();
    let draft = find_draft(&state, &slug).await?;
    let index = question_index(&draft, &question)?;
    let form = stored_question_form(&draft.definition, index);
    let page = QuestionContext {
        who: &who,
        draft: &draft,
        index: Some(index),
    };
    Ok(page.render(StatusCode::OK, &form, draft.revision, &[], None))
}

/// POST `/admin/drafts/{slug}/add-question`.
pub async fn add_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    who: BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    save_question(state, req, slug.into_inner(), None, who, payload).await
}

/// POST `/admin/drafts/{slug}/questions/{question}`.
pub async fn change_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    who: BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question) = path.into_inner();
    save_question(state, req, slug, Some(question), who, payload).await
}

async fn save_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: String,
    question: Option<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let index = match &question {
        Some(id) => Some(question_index(&draft, id)?),
        None => None,
    };
    let page = QuestionContext {
        who: &who,
        draft: &draft,
        index,
    };
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let stored = index.map_or_else(QuestionForm::default, |i| {
                stored_question_form(&draft.definition, i)
            });
            let errors = [SummaryItem::at("main-content", e.message())];
            return Ok(page.render(e.status(), &stored, draft.revision, &errors, None));
        }
    };
    let typed_form = typed_question(&form);
    let revision = form_revision(&form, &slug, "The question was not saved")?;
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(page.render(
            StatusCode::FORBIDDEN,
            &typed_form,
            revision,
            &expired_unsaved(),
            None,
        ));
    }
    let stored_options = index
        .and_then(|i| draft.definition.raw().questions.get(i))
        .map(|q| q.options.clone())
        .unwrap_or_default();
    let mut errors = Vec::new();
    let raw = raw_question(&typed_form, &stored_options, &mut errors);
    let checked = raw.map(|raw| draft.definition.with_question(index, raw));
    let position = index.unwrap_or(draft.definition.questions().len());
    if let Some(Err(problems)) = &checked {
        errors.extend(
            problems
                .problems
                .iter()
                .map(|p| question_error(p, position, !stored_options.is_empty())),
        );
    }
    in_form_order(&mut errors, &QUESTION_ORDER);
    errors.dedup_by(|a, b| a.href == b.href && a.href != "#main-content");
    let definition = match checked {
        Some(Ok(definition)) if errors.is_empty() => definition,
        _ => {
            return Ok(page.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &typed_form,
                revision,
                &errors,
                None,
            ));
        }
    };
    let change = match &question {
        Some(id) => format!("changed question {id}"),
        None => format!("added question {}", typed_form.id),
    };
    let saved = save(&state, &who, &slug, revision, definition, change).await?;
    match saved {
        Saving::Saved(_) => Ok(redirect(&paths::draft(&slug))),
        Saving::Stale(None) => Ok(page.render(
            StatusCode::CONFLICT,
            &typed_form,
            revision,
            &draft_gone_unsaved(),
            None,
        )),
        Saving::Stale(Some(now)) => {
            let theirs = question
                .as_deref()
                .and_then(|id| now.definition.question_index(id))
                .map_or_else(QuestionForm::default, |i| {
                    stored_question_form(&now.definition, i)
                });
            let mut notice = conflict(&now, theirs.fields(), typed_form.fields());
            notice
                .differences
                .retain(|(label, _, _)| *label != "Options" || stored_options.is_empty());
            Ok(page.render(
                StatusCode::CONFLICT,
                &typed_form,
                now.revision,
                &[],
                Some(&notice),
            ))
        }
    }
}

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

/// POST `/admin/drafts/{slug}/questions/{question}/move`.
pub async fn move_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question) = path.into_inner();
    change_list(state, req, slug, who, payload, move |draft, form| {
        let index = question_index(draft, &question)?;
        let way = direction(form).ok_or_else(bad_direction)?;
        let word = if way == Move::Up { "up" } else { "down" };
        Ok((
            Change::MoveQuestion(index, way),
            format!("moved question {question} {word}"),
        ))
    })
    .await
}

/// POST `/admin/drafts/{slug}/questions/{question}/remove`.
pub async fn remove_question(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question) = path.into_inner();
    change_list(state, req, slug, who, payload, move |draft, _| {
        let index = question_index(draft, &question)?;
        Ok((
            Change::RemoveQuestion(index),
            format!("removed question {question}"),
        ))
    })
    .await
}

/// The indexes of question `question` and its option `option`, or 404.
fn option_index(
    draft: &SurveyDraft,
    question: &str,
    option: &str,
) -> Result<(usize, usize), AppError> {
    let index = question_index(draft, question)?;
    let at = draft.definition.questions()[index]
        .options()
        .iter()
        .position(|o| o.id().as_str() == option)
        .ok_or(AppError::NotFound)?;
    Ok((index, at))
}

/// POST `/admin/drafts/{slug}/questions/{question}/options/{option}/move`.
pub async fn move_option(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question, option) = path.into_inner();
    change_list(state, req, slug, who, payload, move |draft, form| {
        let (index, at) = option_index(draft, &question, &option)?;
        let way = direction(form).ok_or_else(bad_direction)?;
        let word = if way == Move::Up { "up" } else { "down" };
        Ok((
            Change::MoveOption(index, at, way),
            format!("moved option {option} of question {question} {word}"),
        ))
    })
    .await
}

/// POST `/admin/drafts/{slug}/questions/{question}/options/{option}/remove`.
pub async fn remove_option(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question, option) = path.into_inner();
    change_list(state, req, slug, who, payload, move |draft, _| {
        let (index, at) = option_index(draft, &question, &option)?;
        Ok((
            Change::RemoveOption(index, at),
            format!("removed option {option} of question {question}"),
        ))
    })
    .await
}

// Options.

fn stored_option_form(raw: &RawOption) -> OptionForm {
    OptionForm {
        id: raw.id.clone(),
        label: raw.label.clone(),
        hint: raw.hint.clone().unwrap_or_default(),
        unscored: raw.unscored,
        specify_label: raw
            .specify
            .as_ref()
            .map(|s| s.label.clone())
            .unwrap_or_default(),
        specify_length: raw
            .specify
            .as_ref()
            .map(|s| s.max_length.to_string())
            .unwrap_or_default(),
    }
}

fn typed_option(form: &Form) -> OptionForm {
    OptionForm {
        id: typed(form, fields::OPTION_ID),
        label: typed(form, fields::LABEL),
        hint: typed(form, fields::HINT),
        unscored: form.get(fields::UNSCORED).is_some(),
        specify_label: typed(form, fields::SPECIFY_LABEL),
        specify_length: typed(form, fields::SPECIFY_LENGTH),
    }
}

/// The option as the file format holds it. A new option without an id
/// takes one made from its label, unique within the question.
fn raw_option(
    typed: &OptionForm,
    siblings: &[RawOption],
    adding: bool,
    errors: &mut Vec<SummaryItem>,
) -> RawOption {
    let id = if typed.id.is_empty() && adding {
        option_id_for(&typed.label, |id| siblings.iter().any(|o| o.id == id))
    } else {
        typed.id.clone()
    };
    let length = whole_number(fields::SPECIFY_LENGTH, &typed.specify_length, errors);
    let specify = match (typed.specify_label.is_empty(), length) {
        (true, None) if typed.specify_length.is_empty() => None,
        (true, _) => {
            errors.push(SummaryItem::at(
                fields::SPECIFY_LABEL,
                "Enter the box's label, such as Please specify, or leave both empty",
            ));
            None
        }
        (false, None) => {
            if typed.specify_length.is_empty() {
                errors.push(SummaryItem::at(
                    fields::SPECIFY_LENGTH,
                    "Enter the longest answer the box takes, such as 100",
                ));
            }
            None
        }
        (false, Some(max_length)) => Some(RawSpecify {
            label: typed.specify_label.clone(),
            max_length,
        }),
    };
    RawOption {
        id,
        label: typed.label.clone(),
        hint: optional(&typed.hint),
        specify,
        unscored: typed.unscored,
    }
}

/// A problem of the one validation path, at the option form's field.
fn option_error(problem: &Problem, index: usize, at: usize) -> SummaryItem {
    let m = problem.message.as_str();
    let (field, message) = match &problem.place {
        Place::Option {
            index: i,
            option,
            field,
            ..
        } if *i == index && *option == at => match *field {
            "id" if m == "duplicate option id" => (
                fields::OPTION_ID,
                "Another option of this question already has this id: choose another".to_owned(),
            ),
            "id" => (
                fields::OPTION_ID,
                format!(
                    "Enter an id of lower-case letters, digits and hyphens, such as very-safe (it {m})"
                ),
            ),
            "label" if m.ends_with("must not be empty") => {
                (fields::LABEL, "Enter the label".to_owned())
            }
            "label" => (fields::LABEL, sentence(&m.replace("label", "the label"))),
            "hint" => (fields::HINT, sentence(&m.replace("hint", "the hint"))),
            "specify" if m.contains("label is too long") => (
                fields::SPECIFY_LABEL,
                sentence(&m.replace("specify", "the box's label")),
            ),
            "specify" if m.contains("max_length") => (
                fields::SPECIFY_LENGTH,
                sentence(&m.replace("specify.max_length", "the longest answer")),
            ),
            "specify" => (fields::SPECIFY_LABEL, sentence(m)),
            "unscored" => (fields::UNSCORED, sentence(m)),
            _ => (fields::LABEL, sentence(m)),
        },
        Place::Question {
            index: i, field, ..
        } if *i == index && *field == "options" => (fields::UNSCORED, sentence(m)),
        _ => ("main-content", sentence(&problem.to_string())),
    };
    SummaryItem::at(field, message)
}

const OPTION_ORDER: [&str; 6] = [
    fields::LABEL,
    fields::OPTION_ID,
    fields::HINT,
    fields::UNSCORED,
    fields::SPECIFY_LABEL,
    fields::SPECIFY_LENGTH,
];

struct OptionContext<'a> {
    who: &'a SignedIn,
    draft: &'a SurveyDraft,
    index: usize,
    at: Option<usize>,
}

impl OptionContext<'_> {
    fn render(
        &self,
        status: StatusCode,
        form: &OptionForm,
        revision: i32,
        errors: &[SummaryItem],
        conflict: Option<&Conflict>,
    ) -> HttpResponse {
        let def = &self.draft.definition;
        let question = &def.questions()[self.index];
        html(
            status,
            view::option_page(
                &self.who.viewer(),
                &OptionPage {
                    slug: def.slug().as_str(),
                    question,
                    stored: self
                        .at
                        .and_then(|o| question.options().get(o))
                        .map(|o| o.id().as_str()),
                    form,
                    revision,
                    errors,
                    conflict,
                },
            ),
        )
    }
}

/// GET `/admin/drafts/{slug}/questions/{question}/add-option`.
pub async fn show_add_option(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let (slug, question) = path.into_inner();
    let draft = find_draft(&state, &slug).await?;
    let index = question_index(&draft, &question)?;
    if draft.definition.questions()[index].options().is_empty() {
        // A free-text question has no options.
        return Err(AppError::NotFound);
    }
    let page = OptionContext {
        who: &who,
        draft: &draft,
        index,
        at: None,
    };
    Ok(page.render(
        StatusCode::OK,
        &OptionForm::default(),
        draft.revision,
        &[],
        None,
    ))
}

/// GET `/admin/drafts/{slug}/questions/{question}/options/{option}`.
pub async fn show_option(
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let (slug, question, option) = path.into_inner();
    let draft = find_draft(&state, &slug).await?;
    let (index, at) = option_index(&draft, &question, &option)?;
    let form = stored_option_form(&draft.definition.raw().questions[index].options[at]);
    let page = OptionContext {
        who: &who,
        draft: &draft,
        index,
        at: Some(at),
    };
    Ok(page.render(StatusCode::OK, &form, draft.revision, &[], None))
}

/// POST `/admin/drafts/{slug}/questions/{question}/add-option`.
pub async fn add_option(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String)>,
    who: BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question) = path.into_inner();
    save_option(state, req, slug, question, None, who, payload).await
}

/// POST `/admin/drafts/{slug}/questions/{question}/options/{option}`.
pub async fn change_option(
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<(String, String, String)>,
    who: BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let (slug, question, option) = path.into_inner();
    save_option(state, req, slug, question, Some(option), who, payload).await
}

async fn save_option(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: String,
    question: String,
    option: Option<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let (index, at) = match &option {
        Some(o) => {
            let (index, at) = option_index(&draft, &question, o)?;
            (index, Some(at))
        }
        None => (question_index(&draft, &question)?, None),
    };
    let siblings = draft.definition.raw().questions[index].options.clone();
    if siblings.is_empty() {
        return Err(AppError::NotFound);
    }
    let page = OptionContext {
        who: &who,
        draft: &draft,
        index,
        at,
    };
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let stored = at.map_or_else(OptionForm::default, |o| stored_option_form(&siblings[o]));
            let errors = [SummaryItem::at("main-content", e.message())];
            return Ok(page.render(e.status(), &stored, draft.revision, &errors, None));
        }
    };
    let typed_form = typed_option(&form);
    let revision = form_revision(&form, &slug, "The option was not saved")?;
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(page.render(
            StatusCode::FORBIDDEN,
            &typed_form,
            revision,
            &expired_unsaved(),
            None,
        ));
    }
    let mut errors = Vec::new();
    let raw = raw_option(&typed_form, &siblings, at.is_none(), &mut errors);
    let new_id = raw.id.clone();
    let checked = draft.definition.with_option(index, at, raw);
    if let Err(problems) = &checked {
        let position = at.unwrap_or(siblings.len());
        errors.extend(
            problems
                .problems
                .iter()
                .map(|p| option_error(p, index, position)),
        );
    }
    in_form_order(&mut errors, &OPTION_ORDER);
    errors.dedup_by(|a, b| a.href == b.href && a.href != "#main-content");
    let definition = match checked {
        Ok(definition) if errors.is_empty() => definition,
        _ => {
            return Ok(page.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &typed_form,
                revision,
                &errors,
                None,
            ));
        }
    };
    let change = match &option {
        Some(o) => format!("changed option {o} of question {question}"),
        None => format!("added option {new_id} to question {question}"),
    };
    let saved = save(&state, &who, &slug, revision, definition, change).await?;
    match saved {
        Saving::Saved(_) => Ok(redirect(&paths::draft_question(&slug, &question))),
        Saving::Stale(None) => Ok(page.render(
            StatusCode::CONFLICT,
            &typed_form,
            revision,
            &draft_gone_unsaved(),
            None,
        )),
        Saving::Stale(Some(now)) => {
            let theirs = option
                .as_deref()
                .and_then(|o| option_index(&now, &question, o).ok())
                .map_or_else(OptionForm::default, |(i, o)| {
                    stored_option_form(&now.definition.raw().questions[i].options[o])
                });
            let notice = conflict(&now, theirs.fields(), typed_form.fields());
            // The page shows the question as it is now, if it still has it.
            let Ok(index) = question_index(&now, &question) else {
                return Ok(render_draft(
                    &who,
                    &now,
                    StatusCode::CONFLICT,
                    &[SummaryItem::at(
                        "main-content",
                        format!(
                            "{} removed this question after you opened the page, so nothing was saved",
                            now.updated_by
                        ),
                    )],
                ));
            };
            let page = OptionContext {
                who: &who,
                draft: &now,
                index,
                at: option
                    .as_deref()
                    .and_then(|o| option_index(&now, &question, o).ok())
                    .map(|(_, o)| o),
            };
            Ok(page.render(
                StatusCode::CONFLICT,
                &typed_form,
                now.revision,
                &[],
                Some(&notice),
            ))
        }
    }
}
