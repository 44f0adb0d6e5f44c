//! The scoring lab: risk builds a development sample from the demo tenant's ledger a year
//! back, fits a scorecard in the browser and reads the report (figures against the model
//! in force, the characteristic table, the four charts each with its table for screen
//! readers); forcing a characteristic out fits again without reading the sample again; an
//! observation date whose outcome window has not ended is refused next to the date field;
//! an admin runs the what-if of the fitted model (grade migration, swap set, limits by
//! grade, recent orders, expected loss) before publishing, and starts it as the challenger,
//! compares it and asks, through the approval matrix, for it to be put in force.
//!
//! The demo tenant has few customers that went 90 days past due in the year after the
//! observation date (4 in the development part), so the tests judge bad from 60 days past
//! due, or fit with a larger smallest bin than the default.

use crate::helpers::*;

/// Opens the lab from the navigation (on a phone it is in the account pop-up).
async fn open_lab(browser: &Browser) -> Result {
    browser.open_account_menu_if_needed().await?;
    browser.tap("nav-lab").await?;
    browser.visible("lab-sample").await?;
    Ok(())
}

/// Builds the sample with the form as it is and waits until every page is read.
async fn build_sample(browser: &Browser) -> Result<String> {
    browser.tap("lab-build-sample").await?;
    browser
        .eventually("the whole sample to be read", || async {
            if !browser.is_visible("lab-progress").await? {
                return Ok(None);
            }
            let progress = browser.visible("lab-progress").await?;
            let done = progress.attr("data-finished").await?;
            Ok((done.as_deref() == Some("true")).then_some(progress))
        })
        .await?
        .text()
        .await
        .map_err(Into::into)
}

/// Signs in as the admin, builds the sample (bad from 60 days past due) and fits it.
async fn admin_fits(browser: &Browser) -> Result {
    browser.sign_in("admin", "demo").await?;
    open_lab(browser).await?;
    browser.retype("lab-dpd", "60").await?;
    build_sample(browser).await?;
    browser.tap("lab-fit").await?;
    browser.visible("lab-report").await?;
    Ok(())
}

/// How many rows the screen-reader table inside `section` holds.
async fn table_rows(browser: &Browser, section: &str) -> Result<usize> {
    Ok(browser
        .texts(&format!("{} table.sr-only tbody tr", testid(section)))
        .await?
        .len())
}

#[tokio::test]
async fn risk_builds_a_sample_fits_a_scorecard_and_reads_the_report_with_its_four_charts() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("risk", "demo").await?;
        open_lab(browser).await?;
        browser.retype("lab-dpd", "60").await?;
        browser.screenshot("lab-form").await?;

        // Act
        let read = build_sample(browser).await?;
        browser.tap("lab-fit").await?;
        browser.visible("lab-report").await?;

        // Assert: the headline figures, the table and the four charts.
        check!(
            read.contains("样本"),
            "the sample says what it read: {read}"
        );
        let auc = browser.visible("lab-auc").await?.text().await?;
        let figure = auc
            .split_whitespace()
            .find_map(|w| w.parse::<f64>().ok())
            .ok_or(format!("an AUC figure: {auc}"))?;
        check!(
            (0.0..=1.0).contains(&figure),
            "an AUC between 0 and 1: {auc}"
        );
        let champion = browser.visible("lab-auc-champion").await?.text().await?;
        check!(
            champion.contains("现行模型"),
            "the AUC of the model in force beside it: {champion}"
        );
        for id in ["lab-gini", "lab-ks", "lab-customers", "lab-compare"] {
            browser.visible(id).await?;
        }
        let characteristics = browser
            .texts("[data-testid=\"lab-characteristic\"] th[scope=\"row\"]")
            .await?;
        check!(
            characteristics.len() >= 5,
            "every characteristic of the model in force has a row: {characteristics:?}"
        );
        let included = browser
            .texts("[data-testid=\"lab-characteristic\"][data-included=\"true\"]")
            .await?;
        check!(!included.is_empty(), "some characteristic is in the model");
        browser.scroll_to("lab-report").await?;
        browser.screenshot("lab-report").await?;
        browser.scroll_to("lab-characteristics").await?;
        browser.screenshot("lab-characteristics").await?;
        for chart in ["roc", "ks", "distribution", "calibration"] {
            let figure = browser.visible(&format!("lab-chart-{chart}")).await?;
            check!(
                figure.html(true).await?.contains("<svg"),
                "the {chart} chart is drawn"
            );
            let rows = table_rows(browser, &format!("lab-{chart}")).await?;
            check!(rows > 0, "the {chart} chart has its numbers in a table");
        }
        browser.scroll_to("lab-roc").await?;
        browser.screenshot("lab-charts").await?;
        browser.fits_the_width("the lab's report").await?;
        browser.visible("lab-publish-note").await?;
        check!(
            !browser.is_visible("lab-publish").await?,
            "only an admin publishes"
        );
        if browser.size == LAPTOP {
            browser.tap("lang-switch").await?;
            browser.scroll_to("lab-report").await?;
            let title = browser.visible("lab-report").await?.text().await?;
            check!(
                title.contains("Report"),
                "the report follows the language: {title}"
            );
            browser.screenshot("lab-report-en").await?;
        }
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_bin_share_out_of_range_is_refused_next_to_its_field_and_a_valid_one_fits_without_reading_again()
 {
    with_browser(LAPTOP, async |browser| -> Result {
        // Arrange: the demo tenant judged bad from 90 days has only a handful of bads.
        browser.sign_in("risk", "demo").await?;
        open_lab(browser).await?;
        let read = build_sample(browser).await?;

        // Act: a bin share out of range, then a larger valid one.
        browser.retype("lab-min-bin-share", "0.9").await?;
        browser.tap("lab-fit").await?;
        let out_of_range = browser
            .visible("lab-min-bin-share-error")
            .await?
            .text()
            .await?;
        browser.screenshot("lab-bin-share-refused").await?;
        browser.retype("lab-min-bin-share", "0.2").await?;
        browser.tap("lab-fit").await?;
        browser.visible("lab-report").await?;

        // Assert
        check!(
            out_of_range.contains("0.5"),
            "the bin share says its range next to it: {out_of_range}"
        );
        check!(
            !browser.is_visible("lab-min-bin-share-error").await?,
            "the message is gone once it fits"
        );
        let again = browser.visible("lab-progress").await?.text().await?;
        check!(
            again == read,
            "the sample was not read again: {again} / {read}"
        );
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn forcing_a_characteristic_out_fits_again_without_reading_the_sample_again() {
    with_browser(LAPTOP, async |browser| -> Result {
        // Arrange
        browser.sign_in("risk", "demo").await?;
        open_lab(browser).await?;
        browser.retype("lab-dpd", "60").await?;
        let read = build_sample(browser).await?;
        browser.tap("lab-fit").await?;
        browser.visible("lab-report").await?;
        let code = browser
            .js("return document.querySelector('[data-testid=\"lab-characteristic\"][data-included=\"true\"]').dataset.code")
            .await?;
        let code = code.as_str().ok_or("an included characteristic")?.to_owned();

        // Act
        browser
            .choose(&format!("lab-force-{code}"), "out")
            .await?;
        browser.tap("lab-refit").await?;

        // Assert
        let selector = format!("[data-testid=\"lab-characteristic\"][data-code=\"{code}\"]");
        browser
            .eventually("the characteristic forced out", || async {
                let included = browser
                    .js(&format!(
                        "return document.querySelector('{}').dataset.included",
                        selector.replace('\'', "\\'")
                    ))
                    .await?;
                Ok((included == serde_json::json!("false")).then_some(()))
            })
            .await?;
        let status = browser
            .texts(&format!("{selector} [data-testid=\"lab-status\"]"))
            .await?;
        check!(
            status.iter().any(|s| s.contains("强制剔除")),
            "{code} says it was forced out: {status:?}"
        );
        let again = browser.visible("lab-progress").await?.text().await?;
        check!(again == read, "the sample was not read again: {again} / {read}");
        browser.tap(&format!("lab-bins-toggle-{code}")).await?;
        browser.visible("lab-bins").await?;
        browser.screenshot("lab-forced-out").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_observation_date_whose_outcome_window_has_not_ended_is_refused_next_to_the_date_field()
{
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("risk", "demo").await?;
        open_lab(browser).await?;
        let last_month = browser.date_in_days(-30).await?;
        browser.set_value("lab-date", &last_month).await?;

        // Act
        browser.tap("lab-build-sample").await?;

        // Assert
        let said = browser.visible("lab-date-error").await?.text().await?;
        check!(
            said.contains("表现期尚未结束"),
            "the date field says the window has not ended: {said}"
        );
        let year_ago = browser.date_in_days(-365).await?;
        check!(
            said.contains(&year_ago[..4]),
            "it names the latest date to observe: {said}"
        );
        check!(
            !browser.is_visible("lab-report").await?,
            "no report without a sample"
        );
        browser.scroll_to("lab-sample").await?;
        browser.screenshot("lab-window-not-ended").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_admin_is_offered_to_publish_the_fitted_model_and_asked_for_a_reason_first() {
    with_browser(LAPTOP, async |browser| -> Result {
        // Arrange
        admin_fits(browser).await?;

        // Act: publish without saying why.
        browser.tap("lab-publish").await?;

        // Assert
        let said = browser.visible("lab-reason-error").await?.text().await?;
        check!(!said.is_empty(), "the reason is asked for first");
        check!(
            !browser.is_visible("lab-published").await?,
            "nothing was published"
        );
        browser.visible("lab-download").await?;
        browser.scroll_to("lab-model").await?;
        browser.screenshot("lab-publish").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_admin_sees_what_the_fitted_model_would_change_before_publishing_it() {
    at_each_size(async |browser| -> Result {
        // Arrange
        admin_fits(browser).await?;

        // Act
        browser.tap("lab-what-if-run").await?;
        let result = browser
            .eventually("the what-if over every customer", || async {
                let result = browser.visible("engine-preview-result").await?;
                let done = result.attr("data-finished").await?;
                Ok((done.as_deref() == Some("true")).then_some(result))
            })
            .await?;

        // Assert
        let said = result.text().await?;
        check!(!said.is_empty(), "the what-if says what it counted");
        let matrix = browser
            .texts(&format!("{} tbody tr", testid("what-if-migration")))
            .await?;
        check!(
            !matrix.is_empty(),
            "the migration matrix has a row per grade"
        );
        let grades = browser
            .texts(&format!("{} tbody tr", testid("what-if-by-grade")))
            .await?;
        check!(!grades.is_empty(), "limits and exposure by grade");
        browser.visible("what-if-gain").await?;
        browser.visible("what-if-lose").await?;
        browser.visible("what-if-newly-blocked").await?;
        check!(
            !browser
                .texts(&format!("{} tbody tr", testid("what-if-loss-table")))
                .await?
                .is_empty(),
            "expected loss per currency"
        );
        browser.fits_the_width("the what-if").await?;
        browser.scroll_to("lab-what-if").await?;
        browser.screenshot("lab-what-if").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_admin_starts_the_fitted_model_as_challenger_compares_it_and_asks_to_put_it_in_force() {
    with_browser(LAPTOP, async |browser| -> Result {
        // Arrange
        admin_fits(browser).await?;
        browser.scroll_to("lab-challenger").await?;

        // Act: start on half the customers, compare, ask for promotion.
        browser.tap("challenger-start").await?;
        let asked = browser
            .visible("challenger-reason-error")
            .await?
            .text()
            .await?;
        browser.retype("challenger-share", "50").await?;
        browser
            .retype("challenger-reason", "a quarter in shadow")
            .await?;
        browser.tap("challenger-start").await?;
        let status = browser
            .eventually("the challenger to run", || async {
                let status = browser.visible("challenger-status").await?;
                let state = status.attr("data-state").await?;
                Ok((state.as_deref() == Some("running")).then_some(status))
            })
            .await?;
        let said = status.text().await?;
        browser.tap("challenger-compare").await?;
        let compared = browser
            .eventually("the comparison over every page", || async {
                let table = browser.visible("challenger-comparison").await?;
                let done = table.attr("data-finished").await?;
                Ok((done.as_deref() == Some("true")).then_some(table))
            })
            .await?
            .text()
            .await?;
        browser.screenshot("lab-challenger").await?;
        browser
            .retype("challenger-justification", "ranks better in shadow")
            .await?;
        browser.tap("challenger-promote").await?;
        browser.visible("challenger-promotion-filed").await?;
        browser
            .js("document.querySelector('[data-testid=\"challenger-promotion-filed\"] a').click()")
            .await?;
        let detail = browser.visible("request-detail").await?.text().await?;
        browser.screenshot("lab-promotion-request").await?;

        // Assert
        check!(!asked.is_empty(), "a reason is asked for first");
        check!(said.contains("50"), "the share is said: {said}");
        check!(
            compared.contains("AUC"),
            "both AUCs side by side: {compared}"
        );
        check!(
            browser.path().await?.starts_with("/lab/requests/"),
            "the request page of the promotion"
        );
        check!(!detail.is_empty(), "the request reads as any other");

        // Leave the demo as it was: withdraw the request and stop the challenger.
        browser.tap("request-withdraw").await?;
        browser.tap("request-withdraw-confirm").await?;
        browser
            .eventually("the request withdrawn", || async {
                let status = browser.visible("request-status").await?.text().await?;
                Ok(
                    (!status.is_empty() && !browser.is_visible("request-withdraw").await?)
                        .then_some(()),
                )
            })
            .await?;
        open_lab(browser).await?;
        browser.scroll_to("lab-challenger").await?;
        browser
            .retype("challenger-stop-reason", "test over")
            .await?;
        browser.tap("challenger-stop").await?;
        browser
            .eventually("the challenger stopped", || async {
                let state = browser
                    .visible("challenger-status")
                    .await?
                    .attr("data-state")
                    .await?;
                Ok((state.as_deref() == Some("stopped")).then_some(()))
            })
            .await?;
        Ok(())
    })
    .await;
}
