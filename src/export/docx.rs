//! The report as a Word document (docx-rs): real Word tables, and the pie
//! chart as a PNG image when the server has a font to draw its text.

use docx_rs::{
    BreakType, Docx, LineSpacing, Paragraph, Pic, Run, RunFonts, Table, TableCell, TableRow,
    WidthType,
};

use crate::report::Report;

/// EMUs (English Metric Units) per inch, Word's unit for image sizes.
const EMU_PER_INCH: u32 = 914_400;

fn text(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(s))
}

/// A body paragraph, with space after it.
fn body(s: &str) -> Paragraph {
    text(s).line_spacing(LineSpacing::new().after(160))
}

fn bold(s: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(s).bold())
}

fn cell(paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new(), |cell, p| cell.add_paragraph(p))
}

/// Writes the report as DOCX. `pie_png` is the chart at print resolution;
/// without it the document says where to find the chart.
pub fn report_docx(report: &Report, pie_png: Option<&[u8]>) -> Result<Vec<u8>, String> {
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().ascii("Arial").hi_ansi("Arial").cs("Arial"))
        .default_size(22)
        .add_paragraph(
            Paragraph::new()
                .add_run(Run::new().add_text(&report.heading).bold().size(32))
                .line_spacing(LineSpacing::new().after(200)),
        );
    for p in &report.paragraphs {
        doc = doc.add_paragraph(body(p));
    }
    if !report.categories.is_empty() {
        let mut rows = vec![TableRow::new(vec![
            cell(vec![bold(
                report
                    .category_heading
                    .as_deref()
                    .unwrap_or("Most important issue"),
            )]),
            cell(vec![bold("Top 3 issues within this category")]),
        ])];
        for row in &report.categories {
            let mut right = Vec::new();
            if let Some(base) = &row.base {
                right.push(text(base));
            }
            right.extend(row.top.iter().map(|t| text(t)));
            rows.push(TableRow::new(vec![
                cell(vec![bold(&row.label), text(&row.respondents)]),
                cell(right),
            ]));
        }
        doc = doc.add_table(Table::new(rows).width(9000, WidthType::Dxa));
    }
    doc =
        doc.add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::TextWrapping)));
    match pie_png.and_then(|png| crate::export::png::png_size(png).map(|size| (png, size))) {
        Some((png, (width, height))) => {
            let shown_width = 6 * EMU_PER_INCH;
            let shown_height =
                (u64::from(shown_width) * u64::from(height) / u64::from(width.max(1))) as u32;
            let picture = Pic::new_with_dimensions(png.to_vec(), width, height)
                .size(shown_width, shown_height);
            doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_image(picture)));
        }
        None if report.pie_question.is_some() => {
            doc = doc.add_paragraph(text(
                "(The chart could not be drawn as an image on this server: download it as SVG from the results page.)",
            ));
        }
        None => {}
    }
    if !report.breakdown.is_empty() {
        doc = doc.add_paragraph(
            bold(&report.breakdown_heading).line_spacing(LineSpacing::new().after(120)),
        );
        let longest = report
            .breakdown
            .iter()
            .map(|c| c.rows.len())
            .max()
            .unwrap_or(0);
        let mut rows = vec![TableRow::new(
            report
                .breakdown
                .iter()
                .flat_map(|c| [cell(vec![bold(&c.heading)]), cell(vec![bold("%")])])
                .collect(),
        )];
        for i in 0..longest {
            rows.push(TableRow::new(
                report
                    .breakdown
                    .iter()
                    .flat_map(|c| {
                        let (label, percent) = c.rows.get(i).cloned().unwrap_or_default();
                        [cell(vec![text(&label)]), cell(vec![text(&percent)])]
                    })
                    .collect(),
            ));
        }
        doc = doc.add_table(Table::new(rows).width(9000, WidthType::Dxa));
    }
    doc = doc.add_paragraph(Paragraph::new().add_run(Run::new().add_text(&report.method).size(18)));
    let mut buffer = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buffer)
        .map_err(|e| format!("the Word document could not be written: {e}"))?;
    Ok(buffer.into_inner())
}
