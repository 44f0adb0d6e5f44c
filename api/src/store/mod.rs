//! The only code that talks to DynamoDB. Items are private to this module tree; callers
//! get domain types and DTOs. Key formats live in [`keys`], the table in [`schema`].

pub(crate) mod codec;
pub mod credit;
pub mod customers;
pub mod documents;
pub mod evidence;
pub mod feeds;
pub mod file_owner;
pub mod files;
pub mod fx_rates;
pub mod groups;
pub mod imports;
pub mod keys;
pub mod ledger_pack;
pub mod letters;
pub mod master;
pub mod open_pages;
pub mod orders;
pub mod registry;
pub mod reports;
pub mod reviews;
pub mod schema;
pub mod seed;
pub mod walk;
pub mod watch;
pub mod workflow;
pub mod workflow_writes;

use aws_sdk_dynamodb::{
    Client,
    error::{ProvideErrorMetadata, SdkError},
    types::AttributeValue,
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use std::collections::HashMap;
use std::sync::Arc;

pub type Item = HashMap<String, AttributeValue>;

/// The cause kept with a store error: the SDK's error (with its own chain) or what went
/// wrong in building a request.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Throttled, timed out or unreachable: the caller may retry. `code` names what
    /// happened (the service's error code, or the SDK's description of the failure).
    #[error("DynamoDB unavailable: {code}")]
    Unavailable {
        code: String,
        #[source]
        source: Cause,
    },
    /// A condition expression failed (a concurrent write won).
    #[error("condition failed")]
    ConditionFailed,
    /// A paging cursor that we did not issue, or issued for another query.
    #[error("invalid cursor")]
    BadCursor,
    /// An item that does not decode: a bug or a manual edit, never the client's fault.
    #[error("corrupt item: {0}")]
    Corrupt(String),
    /// Any other failure of a request; the SDK's error is the source.
    #[error("DynamoDB request failed")]
    Other(#[source] Cause),
}

impl StoreError {
    /// DynamoDB kept leaving part of a batch (`what`) unprocessed.
    pub(crate) fn throttled(what: &str) -> Self {
        StoreError::Unavailable {
            code: format!("{what} kept being throttled"),
            source: format!("DynamoDB left part of the {what} unprocessed after every retry")
                .into(),
        }
    }
}

/// The error of a query that started from a client's cursor (`from_cursor`): DynamoDB
/// refusing the request (`ValidationException`, e.g. a start key outside the query) is the
/// cursor's fault, so [`StoreError::BadCursor`]; anything else as usual.
pub(crate) fn resumed<E, R>(err: SdkError<E, R>, from_cursor: bool) -> StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let refused = matches!(&err, SdkError::ServiceError(service)
        if service.err().code() == Some("ValidationException"));
    if from_cursor && refused {
        StoreError::BadCursor
    } else {
        err.into()
    }
}

impl<E, R> From<SdkError<E, R>> for StoreError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn from(err: SdkError<E, R>) -> Self {
        let code = match &err {
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => Some(format!("{err}")),
            SdkError::ServiceError(service) => match service.err().code() {
                Some("ConditionalCheckFailedException") => return StoreError::ConditionFailed,
                Some(
                    code @ ("ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
                    | "ServiceUnavailable"),
                ) => Some(code.to_owned()),
                _ => None,
            },
            _ => None,
        };
        match code {
            Some(code) => StoreError::Unavailable {
                code,
                source: Box::new(err),
            },
            None => StoreError::Other(Box::new(err)),
        }
    }
}

/// A handle on the table. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    client: Client,
    table: Arc<str>,
}

impl Store {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: Arc::from(Into::<String>::into(table)),
        }
    }

    /// A client for the real service (`endpoint = None`) or DynamoDB Local. Local gets
    /// fixed credentials so the default chain never probes instance metadata.
    pub async fn client(region: &str, endpoint: Option<&str>) -> Client {
        match endpoint {
            Some(url) => {
                let config = aws_sdk_dynamodb::Config::builder()
                    .behavior_version(aws_config::BehaviorVersion::latest())
                    .http_client(crate::aws::https_client())
                    .region(aws_config::Region::new(region.to_owned()))
                    .endpoint_url(url)
                    .credentials_provider(aws_credential_types::Credentials::new(
                        "local", "local", None, None, "static",
                    ))
                    .build();
                Client::from_conf(config)
            }
            None => Client::new(&crate::aws::config(Some(region)).await),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    /// Opens the connection to DynamoDB before the first request needs it: one `GetItem` of
    /// a key nothing is written to ([`keys::WARM_PK`]), which resolves the credentials,
    /// makes the TLS handshake and leaves the connection in the client's pool. A function
    /// calls it while it starts, where the time is not a user's.
    pub async fn warm(&self) -> Result<(), StoreError> {
        self.client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, codec::s(keys::WARM_PK))
            .key(keys::SK, codec::s(keys::WARM_SK))
            .send()
            .await?;
        Ok(())
    }

    pub fn raw_client(&self) -> &Client {
        &self.client
    }

    /// A query of the items in partition `pk` whose sort key starts with `prefix`
    /// (callers add paging, order and consistency).
    pub(crate) fn query_sk_prefix(
        &self,
        pk: impl Into<String>,
        prefix: impl Into<String>,
    ) -> aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder {
        self.client
            .query()
            .table_name(self.table())
            .key_condition_expression("#pk = :pk AND begins_with(#sk, :p)")
            .expression_attribute_names("#pk", keys::PK)
            .expression_attribute_names("#sk", keys::SK)
            .expression_attribute_values(":pk", AttributeValue::S(pk.into()))
            .expression_attribute_values(":p", AttributeValue::S(prefix.into()))
    }

    /// Writes items in batches of 25, retrying what DynamoDB leaves unprocessed.
    /// For bulk loads of new, immutable items only (no conditions are possible here).
    pub(crate) async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
        for chunk in items.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|item| {
                    WriteRequest::builder()
                        .put_request(
                            PutRequest::builder()
                                .set_item(Some(item.clone()))
                                .build()
                                .expect("item is set"),
                        )
                        .build()
                })
                .collect();
            let mut backoff = Backoff::new("batch write", 100);
            while !pending.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(self.table(), pending)
                    .send()
                    .await?;
                pending = out
                    .unprocessed_items()
                    .and_then(|m| m.get(self.table()).cloned())
                    .unwrap_or_default();
                if !pending.is_empty() {
                    backoff.wait().await?;
                }
            }
        }
        Ok(())
    }
}

impl Store {
    /// Every item `request` names (at most 100 keys, this table), retrying what DynamoDB
    /// leaves unprocessed with [`Backoff`]; keys without an item are simply absent.
    pub(crate) async fn batch_get(
        &self,
        request: aws_sdk_dynamodb::types::KeysAndAttributes,
        what: &'static str,
    ) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut pending = Some(request);
        let mut backoff = Backoff::new(what, 40);
        while let Some(keys_left) = pending.take() {
            let out = self
                .client
                .batch_get_item()
                .request_items(self.table(), keys_left)
                .send()
                .await?;
            items.extend(
                out.responses
                    .and_then(|mut r| r.remove(self.table()))
                    .unwrap_or_default(),
            );
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(self.table()))
                .filter(|k| !k.keys().is_empty());
            if pending.is_some() {
                backoff.wait().await?;
            }
        }
        Ok(items)
    }
}

/// The wait between retries of what a batch call left unprocessed: exponential from
/// `first` (doubling), giving up after [`Backoff::TRIES`] retries with
/// [`StoreError::throttled`], as AWS advises for `UnprocessedKeys`/`UnprocessedItems`.
pub(crate) struct Backoff {
    what: &'static str,
    first: std::time::Duration,
    tries: u32,
}

impl Backoff {
    pub(crate) const TRIES: u32 = 8;

    pub(crate) fn new(what: &'static str, first_millis: u64) -> Self {
        Self {
            what,
            first: std::time::Duration::from_millis(first_millis),
            tries: 0,
        }
    }

    /// Waits before the next retry, or gives up after the last.
    pub(crate) async fn wait(&mut self) -> Result<(), StoreError> {
        self.tries += 1;
        if self.tries > Self::TRIES {
            return Err(StoreError::throttled(self.what));
        }
        tokio::time::sleep(self.first * (1 << (self.tries - 1))).await;
        Ok(())
    }
}

/// Encodes a LastEvaluatedKey as an opaque cursor.
pub(crate) fn encode_cursor(key: &Item) -> Option<String> {
    let map: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|s| (k.as_str(), s.as_str())))
        .collect();
    serde_json::to_vec(&map)
        .ok()
        .map(|json| URL_SAFE_NO_PAD.encode(json))
}

/// Decodes a cursor and checks it belongs to the query: it must have exactly `attrs`, none
/// empty, `partition_attr` must equal `partition` (so a cursor cannot reach another
/// tenant), and the value of `sort_attr` must be one the query can reach (`sort_ok`: the
/// query's prefix or range), so a cursor of another query is refused here rather than by
/// DynamoDB.
pub(crate) fn decode_cursor(
    cursor: &str,
    attrs: &[&str],
    (partition_attr, partition): (&str, &str),
    (sort_attr, sort_ok): (&str, &dyn Fn(&str) -> bool),
) -> Result<Item, StoreError> {
    let json = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| StoreError::BadCursor)?;
    let map: HashMap<String, String> =
        serde_json::from_slice(&json).map_err(|_| StoreError::BadCursor)?;
    if map.len() != attrs.len()
        || !attrs.iter().all(|a| map.contains_key(*a))
        || map.values().any(String::is_empty)
        || map.get(partition_attr).map(String::as_str) != Some(partition)
        || !map.get(sort_attr).is_some_and(|v| sort_ok(v))
    {
        return Err(StoreError::BadCursor);
    }
    Ok(map
        .into_iter()
        .map(|(k, v)| (k, AttributeValue::S(v)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_for_its_own_partition() {
        let key: Item = [("PK", "T#a#X"), ("SK", "k1")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())))
            .collect();
        let cursor = encode_cursor(&key).unwrap();
        assert_eq!(
            decode_cursor(&cursor, &["PK", "SK"], ("PK", "T#a#X"), ("SK", &|_| true)).unwrap(),
            key
        );
    }

    fn cursor_of(pairs: &[(&str, &str)]) -> String {
        let key: Item = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), AttributeValue::S((*v).to_owned())))
            .collect();
        encode_cursor(&key).unwrap()
    }

    #[test]
    fn a_cursor_outside_what_its_query_reads_is_refused() {
        // Arrange
        let audit = |sk: &str| sk.starts_with("A#");
        let elsewhere = cursor_of(&[("PK", "T#a#X"), ("SK", "PROFILE")]);
        let empty = cursor_of(&[("PK", "T#a#X"), ("SK", "")]);
        let inside = cursor_of(&[("PK", "T#a#X"), ("SK", "A#2026")]);
        // Act / Assert
        for bad in [elsewhere, empty] {
            assert!(matches!(
                decode_cursor(&bad, &["PK", "SK"], ("PK", "T#a#X"), ("SK", &audit)),
                Err(StoreError::BadCursor)
            ));
        }
        assert!(decode_cursor(&inside, &["PK", "SK"], ("PK", "T#a#X"), ("SK", &audit)).is_ok());
    }

    #[test]
    fn a_cursor_for_another_partition_is_refused() {
        let key: Item = [("PK", "T#other#X"), ("SK", "k1")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())))
            .collect();
        let cursor = encode_cursor(&key).unwrap();
        assert!(matches!(
            decode_cursor(&cursor, &["PK", "SK"], ("PK", "T#a#X"), ("SK", &|_| true)),
            Err(StoreError::BadCursor)
        ));
        assert!(matches!(
            decode_cursor(
                "not base64!",
                &["PK", "SK"],
                ("PK", "T#a#X"),
                ("SK", &|_| true)
            ),
            Err(StoreError::BadCursor)
        ));
    }
}
