//! Tenants without a redeploy: `credence-admin tenant create` (the code `cargo xtask tenant
//! create` runs) registers the tenant, saves its default documents and invites its first
//! admin, who signs in; the daily jobs find it in the registry; a second run finishes what is
//! missing and changes nothing.

use crate::helpers::*;
use credence_api::admin_cli::{Command, execute};
use credence_api::service::tenants::NewTenant;
use credence_api::settings::Settings;
use rsa::pkcs8::{EncodePrivateKey, LineEnding};
use serde_json::json;

/// The settings the operator's environment gives the command: the test app's table and a
/// local issuer with the test key.
fn settings_for(app: &TestApp) -> Settings {
    let key = std::env::temp_dir().join(format!("credence-admin-{}.pem", uuid::Uuid::new_v4()));
    std::fs::write(
        &key,
        test_key().to_pkcs8_pem(LineEnding::LF).unwrap().as_bytes(),
    )
    .unwrap();
    let env = [
        ("CREDENCE_TABLE", app.store.table().to_owned()),
        ("DYNAMODB_ENDPOINT", endpoint()),
        ("AWS_REGION", "local".to_owned()),
        ("JWT_ISSUER", ISSUER.to_owned()),
        ("JWT_AUDIENCE", AUDIENCE.to_owned()),
        ("LOCAL_ISSUER_KEY", key.display().to_string()),
    ];
    Settings::from_lookup(|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone())).unwrap()
}

fn acme() -> Command {
    Command::CreateTenant(NewTenant {
        id: "acme".into(),
        name: "Acme 贸易".into(),
        admin_username: "chen.jing".into(),
        admin_email: Some("chen.jing@acme.example".into()),
        admin_display_name: "陈静".into(),
    })
}

fn password_in(printed: &str) -> String {
    printed
        .lines()
        .find_map(|l| l.split_once("temporary password").map(|(_, rest)| rest))
        .and_then(|rest| rest.rsplit(": ").next())
        .unwrap_or_default()
        .trim()
        .to_owned()
}

#[tokio::test]
async fn a_tenant_created_by_the_command_has_its_documents_and_an_admin_who_signs_in_and_the_jobs_find_it()
 {
    // Arrange
    let app = spawn_app().await;
    let settings = settings_for(&app);

    // Act
    let first = execute(acme(), &settings).await;
    let again = execute(acme(), &settings).await;
    let listed = execute(Command::ListTenants, &settings).await;
    let printed = first.clone().unwrap_or_default();
    let password = password_in(&printed);
    let signed_in = app
        .post_json(
            "/auth/token",
            &json!({"username": "chen.jing", "password": password}).to_string(),
        )
        .await;
    let token = signed_in.body["access_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let me = app.get("/v1/me", Some(&token)).await;
    let matrix = app.get("/v1/admin/approval-matrix", Some(&token)).await;
    let rules = app.get("/v1/admin/warning-rules", Some(&token)).await;
    let tenants = app.store.registered_tenants().await.unwrap();

    // Assert
    assert!(printed.contains("tenant acme: registered"), "{printed}");
    assert_eq!(password.chars().count(), 16, "{printed}");
    let again = again.unwrap();
    assert!(again.contains("was already registered"), "{again}");
    assert!(again.contains("documents: all there already"), "{again}");
    assert!(!again.contains("temporary password"), "{again}");
    assert!(listed.unwrap().contains("acme\tAcme 贸易"));
    signed_in.assert_status(200);
    assert_eq!(me.assert_status(200)["tenant"], "acme");
    assert_eq!(me.body["roles"], json!(["admin"]));
    assert_eq!(matrix.assert_status(200)["version"], 1);
    assert_eq!(rules.assert_status(200)["version"], 1);
    assert!(tenants.iter().any(|t| t.tenant.as_str() == "acme"));
}

#[tokio::test]
async fn a_malformed_tenant_id_is_refused_naming_the_field_and_nothing_is_registered() {
    // Arrange
    let app = spawn_app().await;
    let settings = settings_for(&app);
    let bad = Command::CreateTenant(NewTenant {
        id: "acme corp".into(),
        name: "Acme".into(),
        admin_username: "chen.jing".into(),
        admin_email: None,
        admin_display_name: String::new(),
    });

    // Act
    let refused = execute(bad, &settings).await;

    // Assert
    let (status, message) = refused.unwrap_err();
    assert_eq!(status, 2);
    assert!(message.starts_with("id:"), "{message}");
    assert!(app.store.registered_tenants().await.unwrap().is_empty());
}
