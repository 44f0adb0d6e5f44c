//! Collection tasks opened and handed over by hand.

use crate::{auth::Principal, error::ApiError, extract::ApiJson, service::watch, state::AppState};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::{
    dto::Problem,
    watch::{CollectionTask, NewTask, TaskReassign},
};

#[utoipa::path(post, path = "/v1/customers/{id}/tasks", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewTask,
    responses(
        (status = 201, body = CollectionTask, description = "The task, on its assignee's worklist"),
        (status = 200, body = CollectionTask, description = "The key had opened it before: the task as it is now"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a bad key, reason or assignee; `errors[].field` names it"),
    ))]
pub async fn open(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewTask>,
) -> Result<(StatusCode, Json<CollectionTask>), ApiError> {
    let (task, new) = watch::open_task(&state.ctx(), &who, &id, body).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(task)))
}

#[utoipa::path(put, path = "/v1/customers/{id}/tasks/{task}/assignee", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("task" = String, Path, description = "Task id")),
    request_body = TaskReassign,
    responses(
        (status = 200, body = CollectionTask, description = "The task, now on the new assignee's worklist"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the task changed since `version`, or is done"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reassign(
    State(state): State<AppState>,
    who: Principal,
    Path((id, task)): Path<(String, String)>,
    ApiJson(body): ApiJson<TaskReassign>,
) -> Result<Json<CollectionTask>, ApiError> {
    Ok(Json(
        watch::reassign_task(&state.ctx(), &who, &id, &task, body).await?,
    ))
}
