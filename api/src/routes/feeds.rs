//! Outside data feeds: a provider's signed push (no bearer token: the signature under the
//! provider's secret is the credential) and an admin's pull of one provider now.

use crate::{auth::Principal, error::ApiError, extract::ApiJson, service::feeds, state::AppState};
use axum::{
    Json,
    body::Bytes,
    extract::{Path, State},
    http::HeaderMap,
};
use credence_shared::{
    dto::Problem,
    watch::{FeedBatch, FeedReport},
};

#[utoipa::path(post, path = "/v1/feeds/{tenant}/{provider}", tag = "watch",
    params(
        ("tenant" = String, Path, description = "Your tenant id"),
        ("provider" = String, Path, description = "The provider's id in the tenant's data feeds"),
        ("X-Credence-Signature" = String, Header, description = "t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" under the provider's secret>; at most 5 minutes old"),
    ),
    request_body = FeedBatch,
    responses(
        (status = 200, body = FeedReport, description = "Per record: recorded, already recorded, ignored (not a customer, not on the monitoring list, not a warning) or refused with its fields"),
        (status = 401, body = Problem, content_type = "application/problem+json", description = "no signature, a wrong one, or one older than 5 minutes"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such enabled provider"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the body is not a feed batch, or has more than 1,000 records"),
    ))]
pub async fn push(
    State(state): State<AppState>,
    Path((tenant, provider)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<FeedReport>, ApiError> {
    let signature = headers
        .get("x-credence-signature")
        .and_then(|v| v.to_str().ok());
    Ok(Json(
        feeds::receive(&state.ctx(), &tenant, &provider, signature, &body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/admin/data-feeds/{provider}/import", tag = "admin", security(("bearer" = [])),
    params(("provider" = String, Path, description = "The provider's id")),
    request_body = FeedBatch,
    responses(
        (status = 200, body = FeedReport, description = "Per record, as for a push"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such enabled provider"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the file is not a feed batch, or has more than 1,000 records"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    who: Principal,
    Path(provider): Path<String>,
    ApiJson(batch): ApiJson<FeedBatch>,
) -> Result<Json<FeedReport>, ApiError> {
    Ok(Json(
        feeds::import_file(&state.ctx(), &who, &provider, &batch).await?,
    ))
}

#[utoipa::path(post, path = "/v1/admin/data-feeds/{provider}/pull", tag = "admin", security(("bearer" = [])),
    params(("provider" = String, Path, description = "The provider's id")),
    responses(
        (status = 200, body = FeedReport, description = "What the pull brought in"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such enabled provider"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the provider has no pull URL"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "the provider did not answer, or answered outside the feed format"),
    ))]
pub async fn pull(
    State(state): State<AppState>,
    who: Principal,
    Path(provider): Path<String>,
) -> Result<Json<FeedReport>, ApiError> {
    Ok(Json(feeds::pull_now(&state.ctx(), &who, &provider).await?))
}
