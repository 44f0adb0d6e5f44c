//! The blacklist: on hold at once, orders blocked, removal through the approval matrix.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_blacklisted_customer_is_on_hold_its_orders_block_and_removal_needs_two_approvals() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let approver = app.signed_in(Role::Approver);
    let add = json!({"customer_id": "C2", "reason": "court enforcement list", "source": "court"});

    let by_sales = sales.post("/v1/blacklist", add.clone()).await;
    let listed = risk.post("/v1/blacklist", add.clone()).await;

    by_sales.problem(403);
    listed.assert_status(201);
    assert_eq!(listed.body["customer_id"], "C2");
    let file = sales.credit("C2").await;
    assert_eq!(file["decision"]["blacklisted"], true);
    assert_eq!(file["decision"]["on_hold"], true);
    assert_eq!(file["file"]["on_hold"], true);
    let check = sales.credit_check("C2", "100.00").await;
    check.assert_status(200);
    assert_eq!(check.body["decision"], "block", "{}", check.body);
    let list = risk.get("/v1/blacklist").await;
    assert!(
        list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["customer_id"] == "C2"),
        "{}",
        list.body
    );
    sales.get("/v1/blacklist").await.problem(403);
    risk.post("/v1/blacklist", add).await.problem(409);

    // Removal goes through the matrix: risk, then the approver.
    let r = sales
        .file_request("C2", json!({"type": "blacklist_remove"}))
        .await;
    r.assert_status(201);
    assert_eq!(roles_of(&r.body), ["risk", "approver"]);
    let rid = r.body["id"].as_str().unwrap();
    let first = risk.approve("C2", rid, 1).await;
    first.assert_status(200);
    assert_eq!(risk.credit("C2").await["decision"]["blacklisted"], true);
    let second = approver.approve("C2", rid, 2).await;

    second.assert_status(200);
    assert_eq!(second.body["request"]["status"], "approved");
    assert_eq!(risk.credit("C2").await["decision"]["blacklisted"], false);
    let list = risk.get("/v1/blacklist").await;
    list.assert_status(200);
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
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let listed = risk
        .post(
            "/v1/blacklist",
            json!({"customer_id": "C1", "reason": "fraud", "source": "own experience"}),
        )
        .await;
    listed.assert_status(201);
    let rid = sales.filed("C1", json!({"type": "blacklist_remove"})).await;

    let d = app.approve_all("C1", &rid).await;

    assert_eq!(d["request"]["status"], "approved");
    let list = risk.get("/v1/blacklist").await;
    assert_eq!(list.body["items"], json!([]), "{}", list.body);
    let screened = sales
        .post(
            "/v1/applications/screen",
            json!({"usci": "91350100M000100Y43", "name": ""}),
        )
        .await;
    assert_eq!(screened.body["blacklisted"], json!([]), "{}", screened.body);
}
