//! How bad an alert is ([`Severity`]) and the figures shown with it ([`Figure`]).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One figure that made a rule fire, as shown to people ("oldest overdue: 64 days").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figure {
    /// A stable name (`oldest_overdue_days`, `utilisation`, ...) the app translates.
    pub name: String,
    pub value: String,
}

pub(super) fn figure(name: &str, value: impl ToString) -> Figure {
    Figure {
        name: name.to_owned(),
        value: value.to_string(),
    }
}
