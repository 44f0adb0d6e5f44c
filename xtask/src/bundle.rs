//! The frontend's bytes: what the first page load downloads (every `.wasm`, `.js` and
//! `.css` file `index.html` names), raw, gzipped and brotli-compressed, and what each lazy
//! route adds when it is first opened, printed as tables and written to
//! `target/bundle-report.json`; and the precompressed `.gz`/`.br` copies the servers send.
//! Sizes are deterministic for a given source, so the budget is a fair CI check.

use anyhow::{Context, Result};
use std::{
    io::Write,
    path::{Path, PathBuf},
};

/// The budget: what a phone may download before the app shows anything (wasm + JS + CSS
/// that `index.html` loads), gzipped (1 KB = 1,000 bytes). The test command fails above it.
pub const FIRST_LOAD_BUDGET_GZ: u64 = 250_000;

/// One file of the first load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub file: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub entries: Vec<Entry>,
    /// Each lazy route and the wasm it adds (its chunks, gzipped) when first opened.
    pub routes: Vec<(String, u64)>,
}

impl Report {
    pub fn total(&self) -> Entry {
        Entry {
            file: "first load".into(),
            raw: self.entries.iter().map(|e| e.raw).sum(),
            gzip: self.entries.iter().map(|e| e.gzip).sum(),
            brotli: self.entries.iter().map(|e| e.brotli).sum(),
        }
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<52} {:>10} {:>10} {:>10}\n",
            "file", "raw", "gzip", "brotli"
        );
        for e in self.entries.iter().chain(std::iter::once(&self.total())) {
            out.push_str(&format!(
                "{:<52} {:>10} {:>10} {:>10}\n",
                e.file,
                kb(e.raw),
                kb(e.gzip),
                kb(e.brotli)
            ));
        }
        if !self.routes.is_empty() {
            out.push_str(&format!(
                "{:<52} {:>10}\n",
                "lazy route (wasm it adds when first opened)", "gzip"
            ));
            for (route, gzip) in &self.routes {
                out.push_str(&format!("{route:<52} {:>10}\n", kb(*gzip)));
            }
        }
        out
    }

    pub fn json(&self) -> serde_json::Value {
        let entry = |e: &Entry| serde_json::json!({"file": e.file, "raw": e.raw, "gzip": e.gzip, "brotli": e.brotli});
        serde_json::json!({
            "budget_gzip": FIRST_LOAD_BUDGET_GZ,
            "first_load": entry(&self.total()),
            "files": self.entries.iter().map(entry).collect::<Vec<_>>(),
            "routes_gzip": self.routes.iter().map(|(r, g)| (r.clone(), serde_json::json!(g))).collect::<serde_json::Map<_, _>>(),
        })
    }
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// The asset names `index.html` refers to (`href="/x.css"`, `src=`, `'/x.wasm'` in the
/// loader script): every quoted path ending in `.wasm`, `.js` or `.css`.
pub fn first_load_files(index_html: &str) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for quote in ['"', '\''] {
        for (i, part) in index_html.split(quote).enumerate() {
            // Odd pieces are inside quotes.
            if i % 2 == 1
                && [".wasm", ".js", ".css"]
                    .iter()
                    .any(|ext| part.ends_with(ext))
                && !part.contains(char::is_whitespace)
                && !part.contains("://")
            {
                let name = part.trim_start_matches("./").trim_start_matches('/');
                if !files.iter().any(|f| f == name) {
                    files.push(name.to_owned());
                }
            }
        }
    }
    files.sort();
    files
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).expect("writing to memory");
    enc.finish().expect("writing to memory")
}

pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
    out
}

/// Measures the first load of a built `dist/`.
pub fn measure(dist: &Path) -> Result<Report> {
    let index = std::fs::read_to_string(dist.join("index.html"))
        .with_context(|| format!("reading {}/index.html", dist.display()))?;
    let mut entries = Vec::new();
    for file in first_load_files(&index) {
        let bytes =
            std::fs::read(dist.join(&file)).with_context(|| format!("index.html loads {file}"))?;
        entries.push(Entry {
            raw: bytes.len() as u64,
            gzip: gzip(&bytes).len() as u64,
            brotli: brotli(&bytes).len() as u64,
            file,
        });
    }
    let routes = route_sizes(dist, &entries)?;
    Ok(Report { entries, routes })
}

/// What each lazy route adds: the gzipped size of every module its split point loads,
/// from the `routes.json` the app build writes beside the app's main module.
fn route_sizes(dist: &Path, entries: &[Entry]) -> Result<Vec<(String, u64)>> {
    let Some(app_dir) = entries
        .iter()
        .find(|e| e.file.ends_with("/main_bg.wasm"))
        .and_then(|e| e.file.rsplit_once('/'))
        .map(|(dir, _)| dist.join(dir))
    else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(app_dir.join(crate::wasm::ROUTES_FILE))
        .context("reading the app's routes.json")?;
    let map: std::collections::BTreeMap<String, Vec<String>> = serde_json::from_str(&text)?;
    let mut out = Vec::new();
    for (split, stems) in map {
        let mut gz = 0;
        for stem in stems {
            gz += gzip(&std::fs::read(app_dir.join(format!("{stem}.wasm")))?).len() as u64;
        }
        out.push((split, gz));
    }
    Ok(out)
}

/// Writes `x.gz` and `x.br` next to every compressible asset in `dist/` (the local server
/// and the S3 upload send them with `Content-Encoding`).
pub fn precompress(dist: &Path) -> Result<()> {
    for path in files_under(dist)? {
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css" | "html" | "svg" | "json"));
        if !compressible {
            continue;
        }
        let bytes = std::fs::read(&path)?;
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        std::fs::write(path.with_file_name(format!("{name}.gz")), gzip(&bytes))?;
        std::fs::write(path.with_file_name(format!("{name}.br")), brotli(&bytes))?;
    }
    Ok(())
}

fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            out.extend(files_under(&path)?);
        } else {
            out.push(path);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_load_is_every_script_style_and_wasm_that_index_html_names() {
        // Arrange: the shape Trunk writes.
        let html = r#"<link rel="stylesheet" href="/style-1a2b.css" integrity="sha384-x"/>
<link rel="modulepreload" href="/credence-frontend-9f.js" crossorigin=anonymous>
<link rel="preload" href="/credence-frontend-9f_bg.wasm" as="fetch" type="application/wasm">
<link rel="manifest" href="/manifest.webmanifest" />
<script type="module">import init from '/credence-frontend-9f.js';init('/credence-frontend-9f_bg.wasm');</script>
<a href="https://example.com/x.js">not ours</a>"#;

        // Act
        let files = first_load_files(html);

        // Assert
        assert_eq!(
            files,
            [
                "credence-frontend-9f.js",
                "credence-frontend-9f_bg.wasm",
                "style-1a2b.css"
            ]
        );
    }

    #[test]
    fn the_total_adds_up_every_file_and_compression_shrinks_repetitive_text() {
        // Arrange
        let text = "credence ".repeat(1000);

        // Act
        let report = Report {
            entries: vec![
                Entry {
                    file: "a".into(),
                    raw: 10,
                    gzip: 5,
                    brotli: 4,
                },
                Entry {
                    file: "b".into(),
                    raw: 1,
                    gzip: 1,
                    brotli: 1,
                },
            ],
            routes: vec![("customer".into(), 100)],
        };

        // Assert
        assert_eq!(
            (
                report.total().raw,
                report.total().gzip,
                report.total().brotli
            ),
            (11, 6, 5)
        );
        assert!(gzip(text.as_bytes()).len() < 200);
        assert!(brotli(text.as_bytes()).len() < gzip(text.as_bytes()).len());
        assert!(report.table().contains("customer"));
    }
}
