//! The blocked-order desk end to end: the queue says who, what, why and for how long; a
//! release (in part, on a prepayment) or a rejection goes through the approval matrix; a
//! payment releases a queued order by re-check; a shipment against a rejected order raises
//! the alarm; and the ERP is told of every decision and credit change once, signed.

use std::sync::{Arc, Mutex};

use crate::helpers::*;
use credence_api::service::watch;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use time::Duration;

const SECRET: &str = "a-long-shared-secret-0123";

/// A receiver that answers 204 and records each call's signature and body.
async fn receiver() -> (String, Arc<Mutex<Vec<(String, String)>>>) {
    use axum::{Router, http::HeaderMap, http::StatusCode, routing::post};
    let calls: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let seen = calls.clone();
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let seen = seen.clone();
            async move {
                let signature = headers
                    .get("x-credence-signature")
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default();
                seen.lock().unwrap().push((signature, body));
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

/// Points the tenant's webhook at `url`, with no warning rules (so only order and credit
/// events go out).
async fn erp_listens_at(app: &TestApp, url: &str) {
    let admin = app.signed_in(Role::Admin);
    admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 0, "reason": "ERP integration",
                   "document": {"endpoints": [{"id": "erp", "url": url, "secret": SECRET}]}}),
        )
        .await
        .assert_status(200);
    let mut rules = default_warning_rules();
    rules["rules"].as_array_mut().unwrap().clear();
    admin
        .put(
            "/v1/admin/warning-rules",
            json!({"replaces": 0, "reason": "orders only", "document": rules}),
        )
        .await
        .assert_status(200);
}

/// Sends what is due and returns the events received, checking each signature.
async fn delivered(app: &TestApp, calls: &Arc<Mutex<Vec<(String, String)>>>) -> Vec<Value> {
    watch::deliver_due(&app.ctx(), &tenant("alpha"))
        .await
        .unwrap();
    let calls = std::mem::take(&mut *calls.lock().unwrap());
    calls
        .iter()
        .map(|(signature, body)| {
            let (t, v1) = signature
                .strip_prefix("t=")
                .and_then(|s| s.split_once(",v1="))
                .unwrap_or_else(|| panic!("a timestamped signature: {signature}"));
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
            mac.update(format!("{t}.{body}").as_bytes());
            assert_eq!(v1, hex::encode(mac.finalize().into_bytes()), "signed body");
            serde_json::from_str(body).unwrap()
        })
        .collect()
}

fn events(received: &[Value]) -> Vec<&str> {
    received
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect()
}

/// C2 with a limit of 1,000 and an order of 5,000 blocked over it.
async fn blocked_order(app: &TestApp) {
    app.set_limit("C2", "1000.00").await;
    let posted = app
        .post_events(vec![order_placed(
            "so-1",
            "C2",
            app.clock.today(),
            "SO-1",
            "5000.00",
        )])
        .await;
    assert_eq!(posted["results"][0]["check"]["decision"], "block");
}

#[tokio::test]
async fn the_queue_shows_the_customer_the_finding_the_age_and_the_service_level() {
    // Arrange
    let app = spawn_app().await;
    blocked_order(&app).await;
    app.clock.advance(Duration::days(2));
    let risk = app.signed_in(Role::Risk);

    // Act
    let queue = risk.get("/v1/blocked-orders").await;
    let one = risk.get("/v1/blocked-orders/C2/so-1").await;

    // Assert
    queue.assert_status(200);
    let row = &queue.body["items"][0];
    assert_eq!(row["order"]["customer_name"], "上海博远贸易有限公司");
    assert_eq!(row["order"]["amount"]["amount"], "5000.00");
    assert_eq!(row["order"]["status"], "blocked");
    assert_eq!(row["order"]["reasons"][0]["rule"], "over_limit", "{row}");
    assert_eq!(row["age_days"], 2);
    assert!(row["due_at"].is_string(), "{row}");
    assert_eq!(
        row["past_due"], true,
        "two days is past the first step's SLA"
    );
    one.assert_status(200);
    assert_eq!(one.body["order"]["checks"][0]["step"], "order");
    assert_eq!(
        one.body["order"]["checks"][0]["result"]["decision"],
        "block"
    );
}

#[tokio::test]
async fn a_partial_release_on_a_prepayment_tells_the_erp_how_much_may_ship_once() {
    // Arrange
    let app = spawn_app().await;
    let (url, calls) = receiver().await;
    erp_listens_at(&app, &url).await;
    blocked_order(&app).await;
    app.watch("C2").await;
    let told_blocked = delivered(&app, &calls).await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);

    // Act
    let filed = sales
        .file_request(
            "C2",
            json!({"type": "blocked_order_release", "order_key": "so-1",
                   "ship": money("3000.00"), "prepayment": "0.3"}),
        )
        .await;
    filed.assert_status(201);
    let rid = filed.body["id"].as_str().unwrap();
    risk.approve("C2", rid, 1).await.assert_status(200);
    app.watch("C2").await;
    let told_released = delivered(&app, &calls).await;
    app.watch("C2").await;
    let told_again = delivered(&app, &calls).await;

    // Assert
    assert_eq!(events(&told_blocked), ["order.blocked"]);
    let blocked = &told_blocked[0]["data"];
    assert_eq!(blocked["order"], "SO-1");
    assert_eq!(blocked["customer_number"], "KH-C2");
    assert_eq!(blocked["allowed_to_ship"]["amount"], "0");
    assert_eq!(blocked["reason_code"], "over_limit");
    assert_eq!(events(&told_released), ["order.released"]);
    let released = &told_released[0]["data"];
    assert_eq!(released["decision"], "released");
    assert_eq!(released["allowed_to_ship"]["amount"], "3000.00");
    assert_eq!(released["prepayment"], "0.3");
    assert_eq!(released["by"], "risk");
    assert!(told_again.is_empty(), "told once: {told_again:?}");
    let order = risk.get("/v1/blocked-orders/C2/so-1").await.body;
    assert_eq!(order["order"]["release"]["allowed"]["amount"], "3000.00");
    let queue = risk.get("/v1/blocked-orders").await.body;
    assert_eq!(queue["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn releasing_more_than_the_order_or_nothing_is_refused_on_the_field() {
    // Arrange
    let app = spawn_app().await;
    blocked_order(&app).await;
    let sales = app.signed_in(Role::Sales);

    // Act
    let too_much = sales
        .file_request(
            "C2",
            json!({"type": "blocked_order_release", "order_key": "so-1",
                   "ship": money("5000.01")}),
        )
        .await;
    let nothing = sales
        .file_request(
            "C2",
            json!({"type": "blocked_order_release", "order_key": "so-1",
                   "ship": money("0")}),
        )
        .await;

    // Assert
    too_much.problem(422);
    assert_eq!(too_much.problem_field(), "change.ship.amount");
    nothing.problem(422);
    assert_eq!(nothing.problem_field(), "change.ship.amount");
}

#[tokio::test]
async fn a_payment_releases_a_queued_order_by_recheck_audited_as_system() {
    // Arrange: 900 open of a 1,000 limit, so an order of 500 is blocked.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.set_limit("C2", "1000.00").await;
    app.post_events(vec![invoice_on(
        "inv-1",
        "C2",
        today,
        today + Duration::days(30),
        "900.00",
    )])
    .await;
    let posted = app
        .post_events(vec![order_placed("so-2", "C2", today, "SO-2", "500.00")])
        .await;
    assert_eq!(posted["results"][0]["check"]["decision"], "block");
    app.watch("C2").await;
    let risk = app.signed_in(Role::Risk);
    let still = risk.get("/v1/blocked-orders/C2/so-2").await.body;

    // Act
    app.post_events(vec![payment_on("pay-1", "C2", today, "900.00")])
        .await;
    app.watch("C2").await;

    // Assert
    assert_eq!(still["order"]["status"], "blocked", "no change, no release");
    let order = risk.get("/v1/blocked-orders/C2/so-2").await.body;
    assert_eq!(order["order"]["status"], "released_by_recheck");
    assert_eq!(order["order"]["closed_by"], "system");
    let checks = order["order"]["checks"].as_array().unwrap();
    let first = checks.first().unwrap();
    let last = checks.last().unwrap();
    assert_eq!(first["step"], "order", "the check that blocked it is kept");
    assert_eq!(first["result"]["decision"], "block");
    assert_eq!(
        (&last["step"], &last["result"]["decision"]),
        (&json!("recheck"), &json!("pass"))
    );
    let audit = risk.get("/v1/customers/C2/audit").await.body;
    let entry = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "released_by_recheck")
        .unwrap_or_else(|| panic!("an audit entry: {audit}"));
    assert_eq!(entry["actor"], "system");
    let mine = app
        .signed_in(Role::Sales)
        .get("/v1/customers/C2/orders")
        .await;
    mine.assert_status(200);
    assert_eq!(mine.body[0]["order"]["status"], "released_by_recheck");
}

#[tokio::test]
async fn goods_shipped_against_a_rejected_order_raise_a_high_alert_once() {
    // Arrange
    let app = spawn_app().await;
    blocked_order(&app).await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let filed = sales
        .file_request(
            "C2",
            json!({"type": "blocked_order_reject", "order_key": "so-1"}),
        )
        .await;
    filed.assert_status(201);
    let rid = filed.body["id"].as_str().unwrap();
    risk.approve("C2", rid, 1).await.assert_status(200);

    // Act
    app.post_events(vec![ledger_event(
        "ship-1",
        "C2",
        app.clock.today(),
        json!({"type": "order_shipped", "order": "SO-1", "amount": money("5000.00")}),
    )])
    .await;
    app.watch("C2").await;
    app.watch("C2").await;

    // Assert
    let order = risk.get("/v1/blocked-orders/C2/so-1").await.body;
    assert_eq!(order["order"]["status"], "rejected");
    assert_eq!(order["order"]["shipped"]["status_then"], "rejected");
    let alerts = risk.get("/v1/customers/C2/alerts").await.body;
    let alert = alerts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule_id"] == "order_shipped_blocked")
        .unwrap_or_else(|| panic!("the alert: {alerts}"));
    assert_eq!(alert["severity"], "high");
    assert_eq!(alert["level"], 1, "raised once, not at every look");
}

#[tokio::test]
async fn a_new_limit_and_a_hold_are_told_to_the_erp_once_each() {
    // Arrange
    let app = spawn_app().await;
    let (url, calls) = receiver().await;
    erp_listens_at(&app, &url).await;
    app.set_limit("C1", "10000.00").await;
    app.watch("C1").await;
    let first_look = delivered(&app, &calls).await;
    let risk = app.signed_in(Role::Risk);

    // Act
    app.set_limit("C1", "20000.00").await;
    app.watch("C1").await;
    let limit_told = delivered(&app, &calls).await;
    let version = risk.credit("C1").await["version"].clone();
    risk.put(
        "/v1/customers/C1/credit-decision",
        json!({"version": version, "reason": "court case", "on_hold": true}),
    )
    .await
    .assert_status(200);
    app.watch("C1").await;
    let hold_told = delivered(&app, &calls).await;
    app.watch("C1").await;
    let nothing = delivered(&app, &calls).await;

    // Assert
    assert!(
        first_look.is_empty(),
        "the first look only records the terms"
    );
    assert_eq!(events(&limit_told), ["credit.changed"]);
    assert_eq!(limit_told[0]["data"]["changed"], json!(["limit"]));
    assert_eq!(
        limit_told[0]["data"]["after"]["limit"]["amount"],
        "20000.00"
    );
    let mut hold_events = events(&hold_told);
    hold_events.sort_unstable();
    assert_eq!(hold_events, ["credit.changed", "customer.hold"]);
    assert!(
        hold_told
            .iter()
            .all(|e| e["data"]["after"]["on_hold"] == true)
    );
    assert!(nothing.is_empty());
}

#[tokio::test]
async fn the_api_description_documents_every_outbound_event_with_its_payload() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let doc = app.get("/openapi.json", None).await.body;

    // Assert
    let hooks = doc["webhooks"].as_object().expect("a webhooks section");
    for event in [
        "order.blocked",
        "order.released",
        "order.rejected",
        "credit.changed",
        "customer.hold",
        "customer.released",
    ] {
        let body = &hooks
            .get(event)
            .unwrap_or_else(|| panic!("{event} documented"))["post"]["requestBody"]["content"]["application/json"]
            ["schema"];
        assert_eq!(body["properties"]["event"]["enum"][0], event);
    }
    for (event, hook) in hooks {
        let reference = hook["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["properties"]["data"]["$ref"]
            .as_str()
            .unwrap();
        let name = reference.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{event}: {name} is described"
        );
    }
    let order = &doc["components"]["schemas"]["OrderEvent"]["properties"];
    for field in [
        "customer_number",
        "order",
        "decision",
        "allowed_to_ship",
        "reason_code",
    ] {
        assert!(order[field].is_object(), "OrderEvent.{field}");
    }
}

#[tokio::test]
async fn a_shipment_today_is_checked_against_todays_file_and_says_so() {
    // Arrange: an order that passed, then the customer goes on hold.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.set_limit("C2", "10000.00").await;
    let placed = app
        .post_events(vec![order_placed("so-3", "C2", today, "SO-3", "1000.00")])
        .await;
    let risk = app.signed_in(Role::Risk);
    let version = risk.credit("C2").await["version"].clone();
    risk.put(
        "/v1/customers/C2/credit-decision",
        json!({"version": version, "reason": "court case", "on_hold": true}),
    )
    .await
    .assert_status(200);

    // Act
    let shipped = app
        .post_events(vec![ledger_event(
            "ship-3",
            "C2",
            today,
            json!({"type": "order_shipped", "order": "SO-3", "amount": money("1000.00")}),
        )])
        .await;

    // Assert
    assert_ne!(placed["results"][0]["check"]["decision"], "block");
    let check = &shipped["results"][0]["check"];
    assert_eq!(check["decision"], "block", "{shipped}");
    assert!(
        check["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["rule"] == "on_hold"),
        "{check}"
    );
}

#[tokio::test]
async fn a_recheck_keeps_an_order_while_the_group_is_over_its_shared_limit() {
    // Arrange: C1 and C2 share 80,000; 30,000 and 40,000 open; C1's order of 20,000 is
    // blocked by the group, though C1's own limit of 100,000 would take it.
    let app = spawn_app().await;
    let today = app.clock.today();
    let due = today + Duration::days(30);
    app.set_limit("C1", "100000.00").await;
    app.set_limit("C2", "100000.00").await;
    app.post_events(vec![
        invoice_on("inv-g1", "C1", today, due, "30000.00"),
        invoice_on("inv-g2", "C2", today, due, "40000.00"),
    ])
    .await;
    app.signed_in(Role::Risk)
        .put(
            "/v1/groups/G1",
            json!({"name": "恒通集团", "limit": money("80000.00"), "members": ["C1", "C2"]}),
        )
        .await
        .assert_status(204);
    let placed = app
        .post_events(vec![order_placed("so-g", "C1", today, "SO-G", "20000.00")])
        .await;
    assert_eq!(placed["results"][0]["check"]["decision"], "block");
    let risk = app.signed_in(Role::Risk);

    // Act: C1's own file changes (a small payment): the group is still over.
    app.post_events(vec![payment_on("pay-g1", "C1", today, "1000.00")])
        .await;
    app.watch("C1").await;
    let held = risk.get("/v1/blocked-orders/C1/so-g").await.body;
    // C2 pays in full: the group has room, and C1's next change releases the order.
    app.post_events(vec![payment_on("pay-g2", "C2", today, "40000.00")])
        .await;
    app.post_events(vec![payment_on("pay-g3", "C1", today, "1000.00")])
        .await;
    app.watch("C1").await;
    let released = risk.get("/v1/blocked-orders/C1/so-g").await.body;

    // Assert
    assert_eq!(held["order"]["status"], "blocked", "{held}");
    assert_eq!(
        released["order"]["status"], "released_by_recheck",
        "{released}"
    );
}

/// The admin publishes the policy in force with `edit` applied to its check steps.
async fn publish_steps(app: &TestApp, edit: impl FnOnce(&mut Value)) {
    let admin = app.signed_in(Role::Admin);
    let engine = admin.get("/v1/engine").await;
    let mut policy = engine.body["policy"].clone();
    edit(&mut policy["check"]["steps"]);
    admin
        .post(
            "/v1/admin/engine-versions",
            json!({"model": engine.body["model"], "policy": policy, "reason": "check steps"}),
        )
        .await
        .assert_status(201);
}

#[tokio::test]
async fn a_tenant_whose_policy_only_warns_at_placement_answers_the_block_but_queues_nothing() {
    // Arrange
    let app = spawn_app().await;
    app.set_limit("C2", "1000.00").await;
    publish_steps(&app, |steps| steps["order"] = json!("warn")).await;

    // Act
    let posted = app
        .post_events(vec![order_placed(
            "so-w",
            "C2",
            app.clock.today(),
            "SO-W",
            "5000.00",
        )])
        .await;
    let queue = app.signed_in(Role::Risk).get("/v1/blocked-orders").await;

    // Assert
    assert_eq!(
        posted["results"][0]["check"]["decision"], "block",
        "{posted}"
    );
    assert_eq!(queue.body["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn an_invoice_is_checked_only_when_the_policy_checks_invoices() {
    // Arrange
    let app = spawn_app().await;
    app.set_limit("C2", "1000.00").await;
    let today = app.clock.today();
    let due = today + Duration::days(30);

    // Act
    let unchecked = app
        .post_events(vec![invoice_on("inv-a", "C2", today, due, "5000.00")])
        .await;
    publish_steps(&app, |steps| steps["invoice"] = json!(true)).await;
    let checked = app
        .post_events(vec![invoice_on("inv-b", "C2", today, due, "5000.00")])
        .await;

    // Assert
    assert!(
        unchecked["results"][0]["check"].is_null(),
        "the default policy does not check invoices: {unchecked}"
    );
    assert_eq!(
        checked["results"][0]["check"]["decision"], "block",
        "{checked}"
    );
}
