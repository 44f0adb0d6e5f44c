//! The scoring lab over HTTP: the development sample read page by page from every ledger
//! as of a past day (the same each time), a fit of a sample that the engine-version
//! endpoint then publishes like any model, and clear 422s for samples that cannot be fitted.

use crate::helpers::*;
use serde_json::{Value, json};

/// The customer numbers of a sample page, in order.
fn customers_of(page: &Value) -> Vec<&str> {
    page["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["customer"].as_str().unwrap())
        .collect()
}

fn a_year_before(app: &TestApp) -> String {
    let today = app.clock.today();
    credence_shared::engine::calendar::months_before(today, 12).to_string()
}

async fn whole_sample(
    risk: &SignedIn<'_>,
    observation_date: &str,
) -> (Vec<String>, Vec<Value>, u64) {
    sample_judged_by(risk, observation_date, "ledger").await
}

async fn sample_judged_by(
    risk: &SignedIn<'_>,
    observation_date: &str,
    outcome_source: &str,
) -> (Vec<String>, Vec<Value>, u64) {
    let (mut rows, mut excluded, mut cursor) = (Vec::new(), 0, None::<String>);
    let mut characteristics = Vec::new();
    for _ in 0..50 {
        let mut body = json!({"observation_date": observation_date, "seed": 5,
                              "outcome_source": outcome_source});
        if let Some(c) = &cursor {
            body["cursor"] = json!(c);
        }
        let page = risk
            .post("/v1/lab/sample", body)
            .await
            .assert_status(200)
            .clone();
        characteristics = page["characteristics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        rows.extend(page["rows"].as_array().unwrap().iter().cloned());
        excluded += page["excluded"].as_u64().unwrap() + page["already_bad"].as_u64().unwrap();
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    (characteristics, rows, excluded)
}

#[tokio::test]
async fn the_sample_reads_every_customer_as_it_was_a_year_ago_the_same_way_each_time() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let mut customers = 0u64;
    let mut known: Vec<(String, String)> = Vec::new();
    let mut path = "/v1/customers?limit=50".to_owned();
    loop {
        let page = risk.get(&path).await.assert_status(200).clone();
        customers += page["items"].as_array().unwrap().len() as u64;
        known.extend(page["items"].as_array().unwrap().iter().map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["number"].as_str().unwrap().to_owned(),
            )
        }));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/v1/customers?limit=50&cursor={c}"),
            None => break,
        }
    }
    let day = a_year_before(&app);
    // Two customers invoiced 14 months ago: one never paid (bad within the year after the
    // observation date), one paid on the due date (good); and one already 90 days late on
    // the observation date (left out: nothing left to predict).
    let today = app.clock.today();
    let issued = credence_shared::engine::calendar::months_before(today, 14);
    let due = issued + time::Duration::days(30);
    let ((unpaid, unpaid_no), (paid, paid_no)) = (known[0].clone(), known[1].clone());
    let (late, late_no) = known[2].clone();
    let long_ago = credence_shared::engine::calendar::months_before(today, 20);
    app.post_events(vec![
        invoice_on(
            "lab-i3",
            &late,
            long_ago,
            long_ago + time::Duration::days(30),
            "500.00",
        ),
        invoice_on("lab-i1", &unpaid, issued, due, "10000.00"),
        invoice_on("lab-i2", &paid, issued, due, "10000.00"),
        payment_on("lab-p2", &paid, due, "10000.00"),
    ])
    .await;

    // Act
    let (characteristics, rows, excluded) = whole_sample(&risk, &day).await;
    let (_, again, _) = whole_sample(&risk, &day).await;

    // Assert
    assert_eq!(characteristics.len(), 15, "{characteristics:?}");
    assert_eq!(characteristics[0], "PAY_INDEX");
    assert_eq!(
        rows.len() as u64 + excluded,
        customers,
        "every customer is in or counted out"
    );
    let outcome = |number: &str| {
        rows.iter()
            .find(|r| r["customer"] == number)
            .map(|r| r["observation"]["bad"].clone())
    };
    assert_eq!(outcome(&unpaid_no), Some(json!(true)), "never paid: bad");
    assert_eq!(outcome(&paid_no), Some(json!(false)), "paid on time: good");
    assert_eq!(
        outcome(&late_no),
        None,
        "already bad on the observation date: left out"
    );
    for row in &rows {
        let o = &row["observation"];
        assert_eq!(o["values"].as_array().unwrap().len(), 15, "{row}");
        assert!(o["champion_score"].is_string(), "{row}");
        assert!(
            o["bad"].is_boolean() && o["validation"].is_boolean(),
            "{row}"
        );
    }
    assert_eq!(rows, again, "the same day and seed give the same sample");
}

#[tokio::test]
async fn a_window_that_has_not_ended_and_options_out_of_range_are_refused_with_their_field() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let today = app.clock.today().to_string();
    risk.post("/v1/lab/sample", json!({"observation_date": today}))
        .await
        .field_422("observation_date");
    risk.post(
        "/v1/lab/sample",
        json!({"observation_date": "2024-01-31", "outcome_months": 0}),
    )
    .await
    .field_422("outcome_months");
    app.signed_in(Role::Sales)
        .post("/v1/lab/sample", json!({"observation_date": "2024-01-31"}))
        .await
        .assert_status(403);
}

/// A sample whose payment index ranks who went bad.
fn made_up_sample(characteristics: &[String], n: i64, bads: bool) -> Vec<Value> {
    (0..n)
        .map(|i| {
            let paydex = i % 100;
            let bad = bads && (i * 7919) % 100 < (100 - paydex) / 3;
            let values: Vec<Value> = characteristics
                .iter()
                .map(|c| {
                    if c == "PAY_INDEX" {
                        json!(paydex.to_string())
                    } else {
                        Value::Null
                    }
                })
                .collect();
            json!({"values": values, "bad": bad, "validation": i % 10 < 3,
                   "champion_score": "600"})
        })
        .collect()
}

#[tokio::test]
async fn a_fitted_model_is_published_like_any_engine_version_with_its_report_kept() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let admin = app.signed_in(Role::Admin);
    let day = a_year_before(&app);
    let page = risk
        .post("/v1/lab/sample", json!({"observation_date": day}))
        .await
        .assert_status(200)
        .clone();
    let characteristics: Vec<String> =
        serde_json::from_value(page["characteristics"].clone()).unwrap();
    let observations = made_up_sample(&characteristics, 3_000, true);

    // Act
    let fit = risk
        .post(
            "/v1/lab/fits",
            json!({"characteristics": characteristics, "observations": observations}),
        )
        .await
        .assert_status(200)
        .clone();
    let engine = admin.get("/v1/engine").await;
    let published = admin
        .post(
            "/v1/admin/engine-versions",
            json!({"model": fit["model"], "policy": engine.body["policy"],
                   "reason": "fitted in the lab", "report": fit["report"]}),
        )
        .await;
    let version = published.body["version"].as_u64().unwrap_or_default();
    let kept = risk.get(&format!("/v1/lab/reports/{version}")).await;
    let shipped = risk.get("/v1/lab/reports/0").await;
    let by_sales = app
        .signed_in(Role::Sales)
        .get(&format!("/v1/lab/reports/{version}"))
        .await;
    let versions = admin.get("/v1/admin/engine-versions").await;

    // Assert
    let codes: Vec<&str> = fit["model"]["characteristics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["PAY_INDEX"],
        "only the payment index tells anything here"
    );
    let auc: f64 = fit["report"]["validation"]["auc"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(auc > 0.6, "{}", fit["report"]["validation"]);
    assert_eq!(
        fit["report"]["characteristics"].as_array().unwrap().len(),
        15
    );
    published.assert_status(201);
    assert_eq!(published.body["has_report"], json!(true));
    assert_eq!(
        kept.assert_status(200),
        &fit["report"],
        "the report as fitted"
    );
    shipped.problem(404);
    by_sales.problem(403);
    let listed = versions.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["version"] == json!(version))
        .cloned()
        .unwrap();
    assert_eq!(listed["has_report"], json!(true), "{listed}");
}

#[tokio::test]
async fn a_sample_without_bads_or_built_for_another_model_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let day = a_year_before(&app);
    let page = risk
        .post("/v1/lab/sample", json!({"observation_date": day}))
        .await;
    let characteristics: Vec<String> =
        serde_json::from_value(page.body["characteristics"].clone()).unwrap();

    let no_bads = risk
        .post(
            "/v1/lab/fits",
            json!({"characteristics": characteristics,
                   "observations": made_up_sample(&characteristics, 500, false)}),
        )
        .await;
    no_bads.field_422("sample");
    assert!(
        no_bads.body.to_string().contains("no bad customers"),
        "{}",
        no_bads.body
    );

    risk.post(
        "/v1/lab/fits",
        json!({"characteristics": ["PAY_INDEX"], "observations": []}),
    )
    .await
    .field_422("characteristics");
}

trait Field422 {
    fn field_422(&self, field: &str);
}

impl Field422 for TestResponse {
    #[track_caller]
    fn field_422(&self, field: &str) {
        self.problem(422);
        assert_eq!(self.problem_field(), field, "{}", self.body);
    }
}

#[tokio::test]
async fn outcomes_imported_from_a_file_judge_the_sample_instead_of_the_ledger() {
    // Arrange: two customers invoiced 14 months ago paid on time; the file (naming them by
    // their ids, which the demo's numbers are not) says the first defaulted six months ago
    // and the second stayed good; its last line is no outcome.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let page = risk
        .get("/v1/customers?limit=2")
        .await
        .assert_status(200)
        .clone();
    let known: Vec<(String, String)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let text = |f: &str| c[f].as_str().unwrap().to_owned();
            (text("id"), text("number"))
        })
        .collect();
    let today = app.clock.today();
    let issued = credence_shared::engine::calendar::months_before(today, 14);
    let due = issued + time::Duration::days(30);
    let mut events = Vec::new();
    for (i, (id, _)) in known.iter().enumerate() {
        events.push(invoice_on(&format!("oc-i{i}"), id, issued, due, "10000.00"));
        events.push(payment_on(&format!("oc-p{i}"), id, due, "10000.00"));
    }
    app.post_events(events).await;
    let defaulted = credence_shared::engine::calendar::months_before(today, 6).to_string();
    let file = json!({"dry_run": false, "mapping": ["customer", "date", "outcome"], "rows": [
        {"line": 2, "cells": [known[0].0, defaulted, "违约"]},
        {"line": 3, "cells": [known[1].0, defaulted, "正常"]},
        {"line": 4, "cells": [known[1].0, defaulted, "maybe"]},
    ]});
    let day = a_year_before(&app);

    // Act
    let imported = risk.post("/v1/imports/outcomes", file.clone()).await;
    let again = risk.post("/v1/imports/outcomes", file).await;
    let (_, by_ledger, _) = whole_sample(&risk, &day).await;
    let (_, by_file, _) = sample_judged_by(&risk, &day, "imported").await;

    // Assert
    let outcomes = |r: &TestResponse| -> Vec<String> {
        r.assert_status(200)["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| row["outcome"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        outcomes(&imported),
        ["created", "created", "error"],
        "{}",
        imported.body
    );
    assert_eq!(outcomes(&again), ["unchanged", "unchanged", "error"]);
    assert_eq!(
        imported.body["results"][2]["issues"][0]["field"],
        json!("outcome"),
        "{}",
        imported.body
    );
    let bad = |rows: &[Value], number: &str| {
        rows.iter()
            .find(|r| r["customer"] == number)
            .map(|r| r["observation"]["bad"].clone())
    };
    assert_eq!(
        bad(&by_ledger, &known[0].1),
        Some(json!(false)),
        "paid on time"
    );
    assert_eq!(
        bad(&by_file, &known[0].1),
        Some(json!(true)),
        "the file says bad"
    );
    assert_eq!(
        bad(&by_file, &known[1].1),
        Some(json!(false)),
        "the file says good"
    );
}

#[tokio::test]
async fn a_sample_restricted_to_a_tag_reads_only_the_customers_tagged_so() {
    // Arrange: two customers of the master, one a key account; both invoiced 14 months ago.
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let today = app.clock.today();
    let issued = credence_shared::engine::calendar::months_before(today, 14);
    for (n, (number, tag)) in [("KH-9101", "key account"), ("KH-9102", "retail")]
        .into_iter()
        .enumerate()
    {
        risk.put(
            &format!("/v1/customers/{number}"),
            json!({"name": format!("标签测试{n}有限公司"), "registration_id": usci(610 + n),
                   "founded": "2012-04-01", "tags": [tag]}),
        )
        .await
        .assert_status(201);
        app.post_events(vec![invoice_on(
            &format!("tag-i{n}"),
            number,
            issued,
            issued + time::Duration::days(30),
            "1000.00",
        )])
        .await;
    }
    let day = a_year_before(&app);
    let body = |tag: &str| json!({"observation_date": day, "tag": tag});

    // Act
    let tagged = risk.post("/v1/lab/sample", body("key account")).await;
    let blank = risk.post("/v1/lab/sample", body("  ")).await;

    // Assert
    let page = tagged.assert_status(200);
    assert_eq!(customers_of(page), ["KH-9101"], "{page}");
    assert!(page["other_tags"].as_u64().unwrap() >= 1, "{page}");
    blank.problem(422);
    assert_eq!(blank.problem_field(), "tag");
}

#[tokio::test]
async fn a_sample_restricted_to_an_import_reads_only_the_customers_that_import_brought_in() {
    // Arrange: one customer from a customer file, one typed in; both invoiced 14 months ago.
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let risk = app.signed_in(Role::Risk);
    let run = json!({"id": "customers-2025", "file_name": "客户主数据.csv", "sha256": "cd".repeat(32),
                     "layout": "0123456789abcdef", "batch": 0, "rows_total": 1});
    admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "name", "registration_id"], "run": run,
                   "rows": [{"line": 2, "cells": ["KH-9201", "导入来源测试有限公司", usci(620)]}]}),
        )
        .await
        .assert_status(200);
    risk.put(
        "/v1/customers/KH-9202",
        json!({"name": "手工录入测试有限公司", "registration_id": usci(621)}),
    )
    .await
    .assert_status(201);
    // A later edit by hand keeps where the customer came from.
    let imported = admin.get("/v1/customers/KH-9201").await;
    let version = imported.assert_status(200)["version"].clone();
    admin
        .put(
            "/v1/customers/KH-9201",
            json!({"name": "导入来源测试有限公司", "registration_id": usci(620),
                   "tags": ["edited"], "version": version}),
        )
        .await
        .assert_status(200);
    let issued = credence_shared::engine::calendar::months_before(app.clock.today(), 14);
    for (n, number) in ["KH-9201", "KH-9202"].into_iter().enumerate() {
        app.post_events(vec![invoice_on(
            &format!("origin-i{n}"),
            number,
            issued,
            issued + time::Duration::days(30),
            "1000.00",
        )])
        .await;
    }
    let day = a_year_before(&app);

    // Act
    let restricted = risk
        .post(
            "/v1/lab/sample",
            json!({"observation_date": day, "import_run": "customers-2025"}),
        )
        .await;
    let unknown = risk
        .post(
            "/v1/lab/sample",
            json!({"observation_date": day, "import_run": "no such/run"}),
        )
        .await;

    // Assert
    let page = restricted.assert_status(200);
    assert_eq!(customers_of(page), ["KH-9201"], "{page}");
    assert!(page["other_tags"].as_u64().unwrap() >= 1, "{page}");
    unknown.problem(422);
    assert_eq!(unknown.problem_field(), "import_run");
}
