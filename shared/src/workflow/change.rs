//! What a request asks to change ([`Change`]) and the kind the approval matrix routes it by
//! ([`RequestKind`]); checked without the credit file.

use super::{fe, text};
use crate::Money;
use crate::bounds;
use crate::dto::FieldError;
use crate::engine::calendar::iso_date;
use crate::messages::code;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// The kinds of request, as the approval matrix names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    NewCreditLine,
    LimitIncrease,
    LimitDecrease,
    TemporaryLimit,
    TermsChange,
    HoldRelease,
    BlockedOrderRelease,
    BlockedOrderReject,
    BlacklistAdd,
    BlacklistRemove,
    /// Take off a prepayment share a warning rule or a person set.
    PrepaymentLift,
    /// A credit line reviewed: kept, changed or given a validity.
    CreditReview,
    /// A challenger model and policy put in force (the lab's champion / challenger).
    ModelPromotion,
}

impl RequestKind {
    pub const ALL: [RequestKind; 13] = [
        RequestKind::NewCreditLine,
        RequestKind::LimitIncrease,
        RequestKind::LimitDecrease,
        RequestKind::TemporaryLimit,
        RequestKind::TermsChange,
        RequestKind::HoldRelease,
        RequestKind::BlockedOrderRelease,
        RequestKind::BlockedOrderReject,
        RequestKind::BlacklistAdd,
        RequestKind::BlacklistRemove,
        RequestKind::PrepaymentLift,
        RequestKind::CreditReview,
        RequestKind::ModelPromotion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::NewCreditLine => "new_credit_line",
            RequestKind::LimitIncrease => "limit_increase",
            RequestKind::LimitDecrease => "limit_decrease",
            RequestKind::TemporaryLimit => "temporary_limit",
            RequestKind::TermsChange => "terms_change",
            RequestKind::HoldRelease => "hold_release",
            RequestKind::PrepaymentLift => "prepayment_lift",
            RequestKind::CreditReview => "credit_review",
            RequestKind::BlockedOrderRelease => "blocked_order_release",
            RequestKind::BlockedOrderReject => "blocked_order_reject",
            RequestKind::BlacklistAdd => "blacklist_add",
            RequestKind::BlacklistRemove => "blacklist_remove",
            RequestKind::ModelPromotion => "model_promotion",
        }
    }
}

/// What a request asks to change. The request's [`RequestKind`] follows from it (and, for a
/// limit, from the limit in force when it is filed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Change {
    /// A first credit line for a new customer (from an application).
    NewCreditLine {
        limit: Money,
        terms_days: u16,
    },
    /// A new permanent limit (an increase or a decrease).
    Limit {
        limit: Money,
    },
    /// A temporary limit until `until` (inclusive).
    TemporaryLimit {
        limit: Money,
        #[serde(with = "iso_date")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
        until: Date,
    },
    TermsChange {
        terms_days: u16,
    },
    HoldRelease,
    /// Release a blocked order (`order_key` is its idempotency key in the blocked queue).
    BlockedOrderRelease {
        order_key: String,
        /// Release only this much of the order (a partial release); the whole order if absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ship: Option<Money>,
        /// Release on condition that this share of what ships is paid first.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prepayment: Option<crate::engine::quantity::Share>,
    },
    BlockedOrderReject {
        order_key: String,
    },
    BlacklistAdd {
        reason: String,
        source: String,
    },
    BlacklistRemove,
    /// Take off the prepayment share set on the file (by a warning rule or a person); the
    /// policy's own share for the grade still applies.
    PrepaymentLift,
    /// A credit review's outcome: the permanent limit and terms the line keeps (or gets),
    /// and the last day the limit is valid, if it has one. Applying it sets the next
    /// review by the policy's cycle for the customer's grade.
    Review {
        limit: Money,
        terms_days: u16,
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            with = "iso_date::option"
        )]
        #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
        valid_until: Option<Date>,
    },
    /// Put the running challenger (its model and policy) in force as a new engine version.
    PromoteChallenger {
        challenger: u32,
    },
}

impl Change {
    /// The kind the matrix routes on, given the permanent limit in force.
    pub fn kind(&self, current_limit: Option<Decimal>) -> RequestKind {
        match self {
            Change::NewCreditLine { .. } => RequestKind::NewCreditLine,
            Change::Limit { limit } => match current_limit {
                Some(now) if limit.amount < now => RequestKind::LimitDecrease,
                _ => RequestKind::LimitIncrease,
            },
            Change::TemporaryLimit { .. } => RequestKind::TemporaryLimit,
            Change::TermsChange { .. } => RequestKind::TermsChange,
            Change::HoldRelease => RequestKind::HoldRelease,
            Change::PrepaymentLift => RequestKind::PrepaymentLift,
            Change::Review { .. } => RequestKind::CreditReview,
            Change::BlockedOrderRelease { .. } => RequestKind::BlockedOrderRelease,
            Change::BlockedOrderReject { .. } => RequestKind::BlockedOrderReject,
            Change::BlacklistAdd { .. } => RequestKind::BlacklistAdd,
            Change::BlacklistRemove => RequestKind::BlacklistRemove,
            Change::PromoteChallenger { .. } => RequestKind::ModelPromotion,
        }
    }

    /// The amount the matrix bands on: the limit asked for (the order's amount for a blocked
    /// order is filled in by the server from the queue).
    pub fn amount(&self) -> Option<Money> {
        match self {
            Change::NewCreditLine { limit, .. }
            | Change::Limit { limit }
            | Change::TemporaryLimit { limit, .. }
            | Change::Review { limit, .. } => Some(*limit),
            Change::BlockedOrderRelease { ship, .. } => *ship,
            _ => None,
        }
    }

    /// Checks what can be checked without the credit file; errors name `change.*` fields.
    pub fn validate(&self, today: Date) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let money = |errors: &mut Vec<FieldError>, field: &str, m: &Money| {
            if m.amount.is_sign_negative() || m.amount.scale() > 2 {
                errors.push(
                    fe(
                        &format!("change.{field}.amount"),
                        code::NUMBER_DECIMALS,
                        "must be zero or more, with at most 2 decimals",
                    )
                    .with("max", 2),
                );
            } else if let Err(e) = bounds::check_amount(m.amount) {
                errors.push(e.at(format!("change.{field}.amount")));
            }
        };
        let terms = |errors: &mut Vec<FieldError>, days: u16| {
            if days > 365 {
                errors.push(
                    fe("change.terms_days", code::DAYS_TOO_MANY, "at most 365 days")
                        .with("max", 365),
                );
            }
        };
        match self {
            Change::NewCreditLine { limit, terms_days } => {
                money(&mut errors, "limit", limit);
                terms(&mut errors, *terms_days);
            }
            Change::Limit { limit } => money(&mut errors, "limit", limit),
            Change::TemporaryLimit { limit, until } => {
                money(&mut errors, "limit", limit);
                if *until < today {
                    errors.push(fe(
                        "change.until",
                        code::DATE_PAST,
                        "must be today or later",
                    ));
                }
                if *until > bounds::add_days(today, bounds::TEMPORARY_DAYS_AHEAD) {
                    errors.push(
                        fe("change.until", code::DATE_TOO_FAR, "at most one year ahead")
                            .with("days", bounds::TEMPORARY_DAYS_AHEAD),
                    );
                }
            }
            Change::TermsChange { terms_days } => terms(&mut errors, *terms_days),
            Change::BlockedOrderRelease { order_key, .. }
            | Change::BlockedOrderReject { order_key } => {
                if !crate::credit::valid_idempotency_key(order_key) {
                    errors.push(fe(
                        "change.order_key",
                        code::ORDER_NOT_BLOCKED,
                        "not an order of the blocked queue",
                    ));
                }
                if let Change::BlockedOrderRelease {
                    ship: Some(ship), ..
                } = self
                {
                    money(&mut errors, "ship", ship);
                    if ship.amount.is_zero() {
                        errors.push(fe(
                            "change.ship.amount",
                            code::NUMBER_NOT_POSITIVE,
                            "release more than nothing, or reject the order",
                        ));
                    }
                }
            }
            Change::BlacklistAdd { reason, source } => {
                text(&mut errors, "change.reason", reason, 500);
                text(&mut errors, "change.source", source, 200);
            }
            Change::Review {
                limit,
                terms_days,
                valid_until,
            } => {
                money(&mut errors, "limit", limit);
                terms(&mut errors, *terms_days);
                if let Some(until) = valid_until {
                    if *until < today {
                        errors.push(fe(
                            "change.valid_until",
                            code::DATE_PAST,
                            "must be today or later",
                        ));
                    }
                    let latest = bounds::add_days(today, bounds::VALIDITY_DAYS_AHEAD);
                    if *until > latest {
                        errors.push(
                            fe(
                                "change.valid_until",
                                code::DATE_TOO_FAR,
                                "at most three years ahead",
                            )
                            .with("days", bounds::VALIDITY_DAYS_AHEAD),
                        );
                    }
                }
            }
            Change::HoldRelease
            | Change::BlacklistRemove
            | Change::PrepaymentLift
            | Change::PromoteChallenger { .. } => {}
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}
