//! Import throughput on DynamoDB Local, against the physical limit: first raw
//! `BatchWriteItem` (25 items of about the size of a customer's items per call, 16 calls in
//! flight) as the fastest this DynamoDB Local on this machine takes writes, then a customer
//! file and a ledger history through `service::imports::import` — the code behind
//! `POST /v1/imports/{kind}` — in the batches `plan` makes (up to 500 rows, a customer's
//! ledger rows together), a few batches in flight (safe while no customer has more rows than
//! a batch: batches then share no customer). Prints rows per second, the share of the raw item
//! rate, and the DynamoDB items written per row (counted by an SDK interceptor: a
//! transaction's items, a batch's items, one per put or update).
//!
//! Run (DynamoDB Local must be listening):
//! `DYNAMODB_ENDPOINT=http://127.0.0.1:8000 cargo bench -p credence-api --bench import`.
//! Sizes: `IMPORT_CUSTOMERS` (default 30000), `IMPORT_LEDGER_ROWS` (default 500000; ten
//! invoices and payments per customer on average), `IMPORT_IN_FLIGHT` (default 4 batches).

use std::collections::HashMap;
use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};
use std::time::Instant;

use aws_sdk_dynamodb::types::{AttributeValue, Put, PutRequest, TransactWriteItem, WriteRequest};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_types::config_bag::ConfigBag;
use credence_api::auth::Principal;
use credence_api::clock::Clock;
use credence_api::service::{Ctx, tenant::Engines};
use credence_api::store::Store;
use credence_shared::import::batch::BatchCounts;
use credence_shared::import::columns::ImportKind;
use credence_shared::{Role, TenantId, UserId};
use futures_util::StreamExt;

mod common;
#[path = "common/portfolio.rs"]
mod portfolio;

/// DynamoDB items written (and write calls made).
#[derive(Debug, Clone, Default)]
struct CountWrites {
    items: Arc<AtomicU64>,
    calls: Arc<AtomicU64>,
}

impl CountWrites {
    fn take(&self) -> (u64, u64) {
        (
            self.items.swap(0, Ordering::Relaxed),
            self.calls.swap(0, Ordering::Relaxed),
        )
    }
}

impl Intercept for CountWrites {
    fn name(&self) -> &'static str {
        "CountWrites"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation as op;
        let input = context.input();
        let items = if let Some(t) =
            input.downcast_ref::<op::transact_write_items::TransactWriteItemsInput>()
        {
            t.transact_items().len() as u64
        } else if let Some(b) = input.downcast_ref::<op::batch_write_item::BatchWriteItemInput>() {
            b.request_items()
                .map_or(0, |m| m.values().map(|v| v.len() as u64).sum())
        } else if input.downcast_ref::<op::put_item::PutItemInput>().is_some()
            || input
                .downcast_ref::<op::update_item::UpdateItemInput>()
                .is_some()
            || input
                .downcast_ref::<op::delete_item::DeleteItemInput>()
                .is_some()
        {
            1
        } else {
            0
        };
        if items > 0 {
            self.items.fetch_add(items, Ordering::Relaxed);
            self.calls.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Raw BatchWriteItem: items of about 1 KB, 25 a call, 16 calls in flight.
async fn raw_rate(client: &aws_sdk_dynamodb::Client, table: &str, items: usize) -> f64 {
    let padding = "x".repeat(900);
    let calls: Vec<Vec<WriteRequest>> = (0..items)
        .collect::<Vec<_>>()
        .chunks(25)
        .map(|chunk| {
            chunk
                .iter()
                .map(|i| {
                    let item = HashMap::from([
                        (
                            "PK".to_owned(),
                            AttributeValue::S(format!("RAW#{}", i % 5000)),
                        ),
                        ("SK".to_owned(), AttributeValue::S(format!("I#{i}"))),
                        ("pad".to_owned(), AttributeValue::S(padding.clone())),
                    ]);
                    WriteRequest::builder()
                        .put_request(PutRequest::builder().set_item(Some(item)).build().unwrap())
                        .build()
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    futures_util::stream::iter(calls)
        .map(|requests| async move {
            let mut pending = HashMap::from([(table.to_owned(), requests)]);
            while !pending.is_empty() {
                let out = client
                    .batch_write_item()
                    .set_request_items(Some(pending))
                    .send()
                    .await
                    .expect("batch write");
                pending = out.unprocessed_items.unwrap_or_default();
                pending.retain(|_, v| !v.is_empty());
            }
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    items as f64 / started.elapsed().as_secs_f64()
}

/// Raw TransactWriteItems: the same items, `per_call` a transaction (each conditioned on
/// not existing, as ledger entries and their markers are), 16 transactions in flight.
async fn raw_transact_rate(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    items: usize,
    per_call: usize,
) -> f64 {
    let padding = "x".repeat(900);
    let calls: Vec<Vec<TransactWriteItem>> = (0..items)
        .collect::<Vec<_>>()
        .chunks(per_call)
        .map(|chunk| {
            chunk
                .iter()
                .map(|i| {
                    let item = HashMap::from([
                        (
                            "PK".to_owned(),
                            AttributeValue::S(format!("TX{per_call}#{}", i % 5000)),
                        ),
                        ("SK".to_owned(), AttributeValue::S(format!("I#{i}"))),
                        ("pad".to_owned(), AttributeValue::S(padding.clone())),
                    ]);
                    let put = Put::builder()
                        .table_name(table)
                        .set_item(Some(item))
                        .condition_expression("attribute_not_exists(PK)")
                        .build()
                        .unwrap();
                    TransactWriteItem::builder().put(put).build()
                })
                .collect()
        })
        .collect();
    let started = Instant::now();
    futures_util::stream::iter(calls)
        .map(|items| async move {
            client
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await
                .expect("transaction");
        })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
    items as f64 / started.elapsed().as_secs_f64()
}

/// One line of figures: rows per second, DynamoDB items and write calls per row, and the
/// item rate as a share of the raw one.
fn report(
    what: &str,
    rows: usize,
    counts: &BatchCounts,
    seconds: f64,
    writes: (u64, u64),
    raw: f64,
) {
    let (items, calls) = writes;
    let rows_f = rows as f64;
    println!(
        "{what}: {rows} rows in {seconds:.1} s = {:.0} rows/s; created {}, errors {}; {:.1} items written per row in {:.2} write calls per row; {:.0}% of the raw item rate in items",
        rows_f / seconds,
        counts.created,
        counts.errors,
        items as f64 / rows_f,
        calls as f64 / rows_f,
        100.0 * (items as f64 / seconds) / raw
    );
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let customers = env_or("IMPORT_CUSTOMERS", 30_000);
    let ledger = env_or("IMPORT_LEDGER_ROWS", 500_000);
    let in_flight = env_or("IMPORT_IN_FLIGHT", 4);
    let writes = CountWrites::default();
    let (client, table) = common::local_table("import", writes.clone()).await?;

    let raw = raw_rate(&client, &table, 20_000).await;
    writes.take();
    println!(
        "raw BatchWriteItem: {raw:.0} items/s (20,000 items of ~1 KB, 25 a call, 16 calls in flight)"
    );

    for per_call in [25, 50, 100] {
        let rate = raw_transact_rate(&client, &table, 20_000, per_call).await;
        writes.take();
        println!(
            "raw TransactWriteItems: {rate:.0} items/s ({per_call} new items a transaction, 16 in flight) = {:.0}% of BatchWriteItem",
            rate / raw * 100.0
        );
    }

    let store = Store::new(client, &table);
    let clock = Clock::fixed(time::OffsetDateTime::now_utc());
    let engines = Engines::default();
    let egress = credence_api::egress::Egress::public()?;
    let ctx = Ctx {
        store: &store,
        engines: &engines,
        clock: &clock,
        egress: &egress,
    };
    let who = Principal {
        user_id: UserId::parse("admin").unwrap(),
        username: "admin".into(),
        tenant: TenantId::parse("bench").unwrap(),
        roles: vec![Role::Admin],
        scopes: Vec::new(),
        withheld: Vec::new(),
    };

    let (counts, seconds) = portfolio::import_all(
        &ctx,
        &who,
        ImportKind::Customers,
        &portfolio::CUSTOMER_COLUMNS,
        portfolio::customer_rows(customers),
        in_flight,
    )
    .await;
    report("customers", customers, &counts, seconds, writes.take(), raw);

    let (counts, seconds) = portfolio::import_all(
        &ctx,
        &who,
        ImportKind::Ledger,
        &portfolio::LEDGER_COLUMNS,
        portfolio::ledger_rows(ledger, customers),
        in_flight,
    )
    .await;
    report("ledger", ledger, &counts, seconds, writes.take(), raw);
    Ok(())
}
