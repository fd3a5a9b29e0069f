//! The file format: a definition as written (TOML under `assets/surveys/`),
//! mirrored one to one by [`RawDefinition`] before any check has run, and
//! the frozen JSON a published version stores. Both are read back through
//! [`SurveyDefinition::from_raw`].

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{DefinitionErrors, Place, Problem, SurveyDefinition};

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
    /// The links the survey is distributed through, each counted apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<RawChannel>,
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
}

/// One distribution channel as written in the file: `[[channels]]` with an
/// id (in the link, and stored with each response) and a label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChannel {
    pub id: String,
    pub label: String,
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
    /// `scale`: how many scored options, from the first, are its positive
    /// end (2 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive: Option<i64>,
    /// `text`: the most characters an answer may have.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<RawCondition>,
    #[serde(default)]
    pub options: Vec<RawOption>,
}

/// The kinds of question (see [`super::QuestionKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawKind {
    Single,
    Multiple,
    Scale,
    Text,
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
    /// `scale`: an answer such as "Don't know", kept out of the score.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unscored: bool,
}

/// A free-text "please specify" box attached to an option.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSpecify {
    pub label: String,
    pub max_length: i64,
}

impl SurveyDefinition {
    /// Reads and checks a definition file. The error names the file.
    pub fn load_file(path: &Path) -> Result<Self, DefinitionErrors> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| DefinitionErrors {
            source: source.clone(),
            problems: vec![Problem::survey("file", format!("cannot be read: {e}"))],
        })?;
        Self::from_toml(&source, &text)
    }

    /// Parses and checks definition text in the file format (TOML).
    pub fn from_toml(source: &str, text: &str) -> Result<Self, DefinitionErrors> {
        let raw: RawDefinition = toml::from_str(text).map_err(|e| DefinitionErrors {
            source: source.to_owned(),
            problems: vec![Problem::survey(
                "file",
                e.message().to_owned() + &toml_position(text, e.span()),
            )],
        })?;
        Self::from_raw(source, raw)
    }

    /// Reads back a frozen version or a draft stored as JSON by
    /// [`Self::to_frozen_json`], through the draft's checks: a stored
    /// version passed the full checks when it was published.
    pub fn from_frozen_json(source: &str, json: &str) -> Result<Self, DefinitionErrors> {
        let raw: RawDefinition = serde_json::from_str(json).map_err(|e| DefinitionErrors {
            source: source.to_owned(),
            problems: vec![Problem::survey(
                "file",
                format!("stored definition is not readable: {e}"),
            )],
        })?;
        Self::stored_from_raw(source, raw)
    }

    /// The definition in the file format, to download, edit and load again:
    /// reading it back gives the same definition.
    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(&self.raw).unwrap_or_else(|e| {
            // Strings, booleans, numbers, tables and arrays of tables always
            // have a TOML form.
            unreachable!("a raw definition always has a TOML form: {e}")
        });
        format!(
            "# {}\n# A civic-survey definition; the format is described in docs/survey-definitions.md.\n# Ids are stable: stored answers refer to them, so never reuse one for a new meaning.\n\n{body}",
            self.raw
                .title
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect::<String>()
        )
    }

    /// The form stored for a published version: the raw definition as JSON,
    /// fields in a fixed order, so the same file always gives the same text.
    pub fn to_frozen_json(&self) -> String {
        serde_json::to_string(&self.raw).unwrap_or_else(|e| {
            // Serialising plain strings, numbers and vectors cannot fail.
            unreachable!("a raw definition always serialises: {e}")
        })
    }
}

/// The line (1-based) of a definition file that a problem found by the
/// checks is at, when the file shows it: a setting's own line; a question's
/// setting within its `[[questions]]` table (or the table's first line); an
/// option's line by its id. Problems that the parser found already carry
/// their line and column in the message.
pub fn line_of(text: &str, problem: &Problem) -> Option<usize> {
    let lines: Vec<&str> = text.lines().collect();
    let sets = |line: &str, key: &str| {
        line.trim_start()
            .strip_prefix(key)
            .is_some_and(|rest| rest.trim_start().starts_with('='))
    };
    // A table header as written, spaces and a trailing comment aside:
    // "[[questions]]", "[fieldwork]"; none for other lines.
    let header = |line: &str| -> Option<String> {
        let code = line.split('#').next().unwrap_or_default().trim();
        code.starts_with('[')
            .then(|| code.chars().filter(|c| !c.is_whitespace()).collect())
    };
    let headers_of = |name: &str| -> Vec<usize> {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| header(l).as_deref() == Some(name))
            .map(|(i, _)| i)
            .collect()
    };
    let tables = headers_of("[[questions]]");
    let block = |index: usize| -> Option<std::ops::Range<usize>> {
        let start = *tables.get(index)?;
        let end = lines
            .iter()
            .enumerate()
            .skip(start + 1)
            .find(|(_, l)| {
                header(l).is_some_and(|h| {
                    let sub_table = h.starts_with("[questions.") || h.starts_with("[[questions.");
                    !sub_table
                })
            })
            .map_or(lines.len(), |(i, _)| i);
        Some(start..end)
    };
    let found = match &problem.place {
        Place::Survey("file") => None,
        // "channel 3: …" is at the third [[channels]] table, if written so.
        Place::Survey("channels") => problem
            .message
            .strip_prefix("channel ")
            .and_then(|rest| rest.split(':').next())
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| headers_of("[[channels]]").get(n.checked_sub(1)?).copied())
            .or_else(|| headers_of("[[channels]]").first().copied()),
        Place::Survey(setting) => {
            // The survey's own settings come before its first table.
            let first_table = lines
                .iter()
                .position(|l| header(l).is_some())
                .unwrap_or(lines.len());
            lines[..first_table].iter().position(|l| sets(l, setting))
        }
        Place::Question { index, field, .. } => {
            let range = block(*index)?;
            lines[range.clone()]
                .iter()
                .position(|l| sets(l, field))
                .map(|i| range.start + i)
                .or(Some(range.start))
        }
        Place::Option {
            index, option_id, ..
        } => {
            let range = block(*index)?;
            let quoted = format!("{option_id:?}");
            lines[range.clone()]
                .iter()
                .position(|l| !option_id.is_empty() && l.contains("id") && l.contains(&quoted))
                .map(|i| range.start + i)
                .or(Some(range.start))
        }
    };
    found.map(|i| i + 1)
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
    use super::super::testing::*;
    use super::*;

    #[test]
    fn a_problem_found_by_the_checks_is_placed_at_its_line() {
        let text = format!(
            "{MINIMAL}{}",
            r#"
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [
  { id = "x", label = "X" },
  { id = "y", label = "" },
]

[[questions]]
id = "b"
kind = "single"
title = ""
options = [{ id = "p", label = "P" }, { id = "q", label = "Q" }]
show_if = { question = "a", option = "z" }
"#
        );
        let errors = SurveyDefinition::from_toml("f.toml", &text).expect_err("invalid");
        let placed: Vec<(Option<usize>, String)> = errors
            .problems
            .iter()
            .map(|p| (line_of(&text, p), p.to_string()))
            .collect();
        let line = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|i| i + 1);
        assert!(
            placed.contains(&(
                line("label = \"\""),
                "question \"a\": option \"y\": label must not be empty".to_owned()
            )),
            "{placed:?}"
        );
        assert!(
            placed
                .iter()
                .any(|(l, m)| *l == line("title = \"\"") && m.starts_with("question \"b\": title")),
            "{placed:?}"
        );
        assert!(
            placed
                .iter()
                .any(|(l, m)| *l == line("show_if") && m.starts_with("question \"b\": show_if")),
            "{placed:?}"
        );
        let slug = Problem::survey("title", "title must not be empty");
        assert_eq!(line_of(&text, &slug), line("title = \"T\""));
        // Channels by their table; a header with spaces and a comment counts.
        let with_channels = format!(
            "{MINIMAL}[fieldwork]\nfrom = \"2019-02-18\"\nto = \"2019-03-03\"\nchannels = [\"Web\"]\n\n[[channels]]\nid = \"web\"\nlabel = \"Web\"\n\n[[ channels ]] # the second\nid = \"web\"\nlabel = \"Again\"\n{TWO}"
        );
        let errors =
            SurveyDefinition::from_toml("f.toml", &with_channels).expect_err("a duplicate channel");
        let at = |needle: &str| {
            with_channels
                .lines()
                .position(|l| l.contains(needle))
                .map(|i| i + 1)
        };
        assert_eq!(
            errors
                .problems
                .iter()
                .map(|p| line_of(&with_channels, p))
                .collect::<Vec<_>>(),
            [at("the second")]
        );
        // Too many: at the first channel, not at the fieldwork's list.
        assert_eq!(
            line_of(
                &with_channels,
                &Problem::survey("channels", "a survey has at most 30 channels, not 31")
            ),
            at("[[channels]]")
        );
        assert_eq!(line_of(&text, &Problem::survey("file", "x")), None);
    }

    #[test]
    fn a_minimal_definition_is_accepted_and_round_trips_through_frozen_json() {
        let def = with_questions(TWO).expect("valid");
        let back = SurveyDefinition::from_frozen_json("stored", &def.to_frozen_json())
            .expect("frozen json reads back");
        assert_eq!(def, back);
    }

    #[test]
    fn every_kind_round_trips_through_frozen_json() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/api/fixtures/kinds/safety-2020.toml");
        let def = SurveyDefinition::load_file(&path).expect("the fixture is valid");
        let frozen = def.to_frozen_json();
        assert!(frozen.contains(r#""unscored":true"#), "{frozen}");
        let back = SurveyDefinition::from_frozen_json("stored", &frozen).expect("reads back");
        assert_eq!(def, back);
        // Settings a kind does not use are not written, so versions frozen
        // before the new kinds keep their content hash.
        let csp = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml");
        let frozen = SurveyDefinition::load_file(&csp)
            .expect("valid")
            .to_frozen_json();
        for absent in ["\"unscored\"", "\"positive\""] {
            assert!(!frozen.contains(absent), "{absent} in {frozen}");
        }
    }

    #[test]
    fn every_shipped_definition_round_trips_through_its_file_format() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["assets/surveys", "tests/api/fixtures/kinds"] {
            for entry in std::fs::read_dir(root.join(dir)).expect("a folder") {
                let path = entry.expect("an entry").path();
                if path.extension().is_some_and(|x| x == "toml") {
                    files.push(path);
                }
            }
        }
        assert!(files.len() >= 2, "{files:?}");
        for path in files {
            let def = SurveyDefinition::load_file(&path).expect("valid");
            let text = def.to_toml();
            let back = SurveyDefinition::from_toml("downloaded.toml", &text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
            assert_eq!(def, back, "{}", path.display());
            assert_eq!(back.to_toml(), text, "the second download is the same text");
        }
    }

    #[test]
    fn errors_name_the_file() {
        let err = with_questions("").expect_err("no questions");
        assert_eq!(err.source, "test.toml");
        assert!(err.to_string().starts_with("test.toml: "), "{err}");
        assert!(err.to_string().contains("at least one question"), "{err}");
    }

    proptest::proptest! {
        /// Any text, and any mangling of a valid file, is either a valid
        /// definition or a list of problems that names the file; never a panic.
        #[test]
        fn the_loader_never_panics(text in ".{0,400}", cut in 0usize..2000, insert in "[\\[\\]{}=\"a-z0-9 \n-]{0,20}") {
            let _ = SurveyDefinition::from_toml("random.toml", &text);
            let shipped = include_str!("../../../assets/surveys/csp-2019.toml");
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
}
