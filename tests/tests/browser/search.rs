//! Customer search and the customer page.

use fantoccini::Locator;

use crate::helpers::{Result, at_each_size, check, testid};

/// Seeded demo customers have Chinese names like "…科技有限公司".
const PART_OF_A_NAME: &str = "科技";

#[tokio::test]
async fn typing_part_of_a_chinese_name_narrows_the_results() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        browser.results().await?;
        let before = browser
            .texts("[data-testid=\"customer-result\"] .name")
            .await?;
        check!(
            before.iter().any(|name| !name.contains(PART_OF_A_NAME)),
            "the unfiltered first page should include other names: {before:?}"
        );

        // Act
        browser
            .visible("search-input")
            .await?
            .send_keys(PART_OF_A_NAME)
            .await?;

        // Assert
        let after = browser
            .eventually("only matching customers", || async {
                let names = browser
                    .texts("[data-testid=\"customer-result\"] .name")
                    .await?;
                let narrowed =
                    !names.is_empty() && names.iter().all(|name| name.contains(PART_OF_A_NAME));
                Ok(narrowed.then_some(names))
            })
            .await?;
        check!(!after.is_empty(), "no customer matched {PART_OF_A_NAME}");
        browser.screenshot("search-narrowed").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn opening_a_result_shows_the_customers_credit_position() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        browser.results().await?;
        let card = browser
            .client
            .find(Locator::Css(&testid("customer-result")))
            .await?;
        let name = card.find(Locator::Css(".name")).await?.text().await?;

        // Act
        card.click().await?;

        // Assert
        let detail = browser.visible("customer-detail").await?;
        check!(
            browser.path().await?.starts_with("/customers/"),
            "the card should open /customers/{{id}}"
        );
        let heading = detail.find(Locator::Css("h1")).await?.text().await?;
        check!(
            heading == name,
            "expected the page for {name}, found {heading}"
        );
        let available = browser.visible("customer-available").await?.text().await?;
        check!(
            available.contains('¥'),
            "available credit missing: {available}"
        );
        browser.screenshot("customer").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn load_more_appends_the_next_page_of_customers() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        let first_page = browser.results().await?;
        check!(
            first_page == 20,
            "the first page should hold 20 customers, not {first_page}"
        );

        // Act
        browser.tap("load-more").await?;

        // Assert
        let both_pages = browser
            .eventually("the second page", || async {
                let count = browser
                    .client
                    .find_all(Locator::Css(&testid("customer-result")))
                    .await?
                    .len();
                Ok((count > first_page).then_some(count))
            })
            .await?;
        check!(
            both_pages == 40,
            "two pages should hold 40 customers, not {both_pages}"
        );
        let names = browser
            .texts("[data-testid=\"customer-result\"] .name")
            .await?;
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        check!(
            unique.len() == names.len(),
            "a customer appears twice: {names:?}"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_query_that_is_too_long_is_explained_next_to_the_search_box() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        browser.results().await?;

        // Act
        browser
            .visible("search-input")
            .await?
            .send_keys(&"贸易".repeat(33))
            .await?;

        // Assert
        let message = browser.visible("search-error").await?.text().await?;
        check!(
            message.contains("64"),
            "the message should name the limit: {message}"
        );
        let invalid = browser
            .visible("search-input")
            .await?
            .attr("aria-invalid")
            .await?;
        check!(
            invalid.as_deref() == Some("true"),
            "the box should be marked invalid"
        );
        browser.screenshot("search-too-long").await?;
        Ok(())
    })
    .await;
}
