//! The officers' results page: counts with their denominators, the 2019
//! style table of categories and their top three concerns, a chart and a
//! table for every question, the respondent breakdown, filters and
//! side-by-side comparison. The part inside `#results` is also served alone,
//! for the live refresh.

use maud::{Markup, html};

use super::layout::Viewer;
use super::officer::officer_layout;
use super::page;
use crate::charts::{self, bars};
use crate::domain::{QuestionKind, ResultsQuery, SurveyDefinition};
use crate::paths;
use crate::stats::SurveyResults;
use crate::stats::{QuestionResult, Shown};

/// One group of a comparison: its heading and its results.
#[derive(Debug)]
pub struct Group {
    pub label: String,
    /// The query string that selects this group's responses.
    pub query: String,
    pub results: SurveyResults,
}

/// Everything the results page shows.
#[derive(Debug)]
pub struct ResultsPage<'a> {
    pub survey: &'a SurveyDefinition,
    pub query: &'a ResultsQuery,
    pub results: &'a SurveyResults,
    pub groups: &'a [Group],
}

/// How a question's percentages are shown: demographics to one decimal
/// place (as 2019 did), everything else in whole percent.
fn shown(demographic: bool, option: &crate::stats::OptionResult) -> Shown {
    if demographic {
        Shown::Tenths(option.rounded_tenths)
    } else {
        Shown::Whole(option.rounded)
    }
}

fn is_demographic(survey: &SurveyDefinition, question: &QuestionResult) -> bool {
    survey
        .question(question.id.as_str())
        .is_some_and(|q| q.demographic())
}

/// The whole page.
pub fn results_page(who: &Viewer, p: &ResultsPage) -> Markup {
    let title = format!("Results: {}", p.survey.title());
    let query_string = p.query.to_query_string();
    let slug = p.survey.slug().as_str();
    let body = html! {
        h1.heading-l { (title) }
        (filter_form(p))
        p.body #live-status role="status" aria-live="polite" {
            "These figures update by themselves as responses arrive."
        }
        (downloads(slug, &query_string))
        div #results data-live=(paths::results_live(slug)) data-partial=(paths::results_partial(slug, &query_string)) {
            (results_body(p))
        }
        script src=(paths::asset("live.js")) defer {}
    };
    let mut layout = officer_layout(&title, who);
    layout.wide = true;
    page(&layout, body)
}

/// Links to every export of this view (the filters, `query`, go with them).
fn downloads(slug: &str, query: &str) -> Markup {
    let with = |extra: &str| {
        if query.is_empty() {
            extra.to_owned()
        } else {
            format!("{query}&{extra}")
        }
    };
    html! {
        details.details {
            summary { "Download these figures" }
            ul.list.list--bullet {
                li { a href=(paths::report(slug, query)) { "The report section, ready to print" } " or "
                     a href=(paths::report_docx(slug, query)) { "as a Word document" } }
                li { a href=(paths::export_summary_xlsx(slug, query)) { "Summary tables (Excel)" } " or "
                     a href=(paths::export_summary_csv(slug, query)) { "as CSV" } }
                li { a href=(paths::export_responses(slug, false, &with("bom=1"))) { "Every response (CSV for Excel)" } ", "
                     a href=(paths::export_responses(slug, false, &with("ids=1"))) { "with ids" } ", "
                     a href=(paths::export_responses(slug, true, query)) { "one row per answer" } }
                li { a href=(paths::api_results(slug, query)) { "These figures as JSON" } }
            }
        }
    }
}

/// The filters: one select per single-choice question, and the comparison.
fn filter_form(p: &ResultsPage) -> Markup {
    let filterable: Vec<_> = p
        .survey
        .questions()
        .iter()
        .filter(|q| q.kind() == QuestionKind::Single)
        .collect();
    html! {
        form.filters method="get" action=(paths::results(p.survey.slug().as_str(), "")) {
            fieldset.fieldset {
                legend.fieldset__legend { h2.heading-m { "Filter and compare" } }
                div.filters__row {
                    @for q in &filterable {
                        @let id = format!("f-{}", q.id());
                        @let current = p.query.filter_on(q.id());
                        div.filters__item {
                            label.label for=(id) { (q.short_label()) }
                            select.select id=(id) name=(id) {
                                option value="" selected[current.is_none()] { "Any" }
                                @for o in q.options() {
                                    option value=(o.id()) selected[current == Some(o.id())] { (o.label()) }
                                }
                            }
                        }
                    }
                    div.filters__item {
                        label.label for="compare" { "Compare side by side by" }
                        select.select id="compare" name="compare" {
                            option value="" selected[p.query.compare.is_none()] { "No comparison" }
                            @for q in &filterable {
                                option value=(q.id()) selected[p.query.compare.as_ref() == Some(q.id())] { (q.short_label()) }
                            }
                        }
                    }
                }
                button.button type="submit" { "Apply" }
                @if !p.query.filters.is_empty() || p.query.compare.is_some() {
                    " "
                    a.filters__clear href=(paths::results(p.survey.slug().as_str(), "")) { "Clear filters" }
                }
            }
        }
    }
}

/// What `#results` holds: the summary, then one block, or one per group.
pub fn results_body(p: &ResultsPage) -> Markup {
    html! {
        (summary(p))
        @if p.groups.is_empty() {
            (block(p.survey, p.results, "all", &p.query.to_query_string()))
        } @else {
            div.groups {
                @for (i, group) in p.groups.iter().enumerate() {
                    section.group aria-labelledby=(format!("group-{i}")) {
                        h2.heading-l id=(format!("group-{i}")) {
                            (group.label) " "
                            span.caption-l { (group.results.completed) " responses" }
                        }
                        (block(p.survey, &group.results, &format!("g{i}"), &group.query))
                    }
                }
            }
        }
    }
}

fn summary(p: &ResultsPage) -> Markup {
    let r = p.results;
    let filters: Vec<String> = p
        .query
        .filters
        .iter()
        .filter_map(|f| {
            let q = p.survey.question(f.question.as_str())?;
            let o = q.option(f.option.as_str())?;
            Some(format!("{}: {}", q.short_label(), o.label()))
        })
        .collect();
    html! {
        @if !filters.is_empty() {
            div.inset-text { "Showing only responses with " (filters.join("; ")) "." }
        }
        dl.summary-list.summary-list--figures {
            div.summary-list__row {
                dt.summary-list__key { "Started" }
                dd.summary-list__value #started { (r.started) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Completed" }
                dd.summary-list__value #completed { (r.completed) }
            }
            div.summary-list__row {
                dt.summary-list__key { "Completion rate" }
                dd.summary-list__value #completion-rate {
                    @match r.completion_rate() {
                        Some(rate) => { (format!("{rate:.1}%")) " (" (r.completed_all) " of " (r.started) " started)" }
                        None => { "No responses started yet" }
                    }
                }
            }
        }
    }
}

/// One set of results: per day, categories, every question, demographics.
fn block(survey: &SurveyDefinition, r: &SurveyResults, key: &str, query: &str) -> Markup {
    html! {
        section.result aria-labelledby=(format!("{key}-per-day")) {
            h2.heading-m id=(format!("{key}-per-day")) { "Responses per day" }
            (chart(bars::per_day(&r.per_day, "Complete responses per day", &format!("{key}-chart-per-day"))))
            (chart_links(survey, charts::PER_DAY, query))
            details.details {
                summary { "Responses per day as a table" }
                table.table {
                    caption.visually-hidden { "Complete responses per day" }
                    thead { tr { th scope="col" { "Day (UTC)" } th.numeric scope="col" { "Responses" } } }
                    tbody {
                        @for (day, n) in &r.per_day {
                            tr { td { (day.format("%-d %B %Y")) } td.numeric { (n) } }
                        }
                    }
                }
            }
        }
        @for category in r.categories() {
            (category_table(r, category, key))
        }
        @for q in &r.questions {
            @if !is_demographic(survey, q) {
                (question_section(survey, r, q, key, query))
            }
        }
        (breakdown(survey, r, key, query))
    }
}

fn chart(svg: Result<crate::charts::Svg, crate::charts::ChartError>) -> Markup {
    html! {
        @match svg {
            Ok(svg) => { figure.chart-figure { (svg) } }
            Err(e) => { p.body { "The chart could not be drawn (" (e.to_string()) "); the table has the figures." } }
        }
    }
}

/// The 2019 table: each category with its respondents and share, and the
/// top three concerns of its follow-up with their own denominator.
fn category_table(r: &SurveyResults, category: &QuestionResult, key: &str) -> Markup {
    html! {
        section.result aria-labelledby=(format!("{key}-{}-top", category.id)) {
            h2.heading-m id=(format!("{key}-{}-top", category.id)) {
                (category.short_label) " and the top three concerns within each"
            }
            p.body { "Of " (category.answered) " respondents to this question." }
            div.table-scroll tabindex="0" role="region" aria-label=(format!("{}: table, scrolls sideways on narrow screens", category.short_label)) {
            table.table.table--categories {
                caption.visually-hidden { (category.short_label) " and the top three concerns within each" }
                thead {
                    tr {
                        th scope="col" { (category.short_label) }
                        th.numeric scope="col" { "Respondents" }
                        th.numeric scope="col" { "%" }
                        th scope="col" { "Top 3 issues within this category" }
                    }
                }
                tbody {
                    @for option in &category.options {
                        tr {
                            th scope="row" { (option.label) }
                            td.numeric { (option.count) }
                            td.numeric { (Shown::Whole(option.rounded)) }
                            td {
                                @for follow_up in r.follow_ups(&category.id, &option.id) {
                                    p.top-three__base { "Of " (follow_up.answered) " respondents to this question:" }
                                    ol.top-three {
                                        @for o in follow_up.ranked().into_iter().filter(|o| o.count > 0).take(3) {
                                            li { (o.label) " " (o.count) " (" (Shown::Whole(o.rounded)) ")" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            }
        }
    }
}

/// One question: its denominator, its chart and its table.
fn question_section(
    survey: &SurveyDefinition,
    results: &SurveyResults,
    q: &QuestionResult,
    key: &str,
    query: &str,
) -> Markup {
    let heading_id = format!("{key}-q-{}", q.id);
    let chart_id = format!("{key}-chart-{}", q.id);
    let parent = q.parent.as_ref().and_then(|p| {
        let question = survey.question(p.question.as_str())?;
        Some(format!(
            "Asked of those who chose {} for \u{201c}{}\u{201d}.",
            question.option(p.option.as_str())?.label(),
            question.short_label()
        ))
    });
    let svg = charts::named(survey, results, q.id.as_str(), &chart_id);
    html! {
        section.result aria-labelledby=(heading_id) {
            h2.heading-m id=(heading_id) { (q.short_label) }
            p.body {
                (q.label) " "
                @if let Some(parent) = parent { (parent) " " }
                strong { "Of " (q.answered) " respondents to this question." }
                @if !q.is_single() { " Respondents could choose more than one, so the percentages add up to more than 100." }
            }
            @if let Some(svg) = svg { (chart(svg)) }
            (chart_links(survey, q.id.as_str(), query))
            (option_table(q, false, &q.short_label))
        }
    }
}

/// Download links for a chart, as SVG and as PNG for print.
fn chart_links(survey: &SurveyDefinition, name: &str, query: &str) -> Markup {
    let slug = survey.slug().as_str();
    html! {
        p.chart-links {
            "Download this chart: "
            a href=(paths::chart(slug, &format!("{name}.svg"), query)) download { "SVG" span.visually-hidden { " (" (name) ")" } }
            ", "
            a href=(paths::chart(slug, &format!("{name}.png"), query)) download { "PNG for print" span.visually-hidden { " (" (name) ")" } }
        }
    }
}

fn option_table(q: &QuestionResult, demographic: bool, caption: &str) -> Markup {
    html! {
        table.table data-question=(q.id) {
            caption { (caption) " " span.secondary-text { "(from " (q.answered) " responses)" } }
            thead {
                tr {
                    th scope="col" { "Answer" }
                    th.numeric scope="col" { "Count" }
                    th.numeric scope="col" { "%" }
                }
            }
            tbody {
                @for o in &q.options {
                    tr data-option=(o.id) {
                        th scope="row" { (o.label) }
                        td.numeric { (o.count) }
                        td.numeric { (shown(demographic, o)) }
                    }
                }
            }
        }
    }
}

/// The "breakdown of respondents": each demographic question's table, and a
/// chart for each.
fn breakdown(survey: &SurveyDefinition, r: &SurveyResults, key: &str, query: &str) -> Markup {
    let demographics: Vec<&QuestionResult> = r
        .questions
        .iter()
        .filter(|q| is_demographic(survey, q))
        .collect();
    html! {
        @if !demographics.is_empty() {
            section.result aria-labelledby=(format!("{key}-breakdown")) {
                h2.heading-m id=(format!("{key}-breakdown")) { "Breakdown of respondents" }
                div.breakdown {
                    @for q in &demographics {
                        div.breakdown__item { (option_table(q, true, &q.short_label)) }
                    }
                }
                @for q in &demographics {
                    @if let Some(svg) = charts::named(survey, r, q.id.as_str(), &format!("{key}-chart-{}", q.id)) {
                        (chart(svg))
                    }
                    (chart_links(survey, q.id.as_str(), query))
                }
            }
        }
    }
}
