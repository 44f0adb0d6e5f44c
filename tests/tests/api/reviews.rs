//! Credit reviews: a person's limit is reviewed on the policy's cycle for the grade; the
//! review comes due in the queue (`GET /v1/reviews`), completing it is a request through
//! the approval matrix, and a reviewed limit past its validity is found expired by the
//! order check.

use crate::helpers::*;
use serde_json::json;
use time::Duration;

fn due_of(file: &serde_json::Value) -> time::Date {
    let text = file["decision"]["review_due"]
        .as_str()
        .unwrap_or_else(|| panic!("no review date: {}", file["decision"]));
    time::Date::parse(text, &time::format_description::well_known::Iso8601::DATE).unwrap()
}

fn queued(queue: &serde_json::Value, customer: &str) -> Option<serde_json::Value> {
    queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customer"]["id"] == customer)
        .cloned()
}

#[tokio::test]
async fn a_decided_limit_comes_due_for_review_on_the_policy_cycle_and_appears_in_the_queue() {
    // Arrange: risk decides C1's limit today.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.customer_with_limit("C1", "90000.00").await;
    let risk = app.signed_in(Role::Risk);
    let file = risk.credit("C1").await;
    let due = due_of(&file);
    let grade = file["assessment"]["grade"].as_str().unwrap().to_owned();
    let months = match grade.as_str() {
        "A" | "B" => 12,
        "C" => 6,
        "D" => 3,
        _ => 1,
    };
    let not_yet = risk
        .get("/v1/reviews?within=7")
        .await
        .assert_status(200)
        .clone();

    // Act: time passes to three days before the review.
    app.clock
        .advance(Duration::days((due - today).whole_days() - 3));
    let this_week = risk
        .get("/v1/reviews?within=7")
        .await
        .assert_status(200)
        .clone();
    let today_only = risk
        .get("/v1/reviews?within=0")
        .await
        .assert_status(200)
        .clone();
    app.clock.advance(Duration::days(5));
    let overdue = risk.get("/v1/reviews").await.assert_status(200).clone();

    // Assert
    assert_eq!(
        due,
        credence_shared::engine::calendar::months_after(today, months),
        "grade {grade} is reviewed every {months} months"
    );
    assert!(queued(&not_yet, "C1").is_none(), "{not_yet}");
    let item = queued(&this_week, "C1").expect("due in three days");
    assert_eq!(item["days_overdue"], -3);
    assert_eq!(item["due"], due.to_string());
    assert!(queued(&today_only, "C1").is_none());
    let item = queued(&overdue, "C1").expect("overdue");
    assert_eq!(item["days_overdue"], 2);
    assert_eq!(
        queued(&overdue, "C2"),
        None,
        "a customer without a person's limit has no review"
    );
}

#[tokio::test]
async fn completing_a_review_through_the_matrix_sets_the_next_review_and_a_validity_the_check_enforces()
 {
    // Arrange: C1 has a limit; finance does its review early, with a limit valid for 30 days.
    let app = spawn_app().await;
    let today = app.clock.today();
    app.customer_with_limit("C1", "50000.00").await;
    let risk = app.signed_in(Role::Risk);
    let finance = app.signed_in(Role::Finance);
    let until = today + Duration::days(30);

    // Act: risk approves it (the matrix's rule for credit up to 100k).
    let rid = finance
        .filed(
            "C1",
            json!({"type": "review", "limit": money("60000.00"), "terms_days": 30,
                   "valid_until": until.to_string()}),
        )
        .await;
    let done = app.approve_all("C1", &rid).await;
    let after = risk.credit("C1").await;
    let inside = risk
        .credit_check("C1", "100.00")
        .await
        .assert_status(200)
        .clone();
    app.clock.advance(Duration::days(31));
    let outside = risk
        .credit_check("C1", "100.00")
        .await
        .assert_status(200)
        .clone();
    let too_far = finance
        .file_request(
            "C1",
            json!({"type": "review", "limit": money("60000.00"), "terms_days": 30,
                   "valid_until": (today + Duration::days(2000)).to_string()}),
        )
        .await;

    // Assert
    assert_eq!(done["request"]["status"], "approved", "{}", done["request"]);
    assert_eq!(done["request"]["kind"], "credit_review");
    assert_eq!(after["decision"]["limit"]["amount"]["amount"], "60000.00");
    assert_eq!(after["decision"]["limit"]["valid_until"], until.to_string());
    assert_eq!(after["decision"]["terms_days"], 30);
    assert!(due_of(&after) > until, "{}", after["decision"]);
    let rules = |check: &serde_json::Value| -> Vec<String> {
        check["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        !rules(&inside).contains(&"limit_expired".to_owned()),
        "{inside}"
    );
    assert!(
        rules(&outside).contains(&"limit_expired".to_owned()),
        "{outside}"
    );
    too_far.assert_status(422);
    assert_eq!(too_far.body["errors"][0]["field"], "change.valid_until");
}

#[tokio::test]
async fn the_review_queue_refuses_a_window_it_cannot_read_and_is_closed_to_sales() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let wide = app
        .signed_in(Role::Risk)
        .get("/v1/reviews?within=400")
        .await;
    let sales = app.signed_in(Role::Sales).get("/v1/reviews").await;

    // Assert
    wide.assert_status(422);
    assert_eq!(wide.body["errors"][0]["field"], "within");
    sales.assert_status(403);
}
