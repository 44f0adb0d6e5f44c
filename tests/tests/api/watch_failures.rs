//! One bad customer never stops a pass: a customer whose credit file does not decode is
//! logged, counted and tried again on the next pass, while the customers beside it are
//! watched; the stream function hands back only that customer's records.

use crate::helpers::*;
use credence_api::service::watch;
use credence_api::watcher::{Watcher, on_stream_event};
use credence_shared::CustomerId;
use serde_json::json;
use time::Duration;

/// An invoice for `customer` that fell due 35 days ago: the watcher has something to say.
async fn overdue_account(app: &TestApp, customer: &str, key: &str) {
    let due = app.clock.today() - Duration::days(35);
    app.post_events(vec![invoice_on(
        key,
        customer,
        due - Duration::days(30),
        due,
        "500.00",
    )])
    .await;
}

/// Whether the watcher has written a watch state for `customer`.
async fn watched(app: &TestApp, customer: &str) -> bool {
    app.store
        .watch_state(&tenant("alpha"), &CustomerId::parse(customer).unwrap())
        .await
        .unwrap()
        .is_some()
}

/// One record of a DynamoDB Streams Lambda event.
fn record(customer: &str, sk: &str, sequence: &str) -> serde_json::Value {
    json!({"eventName": "MODIFY", "eventSource": "aws:dynamodb",
           "dynamodb": {"Keys": {"PK": {"S": format!("T#alpha#C#{customer}")}, "SK": {"S": sk}},
                        "SequenceNumber": sequence, "StreamViewType": "NEW_AND_OLD_IMAGES"}})
}

#[tokio::test]
async fn the_daily_pass_watches_the_good_customers_and_counts_the_one_whose_file_does_not_decode() {
    // Arrange: C1 and C2 are overdue; C2's credit file is corrupt.
    let app = spawn_app().await;
    overdue_account(&app, "C1", "inv-1").await;
    overdue_account(&app, "C2", "inv-2").await;
    app.corrupt_credit_file("C2").await;

    // Act
    let report = watch::daily(&app.ctx(), &tenant("alpha"), true)
        .await
        .expect("the pass itself succeeds");

    // Assert: C1, C3 and C4 are watched, C2 is counted as failed.
    assert_eq!(report.failed, 1, "{report:?}");
    assert_eq!(report.customers, 3, "{report:?}");
    assert!(watched(&app, "C1").await);
    assert!(
        report.alerts_opened >= 1,
        "C1's overdue invoice was seen: {report:?}"
    );
}

#[tokio::test]
async fn a_customer_that_failed_stays_in_the_wake_index_for_the_next_pass() {
    // Arrange: C1 is watched while healthy (nothing to do before its invoice falls due),
    // then its credit file goes bad.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-w",
        "C1",
        today,
        today + Duration::days(30),
        "10.00",
    )])
    .await;
    app.watch("C1").await;
    assert!(!app.waking_on(today).await.contains(&"C1".to_owned()));
    app.corrupt_credit_file("C1").await;
    let batch = vec![("T#alpha#C#C1".to_owned(), "CREDIT".to_owned())];

    // Act
    let outcome = watch::on_changes(&app.ctx(), &batch).await;

    // Assert
    assert_eq!(outcome.report.failed, 1, "{:?}", outcome.report);
    assert!(outcome.failed_key("T#alpha#C#C1", "CREDIT"));
    assert!(app.waking_on(today).await.contains(&"C1".to_owned()));
}

#[tokio::test]
async fn the_stream_function_hands_back_only_the_records_of_the_customer_that_failed() {
    // Arrange: a batch naming C2 (corrupt) first, then C1 (fine).
    let app = spawn_app().await;
    overdue_account(&app, "C1", "inv-1").await;
    overdue_account(&app, "C2", "inv-2").await;
    app.corrupt_credit_file("C2").await;
    let watcher = Watcher::new(app.store.clone(), app.clock.clone(), app.egress.clone());
    let event = json!({"Records": [
        record("C2", "CREDIT", "100"),
        record("C1", "CREDIT", "200"),
        record("C2", "SG#court-1", "300"),
    ]});

    // Act
    let response = on_stream_event(&watcher, &event).await;

    // Assert
    assert_eq!(
        response,
        json!({"batchItemFailures": [{"itemIdentifier": "100"}, {"itemIdentifier": "300"}]})
    );
    assert!(watched(&app, "C1").await);
}

#[tokio::test]
async fn a_stream_batch_without_failures_hands_nothing_back() {
    let app = spawn_app().await;
    overdue_account(&app, "C1", "inv-1").await;
    let watcher = Watcher::new(app.store.clone(), app.clock.clone(), app.egress.clone());
    let event = json!({"Records": [record("C1", "CREDIT", "1")]});

    let response = on_stream_event(&watcher, &event).await;

    assert_eq!(response, json!({"batchItemFailures": []}));
    assert!(watched(&app, "C1").await);
}

#[tokio::test]
async fn a_stored_invoice_due_on_the_last_day_of_9999_is_watched_without_a_panic() {
    // Arrange: an invoice stored before due dates were bounded.
    let app = spawn_app().await;
    overdue_account(&app, "C1", "inv-1").await;
    app.edit_credit_state("C1", |state| {
        state["open_items"]["invoices"][0]["due"] = json!("9999-12-31");
    })
    .await;

    // Act
    let report = watch::daily(&app.ctx(), &tenant("alpha"), true)
        .await
        .unwrap();

    // Assert
    assert_eq!(report.failed, 0, "{report:?}");
    assert!(watched(&app, "C1").await);
}
