//! `/v1/imports`: batches of rows read from the tenant's files (see `service::imports`).

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiJson,
    service::imports::{self, BatchResult, CustomerBatch},
    state::AppState,
};
use axum::{Json, extract::State};
use credence_shared::dto::Problem;

#[utoipa::path(post, path = "/v1/imports/customers", tag = "imports", security(("bearer" = [])),
    request_body = CustomerBatch,
    responses(
        (status = 200, body = BatchResult, description = "What each row did (or, in a dry run, would do): created, updated, unchanged, or its errors by column"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk and admin; credit lines only an admin"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the mapping or the batch is invalid; `errors[].field` names it"),
    ))]
pub async fn customers(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(batch): ApiJson<CustomerBatch>,
) -> Result<Json<BatchResult>, ApiError> {
    Ok(Json(imports::customers(&state.ctx(), &who, batch).await?))
}
