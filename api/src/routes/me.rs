//! The signed-in user as the API sees them, and their two-step verification.

use crate::auth::Principal;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::service::mfa;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use credence_shared::dto::{Me, MfaConfirm, MfaConfirmed, MfaSecret, Problem};

#[utoipa::path(get, path = "/v1/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(who: Principal) -> Json<Me> {
    Json(Me {
        user_id: who.user_id,
        username: who.username,
        tenant: who.tenant,
        roles: who.roles,
        withheld: who.withheld,
    })
}

/// The bearer token of the call (the extractor checked it already).
fn token(headers: &HeaderMap) -> &str {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.get(7..))
        .map(str::trim)
        .unwrap_or("")
}

/// Starts setting up two-step verification (TOTP) for the signed-in person.
#[utoipa::path(post, path = "/v1/me/mfa", tag = "identity", security(("bearer" = [])),
    responses(
        (status = 200, body = MfaSecret),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A machine client", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn begin_mfa(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
) -> Result<Json<MfaSecret>, ApiError> {
    Ok(Json(
        mfa::begin(&super::workflow::people_of(&state), &who, token(&headers)).await?,
    ))
}

/// Confirms the set-up with the authenticator app's current code.
#[utoipa::path(post, path = "/v1/me/mfa/confirm", tag = "identity", security(("bearer" = [])),
    request_body = MfaConfirm,
    responses(
        (status = 200, body = MfaConfirmed),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A machine client", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not the current code (`code`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm_mfa(
    State(state): State<AppState>,
    who: Principal,
    headers: HeaderMap,
    ApiJson(body): ApiJson<MfaConfirm>,
) -> Result<Json<MfaConfirmed>, ApiError> {
    Ok(Json(
        mfa::confirm(
            &super::workflow::people_of(&state),
            &who,
            token(&headers),
            body,
        )
        .await?,
    ))
}
