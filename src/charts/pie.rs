//! A pie chart for a single-choice question, like the 2019 "Single most
//! important concern in local areas": slices labelled with their rounded
//! percentage, and a legend with each option's count and percentage.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartError, Svg, accessible, colour};
use crate::stats::{QuestionResult, Shown};

const WIDTH: u32 = 720;
const HEIGHT: u32 = 380;

/// Draws `result` as a pie; options nobody chose are left out of the pie
/// but kept in the legend.
pub fn pie(result: &QuestionResult, title: &str, id: &str) -> Result<Svg, ChartError> {
    pie_at(result, title, id, 1)
}

/// The same pie drawn `scale` times larger. plotters places the pie's outline
/// on whole pixels, so a chart for print is drawn large rather than
/// enlarged, or its edge would show steps.
pub fn pie_at(
    result: &QuestionResult,
    title: &str,
    id: &str,
    scale: u32,
) -> Result<Svg, ChartError> {
    let scale_i = scale as i32;
    let scale_f = f64::from(scale);
    let mut svg = String::new();
    {
        let root =
            SVGBackend::with_string(&mut svg, (WIDTH * scale, HEIGHT * scale)).into_drawing_area();
        root.fill(&WHITE)?;
        let title_style = ("sans-serif", 22.0 * scale_f)
            .into_font()
            .style(FontStyle::Bold)
            .color(&BLACK);
        root.draw(&Text::new(
            title.to_owned(),
            (20 * scale_i, 14 * scale_i),
            title_style,
        ))?;

        let shown: Vec<(usize, f64, String)> = result
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.count > 0)
            .map(|(i, o)| (i, o.percent, Shown::Whole(o.rounded).to_string()))
            .collect();
        let center = (190 * scale_i, 210 * scale_i);
        let radius = 125.0 * scale_f;
        if shown.is_empty() {
            root.draw(&Text::new(
                "No answers yet".to_owned(),
                center,
                ("sans-serif", 18.0 * scale_f)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))?;
        } else {
            let sizes: Vec<f64> = shown.iter().map(|(_, c, _)| *c).collect();
            let colours: Vec<RGBColor> = shown.iter().map(|(i, _, _)| colour(*i)).collect();
            let labels: Vec<String> = shown.iter().map(|(_, _, l)| l.clone()).collect();
            let mut pie = Pie::new(&center, &radius, &sizes, &colours, &labels);
            pie.start_angle(-90.0);
            pie.label_style(("sans-serif", 17.0 * scale_f).into_font().color(&BLACK));
            pie.label_offset(22.0 * scale_f);
            root.draw(&pie)?;
        }

        let legend_x = 390 * scale_i;
        for (row, option) in result.options.iter().enumerate() {
            let y = (70 + row as i32 * 30) * scale_i;
            root.draw(&Rectangle::new(
                [(legend_x, y), (legend_x + 18 * scale_i, y + 18 * scale_i)],
                colour(row).filled(),
            ))?;
            root.draw(&Text::new(
                format!(
                    "{}: {} ({})",
                    option.label,
                    option.count,
                    Shown::Whole(option.rounded)
                ),
                (legend_x + 28 * scale_i, y + 9 * scale_i),
                ("sans-serif", 16.0 * scale_f)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        root.draw(&Text::new(
            format!("Of {} respondents to this question", result.answered),
            (
                legend_x,
                (70 + result.options.len() as i32 * 30 + 10) * scale_i,
            ),
            ("sans-serif", 15.0 * scale_f)
                .into_font()
                .color(&RGBColor(72, 73, 73)),
        ))?;
        root.present()?;
    }
    let description = describe(result);
    Ok(accessible(svg, id, title, &description).with_drawn_at(scale))
}

/// The figures in a sentence, for screen readers.
pub fn describe(result: &QuestionResult) -> String {
    let parts: Vec<String> = result
        .in_chart_order()
        .iter()
        .map(|o| format!("{} {} ({})", o.label, o.count, Shown::Whole(o.rounded)))
        .collect();
    format!(
        "Of {} respondents to this question: {}.",
        result.answered,
        parts.join(", ")
    )
}
