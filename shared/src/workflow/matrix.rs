//! The approval matrix: which roles approve which requests, in which order, as tenant data.
//! Invariant: a valid matrix's last rule matches every request, so every request has a route.

use super::{RequestKind, fe, text};
use crate::document::{DocumentKind, TenantDocument};
use crate::dto::FieldError;
use crate::messages::code;
use crate::{Currency, Grade, Role};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One approval step: a role must approve within `sla_hours` of the step starting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepSpec {
    pub role: Role,
    pub sla_hours: u32,
}

/// A row of the matrix. Empty `kinds`/`grades` match any; amounts are in the matrix currency,
/// `min_amount` inclusive and `max_amount` inclusive. A request without an amount matches
/// only rows without amount bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MatrixRule {
    pub name: String,
    #[serde(default)]
    pub kinds: Vec<RequestKind>,
    #[serde(default)]
    pub grades: Vec<Grade>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub min_amount: Option<Decimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub max_amount: Option<Decimal>,
    pub steps: Vec<StepSpec>,
}

/// Which roles approve which requests, in which order: per tenant, as data. The first rule that
/// matches wins; the last rule must match everything so every request has a route.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ApprovalMatrix {
    /// Set by the server when stored (1, 2, …); ignored on input.
    #[serde(default)]
    pub version: u32,
    pub currency: Currency,
    pub rules: Vec<MatrixRule>,
}

pub const MAX_STEPS: usize = 6;
pub const MAX_SLA_HOURS: u32 = 24 * 30;

impl MatrixRule {
    fn matches(&self, kind: RequestKind, amount: Option<Decimal>, grade: Option<Grade>) -> bool {
        let kind_ok = self.kinds.is_empty() || self.kinds.contains(&kind);
        let grade_ok = self.grades.is_empty() || grade.is_some_and(|g| self.grades.contains(&g));
        let amount_ok = match (amount, self.min_amount, self.max_amount) {
            (_, None, None) => true,
            (None, _, _) => false,
            (Some(a), min, max) => min.is_none_or(|m| a >= m) && max.is_none_or(|m| a <= m),
        };
        kind_ok && grade_ok && amount_ok
    }

    fn is_catch_all(&self) -> bool {
        self.kinds.is_empty()
            && self.grades.is_empty()
            && self.min_amount.is_none()
            && self.max_amount.is_none()
    }
}

impl ApprovalMatrix {
    /// The shipped default for a new tenant (see `defaults/approval_matrix.json`).
    pub fn default_matrix() -> Self {
        serde_json::from_str(include_str!("../../defaults/approval_matrix.json"))
            .expect("the shipped approval matrix parses")
    }

    /// The rule a request is routed by.
    pub fn route(
        &self,
        kind: RequestKind,
        amount: Option<Decimal>,
        grade: Option<Grade>,
    ) -> &MatrixRule {
        self.rules
            .iter()
            .find(|r| r.matches(kind, amount, grade))
            .or(self.rules.last())
            .expect("a validated matrix has rules")
    }

    /// Errors name the field (`rules[2].steps[0].role`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.rules.is_empty() {
            errors.push(fe("rules", code::LIST_EMPTY, "add at least one rule"));
        }
        if self.rules.len() > 100 {
            errors.push(fe("rules", code::LIST_TOO_LONG, "at most 100 rules").with("max", 100));
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let at = |f: &str| format!("rules[{i}].{f}");
            text(&mut errors, &at("name"), &rule.name, 80);
            if rule.steps.is_empty() || rule.steps.len() > MAX_STEPS {
                errors.push(
                    fe(
                        &at("steps"),
                        code::LIST_LENGTH,
                        &format!("1 to {MAX_STEPS} steps"),
                    )
                    .with("min", 1)
                    .with("max", MAX_STEPS),
                );
            }
            for (j, step) in rule.steps.iter().enumerate() {
                if step.role == Role::Sales {
                    errors.push(fe(
                        &at(&format!("steps[{j}].role")),
                        code::MATRIX_SALES_APPROVER,
                        "sales reps request; they cannot approve",
                    ));
                }
                if step.sla_hours == 0 || step.sla_hours > MAX_SLA_HOURS {
                    errors.push(
                        fe(
                            &at(&format!("steps[{j}].sla_hours")),
                            code::NUMBER_RANGE,
                            &format!("1 to {MAX_SLA_HOURS} hours"),
                        )
                        .with("min", 1)
                        .with("max", MAX_SLA_HOURS),
                    );
                }
            }
            for (name, v) in [
                ("min_amount", rule.min_amount),
                ("max_amount", rule.max_amount),
            ] {
                if v.is_some_and(|v| v.is_sign_negative()) {
                    errors.push(fe(&at(name), code::NUMBER_NEGATIVE, "must be zero or more"));
                } else if let Some(Err(e)) = v.map(crate::bounds::check_amount) {
                    errors.push(e.at(at(name)));
                }
            }
            if let (Some(min), Some(max)) = (rule.min_amount, rule.max_amount)
                && min > max
            {
                errors.push(
                    fe(
                        &at("max_amount"),
                        code::RANGE_INVERTED,
                        "must not be below min_amount",
                    )
                    .with("other", "min_amount"),
                );
            }
        }
        if let Some(last) = self.rules.last()
            && !last.is_catch_all()
        {
            errors.push(fe(
                &format!("rules[{}]", self.rules.len() - 1),
                code::MATRIX_NO_CATCH_ALL,
                "the last rule must match every request (no kinds, grades or amounts)",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl TenantDocument for ApprovalMatrix {
    const KIND: DocumentKind = DocumentKind::ApprovalMatrix;

    fn shipped() -> Self {
        ApprovalMatrix::default_matrix()
    }

    fn version(&self) -> u32 {
        self.version
    }

    fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    fn validate(&self) -> Result<(), Vec<FieldError>> {
        ApprovalMatrix::validate(self)
    }
}
