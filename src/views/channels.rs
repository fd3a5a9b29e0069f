//! The distribution page: each channel's link to give out, how many started
//! and completed through it, and its QR code for posters.

use maud::{Markup, html};

use super::officer::officer_layout;
use super::{Viewer, page};
use crate::domain::SurveyDefinition;
use crate::paths;

/// One channel as the page lists it (`id` none: the plain link).
#[derive(Debug, Clone)]
pub struct ChannelRow {
    pub id: Option<String>,
    pub label: String,
    pub link: String,
    pub started: i64,
    pub completed: i64,
}

/// Every channel's link, counts and QR codes. `configured`: the links use
/// `PUBLIC_URL` (else the address of this request, which may not be the
/// one residents reach).
pub fn channels_page(
    who: &Viewer,
    def: &SurveyDefinition,
    rows: &[ChannelRow],
    configured: bool,
) -> Markup {
    let slug = def.slug().as_str();
    let title = format!("Channels: {}", def.title());
    let body = html! {
        span.caption-l { (def.title()) }
        h1.heading-l { "Channels" }
        p.body {
            "Give each place you promote the survey its own link: responses are counted by the link they started from, and nothing else about the person is stored."
            @if !def.channels().is_empty() {
                " "
                a href=(paths::results(slug, "compare=channel")) { "Compare the results by channel" }
                "."
            }
        }
        @if !configured {
            div.inset-text {
                "These links use the address this page was opened at. Set PUBLIC_URL to the address residents reach (such as https://survey.example.gov.uk) before printing QR codes."
            }
        }
        @if def.channels().is_empty() {
            p.body { "This survey has no channels. Add them in its settings (as the next version, if it is published): one per line, such as Council website, Facebook, Street survey tablet." }
        }
        div.table-scroll tabindex="0" role="region" aria-label="Channels: table, scrolls sideways on narrow screens" {
            table.table {
                caption.visually-hidden { "Channels, their links and responses" }
                thead {
                    tr {
                        th scope="col" { "Channel" }
                        th scope="col" { "Link" }
                        th.numeric scope="col" { "Started" }
                        th.numeric scope="col" { "Completed" }
                        th scope="col" { "QR code" }
                    }
                }
                tbody {
                    @for row in rows {
                        tr data-channel=[row.id.as_deref()] {
                            th scope="row" { (row.label) }
                            td {
                                @if row.link.is_empty() {
                                    span.secondary-text { "Their links no longer lead to a channel" }
                                } @else {
                                    code.channel-link { (row.link) }
                                }
                            }
                            td.numeric { (row.started) }
                            td.numeric { (row.completed) }
                            td {
                                @if let Some(id) = &row.id {
                                    a href=(paths::channel_qr(slug, id, "svg")) download {
                                        "SVG" span.visually-hidden { " QR code for " (row.label) }
                                    }
                                    ", "
                                    a href=(paths::channel_qr(slug, id, "png")) download {
                                        "PNG" span.visually-hidden { " QR code for " (row.label) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    let mut layout = officer_layout(&title, who);
    layout.wide = true;
    page(&layout, body)
}
