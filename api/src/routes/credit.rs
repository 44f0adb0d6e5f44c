//! Credit files, the order credit check, decisions, ledger events, exchange rates, groups
//! and the review queue. Bodies and answers are the types of `credence_shared::credit`.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiJson,
    service::{credit, groups, ledger},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
};
use credence_shared::{
    credit::{
        CreditCheckRequest, CreditCheckResponse, CreditView, DecisionRequest, FxRateRequest,
        GroupRequest, IncomingEvent, IngestResponse, MAX_EVENTS_PER_BATCH,
    },
    dto::Problem,
};

#[utoipa::path(get, path = "/v1/customers/{id}/credit", tag = "credit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The credit file: assessment, recommendation, decision, exposure, open items, policy and history (`CreditView`)"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such customer in your tenant"),
    ))]
pub async fn view(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<CreditView>, ApiError> {
    Ok(Json(credit::view(&state.ctx(), &who, &id).await?))
}

#[utoipa::path(post, path = "/v1/customers/{id}/credit-check", tag = "credit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = CreditCheckRequest,
    responses(
        (status = 200, description = "pass, warn or block with every reason, and available credit before and after (`CreditCheckResponse`)"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "bad amount or currency; `errors[].field` names it"),
    ))]
pub async fn check(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<CreditCheckRequest>,
) -> Result<Json<CreditCheckResponse>, ApiError> {
    Ok(Json(credit::check(&state.ctx(), &who, &id, body).await?))
}

#[utoipa::path(put, path = "/v1/customers/{id}/credit-decision", tag = "credit", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, description = "The updated credit file (`CreditView`)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "only risk, approvers and admins decide, and only what the approval matrix gives them alone (else `forbidden.needs_approval`: file a request); an admin's override is audited and alerts risk and approvers"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the credit file changed since `version`"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<CreditView>, ApiError> {
    Ok(Json(credit::decide(&state.ctx(), &who, &id, body).await?))
}

#[utoipa::path(post, path = "/v1/ledger/events", tag = "ledger", security(("bearer" = [])),
    request_body = EventBatch,
    responses(
        (status = 200, description = "Per event, in the order sent: accepted, duplicate (already applied) or rejected with the field and why (`IngestResponse`)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "only finance and admins post events"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the body is not `{\"events\": [...]}` or has too many events"),
    ))]
pub async fn post_events(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<serde_json::Value>,
) -> Result<Json<IngestResponse>, ApiError> {
    Ok(Json(ledger::ingest(&state.ctx(), &who, body).await?))
}

/// The body of `POST /v1/ledger/events`, for the OpenAPI description only: the handler reads
/// a `serde_json::Value` so that one bad event is rejected on its own (with its index and
/// field) while the others in the batch are still applied.
#[derive(utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EventBatch {
    /// 1 to 500 events, each with its idempotency key.
    #[schema(min_items = 1, max_items = 500)]
    events: Vec<IncomingEvent>,
}
const _: () = assert!(
    MAX_EVENTS_PER_BATCH == 500,
    "EventBatch's max_items says 500"
);

#[utoipa::path(put, path = "/v1/fx-rates", tag = "ledger", security(("bearer" = [])),
    request_body = FxRateRequest,
    responses(
        (status = 204, description = "stored"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_fx_rate(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<FxRateRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    ledger::put_fx_rate(&state.ctx(), &who, body).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(put, path = "/v1/groups/{group}", tag = "credit", security(("bearer" = [])),
    params(("group" = String, Path, description = "Group id")),
    request_body = GroupRequest,
    responses(
        (status = 204, description = "stored; members now share the group's limit"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "not yours to manage, or the approval matrix gives this limit to more people than you (`forbidden.needs_approval`, naming the rule); an admin may override with a reason"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the group changed at the same moment, or a member belongs to another group"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "a member is not a customer of yours"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_group(
    State(state): State<AppState>,
    who: Principal,
    Path(group): Path<String>,
    ApiJson(body): ApiJson<GroupRequest>,
) -> Result<axum::http::StatusCode, ApiError> {
    groups::put_group(&state.ctx(), &who, &group, body).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/reviews", tag = "credit", security(("bearer" = [])),
    params(crate::service::reviews::ReviewQuery),
    responses(
        (status = 200, body = credence_shared::dto::ReviewQueue, description = "Customers whose credit review is due within `within` days or overdue, earliest first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reviews(
    State(state): State<AppState>,
    who: Principal,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<crate::service::reviews::ReviewQuery>,
) -> Result<Json<credence_shared::dto::ReviewQueue>, ApiError> {
    Ok(Json(
        crate::service::reviews::queue(&state.ctx(), &who, q).await?,
    ))
}
