//! The signed-in user as the API sees them.

use crate::auth::Principal;
use axum::Json;
use credence_shared::dto::{Me, Problem};

#[utoipa::path(get, path = "/v1/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
pub async fn me(who: Principal) -> Json<Me> {
    Json(Me {
        user_id: who.user_id,
        username: who.username,
        tenant: who.tenant,
        roles: who.roles,
    })
}
