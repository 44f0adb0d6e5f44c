//! The credit report kept with each approved credit decision, as the PDF the approvers'
//! report printed: under the customer, `RPT#{request}#{part}`, in parts of at most
//! [`PART_BYTES`] (an item holds 400 KB), written together in one transaction.

use aws_sdk_dynamodb::{
    primitives::Blob,
    types::{AttributeValue, Put, TransactWriteItem},
};
use credence_shared::{CustomerId, TenantId};

use super::codec::s;
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
                .table_name(&self.table)
                .set_item(Some(item))
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        self.client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await?;
        Ok(())
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
