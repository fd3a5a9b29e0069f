//! The one path every definition takes to become a [`SurveyDefinition`]:
//! [`SurveyDefinition::from_raw`] checks ids, kinds, limits, dates and
//! conditions, collecting every problem rather than the first.

use std::collections::HashSet;
use std::num::NonZeroUsize;

use chrono::{DateTime, NaiveDate, Utc};

use super::format::{RawCondition, RawDefinition, RawFieldwork, RawKind, RawOption, RawQuestion};
use super::{
    AnswerOption, Condition, DefinitionErrors, Fieldwork, MAX_SPECIFY_LENGTH, Question,
    QuestionKind, Specify, SurveyDefinition,
};
use crate::domain::ids::{OptionId, QuestionId, Slug};

impl SurveyDefinition {
    /// Checks a raw definition, collecting every problem rather than the first.
    pub fn from_raw(source: &str, raw: RawDefinition) -> Result<Self, DefinitionErrors> {
        let mut problems = Vec::new();
        let slug = Slug::parse(&raw.slug)
            .map_err(|e| problems.push(format!("slug {:?}: {e}", raw.slug)))
            .ok();
        for (name, value) in [
            ("title", &raw.title),
            ("organisation", &raw.organisation),
            ("purpose", &raw.purpose),
            ("who_can_answer", &raw.who_can_answer),
            ("time_to_complete", &raw.time_to_complete),
            ("privacy", &raw.privacy),
        ] {
            if value.trim().is_empty() {
                problems.push(format!("{name} must not be empty"));
            }
        }
        let opens = parse_moment("opens", raw.opens.as_deref(), &mut problems);
        let closes = parse_moment("closes", raw.closes.as_deref(), &mut problems);
        if let (Some(o), Some(c)) = (opens, closes)
            && c <= o
        {
            problems.push("closes must be later than opens".to_owned());
        }
        let fieldwork = raw
            .fieldwork
            .as_ref()
            .and_then(|f| check_fieldwork(f, &mut problems));

        if raw.questions.is_empty() {
            problems.push("a survey needs at least one question ([[questions]])".to_owned());
        }
        let mut questions: Vec<Question> = Vec::with_capacity(raw.questions.len());
        let mut seen = HashSet::new();
        for (index, rq) in raw.questions.iter().enumerate() {
            let name = if rq.id.is_empty() {
                format!("question {}", index + 1)
            } else {
                format!("question {:?}", rq.id)
            };
            if !seen.insert(rq.id.as_str()) {
                problems.push(format!("{name}: duplicate question id"));
                continue;
            }
            if let Some(q) = check_question(&name, rq, &questions, &mut problems) {
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
                questions,
            }),
            _ => Err(DefinitionErrors {
                source: source.to_owned(),
                problems,
            }),
        }
    }
}

fn parse_moment(
    name: &str,
    value: Option<&str>,
    problems: &mut Vec<String>,
) -> Option<DateTime<Utc>> {
    let value = value?;
    match DateTime::parse_from_rfc3339(value) {
        Ok(moment) => Some(moment.with_timezone(&Utc)),
        Err(_) => {
            problems.push(format!(
                "{name} {value:?} is not a date and time with an offset, such as \"2019-03-03T23:59:59Z\""
            ));
            None
        }
    }
}

fn check_fieldwork(raw: &RawFieldwork, problems: &mut Vec<String>) -> Option<Fieldwork> {
    let date = |name: &str, value: &str, problems: &mut Vec<String>| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| {
                problems.push(format!(
                    "fieldwork.{name} {value:?} is not a date such as \"2019-02-18\""
                ))
            })
            .ok()
    };
    let from = date("from", &raw.from, problems);
    let to = date("to", &raw.to, problems);
    let (from, to) = (from?, to?);
    if to < from {
        problems.push("fieldwork.to must not be before fieldwork.from".to_owned());
        return None;
    }
    Some(Fieldwork {
        from,
        to,
        channels: raw.channels.clone(),
    })
}

fn check_question(
    name: &str,
    rq: &RawQuestion,
    earlier: &[Question],
    problems: &mut Vec<String>,
) -> Option<Question> {
    let before = problems.len();
    let id = QuestionId::parse(&rq.id)
        .map_err(|e| problems.push(format!("{name}: id: {e}")))
        .ok();
    if rq.title.trim().is_empty() {
        problems.push(format!("{name}: title must not be empty"));
    }
    let kind = match (rq.kind, rq.max_selections) {
        (RawKind::Single, None) => Some(QuestionKind::Single),
        (RawKind::Single, Some(_)) => {
            problems.push(format!(
                "{name}: max_selections only applies to kind = \"multiple\""
            ));
            None
        }
        (RawKind::Multiple, None) => NonZeroUsize::new(rq.options.len())
            .map(|max_selections| QuestionKind::Multiple { max_selections }),
        (RawKind::Multiple, Some(max)) if max < 1 => {
            problems.push(format!(
                "{name}: max_selections is {max}; it must be at least 1"
            ));
            None
        }
        (RawKind::Multiple, Some(max)) if max as usize > rq.options.len() => {
            problems.push(format!(
                "{name}: max_selections is {max} but the question has only {} options",
                rq.options.len()
            ));
            None
        }
        (RawKind::Multiple, Some(max)) => usize::try_from(max)
            .ok()
            .and_then(NonZeroUsize::new)
            .map(|max_selections| QuestionKind::Multiple { max_selections }),
    };

    if rq.options.len() < 2 {
        problems.push(format!("{name}: a question needs at least two options"));
    }
    let mut options = Vec::with_capacity(rq.options.len());
    let mut seen = HashSet::new();
    for ro in &rq.options {
        if !seen.insert(ro.id.as_str()) {
            problems.push(format!("{name}: duplicate option id {:?}", ro.id));
            continue;
        }
        if let Some(option) = check_option(name, ro, problems) {
            options.push(option);
        }
    }

    let show_if = rq
        .show_if
        .as_ref()
        .and_then(|c| check_condition(name, c, earlier, problems));
    if rq.show_if.is_some() && rq.required {
        problems.push(format!(
            "{name}: a follow-up question (show_if) cannot also be required"
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

fn check_option(name: &str, ro: &RawOption, problems: &mut Vec<String>) -> Option<AnswerOption> {
    let id = OptionId::parse(&ro.id)
        .map_err(|e| problems.push(format!("{name}: option {:?}: {e}", ro.id)))
        .ok();
    if ro.label.trim().is_empty() {
        problems.push(format!(
            "{name}: option {:?}: label must not be empty",
            ro.id
        ));
    }
    let specify = match &ro.specify {
        None => None,
        Some(s) if s.max_length < 1 || s.max_length > MAX_SPECIFY_LENGTH as i64 => {
            problems.push(format!(
                "{name}: option {:?}: specify.max_length is {}; it must be between 1 and {MAX_SPECIFY_LENGTH}",
                ro.id, s.max_length
            ));
            None
        }
        Some(s) if s.label.trim().is_empty() => {
            problems.push(format!(
                "{name}: option {:?}: specify.label must not be empty",
                ro.id
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
    })
}

fn check_condition(
    name: &str,
    rc: &RawCondition,
    earlier: &[Question],
    problems: &mut Vec<String>,
) -> Option<Condition> {
    let Some(parent) = earlier.iter().find(|q| q.id.as_str() == rc.question) else {
        problems.push(format!(
            "{name}: show_if names question {:?}, which is not an earlier question of this survey",
            rc.question
        ));
        return None;
    };
    let Some(option) = parent.option(&rc.option) else {
        problems.push(format!(
            "{name}: show_if names option {:?}, which question {:?} does not have",
            rc.option, rc.question
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
                .any(|m| m == r#"question "a": duplicate option id "x""#),
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
        assert!(err.problems[0].contains("unknown field `colour`"), "{err}");
        assert!(err.problems[0].contains("line 9"), "{err}");

        let err = SurveyDefinition::from_toml(
            "f.toml",
            &format!("{MINIMAL}opens = \"2019-02-18\"\n{TWO}"),
        )
        .expect_err("date without time");
        assert!(err.problems[0].starts_with("opens \"2019-02-18\""), "{err}");
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
}
