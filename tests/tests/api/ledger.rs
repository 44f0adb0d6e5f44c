//! The ledger API, live exposure, the credit file and the order credit check, end to end on
//! DynamoDB Local.

use crate::helpers::*;
use serde_json::{Value, json};

fn days_ago(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() - time::Duration::days(days)).to_string()
}

fn days_ahead(days: i64) -> String {
    (time::OffsetDateTime::now_utc().date() + time::Duration::days(days)).to_string()
}

fn invoice(key: &str, customer: &str, number: &str, amount: &str, issued_days_ago: i64) -> Value {
    json!({
        "idempotency_key": key, "customer_id": customer, "date": days_ago(issued_days_ago),
        "event": {"type": "invoice", "invoice": number, "due_date": days_ago(issued_days_ago - 30),
                  "amount": money(amount)}
    })
}

fn payment(key: &str, customer: &str, number: &str, amount: &str) -> Value {
    json!({
        "idempotency_key": key, "customer_id": customer, "date": days_ago(0),
        "event": {"type": "payment", "payment": number, "amount": money(amount)}
    })
}

/// Posts a batch of ledger events as `who`.
async fn post(who: &SignedIn<'_>, events: Vec<Value>) -> TestResponse {
    who.post("/v1/ledger/events", json!({ "events": events }))
        .await
}

#[tokio::test]
async fn posting_the_same_batch_twice_changes_nothing_and_says_so_per_event() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    let batch = vec![
        invoice("erp:inv-1", "C1", "INV-1", "1000.00", 10),
        invoice("erp:inv-2", "C1", "INV-2", "500.00", 5),
    ];

    let first = post(&finance, batch.clone()).await;
    let second = post(&finance, batch).await;

    first.assert_status(200);
    assert_eq!(first.body["accepted"], 2);
    assert_eq!(second.body["accepted"], 0);
    assert_eq!(second.body["duplicates"], 2);
    assert_eq!(second.body["results"][1]["status"], "duplicate");
    assert_eq!(second.body["results"][1]["idempotency_key"], "erp:inv-2");
    let file = finance.credit("C1").await;
    assert_eq!(file["exposure"]["open_receivables"]["amount"], "1500.00");
    assert_eq!(file["ledger"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_bad_event_is_rejected_with_its_field_and_the_good_ones_beside_it_are_kept() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);

    let r = post(
        &finance,
        vec![
            invoice("k1", "C1", "INV-1", "1000.00", 10),
            invoice("k2", "C404", "INV-2", "10.00", 1),
            json!({"idempotency_key": "k3", "customer_id": "C1", "date": days_ago(1),
                   "event": {"type": "invoice", "invoice": "INV-3", "amount": money("5.00")}}),
            payment("k4", "C1", "PAY-1", "5000.00"),
            json!({"idempotency_key": "k5", "customer_id": "C1", "date": days_ahead(3),
                   "event": {"type": "payment", "payment": "PAY-2", "amount": money("1.00")}}),
            json!({"idempotency_key": "k6", "customer_id": "C1", "date": days_ago(1),
                   "event": {"type": "invoice", "invoice": "INV-6", "due_date": days_ago(0),
                             "amount": {"amount": "10.00", "currency": "USD"}}}),
            payment("k7", "C1", "PAY-3", "400.00"),
        ],
    )
    .await;

    r.assert_status(200);
    let results = r.body["results"].as_array().unwrap();
    let status: Vec<&str> = results
        .iter()
        .map(|o| o["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        status,
        [
            "accepted", "rejected", "rejected", "accepted", "rejected", "rejected", "accepted"
        ]
    );
    assert_eq!(results[1]["field"], "events[1].customer_id");
    assert_eq!(results[2]["field"], "events[2].event");
    assert!(results[2]["detail"].as_str().unwrap().contains("due_date"));
    assert_eq!(results[4]["field"], "events[4].date");
    assert!(
        results[5]["detail"]
            .as_str()
            .unwrap()
            .contains("exchange rate")
    );
    // The over-payment is kept as money on account, not lost.
    let file = finance.credit("C1").await;
    assert_eq!(file["exposure"]["open_receivables"]["amount"], "0.00");
    assert_eq!(file["exposure"]["unapplied_credit"]["amount"], "4400.00");
}

#[tokio::test]
async fn a_payment_allocated_beyond_what_is_open_is_rejected_and_a_partial_one_leaves_the_rest_open()
 {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    post(&finance, vec![invoice("i1", "C2", "INV-1", "1000.00", 40)]).await;

    let r = post(
        &finance,
        vec![
            json!({"idempotency_key": "p1", "customer_id": "C2", "date": days_ago(0),
                   "event": {"type": "payment", "payment": "PAY-1", "amount": money("1500.00"),
                             "allocations": [{"invoice": "INV-1", "amount": money("1500.00")}]}}),
            payment("p2", "C2", "PAY-2", "300.00"),
        ],
    )
    .await;

    assert_eq!(r.body["results"][0]["status"], "rejected", "{}", r.body);
    assert_eq!(r.body["results"][1]["status"], "accepted");
    let file = finance.credit("C2").await;
    assert_eq!(file["exposure"]["open_receivables"]["amount"], "700.00");
    assert_eq!(file["exposure"]["overdue"]["amount"], "700.00");
    assert_eq!(file["exposure"]["oldest_overdue_days"], 10);
}

#[tokio::test]
async fn fifty_concurrent_payments_on_one_customer_give_the_exact_exposure() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    post(&finance, vec![invoice("i1", "C1", "INV-1", "10000.00", 5)]).await;

    let postings = (0..50).map(|n| {
        let finance = &finance;
        async move {
            post(
                finance,
                vec![payment(
                    &format!("pay-{n}"),
                    "C1",
                    &format!("PAY-{n}"),
                    "12.34",
                )],
            )
            .await
        }
    });
    let responses = futures::future::join_all(postings).await;

    for r in &responses {
        r.assert_status(200);
        assert_eq!(r.body["accepted"], 1, "{}", r.body);
    }
    let file = finance.credit("C1").await;
    // 10000.00 - 50 × 12.34 = 9383.00
    assert_eq!(file["exposure"]["open_receivables"]["amount"], "9383.00");
    assert_eq!(file["ledger"].as_array().unwrap().len(), 51);
}

#[tokio::test]
async fn an_amount_in_another_currency_is_converted_with_the_rate_of_its_date() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    let rate = finance
        .put(
            "/v1/fx-rates",
            json!({"from": "USD", "to": "CNY", "date": days_ago(30), "rate": "7.1000"}),
        )
        .await;
    rate.assert_status(204);

    let r = post(
        &finance,
        vec![
            json!({"idempotency_key": "usd-1", "customer_id": "C3", "date": days_ago(2),
                    "event": {"type": "invoice", "invoice": "INV-USD", "due_date": days_ahead(28),
                              "amount": {"amount": "100.00", "currency": "USD"}}}),
        ],
    )
    .await;

    assert_eq!(r.body["accepted"], 1, "{}", r.body);
    let file = finance.credit("C3").await;
    assert_eq!(file["exposure"]["open_receivables"]["amount"], "710.00");
}

#[tokio::test]
async fn a_rate_for_the_same_currency_or_not_positive_is_refused_with_the_field() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);

    let same = finance
        .put(
            "/v1/fx-rates",
            json!({"from": "CNY", "to": "CNY", "date": days_ago(1), "rate": "1"}),
        )
        .await;
    let negative = finance
        .put(
            "/v1/fx-rates",
            json!({"from": "USD", "to": "CNY", "date": days_ago(1), "rate": "-7"}),
        )
        .await;

    same.problem(422);
    assert_eq!(same.problem_field(), "to");
    negative.problem(422);
    assert_eq!(negative.problem_field(), "rate");
}

#[tokio::test]
async fn the_credit_check_blocks_an_order_over_the_available_credit_and_passes_a_small_one() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    let sales = app.signed_in(Role::Sales);
    app.set_limit("C1", "10000.00").await;
    post(&finance, vec![invoice("i1", "C1", "INV-1", "4000.00", 5)]).await;

    let small = sales.credit_check("C1", "1000.00").await;
    let large = sales.credit_check("C1", "7000.00").await;

    small.assert_status(200);
    assert_ne!(small.body["decision"], "block", "{}", small.body);
    assert_eq!(small.body["available_before"]["amount"], "6000.00");
    assert_eq!(large.body["decision"], "block", "{}", large.body);
    assert_eq!(large.body["reasons"][0]["rule"], "over_limit");
    assert_eq!(large.body["available_after"]["amount"], "-1000.00");
}

#[tokio::test]
async fn a_bad_order_amount_is_a_problem_naming_the_field() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let negative = sales.credit_check("C1", "-1").await;
    let text = sales
        .post(
            "/v1/customers/C1/credit-check",
            json!({"amount": {"amount": "lots", "currency": "CNY"}}),
        )
        .await;

    negative.problem(422);
    assert_eq!(negative.problem_field(), "amount.amount");
    text.problem(422);
    assert_eq!(text.problem_field(), "amount.amount");
}

#[tokio::test]
async fn a_blocked_order_event_goes_to_the_blocked_orders_queue() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    app.set_limit("C2", "1000.00").await;

    let r = post(&finance,
        vec![json!({"idempotency_key": "so-1", "customer_id": "C2", "date": days_ago(0),
                    "event": {"type": "order_placed", "order": "SO-1", "amount": money("5000.00")}})],
    )
    .await;

    assert_eq!(
        r.body["results"][0]["check"]["decision"], "block",
        "{}",
        r.body
    );
    let queue = finance.get("/v1/blocked-orders").await;
    queue.assert_status(200);
    assert_eq!(queue.body["items"][0]["order"]["order"], "SO-1");
    assert_eq!(queue.body["items"][0]["order"]["customer_id"], "C2");
}

#[tokio::test]
async fn a_group_limit_shared_by_two_customers_blocks_an_order_one_alone_could_take() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    let risk = app.signed_in(Role::Risk);
    app.set_limit("C1", "100000.00").await;
    app.set_limit("C2", "100000.00").await;
    post(
        &finance,
        vec![
            invoice("i1", "C1", "INV-1", "30000.00", 5),
            invoice("i2", "C2", "INV-2", "40000.00", 5),
        ],
    )
    .await;
    let group = risk
        .put(
            "/v1/groups/G1",
            json!({"name": "恒通集团", "limit": money("80000.00"), "members": ["C1", "C2"]}),
        )
        .await;
    group.assert_status(204);

    let check = risk.credit_check("C1", "20000.00").await;

    check.assert_status(200);
    assert_eq!(check.body["group"]["exposure_before"]["amount"], "70000.00");
    assert_eq!(check.body["group"]["over_limit"], true);
    assert_eq!(check.body["decision"], "block");
    // The same order posted as an event is blocked by the group and queued.
    let order = post(&finance,
        vec![json!({"idempotency_key": "so-g", "customer_id": "C1", "date": days_ago(0),
                    "event": {"type": "order_placed", "order": "SO-G", "amount": money("20000.00")}})],
    )
    .await;
    assert_eq!(
        order.body["results"][0]["check"]["decision"], "block",
        "{}",
        order.body
    );
    // A later payment lowers the group's exposure in the same transaction.
    post(&finance, vec![payment("p1", "C2", "PAY-1", "40000.00")]).await;
    let after = risk.credit("C1").await;
    // C1's 30000 invoice plus its 20000 open order; C2 paid in full.
    assert_eq!(after["group"]["exposure"]["amount"], "50000.00");
}

#[tokio::test]
async fn a_temporary_limit_replaces_the_limit_until_its_last_day_and_is_kept_apart() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    app.set_limit("C1", "10000.00").await;
    let version = risk.credit("C1").await["version"].clone();

    let r = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": version, "reason": "peak season",
                    "temporary_limit": money("25000.00"), "temporary_until": days_ahead(0)}),
        )
        .await;

    r.assert_status(200);
    assert_eq!(r.body["file"]["limit"]["amount"], "25000.00");
    assert_eq!(r.body["decision"]["limit"]["amount"]["amount"], "10000.00");
    assert_eq!(r.body["decision"]["temporary"]["reason"], "peak season");
    let past = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": r.body["version"], "reason": "x",
                    "temporary_limit": money("1.00"), "temporary_until": days_ago(1)}),
        )
        .await;
    past.problem(422);
    assert_eq!(past.problem_field(), "temporary_until");
}

#[tokio::test]
async fn a_decision_on_a_stale_version_is_a_conflict_and_sales_may_not_decide() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);
    app.set_limit("C1", "10000.00").await;

    let stale = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": 1, "reason": "x", "limit": money("1.00")}),
        )
        .await;
    let by_sales = sales
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": 2, "reason": "x", "limit": money("1.00")}),
        )
        .await;

    stale.problem(409);
    by_sales.problem(403);
}

#[tokio::test]
async fn sales_sees_the_credit_card_without_invoice_detail_and_may_not_post_events() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);
    let sales = app.signed_in(Role::Sales);
    post(
        &finance,
        vec![invoice("i1", "C1", "INV-SECRET", "100.00", 5)],
    )
    .await;

    let file = sales.credit("C1").await;
    let posted = post(&sales, vec![invoice("i2", "C1", "INV-2", "1.00", 1)]).await;

    assert!(file.get("ledger").is_none(), "{file}");
    assert!(!file["open_items"].to_string().contains("INV-SECRET"));
    assert_eq!(
        file["open_items"]["invoices"][0]["open"]["amount"],
        "100.00"
    );
    posted.problem(403);
}

#[tokio::test]
async fn another_tenant_gets_not_found_for_a_credit_file_and_a_check() {
    let app = spawn_app().await;
    let intruder = app.intruder();

    let file = intruder.get("/v1/customers/C1/credit").await;
    let check = intruder.credit_check("C1", "1.00").await;

    file.problem(404);
    check.problem(404);
}

#[tokio::test]
async fn a_batch_that_is_not_an_events_array_or_too_large_is_refused_with_the_field() {
    let app = spawn_app().await;
    let finance = app.signed_in(Role::Finance);

    let not_array = finance
        .post("/v1/ledger/events", json!({"events": {}}))
        .await;
    let empty = finance
        .post("/v1/ledger/events", json!({"events": []}))
        .await;
    let too_many = post(
        &finance,
        (0..501)
            .map(|n| invoice(&format!("k{n}"), "C1", "I", "1.00", 1))
            .collect(),
    )
    .await;

    not_array.problem(422);
    assert_eq!(not_array.problem_field(), "events");
    empty.problem(422);
    too_many.problem(422);
}

#[tokio::test]
async fn the_credit_file_of_a_customer_with_an_overdue_invoice_and_a_part_payment_reads_as_recorded()
 {
    // Arrange: the clock stopped on a known day, so every date in the view is the same on
    // every run.
    let app = spawn_app_at(time::macros::datetime!(2026-11-02 09:00 UTC)).await;
    let today = app.clock.today();
    app.set_limit("C1", "50000.00").await;
    app.post_events(vec![
        invoice_on(
            "inv-1",
            "C1",
            today - time::Duration::days(45),
            today - time::Duration::days(15),
            "12000.00",
        ),
        invoice_on(
            "inv-2",
            "C1",
            today - time::Duration::days(5),
            today + time::Duration::days(25),
            "3000.00",
        ),
        payment_on("pay-1", "C1", today - time::Duration::days(2), "2000.00"),
    ])
    .await;

    // Act
    let file = app.signed_in(Role::Risk).credit("C1").await;

    // Assert
    snapshot::settings().bind(|| {
        insta::assert_json_snapshot!("credit_file_of_c1", file, {
            ".version" => "[version]",
        })
    });
}
