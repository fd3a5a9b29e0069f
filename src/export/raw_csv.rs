//! The raw responses as CSV, wide (one row per response) or long (one row
//! per chosen option), written page by page as a source (storage, in the
//! service) hands them over, so memory stays flat whatever their number.

use std::io::Write;

use super::columns::{Naming, cell, columns, header};
use super::{BOM, neutralise};
use crate::domain::answers::CHANNEL_QUESTION;
use crate::domain::{QuestionKind, ResponseRow, SurveyDefinition};

/// Responses asked of the source at a time.
pub const PAGE: i64 = 2_000;

/// The shape of a raw export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawOptions {
    pub naming: Naming,
    /// Start with a UTF-8 byte order mark, for Excel.
    pub bom: bool,
    /// One row per chosen option (response, question, option) instead of
    /// one row per response.
    pub long: bool,
    /// A weight column after the submission time (wide only).
    pub weighted: bool,
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The source of the responses failed.
    #[error("reading the responses failed: {0}")]
    Read(#[source] Box<dyn std::error::Error + Send + Sync>),
    #[error("writing the export failed: {0}")]
    Write(#[from] csv::Error),
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes the responses that `next_page` hands over to `out`. `next_page`
/// is asked for up to [`PAGE`] responses with ids above the last one
/// written (0 at first), oldest first, until it gives none. Calls
/// `progress` with the rows written so far.
pub fn write_responses<W, E>(
    definition: &SurveyDefinition,
    options: RawOptions,
    mut next_page: impl FnMut(i64) -> Result<Vec<ResponseRow>, E>,
    mut out: W,
    mut progress: impl FnMut(u64),
) -> Result<u64, ExportError>
where
    W: Write,
    E: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if options.bom {
        out.write_all(BOM)?;
    }
    let mut writer = csv::Writer::from_writer(out);
    let columns = columns(definition, options.weighted && !options.long);
    if options.long {
        let headers = match options.naming {
            Naming::Labels => [
                "Response",
                "Submitted (UTC)",
                "Question",
                "Answer",
                "Please specify",
            ],
            Naming::Ids => ["response", "submitted_at", "question", "option", "specify"],
        };
        writer.write_record(headers)?;
    } else {
        writer.write_record(
            columns
                .iter()
                .map(|c| neutralise(&header(definition, c, options.naming)).into_owned()),
        )?;
    }
    let mut after = 0;
    let mut rows = 0u64;
    loop {
        let page = next_page(after).map_err(|e| ExportError::Read(e.into()))?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for response in &page {
            if options.long {
                let mut answers = response.answers.clone();
                answers.sort_by_key(|(q, o, _)| {
                    let question = definition.question(q);
                    (
                        question.and_then(|x| definition.position(x.id())),
                        question
                            .and_then(|x| x.options().iter().position(|y| y.id().as_str() == o)),
                    )
                });
                for (question, option, detail) in &answers {
                    let is_text = definition
                        .question(question)
                        .is_some_and(|q| matches!(q.kind(), QuestionKind::Text { .. }));
                    let (q, o) = match options.naming {
                        // A text answer's words go in the answer column.
                        Naming::Labels if is_text => (
                            definition
                                .question(question)
                                .map_or(question.as_str(), |x| x.short_label())
                                .to_owned(),
                            detail.clone().unwrap_or_default(),
                        ),
                        // The channel a response came through, stored as
                        // the answer to the hidden question.
                        Naming::Labels if question == CHANNEL_QUESTION => (
                            "Channel".to_owned(),
                            definition
                                .channel(option)
                                .map_or(option.as_str(), |c| c.label())
                                .to_owned(),
                        ),
                        Naming::Labels => {
                            let found = definition.question(question);
                            (
                                found
                                    .map_or(question.as_str(), |x| x.short_label())
                                    .to_owned(),
                                found
                                    .and_then(|x| x.option(option))
                                    .map_or(option.as_str(), |x| x.label())
                                    .to_owned(),
                            )
                        }
                        Naming::Ids => (question.clone(), option.clone()),
                    };
                    writer.write_record([
                        response.id.to_string(),
                        response
                            .submitted_at
                            .format("%Y-%m-%d %H:%M:%S")
                            .to_string(),
                        neutralise(&q).into_owned(),
                        neutralise(&o).into_owned(),
                        if is_text && options.naming == Naming::Labels {
                            String::new()
                        } else {
                            neutralise(detail.as_deref().unwrap_or_default()).into_owned()
                        },
                    ])?;
                    rows += 1;
                }
            } else {
                writer.write_record(columns.iter().map(|c| {
                    neutralise(&cell(definition, c, response, options.naming)).into_owned()
                }))?;
                rows += 1;
            }
        }
        writer.flush()?;
        progress(rows);
    }
    writer.flush()?;
    Ok(rows)
}
