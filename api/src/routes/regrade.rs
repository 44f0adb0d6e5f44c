//! The re-grade of the portfolio after an engine version is put in force (admin).

use crate::{
    auth::Principal,
    error::ApiError,
    service::{regrade, whatif},
    state::AppState,
};
use axum::{Json, extract::State};
use credence_shared::{
    credit::RegradeJob,
    dto::Problem,
    preview::{EnginePreview, EnginePreviewRequest},
};

#[utoipa::path(get, path = "/v1/admin/regrade", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = Option<RegradeJob>, description = "The last re-grade (`null` before the first publish)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Option<RegradeJob>>, ApiError> {
    Ok(Json(regrade::status(&state.ctx(), &who).await?))
}

#[utoipa::path(post, path = "/v1/admin/regrade", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = Option<RegradeJob>, description = "One more step done (up to 200 customers); `finished` when every file is on the version in force"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn step(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<Option<RegradeJob>>, ApiError> {
    Ok(Json(regrade::step_for(&state.ctx(), &who).await?))
}

#[utoipa::path(post, path = "/v1/admin/engine-versions/preview", tag = "admin", security(("bearer" = [])),
    request_body = EnginePreviewRequest,
    responses(
        (status = 200, body = EnginePreview, description = "Of the next page of customers (up to 200), how many the candidate would move to another grade, limit or terms; call again with `next_cursor` until it is absent. Nothing is written"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the model or policy is invalid (the field names the path), or the cursor is not this preview's"),
    ))]
pub async fn preview(
    State(state): State<AppState>,
    who: Principal,
    crate::extract::ApiJson(body): crate::extract::ApiJson<EnginePreviewRequest>,
) -> Result<Json<EnginePreview>, ApiError> {
    Ok(Json(whatif::preview(&state.ctx(), &who, body).await?))
}
