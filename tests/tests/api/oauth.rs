//! The local issuer's OAuth 2.0 / OpenID Connect endpoints, the same flows Cognito offers:
//! the app's authorization code with PKCE, refresh, and an ERP's client credentials.

use crate::helpers::*;
use axum::body::Body;
use axum::http::Request;
use base64::Engine;
use serde_json::{Value, json};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

fn redirect() -> String {
    format!("{ISSUER}/signin/callback")
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

async fn post_form(app: &TestApp, path: &str, body: String, basic: Option<&str>) -> TestResponse {
    let mut request =
        Request::post(path).header("content-type", "application/x-www-form-urlencoded");
    if let Some(pair) = basic {
        let encoded = base64::engine::general_purpose::STANDARD.encode(pair);
        request = request.header("authorization", format!("Basic {encoded}"));
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

fn authorize_form(username: &str, password: &str, challenge: &str) -> String {
    authorize_form_to(&redirect(), username, password, challenge)
}

fn authorize_form_to(redirect: &str, username: &str, password: &str, challenge: &str) -> String {
    form(&[
        ("response_type", "code"),
        ("client_id", AUDIENCE),
        ("redirect_uri", redirect),
        ("state", "s-42"),
        ("code_challenge", challenge),
        ("code_challenge_method", "S256"),
        ("scope", "openid profile"),
        ("username", username),
        ("password", password),
    ])
}

/// Signs `username` in on the authorize page and returns the code from the redirect.
async fn code_for(app: &TestApp, username: &str) -> String {
    let answer = post_form(
        app,
        "/oauth2/authorize",
        authorize_form(username, "secret", CHALLENGE),
        None,
    )
    .await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let location = answer.headers["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&redirect()), "{location}");
    assert!(location.contains("state=s-42"), "{location}");
    let query = location.split_once('?').unwrap().1;
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    pairs.into_iter().find(|(k, _)| k == "code").unwrap().1
}

async fn exchange(app: &TestApp, code: &str, verifier: &str) -> TestResponse {
    let redirect = redirect();
    let body = form(&[
        ("grant_type", "authorization_code"),
        ("client_id", AUDIENCE),
        ("code", code),
        ("redirect_uri", &redirect),
        ("code_verifier", verifier),
    ]);
    post_form(app, "/oauth2/token", body, None).await
}

async fn refresh(app: &TestApp, token: &str) -> TestResponse {
    let body = form(&[
        ("grant_type", "refresh_token"),
        ("client_id", AUDIENCE),
        ("refresh_token", token),
    ]);
    post_form(app, "/oauth2/token", body, None).await
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

#[tokio::test]
async fn discovery_names_the_endpoints_and_the_three_grants() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let discovery = app.get("/.well-known/openid-configuration", None).await;
    let config = app.get("/config.json", None).await;

    // Assert
    let d = discovery.assert_status(200);
    assert_eq!(d["issuer"], ISSUER);
    assert_eq!(
        d["authorization_endpoint"],
        format!("{ISSUER}/oauth2/authorize")
    );
    assert_eq!(d["token_endpoint"], format!("{ISSUER}/oauth2/token"));
    assert_eq!(d["jwks_uri"], format!("{ISSUER}/.well-known/jwks.json"));
    for grant in ["authorization_code", "refresh_token", "client_credentials"] {
        assert!(
            d["grant_types_supported"]
                .as_array()
                .unwrap()
                .contains(&json!(grant)),
            "{d}"
        );
    }
    assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
    let c = config.assert_status(200);
    assert_eq!(c["issuer"], ISSUER);
    assert_eq!(c["client_id"], AUDIENCE);
}

#[tokio::test]
async fn the_app_signs_in_with_a_code_and_pkce_and_only_the_access_token_gets_in() {
    // Arrange
    let app = spawn_app().await;
    let page = app
        .send(
            Request::get(format!(
                "/oauth2/authorize?response_type=code&client_id={AUDIENCE}&redirect_uri={}&state=s-42&code_challenge={CHALLENGE}&code_challenge_method=S256",
                redirect()
            ))
            .body(Body::empty())
            .unwrap(),
        )
        .await;
    let code = code_for(&app, "risk").await;

    // Act
    let tokens = exchange(&app, &code, VERIFIER).await;
    let again = exchange(&app, &code, VERIFIER).await;
    let other = code_for(&app, "risk").await;
    let wrong_verifier = exchange(&app, &other, &"a".repeat(43)).await;

    // Assert
    assert_eq!(page.status, 200);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    let t = tokens.assert_status(200);
    assert_eq!(t["token_type"], "Bearer");
    assert!(t["expires_in"].as_u64().unwrap() <= 15 * 60, "{t}");
    assert!(!text(&t["refresh_token"]).is_empty(), "{t}");
    let me = app.get("/v1/me", Some(text(&t["access_token"]))).await;
    assert_eq!(me.assert_status(200)["username"], "risk");
    let by_id_token = app.get("/v1/me", Some(text(&t["id_token"]))).await;
    assert_eq!(
        by_id_token.problem(401)["detail"],
        "only access tokens are accepted (not ID tokens)"
    );
    assert_eq!(again.status, 400, "a code is used once");
    assert_eq!(again.body["error"], "invalid_grant");
    assert_eq!(wrong_verifier.status, 400);
    assert_eq!(wrong_verifier.body["error"], "invalid_grant");
}

#[tokio::test]
async fn a_wrong_password_shows_the_page_again_and_a_stranger_redirect_is_never_followed() {
    // Arrange
    let app = spawn_app().await;
    let evil = authorize_form_to("https://evil.example/cb", "risk", "secret", CHALLENGE);
    let no_pkce = authorize_form("risk", "secret", "short");

    // Act
    let wrong = post_form(
        &app,
        "/oauth2/authorize",
        authorize_form("risk", "nope", CHALLENGE),
        None,
    )
    .await;
    let stranger = post_form(&app, "/oauth2/authorize", evil, None).await;
    let weak = post_form(&app, "/oauth2/authorize", no_pkce, None).await;

    // Assert
    assert_eq!(wrong.status, 401);
    assert!(wrong.content_type.starts_with("text/html"));
    assert_eq!(stranger.status, 400);
    assert!(
        stranger.headers.get("location").is_none(),
        "never redirect to a stranger"
    );
    assert_eq!(weak.status, 303);
    let location = weak.headers["location"].to_str().unwrap();
    assert!(
        location.starts_with(&redirect()) && location.contains("error=invalid_request"),
        "{location}"
    );
}

#[tokio::test]
async fn a_refresh_gives_a_new_access_token_until_the_admin_disables_the_account() {
    // Arrange
    let app = spawn_app().await;
    let code = code_for(&app, "collector").await;
    let tokens = exchange(&app, &code, VERIFIER).await;
    let refresh_token = text(&tokens.assert_status(200)["refresh_token"]).to_owned();
    let admin = app.signed_in(Role::Admin);

    // Act
    let first = refresh(&app, &refresh_token).await;
    admin
        .put(
            "/v1/admin/users/collector",
            json!({"version": 0, "roles": ["collector"], "active": false, "reason": "left the company"}),
        )
        .await
        .assert_status(200);
    let after = refresh(&app, &refresh_token).await;
    let sign_in_again = post_form(
        &app,
        "/oauth2/authorize",
        authorize_form("collector", "secret", CHALLENGE),
        None,
    )
    .await;

    // Assert
    let renewed = text(&first.assert_status(200)["access_token"]).to_owned();
    assert_eq!(
        app.get("/v1/me", Some(&renewed)).await.problem(401)["detail"],
        "this account is disabled",
        "the access token still within its 15 minutes is refused at the next call"
    );
    assert_eq!(after.status, 400, "{}", after.body);
    assert_eq!(after.body["error"], "invalid_grant");
    assert_eq!(
        sign_in_again.status, 401,
        "a disabled account cannot sign in again"
    );
}

#[tokio::test]
async fn an_erp_with_ledger_write_posts_events_but_may_not_decide_credit() {
    // Arrange
    let app = spawn_app().await;
    let body = form(&[
        ("grant_type", "client_credentials"),
        ("scope", "credence/ledger.write"),
    ]);
    let token = post_form(&app, "/oauth2/token", body, Some("erp:erp-secret")).await;
    let token = text(&token.assert_status(200)["access_token"]).to_owned();
    let today = app.clock.today();
    let invoice = invoice_on(
        "erp-i1",
        "C1",
        today,
        today + time::Duration::days(30),
        "100.00",
    );

    // Act
    let posted = app
        .send_json(
            "POST",
            "/v1/ledger/events",
            &token,
            &json!({"events": [invoice]}),
        )
        .await;
    let decided = app
        .send_json(
            "PUT",
            "/v1/customers/C1/credit-decision",
            &token,
            &json!({"version": 1, "reason": "erp", "on_hold": true}),
        )
        .await;
    let checked = app.get("/v1/customers/C1/credit", Some(&token)).await;

    // Assert
    assert_eq!(posted.assert_status(200)["rejected"], 0, "{}", posted.body);
    decided.problem(403);
    assert_eq!(
        checked.status, 200,
        "ledger.write may look the customer up: {}",
        checked.body
    );
}

#[tokio::test]
async fn a_wrong_secret_or_a_scope_not_granted_gets_no_token() {
    // Arrange
    let app = spawn_app().await;
    let asked = |scope: &str| form(&[("grant_type", "client_credentials"), ("scope", scope)]);

    // Act
    let wrong = post_form(
        &app,
        "/oauth2/token",
        asked("credence/ledger.write"),
        Some("erp:nope"),
    )
    .await;
    let greedy = post_form(
        &app,
        "/oauth2/token",
        asked("credence/customers.write"),
        Some("erp:erp-secret"),
    )
    .await;
    let odd = post_form(
        &app,
        "/oauth2/token",
        form(&[("grant_type", "password")]),
        None,
    )
    .await;

    // Assert
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body["error"], "invalid_client");
    assert_eq!(greedy.status, 400);
    assert_eq!(greedy.body["error"], "invalid_scope");
    assert_eq!(odd.status, 400);
    assert_eq!(odd.body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn a_machine_sends_a_ledger_file_only_when_it_holds_imports_write() {
    // Arrange: two ERPs with ledger.write, one also with imports.write.
    let app = spawn_app().await;
    let body = || form(&[("grant_type", "client_credentials")]);
    let posts = post_form(&app, "/oauth2/token", body(), Some("erp:erp-secret")).await;
    let files = post_form(
        &app,
        "/oauth2/token",
        body(),
        Some("erp-files:erp-files-secret"),
    )
    .await;
    let (posts, files) = (
        text(&posts.assert_status(200)["access_token"]).to_owned(),
        text(&files.assert_status(200)["access_token"]).to_owned(),
    );
    let batch = json!({"dry_run": true, "mapping": ["customer", "invoice", "issued", "due", "amount"],
        "rows": [{"line": 2, "cells": ["C1", "F-1", "2026-11-01", "2026-12-01", "100.00"]}]});

    // Act
    let refused = app
        .send_json("POST", "/v1/imports/open_items", &posts, &batch)
        .await;
    let sent = app
        .send_json("POST", "/v1/imports/open_items", &files, &batch)
        .await;
    let customers = app
        .send_json(
            "POST",
            "/v1/imports/customers",
            &files,
            &json!({"dry_run": true, "mapping": ["customer", "name"],
            "rows": [{"line": 2, "cells": ["KH-1", "某某有限公司"]}]}),
        )
        .await;

    // Assert
    refused.problem(403);
    assert_eq!(sent.status, 200, "{}", sent.body);
    customers.problem(403);
}
