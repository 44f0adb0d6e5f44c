//! Early warning and collections: alerts, the worklist, promises, notes, signals, aging,
//! KPIs, the daily pass and their configuration. Bodies and answers are the types of
//! `credence_shared::watch`.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::{ApiJson, ApiQuery},
    service::{
        tenant,
        watch::{self, AlertQuery, DeliveryList, WorklistQuery},
    },
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
};
use credence_shared::{
    dto::Problem,
    watch::{
        Activity, Alert, AlertList, AlertUpdate, CollectionTask, CollectionsView, DataFeeds,
        DunningLadder, Kpis, NewNote, NewPromise, NewSignal, PortfolioAging, Promise, RunReport,
        RunRequest, TaskUpdate, WarningRules, WebhookConfig, Worklist,
    },
    workflow::Versioned,
};

#[utoipa::path(get, path = "/v1/alerts", tag = "watch", security(("bearer" = [])),
    params(AlertQuery),
    responses(
        (status = 200, description = "Alerts (`AlertList`) the caller may see, newest first, and the count of open ones meant for them"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn alerts(
    State(state): State<AppState>,
    who: Principal,
    ApiQuery(q): ApiQuery<AlertQuery>,
) -> Result<Json<AlertList>, ApiError> {
    Ok(Json(watch::alerts(&state.ctx(), &who, q).await?))
}

#[utoipa::path(get, path = "/v1/customers/{id}/alerts", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, description = "The customer's alerts, one per rule (`AlertList`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn customer_alerts(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<AlertList>, ApiError> {
    Ok(Json(watch::customer_alerts(&state.ctx(), &who, &id).await?))
}

#[utoipa::path(post, path = "/v1/customers/{id}/alerts/{rule}", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("rule" = String, Path, description = "Warning rule id")),
    request_body = AlertUpdate,
    responses(
        (status = 200, description = "The alert (`Alert`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the alert changed or is resolved already"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_alert(
    State(state): State<AppState>,
    who: Principal,
    Path((id, rule)): Path<(String, String)>,
    ApiJson(body): ApiJson<AlertUpdate>,
) -> Result<Json<Alert>, ApiError> {
    Ok(Json(
        watch::update_alert(&state.ctx(), &who, &id, &rule, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/worklist", tag = "watch", security(("bearer" = [])),
    params(WorklistQuery),
    responses(
        (status = 200, description = "Open collection tasks, highest priority first (`Worklist`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn worklist(
    State(state): State<AppState>,
    who: Principal,
    ApiQuery(q): ApiQuery<WorklistQuery>,
) -> Result<Json<Worklist>, ApiError> {
    Ok(Json(watch::worklist(&state.ctx(), &who, q).await?))
}

#[utoipa::path(post, path = "/v1/customers/{id}/tasks/{task}/done", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("task" = String, Path, description = "Task id")),
    request_body = TaskUpdate,
    responses(
        (status = 200, description = "The closed task (`CollectionTask`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn task_done(
    State(state): State<AppState>,
    who: Principal,
    Path((id, task)): Path<(String, String)>,
    ApiJson(body): ApiJson<TaskUpdate>,
) -> Result<Json<CollectionTask>, ApiError> {
    Ok(Json(
        watch::task_done(&state.ctx(), &who, &id, &task, body).await?,
    ))
}

#[utoipa::path(get, path = "/v1/customers/{id}/collections", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, description = "Aging, promises, tasks, alerts and activity (`CollectionsView`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn collections(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<CollectionsView>, ApiError> {
    Ok(Json(watch::collections(&state.ctx(), &who, &id).await?))
}

#[utoipa::path(post, path = "/v1/customers/{id}/promises", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewPromise,
    responses(
        (status = 201, description = "The promise (`Promise`)"),
        (status = 200, description = "Seen before (same key): the promise recorded then, nothing changed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_promise(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewPromise>,
) -> Result<(StatusCode, Json<Promise>), ApiError> {
    let (promise, new) = watch::add_promise(&state.ctx(), &who, &id, body).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(promise)))
}

#[utoipa::path(post, path = "/v1/customers/{id}/notes", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewNote,
    responses(
        (status = 201, description = "The note (`Activity`)"),
        (status = 200, description = "Seen before (same key): the note recorded then"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_note(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewNote>,
) -> Result<(StatusCode, Json<Activity>), ApiError> {
    let (note, new) = watch::add_note(&state.ctx(), &who, &id, body).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(note)))
}

#[utoipa::path(post, path = "/v1/customers/{id}/signals", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewSignal,
    responses(
        (status = 201, description = "Recorded; the watcher looks at the customer"),
        (status = 200, description = "Seen before (same key): nothing changed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_signal(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewSignal>,
) -> Result<StatusCode, ApiError> {
    let new = watch::add_signal(&state.ctx(), &who, &id, body).await?;
    Ok(if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

#[utoipa::path(get, path = "/v1/aging", tag = "watch", security(("bearer" = [])),
    responses(
        (status = 200, description = "The portfolio by days past due (`PortfolioAging`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn aging(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<PortfolioAging>, ApiError> {
    Ok(Json(watch::portfolio_aging(&state.ctx(), &who).await?))
}

#[utoipa::path(get, path = "/v1/kpis", tag = "watch", security(("bearer" = [])),
    responses(
        (status = 200, description = "Portfolio KPIs (`Kpis`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn kpis(State(state): State<AppState>, who: Principal) -> Result<Json<Kpis>, ApiError> {
    Ok(Json(watch::kpis(&state.ctx(), &who).await?))
}

#[utoipa::path(post, path = "/v1/watch/run", tag = "watch", security(("bearer" = [])),
    request_body = RunRequest,
    responses(
        (status = 200, description = "What the pass did (`RunReport`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn run(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<RunRequest>,
) -> Result<Json<RunReport>, ApiError> {
    Ok(Json(watch::run(&state.ctx(), &who, body).await?))
}

/// GET and PUT handlers for one tenant document.
macro_rules! config_routes {
    ($get:ident, $put:ident, $path:literal, $ty:ty, $what:literal) => {
        #[utoipa::path(get, path = $path, tag = "admin", security(("bearer" = [])),
                    responses(
                        (status = 200, description = $what),
                        (status = 403, body = Problem, content_type = "application/problem+json"),
                    ))]
        pub async fn $get(
            State(state): State<AppState>,
            who: Principal,
        ) -> Result<Json<$ty>, ApiError> {
            Ok(Json(
                tenant::document_to_edit::<$ty>(&state.store, &who).await?,
            ))
        }

        #[utoipa::path(put, path = $path, tag = "admin", security(("bearer" = [])),
                    request_body = Versioned<$ty>,
                    responses(
                        (status = 200, description = "The new version"),
                        (status = 403, body = Problem, content_type = "application/problem+json"),
                        (status = 409, body = Problem, content_type = "application/problem+json"),
                        (status = 422, body = Problem, content_type = "application/problem+json"),
                    ))]
        pub async fn $put(
            State(state): State<AppState>,
            who: Principal,
            ApiJson(body): ApiJson<Versioned<$ty>>,
        ) -> Result<Json<$ty>, ApiError> {
            Ok(Json(tenant::put_document(&state.ctx(), &who, body).await?))
        }
    };
}

config_routes!(
    warning_rules,
    put_warning_rules,
    "/v1/admin/warning-rules",
    WarningRules,
    "The warning rules (`WarningRules`)"
);
config_routes!(
    dunning_ladder,
    put_dunning_ladder,
    "/v1/admin/dunning-ladder",
    DunningLadder,
    "The dunning ladder (`DunningLadder`)"
);
config_routes!(
    data_feeds,
    put_data_feeds,
    "/v1/admin/data-feeds",
    DataFeeds,
    "The outside data providers and their monitoring lists (`DataFeeds`)"
);
config_routes!(
    webhooks,
    put_webhooks,
    "/v1/admin/webhooks",
    WebhookConfig,
    "The webhook endpoints (`WebhookConfig`)"
);

#[utoipa::path(get, path = "/v1/admin/webhooks/deliveries", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = DeliveryList, description = "Webhook deliveries and their attempts, newest first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn deliveries(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<DeliveryList>, ApiError> {
    Ok(Json(watch::delivery_log(&state.ctx(), &who).await?))
}
