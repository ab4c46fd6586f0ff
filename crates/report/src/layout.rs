//! A small page composer over printpdf for the city's reports: A4 portrait, Japanese text in the
//! shipped IPAex Gothic (subset on save), text measured with the font's own advances so tables
//! and numbers line up, tables that break across pages with their header repeated, vector bar
//! charts, and a header and "n / N" footer on every page.
//!
//! Coordinates are millimetres from the top-left of the page; printpdf's origin is bottom-left
//! in points, so everything goes through [`Composer::pt`].
use std::sync::OnceLock;

use madoguchi_core::training_mode::{StoreKind, BANNER, MARK};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};

use crate::{Error, Result};

/// IPAex Gothic (IPA Font License v1.0, see assets/fonts/).
const FONT: &[u8] = include_bytes!("../../../assets/fonts/ipaexg.ttf");

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const MARGIN: f32 = 16.0;
/// Content starts below the running header and ends above the footer.
const TOP: f32 = MARGIN + 8.0;
const BOTTOM: f32 = PAGE_H - MARGIN - 6.0;
/// Millimetres in a point.
pub(crate) const PT_MM: f32 = 0.352_778;

/// How a table column aligns its cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
}

/// A table column: title, width in mm, alignment.
pub(crate) struct Col<'a>(pub &'a str, pub f32, pub Align);

/// The shipped font, parsed once.
pub(crate) fn font() -> Result<&'static ParsedFont> {
    static PARSED: OnceLock<Option<ParsedFont>> = OnceLock::new();
    PARSED
        .get_or_init(|| ParsedFont::from_bytes(FONT, 0, &mut Vec::new()))
        .as_ref()
        .ok_or(Error::Font)
}

/// A grey, 0 black to 1 white.
pub(crate) fn grey(level: f32) -> Color {
    Color::Rgb(Rgb {
        r: level,
        g: level,
        b: level,
        icc_profile: None,
    })
}

/// The reports' accent colour.
pub(crate) fn brand() -> Color {
    Color::Rgb(Rgb {
        r: 0.12,
        g: 0.23,
        b: 0.54,
        icc_profile: None,
    })
}

/// Width of `s` in `font` at `size` points, in mm (the font's own advances; a character it
/// lacks counts as full width).
pub(crate) fn text_width(font: &ParsedFont, s: &str, size: f32) -> f32 {
    let upem = f32::from(font.font_metrics.units_per_em.max(1));
    let units: u32 = s
        .chars()
        .map(|c| {
            font.lookup_glyph_index(c as u32)
                .map(|g| u32::from(font.get_horizontal_advance(g)))
                .unwrap_or(upem as u32)
        })
        .sum();
    units as f32 / upem * size * PT_MM
}

/// Lays out pages one element after another.
pub(crate) struct Composer {
    doc: PdfDocument,
    font_id: FontId,
    font: &'static ParsedFont,
    pages: Vec<Vec<Op>>,
    /// Distance from the top of the current page to where the next element goes, in mm.
    y: f32,
    header: String,
    kind: StoreKind,
}

impl Composer {
    /// A document titled `title`; `header` runs at the top of every page. A training store's
    /// papers (`kind`) say so in the header and across every page (研修モード).
    pub(crate) fn new(title: &str, header: String, kind: StoreKind) -> Result<Composer> {
        let font = font()?;
        let mut doc = PdfDocument::new(title);
        let font_id = doc.add_font(font);
        Ok(Composer {
            doc,
            font_id,
            font,
            pages: vec![Vec::new()],
            y: TOP,
            header: match kind {
                StoreKind::Real => header,
                StoreKind::Training => format!("{BANNER}　{header}"),
            },
            kind,
        })
    }

    /// 研修モード in large light letters across the page, under everything else.
    fn watermark(&self) -> Vec<Op> {
        let size = 72.0;
        let (cos, sin) = (
            std::f32::consts::FRAC_1_SQRT_2,
            std::f32::consts::FRAC_1_SQRT_2,
        );
        // Centred on the page's diagonal: start half the mark's width back along it.
        let half = self.width(MARK, size) / 2.0;
        let (cx, cy) = (PAGE_W / 2.0, PAGE_H / 2.0);
        let (x, y) = (cx - half * cos, cy - half * sin);
        let (x, y): (Pt, Pt) = (Mm(x).into(), Mm(y).into());
        vec![
            Op::SaveGraphicsState,
            Op::SetFillColor { col: grey(0.88) },
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            },
            Op::SetTextMatrix {
                matrix: TextMatrix::Raw([cos, sin, -sin, cos, x.0, y.0]),
            },
            Op::ShowText {
                items: vec![TextItem::Text(MARK.to_owned())],
            },
            Op::EndTextSection,
            Op::RestoreGraphicsState,
        ]
    }

    fn pt(x_mm: f32, y_from_top_mm: f32) -> Point {
        Point {
            x: Mm(x_mm).into(),
            y: Mm(PAGE_H - y_from_top_mm).into(),
        }
    }

    /// Width of `s` at `size` points, in mm.
    pub(crate) fn width(&self, s: &str, size: f32) -> f32 {
        text_width(self.font, s, size)
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Text with its baseline at `y` (mm from the top), starting at `x` or ending there.
    pub(crate) fn text(&mut self, x: f32, y: f32, size: f32, s: &str, align: Align) {
        let x = match align {
            Align::Left => x,
            Align::Right => x - self.width(s, size),
        };
        let font = PdfFontHandle::External(self.font_id.clone());
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFont {
                font,
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Self::pt(x, y),
            },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    fn rule(&mut self, x1: f32, x2: f32, y: f32, thickness: f32, level: f32) {
        let points = [x1, x2]
            .into_iter()
            .map(|x| LinePoint {
                p: Self::pt(x, y),
                bezier: false,
            })
            .collect();
        self.ops().extend([
            Op::SetOutlineColor { col: grey(level) },
            Op::SetOutlineThickness { pt: Pt(thickness) },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, col: Color) {
        self.ops().extend([
            Op::SetFillColor { col },
            Op::DrawRectangle {
                rectangle: Rect {
                    x: Mm(x).into(),
                    y: Mm(PAGE_H - top - h).into(),
                    width: Mm(w).into(),
                    height: Mm(h).into(),
                    mode: Some(PaintMode::Fill),
                    winding_order: None,
                },
            },
            Op::SetFillColor { col: grey(0.0) },
        ]);
    }

    /// Starts a new page when less than `height` mm is left on this one.
    pub(crate) fn ensure(&mut self, height: f32) -> bool {
        if self.y + height > BOTTOM {
            self.pages.push(Vec::new());
            self.y = TOP;
            true
        } else {
            false
        }
    }

    /// The report's title block.
    pub(crate) fn title(&mut self, title: &str, subtitle: &str) {
        self.y += 6.0;
        self.text(MARGIN, self.y, 17.0, title, Align::Left);
        self.y += 6.5;
        self.text(MARGIN, self.y, 10.0, subtitle, Align::Left);
        self.y += 3.0;
        self.rule(MARGIN, PAGE_W - MARGIN, self.y, 1.2, 0.2);
        self.y += 5.0;
    }

    /// A section heading.
    pub(crate) fn heading(&mut self, s: &str) {
        self.ensure(18.0);
        self.y += 5.0;
        self.fill(MARGIN, self.y - 4.2, 1.6, 5.0, brand());
        self.text(MARGIN + 3.5, self.y, 12.0, s, Align::Left);
        self.y += 4.0;
    }

    /// A line of body text.
    pub(crate) fn line(&mut self, s: &str) {
        self.ensure(6.0);
        self.y += 4.8;
        self.text(MARGIN, self.y, 9.5, s, Align::Left);
    }

    /// Body text wrapped to the page width (measured with the font, so Japanese and long
    /// paths break where they must).
    pub(crate) fn paragraph(&mut self, s: &str) {
        const SIZE: f32 = 9.5;
        let max = PAGE_W - 2.0 * MARGIN;
        let mut line = String::new();
        for ch in s.chars() {
            line.push(ch);
            if self.width(&line, SIZE) > max {
                line.pop();
                self.line(&line);
                line = ch.to_string();
            }
        }
        if !line.is_empty() {
            self.line(&line);
        }
    }

    /// Vertical space, in mm.
    pub(crate) fn blank(&mut self, mm: f32) {
        self.y += mm;
    }

    /// Label–value pairs in two columns.
    pub(crate) fn facts(&mut self, pairs: &[(String, String)]) {
        let col = (PAGE_W - 2.0 * MARGIN) / 2.0;
        for chunk in pairs.chunks(2) {
            self.ensure(6.5);
            self.y += 5.5;
            for (i, (label, value)) in chunk.iter().enumerate() {
                let x = MARGIN + col * i as f32;
                self.text(x + 1.0, self.y, 9.5, label, Align::Left);
                self.text(x + col - 4.0, self.y, 10.0, value, Align::Right);
                self.rule(x, x + col - 3.0, self.y + 1.5, 0.4, 0.75);
            }
        }
        self.y += 2.0;
    }

    /// A table; its header is repeated on every page it runs onto.
    pub(crate) fn table(&mut self, cols: &[Col<'_>], rows: &[Vec<String>]) {
        const ROW: f32 = 5.6;
        let header = |c: &mut Composer| {
            c.y += ROW;
            c.fill(
                MARGIN,
                c.y - 4.1,
                cols.iter().map(|col| col.1).sum(),
                ROW,
                grey(0.9),
            );
            let mut x = MARGIN;
            for Col(title, w, align) in cols {
                let at = if *align == Align::Right {
                    x + w - 1.5
                } else {
                    x + 1.5
                };
                c.text(at, c.y, 8.5, title, *align);
                x += w;
            }
        };
        self.ensure(ROW * 3.0);
        header(self);
        for row in rows {
            if self.ensure(ROW + 1.0) {
                header(self);
            }
            self.y += ROW;
            let mut x = MARGIN;
            for (Col(_, w, align), cell) in cols.iter().zip(row) {
                let at = if *align == Align::Right {
                    x + w - 1.5
                } else {
                    x + 1.5
                };
                self.text(at, self.y, 9.0, cell, *align);
                x += w;
            }
            let width: f32 = cols.iter().map(|c| c.1).sum();
            self.rule(MARGIN, MARGIN + width, self.y + 1.6, 0.3, 0.8);
        }
        self.y += 3.0;
    }

    /// A vertical bar chart drawn as vector graphics: one bar per (label, value).
    pub(crate) fn bar_chart(&mut self, title: &str, bars: &[(String, f64)], unit: &str) {
        const HEIGHT: f32 = 48.0;
        self.ensure(HEIGHT + 16.0);
        self.y += 5.0;
        self.text(MARGIN, self.y, 9.5, title, Align::Left);
        let top = self.y + 4.0;
        let base = top + HEIGHT;
        let max = bars.iter().map(|b| b.1).fold(0.0_f64, f64::max).max(1.0);
        let nice = nice_ceiling(max);
        let width = PAGE_W - 2.0 * MARGIN - 12.0;
        let left = MARGIN + 12.0;
        for i in 0..=4 {
            let value = nice * f64::from(i) / 4.0;
            let y = base - HEIGHT * (i as f32) / 4.0;
            self.rule(
                left,
                left + width,
                y,
                if i == 0 { 0.8 } else { 0.3 },
                if i == 0 { 0.2 } else { 0.85 },
            );
            self.text(left - 1.5, y + 1.2, 7.0, &format_axis(value), Align::Right);
        }
        self.text(left - 1.5, top - 3.0, 7.0, unit, Align::Right);
        let slot = width / bars.len().max(1) as f32;
        let label_every = (bars.len() / 16).max(1);
        for (i, (label, value)) in bars.iter().enumerate() {
            let h = (value / nice) as f32 * HEIGHT;
            let x = left + slot * i as f32 + slot * 0.15;
            if h > 0.0 {
                self.fill(x, base - h, slot * 0.7, h, brand());
            }
            if i % label_every == 0 {
                let cx = x + slot * 0.35;
                let w = self.width(label, 6.5);
                self.text(cx - w / 2.0, base + 3.5, 6.5, label, Align::Left);
            }
        }
        self.y = base + 7.0;
    }

    /// Adds the running header and the page numbers, and writes the PDF (fonts subset).
    pub(crate) fn finish(mut self, footer: &str) -> Vec<u8> {
        let total = self.pages.len();
        let header = std::mem::take(&mut self.header);
        let mut pages = std::mem::take(&mut self.pages);
        for (i, ops) in pages.iter_mut().enumerate() {
            self.pages = vec![std::mem::take(ops)];
            self.text(MARGIN, MARGIN, 8.0, &header, Align::Left);
            self.rule(MARGIN, PAGE_W - MARGIN, MARGIN + 2.0, 0.4, 0.6);
            self.text(MARGIN, PAGE_H - MARGIN + 2.0, 7.5, footer, Align::Left);
            let number = format!("{} / {}", i + 1, total);
            self.text(
                PAGE_W - MARGIN,
                PAGE_H - MARGIN + 2.0,
                8.0,
                &number,
                Align::Right,
            );
            *ops = self.pages.pop().expect("the page");
            if self.kind.is_training() {
                ops.splice(0..0, self.watermark());
            }
        }
        let pages = pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops))
            .collect();
        self.doc
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// 1, 2, 5 × 10^n at or above `v`, so the axis reads in round numbers.
fn nice_ceiling(v: f64) -> f64 {
    let exp = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|m| m * exp)
        .find(|c| *c >= v)
        .unwrap_or(10.0 * exp)
}

fn format_axis(v: f64) -> String {
    if v.fract().abs() < 1e-9 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_end_on_round_numbers() {
        assert_eq!(nice_ceiling(1.0), 1.0);
        assert_eq!(nice_ceiling(7.0), 10.0);
        assert_eq!(nice_ceiling(230.0), 250.0);
        assert_eq!(nice_ceiling(301.0), 500.0);
    }

    #[test]
    fn japanese_text_is_measured_with_the_font() {
        let c = Composer::new("t", String::new(), StoreKind::Real).unwrap();
        let kanji = c.width("窓口", 10.0);
        let digits = c.width("12", 10.0);
        assert!(
            (kanji - 2.0 * 10.0 * PT_MM).abs() < 0.1,
            "full-width: {kanji}"
        );
        assert!(digits < kanji, "digits are narrower: {digits} vs {kanji}");
    }
}
