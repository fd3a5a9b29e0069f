//! QR codes for posters and leaflets: a channel's link as SVG (drawn by the
//! `qrcode` crate, with its quiet zone) and as PNG for print (that SVG drawn
//! by resvg, about 1200 pixels square).

use qrcode::QrCode;
use qrcode::render::svg;

/// Why a QR code could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the link is too long for a QR code: {0}")]
    Encode(#[from] qrcode::types::QrError),
    #[error("the QR code could not be drawn: {0}")]
    Draw(#[from] super::png::PngError),
}

/// The QR code of `text` as an SVG document.
pub fn qr_svg(text: &str) -> Result<String, QrError> {
    let code = QrCode::new(text.as_bytes())?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(300, 300)
        .quiet_zone(true)
        .build())
}

/// The width in pixels of a printed QR code.
pub const PRINT_PIXELS: f32 = 1200.0;

/// The QR code of `text` as a PNG about [`PRINT_PIXELS`] square.
pub fn qr_png(text: &str) -> Result<Vec<u8>, QrError> {
    let svg = qr_svg(text)?;
    let width = svg_width(&svg).unwrap_or(300.0);
    Ok(super::png::shapes_to_png(&svg, PRINT_PIXELS / width)?)
}

/// The `width` attribute of an SVG document's root element.
fn svg_width(svg: &str) -> Option<f32> {
    let start = svg.find("<svg")?;
    let rest = &svg[start..];
    let at = rest.find(" width=\"")? + " width=\"".len();
    rest[at..]
        .split('"')
        .next()?
        .trim_end_matches("px")
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_becomes_an_svg_and_a_print_sized_png() {
        let link = "https://survey.example.gov.uk/surveys/csp-2020?channel=facebook";
        let svg = qr_svg(link).expect("encodes");
        assert!(svg.contains("<svg"), "{svg}");
        let width = svg_width(&svg).expect("a width");
        assert!(width >= 300.0, "{width}");
        let png = qr_png(link).expect("draws");
        let (w, h) = crate::export::png::png_size(&png).expect("a PNG");
        assert_eq!(w, h);
        assert!((1100..=1300).contains(&w), "{w}");
    }

    #[test]
    fn a_link_too_long_for_any_qr_code_is_an_error_not_a_panic() {
        assert!(matches!(qr_svg(&"x".repeat(8000)), Err(QrError::Encode(_))));
    }
}
