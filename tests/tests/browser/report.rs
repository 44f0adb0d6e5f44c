//! The credit report: from the customer's page, the report as the server lays it out, in
//! the app's language, with print and a PDF download that works.

use crate::helpers::*;
use serde_json::{Value, json};

#[tokio::test]
async fn risk_opens_a_customers_credit_report_and_downloads_its_pdf() {
    at_each_size(async |browser| -> Result {
        // Arrange: a customer of the demo tenant.
        browser.sign_in("risk", "demo").await?;
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

#[tokio::test]
async fn an_admin_imports_a_providers_file_and_the_lawsuit_shows_in_the_report() {
    at_each_size(async |browser| -> Result {
        // Arrange: a provider watching every customer, and a lawsuit against a demo
        // customer with a registration code, numbered for this run.
        browser.sign_in("admin", "demo").await?;
        let listed = browser
            .api_as("admin", "demo", "GET", "/v1/customers?limit=50", Value::Null)
            .await?;
        let customer = listed["items"]
            .as_array()
            .and_then(|items| items.iter().find(|c| c["usci"].is_string()))
            .ok_or("a demo customer with a registration code")?
            .clone();
        let number = customer["number"].as_str().unwrap_or_default().to_owned();
        let feeds = browser
            .api_as("admin", "demo", "GET", "/v1/admin/data-feeds", Value::Null)
            .await?;
        let put = browser
            .api_as(
                "admin",
                "demo",
                "PUT",
                "/v1/admin/data-feeds",
                json!({"replaces": feeds["version"], "reason": "接入企查查",
                       "document": {"providers": [{"id": "qcc", "name": "企查查",
                           "secret": "a-long-feed-secret-0123", "watch": {"all": true}}]}}),
            )
            .await?;
        check!(put["version"].is_number(), "the provider connected: {put}");
        let stamp = browser.js("return Date.now()").await?;
        let case = format!("(2026)沪0115民初{stamp}号");
        let file = json!({"records": [{"registration_id": customer["usci"], "kind": "lawsuit",
            "number": case, "date": browser.date_in_days(-3).await?, "court": "上海市浦东新区人民法院",
            "cause": "买卖合同纠纷", "role": "defendant"}]});
        let dir = std::env::temp_dir().join(format!("credence-feed-{stamp}"));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("qcc.json");
        std::fs::write(&path, file.to_string())?;

        // Act
        browser.open("/admin").await?;
        browser.tap("admin-tab-data-feeds").await?;
        browser.visible("data-feeds-table").await?;
        browser.retype("feed-import-provider", "qcc").await?;
        browser
            .visible("feed-import-file")
            .await?
            .send_keys(&path.display().to_string())
            .await?;
        let report = browser.visible("feed-import-report").await?.text().await?;
        browser.screenshot("data-feeds").await?;
        browser.open(&format!("/customers/{number}/report")).await?;
        let printed = browser.visible("credit-report").await?.text().await?;

        // Assert
        check!(report.contains("新增 1 条"), "one record landed: {report}");
        check!(printed.contains(&case), "the report shows the case: {printed}");
        check!(printed.contains("企查查"), "with its source: {printed}");
        Ok(())
    })
    .await;
}
