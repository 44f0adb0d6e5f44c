//! Identifiers: tenants, customers and users. Parsed once, then trusted.
//!
//! Ids appear inside DynamoDB keys (`T#{tenant}#C#{customer}`), so they are restricted
//! to characters that can never be confused with the key separator `#`.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("may contain only letters, digits, '-' and '_'")]
    BadCharacter,
}

const MAX_ID_LEN: usize = 64;

fn check_id(raw: &str) -> Result<(), IdError> {
    if raw.is_empty() {
        return Err(IdError::Empty);
    }
    if raw.len() > MAX_ID_LEN {
        return Err(IdError::TooLong { max: MAX_ID_LEN });
    }
    if !raw
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(IdError::BadCharacter);
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, IdError> {
                check_id(raw)?;
                Ok(Self(raw.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(raw: String) -> Result<Self, IdError> {
                check_id(&raw)?;
                Ok(Self(raw))
            }
        }
        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A company using Credence. Every stored key starts with it.
    TenantId
);
id_type!(
    /// A customer of a tenant (the party that buys on credit).
    CustomerId
);
id_type!(
    /// A person signed in to Credence (the token's `sub`).
    UserId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_with_letters_digits_dash_and_underscore_is_accepted() {
        assert_eq!(CustomerId::parse("C-000_1").unwrap().as_str(), "C-000_1");
    }

    #[test]
    fn an_id_containing_the_key_separator_is_rejected() {
        assert_eq!(TenantId::parse("a#b"), Err(IdError::BadCharacter));
    }

    #[test]
    fn an_empty_or_overlong_id_is_rejected() {
        assert_eq!(UserId::parse(""), Err(IdError::Empty));
        assert_eq!(
            UserId::parse(&"x".repeat(65)),
            Err(IdError::TooLong { max: 64 })
        );
    }

    #[test]
    fn deserialising_checks_the_id() {
        let bad: Result<CustomerId, _> = serde_json::from_str("\"a b\"");
        assert!(bad.is_err());
    }
}
