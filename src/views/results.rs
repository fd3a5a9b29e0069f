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
use crate::domain::filters::filter_key;
use std::collections::BTreeSet;

use super::layout::SummaryItem;
use crate::domain::themes::Theme;
use crate::domain::{Question, ResultsQuery, SurveyDefinition, TextAnswer};
use crate::stats::SurveyResults;
use crate::stats::{QuestionResult, Shown};
use crate::{fields, paths};

/// One group of a comparison: its heading and its results.
#[derive(Debug)]
pub struct Group {
    pub label: String,
    /// The query string that selects this group's responses.
    pub query: String,
    pub results: SurveyResults,
}

/// The groups of a comparison, as the tests of difference take them.
pub fn tested(groups: &[Group]) -> Vec<crate::stats::difference::Group<'_>> {
    groups
        .iter()
        .map(|g| crate::stats::difference::Group {
            label: &g.label,
            results: &g.results,
        })
        .collect()
}

/// One wave of a comparison of waves: its name and its results.
#[derive(Debug)]
pub struct WaveView {
    pub label: String,
    /// The survey whose page this is.
    pub is_current: bool,
    pub results: SurveyResults,
    /// Why a weighted view compares the waves unweighted (a wave has no
    /// weights).
    pub unweighted_because: Option<String>,
}

/// The wave whose page this is, and the wave its changes are measured
/// from: the latest wave before it, or when it is the oldest, the next.
pub fn current_and_reference(waves: &[WaveView]) -> Option<(&WaveView, &WaveView)> {
    let at = waves.iter().position(|w| w.is_current)?;
    let reference = if at > 0 {
        waves.get(at - 1)
    } else {
        waves.get(at + 1)
    }?;
    Some((&waves[at], reference))
}

/// Everything the results page shows.
#[derive(Debug)]
pub struct ResultsPage<'a> {
    pub survey: &'a SurveyDefinition,
    pub query: &'a ResultsQuery,
    pub results: &'a SurveyResults,
    pub groups: &'a [Group],
    /// With `wave=`: every wave, this one among them, oldest first.
    pub waves: &'a [WaveView],
    /// Other surveys that ask some of this one's questions: (slug, title).
    pub wave_choices: &'a [(String, String)],
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

/// The filters: one select per way to split the responses (single-choice
/// questions, and the channel), and the comparison.
fn filter_form(p: &ResultsPage) -> Markup {
    let splits = crate::domain::filters::splits(p.survey);
    html! {
        form.filters method="get" action=(paths::results(p.survey.slug().as_str(), "")) {
            fieldset.fieldset {
                legend.fieldset__legend { h2.heading-m { "Filter and compare" } }
                div.filters__row {
                    @for split in &splits {
                        @let id = filter_key(split.id.as_str());
                        @let current = p.query.filter_on(&split.id);
                        div.filters__item {
                            label.label for=(id) { (split.label) }
                            select.select id=(id) name=(id) {
                                option value="" selected[current.is_none()] { "Any" }
                                @for (option, label) in &split.options {
                                    option value=(option) selected[current == Some(*option)] { (label) }
                                }
                            }
                        }
                    }
                    @if !p.wave_choices.is_empty() {
                        @let chosen = p.query.waves.first().map(ToString::to_string);
                        div.filters__item {
                            label.label for="wave" { "Compare with another wave" }
                            div.hint #wave-hint { "Not together with a side-by-side comparison" }
                            select.select #wave name="wave" aria-describedby="wave-hint" {
                                option value="" selected[chosen.is_none()] { "No other wave" }
                                @for (slug, title) in p.wave_choices {
                                    option value=(slug) selected[chosen.as_deref() == Some(slug.as_str())] { (title) " (" (slug) ")" }
                                }
                            }
                        }
                    }
                    div.filters__item {
                        label.label for="compare" { "Compare side by side by" }
                        select.select id="compare" name="compare" {
                            option value="" selected[p.query.compare.is_none()] { "No comparison" }
                            @for split in &splits {
                                option value=(split.id) selected[p.query.compare.as_ref() == Some(&split.id)] { (split.label) }
                            }
                        }
                    }
                }
                @for extra in p.query.waves.iter().skip(1) {
                    input type="hidden" name="wave" value=(extra);
                }
                @if p.results.weights_available {
                    div.choice.filters__weights {
                        input.choice__input #weights name="weights" type="checkbox" value="on" checked[p.query.weighted];
                        label.choice__label for="weights" { "Weight to the population" }
                    }
                }
                button.button type="submit" { "Apply" }
                @if !p.query.filters.is_empty() || p.query.compare.is_some() || p.query.weighted || !p.query.waves.is_empty() {
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
        @if !p.waves.is_empty() {
            (wave_changes(p))
        }
        @if p.groups.is_empty() {
            (block(p.survey, p.results, "all", &p.query.to_query_string(), p.waves))
        } @else {
            (differences(p))
            div.groups {
                @for (i, group) in p.groups.iter().enumerate() {
                    section.group aria-labelledby=(format!("group-{i}")) {
                        h2.heading-l id=(format!("group-{i}")) {
                            (group.label) " "
                            span.caption-l { (group.results.completed) " responses" }
                        }
                        (block(p.survey, &group.results, &format!("g{i}"), &group.query, &[]))
                    }
                }
            }
        }
    }
}

/// Which differences between the compared groups are real: every
/// significant one in a sentence to paste, and the questions no test was
/// valid for, with why.
fn differences(p: &ResultsPage) -> Markup {
    use crate::stats::difference::{self, QuestionTest};
    let groups = tested(p.groups);
    let split = p.query.compare.as_ref().map_or("", |c| c.as_str());
    let page = difference::compare(&groups, split);
    let label = |id: &str| {
        p.survey
            .question(id)
            .map_or(id.to_owned(), |q| q.short_label().to_owned())
    };
    let sentences: Vec<(String, f64)> = page
        .iter()
        .flat_map(|q| q.differences.iter())
        .filter_map(|d| Some((d.sentence(&groups)?, d.p_holm?)))
        .collect();
    let untested: Vec<(String, String)> = page
        .iter()
        .filter_map(|q| match &q.test {
            Some(QuestionTest::NotValid { why }) => Some((label(&q.question), why.clone())),
            _ => None,
        })
        .collect();
    html! {
        section.result.differences aria-labelledby="differences" {
            h2.heading-m #differences { "Real differences between the groups" }
            p.body {
                "Each answer's share is compared between each pair of groups (a two-proportion test) and each question's answers as a whole (a chi-square test, or Fisher's exact test for a small two-by-two table). The p-values are corrected for testing many at once (Holm), so a difference listed here is unlikely to be chance."
                @if p.results.weighted.is_some() { " Weighted, each group's table is scaled to its effective base, so the tests allow for the precision the weights cost." }
            }
            @if sentences.is_empty() {
                p.body { "No difference between the groups is larger than chance could easily give." }
            } @else {
                ul.list.list--bullet {
                    @for (sentence, p) in &sentences {
                        li {
                            (sentence) " "
                            span.secondary-text {
                                @if *p < 0.0001 { "(corrected p < 0.0001)" } @else { "(corrected p = " (format!("{p:.4}")) ")" }
                            }
                            "."
                        }
                    }
                }
            }
            @if !untested.is_empty() {
                details.details {
                    summary { "Questions that could not be tested (" (untested.len()) ")" }
                    ul.list.list--bullet {
                        @for (question, why) in &untested {
                            li { strong { (question) } ": " (why) "." }
                        }
                    }
                }
            }
        }
    }
}

/// The view's filters in words, when there are any.
fn filters_in_force(survey: &SurveyDefinition, query: &ResultsQuery) -> Markup {
    let filters: Vec<String> = query
        .filters
        .iter()
        .filter_map(|f| {
            let split = crate::domain::filters::split(survey, f.question.as_str()).ok()?;
            let (_, label) = split.option(f.option.as_str())?;
            Some(format!("{}: {label}", split.label))
        })
        .collect();
    html! {
        @if !filters.is_empty() {
            div.inset-text { "Showing only responses with " (filters.join("; ")) "." }
        }
    }
}

/// Whether the figures are weighted, and how; or that a weighted view was
/// asked for and the survey has no weights.
fn weighting_in_force(p: &ResultsPage) -> Markup {
    let slug = p.survey.slug().as_str();
    html! {
        @if let Some(note) = &p.results.weighting {
            div.inset-text.weighting-note {
                p.body {
                    strong { "Weighted to the population." }
                    @if let Some(base) = p.results.weighted {
                        " Design effect " (format!("{:.2}", base.design_effect))
                        ": these " (p.results.completed) " responses are as precise as "
                        (format!("{:.0}", base.effective)) " unweighted ones would be."
                    }
                    " " a href=(paths::weighting(slug)) { "How the weights were made" }
                }
                p.body.method { (note.method()) }
                @if let Some(since) = note.since() { p.body { strong { (since) } } }
            }
        } @else if p.query.weighted {
            div.inset-text.weighting-note {
                p.body {
                    strong { "No weights are set for this survey, so these figures are unweighted." }
                    " " a href=(paths::weighting(slug)) { "About weighting" }
                }
            }
        }
    }
}

/// A question's base in words: its respondents, and when weighted its
/// weighted and effective bases.
fn base_text(q: &QuestionResult) -> Markup {
    html! {
        strong { "Of " (q.answered) " respondents to this question." }
        @if let Some(w) = q.weighted {
            " Weighted base " (format!("{:.1}", w.weighted)) "; effective base " (format!("{:.0}", w.effective))
            " (design effect " (format!("{:.2}", w.design_effect)) "): the intervals use the effective base."
        }
    }
}

fn summary(p: &ResultsPage) -> Markup {
    let r = p.results;
    html! {
        (filters_in_force(p.survey, p.query))
        (weighting_in_force(p))
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

/// The real changes since the reference wave, in sentences to paste.
fn wave_changes(p: &ResultsPage) -> Markup {
    let Some((current, reference)) = current_and_reference(p.waves) else {
        return html! {};
    };
    let all = crate::stats::waves::changes(&current.results, &reference.results);
    let label = |id: &str| {
        p.survey
            .question(id)
            .map_or(id.to_owned(), |q| q.short_label().to_owned())
    };
    let sentences: Vec<(String, f64)> = all
        .iter()
        .flat_map(|q| {
            q.options.iter().filter_map(|c| {
                Some((
                    c.sentence(&label(&q.question), &current.label, &reference.label)?,
                    c.p_holm?,
                ))
            })
        })
        .collect();
    html! {
        section.result.differences aria-labelledby="wave-changes" {
            h2.heading-m #wave-changes { "Real changes since " (reference.label) }
            p.body {
                "Waves: " (p.waves.iter().map(|w| format!("{} ({} responses)", w.label, w.results.completed)).collect::<Vec<_>>().join(", ")) ". "
                "Questions and answers are matched by id. Each change is in percentage points, with its 95% interval (Newcombe), and is tested with a two-proportion test, corrected for testing many at once (Holm)."
                @if let Some(why) = p.waves.iter().find_map(|w| w.unweighted_because.as_ref()) {
                    " " strong { (why) }
                } @else if p.results.weighted.is_some() { " Weighted, each wave uses its effective base." }
            }
            @if sentences.is_empty() {
                p.body { "No change since " (reference.label) " is larger than chance could easily give." }
            } @else {
                ul.list.list--bullet {
                    @for (sentence, p) in &sentences {
                        li {
                            (sentence) " "
                            span.secondary-text {
                                @if *p < 0.0001 { "(corrected p < 0.0001)" } @else { "(corrected p = " (format!("{p:.4}")) ")" }
                            }
                            "."
                        }
                    }
                }
            }
        }
    }
}

/// A question's trend chart across the waves and its table of changes.
fn wave_section(
    survey: &SurveyDefinition,
    q: &QuestionResult,
    key: &str,
    waves: &[WaveView],
) -> Markup {
    let Some((current, reference)) = current_and_reference(waves) else {
        return html! {};
    };
    let order: Vec<crate::stats::waves::Wave<'_>> = waves
        .iter()
        .map(|w| crate::stats::waves::Wave {
            label: &w.label,
            results: &w.results,
        })
        .collect();
    let at = waves.iter().position(|w| w.is_current).unwrap_or(0);
    let trend = crate::stats::waves::trend(&order, at, &q.id);
    let Some(before) = reference.results.question(&q.id) else {
        return html! { p.body.version-note { "Not asked in " (reference.label) "." } };
    };
    let changes = crate::stats::waves::changes(&current.results, &reference.results);
    let change = changes.iter().find(|c| c.question == q.id.as_str());
    let title = survey
        .question(q.id.as_str())
        .map_or(q.short_label.as_str(), |d| d.short_label());
    html! {
        @if let Some(t) = &trend {
            (chart(crate::charts::trend::trend(t, &format!("{title}: across waves"), &format!("{key}-trend-{}", q.id))))
        }
        @if let Some(change) = change {
            div.table-scroll tabindex="0" role="region" aria-label=(format!("{title}: change since {}, scrolls sideways on narrow screens", reference.label)) {
                table.table.table--changes data-changes=(q.id) {
                    caption { (title) ": change since " (reference.label) " " span.secondary-text { "(of " (before.answered) " then, " (q.answered) " now)" } }
                    thead {
                        tr {
                            th scope="col" { "Answer" }
                            th.numeric scope="col" { (reference.label) }
                            th.numeric scope="col" { (current.label) }
                            th.numeric scope="col" { "Change (points)" }
                            th.numeric scope="col" { "95% interval" }
                            th scope="col" { "Real change?" }
                        }
                    }
                    tbody {
                        @for c in &change.options {
                            tr data-option=(c.option) {
                                th scope="row" { (c.label) }
                                td.numeric { (format!("{:.0}%", c.earlier)) }
                                td.numeric { (format!("{:.0}%", c.current)) }
                                td.numeric { (format!("{:+.1}", c.change)) }
                                td.numeric { @match (c.ci_low, c.ci_high) { (Some(l), Some(h)) => { (format!("{l:+.1} to {h:+.1}")) } _ => { "\u{2013}" } } }
                                td {
                                    @if c.is_significant() { strong.tag { "Real change" } }
                                    @else if c.p.is_none() { span.secondary-text { "Too few to test" } }
                                    @else { "Within chance" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One set of results: per day, categories, every question, demographics.
fn block(
    survey: &SurveyDefinition,
    r: &SurveyResults,
    key: &str,
    query: &str,
    waves: &[WaveView],
) -> Markup {
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
        @if !r.channels.is_empty() {
            (channel_table(r, key))
        }
        @for category in r.categories() {
            (category_table(r, category, key))
        }
        @for q in &r.questions {
            @if !is_demographic(survey, q) {
                (question_section(survey, r, q, key, query))
                @if !waves.is_empty() && !q.is_text() {
                    (wave_section(survey, q, key, waves))
                }
            }
        }
        (breakdown(survey, r, key, query))
    }
}

/// Complete responses per distribution channel: how each link did.
fn channel_table(r: &SurveyResults, key: &str) -> Markup {
    html! {
        section.result aria-labelledby=(format!("{key}-channels")) {
            h2.heading-m id=(format!("{key}-channels")) { "Responses by channel" }
            p.body { "Which link each complete response started from. Nothing about the person is stored: only the link." }
            table.table data-question="channel" {
                caption.visually-hidden { "Complete responses by channel" }
                thead {
                    tr {
                        th scope="col" { "Channel" }
                        th.numeric scope="col" { "Responses" }
                        th.numeric scope="col" { "%" }
                    }
                }
                tbody {
                    @for c in &r.channels {
                        tr data-option=[c.id.as_ref()] {
                            th scope="row" { (c.label) }
                            td.numeric { (c.count) }
                            td.numeric { (c.rounded) "%" }
                        }
                    }
                }
            }
        }
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
            p.body { (base_text(category)) }
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
    let slug = survey.slug().as_str();
    html! {
        section.result aria-labelledby=(heading_id) {
            h2.heading-m id=(heading_id) { (q.short_label) }
            p.body {
                (q.label) " "
                @if let Some(parent) = parent { (parent) " " }
                (base_text(q))
                @if q.is_multiple() { " Respondents could choose more than one, so the percentages add up to more than 100." }
            }
            @if q.small_base {
                p.body.small-base {
                    strong.tag.tag--warning { "Small base" }
                    " " (small_base_note(q.answered))
                }
            }
            @if !q.not_asked_in.is_empty() {
                p.body.version-note { (not_asked_note(&q.not_asked_in)) }
            }
            @if !q.retired.is_empty() {
                p.body.version-note { (retired_note(&q.retired)) }
            }
            @if q.is_text() {
                p.body {
                    a href=(paths::text_answers(slug, q.id.as_str(), query, "", 1)) {
                        "Read the answers" span.visually-hidden { " to " (q.short_label) }
                    }
                    " (newest first, searchable). Free text is never charted."
                }
            } @else {
                @if let Some(scale) = &q.scale { (scale_summary(scale)) }
                @if let Some(svg) = svg { (chart(svg)) }
                (chart_links(survey, q.id.as_str(), query))
                (option_table(q, false, &q.short_label))
                @if survey.question(q.id.as_str()).is_some_and(|d| !d.free_text_options().is_empty()) {
                    p.body {
                        a href=(paths::text_answers(slug, q.id.as_str(), query, "", 1)) {
                            "Read the \u{201c}please specify\u{201d} answers" span.visually-hidden { " to " (q.short_label) }
                        }
                        " and code them with themes."
                    }
                }
            }
            @if let Some(table) = results.themes.iter().find(|t| t.question == q.id.as_str()) {
                (theme_table(table, &q.short_label))
            }
        }
    }
}

/// A question's themes: each one's count and share of the coded answers,
/// with both bases said.
fn theme_table(t: &crate::stats::themes::ThemeTable, label: &str) -> Markup {
    html! {
        div.table-scroll.theme-table tabindex="0" role="region" aria-label={ "Themes of " (label) ": table" } {
            table.table {
                caption {
                    "Themes in the answers to \u{201c}" (label) "\u{201d}: of " (t.coded) " coded answers ("
                    (t.answers) " answers in all). An answer can have several themes; counts are of answers, unweighted."
                }
                thead { tr { th scope="col" { "Theme" } th.numeric scope="col" { "Answers" } th.numeric scope="col" { "% of coded" } } }
                tbody {
                    @for theme in &t.themes {
                        tr {
                            th scope="row" { (theme.name) }
                            td.numeric { (theme.count) }
                            td.numeric { (format!("{:.0}%", theme.percent.round())) }
                        }
                    }
                }
            }
        }
    }
}

/// An interval as a page shows it: "35–45%" (tenths for demographics,
/// "3.4–8.1%"), or a dash when there is no base.
pub fn interval_text(low: Option<f64>, high: Option<f64>, tenths: bool) -> String {
    match (low, high) {
        (Some(low), Some(high)) if tenths => format!("{low:.1}\u{2013}{high:.1}%"),
        (Some(low), Some(high)) => format!("{:.0}\u{2013}{:.0}%", low.round(), high.round()),
        _ => "\u{2013}".to_owned(),
    }
}

/// Why a question's figures are marked as a small base.
pub fn small_base_note(answered: u64) -> String {
    format!(
        "Only {answered} people answered this question. With so few, a percentage can be far from what the whole population thinks: treat it as a rough guide, not a finding."
    )
}

/// "version 1 (40 responses) and version 2 (3 responses)".
fn versions_in_words(gaps: &[crate::stats::VersionGap]) -> String {
    let each: Vec<String> = gaps
        .iter()
        .map(|g| {
            let noun = if g.responses == 1 {
                "response"
            } else {
                "responses"
            };
            format!("version {} ({} {noun})", g.version, g.responses)
        })
        .collect();
    match each.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => each.concat(),
    }
}

/// Why a question's base leaves some responses out.
pub fn not_asked_note(gaps: &[crate::stats::VersionGap]) -> String {
    format!(
        "Not asked in {} of this survey: those responses are not in its base.",
        versions_in_words(gaps)
    )
}

/// Why the table leaves some answers out.
pub fn retired_note(retired: &[crate::stats::RetiredOption]) -> String {
    let total: u64 = retired.iter().map(|r| r.count).sum();
    let ids: Vec<&str> = retired.iter().map(|r| r.id.as_str()).collect();
    let noun = if total == 1 { "answer" } else { "answers" };
    format!(
        "{total} {noun} from earlier versions chose options this version no longer offers ({}): they are in the base, not in the table.",
        ids.join(", ")
    )
}

/// Why an option's count may be low.
pub fn not_offered_note(gaps: &[crate::stats::VersionGap]) -> String {
    format!(
        "Not offered in {}: those respondents could not choose it.",
        versions_in_words(gaps)
    )
}

/// A scale's positive end and mean, with the base they are of.
fn scale_summary(scale: &crate::stats::ScaleResult) -> Markup {
    html! {
        @match scale.mean {
            Some(mean) => {
                p.body.scale-summary {
                    strong { (Shown::Whole(scale.positive_rounded)) } " chose "
                    (scale.positive_labels.join(" or ")) " (" (scale.positive) " of the " (scale.rated)
                    " who gave a rating). Mean score "
                    // Rounded half away from zero, as the workbook rounds it.
                    strong { (format!("{:.2}", (mean * 100.0).round() / 100.0)) } " on a scale from 1 to " (scale.points)
                    ", where " (scale.points) " is " (scale.positive_labels.first().map_or("", String::as_str)) "."
                    @if scale.unrated > 0 {
                        " The " (scale.unrated) " who answered \u{201c}" (scale.unscored_labels.join("\u{201d} or \u{201c}")) "\u{201d} are left out of both."
                    }
                }
            }
            None => { p.body.scale-summary { "Nobody has given a rating yet." } }
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
                    th.numeric scope="col" { @if q.weighted.is_some() { "% weighted" } @else { "%" } }
                    th.numeric scope="col" { abbr title="95% confidence interval: where the true share very likely lies" { "95% interval" } }
                }
            }
            tbody {
                @for o in &q.options {
                    tr data-option=(o.id) {
                        th scope="row" {
                            (o.label)
                            @if !o.not_offered_in.is_empty() {
                                br;
                                span.secondary-text.version-note { (not_offered_note(&o.not_offered_in)) }
                            }
                            @if !o.differs_from.is_empty() {
                                br;
                                strong.tag.tag--difference { "Really differs from " (o.differs_from.join(", ")) }
                            }
                        }
                        td.numeric { (o.count) }
                        td.numeric.percent { (shown(demographic, o)) }
                        td.numeric.interval { (interval_text(o.ci_low, o.ci_high, demographic)) }
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

/// What the page of a text question's answers shows.
#[derive(Debug)]
pub struct TextAnswersPage<'a> {
    pub survey: &'a SurveyDefinition,
    pub question: &'a Question,
    pub query: &'a ResultsQuery,
    /// What the answers were searched for ("" for all).
    pub search: &'a str,
    /// From 1.
    pub page: u64,
    pub per_page: u64,
    /// Answers matching the filters and the search, on every page.
    pub total: u64,
    pub answers: &'a [TextAnswer],
    /// The question's themes, by name.
    pub themes: &'a [Theme],
    /// Which shown answers have which theme: (response, theme).
    pub assigned: &'a BTreeSet<(i64, i64)>,
    /// What a coding form got wrong, at its field.
    pub errors: &'a [SummaryItem],
    /// A new theme's name as typed.
    pub typed_name: &'a str,
}

/// The hidden fields that carry the page (filters, search, page number)
/// through a coding form, so it comes back to the same answers.
fn same_page(p: &TextAnswersPage) -> Markup {
    html! {
        @for (key, value) in p.query.filter_pairs() {
            input type="hidden" name=(key) value=(value);
        }
        @if !p.search.is_empty() { input type="hidden" name="q" value=(p.search); }
        @if p.page > 1 { input type="hidden" name="page" value=(p.page); }
    }
}

/// The themes: how to add one, and how to give one to every answer the
/// search found.
fn themes_panel(who: &Viewer, p: &TextAnswersPage, slug: &str, question: &str) -> Markup {
    let name_error = super::officer::error_for(p.errors, fields::THEME_NAME);
    let theme_error = super::officer::error_for(p.errors, fields::THEME);
    html! {
        section.themes aria-labelledby="themes-heading" {
            h2.heading-m #themes-heading { "Themes" }
            p.body {
                "Give each answer the themes it raises; an answer can have several. "
                "The counts, with their bases, join the results, the JSON and the exports. Who gave each theme, and when, is kept."
            }
            @if p.themes.is_empty() {
                p.body #no-themes { "This question has no themes yet." }
            } @else {
                p.body #theme-list { "Themes: " (p.themes.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ")) "." }
            }
            form method="post" action=(paths::text_themes(slug, question)) novalidate {
                (super::layout::csrf_field(&who.csrf))
                (same_page(p))
                (super::officer::hinted_input(fields::THEME_NAME, "Add a theme", Some("Up to 60 characters, such as \u{201c}Parking\u{201d}."), "text", p.typed_name, "off", name_error))
                button.button.button--secondary type="submit" { "Add the theme" }
            }
            @if !p.search.is_empty() && !p.themes.is_empty() && p.total > 0 {
                form method="post" action=(paths::text_assign(slug, question)) novalidate {
                    (super::layout::csrf_field(&who.csrf))
                    (same_page(p))
                    div.form-group.form-group--error[theme_error.is_some()] {
                        label.label for=(fields::THEME) {
                            "Give a theme to all " (p.total) " answers containing \u{201c}" (p.search) "\u{201d}"
                        }
                        @if let Some(e) = theme_error {
                            p.error-message id="theme-error" { span.visually-hidden { "Error:" } " " (e.message) }
                        }
                        select.select id=(fields::THEME) name=(fields::THEME) aria-describedby=[theme_error.map(|_| "theme-error")] {
                            @for t in p.themes { option value=(t.id) { (t.name) } }
                        }
                    }
                    button.button.button--secondary type="submit" { "Give the theme to all " (p.total) }
                }
            }
        }
    }
}

/// A question's free-text answers, newest first, a page at a time, with a
/// search that keeps the view's filters, and the themes to code them with.
pub fn text_answers_page(who: &Viewer, p: &TextAnswersPage) -> Markup {
    let slug = p.survey.slug().as_str();
    let question = p.question.id().as_str();
    let query = p.query.to_query_string();
    let pages = p.total.div_ceil(p.per_page).max(1);
    let title = if pages > 1 {
        format!(
            "Answers: {} (page {} of {pages})",
            p.question.short_label(),
            p.page
        )
    } else {
        format!("Answers: {}", p.question.short_label())
    };
    let first = (p.page - 1) * p.per_page + 1;
    let body = html! {
        (super::layout::error_summary(p.errors))
        h1.heading-l { (title) }
        p.body { (p.question.title()) }
        (filters_in_force(p.survey, p.query))
        form.filters method="get" action=(paths::text_answers(slug, question, "", "", 1)) role="search" {
            @for (key, value) in p.query.filter_pairs() {
                input type="hidden" name=(key) value=(value);
            }
            div.form-group {
                label.label for="q" { "Search the answers" }
                div.hint id="q-hint" { "Finds answers that contain this text, ignoring capitals." }
                input.input #q name="q" type="search" value=(p.search) aria-describedby="q-hint" maxlength="200";
            }
            button.button type="submit" { "Search" }
            @if !p.search.is_empty() {
                " " a.filters__clear href=(paths::text_answers(slug, question, &query, "", 1)) { "Clear the search" }
            }
        }
        p.body role="status" #answer-count {
            @let one = p.total == 1;
            @if p.search.is_empty() {
                (p.total) @if one { " answer" } @else { " answers" }
            } @else {
                (p.total) @if one { " answer contains" } @else { " answers contain" }
                " \u{201c}" (p.search) "\u{201d}"
            }
            @if p.total > 0 { ", newest first: " (first) " to " ((first - 1 + p.answers.len() as u64)) "." } @else { "." }
        }
        (themes_panel(who, p, slug, question))
        @if !p.answers.is_empty() {
            form #coding method="post" action=(paths::text_coding(slug, question)) {
                (super::layout::csrf_field(&who.csrf))
                (same_page(p))
                ol.text-answers start=(first) {
                    @for answer in p.answers {
                        li.text-answers__item {
                            @for t in p.themes.iter().filter(|t| p.assigned.contains(&(answer.response, t.id))) {
                                input type="hidden" name={ (fields::THEME_WAS) (answer.response) } value=(t.id);
                            }
                            p.text-answers__meta { "Response " (answer.response) ", " (answer.submitted_at.format("%-d %B %Y %H:%M")) " UTC" }
                            p.answer-text { (answer.text) }
                            @if !p.themes.is_empty() {
                                fieldset.fieldset.text-answers__themes {
                                    legend.fieldset__legend.text-answers__legend { "Themes of response " (answer.response) }
                                    @for t in p.themes {
                                        @let id = format!("theme-{}-{}", answer.response, t.id);
                                        div.choice.choice--inline {
                                            input.choice__input id=(id) type="checkbox" name={ (fields::THEME_FOR) (answer.response) } value=(t.id)
                                                checked[p.assigned.contains(&(answer.response, t.id))];
                                            label.choice__label for=(id) { (t.name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !p.themes.is_empty() {
                    button.button type="submit" { "Save the themes on this page" }
                }
            }
        }
        @if pages > 1 {
            nav.pagination aria-label="Pages of answers" {
                @if p.page > 1 {
                    a.pagination__link rel="prev" href=(paths::text_answers(slug, question, &query, p.search, p.page - 1)) { "Previous page" }
                    " "
                }
                span.pagination__current aria-current="page" { "Page " (p.page) " of " (pages) }
                @if p.page < pages {
                    " "
                    a.pagination__link rel="next" href=(paths::text_answers(slug, question, &query, p.search, p.page + 1)) { "Next page" }
                }
            }
        }
        p.body { a href=(paths::results(slug, &query)) { "Back to the results" } }
    };
    let mut layout = officer_layout(&title, who);
    layout.wide = true;
    layout.has_errors = !p.errors.is_empty();
    page(&layout, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_answers_are_paged_with_the_search_and_filters_kept() {
        let survey = SurveyDefinition::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/api/fixtures/kinds/safety-2020.toml"),
        )
        .expect("the fixture is valid");
        let question = survey.question("comments").expect("the text question");
        let query = ResultsQuery::parse(&survey, [("f-borough", "dartford")]).expect("valid");
        let at = chrono::DateTime::from_timestamp(1_700_000_000, 0)
            .expect("a time")
            .naive_utc();
        let answers: Vec<TextAnswer> = (0..50)
            .map(|i| TextAnswer {
                response: 200 - i,
                submitted_at: at,
                text: format!("answer <{i}>"),
            })
            .collect();
        let viewer = Viewer {
            email: "a@example.gov.uk".to_owned(),
            csrf: "t".to_owned(),
            is_admin: false,
            can_build: false,
        };
        let page = |number: u64| {
            text_answers_page(
                &viewer,
                &TextAnswersPage {
                    survey: &survey,
                    question,
                    query: &query,
                    search: "bins & lights",
                    page: number,
                    per_page: 50,
                    total: 120,
                    answers: &answers,
                    themes: &[],
                    assigned: &BTreeSet::new(),
                    errors: &[],
                    typed_name: "",
                },
            )
            .into_string()
        };
        let middle = page(2);
        let base = "/surveys/safety-2020/results/text/comments?f-borough=dartford&amp;q=bins%20%26%20lights";
        assert!(
            middle.contains(&format!(r#"rel="prev" href="{base}""#)),
            "{middle}"
        );
        assert!(middle.contains(&format!(r#"rel="next" href="{base}&amp;page=3""#)));
        assert!(middle.contains("Page 2 of 3"));
        assert!(middle.contains(r#"<ol class="text-answers" start="51">"#));
        assert!(middle.contains("answer &lt;0&gt;"), "free text is escaped");
        assert!(
            middle.contains("120 answers contain “bins &amp; lights”, newest first: 51 to 100.")
        );
        let first = page(1);
        assert!(!first.contains(r#"rel="prev""#));
        let last = page(3);
        assert!(!last.contains(r#"rel="next""#));
    }
}
