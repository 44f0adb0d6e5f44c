//! Where the early-warning code runs: the two Lambda adapters (`watch-stream` for DynamoDB
//! Streams events, `watch-daily` for the schedule) and, locally, the same work as tasks of
//! `credence-local`: a consumer of DynamoDB Local's stream and a daily timer. All of them
//! hand the same keys to [`watch::on_changes`] and call the same [`watch::daily`].

use std::collections::HashMap;
use std::time::Duration;

use anyhow::Context;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use credence_shared::TenantId;
use serde_json::{Value, json};

use crate::clock::Clock;
use crate::egress::Egress;
use crate::service::Ctx;
use crate::service::tenant::Engines;
use crate::service::watch;
use crate::store::Store;
use crate::store::watch::{changed_key_of_lambda_record, changed_key_of_stream_record};

/// What the watcher needs: the table, the engines cache, a clock and the outbound client.
#[derive(Clone)]
pub struct Watcher {
    pub store: Store,
    pub engines: Engines,
    pub clock: Clock,
    pub egress: Egress,
}

impl Watcher {
    pub fn new(store: Store, clock: Clock, egress: Egress) -> Self {
        Self {
            store,
            engines: Engines::default(),
            clock,
            egress,
        }
    }

    /// From `CREDENCE_TABLE`, `AWS_REGION` and (locally) `DYNAMODB_ENDPOINT`.
    pub async fn from_env() -> anyhow::Result<Self> {
        let table = std::env::var("CREDENCE_TABLE").context("CREDENCE_TABLE is not set")?;
        let region = std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into());
        let endpoint = std::env::var("DYNAMODB_ENDPOINT")
            .ok()
            .filter(|e| !e.is_empty());
        let client = Store::client(&region, endpoint.as_deref()).await;
        Ok(Self::new(
            Store::new(client, table),
            Clock::system(),
            Egress::from_env()?,
        ))
    }

    /// What the services get: this watcher's store, engines and clock.
    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            store: &self.store,
            engines: &self.engines,
            clock: &self.clock,
            egress: &self.egress,
        }
    }
}

/// The keys (`PK`, `SK`) of the records of a DynamoDB Streams Lambda event.
pub fn keys_of_stream_event(event: &Value) -> Vec<(String, String)> {
    event["Records"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(changed_key_of_lambda_record)
        .collect()
}

/// Handles one DynamoDB Streams Lambda event and answers with the partial batch response
/// (`ReportBatchItemFailures`): `{"batchItemFailures": [{"itemIdentifier": <sequence
/// number>}, ...]}`, one entry per record whose customer failed. Lambda retries from the
/// lowest one, so the records before it are not seen again; after the event source's last
/// retry the batch goes to the on-failure destination (a dead-letter queue). A failed
/// record without a sequence number is reported with an empty identifier, which makes
/// Lambda retry the whole batch rather than lose it.
pub async fn on_stream_event(watcher: &Watcher, event: &Value) -> Value {
    let records: Vec<&Value> = event["Records"].as_array().into_iter().flatten().collect();
    let keys = keys_of_stream_event(event);
    let outcome = watch::on_changes(&watcher.ctx(), &keys).await;
    let failures: Vec<Value> = records
        .into_iter()
        .filter(|record| {
            changed_key_of_lambda_record(record)
                .is_some_and(|(pk, sk)| outcome.failed_key(&pk, &sk))
        })
        .map(|record| {
            let sequence = record["dynamodb"]["SequenceNumber"]
                .as_str()
                .unwrap_or_default();
            json!({ "itemIdentifier": sequence })
        })
        .collect();
    if failures.is_empty() {
        tracing::info!(records = keys.len(), report = ?outcome.report, "stream batch");
    } else {
        tracing::error!(
            records = keys.len(),
            failed_records = failures.len(),
            report = ?outcome.report,
            "stream batch with failed customers; their records go back to the stream"
        );
    }
    json!({ "batchItemFailures": failures })
}

/// The tenants the jobs run for: every tenant in the registry (`credence-admin tenant
/// create` adds one), read at each run so a new tenant needs no redeploy.
pub async fn registered_tenants(watcher: &Watcher) -> anyhow::Result<Vec<TenantId>> {
    Ok(watcher
        .store
        .registered_tenants()
        .await?
        .into_iter()
        .map(|t| t.tenant)
        .collect())
}

/// Runs the daily pass for every tenant, logging each report. A tenant whose pass fails
/// does not stop the tenants after it; the error names every tenant that failed, once all
/// have run. Customers that failed inside a pass are counted in its report (and logged).
pub async fn daily_for(watcher: &Watcher, tenants: &[TenantId]) -> anyhow::Result<()> {
    let mut failed = Vec::new();
    for tenant in tenants {
        match watch::daily(&watcher.ctx(), tenant, false).await {
            Ok(report) if report.failed > 0 => {
                tracing::error!(%tenant, ?report, "daily pass with failed customers");
            }
            Ok(report) => tracing::info!(%tenant, ?report, "daily pass"),
            Err(e) => {
                tracing::error!(%tenant, error = %e, "daily pass failed");
                failed.push(tenant.to_string());
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        anyhow::bail!("the daily pass failed for {}", failed.join(", "))
    }
}

/// How many tenants' deliveries the worker sends at once.
pub const DELIVERY_TENANTS_AT_ONCE: usize = 8;

/// The delivery worker's run: sends the webhook deliveries and the letters that are due,
/// for every tenant,
/// up to [`DELIVERY_TENANTS_AT_ONCE`] tenants at a time, so one tenant's slow receiver
/// delays no other tenant's deliveries (and never the watcher, which only writes them). A
/// tenant whose deliveries fail does not stop the others; the error names every such tenant.
pub async fn deliver_for(watcher: &Watcher, tenants: &[TenantId]) -> anyhow::Result<u32> {
    use futures_util::StreamExt;
    let ctx = watcher.ctx();
    let ctx = &ctx;
    let results: Vec<(TenantId, Result<u32, _>)> =
        futures_util::stream::iter(tenants.iter().cloned())
            .map(|tenant| async move {
                let hooks = watch::deliver_due(ctx, &tenant).await;
                let letters = watch::send_letters_due(ctx, &tenant).await;
                let sent = match (hooks, letters) {
                    (Ok(h), Ok(l)) => Ok(h + l),
                    (Err(e), _) | (_, Err(e)) => Err(e),
                };
                (tenant, sent)
            })
            .buffer_unordered(DELIVERY_TENANTS_AT_ONCE)
            .collect()
            .await;
    let mut sent = 0;
    let mut failed = Vec::new();
    for (tenant, result) in results {
        match result {
            Ok(n) => sent += n,
            Err(e) => {
                tracing::error!(%tenant, error = %e, "webhook deliveries failed");
                failed.push(tenant.to_string());
            }
        }
    }
    if failed.is_empty() {
        Ok(sent)
    } else {
        anyhow::bail!("webhook deliveries failed for {}", failed.join(", "))
    }
}

/// Locally: consumes DynamoDB Local's stream of the table forever (new records only),
/// passing each batch's keys to the watcher, as the Lambda event source does in AWS.
pub async fn consume_local_stream(watcher: Watcher, endpoint: String, region: String) {
    let config = aws_sdk_dynamodbstreams::Config::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .http_client(crate::aws::https_client())
        .region(aws_config::Region::new(region))
        .endpoint_url(endpoint)
        .credentials_provider(aws_credential_types::Credentials::new(
            "local", "local", None, None, "static",
        ))
        .build();
    let streams = aws_sdk_dynamodbstreams::Client::from_conf(config);
    loop {
        if let Err(e) = consume(&watcher, &streams).await {
            tracing::warn!(error = %e, "stream consumer stopped; restarting in 5 s");
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

async fn consume(
    watcher: &Watcher,
    streams: &aws_sdk_dynamodbstreams::Client,
) -> anyhow::Result<()> {
    let arn = watcher
        .store
        .latest_stream_arn()
        .await?
        .context("the table has no stream")?;
    // Shard id → iterator. Shards open when we start are read from now on; shards that
    // appear later are read from their start.
    let mut iterators: HashMap<String, Option<String>> = HashMap::new();
    let mut first = true;
    loop {
        let described = streams.describe_stream().stream_arn(&arn).send().await?;
        for shard in described
            .stream_description()
            .map(|d| d.shards())
            .unwrap_or_default()
        {
            let Some(id) = shard.shard_id() else { continue };
            if iterators.contains_key(id) {
                continue;
            }
            let kind = if first {
                ShardIteratorType::Latest
            } else {
                ShardIteratorType::TrimHorizon
            };
            let it = streams
                .get_shard_iterator()
                .stream_arn(&arn)
                .shard_id(id)
                .shard_iterator_type(kind)
                .send()
                .await?;
            iterators.insert(id.to_owned(), it.shard_iterator().map(str::to_owned));
        }
        first = false;
        for _ in 0..10 {
            let mut changed = Vec::new();
            for iterator in iterators.values_mut() {
                let Some(current) = iterator.clone() else {
                    continue;
                };
                let out = streams
                    .get_records()
                    .shard_iterator(current)
                    .limit(1000)
                    .send()
                    .await?;
                changed.extend(
                    out.records()
                        .iter()
                        .filter_map(changed_key_of_stream_record),
                );
                *iterator = out.next_shard_iterator().map(str::to_owned);
            }
            if !changed.is_empty() {
                // Locally a failed customer is not re-read from the stream: it stays in the
                // wake index, so the next daily pass (or `POST /v1/watch/run`) retries it.
                let outcome = watch::on_changes(&watcher.ctx(), &changed).await;
                if outcome.report.customers + outcome.report.failed > 0 {
                    tracing::info!(report = ?outcome.report, "stream batch");
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

/// Locally: the daily pass once at start and then after each midnight (server time).
pub async fn local_schedule(watcher: Watcher) {
    let mut last_day = None;
    loop {
        let today = watcher.clock.today();
        if last_day != Some(today) {
            let pass = async { daily_for(&watcher, &registered_tenants(&watcher).await?).await };
            if let Err(e) = pass.await {
                tracing::warn!(error = %e, "daily pass failed");
            }
            last_day = Some(today);
        }
        tokio::time::sleep(Duration::from_secs(15)).await;
    }
}

/// Locally, for a server run as if it were `to` (`credence-local --today`): the daily pass
/// for every day after `from` up to `to`, each with the clock stopped at 06:00 of its day,
/// so a month of silence does to the portfolio what it would have done day by day.
pub async fn catch_up(
    watcher: &Watcher,
    tenants: &[TenantId],
    from: time::Date,
    to: time::Date,
) -> anyhow::Result<u32> {
    let mut days = 0;
    let mut day = from;
    while day < to {
        day = day.next_day().context("a day after the calendar's end")?;
        let at = day.with_hms(6, 0, 0).context("06:00")?.assume_utc();
        let that_day = Watcher::new(
            watcher.store.clone(),
            Clock::fixed(at),
            watcher.egress.clone(),
        );
        daily_for(&that_day, tenants).await?;
        days += 1;
    }
    Ok(days)
}

/// The Lambda functions run on the real clock: a shifted one (`CREDENCE_TODAY`, the local
/// server's `--today`) is refused.
pub fn refuse_shifted_clock() -> anyhow::Result<()> {
    anyhow::ensure!(
        std::env::var_os("CREDENCE_TODAY").is_none(),
        "CREDENCE_TODAY is for the local server only (credence-local --today); a Lambda function runs on the real clock"
    );
    Ok(())
}

/// Locally: the delivery worker, a task of its own (in AWS a function of its own), sending
/// due webhook deliveries every 5 s.
pub async fn local_deliveries(watcher: Watcher) {
    loop {
        let sent = async { deliver_for(&watcher, &registered_tenants(&watcher).await?).await };
        if let Err(e) = sent.await {
            tracing::warn!(error = %e, "webhook deliveries failed");
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_keys_of_a_dynamodb_streams_lambda_event_are_read_from_each_record() {
        let event = serde_json::json!({"Records": [
            {"eventName": "MODIFY", "eventSource": "aws:dynamodb",
             "dynamodb": {"Keys": {"PK": {"S": "T#demo#C#C001"}, "SK": {"S": "CREDIT"}},
                          "SequenceNumber": "1", "StreamViewType": "NEW_AND_OLD_IMAGES"}},
            {"eventName": "INSERT",
             "dynamodb": {"Keys": {"PK": {"S": "T#demo#C#C002"}, "SK": {"S": "SG#k1"}}}},
            {"eventName": "REMOVE", "dynamodb": {}}
        ]});

        let keys = keys_of_stream_event(&event);

        assert_eq!(
            keys,
            [
                ("T#demo#C#C001".to_owned(), "CREDIT".to_owned()),
                ("T#demo#C#C002".to_owned(), "SG#k1".to_owned())
            ]
        );
        let customers = watch::customers_to_watch(&keys);
        assert_eq!(customers.len(), 2);
    }

    #[test]
    fn the_watchers_own_writes_do_not_wake_it() {
        let keys = [
            ("T#demo#C#C001".to_owned(), "WATCH".to_owned()),
            ("T#demo#C#C001".to_owned(), "AL#overdue_steps".to_owned()),
            (
                "T#demo#C#C001".to_owned(),
                "ACT#2026-11-29T10:00:00Z#ab".to_owned(),
            ),
            ("T#demo#WH".to_owned(), "D#x".to_owned()),
        ];

        assert!(watch::customers_to_watch(&keys).is_empty());
    }
}
