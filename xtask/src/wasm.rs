//! The app's wasm, cut at its lazy routes: `cargo build` (with `--emit-relocs`, set in
//! `.cargo/config.toml`), wasm-split (the library cargo-leptos uses), wasm-bindgen on the
//! main module, wasm-opt on every module. Trunk builds the page (HTML, CSS, icons) and
//! this step puts the app beside it in `dist/app-<hash>/` and writes the tags that load
//! it into `dist/index.html` where the page has `<!--credence-app-->`.
//!
//! The directory's name is a hash of everything in it, so every file there may be cached
//! for a year: the chunks name each other by relative path, which a hashed file name
//! would break, but a hashed directory keeps.

use anyhow::{Context, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::tools;

/// Where `index.html` wants the tags that load the app.
pub const PLACEHOLDER: &str = "<!--credence-app-->";

/// Written beside the app: each split point (lazy route) and the modules it loads.
pub const ROUTES_FILE: &str = "routes.json";

/// The crate's binary, as cargo names its wasm.
const BIN: &str = "credence-frontend";

/// What rustc enables by default for wasm32; the profile strips the section that would
/// tell wasm-opt, so it is told here.
const WASM_FEATURES: [&str; 8] = [
    "--enable-bulk-memory",
    "--enable-bulk-memory-opt",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
    "--enable-call-indirect-overlong",
];

/// Builds the app into `dist/app-<hash>/` and fills in `dist/index.html`. Returns the
/// directory's name.
pub fn build_app(dist: &Path) -> Result<String> {
    crate::run(crate::cargo().args([
        "build",
        "--offline",
        "--profile",
        "wasm-release",
        "--target",
        "wasm32-unknown-unknown",
        "--package",
        BIN,
        "--bin",
        BIN,
    ]))?;
    let input = tools::target_dir().join(format!("wasm32-unknown-unknown/wasm-release/{BIN}.wasm"));
    let stage = tools::target_dir().join("wasm-split");
    let out = stage.join("out");
    if stage.exists() {
        std::fs::remove_dir_all(&stage)?;
    }
    std::fs::create_dir_all(&out)?;

    let routes = split(&input, &stage)?;
    crate::run(
        Command::new(tools::wasm_bindgen())
            .arg(stage.join("main.wasm"))
            .args(["--out-dir"])
            .arg(&stage)
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript"])
            .env("PATH", tools::path_with_tools()),
    )?;
    std::fs::remove_file(stage.join("main.wasm"))?;
    for file in files(&stage)? {
        let name = file_name(&file);
        if name.ends_with(".wasm") {
            crate::run(
                Command::new(tools::wasm_opt())
                    .arg(&file)
                    .args(["-Oz", "--strip-debug", "--strip-producers"])
                    .args(WASM_FEATURES)
                    .arg("-o")
                    .arg(out.join(&name)),
            )?;
        } else if name.ends_with(".js") {
            let glue = std::fs::read_to_string(&file)?;
            std::fs::write(out.join(&name), crate::minify::js(&glue))?;
        }
    }

    // The app starts from a file, not an inline script, so the page runs under a
    // Content-Security-Policy without 'unsafe-inline' scripts.
    std::fs::write(out.join(BOOT_FILE), BOOT_SCRIPT)?;
    let dir = format!("app-{}", content_hash(&out)?);
    let target = dist.join(&dir);
    if target.exists() {
        std::fs::remove_dir_all(&target)?;
    }
    std::fs::rename(&out, &target)
        .or_else(|_| copy_dir(&out, &target))
        .with_context(|| format!("moving the app to {}", target.display()))?;
    std::fs::write(
        target.join(ROUTES_FILE),
        serde_json::to_string_pretty(&routes)?,
    )?;
    let index = dist.join("index.html");
    let html = std::fs::read_to_string(&index)?;
    std::fs::write(&index, insert_tags(&html, &dir)?)?;
    Ok(dir)
}

/// Cuts the app at its split points: `stage/main.wasm` (for wasm-bindgen), one module
/// per lazy route and per piece several routes share, and `__wasm_split.js`, which
/// loads them. Returns each split point's modules (file stems), as the loader fetches them.
fn split(input: &Path, stage: &Path) -> Result<BTreeMap<String, Vec<String>>> {
    let wasm = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    let main = stage.join("main.wasm");
    let mut options = wasm_split_cli_support::Options::new(&wasm);
    options.output_dir = stage;
    options.main_out_path = &main;
    options.main_module = "./main.js";
    options.link_name = "./__wasm_split.js";
    let result = wasm_split_cli_support::transform(options)
        .map_err(|e| anyhow::anyhow!("wasm-split: {e:?}"))?;
    println!(
        "wasm-split: {} lazily loaded modules",
        result.split_modules.len()
    );
    Ok(result.prefetch_map.into_iter().collect())
}

/// The module that starts the app (beside `main.js`, so it names nothing by the hashed
/// directory).
const BOOT_FILE: &str = "boot.js";
const BOOT_SCRIPT: &str = "import init from './main.js';\ninit({ module_or_path: new URL('./main_bg.wasm', import.meta.url) });\n";

/// The tag that names the app's files in `/dir/`: `public/first-paint.js` starts the app
/// from it once the page has painted its first figures (the three files fetched at once,
/// then `boot.js`). A tag that loaded the app itself would start its download before that
/// paint, on a slow network in competition with it.
fn insert_tags(html: &str, dir: &str) -> Result<String> {
    if !html.contains(PLACEHOLDER) {
        bail!("index.html has no {PLACEHOLDER} for the app's tags");
    }
    let tags = format!(
        r#"<meta name="credence-app" content="/{dir}/boot.js" data-main="/{dir}/main.js"
      data-split="/{dir}/__wasm_split.js" data-wasm="/{dir}/main_bg.wasm" />"#
    );
    Ok(html.replace(PLACEHOLDER, &tags))
}

fn content_hash(dir: &Path) -> Result<String> {
    use std::hash::{DefaultHasher, Hasher};
    let mut hasher = DefaultHasher::new();
    for file in files(dir)? {
        hasher.write(file_name(&file).as_bytes());
        hasher.write(&std::fs::read(&file)?);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// The files directly in `dir`, sorted by name.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_owned()
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        std::fs::copy(&path, to.join(path.file_name().unwrap_or_default()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_app_tags_replace_the_placeholder_and_name_the_hashed_directory() {
        // Arrange
        let html = "<head>\n    <!--credence-app-->\n</head>";

        // Act
        let out = insert_tags(html, "app-0123456789abcdef").unwrap();

        // Assert
        assert!(!out.contains(PLACEHOLDER));
        let files = crate::bundle::first_load_files(&out);
        assert_eq!(
            files,
            [
                "app-0123456789abcdef/__wasm_split.js",
                "app-0123456789abcdef/boot.js",
                "app-0123456789abcdef/main.js",
                "app-0123456789abcdef/main_bg.wasm"
            ]
        );
    }

    #[test]
    fn a_page_without_the_placeholder_is_refused() {
        assert!(insert_tags("<head></head>", "app-0").is_err());
    }
}
