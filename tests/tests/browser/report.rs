//! The credit report: from the customer's page, the report as the server lays it out, in
//! the app's language, with print and a PDF download that works.

use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn risk_opens_a_customers_credit_report_and_downloads_its_pdf() {
    at_each_size(async |browser| -> Result {
        // Arrange: a customer of the demo tenant.
        let listed = browser
            .api_as("risk", "demo", "GET", "/v1/customers?limit=1", Value::Null)
            .await?;
        let number = listed["items"][0]["number"]
            .as_str()
            .ok_or("the demo tenant has customers")?
            .to_owned();
        let name = listed["items"][0]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        browser.sign_in("risk", "demo").await?;
        browser.open(&format!("/customers/{number}")).await?;
        browser.visible("customer-detail").await?;

        // Act
        browser.tap("customer-report-link").await?;
        let report = browser.visible("credit-report").await?.text().await?;
        browser.screenshot("credit-report").await?;
        browser.fits_the_width("the credit report").await?;
        browser.tap("report-pdf").await?;

        // Assert
        check!(report.contains(&name), "the report names {name}: {report}");
        check!(report.contains("信用报告"), "a Chinese title: {report}");
        check!(
            report.contains("付款表现"),
            "the payment behaviour: {report}"
        );
        check!(report.contains("账龄"), "the aging: {report}");
        browser
            .eventually("the PDF made without an error", || async {
                let busy = browser.texts("[data-testid=\"report-pdf\"]").await?;
                let errors = browser.texts("[data-testid=\"error\"]").await?;
                check!(errors.is_empty(), "no error: {errors:?}");
                Ok((busy
                    .iter()
                    .all(|t| t.contains("PDF") && !t.contains("正在")))
                .then_some(()))
            })
            .await?;
        Ok(())
    })
    .await;
}
