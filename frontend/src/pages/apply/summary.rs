//! What the form says about the applicant as typed: the screening warnings and the score
//! preview's figures.

use credence_shared::Money;
use credence_shared::engine::Evaluation;
use credence_shared::workflow::ScreenResult;
use leptos::prelude::*;

use crate::components::customer_card::GradeBadge;
use crate::components::finding::percent;
use crate::components::labels::{ReasonList, localized_text};
use crate::components::money::{Amount, format_money};
use crate::i18n::{t, use_i18n};

#[component]
pub(super) fn ScreenWarnings(result: Signal<ScreenResult>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || {
            let r = result.get();
            (!r.blacklisted.is_empty()).then(|| view! {
                <div class="notice notice-error" role="alert" data-testid="screen-blacklisted">
                    <p><strong>{t!(i18n, screen_blacklisted)}</strong></p>
                    <ul>
                        {r.blacklisted.into_iter().map(|b| view! {
                            <li>{b.name} " — " {b.reason} <span class="small">" (" {b.source} ", " {b.added_on.to_string()} ")"</span></li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
        {move || {
            let r = result.get();
            (!r.duplicates.is_empty()).then(|| view! {
                <div class="notice notice-warn" data-testid="screen-duplicates">
                    <p><strong>{t!(i18n, screen_duplicates)}</strong></p>
                    <ul>
                        {r.duplicates.into_iter().map(|c| view! {
                            <li>
                                <a href=format!("/customers/{}", c.id)>{c.name}</a>
                                <span class="small muted">" " {c.number}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </div>
            })
        }}
    }
}

#[component]
pub(super) fn PreviewFigures(ev: Evaluation, asked: Option<Money>) -> impl IntoView {
    let i18n = use_i18n();
    let a = ev.assessment;
    let r = ev.recommendation;
    let score = a.score.round_dp(0).to_string();
    let above = asked.filter(|m| m.amount > r.limit.amount);
    let reasons: Vec<_> = a.reasons.into_iter().take(3).collect();
    view! {
        <div class="preview-top">
            <div class="score-figure">
                <span class="label">{t!(i18n, score)}</span>
                <strong class="score" data-testid="preview-score">{score}</strong>
            </div>
            <div class="score-figure">
                <span class="label">{t!(i18n, grade)}</span>
                <GradeBadge grade=Some(a.grade) />
            </div>
            <div class="score-figure">
                <span class="label">{t!(i18n, pd)}</span>
                <strong>{percent(a.pd)}</strong>
            </div>
        </div>
        <dl class="facts two">
            <div>
                <dt>{t!(i18n, recommended_limit)}</dt>
                <dd><Amount money=r.limit testid="preview-limit" /></dd>
            </div>
            <div>
                <dt>{t!(i18n, terms)}</dt>
                <dd>{t!(i18n, days, days = r.terms_days)}</dd>
            </div>
        </dl>
        {above.map(|m| {
            let (asked, recommended) = (format_money(&m), format_money(&r.limit));
            view! {
                <p class="notice notice-warn small" data-testid="preview-above">
                    {t!(i18n, apply_above_recommendation, asked, recommended)}
                </p>
            }
        })}
        {(!a.knocked_out.is_empty()).then(|| view! {
            <div class="notice notice-error small">
                <strong>{t!(i18n, knocked_out)}</strong>
                <ul>
                    {a.knocked_out.into_iter().map(|k| view! { <li>{localized_text(k.text)}</li> }).collect_view()}
                </ul>
            </div>
        })}
        {(!reasons.is_empty()).then(|| view! {
            <h3 class="subheading">{t!(i18n, reasons_title)}</h3>
            <ReasonList reasons />
        })}
    }
}
