//! The resident's pages: start, one question per page, check your answers,
//! confirmation, and the pages for a closed survey or a lost draft. They work
//! without JavaScript and follow GOV.UK Design System patterns.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::layout::{FieldError, SummaryItem, csrf_field, error_summary, honeypot};
use super::{Layout, page};
use crate::domain::draft::DraftProblem;
use crate::domain::{
    Availability, DraftAnswers, Entered, Question, QuestionKind, SurveyDefinition,
};
use crate::fields;
use crate::paths::{self, Walk};

/// A resident page's layout: the survey's title in the header, linking to
/// its start page; on a preview's pages, the banner that says so.
fn layout<'a>(def: &'a SurveyDefinition, title: &'a str, walk: &'a Walk) -> Layout<'a> {
    Layout {
        title,
        header: Some(def.title()),
        header_href: Some(walk.start_href()),
        preview_exit: walk.exit(),
        // A preview's draft may have no published notice yet.
        privacy_for: walk.exit().is_none().then(|| def.slug()),
        ..Layout::default()
    }
}

/// "3 March 2019".
pub fn long_date(moment: DateTime<Utc>) -> String {
    moment.format("%-d %B %Y").to_string()
}

/// The day a survey closed, as people count days: one that closed at
/// midnight, as a survey closing "at the end of" a day does, closed on the
/// day before.
pub fn closed_day(at: DateTime<Utc>) -> String {
    long_date(at - chrono::Duration::nanoseconds(1))
}

/// The public start page: purpose, who may answer, time, closing date,
/// privacy notice, and the start button.
pub fn start_page(
    def: &SurveyDefinition,
    walk: &Walk,
    availability: Availability,
    csrf: &str,
    channel: Option<&str>,
) -> Markup {
    let body = html! {
        span.caption-l { (def.organisation()) }
        h1.heading-xl { (def.title()) }
        @for paragraph in def.purpose().split("\n\n") {
            p.body-l { (paragraph) }
        }
        h2.heading-m { "Who can answer" }
        p.body { (def.who_can_answer()) }
        h2.heading-m { "Before you start" }
        ul.list.list--bullet {
            li { "It takes " (def.time_to_complete()) "." }
            li { (skip_rule(def)) }
            li {
                @match def.last_day() {
                    Some(last) => { "The survey closes at the end of " (last.format("%-d %B %Y")) "." }
                    None => { "There is no closing date." }
                }
            }
        }
        @match availability {
            Availability::Open => {
                form method="post" action=(walk.begin()) novalidate {
                    (csrf_field(csrf))
                    (honeypot())
                    @if let Some(channel) = channel {
                        input type="hidden" name=(fields::CHANNEL) value=(channel);
                    }
                    button.button.button--start type="submit" {
                        "Start now"
                        svg.button__start-icon xmlns="http://www.w3.org/2000/svg" width="17.5" height="19" viewBox="0 0 33 40" aria-hidden="true" focusable="false" {
                            path fill="currentColor" d="M0 0h13l20 20-20 20H0l20-20z" {}
                        }
                    }
                }
            }
            Availability::NotYetOpen(opens) => {
                div.inset-text { "This survey opens on " (long_date(opens)) ". You cannot answer it yet." }
            }
            Availability::Closed(closed) => {
                div.inset-text { "This survey closed on " (closed_day(closed)) ". Thank you to everyone who took part." }
            }
        }
        h2.heading-m #privacy { "How we use your answers" }
        @for paragraph in def.privacy().split("\n\n") {
            p.body { (paragraph) }
        }
        @if walk.exit().is_none() {
            p.body { a href=(paths::survey_privacy(def.slug())) { "Read the full privacy notice" } }
        }
    };
    page(&layout(def, def.title(), walk), body)
}

/// Which questions must be answered, in a sentence.
fn skip_rule(def: &SurveyDefinition) -> String {
    let required: Vec<&str> = def
        .questions()
        .iter()
        .filter(|q| q.required())
        .map(|q| q.short_label())
        .collect();
    if required.is_empty() {
        "You can skip any question you do not want to answer.".to_owned()
    } else {
        format!("You can skip any question except: {}.", required.join(", "))
    }
}

/// Everything a question page shows.
#[derive(Debug)]
pub struct QuestionPage<'a> {
    pub survey: &'a SurveyDefinition,
    pub question: &'a Question,
    /// What to show as ticked and typed: the saved answer, or what was just sent.
    pub entered: &'a Entered,
    pub error: Option<&'a FieldError>,
    /// An error that belongs to another page (answer the parent question first).
    pub elsewhere: Option<SummaryItem>,
    pub back_href: &'a str,
    pub action: &'a str,
    pub csrf: &'a str,
    /// The live survey's pages, or a preview's.
    pub walk: &'a Walk,
}

/// The error summary of a question page: an error that belongs to another
/// page, then the error at this page's input.
fn error_items(p: &QuestionPage) -> Vec<SummaryItem> {
    let mut summary: Vec<SummaryItem> = p.elsewhere.iter().cloned().collect();
    if let Some(e) = p.error {
        summary.push(SummaryItem::at(&e.field, e.message.clone()));
    }
    summary
}

/// One question on its own page: radios or checkboxes in a fieldset whose
/// legend is the page heading, or for a text question a text area whose
/// label is the page heading.
pub fn question_page(p: &QuestionPage) -> Markup {
    let q = p.question;
    if let QuestionKind::Text { max_length } = q.kind() {
        return text_question_page(p, max_length.get());
    }
    let multiple = matches!(q.kind(), QuestionKind::Multiple { .. });
    let input_type = if multiple { "checkbox" } else { "radio" };
    let summary = error_items(p);
    let group_error = p.error.filter(|e| e.field == fields::ANSWER);
    let hint_id = format!("{}-hint", q.id());
    let described_by = {
        let mut ids = Vec::new();
        if q.hint().is_some() {
            ids.push(hint_id.clone());
        }
        if group_error.is_some() {
            ids.push(format!("{}-error", q.id()));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let input = html! {
        fieldset.fieldset aria-describedby=[described_by] {
            legend.fieldset__legend {
                span.caption-l { (p.survey.title()) }
                h1.fieldset__heading { (q.title()) }
            }
            @if let Some(hint) = q.hint() {
                div.hint id=(hint_id) { (hint) }
            }
            @if let Some(e) = group_error {
                p.error-message id=(format!("{}-error", q.id())) {
                    span.visually-hidden { "Error:" } " " (e.message)
                }
            }
            div class=(if multiple { "checkboxes" } else { "radios" }) {
                @for (index, option) in q.options().iter().enumerate() {
                    @let id = fields::answer_input(index);
                    @let option_hint = format!("{id}-hint");
                    div.choice {
                        input.choice__input id=(id) name=(fields::ANSWER) type=(input_type)
                            value=(option.id()) checked[p.entered.is_chosen(option.id().as_str())]
                            aria-describedby=[option.hint().map(|_| option_hint.as_str())];
                        label.choice__label for=(id) { (option.label()) }
                        @if let Some(hint) = option.hint() {
                            div.hint.choice__hint id=(option_hint) { (hint) }
                        }
                    }
                    @if let Some(specify) = option.specify() {
                        @let field = fields::specify(option.id().as_str());
                        @let error = p.error.filter(|e| e.field == field);
                        div.choice__conditional.form-group--error[error.is_some()] {
                            label.label for=(field) { (specify.label) }
                            @if let Some(e) = error {
                                p.error-message id=(format!("{field}-error")) {
                                    span.visually-hidden { "Error:" } " " (e.message)
                                }
                            }
                            input.input.input--error[error.is_some()] id=(field) name=(field) type="text"
                                spellcheck="true" autocomplete="off"
                                value=(p.entered.specify.get(option.id().as_str()).map_or("", String::as_str))
                                aria-describedby=[error.map(|_| format!("{field}-error"))];
                        }
                    }
                }
            }
        }
    };
    question_form(p, &summary, group_error.is_some(), input)
}

/// A text question: the label is the page heading, the hint says how much
/// may be typed, and what was typed comes back after an error.
fn text_question_page(p: &QuestionPage, max_length: usize) -> Markup {
    let q = p.question;
    let summary = error_items(p);
    let error = p.error.filter(|e| e.field == fields::ANSWER);
    let hint_id = format!("{}-hint", fields::ANSWER);
    let error_id = format!("{}-error", fields::ANSWER);
    let described_by = if error.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    let input = html! {
        h1.label-wrapper {
            span.caption-l { (p.survey.title()) }
            label.label.fieldset__heading for=(fields::ANSWER) { (q.title()) }
        }
        div.hint id=(hint_id) {
            @if let Some(hint) = q.hint() { (hint) " " }
            "You can enter up to " (max_length) " characters."
        }
        @if let Some(e) = error {
            p.error-message id=(error_id) {
                span.visually-hidden { "Error:" } " " (e.message)
            }
        }
        textarea.textarea.textarea--error[error.is_some()] id=(fields::ANSWER) name=(fields::ANSWER)
            rows="6" spellcheck="true" aria-describedby=(described_by) {
                // HTML drops a newline right after <textarea>: this one, so
                // an answer that starts with a line break keeps it.
                "\n" (p.entered.text)
            }
    };
    question_form(p, &summary, error.is_some(), input)
}

/// A question page around its `input`: the error summary, the form with its
/// CSRF token and honeypot, the input in its form group, Continue, and the
/// layout with the back link.
fn question_form(
    p: &QuestionPage,
    summary: &[SummaryItem],
    has_error: bool,
    input: Markup,
) -> Markup {
    let body = html! {
        (error_summary(summary))
        form method="post" action=(p.action) novalidate {
            (csrf_field(p.csrf))
            (honeypot())
            div.form-group.form-group--error[has_error] {
                (input)
            }
            button.button type="submit" { "Continue" }
        }
    };
    let mut layout = layout(p.survey, p.question.title(), p.walk);
    layout.back_href = Some(p.back_href);
    layout.has_errors = !summary.is_empty();
    page(&layout, body)
}

/// How an answer reads on check-your-answers.
fn answer_text(question: &Question, answers: &DraftAnswers) -> Markup {
    let Some(answer) = answers.get(question.id()).filter(|a| !a.is_skipped()) else {
        return html! { span.secondary-text { "Not answered" } };
    };
    if let Some(text) = answer.text() {
        return html! { span.answer-text { (text) } };
    }
    let line = |option: &crate::domain::OptionId| {
        let label = question.option(option.as_str()).map_or("", |o| o.label());
        html! {
            (label)
            @if let Some(text) = answer.specify(option) { ": " (text) }
        }
    };
    html! {
        @if answer.chosen().len() == 1 {
            (line(&answer.chosen()[0]))
        } @else {
            ul.list {
                @for option in answer.chosen() { li { (line(option)) } }
            }
        }
    }
}

/// Check your answers: every question shown, its answer and a change link,
/// then the submit button.
pub fn check_page(
    def: &SurveyDefinition,
    walk: &Walk,
    answers: &DraftAnswers,
    errors: &[SummaryItem],
    back_href: &str,
    csrf: &str,
) -> Markup {
    let body = html! {
        (error_summary(errors))
        span.caption-l { (def.title()) }
        h1.heading-l { "Check your answers before submitting" }
        dl.summary-list {
            @for question in answers.applicable(def) {
                div.summary-list__row {
                    dt.summary-list__key { (question.short_label()) }
                    dd.summary-list__value { (answer_text(question, answers)) }
                    dd.summary-list__actions {
                        a href=(walk.question(question.id(), true)) {
                            "Change" span.visually-hidden { " " (question.short_label()) }
                        }
                    }
                }
            }
        }
        h2.heading-m { "Now submit your response" }
        p.body { "Your answers are stored anonymously. You cannot change them after you submit." }
        form method="post" action=(walk.submit()) novalidate {
            (csrf_field(csrf))
            button.button type="submit" data-prevent-double-click="true" { "Submit response" }
        }
    };
    let mut layout = layout(def, "Check your answers", walk);
    layout.back_href = Some(back_href);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}

/// The confirmation page, shown only after the response is stored.
pub fn done_page(def: &SurveyDefinition, walk: &Walk) -> Markup {
    let body = html! {
        div.panel {
            h1.panel__title { "Response submitted" }
            div.panel__body { "Thank you for taking part" }
        }
        h2.heading-m { "What happens next" }
        p.body {
            "Your answers have been recorded. " (def.organisation())
            " will use them, with everyone else's, to decide its community safety priorities."
        }
        p.body { "You can now close this page." }
        @if let Some(exit) = walk.exit() {
            div.inset-text {
                "This was a preview: a resident would see this page once their response was stored. Nothing was stored. "
                a href=(exit) { "Back to the draft" }
            }
        }
    };
    page(&layout(def, "Response submitted", walk), body)
}

/// A survey that is not open: says when it opens or when it closed.
pub fn closed_page(def: &SurveyDefinition, availability: Availability) -> Markup {
    let walk = Walk::live(def.slug());
    let (title, text) = match availability {
        Availability::NotYetOpen(opens) => (
            "This survey is not open yet",
            format!("You can answer it from {}.", long_date(opens)),
        ),
        Availability::Closed(closed) => (
            "This survey has closed",
            format!(
                "It closed on {}, so no more answers can be accepted. Thank you for your interest.",
                closed_day(closed)
            ),
        ),
        Availability::Open => ("This survey is open", String::new()),
    };
    let body = html! {
        h1.heading-l { (title) }
        p.body { (text) }
        p.body { a href=(walk.start_href()) { "About this survey" } }
    };
    page(&layout(def, title, &walk), body)
}

/// The page for a draft that is gone, with a way to start again.
pub fn draft_problem_page(def: &SurveyDefinition, problem: DraftProblem, csrf: &str) -> Markup {
    let walk = Walk::live(def.slug());
    let (title, text) = match problem {
        DraftProblem::NotRecognised => (
            "We could not find your answers",
            "The link or cookie your browser sent does not match any answers in progress. Nothing has been saved from this page.",
        ),
        DraftProblem::Expired => (
            "Your answers have timed out",
            "You did not continue for a long time, so your answers in progress were not kept. Nothing has been saved from this page.",
        ),
    };
    let body = html! {
        h1.heading-l { (title) }
        p.body { (text) }
        p.body { "You can start the survey again. It takes " (def.time_to_complete()) "." }
        form method="post" action=(paths::begin(def.slug())) novalidate {
            (csrf_field(csrf))
            button.button type="submit" { "Start again" }
        }
    };
    page(&layout(def, title, &walk), body)
}

/// The list of surveys, at `/` when there is no single default.
pub fn survey_list(surveys: &[&SurveyDefinition]) -> Markup {
    let body = html! {
        h1.heading-xl { "Surveys" }
        @if surveys.is_empty() {
            p.body { "There are no surveys." }
        } @else {
            ul.list {
                @for def in surveys {
                    li { a href=(paths::start(def.slug())) { (def.title()) } }
                }
            }
        }
    };
    page(
        &Layout {
            title: "Surveys",
            ..Layout::default()
        },
        body,
    )
}
