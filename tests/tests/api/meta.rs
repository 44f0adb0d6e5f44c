//! Health, the OpenAPI description and request ids.

use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn health_answers_without_a_token() {
    let app = spawn_app().await;

    let response = app.get("/health", None).await;

    assert_eq!(response.status, 200);
    assert_eq!(response.body["status"], "ok");
}

#[tokio::test]
async fn the_openapi_description_lists_every_route_with_its_problem_type() {
    let app = spawn_app().await;

    let response = app.get("/openapi.json", None).await;

    assert_eq!(response.status, 200);
    let paths = response.body["paths"].as_object().unwrap();
    for path in [
        "/health",
        "/v1/me",
        "/v1/customers",
        "/v1/customers/{id}",
        "/auth/token",
        "/.well-known/jwks.json",
    ] {
        assert!(
            paths.contains_key(path),
            "{path} missing from /openapi.json"
        );
    }
    assert!(response.body["components"]["schemas"]["Problem"].is_object());
    assert!(response.body["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn every_response_has_a_request_id_and_a_given_one_is_kept() {
    let app = spawn_app().await;

    let fresh = app.get("/health", None).await;
    let given = app
        .send(
            axum::http::Request::get("/health")
                .header("x-request-id", "trace-123")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;

    assert_eq!(fresh.headers["x-request-id"].len(), 36);
    assert_eq!(given.headers["x-request-id"], "trace-123");
}

#[tokio::test]
async fn the_openapi_operations_are_the_documented_list() {
    let app = spawn_app().await;

    let response = app.get("/openapi.json", None).await;

    let paths = response.assert_status(200)["paths"].as_object().unwrap();
    let mut operations: Vec<String> = paths
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().unwrap().keys();
            methods.map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();
    operations.sort();
    // A new, renamed or removed operation shows here as a snapshot diff to review.
    snapshot::settings().bind(|| insta::assert_json_snapshot!("openapi_operations", operations));
}

#[tokio::test]
async fn every_request_body_in_the_openapi_description_has_a_json_schema() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let response = app.get("/openapi.json", None).await;

    // Assert: a body described only in prose cannot be fuzzed or checked by a client.
    let paths = response.assert_status(200)["paths"].as_object().unwrap();
    let mut prose = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let Some(body) = operation.get("requestBody") else {
                continue;
            };
            let schema = &body["content"]["application/json"]["schema"];
            let typed = ["$ref", "type", "oneOf", "allOf", "anyOf"]
                .iter()
                .any(|key| schema.get(key).is_some());
            if !typed {
                prose.push(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    assert!(
        prose.is_empty(),
        "request bodies without a JSON schema: {prose:#?}"
    );
}

#[tokio::test]
async fn every_variant_of_a_tagged_body_enum_refuses_unknown_fields_in_the_description_too() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let doc = app.get("/openapi.json", None).await.body;

    // Assert: the server refuses unknown fields in these (serde `deny_unknown_fields`), so
    // the description must not invite them.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let tagged: Vec<&String> = schemas
        .iter()
        .filter(|(_, s)| {
            s["oneOf"]
                .as_array()
                .is_some_and(|v| v.iter().all(|v| v["type"] == "object"))
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        tagged.iter().any(|n| *n == "LedgerEvent"),
        "tagged enums: {tagged:?}"
    );
    for name in tagged {
        for variant in schemas[name]["oneOf"].as_array().unwrap() {
            assert_eq!(
                variant["additionalProperties"], false,
                "{name}: {}",
                variant["properties"]
            );
        }
    }
}

#[tokio::test]
async fn the_openapi_description_bounds_free_text_and_keys_as_the_server_does() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let doc = app.get("/openapi.json", None).await.body;

    // Assert: the lengths and patterns the services check (a schema looser than the
    // server makes a client, or the fuzzer, send what is refused).
    let schemas = &doc["components"]["schemas"];
    let bounds = [
        ("DecisionRequest", "reason", 500),
        ("GroupRequest", "name", 200),
        ("NewNote", "text", 2000),
        ("NewSignal", "source", 200),
        ("BlacklistAdd", "reason", 500),
        ("BlacklistAdd", "source", 200),
        ("BlacklistRemoval", "reason", 500),
        ("UserUpdate", "reason", 500),
        ("PublishEngine", "reason", 500),
    ];
    for (schema, field, max) in bounds {
        let property = &schemas[schema]["properties"][field];
        assert_eq!(property["maxLength"], max, "{schema}.{field}: {property}");
        assert_eq!(property["minLength"], 1, "{schema}.{field}: {property}");
    }
    // A "nothing found" signal has no summary; any other needs one (the server says so).
    assert_eq!(
        schemas["NewSignal"]["properties"]["summary"]["maxLength"],
        1000
    );
    for schema in ["IncomingEvent", "NewPromise", "NewSignal"] {
        let property = &schemas[schema]["properties"]["idempotency_key"];
        assert_eq!(
            property["pattern"], "^[A-Za-z0-9_.:/-]{1,128}$",
            "{schema}: {property}"
        );
    }
}

/// Every `$ref` under `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_in_the_openapi_description_resolves() {
    // Arrange
    let app = spawn_app().await;
    let doc = app.get("/openapi.json", None).await.body;

    // Act
    let mut refs = Vec::new();
    references(&doc, &mut refs);

    // Assert
    let missing: Vec<&String> = refs
        .iter()
        .filter(|r| {
            let name = r.trim_start_matches("#/components/schemas/");
            doc["components"]["schemas"].get(name).is_none()
        })
        .collect();
    assert!(missing.is_empty(), "unresolvable references: {missing:?}");
}
