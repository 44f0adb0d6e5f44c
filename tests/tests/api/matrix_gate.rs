//! The approval matrix cannot be bypassed: a direct credit decision is taken only when the
//! tenant's matrix gives that change to the caller alone; anything more is a request, or an
//! admin's override, which is audited and raises an alert to risk and the approvers.

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
