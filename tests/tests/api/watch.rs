//! Early warning and collections with a clock the test moves: rules that fire once and rise,
//! the dunning ladder, promises to pay, stream replays, webhooks, alerts and the worklist.

use std::sync::{Arc, Mutex};

use crate::helpers::*;
use credence_api::service::watch;
use credence_shared::watch::RunReport;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use time::{Date, Duration};

/// Opens an account for `customer`: one small invoice due in a month (no dunning yet).
async fn an_account(app: &TestApp, customer: &str, key: &str) {
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        key,
        customer,
        today,
        today + Duration::days(30),
        "10.00",
    )])
    .await;
}

/// An invoice `days_late` days past its due date (issued 30 days before it fell due).
async fn late_invoice(app: &TestApp, customer: &str, key: &str, days_late: i64, amount: &str) {
    let due = app.clock.today() - Duration::days(days_late);
    app.post_events(vec![invoice_on(
        key,
        customer,
        due - Duration::days(30),
        due,
        amount,
    )])
    .await;
}

/// Risk records a negative signal on C1.
async fn record_signal(app: &TestApp, key: &str, kind: &str, summary: &str) -> TestResponse {
    let risk = app.signed_in(Role::Risk);
    risk.post(
        "/v1/customers/C1/signals",
        json!({"idempotency_key": key, "kind": kind, "date": app.clock.today().to_string(),
                "source": "court records", "summary": summary}),
    )
    .await
}

/// Moves the app's clock to midday of `day`.
fn set_day(app: &TestApp, day: Date) {
    let now = app.clock.now();
    let target = day.with_hms(12, 0, 0).unwrap().assume_utc();
    app.clock.advance(target - now);
}

async fn daily(app: &TestApp) -> RunReport {
    watch::daily(&app.ctx(), &tenant("alpha"), false)
        .await
        .expect("the daily pass")
}

async fn collections(app: &TestApp, customer: &str) -> Value {
    let risk = app.signed_in(Role::Risk);
    let r = risk
        .get(&format!("/v1/customers/{customer}/collections"))
        .await;
    r.assert_status(200);
    r.body
}

fn alert<'a>(view: &'a Value, rule: &str) -> Option<&'a Value> {
    view["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule_id"] == rule)
}

fn alert_actions(alert: &Value) -> Vec<&str> {
    alert["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

fn activity_of<'a>(view: &'a Value, kind: &str) -> Vec<&'a str> {
    let mut texts: Vec<(&str, &str)> = view["activity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == kind)
        .map(|a| (a["at"].as_str().unwrap(), a["text"].as_str().unwrap()))
        .collect();
    texts.sort();
    texts.into_iter().map(|(_, t)| t).collect()
}

#[tokio::test]
async fn payments_slowing_month_by_month_open_the_lengthening_cycle_alert_once() {
    // Arrange: a year of monthly invoices; each is paid 3 days later than the one before.
    let app = spawn_app().await;
    let start = app.clock.today() - Duration::days(400);
    let mut events: Vec<(Date, Value)> = Vec::new();
    for m in 0..13_i64 {
        let issued = start + Duration::days(30 * m);
        events.push((
            issued,
            invoice_on(
                &format!("inv-{m}"),
                "C2",
                issued,
                issued + Duration::days(30),
                "1000.00",
            ),
        ));
        let paid = issued + Duration::days(20 + 3 * m);
        events.push((paid, payment_on(&format!("pay-{m}"), "C2", paid, "1000.00")));
    }
    events.sort_by_key(|(d, _)| *d);

    // Act: each event on its day, watched as the stream consumer would.
    let mut opened_on = Vec::new();
    for (day, event) in events {
        set_day(&app, day);
        app.post_events(vec![event]).await;
        app.watch("C2").await;
        if alert(&collections(&app, "C2").await, "paying_slower").is_some() && opened_on.is_empty()
        {
            opened_on.push(day);
        }
    }

    // Assert
    let view = collections(&app, "C2").await;
    let slower = alert(&view, "paying_slower").expect("the lengthening-cycle alert");
    assert_eq!(alert_actions(slower), ["opened"], "it fired once: {slower}");
    assert_eq!(slower["status"], "open");
    let trend: f64 = slower["figures"][0]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(trend > 10.0, "the trend it shows: {trend}");
    let told: Vec<&str> = activity_of(&view, "alert")
        .into_iter()
        .filter(|t| t.starts_with("Payment cycle"))
        .collect();
    assert_eq!(told.len(), 1, "people were told once: {told:?}");
    // The first four months paid within 30 days: no trend yet.
    assert!(
        opened_on[0] > start + Duration::days(120),
        "not while payments were steady: {opened_on:?}"
    );
}

#[tokio::test]
async fn an_invoice_walking_through_30_60_90_days_takes_each_rung_of_the_ladder_once() {
    // Arrange: one invoice, unpaid; the daily pass runs every day from before it falls due.
    let app = spawn_app().await;
    let due = app.clock.today() + Duration::days(5);
    app.post_events(vec![invoice_on(
        "inv-walk",
        "C1",
        app.clock.today(),
        due,
        "20000.00",
    )])
    .await;
    app.watch("C1").await;

    // Act
    let mut woken_days = 0;
    for day in 0..=100 {
        set_day(&app, due + Duration::days(day - 4));
        let report = daily(&app).await;
        if report.customers > 0 {
            woken_days += 1;
        }
    }
    let before_replay = collections(&app, "C1").await;
    let replay = daily(&app).await;

    // Assert
    let ladder: Vec<String> = activity_of(&before_replay, "dunning")
        .into_iter()
        .map(|t| t.split(':').next().unwrap().to_owned())
        .collect();
    assert_eq!(
        ladder,
        ["reminder", "reminder", "call", "escalate", "hold", "legal"]
    );
    let overdue = alert(&before_replay, "overdue_steps").unwrap();
    assert_eq!(alert_actions(overdue), ["opened", "raised", "raised"]);
    assert_eq!(overdue["level"], 3);
    let tasks = before_replay["tasks"].as_array().unwrap();
    assert_eq!(
        tasks.len(),
        1,
        "one open task per customer, raised: {tasks:?}"
    );
    assert_eq!(tasks[0]["action"], "legal");
    let risk = app.signed_in(Role::Risk);
    let file = risk.get("/v1/customers/C1/credit").await.body;
    assert_eq!(file["decision"]["on_hold"], true, "day 60 put it on hold");
    assert!(
        woken_days < 30,
        "the wake index woke it only when something was due: {woken_days} days"
    );
    assert_eq!(
        (
            replay.alerts_opened,
            replay.alerts_raised,
            replay.dunning_summaries
        ),
        (0, 0, 0)
    );
    assert_eq!(
        collections(&app, "C1").await["activity"],
        before_replay["activity"]
    );
}

#[tokio::test]
async fn a_disputed_invoice_waits_out_of_dunning_until_the_dispute_is_resolved() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![
        invoice_on(
            "inv-d",
            "C1",
            today - Duration::days(50),
            today - Duration::days(20),
            "900.00",
        ),
        json!({"idempotency_key": "dis-1", "customer_id": "C1", "date": today.to_string(),
                   "event": {"type": "dispute_opened", "dispute": "DIS-1", "invoice": "INV-D",
                             "amount": money("900.00")}}),
    ])
    .await;

    // Act
    app.watch("C1").await;

    // Assert
    let view = collections(&app, "C1").await;
    assert!(
        activity_of(&view, "dunning").is_empty(),
        "{}",
        view["activity"]
    );
}

#[tokio::test]
async fn a_broken_promise_raises_an_alert_and_a_kept_one_does_not() {
    // Arrange: two customers with an overdue invoice each promise to pay in 3 days.
    let app = spawn_app().await;
    let today = app.clock.today();
    let collector = app.signed_in(Role::Collector);
    for c in ["C1", "C2"] {
        late_invoice(&app, c, &format!("inv-p{c}"), 15, "3000.00").await;
        let promised = collector
            .post(
                &format!("/v1/customers/{c}/promises"),
                json!({"idempotency_key": format!("promise-{c}"),
                        "date": (today + Duration::days(3)).to_string(),
                        "amount": money("3000.00"), "note": "CFO on the phone"}),
            )
            .await;
        promised.assert_status(201);
    }
    set_day(&app, today + Duration::days(2));
    app.post_events(vec![payment_on(
        "pay-kept",
        "C2",
        today + Duration::days(2),
        "3000.00",
    )])
    .await;

    // Act
    set_day(&app, today + Duration::days(4));
    let report = daily(&app).await;

    // Assert
    let broken = collections(&app, "C1").await;
    let kept = collections(&app, "C2").await;
    assert_eq!(broken["promises"][0]["status"], "broken");
    assert_eq!(
        kept["promises"][0]["status"], "kept",
        "{}",
        kept["promises"]
    );
    assert!(alert(&broken, "promise_broken").is_some());
    assert!(alert(&kept, "promise_broken").is_none());
    assert_eq!(report.promises_broken, 1);
}

#[tokio::test]
async fn a_promise_in_the_past_or_in_another_currency_is_refused_by_field() {
    let app = spawn_app().await;
    let collector = app.signed_in(Role::Collector);
    an_account(&app, "C1", "inv-x").await;

    let past = collector
        .post(
            "/v1/customers/C1/promises",
            json!({"idempotency_key": "past", "date": "2020-01-01", "amount": money("10.00")}),
        )
        .await;
    let usd = collector
        .post(
            "/v1/customers/C1/promises",
            json!({"idempotency_key": "usd", "date": (app.clock.today() + Duration::days(2)).to_string(),
                    "amount": {"amount": "10.00", "currency": "USD"}}),
        )
        .await;

    assert_eq!(past.status, 422);
    assert_eq!(past.body["errors"][0]["field"], "date");
    assert_eq!(usd.status, 422);
    assert_eq!(usd.body["errors"][0]["field"], "amount.currency");
}

#[tokio::test]
async fn replaying_a_stream_batch_raises_nothing_new() {
    // Arrange: a lawsuit is recorded; the stream carries the signal and the credit file.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    an_account(&app, "C1", "inv-s").await;
    let signal = record_signal(&app, "court-123", "lawsuit", "sued by a supplier for 2.1M").await;
    signal.assert_status(201);
    let pk = "T#alpha#C#C1".to_owned();
    let batch = vec![
        (pk.clone(), "SG#court-123".to_owned()),
        (pk, "CREDIT".to_owned()),
    ];

    // Act
    let first = watch::on_changes(&app.ctx(), &batch).await.report;
    let after_first = collections(&app, "C1").await;
    let second = watch::on_changes(&app.ctx(), &batch).await.report;
    let again = record_signal(&app, "court-123", "lawsuit", "sued by a supplier for 2.1M").await;

    // Assert
    assert_eq!(first.alerts_opened, 1, "{first:?}");
    assert_eq!(
        (second.alerts_opened, second.alerts_raised),
        (0, 0),
        "{second:?}"
    );
    let after_second = collections(&app, "C1").await;
    assert_eq!(after_second["alerts"], after_first["alerts"]);
    assert_eq!(after_second["activity"], after_first["activity"]);
    assert_eq!(again.status, 200, "the same signal twice is recorded once");
    let file = risk.get("/v1/customers/C1/credit").await.body;
    assert_eq!(
        file["decision"]["on_hold"], true,
        "the rule's action put it on hold"
    );
}

/// A webhook receiver that fails the first `failures` calls, recording every call.
async fn receiver(failures: usize) -> (String, Arc<Mutex<Vec<(String, String)>>>) {
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
                let mut calls = seen.lock().unwrap();
                calls.push((signature, body));
                if calls.len() <= failures {
                    StatusCode::INTERNAL_SERVER_ERROR
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, calls)
}

#[tokio::test]
async fn webhooks_are_signed_and_retried_with_backoff_until_the_receiver_takes_them() {
    // Arrange: a receiver that fails twice; an admin points the tenant's webhook at it.
    let app = spawn_app().await;
    let (url, calls) = receiver(2).await;
    let secret = "a-long-shared-secret-0123";
    let admin = app.signed_in(Role::Admin);
    let saved = admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 0, "reason": "ERP integration",
                    "document": {"endpoints": [{"id": "erp", "url": url, "secret": secret}]}}),
        )
        .await;
    saved.assert_status(200);
    // Only the signal rule, so exactly one alert goes out.
    let mut rules = default_warning_rules();
    rules["rules"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["id"] == "external_signal");
    let only_signals = admin
        .put(
            "/v1/admin/warning-rules",
            json!({"replaces": 0, "reason": "signals only", "document": rules}),
        )
        .await;
    only_signals.assert_status(200);
    app.post_events(
        // Due in a month: no dunning step yet, so the alert is the only event.
        vec![invoice_on(
            "inv-w",
            "C1",
            app.clock.today(),
            app.clock.today() + Duration::days(30),
            "10.00",
        )],
    )
    .await;
    let signal = record_signal(&app, "news-9", "negative_news", "factory closed").await;
    assert_eq!(signal.status, 201);
    app.watch("C1").await;
    let tenant = tenant("alpha");

    // Act: deliver now, too early for the retry, after 30 s, after another minute.
    let mut sent = Vec::new();
    for wait in [0, 10, 20, 60] {
        app.clock.advance(Duration::seconds(wait));
        sent.push(watch::deliver_due(&app.ctx(), &tenant).await.unwrap());
    }

    // Assert
    let log = admin.get("/v1/admin/webhooks/deliveries").await.body;
    assert_eq!(sent, [0, 0, 0, 1], "delivered on the third attempt: {log}");
    let calls = calls.lock().unwrap().clone();
    assert_eq!(calls.len(), 3, "no attempt before its backoff: {calls:?}");
    for (signature, body) in &calls {
        // `t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">`, t the attempt's time.
        let (t, v1) = signature
            .strip_prefix("t=")
            .and_then(|s| s.split_once(",v1="))
            .unwrap_or_else(|| panic!("a timestamped signature: {signature}"));
        let sent_at: i64 = t.parse().unwrap();
        assert!(
            (sent_at - app.clock.now().unix_timestamp()).abs() <= 120,
            "{signature}"
        );
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        assert_eq!(v1, hex::encode(mac.finalize().into_bytes()));
        assert_eq!(body, &calls[0].1, "every attempt sends the same body");
    }
    let event: Value = serde_json::from_str(&calls[0].1).unwrap();
    assert_eq!(event["event"], "alert.opened");
    assert_eq!(event["data"]["rule_id"], "external_signal");
    let delivery = &log["items"][0];
    assert_eq!(delivery["status"], "delivered");
    let statuses: Vec<Value> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].clone())
        .collect();
    assert_eq!(statuses, [json!(500), json!(500), json!(204)]);
}

#[tokio::test]
async fn an_alert_is_acknowledged_then_resolved_with_a_note_and_a_stale_version_is_refused() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    late_invoice(&app, "C1", "inv-a", 40, "500.00").await;
    app.watch("C1").await;
    let path = "/v1/customers/C1/alerts/overdue_steps";

    // Act
    let ack = risk
        .post(path, json!({"action": "acknowledge", "version": 1}))
        .await;
    let stale = risk
        .post(
            path,
            json!({"action": "resolve", "note": "paid", "version": 1}),
        )
        .await;
    let no_note = risk
        .post(path, json!({"action": "resolve", "version": 2}))
        .await;
    let resolved = risk
        .post(
            path,
            json!({"action": "resolve", "note": "agreed a payment plan", "version": 2}),
        )
        .await;
    // The next day the invoice is a day older (new figures, same level).
    app.clock.advance(Duration::days(1));
    app.watch("C1").await;

    // Assert
    ack.assert_status(200);
    assert_eq!(ack.body["status"], "acknowledged");
    assert_eq!(stale.status, 409);
    assert_eq!(no_note.status, 422);
    assert_eq!(no_note.body["errors"][0]["field"], "note");
    assert_eq!(resolved.body["status"], "resolved");
    let open = risk.get("/v1/alerts").await.body;
    assert!(
        open["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["rule_id"] != "overdue_steps"),
        "resolved, and a day older at the same level does not reopen it"
    );
    let resolved_list = risk.get("/v1/alerts?status=resolved").await.body;
    assert_eq!(resolved_list["items"][0]["rule_id"], "overdue_steps");
}

#[tokio::test]
async fn a_sales_rep_sees_only_alerts_of_their_own_customers() {
    // Arrange: C1 is the rep's, C4 another rep's; both have an overdue invoice.
    let app = spawn_app().await;
    let today = app.clock.today();
    for c in ["C1", "C4"] {
        app.post_events(vec![invoice_on(
            &format!("inv-o{c}"),
            c,
            today - Duration::days(70),
            today - Duration::days(35),
            "800.00",
        )])
        .await;
        app.watch(c).await;
    }
    let sales = app.signed_in(Role::Sales);

    // Act
    let listed = sales.get("/v1/alerts").await;

    // Assert
    let customers: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["customer_id"].as_str().unwrap())
        .collect();
    assert!(customers.contains(&"C1"), "{customers:?}");
    assert!(!customers.contains(&"C4"), "{customers:?}");
    assert!(listed.body["mine_open"].as_u64().unwrap() >= 1);
}

#[tokio::test]
async fn tasks_go_to_the_least_loaded_collector_and_leave_the_worklist_when_done() {
    // Arrange: two collectors in the directory; two customers 40 days late.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    for name in ["collector", "wang"] {
        let r = admin
            .put(
                &format!("/v1/admin/users/{name}"),
                json!({"version": 0, "roles": ["collector"], "reason": "collections team"}),
            )
            .await;
        r.assert_status(200);
    }
    for c in ["C2", "C3"] {
        late_invoice(&app, c, &format!("inv-t{c}"), 40, "1200.00").await;
        app.watch(c).await;
    }
    let collector = app.signed_in(Role::Collector);
    let mine = collector.get("/v1/worklist").await.body;
    let theirs = admin.get("/v1/worklist?assignee=wang").await.body;

    // Act
    let task = &mine["items"][0];
    let done = collector
        .post(
            &format!(
                "/v1/customers/{}/tasks/{}/done",
                task["customer_id"].as_str().unwrap(),
                task["id"].as_str().unwrap()
            ),
            json!({"note": "called, will pay Friday", "version": task["version"]}),
        )
        .await;

    // Assert
    assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(theirs["items"].as_array().unwrap().len(), 1, "{theirs}");
    done.assert_status(200);
    let after = collector.get("/v1/worklist").await.body;
    assert!(after["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn warning_rules_with_falling_steps_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let mut rules = default_warning_rules();
    rules["rules"][1]["when"]["steps"] = json!([60, 30]);

    let r = admin
        .put(
            "/v1/admin/warning-rules",
            json!({"replaces": 0, "reason": "tighter", "document": rules}),
        )
        .await;

    assert_eq!(r.status, 422);
    assert_eq!(r.body["errors"][0]["field"], "document.rules[1].when.steps");
}

#[tokio::test]
async fn the_kpis_add_up_the_watched_customers() {
    // Arrange
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![
        invoice_on(
            "inv-k1",
            "C1",
            today - Duration::days(60),
            today - Duration::days(30),
            "3000.00",
        ),
        invoice_on(
            "inv-k2",
            "C2",
            today - Duration::days(10),
            today + Duration::days(20),
            "1000.00",
        ),
    ])
    .await;
    for c in ["C1", "C2", "C3", "C4"] {
        app.watch(c).await;
    }
    let risk = app.signed_in(Role::Risk);

    // Act
    let kpis = risk.get("/v1/kpis").await;
    let aging = risk.get("/v1/aging").await;

    // Assert
    kpis.assert_status(200);
    // C3 and C4 have no account yet (no ledger): nothing to watch.
    assert_eq!(kpis.body["customers"], 2);
    assert_eq!(kpis.body["receivables"]["amount"], "4000.00");
    assert_eq!(kpis.body["overdue_share"], "0.75");
    let buckets: Vec<(&str, &str)> = aging.body["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["bucket"].as_str().unwrap(),
                b["amount"]["amount"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(buckets[0], ("current", "1000.00"));
    assert_eq!(buckets[1], ("1-30", "3000.00"));
}

#[tokio::test]
async fn the_local_stream_consumer_watches_a_customer_when_a_signal_is_recorded() {
    // Arrange: the consumer credence-local runs, on this test's table and clock.
    let app = spawn_app().await;
    an_account(&app, "C1", "inv-l").await;
    let watcher = credence_api::watcher::Watcher::new(
        app.store.clone(),
        app.clock.clone(),
        app.egress.clone(),
    );
    let consumer = tokio::spawn(credence_api::watcher::consume_local_stream(
        watcher,
        endpoint(),
        "local".into(),
    ));
    // It reads new records only: give it time to open its shard iterators.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;

    // Act
    let signal = record_signal(
        &app,
        "exec-77",
        "enforcement_list",
        "listed as a judgment defaulter",
    )
    .await;
    assert_eq!(signal.status, 201);

    // Assert
    let mut seen = None;
    for _ in 0..60 {
        let view = collections(&app, "C1").await;
        if let Some(a) = alert(&view, "external_signal") {
            seen = Some(a.clone());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    consumer.abort();
    let alert = seen.expect("the stream consumer raised the signal alert within 30 s");
    assert_eq!(alert["severity"], "critical");
}

#[tokio::test]
async fn a_rule_can_require_prepayment_and_propose_a_limit_cut_through_the_approval_matrix() {
    // Arrange: the tenant's signal rule asks for half the order paid in advance and a 30%
    // cut of the limit.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let mut rules = default_warning_rules();
    for rule in rules["rules"].as_array_mut().unwrap() {
        if rule["id"] == "external_signal" {
            rule["actions"] = json!([
                {"type": "require_prepayment", "share": "0.5"},
                {"type": "propose_limit_cut", "by_share": "0.3"}
            ]);
        }
    }
    let saved = admin
        .put(
            "/v1/admin/warning-rules",
            json!({"replaces": 0, "reason": "stricter on signals", "document": rules}),
        )
        .await;
    saved.assert_status(200);
    let version = risk.get("/v1/customers/C1/credit").await.body["version"].clone();
    let limit = risk
        .put(
            "/v1/customers/C1/credit-decision",
            json!({"version": version, "reason": "agreed", "limit": money("100000.00")}),
        )
        .await;
    limit.assert_status(200);
    let signal = record_signal(
        &app,
        "news-cut",
        "negative_news",
        "main customer went bankrupt",
    )
    .await;
    assert_eq!(signal.status, 201);

    // Act
    app.watch("C1").await;
    app.watch("C1").await;

    // Assert
    let file = risk.get("/v1/customers/C1/credit").await.body;
    assert_eq!(file["file"]["prepayment_share"], "0.5", "{}", file["file"]);
    let requests = risk.get("/v1/customers/C1/requests").await.body;
    let cuts: Vec<&Value> = requests["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["requester"] == "system")
        .collect();
    assert_eq!(
        cuts.len(),
        1,
        "one request, however often it is watched: {requests}"
    );
    assert_eq!(cuts[0]["kind"], "limit_decrease");
    assert_eq!(cuts[0]["amount"]["amount"], "70000");
    assert_eq!(cuts[0]["status"], "pending");
}
