//! Liveness: no dependencies touched, so load balancers never flap on DynamoDB blips.

use axum::Json;
use credence_shared::dto::Health;

#[utoipa::path(get, path = "/health", tag = "meta", responses((status = 200, body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}
