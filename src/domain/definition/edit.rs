//! What the builder does to a definition: put a question or an option,
//! move it, remove it. Every change takes the one validation path
//! ([`SurveyDefinition::from_raw`]), so the builder cannot make a survey that
//! a file could not be; moves and removals that would leave a follow-up
//! question hanging are refused first, naming the follow-ups.

use super::format::{RawOption, RawQuestion};
use super::problem::Problem;
use super::{DefinitionErrors, Question, SurveyDefinition};
use crate::domain::ids::MAX_ID_LENGTH;

/// Which way a question or option moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
}

/// Why a move or removal was not made, in words for the officer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

/// "“A”, “B” and “C”": question titles, quoted, as a sentence lists them.
fn titles(questions: &[&Question]) -> String {
    let quoted: Vec<String> = questions
        .iter()
        .map(|q| format!("\u{201c}{}\u{201d}", q.title()))
        .collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The refusal to remove `what` while follow-up questions are asked only
/// `when` (an answer to it, it is chosen), naming them.
fn still_asked(what: &str, dependants: &[&Question], when: &str) -> Refused {
    let (verb, them, they) = if dependants.len() == 1 {
        ("is", "that question", "it is")
    } else {
        ("are", "those questions", "they are")
    };
    Refused(format!(
        "\u{201c}{what}\u{201d} cannot be removed: {} {verb} asked only {when}. Remove {them} or change when {they} asked first",
        titles(dependants),
    ))
}

impl SurveyDefinition {
    /// Where the question with this id is, if the survey has it.
    pub fn question_index(&self, id: &str) -> Option<usize> {
        self.questions.iter().position(|q| q.id.as_str() == id)
    }

    /// The follow-up questions shown only on an answer to question `id`
    /// (any of its options, or just `option`).
    pub fn dependants(&self, id: &str, option: Option<&str>) -> Vec<&Question> {
        self.questions
            .iter()
            .filter(|q| {
                q.show_if.as_ref().is_some_and(|c| {
                    c.question.as_str() == id && option.is_none_or(|o| c.option.as_str() == o)
                })
            })
            .collect()
    }

    /// An edit's result, through the draft's checks (a draft may still
    /// lack settings text and questions; see [`SurveyDefinition::draft_from_raw`]).
    fn edited(&self, what: &str, raw: super::RawDefinition) -> Result<Self, DefinitionErrors> {
        SurveyDefinition::draft_from_raw(what, raw)
    }

    /// The survey with `question` in place of the one at `index`, or added
    /// at the end when `index` is `None`.
    pub fn with_question(
        &self,
        index: Option<usize>,
        question: RawQuestion,
    ) -> Result<Self, DefinitionErrors> {
        // A new id would leave its follow-ups pointing at nothing: say so
        // in words, naming them, rather than as the file check would.
        if let Some((at, old)) = index.and_then(|i| self.questions.get(i).map(|q| (i, q)))
            && old.id.as_str() != question.id
        {
            let dependants = self.dependants(old.id.as_str(), None);
            if !dependants.is_empty() {
                let (verb, they) = if dependants.len() == 1 {
                    ("is", "it is")
                } else {
                    ("are", "they are")
                };
                return Err(DefinitionErrors {
                    source: "the question".to_owned(),
                    problems: vec![Problem {
                        place: super::Place::Question {
                            index: at,
                            id: question.id.clone(),
                            field: "id",
                        },
                        message: format!(
                            "the id cannot change while {} {verb} asked only after an answer to this question: keep the id, or change when {they} asked first",
                            titles(&dependants)
                        ),
                    }],
                });
            }
        }
        let mut raw = self.raw.clone();
        match index.and_then(|i| raw.questions.get_mut(i)) {
            Some(slot) => *slot = question,
            None => raw.questions.push(question),
        }
        self.edited("the question", raw)
    }

    /// The survey with the question at `index` moved one place. A follow-up
    /// cannot move above the question it follows, nor a question below its
    /// follow-ups.
    pub fn move_question(&self, index: usize, way: Move) -> Result<Self, Refused> {
        let other = match way {
            Move::Up => index.checked_sub(1),
            Move::Down => Some(index + 1).filter(|i| *i < self.questions.len()),
        };
        let (Some(other), Some(moving)) = (other, self.questions.get(index)) else {
            return Err(Refused(
                "That question is already at the end of the list".to_owned(),
            ));
        };
        let (earlier, later) = (index.min(other), index.max(other));
        let (first, second) = (&self.questions[earlier], &self.questions[later]);
        if second
            .show_if
            .as_ref()
            .is_some_and(|c| c.question == first.id)
        {
            return Err(Refused(match way {
                Move::Up => format!(
                    "\u{201c}{}\u{201d} cannot move up: it is asked only after an answer to \u{201c}{}\u{201d}, so it must come after it",
                    moving.title(),
                    first.title(),
                ),
                Move::Down => format!(
                    "\u{201c}{}\u{201d} cannot move down: \u{201c}{}\u{201d} is asked only after an answer to it, so it must come first",
                    moving.title(),
                    second.title(),
                ),
            }));
        }
        let mut raw = self.raw.clone();
        raw.questions.swap(earlier, later);
        self.edited("the moved question", raw)
            .map_err(|e| Refused(e.to_string()))
    }

    /// The survey without the question at `index`; refused while a
    /// follow-up depends on it, or if it is the only question.
    pub fn without_question(&self, index: usize) -> Result<Self, Refused> {
        let Some(question) = self.questions.get(index) else {
            return Err(Refused("That question is not in the survey".to_owned()));
        };
        let dependants = self.dependants(question.id.as_str(), None);
        if !dependants.is_empty() {
            return Err(still_asked(
                question.title(),
                &dependants,
                "after an answer to it",
            ));
        }
        if self.questions.len() == 1 {
            return Err(Refused(
                "A survey needs at least one question: add another before removing this one"
                    .to_owned(),
            ));
        }
        let mut raw = self.raw.clone();
        raw.questions.remove(index);
        self.edited("the survey", raw)
            .map_err(|e| Refused(e.to_string()))
    }

    /// The survey with `option` in place of option `at` of question
    /// `index`, or added at the end when `at` is `None`. An option that
    /// follow-ups depend on keeps its id.
    pub fn with_option(
        &self,
        index: usize,
        at: Option<usize>,
        option: RawOption,
    ) -> Result<Self, DefinitionErrors> {
        let mut raw = self.raw.clone();
        let Some(question) = raw.questions.get_mut(index) else {
            return Err(DefinitionErrors {
                source: "the option".to_owned(),
                problems: vec![Problem::survey(
                    "questions",
                    "That question is not in the survey",
                )],
            });
        };
        match at.and_then(|i| question.options.get_mut(i)) {
            Some(slot) => *slot = option,
            None => question.options.push(option),
        }
        self.edited("the option", raw)
    }

    /// The survey with option `at` of question `index` moved one place.
    pub fn move_option(&self, index: usize, at: usize, way: Move) -> Result<Self, Refused> {
        let Some(question) = self.raw.questions.get(index) else {
            return Err(Refused("That question is not in the survey".to_owned()));
        };
        let other = match way {
            Move::Up => at.checked_sub(1),
            Move::Down => Some(at + 1).filter(|i| *i < question.options.len()),
        };
        let Some(other) = other.filter(|_| at < question.options.len()) else {
            return Err(Refused(
                "That option is already at the end of the list".to_owned(),
            ));
        };
        let mut raw = self.raw.clone();
        raw.questions[index].options.swap(at, other);
        self.edited("the moved option", raw)
            .map_err(|e| Refused(e.to_string()))
    }

    /// The survey without option `at` of question `index`; refused while a
    /// follow-up depends on it, or when the question would be left with
    /// fewer options than its kind needs.
    pub fn without_option(&self, index: usize, at: usize) -> Result<Self, Refused> {
        let (Some(question), Some(option)) = (
            self.questions.get(index),
            self.questions.get(index).and_then(|q| q.options.get(at)),
        ) else {
            return Err(Refused("That option is not in the survey".to_owned()));
        };
        let dependants = self.dependants(question.id.as_str(), Some(option.id.as_str()));
        if !dependants.is_empty() {
            return Err(still_asked(
                option.label(),
                &dependants,
                "when it is chosen",
            ));
        }
        let mut raw = self.raw.clone();
        raw.questions[index].options.remove(at);
        self.edited("the question", raw).map_err(|e| {
            Refused(format!(
                "\u{201c}{}\u{201d} cannot be removed: {}",
                option.label(),
                e.problems
                    .first()
                    .map_or_else(String::new, |p| p.message.clone())
            ))
        })
    }
}

/// An option id made from a label ("Very safe" → `very-safe`, at most
/// [`MAX_ID_LENGTH`] characters, `option` when the label has no letter or
/// digit), with `-2`, `-3`… added while `taken` says it is in use.
pub fn option_id_for(label: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut base: String = label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
        .to_ascii_lowercase();
    base.truncate(MAX_ID_LENGTH - 4);
    let base = base.trim_end_matches('-');
    let base = if base.is_empty() { "option" } else { base };
    let mut id = base.to_owned();
    let mut n = 2;
    while taken(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Options typed one per line, with ids made from their labels, unique
/// within the list ([`option_id_for`]). Empty lines are skipped.
pub fn options_from_lines(text: &str) -> Vec<RawOption> {
    let mut options: Vec<RawOption> = Vec::new();
    for label in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let id = option_id_for(label, |id| options.iter().any(|o| o.id == id));
        options.push(RawOption {
            id,
            label: label.to_owned(),
            hint: None,
            specify: None,
            unscored: false,
        });
    }
    options
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::super::{RawKind, RawQuestion};
    use super::*;

    const FOLLOWED: &str = r#"
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]

[[questions]]
id = "b"
kind = "multiple"
title = "B?"
show_if = { question = "a", option = "x" }
options = [{ id = "p", label = "P" }, { id = "q", label = "Q" }, { id = "r", label = "R" }]

[[questions]]
id = "c"
kind = "single"
title = "C?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#;

    fn ids(def: &SurveyDefinition) -> Vec<&str> {
        def.questions().iter().map(|q| q.id().as_str()).collect()
    }

    fn text_question(id: &str) -> RawQuestion {
        RawQuestion {
            id: id.to_owned(),
            kind: RawKind::Text,
            title: "Anything else?".to_owned(),
            short_label: None,
            chart_title: None,
            hint: None,
            required: false,
            demographic: false,
            required_message: None,
            max_selections: None,
            positive: None,
            max_length: Some(500),
            show_if: None,
            options: Vec::new(),
        }
    }

    #[test]
    fn a_question_is_added_at_the_end_or_put_in_place() {
        let def = with_questions(FOLLOWED).expect("valid");
        let added = def.with_question(None, text_question("d")).expect("valid");
        assert_eq!(ids(&added), ["a", "b", "c", "d"]);
        let replaced = def
            .with_question(Some(2), text_question("c"))
            .expect("valid");
        assert_eq!(replaced.questions()[2].kind().as_str(), "text");
        let clash = def
            .with_question(None, text_question("a"))
            .expect_err("duplicate id");
        assert_eq!(clash.problems[0].question_index(), Some(3));
        assert_eq!(clash.problems[0].message, "duplicate question id");
    }

    #[test]
    fn a_follow_up_cannot_move_above_its_question_nor_a_question_below_its_follow_up() {
        let def = with_questions(FOLLOWED).expect("valid");
        let up = def.move_question(1, Move::Up).expect_err("b follows a");
        assert!(up.0.contains("\u{201c}B?\u{201d} cannot move up"), "{up:?}");
        assert!(
            up.0.contains("after an answer to \u{201c}A?\u{201d}"),
            "{up:?}"
        );
        let down = def
            .move_question(0, Move::Down)
            .expect_err("a is followed by b");
        assert!(
            down.0
                .contains("\u{201c}A?\u{201d} cannot move down: \u{201c}B?\u{201d}"),
            "{down:?}"
        );
        let moved = def.move_question(2, Move::Up).expect("c may pass b");
        assert_eq!(ids(&moved), ["a", "c", "b"]);
        let moved = moved.move_question(1, Move::Up).expect("c may pass a");
        assert_eq!(ids(&moved), ["c", "a", "b"]);
        assert!(
            moved.move_question(0, Move::Up).is_err(),
            "the first cannot go up"
        );
        assert!(
            moved.move_question(2, Move::Down).is_err(),
            "the last cannot go down"
        );
        assert!(moved.move_question(9, Move::Up).is_err());
    }

    #[test]
    fn removing_what_a_follow_up_depends_on_is_refused_naming_the_follow_up() {
        let def = with_questions(FOLLOWED).expect("valid");
        let refused = def.without_question(0).expect_err("b depends on a");
        assert!(
            refused.0.starts_with(
                "\u{201c}A?\u{201d} cannot be removed: \u{201c}B?\u{201d} is asked only after an answer to it"
            ),
            "{refused:?}"
        );
        let refused = def.without_option(0, 0).expect_err("b depends on a = x");
        assert!(
            refused.0.starts_with(
                "\u{201c}X\u{201d} cannot be removed: \u{201c}B?\u{201d} is asked only when it is chosen"
            ),
            "{refused:?}"
        );
        let fine = def.without_question(1).expect("nothing depends on b");
        assert_eq!(ids(&fine), ["a", "c"]);
        let fine = fine.without_question(0).expect("now nothing depends on a");
        assert_eq!(ids(&fine), ["c"]);
        assert!(fine.without_question(0).is_err(), "the last question stays");
        let too_few = def.without_option(2, 0).expect_err("two options at least");
        assert!(too_few.0.contains("at least two options"), "{too_few:?}");
        let fewer = def.without_option(1, 2).expect("b keeps two");
        assert_eq!(fewer.questions()[1].options().len(), 2);
    }

    #[test]
    fn options_move_and_change_through_the_one_validation_path() {
        let def = with_questions(FOLLOWED).expect("valid");
        let moved = def.move_option(1, 2, Move::Up).expect("r up");
        let order: Vec<&str> = moved.questions()[1]
            .options()
            .iter()
            .map(|o| o.id().as_str())
            .collect();
        assert_eq!(order, ["p", "r", "q"]);
        assert!(def.move_option(1, 0, Move::Up).is_err());
        assert!(def.move_option(1, 2, Move::Down).is_err());
        let renamed = def.with_option(
            0,
            Some(0),
            RawOption {
                id: "z".into(),
                label: "Z".into(),
                hint: None,
                specify: None,
                unscored: false,
            },
        );
        let err = renamed.expect_err("b's show_if names a = x");
        assert!(
            err.problems[0]
                .to_string()
                .contains("show_if names option \"x\""),
            "{err}"
        );
    }

    #[test]
    fn options_typed_one_per_line_get_unique_ids_from_their_labels() {
        let options =
            options_from_lines("Very safe\n\n  Fairly safe \nDon't know\nVery safe\n£££\n");
        let ids: Vec<&str> = options.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "very-safe",
                "fairly-safe",
                "don-t-know",
                "very-safe-2",
                "option"
            ]
        );
        assert_eq!(options[1].label, "Fairly safe");
        let long = options_from_lines(&"word ".repeat(40));
        assert!(long[0].id.len() <= MAX_ID_LENGTH && !long[0].id.ends_with('-'));
        let taken = ["other", "other-2"];
        assert_eq!(option_id_for("Other", |id| taken.contains(&id)), "other-3");
    }
}
