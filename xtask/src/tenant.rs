//! `cargo xtask tenant create|list …`: runs `credence-admin` against the running local app
//! (`cargo xtask dev` leaves its ports in `.credence/dev-ports`), or, when `CREDENCE_TABLE`
//! is set, against the deployment the environment names (the operator's AWS credentials).

use crate::{cargo, root, run, server_env, tools};
use anyhow::{Context, Result};
use std::process::Command;

/// Where `cargo xtask dev` writes "<app port> <DynamoDB Local port>" while it runs.
pub fn ports_file() -> std::path::PathBuf {
    root().join(".credence/dev-ports")
}

pub fn tenant(args: &[String]) -> Result<()> {
    run(cargo().args([
        "build",
        "-q",
        "-p",
        "credence-api",
        "--bin",
        "credence-admin",
    ]))?;
    let mut cmd = Command::new(tools::target_dir().join("debug/credence-admin"));
    if std::env::var_os("CREDENCE_TABLE").is_none() {
        let text = std::fs::read_to_string(ports_file()).context(
            "the local app is not running: start `cargo xtask dev` first (it holds the local \
             database), or set CREDENCE_TABLE and the API's settings to reach a deployment",
        )?;
        let mut ports = text.split_whitespace().map(str::parse::<u16>);
        let (Some(Ok(port)), Some(Ok(dynamo))) = (ports.next(), ports.next()) else {
            anyhow::bail!("{} is not two port numbers", ports_file().display());
        };
        server_env(
            &mut cmd,
            port,
            dynamo,
            "credence",
            &root().join(".credence"),
        );
        cmd.env("RUST_LOG", "warn");
    }
    run(cmd.arg("tenant").args(args))
}
