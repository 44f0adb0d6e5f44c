//! Who a customer is in law: the company registration number of its country.
//!
//! Chinese companies carry a unified social credit code ([`Usci`], checked by its GB 32100
//! check character). Other countries have their own numbers; the common ones are checked by
//! their format, and any other country's number is kept as typed after basic cleaning, so
//! Credence is never China-only.

use crate::{Usci, UsciError};
use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationError {
    #[error("a country is two capital letters (ISO 3166-1 alpha-2), like CN or DE")]
    Country,
    #[error(transparent)]
    Usci(#[from] UsciError),
    #[error("a Hong Kong business registration number is 8 digits")]
    HongKong,
    #[error("a UK company number is 8 characters: 8 digits, or 2 letters and 6 digits")]
    UnitedKingdom,
    #[error("a US employer identification number is 9 digits (12-3456789)")]
    UnitedStates,
    #[error("a registration number has 1 to 40 letters, digits, spaces, '-', '/' or '.'")]
    Other,
    #[error("use the {0:?} form for country {1}")]
    UseSpecificForm(&'static str, CountryCode),
}

/// An ISO 3166-1 alpha-2 country code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, example = "CN"))]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub const CN: CountryCode = CountryCode(*b"CN");
    pub const HK: CountryCode = CountryCode(*b"HK");
    pub const GB: CountryCode = CountryCode(*b"GB");
    pub const US: CountryCode = CountryCode(*b"US");

    pub fn parse(raw: &str) -> Result<Self, RegistrationError> {
        match raw.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() => Ok(CountryCode([*a, *b])),
            _ => Err(RegistrationError::Country),
        }
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII capitals are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("XX")
    }
}

impl TryFrom<String> for CountryCode {
    type Error = RegistrationError;
    fn try_from(raw: String) -> Result<Self, RegistrationError> {
        CountryCode::parse(&raw)
    }
}
impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_owned()
    }
}
impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A company's registration number, by country. Serialised as
/// `{"scheme":"cn_usci","number":"91350100M000100Y43"}`; the `other` scheme also names the
/// country.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawRegistration", into = "RawRegistration")]
pub enum RegistrationId {
    /// Mainland China: unified social credit code (统一社会信用代码).
    CnUsci(Usci),
    /// Hong Kong: business registration number (商業登記號碼), 8 digits.
    HkBr(String),
    /// United Kingdom: Companies House number (`01234567`, `SC123456`).
    GbCompanyNumber(String),
    /// United States: employer identification number, stored as `12-3456789`.
    UsEin(String),
    /// Any other country: the number as the registry prints it, trimmed and upper-cased.
    Other {
        country: CountryCode,
        number: String,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "scheme", rename_all = "snake_case", deny_unknown_fields)]
enum RawRegistration {
    CnUsci { number: String },
    HkBr { number: String },
    GbCompanyNumber { number: String },
    UsEin { number: String },
    Other { country: String, number: String },
}

impl RegistrationId {
    /// Parses the registration number of a company registered in `country`, choosing the
    /// country's own scheme where Credence knows it.
    pub fn parse(country: CountryCode, raw: &str) -> Result<Self, RegistrationError> {
        let cleaned: String = raw.trim().to_ascii_uppercase();
        match country {
            CountryCode::CN => Ok(RegistrationId::CnUsci(Usci::parse(&cleaned)?)),
            CountryCode::HK => {
                // Certificates print the 8-digit number followed by branch and check digits;
                // the first 8 identify the business.
                let digits: String = cleaned.chars().filter(|c| *c != '-' && *c != ' ').collect();
                let first8 = digits.get(..8).unwrap_or("");
                if first8.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(RegistrationId::HkBr(first8.to_owned()))
                } else {
                    Err(RegistrationError::HongKong)
                }
            }
            CountryCode::GB => {
                let b = cleaned.as_bytes();
                let ok = b.len() == 8
                    && b[2..].iter().all(u8::is_ascii_digit)
                    && (b[..2].iter().all(u8::is_ascii_digit)
                        || b[..2].iter().all(u8::is_ascii_uppercase));
                if ok {
                    Ok(RegistrationId::GbCompanyNumber(cleaned))
                } else {
                    Err(RegistrationError::UnitedKingdom)
                }
            }
            CountryCode::US => {
                let digits: String = cleaned.chars().filter(|c| *c != '-').collect();
                if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(RegistrationId::UsEin(format!(
                        "{}-{}",
                        &digits[..2],
                        &digits[2..]
                    )))
                } else {
                    Err(RegistrationError::UnitedStates)
                }
            }
            _ => {
                let ok = (1..=40).contains(&cleaned.len())
                    && cleaned
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b" -/.".contains(&b));
                if ok {
                    Ok(RegistrationId::Other {
                        country,
                        number: cleaned,
                    })
                } else {
                    Err(RegistrationError::Other)
                }
            }
        }
    }

    pub fn country(&self) -> CountryCode {
        match self {
            RegistrationId::CnUsci(_) => CountryCode::CN,
            RegistrationId::HkBr(_) => CountryCode::HK,
            RegistrationId::GbCompanyNumber(_) => CountryCode::GB,
            RegistrationId::UsEin(_) => CountryCode::US,
            RegistrationId::Other { country, .. } => *country,
        }
    }

    pub fn number(&self) -> &str {
        match self {
            RegistrationId::CnUsci(code) => code.as_str(),
            RegistrationId::HkBr(n)
            | RegistrationId::GbCompanyNumber(n)
            | RegistrationId::UsEin(n)
            | RegistrationId::Other { number: n, .. } => n,
        }
    }
}

impl TryFrom<RawRegistration> for RegistrationId {
    type Error = RegistrationError;
    fn try_from(raw: RawRegistration) -> Result<Self, RegistrationError> {
        match raw {
            RawRegistration::CnUsci { number } => RegistrationId::parse(CountryCode::CN, &number),
            RawRegistration::HkBr { number } => RegistrationId::parse(CountryCode::HK, &number),
            RawRegistration::GbCompanyNumber { number } => {
                RegistrationId::parse(CountryCode::GB, &number)
            }
            RawRegistration::UsEin { number } => RegistrationId::parse(CountryCode::US, &number),
            RawRegistration::Other { country, number } => {
                let country = CountryCode::parse(&country)?;
                // One number, one form: a Chinese code under `other` would skip its check.
                let specific = match country {
                    CountryCode::CN => Some("cn_usci"),
                    CountryCode::HK => Some("hk_br"),
                    CountryCode::GB => Some("gb_company_number"),
                    CountryCode::US => Some("us_ein"),
                    _ => None,
                };
                match specific {
                    Some(form) => Err(RegistrationError::UseSpecificForm(form, country)),
                    None => RegistrationId::parse(country, &number),
                }
            }
        }
    }
}

impl From<RegistrationId> for RawRegistration {
    fn from(id: RegistrationId) -> RawRegistration {
        match id {
            RegistrationId::CnUsci(code) => RawRegistration::CnUsci {
                number: code.into(),
            },
            RegistrationId::HkBr(number) => RawRegistration::HkBr { number },
            RegistrationId::GbCompanyNumber(number) => RawRegistration::GbCompanyNumber { number },
            RegistrationId::UsEin(number) => RawRegistration::UsEin { number },
            RegistrationId::Other { country, number } => RawRegistration::Other {
                country: country.into(),
                number,
            },
        }
    }
}

impl fmt::Display for RegistrationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.country(), self.number())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(country: &str, raw: &str, expected: Result<&str, RegistrationError>) {
        let country = CountryCode::parse(country).unwrap();
        let got = RegistrationId::parse(country, raw);
        assert_eq!(
            got.as_ref().map(RegistrationId::number),
            expected.as_ref().map(|s| *s),
            "{country} {raw:?}"
        );
    }

    #[test]
    fn each_country_checks_its_own_number() {
        check("CN", "91350100m000100y43", Ok("91350100M000100Y43"));
        check(
            "CN",
            "91350100M000100Y44",
            Err(RegistrationError::Usci(UsciError::Check {
                expected: '3',
                found: '4',
            })),
        );
        check("HK", "12345678-000-01-23-4", Ok("12345678"));
        check("HK", "1234567", Err(RegistrationError::HongKong));
        check("GB", "sc123456", Ok("SC123456"));
        check("GB", "01234567", Ok("01234567"));
        check("GB", "S1234567", Err(RegistrationError::UnitedKingdom));
        check("US", "123456789", Ok("12-3456789"));
        check("US", "12-345678", Err(RegistrationError::UnitedStates));
        check("DE", " hrb 12345 ", Ok("HRB 12345"));
        check("DE", "HRB#1", Err(RegistrationError::Other));
    }

    #[test]
    fn a_country_is_two_capital_letters() {
        assert!(CountryCode::parse("cn").is_err());
        assert!(CountryCode::parse("CHN").is_err());
        assert_eq!(CountryCode::parse("CN"), Ok(CountryCode::CN));
    }

    #[test]
    fn registration_ids_round_trip_through_json() {
        let id = RegistrationId::parse(CountryCode::CN, "91350100M000100Y43").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(
            json,
            r#"{"scheme":"cn_usci","number":"91350100M000100Y43"}"#
        );
        assert_eq!(serde_json::from_str::<RegistrationId>(&json).unwrap(), id);

        let other = r#"{"scheme":"other","country":"DE","number":"HRB 12345"}"#;
        let parsed: RegistrationId = serde_json::from_str(other).unwrap();
        assert_eq!(parsed.country().as_str(), "DE");
        assert_eq!(serde_json::to_string(&parsed).unwrap(), other);
    }

    #[test]
    fn a_chinese_code_cannot_dodge_its_check_under_other() {
        let json = r#"{"scheme":"other","country":"CN","number":"91350100M000100Y44"}"#;
        assert!(serde_json::from_str::<RegistrationId>(json).is_err());
    }
}
