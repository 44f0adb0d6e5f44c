//! Alerts: one per rule and customer, opened when the rule first fires, raised as its level
//! rises, acknowledged and resolved by people, reopened when it fires again.

use super::{Figure, Firing, Severity, WarningRule};
use crate::{CustomerId, Role};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertStatus {
    Open,
    Acknowledged,
    Resolved,
}

impl AlertStatus {
    pub fn is_open(self) -> bool {
        self != AlertStatus::Resolved
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertAction {
    Opened,
    Raised,
    Acknowledged,
    Resolved,
    Reopened,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertEvent {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub action: AlertAction,
    /// A person, or `system`.
    pub by: String,
    pub level: u32,
    #[serde(default)]
    pub note: String,
}

/// The one alert of a rule for a customer: opened when the rule first fires, raised when
/// its level rises, acknowledged and resolved (with a note) by people, reopened when the
/// rule fires again after it was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alert {
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub rule_id: String,
    pub rule_name: String,
    pub severity: Severity,
    pub level: u32,
    /// The figures of the latest firing.
    pub figures: Vec<Figure>,
    /// The customer's owner (sales rep), who is always told.
    pub owner: Option<String>,
    /// Roles told besides the owner.
    pub notify: Vec<Role>,
    pub status: AlertStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opened_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: OffsetDateTime,
    pub events: Vec<AlertEvent>,
    /// Optimistic-concurrency version.
    pub version: u64,
}

/// What one firing did to the alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new alert (or one reopened after it was resolved): tell people, act.
    Opened,
    /// The level rose: tell people again, act again.
    Raised,
    /// Same level, newer figures: keep quiet.
    Refreshed,
    /// Nothing changed (the same change seen twice).
    Unchanged,
}

impl Outcome {
    pub fn tells(self) -> bool {
        matches!(self, Outcome::Opened | Outcome::Raised)
    }
}

/// Who the alert is for and about.
pub struct AlertSubject<'a> {
    pub customer_id: &'a CustomerId,
    pub customer_name: &'a str,
    pub owner: Option<&'a str>,
}

impl Alert {
    /// Applies a firing of `rule` to the rule's current alert for the customer (if any).
    pub fn apply(
        existing: Option<&Alert>,
        rule: &WarningRule,
        subject: &AlertSubject<'_>,
        firing: &Firing,
        now: OffsetDateTime,
    ) -> (Alert, Outcome) {
        let event = |action| AlertEvent {
            at: now,
            action,
            by: "system".into(),
            level: firing.level,
            note: String::new(),
        };
        match existing {
            Some(a) if a.status.is_open() => {
                let mut next = a.clone();
                let outcome = if firing.level > a.level {
                    next.level = firing.level;
                    next.events.push(event(AlertAction::Raised));
                    Outcome::Raised
                } else if firing.figures != a.figures {
                    Outcome::Refreshed
                } else {
                    return (a.clone(), Outcome::Unchanged);
                };
                next.figures = firing.figures.clone();
                next.severity = rule.severity;
                next.rule_name = rule.name.clone();
                next.updated_at = now;
                next.version += 1;
                (next, outcome)
            }
            Some(a) if firing.level <= a.level => {
                // Resolved by a person, and no worse since: stays resolved (the figures
                // may move, as days overdue do, without telling anyone again).
                (a.clone(), Outcome::Unchanged)
            }
            previous => {
                let mut events = previous.map(|a| a.events.clone()).unwrap_or_default();
                events.push(event(if previous.is_some() {
                    AlertAction::Reopened
                } else {
                    AlertAction::Opened
                }));
                (
                    Alert {
                        customer_id: subject.customer_id.clone(),
                        customer_name: subject.customer_name.to_owned(),
                        rule_id: rule.id.clone(),
                        rule_name: rule.name.clone(),
                        severity: rule.severity,
                        level: firing.level,
                        figures: firing.figures.clone(),
                        owner: subject.owner.map(str::to_owned),
                        notify: rule.notify.clone(),
                        status: AlertStatus::Open,
                        opened_at: now,
                        updated_at: now,
                        events,
                        version: previous.map_or(1, |a| a.version + 1),
                    },
                    Outcome::Opened,
                )
            }
        }
    }

    /// A resolved alert whose rule no longer fires: its level drops to 0, so the rule firing
    /// again later reopens it. `None` when there is nothing to record.
    pub fn cleared(&self, now: OffsetDateTime) -> Option<Alert> {
        (self.status == AlertStatus::Resolved && self.level > 0).then(|| Alert {
            level: 0,
            updated_at: now,
            version: self.version + 1,
            ..self.clone()
        })
    }

    /// The alert raised again by something that is not a rule (an admin's override, a
    /// shipment against a blocked order): a level up, open again, with new figures and an
    /// event saying who and why.
    pub fn raised_again(
        &self,
        figures: Vec<Figure>,
        (by, note): (&str, &str),
        now: OffsetDateTime,
    ) -> Alert {
        let action = if self.status.is_open() {
            AlertAction::Raised
        } else {
            AlertAction::Reopened
        };
        let level = self.level.saturating_add(1);
        let mut events = self.events.clone();
        events.push(AlertEvent {
            at: now,
            action,
            by: by.to_owned(),
            level,
            note: note.to_owned(),
        });
        Alert {
            level,
            status: AlertStatus::Open,
            updated_at: now,
            figures,
            events,
            version: self.version + 1,
            ..self.clone()
        }
    }

    /// Whether `user` (with `roles`) is told about this alert.
    pub fn is_for(&self, user: &str, roles: &[Role]) -> bool {
        self.owner.as_deref() == Some(user) || roles.iter().any(|r| self.notify.contains(r))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AlertChange {
    Acknowledge,
    Resolve,
}

/// `POST /v1/customers/{id}/alerts/{rule}`: acknowledge or resolve (a note is required to
/// resolve), guarded by the version the person saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertUpdate {
    pub action: AlertChange,
    #[serde(default)]
    pub note: String,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertList {
    pub items: Vec<Alert>,
    /// Open alerts meant for me (the navigation badge).
    pub mine_open: u32,
}
