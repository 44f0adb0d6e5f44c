//! Disputes as cases: a collector opens one on part of an overdue invoice (once per key),
//! dunning leaves that part alone while it is open, the case is handed over its version,
//! and resolving it closes the ledger's dispute so dunning of what is still open goes on.
//! A dispute the ERP sent is a case too.

use crate::helpers::*;
use serde_json::{Value, json};
use time::Duration;

async fn cases(app: &TestApp, customer: &str) -> Vec<Value> {
    app.signed_in(Role::Collector)
        .get(&format!("/v1/customers/{customer}/disputes"))
        .await
        .assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn dunning_lines(app: &TestApp, customer: &str) -> usize {
    let view = app
        .signed_in(Role::Collector)
        .get(&format!("/v1/customers/{customer}/collections"))
        .await
        .body;
    view["activity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "dunning")
        .count()
}

#[tokio::test]
async fn a_dispute_opened_in_the_app_pauses_dunning_until_it_is_resolved() {
    // Arrange: an invoice 20 days overdue.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-d1",
        "C1",
        today - Duration::days(50),
        today - Duration::days(20),
        "900.00",
    )])
    .await;
    let collector = app.signed_in(Role::Collector);
    let body = json!({"idempotency_key": "dispute-1", "invoice": "INV-D1",
                      "amount": money("900.00"), "reason": "quality",
                      "note": "客户称第二批货有划痕"});

    // Act
    let opened = collector
        .post("/v1/customers/C1/disputes", body.clone())
        .await;
    let again = collector.post("/v1/customers/C1/disputes", body).await;
    app.watch("C1").await;
    let while_open = dunning_lines(&app, "C1").await;
    let case = opened.body.clone();
    let id = case["id"].as_str().unwrap().to_owned();
    let handed = collector
        .put(
            &format!("/v1/customers/C1/disputes/{id}"),
            json!({"version": case["version"], "reason": "quality",
                   "note": "质检部门复核中", "owner": "risk"}),
        )
        .await;
    let stale = collector
        .put(
            &format!("/v1/customers/C1/disputes/{id}"),
            json!({"version": case["version"], "reason": "price"}),
        )
        .await;
    let resolved = collector
        .post(
            &format!("/v1/customers/C1/disputes/{id}/resolution"),
            json!({"version": handed.body["version"], "outcome": "customer_pays",
                   "note": "复核无质量问题"}),
        )
        .await;
    app.watch("C1").await;
    let after = dunning_lines(&app, "C1").await;
    let listed = cases(&app, "C1").await;

    // Assert
    let case = opened.assert_status(201);
    assert_eq!(case["status"], "open");
    assert_eq!(case["owner"], "collector");
    again.assert_status(200);
    assert_eq!(
        again.body["id"], case["id"],
        "the same key, the same dispute"
    );
    assert_eq!(while_open, 0, "a disputed invoice waits out of dunning");
    let handed = handed.assert_status(200);
    assert_eq!(handed["owner"], "risk");
    stale.problem(409);
    let resolved = resolved.assert_status(200);
    assert_eq!(resolved["status"], "resolved");
    assert_eq!(resolved["resolution"]["outcome"], "customer_pays");
    assert_eq!(after, 1, "dunning goes on once the dispute is resolved");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["status"], "resolved");
    assert_eq!(listed[0]["closed"], today.to_string());
}

#[tokio::test]
async fn a_dispute_the_erp_sent_is_a_case_someone_can_take_and_settle_with_a_credit_note() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![
        invoice_on(
            "inv-d2",
            "C2",
            today - Duration::days(40),
            today - Duration::days(10),
            "1000.00",
        ),
        json!({"idempotency_key": "erp-dis-7", "customer_id": "C2", "date": today.to_string(),
               "event": {"type": "dispute_opened", "dispute": "ERP-DIS-7", "invoice": "INV-D2",
                         "amount": money("300.00")}}),
    ])
    .await;
    let finance = app.signed_in(Role::Finance);

    // Act
    let listed = cases(&app, "C2").await;
    let too_much = finance
        .post(
            "/v1/customers/C2/disputes/ERP-DIS-7/resolution",
            json!({"version": 0, "outcome": "credit_note", "credited": money("300.01")}),
        )
        .await;
    let settled = finance
        .post(
            "/v1/customers/C2/disputes/ERP-DIS-7/resolution",
            json!({"version": 0, "outcome": "credit_note", "credited": money("120.00"),
                   "note": "价格差异，开红字发票"}),
        )
        .await;
    let twice = finance
        .post(
            "/v1/customers/C2/disputes/ERP-DIS-7/resolution",
            json!({"version": 1, "outcome": "withdrawn"}),
        )
        .await;

    // Assert
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["opened_by"], "ledger");
    assert_eq!(listed[0]["version"], 0);
    assert_eq!(listed[0]["amount"]["amount"], "300.00");
    too_much.problem(422);
    assert_eq!(too_much.problem_field(), "credited.amount");
    let settled = settled.assert_status(200);
    assert_eq!(settled["resolution"]["credited"]["amount"], "120.00");
    assert_eq!(settled["resolution"]["by"], "finance");
    twice.problem(409);
}

#[tokio::test]
async fn a_dispute_larger_than_what_is_open_or_on_an_unknown_invoice_is_refused_by_field() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-d3",
        "C1",
        today - Duration::days(10),
        today + Duration::days(20),
        "500.00",
    )])
    .await;
    let collector = app.signed_in(Role::Collector);

    // Act
    let too_much = collector
        .post(
            "/v1/customers/C1/disputes",
            json!({"idempotency_key": "d-a", "invoice": "INV-D3",
                   "amount": money("500.01"), "reason": "price"}),
        )
        .await;
    let unknown = collector
        .post(
            "/v1/customers/C1/disputes",
            json!({"idempotency_key": "d-b", "invoice": "INV-NOPE",
                   "amount": money("1.00"), "reason": "price"}),
        )
        .await;
    let bad_reason = collector
        .post(
            "/v1/customers/C1/disputes",
            json!({"idempotency_key": "d-c", "invoice": "INV-D3",
                   "amount": money("1.00"), "reason": "weather"}),
        )
        .await;

    // Assert
    too_much.problem(422);
    assert_eq!(too_much.problem_field(), "amount.amount");
    assert_eq!(too_much.body["errors"][0]["params"]["max"], "¥500.00");
    unknown.problem(422);
    assert_eq!(unknown.problem_field(), "invoice");
    bad_reason.problem(422);
    assert_eq!(bad_reason.problem_field(), "reason");
    assert!(cases(&app, "C1").await.is_empty(), "nothing was opened");
}
