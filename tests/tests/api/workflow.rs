//! The credit workflow end to end: requests routed by the approval matrix, reviews, the
//! inbox and SLAs, re-checks against a changed credit file, the blacklist, onboarding
//! applications, the admin configuration and the audit trail.

use crate::helpers::*;
use axum::{body::Body, http::Request};
use http_body_util::BodyExt;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use tower::ServiceExt;

fn money(amount: &str) -> Value {
    json!({"amount": amount, "currency": "CNY"})
}

/// A money value's amount as a number (zero may come as "0" or "0.00").
fn amount(money: &Value) -> Decimal {
    money["amount"]
        .as_str()
        .unwrap_or_else(|| panic!("not money: {money}"))
        .parse()
        .unwrap()
}

fn limit_change(amount: &str) -> Value {
    json!({"type": "limit", "limit": money(amount)})
}

async fn credit(app: &TestApp, token: &str, customer: &str) -> Value {
    let r = app
        .get(&format!("/v1/customers/{customer}/credit"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// Sets a person's limit on the customer (as risk), so the requests below are increases.
async fn set_limit(app: &TestApp, customer: &str, limit: &str) {
    let risk = app.token_for("risk").await;
    let version = credit(app, &risk, customer).await["version"].clone();
    let r = app
        .send_json(
            "PUT",
            &format!("/v1/customers/{customer}/credit-decision"),
            &risk,
            &json!({"version": version, "reason": "test limit", "limit": money(limit)}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// A customer whose limit is `limit` and whose grade routes credit by amount (A–C).
async fn customer_with_limit(app: &TestApp, customer: &str, limit: &str) {
    set_limit(app, customer, limit).await;
    let risk = app.token_for("risk").await;
    let file = credit(app, &risk, customer).await;
    let grade = file["assessment"]["grade"].as_str().unwrap();
    assert!(
        ["A", "B", "C"].contains(&grade),
        "these tests assume {customer} is graded A–C, it is {grade}"
    );
}

async fn file_request(app: &TestApp, token: &str, customer: &str, change: Value) -> TestResponse {
    app.send_json(
        "POST",
        &format!("/v1/customers/{customer}/requests"),
        token,
        &json!({"change": change, "justification": "peak season orders"}),
    )
    .await
}

/// Files a request that must be accepted; returns its id.
async fn filed(app: &TestApp, token: &str, customer: &str, change: Value) -> String {
    let r = file_request(app, token, customer, change).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn review(
    app: &TestApp,
    token: &str,
    customer: &str,
    rid: &str,
    action: &str,
    note: &str,
    version: u64,
) -> TestResponse {
    app.send_json(
        "POST",
        &format!("/v1/customers/{customer}/requests/{rid}/review"),
        token,
        &json!({"action": action, "note": note, "version": version}),
    )
    .await
}

async fn detail(app: &TestApp, token: &str, customer: &str, rid: &str) -> Value {
    let r = app
        .get(
            &format!("/v1/customers/{customer}/requests/{rid}"),
            Some(token),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn version_of(detail: &Value) -> u64 {
    detail["request"]["version"].as_u64().unwrap()
}

fn roles_of(request: &Value) -> Vec<&str> {
    request["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap())
        .collect()
}

fn timeline_of(request: &Value) -> Vec<&str> {
    request["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect()
}

/// The signed-in user of each approving role.
fn user_for(role: &str) -> &'static str {
    match role {
        "risk" => "risk",
        "finance" => "finance",
        "approver" => "approver",
        "admin" => "admin",
        other => panic!("no test user approves as {other}"),
    }
}

/// Approves every step as the user of its role until the request is no longer pending.
async fn approve_all(app: &TestApp, customer: &str, rid: &str) -> Value {
    let risk = app.token_for("risk").await;
    for _ in 0..8 {
        let d = detail(app, &risk, customer, rid).await;
        if d["request"]["status"] != "pending" {
            return d;
        }
        let step = d["request"]["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s.get("outcome").is_none_or(Value::is_null))
            .unwrap();
        let token = app
            .token_for(user_for(step["role"].as_str().unwrap()))
            .await;
        let r = review(app, &token, customer, rid, "approve", "", version_of(&d)).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    panic!("request {rid} still pending after 8 approvals");
}

async fn audit_of(app: &TestApp, token: &str, customer: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/v1/customers/{customer}/audit"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"].as_array().unwrap().clone()
}

fn actions_of(entries: &[Value]) -> Vec<&str> {
    entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

async fn summary_of(app: &TestApp, token: &str, customer: &str, rid: &str) -> Value {
    let r = app
        .get(&format!("/v1/customers/{customer}/requests"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == rid)
        .cloned()
        .unwrap_or_else(|| panic!("{rid} not in {}", r.body))
}

async fn inbox(app: &TestApp, token: &str) -> Value {
    let r = app.get("/v1/inbox", Some(token)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn ids_in(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect()
}

/// A valid unified social credit code made from `n`.
fn usci(n: u32) -> String {
    let first17 = format!("91440300M{n:08}");
    let check = credence_shared::usci::check_character(&first17).unwrap();
    format!("{first17}{check}")
}

fn application(name: &str, code: &str, requested: &str) -> Value {
    json!({
        "name": name, "usci": code, "industry": "电子", "size": "small",
        "registered_capital": money("5000000.00"), "founded": "2012-03-01",
        "expected_monthly_purchases": money("60000.00"), "requested_limit": money(requested),
        "requested_terms_days": 30,
        "contacts": [{"name": "王经理", "phone": "13800000000"}],
        "justification": "new distributor in Shenzhen"
    })
}

/// A GET whose answer is not JSON: status, content type and the body as text.
async fn get_text(app: &TestApp, path: &str, token: &str) -> (u16, String, String) {
    let response = app
        .router
        .clone()
        .oneshot(
            Request::get(path)
                .header("authorization", format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (
        status,
        content_type,
        String::from_utf8(bytes.to_vec()).unwrap(),
    )
}

// ----- approve, reject, return ----------------------------------------------------------

#[tokio::test]
async fn a_small_increase_approved_by_risk_changes_the_limit_and_is_audited_before_and_after() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;

    let r = file_request(&app, &sales, "C1", limit_change("80000.00")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["kind"], "limit_increase");
    assert_eq!(r.body["status"], "pending");
    assert_eq!(roles_of(&r.body), ["risk"]);
    let rid = r.body["id"].as_str().unwrap();
    let approved = review(&app, &risk, "C1", rid, "approve", "", 1).await;

    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["request"]["status"], "approved");
    assert_eq!(
        timeline_of(&approved.body["request"]),
        ["submitted", "approved", "applied"]
    );
    let file = credit(&app, &risk, "C1").await;
    assert_eq!(file["file"]["limit"]["amount"], "80000.00");
    assert_eq!(file["decision"]["limit"]["amount"]["amount"], "80000.00");
    let trail = audit_of(&app, &risk, "C1").await;
    let actions = actions_of(&trail);
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
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let before = credit(&app, &risk, "C1").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;

    let silent = review(&app, &risk, "C1", &rid, "reject", "  ", 1).await;
    let rejected = review(
        &app,
        &risk,
        "C1",
        &rid,
        "reject",
        "payment record too short",
        1,
    )
    .await;

    silent.problem(422);
    assert_eq!(silent.problem_field(), "note");
    assert_eq!(rejected.status, 200, "{}", rejected.body);
    let request = &rejected.body["request"];
    assert_eq!(request["status"], "rejected");
    let last = request["timeline"].as_array().unwrap().last().unwrap();
    assert_eq!(last["action"], "rejected");
    assert_eq!(last["note"], "payment record too short");
    let after = credit(&app, &risk, "C1").await;
    assert_eq!(after["version"], before["version"]);
    assert_eq!(after["file"]["limit"]["amount"], "10000.00");
    // A decided request cannot be decided again.
    let again = review(&app, &risk, "C1", &rid, "approve", "", 2).await;
    again.problem(409);
}

#[tokio::test]
async fn a_returned_request_shows_in_the_requesters_inbox_and_an_amended_one_is_applied() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;

    let returned = review(
        &app,
        &risk,
        "C1",
        &rid,
        "return",
        "attach last year's accounts",
        1,
    )
    .await;
    assert_eq!(returned.status, 200, "{}", returned.body);
    assert_eq!(returned.body["request"]["status"], "returned");
    let mine = inbox(&app, &sales).await;
    assert_eq!(ids_in(&mine["returned"]), [rid.as_str()]);
    assert_eq!(mine["counts"]["returned"], 1);
    let amended = app
        .send_json(
            "PUT",
            &format!("/v1/customers/C1/requests/{rid}"),
            &sales,
            &json!({"version": 2, "change": limit_change("90000.00"),
                    "justification": "accounts attached; a little more"}),
        )
        .await;
    assert_eq!(amended.status, 200, "{}", amended.body);
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
    assert_eq!(
        summary_of(&app, &risk, "C1", &rid).await["waiting_for"],
        "risk"
    );
    assert_eq!(inbox(&app, &sales).await["counts"]["returned"], 0);

    let approved = review(
        &app,
        &risk,
        "C1",
        &rid,
        "approve",
        "",
        version_of(&amended.body),
    )
    .await;

    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["request"]["status"], "approved");
    let file = credit(&app, &risk, "C1").await;
    assert_eq!(file["file"]["limit"]["amount"], "90000.00");
}

#[tokio::test]
async fn a_stale_version_on_resubmit_is_a_conflict_and_only_the_requester_may_resubmit() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;
    review(&app, &risk, "C1", &rid, "return", "more please", 1).await;
    let body = json!({"version": 2, "change": limit_change("90000.00"),
                      "justification": "amended"});

    let stale = app
        .send_json(
            "PUT",
            &format!("/v1/customers/C1/requests/{rid}"),
            &sales,
            &json!({"version": 1, "change": limit_change("90000.00"),
                    "justification": "amended"}),
        )
        .await;
    let by_risk = app
        .send_json(
            "PUT",
            &format!("/v1/customers/C1/requests/{rid}"),
            &risk,
            &body,
        )
        .await;

    stale.problem(409);
    by_risk.problem(403);
}

// ----- multi-level approval and who may approve ---------------------------------------

#[tokio::test]
async fn a_large_increase_waits_for_the_approver_after_risk_and_only_then_applies() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let finance = app.token_for("finance").await;
    let approver = app.token_for("approver").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let r = file_request(&app, &sales, "C1", limit_change("500000.00")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(roles_of(&r.body), ["risk", "approver"]);
    let rid = r.body["id"].as_str().unwrap();

    let by_finance = review(&app, &finance, "C1", rid, "approve", "", 1).await;
    let by_approver_too_early = review(&app, &approver, "C1", rid, "approve", "", 1).await;
    let first = review(&app, &risk, "C1", rid, "approve", "looks fine", 1).await;

    by_finance.problem(403);
    by_approver_too_early.problem(403);
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["request"]["status"], "pending");
    assert_eq!(
        summary_of(&app, &risk, "C1", rid).await["waiting_for"],
        "approver"
    );
    assert_eq!(
        credit(&app, &risk, "C1").await["file"]["limit"]["amount"],
        "10000.00"
    );
    let risk_again = review(&app, &risk, "C1", rid, "approve", "", 2).await;
    risk_again.problem(403);
    let waiting = inbox(&app, &approver).await;
    assert_eq!(ids_in(&waiting["waiting"]), [rid]);

    let last = review(&app, &approver, "C1", rid, "approve", "", 2).await;

    assert_eq!(last.status, 200, "{}", last.body);
    assert_eq!(last.body["request"]["status"], "approved");
    assert_eq!(
        timeline_of(&last.body["request"]),
        ["submitted", "approved", "approved", "applied"]
    );
    assert_eq!(
        credit(&app, &risk, "C1").await["file"]["limit"]["amount"],
        "500000.00"
    );
}

#[tokio::test]
async fn one_person_holding_two_roles_cannot_approve_two_steps_of_one_request() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let sales = app.token_for("sales").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let granted = app
        .send_json(
            "PUT",
            "/v1/admin/users/finance",
            &admin,
            &json!({"version": 0, "roles": ["risk", "approver"], "reason": "cover for holidays"}),
        )
        .await;
    assert_eq!(granted.status, 200, "{}", granted.body);
    let both = app.token_for("finance").await;
    let rid = filed(&app, &sales, "C1", limit_change("500000.00")).await;

    let first = review(&app, &both, "C1", &rid, "approve", "", 1).await;
    let second = review(&app, &both, "C1", &rid, "approve", "", 2).await;

    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(first.body["request"]["status"], "pending");
    second.problem(403);
    let d = detail(&app, &both, "C1", &rid).await;
    assert_eq!(d["can_review"], false);
    assert_eq!(d["request"]["status"], "pending");
}

#[tokio::test]
async fn the_requester_cannot_approve_their_own_request() {
    let app = spawn_app().await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &risk, "C1", limit_change("80000.00")).await;

    let own = review(&app, &risk, "C1", &rid, "approve", "", 1).await;

    own.problem(403);
    let d = detail(&app, &risk, "C1", &rid).await;
    assert_eq!(d["can_review"], false);
    assert_eq!(d["can_withdraw"], true);
    assert_eq!(d["request"]["status"], "pending");
    assert!(ids_in(&inbox(&app, &risk).await["waiting"]).is_empty());
}

#[tokio::test]
async fn a_withdrawn_request_can_no_longer_be_approved() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;

    let by_risk = app
        .send_json(
            "POST",
            &format!("/v1/customers/C1/requests/{rid}/withdraw"),
            &risk,
            &json!({"version": 1}),
        )
        .await;
    let withdrawn = app
        .send_json(
            "POST",
            &format!("/v1/customers/C1/requests/{rid}/withdraw"),
            &sales,
            &json!({"version": 1}),
        )
        .await;
    let late = review(&app, &risk, "C1", &rid, "approve", "", 2).await;

    by_risk.problem(403);
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.body);
    assert_eq!(withdrawn.body["request"]["status"], "withdrawn");
    late.problem(409);
    assert_eq!(
        credit(&app, &risk, "C1").await["file"]["limit"]["amount"],
        "10000.00"
    );
}

#[tokio::test]
async fn the_same_request_filed_twice_while_open_is_a_conflict() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    filed(&app, &sales, "C1", limit_change("80000.00")).await;

    let again = file_request(&app, &sales, "C1", limit_change("80000.00")).await;

    again.problem(409);
}

#[tokio::test]
async fn a_terms_change_needs_risk_then_finance_and_sets_the_terms() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let finance = app.token_for("finance").await;
    let r = file_request(
        &app,
        &sales,
        "C1",
        json!({"type": "terms_change", "terms_days": 45}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(roles_of(&r.body), ["risk", "finance"]);
    let rid = r.body["id"].as_str().unwrap();

    review(&app, &risk, "C1", rid, "approve", "", 1).await;
    let last = review(&app, &finance, "C1", rid, "approve", "", 2).await;

    assert_eq!(last.status, 200, "{}", last.body);
    assert_eq!(last.body["request"]["status"], "approved");
    assert_eq!(
        credit(&app, &risk, "C1").await["decision"]["terms_days"],
        45
    );
}

#[tokio::test]
async fn an_approved_temporary_limit_replaces_the_limit_and_keeps_the_permanent_one() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let until = (app.clock.today() + time::Duration::days(10)).to_string();
    let r = file_request(
        &app,
        &sales,
        "C1",
        json!({"type": "temporary_limit", "limit": money("50000.00"), "until": until}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["kind"], "temporary_limit");
    let rid = r.body["id"].as_str().unwrap();

    let d = approve_all(&app, "C1", rid).await;

    assert_eq!(d["request"]["status"], "approved");
    let file = credit(&app, &risk, "C1").await;
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
    let sales = app.token_for("sales").await;
    let finance = app.token_for("finance").await;
    let risk = app.token_for("risk").await;
    set_limit(&app, "C2", "1000.00").await;
    let today = app.clock.today().to_string();
    let posted = app
        .send_json(
            "POST",
            "/v1/ledger/events",
            &finance,
            &json!({"events": [{"idempotency_key": "so-1", "customer_id": "C2", "date": today,
                    "event": {"type": "order_placed", "order": "SO-1",
                              "amount": money("5000.00")}}]}),
        )
        .await;
    assert_eq!(
        posted.body["results"][0]["check"]["decision"], "block",
        "{}",
        posted.body
    );
    let unknown = file_request(
        &app,
        &sales,
        "C2",
        json!({"type": "blocked_order_release", "order_key": "so-404"}),
    )
    .await;
    unknown.problem(422);
    assert_eq!(unknown.problem_field(), "change.order_key");
    let r = file_request(
        &app,
        &sales,
        "C2",
        json!({"type": "blocked_order_release", "order_key": "so-1"}),
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["evidence"]["order_amount"]["amount"], "5000.00");
    assert_eq!(roles_of(&r.body), ["risk"]);
    let rid = r.body["id"].as_str().unwrap();

    let approved = review(&app, &risk, "C2", rid, "approve", "", 1).await;

    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["request"]["status"], "approved");
    assert!(timeline_of(&approved.body["request"]).contains(&"applied"));
    let queue = app.get("/v1/blocked-orders", Some(&finance)).await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(
        !queue.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["order"] == "SO-1"),
        "{}",
        queue.body
    );
}

#[tokio::test]
async fn a_decision_on_my_request_counts_as_news_until_i_open_it() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;
    assert_eq!(inbox(&app, &sales).await["counts"]["moved"], 0);
    review(&app, &risk, "C1", &rid, "approve", "", 1).await;

    let news = inbox(&app, &sales).await;
    detail(&app, &sales, "C1", &rid).await;
    let seen = inbox(&app, &sales).await;

    assert_eq!(news["counts"]["moved"], 1, "{news}");
    assert_eq!(news["mine"][0]["id"], rid.as_str());
    assert_eq!(news["mine"][0]["moved"], true);
    assert_eq!(seen["counts"]["moved"], 0, "{seen}");
    assert_eq!(seen["mine"][0]["status"], "approved");
}

// ----- SLA ------------------------------------------------------------------------------

#[tokio::test]
async fn a_step_past_its_sla_is_overdue_in_the_reviewers_inbox_and_the_detail() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let r = file_request(&app, &sales, "C1", limit_change("80000.00")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rid = r.body["id"].as_str().unwrap();
    let sla = r.body["steps"][0]["sla_hours"].as_i64().unwrap();
    let on_time = inbox(&app, &risk).await;
    assert_eq!(on_time["counts"]["waiting"], 1);
    assert_eq!(on_time["counts"]["overdue"], 0);
    assert_eq!(on_time["waiting"][0]["overdue"], false);

    app.clock.advance(time::Duration::hours(sla + 1));

    let late = inbox(&app, &risk).await;
    assert_eq!(ids_in(&late["waiting"]), [rid]);
    assert_eq!(late["waiting"][0]["overdue"], true);
    assert_eq!(late["counts"]["overdue"], 1);
    let d = detail(&app, &risk, "C1", rid).await;
    assert_eq!(d["overdue_steps"], json!([0]));
}

// ----- concurrency ----------------------------------------------------------------------

#[tokio::test]
async fn of_eight_simultaneous_approvals_exactly_one_wins_and_the_change_is_applied_once() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;

    let calls = (0..8).map(|_| review(&app, &risk, "C1", &rid, "approve", "", 1));
    let responses = futures::future::join_all(calls).await;

    let statuses: Vec<u16> = responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [200, 403, 409].contains(s)),
        "{statuses:?}"
    );
    let trail = audit_of(&app, &risk, "C1").await;
    let actions = actions_of(&trail);
    assert_eq!(
        actions.iter().filter(|a| **a == "apply-request").count(),
        1,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| **a == "approve").count(),
        1,
        "{actions:?}"
    );
    let d = detail(&app, &risk, "C1", &rid).await;
    assert_eq!(d["request"]["status"], "approved");
    assert_eq!(
        timeline_of(&d["request"])
            .iter()
            .filter(|a| **a == "applied")
            .count(),
        1
    );
    assert_eq!(
        credit(&app, &risk, "C1").await["file"]["limit"]["amount"],
        "80000.00"
    );
}

// ----- re-check on a changed credit file ------------------------------------------------

#[tokio::test]
async fn a_request_approved_after_the_customer_was_blacklisted_is_returned_not_applied() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;
    blacklist_customer(&app, &risk, "C1").await;
    assert!(detail(&app, &risk, "C1", &rid).await["changed_since_filed"] == true);

    let approved = review(&app, &risk, "C1", &rid, "approve", "", 1).await;

    assert_eq!(approved.status, 200, "{}", approved.body);
    let request = &approved.body["request"];
    assert_eq!(request["status"], "returned");
    let timeline = timeline_of(request);
    assert!(timeline.contains(&"rechecked"), "{timeline:?}");
    assert!(!timeline.contains(&"applied"), "{timeline:?}");
    let file = credit(&app, &risk, "C1").await;
    assert_eq!(file["decision"]["limit"]["amount"]["amount"], "10000.00");
    assert_eq!(file["decision"]["blacklisted"], true);
    assert!(!actions_of(&audit_of(&app, &risk, "C1").await).contains(&"apply-request"));
    assert_eq!(
        ids_in(&inbox(&app, &sales).await["returned"]),
        [rid.as_str()]
    );
}

#[tokio::test]
async fn more_credit_for_a_blacklisted_customer_is_refused_when_filed_but_a_cut_is_not() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "50000.00").await;
    blacklist_customer(&app, &risk, "C1").await;

    let increase = file_request(&app, &sales, "C1", limit_change("80000.00")).await;
    let release = file_request(&app, &sales, "C1", json!({"type": "hold_release"})).await;
    let cut = file_request(&app, &risk, "C1", limit_change("20000.00")).await;

    assert_eq!(increase.status, 422, "{}", increase.body);
    assert_eq!(increase.body["errors"][0]["field"], "change.type");
    assert_eq!(release.status, 422, "{}", release.body);
    assert_eq!(cut.status, 201, "{}", cut.body);
}

#[tokio::test]
async fn a_request_approved_after_the_grade_fell_to_d_or_e_waits_for_the_extra_approvers() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let finance = app.token_for("finance").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;
    let today = app.clock.today();
    let posted = app
        .send_json(
            "POST",
            "/v1/ledger/events",
            &finance,
            &json!({"events": [{
                "idempotency_key": "old-1", "customer_id": "C1",
                "date": (today - time::Duration::days(300)).to_string(),
                "event": {"type": "invoice", "invoice": "INV-OLD",
                          "due_date": (today - time::Duration::days(240)).to_string(),
                          "amount": money("900000.00")}}]}),
        )
        .await;
    assert_eq!(posted.body["accepted"], 1, "{}", posted.body);
    let grade = credit(&app, &risk, "C1").await["assessment"]["grade"].clone();
    assert!(
        grade == "D" || grade == "E",
        "a 240-day overdue invoice should drop the grade, it is {grade}"
    );

    let approved = review(&app, &risk, "C1", &rid, "approve", "", 1).await;

    assert_eq!(approved.status, 200, "{}", approved.body);
    let request = &approved.body["request"];
    assert_eq!(request["status"], "pending", "{request}");
    assert!(timeline_of(request).contains(&"rechecked"));
    assert_eq!(roles_of(request), ["risk", "finance", "approver"]);
    assert_eq!(
        summary_of(&app, &risk, "C1", &rid).await["waiting_for"],
        "finance"
    );
    assert_eq!(
        credit(&app, &risk, "C1").await["decision"]["limit"]["amount"]["amount"],
        "10000.00"
    );
}

// ----- blacklist ------------------------------------------------------------------------

#[tokio::test]
async fn a_blacklisted_customer_is_on_hold_its_orders_block_and_removal_needs_two_approvals() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let approver = app.token_for("approver").await;
    let add = json!({"customer_id": "C2", "reason": "court enforcement list", "source": "court"});

    let by_sales = app.send_json("POST", "/v1/blacklist", &sales, &add).await;
    let listed = app.send_json("POST", "/v1/blacklist", &risk, &add).await;

    by_sales.problem(403);
    assert_eq!(listed.status, 201, "{}", listed.body);
    assert_eq!(listed.body["customer_id"], "C2");
    let file = credit(&app, &sales, "C2").await;
    assert_eq!(file["decision"]["blacklisted"], true);
    assert_eq!(file["decision"]["on_hold"], true);
    assert_eq!(file["file"]["on_hold"], true);
    let check = app
        .send_json(
            "POST",
            "/v1/customers/C2/credit-check",
            &sales,
            &json!({"amount": money("100.00")}),
        )
        .await;
    assert_eq!(check.status, 200, "{}", check.body);
    assert_eq!(check.body["decision"], "block", "{}", check.body);
    let list = app.get("/v1/blacklist", Some(&risk)).await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["customer_id"] == "C2"),
        "{}",
        list.body
    );
    app.get("/v1/blacklist", Some(&sales)).await.problem(403);
    app.send_json("POST", "/v1/blacklist", &risk, &add)
        .await
        .problem(409);

    // Removal goes through the matrix: risk, then the approver.
    let r = file_request(&app, &sales, "C2", json!({"type": "blacklist_remove"})).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(roles_of(&r.body), ["risk", "approver"]);
    let rid = r.body["id"].as_str().unwrap();
    let first = review(&app, &risk, "C2", rid, "approve", "", 1).await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        credit(&app, &risk, "C2").await["decision"]["blacklisted"],
        true
    );
    let second = review(&app, &approver, "C2", rid, "approve", "", 2).await;

    assert_eq!(second.status, 200, "{}", second.body);
    assert_eq!(second.body["request"]["status"], "approved");
    assert_eq!(
        credit(&app, &risk, "C2").await["decision"]["blacklisted"],
        false
    );
    let list = app.get("/v1/blacklist", Some(&risk)).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        !list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["customer_id"] == "C2" || e["name"] == "上海博远贸易有限公司"),
        "{}",
        list.body
    );
}

#[tokio::test]
async fn a_customer_with_a_code_leaves_the_blacklist_entirely_when_removal_is_approved() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let listed = app
        .send_json(
            "POST",
            "/v1/blacklist",
            &risk,
            &json!({"customer_id": "C1", "reason": "fraud", "source": "own experience"}),
        )
        .await;
    assert_eq!(listed.status, 201, "{}", listed.body);
    let rid = filed(&app, &sales, "C1", json!({"type": "blacklist_remove"})).await;

    let d = approve_all(&app, "C1", &rid).await;

    assert_eq!(d["request"]["status"], "approved");
    let list = app.get("/v1/blacklist", Some(&risk)).await;
    assert_eq!(list.body["items"], json!([]), "{}", list.body);
    let screened = app
        .send_json(
            "POST",
            "/v1/applications/screen",
            &sales,
            &json!({"usci": "91350100M000100Y43", "name": ""}),
        )
        .await;
    assert_eq!(screened.body["blacklisted"], json!([]), "{}", screened.body);
}

// ----- onboarding -----------------------------------------------------------------------

#[tokio::test]
async fn an_application_creates_a_customer_without_credit_until_its_line_is_approved() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let code = usci(4711);

    let r = app
        .send_json(
            "POST",
            "/v1/applications",
            &sales,
            &application("深圳新客户电子有限公司", &code, "80000.00"),
        )
        .await;

    assert_eq!(r.status, 201, "{}", r.body);
    let customer = r.body["customer_id"].as_str().unwrap().to_owned();
    let rid = r.body["request_id"].as_str().unwrap().to_owned();
    let before = credit(&app, &sales, &customer).await;
    assert_eq!(amount(&before["file"]["limit"]), Decimal::ZERO);
    let d = detail(&app, &sales, &customer, &rid).await;
    assert_eq!(d["request"]["kind"], "new_credit_line");
    assert_eq!(d["request"]["status"], "pending");
    let twice = app
        .send_json(
            "POST",
            "/v1/applications",
            &sales,
            &application("另一个名字有限公司", &code, "80000.00"),
        )
        .await;
    twice.problem(422);
    assert_eq!(twice.problem_field(), "usci");

    let d = approve_all(&app, &customer, &rid).await;

    assert_eq!(d["request"]["status"], "approved", "{d}");
    let after = credit(&app, &risk, &customer).await;
    assert_eq!(after["file"]["limit"]["amount"], "80000.00");
    assert_eq!(after["file"]["terms_days"], 30);
}

/// Puts a party that is not a customer on the blacklist by its code and name.
/// Risk puts one of the tenant's customers on the blacklist.
async fn blacklist_customer(app: &TestApp, risk: &str, customer: &str) {
    let listed = app
        .send_json(
            "POST",
            "/v1/blacklist",
            risk,
            &json!({"customer_id": customer, "reason": "court enforcement list",
                    "source": "court"}),
        )
        .await;
    assert_eq!(listed.status, 201, "{}", listed.body);
}

async fn blacklist_party(app: &TestApp, code: &str, name: &str) {
    let risk = app.token_for("risk").await;
    let listed = app
        .send_json(
            "POST",
            "/v1/blacklist",
            &risk,
            &json!({"usci": code, "name": name, "reason": "court list", "source": "court"}),
        )
        .await;
    assert_eq!(listed.status, 201, "{}", listed.body);
}

#[tokio::test]
async fn an_application_with_a_blacklisted_code_is_refused() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let code = usci(4712);
    blacklist_party(&app, &code, "失信电子有限公司").await;

    let r = app
        .send_json(
            "POST",
            "/v1/applications",
            &sales,
            &application("改了名字的电子有限公司", &code, "50000.00"),
        )
        .await;

    r.problem(422);
    assert_eq!(r.problem_field(), "usci");
}

#[tokio::test]
async fn an_application_with_the_name_of_a_party_blacklisted_by_code_and_name_is_refused() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    blacklist_party(&app, &usci(4712), "失信电子有限公司").await;

    let screened = app
        .send_json(
            "POST",
            "/v1/applications/screen",
            &sales,
            &json!({"usci": "", "name": "失信电子有限公司"}),
        )
        .await;
    let r = app
        .send_json(
            "POST",
            "/v1/applications",
            &sales,
            &application("失信电子有限公司", &usci(4713), "50000.00"),
        )
        .await;

    assert_eq!(
        screened.body["blacklisted"].as_array().map(Vec::len),
        Some(1),
        "{}",
        screened.body
    );
    r.problem(422);
    assert_eq!(r.problem_field(), "name");
}

#[tokio::test]
async fn an_application_missing_a_required_custom_field_or_with_bad_fields_names_them() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let admin = app.token_for("admin").await;
    let fields = app
        .send_json(
            "PUT",
            "/v1/admin/custom-fields",
            &admin,
            &json!({"replaces": 0, "reason": "bank needed for collections", "document": {
                "fields": [{"key": "bank", "label": "开户行", "kind": {"type": "text"},
                            "required": true}]}}),
        )
        .await;
    assert_eq!(fields.status, 200, "{}", fields.body);

    let missing = app
        .send_json(
            "POST",
            "/v1/applications",
            &sales,
            &application("缺字段电子有限公司", &usci(4714), "50000.00"),
        )
        .await;
    let mut bad = application("", "123", "50000.00");
    bad["custom"] = json!({"bank": "工商银行"});
    let bad = app
        .send_json("POST", "/v1/applications", &sales, &bad)
        .await;
    let mut complete = application("有字段电子有限公司", &usci(4715), "50000.00");
    complete["custom"] = json!({"bank": "工商银行"});
    let complete = app
        .send_json("POST", "/v1/applications", &sales, &complete)
        .await;

    missing.problem(422);
    assert_eq!(missing.problem_field(), "custom.bank");
    bad.problem(422);
    let named: Vec<&str> = bad.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(named.contains(&"name"), "{named:?}");
    assert!(named.contains(&"usci"), "{named:?}");
    assert_eq!(complete.status, 201, "{}", complete.body);
}

// ----- admin ----------------------------------------------------------------------------

#[tokio::test]
async fn a_matrix_on_a_stale_version_or_with_a_sales_approver_is_refused() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let current = app.get("/v1/admin/approval-matrix", Some(&admin)).await;
    assert_eq!(current.status, 200, "{}", current.body);
    let document = current.body.clone();
    let mut with_sales = document.clone();
    with_sales["rules"][0]["steps"][0]["role"] = json!("sales");

    let stale = app
        .send_json(
            "PUT",
            "/v1/admin/approval-matrix",
            &admin,
            &json!({"replaces": 7, "reason": "tighten", "document": document}),
        )
        .await;
    let invalid = app
        .send_json(
            "PUT",
            "/v1/admin/approval-matrix",
            &admin,
            &json!({"replaces": 0, "reason": "tighten", "document": with_sales}),
        )
        .await;

    stale.problem(409);
    invalid.problem(422);
    assert_eq!(invalid.problem_field(), "document.rules[0].steps[0].role");
}

#[tokio::test]
async fn a_new_matrix_routes_requests_filed_after_it() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let sales = app.token_for("sales").await;
    let finance = app.token_for("finance").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let matrix = json!({"currency": "CNY", "rules": [
        {"name": "Finance decides everything", "steps": [{"role": "finance", "sla_hours": 12}]}
    ]});

    let saved = app
        .send_json(
            "PUT",
            "/v1/admin/approval-matrix",
            &admin,
            &json!({"replaces": 0, "reason": "finance owns credit now", "document": matrix}),
        )
        .await;

    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["version"], 1);
    let r = file_request(&app, &sales, "C1", limit_change("500000.00")).await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(roles_of(&r.body), ["finance"]);
    assert_eq!(r.body["rule"], "Finance decides everything");
    assert_eq!(r.body["matrix_version"], 1);
    let rid = r.body["id"].as_str().unwrap();
    let approved = review(&app, &finance, "C1", rid, "approve", "", 1).await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.body["request"]["status"], "approved");
    // The version moved on: editing the old one again is a conflict.
    app.send_json(
        "PUT",
        "/v1/admin/approval-matrix",
        &admin,
        &json!({"replaces": 0, "reason": "again", "document": matrix}),
    )
    .await
    .problem(409);
}

#[tokio::test]
async fn custom_fields_saved_by_an_admin_appear_on_the_application_form() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let sales = app.token_for("sales").await;
    let document = json!({"fields": [
        {"key": "channel", "label": "渠道", "kind": {"type": "choice", "options": ["直销", "经销"]}},
        {"key": "internal", "label": "内部评级", "kind": {"type": "text"}, "visible_to": ["risk"]}
    ]});

    let saved = app
        .send_json(
            "PUT",
            "/v1/admin/custom-fields",
            &admin,
            &json!({"replaces": 0, "reason": "channel reporting", "document": document}),
        )
        .await;
    let bad_key = app
        .send_json(
            "PUT",
            "/v1/admin/custom-fields",
            &admin,
            &json!({"replaces": 1, "reason": "x", "document": {"fields": [
                {"key": "Bad Key", "label": "x", "kind": {"type": "yes_no"}}]}}),
        )
        .await;

    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(saved.body["version"], 1);
    bad_key.problem(422);
    assert_eq!(bad_key.problem_field(), "document.fields[0].key");
    let all = app.get("/v1/admin/custom-fields", Some(&admin)).await;
    assert_eq!(all.body["fields"].as_array().unwrap().len(), 2);
    let form = app.get("/v1/applications/form", Some(&sales)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert_eq!(form.body["currency"], "CNY");
    let keys: Vec<&str> = form.body["fields"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, ["channel"]);
}

#[tokio::test]
async fn roles_an_admin_gives_apply_from_the_next_sign_in() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let old = app.token_for("sales").await;

    let updated = app
        .send_json(
            "PUT",
            "/v1/admin/users/sales",
            &admin,
            &json!({"version": 0, "roles": ["sales", "risk"], "reason": "promoted"}),
        )
        .await;
    let stale = app
        .send_json(
            "PUT",
            "/v1/admin/users/sales",
            &admin,
            &json!({"version": 0, "roles": ["sales"], "reason": "undo"}),
        )
        .await;

    assert_eq!(updated.status, 200, "{}", updated.body);
    assert_eq!(updated.body["version"], 1);
    stale.problem(409);
    let before = app.get("/v1/me", Some(&old)).await;
    assert_eq!(before.body["roles"], json!(["sales"]));
    let fresh = app.token_for("sales").await;
    let me = app.get("/v1/me", Some(&fresh)).await;
    assert_eq!(me.status, 200, "{}", me.body);
    let roles = me.body["roles"].as_array().unwrap();
    assert!(roles.contains(&json!("risk")), "{}", me.body);
    assert!(roles.contains(&json!("sales")), "{}", me.body);
    let users = app.get("/v1/admin/users", Some(&admin)).await;
    assert!(
        users.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["username"] == "sales"),
        "{}",
        users.body
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;

    let disabled = app
        .send_json(
            "PUT",
            "/v1/admin/users/sales",
            &admin,
            &json!({"version": 0, "roles": ["sales"], "active": false, "reason": "left"}),
        )
        .await;
    let sign_in = app
        .post_json("/auth/token", r#"{"username":"sales","password":"secret"}"#)
        .await;

    assert_eq!(disabled.status, 200, "{}", disabled.body);
    sign_in.problem(401);
}

#[tokio::test]
async fn a_published_engine_version_is_in_force_at_once_and_an_invalid_policy_is_refused() {
    let app = spawn_app().await;
    let admin = app.token_for("admin").await;
    let sales = app.token_for("sales").await;
    let engine = app.get("/v1/engine", Some(&sales)).await;
    assert_eq!(engine.status, 200, "{}", engine.body);
    assert_eq!(engine.body["version"], 0);
    let mut model = engine.body["model"].clone();
    let bumped = model["version"].as_u64().unwrap() + 1;
    model["version"] = json!(bumped);
    let policy = engine.body["policy"].clone();
    let mut broken = policy.clone();
    broken["grades"]["A"]["max_terms_days"] = json!("sixty");

    let invalid = app
        .send_json(
            "POST",
            "/v1/admin/engine-versions",
            &admin,
            &json!({"model": model, "policy": broken, "reason": "typo"}),
        )
        .await;
    let published = app
        .send_json(
            "POST",
            "/v1/admin/engine-versions",
            &admin,
            &json!({"model": model, "policy": policy, "reason": "recalibrated"}),
        )
        .await;

    invalid.problem(422);
    assert!(
        invalid.problem_field().starts_with("policy"),
        "{}",
        invalid.body
    );
    assert_eq!(published.status, 201, "{}", published.body);
    assert_eq!(published.body["version"], 1);
    let now = app.get("/v1/engine", Some(&sales)).await;
    assert_eq!(now.body["version"], 1);
    assert_eq!(now.body["model"]["version"], bumped);
    let versions = app.get("/v1/admin/engine-versions", Some(&admin)).await;
    let active: Vec<u64> = versions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["active"] == true)
        .map(|v| v["version"].as_u64().unwrap())
        .collect();
    assert_eq!(active, [1]);
}

#[tokio::test]
async fn only_an_admin_may_read_or_change_the_configuration() {
    let app = spawn_app().await;
    let matrix: Value = serde_json::from_str(include_str!(
        "../../../shared/defaults/approval_matrix.json"
    ))
    .unwrap();

    for user in ["sales", "risk", "finance", "approver"] {
        let token = app.token_for(user).await;
        for path in [
            "/v1/admin/users",
            "/v1/admin/custom-fields",
            "/v1/admin/approval-matrix",
            "/v1/admin/engine-versions",
        ] {
            app.get(path, Some(&token)).await.problem(403);
        }
        app.send_json(
            "PUT",
            "/v1/admin/approval-matrix",
            &token,
            &json!({"replaces": 0, "reason": "x", "document": matrix}),
        )
        .await
        .problem(403);
        app.send_json(
            "PUT",
            &format!("/v1/admin/users/{user}"),
            &token,
            &json!({"version": 0, "roles": ["admin"], "reason": "x"}),
        )
        .await
        .problem(403);
    }
}

// ----- audit ----------------------------------------------------------------------------

#[tokio::test]
async fn the_tenant_audit_lists_and_exports_the_days_entries_for_risk_but_not_for_sales() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;
    review(&app, &risk, "C1", &rid, "approve", "", 1).await;
    let today = app.clock.today();
    let range = format!("from={today}&to={today}");

    let listed = app.get(&format!("/v1/audit?{range}"), Some(&risk)).await;
    let (status, content_type, csv) =
        get_text(&app, &format!("/v1/audit/export?{range}"), &risk).await;
    let by_sales = app.get(&format!("/v1/audit?{range}"), Some(&sales)).await;
    let export_by_sales = app
        .get(&format!("/v1/audit/export?{range}"), Some(&sales))
        .await;
    let bad_from = app.get("/v1/audit?from=2026-13-01", Some(&risk)).await;
    let bad_to = app.get("/v1/audit?to=yesterday", Some(&risk)).await;
    let reversed = app
        .get(
            &format!(
                "/v1/audit?from={today}&to={}",
                today - time::Duration::days(1)
            ),
            Some(&risk),
        )
        .await;

    assert_eq!(listed.status, 200, "{}", listed.body);
    let items = listed.body["items"].as_array().unwrap();
    let actions = actions_of(items);
    for action in ["submit", "approve", "apply-request"] {
        assert!(actions.contains(&action), "{action} missing in {actions:?}");
    }
    assert!(items.iter().any(|e| e["entity_id"] == rid.as_str()));
    assert_eq!(status, 200, "{csv}");
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let mut lines = csv.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "at,actor,entity,entity_id,customer_id,action,reason,before,after"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), items.len(), "{csv}");
    assert!(rows.iter().any(|r| r.contains(&rid)), "{csv}");
    assert!(rows.iter().any(|r| r.contains("apply-request")), "{csv}");
    by_sales.problem(403);
    export_by_sales.problem(403);
    bad_from.problem(422);
    assert_eq!(bad_from.problem_field(), "from");
    bad_to.problem(422);
    assert_eq!(bad_to.problem_field(), "to");
    reversed.problem(422);
}

#[tokio::test]
async fn the_tenant_audit_spans_months_oldest_first() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let first_day = app.clock.today();
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;
    app.clock.advance(time::Duration::days(40));
    review(&app, &risk, "C1", &rid, "approve", "", 1).await;
    let last_day = app.clock.today();

    let listed = app
        .get(
            &format!("/v1/audit?from={first_day}&to={last_day}"),
            Some(&risk),
        )
        .await;
    let only_first = app
        .get(
            &format!("/v1/audit?from={first_day}&to={first_day}"),
            Some(&risk),
        )
        .await;

    assert_eq!(listed.status, 200, "{}", listed.body);
    let actions = actions_of(listed.body["items"].as_array().unwrap());
    let submit = actions.iter().position(|a| *a == "submit");
    let approve = actions.iter().position(|a| *a == "approve");
    assert!(submit.is_some() && approve.is_some(), "{actions:?}");
    assert!(submit < approve, "{actions:?}");
    let early = actions_of(only_first.body["items"].as_array().unwrap());
    assert!(early.contains(&"submit"), "{early:?}");
    assert!(!early.contains(&"approve"), "{early:?}");
}

#[tokio::test]
async fn another_tenant_sees_none_of_the_workflow() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let intruder = app.token_for("intruder").await;
    customer_with_limit(&app, "C1", "10000.00").await;
    let rid = filed(&app, &sales, "C1", limit_change("80000.00")).await;

    let read = app
        .get(&format!("/v1/customers/C1/requests/{rid}"), Some(&intruder))
        .await;
    let approve = review(&app, &intruder, "C1", &rid, "approve", "", 1).await;
    let waiting = inbox(&app, &intruder).await;
    let open = app.get("/v1/requests", Some(&intruder)).await;
    let audit = app.get("/v1/customers/C1/audit", Some(&intruder)).await;

    read.problem(404);
    assert!(
        approve.status == 404 || approve.status == 403,
        "{}",
        approve.body
    );
    assert_eq!(waiting["counts"]["waiting"], 0);
    assert_eq!(open.body["items"], json!([]));
    audit.problem(404);
}

// ----- ownership ------------------------------------------------------------------------

#[tokio::test]
async fn a_sales_rep_cannot_see_or_file_for_another_reps_customer_but_risk_can() {
    let app = spawn_app().await;
    let sales = app.token_for("sales").await;
    let risk = app.token_for("risk").await;
    let change = json!({"type": "terms_change", "terms_days": 45});

    let customer = app.get("/v1/customers/C4", Some(&sales)).await;
    let file = app.get("/v1/customers/C4/credit", Some(&sales)).await;
    let request = file_request(&app, &sales, "C4", change.clone()).await;
    let requests = app.get("/v1/customers/C4/requests", Some(&sales)).await;
    let audit = app.get("/v1/customers/C4/audit", Some(&sales)).await;
    let search = app.get("/v1/customers?q=广州", Some(&sales)).await;

    customer.problem(403);
    file.problem(403);
    request.problem(403);
    requests.problem(403);
    audit.problem(403);
    assert_eq!(search.status, 200, "{}", search.body);
    assert!(!ids_in(&search.body["items"]).contains(&"C4"));
    assert_eq!(app.get("/v1/customers/C4", Some(&risk)).await.status, 200);
    credit(&app, &risk, "C4").await;
    let by_risk = file_request(&app, &risk, "C4", change).await;
    assert_eq!(by_risk.status, 201, "{}", by_risk.body);
    let open = app.get("/v1/requests", Some(&sales)).await;
    assert!(!ids_in(&open.body["items"]).contains(&by_risk.body["id"].as_str().unwrap()));
}
