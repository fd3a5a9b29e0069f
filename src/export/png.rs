//! SVG charts to PNG at print resolution, with resvg and the system's fonts.
//! Without a usable font the text would be missing, so rendering refuses
//! and says what to install.

use std::sync::{Arc, OnceLock};

use resvg::{tiny_skia, usvg};

/// Print resolution: 300 dots per inch, against the SVG's 96 per inch.
pub const SCALE: f32 = 300.0 / 96.0;

/// Families tried, in order, for the charts' `sans-serif` text.
const SANS: [&str; 5] = [
    "Arial",
    "Liberation Sans",
    "DejaVu Sans",
    "Noto Sans",
    "FreeSans",
];

/// Why a PNG could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error(
        "PNG charts need a font on the server, and none was found. Install one (on Debian: apt-get install fonts-dejavu-core; the Docker image has it), or download the SVG, which needs no font on the server."
    )]
    NoFont,
    #[error("the chart could not be read: {0}")]
    Svg(String),
    #[error("the PNG could not be written: {0}")]
    Encode(String),
}

fn fonts() -> Option<Arc<usvg::fontdb::Database>> {
    static FONTS: OnceLock<Option<Arc<usvg::fontdb::Database>>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut db = usvg::fontdb::Database::new();
            db.load_system_fonts();
            let family = SANS
                .iter()
                .find(|wanted| {
                    db.faces()
                        .any(|f| f.families.iter().any(|(name, _)| name == *wanted))
                })
                .map(|s| (*s).to_owned())
                .or_else(|| {
                    db.faces()
                        .next()
                        .and_then(|f| f.families.first().map(|(n, _)| n.clone()))
                })?;
            db.set_sans_serif_family(family);
            Some(Arc::new(db))
        })
        .clone()
}

/// Whether PNGs can be made here.
pub fn has_font() -> bool {
    fonts().is_some()
}

/// Renders a chart to PNG bytes at 300 dpi of its on-screen size, on white.
pub fn chart_to_png(chart: &crate::charts::Svg) -> Result<Vec<u8>, PngError> {
    svg_to_png(chart.as_str(), SCALE / chart.drawn_at() as f32)
}

/// Renders an SVG document to PNG bytes, `scale` pixels per SVG unit.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    let fontdb = fonts().ok_or(PngError::NoFont)?;
    let options = usvg::Options {
        fontdb,
        ..usvg::Options::default()
    };
    render(svg, scale, &options)
}

/// Renders an SVG document without text (a QR code) to PNG bytes, `scale`
/// pixels per SVG unit: no fonts needed.
pub fn shapes_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, PngError> {
    render(svg, scale, &usvg::Options::default())
}

fn render(svg: &str, scale: f32, options: &usvg::Options) -> Result<Vec<u8>, PngError> {
    let tree = usvg::Tree::from_str(svg, options).map_err(|e| PngError::Svg(e.to_string()))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(scale)
        .ok_or_else(|| PngError::Svg("empty chart".to_owned()))?;
    let mut pixmap = tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| PngError::Svg("chart too large".to_owned()))?;
    pixmap.fill(tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| PngError::Encode(e.to_string()))
}

/// A PNG's width and height in pixels, read from its header.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let width = png.get(16..20)?;
    let height = png.get(20..24)?;
    Some((
        u32::from_be_bytes(width.try_into().ok()?),
        u32::from_be_bytes(height.try_into().ok()?),
    ))
}
