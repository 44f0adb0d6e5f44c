//! Dates and amounts are bounded at the door: a date outside 1900-01-01 ..= today + 10 years
//! or an amount above 10^15 is refused naming its field, so nothing a client sends can make
//! the watcher's date arithmetic or the credit engine's decimals overflow later.

use crate::helpers::*;
use serde_json::{Value, json};
use time::Duration;

/// One more than the largest `Decimal` there is: well beyond any sane amount.
const HUGE: &str = "79228162514264337593543950335";

/// Posts one ledger event as finance and returns its outcome.
async fn post_one(app: &TestApp, event: Value) -> Value {
    let r = app
        .signed_in(Role::Finance)
        .post("/v1/ledger/events", json!({ "events": [event] }))
        .await;
    r.assert_status(200);
    r.body["results"][0].clone()
}

#[tokio::test]
async fn an_invoice_due_on_the_last_day_of_9999_is_rejected_naming_its_due_date() {
    let app = spawn_app().await;
    let today = app.clock.today();
    let event = ledger_event(
        "far-due",
        "C1",
        today,
        json!({"type": "invoice", "invoice": "INV-9999", "due_date": "9999-12-31",
               "amount": money("100.00")}),
    );

    let outcome = post_one(&app, event).await;

    assert_eq!(outcome["status"], "rejected", "{outcome}");
    assert_eq!(outcome["field"], "events[0].event.due_date");
}

#[tokio::test]
async fn an_event_dated_in_the_year_minus_9999_is_rejected_naming_its_date() {
    let app = spawn_app().await;
    let event = json!({"idempotency_key": "ancient", "customer_id": "C1",
                       "date": "-9999-01-01",
                       "event": {"type": "payment", "payment": "PAY-0", "amount": money("1.00")}});

    let outcome = post_one(&app, event).await;

    assert_eq!(outcome["status"], "rejected", "{outcome}");
    assert_eq!(outcome["field"], "events[0].date");
}

#[tokio::test]
async fn a_ledger_amount_above_the_largest_amount_is_rejected_naming_it() {
    let app = spawn_app().await;
    let today = app.clock.today();
    let usd = ledger_event(
        "huge-usd",
        "C1",
        today,
        json!({"type": "payment", "payment": "PAY-1",
               "amount": {"amount": HUGE, "currency": "USD"}}),
    );
    let fine = ledger_event(
        "fine-places",
        "C1",
        today,
        json!({"type": "payment", "payment": "PAY-2",
               "amount": {"amount": "1.000001", "currency": "CNY"}}),
    );

    let huge = post_one(&app, usd).await;
    let places = post_one(&app, fine).await;

    assert_eq!(huge["status"], "rejected", "{huge}");
    assert_eq!(huge["field"], "events[0].event.amount.amount");
    assert_eq!(places["status"], "rejected", "{places}");
    assert_eq!(places["field"], "events[0].event.amount.amount");
}

#[tokio::test]
async fn an_audit_query_ending_in_the_year_minus_9999_is_a_422_naming_to() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);

    let ancient = risk.get("/v1/audit?to=-9999-01-01").await;
    let far = risk.get("/v1/audit?from=9999-12-01&to=9999-12-31").await;

    ancient.problem(422);
    assert_eq!(ancient.problem_field(), "to");
    far.problem(422);
    assert_eq!(far.problem_field(), "to");
}

#[tokio::test]
async fn a_limit_above_the_largest_amount_is_a_422_and_the_customer_stays_readable() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let version = risk.credit("C1").await["version"].clone();

    let r = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": version, "reason": "typo", "limit": money(HUGE)}),
        )
        .await;
    let list = risk.get("/v1/customers?q=C1").await;
    let card = risk.get("/v1/customers/C1/credit").await;

    r.problem(422);
    assert_eq!(r.problem_field(), "limit.amount");
    list.assert_status(200);
    card.assert_status(200);
}

#[tokio::test]
async fn a_temporary_limit_more_than_a_year_ahead_is_a_422_naming_its_last_day() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let version = risk.credit("C1").await["version"].clone();
    let until = app.clock.today() + Duration::days(400);

    let r = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": version, "reason": "peak", "temporary_limit": money("20000.00"),
                    "temporary_until": until.to_string()}),
        )
        .await;
    let year_9999 = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": version, "reason": "peak", "temporary_limit": money("20000.00"),
                    "temporary_until": "9999-12-31"}),
        )
        .await;

    r.problem(422);
    assert_eq!(r.problem_field(), "temporary_until");
    year_9999.problem(422);
    assert_eq!(year_9999.problem_field(), "temporary_until");
}

#[tokio::test]
async fn a_group_limit_or_an_order_above_the_largest_amount_is_a_422_naming_it() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);

    let group = risk
        .put(
            "/v1/groups/G1",
            json!({"name": "Hengtong group", "limit": money(HUGE), "members": ["C1"]}),
        )
        .await;
    let order = sales.credit_check("C1", HUGE).await;
    let places = sales.credit_check("C1", "10.00001").await;

    group.problem(422);
    assert_eq!(group.problem_field(), "limit.amount");
    order.problem(422);
    assert_eq!(order.problem_field(), "amount.amount");
    places.problem(422);
    assert_eq!(places.problem_field(), "amount.amount");
}

#[tokio::test]
async fn a_promise_far_ahead_or_too_large_is_a_422_naming_the_field() {
    let app = spawn_app().await;
    let collector = app.signed_in(Role::Collector);
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-p",
        "C1",
        today,
        today + Duration::days(30),
        "10.00",
    )])
    .await;

    let far = collector
        .post(
            "/v1/customers/C1/promises",
            json!({"idempotency_key": "far", "date": "9999-12-31", "amount": money("10.00")}),
        )
        .await;
    let huge = collector
        .post(
            "/v1/customers/C1/promises",
            json!({"idempotency_key": "huge", "date": (today + Duration::days(3)).to_string(),
                    "amount": money(HUGE)}),
        )
        .await;

    far.problem(422);
    assert_eq!(far.problem_field(), "date");
    huge.problem(422);
    assert_eq!(huge.problem_field(), "amount");
}

#[tokio::test]
async fn a_signal_dated_before_1900_is_a_422_naming_its_date() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);

    let r = risk
        .post(
            "/v1/customers/C1/signals",
            json!({"idempotency_key": "old-1", "kind": "lawsuit", "date": "-9999-01-01",
                    "source": "court records", "summary": "an ancient lawsuit"}),
        )
        .await;

    r.problem(422);
    assert_eq!(r.problem_field(), "date");
}

#[tokio::test]
async fn a_limit_request_above_the_largest_amount_is_a_422_naming_it() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let r = sales.file_request("C1", limit_change(HUGE)).await;

    r.problem(422);
    assert_eq!(r.problem_field(), "change.limit.amount");
}

#[tokio::test]
async fn an_exchange_rate_dated_before_1900_is_a_422_naming_its_date() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);

    let r = finance
        .put(
            "/v1/fx-rates",
            json!({"from": "USD", "to": "CNY", "date": "1066-10-14", "rate": "7.1"}),
        )
        .await;

    r.problem(422);
    assert_eq!(r.problem_field(), "date");
}

#[tokio::test]
async fn a_huge_limit_stored_before_the_bounds_breaks_neither_the_list_nor_the_card() {
    // Arrange: C1 has money on account (its exposure is below zero) and a limit of the
    // largest `Decimal`, written before amounts were bounded.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);
    app.post_events(vec![payment_on(
        "prepaid",
        "C1",
        app.clock.today(),
        "1000.00",
    )])
    .await;
    app.set_limit("C1", "10000.00").await;
    app.edit_credit_state("C1", |state| {
        state["decision"]["limit"]["amount"]["amount"] = json!(HUGE);
    })
    .await;
    app.set_summary_limit("C1", HUGE).await;

    // Act
    let list = risk.get("/v1/customers").await;
    let search = risk.get("/v1/customers?q=C1").await;
    let card = risk.get("/v1/customers/C1/credit").await;
    let check = sales.credit_check("C1", "100.00").await;

    // Assert
    list.assert_status(200);
    search.assert_status(200);
    card.assert_status(200);
    check.assert_status(200);
    assert_eq!(check.body["decision"], "pass", "{}", check.body);
}
