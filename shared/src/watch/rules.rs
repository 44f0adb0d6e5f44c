//! Warning rules as data: the conditions that make a rule fire, how far it fired, and the day
//! time alone could make it fire next.

use super::severity::figure;
use super::{Figure, Reference, Severity, Watch};
use crate::bounds::{add_days, check_amount, sub_days};
use crate::document::{DocumentKind, TenantDocument};
use crate::dto::FieldError;
use crate::engine::calendar::days_between;
use crate::engine::open_items::OpenInvoice;
use crate::messages::code;
use crate::{Money, Role};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

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

pub(super) fn yes() -> bool {
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
                        .filter_map(move |&s| after(add_days(i.due, i64::from(s))))
                })
                .min(),
            Condition::Expiry { of, within_days } => {
                let date = match of {
                    Expiring::TemporaryLimit => now.temporary_expires?,
                    Expiring::Review => now.review_due?,
                };
                [sub_days(date, i64::from(*within_days)), add_days(date, 1)]
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
        serde_json::from_str(include_str!("../../defaults/warning_rules.json"))
            .expect("the default warning rules are valid")
    }

    /// Checks what the admin page saves; errors name the field (`rules[2].when.steps`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut push = |e: FieldError| errors.push(e);
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
                push(
                    FieldError::new(
                        at("id"),
                        code::TEXT_PATTERN,
                        "use 1-40 lowercase letters, digits or _",
                    )
                    .with("min", 1)
                    .with("max", 40)
                    .with("allowed", "a-z 0-9 _"),
                );
            } else if !ids.insert(rule.id.as_str()) {
                push(FieldError::new(
                    at("id"),
                    code::KEY_DUPLICATE,
                    "two rules have this id",
                ));
            }
            if rule.name.trim().is_empty() || rule.name.chars().count() > 80 {
                push(
                    FieldError::new(
                        at("name"),
                        code::TEXT_LENGTH,
                        "give the rule a name of at most 80 characters",
                    )
                    .with("min", 1)
                    .with("max", 80),
                );
            }
            let share = |d: &Decimal| *d > Decimal::ZERO && *d <= Decimal::ONE;
            match &rule.when {
                Condition::OverdueDays { steps } => {
                    if steps.is_empty()
                        || steps.windows(2).any(|w| w[0] >= w[1])
                        || steps.iter().any(|&s| s == 0 || s > 3650)
                    {
                        push(FieldError::new(
                            at("when.steps"),
                            code::STEPS_ORDER,
                            "list rising day counts, e.g. 30, 60, 90",
                        ));
                    }
                }
                Condition::OverdueAmount { above } => {
                    if above.is_empty()
                        || above
                            .iter()
                            .any(|m| m.amount.is_sign_negative() || check_amount(m.amount).is_err())
                    {
                        push(
                            FieldError::new(
                                at("when.above"),
                                code::NUMBER_RANGE,
                                "give a threshold of 0 to 10^15 per currency",
                            )
                            .with("min", 0)
                            .with("max", crate::bounds::MAX_AMOUNT),
                        );
                    }
                }
                Condition::Utilisation { above }
                | Condition::ReturnRate { above }
                | Condition::DisputeRate { above } => {
                    if !share(above) {
                        push(FieldError::new(
                            at("when.above"),
                            code::SHARE_RANGE,
                            "a share between 0 and 1 (0.9 is 90%)",
                        ));
                    }
                }
                Condition::DaysToPayTrend { above_days } => {
                    if above_days.is_sign_negative() || *above_days > Decimal::from(3650) {
                        push(
                            FieldError::new(
                                at("when.above_days"),
                                code::NUMBER_RANGE,
                                "0 to 3650 days",
                            )
                            .with("min", 0)
                            .with("max", 3650),
                        );
                    }
                }
                Condition::ScoreDrop { points } => {
                    if *points <= Decimal::ZERO || check_amount(*points).is_err() {
                        push(FieldError::new(
                            at("when.points"),
                            code::NUMBER_NOT_POSITIVE,
                            "more than 0 points",
                        ));
                    }
                }
                Condition::GradeDowngrade { steps } => {
                    if *steps == 0 || *steps > 4 {
                        push(
                            FieldError::new(at("when.steps"), code::NUMBER_RANGE, "1 to 4 grades")
                                .with("min", 1)
                                .with("max", 4),
                        );
                    }
                }
                Condition::Expiry { within_days, .. } => {
                    if *within_days > 365 {
                        push(
                            FieldError::new(
                                at("when.within_days"),
                                code::DAYS_TOO_MANY,
                                "at most 365 days",
                            )
                            .with("max", 365),
                        );
                    }
                }
                Condition::ExternalSignal | Condition::BrokenPromise => {}
            }
            for (j, action) in rule.actions.iter().enumerate() {
                match action {
                    AutoAction::RequirePrepayment { share: s }
                    | AutoAction::ProposeLimitCut { by_share: s } => {
                        if !share(s) {
                            push(FieldError::new(
                                at(&format!("actions[{j}].share")),
                                code::SHARE_RANGE,
                                "a share between 0 and 1",
                            ));
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

impl TenantDocument for WarningRules {
    const KIND: DocumentKind = DocumentKind::WarningRules;

    fn shipped() -> Self {
        WarningRules::default_rules()
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        WarningRules::validate(self)
    }
}
