//! What officers did with the data, as the audit pages show it.

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
