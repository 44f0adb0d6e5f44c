//! Users as the admin pages show them, published engine versions and the one in force, and
//! the versioned envelope admin documents are saved in.

use crate::Role;
use crate::engine::{Policy, ScorecardModel};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A user of the tenant as the admin pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserRecord {
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    pub roles: Vec<Role>,
    #[serde(default = "yes")]
    pub active: bool,
    pub version: u64,
    /// The person's stable id in the user directory (Cognito's `sub`, the local issuer's
    /// user id), once the directory knows them. Tasks, requests and the audit trail name
    /// people by `username`, which never changes and maps to this id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the invitation went (Cognito signs people in by email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Only in the answer that created the person in the local directory: their temporary
    /// password, shown once (Cognito emails it instead). Never stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invitation: Option<String>,
}

/// `POST /v1/admin/users/{username}/sign-out`: end every session of the person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserSignOut {
    /// Why (1 to 500 characters once trimmed); kept in the audit trail.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// A person as every screen names them: records name people by `username` (the stable
/// handle), screens show `display_name`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonName {
    pub username: String,
    pub display_name: String,
}

/// The answer to a sign-out everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignedOut {
    pub username: String,
    /// The person's stable id in the user directory.
    pub id: String,
}

fn yes() -> bool {
    true
}

/// `PUT /v1/admin/users/{username}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UserUpdate {
    /// The version seen; 0 to create.
    pub version: u64,
    #[serde(default)]
    pub display_name: String,
    pub roles: Vec<Role>,
    #[serde(default = "yes")]
    pub active: bool,
    /// The address the invitation goes to: required to create a person in Cognito (the
    /// sign-in name there), optional locally; fixed once the person is invited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Why (1 to 500 characters once trimmed); kept in the audit trail.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
}

/// A published version of the tenant's scorecard model and credit policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EngineVersion {
    pub version: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    pub published_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub published_at: OffsetDateTime,
    pub reason: String,
    /// Whether this version is the one in force.
    #[serde(default)]
    pub active: bool,
    /// Whether a fitting report is kept with it (`GET /v1/lab/reports/{version}`): the
    /// versions the scoring lab fitted.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub has_report: bool,
}

/// `GET /v1/engine`: the scorecard model and credit policy in force, for the browser's
/// previews (every signed-in role).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EngineInForce {
    /// 0: the shipped defaults.
    pub version: u32,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: ScorecardModel,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: Policy,
}

/// `POST /v1/admin/engine-versions`: publish a new model and policy (in force at once).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishEngine {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub model: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub policy: serde_json::Value,
    /// Why (1 to 500 characters once trimmed); kept in the audit trail.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    /// The scoring lab's report of the fit that made `model`, kept with the version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Box<crate::lab::FitReport>>,
}

/// `PUT /v1/admin/approval-matrix` and `PUT /v1/admin/custom-fields` carry the new document,
/// the version it replaces and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Versioned<T> {
    /// The version being replaced (0 when there is none yet).
    pub replaces: u32,
    /// Why (1 to 500 characters once trimmed); kept in the audit trail.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    pub document: T,
}
