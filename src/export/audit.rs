//! The audit log as CSV: one row per entry, newest first, as the page shows.

use std::io::Write;

use super::neutralise;
use crate::domain::audit::AuditEntry;

/// The header row.
pub const HEADER: [&str; 6] = ["id", "at_utc", "officer", "action", "survey", "detail"];

/// Writes the entries as CSV (with a byte order mark, for Excel), each cell
/// neutralised so that none runs as a formula.
pub fn write_csv(entries: &[AuditEntry], out: impl Write) -> csv::Result<()> {
    let mut out = out;
    out.write_all(super::BOM)?;
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(HEADER)?;
    for e in entries {
        writer.write_record([
            e.id.to_string().as_str(),
            &e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            &neutralise(e.officer_email.as_deref().unwrap_or("")),
            &neutralise(&e.action),
            &neutralise(e.survey_slug.as_deref().unwrap_or("")),
            &neutralise(&e.detail),
        ])?;
    }
    writer.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_become_rows_with_formulas_neutralised() {
        let at = chrono::DateTime::from_timestamp(1_780_000_000, 0)
            .expect("a time")
            .naive_utc();
        let entries = [
            AuditEntry {
                id: 2,
                at,
                officer_email: None,
                action: "purge".to_owned(),
                survey_slug: Some("csp-2019".to_owned()),
                detail: "=HYPERLINK(\"x\")".to_owned(),
            },
            AuditEntry {
                id: 1,
                at,
                officer_email: Some("a@example.gov.uk".to_owned()),
                action: "sign-in".to_owned(),
                survey_slug: None,
                detail: "signed in, \"quoted\"".to_owned(),
            },
        ];
        let mut out = Vec::new();
        write_csv(&entries, &mut out).expect("written");
        let text = String::from_utf8(out).expect("UTF-8");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert_eq!(lines[0], "id,at_utc,officer,action,survey,detail");
        assert_eq!(
            lines[1],
            "2,2026-05-28 20:26:40,,purge,csp-2019,\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(
            lines[2],
            "1,2026-05-28 20:26:40,a@example.gov.uk,sign-in,,\"signed in, \"\"quoted\"\"\""
        );
    }
}
