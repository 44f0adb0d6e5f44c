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

use super::keep::{Collector, Keep};
use super::rows::{RowCells, RowIssue};
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
    pub cells: Cells,
    pub problems: Vec<RowIssue>,
}

impl RowCells for SheetRow {
    fn cell(&self, column: usize) -> Option<&str> {
        self.cells.get(column)
    }
}

/// A row's cells as text, kept compactly: one string, the cells separated by U+001F (the
/// unit separator, which a cell's own text never keeps: it becomes a space). A million rows
/// of sixteen columns are then a million allocations, not sixteen million strings (about
/// 250 MB instead of 900 MB for a 76 MB workbook; `cargo bench --bench big_file`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    /// `None` for a row without cells (`Some("")` is one empty cell).
    text: Option<Box<str>>,
}

const SEPARATOR: char = '\u{1f}';

impl Cells {
    pub fn len(&self) -> usize {
        self.text
            .as_ref()
            .map_or(0, |t| t.matches(SEPARATOR).count() + 1)
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_none()
    }

    pub fn get(&self, column: usize) -> Option<&str> {
        self.iter().nth(column)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.text.iter().flat_map(|t| t.split(SEPARATOR))
    }

    /// The cells as strings, for a batch on the wire.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Self {
        let mut text: Option<String> = None;
        for c in cells {
            match &mut text {
                Some(t) => t.push(SEPARATOR),
                None => text = Some(String::new()),
            }
            let Some(t) = &mut text else { continue };
            t.extend(
                c.as_ref()
                    .chars()
                    .map(|ch| if ch == SEPARATOR { ' ' } else { ch }),
            );
        }
        Cells {
            text: text.map(String::into_boxed_str),
        }
    }
}

impl RowCells for Cells {
    fn cell(&self, column: usize) -> Option<&str> {
        self.get(column)
    }
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Cells {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    pub format: FileFormat,
    pub headers: Vec<String>,
    pub rows: Vec<SheetRow>,
    /// The header names whose columns the rows hold (`None`: every column); see
    /// [`super::keep`].
    pub kept: Option<Vec<String>>,
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
/// Columns of a spreadsheet row kept (Excel has 16,384; a header wider than
/// [`MAX_COLUMNS`] is refused anyway).
const MAX_CELLS_PER_ROW: usize = 1_000;

/// Reads a file: a spreadsheet by its signature, otherwise text in `encoding` (detected
/// when `None`).
pub fn read_file(bytes: &[u8], encoding: Option<TextEncoding>) -> Result<Sheet, FileError> {
    read_file_keeping(bytes, encoding, Keep::default())
}

/// Reads a file keeping only what `keep` says (a big file's mapped columns, or the lines in
/// error).
pub fn read_file_keeping(
    bytes: &[u8],
    encoding: Option<TextEncoding>,
    keep: Keep<'_>,
) -> Result<Sheet, FileError> {
    if bytes.starts_with(b"PK\x03\x04") {
        read_workbook(Cursor::new(bytes), FileFormat::Xlsx, keep)
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        read_workbook(Cursor::new(bytes), FileFormat::Xls, keep)
    } else {
        read_csv(bytes, encoding, keep)
    }
}

/// [`read_file_keeping`] from a reader (a file on disk): a spreadsheet is unzipped from it
/// as it is read, so its bytes are never all in memory (the command-line importer); a text
/// file is read whole.
pub fn read_from<R: std::io::Read + std::io::Seek>(
    mut reader: R,
    encoding: Option<TextEncoding>,
    keep: Keep<'_>,
) -> Result<Sheet, FileError> {
    let io = |e: std::io::Error| FileError::Spreadsheet(e.to_string());
    let mut head = [0u8; 4];
    let got = reader.read(&mut head).map_err(io)?;
    reader.seek(std::io::SeekFrom::Start(0)).map_err(io)?;
    match &head[..got] {
        b"PK\x03\x04" => read_workbook(reader, FileFormat::Xlsx, keep),
        [0xD0, 0xCF, 0x11, 0xE0] => read_workbook(reader, FileFormat::Xls, keep),
        _ => {
            let mut bytes = Vec::new();
            reader.read_to_end(&mut bytes).map_err(io)?;
            read_csv(&bytes, encoding, keep)
        }
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

/// The header and the rows after it, of rows without blank ones ([`Collector`] skips them).
/// The header is the first row with two cells or more (a title row above it — one merged
/// cell, 应收账款明细表 — is skipped), or the first row when no row has two.
fn sheet_of(
    format: FileFormat,
    (mut rows, kept): (Vec<SheetRow>, Option<Vec<String>>),
) -> Result<Sheet, FileError> {
    // In place: a million rows are not copied to drop the header.
    let filled = |r: &SheetRow| r.cells.iter().filter(|c| !c.trim().is_empty()).count();
    let at = rows.iter().position(|r| filled(r) >= 2).unwrap_or(0);
    if rows.is_empty() {
        return Err(FileError::Empty);
    }
    let mut headers: Vec<String> = rows
        .drain(..=at)
        .next_back()
        .map(|r| r.cells)
        .unwrap_or_default()
        .iter()
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
        rows,
        kept,
    })
}

fn read_csv(
    bytes: &[u8],
    encoding: Option<TextEncoding>,
    keep: Keep<'_>,
) -> Result<Sheet, FileError> {
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
    let mut rows = Collector::new(keep, 0);
    let mut record = csv::StringRecord::new();
    while !rows.done()
        && reader
            .read_record(&mut record)
            .map_err(|e| FileError::Csv {
                line: e.position().map_or(0, |p| p.line()),
                reason: e.to_string(),
            })?
    {
        let line = record.position().map_or(0, |p| p.line());
        rows.push(
            u32::try_from(line).unwrap_or(u32::MAX),
            record.iter().map(str::to_owned).collect(),
            Vec::new(),
        );
    }
    sheet_of(format, rows.finish())
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

fn formula_problem(column: usize, formula: &str) -> RowIssue {
    RowIssue {
        column: Some(column),
        field: String::new(),
        code: code::INVALID_VALUE.to_owned(),
        message: format!("a formula (={formula}): paste it as values"),
    }
}

fn merged_problem(column: usize) -> RowIssue {
    RowIssue {
        column: Some(column),
        field: String::new(),
        code: code::INVALID_VALUE.to_owned(),
        message: "a merged cell: unmerge it and fill every row".to_owned(),
    }
}

/// Whether `(row, col)` is covered by a merged cell but is not its first cell.
fn inside_merge(merged: &[calamine::Dimensions], row: u32, col: u32) -> bool {
    merged
        .iter()
        .any(|m| m.contains(row, col) && (m.start.0 != row || m.start.1 != col))
}

fn read_workbook<RS: std::io::Read + std::io::Seek>(
    source: RS,
    format: FileFormat,
    keep: Keep<'_>,
) -> Result<Sheet, FileError> {
    use calamine::{Reader, Sheets};
    let spreadsheet = |e: &dyn std::fmt::Display| FileError::Spreadsheet(e.to_string());
    let mut book: Sheets<RS> = match format {
        FileFormat::Xls => Sheets::Xls(calamine::Xls::new(source).map_err(|e| spreadsheet(&e))?),
        _ => Sheets::Xlsx(calamine::Xlsx::new(source).map_err(|e| spreadsheet(&e))?),
    };
    let name = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(FileError::Empty)?;
    if let Sheets::Xlsx(x) = &mut book {
        let merged = x.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let cells = x
            .worksheet_cells_reader(&name)
            .map_err(|e| spreadsheet(&e))?;
        return read_xlsx_cells(format, cells, &merged, keep);
    }
    let range = book.worksheet_range(&name).map_err(|e| spreadsheet(&e))?;
    let formulas = book.worksheet_formula(&name).ok();
    let merged: Vec<calamine::Dimensions> = match &mut book {
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let (top, left) = range.start().unwrap_or((0, 0));
    let width = range.width();
    let mut kept = Collector::new(keep, range.height());
    for (r, cells) in range.rows().enumerate() {
        let row = top + u32::try_from(r).unwrap_or(u32::MAX);
        let mut problems = Vec::new();
        let mut texts = Vec::with_capacity(width);
        for (c, data) in cells.iter().enumerate() {
            let col = left + u32::try_from(c).unwrap_or(u32::MAX);
            let formula = formulas
                .as_ref()
                .and_then(|f| f.get_value((row, col)))
                .filter(|f| !f.is_empty());
            if let Some(f) = formula {
                problems.push(formula_problem(c, f));
            }
            if inside_merge(&merged, row, col) {
                problems.push(merged_problem(c));
            }
            texts.push(cell_text(data));
        }
        kept.push(row + 1, texts, problems);
        if kept.done() {
            break;
        }
    }
    sheet_of(format, kept.finish())
}

/// An XLSX sheet read cell by cell as it is unzipped, never as a whole grid: a 100 MB
/// workbook is held once as its rows of text, not also as calamine's range of values and
/// its range of formulas.
fn read_xlsx_cells<RS: std::io::Read + std::io::Seek>(
    format: FileFormat,
    mut cells: calamine::XlsxCellReader<'_, RS>,
    merged: &[calamine::Dimensions],
    keep: Keep<'_>,
) -> Result<Sheet, FileError> {
    let spreadsheet = |e: &dyn std::fmt::Display| FileError::Spreadsheet(e.to_string());
    // Rows with absolute column numbers; the columns left of the first used one are cut
    // at the end, as calamine's range would start there.
    let declared = cells.dimensions();
    let height = declared.end.0.saturating_sub(declared.start.0) as usize + 1;
    let mut kept = Collector::new(keep, height.min(1 << 20));
    let mut current: Option<(u32, Vec<String>, Vec<RowIssue>)> = None;
    let finish = |kept: &mut Collector<'_>,
                  (row, texts, mut problems): (u32, Vec<String>, Vec<RowIssue>)| {
        for m in merged.iter().filter(|m| m.start.0 <= row && row <= m.end.0) {
            for col in m.start.1..=m.end.1 {
                if inside_merge(std::slice::from_ref(m), row, col) {
                    problems.push(merged_problem(col as usize));
                }
            }
        }
        kept.push(row + 1, texts, problems);
    };
    while let Some(cell) = cells
        .next_cell_with_formula()
        .map_err(|e| spreadsheet(&e))?
    {
        let (row, col) = cell.pos;
        if current.as_ref().is_some_and(|(r, _, _)| *r != row) {
            if let Some(done) = current.take() {
                finish(&mut kept, done);
            }
            if kept.done() {
                break;
            }
        }
        let (_, texts, problems) = current.get_or_insert_with(|| (row, Vec::new(), Vec::new()));
        let col = col as usize;
        if col >= MAX_CELLS_PER_ROW {
            continue;
        }
        if texts.len() <= col {
            texts.resize(col + 1, String::new());
        }
        texts[col] = cell_text(&calamine::Data::from(cell.value));
        if let Some(f) = cell.formula.filter(|f| !f.is_empty()) {
            problems.push(formula_problem(col, &f));
        }
    }
    if let Some(done) = current.take() {
        finish(&mut kept, done);
    }
    let (mut rows, kept) = kept.finish();
    let left = rows
        .iter()
        .filter_map(|r| r.cells.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    if left > 0 {
        for r in &mut rows {
            r.cells = r.cells.iter().skip(left).collect();
            for p in &mut r.problems {
                p.column = p.column.map(|c| c.saturating_sub(left));
            }
        }
    }
    sheet_of(format, (rows, kept))
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
        assert_eq!(sheet.rows[0].cells.get(1), Some("福州恒信贸易有限公司"));
        assert_eq!(sheet.rows[0].cells.get(2), Some("1,200.00"));
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
    fn compact_cells_give_back_every_cell_even_empty_ones() {
        // Arrange
        let cells: Cells = ["", "KH-1", "", "a\u{1f}b"].into_iter().collect();

        // Act
        let back = cells.to_vec();

        // Assert
        assert_eq!(back, ["", "KH-1", "", "a b"]);
        assert_eq!(cells.len(), 4);
        assert_eq!(cells.get(1), Some("KH-1"));
        assert_eq!(cells.get(4), None);
        assert!(Cells::default().is_empty());
        assert_eq!(Cells::default().len(), 0);
    }

    #[test]
    fn an_xlsx_table_that_starts_in_column_c_reads_from_column_c() {
        // Arrange: the table at C2, and a formula in its second row.
        use rust_xlsxwriter::Workbook;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(1, 2, "客户编号").unwrap();
        sheet.write_string(1, 3, "金额").unwrap();
        sheet.write_string(2, 2, "KH-1").unwrap();
        sheet.write_number(2, 3, 5).unwrap();
        sheet.write_string(3, 2, "KH-2").unwrap();
        sheet.write_formula(3, 3, "=D3+1").unwrap();
        let bytes = book.save_to_buffer().unwrap();

        // Act
        let sheet = read_file(&bytes, None).unwrap();

        // Assert
        assert_eq!(sheet.headers, ["客户编号", "金额"]);
        assert_eq!(sheet.rows[0].cells, ["KH-1", "5"]);
        assert_eq!(sheet.rows[1].line, 4);
        assert_eq!(sheet.rows[1].problems[0].column, Some(1));
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
