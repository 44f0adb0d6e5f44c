//! The customer master: customers keyed by the tenant's own number, created and updated with
//! `PUT /v1/customers/{number}` (risk and admin), audited, archived rather than deleted, and
//! named by that number in every API.

use crate::helpers::*;
use serde_json::{Value, json};

async fn put(who: &SignedIn<'_>, number: &str, body: Value) -> TestResponse {
    who.put(&format!("/v1/customers/{number}"), body).await
}

fn master(name: &str) -> Value {
    json!({
        "name": name, "name_en": "Fortune Trading", "registration_id": usci(501),
        "industry": "电子", "size": "medium", "founded": "2012-04-01",
        "registered_capital": money("5000000.00"), "address": "福州市鼓楼区",
        "contacts": [{"name": "王经理", "phone": "13800000000"}], "owner": "sales",
        "tags": ["key account"], "custom": {"erp_region": "east"}
    })
}

#[tokio::test]
async fn risk_creates_a_customer_by_its_own_number_and_every_api_takes_that_number() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);
    let today = app.clock.today();

    // Act
    let created = put(&risk, "KH-9001", master("福州富达贸易有限公司")).await;
    let read = sales.get("/v1/customers/KH-9001").await;
    let check = sales.credit_check("KH-9001", "100.00").await;
    let posted = app
        .post_events(vec![invoice_on(
            "erp:inv-9001-1",
            "KH-9001",
            today,
            today + time::Duration::days(30),
            "1000.00",
        )])
        .await;
    let found = sales.get("/v1/customers?q=fortune").await;

    // Assert
    let created = created.assert_status(201);
    assert_eq!(created["id"], "KH-9001");
    assert_eq!(created["number"], "KH-9001");
    assert_eq!(created["version"], 1);
    assert_eq!(created["master"]["size"], "medium");
    assert_eq!(created["master"]["registration"]["scheme"], "cn_usci");
    let read = read.assert_status(200);
    assert_eq!(read["owner"], "sales", "the owner sees it at once");
    assert_eq!(read["master"]["contacts"][0]["name"], "王经理");
    check.assert_status(200);
    assert_eq!(posted["results"][0]["status"], "accepted", "{posted}");
    let hits = found.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert!(hits.iter().any(|c| c["id"] == "KH-9001"), "{hits:?}");
    assert!(
        hits.iter().all(|c| c.get("master").is_none()),
        "lists leave the master out"
    );
    let audit = risk.audit_of("KH-9001").await;
    assert!(audit_actions(&audit).contains(&"create"), "{audit:?}");
}

#[tokio::test]
async fn a_number_that_is_not_an_id_still_names_exactly_one_customer() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let mut body = master("厦门港务物流有限公司");
    body["registration_id"] = json!(usci(502));

    // Act
    let dotted = put(&risk, "01.002.0003", body.clone()).await;
    let slashed = put(&risk, "KH%2F2024%2F7", {
        body["registration_id"] = json!(usci(503));
        body
    })
    .await;
    let by_number = risk.get("/v1/customers/01.002.0003").await;
    let by_slash = risk.get("/v1/customers/KH%2F2024%2F7").await;

    // Assert
    let dotted = dotted.assert_status(201).clone();
    let slashed = slashed.assert_status(201).clone();
    assert_eq!(dotted["number"], "01.002.0003");
    assert_eq!(slashed["number"], "KH/2024/7");
    assert_ne!(dotted["id"], slashed["id"]);
    assert_eq!(by_number.assert_status(200)["id"], dotted["id"]);
    assert_eq!(by_slash.assert_status(200)["id"], slashed["id"]);
}

#[tokio::test]
async fn an_update_needs_the_version_read_and_the_same_record_again_writes_nothing() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    put(&risk, "KH-9002", master("福州恒达电子有限公司"))
        .await
        .assert_status(201);
    let mut renamed = master("福州恒达科技有限公司");
    renamed["version"] = json!(1);

    // Act
    let again = put(&risk, "KH-9002", master("福州恒达电子有限公司")).await;
    let updated = put(&risk, "KH-9002", renamed.clone()).await;
    let stale = put(&risk, "KH-9002", {
        let mut b = renamed.clone();
        b["name"] = json!("又一个名字有限公司");
        b
    })
    .await;
    let old_name = risk.get("/v1/customers?q=恒达电子").await;
    let new_name = risk.get("/v1/customers?q=恒达科技").await;

    // Assert
    assert_eq!(again.assert_status(200)["version"], 1, "nothing written");
    let updated = updated.assert_status(200);
    assert_eq!(updated["version"], 2);
    assert_eq!(updated["name"], "福州恒达科技有限公司");
    assert_eq!(stale.problem(409)["code"], "conflict.version");
    let ids = |r: &TestResponse| {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&old_name), Vec::<String>::new());
    assert_eq!(ids(&new_name), ["KH-9002"]);
    let audit = risk.audit_of("KH-9002").await;
    let actions = audit_actions(&audit);
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == "create" || **a == "update")
            .count(),
        2,
        "{actions:?}"
    );
}

#[tokio::test]
async fn an_archived_customer_is_kept_and_read_by_number_but_no_longer_listed() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    put(&risk, "KH-9003", master("福州长乐纺织有限公司"))
        .await
        .assert_status(201);
    let mut archived = master("福州长乐纺织有限公司");
    archived["version"] = json!(1);
    archived["status"] = json!("archived");

    // Act
    let done = put(&risk, "KH-9003", archived).await;
    let read = risk.get("/v1/customers/KH-9003").await;
    let found = risk.get("/v1/customers?q=长乐纺织").await;

    // Assert
    assert_eq!(done.assert_status(200)["archived"], true);
    assert_eq!(read.assert_status(200)["archived"], true);
    assert_eq!(found.assert_status(200)["items"], json!([]));
}

#[tokio::test]
async fn bad_fields_are_named_a_taken_code_or_number_is_refused_and_sales_may_not_edit() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    put(&risk, "KH-9004", master("福州闽江建材有限公司"))
        .await
        .assert_status(201);
    let mut bad_code = master("某公司");
    bad_code["registration_id"] = json!("91350100M000100Y4X");
    let mut no_name = master(" ");
    no_name["registration_id"] = json!(usci(504));

    // Act
    let bad_code = put(&risk, "KH-9005", bad_code).await;
    let no_name = put(&risk, "KH-9006", no_name).await;
    let taken = put(&risk, "KH-9007", master("另一家公司")).await;
    let other_number = put(&risk, "C1", json!({"name": "改名", "version": 1})).await;
    let by_sales = put(
        &app.signed_in(Role::Sales),
        "KH-9008",
        json!({"name": "销售新建"}),
    )
    .await;
    let foreign = put(&risk, "KH-9009", {
        json!({"name": "Acme GmbH", "country": "DE", "registration_id": "HRB 12345"})
    })
    .await;

    // Assert
    assert_eq!(bad_code.problem(422)["errors"][0]["code"], "usci.checksum");
    assert_eq!(bad_code.problem_field(), "registration_id");
    assert_eq!(no_name.problem_field(), "name");
    assert_eq!(taken.problem(422)["errors"][0]["code"], "customer.exists");
    assert_eq!(
        other_number.problem(409)["code"],
        "customer.number_taken",
        "C1 is numbered KH-C1"
    );
    by_sales.problem(403);
    let foreign = foreign.assert_status(201);
    assert_eq!(foreign["country"], "DE");
    assert_eq!(foreign["master"]["registration"]["scheme"], "other");
}

#[tokio::test]
async fn the_profile_in_the_master_reaches_the_scorecard() {
    // Arrange: two companies alike but for their age.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let mut young = master("福州新创贸易有限公司");
    young["registration_id"] = json!(usci(505));
    young["founded"] = json!((app.clock.today() - time::Duration::days(200)).to_string());
    let mut old = master("福州老字号贸易有限公司");
    old["registration_id"] = json!(usci(506));
    old["founded"] = json!("1995-01-01");

    // Act
    put(&risk, "KH-9010", young).await.assert_status(201);
    put(&risk, "KH-9011", old).await.assert_status(201);
    let young = risk.credit("KH-9010").await;
    let old = risk.credit("KH-9011").await;

    // Assert
    let score = |v: &Value| amount(&json!({"amount": v["assessment"]["score"]}));
    assert!(
        score(&old) > score(&young),
        "an older company scores higher: {} vs {}",
        old["assessment"]["score"],
        young["assessment"]["score"]
    );
}

#[tokio::test]
async fn customers_handed_to_another_rep_leave_the_first_rep_s_list_and_checks_at_once() {
    // Arrange: C1 and C2 are the sales rep's, who has checked an order of C1's.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let sales = app.signed_in(Role::Sales);
    sales.credit_check("C1", "100.00").await.assert_status(200);

    // Act
    let moved = risk
        .post(
            "/v1/customers/owner",
            json!({"customers": ["C1", "C2", "NOPE-1"], "owner": "sales2", "reason": "territory"}),
        )
        .await;
    let again = risk
        .post(
            "/v1/customers/owner",
            json!({"customers": ["C1"], "owner": "sales2"}),
        )
        .await;
    let card = sales.get("/v1/customers/C1").await;
    let file = sales.get("/v1/customers/C1/credit").await;
    let check = sales.credit_check("C1", "100.00").await;
    let listed = sales.get("/v1/customers").await;

    // Assert
    let moved = moved.assert_status(200);
    assert_eq!(moved["updated"], 2);
    assert_eq!(moved["unknown"], json!(["NOPE-1"]));
    assert_eq!(again.assert_status(200)["unchanged"], 1);
    card.problem(403);
    file.problem(403);
    check.problem(403);
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"C1") && !ids.contains(&"C2"), "{ids:?}");
    let audit = risk.audit_of("C1").await;
    assert!(audit_actions(&audit).contains(&"update"), "{audit:?}");
}
