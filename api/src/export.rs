//! A table the API exports, and its two files: XLSX (rust_xlsxwriter: real number and date
//! cells with formats, a bold frozen header, columns as wide as their text) and CSV with a
//! byte-order mark, so Excel opens Chinese text right, every cell neutralised against
//! formula injection (`credence_shared::export::safe_cell`). Money is exported as its amount
//! with the currency in its own column.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use time::Date;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// An amount of money or another decimal figure, shown with two decimals.
    Amount(Decimal),
    /// A share (0.25 shows as 25%).
    Share(Decimal),
    Int(i64),
    Date(Date),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn as_text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Amount(d) => d.round_dp(2).to_string(),
            Cell::Share(d) => d.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// A table: a sheet name, a header and rows of cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub sheet: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// CSV with a BOM, every cell neutralised.
pub fn csv(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(credence_shared::export::safe_row(&table.headers))?;
        for row in &table.rows {
            w.write_record(credence_shared::export::safe_row(
                row.iter().map(Cell::as_text),
            ))?;
        }
        w.flush()?;
    }
    Ok(out)
}

/// How many characters wide a text looks (a Chinese character is two).
fn width_of(text: &str) -> usize {
    text.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

/// XLSX: number and date cells, a bold frozen header, column widths from the content.
pub fn xlsx(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let name: String = table
        .sheet
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    sheet.set_name(if name.is_empty() { "Sheet1" } else { &name })?;
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("#,##0.00");
    let share = Format::new().set_num_format("0.0%");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let mut widths: Vec<usize> = table.headers.iter().map(|h| width_of(h)).collect();
    for (c, header) in table.headers.iter().enumerate() {
        sheet.write_string_with_format(0, col(c), header, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
        for (c, cell) in row.iter().enumerate() {
            let at = col(c);
            match cell {
                Cell::Text(s) => {
                    sheet.write_string(r, at, s)?;
                }
                Cell::Amount(d) => {
                    sheet.write_number_with_format(r, at, d.to_f64().unwrap_or(0.0), &money)?;
                }
                Cell::Share(d) => {
                    sheet.write_number_with_format(r, at, d.to_f64().unwrap_or(0.0), &share)?;
                }
                Cell::Int(i) => {
                    // Counts and days, far below 2^53.
                    sheet.write_number(r, at, *i as f64)?;
                }
                Cell::Date(d) => {
                    let excel = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day())?;
                    sheet.write_datetime_with_format(r, at, &excel, &day)?;
                }
                Cell::Empty => {}
            }
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(width_of(&cell.as_text()));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c), (*w).clamp(6, 50) as f64 + 2.0)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    book.save_to_buffer()
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn table() -> Table {
        Table {
            sheet: "客户".into(),
            headers: vec!["客户名称".into(), "额度".into(), "日期".into()],
            rows: vec![vec![
                Cell::text("=HYPERLINK(\"x\")"),
                Cell::Amount(Decimal::new(123456, 2)),
                Cell::Date(date!(2026 - 01 - 05)),
            ]],
        }
    }

    #[test]
    fn a_csv_export_starts_with_a_bom_and_neutralises_formulas() {
        // Act
        let bytes = csv(&table()).unwrap();

        // Assert
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(
            text.contains("\"'=HYPERLINK(\"\"x\"\")\",1234.56,2026-01-05"),
            "{text}"
        );
    }

    #[test]
    fn an_xlsx_export_is_a_workbook_calamine_reads_back_with_numbers_and_dates() {
        // Act
        let bytes = xlsx(&table()).unwrap();

        // Assert
        let sheet = credence_shared::import::file::read_file(&bytes, None).unwrap();
        assert_eq!(sheet.headers, ["客户名称", "额度", "日期"]);
        assert_eq!(sheet.rows[0].cells.get(1), Some("1234.56"));
        assert_eq!(sheet.rows[0].cells.get(2), Some("2026-01-05"));
        assert_eq!(
            sheet.rows[0].cells.get(0),
            Some("=HYPERLINK(\"x\")"),
            "text, not a formula"
        );
    }
}
