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

pub mod cells;
pub mod difference;
pub mod public;
pub mod suppression;
pub mod themes;
pub mod waves;
pub mod weighting;

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{OptionId, Question, QuestionId, QuestionKind, SurveyDefinition};
pub use weighting::WeightSums;

/// Counts read from storage, for one survey and one set of filters.
#[derive(Debug, Clone, Default, PartialEq)]
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
    /// For a weighted view, the sums of the weights beside the counts; the
    /// counts above are then of the weighted responses only.
    pub weighted: Option<WeightedCounts>,
}

/// Sums of the weights (and their squares) of a weighted view's responses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeightedCounts {
    /// Over all the responses counted.
    pub responses: WeightSums,
    /// Over each question's respondents.
    pub answered: HashMap<String, WeightSums>,
    /// Over the respondents who chose each (question, option).
    pub chosen: HashMap<(String, String), WeightSums>,
}

/// A weighted base: the sum of the weights, Kish's effective base (the
/// number of unweighted respondents who would give figures as precise) and
/// the design effect (respondents ÷ effective base).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WeightedBase {
    pub weighted: f64,
    pub effective: f64,
    pub design_effect: f64,
}

impl WeightedBase {
    fn of(sums: WeightSums, respondents: u64) -> WeightedBase {
        WeightedBase {
            weighted: sums.sum,
            effective: sums.effective_base(),
            design_effect: sums.design_effect(respondents),
        }
    }
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
    /// In a weighted view, the sum of the weights of those who chose it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted_count: Option<f64>,
    /// Of the question's `answered` (weighted, in a weighted view),
    /// unrounded; 0 when nobody answered.
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
    /// In a comparison: the other groups whose share of this answer really
    /// differs from this group's (Holm-corrected, see [`difference::compare`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub differs_from: Vec<String>,
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
    /// In a weighted view: the weighted base, its effective base and design
    /// effect. The percentages are of the weighted base, and their intervals
    /// use the effective base.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<WeightedBase>,
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
    /// The base and option counts the tests of difference use: the
    /// respondents and counts, or in a weighted view the effective base and
    /// each option's weighted share of it, rounded (a design-effect
    /// correction: the weighted table scaled to the precision it has).
    pub fn test_counts(&self) -> (u64, Vec<u64>) {
        match self.weighted {
            None => (
                self.answered,
                self.options.iter().map(|o| o.count).collect(),
            ),
            Some(w) => (
                w.effective.round() as u64,
                self.options
                    .iter()
                    .map(|o| (o.percent / 100.0 * w.effective).round() as u64)
                    .collect(),
            ),
        }
    }

    /// Options by share, largest first (ties keep the survey's order).
    pub fn ranked(&self) -> Vec<&OptionResult> {
        let mut ranked: Vec<&OptionResult> = self.options.iter().collect();
        // By share (the weighted one in a weighted view; unweighted, the
        // same order as the counts), ties in the survey's order.
        ranked.sort_by(|a, b| b.percent.total_cmp(&a.percent));
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

/// "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
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
    let amounts = Amounts::of(question, counts, &option_counts, answered);
    let (rounded, tenths) = if single {
        (
            largest_remainder(&amounts.units, 100),
            largest_remainder(&amounts.units, 1000),
        )
    } else {
        (
            amounts
                .units
                .iter()
                .map(|&c| half_up(c, amounts.whole_units, 100))
                .collect(),
            amounts
                .units
                .iter()
                .map(|&c| half_up(c, amounts.whole_units, 1000))
                .collect(),
        )
    };
    QuestionResult {
        id: question.id().clone(),
        label: question.title().to_owned(),
        short_label: question.short_label().to_owned(),
        kind: question.kind().as_str(),
        answered,
        weighted: amounts.base,
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
                let ci = amounts.interval(amounts.values[i]);
                OptionResult {
                    id: o.id().clone(),
                    label: o.label().to_owned(),
                    count: option_counts[i],
                    weighted_count: amounts.base.map(|_| amounts.values[i]),
                    percent: amounts.percent(amounts.values[i]),
                    ci_low: ci.map(|(low, _)| low),
                    ci_high: ci.map(|(_, high)| high),
                    rounded: rounded[i],
                    rounded_tenths: tenths[i],
                    not_offered_in: Vec::new(),
                    differs_from: Vec::new(),
                }
            })
            .collect(),
        scale: scale_result(question, &option_counts, &amounts),
        not_asked_in: Vec::new(),
        retired: retired_options(question, counts),
    }
}

/// What a question's percentages are shares of: the counts, or in a
/// weighted view the sums of weights, with the base their intervals use.
struct Amounts {
    /// Each option's amount, in the question's order.
    values: Vec<f64>,
    /// The whole the percentages are of.
    whole: f64,
    /// The base of the intervals: the respondents, or Kish's effective base.
    interval_base: f64,
    /// The amounts as whole units for exact rounding: the counts, or the
    /// weights in millionths.
    units: Vec<u64>,
    whole_units: u64,
    base: Option<WeightedBase>,
}

/// Millionths of a weight: fine enough that rounding a share to tenths of
/// a percent never depends on the units.
const WEIGHT_UNITS: f64 = 1_000_000.0;

impl Amounts {
    fn of(question: &Question, counts: &Counts, option_counts: &[u64], answered: u64) -> Amounts {
        let Some(weighted) = &counts.weighted else {
            return Amounts {
                values: option_counts.iter().map(|&c| c as f64).collect(),
                whole: answered as f64,
                interval_base: answered as f64,
                units: option_counts.to_vec(),
                whole_units: answered,
                base: None,
            };
        };
        let id = question.id().as_str();
        let values: Vec<f64> = question
            .options()
            .iter()
            .map(|o| {
                weighted
                    .chosen
                    .get(&(id.to_owned(), o.id().to_string()))
                    .map_or(0.0, |s| s.sum)
            })
            .collect();
        let sums = weighted.answered.get(id).copied().unwrap_or_default();
        let to_units = |x: f64| (x * WEIGHT_UNITS).round() as u64;
        Amounts {
            units: values.iter().map(|&v| to_units(v)).collect(),
            whole_units: to_units(sums.sum),
            values,
            whole: sums.sum,
            interval_base: sums.effective_base(),
            base: Some(WeightedBase::of(sums, answered)),
        }
    }

    fn percent(&self, value: f64) -> f64 {
        if self.whole > 0.0 {
            value * 100.0 / self.whole
        } else {
            0.0
        }
    }

    /// The 95% Wilson interval of `value` of the whole, in percent, on the
    /// interval base.
    fn interval(&self, value: f64) -> Option<(f64, f64)> {
        if self.whole <= 0.0 {
            return None;
        }
        wilson(value / self.whole, self.interval_base).map(|(l, h)| (l * 100.0, h * 100.0))
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
fn scale_result(
    question: &Question,
    option_counts: &[u64],
    amounts: &Amounts,
) -> Option<ScaleResult> {
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
    let amount_of = |id: &OptionId| {
        question
            .options()
            .iter()
            .position(|o| o.id() == id)
            .map_or(0.0, |i| amounts.values[i])
    };
    let rated: u64 = scores.iter().map(|(o, _)| count_of(o.id())).sum();
    let rated_amount: f64 = scores.iter().map(|(o, _)| amount_of(o.id())).sum();
    let total: f64 = scores
        .iter()
        .map(|(o, score)| amount_of(o.id()) * f64::from(*score))
        .sum();
    let top = &scores[..positive.get().min(scores.len())];
    let positive_count: u64 = top.iter().map(|(o, _)| count_of(o.id())).sum();
    let positive_amount: f64 = top.iter().map(|(o, _)| amount_of(o.id())).sum();
    // The rated share of the question's interval base: the effective base
    // of the rated respondents, near enough, when weighted.
    let rated_base = if amounts.whole > 0.0 {
        amounts.interval_base * rated_amount / amounts.whole
    } else {
        0.0
    };
    let share = (rated_amount > 0.0).then(|| positive_amount / rated_amount);
    let positive_ci = share
        .and_then(|p| wilson(p, rated_base))
        .map(|(l, h)| (l * 100.0, h * 100.0));
    let units = |x: f64| {
        if amounts.base.is_some() {
            (x * WEIGHT_UNITS).round() as u64
        } else {
            x as u64
        }
    };
    Some(ScaleResult {
        rated,
        points: scores.first().map_or(0, |(_, s)| *s),
        mean: (rated_amount > 0.0).then(|| total / rated_amount),
        positive: positive_count,
        positive_percent: share.map_or(0.0, |p| p * 100.0),
        positive_ci_low: positive_ci.map(|(low, _)| low),
        positive_ci_high: positive_ci.map(|(_, high)| high),
        positive_rounded: half_up(units(positive_amount), units(rated_amount), 100),
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
    /// In a weighted view: the responses' weighted base, effective base and
    /// design effect (the counts are then of the weighted responses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<WeightedBase>,
    /// How the weights of a weighted view were made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighting: Option<weighting::WeightingNote>,
    /// Whether the survey has weights, so a weighted view can be offered.
    #[serde(skip)]
    pub weights_available: bool,
    pub questions: Vec<QuestionResult>,
    /// Complete responses per distribution channel, then those through the
    /// plain link; empty when the survey has no channels.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelResult>,
    /// Officers' themes of the free-text questions that have any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub themes: Vec<themes::ThemeTable>,
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
            weighted: counts
                .weighted
                .as_ref()
                .map(|w| WeightedBase::of(w.responses, counts.completed)),
            weighting: None,
            weights_available: false,
            started: counts.started,
            completed: counts.completed,
            completed_all: counts.completed_all,
            per_day: counts.per_day,
            themes: Vec::new(),
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

    /// `counts` as a weighted view in which every response weighs `w`.
    fn weighted_by(mut counts: Counts, w: f64) -> Counts {
        let sums = |n: u64| WeightSums {
            sum: n as f64 * w,
            sum_sq: n as f64 * w * w,
        };
        counts.weighted = Some(WeightedCounts {
            responses: sums(counts.completed),
            answered: counts
                .answered
                .iter()
                .map(|(k, &n)| (k.clone(), sums(n)))
                .collect(),
            chosen: counts
                .chosen
                .iter()
                .map(|(k, &n)| (k.clone(), sums(n)))
                .collect(),
        });
        counts
    }

    proptest! {
        #[test]
        fn an_unweighted_view_equals_a_weighted_one_with_all_weights_1(
            counts in prop::array::uniform6(0u64..500),
        ) {
            let def = safety_survey();
            let plain = SurveyResults::from_counts(&def, scale_counts(counts));
            let mut weighted = SurveyResults::from_counts(&def, weighted_by(scale_counts(counts), 1.0));
            for q in &mut weighted.questions {
                if let Some(base) = q.weighted.take() {
                    prop_assert!((base.weighted - q.answered as f64).abs() < 1e-9);
                    prop_assert!((base.design_effect - 1.0).abs() < 1e-9 || q.answered == 0);
                }
                for o in &mut q.options {
                    o.weighted_count = None;
                }
            }
            weighted.weighted = None;
            for (a, b) in plain.questions.iter().zip(&weighted.questions) {
                prop_assert_eq!(a, b);
            }
        }
    }

    #[test]
    fn weighted_shares_use_the_weights_and_intervals_the_effective_base() {
        let def = safety_survey();
        // 10 respondents: 4 very safe weighing 0.5 each, 6 fairly safe
        // weighing 1.5 each: weighted 2 against 9.
        let mut counts = scale_counts([4, 6, 0, 0, 0, 0]);
        let sums = |n: f64, w: f64| WeightSums {
            sum: n * w,
            sum_sq: n * w * w,
        };
        let q = "safe-after-dark".to_owned();
        counts.weighted = Some(WeightedCounts {
            responses: sums(10.0, 1.1),
            answered: HashMap::from([(
                q.clone(),
                WeightSums {
                    sum: 11.0,
                    sum_sq: 4.0 * 0.25 + 6.0 * 2.25,
                },
            )]),
            chosen: HashMap::from([
                ((q.clone(), "very-safe".to_owned()), sums(4.0, 0.5)),
                ((q.clone(), "fairly-safe".to_owned()), sums(6.0, 1.5)),
            ]),
        });
        let results = SurveyResults::from_counts(&def, counts);
        let scale = results
            .question(&QuestionId::parse("safe-after-dark").expect("id"))
            .expect("scale");
        let base = scale.weighted.expect("weighted");
        assert!((base.effective - 121.0 / 14.5).abs() < 1e-12);
        assert!((base.design_effect - 10.0 * 14.5 / 121.0).abs() < 1e-12);
        let very = &scale.options[0];
        assert_eq!(very.count, 4);
        assert!((very.percent - 200.0 / 11.0).abs() < 1e-12);
        assert_eq!(very.rounded, 18);
        let (low, high) = wilson(2.0 / 11.0, 121.0 / 14.5).expect("interval");
        assert!((very.ci_low.expect("low") - low * 100.0).abs() < 1e-12);
        assert!((very.ci_high.expect("high") - high * 100.0).abs() < 1e-12);
        let summary = scale.scale.as_ref().expect("scale summary");
        assert!((summary.mean.expect("mean") - (2.0 * 5.0 + 9.0 * 4.0) / 11.0).abs() < 1e-12);
        assert_eq!(summary.positive_rounded, 100);
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
