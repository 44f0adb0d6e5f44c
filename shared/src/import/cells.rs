//! Reading a cell the way a person reads it: amounts written `1,234.56`, `(1,234.56)`,
//! `-1,234.56`, `¥1,234.56`, `1234.56元`, `RMB 1,234.56` or in full-width digits; dates
//! written `2026-01-05`, `2026/1/5`, `2026年1月5日`, `20260105`, `05.01.2026` (with a chosen
//! day/month order) or as an Excel serial number; currencies written `CNY`, `RMB`, `人民币`,
//! `¥`, `USD`, `美元`, … Text is trimmed; an empty cell is `None`. The browser reads a file
//! with these functions as it is dropped, and the server reads every batch again with them.

use crate::Currency;
use rust_decimal::Decimal;
use std::str::FromStr;
use time::{Date, Duration, Month};

/// Why a cell could not be read (the row's error names its column and this).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CellError {
    #[error("not an amount")]
    Amount,
    #[error("not a date")]
    Date,
    #[error("not a currency code")]
    Currency,
    #[error("not yes or no")]
    YesNo,
    #[error("a formula, not its value: export the values")]
    Formula,
}

/// How a date whose year comes last is read: `05.01.2026` is 5 January (day first) or
/// 1 May (month first).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayOrder {
    #[default]
    DayFirst,
    MonthFirst,
}

/// Full-width forms (what Chinese input methods type: `１２３`, `，`, `．`, `－`, `￥`) as
/// ASCII (and `¥`), the ideographic full stop as `.`, and every kind of space as a plain one.
pub fn half_width(raw: &str) -> String {
    raw.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' | '\u{00A0}' | '\u{2007}' | '\u{202F}' => ' ',
            '￥' => '¥',
            '。' => '.',
            c => c,
        })
        .collect()
}

/// The cell's text, trimmed; `None` when empty. A cell that still holds a formula (`=SUM(…)`)
/// is an error: the file was saved without its values.
pub fn text(raw: &str) -> Result<Option<String>, CellError> {
    let t = raw.trim();
    if t.starts_with('=') && t.len() > 1 {
        return Err(CellError::Formula);
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

/// Currency marks an amount may carry, before or after the number.
const MARKS: [&str; 10] = ["CNY", "RMB", "USD", "HKD", "EUR", "元", "¥", "$", "€", "£"];

/// An amount as a person writes it; `None` for an empty cell (or a lone `-`).
pub fn amount(raw: &str) -> Result<Option<Decimal>, CellError> {
    let mut t = half_width(raw).trim().to_owned();
    if t.is_empty() || t == "-" {
        return Ok(None);
    }
    if t.starts_with('=') {
        return Err(CellError::Formula);
    }
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = t[1..t.len() - 1].trim().to_owned();
    }
    for mark in MARKS {
        t = t.replace(mark, "");
    }
    let mut t = t.trim().to_owned();
    if let Some(rest) = t.strip_prefix('-') {
        negative = !negative;
        t = rest.trim().to_owned();
    } else if let Some(rest) = t.strip_suffix('-') {
        // `1,234.56-`: some ERPs print credits with a trailing minus.
        negative = !negative;
        t = rest.trim().to_owned();
    }
    let digits: String = t
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '\''))
        .collect();
    let valid = !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && digits.chars().filter(|&c| c == '.').count() <= 1
        && digits.chars().any(|c| c.is_ascii_digit());
    if !valid {
        return Err(CellError::Amount);
    }
    let value = Decimal::from_str(&digits).map_err(|_| CellError::Amount)?;
    // `(0)` and `-0` are nothing owed either way: zero, not a negative zero.
    Ok(Some(if negative && !value.is_zero() {
        -value
    } else {
        value
    }))
}

/// Excel's day 0 (serial 1 is 1900-01-01, with Lotus's 29 February 1900 counted, so serials
/// from 61 on count from 1899-12-30).
const EXCEL_EPOCH: Date = time::macros::date!(1899 - 12 - 30);

/// A date from an Excel serial day number (`46027` is 2026-01-05; a time of day, the
/// fraction, is dropped before), for 1900-03-01 (61) up to 9999-12-31.
pub fn excel_serial(days: i64) -> Option<Date> {
    if !(61..=2_958_465).contains(&days) {
        return None;
    }
    EXCEL_EPOCH.checked_add(Duration::days(days))
}

fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
    let month = Month::try_from(u8::try_from(m).ok()?).ok()?;
    Date::from_calendar_date(y, month, u8::try_from(d).ok()?).ok()
}

/// A date as a person writes it; `None` for an empty cell.
pub fn date(raw: &str, order: DayOrder) -> Result<Option<Date>, CellError> {
    let t = half_width(raw).trim().to_owned();
    if t.is_empty() {
        return Ok(None);
    }
    if t.starts_with('=') {
        return Err(CellError::Formula);
    }
    // A date and a time (`2026-01-05 00:00:00`, `2026-01-05T08:00`): the date part.
    let t = t
        .split(['T', ' '])
        .next()
        .unwrap_or_default()
        .trim_end_matches('日');
    let parts: Vec<&str> = t
        .split(['-', '/', '.', '年', '月'])
        .filter(|p| !p.is_empty())
        .collect();
    let num = |s: &str| s.parse::<u32>().ok();
    let found = match parts.as_slice() {
        [whole] if whole.len() == 8 && whole.bytes().all(|b| b.is_ascii_digit()) => {
            let (y, rest) = whole.split_at(4);
            let (m, d) = rest.split_at(2);
            ymd(
                y.parse().ok().unwrap_or(0),
                num(m).unwrap_or(0),
                num(d).unwrap_or(0),
            )
        }
        // An Excel serial of five digits (1927 to 2173); `.` split its time of day off.
        [whole] | [whole, _] if whole.len() == 5 && whole.bytes().all(|b| b.is_ascii_digit()) => {
            whole.parse::<i64>().ok().and_then(excel_serial)
        }
        [a, b, c] if a.len() == 4 => ymd(
            a.parse().unwrap_or(0),
            num(b).unwrap_or(0),
            num(c).unwrap_or(0),
        ),
        [a, b, c] if c.len() == 4 => {
            let (d, m) = match order {
                DayOrder::DayFirst => (num(a), num(b)),
                DayOrder::MonthFirst => (num(b), num(a)),
            };
            ymd(c.parse().unwrap_or(0), m.unwrap_or(0), d.unwrap_or(0))
        }
        _ => None,
    };
    found.map(Some).ok_or(CellError::Date)
}

/// A currency as a person writes it (`CNY`, `rmb`, `人民币`, `¥`, `USD`, `美元`, `$`, …);
/// `None` for an empty cell.
pub fn currency(raw: &str) -> Result<Option<Currency>, CellError> {
    let t = half_width(raw).trim().to_uppercase();
    if t.is_empty() {
        return Ok(None);
    }
    let code = match t.as_str() {
        "RMB" | "人民币" | "¥" | "元" | "CN¥" => "CNY",
        "美元" | "$" | "US$" => "USD",
        "港币" | "港元" | "HK$" => "HKD",
        "欧元" | "€" => "EUR",
        "英镑" | "£" => "GBP",
        "日元" | "JP¥" => "JPY",
        other => other,
    };
    Currency::parse(code)
        .map(Some)
        .map_err(|_| CellError::Currency)
}

/// Yes or no as a person writes it (`是`/`否`, `Y`/`N`, `yes`/`no`, `true`/`false`, `1`/`0`,
/// `√`/`×`); `None` for an empty cell.
pub fn yes_no(raw: &str) -> Result<Option<bool>, CellError> {
    let t = half_width(raw).trim().to_lowercase();
    match t.as_str() {
        "" => Ok(None),
        "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "x" => Ok(Some(true)),
        "否" | "n" | "no" | "false" | "0" | "×" | "-" => Ok(Some(false)),
        _ => Err(CellError::YesNo),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_read_as_people_and_erps_write_them() {
        // Arrange
        let cases = [
            ("1,234.56", "1234.56"),
            ("(1,234.56)", "-1234.56"),
            ("-1,234.56", "-1234.56"),
            ("1,234.56-", "-1234.56"),
            ("¥1,234.56", "1234.56"),
            ("￥１，２３４．５６", "1234.56"),
            ("1234.56元", "1234.56"),
            ("RMB 1 234.56", "1234.56"),
            ("CNY -20", "-20"),
            ("1'000", "1000"),
        ];
        for (raw, want) in cases {
            // Act
            let got = amount(raw);
            // Assert
            assert_eq!(got, Ok(Some(d(want))), "{raw}");
        }
    }

    #[test]
    fn an_empty_cell_is_no_amount_and_text_or_a_formula_is_an_error() {
        assert_eq!(amount("  "), Ok(None));
        assert_eq!(amount("-"), Ok(None));
        assert_eq!(amount("abc"), Err(CellError::Amount));
        assert_eq!(amount("1.2.3"), Err(CellError::Amount));
        assert_eq!(amount("=SUM(A1:A3)"), Err(CellError::Formula));
        assert_eq!(text("=SUM(A1:A3)"), Err(CellError::Formula));
        assert_eq!(text("=A1"), Err(CellError::Formula));
        assert_eq!(amount("(0)"), Ok(Some(Decimal::ZERO)));
        assert!(!amount("-0.00").unwrap().unwrap().is_sign_negative());
        assert_eq!(text("  恒通  "), Ok(Some("恒通".into())));
    }

    #[test]
    fn dates_read_in_every_common_form() {
        // Arrange
        let jan5 = date!(2026 - 01 - 05);
        let cases = [
            "2026-01-05",
            "2026/1/5",
            "2026.01.05",
            "2026年1月5日",
            "20260105",
            "05.01.2026",
            "5/1/2026",
            "2026-01-05 00:00:00",
            "2026-01-05T08:30:00",
            "46027",
            "２０２６－０１－０５",
        ];
        for raw in cases {
            // Act / Assert
            assert_eq!(date(raw, DayOrder::DayFirst), Ok(Some(jan5)), "{raw}");
        }
        assert_eq!(date("01/05/2026", DayOrder::MonthFirst), Ok(Some(jan5)));
    }

    #[test]
    fn an_impossible_date_is_an_error_not_a_guess() {
        assert_eq!(date("2026-02-30", DayOrder::DayFirst), Err(CellError::Date));
        assert_eq!(date("13/13/2026", DayOrder::DayFirst), Err(CellError::Date));
        assert_eq!(date("next week", DayOrder::DayFirst), Err(CellError::Date));
        assert_eq!(date("12", DayOrder::DayFirst), Err(CellError::Date));
        assert_eq!(date("", DayOrder::DayFirst), Ok(None));
    }

    #[test]
    fn currencies_read_by_code_name_or_sign() {
        let cny = Currency::parse("CNY").unwrap();
        let usd = Currency::parse("USD").unwrap();
        for raw in ["CNY", "rmb", "人民币", "¥", "￥"] {
            assert_eq!(currency(raw), Ok(Some(cny)), "{raw}");
        }
        for raw in ["usd", "美元", "$"] {
            assert_eq!(currency(raw), Ok(Some(usd)), "{raw}");
        }
        assert_eq!(currency("dollars"), Err(CellError::Currency));
    }

    #[test]
    fn yes_and_no_read_in_chinese_and_english() {
        assert_eq!(yes_no("是"), Ok(Some(true)));
        assert_eq!(yes_no("N"), Ok(Some(false)));
        assert_eq!(yes_no("maybe"), Err(CellError::YesNo));
    }
}
