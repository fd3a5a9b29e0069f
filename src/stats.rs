//! From counts to breakdowns: percentages of the right denominator, rounded
//! so that shares of one whole add up. Pure: no I/O, tested without a
//! database.
//!
//! - A single-choice question's options are shares of one whole (the
//!   respondents who answered it), so their rounded percentages come from the
//!   largest-remainder method and add up to exactly 100.
//! - A multiple-choice question's percentages are of the respondents who
//!   answered it; they may add up to more than 100 and are each rounded half up.
//! - A follow-up question has its own denominator: the respondents who
//!   answered it, not those who chose its parent option.

pub mod difference;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{OptionId, Question, QuestionId, QuestionKind, SurveyDefinition};

/// Counts read from storage, for one survey and one set of filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Drafts started for the whole survey (drafts are not counted by answer).
    pub started: u64,
    /// Complete responses of the whole survey, whatever the filters.
    pub completed_all: u64,
    /// Complete responses matching the filters, per UTC day, oldest first.
    pub per_day: Vec<(NaiveDate, u64)>,
    /// Complete responses matching the filters.
    pub completed: u64,
    /// Responses that answered each question (chose at least one option).
    pub answered: HashMap<String, u64>,
    /// Responses that chose each (question, option).
    pub chosen: HashMap<(String, String), u64>,
}

/// How a percentage was rounded for display.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    LargestRemainder,
    HalfUp,
}

/// One option's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionResult {
    pub id: OptionId,
    pub label: String,
    pub count: u64,
    /// Of the question's `answered`, unrounded; 0 when nobody answered.
    pub percent: f64,
    /// Whole percent for display.
    #[serde(skip)]
    pub rounded: u64,
    /// Tenths of a percent for display (1 decimal place).
    #[serde(skip)]
    pub rounded_tenths: u64,
    /// The 95% Wilson score interval of `percent`, in percent; none when
    /// nobody answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci_high: Option<f64>,
    /// Earlier versions of the survey, among the responses counted, that
    /// asked the question without this option: their respondents could not
    /// choose it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_offered_in: Vec<VersionGap>,
}

/// A version of the survey that did not ask a question or offer an option,
/// and how many of the responses counted were given under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct VersionGap {
    pub version: i32,
    pub responses: u64,
}

/// A follow-up's parent: shown only to those who chose `option` of `question`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Parent {
    pub question: QuestionId,
    pub option: OptionId,
}

/// One question's figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionResult {
    pub id: QuestionId,
    pub label: String,
    pub short_label: String,
    pub kind: &'static str,
    /// The denominator: respondents who answered this question.
    pub answered: u64,
    /// Whether `answered` is below the small-base threshold, so that its
    /// percentages are too unsure to lean on (see [`SurveyResults::mark_small_bases`]).
    pub small_base: bool,
    pub parent: Option<Parent>,
    pub rounding: Rounding,
    pub options: Vec<OptionResult>,
    /// A scale's score: its mean and its positive end.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scale: Option<ScaleResult>,
    /// Versions of the survey, among the responses counted, that did not ask
    /// this question: their respondents are not in its base.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_asked_in: Vec<VersionGap>,
    /// Answers given under earlier versions with options this version no
    /// longer has (by id): their respondents are in the base, but no row of
    /// the table shows them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<RetiredOption>,
}

/// An option an earlier version offered and this one does not, with how
/// many of the responses counted chose it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetiredOption {
    pub id: String,
    pub count: u64,
}

/// A scale's summary, over the respondents who chose a scored option ("Don't
/// know" and other unscored answers are left out of it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScaleResult {
    /// The base: respondents who chose a scored option.
    pub rated: u64,
    /// How many points the scale has; the first option scores this, the last 1.
    pub points: u32,
    /// The mean score, unrounded; none when nobody rated.
    pub mean: Option<f64>,
    /// Respondents who chose the positive end (the first `positive` options).
    pub positive: u64,
    /// `positive` of `rated`, unrounded; 0 when nobody rated.
    pub positive_percent: f64,
    /// The 95% Wilson score interval of `positive_percent`, in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_ci_low: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positive_ci_high: Option<f64>,
    /// Whole percent for display, rounded half up.
    #[serde(skip)]
    pub positive_rounded: u64,
    /// The options that make up the positive end, in order.
    pub positive_labels: Vec<String>,
    /// Respondents who chose an unscored option ("Don't know").
    pub unrated: u64,
    /// The unscored options, in order.
    pub unscored_labels: Vec<String>,
}

impl QuestionResult {
    /// Options by count, largest first (ties keep the survey's order).
    pub fn ranked(&self) -> Vec<&OptionResult> {
        let mut ranked: Vec<&OptionResult> = self.options.iter().collect();
        ranked.sort_by_key(|o| std::cmp::Reverse(o.count));
        ranked
    }

    /// Options in the order a chart shows them: a scale in its own order,
    /// anything else by count, largest first.
    pub fn in_chart_order(&self) -> Vec<&OptionResult> {
        if self.scale.is_some() {
            self.options.iter().collect()
        } else {
            self.ranked()
        }
    }

    pub fn is_single(&self) -> bool {
        self.kind == "single"
    }

    /// Whether respondents could choose more than one option, so the
    /// percentages may add up to more than 100.
    pub fn is_multiple(&self) -> bool {
        self.kind == "multiple"
    }

    /// Whether answers are free text: counted, listed, never charted.
    pub fn is_text(&self) -> bool {
        self.kind == "text"
    }
}

/// Shares of `scale` (100 for whole percents, 1000 for tenths) for counts of
/// one whole, by the largest-remainder (Hamilton) method: each gets the floor
/// of its exact quota, then the units left over go to the largest remainders
/// (ties to the larger count, then the earlier option). The shares add up to
/// `scale` exactly, unless every count is zero.
pub fn largest_remainder(counts: &[u64], scale: u64) -> Vec<u64> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return vec![0; counts.len()];
    }
    let mut shares: Vec<u64> = counts
        .iter()
        .map(|&c| (u128::from(c) * u128::from(scale) / u128::from(total)) as u64)
        .collect();
    let left = scale - shares.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    let remainder = |i: usize| (u128::from(counts[i]) * u128::from(scale)) % u128::from(total);
    order.sort_by(|&a, &b| {
        remainder(b)
            .cmp(&remainder(a))
            .then(counts[b].cmp(&counts[a]))
            .then(a.cmp(&b))
    });
    for &i in order.iter().take(left as usize) {
        shares[i] += 1;
    }
    shares
}

/// `count` of `total` as a share of `scale`, rounded half up.
pub fn half_up(count: u64, total: u64, scale: u64) -> u64 {
    if total == 0 {
        return 0;
    }
    ((2 * u128::from(count) * u128::from(scale) + u128::from(total)) / (2 * u128::from(total)))
        as u64
}

/// `part` of `whole` as a percentage, unrounded; 0 for an empty whole.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

fn question_result(question: &Question, counts: &Counts) -> QuestionResult {
    let id = question.id().as_str();
    let answered = counts.answered.get(id).copied().unwrap_or(0);
    let option_counts: Vec<u64> = question
        .options()
        .iter()
        .map(|o| {
            counts
                .chosen
                .get(&(id.to_owned(), o.id().to_string()))
                .copied()
                .unwrap_or(0)
        })
        .collect();
    let single = question.kind().is_one_choice();
    let (rounded, tenths) = if single {
        (
            largest_remainder(&option_counts, 100),
            largest_remainder(&option_counts, 1000),
        )
    } else {
        (
            option_counts
                .iter()
                .map(|&c| half_up(c, answered, 100))
                .collect(),
            option_counts
                .iter()
                .map(|&c| half_up(c, answered, 1000))
                .collect(),
        )
    };
    QuestionResult {
        id: question.id().clone(),
        label: question.title().to_owned(),
        short_label: question.short_label().to_owned(),
        kind: question.kind().as_str(),
        answered,
        small_base: answered > 0 && answered < DEFAULT_SMALL_BASE,
        parent: question.show_if().map(|c| Parent {
            question: c.question.clone(),
            option: c.option.clone(),
        }),
        rounding: if single {
            Rounding::LargestRemainder
        } else {
            Rounding::HalfUp
        },
        options: question
            .options()
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let ci = interval(option_counts[i], answered);
                OptionResult {
                    id: o.id().clone(),
                    label: o.label().to_owned(),
                    count: option_counts[i],
                    percent: percent(option_counts[i], answered),
                    ci_low: ci.map(|(low, _)| low),
                    ci_high: ci.map(|(_, high)| high),
                    rounded: rounded[i],
                    rounded_tenths: tenths[i],
                    not_offered_in: Vec::new(),
                }
            })
            .collect(),
        scale: scale_result(question, &option_counts),
        not_asked_in: Vec::new(),
        retired: retired_options(question, counts),
    }
}

/// The chosen options of `question` that it no longer has, by id.
fn retired_options(question: &Question, counts: &Counts) -> Vec<RetiredOption> {
    if question.kind().as_str() == "text" {
        return Vec::new();
    }
    let id = question.id().as_str();
    let mut retired: Vec<RetiredOption> = counts
        .chosen
        .iter()
        .filter(|((q, o), _)| q == id && question.option(o).is_none())
        .map(|((_, o), n)| RetiredOption {
            id: o.clone(),
            count: *n,
        })
        .collect();
    retired.sort_by(|a, b| a.id.cmp(&b.id));
    retired
}

/// A scale's mean and positive end from its options' counts (in the
/// question's order); none for other kinds.
fn scale_result(question: &Question, option_counts: &[u64]) -> Option<ScaleResult> {
    let QuestionKind::Scale { positive } = question.kind() else {
        return None;
    };
    let scores = question.scale_scores();
    let count_of = |id: &OptionId| {
        question
            .options()
            .iter()
            .position(|o| o.id() == id)
            .map_or(0, |i| option_counts[i])
    };
    let rated: u64 = scores.iter().map(|(o, _)| count_of(o.id())).sum();
    let total: u64 = scores
        .iter()
        .map(|(o, score)| count_of(o.id()) * u64::from(*score))
        .sum();
    let top = &scores[..positive.get().min(scores.len())];
    let positive_count: u64 = top.iter().map(|(o, _)| count_of(o.id())).sum();
    let positive_ci = interval(positive_count, rated);
    Some(ScaleResult {
        rated,
        points: scores.first().map_or(0, |(_, s)| *s),
        mean: (rated > 0).then(|| total as f64 / rated as f64),
        positive: positive_count,
        positive_percent: percent(positive_count, rated),
        positive_ci_low: positive_ci.map(|(low, _)| low),
        positive_ci_high: positive_ci.map(|(_, high)| high),
        positive_rounded: half_up(positive_count, rated, 100),
        positive_labels: top.iter().map(|(o, _)| o.label().to_owned()).collect(),
        unrated: question
            .options()
            .iter()
            .filter(|o| o.unscored())
            .map(|o| count_of(o.id()))
            .sum(),
        unscored_labels: question
            .options()
            .iter()
            .filter(|o| o.unscored())
            .map(|o| o.label().to_owned())
            .collect(),
    })
}

/// The base below which a question's percentages are marked as too
/// unsure to lean on, unless configured otherwise (`SMALL_BASE`).
pub const DEFAULT_SMALL_BASE: u64 = 30;

/// The standard normal quantile of a two-sided 95% interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The 95% Wilson score interval of a proportion `p` (0 to 1) observed on
/// a base of `n` (the effective base, when weighted), as proportions within
/// [0, 1]; none when `n` is not positive. Unlike the textbook `p ± 1.96·SE`
/// it stays within [0, 1] and is honest at 0%, 100% and small bases.
pub fn wilson(p: f64, n: f64) -> Option<(f64, f64)> {
    if n.is_nan() || n <= 0.0 || !p.is_finite() {
        return None;
    }
    let p = p.clamp(0.0, 1.0);
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z_95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// [`wilson`] of `part` out of `whole`, in percent.
fn interval(part: u64, whole: u64) -> Option<(f64, f64)> {
    if whole == 0 {
        return None;
    }
    let n = whole as f64;
    wilson(part as f64 / n, n).map(|(low, high)| (low * 100.0, high * 100.0))
}

/// Every question's figures, in survey order.
pub fn breakdown(definition: &SurveyDefinition, counts: &Counts) -> Vec<QuestionResult> {
    definition
        .questions()
        .iter()
        .map(|q| question_result(q, counts))
        .collect()
}

/// Everything the results of one view show: the totals, and every
/// question's figures. Built from [`Counts`] by [`SurveyResults::from_counts`];
/// the results page, its JSON, the exports, the charts and the report all
/// read this.
#[derive(Debug, Clone, Serialize)]
pub struct SurveyResults {
    /// Drafts started (not filtered: drafts are not counted by answer).
    pub started: u64,
    /// Complete responses matching the filters.
    pub completed: u64,
    /// Complete responses of the whole survey.
    pub completed_all: u64,
    /// Complete responses per UTC day, matching the filters.
    pub per_day: Vec<(NaiveDate, u64)>,
    pub questions: Vec<QuestionResult>,
    /// Complete responses per distribution channel, then those through the
    /// plain link; empty when the survey has no channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelResult>,
}

/// The complete responses that came through one channel's link (or, with
/// no id, through the plain link), as a share of all complete responses.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelResult {
    /// `channel`, `earlier` (channels the survey no longer lists, their
    /// responses together) or `plain` (the plain link, naming no channel).
    pub kind: &'static str,
    /// The channel's id; none for the earlier channels and the plain link.
    pub id: Option<OptionId>,
    pub label: String,
    pub count: u64,
    /// Of the view's complete responses, unrounded.
    pub percent: f64,
    /// Whole percent for display; the shares add up to 100.
    #[serde(skip)]
    pub rounded: u64,
}

/// Complete responses per channel, from the hidden channel question's counts.
fn channel_results(definition: &SurveyDefinition, counts: &Counts) -> Vec<ChannelResult> {
    if definition.channels().is_empty() {
        return Vec::new();
    }
    let question = crate::domain::answers::CHANNEL_QUESTION;
    let mut rows: Vec<(&'static str, Option<OptionId>, String, u64)> = definition
        .channels()
        .iter()
        .map(|c| {
            let n = counts
                .chosen
                .get(&(question.to_owned(), c.id().to_string()))
                .copied()
                .unwrap_or(0);
            ("channel", Some(c.id().clone()), c.label().to_owned(), n)
        })
        .collect();
    // Responses through a channel a later version dropped or renamed.
    let earlier: u64 = counts
        .chosen
        .iter()
        .filter(|((q, o), _)| q == question && definition.channel(o).is_none())
        .map(|(_, n)| n)
        .sum();
    if earlier > 0 {
        rows.push((
            "earlier",
            None,
            "Channels no longer listed".to_owned(),
            earlier,
        ));
    }
    let through_channels: u64 = rows.iter().map(|(_, _, _, n)| n).sum();
    rows.push((
        "plain",
        None,
        "The plain link (no channel)".to_owned(),
        counts.completed.saturating_sub(through_channels),
    ));
    let all: Vec<u64> = rows.iter().map(|(_, _, _, n)| *n).collect();
    let rounded = largest_remainder(&all, 100);
    rows.into_iter()
        .zip(rounded)
        .map(|((kind, id, label, count), rounded)| ChannelResult {
            kind,
            id,
            label,
            count,
            percent: percent(count, counts.completed),
            rounded,
        })
        .collect()
}

impl SurveyResults {
    /// Breaks the counts of one view of `definition` down, question by question.
    pub fn from_counts(definition: &SurveyDefinition, counts: Counts) -> Self {
        SurveyResults {
            questions: breakdown(definition, &counts),
            channels: channel_results(definition, &counts),
            started: counts.started,
            completed: counts.completed,
            completed_all: counts.completed_all,
            per_day: counts.per_day,
        }
    }

    /// Marks the questions and options that some of the versions the
    /// responses were given under did not have: `versions` are (number,
    /// definition, responses counted under it). Results join versions by
    /// question and option ids; this says where a version had no such id.
    pub fn mark_versions(&mut self, versions: &[(i32, &SurveyDefinition, u64)]) {
        for &(version, definition, responses) in versions {
            if responses == 0 {
                continue;
            }
            let gap = VersionGap { version, responses };
            for result in &mut self.questions {
                match definition.question(result.id.as_str()) {
                    None => result.not_asked_in.push(gap),
                    Some(asked) => {
                        for option in &mut result.options {
                            if !asked.options().iter().any(|o| o.id() == &option.id) {
                                option.not_offered_in.push(gap);
                            }
                        }
                    }
                }
            }
        }
    }

    /// Marks the questions answered by fewer than `threshold` (but some)
    /// respondents as small bases.
    pub fn mark_small_bases(&mut self, threshold: u64) {
        for q in &mut self.questions {
            q.small_base = q.answered > 0 && q.answered < threshold;
        }
    }

    /// Completed as a percentage of started, for the whole survey.
    pub fn completion_rate(&self) -> Option<f64> {
        (self.started > 0).then(|| percent(self.completed_all, self.started))
    }

    pub fn question(&self, id: &QuestionId) -> Option<&QuestionResult> {
        self.questions.iter().find(|q| &q.id == id)
    }

    /// The follow-up questions shown to those who chose `option` of `question`.
    pub fn follow_ups<'a>(
        &'a self,
        question: &'a QuestionId,
        option: &'a OptionId,
    ) -> impl Iterator<Item = &'a QuestionResult> + 'a {
        self.questions.iter().filter(move |q| {
            q.parent
                .as_ref()
                .is_some_and(|p| &p.question == question && &p.option == option)
        })
    }

    /// Questions that have follow-ups: the "most important issue" kind.
    pub fn categories(&self) -> impl Iterator<Item = &QuestionResult> {
        self.questions.iter().filter(|q| {
            self.questions
                .iter()
                .any(|f| f.parent.as_ref().is_some_and(|p| p.question == q.id))
        })
    }
}

/// A percentage for display, with the precision of the table it sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Whole(u64),
    Tenths(u64),
}

impl std::fmt::Display for Shown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Shown::Whole(p) => write!(f, "{p}%"),
            Shown::Tenths(t) => write!(f, "{}.{}%", t / 10, t % 10),
        }
    }
}

impl maud::Render for Shown {
    fn render_to(&self, buffer: &mut String) {
        buffer.push_str(&self.to_string());
    }
}

/// Fixtures the statistics' unit tests share.
#[cfg(test)]
pub(crate) mod testing {
    use super::Counts;
    use crate::domain::SurveyDefinition;

    /// The fixture survey with a scale (`safe-after-dark`) and a text question.
    pub(crate) fn safety_survey() -> SurveyDefinition {
        SurveyDefinition::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/api/fixtures/kinds/safety-2020.toml"),
        )
        .expect("the fixture is valid")
    }

    pub(crate) fn scale_counts(counts: [u64; 6]) -> Counts {
        let ids = [
            "very-safe",
            "fairly-safe",
            "neither",
            "fairly-unsafe",
            "very-unsafe",
            "dont-know",
        ];
        let mut c = Counts::default();
        for (id, n) in ids.iter().zip(counts) {
            c.chosen
                .insert(("safe-after-dark".to_owned(), (*id).to_owned()), n);
        }
        c.answered
            .insert("safe-after-dark".to_owned(), counts.iter().sum());
        c
    }

    /// The reference values of `tests/reference/values.json`, made by
    /// statsmodels (see `tests/reference/reference_values.py`).
    pub(crate) fn reference() -> serde_json::Value {
        serde_json::from_str(include_str!("../tests/reference/values.json"))
            .expect("the reference values are JSON")
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{reference, safety_survey, scale_counts};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_2019_most_important_question_rounds_to_100_without_the_slip() {
        // ASB, property crime, town centre safety, violence, substance misuse of 407.
        let shares = largest_remainder(&[163, 94, 80, 37, 33], 100);
        assert_eq!(
            shares,
            [40, 23, 20, 9, 8],
            "the 2019 table printed 10% for violence"
        );
        assert_eq!(shares.iter().sum::<u64>(), 100);
    }

    #[test]
    fn the_2019_follow_ups_round_half_up_of_their_own_denominator() {
        assert_eq!(
            half_up(49, 85, 100),
            58,
            "theft of motor vehicles, printed 57%"
        );
        assert_eq!(
            half_up(43, 71, 100),
            61,
            "violence in the evening, printed 60%"
        );
        assert_eq!(half_up(65, 154, 100), 42);
        assert_eq!(half_up(81, 85, 100), 95);
        assert_eq!(half_up(1, 2, 100), 50);
        assert_eq!(half_up(1, 8, 100), 13, "12.5 rounds up");
    }

    #[test]
    fn the_borough_split_in_tenths() {
        assert_eq!(largest_remainder(&[121, 299], 1000), [288, 712]);
        assert_eq!(Shown::Tenths(288).to_string(), "28.8%");
        assert_eq!(Shown::Whole(71).to_string(), "71%");
    }

    #[test]
    fn nothing_counted_gives_zeros_not_a_division_by_zero() {
        assert_eq!(largest_remainder(&[0, 0, 0], 100), [0, 0, 0]);
        assert_eq!(largest_remainder(&[], 100), Vec::<u64>::new());
        assert_eq!(half_up(0, 0, 100), 0);
        assert_eq!(percent(3, 0), 0.0);
    }

    #[test]
    fn wilson_intervals_match_statsmodels_to_1e_9() {
        let reference = reference();
        let cases = reference["wilson_95"].as_array().expect("cases");
        assert!(cases.len() >= 20);
        for case in cases {
            let count = case["count"].as_u64().expect("count");
            let base = case["base"].as_u64().expect("base");
            let (low, high) = wilson(count as f64 / base as f64, base as f64).expect("a base");
            let want_low = case["low"].as_f64().expect("low").max(0.0);
            let want_high = case["high"].as_f64().expect("high").min(1.0);
            assert!(
                (low - want_low).abs() < 1e-9,
                "{count}/{base}: low {low} against {want_low}"
            );
            assert!(
                (high - want_high).abs() < 1e-9,
                "{count}/{base}: high {high} against {want_high}"
            );
        }
        assert_eq!(wilson(0.5, 0.0), None);
    }

    proptest! {
        #[test]
        fn every_interval_holds_its_estimate_within_0_and_1(whole in 1u64..100_000, part in 0u64..100_000) {
            let part = part % (whole + 1);
            let p = part as f64 / whole as f64;
            let (low, high) = wilson(p, whole as f64).expect("a base");
            prop_assert!((0.0..=1.0).contains(&low) && (0.0..=1.0).contains(&high));
            prop_assert!(low <= p + 1e-12 && p <= high + 1e-12, "{low} {p} {high}");
        }
    }

    #[test]
    fn a_question_answered_by_fewer_than_the_threshold_is_a_small_base() {
        let def = safety_survey();
        let mut results = SurveyResults::from_counts(&def, scale_counts([2, 3, 1, 1, 1, 2]));
        let scale = |r: &SurveyResults| {
            r.questions
                .iter()
                .find(|q| q.id.as_str() == "safe-after-dark")
                .expect("scale")
                .small_base
        };
        assert!(scale(&results), "10 respondents");
        results.mark_small_bases(5);
        assert!(!scale(&results));
        assert!(
            !results
                .questions
                .iter()
                .find(|q| q.id.as_str() == "comments")
                .expect("text")
                .small_base,
            "nobody answered: no figure to doubt"
        );
    }

    #[test]
    fn versions_without_a_question_or_an_option_are_named_with_their_responses() {
        let now = safety_survey();
        // Version 1 asked no comments question and offered no "Don't know".
        let v1 = now
            .without_question(2)
            .and_then(|d| d.without_option(1, 5))
            .expect("an earlier version");
        let mut results = SurveyResults::from_counts(&now, scale_counts([2, 3, 1, 1, 1, 2]));
        results.mark_versions(&[(1, &v1, 7), (2, &now, 3), (3, &v1, 0)]);
        let q = |id: &str| {
            results
                .questions
                .iter()
                .find(|q| q.id.as_str() == id)
                .expect("question")
                .clone()
        };
        let gap = VersionGap {
            version: 1,
            responses: 7,
        };
        assert_eq!(q("comments").not_asked_in, [gap]);
        assert!(q("safe-after-dark").not_asked_in.is_empty());
        let scale = q("safe-after-dark");
        let flagged: Vec<(&str, &[VersionGap])> = scale
            .options
            .iter()
            .filter(|o| !o.not_offered_in.is_empty())
            .map(|o| (o.id.as_str(), o.not_offered_in.as_slice()))
            .collect();
        assert_eq!(flagged, [("dont-know", &[gap][..])]);
        assert!(
            q("borough")
                .options
                .iter()
                .all(|o| o.not_offered_in.is_empty())
        );
    }

    #[test]
    fn answers_with_options_the_survey_no_longer_has_are_named_not_lost() {
        let def = safety_survey();
        let mut counts = scale_counts([2, 3, 1, 1, 1, 2]);
        counts
            .chosen
            .insert(("safe-after-dark".to_owned(), "quite-safe".to_owned()), 4);
        let results = SurveyResults::from_counts(&def, counts);
        let q = results
            .questions
            .iter()
            .find(|q| q.id.as_str() == "safe-after-dark")
            .expect("the scale");
        assert_eq!(
            q.retired,
            [RetiredOption {
                id: "quite-safe".to_owned(),
                count: 4
            }]
        );
        assert!(
            results
                .questions
                .iter()
                .all(|q| q.id.as_str() == "safe-after-dark" || q.retired.is_empty())
        );
    }

    #[test]
    fn a_scale_scores_from_its_positive_end_and_leaves_dont_know_out() {
        let def = safety_survey();
        let results = SurveyResults::from_counts(&def, scale_counts([2, 3, 1, 1, 1, 2]));
        let q = results
            .questions
            .iter()
            .find(|q| q.id.as_str() == "safe-after-dark")
            .expect("the scale");
        assert_eq!(q.kind, "scale");
        assert_eq!(q.rounding, Rounding::LargestRemainder);
        let shares: Vec<u64> = q.options.iter().map(|o| o.rounded).collect();
        assert_eq!(
            shares,
            [20, 30, 10, 10, 10, 20],
            "shares of all who answered"
        );
        let scale = q.scale.as_ref().expect("a scale summary");
        assert_eq!(scale.rated, 8, "don't know is not a rating");
        assert_eq!(scale.points, 5);
        assert_eq!(scale.mean, Some(3.5), "(2×5 + 3×4 + 3 + 2 + 1) / 8");
        assert_eq!(scale.positive, 5);
        assert_eq!(scale.positive_percent, 62.5);
        assert_eq!(scale.positive_rounded, 63);
        assert_eq!(scale.positive_labels, ["Very safe", "Fairly safe"]);
        let labels: Vec<&str> = q
            .in_chart_order()
            .iter()
            .map(|o| o.label.as_str())
            .collect();
        assert_eq!(labels[0], "Very safe", "a chart keeps the scale's order");
    }

    #[test]
    fn a_scale_nobody_rated_has_no_mean() {
        let results =
            SurveyResults::from_counts(&safety_survey(), scale_counts([0, 0, 0, 0, 0, 3]));
        let scale = results.questions[1]
            .scale
            .as_ref()
            .expect("a scale summary");
        assert_eq!(
            (scale.rated, scale.mean, scale.positive_rounded),
            (0, None, 0)
        );
        assert!(results.questions[2].is_text());
        assert!(results.questions[2].options.is_empty());
        assert!(results.questions[0].scale.is_none());
    }

    #[test]
    fn ties_go_to_the_earlier_option() {
        assert_eq!(largest_remainder(&[1, 1, 1], 100), [34, 33, 33]);
    }

    proptest! {
        #[test]
        fn shares_of_one_whole_always_add_up(counts in prop::collection::vec(0u64..100_000, 1..12)) {
            let total: u64 = counts.iter().sum();
            for scale in [100u64, 1000] {
                let shares = largest_remainder(&counts, scale);
                let sum: u64 = shares.iter().sum();
                prop_assert_eq!(sum, if total == 0 { 0 } else { scale });
                for (share, &count) in shares.iter().zip(&counts) {
                    // Each share is its exact quota rounded down or up, never further.
                    let exact = count as f64 * scale as f64 / total.max(1) as f64;
                    prop_assert!((*share as f64 - exact).abs() < 1.0);
                }
            }
        }

        #[test]
        fn half_up_is_the_nearest_whole_percent(count in 0u64..10_000, extra in 0u64..10_000) {
            let total = count + extra;
            prop_assume!(total > 0);
            let exact = count as f64 * 100.0 / total as f64;
            let rounded = half_up(count, total, 100) as f64;
            prop_assert!((rounded - exact).abs() <= 0.5 + 1e-9);
        }
    }
}
