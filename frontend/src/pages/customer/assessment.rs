//! The score section: the grade, the score and the reasons behind it.

use credence_shared::engine::{Assessment, Effect, LocalizedText, Metric, Reason};
use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::components::customer_card::GradeBadge;
use crate::components::finding::percent;
use crate::i18n::{Locale, t, t_string, use_i18n};

use super::Section;

/// A text from the model, in the language in use.
fn localized(text: LocalizedText) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || match i18n.get_locale() {
        Locale::zh_CN => text.zh_cn.to_string(),
        Locale::en => text.en.to_string(),
    }
}

/// `+12`, `−30`, `0`: points with their sign, the way a score explanation reads.
pub(super) fn signed(points: Decimal) -> String {
    let points = points.normalize();
    if points > Decimal::ZERO {
        format!("+{points}")
    } else if points < Decimal::ZERO {
        format!("−{}", points.abs())
    } else {
        "0".to_owned()
    }
}

#[component]
pub(super) fn AssessmentSection(assessment: Assessment) -> impl IntoView {
    let i18n = use_i18n();
    let score = assessment.score.round_dp(0).to_string();
    let pd = percent(assessment.pd);
    let score_grade =
        (assessment.score_grade != assessment.grade).then_some(assessment.score_grade);
    let model = format!("{} v{}", assessment.model_id, assessment.model_version);
    let scored_on = assessment.as_of.to_string();
    view! {
        <Section id="section-assessment" title=move || t_string!(i18n, assessment_title)>
            <div class="score-row">
                <div class="score-figure">
                    <span class="label">{t!(i18n, score)}</span>
                    <strong class="score" data-testid="score">{score}</strong>
                </div>
                <div class="score-figure">
                    <span class="label">{t!(i18n, grade)}</span>
                    <GradeBadge grade=Some(assessment.grade) />
                </div>
                <div class="score-figure">
                    <span class="label">{t!(i18n, pd)}</span>
                    <strong class="pd" data-testid="pd">{pd}</strong>
                </div>
            </div>
            {score_grade.map(|g| {
                let grade = g.as_str();
                view! { <p class="muted small">{t!(i18n, score_grade_note, grade)}</p> }
            })}
            {(!assessment.knocked_out.is_empty()).then(|| view! {
                <div class="notice notice-error knock-outs">
                    <strong>{t!(i18n, knocked_out)}</strong>
                    <ul>
                        {assessment.knocked_out.iter().map(|k| view! {
                            <li>{localized(k.text.clone())}</li>
                        }).collect_view()}
                    </ul>
                </div>
            })}
            <h3 class="subheading">{t!(i18n, reasons_title)}</h3>
            {if assessment.reasons.is_empty() {
                view! { <p class="muted">{t!(i18n, reasons_none)}</p> }.into_any()
            } else {
                view! {
                    <ol class="score-reasons" data-testid="score-reasons">
                        {assessment.reasons.into_iter().map(|reason| view! { <ReasonItem reason /> }).collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <p class="muted small">{t!(i18n, model)} ": " {model} " · " {scored_on}</p>
        </Section>
    }
}

#[component]
fn ReasonItem(reason: Reason) -> impl IntoView {
    let i18n = use_i18n();
    let (class, arrow) = match reason.effect {
        Effect::Raised => ("score-reason effect-raised", "▲"),
        Effect::Lowered => ("score-reason effect-lowered", "▼"),
    };
    let raised = reason.effect == Effect::Raised;
    let points = signed(reason.points);
    let value = reason.value.map(|v| metric_value(reason.metric, v));
    view! {
        <li class=class data-testid="score-reason">
            <span class="effect" aria-hidden="true">{arrow}</span>
            <div class="reason-body">
                <p class="reason-text">{localized(reason.text)}</p>
                <p class="reason-figures muted small">
                    <span class="sr-only">
                        {move || if raised {
                            t_string!(i18n, reason_raised)
                        } else {
                            t_string!(i18n, reason_lowered)
                        }}
                        ": "
                    </span>
                    {t!(i18n, reason_value)} " "
                    {match value {
                        Some(value) => value.into_any(),
                        None => t!(i18n, reason_value_unknown).into_any(),
                    }}
                </p>
            </div>
            <span class="points">{t!(i18n, points, points)}</span>
        </li>
    }
}

/// A metric's value the way people read it: shares in percent, durations with their unit.
fn metric_value(metric: Metric, value: Decimal) -> AnyView {
    let i18n = use_i18n();
    let plain = |v: Decimal| v.round_dp(1).normalize().to_string();
    match metric {
        Metric::OnTimeShare | Metric::Utilisation | Metric::ReturnRate | Metric::DisputeRate => {
            format!("{}%", plain(value * Decimal::ONE_HUNDRED)).into_any()
        }
        Metric::DaysBeyondTerms
        | Metric::MaxDpd3m
        | Metric::MaxDpd6m
        | Metric::MaxDpd12m
        | Metric::Dso
        | Metric::OldestOverdueDays => {
            let days = plain(value);
            t!(i18n, days, days).into_any()
        }
        Metric::TenureMonths | Metric::MonthsSinceInvoice => {
            let months = plain(value);
            t!(i18n, months, months).into_any()
        }
        Metric::BusinessAgeYears => {
            let years = plain(value);
            t!(i18n, years, years).into_any()
        }
        _ => plain(value).into_any(),
    }
}
