//! The local issuer's endpoints. Mounted only when the local issuer is configured,
//! so they do not exist in AWS.

use crate::{error::ApiError, extract::ApiJson, service::identity, state::AppState};
use axum::{Json, extract::State};
use credence_shared::dto::{Problem, TokenRequest, TokenResponse};
use jsonwebtoken::jwk::JwkSet;

#[utoipa::path(post, path = "/auth/token", tag = "identity",
    description = "Local development only: exchange a demo username and password for a token.",
    request_body = TokenRequest,
    responses(
        (status = 200, body = TokenResponse),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn token(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<TokenRequest>,
) -> Result<Json<TokenResponse>, ApiError> {
    let issuer = state.local_issuer.as_ref().ok_or(ApiError::NotFound)?;
    Ok(Json(
        identity::sign_in(&state.ctx(), issuer, request).await?,
    ))
}

#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "identity",
    description = "Local development only: the local issuer's public key.",
    responses((status = 200, description = "JSON Web Key Set")))]
pub async fn jwks(State(state): State<AppState>) -> Result<Json<JwkSet>, ApiError> {
    let issuer = state.local_issuer.as_ref().ok_or(ApiError::NotFound)?;
    Ok(Json(issuer.jwks()))
}
