//! A generated portfolio imported the way a tenant brings its own (through
//! `service::imports::import`, in the batches `plan` makes): customers with limits and
//! terms, and a ledger history of invoices, payments and orders. Shared by the import,
//! daily-pass and what-if benches (each uses part of it).
#![allow(dead_code)]

use std::time::Instant;

use credence_api::auth::Principal;
use credence_api::service::{Ctx, imports};
use credence_shared::import::batch::{Batch, BatchCounts, BatchRow};
use credence_shared::import::{cells::DayOrder, columns::ImportKind, plan};
use futures_util::StreamExt;

/// The customer file's columns.
pub const CUSTOMER_COLUMNS: [&str; 4] = ["customer", "name", "limit", "terms_days"];

/// The ledger file's columns.
pub const LEDGER_COLUMNS: [&str; 7] = [
    "customer",
    "type",
    "document",
    "date",
    "due",
    "amount",
    "applies_to",
];

pub fn customer_rows(n: usize) -> Vec<BatchRow> {
    (0..n)
        .map(|i| BatchRow {
            line: u32::try_from(i + 2).unwrap(),
            cells: vec![
                format!("BK-{i:06}"),
                format!("压测客户{i:06}贸易有限公司"),
                format!("{}", 50_000 + (i % 40) * 25_000),
                format!("{}", [30, 45, 60, 90][i % 4]),
            ],
        })
        .collect()
}

/// Invoices and the payments that settle most of them, `n` rows over `customers`.
pub fn ledger_rows(n: usize, customers: usize) -> Vec<BatchRow> {
    (0..n)
        .map(|i| {
            // Pairs of rows: an invoice, then (for three in four) its payment 40 days on.
            // Each customer's pairs start in a month and on a day of its own, so their
            // dates (and the days they age or leave a window) spread over the year.
            let pair = i / 2;
            let customer = pair % customers;
            let nth = pair / customers;
            let day = 1 + (customer * 11 + nth * 5) % 28;
            let month = 1 + (customer + nth) % 9;
            let invoice = format!("INV-{pair:07}");
            let cells = if i % 2 == 0 {
                vec![
                    format!("BK-{customer:06}"),
                    "发票".into(),
                    invoice,
                    format!("2026-{month:02}-{day:02}"),
                    format!("2026-{:02}-{day:02}", month + 1),
                    format!("{}", 1_000 + (pair % 97) * 113),
                    String::new(),
                ]
            } else if pair % 4 != 3 {
                vec![
                    format!("BK-{customer:06}"),
                    "收款".into(),
                    format!("RC-{pair:07}"),
                    format!("2026-{:02}-{day:02}", month + 1),
                    String::new(),
                    format!("{}", 1_000 + (pair % 97) * 113),
                    invoice,
                ]
            } else {
                vec![
                    format!("BK-{customer:06}"),
                    "订单".into(),
                    format!("SO-{pair:07}"),
                    format!("2026-{month:02}-{day:02}"),
                    String::new(),
                    "500".into(),
                    String::new(),
                ]
            };
            BatchRow {
                line: u32::try_from(i + 2).unwrap(),
                cells,
            }
        })
        .collect()
}

pub async fn import_all(
    ctx: &Ctx<'_>,
    who: &Principal,
    kind: ImportKind,
    mapping: &[&str],
    rows: Vec<BatchRow>,
    in_flight: usize,
) -> (BatchCounts, f64) {
    let mapping: Vec<Option<String>> = mapping.iter().map(|m| Some((*m).to_owned())).collect();
    // The batches the browser and the command-line importer send (`plan`): a customer's
    // ledger rows together, oldest first.
    let batches: Vec<Batch> = plan::batches(kind, &mapping, DayOrder::DayFirst, &rows)
        .into_iter()
        .map(|positions| Batch {
            dry_run: false,
            mapping: mapping.clone(),
            day_order: DayOrder::DayFirst,
            currency: None,
            run: None,
            rows: positions.into_iter().map(|i| rows[i].clone()).collect(),
        })
        .collect();
    let started = Instant::now();
    let results = futures_util::stream::iter(batches)
        .map(|batch| async move { imports::import(ctx, who, kind, batch).await })
        .buffer_unordered(in_flight)
        .collect::<Vec<_>>()
        .await;
    let seconds = started.elapsed().as_secs_f64();
    let mut counts = BatchCounts::default();
    for r in results {
        counts.merge(&r.expect("a batch").counts);
    }
    (counts, seconds)
}

/// An admin of `tenant`, who imports the portfolio and runs what a bench measures.
pub fn admin(tenant: &credence_shared::TenantId) -> Principal {
    Principal {
        user_id: credence_shared::UserId::parse("admin").unwrap(),
        username: "admin".into(),
        tenant: tenant.clone(),
        roles: vec![credence_shared::Role::Admin],
        scopes: Vec::new(),
        withheld: Vec::new(),
    }
}

/// Imports `customers` generated customers (a customer file with limits) and then `rows`
/// ledger rows of theirs, as a tenant brings its own, and says how it went.
pub async fn seed(ctx: &Ctx<'_>, who: &Principal, customers: usize, rows: usize) {
    let started = Instant::now();
    let (imported, _) = import_all(
        ctx,
        who,
        ImportKind::Customers,
        &CUSTOMER_COLUMNS,
        customer_rows(customers),
        4,
    )
    .await;
    let (ledger, _) = import_all(
        ctx,
        who,
        ImportKind::Ledger,
        &LEDGER_COLUMNS,
        ledger_rows(rows, customers),
        4,
    )
    .await;
    println!(
        "imported {} customers and {} ledger rows ({} in error) in {:.0} s",
        imported.created,
        ledger.created,
        imported.errors + ledger.errors,
        started.elapsed().as_secs_f64()
    );
}
