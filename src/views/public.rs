//! The public results page residents read (no sign-in, no JavaScript), and
//! the admin page that chooses what it shows and publishes it.

use maud::{Markup, PreEscaped, html};

use super::layout::{Layout, SummaryItem, Viewer, csrf_field, error_summary, page};
use super::officer::officer_layout;
use crate::charts::bars::{published_bars, published_breakdown_bars};
use crate::domain::SurveyDefinition;
use crate::stats::public::{PublicQuestion, PublicResults, publishable_kind};
use crate::{fields, paths};

/// What the public page shows.
pub struct PublicPageView<'a> {
    pub survey: &'a SurveyDefinition,
    pub results: &'a PublicResults,
    pub you_said: &'a str,
    /// "3 December 2026": when the figures were taken.
    pub as_at: String,
}

fn table(q: &PublicQuestion) -> Markup {
    html! {
        table.table {
            caption.caption-m { (q.label) " " span.secondary-text { "(of " (q.base.unwrap_or(0)) " respondents)" } }
            thead { tr { th scope="col" { "Answer" } th.numeric scope="col" { "People" } th.numeric scope="col" { "Share" } } }
            tbody {
                @for row in &q.rows {
                    tr {
                        th scope="row" { (row.label) }
                        @match (row.count, row.percent) {
                            (Some(count), Some(percent)) => {
                                td.numeric { (count) }
                                td.numeric { (percent) "%" }
                            }
                            _ => {
                                td.numeric colspan="2" { "Not shown" }
                            }
                        }
                    }
                }
                @if let Some(rest) = &q.not_shown {
                    tr {
                        th scope="row" { (rest.label) }
                        td.numeric { (rest.count.unwrap_or(0)) }
                        td.numeric { (rest.percent.unwrap_or(0)) "%" }
                    }
                }
            }
        }
    }
}

fn breakdown(q: &PublicQuestion) -> Markup {
    let Some(b) = &q.breakdown else {
        return html! {};
    };
    html! {
        @if let Some(why) = &b.withheld {
            p.body.secondary-text { (why) }
        } @else {
            @let title = format!("{}, by {}", q.label, b.by.to_lowercase());
            @if let Ok(svg) = published_breakdown_bars(&b.groups, &b.rows, &title, &format!("public-breakdown-{}", q.id)) {
                figure.chart-figure { (svg) }
            }
            table.table {
                caption.caption-s { (q.label) ", by " (b.by.to_lowercase()) }
                thead {
                    tr {
                        th scope="col" { "Answer" }
                        @for (group, base) in &b.groups {
                            th.numeric scope="col" { (group) " " span.secondary-text { "(of " (base) ")" } }
                        }
                    }
                }
                tbody {
                    @for (label, cells) in &b.rows {
                        tr {
                            th scope="row" { (label) }
                            @for (count, percent) in cells {
                                td.numeric { (count) " (" (percent) "%)" }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn question(q: &PublicQuestion, n: usize) -> Markup {
    html! {
        section.public-question {
            h2.heading-m { (q.label) }
            @if let Some(why) = &q.withheld {
                p.body { (why) " So that no one can be identified, its figures are not published." }
            } @else {
                @let shown: Vec<(String, u64, u64)> = q.rows.iter().filter_map(|r| Some((r.label.clone(), r.count?, r.percent?))).collect();
                @match published_bars(&shown, q.base.unwrap_or(0), &q.label, &format!("public-chart-{n}")) {
                    Ok(svg) => { figure.chart-figure { (svg) } }
                    Err(_) => {}
                }
                (table(q))
                (breakdown(q))
            }
        }
    }
}

/// The public page.
pub fn public_page(p: &PublicPageView) -> Markup {
    let slug = p.survey.slug().as_str();
    let layout = Layout {
        title: "What you told us",
        header: Some(p.survey.title()),
        header_href: Some(&p.survey_href()),
        wide: true,
        privacy_for: Some(p.survey.slug()),
        ..Layout::default()
    };
    let body = html! {
        h1.heading-l { "What you told us" }
        p.body-l {
            (p.results.responses) " people completed " (p.survey.title()) ". These are the figures as at " (p.as_at) "."
        }
        @if !p.you_said.trim().is_empty() {
            h2.heading-m { "You said, we did" }
            @for paragraph in p.you_said.split("\n\n").filter(|s| !s.trim().is_empty()) {
                p.body { (paragraph.trim()) }
            }
        }
        div.inset-text {
            p.body {
                "To protect people\u{2019}s privacy, no figure below counts fewer than " (p.results.k)
                " people. Where an answer was chosen by fewer, it is marked \u{201c}Not shown\u{201d}, and so, where needed, is another answer, so that it cannot be worked out from the rest. Written answers are never published."
            }
            p.body { a href=(paths::public_results_csv(slug)) { "Download these figures (CSV, open data)" } }
        }
        @for (n, q) in p.results.questions.iter().enumerate() {
            (question(q, n))
        }
    };
    page(&layout, body)
}

/// The public page of results published to be shown once the survey has
/// closed, while it is still open.
pub fn public_waiting_page(
    survey: &SurveyDefinition,
    closes: Option<chrono::DateTime<chrono::Utc>>,
) -> Markup {
    let layout = Layout {
        title: "What you told us",
        header: Some(survey.title()),
        privacy_for: Some(survey.slug()),
        ..Layout::default()
    };
    let body = html! {
        h1.heading-l { "What you told us" }
        p.body-l #waiting {
            "The results of " (survey.title()) " will be published here once the survey has closed"
            @if let Some(closes) = closes { ", on " (super::resident::closed_day(closes)) }
            "."
        }
        p.body { a href=(paths::start(survey.slug())) { "Take part in the survey" } }
    };
    page(&layout, body)
}

impl PublicPageView<'_> {
    fn survey_href(&self) -> String {
        paths::public_results(self.survey.slug().as_str())
    }
}

/// What the admin page shows.
pub struct PublicAdminPage<'a> {
    pub survey: &'a SurveyDefinition,
    pub questions: &'a [String],
    pub breakdown: Option<&'a str>,
    pub you_said: &'a str,
    /// Shown only once the survey has closed (else live).
    pub after_closing: bool,
    pub published: bool,
    /// Who last changed it, and when.
    pub updated: Option<(String, String)>,
    /// The published figures, as the public sees them.
    pub preview: Option<&'a PublicResults>,
}

/// The admin page: choose the questions, a breakdown and the words, then
/// publish or unpublish.
pub fn public_admin_page(who: &Viewer, p: &PublicAdminPage, errors: &[SummaryItem]) -> Markup {
    let slug = p.survey.slug().as_str();
    let title = format!("Public results: {}", p.survey.title());
    let mut layout = officer_layout(&title, who);
    layout.has_errors = !errors.is_empty();
    let question_error = errors
        .iter()
        .find(|e| e.href == format!("#{}", fields::PUBLIC_QUESTIONS));
    let you_said_error = errors
        .iter()
        .find(|e| e.href == format!("#{}", fields::YOU_SAID));
    let body = html! {
        (error_summary(errors))
        h1.heading-l { (title) }
        @if p.published {
            div.notification role="status" {
                p.body {
                    "Published at " a href=(paths::public_results(slug)) { (paths::public_results(slug)) }
                    ". The figures move on only once at least " (p.preview.map_or(0, |r| r.k)) " more responses have arrived, so that comparing two versions never picks anyone out."
                }
            }
        } @else {
            p.body { "Not published. Residents see nothing until you publish." }
        }
        @if let Some((by, at)) = &p.updated { p.body.secondary-text { "Last changed by " (by) " at " (at) "." } }
        form method="post" action=(paths::public_admin(slug)) novalidate {
            (csrf_field(&who.csrf))
            div class={ "form-group" @if question_error.is_some() { " form-group--error" } } {
                fieldset.fieldset id=(fields::PUBLIC_QUESTIONS) {
                    legend.fieldset__legend.fieldset__legend--m { "Questions to publish" }
                    p.hint { "Free-text answers are never published. A figure under the threshold is not shown." }
                    @if let Some(e) = question_error { p.error-message { span.visually-hidden { "Error: " } (e.message) } }
                    div.checkboxes {
                        @for (i, q) in p.survey.questions().iter().filter(|q| publishable_kind(q.kind())).enumerate() {
                            @let id = if i == 0 { fields::PUBLIC_QUESTIONS.to_owned() + "-first" } else { format!("{}-{}", fields::PUBLIC_QUESTIONS, q.id()) };
                            div.checkboxes__item {
                                input.checkboxes__input type="checkbox" id=(id) name=(fields::PUBLIC_QUESTIONS) value=(q.id().as_str()) checked[p.questions.iter().any(|c| c == q.id().as_str())];
                                label.label.checkboxes__label for=(id) { (q.short_label()) }
                            }
                        }
                    }
                }
            }
            div.form-group {
                label.label.label--s for=(fields::PUBLIC_BREAKDOWN) { "Break the tables down by" }
                p.hint id=(format!("{}-hint", fields::PUBLIC_BREAKDOWN)) { "Shown for a question only where every group and every answer within it has enough people." }
                select.select id=(fields::PUBLIC_BREAKDOWN) name=(fields::PUBLIC_BREAKDOWN) aria-describedby=(format!("{}-hint", fields::PUBLIC_BREAKDOWN)) {
                    option value="" selected[p.breakdown.is_none()] { "No breakdown" }
                    @for q in p.survey.questions().iter().filter(|q| q.kind().is_one_choice() && q.show_if().is_none()) {
                        option value=(q.id().as_str()) selected[p.breakdown == Some(q.id().as_str())] { (q.short_label()) }
                    }
                }
            }
            div.form-group {
                fieldset.fieldset id=(fields::PUBLIC_WHEN) {
                    legend.fieldset__legend.fieldset__legend--m { "When residents see the figures" }
                    div.radios {
                        div.choice {
                            input.choice__input id={ (fields::PUBLIC_WHEN) "-live" } name=(fields::PUBLIC_WHEN) type="radio" value="live" checked[!p.after_closing];
                            label.choice__label for={ (fields::PUBLIC_WHEN) "-live" } { "As responses come in" }
                        }
                        div.choice {
                            input.choice__input id={ (fields::PUBLIC_WHEN) "-after-closing" } name=(fields::PUBLIC_WHEN) type="radio" value="after-closing" checked[p.after_closing];
                            label.choice__label for={ (fields::PUBLIC_WHEN) "-after-closing" } { "Only once the survey has closed" }
                        }
                    }
                }
            }
            div class={ "form-group" @if you_said_error.is_some() { " form-group--error" } } {
                label.label.label--s for=(fields::YOU_SAID) { "You said, we did" }
                p.hint id=(format!("{}-hint", fields::YOU_SAID)) { "What the partnership will do about what residents said. Leave a blank line between paragraphs." }
                @if let Some(e) = you_said_error { p.error-message { span.visually-hidden { "Error: " } (e.message) } }
                textarea.textarea id=(fields::YOU_SAID) name=(fields::YOU_SAID) rows="8" aria-describedby=(format!("{}-hint", fields::YOU_SAID)) { (p.you_said) }
            }
            div.button-group {
                button.button type="submit" name=(fields::PUBLIC_ACTION) value="publish" { @if p.published { "Save and publish" } @else { "Publish" } }
                @if p.published {
                    button.button.button--secondary type="submit" name=(fields::PUBLIC_ACTION) value="unpublish" { "Unpublish" }
                } @else {
                    button.button.button--secondary type="submit" name=(fields::PUBLIC_ACTION) value="save" { "Save without publishing" }
                }
            }
        }
        @if let Some(preview) = p.preview {
            h2.heading-m { "What the public page shows" }
            @for q in &preview.questions {
                @if let Some(why) = &q.withheld { p.body { strong { (q.label) ": " } (why) } }
                @else {
                    p.body { strong { (q.label) ": " } (q.rows.iter().filter(|r| r.count.is_none()).count()) " of " (q.rows.len()) " answers not shown" }
                }
            }
        }
    };
    page(&layout, PreEscaped(body.into_string()))
}
