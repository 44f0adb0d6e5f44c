//! Onboarding applications: screened against the blacklist, custom fields checked, a new
//! customer without credit until its credit line is approved.

use crate::helpers::*;
use rust_decimal::Decimal;
use serde_json::json;

#[tokio::test]
async fn an_application_creates_a_customer_without_credit_until_its_line_is_approved() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let code = usci(4711);

    let r = sales
        .post(
            "/v1/applications",
            application("深圳新客户电子有限公司", &code, "80000.00"),
        )
        .await;

    r.assert_status(201);
    let customer = r.body["customer_id"].as_str().unwrap().to_owned();
    let rid = r.body["request_id"].as_str().unwrap().to_owned();
    let before = sales.credit(&customer).await;
    assert_eq!(amount(&before["file"]["limit"]), Decimal::ZERO);
    let d = sales.detail(&customer, &rid).await;
    assert_eq!(d["request"]["kind"], "new_credit_line");
    assert_eq!(d["request"]["status"], "pending");
    let twice = sales
        .post(
            "/v1/applications",
            application("另一个名字有限公司", &code, "80000.00"),
        )
        .await;
    twice.problem(422);
    assert_eq!(twice.problem_field(), "usci");

    let d = app.approve_all(&customer, &rid).await;

    assert_eq!(d["request"]["status"], "approved", "{d}");
    let after = risk.credit(&customer).await;
    assert_eq!(after["file"]["limit"]["amount"], "80000.00");
    assert_eq!(after["file"]["terms_days"], 30);
}

#[tokio::test]
async fn an_application_with_a_blacklisted_code_is_refused() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    let code = usci(4712);
    app.blacklist_party(&code, "失信电子有限公司").await;

    let r = sales
        .post(
            "/v1/applications",
            application("改了名字的电子有限公司", &code, "50000.00"),
        )
        .await;

    r.problem(422);
    assert_eq!(r.problem_field(), "usci");
}

#[tokio::test]
async fn an_application_with_the_name_of_a_party_blacklisted_by_code_and_name_is_refused() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    app.blacklist_party(&usci(4712), "失信电子有限公司").await;

    let screened = sales
        .post(
            "/v1/applications/screen",
            json!({"usci": "", "name": "失信电子有限公司"}),
        )
        .await;
    let r = sales
        .post(
            "/v1/applications",
            application("失信电子有限公司", &usci(4713), "50000.00"),
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
    let sales = app.signed_in(Role::Sales);
    let admin = app.signed_in(Role::Admin);
    let fields = admin
        .put(
            "/v1/admin/custom-fields",
            json!({"replaces": 0, "reason": "bank needed for collections", "document": {
                "fields": [{"key": "bank", "label": "开户行", "kind": {"type": "text"},
                            "required": true}]}}),
        )
        .await;
    fields.assert_status(200);

    let missing = sales
        .post(
            "/v1/applications",
            application("缺字段电子有限公司", &usci(4714), "50000.00"),
        )
        .await;
    let mut bad = application("", "123", "50000.00");
    bad["custom"] = json!({"bank": "工商银行"});
    let bad = sales.post("/v1/applications", bad).await;
    let mut complete = application("有字段电子有限公司", &usci(4715), "50000.00");
    complete["custom"] = json!({"bank": "工商银行"});
    let complete = sales.post("/v1/applications", complete).await;

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
    complete.assert_status(201);
}

#[tokio::test]
async fn five_concurrent_applications_for_one_code_create_exactly_one_customer() {
    // Arrange: five reps apply for the same company at the same moment; each passes the
    // duplicate screen before any of them is written.
    let app = spawn_app().await;
    let code = usci(4790);
    let sales = app.signed_in(Role::Sales);
    sales.token().await;
    let names: Vec<String> = (0..5).map(|i| format!("深圳并发电子有限公司{i}")).collect();

    // Act
    let answers = futures::future::join_all(
        names
            .iter()
            .map(|name| sales.post("/v1/applications", application(name, &code, "50000.00"))),
    )
    .await;

    // Assert
    let created: Vec<&TestResponse> = answers.iter().filter(|r| r.status == 201).collect();
    assert_eq!(
        created.len(),
        1,
        "{:?}",
        answers.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|r| r.status != 201) {
        let problem = refused.problem(422);
        assert_eq!(problem["errors"][0]["field"], "usci", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "customer.exists", "{problem}");
    }
    let found = sales.get(&format!("/v1/customers?q={code}")).await;
    let items = found.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(items.len(), 1, "one customer under the code: {items:?}");
    assert_eq!(items[0]["id"], created[0].body["customer_id"]);
}
