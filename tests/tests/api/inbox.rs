//! The inbox: what waits for me, what moved on my requests, and steps past their SLA.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_decision_on_my_request_counts_as_news_until_i_open_it() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let rid = sales.filed("C1", limit_change("80000.00")).await;
    assert_eq!(sales.inbox().await["counts"]["moved"], 0);
    risk.approve("C1", &rid, 1).await;

    let news = sales.inbox().await;
    sales.detail("C1", &rid).await;
    let seen = sales.inbox().await;

    assert_eq!(news["counts"]["moved"], 1, "{news}");
    assert_eq!(news["mine"][0]["id"], rid.as_str());
    assert_eq!(news["mine"][0]["moved"], true);
    assert_eq!(seen["counts"]["moved"], 0, "{seen}");
    assert_eq!(seen["mine"][0]["status"], "approved");
}

#[tokio::test]
async fn a_step_past_its_sla_is_overdue_in_the_reviewers_inbox_and_the_detail() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let r = sales.file_request("C1", limit_change("80000.00")).await;
    r.assert_status(201);
    let rid = r.body["id"].as_str().unwrap();
    let sla = r.body["steps"][0]["sla_hours"].as_i64().unwrap();
    let on_time = risk.inbox().await;
    assert_eq!(on_time["counts"]["waiting"], 1);
    assert_eq!(on_time["counts"]["overdue"], 0);
    assert_eq!(on_time["waiting"][0]["overdue"], false);

    app.clock.advance(time::Duration::hours(sla + 1));

    let late = risk.inbox().await;
    assert_eq!(ids_in(&late["waiting"]), [rid]);
    assert_eq!(late["waiting"][0]["overdue"], true);
    assert_eq!(late["counts"]["overdue"], 1);
    let d = risk.detail("C1", rid).await;
    assert_eq!(d["overdue_steps"], json!([0]));
}
