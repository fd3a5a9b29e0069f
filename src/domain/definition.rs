//! Survey definitions: the declarative file format and the validated
//! [`SurveyDefinition`] it becomes.
//!
//! A definition file (TOML, under `assets/surveys/`) is read into a
//! [`RawDefinition`], which mirrors the file one to one, and then checked by
//! [`SurveyDefinition::from_raw`]. Only a definition that passed every check
//! exists as a `SurveyDefinition`, so the rest of the program never re-checks
//! ids, conditions or limits. The raw form is also what a published version
//! stores, as JSON, so a frozen version is read back through the same checks.

use std::collections::HashSet;
use std::fmt;
use std::num::NonZeroUsize;
use std::path::Path;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ids::{OptionId, QuestionId, Slug};

/// The longest "please specify" box a definition may ask for.
pub const MAX_SPECIFY_LENGTH: usize = 1000;

/// A survey definition exactly as written in its file: no check has run yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefinition {
    pub slug: String,
    pub title: String,
    pub organisation: String,
    pub purpose: String,
    pub who_can_answer: String,
    pub time_to_complete: String,
    pub privacy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opens: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fieldwork: Option<RawFieldwork>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
}

/// When and where a survey was run, as the report tells it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFieldwork {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub channels: Vec<String>,
}

/// One question as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawQuestion {
    pub id: String,
    pub kind: RawKind,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short_label: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chart_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub demographic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selections: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<RawCondition>,
    #[serde(default)]
    pub options: Vec<RawOption>,
}

/// The two kinds of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawKind {
    Single,
    Multiple,
}

/// "Show this question only when `question` was answered with `option`."
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCondition {
    pub question: String,
    pub option: String,
}

/// One answer option as written in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub id: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub specify: Option<RawSpecify>,
}

/// A free-text "please specify" box attached to an option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpecify {
    pub label: String,
    pub max_length: i64,
}

/// Everything wrong with one definition, each problem on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionErrors {
    /// Where the definition came from (a file path, or "stored version N").
    pub source: String,
    pub problems: Vec<String>,
}

impl fmt::Display for DefinitionErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.source)?;
        match self.problems.as_slice() {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} problems:", many.len())?;
                for problem in many {
                    write!(f, "\n  - {problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for DefinitionErrors {}

/// A checked survey definition: ids are unique and well formed, every
/// condition points at an earlier question and one of its options, limits are
/// sensible. Built only by [`SurveyDefinition::from_raw`].
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyDefinition {
    raw: RawDefinition,
    slug: Slug,
    opens: Option<DateTime<Utc>>,
    closes: Option<DateTime<Utc>>,
    fieldwork: Option<Fieldwork>,
    questions: Vec<Question>,
}

/// When and where the survey ran, for the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Fieldwork {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub channels: Vec<String>,
}

/// A checked question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    id: QuestionId,
    title: String,
    short_label: String,
    chart_title: Option<String>,
    hint: Option<String>,
    required: bool,
    demographic: bool,
    required_message: Option<String>,
    kind: QuestionKind,
    show_if: Option<Condition>,
    options: Vec<AnswerOption>,
}

/// Single choice, or multiple choice with a maximum number of selections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    Single,
    Multiple { max_selections: NonZeroUsize },
}

/// A question is shown only when an earlier question has this option chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub question: QuestionId,
    pub option: OptionId,
}

/// A checked answer option.
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerOption {
    id: OptionId,
    label: String,
    hint: Option<String>,
    specify: Option<Specify>,
}

/// A "please specify" box: its label and the most characters it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specify {
    pub label: String,
    pub max_length: usize,
}

/// Whether a survey accepts answers at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    NotYetOpen(DateTime<Utc>),
    Open,
    Closed(DateTime<Utc>),
}

impl SurveyDefinition {
    /// Reads and checks a definition file. The error names the file.
    pub fn load_file(path: &Path) -> Result<Self, DefinitionErrors> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DefinitionErrors {
            source: source.clone(),
            problems: vec![format!("cannot be read: {e}")],
        })?;
        Self::from_toml(&source, &text)
    }

    /// Parses and checks definition text in the file format (TOML).
    pub fn from_toml(source: &str, text: &str) -> Result<Self, DefinitionErrors> {
        let raw: RawDefinition = toml::from_str(text).map_err(|e| DefinitionErrors {
            source: source.to_owned(),
            problems: vec![e.message().to_owned() + &toml_position(text, e.span())],
        })?;
        Self::from_raw(source, raw)
    }

    /// Reads back a frozen version stored as JSON by [`Self::to_frozen_json`].
    pub fn from_frozen_json(source: &str, json: &str) -> Result<Self, DefinitionErrors> {
        let raw: RawDefinition = serde_json::from_str(json).map_err(|e| DefinitionErrors {
            source: source.to_owned(),
            problems: vec![format!("stored definition is not readable: {e}")],
        })?;
        Self::from_raw(source, raw)
    }

    /// The form stored for a published version: the raw definition as JSON,
    /// fields in a fixed order, so the same file always gives the same text.
    pub fn to_frozen_json(&self) -> String {
        serde_json::to_string(&self.raw).unwrap_or_else(|e| {
            // Serialising plain strings, numbers and vectors cannot fail.
            unreachable!("a raw definition always serialises: {e}")
        })
    }

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

    pub fn slug(&self) -> &Slug {
        &self.slug
    }
    pub fn title(&self) -> &str {
        &self.raw.title
    }
    pub fn organisation(&self) -> &str {
        &self.raw.organisation
    }
    pub fn purpose(&self) -> &str {
        &self.raw.purpose
    }
    pub fn who_can_answer(&self) -> &str {
        &self.raw.who_can_answer
    }
    pub fn time_to_complete(&self) -> &str {
        &self.raw.time_to_complete
    }
    pub fn privacy(&self) -> &str {
        &self.raw.privacy
    }
    pub fn opens(&self) -> Option<DateTime<Utc>> {
        self.opens
    }
    pub fn closes(&self) -> Option<DateTime<Utc>> {
        self.closes
    }
    pub fn fieldwork(&self) -> Option<&Fieldwork> {
        self.fieldwork.as_ref()
    }
    /// The questions in the order residents meet them.
    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    /// The question with this id, if the survey has one.
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id.as_str() == id)
    }

    /// Position of a question in the survey.
    pub fn position(&self, id: &QuestionId) -> Option<usize> {
        self.questions.iter().position(|q| &q.id == id)
    }

    /// Whether the survey accepts answers at `now`.
    pub fn availability(&self, now: DateTime<Utc>) -> Availability {
        match (self.opens, self.closes) {
            (Some(opens), _) if now < opens => Availability::NotYetOpen(opens),
            (_, Some(closes)) if now >= closes => Availability::Closed(closes),
            _ => Availability::Open,
        }
    }
}

impl Question {
    pub fn id(&self) -> &QuestionId {
        &self.id
    }
    /// The question as residents read it.
    pub fn title(&self) -> &str {
        &self.title
    }
    /// A few words naming the question in tables and on check-your-answers.
    pub fn short_label(&self) -> &str {
        &self.short_label
    }
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
    /// The title of the question's chart (its short label unless set).
    pub fn chart_title(&self) -> &str {
        self.chart_title.as_deref().unwrap_or(&self.short_label)
    }
    pub fn required(&self) -> bool {
        self.required
    }
    /// About the respondent (age, ethnicity, gender): reported in the
    /// "breakdown of respondents" and drawn as bars rather than a pie.
    pub fn demographic(&self) -> bool {
        self.demographic
    }
    /// What the error says when a required question is left unanswered.
    pub fn required_message(&self) -> String {
        self.required_message
            .clone()
            .unwrap_or_else(|| "Select an answer to this question".to_owned())
    }
    pub fn kind(&self) -> QuestionKind {
        self.kind
    }
    pub fn show_if(&self) -> Option<&Condition> {
        self.show_if.as_ref()
    }
    pub fn options(&self) -> &[AnswerOption] {
        &self.options
    }
    /// The option with this id, if the question has one.
    pub fn option(&self, id: &str) -> Option<&AnswerOption> {
        self.options.iter().find(|o| o.id.as_str() == id)
    }
    /// How many options a resident may choose.
    pub fn max_selections(&self) -> usize {
        match self.kind {
            QuestionKind::Single => 1,
            QuestionKind::Multiple { max_selections } => max_selections.get(),
        }
    }
}

impl AnswerOption {
    pub fn id(&self) -> &OptionId {
        &self.id
    }
    pub fn label(&self) -> &str {
        &self.label
    }
    pub fn hint(&self) -> Option<&str> {
        self.hint.as_deref()
    }
    pub fn specify(&self) -> Option<&Specify> {
        self.specify.as_ref()
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

/// " at line L, column C" for a TOML error, when the parser knows where.
fn toml_position(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return String::new();
    };
    let upto = &text[..span.start.min(text.len())];
    let line = upto.matches('\n').count() + 1;
    let column = upto.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!(" (line {line}, column {column})")
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
slug = "s"
title = "T"
organisation = "O"
purpose = "P"
who_can_answer = "W"
time_to_complete = "1 minute"
privacy = "X"
"#;

    fn with_questions(questions: &str) -> Result<SurveyDefinition, DefinitionErrors> {
        SurveyDefinition::from_toml("test.toml", &format!("{MINIMAL}{questions}"))
    }

    fn problems(questions: &str) -> Vec<String> {
        match with_questions(questions) {
            Ok(_) => panic!("expected the definition to be refused"),
            Err(e) => e.problems,
        }
    }

    const TWO: &str = r#"
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#;

    #[test]
    fn the_shipped_2019_survey_loads() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml");
        let def = SurveyDefinition::load_file(&path).expect("csp-2019 is valid");
        assert_eq!(def.slug().as_str(), "csp-2019");
        let ids: Vec<_> = def.questions().iter().map(|q| q.id().as_str()).collect();
        assert_eq!(
            ids,
            [
                "borough",
                "most-important",
                "asb-concerns",
                "property-crime-concerns",
                "town-centre-concerns",
                "violence-concerns",
                "substance-misuse-concerns",
                "age",
                "ethnicity",
                "gender"
            ]
        );
        let required: Vec<_> = def
            .questions()
            .iter()
            .filter(|q| q.required())
            .map(|q| q.id().as_str())
            .collect();
        assert_eq!(required, ["borough"]);
        assert!(def.closes().is_none());
        let fieldwork = def.fieldwork().expect("fieldwork dates are recorded");
        assert_eq!(fieldwork.from.to_string(), "2019-02-18");
        assert_eq!(fieldwork.to.to_string(), "2019-03-03");
        assert_eq!(fieldwork.channels.len(), 5);
    }

    #[test]
    fn a_minimal_definition_is_accepted_and_round_trips_through_frozen_json() {
        let def = with_questions(TWO).expect("valid");
        let back = SurveyDefinition::from_frozen_json("stored", &def.to_frozen_json())
            .expect("frozen json reads back");
        assert_eq!(def, back);
    }

    #[test]
    fn errors_name_the_file() {
        let err = with_questions("").expect_err("no questions");
        assert_eq!(err.source, "test.toml");
        assert!(err.to_string().starts_with("test.toml: "), "{err}");
        assert!(err.to_string().contains("at least one question"), "{err}");
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

    proptest::proptest! {
        /// Any text, and any mangling of a valid file, is either a valid
        /// definition or a list of problems that names the file; never a panic.
        #[test]
        fn the_loader_never_panics(text in ".{0,400}", cut in 0usize..2000, insert in "[\\[\\]{}=\"a-z0-9 \n-]{0,20}") {
            let _ = SurveyDefinition::from_toml("random.toml", &text);
            let shipped = include_str!("../../assets/surveys/csp-2019.toml");
            let mut at = cut.min(shipped.len());
            while !shipped.is_char_boundary(at) {
                at -= 1;
            }
            let mangled = format!("{}{insert}{}", &shipped[..at], &shipped[at..]);
            if let Err(e) = SurveyDefinition::from_toml("mangled.toml", &mangled) {
                proptest::prop_assert!(!e.problems.is_empty());
                proptest::prop_assert!(e.to_string().starts_with("mangled.toml: "));
            }
        }
    }

    #[test]
    fn opening_and_closing_are_enforced() {
        let def = SurveyDefinition::from_toml(
            "f.toml",
            &format!(
                "{MINIMAL}opens = \"2030-01-01T00:00:00Z\"\ncloses = \"2030-02-01T00:00:00Z\"\n{TWO}"
            ),
        )
        .expect("valid");
        let at = |s: &str| {
            DateTime::parse_from_rfc3339(s)
                .expect("valid test date")
                .with_timezone(&Utc)
        };
        assert!(matches!(
            def.availability(at("2029-12-31T23:59:59Z")),
            Availability::NotYetOpen(_)
        ));
        assert_eq!(
            def.availability(at("2030-01-15T12:00:00Z")),
            Availability::Open
        );
        assert!(matches!(
            def.availability(at("2030-02-01T00:00:00Z")),
            Availability::Closed(_)
        ));
    }
}
