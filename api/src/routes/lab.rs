//! The scoring lab (risk, admin): the development sample, page by page, fits, the reports
//! kept with published versions, and the challenger scoring in shadow with its comparison.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiJson,
    routes::workflow::ReasonBody,
    service::{challenger, lab},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::{
    dto::Problem,
    lab::challenger::{Challenger, ComparisonPage, ComparisonRequest, StartChallenger},
    lab::{FitReport, FitRequest, FitResponse, SamplePage, SampleRequest},
};

/// Largest fit request, in bytes: about 30,000 customers of 15 characteristics. (Lambda
/// itself takes at most 6 MB.)
pub const FIT_BODY_LIMIT: usize = 6 * 1024 * 1024;

/// Largest publish of an engine version: the model, the policy and the lab's fitting report
/// (kept up to 300,000 bytes).
pub const PUBLISH_BODY_LIMIT: usize = 1024 * 1024;

#[utoipa::path(post, path = "/v1/lab/sample", tag = "lab", security(("bearer" = [])),
    request_body = SampleRequest,
    responses(
        (status = 200, body = SamplePage, description = "The next page of customers (up to 200) as they were on the observation date, with their outcome; call again with `next_cursor` until it is absent. Nothing is written"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the window has not ended, an option is out of range, or the cursor is not this sample's (the field says which)"),
    ))]
pub async fn sample(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<SampleRequest>,
) -> Result<Json<SamplePage>, ApiError> {
    Ok(Json(lab::sample(&state.ctx(), &who, body).await?))
}

#[utoipa::path(post, path = "/v1/lab/fits", tag = "lab", security(("bearer" = [])),
    request_body = FitRequest,
    responses(
        (status = 200, body = FitResponse, description = "The fitted model (publish it with `POST /v1/admin/engine-versions`) and its report. Nothing is stored"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "no bads or no goods, a forced characteristic without variation, nothing selected, no convergence, or an option out of range (the field says which)"),
    ))]
pub async fn fit(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<FitRequest>,
) -> Result<Json<FitResponse>, ApiError> {
    Ok(Json(lab::fit(&state.ctx(), &who, body).await?))
}

#[utoipa::path(get, path = "/v1/lab/reports/{version}", tag = "lab", security(("bearer" = [])),
    params(("version" = u32, Path, description = "Engine version")),
    responses(
        (status = 200, body = FitReport, description = "The fitting report kept with the engine version when it was published from the lab"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such version, or it was not fitted in the lab"),
    ))]
pub async fn report(
    State(state): State<AppState>,
    who: Principal,
    Path(version): Path<u32>,
) -> Result<Json<FitReport>, ApiError> {
    Ok(Json(
        crate::service::tenant::engine_report(&state.store, &who, version).await?,
    ))
}

#[utoipa::path(get, path = "/v1/lab/challengers", tag = "lab", security(("bearer" = [])),
    responses(
        (status = 200, body = Option<Challenger>, description = "The running challenger, or the last one (`null` before the first)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn challenger(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Option<Challenger>>, ApiError> {
    Ok(Json(challenger::current(&state.ctx(), &who).await?))
}

#[utoipa::path(post, path = "/v1/lab/challengers", tag = "lab", security(("bearer" = [])),
    request_body = StartChallenger,
    responses(
        (status = 201, body = Challenger, description = "The challenger, scoring in shadow from now on (a running one stops in its favour); the re-grade gives every file of its share its score"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the model or policy is invalid (the field names the path), the share is out of range, or the reason is missing"),
    ))]
pub async fn start_challenger(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<StartChallenger>,
) -> Result<(StatusCode, Json<Challenger>), ApiError> {
    let started = challenger::start(&state.ctx(), &who, body).await?;
    Ok((StatusCode::CREATED, Json(started)))
}

#[utoipa::path(post, path = "/v1/lab/challengers/stop", tag = "lab", security(("bearer" = [])),
    request_body = ReasonBody,
    responses(
        (status = 200, body = Challenger, description = "The challenger, stopped; the re-grade takes its shadow scores off the files"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no challenger was ever started"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "it has stopped already"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stop_challenger(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<Challenger>, ApiError> {
    Ok(Json(
        challenger::stop(&state.ctx(), &who, &body.reason).await?,
    ))
}

#[utoipa::path(post, path = "/v1/lab/challengers/comparison", tag = "lab", security(("bearer" = [])),
    request_body = ComparisonRequest,
    responses(
        (status = 200, body = ComparisonPage, description = "The next page of customers (up to 200 looked at) of the challenger's share, both scores as of its start and whether each went bad since; call again with `next_cursor` until it is absent. Nothing is written"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no challenger was ever started"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn comparison(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<ComparisonRequest>,
) -> Result<Json<ComparisonPage>, ApiError> {
    Ok(Json(
        challenger::comparison(&state.ctx(), &who, body).await?,
    ))
}
