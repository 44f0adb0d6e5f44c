//! A laid-out report ([`credence_shared::report::Doc`]) as a PDF on A4, with krilla.
//!
//! Text is set in Noto Sans CJK SC (regular and bold), read once from
//! `CREDENCE_REPORT_FONTS` (default: Debian's `fonts-noto-cjk` directory; in AWS the font
//! layer's `/opt/fonts`). krilla embeds only the glyphs the report uses (a subset), so
//! Chinese prints correctly everywhere and the file stays small.
//!
//! Layout is two passes: [`layout`] turns the document into pages of drawing operations
//! (so every page knows the page count for its footer), and [`render`] draws them.

use credence_shared::report::{Block, Chart, Doc, Fact, Table, Tone};
use krilla::{
    Document,
    color::rgb,
    geom::{PathBuilder, Point, Rect},
    num::NormalizedF32,
    page::PageSettings,
    paint::{Fill, Stroke},
    text::{Font, TextDirection},
};
use rust_decimal::prelude::ToPrimitive;
use skrifa::{FontRef, MetadataProvider, instance::LocationRef, instance::Size};
use std::{
    path::PathBuf,
    sync::{Arc, OnceLock},
};

/// Where the report fonts are read from when `CREDENCE_REPORT_FONTS` is not set.
pub const DEFAULT_FONT_DIR: &str = "/usr/share/fonts/opentype/noto";
const REGULAR: &str = "NotoSansCJK-Regular.ttc";
const BOLD: &str = "NotoSansCJK-Bold.ttc";
/// The face in the collection: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK.
const SIMPLIFIED_CHINESE: u32 = 2;

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 42.0;
const MARGIN_TOP: f32 = 46.0;
const MARGIN_BOTTOM: f32 = 54.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the report font {path} could not be read: {reason}")]
    Font { path: String, reason: String },
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// The two faces, loaded once per process.
struct Fonts {
    regular: Arc<Vec<u8>>,
    bold: Arc<Vec<u8>>,
}

fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Result<Fonts, PdfError>> = OnceLock::new();
    let loaded = FONTS.get_or_init(|| {
        let dir = std::env::var_os("CREDENCE_REPORT_FONTS")
            .map_or_else(|| PathBuf::from(DEFAULT_FONT_DIR), PathBuf::from);
        let read = |name: &str| {
            let path = dir.join(name);
            let data = std::fs::read(&path).map_err(|e| PdfError::Font {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
            FontRef::from_index(&data, SIMPLIFIED_CHINESE).map_err(|e| PdfError::Font {
                path: path.display().to_string(),
                reason: format!("not an OpenType collection with a Simplified Chinese face: {e}"),
            })?;
            Ok(Arc::new(data))
        };
        Ok(Fonts {
            regular: read(REGULAR)?,
            bold: read(BOLD)?,
        })
    });
    match loaded {
        Ok(fonts) => Ok(fonts),
        Err(PdfError::Font { path, reason }) => Err(PdfError::Font {
            path: path.clone(),
            reason: reason.clone(),
        }),
        Err(PdfError::Write(e)) => Err(PdfError::Write(e.clone())),
    }
}

/// Whether the report fonts are there (the health of the PDF endpoint).
pub fn fonts_available() -> bool {
    fonts().is_ok()
}

/// `doc` as a PDF.
pub fn pdf(doc: &Doc) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts()?;
    let pages = layout(doc, fonts);
    render(doc, &pages, fonts)
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Color(u8, u8, u8);

const INK: Color = Color(31, 41, 51);
const MUTED: Color = Color(82, 96, 109);
const RULE: Color = Color(154, 165, 177);
const LIGHT_RULE: Color = Color(217, 222, 227);
const HEADER_BG: Color = Color(238, 241, 244);
const BAD: Color = Color(180, 35, 24);
const GOOD: Color = Color(6, 118, 71);
const LINE: Color = Color(29, 78, 216);

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        color: Color,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Color,
    },
    Line {
        points: Vec<(f32, f32)>,
        width: f32,
        color: Color,
    },
}

/// Widths of text in the two faces.
struct Measure<'a> {
    regular: FontRef<'a>,
    bold: FontRef<'a>,
}

impl Measure<'_> {
    fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold } else { &self.regular };
        let charmap = font.charmap();
        let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }

    /// `text` broken into lines no wider than `width`: at a space where there is one, between
    /// any two Chinese characters, and inside a word only when it is wider than a line.
    fn wrap(&self, text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            // Where the line may break: the byte index in `line`.
            let mut last_break: Option<usize> = None;
            for c in paragraph.chars() {
                let cw = self.width(c.encode_utf8(&mut [0; 4]), size, bold);
                if is_wide(c) {
                    // A line may break before a wide character ...
                    last_break = Some(line.len());
                }
                if line_w + cw > width && !line.is_empty() {
                    match last_break {
                        Some(at) if at > 0 => {
                            let rest = line.split_off(at);
                            lines.push(line.trim_end().to_owned());
                            line = rest.trim_start().to_owned();
                            line_w = self.width(&line, size, bold);
                        }
                        _ => {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                    }
                    last_break = None;
                }
                line.push(c);
                line_w += cw;
                if c == ' ' || is_wide(c) {
                    // ... and after a space or a wide character.
                    last_break = Some(line.len());
                }
            }
            lines.push(line);
        }
        lines
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Lays the document out on pages.
struct Layout<'a> {
    measure: Measure<'a>,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        self.pages.last_mut().expect("a page is always open")
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = MARGIN_TOP;
    }

    /// Room for `height` more points, on a new page if this one is full.
    fn room(&mut self, height: f32) {
        if self.y + height > PAGE_H - MARGIN_BOTTOM {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, bold: bool, color: Color, text: &str) {
        if !text.is_empty() {
            self.ops().push(Op::Text {
                x,
                y: baseline,
                size,
                bold,
                color,
                text: text.to_owned(),
            });
        }
    }

    fn rule(&mut self, y: f32, color: Color, width: f32) {
        self.ops().push(Op::Line {
            points: vec![(MARGIN_X, y), (PAGE_W - MARGIN_X, y)],
            width,
            color,
        });
    }

    fn paragraph(&mut self, text: &str, size: f32, bold: bool, color: Color) {
        let lead = size * 1.45;
        for line in self.measure.wrap(text, size, bold, CONTENT_W) {
            self.room(lead);
            let baseline = self.y + size;
            self.text(MARGIN_X, baseline, size, bold, color, &line);
            self.y += lead;
        }
    }

    fn facts(&mut self, facts: &[Fact]) {
        const COLUMNS: usize = 3;
        let col_w = CONTENT_W / COLUMNS as f32;
        for row in facts.chunks(COLUMNS) {
            let cells: Vec<(Vec<String>, &Fact)> = row
                .iter()
                .map(|f| (self.measure.wrap(&f.value, 9.5, true, col_w - 10.0), f))
                .collect();
            let lines = cells.iter().map(|(l, _)| l.len()).max().unwrap_or(1);
            let height = 11.0 + lines as f32 * 13.0 + 4.0;
            self.room(height);
            let top = self.y;
            for (i, (value_lines, f)) in cells.iter().enumerate() {
                let x = MARGIN_X + i as f32 * col_w;
                self.text(x, top + 8.0, 7.5, false, MUTED, &f.label);
                let color = match f.tone {
                    Tone::Plain => INK,
                    Tone::Good => GOOD,
                    Tone::Bad => BAD,
                };
                for (n, line) in value_lines.iter().enumerate() {
                    self.text(x, top + 20.5 + n as f32 * 13.0, 9.5, true, color, line);
                }
            }
            self.y += height;
        }
        self.y += 2.0;
    }

    fn table(&mut self, table: &Table) {
        if table.rows.is_empty() {
            if !table.empty.is_empty() {
                self.paragraph(&table.empty, 9.0, false, MUTED);
            }
            return;
        }
        let total: f32 = table
            .columns
            .iter()
            .map(|c| f32::from(c.weight.max(1)))
            .sum();
        let widths: Vec<f32> = table
            .columns
            .iter()
            .map(|c| CONTENT_W * f32::from(c.weight.max(1)) / total)
            .collect();
        let size = 8.0;
        let lead = 11.0;
        let header: Vec<String> = table.columns.iter().map(|c| c.title.clone()).collect();
        let header_height = self.row_height(&header, &widths, size, true, lead);
        self.room(header_height + lead + 4.0);
        self.table_row(table, &header, &widths, true);
        for row in &table.rows {
            let height = self.row_height(row, &widths, size, false, lead);
            if self.y + height > PAGE_H - MARGIN_BOTTOM {
                self.new_page();
                self.table_row(table, &header, &widths, true);
            }
            self.table_row(table, row, &widths, false);
        }
        self.y += 6.0;
    }

    fn row_height(
        &self,
        cells: &[String],
        widths: &[f32],
        size: f32,
        bold: bool,
        lead: f32,
    ) -> f32 {
        let lines = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| self.measure.wrap(c, size, bold, w - 6.0).len())
            .max()
            .unwrap_or(1);
        lines as f32 * lead + 4.0
    }

    fn table_row(&mut self, table: &Table, cells: &[String], widths: &[f32], header: bool) {
        let (size, lead) = (8.0, 11.0);
        let height = self.row_height(cells, widths, size, header, lead);
        let top = self.y;
        if header {
            self.ops().push(Op::Rect {
                x: MARGIN_X,
                y: top,
                w: CONTENT_W,
                h: height,
                color: HEADER_BG,
            });
        }
        let mut x = MARGIN_X;
        for ((cell, w), column) in cells.iter().zip(widths).zip(&table.columns) {
            for (n, line) in self
                .measure
                .wrap(cell, size, header, w - 6.0)
                .iter()
                .enumerate()
            {
                let tx = if column.numeric {
                    x + w - 3.0 - self.measure.width(line, size, header)
                } else {
                    x + 3.0
                };
                self.text(
                    tx,
                    top + 2.0 + size + n as f32 * lead,
                    size,
                    header,
                    INK,
                    line,
                );
            }
            x += w;
        }
        self.y += height;
        self.rule(self.y, LIGHT_RULE, 0.5);
    }

    fn chart(&mut self, chart: &Chart) {
        let Some((lo, hi)) = chart.range() else {
            return;
        };
        let (lo, hi) = (lo.to_f32().unwrap_or(0.0), hi.to_f32().unwrap_or(1.0));
        let height = 120.0;
        self.room(height + 16.0);
        let title_base = self.y + 8.0;
        self.text(
            MARGIN_X,
            title_base,
            7.5,
            false,
            MUTED,
            &chart.title.clone(),
        );
        let top = self.y + 14.0;
        let (left, right, bottom) = (
            MARGIN_X + 30.0,
            PAGE_W - MARGIN_X - 6.0,
            top + height - 18.0,
        );
        let n = chart.labels.len().max(2) - 1;
        let x = |i: usize| left + (right - left) * i as f32 / n as f32;
        let y = |v: f32| top + 4.0 + (bottom - top - 4.0) * (hi - v) / (hi - lo);
        for gy in [top + 4.0, bottom] {
            self.ops().push(Op::Line {
                points: vec![(left, gy), (right, gy)],
                width: 0.5,
                color: LIGHT_RULE,
            });
        }
        for (v, gy) in [(hi, top + 4.0), (lo, bottom)] {
            let label = format!("{}", v.round());
            let w = self.measure.width(&label, 7.0, false);
            self.text(left - 4.0 - w, gy + 2.5, 7.0, false, MUTED, &label);
        }
        for (i, label) in chart.labels.iter().enumerate() {
            if i % 2 == n % 2 {
                let w = self.measure.width(label, 7.0, false);
                self.text(x(i) - w / 2.0, bottom + 11.0, 7.0, false, MUTED, label);
            }
        }
        for series in &chart.series {
            let mut run: Vec<(f32, f32)> = Vec::new();
            let mut runs = Vec::new();
            for (i, v) in series.values.iter().enumerate() {
                match v.and_then(|v| v.to_f32()) {
                    Some(v) => run.push((x(i), y(v))),
                    None => runs.push(std::mem::take(&mut run)),
                }
            }
            runs.push(run);
            for run in runs.into_iter().filter(|r| !r.is_empty()) {
                for &(px, py) in &run {
                    self.ops().push(Op::Rect {
                        x: px - 1.5,
                        y: py - 1.5,
                        w: 3.0,
                        h: 3.0,
                        color: LINE,
                    });
                }
                if run.len() > 1 {
                    self.ops().push(Op::Line {
                        points: run,
                        width: 1.5,
                        color: LINE,
                    });
                }
            }
        }
        self.y = top + height;
    }
}

fn layout(doc: &Doc, fonts: &Fonts) -> Vec<Vec<Op>> {
    let measure = Measure {
        regular: FontRef::from_index(&fonts.regular, SIMPLIFIED_CHINESE)
            .expect("checked when the font was loaded"),
        bold: FontRef::from_index(&fonts.bold, SIMPLIFIED_CHINESE)
            .expect("checked when the font was loaded"),
    };
    let mut l = Layout {
        measure,
        pages: vec![Vec::new()],
        y: MARGIN_TOP,
    };
    l.paragraph(&doc.title, 17.0, true, INK);
    l.y += 2.0;
    l.paragraph(&doc.subtitle, 8.5, false, MUTED);
    if let Some(notice) = &doc.notice {
        l.y += 6.0;
        let lines = l.measure.wrap(notice, 9.0, false, CONTENT_W - 12.0);
        let height = lines.len() as f32 * 13.0 + 8.0;
        l.room(height);
        let top = l.y;
        l.ops().push(Op::Rect {
            x: MARGIN_X,
            y: top,
            w: CONTENT_W,
            h: height,
            color: HEADER_BG,
        });
        for (n, line) in lines.iter().enumerate() {
            l.text(
                MARGIN_X + 6.0,
                top + 13.0 + n as f32 * 13.0,
                9.0,
                false,
                INK,
                line,
            );
        }
        l.y += height;
    }
    for section in &doc.sections {
        l.y += 12.0;
        // A heading never ends a page alone.
        l.room(60.0);
        l.paragraph(&section.title, 12.0, true, INK);
        let y = l.y;
        l.rule(y, RULE, 0.8);
        l.y += 5.0;
        for block in &section.blocks {
            match block {
                Block::Facts(facts) => l.facts(facts),
                Block::Table(table) => l.table(table),
                Block::Text(text) => {
                    l.paragraph(text, 9.0, false, INK);
                    l.y += 3.0;
                }
                Block::Chart(chart) => l.chart(chart),
            }
        }
    }
    l.pages
}

fn render(doc: &Doc, pages: &[Vec<Op>], fonts: &Fonts) -> Result<Vec<u8>, PdfError> {
    let font = |data: &Arc<Vec<u8>>| {
        Font::new(data.clone().into(), SIMPLIFIED_CHINESE)
            .ok_or_else(|| PdfError::Write("krilla could not read the report font".into()))
    };
    let (regular, bold) = (font(&fonts.regular)?, font(&fonts.bold)?);
    let mut document = Document::new();
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(doc.title.clone())
            .language(doc.lang.tag().to_owned())
            .creator("Credence".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
        .ok_or_else(|| PdfError::Write("A4 is a valid page size".into()))?;
    let total = pages.len();
    for (index, ops) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text {
                    x,
                    y,
                    size,
                    bold: b,
                    color,
                    text,
                } => {
                    surface.set_fill(Some(fill(*color)));
                    let face = if *b { bold.clone() } else { regular.clone() };
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        face,
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Rect { x, y, w, h, color } => {
                    if let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) {
                        let mut path = PathBuilder::new();
                        path.push_rect(rect);
                        if let Some(path) = path.finish() {
                            surface.set_stroke(None);
                            surface.set_fill(Some(fill(*color)));
                            surface.draw_path(&path);
                        }
                    }
                }
                Op::Line {
                    points,
                    width,
                    color,
                } => {
                    let mut path = PathBuilder::new();
                    for (i, (px, py)) in points.iter().enumerate() {
                        if i == 0 {
                            path.move_to(*px, *py);
                        } else {
                            path.line_to(*px, *py);
                        }
                    }
                    if let Some(path) = path.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(color.0, color.1, color.2).into(),
                            width: *width,
                            ..Stroke::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
            }
        }
        // The footer: what the document is, and the page of how many.
        surface.set_fill(Some(fill(MUTED)));
        let number = format!("{} / {total}", index + 1);
        surface.draw_text(
            Point::from_xy(MARGIN_X, PAGE_H - 28.0),
            regular.clone(),
            7.0,
            &doc.footer,
            false,
            TextDirection::Auto,
        );
        surface.draw_text(
            Point::from_xy(PAGE_W - MARGIN_X - 30.0, PAGE_H - 28.0),
            regular.clone(),
            7.0,
            &number,
            false,
            TextDirection::Auto,
        );
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| PdfError::Write(format!("{e:?}")))
}

fn fill(color: Color) -> Fill {
    Fill {
        paint: rgb::Color::new(color.0, color.1, color.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::report::{Column, Lang, Section};

    fn doc(rows: usize) -> Doc {
        Doc {
            lang: Lang::ZhCn,
            title: "信用报告 · 上海华东机电有限公司".into(),
            subtitle: "客户编号 C-1".into(),
            notice: Some("本报告是审批时的存档".into()),
            sections: vec![Section {
                title: "账龄".into(),
                blocks: vec![
                    Block::Facts(vec![Fact {
                        label: "信用额度".into(),
                        value: "¥350,000.00".into(),
                        tone: Tone::Bad,
                    }]),
                    Block::Table(Table {
                        columns: vec![Column::text("日期", 2), Column::number("金额", 2)],
                        rows: (0..rows)
                            .map(|i| vec![format!("2026-01-{i:02}"), format!("¥{i},000.00")])
                            .collect(),
                        empty: "无".into(),
                    }),
                ],
            }],
            footer: "Credence".into(),
        }
    }

    #[test]
    fn a_long_table_flows_onto_more_pages_and_the_text_reads_back() {
        // Arrange: the test command installs Debian's fonts-noto-cjk.
        assert!(fonts_available(), "no report font in {DEFAULT_FONT_DIR}");

        // Act
        let short = pdf(&doc(3)).unwrap();
        let long = pdf(&doc(200)).unwrap();

        // Assert
        assert!(short.starts_with(b"%PDF-"));
        let short_text = pdf_extract::extract_text_from_mem(&short).unwrap();
        assert!(short_text.contains("1 / 1"), "{short_text}");
        let text = pdf_extract::extract_text_from_mem(&long).unwrap();
        assert!(text.contains("上海华东机电有限公司"), "{text}");
        assert!(text.contains("¥199,000.00"), "{text}");
        assert!(text.contains("2 / ") && !text.contains("1 / 1"), "{text}");
    }

    #[test]
    fn wrapping_breaks_between_chinese_characters_and_at_spaces() {
        let fonts = fonts().expect("the report font (fonts-noto-cjk)");
        let m = Measure {
            regular: FontRef::from_index(&fonts.regular, SIMPLIFIED_CHINESE).unwrap(),
            bold: FontRef::from_index(&fonts.bold, SIMPLIFIED_CHINESE).unwrap(),
        };

        let chinese = m.wrap("上海华东机电有限公司", 10.0, false, 45.0);
        let latin = m.wrap("paying later never raises", 10.0, false, 60.0);

        assert!(chinese.len() >= 2, "{chinese:?}");
        assert_eq!(chinese.concat(), "上海华东机电有限公司");
        assert!(
            latin
                .iter()
                .all(|l| !l.starts_with(' ') && !l.ends_with(' ')),
            "{latin:?}"
        );
        assert_eq!(latin.join(" "), "paying later never raises");
    }
}
