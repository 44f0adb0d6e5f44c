//! Customer files come in as batches of rows read with the shared parsing: a dry run says
//! what each row would do, a commit does it, the same file again changes nothing, and every
//! bad row is named by line and column while the good ones go in.

use crate::helpers::*;
use serde_json::{Value, json};

const HEADER: [&str; 6] = [
    "customer",
    "name",
    "registration_id",
    "limit",
    "terms_days",
    "founded",
];

fn batch(rows: Value, dry_run: bool) -> Value {
    json!({"dry_run": dry_run, "mapping": HEADER, "rows": rows})
}

fn two_rows() -> Value {
    json!([
        {"line": 2, "cells": ["KH-8001", "福州恒信贸易有限公司", usci(801), "¥1,200,000.00", "60", "2010年5月1日"]},
        {"line": 3, "cells": ["01.002.0003", "厦门港务物流有限公司", usci(802), "(0)", "30", "2015/3/1"]}
    ])
}

#[tokio::test]
async fn an_admin_imports_customers_with_their_credit_lines_and_the_same_file_again_changes_nothing()
 {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);

    // Act
    let dry = admin
        .post("/v1/imports/customers", batch(two_rows(), true))
        .await;
    let absent = admin.get("/v1/customers/KH-8001").await;
    let done = admin
        .post("/v1/imports/customers", batch(two_rows(), false))
        .await;
    let again = admin
        .post("/v1/imports/customers", batch(two_rows(), false))
        .await;
    let mut changed = two_rows();
    changed[0]["cells"][3] = json!("1,500,000");
    let edited = admin
        .post("/v1/imports/customers", batch(changed, false))
        .await;

    // Assert
    assert_eq!(
        dry.assert_status(200)["counts"]["created"],
        2,
        "{}",
        dry.body
    );
    absent.problem(404);
    assert_eq!(
        done.assert_status(200)["counts"]["created"],
        2,
        "{}",
        done.body
    );
    assert_eq!(
        again.assert_status(200)["counts"]["unchanged"],
        2,
        "{}",
        again.body
    );
    let edited = edited.assert_status(200);
    assert_eq!(edited["counts"]["updated"], 1, "{edited}");
    assert_eq!(edited["counts"]["unchanged"], 1, "{edited}");
    let file = admin.credit("KH-8001").await;
    assert_eq!(amount(&file["file"]["limit"]), amount(&money("1500000")));
    assert_eq!(file["file"]["terms_days"], 60);
    let dotted = admin.get("/v1/customers/01.002.0003").await;
    assert_eq!(dotted.assert_status(200)["master"]["founded"], "2015-03-01");
}

#[tokio::test]
async fn every_bad_row_is_named_by_line_and_column_and_the_good_ones_go_in() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let rows = json!([
        {"line": 2, "cells": ["KH-8101", "好客户有限公司", usci(811), "10000", "30", "2012-01-01"]},
        {"line": 3, "cells": ["KH-8102", "", usci(812), "lots", "30", "2026-02-30"]},
        {"line": 4, "cells": ["KH-8101", "重复客户有限公司", usci(813), "10000", "30", ""]},
        {"line": 5, "cells": ["=A1", "公式客户", "", "", "", ""]}
    ]);

    // Act
    let done = admin
        .post("/v1/imports/customers", batch(rows, false))
        .await;

    // Assert
    let done = done.assert_status(200);
    assert_eq!(done["counts"]["created"], 1, "{done}");
    assert_eq!(done["counts"]["errors"], 3, "{done}");
    let bad = &done["results"][1];
    assert_eq!(bad["line"], 3);
    let at: Vec<(Value, Value)> = bad["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["column"].clone(), i["field"].clone()))
        .collect();
    assert_eq!(
        at,
        [
            (json!(1), json!("name")),
            (json!(3), json!("limit")),
            (json!(5), json!("founded")),
        ]
    );
    assert_eq!(done["results"][2]["issues"][0]["code"], "conflict.exists");
    assert_eq!(done["results"][3]["issues"][0]["field"], "customer");
    admin.get("/v1/customers/KH-8101").await.assert_status(200);
}

#[tokio::test]
async fn risk_imports_master_data_but_only_an_admin_carries_credit_lines_over() {
    // Arrange
    let app = spawn_app().await;
    let risk = app.signed_in(Role::Risk);
    let master_only = json!({"mapping": ["customer", "name"], "rows": [
        {"line": 2, "cells": ["KH-8201", "风控导入有限公司"]}
    ]});

    // Act
    let with_limits = risk
        .post("/v1/imports/customers", batch(two_rows(), false))
        .await;
    let plain = risk.post("/v1/imports/customers", master_only).await;
    let by_sales = app
        .signed_in(Role::Sales)
        .post("/v1/imports/customers", batch(two_rows(), true))
        .await;

    // Assert
    assert_eq!(with_limits.problem(403)["code"], "forbidden.needs_approval");
    assert_eq!(plain.assert_status(200)["counts"]["created"], 1);
    by_sales.problem(403);
}

#[tokio::test]
async fn a_mapping_without_the_customer_column_or_with_a_field_twice_is_refused_naming_it() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let row = json!([{"line": 2, "cells": ["KH-1", "名"]}]);

    // Act
    let no_number = admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": [null, "name"], "rows": row}),
        )
        .await;
    let twice = admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "customer"], "rows": row}),
        )
        .await;
    let unknown = admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "nickname"], "rows": row}),
        )
        .await;
    let empty = admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "name"], "rows": []}),
        )
        .await;

    // Assert
    assert_eq!(no_number.problem(422)["errors"][0]["field"], "mapping");
    assert_eq!(twice.problem_field(), "mapping[1]");
    assert_eq!(unknown.problem_field(), "mapping[1]");
    assert_eq!(empty.problem_field(), "rows");
}
