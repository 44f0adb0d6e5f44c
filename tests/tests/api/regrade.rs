//! Publishing re-grades the portfolio: a stricter policy published by the admin reaches
//! every stored credit file through the re-grade job, step by step, and the order check
//! answers from it; a finished job stays finished.

use crate::helpers::*;
use serde_json::{Value, json};

#[tokio::test]
async fn publishing_a_stricter_policy_re_grades_every_customer_and_the_check_answers_from_it() {
    // Arrange: every customer of the tenant has a credit file computed with the defaults.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let page = risk.get("/v1/customers?limit=50").await;
    let ids: Vec<String> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &ids {
        risk.credit(id).await;
    }
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
    let stale = risk.credit(&ids[0]).await;
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
    assert_ne!(
        stale["recommendation"]["prepayment_share"], "0.4",
        "before the re-grade the stored file is on the old policy"
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
