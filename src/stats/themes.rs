//! Counts per theme of one free-text question, with their bases: how many
//! answers there are, how many are coded, and each theme's share of the
//! coded answers (an answer can have several themes, so the shares add up
//! to more than 100). Counts are of answers, never weighted.

use serde::Serialize;

use super::percent;

/// One question's themes, as the results, the JSON and the exports show them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeTable {
    pub question: String,
    /// Answers to the question in the view's filters: its text answers, or
    /// for a "please specify" box the answers choosing its option (with
    /// text or without, or with text deleted under retention).
    pub answers: u64,
    /// Of those, answers given at least one theme: the base of the shares.
    pub coded: u64,
    pub themes: Vec<ThemeCount>,
}

/// One theme's count and share of the coded answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeCount {
    pub name: String,
    pub count: u64,
    /// Of the coded answers, unrounded.
    pub percent: f64,
}

impl ThemeTable {
    /// The table from counts, largest first (then by name).
    pub fn new(question: &str, answers: u64, coded: u64, counts: Vec<(String, u64)>) -> Self {
        let mut themes: Vec<ThemeCount> = counts
            .into_iter()
            .map(|(name, count)| ThemeCount {
                percent: percent(count, coded),
                name,
                count,
            })
            .collect();
        themes.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
        ThemeTable {
            question: question.to_owned(),
            answers,
            coded,
            themes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_are_of_the_coded_answers_largest_first() {
        let table = ThemeTable::new(
            "comments",
            40,
            20,
            vec![
                ("Lighting".to_owned(), 5),
                ("Parking".to_owned(), 12),
                ("Noise".to_owned(), 5),
            ],
        );
        let names: Vec<&str> = table.themes.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["Parking", "Lighting", "Noise"]);
        assert!((table.themes[0].percent - 60.0).abs() < 1e-9);
        let empty = ThemeTable::new("comments", 0, 0, vec![("Parking".to_owned(), 0)]);
        assert!(
            empty.themes[0].percent.abs() < 1e-9,
            "no coded answers: 0, not NaN"
        );
    }
}
