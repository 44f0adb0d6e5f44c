//! The scoring lab (risk, admin): the development sample, page by page, and fits.

use crate::{auth::Principal, error::ApiError, extract::ApiJson, service::lab, state::AppState};
use axum::{Json, extract::State};
use credence_shared::{
    dto::Problem,
    lab::{FitRequest, FitResponse, SamplePage, SampleRequest},
};

/// Largest fit request, in bytes: about 30,000 customers of 15 characteristics. (Lambda
/// itself takes at most 6 MB.)
pub const FIT_BODY_LIMIT: usize = 6 * 1024 * 1024;

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
