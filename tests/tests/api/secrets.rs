//! Secrets of tenant documents (webhook signing secrets) are shown once, to the admin who
//! types them: the audit trail, its export and every read carry a fingerprint instead, and
//! saving a document back with the fingerprint keeps the stored secret.

use crate::helpers::*;
use credence_shared::{
    secret::fingerprint,
    watch::WebhookConfig,
    workflow::{AuditEntity, AuditEntry},
};
use serde_json::{Value, json};

const SECRET: &str = "a-long-shared-secret-0123";

fn hooks(secret: &str) -> Value {
    json!({"endpoints": [{"id": "erp", "url": "https://erp.example/hook", "secret": secret}]})
}

/// The webhook secret the tenant `alpha` has stored (what deliveries are signed with).
async fn stored_secret(app: &TestApp) -> String {
    app.store
        .document::<WebhookConfig>(&tenant("alpha"))
        .await
        .unwrap()
        .expect("a saved webhooks document")
        .endpoints[0]
        .secret
        .clone()
}

#[tokio::test]
async fn a_webhook_secret_appears_in_no_audit_entry_export_or_read_and_a_resave_keeps_it() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let today = app.clock.today();
    let range = format!("from={today}&to={today}");

    // Act: save, read back, save what was read (the fingerprint) with a new URL.
    let saved = admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 0, "reason": "ERP integration", "document": hooks(SECRET)}),
        )
        .await;
    let read = admin.get("/v1/admin/webhooks").await;
    let mut edited = read.body.clone();
    edited["endpoints"][0]["url"] = "https://erp.example/moved".into();
    let resaved = admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 1, "reason": "ERP moved", "document": edited}),
        )
        .await;
    let audit = risk.get(&format!("/v1/audit?{range}")).await;
    let (status, _, csv) = risk.get_text(&format!("/v1/audit/export?{range}")).await;

    // Assert
    let print = fingerprint(SECRET);
    saved.assert_status(200);
    assert_eq!(saved.body["endpoints"][0]["secret"], print.as_str());
    read.assert_status(200);
    assert_eq!(read.body["endpoints"][0]["secret"], print.as_str());
    resaved.assert_status(200);
    assert_eq!(
        resaved.body["endpoints"][0]["url"],
        "https://erp.example/moved"
    );
    assert_eq!(
        stored_secret(&app).await,
        SECRET,
        "deliveries stay signed with it"
    );
    audit.assert_status(200);
    let entries = audit.body["items"].as_array().unwrap();
    let publishes: Vec<&Value> = entries
        .iter()
        .filter(|e| e["entity_id"] == "webhooks")
        .collect();
    assert_eq!(publishes.len(), 2, "{}", audit.body);
    assert_eq!(
        publishes[1]["after"]["endpoints"][0]["secret"],
        print.as_str()
    );
    assert_eq!(status, 200);
    for (what, text) in [
        ("the audit trail", audit.body.to_string()),
        ("the export", csv.clone()),
        ("a read", read.body.to_string()),
        ("a save", saved.body.to_string() + &resaved.body.to_string()),
    ] {
        assert!(!text.contains(SECRET), "{what} shows the secret: {text}");
    }
    assert!(csv.contains(&print), "{csv}");
}

#[tokio::test]
async fn a_fingerprint_of_no_stored_secret_is_refused_and_a_new_secret_replaces_the_old() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 0, "reason": "ERP integration", "document": hooks(SECRET)}),
        )
        .await
        .assert_status(200);

    // Act
    let guessed = admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 1, "reason": "guess",
                   "document": hooks(&fingerprint("some-other-secret-0123"))}),
        )
        .await;
    let rotated = admin
        .put(
            "/v1/admin/webhooks",
            json!({"replaces": 1, "reason": "rotate", "document": hooks("a-brand-new-secret-4567")}),
        )
        .await;

    // Assert
    guessed.problem(422);
    assert_eq!(guessed.problem_field(), "document.endpoints[0].secret");
    rotated.assert_status(200);
    assert_eq!(stored_secret(&app).await, "a-brand-new-secret-4567");
}

#[tokio::test]
async fn an_audit_entry_recorded_with_a_plain_secret_is_shown_with_its_fingerprint() {
    // Arrange: an entry as it was recorded before secrets were redacted.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let mut after = hooks(SECRET);
    after["version"] = 1.into();
    let entry = AuditEntry {
        at: app.clock.now(),
        actor: "admin".into(),
        entity: AuditEntity::Policy,
        entity_id: "webhooks".into(),
        customer_id: None,
        action: "publish".into(),
        before: Some(json!({"version": 0, "endpoints": []})),
        after: Some(after),
        reason: "ERP integration".into(),
    };
    app.store
        .transact(vec![
            app.store.audit_write(&tenant("alpha"), &entry).unwrap(),
        ])
        .await
        .unwrap();
    let today = app.clock.today();

    // Act
    let audit = risk
        .get(&format!("/v1/audit?from={today}&to={today}"))
        .await;
    let (_, _, csv) = risk
        .get_text(&format!("/v1/audit/export?from={today}&to={today}"))
        .await;

    // Assert
    audit.assert_status(200);
    let shown = &audit.body["items"][0];
    assert_eq!(
        shown["after"]["endpoints"][0]["secret"],
        fingerprint(SECRET).as_str()
    );
    assert!(!audit.body.to_string().contains(SECRET), "{}", audit.body);
    assert!(!csv.contains(SECRET), "{csv}");
}
