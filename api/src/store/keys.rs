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
//! | a customer's ledger, by date | Query | `PK = T#{t}#C#{id}`, `SK begins_with L#` | table |
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
pub const SEED_SK: &str = "SEED";

fn tenant(t: &TenantId) -> String {
    format!("T#{t}")
}

pub fn customer_pk(t: &TenantId, id: &CustomerId) -> String {
    format!("{}#C#{id}", tenant(t))
}

/// Ledger entries sort by date within a customer; the document id makes the key unique
/// and doubles as the idempotency key of the event that created it.
pub fn ledger_sk(date: &str, kind: &str, doc_id: &str) -> String {
    format!("L#{date}#{kind}#{doc_id}")
}

pub const LEDGER_PREFIX: &str = "L#";

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
