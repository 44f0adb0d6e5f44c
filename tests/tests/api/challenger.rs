//! Champion / challenger: an admin starts a challenger on the whole portfolio; the re-grade
//! gives every credit file its shadow score (graded alike when the challenger is the
//! champion itself), the comparison judges both on the outcomes that arrive after the start,
//! and stopping takes the shadow scores off again. Starting is the admin's, with a share of
//! 1 to 100 percent and a reason.

use crate::helpers::*;
use serde_json::{Value, json};

/// Steps the re-grade until it is finished.
async fn finish_regrade(admin: &SignedIn<'_>) {
    for _ in 0..50 {
        let job = admin.post("/v1/admin/regrade", json!({})).await;
        if job.assert_status(200)["finished"] == json!(true) {
            return;
        }
    }
    panic!("the re-grade did not finish");
}

/// Every page of the comparison, summed.
async fn whole_comparison(risk: &SignedIn<'_>) -> (Vec<Value>, u64, u64, u64) {
    let (mut rows, mut same, mut other, mut not_judged) = (Vec::new(), 0, 0, 0);
    let mut cursor = Value::Null;
    loop {
        let page = risk
            .post(
                "/v1/lab/challengers/comparison",
                json!({"bad_dpd_days": 30, "cursor": cursor}),
            )
            .await
            .assert_status(200)
            .clone();
        rows.extend(page["rows"].as_array().unwrap().iter().cloned());
        same += page["same_grade"].as_u64().unwrap();
        other += page["other_grade"].as_u64().unwrap();
        not_judged += page["not_judged"].as_u64().unwrap();
        cursor = page.get("next_cursor").cloned().unwrap_or(Value::Null);
        if cursor.is_null() {
            return (rows, same, other, not_judged);
        }
    }
}

#[tokio::test]
async fn a_challenger_scores_every_file_in_shadow_is_judged_on_later_outcomes_and_stops() {
    // Arrange: C1 and C2 were invoiced two months ago; C1's invoice falls due a week after
    // the challenger starts and is never paid.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let today = app.clock.today();
    let day = |n: i64| today + time::Duration::days(n);
    app.post_events(vec![
        invoice_on("inv-1", "C1", day(-60), day(7), "8000.00"),
        invoice_on("inv-2", "C2", day(-60), day(-30), "5000.00"),
        payment_on("pay-2", "C2", day(-31), "5000.00"),
    ])
    .await;
    let engine = admin.get("/v1/engine").await.body.clone();

    // Act: the champion itself as challenger, on everyone.
    let started = admin
        .post(
            "/v1/lab/challengers",
            json!({"model": engine["model"], "policy": engine["policy"],
                   "share_percent": 100, "reason": "shadow trial"}),
        )
        .await;
    finish_regrade(&admin).await;
    let running = risk.get("/v1/lab/challengers").await;
    let (at_start, same, other, _) = whole_comparison(&risk).await;
    app.clock.advance(time::Duration::days(60));
    let (later, _, _, _) = whole_comparison(&risk).await;
    let stopped = admin
        .post("/v1/lab/challengers/stop", json!({"reason": "trial over"}))
        .await;
    finish_regrade(&admin).await;
    let (_, same_after, other_after, _) = whole_comparison(&risk).await;
    let again = admin
        .post("/v1/lab/challengers/stop", json!({"reason": "twice"}))
        .await;

    // Assert
    assert_eq!(started.assert_status(201)["id"], json!(1));
    assert_eq!(running.assert_status(200)["id"], json!(1));
    assert!(running.body.get("ended").is_none(), "{}", running.body);
    assert!(same >= 2, "C1 and C2 at least carry a shadow score: {same}");
    assert_eq!(other, 0, "the champion grades like itself");
    assert!(at_start.len() >= 2, "{at_start:?}");
    assert!(
        at_start.iter().all(|r| r["bad"] == json!(false)),
        "nothing went bad yet: {at_start:?}"
    );
    assert!(
        at_start.iter().all(|r| r["champion"] == r["challenger"]),
        "the same model scores the same: {at_start:?}"
    );
    assert_eq!(later.len(), at_start.len(), "the same customers");
    assert_eq!(
        later.iter().filter(|r| r["bad"] == json!(true)).count(),
        1,
        "C1's invoice is 53 days past due: {later:?}"
    );
    assert!(stopped.assert_status(200)["ended"]["reason"] == json!("trial over"));
    assert_eq!(
        (same_after, other_after),
        (0, 0),
        "the shadow scores are off the files"
    );
    again.problem(409);
}

#[tokio::test]
async fn only_an_admin_starts_a_challenger_and_a_share_out_of_range_is_refused_with_its_field() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let engine = admin.get("/v1/engine").await.body.clone();
    let body = |share: i64| {
        json!({"model": engine["model"], "policy": engine["policy"],
               "share_percent": share, "reason": "trial"})
    };

    // Act
    let by_risk = app
        .signed_in(Role::Risk)
        .post("/v1/lab/challengers", body(50))
        .await;
    let none = admin.post("/v1/lab/challengers", body(0)).await;
    let too_many = admin.post("/v1/lab/challengers", body(101)).await;
    let never = admin
        .post(
            "/v1/lab/challengers/stop",
            json!({"reason": "nothing runs"}),
        )
        .await;
    let nothing_to_compare = admin
        .post("/v1/lab/challengers/comparison", json!({}))
        .await;

    // Assert
    by_risk.problem(403);
    for refused in [none, too_many] {
        refused.problem(422);
        assert_eq!(refused.problem_field(), "share_percent");
    }
    never.problem(404);
    nothing_to_compare.problem(404);
    assert_eq!(
        admin.get("/v1/lab/challengers").await.assert_status(200),
        &Value::Null
    );
}

/// Approves every step of lab request `rid` as the user of its role; the final detail.
async fn approve_lab_request(app: &TestApp, rid: &str) -> Value {
    let path = format!("/v1/lab/requests/{rid}");
    for _ in 0..8 {
        let detail = app
            .signed_in(Role::Risk)
            .get(&path)
            .await
            .assert_status(200)
            .clone();
        if detail["request"]["status"] != "pending" {
            return detail;
        }
        let step = detail["request"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s.get("outcome").is_none_or(Value::is_null))
            .cloned()
            .unwrap();
        let role = match step["role"].as_str().unwrap() {
            "risk" => Role::Risk,
            "approver" => Role::Approver,
            "finance" => Role::Finance,
            _ => Role::Admin,
        };
        app.signed_in(role)
            .post(
                &format!("{path}/review"),
                json!({"action": "approve", "note": "",
                       "version": detail["request"]["version"]}),
            )
            .await
            .assert_status(200);
    }
    panic!("{rid} still pending after 8 approvals");
}

#[tokio::test]
async fn promoting_a_challenger_is_a_request_through_the_matrix_whose_approval_puts_it_in_force() {
    // Arrange: a challenger whose policy gives 7 days' terms at most, running on everyone.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let engine = admin.get("/v1/engine").await.body.clone();
    let mut policy = engine["policy"].clone();
    for grade in ["A", "B", "C", "D", "E"] {
        policy["grades"][grade]["max_terms_days"] = json!(7);
    }
    admin
        .post(
            "/v1/lab/challengers",
            json!({"model": engine["model"], "policy": policy, "reason": "shorter terms"}),
        )
        .await
        .assert_status(201);

    // Act
    let by_sales = app
        .signed_in(Role::Sales)
        .post(
            "/v1/lab/challengers/promotion",
            json!({"justification": "better"}),
        )
        .await;
    let filed = admin
        .post(
            "/v1/lab/challengers/promotion",
            json!({"justification": "it ranked better for a quarter"}),
        )
        .await;
    let rid = filed.body["id"].as_str().unwrap_or_default().to_owned();
    let twice = admin
        .post(
            "/v1/lab/challengers/promotion",
            json!({"justification": "again"}),
        )
        .await;
    let in_inbox = app.signed_in(Role::Risk).get("/v1/inbox").await;
    let done = approve_lab_request(&app, &rid).await;
    let in_force = admin.get("/v1/engine").await;
    let challenger = admin.get("/v1/lab/challengers").await;
    let job = admin.get("/v1/admin/regrade").await;
    let after = admin
        .post(
            "/v1/lab/challengers/promotion",
            json!({"justification": "once more"}),
        )
        .await;

    // Assert
    by_sales.problem(403);
    let filed = filed.assert_status(201);
    assert_eq!(filed["kind"], json!("model_promotion"));
    assert_eq!(filed["challenger"], json!(1), "{filed}");
    twice.problem(409);
    assert!(
        in_inbox.body.to_string().contains(&rid),
        "the promotion waits in risk's inbox: {}",
        in_inbox.body
    );
    assert_eq!(done["request"]["status"], json!("approved"), "{done}");
    assert_eq!(
        in_force.body["version"],
        json!(1),
        "the challenger is version 1"
    );
    assert_eq!(
        in_force.body["policy"]["grades"]["A"]["max_terms_days"],
        json!(7)
    );
    assert_eq!(challenger.body["ended"]["promoted_to"], json!(1));
    assert_eq!(job.body["engine_version"], json!(1));
    assert_eq!(
        job.body["finished"],
        json!(false),
        "the portfolio is re-graded"
    );
    after.problem(409);
}

#[tokio::test]
async fn a_challenger_can_be_judged_by_the_outcomes_the_tenant_imported() {
    // Arrange: C1 and C2 paid on time; a month after the start, a file says C2 defaulted.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let today = app.clock.today();
    let day = |n: i64| today + time::Duration::days(n);
    app.post_events(vec![
        invoice_on("oc-1", "C1", day(-60), day(-30), "1000.00"),
        payment_on("oc-p1", "C1", day(-30), "1000.00"),
        invoice_on("oc-2", "C2", day(-60), day(-30), "1000.00"),
        payment_on("oc-p2", "C2", day(-30), "1000.00"),
    ])
    .await;
    let engine = admin.get("/v1/engine").await.body.clone();
    admin
        .post(
            "/v1/lab/challengers",
            json!({"model": engine["model"], "policy": engine["policy"], "reason": "trial"}),
        )
        .await
        .assert_status(201);
    app.clock.advance(time::Duration::days(30));
    let file = json!({"dry_run": false, "mapping": ["customer", "date", "outcome"], "rows": [
        {"line": 2, "cells": ["C2", app.clock.today().to_string(), "bad"]},
    ]});
    risk.post("/v1/imports/outcomes", file)
        .await
        .assert_status(200);
    let bads = |page: &Value| {
        page["rows"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["bad"] == json!(true))
            .count()
    };

    // Act
    let by_ledger = risk.post("/v1/lab/challengers/comparison", json!({})).await;
    let by_file = risk
        .post(
            "/v1/lab/challengers/comparison",
            json!({"outcome_source": "imported"}),
        )
        .await;

    // Assert
    assert_eq!(bads(by_ledger.assert_status(200)), 0, "both paid on time");
    assert_eq!(bads(by_file.assert_status(200)), 1, "{}", by_file.body);
}
