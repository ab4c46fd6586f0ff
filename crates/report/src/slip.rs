//! The reservation slip (予約票) as a PDF: A6 for the counter's small printer, or A4 (the same
//! layout, larger) for a revisit slip printed on plain paper.
//!
//! It shows the day with its weekday, the time, the site, the reservation number in large
//! digits beside a QR code holding the same eight digits (check digit included, nothing else),
//! and what each person must bring, from [`ReservationSlip`] (the checklist rules). It names
//! nobody: the PDF is a plain file in `<data>/reports/` and is handed to the OS to print, and
//! DESIGN.md §4 keeps plaintext personal data off the disk, so the kana names the slip carries
//! for the screen are left out, and each person is "1人目（本人）". The file holds the
//! reservation number, the day, time and site, and the bring-list, nothing else.
//!
//! The QR code is drawn as vector squares (one per run of dark modules in a row), so it is
//! sharp at any printer resolution; error correction level H (30 %), which still fits eight
//! digits in the smallest QR version (21 × 21), for a slip carried in a pocket.
use chrono::{Datelike, NaiveDate};
use madoguchi_core::{reservation_number::ReservationNumber, store::ReservationSlip};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem,
};
use qrcode::{EcLevel, QrCode};

use crate::{
    labels::label,
    layout::{brand, font, grey, text_width},
    Result,
};

/// The paper a slip is printed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlipSize {
    /// A6 (105 × 148 mm), the counter's slip printer or a quarter of an A4 sheet.
    A6,
    /// A4 (210 × 297 mm), plain paper.
    A4,
}

impl SlipSize {
    /// Page width and height in mm, and the scale of the layout (drawn for A6).
    fn geometry(self) -> (f32, f32, f32) {
        match self {
            SlipSize::A6 => (105.0, 148.0, 1.0),
            SlipSize::A4 => (210.0, 297.0, 1.6),
        }
    }
}

const WEEKDAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// The day as the slip prints it: 2027年1月15日（金）.
pub fn day_label(d: NaiveDate) -> String {
    format!(
        "{}年{}月{}日（{}）",
        d.year(),
        d.month(),
        d.day(),
        WEEKDAYS[d.weekday().num_days_from_monday() as usize]
    )
}

/// The eight digits of a reservation number, check digit included: what its QR code holds.
pub fn qr_text(number: ReservationNumber) -> String {
    format!("{:08}", number.as_i64())
}

/// The number as printed large: two groups of four digits (「1234 5678」).
fn number_label(number: ReservationNumber) -> String {
    let digits = qr_text(number);
    format!("{} {}", &digits[..4], &digits[4..])
}

/// The QR code of `text` as rows of modules (true = dark), without the quiet zone.
fn qr_modules(text: &str) -> Vec<Vec<bool>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::H)
        .or_else(|_| QrCode::new(text.as_bytes()))
        .expect("eight digits always fit a QR code");
    let width = code.width();
    code.to_colors()
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect()
}

/// Pages of one size, drawn top to bottom; millimetres from the top-left, sizes given for A6
/// and multiplied by the size's scale.
struct Sheet {
    doc: PdfDocument,
    font_id: FontId,
    font: &'static ParsedFont,
    w: f32,
    h: f32,
    k: f32,
    pages: Vec<Vec<Op>>,
    /// Where the next element goes, mm from the top of the current page.
    y: f32,
}

impl Sheet {
    fn new(size: SlipSize) -> Result<Sheet> {
        let font = font()?;
        let mut doc = PdfDocument::new("予約票");
        let font_id = doc.add_font(font);
        let (w, h, k) = size.geometry();
        Ok(Sheet {
            doc,
            font_id,
            font,
            w,
            h,
            k,
            pages: vec![Vec::new()],
            y: 0.0,
        })
    }

    fn margin(&self) -> f32 {
        7.0 * self.k
    }

    fn left(&self) -> f32 {
        self.margin()
    }

    fn right(&self) -> f32 {
        self.w - self.margin()
    }

    /// Where content must end, above the footer.
    fn bottom(&self) -> f32 {
        self.h - self.margin() - 5.0 * self.k
    }

    fn pt(&self, x: f32, y: f32) -> Point {
        Point {
            x: Mm(x).into(),
            y: Mm(self.h - y).into(),
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page")
    }

    /// Width of `s` at `size` (A6 points), in mm on this page.
    fn width(&self, s: &str, size: f32) -> f32 {
        text_width(self.font, s, size * self.k)
    }

    /// Text with its baseline at `y`, starting at `x`, at `size` A6 points.
    fn text(&mut self, x: f32, y: f32, size: f32, s: &str, col: Color) {
        let font = PdfFontHandle::External(self.font_id.clone());
        let pos = self.pt(x, y);
        let size = Pt(size * self.k);
        self.ops().extend([
            Op::StartTextSection,
            Op::SetFillColor { col },
            Op::SetFont { font, size },
            Op::SetTextCursor { pos },
            Op::ShowText {
                items: vec![TextItem::Text(s.to_owned())],
            },
            Op::EndTextSection,
            Op::SetFillColor { col: grey(0.0) },
        ]);
    }

    fn fill(&mut self, x: f32, top: f32, w: f32, h: f32, col: Color) {
        let rectangle = Rect {
            x: Mm(x).into(),
            y: Mm(self.h - top - h).into(),
            width: Mm(w).into(),
            height: Mm(h).into(),
            mode: Some(PaintMode::Fill),
            winding_order: None,
        };
        self.ops().extend([
            Op::SetFillColor { col },
            Op::DrawRectangle { rectangle },
            Op::SetFillColor { col: grey(0.0) },
        ]);
    }

    fn rule(&mut self, y: f32, thickness: f32, level: f32) {
        let points = [self.left(), self.right()]
            .into_iter()
            .map(|x| LinePoint {
                p: self.pt(x, y),
                bezier: false,
            })
            .collect();
        let pt = Pt(thickness * self.k);
        self.ops().extend([
            Op::SetOutlineColor { col: grey(level) },
            Op::SetOutlineThickness { pt },
            Op::DrawLine {
                line: Line {
                    points,
                    is_closed: false,
                },
            },
        ]);
    }

    /// Starts a new page when less than `height` (A6 mm) is left on this one.
    fn ensure(&mut self, height: f32) {
        if self.y + height * self.k > self.bottom() {
            self.pages.push(Vec::new());
            self.y = self.margin();
        }
    }

    /// `s` broken into lines no wider than `max` mm at `size` (measured with the font, so
    /// Japanese breaks between any two characters).
    fn wrap(&self, s: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        for ch in s.chars() {
            line.push(ch);
            if self.width(&line, size) > max && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::take(&mut line));
                line.push(ch);
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// A paragraph at `x` wrapped to the right margin; `lead` (e.g. "・") hangs before its
    /// first line.
    fn paragraph(&mut self, x: f32, lead: &str, s: &str, size: f32, leading: f32) {
        let indent = self.width(lead, size);
        let lines = self.wrap(s, size, self.right() - x - indent);
        for (i, line) in lines.iter().enumerate() {
            self.ensure(leading);
            self.y += leading * self.k;
            if i == 0 && !lead.is_empty() {
                self.text(x, self.y, size, lead, grey(0.0));
            }
            self.text(x + indent, self.y, size, line, grey(0.0));
        }
    }

    /// A label in grey, then its value on the same line.
    fn labelled(&mut self, label: &str, value: &str, size: f32) {
        let k = self.k;
        let x = self.left() + 12.0 * k;
        let lines = self.wrap(value, size, self.right() - x);
        self.y += (size * 0.5 + 2.0) * k;
        self.text(self.left(), self.y, 8.0, label, grey(0.35));
        for (i, line) in lines.iter().enumerate() {
            if i > 0 {
                self.y += size * 0.45 * k;
            }
            self.text(x, self.y, size, line, grey(0.0));
        }
        self.y += 1.5 * k;
    }

    /// The QR code of `text` with its top-left module at (`x`, `top`), `module` mm a side.
    fn qr(&mut self, x: f32, top: f32, module: f32, text: &str) {
        let black = grey(0.0);
        for (row, cells) in qr_modules(text).iter().enumerate() {
            let mut col = 0;
            while col < cells.len() {
                if !cells[col] {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < cells.len() && cells[col] {
                    col += 1;
                }
                self.fill(
                    x + start as f32 * module,
                    top + row as f32 * module,
                    (col - start) as f32 * module,
                    module,
                    black.clone(),
                );
            }
        }
    }

    /// The footer on every page (the number, and "n / N" when there is more than one page),
    /// then the PDF with the font subset.
    fn finish(mut self, footer: &str) -> Vec<u8> {
        let total = self.pages.len();
        let mut pages = std::mem::take(&mut self.pages);
        let y = self.h - self.margin();
        for (i, ops) in pages.iter_mut().enumerate() {
            self.pages = vec![std::mem::take(ops)];
            self.text(self.left(), y, 7.0, footer, grey(0.35));
            if total > 1 {
                let n = format!("{} / {}", i + 1, total);
                let x = self.right() - self.width(&n, 7.0);
                self.text(x, y, 7.0, &n, grey(0.35));
            }
            *ops = self.pages.pop().expect("the page");
        }
        let (w, h) = (self.w, self.h);
        let pages = pages
            .into_iter()
            .map(|ops| PdfPage::new(Mm(w), Mm(h), ops))
            .collect();
        self.doc
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut Vec::new())
    }
}

/// The slip's PDF. Names are never printed (see the module's note).
pub fn pdf(slip: &ReservationSlip, size: SlipSize) -> Result<Vec<u8>> {
    let mut s = Sheet::new(size)?;
    let k = s.k;
    let (left, right) = (s.left(), s.right());
    s.y = s.margin();

    // A training store's slip is no booking: it says so first.
    if slip.store_kind.is_training() {
        s.y += 3.0 * k;
        s.text(
            left,
            s.y,
            8.0,
            madoguchi_core::training_mode::BANNER,
            grey(0.0),
        );
        s.y += 1.0 * k;
    }

    // The city's counter, then the title.
    if !slip.city_name.trim().is_empty() {
        s.y += 3.0 * k;
        for line in s.wrap(slip.city_name.trim(), 8.0, right - left) {
            s.text(left, s.y, 8.0, &line, grey(0.3));
            s.y += 3.6 * k;
        }
        s.y -= 3.6 * k;
    }
    s.y += 9.0 * k;
    s.text(left, s.y, 20.0, "予約票", grey(0.0));
    s.y += 2.5 * k;
    s.rule(s.y, 1.2, 0.2);
    s.y += 1.0 * k;

    // When and where.
    s.labelled(
        "日時",
        &format!("{}　{}", day_label(slip.day), slip.starts.format("%H:%M")),
        12.0,
    );
    let site = slip.site_name.trim();
    if !site.is_empty() && site != slip.city_name.trim() {
        s.labelled("拠点", site, 11.0);
    }
    s.y += 1.0 * k;
    s.rule(s.y, 0.4, 0.7);

    // The number, large, with its QR code on the right (its quiet zone of four modules kept
    // clear of everything else).
    let module = 0.8 * k;
    let qr = qr_text(slip.number);
    let cells = qr_modules(&qr).len() as f32;
    let quiet = 4.0 * module;
    let qr_left = right - cells * module;
    let top = s.y + 1.0 * k;
    s.qr(qr_left, top + quiet, module, &qr);
    let block = cells * module + 2.0 * quiet;
    s.text(left, top + 7.0 * k, 8.0, "予約番号", grey(0.35));
    s.text(
        left,
        top + 7.0 * k + 12.0 * k,
        30.0,
        &number_label(slip.number),
        grey(0.0),
    );
    s.y = top + block;
    if slip.provisional {
        s.paragraph(
            left,
            "",
            "仮予約です。予約が確定しましたら、あらためてご連絡します。",
            8.5,
            4.2,
        );
        s.y += 1.0 * k;
    }
    let bring_it = "この予約票をお持ちください";
    s.fill(left, s.y, right - left, 7.0 * k, grey(0.92));
    let w = s.width(bring_it, 10.0);
    s.text(
        left + (right - left - w) / 2.0,
        s.y + 5.0 * k,
        10.0,
        bring_it,
        grey(0.0),
    );
    s.y += 8.0 * k;

    // What to bring, per person when there are several.
    s.ensure(14.0);
    s.y += 5.0 * k;
    s.fill(left, s.y - 3.6 * k, 1.3 * k, 4.4 * k, brand());
    s.text(left + 2.8 * k, s.y, 10.5, "持ち物", grey(0.0));
    s.y += 0.5 * k;
    let several = slip.people.len() > 1;
    for (i, person) in slip.people.iter().enumerate() {
        if several {
            let procedures: Vec<String> = person
                .procedures
                .iter()
                .map(|p| label("procedure", p.code()))
                .collect();
            // A person's heading is never the last line of a page.
            s.ensure(1.0 + 4.4 + 4.2);
            s.y += 1.0 * k;
            s.paragraph(
                left,
                "",
                &format!(
                    "{}人目（{}）：{}",
                    i + 1,
                    label("applicantType", person.applicant_type.code()),
                    procedures.join("・")
                ),
                8.5,
                4.4,
            );
        }
        if person.bring.is_empty() {
            s.paragraph(left + 1.0 * k, "・", "特にありません", 8.5, 4.2);
        }
        for item in &person.bring {
            s.paragraph(left + 1.0 * k, "・", item, 8.5, 4.2);
        }
    }

    Ok(s.finish(&format!("予約票　予約番号 {}", slip.number)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_read_with_their_weekday() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 15).unwrap();
        assert_eq!(day_label(d), "2027年1月15日（金）");
    }

    #[test]
    fn eight_digits_fit_the_smallest_qr_code_at_the_highest_correction() {
        let n: ReservationNumber = (0..10)
            .find_map(|c| format!("1234567{c}").parse().ok())
            .unwrap();
        let text = qr_text(n);
        assert_eq!(text.len(), 8);
        assert!(text.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(number_label(n).replace(' ', ""), text);
        let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::H).unwrap();
        assert_eq!(code.width(), 21);
        assert_eq!(qr_modules(&text).len(), 21);
    }
}
