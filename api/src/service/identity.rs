//! Signing in with the local development issuer: the username and password it knows, then
//! the tenant's user directory (admin pages), which decides the roles and whether the
//! account may sign in at all. In AWS, Cognito signs people in and this is never mounted.

use super::{Ctx, tenant};
use crate::{auth::local::LocalIssuer, error::ApiError};
use credence_shared::dto::{FieldError, TokenRequest, TokenResponse};
use credence_shared::messages::code;
use tracing::instrument;

/// `POST /auth/token`. The password is never logged; the span names the user once known.
#[instrument(skip_all, fields(tenant = tracing::field::Empty, user = tracing::field::Empty))]
pub async fn sign_in(
    ctx: &Ctx<'_>,
    issuer: &LocalIssuer,
    request: TokenRequest,
) -> Result<TokenResponse, ApiError> {
    let mut errors = Vec::new();
    if request.username.trim().is_empty() {
        errors.push(FieldError::new(
            "username",
            code::REQUIRED,
            "enter your username",
        ));
    }
    if request.password.is_empty() {
        errors.push(FieldError::new(
            "password",
            code::REQUIRED,
            "enter your password",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let user = issuer.check_password(request.username.trim(), &request.password)?;
    let span = tracing::Span::current();
    span.record("tenant", user.tenant.as_str());
    span.record("user", user.username.as_str());
    let stored = tenant::stored_user(ctx.store, &user.tenant, &user.username).await?;
    match stored {
        Some(u) if !u.active => Err(ApiError::Unauthorized("this account is disabled".into())),
        Some(u) => issuer.sign_in_as(user, Some(&u.roles)),
        None => issuer.sign_in_as(user, None),
    }
}
