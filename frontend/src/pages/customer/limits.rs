//! The limits section: what a person decided against what the engine recommends.

use credence_shared::credit::CreditView;
use leptos::prelude::*;

use crate::components::finding::percent;
use crate::components::money::Amount;
use crate::i18n::{t, t_string, use_i18n};

use super::Section;

/// What a person decided against what the engine recommends, side by side.
#[component]
pub(super) fn LimitsSection(view: CreditView) -> impl IntoView {
    let i18n = use_i18n();
    let decision = view.decision;
    let rec = view.recommendation;
    let follows = move || view! { <span class="muted">{t!(i18n, follows_recommendation)}</span> };
    let none = || view! { <span class="muted">"—"</span> };
    let rec_terms = rec.terms_days;
    let rec_prepay = percent(rec.prepayment_share);
    let route = view.recommended_route.clone();
    view! {
        <Section id="section-limits" title=move || t_string!(i18n, limits_title)>
            <div class="table-scroll">
                <table class="table compare" data-testid="limits-compare">
                    <thead>
                        <tr>
                            <th scope="col"><span class="sr-only">{t!(i18n, item)}</span></th>
                            <th scope="col">{t!(i18n, decided_by_person)}</th>
                            <th scope="col">{t!(i18n, engine_recommends)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <tr>
                            <th scope="row">{t!(i18n, credit_limit)}</th>
                            <td>
                                {match decision.limit.clone() {
                                    Some(l) => view! { <Amount money=l.amount /> }.into_any(),
                                    None => follows().into_any(),
                                }}
                            </td>
                            <td><Amount money=rec.limit testid="recommended-limit" /></td>
                        </tr>
                        <tr>
                            <th scope="row">{t!(i18n, temporary_limit)}</th>
                            <td>
                                {match decision.temporary.clone() {
                                    Some(t) => {
                                        let date = t.expires.to_string();
                                        view! {
                                            <Amount money=t.amount />
                                            <span class="muted small block">{t!(i18n, temporary_until, date)}</span>
                                        }
                                        .into_any()
                                    }
                                    None => none().into_any(),
                                }}
                            </td>
                            <td>{none()}</td>
                        </tr>
                        <tr>
                            <th scope="row">{t!(i18n, terms)}</th>
                            <td>
                                {match decision.terms_days {
                                    Some(days) => t!(i18n, days, days).into_any(),
                                    None => follows().into_any(),
                                }}
                            </td>
                            <td>{t!(i18n, days, days = rec_terms)}</td>
                        </tr>
                        <tr>
                            <th scope="row">{t!(i18n, prepayment_share)}</th>
                            <td data-testid="limits-prepayment">
                                {match decision.prepayment {
                                    // The share set on the file (a warning rule's or a
                                    // person's); the higher of it and the policy's applies.
                                    Some(share) => view! {
                                        {percent(share)} " "
                                        <span class="muted small">{t!(i18n, prepayment_in_force)}</span>
                                    }.into_any(),
                                    None => follows().into_any(),
                                }}
                            </td>
                            <td>{rec_prepay}</td>
                        </tr>
                        <tr>
                            <th scope="row">{t!(i18n, grade)}</th>
                            <td>{none()}</td>
                            <td>{rec.grade.as_str()}</td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <dl class="facts two">
                <div>
                    <dt>{t!(i18n, in_force)}</dt>
                    <dd><Amount money=view.file.limit /></dd>
                </div>
                <div>
                    <dt>{t!(i18n, approval_needed)}</dt>
                    <dd data-testid="limits-route">{move || {
                        let roles: Vec<&str> = route.iter().map(|r| crate::components::layout::role_label(*r)).collect();
                        if roles.is_empty() { "—".to_owned() } else { roles.join(" → ") }
                    }}</dd>
                </div>
            </dl>
            {decision.limit.map(|l| {
                let (who, date, reason) = (l.decided_by, l.decided_on.to_string(), l.reason);
                view! {
                    <p class="decision-note small">
                        <span class="label">{t!(i18n, decision_reason)}</span> " " {reason}
                        <span class="muted">" · " {t!(i18n, decided_on_by, who, date)}</span>
                    </p>
                }
            })}
            {decision.temporary.map(|t| {
                let (who, date, reason) = (t.decided_by, t.decided_on.to_string(), t.reason);
                view! {
                    <p class="decision-note small">
                        <span class="label">{t!(i18n, temporary_limit)}</span> " " {reason}
                        <span class="muted">" · " {t!(i18n, decided_on_by, who, date)}</span>
                    </p>
                }
            })}
        </Section>
    }
}
