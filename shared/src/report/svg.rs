//! A chart of the report as inline SVG: the one place the report computes in floating point
//! (drawing coordinates only; the figures printed beside it stay exact).

use super::doc::Chart;
use super::html::esc;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

/// A line chart as inline SVG; hidden from screen readers, since the table that follows
/// carries the same figures.
pub(super) fn chart_html(out: &mut String, chart: &Chart) {
    let Some((lo, hi)) = chart.range() else {
        return;
    };
    let (lo, hi) = (lo.to_f64().unwrap_or(0.0), hi.to_f64().unwrap_or(1.0));
    let (width, height, left, bottom, top) = (640.0, 150.0, 40.0, 20.0, 8.0);
    let n = chart.labels.len().max(2) - 1;
    let x = |i: usize| left + (width - left - 8.0) * i as f64 / n as f64;
    let y = |v: f64| top + (height - top - bottom) * (hi - v) / (hi - lo);
    let _ = write!(
        out,
        "<figure><figcaption>{}</figcaption><svg viewBox=\"0 0 {width} {height}\" aria-hidden=\"true\" \
         role=\"presentation\"><g stroke=\"#d9dee3\" stroke-width=\"1\"><line x1=\"{left}\" y1=\"{top}\" \
         x2=\"{}\" y2=\"{top}\"/><line x1=\"{left}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/></g>\
         <g font-size=\"10\" fill=\"#52606d\"><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
         <text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>",
        esc(&chart.title),
        width - 8.0,
        height - bottom,
        width - 8.0,
        height - bottom,
        left - 4.0,
        top + 4.0,
        trim(hi),
        left - 4.0,
        height - bottom,
        trim(lo),
    );
    for (i, label) in chart.labels.iter().enumerate() {
        if i % 2 == n % 2 {
            let _ = write!(
                out,
                "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
                x(i),
                height - 6.0,
                esc(label)
            );
        }
    }
    out.push_str("</g>");
    for series in &chart.series {
        // Each run of known values is one line; a gap breaks it.
        let mut d = String::new();
        let mut pen_down = false;
        for (i, v) in series.values.iter().enumerate() {
            match v.and_then(|v| v.to_f64()) {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1},{:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        let _ = write!(
            out,
            "<path d=\"{}\" fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"2\"/>",
            d.trim_end()
        );
        for (i, v) in series.values.iter().enumerate() {
            if let Some(v) = v.and_then(|v| v.to_f64()) {
                let _ = write!(
                    out,
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"#1d4ed8\"/>",
                    x(i),
                    y(v)
                );
            }
        }
    }
    out.push_str("</svg></figure>");
}

fn trim(v: f64) -> String {
    format!("{}", v.round())
}
