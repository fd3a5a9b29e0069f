//! Survey definitions: the validated [`SurveyDefinition`] the rest of the
//! program reads, split by responsibility:
//!
//! - this module: the model (a survey, its questions and options) and what
//!   it answers (`question`, `availability`, …);
//! - [`format`]: the file format ([`RawDefinition`], TOML files under
//!   `assets/surveys/`, and the frozen JSON a published version stores);
//! - [`validate`]: [`SurveyDefinition::from_raw`], the one path every
//!   definition takes, which collects every problem and names its source.
//!
//! Only a definition that passed every check exists as a `SurveyDefinition`,
//! so the rest of the program never re-checks ids, conditions or limits.

mod edit;
mod format;
mod problem;
mod validate;

use std::fmt;
use std::num::NonZeroUsize;

use chrono::{DateTime, NaiveDate, Utc};

use super::ids::{OptionId, QuestionId, Slug};

pub use edit::{Move, Refused, option_id_for, options_from_lines};
pub use format::{
    RawChannel, RawCondition, RawDefinition, RawFieldwork, RawKind, RawOption, RawQuestion,
    RawSpecify, line_of,
};
pub use problem::{Place, Problem};

/// The longest "please specify" box a definition may ask for.
pub const MAX_SPECIFY_LENGTH: usize = 1000;

/// The longest title, label or short message a definition may have, in
/// characters: a question, an option, a short label, a chart title.
pub const MAX_LABEL_LENGTH: usize = 300;
/// The longest hint.
pub const MAX_HINT_LENGTH: usize = 2000;
/// The longest prose setting: the purpose and the privacy notice.
pub const MAX_PROSE_LENGTH: usize = 10_000;

/// The longest free-text answer a definition may ask for.
pub const MAX_TEXT_LENGTH: usize = 5000;

/// Everything wrong with one definition, each problem on its own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DefinitionErrors {
    /// Where the definition came from (a file path, or "stored version N").
    pub source: String,
    pub problems: Vec<Problem>,
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
    channels: Vec<Channel>,
    questions: Vec<Question>,
    /// What a draft still lacks before it can be published (empty for any
    /// definition that [`SurveyDefinition::from_raw`] accepted).
    missing: Vec<Problem>,
}

/// A link the survey is distributed through (the council website, a
/// Facebook post, a street survey tablet): responses that start from its
/// link are counted under it. Nothing about the person is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    id: OptionId,
    label: String,
}

impl Channel {
    pub fn id(&self) -> &OptionId {
        &self.id
    }
    pub fn label(&self) -> &str {
        &self.label
    }
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

/// What kind of answer a question takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    /// One option.
    Single,
    /// Up to `max_selections` options.
    Multiple { max_selections: NonZeroUsize },
    /// One option of an ordered scale, listed from its positive end ("Very
    /// safe" … "Very unsafe"). Options marked `unscored` ("Don't know") come
    /// after the scale and are kept out of its score; the first `positive`
    /// scored options are its positive end ("top two").
    Scale { positive: NonZeroUsize },
    /// Free text of at most `max_length` characters; no options.
    Text { max_length: NonZeroUsize },
}

impl QuestionKind {
    /// The kind's name in definition files and in the results JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Single => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Scale { .. } => "scale",
            QuestionKind::Text { .. } => "text",
        }
    }

    /// Whether a resident picks exactly one option (radios): the options
    /// are shares of one whole.
    pub fn is_one_choice(self) -> bool {
        matches!(self, QuestionKind::Single | QuestionKind::Scale { .. })
    }
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
    unscored: bool,
}

/// A "please specify" box: its label and the most characters it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Specify {
    pub label: String,
    pub max_length: usize,
}

/// A survey's settings as the builder edits them; see
/// [`SurveyDefinition::with_settings`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SurveySettings {
    pub title: String,
    pub organisation: String,
    pub purpose: String,
    pub who_can_answer: String,
    pub time_to_complete: String,
    pub privacy: String,
    /// Opens at the start of this day (UTC), if given.
    pub opens: Option<NaiveDate>,
    /// Closes at the end of this day (UTC), if given.
    pub closes: Option<NaiveDate>,
    /// The distribution channels' labels, in order. A label the survey
    /// already has keeps its channel's id (and so its link); a new one gets
    /// an id made from it.
    pub channels: Vec<String>,
}

/// What an answer form carries besides what was typed.
const OTHER_FIELDS: usize = 1024;

/// Closing "at the end of" a day: at midnight (UTC) as the next day starts,
/// so the whole last second is open; [`SurveyDefinition::last_day`] reads
/// the day back.
fn end_of_day(day: NaiveDate) -> String {
    let next = day.succ_opt().unwrap_or(day);
    format!("{next}T00:00:00Z")
}

/// What a survey's next wave changes; see [`SurveyDefinition::next_wave`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextWave {
    pub slug: String,
    pub title: String,
    /// Opens at the start of this day (UTC), if given.
    pub opens: Option<NaiveDate>,
    /// Closes at the end of this day (UTC), if given.
    pub closes: Option<NaiveDate>,
}

/// Whether a survey accepts answers at a given moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    NotYetOpen(DateTime<Utc>),
    Open,
    Closed(DateTime<Utc>),
}

impl SurveyDefinition {
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
    /// How long the survey runs: from `opens` to `closes` where both are
    /// set, else the whole days of its `[fieldwork]`, if either is known.
    pub fn fieldwork_window(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        if let (Some(opens), Some(closes)) = (self.opens, self.closes) {
            return Some((opens, closes));
        }
        let f = self.fieldwork.as_ref()?;
        let start = f.from.and_hms_opt(0, 0, 0)?.and_utc();
        let end = f.to.succ_opt()?.and_hms_opt(0, 0, 0)?.and_utc();
        Some((start, end))
    }
    /// The last day (UTC) the survey is open, if it closes: the day before
    /// a close at midnight, else the day it closes.
    pub fn last_day(&self) -> Option<NaiveDate> {
        self.closes
            .map(|c| (c - chrono::Duration::nanoseconds(1)).date_naive())
    }
    /// What this draft still lacks before it can be published: none for a
    /// file or a published version.
    pub fn missing(&self) -> &[Problem] {
        &self.missing
    }
    /// The distribution channels, in order.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }
    /// The channel with this id, if the survey has one.
    pub fn channel(&self, id: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id.as_str() == id)
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

    /// The definition as written, for a copy to start from.
    pub fn raw(&self) -> &RawDefinition {
        &self.raw
    }

    /// This survey's next wave: a new slug, title and dates; everything
    /// else, the question and option ids above all, kept so that the waves
    /// compare. The fieldwork record is the old wave's, so it is left out.
    /// The copy takes the one validation path, as a file does.
    pub fn next_wave(&self, wave: &NextWave) -> Result<SurveyDefinition, DefinitionErrors> {
        let mut raw = self.raw.clone();
        raw.slug = wave.slug.clone();
        raw.title = wave.title.clone();
        raw.opens = wave.opens.map(|d| format!("{d}T00:00:00Z"));
        raw.closes = wave.closes.map(end_of_day);
        raw.fieldwork = None;
        SurveyDefinition::draft_from_raw("the next wave", raw)
    }

    /// A blank survey: the slug, title and dates of `wave`, and nothing
    /// else yet. A draft: what it lacks is [`Self::missing`].
    pub fn blank(wave: &NextWave) -> Result<SurveyDefinition, DefinitionErrors> {
        let raw = RawDefinition {
            slug: wave.slug.clone(),
            title: wave.title.clone(),
            organisation: String::new(),
            purpose: String::new(),
            who_can_answer: String::new(),
            time_to_complete: String::new(),
            privacy: String::new(),
            opens: wave.opens.map(|d| format!("{d}T00:00:00Z")),
            closes: wave.closes.map(end_of_day),
            fieldwork: None,
            channels: Vec::new(),
            questions: Vec::new(),
        };
        SurveyDefinition::draft_from_raw("the new survey", raw)
    }

    /// The survey's settings, as the builder's form shows them.
    pub fn settings(&self) -> SurveySettings {
        SurveySettings {
            title: self.raw.title.clone(),
            organisation: self.raw.organisation.clone(),
            purpose: self.raw.purpose.clone(),
            who_can_answer: self.raw.who_can_answer.clone(),
            time_to_complete: self.raw.time_to_complete.clone(),
            privacy: self.raw.privacy.clone(),
            opens: self.opens.map(|o| o.date_naive()),
            closes: self.last_day(),
            channels: self.channels.iter().map(|c| c.label.clone()).collect(),
        }
    }

    /// The survey with these settings, through the one validation path.
    pub fn with_settings(
        &self,
        settings: &SurveySettings,
    ) -> Result<SurveyDefinition, DefinitionErrors> {
        let mut raw = self.raw.clone();
        raw.title = settings.title.clone();
        raw.organisation = settings.organisation.clone();
        raw.purpose = settings.purpose.clone();
        raw.who_can_answer = settings.who_can_answer.clone();
        raw.time_to_complete = settings.time_to_complete.clone();
        raw.privacy = settings.privacy.clone();
        raw.opens = settings.opens.map(|d| format!("{d}T00:00:00Z"));
        raw.closes = settings.closes.map(end_of_day);
        let mut channels: Vec<RawChannel> = Vec::with_capacity(settings.channels.len());
        for label in settings
            .channels
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty())
        {
            let kept = self
                .channels
                .iter()
                .find(|c| c.label.eq_ignore_ascii_case(label))
                .map(|c| c.id.to_string())
                .filter(|id| !channels.iter().any(|c| c.id == *id));
            let id = kept.unwrap_or_else(|| {
                edit::option_id_for(label, |id| {
                    channels.iter().any(|c| c.id == id)
                        || self.channels.iter().any(|c| c.id.as_str() == id)
                })
            });
            channels.push(RawChannel {
                id,
                label: label.to_owned(),
            });
        }
        raw.channels = channels;
        SurveyDefinition::draft_from_raw("the survey's settings", raw)
    }

    /// The most bytes a form answering one of this survey's questions can
    /// take when everything typed is at its longest in characters a browser
    /// sends as 12 bytes each (4 UTF-8 bytes, each percent-encoded), with
    /// 1 KiB for the form's other fields.
    pub fn largest_answer_form(&self) -> usize {
        self.largest_answer()
            .map_or(OTHER_FIELDS, |(_, bytes)| bytes)
    }

    /// The question whose answer form can take the most bytes (see
    /// [`Self::largest_answer_form`]), and how many.
    pub fn largest_answer(&self) -> Option<(&Question, usize)> {
        const WORST_BYTES_PER_CHARACTER: usize = 12;
        self.questions
            .iter()
            .map(|q| {
                let typed = match q.kind {
                    QuestionKind::Text { max_length } => max_length.get(),
                    _ => q
                        .options
                        .iter()
                        .filter_map(|o| o.specify.as_ref().map(|s| s.max_length))
                        .sum(),
                };
                (q, typed * WORST_BYTES_PER_CHARACTER + OTHER_FIELDS)
            })
            .max_by_key(|(_, bytes)| *bytes)
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
    /// The option ids its free text is stored under: a text question's
    /// one, or the options with a "please specify" box; empty: none.
    pub fn free_text_options(&self) -> Vec<String> {
        if matches!(self.kind, QuestionKind::Text { .. }) {
            return vec![super::answers::text_option().as_str().to_owned()];
        }
        self.options
            .iter()
            .filter(|o| o.specify().is_some())
            .map(|o| o.id().as_str().to_owned())
            .collect()
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
            QuestionKind::Single | QuestionKind::Scale { .. } => 1,
            QuestionKind::Multiple { max_selections } => max_selections.get(),
            QuestionKind::Text { .. } => 0,
        }
    }

    /// A scale's scored options, from its positive end, with their scores:
    /// the first of `n` scores `n`, the last 1. Empty for other kinds.
    pub fn scale_scores(&self) -> Vec<(&AnswerOption, u32)> {
        if !matches!(self.kind, QuestionKind::Scale { .. }) {
            return Vec::new();
        }
        let scored: Vec<&AnswerOption> = self.options.iter().filter(|o| !o.unscored).collect();
        let n = u32::try_from(scored.len()).unwrap_or(u32::MAX);
        scored.into_iter().zip((1..=n).rev()).collect()
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
    /// A scale's "Don't know": shown, counted, but not part of the score.
    pub fn unscored(&self) -> bool {
        self.unscored
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    pub const MINIMAL: &str = r#"
slug = "s"
title = "T"
organisation = "O"
purpose = "P"
who_can_answer = "W"
time_to_complete = "1 minute"
privacy = "X"
"#;

    pub fn with_questions(questions: &str) -> Result<SurveyDefinition, DefinitionErrors> {
        SurveyDefinition::from_toml("test.toml", &format!("{MINIMAL}{questions}"))
    }

    pub fn problems(questions: &str) -> Vec<String> {
        match with_questions(questions) {
            Ok(_) => panic!("expected the definition to be refused"),
            Err(e) => e.problems.iter().map(ToString::to_string).collect(),
        }
    }

    pub const TWO: &str = r#"
[[questions]]
id = "a"
kind = "single"
title = "A?"
options = [{ id = "x", label = "X" }, { id = "y", label = "Y" }]
"#;
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::testing::*;
    use super::*;

    #[test]
    fn a_blank_draft_keeps_what_it_lacks_and_a_file_is_refused_for_it() {
        let wave = NextWave {
            slug: "blank".to_owned(),
            title: "Blank".to_owned(),
            opens: None,
            closes: None,
        };
        let blank = SurveyDefinition::blank(&wave).expect("a draft may be blank");
        let lacking: Vec<String> = blank.missing().iter().map(ToString::to_string).collect();
        assert_eq!(
            lacking,
            [
                "organisation must not be empty",
                "purpose must not be empty",
                "who_can_answer must not be empty",
                "time_to_complete must not be empty",
                "privacy must not be empty",
                "a survey needs at least one question ([[questions]])",
            ]
        );
        // The same definition as a file: refused, with the same problems.
        let refused =
            SurveyDefinition::from_raw("f.toml", blank.raw().clone()).expect_err("incomplete");
        let problems: Vec<String> = refused.problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems, lacking);
        // A draft still may not lack its title, nor break a rule.
        let untitled = NextWave {
            title: " ".to_owned(),
            ..wave
        };
        assert!(SurveyDefinition::blank(&untitled).is_err());
        // A complete definition lacks nothing.
        assert!(with_questions(TWO).expect("valid").missing().is_empty());
    }

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
    fn the_largest_answer_form_allows_for_twelve_bytes_a_character() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let csp =
            SurveyDefinition::load_file(&root.join("assets/surveys/csp-2019.toml")).expect("valid");
        assert_eq!(
            csp.largest_answer_form(),
            200 * 12 + 1024,
            "one 200-character box"
        );
        let kinds =
            SurveyDefinition::load_file(&root.join("tests/api/fixtures/kinds/safety-2020.toml"))
                .expect("valid");
        assert_eq!(
            kinds.largest_answer_form(),
            200 * 12 + 1024,
            "a 200-character text"
        );
        let long = with_questions(
            "[[questions]]\nid = \"c\"\nkind = \"text\"\ntitle = \"C?\"\nmax_length = 5000\n",
        )
        .expect("valid");
        assert!(
            long.largest_answer_form() <= 64 * 1024,
            "the default MAX_FORM_BYTES fits the longest text"
        );
    }

    #[test]
    fn the_next_wave_keeps_every_id_and_takes_new_names_and_dates() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let csp =
            SurveyDefinition::load_file(&root.join("assets/surveys/csp-2019.toml")).expect("valid");
        let wave = NextWave {
            slug: "csp-2020".to_owned(),
            title: "Community safety 2020".to_owned(),
            opens: NaiveDate::from_ymd_opt(2020, 2, 1),
            closes: NaiveDate::from_ymd_opt(2020, 3, 1),
        };
        let next = csp.next_wave(&wave).expect("valid");
        assert_eq!(next.slug().as_str(), "csp-2020");
        assert_eq!(next.title(), "Community safety 2020");
        assert_eq!(
            next.questions(),
            csp.questions(),
            "same questions, same ids"
        );
        assert!(next.fieldwork().is_none());
        assert_eq!(
            next.closes().map(|c| c.to_rfc3339()),
            Some("2020-03-02T00:00:00+00:00".to_owned())
        );
        // Open through the whole of the last second of 1 March, closed at midnight.
        assert_eq!(next.last_day(), NaiveDate::from_ymd_opt(2020, 3, 1));
        let at = |t: &str| {
            DateTime::parse_from_rfc3339(t)
                .expect("time")
                .with_timezone(&Utc)
        };
        assert_eq!(
            next.availability(at("2020-03-01T23:59:59.900Z")),
            Availability::Open
        );
        assert!(matches!(
            next.availability(at("2020-03-02T00:00:00Z")),
            Availability::Closed(_)
        ));
        assert_eq!(
            next.settings().closes,
            NaiveDate::from_ymd_opt(2020, 3, 1),
            "the form shows the day typed"
        );
        let backwards = NextWave {
            opens: NaiveDate::from_ymd_opt(2020, 3, 2),
            ..wave.clone()
        };
        let err = csp.next_wave(&backwards).expect_err("closes before opens");
        assert_eq!(
            err.problems[0].to_string(),
            "closes must be later than opens"
        );
        assert_eq!(err.problems[0].place, Place::Survey("closes"));
        let bad = NextWave {
            slug: "Bad Slug".to_owned(),
            title: " ".to_owned(),
            ..wave
        };
        let err = csp.next_wave(&bad).expect_err("bad names");
        assert_eq!(err.problems.len(), 2, "{err}");
        assert!(
            err.problems[0].to_string().starts_with("slug \"Bad Slug\""),
            "{err}"
        );
        assert_eq!(err.problems[1].to_string(), "title must not be empty");
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
