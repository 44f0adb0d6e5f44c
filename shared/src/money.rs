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
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "CNY"))]
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
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "125000.00"))]
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
}
