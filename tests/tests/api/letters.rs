//! Letters that reach the customer: a dunning step that asks for a reminder writes it as
//! pending, the delivery worker sends it as an e-mail with the PDF attached (dropped as an
//! `.eml` file here), keeps the PDF and logs it in the activity; a customer without an
//! e-mail address gets a letter kept to post; a collector sends a statement by hand once
//! per key.

use crate::helpers::*;
use credence_api::service::watch;
use serde_json::{Value, json};
use time::Duration;

/// Creates customer KL-1, whose contact has an e-mail address, owned by `sales`.
async fn with_email(app: &TestApp, email: &str) {
    let put = app
        .signed_in(Role::Risk)
        .put(
            "/v1/customers/KL-1",
            json!({"name": "深圳恒通电子有限公司", "country": "CN",
                   "address": "深圳市南山区科技园", "owner": "sales",
                   "contacts": [{"name": "李会计", "email": email}]}),
        )
        .await;
    put.assert_status(201);
}

async fn letters(app: &TestApp) -> Vec<Value> {
    app.signed_in(Role::Collector)
        .get("/v1/customers/KL-1/letters")
        .await
        .assert_status(200)["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn pdf_text(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf).expect("a PDF whose text reads back")
}

#[tokio::test]
async fn a_dunning_reminder_is_mailed_with_its_pdf_once_and_logged_in_the_activity() {
    // Arrange: an invoice one day overdue reaches the ladder's reminder letter.
    let app = spawn_app().await;
    with_email(&app, "ap@hengtong.example").await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-l1",
        "KL-1",
        today - Duration::days(31),
        today - Duration::days(1),
        "12345.00",
    )])
    .await;

    // Act
    app.watch("KL-1").await;
    let waiting = letters(&app).await;
    let sent = watch::send_letters_due(&app.ctx(), &tenant("alpha"))
        .await
        .unwrap();
    let again = watch::send_letters_due(&app.ctx(), &tenant("alpha"))
        .await
        .unwrap();
    app.watch("KL-1").await;

    // Assert
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["status"], "pending");
    assert_eq!(waiting[0]["kind"], "reminder");
    assert_eq!((sent, again), (1, 0), "sent once");
    let after = letters(&app).await;
    assert_eq!(after.len(), 1, "the same day does not ask twice: {after:?}");
    let letter = &after[0];
    assert_eq!(letter["status"], "sent");
    assert_eq!(letter["to"], json!(["ap@hengtong.example"]));
    let mails = app.mails();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: ap@hengtong.example"), "{}", mails[0]);
    assert!(mails[0].contains("application/pdf"));
    let id = letter["id"].as_str().unwrap();
    let (status, content_type, pdf) = app
        .signed_in(Role::Collector)
        .get_bytes(&format!("/v1/customers/KL-1/letters/{id}/pdf"))
        .await;
    assert_eq!((status, content_type.as_str()), (200, "application/pdf"));
    let text = pdf_text(&pdf);
    assert!(text.contains("深圳恒通电子有限公司"), "{text}");
    assert!(text.contains("INV-L1"), "{text}");
    assert!(text.contains("12,345.00"), "{text}");
    let activity = app
        .signed_in(Role::Collector)
        .get("/v1/customers/KL-1/collections")
        .await
        .body;
    let lines: Vec<&Value> = activity["activity"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["kind"] == "letter")
        .collect();
    assert_eq!(lines.len(), 1, "{activity}");
    assert_eq!(lines[0]["detail"]["letter_status"], "sent");
    assert_eq!(lines[0]["detail"]["reference"], id);
}

#[tokio::test]
async fn a_customer_without_an_email_address_gets_a_letter_kept_to_post() {
    // Arrange: C2 has no contacts at all.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-l2",
        "C2",
        today - Duration::days(40),
        today - Duration::days(10),
        "800.00",
    )])
    .await;
    let collector = app.signed_in(Role::Collector);

    // Act
    let sent = collector
        .post(
            "/v1/customers/C2/letters",
            json!({"idempotency_key": "stmt-c2", "kind": "statement"}),
        )
        .await;

    // Assert
    let letter = sent.assert_status(201);
    assert_eq!(letter["status"], "no_address");
    assert!(letter["pdf_bytes"].as_u64().unwrap() > 1000, "{letter}");
    assert!(app.mails().is_empty(), "nothing was mailed");
    let id = letter["id"].as_str().unwrap();
    let (status, _, pdf) = collector
        .get_bytes(&format!("/v1/customers/C2/letters/{id}/pdf"))
        .await;
    assert_eq!(status, 200);
    assert!(pdf_text(&pdf).contains("对账单"));
}

#[tokio::test]
async fn a_statement_sent_by_hand_goes_out_once_per_key_and_bad_input_names_its_field() {
    // Arrange
    let app = spawn_app().await;
    with_email(&app, "ap@hengtong.example").await;
    let today = app.clock.today();
    app.post_events(vec![invoice_on(
        "inv-l3",
        "KL-1",
        today,
        today + Duration::days(30),
        "500.00",
    )])
    .await;
    let collector = app.signed_in(Role::Collector);
    let body = json!({"idempotency_key": "stmt-1", "kind": "statement",
                      "to": ["boss@hengtong.example"]});

    // Act
    let first = collector
        .post("/v1/customers/KL-1/letters", body.clone())
        .await;
    let second = collector.post("/v1/customers/KL-1/letters", body).await;
    let bad_address = collector
        .post(
            "/v1/customers/KL-1/letters",
            json!({"idempotency_key": "stmt-2", "kind": "statement", "to": ["boss at hengtong"]}),
        )
        .await;
    let nothing_overdue = collector
        .post(
            "/v1/customers/KL-1/letters",
            json!({"idempotency_key": "rem-1", "kind": "reminder"}),
        )
        .await;
    let sales = app
        .signed_in(Role::Sales)
        .post(
            "/v1/customers/KL-1/letters",
            json!({"idempotency_key": "stmt-3", "kind": "statement"}),
        )
        .await;

    // Assert
    let letter = first.assert_status(201);
    assert_eq!(letter["status"], "sent");
    assert_eq!(letter["by"], "collector");
    assert_eq!(letter["to"], json!(["boss@hengtong.example"]));
    second.assert_status(200);
    assert_eq!(second.body["id"], letter["id"]);
    assert_eq!(app.mails().len(), 1, "the same key sends nothing twice");
    assert!(app.mails()[0].contains("To: boss@hengtong.example"));
    bad_address.problem(422);
    assert_eq!(bad_address.problem_field(), "to[0]");
    nothing_overdue.problem(422);
    assert_eq!(nothing_overdue.problem_field(), "kind");
    sales.problem(403);
}
