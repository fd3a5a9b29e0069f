//! What officers did with the data and the surveys, as the audit pages show it.

use chrono::NaiveDateTime;

/// One export of survey data: who made it, of what, with which filters, when.
#[derive(Debug, Clone)]
pub struct ExportEntry {
    pub officer_email: String,
    pub survey_slug: String,
    pub kind: String,
    /// The results query string of the view exported ("" for everything).
    pub filters: String,
    pub created_at: NaiveDateTime,
}

/// One change to a survey: who created, edited, published, or opened or closed it.
#[derive(Debug, Clone)]
pub struct SurveyChange {
    pub at: NaiveDateTime,
    pub officer_email: String,
    pub survey_slug: String,
    /// `create`, `edit`, `publish` or `state`.
    pub action: String,
    /// The change in words, such as "published version 1".
    pub detail: String,
}
