//! Letters to the customer: a statement of the open items or a payment reminder, sent by
//! e-mail as a PDF when a dunning step asks for one or a collector sends one by hand.
//!
//! A [`Letter`] is written as *pending* with the change that asked for it (an outbox); the
//! delivery worker lays it out, renders the PDF, keeps it, sends it and marks it sent, in
//! the customer's activity. Its open items are fixed when it is asked for, so the letter
//! says what was due that day however late it is sent.

use crate::dto::FieldError;
use crate::engine::calendar::{days_between, iso_date};
use crate::engine::open_items::OpenInvoice;
use crate::messages::code;
use crate::report::Lang;
use crate::{CustomerId, Money};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::DunningAction;

/// What a letter says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    /// Every open invoice, due or not: "this is what you owe us".
    Statement,
    /// The overdue invoices, asking for payment.
    Reminder,
}

impl LetterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LetterKind::Statement => "statement",
            LetterKind::Reminder => "reminder",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LetterStatus {
    /// Waiting for the delivery worker (or its next attempt).
    Pending,
    /// Handed to the mail service.
    Sent,
    /// No contact of the customer has an e-mail address: the PDF is kept to print and post.
    NoAddress,
    /// The mail service refused it every time.
    Failed,
}

/// One open invoice on a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterLine {
    pub invoice: String,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub issued: Date,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub due: Date,
    pub amount: Money,
    pub open: Money,
    /// The part the customer disputes (not asked for while the dispute is open).
    pub disputed: Money,
    /// Days past due (negative: not due yet).
    pub days: i64,
}

/// A letter asked for: pending until the worker sends it, then its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Letter {
    pub id: String,
    pub customer_id: CustomerId,
    pub kind: LetterKind,
    pub lang: Lang,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub lines: Vec<LetterLine>,
    /// What the letter asks for: the open items less their disputed parts (a statement),
    /// or the overdue ones less theirs (a reminder).
    pub total: Money,
    /// `system` for a dunning step, else the collector who sent it.
    pub by: String,
    /// The dunning step that asked for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<DunningAction>,
    /// Addresses a collector chose; empty: the customer's contacts with an e-mail address.
    #[serde(default)]
    pub to: Vec<String>,
    pub status: LetterStatus,
    /// Attempts made (each failure is retried with the webhooks' backoff).
    #[serde(default)]
    pub attempts: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The mail service's id of the message sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// The size of the PDF kept (0 until it is made).
    #[serde(default)]
    pub pdf_bytes: u32,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub next_attempt_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub sent_at: Option<OffsetDateTime>,
    #[serde(default)]
    pub version: u64,
}

/// `GET /v1/customers/{id}/letters`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterList {
    pub items: Vec<Letter>,
}

impl Letter {
    /// A pending letter of `kind` with id `id`, listing what of `invoices` it lists on
    /// `now`'s day, asked for by `by`.
    pub fn pending(
        id: String,
        customer_id: CustomerId,
        kind: LetterKind,
        lang: Lang,
        (invoices, currency): (&[OpenInvoice], crate::Currency),
        by: &str,
        now: OffsetDateTime,
    ) -> Letter {
        let lines = letter_lines(kind, invoices, now.date());
        Letter {
            id,
            customer_id,
            kind,
            lang,
            date: now.date(),
            total: letter_total(&lines, currency),
            lines,
            by: by.to_owned(),
            step: None,
            to: Vec::new(),
            status: LetterStatus::Pending,
            attempts: 0,
            error: None,
            message_id: None,
            pdf_bytes: 0,
            created_at: now,
            next_attempt_at: now,
            sent_at: None,
            version: 1,
        }
    }
}

/// The lines a letter of `kind` lists on `today`: every open invoice (a statement) or the
/// overdue ones (a reminder), oldest due first.
pub fn letter_lines(kind: LetterKind, invoices: &[OpenInvoice], today: Date) -> Vec<LetterLine> {
    let mut lines: Vec<LetterLine> = invoices
        .iter()
        .filter(|i| i.open.amount > Decimal::ZERO)
        .map(|i| LetterLine {
            invoice: i.invoice.as_str().to_owned(),
            issued: i.issued,
            due: i.due,
            amount: i.amount,
            open: i.open,
            disputed: Money::new(i.disputed.amount.min(i.open.amount), i.open.currency),
            days: days_between(i.due, today),
        })
        .filter(|l| kind == LetterKind::Statement || l.days > 0)
        .collect();
    lines.sort_by(|a, b| a.due.cmp(&b.due).then(a.invoice.cmp(&b.invoice)));
    lines
}

/// What the lines ask for: their open amounts less the disputed parts.
pub fn letter_total(lines: &[LetterLine], currency: crate::Currency) -> Money {
    let amount = lines.iter().fold(Decimal::ZERO, |sum, l| {
        sum.saturating_add(l.open.amount - l.disputed.amount)
    });
    Money::new(amount, currency)
}

/// Who the letter is from and how to pay: part of the tenant's dunning ladder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LetterSettings {
    /// The company the letter is from, as printed at its head (empty: not printed).
    #[serde(default)]
    pub sender: String,
    /// Where replies go (empty: the mail service's sender).
    #[serde(default)]
    pub reply_to: String,
    /// A phone number the customer can call.
    #[serde(default)]
    pub phone: String,
    /// How to pay: bank, account name and number, printed under the items.
    #[serde(default)]
    pub payment_details: String,
    /// The language of letters: `zh-CN` (default) or `en`.
    #[serde(default)]
    pub lang: Lang,
}

impl LetterSettings {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, value, max) in [
            ("letters.sender", &self.sender, 200),
            ("letters.phone", &self.phone, 50),
            ("letters.payment_details", &self.payment_details, 1000),
        ] {
            if value.chars().count() > max {
                errors.push(
                    FieldError::new(
                        field,
                        code::TEXT_LENGTH,
                        format!("at most {max} characters"),
                    )
                    .with("max", max),
                );
            }
        }
        if !self.reply_to.is_empty() && !looks_like_email(&self.reply_to) {
            errors.push(FieldError::new(
                "letters.reply_to",
                code::EMAIL_INVALID,
                "write an e-mail address like ar@example.com",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// `name@domain.tld`, no spaces or angle brackets: what a mail header takes as is.
pub fn looks_like_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    text.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;:\"()[]\\".contains(c))
        && !domain.contains('@')
}

/// `POST /v1/customers/{id}/letters`: a letter sent by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewLetter {
    /// Sending the same key again sends nothing twice.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 128))]
    pub idempotency_key: String,
    pub kind: LetterKind,
    /// Addresses to send to; empty: the customer's contacts with an e-mail address.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub to: Vec<String>,
}

impl NewLetter {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let key = self.idempotency_key.trim();
        if key.is_empty() || key.len() > 128 {
            errors.push(FieldError::new(
                "idempotency_key",
                code::TEXT_LENGTH,
                "send a key of 1 to 128 characters",
            ));
        }
        if self.to.len() > 10 {
            errors.push(FieldError::new(
                "to",
                code::TOO_MANY,
                "at most 10 addresses",
            ));
        }
        for (i, to) in self.to.iter().enumerate() {
            if !looks_like_email(to.trim()) {
                errors.push(FieldError::new(
                    format!("to[{i}]"),
                    code::EMAIL_INVALID,
                    "write an e-mail address like ar@example.com",
                ));
            }
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
    use crate::engine::ledger::DocRef;
    use time::macros::date;

    fn invoice(no: &str, due: Date, open: i64, disputed: i64) -> OpenInvoice {
        let cny = |n: i64| Money::new(Decimal::from(n), crate::Currency::CNY);
        OpenInvoice {
            invoice: DocRef::parse(no).unwrap(),
            order: None,
            issued: date!(2026 - 01 - 01),
            due,
            amount: cny(open),
            open: cny(open),
            disputed: cny(disputed),
        }
    }

    #[test]
    fn a_reminder_lists_only_overdue_invoices_and_a_statement_lists_every_open_one() {
        // Arrange
        let today = date!(2026 - 03 - 01);
        let items = [
            invoice("INV-2", date!(2026 - 03 - 10), 500, 0),
            invoice("INV-1", date!(2026 - 02 - 01), 1000, 0),
            invoice("INV-0", date!(2026 - 01 - 01), 0, 0),
        ];

        // Act
        let reminder = letter_lines(LetterKind::Reminder, &items, today);
        let statement = letter_lines(LetterKind::Statement, &items, today);

        // Assert
        assert_eq!(reminder.len(), 1);
        assert_eq!(
            (reminder[0].invoice.as_str(), reminder[0].days),
            ("INV-1", 28)
        );
        let numbers: Vec<&str> = statement.iter().map(|l| l.invoice.as_str()).collect();
        assert_eq!(numbers, ["INV-1", "INV-2"]);
    }

    #[test]
    fn the_total_asked_for_leaves_out_what_the_customer_disputes() {
        // Arrange
        let today = date!(2026 - 03 - 01);
        let items = [
            invoice("INV-1", date!(2026 - 02 - 01), 1000, 400),
            invoice("INV-2", date!(2026 - 02 - 10), 300, 0),
        ];

        // Act
        let lines = letter_lines(LetterKind::Reminder, &items, today);
        let total = letter_total(&lines, crate::Currency::CNY);

        // Assert
        assert_eq!(total.amount, Decimal::from(900));
    }

    #[test]
    fn addresses_are_checked_before_anything_is_sent() {
        // Arrange
        let letter = NewLetter {
            idempotency_key: "k1".into(),
            kind: LetterKind::Statement,
            to: vec!["ar@example.com".into(), "not an address".into()],
        };

        // Act
        let errors = letter.validate().unwrap_err();

        // Assert
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "to[1]");
        assert!(looks_like_email("财务@例子.中国"));
        assert!(!looks_like_email("a@b"));
        assert!(!looks_like_email("a b@example.com"));
    }
}
