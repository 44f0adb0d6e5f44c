//! Everything known reaches the engine: signals and financial statements recorded on a
//! customer move its score by the default model's points (`shared/defaults/model.json`) at
//! once, an enforcement-list hit grades it E, and the same signal from the same source
//! twice is one signal.

use crate::helpers::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use time::Duration;

fn score(file: &Value) -> Decimal {
    file["assessment"]["score"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a score in {}", file["assessment"]))
}

async fn an_invoiced_customer(app: &TestApp) {
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "ev-inv-1",
        "C1",
        today - Duration::days(10),
        today + Duration::days(20),
        "8000.00",
    )])
    .await;
}

fn signal(key: &str, kind: &str, date: time::Date, more: Value) -> Value {
    let mut body = json!({"idempotency_key": key, "kind": kind, "date": date.to_string(),
                          "source": "企查查", "summary": "见报告"});
    for (k, v) in more.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

#[tokio::test]
async fn a_clean_check_a_lawsuit_and_a_bureau_rating_move_the_score_by_the_models_points() {
    // Arrange: C1 has never been checked (lawsuits "not checked" −5, news unknown 0).
    let app = spawn_app().await;
    an_invoiced_customer(&app).await;
    let today = app.clock.today();
    let risk = app.signed_in(Role::Risk);
    let path = "/v1/customers/C1/signals";
    let unchecked = score(&risk.credit("C1").await);

    // Act
    risk.post(
        path,
        signal("chk-1", "nothing_found", today, json!({"summary": ""})),
    )
    .await
    .assert_status(201);
    let checked = score(&risk.credit("C1").await);
    let suit = json!({"case_number": "(2026)沪0115民初1234号", "court": "上海市浦东新区人民法院",
                      "amount": {"amount": "210000.00", "currency": "CNY"}});
    risk.post(path, signal("suit-1", "lawsuit", today, suit.clone()))
        .await
        .assert_status(201);
    let again = risk
        .post(path, signal("suit-1-again", "lawsuit", today, suit))
        .await;
    let sued = score(&risk.credit("C1").await);
    risk.post(
        path,
        signal(
            "rating-1",
            "bureau_rating",
            today,
            json!({"agency": "中诚信", "class": 1}),
        ),
    )
    .await
    .assert_status(201);
    let rated = score(&risk.credit("C1").await);
    let listed = risk.get(path).await;

    // Assert: lawsuits −5 → +5 and news 0 → +5; one suit +5 → −10; class 1 +25.
    assert_eq!(checked - unchecked, Decimal::from(15));
    again.assert_status(200);
    assert_eq!(sued - checked, Decimal::from(-15));
    assert_eq!(rated - sued, Decimal::from(25));
    let listed = listed.assert_status(200);
    assert_eq!(
        listed.as_array().unwrap().len(),
        3,
        "the suit twice is one signal: {listed}"
    );
}

#[tokio::test]
async fn an_enforcement_list_hit_grades_the_customer_e_until_it_is_lifted() {
    // Arrange
    let app = spawn_app().await;
    an_invoiced_customer(&app).await;
    let today = app.clock.today();
    let risk = app.signed_in(Role::Risk);
    let path = "/v1/customers/C1/signals";
    let hit = signal(
        "zxgk-1",
        "enforcement_list",
        today,
        json!({"case_number": "(2026)京0105执5678号"}),
    );

    // Act
    risk.post(path, hit.clone()).await.assert_status(201);
    let listed = risk.credit("C1").await;
    let mut lifted = hit;
    lifted["status"] = "closed".into();
    lifted["idempotency_key"] = "zxgk-1-lifted".into();
    risk.post(path, lifted).await.assert_status(201);
    let after = risk.credit("C1").await;

    // Assert
    assert_eq!(
        listed["assessment"]["grade"], "E",
        "{}",
        listed["assessment"]
    );
    assert!(
        listed["assessment"]["knocked_out"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["code"]
                .as_str()
                .is_some_and(|c| c.contains("ENFORCEMENT"))),
        "{}",
        listed["assessment"]["knocked_out"]
    );
    assert_ne!(
        after["assessment"]["grade"], "E",
        "a lifted listing no longer knocks out"
    );
}

#[tokio::test]
async fn financial_statements_reach_the_score_and_bad_figures_are_named_by_field() {
    // Arrange: a healthy balance sheet (Z″ well above 2.6: the model's safe zone).
    let app = spawn_app().await;
    an_invoiced_customer(&app).await;
    let today = app.clock.today();
    let risk = app.signed_in(Role::Risk);
    let path = "/v1/customers/C1/financials";
    let before = score(&risk.credit("C1").await);
    let statement = json!({"period_end": (today - Duration::days(90)).to_string(), "currency": "CNY",
        "revenue": "52000000", "net_profit": "3100000",
        "total_assets": "40000000", "current_assets": "22000000", "current_liabilities": "8000000",
        "total_liabilities": "15000000", "retained_earnings": "12000000", "ebit": "5000000",
        "equity": "25000000"});

    // Act
    let first = risk.post(path, statement.clone()).await;
    let second = risk.post(path, statement.clone()).await;
    let after = score(&risk.credit("C1").await);
    let mut wrong = statement.clone();
    wrong["current_assets"] = "50000000".into();
    wrong["currency"] = "USD".into();
    let refused = risk.post(path, wrong).await;
    let sales = app.signed_in(Role::Sales).post(path, statement).await;
    let listed = risk.get(path).await;

    // Assert
    first.assert_status(201);
    second.assert_status(200);
    assert!(
        after > before,
        "a safe Z″ raises the score: {before} → {after}"
    );
    refused.assert_status(422);
    let fields: Vec<&str> = refused.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"currency") && fields.contains(&"current_assets"),
        "{fields:?}"
    );
    sales.assert_status(403);
    assert_eq!(listed.assert_status(200).as_array().unwrap().len(), 1);
}
