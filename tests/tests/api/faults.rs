//! Faults: DynamoDB killed in the middle of a posting run and started again, and DynamoDB
//! refusing writes for a while (throttled). Whatever did not land is sent again, as an ERP
//! does; afterwards every figure is exactly what a run without the fault gives: nothing
//! lost, nothing doubled.

use crate::helpers::faults::{OwnDynamo, Throttle};
use crate::helpers::*;
use aws_sdk_dynamodb::types::{AttributeValue, Select};
use serde_json::{Value, json};
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};
use time::{Date, Duration, OffsetDateTime};

const CUSTOMERS: [&str; 3] = ["C1", "C2", "C3"];
const BATCHES: usize = 8;
const PER_BATCH: usize = 25;

/// Each customer's batches, in the order the ERP sends them: invoices over the last months
/// (some overdue by now) and, every fifth event, a payment on account.
fn run_of_batches(today: Date) -> Vec<(&'static str, Vec<Value>)> {
    let mut batches = Vec::new();
    for b in 0..BATCHES {
        for customer in CUSTOMERS {
            let events = (0..PER_BATCH)
                .map(|n| {
                    let key = format!("{customer}-{b}-{n}").to_lowercase();
                    let issued = today - Duration::days((200 - b * 20 - n) as i64);
                    if n % 5 == 4 {
                        payment_on(&key, customer, issued, "300")
                    } else {
                        invoice_on(
                            &key,
                            customer,
                            issued,
                            issued + Duration::days(30),
                            &(1000 + n * 10).to_string(),
                        )
                    }
                })
                .collect();
            batches.push((customer, events));
        }
    }
    batches
}

async fn post(finance: &SignedIn<'_>, events: &[Value]) -> TestResponse {
    finance
        .post("/v1/ledger/events", json!({ "events": events }))
        .await
}

/// Sends every batch in order, each customer's one after the other, and expects each to land
/// (new or already applied) with nothing rejected.
async fn send_all(app: &TestApp, batches: &[(&str, Vec<Value>)]) {
    let finance = app.signed_in(Role::Finance);
    for (customer, events) in batches {
        let r = post(&finance, events).await;
        assert_eq!(r.status, 200, "{customer}: {}", r.body);
        assert_eq!(r.body["rejected"], 0, "{customer}: {}", r.body["results"]);
    }
}

/// Waits until the app reads from its (restarted) DynamoDB again: listening on the port can
/// come a moment before answering.
async fn ready(app: &TestApp) {
    let finance = app.signed_in(Role::Finance);
    for _ in 0..100 {
        if finance.get("/v1/customers/C1").await.status == 200 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("the app did not read from the restarted DynamoDB within 20 s");
}

/// The parts of a credit file that must not depend on how the postings were split into
/// writes: everything but the version and the history of changes.
fn figures(mut credit: Value) -> Value {
    if let Some(object) = credit.as_object_mut() {
        object.remove("version");
        object.remove("history");
    }
    credit
}

/// The rules that fired for a customer, with their severity and state.
fn fired(alerts: &Value) -> Vec<String> {
    let mut fired: Vec<String> = alerts["items"]
        .as_array()
        .unwrap_or_else(|| panic!("no alert list: {alerts}"))
        .iter()
        .map(|a| format!("{} {} {}", a["rule"], a["severity"], a["status"]))
        .collect();
    fired.sort();
    fired
}

/// Items of the app's table that `filter` keeps (`:pk`, `:sk` bound to `pk`, `sk`).
async fn count_items(app: &TestApp, filter: &str, pk: &str, sk: &str) -> usize {
    let client = app.store.raw_client();
    let mut count = 0usize;
    let mut start = None;
    loop {
        let out = client
            .scan()
            .table_name(app.store.table())
            .filter_expression(filter)
            .expression_attribute_values(":pk", AttributeValue::S(pk.into()))
            .expression_attribute_values(":sk", AttributeValue::S(sk.into()))
            .select(Select::Count)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .expect("counting items");
        count += out.count as usize;
        start = out.last_evaluated_key;
        if start.is_none() {
            return count;
        }
    }
}

/// The customer's ledger entries (tenant `alpha`).
async fn ledger_entries(app: &TestApp, customer: &str) -> usize {
    let pk = format!("T#alpha#C#{customer}");
    count_items(app, "PK = :pk AND begins_with(SK, :sk)", &pk, "L#").await
}

/// Idempotency markers of applied events (tenant `alpha`).
async fn idempotency_markers(app: &TestApp) -> usize {
    count_items(
        app,
        "begins_with(PK, :pk) AND SK = :sk",
        "T#alpha#IDEM#",
        "IDEM",
    )
    .await
}

/// What a run left, per customer: the credit file's figures, the alerts after a watch, the
/// number of ledger entries; and the tenant's idempotency markers.
async fn outcome(app: &TestApp) -> (Vec<(Value, Vec<String>, usize)>, usize) {
    let finance = app.signed_in(Role::Finance);
    let mut per_customer = Vec::new();
    for customer in CUSTOMERS {
        app.watch(customer).await;
        let credit = figures(finance.credit(customer).await);
        let alerts = finance
            .get(&format!("/v1/customers/{customer}/alerts"))
            .await
            .assert_status(200)
            .clone();
        let ledger = ledger_entries(app, customer).await;
        per_customer.push((credit, fired(&alerts), ledger));
    }
    (per_customer, idempotency_markers(app).await)
}

#[tokio::test]
async fn a_posting_run_cut_by_a_database_crash_and_sent_again_ends_exactly_as_a_run_without_it() {
    // Arrange: the same run for an app on a DynamoDB that will crash, and for one that won't
    let now = OffsetDateTime::now_utc();
    let batches = run_of_batches(now.date());
    let mut dynamo = OwnDynamo::start().await;
    let crashing = spawn_app_on(&dynamo.endpoint(), now).await;
    let steady = spawn_app_at(now).await;
    send_all(&steady, &batches).await;

    // Act: three clients post; the database is killed once a third of the batches landed
    let landed = Arc::new(AtomicUsize::new(0));
    let statuses = {
        let clients = CUSTOMERS.map(|customer| {
            let mine: Vec<Vec<Value>> = batches
                .iter()
                .filter(|(c, _)| *c == customer)
                .map(|(_, events)| events.clone())
                .collect();
            let (app, landed) = (&crashing, landed.clone());
            async move {
                // Signed in before the crash (signing in reads the users from the table).
                let finance = app.signed_in(Role::Finance);
                finance.token().await;
                let mut statuses = Vec::new();
                for events in mine {
                    let r = post(&finance, &events).await;
                    statuses.push((r.status, r.body.to_string()));
                    if r.status != 200 {
                        break; // the ERP sends the rest once the API is back
                    }
                    landed.fetch_add(1, Ordering::SeqCst);
                }
                statuses
            }
        });
        let crash = async {
            while landed.load(Ordering::SeqCst) < batches.len() / 3 {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            dynamo.kill();
        };
        let (statuses, ()) = tokio::join!(futures::future::join_all(clients), crash);
        statuses
    };
    dynamo.restart().await;
    ready(&crashing).await;
    send_all(&crashing, &batches).await;

    // Assert: the crash answered "unavailable, retry", never an internal error…
    let failed: Vec<&(u16, String)> = statuses.iter().flatten().filter(|s| s.0 != 200).collect();
    assert!(
        !failed.is_empty(),
        "the crash came after every batch landed"
    );
    for (status, body) in &failed {
        assert_eq!(*status, 503, "{body}");
        assert!(body.contains("urn:credence:problem:"), "{body}");
    }
    // …and every figure is as if it never happened
    let (after_crash, markers) = outcome(&crashing).await;
    let (without_crash, steady_markers) = outcome(&steady).await;
    assert_eq!(markers, BATCHES * CUSTOMERS.len() * PER_BATCH);
    assert_eq!(steady_markers, markers);
    for (customer, (crashed, steady)) in
        CUSTOMERS.iter().zip(after_crash.iter().zip(&without_crash))
    {
        assert_eq!(crashed.2, BATCHES * PER_BATCH, "{customer}: ledger entries");
        assert_eq!(crashed, steady, "{customer}");
    }
    assert!(
        without_crash
            .iter()
            .any(|(_, alerts, _)| !alerts.is_empty()),
        "the run should raise alerts, so that doubled ones would show"
    );
}

#[tokio::test]
async fn writes_refused_for_a_moment_are_retried_by_the_sdk_and_the_batch_lands_once() {
    // Arrange
    let throttle = Throttle::start(endpoint()).await;
    let app = spawn_app_on(&throttle.endpoint(), OffsetDateTime::now_utc()).await;
    let batches = run_of_batches(app.clock.today());
    let (_, events) = &batches[0];
    let finance = app.signed_in(Role::Finance);
    throttle.refuse_writes(2);

    // Act
    let r = post(&finance, events).await;

    // Assert
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["accepted"], PER_BATCH, "{}", r.body);
    assert_eq!(throttle.refused(), 2, "the writes should have been refused");
    let ledger = ledger_entries(&app, "C1").await;
    assert_eq!(ledger, PER_BATCH);
}

#[tokio::test]
async fn writes_refused_for_longer_answer_503_lose_nothing_and_the_batch_sent_again_lands_once() {
    // Arrange
    let throttle = Throttle::start(endpoint()).await;
    let app = spawn_app_on(&throttle.endpoint(), OffsetDateTime::now_utc()).await;
    let batches = run_of_batches(app.clock.today());
    let (_, events) = &batches[0];
    let finance = app.signed_in(Role::Finance);
    let before = finance.credit("C1").await;
    throttle.refuse_writes(1_000);

    // Act
    let refused = post(&finance, events).await;
    throttle.refuse_writes(0);
    let again = post(&finance, events).await;
    let once_more = post(&finance, events).await;

    // Assert: refused as "try again later", with nothing half-written
    refused.problem(503);
    assert!(throttle.refused() >= 2, "the SDK should have retried");
    // …then applied exactly once
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["accepted"], PER_BATCH, "{}", again.body);
    assert_eq!(once_more.body["accepted"], 0, "{}", once_more.body);
    assert_eq!(
        once_more.body["duplicates"], PER_BATCH,
        "{}",
        once_more.body
    );
    let after = finance.credit("C1").await;
    assert_ne!(figures(after), figures(before));
    let ledger = ledger_entries(&app, "C1").await;
    assert_eq!(ledger, PER_BATCH);
}
