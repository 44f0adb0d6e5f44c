//! The credit application (onboarding): a new customer asking for credit, its checks and the
//! screening for duplicates and blacklist hits.

use super::{BlacklistEntry, FieldSet, fe, text};
use crate::dto::FieldError;
use crate::engine::calendar::iso_date;
use crate::engine::{CompanySize, CustomerInfo, Financials, Profile};
use crate::messages::code;
use crate::{Currency, CustomerId, Money, Usci};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TradeReference {
    pub company: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub phone: String,
    /// Years the reference has traded with the applicant.
    #[serde(default)]
    pub years: u32,
}

/// `GET /v1/applications/form`: the account currency and the custom fields the caller sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationForm {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: FieldSet,
}

/// `POST /v1/applications`: a new customer asking for credit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Application {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Unified social credit code (统一社会信用代码), 18 characters with its check character.
    pub usci: String,
    pub industry: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub size: CompanySize,
    pub registered_capital: Money,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub founded: Date,
    pub expected_monthly_purchases: Money,
    pub requested_limit: Money,
    pub requested_terms_days: u16,
    #[serde(default)]
    pub contacts: Vec<Contact>,
    #[serde(default)]
    pub trade_references: Vec<TradeReference>,
    /// Latest financial statements, if the applicant gave them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub financials: Option<Financials>,
    /// Custom fields by key, as typed.
    #[serde(default)]
    pub custom: BTreeMap<String, String>,
    pub justification: String,
}

impl Application {
    /// Checks the standard part; `custom` is checked against the tenant's [`FieldSet`](super::FieldSet).
    pub fn validate(&self, currency: Currency, today: Date) -> Result<Usci, Vec<FieldError>> {
        let mut errors = Vec::new();
        text(&mut errors, "name", &self.name, 200);
        text(&mut errors, "industry", &self.industry, 100);
        text(&mut errors, "justification", &self.justification, 2000);
        let usci = Usci::parse(self.usci.trim());
        if let Err(e) = &usci {
            errors.push(e.to_field_error("usci"));
        }
        for (field, m) in [
            ("registered_capital", &self.registered_capital),
            (
                "expected_monthly_purchases",
                &self.expected_monthly_purchases,
            ),
            ("requested_limit", &self.requested_limit),
        ] {
            if m.currency != currency {
                errors.push(
                    fe(
                        &format!("{field}.currency"),
                        code::CURRENCY_ACCOUNT,
                        &format!("amounts are in the account currency {currency}"),
                    )
                    .with("currency", currency),
                );
            }
            if m.amount.is_sign_negative() || m.amount.scale() > 2 {
                errors.push(
                    fe(
                        &format!("{field}.amount"),
                        code::NUMBER_DECIMALS,
                        "must be zero or more, with at most 2 decimals",
                    )
                    .with("max", 2),
                );
            } else if let Err(e) = crate::bounds::check_amount(m.amount) {
                errors.push(e.at(format!("{field}.amount")));
            }
        }
        if self.founded > today {
            errors.push(fe("founded", code::DATE_FUTURE, "cannot be in the future"));
        } else if let Err(e) = crate::bounds::DateWindow::until_today(today).check(self.founded) {
            errors.push(e.at("founded"));
        }
        if self.requested_terms_days > 365 {
            errors.push(
                fe(
                    "requested_terms_days",
                    code::DAYS_TOO_MANY,
                    "at most 365 days",
                )
                .with("max", 365),
            );
        }
        if self.contacts.is_empty() {
            errors.push(fe(
                "contacts",
                code::CONTACTS_REQUIRED,
                "add at least one contact",
            ));
        }
        if self.contacts.len() > 10 {
            errors.push(fe("contacts", code::LIST_TOO_LONG, "at most 10 contacts").with("max", 10));
        }
        for (i, c) in self.contacts.iter().enumerate() {
            text(&mut errors, &format!("contacts[{i}].name"), &c.name, 100);
            if c.phone.trim().is_empty() && c.email.trim().is_empty() {
                errors.push(fe(
                    &format!("contacts[{i}].phone"),
                    code::CONTACT_REACHABLE,
                    "give a phone or an email",
                ));
            }
            if !c.email.trim().is_empty() && !c.email.contains('@') {
                errors.push(fe(
                    &format!("contacts[{i}].email"),
                    code::EMAIL_INVALID,
                    "not an email address",
                ));
            }
        }
        if self.trade_references.len() > 10 {
            errors.push(
                fe(
                    "trade_references",
                    code::LIST_TOO_LONG,
                    "at most 10 references",
                )
                .with("max", 10),
            );
        }
        for (i, r) in self.trade_references.iter().enumerate() {
            text(
                &mut errors,
                &format!("trade_references[{i}].company"),
                &r.company,
                200,
            );
        }
        if let Some(f) = &self.financials
            && f.currency() != currency
        {
            errors.push(
                fe(
                    "financials.currency",
                    code::CURRENCY_ACCOUNT,
                    &format!("statements are in the account currency {currency}"),
                )
                .with("currency", currency),
            );
        }
        match (errors.is_empty(), usci) {
            (true, Ok(u)) => Ok(u),
            _ => Err(errors),
        }
    }

    /// What the engine scores for the applicant (no ledger yet).
    pub fn customer_info(&self, blacklisted: bool) -> CustomerInfo {
        CustomerInfo {
            profile: Profile {
                founded: Some(self.founded),
                registered_capital: Some(self.registered_capital),
                industry: Some(self.industry.trim().to_owned()).filter(|s| !s.is_empty()),
                size: Some(self.size),
                registration: None,
            },
            financials: self.financials.clone(),
            blacklisted,
            expected_monthly_purchases: Some(self.expected_monthly_purchases),
            ..CustomerInfo::default()
        }
    }
}

/// `POST /v1/applications/screen`: what the form checks as it is filled.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    #[serde(default)]
    pub usci: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScreenResult {
    /// Existing customers with the same code or name.
    pub duplicates: Vec<crate::dto::CustomerSummary>,
    /// Blacklist entries with the same code or name.
    pub blacklisted: Vec<BlacklistEntry>,
}

/// `POST /v1/applications` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationCreated {
    pub customer_id: CustomerId,
    pub request_id: String,
}
