//! Webhook endpoints and deliveries with their retry backoff, the daily run's request and report,
//! and the portfolio aging view.

use super::AgingBucket;
use super::rules::yes;
use super::target::TargetError;
use crate::document::{DocumentKind, TenantDocument};
use crate::dto::FieldError;
use crate::messages::code;
use crate::{Currency, CustomerId, Money};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Where a tenant's events go: JSON POSTs to an https URL on a public address (see
/// [`super::target`]), signed with HMAC-SHA256 under the endpoint's secret: header
/// `X-Credence-Signature: t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">`, so a receiver can
/// refuse a replayed or stale delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookEndpoint {
    pub id: String,
    pub url: String,
    pub secret: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookConfig {
    /// The stored version (0: the shipped default).
    #[serde(default)]
    pub version: u32,
    pub endpoints: Vec<WebhookEndpoint>,
}

/// The field error for a refused target URL.
fn target_error(field: String, e: TargetError) -> FieldError {
    match e {
        TargetError::Malformed => {
            FieldError::new(field, code::URL_INVALID, e.to_string()).with("max", 500)
        }
        TargetError::NotHttps => FieldError::new(field, code::URL_NOT_HTTPS, e.to_string()),
        TargetError::NotPublic => FieldError::new(field, code::URL_NOT_PUBLIC, e.to_string()),
    }
}

impl WebhookConfig {
    /// The endpoints' URLs under this deployment's rule: `loopback` is whether it allows
    /// this machine as a target (local development only). [`Self::validate`] checks the
    /// shape, which every deployment shares.
    pub fn check_targets(&self, loopback: bool) -> Result<(), Vec<FieldError>> {
        let errors: Vec<FieldError> = self
            .endpoints
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                super::target::check_target(&e.url, loopback)
                    .err()
                    .map(|err| target_error(format!("endpoints[{i}].url"), err))
            })
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (i, e) in self.endpoints.iter().enumerate() {
            if e.id.is_empty()
                || e.id.len() > 40
                || !e
                    .id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                errors.push(
                    FieldError::new(
                        format!("endpoints[{i}].id"),
                        code::TEXT_PATTERN,
                        "use 1-40 letters, digits, - or _",
                    )
                    .with("min", 1)
                    .with("max", 40)
                    .with("allowed", "A-Z a-z 0-9 - _"),
                );
            }
            if let Err(e) = super::target::check_target(&e.url, true) {
                errors.push(target_error(format!("endpoints[{i}].url"), e));
            }
            if e.secret.len() < 16 || e.secret.len() > 200 {
                errors.push(
                    FieldError::new(
                        format!("endpoints[{i}].secret"),
                        code::TEXT_LENGTH,
                        "a secret of 16 to 200 characters",
                    )
                    .with("min", 16)
                    .with("max", 200),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Delivered,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeliveryAttempt {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// One event sent (or being sent) to one endpoint, with every attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: String,
    pub endpoint_id: String,
    pub url: String,
    /// `alert.opened`, `alert.raised`, `dunning.summary`.
    pub event: String,
    /// The JSON body, exactly as signed and sent.
    pub body: String,
    pub status: DeliveryStatus,
    pub attempts: Vec<DeliveryAttempt>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub next_attempt_at: OffsetDateTime,
    #[serde(default)]
    pub version: u64,
}

/// Most attempts of one delivery (then it is marked failed).
pub const MAX_ATTEMPTS: usize = 6;

/// Wait before attempt `n + 1` after `n` failed ones: 30 s, 1, 2, 4, 8 minutes.
pub fn backoff_seconds(failed: usize) -> i64 {
    30 * (1_i64 << failed.saturating_sub(1).min(10))
}

/// `POST /v1/watch/run`: run the daily pass now (for `date`, default today); `all`
/// evaluates every customer rather than those the index says are due.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunRequest {
    #[serde(default, with = "crate::engine::calendar::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date: Option<Date>,
    #[serde(default)]
    pub all: bool,
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunReport {
    /// Customers watched.
    pub customers: u32,
    /// Customers whose evaluation failed: each is logged, skipped, and tried again on the
    /// next pass (the others are watched all the same).
    #[serde(default)]
    pub failed: u32,
    /// Credit files the daily pass re-scored as of today (time alone moved them, or may
    /// have), and of those, how many moved score, grade or limit.
    #[serde(default)]
    pub rescored: u32,
    #[serde(default)]
    pub scores_moved: u32,
    pub alerts_opened: u32,
    pub alerts_raised: u32,
    pub dunning_summaries: u32,
    pub tasks: u32,
    pub promises_broken: u32,
    /// DynamoDB requests the pass made (queries, gets, writes).
    pub dynamodb_requests: u32,
    pub millis: u64,
}

/// The portfolio's aging (`GET /v1/aging`), in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortfolioAging {
    pub currency: Currency,
    pub buckets: Vec<AgingBucket>,
    /// The most overdue customers, most overdue amount first.
    pub customers: Vec<CustomerAging>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CustomerAging {
    pub customer_id: CustomerId,
    pub name: String,
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    pub buckets: Vec<AgingBucket>,
}

impl TenantDocument for WebhookConfig {
    const KIND: DocumentKind = DocumentKind::Webhooks;

    fn check_deployment(&self, loopback: bool) -> Result<(), Vec<FieldError>> {
        self.check_targets(loopback)
    }

    fn shipped() -> Self {
        WebhookConfig::default()
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        WebhookConfig::validate(self)
    }

    fn redacted(mut self) -> Self {
        for e in &mut self.endpoints {
            e.secret = crate::secret::fingerprint(&e.secret);
        }
        self
    }

    fn with_secrets_of(mut self, stored: &Self) -> Result<Self, Vec<FieldError>> {
        let stored: Vec<&str> = stored.endpoints.iter().map(|e| e.secret.as_str()).collect();
        let submitted = self
            .endpoints
            .iter_mut()
            .enumerate()
            .map(|(i, e)| (format!("endpoints[{i}].secret"), &mut e.secret));
        crate::secret::restore(submitted, &stored)?;
        Ok(self)
    }
}
