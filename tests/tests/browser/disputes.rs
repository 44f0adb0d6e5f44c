//! Disputes and letters on a customer's collections: a collector opens a dispute on part of
//! an overdue invoice, is told next to the field when the credit is more than disputed,
//! resolves it with a credit note, and sends a statement by e-mail.

use crate::helpers::*;
use serde_json::{Value, json};

/// A customer of its own (a contact with an e-mail address) with one invoice 10 days
/// overdue; answers its number.
async fn an_overdue_customer(browser: &Browser) -> Result<String> {
    let stamp = browser.js("return Date.now()").await?;
    let number = format!("BR-DSP-{stamp}");
    browser
        .api_as(
            "risk",
            "demo",
            "PUT",
            &format!("/v1/customers/{number}"),
            json!({"name": format!("杭州争议测试有限公司{stamp}"), "country": "CN",
                   "contacts": [{"name": "周会计", "email": "ap@dispute.example"}]}),
        )
        .await?;
    let today: String = serde_json::from_value(
        browser
            .js("return new Date().toISOString().slice(0, 10)")
            .await?,
    )?;
    let day = |offset: i64| -> Result<String> {
        let d = time::Date::parse(&today, &time::format_description::well_known::Iso8601::DATE)?;
        Ok((d + time::Duration::days(offset)).to_string())
    };
    browser
        .api_as(
            "finance",
            "demo",
            "POST",
            "/v1/ledger/events",
            json!({"events": [{"idempotency_key": format!("br-dsp-inv-{stamp}"),
                               "customer_id": number, "date": day(-40)?,
                               "event": {"type": "invoice", "invoice": format!("FP-{stamp}"),
                                         "due_date": day(-10)?,
                                         "amount": {"amount": "8800.00", "currency": "CNY"}}}]}),
        )
        .await?;
    Ok(number)
}

#[tokio::test]
async fn a_collector_opens_a_dispute_settles_it_with_a_credit_note_and_sends_a_statement() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("collector", "demo").await?;
        let number = an_overdue_customer(browser).await?;
        browser
            .open(&format!("/customers/{number}#section-collections"))
            .await?;

        // Act: open a dispute on 3,000 of the invoice.
        browser.tap("dispute-new").await?;
        browser.retype("dispute-amount", "3000").await?;
        browser.choose("dispute-reason", "quality").await?;
        browser.retype("dispute-note", "第二批货外包装破损").await?;
        browser.screenshot("dispute-new").await?;
        browser.tap("dispute-submit").await?;
        browser
            .eventually("the open dispute", || async {
                let lines = browser.texts("[data-testid=\"dispute-line\"]").await?;
                Ok(lines.iter().any(|l| l.contains("3,000.00")).then_some(()))
            })
            .await?;
        browser.fits_the_width("the disputes").await?;
        // Resolve it: a credit of more than disputed is refused next to the field.
        browser.tap("dispute-resolve").await?;
        browser.choose("dispute-outcome", "credit_note").await?;
        browser.retype("dispute-credited", "3000.01").await?;
        browser.tap("dispute-resolve-submit").await?;
        browser.visible("dispute-credited-error").await?;
        browser.screenshot("dispute-credit-too-much").await?;
        browser.retype("dispute-credited", "1200").await?;
        browser.tap("dispute-resolve-submit").await?;
        browser
            .eventually("the dispute resolved", || async {
                let shown = browser
                    .texts("[data-testid=\"dispute-resolution\"]")
                    .await?;
                Ok(shown.iter().any(|l| l.contains("1,200.00")).then_some(()))
            })
            .await?;
        // And a statement by e-mail.
        browser.tap("letter-statement").await?;
        browser.visible("letter-done").await?;
        browser.screenshot("dispute-resolved-letter-sent").await?;

        // Assert: the server has the case resolved and the letter sent.
        let disputes = browser
            .api_as(
                "collector",
                "demo",
                "GET",
                &format!("/v1/customers/{number}/disputes"),
                Value::Null,
            )
            .await?;
        check!(
            disputes["items"][0]["status"] == "resolved"
                && disputes["items"][0]["resolution"]["outcome"] == "credit_note",
            "resolved with a credit note: {disputes}"
        );
        let letters = browser
            .api_as(
                "collector",
                "demo",
                "GET",
                &format!("/v1/customers/{number}/letters"),
                Value::Null,
            )
            .await?;
        let sent = letters["items"].as_array().is_some_and(|items| {
            items
                .iter()
                .any(|l| l["kind"] == "statement" && l["status"] == "sent")
        });
        check!(sent, "a statement was sent: {letters}");
        Ok(())
    })
    .await;
}
