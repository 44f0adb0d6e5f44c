//! `cargo xtask lighthouse`: Lighthouse as a benchmark of the built app on a phone. It
//! builds the frontend and the API, starts the demo app on a fresh DynamoDB Local, and runs
//! `xtask/lighthouse/run.mjs` (Lighthouse and puppeteer-core from npm, Debian's Chromium;
//! mobile, simulated slow 4G) on the sign-in page signed out, and on the search page and a
//! customer card signed in as the demo sales rep. It prints the table and writes
//! `target/lighthouse.json` (the full reports in `target/lighthouse/`). With
//! `--accessibility` only that category is audited and any page below 100 fails: the stage
//! `cargo xtask test` runs (timing scores are too noisy on a shared machine to gate on).

use crate::{DemoApp, build_frontend, cargo, root, run, step, tools};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::process::Command;

/// The script, kept in the repository and copied beside the npm packages to run.
const SCRIPT: &str = include_str!("../lighthouse/run.mjs");

/// Issue 17's targets for a phone on a slow network.
const PERFORMANCE_MIN: f64 = 95.0;
const ACCESSIBILITY_MIN: f64 = 100.0;
const BEST_PRACTICES_MIN: f64 = 95.0;
const LCP_MAX_MS: f64 = 1800.0;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Performance, accessibility and best practices; prints the targets missed.
    Full,
    /// Accessibility only; fails when a page scores below 100.
    Accessibility,
}

impl Mode {
    pub fn parse(args: &[String]) -> Result<Self> {
        match args {
            [] => Ok(Mode::Full),
            [flag] if flag == "--accessibility" => Ok(Mode::Accessibility),
            _ => bail!("usage: cargo xtask lighthouse [--accessibility]"),
        }
    }

    fn arg(self) -> &'static str {
        match self {
            Mode::Full => "full",
            Mode::Accessibility => "accessibility",
        }
    }
}

/// `cargo xtask lighthouse [--accessibility]`, tools included.
pub fn lighthouse(mode: Mode) -> Result<()> {
    tools::ensure_for_dev()?;
    measure(mode)
}

/// Builds, starts the demo app, runs Lighthouse on the three pages, prints the table and
/// writes `target/lighthouse.json`; the app and DynamoDB Local stop on every way out.
pub fn measure(mode: Mode) -> Result<()> {
    tools::ensure_lighthouse()?;
    build_frontend()?;
    step("building the API");
    run(cargo().args(["build", "-p", "credence-api", "--bin", "credence-local"]))?;
    let data = root().join("target/lighthouse");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;

    step("starting DynamoDB Local and the app with the demo tenant");
    let app = DemoApp::start(&data, &format!("lighthouse-{}", std::process::id()))?;
    let url = format!("http://127.0.0.1:{}", app.port);

    step(&format!(
        "Lighthouse ({}; mobile, simulated slow 4G) on sign-in, search and a customer card",
        match mode {
            Mode::Full => "performance, accessibility, best practices",
            Mode::Accessibility => "accessibility",
        }
    ));
    let script = tools::lighthouse_script();
    std::fs::write(&script, SCRIPT).with_context(|| format!("writing {}", script.display()))?;
    run(Command::new("node")
        .arg(&script)
        .arg(&url)
        .arg(&data)
        .arg(mode.arg())
        .env("PATH", tools::path_with_tools()))?;
    drop(app);

    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(data.join("summary.json")).context("reading the summary")?,
    )
    .context("the summary is not JSON")?;
    let json = root().join("target/lighthouse.json");
    std::fs::write(&json, serde_json::to_string_pretty(&summary)?)?;
    print!("{}", table(&summary));
    print!("{}", failing_audits(&summary));
    println!(
        "written: {} (full reports, JSON and HTML, in {})",
        json.display(),
        data.display()
    );

    let missed = misses(&summary, mode);
    if missed.is_empty() {
        println!("targets met");
        return Ok(());
    }
    println!("targets missed:");
    for miss in &missed {
        println!("  {miss}");
    }
    match mode {
        // A benchmark: it reports. Timing figures vary with the machine's load.
        Mode::Full => Ok(()),
        Mode::Accessibility => bail!(
            "accessibility below 100 (the failing audits and their elements are above; \
             target/lighthouse/*.report.html has the rest)"
        ),
    }
}

fn pages(summary: &Value) -> &[Value] {
    summary["pages"].as_array().map_or(&[], Vec::as_slice)
}

fn number(page: &Value, key: &str) -> Option<f64> {
    page[key].as_f64()
}

/// The table: one line per page; a figure that misses its target is marked `✗`.
fn table(summary: &Value) -> String {
    let mut out = format!(
        "\nLighthouse {} on {}, mobile, simulated slow 4G (targets: performance ≥ {PERFORMANCE_MIN}, \
         accessibility {ACCESSIBILITY_MIN}, best practices ≥ {BEST_PRACTICES_MIN}, LCP ≤ {:.1} s)\n",
        summary["lighthouse"].as_str().unwrap_or("?"),
        summary["browser"].as_str().unwrap_or("?"),
        LCP_MAX_MS / 1000.0
    );
    if let (Some(before), Some(after)) = (
        summary["load_average"]["before"].as_f64(),
        summary["load_average"]["after"].as_f64(),
    ) {
        out += &format!(
            "  machine load (1-minute average) {before:.1} before, {after:.1} after: timing \
             figures grow with it\n"
        );
    }
    out += &format!(
        "  {:<9} {:>12} {:>14} {:>15} {:>8} {:>8} {:>10}\n",
        "page", "performance", "accessibility", "best practices", "LCP", "TBT", "bytes"
    );
    let score = |page: &Value, key: &str, ok: &dyn Fn(f64) -> bool| match number(page, key) {
        Some(v) => format!("{v:.0}{}", if ok(v) { " " } else { "✗" }),
        None => "–".to_owned(),
    };
    for page in pages(summary) {
        let lcp = match number(page, "lcp_ms") {
            Some(ms) => format!(
                "{:.1} s{}",
                ms / 1000.0,
                if ms <= LCP_MAX_MS { " " } else { "✗" }
            ),
            None => "–".to_owned(),
        };
        let tbt = number(page, "tbt_ms").map_or("–".to_owned(), |ms| format!("{ms:.0} ms "));
        let bytes = number(page, "total_bytes")
            .map_or("–".to_owned(), |b| format!("{:.0} KB ", b / 1000.0));
        out += &format!(
            "  {:<9} {:>12} {:>14} {:>15} {:>8} {:>8} {:>10}\n",
            page["page"].as_str().unwrap_or("?"),
            score(page, "performance", &|v| v >= PERFORMANCE_MIN),
            score(page, "accessibility", &|v| v >= ACCESSIBILITY_MIN),
            score(page, "best_practices", &|v| v >= BEST_PRACTICES_MIN),
            lcp,
            tbt,
            bytes
        );
    }
    out
}

/// The audits that cost a page points in accessibility or best practices, with the
/// elements they name.
fn failing_audits(summary: &Value) -> String {
    let mut out = String::new();
    for page in pages(summary) {
        let Some(categories) = page["failing"].as_object() else {
            continue;
        };
        for (category, audits) in categories {
            if category == "performance" {
                continue;
            }
            for audit in audits.as_array().map_or(&[][..], Vec::as_slice) {
                out += &format!(
                    "  {} · {category} · {}: {}\n",
                    page["page"].as_str().unwrap_or("?"),
                    audit["id"].as_str().unwrap_or("?"),
                    audit["title"].as_str().unwrap_or("")
                );
                for item in audit["items"].as_array().map_or(&[][..], Vec::as_slice) {
                    let what = item["selector"]
                        .as_str()
                        .or(item["url"].as_str())
                        .unwrap_or("(page)");
                    out += &format!("      {what}\n");
                }
            }
        }
    }
    if out.is_empty() {
        out
    } else {
        format!("failing audits:\n{out}")
    }
}

/// Each target a page missed, as a line; in accessibility mode only that category's.
fn misses(summary: &Value, mode: Mode) -> Vec<String> {
    let mut missed = Vec::new();
    for page in pages(summary) {
        let name = page["page"].as_str().unwrap_or("?");
        let mut check =
            |key: &str, what: &str, ok: &dyn Fn(f64) -> bool, shown: &dyn Fn(f64) -> String| {
                match number(page, key) {
                    Some(v) if ok(v) => {}
                    Some(v) => missed.push(format!("{name}: {what} {}", shown(v))),
                    None => missed.push(format!("{name}: no {what} figure")),
                }
            };
        let plain = |v: f64| format!("{v:.0}");
        check(
            "accessibility",
            "accessibility",
            &|v| v >= ACCESSIBILITY_MIN,
            &plain,
        );
        if mode == Mode::Full {
            check(
                "performance",
                "performance",
                &|v| v >= PERFORMANCE_MIN,
                &plain,
            );
            check(
                "best_practices",
                "best practices",
                &|v| v >= BEST_PRACTICES_MIN,
                &plain,
            );
            check("lcp_ms", "LCP", &|ms| ms <= LCP_MAX_MS, &|ms| {
                format!("{:.1} s", ms / 1000.0)
            });
        }
    }
    if pages(summary).len() != 3 {
        missed.push(format!(
            "{} pages measured, not 3 (sign-in, search, customer card)",
            pages(summary).len()
        ));
    }
    missed
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(accessibility: f64, lcp_ms: f64) -> Value {
        let page = |name: &str| {
            json!({"page": name, "performance": 97.0, "accessibility": accessibility,
                   "best_practices": 100.0, "lcp_ms": lcp_ms, "tbt_ms": 20.0,
                   "total_bytes": 250_000.0, "failing": {}})
        };
        json!({"lighthouse": "12.8.2", "pages": [page("signin"), page("search"), page("customer")]})
    }

    #[test]
    fn an_accessibility_score_below_100_is_a_miss_in_both_modes() {
        let s = summary(96.0, 1000.0);
        assert_eq!(misses(&s, Mode::Accessibility).len(), 3);
        assert_eq!(misses(&s, Mode::Full).len(), 3);
        assert!(misses(&summary(100.0, 1000.0), Mode::Full).is_empty());
    }

    #[test]
    fn a_slow_lcp_is_a_miss_of_the_benchmark_only() {
        let s = summary(100.0, 2500.0);
        assert!(misses(&s, Mode::Accessibility).is_empty());
        assert_eq!(misses(&s, Mode::Full)[0], "signin: LCP 2.5 s");
        assert!(table(&s).contains("2.5 s✗"));
    }
}
