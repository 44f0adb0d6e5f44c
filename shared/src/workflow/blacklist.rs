//! Blacklist entries and the requests that add a party to the blacklist or take it off.

use crate::engine::calendar::iso_date;
use crate::{CustomerId, Usci};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlacklistEntry {
    /// The code, or `NAME:{normalised name}` when the party has no code.
    pub key: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub usci: Option<Usci>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    pub reason: String,
    /// Where it came from (court list, own experience, industry association, …).
    pub source: String,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub added_on: Date,
    pub added_by: String,
}

impl BlacklistEntry {
    /// The entry as someone who may not read the blacklist sees a match: that the party is
    /// on it and since when, without the evidence (reason, source) or who put it there.
    pub fn without_evidence(self) -> Self {
        BlacklistEntry {
            reason: String::new(),
            source: String::new(),
            added_by: String::new(),
            ..self
        }
    }
}

/// `POST /v1/blacklist`: risk adds a party (a customer or not) to the blacklist at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlacklistAdd {
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub usci: Option<String>,
    /// A party that is not a customer: its name (1 to 200 characters once trimmed).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name: Option<String>,
    /// 1 to 500 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    /// 1 to 200 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub source: String,
}

/// `POST /v1/blacklist/removals`: takes the party kept under `key` off the blacklist at once,
/// when the approval matrix gives that to the caller alone or an admin overrides it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlacklistRemoval {
    /// The entry's key (its code, or `NAME:{normalised name}`).
    pub key: String,
    /// Why (1 to 500 characters once trimmed); kept in the audit trail (and, for an
    /// admin's override, in the alert).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// `POST /v1/blacklist/requests`: ask, through the approval matrix, for the party kept under
/// `party` to come off the blacklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PartyRequest {
    /// The entry's key (its code, or `NAME:{normalised name}`).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 900))]
    pub party: String,
    /// Why (1 to 2000 characters once trimmed).
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub justification: String,
}
