//! The demo tenant: its users (for the local issuer) and its data, seeded once.

pub mod generate;
mod names;
pub mod workflow;

use crate::{
    auth::local::LocalUser,
    service::credit::{self, CreditEngine},
    store::{
        Store,
        credit::{CreditState, StoredEntry, seed_items},
        customers::CustomerRecord,
    },
};
use anyhow::Context;
use credence_shared::customer::{CustomerStatus, MasterRecord};
use credence_shared::engine::identity::{CountryCode, RegistrationId};
use credence_shared::{
    Role, TenantId, UserId,
    credit::{CreditDecision, DecidedLimit},
    engine::{
        Allocation, DocRef, LedgerEntry, LedgerEvent, Policy, Profile, calendar::months_before,
    },
};
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

/// The demo tenant's ERP: a machine client of the client-credentials grant with every
/// scope (`demo-erp`, secret `demo-erp-secret`; the local issuer only).
pub fn demo_machine_clients() -> Vec<crate::auth::oauth::MachineClient> {
    vec![crate::auth::oauth::MachineClient {
        client_id: DEMO_ERP_CLIENT.to_owned(),
        secret: DEMO_ERP_SECRET.to_owned(),
        tenant: demo_tenant(),
        scopes: crate::auth::policy::Scope::ALL.to_vec(),
    }]
}

/// The demo ERP client's id and secret (local development only).
pub const DEMO_ERP_CLIENT: &str = "demo-erp";
pub const DEMO_ERP_SECRET: &str = "demo-erp-secret";

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
///
/// Every customer's credit file is computed by the same engine code as a live posting
/// ([`credit::compute_state`]), with a monthly history for the charts. The generated limits,
/// terms and holds are stored as decisions made by the `risk` user, so the engine's
/// recommendation shows beside them.
pub async fn seed_demo(
    store: &Store,
    tenant: &TenantId,
    as_of: time::Date,
    customers: usize,
) -> anyhow::Result<SeedOutcome> {
    // The daily jobs find the tenant in the registry (again on every start: a no-op).
    store
        .register_tenant(
            tenant,
            "演示公司 · Demo company",
            time::OffsetDateTime::now_utc(),
        )
        .await?;
    if store.is_seeded(tenant).await? {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let data = generate::generate(DEMO_SEED, as_of, customers);
    let engine = CreditEngine::defaults();
    let mut records = Vec::new();
    let mut items = Vec::new();
    let mut ledger_entries = 0;
    for c in &data.customers {
        let entries = ledger_of(c)?;
        ledger_entries += entries.len();
        let decision = decision_of(c, &engine.policy, as_of);
        let plain: Vec<LedgerEntry> = entries.iter().map(|e| e.entry.clone()).collect();
        let mut history = Vec::new();
        let mut previous: Option<CreditState> = None;
        for months_ago in (1..=HISTORY_MONTHS).rev() {
            let date = months_before(as_of, months_ago);
            if plain.first().is_none_or(|e| e.date > date) {
                continue;
            }
            let (state, _) = credit::compute_state(
                &engine,
                c.id.as_str(),
                previous.as_ref(),
                c.credit_limit.currency,
                &plain,
                profile_of(c),
                decision.clone(),
                date,
            )
            .with_context(|| format!("demo ledger of {}", c.id))?;
            history.extend(credit::history_point(None, &state, "monthly review"));
            previous = Some(state);
        }
        let (state, summary) = credit::compute_state(
            &engine,
            c.id.as_str(),
            previous.as_ref(),
            c.credit_limit.currency,
            &plain,
            profile_of(c),
            decision,
            as_of,
        )
        .with_context(|| format!("demo ledger of {}", c.id))?;
        history.extend(credit::history_point(None, &state, "current assessment"));
        let mut record = record_of(c);
        record.take_summary(&summary);
        records.push(record);
        items.extend(seed_items(
            tenant,
            &c.id,
            c.owner.as_ref(),
            &state,
            &entries,
            &history,
        )?);
        if let Some(due) = state.decision.review_due {
            items.push(crate::store::reviews::review_item(tenant, &c.id, due));
        }
    }
    store.put_new_customers(tenant, &records).await?;
    store.batch_put(items).await?;
    workflow::seed_workflow(store, tenant, &data.customers).await?;
    let as_of_text = as_of.to_string();
    match store.mark_seeded(tenant, records.len(), &as_of_text).await {
        Ok(()) | Err(crate::store::StoreError::ConditionFailed) => {}
        Err(e) => return Err(e.into()),
    }
    Ok(SeedOutcome::Seeded {
        customers: records.len(),
        ledger_entries,
    })
}

fn profile_of(c: &DemoCustomer) -> Profile {
    Profile {
        founded: Some(c.founded),
        registered_capital: Some(c.registered_capital),
        industry: Some(c.industry.clone()),
        ..Profile::default()
    }
}

/// Months of monthly history points seeded per customer.
const HISTORY_MONTHS: u32 = 17;

/// A demo line agreed before the history starts and reviewed on the policy's cycle since:
/// its next review falls from three weeks ago to one cycle ahead, so the queue has some
/// overdue, some due this week and most later.
fn decision_of(c: &DemoCustomer, policy: &Policy, as_of: time::Date) -> CreditDecision {
    // Lines were agreed on different days, so their reviews fall on different days.
    let spread =
        c.id.as_str()
            .bytes()
            .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let decided_on =
        months_before(as_of, HISTORY_MONTHS + 1) - time::Duration::days(i64::from(spread % 120));
    let months = u32::from(policy.review_months(c.grade));
    let mut review_due = decided_on;
    let mut cycles = 1;
    while review_due < as_of - time::Duration::days(21) {
        review_due = credence_shared::engine::calendar::months_after(decided_on, months * cycles);
        cycles += 1;
    }
    CreditDecision {
        limit: Some(DecidedLimit {
            amount: c.credit_limit,
            reason: "Limit agreed at onboarding".into(),
            decided_by: "risk".into(),
            decided_on,
            valid_until: None,
        }),
        temporary: None,
        terms_days: Some(u16::try_from(c.terms_days).unwrap_or(u16::MAX)),
        review_due: Some(review_due),
        on_hold: c.on_hold || c.blacklisted,
        blacklisted: c.blacklisted,
        prepayment: None,
    }
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
        on_hold: c.on_hold || c.blacklisted,
        blacklisted: c.blacklisted,
        founded: Some(c.founded),
        archived: false,
        master: Some(master_of(c)),
    }
}

/// The demo customer's master record, as the tenant's ERP would have it.
fn master_of(c: &DemoCustomer) -> MasterRecord {
    let country = CountryCode::parse(&c.country).unwrap_or(CountryCode::CN);
    MasterRecord {
        number: c.number.clone(),
        name: c.name.clone(),
        name_en: c.name_en.clone(),
        country,
        registration: c.usci.clone().map(RegistrationId::CnUsci),
        industry: Some(c.industry.clone()),
        size: None,
        registered_capital: Some(c.registered_capital),
        founded: Some(c.founded),
        address: None,
        contacts: demo_contacts(&c.number),
        owner: c.owner.as_ref().map(ToString::to_string),
        parent: None,
        status: CustomerStatus::Active,
        tags: Vec::new(),
        custom: Default::default(),
        origin: None,
    }
}

/// The accounts-payable contact of a demo customer: two in three have an e-mail address (on
/// the reserved `.example` domain), so letters are mailed to some and kept to post for others.
fn demo_contacts(number: &str) -> Vec<credence_shared::workflow::Contact> {
    let with_email = number.bytes().last().is_some_and(|b| b % 3 != 0);
    vec![credence_shared::workflow::Contact {
        name: "财务部".into(),
        title: "应付账款".into(),
        phone: String::new(),
        email: if with_email {
            format!("ap@{}.example", number.to_ascii_lowercase())
        } else {
            String::new()
        },
    }]
}

/// The demo ledger as the events an ERP would have posted.
fn ledger_of(c: &DemoCustomer) -> anyhow::Result<Vec<StoredEntry>> {
    let doc = |raw: &str| DocRef::parse(raw).with_context(|| format!("document {raw}"));
    c.ledger
        .iter()
        .map(|e| {
            let event = match e.kind {
                EntryKind::Order => LedgerEvent::OrderPlaced {
                    order: doc(&e.id)?,
                    amount: e.amount,
                },
                EntryKind::Invoice => LedgerEvent::Invoice {
                    invoice: doc(&e.id)?,
                    order: e.order.as_deref().map(doc).transpose()?,
                    due_date: e.due.context("invoice without due date")?,
                    amount: e.amount,
                },
                EntryKind::Payment => LedgerEvent::Payment {
                    payment: doc(&e.id)?,
                    amount: e.amount,
                    allocations: match &e.applies_to {
                        Some(invoice) => vec![Allocation {
                            invoice: doc(invoice)?,
                            amount: e.amount,
                        }],
                        None => Vec::new(),
                    },
                },
            };
            Ok(StoredEntry {
                idempotency_key: format!("demo:{}", e.id),
                entry: LedgerEntry::new(e.date, event),
            })
        })
        .collect()
}
