//! `cargo xtask fuzz`: schema-driven fuzzing of the whole API with schemathesis. It reads
//! `/openapi.json` from the app running on DynamoDB Local with the demo tenant, sends
//! generated valid and invalid requests to every operation as an admin and as a sales rep,
//! and fails on any 5xx and on any 4xx that is not problem+json (a 422 naming its fields).

use crate::{
    cargo, dynamo_in_memory, procs::Service, procs::free_port, procs::wait_http_ok, root, run,
    server_env, step, tools,
};
use anyhow::{Context, Result, bail};
use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

/// Test cases per operation and phase unless `--max-examples` says otherwise: a run of all
/// operations, two roles, stays within a few minutes on two cores.
pub const DEFAULT_EXAMPLES: u32 = 8;

/// The check schemathesis runs besides its own `not_a_server_error`: what a client gets back
/// for a mistake is always problem+json, and a 422 says which field is wrong.
const CHECKS_PY: &str = r#"
import json
import schemathesis


@schemathesis.check
def problem_json(ctx, response, case):
    """A 4xx is RFC 9457 problem+json with type, title and status; a 422 names its fields."""
    status = response.status_code
    if not 400 <= status < 500:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{status} answered with Content-Type {content_type!r}, not problem+json")
    try:
        body = json.loads(response.content)
    except ValueError as e:
        raise AssertionError(f"{status} problem+json body is not JSON: {e}")
    for key in ("type", "title", "status"):
        if key not in body:
            raise AssertionError(f"{status} problem+json without `{key}`: {body}")
    if body["status"] != status:
        raise AssertionError(f"problem status {body['status']} differs from the HTTP status {status}")
    if status == 422:
        errors = body.get("errors") or []
        if not errors or any(not isinstance(e.get("field"), str) or not e["field"] for e in errors):
            raise AssertionError(f"a 422 that does not name the field: {body}")
    return None
"#;

/// Options of `cargo xtask fuzz`.
pub struct Options {
    pub max_examples: u32,
    pub seed: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_examples: DEFAULT_EXAMPLES,
            seed: None,
        }
    }
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let mut options = Options::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |name: &str| it.next().with_context(|| format!("{name} needs a value"));
            match arg.as_str() {
                "--max-examples" => {
                    options.max_examples = value("--max-examples")?
                        .parse()
                        .context("--max-examples must be a number")?
                }
                "--seed" => {
                    options.seed = Some(
                        value("--seed")?
                            .parse()
                            .context("--seed must be a number")?,
                    )
                }
                other => bail!(
                    "unknown argument {other}; usage: cargo xtask fuzz [--max-examples N] [--seed N]"
                ),
            }
        }
        Ok(options)
    }
}

/// What one schemathesis pass did.
struct Pass {
    role: &'static str,
    requests: u64,
    ok: bool,
}

/// Builds and starts the app on a fresh table with the demo tenant, then fuzzes it.
pub fn fuzz(options: &Options) -> Result<()> {
    let started = Instant::now();
    tools::ensure_for_fuzz()?;
    step("building the API");
    run(cargo().args(["build", "-p", "credence-api", "--bin", "credence-local"]))?;
    let data = root().join("target/fuzz");
    let _ = std::fs::remove_dir_all(&data);
    std::fs::create_dir_all(&data)?;
    // A private copy: the shared target directory's binary may be rebuilt by another clone.
    let server_bin = data.join("credence-local");
    std::fs::copy(
        tools::target_dir().join("debug/credence-local"),
        &server_bin,
    )?;
    std::fs::write(data.join("credence_checks.py"), CHECKS_PY)?;

    let (_dynamo, dynamo_port) = dynamo_in_memory()?;
    let port = free_port()?;
    let mut cmd = Command::new(&server_bin);
    server_env(&mut cmd, port, dynamo_port, "fuzz", &data);
    cmd.arg("--seed-demo").env("RUST_LOG", "warn");
    let log = data.join("server.log");
    let mut server = Service::start_logged("credence-local", &mut cmd, &log)?;
    wait_http_ok(port, "/health", Duration::from_secs(600), &mut server)
        .with_context(|| format!("the app did not become healthy (log: {})", log.display()))?;
    let url = format!("http://127.0.0.1:{port}");

    // The description fuzzed, kept with the reports.
    run(Command::new("curl")
        .args(["-sS", "--fail", "-o"])
        .arg(data.join("openapi.json"))
        .arg(format!("{url}/openapi.json")))?;

    // Both tokens first: the admin pass may change or deactivate the sales user.
    let tokens = [
        ("admin", token(&url, "admin")?),
        ("sales", token(&url, "sales")?),
    ];
    let config = data.join("schemathesis.toml");
    std::fs::write(&config, known_ids(&url, &tokens[0].1)?)?;

    let mut passes = Vec::new();
    for (role, token) in &tokens {
        passes.push(schemathesis(&url, role, token, options, &data, &config)?);
    }
    drop(server);

    let total: u64 = passes.iter().map(|p| p.requests).sum();
    println!(
        "\n==> fuzz summary ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    for pass in &passes {
        println!(
            "  {} as {:<6} {:>6} requests",
            if pass.ok { "ok  " } else { "FAIL" },
            pass.role,
            pass.requests
        );
    }
    println!("  requests tried: {total}; reports in {}", data.display());
    let server_errors = count_server_errors(&log);
    if server_errors > 0 {
        println!(
            "  the server logged {server_errors} error line(s): see {}",
            log.display()
        );
    }
    if passes.iter().any(|p| !p.ok) {
        bail!(
            "schemathesis found failures (above; reports in {})",
            data.display()
        );
    }
    Ok(())
}

/// A bearer token for a demo user from the local issuer (`POST /auth/token`).
fn token(url: &str, username: &str) -> Result<String> {
    let body = format!(r#"{{"username":"{username}","password":"demo"}}"#);
    let json = curl_json(
        Command::new("curl")
            .args(["-X", "POST", "-H", "Content-Type: application/json"])
            .args(["--data", &body])
            .arg(format!("{url}/auth/token")),
    )?;
    json.get("access_token")
        .and_then(|t| t.as_str())
        .map(str::to_owned)
        .with_context(|| format!("no token in the answer: {json}"))
}

fn get_json(url: &str, token: &str, path: &str) -> Result<serde_json::Value> {
    curl_json(
        Command::new("curl")
            .args(["-H", &format!("Authorization: Bearer {token}")])
            .arg(format!("{url}{path}")),
    )
}

/// Runs curl, failing on an HTTP error, and reads its answer as JSON.
fn curl_json(curl: &mut Command) -> Result<serde_json::Value> {
    let shown = format!("{curl:?}");
    let out = curl
        .args(["-sS", "--fail"])
        .output()
        .context("running curl")?;
    if !out.status.success() {
        bail!("{shown} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("{shown}: not JSON"))
}

/// A schemathesis configuration whose path ids are, more often than not, ones the demo
/// tenant has: random ids only ever reach the 404 branch of a handler.
fn known_ids(url: &str, token: &str) -> Result<String> {
    let mut config = String::new();
    for (param, path, key) in [
        ("id", "/v1/customers", "id"),
        ("rid", "/v1/requests", "id"),
        ("rule", "/v1/admin/warning-rules", "id"),
    ] {
        let mut ids = Vec::new();
        collect_strings(&get_json(url, token, path)?, key, &mut ids);
        ids.sort();
        ids.dedup();
        ids.truncate(20);
        if ids.is_empty() {
            continue;
        }
        let values: Vec<String> = ids.iter().map(|id| format!("{id:?}")).collect();
        config.push_str(&format!(
            "[dictionaries.{param}]\nvalues = [{}]\n\n",
            values.join(", ")
        ));
        println!("known {param}: {} from GET {path}", ids.len());
    }
    config.push_str("[parameters]\n");
    for param in ["id", "rid", "rule"] {
        if config.contains(&format!("[dictionaries.{param}]")) {
            config.push_str(&format!(
                "\"path.{param}\" = {{ dictionary = \"{param}\", probability = 0.7 }}\n"
            ));
        }
    }
    Ok(config)
}

/// Every string value of `key`, at any depth.
fn collect_strings(value: &serde_json::Value, key: &str, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                match v {
                    serde_json::Value::String(s) if k == key => out.push(s.clone()),
                    _ => collect_strings(v, key, out),
                }
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                collect_strings(item, key, out);
            }
        }
        _ => {}
    }
}

/// One schemathesis run over every operation with `role`'s token.
fn schemathesis(
    url: &str,
    role: &'static str,
    token: &str,
    options: &Options,
    data: &Path,
    config: &Path,
) -> Result<Pass> {
    step(&format!(
        "schemathesis as {role}: every operation, {} examples per phase",
        options.max_examples
    ));
    let reports = data.join(role);
    let mut cmd = Command::new(tools::venv_bin("schemathesis"));
    cmd.arg("--config-file")
        .arg(config)
        .arg("run")
        .arg(format!("{url}/openapi.json"))
        .args(["--url", url])
        .args(["--checks", "not_a_server_error,problem_json"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", &options.max_examples.to_string()])
        // One worker: Hypothesis describes strategies with `ast.parse`, which CPython 3.11
        // does not allow from two threads at once ("AST constructor recursion depth mismatch").
        .args(["--workers", "1"])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--request-timeout", "30"])
        .args(["--suppress-health-check", "all"])
        .args(["--report", "ndjson,junit"])
        .arg("--report-dir")
        .arg(&reports)
        .arg("--no-color")
        // Its cache (`.schemathesis/`) goes with the reports, not into the checkout.
        .current_dir(data)
        .env("SCHEMATHESIS_HOOKS", "credence_checks")
        .env("PYTHONPATH", data);
    if let Some(seed) = options.seed {
        cmd.args(["--seed", &seed.to_string()]);
    }
    let status = cmd.status().with_context(|| format!("starting {cmd:?}"))?;
    let requests = count_requests(&reports);
    Ok(Pass {
        role,
        requests,
        ok: status.success(),
    })
}

/// Requests sent: the interactions (request and response) that the NDJSON event log records
/// with each finished scenario.
fn count_requests(reports: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(reports) else {
        return 0;
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|text| {
            text.lines()
                .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
                .map(|event| count_interactions(&event))
                .sum::<u64>()
        })
        .sum()
}

/// Interactions (request + response pairs) recorded anywhere inside one event.
fn count_interactions(value: &serde_json::Value) -> u64 {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(key, v)| match (key.as_str(), v) {
                ("interactions", serde_json::Value::Object(i)) => i.len() as u64,
                ("interactions", serde_json::Value::Array(i)) => i.len() as u64,
                _ => count_interactions(v),
            })
            .sum(),
        serde_json::Value::Array(items) => items.iter().map(count_interactions).sum(),
        _ => 0,
    }
}

fn count_server_errors(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .map(|t| t.lines().filter(|l| l.contains("ERROR")).count())
        .unwrap_or(0)
}
