//! The blocked-order desk: an order the check blocked waits on the desk with what blocked
//! it; risk releases part of it on a prepayment from the desk (a request through the
//! approval matrix, decided by other people), and the sales rep sees it released on the
//! customer's page.

use crate::helpers::*;
use serde_json::{Value, json};

#[tokio::test]
async fn risk_releases_part_of_a_blocked_order_from_the_desk_and_the_rep_sees_it_released() {
    at_each_size(async |browser| -> Result {
        // Arrange: an order far over the limit of a customer the sales rep owns, and a
        // risk person of the test's own at the desk.
        let (username, password) = browser.invite("wu.fang", "吴芳", "risk").await?;
        let mine = browser
            .api_as("sales", "demo", "GET", "/v1/customers?limit=1", Value::Null)
            .await?;
        let number = mine["items"][0]["number"]
            .as_str()
            .ok_or("the sales rep has customers")?
            .to_owned();
        let stamp = browser.js("return Date.now()").await?;
        let order = format!("SO-{stamp}");
        let today = browser.date_in_days(0).await?;
        let posted = browser
            .api_as(
                "finance",
                "demo",
                "POST",
                "/v1/ledger/events",
                json!({"events": [{"idempotency_key": format!("desk-{stamp}"),
                    "customer_id": number, "date": today,
                    "event": {"type": "order_placed", "order": order,
                              "amount": {"amount": "900000000.00", "currency": "CNY"}}}]}),
            )
            .await?;
        check!(
            posted["results"][0]["check"]["decision"] == "block",
            "the order is blocked: {posted}"
        );

        // Act: the desk, filtered to the order; release 600 million on 30% prepayment.
        browser.sign_in(&username, &password).await?;
        browser.open("/orders").await?;
        browser.visible("order-desk").await?;
        browser.retype("orders-filter", &order).await?;
        browser
            .eventually("the order alone on the desk", || async {
                let rows = browser.texts("[data-testid=\"order-row\"] .mono").await?;
                Ok((rows.len() == 1).then_some(()))
            })
            .await?;
        let findings = browser.visible("order-findings").await?.text().await?;
        browser.screenshot("order-desk").await?;
        browser.fits_the_width("the order desk").await?;
        browser.tap("order-release").await?;
        browser.retype("order-ship", "600000000").await?;
        browser.retype("order-prepayment", "30").await?;
        browser
            .retype(
                "order-reason",
                "客户承诺本周回款三成，先放行六亿元，预付30%后发货。",
            )
            .await?;
        browser.screenshot("order-release-form").await?;
        browser.tap("order-submit").await?;
        browser.visible("order-filed").await?;
        // Other people decide (the matrix routes a release this large to risk, then an
        // approver; the one who filed never approves).
        let requests = browser
            .api_as(
                "risk",
                "demo",
                "GET",
                &format!("/v1/customers/{number}/requests"),
                Value::Null,
            )
            .await?;
        let rid = requests["items"]
            .as_array()
            .ok_or("a list of requests")?
            .iter()
            .find(|r| r["kind"] == "blocked_order_release" && r["status"] == "pending")
            .and_then(|r| r["id"].as_str())
            .ok_or("the release request is pending")?
            .to_owned();
        let path = format!("/v1/customers/{number}/requests/{rid}");
        for approver in ["risk", "approver"] {
            let detail = browser
                .api_as(approver, "demo", "GET", &path, Value::Null)
                .await?;
            if detail["request"]["status"] == "approved" {
                break;
            }
            browser
                .api_as(
                    approver,
                    "demo",
                    "POST",
                    &format!("{path}/review"),
                    json!({"action": "approve", "note": "",
                           "version": detail["request"]["version"]}),
                )
                .await?;
        }

        // The sales rep opens the customer.
        browser.sign_out().await?;
        browser.sign_in("sales", "demo").await?;
        browser.open(&format!("/customers/{number}")).await?;
        browser.scroll_to("section-orders").await?;
        let line = format!("[data-testid=\"customer-order\"][data-order=\"{order}\"]");
        let status = browser
            .eventually("the order's status on the customer's page", || async {
                let statuses = browser
                    .texts(&format!("{line} [data-testid=\"order-status\"]"))
                    .await?;
                Ok(statuses.into_iter().next())
            })
            .await?;
        let allowed = browser
            .texts(&format!("{line} [data-testid=\"order-allowed\"]"))
            .await?;
        browser.screenshot("customer-orders").await?;

        // Assert
        check!(
            findings.contains("超出") || findings.contains("over") || findings.contains("额度"),
            "the desk says in words what blocked it: {findings:?}"
        );
        check!(
            status == "已放行" || status == "Released",
            "the rep sees it released, not {status:?}"
        );
        check!(
            allowed.first().is_some_and(|a| a.contains("600,000,000")),
            "and how much may ship: {allowed:?}"
        );
        Ok(())
    })
    .await;
}
