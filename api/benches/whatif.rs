//! The scoring lab's two walks over a whole portfolio on DynamoDB Local: the what-if of a
//! candidate engine (`POST /v1/admin/engine-versions/preview`, page after page, as the
//! engines tab and the lab run it) and the development sample
//! (`POST /v1/lab/sample`, page after page). Prints the time, customers per second and the
//! DynamoDB calls per customer of each.
//!
//! Run (DynamoDB Local must be listening):
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench -p credence-api --bench whatif`.
//! Sizes: `LAB_CUSTOMERS` (default 2,000) customers with limits, and `LAB_LEDGER_ROWS`
//! (default ten per customer) ledger rows of 2026, imported as a tenant brings its own;
//! `LAB_TABLE` names a table an earlier run seeded (printed first) to measure again without
//! importing again.

mod common;
#[path = "common/portfolio.rs"]
mod portfolio;

use std::time::Instant;

use credence_api::clock::Clock;
use credence_api::service::{Ctx, lab, tenant::Engines, whatif};
use credence_shared::engine::{default_model, default_policy};
use credence_shared::lab::SampleRequest;
use credence_shared::preview::{EnginePreview, EnginePreviewRequest};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let calls = common::CountCalls::default();
    // `LAB_TABLE`: a table an earlier run seeded (on a DynamoDB Local still running).
    let reuse = std::env::var("LAB_TABLE").ok();
    let (client, table) = match &reuse {
        Some(table) => (common::local_client(calls.clone())?, table.clone()),
        None => common::local_table("whatif", calls.clone()).await?,
    };
    println!("table {table}");
    let store = credence_api::store::Store::new(client, &table);
    let clock = Clock::fixed(time::macros::datetime!(2026-12-04 09:00 UTC));
    let tenant = credence_api::seed::demo_tenant();
    let count = common::env_or("LAB_CUSTOMERS", 2_000);
    let rows = common::env_or("LAB_LEDGER_ROWS", count * 10);
    let engines = Engines::default();
    let egress = credence_api::egress::Egress::public()?;
    let ctx = Ctx {
        store: &store,
        engines: &engines,
        clock: &clock,
        egress: &egress,
    };
    let who = portfolio::admin(&tenant);
    if reuse.is_none() {
        portfolio::seed(&ctx, &who, count, rows).await;
    }
    calls.take();

    // The what-if of a policy that lends a fifth less to every grade, asks more prepayment
    // of D and blocks near-limit orders.
    let mut policy = serde_json::to_value(default_policy())?;
    for (grade, multiplier) in [("A", "1.2"), ("B", "1"), ("C", "0.8"), ("D", "0.4")] {
        policy["grades"][grade]["limit_multiplier"] = multiplier.into();
    }
    policy["grades"]["D"]["prepayment_share"] = "0.5".into();
    policy["check"]["severity"]["near_limit"] = "block".into();
    let model = serde_json::to_value(default_model())?;
    let started = Instant::now();
    let mut total = EnginePreview::default();
    let mut cursor = None;
    let mut pages = 0;
    loop {
        let body = EnginePreviewRequest {
            model: model.clone(),
            policy: policy.clone(),
            cursor: cursor.take(),
        };
        let page = whatif::preview(&ctx, &who, body)
            .await
            .expect("a what-if page");
        pages += 1;
        total.add(&page);
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    report("what-if", total.looked, pages, started, &calls);
    println!(
        "  grade changed {}, limit changed {}, lose credit {} (were bad {}), orders replayed {} (newly blocked {})",
        total.grade_changed,
        total.limit_changed,
        total.lose.customers,
        total.lose.were_bad,
        total.orders.looked,
        total.orders.newly_blocked
    );

    let started = Instant::now();
    let (mut rows_read, mut excluded, mut bads, mut pages) = (0, 0, 0, 0);
    let mut cursor = None;
    loop {
        let request = SampleRequest {
            observation_date: time::macros::date!(2026 - 04 - 30),
            outcome_months: 6,
            bad_dpd_days: 30,
            validation_percent: 30,
            seed: 1,
            outcome_source: credence_shared::lab::OutcomeSource::Ledger,
            tag: None,
            import_run: None,
            cursor: cursor.take(),
        };
        let page = lab::sample(&ctx, &who, request)
            .await
            .expect("a sample page");
        pages += 1;
        rows_read += page.rows.len();
        excluded += page.excluded + page.already_bad;
        bads += page.rows.iter().filter(|r| r.observation.bad).count();
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let looked = u32::try_from(rows_read).unwrap_or(u32::MAX) + excluded;
    report("sample", looked, pages, started, &calls);
    println!("  {rows_read} in the sample ({bads} bad), {excluded} left out");
    Ok(())
}

fn report(what: &str, customers: u32, pages: u32, started: Instant, calls: &common::CountCalls) {
    let took = started.elapsed().as_secs_f64();
    let (reads, writes) = common::split(&calls.take());
    let per = f64::from(customers.max(1));
    println!(
        "{what:<8} {customers} customers in {pages} pages: {took:.1} s, {:.0} customers/s; DynamoDB {:.2} reads and {:.2} writes per customer",
        f64::from(customers) / took.max(1e-9),
        reads as f64 / per,
        writes as f64 / per,
    );
}
