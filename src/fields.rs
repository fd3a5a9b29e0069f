//! The names of form fields and cookies: one place for the views that
//! write forms (and the privacy notices that list the cookies) and the
//! handlers that read them.

/// The cookie that keeps a resident's answers in progress.
pub const DRAFT_COOKIE: &str = "civic_draft";

/// The cookie that keeps an officer signed in.
pub const SESSION_COOKIE: &str = "civic_officer";

/// The hidden field that carries a form's CSRF token.
pub const CSRF: &str = "csrf";

/// The honeypot: a text field the stylesheet hides from people, which
/// form-filling bots fill in. A form with it filled is refused.
pub const HONEYPOT: &str = "website";

/// The field that carries a question's chosen option ids (repeated for
/// checkboxes); also the id of the question's first input, where an error
/// summary links.
pub const ANSWER: &str = "answer";

/// Officer forms: an email address, a password and its confirmation, an
/// officer's role, an API token's label, where to go after sign-in, and a
/// survey's open/closed state.
pub const EMAIL: &str = "email";
pub const PASSWORD: &str = "password";
pub const CONFIRM: &str = "confirm";
pub const ROLE: &str = "role";
pub const LABEL: &str = "label";
pub const NEXT: &str = "next";
pub const STATE: &str = "state";

/// The survey builder's forms: the survey a wave is copied from, the new
/// slug, title and dates, and the revision of the draft the form was read from.
pub const COPY_FROM: &str = "copy-from";
/// The distribution channel a start page's link named, carried by its form.
pub const CHANNEL: &str = "channel";
/// The settings form's channels, one label per line.
pub const CHANNELS: &str = "channels";
/// The file input of a definition upload.
pub const DEFINITION_FILE: &str = "definition";
/// A population targets file (CSV), for weighting.
pub const TARGETS_FILE: &str = "targets";
/// The weight cap of a weighting.
pub const WEIGHT_CAP: &str = "cap";
pub const SLUG: &str = "slug";
pub const TITLE: &str = "title";
pub const OPENS: &str = "opens";
pub const CLOSES: &str = "closes";
pub const REVISION: &str = "revision";
pub const ORGANISATION: &str = "organisation";
pub const PURPOSE: &str = "purpose";
pub const WHO_CAN_ANSWER: &str = "who-can-answer";
pub const TIME_TO_COMPLETE: &str = "time-to-complete";
pub const PRIVACY: &str = "privacy";

/// The builder's question form (its title is [`TITLE`]).
pub const QUESTION_ID: &str = "question-id";
pub const KIND: &str = "kind";
pub const HINT: &str = "hint";
pub const SHORT_LABEL: &str = "short-label";
pub const CHART_TITLE: &str = "chart-title";
pub const REQUIRED: &str = "required";
pub const REQUIRED_MESSAGE: &str = "required-message";
pub const DEMOGRAPHIC: &str = "demographic";
pub const MAX_SELECTIONS: &str = "max-selections";
pub const POSITIVE: &str = "positive";
pub const MAX_LENGTH: &str = "max-length";
pub const SHOW_IF: &str = "show-if";
/// A new question's options, one per line; also where the options list of
/// a question is, for its errors.
pub const OPTIONS: &str = "options";

/// The builder's option form (its label is [`LABEL`], its hint [`HINT`]).
pub const OPTION_ID: &str = "option-id";
pub const UNSCORED: &str = "unscored";
pub const SPECIFY_LABEL: &str = "specify-label";
pub const SPECIFY_LENGTH: &str = "specify-length";

/// Which way a "Move up" / "Move down" button moves a question or option.
pub const DIRECTION: &str = "direction";

/// The prefix of an option's "please specify" field: `specify-{option}`.
const SPECIFY_PREFIX: &str = "specify-";

/// The field for an option's "please specify" text.
pub fn specify(option: &str) -> String {
    format!("{SPECIFY_PREFIX}{option}")
}

/// The option a "please specify" field belongs to, if `name` is one.
pub fn specified_option(name: &str) -> Option<&str> {
    name.strip_prefix(SPECIFY_PREFIX)
}

/// The id of the input for the option at `index` of a question: the first
/// is [`ANSWER`], so an error summary can always link to it.
pub fn answer_input(index: usize) -> String {
    if index == 0 {
        ANSWER.to_owned()
    } else {
        format!("{ANSWER}-{}", index + 1)
    }
}

/// The public results form: the questions to publish (repeated), the
/// question to break them down by, "You said, we did", and
/// which button was pressed (publish, save, unpublish).
pub const PUBLIC_QUESTIONS: &str = "question";
pub const PUBLIC_BREAKDOWN: &str = "breakdown";
pub const YOU_SAID: &str = "you-said";
pub const PUBLIC_ACTION: &str = "action";
/// When the public page shows its figures: `live` or `after-closing`.
pub const PUBLIC_WHEN: &str = "when";

/// Coding free text: a new theme's name; the theme to give every answer a
/// search finds; `theme-for-{response}`, repeated for each theme ticked
/// for one answer; and `theme-was-{response}`, for each theme it had when
/// the page was rendered (so saving changes only what the officer changed).
pub const THEME_NAME: &str = "theme-name";
pub const THEME: &str = "theme";
pub const THEME_FOR: &str = "theme-for-";
pub const THEME_WAS: &str = "theme-was-";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_specify_field_names_its_option() {
        assert_eq!(specify("other"), "specify-other");
        assert_eq!(specified_option(&specify("other")), Some("other"));
        assert_eq!(specified_option(ANSWER), None);
    }
}
