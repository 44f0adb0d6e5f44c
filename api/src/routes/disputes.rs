//! Letters to customers and disputes as cases, under a customer.

use crate::{
    auth::Principal,
    error::ApiError,
    extract::ApiJson,
    service::{disputes, watch},
    state::AppState,
};
use axum::{
    Json,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use credence_shared::{
    dto::Problem,
    watch::{
        DisputeCase, DisputeList, DisputeResolution, DisputeUpdate, Letter, LetterList, NewDispute,
        NewLetter,
    },
};

fn created<T>(value: T, new: bool) -> (StatusCode, Json<T>) {
    let status = if new {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    (status, Json(value))
}

#[utoipa::path(get, path = "/v1/customers/{id}/letters", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = LetterList, description = "The statements and reminders sent or waiting, newest first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn letters(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<LetterList>, ApiError> {
    Ok(Json(LetterList {
        items: watch::letters(&state.ctx(), &who, &id).await?,
    }))
}

#[utoipa::path(post, path = "/v1/customers/{id}/letters", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewLetter,
    responses(
        (status = 201, body = Letter, description = "The letter, sent now (`sent`), kept to post (`no_address`), or waiting for another attempt (`pending`)"),
        (status = 200, body = Letter, description = "The key was used before: that letter, nothing sent again"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "a bad key or address, or nothing to put on the letter (`kind`)"),
    ))]
pub async fn send_letter(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewLetter>,
) -> Result<(StatusCode, Json<Letter>), ApiError> {
    let (letter, new) = watch::send_letter(&state.ctx(), &who, &id, body).await?;
    Ok(created(letter, new))
}

#[utoipa::path(get, path = "/v1/customers/{id}/letters/{letter}/pdf", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("letter" = String, Path, description = "Letter id")),
    responses(
        (status = 200, content_type = "application/pdf", description = "The letter's PDF as it was sent"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "no such letter, or its PDF is not made yet"),
    ))]
pub async fn letter_pdf(
    State(state): State<AppState>,
    who: Principal,
    Path((id, letter)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let pdf = watch::letter_pdf(&state.ctx(), &who, &id, &letter).await?;
    Ok(super::report::pdf_response(pdf, &format!("{letter}.pdf")))
}

#[utoipa::path(get, path = "/v1/customers/{id}/disputes", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    responses(
        (status = 200, body = DisputeList, description = "Every dispute in the ledger with its case, open ones first"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn disputes(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
) -> Result<Json<DisputeList>, ApiError> {
    let (items, open_invoices) = disputes::disputes(&state.ctx(), &who, &id).await?;
    Ok(Json(DisputeList {
        items,
        open_invoices,
    }))
}

#[utoipa::path(post, path = "/v1/customers/{id}/disputes", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id")),
    request_body = NewDispute,
    responses(
        (status = 201, body = DisputeCase, description = "The case; dunning of the disputed part pauses"),
        (status = 200, body = DisputeCase, description = "The key was used before: that case"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "not an open invoice, more than is open and undisputed, a bad key, note or owner"),
    ))]
pub async fn open_dispute(
    State(state): State<AppState>,
    who: Principal,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NewDispute>,
) -> Result<(StatusCode, Json<DisputeCase>), ApiError> {
    let (case, new) = disputes::open_dispute(&state.ctx(), &who, &id, body).await?;
    Ok(created(case, new))
}

#[utoipa::path(put, path = "/v1/customers/{id}/disputes/{dispute}", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("dispute" = String, Path, description = "Dispute number")),
    request_body = DisputeUpdate,
    responses(
        (status = 200, body = DisputeCase, description = "The case with its new owner, reason and note"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the case changed since `version`, or is resolved"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_dispute(
    State(state): State<AppState>,
    who: Principal,
    Path((id, dispute)): Path<(String, String)>,
    ApiJson(body): ApiJson<DisputeUpdate>,
) -> Result<Json<DisputeCase>, ApiError> {
    Ok(Json(
        disputes::update_dispute(&state.ctx(), &who, &id, &dispute, body).await?,
    ))
}

#[utoipa::path(post, path = "/v1/customers/{id}/disputes/{dispute}/resolution", tag = "watch", security(("bearer" = [])),
    params(("id" = String, Path, description = "Customer id"), ("dispute" = String, Path, description = "Dispute number")),
    request_body = DisputeResolution,
    responses(
        (status = 200, body = DisputeCase, description = "The case, resolved; the ledger's dispute is closed and dunning of what is still open resumes"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "the case changed since `version`, or is resolved already"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "`credited` missing for a credit note or write-off, more than disputed, or given for another outcome"),
    ))]
pub async fn resolve_dispute(
    State(state): State<AppState>,
    who: Principal,
    Path((id, dispute)): Path<(String, String)>,
    ApiJson(body): ApiJson<DisputeResolution>,
) -> Result<Json<DisputeCase>, ApiError> {
    Ok(Json(
        disputes::resolve_dispute(&state.ctx(), &who, &id, &dispute, body).await?,
    ))
}
