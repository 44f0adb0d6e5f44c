//! The re-grade of the portfolio after an engine version is put in force (admin).

use crate::{auth::Principal, error::ApiError, service::regrade, state::AppState};
use axum::{Json, extract::State};
use credence_shared::{credit::RegradeJob, dto::Problem};

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
