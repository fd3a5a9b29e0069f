//! Filters and comparisons for results, as they appear in a URL:
//! `?f-borough=dartford&f-age=45-54&compare=gender`. Only single-choice
//! questions can filter or split the figures (each response has one answer),
//! and the distribution channel a response came through (`f-channel=`,
//! `compare=channel`), stored as the answer to a hidden question.

use super::answers::channel_question;
use super::definition::{QuestionKind, SurveyDefinition};
use super::ids::{OptionId, QuestionId, Slug};

/// Responses that chose `option` of `question`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filter {
    pub question: QuestionId,
    pub option: OptionId,
}

/// The filters and the comparison a results view asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResultsQuery {
    pub filters: Vec<Filter>,
    pub compare: Option<QuestionId>,
    /// Weighted to the survey's population targets (`weights=on`).
    pub weighted: bool,
    /// Other waves of the survey to set its figures beside (`wave=`, by
    /// slug), matched by question and option ids.
    pub waves: Vec<Slug>,
}

/// The most waves one view sets side by side.
pub const MAX_WAVES: usize = 5;

/// The query-string pair that asks for the weighted figures.
pub const WEIGHTED_PAIR: (&str, &str) = ("weights", "on");

const FILTER_PREFIX: &str = "f-";

/// A way to split the responses: a single-choice question, or the channel
/// their link named. Each response falls in at most one of its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'d> {
    pub id: QuestionId,
    pub label: &'d str,
    pub options: Vec<(&'d OptionId, &'d str)>,
}

impl Split<'_> {
    /// The label of the option with this id, if the split has it.
    pub fn option(&self, id: &str) -> Option<(&OptionId, &str)> {
        self.options
            .iter()
            .find(|(o, _)| o.as_str() == id)
            .map(|(o, l)| (*o, *l))
    }
}

/// Every way the survey's responses can be split: its single-choice
/// questions in order, then the channel if it has channels.
pub fn splits(definition: &SurveyDefinition) -> Vec<Split<'_>> {
    let mut all: Vec<Split<'_>> = definition
        .questions()
        .iter()
        .filter(|q| q.kind().is_one_choice())
        .map(|q| Split {
            id: q.id().clone(),
            label: q.short_label(),
            options: q.options().iter().map(|o| (o.id(), o.label())).collect(),
        })
        .collect();
    if !definition.channels().is_empty() {
        all.push(Split {
            id: channel_question(),
            label: "Channel",
            options: definition
                .channels()
                .iter()
                .map(|c| (c.id(), c.label()))
                .collect(),
        });
    }
    all
}

/// The split with this id, or why there is none.
pub fn split<'d>(definition: &'d SurveyDefinition, id: &str) -> Result<Split<'d>, String> {
    if let Some(found) = splits(definition).into_iter().find(|s| s.id.as_str() == id) {
        return Ok(found);
    }
    let question = definition
        .question(id)
        .ok_or_else(|| format!("This survey has no question {id:?} to filter by"))?;
    let why = match question.kind() {
        QuestionKind::Text { .. } => "is answered in free text",
        _ => "allows several answers",
    };
    Err(format!(
        "\u{201c}{}\u{201d} {why}, so it cannot filter or split the figures",
        question.short_label()
    ))
}

/// The query-string key that filters by `question`.
pub fn filter_key(question: &str) -> String {
    format!("{FILTER_PREFIX}{question}")
}

impl ResultsQuery {
    /// Reads the query string's pairs; other parameters are left alone.
    pub fn parse<'a>(
        definition: &SurveyDefinition,
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<ResultsQuery, String> {
        let mut query = ResultsQuery::default();
        for (key, value) in pairs {
            if value.is_empty() {
                continue;
            }
            if let Some(id) = key.strip_prefix(FILTER_PREFIX) {
                let split = split(definition, id)?;
                let (option, _) = split.option(value).ok_or_else(|| {
                    format!(
                        "\u{201c}{}\u{201d} has no answer {value:?} to filter by",
                        split.label
                    )
                })?;
                if query.filters.iter().any(|f| f.question == split.id) {
                    return Err(format!(
                        "Filter \u{201c}{}\u{201d} by one answer at a time",
                        split.label
                    ));
                }
                query.filters.push(Filter {
                    question: split.id.clone(),
                    option: option.clone(),
                });
            } else if key == "compare" {
                query.compare = Some(split(definition, value)?.id);
            } else if key == "wave" {
                let slug = Slug::parse(value).map_err(|_| {
                    format!("\u{201c}{value}\u{201d} is not the web address name of a survey")
                })?;
                if &slug == definition.slug() {
                    return Err("Compare this survey with another wave, not with itself".to_owned());
                }
                if !query.waves.contains(&slug) {
                    query.waves.push(slug);
                }
                if query.waves.len() > MAX_WAVES {
                    return Err(format!("Compare at most {MAX_WAVES} waves at once"));
                }
            } else if key == WEIGHTED_PAIR.0 {
                query.weighted = match value {
                    "on" => true,
                    "off" => false,
                    _ => {
                        return Err(format!(
                            "Ask for weighted figures with {}=on (or {}=off for unweighted)",
                            WEIGHTED_PAIR.0, WEIGHTED_PAIR.0
                        ));
                    }
                };
            }
        }
        if query.compare.is_some() && !query.waves.is_empty() {
            return Err("Compare groups or waves, one at a time".to_owned());
        }
        query
            .filters
            .sort_by_key(|f| definition.position(&f.question));
        Ok(query)
    }

    /// The filter on `question`, if any.
    pub fn filter_on(&self, question: &QuestionId) -> Option<&OptionId> {
        self.filters
            .iter()
            .find(|f| &f.question == question)
            .map(|f| &f.option)
    }

    /// These filters plus one more (for one group of a comparison).
    pub fn with(&self, question: &QuestionId, option: &OptionId) -> Vec<Filter> {
        let mut filters: Vec<Filter> = self
            .filters
            .iter()
            .filter(|f| &f.question != question)
            .cloned()
            .collect();
        filters.push(Filter {
            question: question.clone(),
            option: option.clone(),
        });
        filters
    }

    /// The filters as query-string pairs, for a form that keeps them.
    pub fn filter_pairs(&self) -> Vec<(String, String)> {
        self.filters
            .iter()
            .map(|f| (filter_key(f.question.as_str()), f.option.to_string()))
            .collect()
    }

    /// The query string that asks for this view again (without `?`).
    pub fn to_query_string(&self) -> String {
        let mut parts: Vec<String> = self
            .filters
            .iter()
            .map(|f| format!("{FILTER_PREFIX}{}={}", f.question, f.option))
            .collect();
        if let Some(compare) = &self.compare {
            parts.push(format!("compare={compare}"));
        }
        for wave in &self.waves {
            parts.push(format!("wave={wave}"));
        }
        if self.weighted {
            parts.push(format!("{}={}", WEIGHTED_PAIR.0, WEIGHTED_PAIR.1));
        }
        parts.join("&")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn csp() -> SurveyDefinition {
        SurveyDefinition::load_file(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/surveys/csp-2019.toml"),
        )
        .expect("valid")
    }

    #[test]
    fn filters_and_comparison_round_trip_through_the_url() {
        let def = csp();
        let q = ResultsQuery::parse(
            &def,
            [
                ("f-age", "45-54"),
                ("f-borough", "dartford"),
                ("compare", "gender"),
                ("partial", "1"),
                ("f-gender", ""),
            ],
        )
        .expect("valid");
        assert_eq!(q.filters.len(), 2);
        assert_eq!(q.filters[0].question.as_str(), "borough", "in survey order");
        assert_eq!(
            q.to_query_string(),
            "f-borough=dartford&f-age=45-54&compare=gender"
        );
        assert_eq!(
            ResultsQuery::parse(
                &def,
                [
                    ("f-borough", "dartford"),
                    ("f-age", "45-54"),
                    ("compare", "gender")
                ]
            ),
            Ok(q)
        );
    }

    #[test]
    fn bad_filters_are_explained() {
        let def = csp();
        assert_eq!(
            ResultsQuery::parse(&def, [("f-nope", "x")]),
            Err("This survey has no question \"nope\" to filter by".to_owned())
        );
        assert_eq!(
            ResultsQuery::parse(&def, [("f-borough", "london")]),
            Err("\u{201c}Borough\u{201d} has no answer \"london\" to filter by".to_owned())
        );
        assert!(ResultsQuery::parse(&def, [("f-asb-concerns", "graffiti")]).is_err());
        assert!(
            ResultsQuery::parse(
                &def,
                [("f-borough", "dartford"), ("f-borough", "gravesham")]
            )
            .is_err()
        );
        assert!(ResultsQuery::parse(&def, [("compare", "asb-concerns")]).is_err());
    }
}
