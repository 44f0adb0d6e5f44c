//! Load generator: the credit lookup, the credit check and event ingestion through the real
//! Router served over HTTP on DynamoDB Local, beside a raw GetItem on the same DynamoDB Local,
//! at 50 and 200 concurrent clients. Counts the DynamoDB calls each request makes with an SDK
//! interceptor.
//!
//! Run: `cargo xtask load` (starts DynamoDB Local), or with one already listening
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench -p credence-api --bench load`.
//! Optional: `LOAD_SECONDS` (default 10 per scenario).

use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use credence_api::{
    AppState,
    auth::{Verifier, local::LocalIssuer},
    router,
    seed::{demo_tenant, demo_users, seed_demo},
    store::Store,
};
mod common;

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Default)]
struct CountCalls(Arc<AtomicU64>);

impl Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "CountCalls"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        Ok(())
    }
}

struct Figures {
    requests: usize,
    errors: usize,
    p50: Duration,
    p99: Duration,
    per_second: f64,
}

/// Runs `clients` loops of `op` for `seconds` and reports latency percentiles.
async fn drive<F, Fut>(clients: usize, seconds: u64, op: F) -> Figures
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|c| {
            let op = op.clone();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                let mut errors = 0;
                let mut n = c * 7919;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    if !op(n).await {
                        errors += 1;
                    }
                    samples.push(t.elapsed());
                    n += 1;
                }
                (samples, errors)
            })
        })
        .collect();
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (s, e) = t.await.unwrap();
        all.extend(s);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pick = |q: f64| all[((all.len() as f64 * q) as usize).min(all.len() - 1)];
    Figures {
        requests: all.len(),
        errors,
        p50: pick(0.50),
        p99: pick(0.99),
        per_second: all.len() as f64 / elapsed,
    }
}

fn report(name: &str, clients: usize, f: &Figures) {
    println!(
        "{name:<28} clients {clients:>3}  requests {:>6}  errors {:>3}  {:>7.0}/s  p50 {:>8.2} ms  p99 {:>8.2} ms",
        f.requests,
        f.errors,
        f.per_second,
        f.p50.as_secs_f64() * 1000.0,
        f.p99.as_secs_f64() * 1000.0
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let seconds: u64 = std::env::var("LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let calls = CountCalls::default();
    let (client, table) = common::local_table("load", calls.clone()).await?;
    let store = Store::new(client.clone(), &table);
    let t = Instant::now();
    let today = time::OffsetDateTime::now_utc().date();
    seed_demo(&store, &demo_tenant(), today, 220).await?;
    println!(
        "seeded the demo tenant in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048)?;
    let issuer = LocalIssuer::from_key(key, "http://load", "load", demo_users())?;
    let verifier = Verifier::with_jwks("http://load", "load", &issuer.jwks())?;
    let issuer = Arc::new(issuer);
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, router(state)).await });

    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()?;
    let token = |user: &'static str| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let r: serde_json::Value = http
                .post(format!("{base}/auth/token"))
                .json(&serde_json::json!({"username": user, "password": "demo"}))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(r["access_token"].as_str().unwrap_or_default().to_owned())
        }
    };
    let sales = Arc::new(token("sales").await?);
    let finance = Arc::new(token("finance").await?);
    // The sales rep's own customers (a rep sees only theirs; any other answers 403).
    let mut own = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!("{base}/v1/customers?limit=50");
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let page: serde_json::Value = http
            .get(url)
            .header("authorization", format!("Bearer {sales}"))
            .send()
            .await?
            .json()
            .await?;
        for c in page["items"].as_array().into_iter().flatten() {
            own.extend(c["id"].as_str().map(str::to_owned));
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() || own.len() >= 220 {
            break;
        }
    }
    anyhow::ensure!(!own.is_empty(), "the sales rep sees no customer");
    println!("the sales rep's customers looked up: {}", own.len());
    let ids: Arc<Vec<String>> = Arc::new(own);

    // DynamoDB calls per request, measured one request at a time.
    let count = |label: &str, before: u64| {
        println!(
            "{label:<28} {} DynamoDB call(s)",
            calls.0.load(Ordering::Relaxed) - before
        )
    };
    let auth = |t: &str| format!("Bearer {t}");
    let b = calls.0.load(Ordering::Relaxed);
    http.get(format!("{base}/v1/customers/{}", ids[0]))
        .header("authorization", auth(&sales))
        .send()
        .await?;
    count("lookup (GET customer)", b);
    let b = calls.0.load(Ordering::Relaxed);
    http.post(format!("{base}/v1/customers/{}/credit-check", ids[0]))
        .header("authorization", auth(&sales))
        .json(&serde_json::json!({"amount": {"amount": "1000.00", "currency": "CNY"}}))
        .send()
        .await?;
    count("credit check", b);
    let b = calls.0.load(Ordering::Relaxed);
    http.get(format!("{base}/v1/customers?q=%E4%B8%8A%E6%B5%B7"))
        .header("authorization", auth(&sales))
        .send()
        .await?;
    count("search by name part", b);
    let b = calls.0.load(Ordering::Relaxed);
    http.get(format!("{base}/v1/customers/{}/credit", ids[0]))
        .header("authorization", auth(&sales))
        .send()
        .await?;
    count("credit file (sales)", b);

    for clients in [50, 200] {
        let (h, bs, s, i) = (http.clone(), base.clone(), sales.clone(), ids.clone());
        let f = drive(clients, seconds, move |n| {
            let (h, bs, s, i) = (h.clone(), bs.clone(), s.clone(), i.clone());
            async move {
                let id = &i[n % i.len()];
                h.get(format!("{bs}/v1/customers/{id}"))
                    .header("authorization", format!("Bearer {s}"))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .await;
        report("lookup (GET customer)", clients, &f);

        let (h, bs, s, i) = (http.clone(), base.clone(), sales.clone(), ids.clone());
        let f = drive(clients, seconds, move |n| {
            let (h, bs, s, i) = (h.clone(), bs.clone(), s.clone(), i.clone());
            async move {
                let id = &i[n % i.len()];
                h.post(format!("{bs}/v1/customers/{id}/credit-check"))
                    .header("authorization", format!("Bearer {s}"))
                    .json(&serde_json::json!({"amount": {"amount": "5000.00", "currency": "CNY"}}))
                    .send()
                    .await
                    .is_ok_and(|r| r.status().is_success())
            }
        })
        .await;
        report("credit check", clients, &f);

        let (c, tb, i) = (client.clone(), table.clone(), ids.clone());
        let f = drive(clients, seconds, move |n| {
            let (c, tb, i) = (c.clone(), tb.clone(), i.clone());
            async move {
                c.get_item()
                    .table_name(tb)
                    .key(
                        "PK",
                        AttributeValue::S(format!("T#demo#C#{}", i[n % i.len()])),
                    )
                    .key("SK", AttributeValue::S("PROFILE".into()))
                    .send()
                    .await
                    .is_ok()
            }
        })
        .await;
        report("raw GetItem (same table)", clients, &f);
    }

    // Ingestion: batches of 20 payments, each batch on its own customer, 8 posters.
    let counter = Arc::new(AtomicU64::new(0));
    let (h, bs, fi, i, ctr) = (
        http.clone(),
        base.clone(),
        finance.clone(),
        ids.clone(),
        counter.clone(),
    );
    let f = drive(8, seconds, move |n| {
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
            let ok = h
                .post(format!("{bs}/v1/ledger/events"))
                .header("authorization", format!("Bearer {fi}"))
                .json(&serde_json::json!({ "events": events }))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                ctr.fetch_add(20, Ordering::Relaxed);
            }
            ok
        }
    })
    .await;
    report("ingest (batches of 20)", 8, &f);
    println!(
        "events ingested per second: {:.0}",
        counter.load(Ordering::Relaxed) as f64 / seconds as f64
    );

    // Full batches: 500 events over 50 customers (10 invoices each), one request at a
    // time, as an ERP's nightly export posts them. The API function's timeout is 29 s.
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
            .header("authorization", auth(&finance))
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
