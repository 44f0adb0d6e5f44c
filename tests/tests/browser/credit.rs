//! The credit file page: the order check a sales rep runs on a phone, and the sections an
//! analyst reads on a laptop.

use fantoccini::Locator;

use crate::helpers::{Browser, LAPTOP, PHONE, Result, at_each_size, check, testid};

/// Seeded demo customers have Chinese names like "…科技有限公司".
const PART_OF_A_NAME: &str = "科技";

/// Searches for part of a Chinese name and opens the first result that `script` picks:
/// it gets the result cards as `cards` and returns an index, or -1 for none.
async fn open_customer(browser: &Browser, script: &str) -> Result<String> {
    browser
        .visible("search-input")
        .await?
        .send_keys(PART_OF_A_NAME)
        .await?;
    let index = browser
        .eventually("a matching customer to open", || async {
            let names = browser
                .texts("[data-testid=\"customer-result\"] .name")
                .await?;
            if names.is_empty() || !names.iter().all(|n| n.contains(PART_OF_A_NAME)) {
                return Ok(None);
            }
            let picked = browser
                .js(&format!(
                    "const cards = [...document.querySelectorAll('{}')]; {script}",
                    testid("customer-result")
                ))
                .await?;
            Ok(picked.as_i64().filter(|&i| i >= 0))
        })
        .await?;
    let cards = browser
        .client
        .find_all(Locator::Css(&testid("customer-result")))
        .await?;
    let card = cards
        .get(usize::try_from(index)?)
        .ok_or("the picked card disappeared")?;
    let name = card.find(Locator::Css(".name")).await?.text().await?;
    browser
        .client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(card)?],
        )
        .await?;
    card.click().await?;
    let heading = browser
        .visible("customer-detail")
        .await?
        .find(Locator::Css("h1"))
        .await?
        .text()
        .await?;
    check!(
        heading == name,
        "expected the credit file of {name}, found {heading}"
    );
    Ok(name)
}

/// A customer in good standing: grade A or B, nothing overdue, no hold, and more than a
/// fifth of the limit free (so a small order is not "near the limit").
const IN_GOOD_STANDING: &str = "const num = e => parseFloat(e.textContent.replace(/[^0-9.-]/g, '')); \
     return cards.findIndex(c => \
     /grade-(a|b)\\b/.test(c.querySelector('.grade').className) \
     && !c.querySelector('.overdue, [data-testid=\"badge-hold\"], [data-testid=\"badge-blacklist\"]') \
     && num(c.querySelector('[data-testid=\"customer-available\"]')) > 0.2 * num(c.querySelector('.limit')));";

const THE_FIRST: &str = "return cards.length > 0 ? 0 : -1;";

/// Waits for the order check to show `decision` and for the server to confirm it.
async fn decision_confirmed(browser: &Browser, decision: &str) -> Result {
    browser
        .eventually(&format!("the decision {decision}"), || async {
            let shown = browser.visible("check-decision").await?;
            Ok((shown.attr("data-decision").await?.as_deref() == Some(decision)).then_some(()))
        })
        .await?;
    browser
        .eventually("the server to confirm the decision", || async {
            let status = browser
                .visible("check-server")
                .await?
                .attr("data-status")
                .await?;
            match status.as_deref() {
                Some("confirmed") => Ok(Some(())),
                Some("differs") => Err("the server's decision differs from the preview".into()),
                _ => Ok(None),
            }
        })
        .await?;
    let shown = browser
        .visible("check-decision")
        .await?
        .attr("data-decision")
        .await?;
    check!(
        shown.as_deref() == Some(decision),
        "after the server answered the decision is {shown:?}, not {decision}"
    );
    Ok(())
}

#[tokio::test]
async fn a_sales_rep_finds_a_customer_by_name_and_sees_a_small_order_pass_and_a_large_one_blocked()
{
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        open_customer(browser, IN_GOOD_STANDING).await?;
        let available = browser.visible("customer-available").await?.text().await?;
        check!(
            available.starts_with('¥'),
            "available credit should be shown in large type: {available}"
        );

        // Act: a small order
        browser.retype("order-amount", "100").await?;

        // Assert
        decision_confirmed(browser, "pass").await?;
        let text = browser.visible("check-decision").await?.text().await?;
        check!(text.contains("可以接单"), "the decision in words: {text}");
        let after = browser.visible("check-available").await?.text().await?;
        check!(
            after.contains('→'),
            "available credit before → after: {after}"
        );
        browser.screenshot("order-pass").await?;

        // Act: an order far above the available credit
        browser.retype("order-amount", "999999999").await?;

        // Assert
        decision_confirmed(browser, "block").await?;
        let reasons = browser.texts(&testid("check-reason")).await?;
        check!(
            reasons.iter().any(|r| r.contains("超出信用额度")),
            "the over-limit reason should be given in words: {reasons:?}"
        );
        let after = browser
            .visible("check-available-after")
            .await?
            .attr("class")
            .await?
            .unwrap_or_default();
        check!(
            after.contains("negative"),
            "credit available after a blocked order should show as negative"
        );
        check!(
            !browser.is_visible("section-ledger").await?,
            "a sales rep should not see the ledger"
        );
        browser.scroll_to("order-check").await?;
        browser.screenshot("order-block").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_order_amount_with_letters_a_minus_sign_or_three_decimals_is_explained_next_to_the_field()
 {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("sales", "demo").await?;
        open_customer(browser, THE_FIRST).await?;

        for (typed, expected) in [
            ("12abc", "请输入数字"),
            ("-500", "大于零"),
            ("100.123", "两位小数"),
        ] {
            // Act
            browser.retype("order-amount", typed).await?;

            // Assert
            let message = browser.visible("order-amount-error").await?.text().await?;
            check!(
                message.contains(expected),
                "typing {typed:?} should explain {expected:?}, found {message:?}"
            );
            let invalid = browser
                .visible("order-amount")
                .await?
                .attr("aria-invalid")
                .await?;
            check!(
                invalid.as_deref() == Some("true"),
                "the field should be marked invalid for {typed:?}"
            );
            check!(
                !browser.is_visible("check-decision").await?,
                "no decision should be shown for {typed:?}"
            );
        }
        browser.screenshot("order-amount-error").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_credit_file_shows_the_score_with_its_reasons_limits_exposure_history_and_ledger() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("finance", "demo").await?;

        // Act
        open_customer(browser, THE_FIRST).await?;

        // Assert
        browser.screenshot("credit-file").await?;
        let score = browser.visible("score").await?.text().await?;
        check!(
            score.parse::<u32>().is_ok(),
            "the score should be a number: {score}"
        );
        let reasons = browser.texts(&testid("score-reason")).await?;
        check!(
            !reasons.is_empty() && reasons.iter().all(|r| r.contains('分')),
            "the score's reasons should be in words with their points: {reasons:?}"
        );
        let compare = browser.visible("limits-compare").await?.text().await?;
        check!(
            compare.contains("人工决定") && compare.contains("系统建议"),
            "the decision and the recommendation side by side: {compare}"
        );
        let aging_rows = browser
            .client
            .find_all(Locator::Css("[data-testid=\"aging\"] tbody tr"))
            .await?
            .len();
        check!(
            aging_rows == 5,
            "aging should have 5 buckets, found {aging_rows}"
        );
        browser.visible("ledger").await?;

        if browser.size == LAPTOP {
            let placed = browser
                .js("const box = id => document.querySelector(`[data-testid=\"${id}\"]`).getBoundingClientRect();\
                     const a = box('section-assessment'), l = box('section-limits');\
                     return [a.top, l.top, a.left, l.left];")
                .await?;
            let numbers: Vec<f64> = placed
                .as_array()
                .map(|v| v.iter().filter_map(|n| n.as_f64()).collect())
                .unwrap_or_default();
            check!(
                matches!(numbers[..], [a_top, l_top, a_left, l_left]
                    if (a_top - l_top).abs() < 2.0 && l_left > a_left + 200.0),
                "laptop: the score and the limits should sit side by side: {placed}"
            );
        }
        if browser.size == PHONE {
            browser.visible("section-nav").await?;
        }
        browser.scroll_to("section-assessment").await?;
        browser.screenshot("credit-file-score").await?;
        browser.scroll_to("section-exposure").await?;
        browser.screenshot("credit-file-exposure").await?;
        browser.scroll_to("section-history").await?;
        let chart = browser.is_visible("history-chart").await?
            || browser.is_visible("history-too-short").await?;
        check!(chart, "the history section should show a chart or say why not");
        browser.screenshot("credit-file-history").await?;
        browser.scroll_to("section-ledger").await?;
        browser.screenshot("credit-file-ledger").await?;
        Ok(())
    })
    .await;
}
