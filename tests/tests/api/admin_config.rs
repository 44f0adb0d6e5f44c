//! The admin configuration: the approval matrix, custom fields, users and roles, engine
//! versions, and that only an admin may touch them.

use crate::helpers::*;
use serde_json::json;

#[tokio::test]
async fn a_matrix_on_a_stale_version_or_with_a_sales_approver_is_refused() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let current = admin.get("/v1/admin/approval-matrix").await;
    current.assert_status(200);
    let document = current.body.clone();
    let mut with_sales = document.clone();
    with_sales["rules"][0]["steps"][0]["role"] = json!("sales");

    let stale = admin
        .put(
            "/v1/admin/approval-matrix",
            json!({"replaces": 7, "reason": "tighten", "document": document}),
        )
        .await;
    let invalid = admin
        .put(
            "/v1/admin/approval-matrix",
            json!({"replaces": 0, "reason": "tighten", "document": with_sales}),
        )
        .await;

    stale.problem(409);
    invalid.problem(422);
    assert_eq!(invalid.problem_field(), "document.rules[0].steps[0].role");
}

#[tokio::test]
async fn a_new_matrix_routes_requests_filed_after_it() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let sales = app.signed_in(Role::Sales);
    let finance = app.signed_in(Role::Finance);
    app.customer_with_limit("C1", "10000.00").await;
    let matrix = json!({"currency": "CNY", "rules": [
        {"name": "Finance decides everything", "steps": [{"role": "finance", "sla_hours": 12}]}
    ]});

    let saved = admin
        .put(
            "/v1/admin/approval-matrix",
            json!({"replaces": 0, "reason": "finance owns credit now", "document": matrix}),
        )
        .await;

    saved.assert_status(200);
    assert_eq!(saved.body["version"], 1);
    let r = sales.file_request("C1", limit_change("500000.00")).await;
    r.assert_status(201);
    assert_eq!(roles_of(&r.body), ["finance"]);
    assert_eq!(r.body["rule"], "Finance decides everything");
    assert_eq!(r.body["matrix_version"], 1);
    let rid = r.body["id"].as_str().unwrap();
    let approved = finance.approve("C1", rid, 1).await;
    approved.assert_status(200);
    assert_eq!(approved.body["request"]["status"], "approved");
    // The version moved on: editing the old one again is a conflict.
    admin
        .put(
            "/v1/admin/approval-matrix",
            json!({"replaces": 0, "reason": "again", "document": matrix}),
        )
        .await
        .problem(409);
}

#[tokio::test]
async fn custom_fields_saved_by_an_admin_appear_on_the_application_form() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let sales = app.signed_in(Role::Sales);
    let document = json!({"fields": [
        {"key": "channel", "label": "渠道", "kind": {"type": "choice", "options": ["直销", "经销"]}},
        {"key": "internal", "label": "内部评级", "kind": {"type": "text"}, "visible_to": ["risk"]}
    ]});

    let saved = admin
        .put(
            "/v1/admin/custom-fields",
            json!({"replaces": 0, "reason": "channel reporting", "document": document}),
        )
        .await;
    let bad_key = admin
        .put(
            "/v1/admin/custom-fields",
            json!({"replaces": 1, "reason": "x", "document": {"fields": [
                {"key": "Bad Key", "label": "x", "kind": {"type": "yes_no"}}]}}),
        )
        .await;

    saved.assert_status(200);
    assert_eq!(saved.body["version"], 1);
    bad_key.problem(422);
    assert_eq!(bad_key.problem_field(), "document.fields[0].key");
    let all = admin.get("/v1/admin/custom-fields").await;
    assert_eq!(all.body["fields"].as_array().unwrap().len(), 2);
    let form = sales.get("/v1/applications/form").await;
    form.assert_status(200);
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
async fn roles_an_admin_gives_apply_at_the_persons_next_call_even_with_a_token_from_before() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let old = app.signed_in(Role::Sales);
    old.token().await; // signed in before the change

    let updated = admin
        .put(
            "/v1/admin/users/sales",
            json!({"version": 0, "roles": ["sales", "risk"], "reason": "promoted"}),
        )
        .await;
    let stale = admin
        .put(
            "/v1/admin/users/sales",
            json!({"version": 0, "roles": ["sales"], "reason": "undo"}),
        )
        .await;

    updated.assert_status(200);
    assert_eq!(updated.body["version"], 1);
    stale.problem(409);
    let before = old.get("/v1/me").await;
    let roles = before.assert_status(200)["roles"].as_array().unwrap();
    assert!(roles.contains(&json!("risk")), "{}", before.body);
    let fresh = app.signed_in(Role::Sales);
    let me = fresh.get("/v1/me").await;
    me.assert_status(200);
    let roles = me.body["roles"].as_array().unwrap();
    assert!(roles.contains(&json!("risk")), "{}", me.body);
    assert!(roles.contains(&json!("sales")), "{}", me.body);
    let users = admin.get("/v1/admin/users").await;
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
    let admin = app.signed_in(Role::Admin);

    let disabled = admin
        .put(
            "/v1/admin/users/sales",
            json!({"version": 0, "roles": ["sales"], "active": false, "reason": "left"}),
        )
        .await;
    let sign_in = app
        .post_json("/auth/token", r#"{"username":"sales","password":"secret"}"#)
        .await;

    disabled.assert_status(200);
    sign_in.problem(401);
}

#[tokio::test]
async fn a_published_engine_version_is_in_force_at_once_and_an_invalid_policy_is_refused() {
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let sales = app.signed_in(Role::Sales);
    let engine = sales.get("/v1/engine").await;
    engine.assert_status(200);
    assert_eq!(engine.body["version"], 0);
    let mut model = engine.body["model"].clone();
    let bumped = model["version"].as_u64().unwrap() + 1;
    model["version"] = json!(bumped);
    let policy = engine.body["policy"].clone();
    let mut broken = policy.clone();
    broken["grades"]["A"]["max_terms_days"] = json!("sixty");

    let invalid = admin
        .post(
            "/v1/admin/engine-versions",
            json!({"model": model, "policy": broken, "reason": "typo"}),
        )
        .await;
    let published = admin
        .post(
            "/v1/admin/engine-versions",
            json!({"model": model, "policy": policy, "reason": "recalibrated"}),
        )
        .await;

    invalid.problem(422);
    assert!(
        invalid.problem_field().starts_with("policy"),
        "{}",
        invalid.body
    );
    published.assert_status(201);
    assert_eq!(published.body["version"], 1);
    let now = sales.get("/v1/engine").await;
    assert_eq!(now.body["version"], 1);
    assert_eq!(now.body["model"]["version"], bumped);
    let versions = admin.get("/v1/admin/engine-versions").await;
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
    let matrix = default_approval_matrix();

    for role in [Role::Sales, Role::Risk, Role::Finance, Role::Approver] {
        let user = role.as_str();
        let token = app.signed_in(role);
        for path in [
            "/v1/admin/users",
            "/v1/admin/custom-fields",
            "/v1/admin/approval-matrix",
            "/v1/admin/engine-versions",
        ] {
            token.get(path).await.problem(403);
        }
        token
            .put(
                "/v1/admin/approval-matrix",
                json!({"replaces": 0, "reason": "x", "document": matrix}),
            )
            .await
            .problem(403);
        token
            .put(
                &format!("/v1/admin/users/{user}"),
                json!({"version": 0, "roles": ["admin"], "reason": "x"}),
            )
            .await
            .problem(403);
    }
}
