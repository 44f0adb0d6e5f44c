//! Collections work: promises to pay, collection tasks and who works them, the activity log,
//! external signals, aging buckets and the collector's worklist.

use super::{Alert, AlertStatus, DunningAction, DunningSummary};
use crate::dto::FieldError;
use crate::engine::calendar::days_between;
use crate::engine::open_items::OpenInvoice;
use crate::messages::code;
use crate::{Currency, CustomerId, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

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

/// `POST /v1/customers/{id}/promises`, with the key that makes posting it twice harmless
/// (a retry, a double tap, a collections system sending it again).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewPromise {
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_.:/-]{1,128}$"))]
    pub idempotency_key: String,
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
        if !crate::credit::valid_idempotency_key(&self.idempotency_key) {
            errors.push(
                FieldError::new(
                    "idempotency_key",
                    code::TEXT_PATTERN,
                    "1 to 128 of A-Z a-z 0-9 - _ . : /",
                )
                .with("min", 1)
                .with("max", crate::credit::MAX_IDEMPOTENCY_KEY)
                .with("allowed", "A-Z a-z 0-9 - _ . : /"),
            );
        }
        if self.date < today {
            errors.push(FieldError::new(
                "date",
                code::DATE_PAST,
                "a promise is for today or later",
            ));
        } else if days_between(today, self.date) > 180 {
            errors.push(
                FieldError::new("date", code::DATE_TOO_FAR, "at most 180 days ahead")
                    .with("days", 180),
            );
        }
        if self.amount.amount <= Decimal::ZERO || self.amount.amount.scale() > 2 {
            errors.push(FieldError::new(
                "amount",
                code::AMOUNT_INVALID,
                "an amount above 0 with at most 2 decimals",
            ));
        } else if let Err(e) = crate::bounds::check_amount(self.amount.amount) {
            errors.push(e.at("amount"));
        } else if self.amount.currency != currency {
            errors.push(
                FieldError::new(
                    "amount.currency",
                    code::CURRENCY_ACCOUNT,
                    format!("the customer's account is in {currency}"),
                )
                .with("currency", currency),
            );
        }
        if self.note.chars().count() > 1000 {
            errors.push(
                FieldError::new("note", code::TEXT_TOO_LONG, "at most 1000 characters")
                    .with("max", 1000),
            );
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
    // Saturating: an amount stored before the bounds must not stop the watcher.
    overdue
        .saturating_mul(Decimal::from(days_late))
        .saturating_mul(risk)
        .round_dp(2)
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
    /// 1 to 2,000 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
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
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_.:/-]{1,128}$"))]
    pub idempotency_key: String,
    pub kind: SignalKind,
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    /// 1 to 200 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub source: String,
    /// 1 to 1,000 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
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
