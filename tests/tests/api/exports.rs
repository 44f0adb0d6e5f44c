//! Lists go out as the reader sees them: XLSX with real numbers and dates that a spreadsheet
//! reads back, CSV with a BOM and formula-looking cells neutralised, a sales rep's export
//! holding only their own customers.

use crate::helpers::*;
use credence_shared::import::file::read_file;
use serde_json::json;

async fn bytes_of(app: &TestApp, role: Role, path: &str) -> (u16, String, Vec<u8>) {
    app.signed_in(role).get_bytes(path).await
}

#[tokio::test]
async fn customers_export_as_a_workbook_with_numbers_and_a_rep_sees_only_their_own() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);
    let imported = admin
        .post(
            "/v1/imports/customers",
            json!({"mapping": ["customer", "name", "limit", "owner"], "rows": [
                {"line": 2, "cells": ["EXP-1", "恶意公式有限公司", "12,345.60", "sales"]},
                {"line": 3, "cells": ["EXP-2", "别人的客户有限公司", "1000", "risk"]}
            ]}),
        )
        .await;
    assert_eq!(
        imported.assert_status(200)["counts"]["created"],
        2,
        "{}",
        imported.body
    );
    // A name an API client sent as it was typed: it must not become a formula in Excel.
    admin
        .put(
            "/v1/customers/EXP-1",
            json!({"version": 1, "name": "=恶意公式有限公司", "owner": "sales"}),
        )
        .await
        .assert_status(200);

    // Act
    let (status, content_type, xlsx) = bytes_of(&app, Role::Admin, "/v1/exports/customers").await;
    let (_, _, csv) = bytes_of(&app, Role::Admin, "/v1/exports/customers?format=csv").await;
    let (_, _, mine) = bytes_of(
        &app,
        Role::Sales,
        "/v1/exports/customers?format=csv&lang=en",
    )
    .await;

    // Assert
    assert_eq!(status, 200);
    assert!(content_type.contains("spreadsheetml"), "{content_type}");
    let sheet = read_file(&xlsx, None).unwrap();
    assert_eq!(sheet.headers[0], "客户编号");
    let row = sheet
        .rows
        .iter()
        .find(|r| r.cells.get(0) == Some("EXP-1"))
        .expect("EXP-1 exported");
    assert_eq!(
        row.cells.get(5),
        Some("12345.6"),
        "the limit is a number cell"
    );
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("'=恶意公式有限公司"), "{csv}");
    let mine = String::from_utf8(mine).unwrap();
    assert!(mine.contains("Customer number"));
    assert!(mine.contains("EXP-1"));
    assert!(!mine.contains("EXP-2"), "another rep's customer: {mine}");
}

#[tokio::test]
async fn an_export_refuses_an_unknown_list_or_format_and_open_items_without_a_customer() {
    // Arrange
    let app = spawn_app().await;
    let admin = app.signed_in(Role::Admin);

    // Act
    let unknown = admin.get("/v1/exports/suppliers").await;
    let format = admin.get("/v1/exports/customers?format=pdf").await;
    let no_customer = admin.get("/v1/exports/open_items").await;
    let by_sales = app.signed_in(Role::Sales).get("/v1/exports/aging").await;
    let (status, _, aging) = bytes_of(&app, Role::Risk, "/v1/exports/aging?format=csv").await;
    let (kpi_status, _, _) = bytes_of(&app, Role::Finance, "/v1/exports/kpis").await;

    // Assert
    unknown.problem(404);
    assert_eq!(format.problem_field(), "format");
    assert_eq!(no_customer.problem_field(), "customer");
    by_sales.problem(403);
    assert_eq!(status, 200);
    assert!(String::from_utf8(aging).unwrap().contains("逾期合计"));
    assert_eq!(kpi_status, 200);
}

#[tokio::test]
async fn a_template_comes_back_filled_in_and_maps_itself() {
    // Arrange
    let app = spawn_app().await;

    // Act
    let (status, _, zh) = app
        .signed_in(Role::Finance)
        .get_bytes("/v1/imports/templates/ledger")
        .await;
    let (_, _, en) = app
        .signed_in(Role::Finance)
        .get_bytes("/v1/imports/templates/customers?lang=en")
        .await;
    let by_sales = app
        .signed_in(Role::Sales)
        .get("/v1/imports/templates/customers")
        .await;

    // Assert
    assert_eq!(status, 200);
    let zh = read_file(&zh, None).unwrap();
    assert_eq!(zh.headers[..3], ["客户编号", "单据类型", "单据号"]);
    let en = read_file(&en, None).unwrap();
    let kind = credence_shared::import::columns::ImportKind::Customers;
    let guessed = credence_shared::import::columns::guess(kind, &en.headers);
    assert!(guessed.iter().all(Option::is_some), "{:?}", en.headers);
    by_sales.problem(403);
}
