//! Early warning and collections: a collector works the worklist on a phone and records a
//! promise to pay; an alert is resolved only with a note; a sales rep sees their open tasks
//! counted on the phone's Account button; and the alert centre, the worklist, a customer's
//! collections and the dashboard fit phones and laptops.

use fantoccini::Locator;

use crate::helpers::{Browser, PHONE, Result, at_each_size, check, testid, with_browser};

/// The worklist's tasks as (link, customer id), in the order shown.
async fn tasks_shown(browser: &Browser) -> Result<Vec<(String, String)>> {
    browser.visible("worklist-task").await?;
    let mut tasks = Vec::new();
    for link in browser
        .client
        .find_all(Locator::Css(&testid("worklist-task")))
        .await?
    {
        let href = link.attr("href").await?.unwrap_or_default();
        let customer = href
            .trim_start_matches("/customers/")
            .split('#')
            .next()
            .unwrap_or_default()
            .to_owned();
        tasks.push((href, customer));
    }
    Ok(tasks)
}

/// A task whose customer has no open promise to pay yet, so the one recorded is the one
/// the card shows (read through the API: this is arranging). Falls back to the first.
async fn a_task_without_a_promise(browser: &Browser) -> Result<(String, String)> {
    let tasks = tasks_shown(browser).await?;
    for (href, customer) in &tasks {
        let view = browser
            .api_get(&format!("/v1/customers/{customer}/collections"))
            .await?;
        let open = view["promises"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|p| p["status"] == "open");
        if !open {
            return Ok((href.clone(), customer.clone()));
        }
    }
    tasks
        .into_iter()
        .next()
        .ok_or_else(|| "the collector's worklist is empty".into())
}

#[tokio::test]
async fn a_collector_opens_a_task_from_the_worklist_records_a_promise_to_pay_and_the_card_shows_it()
{
    with_browser(PHONE, async |phone| -> Result {
        // Arrange: the collector signs in and has tasks on the worklist.
        phone.sign_in("collector", "demo").await?;
        phone.tap("nav-worklist").await?;
        let (href, customer) = a_task_without_a_promise(phone).await?;
        let in_a_few_days = phone.date_in_days(5).await?;
        phone.screenshot("collector-worklist").await?;

        // Act: open the task, record a promise to pay 10,000 in five days.
        let task = phone.link_to("worklist-task", &href).await?;
        phone
            .client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![serde_json::to_value(&task)?],
            )
            .await?;
        task.click().await?;
        let page = format!("/customers/{customer}");
        phone
            .eventually("the task's customer page", || async {
                Ok((phone.path().await? == page).then_some(()))
            })
            .await?;
        phone.visible("collections").await?;
        phone.tap("promise-open").await?;
        phone.set_value("promise-date", &in_a_few_days).await?;
        phone.retype("promise-amount", "10000").await?;
        phone
            .visible("promise-note")
            .await?
            .send_keys("Their finance manager confirmed by phone.")
            .await?;
        phone.screenshot("promise-form").await?;
        phone.tap("promise-submit").await?;

        // Assert: the position card shows the promise, with its date and amount.
        let shown = phone
            .eventually("the promise on the customer's card", || async {
                for line in phone
                    .client
                    .find_all(Locator::Css(&testid("promise-shown")))
                    .await?
                {
                    if line.attr("data-date").await?.as_deref() == Some(in_a_few_days.as_str()) {
                        return Ok(Some(line.text().await?));
                    }
                }
                Ok(None)
            })
            .await?;
        check!(
            shown.contains(&in_a_few_days) && shown.contains("10,000.00"),
            "the card should show a promise of 10,000.00 on {in_a_few_days}, it shows {shown:?}"
        );
        check!(
            phone.is_visible("promise-saved").await?,
            "recording the promise should say it was recorded"
        );
        phone.scroll_to("position").await?;
        phone.screenshot("promise-shown").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn resolving_an_alert_asks_for_a_note_first() {
    with_browser(PHONE, async |phone| -> Result {
        // Arrange: risk opens the alert centre from the navigation.
        phone.sign_in("risk", "demo").await?;
        phone.tap("nav-alerts").await?;
        let line = phone.visible("alert-line").await?;
        let (customer, rule) = (
            line.attr("data-customer").await?.unwrap_or_default(),
            line.attr("data-rule").await?.unwrap_or_default(),
        );

        // Act: resolve without a note.
        phone.tap("alert-resolve").await?;
        phone.visible("alert-note").await?;
        phone.tap("alert-resolve").await?;

        // Assert: the note field says it is needed, and the alert stays open.
        phone
            .eventually("the note to be marked as missing", || async {
                let note = phone.visible("alert-note").await?;
                Ok((note.attr("aria-invalid").await?.as_deref() == Some("true")).then_some(()))
            })
            .await?;
        phone.screenshot("alert-note-required").await?;

        // Act: say what was done, then resolve.
        phone
            .visible("alert-note")
            .await?
            .send_keys("Called the customer; payment plan agreed.")
            .await?;
        phone.tap("alert-resolve").await?;

        // Assert: it leaves the open alerts.
        let selector = format!(
            "{}[data-customer=\"{customer}\"][data-rule=\"{rule}\"]",
            testid("alert-line")
        );
        phone
            .eventually("the resolved alert to leave the open list", || async {
                let left = phone.client.find_all(Locator::Css(&selector)).await?;
                Ok(left.is_empty().then_some(()))
            })
            .await?;

        // Assert: the customer's activity says so in Chinese, with the note as written.
        phone.open(&format!("/customers/{customer}")).await?;
        let line = phone
            .eventually("the resolution in the customer's activity", || async {
                let lines = phone.texts(&testid("activity-line")).await?;
                Ok(lines.into_iter().find(|l| l.contains("已解决预警")))
            })
            .await?;
        check!(
            line.contains("Called the customer; payment plan agreed."),
            "the activity line should keep the note as written, it reads {line:?}"
        );
        phone.scroll_to("activity").await?;
        phone.screenshot("alert-resolved-activity").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn a_sales_rep_with_open_tasks_sees_their_count_on_the_phones_account_button() {
    with_browser(PHONE, async |phone| -> Result {
        // Arrange: the sales rep's open tasks, read through the API.
        phone.sign_in("sales", "demo").await?;
        let worklist = phone.api_get("/v1/worklist").await?;
        let open = worklist["items"].as_array().map_or(0, Vec::len);
        check!(
            open > 0,
            "the demo sales rep should have open collection tasks to show a count for"
        );

        // Act: wait for the navigation's counts.
        let badge = phone.visible("account-badge").await?;

        // Assert: the Account button shows the count, and the pop-up's worklist link too.
        let shown = badge.text().await?;
        check!(
            shown.split_whitespace().next() == Some(open.to_string().as_str()),
            "the Account button should show {open} open tasks, it shows {shown:?}"
        );
        phone.screenshot("account-badge").await?;
        phone.open_account_menu_if_needed().await?;
        let listed = phone
            .visible("account-worklist-count")
            .await?
            .text()
            .await?;
        check!(
            listed == open.to_string(),
            "the worklist link in the account menu should count {open}, it shows {listed:?}"
        );
        phone.screenshot("account-menu-worklist").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn the_alert_centre_worklist_collections_and_dashboard_fit_phones_and_laptops() {
    at_each_size(async |browser| -> Result {
        browser.sign_in("collector", "demo").await?;

        // The alert centre, reached from the navigation with its badge.
        browser.tap("nav-alerts").await?;
        browser.visible("alert-line").await?;
        browser.fits_the_width("the alert centre").await?;
        browser.screenshot("alerts").await?;

        // The worklist.
        browser.tap("nav-worklist").await?;
        browser.visible("worklist-task").await?;
        browser.fits_the_width("the worklist").await?;
        browser.screenshot("worklist").await?;

        // A customer's collections, opened from a task.
        browser.tap("worklist-task").await?;
        browser.visible("aging-bucket").await?;
        browser.scroll_to("collections").await?;
        browser.fits_the_width("the customer's collections").await?;
        browser.screenshot("collections").await?;
        browser.scroll_to("activity").await.ok();
        browser.screenshot("collections-activity").await?;

        // The dashboard: a desk page, in the account menu on phones.
        browser.open_account_menu_if_needed().await?;
        browser.tap("nav-dashboard").await?;
        for figure in [
            "kpi-overdue-share",
            "kpi-dso",
            "kpi-turnover",
            "kpi-bad-debt",
        ] {
            browser.visible(figure).await?;
        }
        browser.visible("chart-grades").await?;
        browser.fits_the_width("the dashboard").await?;
        browser.screenshot("dashboard").await?;
        browser.scroll_to("chart-alerts").await?;
        browser.screenshot("dashboard-alerts").await?;
        browser.scroll_to("top-exposures").await?;
        browser.screenshot("dashboard-exposures").await?;
        browser.scroll_to("chart-aging").await?;
        browser.screenshot("dashboard-aging").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_admin_sees_the_warning_rules_dunning_ladder_and_webhooks_as_tables() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("admin", "demo").await?;
        browser.open_account_menu_if_needed().await?;
        browser.tap("nav-admin").await?;

        // Act + Assert: each tab shows its document as a table.
        for (tab, table, shot) in [
            (
                "admin-tab-warning-rules",
                "warning-rules-table",
                "admin-warning-rules",
            ),
            ("admin-tab-dunning", "dunning-table", "admin-dunning"),
            ("admin-tab-webhooks", "admin-deliveries", "admin-webhooks"),
        ] {
            browser.tap(tab).await?;
            browser.visible(table).await?;
            browser.fits_the_width(shot).await?;
            browser.screenshot(shot).await?;
        }
        Ok(())
    })
    .await;
}
