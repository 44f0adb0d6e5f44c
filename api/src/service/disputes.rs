//! Disputes as cases. The ledger says what is disputed (`dispute_opened`, `dispute_resolved`
//! — dunning skips a disputed part while it is open); the case beside it says who works it,
//! why, and how it ended. Opening or resolving one here writes the ledger event first (under
//! an idempotency key derived from the request's, so a retry never doubles it) and then the
//! case over its version, with a line in the customer's activity.

use std::collections::BTreeMap;

use credence_shared::credit::{EventOutcome, IngestResponse};
use credence_shared::engine::Book;
use credence_shared::engine::open_items::OpenInvoice;
use credence_shared::messages::code;
use credence_shared::watch::{
    Activity, ActivityDetail, ActivityKind, DisputeCase, DisputeReason, DisputeResolution,
    DisputeStatus, DisputeUpdate, NewDispute, Resolution,
};
use credence_shared::{CustomerId, Money, Role};
use sha2::Digest;
use tracing::instrument;

use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;
use crate::service::Ctx;
use crate::store::StoreError;
use crate::store::credit::CreditRecord;

fn customer(raw: &str) -> CustomerId {
    credence_shared::customer::customer_id_of(raw)
}

/// The dispute number a request's key gives on a customer (the same key, the same dispute).
fn dispute_id(customer: &CustomerId, key: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{customer}\n{key}").as_bytes());
    format!("DSP-{}", &hex::encode(digest)[..12].to_ascii_uppercase())
}

/// The ledger's idempotency key (unique in the tenant) of `what` happening to `dispute`
/// of `customer`.
fn ledger_key(what: &str, customer: &CustomerId, dispute: &str) -> String {
    let digest = sha2::Sha256::digest(format!("{customer}\n{dispute}").as_bytes());
    format!("credence:{what}:{}", &hex::encode(digest)[..32])
}

/// The customer's disputes as cases, open ones first, newest first.
async fn cases_of(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
) -> Result<Vec<DisputeCase>, ApiError> {
    let record = ctx.store.get_credit(&who.tenant, id).await?;
    cases_with(ctx, who, id, record.as_ref()).await
}

/// [`cases_of`] on the credit file the caller read already.
async fn cases_with(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    record: Option<&CreditRecord>,
) -> Result<Vec<DisputeCase>, ApiError> {
    let Some(record) = record else {
        return Ok(Vec::new());
    };
    let currency = record.state.currency;
    let entries: Vec<_> = ctx
        .store
        .get_ledger(&who.tenant, id)
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect();
    let book = Book::fold(currency, &entries, ctx.clock.today()).map_err(|e| {
        ApiError::Internal(anyhow::anyhow!("the ledger of {id} does not fold: {e}"))
    })?;
    let mut kept: BTreeMap<String, DisputeCase> = ctx
        .store
        .dispute_cases(&who.tenant, id)
        .await?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut cases: Vec<DisputeCase> = book
        .disputes
        .iter()
        .map(|d| {
            let invoice = book.invoices[d.invoice].invoice.as_str().to_owned();
            let status = if d.resolved.is_some() {
                DisputeStatus::Resolved
            } else {
                DisputeStatus::Open
            };
            let mut case = kept.remove(d.dispute.as_str()).unwrap_or(DisputeCase {
                id: d.dispute.as_str().to_owned(),
                customer_id: id.clone(),
                invoice: invoice.clone(),
                amount: Money::new(d.amount, currency),
                opened: d.opened,
                closed: None,
                status,
                reason: DisputeReason::Other,
                note: String::new(),
                owner: None,
                opened_by: "ledger".into(),
                resolution: None,
                version: 0,
            });
            // The ledger's facts win over what the case remembers.
            case.invoice = invoice;
            case.amount = Money::new(d.amount, currency);
            case.opened = d.opened;
            case.closed = d.resolved;
            case.status = status;
            case
        })
        .collect();
    cases.sort_by(|a, b| {
        (a.status == DisputeStatus::Resolved)
            .cmp(&(b.status == DisputeStatus::Resolved))
            .then(b.opened.cmp(&a.opened))
            .then(a.id.cmp(&b.id))
    });
    Ok(cases)
}

/// Who may work a customer's disputes: people who work collections and see invoices.
async fn may_work(ctx: &Ctx<'_>, who: &Principal, id: &CustomerId) -> Result<(), ApiError> {
    super::customers::visible_customer(ctx, who, id).await?;
    policy::require(who, Action::WorkCollections)?;
    policy::require(who, Action::SeeInvoiceDetail)
}

/// `GET /v1/customers/{id}/disputes`: the cases, and the open invoices a new one may name
/// (with what is open and not yet disputed).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn disputes(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<(Vec<DisputeCase>, Vec<OpenInvoice>), ApiError> {
    let id = customer(raw_id);
    may_work(ctx, who, &id).await?;
    let record = ctx.store.get_credit(&who.tenant, &id).await?;
    let cases = cases_with(ctx, who, &id, record.as_ref()).await?;
    let open = match record {
        Some(record) => record
            .state
            .open_items
            .invoices
            .into_iter()
            .filter(|i| i.open.amount > i.disputed.amount.max(rust_decimal::Decimal::ZERO))
            .collect(),
        None => Vec::new(),
    };
    Ok((cases, open))
}

/// Posts one ledger event of the customer as `who` (the case's author), through the same
/// ingestion as the ERP's events; a rejection becomes a field error on `field`.
async fn post_event(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    key: String,
    event: serde_json::Value,
    field: &str,
) -> Result<(), ApiError> {
    // People who work disputes need not be allowed to post the ERP's events; the event is
    // the one this use case writes, under its own key.
    let poster = Principal {
        roles: vec![Role::Finance],
        scopes: Vec::new(),
        ..who.clone()
    };
    let body = serde_json::json!({ "events": [{
        "idempotency_key": key,
        "customer_id": id.as_str(),
        "date": ctx.clock.today().to_string(),
        "event": event,
    }]});
    let answer: IngestResponse = super::ledger::ingest(ctx, &poster, body).await?;
    match answer.results.first() {
        Some(EventOutcome::Accepted { .. } | EventOutcome::Duplicate { .. }) => Ok(()),
        Some(EventOutcome::Rejected { detail, .. }) => {
            Err(ApiError::field(field, code::NOT_APPLICABLE, detail.clone()))
        }
        None => Err(ApiError::Internal(anyhow::anyhow!(
            "the ledger answered nothing"
        ))),
    }
}

fn activity(
    ctx: &Ctx<'_>,
    who: &Principal,
    kind: ActivityKind,
    case: &DisputeCase,
    text: String,
) -> Activity {
    Activity {
        at: ctx.clock.now(),
        kind,
        by: who.username.clone(),
        text,
        detail: ActivityDetail {
            amount: Some(
                case.resolution
                    .as_ref()
                    .and_then(|r| r.credited)
                    .unwrap_or(case.amount),
            ),
            reference: Some(case.id.clone()),
            dispute_reason: Some(case.reason),
            outcome: case.resolution.as_ref().map(|r| r.outcome),
            owner: case.owner.clone(),
            ..ActivityDetail::default()
        },
    }
}

/// Writes `case` over `expected` with its activity line; a lost race is a 409.
async fn write_case(
    ctx: &Ctx<'_>,
    who: &Principal,
    case: &DisputeCase,
    expected: Option<u64>,
    line: Activity,
) -> Result<(), ApiError> {
    let mut writes = ctx.store.watch_writes();
    writes.dispute_case(&who.tenant, case, expected)?;
    writes.activity(&who.tenant, &case.customer_id, &line)?;
    match writes.commit().await {
        Ok(_) => Ok(()),
        Err(StoreError::ConditionFailed) => Err(ApiError::conflict(
            code::VERSION_CONFLICT,
            "the dispute changed since it was read; reload and try again",
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /v1/customers/{id}/disputes`: opens a dispute on part of an open invoice (dunning
/// of that part pauses). Sent again with its key, it answers the case and `false`.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn open_dispute(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewDispute,
) -> Result<(DisputeCase, bool), ApiError> {
    let id = customer(raw_id);
    may_work(ctx, who, &id).await?;
    let dispute = dispute_id(&id, &body.idempotency_key);
    let record = ctx.store.get_credit(&who.tenant, &id).await?;
    let cases = cases_with(ctx, who, &id, record.as_ref()).await?;
    if let Some(seen) = cases.iter().find(|c| c.id == dispute && c.version > 0) {
        return Ok((seen.clone(), false));
    }
    let open = record.as_ref().and_then(|r| {
        r.state
            .open_items
            .invoices
            .iter()
            .find(|i| {
                i.invoice.as_str() == body.invoice.trim()
                    && i.open.amount > rust_decimal::Decimal::ZERO
            })
            .map(|i| {
                let undisputed =
                    (i.open.amount - i.disputed.amount).max(rust_decimal::Decimal::ZERO);
                Money::new(undisputed, i.open.currency)
            })
    });
    // A retry after the ledger took the event but before the case was written: the
    // dispute is in the ledger already, so what is left open no longer counts it.
    let replay = cases.iter().any(|c| c.id == dispute);
    if !replay {
        body.validate(open).map_err(ApiError::Validation)?;
        post_event(
            ctx,
            who,
            &id,
            ledger_key("dispute-opened", &id, &dispute),
            serde_json::json!({
                "type": "dispute_opened",
                "dispute": dispute,
                "invoice": body.invoice.trim(),
                "amount": body.amount,
            }),
            "amount",
        )
        .await?;
    }
    let case = DisputeCase {
        id: dispute.clone(),
        customer_id: id.clone(),
        invoice: body.invoice.trim().to_owned(),
        amount: body.amount,
        opened: ctx.clock.today(),
        closed: None,
        status: DisputeStatus::Open,
        reason: body.reason,
        note: body.note.trim().to_owned(),
        owner: Some(
            body.owner
                .as_ref()
                .map(|o| o.trim().to_owned())
                .unwrap_or_else(|| who.username.clone()),
        ),
        opened_by: who.username.clone(),
        resolution: None,
        version: 1,
    };
    let line = activity(
        ctx,
        who,
        ActivityKind::DisputeOpened,
        &case,
        // No invoice number: the activity is read by sales reps too.
        format!(
            "dispute {} opened for {} ({})",
            case.id,
            case.amount,
            case.reason.as_str()
        ),
    );
    match write_case(ctx, who, &case, None, line).await {
        Ok(()) => Ok((case, true)),
        // The same request twice at once: the other one wrote the case.
        Err(ApiError::Conflict { .. }) => {
            let cases = cases_of(ctx, who, &id).await?;
            let seen = cases.into_iter().find(|c| c.id == dispute);
            seen.map(|c| (c, false)).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("dispute {dispute} failed its condition"))
            })
        }
        Err(e) => Err(e),
    }
}

/// The case `dispute` of the customer at the version the caller read, still open.
async fn open_case(
    ctx: &Ctx<'_>,
    who: &Principal,
    id: &CustomerId,
    dispute: &str,
    version: u64,
) -> Result<DisputeCase, ApiError> {
    let case = cases_of(ctx, who, id)
        .await?
        .into_iter()
        .find(|c| c.id == dispute)
        .ok_or(ApiError::NotFound)?;
    if case.version != version {
        return Err(ApiError::conflict(
            code::VERSION_CONFLICT,
            format!(
                "the dispute is at version {}, not {version}; reload and try again",
                case.version
            ),
        ));
    }
    if case.status != DisputeStatus::Open {
        return Err(ApiError::conflict(
            code::NOT_APPLICABLE,
            "the dispute is resolved already",
        ));
    }
    Ok(case)
}

/// `PUT /v1/customers/{id}/disputes/{dispute}`: who works the case, why, and its note.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn update_dispute(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    dispute: &str,
    body: DisputeUpdate,
) -> Result<DisputeCase, ApiError> {
    let id = customer(raw_id);
    may_work(ctx, who, &id).await?;
    body.validate().map_err(ApiError::Validation)?;
    let case = open_case(ctx, who, &id, dispute, body.version).await?;
    let expected = (case.version > 0).then_some(case.version);
    let next = DisputeCase {
        reason: body.reason,
        note: body.note.trim().to_owned(),
        owner: body
            .owner
            .as_ref()
            .map(|o| o.trim().to_owned())
            .filter(|o| !o.is_empty()),
        version: case.version + 1,
        ..case
    };
    let line = activity(
        ctx,
        who,
        ActivityKind::DisputeChanged,
        &next,
        format!(
            "dispute {} updated: {} · owner {}",
            next.id,
            next.reason.as_str(),
            next.owner.as_deref().unwrap_or("nobody")
        ),
    );
    write_case(ctx, who, &next, expected, line).await?;
    Ok(next)
}

/// `POST /v1/customers/{id}/disputes/{dispute}/resolution`: closes the case and the
/// dispute in the ledger. A credit note or write-off agreed is recorded on the case; the
/// money moves when the ERP books it (its own ledger event), so it is never counted twice.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn resolve_dispute(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    dispute: &str,
    body: DisputeResolution,
) -> Result<DisputeCase, ApiError> {
    let id = customer(raw_id);
    may_work(ctx, who, &id).await?;
    policy::require(who, Action::SettleDisputes)?;
    let case = open_case(ctx, who, &id, dispute, body.version).await?;
    body.validate(case.amount).map_err(ApiError::Validation)?;
    post_event(
        ctx,
        who,
        &id,
        ledger_key("dispute-resolved", &id, &case.id),
        serde_json::json!({ "type": "dispute_resolved", "dispute": case.id }),
        "outcome",
    )
    .await?;
    let expected = (case.version > 0).then_some(case.version);
    let next = DisputeCase {
        status: DisputeStatus::Resolved,
        closed: Some(ctx.clock.today()),
        resolution: Some(Resolution {
            outcome: body.outcome,
            credited: body.credited,
            note: body.note.trim().to_owned(),
            by: who.username.clone(),
            at: ctx.clock.now(),
        }),
        version: case.version + 1,
        ..case
    };
    let line = activity(
        ctx,
        who,
        ActivityKind::DisputeResolved,
        &next,
        format!("dispute {} resolved: {}", next.id, body.outcome.as_str()),
    );
    write_case(ctx, who, &next, expected, line).await?;
    Ok(next)
}
