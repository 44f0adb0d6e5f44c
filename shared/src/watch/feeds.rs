//! Outside data feeds: the providers a tenant connects (the commercial aggregators of court
//! cases, enforcement lists, abnormal-operation listings, administrative penalties and
//! registration changes), which customers each watches, and Credence's own documented
//! record format that every provider is mapped to.
//!
//! Two ways in, one format: a provider pushes a [`FeedBatch`] to
//! `POST /v1/feeds/{tenant}/{provider}`, signed like our own webhooks; or Credence pulls one
//! from the provider's `pull_url` on the daily pass. Each record of a watched customer lands
//! as a signal ([`FeedRecord::signal`]), keyed by (source, registration id, kind, case or
//! document number, date): the same record twice is one signal.

use super::collections::{NewSignal, SignalKind, SignalStatus};
use super::rules::yes;
use super::target::{TargetError, check_target};
use crate::document::{DocumentKind, TenantDocument};
use crate::dto::FieldError;
use crate::messages::code;
use crate::{Money, Usci};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Date;

/// `GET`/`PUT /v1/admin/data-feeds`: the tenant's outside data providers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DataFeeds {
    /// The stored version (0: the shipped default, no provider).
    #[serde(default)]
    pub version: u32,
    pub providers: Vec<FeedProvider>,
}

/// One provider: who it is (its name is the signals' source), the secret it signs pushes
/// with (and that Credence sends as a bearer token when it pulls), and its monitoring list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedProvider {
    /// 1-40 letters, digits, `-` or `_`; the push URL's last segment.
    pub id: String,
    /// The source named on each signal, 1-100 characters.
    pub name: String,
    /// 16-200 characters.
    pub secret: String,
    /// Where the daily pass pulls new records (`GET {pull_url}?since={cursor}`); none for a
    /// provider that only pushes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pull_url: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    /// The monitoring list: which customers this provider's records are taken for.
    #[serde(default)]
    pub watch: MonitoringList,
}

/// Which customers a provider watches: all of them, or those listed by number, or those
/// carrying one of the tags. A record for a customer outside the list is ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MonitoringList {
    #[serde(default)]
    pub all: bool,
    /// Customer numbers.
    #[serde(default)]
    pub customers: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl MonitoringList {
    /// Whether a customer with this number and these tags is on the list.
    pub fn covers(&self, number: &str, tags: &[String]) -> bool {
        self.all
            || self.customers.iter().any(|c| c.trim() == number)
            || self.tags.iter().any(|t| tags.contains(t))
    }
}

impl DataFeeds {
    pub fn provider(&self, id: &str) -> Option<&FeedProvider> {
        self.providers.iter().find(|p| p.id == id)
    }

    fn check_urls(&self, loopback: bool) -> Vec<FieldError> {
        self.providers
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let url = p.pull_url.as_deref()?;
                check_target(url, loopback).err().map(|e| {
                    let field = format!("providers[{i}].pull_url");
                    match e {
                        TargetError::Malformed => {
                            FieldError::new(field, code::URL_INVALID, e.to_string())
                        }
                        TargetError::NotHttps => {
                            FieldError::new(field, code::URL_NOT_HTTPS, e.to_string())
                        }
                        TargetError::NotPublic => {
                            FieldError::new(field, code::URL_NOT_PUBLIC, e.to_string())
                        }
                    }
                })
            })
            .collect()
    }
}

impl TenantDocument for DataFeeds {
    const KIND: DocumentKind = DocumentKind::DataFeeds;

    fn shipped() -> Self {
        DataFeeds::default()
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = self.check_urls(true);
        for (i, p) in self.providers.iter().enumerate() {
            let id_ok = !p.id.is_empty()
                && p.id.len() <= 40
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !id_ok {
                errors.push(
                    FieldError::new(
                        format!("providers[{i}].id"),
                        code::TEXT_PATTERN,
                        "use 1-40 letters, digits, - or _",
                    )
                    .with("min", 1)
                    .with("max", 40)
                    .with("allowed", "A-Z a-z 0-9 - _"),
                );
            } else if self.providers[..i].iter().any(|q| q.id == p.id) {
                errors.push(FieldError::new(
                    format!("providers[{i}].id"),
                    code::KEY_DUPLICATE,
                    "another provider has this id",
                ));
            }
            if let Err(e) = FieldError::required_text(
                &format!("providers[{i}].name"),
                &p.name,
                100,
                "name the provider (at most 100 characters)",
            ) {
                errors.push(e);
            }
            if p.secret.len() < 16 || p.secret.len() > 200 {
                errors.push(
                    FieldError::new(
                        format!("providers[{i}].secret"),
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

    fn check_deployment(&self, loopback: bool) -> Result<(), Vec<FieldError>> {
        let errors = self.check_urls(loopback);
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    fn redacted(mut self) -> Self {
        for p in &mut self.providers {
            p.secret = crate::secret::fingerprint(&p.secret);
        }
        self
    }

    fn with_secrets_of(mut self, stored: &Self) -> Result<Self, Vec<FieldError>> {
        let stored: Vec<&str> = stored.providers.iter().map(|p| p.secret.as_str()).collect();
        let submitted = self
            .providers
            .iter_mut()
            .enumerate()
            .map(|(i, p)| (format!("providers[{i}].secret"), &mut p.secret));
        crate::secret::restore(submitted, &stored)?;
        Ok(self)
    }
}

/// A batch of records in Credence's feed format: what a provider pushes, and what its
/// `pull_url` answers (with the cursor to ask from next time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedBatch {
    /// At most [`MAX_FEED_RECORDS`].
    pub records: Vec<FeedRecord>,
    /// Pull only: what to send as `since` next time (kept by Credence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The most records one batch carries.
pub const MAX_FEED_RECORDS: usize = 1_000;

/// What a record is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FeedKind {
    /// A court case (立案/开庭/裁判文书): court, case number, cause, the customer's role,
    /// amount, status, filing date.
    Lawsuit,
    /// On the list of persons subject to enforcement (被执行人) or of dishonest debtors
    /// (失信被执行人): enforcement court, case number, amount, status.
    Enforcement,
    /// Listed for abnormal operations (经营异常): reason, listing authority and date,
    /// removal date.
    AbnormalOperation,
    /// An administrative penalty (行政处罚): authority, document number, reason, amount.
    AdministrativePenalty,
    /// A registration change (工商变更: legal representative, shareholders, capital,
    /// address): what changed, on which day.
    RegistrationChange,
    /// Bankruptcy or reorganisation proceedings (破产重整).
    Insolvency,
}

/// The customer's side in a court case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseRole {
    Plaintiff,
    Defendant,
    ThirdParty,
}

/// One record of a provider, in Credence's feed format (the fields the Chinese aggregators
/// return, under our names). Which fields a kind uses is said on [`FeedKind`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FeedRecord {
    /// The company's unified social credit code (统一社会信用代码).
    pub registration_id: String,
    pub kind: FeedKind,
    /// The case number (案号) or document number (文书号); with `registration_id`, `kind`
    /// and `date` it is the record's identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    /// Filing date, listing date, decision date or change date.
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    /// The court (a lawsuit's, or the enforcing court).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<String>,
    /// A lawsuit's cause of action (案由).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<CaseRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// `closed` once a case ended, an enforcement was satisfied or a listing lifted.
    #[serde(default)]
    pub status: SignalStatus,
    /// When an abnormal-operation listing was removed (the record is then closed).
    #[serde(
        default,
        with = "crate::engine::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub removed_on: Option<Date>,
    /// The listing, penalising or registering authority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The reason for a listing or a penalty; what changed in a registration change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl FeedRecord {
    /// The registration id, read as a USCI, or the field error.
    pub fn usci(&self) -> Result<Usci, FieldError> {
        Usci::parse(self.registration_id.trim())
            .map_err(|e| FieldError::new("registration_id", code::INVALID_VALUE, e.to_string()))
    }

    /// The record's identity under `provider`: a digest of (provider, registration id,
    /// kind, number, date), usable as the signal's idempotency key.
    pub fn key(&self, provider: &str) -> String {
        let kind = serde_json::to_value(self.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let number = self.number.as_deref().map(str::trim).unwrap_or("");
        let identity = format!(
            "{provider}\u{1f}{}\u{1f}{kind}\u{1f}{}\u{1f}{}",
            self.registration_id.trim().to_uppercase(),
            number.to_lowercase(),
            self.date
        );
        let digest = Sha256::digest(identity.as_bytes());
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        format!("feed:{provider}:{hex}")
    }

    /// The signal the record stands for, from the provider `provider_id` named `source`;
    /// `None` when it is not a warning about the customer (a lawsuit the customer brought).
    pub fn signal(&self, provider_id: &str, source: &str) -> Option<NewSignal> {
        let say = |parts: &[Option<&str>]| {
            parts
                .iter()
                .flatten()
                .map(|p| p.trim())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
                .join(" · ")
        };
        let (kind, summary) = match self.kind {
            FeedKind::Lawsuit => {
                if self.role == Some(CaseRole::Plaintiff) {
                    return None;
                }
                let role = match self.role {
                    Some(CaseRole::Defendant) => Some("被告"),
                    Some(CaseRole::ThirdParty) => Some("第三人"),
                    _ => None,
                };
                (
                    SignalKind::Lawsuit,
                    say(&[Some("诉讼"), self.cause.as_deref(), role]),
                )
            }
            FeedKind::Enforcement => (SignalKind::EnforcementList, say(&[Some("被执行人")])),
            FeedKind::AbnormalOperation => (
                SignalKind::AbnormalOperation,
                say(&[
                    Some("经营异常"),
                    self.reason.as_deref(),
                    self.authority.as_deref(),
                ]),
            ),
            FeedKind::AdministrativePenalty => (
                SignalKind::NegativeNews,
                say(&[
                    Some("行政处罚"),
                    self.reason.as_deref(),
                    self.authority.as_deref(),
                ]),
            ),
            FeedKind::RegistrationChange => (
                SignalKind::NegativeNews,
                say(&[Some("工商变更"), self.reason.as_deref()]),
            ),
            FeedKind::Insolvency => (
                SignalKind::Insolvency,
                say(&[Some("破产程序"), self.court.as_deref()]),
            ),
        };
        let closed = self.status == SignalStatus::Closed || self.removed_on.is_some();
        let clip = |t: Option<&String>, max: usize| {
            t.map(|t| t.trim().chars().take(max).collect::<String>())
                .filter(|t| !t.is_empty())
        };
        Some(NewSignal {
            idempotency_key: self.key(provider_id),
            kind,
            date: self.date,
            source: source.chars().take(200).collect(),
            summary: summary.chars().take(1000).collect(),
            case_number: clip(self.number.as_ref(), 100),
            court: clip(self.court.as_ref(), 200),
            amount: self.amount,
            status: if closed {
                SignalStatus::Closed
            } else {
                SignalStatus::Open
            },
            checked_on: self.removed_on,
            agency: None,
            class: None,
        })
    }
}

/// What became of a batch: per record, a signal recorded, one already there, a record
/// ignored (and why), or a record refused (with its fields, as `records[i].field`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedReport {
    pub accepted: u32,
    /// Records whose signal was already recorded (the same record sent again).
    pub duplicate: u32,
    pub ignored: Vec<FeedIgnored>,
    pub rejected: Vec<FeedRejected>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedIgnored {
    pub index: usize,
    /// `unknown_registration_id`, `not_watched` or `not_a_warning`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FeedRejected {
    pub index: usize,
    pub errors: Vec<FieldError>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn lawsuit(role: Option<CaseRole>) -> FeedRecord {
        FeedRecord {
            registration_id: "91350100M000100Y43".into(),
            kind: FeedKind::Lawsuit,
            number: Some("(2026)沪0115民初1234号".into()),
            date: date!(2026 - 10 - 08),
            court: Some("上海市浦东新区人民法院".into()),
            cause: Some("买卖合同纠纷".into()),
            role,
            amount: None,
            status: SignalStatus::Open,
            removed_on: None,
            authority: None,
            reason: None,
        }
    }

    #[test]
    fn a_lawsuit_against_the_customer_is_a_signal_and_one_it_brought_is_not() {
        // Act
        let defendant = lawsuit(Some(CaseRole::Defendant)).signal("qcc", "企查查");
        let plaintiff = lawsuit(Some(CaseRole::Plaintiff)).signal("qcc", "企查查");

        // Assert
        let signal = defendant.expect("a signal");
        assert_eq!(signal.kind, SignalKind::Lawsuit);
        assert_eq!(signal.summary, "诉讼 · 买卖合同纠纷 · 被告");
        assert_eq!(signal.source, "企查查");
        assert_eq!(
            signal.case_number.as_deref(),
            Some("(2026)沪0115民初1234号")
        );
        assert!(plaintiff.is_none());
    }

    #[test]
    fn the_key_is_the_same_for_the_same_record_and_differs_with_its_number_or_provider() {
        let a = lawsuit(None);
        let mut b = lawsuit(None);
        b.court = Some("another spelling of the court".into());
        let mut c = lawsuit(None);
        c.number = Some("(2026)沪0115民初9999号".into());

        assert_eq!(a.key("qcc"), b.key("qcc"));
        assert_ne!(a.key("qcc"), c.key("qcc"));
        assert_ne!(a.key("qcc"), a.key("tyc"));
        assert!(crate::credit::valid_idempotency_key(&a.key("qcc")));
    }

    #[test]
    fn a_removed_listing_is_closed() {
        let mut record = lawsuit(None);
        record.kind = FeedKind::AbnormalOperation;
        record.removed_on = Some(date!(2026 - 11 - 01));

        let signal = record.signal("qcc", "企查查").unwrap();

        assert_eq!(signal.kind, SignalKind::AbnormalOperation);
        assert_eq!(signal.status, SignalStatus::Closed);
    }

    #[test]
    fn the_monitoring_list_takes_all_a_number_or_a_tag() {
        let by_number = MonitoringList {
            customers: vec!["KH-1".into()],
            ..MonitoringList::default()
        };
        let by_tag = MonitoringList {
            tags: vec!["重点".into()],
            ..MonitoringList::default()
        };

        assert!(by_number.covers("KH-1", &[]));
        assert!(!by_number.covers("KH-2", &[]));
        assert!(by_tag.covers("KH-2", &["重点".into()]));
        assert!(
            MonitoringList {
                all: true,
                ..MonitoringList::default()
            }
            .covers("any", &[])
        );
    }
}
