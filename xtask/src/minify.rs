//! The page's own scripts and stylesheet as served: without comments, indentation and
//! blank lines. Line by line, so nothing a line holds changes: our scripts, wasm-bindgen's
//! glue and the stylesheet have no string that spans lines (a test of each builder's
//! output would show a broken page; the browser tests load every one).

use anyhow::Result;
use std::path::Path;

/// A script without its whole-line `//` and `/* … */` comments, indentation and blank
/// lines. A comment after code stays (it may sit inside a string).
pub fn js(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut in_block = false;
    for line in source.lines() {
        let code = line.trim();
        if in_block {
            in_block = !code.contains("*/");
            continue;
        }
        if code.starts_with("/*") {
            in_block = !code.contains("*/");
            continue;
        }
        if code.is_empty() || code.starts_with("//") {
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// A stylesheet without its comments (outside strings), indentation and blank lines.
pub fn css(source: &str) -> String {
    let mut bare = String::with_capacity(source.len());
    let mut chars = source.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                }
                bare.push(c);
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                bare.push(c);
            }
            None if c == '/' && chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            None => bare.push(c),
        }
    }
    let mut out = String::with_capacity(bare.len());
    for line in bare.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Rewrites every `.css` file directly in `dist` (Trunk's hashed stylesheet) as [`css`],
/// and its Subresource Integrity digest in `dist/index.html` with it (a stale digest
/// makes the browser refuse the stylesheet).
pub fn stylesheets(dist: &Path) -> Result<()> {
    let page = dist.join("index.html");
    let mut index = std::fs::read_to_string(&page)?;
    for entry in std::fs::read_dir(dist)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "css") {
            let source = std::fs::read_to_string(&path)?;
            let served = css(&source);
            index = index.replace(&integrity(source.as_bytes()), &integrity(served.as_bytes()));
            std::fs::write(&path, served)?;
        }
    }
    std::fs::write(&page, index)?;
    Ok(())
}

/// The `integrity` value Trunk writes: SHA-384, base64.
fn integrity(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha384::digest(bytes))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_indentation_are_left_out_of_the_served_scripts() {
        // Arrange
        let js_source = "// what it does\n/**\n * @param {number} a\n */\n(function () {\n  // why\n  var a = \"//not a comment\"; /* kept */\n  var b = 2\n    * 3;\n\n})();\n";

        // Act
        let served = js(js_source);

        // Assert
        assert_eq!(
            served,
            "(function () {\nvar a = \"//not a comment\"; /* kept */\nvar b = 2\n* 3;\n})();\n"
        );
    }

    #[test]
    fn the_page_names_the_digest_of_the_stylesheet_as_served() {
        // Arrange: a page and its stylesheet, as Trunk writes them.
        let dist = std::env::temp_dir().join(format!("credence-minify-{}", std::process::id()));
        std::fs::create_dir_all(&dist).unwrap();
        let source = "/* why */\n.a {\n  color: red;\n}\n";
        std::fs::write(dist.join("style-0123.css"), source).unwrap();
        let page = format!(
            r#"<link rel="stylesheet" href="/style-0123.css" integrity="{}"/>"#,
            integrity(source.as_bytes())
        );
        std::fs::write(dist.join("index.html"), page).unwrap();

        // Act
        stylesheets(&dist).unwrap();

        // Assert
        let served = std::fs::read(dist.join("style-0123.css")).unwrap();
        let index = std::fs::read_to_string(dist.join("index.html")).unwrap();
        std::fs::remove_dir_all(&dist).unwrap();
        assert_eq!(served, b".a {\ncolor: red;\n}\n");
        assert!(index.contains(&integrity(&served)), "{index}");
        assert!(!index.contains(&integrity(source.as_bytes())));
    }

    #[test]
    fn a_stylesheet_loses_its_comments_but_not_a_string_that_looks_like_one() {
        // Arrange
        let source = "/* Credence\n   one sheet */\n.a {\n  color: red; /* why */\n}\n\n.b::before {\n  content: \"/* not a comment */\";\n}\n";

        // Act
        let served = css(source);

        // Assert
        assert_eq!(
            served,
            ".a {\ncolor: red;\n}\n.b::before {\ncontent: \"/* not a comment */\";\n}\n"
        );
    }
}
