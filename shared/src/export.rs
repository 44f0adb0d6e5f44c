//! What every export (CSV today) does to a cell before it is written: a cell that a
//! spreadsheet would read as a formula is neutralised.
//!
//! The OWASP rule for CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return is prefixed with a single quote, so Excel, LibreOffice and Numbers show it
//! as text instead of running it (`=HYPERLINK(...)`, `=cmd|...`). A negative number in a
//! numeric column is neutralised too (`'-5`): that is the price of one rule for every cell.
//! Quoting and escaping stay the CSV writer's job; this only decides what the text is.

use std::borrow::Cow;

/// The first characters a spreadsheet may take as the start of a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as an export writes it: prefixed with `'` when it starts like a formula,
/// unchanged (and not copied) otherwise.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Every cell of a row through [`safe_cell`].
pub fn safe_row<I, S>(cells: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    cells
        .into_iter()
        .map(|c| safe_cell(c.as_ref()).into_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_that_starts_like_a_formula_is_prefixed_with_a_quote() {
        // Arrange
        let formulas = [
            "=HYPERLINK(\"https://evil.example\",\"click\")",
            "+1+1",
            "-2+3",
            "@SUM(A1:A2)",
            "\t=1",
            "\r=1",
        ];
        // Act / Assert
        for cell in formulas {
            assert_eq!(safe_cell(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn any_other_cell_is_left_as_it_is() {
        // Arrange
        let plain = [
            "",
            "li.na",
            "request R1: 付清",
            r#"{"on_hold":false}"#,
            "a=b",
            " =1",
            "'=1",
            "2026-03-02T09:05:07Z",
        ];
        // Act / Assert
        for cell in plain {
            assert!(
                matches!(safe_cell(cell), Cow::Borrowed(c) if c == cell),
                "{cell:?}"
            );
        }
    }

    #[test]
    fn a_negative_number_is_neutralised_like_any_cell_starting_with_a_minus() {
        // Act / Assert
        assert_eq!(safe_cell("-5"), "'-5");
    }

    #[test]
    fn a_row_is_made_safe_cell_by_cell() {
        // Act
        let row = safe_row(["ok", "=1+1", "@x"]);
        // Assert
        assert_eq!(row, ["ok", "'=1+1", "'@x"]);
    }
}
