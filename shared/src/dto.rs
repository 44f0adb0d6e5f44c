//! Wire types of the HTTP API: what the browser, integrators and the server exchange.
//!
//! These are not storage items (those live in `api/src/store`) and not the domain model;
//! they are the contract documented in `/openapi.json`. Request types reject unknown
//! fields so a typo in a field name is an error, not silently ignored.

use crate::{CustomerId, Grade, Money, Role, TenantId, Usci, UserId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// `POST /auth/token` (local issuer only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[cfg_attr(feature = "openapi", schema(example = "sales"))]
    pub username: String,
    #[cfg_attr(feature = "openapi", schema(example = "demo"))]
    pub password: String,
    /// The authenticator app's current code, once two-step verification is set up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otp: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TokenResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u64,
}

/// The signed-in user, as the API understood the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Me {
    pub user_id: UserId,
    pub username: String,
    pub tenant: TenantId,
    pub roles: Vec<Role>,
    /// Roles they hold but may use only once they set up two-step verification (the
    /// deployment requires it for these roles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Role>,
}

/// `POST /v1/me/mfa`: the secret to put into an authenticator app (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MfaSecret {
    /// Base32, as typed into the app by hand.
    pub secret: String,
    /// The `otpauth://totp/…` link that opens the app with the account filled in.
    pub uri: String,
}

/// `POST /v1/me/mfa/confirm`: the app's current code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MfaConfirm {
    pub code: String,
}

/// Two-step verification is set up: signing in asks for a code from now on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MfaConfirmed {
    pub enabled: bool,
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
}

/// What a sales rep needs to see of a customer at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CustomerSummary {
    pub id: CustomerId,
    /// The tenant's own customer number (from its ERP).
    pub number: String,
    /// Legal name, as registered (often Chinese).
    pub name: String,
    /// English or trading name, if known.
    pub name_en: Option<String>,
    /// Unified social credit code, for Chinese companies.
    pub usci: Option<Usci>,
    /// ISO 3166-1 alpha-2 country of registration.
    pub country: String,
    pub grade: Option<Grade>,
    pub credit_limit: Money,
    pub exposure: Money,
    /// Credit limit minus exposure; negative when the customer is over the limit.
    pub available: Money,
    pub overdue: Money,
    /// Days past due of the oldest unpaid invoice; 0 when nothing is overdue.
    pub oldest_overdue_days: u32,
    pub terms_days: u32,
    pub on_hold: bool,
    pub blacklisted: bool,
    /// The sales rep who owns the customer relationship.
    pub owner: Option<UserId>,
    /// Date of establishment (成立日期), if known; the scorecard uses the business age.
    #[serde(
        default,
        with = "crate::engine::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub founded: Option<time::Date>,
    /// The master record's version (send it back with `PUT /v1/customers/{number}`).
    #[serde(default)]
    pub version: u64,
    /// Archived: kept with its history, no longer listed or searched.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub archived: bool,
    /// The customer's master record (industry, size, capital, registration, address,
    /// contacts, tags, custom fields), on a single customer's read; lists leave it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master: Option<crate::customer::MasterRecord>,
}

/// One page of a list, the same for every paged list (customers, audit trail, …). Pass
/// `next_cursor` back as `cursor` for the next page; it is absent on the last page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// One page of customers.
pub type CustomerPage = Page<CustomerSummary>;

/// One field that was wrong in a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FieldError {
    /// Where the problem is: a JSON path (`items[2].amount`), a query parameter or a header.
    pub field: String,
    /// What is wrong, as a stable dotted code from [`crate::messages::code`] (e.g.
    /// `usci.checksum`); clients word it in their reader's language. Empty only from
    /// older servers.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    /// Values the wording needs, e.g. `{"max": "1000"}` for `text.too_long`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// What is wrong, in English, for API clients that do not word the code.
    pub message: String,
}

impl FieldError {
    /// An error about `field` with its `code` (one of [`crate::messages::code`]) and
    /// English `message`.
    pub fn new(field: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            code: code.to_owned(),
            params: BTreeMap::new(),
            message: message.into(),
        }
    }

    /// The same error with the parameter `name` set to `value` for the wording.
    pub fn with(mut self, name: &str, value: impl std::fmt::Display) -> Self {
        self.params.insert(name.to_owned(), value.to_string());
        self
    }

    /// The parameter `name`, or an empty string.
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }

    /// `value` trimmed when it has 1 to `max` characters; otherwise the `text.length` error
    /// of `field` (with `min` and `max` for the wording) and the English `message`.
    pub fn required_text<'a>(
        field: &str,
        value: &'a str,
        max: usize,
        message: &str,
    ) -> Result<&'a str, FieldError> {
        let text = value.trim();
        if text.is_empty() || text.chars().count() > max {
            Err(
                FieldError::new(field, crate::messages::code::TEXT_LENGTH, message)
                    .with("min", 1)
                    .with("max", max),
            )
        } else {
            Ok(text)
        }
    }
}

/// RFC 9457 problem details: the body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Problem {
    /// A stable URN naming the kind of problem, e.g. `urn:credence:problem:validation`
    /// (the list is `api/src/error.rs`, `kind`).
    #[serde(rename = "type")]
    pub kind: String,
    /// A stable dotted code where the type alone does not say enough, e.g. a 409's
    /// `conflict.version` or `conflict.exists` (listed in [`crate::messages::code`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub code: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The id to quote when reporting the problem; also in the `x-request-id` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[cfg(test)]
mod tests {
    use super::FieldError;

    #[test]
    fn required_text_is_trimmed_and_one_to_max_characters() {
        assert_eq!(
            FieldError::required_text("name", "  甲乙  ", 2, "m"),
            Ok("甲乙")
        );
        let long = FieldError::required_text("name", "甲乙丙", 2, "m").unwrap_err();
        assert_eq!(
            (long.field.as_str(), long.code.as_str()),
            ("name", "text.length")
        );
        assert_eq!((long.param("min"), long.param("max")), ("1", "2"));
        assert!(FieldError::required_text("name", "   ", 2, "m").is_err());
    }
}

/// The credit review queue (`GET /v1/reviews`): customers whose review is due by a day,
/// earliest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewQueue {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: time::Date,
    /// The last due day the queue reaches (`as_of` + `within` days).
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub until: time::Date,
    pub items: Vec<ReviewItem>,
    /// More customers are due than were returned (raise `limit`).
    pub truncated: bool,
}

/// A customer due for review, with what the reviewer looks at first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReviewItem {
    pub customer: CustomerSummary,
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: time::Date,
    /// Days past the due date (negative: due in that many days).
    pub days_overdue: i64,
}
