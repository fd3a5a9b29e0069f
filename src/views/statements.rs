//! The statements a UK public body must publish, generated from the
//! survey's and the service's settings: a privacy notice per survey, the
//! service's own privacy notice (officers' accounts, cookies), and the
//! accessibility statement. Linked from every page's footer.

use maud::{Markup, html};

use super::{Layout, page};
use crate::domain::SurveyDefinition;
use crate::{fields, paths};

/// The day this build's accessibility statement was prepared and last
/// reviewed (with the browser tests that back it).
pub const ACCESSIBILITY_REVIEWED: &str = "4 December 2026";

/// The service's settings the statements are built from.
#[derive(Debug, Clone)]
pub struct ServiceDetails<'a> {
    /// Who runs the service (`ORGANISATION_NAME`); none: each survey's organisation.
    pub organisation: Option<&'a str>,
    /// Where people write about their data or accessibility (`CONTACT_EMAIL`).
    pub contact_email: Option<&'a str>,
    /// The lawful basis for processing answers (`LAWFUL_BASIS`).
    pub lawful_basis: &'a str,
    /// Where residents reach the service (`PUBLIC_URL`).
    pub public_url: Option<&'a str>,
    /// How long answers in progress are kept, in hours.
    pub draft_hours: u64,
    /// The smallest count a public results page shows.
    pub public_min_count: u64,
}

/// What the survey's privacy notice says of its retention periods.
#[derive(Debug, Clone)]
pub struct RetentionWords {
    pub free_text: String,
    pub responses: String,
}

/// How to contact the organisation, or that no address was configured.
fn contact(s: &ServiceDetails, organisation: &str) -> Markup {
    html! {
        @if let Some(email) = s.contact_email {
            "Email " a href={ "mailto:" (email) } { (email) } "."
        } @else {
            "Contact " (organisation) " through its website. (This service has not been given a contact address: its administrators set "
            code { "CONTACT_EMAIL" } ".)"
        }
    }
}

fn statement_layout<'a>(title: &'a str, header: Option<&'a str>) -> Layout<'a> {
    Layout {
        title,
        header,
        ..Layout::default()
    }
}

/// The privacy notice of one survey.
pub fn survey_privacy_page(
    def: &SurveyDefinition,
    s: &ServiceDetails,
    retention: &RetentionWords,
) -> Markup {
    let controller = s.organisation.unwrap_or(def.organisation());
    let about_you: Vec<&str> = def
        .questions()
        .iter()
        .filter(|q| q.demographic())
        .map(|q| q.short_label())
        .collect();
    let title = format!("Privacy notice: {}", def.title());
    let body = html! {
        span.caption-l { (def.title()) }
        h1.heading-xl { "Privacy notice" }
        p.body-l { "How " (controller) " uses the answers you give in this survey, and your rights." }
        h2.heading-m #controller { "Who is responsible for your answers" }
        p.body { (controller) " is the data controller for the answers given in this survey. " (contact(s, controller)) }
        h2.heading-m #purpose { "Why we ask" }
        @for paragraph in def.purpose().split("\n\n") { p.body { (paragraph) } }
        h2.heading-m #lawful-basis { "Our lawful basis" }
        p.body { (s.lawful_basis) }
        @if !about_you.is_empty() {
            p.body {
                "The questions about you (" (about_you.join(", ")) ") are optional. Where they include your ethnicity, that is special category data, "
                "used only to check that the partnership hears from every community (equality of opportunity, as the Data Protection Act 2018, Schedule 1, paragraph 8, allows)."
            }
        }
        h2.heading-m #stored { "What we store" }
        ul.list.list--bullet {
            li { "Your answers, and the time you sent them." }
            li { "Which of the survey's links you came from (the council website, a QR code on a poster), if you came from one: to know which ways of asking reach people." }
            li { "While you answer, a cookie holding a random key to your answers so far, so you can go back and change them. Answers you never send are deleted " (s.draft_hours) @if s.draft_hours == 1 { " hour" } @else { " hours" } " after your last change." }
        }
        h2.heading-m #not-stored { "What we do not store" }
        ul.list.list--bullet {
            li { "Your name, email address or any contact details: the survey does not ask for them." }
            li { "Your IP address, or details of your device or browser." }
            li { "Any tracking or analytics cookie: the only cookie is the one that keeps your answers while you answer." }
        }
        h2.heading-m #retention { "How long we keep your answers" }
        ul.list.list--bullet {
            li #retention-free-text { "What you write in your own words is " (retention.free_text) "." }
            li #retention-responses { "Your other answers are " (retention.responses) "." }
        }
        h2.heading-m #who-sees { "Who sees your answers" }
        p.body {
            "Officers of the partnership, signed in, to produce the figures for the community safety strategy. "
            "Any figures published for residents never show a group of fewer than " (s.public_min_count) " people, and never what anyone wrote in their own words."
        }
        h2.heading-m #rights { "Your rights" }
        p.body {
            "You have the right to ask for a copy of your personal data, to have it corrected or deleted, and to object to or restrict its use. "
            "Because the survey does not know who you are, we can only find your answers if you tell us exactly what you wrote and when. "
            (contact(s, controller))
        }
        p.body {
            "If you are unhappy with how your data is used, you can complain to the Information Commissioner's Office: "
            "ico.org.uk/make-a-complaint, or 0303 123 1113."
        }
        h2.heading-m #survey-says { "What the survey says about privacy" }
        @for paragraph in def.privacy().split("\n\n") { p.body { (paragraph) } }
        p.body { a href=(paths::start(def.slug())) { "Back to the survey" } }
    };
    let mut layout = statement_layout(&title, Some(def.title()));
    layout.privacy_for = Some(def.slug());
    page(&layout, body)
}

/// The service's own privacy notice: officers' accounts and cookies, and
/// each survey's notice.
pub fn service_privacy_page(surveys: &[&SurveyDefinition], s: &ServiceDetails) -> Markup {
    let controller = s
        .organisation
        .unwrap_or("the organisation that runs this service");
    let body = html! {
        h1.heading-xl { "Privacy" }
        p.body-l { "How this service handles personal data. Each survey has its own privacy notice for the answers it collects." }
        h2.heading-m { "Surveys" }
        @if surveys.is_empty() {
            p.body { "No survey is running." }
        } @else {
            ul.list #survey-notices {
                @for def in surveys {
                    li { a href=(paths::survey_privacy(def.slug())) { "Privacy notice: " (def.title()) } }
                }
            }
        }
        h2.heading-m { "Officers" }
        p.body {
            "For officers who sign in, " (controller) " stores an email address, a password hash (Argon2id, never the password), "
            "a session while signed in (a cookie, ended by signing out or after 8 hours), and an audit log of what each officer does with the data: "
            "sign-ins, exports, changes to surveys, publication and deletions. The audit log holds no resident's answers. "
            (contact(s, controller))
        }
        h2.heading-m { "Cookies" }
        ul.list.list--bullet {
            li { code { (fields::DRAFT_COOKIE) } ": keeps a resident's answers while they answer one survey; essential, so no consent is asked." }
            li { code { (fields::SESSION_COOKIE) } ": keeps an officer signed in; essential." }
        }
        p.body { "There are no analytics, advertising or tracking cookies, and nothing is loaded from another website." }
    };
    page(&statement_layout("Privacy", None), body)
}

/// The accessibility statement, in the shape the Public Sector Bodies
/// (Websites and Mobile Applications) Accessibility Regulations 2018 ask for.
pub fn accessibility_page(s: &ServiceDetails) -> Markup {
    let organisation = s
        .organisation
        .unwrap_or("The organisation that runs this service");
    let body = html! {
        h1.heading-xl { "Accessibility statement" }
        p.body-l {
            "This statement applies to the surveys and results pages of this service"
            @if let Some(url) = s.public_url { " at " (url) }
            ". It runs on civic-survey, open-source survey software"
            @if let Some(name) = s.organisation { ", for " (name) }
            "."
        }
        p.body {
            "We want as many people as possible to be able to use it. You should be able to change colours, contrast levels and fonts, "
            "zoom in up to 400% without the text spilling off the screen, move through every page with a keyboard alone, "
            "use every page with JavaScript turned off, and listen to every page with a screen reader."
        }
        h2.heading-m #compliance { "Compliance status" }
        p.body {
            "This service is fully compliant with the Web Content Accessibility Guidelines version 2.2 AA standard, as far as our testing shows. "
            "Every page residents and officers use is checked on every change with axe-core (WCAG 2.2 A and AA rules) and the Nu HTML Checker, "
            "at a phone's width (375 pixels) and a desktop's, with JavaScript off, and the survey is completed with the keyboard alone."
        }
        h2.heading-m #known-issues { "What we know is not perfect" }
        ul.list.list--bullet {
            li { "Charts on the results pages are pictures: every figure in them is also in the table beside them, which a screen reader reads." }
            li { "Downloaded files (spreadsheets, Word reports, PNG charts) are made for officers' documents: the tables in them have headers, and the charts have the same figures in tables, but they have not been tested with every screen reader." }
            li { "Date boxes on the officers' audit log use the browser's own date picker, which some older screen readers announce poorly; typing the date as 2026-12-04 works in all of them." }
        }
        h2.heading-m #feedback { "Feedback and contact" }
        p.body { "If you need the survey in another format (large print, easy read, audio, a paper copy), or find a problem not listed here: " (contact(s, organisation)) " We reply within 10 working days." }
        h2.heading-m #enforcement { "Enforcement procedure" }
        p.body {
            "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. "
            "If you are not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS): equalityadvisoryservice.com."
        }
        h2.heading-m #preparation { "Preparation of this statement" }
        p.body {
            "This statement was prepared on " (ACCESSIBILITY_REVIEWED) " and last reviewed on " (ACCESSIBILITY_REVIEWED) ". "
            "The service was tested by its automated browser tests (axe-core and the Nu HTML Checker, at 375 and 1280 pixels wide, with JavaScript off, and by keyboard), run on every change."
        }
    };
    page(&statement_layout("Accessibility statement", None), body)
}
