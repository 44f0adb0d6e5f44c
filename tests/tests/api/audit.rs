//! The audit trail: the tenant's entries by day, exported as CSV, and another tenant
//! seeing none of the workflow.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn the_tenant_audit_lists_and_exports_the_days_entries_for_risk_but_not_for_sales() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;
    risk.approve("C1", &rid, 1).await;
    let today = app.clock.today();
    let range = format!("from={today}&to={today}");

    let listed = risk.get(&format!("/v1/audit?{range}")).await;
    let (status, content_type, csv) = risk.get_text(&format!("/v1/audit/export?{range}")).await;
    let by_sales = sales.get(&format!("/v1/audit?{range}")).await;
    let export_by_sales = sales.get(&format!("/v1/audit/export?{range}")).await;
    let bad_from = risk.get("/v1/audit?from=2026-13-01").await;
    let bad_to = risk.get("/v1/audit?to=yesterday").await;
    let reversed = risk
        .get(&format!(
            "/v1/audit?from={today}&to={}",
            today - time::Duration::days(1)
        ))
        .await;

    listed.assert_status(200);
    let items = listed.body["items"].as_array().unwrap();
    let actions = audit_actions(items);
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
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let first_day = app.clock.today();
    let rid = sales.filed("C1", limit_change("80000.00")).await;
    app.clock.advance(time::Duration::days(40));
    risk.approve("C1", &rid, 1).await;
    let last_day = app.clock.today();

    let listed = risk
        .get(&format!("/v1/audit?from={first_day}&to={last_day}"))
        .await;
    let only_first = risk
        .get(&format!("/v1/audit?from={first_day}&to={first_day}"))
        .await;

    listed.assert_status(200);
    let actions = audit_actions(listed.body["items"].as_array().unwrap());
    let submit = actions.iter().position(|a| *a == "submit");
    let approve = actions.iter().position(|a| *a == "approve");
    assert!(submit.is_some() && approve.is_some(), "{actions:?}");
    assert!(submit < approve, "{actions:?}");
    let early = audit_actions(only_first.body["items"].as_array().unwrap());
    assert!(early.contains(&"submit"), "{early:?}");
    assert!(!early.contains(&"approve"), "{early:?}");
}

#[tokio::test]
async fn another_tenant_sees_none_of_the_workflow() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let intruder = app.intruder();
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;

    let read = intruder
        .get(&format!("/v1/customers/C1/requests/{rid}"))
        .await;
    let approve = intruder.approve("C1", &rid, 1).await;
    let waiting = intruder.inbox().await;
    let open = intruder.get("/v1/requests").await;
    let audit = intruder.get("/v1/customers/C1/audit").await;

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

#[tokio::test]
async fn an_exported_cell_that_starts_like_a_formula_comes_out_as_text() {
    // Arrange: risk blacklists a party, giving a reason and a source that are formulas.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    risk.post(
        "/v1/blacklist",
        json!({"name": "Formula Trading Ltd", "source": "@court",
               "reason": "=HYPERLINK(\"https://evil.example\")"}),
    )
    .await
    .assert_status(201);
    let today = app.clock.today();

    // Act
    let (status, _, csv) = risk
        .get_text(&format!("/v1/audit/export?from={today}&to={today}"))
        .await;

    // Assert: the CSV writer quotes the cell and doubles its quotes; the cell is text.
    assert_eq!(status, 200, "{csv}");
    assert!(
        csv.contains(r#","'=HYPERLINK(""https://evil.example"")","#),
        "{csv}"
    );
    assert!(!csv.contains(r#","=HYPERLINK"#), "{csv}");
    assert!(!csv.contains(",=HYPERLINK"), "{csv}");
}
