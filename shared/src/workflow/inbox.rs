//! Request lists and the inbox: one summary line per request, and what waits for whom.

use super::{RequestKind, RequestStatus, Subject};
use crate::{Money, Role};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A line of a request list or inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestSummary {
    pub id: String,
    #[serde(flatten)]
    pub subject: Subject,
    /// The customer's name (the group's, or the party's).
    pub customer_name: String,
    pub kind: RequestKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    pub status: RequestStatus,
    pub requester: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_for: Option<Role>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub since: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub due: Option<OffsetDateTime>,
    pub overdue: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub updated_at: OffsetDateTime,
    /// For the requester: something happened they have not seen.
    pub moved: bool,
}

/// `GET /v1/inbox`: what waits for me, what of mine came back, and what of mine moved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Inbox {
    /// Pending requests whose current step is for one of my roles (not my own).
    pub waiting: Vec<RequestSummary>,
    /// My requests sent back to me for more information.
    pub returned: Vec<RequestSummary>,
    /// My requests, open ones and recently closed ones, newest change first.
    pub mine: Vec<RequestSummary>,
    pub counts: InboxCounts,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxCounts {
    pub waiting: u32,
    pub overdue: u32,
    pub returned: u32,
    /// Requests of mine with news I have not opened.
    pub moved: u32,
}

impl InboxCounts {
    /// The number on the navigation badge.
    pub fn badge(&self) -> u32 {
        self.waiting + self.returned + self.moved
    }
}
