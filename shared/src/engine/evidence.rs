//! What outside sources and the customer's accounts said, as its credit file keeps it, so
//! every recompute — a payment, a decision, the daily re-score — scores with it.
//!
//! A signal (a lawsuit, an enforcement-list hit, insolvency proceedings, an abnormal-operation
//! listing, negative news, a bureau rating, or "checked, nothing found") is kept as a
//! [`SignalFact`]: its kind, date, whether it is closed and the rating it gave. What the
//! scorecard reads on a day ([`Evidence::signals_on`]) follows from them:
//! - lawsuits as defendant filed in the last 24 months, and negative news and
//!   abnormal-operation listings of the last 12 months, are *counted* when the sources were
//!   checked in the last 12 months (any signal recorded is a check on its day) or when some
//!   were found; otherwise they are unknown, and the model charges "not checked";
//! - an enforcement-list listing or insolvency proceedings count until closed (a listing
//!   lifted, proceedings ended), whatever their age;
//! - the bureau rating is the latest of the last 24 months.
//!
//! Statements are kept newest first (at most [`MAX_STATEMENTS`]); the scorecard uses the
//! newest that is current on the day (no more than 18 months old: [`Financials::is_current`]).

use super::calendar::months_before;
use super::facts::{BureauRating, ExternalSignals, Financials};
use serde::{Deserialize, Serialize};
use time::Date;

/// What an outside source reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    /// A lawsuit with the customer as defendant.
    Lawsuit,
    /// On the list of dishonest judgment debtors (失信被执行人).
    EnforcementList,
    NegativeNews,
    /// Bankruptcy, liquidation or restructuring proceedings.
    Insolvency,
    /// Listed for abnormal operation (经营异常名录).
    AbnormalOperation,
    /// A credit bureau's rating (agency and class 1 best to 10 worst).
    BureauRating,
    /// The sources were checked on the day and reported nothing.
    NothingFound,
}

/// What a credit file keeps of one signal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignalFact {
    /// The signal's identity (source, kind, case or document number, date): a signal
    /// recorded again under it replaces the fact (a listing lifted closes it).
    pub key: String,
    pub kind: SignalKind,
    #[serde(with = "super::calendar::iso_date")]
    pub date: Date,
    /// A listing lifted, proceedings ended, a suit closed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub closed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<BureauRating>,
}

/// Statements kept per customer.
pub const MAX_STATEMENTS: usize = 4;
/// Signal facts kept per customer; the oldest closed or counted ones go first.
pub const MAX_SIGNALS: usize = 200;
/// Months a lawsuit and a bureau rating count for.
const LONG_MONTHS: u32 = 24;
/// Months negative news counts for, and a check stays a check.
const SHORT_MONTHS: u32 = 12;

/// A customer's evidence apart from its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signals: Vec<SignalFact>,
    /// The last day outside sources were checked (a signal recorded or nothing found).
    #[serde(
        default,
        with = "super::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub checked_on: Option<Date>,
    /// Newest period first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statements: Vec<Financials>,
}

impl Evidence {
    /// Records a signal found when the sources were checked on `checked_on`: replaces the
    /// fact with its key, or adds it; facts that no longer count on `today` are dropped.
    pub fn record(&mut self, fact: SignalFact, checked_on: Date, today: Date) {
        self.checked_on = self.checked_on.max(Some(checked_on.max(fact.date)));
        match self.signals.iter_mut().find(|f| f.key == fact.key) {
            Some(same) => *same = fact,
            None => self.signals.push(fact),
        }
        let oldest = months_before(today, LONG_MONTHS);
        self.signals
            .retain(|f| f.kind != SignalKind::NothingFound && (f.date > oldest || lasting(f)));
        self.signals
            .sort_by(|a, b| b.date.cmp(&a.date).then(a.key.cmp(&b.key)));
        if self.signals.len() > MAX_SIGNALS {
            // Newest first: the open listings are kept, the oldest others go.
            let mut kept = 0;
            self.signals.retain(|f| {
                kept += 1;
                kept <= MAX_SIGNALS || lasting(f)
            });
        }
    }

    /// Records a statement, replacing one of the same period.
    pub fn add_statement(&mut self, statement: Financials) {
        self.statements
            .retain(|s| s.period_end() != statement.period_end());
        self.statements.push(statement);
        self.statements
            .sort_by_key(|s| std::cmp::Reverse(s.period_end()));
        self.statements.truncate(MAX_STATEMENTS);
    }

    /// The newest statement current on `as_of`.
    pub fn financials_on(&self, as_of: Date) -> Option<Financials> {
        self.statements
            .iter()
            .find(|s| s.is_current(as_of))
            .cloned()
    }

    /// What the scorecard reads of outside sources on `as_of`.
    pub fn signals_on(&self, as_of: Date) -> ExternalSignals {
        let known = self.signals.iter().filter(|f| f.date <= as_of);
        let long = months_before(as_of, LONG_MONTHS);
        let short = months_before(as_of, SHORT_MONTHS);
        let checked = self.checked_on.is_some_and(|c| c <= as_of && c > short)
            || self
                .signals
                .iter()
                .any(|f| f.date <= as_of && f.date > short);
        let count = |kinds: &[SignalKind], since: Date| {
            let n = known
                .clone()
                .filter(|f| kinds.contains(&f.kind) && f.date > since)
                .count();
            let n = u32::try_from(n).unwrap_or(u32::MAX);
            (checked || n > 0).then_some(n)
        };
        let open = |kind: SignalKind| known.clone().any(|f| f.kind == kind && !f.closed);
        ExternalSignals {
            lawsuits_24m: count(&[SignalKind::Lawsuit], long),
            on_enforcement_list: open(SignalKind::EnforcementList),
            insolvency: open(SignalKind::Insolvency),
            negative_news_12m: count(
                &[SignalKind::NegativeNews, SignalKind::AbnormalOperation],
                short,
            ),
            bureau_rating: known
                .clone()
                .filter(|f| f.kind == SignalKind::BureauRating && f.date > long && !f.closed)
                .max_by_key(|f| f.date)
                .and_then(|f| f.rating.clone()),
        }
    }
}

/// A listing that counts until it is closed, however old.
fn lasting(fact: &SignalFact) -> bool {
    matches!(
        fact.kind,
        SignalKind::EnforcementList | SignalKind::Insolvency
    ) && !fact.closed
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn fact(key: &str, kind: SignalKind, date: Date) -> SignalFact {
        SignalFact {
            key: key.into(),
            kind,
            date,
            closed: false,
            rating: None,
        }
    }

    #[test]
    fn never_checked_is_unknown_and_nothing_found_is_zero() {
        // Arrange
        let mut evidence = Evidence::default();
        let today = date!(2026 - 11 - 30);
        let before = evidence.signals_on(today);

        // Act
        evidence.record(fact("a", SignalKind::NothingFound, today), today, today);

        // Assert
        assert_eq!(before.lawsuits_24m, None);
        assert_eq!(before.negative_news_12m, None);
        let after = evidence.signals_on(today);
        assert_eq!(after.lawsuits_24m, Some(0));
        assert_eq!(after.negative_news_12m, Some(0));
        assert!(
            evidence.signals.is_empty(),
            "a clean check keeps only its date"
        );
        assert_eq!(
            evidence.signals_on(date!(2027 - 12 - 31)).lawsuits_24m,
            None,
            "a check more than a year old is no check"
        );
    }

    #[test]
    fn lawsuits_count_for_two_years_and_a_listing_until_it_is_lifted() {
        // Arrange
        let mut evidence = Evidence::default();
        let day = date!(2026 - 03 - 01);
        evidence.record(fact("s1", SignalKind::Lawsuit, day), day, day);
        evidence.record(
            fact("s2", SignalKind::Lawsuit, date!(2026 - 06 - 01)),
            day,
            day,
        );
        evidence.record(fact("l", SignalKind::EnforcementList, day), day, day);

        // Act
        let soon = evidence.signals_on(date!(2026 - 07 - 01));
        let later = evidence.signals_on(date!(2028 - 04 - 01));
        let mut lifted = fact("l", SignalKind::EnforcementList, day);
        lifted.closed = true;
        evidence.record(lifted, date!(2026 - 08 - 01), date!(2026 - 08 - 01));

        // Assert
        assert_eq!(soon.lawsuits_24m, Some(2));
        assert!(soon.on_enforcement_list);
        assert_eq!(
            later.lawsuits_24m,
            Some(1),
            "the March suit is 25 months old"
        );
        assert!(
            later.on_enforcement_list,
            "a listing counts until it is lifted"
        );
        assert!(
            !evidence
                .signals_on(date!(2026 - 09 - 01))
                .on_enforcement_list
        );
    }

    #[test]
    fn the_latest_bureau_rating_counts_and_a_statement_of_the_same_period_replaces_the_old() {
        // Arrange
        let mut evidence = Evidence::default();
        let rating = |agency: &str, class: u8, key: &str, day: Date| SignalFact {
            rating: Some(BureauRating::new(agency, class).unwrap()),
            ..fact(key, SignalKind::BureauRating, day)
        };
        let day = date!(2026 - 10 - 01);
        evidence.record(rating("中诚信", 3, "r1", date!(2026 - 01 - 10)), day, day);
        evidence.record(rating("中诚信", 6, "r2", date!(2026 - 09 - 10)), day, day);
        let lines = super::super::facts::StatementLines {
            total_assets: 1000.into(),
            current_assets: 400.into(),
            current_liabilities: 200.into(),
            total_liabilities: 500.into(),
            retained_earnings: 100.into(),
            ebit: 80.into(),
            equity: 500.into(),
        };
        let cny = crate::Currency::parse("CNY").unwrap();
        let older = Financials::new(cny, date!(2024 - 12 - 31), lines).unwrap();
        let newer = Financials::new(cny, date!(2025 - 12 - 31), lines).unwrap();

        // Act
        evidence.add_statement(newer.clone());
        evidence.add_statement(older);
        evidence.add_statement(newer.clone());

        // Assert
        let signals = evidence.signals_on(day);
        assert_eq!(signals.bureau_rating.map(|r| r.class()), Some(6));
        assert_eq!(evidence.statements.len(), 2);
        assert_eq!(evidence.financials_on(day), Some(newer));
        assert_eq!(
            evidence.financials_on(date!(2027 - 07 - 01)),
            None,
            "both are more than 18 months old"
        );
    }
}
