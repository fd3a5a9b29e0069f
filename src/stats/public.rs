//! The tables of a survey's public results page: the questions an admin
//! chose, from the unweighted results of every response, each suppressed
//! ([`super::suppression`]) with percentages that add up; free text never;
//! a breakdown by one demographic question only where every cell passes.
//!
//! What this builds is all that is published: the page, its open-data CSV
//! and the stored snapshot are made from it, so nothing unsuppressed leaves
//! the service by that route.

use serde::{Deserialize, Serialize};

use super::suppression::{Cell, Published, TableKind, Withheld, every_cell_passes, suppress};
use super::{SurveyResults, half_up, largest_remainder};
use crate::domain::{QuestionKind, SurveyDefinition};

/// Everything the public page shows of a survey's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicResults {
    /// The smallest count shown.
    pub k: u64,
    /// Complete responses counted.
    pub responses: u64,
    pub questions: Vec<PublicQuestion>,
}

/// One question's published table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicQuestion {
    pub id: String,
    pub label: String,
    /// Shares of one whole (radios) rather than ticks each out of the base.
    pub one_whole: bool,
    /// Why nothing of it is shown, if so.
    pub withheld: Option<String>,
    /// Respondents who answered it.
    pub base: Option<u64>,
    pub rows: Vec<PublicRow>,
    /// A table of one whole with rows not shown: their total and share.
    pub not_shown: Option<PublicRow>,
    pub breakdown: Option<PublicBreakdown>,
}

/// A row: its count and whole percent of the base, or none when suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRow {
    pub label: String,
    pub count: Option<u64>,
    pub percent: Option<u64>,
}

/// A question broken down by a demographic question's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicBreakdown {
    /// The demographic question.
    pub by: String,
    /// Its answers, with each one's base for the question.
    pub groups: Vec<(String, u64)>,
    /// Per answer of the question: its count and whole percent in each group.
    pub rows: Vec<(String, Vec<(u64, u64)>)>,
    /// Why it is not shown, if it is not (a group or a cell under k).
    pub withheld: Option<String>,
}

/// What the page needs to build: the survey, its results over every
/// response, and for a breakdown the demographic question and its groups'
/// results (one per answer, in its order).
pub struct Inputs<'a> {
    pub definition: &'a SurveyDefinition,
    pub results: &'a SurveyResults,
    pub questions: &'a [String],
    pub breakdown: Option<(&'a str, &'a [(String, SurveyResults)])>,
    pub k: u64,
}

/// Whether a question can appear on the public page at all: free text never.
pub fn publishable_kind(kind: QuestionKind) -> bool {
    !matches!(kind, QuestionKind::Text { .. })
}

fn table_kind(kind: QuestionKind) -> TableKind {
    match kind {
        QuestionKind::Multiple { max_selections } if max_selections.get() > 1 => {
            TableKind::Independent
        }
        _ => TableKind::OneWhole,
    }
}

/// Why a table is withheld, in words for the page.
fn withheld_because(why: Withheld, k: u64) -> String {
    match why {
        Withheld::BaseUnderK => format!("Fewer than {k} people answered this question."),
        Withheld::EveryCellSuppressed => {
            format!(
                "Every answer was chosen by fewer than {k} people, or could be worked out from those that were not."
            )
        }
    }
}

/// Builds the published tables. Questions that are not in the survey, or
/// are free text, are left out.
pub fn build(inputs: &Inputs) -> PublicResults {
    let k = inputs.k.max(1);
    let questions = inputs
        .questions
        .iter()
        .filter_map(|id| {
            let question = inputs.definition.question(id)?;
            if !publishable_kind(question.kind()) {
                return None;
            }
            let result = inputs
                .results
                .questions
                .iter()
                .find(|q| q.id.as_str() == id)?;
            let kind = table_kind(question.kind());
            let counts: Vec<u64> = result.options.iter().map(|o| o.count).collect();
            let hidden: Vec<u64> = result.retired.iter().map(|r| r.count).collect();
            let mut public = PublicQuestion {
                id: id.clone(),
                label: question.short_label().to_owned(),
                one_whole: kind == TableKind::OneWhole,
                withheld: None,
                base: None,
                rows: Vec::new(),
                not_shown: None,
                breakdown: None,
            };
            match suppress(kind, result.answered, &counts, &hidden, k) {
                Published::Withheld(why) => public.withheld = Some(withheld_because(why, k)),
                Published::Table {
                    base,
                    cells,
                    not_shown,
                } => {
                    let shown: Vec<u64> = cells.iter().filter_map(|c| c.shown()).collect();
                    let percents: Vec<u64> = match kind {
                        TableKind::OneWhole => {
                            let mut parts = shown.clone();
                            parts.extend(not_shown);
                            largest_remainder(&parts, 100)
                        }
                        TableKind::Independent => {
                            shown.iter().map(|&c| half_up(c, base, 100)).collect()
                        }
                    };
                    let mut next = percents.iter();
                    public.rows = result
                        .options
                        .iter()
                        .zip(&cells)
                        .map(|(option, cell)| match cell {
                            Cell::Shown { count } => PublicRow {
                                label: option.label.clone(),
                                count: Some(*count),
                                percent: next.next().copied(),
                            },
                            _ => PublicRow {
                                label: option.label.clone(),
                                count: None,
                                percent: None,
                            },
                        })
                        .collect();
                    public.not_shown = not_shown.map(|n| PublicRow {
                        label: format!("Answers with fewer than {k} people each"),
                        count: Some(n),
                        percent: next.next().copied(),
                    });
                    public.base = Some(base);
                    if let Some((by, groups)) = inputs.breakdown
                        && by != id
                    {
                        public.breakdown = Some(breakdown(inputs, by, groups, id, kind, k));
                    }
                }
            }
            Some(public)
        })
        .collect();
    PublicResults {
        k,
        responses: inputs.results.completed,
        questions,
    }
}

/// The question by each group, shown only if every group's base and every
/// cell is at least `k`, and those who did not answer the demographic
/// question (the difference between the whole and the groups) are none or
/// at least `k` in every cell too, so subtracting the groups from the whole
/// reveals no small group.
fn breakdown(
    inputs: &Inputs,
    by: &str,
    groups: &[(String, SurveyResults)],
    id: &str,
    kind: TableKind,
    k: u64,
) -> PublicBreakdown {
    let by_label = inputs
        .definition
        .question(by)
        .map_or(by, |q| q.short_label())
        .to_owned();
    let whole = inputs
        .results
        .questions
        .iter()
        .find(|q| q.id.as_str() == id);
    let mut out = PublicBreakdown {
        by: by_label,
        groups: Vec::new(),
        rows: Vec::new(),
        withheld: None,
    };
    let Some(whole) = whole else {
        return out;
    };
    let of_group: Vec<Option<&super::QuestionResult>> = groups
        .iter()
        .map(|(_, r)| r.questions.iter().find(|q| q.id.as_str() == id))
        .collect();
    let mut bases = Vec::new();
    let mut cells = Vec::new();
    for q in &of_group {
        bases.push(q.map_or(0, |q| q.answered));
        for option in &whole.options {
            cells.push(q.map_or(0, |q| {
                q.options
                    .iter()
                    .find(|o| o.id == option.id)
                    .map_or(0, |o| o.count)
            }));
        }
    }
    let residual_base = whole.answered.saturating_sub(bases.iter().sum());
    let residuals: Vec<u64> = whole
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            let in_groups: u64 = (0..groups.len())
                .map(|g| cells[g * whole.options.len() + i])
                .sum();
            option.count.saturating_sub(in_groups)
        })
        .collect();
    let passes = every_cell_passes(&bases, k)
        && every_cell_passes(&cells, k)
        && whole.retired.iter().all(|r| r.count == 0)
        && (residual_base == 0 || every_cell_passes(&residuals, k));
    if !passes || groups.is_empty() {
        out.withheld = Some(format!(
            "Not broken down by {}: some groups, or some answers within them, have fewer than {k} people.",
            out.by.to_lowercase()
        ));
        return out;
    }
    out.groups = groups
        .iter()
        .zip(&bases)
        .map(|((label, _), &base)| (label.clone(), base))
        .collect();
    let per_group_percents: Vec<Vec<u64>> = (0..groups.len())
        .map(|g| {
            let row = &cells[g * whole.options.len()..(g + 1) * whole.options.len()];
            match kind {
                TableKind::OneWhole => largest_remainder(row, 100),
                TableKind::Independent => row.iter().map(|&c| half_up(c, bases[g], 100)).collect(),
            }
        })
        .collect();
    out.rows = whole
        .options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            (
                option.label.clone(),
                (0..groups.len())
                    .map(|g| (cells[g * whole.options.len() + i], per_group_percents[g][i]))
                    .collect(),
            )
        })
        .collect();
    out
}

/// What publishing may show, given the figures published before (kept
/// while unpublished too): two versions of the page must never differ by
/// fewer than `k` responses, or comparing them would reveal the answers of
/// the few who responded in between.
#[derive(Debug, Clone, PartialEq)]
pub enum Republish {
    /// New figures from every response now.
    Fresh,
    /// The earlier figures, for the questions still chosen (no new data).
    Keep(PublicResults),
    /// The choice needs new figures, and too few responses have arrived.
    Refuse { counted: u64, arrived: u64 },
}

/// Decides [`Republish`] for publishing `questions` broken down by
/// `breakdown` when `now` responses are stored.
pub fn republish(
    previous: Option<(&PublicResults, Option<&str>)>,
    questions: &[String],
    breakdown: Option<&str>,
    now: u64,
    k: u64,
) -> Republish {
    let Some((before, before_breakdown)) = previous else {
        return Republish::Fresh;
    };
    if now >= before.responses + k.max(1) {
        return Republish::Fresh;
    }
    let known = |id: &String| before.questions.iter().any(|q| &q.id == id);
    if before_breakdown == breakdown && questions.iter().all(known) {
        let mut kept = before.clone();
        kept.questions = questions
            .iter()
            .filter_map(|id| before.questions.iter().find(|q| &q.id == id).cloned())
            .collect();
        return Republish::Keep(kept);
    }
    Republish::Refuse {
        counted: before.responses,
        arrived: now.saturating_sub(before.responses),
    }
}

impl PublicResults {
    /// Questions of `wanted` that would show no figure at all.
    pub fn empty_questions(&self) -> Vec<&PublicQuestion> {
        self.questions
            .iter()
            .filter(|q| q.withheld.is_some())
            .collect()
    }

    /// Every count the page shows (tables and breakdowns): none is under k.
    pub fn shown_counts(&self) -> Vec<u64> {
        let mut all = Vec::new();
        for q in &self.questions {
            all.extend(q.rows.iter().filter_map(|r| r.count));
            all.extend(q.not_shown.as_ref().and_then(|r| r.count));
            if let Some(b) = &q.breakdown {
                all.extend(b.groups.iter().map(|(_, n)| *n));
                for (_, cells) in &b.rows {
                    all.extend(cells.iter().map(|(n, _)| *n));
                }
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(id: &str) -> PublicQuestion {
        PublicQuestion {
            id: id.to_owned(),
            label: id.to_owned(),
            one_whole: true,
            withheld: None,
            base: Some(100),
            rows: Vec::new(),
            not_shown: None,
            breakdown: None,
        }
    }

    #[test]
    fn publishing_again_never_shows_two_versions_fewer_than_k_apart() {
        let before = PublicResults {
            k: 5,
            responses: 420,
            questions: vec![question("borough"), question("age"), question("gender")],
        };
        let ids = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            republish(None, &ids(&["age"]), None, 3, 5),
            Republish::Fresh
        );
        // Five more: anything goes.
        assert_eq!(
            republish(
                Some((&before, None)),
                &ids(&["ethnicity"]),
                Some("borough"),
                425,
                5
            ),
            Republish::Fresh
        );
        // Four more: the same figures, fewer questions or another order.
        match republish(
            Some((&before, None)),
            &ids(&["gender", "borough"]),
            None,
            424,
            5,
        ) {
            Republish::Keep(kept) => {
                assert_eq!(kept.responses, 420);
                let order: Vec<&str> = kept.questions.iter().map(|q| q.id.as_str()).collect();
                assert_eq!(order, ["gender", "borough"]);
            }
            other => panic!("{other:?}"),
        }
        // Four more and a new question or breakdown: refused.
        assert_eq!(
            republish(Some((&before, None)), &ids(&["ethnicity"]), None, 424, 5),
            Republish::Refuse {
                counted: 420,
                arrived: 4
            }
        );
        assert_eq!(
            republish(
                Some((&before, None)),
                &ids(&["age"]),
                Some("borough"),
                421,
                5
            ),
            Republish::Refuse {
                counted: 420,
                arrived: 1
            }
        );
    }
}
