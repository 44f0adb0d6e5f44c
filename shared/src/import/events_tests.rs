//! Reading ledger, open-item, rate and signal rows as people's exports write them.

use super::*;
use crate::import::columns::{ImportKind, guess};
use time::macros::date;

fn options() -> ReadOptions {
    ReadOptions {
        day_order: DayOrder::DayFirst,
        currency: Currency::parse("CNY").unwrap(),
        today: date!(2026 - 12 - 03),
    }
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| (*s).to_owned()).collect()
}

fn ledger_header() -> Vec<String> {
    strings(&[
        "客户编号",
        "单据类型",
        "单据号",
        "日期",
        "到期日",
        "金额",
        "核销发票",
    ])
}

fn ledger(cells: &[&str]) -> Result<IncomingEvent, Vec<RowIssue>> {
    let mapping = guess(ImportKind::Ledger, &ledger_header());
    ledger_row(&mapping, &strings(cells), &options())
}

#[test]
fn an_invoice_row_becomes_an_invoice_keyed_by_its_number() {
    // Act
    let e = ledger(&[
        "KH-1",
        "销售发票",
        "INV-9",
        "2026/11/5",
        "2026-12-05",
        "¥1,200.50",
        "",
    ])
    .unwrap();

    // Assert
    assert_eq!(e.idempotency_key, "imp:inv:KH-1:INV-9");
    assert_eq!(e.date, date!(2026 - 11 - 05));
    let LedgerEvent::Invoice {
        due_date, amount, ..
    } = e.event
    else {
        panic!("not an invoice: {:?}", e.event)
    };
    assert_eq!(due_date, date!(2026 - 12 - 05));
    assert_eq!(amount.amount.to_string(), "1200.50");
}

#[test]
fn a_negative_payment_is_read_by_its_size_and_settles_the_invoice_it_names() {
    // Act
    let e = ledger(&["KH-1", "收款", "R-7", "2026-11-20", "", "(300.00)", "INV-9"]).unwrap();

    // Assert
    let LedgerEvent::Payment {
        payment,
        amount,
        allocations,
    } = e.event
    else {
        panic!("not a payment")
    };
    assert_eq!(payment.as_str(), "R-7/INV-9");
    assert_eq!(amount.amount.to_string(), "300.00");
    assert_eq!(allocations[0].invoice.as_str(), "INV-9");
    assert_eq!(e.idempotency_key, "imp:pay:KH-1:R-7/INV-9");
}

#[test]
fn a_negative_invoice_is_a_credit_note_against_the_invoice_it_names() {
    // Act
    let e = ledger(&[
        "KH-1",
        "invoice",
        "INV-10",
        "2026-11-21",
        "",
        "-50",
        "INV-9",
    ])
    .unwrap();

    // Assert
    assert!(matches!(
        e.event,
        LedgerEvent::CreditNote { reason: CreditReason::Other, invoice: Some(ref i), .. } if i.as_str() == "INV-9"
    ));
}

#[test]
fn every_problem_of_a_ledger_row_is_named_by_its_column() {
    // Act
    let issues = ledger(&["", "gift", "INV-1", "2026-13-01", "", "=A1*2", ""]).unwrap_err();

    // Assert
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["customer", "type", "date", "amount"]);
    assert_eq!(issues[1].column, Some(1));
}

#[test]
fn an_invoice_without_a_due_date_and_a_write_off_without_its_invoice_are_refused() {
    // Act
    let invoice = ledger(&["KH-1", "发票", "INV-1", "2026-11-01", "", "10", ""]).unwrap_err();
    let write_off = ledger(&["KH-1", "坏账", "WO-1", "2026-11-01", "", "10", ""]).unwrap_err();

    // Assert
    assert_eq!(invoice[0].field, "due");
    assert_eq!(write_off[0].field, "applies_to");
}

#[test]
fn a_document_number_that_is_not_key_characters_gets_a_digest_key_that_is_stable() {
    // Act
    let a = ledger(&[
        "客户一",
        "发票",
        "发票-一",
        "2026-11-01",
        "2026-12-01",
        "10",
        "",
    ])
    .unwrap();
    let b = ledger(&[
        "客户一",
        "发票",
        "发票-一",
        "2026-11-01",
        "2026-12-01",
        "10",
        "",
    ])
    .unwrap();

    // Assert
    assert!(
        valid_idempotency_key(&a.idempotency_key),
        "{}",
        a.idempotency_key
    );
    assert_eq!(a.idempotency_key, b.idempotency_key);
    assert!(a.idempotency_key.contains("::"));
}

#[test]
fn an_open_item_is_an_invoice_for_what_is_open_and_a_settled_one_is_refused() {
    // Arrange
    let header = strings(&[
        "客户编号",
        "发票号",
        "开票日期",
        "到期日",
        "未收金额",
        "币种",
    ]);
    let mapping = guess(ImportKind::OpenItems, &header);

    // Act
    let open = open_item_row(
        &mapping,
        &strings(&[
            "KH-2",
            "F-1",
            "2026年10月1日",
            "2026年10月31日",
            "5,000",
            "USD",
        ]),
        &options(),
    )
    .unwrap();
    let settled = open_item_row(
        &mapping,
        &strings(&["KH-2", "F-2", "2026-10-01", "2026-10-31", "0", ""]),
        &options(),
    )
    .unwrap_err();

    // Assert
    let LedgerEvent::Invoice { amount, .. } = open.event else {
        panic!()
    };
    assert_eq!(amount.currency.as_str(), "USD");
    assert_eq!(open.idempotency_key, "imp:inv:KH-2:F-1");
    assert_eq!(settled[0].code, code::NUMBER_NOT_POSITIVE);
}

#[test]
fn a_future_ledger_date_is_outside_the_window() {
    // Act
    let issues = ledger(&["KH-1", "订单", "SO-1", "2027-01-01", "", "10", ""]).unwrap_err();

    // Assert
    assert_eq!(issues[0].field, "date");
}

#[test]
fn a_rate_row_and_a_signal_row_read_in_chinese() {
    // Arrange
    let rates = guess(
        ImportKind::ExchangeRates,
        &strings(&["原币", "本位币", "汇率日期", "汇率"]),
    );
    let signals = guess(
        ImportKind::Signals,
        &strings(&["客户编号", "类型", "日期", "来源", "摘要"]),
    );

    // Act
    let rate = fx_row(
        &rates,
        &strings(&["USD", "CNY", "2026/11/30", "7.1234"]),
        &options(),
    )
    .unwrap();
    let same = fx_row(
        &rates,
        &strings(&["CNY", "RMB", "2026/11/30", "1"]),
        &options(),
    )
    .unwrap_err();
    let (who, signal) = signal_row(
        &signals,
        &strings(&[
            "KH-3",
            "失信被执行人",
            "2026-11-02",
            "中国执行信息公开网",
            "列入失信名单",
        ]),
        &options(),
    )
    .unwrap();

    // Assert
    assert_eq!(rate.rate.to_string(), "7.1234");
    assert_eq!(same[0].field, "to");
    assert_eq!(who, "KH-3");
    assert_eq!(signal.kind, SignalKind::EnforcementList);
    assert!(signal.idempotency_key.starts_with("imp:sig:KH-3:"));
}

#[test]
fn a_signal_row_carries_its_case_its_status_and_a_rating_off_the_scale_is_named_by_column() {
    // Arrange
    let header = strings(&[
        "客户编号",
        "类型",
        "日期",
        "来源",
        "摘要",
        "案号",
        "法院",
        "涉案金额",
        "状态",
        "评级机构",
        "评级",
    ]);
    let mapping = guess(ImportKind::Signals, &header);

    // Act
    let (_, suit) = signal_row(
        &mapping,
        &strings(&[
            "KH-3",
            "诉讼",
            "2026-10-02",
            "企查查",
            "买卖合同纠纷",
            "(2026)沪0115民初1234号",
            "浦东法院",
            "120,000",
            "已结案",
            "",
            "",
        ]),
        &options(),
    )
    .unwrap();
    let rating = signal_row(
        &mapping,
        &strings(&[
            "KH-3",
            "评级",
            "2026-10-02",
            "中诚信",
            "",
            "",
            "",
            "",
            "",
            "中诚信",
            "12",
        ]),
        &options(),
    )
    .unwrap_err();

    // Assert
    assert_eq!(suit.case_number.as_deref(), Some("(2026)沪0115民初1234号"));
    assert_eq!(suit.status, SignalStatus::Closed);
    assert_eq!(
        suit.amount.map(|m| m.amount.to_string()),
        Some("120000".into())
    );
    assert_eq!(
        rating.iter().map(|i| i.field.as_str()).collect::<Vec<_>>(),
        ["class"]
    );
}
