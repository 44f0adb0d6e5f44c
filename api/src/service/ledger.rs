//! `POST /v1/ledger/events`: a batch of business events from a source system.
//!
//! Each event is read and validated on its own, so a bad event never blocks the good ones
//! beside it. Replays are no-ops: every event carries the source's idempotency key, and an
//! event whose key was applied before is reported as a duplicate. Events of one customer are
//! applied together with the customer's recomputed credit file in one guarded transaction;
//! when another request changed the file meanwhile, the batch part is re-read and re-applied.

use super::Ctx;
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::credit::{
        self, CreditEngine, MAX_ATTEMPTS, backoff, check_against, check_group, compute_state,
        history_point,
    },
    store::{
        Store,
        credit::{BlockedOrder, CreditWrite, MAX_EVENTS_PER_WRITE, StoredEntry, WriteConflict},
        files::File,
    },
};
use credence_shared::customer::customer_id_of;
use credence_shared::orders::{CheckStep, OrderCheck, OrderStatus};
use credence_shared::{
    Currency, CustomerId,
    credit::{
        EventOutcome, IncomingEvent, IngestResponse, MAX_EVENTS_PER_BATCH, valid_idempotency_key,
    },
    engine::{Book, CheckResult, Decision, LedgerEntry, LedgerEvent, OrderRequest, RuleSeverity},
    money::FxRate,
};
use credence_shared::{Money, dto::FieldError, messages::code};
use futures_util::StreamExt;
use std::collections::{BTreeMap, HashMap, HashSet};
use time::Date;
use tracing::instrument;

/// One event that passed the checks that need no stored state.
struct Candidate {
    index: usize,
    key: String,
    entry: LedgerEntry,
}

/// Reads the batch body: `{"events": [...]}`.
pub fn parse_batch(body: &serde_json::Value) -> Result<&Vec<serde_json::Value>, ApiError> {
    let events = body
        .as_object()
        .and_then(|o| o.get("events"))
        .ok_or_else(|| ApiError::field("events", code::EVENTS_SHAPE, "send {\"events\": [ ... ]}"))?
        .as_array()
        .ok_or_else(|| {
            ApiError::field("events", code::EVENTS_SHAPE, "must be an array of events")
        })?;
    if events.is_empty() || events.len() > MAX_EVENTS_PER_BATCH {
        return Err(ApiError::from(
            FieldError::new(
                "events",
                code::LIST_LENGTH,
                format!("send 1 to {MAX_EVENTS_PER_BATCH} events per request"),
            )
            .with("min", 1)
            .with("max", MAX_EVENTS_PER_BATCH),
        ));
    }
    if let Some(o) = body.as_object()
        && let Some(extra) = o.keys().find(|k| *k != "events")
    {
        return Err(ApiError::field(
            extra.clone(),
            code::UNKNOWN_FIELD,
            "unknown field",
        ));
    }
    Ok(events)
}

fn rejected(
    index: usize,
    key: Option<&str>,
    field: &str,
    detail: impl Into<String>,
) -> EventOutcome {
    EventOutcome::Rejected {
        index,
        idempotency_key: key.map(str::to_owned),
        field: format!(
            "events[{index}]{}{field}",
            if field.is_empty() { "" } else { "." }
        ),
        detail: detail.into(),
    }
}

/// Ingests a batch. Per-event outcomes come back in the order sent.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn ingest(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: serde_json::Value,
) -> Result<IngestResponse, ApiError> {
    ingest_as(ctx, who, body, Mode::Write).await
}

/// Whether an ingest writes, or only says what it would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Write,
    /// Everything but the write: each event is read, converted and folded into the
    /// customer's stored ledger with the batch's other events, and reported as it would
    /// be (an import's dry run).
    DryRun,
}

/// [`ingest`], or its dry run.
pub async fn ingest_as(
    ctx: &Ctx<'_>,
    who: &Principal,
    body: serde_json::Value,
    mode: Mode,
) -> Result<IngestResponse, ApiError> {
    let engine = &ctx.engine(&who.tenant).await?;
    let (store, clock) = (ctx.store, ctx.clock);
    policy::require(who, Action::PostLedgerEvents)?;
    let raw = parse_batch(&body)?;
    let today = clock.today();
    let mut outcomes: Vec<Option<EventOutcome>> = vec![None; raw.len()];
    let mut by_customer: BTreeMap<String, Vec<Candidate>> = BTreeMap::new();
    let mut keys_in_batch: HashSet<String> = HashSet::new();

    for (index, value) in raw.iter().enumerate() {
        let key_hint = value.get("idempotency_key").and_then(|k| k.as_str());
        let event: IncomingEvent = match serde_path_to_error::deserialize(value) {
            Ok(e) => e,
            Err(err) => {
                let path = err.path().to_string();
                let field = if path == "." { String::new() } else { path };
                outcomes[index] = Some(rejected(index, key_hint, &field, err.inner().to_string()));
                continue;
            }
        };
        let key = event.idempotency_key.clone();
        if !valid_idempotency_key(&key) {
            outcomes[index] = Some(rejected(
                index,
                None,
                "idempotency_key",
                "1 to 128 of A-Z a-z 0-9 - _ . : /",
            ));
            continue;
        }
        if !keys_in_batch.insert(key.clone()) {
            outcomes[index] = Some(EventOutcome::Duplicate {
                index,
                idempotency_key: key,
            });
            continue;
        }
        // The tenant's own customer number or Credence's id: one maps to the other.
        if event.customer_id.trim().is_empty() || event.customer_id.chars().count() > 64 {
            outcomes[index] = Some(rejected(
                index,
                Some(&key),
                "customer_id",
                "unknown customer",
            ));
            continue;
        }
        if let Err(e) = event.check_bounds(today) {
            outcomes[index] = Some(rejected(index, Some(&key), &e.field, e.message));
            continue;
        }
        by_customer
            .entry(customer_id_of(&event.customer_id).to_string())
            .or_default()
            .push(Candidate {
                index,
                key,
                entry: LedgerEntry::new(event.date, event.event),
            });
    }

    // Replays: keys applied by an earlier request.
    let all_keys: Vec<&str> = by_customer
        .values()
        .flatten()
        .map(|c| c.key.as_str())
        .collect();
    let applied = store.applied_keys(&who.tenant, &all_keys).await?;
    for candidates in by_customer.values_mut() {
        candidates.retain(|c| {
            if applied.contains(&c.key) {
                outcomes[c.index] = Some(EventOutcome::Duplicate {
                    index: c.index,
                    idempotency_key: c.key.clone(),
                });
                false
            } else {
                true
            }
        });
    }

    // Customers at once, up to CUSTOMERS_AT_ONCE; each customer's events in order, in
    // chunks, each chunk one guarded write.
    // Their profiles and files read together first (one call per 50 customers).
    let ids: Vec<CustomerId> = by_customer.keys().map(|c| customer_id_of(c)).collect();
    let mut files = store.get_files(&who.tenant, &ids).await?;
    let work: Vec<_> = by_customer
        .into_iter()
        .map(|(customer, candidates)| {
            let id = customer_id_of(&customer);
            let file = files.remove(&id);
            (id, candidates, file)
        })
        .collect();
    let per_customer = futures_util::stream::iter(work)
        .map(|(id, candidates, mut file)| async move {
            let mut rates = RateCache::default();
            let mut ledger = LedgerCache::default();
            let mut done = Vec::with_capacity(candidates.len());
            for chunk in candidates.chunks(MAX_EVENTS_PER_WRITE) {
                done.extend(
                    apply_chunk(
                        ctx,
                        engine,
                        who,
                        (&id, file.take()),
                        chunk,
                        (&mut rates, &mut ledger),
                        mode,
                    )
                    .await?,
                );
            }
            Ok::<_, ApiError>(done)
        })
        .buffer_unordered(CUSTOMERS_AT_ONCE)
        .collect::<Vec<_>>()
        .await;
    for results in per_customer {
        for outcome in results? {
            let index = match &outcome {
                EventOutcome::Accepted { index, .. }
                | EventOutcome::Duplicate { index, .. }
                | EventOutcome::Rejected { index, .. } => *index,
            };
            outcomes[index] = Some(outcome);
        }
    }

    let results: Vec<EventOutcome> = outcomes
        .into_iter()
        .enumerate()
        .map(|(index, o)| o.unwrap_or_else(|| rejected(index, None, "", "not processed")))
        .collect();
    let count = |f: fn(&EventOutcome) -> bool| results.iter().filter(|o| f(o)).count();
    Ok(IngestResponse {
        accepted: count(|o| matches!(o, EventOutcome::Accepted { .. })),
        duplicates: count(|o| matches!(o, EventOutcome::Duplicate { .. })),
        rejected: count(|o| matches!(o, EventOutcome::Rejected { .. })),
        results,
    })
}

/// How many customers of one batch are posted at once: enough to finish a 500-event batch
/// of 50 customers well inside the function's timeout, few enough not to burst DynamoDB.
const CUSTOMERS_AT_ONCE: usize = 16;

/// A customer's stored ledger as of one credit-file version, kept between the chunks of
/// one request: every change to the ledger bumps that version, so while the file read
/// still has it, the entries are current and need not be read again.
#[derive(Default)]
struct LedgerCache {
    version: Option<u64>,
    /// With their keys: a write that adds entries packs the whole ledger.
    stored: Vec<StoredEntry>,
}

impl LedgerCache {
    /// The entries of the file `record` (read from the store unless kept, or unless the
    /// file says it has none).
    async fn entries(
        &mut self,
        store: &Store,
        who: &Principal,
        id: &CustomerId,
        record: Option<&crate::store::credit::CreditRecord>,
    ) -> Result<Vec<LedgerEntry>, ApiError> {
        let version = record.map(|r| r.version);
        if version.is_none() || self.version != version {
            self.stored = if record.and_then(|r| r.entries) == Some(0) {
                Vec::new()
            } else {
                store.get_ledger(&who.tenant, id).await?
            };
            self.version = version;
        }
        Ok(self.stored.iter().map(|e| e.entry.clone()).collect())
    }

    /// The whole ledger once `accepted` is added to what is kept.
    fn with(&self, accepted: &[StoredEntry]) -> Vec<StoredEntry> {
        self.stored.iter().chain(accepted).cloned().collect()
    }

    /// After a write (or a dry run) at `version` whose ledger is `stored`.
    fn keep(&mut self, version: Option<u64>, stored: Vec<StoredEntry>) {
        self.version = version;
        self.stored = stored;
    }
}

#[derive(Default)]
struct RateCache(HashMap<(Currency, Currency, Date), Option<FxRate>>);

impl RateCache {
    async fn get(
        &mut self,
        store: &Store,
        who: &Principal,
        from: Currency,
        to: Currency,
        date: Date,
    ) -> Result<Option<FxRate>, ApiError> {
        if let Some(rate) = self.0.get(&(from, to, date)) {
            return Ok(*rate);
        }
        let mut rate = store.fx_rate_on(&who.tenant, from, to, date).await?;
        if rate.is_none() {
            rate = store
                .fx_rate_on(&who.tenant, to, from, date)
                .await?
                .map(|r| r.inverse());
        }
        self.0.insert((from, to, date), rate);
        Ok(rate)
    }
}

/// Converts an event's amounts into the account currency with the rate of its date.
async fn convert(
    store: &Store,
    who: &Principal,
    rates: &mut RateCache,
    account: Currency,
    entry: &mut LedgerEntry,
) -> Result<(), (String, String)> {
    let date = entry.date;
    for money in entry.event.amounts_mut() {
        if money.currency == account {
            continue;
        }
        let rate = rates
            .get(store, who, money.currency, account, date)
            .await
            .map_err(|_| ("event".to_owned(), "exchange rates are unavailable".to_owned()))?
            .ok_or_else(|| {
                (
                    "event".to_owned(),
                    format!(
                        "no exchange rate {}→{account} on or before {date}; an admin maintains rates",
                        money.currency
                    ),
                )
            })?;
        *money = money
            .convert(&rate)
            .map(|m| m.rounded())
            .map_err(|e| ("event".to_owned(), e.to_string()))?;
    }
    Ok(())
}

/// Applies one customer's events (at most [`MAX_EVENTS_PER_WRITE`]) with retries, starting
/// from the customer's file when it was read with the batch.
async fn apply_chunk(
    ctx: &Ctx<'_>,
    engine: &CreditEngine,
    who: &Principal,
    (id, mut read): (&CustomerId, Option<File>),
    chunk: &[Candidate],
    (rates, ledger): (&mut RateCache, &mut LedgerCache),
    mode: Mode,
) -> Result<Vec<EventOutcome>, ApiError> {
    let (store, clock) = (ctx.store, ctx.clock);
    let today = clock.today();
    for attempt in 0..MAX_ATTEMPTS {
        // The file read with the batch's others, first; after a conflict, read again.
        let (customer, record) = match read.take() {
            Some(file) => (file.customer, file.credit),
            None => (
                store.get_customer(&who.tenant, id).await?,
                store.get_credit(&who.tenant, id).await?,
            ),
        };
        let Some(customer) = customer else {
            return Ok(chunk
                .iter()
                .map(|c| rejected(c.index, Some(&c.key), "customer_id", "unknown customer"))
                .collect());
        };
        let currency = record
            .as_ref()
            .map_or(customer.credit_limit.currency, |r| r.state.currency);
        let mut entries = ledger.entries(store, who, id, record.as_ref()).await?;

        // Keys applied by a request that raced this one (a retry after a conflict).
        let keys: Vec<&str> = chunk.iter().map(|c| c.key.as_str()).collect();
        let applied = if attempt == 0 {
            HashSet::new()
        } else {
            store.applied_keys(&who.tenant, &keys).await?
        };

        let mut results = Vec::new();
        let mut accepted: Vec<StoredEntry> = Vec::new();
        let mut blocked = Vec::new();
        let mut shipments = Vec::new();
        let mut fresh = None;
        let mut checks: HashMap<usize, CheckResult> = HashMap::new();
        let mut converted = Vec::with_capacity(chunk.len());
        for c in chunk {
            if applied.contains(&c.key) {
                results.push(EventOutcome::Duplicate {
                    index: c.index,
                    idempotency_key: c.key.clone(),
                });
                continue;
            }
            let mut entry = c.entry.clone();
            if let Err((field, detail)) = convert(store, who, rates, currency, &mut entry).await {
                results.push(rejected(c.index, Some(&c.key), &field, detail));
                continue;
            }
            converted.push((c, entry));
        }
        // When the ledger with every event of the chunk folds, each is valid: one fold for
        // the chunk instead of one per event (which is what a long ledger cannot afford).
        let all_fold = {
            let before = entries.len();
            entries.extend(converted.iter().map(|(_, e)| e.clone()));
            let last = converted.iter().map(|(_, e)| e.date).max().unwrap_or(today);
            let folds = Book::fold(currency, &entries, today.max(last)).is_ok();
            entries.truncate(before);
            folds
        };
        for (c, entry) in converted {
            entries.push(entry.clone());
            // The ledger with this event must still fold: no payment above what is open,
            // no unknown invoice, no duplicate document, due date after issue…
            let as_of = today.max(entry.date);
            let folded = if all_fold && !matches!(entry.event, LedgerEvent::OrderPlaced { .. }) {
                Ok(())
            } else {
                Book::fold(currency, &entries, as_of).map(drop)
            };
            match folded {
                Ok(()) => {
                    let steps = engine.policy.check().steps;
                    if let LedgerEvent::OrderPlaced { order, amount } = &entry.event
                        && steps.order != RuleSeverity::Off
                    {
                        // The check runs on the exposure before this order.
                        entries.pop();
                        let before = Book::fold(currency, &entries, as_of)
                            .map(|b| b.open_items())
                            .ok();
                        // A customer without a credit file yet is checked against the
                        // file its ledger so far gives (an order is never let through
                        // unchecked).
                        // (One file per chunk: the ledger before the chunk's first order.)
                        if record.is_none() && fresh.is_none() {
                            fresh = compute_state(
                                engine,
                                id.as_str(),
                                None,
                                currency,
                                &entries,
                                credit::profile_of(&customer),
                                Default::default(),
                                today,
                            )
                            .ok()
                            .map(|(state, _)| state);
                        }
                        entries.push(entry.clone());
                        if let (Some(items), Some(state), Ok(request)) = (
                            before,
                            record.as_ref().map(|r| &r.state).or(fresh.as_ref()),
                            OrderRequest::new(*amount),
                        ) {
                            let mut state = state.clone();
                            state.open_items = items;
                            let mut result = check_against(engine, &state, &request, today)?;
                            check_group(ctx, who, &state, &request, &mut result).await?;
                            // The tenant's policy says whether a failing order waits on
                            // the desk or is only answered.
                            if result.decision == Decision::Block
                                && steps.order == RuleSeverity::Block
                            {
                                blocked.push(BlockedOrder {
                                    customer_id: id.to_string(),
                                    customer_name: customer.name.clone(),
                                    customer_number: customer.number.clone(),
                                    idempotency_key: c.key.clone(),
                                    date: entry.date,
                                    order: order.to_string(),
                                    amount: *amount,
                                    reasons: result.reasons.clone(),
                                    status: OrderStatus::Blocked,
                                    blocked_at: Some(clock.now()),
                                    checks: vec![OrderCheck {
                                        at: clock.now(),
                                        step: CheckStep::Order,
                                        result: result.clone(),
                                    }],
                                    release: None,
                                    closed_by: None,
                                    close_reason: None,
                                    shipped: None,
                                    told: None,
                                    version: 1,
                                });
                            }
                            checks.insert(c.index, result);
                        }
                    }
                    if let LedgerEvent::OrderShipped { order, amount } = &entry.event {
                        shipments.push((order.to_string(), *amount, entry.date));
                        // A shipment of today (not a history being loaded) is checked
                        // against today's file, when the policy checks shipments: would its
                        // order pass now?
                        if entry.date >= today
                            && steps.shipment
                            && let (Some(state), Ok(request)) = (
                                record.as_ref().map(|r| &r.state),
                                OrderRequest::new(*amount),
                            )
                        {
                            let mut state = state.clone();
                            state.open_items = credence_shared::orders::exposure_without(
                                &state.open_items,
                                *amount,
                            );
                            checks.insert(c.index, check_against(engine, &state, &request, today)?);
                        }
                    }
                    // An invoice of today, when the policy checks invoices: the file of the
                    // day without the invoiced amount, asked for it again.
                    if let LedgerEvent::Invoice { amount, .. } = &entry.event
                        && steps.invoice
                        && entry.date >= today
                        && let (Some(state), Ok(request)) = (
                            record.as_ref().map(|r| &r.state),
                            OrderRequest::new(*amount),
                        )
                    {
                        let mut state = state.clone();
                        state.open_items =
                            credence_shared::orders::exposure_without(&state.open_items, *amount);
                        checks.insert(c.index, check_against(engine, &state, &request, today)?);
                    }
                    accepted.push(StoredEntry {
                        idempotency_key: c.key.clone(),
                        entry,
                    });
                }
                Err(err) => {
                    entries.pop();
                    results.push(rejected(c.index, Some(&c.key), "event", err.to_string()));
                }
            }
        }
        if accepted.is_empty() {
            return Ok(results);
        }
        if mode == Mode::DryRun {
            // The next chunk of this customer folds over these, as it would after the write.
            let whole = ledger.with(&accepted);
            ledger.keep(ledger.version, whole);
            results.extend(accepted_outcomes(chunk, accepted, checks));
            return Ok(results);
        }

        let previous = record.as_ref().map(|r| &r.state);
        let decision = previous.map(|p| p.decision.clone()).unwrap_or_default();
        let (state, summary) = compute_state(
            engine,
            id.as_str(),
            previous,
            currency,
            &entries,
            credit::profile_of(&customer),
            decision,
            today,
        )
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("ledger of {id}: {e}")))?;
        let group_delta = state.group.clone().map(|g| {
            let before = previous.map_or(rust_decimal::Decimal::ZERO, |p| {
                credence_shared::engine::metrics::exposure(&p.open_items, engine.policy.exposure())
                    .amount
            });
            (g, summary.exposure.amount - before)
        });
        let reason = format!("{} ledger event(s)", accepted.len());
        let mut state = state;
        state.orders_blocked = state.orders_blocked.saturating_add(blocked.len() as u32);
        let extra = shipped_while_blocked(ctx, who, id, &state, &mut blocked, &shipments)
            .await?
            .iter()
            .map(|(order, seen)| store.order_put(&who.tenant, order, *seen))
            .collect::<Result<Vec<_>, _>>()?;
        let write = CreditWrite {
            expected: crate::store::credit::CreditRecord::expected(record.as_ref()),
            history: history_point(previous, &state, &reason),
            state,
            summary,
            new_entries: accepted.clone(),
            ledger: Some(ledger.with(&accepted)),
            blocked,
            group_delta,
            extra,
            profile_owner: Some(customer.owner.clone()),
        };
        match store
            .write_credit(&who.tenant, id, &write, &clock.stamp())
            .await
        {
            Ok(version) => {
                if let Some(whole) = write.ledger {
                    ledger.keep(Some(version), whole);
                }
                results.extend(accepted_outcomes(chunk, accepted, checks));
                return Ok(results);
            }
            Err(WriteConflict::Version | WriteConflict::Duplicate | WriteConflict::Stale) => {
                tracing::debug!(%id, attempt, "credit file changed meanwhile; retrying");
                backoff(attempt).await;
            }
            Err(WriteConflict::Store(e)) => return Err(e.into()),
        }
    }
    Err(ApiError::Unavailable(format!(
        "too many concurrent changes to customer {id}; retry the batch (replays are safe)"
    )))
}

/// The outcomes of a chunk's accepted events, each with its order's check.
fn accepted_outcomes(
    chunk: &[Candidate],
    accepted: Vec<StoredEntry>,
    mut checks: HashMap<usize, CheckResult>,
) -> Vec<EventOutcome> {
    accepted
        .into_iter()
        .map(|e| {
            let index = chunk
                .iter()
                .find(|c| c.key == e.idempotency_key)
                .map_or(0, |c| c.index);
            EventOutcome::Accepted {
                index,
                idempotency_key: e.idempotency_key,
                check: checks.remove(&index),
            }
        })
        .collect()
}

/// `PUT /v1/fx-rates` (finance, admin).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn put_fx_rate(
    ctx: &Ctx<'_>,
    who: &Principal,
    request: credence_shared::credit::FxRateRequest,
) -> Result<(), ApiError> {
    policy::require(who, Action::ManageFxRates)?;
    credence_shared::bounds::check_date(request.date, ctx.clock.today())
        .map_err(|e| ApiError::from(e.at("date")))?;
    let rate =
        credence_shared::money::FxRate::new(request.from, request.to, request.rate, request.date)
            .map_err(|e| {
            use credence_shared::money::FxRateError;
            match e {
                FxRateError::NotPositive(_) => {
                    ApiError::field("rate", code::NUMBER_NOT_POSITIVE, e.to_string())
                }
                FxRateError::SameCurrency(_) => {
                    ApiError::field("to", code::RATE_SAME_CURRENCY, e.to_string())
                }
            }
        })?;
    Ok(ctx.store.put_fx_rate(&who.tenant, &rate).await?)
}

/// The customer's queued or rejected orders that goods were just shipped against, marked
/// (the watcher raises the alert), each with the version read: the credit write puts them
/// in its transaction. Orders blocked by this same chunk are marked in place. Only a
/// customer the check ever blocked pays for the read.
async fn shipped_while_blocked(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    state: &crate::store::credit::CreditState,
    blocked: &mut [BlockedOrder],
    shipments: &[(String, Money, Date)],
) -> Result<Vec<(BlockedOrder, u64)>, ApiError> {
    if shipments.is_empty() || state.orders_blocked == 0 {
        return Ok(Vec::new());
    }
    for (order, _) in super::orders::shipped_against(blocked, shipments) {
        if let Some(b) = blocked
            .iter_mut()
            .find(|b| b.idempotency_key == order.idempotency_key)
        {
            b.shipped = order.shipped;
        }
    }
    let stored = ctx.store.customer_orders(&who.tenant, id).await?;
    Ok(super::orders::shipped_against(&stored, shipments))
}
