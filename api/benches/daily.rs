//! The daily early-warning pass on the demo tenant (220 customers, a year and a half of
//! ledgers) on DynamoDB Local: the first pass over every customer, the same day again, and
//! then 30 days of daily passes that read only the customers the wake index (GSI2) names.
//! Prints the time and the DynamoDB calls of each, reads and writes apart.
//!
//! Run (DynamoDB Local must be listening):
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench -p credence-api --bench daily`.
//! Sizes: `DAILY_CUSTOMERS` (default 220, the demo tenant; its generator makes any number)
//! and `DAILY_DAYS` (default 30). `DAILY_SEED=import` brings the customers in as a tenant
//! does instead (a customer file with limits, then `DAILY_LEDGER_ROWS` ledger rows, default
//! ten per customer, through the import service): how a 30,000-customer portfolio is
//! seeded in minutes, where the demo generator's year and a half of history per customer
//! takes far longer.

mod common;
#[path = "common/portfolio.rs"]
mod portfolio;

use std::collections::BTreeMap;
use std::time::Instant;

use credence_api::clock::Clock;
use credence_api::seed::{demo_tenant, seed_demo};
use credence_api::service::{Ctx, tenant::Engines, watch};
use credence_api::store::Store;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let calls = common::CountCalls::default();
    let (client, table) = common::local_table("daily", calls.clone()).await?;
    let store = Store::new(client, &table);
    let clock = Clock::fixed(time::OffsetDateTime::now_utc());
    let tenant = demo_tenant();
    let count = common::env_or("DAILY_CUSTOMERS", 220);
    let days = common::env_or("DAILY_DAYS", 30);
    let engines = Engines::default();
    let egress = credence_api::egress::Egress::public()?;
    let ctx = Ctx {
        store: &store,
        engines: &engines,
        clock: &clock,
        egress: &egress,
    };
    let seeding = Instant::now();
    if std::env::var("DAILY_SEED").as_deref() == Ok("import") {
        let rows = common::env_or("DAILY_LEDGER_ROWS", count * 10);
        portfolio::seed(&ctx, &portfolio::admin(&tenant), count, rows).await;
    } else {
        seed_demo(&store, &tenant, clock.today(), count).await?;
        println!(
            "seeded {count} customers in {:.0} s",
            seeding.elapsed().as_secs_f64()
        );
    }
    calls.take();

    let run = |label: String, all: bool| {
        let ctx = &ctx;
        let tenant = &tenant;
        let calls = &calls;
        async move {
            let started = Instant::now();
            let report = watch::daily(ctx, tenant, all).await.expect("daily pass");
            let took = started.elapsed();
            let counted = calls.take();
            let (reads, writes) = common::split(&counted);
            println!(
                "{label:<24} customers {:>3}  alerts +{:<3} raised {:<3} dunning {:<3} tasks {:<3}  {:>7.0} ms  DynamoDB reads {:>5} writes {:>4}",
                report.customers,
                report.alerts_opened,
                report.alerts_raised,
                report.dunning_summaries,
                report.tasks,
                took.as_secs_f64() * 1000.0,
                reads,
                writes
            );
            (report, reads, writes, took)
        }
    };

    run("first pass (every one)".into(), true).await;
    open_alerts(&store, &tenant, "after the first pass").await?;
    calls.take();
    run("same day again (index)".into(), false).await;
    let (mut customers, mut reads, mut writes, mut ms) = (0, 0, 0, 0.0);
    for day in 1..=days {
        clock.advance(time::Duration::days(1));
        let (r, rd, wr, took) = run(format!("day +{day}"), false).await;
        customers += r.customers;
        reads += rd;
        writes += wr;
        ms += took.as_secs_f64() * 1000.0;
    }
    open_alerts(&store, &tenant, &format!("after {days} days")).await?;
    let per_day = days.max(1) as f64;
    let woken = customers as f64 / per_day;
    println!(
        "{days} daily passes: {woken:.1} customers/day woken of {count} ({:.1}%), {:.0} reads/day, {:.0} writes/day, {:.0} ms/day; per woken customer {:.1} reads, {:.1} writes",
        100.0 * woken / count.max(1) as f64,
        reads as f64 / per_day,
        writes as f64 / per_day,
        ms / per_day,
        reads as f64 / (customers.max(1) as f64),
        writes as f64 / (customers.max(1) as f64),
    );
    Ok(())
}

/// Open alerts by rule.
async fn open_alerts(
    store: &Store,
    tenant: &credence_shared::TenantId,
    when: &str,
) -> anyhow::Result<()> {
    let open: Vec<credence_shared::watch::Alert> = store
        .doc_index(
            &credence_api::store::keys::alerts_gsi1pk(tenant, true),
            false,
            10_000,
        )
        .await?;
    let mut by_rule: BTreeMap<String, u32> = BTreeMap::new();
    for a in &open {
        *by_rule.entry(a.rule_id.clone()).or_default() += 1;
    }
    println!("open alerts {when}: {} {by_rule:?}", open.len());
    Ok(())
}
