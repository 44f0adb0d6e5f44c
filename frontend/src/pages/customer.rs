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

use credence_shared::credit::{CreditView, GroupView, LedgerLine};
use credence_shared::engine::{
    ApprovalLevel, Assessment, Effect, LedgerEvent, LocalizedText, Metric, Reason,
};
use credence_shared::workflow::NewRequest;
use credence_shared::{CustomerId, Money};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use rust_decimal::Decimal;

use crate::api::{self, ApiError};
use crate::components::audit_list::AuditList;
use crate::components::collections::{CollectionsResource, CollectionsSection, PromiseShown};
use crate::components::customer_card::{GradeBadge, StatusBadges};
use crate::components::finding::percent;
use crate::components::form::FieldErrors;
use crate::components::history_chart::HistoryChart;
use crate::components::money::Amount;
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::order_check::OrderCheck;
use crate::components::request_form::{FileNow, RequestForm};
use crate::components::request_list::RequestList;
use crate::i18n::{Locale, t, t_string, use_i18n};
use crate::session::use_session;

/// Ledger lines shown before "Show all".
const LEDGER_PREVIEW: usize = 20;

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
    let credit = LocalResource::new(move || {
        let id = id.get();
        async move {
            match id {
                Some(id) => api::credit(session, &id).await.map(|view| (id, view)),
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
                    match credit.await {
                        Ok((id, view)) => view! { <CreditFile id view /> }.into_any(),
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

/// What the request form needs from a credit file.
fn file_now(view: &CreditView) -> FileNow {
    FileNow {
        currency: view.file.limit.currency,
        // The permanent limit: a temporary one does not decide increase or decrease.
        limit: view
            .decision
            .limit
            .as_ref()
            .map(|l| l.amount)
            .unwrap_or(view.recommendation.limit),
        recommended_limit: view.recommendation.limit,
        terms_days: u32::from(view.file.terms_days),
        on_hold: view.file.on_hold,
        blacklisted: view.file.blacklisted,
    }
}

/// The "Request" button and, once opened, the form; a filed request opens its page.
#[component]
fn RequestAction(id: CustomerId, file: FileNow) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let server_errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let id = StoredValue::new(id);
    let submit = Action::new_local(move |body: &NewRequest| {
        let body = body.clone();
        let navigate = navigate.clone();
        async move {
            let id = id.get_value();
            match api::file_request(session, &id, &body).await {
                Ok(request) => {
                    navigate(
                        &format!("/customers/{id}/requests/{}", request.id),
                        NavigateOptions::default(),
                    );
                }
                Err(error) => {
                    server_errors.set(FieldErrors::from_api(&error));
                    failure.set(Some(error));
                }
            }
        }
    });
    let on_submit = Callback::new(move |(change, justification)| {
        server_errors.set(FieldErrors::default());
        failure.set(None);
        submit.dispatch_local(NewRequest {
            change,
            justification,
        });
    });
    let busy = submit.pending();
    let file = StoredValue::new(file);
    view! {
        <div class="page-actions">
            <button
                type="button"
                class="button button-secondary"
                data-testid="request-open"
                aria-expanded=move || open.get().to_string()
                aria-controls="request-panel"
                hidden=move || open.get()
                on:click=move |_| open.set(true)
            >
                <span aria-hidden="true">"＋"</span>
                {t!(i18n, request_action)}
            </button>
        </div>
        <Show when=move || open.get()>
            <section class="card request-panel" id="request-panel" aria-labelledby="request-panel-title">
                <h2 class="section-title" id="request-panel-title">{t!(i18n, request_title)}</h2>
                {move || failure.get().filter(|e| FieldErrors::from_api(e).is_empty()).map(|error| view! {
                    <ErrorNotice error />
                })}
                <RequestForm
                    file=file.get_value()
                    on_submit
                    busy
                    server_errors
                    on_cancel=Callback::new(move |()| open.set(false))
                    submit_label=Signal::derive(move || t_string!(i18n, request_submit).to_owned())
                />
            </section>
        </Show>
    }
}

/// The customer's requests, newest first.
#[component]
fn RequestsSection(id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let requests = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::customer_requests(session, &id).await }
    });
    view! {
        <Section id="section-requests" title=move || t_string!(i18n, requests_title)>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match requests.await {
                        Ok(items) => view! {
                            <RequestList
                                items
                                show_customer=false
                                empty=t_string!(i18n, requests_none)
                                testid="customer-requests"
                            />
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || requests.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Section>
    }
}

/// Who changed this customer's file, when, and why.
#[component]
fn AuditSection(id: CustomerId) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let id = StoredValue::new(id);
    let audit = LocalResource::new(move || {
        let id = id.get_value();
        async move { api::customer_audit(session, &id).await }
    });
    view! {
        <Section id="section-audit" title=move || t_string!(i18n, audit_title)>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match audit.await {
                        Ok(page) => view! { <AuditList items=page.items /> }.into_any(),
                        // Roles without audit rights simply do not get the section's content.
                        Err(ApiError::Forbidden) => view! {
                            <p class="muted">{t!(i18n, error_forbidden)}</p>
                        }
                        .into_any(),
                        Err(error) => view! {
                            <ErrorNotice error retry=move || audit.refetch() />
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </Section>
    }
}

#[component]
fn CreditFile(id: CustomerId, view: CreditView) -> impl IntoView {
    let i18n = use_i18n();
    let customer = view.customer.clone();
    let request_file = file_now(&view);
    let ledger = view.ledger.clone();
    let has_ledger = ledger.is_some();
    let history = view.history.clone();
    let currency = view.file.limit.currency;
    let overdue = view.exposure.overdue;
    let stored = StoredValue::new(view);
    let v = stored.get_value();
    let session = use_session();
    let collections_id = StoredValue::new(id.clone());
    let collections: CollectionsResource = LocalResource::new(move || {
        let id = collections_id.get_value();
        async move { api::collections(session, &id).await }
    });

    view! {
        <article class="credit-file" data-testid="customer-detail">
            <header class="detail-head">
                <div class="names">
                    <h1 class="page-title">{customer.name.clone()}</h1>
                    {customer.name_en.clone().map(|en| view! { <p class="name-en" lang="en">{en}</p> })}
                </div>
                <GradeBadge grade=v.file.grade />
            </header>
            <div class="badges">
                <StatusBadges on_hold=v.file.on_hold blacklisted=v.file.blacklisted />
            </div>
            <RequestAction id=id.clone() file=request_file />
            <div class="credit-top">
                <Position view=v.clone() collections />
                <OrderCheck id=id.clone() view=stored />
            </div>
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
            <div class="credit-sections">
                <CollectionsSection id=id.clone() currency overdue collections />
                <AssessmentSection assessment=v.assessment.clone() />
                <LimitsSection view=v.clone() />
                <ExposureSection view=v.clone() />
                <Section id="section-customer" title=move || t_string!(i18n, customer_info)>
                    <dl class="facts two">
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
                </Section>
                <Section id="section-history" title=move || t_string!(i18n, history_title)>
                    <HistoryChart points=history />
                </Section>
                <RequestsSection id=id.clone() />
                <AuditSection id=id.clone() />
                {ledger.map(|lines| view! { <LedgerSection lines /> })}
            </div>
        </article>
    }
}

/// A titled card with an anchor for the section links.
#[component]
fn Section(
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

/// The rep's answer in one look: available credit, then what limits it.
#[component]
fn Position(view: CreditView, collections: CollectionsResource) -> impl IntoView {
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

/// A text from the model, in the language in use.
fn localized(text: LocalizedText) -> impl Fn() -> String + Send + Sync + 'static {
    let i18n = use_i18n();
    move || match i18n.get_locale() {
        Locale::zh_CN => text.zh_cn.to_string(),
        Locale::en => text.en.to_string(),
    }
}

/// `+12`, `−30`, `0`: points with their sign, the way a score explanation reads.
fn signed(points: Decimal) -> String {
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
fn AssessmentSection(assessment: Assessment) -> impl IntoView {
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
        Metric::TenureMonths => {
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

/// What a person decided against what the engine recommends, side by side.
#[component]
fn LimitsSection(view: CreditView) -> impl IntoView {
    let i18n = use_i18n();
    let decision = view.decision;
    let rec = view.recommendation;
    let follows = move || view! { <span class="muted">{t!(i18n, follows_recommendation)}</span> };
    let none = || view! { <span class="muted">"—"</span> };
    let rec_terms = rec.terms_days;
    let rec_prepay = percent(rec.prepayment_share);
    let approval = rec.approval;
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
                            <td>{follows()}</td>
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
                    <dd>{approval_label(approval)}</dd>
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

fn approval_label(level: ApprovalLevel) -> impl IntoView {
    let i18n = use_i18n();
    move || match level {
        ApprovalLevel::Automatic => t_string!(i18n, approval_automatic),
        ApprovalLevel::Analyst => t_string!(i18n, approval_analyst),
        ApprovalLevel::CreditManager => t_string!(i18n, approval_credit_manager),
        ApprovalLevel::Director => t_string!(i18n, approval_director),
        ApprovalLevel::Committee => t_string!(i18n, approval_committee),
    }
}

/// `part` as a share of `whole` in percent, for bar widths; 0 when there is no whole.
fn share_of(part: Money, whole: Money) -> Decimal {
    if whole.amount <= Decimal::ZERO || part.amount <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (part.amount * Decimal::ONE_HUNDRED / whole.amount).round_dp(2)
}

#[component]
fn ExposureSection(view: CreditView) -> impl IntoView {
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

/// What one ledger line shows: its kind, document number, amount and due date.
struct LedgerRow {
    kind: LedgerKind,
    document: String,
    amount: Option<Money>,
    due: Option<String>,
}

#[derive(Clone, Copy)]
enum LedgerKind {
    OrderPlaced,
    OrderCancelled,
    OrderShipped,
    Invoice,
    Payment,
    CreditNote,
    DisputeOpened,
    DisputeResolved,
    WriteOff,
}

impl LedgerRow {
    fn of(event: LedgerEvent) -> Self {
        let row = |kind, document: &dyn ToString, amount| LedgerRow {
            kind,
            document: document.to_string(),
            amount,
            due: None,
        };
        match event {
            LedgerEvent::OrderPlaced { order, amount } => {
                row(LedgerKind::OrderPlaced, &order, Some(amount))
            }
            LedgerEvent::OrderCancelled { order, amount } => {
                row(LedgerKind::OrderCancelled, &order, Some(amount))
            }
            LedgerEvent::OrderShipped { order, amount } => {
                row(LedgerKind::OrderShipped, &order, Some(amount))
            }
            LedgerEvent::Invoice {
                invoice,
                due_date,
                amount,
                ..
            } => LedgerRow {
                due: Some(due_date.to_string()),
                ..row(LedgerKind::Invoice, &invoice, Some(amount))
            },
            LedgerEvent::Payment {
                payment, amount, ..
            } => row(LedgerKind::Payment, &payment, Some(amount)),
            LedgerEvent::CreditNote { note, amount, .. } => {
                row(LedgerKind::CreditNote, &note, Some(amount))
            }
            LedgerEvent::DisputeOpened {
                dispute, amount, ..
            } => row(LedgerKind::DisputeOpened, &dispute, Some(amount)),
            LedgerEvent::DisputeResolved { dispute } => {
                row(LedgerKind::DisputeResolved, &dispute, None)
            }
            LedgerEvent::WriteOff { invoice, amount } => {
                row(LedgerKind::WriteOff, &invoice, Some(amount))
            }
        }
    }
}

fn kind_label(kind: LedgerKind) -> impl IntoView {
    let i18n = use_i18n();
    move || match kind {
        LedgerKind::OrderPlaced => t_string!(i18n, ev_order_placed),
        LedgerKind::OrderCancelled => t_string!(i18n, ev_order_cancelled),
        LedgerKind::OrderShipped => t_string!(i18n, ev_order_shipped),
        LedgerKind::Invoice => t_string!(i18n, ev_invoice),
        LedgerKind::Payment => t_string!(i18n, ev_payment),
        LedgerKind::CreditNote => t_string!(i18n, ev_credit_note),
        LedgerKind::DisputeOpened => t_string!(i18n, ev_dispute_opened),
        LedgerKind::DisputeResolved => t_string!(i18n, ev_dispute_resolved),
        LedgerKind::WriteOff => t_string!(i18n, ev_write_off),
    }
}

#[component]
fn LedgerSection(lines: Vec<LedgerLine>) -> impl IntoView {
    let i18n = use_i18n();
    let total = lines.len();
    let show_all = RwSignal::new(false);
    let lines = StoredValue::new(lines);
    let rows = move || {
        let limit = if show_all.get() {
            usize::MAX
        } else {
            LEDGER_PREVIEW
        };
        lines.with_value(|lines| {
            lines
                .iter()
                .take(limit)
                .map(|line| {
                    let date = line.date.to_string();
                    let row = LedgerRow::of(line.event.clone());
                    view! {
                        <tr>
                            <td class="nowrap">{date}</td>
                            <td>{kind_label(row.kind)}</td>
                            <td class="mono">
                                {row.document}
                                {row.due.map(|date| view! {
                                    <span class="muted small block">{t!(i18n, due_on, date)}</span>
                                })}
                            </td>
                            <td class="num">{row.amount.map(|money| view! { <Amount money /> })}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <Section id="section-ledger" title=move || t_string!(i18n, ledger_title)>
            {if total == 0 {
                view! { <p class="muted">{t!(i18n, ledger_empty)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="table ledger" data-testid="ledger">
                            <thead>
                                <tr>
                                    <th scope="col">{t!(i18n, date)}</th>
                                    <th scope="col">{t!(i18n, kind)}</th>
                                    <th scope="col">{t!(i18n, document)}</th>
                                    <th scope="col" class="num">{t!(i18n, amount)}</th>
                                </tr>
                            </thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                    {(total > LEDGER_PREVIEW).then(|| view! {
                        <button
                            type="button"
                            class="button button-secondary"
                            hidden=move || show_all.get()
                            on:click=move |_| show_all.set(true)
                        >
                            {t!(i18n, show_all, count = total)}
                        </button>
                    })}
                }
                .into_any()
            }}
        </Section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Currency;

    #[test]
    fn points_read_with_their_sign() {
        assert_eq!(signed(Decimal::new(120, 1)), "+12");
        assert_eq!(signed(Decimal::new(-305, 1)), "−30.5");
        assert_eq!(signed(Decimal::ZERO), "0");
    }

    #[test]
    fn bar_widths_are_shares_of_the_total() {
        let cny = |n: i64| Money::new(Decimal::from(n), Currency::CNY);
        assert_eq!(share_of(cny(25), cny(100)), Decimal::from(25));
        assert_eq!(share_of(cny(1), cny(3)), Decimal::new(3333, 2));
        assert_eq!(share_of(cny(5), cny(0)), Decimal::ZERO);
        assert_eq!(share_of(cny(-5), cny(10)), Decimal::ZERO);
    }
}
