//! A file's bytes read into a header and rows of text cells: XLSX and XLS (calamine: the
//! first sheet, each cell's value as Excel shows it, dates as ISO dates), and CSV in UTF-8,
//! UTF-8 with a BOM or GBK/GB18030 (what Chinese Excel writes; detected: bytes that are not
//! UTF-8 are read as GB18030, its superset, or the user says which), with a comma, semicolon
//! or tab (the one the header line has most of). Empty rows are skipped; the header is the
//! first row that is not empty.
//!
//! What a cell's text cannot say, the file can: a formula (its value would change when the
//! file is opened again) and a merged cell (its value belongs to another row) are problems
//! of the row, named by column, and such a row is not sent.
//!
//! Pure: bytes in, rows out (the browser reads the file, the command-line importer the
//! disk). Behind the `files` feature, so only what reads files compiles the readers.

use super::rows::RowIssue;
use crate::messages::code;
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// How a text file's bytes are characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextEncoding {
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    Utf8Bom,
    /// GB18030, which reads GBK and GB2312 too.
    Gb18030,
}

/// What the file was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FileFormat {
    Xlsx,
    Xls,
    Csv {
        encoding: TextEncoding,
        delimiter: char,
    },
}

/// A data row: its line in the file (1-based, as a spreadsheet numbers it), its cells, and
/// the problems the file itself shows (a formula, a merged cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub line: u32,
    pub cells: Vec<String>,
    pub problems: Vec<RowIssue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub format: FileFormat,
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("the file has no rows")]
    Empty,
    #[error("the file is not GBK, GB18030 or UTF-8 text; save it as CSV UTF-8 or XLSX")]
    Encoding,
    #[error("the spreadsheet cannot be read: {0}")]
    Spreadsheet(String),
    #[error("the CSV cannot be read at line {line}: {reason}")]
    Csv { line: u64, reason: String },
    #[error("the header has {0} columns; at most 100")]
    TooManyColumns(usize),
}

const MAX_COLUMNS: usize = 100;

/// Reads a file: a spreadsheet by its signature, otherwise text in `encoding` (detected
/// when `None`).
pub fn read_file(bytes: &[u8], encoding: Option<TextEncoding>) -> Result<Sheet, FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_workbook(bytes, FileFormat::Xlsx)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        read_workbook(bytes, FileFormat::Xls)
    } else {
        read_csv(bytes, encoding)
    }
}

/// The encoding a text file's bytes most likely are.
pub fn detect_encoding(bytes: &[u8]) -> TextEncoding {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        TextEncoding::Utf8Bom
    } else if std::str::from_utf8(bytes).is_ok() {
        TextEncoding::Utf8
    } else {
        TextEncoding::Gb18030
    }
}

fn decode(bytes: &[u8], encoding: TextEncoding) -> Result<String, FileError> {
    match encoding {
        TextEncoding::Utf8 | TextEncoding::Utf8Bom => {
            let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
            String::from_utf8(body.to_vec()).map_err(|_| FileError::Encoding)
        }
        TextEncoding::Gb18030 => {
            let (text, had_errors) = encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .map(|t| (t, false))
                .unwrap_or_else(|| (Default::default(), true));
            if had_errors {
                Err(FileError::Encoding)
            } else {
                Ok(text.into_owned())
            }
        }
    }
}

/// The delimiter the header line has most of (outside quotes): comma, semicolon or tab.
fn sniff_delimiter(text: &str) -> u8 {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(d, _)| *d == b) {
            c.1 += 1;
        }
    }
    counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > 0)
        .map_or(b',', |(d, _)| *d)
}

fn is_blank(cells: &[String]) -> bool {
    cells.iter().all(|c| c.trim().is_empty())
}

/// The header and the rows after it. The header is the first row with two cells or more
/// (a title row above it — one merged cell, 应收账款明细表 — is skipped), or the first row
/// that is not empty when no row has two.
fn sheet_of(
    format: FileFormat,
    rows: impl Iterator<Item = Result<SheetRow, FileError>>,
) -> Result<Sheet, FileError> {
    let mut rows: Vec<SheetRow> = rows
        .filter(|r| r.as_ref().map_or(true, |r| !is_blank(&r.cells)))
        .collect::<Result<_, _>>()?;
    let filled = |r: &SheetRow| r.cells.iter().filter(|c| !c.trim().is_empty()).count();
    let at = rows.iter().position(|r| filled(r) >= 2).unwrap_or(0);
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    let data = rows.split_off(at + 1);
    let mut headers: Vec<String> = rows
        .pop()
        .map(|r| r.cells)
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.trim().to_owned())
        .collect();
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    if headers.len() > MAX_COLUMNS {
        return Err(FileError::TooManyColumns(headers.len()));
    }
    Ok(Sheet {
        format,
        headers,
        rows: data,
    })
}

fn read_csv(bytes: &[u8], encoding: Option<TextEncoding>) -> Result<Sheet, FileError> {
    let encoding = encoding.unwrap_or_else(|| detect_encoding(bytes));
    let text = decode(bytes, encoding)?;
    let delimiter = sniff_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let format = FileFormat::Csv {
        encoding,
        delimiter: char::from(delimiter),
    };
    let rows = reader.records().map(|r| {
        let record = r.map_err(|e| FileError::Csv {
            line: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        Ok(SheetRow {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            cells: record.iter().map(str::to_owned).collect(),
            problems: Vec::new(),
        })
    });
    sheet_of(format, rows)
}

/// A spreadsheet cell as Excel shows its value.
fn cell_text(data: &calamine::Data) -> String {
    use calamine::Data;
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(v) => v.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => {
            let days = dt.as_f64().floor();
            // An Excel serial date is far inside i64; saturating is only a guard.
            let serial = days as i64;
            match super::cells::excel_serial(serial) {
                Some(d) if dt.is_datetime() => d.to_string(),
                _ => dt.as_f64().to_string(),
            }
        }
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn read_workbook(bytes: &[u8], format: FileFormat) -> Result<Sheet, FileError> {
    use calamine::{Reader, Sheets};
    let spreadsheet = |e: &dyn std::fmt::Display| FileError::Spreadsheet(e.to_string());
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| spreadsheet(&e))?;
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileError::Empty)?;
    let range = book.worksheet_range(&name).map_err(|e| spreadsheet(&e))?;
    let formulas = book.worksheet_formula(&name).ok();
    let merged: Vec<calamine::Dimensions> = match &mut book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let width = range.width();
    let rows = range.rows().enumerate().map(|(r, cells)| {
        let row = top + u32::try_from(r).unwrap_or(u32::MAX);
        let mut problems = Vec::new();
        let mut texts = Vec::with_capacity(width);
        for (c, data) in cells.iter().enumerate() {
            let col = left + u32::try_from(c).unwrap_or(u32::MAX);
            let text = cell_text(data);
            let formula = formulas
                .as_ref()
                .and_then(|f| f.get_value((row, col)))
                .filter(|f| !f.is_empty());
            if let Some(f) = formula {
                problems.push(RowIssue {
                    column: Some(c),
                    field: String::new(),
                    code: code::INVALID_VALUE.to_owned(),
                    message: format!("a formula (={f}): paste it as values"),
                });
            }
            let inside_merge = merged
                .iter()
                .any(|m| m.contains(row, col) && (m.start.0 != row || m.start.1 != col));
            if inside_merge {
                problems.push(RowIssue {
                    column: Some(c),
                    field: String::new(),
                    code: code::INVALID_VALUE.to_owned(),
                    message: "a merged cell: unmerge it and fill every row".to_owned(),
                });
            }
            texts.push(text);
        }
        Ok(SheetRow {
            line: row + 1,
            cells: texts,
            problems,
        })
    });
    sheet_of(format, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gbk_csv_with_semicolons_reads_in_chinese() {
        // Arrange
        let text =
            "客户编号;客户名称;金额\nKH-1;福州恒信贸易有限公司;\"1,200.00\"\n;;\nKH-2;厦门港务;5\n";
        let (bytes, _, _) = encoding_rs::GBK.encode(text);

        // Act
        let sheet = read_file(&bytes, None).unwrap();

        // Assert
        assert_eq!(
            sheet.format,
            FileFormat::Csv {
                encoding: TextEncoding::Gb18030,
                delimiter: ';'
            }
        );
        assert_eq!(sheet.headers, ["客户编号", "客户名称", "金额"]);
        assert_eq!(sheet.rows.len(), 2, "the empty row is skipped");
        assert_eq!(sheet.rows[0].cells[1], "福州恒信贸易有限公司");
        assert_eq!(sheet.rows[0].cells[2], "1,200.00");
        assert_eq!(sheet.rows[1].line, 4);
    }

    #[test]
    fn a_utf8_csv_with_a_bom_and_tabs_loses_the_bom() {
        // Arrange
        let bytes = "\u{feff}Customer No\tName\r\nC-1\tAcme\r\n".as_bytes();

        // Act
        let sheet = read_file(bytes, None).unwrap();

        // Assert
        assert_eq!(sheet.headers, ["Customer No", "Name"]);
        assert!(matches!(
            sheet.format,
            FileFormat::Csv {
                encoding: TextEncoding::Utf8Bom,
                delimiter: '\t'
            }
        ));
    }

    #[test]
    fn an_xlsx_reads_values_as_excel_shows_them_and_names_formulas_and_merged_cells() {
        // Arrange
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        sheet
            .merge_range(0, 0, 0, 3, "应收账款明细表", &Format::new())
            .unwrap();
        for (c, h) in ["客户编号", "发票号", "开票日期", "金额"]
            .iter()
            .enumerate()
        {
            sheet.write_string(1, c as u16, *h).unwrap();
        }
        sheet.write_string(2, 0, "KH-1").unwrap();
        sheet.write_string(2, 1, "F-1").unwrap();
        let day = ExcelDateTime::from_ymd(2026, 1, 5).unwrap();
        sheet.write_datetime_with_format(2, 2, &day, &date).unwrap();
        sheet.write_number(2, 3, 1200.5).unwrap();
        sheet.write_string(3, 0, "KH-2").unwrap();
        sheet.write_string(3, 1, "F-2").unwrap();
        sheet.write_formula(3, 3, "=D3*2").unwrap();
        sheet
            .merge_range(4, 0, 5, 0, "KH-3", &Format::new())
            .unwrap();
        sheet.write_string(4, 1, "F-3").unwrap();
        sheet.write_string(5, 1, "F-4").unwrap();
        let bytes = book.save_to_buffer().unwrap();

        // Act
        let sheet = read_file(&bytes, None).unwrap();

        // Assert
        assert_eq!(sheet.format, FileFormat::Xlsx);
        assert_eq!(sheet.headers, ["客户编号", "发票号", "开票日期", "金额"]);
        assert_eq!(sheet.rows[0].line, 3);
        assert_eq!(sheet.rows[0].cells, ["KH-1", "F-1", "2026-01-05", "1200.5"]);
        assert!(sheet.rows[0].problems.is_empty());
        assert_eq!(sheet.rows[1].problems[0].column, Some(3));
        assert!(sheet.rows[1].problems[0].message.contains("=D3*2"));
        assert!(
            sheet.rows[2].problems.is_empty(),
            "the merge's first cell is its value"
        );
        assert_eq!(sheet.rows[3].problems[0].column, Some(0));
        assert!(sheet.rows[3].problems[0].message.contains("merged"));
    }

    #[test]
    fn bytes_that_are_no_text_in_the_chosen_encoding_are_an_error() {
        // Act
        let wrong = read_file(&[0xC4, 0xE3, 0xBA, 0xC3], Some(TextEncoding::Utf8));
        let empty = read_file(b"\n\n", None);

        // Assert
        assert_eq!(wrong.unwrap_err(), FileError::Encoding);
        assert_eq!(empty.unwrap_err(), FileError::Empty);
    }
}
