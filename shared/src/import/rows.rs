//! One row of a file, read into what Credence takes: a customer-master row (the master record
//! and the credit line it carries over). Every problem of the row is named with its column,
//! at once, so the dry run can list them all and the error file can mark each cell.

use super::cells::{self, CellError, DayOrder};
use crate::customer::{CustomerMaster, CustomerStatus, MasterRecord};
use crate::dto::FieldError;
use crate::engine::identity::CountryCode;
use crate::{Currency, Money, bounds};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

/// How the file is read: its day/month order, the currency of amounts without one, and the
/// day it is read on (for the date window).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadOptions {
    pub day_order: DayOrder,
    pub currency: Currency,
    pub today: Date,
}

/// A problem with one cell (or with the row, when `column` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowIssue {
    /// The column (0-based) of the cell, if one cell is at fault.
    pub column: Option<usize>,
    /// The field it was mapped to (`limit`, `founded`, …).
    pub field: String,
    /// A stable code (`crate::messages::code`) the reader's language words.
    pub code: String,
    pub message: String,
}

/// The credit line a customer row carries over from the system it comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditLine {
    pub limit: Option<Money>,
    pub terms_days: Option<u16>,
    pub temporary: Option<(Money, Date)>,
    pub on_hold: Option<bool>,
}

/// A customer row, read and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub master: MasterRecord,
    pub credit: CreditLine,
}

/// A row's cells by column, however the caller keeps them: a `Vec<String>` off the wire, a
/// compact sheet row in the browser.
pub trait RowCells {
    fn cell(&self, column: usize) -> Option<&str>;
}

impl<T: RowCells + ?Sized> RowCells for &T {
    fn cell(&self, column: usize) -> Option<&str> {
        (**self).cell(column)
    }
}

impl RowCells for Vec<String> {
    fn cell(&self, column: usize) -> Option<&str> {
        self.get(column).map(String::as_str)
    }
}

/// Reads the mapped cells of one row and collects every problem with its column.
pub(super) struct Reader<'a> {
    pub(super) mapping: &'a [Option<&'a str>],
    pub(super) cells: &'a dyn RowCells,
    pub(super) issues: Vec<RowIssue>,
}

impl<'a> Reader<'a> {
    pub(super) fn new(mapping: &'a [Option<&'a str>], cells: &'a dyn RowCells) -> Self {
        Reader {
            mapping,
            cells,
            issues: Vec::new(),
        }
    }

    fn column(&self, field: &str) -> Option<usize> {
        self.mapping.iter().position(|m| *m == Some(field))
    }

    fn raw(&self, field: &str) -> Option<&'a str> {
        let cells = self.cells;
        self.column(field).and_then(|i| cells.cell(i))
    }

    pub(super) fn issue(&mut self, field: &str, code: &str, message: impl Into<String>) {
        self.issues.push(RowIssue {
            column: self.column(field),
            field: field.to_owned(),
            code: code.to_owned(),
            message: message.into(),
        });
    }

    pub(super) fn cell<T>(
        &mut self,
        field: &str,
        read: impl Fn(&str) -> Result<Option<T>, CellError>,
    ) -> Option<T> {
        let raw = self.raw(field)?;
        match read(raw) {
            Ok(v) => v,
            Err(e) => {
                let code = match e {
                    CellError::Amount => crate::messages::code::NUMBER_INVALID,
                    CellError::Date => crate::messages::code::DATE_INVALID,
                    CellError::Currency => crate::messages::code::NOT_ALLOWED,
                    CellError::YesNo => crate::messages::code::NOT_ALLOWED,
                    CellError::Formula => crate::messages::code::INVALID_VALUE,
                };
                self.issue(field, code, e.to_string());
                None
            }
        }
    }

    pub(super) fn text(&mut self, field: &str) -> Option<String> {
        self.cell(field, cells::text)
    }

    /// The problems left to right, as the reader scans the row.
    pub(super) fn sort(&mut self) {
        self.issues.sort_by_key(|i| i.column.unwrap_or(usize::MAX));
    }
}

/// Reads a customer row: `mapping[i]` is the field column `i` holds (see
/// [`super::columns::guess`]). The master record is checked with the same rules as
/// `PUT /v1/customers/{number}`; amounts without a currency column are in `options.currency`.
pub fn customer_row(
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<CustomerRow, Vec<RowIssue>> {
    let mut r = Reader::new(mapping, cells);
    let number = r.text("customer").unwrap_or_default();
    let currency = r
        .cell("currency", cells::currency)
        .unwrap_or(options.currency);
    let money = |a: rust_decimal::Decimal| Money::new(a, currency);
    let country = match r.text("country") {
        Some(c) => match CountryCode::parse(&c.to_uppercase()) {
            Ok(c) => c,
            Err(e) => {
                r.issue(
                    "country",
                    crate::messages::code::REGISTRATION_INVALID,
                    e.to_string(),
                );
                CountryCode::CN
            }
        },
        None => CountryCode::CN,
    };
    let size = match r.text("size") {
        Some(s) => size_of(&s).or_else(|| {
            r.issue(
                "size",
                crate::messages::code::NOT_ALLOWED,
                "micro, small, medium or large (微型, 小型, 中型, 大型)",
            );
            None
        }),
        None => None,
    };
    let capital = r.cell("registered_capital", cells::amount).map(money);
    let founded = r.cell("founded", |s| cells::date(s, options.day_order));
    let limit = r.cell("limit", cells::amount).map(money);
    let terms = r.cell("terms_days", cells::amount);
    let temporary_limit = r.cell("temporary_limit", cells::amount).map(money);
    let temporary_until = r.cell("temporary_until", |s| cells::date(s, options.day_order));
    let on_hold = r.cell("on_hold", cells::yes_no);
    let tags = r
        .text("tags")
        .map(|t| {
            t.split([',', '，', ';', '；', '、'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let body = CustomerMaster {
        version: None,
        name: r.text("name").unwrap_or_default(),
        name_en: r.text("name_en"),
        country,
        registration_id: r.text("registration_id"),
        industry: r.text("industry"),
        size,
        registered_capital: capital,
        founded,
        address: r.text("address"),
        contacts: Vec::new(),
        owner: r.text("owner"),
        parent: None,
        status: CustomerStatus::Active,
        tags,
        custom: BTreeMap::new(),
        reason: None,
    };
    let master = match body.check(&number, options.today) {
        Ok(m) => Some(m),
        Err(errors) => {
            for e in errors {
                let field = column_field(&e);
                r.issue(&field, &e.code, e.message);
            }
            None
        }
    };
    let terms_days = terms.and_then(|t| {
        let ok =
            !t.is_sign_negative() && t.fract().is_zero() && t <= rust_decimal::Decimal::from(365);
        if !ok {
            r.issue(
                "terms_days",
                crate::messages::code::DAYS_TOO_MANY,
                "0 to 365 whole days",
            );
        }
        rust_decimal::prelude::ToPrimitive::to_u16(&t).filter(|_| ok)
    });
    for (field, m) in [("limit", limit), ("temporary_limit", temporary_limit)] {
        if let Some(m) = m {
            if m.amount.is_sign_negative() {
                r.issue(
                    field,
                    crate::messages::code::NUMBER_NEGATIVE,
                    "must be zero or more",
                );
            } else if let Err(e) = bounds::check_amount(m.amount) {
                r.issue(field, &e.at(field).code, e.at(field).message);
            }
        }
    }
    let temporary = match (temporary_limit, temporary_until) {
        (Some(m), Some(until)) => Some((m, until)),
        (None, None) => None,
        (Some(_), None) => {
            r.issue(
                "temporary_until",
                crate::messages::code::REQUIRED,
                "a temporary limit needs its last day",
            );
            None
        }
        (None, Some(_)) => {
            r.issue(
                "temporary_limit",
                crate::messages::code::REQUIRED,
                "a last day needs its temporary limit",
            );
            None
        }
    };
    r.sort();
    match master {
        Some(master) if r.issues.is_empty() => Ok(CustomerRow {
            master,
            credit: CreditLine {
                limit,
                terms_days,
                temporary,
                on_hold,
            },
        }),
        _ => Err(r.issues),
    }
}

/// The row field a master-record error is about (`number` is the `customer` column).
fn column_field(e: &FieldError) -> String {
    let top = e.field.split(['.', '[']).next().unwrap_or_default();
    match top {
        "number" => "customer".to_owned(),
        other => other.to_owned(),
    }
}

/// A company size in Chinese or English.
fn size_of(raw: &str) -> Option<crate::engine::facts::CompanySize> {
    use crate::engine::facts::CompanySize;
    match raw.trim().to_lowercase().as_str() {
        "micro" | "微型" | "微型企业" => Some(CompanySize::Micro),
        "small" | "小型" | "小型企业" => Some(CompanySize::Small),
        "medium" | "中型" | "中型企业" => Some(CompanySize::Medium),
        "large" | "大型" | "大型企业" => Some(CompanySize::Large),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
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

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| (*s).to_owned()).collect()
    }

    fn header() -> Vec<String> {
        row(&[
            "客户编号",
            "客户名称",
            "统一社会信用代码",
            "信用额度",
            "账期",
            "成立日期",
            "企业规模",
            "冻结",
        ])
    }

    #[test]
    fn a_chinese_customer_row_reads_into_a_master_record_and_its_credit_line() {
        // Arrange
        let mapping = guess(ImportKind::Customers, &header());
        let cells = row(&[
            "KH-1",
            "福州恒信贸易有限公司",
            "",
            "¥1,200,000.00",
            "60",
            "2010年5月1日",
            "中型",
            "否",
        ]);
        // Act
        let read = customer_row(&mapping, &cells, &options()).expect("a valid row");
        // Assert
        assert_eq!(read.master.number, "KH-1");
        assert_eq!(read.master.founded, Some(date!(2010 - 05 - 01)));
        assert_eq!(
            read.master.size,
            Some(crate::engine::facts::CompanySize::Medium)
        );
        assert_eq!(
            read.credit.limit.map(|m| m.amount.to_string()),
            Some("1200000.00".into())
        );
        assert_eq!(read.credit.terms_days, Some(60));
        assert_eq!(read.credit.on_hold, Some(false));
    }

    #[test]
    fn every_problem_of_a_row_is_named_with_its_column_at_once() {
        // Arrange
        let mapping = guess(ImportKind::Customers, &header());
        let cells = row(&[
            "",
            "",
            "91350100M000100Y4X",
            "lots",
            "400",
            "2026-02-30",
            "huge",
            "maybe",
        ]);
        // Act
        let issues = customer_row(&mapping, &cells, &options()).expect_err("an invalid row");
        // Assert
        let at: Vec<(Option<usize>, &str)> = issues
            .iter()
            .map(|i| (i.column, i.field.as_str()))
            .collect();
        assert_eq!(
            at,
            [
                (Some(0), "customer"),
                (Some(1), "name"),
                (Some(2), "registration_id"),
                (Some(3), "limit"),
                (Some(4), "terms_days"),
                (Some(5), "founded"),
                (Some(6), "size"),
                (Some(7), "on_hold"),
            ]
        );
    }
}
