//! Facts: everything known about one customer at one date, in the shape the scorecard reads.
//!
//! The behaviour part comes from the ledger ([`Behaviour`]); the rest (profile, external
//! signals, financial statements, standing with us) comes from the customer's file. A
//! [`Metric`] names one number in the facts, a [`Flag`] one yes/no, so a model stored as data
//! can point at them.

use super::book::Book;
use super::calendar::{iso_date, months_before};
use super::identity::RegistrationId;
use super::metrics::{self, Behaviour};
use super::open_items::ExposureComposition;
use crate::{Currency, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// Everything the engine knows about one customer on `as_of`, amounts in `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// The customer's account currency.
    pub currency: Currency,
    pub customer: CustomerInfo,
    pub behaviour: Behaviour,
}

/// What we know of the customer apart from its ledger.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerInfo {
    #[serde(default)]
    pub profile: Profile,
    #[serde(default)]
    pub signals: ExternalSignals,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub financials: Option<Financials>,
    /// On our own blacklist.
    #[serde(default)]
    pub blacklisted: bool,
    /// The credit limit in force, if any (utilisation is measured against it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<Money>,
    /// What sales expects the customer to buy per month; overrides the ledger's average in
    /// the limit formula (for a new customer, the ledger has none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_monthly_purchases: Option<Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// Date of establishment (成立日期) as registered.
    #[serde(
        default,
        with = "iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub founded: Option<Date>,
    /// Registered capital (注册资本). Subscribed, not necessarily paid in, so not scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_capital: Option<Money>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<CompanySize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<RegistrationId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CompanySize {
    Micro,
    Small,
    Medium,
    Large,
}

/// What outside sources say. Counts are `None` until the sources have been checked, so "not
/// looked" is never mistaken for "nothing found".
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalSignals {
    /// Lawsuits with the customer as defendant filed in the last 24 months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lawsuits_24m: Option<u32>,
    /// On the list of dishonest judgment debtors (失信被执行人) or an equivalent.
    #[serde(default)]
    pub on_enforcement_list: bool,
    /// In bankruptcy, liquidation or restructuring proceedings.
    #[serde(default)]
    pub insolvency: bool,
    /// Negative news items in the last 12 months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negative_news_12m: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bureau_rating: Option<BureauRating>,
}

/// A credit bureau's rating, mapped by the integration onto one scale: class 1 (best) to
/// 10 (worst), so the model needs no per-agency bins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawBureauRating", into = "RawBureauRating")]
pub struct BureauRating {
    agency: String,
    class: u8,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBureauRating {
    agency: String,
    class: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactsError {
    #[error("a bureau rating class is 1 (best) to 10 (worst), got {0}")]
    BureauClass(u8),
    #[error("a bureau rating names its agency")]
    BureauAgency,
    #[error("financial statements need positive total assets and non-negative liabilities")]
    Statements,
}

impl BureauRating {
    pub fn new(agency: &str, class: u8) -> Result<Self, FactsError> {
        if agency.trim().is_empty() {
            return Err(FactsError::BureauAgency);
        }
        if !(1..=10).contains(&class) {
            return Err(FactsError::BureauClass(class));
        }
        Ok(Self {
            agency: agency.trim().to_owned(),
            class,
        })
    }
    pub fn agency(&self) -> &str {
        &self.agency
    }
    pub fn class(&self) -> u8 {
        self.class
    }
}

impl TryFrom<RawBureauRating> for BureauRating {
    type Error = FactsError;
    fn try_from(raw: RawBureauRating) -> Result<Self, FactsError> {
        BureauRating::new(&raw.agency, raw.class)
    }
}
impl From<BureauRating> for RawBureauRating {
    fn from(r: BureauRating) -> Self {
        RawBureauRating {
            agency: r.agency,
            class: r.class,
        }
    }
}

/// The figures of one set of financial statements the scoring uses, in `currency`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawFinancials", into = "RawFinancials")]
pub struct Financials {
    currency: Currency,
    period_end: Date,
    total_assets: Decimal,
    current_assets: Decimal,
    current_liabilities: Decimal,
    total_liabilities: Decimal,
    retained_earnings: Decimal,
    ebit: Decimal,
    equity: Decimal,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinancials {
    currency: Currency,
    #[serde(with = "iso_date")]
    period_end: Date,
    total_assets: Decimal,
    current_assets: Decimal,
    current_liabilities: Decimal,
    total_liabilities: Decimal,
    retained_earnings: Decimal,
    ebit: Decimal,
    /// Book value of equity (net worth); negative for an insolvent balance sheet.
    equity: Decimal,
}

/// The statement lines of [`Financials::new`], named so they cannot be swapped by position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatementLines {
    pub total_assets: Decimal,
    pub current_assets: Decimal,
    pub current_liabilities: Decimal,
    pub total_liabilities: Decimal,
    pub retained_earnings: Decimal,
    pub ebit: Decimal,
    pub equity: Decimal,
}

/// Statements older than this (months after the period end) are not used: a balance sheet
/// two years old says little about a company today.
pub const FINANCIALS_MAX_AGE_MONTHS: u32 = 18;

impl Financials {
    pub fn new(
        currency: Currency,
        period_end: Date,
        lines: StatementLines,
    ) -> Result<Self, FactsError> {
        if lines.total_assets <= Decimal::ZERO
            || lines.total_liabilities < Decimal::ZERO
            || lines.current_assets < Decimal::ZERO
            || lines.current_liabilities < Decimal::ZERO
        {
            return Err(FactsError::Statements);
        }
        Ok(Self {
            currency,
            period_end,
            total_assets: lines.total_assets,
            current_assets: lines.current_assets,
            current_liabilities: lines.current_liabilities,
            total_liabilities: lines.total_liabilities,
            retained_earnings: lines.retained_earnings,
            ebit: lines.ebit,
            equity: lines.equity,
        })
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }
    pub fn period_end(&self) -> Date {
        self.period_end
    }
    pub fn lines(&self) -> StatementLines {
        StatementLines {
            total_assets: self.total_assets,
            current_assets: self.current_assets,
            current_liabilities: self.current_liabilities,
            total_liabilities: self.total_liabilities,
            retained_earnings: self.retained_earnings,
            ebit: self.ebit,
            equity: self.equity,
        }
    }
    /// Net worth (book equity).
    pub fn net_worth(&self) -> Money {
        Money::new(self.equity, self.currency)
    }

    /// Whether the statements are recent enough to use on `as_of`.
    pub fn is_current(&self, as_of: Date) -> bool {
        self.period_end <= as_of
            && self.period_end > months_before(as_of, FINANCIALS_MAX_AGE_MONTHS)
    }
}

impl TryFrom<RawFinancials> for Financials {
    type Error = FactsError;
    fn try_from(raw: RawFinancials) -> Result<Self, FactsError> {
        Financials::new(
            raw.currency,
            raw.period_end,
            StatementLines {
                total_assets: raw.total_assets,
                current_assets: raw.current_assets,
                current_liabilities: raw.current_liabilities,
                total_liabilities: raw.total_liabilities,
                retained_earnings: raw.retained_earnings,
                ebit: raw.ebit,
                equity: raw.equity,
            },
        )
    }
}
impl From<Financials> for RawFinancials {
    fn from(f: Financials) -> Self {
        RawFinancials {
            currency: f.currency,
            period_end: f.period_end,
            total_assets: f.total_assets,
            current_assets: f.current_assets,
            current_liabilities: f.current_liabilities,
            total_liabilities: f.total_liabilities,
            retained_earnings: f.retained_earnings,
            ebit: f.ebit,
            equity: f.equity,
        }
    }
}

/// A number in the facts that a scorecard characteristic or a knock-out rule can read. In
/// JSON, the name of the field it reads (`max_dpd_12m`, `paydex`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    Paydex,
    DaysBeyondTerms,
    #[serde(rename = "max_dpd_3m")]
    MaxDpd3m,
    #[serde(rename = "max_dpd_6m")]
    MaxDpd6m,
    #[serde(rename = "max_dpd_12m")]
    MaxDpd12m,
    OnTimeShare,
    DaysToPayTrend,
    Dso,
    Utilisation,
    OldestOverdueDays,
    OrdersPerMonth,
    OrderVolumeTrend,
    ReturnRate,
    DisputeRate,
    #[serde(rename = "write_offs_12m")]
    WriteOffs12m,
    TenureMonths,
    BusinessAgeYears,
    #[serde(rename = "lawsuits_24m")]
    Lawsuits24m,
    #[serde(rename = "negative_news_12m")]
    NegativeNews12m,
    BureauClass,
    AltmanZ,
    MonthsSinceInvoice,
}

/// A yes/no in the facts that a knock-out rule can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    Blacklisted,
    EnforcementList,
    Insolvency,
}

impl Facts {
    /// The facts of a customer from its folded ledger and file. Exposure is counted as
    /// `composition` says (the policy's), utilisation against `customer.credit_limit`.
    pub fn gather(book: &Book, customer: CustomerInfo, composition: &ExposureComposition) -> Self {
        let behaviour = Behaviour::compute(book, customer.credit_limit, composition);
        Facts {
            as_of: book.as_of,
            currency: book.currency,
            customer,
            behaviour,
        }
    }

    /// The facts of a customer with no ledger yet (an application for credit).
    pub fn without_history(currency: Currency, as_of: Date, customer: CustomerInfo) -> Self {
        Facts {
            as_of,
            currency,
            customer,
            behaviour: Behaviour::empty(currency),
        }
    }

    /// The value of `metric`, or `None` when it is unknown.
    pub fn value(&self, metric: Metric) -> Option<Decimal> {
        let b = &self.behaviour;
        let count = |n: Option<u32>| n.map(Decimal::from);
        match metric {
            Metric::Paydex => b.paydex.map(|p| Decimal::from(p.value())),
            Metric::DaysBeyondTerms => b.days_beyond_terms,
            Metric::MaxDpd3m => count(b.max_dpd_3m),
            Metric::MaxDpd6m => count(b.max_dpd_6m),
            Metric::MaxDpd12m => count(b.max_dpd_12m),
            Metric::MonthsSinceInvoice => count(b.months_since_invoice),
            Metric::OnTimeShare => b.on_time_share.map(Decimal::from),
            Metric::DaysToPayTrend => b.days_to_pay_trend,
            Metric::Dso => b.dso,
            Metric::Utilisation => b.utilisation,
            Metric::OldestOverdueDays => Some(Decimal::from(b.oldest_overdue_days)),
            Metric::OrdersPerMonth => Some(b.orders_per_month),
            Metric::OrderVolumeTrend => b.order_volume_trend,
            Metric::ReturnRate => b.return_rate,
            Metric::DisputeRate => b.dispute_rate,
            Metric::WriteOffs12m => Some(Decimal::from(b.write_offs_12m)),
            Metric::TenureMonths => count(b.tenure_months),
            Metric::BusinessAgeYears => self
                .customer
                .profile
                .founded
                .map(|founded| Decimal::from(metrics::business_age_years(founded, self.as_of))),
            Metric::Lawsuits24m => count(self.customer.signals.lawsuits_24m),
            Metric::NegativeNews12m => count(self.customer.signals.negative_news_12m),
            Metric::BureauClass => self
                .customer
                .signals
                .bureau_rating
                .as_ref()
                .map(|r| Decimal::from(r.class())),
            Metric::AltmanZ => self
                .customer
                .financials
                .as_ref()
                .filter(|f| f.is_current(self.as_of))
                .map(metrics::altman_z_double_prime),
        }
    }

    pub fn flag(&self, flag: Flag) -> bool {
        match flag {
            Flag::Blacklisted => self.customer.blacklisted,
            Flag::EnforcementList => self.customer.signals.on_enforcement_list,
            Flag::Insolvency => self.customer.signals.insolvency,
        }
    }
}
