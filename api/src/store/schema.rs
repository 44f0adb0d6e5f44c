//! The table's definition: the single source for creating the table locally and the
//! thing `infra/template.yaml` is checked against (see the `template` integration test).

use super::keys;
use anyhow::Context;
use aws_sdk_dynamodb::{
    Client,
    types::{
        AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
        Projection, ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
        TableStatus, TimeToLiveSpecification,
    },
};
use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexDef {
    pub name: &'static str,
    pub hash: &'static str,
    pub range: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub hash: &'static str,
    pub range: &'static str,
    /// All key attributes (of the table and its indexes); all are strings.
    pub attributes: Vec<&'static str>,
    /// Global secondary indexes, all projecting every attribute.
    pub indexes: Vec<IndexDef>,
    pub ttl_attribute: &'static str,
    pub stream_view: &'static str,
    pub billing_mode: &'static str,
}

pub fn table_def() -> TableDef {
    TableDef {
        hash: keys::PK,
        range: keys::SK,
        attributes: vec![
            keys::PK,
            keys::SK,
            keys::GSI1PK,
            keys::GSI1SK,
            keys::GSI2PK,
            keys::GSI2SK,
        ],
        indexes: vec![
            IndexDef {
                name: keys::GSI1,
                hash: keys::GSI1PK,
                range: keys::GSI1SK,
            },
            IndexDef {
                name: keys::GSI2,
                hash: keys::GSI2PK,
                range: keys::GSI2SK,
            },
        ],
        ttl_attribute: keys::TTL,
        stream_view: "NEW_AND_OLD_IMAGES",
        billing_mode: "PAY_PER_REQUEST",
    }
}

fn key(name: &str, kind: KeyType) -> anyhow::Result<KeySchemaElement> {
    Ok(KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()?)
}

/// Creates the table if it does not exist and waits until it is active. Existing tables
/// get any missing index added (DynamoDB adds one index per update).
pub async fn ensure_table(client: &Client, table: &str) -> anyhow::Result<()> {
    let def = table_def();
    let existing = client.describe_table().table_name(table).send().await;
    match existing {
        Ok(out) => {
            let have: Vec<String> = out
                .table()
                .map(|t| {
                    t.global_secondary_indexes()
                        .iter()
                        .filter_map(|i| i.index_name().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            for index in def
                .indexes
                .iter()
                .filter(|i| !have.iter().any(|h| h == i.name))
            {
                add_index(client, table, &def, index).await?;
                wait_active(client, table).await?;
            }
            return Ok(());
        }
        Err(e) => {
            let not_found = e
                .as_service_error()
                .is_some_and(|e| e.is_resource_not_found_exception());
            if !not_found {
                return Err(anyhow::Error::new(e).context("describing the table"));
            }
        }
    }
    let mut create = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(def.hash, KeyType::Hash)?)
        .key_schema(key(def.range, KeyType::Range)?)
        .stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::NewAndOldImages)
                .build()?,
        );
    for attribute in &def.attributes {
        create = create.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(*attribute)
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        );
    }
    for index in &def.indexes {
        create = create.global_secondary_indexes(gsi(index)?);
    }
    create.send().await.context("creating the table")?;
    wait_active(client, table).await?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(def.ttl_attribute)
                .enabled(true)
                .build()?,
        )
        .send()
        .await
        .context("enabling TTL")?;
    Ok(())
}

fn gsi(index: &IndexDef) -> anyhow::Result<GlobalSecondaryIndex> {
    Ok(GlobalSecondaryIndex::builder()
        .index_name(index.name)
        .key_schema(key(index.hash, KeyType::Hash)?)
        .key_schema(key(index.range, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()?)
}

async fn add_index(
    client: &Client,
    table: &str,
    def: &TableDef,
    index: &IndexDef,
) -> anyhow::Result<()> {
    use aws_sdk_dynamodb::types::{CreateGlobalSecondaryIndexAction, GlobalSecondaryIndexUpdate};
    let g = gsi(index)?;
    let mut update = client.update_table().table_name(table);
    for attribute in &def.attributes {
        update = update.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(*attribute)
                .attribute_type(ScalarAttributeType::S)
                .build()?,
        );
    }
    update
        .global_secondary_index_updates(
            GlobalSecondaryIndexUpdate::builder()
                .create(
                    CreateGlobalSecondaryIndexAction::builder()
                        .index_name(index.name)
                        .set_key_schema(Some(g.key_schema().to_vec()))
                        .set_projection(g.projection().cloned())
                        .build()?,
                )
                .build(),
        )
        .send()
        .await
        .with_context(|| format!("adding index {}", index.name))?;
    Ok(())
}

async fn wait_active(client: &Client, table: &str) -> anyhow::Result<()> {
    for _ in 0..120 {
        let out = client.describe_table().table_name(table).send().await?;
        let t = out.table();
        let table_active = t.and_then(|t| t.table_status()) == Some(&TableStatus::Active);
        let indexes_active = t.is_some_and(|t| {
            t.global_secondary_indexes()
                .iter()
                .all(|i| i.index_status() == Some(&aws_sdk_dynamodb::types::IndexStatus::Active))
        });
        if table_active && indexes_active {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    anyhow::bail!("table {table} did not become active in 30 s")
}
