//! The application as typed and what it gives: the drafts, their check against the shared
//! rules, the engine's preview of the applicant and what to screen.

use std::collections::{BTreeMap, BTreeSet};

use credence_shared::dto::FieldError;
use credence_shared::engine::{
    CompanySize, Evaluation, Financials, Scenario, StatementLines, evaluate,
};
use credence_shared::workflow::{Application, Contact, FieldSet, ScreenRequest, TradeReference};
use credence_shared::{Currency, Money, Role};
use rust_decimal::Decimal;
use time::Date;

use crate::components::form::{
    FieldErrors, NumberError, invalid_date, parse_date, parse_days, parse_decimal, parse_money,
    required,
};
use credence_shared::workflow::EngineInForce;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContactDraft {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferenceDraft {
    pub company: String,
    pub contact: String,
    pub phone: String,
    pub years: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FinancialsDraft {
    pub period_end: String,
    pub total_assets: String,
    pub current_assets: String,
    pub current_liabilities: String,
    pub total_liabilities: String,
    pub retained_earnings: String,
    pub ebit: String,
    pub equity: String,
}

/// The application as typed.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationDraft {
    pub name: String,
    pub name_en: String,
    pub usci: String,
    pub industry: String,
    pub size: CompanySize,
    pub registered_capital: String,
    pub founded: String,
    pub expected_monthly_purchases: String,
    pub requested_limit: String,
    pub requested_terms_days: String,
    pub contacts: Vec<ContactDraft>,
    pub references: Vec<ReferenceDraft>,
    pub with_financials: bool,
    pub financials: FinancialsDraft,
    pub custom: BTreeMap<String, String>,
    pub justification: String,
}

impl Default for ApplicationDraft {
    fn default() -> Self {
        ApplicationDraft {
            name: String::new(),
            name_en: String::new(),
            usci: String::new(),
            industry: String::new(),
            size: CompanySize::Small,
            registered_capital: String::new(),
            founded: String::new(),
            expected_monthly_purchases: String::new(),
            requested_limit: String::new(),
            requested_terms_days: "30".into(),
            contacts: vec![ContactDraft::default()],
            references: Vec::new(),
            with_financials: false,
            financials: FinancialsDraft::default(),
            custom: BTreeMap::new(),
            justification: String::new(),
        }
    }
}

/// What the draft gives: the application when everything is right, the messages otherwise,
/// and what the score preview can use as soon as the figures it needs are there.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub application: Option<Application>,
    pub errors: FieldErrors,
    pub preview: Option<Application>,
}

pub const SIZES: [CompanySize; 4] = [
    CompanySize::Micro,
    CompanySize::Small,
    CompanySize::Medium,
    CompanySize::Large,
];

pub fn size_value(size: CompanySize) -> &'static str {
    match size {
        CompanySize::Micro => "micro",
        CompanySize::Small => "small",
        CompanySize::Medium => "medium",
        CompanySize::Large => "large",
    }
}

impl ApplicationDraft {
    pub fn check(
        &self,
        currency: Currency,
        fields: &FieldSet,
        roles: &[Role],
        today: Date,
    ) -> Checked {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut bad = BTreeSet::new();
        let mut note = |errors: &mut Vec<FieldError>, error: FieldError| {
            bad.insert(error.field.clone());
            errors.push(error);
        };
        let mut money =
            |errors: &mut Vec<FieldError>, field: &str, text: &str| match parse_money(text) {
                Ok(Some(d)) => Some(Money::new(d, currency)),
                Ok(None) => {
                    note(errors, required(field));
                    None
                }
                Err(e) => {
                    note(errors, e.to_field_error(field));
                    None
                }
            };
        let capital = money(&mut errors, "registered_capital", &self.registered_capital);
        let purchases = money(
            &mut errors,
            "expected_monthly_purchases",
            &self.expected_monthly_purchases,
        );
        let limit = money(&mut errors, "requested_limit", &self.requested_limit);
        let mut note = |errors: &mut Vec<FieldError>, error: FieldError| {
            bad.insert(error.field.clone());
            errors.push(error);
        };
        let founded = if self.founded.trim().is_empty() {
            note(&mut errors, required("founded"));
            None
        } else {
            let d = parse_date(&self.founded);
            if d.is_none() {
                note(&mut errors, invalid_date("founded"));
            }
            d
        };
        let terms = match parse_days(&self.requested_terms_days) {
            Ok(Some(days)) => Some(days),
            Ok(None) => {
                note(&mut errors, required("requested_terms_days"));
                None
            }
            Err(e) => {
                note(&mut errors, e.to_field_error("requested_terms_days"));
                None
            }
        };
        let mut references = Vec::new();
        for (i, r) in self.references.iter().enumerate() {
            let years = match parse_days(&r.years) {
                Ok(y) => u32::from(y.unwrap_or(0)),
                Err(e) => {
                    note(
                        &mut errors,
                        e.to_field_error(&format!("trade_references[{i}].years")),
                    );
                    0
                }
            };
            references.push(TradeReference {
                company: r.company.trim().to_owned(),
                contact: r.contact.trim().to_owned(),
                phone: r.phone.trim().to_owned(),
                years,
            });
        }
        let financials = if self.with_financials {
            self.financials(currency, &mut errors, &mut bad)
        } else {
            None
        };
        let custom: BTreeMap<String, String> = self
            .custom
            .iter()
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(k, v)| (k.clone(), v.trim().to_owned()))
            .collect();

        let zero = Money::zero(currency);
        let candidate = Application {
            name: self.name.trim().to_owned(),
            name_en: Some(self.name_en.trim().to_owned()).filter(|s| !s.is_empty()),
            usci: self.usci.trim().to_uppercase(),
            industry: self.industry.trim().to_owned(),
            size: self.size,
            registered_capital: capital.unwrap_or(zero),
            founded: founded.unwrap_or(today),
            expected_monthly_purchases: purchases.unwrap_or(zero),
            requested_limit: limit.unwrap_or(zero),
            requested_terms_days: terms.unwrap_or(0),
            contacts: self
                .contacts
                .iter()
                .map(|c| Contact {
                    name: c.name.trim().to_owned(),
                    title: c.title.trim().to_owned(),
                    phone: c.phone.trim().to_owned(),
                    email: c.email.trim().to_owned(),
                })
                .collect(),
            trade_references: references,
            financials,
            custom: custom.clone(),
            justification: self.justification.trim().to_owned(),
        };
        if let Err(found) = candidate.validate(currency, today) {
            // A field that could not be read already says so; placeholders must not add more.
            errors.extend(
                found
                    .into_iter()
                    .filter(|e| !bad.iter().any(|b| e.field.starts_with(b.as_str()))),
            );
        }
        if let Err(found) = fields.check_values(&custom, roles) {
            errors.extend(found);
        }
        let preview = (founded.is_some() && purchases.is_some()).then(|| candidate.clone());
        let application = errors.is_empty().then_some(candidate);
        Checked {
            application,
            errors: FieldErrors(errors),
            preview,
        }
    }

    fn financials(
        &self,
        currency: Currency,
        errors: &mut Vec<FieldError>,
        bad: &mut BTreeSet<String>,
    ) -> Option<Financials> {
        let f = &self.financials;
        let mut failed = false;
        let mut line = |errors: &mut Vec<FieldError>, name: &str, text: &str, signed: bool| {
            let field = format!("financials.{name}");
            let result =
                parse_decimal(text, 2, signed).and_then(|d| d.ok_or(NumberError::NotANumber));
            match result {
                Ok(d) => d,
                Err(e) => {
                    failed = true;
                    bad.insert(field.clone());
                    errors.push(if text.trim().is_empty() {
                        required(&field)
                    } else {
                        e.to_field_error(&field)
                    });
                    Decimal::ZERO
                }
            }
        };
        let lines = StatementLines {
            total_assets: line(errors, "total_assets", &f.total_assets, false),
            current_assets: line(errors, "current_assets", &f.current_assets, false),
            current_liabilities: line(errors, "current_liabilities", &f.current_liabilities, false),
            total_liabilities: line(errors, "total_liabilities", &f.total_liabilities, false),
            retained_earnings: line(errors, "retained_earnings", &f.retained_earnings, true),
            ebit: line(errors, "ebit", &f.ebit, true),
            equity: line(errors, "equity", &f.equity, true),
        };
        let period_end = parse_date(&f.period_end);
        if period_end.is_none() {
            failed = true;
            let field = "financials.period_end".to_owned();
            bad.insert(field.clone());
            errors.push(if f.period_end.trim().is_empty() {
                required(&field)
            } else {
                invalid_date(&field)
            });
        }
        if failed {
            return None;
        }
        match Financials::new(currency, period_end?, lines) {
            Ok(f) => Some(f),
            Err(e) => {
                bad.insert("financials".into());
                errors.push(FieldError::new(
                    "financials.total_assets",
                    credence_shared::messages::code::INVALID_VALUE,
                    e.to_string(),
                ));
                None
            }
        }
    }
}

/// The engine's view of the applicant, as the server will compute it on filing.
pub fn preview(
    application: &Application,
    engine: &EngineInForce,
    blacklisted: bool,
    today: Date,
) -> Option<Evaluation> {
    let scenario = Scenario {
        as_of: today,
        currency: engine.policy.currency(),
        entries: Vec::new(),
        customer: application.customer_info(blacklisted),
        credit_file: None,
        order: None,
    };
    evaluate(&scenario, &engine.model, &engine.policy).ok()
}

/// What to screen: the code once it has its 18 characters, the name once it has two.
pub fn screen_request(usci: &str, name: &str) -> Option<ScreenRequest> {
    let usci = usci.trim().to_uppercase();
    let name = name.trim();
    let usci = if usci.chars().count() == 18 {
        usci
    } else {
        String::new()
    };
    let name = if name.chars().count() >= 2 {
        name.to_owned()
    } else {
        String::new()
    };
    (!usci.is_empty() || !name.is_empty()).then_some(ScreenRequest { usci, name })
}
