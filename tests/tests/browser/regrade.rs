//! Publishing re-grades the portfolio: the admin publishes the engine in force again and the
//! engine tab runs the re-grade to its end, saying how far it is.

use crate::helpers::*;

#[tokio::test]
async fn an_admin_publishes_an_engine_version_and_watches_the_portfolio_re_graded() {
    with_browser(LAPTOP, async |browser| -> Result {
        // Arrange
        browser.sign_in("admin", "demo").await?;
        browser.open_account_menu_if_needed().await?;
        browser.tap("nav-admin").await?;
        browser.tap("admin-tab-engine").await?;
        browser.visible("engine-publish").await?;

        // Act: the form holds the version in force; publish it again with a reason.
        browser
            .retype("engine-reason", "re-grade after the quarterly review")
            .await?;
        browser.tap("engine-publish-submit").await?;

        // Assert
        let said = browser
            .eventually("the re-grade to finish", || async {
                if !browser.is_visible("engine-regrade").await? {
                    return Ok(None);
                }
                let done = browser
                    .js("return document.querySelector('[data-testid=\"engine-regrade\"]').dataset.finished")
                    .await?;
                let text = browser.visible("engine-regrade").await?.text().await?;
                Ok((done == serde_json::json!("true")).then_some(text))
            })
            .await?;
        browser.screenshot("engine-regrade").await?;
        check!(
            said.contains('户') || said.contains("customers"),
            "the page says how many customers were re-graded: {said}"
        );
        Ok(())
    })
    .await;
}
