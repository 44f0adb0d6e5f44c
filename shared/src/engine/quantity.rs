//! Checked quantities: shares of a whole (percentages) and non-negative multipliers.
//!
//! Both are `Decimal` inside and written as decimal strings in JSON (`"0.30"`), so a policy
//! file cannot hold a prepayment share of 130% or a negative grade multiplier.

use crate::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("a share must be between 0 and 1 (0.3 means 30%), got {0}")]
    ShareOutOfRange(Decimal),
    #[error("must not be negative, got {0}")]
    Negative(Decimal),
}

/// A share of a whole between 0 and 1 inclusive; 0.3 is 30%. Used for prepayment shares, caps,
/// on-time shares and probabilities of default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "0.30"))]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Share(Decimal);

impl Share {
    pub const ZERO: Share = Share(Decimal::ZERO);
    pub const ONE: Share = Share(Decimal::ONE);

    pub fn new(value: Decimal) -> Result<Self, QuantityError> {
        if value < Decimal::ZERO || value > Decimal::ONE {
            Err(QuantityError::ShareOutOfRange(value))
        } else {
            Ok(Share(value))
        }
    }

    /// `part / whole` rounded to 4 places (0.01%), clamped into 0..=1; `None` when `whole`
    /// is not positive, because a share of nothing is unknown, not zero.
    pub fn of_parts(part: Decimal, whole: Decimal) -> Option<Share> {
        if whole <= Decimal::ZERO {
            return None;
        }
        let ratio =
            (part / whole).round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
        Some(Share(ratio.clamp(Decimal::ZERO, Decimal::ONE)))
    }

    pub fn value(self) -> Decimal {
        self.0
    }

    /// `1 − self`.
    pub fn complement(self) -> Share {
        Share(Decimal::ONE - self.0)
    }

    /// This share of an amount, unrounded (round once, at the end of a calculation).
    pub fn of(self, money: Money) -> Money {
        Money::new(money.amount * self.0, money.currency)
    }

    /// The share in percent, for people: 0.305 → 30.5.
    pub fn percent(self) -> Decimal {
        (self.0 * Decimal::ONE_HUNDRED).normalize()
    }
}

impl TryFrom<Decimal> for Share {
    type Error = QuantityError;
    fn try_from(value: Decimal) -> Result<Self, QuantityError> {
        Share::new(value)
    }
}

impl From<Share> for Decimal {
    fn from(share: Share) -> Decimal {
        share.0
    }
}

impl fmt::Display for Share {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent())
    }
}

/// A factor of zero or more, such as a grade's limit multiplier (1.2 = 120%).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "1.2"))]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Multiplier(Decimal);

impl Multiplier {
    pub const ZERO: Multiplier = Multiplier(Decimal::ZERO);
    pub const ONE: Multiplier = Multiplier(Decimal::ONE);

    pub fn new(value: Decimal) -> Result<Self, QuantityError> {
        if value < Decimal::ZERO {
            Err(QuantityError::Negative(value))
        } else {
            Ok(Multiplier(value))
        }
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

impl TryFrom<Decimal> for Multiplier {
    type Error = QuantityError;
    fn try_from(value: Decimal) -> Result<Self, QuantityError> {
        Multiplier::new(value)
    }
}

impl From<Multiplier> for Decimal {
    fn from(m: Multiplier) -> Decimal {
        m.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use rust_decimal::dec;

    #[test]
    fn a_share_must_lie_between_zero_and_one() {
        let check = |raw: Decimal, ok: bool| assert_eq!(Share::new(raw).is_ok(), ok, "{raw}");
        check(dec!(0), true);
        check(dec!(1), true);
        check(dec!(0.3), true);
        check(dec!(1.0001), false);
        check(dec!(-0.01), false);
    }

    #[test]
    fn a_share_from_json_is_checked() {
        assert_eq!(
            serde_json::from_str::<Share>(r#""0.25""#).unwrap(),
            Share::new(dec!(0.25)).unwrap()
        );
        assert!(serde_json::from_str::<Share>(r#""1.5""#).is_err());
        assert_eq!(
            serde_json::to_string(&Share::new(dec!(0.25)).unwrap()).unwrap(),
            r#""0.25""#
        );
    }

    #[test]
    fn a_share_of_nothing_is_unknown() {
        assert_eq!(Share::of_parts(dec!(5), dec!(0)), None);
        assert_eq!(
            Share::of_parts(dec!(1), dec!(3)),
            Some(Share::new(dec!(0.3333)).unwrap())
        );
        assert_eq!(Share::of_parts(dec!(4), dec!(3)), Some(Share::ONE));
    }

    #[test]
    fn a_share_of_money_keeps_the_currency() {
        let m = Money::new(dec!(200), Currency::CNY);
        assert_eq!(
            Share::new(dec!(0.3)).unwrap().of(m),
            Money::new(dec!(60.0), Currency::CNY)
        );
        assert_eq!(Share::new(dec!(0.305)).unwrap().to_string(), "30.5%");
    }

    #[test]
    fn a_multiplier_may_not_be_negative() {
        assert!(Multiplier::new(dec!(-0.1)).is_err());
        assert_eq!(Multiplier::new(dec!(1.2)).unwrap().value(), dec!(1.2));
    }
}
