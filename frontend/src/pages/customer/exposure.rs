//! The exposure section: what makes up the exposure, against the limit, and its aging; and the
//! group the customer belongs to.

use credence_shared::Money;
use credence_shared::credit::{CreditView, GroupView};
use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::components::download::ExportButtons;
use crate::components::money::Amount;
use crate::i18n::{t, t_string, use_i18n};

use super::Section;

/// `part` as a share of `whole` in percent, for bar widths; 0 when there is no whole.
pub(super) fn share_of(part: Money, whole: Money) -> Decimal {
    if whole.amount <= Decimal::ZERO || part.amount <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (part.amount * Decimal::ONE_HUNDRED / whole.amount).round_dp(2)
}

#[component]
pub(super) fn ExposureSection(view: CreditView) -> impl IntoView {
    let i18n = use_i18n();
    let e = view.exposure;
    let aging = e.aging;
    let total = aging.total();
    let buckets: [(&'static str, Money); 5] = [
        ("current", aging.current),
        ("1-30", aging.days_1_30),
        ("31-60", aging.days_31_60),
        ("61-90", aging.days_61_90),
        ("90-plus", aging.days_over_90),
    ];
    let bucket_label = move |key: &'static str| {
        move || match key {
            "current" => t_string!(i18n, aging_current),
            "1-30" => t_string!(i18n, aging_1_30),
            "31-60" => t_string!(i18n, aging_31_60),
            "61-90" => t_string!(i18n, aging_61_90),
            _ => t_string!(i18n, aging_over_90),
        }
    };
    let customer = view.customer.id.to_string();
    let unapplied = Money::new(-e.unapplied_credit.amount, e.unapplied_credit.currency);
    view! {
        <Section id="section-exposure" title=move || t_string!(i18n, exposure_title)>
            <dl class="breakdown" data-testid="exposure-breakdown">
                <div><dt>{t!(i18n, open_receivables)}</dt><dd><Amount money=e.open_receivables /></dd></div>
                <div><dt>{t!(i18n, open_orders)}</dt><dd><Amount money=e.open_orders /></dd></div>
                <div><dt>{t!(i18n, shipped_not_invoiced)}</dt><dd><Amount money=e.shipped_not_invoiced /></dd></div>
                <div><dt>{t!(i18n, unapplied_credit)}</dt><dd><Amount money=unapplied /></dd></div>
                <div class="total"><dt>{t!(i18n, exposure)}</dt><dd><Amount money=e.exposure /></dd></div>
                <div><dt>{t!(i18n, credit_limit)}</dt><dd><Amount money=e.limit /></dd></div>
                <div class="total"><dt>{t!(i18n, available)}</dt><dd><Amount money=e.available /></dd></div>
            </dl>
            <h3 class="subheading">{t!(i18n, aging)}</h3>
            <div class="aging-bar" aria-hidden="true">
                {buckets.iter().map(|&(key, money)| {
                    let width = share_of(money, total);
                    (width > Decimal::ZERO).then(|| view! {
                        <span class=format!("aging-{key}") style=format!("width: {width}%")></span>
                    })
                }).collect_view()}
            </div>
            <table class="table aging-table" data-testid="aging">
                <tbody>
                    {buckets.iter().map(|&(key, money)| view! {
                        <tr>
                            <th scope="row">
                                <span class=format!("swatch aging-{key}") aria-hidden="true"></span>
                                {bucket_label(key)}
                            </th>
                            <td class="num"><Amount money /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {view.group.map(|group| view! { <GroupFacts group /> })}
            <ExportButtons what="open_items" customer=customer />
        </Section>
    }
}

#[component]
fn GroupFacts(group: GroupView) -> impl IntoView {
    let i18n = use_i18n();
    let name = group.name;
    view! {
        <h3 class="subheading">{t!(i18n, group)} ": " {name}</h3>
        <dl class="facts">
            <div><dt>{t!(i18n, credit_limit)}</dt><dd><Amount money=group.limit /></dd></div>
            <div><dt>{t!(i18n, exposure)}</dt><dd><Amount money=group.exposure /></dd></div>
            <div><dt>{t!(i18n, available)}</dt><dd><Amount money=group.available /></dd></div>
        </dl>
    }
}
