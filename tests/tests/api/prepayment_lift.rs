//! Automatic measures can be lifted: a prepayment share a warning rule set on a credit file
//! comes off through a request the approval matrix routes, and a file without one refuses
//! the request naming why.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_prepayment_a_rule_set_is_lifted_through_a_request_and_the_file_shows_it_in_force() {
    // Arrange: the signal rule asks for half of each order in advance; a signal fires it.
    let app = spawn_app().await;
    let mut rules = default_warning_rules();
    for rule in rules["rules"].as_array_mut().unwrap() {
        if rule["id"] == "external_signal" {
            rule["actions"] = json!([{"type": "require_prepayment", "share": "0.5"}]);
        }
    }
    app.signed_in(Role::Admin)
        .put(
            "/v1/admin/warning-rules",
            json!({"replaces": 0, "reason": "stricter on signals", "document": rules}),
        )
        .await
        .assert_status(200);
    let risk = app.signed_in(Role::Risk);
    let before = risk.credit("C1").await;
    risk.post(
        "/v1/customers/C1/signals",
        json!({"idempotency_key": "news-1", "kind": "negative_news",
               "date": app.clock.today().to_string(), "source": "财新",
               "summary": "a large customer of theirs went bankrupt"}),
    )
    .await
    .assert_status(201);
    app.watch("C1").await;
    let held = risk.credit("C1").await;

    // Act: finance asks (the customer paid up), risk and an approver agree.
    let finance = app.signed_in(Role::Finance);
    let rid = finance
        .filed("C1", json!({"type": "prepayment_lift"}))
        .await;
    let done = app.approve_all("C1", &rid).await;
    let after = risk.credit("C1").await;
    let again = finance
        .file_request("C1", json!({"type": "prepayment_lift"}))
        .await;

    // Assert
    assert_eq!(
        held["decision"]["prepayment"], "0.5",
        "{}",
        held["decision"]
    );
    assert_eq!(held["file"]["prepayment_share"], "0.5");
    assert_eq!(done["request"]["status"], "approved", "{}", done["request"]);
    assert!(
        after["decision"].get("prepayment").is_none(),
        "{}",
        after["decision"]
    );
    assert_eq!(
        after["file"]["prepayment_share"], before["file"]["prepayment_share"],
        "the policy's own share for the grade is what remains"
    );
    again.assert_status(422);
    assert_eq!(again.body["errors"][0]["field"], "change.type");
    assert_eq!(again.body["errors"][0]["code"], "prepayment.not_set");
}
