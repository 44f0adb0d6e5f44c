//! Outside data feeds: a provider's push lands as signals of the customers it watches, once
//! however often it is pushed; a wrong or stale signature is refused; a pull brings in what
//! the provider has since the cursor it gave last; the admin keeps the secret out of sight.

use crate::helpers::*;
use serde_json::{Value, json};
use time::Duration;

/// C1's registration code (the helpers' customer C1).
const C1_USCI: &str = "91350100M000100Y43";

fn lawsuit(number: &str, role: &str) -> Value {
    json!({"registration_id": C1_USCI, "kind": "lawsuit", "number": number,
           "date": "2026-11-02", "court": "深圳市南山区人民法院", "cause": "买卖合同纠纷",
           "role": role, "amount": money("380000.00"), "status": "open"})
}

async fn signals_of(app: &TestApp, customer: &str) -> Vec<Value> {
    app.signed_in(Role::Risk)
        .get(&format!("/v1/customers/{customer}/signals"))
        .await
        .assert_status(200)
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_feed_pushed_twice_creates_one_signal_with_its_source_and_case() {
    // Arrange
    let app = spawn_app().await;
    app.connect_feed("qcc", None, json!({"customers": ["KH-C1"]}))
        .await;
    let batch = json!({"records": [lawsuit("(2026)粤0305民初7788号", "defendant")]});

    // Act
    let first = app.push_feed("qcc", &batch).await;
    let second = app.push_feed("qcc", &batch).await;

    // Assert
    first.assert_status(200);
    assert_eq!(first.body["accepted"], 1, "{}", first.body);
    second.assert_status(200);
    assert_eq!(second.body["accepted"], 0);
    assert_eq!(second.body["duplicate"], 1);
    let signals = signals_of(&app, "C1").await;
    assert_eq!(signals.len(), 1, "{signals:?}");
    let signal = &signals[0]["signal"];
    assert_eq!(signal["kind"], "lawsuit");
    assert_eq!(signal["source"], "企查查");
    assert_eq!(signal["case_number"], "(2026)粤0305民初7788号");
    assert_eq!(signal["summary"], "诉讼 · 买卖合同纠纷 · 被告");
    assert_eq!(signals[0]["recorded_by"], "system");
}

#[tokio::test]
async fn records_outside_the_monitoring_list_or_not_warnings_are_ignored_and_bad_ones_named() {
    // Arrange: the provider watches only customers tagged 重点, and C1 is not.
    let app = spawn_app().await;
    app.connect_feed("qcc", None, json!({"tags": ["重点"]}))
        .await;
    let unknown = json!({"registration_id": usci(7), "kind": "enforcement",
                         "date": "2026-11-02"});
    let bad = json!({"registration_id": "not-a-code", "kind": "enforcement",
                     "date": "2026-11-02"});

    // Act
    let report = app
        .push_feed(
            "qcc",
            &json!({"records": [lawsuit("A-1", "defendant"), unknown, bad]}),
        )
        .await;
    app.connect_feed("qcc", None, json!({"all": true})).await;
    let plaintiff = app
        .push_feed("qcc", &json!({"records": [lawsuit("A-2", "plaintiff")]}))
        .await;

    // Assert
    report.assert_status(200);
    let body = &report.body;
    assert_eq!(body["accepted"], 0, "{body}");
    assert_eq!(body["ignored"][0]["index"], 0);
    assert_eq!(body["ignored"][0]["reason"], "not_watched");
    assert_eq!(body["ignored"][1]["reason"], "unknown_registration_id");
    assert_eq!(body["rejected"][0]["index"], 2);
    assert_eq!(
        body["rejected"][0]["errors"][0]["field"],
        "records[2].registration_id"
    );
    assert_eq!(plaintiff.body["ignored"][0]["reason"], "not_a_warning");
    assert!(signals_of(&app, "C1").await.is_empty());
}

#[tokio::test]
async fn a_push_with_a_wrong_or_stale_signature_or_to_an_unknown_provider_is_refused() {
    // Arrange
    let app = spawn_app().await;
    app.connect_feed("qcc", None, json!({"all": true})).await;
    let body = json!({"records": [lawsuit("B-1", "defendant")]}).to_string();
    let now = app.clock.now().unix_timestamp();

    // Act
    let unsigned = app.push_feed_signed("qcc", &body, "").await;
    let forged = app
        .push_feed_signed(
            "qcc",
            &body,
            &credence_api::service::watch::signature("a-guessed-secret-0000", now, &body),
        )
        .await;
    let stale = app
        .push_feed_signed(
            "qcc",
            &body,
            &credence_api::service::watch::signature(FEED_SECRET, now - 600, &body),
        )
        .await;
    let unknown = app
        .push_feed("tyc", &json!({"records": [lawsuit("B-1", "defendant")]}))
        .await;
    let not_a_batch = app
        .push_feed("qcc", &json!({"records": [{"kind": "lawsuit"}]}))
        .await;

    // Assert
    unsigned.problem(401);
    forged.problem(401);
    stale.problem(401);
    unknown.problem(404);
    not_a_batch.problem(422);
    assert!(signals_of(&app, "C1").await.is_empty());
}

#[tokio::test]
async fn a_pull_brings_in_what_the_provider_has_since_its_last_cursor() {
    // Arrange
    let app = spawn_app().await;
    let provider = FakeProvider::default();
    provider.serve(
        None,
        json!({"records": [lawsuit("C-1", "defendant")], "next_cursor": "c-1"}),
    );
    provider.serve(
        Some("c-1"),
        json!({"records": [{"registration_id": C1_USCI, "kind": "abnormal_operation",
                            "number": "深市监异〔2026〕12号", "date": "2026-11-20",
                            "authority": "深圳市市场监督管理局", "reason": "通过登记的住所无法联系"}],
               "next_cursor": "c-2"}),
    );
    let url = provider.start().await;
    app.connect_feed("qcc", Some(&url), json!({"all": true}))
        .await;
    let admin = app.signed_in(Role::Admin);

    // Act
    let first = admin
        .post("/v1/admin/data-feeds/qcc/pull", Value::Null)
        .await;
    app.clock.advance(Duration::days(1));
    let report = app
        .signed_in(Role::Admin)
        .post("/v1/watch/run", json!({}))
        .await;

    // Assert
    first.assert_status(200);
    assert_eq!(first.body["accepted"], 1, "{}", first.body);
    report.assert_status(200);
    assert_eq!(
        *provider.asked.lock().unwrap(),
        vec![None, Some("c-1".to_owned())],
        "the daily pass pulled from the cursor the first pull kept"
    );
    let kinds: Vec<String> = signals_of(&app, "C1")
        .await
        .iter()
        .map(|s| s["signal"]["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains(&"lawsuit".to_owned()), "{kinds:?}");
    assert!(
        kinds.contains(&"abnormal_operation".to_owned()),
        "{kinds:?}"
    );
}

#[tokio::test]
async fn the_admin_sees_a_providers_secret_only_as_a_fingerprint() {
    // Arrange
    let app = spawn_app().await;
    app.connect_feed("qcc", None, json!({"all": true})).await;

    // Act
    let read = app.signed_in(Role::Admin).get("/v1/admin/data-feeds").await;

    // Assert
    read.assert_status(200);
    let secret = read.body["providers"][0]["secret"].as_str().unwrap();
    assert_ne!(secret, FEED_SECRET);
    assert!(!secret.contains("feed-secret"), "{secret}");
}

#[tokio::test]
async fn a_providers_file_imported_by_the_admin_lands_like_a_push() {
    // Arrange
    let app = spawn_app().await;
    app.connect_feed("qcc", None, json!({"all": true})).await;
    let file = json!({"records": [
        {"registration_id": C1_USCI, "kind": "enforcement", "number": "(2026)粤0305执1号",
         "date": "2026-10-12", "court": "深圳市南山区人民法院", "amount": money("120000.00")},
        {"registration_id": C1_USCI, "kind": "administrative_penalty", "number": "深市监罚〔2026〕8号",
         "date": "2026-09-01", "authority": "深圳市市场监督管理局", "reason": "虚假宣传"}]});
    let admin = app.signed_in(Role::Admin);

    // Act
    let imported = admin
        .post("/v1/admin/data-feeds/qcc/import", file.clone())
        .await;
    let again = app.push_feed("qcc", &file).await;

    // Assert
    imported.assert_status(200);
    assert_eq!(imported.body["accepted"], 2, "{}", imported.body);
    assert_eq!(
        again.body["duplicate"], 2,
        "the same records pushed are the same signals"
    );
    let kinds: Vec<String> = signals_of(&app, "C1")
        .await
        .iter()
        .map(|s| s["signal"]["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.len(), 2, "{kinds:?}");
    assert!(kinds.contains(&"enforcement_list".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"negative_news".to_owned()), "{kinds:?}");
}
