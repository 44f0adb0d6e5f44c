//! Bad input gets a 4xx problem+json naming the field, never a 500.

use crate::helpers::*;
use axum::{body::Body, http::Request};

#[tokio::test]
async fn malformed_json_is_a_400_about_the_body() {
    let app = spawn_app().await;

    let response = app
        .post_json("/auth/token", r#"{"username": "sales", "#)
        .await;

    response.problem(400);
    assert_eq!(response.problem_field(), "body");
}

#[tokio::test]
async fn a_wrong_type_names_the_field() {
    let app = spawn_app().await;

    let response = app
        .post_json("/auth/token", r#"{"username": 42, "password": "x"}"#)
        .await;

    response.problem(422);
    assert_eq!(response.problem_field(), "username");
}

#[tokio::test]
async fn an_unknown_field_is_refused_and_named() {
    let app = spawn_app().await;

    let response = app
        .post_json(
            "/auth/token",
            r#"{"username":"sales","password":"secret","remember":true}"#,
        )
        .await;

    response.problem(422);
    assert!(
        response.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("remember")
    );
}

#[tokio::test]
async fn a_missing_field_is_named() {
    let app = spawn_app().await;

    let response = app
        .post_json("/auth/token", r#"{"username":"sales"}"#)
        .await;

    response.problem(422);
    assert!(
        response.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("password")
    );
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = spawn_app().await;
    let huge = format!(
        r#"{{"username":"{}","password":"x"}}"#,
        "a".repeat(300 * 1024)
    );

    let response = app.post_json("/auth/token", &huge).await;

    response.problem(413);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_415() {
    let app = spawn_app().await;

    let response = app
        .send(
            Request::post("/auth/token")
                .header("content-type", "text/plain")
                .body(Body::from("username=sales"))
                .unwrap(),
        )
        .await;

    response.problem(415);
}

#[tokio::test]
async fn bad_query_parameters_are_named() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let limit_zero = sales.get("/v1/customers?limit=0").await;
    let limit_text = sales.get("/v1/customers?limit=lots").await;
    let unknown = sales.get("/v1/customers?colour=red").await;
    let long_q = sales
        .get(&format!("/v1/customers?q={}", "x".repeat(100)))
        .await;
    let junk_q = sales.get("/v1/customers?q=%2C%2E").await;
    let junk_cursor = sales.get("/v1/customers?cursor=%%%").await;

    limit_zero.problem(422);
    assert_eq!(limit_zero.problem_field(), "limit");
    limit_text.problem(422);
    assert_eq!(limit_text.problem_field(), "limit");
    unknown.problem(422);
    assert_eq!(unknown.problem_field(), "colour");
    long_q.problem(422);
    assert_eq!(long_q.problem_field(), "q");
    junk_q.problem(422);
    assert_eq!(junk_q.problem_field(), "q");
    assert!(
        junk_cursor.status == 400 || junk_cursor.status == 422,
        "{}",
        junk_cursor.status
    );
}

#[tokio::test]
async fn a_forged_cursor_is_a_400_naming_the_cursor_not_a_500() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);
    use base64::Engine;
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"PK":"T#alpha#C#C1","SK":"PROFILE","GSI1PK":"T#alpha#CUSTOMERS","GSI1SK":1}"#);

    let response = sales.get(&format!("/v1/customers?cursor={forged}")).await;

    response.problem(400);
    assert_eq!(response.problem_field(), "cursor");
}

#[tokio::test]
async fn ids_that_cannot_exist_are_not_found() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    for id in ["a%23b", "%E5%AE%A2%E6%88%B7", &"x".repeat(200)] {
        let response = sales.get(&format!("/v1/customers/{id}")).await;
        response.problem(404);
    }
}

#[tokio::test]
async fn an_unknown_path_and_a_wrong_method_are_problems_too() {
    let app = spawn_app().await;

    let unknown = app.get("/v1/nothing-here", None).await;
    let wrong_method = app
        .send(Request::delete("/health").body(Body::empty()).unwrap())
        .await;

    unknown.problem(404);
    wrong_method.problem(405);
}

#[tokio::test]
async fn a_problem_carries_the_request_id_and_path() {
    let app = spawn_app().await;

    let response = app.get("/v1/customers", None).await;

    let body = response.problem(401);
    let header_id = response.headers["x-request-id"].to_str().unwrap();
    assert_eq!(body["request_id"], header_id);
    assert_eq!(body["instance"], "/v1/customers");
}

#[tokio::test]
async fn a_field_error_is_a_problem_json_body_of_the_documented_shape() {
    let app = spawn_app().await;
    let sales = app.signed_in(Role::Sales);

    let response = sales
        .post(
            "/v1/customers/C1/credit-check",
            serde_json::json!({"amount": {"amount": "lots", "currency": "CNY"}}),
        )
        .await;

    let body = response.problem(422);
    snapshot::settings().bind(|| {
        insta::assert_json_snapshot!("credit_check_field_error", body, {
            ".request_id" => "[request id]",
        })
    });
}

/// A unified social credit code whose check character is wrong (the right one is replaced).
fn usci_with_a_wrong_check() -> String {
    let first17 = "91310115MA1K4L2Q3";
    let right = credence_shared::usci::check_character(first17).unwrap();
    let wrong = if right == '0' { '1' } else { '0' };
    format!("{first17}{wrong}")
}

#[tokio::test]
async fn a_credit_code_with_a_wrong_check_character_answers_422_with_its_code_and_parameters() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.token_for("risk").await;
    let body = serde_json::json!({"usci": usci_with_a_wrong_check(), "name": "错码有限公司",
                                  "reason": "court list", "source": "court"});

    // Act
    let response = app.send_json("POST", "/v1/blacklist", &risk, &body).await;

    // Assert
    response.problem(422);
    let error = &response.body["errors"][0];
    assert_eq!(error["field"], "usci");
    assert_eq!(error["code"], "usci.checksum");
    assert!(error["params"]["expected"].is_string(), "{error}");
    assert!(error["params"]["found"].is_string(), "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("check character")
    );
}

#[tokio::test]
async fn a_party_put_on_the_blacklist_twice_answers_409_with_the_code_already_exists() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.token_for("risk").await;
    let body = serde_json::json!({"name": "重复列入有限公司", "reason": "court list",
                                  "source": "court"});
    let first = app.send_json("POST", "/v1/blacklist", &risk, &body).await;
    assert_eq!(first.status, 201, "{}", first.body);

    // Act
    let second = app.send_json("POST", "/v1/blacklist", &risk, &body).await;

    // Assert
    second.problem(409);
    assert_eq!(second.body["code"], "conflict.exists");
    assert_eq!(second.body["type"], "urn:credence:problem:conflict");
    assert!(second.body["detail"].as_str().unwrap().contains("already"));
}

#[tokio::test]
async fn a_field_error_without_parameters_leaves_them_out_of_the_json() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_json("/auth/token", r#"{"username":"","password":""}"#)
        .await;

    // Assert
    response.problem(422);
    let error = &response.body["errors"][0];
    assert_eq!(error["code"], "field.required");
    assert!(error.get("params").is_none(), "{error}");
}

/// A cursor as the API encodes one: URL-safe base64 of a JSON object of key attributes.
fn cursor_of(json: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
}

#[tokio::test]
async fn a_forged_reused_or_garbled_cursor_is_a_400_naming_the_cursor_on_every_list() {
    // Arrange: a genuine search cursor, and cursors forged to the right shape but pointing
    // outside what their query reads.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    app.customer_with_limit("C1", "10000.00").await;
    let search = risk.get("/v1/customers?q=kh&limit=1").await;
    let search_cursor = search.body["next_cursor"].as_str().unwrap().to_owned();
    let today = app.clock.today();
    let month = &today.to_string()[..7];
    let empty_sort =
        cursor_of(r#"{"PK":"T#alpha#C#C1","SK":"","GSI1PK":"T#alpha#CUSTOMERS","GSI1SK":""}"#);
    let profile_as_audit = cursor_of(r#"{"PK":"T#alpha#C#C1","SK":"PROFILE"}"#);
    let audit_outside_range = cursor_of(&format!(
        r#"{{"PK":"T#alpha#AUDIT","SK":"A#x","GSI1PK":"T#alpha#AUDIT#{month}","GSI1SK":"1999-01-01T00:00:00Z#x"}}"#
    ));
    let paths = [
        "/v1/customers?cursor=garbage".to_owned(),
        format!("/v1/customers?cursor={empty_sort}"),
        // A search cursor reused for another search.
        format!("/v1/customers?q=harbour&cursor={search_cursor}"),
        "/v1/customers/C1/audit?cursor=garbage".to_owned(),
        format!("/v1/customers/C1/audit?cursor={profile_as_audit}"),
        format!("/v1/customers/C1/audit?cursor={search_cursor}"),
        "/v1/audit?cursor=garbage".to_owned(),
        format!("/v1/audit?cursor={month}~garbage"),
        format!("/v1/audit?cursor={month}~{audit_outside_range}"),
        "/v1/audit?cursor=1999-01~".to_owned(),
    ];

    for path in paths {
        // Act
        let response = risk.get(&path).await;

        // Assert
        response.problem(400);
        assert_eq!(response.problem_field(), "cursor", "{path}");
    }
}

#[tokio::test]
async fn trailing_data_after_a_json_body_is_a_400_about_the_body() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app
        .post_json(
            "/auth/token",
            r#"{"username":"sales","password":"secret"} xyz"#,
        )
        .await;
    let second_value = app
        .post_json(
            "/auth/token",
            r#"{"username":"sales","password":"secret"}{"username":"admin"}"#,
        )
        .await;

    // Assert
    response.problem(400);
    assert_eq!(response.problem_field(), "body");
    second_value.problem(400);
}
