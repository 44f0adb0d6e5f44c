//! The Lambda adapter: a recorded API Gateway HTTP API (payload v2) event goes through
//! `lambda_http`'s adapter into the same Router and comes back as an API Gateway response.

use crate::helpers::*;
use lambda_http::{Adapter, Context, LambdaEvent, Service, request::LambdaRequest};

const HEALTH_EVENT: &str = include_str!("../../fixtures/apigw-v2-get-health.json");
const CUSTOMERS_EVENT: &str = include_str!("../../fixtures/apigw-v2-get-customers.json");

async fn invoke(app: &TestApp, event: &str) -> serde_json::Value {
    let request: LambdaRequest = serde_json::from_str(event).expect("a valid API Gateway v2 event");
    let mut adapter = Adapter::from(app.router.clone());
    let response = adapter
        .call(LambdaEvent::new(request, Context::default()))
        .await
        .expect("the router never fails");
    serde_json::to_value(response).unwrap()
}

#[tokio::test]
async fn a_recorded_health_event_gets_a_200_api_gateway_response() {
    let app = spawn_app().await;

    let response = invoke(&app, HEALTH_EVENT).await;

    assert_eq!(response["statusCode"], 200);
    let body: serde_json::Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(response["headers"]["content-type"], "application/json");
}

#[tokio::test]
async fn a_recorded_search_event_without_a_valid_token_gets_a_401_problem() {
    let app = spawn_app().await;

    let response = invoke(&app, CUSTOMERS_EVENT).await;

    assert_eq!(response["statusCode"], 401);
    assert_eq!(
        response["headers"]["content-type"],
        "application/problem+json"
    );
    let body: serde_json::Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["instance"], "/v1/customers");
}

#[tokio::test]
async fn a_recorded_search_event_with_a_token_reaches_the_store() {
    let app = spawn_app().await;
    let token = app.token_for("sales").await;
    let event = CUSTOMERS_EVENT.replace("eyJrecorded.token.signature", &token);

    let response = invoke(&app, &event).await;

    assert_eq!(response["statusCode"], 200, "{response}");
    let body: serde_json::Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["items"][0]["id"], "C2");
}

/// `GET path` with `token` through `router`: the status and the body.
async fn get_on(router: axum::Router, path: &str, token: &str) -> (u16, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let request = http::Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router
        .oneshot(request)
        .await
        .expect("the router never fails");
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, body.to_vec())
}

#[tokio::test]
async fn each_function_serves_its_own_routes_and_the_field_describes_them_all() {
    // Arrange
    let app = spawn_app().await;
    let token = app.token_for("risk").await;
    let field = credence_api::router::field_router(app.state.clone());
    let office = credence_api::router::office_router(app.state.clone());
    let template = "/v1/imports/templates/customers";

    // Act
    let (search_on_field, _) = get_on(field.clone(), "/v1/customers?q=C", &token).await;
    let (search_on_office, _) = get_on(office.clone(), "/v1/customers?q=C", &token).await;
    let (template_on_office, xlsx) = get_on(office, template, &token).await;
    let (template_on_field, _) = get_on(field.clone(), template, &token).await;
    let (_, field_doc) = get_on(field, "/openapi.json", &token).await;
    let (_, whole_doc) = get_on(app.router.clone(), "/openapi.json", &token).await;

    // Assert
    assert_eq!((search_on_field, search_on_office), (200, 404));
    assert_eq!((template_on_office, template_on_field), (200, 404));
    assert!(xlsx.starts_with(b"PK"), "an XLSX file (a zip)");
    let field_ops = operations(&field_doc);
    assert!(field_ops.contains("POST /v1/lab/fits"), "{field_ops:?}");
    assert!(field_ops.contains("POST /v1/customers/{id}/letters"));
    assert!(field_ops.contains("GET /v1/customers/{id}/letters"));
    assert_eq!(field_ops, operations(&whole_doc));
}

/// The operations an OpenAPI description lists, as `METHOD /path`.
fn operations(doc: &[u8]) -> std::collections::BTreeSet<String> {
    let doc: serde_json::Value = serde_json::from_slice(doc).unwrap();
    let mut ops = std::collections::BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                ops.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    ops
}
