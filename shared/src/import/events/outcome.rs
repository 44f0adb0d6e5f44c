//! An outcome row of the scoring lab's outcome file: the customer, the day, bad or good.

use super::super::cells;
use super::super::rows::{ReadOptions, Reader, RowCells, RowIssue};
use super::{customer, finish, past_date};
use crate::messages::code;

/// An outcome row: the customer, the day, and whether it went bad (`bad`, `default`, `1`,
/// `坏`, `违约`…) or stayed good (`good`, `0`, `好`, `正常`…).
pub fn outcome_row(
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<(String, crate::lab::ImportedOutcome), Vec<RowIssue>> {
    let mut r = Reader::new(mapping, cells);
    let number = customer(&mut r);
    let day = past_date(&mut r, options, "an outcome cannot be dated in the future");
    let bad = match r
        .text("outcome")
        .map(|s| cells::half_width(&s).to_lowercase())
    {
        None => {
            r.issue("outcome", code::REQUIRED, "the outcome is empty");
            None
        }
        Some(s) => {
            let said = s.trim();
            let bad = [
                "bad",
                "default",
                "defaulted",
                "1",
                "yes",
                "true",
                "y",
                "坏",
                "违约",
                "是",
                "坏账",
            ];
            let good = ["good", "0", "no", "false", "n", "好", "正常", "否", "良好"];
            if bad.contains(&said) {
                Some(true)
            } else if good.contains(&said) {
                Some(false)
            } else {
                r.issue(
                    "outcome",
                    code::NOT_ALLOWED,
                    "bad or good (坏 / 违约 or 好 / 正常; 1 or 0)",
                );
                None
            }
        }
    };
    let value = match (number, day, bad) {
        (Some(number), Some(date), Some(bad)) => {
            Some((number, crate::lab::ImportedOutcome { date, bad }))
        }
        _ => None,
    };
    finish(r, value)
}
