//! The demo tenant: seeded once, realistic, and reachable through the API.

use crate::helpers::*;
use credence_api::seed::{SeedOutcome, demo_tenant, seed_demo};

#[tokio::test]
#[ignore = "heavy: cargo xtask test runs it alone, after the others"]
async fn the_demo_tenant_is_seeded_once_with_over_200_customers_and_their_ledgers() {
    let app = spawn_app().await;
    let today = time::macros::date!(2026 - 11 - 28);

    let first = seed_demo(&app.store, &demo_tenant(), today, 220)
        .await
        .unwrap();
    let second = seed_demo(&app.store, &demo_tenant(), today, 220)
        .await
        .unwrap();

    match first {
        SeedOutcome::Seeded {
            customers,
            ledger_entries,
        } => {
            assert_eq!(customers, 220);
            // 18 months of orders, invoices and payments.
            assert!(ledger_entries > 220 * 18, "{ledger_entries}");
        }
        other => panic!("expected a first seed, got {other:?}"),
    }
    assert_eq!(second, SeedOutcome::AlreadySeeded);
    let mut count = 0;
    let mut cursor: Option<String> = None;
    loop {
        let page = app
            .store
            .list_customers(&demo_tenant(), cursor.as_deref(), 50, &|_| true)
            .await
            .unwrap();
        count += page.items.len();
        for c in &page.items {
            if c.country == "CN" {
                assert!(c.usci.is_some(), "{} has no credit code", c.name);
            }
        }
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(count, 220);
}
