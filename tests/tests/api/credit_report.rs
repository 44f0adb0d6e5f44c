//! The credit report: a PDF whose text names the customer in Chinese and its limit, a print
//! page in the language asked, its data with the parts the reader may see, and the snapshot
//! kept with every approved decision.

use crate::helpers::*;
use serde_json::json;
use time::Duration;

/// C2 with a limit of 50,000 and a year of invoices, paid up to a week or two late.
async fn customer_with_a_history(app: &TestApp) {
    app.set_limit("C2", "50000.00").await;
    let today = app.clock.today();
    let mut events = Vec::new();
    for month in 1..=11 {
        let issued = today - Duration::days(30 * (12 - month));
        let due = issued + Duration::days(30);
        let paid = due + Duration::days((month % 3) * 7);
        events.push(invoice_on(
            &format!("inv-{month}"),
            "C2",
            issued,
            due,
            "5000.00",
        ));
        events.push(payment_on(
            &format!("pay-{month}"),
            "C2",
            paid.min(today),
            "5000.00",
        ));
    }
    let issued = today - Duration::days(50);
    events.push(invoice_on(
        "inv-late",
        "C2",
        issued,
        issued + Duration::days(30),
        "3000.00",
    ));
    let posted = app.post_events(events).await;
    assert!(
        posted["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["status"] == "accepted"),
        "{posted}"
    );
}

fn text_of(pdf: &[u8]) -> String {
    pdf_extract::extract_text_from_mem(pdf).expect("a PDF whose text reads back")
}

#[tokio::test]
async fn the_pdf_names_the_customer_in_chinese_and_shows_its_limit() {
    // Arrange
    let app = spawn_app().await;
    customer_with_a_history(&app).await;
    let risk = app.signed_in(Role::Risk);

    // Act
    let started = std::time::Instant::now();
    let (status, content_type, pdf) = risk
        .get_accepting("/v1/customers/C2/credit-report", "application/pdf")
        .await;
    let took = started.elapsed();

    // Assert
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(content_type, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    assert!(text.contains("上海博远贸易有限公司"), "{text}");
    assert!(text.contains("¥50,000.00"), "{text}");
    assert!(text.contains("信用报告"), "{text}");
    assert!(text.contains("逾期 31–60 天"), "the aging: {text}");
    eprintln!(
        "credit report PDF: {} bytes in {took:?} (debug build)",
        pdf.len()
    );
}

#[tokio::test]
async fn the_print_page_speaks_the_language_asked_and_escapes_what_people_typed() {
    // Arrange
    let app = spawn_app().await;
    customer_with_a_history(&app).await;
    let risk = app.signed_in(Role::Risk);
    risk.post(
        "/v1/customers/C2/notes",
        json!({"text": "<b>called</b> the buyer"}),
    )
    .await
    .assert_status(201);

    // Act
    let (status, content_type, en) = risk
        .get_accepting("/v1/customers/C2/credit-report?lang=en", "text/html")
        .await;
    let (_, _, zh) = risk
        .get_accepting("/v1/customers/C2/credit-report", "text/html,*/*")
        .await;

    // Assert
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    let en = String::from_utf8(en).unwrap();
    let zh = String::from_utf8(zh).unwrap();
    assert!(en.starts_with("<!DOCTYPE html><html lang=\"en\">"), "{en}");
    assert!(en.contains("Credit report · 上海博远贸易有限公司"));
    assert!(en.contains("Payment behaviour"));
    assert!(en.contains("&lt;b&gt;called&lt;/b&gt; the buyer"), "{en}");
    assert!(!en.contains("<b>called</b>"));
    assert!(zh.contains("<html lang=\"zh-CN\">"));
    assert!(zh.contains("付款表现"));
}

#[tokio::test]
async fn the_data_has_a_year_of_month_ends_and_the_payment_behaviour() {
    // Arrange
    let app = spawn_app().await;
    customer_with_a_history(&app).await;
    let risk = app.signed_in(Role::Risk);

    // Act
    let report = risk.get("/v1/customers/C2/credit-report").await;

    // Assert
    report.assert_status(200);
    let body = &report.body;
    assert_eq!(body["customer"]["name"], "上海博远贸易有限公司");
    assert_eq!(body["file"]["limit"]["amount"], "50000.00");
    let months = body["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["month_end"], app.clock.today().to_string());
    assert!(
        months.iter().any(|m| m["paydex"].is_number()),
        "the payment index over the year: {months:?}"
    );
    let file = risk.credit("C2").await;
    assert_eq!(
        amount(&months[11]["overdue"]),
        amount(&file["exposure"]["overdue"]),
        "today's month-end is the file of today"
    );
    assert!(body["behaviour"]["paydex"].is_number(), "{body}");
    assert!(body["decisions"].is_array());
}

#[tokio::test]
async fn an_approved_decision_keeps_the_report_the_approvers_saw() {
    // Arrange
    let app = spawn_app().await;
    customer_with_a_history(&app).await;
    let sales = app.signed_in(Role::Sales);
    let risk = app.signed_in(Role::Risk);
    let rid = sales.filed("C1", limit_change("120000.00")).await;
    let before = risk.credit("C1").await["file"]["limit"].clone();

    // Act
    app.approve_all("C1", &rid).await;
    let (status, content_type, pdf) = risk
        .get_accepting(
            &format!("/v1/customers/C1/credit-report?decision={rid}"),
            "application/pdf",
        )
        .await;
    let (_, _, again) = risk
        .get_accepting(
            &format!("/v1/customers/C1/credit-report?decision={rid}"),
            "application/pdf",
        )
        .await;
    let as_json = risk
        .get(&format!("/v1/customers/C1/credit-report?decision={rid}"))
        .await;
    let (unknown, _, _) = risk
        .get_accepting(
            "/v1/customers/C1/credit-report?decision=R-none",
            "application/pdf",
        )
        .await;

    // Assert
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
    assert_eq!(content_type, "application/pdf");
    let text = text_of(&pdf);
    assert!(text.contains("审批时的存档"), "{text}");
    assert!(text.contains(&rid), "{text}");
    let limit_then = format!(
        "¥{}",
        group(amount(&before).round_dp(2).to_string().as_str())
    );
    assert!(
        text.contains(&limit_then),
        "the limit as the approvers saw it ({limit_then}): {text}"
    );
    assert_eq!(
        again, pdf,
        "the PDF made at the first reading is the one kept"
    );
    as_json.problem(422);
    assert_eq!(as_json.problem_field(), "decision");
    assert_eq!(unknown, 404);
}

/// `1234567.5` as the report prints it: `1,234,567.50`.
fn group(amount: &str) -> String {
    let (whole, fraction) = amount.split_once('.').unwrap_or((amount, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{:0<2}", fraction)
}

#[tokio::test]
async fn an_unknown_language_or_time_zone_is_refused_on_its_field() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);

    // Act
    let lang = risk.get("/v1/customers/C2/credit-report?lang=fr").await;
    let zone = risk
        .get("/v1/customers/C2/credit-report?offset_minutes=9999")
        .await;

    // Assert
    lang.problem(422);
    assert_eq!(lang.problem_field(), "lang");
    zone.problem(422);
    assert_eq!(zone.problem_field(), "offset_minutes");
}
