//! Memory and time to read a big spreadsheet with the shared reader — what the browser and
//! the command-line importer run on a dropped file — and to plan its batches.
//!
//! Writes (once, into the bench's temporary directory) an XLSX receivables ledger export of
//! `BIG_FILE_ROWS` rows (default 1,000,000: a sheet holds at most 1,048,576) in the sixteen
//! columns an ERP writes (customer number and name, type, document, date and due date as
//! date cells, amounts as numbers, currency, the invoice a payment settles, sales rep,
//! department, voucher, net and tax, project, remark) — about 100 MB — then
//! reads it in a fresh process (this program again, with `--read`) so the peak resident
//! memory it prints (`VmHWM`) is the reader's alone: from the bytes in memory whole, and
//! keeping the columns an import maps (what the browser does; `shared::import::keep`), and
//! from the disk keeping the mapped columns (what `credence-import` does: the workbook is
//! unzipped as it is read, its bytes never all in memory).
//!
//! Run: `cargo bench -p credence-api --bench big_file`.

use credence_shared::import::batch::BatchRow;
use credence_shared::import::keep::{Keep, mapped_names};
use credence_shared::import::{
    cells::DayOrder,
    columns::ImportKind,
    file::{read_file, read_file_keeping, read_from},
    plan,
};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use std::path::{Path, PathBuf};
use std::time::Instant;

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Columns of the export: what an ERP's receivables ledger writes, of which an import maps
/// seven.
const HEADERS: [&str; 16] = [
    "客户编号",
    "客户名称",
    "类型",
    "单据号",
    "日期",
    "到期日",
    "金额",
    "币种",
    "核销发票",
    "销售员",
    "部门",
    "凭证号",
    "未税金额",
    "税额",
    "项目",
    "摘要",
];

fn write_ledger(path: &Path, rows: usize) -> anyhow::Result<()> {
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    // Strings in the shared-string table, as Excel writes them (calamine holds that table
    // while it reads).
    let sheet = book.add_worksheet();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(0, u16::try_from(c)?, *h)?;
    }
    for i in 0..rows {
        let r = u32::try_from(i + 1)?;
        let pair = i / 2;
        let customer = pair % 30_000;
        let day = u8::try_from(1 + pair % 28)?;
        let month = u8::try_from(1 + (pair / 28) % 9)?;
        let invoice = format!("INV-{pair:08}");
        let amount = f64::from(u32::try_from(1_000 + (pair % 97) * 113)?);
        let (kind, document, on, due, signed, settles) = if i % 2 == 0 {
            (
                "发票",
                invoice.clone(),
                month,
                Some(month + 1),
                amount,
                None,
            )
        } else {
            (
                "收款",
                format!("RC-{pair:08}"),
                month + 1,
                None,
                -amount,
                Some(invoice),
            )
        };
        sheet.write_string(r, 0, format!("BK-{customer:06}"))?;
        sheet.write_string(r, 1, format!("压测客户{customer:06}贸易有限公司"))?;
        sheet.write_string(r, 2, kind)?;
        sheet.write_string(r, 3, document)?;
        sheet.write_datetime_with_format(r, 4, ExcelDateTime::from_ymd(2026, on, day)?, &date)?;
        if let Some(due) = due {
            sheet.write_datetime_with_format(
                r,
                5,
                ExcelDateTime::from_ymd(2026, due, day)?,
                &date,
            )?;
        }
        sheet.write_number(r, 6, signed)?;
        sheet.write_string(r, 7, "CNY")?;
        if let Some(settles) = settles {
            sheet.write_string(r, 8, settles)?;
        }
        sheet.write_string(r, 9, format!("销售{:02}", customer % 40))?;
        sheet.write_string(r, 10, format!("华东{}部", customer % 7))?;
        sheet.write_string(r, 11, format!("记-{:06}", i % 999_983))?;
        sheet.write_number(r, 12, (signed / 1.13 * 100.0).round() / 100.0)?;
        sheet.write_number(r, 13, (signed * 13.0 / 113.0 * 100.0).round() / 100.0)?;
        sheet.write_string(r, 14, format!("项目{}", pair % 211))?;
        sheet.write_string(r, 15, format!("{kind} {pair} 月结"))?;
    }
    book.save(path)?;
    Ok(())
}

/// Peak resident memory of this process, in MB.
fn peak_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn read(path: &Path, mode: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    let from_disk = mode == "disk";
    let bytes = if from_disk {
        Vec::new()
    } else {
        std::fs::read(path)?
    };
    let size = std::fs::metadata(path)?.len() as f64 / 1e6;
    let fields = [
        "customer",
        "",
        "type",
        "document",
        "date",
        "due",
        "amount",
        "currency",
        "applies_to",
    ];
    let mapping: Vec<Option<String>> = fields
        .iter()
        .map(|m| (!m.is_empty()).then(|| (*m).to_owned()))
        .collect();
    let mapped = |headers: &[String]| mapped_names(headers, &mapping);
    let keep = Keep {
        columns: Some(&mapped),
        lines: None,
    };
    let sheet = match mode {
        "disk" => read_from(
            std::io::BufReader::new(std::fs::File::open(path)?),
            None,
            keep,
        )?,
        "mapped" => read_file_keeping(&bytes, None, keep)?,
        _ => read_file(&bytes, None)?,
    };
    let reading_mb = peak_mb();
    drop(bytes);
    let read_s = started.elapsed().as_secs_f64();
    let rows = sheet.rows.len();
    let batches = plan::batches(
        ImportKind::Ledger,
        &mapping,
        DayOrder::DayFirst,
        &sheet.rows,
    );
    // The first batch as it goes on the wire.
    let first: Vec<BatchRow> = batches[0]
        .iter()
        .map(|&i| BatchRow {
            line: sheet.rows[i].line,
            cells: sheet.rows[i].cells.to_vec(),
        })
        .collect();
    assert!(!first.is_empty());
    println!(
        "read {size:.1} MB XLSX{}: {rows} rows in {read_s:.1} s (peak resident memory {reading_mb:.0} MB); planned {} batches in {:.1} s; peak resident memory {:.0} MB",
        match mode {
            "disk" => " from the disk, the seven mapped columns kept",
            "mapped" => " in memory, the seven mapped columns kept",
            _ => " in memory, whole",
        },
        batches.len(),
        started.elapsed().as_secs_f64() - read_s,
        peak_mb()
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--read") {
        return read(
            Path::new(&args[at + 1]),
            args.get(at + 2).map_or("whole", String::as_str),
        );
    }
    let rows = env_or("BIG_FILE_ROWS", 1_000_000);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("ledger-{rows}.xlsx"));
    if !path.exists() {
        let started = Instant::now();
        write_ledger(&path, rows)?;
        println!(
            "wrote {} in {:.0} s",
            path.display(),
            started.elapsed().as_secs_f64()
        );
    }
    for mode in ["whole", "mapped", "disk"] {
        let status = std::process::Command::new(std::env::current_exe()?)
            .arg("--read")
            .arg(&path)
            .arg(mode)
            .status()?;
        anyhow::ensure!(status.success(), "the reader failed: {status}");
    }
    Ok(())
}
