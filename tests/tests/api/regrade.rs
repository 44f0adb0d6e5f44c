//! Publishing re-grades the portfolio: a stricter policy published by the admin reaches
//! every stored credit file through the re-grade job, step by step (a file read before the
//! job reaches it is recomputed on the read), and the order check answers from it; a
//! finished job stays finished. Before publishing, a preview counts what would change.

use crate::helpers::*;
use serde_json::{Value, json};

#[tokio::test]
async fn publishing_a_stricter_policy_re_grades_every_customer_and_the_check_answers_from_it() {
    // Arrange: every customer of the tenant has a credit file computed with the defaults.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let ids = risk.open_every_file().await;
    let engine = admin.get("/v1/engine").await;
    let mut policy = engine.body["policy"].clone();
    for grade in ["A", "B", "C", "D", "E"] {
        policy["grades"][grade]["prepayment_share"] = json!("0.4");
    }

    // Act: publish, then step as the admin page does until the job is finished.
    admin
        .post(
            "/v1/admin/engine-versions",
            json!({"model": engine.body["model"], "policy": policy, "reason": "40% in advance"}),
        )
        .await
        .assert_status(201);
    let read_first = risk.credit(&ids[0]).await;
    let mut job = Value::Null;
    for _ in 0..20 {
        job = admin
            .post("/v1/admin/regrade", json!({}))
            .await
            .assert_status(200)
            .clone();
        if job["finished"] == true {
            break;
        }
    }
    let again = admin.post("/v1/admin/regrade", json!({})).await;
    let check = risk
        .post(
            &format!("/v1/customers/{}/credit-check", ids[0]),
            json!({"amount": money("1000.00")}),
        )
        .await;
    let by_risk = risk.post("/v1/admin/regrade", json!({})).await;

    // Assert
    let share = read_first["recommendation"]["prepayment_share"]
        .as_str()
        .unwrap_or_default();
    assert!(
        ["0.4", "1"].contains(&share),
        "a file read before the re-grade reaches it is recomputed on the new policy: {}",
        read_first["recommendation"]
    );
    assert_eq!(job["finished"], true, "{job}");
    assert_eq!(job["engine_version"], 1);
    assert_eq!(job["done"], json!(ids.len()));
    for id in &ids {
        let file = risk.credit(id).await;
        let share = file["file"]["prepayment_share"]
            .as_str()
            .unwrap_or_default();
        assert!(
            ["0.4", "1"].contains(&share),
            "{id}: the new policy's share (or grade E's whole order): {}",
            file["file"]
        );
    }
    assert_eq!(again.body, job, "a finished re-grade stays as it is");
    let check = check.assert_status(200);
    assert!(
        check.to_string().contains("prepayment"),
        "the check asks for the prepayment: {check}"
    );
    by_risk.problem(403);
}

#[tokio::test]
async fn before_publishing_the_admin_sees_how_many_customers_a_candidate_would_change_and_nothing_is_written()
 {
    // Arrange: every customer has a credit file; the candidate offers 7 days' terms at most.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let ids = risk.open_every_file().await;
    let mut before = Vec::new();
    for id in &ids {
        before.push(risk.credit(id).await["version"].clone());
    }
    let engine = admin.get("/v1/engine").await;
    let mut policy = engine.body["policy"].clone();
    for grade in ["A", "B", "C", "D", "E"] {
        let terms = policy["grades"][grade]["max_terms_days"].as_u64().unwrap();
        policy["grades"][grade]["max_terms_days"] = json!(terms.min(7));
    }
    let mut broken = engine.body["model"].clone();
    broken["version"] = json!(0);

    // Act
    let same = admin
        .post(
            "/v1/admin/engine-versions/preview",
            json!({"model": engine.body["model"], "policy": engine.body["policy"]}),
        )
        .await;
    let shorter = admin
        .post(
            "/v1/admin/engine-versions/preview",
            json!({"model": engine.body["model"], "policy": policy}),
        )
        .await;
    let bad = admin
        .post(
            "/v1/admin/engine-versions/preview",
            json!({"model": broken, "policy": policy}),
        )
        .await;

    // Assert
    let same = same.assert_status(200);
    assert_eq!(same["looked"], json!(ids.len()), "{same}");
    assert_eq!(same["grade_changed"], 0);
    assert_eq!(same["limit_changed"], 0);
    assert_eq!(same["terms_changed"], 0);
    assert_eq!(
        (
            same["gain"]["customers"].clone(),
            same["lose"]["customers"].clone()
        ),
        (json!(0), json!(0))
    );
    assert_eq!(
        (
            same["orders"]["newly_blocked"].clone(),
            same["orders"]["newly_passed"].clone()
        ),
        (json!(0), json!(0)),
        "the same engine blocks the same orders: {same}"
    );
    assert!(
        !same["expected_loss"].as_array().unwrap().is_empty(),
        "{same}"
    );
    for loss in same["expected_loss"].as_array().unwrap() {
        assert_eq!(
            loss["now"], loss["candidate"],
            "the same engine loses the same: {same}"
        );
    }
    assert!(same.get("next_cursor").is_none(), "one page: {same}");
    let shorter = shorter.assert_status(200);
    assert!(
        shorter["terms_changed"].as_u64().unwrap() >= 1,
        "shorter terms reach some customer: {shorter}"
    );
    assert_eq!(shorter["grade_changed"], 0, "the policy does not grade");
    bad.assert_status(422);
    assert!(
        bad.body["errors"][0]["field"]
            .as_str()
            .unwrap()
            .starts_with("model"),
        "{}",
        bad.body
    );
    for (id, version) in ids.iter().zip(before) {
        assert_eq!(risk.credit(id).await["version"], version, "{id} untouched");
    }
}

#[tokio::test]
async fn the_what_if_shows_who_loses_credit_and_which_recent_orders_a_stricter_policy_would_have_blocked()
 {
    // Arrange: every customer has a credit file; a candidate that lends nothing and blocks
    // every warning, and one that blocks nothing.
    // C1 buys every month and pays on time, then places an order that brings it near its
    // limit; C2 ordered far over its limit.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    risk.open_every_file().await;
    let today = app.clock.today();
    let day = |n: i64| today - time::Duration::days(n);
    let mut events = Vec::new();
    for month in 2..9_i64 {
        let key = format!("inv-{month}");
        events.push(invoice_on(
            &key,
            "C1",
            day(month * 30),
            day(month * 30 - 30),
            "20000.00",
        ));
        events.push(payment_on(
            &format!("pay-{month}"),
            "C1",
            day(month * 30 - 28),
            "20000.00",
        ));
    }
    events.push(invoice_on("inv-1", "C1", day(40), day(10), "30000.00"));
    events.push(order_placed("so-1", "C1", day(20), "SO-1", "18000.00"));
    events.push(order_placed("so-2", "C2", day(30), "SO-2", "5000.00"));
    app.post_events(events).await;
    app.set_limit("C1", "50000.00").await;
    app.set_limit("C2", "1000.00").await;
    let engine = admin.get("/v1/engine").await;
    let mut strict = engine.body["policy"].clone();
    for grade in ["A", "B", "C", "D", "E"] {
        strict["grades"][grade]["limit_multiplier"] = json!("0");
    }
    for rule in [
        "near_limit",
        "oldest_open_item",
        "review_expired",
        "prepayment_required",
    ] {
        strict["check"]["severity"][rule] = json!("block");
    }
    let mut lenient = engine.body["policy"].clone();
    for rule in ["over_limit", "overdue", "on_hold", "limit_expired"] {
        lenient["check"]["severity"][rule] = json!("warn");
    }

    // Act
    let model = &engine.body["model"];
    let strict = admin.what_if(model, &strict).await;
    let lenient = admin.what_if(model, &lenient).await;

    // Assert
    let sum = |pages: &[Value], pick: &dyn Fn(&Value) -> u64| pages.iter().map(pick).sum::<u64>();
    let looked = sum(&strict, &|p| p["looked"].as_u64().unwrap());
    let lose = sum(&strict, &|p| p["lose"]["customers"].as_u64().unwrap());
    let were_bad = sum(&strict, &|p| p["lose"]["were_bad"].as_u64().unwrap());
    assert!(
        lose > 0 && lose <= looked,
        "{lose} of {looked} lose credit: {strict:?}"
    );
    assert!(were_bad <= lose);
    assert_eq!(
        sum(&strict, &|p| p["gain"]["customers"].as_u64().unwrap()),
        0
    );
    for side in ["now", "candidate"] {
        let in_grades = sum(&strict, &|p| {
            p["by_grade"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b[side]["customers"].as_u64().unwrap())
                .sum()
        });
        assert_eq!(in_grades, looked, "every customer in one grade {side}");
    }
    let candidate_limits: Vec<&Value> = strict
        .iter()
        .flat_map(|p| p["by_grade"].as_array().unwrap())
        .map(|b| &b["candidate"]["limit"])
        .collect();
    assert!(
        candidate_limits.iter().all(|l| *l == &json!("0")),
        "a zero multiplier recommends no credit: {candidate_limits:?}"
    );
    let orders = sum(&strict, &|p| p["orders"]["looked"].as_u64().unwrap());
    assert!(orders > 0, "the demo has orders in the last 90 days");
    assert!(
        sum(&strict, &|p| p["orders"]["newly_blocked"].as_u64().unwrap()) > 0,
        "blocking warnings blocks some recent order"
    );
    assert_eq!(
        sum(&strict, &|p| p["orders"]["newly_passed"].as_u64().unwrap()),
        0
    );
    assert_eq!(
        sum(&lenient, &|p| p["orders"]["looked"].as_u64().unwrap()),
        orders
    );
    assert_eq!(
        sum(&lenient, &|p| p["orders"]["blocked_candidate"]
            .as_u64()
            .unwrap()),
        0
    );
    assert_eq!(
        sum(&lenient, &|p| p["orders"]["newly_passed"].as_u64().unwrap()),
        sum(&lenient, &|p| p["orders"]["blocked_now"].as_u64().unwrap()),
        "every order blocked now passes when nothing blocks"
    );
}
