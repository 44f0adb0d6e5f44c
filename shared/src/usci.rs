//! China's unified social credit code (统一社会信用代码), GB 32100-2015.
//!
//! 18 characters from a 31-character alphabet (digits and capitals without I, O, S, V, Z).
//! The last character is a check character over the first 17, weighted by 3^i mod 31.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The code alphabet in value order: a character's value is its index here.
pub const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsciError {
    #[error("must be exactly 18 characters, got {0}")]
    Length(usize),
    #[error("character {position} ('{found}') is not allowed in a unified social credit code")]
    Character { position: usize, found: char },
    #[error("characters 3 to 8 must be digits (the administrative division code)")]
    Division,
    #[error("check character should be '{expected}', found '{found}'")]
    Check { expected: char, found: char },
}

impl UsciError {
    /// This error about `field`, with its stable code and the values its wording needs.
    pub fn to_field_error(&self, field: &str) -> crate::dto::FieldError {
        use crate::dto::FieldError;
        use crate::messages::code;
        let message = self.to_string();
        match *self {
            UsciError::Length(n) => {
                FieldError::new(field, code::USCI_LENGTH, message).with("found", n)
            }
            UsciError::Character { position, found } => {
                FieldError::new(field, code::USCI_CHARACTER, message)
                    .with("position", position)
                    .with("found", found)
            }
            UsciError::Division => FieldError::new(field, code::USCI_DIVISION, message),
            UsciError::Check { expected, found } => {
                FieldError::new(field, code::USCI_CHECKSUM, message)
                    .with("expected", expected)
                    .with("found", found)
            }
        }
    }
}

/// A unified social credit code whose check character is right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Usci(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// The check character for the first 17 characters of a code.
/// Fails if any of them is outside the alphabet.
pub fn check_character(first17: &str) -> Result<char, UsciError> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return Err(UsciError::Length(first17.chars().count() + 1));
    }
    let mut sum = 0u32;
    for (i, &b) in bytes.iter().enumerate() {
        let v = value_of(b).ok_or(UsciError::Character {
            position: i + 1,
            found: b as char,
        })?;
        sum += v * WEIGHTS[i];
    }
    let check = (31 - sum % 31) % 31;
    Ok(ALPHABET[check as usize] as char)
}

impl Usci {
    /// Parses a code. Surrounding spaces are ignored and lower case is accepted,
    /// since people type these codes by hand.
    pub fn parse(raw: &str) -> Result<Self, UsciError> {
        let code = raw.trim().to_ascii_uppercase();
        let n = code.chars().count();
        if n != 18 || code.len() != 18 {
            return Err(UsciError::Length(n));
        }
        for (i, c) in code.chars().enumerate() {
            if value_of(c as u8).is_none() {
                return Err(UsciError::Character {
                    position: i + 1,
                    found: c,
                });
            }
        }
        if !code[2..8].bytes().all(|b| b.is_ascii_digit()) {
            return Err(UsciError::Division);
        }
        let expected = check_character(&code[..17])?;
        let found = code.as_bytes()[17] as char;
        if expected != found {
            return Err(UsciError::Check { expected, found });
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Usci {
    type Error = UsciError;
    fn try_from(raw: String) -> Result<Self, UsciError> {
        Usci::parse(&raw)
    }
}

impl From<Usci> for String {
    fn from(code: Usci) -> String {
        code.0
    }
}

impl fmt::Display for Usci {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str, expected: Result<&str, UsciError>) {
        assert_eq!(
            Usci::parse(raw).as_ref().map(Usci::as_str),
            expected.as_ref().map(|s| *s),
            "input {raw:?}"
        );
    }

    #[test]
    fn the_standard_example_code_is_accepted() {
        check("91350100M000100Y43", Ok("91350100M000100Y43"));
    }

    #[test]
    fn lower_case_and_spaces_are_normalised() {
        check(" 91350100m000100y43 ", Ok("91350100M000100Y43"));
    }

    #[test]
    fn a_wrong_check_character_is_rejected_with_the_expected_one() {
        check(
            "91350100M000100Y44",
            Err(UsciError::Check {
                expected: '3',
                found: '4',
            }),
        );
    }

    #[test]
    fn letters_outside_the_alphabet_are_rejected() {
        check(
            "9135010OM000100Y43",
            Err(UsciError::Character {
                position: 8,
                found: 'O',
            }),
        );
    }

    #[test]
    fn wrong_lengths_are_rejected() {
        check("91350100M000100Y4", Err(UsciError::Length(17)));
        check("统一社会信用代码", Err(UsciError::Length(8)));
    }

    #[test]
    fn a_non_numeric_division_code_is_rejected() {
        let mut code = String::from("91A50100M000100Y4");
        let c = check_character(&code).unwrap();
        code.push(c);
        check(&code, Err(UsciError::Division));
    }

    #[test]
    fn the_check_character_completes_any_valid_prefix() {
        let c = check_character("91350100M000100Y4").unwrap();
        assert_eq!(c, '3');
    }
}
