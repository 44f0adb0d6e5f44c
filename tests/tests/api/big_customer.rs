//! A customer whose history outgrows one DynamoDB item: thousands of open invoices post,
//! read and check as a small customer's do (issue 11, defect 8).

use crate::helpers::*;
use rust_decimal::Decimal;
use serde_json::Value;
use time::Duration;

/// Open invoices the test builds up: well past the ~1,700 that used to fill a credit file's
/// 400 KB item. `CREDENCE_BIG_CUSTOMER_INVOICES` raises it (20,000 was measured by hand; see
/// the README's benchmarks).
fn invoice_count() -> usize {
    std::env::var("CREDENCE_BIG_CUSTOMER_INVOICES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000)
}

/// `count` invoices of 10.00 each, issued one a day going back from yesterday (cycling
/// through the last 300 days), due 30 days after issue.
fn invoices(customer: &str, count: usize, today: time::Date) -> Vec<Value> {
    (0..count)
        .map(|i| {
            let issued = today - Duration::days(1 + (i % 300) as i64);
            invoice_on(
                &format!("big-inv-{i:06}"),
                customer,
                issued,
                issued + Duration::days(30),
                "10.00",
            )
        })
        .collect()
}

#[tokio::test]
#[ignore = "heavy: cargo xtask test runs it alone, after the others"]
async fn a_customer_with_thousands_of_open_invoices_posts_reads_and_checks_normally() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    let count = invoice_count();

    // Act
    for batch in invoices("C1", count, today).chunks(500) {
        app.post_events(batch.to_vec()).await;
    }
    let finance = app.signed_in(Role::Finance);
    let file = finance.credit("C1").await;
    let check = app
        .signed_in(Role::Sales)
        .credit_check("C1", "100.00")
        .await;

    // Assert
    let open = file["open_items"]["invoices"]
        .as_array()
        .expect("open invoices");
    assert_eq!(open.len(), count);
    let total: Decimal = open.iter().map(|inv| amount(&inv["open"])).sum();
    assert_eq!(total, Decimal::from(10 * count as i64));
    let dues: Vec<&str> = open
        .iter()
        .map(|inv| inv["due"].as_str().unwrap())
        .collect();
    assert!(dues.is_sorted(), "open invoices oldest due first");
    assert_eq!(file["ledger"].as_array().unwrap().len(), 1_000);
    assert_eq!(file["ledger_truncated"], true);
    assert_eq!(check.status, 200, "{}", check.body);
    assert!(
        app.items_under("C1", "OPEN#").await > 0,
        "the open invoices are paged"
    );
}

#[tokio::test]
#[ignore = "heavy: cargo xtask test runs it alone, after the others"]
async fn paying_a_big_customer_down_brings_its_open_invoices_back_into_the_credit_file() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    for batch in invoices("C1", 1_000, today).chunks(500) {
        app.post_events(batch.to_vec()).await;
    }
    assert!(app.items_under("C1", "OPEN#").await > 0);

    // Act: a payment of all but five invoices, applied oldest first.
    app.post_events(vec![payment_on("big-pay-1", "C1", today, "9950.00")])
        .await;
    let file = app.signed_in(Role::Finance).credit("C1").await;

    // Assert
    let open = file["open_items"]["invoices"]
        .as_array()
        .expect("open invoices");
    assert_eq!(open.len(), 5);
    assert_eq!(
        app.items_under("C1", "OPEN#").await,
        0,
        "emptied pages are deleted"
    );
    assert_eq!(
        file["ledger"][0]["idempotency_key"], "big-pay-1",
        "newest first"
    );
}
