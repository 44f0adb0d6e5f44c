//! The scoring lab's charts, drawn by `plotters` into SVG strings like the history chart:
//! the ROC curve (with the diagonal of a coin toss), the KS curve, the score distributions
//! of goods and bads, and calibration per grade (predicted PD against observed bad rate).
//! Each comes with its numbers in a table only screen readers see.

use std::sync::Arc;

use credence_shared::lab::{Calibration, FitReport, Performance};
use leptos::prelude::*;
use plotters::prelude::*;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::components::table::{ChartTable, Col};
use crate::i18n::{t, t_string, use_i18n};

/// Drawing sizes in SVG units, for phones and for wider screens; CSS scales the picture.
const NARROW: (u32, u32) = (360, 280);
const WIDE: (u32, u32) = (560, 320);
const NARROW_BELOW_PX: f64 = 600.0;

pub const DEVELOPMENT: RGBColor = RGBColor(0x0f, 0x3b, 0x5f);
pub const VALIDATION: RGBColor = RGBColor(0xc2, 0x57, 0x0c);
pub const CHAMPION: RGBColor = RGBColor(0x8a, 0x96, 0xa3);
pub const GOODS: RGBColor = RGBColor(0x2f, 0x7d, 0x9e);
pub const BADS: RGBColor = RGBColor(0xb4, 0x23, 0x18);
const GRID_COLOUR: RGBColor = RGBColor(0xdd, 0xe3, 0xea);
const DIAGONAL_COLOUR: RGBColor = RGBColor(0xb8, 0xc1, 0xcc);
const TEXT_COLOUR: RGBColor = RGBColor(0x5a, 0x68, 0x78);

type Drawn = Result<(), Box<dyn std::error::Error>>;

/// Words looked up in the reader's language when shown.
type Words = fn() -> &'static str;

/// A chart coordinate; shares and scores only (never money).
fn coordinate(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

/// `0.1234` → `12.3%`.
pub fn percent(share: Decimal) -> String {
    format!(
        "{}%",
        (share * Decimal::ONE_HUNDRED).round_dp(1).normalize()
    )
}

fn percent_label(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Keeps the viewBox and lets CSS size the picture.
fn scalable(svg: String, size: (u32, u32)) -> String {
    svg.replacen(
        &format!("width=\"{}\" height=\"{}\"", size.0, size.1),
        "preserveAspectRatio=\"xMidYMid meet\"",
        1,
    )
}

fn draw_into(size: (u32, u32), draw: impl FnOnce(&mut String) -> Drawn) -> Option<String> {
    let mut svg = String::new();
    draw(&mut svg).ok()?;
    Some(scalable(svg, size))
}

fn label_style() -> TextStyle<'static> {
    ("sans-serif", 12).into_font().color(&TEXT_COLOUR)
}

/// A ROC curve per performance given (colour, points), over the diagonal.
pub fn roc_svg(
    curves: &[(RGBColor, Vec<(f64, f64)>)],
    axes: (&str, &str),
    size: (u32, u32),
) -> Option<String> {
    if curves.iter().all(|(_, points)| points.len() < 2) {
        return None;
    }
    draw_into(size, |out| {
        let root = SVGBackend::with_string(out, size).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(20)
            .x_label_area_size(40)
            .y_label_area_size(52)
            .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_COLOUR)
            .axis_style(GRID_COLOUR)
            .label_style(label_style())
            .axis_desc_style(label_style())
            .x_desc(axes.0)
            .y_desc(axes.1)
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|x| percent_label(*x))
            .y_label_formatter(&|y| percent_label(*y))
            .draw()?;
        chart.draw_series(LineSeries::new(
            [(0.0, 0.0), (1.0, 1.0)],
            ShapeStyle::from(&DIAGONAL_COLOUR).stroke_width(1),
        ))?;
        for (colour, points) in curves.iter().rev() {
            chart.draw_series(LineSeries::new(
                points.iter().copied(),
                ShapeStyle::from(colour).stroke_width(2),
            ))?;
        }
        root.present()?;
        Ok(())
    })
}

/// The KS curve: shares of bads and of goods at or below each score, and the widest gap.
pub fn ks_svg(points: &[(i64, f64, f64)], size: (u32, u32)) -> Option<String> {
    if points.len() < 2 {
        return None;
    }
    let (low, high) = (points[0].0 as f64, points[points.len() - 1].0 as f64);
    let range = if high > low {
        low..high
    } else {
        (low - 10.0)..(high + 10.0)
    };
    let widest = points
        .iter()
        .max_by(|a, b| (a.1 - a.2).total_cmp(&(b.1 - b.2)))
        .copied();
    draw_into(size, |out| {
        let root = SVGBackend::with_string(out, size).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(range, 0.0..1.0)?;
        chart
            .configure_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_COLOUR)
            .axis_style(GRID_COLOUR)
            .label_style(label_style())
            .x_labels(6)
            .y_labels(6)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| percent_label(*y))
            .draw()?;
        if let Some((score, bads, goods)) = widest {
            chart.draw_series(LineSeries::new(
                [(score as f64, goods), (score as f64, bads)],
                ShapeStyle::from(&TEXT_COLOUR).stroke_width(2),
            ))?;
        }
        for (colour, pick) in [
            (
                BADS,
                (|p: &(i64, f64, f64)| p.1) as fn(&(i64, f64, f64)) -> f64,
            ),
            (GOODS, |p: &(i64, f64, f64)| p.2),
        ] {
            chart.draw_series(LineSeries::new(
                points.iter().map(|p| (p.0 as f64, pick(p))),
                ShapeStyle::from(&colour).stroke_width(2),
            ))?;
        }
        root.present()?;
        Ok(())
    })
}

/// Each score band's share of the goods and of the bads, side by side.
pub fn distribution_svg(bands: &[(i64, u32, u32)], width: i64, size: (u32, u32)) -> Option<String> {
    if bands.is_empty() {
        return None;
    }
    let goods: f64 = bands.iter().map(|b| f64::from(b.1)).sum::<f64>().max(1.0);
    let bads: f64 = bands.iter().map(|b| f64::from(b.2)).sum::<f64>().max(1.0);
    let shares: Vec<(f64, f64, f64)> = bands
        .iter()
        .map(|b| (b.0 as f64, f64::from(b.1) / goods, f64::from(b.2) / bads))
        .collect();
    let top = shares
        .iter()
        .map(|s| s.1.max(s.2))
        .fold(0.0_f64, f64::max)
        .max(0.05);
    let (low, high) = (shares[0].0, shares[shares.len() - 1].0 + width as f64);
    let step = width as f64;
    draw_into(size, |out| {
        let root = SVGBackend::with_string(out, size).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(low..high, 0.0..(top * 1.1))?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_COLOUR)
            .axis_style(GRID_COLOUR)
            .label_style(label_style())
            .x_labels(6)
            .y_labels(5)
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| percent_label(*y))
            .draw()?;
        chart.draw_series(shares.iter().map(|(x, g, _)| {
            Rectangle::new(
                [(*x + step * 0.08, 0.0), (*x + step * 0.5, *g)],
                GOODS.filled(),
            )
        }))?;
        chart.draw_series(shares.iter().map(|(x, _, b)| {
            Rectangle::new(
                [(*x + step * 0.5, 0.0), (*x + step * 0.92, *b)],
                BADS.filled(),
            )
        }))?;
        root.present()?;
        Ok(())
    })
}

/// Predicted PD and observed bad rate per grade, side by side.
pub fn calibration_svg(rows: &[Calibration], size: (u32, u32)) -> Option<String> {
    if rows.is_empty() {
        return None;
    }
    let values: Vec<(f64, Option<f64>)> = rows
        .iter()
        .map(|r| (coordinate(r.predicted), r.observed.map(coordinate)))
        .collect();
    let top = values
        .iter()
        .map(|(p, o)| p.max(o.unwrap_or(0.0)))
        .fold(0.0_f64, f64::max)
        .max(0.05);
    let letters: Vec<&'static str> = rows.iter().map(|r| r.grade.as_str()).collect();
    let count = rows.len() as f64;
    draw_into(size, |out| {
        let root = SVGBackend::with_string(out, size).into_drawing_area();
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .x_label_area_size(28)
            .y_label_area_size(48)
            .build_cartesian_2d(-0.5..(count - 0.5), 0.0..(top * 1.1))?;
        let letter = |x: &f64| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                letters.get(i as usize).copied().unwrap_or("").to_owned()
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(GRID_COLOUR)
            .axis_style(GRID_COLOUR)
            .label_style(label_style())
            .x_labels(rows.len())
            .y_labels(5)
            .x_label_formatter(&letter)
            .y_label_formatter(&|y| percent_label(*y))
            .draw()?;
        chart.draw_series(values.iter().enumerate().map(|(i, (p, _))| {
            let x = i as f64;
            Rectangle::new([(x - 0.38, 0.0), (x - 0.02, *p)], DEVELOPMENT.filled())
        }))?;
        chart.draw_series(values.iter().enumerate().filter_map(|(i, (_, o))| {
            let x = i as f64;
            Some(Rectangle::new(
                [(x + 0.02, 0.0), (x + 0.38, (*o)?)],
                VALIDATION.filled(),
            ))
        }))?;
        root.present()?;
        Ok(())
    })
}

fn chart_size() -> (u32, u32) {
    let narrow = window()
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .is_some_and(|w| w < NARROW_BELOW_PX);
    if narrow { NARROW } else { WIDE }
}

fn points(p: &Performance) -> Vec<(f64, f64)> {
    p.roc
        .iter()
        .map(|(x, y)| (coordinate(*x), coordinate(*y)))
        .collect()
}

/// The performance the report judges the model by: validation, else development.
pub fn judged(report: &FitReport) -> &Performance {
    report.validation.as_ref().unwrap_or(&report.development)
}

/// The four charts of a fit's report.
#[component]
pub fn LabCharts(report: Arc<FitReport>) -> impl IntoView {
    let i18n = use_i18n();
    let size = chart_size();
    view! {
        <h3 class="subheading">{t!(i18n, lab_charts_title)}</h3>
        <div class="lab-charts">
            <RocChart report=report.clone() size />
            <KsChart report=report.clone() size />
            <DistributionChart report=report.clone() size />
            <CalibrationChart report size />
        </div>
    }
}

#[component]
fn Swatch(colour: RGBColor, label: fn() -> &'static str) -> impl IntoView {
    let RGBColor(r, g, b) = colour;
    view! {
        <li>
            <span class="swatch" style=format!("background:#{r:02x}{g:02x}{b:02x}")></span>
            {label}
        </li>
    }
}

#[component]
fn RocChart(report: Arc<FitReport>, size: (u32, u32)) -> impl IntoView {
    let i18n = use_i18n();
    let mut curves: Vec<(RGBColor, Words, &Performance)> = vec![(
        DEVELOPMENT,
        || t_string!(use_i18n(), lab_development),
        &report.development,
    )];
    if let Some(v) = &report.validation {
        curves.push((VALIDATION, || t_string!(use_i18n(), lab_validation), v));
    }
    if let Some(c) = &report.champion {
        curves.push((CHAMPION, || t_string!(use_i18n(), lab_champion), c));
    }
    let drawn: Vec<(RGBColor, Vec<(f64, f64)>)> =
        curves.iter().map(|(c, _, p)| (*c, points(p))).collect();
    let legend = curves
        .iter()
        .map(|(colour, label, _)| view! { <Swatch colour=*colour label=*label /> })
        .collect_view();
    let rows = curves
        .iter()
        .flat_map(|(_, label, p)| {
            let label = *label;
            p.roc.iter().map(move |(x, y)| {
                view! {
                    <tr>
                        <th scope="row">{label}</th>
                        <td>{percent(*x)}</td>
                        <td>{percent(*y)}</td>
                    </tr>
                }
            })
        })
        .collect_view();
    let svg = move || {
        let axes = (
            t_string!(i18n, lab_goods_rejected),
            t_string!(i18n, lab_bads_caught),
        );
        roc_svg(&drawn, axes, size).unwrap_or_default()
    };
    view! {
        <section class="lab-chart" data-testid="lab-roc" aria-labelledby="lab-roc-title">
            <h4 class="lab-chart-title" id="lab-roc-title">{t!(i18n, lab_roc_title)}</h4>
            <ul class="legend" aria-hidden="true">
                {legend}
                <Swatch colour=DIAGONAL_COLOUR label=|| t_string!(use_i18n(), lab_diagonal) />
            </ul>
            <figure class="chart" role="img" data-testid="lab-chart-roc"
                aria-label=move || t_string!(i18n, lab_roc_label) inner_html=svg></figure>
            <ChartTable caption=|| t_string!(use_i18n(), lab_roc_title) cols=vec![
                Col::text(|| t_string!(use_i18n(), lab_curve)),
                Col::num(|| t_string!(use_i18n(), lab_goods_rejected)),
                Col::num(|| t_string!(use_i18n(), lab_bads_caught)),
            ]>
                {rows}
            </ChartTable>
        </section>
    }
}

#[component]
fn KsChart(report: Arc<FitReport>, size: (u32, u32)) -> impl IntoView {
    let i18n = use_i18n();
    let performance = judged(&report);
    let drawn: Vec<(i64, f64, f64)> = performance
        .ks_curve
        .iter()
        .map(|(s, b, g)| (*s, coordinate(*b), coordinate(*g)))
        .collect();
    let svg = ks_svg(&drawn, size).unwrap_or_default();
    let ks = percent(performance.ks);
    let rows = performance
        .ks_curve
        .iter()
        .map(|(s, b, g)| {
            view! {
                <tr>
                    <th scope="row">{*s}</th>
                    <td>{percent(*b)}</td>
                    <td>{percent(*g)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="lab-chart" data-testid="lab-ks" aria-labelledby="lab-ks-title">
            <h4 class="lab-chart-title" id="lab-ks-title">{t!(i18n, lab_ks_title)} " · KS " {ks}</h4>
            <ul class="legend" aria-hidden="true">
                <Swatch colour=BADS label=|| t_string!(use_i18n(), lab_bads_below) />
                <Swatch colour=GOODS label=|| t_string!(use_i18n(), lab_goods_below) />
            </ul>
            <figure class="chart" role="img" data-testid="lab-chart-ks"
                aria-label=move || t_string!(i18n, lab_ks_label) inner_html=svg></figure>
            <ChartTable caption=|| t_string!(use_i18n(), lab_ks_title) cols=vec![
                Col::num(|| t_string!(use_i18n(), score)),
                Col::num(|| t_string!(use_i18n(), lab_bads_below)),
                Col::num(|| t_string!(use_i18n(), lab_goods_below)),
            ]>
                {rows}
            </ChartTable>
        </section>
    }
}

#[component]
fn DistributionChart(report: Arc<FitReport>, size: (u32, u32)) -> impl IntoView {
    let i18n = use_i18n();
    let performance = judged(&report);
    let svg = distribution_svg(
        &performance.distribution,
        credence_shared::lab::stats::BAND_POINTS,
        size,
    )
    .unwrap_or_default();
    let rows = performance
        .distribution
        .iter()
        .map(|(band, goods, bads)| {
            view! {
                <tr>
                    <th scope="row">{*band}</th>
                    <td>{*goods}</td>
                    <td>{*bads}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="lab-chart" data-testid="lab-distribution" aria-labelledby="lab-dist-title">
            <h4 class="lab-chart-title" id="lab-dist-title">{t!(i18n, lab_dist_title)}</h4>
            <ul class="legend" aria-hidden="true">
                <Swatch colour=GOODS label=|| t_string!(use_i18n(), lab_goods) />
                <Swatch colour=BADS label=|| t_string!(use_i18n(), lab_bads) />
            </ul>
            <figure class="chart" role="img" data-testid="lab-chart-distribution"
                aria-label=move || t_string!(i18n, lab_dist_label) inner_html=svg></figure>
            <ChartTable caption=|| t_string!(use_i18n(), lab_dist_title) cols=vec![
                Col::num(|| t_string!(use_i18n(), lab_band)),
                Col::num(|| t_string!(use_i18n(), lab_goods)),
                Col::num(|| t_string!(use_i18n(), lab_bads)),
            ]>
                {rows}
            </ChartTable>
        </section>
    }
}

#[component]
fn CalibrationChart(report: Arc<FitReport>, size: (u32, u32)) -> impl IntoView {
    let i18n = use_i18n();
    let svg = calibration_svg(&report.calibration, size).unwrap_or_default();
    let rows = report
        .calibration
        .iter()
        .map(|c| {
            view! {
                <tr>
                    <th scope="row">{c.grade.as_str()}</th>
                    <td>{c.customers}</td>
                    <td>{c.bads}</td>
                    <td>{percent(c.predicted)}</td>
                    <td>{c.observed.map(percent).unwrap_or_else(|| "—".to_owned())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="lab-chart" data-testid="lab-calibration" aria-labelledby="lab-cal-title">
            <h4 class="lab-chart-title" id="lab-cal-title">{t!(i18n, lab_cal_title)}</h4>
            <ul class="legend" aria-hidden="true">
                <Swatch colour=DEVELOPMENT label=|| t_string!(use_i18n(), lab_predicted) />
                <Swatch colour=VALIDATION label=|| t_string!(use_i18n(), lab_observed) />
            </ul>
            <figure class="chart" role="img" data-testid="lab-chart-calibration"
                aria-label=move || t_string!(i18n, lab_cal_label) inner_html=svg></figure>
            <ChartTable caption=|| t_string!(use_i18n(), lab_cal_title) cols=vec![
                Col::text(|| t_string!(use_i18n(), grade)),
                Col::num(|| t_string!(use_i18n(), customers)),
                Col::num(|| t_string!(use_i18n(), lab_bads)),
                Col::num(|| t_string!(use_i18n(), lab_predicted)),
                Col::num(|| t_string!(use_i18n(), lab_observed)),
            ]>
                {rows}
            </ChartTable>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Grade;

    #[test]
    fn the_roc_chart_draws_the_diagonal_and_each_curve_and_none_without_points() {
        let curve = vec![(0.0, 0.0), (0.2, 0.6), (1.0, 1.0)];

        let svg = roc_svg(&[(DEVELOPMENT, curve)], ("x", "y"), NARROW).unwrap();

        assert!(svg.contains("viewBox=\"0 0 360 280\""), "{svg}");
        assert!(svg.matches("<polyline").count() >= 2, "{svg}");
        assert_eq!(roc_svg(&[(DEVELOPMENT, vec![])], ("x", "y"), NARROW), None);
    }

    #[test]
    fn distribution_and_calibration_draw_bars_and_shares_read_as_percent() {
        let bands = [(560, 30, 2), (580, 50, 5)];
        let svg = distribution_svg(&bands, 20, WIDE).unwrap();
        assert!(svg.matches("<rect").count() >= 4, "{svg}");

        let grade = |grade, predicted, observed| Calibration {
            grade,
            customers: 10,
            bads: 1,
            predicted: Decimal::new(predicted, 3),
            observed,
        };
        let rows = [
            grade(Grade::A, 10, Some(Decimal::new(1, 1))),
            grade(Grade::B, 30, None),
        ];
        let svg = calibration_svg(&rows, WIDE).unwrap();
        assert!(svg.contains(">A<") || svg.contains("\nA\n"), "{svg}");
        assert_eq!(percent(Decimal::new(1234, 4)), "12.3%");
    }

    #[test]
    fn the_ks_chart_needs_two_scores() {
        assert_eq!(ks_svg(&[(600, 0.5, 0.2)], NARROW), None);
        assert!(ks_svg(&[(600, 0.5, 0.2), (620, 1.0, 1.0)], NARROW).is_some());
    }
}
