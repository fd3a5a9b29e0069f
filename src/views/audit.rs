//! The audit log page: who did what, when, to which survey, filtered and
//! paged, with the same entries as CSV.

use maud::{Markup, html};

use super::layout::{Viewer, page};
use super::officer::officer_layout;
use crate::domain::audit::{AuditAction, AuditEntry, AuditFilter, keys};
use crate::paths;

/// What the audit page shows.
#[derive(Debug)]
pub struct AuditPage<'a> {
    pub filter: &'a AuditFilter,
    /// Every officer's email address, for the filter.
    pub officers: &'a [String],
    /// Every survey the log names, for the filter.
    pub surveys: &'a [String],
    pub entries: &'a [AuditEntry],
    /// How many entries match the filter.
    pub total: u64,
    pub page: u64,
    pub per_page: u64,
}

/// The stored action's label, or the stored name if this build has none.
fn action_label(action: &str) -> &str {
    match AuditAction::parse(action) {
        Some(known) => known.label(),
        None => action,
    }
}

/// The filter form: action, officer, survey, and a range of days.
fn filter_form(p: &AuditPage) -> Markup {
    let f = p.filter;
    html! {
        form.filters method="get" action=(paths::audit()) {
            fieldset.fieldset {
                legend.fieldset__legend { h2.heading-m { "Filter the log" } }
                div.filters__row {
                    div.filters__item {
                        label.label for=(keys::ACTION) { "What was done" }
                        select.select id=(keys::ACTION) name=(keys::ACTION) {
                            option value="" selected[f.action.is_none()] { "Anything" }
                            @for action in AuditAction::ALL {
                                option value=(action.as_str()) selected[f.action == Some(action)] { (action.label()) }
                            }
                        }
                    }
                    div.filters__item {
                        label.label for=(keys::OFFICER) { "Officer" }
                        select.select id=(keys::OFFICER) name=(keys::OFFICER) {
                            option value="" selected[f.officer.is_none()] { "Anyone" }
                            @for email in p.officers {
                                option value=(email) selected[f.officer.as_ref() == Some(email)] { (email) }
                            }
                        }
                    }
                    div.filters__item {
                        label.label for=(keys::SURVEY) { "Survey" }
                        select.select id=(keys::SURVEY) name=(keys::SURVEY) {
                            option value="" selected[f.survey.is_none()] { "Any survey" }
                            @for slug in p.surveys {
                                option value=(slug) selected[f.survey.as_ref() == Some(slug)] { (slug) }
                            }
                        }
                    }
                    div.filters__item {
                        label.label for=(keys::FROM) { "From (UTC)" }
                        input.input id=(keys::FROM) name=(keys::FROM) type="date" value=[f.from.map(|d| d.to_string())];
                    }
                    div.filters__item {
                        label.label for=(keys::TO) { "To (UTC)" }
                        input.input id=(keys::TO) name=(keys::TO) type="date" value=[f.to.map(|d| d.to_string())];
                    }
                }
                button.button type="submit" { "Apply" }
                @if *f != AuditFilter::default() {
                    " "
                    a.filters__clear href=(paths::audit()) { "Clear filters" }
                }
            }
        }
    }
}

/// The audit log, newest first, a page at a time.
pub fn audit_page(who: &Viewer, p: &AuditPage) -> Markup {
    let query = p.filter.query_string();
    let pages = p.total.div_ceil(p.per_page).max(1);
    let title = if pages > 1 {
        format!("Audit log (page {} of {pages})", p.page)
    } else {
        "Audit log".to_owned()
    };
    let first = (p.page - 1) * p.per_page + 1;
    let page_link = |n: u64| {
        let mut q = query.clone();
        if !q.is_empty() {
            q.push('&');
        }
        q.push_str(&format!("{}={n}", keys::PAGE));
        paths::audit_with(&q)
    };
    let body = html! {
        h1.heading-l { (title) }
        p.body {
            "Every sign-in, export, change to a survey, publication, officer account, API token, weighting and retention purge: who, what, when and which survey. "
            "Entries cannot be changed or deleted, and hold no answers."
        }
        (filter_form(p))
        p.body role="status" #audit-count {
            (p.total) @if p.total == 1 { " entry" } @else { " entries" }
            @if p.total > 0 { ", newest first: " (first) " to " ((first - 1 + p.entries.len() as u64)) "." } @else { "." }
            " "
            a href=(paths::audit_csv(&query)) { "Download these entries as CSV" }
        }
        @if !p.entries.is_empty() {
            div.table-scroll tabindex="0" role="region" aria-label="Audit log: table, scrolls sideways on narrow screens" {
                table.table {
                    caption.visually-hidden { "Audit log, newest first" }
                    thead {
                        tr {
                            th scope="col" { "When (UTC)" }
                            th scope="col" { "Officer" }
                            th scope="col" { "What" }
                            th scope="col" { "Survey" }
                            th scope="col" { "Detail" }
                        }
                    }
                    tbody {
                        @for e in p.entries {
                            tr {
                                td { (e.at.format("%Y-%m-%d %H:%M:%S")) }
                                td { (e.officer_email.as_deref().unwrap_or("\u{2014}")) }
                                td data-action=(e.action) { (action_label(&e.action)) }
                                td { (e.survey_slug.as_deref().unwrap_or("\u{2014}")) }
                                td data-detail { (e.detail) }
                            }
                        }
                    }
                }
            }
        }
        @if pages > 1 {
            nav.pagination aria-label="Pages of the audit log" {
                @if p.page > 1 {
                    a.pagination__link rel="prev" href=(page_link(p.page - 1)) { "Previous page" }
                    " "
                }
                span.pagination__current aria-current="page" { "Page " (p.page) " of " (pages) }
                @if p.page < pages {
                    " "
                    a.pagination__link rel="next" href=(page_link(p.page + 1)) { "Next page" }
                }
            }
        }
    };
    let mut layout = officer_layout(&title, who);
    layout.wide = true;
    page(&layout, body)
}
