//! One customer's credit position: `GET /v1/customers/{id}`.

use credence_shared::CustomerId;
use credence_shared::dto::CustomerSummary;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::customer_card::{GradeBadge, StatusBadges};
use crate::components::money::Amount;
use crate::components::notice::{ErrorNotice, Loading};
use crate::i18n::{t, use_i18n};
use crate::session::use_session;

#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|raw| CustomerId::parse(&raw).ok())
    });
    let customer = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::customer(session, &id).await,
                // An id that cannot exist: same answer as the server would give.
                None => Err(ApiError::NotFound),
            }
        }
    });

    view! {
        <div class="page page-customer">
            <A href="/" attr:class="back-link">
                <span aria-hidden="true">"←"</span>
                {t!(i18n, back_to_search)}
            </A>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(customer) => view! { <CustomerDetail customer /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || customer.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn CustomerDetail(customer: CustomerSummary) -> impl IntoView {
    let i18n = use_i18n();
    let overdue = !customer.overdue.amount.is_zero();
    let oldest_days = customer.oldest_overdue_days;
    let terms = customer.terms_days;
    view! {
        <article class="customer-detail" data-testid="customer-detail">
            <header class="detail-head">
                <div class="names">
                    <h1 class="page-title">{customer.name.clone()}</h1>
                    {customer.name_en.clone().map(|en| view! { <p class="name-en" lang="en">{en}</p> })}
                </div>
                <GradeBadge grade=customer.grade />
            </header>
            <div class="badges">
                <StatusBadges on_hold=customer.on_hold blacklisted=customer.blacklisted />
            </div>
            <section class="card available-card">
                <span class="label">{t!(i18n, available)}</span>
                <Amount money=customer.available class="available" testid="customer-available" />
                <dl class="facts">
                    <div>
                        <dt>{t!(i18n, credit_limit)}</dt>
                        <dd><Amount money=customer.credit_limit /></dd>
                    </div>
                    <div>
                        <dt>{t!(i18n, exposure)}</dt>
                        <dd><Amount money=customer.exposure /></dd>
                    </div>
                    <div class:warn=overdue>
                        <dt>{t!(i18n, overdue)}</dt>
                        <dd>
                            <Amount money=customer.overdue />
                            {overdue.then(|| view! {
                                <span class="muted small">
                                    " · " {t!(i18n, oldest_overdue_days, days = oldest_days)}
                                </span>
                            })}
                        </dd>
                    </div>
                    <div>
                        <dt>{t!(i18n, terms)}</dt>
                        <dd>{t!(i18n, days, days = terms)}</dd>
                    </div>
                </dl>
            </section>
            <section class="card">
                <dl class="facts">
                    <div>
                        <dt>{t!(i18n, customer_number)}</dt>
                        <dd>{customer.number.clone()}</dd>
                    </div>
                    {customer.usci.clone().map(|usci| view! {
                        <div>
                            <dt>{t!(i18n, usci)}</dt>
                            <dd class="mono">{usci.to_string()}</dd>
                        </div>
                    })}
                    <div>
                        <dt>{t!(i18n, country)}</dt>
                        <dd>{customer.country.clone()}</dd>
                    </div>
                </dl>
            </section>
        </article>
    }
}
