//! Child processes that are stopped when dropped, and readiness checks.

use anyhow::{Context, Result, bail};
use std::{
    io::{Read, Write},
    net::{TcpListener, TcpStream},
    path::Path,
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

/// A port that was free a moment ago.
pub fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A running child process, killed (and reaped) on drop.
pub struct Service {
    name: &'static str,
    child: Child,
}

impl Service {
    pub fn start(name: &'static str, cmd: &mut Command) -> Result<Self> {
        let child = cmd
            .stdin(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {name}: {cmd:?}"))?;
        Ok(Self { name, child })
    }

    /// Starts with stdout and stderr going to `log`.
    pub fn start_logged(name: &'static str, cmd: &mut Command, log: &Path) -> Result<Self> {
        let file = std::fs::File::create(log)?;
        cmd.stdout(file.try_clone()?).stderr(file);
        Self::start(name, cmd)
    }

    pub fn try_wait(&mut self) -> Result<Option<ExitStatus>> {
        Ok(self.child.try_wait()?)
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
        let _ = self.name;
    }
}

pub fn wait_tcp(port: u16, timeout: Duration) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    bail!("nothing listening on port {port} after {timeout:?}")
}

/// Polls `GET path` until it answers 200, failing early if `owner` exits.
pub fn wait_http_ok(port: u16, path: &str, timeout: Duration, owner: &mut Service) -> Result<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if http_status(port, path).is_ok_and(|s| s == 200) {
            return Ok(());
        }
        if let Some(status) = owner.try_wait()? {
            bail!("{} exited ({status}) before it was ready", owner.name);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    bail!("GET http://127.0.0.1:{port}{path} did not answer 200 within {timeout:?}")
}

fn http_status(port: u16, path: &str) -> Result<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut head = [0u8; 12];
    stream.read_exact(&mut head)?;
    let text = std::str::from_utf8(&head)?;
    Ok(text.get(9..12).context("short response")?.parse()?)
}
