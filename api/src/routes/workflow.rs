//! Credit requests and their review, the inbox, onboarding applications, the blacklist, the
//! audit trail and the admin configuration. Bodies and answers are the types of
//! `credence_shared::workflow`.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::{ApiJson, ApiQuery},
    service::{
        people, tenant,
        workflow::{self, AuditQuery, BlacklistList, RequestList, WithdrawBody},
    },
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::{StatusCode, header},
    response::IntoResponse,
};
use credence_shared::{
    dto::Problem,
    workflow::{
        Application, ApplicationCreated, ApplicationForm, ApprovalMatrix, AuditPage, BlacklistAdd,
        BlacklistEntry, BlacklistRemoval, CreditRequest, EngineInForce, EngineVersion, FieldSet,
        Inbox, NewRequest, PersonName, PublishEngine, RequestDetail, ResubmitRequest,
        ReviewRequest, ScreenRequest, ScreenResult, SignedOut, UserRecord, UserSignOut, UserUpdate,
        Versioned,
    },
};
use serde::{Deserialize, Serialize};

#[utoipa::path(post, path = "/v1/customers/{id}/requests", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewRequest,
    responses(
        (status = 201, description = "The request, routed by the approval matrix (`CreditRequest`)"),
        (status = 200, description = "Sent again with the same `idempotency_key`: the request filed the first time (`CreditRequest`)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "not one of your customers"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the same request is already open"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn file(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewRequest>,
) -> Result<(StatusCode, Json<CreditRequest>), ApiError> {
    let (request, new) = workflow::file(&state.ctx(), &who, &id, body).await?;
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(request)))
}

#[utoipa::path(get, path = "/v1/customers/{id}/requests", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = RequestList, description = "The customer's requests, newest first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn customer_requests(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<RequestList>, ApiError> {
    Ok(Json(
        workflow::customer_requests(&state.ctx(), &who, &id).await?,
    ))
}

#[utoipa::path(get, path = "/v1/customers/{id}/requests/{rid}", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("rid" = String, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request, its timeline and SLA, the evidence then and now, and what the caller may do (`RequestDetail`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn detail(
    State(state): State<AppState>,
    who: Principal,
    Path((id, rid)): Path<(String, String)>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::detail(&state.ctx(), &who, workflow::Home::Customer(&id), &rid).await?,
    ))
}

#[utoipa::path(post, path = "/v1/customers/{id}/requests/{rid}/review", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("rid" = String, Path, description = "Request id")),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "The request after the decision (`RequestDetail`); a final approval has changed the credit file"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "not your step, your own request, or you approved an earlier step"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "someone acted on the request since `version`"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "reject and return need a `note`"),
    ))]
pub async fn review(
    State(state): State<AppState>,
    who: Principal,
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::review(
            &state.ctx(),
            &who,
            workflow::Home::Customer(&id),
            &rid,
            body,
        )
        .await?,
    ))
}

#[utoipa::path(put, path = "/v1/customers/{id}/requests/{rid}", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("rid" = String, Path, description = "Request id")),
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
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<ResubmitRequest>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::resubmit(
            &state.ctx(),
            &who,
            workflow::Home::Customer(&id),
            &rid,
            body,
        )
        .await?,
    ))
}

#[utoipa::path(post, path = "/v1/customers/{id}/requests/{rid}/withdraw", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("rid" = String, Path, description = "Request id")),
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
    Path((id, rid)): Path<(String, String)>,
    ApiJson(body): ApiJson<WithdrawBody>,
) -> Result<Json<RequestDetail>, ApiError> {
    Ok(Json(
        workflow::withdraw(
            &state.ctx(),
            &who,
            workflow::Home::Customer(&id),
            &rid,
            body,
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/v1/requests", tag = "workflow", security(("bearer" = [])),
    responses(
        (status = 200, body = RequestList, description = "Open requests the caller may see (a sales rep: their own)"),
    ))]
pub async fn open_requests(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<RequestList>, ApiError> {
    Ok(Json(workflow::open_requests(&state.ctx(), &who).await?))
}

#[utoipa::path(get, path = "/v1/inbox", tag = "workflow", security(("bearer" = [])),
    responses(
        (status = 200, description = "Requests waiting for me, returned to me and mine that moved, with counts (`Inbox`)"),
    ))]
pub async fn inbox(State(state): State<AppState>, who: Principal) -> Result<Json<Inbox>, ApiError> {
    Ok(Json(workflow::inbox(&state.ctx(), &who).await?))
}

#[utoipa::path(get, path = "/v1/engine", tag = "workflow", security(("bearer" = [])),
    responses((status = 200, body = EngineInForce, description = "The tenant's scorecard model and credit policy in force (for previews in the browser)")))]
pub async fn engine(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<EngineInForce>, ApiError> {
    Ok(Json(
        tenant::engine_in_force(&state.store, &state.engines, &who).await?,
    ))
}

#[utoipa::path(get, path = "/v1/applications/form", tag = "workflow", security(("bearer" = [])),
    responses(
        (status = 200, body = ApplicationForm, description = "Account currency and the custom fields the caller sees"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn application_form(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<ApplicationForm>, ApiError> {
    Ok(Json(workflow::application_form(&state.ctx(), &who).await?))
}

#[utoipa::path(post, path = "/v1/applications/screen", tag = "workflow", security(("bearer" = [])),
    request_body = ScreenRequest,
    responses(
        (status = 200, description = "Customers with the same code or name, and blacklist entries (`ScreenResult`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn screen(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<ScreenRequest>,
) -> Result<Json<ScreenResult>, ApiError> {
    Ok(Json(workflow::screen(&state.ctx(), &who, body).await?))
}

#[utoipa::path(post, path = "/v1/applications", tag = "workflow", security(("bearer" = [])),
    request_body = Application,
    responses(
        (status = 201, description = "The new customer (no credit until approved) and its credit-line request (`ApplicationCreated`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a field is wrong, the code or name is already a customer, or on the blacklist"),
    ))]
pub async fn submit_application(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<Application>,
) -> Result<(StatusCode, Json<ApplicationCreated>), ApiError> {
    let created = workflow::submit_application(&state.ctx(), &who, body).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/v1/blacklist", tag = "workflow", security(("bearer" = [])),
    responses(
        (status = 200, body = BlacklistList, description = "The tenant's blacklist, newest first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn blacklist(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<BlacklistList>, ApiError> {
    Ok(Json(workflow::blacklist(&state.ctx(), &who).await?))
}

#[utoipa::path(post, path = "/v1/blacklist", tag = "workflow", security(("bearer" = [])),
    request_body = BlacklistAdd,
    responses(
        (status = 201, description = "The entry (`BlacklistEntry`); a customer is put on hold"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add_to_blacklist(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<BlacklistAdd>,
) -> Result<(StatusCode, Json<BlacklistEntry>), ApiError> {
    let entry = workflow::add_to_blacklist(&state.ctx(), &who, body).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

#[utoipa::path(post, path = "/v1/blacklist/removals", tag = "workflow", security(("bearer" = [])),
    request_body = BlacklistRemoval,
    responses(
        (status = 204, description = "The party is off the blacklist; a customer's credit file no longer says blacklisted (a hold stays)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "not yours, or the approval matrix gives the removal to more people than you (`forbidden.needs_approval`, naming the rule: file a `blacklist_remove` request); an admin may override"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "nothing on the blacklist under that key"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove_from_blacklist(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<BlacklistRemoval>,
) -> Result<StatusCode, ApiError> {
    workflow::remove_from_blacklist(&state.ctx(), &who, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CursorQuery {
    pub cursor: Option<String>,
}

#[utoipa::path(get, path = "/v1/customers/{id}/audit", tag = "workflow", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), CursorQuery),
    responses(
        (status = 200, description = "The customer's audit trail, newest first (`AuditPage`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn customer_audit(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<CursorQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(
        workflow::customer_audit(&state.ctx(), &who, &id, q.cursor).await?,
    ))
}

#[utoipa::path(get, path = "/v1/audit", tag = "workflow", security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, description = "The tenant's audit trail for the dates, oldest first (`AuditPage`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn tenant_audit(
    State(state): State<AppState>,
    who: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, ApiError> {
    Ok(Json(workflow::tenant_audit(&state.ctx(), &who, q).await?))
}

#[utoipa::path(get, path = "/v1/audit/export", tag = "workflow", security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, content_type = "text/csv", description = "The audit trail for the dates as CSV"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export_audit(
    State(state): State<AppState>,
    who: Principal,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let csv = workflow::export_audit(&state.ctx(), &who, q).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"credence-audit.csv\"",
            ),
        ],
        csv,
    ))
}

// ----- admin -------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<UserRecord>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PeopleNames {
    pub items: Vec<PersonName>,
}

#[utoipa::path(get, path = "/v1/people", tag = "workflow", security(("bearer" = [])),
    responses(
        (status = 200, body = PeopleNames, description = "The display name of each person who \
            has one: records name people by username, screens by these names"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn people_names(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<PeopleNames>, ApiError> {
    Ok(Json(PeopleNames {
        items: people::names(&state.store, &who).await?,
    }))
}

#[utoipa::path(get, path = "/v1/admin/users", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = UserList),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn users(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<UserList>, ApiError> {
    Ok(Json(UserList {
        items: people::users(&state.store, &who).await?,
    }))
}

#[utoipa::path(put, path = "/v1/admin/users/{username}", tag = "admin", security(("bearer" = [])),
    params(("username" = String, Path, description = "Username")),
    request_body = UserUpdate,
    responses(
        (status = 200, description = "The user (`UserRecord`; `invitation` carries a new local \
            person's temporary password, once). Roles, disabling and sign-outs take effect at \
            the person's next call in this instance and within two minutes in every other"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_user(
    State(state): State<AppState>,
    who: Principal,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<UserUpdate>,
) -> Result<Json<UserRecord>, ApiError> {
    Ok(Json(
        people::put_user(&people_of(&state), &who, &username, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/admin/users/{username}/sign-out", tag = "admin",
    security(("bearer" = [])),
    params(("username" = String, Path, description = "Username")),
    request_body = UserSignOut,
    responses(
        (status = 200, body = SignedOut, description = "Every session of the person ended: their \
            refresh tokens at the directory, every access token issued before this second at the API"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_out_user(
    State(state): State<AppState>,
    who: Principal,
    Path(username): Path<String>,
    ApiJson(body): ApiJson<UserSignOut>,
) -> Result<Json<SignedOut>, ApiError> {
    Ok(Json(
        people::sign_out_everywhere(&people_of(&state), &who, &username, body).await?,
    ))
}

pub(super) fn people_of(state: &AppState) -> people::People<'_> {
    people::People {
        store: &state.store,
        clock: &state.clock,
        directory: Some(state.directory.as_ref()),
        verifier: Some(state.verifier.as_ref()),
    }
}

#[utoipa::path(get, path = "/v1/admin/custom-fields", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "All custom application fields (`FieldSet`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn custom_fields(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<FieldSet>, ApiError> {
    Ok(Json(tenant::document_to_edit(&state.store, &who).await?))
}

#[utoipa::path(put, path = "/v1/admin/custom-fields", tag = "admin", security(("bearer" = [])),
    request_body = Versioned<FieldSet>,
    responses(
        (status = 200, description = "The new version (`FieldSet`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_custom_fields(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<Versioned<FieldSet>>,
) -> Result<Json<FieldSet>, ApiError> {
    Ok(Json(tenant::put_document(&state.ctx(), &who, body).await?))
}

#[utoipa::path(get, path = "/v1/admin/approval-matrix", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "The approval matrix (`ApprovalMatrix`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approval_matrix(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<ApprovalMatrix>, ApiError> {
    Ok(Json(tenant::document_to_edit(&state.store, &who).await?))
}

#[utoipa::path(put, path = "/v1/admin/approval-matrix", tag = "admin", security(("bearer" = [])),
    request_body = Versioned<ApprovalMatrix>,
    responses(
        (status = 200, description = "The new version (`ApprovalMatrix`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_approval_matrix(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<Versioned<ApprovalMatrix>>,
) -> Result<Json<ApprovalMatrix>, ApiError> {
    Ok(Json(tenant::put_document(&state.ctx(), &who, body).await?))
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EngineVersionList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<EngineVersion>,
}

#[utoipa::path(get, path = "/v1/admin/engine-versions", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, body = EngineVersionList, description = "Published model and policy versions, the one in force marked"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn engine_versions(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<EngineVersionList>, ApiError> {
    Ok(Json(EngineVersionList {
        items: tenant::engine_versions(&state.store, &who).await?,
    }))
}

#[utoipa::path(post, path = "/v1/admin/engine-versions", tag = "admin", security(("bearer" = [])),
    request_body = PublishEngine,
    responses(
        (status = 201, description = "The new version, in force at once (`EngineVersion`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the model or policy is invalid; the field names the path"),
    ))]
pub async fn publish_engine(
    State(state): State<AppState>,
    who: Principal,
    ApiJson(body): ApiJson<PublishEngine>,
) -> Result<(StatusCode, Json<EngineVersion>), ApiError> {
    let v = tenant::publish_engine(&state.store, &state.engines, &state.clock, &who, body).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

#[utoipa::path(post, path = "/v1/admin/engine-versions/{version}/activate", tag = "admin", security(("bearer" = [])),
    params(("version" = u32, Path, description = "Engine version")),
    request_body = ReasonBody,
    responses(
        (status = 200, description = "The version now in force (`EngineVersion`)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn activate_engine(
    State(state): State<AppState>,
    who: Principal,
    Path(version): Path<String>,
    ApiJson(body): ApiJson<ReasonBody>,
) -> Result<Json<EngineVersion>, ApiError> {
    let version: u32 = version.parse().map_err(|_| ApiError::NotFound)?;
    Ok(Json(
        tenant::activate_engine(
            &state.store,
            &state.engines,
            &state.clock,
            &who,
            version,
            &body.reason,
        )
        .await?,
    ))
}
