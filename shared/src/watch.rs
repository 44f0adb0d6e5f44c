//! Early warning and collections: warning rules as data, the figures they watch, alerts
//! (one open per rule and customer), the dunning ladder, promises to pay, collection tasks
//! and portfolio KPIs.
//!
//! Everything here is pure and takes its "today"; the API decides when to run it (on every
//! change of a credit file, and once a day for what time alone changes).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::dto::FieldError;
use crate::engine::calendar::days_between;
use crate::engine::open_items::OpenInvoice;
use crate::{Currency, CustomerId, Grade, Money, Role};

// ----- severity and figures ----------------------------------------------------------------

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

fn figure(name: &str, value: impl ToString) -> Figure {
    Figure {
        name: name.to_owned(),
        value: value.to_string(),
    }
}

// ----- what the rules read ------------------------------------------------------------------

/// Behaviour figures the credit engine computes and the credit file keeps for the watcher.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WatchFigures {
    /// Days to pay, recent window minus the one before (positive: paying slower).
    #[serde(default)]
    pub days_to_pay_trend: Option<Decimal>,
    /// Returns (credit notes) as a share of invoiced, last 12 months.
    #[serde(default)]
    pub return_rate: Option<Decimal>,
    /// Disputed as a share of invoiced, last 12 months.
    #[serde(default)]
    pub dispute_rate: Option<Decimal>,
    /// Exposure as a share of the limit in force.
    #[serde(default)]
    pub utilisation: Option<Decimal>,
    /// Open receivables (for the portfolio KPIs).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub receivables: Decimal,
    /// Invoiced over the last 12 months (average month × 12).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub sales_12m: Decimal,
    /// Written off over the last 12 months.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub written_off_12m: Decimal,
}

impl WatchFigures {
    /// The figures the watcher keeps from a customer's computed behaviour.
    pub fn of(b: &crate::engine::metrics::Behaviour) -> Self {
        WatchFigures {
            days_to_pay_trend: b.days_to_pay_trend,
            return_rate: b.return_rate,
            dispute_rate: b.dispute_rate,
            utilisation: b.utilisation,
            receivables: b.receivables.amount,
            sales_12m: b.average_monthly_purchases.amount * Decimal::from(12),
            written_off_12m: b.written_off_12m.amount,
        }
    }
}

/// One customer's figures on one day: everything a warning rule can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Watch {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    pub currency: Currency,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub score: Decimal,
    pub grade: Grade,
    pub limit: Money,
    pub exposure: Money,
    /// Overdue and not disputed.
    pub overdue: Money,
    pub oldest_overdue_days: u32,
    #[serde(default)]
    pub figures: WatchFigures,
    #[serde(default, with = "crate::engine::calendar::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub temporary_expires: Option<Date>,
    #[serde(default, with = "crate::engine::calendar::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub review_due: Option<Date>,
    /// Negative external signals recorded so far (lawsuits, enforcement, news).
    #[serde(default)]
    pub signals: u32,
    /// The newest signal, in words.
    #[serde(default)]
    pub last_signal: Option<String>,
    /// Promises to pay that were broken so far.
    #[serde(default)]
    pub broken_promises: u32,
}

/// Where score and grade stood about a month ago: score drops and downgrades are measured
/// from here, so a slow slide fires too (consecutive changes may each be small).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reference {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub since: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub score: Decimal,
    pub grade: Grade,
}

/// Days a reference is kept before it moves to the current figures.
pub const REFERENCE_DAYS: i64 = 30;

impl Reference {
    /// The reference to keep after seeing `now`: the old one while it is younger than
    /// [`REFERENCE_DAYS`], else `now`'s figures.
    pub fn roll(previous: Option<&Reference>, now: &Watch) -> Reference {
        match previous {
            Some(r) if days_between(r.since, now.as_of) < REFERENCE_DAYS => r.clone(),
            _ => Reference {
                since: now.as_of,
                score: now.score,
                grade: now.grade,
            },
        }
    }
}

// ----- rules ---------------------------------------------------------------------------------

/// What makes a rule fire. In JSON, `{"type": "overdue_days", "steps": [30, 60, 90]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The payment cycle is getting longer by more than `above_days`.
    DaysToPayTrend {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        above_days: Decimal,
    },
    /// The oldest overdue invoice crosses each of `steps` days (each crossing raises it).
    OverdueDays { steps: Vec<u32> },
    /// Overdue above an amount; one threshold per account currency (a customer in another
    /// currency is not judged by this rule).
    OverdueAmount { above: Vec<Money> },
    /// Exposure above this share of the limit (0.9 = 90%).
    Utilisation {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        above: Decimal,
    },
    /// The score fell by at least `points` since the reference (about a month ago).
    ScoreDrop {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        points: Decimal,
    },
    /// The grade fell by at least `steps` grades since the reference.
    GradeDowngrade { steps: u8 },
    /// Returns above this share of invoiced.
    ReturnRate {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        above: Decimal,
    },
    /// Disputes above this share of invoiced.
    DisputeRate {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        above: Decimal,
    },
    /// A new negative external signal (lawsuit, enforcement list, negative news).
    ExternalSignal,
    /// A temporary limit or a credit review ends within `within_days`.
    Expiry { of: Expiring, within_days: u32 },
    /// A promise to pay was broken.
    BrokenPromise,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Expiring {
    TemporaryLimit,
    Review,
}

/// What the policy does by itself when a rule fires (or rises).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum AutoAction {
    /// Put the customer on hold (orders block until a release is approved).
    Hold,
    /// Require this share of each order paid in advance.
    RequirePrepayment {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        share: Decimal,
    },
    /// File a request to cut the limit by this share; it goes through the approval matrix.
    ProposeLimitCut {
        #[cfg_attr(feature = "openapi", schema(value_type = String))]
        by_share: Decimal,
    },
    /// Open a collection task.
    CollectionTask,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WarningRule {
    /// Stable id (`[a-z0-9_]`); one open alert per rule and customer.
    pub id: String,
    pub name: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    pub severity: Severity,
    pub when: Condition,
    /// Roles told besides the customer's owner.
    #[serde(default)]
    pub notify: Vec<Role>,
    #[serde(default)]
    pub actions: Vec<AutoAction>,
}

fn yes() -> bool {
    true
}

/// A tenant's warning rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WarningRules {
    /// The stored version (0: the shipped default).
    #[serde(default)]
    pub version: u32,
    pub rules: Vec<WarningRule>,
}

/// A rule that fired: how far (level) and on what figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Firing {
    /// Rises as the condition worsens (30 → 60 → 90 days is 1 → 2 → 3); an alert is raised
    /// again only when its level rises.
    pub level: u32,
    pub figures: Vec<Figure>,
}

fn percent(share: Decimal) -> String {
    format!("{}%", (share * Decimal::from(100)).round_dp(1).normalize())
}

impl WarningRule {
    /// Whether the rule fires on `now`, given where score and grade stood (`reference`).
    pub fn fire(&self, now: &Watch, reference: Option<&Reference>) -> Option<Firing> {
        if !self.enabled {
            return None;
        }
        let one = |figures: Vec<Figure>| Some(Firing { level: 1, figures });
        match &self.when {
            Condition::DaysToPayTrend { above_days } => {
                let trend = now.figures.days_to_pay_trend?;
                (trend > *above_days)
                    .then(|| one(vec![figure("days_to_pay_trend", trend.round_dp(1))]))
                    .flatten()
            }
            Condition::OverdueDays { steps } => {
                let level = steps
                    .iter()
                    .filter(|&&s| now.oldest_overdue_days >= s)
                    .count() as u32;
                (level > 0).then(|| Firing {
                    level,
                    figures: vec![
                        figure("oldest_overdue_days", now.oldest_overdue_days),
                        figure("overdue", now.overdue),
                    ],
                })
            }
            Condition::OverdueAmount { above } => {
                let threshold = above.iter().find(|m| m.currency == now.currency)?;
                (now.overdue.amount > threshold.amount)
                    .then(|| one(vec![figure("overdue", now.overdue)]))
                    .flatten()
            }
            Condition::Utilisation { above } => {
                let u = now.figures.utilisation?;
                (u > *above)
                    .then(|| {
                        one(vec![
                            figure("utilisation", percent(u)),
                            figure("exposure", now.exposure),
                            figure("limit", now.limit),
                        ])
                    })
                    .flatten()
            }
            Condition::ScoreDrop { points } => {
                let r = reference?;
                let drop = r.score - now.score;
                (drop >= *points)
                    .then(|| {
                        one(vec![
                            figure("score_before", r.score.round_dp(0)),
                            figure("score", now.score.round_dp(0)),
                        ])
                    })
                    .flatten()
            }
            Condition::GradeDowngrade { steps } => {
                let r = reference?;
                let fell = now.grade as i32 - r.grade as i32;
                (fell >= i32::from(*steps))
                    .then(|| {
                        one(vec![
                            figure("grade_before", r.grade.as_str()),
                            figure("grade", now.grade.as_str()),
                        ])
                    })
                    .flatten()
            }
            Condition::ReturnRate { above } => {
                let rate = now.figures.return_rate?;
                (rate > *above)
                    .then(|| one(vec![figure("return_rate", percent(rate))]))
                    .flatten()
            }
            Condition::DisputeRate { above } => {
                let rate = now.figures.dispute_rate?;
                (rate > *above)
                    .then(|| one(vec![figure("dispute_rate", percent(rate))]))
                    .flatten()
            }
            Condition::ExternalSignal => (now.signals > 0).then(|| Firing {
                level: now.signals,
                figures: vec![
                    figure("signals", now.signals),
                    figure("last_signal", now.last_signal.clone().unwrap_or_default()),
                ],
            }),
            Condition::Expiry { of, within_days } => {
                let (name, date) = match of {
                    Expiring::TemporaryLimit => ("temporary_expires", now.temporary_expires?),
                    Expiring::Review => ("review_due", now.review_due?),
                };
                let left = days_between(now.as_of, date);
                // Level 1 when it is near, 2 once it has passed.
                let level = if left < 0 {
                    2
                } else if left <= i64::from(*within_days) {
                    1
                } else {
                    0
                };
                (level > 0).then(|| Firing {
                    level,
                    figures: vec![figure(name, date), figure("days_left", left)],
                })
            }
            Condition::BrokenPromise => (now.broken_promises > 0).then(|| Firing {
                level: now.broken_promises,
                figures: vec![figure("broken_promises", now.broken_promises)],
            }),
        }
    }

    /// The day time alone may next change this rule's answer for `now` (an invoice
    /// crossing a step, an expiry coming near or passing); `None` when only a change of
    /// the credit file can.
    pub fn next_wake(&self, now: &Watch, invoices: &[OpenInvoice]) -> Option<Date> {
        if !self.enabled {
            return None;
        }
        let after = |d: Date| (d > now.as_of).then_some(d);
        match &self.when {
            Condition::OverdueDays { steps } => invoices
                .iter()
                .filter(|i| !i.open.amount.is_zero())
                .flat_map(|i| {
                    steps
                        .iter()
                        .filter_map(move |&s| after(i.due + time::Duration::days(i64::from(s))))
                })
                .min(),
            Condition::Expiry { of, within_days } => {
                let date = match of {
                    Expiring::TemporaryLimit => now.temporary_expires?,
                    Expiring::Review => now.review_due?,
                };
                [
                    date - time::Duration::days(i64::from(*within_days)),
                    date + time::Duration::days(1),
                ]
                .into_iter()
                .filter_map(after)
                .min()
            }
            _ => None,
        }
    }
}

impl WarningRules {
    /// The rules a new tenant starts with (`defaults/warning_rules.json`).
    pub fn default_rules() -> Self {
        serde_json::from_str(include_str!("../defaults/warning_rules.json"))
            .expect("the default warning rules are valid")
    }

    /// Checks what the admin page saves; errors name the field (`rules[2].when.steps`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut push = |field: String, message: &str| {
            errors.push(FieldError {
                field,
                message: message.to_owned(),
            })
        };
        let mut ids = std::collections::BTreeSet::new();
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |f: &str| format!("rules[{i}].{f}");
            if rule.id.is_empty()
                || rule.id.len() > 40
                || !rule
                    .id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                push(at("id"), "use 1-40 lowercase letters, digits or _");
            } else if !ids.insert(rule.id.as_str()) {
                push(at("id"), "two rules have this id");
            }
            if rule.name.trim().is_empty() || rule.name.chars().count() > 80 {
                push(at("name"), "give the rule a name of at most 80 characters");
            }
            let share = |d: &Decimal| *d > Decimal::ZERO && *d <= Decimal::ONE;
            match &rule.when {
                Condition::OverdueDays { steps } => {
                    if steps.is_empty()
                        || steps.windows(2).any(|w| w[0] >= w[1])
                        || steps.iter().any(|&s| s == 0 || s > 3650)
                    {
                        push(at("when.steps"), "list rising day counts, e.g. 30, 60, 90");
                    }
                }
                Condition::OverdueAmount { above } => {
                    if above.is_empty() || above.iter().any(|m| m.amount.is_sign_negative()) {
                        push(
                            at("when.above"),
                            "give a threshold of 0 or more per currency",
                        );
                    }
                }
                Condition::Utilisation { above }
                | Condition::ReturnRate { above }
                | Condition::DisputeRate { above } => {
                    if !share(above) {
                        push(at("when.above"), "a share between 0 and 1 (0.9 is 90%)");
                    }
                }
                Condition::DaysToPayTrend { above_days } => {
                    if above_days.is_sign_negative() {
                        push(at("when.above_days"), "0 days or more");
                    }
                }
                Condition::ScoreDrop { points } => {
                    if *points <= Decimal::ZERO {
                        push(at("when.points"), "more than 0 points");
                    }
                }
                Condition::GradeDowngrade { steps } => {
                    if *steps == 0 || *steps > 4 {
                        push(at("when.steps"), "1 to 4 grades");
                    }
                }
                Condition::Expiry { within_days, .. } => {
                    if *within_days > 365 {
                        push(at("when.within_days"), "at most 365 days");
                    }
                }
                Condition::ExternalSignal | Condition::BrokenPromise => {}
            }
            for (j, action) in rule.actions.iter().enumerate() {
                match action {
                    AutoAction::RequirePrepayment { share: s }
                    | AutoAction::ProposeLimitCut { by_share: s } => {
                        if !share(s) {
                            push(
                                at(&format!("actions[{j}].share")),
                                "a share between 0 and 1",
                            );
                        }
                    }
                    AutoAction::Hold | AutoAction::CollectionTask => {}
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

// ----- alerts --------------------------------------------------------------------------------

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

// ----- dunning --------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DunningAction {
    Reminder,
    Call,
    Escalate,
    Hold,
    Legal,
}

impl DunningAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DunningAction::Reminder => "reminder",
            DunningAction::Call => "call",
            DunningAction::Escalate => "escalate",
            DunningAction::Hold => "hold",
            DunningAction::Legal => "legal",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DunningStep {
    /// Days after the due date (negative: before it).
    pub day: i32,
    pub action: DunningAction,
}

/// A tenant's dunning ladder, ordered by day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DunningLadder {
    /// The stored version (0: the shipped default).
    #[serde(default)]
    pub version: u32,
    pub steps: Vec<DunningStep>,
}

/// One invoice's step in a customer's dunning summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DunningLine {
    pub invoice: String,
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: Date,
    pub open: Money,
    /// Days after the due date (negative: before it).
    pub days: i64,
    /// Index of the step reached in the ladder.
    pub step: usize,
    pub action: DunningAction,
}

/// The steps a customer reached today: one summary per customer, not one message per
/// invoice. The strongest action decides what happens (a call, a hold, legal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DunningSummary {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub lines: Vec<DunningLine>,
    pub strongest: DunningAction,
    pub total: Money,
}

impl DunningLadder {
    pub fn default_ladder() -> Self {
        serde_json::from_str(include_str!("../defaults/dunning_ladder.json"))
            .expect("the default dunning ladder is valid")
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let rising = self.steps.windows(2).all(|w| w[0].day < w[1].day);
        if self.steps.is_empty() || !rising || self.steps.iter().any(|s| s.day.abs() > 3650) {
            return Err(vec![FieldError {
                field: "steps".into(),
                message: "list steps by rising day (negative days are before the due date)".into(),
            }]);
        }
        Ok(())
    }

    /// The step each open, undisputed invoice has reached on `today` that was not taken
    /// yet (`taken`: invoice → steps taken so far). Disputed invoices wait until the
    /// dispute is resolved. Returns the summary and the new `taken` map; `None` when no
    /// invoice reached a new step (so a day seen twice does nothing twice).
    pub fn due_today(
        &self,
        invoices: &[OpenInvoice],
        today: Date,
        taken: &BTreeMap<String, usize>,
    ) -> (Option<DunningSummary>, BTreeMap<String, usize>) {
        let mut next: BTreeMap<String, usize> = BTreeMap::new();
        let mut lines = Vec::new();
        for inv in invoices {
            let key = inv.invoice.as_str().to_owned();
            let done = taken.get(&key).copied().unwrap_or(0);
            if inv.open.amount <= Decimal::ZERO || !inv.disputed.amount.is_zero() {
                // Paid invoices drop out; disputed ones keep what they had.
                if inv.open.amount > Decimal::ZERO {
                    next.insert(key, done);
                }
                continue;
            }
            let days = days_between(inv.due, today);
            let reached = self
                .steps
                .iter()
                .filter(|s| i64::from(s.day) <= days)
                .count();
            next.insert(key.clone(), reached.max(done));
            if reached > done {
                let step = reached - 1;
                lines.push(DunningLine {
                    invoice: key,
                    due: inv.due,
                    open: inv.open,
                    days,
                    step,
                    action: self.steps[step].action,
                });
            }
        }
        let summary = lines.iter().map(|l| l.action).max().map(|strongest| {
            let currency = lines[0].open.currency;
            let total = lines.iter().fold(Money::zero(currency), |sum, l| {
                Money::new(sum.amount + l.open.amount, currency)
            });
            DunningSummary {
                date: today,
                lines,
                strongest,
                total,
            }
        });
        (summary, next)
    }

    /// The next day a step falls due for any open invoice (for the daily pass's index).
    pub fn next_wake(&self, invoices: &[OpenInvoice], after: Date) -> Option<Date> {
        invoices
            .iter()
            .filter(|i| i.open.amount > Decimal::ZERO)
            .flat_map(|i| {
                self.steps
                    .iter()
                    .map(move |s| i.due + time::Duration::days(i64::from(s.day)))
            })
            .filter(|&d| d > after)
            .min()
    }
}

// ----- promises, tasks, activity ---------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PromiseStatus {
    Open,
    Kept,
    Broken,
}

/// A promise to pay `amount` by `date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Promise {
    pub id: String,
    pub customer_id: CustomerId,
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub amount: Money,
    pub note: String,
    pub made_by: String,
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub made_on: Date,
    pub status: PromiseStatus,
    /// Paid since the promise was made (as far as known).
    pub paid: Money,
    #[serde(default)]
    pub version: u64,
}

impl Promise {
    /// The promise's status given what was paid since it was made: kept once the amount
    /// is paid, broken when its date passed without it.
    pub fn judge(&self, paid_since: Money, today: Date) -> PromiseStatus {
        if self.status != PromiseStatus::Open {
            self.status
        } else if paid_since.amount >= self.amount.amount {
            PromiseStatus::Kept
        } else if today > self.date {
            PromiseStatus::Broken
        } else {
            PromiseStatus::Open
        }
    }
}

/// `POST /v1/customers/{id}/promises`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPromise {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub amount: Money,
    #[serde(default)]
    pub note: String,
}

impl NewPromise {
    pub fn validate(&self, today: Date, currency: Currency) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.date < today {
            errors.push(FieldError {
                field: "date".into(),
                message: "a promise is for today or later".into(),
            });
        } else if days_between(today, self.date) > 180 {
            errors.push(FieldError {
                field: "date".into(),
                message: "at most 180 days ahead".into(),
            });
        }
        if self.amount.amount <= Decimal::ZERO || self.amount.amount.scale() > 2 {
            errors.push(FieldError {
                field: "amount".into(),
                message: "an amount above 0 with at most 2 decimals".into(),
            });
        } else if self.amount.currency != currency {
            errors.push(FieldError {
                field: "amount.currency".into(),
                message: format!("the customer's account is in {currency}"),
            });
        }
        if self.note.chars().count() > 1000 {
            errors.push(FieldError {
                field: "note".into(),
                message: "at most 1000 characters".into(),
            });
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
pub enum TaskStatus {
    Open,
    Done,
}

/// A piece of collection work on one customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionTask {
    pub id: String,
    pub customer_id: CustomerId,
    pub customer_name: String,
    pub action: DunningAction,
    /// Why: the dunning step or the alert that opened it.
    pub reason: String,
    pub assignee: String,
    /// Amount × days late × risk: the worklist's order, highest first.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub priority: Decimal,
    pub overdue: Money,
    pub days_late: u32,
    pub status: TaskStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(default)]
    pub note: String,
    pub version: u64,
    /// The warning rules that asked for this task (ids).
    #[serde(default)]
    pub rule_ids: Vec<String>,
    /// The dunning step that asked for it, if one did.
    #[serde(default)]
    pub dunning: Option<DunningAction>,
}

/// Amount × days late × risk (the grade's probability of default, at least 1%).
pub fn priority(overdue: Decimal, days_late: u32, pd: Decimal) -> Decimal {
    let risk = pd.max(Decimal::new(1, 2));
    (overdue * Decimal::from(days_late) * risk).round_dp(2)
}

/// Who works a task: the customer's owner for the gentle first steps, else the collector
/// with the fewest open tasks (ties by name), else the owner anyway.
pub fn assign(
    action: DunningAction,
    owner: Option<&str>,
    collectors: &[(String, u32)],
) -> Option<String> {
    let least_loaded = || {
        collectors
            .iter()
            .min_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)))
            .map(|(name, _)| name.clone())
    };
    match (action, owner) {
        (DunningAction::Reminder | DunningAction::Call, Some(o)) => Some(o.to_owned()),
        _ => least_loaded().or_else(|| owner.map(str::to_owned)),
    }
}

/// `POST /v1/tasks/{customer}/{id}`: close a task with a note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaskUpdate {
    pub note: String,
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Note,
    Promise,
    PromiseKept,
    PromiseBroken,
    Dunning,
    TaskOpened,
    TaskDone,
    Alert,
    Signal,
    AutoAction,
}

/// One line of a customer's collection activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Activity {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
    pub kind: ActivityKind,
    pub by: String,
    /// In words (English) for logs and exports; the app words it from `detail`.
    pub text: String,
    #[serde(default)]
    pub detail: ActivityDetail,
}

/// The facts of an activity line, so the app can word it in the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::engine::calendar::iso_date::option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub date: Option<Date>,
    /// The dunning step or task action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<DunningAction>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u32>,
    /// How many invoices a dunning summary covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// What a person did to an alert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_status: Option<AlertStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<SignalKind>,
}

/// `POST /v1/customers/{id}/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignalKind {
    Lawsuit,
    EnforcementList,
    NegativeNews,
    Insolvency,
}

/// `POST /v1/customers/{id}/signals`: a negative external signal from a data provider
/// or a person, with the key that makes posting it twice harmless.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSignal {
    pub idempotency_key: String,
    pub kind: SignalKind,
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub source: String,
    pub summary: String,
}

/// A customer's collections page: aging, open promises, open tasks, recent activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CollectionsView {
    pub customer_id: CustomerId,
    pub aging: Vec<AgingBucket>,
    pub promises: Vec<Promise>,
    pub tasks: Vec<CollectionTask>,
    pub alerts: Vec<Alert>,
    pub activity: Vec<Activity>,
    pub last_dunning: Option<DunningSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgingBucket {
    /// `current`, `1-30`, `31-60`, `61-90`, `90+`.
    pub bucket: String,
    pub amount: Money,
}

/// Open items by days past due on `today` (disputed parts included).
pub fn aging_buckets(
    invoices: &[OpenInvoice],
    today: Date,
    currency: Currency,
) -> Vec<AgingBucket> {
    let names = ["current", "1-30", "31-60", "61-90", "90+"];
    let mut sums = [Decimal::ZERO; 5];
    for inv in invoices {
        let late = days_between(inv.due, today);
        let i = match late {
            i64::MIN..=0 => 0,
            1..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        };
        sums[i] += inv.open.amount;
    }
    names
        .iter()
        .zip(sums)
        .map(|(name, amount)| AgingBucket {
            bucket: (*name).to_owned(),
            amount: Money::new(amount, currency),
        })
        .collect()
}

/// The collector's worklist: open tasks, highest priority first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Worklist {
    pub items: Vec<CollectionTask>,
}

// ----- KPIs --------------------------------------------------------------------------------

/// One customer's contribution to the portfolio KPIs, in the reporting currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KpiInput {
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<Grade>,
    pub receivables: Decimal,
    pub overdue: Decimal,
    pub exposure: Decimal,
    pub limit: Decimal,
    /// Invoiced over the last 12 months.
    pub sales_12m: Decimal,
    /// Written off over the last 12 months.
    pub write_offs_12m: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeCount {
    /// `A`..`E`, or `-` for not graded.
    pub grade: String,
    pub customers: u32,
    /// Change since the previous snapshot (`None` without one).
    pub drift: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopExposure {
    pub customer_id: CustomerId,
    pub name: String,
    pub grade: Option<Grade>,
    pub exposure: Money,
    pub limit: Money,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RuleCount {
    pub rule_id: String,
    pub rule_name: String,
    pub open: u32,
}

/// The portfolio dashboard. Shares are 0..1, days are days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kpis {
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    pub currency: Currency,
    pub customers: u32,
    pub receivables: Money,
    pub overdue: Money,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub overdue_share: Decimal,
    /// Days sales outstanding: receivables ÷ (12-month sales ÷ 365).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub dso: Option<Decimal>,
    /// 12-month sales ÷ receivables.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub ar_turnover: Option<Decimal>,
    /// 12-month write-offs ÷ 12-month sales.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub bad_debt_rate: Option<Decimal>,
    pub grades: Vec<GradeCount>,
    pub top_exposures: Vec<TopExposure>,
    pub alerts_by_rule: Vec<RuleCount>,
    /// Customers whose amounts are in another currency and were left out.
    pub other_currency_customers: u32,
}

impl Kpis {
    /// The KPIs of `inputs` (all in `currency`), with grade drift against `previous`.
    pub fn compute(
        as_of: Date,
        currency: Currency,
        inputs: &[KpiInput],
        other_currency_customers: u32,
        previous_grades: Option<&[GradeCount]>,
        alerts_by_rule: Vec<RuleCount>,
    ) -> Kpis {
        let sum = |f: fn(&KpiInput) -> Decimal| inputs.iter().map(f).sum::<Decimal>();
        let receivables = sum(|i| i.receivables);
        let overdue = sum(|i| i.overdue);
        let sales = sum(|i| i.sales_12m);
        let write_offs = sum(|i| i.write_offs_12m);
        let ratio = |a: Decimal, b: Decimal| (!b.is_zero()).then(|| (a / b).round_dp(4));
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        for i in inputs {
            *counts
                .entry(i.grade.map_or("-".to_owned(), |g| g.as_str().to_owned()))
                .or_default() += 1;
        }
        let grades = Grade::ALL
            .iter()
            .map(|g| g.as_str().to_owned())
            .chain(std::iter::once("-".to_owned()))
            .map(|grade| {
                let customers = counts.get(&grade).copied().unwrap_or(0);
                let drift = previous_grades.map(|p| {
                    let before = p
                        .iter()
                        .find(|c| c.grade == grade)
                        .map_or(0, |c| c.customers);
                    i64::from(customers) - i64::from(before)
                });
                GradeCount {
                    grade,
                    customers,
                    drift,
                }
            })
            .collect();
        let mut top: Vec<&KpiInput> = inputs.iter().collect();
        top.sort_by(|a, b| b.exposure.cmp(&a.exposure).then(a.name.cmp(&b.name)));
        Kpis {
            as_of,
            currency,
            customers: inputs.len() as u32,
            receivables: Money::new(receivables, currency),
            overdue: Money::new(overdue, currency),
            overdue_share: ratio(overdue, receivables).unwrap_or_default(),
            dso: ratio(receivables * Decimal::from(365), sales).map(|d| d.round_dp(1)),
            ar_turnover: ratio(sales, receivables).map(|d| d.round_dp(2)),
            bad_debt_rate: ratio(write_offs, sales),
            grades,
            top_exposures: top
                .into_iter()
                .take(10)
                .map(|i| TopExposure {
                    customer_id: i.customer_id.clone(),
                    name: i.name.clone(),
                    grade: i.grade,
                    exposure: Money::new(i.exposure, currency),
                    limit: Money::new(i.limit, currency),
                })
                .collect(),
            alerts_by_rule,
            other_currency_customers,
        }
    }
}

// ----- webhooks, runs --------------------------------------------------------------------------

/// Where a tenant's events go: JSON POSTs signed with HMAC-SHA256 of the body under the
/// endpoint's secret (header `X-Credence-Signature: sha256=<hex>`).
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

impl WebhookConfig {
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
                errors.push(FieldError {
                    field: format!("endpoints[{i}].id"),
                    message: "use 1-40 letters, digits, - or _".into(),
                });
            }
            if !(e.url.starts_with("https://") || e.url.starts_with("http://")) || e.url.len() > 500
            {
                errors.push(FieldError {
                    field: format!("endpoints[{i}].url"),
                    message: "an http(s) URL of at most 500 characters".into(),
                });
            }
            if e.secret.len() < 16 || e.secret.len() > 200 {
                errors.push(FieldError {
                    field: format!("endpoints[{i}].secret"),
                    message: "a secret of 16 to 200 characters".into(),
                });
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
    pub customers: u32,
    pub alerts_opened: u32,
    pub alerts_raised: u32,
    pub dunning_summaries: u32,
    pub tasks: u32,
    pub promises_broken: u32,
    pub deliveries_sent: u32,
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

#[cfg(test)]
mod tests;
