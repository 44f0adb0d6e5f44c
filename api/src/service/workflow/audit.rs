//! The audit trail: a customer's, the tenant's for a date range, and its CSV export. Entries
//! are shown with the secrets of tenant documents as fingerprints; exported cells are safe
//! to open in a spreadsheet.

use super::{Ctx, parse_customer};
use crate::{
    auth::{
        Principal,
        policy::{self, Action},
    },
    error::ApiError,
    service::{customers::visible_customer, projection, tenant::shown_audit},
};
use credence_shared::bounds;
use credence_shared::{dto::FieldError, messages::code};
use credence_shared::{
    export,
    workflow::{AuditEntry, AuditPage},
};
use serde::Deserialize;
use tracing::instrument;

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

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username, customer = %raw_id))]
pub async fn customer_audit(
    ctx: &Ctx<'_>,
    who: &Principal,
    raw_id: &str,
    cursor: Option<String>,
) -> Result<AuditPage, ApiError> {
    let id = parse_customer(raw_id)?;
    visible_customer(ctx, who, &id).await?;
    let page = ctx
        .store
        .customer_audit(&who.tenant, &id, cursor.as_deref(), AUDIT_PAGE)
        .await?;
    Ok(projection::audit_for(who, shown(page)))
}

/// A page as it may be shown: secrets of tenant documents as fingerprints.
fn shown(page: AuditPage) -> AuditPage {
    AuditPage {
        items: page.items.into_iter().map(shown_audit).collect(),
        ..page
    }
}

fn parse_day(field: &str, raw: Option<&str>, default: time::Date) -> Result<time::Date, ApiError> {
    match raw {
        None => Ok(default),
        Some(s) => time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]"))
            .map_err(|_| ApiError::field(field, code::DATE_INVALID, "a date YYYY-MM-DD")),
    }
}

/// The days a query asks for (inclusive): by default the 30 days up to `today`.
fn audit_range(today: time::Date, q: &AuditQuery) -> Result<(time::Date, time::Date), ApiError> {
    // Both days in the window any client date must lie in, so no arithmetic overflows.
    let window = bounds::DateWindow::around(today);
    let to = parse_day("to", q.to.as_deref(), today)?;
    window.check(to).map_err(|e| ApiError::from(e.at("to")))?;
    let from = parse_day("from", q.from.as_deref(), bounds::sub_days(to, 30))?;
    window
        .check(from)
        .map_err(|e| ApiError::from(e.at("from")))?;
    if from > to {
        return Err(ApiError::from(
            FieldError::new("from", code::DATE_ORDER, "must not be after `to`").with("other", "to"),
        ));
    }
    if (to - from).whole_days() > 366 {
        return Err(ApiError::from(
            FieldError::new("from", code::DATE_SPAN, "at most one year at a time")
                .with("days", 366),
        ));
    }
    Ok((from, to))
}

#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn tenant_audit(
    ctx: &Ctx<'_>,
    who: &Principal,
    q: AuditQuery,
) -> Result<AuditPage, ApiError> {
    policy::require(who, Action::ReadTenantAudit)?;
    let (from, to) = audit_range(ctx.clock.today(), &q)?;
    let page = ctx
        .store
        .tenant_audit(&who.tenant, from, to, q.cursor.as_deref(), AUDIT_PAGE)
        .await?;
    Ok(shown(page))
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
/// before and after documents as compact JSON, and every cell safe to open in a spreadsheet
/// ([`export::safe_cell`]).
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
    .map(|cell| export::safe_cell(&cell).into_owned())
}

/// Most entries one export holds.
pub const MAX_EXPORT: usize = 50_000;

/// The tenant's audit trail for a date range as CSV (UTF-8 with BOM, so spreadsheets read the
/// Chinese text).
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn export_audit(
    ctx: &Ctx<'_>,
    who: &Principal,
    q: AuditQuery,
) -> Result<Vec<u8>, ApiError> {
    policy::require(who, Action::ReadTenantAudit)?;
    let (from, to) = audit_range(ctx.clock.today(), &q)?;
    let mut writer = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    writer
        .write_record(CSV_HEADER)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut cursor: Option<String> = None;
    let mut count = 0;
    loop {
        let page = ctx
            .store
            .tenant_audit(&who.tenant, from, to, cursor.as_deref(), 500)
            .await?;
        for e in page.items.into_iter().map(shown_audit) {
            writer
                .write_record(csv_record(&e))
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

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::{CustomerId, workflow::AuditEntity};
    use time::macros::{date, datetime};

    const TODAY: time::Date = date!(2026 - 03 - 02);

    fn query(from: Option<&str>, to: Option<&str>) -> AuditQuery {
        AuditQuery {
            from: from.map(str::to_owned),
            to: to.map(str::to_owned),
            cursor: None,
        }
    }

    fn field_of(e: ApiError) -> String {
        e.to_problem().errors[0].field.clone()
    }

    #[test]
    fn a_day_is_year_month_day_and_defaults_when_not_given() {
        // Act / Assert
        assert_eq!(
            parse_day("from", Some("2026-01-31"), TODAY).ok(),
            Some(date!(2026 - 01 - 31))
        );
        assert_eq!(parse_day("from", None, TODAY).ok(), Some(TODAY));
        assert_eq!(
            field_of(parse_day("to", Some("31.01.2026"), TODAY).unwrap_err()),
            "to"
        );
    }

    #[test]
    fn the_audit_range_is_the_last_thirty_days_by_default() {
        // Act
        let range = audit_range(TODAY, &query(None, None)).expect("a valid range");
        // Assert
        assert_eq!(range, (date!(2026 - 01 - 31), TODAY));
    }

    #[test]
    fn the_audit_range_defaults_its_start_to_thirty_days_before_its_end() {
        // Act
        let range = audit_range(TODAY, &query(None, Some("2025-12-31"))).expect("a valid range");
        // Assert
        assert_eq!(range, (date!(2025 - 12 - 01), date!(2025 - 12 - 31)));
    }

    #[test]
    fn an_audit_range_may_not_run_backwards_nor_span_more_than_a_year() {
        // Act
        let backwards = audit_range(TODAY, &query(Some("2026-03-03"), None));
        let too_long = audit_range(TODAY, &query(Some("2025-02-28"), None));
        let a_year = audit_range(TODAY, &query(Some("2025-03-01"), None));
        // Assert
        assert_eq!(field_of(backwards.unwrap_err()), "from");
        assert_eq!(field_of(too_long.unwrap_err()), "from");
        assert!(a_year.is_ok());
    }

    #[test]
    fn an_audit_row_has_the_time_in_rfc3339_empty_cells_for_what_is_missing_and_json_documents() {
        // Arrange
        let entry = AuditEntry {
            at: datetime!(2026-03-02 09:05:07 UTC),
            actor: "li.na".into(),
            entity: AuditEntity::CreditFile,
            entity_id: "C1001".into(),
            customer_id: Some(CustomerId::parse("C1001").expect("valid id")),
            action: "apply-request".into(),
            before: None,
            after: Some(serde_json::json!({"on_hold": false})),
            reason: "request R1: 付清".into(),
        };
        // Act
        let row = csv_record(&entry);
        // Assert
        assert_eq!(
            row,
            [
                "2026-03-02T09:05:07Z",
                "li.na",
                "credit_file",
                "C1001",
                "C1001",
                "apply-request",
                "request R1: 付清",
                "",
                r#"{"on_hold":false}"#,
            ]
        );
        assert_eq!(row.len(), CSV_HEADER.len());
    }

    #[test]
    fn an_audit_row_neutralises_cells_that_a_spreadsheet_would_run_as_formulas() {
        // Arrange
        let entry = AuditEntry {
            at: datetime!(2026-03-02 09:05:07 UTC),
            actor: "@admin".into(),
            entity: AuditEntity::Blacklist,
            entity_id: "-1".into(),
            customer_id: None,
            action: "add".into(),
            before: None,
            after: Some(serde_json::json!("=1+1")),
            reason: "=HYPERLINK(\"https://evil.example\",\"click\")".into(),
        };
        // Act
        let row = csv_record(&entry);
        // Assert
        assert_eq!(row[1], "'@admin");
        assert_eq!(row[3], "'-1");
        assert_eq!(row[6], "'=HYPERLINK(\"https://evil.example\",\"click\")");
        assert_eq!(
            row[8], r#""=1+1""#,
            "a JSON cell starts with a quote or a brace"
        );
    }
}
