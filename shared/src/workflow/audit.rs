//! The audit trail's wire types: append-only records of who changed what, when, and why.

use crate::CustomerId;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AuditEntity {
    CreditFile,
    Request,
    Customer,
    Blacklist,
    Policy,
    Model,
    Matrix,
    CustomFields,
    User,
    /// A customer group (its shared limit).
    Group,
    /// An order of the blocked-order desk.
    Order,
}

impl AuditEntity {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditEntity::CreditFile => "credit_file",
            AuditEntity::Request => "request",
            AuditEntity::Customer => "customer",
            AuditEntity::Blacklist => "blacklist",
            AuditEntity::Policy => "policy",
            AuditEntity::Model => "model",
            AuditEntity::Matrix => "matrix",
            AuditEntity::CustomFields => "custom_fields",
            AuditEntity::User => "user",
            AuditEntity::Order => "order",
            AuditEntity::Group => "group",
        }
    }
}

/// One append-only record: who changed what, when, from what to what, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub at: OffsetDateTime,
    pub actor: String,
    pub entity: AuditEntity,
    pub entity_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<CustomerId>,
    /// What was done (`decide`, `approve`, `publish`, `add`, …).
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub before: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub after: Option<serde_json::Value>,
    pub reason: String,
}

/// One page of the audit trail.
pub type AuditPage = crate::dto::Page<AuditEntry>;
