//! Risk records what outside sources said about a customer on its signals-and-statements
//! page: a clean check, then a lawsuit (a missing summary is named next to its field), and
//! the lawsuit appears in the list; the score the API gives has moved.

use crate::helpers::*;

#[tokio::test]
async fn risk_records_a_clean_check_and_a_lawsuit_and_sees_the_missing_summary_named_at_its_field()
{
    at_each_size(async |browser| {
        // Arrange: a customer of the demo list (another at each size), from its card.
        browser.sign_in("risk", "demo").await?;
        let page = browser.api_get("/v1/customers?limit=2").await?;
        let wide = browser.js("return window.innerWidth > 600").await? == serde_json::json!(true);
        let number = page["items"][usize::from(wide)]["number"]
            .as_str()
            .ok_or("the demo tenant has customers")?
            .to_owned();
        browser.open(&format!("/customers/{number}")).await?;
        browser.tap("customer-evidence-link").await?;
        browser.visible("signal-form").await?;
        let case = format!(
            "(2026)沪0115民初{}号",
            browser.js("return Date.now()").await?
        );

        // Act: a clean check, then a lawsuit without its summary, then with it.
        browser.retype("signal-source", "企查查").await?;
        browser.tap("signal-save").await?;
        browser.visible("signal-saved").await?;
        let checked = browser
            .api_get(&format!("/v1/customers/{number}/credit"))
            .await?;
        browser.choose("signal-kind", "lawsuit").await?;
        browser.retype("signal-case", &case).await?;
        browser.retype("signal-amount", "120,000").await?;
        browser.tap("signal-save").await?;
        let said = browser
            .visible("signal-summary-error")
            .await?
            .text()
            .await?;
        browser
            .retype("signal-summary", "供应商起诉拖欠货款")
            .await?;
        browser.tap("signal-save").await?;
        browser
            .eventually("the lawsuit in the list", || async {
                let listed = browser.texts("[data-testid=\"signal-list\"] li").await?;
                Ok(listed.iter().any(|l| l.contains(&case)).then_some(()))
            })
            .await?;
        browser.fits_the_width("the signals page").await?;
        browser.screenshot("evidence").await?;
        let sued = browser
            .api_get(&format!("/v1/customers/{number}/credit"))
            .await?;
        // The card's limits section: the route the matrix gives a move to the recommendation.
        browser.open(&format!("/customers/{number}")).await?;
        browser.scroll_to("section-limits").await?;
        let route = browser.visible("limits-route").await?.text().await?;
        browser.screenshot("limits").await?;

        // Assert
        check!(
            !said.trim().is_empty(),
            "the missing summary is named at its field"
        );
        check!(
            !route.trim().is_empty() && route.trim() != "—",
            "the limits section names who approves a move to the recommendation: {route:?}"
        );
        let score = |v: &serde_json::Value| {
            v["assessment"]["score"]
                .as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or_default()
        };
        check!(
            score(&sued) < score(&checked),
            "a lawsuit lowers the score: {} → {}",
            score(&checked),
            score(&sued)
        );
        Ok(())
    })
    .await;
}
