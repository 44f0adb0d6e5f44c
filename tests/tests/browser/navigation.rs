//! Layout and language: bottom navigation on phones, side navigation on laptops, and a
//! language switch that changes every label.

use crate::helpers::{LAPTOP, PHONE, Result, at_each_size, check};

#[tokio::test]
async fn the_phone_layout_shows_a_bottom_nav_and_the_laptop_layout_a_side_nav() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        browser.visible("nav").await?;
        // Results include long English names: they must wrap or clip, never widen the page.
        browser.results().await?;

        // Act
        let measured = browser
            .js(
                "const r = document.querySelector('[data-testid=\"nav\"]').getBoundingClientRect();\
                 return [r.left, r.top, r.width, r.height, innerWidth, innerHeight,\
                         document.documentElement.scrollWidth];",
            )
            .await?;
        let numbers: Vec<f64> = measured
            .as_array()
            .map(|values| values.iter().filter_map(|v| v.as_f64()).collect())
            .unwrap_or_default();
        let [
            left,
            top,
            width,
            height,
            view_width,
            view_height,
            page_width,
        ] = numbers[..]
        else {
            return Err(format!("could not measure the navigation: {measured}").into());
        };

        // Assert
        let near = |a: f64, b: f64| (a - b).abs() <= 2.0;
        check!(
            near(view_width, f64::from(browser.size.width))
                && near(view_height, f64::from(browser.size.height)),
            "the viewport is {view_width}x{view_height}, not the {}x{} asked for",
            browser.size.width,
            browser.size.height
        );
        check!(
            page_width <= view_width + 1.0,
            "the page is {page_width}px wide in a {view_width}px viewport: it scrolls sideways"
        );
        if browser.size == PHONE {
            check!(
                near(top + height, view_height) && near(width, view_width) && height < 120.0,
                "phone: the nav should be a bar along the bottom; it is at top {top}, \
                 {width}x{height} in a {view_width}x{view_height} viewport"
            );
        } else if browser.size == LAPTOP {
            check!(
                near(left, 0.0) && near(top, 0.0) && near(height, view_height) && width < 400.0,
                "laptop: the nav should be a full-height side bar; it is at ({left},{top}), \
                 {width}x{height} in a {view_width}x{view_height} viewport"
            );
        }
        browser.screenshot("layout").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn switching_the_language_to_english_changes_the_labels() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        let label = || browser.texts("label[for=\"customer-search\"]");
        let chinese = label().await?;
        check!(
            chinese == ["搜索客户"],
            "the app should start in Chinese, found {chinese:?}"
        );

        // Act
        browser.open_account_menu_if_needed().await?;
        browser.visible("lang-switch").await?.click().await?;

        // Assert
        browser
            .eventually("the English label", || async {
                Ok((label().await? == ["Search customers"]).then_some(()))
            })
            .await?;
        let lang = browser.js("return document.documentElement.lang").await?;
        check!(
            lang == "en",
            "<html lang> should follow the language, found {lang}"
        );
        browser.screenshot("english").await?;

        // The choice survives a reload.
        browser.client.refresh().await?;
        browser
            .eventually("English after reloading", || async {
                Ok((label().await? == ["Search customers"]).then_some(()))
            })
            .await?;
        Ok(())
    })
    .await;
}
