//! The approval matrix cannot be bypassed: a direct credit decision, a group's limit or a
//! blacklist removal is taken only when the tenant's matrix gives that change to the caller
//! alone; anything more is a request (or, for a group, the admin's), or an admin's override,
//! which is audited and raises an alert to risk and the approvers.

use crate::helpers::*;
use serde_json::{Value, json};

async fn decide(who: &SignedIn<'_>, customer: &str, change: Value) -> TestResponse {
    let version = who.credit(customer).await["version"].clone();
    let mut body = json!({"version": version, "reason": "board decision"});
    body.as_object_mut()
        .unwrap()
        .extend(change.as_object().unwrap().clone());
    who.put(&format!("/v1/customers/{customer}/credit-decision"), body)
        .await
}

#[tokio::test]
async fn a_risk_user_alone_may_not_set_a_limit_or_terms_the_matrix_gives_to_more_people() {
    // Arrange: C1 at 10,000 (graded A–C: credit routes by amount).
    let app = spawn_app().await;
    app.customer_with_limit("C1", "10000.00").await;
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);

    // Act
    let big = decide(&risk, "C1", json!({"limit": money("500000.00")})).await;
    let terms = decide(&risk, "C1", json!({"terms_days": 90})).await;
    let by_approver = decide(&approver, "C1", json!({"limit": money("20000.00")})).await;
    let small = decide(&risk, "C1", json!({"limit": money("20000.00")})).await;

    // Assert
    for refused in [&big, &terms, &by_approver] {
        let problem = refused.problem(403);
        assert_eq!(problem["code"], "forbidden.needs_approval", "{problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("file a request"),
            "{problem}"
        );
    }
    assert!(
        big.body["detail"]
            .as_str()
            .unwrap()
            .contains("Credit up to 1M"),
        "{}",
        big.body
    );
    small.assert_status(200);
    let file = risk.credit("C1").await;
    assert_eq!(
        file["file"]["limit"]["amount"], "20000.00",
        "only the small one"
    );
    assert_eq!(file["file"]["terms_days"], small.body["file"]["terms_days"]);
}

#[tokio::test]
async fn risk_may_place_a_hold_alone_and_release_it_only_as_the_matrix_allows() {
    // Arrange
    let app = spawn_app().await;
    app.customer_with_limit("C1", "10000.00").await;
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);

    // Act
    let hold = decide(&approver, "C1", json!({"on_hold": true})).await;
    let release_by_approver = decide(&approver, "C1", json!({"on_hold": false})).await;
    let release_by_risk = decide(&risk, "C1", json!({"on_hold": false})).await;

    // Assert: the default matrix gives a hold release to risk alone.
    hold.assert_status(200);
    assert_eq!(hold.body["decision"]["on_hold"], true);
    assert_eq!(
        release_by_approver.problem(403)["code"],
        "forbidden.needs_approval"
    );
    release_by_risk.assert_status(200);
    assert_eq!(release_by_risk.body["decision"]["on_hold"], false);
}

#[tokio::test]
async fn an_admin_override_is_audited_as_such_and_alerts_risk_and_approvers_but_not_sales() {
    // Arrange
    let app = spawn_app().await;
    app.customer_with_limit("C1", "10000.00").await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);

    // Act
    let first = decide(&admin, "C1", json!({"limit": money("500000.00")})).await;
    let second = decide(&admin, "C1", json!({"terms_days": 90})).await;

    // Assert
    first.assert_status(200);
    second.assert_status(200);
    assert_eq!(first.body["file"]["limit"]["amount"], "500000.00");
    let today = app.clock.today();
    let audit = risk
        .get(&format!("/v1/audit?from={today}&to={today}"))
        .await;
    let actions = audit_actions(audit.assert_status(200)["items"].as_array().unwrap());
    assert_eq!(
        actions.iter().filter(|a| **a == "override").count(),
        2,
        "{actions:?}"
    );
    let alerts = risk.get("/v1/customers/C1/alerts").await;
    let items = alerts.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    let alert = items
        .iter()
        .find(|a| a["rule_id"] == "credit_override")
        .unwrap_or_else(|| panic!("no override alert: {items:?}"));
    assert_eq!(alert["notify"], json!(["risk", "approver"]));
    assert_eq!(
        alert["level"], 2,
        "raised again by the second override: {alert}"
    );
    assert_eq!(alert["events"][0]["note"], "board decision");
    let for_sales = sales.get("/v1/alerts").await;
    assert!(
        !for_sales.body.to_string().contains("credit_override"),
        "{}",
        for_sales.body
    );
}

// ----- group limits ---------------------------------------------------------------------

async fn put_group(who: &SignedIn<'_>, group: &str, body: Value) -> TestResponse {
    who.put(&format!("/v1/groups/{group}"), body).await
}

/// The shared limit the customer's credit file shows for its group.
async fn group_limit_of(who: &SignedIn<'_>, customer: &str) -> Value {
    who.credit(customer).await["group"]["limit"]["amount"].clone()
}

async fn alert_of(who: &SignedIn<'_>, customer: &str, rule: &str) -> Option<Value> {
    let alerts = who.get(&format!("/v1/customers/{customer}/alerts")).await;
    alerts.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule_id"] == rule)
        .cloned()
}

async fn todays_audit(app: &TestApp, who: &SignedIn<'_>) -> Vec<Value> {
    let today = app.clock.today();
    let audit = who.get(&format!("/v1/audit?from={today}&to={today}")).await;
    audit.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_risk_user_alone_may_not_set_a_group_limit_the_matrix_gives_to_two_people() {
    // Arrange: a group at 80,000 (credit up to 100k is risk's alone).
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);
    let created = put_group(
        &risk,
        "G1",
        json!({"name": "Hengtong group", "limit": money("80000.00"), "members": ["C1"]}),
    )
    .await;
    created.assert_status(204);

    // Act
    let raised = put_group(
        &risk,
        "G1",
        json!({"name": "Hengtong group", "limit": money("500000.00")}),
    )
    .await;
    let by_approver = put_group(
        &approver,
        "G1",
        json!({"name": "Hengtong group", "limit": money("90000.00")}),
    )
    .await;
    let new_group = put_group(
        &risk,
        "G2",
        json!({"name": "Boyuan group", "limit": money("500000.00"), "members": ["C2"]}),
    )
    .await;

    // Assert
    for refused in [&raised, &by_approver, &new_group] {
        let problem = refused.problem(403);
        assert_eq!(problem["code"], "forbidden.needs_approval", "{problem}");
    }
    for named in [&raised, &new_group] {
        let detail = named.body["detail"].as_str().unwrap();
        assert!(
            detail.contains("'Credit up to 1M' (risk, then approver)"),
            "{detail}"
        );
    }
    assert_eq!(group_limit_of(&risk, "C1").await, "80000.00");
    assert_eq!(
        risk.credit("C2").await["group"],
        Value::Null,
        "a refused group is not created and takes no members"
    );
}

#[tokio::test]
async fn a_group_limit_the_matrix_gives_to_the_caller_alone_is_set_directly_and_audited() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    put_group(
        &risk,
        "G1",
        json!({"name": "Hengtong group", "limit": money("80000.00"), "members": ["C1"]}),
    )
    .await
    .assert_status(204);

    // Act: a decrease and a small increase are risk's alone in the default matrix.
    let lowered = put_group(
        &risk,
        "G1",
        json!({"name": "Hengtong group", "limit": money("30000.00"), "reason": "exposure"}),
    )
    .await;
    let raised = put_group(
        &risk,
        "G1",
        json!({"name": "Hengtong group", "limit": money("95000.00")}),
    )
    .await;

    // Assert
    lowered.assert_status(204);
    raised.assert_status(204);
    assert_eq!(group_limit_of(&risk, "C1").await, "95000.00");
    let audit = todays_audit(&app, &risk).await;
    let group_entries: Vec<&Value> = audit.iter().filter(|e| e["entity"] == "group").collect();
    assert_eq!(group_entries.len(), 3, "{audit:?}");
    assert!(
        group_entries.iter().all(|e| e["action"] == "put"),
        "{audit:?}"
    );
    assert_eq!(alert_of(&risk, "C1", "group_override").await, None);
}

#[tokio::test]
async fn an_admin_may_override_a_group_limit_with_a_reason_audited_and_alerted_on_every_member() {
    // Arrange: two members added by risk; the admin's change names none of them.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let admin = app.signed_in(Role::Admin);
    let sales = app.signed_in(Role::Sales);
    put_group(
        &risk,
        "G1",
        json!({"name": "Hengtong group", "limit": money("80000.00"), "members": ["C1", "C2"]}),
    )
    .await
    .assert_status(204);
    let big = |reason: Value| json!({"name": "Hengtong group", "limit": money("500000.00"), "reason": reason});

    // Act
    let without_reason = put_group(&admin, "G1", big(Value::Null)).await;
    let overridden = put_group(&admin, "G1", big(json!("board decision"))).await;

    // Assert
    without_reason.problem(422);
    assert_eq!(without_reason.problem_field(), "reason");
    overridden.assert_status(204);
    assert_eq!(group_limit_of(&risk, "C1").await, "500000.00");
    let audit = todays_audit(&app, &risk).await;
    let overrides: Vec<&Value> = audit
        .iter()
        .filter(|e| e["entity"] == "group" && e["action"] == "override")
        .collect();
    assert_eq!(overrides.len(), 1, "{audit:?}");
    assert_eq!(overrides[0]["reason"], "board decision");
    assert_eq!(overrides[0]["after"]["limit"]["amount"], "500000.00");
    for member in ["C1", "C2"] {
        let alert = alert_of(&risk, member, "group_override")
            .await
            .unwrap_or_else(|| panic!("no override alert on {member}"));
        assert_eq!(alert["notify"], json!(["risk", "approver"]));
        assert_eq!(alert["events"][0]["note"], "board decision");
        assert!(
            alert["figures"][0]["value"]
                .as_str()
                .unwrap()
                .contains("Credit up to 1M"),
            "{alert}"
        );
    }
    let for_sales = sales.get("/v1/alerts").await;
    assert!(
        !for_sales.body.to_string().contains("group_override"),
        "{}",
        for_sales.body
    );
}

// ----- blacklist removals ---------------------------------------------------------------

/// The key the blacklist keeps the customer (or the party named `name`) under.
async fn blacklist_key(risk: &SignedIn<'_>, customer_or_name: &str) -> String {
    let list = risk.get("/v1/blacklist").await;
    list.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["customer_id"] == customer_or_name || e["name"] == customer_or_name)
        .unwrap_or_else(|| panic!("{customer_or_name} is not on the blacklist: {}", list.body))
        ["key"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn remove(who: &SignedIn<'_>, key: &str) -> TestResponse {
    who.post(
        "/v1/blacklist/removals",
        json!({"key": key, "reason": "court list lifted"}),
    )
    .await
}

#[tokio::test]
async fn a_risk_user_alone_may_not_take_a_customer_off_the_blacklist_the_matrix_gives_to_two() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);
    risk.blacklist_customer("C2").await;
    let key = blacklist_key(&risk, "C2").await;

    // Act
    let by_risk = remove(&risk, &key).await;
    let by_approver = remove(&approver, &key).await;

    // Assert
    for refused in [&by_risk, &by_approver] {
        let problem = refused.problem(403);
        assert_eq!(problem["code"], "forbidden.needs_approval", "{problem}");
        let detail = problem["detail"].as_str().unwrap();
        assert!(
            detail.contains("'Blacklist: remove' (risk, then approver)"),
            "{detail}"
        );
        assert!(detail.contains("file a request"), "{detail}");
    }
    assert_eq!(risk.credit("C2").await["decision"]["blacklisted"], true);
    assert_eq!(blacklist_key(&risk, "C2").await, key);
}

#[tokio::test]
async fn an_admin_may_take_a_customer_off_the_blacklist_audited_as_override_and_alerted() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let admin = app.signed_in(Role::Admin);
    risk.blacklist_customer("C2").await;
    let key = blacklist_key(&risk, "C2").await;

    // Act
    let blank = admin
        .post("/v1/blacklist/removals", json!({"key": key, "reason": " "}))
        .await;
    let removed = remove(&admin, &key).await;

    // Assert
    blank.problem(422);
    assert_eq!(blank.problem_field(), "reason");
    removed.assert_status(204);
    let file = risk.credit("C2").await;
    assert_eq!(file["decision"]["blacklisted"], false);
    assert_eq!(
        file["decision"]["on_hold"], true,
        "a hold stays until released"
    );
    let list = risk.get("/v1/blacklist").await;
    assert_eq!(list.assert_status(200)["items"], json!([]));
    let actions = audit_actions(&risk.audit_of("C2").await)
        .into_iter()
        .filter(|a| *a == "override")
        .count();
    assert_eq!(actions, 2, "the blacklist entry and the credit file");
    let alert = alert_of(&risk, "C2", "blacklist_override")
        .await
        .expect("an override alert");
    assert_eq!(alert["notify"], json!(["risk", "approver"]));
    assert_eq!(alert["events"][0]["note"], "court list lifted");
}

#[tokio::test]
async fn a_removal_the_matrix_gives_to_risk_alone_is_taken_directly_also_for_a_non_customer() {
    // Arrange: a tenant whose matrix lets risk remove alone.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let mut matrix = default_approval_matrix();
    matrix["rules"][1]["steps"] = json!([{"role": "risk", "sla_hours": 24}]);
    assert_eq!(matrix["rules"][1]["name"], "Blacklist: remove");
    admin
        .put(
            "/v1/admin/approval-matrix",
            json!({"replaces": 0, "reason": "risk owns removals", "document": matrix}),
        )
        .await
        .assert_status(200);
    risk.blacklist_customer("C2").await;
    app.blacklist_party(&usci(7), "Xiamen Harbour").await;
    let customer_key = blacklist_key(&risk, "C2").await;
    let party_key = blacklist_key(&risk, "Xiamen Harbour").await;

    // Act
    let customer = remove(&risk, &customer_key).await;
    let party = remove(&risk, &party_key).await;
    let again = remove(&risk, &party_key).await;

    // Assert
    customer.assert_status(204);
    party.assert_status(204);
    again.problem(404);
    assert_eq!(risk.credit("C2").await["decision"]["blacklisted"], false);
    let list = risk.get("/v1/blacklist").await;
    assert_eq!(list.assert_status(200)["items"], json!([]));
    assert_eq!(alert_of(&risk, "C2", "blacklist_override").await, None);
    let audit = todays_audit(&app, &risk).await;
    let removals = audit
        .iter()
        .filter(|e| e["entity"] == "blacklist" && e["action"] == "remove")
        .count();
    assert_eq!(removals, 2, "{audit:?}");
}
