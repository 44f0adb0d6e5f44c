//! Money: a `Decimal` amount with an ISO 4217 currency. Never a float.
//!
//! Adding amounts of different currencies is an error: conversions are explicit.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    #[error("a currency is three capital letters (ISO 4217), like CNY or USD")]
    Format,
    #[error("cannot combine {0} with {1} without a conversion")]
    Mismatch(Currency, Currency),
}

/// An ISO 4217 alphabetic code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(value_type = String, pattern = "^[A-Z]{3}$", example = "CNY")
)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const CNY: Currency = Currency(*b"CNY");
    pub const USD: Currency = Currency(*b"USD");
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn parse(raw: &str) -> Result<Self, CurrencyError> {
        let b = raw.as_bytes();
        if b.len() == 3 && b.iter().all(u8::is_ascii_uppercase) {
            Ok(Currency([b[0], b[1], b[2]]))
        } else {
            Err(CurrencyError::Format)
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// The symbol people expect in front of an amount, where one is common.
    pub fn symbol(&self) -> Option<&'static str> {
        match &self.0 {
            b"CNY" => Some("¥"),
            b"USD" => Some("$"),
            b"EUR" => Some("€"),
            b"GBP" => Some("£"),
            _ => None,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;
    fn try_from(raw: String) -> Result<Self, CurrencyError> {
        Currency::parse(&raw)
    }
}
impl From<Currency> for String {
    fn from(c: Currency) -> String {
        c.as_str().to_owned()
    }
}
impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An amount of money. Serialised as `{"amount":"123.45","currency":"CNY"}`; the amount is
/// a string so no JSON parser turns it into a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// A decimal string, never a number or an exponent.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, pattern = r"^-?[0-9]+(\.[0-9]+)?$", example = "125000.00")
    )]
    pub amount: Decimal,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount: Decimal, currency: Currency) -> Self {
        Self { amount, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Self::new(Decimal::ZERO, currency)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, CurrencyError> {
        self.same_currency(other)?;
        Ok(Money::new(self.amount + other.amount, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, CurrencyError> {
        self.same_currency(other)?;
        Ok(Money::new(self.amount - other.amount, self.currency))
    }

    fn same_currency(self, other: Money) -> Result<(), CurrencyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(CurrencyError::Mismatch(self.currency, other.currency))
        }
    }

    /// Rounds to whole minor units (2 places), half away from zero, for display and storage.
    pub fn rounded(self) -> Money {
        Money::new(
            self.amount
                .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
            self.currency,
        )
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.currency, self.rounded().amount)
    }
}

/// Money for people: `¥1,234,567.80`, `-$12.00`, or `CHF 5.00` for currencies without a
/// common symbol. Works on the `Decimal` directly (its string form), never through `f64`, so
/// what is shown is exactly the amount, rounded half away from zero.
pub fn format_money(money: &Money) -> String {
    let rounded = money.rounded();
    let amount = rounded.amount;
    let text = format!("{:.2}", amount.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), "00"));
    let sign = if amount.is_sign_negative() && !amount.is_zero() {
        "-"
    } else {
        ""
    };
    let prefix = match money.currency.symbol() {
        Some(symbol) => symbol.to_owned(),
        None => format!("{} ", money.currency),
    };
    format!("{sign}{prefix}{}.{fraction}", group_thousands(whole))
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A dated exchange rate: on `date`, one unit of `from` is worth `rate` units of `to`.
/// The only way to turn money of one currency into another ([`Money::convert`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "RawFxRate", into = "RawFxRate")]
pub struct FxRate {
    from: Currency,
    to: Currency,
    rate: Decimal,
    date: time::Date,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FxRateError {
    #[error("an exchange rate must be positive, got {0}")]
    NotPositive(Decimal),
    #[error("an exchange rate converts between two different currencies, got {0} to {0}")]
    SameCurrency(Currency),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConversionError {
    #[error("this rate converts {rate_from}, the amount is in {amount}")]
    WrongCurrency {
        rate_from: Currency,
        amount: Currency,
    },
    #[error("the converted amount is too large to represent")]
    Overflow,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFxRate {
    from: Currency,
    to: Currency,
    rate: Decimal,
    #[serde(with = "crate::engine::calendar::iso_date")]
    date: time::Date,
}

impl FxRate {
    pub fn new(
        from: Currency,
        to: Currency,
        rate: Decimal,
        date: time::Date,
    ) -> Result<Self, FxRateError> {
        if rate <= Decimal::ZERO {
            return Err(FxRateError::NotPositive(rate));
        }
        if from == to {
            return Err(FxRateError::SameCurrency(from));
        }
        Ok(Self {
            from,
            to,
            rate,
            date,
        })
    }

    pub fn from(&self) -> Currency {
        self.from
    }
    pub fn to(&self) -> Currency {
        self.to
    }
    pub fn rate(&self) -> Decimal {
        self.rate
    }
    pub fn date(&self) -> time::Date {
        self.date
    }

    /// The same rate read the other way round (`to` → `from`), on the same date.
    pub fn inverse(&self) -> FxRate {
        FxRate {
            from: self.to,
            to: self.from,
            rate: Decimal::ONE / self.rate,
            date: self.date,
        }
    }
}

impl TryFrom<RawFxRate> for FxRate {
    type Error = FxRateError;
    fn try_from(raw: RawFxRate) -> Result<Self, FxRateError> {
        FxRate::new(raw.from, raw.to, raw.rate, raw.date)
    }
}
impl From<FxRate> for RawFxRate {
    fn from(r: FxRate) -> RawFxRate {
        RawFxRate {
            from: r.from,
            to: r.to,
            rate: r.rate,
            date: r.date,
        }
    }
}

impl Money {
    /// Converts with an explicit dated rate. Unrounded, so a chain of calculations rounds once;
    /// fails if the rate does not start from this amount's currency.
    pub fn convert(self, rate: &FxRate) -> Result<Money, ConversionError> {
        if self.currency != rate.from {
            return Err(ConversionError::WrongCurrency {
                rate_from: rate.from,
                amount: self.currency,
            });
        }
        self.amount
            .checked_mul(rate.rate)
            .map(|amount| Money::new(amount, rate.to))
            .ok_or(ConversionError::Overflow)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn cny(s: &str) -> Money {
        Money::new(Decimal::from_str(s).unwrap(), Currency::CNY)
    }

    #[test]
    fn amounts_in_one_currency_add_exactly() {
        assert_eq!(cny("0.1").checked_add(cny("0.2")), Ok(cny("0.3")));
    }

    #[test]
    fn amounts_in_two_currencies_do_not_add() {
        let usd = Money::new(Decimal::ONE, Currency::USD);
        assert_eq!(
            cny("1").checked_add(usd),
            Err(CurrencyError::Mismatch(Currency::CNY, Currency::USD))
        );
    }

    #[test]
    fn a_currency_must_be_three_capital_letters() {
        assert!(Currency::parse("cny").is_err());
        assert!(Currency::parse("CNYX").is_err());
        assert_eq!(Currency::parse("CNY"), Ok(Currency::CNY));
    }

    #[test]
    fn money_serialises_its_amount_as_a_string() {
        let json = serde_json::to_string(&cny("12.50")).unwrap();
        assert_eq!(json, r#"{"amount":"12.50","currency":"CNY"}"#);
    }

    #[test]
    fn rounding_goes_half_away_from_zero() {
        assert_eq!(cny("2.345").rounded(), cny("2.35"));
        assert_eq!(cny("-2.345").rounded(), cny("-2.35"));
    }

    #[test]
    fn converting_needs_a_rate_from_the_amounts_currency() {
        let date = time::macros::date!(2024 - 06 - 28);
        let rate = FxRate::new(
            Currency::USD,
            Currency::CNY,
            Decimal::from_str("7.1268").unwrap(),
            date,
        )
        .unwrap();
        let usd = Money::new(Decimal::from_str("100").unwrap(), Currency::USD);
        assert_eq!(usd.convert(&rate), Ok(cny("712.68")));
        assert_eq!(
            cny("1").convert(&rate),
            Err(ConversionError::WrongCurrency {
                rate_from: Currency::USD,
                amount: Currency::CNY
            })
        );
        assert_eq!(rate.inverse().from(), Currency::CNY);
    }

    #[test]
    fn an_exchange_rate_is_positive_and_between_two_currencies() {
        let date = time::macros::date!(2024 - 06 - 28);
        assert!(FxRate::new(Currency::USD, Currency::CNY, Decimal::ZERO, date).is_err());
        assert!(FxRate::new(Currency::CNY, Currency::CNY, Decimal::ONE, date).is_err());
        let json = r#"{"from":"USD","to":"CNY","rate":"7.1268","date":"2024-06-28"}"#;
        let rate: FxRate = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&rate).unwrap(), json);
        assert!(serde_json::from_str::<FxRate>(&json.replace("7.1268", "-1")).is_err());
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;
    use crate::Currency;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    fn check(amount: &str, currency: Currency, expected: &str) {
        let money = Money::new(Decimal::from_str(amount).unwrap(), currency);
        assert_eq!(format_money(&money), expected, "{amount} {currency}");
    }

    #[test]
    fn amounts_get_symbol_separators_and_two_decimals() {
        check("0", Currency::CNY, "¥0.00");
        check("5", Currency::CNY, "¥5.00");
        check("999.5", Currency::CNY, "¥999.50");
        check("1000", Currency::CNY, "¥1,000.00");
        check("1234567.891", Currency::USD, "$1,234,567.89");
        check("100000", Currency::EUR, "€100,000.00");
        check(
            "12345678901234.005",
            Currency::CNY,
            "¥12,345,678,901,234.01",
        );
    }

    #[test]
    fn negative_amounts_put_the_sign_before_the_symbol() {
        check("-1500.5", Currency::CNY, "-¥1,500.50");
        check("-0.001", Currency::CNY, "¥0.00");
    }

    #[test]
    fn currencies_without_a_symbol_show_their_code() {
        check("2500", Currency::parse("CHF").unwrap(), "CHF 2,500.00");
    }
}
