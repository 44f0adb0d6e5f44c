//! `/v1/imports`: batches of rows read from the tenant's files, the import history and the
//! remembered mappings (see `service::imports`).

use crate::{
    auth::Principal, error::ApiError, extract::ApiJson, service::imports, state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
};
use credence_shared::{
    dto::Problem,
    import::{
        batch::{Batch, BatchResult, ErrorRow, ImportRun, SavedMapping},
        columns::ImportKind,
    },
};

#[utoipa::path(post, path = "/v1/imports/{kind}", tag = "imports", security(("bearer" = [])),
    params(("kind" = ImportKind, Path, description = "customers, open_items, ledger, exchange_rates or signals")),
    request_body = Batch,
    responses(
        (status = 200, body = BatchResult, description = "What each row did (or, in a dry run, would do): created, updated, unchanged, or its errors by column"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "whoever may make the change through the API: customers risk and admin (credit lines only an admin), open items, ledger and rates finance and admin, signals risk and admin"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "not a kind of import"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "the mapping, the run or the batch is invalid; `errors[].field` names it"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    who: Principal,
    Path(kind): Path<String>,
    ApiJson(batch): ApiJson<Batch>,
) -> Result<Json<BatchResult>, ApiError> {
    let kind = ImportKind::parse(&kind).ok_or(ApiError::NotFound)?;
    Ok(Json(
        imports::import(&state.ctx(), &who, kind, batch).await?,
    ))
}

/// `{"items": [...]}`: the import history.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportRunList {
    pub items: Vec<ImportRun>,
}

/// `{"items": [...]}`: an import's failed rows.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorRowList {
    pub items: Vec<ErrorRow>,
}

#[utoipa::path(get, path = "/v1/imports", tag = "imports", security(("bearer" = [])),
    responses(
        (status = 200, body = ImportRunList, description = "The tenant's imports, newest first: who, when, file name, SHA-256, kind, counts"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk, finance and admin"),
    ))]
pub async fn runs(
    State(state): State<AppState>,
    who: Principal,
) -> Result<Json<ImportRunList>, ApiError> {
    let items = imports::runs(&state.ctx(), &who).await?;
    Ok(Json(ImportRunList { items }))
}

#[utoipa::path(get, path = "/v1/imports/{id}/errors", tag = "imports", security(("bearer" = [])),
    params(("id" = String, Path, description = "the import's id")),
    responses(
        (status = 200, body = ErrorRowList, description = "The rows of the import that failed, with their cells and problems, in file order"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk, finance and admin"),
    ))]
pub async fn errors(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<ErrorRowList>, ApiError> {
    let items = imports::errors(&state.ctx(), &who, &id).await?;
    Ok(Json(ErrorRowList { items }))
}

#[utoipa::path(get, path = "/v1/imports/mappings/{layout}", tag = "imports", security(("bearer" = [])),
    params(("layout" = String, Path, description = "the header layout (`layout_of`)")),
    responses(
        (status = 200, body = Option<SavedMapping>, description = "The mapping a file with these headers was last committed with; `null` when none was"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk, finance and admin"),
    ))]
pub async fn mapping(
    State(state): State<AppState>,
    who: Principal,
    Path(layout): Path<String>,
) -> Result<Json<Option<SavedMapping>>, ApiError> {
    Ok(Json(imports::mapping(&state.ctx(), &who, &layout).await?))
}

/// `?lang=zh|en` of a template.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// The header's language: `zh` (default) or `en`.
    pub lang: Option<String>,
}

#[utoipa::path(get, path = "/v1/imports/templates/{kind}", tag = "imports", security(("bearer" = [])),
    params(("kind" = ImportKind, Path, description = "customers, open_items, ledger, exchange_rates or signals"), TemplateQuery),
    responses(
        (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "An empty XLSX with the kind's columns, headed so that it maps itself"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "risk, finance and admin"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "not a kind of import"),
    ))]
pub async fn template(
    who: Principal,
    Path(kind): Path<String>,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<TemplateQuery>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let kind = ImportKind::parse(&kind).ok_or(ApiError::NotFound)?;
    let zh = !matches!(q.lang.as_deref(), Some("en"));
    let table = imports::template(&who, kind, zh)?;
    let bytes = crate::export::xlsx(&table).map_err(|e| ApiError::Internal(e.into()))?;
    let name = format!(
        "attachment; filename=\"credence-{}-template.xlsx\"",
        table.sheet
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, name),
        ],
        bytes,
    ))
}
