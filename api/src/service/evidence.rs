//! What a customer's credit file knows apart from its ledger: the signals recorded on it and
//! its financial statements. Recording either recomputes the file at once (the score moves
//! by the model's points), in one transaction with the signal or statement item; the daily
//! re-score and every later recompute read them from the file (`Evidence`).

use credence_shared::bounds::{DateWindow, check_amount};
use credence_shared::dto::FieldError;
use credence_shared::messages::code;
use credence_shared::watch::{NewStatement, RecordedSignal, RecordedStatement};
use tracing::instrument;

use super::Ctx;
use super::watch::parse_customer;
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::error::ApiError;

/// Signals listed per customer.
const MAX_SIGNALS: usize = 500;

/// `GET /v1/customers/{id}/signals`: newest first.
pub async fn signals(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<Vec<RecordedSignal>, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::ReadCustomers)?;
    let mut out: Vec<RecordedSignal> = ctx.store.signals(&who.tenant, &id, MAX_SIGNALS).await?;
    out.sort_by_key(|s| std::cmp::Reverse((s.signal.date, s.recorded_at)));
    Ok(out)
}

/// `GET /v1/customers/{id}/financials`: newest period first.
pub async fn statements(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
) -> Result<Vec<RecordedStatement>, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::SeeInvoiceDetail)?;
    Ok(ctx.store.statements(&who.tenant, &id).await?)
}

/// `POST /v1/customers/{id}/financials`. `true` when the figures are new or changed,
/// `false` when the same figures were recorded for the period already.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn record_statement(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    body: NewStatement,
) -> Result<bool, ApiError> {
    let id = parse_customer(raw_id)?;
    crate::service::customers::visible_customer(ctx, who, &id).await?;
    policy::require(who, Action::RecordFinancials)?;
    let today = ctx.clock.today();
    let mut errors = Vec::new();
    if let Err(e) = DateWindow::until_today(today).check(body.period_end) {
        errors.push(e.at("period_end"));
    }
    let lines = [
        ("revenue", body.revenue),
        ("net_profit", body.net_profit),
        ("total_assets", Some(body.total_assets)),
        ("current_assets", Some(body.current_assets)),
        ("current_liabilities", Some(body.current_liabilities)),
        ("total_liabilities", Some(body.total_liabilities)),
        ("retained_earnings", Some(body.retained_earnings)),
        ("ebit", Some(body.ebit)),
        ("equity", Some(body.equity)),
    ];
    for (field, value) in lines {
        if let Some(Err(e)) = value.map(check_amount) {
            errors.push(e.at(field));
        }
    }
    let engine = ctx.engine(&who.tenant).await?;
    let record = crate::service::credit::load_or_init(ctx, &engine, who, &id).await?;
    if body.currency != record.state.currency {
        errors.push(
            FieldError::new(
                "currency",
                code::CURRENCY_ACCOUNT,
                format!(
                    "statements are recorded in the account currency, {}",
                    record.state.currency
                ),
            )
            .with("currency", record.state.currency),
        );
    }
    let financials = match body.financials() {
        Ok(f) => Some(f),
        Err(more) => {
            errors.extend(more);
            None
        }
    };
    let Some(financials) = financials.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let stored = RecordedStatement {
        statement: body.clone(),
        recorded_by: who.username.clone(),
        recorded_at: ctx.clock.now(),
    };
    let mut record = record;
    for attempt in 0.. {
        let existing = ctx
            .store
            .statement(&who.tenant, &id, body.period_end)
            .await?;
        if existing.as_ref().is_some_and(|(_, s)| s.statement == body) {
            return Ok(false);
        }
        let mut evidence = record.state.evidence.clone();
        evidence.add_statement(financials.clone());
        let written = crate::service::rescore::recompute_with(
            ctx,
            &who.tenant,
            &id,
            &record,
            evidence,
            "financial statements recorded",
            |write| {
                let version = existing.as_ref().map(|(v, _)| *v);
                write.extra.push(
                    ctx.store
                        .statement_write(&who.tenant, &id, &stored, version)?,
                );
                Ok(())
            },
        )
        .await;
        match written {
            Ok(_) => return Ok(true),
            Err(ApiError::Conflict { .. }) if attempt < 3 => {
                record = crate::service::credit::load_or_init(ctx, &engine, who, &id).await?;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}
