//! Charts, drawn on the server with plotters into SVG: pure functions from a
//! breakdown to an [`Svg`]. plotters is built without its font features, so
//! no system font library is linked; SVG text is written as `<text>` and the
//! browser draws it. One colour-blind-safe palette (Okabe and Ito) for all.
//!
//! Every chart carries a `<title>` and `<desc>` for screen readers; the table
//! beside it on the page is its full text alternative.

pub mod bars;
pub mod pie;
pub mod trend;

use plotters::style::RGBColor;

/// Okabe–Ito colours, in the order slices and bars use them. Each is
/// distinguishable with the common forms of colour blindness.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),   // blue
    RGBColor(230, 159, 0),   // orange
    RGBColor(0, 158, 115),   // bluish green
    RGBColor(204, 121, 167), // reddish purple
    RGBColor(86, 180, 233),  // sky blue
    RGBColor(213, 94, 0),    // vermillion
    RGBColor(240, 228, 66),  // yellow
    RGBColor(0, 0, 0),       // black
];

/// The colour of the `i`th series.
pub fn colour(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// A finished SVG document, safe to inline in a page, and how many times
/// larger than its on-screen size it was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Svg {
    markup: String,
    drawn_at: u32,
}

impl Svg {
    pub fn as_str(&self) -> &str {
        &self.markup
    }
    pub fn into_string(self) -> String {
        self.markup
    }
    /// 1 for a chart drawn at its on-screen size.
    pub fn drawn_at(&self) -> u32 {
        self.drawn_at
    }
    fn with_drawn_at(self, scale: u32) -> Svg {
        Svg {
            drawn_at: scale,
            ..self
        }
    }
}

impl maud::Render for Svg {
    fn render_to(&self, buffer: &mut String) {
        // Our own generated markup, with every text escaped when drawn.
        buffer.push_str(&self.markup);
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("drawing failed: {0}")]
    Drawing(String),
}

impl<E: std::error::Error + Send + Sync> From<plotters::drawing::DrawingAreaErrorKind<E>>
    for ChartError
{
    fn from(e: plotters::drawing::DrawingAreaErrorKind<E>) -> Self {
        ChartError::Drawing(e.to_string())
    }
}

fn escape_xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Adds `role="img"`, a `<title>` and a `<desc>` to plotters' SVG, with ids
/// made unique by `id`, and makes it scale to its container.
pub(crate) fn accessible(svg: String, id: &str, title: &str, description: &str) -> Svg {
    let Some(start) = svg.find("<svg") else {
        return Svg {
            markup: svg,
            drawn_at: 1,
        };
    };
    let Some(end) = svg[start..].find('>').map(|i| start + i) else {
        return Svg {
            markup: svg,
            drawn_at: 1,
        };
    };
    let open_tag = &svg[start..end];
    // Drop fixed width/height so CSS sizes the chart; keep the viewBox.
    let open_tag: String = open_tag
        .split(' ')
        .filter(|part| !part.starts_with("width=") && !part.starts_with("height="))
        .collect::<Vec<_>>()
        .join(" ");
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    Svg {
        markup: format!(
            "{open_tag} class=\"chart\" role=\"img\" aria-labelledby=\"{title_id} {desc_id}\"><title id=\"{title_id}\">{}</title><desc id=\"{desc_id}\">{}</desc>{}",
            escape_xml(title),
            escape_xml(description),
            &svg[end + 1..]
        ),
        drawn_at: 1,
    }
}

/// The name of the responses-per-day chart in download URLs; every other
/// chart is named by its question id.
pub const PER_DAY: &str = "responses-per-day";

/// The chart called `name` for these results: responses per day, or a
/// question's chart (a pie for a single-choice question, bars for a
/// multiple-choice, scale or demographic one). `None` for an unknown name
/// and for a text question, which is never charted.
pub fn named(
    definition: &crate::domain::SurveyDefinition,
    results: &crate::stats::SurveyResults,
    name: &str,
    id: &str,
) -> Option<Result<Svg, ChartError>> {
    named_at(definition, results, name, id, 1)
}

/// How many times larger charts are drawn for print (see [`pie::pie_at`]).
pub const PRINT_DRAWING_SCALE: u32 = 4;

/// [`named`], drawn `scale` times larger (pies only; bars are straight lines
/// and scale cleanly).
pub fn named_at(
    definition: &crate::domain::SurveyDefinition,
    results: &crate::stats::SurveyResults,
    name: &str,
    id: &str,
    scale: u32,
) -> Option<Result<Svg, ChartError>> {
    if name == PER_DAY {
        return Some(bars::per_day(
            &results.per_day,
            "Complete responses per day",
            id,
        ));
    }
    let question = definition.question(name)?;
    let result = results.question(question.id())?;
    let title = question.chart_title();
    Some(if result.is_text() {
        return None;
    } else if question.demographic() {
        bars::bars(result, title, id, true)
    } else if result.is_single() {
        pie::pie_at(result, title, id, scale)
    } else {
        bars::bars(result, title, id, false)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_get_a_title_and_description_and_scale() {
        let svg = accessible(
            "<svg width=\"10\" height=\"20\" viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>".to_owned(),
            "c1",
            "A <title>",
            "Desc & more",
        );
        assert_eq!(
            svg.as_str(),
            "<svg viewBox=\"0 0 10 20\" xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"c1-title c1-desc\"><title id=\"c1-title\">A &lt;title&gt;</title><desc id=\"c1-desc\">Desc &amp; more</desc><rect/></svg>"
        );
    }

    #[test]
    fn the_palette_repeats_for_many_series() {
        assert_eq!(colour(0), colour(8));
    }
}
