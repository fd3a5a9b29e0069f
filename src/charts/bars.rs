//! Horizontal bars for multiple-choice, scale and demographic questions, and
//! vertical bars for responses per day.

use chrono::NaiveDate;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartError, Svg, accessible, colour};
use crate::stats::{QuestionResult, Shown};

const WIDTH: u32 = 720;
const ROW: i32 = 30;
const LABEL_WIDTH: i32 = 260;

/// One horizontal bar: its label, its length and the reach of its interval
/// (in the chart's units), and the text written after it.
struct Bar {
    label: String,
    length: f64,
    /// The 95% interval's ends, if drawn.
    interval: Option<(f64, f64)>,
    text: String,
}

/// Draws `rows` as horizontal bars under a title and a line that says what
/// they are shares of, scaled to the longest bar or interval.
fn horizontal(
    rows: &[Bar],
    subtitle: &str,
    title: &str,
    id: &str,
    description: &str,
) -> Result<Svg, ChartError> {
    let max = rows
        .iter()
        .map(|r| r.interval.map_or(r.length, |(_, high)| r.length.max(high)))
        .fold(1.0, f64::max);
    let height = (70 + rows.len() as i32 * ROW + 20) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        let title_style = ("sans-serif", 22)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        root.draw(&Text::new(title.to_owned(), (20, 14), title_style))?;
        root.draw(&Text::new(
            subtitle.to_owned(),
            (20, 44),
            ("sans-serif", 15).into_font().color(&RGBColor(72, 73, 73)),
        ))?;
        let bar_space = f64::from(WIDTH as i32 - LABEL_WIDTH - 120);
        let x = |amount: f64| LABEL_WIDTH + (amount / max * bar_space).round() as i32;
        for (row, bar) in rows.iter().enumerate() {
            let y = 70 + row as i32 * ROW;
            root.draw(&Text::new(
                bar.label.clone(),
                (LABEL_WIDTH - 10, y + ROW / 2 - 2),
                ("sans-serif", 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Right, VPos::Center)),
            ))?;
            let end = x(bar.length);
            if end > LABEL_WIDTH {
                root.draw(&Rectangle::new(
                    [(LABEL_WIDTH, y + 3), (end, y + ROW - 7)],
                    colour(0).filled(),
                ))?;
            }
            // The 95% interval: a line with end caps across the bar's end.
            let mut label_at = end;
            if let Some((low, high)) = bar.interval {
                let (from, to, middle) = (x(low), x(high), y + (ROW - 4) / 2);
                let ink = ShapeStyle::from(&BLACK).stroke_width(2);
                root.draw(&PathElement::new(vec![(from, middle), (to, middle)], ink))?;
                for end in [from, to] {
                    root.draw(&PathElement::new(
                        vec![(end, middle - 5), (end, middle + 5)],
                        ink,
                    ))?;
                }
                label_at = label_at.max(to);
            }
            root.draw(&Text::new(
                bar.text.clone(),
                (label_at + 8, y + ROW / 2 - 2),
                ("sans-serif", 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        root.present()?;
    }
    Ok(accessible(svg, id, title, description))
}

/// One bar per option, longest first (a scale keeps its own order, from its
/// positive end), each labelled with its count and percentage of the
/// question's respondents, with its 95% interval drawn as an error bar.
pub fn bars(
    result: &QuestionResult,
    title: &str,
    id: &str,
    tenths: bool,
) -> Result<Svg, ChartError> {
    // Lengths are in respondents: a bar is its share of the base (its
    // count, unweighted).
    let answered = result.answered as f64;
    let rows: Vec<Bar> = result
        .in_chart_order()
        .iter()
        .map(|option| {
            let shown = if tenths {
                Shown::Tenths(option.rounded_tenths)
            } else {
                Shown::Whole(option.rounded)
            };
            Bar {
                label: option.label.clone(),
                length: option.percent / 100.0 * answered,
                interval: option
                    .ci_low
                    .zip(option.ci_high)
                    .map(|(low, high)| (low / 100.0 * answered, high / 100.0 * answered)),
                text: format!("{} ({shown})", option.count),
            }
        })
        .collect();
    let description = super::pie::describe(result);
    horizontal(
        &rows,
        &of_respondents(result.answered),
        title,
        id,
        &description,
    )
}

/// A published table's shown rows as horizontal bars, in the table's order,
/// each labelled with its count and whole percent of `base`; suppressed rows
/// are not drawn (the table beside it says so).
pub fn published_bars(
    rows: &[(String, u64, u64)],
    base: u64,
    title: &str,
    id: &str,
) -> Result<Svg, ChartError> {
    let bars: Vec<Bar> = rows
        .iter()
        .map(|(label, count, percent)| Bar {
            label: label.clone(),
            length: *count as f64,
            interval: None,
            text: format!("{count} ({percent}%)"),
        })
        .collect();
    let description = rows
        .iter()
        .map(|(label, count, percent)| format!("{label}: {count} ({percent}%)"))
        .collect::<Vec<_>>()
        .join("; ");
    horizontal(
        &bars,
        &of_respondents(base),
        title,
        id,
        &format!("Of {base} respondents: {description}."),
    )
}

/// "Of 420 respondents to this question".
fn of_respondents(base: u64) -> String {
    format!("Of {base} respondents to this question")
}

/// A published breakdown as horizontal bars: for each answer, one bar per
/// group, as a share of that group (so groups of different sizes compare),
/// labelled with the count and whole percent.
pub fn published_breakdown_bars(
    groups: &[(String, u64)],
    rows: &[(String, Vec<(u64, u64)>)],
    title: &str,
    id: &str,
) -> Result<Svg, ChartError> {
    let mut bars = Vec::new();
    let mut said = Vec::new();
    for (answer, cells) in rows {
        for ((group, _), (count, percent)) in groups.iter().zip(cells) {
            bars.push(Bar {
                label: format!("{answer}: {group}"),
                length: *percent as f64,
                interval: None,
                text: format!("{count} ({percent}%)"),
            });
            said.push(format!("{answer}, {group}: {count} ({percent}%)"));
        }
    }
    let bases = groups
        .iter()
        .map(|(group, base)| format!("{group} of {base}"))
        .collect::<Vec<_>>()
        .join(", ");
    horizontal(
        &bars,
        &format!("Share of each group: {bases}"),
        title,
        id,
        &format!("As a share of each group ({bases}): {}.", said.join("; ")),
    )
}

/// Complete responses per day, as vertical bars with the count above each.
pub fn per_day(days: &[(NaiveDate, u64)], title: &str, id: &str) -> Result<Svg, ChartError> {
    const HEIGHT: u32 = 300;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE)?;
        let title_style = ("sans-serif", 22)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        root.draw(&Text::new(title.to_owned(), (20, 14), title_style))?;
        if days.is_empty() {
            root.draw(&Text::new(
                "No responses yet".to_owned(),
                (WIDTH as i32 / 2, HEIGHT as i32 / 2),
                ("sans-serif", 18)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        } else {
            let max = days.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            let area = root.margin(50, 10, 20, 20);
            let n = days.len() as f64;
            let mut chart = ChartBuilder::on(&area)
                .x_label_area_size(40)
                .y_label_area_size(50)
                .build_cartesian_2d(0f64..n, 0u64..max + max / 10 + 1)?;
            chart
                .configure_mesh()
                .disable_x_mesh()
                .x_labels(0)
                .y_desc("Responses")
                .label_style(("sans-serif", 14).into_font().color(&BLACK))
                .draw()?;
            chart.draw_series(days.iter().enumerate().map(|(i, (_, n))| {
                let i = i as f64;
                Rectangle::new([(i + 0.1, 0), (i + 0.9, *n)], colour(0).filled())
            }))?;
            // Day labels under each bar (the mesh's own labels fall between bars).
            let step = (days.len() / 10).max(1);
            for (i, (day, _)) in days.iter().enumerate().step_by(step) {
                let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0));
                root.draw(&Text::new(
                    day.format("%-d %b").to_string(),
                    (x, y + 8),
                    ("sans-serif", 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Top)),
                ))?;
            }
        }
        root.present()?;
    }
    let total: u64 = days.iter().map(|(_, n)| n).sum();
    let description = match (days.first(), days.last()) {
        (Some((first, _)), Some((last, _))) => format!(
            "{total} complete responses between {} and {}, on {} days; the busiest day had {}.",
            first.format("%-d %B %Y"),
            last.format("%-d %B %Y"),
            days.len(),
            days.iter().map(|(_, n)| *n).max().unwrap_or(0)
        ),
        _ => "No responses yet.".to_owned(),
    };
    Ok(accessible(svg, id, title, &description))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_breakdown_draws_each_answer_in_each_group_as_a_share_of_the_group() {
        let groups = [("Dartford".to_owned(), 150), ("Gravesham".to_owned(), 270)];
        let rows = [
            ("ASB".to_owned(), vec![(60, 40), (81, 30)]),
            ("Violence".to_owned(), vec![(15, 10), (27, 10)]),
        ];
        let svg = published_breakdown_bars(&groups, &rows, "Most important issue, by borough", "b")
            .expect("drawn");
        let text = svg.as_str();
        for label in [
            "ASB: Dartford",
            "ASB: Gravesham",
            "Violence: Gravesham",
            "60 (40%)",
            "81 (30%)",
        ] {
            assert!(text.contains(label), "{label}");
        }
        assert!(text.contains("Share of each group: Dartford of 150, Gravesham of 270"));
        assert!(text.contains("<desc id=\"b-desc\">As a share of each group (Dartford of 150, Gravesham of 270): ASB, Dartford: 60 (40%);"));
    }
}
