//! Risk works the credit review queue: the reviews due this week or overdue are listed,
//! earliest first, with how late each is; a wider window lists more; from a customer of
//! the queue, risk files the review (the line kept, with a validity) as a request.

use crate::helpers::*;

#[tokio::test]
async fn risk_opens_the_review_queue_widens_it_and_files_a_review_from_a_customer_in_it() {
    at_each_size(async |browser| {
        // Arrange
        browser.sign_in("risk", "demo").await?;
        let wide = browser.js("return window.innerWidth > 600").await? == serde_json::json!(true);

        // Act: the queue for the week, then for 90 days.
        browser.open("/reviews").await?;
        browser.visible("review-list").await?;
        let week = browser.texts("[data-testid=\"review-due\"]").await?;
        let first_when = browser.visible("review-when").await?.text().await?;
        browser.screenshot("reviews").await?;
        browser.tap("reviews-within-90").await?;
        let quarter = browser
            .eventually("the 90-day queue", || async {
                let listed = browser.texts("[data-testid=\"review-due\"]").await?;
                Ok((listed.len() > week.len()).then_some(listed))
            })
            .await?;
        browser.fits_the_width("the review queue").await?;
        // A customer of the queue (another at each size): its page, then the review.
        let rows = browser
            .texts("[data-testid=\"review-row\"] .number")
            .await?;
        let number = rows
            .get(usize::from(wide))
            .ok_or("the 90-day queue has two customers")?
            .clone();
        browser.open(&format!("/customers/{number}")).await?;
        browser.tap("request-open").await?;
        browser.choose("request-kind", "review").await?;
        let until = browser.date_in_days(200).await?;
        browser.set_value("request-valid-until", &until).await?;
        browser
            .retype(
                "request-justification",
                "年度复审：回款正常，维持额度，额度有效期至下次复审前。",
            )
            .await?;
        browser.screenshot("review-request").await?;
        browser.tap("request-submit").await?;
        browser
            .eventually("the filed review's page", || async {
                Ok(browser.path().await?.contains("/requests/").then_some(()))
            })
            .await?;
        let filed = browser
            .api_get(&format!("/v1/customers/{number}/requests"))
            .await?;

        // Assert
        check!(
            !week.is_empty(),
            "the demo has reviews due this week or overdue"
        );
        let mut sorted = quarter.clone();
        sorted.sort();
        check!(
            sorted == quarter,
            "the queue is earliest first: {quarter:?}"
        );
        check!(
            first_when.contains("逾期")
                || first_when.contains("overdue")
                || first_when.contains("到期")
                || first_when.contains("due"),
            "each row says how late it is, not {first_when:?}"
        );
        let kinds: Vec<&str> = filed["items"]
            .as_array()
            .ok_or("a list of requests")?
            .iter()
            .filter_map(|r| r["kind"].as_str())
            .collect();
        check!(
            kinds.contains(&"credit_review"),
            "the review is filed as a credit review, not {kinds:?}"
        );
        Ok(())
    })
    .await;
}
