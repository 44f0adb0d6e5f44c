//! The ledger section (finance roles): orders, invoices, payments, credit notes, disputes and
//! write-offs as the file lists them, the first few until "Show all".

use credence_shared::Money;
use credence_shared::credit::LedgerLine;
use credence_shared::engine::LedgerEvent;
use leptos::prelude::*;

use crate::components::money::Amount;
use crate::i18n::{t, t_string, use_i18n};

use super::Section;

/// Ledger lines shown before "Show all".
const LEDGER_PREVIEW: usize = 20;

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
pub(super) fn LedgerSection(
    lines: Vec<LedgerLine>,
    /// The server sent only the newest lines.
    truncated: bool,
) -> impl IntoView {
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
                    {truncated.then(|| view! {
                        <p class="muted small" data-testid="ledger-truncated">
                            {t!(i18n, ledger_truncated, count = total)}
                        </p>
                    })}
                }
                .into_any()
            }}
        </Section>
    }
}
