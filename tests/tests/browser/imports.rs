//! Bringing a company's own files in: an XLSX of customers with a Chinese header and a GBK
//! CSV of invoices and payments, through the mapping screen, the dry run, the commit with
//! its progress bar, and the same file again; then a sales rep finds an imported customer
//! on the phone with its imported limit.

use std::path::PathBuf;

use crate::helpers::{Browser, LAPTOP, PHONE, Result, check, with_browser};

/// A number no other test or run uses, so the files are new to the demo tenant.
fn unique() -> String {
    format!("{:06}", std::process::id() % 1_000_000)
}

fn write(name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("credence-import-{}", unique()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    std::fs::write(&path, bytes)?;
    Ok(path)
}

/// Customers as a Chinese ERP exports them: a title row, a Chinese header, the limit with
/// thousands separators, the owner the demo's sales rep; one row without a name.
fn customers_xlsx(tag: &str) -> Result<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.merge_range(0, 0, 0, 4, "客户信用额度表", &Format::new())?;
    let header = [
        "客户编号",
        "客户名称",
        "信用额度（元）",
        "账期(天)",
        "业务员",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(1, u16::try_from(c)?, *h)?;
    }
    let rows = [
        [
            format!("IMP{tag}-1"),
            "导入测试甲有限公司".to_owned(),
            "1,250,000".to_owned(),
            "60".to_owned(),
            "sales".to_owned(),
        ],
        [
            format!("IMP{tag}-2"),
            "导入测试乙有限公司".to_owned(),
            "300000".to_owned(),
            "30".to_owned(),
            "sales".to_owned(),
        ],
        [
            format!("IMP{tag}-3"),
            String::new(),
            "1000".to_owned(),
            "30".to_owned(),
            "sales".to_owned(),
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            sheet.write_string(u32::try_from(r)? + 2, u16::try_from(c)?, cell)?;
        }
    }
    Ok(book.save_to_buffer()?)
}

/// Invoices and payments in GBK with a customer column the guess does not know (往来户).
fn ledger_csv(tag: &str) -> Vec<u8> {
    let text = format!(
        "往来户,单据类型,单据号,日期,到期日,金额,核销发票\r\n\
         IMP{tag}-1,发票,FP{tag}-1,2026/10/8,2026/11/8,\"80,000.00\",\r\n\
         IMP{tag}-1,收款,SK{tag}-1,2026/11/2,,-30000,FP{tag}-1\r\n\
         IMP{tag}-1,发票,FP{tag}-2,2026/11/3,2026/12/3,\"10,000.00\",\r\n\
         IMP{tag}-1,收款,SK{tag}-2,2026/11/20,,-10000,FP{tag}-2\r\n"
    );
    encoding_rs::GBK.encode(&text).0.into_owned()
}

/// Picks `path` in the file field, as a person choosing it in the file dialog.
async fn pick(browser: &Browser, path: &std::path::Path) -> Result {
    browser
        .visible("import-file")
        .await?
        .send_keys(&path.display().to_string())
        .await?;
    Ok(())
}

#[tokio::test]
async fn an_admin_imports_customers_and_their_ledger_and_a_rep_finds_one_on_the_phone() {
    let tag = unique();
    let xlsx = write("客户.xlsx", &customers_xlsx(&tag).expect("an xlsx")).expect("a file");
    let csv = write("往来明细.csv", &ledger_csv(&tag)).expect("a file");
    with_browser(LAPTOP, async |browser| -> Result {
        // Arrange
        browser.sign_in("admin", "demo").await?;
        browser.open("/imports").await?;

        // Act: the customer file maps itself; the dry run finds the row without a name.
        pick(browser, &xlsx).await?;
        browser.visible("import-mapping").await?;
        let local = browser.visible("import-local").await?.text().await?;
        check!(
            local.contains('2') && local.contains('1'),
            "two rows read, one error: {local}"
        );
        browser.tap("import-dry-run").await?;
        let dry = browser.visible("import-dry").await?.text().await?;
        check!(dry.contains("2"), "the dry run should create two: {dry}");
        browser.screenshot("import-mapping").await?;
        browser.tap("import-error-file").await?;
        browser.tap("import-commit").await?;
        browser
            .eventually("the commit to finish", || async {
                let counts = browser.visible("import-counts").await?.text().await?;
                Ok((counts.contains("新增 2") || counts.contains("Created 2")).then_some(()))
            })
            .await?;
        browser.screenshot("import-progress").await?;

        // The same file again changes nothing.
        browser.open("/imports").await?;
        pick(browser, &xlsx).await?;
        browser.tap("import-commit").await?;
        browser.visible("import-nothing-changed").await?;

        // The ledger file: GBK, one column mapped by hand (the page then reads the file
        // again: past the first three rows it kept only the columns it had mapped).
        browser.open("/imports").await?;
        browser.choose("import-kind", "ledger").await?;
        pick(browser, &csv).await?;
        browser.visible("import-missing").await?;
        browser.choose("map-0", "customer").await?;
        browser.tap("import-commit").await?;
        browser
            .eventually("the ledger commit to finish", || async {
                let counts = browser.visible("import-counts").await?.text().await?;
                Ok((counts.contains("新增 4") || counts.contains("Created 4")).then_some(()))
            })
            .await?;
        let history = browser.visible("import-history").await?.text().await?;
        check!(
            history.contains("往来明细.csv"),
            "the history lists the file: {history}"
        );

        // The customer list goes out to Excel from its page, without an error.
        browser.open("/").await?;
        browser.tap("export-customers-xlsx").await?;
        browser
            .eventually("the export to finish", || async {
                let busy = browser
                    .js("return document.querySelector('[data-testid=\"export-customers-xlsx\"]').disabled")
                    .await?;
                Ok((busy == serde_json::json!(false)).then_some(()))
            })
            .await?;
        let failed = browser.texts("[data-testid=\"export-customers\"] [role=\"alert\"]").await?;
        check!(failed.is_empty(), "the export failed: {failed:?}");

        // Assert
        let file = browser
            .api_get(&format!("/v1/customers/IMP{tag}-1/credit"))
            .await?;
        check!(
            file["exposure"]["open_receivables"]["amount"] == "50000.00"
                || file["exposure"]["open_receivables"]["amount"] == "50000",
            "90,000 invoiced less 40,000 paid: {}",
            file["exposure"]["open_receivables"]
        );
        Ok(())
    })
    .await;
    with_browser(PHONE, async |browser| -> Result {
        // The mapping and check on a phone: the same file, already imported, changes nothing.
        browser.sign_in("admin", "demo").await?;
        browser.open("/imports").await?;
        pick(browser, &xlsx).await?;
        browser.tap("import-dry-run").await?;
        let dry = browser.visible("import-dry").await?.text().await?;
        check!(
            dry.contains("无变化 2"),
            "nothing new the second time: {dry}"
        );
        browser.fits_the_width("the import screen").await?;
        browser.scroll_to("import-mapping").await?;
        browser.screenshot("import-mapping").await?;
        browser.tap("import-commit").await?;
        browser.visible("import-nothing-changed").await?;
        browser.screenshot("import-progress").await?;
        Ok(())
    })
    .await;
    with_browser(PHONE, async |browser| -> Result {
        // Act
        browser.sign_in("sales", "demo").await?;
        browser.open(&format!("/customers/IMP{tag}-1")).await?;

        // Assert
        let limit = browser.visible("position-limit").await?.text().await?;
        check!(
            limit.contains("1,250,000"),
            "the imported limit on the card: {limit}"
        );
        browser.screenshot("import-found-on-phone").await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn an_import_stopped_half_way_goes_on_from_the_next_batch() {
    // Arrange: a file of two batches, and this browser's record that the first went in
    // before the tab was closed.
    let tag = format!("R{}", unique());
    let mut text = String::from("客户编号,客户名称\r\n");
    for i in 0..600 {
        text.push_str(&format!("{tag}-{i:03},续传测试{i:03}有限公司\r\n"));
    }
    let bytes = text.into_bytes();
    let sha = credence_shared::import::batch::sha256_hex(&bytes);
    let csv = write("续传.csv", &bytes).expect("a file");
    with_browser(LAPTOP, async |browser| -> Result {
        browser.sign_in("admin", "demo").await?;
        browser.open("/imports").await?;
        let saved = serde_json::json!({
            "run": format!("resume-{tag}"), "kind": "customers", "file_name": "续传.csv",
            "next_batch": 1, "batches": 2, "rows_done": 500,
            "counts": {"created": 500, "updated": 0, "unchanged": 0, "errors": 0}
        });
        browser
            .js(&format!(
                "localStorage.setItem('credence.import.{sha}', {}); return true;",
                serde_json::to_string(&saved.to_string())?
            ))
            .await?;
        browser.open("/imports").await?;

        // Act
        let notice = browser.visible("import-unfinished").await?.text().await?;
        pick(browser, &csv).await?;
        let button = browser.visible("import-commit").await?.text().await?;
        browser.tap("import-commit").await?;
        browser
            .eventually("the second batch to go in", || async {
                let counts = browser.visible("import-counts").await?.text().await?;
                Ok(counts.contains("新增 600").then_some(()))
            })
            .await?;

        // Assert: only the second batch was sent.
        check!(
            notice.contains("续传.csv"),
            "the unfinished import is named: {notice}"
        );
        check!(button.contains("继续"), "the button resumes: {button}");
        let late = browser.api_get(&format!("/v1/customers/{tag}-550")).await?;
        check!(
            late["name"] == "续传测试550有限公司",
            "row 550 is in: {late}"
        );
        let early = browser.api_get(&format!("/v1/customers/{tag}-010")).await;
        check!(
            early.as_ref().is_err_and(|e| e.to_string().contains("404")),
            "row 10 was in the first batch, which this run did not send again: {early:?}"
        );
        browser.screenshot("import-resumed").await?;
        Ok(())
    })
    .await;
}
