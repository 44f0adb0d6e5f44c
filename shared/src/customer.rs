//! The customer master: a customer as the tenant keeps it, keyed by the tenant's own
//! customer number (its ERP's), the body that creates or updates one
//! (`PUT /v1/customers/{number}`), its checks, and the internal id a number maps to.
//!
//! Every number maps to exactly one id without a lookup ([`customer_id_of`]): the number
//! itself when it is a valid id, so `KH-10001` is both; otherwise a digest of it. So every
//! API that takes a customer id also takes the tenant's number.

use crate::dto::FieldError;
use crate::engine::facts::{CompanySize, Profile};
use crate::engine::identity::{CountryCode, RegistrationError, RegistrationId};
use crate::messages::code;
use crate::workflow::Contact;
use crate::{CustomerId, Money, bounds};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use time::Date;

/// Longest customer number.
pub const MAX_NUMBER: usize = 64;
/// Most contacts, tags and custom fields a customer keeps.
pub const MAX_CONTACTS: usize = 20;
pub const MAX_TAGS: usize = 20;
pub const MAX_CUSTOM: usize = 50;

/// The internal id of the customer the tenant numbers `number` (trimmed): the number itself
/// when it is a valid id (1 to 64 of `A-Z a-z 0-9 - _`), else `X` and 24 hex digits of its
/// SHA-256 (`01.002.0003`, `KH/2024/7`, `客户七`).
pub fn customer_id_of(number: &str) -> CustomerId {
    let number = number.trim();
    CustomerId::parse(number).unwrap_or_else(|_| {
        let digest = Sha256::digest(number.as_bytes());
        let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        CustomerId::parse(&format!("X{hex}")).expect("X and hex digits are a valid id")
    })
}

/// Checks a customer number: 1 to 64 characters once trimmed, no control characters.
pub fn check_number(number: &str) -> Result<(), FieldError> {
    let n = number.trim();
    if n.is_empty() || n.chars().count() > MAX_NUMBER || n.chars().any(char::is_control) {
        return Err(FieldError::new(
            "number",
            code::TEXT_LENGTH,
            "1 to 64 characters, no control characters",
        )
        .with("min", 1)
        .with("max", MAX_NUMBER));
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CustomerStatus {
    /// Trades with us; listed and searched.
    #[default]
    Active,
    /// Kept with its history and credit file, but no longer listed or searched (nothing is
    /// ever deleted).
    Archived,
}

/// `PUT /v1/customers/{number}`: the customer as the tenant's master data has it. Creates the
/// customer when the number is new (without `version`, or `version` 0), else updates it over
/// `version` (409 when someone changed it meanwhile).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CustomerMaster {
    /// The version read (absent or 0 to create).
    #[serde(default)]
    pub version: Option<u64>,
    /// Legal name, 1 to 200 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub name: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub name_en: Option<String>,
    /// ISO 3166-1 alpha-2 country of registration (default `CN`).
    #[serde(default = "china")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "CN"))]
    pub country: CountryCode,
    /// The company's registration number: for a Chinese company its unified social credit
    /// code (checked, and one customer per code), for another country its company number.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 40))]
    pub registration_id: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub industry: Option<String>,
    #[serde(default)]
    pub size: Option<CompanySize>,
    #[serde(default)]
    pub registered_capital: Option<Money>,
    #[serde(default, with = "crate::engine::calendar::iso_date::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub founded: Option<Date>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub address: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub contacts: Vec<Contact>,
    /// The sales rep who owns the relationship (a user of the tenant).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub owner: Option<String>,
    /// The parent company's customer number, if it is a customer too.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 64))]
    pub parent: Option<String>,
    #[serde(default)]
    pub status: CustomerStatus,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 20))]
    pub tags: Vec<String>,
    /// The tenant's own fields (at most 50; keys `[a-z0-9_]`, values text, number or yes/no).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom: BTreeMap<String, serde_json::Value>,
    /// Why, for the audit trail (optional, at most 500 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 500))]
    pub reason: Option<String>,
}

fn china() -> CountryCode {
    CountryCode::CN
}

/// A checked master record: the body with its texts trimmed and its registration parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MasterRecord {
    pub number: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub country: CountryCode,
    /// `{"scheme": "cn_usci", "number": …}` (or `hk_br`, `gb_company_number`, `us_ein`,
    /// `other` with its `country`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub registration: Option<RegistrationId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<CompanySize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registered_capital: Option<Money>,
    #[serde(
        default,
        with = "crate::engine::calendar::iso_date::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub founded: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contacts: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    #[serde(default)]
    pub status: CustomerStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub custom: BTreeMap<String, serde_json::Value>,
    /// The import (its run id) that brought the customer in; none when it was typed in.
    /// Set once, when the customer is created: later edits and imports keep it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

impl MasterRecord {
    /// What the scorecard reads of the company.
    pub fn profile(&self) -> Profile {
        Profile {
            founded: self.founded,
            registered_capital: self.registered_capital,
            industry: self.industry.clone(),
            size: self.size,
            registration: self.registration.clone(),
        }
    }

    /// The unified social credit code, for a Chinese company that gave one.
    pub fn usci(&self) -> Option<&crate::Usci> {
        match &self.registration {
            Some(RegistrationId::CnUsci(u)) => Some(u),
            _ => None,
        }
    }
}

fn optional(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &Option<String>,
    max: usize,
) -> Option<String> {
    let v = value.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if v.chars().count() > max || v.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(
            FieldError::new(
                field,
                code::TEXT_TOO_LONG,
                format!("at most {max} characters"),
            )
            .with("max", max),
        );
    }
    Some(v.to_owned())
}

impl CustomerMaster {
    /// Checks the body for customer `number` as of `today`; every error names its field.
    pub fn check(&self, number: &str, today: Date) -> Result<MasterRecord, Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = check_number(number) {
            errors.push(e);
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 200 {
            errors.push(
                FieldError::new("name", code::TEXT_LENGTH, "1 to 200 characters")
                    .with("min", 1)
                    .with("max", 200),
            );
        }
        let name_en = optional(&mut errors, "name_en", &self.name_en, 200);
        let industry = optional(&mut errors, "industry", &self.industry, 100);
        let address = optional(&mut errors, "address", &self.address, 500);
        let owner = optional(&mut errors, "owner", &self.owner, 64);
        let parent = optional(&mut errors, "parent", &self.parent, MAX_NUMBER);
        let registration = match optional(&mut errors, "registration_id", &self.registration_id, 40)
        {
            Some(raw) => match RegistrationId::parse(self.country, &raw) {
                Ok(r) => Some(r),
                Err(RegistrationError::Usci(e)) => {
                    errors.push(e.to_field_error("registration_id"));
                    None
                }
                Err(e) => {
                    errors.push(FieldError::new(
                        "registration_id",
                        code::REGISTRATION_INVALID,
                        e.to_string(),
                    ));
                    None
                }
            },
            None => None,
        };
        if let Some(capital) = &self.registered_capital {
            if capital.amount.is_sign_negative() {
                errors.push(FieldError::new(
                    "registered_capital.amount",
                    code::NUMBER_NEGATIVE,
                    "must be zero or more",
                ));
            } else if let Err(e) = bounds::check_amount(capital.amount) {
                errors.push(e.at("registered_capital.amount"));
            }
        }
        if let Some(founded) = self.founded
            && let Err(e) = bounds::check_date(founded, today)
        {
            errors.push(e.at("founded"));
        }
        if self.contacts.len() > MAX_CONTACTS {
            errors.push(
                FieldError::new("contacts", code::TOO_MANY, "at most 20 contacts")
                    .with("max", MAX_CONTACTS),
            );
        }
        for (i, c) in self.contacts.iter().enumerate() {
            let name = c.name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                errors.push(
                    FieldError::new(
                        format!("contacts[{i}].name"),
                        code::TEXT_LENGTH,
                        "1 to 100 characters",
                    )
                    .with("min", 1)
                    .with("max", 100),
                );
            }
            for (field, value) in [
                ("title", &c.title),
                ("phone", &c.phone),
                ("email", &c.email),
            ] {
                if value.chars().count() > 100 {
                    errors.push(
                        FieldError::new(
                            format!("contacts[{i}].{field}"),
                            code::TEXT_TOO_LONG,
                            "at most 100 characters",
                        )
                        .with("max", 100),
                    );
                }
            }
        }
        let mut tags: Vec<String> = Vec::new();
        for (i, t) in self.tags.iter().enumerate() {
            let t = t.trim();
            if t.is_empty() || t.chars().count() > 40 {
                errors.push(
                    FieldError::new(
                        format!("tags[{i}]"),
                        code::TEXT_LENGTH,
                        "1 to 40 characters",
                    )
                    .with("min", 1)
                    .with("max", 40),
                );
            } else if !tags.iter().any(|seen| seen == t) {
                tags.push(t.to_owned());
            }
        }
        if tags.len() > MAX_TAGS {
            errors.push(
                FieldError::new("tags", code::TOO_MANY, "at most 20 tags").with("max", MAX_TAGS),
            );
        }
        if self.custom.len() > MAX_CUSTOM {
            errors.push(
                FieldError::new("custom", code::TOO_MANY, "at most 50 custom fields")
                    .with("max", MAX_CUSTOM),
            );
        }
        for (key, value) in &self.custom {
            let key_ok = !key.is_empty()
                && key.len() <= 40
                && key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            let value_ok = match value {
                serde_json::Value::String(s) => s.chars().count() <= 500,
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => true,
                serde_json::Value::Null => true,
                _ => false,
            };
            if !key_ok || !value_ok {
                errors.push(FieldError::new(
                    format!("custom.{}", key.chars().take(40).collect::<String>()),
                    code::CUSTOM_FIELD_INVALID,
                    "keys of a-z 0-9 _ (at most 40); values text (at most 500), number or yes/no",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(MasterRecord {
            number: number.trim().to_owned(),
            name: name.to_owned(),
            name_en,
            country: self.country,
            registration,
            industry,
            size: self.size,
            registered_capital: self.registered_capital,
            founded: self.founded,
            address,
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
            owner,
            parent,
            status: self.status,
            tags,
            custom: self
                .custom
                .iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            origin: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 12 - 03);

    fn body(name: &str) -> CustomerMaster {
        serde_json::from_value(serde_json::json!({ "name": name })).expect("a minimal body")
    }

    #[test]
    fn a_number_that_is_a_valid_id_is_its_own_id_and_any_other_maps_to_a_stable_digest() {
        // Act
        let plain = customer_id_of(" KH-10001 ");
        let dotted = customer_id_of("01.002.0003");
        let again = customer_id_of("01.002.0003");
        let chinese = customer_id_of("客户七");
        // Assert
        assert_eq!(plain.as_str(), "KH-10001");
        assert_eq!(dotted, again);
        assert!(dotted.as_str().starts_with('X') && dotted.as_str().len() == 25);
        assert_ne!(dotted, chinese);
    }

    #[test]
    fn a_minimal_body_is_a_chinese_active_customer_with_its_name_trimmed() {
        // Act
        let record = body("  福州恒信贸易有限公司 ")
            .check("KH-1", TODAY)
            .expect("valid");
        // Assert
        assert_eq!(record.name, "福州恒信贸易有限公司");
        assert_eq!(record.country, CountryCode::CN);
        assert_eq!(record.status, CustomerStatus::Active);
        assert_eq!(record.registration, None);
    }

    #[test]
    fn a_chinese_code_is_checked_and_another_country_s_number_is_kept_by_its_scheme() {
        // Arrange
        let mut bad = body("Acme");
        bad.registration_id = Some("91350100M000100Y4X".into());
        let mut british = body("Acme Ltd");
        british.country = CountryCode::GB;
        british.registration_id = Some("sc123456".into());
        // Act
        let bad = bad.check("C1", TODAY).expect_err("a bad check digit");
        let british = british.check("C2", TODAY).expect("a UK company number");
        // Assert
        assert_eq!(bad[0].field, "registration_id");
        assert_eq!(
            british.registration,
            Some(RegistrationId::GbCompanyNumber("SC123456".into()))
        );
        assert_eq!(british.usci(), None);
    }

    #[test]
    fn every_bad_field_is_named_at_once() {
        // Arrange
        let mut b = body("");
        b.founded = Some(date!(1800 - 01 - 01));
        b.tags = vec![" ".into()];
        b.custom
            .insert("Bad Key".into(), serde_json::json!({"nested": true}));
        // Act
        let errors = b.check("", TODAY).expect_err("invalid");
        // Assert
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["number", "name", "founded", "tags[0]", "custom.Bad Key"]
        );
    }

    #[test]
    fn the_profile_carries_what_the_scorecard_reads() {
        // Arrange
        let mut b = body("Acme");
        b.industry = Some("电子".into());
        b.size = Some(CompanySize::Medium);
        b.founded = Some(date!(2010 - 05 - 01));
        // Act
        let profile = b.check("C1", TODAY).expect("valid").profile();
        // Assert
        assert_eq!(profile.industry.as_deref(), Some("电子"));
        assert_eq!(profile.size, Some(CompanySize::Medium));
        assert_eq!(profile.founded, Some(date!(2010 - 05 - 01)));
    }
}
