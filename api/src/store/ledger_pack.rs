//! A customer's whole ledger in one item (`LPACK` under the customer), so the walks over a
//! portfolio (the what-if, the lab's sample, the re-grade) read fifty customers' ledgers in
//! one `BatchGetItem` instead of one `Query` each: on DynamoDB the request, not the item,
//! is what a walk of tens of thousands of customers pays for.
//!
//! The pack is a copy, never the record. It is rewritten in the same transaction as every
//! credit-file write that adds ledger entries, and it counts the entries it holds; a walk
//! uses it only when that count is the credit file's. A file written before packs, or a
//! ledger too long to pack, is read with its `Query` as before.
//!
//! The entries are kept in the order the ledger's `Query` returns them (by sort key), so a
//! replay over a prefix of the ledger sees the same prefix either way. The encoding is
//! JSON, deflated.

use std::io::{Read, Write};

use aws_sdk_dynamodb::{primitives::Blob, types::AttributeValue};
use credence_shared::engine::LedgerEntry;
use flate2::{Compression, read::DeflateDecoder, write::DeflateEncoder};

use super::codec::{n, s};
use super::credit::StoredEntry;
use super::{Item, StoreError, keys};

/// Ledgers longer than this are not packed: the pack saves a walk one request per customer,
/// which matters for the many small ledgers of a portfolio; for a long one the query is a
/// small share of what the walk does with it, while repacking it on every write of its
/// customer is not (the walk queries them).
pub const MAX_PACKED_ENTRIES: usize = 1_000;

/// The largest pack written, deflated: well inside DynamoDB's 400 KB item.
pub const MAX_PACK_BYTES: usize = 300 * 1024;

const ENTRIES_ATTR: &str = "entries";
const PACK_ATTR: &str = "pack";

/// The pack item of `ledger` (the customer's whole ledger) under `pk`; `None` when it is
/// too long or too large to pack.
pub fn pack_item(pk: &str, ledger: &[StoredEntry]) -> Result<Option<Item>, StoreError> {
    if ledger.len() > MAX_PACKED_ENTRIES {
        return Ok(None);
    }
    let mut sorted: Vec<(String, &LedgerEntry)> = ledger
        .iter()
        .map(|e| {
            let sk = keys::ledger_sk(&e.entry.date.to_string(), &e.idempotency_key);
            (sk, &e.entry)
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let entries: Vec<&LedgerEntry> = sorted.into_iter().map(|(_, e)| e).collect();
    let plain = serde_json::to_vec(&entries).map_err(|e| StoreError::Other(e.into()))?;
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::fast());
    encoder
        .write_all(&plain)
        .map_err(|e| StoreError::Other(e.into()))?;
    let packed = encoder.finish().map_err(|e| StoreError::Other(e.into()))?;
    if packed.len() > MAX_PACK_BYTES {
        return Ok(None);
    }
    let mut item = Item::new();
    item.insert(keys::PK.into(), s(pk));
    item.insert(keys::SK.into(), s(keys::LEDGER_PACK_SK));
    item.insert("entity".into(), s("ledgerPack"));
    item.insert(ENTRIES_ATTR.into(), n(entries.len()));
    item.insert(PACK_ATTR.into(), AttributeValue::B(Blob::new(packed)));
    Ok(Some(item))
}

/// The entries a pack item holds, in the ledger's order; a pack whose entries are not the
/// count it was written with is corrupt.
pub fn unpack(item: &Item) -> Result<Vec<LedgerEntry>, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("ledger pack: {what}"));
    let count: usize = item
        .get(ENTRIES_ATTR)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| corrupt("no entry count"))?;
    let packed = item
        .get(PACK_ATTR)
        .and_then(|v| v.as_b().ok())
        .ok_or_else(|| corrupt("no pack"))?;
    let mut plain = Vec::new();
    DeflateDecoder::new(packed.as_ref())
        .read_to_end(&mut plain)
        .map_err(|e| corrupt(&e.to_string()))?;
    let entries: Vec<LedgerEntry> =
        serde_json::from_slice(&plain).map_err(|e| corrupt(&e.to_string()))?;
    if entries.len() != count {
        return Err(corrupt("its count is not its entries'"));
    }
    Ok(entries)
}

/// The entry count a pack item was written with (what a walk compares with the file's).
pub fn count_of(item: &Item) -> Option<u64> {
    item.get(ENTRIES_ATTR)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::engine::{LedgerEvent, ledger::DocRef};
    use credence_shared::{Currency, Money};
    use rust_decimal::Decimal;
    use time::macros::date;

    fn invoice(date: time::Date, key: &str, number: &str) -> StoredEntry {
        StoredEntry {
            idempotency_key: key.into(),
            entry: LedgerEntry::new(
                date,
                LedgerEvent::Invoice {
                    invoice: DocRef::parse(number).unwrap(),
                    amount: Money::new(Decimal::new(12_345, 2), Currency::CNY),
                    due_date: date!(2026 - 12 - 31),
                    order: None,
                },
            ),
        }
    }

    #[test]
    fn a_pack_gives_back_its_entries_in_the_order_the_ledgers_query_returns_them() {
        // Arrange: appended out of order; the query sorts by date, then by key.
        let ledger = vec![
            invoice(date!(2026 - 03 - 01), "b", "INV-3"),
            invoice(date!(2026 - 01 - 01), "z", "INV-1"),
            invoice(date!(2026 - 03 - 01), "a", "INV-2"),
        ];

        // Act
        let item = pack_item("T#t#C#c", &ledger).unwrap().expect("packed");
        let entries = unpack(&item).unwrap();

        // Assert
        let order: Vec<_> = entries
            .iter()
            .map(|e| match &e.event {
                LedgerEvent::Invoice { invoice, .. } => invoice.to_string(),
                _ => unreachable!(),
            })
            .collect();
        assert_eq!(order, ["INV-1", "INV-2", "INV-3"]);
        assert_eq!(count_of(&item), Some(3));
        assert_eq!(entries[0], ledger[1].entry);
    }

    #[test]
    fn a_ledger_too_long_to_pack_is_left_to_its_query() {
        // Arrange
        let ledger: Vec<_> = (0..=MAX_PACKED_ENTRIES)
            .map(|i| invoice(date!(2026 - 01 - 01), &format!("k{i}"), "INV-1"))
            .collect();

        // Act
        let item = pack_item("T#t#C#c", &ledger).unwrap();

        // Assert
        assert!(item.is_none());
    }

    #[test]
    fn a_pack_whose_count_disagrees_with_its_entries_is_refused() {
        // Arrange
        let mut item = pack_item("T#t#C#c", &[invoice(date!(2026 - 01 - 01), "k", "INV-1")])
            .unwrap()
            .unwrap();
        item.insert(ENTRIES_ATTR.into(), n(2));

        // Act
        let unpacked = unpack(&item);

        // Assert
        assert!(matches!(unpacked, Err(StoreError::Corrupt(_))));
    }
}
