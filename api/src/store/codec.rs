//! How values become items and items become values, once for every store module: attribute
//! values, JSON documents kept in an attribute, whole items through `serde_dynamo`, the three
//! kinds of put a transaction is made of, and which item a cancelled transaction names.

use aws_sdk_dynamodb::{
    error::SdkError,
    operation::transact_write_items::TransactWriteItemsError,
    types::{AttributeValue, Put, TransactWriteItem},
};
use serde::{Serialize, de::DeserializeOwned};

use super::{Item, StoreError, keys};

pub(crate) fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

pub(crate) fn n(v: impl ToString) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// A value as the JSON text kept in one attribute.
pub(crate) fn json<T: Serialize>(v: &T) -> Result<String, StoreError> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The string attribute `name` of an item.
pub(crate) fn attr<'a>(item: &'a Item, name: &str) -> Result<&'a str, StoreError> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
        .ok_or_else(|| StoreError::Corrupt(format!("item without {name}")))
}

/// Reads the JSON document kept in attribute `name` of an item of kind `what`.
pub(crate) fn decode<T: DeserializeOwned>(
    item: &Item,
    name: &str,
    what: &str,
) -> Result<T, StoreError> {
    let pk = item.get(keys::PK).and_then(|v| v.as_s().ok());
    serde_json::from_str(attr(item, name)?)
        .map_err(|e| StoreError::Corrupt(format!("{what} in {pk:?}: {e}")))
}

/// The `version` attribute of a versioned document item.
pub(crate) fn version_of(item: &Item) -> Result<u64, StoreError> {
    item.get("version")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| StoreError::Corrupt("document without a version".into()))
}

/// A value as a whole item, one attribute per field.
pub(crate) fn to_item<T: Serialize>(value: &T) -> Result<Item, StoreError> {
    serde_dynamo::to_item(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A DynamoDB number read exactly from its decimal text (serde_dynamo reads a number that
/// is not an integer through `f64`, which rounds past 15 digits). A number beyond
/// `Decimal`'s range saturates at its largest or smallest value, so one out-of-range amount
/// stored before amounts were bounded reads as huge instead of failing every read of it.
/// `None` when the text is not a number.
pub(crate) fn exact_decimal(text: &str) -> Option<rust_decimal::Decimal> {
    use rust_decimal::Decimal;
    let text = text.trim();
    if let Ok(d) = text
        .parse::<Decimal>()
        .or_else(|_| Decimal::from_scientific(text))
    {
        return Some(d);
    }
    let magnitude = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
    Some(if magnitude.abs() < 1.0 {
        Decimal::ZERO
    } else if magnitude < 0.0 {
        Decimal::MIN
    } else {
        Decimal::MAX
    })
}

/// An item whose number attributes `names` are handed to serde as their exact decimal
/// text (see [`exact_decimal`]), for fields of type `Decimal`. Trailing zeros go, as
/// DynamoDB itself drops them (DynamoDB Local keeps them), so an item reads the same
/// everywhere.
pub(crate) fn with_exact_numbers(mut item: Item, names: &[&str]) -> Item {
    for name in names {
        if let Some(exact) = item
            .get(*name)
            .and_then(|v| v.as_n().ok())
            .and_then(|n| exact_decimal(n))
        {
            let text = exact.normalize().to_string();
            item.insert((*name).to_owned(), AttributeValue::S(text));
        }
    }
    item
}

/// A whole item as a value, one field per attribute.
pub(crate) fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A put of an item that must not exist yet.
pub(crate) fn new_item(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("attribute_not_exists(PK)")
                .build()
                .map_err(|e| StoreError::Other(e.into()))?,
        )
        .build())
}

/// A put of a versioned item: new when `expected` is `None` (must not exist), else only
/// over version `expected`.
pub(crate) fn versioned_put(
    table: &str,
    item: Item,
    expected: Option<u64>,
) -> Result<TransactWriteItem, StoreError> {
    let Some(v) = expected else {
        return new_item(table, item);
    };
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .condition_expression("version = :v")
                .expression_attribute_values(":v", n(v))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?,
        )
        .build())
}

/// A put without a condition (it may replace an item).
pub(crate) fn plain_put(table: &str, item: Item) -> Result<TransactWriteItem, StoreError> {
    Ok(TransactWriteItem::builder()
        .put(
            Put::builder()
                .table_name(table)
                .set_item(Some(item))
                .build()
                .map_err(|e| StoreError::Other(e.into()))?,
        )
        .build())
}

/// Why DynamoDB cancelled a transaction: one reason per item, in the order the items were
/// given (`"None"` for an item that was not the reason).
#[derive(Debug)]
pub(crate) struct Cancellation(Vec<String>);

impl Cancellation {
    /// The reasons of a cancelled transaction; `None` when `err` is not a cancellation.
    pub(crate) fn of<R>(err: &SdkError<TransactWriteItemsError, R>) -> Option<Self> {
        let SdkError::ServiceError(service) = err else {
            return None;
        };
        let TransactWriteItemsError::TransactionCanceledException(cancel) = service.err() else {
            return None;
        };
        Some(Cancellation(
            cancel
                .cancellation_reasons()
                .iter()
                .map(|r| r.code().unwrap_or("None").to_owned())
                .collect(),
        ))
    }

    /// Whether the condition of item `index` failed.
    pub(crate) fn failed(&self, index: usize) -> bool {
        self.0.get(index).is_some_and(|c| c == CONDITION_FAILED)
    }

    /// Whether the condition of item `from` or of a later one failed.
    pub(crate) fn failed_from(&self, from: usize) -> bool {
        self.0.iter().skip(from).any(|c| c == CONDITION_FAILED)
    }

    /// Whether another transaction was changing the same items.
    pub(crate) fn conflict(&self) -> bool {
        self.0.iter().any(|c| c == "TransactionConflict")
    }

    /// What the caller is told when the reasons are none of the above.
    pub(crate) fn unavailable(&self, source: impl Into<super::Cause>) -> StoreError {
        StoreError::Unavailable {
            code: format!("transaction cancelled: {:?}", self.0),
            source: source.into(),
        }
    }
}

const CONDITION_FAILED: &str = "ConditionalCheckFailed";

/// A time as it is kept in sort keys (RFC 3339, so text order is time order).
pub(crate) fn stamp(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// A short random suffix that keeps two keys of the same instant apart.
pub(crate) fn unique() -> String {
    format!("{:08x}", rand::random::<u32>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn a_stored_number_is_read_exactly_and_saturates_beyond_the_decimal_range() {
        let exact = |text: &str| exact_decimal(text).map(|d| d.to_string());

        assert_eq!(
            exact("1000000000000000.0001").as_deref(),
            Some("1000000000000000.0001")
        );
        assert_eq!(exact("1E+3").as_deref(), Some("1000"));
        assert_eq!(
            exact_decimal("79228162514264337593543950335"),
            Some(Decimal::MAX)
        );
        assert_eq!(exact_decimal("1E+40"), Some(Decimal::MAX));
        assert_eq!(exact_decimal("-1E+40"), Some(Decimal::MIN));
        assert_eq!(exact_decimal("1E-40"), Some(Decimal::ZERO));
        assert_eq!(exact_decimal("lots"), None);
    }

    #[test]
    fn only_the_named_number_attributes_are_handed_over_as_text() {
        let mut item = Item::new();
        item.insert("creditLimit".into(), AttributeValue::N("12.340".into()));
        item.insert("version".into(), AttributeValue::N("3".into()));

        let item = with_exact_numbers(item, &["creditLimit"]);

        assert_eq!(item["creditLimit"], AttributeValue::S("12.34".into()));
        assert_eq!(item["version"], AttributeValue::N("3".into()));
    }
}
