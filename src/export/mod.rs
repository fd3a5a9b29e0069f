//! Exports for the strategy document and for analysts: writers over a
//! `Write` (CSV, XLSX, DOCX) and the SVG-to-PNG renderer. Pure: the raw
//! response CSV is handed its responses page by page by the caller, so this
//! module never opens a connection.
//!
//! Crates: `csv` (RFC 4180 quoting), `rust_xlsxwriter` (XLSX with number
//! formats, no Excel needed), `docx-rs` (Word tables and images), `resvg`
//! (SVG to PNG with the system's fonts).

pub mod audit;
pub mod columns;
pub mod docx;
pub mod png;
pub mod qr;
pub mod raw_csv;
pub mod summary;

/// Makes a cell safe to open in a spreadsheet: text that a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
/// return) gets a leading apostrophe, as OWASP advises.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The UTF-8 byte order mark, which makes Excel read a CSV as UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_cells_are_neutralised() {
        for (given, expected) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("18-24", "18-24"),
            ("Fly-tipping", "Fly-tipping"),
            ("", ""),
        ] {
            assert_eq!(neutralise(given), expected);
        }
    }
}
