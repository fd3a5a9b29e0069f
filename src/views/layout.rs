//! The one page layout and the partials every page shares.

use maud::{DOCTYPE, Markup, html};

use crate::domain::Slug;
use crate::{fields, paths};

/// The name of the service, in the header and page titles.
pub const SERVICE_NAME: &str = "civic-survey";

/// What a page puts around its body.
#[derive(Debug, Default)]
pub struct Layout<'a> {
    /// The page's own title; "Error: " is added when `has_errors`.
    pub title: &'a str,
    /// The service name in the header: the survey title on resident pages.
    pub header: Option<&'a str>,
    /// Where the header link goes.
    pub header_href: Option<&'a str>,
    /// A "Back" link above the main content.
    pub back_href: Option<&'a str>,
    pub has_errors: bool,
    /// Use the full width (results tables and charts).
    pub wide: bool,
    /// Officer pages: the navigation, with the sign-out form.
    pub officer: Option<&'a Viewer>,
    /// A preview of a draft: the banner that says so on every page, with
    /// this way back to the draft.
    pub preview_exit: Option<&'a str>,
    /// A survey's pages: the footer links to its privacy notice (else to
    /// the service's privacy page).
    pub privacy_for: Option<&'a Slug>,
}

/// The signed-in officer an officer page is for: what the navigation and
/// the forms need, and nothing else.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub email: String,
    /// The CSRF token for forms on the page.
    pub csrf: String,
    pub is_admin: bool,
    /// An administrator or an editor: builds surveys.
    pub can_build: bool,
}

/// A whole HTML page.
pub fn page(layout: &Layout, body: Markup) -> Markup {
    let header = layout.header.unwrap_or(SERVICE_NAME);
    let title = if layout.title == header {
        header.to_owned()
    } else {
        format!("{} – {header}", layout.title)
    };
    let title = if layout.preview_exit.is_some() {
        format!("Preview: {title}")
    } else {
        title
    };
    let title = if layout.has_errors {
        format!("Error: {title}")
    } else {
        title
    };
    html! {
        (DOCTYPE)
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href=(paths::asset("civic.css"));
                link rel="icon" href=(paths::asset("favicon.svg")) type="image/svg+xml";
            }
            body {
                a.skip-link href="#main-content" { "Skip to main content" }
                header.header {
                    div.width-container.header__bar {
                        a.header__link href=(layout.header_href.unwrap_or(paths::home())) { (header) }
                        @if let Some(nav) = layout.officer {
                            nav.header__nav aria-label="Officer menu" {
                                a.header__nav-link href=(paths::officers()) { "Surveys" }
                                @if nav.is_admin {
                                    a.header__nav-link href=(paths::admin_officers()) { "Officers" }
                                    a.header__nav-link href=(paths::audit()) { "Audit log" }
                                }
                                form.header__sign-out method="post" action=(paths::sign_out()) {
                                    (csrf_field(&nav.csrf))
                                    button.header__nav-button type="submit" {
                                        "Sign out" span.visually-hidden { " " (nav.email) }
                                    }
                                }
                            }
                        }
                    }
                }
                div.width-container {
                    @if let Some(exit) = layout.preview_exit {
                        div.preview-banner {
                            strong.tag { "Preview" }
                            " You are previewing a draft: residents cannot see it, and nothing you enter is stored. "
                            a href=(exit) { "Back to the draft" }
                        }
                    }
                    @if let Some(href) = layout.back_href {
                        a.back-link href=(href) { "Back" }
                    }
                    main.main.main--wide[layout.wide] #main-content {
                        (body)
                    }
                }
                footer.footer {
                    div.width-container {
                        nav.footer__links aria-label="About this service" {
                            @if let Some(slug) = layout.privacy_for {
                                a.footer__link href=(paths::survey_privacy(slug)) { "Privacy" }
                            } @else {
                                a.footer__link href=(paths::privacy()) { "Privacy" }
                            }
                            " "
                            a.footer__link href=(paths::accessibility()) { "Accessibility statement" }
                        }
                        p { "Run with " (SERVICE_NAME) ", open-source survey software for community safety partnerships." }
                    }
                }
            }
        }
    }
}

/// One item of an error summary: the message, and the id of the field it links to.
#[derive(Debug, Clone)]
pub struct SummaryItem {
    pub message: String,
    pub href: String,
}

impl SummaryItem {
    /// An error at the input with id `field` on this page.
    pub fn at(field: &str, message: impl Into<String>) -> Self {
        SummaryItem {
            message: message.into(),
            href: format!("#{field}"),
        }
    }
}

/// What is wrong with one input of a form: its id, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// The error summary at the top of a page with errors; it takes focus on load
/// so screen-reader and keyboard users land on it.
pub fn error_summary(items: &[SummaryItem]) -> Markup {
    html! {
        @if !items.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" autofocus {
                h2.error-summary__title #error-summary-title { "There is a problem" }
                ul.error-summary__list {
                    @for item in items {
                        li { a href=(item.href) { (item.message) } }
                    }
                }
            }
        }
    }
}

/// A form's hidden CSRF field.
pub fn csrf_field(token: &str) -> Markup {
    html! { input type="hidden" name=(fields::CSRF) value=(token); }
}

/// The honeypot: a field the stylesheet hides from everyone (so no person
/// or screen reader meets it) that form-filling bots fill in.
pub fn honeypot() -> Markup {
    html! {
        div.honeypot {
            label for=(fields::HONEYPOT) { "Leave this empty" }
            input id=(fields::HONEYPOT) type="text" name=(fields::HONEYPOT) value="" autocomplete="off" tabindex="-1";
        }
    }
}
