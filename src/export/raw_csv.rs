//! The raw responses as CSV, wide (one row per response) or long (one row
//! per chosen option), streamed page by page from storage.

use std::io::Write;

use super::columns::{Naming, cell, columns, header};
use super::{BOM, neutralise};
use crate::db::exports::page_of_responses;
use crate::db::surveys::SurveyId;
use crate::db::{AnyConnection, DbError};
use crate::domain::{Filter, SurveyDefinition};

/// Responses read from storage at a time.
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
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("writing the export failed: {0}")]
    Write(#[from] csv::Error),
    #[error("writing the export failed: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes the complete responses matching `filters` to `out`, reading
/// [`PAGE`] responses at a time; calls `progress` with the rows written so far.
pub fn write_responses<W: Write>(
    conn: &mut AnyConnection,
    survey: SurveyId,
    definition: &SurveyDefinition,
    filters: &[Filter],
    options: RawOptions,
    mut out: W,
    mut progress: impl FnMut(u64),
) -> Result<u64, ExportError> {
    if options.bom {
        out.write_all(BOM)?;
    }
    let mut writer = csv::Writer::from_writer(out);
    let columns = columns(definition);
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
        let page = page_of_responses(conn, survey, filters, after, PAGE)?;
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
                    let (q, o) = match options.naming {
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
                        neutralise(detail.as_deref().unwrap_or_default()).into_owned(),
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
