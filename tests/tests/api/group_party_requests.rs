//! A group's limit and a non-customer party's blacklist removal go through the approval
//! matrix as requests, like a customer's: filed, routed, reviewed in the inbox, and applied
//! by the last approval in one transaction (the group's limit set, the entry taken off).

use crate::helpers::*;
use serde_json::{Value, json};

fn limit_request(amount: &str) -> Value {
    json!({"change": {"type": "limit", "limit": money(amount)}, "justification": "the group's orders doubled"})
}

async fn review(who: &SignedIn<'_>, base: &str, rid: &str, version: u64) -> TestResponse {
    who.post(
        &format!("{base}/{rid}/review"),
        json!({"action": "approve", "note": "fine", "version": version}),
    )
    .await
}

fn steps_of(request: &Value) -> Vec<String> {
    request["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["role"].as_str().unwrap().to_owned())
        .collect()
}

fn waiting_ids(inbox: &Value) -> Vec<String> {
    inbox["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_group_of_c1_at_80k(app: &TestApp) {
    app.signed_in(Role::Risk)
        .put(
            "/v1/groups/G1",
            json!({"name": "Hengtong group", "limit": money("80000.00"), "members": ["C1"]}),
        )
        .await
        .assert_status(204);
}

#[tokio::test]
async fn a_group_limit_beyond_one_person_is_a_request_that_the_last_approval_applies() {
    // Arrange: G1 at 80,000; 500,000 is "Credit up to 1M" (risk, then approver).
    let app = spawn_app().await;
    a_group_of_c1_at_80k(&app).await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);

    // Act
    let filed = admin
        .post("/v1/groups/G1/requests", limit_request("500000.00"))
        .await;
    let rid = filed.body["id"].as_str().unwrap_or_default().to_owned();
    let twice = admin
        .post("/v1/groups/G1/requests", limit_request("500000.00"))
        .await;
    let detail = risk.get(&format!("/v1/groups/G1/requests/{rid}")).await;
    let first = review(&risk, "/v1/groups/G1/requests", &rid, 1).await;
    let limit_between = risk.credit("C1").await["group"]["limit"]["amount"].clone();
    let inbox = approver.get("/v1/inbox").await;
    let last = review(&approver, "/v1/groups/G1/requests", &rid, 2).await;

    // Assert
    filed.assert_status(201);
    assert_eq!(filed.body["group"], "G1");
    assert_eq!(filed.body.get("customer_id"), None);
    assert_eq!(filed.body["kind"], "limit_increase");
    assert_eq!(steps_of(&filed.body), ["risk", "approver"]);
    assert_eq!(twice.problem(409)["code"], "conflict.exists");
    let detail = detail.assert_status(200);
    assert_eq!(detail["current"]["limit"]["amount"], "80000.00");
    assert_eq!(detail["can_review"], true);
    first.assert_status(200);
    assert_eq!(limit_between, "80000.00", "not before the last approval");
    assert_eq!(waiting_ids(inbox.assert_status(200)), [rid.as_str()]);
    let last = last.assert_status(200);
    assert_eq!(last["request"]["status"], "approved");
    assert_eq!(
        risk.credit("C1").await["group"]["limit"]["amount"],
        "500000.00"
    );
    let today = app.clock.today();
    let audit = risk
        .get(&format!("/v1/audit?from={today}&to={today}"))
        .await;
    let applied = audit.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity"] == "group" && e["action"] == "apply-request")
        .count();
    assert_eq!(applied, 1);
}

#[tokio::test]
async fn a_group_request_asks_only_for_a_new_limit_of_a_group_that_exists_and_by_who_manages_groups()
 {
    // Arrange
    let app = spawn_app().await;
    a_group_of_c1_at_80k(&app).await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);

    // Act
    let same = risk
        .post("/v1/groups/G1/requests", limit_request("80000.00"))
        .await;
    let terms = risk
        .post(
            "/v1/groups/G1/requests",
            json!({"change": {"type": "terms_change", "terms_days": 60}, "justification": "x"}),
        )
        .await;
    let unknown = risk
        .post("/v1/groups/NOPE/requests", limit_request("90000.00"))
        .await;
    let by_sales = sales
        .post("/v1/groups/G1/requests", limit_request("90000.00"))
        .await;

    // Assert
    assert_eq!(same.problem(422)["errors"][0]["code"], "limit.unchanged");
    assert_eq!(same.problem_field(), "change.limit.amount");
    assert_eq!(
        terms.problem(422)["errors"][0]["code"],
        "change.not_for_subject"
    );
    unknown.problem(404);
    by_sales.problem(403);
}

#[tokio::test]
async fn a_group_that_changed_since_filing_is_checked_again_before_its_limit_is_set() {
    // Arrange: filed at 80,000; risk then lowers the group to 50,000 directly.
    let app = spawn_app().await;
    a_group_of_c1_at_80k(&app).await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);
    let filed = admin
        .post("/v1/groups/G1/requests", limit_request("500000.00"))
        .await;
    let rid = filed.assert_status(201)["id"].as_str().unwrap().to_owned();
    review(&risk, "/v1/groups/G1/requests", &rid, 1)
        .await
        .assert_status(200);
    risk.put(
        "/v1/groups/G1",
        json!({"name": "Hengtong group", "limit": money("50000.00"), "reason": "exposure"}),
    )
    .await
    .assert_status(204);

    // Act
    let detail = approver.get(&format!("/v1/groups/G1/requests/{rid}")).await;
    let last = review(&approver, "/v1/groups/G1/requests", &rid, 2).await;

    // Assert
    assert_eq!(detail.assert_status(200)["changed_since_filed"], true);
    let last = last.assert_status(200);
    assert_eq!(last["request"]["status"], "approved");
    assert_eq!(
        risk.credit("C1").await["group"]["limit"]["amount"],
        "500000.00",
        "the same route still applies: set over the group's new version"
    );
}

async fn party_key(risk: &SignedIn<'_>, name: &str) -> String {
    let list = risk.get("/v1/blacklist").await;
    list.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name || e["customer_id"] == name)
        .unwrap_or_else(|| panic!("{name} is not listed: {}", list.body))["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn removal(key: &str) -> Value {
    json!({"party": key, "justification": "the court lifted the enforcement"})
}

#[tokio::test]
async fn a_party_that_is_no_customer_comes_off_the_blacklist_through_a_request() {
    // Arrange: 'Blacklist: remove' is risk, then approver.
    let app = spawn_app().await;
    app.blacklist_party(&usci(7), "Xiamen Harbour").await;
    let finance = app.signed_in(Role::Finance);
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);
    let key = party_key(&risk, "Xiamen Harbour").await;

    // Act
    let filed = finance.post("/v1/blacklist/requests", removal(&key)).await;
    let rid = filed.body["id"].as_str().unwrap_or_default().to_owned();
    let direct = risk
        .post(
            "/v1/blacklist/removals",
            json!({"key": key, "reason": "lifted"}),
        )
        .await;
    let first = review(&risk, "/v1/blacklist/requests", &rid, 1).await;
    let still_listed = party_key(&risk, "Xiamen Harbour").await;
    let last = review(&approver, "/v1/blacklist/requests", &rid, 2).await;
    let detail = finance.get(&format!("/v1/blacklist/requests/{rid}")).await;

    // Assert
    filed.assert_status(201);
    assert_eq!(filed.body["party"], key);
    assert_eq!(filed.body["customer_name"], "Xiamen Harbour");
    assert_eq!(steps_of(&filed.body), ["risk", "approver"]);
    let problem = direct.problem(403);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("POST /v1/blacklist/requests"),
        "{problem}"
    );
    first.assert_status(200);
    assert_eq!(still_listed, key, "not before the last approval");
    assert_eq!(last.assert_status(200)["request"]["status"], "approved");
    let list = risk.get("/v1/blacklist").await;
    assert_eq!(list.assert_status(200)["items"], json!([]));
    let detail = detail.assert_status(200);
    assert_eq!(detail["current"]["blacklisted"], false);
    assert_eq!(detail["changed_since_filed"], true);
}

#[tokio::test]
async fn a_removal_request_for_a_customer_s_entry_is_filed_on_the_customer() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let finance = app.signed_in(Role::Finance);
    risk.blacklist_customer("C2").await;
    let key = party_key(&risk, "C2").await;

    // Act
    let filed = finance.post("/v1/blacklist/requests", removal(&key)).await;
    let unknown = finance
        .post("/v1/blacklist/requests", removal("NAME:nobody"))
        .await;
    let by_sales = app
        .signed_in(Role::Sales)
        .post("/v1/blacklist/requests", removal(&key))
        .await;

    // Assert
    let filed = filed.assert_status(201);
    assert_eq!(filed["customer_id"], "C2");
    assert_eq!(filed["kind"], "blacklist_remove");
    assert_eq!(
        unknown.problem(422)["errors"][0]["code"],
        "blacklist.unknown"
    );
    assert_eq!(unknown.problem_field(), "party");
    by_sales.problem(403);
}

#[tokio::test]
async fn an_admin_may_not_override_the_removal_of_a_party_that_is_no_customer() {
    // Arrange
    let app = spawn_app().await;
    app.blacklist_party(&usci(8), "Ningbo Fortune Trading")
        .await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let key = party_key(&risk, "Ningbo Fortune Trading").await;

    // Act
    let direct = admin
        .post(
            "/v1/blacklist/removals",
            json!({"key": key, "reason": "court list lifted"}),
        )
        .await;

    // Assert
    let problem = direct.problem(403);
    assert_eq!(problem["code"], "forbidden.needs_approval", "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("POST /v1/blacklist/requests"),
        "{problem}"
    );
    assert_eq!(party_key(&risk, "Ningbo Fortune Trading").await, key);
}
