//! The one place that builds DynamoDB keys. Every partition key starts with the tenant
//! (`T#{tenant}`), so no request can reach another tenant's items by construction — except
//! the registry (`REG#…`), which is read before a tenant is known: which tenant a signed-in
//! person or machine client belongs to.
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
//! | a customer's credit file (the order check's one read; a sales rep's too, the file carrying the owner: `file_owner.rs`) | GetItem | `PK = T#{t}#C#{id}`, `SK = CREDIT` | table |
//! | a credit file's open invoices when paged (`openPages` on `CREDIT`) | Query | `PK = T#{t}#C#{id}`, `SK begins_with OPEN#` | table |
//! | a customer's ledger, by date | Query | `PK = T#{t}#C#{id}`, `SK begins_with L#` | table |
//! | the whole ledgers and credit files of fifty customers (the portfolio walks; `ledger_pack.rs`) | BatchGetItem | `PK = T#{t}#C#{id}`, `SK = LPACK / CREDIT` | table |
//! | a customer's credit history | Query | `PK = T#{t}#C#{id}`, `SK begins_with H#` | table |
//! | has this event been applied (idempotency) | BatchGetItem | `PK = T#{t}#IDEM#{key}`, `SK = IDEM` | table |
//! | blocked orders, oldest first | Query | `GSI1PK = T#{t}#BLOCKED` | GSI1 |
//! | a customer's blocked orders, any status | Query | `PK = T#{t}#C#{id}`, `SK begins_with B#` | table |
//! | exchange rate on or before a date | Query | `PK = T#{t}#FX`, `SK between {from}{to}# and {from}{to}#{date}`, newest first, limit 1 | table |
//! | a customer group (shared limit, exposure, members, version) | GetItem / guarded UpdateItem | `PK = T#{t}#G#{group}`, `SK = GROUP` | table |
//! | list customers by name, paged | Query | `GSI1PK = T#{t}#CUSTOMERS` | GSI1 |
//! | find customers by name part, code or number | Query | `PK = T#{t}#SEARCH`, `SK begins_with {term}` | table |
//! | has the demo tenant been seeded | GetItem | `PK = T#{t}#META`, `SK = SEED` | table |
//! | a credit request (of a customer, group, party or challenger) | GetItem | `PK = T#{t}#C#{id}` / `T#{t}#G#{group}` / `T#{t}#BLRQ` / `T#{t}#LABRQ`, `SK = RQ#{rid}` | table |
//! | a customer's (group's, parties') requests, oldest first | Query | the same `PK`, `SK begins_with RQ#` | table |
//! | the request filed under an idempotency key (a request sent again from the offline queue) | GetItem / new PutItem | `PK = T#{t}#C#{id}`, `SK = RQK#{key}` | table |
//! | open requests of the tenant (inboxes) | Query | `GSI1PK = T#{t}#RQ#OPEN` | GSI1 |
//! | closed requests, newest first | Query | `GSI1PK = T#{t}#RQ#CLOSED`, descending | GSI1 |
//! | a customer's audit trail | Query | `PK = T#{t}#C#{id}`, `SK begins_with A#` | table |
//! | the tenant's audit trail for a month | Query | `GSI1PK = T#{t}#AUDIT#{yyyy-mm}`, `GSI1SK between` | GSI1 |
//! | configuration audit entries | Query | `PK = T#{t}#AUDIT`, `SK begins_with A#` | table |
//! | approval matrix, custom fields, engine pointer, the re-grade job | GetItem | `PK = T#{t}#CFG`, `SK = MATRIX / FIELDS / ENGINE / REGRADE` | table |
//! | engine versions | Query | `PK = T#{t}#CFG`, `SK begins_with ENGINE#` | table |
//! | a customer's imported outcomes (the lab's), oldest first | Query | `PK = T#{t}#C#{id}`, `SK begins_with OC#` | table |
//! | the challenger (running or last), scoring in shadow | GetItem | `PK = T#{t}#CFG`, `SK = CHALLENGER` | table |
//! | the fitting report kept with an engine version | GetItem | `PK = T#{t}#CFG`, `SK = REPORT#{version}` | table |
//! | users of the tenant | Query / GetItem | `PK = T#{t}#CFG`, `SK begins_with USER#` | table |
//! | the blacklist | Query / GetItem | `PK = T#{t}#BL`, `SK = {code or NAME:name}` | table |
//! | a customer's credit application | GetItem | `PK = T#{t}#C#{id}`, `SK = APPLICATION` | table |
//! | a customer's watch state (last figures, reference, dunning steps taken) | GetItem | `PK = T#{t}#C#{id}`, `SK = WATCH` | table |
//! | every watched customer (KPIs) | Query | `GSI1PK = T#{t}#WATCHED` | GSI1 |
//! | customers time alone changes on or before a day (the daily pass) | Query | `GSI2PK = T#{t}#WAKE`, `GSI2SK <= {date}#~` | GSI2 |
//! | credit reviews due on or before a day, earliest first (`REVIEW` under the customer) | Query | `GSI2PK = T#{t}#REVIEWS`, `GSI2SK <= {date}#~` | GSI2 |
//! | a batch's profiles and credit files together (ledger import); one customer's (the credit card; a rep's order check on a file that carries no owner yet) | BatchGetItem | `PK = T#{t}#C#{id}`, `SK = PROFILE / CREDIT` | table |
//! | a customer's alerts (one per rule) | Query / GetItem | `PK = T#{t}#C#{id}`, `SK = AL#{rule}` | table |
//! | open / resolved alerts of the tenant, newest first | Query | `GSI1PK = T#{t}#ALERTS#OPEN` or `#RESOLVED` | GSI1 |
//! | a customer's collection tasks, promises, signals, activity | Query | `PK = T#{t}#C#{id}`, `SK begins_with TK# / PR# / SG# / ACT#` | table |
//! | a signal by its identity (source, kind, case number, date) | GetItem | `PK = T#{t}#C#{id}`, `SK = SG#{date}#{kind}#{digest}` | table |
//! | a customer's financial statements, by period | Query / GetItem | `PK = T#{t}#C#{id}`, `SK = FS#{period end}` | table |
//! | the promise recorded under a key (replays) | GetItem | `PK = T#{t}#C#{id}`, `SK = PRK#{key}` | table |
//! | a person's open collection tasks (worklist) | Query | `GSI1PK = T#{t}#TASKS#{user}` | GSI1 |
//! | webhook deliveries (log) | Query | `PK = T#{t}#WH`, `SK begins_with D#`, newest first | table |
//! | webhook deliveries waiting to be (re)tried | Query | `GSI1PK = T#{t}#WH#PENDING`, `GSI1SK <= {now}` | GSI1 |
//! | warning rules, dunning ladder, webhooks | GetItem | `PK = T#{t}#CFG`, `SK = WARNING_RULES / DUNNING / WEBHOOKS` | table |
//! | the import history, a run's error rows, remembered mappings | Query / UpdateItem / GetItem | `PK = T#{t}#IMPORTS`, `SK = RUN#{id}` / `ERR#{id}#{batch}` / `MAP#{layout}` | table |
//! | the tenant of a token's subject (a person's stable id, a machine client's id) | GetItem / conditional PutItem | `PK = REG#SUB#{subject}`, `SK = TENANT` | table |
//! | nothing: the start-up read that opens the connection (never written) | GetItem | `PK = REG#WARM`, `SK = WARM` | table |
//! | yesterday's KPI snapshot (grade drift) | Query | `PK = T#{t}#KPI`, `SK begins_with K#`, newest first | table |

use credence_shared::{CustomerId, TenantId, workflow::Subject};

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

/// The registry item naming the tenant of a token's subject (not under any tenant: it is
/// what finds the tenant).
pub fn subject_pk(subject: &str) -> String {
    format!("REG#SUB#{subject}")
}
pub const SUBJECT_TENANT_SK: &str = "TENANT";

/// The key a function reads at start-up to open its connection to DynamoDB (TLS, signing
/// credentials) before its first request; no item is ever written there.
pub const WARM_PK: &str = "REG#WARM";
pub const WARM_SK: &str = "WARM";

/// The registry of tenants: one partition, one item per tenant (the daily jobs walk it).
pub const TENANTS_PK: &str = "REG#TENANTS";
pub fn tenant_registry_sk(t: &TenantId) -> String {
    tenant(t)
}

/// A person the local directory created (local development issuer only): their salted
/// password digest, by username (the local issuer's usernames are global).
/// The local directory's two-step verification secret of `username` (demo or created).
pub fn local_totp_pk(username: &str) -> String {
    format!("REG#TOTP#{username}")
}

pub fn local_credential_pk(username: &str) -> String {
    format!("REG#LOCAL#{username}")
}
pub const LOCAL_CREDENTIAL_SK: &str = "CREDENTIAL";

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

/// A copy of the customer's whole ledger in one item (`ledger_pack.rs`).
pub const LEDGER_PACK_SK: &str = "LPACK";

/// History points sort by date, then by the credit file version that produced them.
pub fn history_sk(date: &str, version: u64) -> String {
    format!("H#{date}#{version:012}")
}

pub const HISTORY_PREFIX: &str = "H#";

/// A page of a credit file's open invoices when there are too many to keep inline
/// (`store::open_pages`).
pub fn open_page_sk(page: u8) -> String {
    format!("{OPEN_PAGE_PREFIX}{page:02}")
}

pub const OPEN_PAGE_PREFIX: &str = "OPEN#";

/// One item per applied event key: its existence is what makes a replay a no-op.
/// Keys are `[A-Za-z0-9_.:/-]` (checked on input), never `#`.
pub fn idempotency_pk(t: &TenantId, key: &str) -> String {
    format!("{}#IDEM#{key}", tenant(t))
}

pub const IDEMPOTENCY_SK: &str = "IDEM";

/// A blocked order lives under its customer; GSI1 lists the tenant's queue by date.
pub fn blocked_sk(idempotency_key: &str) -> String {
    format!("{BLOCKED_PREFIX}{idempotency_key}")
}

/// The sort-key prefix of a customer's blocked orders.
pub const BLOCKED_PREFIX: &str = "B#";

/// A part of the credit report kept with an approved request (`part` from 0, zero-padded so
/// the parts sort in order).
pub fn report_sk(rid: &str, part: usize) -> String {
    format!("{}{part:03}", report_prefix(rid))
}

/// The sort-key prefix of the parts of request `rid`'s report snapshot.
pub fn report_prefix(rid: &str) -> String {
    format!("RPT#{rid}#")
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

/// The guard item that keeps one customer per unified social credit code in a tenant.
pub fn usci_guard_pk(t: &TenantId, usci: &str) -> String {
    format!("{}#USCI#{usci}", tenant(t))
}

pub const USCI_GUARD_SK: &str = "USCI";

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

/// A request lives with its subject: a customer's with the customer, a group's with the
/// group, a party's (a blacklist entry that is no customer's) in the tenant's party-request
/// partition (not the blacklist's own, which is listed whole), a challenger's promotion in
/// the lab's request partition.
pub fn request_pk(t: &TenantId, subject: &Subject) -> String {
    match subject {
        Subject::Customer { customer_id } => customer_pk(t, customer_id),
        Subject::Group { group } => group_pk(t, group),
        Subject::Party { .. } => party_requests_pk(t),
        Subject::Challenger { .. } => lab_requests_pk(t),
    }
}

/// The scoring lab's requests (challengers' promotions).
pub fn lab_requests_pk(t: &TenantId) -> String {
    format!("{}#LABRQ", tenant(t))
}

pub fn party_requests_pk(t: &TenantId) -> String {
    format!("{}#BLRQ", tenant(t))
}

pub fn request_sk(rid: &str) -> String {
    format!("{REQUEST_PREFIX}{rid}")
}

pub const REQUEST_PREFIX: &str = "RQ#";

/// Open requests (pending or returned) of a tenant, by the time they were filed.
pub fn requests_open_gsi1pk(t: &TenantId) -> String {
    format!("{}#RQ#OPEN", tenant(t))
}

/// Closed requests of a tenant, by the time they closed.
pub fn requests_closed_gsi1pk(t: &TenantId) -> String {
    format!("{}#RQ#CLOSED", tenant(t))
}

/// Request ids are unique in a tenant (time and random bits), so time and id order them.
pub fn request_gsi1sk(at: &str, rid: &str) -> String {
    format!("{at}#{rid}")
}

/// Audit entries sort by time; `unique` keeps two entries of one instant apart.
pub fn audit_sk(at: &str, unique: &str) -> String {
    format!("{AUDIT_PREFIX}{at}#{unique}")
}

pub const AUDIT_PREFIX: &str = "A#";

/// Where audit entries that belong to no customer (configuration, users) live.
pub fn audit_pk(t: &TenantId) -> String {
    format!("{}#AUDIT", tenant(t))
}

/// Every audit entry is also listed per tenant and month (`2026-11`).
pub fn audit_gsi1pk(t: &TenantId, month: &str) -> String {
    format!("{}#AUDIT#{month}", tenant(t))
}

pub fn audit_gsi1sk(at: &str, unique: &str) -> String {
    format!("{at}#{unique}")
}

pub fn config_pk(t: &TenantId) -> String {
    format!("{}#CFG", tenant(t))
}

pub const MATRIX_SK: &str = "MATRIX";
pub const FIELDS_SK: &str = "FIELDS";
/// Points at the engine version in force.
pub const ENGINE_SK: &str = "ENGINE";
/// The re-grade of the portfolio after an engine version was put in force.
pub const REGRADE_SK: &str = "REGRADE";
/// The challenger model and policy (the running one, or the last).
pub const CHALLENGER_SK: &str = "CHALLENGER";
pub const ENGINE_VERSION_PREFIX: &str = "ENGINE#";

pub fn engine_version_sk(version: u32) -> String {
    format!("{ENGINE_VERSION_PREFIX}{version:06}")
}

/// The lab's fitting report of an engine version (apart from it, so listing the versions
/// does not read every report).
pub fn engine_report_sk(version: u32) -> String {
    format!("REPORT#{version:06}")
}

pub const USER_PREFIX: &str = "USER#";

/// Usernames are checked on input: `[A-Za-z0-9_.@-]`, never `#`.
pub fn user_sk(username: &str) -> String {
    format!("{USER_PREFIX}{username}")
}

pub fn blacklist_pk(t: &TenantId) -> String {
    format!("{}#BL", tenant(t))
}

/// A blacklist entry is keyed by the party's code, or `NAME:{normalised name}` without one.
pub fn blacklist_sk(key: &str) -> String {
    key.to_owned()
}

pub const APPLICATION_SK: &str = "APPLICATION";

/// The prefix every key of a tenant starts with (tests use it to prove isolation).
pub fn tenant_prefix(t: &TenantId) -> String {
    format!("{}#", tenant(t))
}

// ----- early warning and collections ----------------------------------------------------------

pub const WATCH_SK: &str = "WATCH";

pub fn watched_gsi1pk(t: &TenantId) -> String {
    format!("{}#WATCHED", tenant(t))
}

/// GSI2: customers by the next day time alone may change their warnings or dunning.
pub fn wake_gsi2pk(t: &TenantId) -> String {
    format!("{}#WAKE", tenant(t))
}

pub fn wake_gsi2sk(date: &str, id: &CustomerId) -> String {
    format!("{date}#{id}")
}

/// Everything waking on or before `date` sorts before this.
pub fn wake_until(date: &str) -> String {
    format!("{date}#~")
}

/// A customer's next credit review (under the customer; GSI2 orders the tenant's by date).
pub const REVIEW_SK: &str = "REVIEW";

pub fn reviews_gsi2pk(t: &TenantId) -> String {
    format!("{}#REVIEWS", tenant(t))
}

pub fn review_gsi2sk(date: &str, id: &CustomerId) -> String {
    format!("{date}#{id}")
}

pub fn alert_sk(rule: &str) -> String {
    format!("AL#{rule}")
}

pub const ALERT_PREFIX: &str = "AL#";

pub fn alerts_gsi1pk(t: &TenantId, open: bool) -> String {
    format!(
        "{}#ALERTS#{}",
        tenant(t),
        if open { "OPEN" } else { "RESOLVED" }
    )
}

pub fn alert_gsi1sk(stamp: &str, id: &CustomerId, rule: &str) -> String {
    format!("{stamp}#{id}#{rule}")
}

pub fn task_sk(id: &str) -> String {
    format!("TK#{id}")
}

pub const TASK_PREFIX: &str = "TK#";

/// Open tasks by assignee; done tasks leave the index (they stay under the customer).
pub fn tasks_gsi1pk(t: &TenantId, assignee: &str) -> String {
    format!("{}#TASKS#{assignee}", tenant(t))
}

pub fn promise_sk(id: &str) -> String {
    format!("PR#{id}")
}

pub const PROMISE_PREFIX: &str = "PR#";

/// The marker of a promise's idempotency key: it names the promise recorded under the key.
/// (`PRK#` does not begin with [`PROMISE_PREFIX`], so markers never list as promises.)
pub fn promise_key_sk(key: &str) -> String {
    format!("PRK#{key}")
}

/// The marker of a note's idempotency key: it holds the note recorded under the key.
/// (`NTK#` does not begin with [`ACTIVITY_PREFIX`], so markers never list as activity.)
pub fn note_key_sk(key: &str) -> String {
    format!("NTK#{key}")
}

/// The marker of a credit request's idempotency key: it names the request filed under the
/// key. (`RQK#` does not begin with [`REQUEST_PREFIX`], so markers never list as requests.)
pub fn request_key_sk(key: &str) -> String {
    format!("RQK#{key}")
}

pub fn signal_sk(key: &str) -> String {
    format!("SG#{key}")
}

pub const SIGNAL_PREFIX: &str = "SG#";

/// A customer's financial statements for the period ending on `period_end`.
pub fn statement_sk(period_end: time::Date) -> String {
    format!("FS#{period_end}")
}

pub const STATEMENT_PREFIX: &str = "FS#";

/// A customer's imported outcome of a day (the scoring lab's).
pub fn outcome_sk(date: time::Date) -> String {
    format!("{OUTCOME_PREFIX}{date}")
}

pub const OUTCOME_PREFIX: &str = "OC#";

pub fn activity_sk(stamp: &str, unique: &str) -> String {
    format!("ACT#{stamp}#{unique}")
}

pub const ACTIVITY_PREFIX: &str = "ACT#";

pub fn webhook_pk(t: &TenantId) -> String {
    format!("{}#WH", tenant(t))
}

pub fn delivery_sk(stamp: &str, id: &str) -> String {
    format!("D#{stamp}#{id}")
}

pub const DELIVERY_PREFIX: &str = "D#";

pub fn deliveries_pending_gsi1pk(t: &TenantId) -> String {
    format!("{}#WH#PENDING", tenant(t))
}

/// A letter to the customer, under the customer (`id` starts with its unix time, so the
/// letters list newest first).
pub fn letter_sk(id: &str) -> String {
    format!("LTR#{id}")
}

pub const LETTER_PREFIX: &str = "LTR#";

/// The idempotency key a letter sent by hand was asked for with.
pub fn letter_key_sk(key: &str) -> String {
    format!("LTRKEY#{key}")
}

/// Letters waiting to be sent, by when their next attempt is due.
pub fn letters_pending_gsi1pk(t: &TenantId) -> String {
    format!("{}#LTR#PENDING", tenant(t))
}

/// The data (JSON) of request `rid`'s report snapshot, kept like its PDF
/// (`RPT#DATA-{rid}#…`).
pub fn report_data_name(rid: &str) -> String {
    format!("DATA-{rid}")
}

/// The PDF of a letter, kept like a report snapshot (`RPT#LTR-{id}#…`).
pub fn letter_pdf_name(id: &str) -> String {
    format!("LTR-{id}")
}

/// A dispute's case, under the customer, by the dispute's document number.
pub fn dispute_sk(dispute: &str) -> String {
    format!("DSP#{dispute}")
}

pub const DISPUTE_PREFIX: &str = "DSP#";

pub fn kpi_pk(t: &TenantId) -> String {
    format!("{}#KPI", tenant(t))
}

pub fn kpi_sk(date: &str) -> String {
    format!("K#{date}")
}

pub const KPI_PREFIX: &str = "K#";

pub const WARNING_RULES_SK: &str = "WARNING_RULES";
pub const DUNNING_SK: &str = "DUNNING";
pub const WEBHOOKS_SK: &str = "WEBHOOKS";
pub const DATA_FEEDS_SK: &str = "DATA_FEEDS";

/// Where the daily pass pulls a feed provider from next (its cursor), under the tenant's
/// configuration partition.
pub fn feed_cursor_sk(provider: &str) -> String {
    format!("FEED_CURSOR#{provider}")
}

/// The customer a stream record's partition key names, if it is a customer's.
pub fn customer_of_pk<'a>(t: &TenantId, pk: &'a str) -> Option<&'a str> {
    pk.strip_prefix(&format!("{}#C#", tenant(t)))
}

/// The tenant a partition key belongs to.
pub fn tenant_of_pk(pk: &str) -> Option<&str> {
    pk.strip_prefix("T#")?.split('#').next()
}

/// The tenant's imports: runs, their error rows, remembered mappings.
pub fn imports_pk(t: &TenantId) -> String {
    format!("{}#IMPORTS", tenant(t))
}

pub const IMPORT_RUN_PREFIX: &str = "RUN#";

pub fn import_run_sk(id: &str) -> String {
    format!("{IMPORT_RUN_PREFIX}{id}")
}

/// A run's error rows, one item per batch, in file order.
pub fn import_errors_prefix(id: &str) -> String {
    format!("ERR#{id}#")
}

pub fn import_errors_sk(id: &str, batch: u32) -> String {
    format!("ERR#{id}#{batch:08}")
}

pub fn import_mapping_sk(layout: &str) -> String {
    format!("MAP#{layout}")
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
            requests_open_gsi1pk(&t()),
            requests_closed_gsi1pk(&t()),
            audit_pk(&t()),
            audit_gsi1pk(&t(), "2026-11"),
            config_pk(&t()),
            blacklist_pk(&t()),
            party_requests_pk(&t()),
            request_pk(&t(), &Subject::Group { group: "G1".into() }),
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
