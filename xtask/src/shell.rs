//! The app shell the service worker keeps: `frontend/public/` is copied into `dist/`, and
//! `dist/sw.js` is written from `public/sw.js` with this build's version and the list of
//! files to precache (the page, its CSS, the icons and manifest, and every file of the
//! app's hashed directory, lazily loaded chunks included, so every page opens offline).
//! Trunk's stylesheet and our scripts are written without comments (`minify.rs`).

use anyhow::{Context, Result, bail};
use std::path::Path;

const VERSION_MARK: &str = "__CREDENCE_VERSION__";
const PRECACHE_MARK: &str = "__CREDENCE_PRECACHE__";

/// Copies `public/` into `dist/` and writes `dist/sw.js` for the app in `dist/app_dir`.
pub fn write(public: &Path, dist: &Path, app_dir: &str) -> Result<()> {
    crate::minify::stylesheets(dist)?;
    for entry in std::fs::read_dir(public)? {
        let path = entry?.path();
        if !path.is_file() {
            continue;
        }
        let name = path.file_name().context("a file has a name")?;
        if path.extension().is_some_and(|e| e == "js") {
            // Our scripts are part of the first load: their comments stay in the source.
            std::fs::write(
                dist.join(name),
                crate::minify::js(&std::fs::read_to_string(&path)?),
            )?;
        } else {
            std::fs::copy(&path, dist.join(name))?;
        }
    }
    let template = crate::minify::js(&std::fs::read_to_string(public.join("sw.js"))?);
    let files = precache(dist, app_dir)?;
    let index = std::fs::read(dist.join("index.html"))?;
    let worker = render(&template, &files, &index)?;
    std::fs::write(dist.join("sw.js"), worker)?;
    println!("service worker: {} files precached", files.len());
    Ok(())
}

/// The URL paths to precache: the files at the top of `dist/` and in the app's directory,
/// without the compressed copies, the worker itself and the build's stamp.
fn precache(dist: &Path, app_dir: &str) -> Result<Vec<String>> {
    let mut paths = Vec::new();
    for (dir, prefix) in [
        (dist.to_path_buf(), String::from("/")),
        (dist.join(app_dir), format!("/{app_dir}/")),
    ] {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let skip = !path.is_file()
                || name.starts_with('.')
                || name.ends_with(".br")
                || name.ends_with(".gz")
                || name == "sw.js"
                || name == crate::wasm::ROUTES_FILE;
            if !skip {
                paths.push(format!("{prefix}{name}"));
            }
        }
    }
    paths.sort();
    Ok(paths)
}

/// The worker with its version (a hash of the page and the file list, so any new build is
/// a new version) and its list.
fn render(template: &str, files: &[String], index: &[u8]) -> Result<String> {
    use std::hash::{DefaultHasher, Hasher};
    if !template.contains(VERSION_MARK) || !template.contains(PRECACHE_MARK) {
        bail!("public/sw.js lacks {VERSION_MARK} or {PRECACHE_MARK}");
    }
    let mut hasher = DefaultHasher::new();
    hasher.write(index);
    for file in files {
        hasher.write(file.as_bytes());
    }
    let version = format!("{:016x}", hasher.finish());
    Ok(template
        .replace(VERSION_MARK, &version)
        .replace(PRECACHE_MARK, &serde_json::to_string(files)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str =
        "const VERSION = \"__CREDENCE_VERSION__\";\nconst PRECACHE = __CREDENCE_PRECACHE__;\n";

    #[test]
    fn the_worker_names_its_files_and_a_new_page_is_a_new_version() {
        // Arrange
        let files = vec![
            "/index.html".to_owned(),
            "/app-0123456789abcdef/main.js".to_owned(),
        ];

        // Act
        let one = render(TEMPLATE, &files, b"<html>one</html>").unwrap();
        let two = render(TEMPLATE, &files, b"<html>two</html>").unwrap();

        // Assert
        assert!(
            one.contains(r#"const PRECACHE = ["/index.html","/app-0123456789abcdef/main.js"];"#),
            "{one}"
        );
        assert!(!one.contains("__CREDENCE"));
        assert_ne!(one, two, "another page, another version");
    }

    #[test]
    fn only_the_served_files_are_precached() {
        // Arrange
        let dist = std::env::temp_dir().join(format!("credence-shell-{}", std::process::id()));
        let app = dist.join("app-0123456789abcdef");
        std::fs::create_dir_all(&app).unwrap();
        for file in [
            "index.html",
            "index.html.br",
            "style-0123456789abcdef.css",
            ".source-hash",
            "sw.js",
            "icon.svg",
        ] {
            std::fs::write(dist.join(file), "x").unwrap();
        }
        for file in [
            "main.js",
            "main_bg.wasm",
            "main_bg.wasm.gz",
            "chunk_4.wasm",
            "routes.json",
        ] {
            std::fs::write(app.join(file), "x").unwrap();
        }

        // Act
        let files = precache(&dist, "app-0123456789abcdef").unwrap();
        std::fs::remove_dir_all(&dist).unwrap();

        // Assert
        assert_eq!(
            files,
            [
                "/app-0123456789abcdef/chunk_4.wasm",
                "/app-0123456789abcdef/main.js",
                "/app-0123456789abcdef/main_bg.wasm",
                "/icon.svg",
                "/index.html",
                "/style-0123456789abcdef.css",
            ]
        );
    }
}
