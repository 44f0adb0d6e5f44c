//! A customer's evidence apart from its ledger: the signals recorded on it (recording one is
//! `POST /v1/customers/{id}/signals` in `watch.rs`) and its financial statements.

use crate::{
    auth::Principal, error::ApiError, extract::ApiJson, service::evidence, state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::{
    dto::Problem,
    watch::{NewStatement, RecordedSignal, RecordedStatement},
};

#[utoipa::path(get, path = "/v1/customers/{id}/signals", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = Vec<RecordedSignal>, description = "The signals recorded on the customer, newest first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn signals(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<RecordedSignal>>, ApiError> {
    Ok(Json(evidence::signals(&state.ctx(), &who, &id).await?))
}

#[utoipa::path(get, path = "/v1/customers/{id}/financials", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = Vec<RecordedStatement>, description = "The customer's financial statements, newest period first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn statements(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<RecordedStatement>>, ApiError> {
    Ok(Json(evidence::statements(&state.ctx(), &who, &id).await?))
}

#[utoipa::path(post, path = "/v1/customers/{id}/financials", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewStatement,
    responses(
        (status = 201, description = "Recorded; the credit file is recomputed with them"),
        (status = 200, description = "The same figures were recorded for the period already"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_statement(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewStatement>,
) -> Result<StatusCode, ApiError> {
    let new = evidence::record_statement(&state.ctx(), &who, &id, body).await?;
    Ok(if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}
