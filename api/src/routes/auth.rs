//! The local issuer's endpoints. Mounted only when the local issuer is configured,
//! so they do not exist in AWS.

use crate::{error::ApiError, extract::ApiJson, state::AppState};
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
    let mut errors = Vec::new();
    if request.username.trim().is_empty() {
        errors.push(credence_shared::dto::FieldError::new(
            "username",
            credence_shared::messages::code::REQUIRED,
            "enter your username",
        ));
    }
    if request.password.is_empty() {
        errors.push(credence_shared::dto::FieldError::new(
            "password",
            credence_shared::messages::code::REQUIRED,
            "enter your password",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = issuer.check_password(request.username.trim(), &request.password)?;
    // The tenant's user directory (admin pages) decides the roles and whether the account
    // may sign in at all.
    let stored =
        crate::service::config::stored_user(&state.store, &user.tenant, &user.username).await?;
    match stored {
        Some(u) if !u.active => Err(ApiError::Unauthorized("this account is disabled".into())),
        Some(u) => Ok(Json(issuer.sign_in_as(user, Some(&u.roles))?)),
        None => Ok(Json(issuer.sign_in_as(user, None)?)),
    }
}

#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "identity",
    description = "Local development only: the local issuer's public key.",
    responses((status = 200, description = "JSON Web Key Set")))]
pub async fn jwks(State(state): State<AppState>) -> Result<Json<JwkSet>, ApiError> {
    let issuer = state.local_issuer.as_ref().ok_or(ApiError::NotFound)?;
    Ok(Json(issuer.jwks()))
}
