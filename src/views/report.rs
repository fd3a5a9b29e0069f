//! The report as a print-ready page: the print stylesheet gives a clean A4
//! PDF from any browser's "Print to PDF".

use maud::{Markup, html};

use super::layout::Viewer;
use super::officer::officer_layout;
use super::page;
use crate::charts::Svg;
use crate::report::Report;

/// The report page: a short note for the screen, then the section itself.
pub fn report_page(
    who: &Viewer,
    survey_title: &str,
    report: &Report,
    pie: Option<Svg>,
    docx_href: &str,
) -> Markup {
    let title = format!("Report: {survey_title}");
    let body = html! {
        div.no-print {
            h1.heading-l { (title) }
            p.body {
                "The consultation section of the strategy. Print this page to PDF (A4) from your browser, or "
                a href=(docx_href) { "download it as a Word document" } "."
            }
        }
        article.report {
            h2.report__heading { (report.heading) }
            @for p in &report.paragraphs {
                p.body { (p) }
            }
            @if !report.categories.is_empty() {
                table.table.report__table {
                    caption.visually-hidden { "Most important issue and the top three concerns within each category" }
                    thead {
                        tr {
                            th scope="col" { (report.category_heading.as_deref().unwrap_or("Most important issue")) }
                            th scope="col" { "Top 3 issues within this category" }
                        }
                    }
                    tbody {
                        @for row in &report.categories {
                            tr {
                                th scope="row" { (row.label) br; span.report__respondents { (row.respondents) } }
                                td {
                                    @if let Some(base) = &row.base { (base) }
                                    ul.list {
                                        @for item in &row.top { li { (item) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(svg) = pie {
                figure.chart-figure.report__chart { (svg) }
            }
            @if !report.breakdown.is_empty() {
                h3.heading-m { (report.breakdown_heading) }
                div.breakdown {
                    @for column in &report.breakdown {
                        table.table {
                            caption { (column.heading) }
                            thead { tr { th scope="col" { "Answer" } th.numeric scope="col" { "%" } } }
                            tbody {
                                @for (label, percent) in &column.rows {
                                    tr { th scope="row" { (label) } td.numeric { (percent) } }
                                }
                            }
                        }
                    }
                }
            }
            p.body.report__method { small { (report.method) } }
        }
    };
    let mut layout = officer_layout(&title, who);
    layout.wide = true;
    page(&layout, body)
}
