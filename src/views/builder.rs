//! The survey builder's pages: creating a survey as the next wave of
//! another, a draft's page with its publish button, and the audit of who
//! did what to which survey.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::layout::{SummaryItem, Viewer, csrf_field, error_summary};
use super::officer::{error_for, hinted_input, officer_layout, text_area};
use super::page;
use crate::domain::SurveyDefinition;
use crate::{fields, paths};

/// What the new-survey form holds: as typed, so an error loses nothing.
#[derive(Debug, Clone, Default)]
pub struct NewSurveyForm {
    pub copy_from: String,
    pub slug: String,
    pub title: String,
    pub opens: String,
    pub closes: String,
}

/// The form that creates a survey as the next wave of another: same
/// questions and ids, new slug, title and dates.
/// The new-survey form's choice of a blank survey instead of a copy (no
/// slug has a colon, so it cannot be a survey's).
pub const BLANK: &str = ":blank";

pub fn new_survey_page(
    who: &Viewer,
    surveys: &[(String, String)],
    form: &NewSurveyForm,
    errors: &[SummaryItem],
) -> Markup {
    let copy_error = error_for(errors, fields::COPY_FROM);
    let body = html! {
        (error_summary(errors))
        h1.heading-l { "Create a survey" }
        p.body { "A copy starts as a draft with the same questions and answer ids as the survey it copies, so the two waves can be compared. A blank survey starts with no questions. Nothing is public until you publish it." }
        form method="post" action=(paths::new_survey()) novalidate {
            (csrf_field(&who.csrf))
            div.form-group.form-group--error[copy_error.is_some()] {
                label.label for=(fields::COPY_FROM) { "Start from" }
                @if let Some(e) = copy_error {
                    p.error-message id=(format!("{}-error", fields::COPY_FROM)) { span.visually-hidden { "Error:" } " " (e.message) }
                }
                select.select id=(fields::COPY_FROM) name=(fields::COPY_FROM)
                    aria-describedby=[copy_error.map(|_| format!("{}-error", fields::COPY_FROM))] {
                    @for (slug, title) in surveys {
                        option value=(slug) selected[*slug == form.copy_from] { "A copy of " (title) " (" (slug) ")" }
                    }
                    option value=(BLANK) selected[form.copy_from == BLANK] { "A blank survey" }
                }
            }
            (hinted_input(fields::SLUG, "Web address name", Some("Lower-case letters, digits and hyphens, such as csp-2020. It cannot be changed after publishing."), "text", &form.slug, "off", error_for(errors, fields::SLUG)))
            (hinted_input(fields::TITLE, "Title", Some("What residents see at the top of every page."), "text", &form.title, "off", error_for(errors, fields::TITLE)))
            (hinted_input(fields::OPENS, "Opens on (optional)", Some("For example, 2020-02-01: it opens at the start of that day (UTC). Leave empty to open as soon as it is published."), "text", &form.opens, "off", error_for(errors, fields::OPENS)))
            (hinted_input(fields::CLOSES, "Closes at the end of (optional)", Some("For example, 2020-03-01: it closes at the end of that day (UTC). Leave empty for no closing date."), "text", &form.closes, "off", error_for(errors, fields::CLOSES)))
            button.button type="submit" { "Create draft" }
        }
    };
    let mut layout = officer_layout("Create a survey", who);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}

/// The file input of a definition upload, in its multipart form, with
/// every problem of a refused file at the field.
pub fn upload_form(
    who: &Viewer,
    action: &str,
    revision: Option<i32>,
    label: &str,
    button: &str,
    errors: &[SummaryItem],
) -> Markup {
    html! {
        form method="post" action=(action) enctype="multipart/form-data" novalidate {
            (csrf_field(&who.csrf))
            @if let Some(revision) = revision {
                input type="hidden" name=(fields::REVISION) value=(revision);
            }
            (file_field(
                fields::DEFINITION_FILE,
                label,
                html! { "A civic-survey definition file (.toml, UTF-8, up to 1 MB), such as one downloaded from this service. It is checked as the files on the server are; nothing changes unless every check passes." },
                ".toml,application/toml,text/plain",
                errors,
            ))
            button.button.button--secondary type="submit" { (button) }
        }
    }
}

/// A labelled file input with its hint and every problem with the file
/// (the errors at `#id`), each on its own line.
pub(super) fn file_field(
    id: &str,
    label: &str,
    hint: Markup,
    accept: &str,
    errors: &[SummaryItem],
) -> Markup {
    let problems: Vec<&SummaryItem> = errors
        .iter()
        .filter(|e| e.href == format!("#{id}"))
        .collect();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if problems.is_empty() {
        hint_id.clone()
    } else {
        format!("{hint_id} {error_id}")
    };
    html! {
        div.form-group.form-group--error[!problems.is_empty()] {
            label.label for=(id) { (label) }
            div.hint id=(hint_id) { (hint) }
            @if !problems.is_empty() {
                div.error-message id=(error_id) {
                    span.visually-hidden { "Error:" }
                    @for p in &problems { p.upload-problem { (p.message) } }
                }
            }
            input.file-upload id=(id) name=(id) type="file" accept=(accept)
                aria-describedby=(described);
        }
    }
}

/// Creating a survey from a definition file.
pub fn upload_page(who: &Viewer, errors: &[SummaryItem]) -> Markup {
    let body = html! {
        (error_summary(errors))
        h1.heading-l { "Create a survey from a definition file" }
        p.body { "The file becomes a draft, named by the slug it gives: check it, preview it and publish it as you would any draft. To change a survey that already exists, open its draft and upload the file there." }
        (upload_form(who, paths::upload_survey(), None, "Definition file", "Upload and create the draft", errors))
    };
    let mut layout = officer_layout("Create a survey from a definition file", who);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}

/// A draft as its page shows it.
#[derive(Debug)]
pub struct DraftView<'a> {
    pub definition: &'a SurveyDefinition,
    pub revision: i32,
    pub copied_from: Option<&'a str>,
    /// The published version this draft is the next version of, if any.
    pub revises: Option<i32>,
    /// What it still lacks before it can be published, with where to put
    /// each right.
    pub missing: Vec<SummaryItem>,
    pub updated_by: &'a str,
    pub updated_at: NaiveDateTime,
}

/// A draft survey: its settings and questions, its definition file, and
/// the button that publishes it.
pub fn draft_page(who: &Viewer, draft: &DraftView, errors: &[SummaryItem]) -> Markup {
    let def = draft.definition;
    let slug = def.slug().as_str();
    let title = format!("Draft: {}", def.title());
    let body = html! {
        (error_summary(errors))
        span.caption-l {
            @if let Some(n) = draft.revises { "Draft of version " (n + 1) } @else { "Draft survey" }
        }
        h1.heading-l { (def.title()) }
        p.body {
            "Last changed by " (draft.updated_by) " on " (draft.updated_at.format("%-d %B %Y at %H:%M")) " (UTC)"
            @if let Some(from) = draft.copied_from { "; the next wave of " (from) }
            "."
        }
        dl.summary-list {
            div.summary-list__row {
                dt.summary-list__key { "Web address" }
                dd.summary-list__value { (paths::start(def.slug())) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Opens" }
                dd.summary-list__value { (def.opens().map_or("When published".to_owned(), |d| d.format("%-d %B %Y").to_string())) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Closes" }
                dd.summary-list__value { (def.last_day().map_or("No closing date".to_owned(), |d| format!("At the end of {}", d.format("%-d %B %Y")))) }
            }
        }
        h2.heading-m { "Questions" }
        (super::editor::questions_list(who, def, draft.revision))
        h2.heading-m { "Settings and definition file" }
        p.body { a href=(paths::draft_settings(slug)) { "Change the settings" } }
        p.body {
            a href=(paths::draft_toml(slug)) download { "Download the draft's definition file" }
        }
        (upload_form(who, &paths::draft_upload(slug), Some(draft.revision), "Replace the draft with a definition file", "Upload and replace the draft", errors))
        h2.heading-m { "Preview" }
        p.body {
            a href=(crate::paths::Walk::preview(slug).start()) { "Preview the survey" }
            " as a resident would answer it: the same pages, follow-up questions and checks. Nothing you enter is stored."
        }
        h2.heading-m { "Publish" }
        @if !draft.missing.is_empty() {
            div.inset-text.missing {
                p.body { strong { "Before you can publish" } }
                ul.list.list--bullet {
                    @for item in &draft.missing {
                        li { a href=(item.href) { (item.message) } }
                    }
                }
            }
        }
        @if let Some(n) = draft.revises {
            p.body { "Publishing freezes this definition as version " (n + 1) " of the survey. Residents who start from then on answer version " (n + 1) "; answers already given keep version " (n) " or earlier. Results join the versions by question and option ids, so keep the ids of questions you only reworded." }
        } @else {
            p.body { "Publishing freezes this definition as the survey's first version. Residents can answer it from its opening date; answers keep the version they were given under." }
        }
        div.button-group {
            form method="post" action=(paths::publish_draft(slug)) novalidate {
                (csrf_field(&who.csrf))
                input type="hidden" name=(fields::REVISION) value=(draft.revision);
                button.button type="submit" { "Publish " span.visually-hidden { (def.title()) } }
            }
            form method="post" action=(paths::discard_draft(slug)) novalidate {
                (csrf_field(&who.csrf))
                input type="hidden" name=(fields::REVISION) value=(draft.revision);
                button.button.button--warning type="submit" { "Discard this draft" }
            }
        }
    };
    let mut layout = officer_layout(&title, who);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}

/// One draft on the survey list.
#[derive(Debug, Clone)]
pub struct DraftRow {
    pub slug: String,
    pub title: String,
    pub copied_from: Option<String>,
    /// The published version it is the next version of, if any.
    pub revises: Option<i32>,
    pub updated_by: String,
    pub updated_at: NaiveDateTime,
}

/// The drafts on the survey list, and the way to create one.
pub fn drafts_section(who: &Viewer, drafts: &[DraftRow]) -> Markup {
    if !who.can_build {
        return html! {};
    }
    html! {
        h2.heading-m { "Drafts" }
        @if drafts.is_empty() {
            p.body { "No survey is being built." }
        } @else {
            table.table {
                caption.visually-hidden { "Surveys being built" }
                thead { tr { th scope="col" { "Draft" } th scope="col" { "Last changed" } } }
                tbody {
                    @for d in drafts {
                        tr {
                            td {
                                a href=(paths::draft(&d.slug)) { (d.title) }
                                @if let Some(from) = &d.copied_from { br; span.secondary-text { "Next wave of " (from) } }
                                @if let Some(n) = d.revises { br; span.secondary-text { "Version " (n + 1) " of " (d.slug) } }
                            }
                            td { (d.updated_at.format("%-d %B %Y")) " by " (d.updated_by) }
                        }
                    }
                }
            }
        }
        @if who.can_build {
            p.body {
                a.button.button--secondary href=(paths::new_survey()) { "Create a survey" }
                " "
                a.button.button--secondary href=(paths::upload_survey()) { "Create a survey from a definition file" }
            }
        }
    }
}

/// The settings form as typed, so an error or a conflict loses nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsForm {
    pub title: String,
    pub organisation: String,
    pub purpose: String,
    pub who_can_answer: String,
    pub time_to_complete: String,
    pub privacy: String,
    pub opens: String,
    pub closes: String,
    /// The channels' labels, one per line.
    pub channels: String,
}

impl SettingsForm {
    /// Each field: its id, its label, and its value here.
    pub fn fields(&self) -> [(&'static str, &'static str, &str); 9] {
        [
            (fields::TITLE, "Title", &self.title),
            (fields::ORGANISATION, "Organisation", &self.organisation),
            (
                fields::PURPOSE,
                "Why the survey is being run",
                &self.purpose,
            ),
            (
                fields::WHO_CAN_ANSWER,
                "Who can answer",
                &self.who_can_answer,
            ),
            (
                fields::TIME_TO_COMPLETE,
                "Time to complete",
                &self.time_to_complete,
            ),
            (fields::PRIVACY, "Privacy notice", &self.privacy),
            (fields::OPENS, "Opens on", &self.opens),
            (fields::CLOSES, "Closes at the end of", &self.closes),
            (fields::CHANNELS, "Channels", &self.channels),
        ]
    }
}

/// Someone else saved the draft first: who, when, and where their values
/// differ from what this officer typed.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub by: String,
    pub at: NaiveDateTime,
    /// (label, their value, your value).
    pub differences: Vec<(&'static str, String, String)>,
}

/// The notice that someone else saved the draft first: who, when, and
/// where what they saved differs from what this officer typed (`what`:
/// "settings", "question" or "option").
pub fn conflict_notice(c: &Conflict, what: &str) -> Markup {
    html! {
        div.notification.notification--warning role="alert" tabindex="-1" autofocus {
            h2.heading-m { "Someone else saved this draft first" }
            p.body {
                (c.by) " saved it at " (c.at.format("%H:%M:%S on %-d %B %Y")) " (UTC), after you opened this page. Nothing of yours was saved, and nothing you typed is lost: it is in the form below."
            }
            @if c.differences.is_empty() {
                p.body { "Their " (what) " is the same as yours. Save again to keep it." }
            } @else {
                table.table {
                    caption.heading-s { "Where their " (what) " differs from yours" }
                    thead { tr { th scope="col" { "Field" } th scope="col" { "Saved by " (c.by) } th scope="col" { "Yours" } } }
                    tbody {
                        @for (label, theirs, yours) in &c.differences {
                            tr { th scope="row" { (label) } td.answer-text { (theirs) } td.answer-text { (yours) } }
                        }
                    }
                }
                p.body { "Check the form, then save again: what you save replaces what they saved." }
            }
        }
    }
}

/// The draft's settings: what the start page and privacy notice say, and
/// the dates.
pub fn settings_page(
    who: &Viewer,
    slug: &str,
    form: &SettingsForm,
    revision: i32,
    errors: &[SummaryItem],
    conflict: Option<&Conflict>,
) -> Markup {
    let e = |id: &str| error_for(errors, id);
    let body = html! {
        (error_summary(errors))
        @if let Some(c) = conflict { (conflict_notice(c, "settings")) }
        span.caption-l { "Draft survey" }
        h1.heading-l { "Settings" }
        form method="post" action=(paths::draft_settings(slug)) novalidate {
            (csrf_field(&who.csrf))
            input type="hidden" name=(fields::REVISION) value=(revision);
            (hinted_input(fields::TITLE, "Title", Some("What residents see at the top of every page."), "text", &form.title, "off", e(fields::TITLE)))
            (hinted_input(fields::ORGANISATION, "Organisation", None, "text", &form.organisation, "off", e(fields::ORGANISATION)))
            (text_area(fields::PURPOSE, "Why the survey is being run", Some("Shown on the start page. A blank line starts a new paragraph."), &form.purpose, e(fields::PURPOSE)))
            (hinted_input(fields::WHO_CAN_ANSWER, "Who can answer", Some("For example, People who live or work in Dartford or Gravesham."), "text", &form.who_can_answer, "off", e(fields::WHO_CAN_ANSWER)))
            (hinted_input(fields::TIME_TO_COMPLETE, "Time to complete", Some("For example, about 3 minutes."), "text", &form.time_to_complete, "off", e(fields::TIME_TO_COMPLETE)))
            (text_area(fields::PRIVACY, "Privacy notice", Some("What is kept, by whom, for how long, and what is not kept."), &form.privacy, e(fields::PRIVACY)))
            (hinted_input(fields::OPENS, "Opens on (optional)", Some("For example, 2020-02-01: it opens at the start of that day (UTC). Leave empty to open as soon as it is published."), "text", &form.opens, "off", e(fields::OPENS)))
            (hinted_input(fields::CLOSES, "Closes at the end of (optional)", Some("For example, 2020-03-01: it closes at the end of that day (UTC). Leave empty for no closing date."), "text", &form.closes, "off", e(fields::CLOSES)))
            (text_area(fields::CHANNELS, "Channels (optional)", Some("Where you will promote the survey, one per line, such as Council website, Facebook, Street survey tablet. Each gets its own link and QR code, and results count responses by the link they came through. Keep a line as it is to keep its link."), &form.channels, e(fields::CHANNELS)))
            button.button type="submit" { "Save settings" }
        }
        p.body { a href=(paths::draft(slug)) { "Back to the draft" } }
    };
    let mut layout = officer_layout("Draft settings", who);
    layout.has_errors = !errors.is_empty() || conflict.is_some();
    page(&layout, body)
}
