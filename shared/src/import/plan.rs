//! How a file's rows go out: in which order and in which batches.
//!
//! Rows of facts about customers (open items, ledger history, signals) go customer by
//! customer, each customer's rows by date, and one customer's rows are not split over two
//! batches while they fit in one. So an invoice and the payment that settles it arrive
//! together whatever order the file is in (ERP exports are often newest first, or all
//! invoices and then all payments): the dry run folds them together, and the commit writes
//! each customer's credit file once per batch instead of once per row. Master records and
//! rates go in file order. The plan depends only on the rows and the mapping, so a commit
//! resumed after a reload finds the same batches.

use super::batch::MAX_ROWS;
use super::cells::{self, DayOrder};
use super::columns::ImportKind;
use super::rows::RowCells;

/// The batches `rows` are sent in, as positions in `rows` (none empty, none longer than
/// [`MAX_ROWS`]). Positions, not rows: a caller holding a million rows builds each batch's
/// wire rows only when it sends it.
pub fn batches<R: RowCells>(
    kind: ImportKind,
    mapping: &[Option<String>],
    day_order: DayOrder,
    rows: &[R],
) -> Vec<Vec<usize>> {
    let column = |field: &str| mapping.iter().position(|m| m.as_deref() == Some(field));
    let by_customer = matches!(
        kind,
        ImportKind::OpenItems | ImportKind::Ledger | ImportKind::Signals
    );
    let all: Vec<usize> = (0..rows.len()).collect();
    let Some(customer) = column("customer").filter(|_| by_customer) else {
        return all.chunks(MAX_ROWS).map(<[usize]>::to_vec).collect();
    };
    let date = column("date");
    let who = |i: usize| rows[i].cell(customer).unwrap_or("").trim();
    let mut order = all;
    // A stable sort: rows of one customer on one day keep the file's order.
    order.sort_by_cached_key(|&i| {
        let day = date
            .and_then(|d| rows[i].cell(d))
            .and_then(|d| cells::date(d, day_order).ok().flatten());
        (who(i), day)
    });

    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut rest = order.into_iter().peekable();
    while let Some(first) = rest.next() {
        let mut group = vec![first];
        while let Some(&next) = rest.peek() {
            if who(next) != who(first) {
                break;
            }
            group.extend(rest.next());
        }
        if current.len() + group.len() > MAX_ROWS && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        // A customer with more rows than a batch takes fills batches of its own, in date
        // order: each batch is committed before the next is sent.
        for i in group {
            if current.len() == MAX_ROWS {
                out.push(std::mem::take(&mut current));
            }
            current.push(i);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::import::batch::BatchRow;

    fn row(line: u32, customer: &str, date: &str) -> BatchRow {
        BatchRow {
            line,
            cells: vec![customer.to_owned(), date.to_owned()],
        }
    }

    /// The planned batches as the rows they hold.
    fn plan(kind: ImportKind, rows: Vec<BatchRow>) -> Vec<Vec<BatchRow>> {
        batches(kind, &mapping(), DayOrder::DayFirst, &rows)
            .into_iter()
            .map(|b| b.into_iter().map(|i| rows[i].clone()).collect())
            .collect()
    }

    fn mapping() -> Vec<Option<String>> {
        vec![Some("customer".into()), Some("date".into())]
    }

    fn lines(batches: &[Vec<BatchRow>]) -> Vec<Vec<u32>> {
        batches
            .iter()
            .map(|b| b.iter().map(|r| r.line).collect())
            .collect()
    }

    #[test]
    fn a_ledger_newest_first_goes_customer_by_customer_oldest_first() {
        // Arrange: payments above their invoices, two customers interleaved.
        let rows = vec![
            row(2, "K2", "2026-03-01"),
            row(3, "K1", "2026-03-01"),
            row(4, "K2", "2026-01-05"),
            row(5, "K1", "2026/1/5"),
        ];

        // Act
        let planned = plan(ImportKind::Ledger, rows);

        // Assert
        assert_eq!(lines(&planned), vec![vec![5, 3, 4, 2]]);
    }

    #[test]
    fn a_customer_is_not_split_over_two_batches_while_it_fits_in_one() {
        // Arrange: 300 rows of K1, then 300 of K2.
        let rows: Vec<BatchRow> = (0..600)
            .map(|i| row(i + 2, if i < 300 { "K1" } else { "K2" }, "2026-01-05"))
            .collect();

        // Act
        let planned = plan(ImportKind::Ledger, rows);

        // Assert
        let sizes: Vec<usize> = planned.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![300, 300]);
        assert!(planned[1].iter().all(|r| r.cells[0] == "K2"));
    }

    #[test]
    fn a_customer_with_more_rows_than_a_batch_fills_batches_of_its_own() {
        // Arrange
        let mut rows: Vec<BatchRow> = (0..1200).map(|i| row(i + 2, "BIG", "2026-01-05")).collect();
        rows.push(row(5000, "A", "2026-01-05"));

        // Act
        let planned = plan(ImportKind::Ledger, rows);

        // Assert
        let sizes: Vec<usize> = planned.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![1, 500, 500, 200]);
    }

    #[test]
    fn customers_and_rates_go_in_file_order_in_full_batches() {
        // Arrange
        let rows: Vec<BatchRow> = (0..1001).map(|i| row(i + 2, "Z", "2026-01-05")).collect();

        // Act
        let planned = plan(ImportKind::Customers, rows);

        // Assert
        let sizes: Vec<usize> = planned.iter().map(Vec::len).collect();
        assert_eq!(sizes, vec![500, 500, 1]);
        assert_eq!(planned[0][0].line, 2);
    }
}
