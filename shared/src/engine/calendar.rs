//! Calendar arithmetic the engine agrees on: day counts, calendar months, and how a date is
//! written in JSON.
//!
//! Windows such as "the last 3 months" are calendar months counted back from the as-of date
//! (31 May − 3 months = 29 February in a leap year), not blocks of 30 days, because that is
//! how people read a statement.

use time::{Date, Month};

// `YYYY-MM-DD` in JSON whatever features other crates switch on for `time`: with
// `serde-human-readable` off, `time` would otherwise write a date as a `[year, ordinal]` tuple.
time::serde::format_description!(pub iso_date, Date, "[year]-[month]-[day]");

/// Signed whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from(to.to_julian_day()) - i64::from(from.to_julian_day())
}

/// Whole days from `from` to `to`, or 0 when `to` is not later.
pub fn days_after(from: Date, to: Date) -> u32 {
    u32::try_from(days_between(from, to).max(0)).unwrap_or(u32::MAX)
}

/// The same day `months` calendar months earlier; the day is clamped to the end of a shorter
/// month (31 March − 1 month = 28 or 29 February).
pub fn months_before(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 - months as i32;
    let year = total.div_euclid(12);
    // `rem_euclid(12)` is 0..=11, so the month number is 1..=12.
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

/// The same day `months` calendar months later, clamped like [`months_before`]: the first
/// day on which [`whole_months_between`] from `date` reaches `months`.
pub fn months_after(date: Date, months: u32) -> Date {
    let total = date.year() * 12 + i32::from(u8::from(date.month())) - 1 + months as i32;
    let year = total.div_euclid(12);
    let month = Month::try_from((total.rem_euclid(12) + 1) as u8).unwrap_or(Month::January);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MAX)
}

/// Whole calendar months from `from` to `to` (0 when `to` is not later). A month is complete
/// when its day number is reached or, in a shorter month, when that month ends: 15 Jan → 14 Feb
/// is 0, 31 Jan → 29 Feb is 1, as a contract anniversary is counted.
pub fn whole_months_between(from: Date, to: Date) -> u32 {
    if to <= from {
        return 0;
    }
    let months = (to.year() - from.year()) * 12 + i32::from(u8::from(to.month()))
        - i32::from(u8::from(from.month()));
    let anniversary_day = from.day().min(to.month().length(to.year()));
    let months = if to.day() < anniversary_day {
        months - 1
    } else {
        months
    };
    months.max(0) as u32
}

/// Whole years from `from` to `to` (0 when `to` is not later). A company founded on
/// 29 February has its birthday on 28 February in other years.
pub fn whole_years_between(from: Date, to: Date) -> u32 {
    whole_months_between(from, to) / 12
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_after_is_the_first_day_the_months_are_whole() {
        use time::macros::date;
        for (from, months, to) in [
            (date!(2026 - 01 - 31), 1, date!(2026 - 02 - 28)),
            (date!(2025 - 11 - 30), 3, date!(2026 - 02 - 28)),
            (date!(2026 - 06 - 15), 6, date!(2026 - 12 - 15)),
        ] {
            let after = super::months_after(from, months);
            assert_eq!(after, to);
            assert_eq!(super::whole_months_between(from, after), months);
            assert_eq!(
                super::whole_months_between(from, after.previous_day().unwrap()),
                months - 1
            );
        }
    }

    use super::*;
    use time::macros::date;

    #[test]
    fn days_between_is_signed() {
        assert_eq!(
            days_between(date!(2024 - 02 - 28), date!(2024 - 03 - 01)),
            2
        );
        assert_eq!(
            days_between(date!(2023 - 02 - 28), date!(2023 - 03 - 01)),
            1
        );
        assert_eq!(
            days_between(date!(2024 - 03 - 01), date!(2024 - 02 - 28)),
            -2
        );
        assert_eq!(days_after(date!(2024 - 03 - 01), date!(2024 - 02 - 28)), 0);
    }

    #[test]
    fn months_before_clamps_to_the_end_of_a_shorter_month() {
        let check = |date: Date, months: u32, expected: Date| {
            assert_eq!(months_before(date, months), expected, "{date} - {months}");
        };
        check(date!(2024 - 05 - 31), 3, date!(2024 - 02 - 29));
        check(date!(2023 - 05 - 31), 3, date!(2023 - 02 - 28));
        check(date!(2024 - 03 - 15), 12, date!(2023 - 03 - 15));
        check(date!(2024 - 01 - 31), 1, date!(2023 - 12 - 31));
        check(date!(2024 - 02 - 29), 12, date!(2023 - 02 - 28));
        check(date!(2024 - 07 - 10), 0, date!(2024 - 07 - 10));
    }

    #[test]
    fn whole_months_count_only_completed_months() {
        let check = |from: Date, to: Date, expected: u32| {
            assert_eq!(whole_months_between(from, to), expected, "{from} → {to}");
        };
        check(date!(2024 - 01 - 31), date!(2024 - 02 - 28), 0);
        check(date!(2024 - 01 - 31), date!(2024 - 02 - 29), 1);
        check(date!(2024 - 01 - 15), date!(2024 - 02 - 14), 0);
        check(date!(2024 - 01 - 15), date!(2024 - 02 - 15), 1);
        check(date!(2024 - 01 - 15), date!(2024 - 01 - 14), 0);
        check(date!(2022 - 06 - 01), date!(2024 - 06 - 01), 24);
        check(date!(2022 - 06 - 02), date!(2024 - 06 - 01), 23);
        check(date!(2020 - 02 - 29), date!(2021 - 02 - 28), 12);
    }

    #[test]
    fn a_company_founded_on_a_leap_day_ages_on_the_last_day_of_february() {
        assert_eq!(
            whole_years_between(date!(2020 - 02 - 29), date!(2021 - 02 - 27)),
            0
        );
        assert_eq!(
            whole_years_between(date!(2020 - 02 - 29), date!(2021 - 02 - 28)),
            1
        );
    }

    #[test]
    fn dates_are_written_as_iso_strings() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Holder {
            #[serde(with = "iso_date")]
            on: Date,
        }
        let json = serde_json::to_string(&Holder {
            on: date!(2024 - 02 - 29),
        })
        .unwrap();
        assert_eq!(json, r#"{"on":"2024-02-29"}"#);
        let back: Holder = serde_json::from_str(&json).unwrap();
        assert_eq!(back.on, date!(2024 - 02 - 29));
        assert!(serde_json::from_str::<Holder>(r#"{"on":"2023-02-29"}"#).is_err());
    }
}
