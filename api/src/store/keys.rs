//! The one place that builds DynamoDB keys. Every partition key starts with the tenant
//! (`T#{tenant}`), so no request can reach another tenant's items by construction.
//!
//! Ids and search terms never contain `#` (ids are `[A-Za-z0-9_-]`, terms are
//! normalised to letters and digits), so keys cannot collide across kinds.
//!
//! ## Access patterns
//!
//! | pattern | operation | key condition | index |
//! |---|---|---|---|
//! | a customer's profile and credit summary | GetItem | `PK = T#{t}#C#{id}`, `SK = PROFILE` | table |
//! | several customers by id (search hits) | BatchGetItem | as above | table |
//! | a customer's credit file (the check's one read) | GetItem | `PK = T#{t}#C#{id}`, `SK = CREDIT` | table |
//! | a customer's ledger, by date | Query | `PK = T#{t}#C#{id}`, `SK begins_with L#` | table |
//! | a customer's credit history | Query | `PK = T#{t}#C#{id}`, `SK begins_with H#` | table |
//! | has this event been applied (idempotency) | BatchGetItem | `PK = T#{t}#IDEM#{key}`, `SK = IDEM` | table |
//! | blocked orders, oldest first | Query | `GSI1PK = T#{t}#BLOCKED` | GSI1 |
//! | exchange rate on or before a date | Query | `PK = T#{t}#FX`, `SK between {from}{to}# and {from}{to}#{date}`, newest first, limit 1 | table |
//! | a customer group (shared limit and exposure) | GetItem | `PK = T#{t}#G#{group}`, `SK = GROUP` | table |
//! | list customers by name, paged | Query | `GSI1PK = T#{t}#CUSTOMERS` | GSI1 |
//! | find customers by name part, code or number | Query | `PK = T#{t}#SEARCH`, `SK begins_with {term}` | table |
//! | has the demo tenant been seeded | GetItem | `PK = T#{t}#META`, `SK = SEED` | table |
//!
//! GSI2 is reserved for time-driven work (open invoices by due date) and not used yet.

use credence_shared::{CustomerId, TenantId};

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
/// Epoch seconds after which DynamoDB may delete an item (the table's TTL attribute).
pub const TTL: &str = "expires_at";

pub const PROFILE_SK: &str = "PROFILE";
/// The customer's computed credit file (versioned; every change is guarded by it).
pub const CREDIT_SK: &str = "CREDIT";
pub const SEED_SK: &str = "SEED";

fn tenant(t: &TenantId) -> String {
    format!("T#{t}")
}

pub fn customer_pk(t: &TenantId, id: &CustomerId) -> String {
    format!("{}#C#{id}", tenant(t))
}

/// Ledger entries sort by date within a customer; the idempotency key of the event that
/// created an entry makes its key unique.
pub fn ledger_sk(date: &str, idempotency_key: &str) -> String {
    format!("L#{date}#{idempotency_key}")
}

pub const LEDGER_PREFIX: &str = "L#";

/// History points sort by date, then by the credit file version that produced them.
pub fn history_sk(date: &str, version: u64) -> String {
    format!("H#{date}#{version:012}")
}

pub const HISTORY_PREFIX: &str = "H#";

/// One item per applied event key: its existence is what makes a replay a no-op.
/// Keys are `[A-Za-z0-9_.:/-]` (checked on input), never `#`.
pub fn idempotency_pk(t: &TenantId, key: &str) -> String {
    format!("{}#IDEM#{key}", tenant(t))
}

pub const IDEMPOTENCY_SK: &str = "IDEM";

/// A blocked order lives under its customer; GSI1 lists the tenant's queue by date.
pub fn blocked_sk(idempotency_key: &str) -> String {
    format!("B#{idempotency_key}")
}

pub fn blocked_gsi1pk(t: &TenantId) -> String {
    format!("{}#BLOCKED", tenant(t))
}

pub fn blocked_gsi1sk(date: &str, id: &CustomerId, idempotency_key: &str) -> String {
    format!("{date}#{id}#{idempotency_key}")
}

pub fn fx_pk(t: &TenantId) -> String {
    format!("{}#FX", tenant(t))
}

/// Rates of one currency pair sort by date: `CNYUSD#2026-01-31`.
pub fn fx_sk(from: &str, to: &str, date: &str) -> String {
    format!("{from}{to}#{date}")
}

pub fn group_pk(t: &TenantId, group: &str) -> String {
    format!("{}#G#{group}", tenant(t))
}

pub const GROUP_SK: &str = "GROUP";

pub fn customers_gsi1pk(t: &TenantId) -> String {
    format!("{}#CUSTOMERS", tenant(t))
}

/// Sorts customers by normalised name; the id breaks ties.
pub fn customers_gsi1sk(sort_name: &str, id: &CustomerId) -> String {
    format!("{sort_name}#{id}")
}

pub fn search_pk(t: &TenantId) -> String {
    format!("{}#SEARCH", tenant(t))
}

pub fn search_sk(term: &str, id: &CustomerId) -> String {
    format!("{term}#{id}")
}

/// The customer id at the end of a search item's sort key.
pub fn customer_of_search_sk(sk: &str) -> Option<&str> {
    sk.rsplit_once('#').map(|(_, id)| id)
}

pub fn meta_pk(t: &TenantId) -> String {
    format!("{}#META", tenant(t))
}

/// The prefix every key of a tenant starts with (tests use it to prove isolation).
pub fn tenant_prefix(t: &TenantId) -> String {
    format!("{}#", tenant(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t() -> TenantId {
        TenantId::parse("demo").unwrap()
    }

    #[test]
    fn every_partition_key_starts_with_the_tenant() {
        let c = CustomerId::parse("C00001").unwrap();
        for pk in [
            customer_pk(&t(), &c),
            customers_gsi1pk(&t()),
            search_pk(&t()),
            meta_pk(&t()),
            idempotency_pk(&t(), "erp:1"),
            blocked_gsi1pk(&t()),
            fx_pk(&t()),
            group_pk(&t(), "G1"),
        ] {
            assert!(pk.starts_with(&tenant_prefix(&t())), "{pk}");
        }
    }

    #[test]
    fn a_search_key_gives_back_its_customer() {
        let c = CustomerId::parse("C00001").unwrap();
        assert_eq!(
            customer_of_search_sk(&search_sk("华为", &c)),
            Some("C00001")
        );
    }
}
