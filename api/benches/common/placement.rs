//! Where the load bench's processes run: the load generator with its in-process server on
//! some CPUs and DynamoDB Local on others, or everything sharing every CPU (Linux affinity).

use super::cpu;

/// Where the load generator with the server and DynamoDB Local run.
#[derive(Clone, Copy)]
pub enum Cpus {
    /// DynamoDB Local on half the CPUs, this process (server and load generator) on the
    /// other half: as in AWS, where the database never runs on the API's CPU. The latency is
    /// then the slower side's, as it is there.
    Apart,
    /// Everything on every CPU: the latency follows the CPU time all three spend per request.
    Shared,
}

impl Cpus {
    pub fn apply(self, dynamo_pid: Option<u32>) {
        let n = cpu::count();
        let (own, dynamo) = match self {
            Cpus::Apart => (0..n / 2, n / 2..n),
            Cpus::Shared => (0..n, 0..n),
        };
        let moved =
            cpu::pin(std::process::id(), own) && dynamo_pid.is_none_or(|pid| cpu::pin(pid, dynamo));
        if !moved {
            println!(
                "could not place the processes on their CPUs ({})",
                self.label()
            );
        }
    }

    pub fn label(self) -> String {
        let n = cpu::count();
        match self {
            Cpus::Apart => format!(
                "apart: bench {}, DynamoDB Local {}",
                range(0, n / 2),
                range(n / 2, n)
            ),
            Cpus::Shared => format!("shared: {}", range(0, n)),
        }
    }
}

/// CPUs `from..to` as `0` or `0–3`.
fn range(from: usize, to: usize) -> String {
    if to - from <= 1 {
        from.to_string()
    } else {
        format!("{from}–{}", to - 1)
    }
}
