//! The credit report kept with each approved credit decision: its data (JSON) under the
//! customer, `RPT#DATA-{request}#{part}`, written with the decision; and the PDF made from
//! it the first time someone asks, `RPT#{request}#{part}` (older decisions kept only the
//! PDF). Both in parts of at most [`PART_BYTES`] (an item holds 400 KB), written together
//! in one transaction.

use aws_sdk_dynamodb::{
    primitives::Blob,
    types::{AttributeValue, Put, TransactWriteItem},
};
use credence_shared::{CustomerId, TenantId};

use super::codec::{Cancellation, s};
use super::{Item, Store, StoreError, keys};

/// The most bytes of the PDF one item keeps.
pub const PART_BYTES: usize = 350 * 1024;
/// The most parts a snapshot has: a transaction writes at most 4 MB in all.
pub const MAX_PARTS: usize = 11;

impl Store {
    /// Keeps `pdf` as the snapshot of request `rid` (written again, it replaces itself).
    pub async fn put_report_snapshot(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        rid: &str,
        pdf: &[u8],
    ) -> Result<(), StoreError> {
        self.put_parts(tenant, customer, rid, pdf, false).await
    }

    /// Keeps `pdf`, made from the kept data, as the snapshot of request `rid` unless one is
    /// there already (another reader's, made at the same time), which stays.
    pub async fn put_rendered_snapshot(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        rid: &str,
        pdf: &[u8],
    ) -> Result<(), StoreError> {
        match self.put_parts(tenant, customer, rid, pdf, true).await {
            Ok(()) | Err(StoreError::ConditionFailed) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Keeps `data` (the report's JSON) as the snapshot of request `rid`, with its decision.
    pub async fn put_report_data(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        rid: &str,
        data: &[u8],
    ) -> Result<(), StoreError> {
        self.put_report_snapshot(tenant, customer, &keys::report_data_name(rid), data)
            .await
    }

    /// The report data kept with request `rid`, if any.
    pub async fn report_data(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        rid: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        self.report_snapshot(tenant, customer, &keys::report_data_name(rid))
            .await
    }

    /// Writes the parts of `rid` in one transaction; with `if_absent`, only where none is
    /// ([`StoreError::ConditionFailed`] otherwise).
    async fn put_parts(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        rid: &str,
        pdf: &[u8],
        if_absent: bool,
    ) -> Result<(), StoreError> {
        let parts: Vec<&[u8]> = pdf.chunks(PART_BYTES).collect();
        if parts.len() > MAX_PARTS {
            return Err(StoreError::Corrupt(format!(
                "a report of {} bytes is more than a snapshot keeps",
                pdf.len()
            )));
        }
        let mut writes = Vec::with_capacity(parts.len());
        for (n, part) in parts.iter().enumerate() {
            let mut item = Item::new();
            item.insert(keys::PK.into(), s(keys::customer_pk(tenant, customer)));
            item.insert(keys::SK.into(), s(keys::report_sk(rid, n)));
            item.insert("entity".into(), s("report_snapshot"));
            item.insert("parts".into(), AttributeValue::N(parts.len().to_string()));
            item.insert("pdf".into(), AttributeValue::B(Blob::new(part.to_vec())));
            let put = Put::builder()
                .table_name(self.table())
                .set_item(Some(item))
                .set_condition_expression(if_absent.then(|| "attribute_not_exists(#sk)".to_owned()))
                .set_expression_attribute_names(
                    if_absent.then(|| [("#sk".to_owned(), keys::SK.to_owned())].into()),
                )
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        let written = self
            .client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await;
        match written {
            Ok(_) => Ok(()),
            Err(e) if Cancellation::of(&e).is_some_and(|c| c.failed_from(0)) => {
                Err(StoreError::ConditionFailed)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The snapshot PDF of request `rid`, if one was kept.
    pub async fn report_snapshot(
        &self,
        tenant: &TenantId,
        customer: &CustomerId,
        rid: &str,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let items = self
            .query_all(
                keys::PK,
                &keys::customer_pk(tenant, customer),
                Some(&keys::report_prefix(rid)),
                None,
                true,
                MAX_PARTS,
            )
            .await?;
        let Some(first) = items.first() else {
            return Ok(None);
        };
        let expected: usize = first
            .get("parts")
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        if expected != items.len() {
            return Err(StoreError::Corrupt(format!(
                "the snapshot of {rid} has {} of its {expected} parts",
                items.len()
            )));
        }
        let mut pdf = Vec::new();
        for item in &items {
            let part = item
                .get("pdf")
                .and_then(|v| v.as_b().ok())
                .ok_or_else(|| StoreError::Corrupt(format!("a part of {rid}'s snapshot")))?;
            pdf.extend_from_slice(part.as_ref());
        }
        Ok(Some(pdf))
    }
}
