//! Results that do not grow with the data: a survey's responses kept as
//! counts per cell, a cell being one combination of answers to the questions
//! that can filter or split the figures (the one-choice questions and the
//! channel: borough × issue × age × …), with the response's weight. Beside
//! each cell's count of responses are its counts per day, and of the other
//! questions' options (several choices, free text) and respondents.
//!
//! Any view (filters, a comparison's groups, weighted or not) is then a sum
//! over the cells: thousands of cells, not millions of answer rows. Pure: the
//! rows come from storage (`db::cells`), and the sums are checked against
//! the `GROUP BY` of `db::results` (`tests/api/cells.rs`, a property test).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;

use super::{Counts, WeightSums, WeightedCounts};
use crate::domain::Filter;

/// One stored response as the cells take it.
#[derive(Debug, Clone, PartialEq)]
pub struct CellResponse {
    /// Every (question, option) row stored for it.
    pub rows: Vec<(String, String)>,
    /// The UTC day it was submitted.
    pub day: NaiveDate,
    /// Its weight, if the survey's weights give it one.
    pub weight: Option<f64>,
    /// The survey version it was given under (the version's id).
    pub version: i64,
}

/// A cell: the options chosen of the questions that key cells (sorted
/// option numbers), the weight's bits, and the survey version.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    keyed: Box<[u32]>,
    weight: Option<u64>,
    version: i64,
}

/// What a cell counts.
#[derive(Debug, Clone, Default)]
struct Cell {
    responses: u64,
    days: BTreeMap<NaiveDate, u64>,
    /// Rows per option of the questions that do not key cells.
    others: HashMap<u32, u64>,
    /// Respondents per question that does not key cells.
    others_answered: HashMap<u32, u64>,
}

/// A survey's responses as cells.
#[derive(Debug, Clone, Default)]
pub struct Cells {
    /// The questions whose answers key the cells.
    keyed: HashSet<String>,
    /// Every (question, option) seen, by number, and its question's number;
    /// looked up by question, then option, so that a lookup allocates nothing.
    options: Vec<(String, String)>,
    option_numbers: HashMap<String, HashMap<String, u32>>,
    option_question: Vec<u32>,
    questions: Vec<String>,
    question_numbers: HashMap<String, u32>,
    cells: HashMap<Key, Cell>,
    responses: u64,
}

impl Cells {
    /// No responses yet; `keyed` names the questions that can filter or
    /// split the figures (each response has at most one row for each).
    pub fn new(keyed: impl IntoIterator<Item = String>) -> Cells {
        Cells {
            keyed: keyed.into_iter().collect(),
            ..Cells::default()
        }
    }

    /// How many responses the cells hold.
    pub fn responses(&self) -> u64 {
        self.responses
    }

    /// How many cells there are.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether there are no responses.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    fn question_number(&mut self, question: &str) -> u32 {
        if let Some(&n) = self.question_numbers.get(question) {
            return n;
        }
        let n = u32::try_from(self.questions.len()).unwrap_or(u32::MAX);
        self.questions.push(question.to_owned());
        self.question_numbers.insert(question.to_owned(), n);
        n
    }

    /// The number of (question, option), if it was ever chosen.
    fn known_option(&self, question: &str, option: &str) -> Option<u32> {
        self.option_numbers.get(question)?.get(option).copied()
    }

    fn option_number(&mut self, question: &str, option: &str) -> u32 {
        if let Some(n) = self.known_option(question, option) {
            return n;
        }
        let q = self.question_number(question);
        let n = u32::try_from(self.options.len()).unwrap_or(u32::MAX);
        self.options.push((question.to_owned(), option.to_owned()));
        self.option_numbers
            .entry(question.to_owned())
            .or_default()
            .insert(option.to_owned(), n);
        self.option_question.push(q);
        n
    }

    /// Adds one response.
    pub fn add(&mut self, response: &CellResponse) {
        let mut keyed = Vec::new();
        let mut others = Vec::new();
        for (question, option) in &response.rows {
            let n = self.option_number(question, option);
            if self.keyed.contains(question) {
                keyed.push(n);
            } else {
                others.push(n);
            }
        }
        keyed.sort_unstable();
        keyed.dedup();
        others.sort_unstable();
        others.dedup();
        let mut answered: Vec<u32> = others
            .iter()
            .map(|&o| self.option_question[o as usize])
            .collect();
        answered.sort_unstable();
        answered.dedup();
        let cell = self
            .cells
            .entry(Key {
                keyed: keyed.into_boxed_slice(),
                weight: response.weight.map(f64::to_bits),
                version: response.version,
            })
            .or_default();
        cell.responses += 1;
        *cell.days.entry(response.day).or_default() += 1;
        for option in others {
            *cell.others.entry(option).or_default() += 1;
        }
        for question in answered {
            *cell.others_answered.entry(question).or_default() += 1;
        }
        self.responses += 1;
    }

    /// The figures among the responses matching every filter (with
    /// `weighted`, among those with a weight, with the sums of their
    /// weights), as `db::results::load_view` counts them; the survey-wide
    /// totals are left to the caller. `None` when a filter is on a question
    /// that does not key the cells: the caller counts that view in storage.
    pub fn count(&self, filters: &[Filter], weighted: bool) -> Option<Counts> {
        let Some(wanted) = self.wanted(filters)? else {
            return Some(empty(weighted));
        };
        let mut chosen: HashMap<u32, (u64, f64, f64)> = HashMap::new();
        let mut answered: HashMap<u32, (u64, f64, f64)> = HashMap::new();
        let mut days: BTreeMap<NaiveDate, u64> = BTreeMap::new();
        let mut totals = WeightSums::default();
        for (key, cell) in &self.cells {
            if !wanted.iter().all(|w| key.keyed.binary_search(w).is_ok()) {
                continue;
            }
            let w = match (weighted, key.weight) {
                (true, None) => continue,
                (true, Some(bits)) => f64::from_bits(bits),
                (false, _) => 0.0,
            };
            let n = cell.responses;
            let add = |into: &mut HashMap<u32, (u64, f64, f64)>, at: u32, k: u64| {
                let entry = into.entry(at).or_default();
                entry.0 += k;
                entry.1 += k as f64 * w;
                entry.2 += k as f64 * w * w;
            };
            for &option in key.keyed.iter() {
                add(&mut chosen, option, n);
                add(&mut answered, self.option_question[option as usize], n);
            }
            for (&option, &k) in &cell.others {
                add(&mut chosen, option, k);
            }
            for (&question, &k) in &cell.others_answered {
                add(&mut answered, question, k);
            }
            for (&day, &k) in &cell.days {
                *days.entry(day).or_default() += k;
            }
            totals.sum += n as f64 * w;
            totals.sum_sq += n as f64 * w * w;
        }
        let per_day: Vec<(NaiveDate, u64)> = days.into_iter().collect();
        let mut counts = Counts {
            completed: per_day.iter().map(|(_, n)| n).sum(),
            per_day,
            ..Counts::default()
        };
        let mut sums = WeightedCounts {
            responses: totals,
            ..WeightedCounts::default()
        };
        for (option, (n, w, w2)) in chosen {
            let name = self.options[option as usize].clone();
            counts.chosen.insert(name.clone(), n);
            sums.chosen.insert(name, WeightSums { sum: w, sum_sq: w2 });
        }
        for (question, (n, w, w2)) in answered {
            let name = self.questions[question as usize].clone();
            counts.answered.insert(name.clone(), n);
            sums.answered
                .insert(name, WeightSums { sum: w, sum_sq: w2 });
        }
        if weighted {
            counts.weighted = Some(sums);
        }
        Some(counts)
    }
}

impl Cells {
    /// The options `filters` ask for, by number: `None` when a filter is on
    /// a question that does not key the cells, `Some(None)` when one asks
    /// for an option nobody chose (no response matches).
    fn wanted(&self, filters: &[Filter]) -> Option<Option<Vec<u32>>> {
        let mut wanted = Vec::with_capacity(filters.len());
        for filter in filters {
            if !self.keyed.contains(filter.question.as_str()) {
                return None;
            }
            match self.known_option(filter.question.as_str(), filter.option.as_str()) {
                Some(n) => wanted.push(n),
                None => return Some(None),
            }
        }
        Some(Some(wanted))
    }

    /// The responses matching every filter, per survey version (by id), as
    /// `db::surveys::count_per_version` counts them: versions with none are
    /// left out. `None` when a filter is on a question that does not key
    /// the cells.
    pub fn per_version(&self, filters: &[Filter]) -> Option<BTreeMap<i64, u64>> {
        let mut versions = BTreeMap::new();
        let Some(wanted) = self.wanted(filters)? else {
            return Some(versions);
        };
        for (key, cell) in &self.cells {
            if wanted.iter().all(|w| key.keyed.binary_search(w).is_ok()) {
                *versions.entry(key.version).or_default() += cell.responses;
            }
        }
        Some(versions)
    }
}

/// The figures of no responses.
fn empty(weighted: bool) -> Counts {
    Counts {
        weighted: weighted.then(WeightedCounts::default),
        ..Counts::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{OptionId, QuestionId};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, d).expect("a day")
    }

    fn response(rows: &[(&str, &str)], d: u32, weight: Option<f64>) -> CellResponse {
        CellResponse {
            rows: rows
                .iter()
                .map(|(q, o)| ((*q).to_owned(), (*o).to_owned()))
                .collect(),
            day: day(d),
            weight,
            version: 1,
        }
    }

    fn filter(q: &str, o: &str) -> Filter {
        Filter {
            question: QuestionId::parse(q).expect("id"),
            option: OptionId::parse(o).expect("id"),
        }
    }

    #[test]
    fn same_answers_share_a_cell_and_a_filter_sums_the_matching_cells() {
        let mut cells = Cells::new(["where".to_owned()]);
        cells.add(&response(
            &[("where", "a"), ("why", "x"), ("why", "y")],
            1,
            None,
        ));
        cells.add(&response(&[("where", "a"), ("why", "x")], 2, None));
        cells.add(&response(&[("where", "b")], 2, None));
        assert_eq!(cells.len(), 2, "two combinations of keyed answers");
        assert_eq!(cells.responses(), 3);
        let all = cells.count(&[], false).expect("keyed");
        assert_eq!(all.completed, 3);
        assert_eq!(all.per_day, vec![(day(1), 1), (day(2), 2)]);
        assert_eq!(all.answered["why"], 2);
        assert_eq!(all.chosen[&("why".to_owned(), "x".to_owned())], 2);
        let b = cells.count(&[filter("where", "b")], false).expect("keyed");
        assert_eq!(b.completed, 1);
        assert!(!b.answered.contains_key("why"));
        let none = cells.count(&[filter("where", "c")], false).expect("keyed");
        assert_eq!(none, Counts::default());
        assert!(
            cells.count(&[filter("why", "x")], false).is_none(),
            "an unkeyed question cannot filter cells"
        );
    }

    #[test]
    fn responses_are_counted_per_survey_version() {
        let mut cells = Cells::new(["where".to_owned()]);
        cells.add(&response(&[("where", "a")], 1, None));
        let mut later = response(&[("where", "a")], 2, None);
        later.version = 7;
        cells.add(&later);
        cells.add(&later);
        later.rows = vec![("where".to_owned(), "b".to_owned())];
        cells.add(&later);
        assert_eq!(
            cells.len(),
            3,
            "the same answers under two versions: two cells"
        );
        assert_eq!(
            cells.per_version(&[]),
            Some(BTreeMap::from([(1, 1), (7, 3)]))
        );
        assert_eq!(
            cells.per_version(&[filter("where", "b")]),
            Some(BTreeMap::from([(7, 1)]))
        );
        assert_eq!(
            cells.per_version(&[filter("where", "c")]),
            Some(BTreeMap::new())
        );
        assert_eq!(cells.per_version(&[filter("why", "x")]), None);
        assert_eq!(cells.count(&[], false).expect("keyed").completed, 4);
    }

    #[test]
    fn the_weighted_view_counts_weighted_responses_with_their_sums() {
        let mut cells = Cells::new(["where".to_owned()]);
        cells.add(&response(&[("where", "a")], 1, Some(0.5)));
        cells.add(&response(&[("where", "a")], 1, Some(0.5)));
        cells.add(&response(&[("where", "b")], 1, Some(2.0)));
        cells.add(&response(&[("where", "b")], 1, None));
        let counts = cells.count(&[], true).expect("keyed");
        assert_eq!(counts.completed, 3, "the response without a weight waits");
        let sums = counts.weighted.expect("weighted");
        assert_eq!(
            sums.responses,
            WeightSums {
                sum: 3.0,
                sum_sq: 4.5
            }
        );
        assert_eq!(
            sums.chosen[&("where".to_owned(), "b".to_owned())],
            WeightSums {
                sum: 2.0,
                sum_sq: 4.0
            }
        );
    }
}
