//! The builder's question and option pages: one form per question or
//! option, GOV.UK style, and the list of a draft's questions (or of a
//! question's options) with "Change", "Move up", "Move down" and "Remove",
//! each a plain form, so all of it works without JavaScript.

use maud::{Markup, html};

use super::builder::{Conflict, conflict_notice};
use super::layout::{SummaryItem, Viewer, csrf_field, error_summary};
use super::officer::{error_for, hinted_input, officer_layout, text_area};
use super::page;
use crate::domain::{Question, QuestionKind, SurveyDefinition};
use crate::{fields, paths};

/// The question form as typed, so an error or a conflict loses nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionForm {
    pub id: String,
    /// `single`, `multiple`, `scale` or `text`.
    pub kind: String,
    pub title: String,
    pub hint: String,
    pub short_label: String,
    pub chart_title: String,
    pub required: bool,
    pub required_message: String,
    pub demographic: bool,
    pub max_selections: String,
    pub positive: String,
    pub max_length: String,
    /// `question:option`, or empty for "always ask".
    pub show_if: String,
    /// A question without options: its options, one per line.
    pub options: String,
}

impl QuestionForm {
    /// Each field: its id, its label, and its value here as text.
    pub fn fields(&self) -> Vec<(&'static str, &'static str, String)> {
        let yes_no = |b: bool| if b { "Yes" } else { "No" }.to_owned();
        vec![
            (fields::QUESTION_ID, "Id", self.id.clone()),
            (fields::KIND, "Kind of answer", self.kind.clone()),
            (fields::TITLE, "Question", self.title.clone()),
            (fields::HINT, "Hint", self.hint.clone()),
            (fields::SHORT_LABEL, "Short label", self.short_label.clone()),
            (fields::CHART_TITLE, "Chart title", self.chart_title.clone()),
            (fields::REQUIRED, "Must be answered", yes_no(self.required)),
            (
                fields::REQUIRED_MESSAGE,
                "Message when not answered",
                self.required_message.clone(),
            ),
            (
                fields::DEMOGRAPHIC,
                "About the respondent",
                yes_no(self.demographic),
            ),
            (
                fields::MAX_SELECTIONS,
                "Most answers",
                self.max_selections.clone(),
            ),
            (fields::POSITIVE, "Positive end", self.positive.clone()),
            (
                fields::MAX_LENGTH,
                "Longest answer",
                self.max_length.clone(),
            ),
            (fields::SHOW_IF, "Asked only when", self.show_if.clone()),
            (fields::OPTIONS, "Options", self.options.clone()),
        ]
    }
}

/// The option form as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionForm {
    pub id: String,
    pub label: String,
    pub hint: String,
    pub unscored: bool,
    pub specify_label: String,
    pub specify_length: String,
}

impl OptionForm {
    /// Each field: its id, its label, and its value here as text.
    pub fn fields(&self) -> Vec<(&'static str, &'static str, String)> {
        vec![
            (fields::OPTION_ID, "Id", self.id.clone()),
            (fields::LABEL, "Label", self.label.clone()),
            (fields::HINT, "Hint", self.hint.clone()),
            (
                fields::UNSCORED,
                "Kept out of the score",
                if self.unscored { "Yes" } else { "No" }.to_owned(),
            ),
            (
                fields::SPECIFY_LABEL,
                "Please specify: label",
                self.specify_label.clone(),
            ),
            (
                fields::SPECIFY_LENGTH,
                "Please specify: longest answer",
                self.specify_length.clone(),
            ),
        ]
    }
}

/// The earlier questions a follow-up can hang on, each with its options:
/// (question title, [(`question:option`, option label)]).
pub type ShowIfChoices = Vec<(String, Vec<(String, String)>)>;

/// The choices of "Ask this question only when": the options of the
/// questions before `before` (all of them when adding), text questions
/// having none.
pub fn show_if_choices(def: &SurveyDefinition, before: Option<usize>) -> ShowIfChoices {
    let upto = before.unwrap_or(def.questions().len());
    def.questions()[..upto]
        .iter()
        .filter(|q| !q.options().is_empty())
        .map(|q| {
            (
                q.title().to_owned(),
                q.options()
                    .iter()
                    .map(|o| (format!("{}:{}", q.id(), o.id()), o.label().to_owned()))
                    .collect(),
            )
        })
        .collect()
}

/// What the question page shows.
#[derive(Debug)]
pub struct QuestionPage<'a> {
    pub slug: &'a str,
    /// The question as stored, when editing one (its options are listed).
    pub stored: Option<&'a Question>,
    pub form: &'a QuestionForm,
    pub revision: i32,
    pub show_if: &'a ShowIfChoices,
    pub errors: &'a [SummaryItem],
    pub conflict: Option<&'a Conflict>,
}

fn checkbox(
    id: &str,
    label: &str,
    hint: &str,
    checked: bool,
    error: Option<&SummaryItem>,
) -> Markup {
    let hint_id = format!("{id}-hint");
    html! {
        div.form-group.form-group--error[error.is_some()] {
            @if let Some(e) = error {
                p.error-message id=(format!("{id}-error")) { span.visually-hidden { "Error:" } " " (e.message) }
            }
            div.checkboxes {
                div.choice {
                    input.choice__input id=(id) name=(id) type="checkbox" value="yes" checked[checked]
                        aria-describedby=(if error.is_some() { format!("{hint_id} {id}-error") } else { hint_id.clone() });
                    label.choice__label for=(id) { (label) }
                    div.hint.choice__hint id=(hint_id) { (hint) }
                }
            }
        }
    }
}

const KINDS: [(&str, &str, &str); 4] = [
    ("single", "One answer", "Residents choose one option."),
    (
        "multiple",
        "Several answers",
        "Residents choose up to the most you set below.",
    ),
    (
        "scale",
        "A scale",
        "Ordered options from the positive end, such as Very safe to Very unsafe. Results show each share, the mean score and the share at the positive end.",
    ),
    (
        "text",
        "Free text",
        "Residents type an answer. Answers are listed and exported, never charted.",
    ),
];

/// Adds or edits one question.
pub fn question_page(who: &Viewer, p: &QuestionPage) -> Markup {
    let f = p.form;
    let e = |id: &str| error_for(p.errors, id);
    let action = match p.stored {
        Some(q) => paths::draft_question(p.slug, q.id().as_str()),
        None => paths::draft_add_question(p.slug),
    };
    let heading = if p.stored.is_some() {
        "Change a question"
    } else {
        "Add a question"
    };
    let kind_error = e(fields::KIND);
    let show_if_error = e(fields::SHOW_IF);
    let has_options = p.stored.is_some_and(|q| !q.options().is_empty());
    let body = html! {
        (error_summary(p.errors))
        @if let Some(c) = p.conflict { (conflict_notice(c, "question")) }
        span.caption-l { "Draft survey" }
        h1.heading-l { (heading) }
        form method="post" action=(action) novalidate {
            (csrf_field(&who.csrf))
            input type="hidden" name=(fields::REVISION) value=(p.revision);
            (text_area(fields::TITLE, "Question", Some("As residents read it, such as How safe do you feel in your local area after dark?"), &f.title, e(fields::TITLE)))
            (hinted_input(fields::QUESTION_ID, "Id", Some("Lower-case letters, digits and hyphens, such as feel-safe. Answers and other waves find the question by its id: keep it unless the question now means something else."), "text", &f.id, "off", e(fields::QUESTION_ID)))
            div.form-group.form-group--error[kind_error.is_some()] {
                fieldset.fieldset aria-describedby=[kind_error.map(|_| format!("{}-error", fields::KIND))] {
                    legend.fieldset__legend.fieldset__legend--m { "Kind of answer" }
                    @if let Some(err) = kind_error {
                        p.error-message id=(format!("{}-error", fields::KIND)) { span.visually-hidden { "Error:" } " " (err.message) }
                    }
                    div.radios {
                        @for (index, (value, label, hint)) in KINDS.iter().enumerate() {
                            @let id = if index == 0 { fields::KIND.to_owned() } else { format!("{}-{value}", fields::KIND) };
                            div.choice {
                                input.choice__input id=(id) name=(fields::KIND) type="radio" value=(value)
                                    checked[f.kind == *value] aria-describedby=(format!("{id}-hint"));
                                label.choice__label for=(id) { (label) }
                                div.hint.choice__hint id=(format!("{id}-hint")) { (hint) }
                            }
                        }
                    }
                }
            }
            (hinted_input(fields::MAX_SELECTIONS, "Most answers a resident may choose (several answers only)", Some("Leave empty to allow every option."), "text", &f.max_selections, "off", e(fields::MAX_SELECTIONS)))
            (hinted_input(fields::POSITIVE, "How many options, from the first, are the positive end (a scale only)", Some("Leave empty for the top two (the top one of a two-point scale)."), "text", &f.positive, "off", e(fields::POSITIVE)))
            (hinted_input(fields::MAX_LENGTH, "Longest answer, in characters (free text only)", Some("For example, 500. At most 5000."), "text", &f.max_length, "off", e(fields::MAX_LENGTH)))
            @if !has_options {
                (text_area(fields::OPTIONS, "Options, one per line (not for free text)", Some("From the first to the last, as residents see them. You can add hints, a \u{201c}please specify\u{201d} box or a scale's \u{201c}Don't know\u{201d} after saving."), &f.options, e(fields::OPTIONS)))
            }
            (text_area(fields::HINT, "Hint (optional)", Some("Shown under the question."), &f.hint, e(fields::HINT)))
            (hinted_input(fields::SHORT_LABEL, "Short label (optional)", Some("A few words naming the question in tables and on the check-your-answers page. The question is used if empty."), "text", &f.short_label, "off", e(fields::SHORT_LABEL)))
            (hinted_input(fields::CHART_TITLE, "Chart title (optional)", Some("The short label is used if empty."), "text", &f.chart_title, "off", e(fields::CHART_TITLE)))
            div.form-group.form-group--error[show_if_error.is_some()] {
                label.label for=(fields::SHOW_IF) { "Ask this question" }
                div.hint id=(format!("{}-hint", fields::SHOW_IF)) { "A follow-up question is asked only when an earlier question has a given answer." }
                @if let Some(err) = show_if_error {
                    p.error-message id=(format!("{}-error", fields::SHOW_IF)) { span.visually-hidden { "Error:" } " " (err.message) }
                }
                select.select id=(fields::SHOW_IF) name=(fields::SHOW_IF)
                    aria-describedby=(if show_if_error.is_some() { format!("{0}-hint {0}-error", fields::SHOW_IF) } else { format!("{}-hint", fields::SHOW_IF) }) {
                    option value="" selected[f.show_if.is_empty()] { "Always" }
                    @for (question, options) in p.show_if {
                        optgroup label=(format!("Only when \u{201c}{question}\u{201d} is answered")) {
                            @for (value, label) in options {
                                option value=(value) selected[f.show_if == *value] { "Only when the answer to \u{201c}" (question) "\u{201d} is " (label) }
                            }
                        }
                    }
                }
            }
            (checkbox(fields::REQUIRED, "Residents must answer it", "A follow-up question cannot be required.", f.required, e(fields::REQUIRED)))
            (hinted_input(fields::REQUIRED_MESSAGE, "Message when it is not answered (optional)", Some("For example, Select where you live or work. If empty: Select an answer to this question."), "text", &f.required_message, "off", e(fields::REQUIRED_MESSAGE)))
            (checkbox(fields::DEMOGRAPHIC, "It is about the respondent (such as age or gender)", "Results break respondents down by it and draw it as bars. Not for free text.", f.demographic, e(fields::DEMOGRAPHIC)))
            button.button type="submit" { "Save question" }
        }
        @if let Some(q) = p.stored.filter(|q| !q.options().is_empty()) {
            (options_list(who, p.slug, q, p.revision))
        }
        p.body { a href=(paths::draft(p.slug)) { "Back to the draft" } }
    };
    let mut layout = officer_layout(heading, who);
    layout.has_errors = !p.errors.is_empty() || p.conflict.is_some();
    page(&layout, body)
}

/// A small form holding one button, for moving or removing.
fn button_form(
    who: &Viewer,
    action: &str,
    revision: i32,
    direction: Option<&str>,
    text: &str,
    hidden: &str,
    warning: bool,
) -> Markup {
    html! {
        form.inline-form method="post" action=(action) novalidate {
            (csrf_field(&who.csrf))
            input type="hidden" name=(fields::REVISION) value=(revision);
            @if let Some(d) = direction {
                input type="hidden" name=(fields::DIRECTION) value=(d);
            }
            button.button.button--small.button--secondary[!warning].button--warning[warning] type="submit" {
                (text) span.visually-hidden { " " (hidden) }
            }
        }
    }
}

/// A question's options, with the buttons that change them.
fn options_list(who: &Viewer, slug: &str, q: &Question, revision: i32) -> Markup {
    let id = q.id().as_str();
    let last = q.options().len().saturating_sub(1);
    html! {
        h2.heading-m id=(fields::OPTIONS) tabindex="-1" { "Options" }
        @if matches!(q.kind(), QuestionKind::Scale { .. }) {
            p.body { "From the positive end. Options kept out of the score, such as \u{201c}Don't know\u{201d}, come last." }
        }
        ol.list.list--number.builder-list {
            @for (index, o) in q.options().iter().enumerate() {
                @let name = format!("option \u{201c}{}\u{201d}", o.label());
                li.builder-list__item {
                    div.builder-list__text {
                        (o.label()) " "
                        span.secondary-text { "(id " (o.id())
                            @if o.unscored() { ", kept out of the score" }
                            @if o.specify().is_some() { ", asks to specify" }
                        ")" }
                    }
                    div.builder-list__actions {
                        a.link-button href=(paths::draft_option(slug, id, o.id().as_str())) { "Change" span.visually-hidden { " " (name) } }
                        @if index > 0 { (button_form(who, &paths::draft_option_move(slug, id, o.id().as_str()), revision, Some("up"), "Move up", &name, false)) }
                        @if index < last { (button_form(who, &paths::draft_option_move(slug, id, o.id().as_str()), revision, Some("down"), "Move down", &name, false)) }
                        (button_form(who, &paths::draft_option_remove(slug, id, o.id().as_str()), revision, None, "Remove", &name, true))
                    }
                }
            }
        }
        p.body { a.button.button--secondary href=(paths::draft_add_option(slug, id)) { "Add an option" } }
    }
}

/// A draft's questions, with the buttons that change them.
pub fn questions_list(who: &Viewer, def: &SurveyDefinition, revision: i32) -> Markup {
    let slug = def.slug().as_str();
    let last = def.questions().len().saturating_sub(1);
    if def.questions().is_empty() {
        return html! {
            p.body { "No questions yet." }
            p.body { a.button.button--secondary href=(paths::draft_add_question(slug)) { "Add a question" } }
        };
    }
    html! {
        ol.list.list--number.builder-list.draft-questions {
            @for (index, q) in def.questions().iter().enumerate() {
                @let id = q.id().as_str();
                @let name = format!("question \u{201c}{}\u{201d}", q.short_label());
                li.builder-list__item {
                    div.builder-list__text {
                        (q.title()) " "
                        span.secondary-text { "(" (q.kind().as_str()) ", id " (q.id())
                            @if let Some(c) = q.show_if() { ", asked only when " (c.question) " is " (c.option) }
                        ")" }
                    }
                    div.builder-list__actions {
                        a.link-button href=(paths::draft_question(slug, id)) { "Change" span.visually-hidden { " " (name) } }
                        @if index > 0 { (button_form(who, &paths::draft_question_move(slug, id), revision, Some("up"), "Move up", &name, false)) }
                        @if index < last { (button_form(who, &paths::draft_question_move(slug, id), revision, Some("down"), "Move down", &name, false)) }
                        (button_form(who, &paths::draft_question_remove(slug, id), revision, None, "Remove", &name, true))
                    }
                }
            }
        }
        p.body { a.button.button--secondary href=(paths::draft_add_question(slug)) { "Add a question" } }
    }
}

/// What the option page shows.
#[derive(Debug)]
pub struct OptionPage<'a> {
    pub slug: &'a str,
    pub question: &'a Question,
    /// The option's id as stored, when editing one.
    pub stored: Option<&'a str>,
    pub form: &'a OptionForm,
    pub revision: i32,
    pub errors: &'a [SummaryItem],
    pub conflict: Option<&'a Conflict>,
}

/// Adds or edits one option of a question.
pub fn option_page(who: &Viewer, p: &OptionPage) -> Markup {
    let f = p.form;
    let e = |id: &str| error_for(p.errors, id);
    let qid = p.question.id().as_str();
    let action = match p.stored {
        Some(o) => paths::draft_option(p.slug, qid, o),
        None => paths::draft_add_option(p.slug, qid),
    };
    let heading = if p.stored.is_some() {
        "Change an option"
    } else {
        "Add an option"
    };
    let scale = matches!(p.question.kind(), QuestionKind::Scale { .. });
    let body = html! {
        (error_summary(p.errors))
        @if let Some(c) = p.conflict { (conflict_notice(c, "option")) }
        span.caption-l { (p.question.title()) }
        h1.heading-l { (heading) }
        form method="post" action=(action) novalidate {
            (csrf_field(&who.csrf))
            input type="hidden" name=(fields::REVISION) value=(p.revision);
            (hinted_input(fields::LABEL, "Label", Some("As residents read it."), "text", &f.label, "off", e(fields::LABEL)))
            (hinted_input(fields::OPTION_ID, "Id (optional when adding)", Some("Lower-case letters, digits and hyphens. Made from the label if empty. Answers and other waves find the option by its id: keep it unless the option now means something else."), "text", &f.id, "off", e(fields::OPTION_ID)))
            (hinted_input(fields::HINT, "Hint (optional)", Some("Shown under the option."), "text", &f.hint, "off", e(fields::HINT)))
            @if scale {
                (checkbox(fields::UNSCORED, "Keep it out of the score", "For an answer such as Don't know: counted and shown, but not part of the mean or the positive end. Such options come last.", f.unscored, e(fields::UNSCORED)))
            } @else {
                (hinted_input(fields::SPECIFY_LABEL, "\u{201c}Please specify\u{201d} box: its label (optional)", Some("For an option such as Other: residents who choose it are asked to say more. Leave empty for no box."), "text", &f.specify_label, "off", e(fields::SPECIFY_LABEL)))
                (hinted_input(fields::SPECIFY_LENGTH, "\u{201c}Please specify\u{201d} box: longest answer, in characters", Some("For example, 100. At most 1000."), "text", &f.specify_length, "off", e(fields::SPECIFY_LENGTH)))
            }
            button.button type="submit" { "Save option" }
        }
        p.body { a href=(paths::draft_question(p.slug, qid)) { "Back to the question" } }
    };
    let mut layout = officer_layout(heading, who);
    layout.has_errors = !p.errors.is_empty() || p.conflict.is_some();
    page(&layout, body)
}
