//! The process settings: environment variables parsed once at start-up into a typed
//! struct. (A tenant's own configuration — approval matrix, rules, engines — is data in
//! the table, see `service::tenant`.)
//!
//! A missing or malformed variable stops the process with a message naming it, rather
//! than failing on the first request.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("environment variable {0} is required but not set")]
    Missing(&'static str),
    #[error("environment variable {var} is invalid: {reason}")]
    Invalid { var: &'static str, reason: String },
    #[error(
        "set exactly one of JWKS_URL (a real issuer such as Cognito) or LOCAL_ISSUER_KEY (the local issuer)"
    )]
    IssuerChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Json,
    Text,
}

/// Where tokens come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IssuerSettings {
    /// A real identity provider (Cognito in AWS); its keys are fetched from `jwks_url`.
    Remote { jwks_url: String },
    /// The built-in issuer for local development; its RSA key lives at `key_path`,
    /// generated on first run. Never configured in AWS.
    Local { key_path: PathBuf },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub table: String,
    /// DynamoDB Local's URL; `None` means the real service.
    pub dynamodb_endpoint: Option<String>,
    pub region: String,
    pub jwt_issuer: String,
    pub jwt_audience: String,
    pub issuer: IssuerSettings,
    pub log_format: LogFormat,
    /// Built frontend to serve next to the API (local dev server only).
    pub static_dir: Option<PathBuf>,
    /// Roles usable only with two-step verification set up (`MFA_REQUIRED_ROLES`, e.g.
    /// `admin,approver`; none when unset).
    pub mfa_roles: Vec<credence_shared::Role>,
}

impl Settings {
    pub fn from_env() -> Result<Self, SettingsError> {
        Self::from_lookup(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
    }

    /// Parses configuration from any key → value lookup (tests pass a map).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, SettingsError> {
        let required = |var: &'static str| get(var).ok_or(SettingsError::Missing(var));
        let table = required("CREDENCE_TABLE")?;
        if !(3..=255).contains(&table.len())
            || !table
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
        {
            return Err(SettingsError::Invalid {
                var: "CREDENCE_TABLE",
                reason: "a DynamoDB table name is 3-255 of a-z, A-Z, 0-9, '_', '-', '.'".into(),
            });
        }
        let dynamodb_endpoint = get("DYNAMODB_ENDPOINT");
        if let Some(url) = &dynamodb_endpoint
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(SettingsError::Invalid {
                var: "DYNAMODB_ENDPOINT",
                reason: "must be an http:// or https:// URL".into(),
            });
        }
        let region = get("AWS_REGION").unwrap_or_else(|| "us-east-1".to_owned());
        let jwt_issuer = required("JWT_ISSUER")?;
        let jwt_audience = required("JWT_AUDIENCE")?;
        let issuer = match (get("JWKS_URL"), get("LOCAL_ISSUER_KEY")) {
            (Some(jwks_url), None) => IssuerSettings::Remote { jwks_url },
            (None, Some(path)) => IssuerSettings::Local {
                key_path: PathBuf::from(path),
            },
            _ => return Err(SettingsError::IssuerChoice),
        };
        let log_format = match get("LOG_FORMAT").as_deref() {
            Some("json") => LogFormat::Json,
            Some("text") => LogFormat::Text,
            None if get("AWS_LAMBDA_FUNCTION_NAME").is_some() => LogFormat::Json,
            None => LogFormat::Text,
            Some(other) => {
                return Err(SettingsError::Invalid {
                    var: "LOG_FORMAT",
                    reason: format!("'{other}' is neither 'json' nor 'text'"),
                });
            }
        };
        let mut mfa_roles = Vec::new();
        for name in get("MFA_REQUIRED_ROLES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            mfa_roles.push(name.parse().map_err(|_| SettingsError::Invalid {
                var: "MFA_REQUIRED_ROLES",
                reason: format!("'{name}' is not a role"),
            })?);
        }
        Ok(Settings {
            table,
            dynamodb_endpoint,
            region,
            jwt_issuer,
            jwt_audience,
            issuer,
            log_format,
            static_dir: get("STATIC_DIR").map(PathBuf::from),
            mfa_roles,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const BASE: [(&str, &str); 3] = [
        ("CREDENCE_TABLE", "credence"),
        ("JWT_ISSUER", "http://127.0.0.1:8080"),
        ("JWT_AUDIENCE", "credence"),
    ];

    #[test]
    fn a_complete_local_environment_parses() {
        let mut env = BASE.to_vec();
        env.push(("LOCAL_ISSUER_KEY", "/tmp/key.pem"));
        let config = Settings::from_lookup(lookup(&env)).unwrap();
        assert_eq!(config.table, "credence");
        assert_eq!(
            config.issuer,
            IssuerSettings::Local {
                key_path: "/tmp/key.pem".into()
            }
        );
        assert_eq!(config.log_format, LogFormat::Text);
    }

    #[test]
    fn a_missing_table_is_named_in_the_error() {
        let err = Settings::from_lookup(lookup(&BASE[1..])).unwrap_err();
        assert_eq!(err, SettingsError::Missing("CREDENCE_TABLE"));
        assert!(err.to_string().contains("CREDENCE_TABLE"));
    }

    #[test]
    fn both_or_neither_issuer_is_refused() {
        assert_eq!(
            Settings::from_lookup(lookup(&BASE)),
            Err(SettingsError::IssuerChoice)
        );
        let mut env = BASE.to_vec();
        env.push(("LOCAL_ISSUER_KEY", "/k"));
        env.push(("JWKS_URL", "https://x/jwks"));
        assert_eq!(
            Settings::from_lookup(lookup(&env)),
            Err(SettingsError::IssuerChoice)
        );
    }

    #[test]
    fn under_lambda_logs_default_to_json() {
        let mut env = BASE.to_vec();
        env.push(("JWKS_URL", "https://issuer/.well-known/jwks.json"));
        env.push(("AWS_LAMBDA_FUNCTION_NAME", "api"));
        assert_eq!(
            Settings::from_lookup(lookup(&env)).unwrap().log_format,
            LogFormat::Json
        );
    }

    #[test]
    fn a_bad_log_format_or_endpoint_is_invalid() {
        let mut env = BASE.to_vec();
        env.push(("JWKS_URL", "https://x"));
        env.push(("LOG_FORMAT", "xml"));
        assert!(matches!(
            Settings::from_lookup(lookup(&env)),
            Err(SettingsError::Invalid {
                var: "LOG_FORMAT",
                ..
            })
        ));
        let mut env = BASE.to_vec();
        env.push(("JWKS_URL", "https://x"));
        env.push(("DYNAMODB_ENDPOINT", "localhost:8000"));
        assert!(matches!(
            Settings::from_lookup(lookup(&env)),
            Err(SettingsError::Invalid {
                var: "DYNAMODB_ENDPOINT",
                ..
            })
        ));
    }
}
