//! `/customers/:id/evidence` (risk and admin): what outside sources said about a customer —
//! lawsuits, enforcement-list hits, insolvency, abnormal-operation listings, negative news,
//! bureau ratings, or "checked, nothing found" — and its financial statements. Each is
//! recorded with `POST /v1/customers/{id}/signals` or `/financials`; the server recomputes
//! the credit file at once, so the score on the customer's page moves by the model's points.

use credence_shared::dto::CustomerSummary;
use credence_shared::watch::{
    NewSignal, NewStatement, RecordedSignal, RecordedStatement, SignalKind, SignalStatus,
};
use credence_shared::{Currency, CustomerId, Money};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{self, ApiError};
use crate::components::form::{
    FieldErrors, TextField, invalid_date, invalid_number, parse_date, parse_money, report, today,
};
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::wording::signal_word;
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

const KINDS: [SignalKind; 7] = [
    SignalKind::NothingFound,
    SignalKind::Lawsuit,
    SignalKind::EnforcementList,
    SignalKind::Insolvency,
    SignalKind::AbnormalOperation,
    SignalKind::NegativeNews,
    SignalKind::BureauRating,
];

fn kind_key(kind: SignalKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[component]
pub fn EvidencePage() -> impl IntoView {
    let session = use_session();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        credence_shared::customer::customer_id_of(&params.read().get("id").unwrap_or_default())
    });
    let customer = LocalResource::new(move || {
        let id = id.get();
        async move { api::customer(session, &id).await }
    });
    view! {
        <div class="page page-evidence">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match customer.await {
                        Ok(c) => view! { <Evidence id=id.get_untracked() customer=c /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error retry=move || customer.refetch() /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Evidence(id: CustomerId, customer: CustomerSummary) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let currency = customer.credit_limit.currency;
    let target = StoredValue::new(id.clone());
    let signals = LocalResource::new(move || {
        let id = target.get_value();
        async move { api::signals(session, &id).await }
    });
    let statements = LocalResource::new(move || {
        let id = target.get_value();
        async move { api::statements(session, &id).await }
    });
    view! {
        <h1 class="page-title">{t!(i18n, outside_title)}</h1>
        <p class="muted">
            <a href=format!("/customers/{id}") data-testid="evidence-back">{customer.name.clone()}</a>
            " · " {customer.number.clone()}
        </p>
        <section class="card section" data-testid="evidence-signals">
            <h2 class="section-title">{t!(i18n, outside_signals)}</h2>
            <SignalForm id=id.clone() currency on_saved=Callback::new(move |()| signals.refetch()) />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match signals.await {
                        Ok(list) => view! { <SignalList list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="card section" data-testid="evidence-statements">
            <h2 class="section-title">{t!(i18n, fin_title)}</h2>
            <StatementForm id currency on_saved=Callback::new(move |()| statements.refetch()) />
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match statements.await {
                        Ok(list) => view! { <StatementList list /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// A text field bound to `value`, with the server's message about `name` under it.
fn field(
    id: &'static str,
    name: &'static str,
    label: fn() -> &'static str,
    value: RwSignal<String>,
    fields: RwSignal<FieldErrors>,
    kind: &'static str,
) -> impl IntoView {
    view! {
        <TextField
            id
            label
            value
            kind
            on_input=Callback::new(move |v| value.set(v))
            message=Signal::derive(move || fields.with(|e| e.get(name)))
        />
    }
}

fn opt(s: RwSignal<String>) -> Option<String> {
    Some(s.get_untracked().trim().to_owned()).filter(|s| !s.is_empty())
}

#[component]
fn SignalForm(id: CustomerId, currency: Currency, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let kind = RwSignal::new(SignalKind::NothingFound);
    let date = RwSignal::new(today().to_string());
    let source = RwSignal::new(String::new());
    let case = RwSignal::new(String::new());
    let court = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let agency = RwSignal::new(String::new());
    let class = RwSignal::new(String::new());
    let summary = RwSignal::new(String::new());
    let closed = RwSignal::new(false);
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let target = StoredValue::new(id);
    let save = Action::new_local(move |body: &NewSignal| {
        let body = body.clone();
        async move {
            match api::add_signal(session, &target.get_value(), &body).await {
                Ok(()) => {
                    saved.set(true);
                    for s in [case, court, amount, agency, class, summary] {
                        s.set(String::new());
                    }
                    on_saved.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let busy = save.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        saved.set(false);
        let mut errors = Vec::new();
        let on = parse_date(date.get_untracked().trim());
        if on.is_none() {
            errors.push(invalid_date("date"));
        }
        let money = match parse_money(&amount.get_untracked()) {
            Ok(a) => a.map(|a| Money::new(a, currency)),
            Err(_) => {
                errors.push(invalid_number("amount"));
                None
            }
        };
        let grade = opt(class).map(|c| c.parse::<u8>());
        if matches!(grade, Some(Err(_))) {
            errors.push(invalid_number("class"));
        }
        let (Some(on), true) = (on, errors.is_empty()) else {
            fields.set(FieldErrors(errors));
            return;
        };
        fields.set(FieldErrors::default());
        let stamp = js_sys::Date::now() as u64;
        save.dispatch_local(NewSignal {
            idempotency_key: format!("ui:{stamp}"),
            kind: kind.get_untracked(),
            date: on,
            source: source.get_untracked(),
            summary: summary.get_untracked(),
            case_number: opt(case),
            court: opt(court),
            amount: money,
            status: if closed.get_untracked() {
                SignalStatus::Closed
            } else {
                SignalStatus::Open
            },
            checked_on: None,
            agency: opt(agency),
            class: grade.and_then(Result::ok),
        });
    };
    let is = move |k: &'static [SignalKind]| move || k.contains(&kind.get());
    view! {
        <form class="form evidence-form" data-testid="signal-form" on:submit=on_submit novalidate>
            <div class="field">
                <label for="signal-kind">{t!(i18n, sig_kind)}</label>
                <select id="signal-kind" data-testid="signal-kind"
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        if let Some(k) = KINDS.iter().find(|k| kind_key(**k) == v) {
                            kind.set(*k);
                        }
                    }>
                    {KINDS.iter().map(|k| {
                        let k = *k;
                        view! { <option value=kind_key(k) selected=move || kind.get() == k>{move || signal_word(i18n.get_locale(), k)}</option> }
                    }).collect_view()}
                </select>
            </div>
            {field("signal-date", "date", || t_string!(use_i18n(), sig_date), date, fields, "date")}
            {field("signal-source", "source", || t_string!(use_i18n(), sig_source), source, fields, "text")}
            <Show when=is(&[SignalKind::Lawsuit, SignalKind::EnforcementList, SignalKind::Insolvency, SignalKind::AbnormalOperation, SignalKind::NegativeNews])>
                {field("signal-case", "case_number", || t_string!(use_i18n(), sig_case), case, fields, "text")}
            </Show>
            <Show when=is(&[SignalKind::Lawsuit, SignalKind::EnforcementList])>
                {field("signal-court", "court", || t_string!(use_i18n(), sig_court), court, fields, "text")}
                {field("signal-amount", "amount", || t_string!(use_i18n(), sig_amount), amount, fields, "text")}
            </Show>
            <Show when=is(&[SignalKind::BureauRating])>
                {field("signal-agency", "agency", || t_string!(use_i18n(), sig_agency), agency, fields, "text")}
                {field("signal-class", "class", || t_string!(use_i18n(), sig_class), class, fields, "text")}
            </Show>
            <Show when=move || kind.get() != SignalKind::NothingFound>
                {field("signal-summary", "summary", || t_string!(use_i18n(), sig_summary), summary, fields, "text")}
                <label class="check">
                    <input type="checkbox" data-testid="signal-closed" prop:checked=move || closed.get()
                        on:change=move |ev| closed.set(event_target_checked(&ev)) />
                    {t!(i18n, sig_closed)}
                </label>
            </Show>
            {move || failure.get().filter(|_| fields.with(FieldErrors::is_empty)).map(|error| view! { <ErrorNotice error /> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status" data-testid="signal-saved">{t!(i18n, outside_saved)}</p> })}
            <button type="submit" class="button button-primary" data-testid="signal-save" disabled=move || busy.get()>
                {t!(i18n, sig_record)}
            </button>
        </form>
    }
}

#[component]
fn SignalList(list: Vec<RecordedSignal>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted" data-testid="signal-none">{t!(i18n, outside_none)}</p> }
            .into_any();
    }
    view! {
        <ul class="evidence-list" data-testid="signal-list">
            {list.into_iter().map(|r| {
                let s = r.signal;
                let closed = s.status == SignalStatus::Closed;
                let rating = s.agency.clone().zip(s.class).map(|(a, c)| format!("{a} · {c}"));
                view! {
                    <li data-kind=kind_key(s.kind)>
                        <strong>{move || signal_word(i18n.get_locale(), s.kind)}</strong>
                        " " <span class="mono">{s.date.to_string()}</span>
                        " · " {s.source.clone()}
                        {s.case_number.clone().map(|c| view! { " · " <span class="mono">{c}</span> })}
                        {s.court.clone().map(|c| view! { " · " {c} })}
                        {s.amount.map(|a| view! { " · " <span class="mono">{crate::components::money::format_money(&a)}</span> })}
                        {rating.map(|r| view! { " · " {r} })}
                        {closed.then(|| view! { " " <span class="badge badge-neutral">{t!(i18n, sig_closed_badge)}</span> })}
                        {(!s.summary.is_empty()).then(|| view! { <p class="small">{s.summary.clone()}</p> })}
                        <p class="muted small">{r.recorded_by.clone()}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The statement lines of the form, in the order a balance sheet reads.
#[derive(Clone, Copy)]
struct Lines {
    revenue: RwSignal<String>,
    net_profit: RwSignal<String>,
    total_assets: RwSignal<String>,
    current_assets: RwSignal<String>,
    current_liabilities: RwSignal<String>,
    total_liabilities: RwSignal<String>,
    retained_earnings: RwSignal<String>,
    ebit: RwSignal<String>,
    equity: RwSignal<String>,
}

#[component]
fn StatementForm(id: CustomerId, currency: Currency, on_saved: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let period = RwSignal::new(String::new());
    let new = || RwSignal::new(String::new());
    let l = Lines {
        revenue: new(),
        net_profit: new(),
        total_assets: new(),
        current_assets: new(),
        current_liabilities: new(),
        total_liabilities: new(),
        retained_earnings: new(),
        ebit: new(),
        equity: new(),
    };
    let fields = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let target = StoredValue::new(id);
    let save = Action::new_local(move |body: &NewStatement| {
        let body = body.clone();
        async move {
            match api::add_statement(session, &target.get_value(), &body).await {
                Ok(()) => {
                    saved.set(true);
                    on_saved.run(());
                }
                Err(error) => report(error, fields, failure),
            }
        }
    });
    let busy = save.pending();
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        failure.set(None);
        saved.set(false);
        let mut errors = Vec::new();
        let mut number = |name: &'static str, s: RwSignal<String>, required: bool| match parse_money(
            &s.get_untracked(),
        ) {
            Ok(Some(v)) => Some(v),
            Ok(None) if !required => None,
            _ => {
                errors.push(invalid_number(name));
                None
            }
        };
        let revenue = number("revenue", l.revenue, false);
        let net_profit = number("net_profit", l.net_profit, false);
        let lines = [
            number("total_assets", l.total_assets, true),
            number("current_assets", l.current_assets, true),
            number("current_liabilities", l.current_liabilities, true),
            number("total_liabilities", l.total_liabilities, true),
            number("retained_earnings", l.retained_earnings, true),
            number("ebit", l.ebit, true),
            number("equity", l.equity, true),
        ];
        let period_end = parse_date(period.get_untracked().trim());
        if period_end.is_none() {
            errors.push(invalid_date("period_end"));
        }
        let (
            Some(period_end),
            [
                Some(ta),
                Some(ca),
                Some(cl),
                Some(tl),
                Some(re),
                Some(ebit),
                Some(eq),
            ],
            true,
        ) = (period_end, lines, errors.is_empty())
        else {
            fields.set(FieldErrors(errors));
            return;
        };
        fields.set(FieldErrors::default());
        save.dispatch_local(NewStatement {
            period_end,
            currency,
            revenue,
            net_profit,
            total_assets: ta,
            current_assets: ca,
            current_liabilities: cl,
            total_liabilities: tl,
            retained_earnings: re,
            ebit,
            equity: eq,
        });
    };
    view! {
        <form class="form evidence-form" data-testid="statement-form" on:submit=on_submit novalidate>
            {field("fin-period", "period_end", || t_string!(use_i18n(), fin_period_end), period, fields, "date")}
            <p class="muted small">{t!(i18n, fin_currency_hint)} " " {currency.to_string()}</p>
            {field("fin-revenue", "revenue", || t_string!(use_i18n(), fin_revenue), l.revenue, fields, "text")}
            {field("fin-net-profit", "net_profit", || t_string!(use_i18n(), fin_net_profit), l.net_profit, fields, "text")}
            {field("fin-total-assets", "total_assets", || t_string!(use_i18n(), fin_total_assets), l.total_assets, fields, "text")}
            {field("fin-current-assets", "current_assets", || t_string!(use_i18n(), fin_current_assets), l.current_assets, fields, "text")}
            {field("fin-current-liabilities", "current_liabilities", || t_string!(use_i18n(), fin_current_liabilities), l.current_liabilities, fields, "text")}
            {field("fin-total-liabilities", "total_liabilities", || t_string!(use_i18n(), fin_total_liabilities), l.total_liabilities, fields, "text")}
            {field("fin-retained", "retained_earnings", || t_string!(use_i18n(), fin_retained_earnings), l.retained_earnings, fields, "text")}
            {field("fin-ebit", "ebit", || t_string!(use_i18n(), fin_ebit), l.ebit, fields, "text")}
            {field("fin-equity", "equity", || t_string!(use_i18n(), fin_equity), l.equity, fields, "text")}
            {move || failure.get().filter(|_| fields.with(FieldErrors::is_empty)).map(|error| view! { <ErrorNotice error /> })}
            {move || saved.get().then(|| view! { <p class="notice" role="status" data-testid="statement-saved">{t!(i18n, outside_saved)}</p> })}
            <button type="submit" class="button button-primary" data-testid="statement-save" disabled=move || busy.get()>
                {t!(i18n, fin_record)}
            </button>
        </form>
    }
}

#[component]
fn StatementList(list: Vec<RecordedStatement>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="muted" data-testid="statement-none">{t!(i18n, outside_none)}</p> }
            .into_any();
    }
    view! {
        <div class="table-scroll">
            <table class="table" data-testid="statement-list">
                <thead><tr>
                    <th>{t!(i18n, fin_period_end)}</th>
                    <th class="num">{t!(i18n, fin_total_assets)}</th>
                    <th class="num">{t!(i18n, fin_total_liabilities)}</th>
                    <th class="num">{t!(i18n, fin_equity)}</th>
                    <th class="num">{t!(i18n, fin_ebit)}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|r| {
                        let s = r.statement;
                        view! {
                            <tr>
                                <td class="mono">{s.period_end.to_string()}</td>
                                <td class="num mono">{s.total_assets.to_string()}</td>
                                <td class="num mono">{s.total_liabilities.to_string()}</td>
                                <td class="num mono">{s.equity.to_string()}</td>
                                <td class="num mono">{s.ebit.to_string()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
