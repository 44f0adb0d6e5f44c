//! How the load bench runs a round: its scenarios side by side, in turns of a second or so
//! each, so that every scenario meets the same DynamoDB Local (its garbage collections, its
//! JIT, its growing tables) and none is measured in a quieter or busier stretch than the
//! raw read it is compared with.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::common::CountCalls;
use super::cpu::Cpu;

/// The result of one request: `Err(status)` when it failed (0: no answer).
pub type Outcome = Result<(), u16>;

/// One request of a scenario, by client `c` as its `n`th.
pub type Op =
    Arc<dyn Fn(usize, usize) -> Pin<Box<dyn Future<Output = Outcome> + Send>> + Send + Sync>;

/// Wraps a closure returning a future as an [`Op`].
pub fn op<F, Fut>(f: F) -> Op
where
    F: Fn(usize, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Outcome> + Send + 'static,
{
    Arc::new(move |c, n| Box::pin(f(c, n)))
}

/// How a scenario loads the server: `clients` loops, each sending its next request as soon
/// as the last is answered (a closed loop: the machine runs at capacity, and latency
/// includes the queues of whatever saturates), or, with `pace`, all of them together
/// sending that many requests a second on a fixed schedule (below capacity: latency is the
/// request's own). A paced request is timed from when it is sent, not from when it was due:
/// tokio's timer wakes up to 1 ms late, and timed from the due instant a `GET /health` that
/// touches nothing measured 1.1–1.6 ms, as long as a raw read.
#[derive(Clone, Copy)]
pub struct Load {
    pub clients: usize,
    pub pace: Option<u32>,
}

impl std::fmt::Display for Load {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pace {
            None => write!(f, "{}", self.clients),
            Some(pace) => write!(f, "{} at {pace}/s", self.clients),
        }
    }
}

/// What one scenario measured over all its turns.
pub struct Figures {
    pub requests: usize,
    /// Failed requests by HTTP status (0: no answer).
    pub errors: BTreeMap<u16, usize>,
    pub p50: Duration,
    pub p99: Duration,
    pub per_second: f64,
    /// DynamoDB calls by operation.
    pub calls: BTreeMap<String, u64>,
    pub cpu: Cpu,
}

impl Figures {
    pub fn errors(&self) -> usize {
        self.errors.values().sum()
    }

    pub fn calls_per_request(&self) -> f64 {
        self.calls.values().sum::<u64>() as f64 / self.requests.max(1) as f64
    }
}

/// A scenario of a round: its requests and the counter of the DynamoDB calls they make.
pub struct Scenario {
    pub op: Op,
    pub calls: CountCalls,
}

/// What a scenario has gathered so far.
#[derive(Default)]
struct Tally {
    samples: Vec<Duration>,
    errors: BTreeMap<u16, usize>,
    seconds: f64,
    calls: BTreeMap<String, u64>,
    /// `None` until its first turn.
    cpu: Option<Cpu>,
}

impl Tally {
    fn figures(mut self) -> Figures {
        self.samples.sort();
        let all = &self.samples;
        let pick = |q: f64| {
            all.get(((all.len() as f64 * q) as usize).min(all.len().saturating_sub(1)))
                .copied()
                .unwrap_or_default()
        };
        Figures {
            requests: all.len(),
            errors: self.errors,
            p50: pick(0.50),
            p99: pick(0.99),
            per_second: all.len() as f64 / self.seconds.max(f64::EPSILON),
            calls: self.calls,
            cpu: self.cpu.unwrap_or_default(),
        }
    }
}

/// Runs the scenarios for `seconds` each, in turns of `turn`: each cycle runs every
/// scenario once, starting one further along than the cycle before, so no scenario always
/// follows the same one. Returns their figures in the order given.
pub async fn side_by_side(
    load: Load,
    seconds: u64,
    turn: Duration,
    scenarios: &[Scenario],
    dynamo_pid: Option<u32>,
) -> Vec<Figures> {
    let mut tallies: Vec<Tally> = scenarios.iter().map(|_| Tally::default()).collect();
    let total = Duration::from_secs(seconds);
    let turn = turn
        .max(Duration::from_millis(100))
        .min(total.max(Duration::from_millis(100)));
    let cycles = (total.as_secs_f64() / turn.as_secs_f64()).ceil() as usize;
    for cycle in 0..cycles {
        let this = turn.min(total.saturating_sub(turn * cycle as u32));
        for k in 0..scenarios.len() {
            let i = (cycle + k) % scenarios.len();
            let (scenario, tally) = (&scenarios[i], &mut tallies[i]);
            scenario.calls.take();
            let before = Cpu::now(dynamo_pid);
            let started = Instant::now();
            let (samples, errors) = drive(load, this, &scenario.op, cycle).await;
            tally.seconds += started.elapsed().as_secs_f64();
            let spent = Cpu::now(dynamo_pid).since(before);
            tally.cpu = Some(tally.cpu.map_or(spent, |cpu| cpu.plus(spent)));
            tally.samples.extend(samples);
            for (status, n) in errors {
                *tally.errors.entry(status).or_default() += n;
            }
            for (name, n) in scenario.calls.take() {
                *tally.calls.entry(name).or_default() += n;
            }
        }
    }
    tallies.into_iter().map(Tally::figures).collect()
}

/// One turn: `load.clients` loops of `op(client, n)` for `length`. `cycle` moves each
/// client on through its customers from one turn to the next.
async fn drive(
    load: Load,
    length: Duration,
    op: &Op,
    cycle: usize,
) -> (Vec<Duration>, BTreeMap<u16, usize>) {
    let started = Instant::now();
    let deadline = started + length;
    let clients = load.clients;
    // Each client's interval between requests when paced; the clients' schedules are
    // spread evenly over it.
    let interval = load
        .pace
        .map(|pace| Duration::from_secs_f64(clients as f64 / f64::from(pace.max(1))));
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let op = op.clone();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut errors = BTreeMap::<u16, usize>::new();
                let mut n = c * 7919 + cycle * 104_729;
                let mut due = started
                    + interval.map_or(Duration::ZERO, |i| i.mul_f64(c as f64 / clients as f64));
                while Instant::now() < deadline {
                    let t = match interval {
                        Some(_) if due >= deadline => break,
                        Some(interval) => {
                            tokio::time::sleep_until(due.into()).await;
                            due += interval;
                            Instant::now()
                        }
                        None => Instant::now(),
                    };
                    if t >= deadline {
                        break;
                    }
                    if let Err(status) = op(c, n).await {
                        *errors.entry(status).or_default() += 1;
                    }
                    samples.push(t.elapsed());
                    n += 1;
                }
                (samples, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = BTreeMap::new();
    for t in tasks {
        let (s, e) = t.await.expect("a client");
        all.extend(s);
        for (status, n) in e {
            *errors.entry(status).or_default() += n;
        }
    }
    (all, errors)
}
