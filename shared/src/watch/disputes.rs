//! Disputes as cases: who owns one, why the customer disputes, how much, and how it ended.
//!
//! The ledger is the truth of *what* is disputed (`dispute_opened` / `dispute_resolved`
//! events, from the ERP or from Credence): an open dispute pauses dunning on its part of
//! the invoice and the allocation of payments settles it last. The case is what people add
//! around it — an owner, a reason, notes and the resolution — kept beside the ledger, so a
//! dispute the ERP sent is a case too (with no owner until someone takes it).

use crate::dto::FieldError;
use crate::engine::calendar::iso_date;
use crate::messages::code;
use crate::{CustomerId, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// Why the customer disputes an invoice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeReason {
    Price,
    Quantity,
    Quality,
    Delivery,
    Duplicate,
    NotOrdered,
    #[default]
    Other,
}

impl DisputeReason {
    pub const ALL: [DisputeReason; 7] = [
        DisputeReason::Price,
        DisputeReason::Quantity,
        DisputeReason::Quality,
        DisputeReason::Delivery,
        DisputeReason::Duplicate,
        DisputeReason::NotOrdered,
        DisputeReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeReason::Price => "price",
            DisputeReason::Quantity => "quantity",
            DisputeReason::Quality => "quality",
            DisputeReason::Delivery => "delivery",
            DisputeReason::Duplicate => "duplicate",
            DisputeReason::NotOrdered => "not_ordered",
            DisputeReason::Other => "other",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    Open,
    Resolved,
}

/// How a dispute ended. The money side (a credit note, a write-off) is booked in the ERP
/// and arrives as its own ledger event; the case records what was agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeOutcome {
    /// We were wrong: a credit note of `credited` is to be issued.
    CreditNote,
    /// The customer was wrong and pays the invoice in full.
    CustomerPays,
    /// Given up: `credited` is to be written off.
    WrittenOff,
    /// The customer withdrew the dispute.
    Withdrawn,
}

impl DisputeOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeOutcome::CreditNote => "credit_note",
            DisputeOutcome::CustomerPays => "customer_pays",
            DisputeOutcome::WrittenOff => "written_off",
            DisputeOutcome::Withdrawn => "withdrawn",
        }
    }

    /// Whether the outcome gives money back (and so needs an amount).
    pub fn credits(self) -> bool {
        matches!(
            self,
            DisputeOutcome::CreditNote | DisputeOutcome::WrittenOff
        )
    }
}

/// How a case was closed, by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub outcome: DisputeOutcome,
    /// The amount to credit or write off (credit note, written off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credited: Option<Money>,
    #[serde(default)]
    pub note: String,
    pub by: String,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: OffsetDateTime,
}

/// A dispute with its case: the ledger's facts and what people added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeCase {
    /// The dispute's document number in the ledger.
    pub id: String,
    pub customer_id: CustomerId,
    pub invoice: String,
    pub amount: Money,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub opened: Date,
    /// The day the ledger closed it.
    #[serde(default, with = "iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub closed: Option<Date>,
    pub status: DisputeStatus,
    pub reason: DisputeReason,
    #[serde(default)]
    pub note: String,
    /// The person working it (`None`: nobody has taken it yet).
    #[serde(default)]
    pub owner: Option<String>,
    /// Who opened it: a user, or `ledger` for one the ERP sent.
    pub opened_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// The case's version (0: the ledger's dispute has no case record yet).
    #[serde(default)]
    pub version: u64,
}

/// `GET /v1/customers/{id}/disputes`: the cases, open ones first, and the open invoices a
/// new one may name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisputeList {
    pub items: Vec<DisputeCase>,
    /// Invoices with an open amount not yet disputed (`open` less `disputed` may be disputed).
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub open_invoices: Vec<crate::engine::open_items::OpenInvoice>,
}

/// Longest note on a case or a resolution.
pub const MAX_DISPUTE_NOTE: usize = 2000;

fn note_error(field: &str) -> FieldError {
    FieldError::new(
        field,
        code::TEXT_TOO_LONG,
        format!("write at most {MAX_DISPUTE_NOTE} characters"),
    )
    .with("max", MAX_DISPUTE_NOTE)
}

fn owner_error() -> FieldError {
    FieldError::new(
        "owner",
        code::TEXT_LENGTH,
        "name a user of at most 64 characters",
    )
    .with("min", 1)
    .with("max", 64)
}

fn currency_error(field: &str, currency: crate::Currency) -> FieldError {
    FieldError::new(
        field,
        code::CURRENCY_ACCOUNT,
        format!("amounts of this account are kept in {currency}"),
    )
    .with("currency", currency.to_string())
}

fn amount_error(field: &str, max: Money, what: &str) -> FieldError {
    FieldError::new(
        field,
        code::DISPUTE_AMOUNT,
        format!("more than 0 and at most {max} ({what})"),
    )
    .with("max", crate::money::format_money(&max))
}

fn owner_ok(owner: &Option<String>) -> bool {
    owner
        .as_ref()
        .is_none_or(|o| !o.trim().is_empty() && o.chars().count() <= 64)
}

/// `POST /v1/customers/{id}/disputes`: the customer disputes part of an invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDispute {
    /// Sending the same key again opens nothing twice.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Za-z0-9_.:/-]{1,100}$"))]
    pub idempotency_key: String,
    pub invoice: String,
    pub amount: Money,
    pub reason: DisputeReason,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
    /// Who works it (default: the person opening it).
    #[serde(default)]
    pub owner: Option<String>,
}

impl NewDispute {
    /// The checks both sides run; `open` is what is still open of the invoice less what
    /// is already disputed (`None`: no such open invoice).
    pub fn validate(&self, open: Option<Money>) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let key = &self.idempotency_key;
        if key.is_empty()
            || key.len() > 100
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:/-".contains(c))
        {
            errors.push(
                FieldError::new(
                    "idempotency_key",
                    code::TEXT_PATTERN,
                    "send a key of 1 to 100 letters, digits or _.:/-",
                )
                .with("min", 1)
                .with("max", 100)
                .with("allowed", "A-Z a-z 0-9 _ . : / -"),
            );
        }
        match open {
            None => errors.push(FieldError::new(
                "invoice",
                code::INVOICE_NOT_OPEN,
                "choose an open invoice of this customer",
            )),
            Some(open) => {
                if self.amount.currency != open.currency {
                    errors.push(currency_error("amount.currency", open.currency));
                } else if self.amount.amount <= Decimal::ZERO || self.amount.amount > open.amount {
                    errors.push(amount_error(
                        "amount.amount",
                        open,
                        "open and not yet disputed",
                    ));
                }
            }
        }
        if self.note.chars().count() > MAX_DISPUTE_NOTE {
            errors.push(note_error("note"));
        }
        if !owner_ok(&self.owner) {
            errors.push(owner_error());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `PUT /v1/customers/{id}/disputes/{dispute}`: the case's owner, reason and note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputeUpdate {
    /// The case version read (0 for a dispute the ERP sent that has no case yet).
    pub version: u64,
    pub reason: DisputeReason,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
    #[serde(default)]
    pub owner: Option<String>,
}

impl DisputeUpdate {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.note.chars().count() > MAX_DISPUTE_NOTE {
            errors.push(note_error("note"));
        }
        if !owner_ok(&self.owner) {
            errors.push(owner_error());
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `POST /v1/customers/{id}/disputes/{dispute}/resolution`: closes the case and the
/// dispute in the ledger (dunning of what is still open goes on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DisputeResolution {
    /// The case version read (0 for a dispute the ERP sent that has no case yet).
    pub version: u64,
    pub outcome: DisputeOutcome,
    /// What is credited or written off: required for those outcomes, at most the amount
    /// disputed.
    #[serde(default)]
    pub credited: Option<Money>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub note: String,
}

impl DisputeResolution {
    pub fn validate(&self, disputed: Money) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        match (self.outcome.credits(), &self.credited) {
            (true, None) => errors.push(FieldError::new(
                "credited",
                code::REQUIRED,
                "say how much is credited or written off",
            )),
            (true, Some(c)) if c.currency != disputed.currency => {
                errors.push(currency_error("credited.currency", disputed.currency));
            }
            (true, Some(c)) if c.amount <= Decimal::ZERO || c.amount > disputed.amount => {
                errors.push(amount_error("credited.amount", disputed, "disputed"));
            }
            (false, Some(_)) => errors.push(FieldError::new(
                "credited",
                code::NOT_ALLOWED,
                "only a credit note or a write-off credits an amount",
            )),
            _ => {}
        }
        if self.note.chars().count() > MAX_DISPUTE_NOTE {
            errors.push(note_error("note"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;

    fn cny(n: i64) -> Money {
        Money::new(Decimal::from(n), Currency::CNY)
    }

    fn dispute(amount: Money) -> NewDispute {
        NewDispute {
            idempotency_key: "d-1".into(),
            invoice: "INV-1".into(),
            amount,
            reason: DisputeReason::Quality,
            note: String::new(),
            owner: None,
        }
    }

    #[test]
    fn a_dispute_can_not_be_larger_than_what_is_open_and_undisputed() {
        // Arrange
        let too_much = dispute(cny(1001));

        // Act
        let errors = too_much.validate(Some(cny(1000))).unwrap_err();

        // Assert
        assert_eq!(errors[0].field, "amount.amount");
        assert!(dispute(cny(1000)).validate(Some(cny(1000))).is_ok());
    }

    #[test]
    fn a_dispute_of_an_invoice_that_is_not_open_names_the_invoice() {
        // Act
        let errors = dispute(cny(10)).validate(None).unwrap_err();

        // Assert
        assert_eq!(errors[0].field, "invoice");
    }

    #[test]
    fn a_credit_note_needs_its_amount_and_customer_pays_takes_none() {
        // Arrange
        let credit = DisputeResolution {
            version: 1,
            outcome: DisputeOutcome::CreditNote,
            credited: None,
            note: String::new(),
        };
        let pays = DisputeResolution {
            outcome: DisputeOutcome::CustomerPays,
            credited: Some(cny(5)),
            ..credit.clone()
        };

        // Act
        let missing = credit.validate(cny(100)).unwrap_err();
        let extra = pays.validate(cny(100)).unwrap_err();

        // Assert
        assert_eq!(missing[0].field, "credited");
        assert_eq!(extra[0].field, "credited");
        let within = DisputeResolution {
            credited: Some(cny(100)),
            ..credit
        };
        assert!(within.validate(cny(100)).is_ok());
    }
}
