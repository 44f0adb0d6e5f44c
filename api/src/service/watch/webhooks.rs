//! Webhooks: the pending deliveries the watcher writes with each change it tells (an
//! outbox, in the same transaction as the change), their delivery by the worker (signed
//! with a timestamped HMAC-SHA256, retried with backoff) and the delivery log.

use credence_shared::TenantId;
use credence_shared::watch::{
    Delivery, DeliveryAttempt, DeliveryStatus, WebhookConfig, backoff_seconds,
};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use super::{stamp, unique};
use crate::auth::Principal;
use crate::auth::policy::{self, Action};
use crate::egress::Failure;
use crate::error::ApiError;
use crate::service::{Ctx, tenant};
use crate::store::StoreError;
use tracing::instrument;

/// One pending delivery per enabled endpoint, written with the change that caused it.
pub(super) fn new_deliveries<T: Serialize>(
    tenant: &TenantId,
    hooks: &WebhookConfig,
    event: &str,
    data: &T,
    now: OffsetDateTime,
) -> Vec<Delivery> {
    let mut out = Vec::new();
    for endpoint in hooks.endpoints.iter().filter(|e| e.enabled) {
        let id = format!("{}-{}", now.unix_timestamp_nanos(), unique());
        let body = serde_json::json!({
            "id": id,
            "event": event,
            "tenant": tenant.to_string(),
            "at": stamp(now),
            "data": data,
        })
        .to_string();
        let delivery = Delivery {
            id: id.clone(),
            endpoint_id: endpoint.id.clone(),
            url: endpoint.url.clone(),
            event: event.to_owned(),
            body,
            status: DeliveryStatus::Pending,
            attempts: Vec::new(),
            created_at: now,
            next_attempt_at: now,
            version: 1,
        };
        out.push(delivery);
    }
    out
}

/// The `X-Credence-Signature` value for `body` sent at `at` (unix seconds):
/// `t=<at>,v1=<hex HMAC-SHA256 of "<at>.<body>" under the secret>`. The timestamp is
/// signed with the body, so a receiver can refuse a replay older than a few minutes.
pub fn signature(secret: &str, at: i64, body: &str) -> String {
    use hmac::{Hmac, Mac};
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(at.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={at},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The most deliveries one tenant sends per run: a tenant with a backlog (or a receiver
/// that times out on every call) takes a bounded share of the worker; the rest waits for
/// the next run.
pub const PER_TENANT_PER_RUN: usize = 25;

/// Sends the tenant's deliveries due by the clock's now (at most [`PER_TENANT_PER_RUN`]),
/// each attempt recorded before the next is made; a failure is retried later with backoff,
/// up to [`MAX_ATTEMPTS`](credence_shared::watch::MAX_ATTEMPTS). Runs in the delivery
/// worker, never in the watcher's passes. Returns how many were delivered.
#[instrument(level = "debug", skip_all, fields(tenant = %tenant))]
pub async fn deliver_due(ctx: &Ctx<'_>, tenant: &TenantId) -> Result<u32, ApiError> {
    let (store, now) = (ctx.store, ctx.clock.now());
    let pending = store.pending_deliveries(tenant, now).await?;
    if pending.is_empty() {
        return Ok(0);
    }
    let hooks = tenant::document::<WebhookConfig>(store, tenant).await?;
    let mut sent = 0;
    let due = pending
        .into_iter()
        .filter(|(_, d)| d.status == DeliveryStatus::Pending && d.next_attempt_at <= now)
        .take(PER_TENANT_PER_RUN);
    for (_, mut d) in due {
        let secret = hooks
            .endpoints
            .iter()
            .find(|e| e.id == d.endpoint_id)
            .map(|e| e.secret.clone());
        let attempt = match &secret {
            None => DeliveryAttempt {
                at: now,
                status: None,
                error: Some("the endpoint was removed".into()),
            },
            Some(secret) => {
                let headers = [
                    ("content-type", "application/json".to_owned()),
                    ("x-credence-event", d.event.clone()),
                    ("x-credence-delivery", d.id.clone()),
                    (
                        "x-credence-signature",
                        signature(secret, now.unix_timestamp(), &d.body),
                    ),
                ];
                match ctx.egress.post(&d.url, &headers, d.body.clone()).await {
                    Ok(status) => DeliveryAttempt {
                        at: now,
                        status: Some(status),
                        error: None,
                    },
                    Err(failure) => DeliveryAttempt {
                        at: now,
                        status: match failure {
                            Failure::Status(s) => Some(s),
                            _ => None,
                        },
                        error: Some(failure.to_string()),
                    },
                }
            }
        };
        let ok = attempt.error.is_none();
        d.attempts.push(attempt);
        d.status = if ok {
            sent += 1;
            DeliveryStatus::Delivered
        } else if d.attempts.len() >= credence_shared::watch::MAX_ATTEMPTS || secret.is_none() {
            DeliveryStatus::Failed
        } else {
            d.next_attempt_at = now
                .checked_add(Duration::seconds(backoff_seconds(d.attempts.len())))
                .unwrap_or(now);
            DeliveryStatus::Pending
        };
        let expected = d.version;
        d.version += 1;
        // A concurrent deliverer got there first: its attempt stands.
        let mut write = store.watch_writes();
        write.delivery(tenant, &d, Some(expected))?;
        match write.commit().await {
            Ok(_) | Err(StoreError::ConditionFailed) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(sent)
}

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeliveryList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Delivery>,
}

/// `GET /v1/admin/webhooks/deliveries`: the delivery log, newest first.
#[instrument(skip_all, fields(tenant = %who.tenant, user = %who.username))]
pub async fn delivery_log(ctx: &Ctx<'_>, who: &Principal) -> Result<DeliveryList, ApiError> {
    policy::require(who, Action::ManageConfiguration)?;
    Ok(DeliveryList {
        items: ctx.store.delivery_log(&who.tenant, 200).await?,
    })
}
