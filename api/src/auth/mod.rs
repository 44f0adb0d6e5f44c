//! Who is calling: JWT verification (any RS256 issuer with a JWKS, Cognito in AWS), the
//! [`Principal`] extractor every protected handler takes, and the local development issuer.

pub mod local;
pub mod policy;
pub mod verify;

use crate::{app::AppState, error::ApiError};
use axum::{extract::FromRequestParts, http::request::Parts};
use credence_shared::{Role, TenantId, UserId};

pub use verify::{Claims, Verifier};

/// The verified caller. Every store call is scoped by `tenant`, which comes only from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub tenant: TenantId,
    pub roles: Vec<Role>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .ok_or_else(|| ApiError::Unauthorized("no Authorization header".into()))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthorized("expected 'Authorization: Bearer <token>'".into())
            })?;
        let principal = state.verifier.verify(token).await?;
        tracing::Span::current().record("tenant", principal.tenant.as_str());
        Ok(principal)
    }
}
