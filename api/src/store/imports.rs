//! The import history: one item per run whose counts each committed batch adds to (a batch
//! counted once, by its number), the error rows of each batch, and the mapping remembered
//! per header layout.

use super::codec::{Cancellation, json, n, plain_put, s};
use super::{Item, Store, StoreError, keys};
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use credence_shared::{
    TenantId,
    import::{
        batch::{BatchCounts, ErrorRow, ImportRun, RunInfo, SavedMapping},
        columns::ImportKind,
    },
};

/// Most bytes of error rows kept per batch (an item holds 400 KB).
const MAX_ERROR_BYTES: usize = 300_000;
/// Most runs the history lists.
const MAX_RUNS: usize = 200;

fn number(item: &Item, name: &str) -> u32 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn text(item: &Item, name: &str) -> String {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default()
}

impl Store {
    /// Adds one committed batch to its run (creating the run with its first batch). A batch
    /// number already counted changes nothing: `Ok(false)`.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_import_batch(
        &self,
        tenant: &TenantId,
        kind: ImportKind,
        run: &RunInfo,
        who: &str,
        at: &str,
        counts: &BatchCounts,
        errors: &[ErrorRow],
    ) -> Result<bool, StoreError> {
        let kind_text = kind.as_str();
        let update = Update::builder()
            .table_name(self.table())
            .key(keys::PK, s(keys::imports_pk(tenant)))
            .key(keys::SK, s(keys::import_run_sk(&run.id)))
            .update_expression(
                "SET entity = :e, kind = if_not_exists(kind, :kind), fileName = :file, \
                 sha256 = :sha, startedBy = if_not_exists(startedBy, :who), \
                 startedAt = if_not_exists(startedAt, :at), updatedAt = :at, \
                 rowsTotal = :total \
                 ADD created :c, updated :u, unchanged :n, errors :x, batches :one, done :b",
            )
            .condition_expression("attribute_not_exists(done) OR NOT contains(done, :bn)")
            .expression_attribute_values(":e", s("import_run"))
            .expression_attribute_values(":kind", s(kind_text))
            .expression_attribute_values(":file", s(&run.file_name))
            .expression_attribute_values(":sha", s(&run.sha256))
            .expression_attribute_values(":who", s(who))
            .expression_attribute_values(":at", s(at))
            .expression_attribute_values(":total", n(run.rows_total))
            .expression_attribute_values(":c", n(counts.created))
            .expression_attribute_values(":u", n(counts.updated))
            .expression_attribute_values(":n", n(counts.unchanged))
            .expression_attribute_values(":x", n(counts.errors))
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":b", AttributeValue::Ns(vec![run.batch.to_string()]))
            .expression_attribute_values(":bn", n(run.batch))
            .build()
            .map_err(|e| StoreError::Other(e.into()))?;
        let mut items = vec![TransactWriteItem::builder().update(update).build()];
        // The batch's failed rows go with its count, in the same transaction: a batch is
        // counted with its error rows or not at all.
        if !errors.is_empty() {
            let mut kept = Vec::new();
            let mut size = 0;
            for row in errors {
                size += json(row)?.len();
                if size > MAX_ERROR_BYTES {
                    break;
                }
                kept.push(row);
            }
            let mut item = Item::new();
            item.insert(keys::PK.into(), s(keys::imports_pk(tenant)));
            item.insert(
                keys::SK.into(),
                s(keys::import_errors_sk(&run.id, run.batch)),
            );
            item.insert("entity".into(), s("import_errors"));
            item.insert("rows".into(), s(json(&kept)?));
            items.push(plain_put(self.table(), item)?);
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => {}
            Err(e) => {
                return match Cancellation::of(&e) {
                    Some(c) if c.failed(0) => Ok(false),
                    Some(c) => Err(c.unavailable(e)),
                    None => Err(e.into()),
                };
            }
        }
        Ok(true)
    }

    /// The tenant's imports, newest first.
    pub async fn import_runs(&self, tenant: &TenantId) -> Result<Vec<ImportRun>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::imports_pk(tenant),
                Some(keys::IMPORT_RUN_PREFIX),
                None,
                true,
                10_000,
            )
            .await?;
        let mut runs: Vec<ImportRun> = items
            .iter()
            .filter_map(|item| {
                let kind = ImportKind::parse(&text(item, "kind"))?;
                let sk = text(item, keys::SK);
                Some(ImportRun {
                    id: sk.strip_prefix(keys::IMPORT_RUN_PREFIX)?.to_owned(),
                    kind,
                    file_name: text(item, "fileName"),
                    sha256: text(item, "sha256"),
                    started_by: text(item, "startedBy"),
                    started_at: text(item, "startedAt"),
                    updated_at: text(item, "updatedAt"),
                    rows_total: number(item, "rowsTotal"),
                    batches: number(item, "batches"),
                    counts: BatchCounts {
                        created: number(item, "created"),
                        updated: number(item, "updated"),
                        unchanged: number(item, "unchanged"),
                        errors: number(item, "errors"),
                    },
                })
            })
            .collect();
        runs.sort_by(|a, b| b.started_at.cmp(&a.started_at));
        runs.truncate(MAX_RUNS);
        Ok(runs)
    }

    /// The error rows of a run, in file order.
    pub async fn import_errors(
        &self,
        tenant: &TenantId,
        run: &str,
    ) -> Result<Vec<ErrorRow>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::imports_pk(tenant),
                Some(&keys::import_errors_prefix(run)),
                None,
                true,
                100_000,
            )
            .await?;
        let mut rows = Vec::new();
        for item in items {
            let batch: Vec<ErrorRow> = serde_json::from_str(&text(&item, "rows"))
                .map_err(|e| StoreError::Other(format!("import errors: {e}").into()))?;
            rows.extend(batch);
        }
        rows.sort_by_key(|r| r.line);
        Ok(rows)
    }

    /// Remembers the mapping a file of this layout was committed with.
    pub async fn put_import_mapping(
        &self,
        tenant: &TenantId,
        layout: &str,
        mapping: &SavedMapping,
    ) -> Result<(), StoreError> {
        let mut item = Item::new();
        item.insert(keys::PK.into(), s(keys::imports_pk(tenant)));
        item.insert(keys::SK.into(), s(keys::import_mapping_sk(layout)));
        item.insert("entity".into(), s("import_mapping"));
        item.insert("mapping".into(), s(json(mapping)?));
        self.client
            .put_item()
            .table_name(self.table())
            .set_item(Some(item))
            .send()
            .await?;
        Ok(())
    }

    pub async fn import_mapping(
        &self,
        tenant: &TenantId,
        layout: &str,
    ) -> Result<Option<SavedMapping>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(self.table())
            .key(keys::PK, s(keys::imports_pk(tenant)))
            .key(keys::SK, s(keys::import_mapping_sk(layout)))
            .send()
            .await?;
        match out.item() {
            None => Ok(None),
            Some(item) => serde_json::from_str(&text(item, "mapping"))
                .map(Some)
                .map_err(|e| StoreError::Other(format!("import mapping: {e}").into())),
        }
    }
}
