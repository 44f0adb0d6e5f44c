//! Which cells of a file a read keeps, so a big file is held only in what the import needs.
//!
//! An ERP export has sixteen columns or more, of which an import maps six or seven; a
//! 100 MB workbook held whole is most of a browser tab's memory. A read keeps:
//! - every row up to and including the header (the header is the first row with two filled
//!   cells, as [`super::file`] finds it), whole;
//! - the first [`PREVIEW_ROWS`] data rows whole (the mapping screen shows them);
//! - of the other data rows, the columns whose header is named in [`Keep::columns`] and the
//!   columns without a header name; the cells of other columns are kept empty, so every
//!   column keeps its position;
//! - only the data lines in [`Keep::lines`], when given (the error file reads again the
//!   rows in error, whole).
//!
//! Which rows a file has does not depend on what is kept: a row is skipped as blank by its
//! whole content, before its cells are dropped. So a file read again with more columns has
//! the same rows in the same positions, and an import's batches stay the same.

use super::file::{Cells, SheetRow};
use super::rows::RowIssue;
use std::collections::BTreeSet;

/// Data rows kept whole whatever the columns kept: the mapping screen's samples.
pub const PREVIEW_ROWS: usize = 3;

/// Given a header (each cell trimmed), the header names whose columns a read keeps.
pub type ChooseColumns<'a> = &'a dyn Fn(&[String]) -> Vec<String>;

/// What a read keeps; the default keeps everything.
#[derive(Default, Clone, Copy)]
pub struct Keep<'a> {
    /// Given the header (each cell trimmed), the header names whose columns are kept
    /// (`None`: every column).
    pub columns: Option<ChooseColumns<'a>>,
    /// The data lines kept, as the file numbers them (`None`: every line).
    pub lines: Option<&'a BTreeSet<u32>>,
}

impl<'a> Keep<'a> {
    /// The header alone: a read stops once it has found it.
    pub fn header_only(none: &'a BTreeSet<u32>) -> Self {
        Keep {
            columns: None,
            lines: Some(none),
        }
    }
}

/// Rows as a reader finds them, kept as [`Keep`] says.
pub(super) struct Collector<'a> {
    keep: Keep<'a>,
    header_seen: bool,
    /// By position: whether the column is kept (positions past the end are kept).
    mask: Option<Vec<bool>>,
    /// The header names kept, for [`super::file::Sheet::kept`].
    kept: Option<Vec<String>>,
    data_rows: usize,
    rows: Vec<SheetRow>,
}

impl<'a> Collector<'a> {
    pub(super) fn new(keep: Keep<'a>, capacity: usize) -> Self {
        Collector {
            keep,
            header_seen: false,
            mask: None,
            kept: None,
            data_rows: 0,
            rows: Vec::with_capacity(capacity),
        }
    }

    /// Whether the rest of the file can be left unread.
    pub(super) fn done(&self) -> bool {
        self.header_seen && self.keep.lines.is_some_and(BTreeSet::is_empty)
    }

    pub(super) fn push(&mut self, line: u32, cells: Vec<String>, problems: Vec<RowIssue>) {
        let filled = cells.iter().filter(|c| !c.trim().is_empty()).count();
        if filled == 0 {
            return;
        }
        if !self.header_seen {
            if filled >= 2 {
                self.header_seen = true;
                self.choose_columns(&cells);
            }
            self.rows.push(SheetRow {
                line,
                cells: cells.into_iter().collect(),
                problems,
            });
            return;
        }
        if self.keep.lines.is_some_and(|l| !l.contains(&line)) {
            return;
        }
        let whole = self.data_rows < PREVIEW_ROWS;
        self.data_rows += 1;
        let cells: Cells = match (&self.mask, whole) {
            (Some(mask), false) => cells
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    if mask.get(i).copied().unwrap_or(true) {
                        c
                    } else {
                        String::new()
                    }
                })
                .collect(),
            _ => cells.into_iter().collect(),
        };
        self.rows.push(SheetRow {
            line,
            cells,
            problems,
        });
    }

    fn choose_columns(&mut self, header: &[String]) {
        let Some(choose) = self.keep.columns else {
            return;
        };
        let trimmed: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
        let names: BTreeSet<String> = choose(&trimmed).into_iter().collect();
        self.mask = Some(
            trimmed
                .iter()
                .map(|h| h.is_empty() || names.contains(h))
                .collect(),
        );
        self.kept = Some(names.into_iter().collect());
    }

    /// The rows kept, and the header names kept (`None`: every column).
    pub(super) fn finish(self) -> (Vec<SheetRow>, Option<Vec<String>>) {
        (self.rows, self.kept)
    }
}

/// The header names a mapping reads: what a read for an import needs to keep.
pub fn mapped_names<M: AsRef<str>>(headers: &[String], mapping: &[Option<M>]) -> Vec<String> {
    headers
        .iter()
        .zip(mapping)
        .filter(|(_, m)| m.is_some())
        .map(|(h, _)| h.trim().to_owned())
        .collect()
}

/// Whether a sheet read keeping `kept` holds every column a mapping reads.
pub fn holds(kept: Option<&[String]>, headers: &[String], mapping: &[Option<&str>]) -> bool {
    let Some(kept) = kept else {
        return true;
    };
    mapped_names(headers, mapping)
        .iter()
        .all(|n| n.is_empty() || kept.contains(n))
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::import::file::{read_file, read_file_keeping};

    /// A title row, a header with a column past it without a name, and six data rows, one blank and
    /// one with text only in a column the import does not read.
    fn ledger_xlsx() -> Vec<u8> {
        use rust_xlsxwriter::Workbook;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "应收账款明细表").unwrap();
        for (c, h) in ["客户编号", "摘要", "金额"].iter().enumerate() {
            sheet.write_string(1, c as u16, *h).unwrap();
        }
        for r in 2..8u32 {
            if r == 5 {
                continue;
            }
            if r == 6 {
                sheet.write_string(r, 1, "只有摘要").unwrap();
                continue;
            }
            sheet.write_string(r, 0, format!("KH-{r}")).unwrap();
            sheet.write_string(r, 1, format!("摘要{r}")).unwrap();
            sheet.write_number(r, 2, r * 100).unwrap();
            sheet.write_string(r, 3, format!("x{r}")).unwrap();
        }
        book.save_to_buffer().unwrap()
    }

    fn amounts_and_customers(headers: &[String]) -> Vec<String> {
        assert_eq!(headers[..3], ["客户编号", "摘要", "金额"]);
        vec!["客户编号".into(), "金额".into()]
    }

    #[test]
    fn a_read_keeping_mapped_columns_empties_the_others_after_the_preview_rows_and_keeps_every_row()
    {
        // Arrange
        let bytes = ledger_xlsx();
        let whole = read_file(&bytes, None).unwrap();

        // Act
        let kept = read_file_keeping(
            &bytes,
            None,
            Keep {
                columns: Some(&amounts_and_customers),
                lines: None,
            },
        )
        .unwrap();

        // Assert
        assert_eq!(kept.headers, whole.headers);
        assert_eq!(
            kept.kept.as_deref(),
            Some(&["客户编号".to_owned(), "金额".to_owned()][..])
        );
        let lines =
            |s: &crate::import::file::Sheet| s.rows.iter().map(|r| r.line).collect::<Vec<_>>();
        assert_eq!(lines(&kept), [3, 4, 5, 7, 8]);
        assert_eq!(lines(&kept), lines(&whole));
        assert_eq!(kept.rows[0].cells, whole.rows[0].cells);
        assert_eq!(kept.rows[2].cells, ["KH-4", "摘要4", "400", "x4"]);
        assert_eq!(kept.rows[3].cells, ["", ""]);
        assert_eq!(kept.rows[4].cells, ["KH-7", "", "700", "x7"]);
    }

    #[test]
    fn a_read_of_some_lines_keeps_those_rows_whole_and_the_header() {
        // Arrange
        let bytes = "客户编号,摘要,金额\nKH-1,一,100\nKH-2,二,200\nKH-3,三,300\n".as_bytes();
        let lines = BTreeSet::from([3u32]);

        // Act
        let sheet = read_file_keeping(
            bytes,
            None,
            Keep {
                columns: Some(&|_: &[String]| vec!["金额".to_owned()]),
                lines: Some(&lines),
            },
        )
        .unwrap();

        // Assert
        assert_eq!(sheet.headers, ["客户编号", "摘要", "金额"]);
        assert_eq!(sheet.rows.len(), 1);
        assert_eq!(sheet.rows[0].line, 3);
        assert_eq!(sheet.rows[0].cells, ["KH-2", "二", "200"]);
    }

    #[test]
    fn a_workbook_read_from_a_reader_is_the_workbook_read_from_its_bytes() {
        // Arrange
        let bytes = ledger_xlsx();
        let keep = Keep {
            columns: Some(&amounts_and_customers),
            lines: None,
        };

        // Act
        let streamed =
            crate::import::file::read_from(std::io::Cursor::new(bytes.clone()), None, keep)
                .unwrap();

        // Assert
        assert_eq!(streamed, read_file_keeping(&bytes, None, keep).unwrap());
    }

    #[test]
    fn a_header_only_read_stops_at_the_header() {
        // Arrange
        let none = BTreeSet::new();

        // Act
        let sheet = read_file_keeping(&ledger_xlsx(), None, Keep::header_only(&none)).unwrap();

        // Assert
        assert_eq!(sheet.headers, ["客户编号", "摘要", "金额"]);
        assert!(sheet.rows.is_empty());
    }

    #[test]
    fn a_mapping_is_held_when_every_column_it_reads_was_kept() {
        // Arrange
        let headers: Vec<String> = ["客户编号", "摘要", "金额"].map(String::from).to_vec();
        let kept = mapped_names(&headers, &[Some("customer"), None, Some("amount")]);

        // Act
        let same = holds(
            Some(&kept),
            &headers,
            &[Some("customer"), None, Some("amount")],
        );
        let more = holds(
            Some(&kept),
            &headers,
            &[Some("customer"), Some("memo"), None],
        );

        // Assert
        assert!(same);
        assert!(!more);
        assert!(holds(
            None,
            &headers,
            &[Some("customer"), Some("memo"), None]
        ));
    }
}
