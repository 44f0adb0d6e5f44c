//! A sales rep sees what their work needs and no more: that a customer has overdue
//! invoices, not the invoice numbers; that a party is blacklisted, not the evidence.

use crate::helpers::*;
use serde_json::json;
use time::Duration;

#[tokio::test]
async fn a_sales_rep_sees_a_customers_dunning_without_its_invoice_numbers() {
    // Arrange: the rep's customer C1 has an invoice 16 days late; the watcher dunned it.
    let app = spawn_app().await;
    let due = app.clock.today() - Duration::days(16);
    app.post_events(vec![invoice_on(
        "inv-hidden-7781",
        "C1",
        due - Duration::days(30),
        due,
        "500.00",
    )])
    .await;
    app.watch("C1").await;

    // Act
    let for_sales = app
        .signed_in(Role::Sales)
        .get("/v1/customers/C1/collections")
        .await;
    let for_collector = app
        .signed_in(Role::Collector)
        .get("/v1/customers/C1/collections")
        .await;

    // Assert
    for_sales.assert_status(200);
    for_collector.assert_status(200);
    let full = for_collector.body.to_string();
    assert!(
        full.contains("INV-HIDDEN-7781"),
        "the collector sees it: {full}"
    );
    let seen = for_sales.body.to_string();
    assert!(!seen.contains("INV-HIDDEN-7781"), "{seen}");
    assert_eq!(
        for_sales.body["last_dunning"]["lines"][0]["invoice"], "OPEN-1",
        "{seen}"
    );
    assert_eq!(
        for_sales.body["last_dunning"]["total"],
        for_collector.body["last_dunning"]["total"]
    );
}

#[tokio::test]
async fn a_sales_rep_learns_a_party_is_blacklisted_but_not_the_evidence() {
    // Arrange: risk blacklists a party with a reason and a source.
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    risk.post(
        "/v1/blacklist",
        json!({"name": "失信电子有限公司", "reason": "enforcement case (2026) 粤03执1234号",
               "source": "court"}),
    )
    .await
    .assert_status(201);
    let screen = json!({"usci": "", "name": "失信电子有限公司"});

    // Act
    let by_sales = sales.post("/v1/applications/screen", screen.clone()).await;
    let by_risk = risk.post("/v1/applications/screen", screen).await;
    let applied = sales
        .post(
            "/v1/applications",
            application("失信电子有限公司", &usci(4713), "50000.00"),
        )
        .await;

    // Assert
    by_sales.assert_status(200);
    let hit = &by_sales.body["blacklisted"][0];
    assert_eq!(hit["name"], "失信电子有限公司", "{}", by_sales.body);
    assert_eq!(hit["reason"], "");
    assert_eq!(hit["source"], "");
    assert_eq!(hit["added_by"], "");
    assert!(
        !by_sales.body.to_string().contains("1234"),
        "{}",
        by_sales.body
    );
    assert_eq!(
        by_risk.body["blacklisted"][0]["reason"],
        "enforcement case (2026) 粤03执1234号"
    );
    applied.problem(422);
    assert_eq!(applied.problem_field(), "name");
    assert!(
        !applied.body.to_string().contains("1234"),
        "{}",
        applied.body
    );
}

#[tokio::test]
async fn a_sales_rep_reads_in_the_audit_trail_that_their_customer_was_blacklisted_but_not_why() {
    // Arrange: risk blacklists the rep's customer C1.
    let app = spawn_app().await;
    app.customer_with_limit("C1", "10000.00").await;
    app.signed_in(Role::Risk)
        .post(
            "/v1/blacklist",
            json!({"customer_id": "C1", "reason": "enforcement case 粤03执1234号",
                   "source": "court"}),
        )
        .await
        .assert_status(201);

    // Act
    let for_sales = app
        .signed_in(Role::Sales)
        .get("/v1/customers/C1/audit")
        .await;
    let for_risk = app
        .signed_in(Role::Risk)
        .get("/v1/customers/C1/audit")
        .await;

    // Assert
    for_sales.assert_status(200);
    let actions = audit_actions(for_sales.body["items"].as_array().unwrap());
    assert!(actions.contains(&"blacklist"), "{actions:?}");
    assert!(actions.contains(&"add"), "{actions:?}");
    assert!(
        !for_sales.body.to_string().contains("1234"),
        "{}",
        for_sales.body
    );
    assert!(
        for_risk.body.to_string().contains("1234"),
        "{}",
        for_risk.body
    );
}
