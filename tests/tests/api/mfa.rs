//! Two-step verification (TOTP): a deployment that requires it for the admin and approver
//! roles lets a person use those roles only once they set it up; from then on the local
//! issuer asks for the authenticator's code at sign-in (Cognito's managed login does in
//! AWS). (A machine client gets 403 here: `authorisation_scopes.rs`.)

use crate::helpers::*;
use credence_api::auth::local::now_secs;
use credence_api::directory::totp;
use serde_json::json;

async fn sign_in_with_code(app: &TestApp, username: &str, otp: Option<&str>) -> TestResponse {
    let mut body = json!({"username": username, "password": "secret"});
    if let Some(otp) = otp {
        body["otp"] = otp.into();
    }
    app.post_json("/auth/token", &body.to_string()).await
}

#[tokio::test]
async fn an_admin_without_two_step_verification_works_without_the_admin_role_until_they_set_it_up()
{
    // Arrange
    let app = spawn_app_requiring_mfa(vec![Role::Admin, Role::Approver]).await;
    let admin = app.signed_in(Role::Admin);
    let sales = app.signed_in(Role::Sales);

    // Act
    let refused = admin.get("/v1/admin/users").await;
    let me_before = admin.get("/v1/me").await;
    let begun = admin.post("/v1/me/mfa", json!({})).await;
    let secret = begun.body["secret"].as_str().unwrap_or_default().to_owned();
    let wrong = admin
        .post("/v1/me/mfa/confirm", json!({"code": "12345"}))
        .await;
    let code = totp::code_at(&secret, now_secs()).expect("a base32 secret");
    let confirmed = admin
        .post("/v1/me/mfa/confirm", json!({"code": code}))
        .await;
    let allowed = admin.get("/v1/admin/users").await;
    let without_code = sign_in_with_code(&app, "admin", None).await;
    let code = totp::code_at(&secret, now_secs()).expect("a base32 secret");
    let with_code = sign_in_with_code(&app, "admin", Some(&code)).await;
    let today = app.clock.today();
    let audit = admin
        .get(&format!("/v1/audit?from={today}&to={today}"))
        .await;
    let sales_me = sales.get("/v1/me").await;

    // Assert
    refused.problem(403);
    let me_before = me_before.assert_status(200);
    assert_eq!(me_before["roles"], json!([]));
    assert_eq!(me_before["withheld"], json!(["admin"]));
    assert!(
        begun.assert_status(200)["uri"]
            .as_str()
            .is_some_and(|u| u.starts_with("otpauth://totp/Credence:admin?secret=")),
        "{}",
        begun.body
    );
    assert_eq!(wrong.problem(422)["errors"][0]["field"], "code");
    assert_eq!(confirmed.assert_status(200)["enabled"], true);
    allowed.assert_status(200);
    assert_eq!(without_code.problem(422)["errors"][0]["field"], "otp");
    with_code.assert_status(200);
    let actions: Vec<_> = audit.assert_status(200)["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == "admin")
        .map(|e| e["action"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert!(actions.contains(&"mfa_enabled".to_owned()), "{actions:?}");
    let sales_me = sales_me.assert_status(200);
    assert_eq!(sales_me["roles"], json!(["sales"]));
    assert!(sales_me.get("withheld").is_none(), "{sales_me}");
}
