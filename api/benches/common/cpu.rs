//! CPU time for the benches (Linux): the whole process's (`getrusage(RUSAGE_SELF)`), its
//! threads' by name (`/proc/self/task/*/stat`, so a bench can tell its server's runtime from
//! its load generator's) and another process's (DynamoDB Local's, found by its port); [`Cpu`]
//! holds the three for a load-bench scenario.
#![allow(dead_code)]

use std::time::Duration;

/// User + system CPU time of this process so far.
pub fn process() -> Duration {
    // SAFETY: `getrusage` only writes the struct it is given.
    let usage = unsafe {
        let mut usage = std::mem::zeroed::<libc::rusage>();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(u64::try_from(t.tv_sec).unwrap_or(0))
            + Duration::from_micros(u64::try_from(t.tv_usec).unwrap_or(0))
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// User + system CPU time so far of this process's threads whose name starts with `prefix`
/// (a tokio runtime's `thread_name`; names are cut to 15 bytes). Clock-tick resolution.
pub fn threads(prefix: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
        .filter(|stat| name_of(stat).is_some_and(|name| name.starts_with(prefix)))
        .filter_map(|stat| ticks(&stat))
        .sum()
}

/// User + system CPU time so far of process `pid` (`None`: gone or unreadable).
pub fn of_pid(pid: u32) -> Option<Duration> {
    ticks(&std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?)
}

/// The DynamoDB Local (a `java … DynamoDBLocal.jar`) listening on `port`, if it runs here.
pub fn dynamodb_local(port: u16) -> Option<u32> {
    let port = port.to_string();
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let args: Vec<&[u8]> = cmdline.split(|b| *b == 0).collect();
            let jar = args.iter().any(|a| a.ends_with(b"DynamoDBLocal.jar"));
            let on_port = match args.iter().position(|a| *a == b"-port") {
                Some(i) => args.get(i + 1) == Some(&port.as_bytes()),
                None => port == "8000",
            };
            (jar && on_port).then_some(pid)
        })
}

/// The `comm` of a `stat` line: between the first `(` and the last `)`.
fn name_of(stat: &str) -> Option<&str> {
    Some(&stat[stat.find('(')? + 1..stat.rfind(')')?])
}

/// `utime + stime` (fields 14 and 15) of a `stat` line.
fn ticks(stat: &str) -> Option<Duration> {
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    // After the name: field 3 (state) is index 0, so field 14 is index 11.
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    // SAFETY: `sysconf` reads a constant of the system.
    let per_second = u64::try_from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) })
        .ok()
        .filter(|t| *t > 0)?;
    Some(Duration::from_nanos(
        (user + system) * 1_000_000_000 / per_second,
    ))
}

/// The CPUs this machine has online (not only those this process may use now, as
/// `available_parallelism` answers: [`pin`] changes that).
pub fn count() -> usize {
    // SAFETY: `sysconf` reads a constant of the system.
    usize::try_from(unsafe { libc::sysconf(libc::_SC_NPROCESSORS_ONLN) })
        .ok()
        .filter(|n| *n > 0)
        .unwrap_or(1)
}

/// Keeps every thread of process `pid` (this one: `std::process::id()`) on `cpus`; threads
/// it starts later inherit that from the thread that starts them. `false` when a thread could
/// not be moved (another user's process, say).
pub fn pin(pid: u32, cpus: std::ops::Range<usize>) -> bool {
    // SAFETY: `cpu_set_t` is a plain bit set; `CPU_ZERO`/`CPU_SET` only write into it.
    let set = unsafe {
        let mut set = std::mem::zeroed::<libc::cpu_set_t>();
        libc::CPU_ZERO(&mut set);
        for cpu in cpus {
            libc::CPU_SET(cpu, &mut set);
        }
        set
    };
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return false;
    };
    tasks
        .flatten()
        .filter_map(|task| task.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .fold(true, |all, tid| {
            // SAFETY: `set` is a valid `cpu_set_t` of the size given.
            let moved = unsafe {
                libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set) == 0
            };
            all && moved
        })
}

/// CPU time spent during a load-bench scenario: the whole process's, its server runtime's
/// (threads named `api-server…`) and DynamoDB Local's.
#[derive(Clone, Copy, Default)]
pub struct Cpu {
    pub process: Duration,
    pub server: Duration,
    pub dynamo: Option<Duration>,
}

impl Cpu {
    pub fn now(dynamo_pid: Option<u32>) -> Self {
        Cpu {
            process: process(),
            server: threads("api-server"),
            dynamo: dynamo_pid.and_then(of_pid),
        }
    }

    /// This and `other` together (DynamoDB Local's only when both have it).
    pub fn plus(self, other: Cpu) -> Cpu {
        Cpu {
            process: self.process + other.process,
            server: self.server + other.server,
            dynamo: self.dynamo.zip(other.dynamo).map(|(a, b)| a + b),
        }
    }

    pub fn since(self, before: Cpu) -> Cpu {
        Cpu {
            process: self.process.saturating_sub(before.process),
            server: self.server.saturating_sub(before.server),
            dynamo: self
                .dynamo
                .zip(before.dynamo)
                .map(|(a, b)| a.saturating_sub(b)),
        }
    }
}
