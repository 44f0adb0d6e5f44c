//! The blocked-order desk: the queue, one order, a customer's orders. Releasing and
//! rejecting are requests (`POST /v1/customers/{id}/requests`). Bodies are the types of
//! `credence_shared::orders`.

use axum::{
    Json,
    extract::{Path, State},
};
use credence_shared::dto::{Page, Problem};
use credence_shared::orders::BlockedOrderRow;
use serde::Deserialize;

use crate::{
    auth::Principal, error::ApiError, extract::ApiQuery, service::orders, state::AppState,
};

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `next_cursor` of the page before.
    pub cursor: Option<String>,
    /// Orders per page (1 to 200; 200 when absent).
    pub limit: Option<i32>,
}

#[utoipa::path(get, path = "/v1/blocked-orders", tag = "credit", security(("bearer" = [])),
    params(QueueQuery),
    responses(
        (status = 200, body = inline(Page<BlockedOrderRow>), description = "Orders the credit check blocked and nobody has released or rejected yet, oldest first, each with its age and the approval matrix's service level"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a cursor of another list"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    who: Principal,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> Result<Json<Page<BlockedOrderRow>>, ApiError> {
    Ok(Json(
        orders::queue(&state.ctx(), &who, q.cursor.as_deref(), q.limit).await?,
    ))
}

#[utoipa::path(get, path = "/v1/blocked-orders/{id}/{key}", tag = "credit", security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Customer id"),
        ("key" = String, Path, description = "The order's key in the queue (the idempotency key of its `order_placed` event)"),
    ),
    responses(
        (status = 200, body = BlockedOrderRow, description = "The order, whatever its status, with every check since it was blocked"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn one(
    State(state): State<AppState>,
    who: Principal,
    Path((id, key)): Path<(String, String)>,
) -> Result<Json<BlockedOrderRow>, ApiError> {
    Ok(Json(orders::one(&state.ctx(), &who, &id, &key).await?))
}

#[utoipa::path(get, path = "/v1/customers/{id}/orders", tag = "credit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = Vec<BlockedOrderRow>, description = "The customer's orders the credit check blocked, newest first, with where each stands"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn of_customer(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<Vec<BlockedOrderRow>>, ApiError> {
    Ok(Json(orders::of_customer(&state.ctx(), &who, &id).await?))
}
