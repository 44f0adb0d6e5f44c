//! The daily re-score: with a clock the test moves and no one posting anything, time alone
//! lowers the score of a customer whose invoice ages, fires the 180-day knock-out and the
//! score-drop alert, and leaves a customer who pays on time alone.

use crate::helpers::*;
use credence_api::service::watch;
use credence_shared::watch::RunReport;
use rust_decimal::Decimal;
use serde_json::Value;
use time::Duration;

async fn daily(app: &TestApp) -> RunReport {
    watch::daily(&app.ctx(), &tenant("alpha"), false)
        .await
        .expect("the daily pass")
}

fn score(file: &Value) -> Decimal {
    file["assessment"]["score"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a score in {}", file["assessment"]))
}

fn knock_outs(file: &Value) -> Vec<String> {
    file["assessment"]["knocked_out"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["code"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn two_hundred_silent_days_lower_an_unpaid_customer_to_e_once_and_leave_a_payer_alone() {
    // Arrange: C1 owes one invoice, due in ten days, that nobody will pay. C2 is invoiced
    // every month and pays each invoice five days before it is due.
    let app = spawn_app().await;
    let start = app.clock.today();
    // The tenant alerts on a drop of 25 points against the reference (a month old).
    let mut rules = default_warning_rules();
    for rule in rules["rules"].as_array_mut().unwrap() {
        if rule["id"] == "score_drop" {
            rule["when"]["points"] = "25".into();
        }
    }
    app.signed_in(Role::Admin)
        .put(
            "/v1/admin/warning-rules",
            serde_json::json!({"replaces": 0, "reason": "tighter", "document": rules}),
        )
        .await
        .assert_status(200);
    app.post_events(vec![invoice_on(
        "silent-1",
        "C1",
        start - Duration::days(20),
        start + Duration::days(10),
        "1500.00",
    )])
    .await;
    let month = |n: i64| start + Duration::days(30 * n);
    let invoice_c2 = |n: i64| {
        invoice_on(
            &format!("payer-inv-{n}"),
            "C2",
            month(n),
            month(n) + Duration::days(30),
            "3000.00",
        )
    };
    app.post_events(vec![invoice_c2(0)]).await;
    app.watch("C1").await;
    app.watch("C2").await;
    let risk = app.signed_in(Role::Risk);
    let c1_before = risk.credit("C1").await;
    let c2_before = risk.credit("C2").await;

    // Act: 200 days in steps of five (a pass takes every wake day up to today), with C2's
    // invoices and payments as they come.
    let mut rescored = 0;
    let mut moved = 0;
    let mut passes = 0;
    for day in (5..=200).step_by(5) {
        app.clock.advance(Duration::days(5));
        let n = i64::from(day / 30);
        if day % 30 == 0 {
            app.post_events(vec![invoice_c2(n)]).await;
            app.watch("C2").await;
        }
        if day % 30 == 25 {
            let paid = payment_on(
                &format!("payer-pay-{n}"),
                "C2",
                app.clock.today(),
                "3000.00",
            );
            app.post_events(vec![paid]).await;
            app.watch("C2").await;
        }
        let report = daily(&app).await;
        assert_eq!(report.failed, 0, "day {day}: {report:?}");
        rescored += report.rescored;
        moved += report.scores_moved;
        passes += 1;
    }
    let replay = daily(&app).await;

    // Assert: C1 fell to E by the knock-out, its score lower, the drop alerted once.
    let c1 = risk.credit("C1").await;
    assert!(
        score(&c1) < score(&c1_before),
        "{} then {}",
        score(&c1_before),
        score(&c1)
    );
    assert_eq!(c1["assessment"]["grade"], "E", "{}", c1["assessment"]);
    assert!(knock_outs(&c1).contains(&"KO_SEVERELY_PAST_DUE".to_owned()));
    // Re-scored on the day the knock-out fired; nothing could change it since.
    let knocked_out_on = (start + Duration::days(10 + 180)).to_string();
    assert!(c1["assessment"]["as_of"].as_str().unwrap() >= knocked_out_on.as_str());
    let collections = risk.get("/v1/customers/C1/collections").await.body;
    let drops: Vec<&Value> = collections["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["rule_id"] == "score_drop")
        .collect();
    assert_eq!(
        drops.len(),
        1,
        "{}\n{}",
        collections["alerts"],
        c1["history"]
    );
    let opened = drops[0]["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "opened")
        .count();
    assert_eq!(opened, 1);
    let history = c1["history"].as_array().unwrap();
    assert!(
        history.iter().any(|h| h["reason"] == "daily re-score"),
        "{history:?}"
    );
    // C2 paid every invoice early: time took nothing from it.
    let c2 = risk.credit("C2").await;
    assert!(
        score(&c2) >= score(&c2_before),
        "{} then {}",
        score(&c2_before),
        score(&c2)
    );
    assert!(knock_outs(&c2).is_empty());
    // Only when something could change: not every customer on every pass.
    assert!(moved > 0);
    println!("{rescored} re-scores in {passes} passes");
    assert!(rescored < passes, "{rescored} re-scores in {passes} passes");
    assert_eq!((replay.rescored, replay.alerts_opened), (0, 0));
}

#[tokio::test]
async fn a_local_server_run_as_if_forty_days_later_has_run_the_daily_pass_for_each_of_them() {
    // Arrange: C1 owes an invoice due in ten days that nobody will pay.
    let app = spawn_app().await;
    let start = app.clock.today();
    app.post_events(vec![invoice_on(
        "later-1",
        "C1",
        start - Duration::days(20),
        start + Duration::days(10),
        "1500.00",
    )])
    .await;
    app.watch("C1").await;
    let before = app.signed_in(Role::Risk).credit("C1").await;
    let watcher = credence_api::watcher::Watcher::new(
        app.store.clone(),
        app.clock.clone(),
        app.egress.clone(),
    );

    // Act: what `credence-local --today` does before it serves.
    let days = credence_api::watcher::catch_up(
        &watcher,
        &[tenant("alpha")],
        start,
        start + Duration::days(40),
    )
    .await
    .unwrap();

    // Assert: the file was re-scored on the days the invoice crossed an edge; the last of
    // them (30 days past due) is day 40.
    assert_eq!(days, 40);
    let after = app.signed_in(Role::Risk).credit("C1").await;
    assert_eq!(
        after["assessment"]["as_of"],
        (start + Duration::days(40)).to_string(),
        "{}",
        after["assessment"]
    );
    assert!(
        score(&after) < score(&before),
        "{} → {}",
        score(&before),
        score(&after)
    );
}

#[tokio::test]
async fn a_paid_invoice_s_due_date_leaving_the_three_month_window_wakes_its_customer_that_day_and_not_before()
 {
    // Arrange: C3 was invoiced 80 days ago, due 50 days ago, and paid 20 days ago; nothing
    // of it is open, so only the look-back windows can move its score. The day the due
    // date leaves the 3-month window is no ageing or dormancy edge (those count from the
    // open invoice and from the invoice date).
    let app = spawn_app().await;
    let start = app.clock.today();
    let due = start - Duration::days(50);
    app.post_events(vec![
        invoice_on(
            "window-inv",
            "C3",
            start - Duration::days(80),
            due,
            "800.00",
        ),
        payment_on("window-pay", "C3", start - Duration::days(20), "800.00"),
    ])
    .await;
    app.watch("C3").await;
    let edge = credence_shared::engine::windows::leaves_window(due, 3);

    // Act: up to the day before the due date leaves the window, then that day.
    app.clock
        .advance(Duration::days((edge - start).whole_days() - 1));
    let eve = daily(&app).await;
    let eve_file = app.signed_in(Role::Risk).credit("C3").await;
    app.clock.advance(Duration::days(1));
    let on_the_day = daily(&app).await;
    let file = app.signed_in(Role::Risk).credit("C3").await;

    // Assert
    assert_eq!(eve.failed, 0, "{eve:?}");
    assert_ne!(
        eve_file["assessment"]["as_of"],
        edge.to_string(),
        "not re-scored before {edge}"
    );
    assert_eq!(on_the_day.rescored, 1, "{on_the_day:?}");
    assert_eq!(file["assessment"]["as_of"], edge.to_string());
}
