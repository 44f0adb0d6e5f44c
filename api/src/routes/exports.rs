//! `GET /v1/exports/{what}`: a list as an XLSX or CSV file (see `service::exports`).

use crate::{
    auth::Principal,
    error::ApiError,
    export,
    extract::ApiQuery,
    service::exports::{self, ExportKind, ExportQuery},
    state::AppState,
};
use axum::{
    extract::{Path, State},
    http::header,
    response::IntoResponse,
};
use credence_shared::{dto::Problem, messages::code};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

#[utoipa::path(get, path = "/v1/exports/{what}", tag = "exports", security(("bearer" = [])),
    params(
        ("what" = String, Path, description = "customers, aging, open_items, worklist, alerts or kpis"),
        ExportQuery,
    ),
    responses(
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The list as XLSX (or CSV with a BOM when format=csv), as its reader sees it on screen"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "whoever may see the list"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "not a list that exports, or an unknown customer"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "an unknown format, or open items without a customer"),
    ))]
pub async fn export(
    State(state): State<AppState>,
    who: Principal,
    Path(what): Path<String>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let kind: ExportKind = serde_json::from_value(serde_json::Value::String(what.clone()))
        .map_err(|_| ApiError::NotFound)?;
    let csv = match q.format.as_deref() {
        None | Some("xlsx") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::field("format", code::NOT_ALLOWED, "xlsx or csv"));
        }
    };
    let table = exports::table(&state.ctx(), &who, kind, &q).await?;
    let (bytes, content_type, extension) = if csv {
        let bytes = export::csv(&table).map_err(|e| ApiError::Internal(e.into()))?;
        (bytes, "text/csv; charset=utf-8", "csv")
    } else {
        let bytes = export::xlsx(&table).map_err(|e| ApiError::Internal(e.into()))?;
        (bytes, XLSX, "xlsx")
    };
    let disposition = format!("attachment; filename=\"credence-{what}.{extension}\"");
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    ))
}
