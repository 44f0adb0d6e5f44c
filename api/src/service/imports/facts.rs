//! Files of facts: open items and ledger rows go in as ledger events (through
//! `service::ledger::ingest`, so they are validated, converted, folded and recomputed like
//! an ERP's events, and replays are duplicates by their keys), rates as exchange rates,
//! signals as recorded signals, outcomes as the scoring lab's imported outcomes.

use super::{issue, issues_of};
use crate::{
    auth::Principal,
    error::ApiError,
    service::{Ctx, ledger, watch},
};
use credence_shared::{
    credit::{EventOutcome, IncomingEvent},
    customer::customer_id_of,
    import::{batch::RowOutcome, events::ImportRow, rows::RowIssue},
    messages::code,
};

type Outcomes = Vec<(usize, Result<RowOutcome, Vec<RowIssue>>)>;

/// The row field an ingest rejection is about: from its path (`events[3].event.due_date`
/// → `due`) or, when the ledger refused the whole entry, from what it says.
fn field_of(path: &str, detail: &str) -> &'static str {
    let inner = path.split_once(']').map_or(path, |(_, rest)| rest);
    if inner.is_empty() || inner == ".event" {
        return if detail.contains("more than") || detail.contains("amount") {
            "amount"
        } else if detail.contains("no invoice") || detail.contains("dispute") {
            "applies_to"
        } else if detail.contains("already exists") {
            "document"
        } else if detail.contains("exchange rate") || detail.contains("currency") {
            "currency"
        } else {
            "row"
        };
    }
    if inner.contains("customer_id") {
        "customer"
    } else if inner.contains("due_date") {
        "due"
    } else if inner.contains("amount") || inner.contains("allocations") {
        "amount"
    } else if inner.contains("invoice") {
        "applies_to"
    } else if inner == ".date" {
        "date"
    } else {
        "row"
    }
}

fn unknown_customer() -> Vec<RowIssue> {
    vec![issue(
        "customer",
        code::CUSTOMER_UNKNOWN,
        "no such customer: import the customer file first",
    )]
}

/// Open items and ledger rows, written or (in a dry run) weighed by the ledger itself: a
/// dry run folds each row into its customer's stored ledger with the batch's other rows, so
/// a payment above what is open or a credit note for an unknown invoice is found before
/// the commit.
pub async fn events(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: Vec<(usize, ImportRow)>,
    dry_run: bool,
) -> Result<Outcomes, ApiError> {
    let events: Vec<(usize, IncomingEvent)> = read
        .into_iter()
        .filter_map(|(i, row)| match row {
            ImportRow::Event(e) => Some((i, *e)),
            _ => None,
        })
        .collect();
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let body = serde_json::json!({
        "events": events.iter().map(|(_, e)| e).collect::<Vec<_>>(),
    });
    let mode = if dry_run {
        ledger::Mode::DryRun
    } else {
        ledger::Mode::Write
    };
    let response = ledger::ingest_as(ctx, who, body, mode).await?;
    let mut out = Vec::with_capacity(events.len());
    for result in response.results {
        let (index, outcome) = match result {
            EventOutcome::Accepted { index, .. } => (index, Ok(RowOutcome::Created)),
            EventOutcome::Duplicate { index, .. } => (index, Ok(RowOutcome::Unchanged)),
            EventOutcome::Rejected {
                index,
                field,
                detail,
                ..
            } => {
                if detail.contains("unknown customer") {
                    (index, Err(unknown_customer()))
                } else {
                    // The ledger counts entries of its batch; the row has its own line.
                    let detail = match detail.split_once(": ") {
                        Some((entry, rest)) if entry.starts_with("entry ") => rest.to_owned(),
                        _ => detail,
                    };
                    let field = field_of(&field, &detail);
                    (index, Err(vec![issue(field, code::INVALID_VALUE, detail)]))
                }
            }
        };
        if let Some((row, _)) = events.get(index) {
            out.push((*row, outcome));
        }
    }
    Ok(out)
}

/// Exchange-rate rows: a rate already stored for the same day is unchanged (or updated when
/// it differs).
pub async fn rates(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: Vec<(usize, ImportRow)>,
    dry_run: bool,
) -> Result<Outcomes, ApiError> {
    let mut out = Vec::with_capacity(read.len());
    for (i, row) in read {
        let ImportRow::Rate(rate) = row else { continue };
        let stored = ctx
            .store
            .fx_rate_on(&who.tenant, rate.from, rate.to, rate.date)
            .await?
            .filter(|r| r.date() == rate.date);
        let outcome = match stored {
            Some(r) if r.rate() == rate.rate => RowOutcome::Unchanged,
            Some(_) => RowOutcome::Updated,
            None => RowOutcome::Created,
        };
        if dry_run || outcome == RowOutcome::Unchanged {
            out.push((i, Ok(outcome)));
            continue;
        }
        let written = ledger::put_fx_rate(ctx, who, rate).await;
        out.push((i, written.map(|()| outcome).map_err(|e| issues_of(&e))));
    }
    Ok(out)
}

/// Signal rows: a signal's key is its content, so the same signal again is unchanged.
pub async fn signals(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: Vec<(usize, ImportRow)>,
    dry_run: bool,
) -> Result<Outcomes, ApiError> {
    let mut out = Vec::with_capacity(read.len());
    for (i, row) in read {
        let ImportRow::Signal { customer, signal } = row else {
            continue;
        };
        let id = customer_id_of(&customer);
        let outcome = if dry_run {
            match ctx.store.get_customer(&who.tenant, &id).await? {
                Some(_) => Ok(RowOutcome::Created),
                None => Err(unknown_customer()),
            }
        } else {
            match watch::add_signal(ctx, who, id.as_str(), signal).await {
                Ok(true) => Ok(RowOutcome::Created),
                Ok(false) => Ok(RowOutcome::Unchanged),
                Err(ApiError::NotFound) => Err(unknown_customer()),
                Err(e) => Err(issues_of(&e)),
            }
        };
        out.push((i, outcome));
    }
    Ok(out)
}

/// Outcome rows: one per customer and day; the same outcome again is unchanged, another
/// for the same day replaces it.
pub async fn outcomes(
    ctx: &Ctx<'_>,
    who: &Principal,
    read: Vec<(usize, ImportRow)>,
    dry_run: bool,
) -> Result<Outcomes, ApiError> {
    let mut out = Vec::with_capacity(read.len());
    for (i, row) in read {
        let ImportRow::Outcome { customer, outcome } = row else {
            continue;
        };
        let id = customer_id_of(&customer);
        if ctx.store.get_customer(&who.tenant, &id).await?.is_none() {
            out.push((i, Err(unknown_customer())));
            continue;
        }
        let result = if dry_run {
            Ok(RowOutcome::Created)
        } else {
            match ctx.store.put_outcome(&who.tenant, &id, &outcome).await {
                Ok(done) => Ok(done),
                Err(crate::store::StoreError::ConditionFailed) => Err(vec![issue(
                    "date",
                    code::VERSION_CONFLICT,
                    "another import wrote this day's outcome at the same moment; import again",
                )]),
                Err(e) => return Err(e.into()),
            }
        };
        out.push((i, result));
    }
    Ok(out)
}
