//! Load generator: what a sales rep's phone asks in the field — the customer lookup
//! (`GET /v1/customers/{id}`) and the order credit check (`POST
//! /v1/customers/{id}/credit-check`) — through the real Router served over HTTP on DynamoDB
//! Local, beside raw reads of the same items on the same DynamoDB Local in the same run, at
//! 50 and 200 concurrent clients; then event ingestion.
//!
//! Every client is one of the demo tenant's three sales reps (`sales`, `sales-2`, `sales-3`:
//! the seed gives each customer one of them as its owner) asking only about their own
//! customers, as they do in the app — a rep sees no other, so any error is a real one.
//! Besides latency, each scenario reports the DynamoDB calls a request made (an SDK
//! interceptor on the server's client) and CPU per request: the whole process (server and
//! load generator), the server's own runtime (its threads are named `api-server`), and the
//! DynamoDB Local process's when it runs on this machine.
//!
//! Each round runs twice when DynamoDB Local runs here on a machine of two CPUs or more:
//! first with DynamoDB Local on CPUs of its own (as in AWS, where the database never shares
//! the API's CPU), then with everything sharing every CPU (where latency follows the CPU
//! time the three spend per request together).
//!
//! Each layout has three rounds: closed loops of 50 and 200 clients (each client asks again
//! as soon as it is answered, so the machine runs at capacity and latency includes the
//! queue of whatever saturates first), and 200 clients paced together at `LOAD_PACE`
//! requests a second (default 1,000), below capacity: the request's own latency, without
//! the queues. A paced round also times `GET /health`, one HTTP hop that touches nothing.
//!
//! A round runs its scenarios side by side, in turns of `LOAD_TURN_MS` (default 1,000 ms)
//! until each has had `LOAD_SECONDS`, so a scenario and the raw read it is compared with
//! meet the same DynamoDB Local (`common/rounds.rs`). Each client is a phone with its own
//! HTTP/1.1 connection to the server, kept open (`common/phones.rs`).
//!
//! Run: `cargo xtask load` (starts DynamoDB Local), or with one already listening
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench -p credence-api --bench load`.
//! Optional: `LOAD_SECONDS` (default 10 per scenario), `LOAD_WARMUP_SECONDS` (default 5 per
//! scenario, a first round at 50 clients that is not measured).

use aws_sdk_dynamodb::types::AttributeValue;
use bytes::Bytes;
use credence_api::{
    AppState,
    auth::{Verifier, local::LocalIssuer, local::LocalUser},
    router,
    seed::{demo_tenant, demo_users, seed_demo},
    store::Store,
};
use credence_shared::{Role, UserId};
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use std::time::{Duration, Instant};

mod common;
#[path = "common/cpu.rs"]
mod cpu;
#[path = "common/placement.rs"]
mod placement;
use common::CountCalls;
use placement::Cpus;
#[path = "common/phones.rs"]
mod phones;
#[path = "common/rounds.rs"]
mod rounds;
use phones::Phones;
use rounds::{Figures, Load, Outcome, Scenario, op, side_by_side};

/// The sales reps the demo seed gives customers to (`seed::generate`).
const REPS: [&str; 3] = ["sales", "sales-2", "sales-3"];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn per_request(d: Duration, requests: usize) -> f64 {
    d.as_secs_f64() * 1e6 / requests.max(1) as f64
}

fn report(name: &str, clients: impl std::fmt::Display, f: &Figures) {
    let calls: Vec<String> = f
        .calls
        .iter()
        .map(|(op, n)| format!("{op} {:.2}", *n as f64 / f.requests.max(1) as f64))
        .collect();
    let dynamo = f
        .cpu
        .dynamo
        .map_or("-".into(), |d| format!("{:.0}", per_request(d, f.requests)));
    println!(
        "{name:<26} clients {clients:>3}  requests {:>6}  errors {:>4} {:?}  {:>6.0}/s  p50 {:>7.2} ms  p99 {:>7.2} ms  \
         DynamoDB calls/request {:.2} ({})  CPU µs/request: process {:.0}, server {:.0}, DynamoDB Local {dynamo}",
        f.requests,
        f.errors(),
        f.errors,
        f.per_second,
        ms(f.p50),
        ms(f.p99),
        f.calls_per_request(),
        calls.join(", "),
        per_request(f.cpu.process, f.requests),
        per_request(f.cpu.server, f.requests),
    );
}

/// A customer a rep may look up, and the currency its limit is kept in.
#[derive(Clone)]
struct Own {
    id: String,
    currency: String,
}

/// A rep's lookups and checks, built once (URIs parsed, bodies encoded), so the measured
/// loop spends on the load generator's side only what sending them takes.
struct Asks {
    auth: http::HeaderValue,
    lookups: Vec<http::Uri>,
    checks: Vec<(http::Uri, Bytes)>,
}

impl Asks {
    fn of(auth: &str, own: &[Own]) -> anyhow::Result<Self> {
        let mut lookups = Vec::new();
        let mut checks = Vec::new();
        for o in own {
            lookups.push(format!("/v1/customers/{}", o.id).parse()?);
            let body = serde_json::json!({"amount": {"amount": "5000.00", "currency": o.currency}});
            checks.push((
                format!("/v1/customers/{}/credit-check", o.id).parse()?,
                Bytes::from(serde_json::to_vec(&body)?),
            ));
        }
        Ok(Asks {
            auth: auth.parse()?,
            lookups,
            checks,
        })
    }
}

fn main() -> anyhow::Result<()> {
    // The server on a runtime of its own, so its CPU time can be told from the load
    // generator's (and from the raw reads', which run beside the generator).
    let server = tokio::runtime::Builder::new_multi_thread()
        .thread_name("api-server")
        .enable_all()
        .build()?;
    let client = tokio::runtime::Builder::new_multi_thread()
        .thread_name("load-client")
        .enable_all()
        .build()?;
    let result = client.block_on(run(server.handle().clone()));
    server.shutdown_background();
    client.shutdown_background();
    result
}

async fn run(server: tokio::runtime::Handle) -> anyhow::Result<()> {
    let seconds = common::env_or("LOAD_SECONDS", 10) as u64;
    let endpoint = std::env::var("DYNAMODB_ENDPOINT").unwrap_or_default();
    let dynamo_pid = endpoint
        .rsplit(':')
        .next()
        .and_then(|p| p.trim_end_matches('/').parse().ok())
        .and_then(cpu::dynamodb_local);
    // Three clients of the same DynamoDB Local: the seed's, the server's (counted) and the
    // raw reads' (counted apart), each with its own connections on its own runtime.
    let (seed_client, table) = common::local_table("load", CountCalls::default()).await?;
    let calls = CountCalls::default();
    let server_client = common::local_client(calls.clone())?;
    let raw_calls = CountCalls::default();
    let raw = common::local_client(raw_calls.clone())?;

    let t = Instant::now();
    let today = time::OffsetDateTime::now_utc().date();
    seed_demo(&Store::new(seed_client, &table), &demo_tenant(), today, 220).await?;
    println!(
        "seeded the demo tenant in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048)?;
    let mut users = demo_users();
    for rep in &REPS[1..] {
        users.push(LocalUser {
            username: (*rep).to_owned(),
            password: "demo".to_owned(),
            user_id: UserId::parse(rep)?,
            tenant: demo_tenant(),
            roles: vec![Role::Sales],
        });
    }
    let issuer = LocalIssuer::from_key(key, "http://load", "load", users)?;
    let verifier = Verifier::with_jwks("http://load", "load", &issuer.jwks())?;
    let issuer = Arc::new(issuer);
    let store = Store::new(server_client, &table);
    let state = AppState {
        store: store.clone(),
        verifier: Arc::new(verifier),
        local_issuer: Some(issuer.clone()),
        static_dir: None,
        engines: Default::default(),
        clock: credence_api::clock::Clock::system(),
        egress: credence_api::egress::Egress::public()?,
        directory: Arc::new(credence_api::directory::local::LocalDirectory::new(
            store.clone(),
            issuer.clone(),
        )),
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let address = listener.local_addr()?;
    let base = format!("http://{address}");
    server.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).expect("the listener");
        axum::serve(listener, router(state)).await
    });

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    let token = |user: &str| {
        let (http, base, user) = (http.clone(), base.clone(), user.to_owned());
        async move {
            let r: serde_json::Value = http
                .post(format!("{base}/auth/token"))
                .json(&serde_json::json!({"username": user, "password": "demo"}))
                .send()
                .await?
                .json()
                .await?;
            let token = r["access_token"].as_str().unwrap_or_default().to_owned();
            anyhow::ensure!(!token.is_empty(), "{user} could not sign in: {r}");
            anyhow::Ok(format!("Bearer {token}"))
        }
    };
    let finance = Arc::new(token("finance").await?);
    let risk = token("risk").await?;
    // Each rep's own customers, as the app lists them for the rep.
    let mut reps: Vec<(String, Vec<Own>)> = Vec::new();
    for rep in REPS {
        let auth = token(rep).await?;
        let mut own = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut url = format!("{base}/v1/customers?limit=50");
            if let Some(c) = &cursor {
                url.push_str(&format!("&cursor={c}"));
            }
            let page: serde_json::Value = http
                .get(url)
                .header("authorization", &auth)
                .send()
                .await?
                .json()
                .await?;
            for c in page["items"].as_array().into_iter().flatten() {
                if let (Some(id), Some(currency)) =
                    (c["id"].as_str(), c["credit_limit"]["currency"].as_str())
                {
                    own.push(Own {
                        id: id.to_owned(),
                        currency: currency.to_owned(),
                    });
                }
            }
            cursor = page["next_cursor"].as_str().map(str::to_owned);
            if cursor.is_none() {
                break;
            }
        }
        anyhow::ensure!(!own.is_empty(), "the sales rep {rep} owns no customer");
        println!("{rep}: {} own customers", own.len());
        reps.push((auth, own));
    }
    let asks = Arc::new(
        reps.iter()
            .map(|(auth, own)| Asks::of(auth, own))
            .collect::<anyhow::Result<Vec<_>>>()?,
    );
    // One connection per client, as many as the largest round has.
    let fast = Arc::new(Phones::new(address, 200)?);
    let reps = Arc::new(reps);
    let all: Arc<Vec<String>> = Arc::new(
        reps.iter()
            .flat_map(|(_, own)| own.iter().map(|o| o.id.clone()))
            .collect(),
    );

    // DynamoDB calls of one request at a time, after one of each has warmed the caches
    // (the tenant's engine is cached for 30 s, tokens' registry entries for 2 min).
    let (auth, own) = &reps[0];
    let one = &own[0];
    let check_body =
        |o: &Own| serde_json::json!({"amount": {"amount": "5000.00", "currency": o.currency}});
    let requests: Vec<(&str, reqwest::RequestBuilder)> = vec![
        (
            "lookup (GET customer)",
            http.get(format!("{base}/v1/customers/{}", one.id))
                .header("authorization", auth),
        ),
        (
            "credit check (sales rep)",
            http.post(format!("{base}/v1/customers/{}/credit-check", one.id))
                .header("authorization", auth)
                .json(&check_body(one)),
        ),
        (
            "credit check (risk)",
            http.post(format!("{base}/v1/customers/{}/credit-check", one.id))
                .header("authorization", &risk)
                .json(&check_body(one)),
        ),
        (
            "credit card (GET credit)",
            http.get(format!("{base}/v1/customers/{}/credit", one.id))
                .header("authorization", auth),
        ),
        (
            "search by name part",
            http.get(format!("{base}/v1/customers?q=%E4%B8%8A%E6%B5%B7"))
                .header("authorization", auth),
        ),
    ];
    for (label, request) in requests {
        let again = request.try_clone().expect("a plain body");
        request.send().await?.error_for_status()?;
        calls.take();
        again.send().await?.error_for_status()?;
        let counted = calls.take();
        println!(
            "{label:<26} {} DynamoDB call(s) {counted:?}",
            counted.values().sum::<u64>()
        );
    }

    let mut table_rows = Vec::new();
    let mut hops = Vec::new();
    let health: http::Uri = "/health".parse()?;
    // A first round, not measured, warms DynamoDB Local's JIT: otherwise the scenario that
    // happens to run first pays for compiling its request paths, and looks slower.
    let warmup = common::env_or("LOAD_WARMUP_SECONDS", 5) as u64;
    let layouts = if cpu::count() >= 2 && dynamo_pid.is_some() {
        vec![Cpus::Apart, Cpus::Shared]
    } else {
        vec![Cpus::Shared]
    };
    // Besides the closed loops, one paced round below capacity (`LOAD_PACE` requests/s).
    let pace = common::env_or("LOAD_PACE", 1000) as u32;
    let closed = |clients| Load {
        clients,
        pace: None,
    };
    let paced = Load {
        clients: 200,
        pace: Some(pace),
    };
    let rounds = std::iter::once((Cpus::Shared, closed(50), warmup, false)).chain(
        layouts.iter().flat_map(|&l| {
            [
                (l, closed(50), seconds, true),
                (l, closed(200), seconds, true),
                (l, paced, seconds, true),
            ]
        }),
    );
    // Each round runs its scenarios side by side, in turns of `LOAD_TURN_MS` each.
    let turn = Duration::from_millis(common::env_or("LOAD_TURN_MS", 1000) as u64);
    let (f, a) = (fast.clone(), asks.clone());
    let lookup = op(move |c, n| {
        let (f, a) = (f.clone(), a.clone());
        async move {
            let rep = &a[c % a.len()];
            let uri = &rep.lookups[n % rep.lookups.len()];
            f.ask(c, http::Method::GET, uri, Some(&rep.auth), None)
                .await
        }
    });
    let (f, a) = (fast.clone(), asks.clone());
    let check = op(move |c, n| {
        let (f, a) = (f.clone(), a.clone());
        async move {
            let rep = &a[c % a.len()];
            let (uri, body) = &rep.checks[n % rep.checks.len()];
            let body = Some(body.clone());
            f.ask(c, http::Method::POST, uri, Some(&rep.auth), body)
                .await
        }
    });
    // The same customers' profiles, read straight from the table; and what a rep's check
    // reads, the credit file (which carries the owner), strongly consistent.
    let raw_read = |sk: &'static str, consistent: bool| {
        let (db, tb, r) = (raw.clone(), table.clone(), reps.clone());
        op(move |c, n| {
            let (db, tb, r) = (db.clone(), tb.clone(), r.clone());
            async move {
                let (_, own) = &r[c % r.len()];
                let pk = format!("T#demo#C#{}", own[n % own.len()].id);
                db.get_item()
                    .table_name(tb)
                    .key("PK", AttributeValue::S(pk))
                    .key("SK", AttributeValue::S(sk.into()))
                    .consistent_read(consistent)
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(|_| 0)
            }
        })
    };
    // Below capacity, what one HTTP hop to the server costs on its own: `/health` touches
    // nothing, so the lookup less this is the handler and its one read.
    let (f, h) = (fast.clone(), health.clone());
    let hop = op(move |c, _| {
        let (f, h) = (f.clone(), h.clone());
        async move { f.ask(c, http::Method::GET, &h, None, None).await }
    });
    let scenario = |op: &rounds::Op, calls: &CountCalls| Scenario {
        op: op.clone(),
        calls: calls.clone(),
    };
    let mut scenarios = vec![
        scenario(&lookup, &calls),
        scenario(&check, &calls),
        scenario(&raw_read("PROFILE", false), &raw_calls),
        scenario(&raw_read("CREDIT", true), &raw_calls),
    ];
    let names = [
        "lookup (GET customer)",
        "credit check",
        "raw GetItem (profile)",
        "raw GetItem (file)",
        "HTTP hop (GET /health)",
    ];
    for (layout, clients, seconds, measured) in rounds {
        layout.apply(dynamo_pid);
        if !measured {
            println!("warming up for {seconds} s per scenario (not measured)");
        }
        let paced = clients.pace.is_some() && measured;
        if paced {
            scenarios.push(scenario(&hop, &calls));
        }
        let mut figures = side_by_side(clients, seconds, turn, &scenarios, dynamo_pid).await;
        if paced {
            scenarios.pop();
        }
        if !measured {
            continue;
        }
        for (name, f) in names.iter().zip(&figures) {
            report(name, clients, f);
        }
        if paced && let Some(h) = figures.pop() {
            hops.push((layout, h));
        }
        let mut figures = figures.into_iter();
        if let (Some(lookup), Some(check), Some(get), Some(file)) = (
            figures.next(),
            figures.next(),
            figures.next(),
            figures.next(),
        ) {
            table_rows.push((layout, clients, lookup, check, get, file));
        }
    }

    println!();
    println!(
        "| CPUs | clients | scenario | p50 ms | p99 ms | p50 / its raw read | p99 / its raw read | errors | req/s | DynamoDB calls/req | CPU µs/req process | server | DynamoDB Local |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let mut failed = 0;
    for (layout, clients, lookup, check, get, file) in &table_rows {
        // Each scenario beside the raw read of what it reads: the lookup the profile, the
        // check the credit file.
        for (name, f, raw) in [
            ("lookup", lookup, get),
            ("credit check", check, file),
            ("raw GetItem (profile)", get, get),
            ("raw GetItem (file)", file, file),
        ] {
            failed += f.errors();
            println!(
                "| {} | {clients} | {name} | {:.2} | {:.2} | {:.2}× | {:.2}× | {} | {:.0} | {:.2} | {:.0} | {:.0} | {} |",
                layout.label(),
                ms(f.p50),
                ms(f.p99),
                f.p50.as_secs_f64() / raw.p50.as_secs_f64(),
                f.p99.as_secs_f64() / raw.p99.as_secs_f64(),
                f.errors(),
                f.per_second,
                f.calls_per_request(),
                per_request(f.cpu.process, f.requests),
                per_request(f.cpu.server, f.requests),
                f.cpu
                    .dynamo
                    .map_or("-".into(), |d| format!("{:.0}", per_request(d, f.requests))),
            );
        }
    }
    for (layout, hop) in &hops {
        println!(
            "| {} | paced | HTTP hop alone (GET /health) | {:.2} | {:.2} | | | {} | {:.0} | 0.00 | {:.0} | {:.0} | |",
            layout.label(),
            ms(hop.p50),
            ms(hop.p99),
            hop.errors(),
            hop.per_second,
            per_request(hop.cpu.process, hop.requests),
            per_request(hop.cpu.server, hop.requests),
        );
        failed += hop.errors();
    }
    println!();
    Cpus::Shared.apply(dynamo_pid);

    ingest(
        &http, &base, &finance, &all, seconds, &calls, dynamo_pid, today,
    )
    .await?;
    anyhow::ensure!(failed == 0, "{failed} lookups, checks or raw reads failed");
    Ok(())
}

/// `Ok` for a 2xx answer, else its status (0: no answer).
async fn status_of(answer: reqwest::Result<reqwest::Response>) -> Outcome {
    let answer = answer.map_err(|_| 0u16)?;
    let status = answer.status();
    // Read the body, as a phone does.
    let _ = answer.bytes().await;
    if status.is_success() {
        Ok(())
    } else {
        Err(status.as_u16())
    }
}

/// Ingestion: batches of 20 payments, each batch on its own customer, 8 posters; then three
/// full batches of 500 events over 50 customers, one request at a time, as an ERP's nightly
/// export posts them (the API function's timeout is 29 s).
#[allow(clippy::too_many_arguments)]
async fn ingest(
    http: &reqwest::Client,
    base: &str,
    finance: &Arc<String>,
    ids: &Arc<Vec<String>>,
    seconds: u64,
    calls: &CountCalls,
    dynamo_pid: Option<u32>,
    today: time::Date,
) -> anyhow::Result<()> {
    let counter = Arc::new(AtomicU64::new(0));
    let (h, bs, fi, i, ctr) = (
        http.clone(),
        base.to_owned(),
        finance.clone(),
        ids.clone(),
        counter.clone(),
    );
    let posters = Load {
        clients: 8,
        pace: None,
    };
    let post = op(move |_, n| {
        let (h, bs, fi, i, ctr) = (h.clone(), bs.clone(), fi.clone(), i.clone(), ctr.clone());
        async move {
            let id = &i[n % i.len()];
            let events: Vec<_> = (0..20)
                .map(|k| {
                    serde_json::json!({
                        "idempotency_key": format!("load:{n}:{k}"),
                        "customer_id": id,
                        "date": today.to_string(),
                        "event": {"type": "payment", "payment": format!("LOAD-{n}-{k}"),
                                  "amount": {"amount": "1.00", "currency": "CNY"}}
                    })
                })
                .collect();
            let answer = h
                .post(format!("{bs}/v1/ledger/events"))
                .header("authorization", fi.as_str())
                .json(&serde_json::json!({ "events": events }))
                .send()
                .await;
            let outcome = status_of(answer).await;
            if outcome.is_ok() {
                ctr.fetch_add(20, Ordering::Relaxed);
            }
            outcome
        }
    });
    let posts = [Scenario {
        op: post,
        calls: calls.clone(),
    }];
    let whole = Duration::from_secs(seconds);
    let f = side_by_side(posters, seconds, whole, &posts, dynamo_pid).await;
    report("ingest (batches of 20)", 8, &f[0]);
    println!(
        "events ingested per second: {:.0}",
        counter.load(Ordering::Relaxed) as f64 / seconds as f64
    );

    for round in 0..3 {
        let events: Vec<_> = (0..500)
            .map(|k| {
                let customer = &ids[(round * 50 + k % 50) % ids.len()];
                serde_json::json!({
                    "idempotency_key": format!("full:{round}:{k}"),
                    "customer_id": customer,
                    "date": today.to_string(),
                    "event": {"type": "invoice", "invoice": format!("FULL-{round}-{k}"),
                              "amount": {"amount": "100.00", "currency": "CNY"},
                              "due_date": (today + time::Duration::days(30)).to_string()}
                })
            })
            .collect();
        let t = Instant::now();
        let answer = http
            .post(format!("{base}/v1/ledger/events"))
            .header("authorization", finance.as_str())
            .json(&serde_json::json!({ "events": events }))
            .send()
            .await?;
        let status = answer.status();
        let body: serde_json::Value = answer.json().await.unwrap_or_default();
        println!(
            "batch of 500 events / 50 customers: {:.2} s, HTTP {status}, {} accepted",
            t.elapsed().as_secs_f64(),
            body["accepted"]
        );
    }
    Ok(())
}
