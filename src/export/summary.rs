//! The results page's tables, with its filters, as CSV and as an XLSX
//! workbook: a sheet per question, the 2019-style table, the respondent
//! breakdown. Percentages are numbers with a percentage format, not text.

use std::io::Write;

use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::neutralise;
use crate::domain::SurveyDefinition;
use crate::stats::QuestionResult;
use crate::stats::SurveyResults;
use crate::stats::difference::{QuestionComparison, QuestionTest};
use crate::stats::waves::WaveChanges;

/// A row of the 15 columns before the changes, then empty change columns,
/// the group, no difference, and the filters.
fn padded(first: [String; 15], group: &str, filters: &str) -> impl Iterator<Item = String> {
    first
        .into_iter()
        .chain(std::iter::repeat_n(String::new(), 7))
        .chain([group.to_owned(), String::new(), filters.to_owned()])
}

/// A compared group, as the summary CSV writes it after the whole view:
/// its name, the filters that select it, and its results (each answer
/// marked with the groups it really differs from).
#[derive(Debug, Clone, Copy)]
pub struct Compared<'a> {
    pub label: &'a str,
    pub filters: &'a str,
    pub results: &'a SurveyResults,
}

/// What the workbook sets beside the figures: the tests of difference
/// between the compared groups (named in order), and the changes since an
/// earlier wave.
#[derive(Debug, Clone, Copy)]
pub struct Beside<'a> {
    pub groups: &'a [&'a str],
    pub differences: &'a [QuestionComparison],
    pub changes: Option<&'a WaveChanges>,
}

/// A percentage to four places, or empty when there is none.
fn exact(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.4}")).unwrap_or_default()
}

/// The summary tables as CSV: one row per option of every question, with
/// the question's denominator, the count, the percentage as the page shows
/// it and the exact percentage, its interval, its weighting and its change
/// since an earlier wave; then, for a comparison, the same rows for each
/// group, each answer naming the groups it really differs from.
pub fn write_summary_csv<W: Write>(
    definition: &SurveyDefinition,
    results: &SurveyResults,
    groups: &[Compared<'_>],
    changes: Option<&WaveChanges>,
    filters: &str,
    out: W,
) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "Question id",
        "Question",
        "Follows",
        "Respondents to this question",
        "Option id",
        "Answer",
        "Count",
        "Percent (as shown)",
        "Percent (exact)",
        "95% interval low (exact)",
        "95% interval high (exact)",
        "Weighted count",
        "Weighted base",
        "Effective base",
        "Design effect",
        "Since wave",
        "Percent then (exact)",
        "Percent now, as compared (exact)",
        "Change in points (exact)",
        "Change 95% interval low",
        "Change 95% interval high",
        "Change p-value (Holm)",
        "Group",
        "Really differs from",
        "Filters",
    ])?;
    write_section(&mut writer, definition, results, changes, filters, "All")?;
    for group in groups {
        write_section(
            &mut writer,
            definition,
            group.results,
            None,
            group.filters,
            group.label,
        )?;
    }
    writer.flush()?;
    Ok(())
}

/// The rows of one set of results: the whole view's, or one group's.
fn write_section<W: Write>(
    writer: &mut csv::Writer<W>,
    definition: &SurveyDefinition,
    results: &SurveyResults,
    changes: Option<&WaveChanges>,
    filters: &str,
    group: &str,
) -> Result<(), csv::Error> {
    let change_of = |q: &QuestionResult, option: &str| -> [String; 7] {
        let found = changes.and_then(|c| {
            let question = c.changes.iter().find(|x| x.question == q.id.as_str())?;
            let o = question.options.iter().find(|o| o.option == option)?;
            // A weighted view beside an unweighted wave compares unweighted:
            // "now" is then not this row's (weighted) percent.
            let since = match &c.unweighted_because {
                Some(_) => format!("{} (compared unweighted)", c.since),
                None => c.since.clone(),
            };
            Some((since, o))
        });
        match found {
            Some((since, o)) => [
                since,
                format!("{:.4}", o.earlier),
                format!("{:.4}", o.current),
                format!("{:.4}", o.change),
                exact(o.ci_low),
                exact(o.ci_high),
                o.p_holm.map(|p| format!("{p:.6}")).unwrap_or_default(),
            ],
            None => Default::default(),
        }
    };
    let number = |v: Option<f64>| v.map(|v| format!("{v:.4}")).unwrap_or_default();
    for q in &results.questions {
        let demographic = is_demographic(definition, q);
        let (base, effective, effect) = (
            number(q.weighted.map(|w| w.weighted)),
            number(q.weighted.map(|w| w.effective)),
            number(q.weighted.map(|w| w.design_effect)),
        );
        let follows = q
            .parent
            .as_ref()
            .map(|p| format!("{}={}", p.question, p.option))
            .unwrap_or_default();
        for o in &q.options {
            let shown = if demographic {
                format!("{:.1}", o.rounded_tenths as f64 / 10.0)
            } else {
                o.rounded.to_string()
            };
            writer.write_record(
                [
                    q.id.to_string(),
                    neutralise(&q.short_label).into_owned(),
                    follows.clone(),
                    q.answered.to_string(),
                    o.id.to_string(),
                    neutralise(&o.label).into_owned(),
                    o.count.to_string(),
                    shown,
                    format!("{:.4}", o.percent),
                    exact(o.ci_low),
                    exact(o.ci_high),
                    number(o.weighted_count),
                    base.clone(),
                    effective.clone(),
                    effect.clone(),
                ]
                .into_iter()
                .chain(change_of(q, o.id.as_str()))
                .chain([
                    group.to_owned(),
                    o.differs_from.join("; "),
                    filters.to_owned(),
                ]),
            )?;
        }
        // A scale's score, over those who gave a rating.
        if let Some(scale) = &q.scale {
            writer.write_record(padded(
                [
                    q.id.to_string(),
                    neutralise(&q.short_label).into_owned(),
                    follows.clone(),
                    scale.rated.to_string(),
                    "(positive end)".to_owned(),
                    neutralise(&format!("Chose {}", scale.positive_labels.join(" or ")))
                        .into_owned(),
                    scale.positive.to_string(),
                    scale.positive_rounded.to_string(),
                    format!("{:.4}", scale.positive_percent),
                    exact(scale.positive_ci_low),
                    exact(scale.positive_ci_high),
                    String::new(),
                    base.clone(),
                    effective.clone(),
                    effect.clone(),
                ],
                group,
                filters,
            ))?;
            let mean = |places: usize| {
                scale
                    .mean
                    .map(|m| format!("{m:.places$}"))
                    .unwrap_or_default()
            };
            writer.write_record(padded(
                [
                    q.id.to_string(),
                    neutralise(&q.short_label).into_owned(),
                    follows.clone(),
                    scale.rated.to_string(),
                    "(mean)".to_owned(),
                    format!("Mean score (1 to {})", scale.points),
                    String::new(),
                    mean(2),
                    mean(4),
                    String::new(),
                    String::new(),
                    String::new(),
                    base.clone(),
                    effective.clone(),
                    effect.clone(),
                ],
                group,
                filters,
            ))?;
        }
    }
    // Complete responses per channel, of all complete responses.
    for c in &results.channels {
        writer.write_record(padded(
            [
                crate::domain::answers::CHANNEL_QUESTION.to_owned(),
                "Channel".to_owned(),
                String::new(),
                results.completed.to_string(),
                c.id.as_ref().map(ToString::to_string).unwrap_or_default(),
                neutralise(&c.label).into_owned(),
                c.count.to_string(),
                c.rounded.to_string(),
                format!("{:.4}", c.percent),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            group,
            filters,
        ))?;
    }
    // Officers' themes of free-text answers: each theme's count of the
    // coded answers (an answer can have several, so they add up to more).
    for t in &results.themes {
        let label = definition
            .question(&t.question)
            .map_or(t.question.as_str(), |q| q.short_label());
        for theme in &t.themes {
            writer.write_record(padded(
                [
                    t.question.clone(),
                    neutralise(&format!(
                        "{label}: themes of the {} coded answers ({} in all)",
                        t.coded, t.answers
                    ))
                    .into_owned(),
                    String::new(),
                    t.coded.to_string(),
                    "(theme)".to_owned(),
                    neutralise(&theme.name).into_owned(),
                    theme.count.to_string(),
                    format!("{:.0}", theme.percent.round()),
                    format!("{:.4}", theme.percent),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                ],
                group,
                filters,
            ))?;
        }
    }
    Ok(())
}

fn is_demographic(definition: &SurveyDefinition, q: &QuestionResult) -> bool {
    definition
        .question(q.id.as_str())
        .is_some_and(|x| x.demographic())
}

/// A worksheet name Excel accepts: at most 31 characters, none of `[]:*?/\`,
/// unique in the workbook.
fn sheet_name(wanted: &str, taken: &mut Vec<String>) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .collect();
    let mut name: String = clean.chars().take(31).collect();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!(" ({n})");
        name = clean.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// Every pairwise test of the compared groups, and each question's test.
fn differences_sheet(
    sheet: &mut Worksheet,
    definition: &SurveyDefinition,
    beside: &Beside<'_>,
    f: &Formats,
    taken: &mut Vec<String>,
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name("Differences", taken))?;
    let label = |id: &str| {
        definition
            .question(id)
            .map_or(id.to_owned(), |q| q.short_label().to_owned())
    };
    let heads = [
        "Question",
        "Answer",
        "Group",
        "%",
        "Other group",
        "%",
        "p",
        "p (Holm)",
        "Real difference",
        "Question test",
        "Question p (Holm)",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &f.bold)?;
    }
    let mut row = 1u32;
    for q in beside.differences {
        let test = match &q.test {
            Some(QuestionTest::ChiSquare(t)) => {
                format!("chi-square {:.2}, {} df", t.statistic, t.df)
            }
            Some(QuestionTest::Fisher { .. }) => "Fisher's exact test".to_owned(),
            Some(QuestionTest::NotValid { why }) => format!("no valid test: {why}"),
            None => "answers tested one by one (several allowed)".to_owned(),
        };
        for d in &q.differences {
            let name = |i: usize| beside.groups.get(i).copied().unwrap_or("");
            sheet.write_string(row, 0, label(&q.question))?;
            sheet.write_string(row, 1, &d.label)?;
            sheet.write_string(row, 2, name(d.groups.0))?;
            sheet.write_number_with_format(row, 3, d.shares.0 / 100.0, &f.tenths)?;
            sheet.write_string(row, 4, name(d.groups.1))?;
            sheet.write_number_with_format(row, 5, d.shares.1 / 100.0, &f.tenths)?;
            if let Some(p) = d.p {
                sheet.write_number(row, 6, p)?;
            }
            if let Some(p) = d.p_holm {
                sheet.write_number(row, 7, p)?;
            }
            sheet.write_string(row, 8, if d.is_significant() { "yes" } else { "no" })?;
            sheet.write_string(row, 9, &test)?;
            if let Some(p) = q.p_holm {
                sheet.write_number(row, 10, p)?;
            }
            row += 1;
        }
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 30)?;
    sheet.set_column_width(9, 40)?;
    Ok(())
}

/// Each answer's change since the earlier wave.
fn changes_sheet(
    sheet: &mut Worksheet,
    definition: &SurveyDefinition,
    changes: &WaveChanges,
    f: &Formats,
    taken: &mut Vec<String>,
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(&format!("Since {}", changes.since), taken))?;
    let heads = [
        "Question",
        "Answer",
        changes.since.as_str(),
        changes.current.as_str(),
        "Change (points)",
        "95% interval from",
        "95% interval to",
        "p (Holm)",
        "Real change",
    ];
    for (c, h) in heads.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &f.bold)?;
    }
    let mut row = 1u32;
    if let Some(why) = &changes.unweighted_because {
        sheet.write_string(row, 0, why)?;
        row += 1;
    }
    for q in &changes.changes {
        let label = definition
            .question(&q.question)
            .map_or(q.question.clone(), |d| d.short_label().to_owned());
        for o in &q.options {
            sheet.write_string(row, 0, &label)?;
            sheet.write_string(row, 1, &o.label)?;
            sheet.write_number_with_format(row, 2, o.earlier / 100.0, &f.tenths)?;
            sheet.write_number_with_format(row, 3, o.current / 100.0, &f.tenths)?;
            sheet.write_number(row, 4, (o.change * 10.0).round() / 10.0)?;
            if let (Some(low), Some(high)) = (o.ci_low, o.ci_high) {
                sheet.write_number(row, 5, (low * 10.0).round() / 10.0)?;
                sheet.write_number(row, 6, (high * 10.0).round() / 10.0)?;
            }
            if let Some(p) = o.p_holm {
                sheet.write_number(row, 7, p)?;
            }
            sheet.write_string(row, 8, if o.is_significant() { "yes" } else { "no" })?;
            row += 1;
        }
    }
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 30)?;
    Ok(())
}

struct Formats {
    bold: Format,
    whole: Format,
    tenths: Format,
    wrap: Format,
}

fn question_sheet(
    sheet: &mut Worksheet,
    q: &QuestionResult,
    demographic: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, &q.label, &f.bold)?;
    sheet.write_string(
        1,
        0,
        format!("Of {} respondents to this question", q.answered),
    )?;
    sheet.write_string_with_format(3, 0, "Answer", &f.bold)?;
    sheet.write_string_with_format(3, 1, "Count", &f.bold)?;
    sheet.write_string_with_format(3, 2, "Percent", &f.bold)?;
    sheet.write_string_with_format(3, 3, "95% interval from", &f.bold)?;
    sheet.write_string_with_format(3, 4, "95% interval to", &f.bold)?;
    if q.small_base {
        sheet.write_string(
            2,
            0,
            "Small base: with so few respondents, a percentage can be far from the true figure",
        )?;
    }
    for (i, o) in q.options.iter().enumerate() {
        let row = 4 + i as u32;
        sheet.write_string(row, 0, &o.label)?;
        sheet.write_number(row, 1, o.count as f64)?;
        let (value, format) = if demographic {
            (o.rounded_tenths as f64 / 1000.0, &f.tenths)
        } else {
            (o.rounded as f64 / 100.0, &f.whole)
        };
        sheet.write_number_with_format(row, 2, value, format)?;
        // Exact, shown to a tenth of a percent.
        if let (Some(low), Some(high)) = (o.ci_low, o.ci_high) {
            sheet.write_number_with_format(row, 3, low / 100.0, &f.tenths)?;
            sheet.write_number_with_format(row, 4, high / 100.0, &f.tenths)?;
        }
    }
    if let Some(scale) = &q.scale {
        let row = 5 + q.options.len() as u32;
        sheet.write_string(
            row,
            0,
            format!(
                "Gave a rating (the base of the two figures below): {}",
                scale.rated
            ),
        )?;
        sheet.write_string(
            row + 1,
            0,
            format!("Chose {}", scale.positive_labels.join(" or ")),
        )?;
        sheet.write_number(row + 1, 1, scale.positive as f64)?;
        sheet.write_number_with_format(
            row + 1,
            2,
            scale.positive_rounded as f64 / 100.0,
            &f.whole,
        )?;
        sheet.write_string(row + 2, 0, format!("Mean score (1 to {})", scale.points))?;
        if let Some(mean) = scale.mean {
            sheet.write_number(row + 2, 1, (mean * 100.0).round() / 100.0)?;
        }
    }
    sheet.set_column_width(0, 40)?;
    sheet.set_column_width(1, 10)?;
    sheet.set_column_width(2, 10)?;
    Ok(())
}

/// The summary workbook.
/// Officers' themes of the free-text answers: per question, each theme's
/// count and share of the coded answers, with both bases.
fn themes_sheet(
    sheet: &mut Worksheet,
    definition: &SurveyDefinition,
    results: &SurveyResults,
    formats: &Formats,
    taken: &mut Vec<String>,
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name("Themes", taken))?;
    let mut row = 0u32;
    for t in &results.themes {
        let label = definition
            .question(&t.question)
            .map_or(t.question.as_str(), |q| q.short_label());
        sheet.write_string_with_format(
            row,
            0,
            format!(
                "{label}: themes of {} coded answers ({} answers in all); an answer can have several",
                t.coded, t.answers
            ),
            &formats.bold,
        )?;
        for (c, head) in ["Theme", "Answers", "% of coded"].iter().enumerate() {
            sheet.write_string_with_format(row + 1, c as u16, *head, &formats.bold)?;
        }
        for (i, theme) in t.themes.iter().enumerate() {
            let r = row + 2 + i as u32;
            sheet.write_string(r, 0, &theme.name)?;
            sheet.write_number(r, 1, theme.count as f64)?;
            sheet.write_number_with_format(r, 2, theme.percent / 100.0, &formats.whole)?;
        }
        row += 3 + t.themes.len() as u32;
    }
    sheet.set_column_width(0, 40)?;
    Ok(())
}

pub fn summary_xlsx(
    definition: &SurveyDefinition,
    results: &SurveyResults,
    filters: &str,
    beside: &Beside<'_>,
) -> Result<Vec<u8>, XlsxError> {
    let formats = Formats {
        bold: Format::new().set_bold(),
        whole: Format::new().set_num_format("0%"),
        tenths: Format::new().set_num_format("0.0%"),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
    };
    let mut workbook = Workbook::new();
    let mut taken = Vec::new();

    let about = workbook.add_worksheet();
    about.set_name(sheet_name("Summary", &mut taken))?;
    about.write_string_with_format(0, 0, definition.title(), &formats.bold)?;
    let weighting = match (&results.weighting, results.weighted) {
        (Some(note), Some(base)) => format!(
            "Weighted (design effect {:.2}, effective base {:.0}). {}",
            base.design_effect,
            base.effective,
            note.method()
        ),
        _ => "Unweighted".to_owned(),
    };
    let rows: [(&str, String); 5] = [
        ("Started", results.started.to_string()),
        ("Completed", results.completed.to_string()),
        (
            "Completed (whole survey)",
            results.completed_all.to_string(),
        ),
        (
            "Filters",
            if filters.is_empty() {
                "none".to_owned()
            } else {
                filters.to_owned()
            },
        ),
        ("Weighting", weighting),
    ];
    for (i, (label, value)) in rows.iter().enumerate() {
        let row = 2 + i as u32;
        about.write_string(row, 0, *label)?;
        match value.parse::<f64>() {
            Ok(number) => about.write_number(row, 1, number)?,
            Err(_) => about.write_string(row, 1, value)?,
        };
    }
    about.set_column_width(0, 28)?;

    for category in results.categories() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name("2019 table", &mut taken))?;
        let heads = [
            category.short_label.as_str(),
            "Respondents",
            "%",
            "Respondents to the follow-up",
            "1st concern",
            "Count",
            "%",
            "2nd concern",
            "Count",
            "%",
            "3rd concern",
            "Count",
            "%",
        ];
        for (c, h) in heads.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, *h, &formats.bold)?;
        }
        for (i, option) in category.options.iter().enumerate() {
            let row = 1 + i as u32;
            sheet.write_string(row, 0, &option.label)?;
            sheet.write_number(row, 1, option.count as f64)?;
            sheet.write_number_with_format(
                row,
                2,
                option.rounded as f64 / 100.0,
                &formats.whole,
            )?;
            if let Some(follow_up) = results.follow_ups(&category.id, &option.id).next() {
                sheet.write_number(row, 3, follow_up.answered as f64)?;
                for (k, o) in follow_up
                    .ranked()
                    .into_iter()
                    .filter(|o| o.count > 0)
                    .take(3)
                    .enumerate()
                {
                    let col = 4 + 3 * k as u16;
                    sheet.write_string_with_format(row, col, &o.label, &formats.wrap)?;
                    sheet.write_number(row, col + 1, o.count as f64)?;
                    sheet.write_number_with_format(
                        row,
                        col + 2,
                        o.rounded as f64 / 100.0,
                        &formats.whole,
                    )?;
                }
            }
        }
        sheet.set_column_width(0, 22)?;
        for k in 0..3u16 {
            sheet.set_column_width(4 + 3 * k, 30)?;
        }
    }

    let demographics: Vec<&QuestionResult> = results
        .questions
        .iter()
        .filter(|q| is_demographic(definition, q))
        .collect();
    if !demographics.is_empty() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name("Respondents", &mut taken))?;
        sheet.write_string_with_format(0, 0, "Breakdown of respondents", &formats.bold)?;
        for (k, q) in demographics.iter().enumerate() {
            let col = 4 * k as u16;
            sheet.write_string_with_format(
                2,
                col,
                format!("{} from {} responses", q.short_label, q.answered),
                &formats.bold,
            )?;
            sheet.write_string_with_format(2, col + 1, "Count", &formats.bold)?;
            sheet.write_string_with_format(2, col + 2, "%", &formats.bold)?;
            for (i, o) in q.options.iter().enumerate() {
                let row = 3 + i as u32;
                sheet.write_string(row, col, &o.label)?;
                sheet.write_number(row, col + 1, o.count as f64)?;
                sheet.write_number_with_format(
                    row,
                    col + 2,
                    o.rounded_tenths as f64 / 1000.0,
                    &formats.tenths,
                )?;
            }
            sheet.set_column_width(col, 28)?;
        }
    }

    // Free text has no table: its answers are in the raw exports.
    for q in results.questions.iter().filter(|q| !q.is_text()) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&q.short_label, &mut taken))?;
        question_sheet(sheet, q, is_demographic(definition, q), &formats)?;
    }
    if !results.themes.is_empty() {
        themes_sheet(
            workbook.add_worksheet(),
            definition,
            results,
            &formats,
            &mut taken,
        )?;
    }
    if !beside.differences.is_empty() {
        differences_sheet(
            workbook.add_worksheet(),
            definition,
            beside,
            &formats,
            &mut taken,
        )?;
    }
    if let Some(changes) = beside.changes {
        changes_sheet(
            workbook.add_worksheet(),
            definition,
            changes,
            &formats,
            &mut taken,
        )?;
    }
    workbook.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_short_clean_and_unique() {
        let mut taken = Vec::new();
        assert_eq!(
            sheet_name("Concerns within town centre safety", &mut taken),
            "Concerns within town centre saf"
        );
        assert_eq!(sheet_name("A/B: c?", &mut taken), "A-B- c-");
        assert_eq!(sheet_name("a-b- C-", &mut taken), "a-b- C- (2)");
    }
}
