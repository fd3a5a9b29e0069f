//! A problem of a definition and the place it is at: the file names it in
//! words ("question \"where\": option \"x\": label must not be empty"), and
//! the builder shows it at the field it names, without reading the words.

use std::fmt;

/// Where in a definition a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// The file as a whole, or a survey setting: `slug`, `title`, `opens`,
    /// `closes`, `fieldwork`, `questions` (none given), or `file` (it does
    /// not parse).
    Survey(&'static str),
    /// A setting of the question at `index` (0-based) in the file: `id`,
    /// `kind`, `title`, `options`, `max_selections`, `positive`,
    /// `max_length`, `demographic`, `show_if`, `required`.
    Question {
        index: usize,
        id: String,
        field: &'static str,
    },
    /// A setting of option `option` (0-based) of question `index`: `id`,
    /// `label`, `unscored`, `specify`.
    Option {
        index: usize,
        id: String,
        option: usize,
        option_id: String,
        field: &'static str,
    },
}

/// One thing wrong with a definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub place: Place,
    /// What is wrong, without the name of the question or option.
    pub message: String,
}

impl Problem {
    pub fn survey(field: &'static str, message: impl Into<String>) -> Self {
        Problem {
            place: Place::Survey(field),
            message: message.into(),
        }
    }

    /// The question index this problem is in, if any.
    pub fn question_index(&self) -> Option<usize> {
        match self.place {
            Place::Survey(_) => None,
            Place::Question { index, .. } | Place::Option { index, .. } => Some(index),
        }
    }
}

/// How a file names a question: by its id, or by its position when the id
/// is missing.
fn question_name(index: usize, id: &str) -> String {
    if id.is_empty() {
        format!("question {}", index + 1)
    } else {
        format!("question {id:?}")
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Place::Survey(_) => write!(f, "{}", self.message),
            Place::Question { index, id, .. } => {
                write!(f, "{}: {}", question_name(*index, id), self.message)
            }
            Place::Option {
                index,
                id,
                option_id,
                ..
            } => write!(
                f,
                "{}: option {option_id:?}: {}",
                question_name(*index, id),
                self.message
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_reads_as_the_file_names_it() {
        let at_option = Problem {
            place: Place::Option {
                index: 2,
                id: "where".into(),
                option: 0,
                option_id: "x".into(),
                field: "label",
            },
            message: "label must not be empty".into(),
        };
        assert_eq!(
            at_option.to_string(),
            r#"question "where": option "x": label must not be empty"#
        );
        let unnamed = Problem {
            place: Place::Question {
                index: 2,
                id: String::new(),
                field: "id",
            },
            message: "id: must not be empty".into(),
        };
        assert_eq!(unnamed.to_string(), "question 3: id: must not be empty");
        assert_eq!(unnamed.question_index(), Some(2));
        assert_eq!(Problem::survey("title", "t").question_index(), None);
    }
}
