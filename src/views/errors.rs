//! Pages for things that went wrong outside any form.

use maud::{Markup, html};

use super::{Layout, page};

/// A plain error page: a heading, what happened, and what to do next.
pub fn error_page(title: &str, paragraphs: &[&str], link: Option<(&str, &str)>) -> Markup {
    page(
        &Layout {
            title,
            ..Layout::default()
        },
        html! {
            h1.heading-l { (title) }
            @for p in paragraphs { p.body { (p) } }
            @if let Some((href, text)) = link {
                p.body { a href=(href) { (text) } }
            }
        },
    )
}
