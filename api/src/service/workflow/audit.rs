//! The audit trail: a customer's, the tenant's for a date range, and its CSV export.

use super::{Env, parse_customer};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::customers::visible_customer,
    store::StoreError,
};
use credence_shared::workflow::{AuditEntry, AuditPage};
use serde::Deserialize;

pub const AUDIT_PAGE: i32 = 50;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// First day (YYYY-MM-DD); default 30 days ago.
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD); default today.
    pub to: Option<String>,
    pub cursor: Option<String>,
}

pub async fn customer_audit(
    env: &Env<'_>,
    who: &Principal,
    raw_id: &str,
    cursor: Option<String>,
) -> Result<AuditPage, ApiError> {
    let id = parse_customer(raw_id)?;
    visible_customer(env.store, who, &id).await?;
    env.store
        .customer_audit(&who.tenant, &id, cursor.as_deref(), AUDIT_PAGE)
        .await
        .map_err(|e| match e {
            StoreError::BadCursor => ApiError::field("cursor", "not a cursor this API issued"),
            e => e.into(),
        })
}

fn parse_day(field: &str, raw: Option<&str>, default: time::Date) -> Result<time::Date, ApiError> {
    match raw {
        None => Ok(default),
        Some(s) => time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| ApiError::field(field, "a date YYYY-MM-DD")),
    }
}

/// The days a query asks for (inclusive): by default the 30 days up to `today`.
fn audit_range(today: time::Date, q: &AuditQuery) -> Result<(time::Date, time::Date), ApiError> {
    let to = parse_day("to", q.to.as_deref(), today)?;
    let from = parse_day("from", q.from.as_deref(), to - time::Duration::days(30))?;
    if from > to {
        return Err(ApiError::field("from", "must not be after `to`"));
    }
    if (to - from).whole_days() > 366 {
        return Err(ApiError::field("from", "at most one year at a time"));
    }
    Ok((from, to))
}

pub async fn tenant_audit(
    env: &Env<'_>,
    who: &Principal,
    q: AuditQuery,
) -> Result<AuditPage, ApiError> {
    policy::require(who, Action::ReadTenantAudit)?;
    let (from, to) = audit_range(env.clock.today(), &q)?;
    env.store
        .tenant_audit(&who.tenant, from, to, q.cursor.as_deref(), AUDIT_PAGE)
        .await
        .map_err(|e| match e {
            StoreError::BadCursor => ApiError::field("cursor", "not a cursor this API issued"),
            e => e.into(),
        })
}

/// The columns of the CSV export, one per field of [`csv_record`].
const CSV_HEADER: [&str; 9] = [
    "at",
    "actor",
    "entity",
    "entity_id",
    "customer_id",
    "action",
    "reason",
    "before",
    "after",
];

/// One audit entry as a CSV row: the time in RFC 3339, empty cells for what it lacks, the
/// before and after documents as compact JSON.
fn csv_record(e: &AuditEntry) -> [String; 9] {
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
    [
        e.at.format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default(),
        e.actor.clone(),
        e.entity.as_str().to_owned(),
        e.entity_id.clone(),
        e.customer_id
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default(),
        e.action.clone(),
        e.reason.clone(),
        json(&e.before),
        json(&e.after),
    ]
}

/// Most entries one export holds.
pub const MAX_EXPORT: usize = 50_000;

/// The tenant's audit trail for a date range as CSV (UTF-8 with BOM, so spreadsheets read the
/// Chinese text).
pub async fn export_audit(
    env: &Env<'_>,
    who: &Principal,
    q: AuditQuery,
) -> Result<Vec<u8>, ApiError> {
    policy::require(who, Action::ReadTenantAudit)?;
    let (from, to) = audit_range(env.clock.today(), &q)?;
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    writer
        .write_record(CSV_HEADER)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut cursor: Option<String> = None;
    let mut count = 0;
    loop {
        let page = env
            .store
            .tenant_audit(&who.tenant, from, to, cursor.as_deref(), 500)
            .await?;
        for e in &page.items {
            writer
                .write_record(csv_record(e))
                .map_err(|e| ApiError::Internal(e.into()))?;
            count += 1;
        }
        match page.next_cursor {
            Some(c) if count < MAX_EXPORT => cursor = Some(c),
            _ => break,
        }
    }
    writer
        .into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("csv: {e}")))
}
