//! The transport under every API call: the session's bearer token on each request, one
//! retry after a refresh when a token is refused mid-session, and answers read into values
//! or typed errors.

use super::ApiError;
use crate::session::Session;
use credence_shared::dto::Problem;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

pub(crate) async fn authorised<T: DeserializeOwned>(
    session: Session,
    request: RequestBuilder,
) -> Result<T, ApiError> {
    let Some(request) = with_token(session, request).await else {
        return Err(ApiError::Unauthorized);
    };
    let request = request
        .build()
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    read(send_authorised(session, request).await?).await
}

pub(crate) async fn authorised_with_body<T: DeserializeOwned, B: serde::Serialize>(
    session: Session,
    request: RequestBuilder,
    body: &B,
) -> Result<T, ApiError> {
    let Some(request) = with_token(session, request).await else {
        return Err(ApiError::Unauthorized);
    };
    let request = request
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    read(send_authorised(session, request).await?).await
}

/// For changes whose answer the page does not need (it reloads the list instead).
pub(super) async fn authorised_ignoring_answer<B: serde::Serialize>(
    session: Session,
    request: RequestBuilder,
    body: &B,
) -> Result<(), ApiError> {
    let Some(request) = with_token(session, request).await else {
        return Err(ApiError::Unauthorized);
    };
    let request = request
        .json(body)
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    let response = send_authorised(session, request).await?;
    if response.ok() {
        return Ok(());
    }
    read::<()>(response).await
}

async fn with_token(session: Session, request: RequestBuilder) -> Option<RequestBuilder> {
    let token = match crate::oidc::fresh_token(session).await {
        Some(token) => token,
        // A lapsed session: the call waits for the person to sign in again.
        None if session.renewed().await => session.bearer()?,
        None => return None,
    };
    Some(
        request
            .header("Authorization", &format!("Bearer {token}"))
            .header("Accept", "application/json"),
    )
}

/// Sends a request that carries the session's token. A 401 mid-session (the access token
/// was refused before its time: revoked at the issuer, or this device's clock is off) tries
/// the refresh token once and, when the issuer renews the session, sends the same request
/// again with the new token. When the issuer refuses the refresh token too, the session
/// lapses: the request waits until the person signs in again in a pop-up (`renew.rs`) and
/// is then sent with the new token. Either way the page never leaves, so nothing typed is
/// lost.
pub(super) async fn send_authorised(
    session: Session,
    request: Request,
) -> Result<Response, ApiError> {
    // A copy made before the body is used up, to send again.
    let raw = web_sys::Request::from(request);
    let spare = web_sys::Request::clone(&raw).ok();
    let response = Request::from(raw).send().await.map_err(network)?;
    if response.status() != 401 {
        return Ok(response);
    }
    let renewed = crate::oidc::refresh(session).await
        || (session.lapsed_subject().is_some() && session.renewed().await);
    if !renewed {
        return Ok(response);
    }
    let (Some(spare), Some(token)) = (spare, session.bearer()) else {
        return Ok(response);
    };
    if spare
        .headers()
        .set("Authorization", &format!("Bearer {token}"))
        .is_err()
    {
        return Ok(response);
    }
    let again = Request::from(spare).send().await.map_err(network)?;
    if again.status() == 401 {
        session.end();
    }
    Ok(again)
}

pub(super) async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Decode(e.to_string()));
    }
    // Error bodies should be problem+json, but a proxy may answer with HTML.
    let problem = response.json::<Problem>().await.ok();
    Err(match (status, problem) {
        (401, _) => ApiError::Unauthorized,
        (403, _) => ApiError::Forbidden,
        (404, _) => ApiError::NotFound,
        (409, problem) => ApiError::Conflict(problem),
        (400..=499, Some(problem)) => ApiError::Rejected(problem),
        (_, problem) => ApiError::Server {
            status,
            request_id: problem.and_then(|p| p.request_id),
        },
    })
}

pub(super) fn network(error: gloo_net::Error) -> ApiError {
    ApiError::Network(error.to_string())
}
