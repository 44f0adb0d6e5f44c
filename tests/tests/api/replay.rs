//! Every way events come in from outside (ledger events, external signals, promises to pay,
//! exchange rates, group memberships), sent twice: the second time is answered as seen
//! before and changes nothing anyone can read.

use crate::helpers::*;
use credence_shared::Currency;
use serde_json::{Value, json};

/// What the views of one customer and of the tenant read now, by name: everything an
/// ingested event can change.
async fn everything_about(app: &TestApp, customer: &str) -> Vec<(&'static str, Value)> {
    let admin = app.signed_in(Role::Admin);
    let mut views = Vec::new();
    for (name, path) in [
        ("credit file", format!("/v1/customers/{customer}/credit")),
        ("customer", format!("/v1/customers/{customer}")),
        ("alerts", format!("/v1/customers/{customer}/alerts")),
        (
            "collections",
            format!("/v1/customers/{customer}/collections"),
        ),
        ("audit trail", format!("/v1/customers/{customer}/audit")),
        ("tenant audit trail", "/v1/audit".to_owned()),
        ("alert centre", "/v1/alerts".to_owned()),
        ("blocked orders", "/v1/blocked-orders".to_owned()),
        ("aging", "/v1/aging".to_owned()),
    ] {
        let r = admin.get(&path).await;
        views.push((name, r.assert_status(200).clone()));
    }
    views
}

/// Asserts each view reads as it did, naming the first that does not.
#[track_caller]
fn assert_unchanged(before: &[(&str, Value)], after: &[(&str, Value)]) {
    for ((name, was), (_, is)) in before.iter().zip(after) {
        assert_eq!(is, was, "the {name} changed");
    }
}

/// Sends `body` with `method` to `path` as `who`, then watches the customer as the stream
/// consumer would after a change.
async fn send_and_watch(
    app: &TestApp,
    who: &SignedIn<'_>,
    method: &str,
    path: &str,
    body: &Value,
) -> TestResponse {
    let r = who.send(method, path, body.clone()).await;
    app.watch("C1").await;
    r
}

/// An invoice of C1 of `amount`, due in `due_in_days` (overdue if negative), issued 30
/// days before it is due; then C1 is watched, as after any change.
async fn an_invoice_of_c1(app: &TestApp, due_in_days: i64, amount: &str) {
    let due = app.clock.today() + time::Duration::days(due_in_days);
    let issued = due - time::Duration::days(30);
    app.post_events(vec![invoice_on("erp:inv-1", "C1", issued, due, amount)])
        .await;
    app.watch("C1").await;
}

#[tokio::test]
async fn a_ledger_batch_replayed_changes_nothing_the_second_time() {
    // Arrange: an invoice, a part payment and an order over the limit (blocked and queued).
    let app = spawn_app().await;
    let today = app.clock.today();
    app.set_limit("C1", "5000.00").await;
    let finance = app.signed_in(Role::Finance);
    let batch = json!({"events": [
        invoice_on("erp:inv-1", "C1", today, today + time::Duration::days(30), "4000.00"),
        payment_on("erp:pay-1", "C1", today, "1500.00"),
        order_placed("erp:so-1", "C1", today, "SO-1", "9000.00"),
    ]});
    let first = send_and_watch(&app, &finance, "POST", "/v1/ledger/events", &batch).await;
    assert_eq!(first.assert_status(200)["accepted"], 3, "{}", first.body);
    let before = everything_about(&app, "C1").await;

    // Act
    let second = send_and_watch(&app, &finance, "POST", "/v1/ledger/events", &batch).await;

    // Assert
    second.assert_status(200);
    assert_eq!(second.body["accepted"], 0, "{}", second.body);
    assert_eq!(second.body["duplicates"], 3);
    for (result, key) in second.body["results"].as_array().unwrap().iter().zip([
        "erp:inv-1",
        "erp:pay-1",
        "erp:so-1",
    ]) {
        assert_eq!(result["status"], "duplicate", "{result}");
        assert_eq!(result["idempotency_key"], key);
    }
    assert_unchanged(&before, &everything_about(&app, "C1").await);
}

#[tokio::test]
async fn an_external_signal_replayed_changes_nothing_the_second_time() {
    // Arrange: an account, and a lawsuit from a data provider (it raises an alert).
    let app = spawn_app().await;
    let today = app.clock.today();
    an_invoice_of_c1(&app, 30, "1000.00").await;
    let risk = app.signed_in(Role::Risk);
    let path = "/v1/customers/C1/signals";
    let signal = json!({"idempotency_key": "court:2026-771", "kind": "lawsuit",
                        "date": today.to_string(), "source": "court records",
                        "summary": "sued by a supplier for 2.1M"});
    let first = send_and_watch(&app, &risk, "POST", path, &signal).await;
    first.assert_status(201);
    let before = everything_about(&app, "C1").await;

    // Act
    let second = send_and_watch(&app, &risk, "POST", path, &signal).await;

    // Assert: 200 is the API's "seen before" (201 would be "recorded").
    second.assert_status(200);
    assert_unchanged(&before, &everything_about(&app, "C1").await);
}

#[tokio::test]
async fn a_promise_to_pay_replayed_changes_nothing_the_second_time() {
    // Arrange: an overdue invoice, and a promise to pay it.
    let app = spawn_app().await;
    let today = app.clock.today();
    an_invoice_of_c1(&app, -15, "3000.00").await;
    let collector = app.signed_in(Role::Collector);
    let path = "/v1/customers/C1/promises";
    let promise = json!({"idempotency_key": "crm:call-88", "amount": money("3000.00"),
                         "date": (today + time::Duration::days(3)).to_string(),
                         "note": "CFO on the phone"});
    let first = send_and_watch(&app, &collector, "POST", path, &promise).await;
    first.assert_status(201);
    let before = everything_about(&app, "C1").await;

    // Act
    let second = send_and_watch(&app, &collector, "POST", path, &promise).await;

    // Assert: 200 with the promise recorded the first time.
    assert_eq!(second.assert_status(200), &first.body);
    assert_unchanged(&before, &everything_about(&app, "C1").await);
}

#[tokio::test]
async fn the_same_promise_sent_twice_at_once_is_recorded_once() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    an_invoice_of_c1(&app, -15, "3000.00").await;
    let collector = app.signed_in(Role::Collector);
    let promise = json!({"idempotency_key": "app:double-tap", "amount": money("500.00"),
                         "date": (today + time::Duration::days(3)).to_string()});
    let post = || collector.post("/v1/customers/C1/promises", promise.clone());

    // Act
    let (a, b) = tokio::join!(post(), post());

    // Assert: one recorded it, the other was answered with it.
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 201], "{} / {}", a.body, b.body);
    assert_eq!(a.body["id"], b.body["id"]);
    let view = collector.get("/v1/customers/C1/collections").await;
    assert_eq!(
        view.assert_status(200)["promises"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_promise_without_a_usable_key_is_refused_by_field() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    an_invoice_of_c1(&app, 30, "3000.00").await;
    let collector = app.signed_in(Role::Collector);
    let date = (today + time::Duration::days(3)).to_string();

    // Act
    let missing = collector
        .post(
            "/v1/customers/C1/promises",
            json!({"amount": money("10.00"), "date": date}),
        )
        .await;
    let bad = collector
        .post(
            "/v1/customers/C1/promises",
            json!({"idempotency_key": "has space", "amount": money("10.00"), "date": date}),
        )
        .await;

    // Assert: a missing field is named in the body's message (serde's words).
    missing.problem(422);
    assert_eq!(missing.body["errors"][0]["code"], "field.required");
    let message = missing.body["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("idempotency_key"), "{}", missing.body);
    bad.problem(422);
    assert_eq!(bad.problem_field(), "idempotency_key");
}

#[tokio::test]
async fn an_exchange_rate_put_twice_changes_nothing_the_second_time() {
    // Arrange: a rate, and a USD invoice converted with it.
    let app = spawn_app().await;
    let today = app.clock.today();
    let finance = app.signed_in(Role::Finance);
    let rate = json!({"from": "USD", "to": "CNY", "date": today.to_string(), "rate": "7.1234"});
    let first = send_and_watch(&app, &finance, "PUT", "/v1/fx-rates", &rate).await;
    first.assert_status(204);
    app.post_events(vec![json!({
        "idempotency_key": "erp:usd-1", "customer_id": "C1", "date": today.to_string(),
        "event": {"type": "invoice", "invoice": "INV-USD", "amount": {"amount": "100.00", "currency": "USD"},
                  "due_date": (today + time::Duration::days(30)).to_string()}})])
    .await;
    app.watch("C1").await;
    let stored_rate = || async {
        let rate = app
            .store
            .fx_rate_on(&tenant("alpha"), Currency::USD, Currency::CNY, today)
            .await
            .expect("reading the rate");
        serde_json::to_value(rate).unwrap()
    };
    let mut before = everything_about(&app, "C1").await;
    before.push(("stored rate", stored_rate().await));

    // Act
    let second = send_and_watch(&app, &finance, "PUT", "/v1/fx-rates", &rate).await;

    // Assert: a PUT answers the same (204) and the rate it holds is the same.
    second.assert_status(204);
    let mut after = everything_about(&app, "C1").await;
    after.push(("stored rate", stored_rate().await));
    assert_unchanged(&before, &after);
    assert_eq!(
        before[0].1["exposure"]["open_receivables"]["amount"],
        "712.34"
    );
}

#[tokio::test]
async fn a_group_put_twice_changes_nothing_the_second_time() {
    // Arrange: two customers with invoices joined in a group sharing one limit.
    let app = spawn_app().await;
    let today = app.clock.today();
    let due = today + time::Duration::days(30);
    app.post_events(vec![
        invoice_on("erp:inv-1", "C1", today, due, "3000.00"),
        invoice_on("erp:inv-2", "C2", today, due, "4000.00"),
    ])
    .await;
    let risk = app.signed_in(Role::Risk);
    let group = json!({"name": "恒通集团", "limit": money("80000.00"), "members": ["C1", "C2"]});
    let first = send_and_watch(&app, &risk, "PUT", "/v1/groups/G1", &group).await;
    first.assert_status(204);
    let before = everything_about(&app, "C1").await;

    // Act
    let second = send_and_watch(&app, &risk, "PUT", "/v1/groups/G1", &group).await;

    // Assert: the group's exposure is counted once.
    second.assert_status(204);
    let after = everything_about(&app, "C1").await;
    assert_unchanged(&before, &after);
    assert_eq!(after[0].1["group"]["exposure"]["amount"], "7000.00");
}
