//! The portfolio walks (the what-if, the lab's sample, the re-grade) read each customer's
//! whole ledger from its pack, written with every change to the ledger; a pack that does
//! not hold the whole ledger is never used, and the answers are the same either way.

use crate::helpers::*;
use credence_api::store::walk::FileAndLedger;
use credence_shared::CustomerId;
use serde_json::json;
use std::collections::HashMap;

/// Two posts of C1's ledger (the pack is rewritten by the second) and an order of C2.
async fn two_customers_with_ledgers(app: &TestApp) {
    let today = app.clock.today();
    let day = |n: i64| today - time::Duration::days(n);
    app.post_events(vec![
        invoice_on("inv-1", "C1", day(90), day(60), "20000.00"),
        payment_on("pay-1", "C1", day(58), "20000.00"),
        invoice_on("inv-2", "C1", day(40), day(10), "30000.00"),
    ])
    .await;
    app.post_events(vec![
        // Dated before the first post's last entry: the pack keeps the ledger's order.
        invoice_on("inv-0", "C1", day(120), day(90), "5000.00"),
        order_placed("so-1", "C1", day(20), "SO-1", "18000.00"),
        order_placed("so-2", "C2", day(30), "SO-2", "5000.00"),
    ])
    .await;
}

/// What a walk reads of `ids` (tenant `alpha`): files and the ledgers their packs hold.
async fn walk(app: &TestApp, ids: &[CustomerId]) -> HashMap<CustomerId, FileAndLedger> {
    app.store
        .get_credits_and_ledgers(&tenant("alpha"), ids)
        .await
        .expect("the walk's read")
}

#[tokio::test]
async fn a_walk_reads_each_ledger_from_its_pack_in_the_ledgers_own_order() {
    // Arrange
    let app = spawn_app().await;
    two_customers_with_ledgers(&app).await;
    let ids = [
        CustomerId::parse("C1").unwrap(),
        CustomerId::parse("C2").unwrap(),
    ];

    // Act
    let files = walk(&app, &ids).await;

    // Assert
    for id in &ids {
        let stored: Vec<_> = app
            .store
            .get_ledger(&tenant("alpha"), id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.entry)
            .collect();
        let (record, packed) = &files[id];
        assert_eq!(record.entries, Some(stored.len() as u64), "{id}");
        assert_eq!(
            packed.as_ref(),
            Some(&stored),
            "{id}: the pack is the ledger"
        );
    }
    assert_eq!(files[&ids[0]].1.as_ref().unwrap().len(), 5);
}

#[tokio::test]
async fn a_pack_that_does_not_hold_the_whole_ledger_is_not_used() {
    // Arrange: C1's file counts one entry more than its pack holds; C2 has no pack (a file
    // written before packs).
    let app = spawn_app().await;
    two_customers_with_ledgers(&app).await;
    app.set_ledger_count("C1", 6).await;
    app.delete_item("C2", "LPACK").await;
    let ids = [
        CustomerId::parse("C1").unwrap(),
        CustomerId::parse("C2").unwrap(),
    ];

    // Act
    let files = walk(&app, &ids).await;

    // Assert
    assert!(files[&ids[0]].1.is_none(), "C1's pack is behind its file");
    assert!(files[&ids[1]].1.is_none(), "C2 has no pack");
}

#[tokio::test]
async fn the_what_if_counts_the_same_from_packs_as_from_each_ledger() {
    // Arrange: a candidate that lends nothing and blocks near-limit orders.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let ids = risk.open_every_file().await;
    two_customers_with_ledgers(&app).await;
    let engine = admin.get("/v1/engine").await;
    let mut policy = engine.body["policy"].clone();
    for grade in ["A", "B", "C", "D", "E"] {
        policy["grades"][grade]["limit_multiplier"] = json!("0");
    }
    policy["check"]["severity"]["near_limit"] = json!("block");
    let model = &engine.body["model"];
    let from_packs = admin.what_if(model, &policy).await;

    // Act: every pack gone, so each ledger is queried.
    for id in &ids {
        app.delete_item(id, "LPACK").await;
    }
    let from_ledgers = admin.what_if(model, &policy).await;

    // Assert
    assert_eq!(from_packs, from_ledgers);
    let orders: u64 = from_packs
        .iter()
        .map(|p| p["orders"]["looked"].as_u64().unwrap())
        .sum();
    assert_eq!(orders, 2, "both recent orders replayed: {from_packs:?}");
}
