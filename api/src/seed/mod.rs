//! The demo tenant: its users (for the local issuer) and its data, seeded once.

pub mod generate;
mod names;

use crate::{
    auth::local::LocalUser,
    store::{Store, customers::CustomerRecord, seed::LedgerRecord},
};
use credence_shared::{Role, TenantId, UserId};
use generate::{DemoCustomer, EntryKind};

pub const DEMO_TENANT: &str = "demo";
pub const DEMO_PASSWORD: &str = "demo";
/// Customers in the demo tenant.
pub const DEMO_CUSTOMERS: usize = 220;
const DEMO_SEED: u64 = 42;

pub fn demo_tenant() -> TenantId {
    TenantId::parse(DEMO_TENANT).expect("valid tenant id")
}

/// One user per role, named after the role, password `demo`.
pub fn demo_users() -> Vec<LocalUser> {
    Role::ALL
        .into_iter()
        .map(|role| LocalUser {
            username: role.as_str().to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            user_id: UserId::parse(role.as_str()).expect("valid user id"),
            tenant: demo_tenant(),
            roles: vec![role],
        })
        .collect()
}

/// What seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeedOutcome {
    AlreadySeeded,
    Seeded {
        customers: usize,
        ledger_entries: usize,
    },
}

/// Seeds `tenant` with demo data as of `as_of`, unless it was seeded before.
/// The marker is written last, so an interrupted seed is redone on the next start.
pub async fn seed_demo(
    store: &Store,
    tenant: &TenantId,
    as_of: time::Date,
    customers: usize,
) -> anyhow::Result<SeedOutcome> {
    if store.is_seeded(tenant).await? {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let data = generate::generate(DEMO_SEED, as_of, customers);
    let records: Vec<CustomerRecord> = data.customers.iter().map(record_of).collect();
    store.put_new_customers(tenant, &records).await?;
    let ledger: Vec<LedgerRecord> = data.customers.iter().flat_map(ledger_of).collect();
    store.put_ledger(tenant, &ledger).await?;
    let as_of_text = as_of.to_string();
    match store.mark_seeded(tenant, records.len(), &as_of_text).await {
        Ok(()) | Err(crate::store::StoreError::ConditionFailed) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(SeedOutcome::Seeded {
        customers: records.len(),
        ledger_entries: ledger.len(),
    })
}

fn record_of(c: &DemoCustomer) -> CustomerRecord {
    CustomerRecord {
        id: c.id.clone(),
        number: c.number.clone(),
        name: c.name.clone(),
        name_en: c.name_en.clone(),
        usci: c.usci.clone(),
        country: c.country.clone(),
        industry: c.industry.clone(),
        owner: c.owner.clone(),
        grade: Some(c.grade),
        credit_limit: c.credit_limit,
        exposure: c.exposure,
        overdue: c.overdue,
        oldest_overdue_days: c.oldest_overdue_days,
        terms_days: c.terms_days,
        on_hold: c.on_hold,
        blacklisted: c.blacklisted,
    }
}

fn ledger_of(c: &DemoCustomer) -> impl Iterator<Item = LedgerRecord> + '_ {
    c.ledger.iter().map(|e| LedgerRecord {
        customer: c.id.clone(),
        kind: match e.kind {
            EntryKind::Order => "order",
            EntryKind::Invoice => "invoice",
            EntryKind::Payment => "payment",
        },
        doc_id: e.id.clone(),
        date: e.date.to_string(),
        due: e.due.map(|d| d.to_string()),
        amount: e.amount,
        applies_to: e.applies_to.clone(),
        order: e.order.clone(),
    })
}
