//! Credit requests: filed, approved, rejected, returned and resubmitted, withdrawn;
//! the kinds of change (limits, terms, temporary limits, blocked-order releases).

use crate::helpers::*;
use serde_json::{Value, json};

// ----- approve, reject, return ----------------------------------------------------------

#[tokio::test]
async fn a_small_increase_approved_by_risk_changes_the_limit_and_is_audited_before_and_after() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;

    let r = sales.file_request("C1", limit_change("80000.00")).await;
    r.assert_status(201);
    assert_eq!(r.body["kind"], "limit_increase");
    assert_eq!(r.body["status"], "pending");
    assert_eq!(roles_of(&r.body), ["risk"]);
    let rid = r.body["id"].as_str().unwrap();
    let approved = risk.approve("C1", rid, 1).await;

    approved.assert_status(200);
    assert_eq!(approved.body["request"]["status"], "approved");
    assert_eq!(
        timeline_of(&approved.body["request"]),
        ["submitted", "approved", "applied"]
    );
    let file = risk.credit("C1").await;
    assert_eq!(file["file"]["limit"]["amount"], "80000.00");
    assert_eq!(file["decision"]["limit"]["amount"]["amount"], "80000.00");
    let trail = risk.audit_of("C1").await;
    let actions = audit_actions(&trail);
    for action in ["submit", "approve", "apply-request"] {
        assert!(actions.contains(&action), "{action} missing in {actions:?}");
    }
    let applied = trail
        .iter()
        .find(|e| e["action"] == "apply-request")
        .unwrap();
    assert_eq!(applied["actor"], "risk");
    assert_eq!(applied["entity"], "credit_file");
    assert_eq!(
        applied["before"]["limit"]["amount"]["amount"], "10000.00",
        "{applied}"
    );
    assert_eq!(
        applied["after"]["limit"]["amount"]["amount"], "80000.00",
        "{applied}"
    );
}

#[tokio::test]
async fn a_rejection_needs_a_note_and_leaves_the_credit_file_as_it_was() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let before = risk.credit("C1").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;

    let silent = risk.review("C1", &rid, "reject", "  ", 1).await;
    let rejected = risk
        .review("C1", &rid, "reject", "payment record too short", 1)
        .await;

    silent.problem(422);
    assert_eq!(silent.problem_field(), "note");
    rejected.assert_status(200);
    let request = &rejected.body["request"];
    assert_eq!(request["status"], "rejected");
    let last = request["timeline"].as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "rejected");
    assert_eq!(last["note"], "payment record too short");
    let after = risk.credit("C1").await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["file"]["limit"]["amount"], "10000.00");
    // A decided request cannot be decided again.
    let again = risk.approve("C1", &rid, 2).await;
    again.problem(409);
}

#[tokio::test]
async fn a_returned_request_shows_in_the_requesters_inbox_and_an_amended_one_is_applied() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;

    let returned = risk
        .review("C1", &rid, "return", "attach last year's accounts", 1)
        .await;
    returned.assert_status(200);
    assert_eq!(returned.body["request"]["status"], "returned");
    let mine = sales.inbox().await;
    assert_eq!(ids_in(&mine["returned"]), [rid.as_str()]);
    assert_eq!(mine["counts"]["returned"], 1);
    let amended = sales
        .put(
            &format!("/v1/customers/C1/requests/{rid}"),
            json!({"version": 2, "change": limit_change("90000.00"),
                    "justification": "accounts attached; a little more"}),
        )
        .await;
    amended.assert_status(200);
    let request = &amended.body["request"];
    assert_eq!(request["status"], "pending");
    assert_eq!(roles_of(request), ["risk"]);
    assert!(
        request["steps"][0]
            .get("outcome")
            .is_none_or(Value::is_null)
    );
    assert_eq!(
        timeline_of(request),
        ["submitted", "returned", "resubmitted"]
    );
    assert_eq!(risk.summary_of("C1", &rid).await["waiting_for"], "risk");
    assert_eq!(sales.inbox().await["counts"]["returned"], 0);

    let approved = risk.approve("C1", &rid, version_of(&amended.body)).await;

    approved.assert_status(200);
    assert_eq!(approved.body["request"]["status"], "approved");
    let file = risk.credit("C1").await;
    assert_eq!(file["file"]["limit"]["amount"], "90000.00");
}

#[tokio::test]
async fn a_stale_version_on_resubmit_is_a_conflict_and_only_the_requester_may_resubmit() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;
    risk.review("C1", &rid, "return", "more please", 1).await;
    let body = json!({"version": 2, "change": limit_change("90000.00"),
                      "justification": "amended"});

    let stale = sales
        .put(
            &format!("/v1/customers/C1/requests/{rid}"),
            json!({"version": 1, "change": limit_change("90000.00"),
                    "justification": "amended"}),
        )
        .await;
    let by_risk = risk
        .put(&format!("/v1/customers/C1/requests/{rid}"), body)
        .await;

    stale.problem(409);
    by_risk.problem(403);
}

#[tokio::test]
async fn a_withdrawn_request_can_no_longer_be_approved() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;

    let by_risk = risk
        .post(
            &format!("/v1/customers/C1/requests/{rid}/withdraw"),
            json!({"version": 1}),
        )
        .await;
    let withdrawn = sales
        .post(
            &format!("/v1/customers/C1/requests/{rid}/withdraw"),
            json!({"version": 1}),
        )
        .await;
    let late = risk.approve("C1", &rid, 2).await;

    by_risk.problem(403);
    withdrawn.assert_status(200);
    assert_eq!(withdrawn.body["request"]["status"], "withdrawn");
    late.problem(409);
    assert_eq!(
        risk.credit("C1").await["file"]["limit"]["amount"],
        "10000.00"
    );
}

#[tokio::test]
async fn the_same_request_filed_twice_while_open_is_a_conflict() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    app.customer_with_limit("C1", "10000.00").await;
    sales.filed("C1", limit_change("80000.00")).await;

    let again = sales.file_request("C1", limit_change("80000.00")).await;

    again.problem(409);
}

#[tokio::test]
async fn a_request_sent_again_with_its_key_is_filed_once_and_a_bad_key_is_refused() {
    // Arrange: a limit request typed offline is replayed from the app's queue, twice.
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    app.customer_with_limit("C1", "10000.00").await;
    let body = json!({
        "change": limit_change("80000.00"),
        "justification": "车库里没信号时填的",
        "idempotency_key": "request-offline-1",
    });

    // Act
    let first = sales.post("/v1/customers/C1/requests", body.clone()).await;
    let again = sales.post("/v1/customers/C1/requests", body).await;
    let bad = sales
        .post(
            "/v1/customers/C1/requests",
            json!({
                "change": limit_change("90000.00"),
                "justification": "x",
                "idempotency_key": "no spaces",
            }),
        )
        .await;
    let list = sales.get("/v1/customers/C1/requests").await.body;

    // Assert
    first.assert_status(201);
    again.assert_status(200);
    assert_eq!(again.body["id"], first.body["id"], "the request filed then");
    bad.problem(422);
    assert_eq!(bad.problem_field(), "idempotency_key");
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
}

#[tokio::test]
async fn a_terms_change_needs_risk_then_finance_and_sets_the_terms() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let finance = app.signed_in(Role::Finance);
    let r = sales
        .file_request("C1", json!({"type": "terms_change", "terms_days": 45}))
        .await;
    r.assert_status(201);
    assert_eq!(roles_of(&r.body), ["risk", "finance"]);
    let rid = r.body["id"].as_str().unwrap();

    risk.approve("C1", rid, 1).await;
    let last = finance.approve("C1", rid, 2).await;

    last.assert_status(200);
    assert_eq!(last.body["request"]["status"], "approved");
    assert_eq!(risk.credit("C1").await["decision"]["terms_days"], 45);
}

#[tokio::test]
async fn an_approved_temporary_limit_replaces_the_limit_and_keeps_the_permanent_one() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let until = (app.clock.today() + time::Duration::days(10)).to_string();
    let r = sales
        .file_request(
            "C1",
            json!({"type": "temporary_limit", "limit": money("50000.00"), "until": until}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["kind"], "temporary_limit");
    let rid = r.body["id"].as_str().unwrap();

    let d = app.approve_all("C1", rid).await;

    assert_eq!(d["request"]["status"], "approved");
    let file = risk.credit("C1").await;
    assert_eq!(file["file"]["limit"]["amount"], "50000.00");
    assert_eq!(file["decision"]["limit"]["amount"]["amount"], "10000.00");
    assert_eq!(
        file["decision"]["temporary"]["amount"]["amount"],
        "50000.00"
    );
}

#[tokio::test]
async fn an_approved_release_of_a_blocked_order_takes_it_off_the_queue() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let finance = app.signed_in(Role::Finance);
    let risk = app.signed_in(Role::Risk);
    app.set_limit("C2", "1000.00").await;
    let today = app.clock.today();
    let posted = finance
        .post(
            "/v1/ledger/events",
            json!({"events": [order_placed("so-1", "C2", today, "SO-1", "5000.00")]}),
        )
        .await;
    assert_eq!(
        posted.body["results"][0]["check"]["decision"], "block",
        "{}",
        posted.body
    );
    let unknown = sales
        .file_request(
            "C2",
            json!({"type": "blocked_order_release", "order_key": "so-404"}),
        )
        .await;
    unknown.problem(422);
    assert_eq!(unknown.problem_field(), "change.order_key");
    let r = sales
        .file_request(
            "C2",
            json!({"type": "blocked_order_release", "order_key": "so-1"}),
        )
        .await;
    r.assert_status(201);
    assert_eq!(r.body["evidence"]["order_amount"]["amount"], "5000.00");
    assert_eq!(roles_of(&r.body), ["risk"]);
    let rid = r.body["id"].as_str().unwrap();

    let approved = risk.approve("C2", rid, 1).await;

    approved.assert_status(200);
    assert_eq!(approved.body["request"]["status"], "approved");
    assert!(timeline_of(&approved.body["request"]).contains(&"applied"));
    let queue = finance.get("/v1/blocked-orders").await;
    queue.assert_status(200);
    assert!(
        !queue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["order"]["order"] == "SO-1"),
        "{}",
        queue.body
    );
}
