//! The weighting page: a survey's population targets set beside its
//! respondents, how raking went, and for admins the forms that upload
//! targets, compute the weights again and remove them.

use maud::{Markup, html};

use super::builder::file_field;
use super::layout::{SummaryItem, Viewer, csrf_field, error_summary};
use super::officer::{hinted_input, officer_layout};
use super::page;
use crate::domain::SurveyDefinition;
use crate::stats::SurveyResults;
use crate::stats::weighting::Targets;
use crate::{fields, paths};

/// What the weighting page shows.
#[derive(Debug)]
pub struct WeightingPage<'a> {
    pub survey: &'a SurveyDefinition,
    /// Who last computed the weights, when the survey has any.
    pub computed_by: Option<&'a str>,
    /// The stored targets, read against the current version.
    pub targets: Option<&'a Targets>,
    /// The whole survey's weighted figures.
    pub results: Option<&'a SurveyResults>,
    /// The cap to show in the form.
    pub cap: String,
}

const EXAMPLE: &str =
    "borough,age,gender,count\ndartford,18-24,male,4210\ndartford,18-24,female,4105\n…";

fn upload_form(who: &Viewer, p: &WeightingPage, errors: &[SummaryItem]) -> Markup {
    let slug = p.survey.slug().as_str();
    let cap_error = errors
        .iter()
        .find(|e| e.href == format!("#{}", fields::WEIGHT_CAP));
    html! {
        h2.heading-m { @if p.computed_by.is_some() { "Upload new targets" } @else { "Upload population targets" } }
        form method="post" action=(paths::weighting_upload(slug)) enctype="multipart/form-data" novalidate {
            (csrf_field(&who.csrf))
            (file_field(
                fields::TARGETS_FILE,
                "Targets file (CSV)",
                html! {
                    "One column per weighting question, headed by the question\u{2019}s id (single-choice questions asked of everyone), then a column headed \u{201c}count\u{201d}. Each row is one group of the population, naming an answer of each question by its id, with the number of people in it, for example from the Census. Only proportions matter. For example:"
                    pre.code-block { (EXAMPLE) }
                },
                ".csv,text/csv,text/plain",
                errors,
            ))
            (hinted_input(
                fields::WEIGHT_CAP,
                "Weight cap",
                Some("No response may count for more than this many respondents. Weights average 1; a lower cap keeps the figures steadier but the margins further from their targets."),
                "text",
                &p.cap,
                "off",
                cap_error,
            ))
            button.button type="submit" { "Upload and compute the weights" }
        }
    }
}

fn percent(x: f64) -> String {
    format!("{x:.1}%")
}

/// The weighting page.
pub fn weighting_page(who: &Viewer, p: &WeightingPage, errors: &[SummaryItem]) -> Markup {
    let def = p.survey;
    let slug = def.slug().as_str();
    let title = format!("Weighting: {}", def.title());
    let note = p.results.and_then(|r| r.weighting.as_ref());
    let body = html! {
        (error_summary(errors))
        span.caption-l { (def.title()) }
        h1.heading-l { "Weighting to the population" }
        p.body {
            "The people who answer a survey are rarely a true picture of the area: in 2019, two in three respondents were women. Weighting gives each response a weight so that the respondents match the population on the questions you choose, and every results view, export and report can then be shown weighted as well as unweighted."
        }
        @match (p.computed_by, note) {
            (Some(computed_by), Some(note)) => {
                p.body {
                    a href=(paths::results(slug, "weights=on")) { "See the weighted results" }
                }
                dl.summary-list {
                    div.summary-list__row {
                        dt.summary-list__key { "Weighted on" }
                        dd.summary-list__value { (crate::stats::and_list(&note.questions)) }
                    }
                    div.summary-list__row {
                        dt.summary-list__key { "Responses weighted" }
                        dd.summary-list__value {
                            (note.responses_weighted) " on " (note.computed_on) ", by " (computed_by)
                            @if let Some(since) = note.since() { br; strong { (since) } }
                        }
                    }
                    div.summary-list__row {
                        dt.summary-list__key { "Raking" }
                        dd.summary-list__value {
                            @if note.converged {
                                "Converged in " (note.iterations) " passes: every margin matches its target."
                            } @else {
                                "Stopped after " (note.iterations) " passes, a margin still " (format!("{:.2}", note.max_gap * 100.0)) " percentage points from its target: the cap holds some weights down."
                            }
                        }
                    }
                    div.summary-list__row {
                        dt.summary-list__key { "Weights" }
                        dd.summary-list__value {
                            "From " (format!("{:.2}", note.min_weight)) " to " (format!("{:.2}", note.max_weight)) ", capped at " (note.cap) "; "
                            (note.trimmed) " at the cap"
                        }
                    }
                    @if let Some(base) = p.results.and_then(|r| r.weighted) {
                        div.summary-list__row {
                            dt.summary-list__key { "Design effect" }
                            dd.summary-list__value {
                                (format!("{:.2}", base.design_effect)) ": the weighted figures are as precise as "
                                (format!("{:.0}", base.effective)) " unweighted responses would be (Kish\u{2019}s effective base)"
                            }
                        }
                    }
                }
                p.body.method { (note.method()) }
                @if let (Some(targets), Some(results)) = (p.targets, p.results) {
                    @for margin in &targets.margins {
                        @let question = results.questions.iter().find(|q| q.id == margin.question);
                        div.table-scroll tabindex="0" role="region" aria-label=(format!("{}: targets and respondents, scrolls sideways on narrow screens", margin.label)) {
                            table.table {
                                caption.table__caption { (margin.label) ": targets and respondents" }
                                thead {
                                    tr {
                                        th scope="col" { "Answer" }
                                        th.numeric scope="col" { "Population" }
                                        th.numeric scope="col" { "Target" }
                                        th.numeric scope="col" { "Respondents" }
                                        th.numeric scope="col" { "Unweighted" }
                                        th.numeric scope="col" { "Weighted" }
                                    }
                                }
                                tbody {
                                    @for target in &margin.options {
                                        @let option = question.and_then(|q| q.options.iter().find(|o| o.id == target.id));
                                        @let targeted: u64 = question.map_or(0, |q| q.options.iter().filter(|o| margin.options.iter().any(|t| t.id == o.id)).map(|o| o.count).sum());
                                        @let targeted_weight: f64 = question.map_or(0.0, |q| q.options.iter().filter(|o| margin.options.iter().any(|t| t.id == o.id)).map(|o| o.weighted_count.unwrap_or(0.0)).sum());
                                        tr {
                                            th scope="row" { (target.label) }
                                            td.numeric { (format!("{:.0}", target.population)) }
                                            td.numeric { (percent(target.share * 100.0)) }
                                            td.numeric { (option.map_or(0, |o| o.count)) }
                                            td.numeric { (percent(option.map_or(0.0, |o| o.count as f64 * 100.0 / targeted.max(1) as f64))) }
                                            td.numeric { (percent(option.and_then(|o| o.weighted_count).map_or(0.0, |w| if targeted_weight > 0.0 { w * 100.0 / targeted_weight } else { 0.0 }))) }
                                        }
                                    }
                                }
                            }
                        }
                        @if !margin.untargeted.is_empty() {
                            p.body.secondary-text {
                                "No target for "
                                (margin.untargeted.iter().map(|(_, l)| format!("\u{201c}{l}\u{201d}")).collect::<Vec<_>>().join(", "))
                                ": those respondents are weighted by the other questions alone, and the shares above are of the respondents who gave an answer with a target."
                            }
                        }
                    }
                }
                @if who.is_admin {
                    h2.heading-m { "Take in new responses" }
                    p.body { "Responses that arrive after the weights are computed wait outside the weighted figures until the weights are computed again from the same targets." }
                    form method="post" action=(paths::weighting_recompute(slug)) {
                        (csrf_field(&who.csrf))
                        button.button.button--secondary type="submit" { "Compute the weights again" }
                    }
                }
            }
            _ => {
                p.body { strong { "No weights are set for this survey." } " Its figures are shown unweighted." }
            }
        }
        @if who.is_admin {
            (upload_form(who, p, errors))
            @if p.computed_by.is_some() {
                h2.heading-m { "Remove the weighting" }
                p.body { "The figures go back to unweighted only. The targets file is not kept." }
                form method="post" action=(paths::weighting_remove(slug)) {
                    (csrf_field(&who.csrf))
                    button.button.button--warning type="submit" { "Remove the weighting" }
                }
            }
        } @else {
            p.body { "An administrator uploads the population targets." }
        }
    };
    let mut layout = officer_layout(&title, who);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}
