//! The server's clock. Services take the time from here, so tests can hold it still or move
//! it on (SLA deadlines, expiries) instead of sleeping.

use std::sync::{Arc, Mutex};
use time::{Date, Duration, OffsetDateTime, format_description::well_known::Rfc3339};

#[derive(Clone, Default)]
pub struct Clock {
    /// `None`: the system clock. `Some`: a fixed time that only [`Clock::advance`] moves.
    fixed: Option<Arc<Mutex<OffsetDateTime>>>,
    /// Added to the system clock: a local server run "as if it were" another day
    /// (`credence-local --today`; the Lambda functions refuse it).
    shift: Duration,
}

impl Clock {
    pub fn system() -> Self {
        Self::default()
    }

    /// A clock stopped at `at` (tests).
    pub fn fixed(at: OffsetDateTime) -> Self {
        Self {
            fixed: Some(Arc::new(Mutex::new(at))),
            shift: Duration::ZERO,
        }
    }

    /// The system clock moved to `day`: it reads `day` now and runs on from there.
    pub fn shifted_to(day: Date) -> Self {
        let now = OffsetDateTime::now_utc();
        Self {
            fixed: None,
            shift: now.replace_date(day) - now,
        }
    }

    pub fn now(&self) -> OffsetDateTime {
        match &self.fixed {
            Some(t) => *t.lock().expect("clock lock"),
            None => OffsetDateTime::now_utc() + self.shift,
        }
    }

    pub fn today(&self) -> Date {
        self.now().date()
    }

    /// The time as stored in items (RFC 3339, UTC).
    pub fn stamp(&self) -> String {
        self.now().format(&Rfc3339).unwrap_or_default()
    }

    /// Moves a fixed clock on; a system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.fixed {
            let mut t = t.lock().expect("clock lock");
            *t += by;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_reads_its_day_and_runs_on() {
        let day = time::macros::date!(2030 - 02 - 28);

        let clock = Clock::shifted_to(day);

        assert_eq!(clock.today(), day);
        let (a, b) = (clock.now(), clock.now());
        assert!(b >= a, "it runs on");
    }

    #[test]
    fn a_fixed_clock_moves_only_when_advanced() {
        let start = time::macros::datetime!(2026-11-02 09:00 UTC);
        let clock = Clock::fixed(start);

        clock.advance(Duration::hours(25));

        assert_eq!(clock.now(), start + Duration::hours(25));
        assert_eq!(clock.today(), time::macros::date!(2026 - 11 - 03));
    }
}
