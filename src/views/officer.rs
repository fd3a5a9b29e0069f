//! Officer pages: sign-in, first-admin setup, the survey list, and the
//! officer accounts page.

use maud::{Markup, html};

use super::layout::{SummaryItem, Viewer, csrf_field, error_summary};
use super::resident::long_date;
use super::{Layout, page};
use crate::domain::officer::Officer;
use crate::domain::{Availability, Control, ControlRecord};
use crate::{fields, paths};

/// The layout for a signed-in officer's page.
pub fn officer_layout<'a>(title: &'a str, who: &'a Viewer) -> Layout<'a> {
    Layout {
        title,
        header_href: Some(paths::officers()),
        officer: Some(who),
        ..Layout::default()
    }
}

/// A labelled text input with its error, GOV.UK style.
fn text_input(
    id: &str,
    label: &str,
    kind: &str,
    value: &str,
    autocomplete: &str,
    error: Option<&SummaryItem>,
) -> Markup {
    hinted_input(id, label, None, kind, value, autocomplete, error)
}

/// A field's label, hint and error, GOV.UK style, and the ids its input is
/// described by.
fn field_head(
    id: &str,
    label: &str,
    hint: Option<&str>,
    error: Option<&SummaryItem>,
) -> (Markup, Option<String>) {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let described: Vec<&str> = [
        hint.map(|_| hint_id.as_str()),
        error.map(|_| error_id.as_str()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let head = html! {
        label.label for=(id) { (label) }
        @if let Some(hint) = hint {
            div.hint id=(hint_id) { (hint) }
        }
        @if let Some(e) = error {
            p.error-message id=(error_id) { span.visually-hidden { "Error:" } " " (e.message) }
        }
    };
    (head, (!described.is_empty()).then(|| described.join(" ")))
}

/// A labelled input with an optional hint and its error, GOV.UK style.
pub(super) fn hinted_input(
    id: &str,
    label: &str,
    hint: Option<&str>,
    kind: &str,
    value: &str,
    autocomplete: &str,
    error: Option<&SummaryItem>,
) -> Markup {
    let (head, described_by) = field_head(id, label, hint, error);
    html! {
        div.form-group.form-group--error[error.is_some()] {
            (head)
            input.input.input--error[error.is_some()] id=(id) name=(id) type=(kind) value=(value)
                autocomplete=(autocomplete) spellcheck="false"
                aria-describedby=[described_by];
        }
    }
}

/// A labelled text area with an optional hint and its error, GOV.UK style.
pub(super) fn text_area(
    id: &str,
    label: &str,
    hint: Option<&str>,
    value: &str,
    error: Option<&SummaryItem>,
) -> Markup {
    let (head, described_by) = field_head(id, label, hint, error);
    html! {
        div.form-group.form-group--error[error.is_some()] {
            (head)
            textarea.textarea.textarea--error[error.is_some()] id=(id) name=(id) rows="5"
                aria-describedby=[described_by] {
                // HTML drops a newline right after <textarea>: this one.
                "\n" (value)
            }
        }
    }
}

pub(super) fn error_for<'a>(errors: &'a [SummaryItem], id: &str) -> Option<&'a SummaryItem> {
    errors.iter().find(|e| e.href == format!("#{id}"))
}

/// The sign-in form.
pub fn sign_in_page(
    email: &str,
    next: &str,
    errors: &[SummaryItem],
    notice: Option<&str>,
    csrf: &str,
) -> Markup {
    let body = html! {
        (error_summary(errors))
        @if let Some(notice) = notice {
            div.notification role="status" { p.body { (notice) } }
        }
        h1.heading-l { "Sign in" }
        p.body { "For officers of the partnership. Residents do not need to sign in." }
        form method="post" action=(paths::sign_in()) novalidate {
            (csrf_field(csrf))
            input type="hidden" name=(fields::NEXT) value=(next);
            (text_input(fields::EMAIL, "Email address", "email", email, "username", error_for(errors, fields::EMAIL)))
            (text_input(fields::PASSWORD, "Password", "password", "", "current-password", error_for(errors, fields::PASSWORD)))
            button.button type="submit" { "Sign in" }
        }
    };
    page(
        &Layout {
            title: "Sign in",
            header_href: Some(paths::officers()),
            has_errors: !errors.is_empty(),
            ..Layout::default()
        },
        body,
    )
}

/// The one-time page that creates the first administrator.
pub fn setup_page(action: &str, email: &str, errors: &[SummaryItem], csrf: &str) -> Markup {
    let body = html! {
        (error_summary(errors))
        h1.heading-l { "Create the first administrator" }
        p.body { "This link works once. The account you create can add other officers." }
        form method="post" action=(action) novalidate {
            (csrf_field(csrf))
            (text_input(fields::EMAIL, "Email address", "email", email, "username", error_for(errors, fields::EMAIL)))
            (text_input(fields::PASSWORD, "Password (at least 12 characters)", "password", "", "new-password", error_for(errors, fields::PASSWORD)))
            (text_input(fields::CONFIRM, "Password again", "password", "", "new-password", error_for(errors, fields::CONFIRM)))
            button.button type="submit" { "Create account" }
        }
    };
    page(
        &Layout {
            title: "Create the first administrator",
            has_errors: !errors.is_empty(),
            ..Layout::default()
        },
        body,
    )
}

/// One survey on the officer's list.
#[derive(Debug, Clone)]
pub struct SurveySummary {
    pub slug: String,
    pub title: String,
    /// The published version residents answer now (1 for the first).
    pub version: i32,
    pub started: i64,
    pub completed: i64,
    /// Whether it accepts answers now, and why.
    pub availability: Availability,
    /// An administrator's standing decision, if any.
    pub control: Option<ControlRecord>,
}

/// The survey's state in words, naming who decided it if an administrator did.
pub fn status_text(availability: Availability, control: Option<&ControlRecord>) -> String {
    match (control, availability) {
        (Some(c), _) if c.control == Control::Open => {
            format!("Open: opened by {} on {}", c.by, long_date(c.at))
        }
        (Some(c), _) => format!("Closed by {} on {}", c.by, long_date(c.at)),
        (None, Availability::Open) => "Open".to_owned(),
        (None, Availability::NotYetOpen(at)) => format!("Not open yet: opens on {}", long_date(at)),
        (None, Availability::Closed(at)) => {
            format!("Closed on {}", super::resident::closed_day(at))
        }
    }
}

/// The signed-in officer's home: every survey with its counts.
pub fn dashboard_page(
    who: &Viewer,
    surveys: &[SurveySummary],
    drafts: &[super::builder::DraftRow],
) -> Markup {
    let body = html! {
        h1.heading-l { "Surveys" }
        @if who.is_admin {
            p.body { "Closing a survey stops residents starting or submitting it at once, on every instance, whatever dates its definition gives; answers already submitted are kept. Opening it accepts answers again." }
        }
        table.table {
            caption.visually-hidden { "Surveys and their responses" }
            thead {
                tr {
                    th scope="col" { "Survey" }
                    th scope="col" { "Status" }
                    th.numeric scope="col" { "Started" }
                    th.numeric scope="col" { "Completed" }
                }
            }
            tbody {
                @for s in surveys {
                    tr {
                        td {
                            a href=(paths::results(&s.slug, "")) { (s.title) }
                            br;
                            a.secondary-link href=(paths::definition(&s.slug, None)) download {
                                "Definition file (version " (s.version) ")"
                                span.visually-hidden { " of " (s.title) }
                            }
                            br;
                            a.secondary-link href=(paths::channels(&s.slug)) {
                                "Channels and QR codes" span.visually-hidden { " of " (s.title) }
                            }
                            br;
                            a.secondary-link href=(paths::weighting(&s.slug)) {
                                "Weighting to the population" span.visually-hidden { " of " (s.title) }
                            }
                            @if who.is_admin {
                                br;
                                a.secondary-link href=(paths::public_admin(&s.slug)) {
                                    "Public results" span.visually-hidden { " of " (s.title) }
                                }
                                br;
                                a.secondary-link href=(paths::retention(&s.slug)) {
                                    "Retention" span.visually-hidden { " of " (s.title) }
                                }
                            }
                            @let drafting = drafts.iter().find(|d| d.slug == s.slug);
                            @if who.can_build {
                                @if drafting.is_some_and(|d| d.revises.is_some()) {
                                    br;
                                    a.secondary-link href=(paths::draft(&s.slug)) {
                                        "Version " (s.version + 1) " is being drafted"
                                        span.visually-hidden { ": " (s.title) }
                                    }
                                } @else if drafting.is_none() {
                                    br;
                                    form.inline-form method="post" action=(paths::next_version(&s.slug)) {
                                        (csrf_field(&who.csrf))
                                        button.link-button type="submit" {
                                            "Change: start version " (s.version + 1)
                                            span.visually-hidden { " of " (s.title) }
                                        }
                                    }
                                }
                            }
                        }
                        td {
                            span.survey-status { (status_text(s.availability, s.control.as_ref())) }
                            @if who.is_admin {
                                form.survey-state method="post" action=(paths::survey_state(&s.slug)) {
                                    (csrf_field(&who.csrf))
                                    @if s.availability == Availability::Open {
                                        button.button.button--warning.button--small type="submit" name=(fields::STATE) value="closed" {
                                            "Close now" span.visually-hidden { ": " (s.title) }
                                        }
                                    } @else {
                                        button.button.button--small type="submit" name=(fields::STATE) value="open" {
                                            "Open now" span.visually-hidden { ": " (s.title) }
                                        }
                                    }
                                    @if s.control.is_some() {
                                        button.button.button--secondary.button--small type="submit" name=(fields::STATE) value="dates" {
                                            "Follow the survey’s dates" span.visually-hidden { ": " (s.title) }
                                        }
                                    }
                                }
                            }
                        }
                        td.numeric { (s.started) }
                        td.numeric { (s.completed) }
                    }
                }
            }
        }
        (super::builder::drafts_section(who, drafts))
    };
    page(&officer_layout("Surveys", who), body)
}

/// The officer accounts page: who has access, adding an officer, and
/// issuing an API token.
pub fn officers_page(
    who: &Viewer,
    officers: &[Officer],
    form_email: &str,
    errors: &[SummaryItem],
    new_token: Option<&str>,
) -> Markup {
    let body = html! {
        (error_summary(errors))
        @if let Some(token) = new_token {
            div.notification role="status" {
                h2.heading-m { "Your new API token" }
                p.body { "Copy it now: it is not shown again. Send it as " code { "Authorization: Bearer TOKEN" } "." }
                p.token { (token) }
            }
        }
        h1.heading-l { "Officers" }
        table.table {
            caption.visually-hidden { "Officer accounts" }
            thead { tr { th scope="col" { "Email address" } th scope="col" { "Role" } th scope="col" { "Status" } } }
            tbody {
                @for o in officers {
                    tr {
                        td { (o.email) }
                        td { (o.role.as_str()) }
                        td { @if o.disabled { "Disabled" } @else { "Active" } }
                    }
                }
            }
        }
        h2.heading-m { "Add an officer" }
        form method="post" action=(paths::admin_officers()) novalidate {
            (csrf_field(&who.csrf))
            (text_input(fields::EMAIL, "Email address", "email", form_email, "off", error_for(errors, fields::EMAIL)))
            (text_input(fields::PASSWORD, "Initial password (at least 12 characters; give it to them securely)", "password", "", "new-password", error_for(errors, fields::PASSWORD)))
            div.form-group {
                fieldset.fieldset {
                    legend.fieldset__legend { "Role" }
                    div.radios {
                        div.choice {
                            input.choice__input id=(fields::ROLE) name=(fields::ROLE) type="radio" value="analyst" checked;
                            label.choice__label for=(fields::ROLE) { "Analyst: views and exports results" }
                        }
                        div.choice {
                            input.choice__input id=(format!("{}-3", fields::ROLE)) name=(fields::ROLE) type="radio" value="editor";
                            label.choice__label for=(format!("{}-3", fields::ROLE)) { "Editor: also builds, publishes and changes surveys" }
                        }
                        div.choice {
                            input.choice__input id=(format!("{}-2", fields::ROLE)) name=(fields::ROLE) type="radio" value="admin";
                            label.choice__label for=(format!("{}-2", fields::ROLE)) { "Administrator: also manages officers and surveys" }
                        }
                    }
                }
            }
            button.button type="submit" { "Add officer" }
        }
        h2.heading-m { "API tokens" }
        p.body { "A token lets a script read the results endpoint as you. It is shown once." }
        form method="post" action=(paths::admin_api_tokens()) novalidate {
            (csrf_field(&who.csrf))
            (text_input(fields::LABEL, "What the token is for", "text", "", "off", error_for(errors, fields::LABEL)))
            button.button type="submit" { "Create API token" }
        }
    };
    let mut layout = officer_layout("Officers", who);
    layout.has_errors = !errors.is_empty();
    page(&layout, body)
}
