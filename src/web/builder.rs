//! Survey builder handlers: create a survey as the next wave of another (a
//! draft), read and download the draft, and publish it.
//! Every definition change takes the one validation path the files take
//! ([`crate::domain::SurveyDefinition::from_raw`]); its problems are shown
//! at the fields they name, and nothing typed is lost.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;

use super::auth::{BuilderPage, SignedIn};
use super::form::{Form, read_form};
use super::{AppState, html, redirect, with_db};
use crate::db::builder::{self as storage, NewDraft, NewVersion, Publishing, Saving};
use crate::domain::{NextWave, Place, Problem, SurveyDefinition, SurveySettings};
use crate::error::{AppError, Refusal};
use crate::views::SummaryItem;
use crate::views::builder::{self as view, Conflict, DraftView, NewSurveyForm, SettingsForm};
use crate::{fields, paths};

/// The surveys a wave can copy: (slug, title), by slug.
fn copyable(state: &AppState) -> Vec<(String, String)> {
    state
        .catalogue
        .all()
        .into_iter()
        .map(|s| {
            (
                s.definition.slug().to_string(),
                s.definition.title().to_owned(),
            )
        })
        .collect()
}

fn render_new(
    state: &AppState,
    who: &SignedIn,
    status: StatusCode,
    form: &NewSurveyForm,
    errors: &[SummaryItem],
) -> HttpResponse {
    html(
        status,
        view::new_survey_page(&who.viewer(), &copyable(state), form, errors),
    )
}

/// GET `/admin/surveys/new`.
pub async fn show_new_survey(
    state: web::Data<AppState>,
    BuilderPage(who): BuilderPage,
) -> HttpResponse {
    let form = NewSurveyForm {
        copy_from: copyable(&state)
            .last()
            .map(|(slug, _)| slug.clone())
            .unwrap_or_default(),
        ..NewSurveyForm::default()
    };
    render_new(&state, &who, StatusCode::OK, &form, &[])
}

/// A form date (`YYYY-MM-DD`, as a date input sends it), or the error at
/// its field.
fn form_date(field: &str, value: &str, errors: &mut Vec<SummaryItem>) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.push(SummaryItem::at(
                field,
                "Enter the date as year-month-day, such as 2020-02-01",
            ));
            None
        }
    }
}

/// A survey-level problem of the one validation path, at the field of the
/// new-survey or settings form it names.
fn at_field(problem: &Problem) -> SummaryItem {
    const SETTINGS: [(&str, &str, &str); 9] = [
        ("slug", fields::SLUG, ""),
        ("title", fields::TITLE, "Enter a title"),
        (
            "organisation",
            fields::ORGANISATION,
            "Enter the organisation",
        ),
        (
            "purpose",
            fields::PURPOSE,
            "Say why the survey is being run",
        ),
        (
            "who_can_answer",
            fields::WHO_CAN_ANSWER,
            "Say who can answer",
        ),
        (
            "time_to_complete",
            fields::TIME_TO_COMPLETE,
            "Say how long it takes",
        ),
        ("privacy", fields::PRIVACY, "Enter the privacy notice"),
        ("closes", fields::CLOSES, ""),
        ("channels", fields::CHANNELS, ""),
    ];
    let m = problem.message.as_str();
    let setting = match problem.place {
        Place::Survey(name) => SETTINGS.iter().find(|(key, _, _)| *key == name),
        _ => None,
    };
    let Some((key, field, empty)) = setting else {
        return SummaryItem::at("main-content", problem.to_string());
    };
    let message = if *key == "slug" {
        format!(
            "Enter a web address name of lower-case letters, digits and hyphens ({})",
            m.split_once(": ").map_or(m, |(_, why)| why)
        )
    } else if *key == "closes" && m.contains("later than opens") {
        "The closing date must be after the opening date".to_owned()
    } else if *key == "channels" {
        // "channel 3: label is too long: …", "a survey has at most 30 channels…"
        let mut chars = m.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    } else if m.ends_with("must not be empty") {
        (*empty).to_owned()
    } else {
        // "title is too long: …": the field names itself.
        let rest = m.strip_prefix(key).unwrap_or(m).trim_start();
        format!("It {rest}")
    };
    SummaryItem::at(field, message)
}

/// POST `/admin/surveys/new`: creates the draft of the next wave.
pub async fn create_survey(
    state: web::Data<AppState>,
    req: HttpRequest,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let form: Form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let errors = [SummaryItem::at("main-content", e.message())];
            return Ok(render_new(
                &state,
                &who,
                e.status(),
                &NewSurveyForm::default(),
                &errors,
            ));
        }
    };
    let typed = NewSurveyForm {
        copy_from: form.get(fields::COPY_FROM).unwrap_or_default().to_owned(),
        slug: form.get(fields::SLUG).unwrap_or_default().trim().to_owned(),
        title: form
            .get(fields::TITLE)
            .unwrap_or_default()
            .trim()
            .to_owned(),
        opens: form.get(fields::OPENS).unwrap_or_default().to_owned(),
        closes: form.get(fields::CLOSES).unwrap_or_default().to_owned(),
    };
    let again = |status: StatusCode, errors: &[SummaryItem]| {
        render_new(&state, &who, status, &typed, errors)
    };
    if !who.form_has_session_token(&state.csrf, &form) {
        let errors = [SummaryItem::at(
            "main-content",
            "This page had expired, so nothing was created. Check the form and try again",
        )];
        return Ok(again(StatusCode::FORBIDDEN, &errors));
    }
    let mut errors = Vec::new();
    let blank = typed.copy_from == view::BLANK;
    let source = state.catalogue.current(&typed.copy_from);
    if source.is_none() && !blank {
        errors.push(SummaryItem::at(
            fields::COPY_FROM,
            "Choose a survey to copy, or a blank survey",
        ));
    }
    let opens = form_date(fields::OPENS, &typed.opens, &mut errors);
    let closes = form_date(fields::CLOSES, &typed.closes, &mut errors);
    if !errors.is_empty() {
        return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, &errors));
    }
    let wave = NextWave {
        slug: typed.slug.clone(),
        title: typed.title.clone(),
        opens,
        closes,
    };
    let made = match &source {
        Some(source) if !blank => source.definition.next_wave(&wave),
        _ => SurveyDefinition::blank(&wave),
    };
    let definition = match made {
        Ok(definition) => definition,
        Err(problems) => {
            let errors: Vec<SummaryItem> = problems.problems.iter().map(at_field).collect();
            return Ok(again(StatusCode::UNPROCESSABLE_ENTITY, &errors));
        }
    };
    let (officer, from) = (who.officer.id, (!blank).then(|| typed.copy_from.clone()));
    let created = with_db(&state, move |c| {
        storage::create_draft(c, &definition, from.as_deref(), officer)
    })
    .await?;
    match created {
        NewDraft::Created => {
            tracing::info!(survey = %typed.slug, from = %typed.copy_from, by = %who.officer.email, "survey draft created");
            Ok(redirect(&paths::draft(&typed.slug)))
        }
        NewDraft::SlugTaken => {
            let errors = [SummaryItem::at(
                fields::SLUG,
                "A survey or a draft already has that web address name: choose another",
            )];
            Ok(again(StatusCode::CONFLICT, &errors))
        }
    }
}

/// The draft of the path, or 404.
pub(super) async fn find_draft(
    state: &web::Data<AppState>,
    slug: &str,
) -> Result<storage::SurveyDraft, AppError> {
    let slug = slug.to_owned();
    with_db(state, move |c| storage::find_draft(c, &slug))
        .await?
        .ok_or(AppError::NotFound)
}

/// What a draft still lacks before it can be published, each linking to
/// where it is put right: a setting's field, or adding a question.
pub(super) fn missing_items(slug: &str, definition: &SurveyDefinition) -> Vec<SummaryItem> {
    definition
        .missing()
        .iter()
        .map(|problem| {
            if problem.place == Place::Survey("questions") {
                return SummaryItem {
                    href: paths::draft_add_question(slug),
                    message: "Add at least one question".to_owned(),
                };
            }
            let at = at_field(problem);
            SummaryItem {
                href: format!("{}{}", paths::draft_settings(slug), at.href),
                message: at.message,
            }
        })
        .collect()
}

fn draft_markup(
    who: &SignedIn,
    draft: &storage::SurveyDraft,
    errors: &[SummaryItem],
) -> maud::Markup {
    view::draft_page(
        &who.viewer(),
        &DraftView {
            definition: &draft.definition,
            revision: draft.revision,
            copied_from: draft.copied_from.as_deref(),
            revises: draft.revises,
            missing: missing_items(draft.definition.slug().as_str(), &draft.definition),
            updated_by: &draft.updated_by,
            updated_at: draft.updated_at,
        },
        errors,
    )
}

pub(super) fn render_draft(
    who: &SignedIn,
    draft: &storage::SurveyDraft,
    status: StatusCode,
    errors: &[SummaryItem],
) -> HttpResponse {
    html(status, draft_markup(who, draft, errors))
}

/// A form posted from the draft's page (publish, discard): read, its CSRF
/// token checked, and the revision it was read at; or the refusal, the
/// draft's page saying why `not_done` (such as "the draft was not
/// discarded").
async fn draft_page_form(
    state: &web::Data<AppState>,
    req: &HttpRequest,
    who: &SignedIn,
    draft: &storage::SurveyDraft,
    payload: web::Payload,
    not_done: &str,
) -> Result<i32, AppError> {
    let refused = |status: StatusCode, message: String| -> AppError {
        let errors = [SummaryItem::at("main-content", message)];
        Refusal::page(status, draft_markup(who, draft, &errors)).into()
    };
    let form = read_form(req, payload, state.max_form_bytes)
        .await
        .map_err(|e| refused(e.status(), e.message()))?;
    if !who.form_has_session_token(&state.csrf, &form) {
        return Err(refused(
            StatusCode::FORBIDDEN,
            format!("This page had expired, so {not_done}. Try again"),
        ));
    }
    let slug = draft.definition.slug().as_str();
    let mut heading = not_done.to_owned();
    if let Some(first) = heading.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    Ok(form_revision(&form, slug, &heading)?)
}

/// GET `/admin/drafts/{slug}`.
pub async fn show_draft(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    Ok(render_draft(&who, &draft, StatusCode::OK, &[]))
}

/// GET `/admin/drafts/{slug}/definition.toml`: the draft as a definition file.
pub async fn draft_toml(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    BuilderPage(_who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/toml; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{slug}-draft.toml\""),
        ))
        .body(draft.definition.to_toml()))
}

/// The draft revision a form was read from, or the refusal of a form
/// without one (no page of ours sends that), headed `what_happened`.
pub(super) fn form_revision(form: &Form, slug: &str, what_happened: &str) -> Result<i32, Refusal> {
    form.get(fields::REVISION)
        .and_then(|r| r.parse::<i32>().ok())
        .ok_or_else(|| {
            Refusal::page(
                StatusCode::BAD_REQUEST,
                crate::views::errors::error_page(
                    what_happened,
                    &["The form was incomplete. Go back to the draft and try again."],
                    Some((&paths::draft(slug), "Back to the draft")),
                ),
            )
        })
}

/// POST `/admin/drafts/{slug}/publish`: freezes the draft as the survey's
/// first version; every instance serves it within a second.
pub async fn publish(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let revision = draft_page_form(
        &state,
        &req,
        &who,
        &draft,
        payload,
        "the survey was not published",
    )
    .await?;
    let mut missing = missing_items(&slug, &draft.definition);
    if let Some((question, needed)) = draft.definition.largest_answer()
        && needed > state.max_form_bytes
    {
        missing.push(SummaryItem {
            href: paths::draft_question(&slug, question.id().as_str()),
            message: format!(
                "An answer to \u{201c}{}\u{201d} may need up to {needed} bytes as a browser sends it, more than this service accepts ({} bytes, MAX_FORM_BYTES): lower its maximum length",
                question.short_label(),
                state.max_form_bytes
            ),
        });
    }
    if !missing.is_empty() {
        return Ok(render_draft(
            &who,
            &draft,
            StatusCode::UNPROCESSABLE_ENTITY,
            &missing,
        ));
    }
    let (officer, key) = (who.officer.id, slug.to_string());
    let shared = state.clone();
    let outcome = with_db(&state, move |c| {
        let outcome = storage::publish_draft(c, &key, revision, officer)?;
        // Published is published: if this instance cannot read it back now,
        // its once-a-second refresh will.
        if let Err(e) = shared.catalogue.refresh(c) {
            tracing::warn!("published, but could not refresh the catalogue at once: {e}");
        }
        Ok(outcome)
    })
    .await?;
    let refused = |message: String| {
        let errors = [SummaryItem::at("main-content", message)];
        Ok(render_draft(&who, &draft, StatusCode::CONFLICT, &errors))
    };
    match outcome {
        Publishing::Published(version) | Publishing::Unchanged(version) => {
            tracing::info!(survey = %slug, version, by = %who.officer.email, "survey published");
            Ok(redirect(paths::officers()))
        }
        Publishing::Stale => refused(
            "Someone changed or published this draft since you opened it. Check it again before publishing".to_owned(),
        ),
        Publishing::SlugTaken => refused(
            "A survey with this web address name was published since this draft was made, so the draft was not published. Copy the survey again with another name".to_owned(),
        ),
        Publishing::Overtaken(latest) => refused(format!(
            "Version {latest} of this survey was published since this draft was made from version {}, so the draft was not published: it would undo version {latest}. Discard this draft and start the next version again",
            draft.revises.unwrap_or_default()
        )),
    }
}

/// Why a survey-wide builder action was not taken, with the way back.
fn list_refused(status: StatusCode, heading: &str, message: &str) -> HttpResponse {
    html(
        status,
        crate::views::errors::error_page(
            heading,
            &[message],
            Some((paths::officers(), "Back to the survey list")),
        ),
    )
}

/// POST `/admin/surveys/{slug}/next-version`: copies the survey's latest
/// version as a draft under the same slug; publishing it adds the next
/// version, and answers already given keep theirs.
pub async fn start_next_version(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    const NOT_STARTED: &str = "No new version was started";
    let survey = state.survey(&slug)?;
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => return Ok(list_refused(e.status(), NOT_STARTED, &e.message())),
    };
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(list_refused(
            StatusCode::FORBIDDEN,
            NOT_STARTED,
            "This page had expired. Go back to the survey list and try again.",
        ));
    }
    let (officer, key) = (who.officer.id, survey.definition.slug().to_string());
    let outcome = with_db(&state, move |c| {
        storage::create_next_version(c, &key, officer)
    })
    .await?;
    match outcome {
        NewVersion::Created(from) => {
            tracing::info!(survey = %slug, from, by = %who.officer.email, "next version started");
            Ok(redirect(&paths::draft(&slug)))
        }
        // One is being drafted already: that is the one to change.
        NewVersion::AlreadyDrafting => Ok(redirect(&paths::draft(&slug))),
        NewVersion::NoSuchSurvey => Err(AppError::NotFound),
    }
}

/// POST `/admin/drafts/{slug}/discard`: throws the draft away, if nobody
/// changed it since it was read. A published survey keeps its versions.
pub async fn discard(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let revision = draft_page_form(
        &state,
        &req,
        &who,
        &draft,
        payload,
        "the draft was not discarded",
    )
    .await?;
    let (officer, key) = (who.officer.id, slug.to_string());
    let removed = with_db(&state, move |c| {
        storage::discard_draft(c, &key, revision, officer)
    })
    .await?;
    if removed {
        tracing::info!(survey = %slug, by = %who.officer.email, "draft discarded");
        Ok(redirect(paths::officers()))
    } else {
        let errors = [SummaryItem::at(
            "main-content",
            "Someone changed this draft since you opened it, so it was not discarded. Check it again",
        )];
        Ok(render_draft(&who, &draft, StatusCode::CONFLICT, &errors))
    }
}

/// The settings of a stored draft, as the form shows them.
fn settings_form(settings: &SurveySettings) -> SettingsForm {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    SettingsForm {
        title: settings.title.clone(),
        organisation: settings.organisation.clone(),
        purpose: settings.purpose.clone(),
        who_can_answer: settings.who_can_answer.clone(),
        time_to_complete: settings.time_to_complete.clone(),
        privacy: settings.privacy.clone(),
        opens: date(settings.opens),
        closes: date(settings.closes),
        channels: settings.channels.join("\n"),
    }
}

/// The settings form's fields as posted: trimmed, line breaks as LF.
fn typed_settings(form: &Form) -> SettingsForm {
    let get = |name: &str| {
        form.get(name)
            .unwrap_or_default()
            .replace("\r\n", "\n")
            .trim()
            .to_owned()
    };
    SettingsForm {
        title: get(fields::TITLE),
        organisation: get(fields::ORGANISATION),
        purpose: get(fields::PURPOSE),
        who_can_answer: get(fields::WHO_CAN_ANSWER),
        time_to_complete: get(fields::TIME_TO_COMPLETE),
        privacy: get(fields::PRIVACY),
        opens: get(fields::OPENS),
        closes: get(fields::CLOSES),
        channels: get(fields::CHANNELS),
    }
}

/// GET `/admin/drafts/{slug}/settings`.
pub async fn show_settings(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    Ok(html(
        StatusCode::OK,
        view::settings_page(
            &who.viewer(),
            &slug,
            &settings_form(&draft.definition.settings()),
            draft.revision,
            &[],
            None,
        ),
    ))
}

/// The error of a draft form whose page had expired (its CSRF token is
/// not this session's): nothing was saved.
pub(super) fn expired_unsaved() -> [SummaryItem; 1] {
    [SummaryItem::at(
        "main-content",
        "This page had expired, so nothing was saved. Check the form and save again",
    )]
}

/// The error of a draft form saved after the draft was published or
/// removed: nothing was saved, and the form keeps what was typed.
pub(super) fn draft_gone_unsaved() -> [SummaryItem; 1] {
    [SummaryItem::at(
        "main-content",
        "This draft was published or removed since you opened it, so nothing was saved. What you typed is still below",
    )]
}

/// Puts a form's errors in the order of its fields (`order`, by id).
pub(super) fn in_form_order(errors: &mut [SummaryItem], order: &[&str]) {
    errors.sort_by_key(|e| {
        order
            .iter()
            .position(|f| e.href == format!("#{f}"))
            .unwrap_or(usize::MAX)
    });
}

/// Someone else saved the draft first: who, when, and the fields (id,
/// label, value) where what they saved differs from what was typed.
pub(super) fn conflict<A: AsRef<str>, B: AsRef<str>>(
    now: &storage::SurveyDraft,
    theirs: impl IntoIterator<Item = (&'static str, &'static str, A)>,
    yours: impl IntoIterator<Item = (&'static str, &'static str, B)>,
) -> Conflict {
    Conflict {
        by: now.updated_by.clone(),
        at: now.updated_at,
        differences: theirs
            .into_iter()
            .zip(yours)
            .filter(|((_, _, a), (_, _, b))| a.as_ref() != b.as_ref())
            .map(|((_, label, a), (_, _, b))| (label, a.as_ref().to_owned(), b.as_ref().to_owned()))
            .collect(),
    }
}

/// Saves `definition` as the draft `slug`, if it is still at `revision`,
/// auditing `change` as this officer's.
pub(super) async fn save(
    state: &web::Data<AppState>,
    who: &SignedIn,
    slug: &str,
    revision: i32,
    definition: SurveyDefinition,
    change: String,
) -> Result<Saving, AppError> {
    let (officer, key) = (who.officer.id, slug.to_owned());
    with_db(state, move |c| {
        storage::save_draft(c, &key, revision, &definition, officer, &change)
    })
    .await
}

/// POST `/admin/drafts/{slug}/settings`: saves the settings through the one
/// validation path, if nobody saved the draft since the form was read.
pub async fn save_settings(
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    BuilderPage(who): BuilderPage,
    payload: web::Payload,
) -> Result<HttpResponse, AppError> {
    let draft = find_draft(&state, &slug).await?;
    let form = match read_form(&req, payload, state.max_form_bytes).await {
        Ok(form) => form,
        Err(e) => {
            let errors = [SummaryItem::at("main-content", e.message())];
            let stored = settings_form(&draft.definition.settings());
            return Ok(html(
                e.status(),
                view::settings_page(&who.viewer(), &slug, &stored, draft.revision, &errors, None),
            ));
        }
    };
    let typed = typed_settings(&form);
    let revision = form_revision(&form, &slug, "The settings were not saved")?;
    let again =
        |status: StatusCode, revision: i32, errors: &[SummaryItem], conflict: Option<&Conflict>| {
            html(
                status,
                view::settings_page(&who.viewer(), &slug, &typed, revision, errors, conflict),
            )
        };
    if !who.form_has_session_token(&state.csrf, &form) {
        return Ok(again(
            StatusCode::FORBIDDEN,
            revision,
            &expired_unsaved(),
            None,
        ));
    }
    let mut errors = Vec::new();
    let opens = form_date(fields::OPENS, &typed.opens, &mut errors);
    let closes = form_date(fields::CLOSES, &typed.closes, &mut errors);
    let settings = SurveySettings {
        title: typed.title.clone(),
        organisation: typed.organisation.clone(),
        purpose: typed.purpose.clone(),
        who_can_answer: typed.who_can_answer.clone(),
        time_to_complete: typed.time_to_complete.clone(),
        privacy: typed.privacy.clone(),
        opens,
        closes,
        channels: typed.channels.lines().map(str::to_owned).collect(),
    };
    let checked = draft.definition.with_settings(&settings);
    if let Err(problems) = &checked {
        errors.extend(problems.problems.iter().map(at_field));
    }
    // Every problem at once, in the order of the form.
    in_form_order(&mut errors, &typed.fields().map(|(id, _, _)| id));
    let definition = match checked {
        Ok(definition) if errors.is_empty() => definition,
        _ => {
            return Ok(again(
                StatusCode::UNPROCESSABLE_ENTITY,
                revision,
                &errors,
                None,
            ));
        }
    };
    let saved = save(
        &state,
        &who,
        &slug,
        revision,
        definition,
        "changed the settings".to_owned(),
    )
    .await?;
    match saved {
        Saving::Saved(_) => Ok(redirect(&paths::draft(&slug))),
        Saving::Stale(None) => Ok(again(
            StatusCode::CONFLICT,
            revision,
            &draft_gone_unsaved(),
            None,
        )),
        Saving::Stale(Some(now)) => {
            let theirs = settings_form(&now.definition.settings());
            let notice = conflict(&now, theirs.fields(), typed.fields());
            Ok(again(
                StatusCode::CONFLICT,
                now.revision,
                &[],
                Some(&notice),
            ))
        }
    }
}
