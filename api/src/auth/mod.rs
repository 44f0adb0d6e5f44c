//! Who is calling: JWT verification (any RS256 issuer with a JWKS, Cognito in AWS), the
//! [`Principal`] extractor every protected handler takes, and the local development issuer.

pub mod local;
pub mod oauth;
pub mod policy;
pub mod verify;

use crate::error::ApiError;
use axum::{
    extract::{FromRef, FromRequestParts},
    http::request::Parts,
};
use credence_shared::{Role, TenantId, UserId};
use std::sync::Arc;

pub use verify::{Claims, Verifier};

/// The verified caller. Every store call is scoped by `tenant`, which comes only from here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: UserId,
    pub username: String,
    pub tenant: TenantId,
    /// A person's roles (none for a machine client).
    pub roles: Vec<Role>,
    /// A machine client's scopes (none for a person: people act by their roles).
    pub scopes: Vec<policy::Scope>,
    /// Roles the person holds but may not use until they set up two-step verification
    /// (the deployment requires it for these roles; not in `roles`).
    pub withheld: Vec<Role>,
}

impl Principal {
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Generic over the state: any state that can hand out the verifier works, so `auth`
/// does not depend on the application that uses it.
impl<S> FromRequestParts<S> for Principal
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
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
        let verifier = Arc::<Verifier>::from_ref(state);
        let principal = verifier.verify(token).await?;
        tracing::Span::current().record("tenant", principal.tenant.as_str());
        Ok(principal)
    }
}
