//! Every URL of the service, in one place: the patterns the route table
//! ([`crate::web::configure`]) registers, in [`route`], and the functions
//! that build links and redirects to them. A test checks that each builder's
//! URL matches its pattern, so a link cannot drift from its route.
//!
//! A `query` argument is a results query string (filters), without `?`;
//! an empty one adds nothing.

use crate::domain::{QuestionId, Slug};

/// The route patterns, as `actix-web` reads them.
pub mod route {
    pub const HOME: &str = "/";
    pub const PRIVACY: &str = "/privacy";
    pub const ACCESSIBILITY: &str = "/accessibility";
    pub const SURVEY_PRIVACY: &str = "/surveys/{slug}/privacy";
    pub const HEALTH: &str = "/health";
    pub const METRICS: &str = "/metrics";
    pub const ASSET: &str = "/assets/{name}";

    pub const OFFICERS: &str = "/officers";
    pub const SIGN_IN: &str = "/officers/sign-in";
    pub const SIGN_OUT: &str = "/officers/sign-out";
    pub const SETUP: &str = "/officers/setup/{token}";

    pub const ADMIN_OFFICERS: &str = "/admin/officers";
    pub const ADMIN_EXPORTS: &str = "/admin/exports";
    pub const ADMIN_API_TOKENS: &str = "/admin/api-tokens";
    pub const ADMIN_SURVEY_STATE: &str = "/admin/surveys/{slug}/state";
    pub const ADMIN_NEW_SURVEY: &str = "/admin/surveys/new";
    pub const ADMIN_UPLOAD_SURVEY: &str = "/admin/surveys/upload";
    pub const ADMIN_DRAFT_UPLOAD: &str = "/admin/drafts/{slug}/upload";
    pub const ADMIN_NEXT_VERSION: &str = "/admin/surveys/{slug}/next-version";
    pub const WEIGHTING: &str = "/surveys/{slug}/weighting";
    pub const ADMIN_WEIGHTING_RECOMPUTE: &str = "/admin/surveys/{slug}/weighting/recompute";
    pub const ADMIN_WEIGHTING_REMOVE: &str = "/admin/surveys/{slug}/weighting/remove";
    pub const ADMIN_WEIGHTING_UPLOAD: &str = "/admin/surveys/{slug}/weighting";
    pub const ADMIN_DRAFT: &str = "/admin/drafts/{slug}";
    pub const ADMIN_DRAFT_TOML: &str = "/admin/drafts/{slug}/definition.toml";
    pub const ADMIN_DRAFT_PUBLISH: &str = "/admin/drafts/{slug}/publish";
    pub const ADMIN_DRAFT_DISCARD: &str = "/admin/drafts/{slug}/discard";
    pub const PREVIEW_START: &str = "/admin/drafts/{slug}/preview";
    pub const PREVIEW_BEGIN: &str = "/admin/drafts/{slug}/preview/start";
    pub const PREVIEW_QUESTION: &str = "/admin/drafts/{slug}/preview/questions/{question}";
    pub const PREVIEW_CHECK: &str = "/admin/drafts/{slug}/preview/check";
    pub const PREVIEW_SUBMIT: &str = "/admin/drafts/{slug}/preview/submit";
    pub const PREVIEW_DONE: &str = "/admin/drafts/{slug}/preview/done";
    pub const ADMIN_DRAFT_SETTINGS: &str = "/admin/drafts/{slug}/settings";
    pub const ADMIN_DRAFT_ADD_QUESTION: &str = "/admin/drafts/{slug}/add-question";
    pub const ADMIN_DRAFT_QUESTION: &str = "/admin/drafts/{slug}/questions/{question}";
    pub const ADMIN_DRAFT_QUESTION_MOVE: &str = "/admin/drafts/{slug}/questions/{question}/move";
    pub const ADMIN_DRAFT_QUESTION_REMOVE: &str =
        "/admin/drafts/{slug}/questions/{question}/remove";
    pub const ADMIN_DRAFT_ADD_OPTION: &str = "/admin/drafts/{slug}/questions/{question}/add-option";
    pub const ADMIN_DRAFT_OPTION: &str =
        "/admin/drafts/{slug}/questions/{question}/options/{option}";
    pub const ADMIN_DRAFT_OPTION_MOVE: &str =
        "/admin/drafts/{slug}/questions/{question}/options/{option}/move";
    pub const ADMIN_DRAFT_OPTION_REMOVE: &str =
        "/admin/drafts/{slug}/questions/{question}/options/{option}/remove";
    pub const ADMIN_AUDIT: &str = "/admin/audit";
    pub const ADMIN_AUDIT_CSV: &str = "/admin/audit.csv";
    pub const ADMIN_RETENTION: &str = "/admin/surveys/{slug}/retention";
    pub const ADMIN_RETENTION_PURGE: &str = "/admin/surveys/{slug}/retention/purge";
    pub const PUBLIC_RESULTS: &str = "/surveys/{slug}/public-results";
    pub const PUBLIC_RESULTS_CSV: &str = "/surveys/{slug}/public-results.csv";
    pub const ADMIN_PUBLIC: &str = "/admin/surveys/{slug}/public";

    pub const API_RESULTS: &str = "/api/surveys/{slug}/results";

    pub const SURVEY_START: &str = "/surveys/{slug}";
    pub const SURVEY_BEGIN: &str = "/surveys/{slug}/start";
    pub const SURVEY_QUESTION: &str = "/surveys/{slug}/questions/{question}";
    pub const SURVEY_CHECK: &str = "/surveys/{slug}/check";
    pub const SURVEY_SUBMIT: &str = "/surveys/{slug}/submit";
    pub const SURVEY_DONE: &str = "/surveys/{slug}/done";

    pub const RESULTS: &str = "/surveys/{slug}/results";
    pub const RESULTS_LIVE: &str = "/surveys/{slug}/results/live";
    pub const TEXT_ANSWERS: &str = "/surveys/{slug}/results/text/{question}";
    pub const TEXT_THEMES: &str = "/surveys/{slug}/results/text/{question}/themes";
    pub const TEXT_CODING: &str = "/surveys/{slug}/results/text/{question}/coding";
    pub const TEXT_ASSIGN: &str = "/surveys/{slug}/results/text/{question}/assign";
    pub const EXPORT_RESPONSES: &str = "/surveys/{slug}/exports/responses.csv";
    pub const EXPORT_RESPONSES_LONG: &str = "/surveys/{slug}/exports/responses-long.csv";
    pub const EXPORT_SUMMARY_CSV: &str = "/surveys/{slug}/exports/summary.csv";
    pub const EXPORT_SUMMARY_XLSX: &str = "/surveys/{slug}/exports/summary.xlsx";
    pub const CHART: &str = "/surveys/{slug}/charts/{file}";
    pub const REPORT: &str = "/surveys/{slug}/report";
    pub const REPORT_DOCX: &str = "/surveys/{slug}/report.docx";
    pub const DEFINITION: &str = "/surveys/{slug}/definition.toml";
    pub const CHANNELS: &str = "/surveys/{slug}/channels";
    pub const CHANNEL_QR: &str = "/surveys/{slug}/channels/{file}";
}

/// `path`, with `?query` when there is one.
pub fn with_query(path: String, query: &str) -> String {
    if query.is_empty() {
        path
    } else {
        format!("{path}?{query}")
    }
}

// Resident pages.

/// The pages a resident walks through a survey, from the start page to the
/// confirmation: the live survey's, or an officer's preview of a draft,
/// which are the same pages under another prefix (and store nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    base: String,
    /// A preview's way back to its draft.
    exit: Option<String>,
}

impl Walk {
    /// The live survey's pages, under `/surveys/{slug}`.
    pub fn live(slug: &Slug) -> Walk {
        Walk {
            base: format!("/surveys/{slug}"),
            exit: None,
        }
    }
    /// A draft's preview pages, under `/admin/drafts/{slug}/preview`.
    pub fn preview(slug: &str) -> Walk {
        Walk {
            base: format!("/admin/drafts/{slug}/preview"),
            exit: Some(draft(slug)),
        }
    }
    /// Whether these are a preview's pages.
    pub fn is_preview(&self) -> bool {
        self.exit.is_some()
    }
    /// A preview's way back to its draft; none for the live survey.
    pub fn exit(&self) -> Option<&str> {
        self.exit.as_deref()
    }
    /// The start page.
    pub fn start(&self) -> String {
        self.base.clone()
    }
    /// The start page, borrowed (the header links to it).
    pub fn start_href(&self) -> &str {
        &self.base
    }
    /// Where the start form posts.
    pub fn begin(&self) -> String {
        format!("{}/start", self.base)
    }
    /// A question page; `change` marks a visit from check-your-answers,
    /// which returns there afterwards.
    pub fn question(&self, question: &QuestionId, change: bool) -> String {
        if change {
            format!("{}/questions/{question}?change=1", self.base)
        } else {
            format!("{}/questions/{question}", self.base)
        }
    }
    pub fn check(&self) -> String {
        format!("{}/check", self.base)
    }
    pub fn submit(&self) -> String {
        format!("{}/submit", self.base)
    }
    pub fn done(&self) -> String {
        format!("{}/done", self.base)
    }
}

/// A survey's start page.
pub fn start(slug: &Slug) -> String {
    Walk::live(slug).start()
}
/// A survey's privacy notice.
pub fn survey_privacy(slug: &Slug) -> String {
    format!("/surveys/{slug}/privacy")
}
/// The service's privacy page, listing every survey's notice.
pub fn privacy() -> &'static str {
    route::PRIVACY
}
/// The accessibility statement.
pub fn accessibility() -> &'static str {
    route::ACCESSIBILITY
}
/// Where the start form posts.
pub fn begin(slug: &Slug) -> String {
    Walk::live(slug).begin()
}
/// A question page of the live survey.
pub fn question(slug: &Slug, question: &QuestionId, change: bool) -> String {
    Walk::live(slug).question(question, change)
}
pub fn check(slug: &Slug) -> String {
    Walk::live(slug).check()
}
pub fn submit(slug: &Slug) -> String {
    Walk::live(slug).submit()
}
pub fn done(slug: &Slug) -> String {
    Walk::live(slug).done()
}
/// A survey's weighting: its targets, how raking went, and (for admins)
/// the forms that change it.
pub fn weighting(slug: &str) -> String {
    format!("/surveys/{slug}/weighting")
}
/// A survey's public results page (no sign-in).
pub fn public_results(slug: &str) -> String {
    format!("/surveys/{slug}/public-results")
}
/// The public results' open-data CSV.
pub fn public_results_csv(slug: &str) -> String {
    format!("/surveys/{slug}/public-results.csv")
}
/// The admin page that chooses and publishes a survey's public results.
pub fn public_admin(slug: &str) -> String {
    format!("/admin/surveys/{slug}/public")
}
/// The form that uploads a survey's population targets.
pub fn weighting_upload(slug: &str) -> String {
    format!("/admin/surveys/{slug}/weighting")
}
/// The form that computes a survey's weights again from its targets.
pub fn weighting_recompute(slug: &str) -> String {
    format!("/admin/surveys/{slug}/weighting/recompute")
}
/// The form that removes a survey's weighting.
pub fn weighting_remove(slug: &str) -> String {
    format!("/admin/surveys/{slug}/weighting/remove")
}
/// A survey's distribution channels: links, counts and QR codes.
pub fn channels(slug: &str) -> String {
    format!("/surveys/{slug}/channels")
}
/// A channel's QR code, as `svg` or `png`.
pub fn channel_qr(slug: &str, channel: &str, extension: &str) -> String {
    format!("/surveys/{slug}/channels/{channel}.{extension}")
}
/// The start page of a survey through a channel's link (path and query).
pub fn channel_link(slug: &Slug, channel: &str) -> String {
    format!("{}?channel={channel}", start(slug))
}

/// The path the draft cookie is limited to.
pub fn cookie_path(slug: &Slug) -> String {
    format!("/surveys/{slug}")
}

// Shared.

/// The service's root: the default survey's start page.
pub fn home() -> &'static str {
    route::HOME
}
/// A file from `assets/`.
pub fn asset(name: &str) -> String {
    format!("/assets/{name}")
}

// Officers.

/// The survey list, where officers land.
pub fn officers() -> &'static str {
    route::OFFICERS
}
pub fn sign_in() -> &'static str {
    route::SIGN_IN
}
/// What must be escaped in a query value: all but RFC 3986's unreserved characters.
const QUERY_VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Sign-in, then on to `next` (a path; percent-encoded here).
pub fn sign_in_then(next: &str) -> String {
    format!(
        "{}?next={}",
        route::SIGN_IN,
        percent_encoding::utf8_percent_encode(next, QUERY_VALUE)
    )
}
/// Sign-in, saying the officer has signed out.
pub fn signed_out() -> String {
    format!("{}?signed_out=1", route::SIGN_IN)
}
pub fn sign_out() -> &'static str {
    route::SIGN_OUT
}
/// The one-time first-admin link.
pub fn setup(token: &str) -> String {
    format!("/officers/setup/{token}")
}
pub fn admin_officers() -> &'static str {
    route::ADMIN_OFFICERS
}
pub fn admin_exports() -> &'static str {
    route::ADMIN_EXPORTS
}
pub fn admin_api_tokens() -> &'static str {
    route::ADMIN_API_TOKENS
}
/// Where an administrator opens or closes a survey.
pub fn survey_state(slug: &str) -> String {
    format!("/admin/surveys/{slug}/state")
}

/// The form that creates a survey as the next wave of another.
pub fn new_survey() -> &'static str {
    route::ADMIN_NEW_SURVEY
}
/// A draft survey's page.
pub fn draft(slug: &str) -> String {
    format!("/admin/drafts/{slug}")
}
/// A draft's definition file.
pub fn draft_toml(slug: &str) -> String {
    format!("/admin/drafts/{slug}/definition.toml")
}
/// A draft's settings form.
pub fn draft_settings(slug: &str) -> String {
    format!("/admin/drafts/{slug}/settings")
}
/// Where a draft's publish form posts.
pub fn publish_draft(slug: &str) -> String {
    format!("/admin/drafts/{slug}/publish")
}
/// The form that throws a draft away.
pub fn discard_draft(slug: &str) -> String {
    format!("/admin/drafts/{slug}/discard")
}
/// The form that creates a draft from a definition file.
pub fn upload_survey() -> &'static str {
    route::ADMIN_UPLOAD_SURVEY
}
/// The form that replaces a draft with a definition file.
pub fn draft_upload(slug: &str) -> String {
    format!("/admin/drafts/{slug}/upload")
}
/// The form that starts the next version of a published survey.
pub fn next_version(slug: &str) -> String {
    format!("/admin/surveys/{slug}/next-version")
}
/// The form that adds a question to a draft.
pub fn draft_add_question(slug: &str) -> String {
    format!("/admin/drafts/{slug}/add-question")
}
/// The form that edits one question of a draft.
pub fn draft_question(slug: &str, question: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}")
}
/// Where a question's "Move up" / "Move down" buttons post.
pub fn draft_question_move(slug: &str, question: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}/move")
}
/// Where a question's "Remove" button posts.
pub fn draft_question_remove(slug: &str, question: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}/remove")
}
/// The form that adds an option to a question of a draft.
pub fn draft_add_option(slug: &str, question: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}/add-option")
}
/// The form that edits one option of a question of a draft.
pub fn draft_option(slug: &str, question: &str, option: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}/options/{option}")
}
/// Where an option's "Move up" / "Move down" buttons post.
pub fn draft_option_move(slug: &str, question: &str, option: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}/options/{option}/move")
}
/// Where an option's "Remove" button posts.
pub fn draft_option_remove(slug: &str, question: &str, option: &str) -> String {
    format!("/admin/drafts/{slug}/questions/{question}/options/{option}/remove")
}
/// The audit log: who did what, when, to which survey.
pub fn audit() -> &'static str {
    route::ADMIN_AUDIT
}
/// A survey's retention periods and what will be deleted when.
pub fn retention(slug: &str) -> String {
    format!("/admin/surveys/{slug}/retention")
}
/// Where "Delete what is due now" posts.
pub fn retention_purge(slug: &str) -> String {
    format!("/admin/surveys/{slug}/retention/purge")
}
/// The audit log narrowed by a filter's query string.
pub fn audit_with(query: &str) -> String {
    with_query(route::ADMIN_AUDIT.to_owned(), query)
}
/// The audit log's entries matching a filter's query string, as CSV.
pub fn audit_csv(query: &str) -> String {
    with_query(route::ADMIN_AUDIT_CSV.to_owned(), query)
}

// Results and exports of one view (the query's filters go with them).

pub fn results(slug: &str, query: &str) -> String {
    with_query(format!("/surveys/{slug}/results"), query)
}
/// Only the figures, for the live refresh.
pub fn results_partial(slug: &str, query: &str) -> String {
    let partial = if query.is_empty() {
        "partial=1".to_owned()
    } else {
        format!("{query}&partial=1")
    };
    results(slug, &partial)
}
/// The server-sent events that say a response arrived.
pub fn results_live(slug: &str) -> String {
    format!("/surveys/{slug}/results/live")
}
/// A text question's answers among the view's responses: those containing
/// `search` (all when empty), page `page` (from 1).
/// Where "Add the theme" posts.
pub fn text_themes(slug: &str, question: &str) -> String {
    format!("/surveys/{slug}/results/text/{question}/themes")
}
/// Where a page's themes are saved.
pub fn text_coding(slug: &str, question: &str) -> String {
    format!("/surveys/{slug}/results/text/{question}/coding")
}
/// Where "Give the theme to all" posts.
pub fn text_assign(slug: &str, question: &str) -> String {
    format!("/surveys/{slug}/results/text/{question}/assign")
}
pub fn text_answers(slug: &str, question: &str, query: &str, search: &str, page: u64) -> String {
    let mut extra = Vec::new();
    if !search.is_empty() {
        extra.push(format!(
            "q={}",
            percent_encoding::utf8_percent_encode(search, QUERY_VALUE)
        ));
    }
    if page > 1 {
        extra.push(format!("page={page}"));
    }
    let mut all = query.to_owned();
    for part in extra {
        if !all.is_empty() {
            all.push('&');
        }
        all.push_str(&part);
    }
    with_query(format!("/surveys/{slug}/results/text/{question}"), &all)
}
pub fn api_results(slug: &str, query: &str) -> String {
    with_query(format!("/api/surveys/{slug}/results"), query)
}
/// The raw responses CSV: `long` for one row per chosen option.
pub fn export_responses(slug: &str, long: bool, query: &str) -> String {
    let file = if long {
        "responses-long.csv"
    } else {
        "responses.csv"
    };
    with_query(format!("/surveys/{slug}/exports/{file}"), query)
}
pub fn export_summary_csv(slug: &str, query: &str) -> String {
    with_query(format!("/surveys/{slug}/exports/summary.csv"), query)
}
pub fn export_summary_xlsx(slug: &str, query: &str) -> String {
    with_query(format!("/surveys/{slug}/exports/summary.xlsx"), query)
}
/// A chart file: `file` is its name and extension (`where.svg`).
pub fn chart(slug: &str, file: &str, query: &str) -> String {
    with_query(format!("/surveys/{slug}/charts/{file}"), query)
}
pub fn report(slug: &str, query: &str) -> String {
    with_query(format!("/surveys/{slug}/report"), query)
}
pub fn report_docx(slug: &str, query: &str) -> String {
    with_query(format!("/surveys/{slug}/report.docx"), query)
}
/// A survey's definition file: the version residents answer now, or
/// published version `version`.
pub fn definition(slug: &str, version: Option<i32>) -> String {
    match version {
        Some(n) => format!("/surveys/{slug}/definition.toml?version={n}"),
        None => format!("/surveys/{slug}/definition.toml"),
    }
}

#[cfg(test)]
mod tests {
    use actix_web::dev::ResourceDef;

    use super::*;

    fn path_of(url: &str) -> &str {
        url.split_once('?').map_or(url, |(path, _)| path)
    }

    #[test]
    fn every_link_matches_its_route() {
        let slug = Slug::parse("csp-2019").expect("slug");
        let q = QuestionId::parse("where").expect("id");
        let s = slug.as_str();
        let cases: Vec<(&str, String)> = vec![
            (route::HOME, home().to_owned()),
            (route::PRIVACY, privacy().to_owned()),
            (route::ACCESSIBILITY, accessibility().to_owned()),
            (route::SURVEY_PRIVACY, survey_privacy(&slug)),
            (route::ASSET, asset("civic.css")),
            (route::OFFICERS, officers().to_owned()),
            (route::SIGN_IN, sign_in().to_owned()),
            (route::SIGN_IN, sign_in_then("/surveys/a?b=c")),
            (route::SIGN_IN, signed_out()),
            (route::SIGN_OUT, sign_out().to_owned()),
            (route::SETUP, setup("abc")),
            (route::ADMIN_OFFICERS, admin_officers().to_owned()),
            (route::ADMIN_EXPORTS, admin_exports().to_owned()),
            (route::ADMIN_API_TOKENS, admin_api_tokens().to_owned()),
            (route::ADMIN_SURVEY_STATE, survey_state(s)),
            (route::ADMIN_NEW_SURVEY, new_survey().to_owned()),
            (route::ADMIN_DRAFT, draft(s)),
            (route::ADMIN_DRAFT_TOML, draft_toml(s)),
            (route::ADMIN_DRAFT_PUBLISH, publish_draft(s)),
            (route::ADMIN_DRAFT_DISCARD, discard_draft(s)),
            (route::ADMIN_NEXT_VERSION, next_version(s)),
            (route::WEIGHTING, weighting(s)),
            (route::ADMIN_WEIGHTING_UPLOAD, weighting_upload(s)),
            (route::ADMIN_WEIGHTING_RECOMPUTE, weighting_recompute(s)),
            (route::ADMIN_WEIGHTING_REMOVE, weighting_remove(s)),
            (route::ADMIN_UPLOAD_SURVEY, upload_survey().to_owned()),
            (route::ADMIN_DRAFT_UPLOAD, draft_upload(s)),
            (route::ADMIN_DRAFT_SETTINGS, draft_settings(s)),
            (route::ADMIN_AUDIT, audit().to_owned()),
            (route::ADMIN_AUDIT, audit_with("action=export")),
            (route::ADMIN_AUDIT_CSV, audit_csv("survey=csp-2019")),
            (route::ADMIN_RETENTION, retention(s)),
            (route::TEXT_THEMES, text_themes(s, "comments")),
            (route::TEXT_CODING, text_coding(s, "comments")),
            (route::TEXT_ASSIGN, text_assign(s, "comments")),
            (route::ADMIN_RETENTION_PURGE, retention_purge(s)),
            (route::PUBLIC_RESULTS, public_results(s)),
            (route::PUBLIC_RESULTS_CSV, public_results_csv(s)),
            (route::ADMIN_PUBLIC, public_admin(s)),
            (route::ADMIN_DRAFT_ADD_QUESTION, draft_add_question(s)),
            (route::ADMIN_DRAFT_QUESTION, draft_question(s, "q")),
            (
                route::ADMIN_DRAFT_QUESTION_MOVE,
                draft_question_move(s, "q"),
            ),
            (
                route::ADMIN_DRAFT_QUESTION_REMOVE,
                draft_question_remove(s, "q"),
            ),
            (route::ADMIN_DRAFT_ADD_OPTION, draft_add_option(s, "q")),
            (route::ADMIN_DRAFT_OPTION, draft_option(s, "q", "o")),
            (
                route::ADMIN_DRAFT_OPTION_MOVE,
                draft_option_move(s, "q", "o"),
            ),
            (
                route::ADMIN_DRAFT_OPTION_REMOVE,
                draft_option_remove(s, "q", "o"),
            ),
            (route::API_RESULTS, api_results(s, "where=dartford")),
            (route::SURVEY_START, start(&slug)),
            (route::SURVEY_START, cookie_path(&slug)),
            (route::SURVEY_BEGIN, begin(&slug)),
            (route::SURVEY_QUESTION, question(&slug, &q, false)),
            (route::SURVEY_QUESTION, question(&slug, &q, true)),
            (route::SURVEY_CHECK, check(&slug)),
            (route::SURVEY_SUBMIT, submit(&slug)),
            (route::SURVEY_DONE, done(&slug)),
            (route::PREVIEW_START, Walk::preview(s).start()),
            (route::PREVIEW_BEGIN, Walk::preview(s).begin()),
            (
                route::PREVIEW_QUESTION,
                Walk::preview(s).question(&q, false),
            ),
            (route::PREVIEW_QUESTION, Walk::preview(s).question(&q, true)),
            (route::PREVIEW_CHECK, Walk::preview(s).check()),
            (route::PREVIEW_SUBMIT, Walk::preview(s).submit()),
            (route::PREVIEW_DONE, Walk::preview(s).done()),
            (route::RESULTS, results(s, "")),
            (route::RESULTS, results_partial(s, "where=dartford")),
            (route::RESULTS_LIVE, results_live(s)),
            (
                route::TEXT_ANSWERS,
                text_answers(s, "comments", "where=x", "a b", 2),
            ),
            (route::EXPORT_RESPONSES, export_responses(s, false, "ids=1")),
            (route::EXPORT_RESPONSES_LONG, export_responses(s, true, "")),
            (route::EXPORT_SUMMARY_CSV, export_summary_csv(s, "")),
            (route::EXPORT_SUMMARY_XLSX, export_summary_xlsx(s, "")),
            (route::CHART, chart(s, "where.svg", "")),
            (route::REPORT, report(s, "")),
            (route::REPORT_DOCX, report_docx(s, "where=dartford")),
            (route::DEFINITION, definition(s, None)),
            (route::CHANNELS, channels(s)),
            (route::CHANNEL_QR, channel_qr(s, "facebook", "png")),
            (route::SURVEY_START, channel_link(&slug, "facebook")),
            (route::DEFINITION, definition(s, Some(2))),
        ];
        for (pattern, url) in cases {
            assert!(
                ResourceDef::new(pattern).is_match(path_of(&url)),
                "{url} does not match {pattern}"
            );
        }
    }

    #[test]
    fn queries_are_added_only_when_there_are_some() {
        assert_eq!(results("s", ""), "/surveys/s/results");
        assert_eq!(results("s", "a=b"), "/surveys/s/results?a=b");
        assert_eq!(results_partial("s", ""), "/surveys/s/results?partial=1");
        assert_eq!(
            results_partial("s", "a=b"),
            "/surveys/s/results?a=b&partial=1"
        );
        assert_eq!(
            sign_in_then("/surveys/a?b=c"),
            "/officers/sign-in?next=%2Fsurveys%2Fa%3Fb%3Dc"
        );
    }
}
