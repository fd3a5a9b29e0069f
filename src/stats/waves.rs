//! Change between waves: this survey's figures against an earlier wave's
//! (another survey asking the same questions, matched by question and
//! option id, such as csp-2020 against csp-2019). For each option, the
//! change in percentage points with its 95% interval (Newcombe's hybrid
//! score interval, built from the two Wilson intervals) and a two-proportion
//! test of whether it is real, Holm-corrected across the page. Weighted
//! views use each wave's effective base. Pure functions; reference values
//! from statsmodels are in `tests/reference/values.json`.

use serde::Serialize;

use super::difference::{ALPHA, MIN_EXPECTED, holm_family, two_proportions};
use super::{QuestionResult, SurveyResults, wilson};

/// One wave of a survey: a label for people ("2019") and its results.
#[derive(Debug, Clone, Copy)]
pub struct Wave<'a> {
    pub label: &'a str,
    pub results: &'a SurveyResults,
}

/// Newcombe's hybrid score interval (his method 10) of the difference
/// p1 − p2 of two independent proportions observed on bases n1 and n2, as
/// proportions; none when a base is not positive.
pub fn newcombe(p1: f64, n1: f64, p2: f64, n2: f64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(p1, n1)?;
    let (l2, u2) = wilson(p2, n2)?;
    let d = p1 - p2;
    let low = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let high = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((low, high))
}

/// One option's change since the earlier wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionChange {
    pub option: String,
    pub label: String,
    /// Percentages in the earlier wave and this one.
    pub earlier: f64,
    pub current: f64,
    /// This wave's percentage minus the earlier one's, in points.
    pub change: f64,
    /// The 95% interval of the change, in points.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// The two-proportion test's p-value, and Holm's across the page; none
    /// when the test is not valid (an expected count under 5).
    pub p: Option<f64>,
    pub p_holm: Option<f64>,
}

impl OptionChange {
    pub fn is_significant(&self) -> bool {
        self.p_holm.is_some_and(|p| p < ALPHA)
    }

    /// The change in words an officer can paste, if it is significant.
    pub fn sentence(&self, question: &str, current: &str, earlier: &str) -> Option<String> {
        let p = self.p_holm.filter(|p| *p < ALPHA)?;
        let direction = if self.change >= 0.0 {
            "higher"
        } else {
            "lower"
        };
        let odds = if p < 0.001 {
            "less than 1 time in 1,000"
        } else if p < 0.01 {
            "less than 1 time in 100"
        } else {
            "less than 1 time in 20"
        };
        Some(format!(
            "{question}: {:.1}% chose {} in {current} against {:.1}% in {earlier}, {:.1} points {direction} (95% interval {:+.1} to {:+.1}); a change this large would arise by chance {odds}",
            self.current,
            self.label,
            self.earlier,
            self.change.abs(),
            self.ci_low.unwrap_or(f64::NAN),
            self.ci_high.unwrap_or(f64::NAN),
        ))
    }
}

/// A page's changes since its reference wave, with the two waves' names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WaveChanges {
    pub current: String,
    pub since: String,
    pub changes: Vec<QuestionChange>,
    /// Why a weighted view compared the waves unweighted, if it did.
    pub unweighted_because: Option<String>,
}

/// One question's changes since the earlier wave.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionChange {
    pub question: String,
    pub options: Vec<OptionChange>,
}

/// The share and the base an interval and a test use: the weighted share
/// and effective base in a weighted view.
fn share_and_base(q: &QuestionResult, option: usize) -> (f64, f64) {
    let p = q.options[option].percent / 100.0;
    let n = q.weighted.map_or(q.answered as f64, |w| w.effective);
    (p, n)
}

/// Every question both waves asked, option by option (options matched by
/// id; an option the earlier wave did not offer is left out), with the
/// change since `earlier`, Holm-corrected across the page.
pub fn changes(current: &SurveyResults, earlier: &SurveyResults) -> Vec<QuestionChange> {
    let mut questions: Vec<QuestionChange> = current
        .questions
        .iter()
        .filter(|q| !q.is_text())
        .filter_map(|q| {
            let before = earlier.question(&q.id)?;
            if before.answered == 0 || q.answered == 0 {
                return None;
            }
            let (n_now, counts_now) = q.test_counts();
            let (n_before, counts_before) = before.test_counts();
            let options = q
                .options
                .iter()
                .enumerate()
                .filter_map(|(i, o)| {
                    let j = before.options.iter().position(|b| b.id == o.id)?;
                    let (p1, n1) = share_and_base(q, i);
                    let (p2, n2) = share_and_base(before, j);
                    let interval = newcombe(p1, n1, p2, n2);
                    let (x1, x2) = (counts_now[i], counts_before[j]);
                    let total = (n_now + n_before) as f64;
                    let chosen = (x1 + x2) as f64;
                    let valid = total > 0.0
                        && [n_now as f64, n_before as f64].iter().all(|n| {
                            chosen * n / total >= MIN_EXPECTED
                                && (total - chosen) * n / total >= MIN_EXPECTED
                        });
                    Some(OptionChange {
                        option: o.id.to_string(),
                        label: o.label.clone(),
                        earlier: before.options[j].percent,
                        current: o.percent,
                        change: o.percent - before.options[j].percent,
                        ci_low: interval.map(|(l, _)| l * 100.0),
                        ci_high: interval.map(|(_, h)| h * 100.0),
                        p: if valid {
                            two_proportions(x1, n_now, x2, n_before).map(|t| t.p)
                        } else {
                            None
                        },
                        p_holm: None,
                    })
                })
                .collect();
            Some(QuestionChange {
                question: q.id.to_string(),
                options,
            })
        })
        .collect();
    holm_family(
        questions
            .iter_mut()
            .flat_map(|q| q.options.iter_mut())
            .map(|c| (c.p, &mut c.p_holm)),
    );
    questions
}

/// One question's percentages across waves, oldest first, for a trend
/// chart: each option's percentage in each wave (none where that wave did
/// not ask the question or offer the option).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    pub question: String,
    pub waves: Vec<String>,
    /// (option label, a percentage per wave).
    pub series: Vec<(String, Vec<Option<f64>>)>,
}

/// The trend of `question` across `waves` (oldest first), with the answers
/// of `current` (the page's own wave), or none when fewer than two of them
/// asked it.
pub fn trend(
    waves: &[Wave<'_>],
    current: usize,
    question: &crate::domain::QuestionId,
) -> Option<Trend> {
    let current = waves.get(current)?.results.question(question)?;
    let asked = waves
        .iter()
        .filter(|w| w.results.question(question).is_some_and(|q| q.answered > 0))
        .count();
    if asked < 2 {
        return None;
    }
    Some(Trend {
        question: question.to_string(),
        waves: waves.iter().map(|w| w.label.to_owned()).collect(),
        series: current
            .options
            .iter()
            .map(|o| {
                let points = waves
                    .iter()
                    .map(|w| {
                        let q = w.results.question(question).filter(|q| q.answered > 0)?;
                        q.options.iter().find(|b| b.id == o.id).map(|b| b.percent)
                    })
                    .collect();
                (o.label.clone(), points)
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::testing::{reference, safety_survey, scale_counts};

    #[test]
    fn newcombe_matches_statsmodels() {
        for case in reference()["newcombe"].as_array().expect("cases") {
            let n = |k: &str| case[k].as_f64().expect("number");
            let (low, high) =
                newcombe(n("x1") / n("n1"), n("n1"), n("x2") / n("n2"), n("n2")).expect("bases");
            assert!((low - n("low")).abs() < 1e-9, "{case}: {low}");
            assert!((high - n("high")).abs() < 1e-9, "{case}: {high}");
        }
        assert_eq!(newcombe(0.5, 0.0, 0.5, 10.0), None);
    }

    #[test]
    fn a_real_change_is_marked_and_put_in_words() {
        let def = safety_survey();
        let before = SurveyResults::from_counts(&def, scale_counts([20, 30, 20, 15, 15, 0]));
        let after = SurveyResults::from_counts(&def, scale_counts([45, 30, 10, 10, 5, 0]));
        let all = changes(&after, &before);
        let scale = all
            .iter()
            .find(|q| q.question == "safe-after-dark")
            .expect("asked in both");
        let very = &scale.options[0];
        assert!((very.change - 25.0).abs() < 1e-9);
        assert!(very.is_significant(), "{very:?}");
        let sentence = very
            .sentence("Safe after dark", "2021", "2020")
            .expect("significant");
        assert!(sentence.starts_with("Safe after dark: 45.0% chose Very safe in 2021 against 20.0% in 2020, 25.0 points higher (95% interval +12.1 to +36.8)"), "{sentence}");
        let unmoved = &scale.options[1];
        assert!(!unmoved.is_significant());
        assert_eq!(unmoved.sentence("Safe", "2021", "2020"), None);
        // "Don't know": nobody in either wave, so no valid test.
        assert_eq!(scale.options[5].p, None);
    }

    #[test]
    fn a_trend_needs_two_waves_that_asked() {
        let def = safety_survey();
        let a = SurveyResults::from_counts(&def, scale_counts([1, 1, 1, 1, 1, 0]));
        let b = SurveyResults::from_counts(&def, scale_counts([2, 1, 1, 0, 0, 0]));
        let q = crate::domain::QuestionId::parse("safe-after-dark").expect("id");
        let waves = [
            Wave {
                label: "2019",
                results: &a,
            },
            Wave {
                label: "2020",
                results: &b,
            },
        ];
        let t = trend(&waves, 1, &q).expect("two waves");
        assert_eq!(t.waves, ["2019", "2020"]);
        assert_eq!(t.series[0].1, vec![Some(20.0), Some(50.0)]);
        assert_eq!(trend(&waves[..1], 0, &q), None);
    }
}
