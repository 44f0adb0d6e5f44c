//! The default configuration documents the app ships, for tests that change them.

use serde_json::Value;

/// The shipped early-warning rules (`shared/defaults/warning_rules.json`).
pub fn default_warning_rules() -> Value {
    serde_json::from_str(include_str!(
        "../../../../shared/defaults/warning_rules.json"
    ))
    .unwrap()
}

/// The shipped approval matrix (`shared/defaults/approval_matrix.json`).
pub fn default_approval_matrix() -> Value {
    serde_json::from_str(include_str!(
        "../../../../shared/defaults/approval_matrix.json"
    ))
    .unwrap()
}
