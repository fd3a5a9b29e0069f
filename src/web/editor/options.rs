//! A question's options: the add and change forms, moves and removal.

use super::*;

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
