//! The admin page's people through the user directory (here the local one, beside the local
//! issuer; Cognito in AWS runs the same service): inviting someone new, disabling, signing
//! out everywhere, and what each does to the tokens already given out.

use crate::helpers::*;
use serde_json::json;

async fn password_sign_in(app: &TestApp, username: &str, password: &str) -> TestResponse {
    app.post_json(
        "/auth/token",
        &json!({"username": username, "password": password}).to_string(),
    )
    .await
}

/// Waits into the next whole second (tokens carry their issue time in seconds).
async fn next_second() {
    tokio::time::sleep(std::time::Duration::from_millis(1050)).await;
}

#[tokio::test]
async fn an_invited_person_signs_in_with_the_temporary_password_shown_once_and_acts_by_their_roles()
{
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);

    // Act
    let created = admin
        .put(
            "/v1/admin/users/li.wei",
            json!({"version": 0, "display_name": "李伟", "roles": ["collector"],
                   "email": "li.wei@example.com", "reason": "new collector"}),
        )
        .await;
    let password = created.body["invitation"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let listed = admin.get("/v1/admin/users").await;
    let signed_in = password_sign_in(&app, "li.wei", &password).await;
    let wrong = password_sign_in(&app, "li.wei", "not-the-password").await;
    let token = signed_in.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let me = app.get("/v1/me", Some(&token)).await;
    let names = app.signed_in(Role::Sales).get("/v1/people").await;

    // Assert
    created.assert_status(200);
    assert_eq!(password.chars().count(), 16, "{}", created.body);
    assert!(created.body["id"].as_str().is_some_and(|id| !id.is_empty()));
    let stored = listed.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == "li.wei")
        .cloned()
        .unwrap();
    assert!(
        stored.get("invitation").is_none(),
        "the password is never stored: {stored}"
    );
    assert_eq!(stored["email"], "li.wei@example.com");
    signed_in.assert_status(200);
    wrong.problem(401);
    assert_eq!(me.assert_status(200)["username"], "li.wei");
    assert_eq!(me.body["roles"], json!(["collector"]));
    assert!(
        names.assert_status(200)["items"]
            .as_array()
            .unwrap()
            .contains(&json!({"username": "li.wei", "display_name": "李伟"})),
        "every screen names them by their display name: {}",
        names.body
    );
}

#[tokio::test]
async fn signing_out_everywhere_refuses_the_tokens_given_before_it_until_the_person_signs_in_again()
{
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let before = app.token_for("risk").await;
    assert_eq!(app.get("/v1/me", Some(&before)).await.status, 200);
    // The token is of an earlier second than the sign-out (tokens carry whole seconds).
    next_second().await;

    // Act
    let signed_out = admin
        .post(
            "/v1/admin/users/risk/sign-out",
            json!({"reason": "phone lost"}),
        )
        .await;
    let old = app.get("/v1/me", Some(&before)).await;
    // Signing in again at once works.
    let again = app.token_for("risk").await;
    let new = app.get("/v1/me", Some(&again)).await;
    let unknown = admin
        .post(
            "/v1/admin/users/nobody/sign-out",
            json!({"reason": "phone lost"}),
        )
        .await;
    let no_reason = admin
        .post("/v1/admin/users/risk/sign-out", json!({"reason": " "}))
        .await;
    let today = app.clock.today();
    let audit = admin
        .get(&format!("/v1/audit?from={today}&to={today}"))
        .await;

    // Assert
    signed_out.assert_status(200);
    assert_eq!(
        old.problem(401)["detail"],
        "this session was signed out everywhere; sign in again"
    );
    new.assert_status(200);
    unknown.problem(404);
    assert_eq!(no_reason.problem(422)["errors"][0]["field"], "reason");
    let actions: Vec<_> = audit.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == "risk")
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        actions.contains(&"sign-out-everywhere".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_disabled_person_is_refused_at_once_and_gets_back_in_only_by_signing_in_after_being_enabled()
 {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let token = app.token_for("finance").await;
    next_second().await;

    // Act
    let disabled = admin
        .put(
            "/v1/admin/users/finance",
            json!({"version": 0, "roles": ["finance"], "active": false, "reason": "left"}),
        )
        .await;
    let refused = app.get("/v1/me", Some(&token)).await;
    let cannot_sign_in = password_sign_in(&app, "finance", "secret").await;
    let enabled = admin
        .put(
            "/v1/admin/users/finance",
            json!({"version": 1, "roles": ["finance", "risk"], "active": true, "reason": "back"}),
        )
        .await;
    let old_token = app.get("/v1/me", Some(&token)).await;
    let new_token = app.token_for("finance").await;
    let me = app.get("/v1/me", Some(&new_token)).await;

    // Assert
    disabled.assert_status(200);
    assert_eq!(refused.problem(401)["detail"], "this account is disabled");
    cannot_sign_in.problem(401);
    enabled.assert_status(200);
    assert_eq!(
        old_token.status, 401,
        "disabling also signed out everywhere: the old token stays refused: {}",
        old_token.body
    );
    let roles = me.assert_status(200)["roles"].as_array().unwrap().clone();
    assert_eq!(roles.len(), 2, "{roles:?}");
    assert!(roles.contains(&json!("finance")) && roles.contains(&json!("risk")));
}

#[tokio::test]
async fn a_username_taken_in_another_tenant_and_a_malformed_email_are_refused_on_their_fields() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let intruder = app.intruder();
    admin
        .put(
            "/v1/admin/users/zhang.min",
            json!({"version": 0, "roles": ["sales"], "reason": "new rep"}),
        )
        .await
        .assert_status(200);

    // Act
    let taken = intruder
        .put(
            "/v1/admin/users/zhang.min",
            json!({"version": 0, "roles": ["sales"], "reason": "new rep"}),
        )
        .await;
    let bad_email = admin
        .put(
            "/v1/admin/users/wang.fang",
            json!({"version": 0, "roles": ["sales"], "email": "wang.fang@", "reason": "new"}),
        )
        .await;
    let later = admin.get("/v1/admin/users").await;

    // Assert
    let error = &taken.problem(422)["errors"][0];
    assert_eq!(error["field"], "username");
    assert_eq!(error["code"], "username.taken");
    let error = &bad_email.problem(422)["errors"][0];
    assert_eq!(error["field"], "email");
    assert_eq!(error["code"], "email.invalid");
    let names: Vec<_> = later.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(
        !names.contains(&"wang.fang".to_owned()),
        "nothing saved: {names:?}"
    );
}
