//! Deterministic demo data: customers of a Chinese industrial-parts distributor with 18
//! months of orders, invoices and payments ending at an "as of" date.
//!
//! [`generate`] is a pure function of its seed, date and count (a `ChaCha8Rng` drives every
//! choice), so demos, screenshots and tests see the same book every time. Each customer gets
//! a payment [`Behaviour`] (about 70% prompt, 15% slow, 10% late, 5% stopped), a size that
//! scales its orders (¥5,000 to ¥800,000), a grade and limit that follow from both, and a
//! ledger whose open figures are computed by [`figures`], the same way for every customer.
//! Document numbers (`SO-2025-000123`, `INV-…`, `PAY-…`) run per kind and year in date
//! order across the whole book, so they are unique and double as idempotency keys.

use super::names;
use credence_shared::{Currency, CustomerId, Grade, Money, Usci, UserId, usci};
use rand::distributions::{Distribution, WeightedIndex};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use std::collections::{HashMap, HashSet};
use time::{Date, Duration};

/// Length of the generated history: 18 months.
pub const HISTORY_DAYS: i64 = 548;

/// Typical order value per size tier, in yuan, and how often each tier occurs (percent).
const TIER_ORDER_YUAN: [i64; 10] = [
    5_000, 8_000, 12_000, 20_000, 30_000, 50_000, 80_000, 130_000, 220_000, 380_000,
];
const TIER_WEIGHTS: [u32; 10] = [14, 16, 16, 14, 12, 10, 8, 5, 3, 2];
/// Registered capital steps in 万元 (ten thousand yuan).
const CAPITAL_WAN: [i64; 10] = [50, 100, 100, 200, 300, 500, 1_000, 2_000, 5_000, 10_000];
/// USCIs issued from October 2015 on carry "MA" at the start of the organisation code.
const MA_CODES_FROM_YEAR: i32 = 2016;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoData {
    pub as_of: Date,
    pub customers: Vec<DemoCustomer>,
}

/// How a customer pays; drives its ledger and its grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// Pays within five days either side of the due date.
    Prompt,
    /// Pays 10 to 30 days late.
    Slow,
    /// Pays 30 to 90 days late, later and later over time.
    Late,
    /// Paid normally, then stopped paying two to five months before `as_of`.
    Stopped,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryKind {
    Order,
    Invoice,
    Payment,
}

impl EntryKind {
    /// Same-day entries sort order, invoice, payment.
    fn rank(self) -> u8 {
        self as u8
    }

    fn prefix(self) -> &'static str {
        match self {
            EntryKind::Order => "SO",
            EntryKind::Invoice => "INV",
            EntryKind::Payment => "PAY",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoEntry {
    pub kind: EntryKind,
    /// Document number, unique in the data set; doubles as the idempotency key.
    pub id: String,
    /// Order date, invoice issue date or payment value date.
    pub date: Date,
    /// Invoices only: issue date + the customer's terms.
    pub due: Option<Date>,
    /// Positive, two decimal places, CNY.
    pub amount: Money,
    /// Payments only: the invoice they settle (in part or in full).
    pub applies_to: Option<String>,
    /// Invoices only: the order they bill.
    pub order: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCustomer {
    /// "C" + 5 digits.
    pub id: CustomerId,
    /// ERP customer number, "KH-" + 5 digits.
    pub number: String,
    /// Legal name: Chinese for Chinese companies, English for the others.
    pub name: String,
    /// English name of a Chinese company; `None` when `name` is already English.
    pub name_en: Option<String>,
    /// Unified social credit code of every Chinese company.
    pub usci: Option<Usci>,
    /// ISO 3166 alpha-2 country code.
    pub country: String,
    /// Sector, in Chinese (电子元器件, 通用设备制造, ...).
    pub industry: String,
    pub registered_capital: Money,
    pub founded: Date,
    /// The sales rep: "sales", "sales-2" or "sales-3".
    pub owner: Option<UserId>,
    pub behaviour: Behaviour,
    pub grade: Grade,
    /// Whole ¥10,000; cut for stopped payers, zero for the blacklisted.
    pub credit_limit: Money,
    /// 30, 45, 60 or 90.
    pub terms_days: u32,
    /// Stopped payers, and late payers more than 60 days past due.
    pub on_hold: bool,
    pub blacklisted: bool,
    /// Sorted by date, then order, invoice, payment.
    pub ledger: Vec<DemoEntry>,
    /// Open invoice amounts plus uninvoiced order amounts, as of `as_of`.
    pub exposure: Money,
    /// Open invoice amounts due before `as_of`.
    pub overdue: Money,
    /// Days past due of the oldest open overdue invoice; 0 if none.
    pub oldest_overdue_days: u32,
}

/// Generates `customers` customers with history up to `as_of`. Same arguments, same data.
pub fn generate(seed: u64, as_of: Date, customers: usize) -> DemoData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut foreign = names::FOREIGN.to_vec();
    foreign.shuffle(&mut rng);
    let mix = behaviour_mix(&mut rng, customers);
    let mut builder = Builder {
        rng,
        as_of,
        start: as_of - Duration::days(HISTORY_DAYS),
        names: HashSet::new(),
        codes: HashSet::new(),
        trade_names: names::trade_names(),
        foreign,
    };
    let mut list: Vec<DemoCustomer> = mix
        .into_iter()
        .enumerate()
        .map(|(i, behaviour)| builder.customer(i + 1, behaviour))
        .collect();
    number_documents(&mut list);
    for c in &mut list {
        (c.exposure, c.overdue, c.oldest_overdue_days) = figures(&c.ledger, as_of);
        c.on_hold |= c.behaviour == Behaviour::Late && c.oldest_overdue_days > 60;
    }
    // The worst one or two stopped payers are on the blacklist as well.
    let mut stopped: Vec<usize> = (0..list.len())
        .filter(|&i| list[i].behaviour == Behaviour::Stopped)
        .collect();
    stopped.sort_by_key(|&i| std::cmp::Reverse(list[i].overdue.amount));
    for &i in stopped.iter().take(if customers >= 100 { 2 } else { 1 }) {
        list[i].blacklisted = true;
        list[i].credit_limit = cny(0);
    }
    DemoData {
        as_of,
        customers: list,
    }
}

/// Exposure, overdue amount and days past due of the oldest overdue invoice, as of `as_of`.
///
/// Exposure is every invoice's unpaid amount plus every order's uninvoiced amount; overdue
/// is the unpaid amount of invoices due before `as_of`. Entries dated after `as_of` are
/// ignored.
pub fn figures(ledger: &[DemoEntry], as_of: Date) -> (Money, Money, u32) {
    let zero = Decimal::new(0, 2);
    let mut invoiced: HashMap<&str, Decimal> = HashMap::new();
    let mut paid: HashMap<&str, Decimal> = HashMap::new();
    for e in ledger.iter().filter(|e| e.date <= as_of) {
        let (map, key) = match e.kind {
            EntryKind::Invoice => (&mut invoiced, e.order.as_deref()),
            EntryKind::Payment => (&mut paid, e.applies_to.as_deref()),
            EntryKind::Order => continue,
        };
        if let Some(key) = key {
            *map.entry(key).or_insert(zero) += e.amount.amount;
        }
    }
    let (mut exposure, mut overdue, mut oldest) = (zero, zero, 0u32);
    for e in ledger.iter().filter(|e| e.date <= as_of) {
        let (billed, due) = match e.kind {
            EntryKind::Order => (&invoiced, None),
            EntryKind::Invoice => (&paid, e.due),
            EntryKind::Payment => continue,
        };
        let done = billed.get(e.id.as_str()).copied().unwrap_or(zero);
        let open = (e.amount.amount - done).max(zero);
        if open <= zero {
            continue;
        }
        exposure += open;
        if let Some(due) = due.filter(|&d| d < as_of) {
            overdue += open;
            oldest = oldest.max(u32::try_from((as_of - due).whole_days()).unwrap_or(0));
        }
    }
    let money = |amount| Money::new(amount, Currency::CNY);
    (money(exposure), money(overdue), oldest)
}

fn cny(cents: i64) -> Money {
    Money::new(Decimal::new(cents, 2), Currency::CNY)
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

/// Exactly 15% slow, 10% late and 5% stopped (rounded, at least one each from ten
/// customers on), the rest prompt, in random order.
fn behaviour_mix(rng: &mut ChaCha8Rng, n: usize) -> Vec<Behaviour> {
    let mut mix = Vec::with_capacity(n);
    for (b, pct) in [
        (Behaviour::Slow, 15),
        (Behaviour::Late, 10),
        (Behaviour::Stopped, 5),
    ] {
        let k = ((n * pct + 50) / 100).max(usize::from(n >= 10));
        mix.extend(std::iter::repeat_n(b, k));
    }
    mix.truncate(n);
    mix.resize(n, Behaviour::Prompt);
    mix.shuffle(rng);
    mix
}

/// Rewrites the provisional per-customer ids to document numbers that run per kind and
/// year in date order across all customers, and the references with them.
fn number_documents(customers: &mut [DemoCustomer]) {
    let mut all: Vec<(Date, u8, usize, usize)> = Vec::new();
    for (c, customer) in customers.iter().enumerate() {
        for (e, entry) in customer.ledger.iter().enumerate() {
            all.push((entry.date, entry.kind.rank(), c, e));
        }
    }
    all.sort_unstable();
    let mut counters: HashMap<(u8, i32), u32> = HashMap::new();
    let mut new_ids: Vec<Vec<String>> = customers
        .iter()
        .map(|c| vec![String::new(); c.ledger.len()])
        .collect();
    for (date, rank, c, e) in all {
        let n = counters.entry((rank, date.year())).or_insert(0);
        *n += 1;
        let prefix = customers[c].ledger[e].kind.prefix();
        new_ids[c][e] = format!("{prefix}-{}-{n:06}", date.year());
    }
    for (customer, ids) in customers.iter_mut().zip(new_ids) {
        let map: HashMap<String, String> = customer
            .ledger
            .iter()
            .map(|e| e.id.clone())
            .zip(ids)
            .collect();
        for e in &mut customer.ledger {
            e.id = map[&e.id].clone();
            e.applies_to = e.applies_to.as_ref().map(|r| map[r].clone());
            e.order = e.order.as_ref().map(|r| map[r].clone());
        }
    }
}

struct Builder {
    rng: ChaCha8Rng,
    as_of: Date,
    start: Date,
    names: HashSet<String>,
    codes: HashSet<String>,
    trade_names: Vec<(&'static str, &'static str)>,
    foreign: Vec<(&'static str, &'static str, &'static str)>,
}

/// What a customer's ledger is generated from.
struct Plan {
    behaviour: Behaviour,
    order_yuan: i64,
    cadence: i64,
    since: Date,
    orders_until: Date,
    stopped_paying: Option<Date>,
    terms: u32,
}

impl Builder {
    fn customer(&mut self, n: usize, behaviour: Behaviour) -> DemoCustomer {
        let rng = &mut self.rng;
        let tier = WeightedIndex::new(TIER_WEIGHTS).expect("tiers").sample(rng);
        let order_yuan = TIER_ORDER_YUAN[tier] * rng.gen_range(80..=125) / 100;
        let cadence = rng.gen_range(7..=42);
        // Late and stopped payers have a history to show; a third of the others are new.
        let long_standing =
            matches!(behaviour, Behaviour::Late | Behaviour::Stopped) || rng.gen_ratio(2, 3);
        let since = self.start
            + days(if long_standing {
                rng.gen_range(0..cadence)
            } else {
                rng.gen_range(60..=HISTORY_DAYS - 30)
            });
        let stopped_paying =
            (behaviour == Behaviour::Stopped).then(|| self.as_of - days(rng.gen_range(60..=150)));
        let orders_until = stopped_paying.map_or(self.as_of, |s| s + days(rng.gen_range(0..=21)));
        let terms =
            [[30, 30, 45], [30, 45, 60], [60, 60, 90]][tier.min(7) / 3][rng.gen_range(0..3)];
        let grade = match (behaviour, tier >= 5) {
            (Behaviour::Prompt, _) if long_standing && tier >= 3 => Grade::A,
            (Behaviour::Prompt, _) | (Behaviour::Slow, true) => Grade::B,
            (Behaviour::Slow, false) | (Behaviour::Late, true) => Grade::C,
            (Behaviour::Late, false) => Grade::D,
            (Behaviour::Stopped, _) => Grade::E,
        };
        // Monthly volume × (terms + 15) / 30 with headroom by grade, up to whole ¥10,000;
        // a stopped payer's limit is cut to a quarter, rounded down.
        let monthly = order_yuan * 110 / 100 * 30 / cadence;
        let pct = [150, 130, 110, 80, 25][grade as usize];
        let raw = monthly * (i64::from(terms) + 15) / 30 * pct / 100;
        let limit_yuan = match grade {
            Grade::E => raw / 10_000 * 10_000,
            _ => ((raw + 9_999) / 10_000 * 10_000).max(10_000),
        };
        let capital_step = (tier + rng.gen_range(0..=2)).saturating_sub(1).min(9);
        let min_age = 400 + 300 * tier as i64;
        let founded = (self.as_of - days(rng.gen_range(min_age..=min_age + 6_000)))
            .min(since - days(rng.gen_range(90..=400)));
        let owner = match rng.gen_range(0..10) {
            0..=3 => "sales",
            4..=6 => "sales-2",
            _ => "sales-3",
        };
        let foreign = if rng.gen_ratio(1, 25) {
            self.foreign.pop()
        } else {
            None
        };
        let (name, name_en, usci, country, industry) = match foreign {
            Some((country, name, sector)) => (name.to_owned(), None, None, country, sector),
            None => {
                let (zh, en, sector, usci) = self.chinese_identity(founded);
                (zh, Some(en), Some(usci), "CN", sector)
            }
        };
        let ledger = self.ledger(&Plan {
            behaviour,
            order_yuan,
            cadence,
            since,
            orders_until,
            stopped_paying,
            terms,
        });
        DemoCustomer {
            // The tenant's number is the id, as for any customer from the master.
            id: credence_shared::customer::customer_id_of(&format!("KH-{}", 10_000 + n)),
            number: format!("KH-{}", 10_000 + n),
            name,
            name_en,
            usci,
            country: country.to_owned(),
            industry: industry.to_owned(),
            registered_capital: cny(CAPITAL_WAN[capital_step] * 10_000 * 100),
            founded,
            owner: UserId::parse(owner).ok(),
            behaviour,
            grade,
            credit_limit: cny(limit_yuan * 100),
            terms_days: terms,
            on_hold: behaviour == Behaviour::Stopped,
            blacklisted: false,
            ledger,
            exposure: cny(0),
            overdue: cny(0),
            oldest_overdue_days: 0,
        }
    }

    /// A name unique in both languages, its English rendering, the industry sector and a
    /// unique USCI registered in the name's city.
    fn chinese_identity(&mut self, founded: Date) -> (String, String, &'static str, Usci) {
        let rng = &mut self.rng;
        for attempt in 0.. {
            let (city, city_en, _, divisions) = *names::CITIES
                .choose_weighted(rng, |c| c.2)
                .expect("weights");
            let (t, t_en) = *self.trade_names.choose(rng).expect("trade names");
            let (mut trade, mut trade_en) = (t.to_owned(), t_en.to_owned());
            if attempt > 50 {
                // The single trade names of this city are mostly taken: combine two.
                let (t2, t2_en) = *self.trade_names.choose(rng).expect("names");
                trade.push_str(t2);
                trade_en.push_str(&t2_en.to_lowercase());
            }
            let (ind, ind_en, sector, _) = *names::INDUSTRIES
                .choose_weighted(rng, |i| i.3)
                .expect("weights");
            let (suffix, suffix_en, with_industry, _) = *names::SUFFIXES
                .choose_weighted(rng, |s| s.3)
                .expect("weights");
            let (ind, ind_en) = if with_industry {
                (ind, format!(" {ind_en}"))
            } else {
                ("", String::new())
            };
            let zh = format!("{city}{trade}{ind}{suffix}");
            let en = format!("{city_en} {trade_en}{ind_en} {suffix_en}");
            if self.names.contains(&zh) || self.names.contains(&en) {
                continue;
            }
            self.names.extend([zh.clone(), en.clone()]);
            let divisions: Vec<&str> = divisions.split_whitespace().collect();
            let usci = self.usci(&divisions, founded.year() >= MA_CODES_FROM_YEAR);
            return (zh, en, sector, usci);
        }
        unreachable!("the attempt loop only ends by returning")
    }

    /// "9" (industry and commerce) "1" (enterprise), division code, organisation code, check.
    fn usci(&mut self, divisions: &[&str], new_style: bool) -> Usci {
        loop {
            let mut code = format!("91{}", divisions.choose(&mut self.rng).expect("divisions"));
            if new_style {
                code.push_str("MA");
            }
            while code.len() < 17 {
                code.push(char::from(usci::ALPHABET[self.rng.gen_range(0..31)]));
            }
            let check = usci::check_character(&code).expect("built from the alphabet");
            code.push(check);
            if self.codes.insert(code.clone()) {
                return Usci::parse(&code).expect("a code with its check character is valid");
            }
        }
    }

    /// Orders every `cadence` days (±30%), each invoiced 1–10 days later, paid per behaviour.
    fn ledger(&mut self, plan: &Plan) -> Vec<DemoEntry> {
        let mut entries = Vec::new();
        let mut date = plan.since;
        let mut k = 0;
        while date <= plan.orders_until.min(self.as_of) {
            k += 1;
            let rng = &mut self.rng;
            let cents = (plan.order_yuan * rng.gen_range(60..=160) + rng.gen_range(0..10_000))
                .clamp(500_000, 80_000_000);
            let order_id = format!("O{k}");
            entries.push(entry(EntryKind::Order, &order_id, date, cents, None));
            let issued = date + days(rng.gen_range(1..=10));
            if issued <= self.as_of {
                let id = format!("I{k}");
                let mut invoice = entry(EntryKind::Invoice, &id, issued, cents, Some(&order_id));
                invoice.due = Some(issued + days(i64::from(plan.terms)));
                self.payments(plan, &invoice, cents, &mut entries);
                entries.push(invoice);
            }
            date += days((plan.cadence * self.rng.gen_range(70..=130) / 100).max(3));
        }
        entries.sort_by_key(|e| (e.date, e.kind.rank()));
        entries
    }

    fn payments(&mut self, plan: &Plan, invoice: &DemoEntry, total: i64, out: &mut Vec<DemoEntry>) {
        let rng = &mut self.rng;
        let due = invoice.due.expect("invoices have a due date");
        let late_by = match plan.behaviour {
            Behaviour::Prompt => rng.gen_range(-5..=5),
            Behaviour::Slow => rng.gen_range(10..=30),
            Behaviour::Late => {
                let progress = (invoice.date - self.start).whole_days() * 60 / HISTORY_DAYS;
                (30 + progress + rng.gen_range(-5..=5)).clamp(30, 90)
            }
            Behaviour::Stopped => rng.gen_range(-3..=10),
        };
        let settled = (due + days(late_by)).max(invoice.date + days(1));
        let pays = |d: Date| d <= self.as_of && plan.stopped_paying.is_none_or(|s| d < s);
        let mut rest = total;
        if rng.gen_ratio(1, 60) {
            let first = total * rng.gen_range(30..=70) / 100;
            let on = (settled - days(rng.gen_range(10..=25))).max(invoice.date + days(1));
            if pays(on) {
                let id = format!("P{}a", invoice.id);
                out.push(entry(EntryKind::Payment, &id, on, first, Some(&invoice.id)));
                rest -= first;
            }
        }
        if pays(settled) {
            let id = format!("P{}", invoice.id);
            out.push(entry(
                EntryKind::Payment,
                &id,
                settled,
                rest,
                Some(&invoice.id),
            ));
        }
    }
}

/// An entry; `link` is the order an invoice bills or the invoice a payment settles.
fn entry(kind: EntryKind, id: &str, date: Date, cents: i64, link: Option<&str>) -> DemoEntry {
    let link = link.map(str::to_owned);
    DemoEntry {
        kind,
        id: id.to_owned(),
        date,
        due: None,
        amount: cny(cents),
        applies_to: link.clone().filter(|_| kind == EntryKind::Payment),
        order: link.filter(|_| kind == EntryKind::Invoice),
    }
}

#[cfg(test)]
mod tests;
