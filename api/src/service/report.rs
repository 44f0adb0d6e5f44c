//! `GET /v1/customers/{id}/credit-report`: the credit report, gathered from the parts of the
//! file the reader may see (each part is read with the reader's own rights; a part they may
//! not see is left out and the report says so), and the snapshot kept with every approved
//! credit decision.

use credence_shared::engine::{Book, metrics::Behaviour as Metrics};
use credence_shared::report::{Behaviour, CreditReport, Decision, Lang, MonthFigures, SnapshotOf};
use credence_shared::workflow::{CreditRequest, Subject};
use time::{Date, Duration};
use tracing::instrument;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::service::Ctx;
use crate::service::credit;

/// The most requests the decisions part lists (newest first).
const MAX_DECISIONS: usize = 25;

/// The report of the customer as it is now, as `who` may see it.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn build(ctx: &Ctx<'_>, who: &Principal, raw_id: &str) -> Result<CreditReport, ApiError> {
    let engine = ctx.engine(&who.tenant).await?;
    let view = credit::view(ctx, who, raw_id).await?;
    let id = view.customer.id.clone();
    let as_of = view.as_of;
    let entries: Vec<_> = ctx
        .store
        .get_ledger(&who.tenant, &id)
        .await?
        .into_iter()
        .map(|e| e.entry)
        .collect();
    let currency = view.exposure.limit.currency;
    let composition = engine.policy.exposure();
    let metrics_on = |day: Date| -> Option<Metrics> {
        let book = Book::fold(currency, &entries, day).ok()?;
        Some(Metrics::compute(&book, Some(view.file.limit), composition))
    };
    let behaviour = metrics_on(as_of).map(|b| behaviour_of(&b));
    let since = as_of - Duration::days(366);
    let months = month_ends(as_of)
        .into_iter()
        .map(|month_end| {
            let point = view
                .history
                .iter()
                .filter(|p| p.date <= month_end)
                .max_by_key(|p| p.date);
            let metrics = metrics_on(month_end);
            MonthFigures {
                month_end,
                score: point.map(|p| p.score),
                grade: point.map(|p| p.grade),
                paydex: metrics.as_ref().and_then(|m| m.paydex.map(|p| p.value())),
                days_beyond_terms: metrics.as_ref().and_then(|m| m.days_beyond_terms),
                overdue: metrics.as_ref().map(|m| m.aging.overdue()),
            }
        })
        .collect();
    let mut history: Vec<_> = view
        .history
        .iter()
        .filter(|p| p.date >= since)
        .cloned()
        .collect();
    history.sort_by_key(|p| std::cmp::Reverse(p.date));
    let orders = allowed(super::orders::of_customer(ctx, who, raw_id).await)?
        .map(|rows| rows.into_iter().map(|r| r.order).collect());
    let alerts =
        allowed(super::watch::customer_alerts(ctx, who, raw_id).await)?.map(|list| list.items);
    let activity =
        allowed(super::watch::collections(ctx, who, raw_id).await)?.map(|view| view.activity);
    let signals = allowed(super::evidence::signals(ctx, who, raw_id).await)?;
    let decisions = ctx
        .store
        .subject_requests(&who.tenant, &Subject::Customer { customer_id: id })
        .await?
        .into_iter()
        .rev()
        .take(MAX_DECISIONS)
        .map(|r| decision_of(&r))
        .collect();
    Ok(CreditReport {
        generated_at: ctx.clock.now(),
        generated_by: who.username.clone(),
        as_of,
        snapshot: None,
        recommended_limit: view.recommendation.limit,
        customer: view.customer,
        group: view.group,
        assessment: view.assessment,
        file: view.file,
        exposure: view.exposure,
        behaviour,
        months,
        history,
        orders,
        alerts,
        activity,
        signals,
        decisions: Some(decisions),
    })
}

/// A part of the report the reader may not see is left out, not an error.
fn allowed<T>(part: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match part {
        Ok(t) => Ok(Some(t)),
        Err(ApiError::Forbidden) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The last day of each of the twelve months before `as_of`'s month, oldest first, and
/// `as_of` itself last.
pub fn month_ends(as_of: Date) -> Vec<Date> {
    let mut ends = Vec::with_capacity(12);
    let mut day = as_of;
    for _ in 0..11 {
        // The day before the first of `day`'s month.
        day = day.replace_day(1).expect("every month has a first day") - Duration::days(1);
        ends.push(day);
    }
    ends.reverse();
    ends.push(as_of);
    ends
}

fn behaviour_of(b: &Metrics) -> Behaviour {
    Behaviour {
        paydex: b.paydex.map(|p| p.value()),
        days_beyond_terms: b.days_beyond_terms,
        on_time_share: b.on_time_share,
        max_dpd_12m: b.max_dpd_12m,
        days_to_pay: b.days_to_pay_recent,
        days_to_pay_trend: b.days_to_pay_trend,
        dso: b.dso,
        return_rate: b.return_rate,
        dispute_rate: b.dispute_rate,
        average_monthly_purchases: b.average_monthly_purchases,
        orders_per_month: b.orders_per_month,
        tenure_months: b.tenure_months,
        write_offs_12m: b.write_offs_12m,
        written_off_12m: b.written_off_12m,
    }
}

fn decision_of(r: &CreditRequest) -> Decision {
    Decision {
        request_id: r.id.clone(),
        kind: r.kind,
        amount: r.change.amount(),
        status: r.status,
        requester: r.requester.clone(),
        justification: r.justification.clone(),
        filed_at: r.created_at,
        steps: r.steps.clone(),
    }
}

/// The report kept with `request` when its last step approved it: the file as the
/// approvers saw it, marked with the request and who approved it when.
pub async fn snapshot(
    ctx: &Ctx<'_>,
    approver: &Principal,
    request: &CreditRequest,
) -> Result<CreditReport, ApiError> {
    let Subject::Customer { customer_id } = &request.subject else {
        return Err(ApiError::NotFound);
    };
    let mut report = build(ctx, approver, customer_id.as_str()).await?;
    report.snapshot = Some(SnapshotOf {
        request_id: request.id.clone(),
        kind: request.kind,
        amount: request.change.amount(),
        approved_by: approver.username.clone(),
        approved_at: ctx.clock.now(),
    });
    Ok(report)
}

/// The time zone a kept snapshot is printed in: China Standard Time, the zone Credence's
/// tenants work in (a reader's own report uses the offset their browser sends).
pub const SNAPSHOT_OFFSET: time::UtcOffset = time::macros::offset!(+8);

/// `report` laid out in `lang` at `offset` and rendered as a PDF (off the async workers: a
/// long report takes a while).
pub async fn pdf_of(
    report: &CreditReport,
    lang: Lang,
    offset: time::UtcOffset,
) -> Result<Vec<u8>, ApiError> {
    let doc = credence_shared::report::document(report, lang, offset);
    tokio::task::spawn_blocking(move || crate::pdf::pdf(&doc))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| match e {
            crate::pdf::PdfError::Font { .. } => {
                ApiError::Unavailable(format!("the PDF cannot be made here: {e}"))
            }
            e => ApiError::Internal(e.into()),
        })
}

/// Keeps `report`'s data as the snapshot of its request; its PDF is made from it the first
/// time someone asks ([`snapshot_pdf`], the office's). A snapshot that cannot be kept does
/// not undo the decision (it is already written); it is logged as an error.
pub async fn keep_snapshot(ctx: &Ctx<'_>, who: &Principal, report: CreditReport) {
    let Some(rid) = report.snapshot.as_ref().map(|s| s.request_id.clone()) else {
        return;
    };
    let customer = report.customer.id.clone();
    let kept = match serde_json::to_vec(&report) {
        Ok(data) => ctx
            .store
            .put_report_data(&who.tenant, &customer, &rid, &data)
            .await
            .map_err(ApiError::from),
        Err(e) => Err(ApiError::Internal(e.into())),
    };
    if let Err(e) = kept {
        tracing::error!(request = %rid, customer = %customer, error = %e, "the decision's report snapshot was not kept");
    }
}

/// The snapshot PDF kept with request `rid` of the customer: the one made before, or made
/// now from the kept data (printed in Chinese at [`SNAPSHOT_OFFSET`]) and kept.
pub async fn snapshot_pdf(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    rid: &str,
) -> Result<Vec<u8>, ApiError> {
    let id = credence_shared::customer::customer_id_of(raw_id);
    super::customers::visible_customer(ctx, who, &id).await?;
    if let Some(pdf) = ctx.store.report_snapshot(&who.tenant, &id, rid).await? {
        return Ok(pdf);
    }
    let data = ctx
        .store
        .report_data(&who.tenant, &id, rid)
        .await?
        .ok_or(ApiError::NotFound)?;
    let report: CreditReport = serde_json::from_slice(&data).map_err(|e| {
        ApiError::Internal(anyhow::anyhow!("the snapshot of {rid} does not read: {e}"))
    })?;
    let pdf = pdf_of(&report, Lang::ZhCn, SNAPSHOT_OFFSET).await?;
    // One made at the same time by another reader is kept instead (the same report). One
    // that cannot be kept now is made again by the next reader; this one is answered.
    if let Err(e) = ctx
        .store
        .put_rendered_snapshot(&who.tenant, &id, rid, &pdf)
        .await
    {
        tracing::warn!(request = %rid, customer = %id, error = %e, "the snapshot's PDF was made but not kept");
    }
    Ok(pdf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_trend_has_eleven_month_ends_and_today() {
        // Act
        let ends = month_ends(date!(2026 - 03 - 15));

        // Assert
        assert_eq!(ends.len(), 12);
        assert_eq!(ends[0], date!(2025 - 04 - 30));
        assert_eq!(ends[10], date!(2026 - 02 - 28));
        assert_eq!(ends[11], date!(2026 - 03 - 15));
    }
}
