//! The one path every definition takes to become a [`SurveyDefinition`]:
//! [`SurveyDefinition::from_raw`] checks ids, kinds, limits, dates and
//! conditions, collecting every problem rather than the first, each at its
//! [`Place`].

use std::collections::HashSet;
use std::num::NonZeroUsize;

use chrono::{DateTime, NaiveDate, Utc};

use super::format::{
    RawChannel, RawCondition, RawDefinition, RawFieldwork, RawKind, RawOption, RawQuestion,
};
use super::problem::{Place, Problem};
use super::{
    AnswerOption, Channel, Condition, DefinitionErrors, Fieldwork, MAX_HINT_LENGTH,
    MAX_LABEL_LENGTH, MAX_PROSE_LENGTH, MAX_SPECIFY_LENGTH, MAX_TEXT_LENGTH, Question,
    QuestionKind, Specify, SurveyDefinition,
};
use crate::domain::answers::CHANNEL_QUESTION;

/// "title is too long: 301 characters, at most 300", if `value` is longer
/// than `max` characters.
fn too_long(name: &str, value: &str, max: usize) -> Option<String> {
    let length = value.chars().count();
    (length > max).then(|| format!("{name} is too long: {length} characters, at most {max}"))
}
use crate::domain::ids::{OptionId, QuestionId, Slug};

impl SurveyDefinition {
    /// Checks a raw definition, collecting every problem rather than the
    /// first: what a file, an upload and publishing take. A definition that
    /// only lacks what [`Self::draft_from_raw`] lets a draft lack is refused
    /// too, with those problems in their place.
    pub fn from_raw(source: &str, raw: RawDefinition) -> Result<Self, DefinitionErrors> {
        Self::check(source, raw, Checks::Full)
    }

    /// Checks a draft's raw definition as [`Self::from_raw`] does, except
    /// that a draft may still lack its settings' text (organisation,
    /// purpose, who can answer, time to complete, privacy notice) and its
    /// questions: those are kept as [`Self::missing`], what publishing
    /// will ask for. A survey built from blank starts so.
    pub fn draft_from_raw(source: &str, raw: RawDefinition) -> Result<Self, DefinitionErrors> {
        Self::check(source, raw, Checks::Draft)
    }

    /// Reads back what was stored (a published version, a draft): the
    /// draft's checks, without rules added since it was stored that only
    /// new definitions need (the reserved question id `channel`).
    pub(super) fn stored_from_raw(
        source: &str,
        raw: RawDefinition,
    ) -> Result<Self, DefinitionErrors> {
        Self::check(source, raw, Checks::Stored)
    }

    /// The checks. Problems are reported in the order found.
    fn check(source: &str, raw: RawDefinition, checks: Checks) -> Result<Self, DefinitionErrors> {
        let draft = checks != Checks::Full;
        let mut problems = Vec::new();
        let mut missing = Vec::new();
        let slug = Slug::parse(&raw.slug)
            .map_err(|e| {
                problems.push(Problem::survey("slug", format!("slug {:?}: {e}", raw.slug)))
            })
            .ok();
        for (name, value, max) in [
            ("title", &raw.title, MAX_LABEL_LENGTH),
            ("organisation", &raw.organisation, MAX_LABEL_LENGTH),
            ("purpose", &raw.purpose, MAX_PROSE_LENGTH),
            ("who_can_answer", &raw.who_can_answer, MAX_LABEL_LENGTH),
            ("time_to_complete", &raw.time_to_complete, MAX_LABEL_LENGTH),
            ("privacy", &raw.privacy, MAX_PROSE_LENGTH),
        ] {
            if value.trim().is_empty() {
                let problem = Problem::survey(name, format!("{name} must not be empty"));
                if name == "title" || !draft {
                    problems.push(problem);
                } else {
                    missing.push(problem);
                }
            }
            if let Some(message) = too_long(name, value, max) {
                problems.push(Problem::survey(name, message));
            }
        }
        let opens = parse_moment("opens", raw.opens.as_deref(), &mut problems);
        let closes = parse_moment("closes", raw.closes.as_deref(), &mut problems);
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            problems.push(Problem::survey("closes", "closes must be later than opens"));
        }
        let fieldwork = raw
            .fieldwork
            .as_ref()
            .and_then(|f| check_fieldwork(f, &mut problems));
        let channels = check_channels(&raw.channels, &mut problems);

        if raw.questions.is_empty() {
            let problem = Problem::survey(
                "questions",
                "a survey needs at least one question ([[questions]])",
            );
            if draft {
                missing.push(problem);
            } else {
                problems.push(problem);
            }
        }
        let mut questions: Vec<Question> = Vec::with_capacity(raw.questions.len());
        let mut seen = HashSet::new();
        for (index, rq) in raw.questions.iter().enumerate() {
            let at = At { index, id: &rq.id };
            if !seen.insert(rq.id.as_str()) {
                problems.push(at.question("id", "duplicate question id"));
                continue;
            }
            if rq.id == CHANNEL_QUESTION && checks != Checks::Stored {
                problems.push(at.question(
                    "id",
                    "the id \"channel\" is kept for the link a response came through: choose another",
                ));
                continue;
            }
            if let Some(q) = check_question(at, rq, &questions, &mut problems) {
                questions.push(q);
            }
        }

        match slug {
            Some(slug) if problems.is_empty() => Ok(SurveyDefinition {
                raw,
                slug,
                opens,
                closes,
                fieldwork,
                channels,
                questions,
                missing,
            }),
            _ => Err(DefinitionErrors {
                source: source.to_owned(),
                problems,
            }),
        }
    }
}

/// The question being checked: problems found are placed at it.
#[derive(Clone, Copy)]
struct At<'a> {
    index: usize,
    id: &'a str,
}

impl At<'_> {
    fn question(self, field: &'static str, message: impl Into<String>) -> Problem {
        Problem {
            place: Place::Question {
                index: self.index,
                id: self.id.to_owned(),
                field,
            },
            message: message.into(),
        }
    }

    fn option(
        self,
        option: usize,
        option_id: &str,
        field: &'static str,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            place: Place::Option {
                index: self.index,
                id: self.id.to_owned(),
                option,
                option_id: option_id.to_owned(),
                field,
            },
            message: message.into(),
        }
    }
}

fn parse_moment(
    name: &'static str,
    value: Option<&str>,
    problems: &mut Vec<Problem>,
) -> Option<DateTime<Utc>> {
    let value = value?;
    match DateTime::parse_from_rfc3339(value) {
        Ok(moment) => Some(moment.with_timezone(&Utc)),
        Err(_) => {
            problems.push(Problem::survey(name, format!(
                "{name} {value:?} is not a date and time with an offset, such as \"2019-03-03T23:59:59Z\""
            )));
            None
        }
    }
}

/// Which checks a definition takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// A file, an upload, publishing: everything.
    Full,
    /// A draft being built: settings text and questions may be missing.
    Draft,
    /// Read back from storage: as a draft, less rules newer than the row.
    Stored,
}

/// The most distribution channels a survey may have.
pub const MAX_CHANNELS: usize = 30;

fn check_channels(raw: &[RawChannel], problems: &mut Vec<Problem>) -> Vec<Channel> {
    let mut channels: Vec<Channel> = Vec::with_capacity(raw.len());
    if raw.len() > MAX_CHANNELS {
        problems.push(Problem::survey(
            "channels",
            format!(
                "a survey has at most {MAX_CHANNELS} channels, not {}",
                raw.len()
            ),
        ));
    }
    for (n, rc) in raw.iter().enumerate() {
        let name = format!("channel {}", n + 1);
        let id = match OptionId::parse(&rc.id) {
            Ok(id) => id,
            Err(e) => {
                problems.push(Problem::survey(
                    "channels",
                    format!("{name}: id {:?}: {e}", rc.id),
                ));
                continue;
            }
        };
        if channels.iter().any(|c| c.id == id) {
            problems.push(Problem::survey(
                "channels",
                format!("{name}: duplicate channel id {:?}", rc.id),
            ));
            continue;
        }
        let label = rc.label.trim();
        if label.is_empty() {
            problems.push(Problem::survey(
                "channels",
                format!("{name}: label must not be empty"),
            ));
            continue;
        }
        if let Some(message) = too_long("label", label, MAX_LABEL_LENGTH) {
            problems.push(Problem::survey("channels", format!("{name}: {message}")));
            continue;
        }
        channels.push(Channel {
            id,
            label: label.to_owned(),
        });
    }
    channels
}

fn check_fieldwork(raw: &RawFieldwork, problems: &mut Vec<Problem>) -> Option<Fieldwork> {
    let date = |name: &str, value: &str, problems: &mut Vec<Problem>| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| {
                problems.push(Problem::survey(
                    "fieldwork",
                    format!("fieldwork.{name} {value:?} is not a date such as \"2019-02-18\""),
                ))
            })
            .ok()
    };
    let from = date("from", &raw.from, problems);
    let to = date("to", &raw.to, problems);
    let (from, to) = (from?, to?);
    if to < from {
        problems.push(Problem::survey(
            "fieldwork",
            "fieldwork.to must not be before fieldwork.from",
        ));
        return None;
    }
    Some(Fieldwork {
        from,
        to,
        channels: raw.channels.clone(),
    })
}

fn check_question(
    at: At<'_>,
    rq: &RawQuestion,
    earlier: &[Question],
    problems: &mut Vec<Problem>,
) -> Option<Question> {
    let before = problems.len();
    let id = QuestionId::parse(&rq.id)
        .map_err(|e| problems.push(at.question("id", format!("id: {e}"))))
        .ok();
    if rq.title.trim().is_empty() {
        problems.push(at.question("title", "title must not be empty"));
    }
    for (field, value, max) in [
        ("title", Some(&rq.title), MAX_LABEL_LENGTH),
        ("short_label", rq.short_label.as_ref(), MAX_LABEL_LENGTH),
        ("chart_title", rq.chart_title.as_ref(), MAX_LABEL_LENGTH),
        (
            "required_message",
            rq.required_message.as_ref(),
            MAX_LABEL_LENGTH,
        ),
        ("hint", rq.hint.as_ref(), MAX_HINT_LENGTH),
    ] {
        if let Some(message) = value.and_then(|v| too_long(field, v, max)) {
            problems.push(at.question(field, message));
        }
    }
    let kind = check_kind(at, rq, problems);
    if rq.kind != RawKind::Text && rq.options.len() < 2 {
        problems.push(at.question("options", "a question needs at least two options"));
    }
    let mut options = Vec::with_capacity(rq.options.len());
    let mut seen = HashSet::new();
    for (index, ro) in rq.options.iter().enumerate() {
        if !seen.insert(ro.id.as_str()) {
            problems.push(at.option(index, &ro.id, "id", "duplicate option id".to_owned()));
            continue;
        }
        if let Some(option) = check_option(at, rq.kind, index, ro, problems) {
            options.push(option);
        }
    }

    let show_if = rq
        .show_if
        .as_ref()
        .and_then(|c| check_condition(at, c, earlier, problems));
    if rq.show_if.is_some() && rq.required {
        problems.push(at.question(
            "required",
            "a follow-up question (show_if) cannot also be required",
        ));
    }

    if problems.len() > before {
        return None;
    }
    Some(Question {
        id: id?,
        title: rq.title.clone(),
        short_label: rq
            .short_label
            .clone()
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| rq.title.clone()),
        chart_title: rq.chart_title.clone().filter(|t| !t.trim().is_empty()),
        hint: rq.hint.clone().filter(|h| !h.trim().is_empty()),
        required: rq.required,
        demographic: rq.demographic,
        required_message: rq.required_message.clone().filter(|m| !m.trim().is_empty()),
        kind: kind?,
        show_if,
        options,
    })
}

/// The question's kind, with the settings only that kind may have.
fn check_kind(at: At<'_>, rq: &RawQuestion, problems: &mut Vec<Problem>) -> Option<QuestionKind> {
    let before = problems.len();
    let only_for = |setting: &'static str, given: bool, kind: &str, problems: &mut Vec<Problem>| {
        if given {
            problems.push(at.question(
                setting,
                format!("{setting} only applies to kind = \"{kind}\""),
            ));
        }
    };
    if rq.kind != RawKind::Multiple {
        only_for(
            "max_selections",
            rq.max_selections.is_some(),
            "multiple",
            problems,
        );
    }
    if rq.kind != RawKind::Scale {
        only_for("positive", rq.positive.is_some(), "scale", problems);
    }
    if rq.kind != RawKind::Text {
        only_for("max_length", rq.max_length.is_some(), "text", problems);
    }
    if rq.kind == RawKind::Text && rq.demographic {
        problems.push(at.question(
            "demographic",
            "a text question cannot be demographic: only questions with options break the respondents down",
        ));
    }
    let kind = match rq.kind {
        RawKind::Single => Some(QuestionKind::Single),
        RawKind::Multiple => match rq.max_selections {
            None => NonZeroUsize::new(rq.options.len())
                .map(|max_selections| QuestionKind::Multiple { max_selections }),
            Some(max) if max < 1 => {
                problems.push(at.question(
                    "max_selections",
                    format!("max_selections is {max}; it must be at least 1"),
                ));
                None
            }
            Some(max) if max as usize > rq.options.len() => {
                problems.push(at.question(
                    "max_selections",
                    format!(
                        "max_selections is {max} but the question has only {} options",
                        rq.options.len()
                    ),
                ));
                None
            }
            Some(max) => usize::try_from(max)
                .ok()
                .and_then(NonZeroUsize::new)
                .map(|max_selections| QuestionKind::Multiple { max_selections }),
        },
        RawKind::Scale => {
            let scored = rq.options.iter().filter(|o| !o.unscored).count();
            if let Some(first_unscored) = rq.options.iter().position(|o| o.unscored)
                && rq.options[first_unscored..].iter().any(|o| !o.unscored)
            {
                problems.push(at.question(
                    "options",
                    "unscored options (such as \"Don't know\") come after the scale's own options",
                ));
            }
            if scored < 2 {
                problems.push(at.question("options", "a scale needs at least two scored options"));
            }
            // The top two, or the top one of a two-point scale.
            let positive = rq.positive.unwrap_or(if scored <= 2 { 1 } else { 2 });
            if positive < 1 || positive as usize >= scored.max(2) {
                problems.push(at.question("positive", format!(
                    "positive is {positive}; it must be at least 1 and fewer than the scale's {scored} scored options"
                )));
                None
            } else {
                usize::try_from(positive)
                    .ok()
                    .and_then(NonZeroUsize::new)
                    .map(|positive| QuestionKind::Scale { positive })
            }
        }
        RawKind::Text => {
            if !rq.options.is_empty() {
                problems.push(at.question("options", "a text question has no options"));
            }
            match rq.max_length {
                Some(max) if (1..=MAX_TEXT_LENGTH as i64).contains(&max) => usize::try_from(max)
                    .ok()
                    .and_then(NonZeroUsize::new)
                    .map(|max_length| QuestionKind::Text { max_length }),
                Some(max) => {
                    problems.push(at.question(
                        "max_length",
                        format!("max_length is {max}; it must be between 1 and {MAX_TEXT_LENGTH}"),
                    ));
                    None
                }
                None => {
                    problems.push(at.question(
                        "max_length",
                        "a text question needs max_length, the most characters an answer may have",
                    ));
                    None
                }
            }
        }
    };
    kind.filter(|_| problems.len() == before)
}

fn check_option(
    at: At<'_>,
    kind: RawKind,
    index: usize,
    ro: &RawOption,
    problems: &mut Vec<Problem>,
) -> Option<AnswerOption> {
    let here = |field: &'static str, message: String| at.option(index, &ro.id, field, message);
    if ro.unscored && kind != RawKind::Scale {
        problems.push(here(
            "unscored",
            "unscored only applies to kind = \"scale\"".to_owned(),
        ));
    }
    if ro.specify.is_some() && kind == RawKind::Scale {
        problems.push(here(
            "specify",
            "a scale's options cannot ask to \"please specify\"".to_owned(),
        ));
    }
    let id = OptionId::parse(&ro.id)
        .map_err(|e| problems.push(here("id", e.to_string())))
        .ok();
    if ro.label.trim().is_empty() {
        problems.push(here("label", "label must not be empty".to_owned()));
    }
    for (field, value, max) in [
        ("label", Some(&ro.label), MAX_LABEL_LENGTH),
        ("hint", ro.hint.as_ref(), MAX_HINT_LENGTH),
        (
            "specify",
            ro.specify.as_ref().map(|s| &s.label),
            MAX_LABEL_LENGTH,
        ),
    ] {
        if let Some(message) = value.and_then(|v| too_long(field, v, max)) {
            problems.push(here(field, message));
        }
    }
    let specify = match &ro.specify {
        None => None,
        Some(s) if s.max_length < 1 || s.max_length > MAX_SPECIFY_LENGTH as i64 => {
            problems.push(here(
                "specify",
                format!(
                    "specify.max_length is {}; it must be between 1 and {MAX_SPECIFY_LENGTH}",
                    s.max_length
                ),
            ));
            None
        }
        Some(s) if s.label.trim().is_empty() => {
            problems.push(here(
                "specify",
                "specify.label must not be empty".to_owned(),
            ));
            None
        }
        Some(s) => Some(Specify {
            label: s.label.clone(),
            max_length: usize::try_from(s.max_length).unwrap_or(MAX_SPECIFY_LENGTH),
        }),
    };
    Some(AnswerOption {
        id: id?,
        label: ro.label.clone(),
        hint: ro.hint.clone().filter(|h| !h.trim().is_empty()),
        specify,
        unscored: ro.unscored,
    })
}

fn check_condition(
    at: At<'_>,
    rc: &RawCondition,
    earlier: &[Question],
    problems: &mut Vec<Problem>,
) -> Option<Condition> {
    let Some(parent) = earlier.iter().find(|q| q.id.as_str() == rc.question) else {
        problems.push(at.question(
            "show_if",
            format!(
                "show_if names question {:?}, which is not an earlier question of this survey",
                rc.question
            ),
        ));
        return None;
    };
    let Some(option) = parent.option(&rc.option) else {
        problems.push(at.question(
            "show_if",
            format!(
                "show_if names option {:?}, which question {:?} does not have",
                rc.option, rc.question
            ),
        ));
        return None;
    };
    Some(Condition {
        question: parent.id.clone(),
        option: option.id.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;

    #[test]
    fn over_long_text_is_refused_at_its_place() {
        let long = "x".repeat(MAX_LABEL_LENGTH + 1);
        let hint = "h".repeat(MAX_HINT_LENGTH + 1);
        let p = problems(&TWO.replace(
            "title = \"A?\"",
            &format!("title = \"{long}\"\nhint = \"{hint}\""),
        ));
        assert_eq!(
            p,
            [
                format!(
                    "question \"a\": title is too long: 301 characters, at most {MAX_LABEL_LENGTH}"
                ),
                format!(
                    "question \"a\": hint is too long: 2001 characters, at most {MAX_HINT_LENGTH}"
                ),
            ]
        );
        let p = problems(&TWO.replace("label = \"X\"", &format!("label = \"{long}\"")));
        assert_eq!(p.len(), 1);
        assert!(
            p[0].starts_with("question \"a\": option \"x\": label is too long"),
            "{p:?}"
        );
        // Characters, not bytes: 300 pound signs are fine.
        let pounds = "\u{a3}".repeat(MAX_LABEL_LENGTH);
        with_questions(&TWO.replace("title = \"A?\"", &format!("title = \"{pounds}\"")))
            .expect("300 characters");
    }

    #[test]
    fn duplicate_question_ids_are_refused() {
        let p = problems(&format!("{TWO}{TWO}"));
        assert_eq!(p, [r#"question "a": duplicate question id"#]);
    }

    #[test]
    fn duplicate_option_ids_are_refused() {
        let p = problems(
            r#"
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "x", label = "Y" }]
"#,
        );
        assert!(
            p.iter()
                .any(|m| m == r#"question "a": option "x": duplicate option id"#),
            "{p:?}"
        );
    }

    #[test]
    fn a_follow_up_pointing_at_a_missing_question_is_refused() {
        let p = problems(&format!(
            r#"{TWO}
[[questions]]
id = "b"
kind = "single"
title = "B?"
show_if = {{ question = "nope", option = "x" }}
options = [{{ id = "x", label = "X" }}, {{ id = "y", label = "Y" }}]
"#
        ));
        assert_eq!(
            p,
            [
                r#"question "b": show_if names question "nope", which is not an earlier question of this survey"#
            ]
        );
    }

    #[test]
    fn a_follow_up_pointing_at_a_missing_option_is_refused() {
        let p = problems(&format!(
            r#"{TWO}
[[questions]]
id = "b"
kind = "single"
title = "B?"
show_if = {{ question = "a", option = "z" }}
options = [{{ id = "x", label = "X" }}, {{ id = "y", label = "Y" }}]
"#
        ));
        assert_eq!(
            p,
            [r#"question "b": show_if names option "z", which question "a" does not have"#]
        );
    }

    #[test]
    fn a_follow_up_may_not_point_at_a_later_question() {
        let p = problems(
            r#"
[[questions]]
id = "b"
kind = "single"
title = "B?"
show_if = { question = "a", option = "x" }
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#,
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("not an earlier question"), "{p:?}");
    }

    #[test]
    fn max_selections_below_one_is_refused() {
        let p = problems(
            r#"
[[questions]]
id = "a"
kind = "multiple"
max_selections = 0
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#,
        );
        assert_eq!(
            p,
            [r#"question "a": max_selections is 0; it must be at least 1"#]
        );
    }

    #[test]
    fn max_selections_above_the_number_of_options_is_refused() {
        let p = problems(
            r#"
[[questions]]
id = "a"
kind = "multiple"
max_selections = 3
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#,
        );
        assert_eq!(
            p,
            [r#"question "a": max_selections is 3 but the question has only 2 options"#]
        );
    }

    #[test]
    fn bad_ids_unknown_keys_and_bad_dates_are_reported() {
        let bad_id = problems(
            r#"
[[questions]]
id = "Has Spaces"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#,
        );
        assert!(
            bad_id[0].starts_with(r#"question "Has Spaces": id: "#),
            "{bad_id:?}"
        );

        let err = SurveyDefinition::from_toml("f.toml", &format!("{MINIMAL}colour = 1\n{TWO}"))
            .expect_err("unknown key");
        assert!(
            err.problems[0]
                .to_string()
                .contains("unknown field `colour`"),
            "{err}"
        );
        assert!(err.problems[0].to_string().contains("line 9"), "{err}");

        let err = SurveyDefinition::from_toml(
            "f.toml",
            &format!("{MINIMAL}opens = \"2019-02-18\"\n{TWO}"),
        )
        .expect_err("date without time");
        assert!(
            err.problems[0]
                .to_string()
                .starts_with("opens \"2019-02-18\""),
            "{err}"
        );
    }

    #[test]
    fn specify_length_must_be_sensible() {
        let p = problems(
            r#"
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "other", label = "Other", specify = { label = "Say", max_length = 0 } }]
"#,
        );
        assert_eq!(
            p,
            [format!(
                r#"question "a": option "other": specify.max_length is 0; it must be between 1 and {MAX_SPECIFY_LENGTH}"#
            )]
        );
    }

    const SCALE: &str = r#"
[[questions]]
id = "safe"
kind = "scale"
title = "How safe?"
options = [
  { id = "very", label = "Very safe" },
  { id = "fairly", label = "Fairly safe" },
  { id = "not", label = "Not safe" },
  { id = "dont-know", label = "Don't know", unscored = true },
]
"#;

    #[test]
    fn a_scale_is_scored_from_its_positive_end() {
        let def = with_questions(SCALE).expect("valid");
        let q = def.question("safe").expect("q");
        assert_eq!(
            q.kind(),
            QuestionKind::Scale {
                positive: NonZeroUsize::new(2).expect("2")
            },
            "the positive end is the top two unless said"
        );
        let scores: Vec<(&str, u32)> = q
            .scale_scores()
            .into_iter()
            .map(|(o, s)| (o.id().as_str(), s))
            .collect();
        assert_eq!(scores, [("very", 3), ("fairly", 2), ("not", 1)]);
        assert_eq!(q.max_selections(), 1);
    }

    #[test]
    fn a_scale_s_settings_are_checked() {
        let p = problems(&SCALE.replace(
            "title = \"How safe?\"",
            "title = \"How safe?\"\npositive = 3",
        ));
        assert_eq!(
            p,
            [
                r#"question "safe": positive is 3; it must be at least 1 and fewer than the scale's 3 scored options"#
            ]
        );
        let p = problems(&SCALE.replace(
            "{ id = \"very\", label = \"Very safe\" },",
            "{ id = \"very\", label = \"Very safe\", unscored = true },",
        ));
        assert!(
            p.iter()
                .any(|m| m.contains("unscored options (such as \"Don't know\") come after")),
            "{p:?}"
        );
        let p = problems(&SCALE.replace("kind = \"scale\"", "kind = \"single\""));
        assert_eq!(
            p,
            [r#"question "safe": option "dont-know": unscored only applies to kind = "scale""#]
        );
        let p = problems(&SCALE.replace(
            "{ id = \"not\", label = \"Not safe\" },",
            "{ id = \"not\", label = \"Not safe\", specify = { label = \"Why\", max_length = 9 } },",
        ));
        assert_eq!(
            p,
            [r#"question "safe": option "not": a scale's options cannot ask to "please specify""#]
        );
    }

    #[test]
    fn a_text_question_needs_a_length_and_no_options() {
        let ok = with_questions(
            "[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\nmax_length = 500\n",
        )
        .expect("valid");
        assert_eq!(
            ok.question("c").map(|q| q.kind()),
            Some(QuestionKind::Text {
                max_length: NonZeroUsize::new(500).expect("500")
            })
        );
        let p = problems("[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\n");
        assert_eq!(
            p,
            [
                r#"question "c": a text question needs max_length, the most characters an answer may have"#
            ]
        );
        let p = problems(
            "[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\nmax_length = 5001\n",
        );
        assert_eq!(
            p,
            [format!(
                r#"question "c": max_length is 5001; it must be between 1 and {MAX_TEXT_LENGTH}"#
            )]
        );
        let p = problems(
            "[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\nmax_length = 5\nmax_selections = 1\noptions = [{ id = \"x\", label = \"X\" }]\n",
        );
        assert_eq!(
            p,
            [
                r#"question "c": max_selections only applies to kind = "multiple""#,
                r#"question "c": a text question has no options"#
            ]
        );
        let p = problems(&format!("{TWO}max_length = 5\npositive = 1\n"));
        assert_eq!(
            p,
            [
                r#"question "a": positive only applies to kind = "scale""#,
                r#"question "a": max_length only applies to kind = "text""#
            ]
        );
    }

    #[test]
    fn a_follow_up_cannot_hang_on_a_text_question() {
        let p = problems(
            "[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\nmax_length = 5\n\
             [[questions]]\nid = \"d\"\nkind = \"single\"\ntitle = \"D?\"\nshow_if = { question = \"c\", option = \"text\" }\n\
             options = [{ id = \"x\", label = \"X\" }, { id = \"y\", label = \"Y\" }]\n",
        );
        assert_eq!(
            p,
            [r#"question "d": show_if names option "text", which question "c" does not have"#]
        );
    }

    #[test]
    fn a_two_point_scale_s_positive_end_is_its_first_option_and_text_is_never_demographic() {
        let two = with_questions(
            "[[questions]]\nid = \"ok\"\nkind = \"scale\"\ntitle = \"OK?\"\n\
             options = [{ id = \"yes\", label = \"Yes\" }, { id = \"no\", label = \"No\" }]\n",
        )
        .expect("valid");
        assert_eq!(
            two.question("ok").map(|q| q.kind()),
            Some(QuestionKind::Scale {
                positive: NonZeroUsize::new(1).expect("1")
            })
        );
        let p = problems(
            "[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\nmax_length = 5\ndemographic = true\n",
        );
        assert_eq!(
            p,
            [
                r#"question "c": a text question cannot be demographic: only questions with options break the respondents down"#
            ]
        );
    }
}
