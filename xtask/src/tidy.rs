//! Tidy: tests that read the workspace's own source and fail, listing every offending
//! `file:line` with the fix, when a house rule is broken. They run with `cargo test -p xtask`
//! (and so with `cargo xtask test`); `cargo test -p xtask tidy` runs only them.
//!
//! Every `.rs` file of the workspace is walked (`target/`, `.git/`, `frontend/dist/` and
//! `.credence/` are skipped). Rules 2–4 look at code only: comments (`//`, `///`, `//!`,
//! `/* */`) are blanked first, so prose may name anything.
//!
//! 1. **Every file starts with a `//!` module doc** (after any `#![...]` attributes and blank
//!    lines). A reader opening any file learns first what it is for. This covers every root:
//!    `*/src`, `*/benches`, `shared/tests` and the `tests/` crate, whose test files all carry
//!    one today. Only files named `tests.rs` are exempt: they are `#[cfg(test)] mod tests;`
//!    children that the parent's `mod` line already places.
//! 2. **Only `api/src/store/` knows the table.** `keys::` (the key layout) and
//!    `aws_sdk_dynamodb` (the SDK) appear nowhere else in `api/src`, so the key scheme and the
//!    SDK can change in one module. `api/src/bin/` gets no allowance: the binaries name
//!    neither today, since `Store` builds the client (`credence-local` hands
//!    `store.raw_client()` to `store::schema`). The DynamoDB *Streams* client
//!    `aws_sdk_dynamodbstreams` is another crate; it is allowed in [`STREAM_CLIENT_FILES`]
//!    (the local stream consumer in `api/src/watcher.rs`, which reads the change log, never
//!    the table) and in the store, nowhere else. Reading a stream record's key attributes
//!    with `keys::PK`/`keys::SK` is still key layout: the store should do it.
//! 3. **Routes do not authorise.** `policy::` is not called from `api/src/routes/`: routes
//!    parse and serialise, services decide who may do what, so every caller of a service
//!    (routes, the watcher, seeding) gets the same checks.
//! 4. **The shared domain has no floating point.** `f32`/`f64` (as a type or a literal
//!    suffix) do not appear in `shared/src`: money and ratios are exact there, and the same
//!    figures must come out on the server and in WASM. Statistics that are not money (the
//!    scoring lab's fitting) are allowed by name in [`FLOAT_FILES`].
//! 5. **No source file is over [`MAX_LINES`] lines**, tests aside (files named `tests.rs`,
//!    `*/tests/` directories and the `tests/` crate). Long files hide their structure; split
//!    by concern, or move an inline `#[cfg(test)] mod tests` into `tests.rs`. The few files
//!    that are whole by design are listed, each with its reason, in [`SIZE_EXEMPT`].
//!
//! Each rule is a pure function `(path, text) -> Vec<Violation>` (unit-tested below on small
//! inputs); [`rust_files`] is the one tree walk that feeds them.

use std::{fmt, fs, path::Path};

/// Rule 5's limit, in lines.
const MAX_LINES: usize = 800;

/// Files allowed over [`MAX_LINES`], with the reason each stays whole.
const SIZE_EXEMPT: &[(&str, &str)] = &[(
    "shared/src/engine/metrics.rs",
    "every metric is defined once, in one place, so they are read and reviewed together",
)];

/// Files of `shared/src` allowed `f32`/`f64`: the scoring lab's statistics (binning,
/// regression, ranking figures), which report `Decimal` and never touch money.
const FLOAT_FILES: &[&str] = &[
    "shared/src/lab/binning.rs",
    "shared/src/lab/fit.rs",
    "shared/src/lab/regress.rs",
    "shared/src/lab/stats.rs",
    // The credit report's charts: SVG drawing coordinates.
    "shared/src/report/svg.rs",
];

/// Files of `api/src` outside the store allowed the DynamoDB Streams client.
const STREAM_CLIENT_FILES: &[&str] = &["api/src/watcher.rs"];

/// Directories never walked, relative to the workspace root.
const SKIPPED_DIRS: &[&str] = &["target", ".git", "frontend/dist", ".credence"];

/// One broken rule at one place.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Violation {
    rule: &'static str,
    path: String,
    line: usize,
    what: &'static str,
    /// Said after the location, e.g. a file's length.
    note: String,
    fix: &'static str,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Violation {
            rule,
            path,
            line,
            what,
            note,
            fix,
        } = self;
        write!(f, "{path}:{line}{note}: [{rule}] {what}\n      fix: {fix}")
    }
}

// ---------------------------------------------------------------------------------------
// The rules, as pure functions of a workspace-relative path (with `/`) and the file's text.

/// Rule 1: the first line that is neither blank nor part of a `#![...]` attribute is `//!`.
fn module_doc(path: &str, text: &str) -> Vec<Violation> {
    if file_name(path) == "tests.rs" {
        return vec![];
    }
    let mut depth = 0i32; // bracket depth inside a (possibly multi-line) `#![...]`
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if depth > 0 || t.starts_with("#![") {
            depth += t.matches('[').count() as i32 - t.matches(']').count() as i32;
            continue;
        }
        if t.is_empty() {
            continue;
        }
        if t.starts_with("//!") || t.starts_with("/*!") {
            return vec![];
        }
        return vec![missing_doc(path, i + 1)];
    }
    vec![missing_doc(path, 1)]
}

fn missing_doc(path: &str, line: usize) -> Violation {
    Violation {
        rule: "module doc",
        path: path.to_owned(),
        line,
        what: "the file does not start with a `//!` module doc",
        note: String::new(),
        fix: "begin the file (after any `#![...]`) with `//!` lines saying what it is for",
    }
}

/// Rule 2: the key layout and the DynamoDB SDK stay in `api/src/store/`.
fn store_boundary(path: &str, text: &str) -> Vec<Violation> {
    if !path.starts_with("api/src/") || path.starts_with("api/src/store/") {
        return vec![];
    }
    let mut out = Vec::new();
    for (i, line) in code_lines(text).iter().enumerate() {
        if find_path_segment(line, "keys::") {
            out.push(Violation {
                rule: "store boundary",
                path: path.to_owned(),
                line: i + 1,
                what: "`keys::` (the table's key layout) used outside `api/src/store/`",
                note: String::new(),
                fix: "add a store function that takes domain ids and builds the keys itself",
            });
        }
        if find_word(line, "aws_sdk_dynamodb") {
            out.push(Violation {
                rule: "store boundary",
                path: path.to_owned(),
                line: i + 1,
                what: "`aws_sdk_dynamodb` (the SDK) used outside `api/src/store/`",
 note: String::new(),
                fix: "move the SDK call or type into `api/src/store/` behind a domain-typed function",
            });
        }
        if find_word(line, "aws_sdk_dynamodbstreams") && !STREAM_CLIENT_FILES.contains(&path) {
            out.push(Violation {
                rule: "store boundary",
                path: path.to_owned(),
                line: i + 1,
                what: "`aws_sdk_dynamodbstreams` used outside the store and the watcher",
                note: String::new(),
                fix: "read the stream in `api/src/watcher.rs` (or the store) and pass keys on",
            });
        }
    }
    out
}

/// Rule 3: no `policy::` in `api/src/routes/`.
fn routes_do_not_authorise(path: &str, text: &str) -> Vec<Violation> {
    if !path.starts_with("api/src/routes/") {
        return vec![];
    }
    let lines = code_lines(text);
    let hits = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| find_path_segment(l, "policy::"));
    hits.map(|(i, _)| Violation {
        rule: "authorise in services",
        path: path.to_owned(),
        line: i + 1,
        what: "`policy::` used in a route",
        note: String::new(),
        fix: "call `policy::require` in the service function the route calls, not in the route",
    })
    .collect()
}

/// Rule 4: no `f32`/`f64` in `shared/src` outside [`FLOAT_FILES`].
fn no_floats(path: &str, text: &str) -> Vec<Violation> {
    no_floats_except(path, text, FLOAT_FILES)
}

fn no_floats_except(path: &str, text: &str, allowed: &[&str]) -> Vec<Violation> {
    if !path.starts_with("shared/src/") || allowed.contains(&path) {
        return vec![];
    }
    let lines = code_lines(text);
    let hits = lines.iter().enumerate().filter(|(_, l)| has_float(l));
    hits.map(|(i, _)| Violation {
        rule: "no floats in shared",
        path: path.to_owned(),
        line: i + 1,
        what: "`f32`/`f64` in the shared domain crate",
        note: String::new(),
        fix: "use exact types (`Money`, integer basis points, `Decimal`); a plotting helper \
              goes in tidy's `FLOAT_FILES` list",
    })
    .collect()
}

/// Rule 5: at most [`MAX_LINES`] lines, tests and [`SIZE_EXEMPT`] aside.
fn file_size(path: &str, text: &str) -> Vec<Violation> {
    let is_test =
        path.starts_with("tests/") || path.contains("/tests/") || file_name(path) == "tests.rs";
    let exempt = SIZE_EXEMPT.iter().any(|(p, _)| *p == path);
    let lines = text.lines().count();
    if is_test || exempt || lines <= MAX_LINES {
        return vec![];
    }
    vec![Violation {
        rule: "file size",
        path: path.to_owned(),
        line: MAX_LINES + 1,
        what: "over the line limit (`MAX_LINES`, 800)",
        note: format!(" ({lines} lines)"),
        fix: "split it by concern into submodules (or move inline tests to `tests.rs`); if it \
              must stay whole, add it to tidy's `SIZE_EXEMPT` with the reason",
    }]
}

// ---------------------------------------------------------------------------------------
// Text helpers.

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `word` occurs in `line` with no identifier character on either side.
fn find_word(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(at, _)| {
        let before = line[..at].chars().next_back();
        let after = line[at + word.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}

/// Whether the path segment `seg` (ending in `::`) starts a path or follows `::` in `line`.
fn find_path_segment(line: &str, seg: &str) -> bool {
    line.match_indices(seg)
        .any(|(at, _)| !line[..at].chars().next_back().is_some_and(is_ident))
}

/// Whether `line` names `f32`/`f64` as a word or as the suffix of a number (`1.5_f64`).
fn has_float(line: &str) -> bool {
    ["f32", "f64"].iter().any(|ty| {
        line.match_indices(ty).any(|(at, _)| {
            if line[at + 3..].chars().next().is_some_and(is_ident) {
                return false;
            }
            // The token the match ends: identifier characters and `.` before it.
            let start = line[..at]
                .char_indices()
                .rev()
                .take_while(|(_, c)| is_ident(*c) || *c == '.')
                .last()
                .map_or(at, |(i, _)| i);
            start == at || line[start..].starts_with(|c: char| c.is_ascii_digit())
        })
    })
}

/// The text's lines with every comment blanked (replaced by spaces); strings, char literals
/// and lifetimes are recognised so that `"http://"` or `'"'` do not confuse it.
fn code_lines(text: &str) -> Vec<String> {
    enum S {
        Code,
        Line,
        Block(u32),
        Str,
        Raw(usize),
    }
    let cs: Vec<char> = text.chars().collect();
    let at = |i: usize| cs.get(i).copied().unwrap_or('\0');
    let mut out = String::with_capacity(text.len());
    let mut state = S::Code;
    let mut i = 0;
    while i < cs.len() {
        let c = cs[i];
        match state {
            S::Code => {
                if c == '/' && at(i + 1) == '/' {
                    state = S::Line;
                    continue;
                }
                if c == '/' && at(i + 1) == '*' {
                    state = S::Block(1);
                    out.push_str("  ");
                    i += 2;
                    continue;
                }
                out.push(c);
                i += 1;
                if c == '"' {
                    state = S::Str;
                } else if c == 'r' && (i < 2 || !is_ident(at(i - 2)) || at(i - 2) == 'b') {
                    let hashes = cs[i..].iter().take_while(|&&h| h == '#').count();
                    if at(i + hashes) == '"' {
                        out.extend(&cs[i..=i + hashes]);
                        i += hashes + 1;
                        state = S::Raw(hashes);
                    }
                } else if c == '\'' {
                    // A char literal ('x', '\n', '\u{..}'), else a lifetime or label.
                    let end = if at(i) == '\\' {
                        (i + 2..cs.len()).find(|&j| cs[j] == '\'')
                    } else if at(i + 1) == '\'' {
                        Some(i + 1)
                    } else {
                        None
                    };
                    if let Some(end) = end {
                        out.extend(&cs[i..=end]);
                        i = end + 1;
                    }
                }
            }
            S::Line => {
                if c == '\n' {
                    out.push('\n');
                    state = S::Code;
                } else {
                    out.push(' ');
                }
                i += 1;
            }
            S::Block(depth) => {
                if c == '*' && at(i + 1) == '/' {
                    state = if depth == 1 {
                        S::Code
                    } else {
                        S::Block(depth - 1)
                    };
                    out.push_str("  ");
                    i += 2;
                } else if c == '/' && at(i + 1) == '*' {
                    state = S::Block(depth + 1);
                    out.push_str("  ");
                    i += 2;
                } else {
                    out.push(if c == '\n' { '\n' } else { ' ' });
                    i += 1;
                }
            }
            S::Str => {
                out.push(c);
                i += 1;
                if c == '\\' {
                    if i < cs.len() {
                        out.push(cs[i]);
                    }
                    i += 1;
                } else if c == '"' {
                    state = S::Code;
                }
            }
            S::Raw(hashes) => {
                out.push(c);
                i += 1;
                if c == '"' && cs[i..].iter().take_while(|&&h| h == '#').count() >= hashes {
                    out.extend(&cs[i..i + hashes]);
                    i += hashes;
                    state = S::Code;
                }
            }
        }
    }
    out.lines().map(str::to_owned).collect()
}

// ---------------------------------------------------------------------------------------
// The tree walk and the tests over today's tree.

fn workspace_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
}

/// Every `.rs` file of the workspace as (relative path with `/`, text), sorted by path.
fn rust_files() -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("directory entry").path();
            let rel = path.strip_prefix(root).expect("under the root");
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>();
            let rel = rel.join("/");
            if path.is_dir() {
                if !SKIPPED_DIRS.contains(&rel.as_str()) && file_name(&rel) != "target" {
                    walk(root, &path, out);
                }
            } else if rel.ends_with(".rs") {
                let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
                out.push((rel, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(workspace_root(), workspace_root(), &mut out);
    out.sort();
    assert!(
        out.len() > 50,
        "tidy found only {} .rs files: wrong root?",
        out.len()
    );
    out
}

/// Runs one rule over the tree and panics listing every violation, grouped by what is wrong
/// (with its fix stated once), each group listing its `file:line`s.
fn check_tree(rule: fn(&str, &str) -> Vec<Violation>, why: &str) {
    let found: Vec<Violation> = rust_files()
        .iter()
        .flat_map(|(path, text)| rule(path, text))
        .collect();
    if found.is_empty() {
        return;
    }
    let mut report = format!(
        "\n{} violation(s) of the tidy rule: {why}\n(the rules and their reasons: xtask/src/tidy.rs)\n",
        found.len()
    );
    let mut groups: Vec<(&str, &str)> = Vec::new();
    for v in &found {
        if !groups.contains(&(v.what, v.fix)) {
            groups.push((v.what, v.fix));
        }
    }
    for (what, fix) in groups {
        let first = found
            .iter()
            .find(|v| v.what == what && v.fix == fix)
            .expect("grouped");
        report += &format!("\n[{}] {what}\n  fix: {fix}\n", first.rule);
        for v in found.iter().filter(|v| v.what == what && v.fix == fix) {
            report += &format!("  {}:{}{}\n", v.path, v.line, v.note);
        }
    }
    panic!("{report}");
}

#[test]
fn every_source_file_starts_with_a_module_doc() {
    check_tree(module_doc, "every .rs file starts with a `//!` module doc");
}

#[test]
fn only_the_store_touches_the_table_keys_and_the_dynamodb_sdk() {
    check_tree(
        store_boundary,
        "`keys::` and `aws_sdk_dynamodb` stay in `api/src/store/`",
    );
}

#[test]
fn routes_leave_authorisation_to_services() {
    check_tree(
        routes_do_not_authorise,
        "no `policy::` in `api/src/routes/`",
    );
}

#[test]
fn the_shared_crate_has_no_floating_point() {
    check_tree(no_floats, "no `f32`/`f64` in `shared/src`");
}

#[test]
fn no_source_file_outside_tests_is_over_the_line_limit() {
    check_tree(
        file_size,
        "no source file over 800 lines, tests and SIZE_EXEMPT aside",
    );
}

#[test]
fn every_size_exemption_names_a_file_that_still_needs_it() {
    for (path, _) in SIZE_EXEMPT {
        let text = fs::read_to_string(workspace_root().join(path))
            .unwrap_or_else(|e| panic!("SIZE_EXEMPT lists {path}, which cannot be read: {e}"));
        assert!(
            text.lines().count() > MAX_LINES,
            "{path} is now within {MAX_LINES} lines: remove it from SIZE_EXEMPT"
        );
    }
}

// ---------------------------------------------------------------------------------------
// The rules on small inputs, independent of the tree's state.

fn lines_of(found: &[Violation]) -> Vec<usize> {
    found.iter().map(|v| v.line).collect()
}

#[test]
fn a_file_without_a_module_doc_is_reported() {
    let found = module_doc("api/src/x.rs", "\nuse std::fmt;\n//! too late\n");
    assert_eq!(lines_of(&found), [2]);
    assert!(
        found[0]
            .to_string()
            .starts_with("api/src/x.rs:2: [module doc]")
    );
    assert_eq!(lines_of(&module_doc("api/src/x.rs", "")), [1]);
    assert_eq!(
        lines_of(&module_doc("api/src/x.rs", "/// an item doc\nfn f() {}")),
        [1]
    );
}

#[test]
fn a_module_doc_after_inner_attributes_and_blank_lines_is_accepted() {
    let text = "#![allow(\n    clippy::all,\n)]\n#![deny(missing_docs)]\n\n//! Doc.\nfn f() {}\n";
    assert_eq!(module_doc("shared/src/x.rs", text), []);
    assert_eq!(module_doc("tests/tests/api/main.rs", "/*! Doc. */"), []);
}

#[test]
fn a_tests_rs_child_module_needs_no_module_doc() {
    assert_eq!(
        module_doc("shared/src/watch/tests.rs", "use super::*;\n"),
        []
    );
}

#[test]
fn store_keys_and_the_sdk_outside_the_store_are_reported() {
    let text = "//! Doc naming keys:: and aws_sdk_dynamodb.\n\
                use crate::store::keys::customer_pk;\n\
                let pk = keys::customer_pk(t, id); // keys::\n\
                let x: aws_sdk_dynamodb::types::Item;\n\
                let k = DocKeys::new(a, b); let m = monkeys::X;\n";
    assert_eq!(
        lines_of(&store_boundary("api/src/service/watch.rs", text)),
        [2, 3, 4]
    );
    assert_eq!(
        lines_of(&store_boundary("api/src/bin/api.rs", text)),
        [2, 3, 4]
    );
    assert_eq!(store_boundary("api/src/store/watch.rs", text), []);
    assert_eq!(store_boundary("frontend/src/api.rs", text), []);
}

#[test]
fn the_stream_client_is_allowed_in_the_watcher_only() {
    let text = "use aws_sdk_dynamodbstreams::types::ShardIteratorType;\n";
    assert_eq!(store_boundary("api/src/watcher.rs", text), []);
    assert_eq!(store_boundary("api/src/store/stream.rs", text), []);
    let found = store_boundary("api/src/service/watch.rs", text);
    assert_eq!(lines_of(&found), [1]);
    assert!(found[0].what.contains("aws_sdk_dynamodbstreams"));
}

#[test]
fn policy_in_a_route_is_reported_and_in_a_service_is_not() {
    let text = "use crate::auth::policy::{self, Action};\n\
                /* policy::require in a comment */\n\
                policy::require(&who, Action::ManageConfiguration)?;\n\
                let s = \"policy::\"; let p = self_policy::x;\n";
    assert_eq!(
        lines_of(&routes_do_not_authorise("api/src/routes/watch.rs", text)),
        [1, 3, 4]
    );
    assert_eq!(
        routes_do_not_authorise("api/src/service/watch.rs", text),
        []
    );
}

#[test]
fn floats_in_shared_are_reported_but_not_in_comments_or_identifiers() {
    let text = "let a: f64 = 1.0;\n\
                let b = 2.5_f64 + 3f32;\n\
                // f64 in a comment\n\
                /* f32\n f64 */ let ratio_f64_free = buf_f64;\n\
                let c = x as f32;\n";
    assert_eq!(
        lines_of(&no_floats("shared/src/engine/score.rs", text)),
        [1, 2, 6]
    );
    assert_eq!(no_floats("api/src/service/x.rs", text), []);
}

#[test]
fn a_listed_plotting_helper_may_use_floats() {
    let text = "fn y(v: i64) -> f64 { v as f64 }\n";
    assert_eq!(
        no_floats_except("shared/src/plot.rs", text, &["shared/src/plot.rs"]),
        []
    );
    assert_eq!(
        lines_of(&no_floats_except(
            "shared/src/x.rs",
            text,
            &["shared/src/plot.rs"]
        )),
        [1]
    );
}

#[test]
fn a_file_over_the_line_limit_is_reported_unless_tests_or_exempt() {
    let at_limit = "x\n".repeat(MAX_LINES);
    let over = "x\n".repeat(MAX_LINES + 1);
    assert_eq!(file_size("shared/src/workflow.rs", &at_limit), []);
    let found = file_size("shared/src/workflow.rs", &over);
    assert_eq!(lines_of(&found), [MAX_LINES + 1]);
    assert_eq!(found[0].note, " (801 lines)");
    for exempt in [
        "shared/src/engine/metrics.rs",
        "shared/src/watch/tests.rs",
        "shared/tests/engine_properties.rs",
        "tests/tests/api/workflow.rs",
        "tests/src/lib.rs",
    ] {
        assert_eq!(file_size(exempt, &over), [], "{exempt}");
    }
}

#[test]
fn comments_are_blanked_but_strings_and_char_literals_are_kept() {
    let text = "let u = \"http://x\"; // c\nlet q = '\"'; /* a /* b */ c\n*/ let r = r#\"//\"#;\nfn f<'a>(x: &'a str) {}";
    let lines = code_lines(text);
    assert_eq!(lines[0].trim_end(), "let u = \"http://x\";");
    assert_eq!(lines[1].trim_end(), "let q = '\"';");
    assert_eq!(lines[2].trim(), "let r = r#\"//\"#;");
    assert_eq!(lines[3], "fn f<'a>(x: &'a str) {}");
    assert_eq!(lines.len(), 4);
}
