//! The dunning ladder: the step each overdue invoice reached today, summed up once per customer.

use crate::Money;
use crate::document::{DocumentKind, TenantDocument};
use crate::dto::FieldError;
use crate::engine::calendar::days_between;
use crate::engine::open_items::OpenInvoice;
use crate::messages::code;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

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
    /// The letter this step sends the customer, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<super::LetterKind>,
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
    /// Who the letters are from and how to pay.
    #[serde(default)]
    pub letters: super::LetterSettings,
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
    /// The letter the step sends, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<super::LetterKind>,
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

impl DunningSummary {
    /// The letter today's steps send: a reminder when any step asks for one, else a
    /// statement when one asks for that.
    pub fn letter(&self) -> Option<super::LetterKind> {
        self.lines.iter().filter_map(|l| l.letter).max()
    }
}

impl DunningLadder {
    pub fn default_ladder() -> Self {
        serde_json::from_str(include_str!("../../defaults/dunning_ladder.json"))
            .expect("the default dunning ladder is valid")
    }

    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let rising = self.steps.windows(2).all(|w| w[0].day < w[1].day);
        if self.steps.is_empty()
            || !rising
            || self.steps.iter().any(|s| s.day.unsigned_abs() > 3650)
        {
            return Err(vec![FieldError::new(
                "steps",
                code::STEPS_ORDER,
                "list steps by rising day (negative days are before the due date)",
            )]);
        }
        self.letters.validate()
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
                    letter: self.steps[step].letter,
                });
            }
        }
        let summary = lines.iter().map(|l| l.action).max().map(|strongest| {
            let currency = lines[0].open.currency;
            let total = lines.iter().fold(Money::zero(currency), |sum, l| {
                Money::new(sum.amount.saturating_add(l.open.amount), currency)
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
                    .map(move |s| crate::bounds::add_days(i.due, i64::from(s.day)))
            })
            .filter(|&d| d > after)
            .min()
    }
}

impl TenantDocument for DunningLadder {
    const KIND: DocumentKind = DocumentKind::DunningLadder;

    fn shipped() -> Self {
        DunningLadder::default_ladder()
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        DunningLadder::validate(self)
    }
}
