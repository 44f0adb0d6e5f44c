//! Custom application fields an admin adds, and the checking of the values people enter.

use super::{fe, text};
use crate::Role;
use crate::document::{DocumentKind, TenantDocument};
use crate::dto::FieldError;
use crate::messages::code;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::Date;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    Text,
    Number,
    Money,
    Date,
    Choice { options: Vec<String> },
    YesNo,
}

/// A field an admin added to the credit application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Stable key, `a-z 0-9 _`, 1–40 characters.
    pub key: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    pub kind: FieldKind,
    #[serde(default)]
    pub required: bool,
    /// Roles that see the field (empty: everyone).
    #[serde(default)]
    pub visible_to: Vec<Role>,
}

impl FieldDef {
    pub fn visible_to_any(&self, roles: &[Role]) -> bool {
        self.visible_to.is_empty() || roles.iter().any(|r| self.visible_to.contains(r))
    }
}

/// The tenant's custom fields, versioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldSet {
    #[serde(default)]
    pub version: u32,
    pub fields: Vec<FieldDef>,
}

pub const MAX_CUSTOM_FIELDS: usize = 50;
pub const MAX_CUSTOM_TEXT: usize = 500;

impl FieldSet {
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.fields.len() > MAX_CUSTOM_FIELDS {
            errors.push(
                fe(
                    "fields",
                    code::LIST_TOO_LONG,
                    &format!("at most {MAX_CUSTOM_FIELDS} fields"),
                )
                .with("max", MAX_CUSTOM_FIELDS),
            );
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, f) in self.fields.iter().enumerate() {
            let at = |n: &str| format!("fields[{i}].{n}");
            let key_ok = !f.key.is_empty()
                && f.key.len() <= 40
                && f.key
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            if !key_ok {
                errors.push(
                    fe(&at("key"), code::TEXT_PATTERN, "1 to 40 of a-z, 0-9 and _")
                        .with("min", 1)
                        .with("max", 40)
                        .with("allowed", "a-z 0-9 _"),
                );
            } else if !seen.insert(f.key.as_str()) {
                errors.push(fe(
                    &at("key"),
                    code::KEY_DUPLICATE,
                    "another field has this key",
                ));
            }
            text(&mut errors, &at("label"), &f.label, 80);
            if let FieldKind::Choice { options } = &f.kind {
                if options.is_empty() || options.len() > 50 {
                    errors.push(
                        fe(&at("kind.options"), code::LIST_LENGTH, "1 to 50 options")
                            .with("min", 1)
                            .with("max", 50),
                    );
                }
                if options
                    .iter()
                    .any(|o| o.trim().is_empty() || o.chars().count() > 80)
                {
                    errors.push(
                        fe(
                            &at("kind.options"),
                            code::TEXT_LENGTH,
                            "each option 1 to 80 characters",
                        )
                        .with("min", 1)
                        .with("max", 80),
                    );
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks the values a person entered (as typed) against the fields they can see.
    /// Errors name `custom.{key}`. Values for fields the person cannot see, or that do not
    /// exist, are refused rather than dropped.
    pub fn check_values(
        &self,
        values: &BTreeMap<String, String>,
        roles: &[Role],
    ) -> Result<BTreeMap<String, String>, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut out = BTreeMap::new();
        for key in values.keys() {
            if !self
                .fields
                .iter()
                .any(|f| &f.key == key && f.visible_to_any(roles))
            {
                errors.push(fe(
                    &format!("custom.{key}"),
                    code::UNKNOWN_FIELD,
                    "no such field",
                ));
            }
        }
        for f in self.fields.iter().filter(|f| f.visible_to_any(roles)) {
            let field = format!("custom.{}", f.key);
            let raw = values.get(&f.key).map(|v| v.trim()).unwrap_or("");
            if raw.is_empty() {
                if f.required {
                    errors.push(fe(&field, code::REQUIRED, "required"));
                }
                continue;
            }
            match check_value(&f.kind, raw) {
                Ok(v) => {
                    out.insert(f.key.clone(), v);
                }
                Err(e) => errors.push(e.to_field_error(&field)),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// Why a custom value does not fit its kind: a stable code and the English message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ValueError {
    pub code: &'static str,
    pub message: &'static str,
}

impl ValueError {
    const fn new(code: &'static str, message: &'static str) -> Self {
        ValueError { code, message }
    }

    /// This error about `field`, with the parameters its wording needs.
    pub fn to_field_error(self, field: &str) -> FieldError {
        let error = fe(field, self.code, self.message);
        match self.code {
            code::TEXT_TOO_LONG => error.with("max", MAX_CUSTOM_TEXT),
            code::NUMBER_DECIMALS => error.with("max", 2),
            _ => error,
        }
    }
}

/// One value against its kind; the normalised value or why not.
pub fn check_value(kind: &FieldKind, raw: &str) -> Result<String, ValueError> {
    match kind {
        FieldKind::Text => {
            if raw.chars().count() > MAX_CUSTOM_TEXT {
                Err(ValueError::new(
                    code::TEXT_TOO_LONG,
                    "at most 500 characters",
                ))
            } else {
                Ok(raw.to_owned())
            }
        }
        FieldKind::Number => raw
            .parse::<Decimal>()
            .map(|d| d.normalize().to_string())
            .map_err(|_| ValueError::new(code::NUMBER_INVALID, "must be a number")),
        FieldKind::Money => match raw.replace(',', "").parse::<Decimal>() {
            Ok(d) if d.is_sign_negative() => Err(ValueError::new(
                code::NUMBER_NEGATIVE,
                "must be zero or more",
            )),
            Ok(d) if d.scale() > 2 => {
                Err(ValueError::new(code::NUMBER_DECIMALS, "at most 2 decimals"))
            }
            Ok(d) => Ok(d.to_string()),
            Err(_) => Err(ValueError::new(
                code::NUMBER_INVALID,
                "must be an amount such as 12000.00",
            )),
        },
        FieldKind::Date => {
            let format = time::macros::format_description!("[year]-[month]-[day]");
            Date::parse(raw, format)
                .map(|d| d.to_string())
                .map_err(|_| ValueError::new(code::DATE_INVALID, "must be a date YYYY-MM-DD"))
        }
        FieldKind::Choice { options } => {
            options
                .iter()
                .find(|o| o.as_str() == raw)
                .cloned()
                .ok_or(ValueError::new(
                    code::CHOICE_INVALID,
                    "choose one of the options",
                ))
        }
        FieldKind::YesNo => match raw {
            "yes" | "true" => Ok("yes".into()),
            "no" | "false" => Ok("no".into()),
            _ => Err(ValueError::new(code::YES_NO, "yes or no")),
        },
    }
}

impl TenantDocument for FieldSet {
    const KIND: DocumentKind = DocumentKind::CustomFields;

    fn shipped() -> Self {
        FieldSet::default()
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        FieldSet::validate(self)
    }
}
