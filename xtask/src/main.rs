//! Developer commands. `cargo xtask dev` runs the whole app with demo data;
//! `cargo xtask test` runs every check CI runs. Both install missing tools first.

mod bundle;
mod fuzz;
mod lighthouse;
mod minify;
mod procs;
mod shell;
mod tenant;
#[cfg(test)]
mod tidy;
mod tools;
mod wasm;

use anyhow::{Context, Result, bail};
use procs::{Service, free_port, wait_http_ok, wait_tcp};
use std::{
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

const USAGE: &str = "usage:
  cargo xtask dev [--port N] [--today YYYY-MM-DD]
                                 run app + API + DynamoDB Local with demo data (default port 8080 or $PORT);
                                 --today: as if it were that day, on a copy of the data (the daily pass runs
                                 for every day up to it first)
  cargo xtask test               fmt, clippy, unit + integration + browser tests, cfn-lint, checkov
  cargo xtask browser [FILTER]   only the browser tests (those whose name contains FILTER)
  cargo xtask api [FILTER]       only the API integration tests, on a fresh DynamoDB Local
  cargo xtask load               the load generator (api/benches/load.rs) on a fresh DynamoDB Local
  cargo xtask fuzz [--max-examples N] [--seed N]
                                 schemathesis on every operation of /openapi.json (no 5xx; 4xx problem+json)
  cargo xtask lighthouse [--accessibility]
                                 Lighthouse (mobile, simulated slow 4G) on sign-in, search and a customer card;
                                 --accessibility: that category only, failing below 100 (as `test` runs it)
  cargo xtask frontend           build the frontend into frontend/dist and print the first-load table
  cargo xtask lambda             cargo lambda build --arm64 (api, office, watch-stream, watch-daily)
  cargo xtask tenant create --id ID --name NAME --admin USERNAME [--email EMAIL] [--display-name NAME]
  cargo xtask tenant list        tenants of the running local app (or of CREDENCE_TABLE's deployment)";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("dev") => dev(&args[1..]),
        Some("test") => test(),
        Some("browser") => {
            tools::ensure_for_test().and_then(|()| browser_tests(args.get(1).map(String::as_str)))
        }
        Some("api") => {
            tools::ensure_for_test().and_then(|()| api_tests(args.get(1).map(String::as_str)))
        }
        Some("load") => tools::ensure_for_test().and_then(|()| load()),
        Some("lighthouse") => lighthouse::Mode::parse(&args[1..]).and_then(lighthouse::lighthouse),
        Some("fuzz") => fuzz::Options::parse(&args[1..]).and_then(|o| fuzz::fuzz(&o)),
        Some("lambda") => lambda(),
        Some("tenant") => tenant::tenant(&args[1..]),
        Some("frontend") => tools::ensure_for_dev().and_then(|()| build_frontend().map(drop)),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        eprintln!("\nxtask: {e:#}");
        std::process::exit(1);
    }
}

pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

fn step(name: &str) {
    println!("\n==> {name}");
}

/// Runs a command in the workspace root, failing with its name if it fails.
fn run(cmd: &mut Command) -> Result<()> {
    let shown = format!("{cmd:?}");
    let status = cmd
        .current_dir_if_unset(&root())
        .status()
        .with_context(|| format!("starting {shown}"))?;
    if !status.success() {
        bail!("{shown} failed ({status})");
    }
    Ok(())
}

trait CurrentDirIfUnset {
    fn current_dir_if_unset(&mut self, dir: &Path) -> &mut Self;
}
impl CurrentDirIfUnset for Command {
    fn current_dir_if_unset(&mut self, dir: &Path) -> &mut Self {
        if self.get_current_dir().is_none() {
            self.current_dir(dir);
        }
        self
    }
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.env("PATH", tools::path_with_tools())
        .env("CARGO_TARGET_DIR", tools::target_dir());
    cmd
}

/// Builds the frontend into `frontend/dist`, offline, with the pinned tools, unless
/// `dist/` was built from exactly the sources there are now: Trunk builds the page (HTML,
/// CSS, icons), then [`wasm::build_app`] the app, split at its lazy routes. Then writes
/// the precompressed copies and prints the first-load table.
fn build_frontend() -> Result<bundle::Report> {
    let dist = root().join("frontend/dist");
    let stamp = dist.join(".source-hash");
    let hash = frontend_source_hash()?;
    let fresh = std::fs::read_to_string(&stamp).is_ok_and(|s| s == hash)
        && std::fs::read_to_string(dist.join("index.html"))
            .is_ok_and(|html| !html.contains(wasm::PLACEHOLDER));
    if fresh {
        step("frontend unchanged since the last build: keeping frontend/dist");
    } else {
        run(cargo().args(["fetch", "--target", "wasm32-unknown-unknown"]))?;
        step("building the page (trunk build --release: HTML, CSS, icons)");
        run(Command::new(tools::trunk())
            .args(["build", "--release", "--offline"])
            .current_dir(root().join("frontend"))
            .env("PATH", tools::path_with_tools())
            .env("CARGO_TARGET_DIR", tools::target_dir()))?;
        step("building the app (cargo build, wasm-split, wasm-bindgen, wasm-opt)");
        let dir = wasm::build_app(&dist)?;
        println!("the app is in frontend/dist/{dir}");
        shell::write(&root().join("frontend/public"), &dist, &dir)?;
        bundle::precompress(&dist)?;
        std::fs::write(&stamp, &hash)?;
    }
    let report = bundle::measure(&dist)?;
    print!("{}", report.table());
    let json = root().join("target/bundle-report.json");
    std::fs::create_dir_all(root().join("target"))?;
    std::fs::write(&json, serde_json::to_string_pretty(&report.json())?)?;
    Ok(report)
}

/// A hash of everything the frontend build reads: its sources, `shared`, the manifests,
/// the lock file, the wasm flags and the build steps (`wasm.rs`). Any edit changes it; nothing else does.
fn frontend_source_hash() -> Result<String> {
    use std::hash::{DefaultHasher, Hasher};
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if path.is_dir() {
                if !matches!(name, "dist" | "target" | "node_modules") {
                    walk(&path, out)?;
                }
            } else {
                out.push(path);
            }
        }
        Ok(())
    }
    let mut files = vec![
        root().join("Cargo.toml"),
        root().join("Cargo.lock"),
        root().join(".cargo/config.toml"),
        root().join("xtask/src/wasm.rs"),
    ];
    walk(&root().join("frontend"), &mut files)?;
    walk(&root().join("shared"), &mut files)?;
    files.sort();
    let mut hasher = DefaultHasher::new();
    hasher.write(tools::TRUNK.as_bytes());
    for file in files {
        let relative = file.strip_prefix(root()).unwrap_or(&file);
        hasher.write(relative.to_string_lossy().as_bytes());
        hasher.write(&std::fs::read(&file)?);
    }
    Ok(format!("{:016x}", hasher.finish()))
}

/// Environment for `credence-local` (the local issuer signs for this origin).
pub(crate) fn server_env(cmd: &mut Command, port: u16, dynamo_port: u16, table: &str, data: &Path) {
    let origin = format!("http://127.0.0.1:{port}");
    cmd.env("CREDENCE_TABLE", table)
        .env(
            "DYNAMODB_ENDPOINT",
            format!("http://127.0.0.1:{dynamo_port}"),
        )
        .env("AWS_REGION", "local")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("JWT_ISSUER", &origin)
        .env("JWT_AUDIENCE", "credence-local")
        .env("LOCAL_ISSUER_KEY", data.join("local-issuer-key.pem"))
        .env("STATIC_DIR", root().join("frontend/dist"))
        // Local development only: webhook receivers on this machine may be tried.
        .env("CREDENCE_WEBHOOK_LOOPBACK", "allow")
        // Letters to customers are dropped as .eml files here instead of e-mailed.
        .env(
            "CREDENCE_MAIL",
            format!("dir:{}", data.join("mail").display()),
        )
        .env("PORT", port.to_string());
}

/// DynamoDB Local's folder under `.credence/`; bump when stored items change shape.
const DEV_DATA: &str = "dynamodb-v3";

fn dev(args: &[String]) -> Result<()> {
    let mut port: u16 = match std::env::var("PORT") {
        Ok(p) => p.parse().context("PORT must be a port number")?,
        Err(_) => 8080,
    };
    let mut today: Option<String> = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--today" => {
                today = Some(
                    it.next()
                        .context("--today needs a date (YYYY-MM-DD)")?
                        .clone(),
                )
            }
            "--port" => {
                port = it
                    .next()
                    .context("--port needs a value")?
                    .parse()
                    .context("--port must be a port number")?
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    let started = Instant::now();
    tools::ensure_for_dev()?;
    let data = root().join(".credence");
    // The folder name carries the data format: a new format starts from a fresh seed
    // instead of reading items an older build wrote.
    let real_dir = data.join(DEV_DATA);
    std::fs::create_dir_all(&real_dir)?;
    // As if it were another day: on a fresh copy of the data, so the real folder is untouched.
    let db_dir = match &today {
        Some(day) => {
            let copy = data.join(format!("{DEV_DATA}-as-of-{day}"));
            if copy.exists() {
                std::fs::remove_dir_all(&copy)?;
            }
            copy_dir(&real_dir, &copy)?;
            copy
        }
        None => real_dir,
    };

    // Ctrl-C reaches every process in the group; we only need to survive it to clean up.
    let (tx, rx) = std::sync::mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = tx.send(());
    })
    .context("installing the Ctrl-C handler")?;

    let dynamo_port = free_port()?;
    step(&format!(
        "starting DynamoDB Local on port {dynamo_port} (data in .credence/{DEV_DATA})"
    ));
    let dynamo = Service::start(
        "dynamodb-local",
        &mut tools::dynamodb_local(dynamo_port, Some(&db_dir))?,
    )?;
    wait_tcp(dynamo_port, Duration::from_secs(60)).context("DynamoDB Local did not start")?;

    build_frontend()?;
    step("building the API");
    run(cargo().args(["build", "-p", "credence-api", "--bin", "credence-local"]))?;

    step("starting the app (creates the table and seeds the demo tenant once)");
    let mut cmd = Command::new(tools::target_dir().join("debug/credence-local"));
    server_env(&mut cmd, port, dynamo_port, "credence", &data);
    cmd.arg("--seed-demo");
    if let Some(day) = &today {
        cmd.args(["--today", day]);
    }
    let mut server = Service::start("credence-local", &mut cmd)?;
    let url = format!("http://127.0.0.1:{port}");
    wait_http_ok(
        port,
        "/health",
        Duration::from_secs(if today.is_some() { 3600 } else { 600 }),
        &mut server,
    )
    .context("the app did not become healthy")?;
    // `cargo xtask tenant …` finds the running app's database here.
    std::fs::write(tenant::ports_file(), format!("{port} {dynamo_port}\n"))?;

    println!(
        "\nCredence is running at {url}   (ready in {:.0} s)\n\n  Demo sign-ins (password: demo):\n    sales      sales rep: customer lookup\n    risk       credit analyst\n    finance    finance / collections\n    approver   credit manager\n    admin      administrator\n\n  API description: {url}/openapi.json\n  Press Ctrl-C to stop everything.",
        started.elapsed().as_secs_f64()
    );

    loop {
        if rx.recv_timeout(Duration::from_millis(500)).is_ok() {
            println!("\nstopping…");
            break;
        }
        if let Some(status) = server.try_wait()? {
            eprintln!("credence-local exited ({status})");
            break;
        }
    }
    let _ = std::fs::remove_file(tenant::ports_file());
    drop(server);
    drop(dynamo);
    Ok(())
}

/// Copies a folder (DynamoDB Local's data files) with what is in it.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// One line per check, printed at the end, with the time it took against its budget.
struct Summary(Vec<(String, bool, Duration, Duration)>);

impl Summary {
    /// Runs one check; `budget` is how long it may take on a 2-core machine that has
    /// built the project once (the summary warns when a check grows past it).
    fn check(&mut self, name: &str, budget_s: u64, f: impl FnOnce() -> Result<()>) -> bool {
        let started = Instant::now();
        step(name);
        let ok = match f() {
            Ok(()) => true,
            Err(e) => {
                eprintln!("FAILED: {name}: {e:#}");
                false
            }
        };
        self.0.push((
            name.to_owned(),
            ok,
            started.elapsed(),
            Duration::from_secs(budget_s),
        ));
        ok
    }

    fn print(&self, total: Duration) {
        println!("\n==> summary ({:.0} s)", total.as_secs_f64());
        println!("  {:<4} {:<62} {:>7} {:>7}", "", "check", "took", "budget");
        for (name, ok, took, budget) in &self.0 {
            let over = if took > budget { "  OVER BUDGET" } else { "" };
            println!(
                "  {} {name:<62} {:>6.0}s {:>6}s{over}",
                if *ok { "ok  " } else { "FAIL" },
                took.as_secs_f64(),
                budget.as_secs()
            );
        }
        let over: Vec<&str> = self
            .0
            .iter()
            .filter(|(_, _, took, budget)| took > budget)
            .map(|(name, ..)| name.as_str())
            .collect();
        if !over.is_empty() {
            println!(
                "warning: {} check(s) took longer than their budget ({}); the suite must stay \
                 well inside CI's 90 minutes: make them faster or split them.",
                over.len(),
                over.join(", ")
            );
        }
    }
}

fn test() -> Result<()> {
    let started = Instant::now();
    let mut summary = Summary(Vec::new());
    // Installing is the only stage a machine pays once; its budget is the fresh-machine one.
    if !summary.check("install missing tools", 1500, tools::ensure_for_test) {
        summary.print(started.elapsed());
        bail!("the tools could not be installed");
    }
    let mut all_ok = true;

    all_ok &= summary.check("cargo fmt --check", 30, || {
        run(cargo().args(["fmt", "--all", "--", "--check"]))
    });
    all_ok &= summary.check("cargo clippy (native, all targets)", 420, || {
        run(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    });
    all_ok &= summary.check("cargo clippy (wasm: shared, frontend)", 180, || {
        run(cargo().args([
            "clippy",
            "-p",
            "credence-shared",
            "-p",
            "credence-frontend",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    });
    all_ok &= summary.check("cfn-lint infra/template.yaml", 60, || {
        run(Command::new(tools::venv_bin("cfn-lint")).arg("infra/template.yaml"))
    });
    // The security scanner: any failed check fails the run. A finding that does not apply
    // is skipped in the resource's Metadata with its reason (infra/README.md). Offline:
    // nothing is fetched from the Prisma Cloud platform, no update check.
    all_ok &= summary.check("checkov infra/template.yaml", 60, || {
        run(Command::new(tools::venv_bin("checkov"))
            .args([
                "-f",
                "infra/template.yaml",
                "--framework",
                "cloudformation",
                "--quiet",
                "--compact",
                "--skip-download",
            ])
            .env("BC_SKIP_MAPPING", "TRUE")
            .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "TRUE"))
    });

    all_ok &= summary.check(
        "shared engine: unit, property and vector tests (native)",
        240,
        || run(cargo().args(["test", "-p", "credence-shared", "--no-fail-fast"])),
    );
    all_ok &= summary.check("frontend unit tests (native)", 180, || {
        run(cargo().args(["test", "-p", "credence-frontend", "--lib"]))
    });
    all_ok &= summary.check(
        "shared engine: vector tests as wasm in headless Chromium",
        180,
        || {
            run(cargo()
                .args([
                    "test",
                    "-p",
                    "credence-shared",
                    "--target",
                    "wasm32-unknown-unknown",
                    "--test",
                    "engine_vectors_wasm",
                ])
                .env(
                    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                    tools::wasm_bindgen_test_runner(),
                )
                .env("CHROMEDRIVER", tools::chromedriver())
                .env("WASM_BINDGEN_TEST_TIMEOUT", "180")
                .env("PATH", tools::path_with_tools()))
        },
    );

    step("starting DynamoDB Local (in memory)");
    let (dynamo, dynamo_port) = dynamo_in_memory()?;
    let endpoint = format!("http://127.0.0.1:{dynamo_port}");

    all_ok &= summary.check(
        "unit, tidy and integration tests (DynamoDB Local)",
        600,
        || {
            run(cargo()
                .args([
                    "test",
                    "--workspace",
                    "--exclude",
                    "credence-frontend",
                    "--exclude",
                    "credence-shared",
                    "--no-fail-fast",
                ])
                .args(["--lib", "--bins", "--test", "api"])
                .env("DYNAMODB_ENDPOINT", &endpoint)
                .env("DYNAMODB_LOCAL_DIR", tools::dynamodb_local_dir()?)
                .env("AWS_EC2_METADATA_DISABLED", "true"))
        },
    );
    // The heavy tests (thousands of postings on one customer, the demo seed) run one at a
    // time: beside each other and the rest, on two cores, each slowed the others tenfold.
    all_ok &= summary.check(
        "heavy integration tests, each on a fresh DynamoDB Local",
        240,
        heavy_api_tests,
    );
    // The browser tests get their own DynamoDB Local: a clean, unloaded instance.
    drop(dynamo);

    all_ok &= summary.check(
        "schemathesis on /openapi.json: no 5xx, every 4xx problem+json",
        300,
        || fuzz::fuzz(&fuzz::Options::default()),
    );

    all_ok &= summary.check(
        &format!(
            "frontend build; first load ≤ {} KB gzipped",
            bundle::FIRST_LOAD_BUDGET_GZ / 1000
        ),
        420,
        || {
            let report = build_frontend()?;
            let gzip = report.total().gzip;
            if gzip > bundle::FIRST_LOAD_BUDGET_GZ {
                bail!(
                    "the first load grew to {:.1} KB gzipped, over the budget of {} KB \
                     (target/bundle-report.json has the files; a page belongs behind a \
                     lazy route, frontend/src/pages/lazy.rs)",
                    gzip as f64 / 1000.0,
                    bundle::FIRST_LOAD_BUDGET_GZ / 1000
                );
            }
            Ok(())
        },
    );
    all_ok &= summary.check(
        "browser tests (headless Chromium, 390x844 and 1366x768)",
        600,
        || browser_tests(None),
    );
    // Accessibility only: the timing scores are too noisy on a shared machine to gate on
    // (`cargo xtask lighthouse` reports them).
    if std::env::var_os("CREDENCE_SKIP_LIGHTHOUSE").is_some() {
        step("Lighthouse accessibility: skipped (CREDENCE_SKIP_LIGHTHOUSE is set)");
    } else {
        all_ok &= summary.check(
            "Lighthouse accessibility 100 (sign-in, search, customer card)",
            120,
            || lighthouse::measure(lighthouse::Mode::Accessibility),
        );
    }

    summary.print(started.elapsed());
    let failed = summary.0.iter().filter(|(_, ok, ..)| !ok).count();
    println!(
        "checks: {} passed, {failed} failed",
        summary.0.len() - failed
    );
    if !all_ok {
        bail!("{failed} check(s) failed");
    }
    Ok(())
}

/// A fresh DynamoDB Local, in memory, on a free port; stopped when the service is dropped.
fn dynamo_in_memory() -> Result<(Service, u16)> {
    let port = free_port()?;
    let service = Service::start("dynamodb-local", &mut tools::dynamodb_local(port, None)?)?;
    wait_tcp(port, Duration::from_secs(60)).context("DynamoDB Local did not start")?;
    Ok((service, port))
}

/// The API tests marked `#[ignore = "heavy…"]`, one at a time, each on a DynamoDB Local of
/// its own: on one that already holds the suite's tables, 1,000 concurrent postings took
/// four times as long as on a fresh one.
fn heavy_api_tests() -> Result<()> {
    let api_tests = || {
        let mut cmd = cargo();
        cmd.args([
            "test",
            "-p",
            "credence-tests",
            "--test",
            "api",
            "--",
            "--ignored",
        ])
        .env("DYNAMODB_LOCAL_DIR", tools::dynamodb_local_dir()?)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .current_dir(root());
        anyhow::Ok(cmd)
    };
    let listed = api_tests()?
        .args(["--list", "--format", "terse"])
        .output()
        .context("listing the heavy API tests")?;
    if !listed.status.success() {
        bail!("listing the heavy API tests failed ({})", listed.status);
    }
    let names: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        bail!("no heavy API tests listed: the list format changed?");
    }
    let mut failed = Vec::new();
    for name in &names {
        let (_dynamo, port) = dynamo_in_memory()?;
        let outcome = run(api_tests()?
            .args(["--exact", name])
            .env("DYNAMODB_ENDPOINT", format!("http://127.0.0.1:{port}")));
        if outcome.is_err() {
            failed.push(name.as_str());
        }
    }
    if !failed.is_empty() {
        bail!("heavy API tests failed: {}", failed.join(", "));
    }
    Ok(())
}

/// The API integration tests (`tests/tests/api`) on their own DynamoDB Local, for working
/// on one area without the whole suite.
fn api_tests(filter: Option<&str>) -> Result<()> {
    let (_dynamo, dynamo_port) = dynamo_in_memory()?;
    run(cargo()
        .args(["test", "-p", "credence-tests", "--test", "api", "--"])
        .arg("--include-ignored")
        .args(filter)
        .env(
            "DYNAMODB_ENDPOINT",
            format!("http://127.0.0.1:{dynamo_port}"),
        )
        .env("DYNAMODB_LOCAL_DIR", tools::dynamodb_local_dir()?)
        .env("AWS_EC2_METADATA_DISABLED", "true"))
}

/// The load generator (`api/benches/load.rs`) on its own DynamoDB Local. `LOAD_SECONDS`
/// (default 10) is passed through.
fn load() -> Result<()> {
    let (_dynamo, dynamo_port) = dynamo_in_memory()?;
    run(cargo()
        .args(["bench", "-p", "credence-api", "--bench", "load"])
        .env(
            "DYNAMODB_ENDPOINT",
            format!("http://127.0.0.1:{dynamo_port}"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true"))
}

/// The built `credence-local` with the demo tenant on a fresh DynamoDB Local in memory, on
/// free ports, logging to `data/server.log`; both are stopped when it is dropped, also on
/// an early return (the server first). The browser tests and Lighthouse run against it.
pub(crate) struct DemoApp {
    pub server: Service,
    _dynamo: Service,
    pub port: u16,
}

impl DemoApp {
    pub fn start(data: &Path, table: &str) -> Result<Self> {
        let (dynamo, dynamo_port) = dynamo_in_memory()?;
        let port = free_port()?;
        let mut cmd = Command::new(tools::target_dir().join("debug/credence-local"));
        server_env(&mut cmd, port, dynamo_port, table, data);
        cmd.arg("--seed-demo");
        let log = data.join("server.log");
        let mut server = Service::start_logged("credence-local", &mut cmd, &log)?;
        if let Err(e) = wait_http_ok(port, "/health", Duration::from_secs(600), &mut server) {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(20).collect();
            eprintln!("--- last lines of {} ---", log.display());
            for line in tail.iter().rev() {
                eprintln!("{line}");
            }
            return Err(e);
        }
        Ok(DemoApp {
            server,
            _dynamo: dynamo,
            port,
        })
    }
}

fn browser_tests(filter: Option<&str>) -> Result<()> {
    build_frontend()?;
    run(cargo().args(["build", "-p", "credence-api", "--bin", "credence-local"]))?;
    let data = root().join("target/browser-test");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    let screenshots = root().join("target/screenshots");
    let _ = std::fs::remove_dir_all(&screenshots);
    std::fs::create_dir_all(&screenshots)?;

    let mut app = DemoApp::start(&data, &format!("browser-{}", std::process::id()))?;
    let port = app.port;

    let driver_port = free_port()?;
    let _driver = Service::start_logged(
        "chromedriver",
        Command::new(tools::chromedriver()).arg(format!("--port={driver_port}")),
        &data.join("chromedriver.log"),
    )?;
    wait_http_ok(
        driver_port,
        "/status",
        Duration::from_secs(30),
        &mut app.server,
    )?;

    run(cargo()
        .args([
            "test",
            "-p",
            "credence-tests",
            "--test",
            "browser",
            "--",
            "--test-threads=1",
        ])
        .args(filter)
        .env("CREDENCE_BASE_URL", format!("http://127.0.0.1:{port}"))
        .env(
            "CHROMEDRIVER_URL",
            format!("http://127.0.0.1:{driver_port}"),
        )
        .env("CREDENCE_SCREENSHOTS", &screenshots))?;
    println!("screenshots: {}", screenshots.display());
    Ok(())
}

fn lambda() -> Result<()> {
    tools::ensure_lambda()?;
    // The HTTP API's two functions (the field's, the office's) and the two early-warning
    // functions (stream consumer, daily pass), which isolate one customer's panic and so
    // unwind (the profiles are in Cargo.toml).
    for (bin, profile) in [
        ("api", "aws-lambda"),
        ("office", "aws-lambda"),
        ("watch-stream", "aws-lambda-unwind"),
        ("watch-daily", "aws-lambda-unwind"),
    ] {
        step(&format!(
            "cargo lambda build --profile {profile} --arm64 --bin {bin}"
        ));
        run(Command::new(tools::venv_bin("cargo-lambda"))
            .args([
                "lambda",
                "build",
                "--profile",
                profile,
                "--arm64",
                "--bin",
                bin,
            ])
            .env("PATH", tools::path_with_tools())
            .env("CARGO_TARGET_DIR", tools::target_dir()))?;
        let bootstrap = tools::target_dir().join(format!("lambda/{bin}/bootstrap"));
        let size = std::fs::metadata(&bootstrap)
            .with_context(|| format!("{} was not built", bootstrap.display()))?
            .len();
        // What the deployment zip holds: the one file, deflated as zip does by default.
        let mut deflate =
            flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::copy(&mut std::fs::File::open(&bootstrap)?, &mut deflate)?;
        let zipped = deflate.finish()?.len();
        println!(
            "built {} ({:.1} MB, {:.1} MB zipped; Lambda's budget here is 6 MB zipped)",
            bootstrap.display(),
            size as f64 / 1e6,
            zipped as f64 / 1e6
        );
    }
    // The credit report's font layer (infra/template.yaml, ReportFontLayer).
    tools::ensure_cjk_font()?;
    let fonts = tools::target_dir().join("lambda/report-fonts/fonts");
    std::fs::create_dir_all(&fonts)?;
    for face in ["NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc"] {
        std::fs::copy(
            Path::new("/usr/share/fonts/opentype/noto").join(face),
            fonts.join(face),
        )
        .with_context(|| format!("copying {face} into the font layer"))?;
    }
    println!("font layer in {}", fonts.display());
    Ok(())
}
