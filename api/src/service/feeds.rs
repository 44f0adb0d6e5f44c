//! Outside data feeds (`credence_shared::watch::feeds`): a provider's signed push
//! ([`receive`]), a pull from its `pull_url` (the daily pass's [`pull_all`], or an admin's
//! [`pull_now`]), and the one path both take into the credit file ([`land`]): each record of
//! a watched customer becomes a signal through `POST /v1/customers/{id}/signals`' own
//! service, recorded as `system`, so a record sent twice is one signal.

use credence_shared::watch::{
    DataFeeds, FeedBatch, FeedIgnored, FeedProvider, FeedRecord, FeedRejected, FeedReport,
    MAX_FEED_RECORDS,
};
use credence_shared::{TenantId, dto::FieldError, messages::code};
use tracing::instrument;

use crate::auth::Principal;
use crate::error::ApiError;
use crate::service::{Ctx, tenant};

/// How old a push's signature may be.
pub const SIGNATURE_TOLERANCE_SECONDS: i64 = 300;
/// The most bytes a pull's answer may have.
pub const MAX_PULL_BYTES: usize = 5 * 1024 * 1024;

/// The enabled provider `id` of the tenant, or 404 (an unknown tenant reads as no providers).
async fn provider(ctx: &Ctx<'_>, tenant: &TenantId, id: &str) -> Result<FeedProvider, ApiError> {
    let feeds: DataFeeds = tenant::document(ctx.store, tenant).await?;
    feeds
        .provider(id)
        .filter(|p| p.enabled)
        .cloned()
        .ok_or(ApiError::NotFound)
}

/// Whether `header` (`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`) signs `body`
/// under `secret`, made within the tolerance of `now`.
pub fn signed(secret: &str, header: &str, body: &[u8], now: i64) -> bool {
    use hmac::{Hmac, Mac};
    let Some((t, v1)) = header
        .trim()
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
    else {
        return false;
    };
    let (Ok(at), Ok(claimed)) = (t.parse::<i64>(), hex::decode(v1)) else {
        return false;
    };
    if (now - at).abs() > SIGNATURE_TOLERANCE_SECONDS {
        return false;
    }
    let mut mac =
        Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&claimed).is_ok()
}

/// `POST /v1/feeds/{tenant}/{provider}`: a provider's batch, signed with its secret.
#[instrument(skip_all, fields(tenant = %raw_tenant, provider = %provider_id))]
pub async fn receive(
    ctx: &Ctx<'_>,
    raw_tenant: &str,
    provider_id: &str,
    signature: Option<&str>,
    body: &[u8],
) -> Result<FeedReport, ApiError> {
    let tenant = TenantId::parse(raw_tenant).map_err(|_| ApiError::NotFound)?;
    let provider = provider(ctx, &tenant, provider_id).await?;
    let now = ctx.clock.now().unix_timestamp();
    if !signature.is_some_and(|s| signed(&provider.secret, s, body, now)) {
        return Err(ApiError::Unauthorized(
            "sign the body: X-Credence-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\"> under the provider's secret, within 5 minutes".into(),
        ));
    }
    let batch: FeedBatch = crate::extract::parse_json(body)?;
    land(ctx, &tenant, &provider, &batch).await
}

/// `POST /v1/admin/data-feeds/{provider}/pull`: pulls the provider now (admin).
#[instrument(skip_all, fields(tenant = %who.tenant, provider = %provider_id))]
pub async fn pull_now(
    ctx: &Ctx<'_>,
    who: &Principal,
    provider_id: &str,
) -> Result<FeedReport, ApiError> {
    crate::auth::policy::require(who, crate::auth::policy::Action::ManageConfiguration)?;
    let provider = provider(ctx, &who.tenant, provider_id).await?;
    pull(ctx, &who.tenant, &provider).await
}

/// `POST /v1/admin/data-feeds/{provider}/import`: a file the provider delivered (its records
/// in the feed format) landed as if the provider had pushed it (admin).
#[instrument(skip_all, fields(tenant = %who.tenant, provider = %provider_id))]
pub async fn import_file(
    ctx: &Ctx<'_>,
    who: &Principal,
    provider_id: &str,
    batch: &FeedBatch,
) -> Result<FeedReport, ApiError> {
    crate::auth::policy::require(who, crate::auth::policy::Action::ManageConfiguration)?;
    let provider = provider(ctx, &who.tenant, provider_id).await?;
    land(ctx, &who.tenant, &provider, batch).await
}

/// The daily pass's pull of every enabled provider with a `pull_url`. A provider that fails
/// is logged and tried again tomorrow; it never stops the pass.
pub async fn pull_all(ctx: &Ctx<'_>, tenant: &TenantId) {
    let feeds: DataFeeds = match tenant::document(ctx.store, tenant).await {
        Ok(feeds) => feeds,
        Err(e) => {
            tracing::warn!(%tenant, error = %e, "the data feeds could not be read");
            return;
        }
    };
    for provider in feeds.providers.iter().filter(|p| p.enabled) {
        if provider.pull_url.is_none() {
            continue;
        }
        match pull(ctx, tenant, provider).await {
            Ok(report) => {
                tracing::info!(%tenant, provider = %provider.id, accepted = report.accepted,
                duplicate = report.duplicate, ignored = report.ignored.len(),
                rejected = report.rejected.len(), "feed pulled")
            }
            Err(e) => {
                tracing::warn!(%tenant, provider = %provider.id, error = %e, "feed pull failed")
            }
        }
    }
}

/// Pulls `provider` from the cursor it gave last, lands the records, keeps the new cursor.
async fn pull(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    provider: &FeedProvider,
) -> Result<FeedReport, ApiError> {
    let Some(base) = provider.pull_url.as_deref() else {
        return Err(ApiError::field(
            "pull_url",
            code::REQUIRED,
            "this provider only pushes: it has no pull URL",
        ));
    };
    let since = ctx.store.feed_cursor(tenant, &provider.id).await?;
    let url = match &since {
        Some(cursor) => {
            let separator = if base.contains('?') { '&' } else { '?' };
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("since", cursor)
                .finish();
            format!("{base}{separator}{query}")
        }
        None => base.to_owned(),
    };
    let headers = [("authorization", format!("Bearer {}", provider.secret))];
    let body = ctx
        .egress
        .get(&url, &headers, MAX_PULL_BYTES)
        .await
        .map_err(|f| ApiError::Unavailable(format!("the provider's pull URL: {f}")))?;
    let batch: FeedBatch = serde_json::from_str(&body).map_err(|e| {
        ApiError::Unavailable(format!(
            "the provider answered something not in the feed format: {e}"
        ))
    })?;
    let report = land(ctx, tenant, provider, &batch).await?;
    if let Some(next) = &batch.next_cursor {
        ctx.store
            .put_feed_cursor(tenant, &provider.id, next)
            .await?;
    }
    Ok(report)
}

/// Lands each record of `batch` as a signal of the customer it names, when the provider
/// watches that customer.
pub async fn land(
    ctx: &Ctx<'_>,
    tenant: &TenantId,
    provider: &FeedProvider,
    batch: &FeedBatch,
) -> Result<FeedReport, ApiError> {
    if batch.records.len() > MAX_FEED_RECORDS {
        return Err(ApiError::from(
            FieldError::new(
                "records",
                code::LIST_TOO_LONG,
                format!("at most {MAX_FEED_RECORDS} records a batch"),
            )
            .with("max", MAX_FEED_RECORDS),
        ));
    }
    // Recorded as `system`, like every automatic action.
    let who = super::watch::system(tenant);
    let mut report = FeedReport::default();
    for (index, record) in batch.records.iter().enumerate() {
        match land_one(ctx, &who, provider, record).await {
            Ok(Landed::Accepted) => report.accepted += 1,
            Ok(Landed::Duplicate) => report.duplicate += 1,
            Ok(Landed::Ignored(reason)) => report.ignored.push(FeedIgnored {
                index,
                reason: reason.into(),
            }),
            Err(ApiError::Validation(errors)) => report.rejected.push(FeedRejected {
                index,
                errors: errors
                    .into_iter()
                    .map(|mut e| {
                        e.field = format!("records[{index}].{}", e.field);
                        e
                    })
                    .collect(),
            }),
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

enum Landed {
    Accepted,
    Duplicate,
    Ignored(&'static str),
}

async fn land_one(
    ctx: &Ctx<'_>,
    who: &Principal,
    provider: &FeedProvider,
    record: &FeedRecord,
) -> Result<Landed, ApiError> {
    let usci = record.usci().map_err(|e| ApiError::Validation(vec![e]))?;
    let Some(id) = ctx.store.usci_holder(&who.tenant, &usci).await? else {
        return Ok(Landed::Ignored("unknown_registration_id"));
    };
    let Some(customer) = ctx.store.get_customer(&who.tenant, &id).await? else {
        return Ok(Landed::Ignored("unknown_registration_id"));
    };
    let tags = customer
        .master
        .as_ref()
        .map(|m| m.tags.clone())
        .unwrap_or_default();
    if !provider.watch.covers(&customer.number, &tags) {
        return Ok(Landed::Ignored("not_watched"));
    }
    let Some(signal) = record.signal(&provider.id, &provider.name) else {
        return Ok(Landed::Ignored("not_a_warning"));
    };
    let new = super::watch::add_signal(ctx, who, id.as_str(), signal).await?;
    Ok(if new {
        Landed::Accepted
    } else {
        Landed::Duplicate
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_holds_for_its_body_and_time_only() {
        // Arrange
        let secret = "a-long-shared-secret-0123";
        let body = br#"{"records":[]}"#;
        let header = crate::service::watch::signature(secret, 1_000, r#"{"records":[]}"#);

        // Act / Assert
        assert!(signed(secret, &header, body, 1_000 + 299));
        assert!(!signed(secret, &header, body, 1_000 + 301), "too old");
        assert!(
            !signed(secret, &header, b"{\"records\":[1]}", 1_000),
            "another body"
        );
        assert!(!signed("another-secret-of-length", &header, body, 1_000));
        assert!(!signed(secret, "v1=abc", body, 1_000));
    }
}
