//! Sign-in and token checks: only genuine, current tokens for this API get in.

use crate::helpers::*;
use credence_api::auth::{Claims, local::LocalIssuer, local::now_secs};

fn claims(tenant: &str) -> Claims {
    let now = now_secs();
    Claims {
        sub: "sales".into(),
        iss: ISSUER.into(),
        aud: None,
        token_use: Some("access".into()),
        client_id: Some(AUDIENCE.into()),
        scope: None,
        exp: now + 600,
        iat: now,
        nbf: None,
        tenant: Some(tenant.into()),
        cognito_tenant: None,
        roles: vec!["sales".into()],
        cognito_groups: vec![],
        username: Some("sales".into()),
        cognito_username: None,
    }
}

#[tokio::test]
async fn a_demo_user_signs_in_and_the_token_says_who_they_are() {
    let app = spawn_app().await;

    let token = app.token_for("risk").await;
    let me = app.get("/v1/me", Some(&token)).await;

    assert_eq!(me.status, 200);
    assert_eq!(me.body["username"], "risk");
    assert_eq!(me.body["tenant"], "alpha");
    assert_eq!(me.body["roles"], serde_json::json!(["risk"]));
}

#[tokio::test]
async fn the_token_response_has_the_documented_shape() {
    let app = spawn_app().await;

    let response = app
        .post_json("/auth/token", r#"{"username":"sales","password":"secret"}"#)
        .await;

    assert_eq!(response.status, 200);
    assert!(
        response.body["access_token"]
            .as_str()
            .unwrap()
            .split('.')
            .count()
            == 3
    );
    assert_eq!(response.body["token_type"], "Bearer");
    assert_eq!(response.body["expires_in"], 8 * 3600);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_user_get_the_same_401() {
    let app = spawn_app().await;

    let wrong_password = app
        .post_json("/auth/token", r#"{"username":"sales","password":"nope"}"#)
        .await;
    let unknown_user = app
        .post_json(
            "/auth/token",
            r#"{"username":"nobody","password":"secret"}"#,
        )
        .await;

    wrong_password.problem(401);
    unknown_user.problem(401);
    assert_eq!(wrong_password.body["detail"], unknown_user.body["detail"]);
}

#[tokio::test]
async fn an_empty_username_is_named_as_the_wrong_field() {
    let app = spawn_app().await;

    let response = app
        .post_json("/auth/token", r#"{"username":" ","password":"x"}"#)
        .await;

    response.problem(422);
    assert_eq!(response.problem_field(), "username");
}

#[tokio::test]
async fn a_request_without_a_token_gets_401_with_a_bearer_challenge() {
    let app = spawn_app().await;

    let response = app.get("/v1/customers", None).await;

    response.problem(401);
    assert_eq!(response.headers["www-authenticate"], "Bearer");
}

#[tokio::test]
async fn an_expired_token_gets_401() {
    let app = spawn_app().await;
    let mut expired = claims("alpha");
    expired.iat = now_secs() - 7200;
    expired.exp = now_secs() - 3600;
    let token = app.issuer.sign(&expired).unwrap();

    let response = app.get("/v1/me", Some(&token)).await;

    assert_eq!(response.problem(401)["detail"], "token has expired");
}

#[tokio::test]
async fn a_tampered_token_gets_401() {
    let app = spawn_app().await;
    let token = app.token_for("sales").await;
    // Swap the payload for one claiming another tenant, keeping the signature.
    let parts: Vec<&str> = token.split('.').collect();
    let forged_payload = {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut payload: serde_json::Value =
            serde_json::from_slice(&engine.decode(parts[1]).unwrap()).unwrap();
        payload["tenant"] = "beta".into();
        engine.encode(serde_json::to_vec(&payload).unwrap())
    };
    let tampered = format!("{}.{}.{}", parts[0], forged_payload, parts[2]);

    let response = app.get("/v1/me", Some(&tampered)).await;

    assert_eq!(
        response.problem(401)["detail"],
        "token signature is invalid"
    );
}

#[tokio::test]
async fn a_token_for_another_client_or_issuer_gets_401() {
    let app = spawn_app().await;
    let mut other_audience = claims("alpha");
    other_audience.client_id = Some("some-other-app".into());
    let mut other_issuer = claims("alpha");
    other_issuer.iss = "https://evil.example".into();

    let audience = app
        .get("/v1/me", Some(&app.issuer.sign(&other_audience).unwrap()))
        .await;
    let issuer = app
        .get("/v1/me", Some(&app.issuer.sign(&other_issuer).unwrap()))
        .await;

    assert_eq!(
        audience.problem(401)["detail"],
        "this client is not the app and has no Credence scope"
    );
    assert_eq!(
        issuer.problem(401)["detail"],
        "token is from another issuer"
    );
}

#[tokio::test]
async fn an_id_token_or_a_token_without_token_use_or_client_gets_401() {
    // Arrange: genuine signatures on claims that are not an access token of the app.
    let app = spawn_app().await;
    let mut id_token = claims("alpha");
    id_token.token_use = Some("id".into());
    id_token.aud = Some(AUDIENCE.into());
    id_token.client_id = None;
    let mut no_use = claims("alpha");
    no_use.token_use = None;
    let mut no_client = claims("alpha");
    no_client.client_id = None;

    // Act
    let answers = [
        app.get("/v1/me", Some(&app.issuer.sign(&id_token).unwrap()))
            .await,
        app.get("/v1/me", Some(&app.issuer.sign(&no_use).unwrap()))
            .await,
        app.get("/v1/me", Some(&app.issuer.sign(&no_client).unwrap()))
            .await,
    ];

    // Assert
    assert_eq!(
        answers[0].problem(401)["detail"],
        "only access tokens are accepted (not ID tokens)"
    );
    answers[1].problem(401);
    assert_eq!(
        answers[2].problem(401)["detail"],
        "token has no valid client_id"
    );
}

#[tokio::test]
async fn a_token_signed_by_a_key_we_do_not_know_gets_401() {
    let app = spawn_app().await;
    let stranger_key = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
    let stranger = LocalIssuer::from_key(stranger_key, ISSUER, AUDIENCE, vec![]).unwrap();

    let response = app
        .get("/v1/me", Some(&stranger.sign(&claims("alpha")).unwrap()))
        .await;

    response.problem(401);
}

#[tokio::test]
async fn garbage_in_the_authorization_header_gets_401_not_500() {
    let app = spawn_app().await;

    for token in ["x", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", "Bearer"] {
        let response = app.get("/v1/me", Some(token)).await;
        response.problem(401);
    }
}

#[tokio::test]
async fn a_token_without_a_tenant_gets_401() {
    let app = spawn_app().await;
    let mut no_tenant = claims("alpha");
    no_tenant.tenant = None;

    let response = app
        .get("/v1/me", Some(&app.issuer.sign(&no_tenant).unwrap()))
        .await;

    response.problem(401);
}

#[tokio::test]
async fn cognito_shaped_claims_are_understood() {
    let app = spawn_app().await;
    let mut cognito = claims("ignored");
    cognito.tenant = None;
    cognito.cognito_tenant = Some("alpha".into());
    cognito.roles = vec![];
    cognito.cognito_groups = vec!["approver".into(), "some-other-group".into()];
    cognito.username = None;
    cognito.cognito_username = Some("li.wei".into());

    let me = app
        .get("/v1/me", Some(&app.issuer.sign(&cognito).unwrap()))
        .await;

    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["tenant"], "alpha");
    assert_eq!(me.body["roles"], serde_json::json!(["approver"]));
    assert_eq!(me.body["username"], "li.wei");
}

#[tokio::test]
async fn the_jwks_endpoint_publishes_the_key_that_signs_tokens() {
    let app = spawn_app().await;
    let token = app.token_for("sales").await;

    let jwks = app.get("/.well-known/jwks.json", None).await;

    assert_eq!(jwks.status, 200);
    let kid = jwks.body["keys"][0]["kid"].as_str().unwrap();
    let header = jsonwebtoken_header_kid(&token);
    assert_eq!(kid, header);
    assert_eq!(jwks.body["keys"][0]["kty"], "RSA");
}

fn jsonwebtoken_header_kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    json["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_that_is_not_valid_yet_gets_401() {
    // Arrange: a genuine token whose not-before is an hour away (well past the leeway).
    let app = spawn_app().await;
    let mut early = claims("alpha");
    early.nbf = Some(now_secs() + 3600);
    let mut current = claims("alpha");
    current.nbf = Some(now_secs() - 10);

    // Act
    let refused = app
        .get("/v1/me", Some(&app.issuer.sign(&early).unwrap()))
        .await;
    let accepted = app
        .get("/v1/me", Some(&app.issuer.sign(&current).unwrap()))
        .await;

    // Assert
    assert_eq!(refused.problem(401)["detail"], "token is not valid yet");
    accepted.assert_status(200);
}

/// `header.payload.signature` with each part base64url-encoded (the signature as given).
fn compact(header: &serde_json::Value, payload: &serde_json::Value, signature: &[u8]) -> String {
    use base64::Engine;
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.{}",
        engine.encode(header.to_string()),
        engine.encode(payload.to_string()),
        engine.encode(signature)
    )
}

#[tokio::test]
async fn an_unsigned_or_symmetrically_signed_token_with_genuine_claims_gets_401() {
    // Arrange: the claims and key id of a genuine token, with `alg: none` and no signature,
    // and with `alg: HS256` keyed by the public key (the algorithm-confusion attack).
    use hmac::{Hmac, Mac};
    let app = spawn_app().await;
    let genuine = app.token_for("admin").await;
    let kid = jsonwebtoken_header_kid(&genuine);
    let payload = serde_json::to_value(claims("alpha")).unwrap();
    let none = compact(
        &serde_json::json!({"alg": "none", "typ": "JWT", "kid": kid}),
        &payload,
        b"",
    );
    let hs256_unsigned = compact(
        &serde_json::json!({"alg": "HS256", "typ": "JWT", "kid": kid}),
        &payload,
        b"",
    );
    let jwks = app.get("/.well-known/jwks.json", None).await.body;
    let signing_input = hs256_unsigned.rsplit_once('.').unwrap().0.to_owned();
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(jwks.to_string().as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let hs256 = format!("{signing_input}.{}", {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    });

    for token in [none, hs256] {
        // Act
        let response = app.get("/v1/me", Some(&token)).await;

        // Assert
        response.problem(401);
    }
}

#[tokio::test]
async fn a_cognito_access_token_without_a_tenant_finds_it_in_the_registry_by_its_subject() {
    // Arrange: Cognito's shape — no tenant claim; a person by `sub`, an ERP by its client.
    let app = spawn_app().await;
    let person = "3f1c2a9e-0b7d-4c1e-9f00-1234567890ab";
    let stranger = "9a9a9a9a-0000-4000-8000-000000000000";
    let now = "2026-12-04T00:00:00Z";
    app.store
        .register_subject(person, &tenant("alpha"), "user", now)
        .await
        .unwrap();
    app.store
        .register_subject("erp-cognito", &tenant("alpha"), "client", now)
        .await
        .unwrap();
    let cognito = |sub: &str| {
        let mut c = claims("ignored");
        c.sub = sub.into();
        c.tenant = None;
        c.roles = vec![];
        c.cognito_groups = vec!["risk".into()];
        c
    };
    let mut machine = cognito("erp-cognito");
    machine.client_id = Some("erp-cognito".into());
    machine.scope = Some("credence/credit.check".into());
    machine.cognito_groups = vec![];

    // Act
    let me = app
        .get("/v1/me", Some(&app.issuer.sign(&cognito(person)).unwrap()))
        .await;
    let unknown = app
        .get(
            "/v1/me",
            Some(&app.issuer.sign(&cognito(stranger)).unwrap()),
        )
        .await;
    let erp = app
        .get(
            "/v1/customers/C1",
            Some(&app.issuer.sign(&machine).unwrap()),
        )
        .await;
    let moved = app
        .store
        .register_subject(person, &tenant("beta"), "user", now)
        .await;

    // Assert
    assert_eq!(me.status, 200, "{}", me.body);
    assert_eq!(me.body["tenant"], "alpha");
    assert_eq!(me.body["roles"], serde_json::json!(["risk"]));
    assert_eq!(
        unknown.problem(401)["detail"],
        "this account belongs to no tenant (not registered)"
    );
    assert_eq!(erp.status, 200, "{}", erp.body);
    assert!(moved.is_err(), "a subject never moves to another tenant");
}
