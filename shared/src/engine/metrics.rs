//! Behaviour metrics: every figure the engine derives from a ledger, each defined once here.
//!
//! Conventions shared by all of them:
//! - **Windows** are calendar months back from the as-of date, exclusive at the start and
//!   inclusive at the end: "the last 3 months" on 31 May is 29 Feb (excl.) to 31 May (incl.).
//! - **Payment experiences** (PAYDEX, days beyond terms, on-time share) belong to a window by
//!   the invoice's *due date*, so when an invoice is paid decides only how late it was, never
//!   whether it counts. Open invoices always count, whatever their due date.
//! - **Amount weighting**: a large invoice paid late says more than a small one.
//! - **Rounding** to 2 places for days and 4 for ratios, half away from zero, so stored values
//!   and test vectors are readable; rounding is monotone, so the invariants survive it.
//! - `None` means "no evidence" (nothing came due, nothing was sold), never zero.
//!
//! These definitions make the two promises the scorecard relies on hold by construction for
//! the payment levels (PAYDEX, days beyond terms, on-time share, maximum days past due,
//! exposure, utilisation, DSO): paying an open invoice on the as-of date never makes them look
//! worse, and paying later never makes them look better. Trends compare with the past and
//! cannot promise that; see [`days_to_pay_trend`].

use super::book::{Book, InvoiceRecord, SettlementKind};
use super::calendar::{days_after, days_between, months_before, whole_months_between};
use super::facts::Financials;
use super::ledger::{CreditReason, DocRef};
use super::open_items::{Aging, ExposureComposition, OpenItems};
use super::quantity::Share;
use crate::Money;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use time::Date;

/// The look-back of payment experiences, maximum days past due and rates: 12 months.
pub const YEAR_MONTHS: u32 = 12;
/// The recent window of the trends: 3 months.
pub const RECENT_MONTHS: u32 = 3;
/// The baseline window of the trends: the 6 months before the recent 3.
pub const BASELINE_MONTHS: u32 = 6;

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn round4(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
}

fn days(n: i64) -> Decimal {
    Decimal::from(n)
}

// ---------------------------------------------------------------------------------------------
// Open items: aging, receivables, exposure, overdue.

/// Open receivables by days past due at `as_of` (see [`Aging`] for the buckets). Disputed
/// amounts age like the rest: the report shows what is owed, a dispute does not stop time.
pub fn aging(items: &OpenItems, as_of: Date) -> Aging {
    let mut aging = Aging::zero(items.currency);
    for inv in &items.invoices {
        let bucket = match days_between(inv.due, as_of) {
            ..=0 => &mut aging.current,
            1..=30 => &mut aging.days_1_30,
            31..=60 => &mut aging.days_31_60,
            61..=90 => &mut aging.days_61_90,
            _ => &mut aging.days_over_90,
        };
        bucket.amount += inv.open.amount;
    }
    aging
}

/// The sum of what is open on invoices (before cash on account).
pub fn receivables(items: &OpenItems) -> Money {
    Money::new(
        items.invoices.iter().map(|inv| inv.open.amount).sum(),
        items.currency,
    )
}

/// What counts against the credit limit under `composition`. Negative when cash on account
/// exceeds everything open: a prepaid customer has more room than its limit.
pub fn exposure(items: &OpenItems, composition: &ExposureComposition) -> Money {
    let mut total = Decimal::ZERO;
    if composition.open_receivables {
        total += receivables(items).amount;
    }
    if composition.open_orders {
        total += items.open_orders.amount;
    }
    if composition.shipped_not_invoiced {
        total += items.shipped_not_invoiced.amount;
    }
    if composition.net_unapplied_credit {
        total -= items.unapplied_credit.amount;
    }
    Money::new(total, items.currency)
}

/// Open amount on invoices more than `days` past due at `as_of`. Disputed parts count only
/// when `count_disputed`: holding orders over a dispute we may lose is usually wrong.
pub fn overdue_beyond(items: &OpenItems, as_of: Date, days: u32, count_disputed: bool) -> Money {
    let amount = items
        .invoices
        .iter()
        .filter(|inv| days_between(inv.due, as_of) > i64::from(days))
        .map(|inv| {
            if count_disputed {
                inv.open.amount
            } else {
                (inv.open.amount - inv.disputed.amount).max(Decimal::ZERO)
            }
        })
        .sum();
    Money::new(amount, items.currency)
}

/// Days past due of the most overdue open invoice; 0 when nothing is overdue.
pub fn oldest_overdue_days(items: &OpenItems, as_of: Date) -> u32 {
    items
        .invoices
        .iter()
        .map(|inv| days_after(inv.due, as_of))
        .max()
        .unwrap_or(0)
}

/// Age in days (since issue) of the oldest open invoice, and which one it is.
pub fn oldest_open_item(items: &OpenItems, as_of: Date) -> Option<(u32, &DocRef)> {
    items
        .invoices
        .iter()
        .min_by_key(|inv| inv.issued)
        .map(|inv| (days_after(inv.issued, as_of), &inv.invoice))
}

/// Exposure as a share of the limit (1.0 = at the limit; above 1 = over it), to 4 places.
/// `None` without a positive limit: a customer with no limit has no utilisation, it is
/// simply not on credit. Never below 0, even when prepaid.
pub fn utilisation(exposure: Money, limit: Option<Money>) -> Option<Decimal> {
    let limit = limit?;
    if limit.amount <= Decimal::ZERO || limit.currency != exposure.currency {
        return None;
    }
    Some(round4(exposure.amount.max(Decimal::ZERO) / limit.amount))
}

// ---------------------------------------------------------------------------------------------
// Payment behaviour.

/// A PAYDEX-like payment index, 1 (worst) to 100 (best); 80 means pays on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(try_from = "u8", into = "u8")]
pub struct Paydex(u8);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a payment index is between 1 and 100, got {0}")]
pub struct PaydexError(u8);

impl Paydex {
    pub fn new(value: u8) -> Result<Self, PaydexError> {
        if (1..=100).contains(&value) {
            Ok(Paydex(value))
        } else {
            Err(PaydexError(value))
        }
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Paydex {
    type Error = PaydexError;
    fn try_from(value: u8) -> Result<Self, PaydexError> {
        Paydex::new(value)
    }
}
impl From<Paydex> for u8 {
    fn from(p: Paydex) -> u8 {
        p.0
    }
}

/// Days beyond terms → index: straight lines through these points (days, index), flat
/// outside them. 30 days early = 100, on time = 80, 30 days late = 50 (the anchors everyone
/// knows from Dun & Bradstreet); then 10 points per further month to 20 at 120 days, and 1
/// from 180 days, when the money is probably lost.
pub const PAYDEX_CURVE: [(i64, i64); 7] = [
    (-30, 100),
    (0, 80),
    (30, 50),
    (60, 40),
    (90, 30),
    (120, 20),
    (180, 1),
];

/// The index for an amount-weighted average of days beyond terms (negative = early),
/// rounded to a whole number.
pub fn paydex_for_days(days_beyond_terms: Decimal) -> Paydex {
    let (first_x, first_y) = PAYDEX_CURVE[0];
    let (last_x, last_y) = PAYDEX_CURVE[PAYDEX_CURVE.len() - 1];
    let index = if days_beyond_terms <= days(first_x) {
        days(first_y)
    } else if days_beyond_terms >= days(last_x) {
        days(last_y)
    } else {
        let mut value = days(last_y);
        for pair in PAYDEX_CURVE.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            if days_beyond_terms <= days(x1) {
                value = days(y0) + (days_beyond_terms - days(x0)) * days(y1 - y0) / days(x1 - x0);
                break;
            }
        }
        value
    };
    let whole = index
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .clamp(Decimal::ONE, Decimal::ONE_HUNDRED);
    // 1..=100 after the clamp.
    Paydex(u8::try_from(whole.mantissa() / 10i128.pow(whole.scale())).unwrap_or(1))
}

/// Payment experiences of the last 12 months, as (days beyond terms, amount) pairs.
///
/// - cash paid and amounts written off on invoices due in the window: days from due date to
///   the settlement (a write-off is the latest a payment can be);
/// - amounts still open on any invoice: days past due at `as_of`, or 0 while not yet due
///   ("current is prompt", as trade-credit bureaus count a balance within terms).
///
/// Credit notes are not experiences: they change what was owed, not how it was paid.
/// The second value says whether anything has come due or been settled: a customer whose
/// every invoice is still current has no payment history yet.
fn payment_experiences(book: &Book, mut each: impl FnMut(i64, Decimal)) -> bool {
    let start = months_before(book.as_of, YEAR_MONTHS);
    let mut evidence = false;
    for inv in &book.invoices {
        if inv.due > start {
            for s in &inv.settlements {
                if s.kind != SettlementKind::Credit {
                    each(days_between(inv.due, s.date), s.amount);
                    evidence = true;
                }
            }
        }
        if inv.open() > Decimal::ZERO {
            let late = days_between(inv.due, book.as_of);
            evidence |= late >= 0;
            each(late.max(0), inv.open());
        }
    }
    evidence
}

/// Amount-weighted average days beyond terms over the last 12 months (negative = paid early),
/// to 2 places. `None` until something has come due or been paid.
pub fn days_beyond_terms(book: &Book) -> Option<Decimal> {
    let (mut weighted, mut weight) = (Decimal::ZERO, Decimal::ZERO);
    let evidence = payment_experiences(book, |late, amount| {
        weighted += days(late) * amount;
        weight += amount;
    });
    if !evidence || weight.is_zero() {
        return None;
    }
    Some(round2(weighted / weight))
}

/// The payment index over the last 12 months ([`paydex_for_days`] of [`days_beyond_terms`]).
pub fn paydex(book: &Book) -> Option<Paydex> {
    days_beyond_terms(book).map(paydex_for_days)
}

/// Share of the amount that came due or was paid in the last 12 months that was paid by its
/// due date, to 4 places. Amounts still open count as late once past due, and are left out
/// while current. `None` until something has come due or been paid.
pub fn on_time_share(book: &Book) -> Option<Share> {
    let start = months_before(book.as_of, YEAR_MONTHS);
    let (mut on_time, mut total) = (Decimal::ZERO, Decimal::ZERO);
    for inv in &book.invoices {
        if inv.due > start {
            for s in inv
                .settlements
                .iter()
                .filter(|s| s.kind != SettlementKind::Credit)
            {
                total += s.amount;
                if s.date <= inv.due {
                    on_time += s.amount;
                }
            }
        }
        if inv.open() > Decimal::ZERO && inv.due < book.as_of {
            total += inv.open();
        }
    }
    Share::of_parts(on_time, total)
}

/// The most days past due any invoice reached during the last `months` months: an open
/// invoice counts its days past due today, a settled one the days it had when settled (if
/// that was inside the window). `None` until an invoice has come due.
pub fn max_days_past_due(book: &Book, months: u32) -> Option<u32> {
    let start = months_before(book.as_of, months);
    let mut any_due = false;
    let mut max = 0u32;
    for inv in &book.invoices {
        if inv.due > book.as_of {
            continue;
        }
        any_due = true;
        for s in inv.settlements.iter().filter(|s| s.date > start) {
            max = max.max(days_after(inv.due, s.date));
        }
        if inv.open() > Decimal::ZERO {
            max = max.max(days_after(inv.due, book.as_of));
        }
    }
    any_due.then_some(max)
}

/// Amount-weighted average days from issue to payment of the cash received after `from`, up
/// to and including `to`, to 2 places. When `to` is the book's date, amounts still open and
/// past due count as if paid that day: a customer who stops paying must not look as if it had
/// stopped being slow. `None` when nothing was paid (or is past due) then.
pub fn days_to_pay(book: &Book, from: Date, to: Date) -> Option<Decimal> {
    let (mut weighted, mut weight) = (Decimal::ZERO, Decimal::ZERO);
    for inv in &book.invoices {
        for s in &inv.settlements {
            if s.kind == SettlementKind::Cash && s.date > from && s.date <= to {
                weighted += days(days_between(inv.issued, s.date)) * s.amount;
                weight += s.amount;
            }
        }
        if to == book.as_of && inv.open() > Decimal::ZERO && inv.due < book.as_of {
            weighted += days(days_between(inv.issued, book.as_of)) * inv.open();
            weight += inv.open();
        }
    }
    (!weight.is_zero()).then(|| round2(weighted / weight))
}

/// Days to pay in the last 3 months minus days to pay in the 6 months before, in days.
/// Positive: the payment cycle is getting longer. `None` unless there is evidence in both.
///
/// Not monotone in lateness, by nature: paying late in the baseline months improves it. So
/// the default model shows it but does not score it (see `shared/MODEL.md`).
pub fn days_to_pay_trend(book: &Book) -> Option<Decimal> {
    let recent_start = months_before(book.as_of, RECENT_MONTHS);
    let baseline_start = months_before(book.as_of, RECENT_MONTHS + BASELINE_MONTHS);
    let recent = days_to_pay(book, recent_start, book.as_of)?;
    let baseline = days_to_pay(book, baseline_start, recent_start)?;
    Some(recent - baseline)
}

/// Days sales outstanding: open receivables ÷ invoiced in the last 3 months × the days in
/// those months, to 2 places. `None` without sales in the last 3 months.
pub fn dso(book: &Book) -> Option<Decimal> {
    let start = months_before(book.as_of, RECENT_MONTHS);
    let sales = invoiced_between(book, start, book.as_of);
    if sales.is_zero() {
        return None;
    }
    let open: Decimal = book.invoices.iter().map(InvoiceRecord::open).sum();
    Some(round2(open / sales * days(days_between(start, book.as_of))))
}

fn invoiced_between(book: &Book, from: Date, to: Date) -> Decimal {
    book.invoices
        .iter()
        .filter(|inv| inv.issued > from && inv.issued <= to)
        .map(|inv| inv.amount)
        .sum()
}

// ---------------------------------------------------------------------------------------------
// Trading pattern.

/// Months the customer has traded with us, counted from its first ledger entry.
pub fn tenure_months(book: &Book) -> Option<u32> {
    book.first_activity
        .map(|first| whole_months_between(first, book.as_of))
}

/// Whole months since the customer was last invoiced (`None`: never). A customer that stopped
/// buying leaves no fresh evidence: owing nothing and nothing overdue is then the absence of
/// a record, not a good one. Invoice dates only, so paying later never changes it.
pub fn months_since_invoice(book: &Book) -> Option<u32> {
    book.invoices
        .iter()
        .map(|inv| inv.issued)
        .filter(|d| *d <= book.as_of)
        .max()
        .map(|last| whole_months_between(last, book.as_of))
}

/// Months of history a monthly average is taken over: the last 12, or fewer for a newer
/// customer (at least 1), so a customer of two months is not averaged over a year.
fn observed_months(book: &Book) -> u32 {
    tenure_months(book).unwrap_or(0).clamp(1, YEAR_MONTHS)
}

/// Orders placed per month over the last 12 months (or the customer's tenure if shorter), to
/// 2 places.
pub fn orders_per_month(book: &Book) -> Decimal {
    let start = months_before(book.as_of, YEAR_MONTHS);
    let count = book
        .orders
        .iter()
        .filter(|o| o.placed_on.is_some_and(|d| d > start))
        .count();
    round2(Decimal::from(count as u64) / Decimal::from(observed_months(book)))
}

fn ordered_between(book: &Book, from: Date, to: Date) -> Decimal {
    book.orders
        .iter()
        .filter(|o| o.placed_on.is_some_and(|d| d > from && d <= to))
        .map(|o| o.placed)
        .sum()
}

/// Change of monthly order volume: the last 3 months' monthly average against the 6 months
/// before, as a fraction to 4 places (−0.4 = volume fell 40%). `None` without orders in the
/// baseline.
pub fn order_volume_trend(book: &Book) -> Option<Decimal> {
    let recent_start = months_before(book.as_of, RECENT_MONTHS);
    let baseline_start = months_before(book.as_of, RECENT_MONTHS + BASELINE_MONTHS);
    let baseline = ordered_between(book, baseline_start, recent_start);
    if baseline.is_zero() {
        return None;
    }
    let recent = ordered_between(book, recent_start, book.as_of);
    let per_month = |amount: Decimal, months: u32| amount / Decimal::from(months);
    Some(round4(
        per_month(recent, RECENT_MONTHS) / per_month(baseline, BASELINE_MONTHS) - Decimal::ONE,
    ))
}

/// What the customer buys from us in a month: invoiced over the last 12 months (or its
/// tenure) per month, to 2 places. The starting point of the limit formula.
pub fn average_monthly_purchases(book: &Book) -> Money {
    let start = months_before(book.as_of, YEAR_MONTHS);
    let invoiced = invoiced_between(book, start, book.as_of);
    Money::new(
        round2(invoiced / Decimal::from(observed_months(book))),
        book.currency,
    )
}

/// Returns credited in the last 12 months as a fraction of what was invoiced then, to 4
/// places. `None` without invoices in the window.
pub fn return_rate(book: &Book) -> Option<Decimal> {
    let start = months_before(book.as_of, YEAR_MONTHS);
    let invoiced = invoiced_between(book, start, book.as_of);
    if invoiced.is_zero() {
        return None;
    }
    let returned: Decimal = book
        .credit_notes
        .iter()
        .filter(|c| c.reason == CreditReason::Return && c.date > start)
        .map(|c| c.amount)
        .sum();
    Some(round4(returned / invoiced))
}

/// Amount disputed (disputes opened in the last 12 months) as a fraction of what was invoiced
/// then, to 4 places. `None` without invoices in the window.
pub fn dispute_rate(book: &Book) -> Option<Decimal> {
    let start = months_before(book.as_of, YEAR_MONTHS);
    let invoiced = invoiced_between(book, start, book.as_of);
    if invoiced.is_zero() {
        return None;
    }
    let disputed: Decimal = book
        .disputes
        .iter()
        .filter(|d| d.opened > start)
        .map(|d| d.amount)
        .sum();
    Some(round4(disputed / invoiced))
}

/// Write-offs in the last `months` months: how many invoices, and how much.
pub fn write_offs(book: &Book, months: u32) -> (u32, Money) {
    let start = months_before(book.as_of, months);
    let (mut count, mut amount) = (0u32, Decimal::ZERO);
    for inv in &book.invoices {
        let written: Decimal = inv
            .settlements
            .iter()
            .filter(|s| s.kind == SettlementKind::WriteOff && s.date > start)
            .map(|s| s.amount)
            .sum();
        if written > Decimal::ZERO {
            count += 1;
            amount += written;
        }
    }
    (count, Money::new(amount, book.currency))
}

// ---------------------------------------------------------------------------------------------
// The company itself.

/// Whole years since the company was founded.
pub fn business_age_years(founded: Date, as_of: Date) -> u32 {
    super::calendar::whole_years_between(founded, as_of)
}

/// X4 (equity ÷ total liabilities) is capped here: a company with almost no debt is safe, and
/// a tiny denominator must not swamp the other three ratios.
const ALTMAN_X4_CAP: Decimal = Decimal::TEN;

/// Altman's Z″ for private, non-manufacturing and emerging-market firms (1995), to 2 places:
/// 6.56·X1 + 3.26·X2 + 6.72·X3 + 1.05·X4 with X1 = working capital ÷ total assets,
/// X2 = retained earnings ÷ total assets, X3 = EBIT ÷ total assets,
/// X4 = book equity ÷ total liabilities. Below 1.1 is Altman's distress zone, above 2.6 safe.
pub fn altman_z_double_prime(financials: &Financials) -> Decimal {
    let l = financials.lines();
    let ta = l.total_assets;
    let x1 = (l.current_assets - l.current_liabilities) / ta;
    let x2 = l.retained_earnings / ta;
    let x3 = l.ebit / ta;
    let x4 = if l.total_liabilities.is_zero() {
        ALTMAN_X4_CAP
    } else {
        (l.equity / l.total_liabilities).min(ALTMAN_X4_CAP)
    };
    round2(
        Decimal::new(656, 2) * x1
            + Decimal::new(326, 2) * x2
            + Decimal::new(672, 2) * x3
            + Decimal::new(105, 2) * x4,
    )
}

// ---------------------------------------------------------------------------------------------
// All of them at once.

/// The metrics under the name the API uses.
pub type Metrics = Behaviour;

/// Every behaviour metric of one customer at one date: the ledger part of the facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub receivables: Money,
    pub aging: Aging,
    /// Under the policy's exposure composition.
    pub exposure: Money,
    pub unapplied_credit: Money,
    pub open_orders: Money,
    pub shipped_not_invoiced: Money,
    pub oldest_overdue_days: u32,
    pub days_beyond_terms: Option<Decimal>,
    pub paydex: Option<Paydex>,
    pub max_dpd_3m: Option<u32>,
    pub max_dpd_6m: Option<u32>,
    pub max_dpd_12m: Option<u32>,
    pub on_time_share: Option<Share>,
    pub days_to_pay_recent: Option<Decimal>,
    pub days_to_pay_trend: Option<Decimal>,
    pub dso: Option<Decimal>,
    pub utilisation: Option<Decimal>,
    pub orders_per_month: Decimal,
    pub order_volume_trend: Option<Decimal>,
    pub average_monthly_purchases: Money,
    pub return_rate: Option<Decimal>,
    pub dispute_rate: Option<Decimal>,
    pub write_offs_12m: u32,
    pub written_off_12m: Money,
    pub tenure_months: Option<u32>,
    /// Months since the last invoice (thin evidence when long).
    #[serde(default)]
    pub months_since_invoice: Option<u32>,
}

impl Behaviour {
    /// Computes every metric from the book, with exposure as `composition` counts it and
    /// utilisation against `limit` (the current credit limit, if any).
    pub fn compute(book: &Book, limit: Option<Money>, composition: &ExposureComposition) -> Self {
        let items = book.open_items();
        let as_of = book.as_of;
        let exposure = exposure(&items, composition);
        let (write_offs_12m, written_off_12m) = write_offs(book, YEAR_MONTHS);
        let days_beyond_terms = days_beyond_terms(book);
        Behaviour {
            receivables: receivables(&items),
            aging: aging(&items, as_of),
            exposure,
            unapplied_credit: items.unapplied_credit,
            open_orders: items.open_orders,
            shipped_not_invoiced: items.shipped_not_invoiced,
            oldest_overdue_days: oldest_overdue_days(&items, as_of),
            days_beyond_terms,
            paydex: days_beyond_terms.map(paydex_for_days),
            max_dpd_3m: max_days_past_due(book, RECENT_MONTHS),
            max_dpd_6m: max_days_past_due(book, 6),
            max_dpd_12m: max_days_past_due(book, YEAR_MONTHS),
            on_time_share: on_time_share(book),
            days_to_pay_recent: days_to_pay(book, months_before(as_of, RECENT_MONTHS), as_of),
            days_to_pay_trend: days_to_pay_trend(book),
            dso: dso(book),
            utilisation: utilisation(exposure, limit),
            orders_per_month: orders_per_month(book),
            order_volume_trend: order_volume_trend(book),
            average_monthly_purchases: average_monthly_purchases(book),
            return_rate: return_rate(book),
            dispute_rate: dispute_rate(book),
            write_offs_12m,
            written_off_12m,
            tenure_months: tenure_months(book),
            months_since_invoice: months_since_invoice(book),
        }
    }

    /// The metrics of a customer with no ledger at all.
    pub fn empty(currency: crate::Currency) -> Self {
        let z = Money::zero(currency);
        Behaviour {
            receivables: z,
            aging: Aging::zero(currency),
            exposure: z,
            unapplied_credit: z,
            open_orders: z,
            shipped_not_invoiced: z,
            oldest_overdue_days: 0,
            days_beyond_terms: None,
            paydex: None,
            max_dpd_3m: None,
            max_dpd_6m: None,
            max_dpd_12m: None,
            on_time_share: None,
            days_to_pay_recent: None,
            days_to_pay_trend: None,
            dso: None,
            utilisation: None,
            orders_per_month: Decimal::ZERO,
            order_volume_trend: None,
            average_monthly_purchases: z,
            return_rate: None,
            dispute_rate: None,
            write_offs_12m: 0,
            written_off_12m: z,
            tenure_months: None,
            months_since_invoice: None,
        }
    }
}

#[cfg(test)]
mod tests {
    // Case tables are tuples; naming each shape would only hide the table.
    #![allow(clippy::type_complexity)]

    use super::*;
    use crate::engine::facts::StatementLines;
    use crate::engine::ledger::{CreditReason, LedgerEntry};
    use crate::engine::testkit::*;
    use crate::{Currency, Money};
    use time::macros::date;

    const AS_OF: Date = date!(2024 - 06 - 30);

    fn book(entries: &[LedgerEntry]) -> Book {
        fold(entries, AS_OF)
    }

    #[test]
    fn aging_puts_each_open_invoice_in_its_days_past_due_bucket() {
        // (due date, days past due on 30 June, bucket: 0 current .. 4 over 90)
        let cases = [
            (date!(2024 - 07 - 10), 0),
            (date!(2024 - 06 - 30), 0),
            (date!(2024 - 06 - 29), 1),
            (date!(2024 - 05 - 31), 1),
            (date!(2024 - 05 - 30), 2),
            (date!(2024 - 05 - 01), 2),
            (date!(2024 - 04 - 30), 3),
            (date!(2024 - 04 - 01), 3),
            (date!(2024 - 03 - 31), 4),
        ];
        for (due, bucket) in cases {
            // Arrange
            let b = book(&[invoice(date!(2024 - 01 - 01), "INV-1", due, "10")]);
            // Act
            let a = aging(&b.open_items(), AS_OF);
            // Assert
            let amounts = [
                a.current,
                a.days_1_30,
                a.days_31_60,
                a.days_61_90,
                a.days_over_90,
            ];
            for (i, m) in amounts.iter().enumerate() {
                let expected = if i == bucket {
                    dec("10")
                } else {
                    Decimal::ZERO
                };
                assert_eq!(m.amount, expected, "due {due}, bucket {i}");
            }
            assert_eq!(a.total(), cny("10"));
        }
    }

    #[test]
    fn the_payment_index_follows_the_paydex_anchors() {
        let cases = [
            ("-40", 100),
            ("-30", 100),
            ("-15", 90),
            ("0", 80),
            ("0.5", 80),
            ("0.51", 79),
            ("15", 65),
            ("30", 50),
            ("45", 45),
            ("90", 30),
            ("150", 11),
            ("180", 1),
            ("400", 1),
        ];
        for (days, expected) in cases {
            assert_eq!(paydex_for_days(dec(days)).value(), expected, "{days} days");
        }
    }

    #[test]
    fn days_beyond_terms_weighs_each_payment_experience_by_amount() {
        let (d1, d2) = (date!(2024 - 05 - 01), date!(2024 - 05 - 31));
        let cases: Vec<(&str, Vec<LedgerEntry>, Option<&str>, Option<u8>)> = vec![
            ("no history", vec![], None, None),
            (
                "paid ten days late",
                vec![
                    invoice(d1, "I1", d2, "100"),
                    payment(date!(2024 - 06 - 10), "P1", "100"),
                ],
                Some("10"),
                Some(70),
            ),
            (
                "a small late and a large prompt payment",
                vec![
                    invoice(d1, "I1", d2, "100"),
                    invoice(d1, "I2", d2, "300"),
                    payment_to(date!(2024 - 06 - 10), "P1", "100", &[("I1", "100")]),
                    payment_to(d2, "P2", "300", &[("I2", "300")]),
                ],
                Some("2.5"),
                Some(78),
            ),
            (
                "only current invoices: no history yet",
                vec![invoice(
                    date!(2024 - 06 - 15),
                    "I1",
                    date!(2024 - 07 - 15),
                    "100",
                )],
                None,
                None,
            ),
            (
                "open twenty days past due",
                vec![invoice(
                    date!(2024 - 05 - 11),
                    "I1",
                    date!(2024 - 06 - 10),
                    "100",
                )],
                Some("20"),
                Some(60),
            ),
            (
                "paid a month early",
                vec![invoice(d1, "I1", d2, "100"), payment(d1, "P1", "100")],
                Some("-30"),
                Some(100),
            ),
            (
                "partly paid late, the rest still open",
                vec![
                    invoice(d1, "I1", d2, "100"),
                    payment(date!(2024 - 06 - 10), "P1", "40"),
                ],
                Some("22"),
                Some(58),
            ),
            (
                "settled only by a credit note: nothing says how it pays",
                vec![
                    invoice(d1, "I1", d2, "100"),
                    credit(d1, "CN1", Some("I1"), "100", CreditReason::Return),
                ],
                None,
                None,
            ),
            (
                "paid before the invoice was issued: paid on the issue date",
                vec![
                    payment(date!(2024 - 04 - 01), "P1", "100"),
                    invoice(d1, "I1", d2, "100"),
                ],
                Some("-30"),
                Some(100),
            ),
            (
                "due before the 12-month window and paid then: out of the window",
                vec![
                    invoice(date!(2023 - 05 - 01), "I1", date!(2023 - 05 - 31), "100"),
                    payment(date!(2023 - 09 - 01), "P1", "100"),
                ],
                None,
                None,
            ),
        ];
        for (name, entries, dbt, index) in cases {
            let b = book(&entries);
            assert_eq!(days_beyond_terms(&b), dbt.map(dec), "{name}");
            assert_eq!(paydex(&b).map(Paydex::value), index, "{name}");
        }
    }

    #[test]
    fn the_window_starts_on_the_same_day_a_year_back_in_a_leap_year() {
        // 29 Feb 2024 - 12 months = 28 Feb 2023, excluded; 1 March 2023 included.
        let as_of = date!(2024 - 02 - 29);
        let entries = [
            invoice(date!(2023 - 01 - 29), "I1", date!(2023 - 02 - 28), "100"),
            invoice(date!(2023 - 01 - 30), "I2", date!(2023 - 03 - 01), "100"),
            payment_to(date!(2023 - 03 - 10), "P1", "100", &[("I1", "100")]),
            payment_to(date!(2023 - 03 - 11), "P2", "100", &[("I2", "100")]),
        ];
        let b = fold(&entries, as_of);
        assert_eq!(days_beyond_terms(&b), Some(dec("10")));
    }

    #[test]
    fn on_time_share_counts_overdue_open_amounts_as_late() {
        let (d1, d2) = (date!(2024 - 05 - 01), date!(2024 - 05 - 31));
        let cases: Vec<(&str, Vec<LedgerEntry>, Option<&str>)> = vec![
            ("no history", vec![], None),
            (
                "a quarter paid late",
                vec![
                    invoice(d1, "I1", d2, "100"),
                    invoice(d1, "I2", d2, "300"),
                    payment_to(date!(2024 - 06 - 10), "P1", "100", &[("I1", "100")]),
                    payment_to(d2, "P2", "300", &[("I2", "300")]),
                ],
                Some("0.75"),
            ),
            (
                "half paid on time, half open and overdue",
                vec![invoice(d1, "I1", d2, "200"), payment(d2, "P1", "100")],
                Some("0.5"),
            ),
            (
                "current open amounts are left out",
                vec![invoice(
                    date!(2024 - 06 - 20),
                    "I1",
                    date!(2024 - 07 - 20),
                    "200",
                )],
                None,
            ),
        ];
        for (name, entries, expected) in cases {
            let got = on_time_share(&book(&entries)).map(Decimal::from);
            assert_eq!(got, expected.map(dec), "{name}");
        }
    }

    #[test]
    fn max_days_past_due_looks_back_over_each_window() {
        let entries = [
            invoice(date!(2023 - 12 - 02), "I1", date!(2024 - 01 - 01), "100"),
            payment(date!(2024 - 02 - 15), "P1", "100"),
            invoice(date!(2024 - 05 - 11), "I2", date!(2024 - 06 - 10), "50"),
        ];
        let b = book(&entries);
        assert_eq!(max_days_past_due(&b, 3), Some(20));
        assert_eq!(max_days_past_due(&b, 6), Some(45));
        assert_eq!(max_days_past_due(&b, 12), Some(45));
        assert_eq!(max_days_past_due(&book(&[]), 12), None);
        let not_due = book(&[invoice(AS_OF, "I1", date!(2024 - 07 - 30), "1")]);
        assert_eq!(max_days_past_due(&not_due, 12), None);
    }

    #[test]
    fn a_lengthening_payment_cycle_shows_as_a_positive_trend() {
        let paid = [
            invoice(date!(2023 - 11 - 01), "I1", date!(2023 - 12 - 01), "100"),
            payment(date!(2023 - 12 - 01), "P1", "100"),
            invoice(date!(2024 - 04 - 01), "I2", date!(2024 - 05 - 01), "100"),
            payment(date!(2024 - 05 - 16), "P2", "100"),
        ];
        let b = book(&paid);
        assert_eq!(
            days_to_pay(&b, months_before(AS_OF, 3), AS_OF),
            Some(dec("45"))
        );
        assert_eq!(days_to_pay_trend(&b), Some(dec("15")));

        // A customer who stops paying does not look as if it stopped being slow.
        let mut unpaid = paid.to_vec();
        unpaid.push(invoice(
            date!(2024 - 05 - 01),
            "I3",
            date!(2024 - 05 - 31),
            "100",
        ));
        assert_eq!(days_to_pay_trend(&book(&unpaid)), Some(dec("22.5")));

        assert_eq!(days_to_pay_trend(&book(&paid[2..])), None, "no baseline");
    }

    #[test]
    fn dso_relates_open_receivables_to_the_last_three_months_of_sales() {
        let entries = [
            invoice(date!(2024 - 04 - 10), "I1", date!(2024 - 05 - 10), "300"),
            payment(date!(2024 - 05 - 10), "P1", "300"),
            invoice(date!(2024 - 06 - 01), "I2", date!(2024 - 07 - 01), "300"),
        ];
        // 300 / 600 × 92 days (31 March to 30 June).
        assert_eq!(dso(&book(&entries)), Some(dec("46")));
        assert_eq!(dso(&book(&[])), None);
    }

    #[test]
    fn trading_pattern_metrics_average_over_the_year_or_the_tenure() {
        let mut year = vec![order(date!(2022 - 06 - 30), "O0", "10")];
        for m in 1..=6u8 {
            let on = Date::from_calendar_date(2024, time::Month::try_from(m).unwrap(), 5).unwrap();
            year.push(order(on, &format!("O{m}"), "100"));
            year.push(invoice(on, &format!("I{m}"), on, "200"));
        }
        let b = book(&year);
        assert_eq!(tenure_months(&b), Some(24));
        assert_eq!(orders_per_month(&b), dec("0.5"));
        assert_eq!(average_monthly_purchases(&b), cny("100"));

        let young = book(&[
            order(date!(2024 - 05 - 01), "O1", "10"),
            order(date!(2024 - 05 - 02), "O2", "10"),
            order(date!(2024 - 06 - 01), "O3", "10"),
        ]);
        assert_eq!(tenure_months(&young), Some(1));
        assert_eq!(orders_per_month(&young), dec("3"));
        assert_eq!(tenure_months(&book(&[])), None);
    }

    #[test]
    fn order_volume_trend_compares_the_last_quarter_with_the_half_year_before() {
        let mut entries = Vec::new();
        for (i, on) in [
            date!(2023 - 10 - 15),
            date!(2023 - 11 - 15),
            date!(2023 - 12 - 15),
            date!(2024 - 01 - 15),
            date!(2024 - 02 - 15),
            date!(2024 - 03 - 15),
        ]
        .into_iter()
        .enumerate()
        {
            entries.push(order(on, &format!("B{i}"), "100"));
        }
        entries.push(order(date!(2024 - 05 - 15), "R1", "150"));
        assert_eq!(order_volume_trend(&book(&entries)), Some(dec("-0.5")));
        assert_eq!(order_volume_trend(&book(&entries[6..])), None);
    }

    #[test]
    fn return_and_dispute_rates_are_shares_of_what_was_invoiced() {
        let on = date!(2024 - 03 - 01);
        let entries = [
            invoice(on, "I1", date!(2024 - 04 - 01), "1000"),
            credit(on, "CN1", Some("I1"), "50", CreditReason::Return),
            credit(on, "CN2", Some("I1"), "30", CreditReason::PriceAdjustment),
            dispute(on, "D1", "I1", "20"),
        ];
        let b = book(&entries);
        assert_eq!(return_rate(&b), Some(dec("0.05")));
        assert_eq!(dispute_rate(&b), Some(dec("0.02")));
        assert_eq!(return_rate(&book(&[])), None);
        assert_eq!(dispute_rate(&book(&[])), None);
    }

    #[test]
    fn write_offs_count_invoices_and_sum_amounts() {
        let entries = [
            invoice(date!(2024 - 01 - 01), "I1", date!(2024 - 01 - 31), "100"),
            write_off(date!(2024 - 05 - 01), "I1", "40"),
        ];
        assert_eq!(write_offs(&book(&entries), 12), (1, cny("40")));
        assert_eq!(write_offs(&book(&entries), 1), (0, cny("0")));
    }

    #[test]
    fn exposure_counts_what_the_tenant_chose() {
        let entries = [
            invoice(date!(2024 - 06 - 01), "I1", date!(2024 - 07 - 01), "100"),
            order(date!(2024 - 06 - 02), "O1", "50"),
            order(date!(2024 - 06 - 03), "O2", "40"),
            shipped(date!(2024 - 06 - 04), "O2", "30"),
        ];
        let mut with_credit = entries.to_vec();
        with_credit.push(credit(AS_OF, "CN1", None, "120", CreditReason::Other));
        let items = book(&entries).open_items();
        let credited = book(&with_credit).open_items();
        let none = ExposureComposition {
            open_receivables: false,
            open_orders: false,
            shipped_not_invoiced: false,
            net_unapplied_credit: false,
        };
        let receivables_only = ExposureComposition {
            open_receivables: true,
            ..none
        };
        // open orders: 50 + (40 − 30); shipped not invoiced: 30.
        assert_eq!(exposure(&items, &ExposureComposition::ALL), cny("190"));
        assert_eq!(exposure(&items, &receivables_only), cny("100"));
        assert_eq!(exposure(&items, &none), cny("0"));
        // The credit note pays the invoice (100) and leaves 20 on account.
        assert_eq!(exposure(&credited, &ExposureComposition::ALL), cny("70"));
    }

    #[test]
    fn months_since_invoice_counts_from_the_last_invoice_and_ignores_payments() {
        // Arrange
        let entries = [
            invoice(date!(2023 - 11 - 10), "A", date!(2023 - 12 - 10), "100"),
            invoice(date!(2024 - 01 - 05), "B", date!(2024 - 02 - 04), "100"),
            payment_to(date!(2024 - 06 - 01), "P", "100", &[("B", "100")]),
        ];

        // Act
        let quiet = months_since_invoice(&book(&entries));
        let never = months_since_invoice(&book(&[]));

        // Assert
        assert_eq!(quiet, Some(5), "January to June, whatever was paid since");
        assert_eq!(never, None);
    }

    #[test]
    fn utilisation_needs_a_positive_limit_and_never_goes_below_zero() {
        let cases = [
            ("500", Some("1000"), Some("0.5")),
            ("1500", Some("1000"), Some("1.5")),
            ("-200", Some("1000"), Some("0")),
            ("500", Some("0"), None),
            ("500", None, None),
            ("1", Some("3"), Some("0.3333")),
        ];
        for (exp, limit, expected) in cases {
            assert_eq!(
                utilisation(cny(exp), limit.map(cny)),
                expected.map(dec),
                "{exp}/{limit:?}"
            );
        }
        let usd_limit = Money::new(dec("1000"), Currency::USD);
        assert_eq!(utilisation(cny("1"), Some(usd_limit)), None);
    }

    #[test]
    fn overdue_beyond_leaves_out_disputes_unless_told_otherwise() {
        let entries = [
            invoice(date!(2024 - 04 - 01), "I1", date!(2024 - 05 - 01), "100"),
            dispute(date!(2024 - 05 - 10), "D1", "I1", "30"),
            invoice(date!(2024 - 05 - 20), "I2", date!(2024 - 06 - 19), "50"),
        ];
        let items = book(&entries).open_items();
        assert_eq!(overdue_beyond(&items, AS_OF, 30, false), cny("70"));
        assert_eq!(overdue_beyond(&items, AS_OF, 30, true), cny("100"));
        assert_eq!(overdue_beyond(&items, AS_OF, 0, true), cny("150"));
        assert_eq!(oldest_overdue_days(&items, AS_OF), 60);
        let (age, inv) = oldest_open_item(&items, AS_OF).unwrap();
        assert_eq!((age, inv.as_str()), (90, "I1"));
    }

    #[test]
    fn many_decimal_places_are_kept_exactly() {
        let entries = [
            invoice(
                date!(2024 - 05 - 01),
                "I1",
                date!(2024 - 05 - 31),
                "100.123456789",
            ),
            payment(date!(2024 - 05 - 10), "P1", "33.374485596"),
            payment(date!(2024 - 05 - 11), "P2", "33.374485596"),
            payment(date!(2024 - 05 - 12), "P3", "33.374485596"),
        ];
        let items = book(&entries).open_items();
        assert_eq!(receivables(&items), cny("0.000000001"));
    }

    #[test]
    fn altman_z_double_prime_weighs_the_four_ratios() {
        let f = Financials::new(
            Currency::CNY,
            date!(2023 - 12 - 31),
            StatementLines {
                total_assets: dec("1000"),
                current_assets: dec("500"),
                current_liabilities: dec("300"),
                total_liabilities: dec("600"),
                retained_earnings: dec("100"),
                ebit: dec("80"),
                equity: dec("400"),
            },
        )
        .unwrap();
        // 6.56×0.2 + 3.26×0.1 + 6.72×0.08 + 1.05×0.6667 = 2.8756
        assert_eq!(altman_z_double_prime(&f), dec("2.88"));
    }

    #[test]
    fn a_customer_with_no_ledger_has_the_empty_metrics() {
        let b = book(&[]);
        assert_eq!(
            Behaviour::compute(&b, None, &ExposureComposition::ALL),
            Behaviour::empty(Currency::CNY)
        );
    }
}
