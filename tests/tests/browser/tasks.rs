//! Collection tasks by hand: a collector opens one on a customer's collections and hands it
//! to a colleague, who then has it.

use crate::helpers::*;
use serde_json::Value;

#[tokio::test]
async fn a_collector_opens_a_task_by_hand_and_hands_it_to_risk() {
    at_each_size(async |browser| -> Result {
        // Arrange
        browser.sign_in("collector", "demo").await?;
        let listed = browser
            .api_as("collector", "demo", "GET", "/v1/customers?limit=1", Value::Null)
            .await?;
        let number = listed["items"][0]["number"]
            .as_str()
            .ok_or("the demo tenant has customers")?
            .to_owned();
        let stamp = browser.js("return Date.now()").await?;
        let reason = format!("核对发票金额差异（{stamp}）");
        browser
            .open(&format!("/customers/{number}#section-collections"))
            .await?;

        // Act: open the task for myself.
        browser.tap("task-new").await?;
        browser.retype("task-reason", &reason).await?;
        browser.screenshot("task-new").await?;
        browser.tap("task-submit").await?;
        browser
            .eventually("the new task in the list", || async {
                let lines = browser.texts("[data-testid=\"collection-task\"]").await?;
                Ok(lines.iter().any(|l| l.contains(&reason)).then_some(()))
            })
            .await?;
        // Hand it over: the line of this task, its "hand over…", risk, submit.
        let handed = browser
            .js(&format!(
                "const line = [...document.querySelectorAll('[data-testid=\"collection-task\"]')]\
                   .find(l => l.textContent.includes('{reason}'));\
                 if (!line) return 'no line';\
                 line.querySelector('[data-testid=\"task-handover\"]').click();\
                 return 'opened';"
            ))
            .await?;
        check!(handed == "opened", "the hand-over opened: {handed}");
        browser
            .eventually("the people to hand over to", || async {
                let options = browser
                    .js("return [...document.querySelectorAll('[data-testid=\"task-handover-to\"] option')].map(o => o.value)")
                    .await?;
                let values: Vec<String> = serde_json::from_value(options).unwrap_or_default();
                Ok(values.iter().any(|v| v == "risk").then_some(()))
            })
            .await?;
        browser.choose("task-handover-to", "risk").await?;
        browser.screenshot("task-handover").await?;
        browser.tap("task-handover-submit").await?;

        // Assert: risk has it on their worklist.
        browser
            .eventually("the task on risk's worklist", || async {
                let theirs = browser
                    .api_as("risk", "demo", "GET", "/v1/worklist", Value::Null)
                    .await?;
                let found = theirs["items"].as_array().is_some_and(|items| {
                    items
                        .iter()
                        .any(|t| t["reason"].as_str() == Some(reason.as_str()))
                });
                Ok(found.then_some(()))
            })
            .await?;
        Ok(())
    })
    .await;
}
