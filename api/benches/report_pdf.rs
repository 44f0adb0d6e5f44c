//! The credit report's PDF: time to lay out and write a full report (every section, six
//! tables of 25 rows of Chinese text, two charts), its size, and the size of the embedded
//! font subset; and the same for a dunning letter of 30 overdue invoices. No DynamoDB: the report's data gathering is the same reads the credit file
//! page makes.
//!
//! Run: `cargo bench -p credence-api --bench report_pdf` (needs Debian's fonts-noto-cjk,
//! which `cargo xtask test` installs).

use std::time::Instant;

use credence_shared::report::{
    Block, Chart, Column, Doc, Fact, Lang, Section, Series, Table, Tone,
};
use rust_decimal::Decimal;

fn full_report() -> Doc {
    let facts = |n: usize| {
        Block::Facts(
            (0..n)
                .map(|i| Fact {
                    label: format!("指标 {i} 逾期金额"),
                    value: format!("¥{},{:03}.00", 100 + i, i * 7),
                    tone: if i % 4 == 0 { Tone::Bad } else { Tone::Plain },
                })
                .collect(),
        )
    };
    let table = |title: &str| {
        Block::Table(Table {
            columns: vec![
                Column::text("日期", 2),
                Column::text(title, 5),
                Column::number("金额", 3),
                Column::text("状态", 2),
            ],
            rows: (0..25)
                .map(|i| {
                    vec![
                        format!("2026-{:02}-{:02}", i % 12 + 1, i % 28 + 1),
                        format!("上海博远贸易有限公司 买卖合同纠纷 (2026)沪0115民初{i}号 已电话联系财务，承诺下周付款"),
                        format!("¥{},{:03}.50", 10 + i, i * 13),
                        "未结".to_owned(),
                    ]
                })
                .collect(),
            empty: "无".into(),
        })
    };
    let chart = |title: &str| {
        Block::Chart(Chart {
            title: title.into(),
            labels: (1..=12).map(|m| format!("2026-{m:02}")).collect(),
            series: vec![Series {
                name: title.into(),
                values: (0..12)
                    .map(|i| Some(Decimal::from(560 + (i * 7) % 40)))
                    .collect(),
            }],
        })
    };
    let sections = vec![
        Section {
            title: "基本信息".into(),
            blocks: vec![facts(9)],
        },
        Section {
            title: "评分与等级".into(),
            blocks: vec![facts(6), table("主要原因")],
        },
        Section {
            title: "额度、条件与占用".into(),
            blocks: vec![facts(15)],
        },
        Section {
            title: "付款表现".into(),
            blocks: vec![
                facts(13),
                chart("评分趋势"),
                chart("付款指数趋势"),
                table("月份"),
            ],
        },
        Section {
            title: "被拦截的订单与发货".into(),
            blocks: vec![table("订单")],
        },
        Section {
            title: "预警".into(),
            blocks: vec![table("规则")],
        },
        Section {
            title: "催收记录".into(),
            blocks: vec![table("内容")],
        },
        Section {
            title: "外部信息".into(),
            blocks: vec![table("内容")],
        },
    ];
    Doc {
        lang: Lang::ZhCn,
        title: "信用报告 · 上海博远贸易有限公司".into(),
        subtitle: "客户编号 KH-10001 · 统一社会信用代码 91350100M000100Y43 · 数据截至 2026-12-05"
            .into(),
        notice: Some("本报告是审批时的存档".into()),
        sections,
        footer: "Credence · 上海博远贸易有限公司 · 2026-12-05 · 内部资料，注意保密".into(),
    }
}

/// The bytes of the embedded font programs (`FontFile2`/`FontFile3` streams).
fn font_bytes(pdf: &[u8]) -> usize {
    let Ok(doc) = lopdf::Document::load_mem(pdf) else {
        return 0;
    };
    let mut total = 0;
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        for key in [
            b"FontFile2".as_slice(),
            b"FontFile3".as_slice(),
            b"FontFile".as_slice(),
        ] {
            if let Ok(reference) = dict.get(key).and_then(|o| o.as_reference())
                && let Ok(stream) = doc.get_object(reference).and_then(|o| o.as_stream())
            {
                total += stream.content.len();
            }
        }
    }
    total
}

/// A payment reminder of 30 overdue invoices, laid out as the delivery worker does.
fn reminder() -> Doc {
    use credence_shared::watch::{Letter, LetterKind, LetterLine, LetterSettings, letter_total};
    use credence_shared::{Currency, CustomerId, Money};
    let cny = |n: i64| Money::new(Decimal::from(n), Currency::CNY);
    let day = time::Date::from_calendar_date(2026, time::Month::December, 5).expect("a day");
    let lines: Vec<LetterLine> = (0..30)
        .map(|i| LetterLine {
            invoice: format!("FP-2026-{i:05}"),
            issued: day - time::Duration::days(90 - i),
            due: day - time::Duration::days(60 - i),
            amount: cny(10_000 + i * 137),
            open: cny(9_000 + i * 137),
            disputed: if i % 7 == 0 { cny(500) } else { cny(0) },
            days: 60 - i,
        })
        .collect();
    let at = day.midnight().assume_utc();
    let mut letter = Letter::pending(
        "L1796464545e5a27012".into(),
        CustomerId::parse("KH-10001").expect("an id"),
        LetterKind::Reminder,
        Lang::ZhCn,
        (&[], Currency::CNY),
        "system",
        at,
    );
    letter.total = letter_total(&lines, Currency::CNY);
    letter.lines = lines;
    let to = credence_shared::report::Addressee {
        name: "上海博远贸易有限公司".into(),
        number: "KH-10001".into(),
        address: Some("上海市浦东新区张江路 88 号".into()),
        attention: Some("周会计".into()),
    };
    let settings = LetterSettings {
        sender: "信达贸易（深圳）有限公司".into(),
        reply_to: "ar@xinda.example".into(),
        phone: "0755-8888 0000".into(),
        payment_details: "招商银行深圳分行 · 信达贸易（深圳）有限公司 · 7559 0000 0000 0001".into(),
        lang: Lang::ZhCn,
    };
    credence_shared::report::letter(&letter, &to, &settings)
}

fn main() {
    measure(
        "credit report PDF (8 sections, 6 tables × 25 rows, 2 charts)",
        &full_report(),
    );
    measure(
        "payment reminder letter PDF (30 overdue invoices)",
        &reminder(),
    );
}

fn measure(what: &str, doc: &Doc) {
    let doc = doc.clone();
    // The first call reads the font files (once per process: the Lambda's cold start).
    let cold = Instant::now();
    let pdf = credence_api::pdf::pdf(&doc).expect("the report font (fonts-noto-cjk)");
    let cold = cold.elapsed();
    let mut times = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let _ = credence_api::pdf::pdf(&doc).expect("a PDF");
        times.push(started.elapsed());
    }
    times.sort();
    let pages = pdf_extract::extract_text_from_mem(&pdf)
        .map(|t| t.matches(" / ").count())
        .unwrap_or(0);
    println!("{what}:");
    println!(
        "  first call (the process's first also reads the fonts): {:.0} ms",
        cold.as_secs_f64() * 1e3
    );
    println!(
        "  warm: median {:.0} ms, slowest {:.0} ms (20 runs)",
        times[times.len() / 2].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    println!("  size: {} bytes, about {pages} pages", pdf.len());
    println!("  embedded font subsets: {} bytes", font_bytes(&pdf));
}
