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

/// `POST /v1/customers/{id}/tasks`: a collection task opened by hand. Sent again with the
/// same key it answers the task opened then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTask {
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_.:/-]{1,128}$"))]
    pub idempotency_key: String,
    /// What to do: `reminder`, `call`, `escalate`, `hold` or `legal`.
    pub action: DunningAction,
    /// Why, 1 to 500 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 500))]
    pub reason: String,
    /// Who works it (a user of the tenant); the caller when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
}

/// `PUT /v1/customers/{id}/tasks/{task}/assignee`: hand an open task to someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TaskReassign {
    pub assignee: String,
    /// The task's version as read.
    pub version: u64,
    /// Why, at most 500 characters (kept in the customer's activity).
    #[serde(default)]
    pub note: String,
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
    /// A task opened or handed over by a person (the text says what and to whom).
    TaskAssigned,
    TaskDone,
    Alert,
    Signal,
    AutoAction,
    /// A statement or reminder letter sent (or kept to post: no e-mail address).
    Letter,
    DisputeOpened,
    /// A dispute's owner, reason or note changed.
    DisputeChanged,
    DisputeResolved,
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
    /// The letter sent, and what became of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<super::LetterKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter_status: Option<super::LetterStatus>,
    /// The letter or dispute the line is about (its id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dispute_reason: Option<super::DisputeReason>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<super::DisputeOutcome>,
    /// Who the task or case went to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// `POST /v1/customers/{id}/notes`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewNote {
    /// 1 to 2,000 characters once trimmed.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 2000))]
    pub text: String,
    /// Makes a retry safe: a note sent again with the same key is recorded once. The app
    /// sends one with every note, so a note typed offline and queued goes in once however
    /// often the queue is replayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_.:/-]{1,128}$"))]
    pub idempotency_key: Option<String>,
}

use crate::engine::evidence::SignalFact;
pub use crate::engine::evidence::SignalKind;
use crate::engine::{BureauRating, FactsError, Financials, StatementLines};

/// Whether a signal still stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SignalStatus {
    #[default]
    Open,
    /// A suit closed, a listing lifted, proceedings ended.
    Closed,
}

/// `POST /v1/customers/{id}/signals`: an external signal from a data provider or a person
/// (or "checked, nothing found"), with the key that makes posting it twice harmless. The
/// same signal from the same source (same kind, case or document number — or summary when
/// there is none — and date) is one signal: posted again it changes nothing, or, with
/// another status, closes or reopens it.
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
    /// 1 to 1,000 characters once trimmed (may be empty for `nothing_found` and
    /// `bureau_rating`).
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    #[serde(default)]
    pub summary: String,
    /// The court's case number (案号) or the source's document number, at most 100
    /// characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
    /// For a lawsuit: the court, at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub court: Option<String>,
    /// For a lawsuit or an enforcement: the amount at stake.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    #[serde(default)]
    pub status: SignalStatus,
    /// The day the source was checked (the signal's date when not given).
    #[serde(
        default,
        with = "crate::engine::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub checked_on: Option<Date>,
    /// For a bureau rating: the agency, at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// For a bureau rating: its class on the 1 (best) to 10 (worst) scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10))]
    pub class: Option<u8>,
}

impl NewSignal {
    /// The signal's identity: date, kind, and a digest of the source and the case or
    /// document number (the summary when there is none), each trimmed and in lower case.
    pub fn natural_key(&self) -> String {
        use sha2::{Digest, Sha256};
        let norm = |t: &str| t.trim().to_lowercase();
        let what = match self.case_number.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => norm(n),
            _ => norm(&self.summary),
        };
        let digest = Sha256::digest(format!("{}\u{1f}{what}", norm(&self.source)).as_bytes());
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        let kind = serde_json::to_value(self.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        format!("{}#{kind}#{hex}", self.date)
    }

    /// What the credit file keeps of the signal, or the fields that are wrong (beyond key,
    /// date and source, which the caller checks).
    pub fn fact(&self) -> Result<SignalFact, Vec<FieldError>> {
        let mut errors = Vec::new();
        if !matches!(
            self.kind,
            SignalKind::NothingFound | SignalKind::BureauRating
        ) && let Err(e) = FieldError::required_text(
            "summary",
            &self.summary,
            1000,
            "say what happened (at most 1000 characters)",
        ) {
            errors.push(e);
        }
        let optional = [
            ("case_number", &self.case_number, 100),
            ("court", &self.court, 200),
            ("agency", &self.agency, 100),
        ];
        for (field, value, max) in optional {
            if value.as_deref().is_some_and(|v| v.chars().count() > max) {
                errors.push(
                    FieldError::new(
                        field,
                        code::TEXT_TOO_LONG,
                        format!("at most {max} characters"),
                    )
                    .with("max", max),
                );
            }
        }
        if self.amount.is_some_and(|a| a.amount.is_sign_negative()) {
            errors.push(FieldError::new(
                "amount",
                code::NUMBER_NEGATIVE,
                "an amount at stake is not negative",
            ));
        }
        let rating = if self.kind == SignalKind::BureauRating {
            match (self.agency.as_deref(), self.class) {
                (Some(agency), Some(class)) => match BureauRating::new(agency, class) {
                    Ok(r) => Some(r),
                    Err(FactsError::BureauAgency) => {
                        errors.push(FieldError::new(
                            "agency",
                            code::REQUIRED,
                            "name the rating agency",
                        ));
                        None
                    }
                    Err(_) => {
                        errors.push(
                            FieldError::new(
                                "class",
                                code::NUMBER_RANGE,
                                "a rating class is 1 (best) to 10 (worst)",
                            )
                            .with("min", 1)
                            .with("max", 10),
                        );
                        None
                    }
                },
                (agency, _) => {
                    let field = if agency.is_none() { "agency" } else { "class" };
                    errors.push(FieldError::new(
                        field,
                        code::REQUIRED,
                        "a bureau rating names its agency and class (1 best to 10 worst)",
                    ));
                    None
                }
            }
        } else {
            None
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(SignalFact {
            key: self.natural_key(),
            kind: self.kind,
            date: self.date,
            closed: self.status == SignalStatus::Closed,
            rating,
        })
    }
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

/// `POST /v1/customers/{id}/financials`: a customer's financial statements for a period, in
/// the account currency (what the Altman Z″ characteristic and the net-worth cap read).
/// Recorded again for the same period, it replaces the earlier figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewStatement {
    /// The balance-sheet date.
    #[serde(with = "crate::engine::calendar::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub period_end: Date,
    pub currency: Currency,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub revenue: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub net_profit: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub total_assets: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub current_assets: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub current_liabilities: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub total_liabilities: Decimal,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub retained_earnings: Decimal,
    /// Earnings before interest and taxes.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub ebit: Decimal,
    /// Book equity (net worth); negative for an insolvent balance sheet.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub equity: Decimal,
}

impl NewStatement {
    /// The statements as the engine reads them, or the fields that are wrong (the period's
    /// date and currency are the caller's to check against today and the account).
    pub fn financials(&self) -> Result<Financials, Vec<FieldError>> {
        let mut errors = Vec::new();
        let positive = |field: &str, v: Decimal, errors: &mut Vec<FieldError>| {
            if v <= Decimal::ZERO {
                errors.push(FieldError::new(
                    field,
                    code::NUMBER_NOT_POSITIVE,
                    "more than zero",
                ));
            }
        };
        let not_negative = |field: &str, v: Decimal, errors: &mut Vec<FieldError>| {
            if v < Decimal::ZERO {
                errors.push(FieldError::new(
                    field,
                    code::NUMBER_NEGATIVE,
                    "not negative",
                ));
            }
        };
        positive("total_assets", self.total_assets, &mut errors);
        not_negative("current_assets", self.current_assets, &mut errors);
        not_negative("current_liabilities", self.current_liabilities, &mut errors);
        not_negative("total_liabilities", self.total_liabilities, &mut errors);
        if self.current_assets > self.total_assets {
            errors.push(FieldError::new(
                "current_assets",
                code::NUMBER_RANGE,
                "current assets are part of total assets",
            ));
        }
        if self.current_liabilities > self.total_liabilities {
            errors.push(FieldError::new(
                "current_liabilities",
                code::NUMBER_RANGE,
                "current liabilities are part of total liabilities",
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let lines = StatementLines {
            total_assets: self.total_assets,
            current_assets: self.current_assets,
            current_liabilities: self.current_liabilities,
            total_liabilities: self.total_liabilities,
            retained_earnings: self.retained_earnings,
            ebit: self.ebit,
            equity: self.equity,
        };
        Financials::new(self.currency, self.period_end, lines).map_err(|e| {
            vec![FieldError::new(
                "total_assets",
                code::INVALID_VALUE,
                e.to_string(),
            )]
        })
    }
}

/// A customer's statements as recorded: `GET /v1/customers/{id}/financials`, newest period
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedStatement {
    pub statement: NewStatement,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: OffsetDateTime,
}

/// A signal as recorded: `GET /v1/customers/{id}/signals`, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordedSignal {
    pub signal: NewSignal,
    pub recorded_by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub recorded_at: OffsetDateTime,
}
