//! Scoring: facts + model → score, grade, probability of default, and the reasons.
//!
//! The score is the model's base points plus each characteristic's points. Points are
//! deviations from an average customer, so a characteristic's points are also its effect on
//! the score, and the reasons are simply the characteristics with the largest effects. A
//! knock-out rule caps the grade whatever the score.

use super::calendar::iso_date;
use super::facts::{Facts, Metric};
use super::model::{Condition, LocalizedText, MAX_REASONS, ScorecardModel};
use super::quantity::Share;
use crate::Grade;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use time::Date;

/// The outcome of scoring one customer with one model version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub model_id: Arc<str>,
    pub model_version: u32,
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub as_of: Date,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "642"))]
    pub score: Decimal,
    /// The grade that counts: the score's grade, or worse if knocked out.
    pub grade: Grade,
    /// The grade the score alone earns.
    pub score_grade: Grade,
    /// Calibrated 12-month probability of default of `grade`.
    pub pd: Share,
    /// Knock-out rules that fired; empty when none did.
    pub knocked_out: Vec<KnockOut>,
    /// The characteristics that moved the score most, largest effect first.
    pub reasons: Vec<Reason>,
}

impl Assessment {
    pub fn is_knocked_out(&self) -> bool {
        !self.knocked_out.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct KnockOut {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: Arc<str>,
    pub text: LocalizedText,
}

/// Whether a characteristic pushed the score down or up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Lowered,
    Raised,
}

/// One characteristic's part in the score: the metric's value, the points it earned (its
/// effect on the score), and what to tell a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reason {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: Arc<str>,
    pub metric: Metric,
    /// `None` when unknown (the characteristic's missing points applied).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub value: Option<Decimal>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub points: Decimal,
    pub effect: Effect,
    pub text: LocalizedText,
}

/// Scores `facts` with `model`. Deterministic and allocation-light: the same facts and model
/// give the same assessment, bit for bit, natively and in the browser.
pub fn assess(facts: &Facts, model: &ScorecardModel) -> Assessment {
    let characteristics = model.characteristics();
    let wanted = model.reason_count().min(MAX_REASONS);
    // The strongest effects so far, strongest first: (|points|, index, value, points).
    let mut top: [(Decimal, usize, Option<Decimal>, Decimal); MAX_REASONS] =
        [(Decimal::ZERO, usize::MAX, None, Decimal::ZERO); MAX_REASONS];
    let mut held = 0usize;
    let mut score = model.base_points();

    for (index, c) in characteristics.iter().enumerate() {
        let value = facts.value(c.metric);
        let points = c.points_for(value);
        score += points;
        if points.is_zero() {
            continue;
        }
        let strength = points.abs();
        // Insert by strength; an equal strength keeps model order (earlier first).
        let mut at = held;
        while at > 0 && top[at - 1].0 < strength {
            at -= 1;
        }
        if at < wanted {
            let end = held.min(wanted - 1);
            top.copy_within(at..end, at + 1);
            top[at] = (strength, index, value, points);
            held = (held + 1).min(wanted);
        }
    }

    let score_grade = model.grade_for(score);
    let knocked_out: Vec<KnockOut> = model
        .knock_outs()
        .iter()
        .filter(|rule| match rule.when {
            Condition::Flag { flag } => facts.flag(flag),
            Condition::AtLeast { metric, value } => facts.value(metric).is_some_and(|v| v >= value),
        })
        .map(|rule| KnockOut {
            code: rule.code.clone(),
            text: rule.text.clone(),
        })
        .collect();
    let grade = if knocked_out.is_empty() {
        score_grade
    } else {
        score_grade.max(model.knock_out_grade())
    };

    let reasons = top[..held]
        .iter()
        .map(|&(_, index, value, points)| {
            let c = &characteristics[index];
            let (effect, text) = if points < Decimal::ZERO {
                (Effect::Lowered, &c.lowered)
            } else {
                (Effect::Raised, &c.raised)
            };
            Reason {
                code: c.code.clone(),
                metric: c.metric,
                value,
                points,
                effect,
                text: text.clone(),
            }
        })
        .collect();

    Assessment {
        model_id: model.id().clone(),
        model_version: model.version(),
        as_of: facts.as_of,
        score,
        grade,
        score_grade,
        pd: model.grades().get(grade).pd,
        knocked_out,
        reasons,
    }
}

/// Every characteristic's part in the score, in model order: the full explanation behind
/// [`Assessment::reasons`], for the analyst's screen.
pub fn breakdown(facts: &Facts, model: &ScorecardModel) -> Vec<Reason> {
    model
        .characteristics()
        .iter()
        .map(|c| {
            let value = facts.value(c.metric);
            let points = c.points_for(value);
            let (effect, text) = if points < Decimal::ZERO {
                (Effect::Lowered, &c.lowered)
            } else {
                (Effect::Raised, &c.raised)
            };
            Reason {
                code: c.code.clone(),
                metric: c.metric,
                value,
                points,
                effect,
                text: text.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Currency;
    use crate::engine::facts::{CustomerInfo, ExternalSignals};
    use crate::engine::model::default_model;
    use crate::engine::testkit::*;
    use time::macros::date;

    const AS_OF: Date = date!(2024 - 06 - 30);

    fn facts_with(customer: CustomerInfo) -> Facts {
        Facts::without_history(Currency::CNY, AS_OF, customer)
    }

    #[test]
    fn a_new_customer_with_nothing_known_scores_the_missing_points() {
        // Arrange
        let model = default_model();
        // Act
        let a = assess(&facts_with(CustomerInfo::default()), &model);
        // Assert: 600 − 10 (no payment index) − 15 (no tenure) − 10 (founding unknown) − 5
        // (lawsuits not checked).
        assert_eq!(a.score, dec("560"));
        assert_eq!(a.grade, Grade::C);
        assert_eq!(a.pd, model.grades().get(Grade::C).pd);
        let codes: Vec<&str> = a.reasons.iter().map(|r| &*r.code).collect();
        assert_eq!(codes, ["TENURE", "PAY_INDEX", "BUSINESS_AGE", "LAWSUITS"]);
        assert!(
            a.reasons
                .iter()
                .all(|r| r.effect == Effect::Lowered && r.value.is_none())
        );
    }

    #[test]
    fn knock_outs_override_the_score_but_keep_the_score_grade_visible() {
        let cases = [
            (
                CustomerInfo {
                    blacklisted: true,
                    ..Default::default()
                },
                "KO_BLACKLISTED",
            ),
            (
                CustomerInfo {
                    signals: ExternalSignals {
                        on_enforcement_list: true,
                        ..Default::default()
                    },
                    ..Default::default()
                },
                "KO_ENFORCEMENT_LIST",
            ),
        ];
        for (customer, code) in cases {
            let a = assess(&facts_with(customer), &default_model());
            assert_eq!(a.grade, Grade::E, "{code}");
            assert_eq!(a.score_grade, Grade::C, "{code}");
            assert_eq!(a.knocked_out.len(), 1);
            assert_eq!(&*a.knocked_out[0].code, code);
        }
    }

    #[test]
    fn reasons_are_the_largest_effects_strongest_first_and_match_the_breakdown() {
        let customer = CustomerInfo {
            signals: ExternalSignals {
                lawsuits_24m: Some(7),
                negative_news_12m: Some(0),
                ..Default::default()
            },
            ..Default::default()
        };
        let facts = facts_with(customer);
        let model = default_model();
        let a = assess(&facts, &model);
        let all = breakdown(&facts, &model);
        let total: Decimal = all.iter().map(|r| r.points).sum::<Decimal>() + model.base_points();
        assert_eq!(total, a.score);
        assert_eq!(&*a.reasons[0].code, "LAWSUITS");
        assert_eq!(a.reasons[0].points, dec("-45"));
        assert_eq!(a.reasons[0].value, Some(dec("7")));
        let strengths: Vec<Decimal> = a.reasons.iter().map(|r| r.points.abs()).collect();
        assert!(strengths.windows(2).all(|w| w[0] >= w[1]));
        assert_eq!(a.reasons.len(), model.reason_count());
    }

    #[test]
    fn an_assessment_serialises_with_snake_case_names_and_decimal_strings() {
        let a = assess(&facts_with(CustomerInfo::default()), &default_model());
        let json = serde_json::to_string(&a).unwrap();
        assert!(json.starts_with(r#"{"model_id":"credence-default","model_version":2,"as_of":"2024-06-30","score":"560","grade":"C","score_grade":"C","pd":"0.038""#), "{json}");
        assert_eq!(serde_json::from_str::<Assessment>(&json).unwrap(), a);
    }
}
