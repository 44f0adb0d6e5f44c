//! The credit file's history as a chart: score (left axis) and days to pay (right axis) over
//! time, drawn by `plotters` into an SVG string, with the same figures as a table for screen
//! readers and for anyone who wants the numbers.

use credence_shared::credit::HistoryPoint;
use leptos::prelude::*;
use plotters::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use time::Date;

use crate::components::money::Amount;
use crate::i18n::{t, t_string, use_i18n};

/// Drawing sizes in SVG units, for phones and for wider screens; CSS scales the picture
/// to the width available, so the labels stay readable on both.
const NARROW: (u32, u32) = (360, 240);
const WIDE: (u32, u32) = (760, 260);
const NARROW_BELOW_PX: f64 = 600.0;

const SCORE_COLOUR: RGBColor = RGBColor(0x0f, 0x3b, 0x5f);
const DAYS_COLOUR: RGBColor = RGBColor(0xc2, 0x57, 0x0c);
const GRID_COLOUR: RGBColor = RGBColor(0xdd, 0xe3, 0xea);
const TEXT_COLOUR: RGBColor = RGBColor(0x5a, 0x68, 0x78);

/// A chart coordinate; scores and day counts are small, so `f64` draws them exactly enough.
/// (Amounts never go through here.)
fn coordinate(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

fn day(date: Date) -> f64 {
    f64::from(date.to_julian_day())
}

fn month_label(x: f64) -> String {
    Date::from_julian_day(x.round() as i32)
        .map(|d| format!("{}-{:02}", d.year(), u8::from(d.month())))
        .unwrap_or_default()
}

/// Pads a range so a flat series still gets an axis, and rounds it outwards.
fn padded(min: f64, max: f64, step: f64) -> std::ops::Range<f64> {
    let (low, high) = if (max - min).abs() < f64::EPSILON {
        (min - step, max + step)
    } else {
        (min, max)
    };
    ((low / step).floor() * step)..((high / step).ceil() * step)
}

/// The chart as SVG markup of `size`; `None` when there are fewer than two points to join.
pub fn history_svg(points: &[HistoryPoint], size: (u32, u32)) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let mut svg = String::new();
    draw(points, size, &mut svg).ok()?;
    // Let CSS size it: keep the viewBox, drop the fixed pixel size.
    Some(svg.replacen(
        &format!("width=\"{}\" height=\"{}\"", size.0, size.1),
        "preserveAspectRatio=\"xMidYMid meet\"",
        1,
    ))
}

fn draw(
    points: &[HistoryPoint],
    size: (u32, u32),
    out: &mut String,
) -> Result<(), Box<dyn std::error::Error>> {
    let xs: Vec<f64> = points.iter().map(|p| day(p.date)).collect();
    let scores: Vec<f64> = points.iter().map(|p| coordinate(p.score)).collect();
    let days: Vec<(f64, f64)> = points
        .iter()
        .filter_map(|p| Some((day(p.date), coordinate(p.days_to_pay?))))
        .collect();
    let (x_min, x_max) = (xs[0], xs[xs.len() - 1]);
    let x_range = if x_max > x_min {
        x_min..x_max
    } else {
        (x_min - 15.0)..(x_max + 15.0)
    };
    let fold = |values: &mut dyn Iterator<Item = f64>| {
        values.fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (s_min, s_max) = fold(&mut scores.iter().copied());
    let (d_min, d_max) = if days.is_empty() {
        (0.0, 30.0)
    } else {
        fold(&mut days.iter().map(|&(_, d)| d))
    };

    let root = SVGBackend::with_string(out, size).into_drawing_area();
    let mut chart = ChartBuilder::on(&root)
        .margin(8)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .right_y_label_area_size(36)
        .build_cartesian_2d(x_range.clone(), padded(s_min, s_max, 20.0))?
        .set_secondary_coord(x_range, padded(d_min.min(0.0), d_max, 10.0));

    let label_style = ("sans-serif", 12).into_font().color(&TEXT_COLOUR);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID_COLOUR)
        .axis_style(GRID_COLOUR)
        .label_style(label_style.clone())
        .x_labels(if size.0 < WIDE.0 { 4 } else { 6 })
        .y_labels(5)
        .x_label_formatter(&|x| month_label(*x))
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;
    chart
        .configure_secondary_axes()
        .axis_style(GRID_COLOUR)
        .label_style(label_style)
        .y_labels(5)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()?;

    let score_line = ShapeStyle::from(&SCORE_COLOUR).stroke_width(3);
    chart.draw_series(LineSeries::new(
        xs.iter().copied().zip(scores.iter().copied()),
        score_line,
    ))?;
    chart.draw_series(
        xs.iter()
            .zip(&scores)
            .map(|(&x, &y)| Circle::new((x, y), 3, SCORE_COLOUR.filled())),
    )?;
    let days_line = ShapeStyle::from(&DAYS_COLOUR).stroke_width(2);
    chart.draw_secondary_series(LineSeries::new(days.iter().copied(), days_line))?;
    chart.draw_secondary_series(
        days.iter()
            .map(|&(x, y)| Circle::new((x, y), 3, DAYS_COLOUR.filled())),
    )?;
    root.present()?;
    Ok(())
}

/// The history section's body: legend, chart and the figures as a table.
#[component]
pub fn HistoryChart(points: Vec<HistoryPoint>) -> impl IntoView {
    let i18n = use_i18n();
    let narrow = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < NARROW_BELOW_PX);
    let size = if narrow { NARROW } else { WIDE };
    let Some(svg) = history_svg(&points, size) else {
        return view! {
            <p class="muted" data-testid="history-too-short">{t!(i18n, history_too_short)}</p>
        }
        .into_any();
    };
    view! {
        <ul class="legend" aria-hidden="true">
            <li><span class="swatch swatch-score"></span>{t!(i18n, legend_score)}</li>
            <li><span class="swatch swatch-days"></span>{t!(i18n, legend_days_to_pay)}</li>
        </ul>
        <figure
            class="chart"
            role="img"
            data-testid="history-chart"
            aria-label=move || t_string!(i18n, chart_label)
            inner_html=svg
        ></figure>
        <details class="chart-table">
            <summary>{t!(i18n, show_table)}</summary>
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, date)}</th>
                            <th scope="col" class="num">{t!(i18n, score)}</th>
                            <th scope="col">{t!(i18n, grade)}</th>
                            <th scope="col" class="num">{t!(i18n, days_to_pay)}</th>
                            <th scope="col" class="num">{t!(i18n, credit_limit)}</th>
                            <th scope="col">{t!(i18n, history_reason)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {points.into_iter().rev().map(|p| view! {
                            <tr>
                                <td>{p.date.to_string()}</td>
                                <td class="num">{p.score.round_dp(0).to_string()}</td>
                                <td>{p.grade.as_str()}</td>
                                <td class="num">
                                    {p.days_to_pay.map(|d| d.round_dp(1).normalize().to_string()).unwrap_or_else(|| "—".to_owned())}
                                </td>
                                <td class="num"><Amount money=p.limit /></td>
                                <td>{p.reason}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_rounded_outwards_and_a_flat_series_gets_room() {
        assert_eq!(padded(612.0, 655.0, 20.0), 600.0..660.0);
        assert_eq!(padded(600.0, 600.0, 20.0), 580.0..620.0);
    }

    #[test]
    fn month_labels_come_from_julian_days() {
        let d = time::macros::date!(2024 - 06 - 30);
        assert_eq!(month_label(day(d)), "2024-06");
    }
}
