//! One customer's credit file: `GET /v1/customers/{id}/credit`.
//!
//! Phone first: what a sales rep needs to take an order (available credit, grade, terms,
//! hold, overdue) and the order check come first. Below them, the analyst's sections: the
//! score and its reasons, the limit decided against the one recommended, exposure and aging,
//! the history chart and, for finance roles, the ledger. Laptops lay the sections out in two
//! columns; phones get a row of section links.
//!
//! "Request" opens the form that asks for a change (limit, temporary limit, terms, hold,
//! blacklist); the Requests section lists the customer's requests and the Audit section
//! who changed what, when and why. The Collections section (first, since overdue money is
//! what needs acting on) holds promises to pay, tasks, alerts and notes; an open promise
//! also shows on the position card.
//!
//! Here: the page and the file's layout; `requests` the request button and the requests and
//! audit sections; `position` the rep's card; `assessment`, `limits`, `exposure` and `ledger`
//! the analyst's sections.

mod assessment;
mod exposure;
mod ledger;
mod limits;
mod position;
mod requests;
#[cfg(test)]
mod tests;

use credence_shared::credit::CreditView;
use credence_shared::{CustomerId, Role};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::collections::{CollectionsResource, CollectionsSection};
use crate::components::customer_card::{GradeBadge, StatusBadges};
use crate::components::history_chart::HistoryChart;
use crate::components::later::Later;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::order_check::OrderCheck;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

use assessment::AssessmentSection;
use exposure::ExposureSection;
use ledger::LedgerSection;
use limits::LimitsSection;
use position::Position;
use requests::{AuditSection, RequestAction, RequestsSection, file_now};

#[component]
pub fn CustomerPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        // The tenant's number or Credence's id: one maps to the other.
        params
            .read()
            .get("id")
            .map(|raw| credence_shared::customer::customer_id_of(&raw))
    });
    let credit = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::credit(session, &id)
                    .await
                    .map(|(view, as_of)| (id, view, as_of)),
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
                    let answer = credit.await;
                    // The file is here: the figures painted before the app go.
                    crate::first_paint::release();
                    match answer {
                        Ok((id, view, as_of)) => view! { <CreditFile id view as_of /> }.into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || credit.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn CreditFile(id: CustomerId, view: CreditView, as_of: api::AsOf) -> impl IntoView {
    let i18n = use_i18n();
    let customer = view.customer.clone();
    let request_file = file_now(&view);
    let ledger = view.ledger.clone();
    let ledger_truncated = view.ledger_truncated;
    let has_ledger = ledger.is_some();
    let history = StoredValue::new(view.history.clone());
    let currency = view.file.limit.currency;
    let overdue = view.exposure.overdue;
    let facts = StoredValue::new(customer.clone());
    let sections_id = StoredValue::new(id.clone());
    let stored = StoredValue::new(view);
    let v = stored.get_value();
    let session = use_session();
    let collections_id = StoredValue::new(id.clone());
    let edit_id = StoredValue::new(String::from(js_sys::encode_uri_component(&customer.number)));
    let editor = crate::components::layout::use_current_user();
    let network = crate::offline::network();
    let collections: CollectionsResource = LocalResource::new(move || {
        // Reloaded when changes typed offline reach the server.
        network.synced();
        let id = collections_id.get_value();
        async move { api::collections(session, &id).await }
    });

    view! {
        <article class="credit-file" class:stale=as_of.is_some() data-testid="customer-detail">
            {as_of.map(|ms| view! { <crate::components::offline::KeptSince ms /> })}
            <header class="detail-head">
                <div class="names">
                    <h1 class="page-title">{customer.name.clone()}</h1>
                    {customer.name_en.clone().map(|en| view! { <p class="name-en" lang="en">{en}</p> })}
                </div>
                <GradeBadge grade=v.file.grade />
            </header>
            <div class="badges">
                <StatusBadges on_hold=v.file.on_hold blacklisted=v.file.blacklisted />
                <a class="button button-ghost small" data-testid="customer-report-link"
                    href=format!("/customers/{}/report", edit_id.get_value())>
                    {t!(i18n, report_link)}
                </a>
                <Show when=move || editor.has_any(&[Role::Risk, Role::Admin])>
                    <a class="button button-ghost small" data-testid="customer-edit-link"
                        href=format!("/customers/{}/edit", edit_id.get_value())>
                        {t!(i18n, edit_customer)}
                    </a>
                    <a class="button button-ghost small" data-testid="customer-evidence-link"
                        href=format!("/customers/{}/evidence", edit_id.get_value())>
                        {t!(i18n, outside_link)}
                    </a>
                </Show>
            </div>
            <RequestAction id=id.clone() file=request_file />
            <div class="credit-top">
                <Position view=v.clone() collections />
                // The check's form is for typing into: it can come a task after the figures.
                <Later>
                    <OrderCheck id=sections_id.get_value() view=stored />
                </Later>
            </div>
            // Below the check (a task later too, so nothing drawn moves down when it comes).
            <Later>
                <nav class="section-nav" data-testid="section-nav" aria-label=move || t_string!(i18n, sections_label)>
                    <a href="#section-collections">{t!(i18n, section_collections)}</a>
                    <a href="#section-assessment">{t!(i18n, section_assessment)}</a>
                    <a href="#section-limits">{t!(i18n, section_limits)}</a>
                    <a href="#section-exposure">{t!(i18n, section_exposure)}</a>
                    <a href="#section-history">{t!(i18n, section_history)}</a>
                    {has_ledger.then(|| view! {
                        <a href="#section-ledger">{t!(i18n, section_ledger)}</a>
                    })}
                    <a href="#section-requests">{t!(i18n, section_requests)}</a>
                    <a href="#section-audit">{t!(i18n, section_audit)}</a>
                </nav>
            </Later>
            // Below the fold: each group in a task of its own, after the top is drawn.
            <div class="credit-sections">
                <Later>
                    <CollectionsSection id=sections_id.get_value() currency overdue collections />
                    <crate::components::orders::CustomerOrdersSection id=sections_id.get_value() />
                </Later>
                <Later>
                    <AssessmentSection assessment=v.assessment.clone() />
                    <LimitsSection view=v.clone() />
                    <ExposureSection view=v.clone() />
                </Later>
                <Later>
                    <Section id="section-customer" title=move || t_string!(i18n, customer_info)>
                        <dl class="facts two">
                            <div>
                                <dt>{t!(i18n, customer_number)}</dt>
                                <dd>{facts.with_value(|c| c.number.clone())}</dd>
                            </div>
                            {facts.with_value(|c| c.usci.clone()).map(|usci| view! {
                                <div>
                                    <dt>{t!(i18n, usci)}</dt>
                                    <dd class="mono">{usci.to_string()}</dd>
                                </div>
                            })}
                            <div>
                                <dt>{t!(i18n, country)}</dt>
                                <dd>{facts.with_value(|c| c.country.clone())}</dd>
                            </div>
                        </dl>
                    </Section>
                    <Section id="section-history" title=move || t_string!(i18n, history_title)>
                        <HistoryChart points=history.get_value() />
                    </Section>
                </Later>
                <Later>
                    <RequestsSection id=sections_id.get_value() />
                    <AuditSection id=sections_id.get_value() />
                    {ledger.clone().map(|lines| view! { <LedgerSection lines truncated=ledger_truncated /> })}
                </Later>
            </div>
        </article>
    }
}

/// A titled card with an anchor for the section links.
#[component]
pub(super) fn Section(
    id: &'static str,
    title: impl Fn() -> &'static str + Send + Sync + Copy + 'static,
    children: Children,
) -> impl IntoView {
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section class="card section" id=id data-testid=id aria-labelledby=labelled_by>
            <h2 class="section-title" id=heading>{title}</h2>
            {children()}
        </section>
    }
}
