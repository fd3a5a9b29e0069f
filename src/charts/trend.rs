//! A question's trend across waves: one line per answer, its percentage in
//! each wave, oldest on the left, each point labelled.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{ChartError, Svg, accessible, colour};
use crate::stats::waves::Trend;

const WIDTH: u32 = 720;
const LEGEND_ROW: i32 = 24;

/// The trend chart of one question.
pub fn trend(t: &Trend, title: &str, id: &str) -> Result<Svg, ChartError> {
    let plot_height = 300;
    let height = (90 + plot_height + t.series.len() as i32 * LEGEND_ROW + 20) as u32;
    let top = t
        .series
        .iter()
        .flat_map(|(_, points)| points.iter().flatten())
        .fold(10.0f64, |a, &b| a.max(b));
    let top = ((top / 10.0).ceil() * 10.0).min(100.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)?;
        root.draw(&Text::new(
            title.to_owned(),
            (20, 14),
            ("sans-serif", 22)
                .into_font()
                .style(FontStyle::Bold)
                .color(&BLACK),
        ))?;
        root.draw(&Text::new(
            "Percentage of each wave's respondents to this question".to_owned(),
            (20, 44),
            ("sans-serif", 15).into_font().color(&RGBColor(72, 73, 73)),
        ))?;
        let (plot, legend) = root.split_vertically(70 + plot_height);
        let area = plot.margin(60, 10, 30, 40);
        let waves = t.waves.len().max(2) as f64;
        let mut chart = ChartBuilder::on(&area)
            .x_label_area_size(30)
            .y_label_area_size(50)
            .build_cartesian_2d(-0.3f64..(waves - 0.7), 0f64..top)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_desc("%")
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(("sans-serif", 14).into_font().color(&BLACK))
            .draw()?;
        for (i, wave) in t.waves.iter().enumerate() {
            let (x, y) = chart.backend_coord(&(i as f64, 0.0));
            root.draw(&Text::new(
                wave.clone(),
                (x, y + 8),
                ("sans-serif", 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Center, VPos::Top)),
            ))?;
        }
        for (s, (_, points)) in t.series.iter().enumerate() {
            let ink = colour(s);
            let known: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| p.map(|p| (i as f64, p)))
                .collect();
            chart.draw_series(LineSeries::new(
                known.iter().copied(),
                ShapeStyle::from(&ink).stroke_width(3),
            ))?;
            chart.draw_series(
                known
                    .iter()
                    .map(|&(x, y)| Circle::new((x, y), 5, ShapeStyle::from(&ink).filled())),
            )?;
            // The last wave's figure beside its point.
            if let Some(&(x, y)) = known.last() {
                let (px, py) = chart.backend_coord(&(x, y));
                root.draw(&Text::new(
                    format!("{y:.0}%"),
                    (px + 9, py),
                    ("sans-serif", 14)
                        .into_font()
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Left, VPos::Center)),
                ))?;
            }
        }
        for (s, (label, _)) in t.series.iter().enumerate() {
            let y = 10 + s as i32 * LEGEND_ROW;
            legend.draw(&Rectangle::new([(60, y), (84, y + 14)], colour(s).filled()))?;
            legend.draw(&Text::new(
                label.clone(),
                (94, y + 7),
                ("sans-serif", 15)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))?;
        }
        root.present()?;
    }
    let description = t
        .series
        .iter()
        .map(|(label, points)| {
            let figures: Vec<String> = t
                .waves
                .iter()
                .zip(points)
                .map(|(w, p)| match p {
                    Some(p) => format!("{p:.0}% in {w}"),
                    None => format!("not asked in {w}"),
                })
                .collect();
            format!("{label}: {}", figures.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ");
    Ok(accessible(svg, id, title, &format!("{description}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_chart_has_a_line_per_answer_and_says_its_figures() {
        let t = Trend {
            question: "q".to_owned(),
            waves: vec!["2019".to_owned(), "2020 <new>".to_owned()],
            series: vec![
                ("Fly-tipping".to_owned(), vec![Some(38.0), Some(52.0)]),
                ("Graffiti & more".to_owned(), vec![None, Some(12.0)]),
            ],
        };
        let svg = trend(&t, "Concerns", "t1").expect("drawn").into_string();
        assert!(svg.contains("Fly-tipping: 38% in 2019, 52% in 2020 &lt;new&gt;; Graffiti &amp; more: not asked in 2019, 12% in 2020 &lt;new&gt;."), "{svg}");
        assert!(svg.contains("2020 &lt;new&gt;"));
        assert_eq!(svg.matches("<circle").count(), 3);
    }
}
