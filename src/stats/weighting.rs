//! Weighting to the population: population targets read from a CSV file,
//! raking (iterative proportional fitting) to them, and the Kish effective
//! base and design effect of the weights. Pure functions, tested without a
//! database; reference weights from R's `survey` package (`rake()`) are in
//! `tests/reference/rake.json`, made by `tests/reference/rake_reference.R`.
//!
//! **Targets.** A CSV file whose columns name single-choice questions of the
//! survey (by id) and end with a `count` (or `population`) column; each row
//! is one cell of the population, naming an option of each question by id,
//! for example `borough,age,gender,count` then `dartford,16-24,female,5120`.
//! Raking matches each question's margin (the file's counts summed over the
//! other columns), so a file of one question's margins works as well as a
//! full cross-table. Only proportions matter: counts may be people or
//! percentages.
//!
//! **Who is weighted how.** Every complete response gets a weight; the
//! weights average 1, so a weighted count reads on the scale of
//! respondents. A respondent who did not answer a weighting question, or
//! chose an option the targets do not name (such as "Prefer not to say"),
//! is left out of that question's margin: their weight comes from the other
//! questions alone, and that question's targets are matched among those who
//! did answer it.
//!
//! **Trimming.** No weight may exceed the cap (default 5, `WEIGHT_CAP`):
//! after each raking pass, weights above the cap are cut to it and all
//! weights are scaled back to average 1, then raking goes on. When the cap
//! binds, the margins can only be approached; the result says how closely.

use std::collections::{BTreeMap, HashMap};

use super::and_list;
use crate::domain::{OptionId, QuestionId, SurveyDefinition};

/// The default weight cap.
pub const DEFAULT_CAP: f64 = 5.0;
/// Raking stops when every margin is within this of its target (as a
/// proportion).
pub const TOLERANCE: f64 = 1e-10;
/// Raking gives up after this many passes and reports how close it came.
pub const MAX_ITERATIONS: u32 = 1000;
/// The most rows a targets file may have.
pub const MAX_ROWS: usize = 10_000;

/// One weighting question's targets: each targeted option's share of the
/// population (adding up to 1), in the question's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Margin {
    pub question: QuestionId,
    pub label: String,
    /// (option, its label, population count, share of the population).
    pub options: Vec<TargetOption>,
    /// Options of the question the file does not name: their respondents
    /// are weighted by the other questions alone.
    pub untargeted: Vec<(OptionId, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetOption {
    pub id: OptionId,
    pub label: String,
    pub population: f64,
    pub share: f64,
}

/// Valid targets for one survey.
#[derive(Debug, Clone, PartialEq)]
pub struct Targets {
    pub margins: Vec<Margin>,
    /// The population the file adds up to.
    pub total: f64,
}

/// A problem with a targets file, placed by row and column where it has one
/// (rows counted as a spreadsheet shows them: the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetProblem {
    pub row: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl std::fmt::Display for TargetProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.row, &self.column) {
            (Some(r), Some(c)) => write!(f, "Row {r}, column {c}: {}", self.message),
            (Some(r), None) => write!(f, "Row {r}: {}", self.message),
            (None, Some(c)) => write!(f, "Column {c}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// The spreadsheet name of a 0-based column: A, B, …, Z, AA, …
fn column_letter(mut index: usize) -> String {
    let mut name = Vec::new();
    loop {
        name.push(b'A' + u8::try_from(index % 26).unwrap_or(0));
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

fn column_name(index: usize, header: &str) -> String {
    format!("{} (\u{201c}{header}\u{201d})", column_letter(index))
}

const COUNT_COLUMNS: [&str; 3] = ["count", "population", "target"];

/// Reads a targets file for `definition`. Every problem found is returned,
/// each with its row and column, so one upload shows them all.
pub fn parse_targets(
    definition: &SurveyDefinition,
    text: &str,
) -> Result<Targets, Vec<TargetProblem>> {
    let problem = |row: Option<usize>, column: Option<String>, message: String| TargetProblem {
        row,
        column,
        message,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let mut records = reader.records();
    let header = match records.next() {
        None => {
            return Err(vec![problem(
                None,
                None,
                "The file is empty: it needs a header row naming the weighting questions and a count column, then one row per population group".to_owned(),
            )]);
        }
        Some(Err(e)) => {
            return Err(vec![problem(
                Some(1),
                None,
                format!("cannot be read as CSV ({e})"),
            )]);
        }
        Some(Ok(h)) => h,
    };
    let header: Vec<String> = header.iter().map(str::to_owned).collect();
    let mut problems = Vec::new();
    let Some(last) = header
        .last()
        .filter(|l| COUNT_COLUMNS.contains(&l.to_lowercase().as_str()))
    else {
        return Err(vec![problem(
            Some(1),
            None,
            "the last column must be named \u{201c}count\u{201d} (or \u{201c}population\u{201d}): the number of people in each row's group".to_owned(),
        )]);
    };
    let _ = last;
    let question_columns = &header[..header.len() - 1];
    if question_columns.is_empty() {
        return Err(vec![problem(
            Some(1),
            None,
            "name at least one weighting question before the count column".to_owned(),
        )]);
    }
    let single_choice: Vec<&str> = definition
        .questions()
        .iter()
        .filter(|q| q.kind().is_one_choice() && q.show_if().is_none())
        .map(|q| q.id().as_str())
        .collect();
    let mut questions = Vec::new();
    for (i, id) in question_columns.iter().enumerate() {
        let column = Some(column_name(i, id));
        match definition.question(id) {
            None => problems.push(problem(
                Some(1),
                column,
                format!(
                    "the survey has no question with this id; weighting questions are single-choice questions asked of everyone: {}",
                    single_choice.join(", ")
                ),
            )),
            Some(q) if !q.kind().is_one_choice() => problems.push(problem(
                Some(1),
                column,
                "this question is not single-choice, so a respondent does not fall in exactly one of its groups".to_owned(),
            )),
            Some(q) if q.show_if().is_some() => problems.push(problem(
                Some(1),
                column,
                "this question is asked only of some respondents, so it cannot describe the population".to_owned(),
            )),
            Some(q) if questions.iter().any(|(_, other): &(usize, &crate::domain::Question)| other.id() == q.id()) => {
                problems.push(problem(Some(1), column, "this question is named twice".to_owned()));
            }
            Some(q) => questions.push((i, q)),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut population: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); questions.len()];
    let mut seen: HashMap<Vec<usize>, usize> = HashMap::new();
    let mut total = 0.0;
    let mut rows = 0;
    for (index, record) in records.enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(
                    Some(row),
                    None,
                    format!("cannot be read as CSV ({e})"),
                ));
                continue;
            }
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        if rows > MAX_ROWS {
            problems.push(problem(
                Some(row),
                None,
                format!("a targets file may have at most {MAX_ROWS} rows"),
            ));
            break;
        }
        if record.len() != header.len() {
            problems.push(problem(
                Some(row),
                None,
                format!(
                    "has {} cells; the header has {}",
                    record.len(),
                    header.len()
                ),
            ));
            continue;
        }
        let mut cell = Vec::with_capacity(questions.len());
        for (i, q) in &questions {
            let value = &record[*i];
            match q.options().iter().position(|o| o.id().as_str() == value) {
                Some(p) => cell.push(p),
                None => problems.push(problem(
                    Some(row),
                    Some(column_name(*i, q.id().as_str())),
                    format!(
                        "\u{201c}{value}\u{201d} is not an answer of \u{201c}{}\u{201d}; its answers are {}",
                        q.short_label(),
                        q.options().iter().map(|o| o.id().as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
        let count_column = Some(column_name(header.len() - 1, &header[header.len() - 1]));
        let raw = record[header.len() - 1].replace(',', "");
        let count = match raw.parse::<f64>() {
            Ok(n) if n.is_finite() && n >= 0.0 => n,
            Ok(n) if !n.is_finite() => {
                problems.push(problem(
                    Some(row),
                    count_column,
                    format!("\u{201c}{raw}\u{201d} is not a number of people"),
                ));
                continue;
            }
            Ok(_) => {
                problems.push(problem(
                    Some(row),
                    count_column,
                    format!("\u{201c}{raw}\u{201d} is negative: a count of people is 0 or more"),
                ));
                continue;
            }
            Err(_) => {
                problems.push(problem(
                    Some(row),
                    count_column,
                    format!("\u{201c}{raw}\u{201d} is not a number"),
                ));
                continue;
            }
        };
        if cell.len() != questions.len() {
            continue;
        }
        if let Some(first) = seen.insert(cell.clone(), row) {
            problems.push(problem(
                Some(row),
                None,
                format!("repeats the group of row {first}"),
            ));
            continue;
        }
        for (m, &p) in cell.iter().enumerate() {
            *population[m].entry(p).or_default() += count;
        }
        total += count;
    }
    if rows == 0 {
        problems.push(problem(
            None,
            None,
            "The file has a header but no rows of targets".to_owned(),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if !total.is_finite() {
        return Err(vec![problem(
            None,
            None,
            "The counts are too large to add up: give them in people, or as percentages".to_owned(),
        )]);
    }
    if total <= 0.0 {
        return Err(vec![problem(
            None,
            None,
            "The counts add up to 0: give each group the number of people in it".to_owned(),
        )]);
    }
    let margins = questions
        .iter()
        .zip(population)
        .map(|((_, q), counts)| Margin {
            question: q.id().clone(),
            label: q.short_label().to_owned(),
            options: counts
                .iter()
                .map(|(&p, &n)| TargetOption {
                    id: q.options()[p].id().clone(),
                    label: q.options()[p].label().to_owned(),
                    population: n,
                    share: n / total,
                })
                .collect(),
            untargeted: q
                .options()
                .iter()
                .enumerate()
                .filter(|(p, _)| !counts.contains_key(p))
                .map(|(_, o)| (o.id().clone(), o.label().to_owned()))
                .collect(),
        })
        .collect();
    Ok(Targets { margins, total })
}

impl Targets {
    /// Each margin's target shares, and for each response the index of its
    /// targeted option in each margin (none: not answered or untargeted),
    /// from each response's answers to the weighting questions.
    pub fn positions(&self, answers: &HashMap<&str, &str>) -> Vec<Option<usize>> {
        self.margins
            .iter()
            .map(|m| {
                answers
                    .get(m.question.as_str())
                    .and_then(|chosen| m.options.iter().position(|o| o.id.as_str() == *chosen))
            })
            .collect()
    }

    /// The target shares of each margin, in order.
    pub fn shares(&self) -> Vec<Vec<f64>> {
        self.margins
            .iter()
            .map(|m| m.options.iter().map(|o| o.share).collect())
            .collect()
    }
}

/// Why raking cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RakeError {
    /// No responses to weight.
    NoResponses,
    /// A targeted option with a positive target that no respondent chose:
    /// no weight can make it up. (margin, option index)
    EmptyTarget { margin: usize, option: usize },
    /// A margin none of whose targeted options any respondent chose.
    NobodyAnswered { margin: usize },
}

/// The weights raking gave, and how it went.
#[derive(Debug, Clone, PartialEq)]
pub struct Raking {
    /// One weight per response, in the order given; they average 1.
    pub weights: Vec<f64>,
    pub iterations: u32,
    pub converged: bool,
    /// The largest gap between a weighted margin and its target share.
    pub max_gap: f64,
    /// Responses whose weight sits at the cap.
    pub trimmed: usize,
}

/// Rakes `responses` (each a position in every margin, or none) to the
/// target `shares` of each margin, trimming weights to `cap`. Works on the
/// distinct cells (combinations of positions) with their sizes, so the
/// result does not depend on the order of the responses and 1,000,000
/// responses rake as fast as their few hundred cells.
pub fn rake(
    shares: &[Vec<f64>],
    responses: &[Vec<Option<usize>>],
    cap: f64,
) -> Result<Raking, RakeError> {
    if responses.is_empty() {
        return Err(RakeError::NoResponses);
    }
    // Distinct cells, sorted so the arithmetic is the same in any order.
    let mut sizes: BTreeMap<&[Option<usize>], f64> = BTreeMap::new();
    for r in responses {
        *sizes.entry(r.as_slice()).or_default() += 1.0;
    }
    let cells: Vec<(&[Option<usize>], f64)> = sizes.into_iter().collect();
    let n = responses.len() as f64;
    for (m, targets) in shares.iter().enumerate() {
        let mut chosen = vec![0.0; targets.len()];
        for (cell, size) in &cells {
            if let Some(Some(p)) = cell.get(m)
                && let Some(c) = chosen.get_mut(*p)
            {
                *c += size;
            }
        }
        if chosen.iter().all(|&c| c == 0.0) {
            return Err(RakeError::NobodyAnswered { margin: m });
        }
        if let Some(option) = (0..targets.len()).find(|&p| targets[p] > 0.0 && chosen[p] == 0.0) {
            return Err(RakeError::EmptyTarget { margin: m, option });
        }
    }
    let mut w = vec![1.0; cells.len()];
    let gap = |w: &[f64]| -> f64 {
        let mut worst: f64 = 0.0;
        for (m, targets) in shares.iter().enumerate() {
            let mut sums = vec![0.0; targets.len()];
            for ((cell, size), wc) in cells.iter().zip(w) {
                if let Some(Some(p)) = cell.get(m) {
                    sums[*p] += size * wc;
                }
            }
            let answered: f64 = sums.iter().sum();
            let target_total: f64 = targets.iter().sum();
            for (s, t) in sums.iter().zip(targets) {
                worst = worst.max((s / answered - t / target_total).abs());
            }
        }
        worst
    };
    let mut iterations = 0;
    let mut max_gap = gap(&w);
    while max_gap > TOLERANCE && iterations < MAX_ITERATIONS {
        iterations += 1;
        for (m, targets) in shares.iter().enumerate() {
            let mut sums = vec![0.0; targets.len()];
            for ((cell, size), wc) in cells.iter().zip(&w) {
                if let Some(Some(p)) = cell.get(m) {
                    sums[*p] += size * wc;
                }
            }
            let answered: f64 = sums.iter().sum();
            let target_total: f64 = targets.iter().sum();
            let factors: Vec<f64> = sums
                .iter()
                .zip(targets)
                .map(|(s, t)| {
                    if *s > 0.0 {
                        t / target_total * answered / s
                    } else {
                        1.0
                    }
                })
                .collect();
            for ((cell, _), wc) in cells.iter().zip(w.iter_mut()) {
                if let Some(Some(p)) = cell.get(m) {
                    *wc *= factors[*p];
                }
            }
        }
        // Trim, then scale back to an average of 1; repeat while the
        // scaling pushes weights over the cap again.
        for _ in 0..100 {
            let over = w.iter().any(|&x| x > cap);
            if !over {
                break;
            }
            for x in &mut w {
                *x = x.min(cap);
            }
            let total: f64 = cells.iter().zip(&w).map(|((_, s), x)| s * x).sum();
            for x in &mut w {
                *x *= n / total;
            }
        }
        max_gap = gap(&w);
    }
    let trimmed_cells: Vec<bool> = w.iter().map(|&x| x >= cap * (1.0 - 1e-12)).collect();
    let index: HashMap<&[Option<usize>], usize> = cells
        .iter()
        .enumerate()
        .map(|(i, (c, _))| (*c, i))
        .collect();
    let weights: Vec<f64> = responses.iter().map(|r| w[index[r.as_slice()]]).collect();
    let trimmed = responses
        .iter()
        .filter(|r| trimmed_cells[index[r.as_slice()]])
        .count();
    Ok(Raking {
        weights,
        iterations,
        converged: max_gap <= TOLERANCE,
        max_gap,
        trimmed,
    })
}

/// How a weighted view's weights were made, for the page, the JSON, the
/// exports and the report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WeightingNote {
    /// The weighting questions' labels.
    pub questions: Vec<String>,
    /// Answers with no target, as "Question: answer".
    pub untargeted: Vec<String>,
    pub cap: f64,
    pub computed_on: String,
    pub responses_weighted: u64,
    /// Complete responses since, which the weighted figures leave out.
    pub responses_since: u64,
    pub iterations: u32,
    pub converged: bool,
    pub max_gap: f64,
    pub trimmed: u64,
    pub min_weight: f64,
    pub max_weight: f64,
}

/// A weight for reading: two decimal places, or up to five when smaller.
fn weight_text(w: f64) -> String {
    if w >= 0.01 || w == 0.0 {
        format!("{w:.2}")
    } else {
        format!("{w:.5}")
    }
}

impl WeightingNote {
    /// The method, in sentences to print under the figures.
    pub fn method(&self) -> String {
        let convergence = if self.converged {
            format!(
                "{} {}, every margin matching its target",
                self.iterations,
                if self.iterations == 1 {
                    "pass"
                } else {
                    "passes"
                }
            )
        } else {
            format!(
                "stopped after {} passes with a margin still {:.2} percentage points from its target, because the cap holds weights down",
                self.iterations,
                self.max_gap * 100.0
            )
        };
        let at_cap = match self.trimmed {
            0 => "none at the cap".to_owned(),
            1 => "1 response at the cap".to_owned(),
            n => format!("{n} responses at the cap"),
        };
        let untargeted = if self.untargeted.is_empty() {
            String::new()
        } else {
            format!(
                ", or chose an answer with no target ({})",
                self.untargeted.join("; ")
            )
        };
        format!(
            "Weighted to population targets for {} by raking (iterative proportional fitting): {convergence}. Weights average 1, range from {} to {} and are capped at {} ({at_cap}). Respondents who did not answer a weighting question{untargeted} are weighted by the other questions alone. Percentages are of the weighted base; their 95% intervals use Kish\u{2019}s effective base (the respondents divided by the design effect). {} responses weighted on {}.",
            and_list(&self.questions),
            weight_text(self.min_weight),
            weight_text(self.max_weight),
            self.cap,
            self.responses_weighted,
            self.computed_on
        )
    }

    /// The responses the weighted figures leave out, if any, in a sentence.
    pub fn since(&self) -> Option<String> {
        match self.responses_since {
            0 => None,
            1 => Some("1 response arrived after the weights were computed: it is not in these weighted figures until the weights are computed again.".to_owned()),
            n => Some(format!("{n} responses arrived after the weights were computed: they are not in these weighted figures until the weights are computed again.")),
        }
    }
}

/// Sums of weights and of their squares over some respondents.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WeightSums {
    pub sum: f64,
    pub sum_sq: f64,
}

impl WeightSums {
    /// Kish's effective base, (Σw)² / Σw²: the number of unweighted
    /// respondents who would give figures as precise as these.
    pub fn effective_base(&self) -> f64 {
        if self.sum_sq > 0.0 {
            self.sum * self.sum / self.sum_sq
        } else {
            0.0
        }
    }

    /// Kish's design effect of `n` respondents with these weights: n / the
    /// effective base (1 when every weight is equal).
    pub fn design_effect(&self, n: u64) -> f64 {
        let effective = self.effective_base();
        if effective > 0.0 {
            n as f64 / effective
        } else {
            1.0
        }
    }

    pub fn of(weights: &[f64]) -> WeightSums {
        WeightSums {
            sum: weights.iter().sum(),
            sum_sq: weights.iter().map(|w| w * w).sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn csp() -> SurveyDefinition {
        SurveyDefinition::load_file(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml"),
        )
        .expect("valid")
    }

    #[test]
    fn a_cross_table_gives_each_question_its_margin() {
        let targets = parse_targets(
            &csp(),
            "borough,gender,count\ndartford,male,40\ndartford,female,60\ngravesham,male,50\ngravesham,female,50\n",
        )
        .expect("valid");
        assert_eq!(targets.total, 200.0);
        let borough = &targets.margins[0];
        assert_eq!(borough.question.as_str(), "borough");
        let shares: Vec<f64> = borough.options.iter().map(|o| o.share).collect();
        assert_eq!(shares, vec![0.5, 0.5]);
        let gender = &targets.margins[1];
        assert_eq!(
            gender
                .options
                .iter()
                .map(|o| o.population)
                .collect::<Vec<_>>(),
            vec![90.0, 110.0]
        );
        assert!(
            gender
                .untargeted
                .iter()
                .any(|(id, _)| id.as_str() != "male" && id.as_str() != "female")
        );
    }

    #[test]
    fn a_bad_file_names_each_problem_by_row_and_column() {
        let problems = parse_targets(
            &csp(),
            "borough,gender,count\ndartford,man,40\ndartford,female,-3\ngravesham,male,x\ndartford,female,5\ngravesham\n",
        )
        .expect_err("bad");
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            text[0].starts_with(
                "Row 2, column B (\u{201c}gender\u{201d}): \u{201c}man\u{201d} is not an answer"
            ),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with(
                "Row 3, column C (\u{201c}count\u{201d}): \u{201c}-3\u{201d} is negative"
            )),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.starts_with(
                "Row 4, column C (\u{201c}count\u{201d}): \u{201c}x\u{201d} is not a number"
            )),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t == "Row 6: has 1 cells; the header has 3"),
            "{text:?}"
        );
        let header = parse_targets(&csp(), "boro,asb-concerns,count\n").expect_err("bad");
        assert!(
            header[0]
                .to_string()
                .starts_with("Row 1, column A (\u{201c}boro\u{201d}): the survey has no question")
        );
        assert!(header[1].to_string().contains("not single-choice"));
        let zero =
            parse_targets(&csp(), "borough,count\ndartford,0\ngravesham,0\n").expect_err("zero");
        assert!(zero[0].message.contains("add up to 0"));
        let nan = parse_targets(&csp(), "borough,count\ndartford,NaN\ngravesham,inf\n")
            .expect_err("not numbers");
        assert!(
            nan.iter()
                .all(|p| p.message.ends_with("is not a number of people")),
            "{nan:?}"
        );
        let huge = parse_targets(&csp(), "borough,count\ndartford,1e308\ngravesham,1e308\n")
            .expect_err("too large");
        assert!(huge[0].message.contains("too large"));
        let no_count = parse_targets(&csp(), "borough,people\ndartford,1\n").expect_err("no count");
        assert!(no_count[0].message.contains("last column"));
        let repeat =
            parse_targets(&csp(), "borough,count\ndartford,1\ndartford,2\n").expect_err("repeat");
        assert_eq!(repeat[0].to_string(), "Row 3: repeats the group of row 2");
    }

    #[test]
    fn an_impossible_target_is_refused() {
        let shares = vec![vec![0.5, 0.5]];
        let responses = vec![vec![Some(0)], vec![Some(0)], vec![None]];
        assert_eq!(
            rake(&shares, &responses, DEFAULT_CAP),
            Err(RakeError::EmptyTarget {
                margin: 0,
                option: 1
            })
        );
        assert_eq!(rake(&shares, &[], DEFAULT_CAP), Err(RakeError::NoResponses));
        assert_eq!(
            rake(&shares, &[vec![None]], DEFAULT_CAP),
            Err(RakeError::NobodyAnswered { margin: 0 })
        );
    }

    #[test]
    fn non_answerers_keep_the_weight_the_other_questions_give() {
        // Margin 0: 3 of option 0, 1 of option 1, target 50/50; one more
        // respondent did not answer it.
        let shares = vec![vec![0.5, 0.5]];
        let responses = vec![
            vec![Some(0)],
            vec![Some(0)],
            vec![Some(0)],
            vec![Some(1)],
            vec![None],
        ];
        let r = rake(&shares, &responses, DEFAULT_CAP).expect("rakes");
        assert!(r.converged);
        assert!((r.weights[4] - 1.0).abs() < 1e-12, "{:?}", r.weights);
        // The four who answered share their weight of 4 half and half.
        assert!((r.weights[0] * 3.0 - 2.0).abs() < 1e-9);
        assert!((r.weights[3] - 2.0).abs() < 1e-9);
    }

    #[test]
    fn the_cap_holds_and_the_result_says_how_close_the_margins_came() {
        let shares = vec![vec![0.1, 0.9]];
        let mut responses = vec![vec![Some(0)]; 90];
        responses.extend(vec![vec![Some(1)]; 10]);
        let r = rake(&shares, &responses, 5.0).expect("rakes");
        assert!(r.weights.iter().all(|&w| w <= 5.0 + 1e-9));
        assert!(!r.converged);
        assert!(r.max_gap > 0.1);
        assert_eq!(r.trimmed, 10);
        let mean: f64 = r.weights.iter().sum::<f64>() / 100.0;
        assert!((mean - 1.0).abs() < 1e-9);
    }

    #[test]
    fn kish_effective_base_and_design_effect() {
        let s = WeightSums::of(&[1.0, 1.0, 1.0, 1.0]);
        assert!((s.effective_base() - 4.0).abs() < 1e-12);
        assert!((s.design_effect(4) - 1.0).abs() < 1e-12);
        let s = WeightSums::of(&[0.5, 1.5]);
        assert!((s.effective_base() - 1.6).abs() < 1e-12);
        assert!((s.design_effect(2) - 1.25).abs() < 1e-12);
    }

    #[test]
    fn raking_matches_r_survey_rake() {
        let reference: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/reference/rake.json"))
                .expect("the reference weights are JSON");
        for case in reference["rake"].as_array().expect("rake cases") {
            let shares: Vec<Vec<f64>> =
                serde_json::from_value(case["shares"].clone()).expect("shares");
            let cells: Vec<Vec<usize>> =
                serde_json::from_value(case["cells"].clone()).expect("cells");
            let expected: Vec<f64> =
                serde_json::from_value(case["weights"].clone()).expect("weights");
            let responses: Vec<Vec<Option<usize>>> = cells
                .iter()
                .map(|c| c.iter().map(|&p| Some(p)).collect())
                .collect();
            let r = rake(&shares, &responses, f64::INFINITY).expect("rakes");
            assert!(r.converged);
            for (got, want) in r.weights.iter().zip(&expected) {
                assert!((got - want).abs() < 1e-6, "{got} against R's {want}");
            }
        }
    }

    /// Responses over two margins of 2 and 3 options, every cell occupied,
    /// with a random cell size each.
    fn sample() -> impl Strategy<Value = Vec<Vec<Option<usize>>>> {
        prop::collection::vec(1usize..6, 6).prop_map(|sizes| {
            let mut responses = Vec::new();
            for (i, size) in sizes.into_iter().enumerate() {
                for _ in 0..size {
                    responses.push(vec![Some(i / 3), Some(i % 3)]);
                }
            }
            responses
        })
    }

    fn margins_of(responses: &[Vec<Option<usize>>], weights: &[f64]) -> Vec<Vec<f64>> {
        let mut sums = vec![vec![0.0; 2], vec![0.0; 3]];
        for (r, w) in responses.iter().zip(weights) {
            for (m, p) in r.iter().enumerate() {
                if let Some(p) = p {
                    sums[m][*p] += w;
                }
            }
        }
        sums.into_iter()
            .map(|s| {
                let total: f64 = s.iter().sum();
                s.into_iter().map(|x| x / total).collect()
            })
            .collect()
    }

    proptest! {
        #[test]
        fn targets_equal_to_the_sample_give_weights_of_one(responses in sample()) {
            let shares = margins_of(&responses, &vec![1.0; responses.len()]);
            let r = rake(&shares, &responses, DEFAULT_CAP).expect("rakes");
            prop_assert!(r.weights.iter().all(|w| (w - 1.0).abs() < 1e-9));
        }

        #[test]
        fn raked_margins_reproduce_reachable_targets(
            responses in sample(),
            cell_weights in prop::collection::vec(0.5f64..2.0, 6),
        ) {
            // Targets that some weighting reaches: the margins of the
            // sample under weights chosen per cell.
            let chosen: Vec<f64> = responses
                .iter()
                .map(|r| cell_weights[r[0].unwrap_or(0) * 3 + r[1].unwrap_or(0)])
                .collect();
            let shares = margins_of(&responses, &chosen);
            let r = rake(&shares, &responses, f64::INFINITY).expect("rakes");
            prop_assert!(r.converged);
            let got = margins_of(&responses, &r.weights);
            for (g, s) in got.iter().flatten().zip(shares.iter().flatten()) {
                prop_assert!((g - s).abs() < 1e-6);
            }
        }

        #[test]
        fn the_order_of_responses_does_not_matter(responses in sample(), seed in any::<u64>()) {
            use rand::seq::SliceRandom;
            use rand::SeedableRng;
            let shares = vec![vec![0.3, 0.7], vec![0.2, 0.3, 0.5]];
            let mut order: Vec<usize> = (0..responses.len()).collect();
            order.shuffle(&mut rand_chacha::ChaCha8Rng::seed_from_u64(seed));
            let shuffled: Vec<Vec<Option<usize>>> = order.iter().map(|&i| responses[i].clone()).collect();
            let a = rake(&shares, &responses, DEFAULT_CAP).expect("rakes");
            let b = rake(&shares, &shuffled, DEFAULT_CAP).expect("rakes");
            for (k, &i) in order.iter().enumerate() {
                prop_assert_eq!(a.weights[i].to_bits(), b.weights[k].to_bits());
            }
        }
    }
}
