//! The columns of the raw responses export: one per single-choice question,
//! one per option of a multiple-choice question (1/0), one per "please
//! specify" box, after the response number, the submission time and (when
//! the survey has channels) the channel.

use crate::domain::answers::CHANNEL_QUESTION;
use crate::domain::{QuestionKind, ResponseRow, SurveyDefinition};

/// Labels for people, or stable ids for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    Labels,
    Ids,
}

/// One column of the wide export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Response,
    Submitted,
    /// The distribution channel whose link the response came through.
    Channel,
    /// The response's weight (a weighted export).
    Weight,
    Single {
        question: String,
    },
    Choice {
        question: String,
        option: String,
    },
    Specify {
        question: String,
        option: String,
    },
    Text {
        question: String,
    },
}

/// Every column, in survey order (with the weight after the submission
/// time and channel in a weighted export).
pub fn columns(definition: &SurveyDefinition, weighted: bool) -> Vec<Column> {
    let mut columns = vec![Column::Response, Column::Submitted];
    if !definition.channels().is_empty() {
        columns.push(Column::Channel);
    }
    if weighted {
        columns.push(Column::Weight);
    }
    for q in definition.questions() {
        let question = q.id().to_string();
        match q.kind() {
            QuestionKind::Single | QuestionKind::Scale { .. } => columns.push(Column::Single {
                question: question.clone(),
            }),
            QuestionKind::Text { .. } => columns.push(Column::Text {
                question: question.clone(),
            }),
            QuestionKind::Multiple { .. } => {
                columns.extend(q.options().iter().map(|o| Column::Choice {
                    question: question.clone(),
                    option: o.id().to_string(),
                }));
            }
        }
        columns.extend(
            q.options()
                .iter()
                .filter(|o| o.specify().is_some())
                .map(|o| Column::Specify {
                    question: question.clone(),
                    option: o.id().to_string(),
                }),
        );
    }
    columns
}

fn labels<'d>(def: &'d SurveyDefinition, question: &'d str, option: &'d str) -> (&'d str, &'d str) {
    let q = def.question(question);
    (
        q.map_or(question, |q| q.short_label()),
        q.and_then(|q| q.option(option))
            .map_or(option, |o| o.label()),
    )
}

/// A column's header.
pub fn header(def: &SurveyDefinition, column: &Column, naming: Naming) -> String {
    match (column, naming) {
        (Column::Response, Naming::Labels) => "Response".to_owned(),
        (Column::Response, Naming::Ids) => "response".to_owned(),
        (Column::Submitted, Naming::Labels) => "Submitted (UTC)".to_owned(),
        (Column::Submitted, Naming::Ids) => "submitted_at".to_owned(),
        (Column::Channel, Naming::Labels) => "Channel".to_owned(),
        (Column::Channel, Naming::Ids) => CHANNEL_QUESTION.to_owned(),
        (Column::Weight, Naming::Labels) => "Weight".to_owned(),
        (Column::Weight, Naming::Ids) => "weight".to_owned(),
        (Column::Single { question } | Column::Text { question }, Naming::Labels) => def
            .question(question)
            .map_or(question.clone(), |q| q.short_label().to_owned()),
        (Column::Single { question } | Column::Text { question }, Naming::Ids) => question.clone(),
        (Column::Choice { question, option }, Naming::Labels) => {
            let (q, o) = labels(def, question, option);
            format!("{q}: {o}")
        }
        (Column::Choice { question, option }, Naming::Ids) => format!("{question}.{option}"),
        (Column::Specify { question, option }, Naming::Labels) => {
            let (q, o) = labels(def, question, option);
            format!("{q}: {o} (please specify)")
        }
        (Column::Specify { question, option }, Naming::Ids) => {
            format!("{question}.{option}.specify")
        }
    }
}

/// A response's cell in a column. A question the response did not answer is
/// empty, not 0: it may not have been asked.
pub fn cell(def: &SurveyDefinition, column: &Column, row: &ResponseRow, naming: Naming) -> String {
    let answered = |question: &str| row.answers.iter().any(|(q, _, _)| q == question);
    match column {
        Column::Response => row.id.to_string(),
        Column::Submitted => row.submitted_at.format("%Y-%m-%d %H:%M:%S").to_string(),
        // Empty for a response that arrived after the weights were computed.
        Column::Weight => row.weight.map(|w| format!("{w:.6}")).unwrap_or_default(),
        Column::Channel => row
            .answers
            .iter()
            .find(|(q, _, _)| q == CHANNEL_QUESTION)
            .map(|(_, channel, _)| match naming {
                Naming::Labels => def
                    .channel(channel)
                    .map_or(channel.as_str(), |c| c.label())
                    .to_owned(),
                Naming::Ids => channel.clone(),
            })
            .unwrap_or_default(),
        Column::Single { question } => row
            .answers
            .iter()
            .find(|(q, _, _)| q == question)
            .map(|(_, option, _)| match naming {
                Naming::Labels => labels(def, question, option).1.to_owned(),
                Naming::Ids => option.clone(),
            })
            .unwrap_or_default(),
        Column::Choice { question, option } => {
            if !answered(question) {
                String::new()
            } else if row
                .answers
                .iter()
                .any(|(q, o, _)| q == question && o == option)
            {
                "1".to_owned()
            } else {
                "0".to_owned()
            }
        }
        Column::Specify { question, option } => row
            .answers
            .iter()
            .find(|(q, o, _)| q == question && o == option)
            .and_then(|(_, _, detail)| detail.clone())
            .unwrap_or_default(),
        Column::Text { question } => row
            .answers
            .iter()
            .find(|(q, _, _)| q == question)
            .and_then(|(_, _, text)| text.clone())
            .unwrap_or_default(),
    }
}
