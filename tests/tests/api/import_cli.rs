//! `credence-import`, the command-line importer, against the API served on a real port: it
//! reads a GBK CSV with the shared reader, posts it in batches, writes the rows in error to
//! its error file, and the same file again changes nothing.

use crate::helpers::*;
use credence_api::import_cli::{Options, run};
use credence_shared::import::{cells::DayOrder, columns::ImportKind};
use std::path::PathBuf;

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("credence-cli-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn the_command_line_importer_posts_a_gbk_customer_file_and_writes_its_error_file() {
    // Arrange: the app on a port, a customer file as Chinese Excel saves CSV.
    let app = spawn_app().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let router = app.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    let token = app.token_for("admin").await;
    let text = "客户编号,客户名称,信用额度,账期\r\nCLI-1,命令行甲有限公司,\"50,000\",30\r\nCLI-2,,100,30\r\nCLI-3,命令行丙有限公司,２０００,45\r\n";
    let file = temp("客户.csv", &encoding_rs::GBK.encode(text).0);
    let errors = file.with_extension("errors.csv");
    let options = Options {
        api: format!("http://{address}"),
        token: Some(token),
        credentials: None,
        kind: ImportKind::Customers,
        file,
        mapping: None,
        dry_run: false,
        day_order: DayOrder::DayFirst,
        encoding: None,
        errors: Some(errors.clone()),
        day: "20261203".into(),
    };

    // Act
    let first = run(&options).await.unwrap();
    let again = run(&options).await.unwrap();

    // Assert
    assert_eq!(first.counts.created, 2, "{first:?}");
    assert_eq!(first.counts.errors, 1, "{first:?}");
    assert_eq!(again.counts.unchanged, 2, "{again:?}");
    let error_file = std::fs::read_to_string(&errors).unwrap();
    assert!(error_file.starts_with('\u{feff}'), "a BOM for Excel");
    assert!(error_file.contains("CLI-2"), "{error_file}");
    let limit = app.signed_in(Role::Admin).credit("CLI-3").await;
    assert_eq!(amount(&limit["file"]["limit"]), amount(&money("2000")));
    let history = app.signed_in(Role::Admin).get("/v1/imports").await;
    let run = &history.assert_status(200)["items"][0];
    assert_eq!(
        run["batches"], 1,
        "the same file the same day is the same run: {run}"
    );
    assert_eq!(run["file_name"], "客户.csv");
}
