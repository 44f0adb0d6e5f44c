//! A challenger's promotion through the approval matrix (`/v1/lab/challengers/promotion`,
//! `/v1/lab/requests/{rid}…`). It answers as a customer's request does (`CreditRequest`,
//! `RequestDetail`) and appears in the same inbox; its final approval puts the challenger
//! in force as a new engine version.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiJson,
    service::workflow::{self, Home, PromotionRequest, WithdrawBody},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::{
    dto::Problem,
    workflow::{CreditRequest, RequestDetail, ResubmitRequest, ReviewRequest},
};

#[utoipa::path(post, path = "/v1/lab/challengers/promotion", tag = "lab", security(("bearer" = [])),
    request_body = PromotionRequest,
    responses(
        (status = 201, description = "The request to put the running challenger in force (kind `model_promotion`), routed by the approval matrix (`CreditRequest`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "no challenger runs, or the same request is already open"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn file_promotion(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<PromotionRequest>,
) -> Result<(StatusCode, Json<CreditRequest>), ApiError> {
    let request = workflow::file_promotion(&state.ctx(), &who, body).await?;
    Ok((StatusCode::CREATED, Json(request)))
}

#[utoipa::path(get, path = "/v1/lab/requests/{rid}", tag = "lab", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The promotion and whether the challenger changed since it was filed (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::detail(&state.ctx(), &who, Home::Lab, &rid).await?,
    ))
}

#[utoipa::path(post, path = "/v1/lab/requests/{rid}/review", tag = "lab", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The request after the decision (`RequestDetail`); a final approval has put the challenger in force as a new engine version and started the re-grade"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn review(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::review(&state.ctx(), &who, Home::Lab, &rid, body).await?,
    ))
}

#[utoipa::path(put, path = "/v1/lab/requests/{rid}", tag = "lab", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    request_body = ResubmitRequest,
    responses(
        (status = 200, description = "The resubmitted request (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resubmit(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<ResubmitRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::resubmit(&state.ctx(), &who, Home::Lab, &rid, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/lab/requests/{rid}/withdraw", tag = "lab", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    request_body = WithdrawBody,
    responses(
        (status = 200, description = "The withdrawn request (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn withdraw(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::withdraw(&state.ctx(), &who, Home::Lab, &rid, body).await?,
    ))
}
