//! Small-cell suppression for published tables: no count under `k` is
//! published, and no suppressed count can be worked out from the published
//! ones.
//!
//! A table is one question's counts with its base (the respondents who
//! answered it). Two kinds:
//!
//! - **Shares of one whole** (a single-choice or scale question, or a
//!   multiple-choice one that allows one answer): the cells add up to the
//!   base, which is published. One suppressed cell would be the base less the
//!   others, so the cells not shown must be two or more, and together at
//!   least `k`: then each lies anywhere from 0 to their total, and the group
//!   itself is not a small cell. When the cells under `k` do not meet that,
//!   the smallest shown cell is suppressed as well (complementary
//!   suppression); one such cell always does, as it is at least `k`.
//! - **Independent cells** (multiple choice): each counts the respondents who
//!   ticked that option; they do not add up to anything published, so only
//!   the cells under `k` are suppressed.
//!
//! Cells the table holds but never shows (answers to options a later version
//! of the survey dropped) count as not shown. A table whose base is under
//! `k`, or whose every cell would be suppressed, is withheld whole.
//!
//! Zero counts are under `k` and are suppressed like any other: "no
//! published count under k" holds without exception.

use serde::Serialize;

/// The smallest count published when no setting says otherwise.
pub const DEFAULT_K: u64 = 5;

/// How a table's cells relate to its base.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableKind {
    /// The cells add up to the base.
    OneWhole,
    /// Each cell is its own count out of the base.
    Independent,
}

/// A cell as published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "cell", rename_all = "snake_case")]
pub enum Cell {
    Shown {
        count: u64,
    },
    /// Under `k`.
    Suppressed,
    /// At least `k`, suppressed so that a cell under `k` cannot be worked out.
    Complementary,
}

impl Cell {
    pub fn shown(self) -> Option<u64> {
        match self {
            Cell::Shown { count } => Some(count),
            _ => None,
        }
    }
}

/// A table after suppression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Nothing of it may be published: the base is under `k`, or every cell
    /// would be suppressed.
    Withheld(Withheld),
    Table {
        base: u64,
        cells: Vec<Cell>,
        /// For a table of one whole with cells not shown: their total (the
        /// base less the shown cells, so no secret), published so the shown
        /// rows and this one add up.
        not_shown: Option<u64>,
    },
}

/// Why a table is withheld.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Withheld {
    BaseUnderK,
    EveryCellSuppressed,
}

/// Suppresses `cells` (in the table's order) out of `base`; `hidden` are
/// counts the table holds but never shows (retired options).
pub fn suppress(kind: TableKind, base: u64, cells: &[u64], hidden: &[u64], k: u64) -> Published {
    let k = k.max(1);
    if base < k {
        return Published::Withheld(Withheld::BaseUnderK);
    }
    let mut out: Vec<Cell> = cells
        .iter()
        .map(|&count| {
            if count < k {
                Cell::Suppressed
            } else {
                Cell::Shown { count }
            }
        })
        .collect();
    if kind == TableKind::OneWhole {
        let hidden: Vec<u64> = hidden.iter().copied().filter(|&h| h > 0).collect();
        let unshown = |out: &[Cell]| -> (usize, u64, bool) {
            let mut n = hidden.len();
            let mut total: u64 = hidden.iter().sum();
            let mut any_small = hidden.iter().any(|&h| h < k);
            for (cell, &count) in out.iter().zip(cells) {
                if cell.shown().is_none() {
                    n += 1;
                    total += count;
                    any_small |= count < k;
                }
            }
            (n, total, any_small)
        };
        loop {
            let (n, total, any_small) = unshown(&out);
            // Safe: nothing small is unshown, or the unshown cells are two or
            // more and together at least k.
            if !any_small || (n >= 2 && total >= k) {
                break;
            }
            let smallest = out
                .iter()
                .zip(cells)
                .enumerate()
                .filter(|(_, (cell, _))| cell.shown().is_some())
                .min_by_key(|(i, (_, count))| (**count, *i))
                .map(|(i, _)| i);
            match smallest {
                Some(i) => out[i] = Cell::Complementary,
                None => break,
            }
        }
    }
    if !out.is_empty() && out.iter().all(|c| c.shown().is_none()) {
        return Published::Withheld(Withheld::EveryCellSuppressed);
    }
    let not_shown = match kind {
        TableKind::OneWhole => {
            let shown: u64 = out.iter().filter_map(|c| c.shown()).sum();
            (shown < base).then(|| base - shown)
        }
        TableKind::Independent => None,
    };
    Published::Table {
        base,
        cells: out,
        not_shown,
    }
}

/// Whether a breakdown (a table of counts per group) may be published whole:
/// every cell at least `k`.
pub fn every_cell_passes(cells: &[u64], k: u64) -> bool {
    cells.iter().all(|&c| c >= k.max(1))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn shown(p: &Published) -> Vec<Option<u64>> {
        match p {
            Published::Table { cells, .. } => cells.iter().map(|c| c.shown()).collect(),
            Published::Withheld(_) => vec![],
        }
    }

    #[test]
    fn one_small_cell_takes_the_next_smallest_with_it() {
        let p = suppress(TableKind::OneWhole, 100, &[3, 40, 12, 45], &[], 5);
        assert_eq!(
            p,
            Published::Table {
                base: 100,
                cells: vec![
                    Cell::Suppressed,
                    Cell::Shown { count: 40 },
                    Cell::Complementary,
                    Cell::Shown { count: 45 }
                ],
                not_shown: Some(15),
            }
        );
    }

    #[test]
    fn two_small_cells_that_together_reach_k_need_no_more() {
        let p = suppress(TableKind::OneWhole, 60, &[3, 2, 55], &[], 5);
        assert_eq!(shown(&p), [None, None, Some(55)]);
        // Together under k: the smallest shown cell goes too.
        let p = suppress(TableKind::OneWhole, 60, &[1, 2, 10, 47], &[], 5);
        assert_eq!(shown(&p), [None, None, None, Some(47)]);
    }

    #[test]
    fn zeros_are_under_k_and_a_retired_count_is_not_shown() {
        let p = suppress(TableKind::OneWhole, 110, &[0, 50, 60], &[], 5);
        assert_eq!(
            shown(&p),
            [None, None, Some(60)],
            "0 alone would be 110 - 50 - 60"
        );
        // A retired option's 2 answers and a cell of 3: two unshown, total 5.
        let p = suppress(TableKind::OneWhole, 105, &[3, 100], &[2], 5);
        assert_eq!(shown(&p), [None, Some(100)]);
        // A retired option's 7 answers alone are derivable, but not small.
        let p = suppress(TableKind::OneWhole, 107, &[50, 50], &[7], 5);
        assert_eq!(shown(&p), [Some(50), Some(50)]);
    }

    #[test]
    fn multiple_choice_cells_stand_alone() {
        let p = suppress(TableKind::Independent, 80, &[3, 70, 40], &[], 5);
        assert_eq!(shown(&p), [None, Some(70), Some(40)]);
        assert!(matches!(
            p,
            Published::Table {
                not_shown: None,
                ..
            }
        ));
    }

    #[test]
    fn a_table_is_withheld_when_nothing_could_be_shown() {
        assert_eq!(
            suppress(TableKind::OneWhole, 4, &[2, 2], &[], 5),
            Published::Withheld(Withheld::BaseUnderK)
        );
        assert_eq!(
            suppress(TableKind::OneWhole, 9, &[4, 5], &[], 5),
            Published::Withheld(Withheld::EveryCellSuppressed)
        );
        assert_eq!(
            suppress(TableKind::Independent, 9, &[4, 3], &[], 5),
            Published::Withheld(Withheld::EveryCellSuppressed)
        );
        assert!(every_cell_passes(&[5, 9], 5) && !every_cell_passes(&[5, 4], 5));
    }

    /// What a reader can work out of one unshown cell of a table of one
    /// whole, from the published counts alone: each unshown cell is at least
    /// 0, and together they are the base less the shown cells. Returns the
    /// range of values a cell could take.
    fn feasible(unshown: usize, total: u64) -> (u64, u64) {
        if unshown == 1 {
            (total, total)
        } else {
            (0, total)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn no_published_cell_is_under_k_and_no_suppressed_one_can_be_worked_out(
            cells in proptest::collection::vec(0u64..40, 1..9),
            hidden in proptest::collection::vec(0u64..12, 0..3),
            k in 1u64..11,
            one_whole in any::<bool>(),
        ) {
            let kind = if one_whole { TableKind::OneWhole } else { TableKind::Independent };
            let base = if one_whole {
                cells.iter().sum::<u64>() + hidden.iter().sum::<u64>()
            } else {
                // Each respondent ticks one or more: the base is at least the
                // largest cell and at most their sum.
                (*cells.iter().max().unwrap_or(&0)).max(cells.iter().sum::<u64>() / 2)
            };
            match suppress(kind, base, &cells, &hidden, k) {
                Published::Withheld(Withheld::BaseUnderK) => prop_assert!(base < k),
                Published::Withheld(Withheld::EveryCellSuppressed) => {
                    prop_assert!(base >= k);
                }
                Published::Table { base: b, cells: out, not_shown } => {
                    prop_assert_eq!(b, base);
                    prop_assert!(base >= k);
                    prop_assert_eq!(out.len(), cells.len());
                    for (cell, &count) in out.iter().zip(&cells) {
                        match cell {
                            Cell::Shown { count: c } => {
                                prop_assert_eq!(*c, count);
                                prop_assert!(count >= k, "a shown cell under k");
                            }
                            Cell::Suppressed => prop_assert!(count < k),
                            Cell::Complementary => prop_assert!(count >= k),
                        }
                    }
                    if kind == TableKind::OneWhole {
                        let shown: u64 = out.iter().filter_map(|c| c.shown()).sum();
                        prop_assert_eq!(not_shown, (shown < base).then(|| base - shown));
                        // Every unshown cell under k: the published counts
                        // leave it more than one possible value.
                        let unshown: Vec<u64> = out
                            .iter()
                            .zip(&cells)
                            .filter(|(c, _)| c.shown().is_none())
                            .map(|(_, &n)| n)
                            .chain(hidden.iter().copied().filter(|&h| h > 0))
                            .collect();
                        let total = base - shown;
                        prop_assert_eq!(total, unshown.iter().sum::<u64>());
                        for &n in unshown.iter().filter(|&&n| n < k) {
                            let (low, high) = feasible(unshown.len(), total);
                            prop_assert!(low < high, "a cell of {} could be worked out", n);
                            prop_assert!(total >= k, "the unshown cells together are a small cell");
                        }
                        // No more suppressed than needed: one complementary
                        // cell at most.
                        prop_assert!(out.iter().filter(|c| **c == Cell::Complementary).count() <= 1);
                    } else {
                        prop_assert_eq!(not_shown, None);
                        prop_assert!(!out.contains(&Cell::Complementary));
                    }
                }
            }
        }
    }
}
