//! A customer at a glance: can we sell on credit? Available credit first, then the
//! grade, the limit, and anything that should stop a sale (hold, blacklist, overdue).

use credence_shared::Grade;
use credence_shared::dto::CustomerSummary;
use leptos::prelude::*;

use crate::components::money::Amount;
use crate::i18n::{t, t_string, use_i18n};

/// One search result; the whole card links to the customer's page.
#[component]
pub fn CustomerCard(customer: CustomerSummary) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/customers/{}", customer.id);
    let overdue = (!customer.overdue.amount.is_zero()).then_some(customer.overdue);
    view! {
        <li>
            <a class="card customer-card" href=href data-testid="customer-result">
                <div class="card-head">
                    <div class="names">
                        <h2 class="name">{customer.name.clone()}</h2>
                        {customer.name_en.clone().map(|en| view! { <p class="name-en" lang="en">{en}</p> })}
                        <p class="number muted">{customer.number.clone()}</p>
                    </div>
                    <GradeBadge grade=customer.grade />
                </div>
                <div class="available-block">
                    <span class="label">{t!(i18n, available)}</span>
                    <Amount money=customer.available class="available" testid="customer-available" />
                </div>
                <div class="card-foot">
                    <span class="limit">
                        <span class="label">{t!(i18n, credit_limit)}</span>
                        " "
                        <Amount money=customer.credit_limit />
                    </span>
                    <StatusBadges
                        on_hold=customer.on_hold
                        blacklisted=customer.blacklisted
                    />
                    {overdue.map(|money| view! {
                        <span class="badge badge-warn overdue">
                            {t!(i18n, overdue)} " " <Amount money />
                        </span>
                    })}
                </div>
            </a>
        </li>
    }
}

/// The credit grade as a coloured badge; "not graded" when there is none yet.
#[component]
pub fn GradeBadge(grade: Option<Grade>) -> impl IntoView {
    let i18n = use_i18n();
    match grade {
        Some(grade) => view! {
            <span
                class=format!("grade grade-{}", grade.as_str().to_lowercase())
                title=move || format!("{} {}", t_string!(i18n, grade), grade)
                data-testid="grade"
            >
                <span class="sr-only">{t!(i18n, grade)} " "</span>
                {grade.as_str()}
            </span>
        }
        .into_any(),
        None => view! {
            <span class="grade grade-none" data-testid="grade">
                {t!(i18n, no_grade)}
            </span>
        }
        .into_any(),
    }
}

/// Hold and blacklist flags; nothing when neither applies.
#[component]
pub fn StatusBadges(on_hold: bool, blacklisted: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {on_hold.then(|| view! {
            <span class="badge badge-hold" data-testid="badge-hold">{t!(i18n, on_hold)}</span>
        })}
        {blacklisted.then(|| view! {
            <span class="badge badge-danger" data-testid="badge-blacklist">{t!(i18n, blacklisted)}</span>
        })}
    }
}
