//! A resident's answers: parsing what was entered for one question into an
//! [`Answer`] (or an [`AnswerError`] that says what to fix), keeping a draft's answers as they move through the survey
//! ([`DraftAnswers`]), and turning a finished draft into a [`Submission`].
//!
//! Parse, don't validate: what was entered becomes an `Answer` only if it is
//! a valid answer to its question, and a draft becomes a `Submission` only if every
//! required question is answered and nothing answers a question the resident
//! was never shown. Past these functions nothing re-checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use validator::ValidateLength;

use super::definition::{Question, QuestionKind, SurveyDefinition};
use super::ids::{OptionId, QuestionId};

/// What a resident typed and ticked for one question, exactly as sent, so the
/// page can be shown again with it after an error.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entered {
    pub chosen: Vec<String>,
    pub specify: BTreeMap<String, String>,
    /// A text question's answer, as typed.
    pub text: String,
}

impl Entered {
    /// Whether the option with this id is ticked.
    pub fn is_chosen(&self, option: &str) -> bool {
        self.chosen.iter().any(|c| c == option)
    }
}

/// The option id a text answer is stored under: a text question has no
/// options of its own, so its one answer row names this.
pub fn text_option() -> OptionId {
    OptionId::parse("text").unwrap_or_else(|_| unreachable!("\"text\" is a well-formed id"))
}

/// The question id a response's channel (the link it came through) is
/// stored under, as if it were the answer to a hidden question: so the
/// results, filters, comparisons and exports count channels as they count
/// answers. No definition may use it for a question of its own.
pub const CHANNEL_QUESTION: &str = "channel";

/// [`CHANNEL_QUESTION`] as a question id.
pub fn channel_question() -> QuestionId {
    QuestionId::parse(CHANNEL_QUESTION)
        .unwrap_or_else(|_| unreachable!("\"channel\" is a well-formed id"))
}

/// A valid answer to one question: the chosen options (possibly none, when an
/// optional question is skipped) in the question's order, and any "please
/// specify" text for chosen options that carry a box; or, for a text
/// question, the text (none when skipped).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    chosen: Vec<OptionId>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    specify: BTreeMap<OptionId, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
}

impl Answer {
    pub fn chosen(&self) -> &[OptionId] {
        &self.chosen
    }
    /// The text typed in the option's "please specify" box, if any.
    pub fn specify(&self, option: &OptionId) -> Option<&str> {
        self.specify.get(option).map(String::as_str)
    }
    /// A text question's answer.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }
    /// True when the question was seen and skipped.
    pub fn is_skipped(&self) -> bool {
        self.chosen.is_empty() && self.text.is_none()
    }
    pub fn has(&self, option: &OptionId) -> bool {
        self.chosen.contains(option)
    }

    /// The answer as the form shows it.
    pub fn to_entered(&self) -> Entered {
        Entered {
            chosen: self.chosen.iter().map(|o| o.to_string()).collect(),
            specify: self
                .specify
                .iter()
                .map(|(o, s)| (o.to_string(), s.clone()))
                .collect(),
            text: self.text.clone().unwrap_or_default(),
        }
    }

    /// Parses what was entered for `question`, or says what to fix.
    pub fn parse(question: &Question, entered: &Entered) -> Result<Answer, AnswerError> {
        if let QuestionKind::Text { max_length } = question.kind() {
            return Self::parse_text(question, entered, max_length.get());
        }
        let mut chosen = Vec::with_capacity(entered.chosen.len());
        for value in &entered.chosen {
            match question.option(value) {
                Some(option) => chosen.push(option.id().clone()),
                None => return Err(AnswerError::NotAnOption),
            }
        }
        chosen.sort_by_key(|id| question.options().iter().position(|o| o.id() == id));

        if chosen.is_empty() && question.required() {
            return Err(AnswerError::Required {
                message: question.required_message().to_owned(),
            });
        }
        match question.kind() {
            QuestionKind::Single | QuestionKind::Scale { .. } if chosen.len() > 1 => {
                return Err(AnswerError::MoreThanOne);
            }
            QuestionKind::Multiple { max_selections } if chosen.len() > max_selections.get() => {
                return Err(AnswerError::TooMany {
                    max: max_selections.get(),
                    chosen: chosen.len(),
                });
            }
            _ => {}
        }

        let mut specify = BTreeMap::new();
        for option in question.options() {
            let (Some(boxed), true) = (option.specify(), chosen.contains(option.id())) else {
                continue;
            };
            let Some(text) = entered.specify.get(option.id().as_str()) else {
                continue;
            };
            if text.chars().any(char::is_control) {
                return Err(AnswerError::ControlCharacters {
                    option: option.id().clone(),
                    label: boxed.label.clone(),
                });
            }
            if !text.validate_length(None, Some(boxed.max_length as u64), None) {
                return Err(AnswerError::TooLong {
                    option: option.id().clone(),
                    label: boxed.label.clone(),
                    max: boxed.max_length,
                    entered: text.chars().count(),
                });
            }
            if !text.trim().is_empty() {
                specify.insert(option.id().clone(), text.clone());
            }
        }
        Ok(Answer {
            chosen,
            specify,
            text: None,
        })
    }

    /// A text question's answer: line breaks (as LF) and tabs are kept, other
    /// control characters refused; blank is skipped (or refused when required).
    fn parse_text(
        question: &Question,
        entered: &Entered,
        max_length: usize,
    ) -> Result<Answer, AnswerError> {
        if !entered.chosen.is_empty() {
            return Err(AnswerError::NotAnOption);
        }
        // Browsers send a text area's line breaks as CR LF: one character to
        // the resident, so one here.
        let text = &entered.text.replace("\r\n", "\n");
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(AnswerError::TextControlCharacters);
        }
        let length = text.chars().count();
        if length > max_length {
            return Err(AnswerError::TextTooLong {
                max: max_length,
                entered: length,
            });
        }
        if text.trim().is_empty() {
            if question.required() {
                return Err(AnswerError::Required {
                    message: question.required_message(),
                });
            }
            return Ok(Answer::default());
        }
        Ok(Answer {
            text: Some(text.clone()),
            ..Answer::default()
        })
    }
}

/// Why what was entered is not an answer to its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerError {
    /// A chosen value is not one of the question's options (no page offers
    /// one: the request was made by hand).
    NotAnOption,
    /// Two options of a single-choice question (radios cannot send that).
    MoreThanOne,
    /// Nothing chosen for a required question.
    Required { message: String },
    /// More options than the question allows.
    TooMany { max: usize, chosen: usize },
    /// A "please specify" text with control characters.
    ControlCharacters { option: OptionId, label: String },
    /// A "please specify" text over its length limit.
    TooLong {
        option: OptionId,
        label: String,
        max: usize,
        entered: usize,
    },
    /// A text answer with control characters other than line breaks and tabs.
    TextControlCharacters,
    /// A text answer over its length limit.
    TextTooLong { max: usize, entered: usize },
}

impl AnswerError {
    /// What the resident is told, next to the input.
    pub fn message(&self) -> String {
        match self {
            AnswerError::NotAnOption => "Select one of the options listed".to_owned(),
            AnswerError::MoreThanOne => "Select only one option".to_owned(),
            AnswerError::Required { message } => message.clone(),
            AnswerError::TooMany { max, chosen } => {
                format!("Select no more than {max} options; you selected {chosen}")
            }
            AnswerError::ControlCharacters { label, .. } => {
                format!("{label} must not contain control characters")
            }
            AnswerError::TooLong {
                label,
                max,
                entered,
                ..
            } => format!("{label} must be {max} characters or fewer; you entered {entered}"),
            AnswerError::TextControlCharacters => {
                "Your answer must not contain control characters".to_owned()
            }
            AnswerError::TextTooLong { max, entered } => {
                format!("Your answer must be {max} characters or fewer; you entered {entered}")
            }
        }
    }

    /// The option whose "please specify" box is wrong; `None` when the
    /// choice itself is.
    pub fn specify_box(&self) -> Option<&OptionId> {
        match self {
            AnswerError::ControlCharacters { option, .. } | AnswerError::TooLong { option, .. } => {
                Some(option)
            }
            _ => None,
        }
    }
}

/// The answers of a draft in progress. A question present in the map has been
/// seen (an empty answer means it was skipped); a question absent has not.
/// Answers to questions that no longer apply are dropped as soon as the answer
/// they depended on changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DraftAnswers(BTreeMap<QuestionId, Answer>);

impl DraftAnswers {
    pub fn get(&self, question: &QuestionId) -> Option<&Answer> {
        self.0.get(question)
    }

    /// Records an answer and drops answers that no longer apply.
    pub fn record(&mut self, definition: &SurveyDefinition, question: &QuestionId, answer: Answer) {
        self.0.insert(question.clone(), answer);
        let applicable: Vec<QuestionId> = self
            .applicable(definition)
            .map(|q| q.id().clone())
            .collect();
        self.0.retain(|id, _| applicable.contains(id));
    }

    /// The questions shown to this resident, in order. Conditions point only
    /// at earlier questions, and a dropped answer removes its follow-ups, so
    /// one pass in order is enough.
    pub fn applicable<'d>(
        &'d self,
        definition: &'d SurveyDefinition,
    ) -> impl Iterator<Item = &'d Question> + 'd {
        let mut shown: Vec<&QuestionId> = Vec::new();
        definition.questions().iter().filter(move |q| {
            let ok = match q.show_if() {
                None => true,
                Some(c) => {
                    shown.contains(&&c.question)
                        && self.0.get(&c.question).is_some_and(|a| a.has(&c.option))
                }
            };
            if ok {
                shown.push(q.id());
            }
            ok
        })
    }

    /// The next question shown after `question`, or none when it was the last.
    pub fn next_after<'d>(
        &'d self,
        definition: &'d SurveyDefinition,
        question: &QuestionId,
    ) -> Option<&'d Question> {
        let here = definition.position(question)?;
        self.applicable(definition)
            .find(|q| definition.position(q.id()) > Some(here))
    }

    /// The question shown before `question`, or none when it is the first.
    pub fn previous_before<'d>(
        &'d self,
        definition: &'d SurveyDefinition,
        question: &QuestionId,
    ) -> Option<&'d Question> {
        let here = definition.position(question)?;
        self.applicable(definition)
            .take_while(|q| definition.position(q.id()) < Some(here))
            .last()
    }

    /// The first shown question not yet seen, where a returning resident resumes.
    pub fn first_unseen<'d>(&'d self, definition: &'d SurveyDefinition) -> Option<&'d Question> {
        self.applicable(definition)
            .find(|q| !self.0.contains_key(q.id()))
    }
}

/// One complete response as stored, with its chosen options: what the raw
/// exports write.
#[derive(Debug, Clone, PartialEq)]
pub struct ResponseRow {
    pub id: i64,
    pub submitted_at: chrono::NaiveDateTime,
    /// (question, option, "please specify" text), in no particular order.
    pub answers: Vec<(String, String, Option<String>)>,
    /// Its weight, when a weighted export asks and it has one.
    pub weight: Option<f64>,
}

/// One answer to a text question, as officers read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextAnswer {
    pub response: i64,
    pub submitted_at: chrono::NaiveDateTime,
    pub text: String,
}

/// One stored row: a chosen option, with its "please specify" text if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub question: QuestionId,
    pub option: OptionId,
    pub detail: Option<String>,
}

/// A complete response, ready to store: one row per chosen option of every
/// question the resident was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    rows: Vec<AnswerRow>,
}

/// A required question left unanswered when the resident tried to submit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unanswered {
    pub question: QuestionId,
    pub message: String,
}

impl Submission {
    /// Turns a draft into a response, or names the required questions that
    /// still need an answer.
    pub fn from_draft(
        definition: &SurveyDefinition,
        draft: &DraftAnswers,
    ) -> Result<Submission, Vec<Unanswered>> {
        let mut rows = Vec::new();
        let mut missing = Vec::new();
        for question in draft.applicable(definition) {
            match draft.get(question.id()) {
                Some(answer) if !answer.is_skipped() => {
                    rows.extend(answer.chosen.iter().map(|option| AnswerRow {
                        question: question.id().clone(),
                        option: option.clone(),
                        detail: answer.specify.get(option).cloned(),
                    }));
                    if let Some(text) = &answer.text {
                        rows.push(AnswerRow {
                            question: question.id().clone(),
                            option: text_option(),
                            detail: Some(text.clone()),
                        });
                    }
                }
                _ if question.required() => missing.push(Unanswered {
                    question: question.id().clone(),
                    message: question.required_message(),
                }),
                _ => {}
            }
        }
        if missing.is_empty() {
            Ok(Submission { rows })
        } else {
            Err(missing)
        }
    }

    /// The response came through `channel`'s link: stored as the answer
    /// to the hidden [`CHANNEL_QUESTION`].
    #[must_use]
    pub fn through(mut self, channel: Option<&OptionId>) -> Self {
        if let Some(channel) = channel {
            self.rows.push(AnswerRow {
                question: channel_question(),
                option: channel.clone(),
                detail: None,
            });
        }
        self
    }

    pub fn rows(&self) -> &[AnswerRow] {
        &self.rows
    }
}

#[cfg(test)]
mod tests {
    use super::super::definition::testing::MINIMAL;
    use super::*;

    fn survey() -> SurveyDefinition {
        SurveyDefinition::from_toml(
            "test.toml",
            r#"
slug = "t"
title = "T"
organisation = "O"
purpose = "P"
who_can_answer = "W"
time_to_complete = "1 minute"
privacy = "X"

[[questions]]
id = "where"
kind = "single"
required = true
required_message = "Select where you live"
title = "Where?"
options = [{ id = "north", label = "North" }, { id = "south", label = "South" }]

[[questions]]
id = "topic"
kind = "single"
title = "Topic?"
options = [{ id = "a", label = "A" }, { id = "b", label = "B" }]

[[questions]]
id = "a-detail"
kind = "multiple"
max_selections = 2
title = "Within A?"
show_if = { question = "topic", option = "a" }
options = [
  { id = "x", label = "X" },
  { id = "y", label = "Y" },
  { id = "z", label = "Z" },
  { id = "other", label = "Other", specify = { label = "Other concern", max_length = 10 } },
]

[[questions]]
id = "b-detail"
kind = "multiple"
title = "Within B?"
show_if = { question = "topic", option = "b" }
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]

[[questions]]
id = "age"
kind = "single"
title = "Age?"
options = [{ id = "young", label = "Young" }, { id = "old", label = "Old" }]
"#,
        )
        .expect("test survey is valid")
    }

    fn entered(chosen: &[&str], specify: &[(&str, &str)]) -> Entered {
        Entered {
            chosen: chosen.iter().map(|s| s.to_string()).collect(),
            specify: specify
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            text: String::new(),
        }
    }

    fn typed(text: &str) -> Entered {
        Entered {
            text: text.to_owned(),
            ..Entered::default()
        }
    }

    fn text_question(required: bool) -> SurveyDefinition {
        SurveyDefinition::from_toml(
            "text.toml",
            &format!(
                r#"{MINIMAL}
[[questions]]
id = "comments"
kind = "text"
max_length = 10
required = {required}
required_message = "Tell us something"
title = "Anything else?"
"#
            ),
        )
        .expect("valid")
    }

    #[test]
    fn a_text_answer_keeps_line_breaks_and_is_stored_under_the_text_option() {
        let def = text_question(false);
        let q = def.question("comments").expect("q");
        let a = Answer::parse(q, &typed("one\r\ntwo\t3")).expect("valid");
        assert_eq!(a.text(), Some("one\ntwo\t3"), "CR LF is one line break");
        assert!(!a.is_skipped());
        assert_eq!(a.to_entered().text, "one\ntwo\t3");
        assert!(
            Answer::parse(q, &typed("a\r\nb\r\nc\r\nd\r\ne")).is_ok(),
            "nine characters as the resident counts them"
        );
        let mut draft = DraftAnswers::default();
        draft.record(&def, q.id(), a);
        let rows = Submission::from_draft(&def, &draft).expect("complete");
        assert_eq!(
            rows.rows(),
            [AnswerRow {
                question: qid("comments"),
                option: text_option(),
                detail: Some("one\ntwo\t3".to_owned()),
            }]
        );
    }

    #[test]
    fn a_blank_text_answer_is_skipped_unless_required() {
        let optional = text_question(false);
        let q = optional.question("comments").expect("q");
        assert!(
            Answer::parse(q, &typed("  \n "))
                .expect("skipped")
                .is_skipped()
        );
        let required = text_question(true);
        let q = required.question("comments").expect("q");
        let err = Answer::parse(q, &typed("   ")).expect_err("required");
        assert_eq!(err.message(), "Tell us something");
    }

    #[test]
    fn a_text_answer_over_its_limit_or_with_control_characters_is_refused() {
        let def = text_question(false);
        let q = def.question("comments").expect("q");
        assert!(
            Answer::parse(q, &typed("éééééééééé")).is_ok(),
            "ten characters"
        );
        let err = Answer::parse(q, &typed("ééééééééééé")).expect_err("eleven");
        assert_eq!(
            err,
            AnswerError::TextTooLong {
                max: 10,
                entered: 11
            }
        );
        assert_eq!(err.specify_box(), None);
        let err = Answer::parse(q, &typed("a\u{1b}b")).expect_err("escape");
        assert_eq!(err, AnswerError::TextControlCharacters);
        let options = Entered {
            chosen: vec!["x".to_owned()],
            ..typed("a")
        };
        assert_eq!(Answer::parse(q, &options), Err(AnswerError::NotAnOption));
    }

    fn answer(def: &SurveyDefinition, q: &str, chosen: &[&str]) -> Answer {
        Answer::parse(def.question(q).expect("question"), &entered(chosen, &[])).expect("valid")
    }

    fn qid(s: &str) -> QuestionId {
        QuestionId::parse(s).expect("valid id")
    }

    #[test]
    fn a_missing_required_answer_says_what_to_do() {
        let def = survey();
        let err = Answer::parse(def.question("where").expect("q"), &Entered::default())
            .expect_err("required");
        assert_eq!(err.message(), "Select where you live");
        assert_eq!(err.specify_box(), None);
    }

    #[test]
    fn an_optional_question_may_be_skipped() {
        let def = survey();
        let a = answer(&def, "topic", &[]);
        assert!(a.is_skipped());
    }

    #[test]
    fn unknown_options_are_malformed() {
        let def = survey();
        let err = Answer::parse(def.question("topic").expect("q"), &entered(&["nope"], &[]))
            .expect_err("unknown");
        assert_eq!(err, AnswerError::NotAnOption);
        assert_eq!(err.message(), "Select one of the options listed");
    }

    #[test]
    fn too_many_selections_are_refused() {
        let def = survey();
        let err = Answer::parse(
            def.question("a-detail").expect("q"),
            &entered(&["x", "y", "z"], &[]),
        )
        .expect_err("too many");
        assert_eq!(err, AnswerError::TooMany { max: 2, chosen: 3 });
        assert_eq!(
            err.message(),
            "Select no more than 2 options; you selected 3"
        );
        let err = Answer::parse(
            def.question("topic").expect("q"),
            &entered(&["a", "b"], &[]),
        )
        .expect_err("two radios");
        assert_eq!(err, AnswerError::MoreThanOne);
    }

    #[test]
    fn specify_text_is_kept_as_typed_and_limited() {
        let def = survey();
        let q = def.question("a-detail").expect("q");
        let a = Answer::parse(q, &entered(&["other"], &[("other", "<b>'; --")])).expect("valid");
        let other = OptionId::parse("other").expect("id");
        assert_eq!(a.specify(&other), Some("<b>'; --"));

        let err = Answer::parse(q, &entered(&["other"], &[("other", "ééééééééééé")]))
            .expect_err("11 characters");
        assert_eq!(
            err.specify_box(),
            Some(&OptionId::parse("other").expect("id"))
        );
        assert_eq!(
            err.message(),
            "Other concern must be 10 characters or fewer; you entered 11"
        );
        let err = Answer::parse(q, &entered(&["other"], &[("other", "a\0b")])).expect_err("nul");
        assert_eq!(
            err.message(),
            "Other concern must not contain control characters"
        );
        // Text for an option that is not chosen is not kept.
        let a = Answer::parse(q, &entered(&["x"], &[("other", "Bins")])).expect("valid");
        assert_eq!(a.specify(&other), None);
    }

    #[test]
    fn chosen_options_are_kept_in_the_question_order() {
        let def = survey();
        let a = answer(&def, "a-detail", &["y", "x"]);
        let ids: Vec<_> = a.chosen().iter().map(OptionId::as_str).collect();
        assert_eq!(ids, ["x", "y"]);
    }

    #[test]
    fn the_follow_up_shown_depends_on_the_earlier_answer() {
        let def = survey();
        let mut d = DraftAnswers::default();
        d.record(&def, &qid("where"), answer(&def, "where", &["north"]));
        d.record(&def, &qid("topic"), answer(&def, "topic", &["b"]));
        let shown: Vec<_> = d.applicable(&def).map(|q| q.id().as_str()).collect();
        assert_eq!(shown, ["where", "topic", "b-detail", "age"]);
        assert_eq!(
            d.next_after(&def, &qid("topic")).map(|q| q.id().as_str()),
            Some("b-detail")
        );
        assert_eq!(
            d.previous_before(&def, &qid("age"))
                .map(|q| q.id().as_str()),
            Some("b-detail")
        );
        assert_eq!(d.previous_before(&def, &qid("where")), None);
        assert_eq!(
            d.first_unseen(&def).map(|q| q.id().as_str()),
            Some("b-detail")
        );
    }

    #[test]
    fn changing_the_category_drops_follow_ups_that_no_longer_apply() {
        let def = survey();
        let mut d = DraftAnswers::default();
        d.record(&def, &qid("where"), answer(&def, "where", &["north"]));
        d.record(&def, &qid("topic"), answer(&def, "topic", &["a"]));
        d.record(&def, &qid("a-detail"), answer(&def, "a-detail", &["x"]));
        d.record(&def, &qid("age"), answer(&def, "age", &["old"]));
        d.record(&def, &qid("topic"), answer(&def, "topic", &["b"]));
        assert!(d.get(&qid("a-detail")).is_none());
        assert!(d.get(&qid("age")).is_some());
        assert_eq!(
            d.first_unseen(&def).map(|q| q.id().as_str()),
            Some("b-detail")
        );
        // Skipping the category drops every follow-up.
        d.record(&def, &qid("b-detail"), answer(&def, "b-detail", &["x"]));
        d.record(&def, &qid("topic"), answer(&def, "topic", &[]));
        assert!(d.get(&qid("b-detail")).is_none());
        assert_eq!(d.first_unseen(&def), None);
    }

    #[test]
    fn a_submission_has_one_row_per_chosen_option() {
        let def = survey();
        let mut d = DraftAnswers::default();
        d.record(&def, &qid("where"), answer(&def, "where", &["south"]));
        d.record(&def, &qid("topic"), answer(&def, "topic", &["a"]));
        let detail = Answer::parse(
            def.question("a-detail").expect("q"),
            &entered(&["x", "other"], &[("other", "Bins")]),
        )
        .expect("valid");
        d.record(&def, &qid("a-detail"), detail);
        d.record(&def, &qid("age"), answer(&def, "age", &[]));
        let s = Submission::from_draft(&def, &d).expect("complete");
        let rows: Vec<_> = s
            .rows()
            .iter()
            .map(|r| (r.question.as_str(), r.option.as_str(), r.detail.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("where", "south", None),
                ("topic", "a", None),
                ("a-detail", "x", None),
                ("a-detail", "other", Some("Bins")),
            ]
        );
    }

    #[test]
    fn a_submission_needs_every_required_answer() {
        let def = survey();
        let mut d = DraftAnswers::default();
        d.record(&def, &qid("topic"), answer(&def, "topic", &["a"]));
        let missing = Submission::from_draft(&def, &d).expect_err("borough missing");
        assert_eq!(
            missing,
            [Unanswered {
                question: qid("where"),
                message: "Select where you live".to_owned()
            }]
        );
    }

    #[test]
    fn draft_answers_survive_json() {
        let def = survey();
        let mut d = DraftAnswers::default();
        d.record(&def, &qid("where"), answer(&def, "where", &["south"]));
        let json = serde_json::to_string(&d).expect("serialises");
        assert_eq!(json, r#"{"where":{"chosen":["south"]}}"#);
        assert_eq!(
            serde_json::from_str::<DraftAnswers>(&json).expect("reads"),
            d
        );
    }
}
