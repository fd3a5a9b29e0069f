//! Whether groups really differ: Pearson's chi-square test of independence
//! for a whole table, Fisher's exact test for a 2×2 table whose expected
//! counts are too small for chi-square, the two-proportion z-test for one
//! option between two groups, and Holm's correction for testing many at
//! once. Pure functions over counts; the distributions come from `statrs`.
//! Reference values from scipy and statsmodels are in
//! `tests/reference/values.json`.

use statrs::function::erf::erfc;
use statrs::function::gamma::{gamma_ur, ln_gamma};

/// The smallest expected count at which chi-square is trusted (Cochran).
pub const MIN_EXPECTED: f64 = 5.0;

/// A chi-square test of independence.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct ChiSquare {
    pub statistic: f64,
    pub df: u32,
    pub p: f64,
    /// The smallest expected count of any cell.
    pub min_expected: f64,
}

/// Pearson's chi-square test of independence of a table of counts (rows
/// are groups, columns answers), without a continuity correction. Rows and
/// columns that are all zero are left out; none when fewer than two of
/// each remain.
pub fn chi_square(table: &[Vec<u64>]) -> Option<ChiSquare> {
    let cell = |r: &Vec<u64>, c: usize| r.get(c).copied().unwrap_or(0) as f64;
    let (rows, kept) = occupied(table);
    if rows.len() < 2 || kept.len() < 2 {
        return None;
    }
    let row_totals: Vec<f64> = rows
        .iter()
        .map(|r| kept.iter().map(|&c| cell(r, c)).sum())
        .collect();
    let column_totals: Vec<f64> = kept
        .iter()
        .map(|&c| rows.iter().map(|r| cell(r, c)).sum())
        .collect();
    let total: f64 = row_totals.iter().sum();
    let mut statistic = 0.0;
    let mut min_expected = f64::INFINITY;
    for (i, r) in rows.iter().enumerate() {
        for (j, &c) in kept.iter().enumerate() {
            let expected = row_totals[i] * column_totals[j] / total;
            min_expected = min_expected.min(expected);
            let d = cell(r, c) - expected;
            statistic += d * d / expected;
        }
    }
    let df = u32::try_from((rows.len() - 1) * (kept.len() - 1)).ok()?;
    Some(ChiSquare {
        statistic,
        df,
        p: gamma_ur(f64::from(df) / 2.0, statistic / 2.0),
        min_expected,
    })
}

/// The rows of a table that are not all zero, and the columns with a
/// count in one of them.
fn occupied(table: &[Vec<u64>]) -> (Vec<&Vec<u64>>, Vec<usize>) {
    let rows: Vec<&Vec<u64>> = table.iter().filter(|r| r.iter().any(|&n| n > 0)).collect();
    let columns = table.iter().map(Vec::len).max().unwrap_or(0);
    let kept = (0..columns)
        .filter(|&c| rows.iter().any(|r| r.get(c).is_some_and(|&n| n > 0)))
        .collect();
    (rows, kept)
}

fn ln_factorial(n: u64) -> f64 {
    ln_gamma(n as f64 + 1.0)
}

/// Fisher's exact test of the 2×2 table `[[a, b], [c, d]]`, two-sided: the
/// probability, with the margins fixed, of a table at most as likely as
/// the one observed (as scipy and R count it).
pub fn fisher_exact(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (row1, column1, n) = (a + b, a + c, a + b + c + d);
    let low = column1.saturating_sub(c + d);
    let high = row1.min(column1);
    let ln_fixed = ln_factorial(row1)
        + ln_factorial(n - row1)
        + ln_factorial(column1)
        + ln_factorial(n - column1)
        - ln_factorial(n);
    let probability = |x: u64| {
        (ln_fixed
            - ln_factorial(x)
            - ln_factorial(row1 - x)
            - ln_factorial(column1 - x)
            - ln_factorial(n + x - row1 - column1))
        .exp()
    };
    let observed = probability(a);
    let p: f64 = (low..=high)
        .map(probability)
        .filter(|&q| q <= observed * (1.0 + 1e-7))
        .sum();
    p.min(1.0)
}

/// A two-proportion z-test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoProportions {
    pub z: f64,
    pub p: f64,
}

/// The two-sided two-proportion z-test of `x1` of `n1` against `x2` of
/// `n2`, with the pooled standard error; none when a base is zero or the
/// pooled share is 0 or 1 (no variation to test).
pub fn two_proportions(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<TwoProportions> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (n1f, n2f) = (n1 as f64, n2 as f64);
    let pooled = (x1 + x2) as f64 / (n1f + n2f);
    let variance = pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n2f);
    if variance <= 0.0 {
        return None;
    }
    let z = (x1 as f64 / n1f - x2 as f64 / n2f) / variance.sqrt();
    Some(TwoProportions {
        z,
        p: erfc(z.abs() / std::f64::consts::SQRT_2),
    })
}

/// Holm's correction of a family of tests, in place: each (p-value, slot)
/// with a p-value gets its corrected value in its slot; tests without one
/// (not valid) are left out of the family.
pub fn holm_family<'a>(family: impl IntoIterator<Item = (Option<f64>, &'a mut Option<f64>)>) {
    let (raw, slots): (Vec<f64>, Vec<&mut Option<f64>>) = family
        .into_iter()
        .filter_map(|(p, slot)| p.map(|p| (p, slot)))
        .unzip();
    for (slot, p) in slots.into_iter().zip(holm(&raw)) {
        *slot = Some(p);
    }
}

/// Holm's step-down correction of p-values for testing them together:
/// each corrected value is in the place of its raw one, never below it,
/// never above 1.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut corrected = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (rank, &i) in order.iter().enumerate() {
        let adjusted = ((m - rank) as f64 * p[i]).min(1.0);
        running = running.max(adjusted);
        corrected[i] = running;
    }
    corrected
}

/// The level below which a corrected p-value marks a difference.
pub const ALPHA: f64 = 0.05;

/// One group of a comparison: its label and its figures.
#[derive(Debug, Clone, Copy)]
pub struct Group<'a> {
    pub label: &'a str,
    pub results: &'a super::SurveyResults,
}

/// Whether a question's answers differ between the groups, as a whole.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "test", rename_all = "snake_case")]
pub enum QuestionTest {
    ChiSquare(ChiSquare),
    /// Two groups and two answers with expected counts under 5.
    Fisher {
        p: f64,
    },
    /// No test is valid: why, in words.
    NotValid {
        why: String,
    },
}

impl QuestionTest {
    /// The test's p-value; none when no test was valid.
    pub fn p(&self) -> Option<f64> {
        match self {
            QuestionTest::ChiSquare(t) => Some(t.p),
            QuestionTest::Fisher { p } => Some(*p),
            QuestionTest::NotValid { .. } => None,
        }
    }
}

/// One option's difference between two groups.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct OptionDifference {
    pub option: String,
    pub label: String,
    /// The indexes of the two groups, and their shares in percent.
    pub groups: (usize, usize),
    pub shares: (f64, f64),
    /// The two-proportion test's p-value, and Holm's across the page; none
    /// when the test is not valid (an expected count under 5).
    pub p: Option<f64>,
    pub p_holm: Option<f64>,
}

impl OptionDifference {
    /// Whether the corrected p-value is below [`ALPHA`].
    pub fn is_significant(&self) -> bool {
        self.p_holm.is_some_and(|p| p < ALPHA)
    }

    /// The difference in words an officer can paste, if it is significant.
    pub fn sentence(&self, groups: &[Group<'_>]) -> Option<String> {
        let p = self.p_holm.filter(|p| *p < ALPHA)?;
        let (a, b) = self.groups;
        let (first, second, more, less) = if self.shares.0 >= self.shares.1 {
            (a, b, self.shares.0, self.shares.1)
        } else {
            (b, a, self.shares.1, self.shares.0)
        };
        let odds = if p < 0.001 {
            "less than 1 time in 1,000"
        } else if p < 0.01 {
            "less than 1 time in 100"
        } else {
            "less than 1 time in 20"
        };
        Some(format!(
            "More {} respondents than {} respondents chose {} ({:.0}% against {:.0}%); a difference this large would arise by chance {odds}",
            groups[first].label, groups[second].label, self.label, more, less
        ))
    }
}

/// One question compared across the groups.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QuestionComparison {
    pub question: String,
    /// For a single-choice question, the test of the whole table, and its
    /// p-value corrected across the page's questions; none for a
    /// multiple-choice question (respondents choose several).
    pub test: Option<QuestionTest>,
    pub p_holm: Option<f64>,
    pub differences: Vec<OptionDifference>,
}

/// Every question's tests across the groups, but the one the groups are
/// split by (`split`), Holm-corrected across the page: the questions'
/// tests as one family, the options' pairwise tests as another.
pub fn compare(groups: &[Group<'_>], split: &str) -> Vec<QuestionComparison> {
    let Some(first) = groups.first() else {
        return Vec::new();
    };
    let mut questions: Vec<QuestionComparison> = first
        .results
        .questions
        .iter()
        .filter(|q| q.id.as_str() != split)
        .filter(|q| q.is_single() || q.is_multiple() || q.scale.is_some())
        .map(|q| {
            let of = |g: usize| groups[g].results.question(&q.id);
            let test = (!q.is_multiple()).then(|| question_test(groups, &q.id));
            let mut differences = Vec::new();
            for (o, option) in q.options.iter().enumerate() {
                for a in 0..groups.len() {
                    for b in a + 1..groups.len() {
                        let (Some(qa), Some(qb)) = (of(a), of(b)) else {
                            continue;
                        };
                        let ((na, counts_a), (nb, counts_b)) = (qa.test_counts(), qb.test_counts());
                        let (xa, xb) = (counts_a[o], counts_b[o]);
                        let valid = [
                            (xa + xb) as f64 * na as f64,
                            (xa + xb) as f64 * nb as f64,
                            ((na + nb) - (xa + xb)) as f64 * na as f64,
                            ((na + nb) - (xa + xb)) as f64 * nb as f64,
                        ]
                        .iter()
                        .all(|cell| na + nb > 0 && cell / (na + nb) as f64 >= MIN_EXPECTED);
                        differences.push(OptionDifference {
                            option: option.id.to_string(),
                            label: option.label.clone(),
                            groups: (a, b),
                            shares: (qa.options[o].percent, qb.options[o].percent),
                            p: if valid {
                                two_proportions(xa, na, xb, nb).map(|t| t.p)
                            } else {
                                None
                            },
                            p_holm: None,
                        });
                    }
                }
            }
            QuestionComparison {
                question: q.id.to_string(),
                test,
                p_holm: None,
                differences,
            }
        })
        .collect();
    // Holm across the page: the questions' tests as one family, the
    // options' tests as another.
    holm_family(questions.iter_mut().map(|q| {
        let p = q.test.as_ref().and_then(QuestionTest::p);
        (p, &mut q.p_holm)
    }));
    holm_family(
        questions
            .iter_mut()
            .flat_map(|q| q.differences.iter_mut())
            .map(|d| (d.p, &mut d.p_holm)),
    );
    questions
}

/// Each significant difference of a compared page, as marks for the group
/// tables: (group, question, option, the other group's label), both ways.
pub fn marks(
    page: &[QuestionComparison],
    groups: &[Group<'_>],
) -> Vec<(usize, String, String, String)> {
    let mut marks = Vec::new();
    for q in page {
        for d in q.differences.iter().filter(|d| d.is_significant()) {
            let (a, b) = d.groups;
            for (this, other) in [(a, b), (b, a)] {
                marks.push((
                    this,
                    q.question.clone(),
                    d.option.clone(),
                    groups[other].label.to_owned(),
                ));
            }
        }
    }
    marks
}

/// The whole-table test of a one-choice question across the groups.
fn question_test(groups: &[Group<'_>], question: &crate::domain::QuestionId) -> QuestionTest {
    let table: Vec<Vec<u64>> = groups
        .iter()
        .filter_map(|g| g.results.question(question))
        .map(|q| q.test_counts().1)
        .collect();
    let Some(test) = chi_square(&table) else {
        return QuestionTest::NotValid {
            why: "Too few answers in at least two groups and two answers to test".to_owned(),
        };
    };
    if test.min_expected >= MIN_EXPECTED {
        return QuestionTest::ChiSquare(test);
    }
    // Only the rows and columns chi_square kept: a 2×2 table goes to Fisher.
    if let (rows, columns) = occupied(&table)
        && let ([r1, r2], [c1, c2]) = (rows.as_slice(), columns.as_slice())
    {
        return QuestionTest::Fisher {
            p: fisher_exact(r1[*c1], r1[*c2], r2[*c1], r2[*c2]),
        };
    }
    QuestionTest::NotValid {
        why: format!(
            "Some groups are too small for a valid test: the smallest expected count is {:.1}, under {MIN_EXPECTED}",
            test.min_expected
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::SurveyResults;
    use crate::stats::testing::{reference, safety_survey, scale_counts};
    use proptest::prelude::*;

    fn counts(value: &serde_json::Value) -> Vec<Vec<u64>> {
        value
            .as_array()
            .expect("rows")
            .iter()
            .map(|r| {
                r.as_array()
                    .expect("a row")
                    .iter()
                    .map(|n| n.as_u64().expect("a count"))
                    .collect()
            })
            .collect()
    }

    fn close(got: f64, want: f64, what: &str) {
        assert!((got - want).abs() < 1e-9, "{what}: {got} against {want}");
    }

    #[test]
    fn chi_square_matches_scipy() {
        let reference = reference();
        for case in reference["chi_square"].as_array().expect("cases") {
            let table = counts(&case["table"]);
            let test = chi_square(&table).expect("a table to test");
            close(
                test.statistic,
                case["statistic"].as_f64().expect("statistic"),
                "statistic",
            );
            close(test.p, case["p"].as_f64().expect("p"), "p");
            assert_eq!(u64::from(test.df), case["df"].as_u64().expect("df"));
            close(
                test.min_expected,
                case["min_expected"].as_f64().expect("min"),
                "min expected",
            );
        }
        assert_eq!(
            chi_square(&[vec![3, 0], vec![4, 0]]),
            None,
            "one answer: nothing to test"
        );
    }

    #[test]
    fn fisher_matches_scipy() {
        let reference = reference();
        for case in reference["fisher"].as_array().expect("cases") {
            let t = counts(&case["table"]);
            close(
                fisher_exact(t[0][0], t[0][1], t[1][0], t[1][1]),
                case["p"].as_f64().expect("p"),
                "fisher",
            );
        }
    }

    #[test]
    fn two_proportions_match_statsmodels() {
        let reference = reference();
        for case in reference["two_proportions"].as_array().expect("cases") {
            let n = |k: &str| case[k].as_u64().expect("a count");
            let test = two_proportions(n("x1"), n("n1"), n("x2"), n("n2")).expect("testable");
            close(test.z, case["z"].as_f64().expect("z"), "z");
            close(test.p, case["p"].as_f64().expect("p"), "p");
        }
        assert_eq!(two_proportions(0, 10, 0, 20), None);
        assert_eq!(two_proportions(1, 0, 0, 20), None);
    }

    #[test]
    fn holm_matches_statsmodels() {
        let reference = reference();
        for case in reference["holm"].as_array().expect("cases") {
            let raw: Vec<f64> = case["raw"]
                .as_array()
                .expect("raw")
                .iter()
                .map(|p| p.as_f64().expect("p"))
                .collect();
            let want: Vec<f64> = case["corrected"]
                .as_array()
                .expect("corrected")
                .iter()
                .map(|p| p.as_f64().expect("p"))
                .collect();
            for (got, want) in holm(&raw).iter().zip(&want) {
                close(*got, *want, "holm");
            }
        }
    }

    #[test]
    fn a_real_difference_is_marked_with_a_sentence_and_a_chance_one_is_not() {
        let def = safety_survey();
        let a = SurveyResults::from_counts(&def, scale_counts([40, 30, 10, 10, 5, 5]));
        let b = SurveyResults::from_counts(&def, scale_counts([15, 20, 25, 20, 15, 5]));
        let groups = [
            Group {
                label: "Dartford",
                results: &a,
            },
            Group {
                label: "Gravesham",
                results: &b,
            },
        ];
        let page = compare(&groups, "borough");
        let scale = page
            .iter()
            .find(|q| q.question == "safe-after-dark")
            .expect("the scale");
        assert!(
            matches!(scale.test, Some(QuestionTest::ChiSquare(t)) if t.p < 0.001),
            "{:?}",
            scale.test
        );
        let very = scale
            .differences
            .iter()
            .find(|d| d.option == "very-safe")
            .expect("very safe");
        assert!(very.is_significant());
        assert_eq!(
            very.sentence(&groups).as_deref(),
            Some(
                "More Dartford respondents than Gravesham respondents chose Very safe (40% against 15%); a difference this large would arise by chance less than 1 time in 1,000"
            )
        );
        let unsure = scale
            .differences
            .iter()
            .find(|d| d.option == "dont-know")
            .expect("don't know");
        assert!(!unsure.is_significant() && unsure.sentence(&groups).is_none());
        // Holm never makes a difference look surer than its own test.
        for d in &scale.differences {
            if let (Some(p), Some(h)) = (d.p, d.p_holm) {
                assert!(h >= p);
            }
        }
    }

    #[test]
    fn tiny_groups_get_no_marks_but_a_reason() {
        let def = safety_survey();
        let a = SurveyResults::from_counts(&def, scale_counts([3, 1, 0, 0, 0, 1]));
        let b = SurveyResults::from_counts(&def, scale_counts([0, 1, 1, 0, 1, 0]));
        let groups = [
            Group {
                label: "A",
                results: &a,
            },
            Group {
                label: "B",
                results: &b,
            },
        ];
        let page = compare(&groups, "borough");
        let scale = page
            .iter()
            .find(|q| q.question == "safe-after-dark")
            .expect("the scale");
        assert!(
            matches!(&scale.test, Some(QuestionTest::NotValid { why }) if why.contains("too small")),
            "{:?}",
            scale.test
        );
        assert!(
            scale
                .differences
                .iter()
                .all(|d| d.p.is_none() && !d.is_significant())
        );
    }

    proptest! {
        #[test]
        fn holm_never_lowers_a_p_value_nor_passes_1(raw in proptest::collection::vec(0.0f64..=1.0, 0..20)) {
            let corrected = holm(&raw);
            for (c, r) in corrected.iter().zip(&raw) {
                prop_assert!(c >= r && *c <= 1.0);
            }
        }

        #[test]
        fn a_fisher_p_value_is_a_probability(a in 0u64..30, b in 0u64..30, c in 0u64..30, d in 0u64..30) {
            let p = fisher_exact(a, b, c, d);
            prop_assert!((0.0..=1.0).contains(&p), "{p}");
        }
    }
}
