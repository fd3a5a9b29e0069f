//! The consultation section of the strategy, in the shape of the 2019
//! "Public Opinion" section: when and where the survey ran, how many
//! responded and from where, the most-important table with the top three
//! concerns of each category, the pie chart, and the breakdown of
//! respondents. One model, drawn as a print-ready HTML page and as DOCX.

use crate::domain::SurveyDefinition;
use crate::stats::SurveyResults;
use crate::stats::{OptionResult, QuestionResult, Shown};

/// One row of the most-important table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryRow {
    pub label: String,
    /// "163 respondents (40%)".
    pub respondents: String,
    /// "Of 154 respondents to this question:", when there is a follow-up.
    pub base: Option<String>,
    /// "Fly-tipping 65 (42%)", the top three.
    pub top: Vec<String>,
}

/// One column of the breakdown of respondents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakdownColumn {
    /// "Age from 342 responses".
    pub heading: String,
    /// ("18-24", "3.5%").
    pub rows: Vec<(String, String)>,
}

/// Everything the section says.
#[derive(Debug, Clone)]
pub struct Report {
    pub heading: String,
    pub paragraphs: Vec<String>,
    /// The category question's label, for the table's first heading.
    pub category_heading: Option<String>,
    pub categories: Vec<CategoryRow>,
    /// The question whose pie chart the section shows.
    pub pie_question: Option<String>,
    pub breakdown_heading: String,
    pub breakdown: Vec<BreakdownColumn>,
    /// The method, as a footnote: what the percentages are of, how sure
    /// they are, and which bases are small.
    pub method: String,
}

impl Report {
    /// Adds the comparison of groups: each real difference in a sentence,
    /// or that none is larger than chance, and how they were tested.
    pub fn add_differences(
        &mut self,
        groups: &[crate::stats::difference::Group<'_>],
        page: &[crate::stats::difference::QuestionComparison],
    ) {
        let names: Vec<String> = groups.iter().map(|g| g.label.to_owned()).collect();
        let sentences: Vec<String> = page
            .iter()
            .flat_map(|q| q.differences.iter())
            .filter_map(|d| d.sentence(groups))
            .collect();
        self.paragraphs.push(if sentences.is_empty() {
            format!(
                "Between {}: no difference is larger than chance could easily give.",
                and_list(&names)
            )
        } else {
            format!("Between {}: {}.", and_list(&names), sentences.join("; "))
        });
        self.method.push_str(
            " Differences between groups are tested answer by answer (a two-proportion test) and question by question (chi-square, or Fisher's exact test for a small two-by-two table), corrected for testing many at once (Holm).",
        );
    }

    /// Adds the changes since an earlier wave: each real one in a sentence,
    /// or that none is larger than chance, and how they were tested.
    pub fn add_changes(
        &mut self,
        definition: &crate::domain::SurveyDefinition,
        changes: &crate::stats::waves::WaveChanges,
    ) {
        let sentences: Vec<String> = changes
            .changes
            .iter()
            .flat_map(|q| {
                let label = definition
                    .question(&q.question)
                    .map_or(q.question.clone(), |d| d.short_label().to_owned());
                q.options
                    .iter()
                    .filter_map(|o| o.sentence(&label, &changes.current, &changes.since))
                    .collect::<Vec<_>>()
            })
            .collect();
        self.paragraphs.push(if sentences.is_empty() {
            format!(
                "Since {}: no change is larger than chance could easily give.",
                changes.since
            )
        } else {
            format!("Since {}: {}.", changes.since, sentences.join("; "))
        });
        self.method.push_str(&format!(
            " Changes since {} are in percentage points, matched by question and answer, with 95% intervals (Newcombe) and two-proportion tests corrected for testing many at once (Holm).",
            changes.since
        ));
        if let Some(why) = &changes.unweighted_because {
            self.method.push(' ');
            self.method.push_str(why);
        }
    }
}

use crate::stats::and_list;

/// A share to two places, from its unrounded percentage (of the weighted
/// base, in a weighted view).
fn two_places(o: &OptionResult) -> String {
    format!("{:.2}%", o.percent)
}

fn top_three(q: &QuestionResult) -> Vec<&OptionResult> {
    q.ranked()
        .into_iter()
        .filter(|o| o.count > 0)
        .take(3)
        .collect()
}

/// Builds the section from a survey's results.
pub fn build(definition: &SurveyDefinition, results: &SurveyResults) -> Report {
    let mut paragraphs = Vec::new();
    match definition.fieldwork() {
        Some(f) => {
            let mut text = format!(
                "A public opinion survey was conducted between {} and {}",
                f.from.format("%-d %B"),
                f.to.format("%-d %B %Y")
            );
            if !f.channels.is_empty() {
                text.push_str(&format!(
                    ", and was made available on {}",
                    and_list(&f.channels)
                ));
            }
            text.push('.');
            paragraphs.push(text);
        }
        None => {
            if let (Some((first, _)), Some((last, _))) =
                (results.per_day.first(), results.per_day.last())
            {
                paragraphs.push(format!(
                    "A public opinion survey was conducted between {} and {}.",
                    first.format("%-d %B"),
                    last.format("%-d %B %Y")
                ));
            }
        }
    }
    let who = definition.who_can_answer().trim_end_matches('.');
    paragraphs.push(format!(
        "{who} were invited to complete the survey, which asked them to identify the issues of greatest concern in their area."
    ));

    let first = definition
        .questions()
        .first()
        .and_then(|q| results.question(q.id()));
    let mut total = format!("A total of {} people responded", results.completed);
    if let Some(first) = first {
        let parts: Vec<String> = first
            .ranked()
            .iter()
            .filter(|o| o.count > 0)
            .map(|o| format!("{} ({}) {}", o.count, two_places(o), o.label))
            .collect();
        if !parts.is_empty() {
            total.push_str(&format!(" – {}", and_list(&parts)));
        }
    }
    total.push('.');
    paragraphs.push(total);

    let category = results.categories().next();
    let mut categories = Vec::new();
    if let Some(c) = category {
        if let Some(top) = c.ranked().first().filter(|o| o.count > 0) {
            paragraphs.push(format!(
                "Respondents were asked \u{201c}{}\u{201d} {} people answered this question and the largest number chose {} – {} ({} of those who answered).",
                c.label,
                c.answered,
                top.label,
                top.count,
                two_places(top)
            ));
        }
        paragraphs.push(
            "Once people had identified the most important issue, they were asked to choose their top three concerns within that category, with the following results:".to_owned(),
        );
        for option in &c.options {
            let follow_up = results.follow_ups(&c.id, &option.id).next();
            categories.push(CategoryRow {
                label: option.label.clone(),
                respondents: format!(
                    "{} respondents ({})",
                    option.count,
                    Shown::Whole(option.rounded)
                ),
                base: follow_up.map(|f| format!("Of {} respondents to this question:", f.answered)),
                top: follow_up
                    .map(|f| {
                        top_three(f)
                            .iter()
                            .map(|o| {
                                format!("{} {} ({})", o.label, o.count, Shown::Whole(o.rounded))
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }

    let breakdown: Vec<BreakdownColumn> = results
        .questions
        .iter()
        .filter(|q| {
            definition
                .question(q.id.as_str())
                .is_some_and(|d| d.demographic())
        })
        .map(|q| BreakdownColumn {
            heading: format!("{} from {} responses", q.short_label, q.answered),
            rows: q
                .options
                .iter()
                .filter(|o| o.count > 0)
                .map(|o| (o.label.clone(), Shown::Tenths(o.rounded_tenths).to_string()))
                .collect(),
        })
        .collect();

    // An example interval from the table's first row, when there is one.
    let example = category
        .and_then(|c| c.ranked().first().copied().map(|o| (c, o)))
        .and_then(|(_, o)| {
            Some(format!(
                " For example, {} at {} could be anywhere from {:.0}% to {:.0}%.",
                o.label,
                Shown::Whole(o.rounded),
                o.ci_low?.round(),
                o.ci_high?.round()
            ))
        })
        .unwrap_or_default();
    let small: Vec<String> = results
        .questions
        .iter()
        .filter(|q| q.small_base)
        .map(|q| format!("{} ({})", q.short_label, q.answered))
        .collect();
    let small = if small.is_empty() {
        String::new()
    } else {
        format!(
            " Few people answered {}: treat those percentages as a rough guide.",
            and_list(&small)
        )
    };
    let weighting = results
        .weighting
        .as_ref()
        .map(|note| format!(" {}", note.method()))
        .unwrap_or_default();
    let of = if results.weighting.is_some() {
        "the weighted respondents to its question (counts are of people)"
    } else {
        "the respondents to its question"
    };
    let method = format!(
        "Method: each percentage is of {of}. A 95% confidence interval (Wilson score) gives the range the figure for everyone the survey speaks for very likely lies in.{example}{small}{weighting}"
    );

    Report {
        method,
        heading: "Public Opinion".to_owned(),
        paragraphs,
        category_heading: category.map(|c| c.short_label.clone()),
        categories,
        pie_question: category.map(|c| c.id.to_string()),
        breakdown_heading: "Breakdown of respondents who completed the survey".to_owned(),
        breakdown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(and_list(&s(&["a"])), "a");
        assert_eq!(and_list(&s(&["a", "b"])), "a and b");
        assert_eq!(and_list(&s(&["a", "b", "c"])), "a, b and c");
    }
}
