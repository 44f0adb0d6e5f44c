//! When time alone moves a metric: every look-back window of [`super::metrics`] (3, 6, 9 and
//! 12 months) drops a dated fact of the ledger on a known day, so the day the next one drops
//! out is the day a score can next change with no new event. The daily pass wakes a customer
//! on it (besides the ageing and dormancy edges), and touches no one else.

use super::calendar::{months_after, months_before};
use super::ledger::{LedgerEntry, LedgerEvent};
use super::metrics::{BASELINE_MONTHS, RECENT_MONTHS, YEAR_MONTHS};
use time::Date;

/// The look-back windows the metrics use, in months.
pub const WINDOWS: [u32; 4] = [
    RECENT_MONTHS,
    6,
    RECENT_MONTHS + BASELINE_MONTHS,
    YEAR_MONTHS,
];

/// The first day on which a fact dated `fact` is outside a window of `months` (windows are
/// exclusive at their start: on day `d` they hold what is after `months_before(d, months)`).
pub fn leaves_window(fact: Date, months: u32) -> Date {
    let mut day = months_after(fact, months);
    // A month shorter than the fact's day clamps `months_after` a few days early.
    while months_before(day, months) < fact {
        match day.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
}

/// The first day after `as_of` on which a dated fact of `entries` (an entry's date, an
/// invoice's due date) leaves one of the [`WINDOWS`]; `None` when every fact has left them
/// all.
pub fn next_window_edge(entries: &[LedgerEntry], as_of: Date) -> Option<Date> {
    let oldest_inside = months_before(as_of, YEAR_MONTHS);
    entries
        .iter()
        .flat_map(|e| {
            let due = match &e.event {
                LedgerEvent::Invoice { due_date, .. } => Some(*due_date),
                _ => None,
            };
            std::iter::once(e.date).chain(due)
        })
        .filter(|fact| *fact > oldest_inside)
        .flat_map(|fact| WINDOWS.map(|m| leaves_window(fact, m)))
        .filter(|day| *day > as_of)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::ledger::DocRef;
    use crate::{Currency, Money};
    use rust_decimal::Decimal;
    use time::macros::date;

    fn invoice(date: Date, due: Date) -> LedgerEntry {
        LedgerEntry::new(
            date,
            LedgerEvent::Invoice {
                invoice: DocRef::parse("INV-1").unwrap(),
                amount: Money::new(Decimal::from(100), Currency::CNY),
                due_date: due,
                order: None,
            },
        )
    }

    #[test]
    fn a_fact_leaves_a_window_on_the_day_the_window_no_longer_reaches_it() {
        // Arrange: windows on day d hold what is after months_before(d, m).
        let cases = [
            (date!(2026 - 01 - 15), 3, date!(2026 - 04 - 15)),
            // 31 January: 28 February still reaches back to 28 January, so the 31st leaves
            // on 1 March.
            (date!(2026 - 01 - 31), 1, date!(2026 - 03 - 01)),
            (date!(2025 - 12 - 04), 12, date!(2026 - 12 - 04)),
        ];

        for (fact, months, expected) in cases {
            // Act
            let day = leaves_window(fact, months);

            // Assert
            assert_eq!(day, expected, "{fact} + {months} months");
            assert!(months_before(day, months) >= fact);
            assert!(months_before(day.previous_day().unwrap(), months) < fact);
        }
    }

    #[test]
    fn the_next_edge_is_the_earliest_day_an_invoice_or_its_due_date_leaves_a_window() {
        // Arrange: an invoice of 10 March due 9 April, seen on 1 June.
        let entries = [invoice(date!(2026 - 03 - 10), date!(2026 - 04 - 09))];

        // Act
        let next = next_window_edge(&entries, date!(2026 - 06 - 01));
        let after_that = next_window_edge(&entries, date!(2026 - 06 - 10));
        let long_gone = next_window_edge(&entries, date!(2027 - 05 - 01));

        // Assert: the invoice date leaves the 3-month window on 10 June, its due date on 9 July.
        assert_eq!(next, Some(date!(2026 - 06 - 10)));
        assert_eq!(after_that, Some(date!(2026 - 07 - 09)));
        assert_eq!(long_gone, None, "past every window, nothing moves any more");
    }
}
