//! `/v1/customers`: search and read customers' credit summaries; create and edit the
//! customer master.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::{ApiJson, ApiQuery},
    service::{
        customers::{self, CustomerQuery},
        master::{self, Outcome, Reassign, Reassigned},
    },
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::customer::CustomerMaster;
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
    params(("id" = String, Path, description = "The tenant's customer number, or Credence's id")),
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

#[utoipa::path(put, path = "/v1/customers/{id}", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path, description = "The tenant's own customer number (its ERP's)")),
    request_body = CustomerMaster,
    responses(
        (status = 201, body = CustomerSummary, description = "Created, with its (empty) credit file"),
        (status = 200, body = CustomerSummary, description = "Updated, or the same record again (nothing written)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk and admin only"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "changed since `version`, or the number is another customer's"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a field is invalid; `errors[].field` names it"),
    ))]
pub async fn put(
    State(state): State<AppState>,
    who: Principal,
    Path(number): Path<String>,
    ApiJson(body): ApiJson<CustomerMaster>,
) -> Result<(StatusCode, Json<CustomerSummary>), ApiError> {
    let (outcome, customer) = master::put(&state.ctx(), &who, &number, body).await?;
    let status = match outcome {
        Outcome::Created => StatusCode::CREATED,
        Outcome::Updated | Outcome::Unchanged => StatusCode::OK,
    };
    Ok((status, Json(customer)))
}

#[utoipa::path(post, path = "/v1/customers/owner", tag = "customers", security(("bearer" = [])),
    request_body = Reassign,
    responses(
        (status = 200, body = Reassigned, description = "How many customers moved, were the owner's already, or name no customer"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk and admin only"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "a customer changed at the same moment (those before it moved)"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reassign(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<Reassign>,
) -> Result<Json<Reassigned>, ApiError> {
    Ok(Json(master::reassign(&state.ctx(), &who, body).await?))
}
