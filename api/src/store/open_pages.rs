//! A credit file's open invoices when there are too many to keep inside its `CREDIT` item.
//!
//! DynamoDB refuses items over 400 KB. A customer's open invoices are kept inline in the
//! credit state while there are at most [`INLINE_MAX`]; beyond that they move to
//! [`PAGES`] page items beside it (`SK = OPEN#nn`), each invoice on the page its number
//! hashes to, in a compact row form (about a third of the inline JSON). The `CREDIT` item
//! then records a digest of every page it was written with (`openPages`), so:
//! - a write puts only the pages whose content changed and deletes the ones that emptied,
//!   all in the credit file's guarded transaction, so a posting touches a few pages, not
//!   the whole receivable book;
//! - a read checks that the pages it found are the ones its `CREDIT` item names (a write
//!   landing between the two reads makes it read again), and restores the one order of
//!   [`OpenInvoice::canonical_order`].
//!
//! With 16 pages of at most 400 KB, a customer can have about 70,000 open invoices.

use super::codec::{attr, s};
use super::{Item, StoreError, keys};
use aws_sdk_dynamodb::types::AttributeValue;
use credence_shared::{
    Currency, Money,
    engine::{DocRef, OpenInvoice, OpenItems, calendar::iso_date},
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use time::Date;

/// Open invoices kept inside the `CREDIT` item (about 70 KB of JSON at most).
pub const INLINE_MAX: usize = 300;
/// Page items a paged credit file spreads its open invoices over.
pub const PAGES: u8 = 16;
/// The `CREDIT` item's attribute naming the pages written with it and their digests.
pub const PAGES_ATTR: &str = "openPages";

/// The digest of every page a credit file was written with, by page number. Empty when its
/// open invoices are inline.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDigests(BTreeMap<u8, String>);

impl PageDigests {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// As kept on the `CREDIT` item: a map from page key to digest.
    pub fn to_attr(&self) -> AttributeValue {
        AttributeValue::M(
            self.0
                .iter()
                .map(|(page, digest)| (page_key(*page), s(digest.clone())))
                .collect(),
        )
    }

    /// Read from the `CREDIT` item (absent: inline).
    pub fn of_item(item: &Item) -> Result<Self, StoreError> {
        let Some(value) = item.get(PAGES_ATTR) else {
            return Ok(Self::default());
        };
        let map = value
            .as_m()
            .map_err(|_| StoreError::Corrupt(format!("{PAGES_ATTR} is not a map")))?;
        let mut pages = BTreeMap::new();
        for (key, digest) in map {
            let page = page_number(key)
                .ok_or_else(|| StoreError::Corrupt(format!("{PAGES_ATTR} names page {key}")))?;
            let digest = digest
                .as_s()
                .map_err(|_| StoreError::Corrupt(format!("{PAGES_ATTR}.{key} is not text")))?;
            pages.insert(page, digest.clone());
        }
        Ok(Self(pages))
    }
}

/// One open invoice on a page: number, order, issued, due, amount, open, disputed (the
/// page's currency is the credit file's).
#[derive(Debug, Serialize, Deserialize)]
struct Row(
    DocRef,
    Option<DocRef>,
    #[serde(with = "iso_date")] Date,
    #[serde(with = "iso_date")] Date,
    Decimal,
    Decimal,
    Decimal,
);

/// A page as written: its JSON rows and their digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub rows: String,
    pub digest: String,
}

/// How a credit file's open invoices are stored.
#[derive(Debug)]
pub enum Layout {
    /// In the credit state itself.
    Inline,
    /// On these pages (every page that has an invoice); the state is stored without them.
    Paged(BTreeMap<u8, Page>),
}

/// Where `items`' invoices go: inline up to [`INLINE_MAX`], else on pages.
pub fn layout(items: &OpenItems) -> Result<Layout, StoreError> {
    if items.invoices.len() <= INLINE_MAX {
        return Ok(Layout::Inline);
    }
    let mut rows: BTreeMap<u8, Vec<Row>> = BTreeMap::new();
    for inv in &items.invoices {
        rows.entry(page_of(&inv.invoice)).or_default().push(Row(
            inv.invoice.clone(),
            inv.order.clone(),
            inv.issued,
            inv.due,
            inv.amount.amount,
            inv.open.amount,
            inv.disputed.amount,
        ));
    }
    let mut pages = BTreeMap::new();
    for (page, rows) in rows {
        let rows = serde_json::to_string(&rows).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let digest = hex_digest(&rows);
        pages.insert(page, Page { rows, digest });
    }
    Ok(Layout::Paged(pages))
}

/// The digests of a layout, as recorded on the `CREDIT` item.
pub fn digests(layout: &Layout) -> PageDigests {
    match layout {
        Layout::Inline => PageDigests::default(),
        Layout::Paged(pages) => PageDigests(
            pages
                .iter()
                .map(|(page, p)| (*page, p.digest.clone()))
                .collect(),
        ),
    }
}

/// What a write changes, given the pages the file was read with: pages to put (new or
/// changed) and page numbers to delete (emptied, or the file went back inline).
pub fn changes<'a>(previous: &PageDigests, layout: &'a Layout) -> (Vec<(u8, &'a Page)>, Vec<u8>) {
    let Layout::Paged(pages) = layout else {
        return (Vec::new(), previous.0.keys().copied().collect());
    };
    let put = pages
        .iter()
        .filter(|(page, p)| previous.0.get(page) != Some(&p.digest))
        .map(|(page, p)| (*page, p))
        .collect();
    let delete = previous
        .0
        .keys()
        .filter(|page| !pages.contains_key(page))
        .copied()
        .collect();
    (put, delete)
}

/// A page item.
pub fn page_item(pk: &str, page: u8, p: &Page) -> Item {
    let mut item = Item::new();
    item.insert(keys::PK.into(), s(pk));
    item.insert(keys::SK.into(), s(keys::open_page_sk(page)));
    item.insert("entity".into(), s("open_page"));
    item.insert("rows".into(), s(p.rows.clone()));
    item
}

/// The open invoices of the page items read, in canonical order, if the pages are exactly
/// the ones `expected` names (`None`: a write landed between the reads; read again).
pub fn restore(
    pages: &[Item],
    expected: &PageDigests,
    currency: Currency,
) -> Result<Option<Vec<OpenInvoice>>, StoreError> {
    let mut found = BTreeMap::new();
    let mut invoices = Vec::new();
    for item in pages {
        let sk = attr(item, keys::SK)?;
        let page = sk
            .strip_prefix(keys::OPEN_PAGE_PREFIX)
            .and_then(page_number)
            .ok_or_else(|| StoreError::Corrupt(format!("open-items page {sk}")))?;
        let rows = attr(item, "rows")?;
        found.insert(page, hex_digest(rows));
        let rows: Vec<Row> = serde_json::from_str(rows)
            .map_err(|e| StoreError::Corrupt(format!("open-items page {sk}: {e}")))?;
        let money = |amount| Money::new(amount, currency);
        invoices.extend(rows.into_iter().map(
            |Row(invoice, order, issued, due, amount, open, disputed)| OpenInvoice {
                invoice,
                order,
                issued,
                due,
                amount: money(amount),
                open: money(open),
                disputed: money(disputed),
            },
        ));
    }
    if found != expected.0 {
        return Ok(None);
    }
    invoices.sort_by(OpenInvoice::canonical_order);
    Ok(Some(invoices))
}

fn page_of(invoice: &DocRef) -> u8 {
    let hash = Sha256::digest(invoice.as_str().as_bytes());
    hash[0] % PAGES
}

fn page_key(page: u8) -> String {
    format!("{page:02}")
}

fn page_number(key: &str) -> Option<u8> {
    key.parse().ok().filter(|p| *p < PAGES)
}

fn hex_digest(text: &str) -> String {
    Sha256::digest(text.as_bytes())[..12]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use credence_shared::Currency;
    use time::macros::date;

    fn items(count: usize) -> OpenItems {
        let cny = Currency::CNY;
        let mut items = OpenItems::empty(cny, date!(2026 - 12 - 01));
        items.invoices = (0..count)
            .map(|i| OpenInvoice {
                invoice: DocRef::parse(&format!("INV-{i:06}")).unwrap(),
                order: (i % 2 == 0).then(|| DocRef::parse(&format!("SO-{i}")).unwrap()),
                issued: date!(2026 - 01 - 01),
                due: date!(2026 - 02 - 01),
                amount: Money::new(Decimal::new(10_000 + i as i64, 2), cny),
                open: Money::new(Decimal::new(5_000, 2), cny),
                disputed: Money::zero(cny),
            })
            .collect();
        items.invoices.sort_by(OpenInvoice::canonical_order);
        items
    }

    fn stored(layout: &Layout) -> Vec<Item> {
        match layout {
            Layout::Inline => Vec::new(),
            Layout::Paged(pages) => pages
                .iter()
                .map(|(page, p)| page_item("T#t#C#c", *page, p))
                .collect(),
        }
    }

    #[test]
    fn a_few_open_invoices_stay_inline_and_many_go_to_pages() {
        assert!(matches!(
            layout(&items(INLINE_MAX)).unwrap(),
            Layout::Inline
        ));
        let Layout::Paged(pages) = layout(&items(INLINE_MAX + 1)).unwrap() else {
            panic!("expected pages");
        };
        assert_eq!(pages.len(), usize::from(PAGES));
    }

    #[test]
    fn paged_invoices_read_back_exactly_and_in_canonical_order() {
        // Arrange
        let original = items(2_000);
        let layout = layout(&original).unwrap();

        // Act
        let restored = restore(&stored(&layout), &digests(&layout), Currency::CNY).unwrap();

        // Assert
        assert_eq!(restored, Some(original.invoices));
    }

    #[test]
    fn pages_that_do_not_match_the_credit_item_are_read_again() {
        let before = layout(&items(1_000)).unwrap();
        let after = layout(&items(1_001)).unwrap();
        assert_eq!(
            restore(&stored(&after), &digests(&before), Currency::CNY).unwrap(),
            None
        );
    }

    #[test]
    fn a_posting_rewrites_only_the_pages_it_changed() {
        // Arrange
        let mut changed = items(1_000);
        let previous = digests(&layout(&changed).unwrap());
        changed.invoices[10].open = Money::zero(Currency::CNY);

        // Act
        let layout = layout(&changed).unwrap();
        let (put, delete) = changes(&previous, &layout);

        // Assert
        assert_eq!(put.len(), 1);
        assert_eq!(put[0].0, page_of(&changed.invoices[10].invoice));
        assert!(delete.is_empty());
    }

    #[test]
    fn going_back_inline_deletes_every_page() {
        let previous = digests(&layout(&items(1_000)).unwrap());
        let (put, delete) = changes(&previous, &Layout::Inline);
        assert!(put.is_empty());
        assert_eq!(delete.len(), usize::from(PAGES));
    }
}
