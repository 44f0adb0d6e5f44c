//! Rows of the other kinds of file, read into what the API takes: an open item or a ledger
//! row into a ledger event ([`IncomingEvent`]), an exchange-rate row into a rate, a signal
//! row into a signal. Each gets an idempotency key derived from the file's own document
//! numbers ([`import_key`]), so the same file imported twice changes nothing and a corrected
//! row is a new fact only when its document is new.
//!
//! How a ledger row reads as people's exports write them:
//! - the type column in Chinese or English (`发票`, `收款`, `红字发票`, `invoice`, `payment`,
//!   …, see [`LedgerType::parse`]);
//! - amounts are taken by their size: a payment, credit note or write-off exported as a
//!   negative number is the same payment; a negative invoice is a credit note (红字发票)
//!   against the invoice in `applies_to`, if any;
//! - `applies_to` is the order an invoice bills, the invoice a payment settles (the whole
//!   payment row), a credit note reduces, a dispute is about or a write-off gives up on; a
//!   shipment or cancellation without it is of the order in `document`. A receipt split over
//!   several invoices comes as one row per invoice: each becomes its own payment, numbered
//!   `{receipt}/{invoice}`.

use super::cells::{self, DayOrder};
use super::rows::{ReadOptions, Reader, RowCells, RowIssue};
use crate::credit::{FxRateRequest, IncomingEvent, valid_idempotency_key};
use crate::customer::{check_number, customer_id_of};
use crate::engine::{Allocation, CreditReason, DocRef, LedgerEvent};
use crate::messages::code;
use crate::watch::{NewSignal, SignalKind, SignalStatus};
use crate::{Currency, CustomerId, Money};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};
use time::Date;

/// The idempotency key of an imported fact: `imp:{kind}:{customer id}:{document}`, the
/// document written as a digest when it is not made of key characters or is long. The same
/// document of the same customer always gets the same key, whichever file it came in.
pub fn import_key(kind: &str, customer: &CustomerId, document: &str) -> String {
    let plain = format!("imp:{kind}:{customer}:{document}");
    if plain.len() <= 128 && valid_idempotency_key(&plain) {
        return plain;
    }
    let digest = Sha256::digest(document.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("imp:{kind}:{customer}::{hex}")
}

/// What a ledger row's type column says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerType {
    Order,
    Cancellation,
    Shipment,
    Invoice,
    Payment,
    CreditNote(CreditReason),
    Dispute,
    DisputeResolved,
    WriteOff,
}

impl LedgerType {
    /// The type as ERPs and people write it, in Chinese or English (case, spaces and
    /// punctuation aside).
    pub fn parse(raw: &str) -> Option<LedgerType> {
        let t: String = cells::half_width(raw)
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        let of = |names: &[&str]| names.contains(&t.as_str());
        Some(if of(&["订单", "销售订单", "order", "salesorder", "so"]) {
            LedgerType::Order
        } else if of(&[
            "取消",
            "取消订单",
            "订单取消",
            "cancel",
            "cancellation",
            "ordercancelled",
            "cancelled",
        ]) {
            LedgerType::Cancellation
        } else if of(&[
            "发货",
            "出库",
            "发货单",
            "销售出库",
            "shipment",
            "delivery",
            "shipped",
            "ship",
        ]) {
            LedgerType::Shipment
        } else if of(&[
            "发票",
            "销售发票",
            "开票",
            "应收单",
            "蓝字发票",
            "invoice",
            "inv",
            "bill",
        ]) {
            LedgerType::Invoice
        } else if of(&[
            "收款",
            "回款",
            "收款单",
            "到账",
            "payment",
            "receipt",
            "pmt",
            "cash",
            "pay",
        ]) {
            LedgerType::Payment
        } else if of(&["退货", "销售退货", "return", "returns"]) {
            LedgerType::CreditNote(CreditReason::Return)
        } else if of(&["折让", "销售折让", "priceadjustment", "discount", "rebate"]) {
            LedgerType::CreditNote(CreditReason::PriceAdjustment)
        } else if of(&[
            "红字发票",
            "贷项",
            "贷项通知单",
            "红冲",
            "creditnote",
            "credit",
            "cn",
            "creditmemo",
        ]) {
            LedgerType::CreditNote(CreditReason::Other)
        } else if of(&["争议", "异议", "dispute", "disputeopened"]) {
            LedgerType::Dispute
        } else if of(&[
            "争议解决",
            "争议关闭",
            "异议解决",
            "disputeresolved",
            "resolved",
            "disputeclosed",
        ]) {
            LedgerType::DisputeResolved
        } else if of(&[
            "坏账",
            "坏账核销",
            "核销坏账",
            "注销",
            "writeoff",
            "baddebt",
            "writtenoff",
        ]) {
            LedgerType::WriteOff
        } else {
            return None;
        })
    }

    /// The short name in the idempotency key.
    fn key(self) -> &'static str {
        match self {
            LedgerType::Order => "ord",
            LedgerType::Cancellation => "can",
            LedgerType::Shipment => "shp",
            LedgerType::Invoice => "inv",
            LedgerType::Payment => "pay",
            LedgerType::CreditNote(_) => "cn",
            LedgerType::Dispute => "dsp",
            LedgerType::DisputeResolved => "dsr",
            LedgerType::WriteOff => "wo",
        }
    }
}

mod outcome;
pub use outcome::outcome_row;

/// One row of a file, read into what the API takes.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportRow {
    Customer(Box<super::rows::CustomerRow>),
    Event(Box<IncomingEvent>),
    Rate(FxRateRequest),
    Signal {
        customer: String,
        signal: NewSignal,
    },
    /// A customer's outcome on a day, for the scoring lab.
    Outcome {
        customer: String,
        outcome: crate::lab::ImportedOutcome,
    },
}

impl ImportRow {
    /// The key that makes the row unique within a file: two rows with the same key are the
    /// same fact twice.
    pub fn identity(&self) -> String {
        match self {
            ImportRow::Customer(c) => format!("customer:{}", c.master.number),
            ImportRow::Event(e) => e.idempotency_key.clone(),
            ImportRow::Rate(r) => format!("rate:{}:{}:{}", r.from, r.to, r.date),
            ImportRow::Signal { signal, .. } => signal.idempotency_key.clone(),
            ImportRow::Outcome { customer, outcome } => {
                format!("outcome:{customer}:{}", outcome.date)
            }
        }
    }
}

/// Reads a row of a file of `kind`.
pub fn read_row(
    kind: super::columns::ImportKind,
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<ImportRow, Vec<RowIssue>> {
    use super::columns::ImportKind;
    match kind {
        ImportKind::Customers => super::rows::customer_row(mapping, cells, options)
            .map(|c| ImportRow::Customer(Box::new(c))),
        ImportKind::OpenItems => {
            open_item_row(mapping, cells, options).map(|e| ImportRow::Event(Box::new(e)))
        }
        ImportKind::Ledger => {
            ledger_row(mapping, cells, options).map(|e| ImportRow::Event(Box::new(e)))
        }
        ImportKind::ExchangeRates => fx_row(mapping, cells, options).map(ImportRow::Rate),
        ImportKind::Signals => signal_row(mapping, cells, options)
            .map(|(customer, signal)| ImportRow::Signal { customer, signal }),
        ImportKind::Outcomes => outcome_row(mapping, cells, options)
            .map(|(customer, outcome)| ImportRow::Outcome { customer, outcome }),
    }
}

/// The customer number of the row, checked like the master's.
fn customer(r: &mut Reader<'_>) -> Option<String> {
    let number = r.text("customer");
    match number {
        None => {
            r.issue("customer", code::REQUIRED, "the customer number is empty");
            None
        }
        Some(n) => match check_number(&n) {
            Ok(()) => Some(n),
            Err(e) => {
                r.issue("customer", &e.code, e.message);
                None
            }
        },
    }
}

fn document(r: &mut Reader<'_>, field: &str) -> Option<DocRef> {
    let raw = r.text(field)?;
    match DocRef::parse(&raw) {
        Ok(d) => Some(d),
        Err(e) => {
            r.issue(field, code::TEXT_LENGTH, e.to_string());
            None
        }
    }
}

fn required_document(r: &mut Reader<'_>, field: &str, what: &str) -> Option<DocRef> {
    let d = document(r, field);
    if d.is_none() && !r.issues.iter().any(|i| i.field == field) {
        r.issue(field, code::REQUIRED, format!("{what} is empty"));
    }
    d
}

/// The row's required `date`, which must not be after today (`future` says why).
fn past_date(r: &mut Reader<'_>, options: &ReadOptions, future: &str) -> Option<Date> {
    let day = date(r, "date", options.day_order, true);
    if let Some(d) = day
        && d > options.today
    {
        r.issue("date", code::DATE_FUTURE, future);
    }
    day
}

fn date(r: &mut Reader<'_>, field: &str, order: DayOrder, required: bool) -> Option<Date> {
    let d = r.cell(field, |s| cells::date(s, order));
    if d.is_none() && required && !r.issues.iter().any(|i| i.field == field) {
        r.issue(field, code::REQUIRED, "the date is empty");
    }
    d
}

fn amount(r: &mut Reader<'_>, field: &str) -> Option<Decimal> {
    let a = r.cell(field, cells::amount);
    if a.is_none() && !r.issues.iter().any(|i| i.field == field) {
        r.issue(field, code::REQUIRED, "the amount is empty");
    }
    a
}

fn currency(r: &mut Reader<'_>, options: &ReadOptions) -> Currency {
    r.cell("currency", cells::currency)
        .unwrap_or(options.currency)
}

/// The event's own bounds (dates in the window, amounts in range), named by column.
fn bounded(
    r: &mut Reader<'_>,
    event: IncomingEvent,
    date_field: &str,
    today: Date,
) -> Option<IncomingEvent> {
    match event.check_bounds(today) {
        Ok(()) => Some(event),
        Err(e) => {
            let field = if e.field == "date" {
                date_field
            } else if e.field.contains("due_date") {
                "due"
            } else {
                "amount"
            };
            r.issue(field, &e.code, e.message);
            None
        }
    }
}

fn finish<T>(mut r: Reader<'_>, value: Option<T>) -> Result<T, Vec<RowIssue>> {
    r.sort();
    match value {
        Some(v) if r.issues.is_empty() => Ok(v),
        _ => Err(r.issues),
    }
}

/// An open item as of the cut-over: an invoice for what is still open on it (a part paid
/// before the cut-over is history Credence does not need to score from the cut-over on).
pub fn open_item_row(
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<IncomingEvent, Vec<RowIssue>> {
    let mut r = Reader::new(mapping, cells);
    let number = customer(&mut r);
    let invoice = required_document(&mut r, "invoice", "the invoice number");
    let issued = date(&mut r, "issued", options.day_order, true);
    let due = date(&mut r, "due", options.day_order, true);
    let open = amount(&mut r, "amount");
    let currency = currency(&mut r, options);
    if let Some(a) = open
        && a <= Decimal::ZERO
    {
        r.issue(
            "amount",
            code::NUMBER_NOT_POSITIVE,
            "an open item is more than zero; leave settled invoices out",
        );
    }
    if let (Some(i), Some(d)) = (issued, due)
        && d < i
    {
        r.issue("due", code::DATE_ORDER, "due before it was issued");
    }
    let event = match (number, invoice, issued, due, open) {
        (Some(number), Some(invoice), Some(issued), Some(due), Some(open))
            if r.issues.is_empty() =>
        {
            let key = import_key("inv", &customer_id_of(&number), invoice.as_str());
            let event = IncomingEvent {
                idempotency_key: key,
                customer_id: number,
                date: issued,
                event: LedgerEvent::Invoice {
                    invoice,
                    order: None,
                    due_date: due,
                    amount: Money::new(open, currency),
                },
            };
            bounded(&mut r, event, "issued", options.today)
        }
        _ => None,
    };
    finish(r, event)
}

/// A row of a ledger history: an order, shipment, cancellation, invoice, payment, credit
/// note, dispute, dispute resolution or write-off (see the module's notes).
pub fn ledger_row(
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<IncomingEvent, Vec<RowIssue>> {
    let mut r = Reader::new(mapping, cells);
    let number = customer(&mut r);
    let kind = match r.text("type") {
        None => {
            r.issue("type", code::REQUIRED, "the type is empty");
            None
        }
        Some(t) => LedgerType::parse(&t).or_else(|| {
            r.issue(
                "type",
                code::NOT_ALLOWED,
                "order, shipment, cancellation, invoice, payment, credit note, return, dispute, dispute resolved or write-off (订单, 发货, 取消, 发票, 收款, 红字发票, 退货, 争议, 争议解决, 坏账)",
            );
            None
        }),
    };
    let doc = required_document(&mut r, "document", "the document number");
    let day = date(&mut r, "date", options.day_order, true);
    let due = date(&mut r, "due", options.day_order, false);
    let applies_to = document(&mut r, "applies_to");
    let raw_amount = if kind == Some(LedgerType::DisputeResolved) {
        r.cell("amount", cells::amount).or(Some(Decimal::ZERO))
    } else {
        amount(&mut r, "amount")
    };
    let currency = currency(&mut r, options);
    // A negative invoice is a credit note (红字发票); other kinds are read by their size.
    let (kind, size) = match (kind, raw_amount) {
        (Some(LedgerType::Invoice), Some(a)) if a < Decimal::ZERO => {
            (Some(LedgerType::CreditNote(CreditReason::Other)), Some(-a))
        }
        (k, a) => (k, a.map(|a| a.abs())),
    };
    if let (Some(k), Some(a)) = (kind, size)
        && a.is_zero()
        && k != LedgerType::DisputeResolved
    {
        r.issue("amount", code::NUMBER_NOT_POSITIVE, "the amount is zero");
    }
    if kind == Some(LedgerType::Invoice)
        && due.is_none()
        && !r.issues.iter().any(|i| i.field == "due")
    {
        r.issue("due", code::REQUIRED, "an invoice needs its due date");
    }
    if matches!(kind, Some(LedgerType::Dispute | LedgerType::WriteOff)) && applies_to.is_none() {
        r.issue("applies_to", code::REQUIRED, "name the invoice it is about");
    }
    let event = match (number, kind, doc, day, size) {
        (Some(number), Some(kind), Some(doc), Some(day), Some(size)) if r.issues.is_empty() => {
            let money = Money::new(size, currency);
            let (document, event) = match kind {
                LedgerType::Order => (
                    doc.clone(),
                    LedgerEvent::OrderPlaced {
                        order: doc,
                        amount: money,
                    },
                ),
                LedgerType::Cancellation => {
                    let order = applies_to.unwrap_or(doc.clone());
                    (
                        doc,
                        LedgerEvent::OrderCancelled {
                            order,
                            amount: money,
                        },
                    )
                }
                LedgerType::Shipment => {
                    let order = applies_to.unwrap_or(doc.clone());
                    (
                        doc,
                        LedgerEvent::OrderShipped {
                            order,
                            amount: money,
                        },
                    )
                }
                LedgerType::Invoice => (
                    doc.clone(),
                    LedgerEvent::Invoice {
                        invoice: doc,
                        order: applies_to,
                        due_date: due.unwrap_or(day),
                        amount: money,
                    },
                ),
                LedgerType::Payment => match applies_to {
                    Some(invoice) => {
                        let split = format!("{doc}/{invoice}");
                        let payment = DocRef::parse(&split).unwrap_or(doc);
                        (
                            payment.clone(),
                            LedgerEvent::Payment {
                                payment,
                                amount: money,
                                allocations: vec![Allocation {
                                    invoice,
                                    amount: money,
                                }],
                            },
                        )
                    }
                    None => (
                        doc.clone(),
                        LedgerEvent::Payment {
                            payment: doc,
                            amount: money,
                            allocations: Vec::new(),
                        },
                    ),
                },
                LedgerType::CreditNote(reason) => (
                    doc.clone(),
                    LedgerEvent::CreditNote {
                        note: doc,
                        invoice: applies_to,
                        amount: money,
                        reason,
                    },
                ),
                LedgerType::Dispute => (
                    doc.clone(),
                    LedgerEvent::DisputeOpened {
                        dispute: doc,
                        invoice: applies_to.expect("checked above"),
                        amount: money,
                    },
                ),
                LedgerType::DisputeResolved => {
                    (doc.clone(), LedgerEvent::DisputeResolved { dispute: doc })
                }
                LedgerType::WriteOff => {
                    let invoice = applies_to.expect("checked above");
                    (
                        DocRef::parse(&format!("{doc}/{invoice}")).unwrap_or(doc),
                        LedgerEvent::WriteOff {
                            invoice,
                            amount: money,
                        },
                    )
                }
            };
            let key = import_key(kind.key(), &customer_id_of(&number), document.as_str());
            let event = IncomingEvent {
                idempotency_key: key,
                customer_id: number,
                date: day,
                event,
            };
            bounded(&mut r, event, "date", options.today)
        }
        _ => None,
    };
    finish(r, event)
}

/// An exchange rate: one unit of `from` is `rate` of `to` on `date`.
pub fn fx_row(
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<FxRateRequest, Vec<RowIssue>> {
    let mut r = Reader::new(mapping, cells);
    let currency_of = |r: &mut Reader<'_>, field: &str| {
        let c = r.cell(field, cells::currency);
        if c.is_none() && !r.issues.iter().any(|i| i.field == field) {
            r.issue(field, code::REQUIRED, "the currency is empty");
        }
        c
    };
    let from = currency_of(&mut r, "from");
    let to = currency_of(&mut r, "to");
    let day = date(&mut r, "date", options.day_order, true);
    let rate = amount(&mut r, "rate");
    if let Some(rate) = rate
        && rate <= Decimal::ZERO
    {
        r.issue(
            "rate",
            code::NUMBER_NOT_POSITIVE,
            "a rate is more than zero",
        );
    }
    if let (Some(f), Some(t)) = (from, to)
        && f == t
    {
        r.issue(
            "to",
            code::RATE_SAME_CURRENCY,
            "a rate is between two currencies",
        );
    }
    if let Some(d) = day
        && let Err(e) = crate::bounds::check_date(d, options.today)
    {
        let e = e.at("date");
        r.issue("date", &e.code, e.message);
    }
    let value = match (from, to, day, rate) {
        (Some(from), Some(to), Some(date), Some(rate)) => Some(FxRateRequest {
            from,
            to,
            date,
            rate,
        }),
        _ => None,
    };
    finish(r, value)
}

/// A negative external signal: the customer, its kind (lawsuit, enforcement list, negative
/// news, insolvency — in Chinese or English), date, source and summary.
pub fn signal_row(
    mapping: &[Option<&str>],
    cells: &dyn RowCells,
    options: &ReadOptions,
) -> Result<(String, NewSignal), Vec<RowIssue>> {
    let mut r = Reader::new(mapping, cells);
    let number = customer(&mut r);
    let kind = match r.text("kind") {
        None => {
            r.issue("kind", code::REQUIRED, "the kind is empty");
            None
        }
        Some(k) => signal_kind(&k).or_else(|| {
            r.issue(
                "kind",
                code::NOT_ALLOWED,
                "lawsuit, enforcement list, negative news, insolvency, abnormal operation or nothing found (诉讼, 被执行人, 负面新闻, 破产, 经营异常, 未发现); a bureau rating comes with agency and class (评级)",
            );
            None
        }),
    };
    let day = past_date(&mut r, options, "a signal cannot be dated in the future");
    let text = |r: &mut Reader<'_>, field: &str, max: usize| {
        let t = r.text(field);
        match &t {
            None => r.issue(field, code::REQUIRED, "empty"),
            Some(t) if t.chars().count() > max => r.issue(
                field,
                code::TEXT_TOO_LONG,
                format!("at most {max} characters"),
            ),
            Some(_) => {}
        }
        t
    };
    let source = text(&mut r, "source", 200);
    let summary = r.text("summary").unwrap_or_default();
    let case_number = r.text("case_number");
    let court = r.text("court");
    let at_stake = r.cell("amount", cells::amount);
    let status = match r
        .text("status")
        .map(|s| cells::half_width(&s).to_lowercase())
    {
        Some(s)
            if [
                "已结",
                "结案",
                "已移出",
                "移出",
                "撤销",
                "终结",
                "closed",
                "lifted",
                "ended",
            ]
            .iter()
            .any(|w| s.contains(w)) =>
        {
            SignalStatus::Closed
        }
        _ => SignalStatus::Open,
    };
    let checked_on = date(&mut r, "checked_on", options.day_order, false);
    let agency = r.text("agency");
    // A class is a whole number; 11 or 0 is the API's error (off the scale), named below.
    let class = r
        .cell("class", cells::amount)
        .map(|c| u8::try_from(c.trunc().mantissa().clamp(0, 255)).unwrap_or(u8::MAX));
    let value = match (number, kind, day, source) {
        (Some(number), Some(kind), Some(date), Some(source)) => {
            let fact = format!("{kind:?}|{date}|{source}|{summary}|{case_number:?}|{status:?}");
            let digest = Sha256::digest(fact.as_bytes());
            let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
            let key = import_key("sig", &customer_id_of(&number), &hex);
            Some((
                number,
                NewSignal {
                    idempotency_key: key,
                    kind,
                    date,
                    source,
                    summary,
                    case_number,
                    court,
                    amount: at_stake.map(|a| Money::new(a, options.currency)),
                    status,
                    checked_on,
                    agency,
                    class,
                },
            ))
        }
        _ => None,
    };
    // A summary missing, a rating without its agency or off the scale: the API's own rules,
    // named by column.
    let value = value.and_then(|(number, signal)| match signal.fact() {
        Ok(_) => Some((number, signal)),
        Err(errors) => {
            for e in errors {
                r.issue(&e.field, &e.code, e.message);
            }
            None
        }
    });
    finish(r, value)
}

fn signal_kind(raw: &str) -> Option<SignalKind> {
    let t: String = cells::half_width(raw)
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect();
    match t.as_str() {
        "诉讼" | "涉诉" | "法律诉讼" | "lawsuit" | "litigation" => {
            Some(SignalKind::Lawsuit)
        }
        "被执行人" | "失信被执行人" | "执行" | "enforcementlist" | "enforcement" => {
            Some(SignalKind::EnforcementList)
        }
        "负面新闻" | "舆情" | "negativenews" | "news" => Some(SignalKind::NegativeNews),
        "破产" | "破产重整" | "清算" | "insolvency" | "bankruptcy" => {
            Some(SignalKind::Insolvency)
        }
        "评级" | "信用评级" | "征信评级" | "bureaurating" | "rating" => {
            Some(SignalKind::BureauRating)
        }
        "经营异常" | "经营异常名录" | "abnormaloperation" | "abnormal" => {
            Some(SignalKind::AbnormalOperation)
        }
        "未发现" | "无异常" | "查询无记录" | "nothingfound" | "clear" => {
            Some(SignalKind::NothingFound)
        }
        _ => None,
    }
}

#[cfg(test)]
#[path = "events_tests.rs"]
mod tests;
