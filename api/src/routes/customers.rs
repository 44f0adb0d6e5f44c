//! `/v1/customers`: search and read customers' credit summaries.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiQuery,
    service::customers::{self, CustomerQuery},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
};
use credence_shared::dto::{CustomerPage, CustomerSummary, Problem};

#[utoipa::path(get, path = "/v1/customers", tag = "customers", security(("bearer" = [])),
    params(CustomerQuery),
    responses(
        (status = 200, body = inline(CustomerPage)),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a parameter is invalid; `errors[].field` names it"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    who: Principal,
    ApiQuery(query): ApiQuery<CustomerQuery>,
) -> Result<Json<CustomerPage>, ApiError> {
    Ok(Json(customers::find(&state.ctx(), &who, query).await?))
}

#[utoipa::path(get, path = "/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = CustomerSummary),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such customer in your tenant"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<CustomerSummary>, ApiError> {
    Ok(Json(customers::get(&state.ctx(), &who, &id).await?))
}
