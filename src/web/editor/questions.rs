//! A draft's questions: the add and change forms, moves and removal.

use super::*;

pub(super) fn stored_question_form(def: &SurveyDefinition, index: usize) -> QuestionForm {
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

pub(super) struct QuestionContext<'a> {
    pub(super) who: &'a SignedIn,
    pub(super) draft: &'a SurveyDraft,
    pub(super) index: Option<usize>,
}

impl QuestionContext<'_> {
    pub(super) fn render(
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
