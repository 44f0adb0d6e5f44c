//! The bounds of what a client may send, and date arithmetic that cannot panic.
//!
//! `time::Date + Duration` panics past the year 9999 and `Decimal` arithmetic past about
//! 7.9 × 10^28, so a date or an amount taken as sent could make every later pass over the
//! stored value fail. Every date a client sends must lie in a [`DateWindow`] (by default
//! 1900-01-01 ..= today + 10 years) and every amount in [`check_amount`]'s range (at most
//! [`MAX_AMOUNT`] = 10^15 in the currency's units, at most [`MAX_PLACES`] decimals). Both
//! the browser and the server run these checks. Behind the door, [`add_days`] and
//! [`add_years`] saturate instead of panicking, so even a value stored before the checks
//! existed cannot stop the watcher.

use crate::dto::FieldError;
use crate::messages::code;
use rust_decimal::Decimal;
use time::{Date, Duration};

/// The earliest date a client may send.
pub const EARLIEST: Date = time::macros::date!(1900 - 01 - 01);
/// How many years ahead of today a date may lie.
pub const YEARS_AHEAD: i32 = 10;
/// How many days ahead a temporary limit may last (a year, leap day included).
pub const TEMPORARY_DAYS_AHEAD: i64 = 366;
/// How far ahead a reviewed limit's validity may reach (three years).
pub const VALIDITY_DAYS_AHEAD: i64 = 1096;
/// The largest amount a client may send: 10^15 in the currency's units. Far above any real
/// invoice or limit, far below where sums and products of amounts overflow a `Decimal`.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(0xA4C6_8000, 0x0003_8D7E, 0, false, 0);
/// The most decimal places an amount may carry (a currency's minor units, at most 4).
pub const MAX_PLACES: u32 = 4;

/// Why a date or an amount is refused. The message is what the field error says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BoundsError {
    #[error("must be on or after {0}")]
    TooEarly(Date),
    #[error("must be on or before {0}")]
    TooLate(Date),
    #[error("must be at most 1000000000000000 (10^15)")]
    TooLarge,
    #[error("must be at least -1000000000000000 (-10^15)")]
    TooSmall,
    #[error("at most {0} decimal places")]
    TooPrecise(u32),
}

impl BoundsError {
    /// This error as the field error of `field`.
    pub fn at(self, field: impl Into<String>) -> FieldError {
        let error = FieldError::new(field, self.code(), self.to_string());
        match self {
            BoundsError::TooEarly(d) | BoundsError::TooLate(d) => error.with("date", d),
            BoundsError::TooLarge => error.with("max", MAX_AMOUNT),
            BoundsError::TooSmall => error.with("min", -MAX_AMOUNT),
            BoundsError::TooPrecise(places) => error.with("max", places),
        }
    }

    /// The stable message code ([`crate::messages::code`]) of this error.
    pub fn code(self) -> &'static str {
        match self {
            BoundsError::TooEarly(_) => code::DATE_TOO_EARLY,
            BoundsError::TooLate(_) => code::DATE_TOO_LATE,
            BoundsError::TooLarge => code::AMOUNT_TOO_LARGE,
            BoundsError::TooSmall => code::AMOUNT_TOO_SMALL,
            BoundsError::TooPrecise(_) => code::NUMBER_DECIMALS,
        }
    }
}

/// The days a date may fall on, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    pub earliest: Date,
    pub latest: Date,
}

impl DateWindow {
    /// The window for any date a client sends: 1900-01-01 ..= today + 10 years.
    pub fn around(today: Date) -> Self {
        Self {
            earliest: EARLIEST,
            latest: add_years(today, YEARS_AHEAD),
        }
    }

    /// The window for what already happened (ledger events, signals): 1900-01-01 ..= today.
    pub fn until_today(today: Date) -> Self {
        Self {
            earliest: EARLIEST,
            latest: today.max(EARLIEST),
        }
    }

    /// The window for a temporary limit's last day: today ..= a year ahead.
    pub fn temporary(today: Date) -> Self {
        Self {
            earliest: today,
            latest: add_days(today, TEMPORARY_DAYS_AHEAD),
        }
    }

    /// Whether `date` lies in the window.
    pub fn contains(&self, date: Date) -> bool {
        (self.earliest..=self.latest).contains(&date)
    }

    /// `date` when it lies in the window, else which end it passes.
    pub fn check(&self, date: Date) -> Result<Date, BoundsError> {
        if date < self.earliest {
            Err(BoundsError::TooEarly(self.earliest))
        } else if date > self.latest {
            Err(BoundsError::TooLate(self.latest))
        } else {
            Ok(date)
        }
    }
}

/// Checks a date a client sent against the default window around `today`.
pub fn check_date(date: Date, today: Date) -> Result<Date, BoundsError> {
    DateWindow::around(today).check(date)
}

/// Checks an amount a client sent: at most 10^15 either way and at most [`MAX_PLACES`]
/// decimals. Signs are the caller's rule (a limit is zero or more, a payment positive).
pub fn check_amount(amount: Decimal) -> Result<Decimal, BoundsError> {
    if amount > MAX_AMOUNT {
        Err(BoundsError::TooLarge)
    } else if amount < -MAX_AMOUNT {
        Err(BoundsError::TooSmall)
    } else if amount.normalize().scale() > MAX_PLACES {
        Err(BoundsError::TooPrecise(MAX_PLACES))
    } else {
        Ok(amount)
    }
}

/// `date` moved by `days` (either way), saturating at the first or last representable day
/// instead of panicking as `date + Duration::days(days)` does.
pub fn add_days(date: Date, days: i64) -> Date {
    match date.checked_add(Duration::days(days.clamp(-MAX_SPAN, MAX_SPAN))) {
        Some(d) => d,
        None if days >= 0 => Date::MAX,
        None => Date::MIN,
    }
}

/// `date` moved `days` back, saturating like [`add_days`].
pub fn sub_days(date: Date, days: i64) -> Date {
    add_days(date, days.saturating_neg())
}

/// The same day `years` later (29 February becomes 28 February in a common year),
/// saturating at the last or first representable day.
pub fn add_years(date: Date, years: i32) -> Date {
    let Some(year) = date.year().checked_add(years) else {
        return if years >= 0 { Date::MAX } else { Date::MIN };
    };
    if year > Date::MAX.year() {
        return Date::MAX;
    }
    if year < Date::MIN.year() {
        return Date::MIN;
    }
    let month = date.month();
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(if years >= 0 {
        Date::MAX
    } else {
        Date::MIN
    })
}

/// More days than lie between the first and the last representable date, so clamping to it
/// never changes an answer but keeps `Duration::days` itself from overflowing.
const MAX_SPAN: i64 = 20_000 * 366;

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::dec;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 03 - 15);

    #[test]
    fn the_default_window_runs_from_1900_to_ten_years_ahead() {
        let window = DateWindow::around(TODAY);

        assert_eq!(window.earliest, date!(1900 - 01 - 01));
        assert_eq!(window.latest, date!(2036 - 03 - 15));
        assert!(window.contains(date!(1900 - 01 - 01)));
        assert!(window.contains(date!(2036 - 03 - 15)));
        assert_eq!(
            check_date(date!(9999 - 12 - 31), TODAY),
            Err(BoundsError::TooLate(date!(2036 - 03 - 15)))
        );
        assert_eq!(
            check_date(date!(-9999 - 01 - 01), TODAY),
            Err(BoundsError::TooEarly(date!(1900 - 01 - 01)))
        );
        assert_eq!(check_date(TODAY, TODAY), Ok(TODAY));
    }

    #[test]
    fn a_temporary_limit_lasts_from_today_to_a_year_ahead() {
        let window = DateWindow::temporary(TODAY);

        assert!(window.contains(TODAY));
        assert!(window.contains(date!(2027 - 03 - 16)));
        assert!(!window.contains(date!(2027 - 03 - 17)));
        assert!(!window.contains(date!(2026 - 03 - 14)));
    }

    #[test]
    fn what_already_happened_lies_between_1900_and_today() {
        let window = DateWindow::until_today(TODAY);

        assert!(window.contains(TODAY));
        assert_eq!(
            window.check(date!(2026 - 03 - 16)),
            Err(BoundsError::TooLate(TODAY))
        );
        assert!(!window.contains(date!(1899 - 12 - 31)));
    }

    #[test]
    fn an_amount_is_at_most_ten_to_the_fifteen_with_four_decimals() {
        assert_eq!(check_amount(MAX_AMOUNT), Ok(dec!(1_000_000_000_000_000)));
        assert_eq!(
            check_amount(MAX_AMOUNT + dec!(0.01)),
            Err(BoundsError::TooLarge)
        );
        assert_eq!(check_amount(Decimal::MAX), Err(BoundsError::TooLarge));
        assert_eq!(check_amount(Decimal::MIN), Err(BoundsError::TooSmall));
        assert_eq!(check_amount(dec!(12.3456)), Ok(dec!(12.3456)));
        assert_eq!(check_amount(dec!(12.34500)), Ok(dec!(12.34500)));
        assert_eq!(
            check_amount(dec!(12.34567)),
            Err(BoundsError::TooPrecise(4))
        );
    }

    #[test]
    fn a_bounds_error_names_its_field() {
        let error = BoundsError::TooLarge.at("limit.amount");

        assert_eq!(error.field, "limit.amount");
        assert!(error.message.contains("10^15"));
    }

    #[test]
    fn day_arithmetic_saturates_at_the_ends_of_the_calendar() {
        assert_eq!(add_days(date!(9999 - 12 - 31), 1), Date::MAX);
        assert_eq!(add_days(date!(9999 - 12 - 01), 91), Date::MAX);
        assert_eq!(sub_days(date!(-9999 - 01 - 01), 30), Date::MIN);
        assert_eq!(add_days(TODAY, i64::MAX), Date::MAX);
        assert_eq!(add_days(TODAY, i64::MIN), Date::MIN);
        assert_eq!(sub_days(TODAY, i64::MIN), Date::MAX);
        assert_eq!(add_days(TODAY, 17), date!(2026 - 04 - 01));
        assert_eq!(sub_days(TODAY, 15), date!(2026 - 02 - 28));
    }

    #[test]
    fn year_arithmetic_keeps_the_day_and_saturates() {
        assert_eq!(add_years(date!(2024 - 02 - 29), 1), date!(2025 - 02 - 28));
        assert_eq!(add_years(date!(2024 - 02 - 29), 4), date!(2028 - 02 - 29));
        assert_eq!(add_years(date!(9995 - 06 - 01), 10), Date::MAX);
        assert_eq!(add_years(date!(-9995 - 06 - 01), -10), Date::MIN);
        assert_eq!(add_years(TODAY, i32::MAX), Date::MAX);
    }
}
