//! A survey's retention page: the two periods, what will be deleted and
//! when, the button that deletes what is due now, and the job's last runs.

use chrono::{DateTime, NaiveDateTime, Utc};
use maud::{Markup, html};

use super::layout::{SummaryItem, Viewer, csrf_field, error_summary, page};
use super::officer::{error_for, hinted_input, officer_layout};
use crate::domain::retention::{Fate, fields};
use crate::paths;

/// One run of the job, as the page lists it.
#[derive(Debug, Clone)]
pub struct RunLine {
    pub at: NaiveDateTime,
    pub started_by: String,
    pub free_texts: i64,
    pub responses: i64,
}

/// What the retention page shows.
#[derive(Debug)]
pub struct RetentionPage<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    /// The periods as typed or stored ("" for keep).
    pub free_text: &'a str,
    pub responses: &'a str,
    /// Where free text and responses stand under the stored periods (not
    /// what was typed into a refused form).
    pub free_text_fate: Fate,
    pub responses_fate: Fate,
    /// Who last set them, and when.
    pub set: Option<(&'a str, NaiveDateTime)>,
    /// When the survey closed; none while it is open.
    pub closed: Option<DateTime<Utc>>,
    pub free_texts_held: i64,
    pub responses_held: i64,
    pub free_text_deleted_at: Option<NaiveDateTime>,
    pub responses_deleted_at: Option<NaiveDateTime>,
    /// Whether the delete-now button has anything to do.
    pub deletes_now: bool,
    pub runs: &'a [RunLine],
}

fn day(d: DateTime<Utc>) -> String {
    d.format("%-d %B %Y").to_string()
}

/// When one kind of data goes, in words.
fn schedule(fate: Fate) -> String {
    match fate {
        Fate::Kept => "Kept: no period is set.".to_owned(),
        Fate::WhileOpen => {
            "Kept while the survey is open: the period starts on the day it closes.".to_owned()
        }
        Fate::DueSince(d) => format!(
            "Due since {}: deleted at the next run of the job, or now with the button below.",
            day(d)
        ),
        Fate::DueOn(d) => format!("To be deleted on {}.", day(d)),
    }
}

/// The retention page of one survey.
pub fn retention_page(who: &Viewer, p: &RetentionPage, errors: &[SummaryItem]) -> Markup {
    let title = format!("Retention: {}", p.title);
    let body = html! {
        (error_summary(errors))
        h1.heading-l { (title) }
        p.body {
            "How long this survey's answers are kept after it closes, as its privacy notice tells residents. "
            "Deleting free text empties the text answers and \u{201c}please specify\u{201d} details but keeps the answers themselves, "
            "so every count and percentage stays as it is. Deleting responses removes them whole. Figures already published stay published."
        }
        h2.heading-m { "What will be deleted, and when" }
        @if let Some(closed) = p.closed {
            p.body #closed { "The survey closed on " (day(closed)) "." }
        } @else {
            p.body #closed { "The survey has not closed." }
        }
        dl.summary-list #schedule {
            div.summary-list__row {
                dt.summary-list__key { "Free text" }
                dd.summary-list__value {
                    (p.free_texts_held) " held. " (schedule(p.free_text_fate))
                    @if let Some(at) = p.free_text_deleted_at { " Last deleted " (at.format("%-d %B %Y %H:%M")) " UTC." }
                }
            }
            div.summary-list__row {
                dt.summary-list__key { "Responses" }
                dd.summary-list__value {
                    (p.responses_held) " held. " (schedule(p.responses_fate))
                    @if let Some(at) = p.responses_deleted_at { " Last deleted " (at.format("%-d %B %Y %H:%M")) " UTC." }
                }
            }
        }
        @if p.deletes_now {
            form method="post" action=(paths::retention_purge(p.slug)) {
                (csrf_field(&who.csrf))
                button.button.button--warning type="submit" { "Delete what is due now" }
            }
        }
        h2.heading-m { "Retention periods" }
        form method="post" action=(paths::retention(p.slug)) novalidate {
            (csrf_field(&who.csrf))
            (hinted_input(fields::FREE_TEXT, "Delete free text this many months after the survey closes",
                Some("Whole months, at least as long as the survey was open. Leave blank to keep free text as long as the responses."),
                "text", p.free_text, "off", error_for(errors, fields::FREE_TEXT)))
            (hinted_input(fields::RESPONSES, "Delete responses this many months after the survey closes",
                Some("Leave blank to keep the anonymous responses, to compare with later surveys."),
                "text", p.responses, "off", error_for(errors, fields::RESPONSES)))
            button.button type="submit" { "Save the periods" }
        }
        @if let Some((by, at)) = p.set {
            p.body.hint { "Last set by " (by) " on " (at.format("%-d %B %Y %H:%M")) " UTC." }
        }
        h2.heading-m { "The retention job's last runs" }
        @if p.runs.is_empty() {
            p.body { "The job has not run yet. It runs when the service starts and then every hour." }
        } @else {
            div.table-scroll tabindex="0" role="region" aria-label="Retention runs: table, scrolls sideways on narrow screens" {
                table.table #runs {
                    caption.visually-hidden { "The retention job's last runs, newest first" }
                    thead { tr { th scope="col" { "When (UTC)" } th scope="col" { "Started by" } th scope="col" { "Free text deleted" } th scope="col" { "Responses deleted" } } }
                    tbody {
                        @for r in p.runs {
                            tr { td { (r.at.format("%Y-%m-%d %H:%M:%S")) } td { (r.started_by) } td { (r.free_texts) } td { (r.responses) } }
                        }
                    }
                }
            }
        }
        p.body { a href=(paths::officers()) { "Back to the surveys" } }
    };
    let mut layout = officer_layout(&title, who);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}
