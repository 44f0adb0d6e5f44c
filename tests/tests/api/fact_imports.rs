//! Open items, ledger history, exchange rates and signals come in from files like an ERP's
//! events: every row keyed by its document number (the same file again changes nothing),
//! every bad row named by line and column while the good ones go in, and each committed
//! import kept in the history with its counts and its failed rows.

use crate::helpers::*;
use serde_json::{Value, json};

/// Two customers, imported by an admin (no credit lines).
async fn two_customers(app: &TestApp) {
    let done = app
        .signed_in(Role::Admin)
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "name"], "rows": [
                {"line": 2, "cells": ["KH-9001", "福州闽江贸易有限公司"]},
                {"line": 3, "cells": ["KH-9002", "泉州海丝物流有限公司"]}
            ]}),
        )
        .await;
    assert_eq!(
        done.assert_status(200)["counts"]["created"],
        2,
        "{}",
        done.body
    );
}

fn run(id: &str, batch: u32, total: u32) -> Value {
    json!({"id": id, "file_name": "应收明细.csv", "sha256": "ab".repeat(32),
           "layout": "0123456789abcdef", "batch": batch, "rows_total": total})
}

fn open_items() -> Value {
    json!([
        {"line": 2, "cells": ["KH-9001", "F-001", "2026/9/1", "2026/10/1", "12,000.00"]},
        {"line": 3, "cells": ["KH-9001", "F-002", "2026年11月1日", "2026年12月1日", "8,000"]},
        {"line": 4, "cells": ["KH-9404", "F-003", "2026-11-01", "2026-12-01", "100"]},
        {"line": 5, "cells": ["KH-9002", "F-004", "2026-11-01", "2026-10-01", "100"]}
    ])
}

const OPEN_MAPPING: [&str; 5] = ["customer", "invoice", "issued", "due", "amount"];

#[tokio::test]
async fn finance_imports_open_items_and_the_same_file_again_changes_nothing() {
    // Arrange
    let app = spawn_app().await;
    two_customers(&app).await;
    let finance = app.signed_in(Role::Finance);
    let batch = |dry_run: bool| {
        json!({"dry_run": dry_run, "mapping": OPEN_MAPPING, "rows": open_items(),
               "run": run("open-items-1", 0, 4)})
    };

    // Act
    let dry = finance.post("/v1/imports/open_items", batch(true)).await;
    let done = finance.post("/v1/imports/open_items", batch(false)).await;
    let again = finance.post("/v1/imports/open_items", batch(false)).await;
    let file = finance.credit("KH-9001").await;
    let history = finance.get("/v1/imports").await;
    let errors = finance.get("/v1/imports/open-items-1/errors").await;
    let remembered = finance.get("/v1/imports/mappings/0123456789abcdef").await;

    // Assert
    let dry = dry.assert_status(200);
    assert_eq!(dry["counts"]["created"], 2, "{dry}");
    assert_eq!(
        dry["results"][2]["issues"][0]["code"], "customer.unknown",
        "{dry}"
    );
    assert_eq!(dry["results"][3]["issues"][0]["field"], "due", "{dry}");
    assert_eq!(
        done.assert_status(200)["counts"]["created"],
        2,
        "{}",
        done.body
    );
    let again = again.assert_status(200);
    assert_eq!(again["counts"]["unchanged"], 2, "{again}");
    assert_eq!(again["counts"]["errors"], 2, "{again}");
    assert_eq!(
        amount(&file["exposure"]["open_receivables"]),
        amount(&money("20000"))
    );
    let history = history.assert_status(200);
    let first = &history["items"][0];
    assert_eq!(first["kind"], "open_items");
    assert_eq!(first["file_name"], "应收明细.csv");
    assert_eq!(
        first["batches"], 1,
        "the second commit of batch 0 is not counted again"
    );
    assert_eq!(first["counts"]["created"], 2);
    assert_eq!(first["counts"]["errors"], 2);
    assert_eq!(first["started_by"], "finance");
    let errors = errors.assert_status(200);
    assert_eq!(errors["items"][0]["line"], 4);
    assert_eq!(errors["items"][0]["cells"][0], "KH-9404");
    assert_eq!(remembered.assert_status(200)["mapping"][1], "invoice");
}

#[tokio::test]
async fn a_bad_ledger_row_fails_alone_in_the_dry_run_and_in_the_commit_and_the_rest_posts_once() {
    // Arrange
    let app = spawn_app().await;
    two_customers(&app).await;
    let finance = app.signed_in(Role::Finance);
    let mapping = [
        "customer",
        "type",
        "document",
        "date",
        "due",
        "amount",
        "applies_to",
    ];
    let rows = json!([
        {"line": 2, "cells": ["KH-9002", "发票", "INV-1", "2026-09-01", "2026-10-01", "5,000.00", ""]},
        {"line": 3, "cells": ["KH-9002", "发票", "INV-2", "2026-09-15", "2026-10-15", "3,000.00", ""]},
        {"line": 4, "cells": ["KH-9002", "收款", "R-1", "2026-10-03", "", "-5,000.00", "INV-1"]},
        {"line": 5, "cells": ["KH-9002", "退货", "CN-1", "2026-10-05", "", "500", "INV-2"]},
        {"line": 6, "cells": ["KH-9002", "收款", "R-2", "2026-10-20", "", "9,999", "INV-2"]},
        {"line": 7, "cells": ["KH-9002", "礼品", "G-1", "2026-10-20", "", "1", ""]}
    ]);
    let batch = json!({"mapping": mapping, "rows": rows});
    let dry_batch = json!({"mapping": mapping, "rows": rows, "dry_run": true});

    // Act
    let dry = finance.post("/v1/imports/ledger", dry_batch).await;
    let after_dry = finance.credit("KH-9002").await;
    let done = finance.post("/v1/imports/ledger", batch.clone()).await;
    let again = finance.post("/v1/imports/ledger", batch).await;
    let file = finance.credit("KH-9002").await;

    // Assert: the dry run folds the rows into the ledger without writing them.
    let dry = dry.assert_status(200);
    assert_eq!(dry["counts"]["created"], 4, "{dry}");
    assert_eq!(dry["results"][4]["issues"][0]["field"], "amount", "{dry}");
    assert_eq!(
        amount(&after_dry["exposure"]["open_receivables"]),
        amount(&money("0"))
    );
    let done = done.assert_status(200);
    assert_eq!(done["counts"]["created"], 4, "{done}");
    assert_eq!(done["results"][4]["outcome"], "error", "{done}");
    assert_eq!(done["results"][4]["issues"][0]["field"], "amount", "{done}");
    assert_eq!(done["results"][5]["issues"][0]["field"], "type", "{done}");
    assert_eq!(again.assert_status(200)["counts"]["unchanged"], 4);
    assert_eq!(
        amount(&file["exposure"]["open_receivables"]),
        amount(&money("2500"))
    );
}

#[tokio::test]
async fn rates_and_signals_come_in_from_files_once() {
    // Arrange
    let app = spawn_app().await;
    two_customers(&app).await;
    let rates = json!({"mapping": ["from", "to", "date", "rate"], "rows": [
        {"line": 2, "cells": ["USD", "CNY", "2026/11/30", "7.1234"]},
        {"line": 3, "cells": ["EUR", "EUR", "2026/11/30", "1"]}
    ]});
    let signals = json!({"mapping": ["customer", "kind", "date", "source", "summary"], "rows": [
        {"line": 2, "cells": ["KH-9001", "诉讼", "2026-11-02", "裁判文书网", "买卖合同纠纷被诉"]}
    ]});

    // Act
    let finance = app.signed_in(Role::Finance);
    let rate_done = finance
        .post("/v1/imports/exchange_rates", rates.clone())
        .await;
    let rate_again = finance.post("/v1/imports/exchange_rates", rates).await;
    let risk = app.signed_in(Role::Risk);
    let signal_done = risk.post("/v1/imports/signals", signals.clone()).await;
    let signal_again = risk.post("/v1/imports/signals", signals.clone()).await;
    let by_finance = finance.post("/v1/imports/signals", signals).await;

    // Assert
    let rate_done = rate_done.assert_status(200);
    assert_eq!(rate_done["counts"]["created"], 1, "{rate_done}");
    assert_eq!(rate_done["results"][1]["issues"][0]["field"], "to");
    assert_eq!(rate_again.assert_status(200)["counts"]["unchanged"], 1);
    assert_eq!(
        signal_done.assert_status(200)["counts"]["created"],
        1,
        "{}",
        signal_done.body
    );
    assert_eq!(signal_again.assert_status(200)["counts"]["unchanged"], 1);
    by_finance.problem(403);
}

#[tokio::test]
async fn an_unknown_kind_and_a_bad_run_are_refused_with_a_problem_and_a_bad_outcome_row_names_its_fields()
 {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let rows = json!([{"line": 2, "cells": ["KH-1", "名"]}]);

    // Act
    let unknown = admin
        .post(
            "/v1/imports/suppliers",
            json!({"mapping": ["customer", "name"], "rows": rows}),
        )
        .await;
    let mut bad_run = run("has space", 0, 1);
    bad_run["id"] = json!("has space");
    let bad = admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "name"], "rows": rows, "run": bad_run}),
        )
        .await;
    let outcomes = admin
        .post(
            "/v1/imports/outcomes",
            json!({"mapping": ["customer", "date", "outcome"], "rows": rows}),
        )
        .await;

    // Assert
    unknown.problem(404);
    assert_eq!(bad.problem_field(), "run.id");
    let fields: Vec<&str> = outcomes.assert_status(200)["results"][0]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["date", "outcome"],
        "an outcome row names what is wrong"
    );
}
