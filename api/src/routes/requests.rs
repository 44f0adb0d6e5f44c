//! Requests whose subject is not one customer: a customer group's limit
//! (`/v1/groups/{group}/requests…`) and the blacklist entry of a party that is no customer's
//! (`/v1/blacklist/requests…`). They answer as a customer's requests do (`CreditRequest`,
//! `RequestDetail`), and appear in the same inbox.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiJson,
    service::workflow::{self, Home, WithdrawBody},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::{
    dto::Problem,
    workflow::{
        CreditRequest, NewRequest, PartyRequest, RequestDetail, ResubmitRequest, ReviewRequest,
    },
};

#[utoipa::path(post, path = "/v1/groups/{group}/requests", tag = "workflow", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    request_body = NewRequest,
    responses(
        (status = 201, description = "The request for a new group limit (change type `limit`), routed by the approval matrix's limit rules on the amount (`CreditRequest`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such group"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the same request is already open"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn file_for_group(
    State(state): State<AppState>,
    who: Principal,
    Path(group): Path<String>,
    ApiJson(body): ApiJson<NewRequest>,
) -> Result<(StatusCode, Json<CreditRequest>), ApiError> {
    let request = workflow::file_for_group(&state.ctx(), &who, &group, body).await?;
    Ok((StatusCode::CREATED, Json(request)))
}

#[utoipa::path(post, path = "/v1/blacklist/requests", tag = "workflow", security(("bearer" = [])),
    request_body = PartyRequest,
    responses(
        (status = 201, description = "The removal request, routed by the approval matrix (`CreditRequest`); a customer's entry is filed on the customer"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the same request is already open"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "no such entry, or no justification"),
    ))]
pub async fn file_for_party(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<PartyRequest>,
) -> Result<(StatusCode, Json<CreditRequest>), ApiError> {
    let request = workflow::file_for_party(&state.ctx(), &who, body).await?;
    Ok((StatusCode::CREATED, Json(request)))
}

#[utoipa::path(get, path = "/v1/groups/{group}/requests/{rid}", tag = "workflow", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("rid" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request with the group's limit and exposure then and now (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn group_detail(
    State(state): State<AppState>,
    who: Principal,
    Path((group, rid)): Path<(String, String)>,
) -> Result<Json<RequestDetail>, ApiError> {
    let home = Home::Group(&group);
    Ok(Json(
        workflow::detail(&state.ctx(), &who, home, &rid).await?,
    ))
}

#[utoipa::path(get, path = "/v1/blacklist/requests/{rid}", tag = "workflow", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request and whether the party is still on the blacklist (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn party_detail(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::detail(&state.ctx(), &who, Home::Party, &rid).await?,
    ))
}

#[utoipa::path(post, path = "/v1/groups/{group}/requests/{rid}/review", tag = "workflow", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("rid" = String, Path, description = "Request id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The request after the decision (`RequestDetail`); a final approval has set the group's limit"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn group_review(
    State(state): State<AppState>,
    who: Principal,
    Path((group, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    let home = Home::Group(&group);
    Ok(Json(
        workflow::review(&state.ctx(), &who, home, &rid, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/blacklist/requests/{rid}/review", tag = "workflow", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The request after the decision (`RequestDetail`); a final approval has taken the party off the blacklist"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn party_review(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::review(&state.ctx(), &who, Home::Party, &rid, body).await?,
    ))
}

#[utoipa::path(put, path = "/v1/groups/{group}/requests/{rid}", tag = "workflow", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("rid" = String, Path, description = "Request id")),
    request_body = ResubmitRequest,
    responses(
        (status = 200, description = "The resubmitted request (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn group_resubmit(
    State(state): State<AppState>,
    who: Principal,
    Path((group, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<ResubmitRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    let home = Home::Group(&group);
    Ok(Json(
        workflow::resubmit(&state.ctx(), &who, home, &rid, body).await?,
    ))
}

#[utoipa::path(put, path = "/v1/blacklist/requests/{rid}", tag = "workflow", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    request_body = ResubmitRequest,
    responses(
        (status = 200, description = "The resubmitted request (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn party_resubmit(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<ResubmitRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::resubmit(&state.ctx(), &who, Home::Party, &rid, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/groups/{group}/requests/{rid}/withdraw", tag = "workflow", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id"), ("rid" = String, Path, description = "Request id")),
    request_body = WithdrawBody,
    responses(
        (status = 200, description = "The withdrawn request (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn group_withdraw(
    State(state): State<AppState>,
    who: Principal,
    Path((group, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<RequestDetail>, ApiError> {
    let home = Home::Group(&group);
    Ok(Json(
        workflow::withdraw(&state.ctx(), &who, home, &rid, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/blacklist/requests/{rid}/withdraw", tag = "workflow", security(("bearer" = [])),
    params(("rid" = String, Path, description = "Request id")),
    request_body = WithdrawBody,
    responses(
        (status = 200, description = "The withdrawn request (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn party_withdraw(
    State(state): State<AppState>,
    who: Principal,
    Path(rid): Path<String>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::withdraw(&state.ctx(), &who, Home::Party, &rid, body).await?,
    ))
}
