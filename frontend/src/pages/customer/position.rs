//! The position card: available credit, then what limits it.

use credence_shared::credit::CreditView;
use leptos::prelude::*;

use crate::components::collections::{CollectionsResource, PromiseShown};
use crate::components::finding::percent;
use crate::components::money::Amount;
use crate::i18n::{t, use_i18n};

/// The rep's answer in one look: available credit, then what limits it.
#[component]
pub(super) fn Position(view: CreditView, collections: CollectionsResource) -> impl IntoView {
    let i18n = use_i18n();
    let exposure = view.exposure;
    let file = view.file;
    let overdue = !exposure.overdue.amount.is_zero();
    let oldest_days = exposure.oldest_overdue_days;
    let terms = file.terms_days;
    let temporary = view.decision.temporary.filter(|t| view.as_of <= t.expires);
    let prepayment = (!file.prepayment_share.value().is_zero()).then_some(file.prepayment_share);
    view! {
        <section class="card available-card" data-testid="position">
            <span class="label" id="available-label">{t!(i18n, available)}</span>
            <Amount money=exposure.available class="available" testid="customer-available" />
            <dl class="facts">
                <div>
                    <dt>{t!(i18n, credit_limit)}</dt>
                    <dd>
                        <Amount money=file.limit testid="position-limit" />
                        {temporary.map(|t| {
                            let date = t.expires.to_string();
                            view! {
                                <span class="muted small block">
                                    {t!(i18n, temporary_until, date)}
                                </span>
                            }
                        })}
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, exposure)}</dt>
                    <dd><Amount money=exposure.exposure testid="position-exposure" /></dd>
                </div>
                <div class:warn=overdue>
                    <dt>{t!(i18n, overdue)}</dt>
                    <dd data-testid="position-overdue">
                        <Amount money=exposure.overdue />
                        {overdue.then(|| view! {
                            <span class="small block">
                                {t!(i18n, oldest_overdue_days, days = oldest_days)}
                            </span>
                        })}
                    </dd>
                </div>
                <div>
                    <dt>{t!(i18n, terms)}</dt>
                    <dd data-testid="position-terms">{t!(i18n, days, days = terms)}</dd>
                </div>
                {prepayment.map(|share| view! {
                    <div>
                        <dt>{t!(i18n, prepayment_share)}</dt>
                        <dd>{percent(share)}</dd>
                    </div>
                })}
                {file.review_due.map(|due| {
                    let stale = due < view.as_of;
                    view! {
                        <div class:warn=stale>
                            <dt>{t!(i18n, review_due)}</dt>
                            <dd>{due.to_string()}</dd>
                        </div>
                    }
                })}
            </dl>
            <PromiseShown collections />
        </section>
    }
}
