//! Labelled horizontal bars drawn by `plotters` into an SVG string: one row per category,
//! its name above the bar and its figure at the right, so long names (rules, Chinese
//! labels) read on a phone without a crowded axis. The same numbers go into a table for
//! screen readers beside it.

use leptos::prelude::*;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Drawing widths in SVG units: the chart is drawn as wide as its place on the page (so
/// text keeps its size), within these bounds; CSS scales the picture if the page changes.
const NARROWEST: u32 = 280;
const WIDEST: u32 = 960;
#[cfg(test)]
const NARROW: u32 = 360;

const ROW: u32 = 46;
const PAD: u32 = 8;
/// Text size in SVG units; plotters writes `font-size` as the size given ÷ 1.24.
const FONT: f64 = 14.0;
const FONT_FOR_PLOTTERS: f64 = FONT * 1.24;
const TEXT_COLOUR: RGBColor = RGBColor(0x15, 0x21, 0x2d);
const FIGURE_COLOUR: RGBColor = RGBColor(0x5a, 0x68, 0x78);
const TRACK_COLOUR: RGBColor = RGBColor(0xee, 0xf1, 0xf5);

/// Colours that match the app's grade and aging styles.
pub mod colour {
    use plotters::style::RGBColor;

    pub const BRAND: RGBColor = RGBColor(0x0f, 0x3b, 0x5f);
    pub const GRADE_A: RGBColor = RGBColor(0x17, 0x7a, 0x52);
    pub const GRADE_B: RGBColor = RGBColor(0x2f, 0x7d, 0x9e);
    pub const GRADE_C: RGBColor = RGBColor(0xb7, 0x79, 0x1f);
    pub const GRADE_D: RGBColor = RGBColor(0xc2, 0x57, 0x0c);
    pub const GRADE_E: RGBColor = RGBColor(0xb4, 0x23, 0x18);
    pub const NONE: RGBColor = RGBColor(0x9a, 0xa5, 0xb1);
    pub const AGING_CURRENT: RGBColor = RGBColor(0x2f, 0x7d, 0x9e);
    pub const AGING_1_30: RGBColor = RGBColor(0xe0, 0xa3, 0x3a);
    pub const AGING_31_60: RGBColor = RGBColor(0xd9, 0x77, 0x06);
    pub const AGING_61_90: RGBColor = RGBColor(0xc2, 0x41, 0x0c);
    pub const AGING_90_PLUS: RGBColor = RGBColor(0xb4, 0x23, 0x18);
}

/// One row: its name, its size (only for drawing: counts, or amounts already formatted
/// into `figure` from their `Decimal`), and the figure shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub figure: String,
    pub colour: RGBColor,
}

/// Roughly how wide `text` is at `size`: CJK characters are square, others about half.
fn text_width(text: &str, size: f64) -> f64 {
    text.chars()
        .map(|c| if c >= '\u{2e80}' { size } else { size * 0.56 })
        .sum()
}

/// `text` cut with "…" to fit `width`.
pub fn fit(text: &str, size: f64, width: f64) -> String {
    if text_width(text, size) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width(&next, size) + size > width {
            break;
        }
        out = next;
    }
    format!("{}…", out.trim_end())
}

/// The bars as SVG markup `width` wide; `None` without rows.
pub fn bars_svg(bars: &[Bar], width: u32) -> Option<String> {
    if bars.is_empty() {
        return None;
    }
    let height = PAD * 2 + ROW * bars.len() as u32;
    let mut svg = String::new();
    draw(bars, (width, height), &mut svg).ok()?;
    Some(svg.replacen(
        &format!("width=\"{width}\" height=\"{height}\""),
        "preserveAspectRatio=\"xMidYMid meet\"",
        1,
    ))
}

fn draw(
    bars: &[Bar],
    size: (u32, u32),
    out: &mut String,
) -> Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(out, size).into_drawing_area();
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    let left = PAD as i32;
    let right = (size.0 - PAD) as i32;
    let track = f64::from(size.0 - 2 * PAD);
    let label_style = ("sans-serif", FONT_FOR_PLOTTERS)
        .into_font()
        .color(&TEXT_COLOUR)
        .pos(Pos::new(HPos::Left, VPos::Top));
    let figure_style = ("sans-serif", FONT_FOR_PLOTTERS)
        .into_font()
        .style(FontStyle::Bold)
        .color(&FIGURE_COLOUR)
        .pos(Pos::new(HPos::Right, VPos::Top));
    for (i, bar) in bars.iter().enumerate() {
        let top = (PAD + ROW * i as u32) as i32;
        let figure_width = text_width(&bar.figure, FONT);
        let label = fit(&bar.label, FONT, track - figure_width - 12.0);
        root.draw(&Text::new(label, (left, top + 2), label_style.clone()))?;
        root.draw(&Text::new(
            bar.figure.clone(),
            (right, top + 2),
            figure_style.clone(),
        ))?;
        let bar_top = top + 24;
        let bar_bottom = bar_top + 14;
        root.draw(&Rectangle::new(
            [(left, bar_top), (right, bar_bottom)],
            TRACK_COLOUR.filled(),
        ))?;
        if max > 0.0 && bar.value > 0.0 {
            let length = ((bar.value / max) * track).max(3.0).round() as i32;
            root.draw(&Rectangle::new(
                [(left, bar_top), (left + length, bar_bottom)],
                bar.colour.filled(),
            ))?;
        }
    }
    root.present()?;
    Ok(())
}

/// A bar chart for `bars` (reactive, so labels follow the language), described by
/// `label` for screen readers, which get `table` for the numbers.
#[component]
pub fn BarChart(
    #[prop(into)] bars: Signal<Vec<Bar>>,
    label: fn() -> &'static str,
    testid: &'static str,
) -> impl IntoView {
    let figure = NodeRef::<leptos::html::Figure>::new();
    let width = RwSignal::new(None::<u32>);
    // Syncing with the world outside Leptos: how wide the page laid the figure out.
    Effect::new(move |_| {
        if let Some(element) = figure.get() {
            let measured = u32::try_from(element.client_width()).unwrap_or(0);
            width.set(Some(measured.clamp(NARROWEST, WIDEST)));
        }
    });
    view! {
        <figure
            class="chart bar-chart"
            role="img"
            node_ref=figure
            data-testid=testid
            aria-label=label
            inner_html=move || {
                width
                    .get()
                    .and_then(|w| bars.with(|b| bars_svg(b, w)))
                    .unwrap_or_default()
            }
        ></figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_to_fit() {
        assert_eq!(fit("Short", 15.0, 200.0), "Short");
        let cut = fit("发票逾期三十六十九十天以上的客户名单", 15.0, 100.0);
        assert!(cut.ends_with('…'));
        assert!(text_width(&cut, 15.0) <= 100.0 + 15.0);
    }

    #[test]
    fn bars_draw_one_row_each_and_none_without_rows() {
        let bar = |label: &str, value| Bar {
            label: label.into(),
            value,
            figure: format!("{value}"),
            colour: colour::BRAND,
        };

        let svg = bars_svg(&[bar("A", 3.0), bar("B", 0.0)], NARROW).unwrap();

        assert!(svg.contains("viewBox=\"0 0 360 108\""));
        assert!(svg.contains("\nA\n") && svg.contains("\nB\n"));
        assert_eq!(bars_svg(&[], NARROW), None);
    }
}
