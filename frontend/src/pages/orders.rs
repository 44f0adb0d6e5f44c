//! The blocked-order desk, `/orders` (risk, finance, approvers, admin): the orders the
//! credit check stopped, oldest first, each with its customer, amount, what blocked it in
//! words, how long it has waited and whether it is past the approval matrix's service
//! level. Filter and sort; one tap to the customer's file. Releasing (the whole order, a
//! part, or on a prepayment) or rejecting files a request through the approval matrix:
//! the person who files never approves it, so a second person decides.

use credence_shared::CustomerId;
use credence_shared::engine::quantity::Share;
use credence_shared::orders::BlockedOrderRow;
use credence_shared::workflow::{Change, NewRequest, validate_justification};
use credence_shared::{Money, dto::FieldError};
use leptos::prelude::*;
use rust_decimal::Decimal;

use crate::api;
use crate::components::form::{
    FieldErrors, TextField, local_datetime, parse_money, required, today, word,
};
use crate::components::money::{Amount, format_money};
use crate::components::notice::{ErrorNotice, Loading};
use crate::components::orders::{OrderFindings, OrderStatusBadge};
use crate::i18n::{t, t_string, use_i18n};
use crate::session::use_session;

/// How the desk orders its rows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sort {
    Oldest,
    Largest,
    PastDue,
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let rows: RwSignal<Vec<BlockedOrderRow>> = RwSignal::new(Vec::new());
    let cursor: RwSignal<Option<String>> = RwSignal::new(None);
    let loaded = RwSignal::new(false);
    let failure = RwSignal::new(None::<api::ApiError>);
    let filter = RwSignal::new(String::new());
    let sort = RwSignal::new(Sort::Oldest);
    let load = move |next: Option<String>| {
        leptos::task::spawn_local(async move {
            match api::blocked_orders(session, next).await {
                Ok(page) => {
                    rows.update(|r| r.extend(page.items));
                    cursor.set(page.next_cursor);
                    failure.set(None);
                }
                Err(e) => failure.set(Some(e)),
            }
            loaded.set(true);
        });
    };
    load(None);
    let shown = Memo::new(move |_| {
        let needle = filter.get().trim().to_lowercase();
        let mut list: Vec<BlockedOrderRow> = rows.with(|r| {
            r.iter()
                .filter(|row| {
                    needle.is_empty()
                        || row.order.customer_name.to_lowercase().contains(&needle)
                        || row.order.order.to_lowercase().contains(&needle)
                        || row.order.customer_number.to_lowercase().contains(&needle)
                })
                .cloned()
                .collect()
        });
        match sort.get() {
            Sort::Oldest => {}
            Sort::Largest => list.sort_by_key(|r| std::cmp::Reverse(r.order.amount.amount)),
            Sort::PastDue => list.sort_by_key(|r| (!r.past_due, r.due_at)),
        }
        list
    });

    view! {
        <div class="page page-orders">
            <h1 class="page-title">{t!(i18n, orders_title)}</h1>
            <p class="muted">{t!(i18n, orders_lede)}</p>
            <div class="card orders-tools">
                <div class="field">
                    <label for="orders-filter">{t!(i18n, orders_filter)}</label>
                    <input id="orders-filter" data-testid="orders-filter" type="search" autocomplete="off"
                        prop:value=move || filter.get()
                        on:input=move |e| filter.set(event_target_value(&e)) />
                </div>
                <div class="field">
                    <label for="orders-sort">{t!(i18n, orders_sort)}</label>
                    <select id="orders-sort" data-testid="orders-sort" on:change=move |e| {
                        sort.set(match event_target_value(&e).as_str() {
                            "largest" => Sort::Largest,
                            "past_due" => Sort::PastDue,
                            _ => Sort::Oldest,
                        });
                    }>
                        <option value="oldest">{t!(i18n, orders_sort_oldest)}</option>
                        <option value="largest">{t!(i18n, orders_sort_largest)}</option>
                        <option value="past_due">{t!(i18n, orders_sort_past_due)}</option>
                    </select>
                </div>
            </div>
            {move || failure.get().map(|error| view! {
                <ErrorNotice error retry=move || { rows.set(Vec::new()); load(None) } />
            })}
            <Show when=move || loaded.get() fallback=|| view! { <Loading /> }>
                <Show when=move || !shown.with(Vec::is_empty)
                    fallback=move || view! { <p class="card muted" data-testid="orders-empty">{t!(i18n, orders_empty)}</p> }>
                    <ul class="results order-desk" data-testid="order-desk">
                        <For each=move || shown.get()
                            key=|row| (row.order.customer_id.clone(), row.order.idempotency_key.clone())
                            let:row>
                            <DeskRow row />
                        </For>
                    </ul>
                </Show>
                {move || cursor.get().map(|next| view! {
                    <button type="button" class="button button-ghost" data-testid="orders-more"
                        on:click=move |_| { cursor.set(None); load(Some(next.clone())) }>
                        {t!(i18n, load_more)}
                    </button>
                })}
            </Show>
        </div>
    }
}

/// What the person at the desk is doing with a row.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Deciding {
    Nothing,
    Release,
    Reject,
}

#[component]
fn DeskRow(row: BlockedOrderRow) -> impl IntoView {
    let i18n = use_i18n();
    let order = row.order.clone();
    let href = format!("/customers/{}", order.customer_id);
    let deciding = RwSignal::new(Deciding::Nothing);
    let filed: RwSignal<Option<String>> = RwSignal::new(None);
    let age = row.age_days;
    let due = row.due_at.map(local_datetime);
    let customer = order.customer_id.clone();
    view! {
        <li class="card order-row" data-testid="order-row" data-order=order.order.clone()>
            <div class="card-head">
                <div class="names">
                    <a class="name" href=href data-testid="order-customer"><h3>{order.customer_name.clone()}</h3></a>
                    <p class="number muted">{order.customer_number.clone()} " · " <span class="mono">{order.order.clone()}</span></p>
                </div>
                <Amount money=order.amount />
            </div>
            <OrderFindings order=order.clone() />
            <div class="card-foot">
                <OrderStatusBadge status=order.status />
                <span class="badge badge-neutral" data-testid="order-age">{t!(i18n, order_age_days, days = age)}</span>
                {row.past_due.then(|| view! { <span class="badge badge-danger" data-testid="order-past-due">{t!(i18n, order_past_sla)}</span> })}
                {due.filter(|_| !row.past_due).map(|at| view! { <span class="muted small">{t!(i18n, order_due_by, at)}</span> })}
            </div>
            {move || match filed.get() {
                Some(rid) => view! {
                    <p class="notice notice-ok" role="status" data-testid="order-filed">
                        {t!(i18n, order_filed)} " "
                        <a href=format!("/customers/{}/requests/{rid}", customer)>{t!(i18n, order_open_request)}</a>
                    </p>
                }.into_any(),
                None => match deciding.get() {
                    Deciding::Nothing => view! {
                        <div class="actions">
                            <button type="button" class="button button-primary" data-testid="order-release"
                                on:click=move |_| deciding.set(Deciding::Release)>{t!(i18n, order_release)}</button>
                            <button type="button" class="button button-ghost" data-testid="order-reject"
                                on:click=move |_| deciding.set(Deciding::Reject)>{t!(i18n, order_reject)}</button>
                        </div>
                    }.into_any(),
                    how => view! { <DecideForm row=row.clone() how deciding filed /> }.into_any(),
                },
            }}
        </li>
    }
}

/// A share typed as a percentage (`30`, `30%`, `12.5`): `None` when empty.
fn parse_percent(text: &str) -> Result<Option<Share>, ()> {
    let text = text.trim().trim_end_matches(['%', '％']).trim();
    if text.is_empty() {
        return Ok(None);
    }
    let value: Decimal = text.parse().map_err(|_| ())?;
    Share::new(value / Decimal::ONE_HUNDRED)
        .map(Some)
        .map_err(|_| ())
}

#[component]
fn DecideForm(
    row: BlockedOrderRow,
    how: Deciding,
    deciding: RwSignal<Deciding>,
    filed: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let order = row.order;
    let whole = format_money(&order.amount);
    let currency = order.amount.currency;
    let ship = RwSignal::new(String::new());
    let prepayment = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<api::ApiError>);
    let busy = RwSignal::new(false);
    let id = StoredValue::new(CustomerId::parse(&order.customer_id).ok());
    let key = order.idempotency_key.clone();
    let message = move |field: &'static str| {
        Signal::derive(move || {
            errors.with(|e| {
                e.0.iter()
                    .find(|f| crate::components::form::names_field(&f.field, field))
                    .map(word)
            })
        })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut found: Vec<FieldError> = Vec::new();
        let change = if how == Deciding::Release {
            let ship = match parse_money(&ship.get_untracked()) {
                Ok(amount) => amount.map(|a| Money::new(a, currency)),
                Err(e) => {
                    found.push(e.to_field_error("change.ship.amount"));
                    None
                }
            };
            let prepayment = parse_percent(&prepayment.get_untracked()).unwrap_or_else(|()| {
                found.push(FieldError::new(
                    "change.prepayment",
                    credence_shared::messages::code::SHARE_RANGE,
                    "a share between 0 and 100%",
                ));
                None
            });
            Change::BlockedOrderRelease {
                order_key: key.clone(),
                ship,
                prepayment,
            }
        } else {
            Change::BlockedOrderReject {
                order_key: key.clone(),
            }
        };
        let justification = reason.get_untracked().trim().to_owned();
        if justification.is_empty() {
            found.push(required("justification"));
        } else if let Err(more) = validate_justification("justification", &justification) {
            found.extend(more);
        }
        if let Err(more) = change.validate(today()) {
            found.extend(more);
        }
        if !found.is_empty() {
            errors.set(FieldErrors(found));
            return;
        }
        errors.set(FieldErrors::default());
        let Some(id) = id.get_value() else { return };
        busy.set(true);
        leptos::task::spawn_local(async move {
            let body = NewRequest {
                change,
                justification,
                idempotency_key: None,
            };
            match api::file_request(session, &id, &body).await {
                Ok(request) => filed.set(Some(request.id)),
                Err(error) => crate::components::form::report(error, errors, failure),
            }
            busy.set(false);
        });
    };
    let shown = ["change.ship", "change.prepayment", "justification"];
    view! {
        <form class="form order-decide" data-testid="order-decide" on:submit=submit novalidate>
            {(how == Deciding::Release).then(|| view! {
                <TextField id="order-ship" label=move || t!(i18n, order_ship_amount)
                    inputmode="decimal" autocomplete="off"
                    hint=Some(ViewFn::from({
                        let amount = whole.clone();
                        move || t!(i18n, order_ship_hint, amount = amount.clone())
                    }))
                    value=ship on_input=Callback::new(move |v| ship.set(v))
                    message=message("change.ship") />
                <TextField id="order-prepayment" label=move || t!(i18n, order_prepayment)
                    inputmode="decimal" autocomplete="off"
                    hint=Some(ViewFn::from(move || t!(i18n, order_prepayment_hint)))
                    value=prepayment on_input=Callback::new(move |v| prepayment.set(v))
                    message=message("change.prepayment") />
            })}
            <TextField id="order-reason" label=move || t!(i18n, order_reason) rows=3
                value=reason on_input=Callback::new(move |v| reason.set(v))
                message=message("justification") />
            {move || errors.with(|e| e.others(&shown)).into_iter().map(|f| view! {
                <p class="field-error" role="alert">{word(&f)}</p>
            }).collect_view()}
            {move || failure.get().map(|error| view! { <ErrorNotice error /> })}
            <div class="actions">
                <button type="submit" class="button button-primary" data-testid="order-submit" disabled=move || busy.get()>
                    {move || if how == Deciding::Release {
                        t_string!(i18n, order_submit_release)
                    } else {
                        t_string!(i18n, order_submit_reject)
                    }}
                </button>
                <button type="button" class="button button-ghost" on:click=move |_| deciding.set(Deciding::Nothing)>
                    {t!(i18n, cancel)}
                </button>
            </div>
        </form>
    }
}
